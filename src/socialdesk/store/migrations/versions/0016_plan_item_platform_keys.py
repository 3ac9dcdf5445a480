"""plan items' platforms as the store keys them: "Instagram" -> instagram, "Twitter" -> x

Revision ID: 0016
Revises: 0006
Create Date: 2026-12-07 07:30:00

On the marketing branch. The calendar's form took the platform as free text, stored as typed:
an item for "Instagram" matched no imported post (the calendar compares keys) and never went
out. New and edited items are read as keys (marketing/queries.item_platform); this rewrites
the ones stored before: a name whose lower case, spaces trimmed, is a platform key becomes
that key, "twitter" and "x (twitter)" become x. Anything else is left as it was (the item
page shows it; editing it asks for a known platform). Downgrade keeps the keys (they were
always valid).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0006"
branch_labels = None
depends_on = None

# marketing/queries.ITEM_PLATFORMS as of this revision (a migration does not import the app)
KEYS = (
    "facebook",
    "instagram",
    "linkedin",
    "x",
    "tiktok",
    "youtube",
    "bluesky",
    "mastodon",
    "threads",
    "other",
)
ALIASES = {"twitter": "x", "x (twitter)": "x", "ig": "instagram", "fb": "facebook"}


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, platform FROM plan_item WHERE platform IS NOT NULL"))
    changes = []
    for item_id, platform in rows:
        word = " ".join(str(platform).split()).casefold()
        key = word if word in KEYS else ALIASES.get(word)
        if key is not None and key != platform:
            changes.append({"id": item_id, "key": key})
    if changes:
        conn.execute(sa.text("UPDATE plan_item SET platform = :key WHERE id = :id"), changes)


def downgrade() -> None:
    pass  # the keys stay: they were valid before this revision too
