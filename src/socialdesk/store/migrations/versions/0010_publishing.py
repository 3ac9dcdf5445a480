"""publishing: calendar items going out on connected accounts, the audit log, the right to
approve

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 14:00:00

On the "connections" branch (issue #15 builds on #14); it also needs the marketing tables
(0006) and the memberships (0002).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = ("0006", "0002")


def upgrade() -> None:
    with op.batch_alter_table("membership") as batch:
        batch.add_column(
            sa.Column("can_approve", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
    with op.batch_alter_table("plan_item") as batch:
        batch.add_column(sa.Column("first_comment", sa.Text(), nullable=True))
    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("plan_item_id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(30), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("attempt_at", sa.DateTime(), nullable=True),
        sa.Column("remote_id", sa.String(500), nullable=True),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_publication_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_item_id"],
            ["plan_item.id"],
            name=op.f("fk_publication_plan_item_id_plan_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_publication_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_publication_post_id_post"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication")),
        sa.UniqueConstraint(
            "plan_item_id",
            "connection_id",
            name=op.f("uq_publication_plan_item_id_connection_id"),
        ),
    )
    op.create_index("ix_publication_status_due", "publication", ["status", "due_at"])
    op.create_table(
        "publish_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("plan_item_id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(150), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_publish_event_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_item_id"],
            ["plan_item.id"],
            name=op.f("fk_publish_event_plan_item_id_plan_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
            name=op.f("fk_publish_event_publication_id_publication"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publish_event")),
    )
    op.create_index("ix_publish_event_item_at", "publish_event", ["plan_item_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_publish_event_item_at", table_name="publish_event")
    op.drop_table("publish_event")
    op.drop_index("ix_publication_status_due", table_name="publication")
    op.drop_table("publication")
    with op.batch_alter_table("plan_item") as batch:
        batch.drop_column("first_comment")
    with op.batch_alter_table("membership") as batch:
        batch.drop_column("can_approve")
