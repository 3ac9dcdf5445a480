"""online marketing: plan versions, plan items and their comments, links, tags

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-27 02:00:00

A branch of its own ("marketing"): the store upgrades to "heads".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = ("marketing",)
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{ref_table}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "marketing_plan_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("saved_by", sa.String(length=150), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        _fk("marketing_plan_version", "workspace_id", "workspace.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketing_plan_version")),
        sa.UniqueConstraint(
            "workspace_id", "version", name=op.f("uq_marketing_plan_version_workspace_id_version")
        ),
    )
    op.create_table(
        "plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("platform", sa.String(length=30), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(), nullable=True),
        sa.Column("pillar", sa.String(length=100), nullable=True),
        sa.Column("audience", sa.String(length=100), nullable=True),
        sa.Column("objective", sa.String(length=100), nullable=True),
        sa.Column("owner", sa.String(length=150), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("media", sa.JSON(), nullable=True),
        sa.Column("link", sa.String(length=2000), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("match_score", sa.Float(), nullable=True),
        sa.Column("approved_by", sa.String(length=150), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=150), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("plan_item", "workspace_id", "workspace.id", "CASCADE"),
        _fk("plan_item", "post_id", "post.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_item")),
    )
    op.create_index(
        "ix_plan_item_workspace_scheduled",
        "plan_item",
        ["workspace_id", "scheduled_at"],
        unique=False,
    )
    op.create_table(
        "plan_item_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_item_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=150), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("plan_item_comment", "plan_item_id", "plan_item.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_item_comment")),
    )
    op.create_table(
        "marketing_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("base_url", sa.String(length=2000), nullable=False),
        sa.Column("utm_source", sa.String(length=200), nullable=True),
        sa.Column("utm_medium", sa.String(length=200), nullable=True),
        sa.Column("utm_campaign", sa.String(length=300), nullable=True),
        sa.Column("utm_content", sa.String(length=300), nullable=True),
        sa.Column("utm_term", sa.String(length=300), nullable=True),
        sa.Column("plan_item_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=150), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("marketing_link", "workspace_id", "workspace.id", "CASCADE"),
        _fk("marketing_link", "plan_item_id", "plan_item.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketing_link")),
        sa.UniqueConstraint("workspace_id", "url", name=op.f("uq_marketing_link_workspace_id_url")),
    )
    op.create_table(
        "marketing_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("set_by", sa.String(length=150), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        _fk("marketing_tag", "workspace_id", "workspace.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketing_tag")),
        sa.UniqueConstraint(
            "workspace_id",
            "target_kind",
            "target_id",
            "dimension",
            name=op.f("uq_marketing_tag_workspace_id_target_kind_target_id_dimension"),
        ),
    )
    op.create_index(
        "ix_marketing_tag_lookup",
        "marketing_tag",
        ["workspace_id", "dimension", "value"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_marketing_tag_lookup", table_name="marketing_tag")
    op.drop_table("marketing_tag")
    op.drop_table("marketing_link")
    op.drop_table("plan_item_comment")
    op.drop_index("ix_plan_item_workspace_scheduled", table_name="plan_item")
    op.drop_table("plan_item")
    op.drop_table("marketing_plan_version")
