"""rollups: each post's latest snapshot and weekly sums, kept by the store for the cockpit

Revision ID: 0008
Revises: 0001
Create Date: 2026-11-27 04:00:00

A branch of its own ("rollups"): the store upgrades to "heads". The table is filled here
from the snapshots already stored; from then on every import refreshes it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0001"
branch_labels = ("rollups",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "post_latest",
        sa.Column("post_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("impressions", sa.Float(), nullable=True),
        sa.Column("reach", sa.Float(), nullable=True),
        sa.Column("engagements", sa.Float(), nullable=True),
        sa.Column("clicks", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["post.id"],
            name=op.f("fk_post_latest_post_id_post"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_post_latest")),
    )
    op.create_index(
        "ix_post_latest_account_published",
        "post_latest",
        ["account_id", "published_at", "reach", "engagements"],
        unique=False,
    )
    op.create_table(
        "account_week",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("followers_max", sa.Float(), nullable=True),
        *[
            column
            for name in ("reach", "impressions", "engagements", "clicks")
            for column in (
                sa.Column(name, sa.Float(), nullable=True),
                sa.Column(f"{name}_days", sa.Integer(), nullable=False),
            )
        ],
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_account_week_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "week", name=op.f("pk_account_week")),
    )
    op.create_table(
        "post_week",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.Column("reach", sa.Float(), nullable=True),
        sa.Column("engagements", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_post_week_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "week", name=op.f("pk_post_week")),
    )
    op.create_table(
        "ad_week",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("spend", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_ad_week_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id", "week", "level", "currency", name=op.f("pk_ad_week")
        ),
    )
    op.create_index(
        "ix_ad_day_periods",
        "ad_day",
        ["date_start", "date_end"],
        unique=False,
        sqlite_where=sa.text("date_start <> date_end"),
        postgresql_where=sa.text("date_start <> date_end"),
    )
    from socialdesk.store.rollups import refresh_all

    refresh_all(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_ad_day_periods", table_name="ad_day")
    op.drop_table("ad_week")
    op.drop_table("post_week")
    op.drop_table("account_week")
    op.drop_index("ix_post_latest_account_published", table_name="post_latest")
    op.drop_table("post_latest")
