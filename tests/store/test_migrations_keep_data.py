"""Migrations never lose data: a workspace with rows at an older revision keeps every row after
`upgrade` to the heads. (A migration that rebuilds `workspace` with batch_alter_table on SQLite
copies the table and drops the old one; with foreign keys on, ON DELETE CASCADE then empties
every table of every workspace. This test caught that once.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import text

from socialdesk.store.engine import make_engine, upgrade

OLD = "0012"  # the last revision before the identity and session migrations of #18


def test_a_populated_sqlite_workspace_keeps_its_rows_through_every_migration(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'socialdesk.db'}")
    upgrade(engine, OLD)
    upgrade(engine, "0008")  # the rollups' branch, as a workspace of that time had it
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO workspace (id, slug, name, created_at) VALUES (1, 'w', 'w', :t)"),
            {"t": dt.datetime(2026, 1, 1)},
        )
        conn.execute(
            text(
                "INSERT INTO account (id, workspace_id, platform, handle, timezone) "
                "VALUES (1, 1, 'facebook', 'groen', 'UTC')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO post (id, account_id, external_id, published_at) "
                "VALUES (1, 1, 'p1', :t)"
            ),
            {"t": dt.datetime(2026, 1, 2)},
        )
    upgrade(engine)  # every head
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM workspace")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM account")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM post")).scalar() == 1
    engine.dispose()


def test_plan_items_stored_with_a_typed_platform_get_its_key(tmp_path: Path):
    # the calendar's form stored the platform as typed: "Instagram" matched no imported post
    engine = make_engine(f"sqlite:///{tmp_path / 'socialdesk.db'}")
    upgrade(engine, "0006")
    typed = {1: "Instagram", 2: " Twitter ", 3: "linkedin", 4: "Myspace", 5: None}
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO workspace (id, slug, name, created_at) VALUES (1, 'w', 'w', :t)"),
            {"t": dt.datetime(2026, 1, 1)},
        )
        for item_id, platform in typed.items():
            conn.execute(
                text(
                    "INSERT INTO plan_item (id, workspace_id, title, status, platform, "
                    "created_at, updated_at) VALUES (:id, 1, 't', 'idea', :p, :t, :t)"
                ),
                {"id": item_id, "p": platform, "t": dt.datetime(2026, 1, 1)},
            )
    upgrade(engine)  # every head
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT id, platform FROM plan_item")).all())
    assert stored == {1: "instagram", 2: "x", 3: "linkedin", 4: "Myspace", 5: None}
    engine.dispose()
