"""the inbox: messages, threads, labels, assignments, replies, saved replies, learnt models

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-27 01:00:00

A branch of its own ("inbox"): the store upgrades to "heads".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = ("inbox",)
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{ref_table}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "message_thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=30), nullable=False),
        sa.Column("external_id", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("post_external_id", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("assignee", sa.String(length=150), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("last_message_at", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("message_thread", "workspace_id", "workspace.id", "CASCADE"),
        _fk("message_thread", "account_id", "account.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_thread")),
        sa.UniqueConstraint(
            "workspace_id",
            "platform",
            "external_id",
            name=op.f("uq_message_thread_workspace_id_platform_external_id"),
        ),
    )
    op.create_index(
        "ix_message_thread_queue",
        "message_thread",
        ["workspace_id", "status", "last_message_at"],
        unique=False,
    )
    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=30), nullable=False),
        sa.Column("external_id", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("author_handle", sa.String(length=300), nullable=False),
        sa.Column("author_name", sa.String(length=300), nullable=True),
        sa.Column("author_followers", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("is_from_org", sa.Boolean(), nullable=False),
        sa.Column("in_reply_to", sa.String(length=300), nullable=True),
        sa.Column("answered_by", sa.String(length=150), nullable=True),
        sa.Column("permalink", sa.String(length=1000), nullable=True),
        sa.Column("sentiment", sa.String(length=10), nullable=True),
        sa.Column("sentiment_score", sa.Float(), nullable=True),
        sa.Column("sentiment_confidence", sa.Float(), nullable=True),
        sa.Column("intent", sa.String(length=20), nullable=True),
        sa.Column("intent_confidence", sa.Float(), nullable=True),
        sa.Column("urgency", sa.Float(), nullable=True),
        sa.Column("triaged_by", sa.String(length=100), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        _fk("message", "workspace_id", "workspace.id", "CASCADE"),
        _fk("message", "thread_id", "message_thread.id", "CASCADE"),
        _fk("message", "account_id", "account.id", "SET NULL"),
        _fk("message", "import_batch_id", "import_batch.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
        sa.UniqueConstraint(
            "workspace_id",
            "platform",
            "external_id",
            name=op.f("uq_message_workspace_id_platform_external_id"),
        ),
    )
    op.create_index(
        "ix_message_thread_received", "message", ["thread_id", "received_at"], unique=False
    )
    op.create_index(
        "ix_message_workspace_received", "message", ["workspace_id", "received_at"], unique=False
    )
    op.create_table(
        "message_label",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("set_by", sa.String(length=150), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        _fk("message_label", "workspace_id", "workspace.id", "CASCADE"),
        _fk("message_label", "message_id", "message.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_label")),
        sa.UniqueConstraint(
            "message_id", "kind", "value", name=op.f("uq_message_label_message_id_kind_value")
        ),
    )
    op.create_index(
        "ix_message_label_workspace_kind", "message_label", ["workspace_id", "kind"], unique=False
    )
    op.create_table(
        "message_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("assignee", sa.String(length=150), nullable=True),
        sa.Column("assigned_by", sa.String(length=150), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        _fk("message_assignment", "thread_id", "message_thread.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_assignment")),
    )
    op.create_table(
        "message_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=True),
        sa.Column("author", sa.String(length=150), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        _fk("message_reply", "workspace_id", "workspace.id", "CASCADE"),
        _fk("message_reply", "thread_id", "message_thread.id", "CASCADE"),
        _fk("message_reply", "message_id", "message.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_reply")),
    )
    op.create_table(
        "saved_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("intent", sa.String(length=20), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        _fk("saved_reply", "workspace_id", "workspace.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_reply")),
        sa.UniqueConstraint(
            "workspace_id",
            "name",
            "language",
            name=op.f("uq_saved_reply_workspace_id_name_language"),
        ),
    )
    op.create_table(
        "inbox_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("trained_at", sa.DateTime(), nullable=False),
        sa.Column("n_labels", sa.Integer(), nullable=False),
        sa.Column("holdout_n", sa.Integer(), nullable=False),
        sa.Column("score_model", sa.Float(), nullable=True),
        sa.Column("score_lexicon", sa.Float(), nullable=True),
        sa.Column("metric", sa.String(length=50), nullable=False),
        sa.Column("in_charge", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        _fk("inbox_model", "workspace_id", "workspace.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_model")),
        sa.UniqueConstraint(
            "workspace_id", "target", name=op.f("uq_inbox_model_workspace_id_target")
        ),
    )


def downgrade() -> None:
    op.drop_table("inbox_model")
    op.drop_table("saved_reply")
    op.drop_table("message_reply")
    op.drop_table("message_assignment")
    op.drop_index("ix_message_label_workspace_kind", table_name="message_label")
    op.drop_table("message_label")
    op.drop_index("ix_message_workspace_received", table_name="message")
    op.drop_index("ix_message_thread_received", table_name="message")
    op.drop_table("message")
    op.drop_index("ix_message_thread_queue", table_name="message_thread")
    op.drop_table("message_thread")
