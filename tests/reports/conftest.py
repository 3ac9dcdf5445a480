"""A seeded workspace for the reports (tests/web/seeding.py: every figure known), on SQLite
and on PostgreSQL, with one more post whose text tries to inject a script and tops October."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, select, update

from socialdesk.model import Post, PostMetrics
from socialdesk.store.rollups import refresh_accounts
from socialdesk.store.session import WorkspaceHandle, session_scope
from tests.web import seeding

OCTOBER = dt.date(2026, 10, 1)
SCRIPT_TEXT = "<script>alert('report')</script> Daken vergroenen"
SCRIPT_INTERACTIONS = 1234.0  # the month's best post: 1.234 in Dutch, 1,234 in English


@dataclass
class Seeded:
    ws: WorkspaceHandle
    ids: dict[str, int]


def seed_report_workspace(engine: Engine, workspace_id: int) -> dict[str, int]:
    """tests/web/seeding.py's workspace, its posts' engagements also counted as reactions (so
    socialdesk's own interactions, and the KPI tree over them, have figures), plus SCRIPT_TEXT."""
    ids = seeding.seed(engine, workspace_id)
    with session_scope(engine) as s:
        posts = select(Post.id).where(Post.account_id.in_([ids["fb"], ids["ig"]]))
        s.execute(
            update(PostMetrics)
            .where(PostMetrics.post_id.in_(posts))
            .values(reactions=PostMetrics.engagements)
        )
        post = Post(
            account_id=ids["fb"],
            external_id="script",
            published_at=dt.datetime(2026, 10, 15, 12, 0),
            text=SCRIPT_TEXT,
            media_type="photo",
            permalink="javascript:alert(1)",
        )
        s.add(post)
        s.flush()
        s.add(
            PostMetrics(
                post_id=post.id,
                as_of=seeding.END,
                reach=5000.0,
                impressions=9000.0,
                engagements=SCRIPT_INTERACTIONS,
                reactions=SCRIPT_INTERACTIONS,
            )
        )
        ids["script_post"] = post.id
        refresh_accounts(s, [ids["fb"], ids["ig"]])  # written here, not imported
    return ids


@pytest.fixture
def seeded(ws: WorkspaceHandle) -> Seeded:
    return Seeded(ws, seed_report_workspace(ws.engine, ws.workspace_id))
