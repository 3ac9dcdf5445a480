"""inbox models decide per language: inbox_model.languages keeps, per language of the team's
labels, the held-back labels, the model's and the lexicon's macro-F1 (with intervals) and
whether the model reads that language (issue #19)

Revision ID: 0015
Revises: 0005
Create Date: 2026-12-10 12:00:00

On the inbox branch. Models stored before this revision keep languages NULL, and their
`in_charge` keeps meaning what it meant: the model reads every language. Training again
writes the per-language verdict. A plain ADD COLUMN (nullable, no default) on both databases:
no table is copied.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("inbox_model", sa.Column("languages", sa.JSON(), nullable=True))


def downgrade() -> None:
    # a model trained after this revision reads only some languages; without the column it
    # would read them all, so its verdict falls back to the lexicon until it is trained again
    op.execute(
        sa.text("UPDATE inbox_model SET in_charge = :no WHERE languages IS NOT NULL").bindparams(
            no=False
        )
    )
    with op.batch_alter_table("inbox_model") as batch:
        batch.drop_column("languages")
