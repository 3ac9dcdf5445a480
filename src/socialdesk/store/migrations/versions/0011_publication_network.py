"""publishing: one connection may publish to two networks (a Meta connection: the Page on
facebook and its Instagram account), so a calendar item's target is (connection, network);
the id of a post a network holds to publish itself (Mastodon's scheduled statuses); what was
given to the network (publication.sent), which the worker looks for after a crash

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publication") as batch:
        batch.add_column(sa.Column("handed_id", sa.String(100), nullable=True))
        batch.add_column(sa.Column("sent", sa.JSON(), nullable=True))
        batch.drop_constraint("uq_publication_plan_item_id_connection_id", type_="unique")
        batch.create_unique_constraint(
            "uq_publication_plan_item_id_connection_id_network",
            ["plan_item_id", "connection_id", "network"],
        )


def downgrade() -> None:
    with op.batch_alter_table("publication") as batch:
        batch.drop_constraint("uq_publication_plan_item_id_connection_id_network", type_="unique")
        batch.create_unique_constraint(
            "uq_publication_plan_item_id_connection_id", ["plan_item_id", "connection_id"]
        )
        batch.drop_column("handed_id")
        batch.drop_column("sent")
