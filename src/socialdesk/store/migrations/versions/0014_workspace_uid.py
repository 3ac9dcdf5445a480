"""workspace identity: each workspace gets a uid, the uuid in its folder's marker
(`socialdesk-workspace.json`), and is found by it, never by its folder's name: two folders
of one name on a shared database are two workspaces, a renamed or restored folder keeps its
own

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-09 12:00:00

Workspaces made before this revision keep uid NULL until their folder opens them: the
folder's marker already holds a uuid (written since #17), which becomes the row's uid, so
markers written before stay valid. A folder without a marker claims its slug's row once (see
store/session.py). NULL is allowed many times by a unique index on both databases.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # never batch_alter_table on `workspace`: on SQLite it copies the table and drops the old
    # one, and with foreign keys on, ON DELETE CASCADE empties every table of the workspace.
    # A plain ADD COLUMN and a unique index change nothing else, on both databases.
    op.add_column("workspace", sa.Column("uid", sa.String(36), nullable=True))
    op.create_index(op.f("ix_workspace_uid"), "workspace", ["uid"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_workspace_uid"), table_name="workspace")
    op.drop_column("workspace", "uid")
