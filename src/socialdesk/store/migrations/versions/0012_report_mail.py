"""report mail: the workspace's outgoing mail server (the password sealed) and the reports
sent by e-mail on a schedule, with what was last sent and why the last attempt failed

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(300), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("security", sa.String(10), nullable=False),
        sa.Column("username", sa.String(300), nullable=True),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("sender", sa.String(300), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_mail_settings_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_settings")),
        sa.UniqueConstraint("workspace_id", name=op.f("uq_mail_settings_workspace_id")),
    )
    op.create_table(
        "report_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lang", sa.String(5), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(150), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_sent_month", sa.String(7), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_report_schedule_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_schedule")),
    )
    op.create_index(op.f("ix_report_schedule_workspace_id"), "report_schedule", ["workspace_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_report_schedule_workspace_id"), table_name="report_schedule")
    op.drop_table("report_schedule")
    op.drop_table("mail_settings")
