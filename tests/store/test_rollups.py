"""The store's derived tables stay true to the imported rows (both databases)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, insert, select

from socialdesk.model import (
    Account,
    AccountWeek,
    AdWeek,
    Campaign,
    ImportBatch,
    Post,
    PostLatest,
    PostMetrics,
)
from socialdesk.store.rollups import check_post_latest, check_weeks, refresh_post_latest
from socialdesk.store.session import session_scope
from tests.conftest import fixture_path

FILE = ("meta", "meta_business_suite_facebook_posts_en.csv")


def _latest(engine, workspace_id: int) -> dict[int, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(PostLatest.post_id, PostLatest.as_of, PostLatest.reach, PostLatest.engagements)
            .join(Account, Account.id == PostLatest.account_id)
            .where(Account.workspace_id == workspace_id)
        )
        return {r[0]: tuple(r[1:]) for r in rows}


def test_every_import_keeps_each_posts_latest_figures(ws, importer, tmp_path):
    first = importer.import_file(fixture_path(*FILE), as_of=dt.date(2026, 1, 1))
    assert first.status == "imported", first.errors
    with ws.engine.connect() as conn:
        posts = conn.scalar(
            select(func.count())
            .select_from(Post)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id)
        )
        assert posts and len(_latest(ws.engine, ws.workspace_id)) == posts
        assert check_post_latest(conn, ws.workspace_id) == []
    assert {v[0] for v in _latest(ws.engine, ws.workspace_id).values()} == {dt.date(2026, 1, 1)}
    # the same figures a month later (another file: another hash) become the latest
    later = tmp_path / "later.csv"
    later.write_bytes(fixture_path(*FILE).read_bytes() + b"\n")
    assert importer.import_file(later, as_of=dt.date(2026, 2, 1)).status == "imported"
    assert {v[0] for v in _latest(ws.engine, ws.workspace_id).values()} == {dt.date(2026, 2, 1)}
    # an older export imported afterwards does not push the newer figures aside
    older = tmp_path / "older.csv"
    older.write_bytes(fixture_path(*FILE).read_bytes() + b"\n\n")
    assert importer.import_file(older, as_of=dt.date(2025, 12, 1)).status == "imported"
    assert {v[0] for v in _latest(ws.engine, ws.workspace_id).values()} == {dt.date(2026, 2, 1)}
    with ws.engine.connect() as conn:
        assert check_post_latest(conn, ws.workspace_id) == []
        assert check_weeks(conn, ws.workspace_id) == []


def test_account_days_are_summed_per_week(ws, importer):
    report = importer.import_file(fixture_path("x", "account_overview_analytics.csv"))
    assert report.status == "imported", report.errors
    with ws.engine.connect() as conn:
        weeks = conn.execute(
            select(AccountWeek.week, AccountWeek.impressions_days)
            .join(Account, Account.id == AccountWeek.account_id)
            .where(Account.workspace_id == ws.workspace_id)
        ).all()
        assert weeks and all(w.weekday() == 0 for w, _ in weeks)  # Mondays
        assert all(1 <= n <= 7 for _, n in weeks)
        assert check_weeks(conn, ws.workspace_id) == []


def test_ad_days_are_summed_per_week(ws, importer):
    report = importer.import_file(fixture_path("google", "google_ads_campaign_report_daily.csv"))
    assert report.status == "imported", report.errors
    with ws.engine.connect() as conn:
        weeks = conn.execute(
            select(AdWeek.week, AdWeek.level)
            .join(Campaign, Campaign.id == AdWeek.campaign_id)
            .join(Account, Account.id == Campaign.account_id)
            .where(Account.workspace_id == ws.workspace_id)
        ).all()
        assert weeks and all(w.weekday() == 0 and lvl in (0, 1, 2) for w, lvl in weeks)
        assert check_weeks(conn, ws.workspace_id) == []


def test_refresh_by_batch_by_post_and_everything(ws):
    engine = ws.engine
    with session_scope(engine) as s:
        acc = Account(workspace_id=ws.workspace_id, platform="instagram", handle="a")
        s.add(acc)
        s.flush()
        b1, b2 = (
            ImportBatch(
                workspace_id=ws.workspace_id,
                filename=n,
                sha256=n * 64,
                format="t",
                size_bytes=1,
                imported_by="tests",
            )
            for n in "12"
        )
        s.add_all([b1, b2])
        s.flush()
        ids = []
        for i in range(3):
            p = Post(
                account_id=acc.id,
                external_id=f"p{i}",
                import_batch_id=b1.id,
                published_at=dt.datetime(2026, 1, 1 + i, 12),
            )
            s.add(p)
            s.flush()
            ids.append(p.id)
        s.execute(
            insert(PostMetrics),
            [
                {
                    "post_id": ids[0],
                    "as_of": dt.date(2026, 1, 10),
                    "reach": 10.0,
                    "likes": 1.0,
                    "comments": 2.0,
                    "import_batch_id": b1.id,
                },
                {
                    "post_id": ids[1],
                    "as_of": dt.date(2026, 1, 10),
                    "reach": 20.0,
                    "engagements": 7.0,
                    "import_batch_id": b1.id,
                },
            ],
        )
        refresh_post_latest(s, batch_id=b1.id)
        b2_id = b2.id
    got = _latest(engine, ws.workspace_id)
    # likes + comments make the interactions; where none of the parts is given the
    # platform's own engagements stand in; a post without snapshots has no figures
    assert got == {
        ids[0]: (dt.date(2026, 1, 10), 10.0, 3.0),
        ids[1]: (dt.date(2026, 1, 10), 20.0, 7.0),
        ids[2]: (None, None, None),
    }
    with session_scope(engine) as s:
        s.execute(
            insert(PostMetrics),
            [
                {
                    "post_id": ids[0],
                    "as_of": dt.date(2026, 1, 20),
                    "reach": 15.0,
                    "likes": 4.0,
                    "import_batch_id": b2_id,
                },
            ],
        )
        # before the refresh the check names the stale post
        assert [r[0] for r in check_post_latest(s, ws.workspace_id)] == [ids[0]]
        refresh_post_latest(s, batch_id=b2_id)
        assert check_post_latest(s, ws.workspace_id) == []
    assert _latest(engine, ws.workspace_id)[ids[0]] == (dt.date(2026, 1, 20), 15.0, 4.0)
    with session_scope(engine) as s:
        s.execute(delete(PostMetrics).where(PostMetrics.post_id == ids[1]))
        refresh_post_latest(s, post_ids=[ids[1]])
        s.execute(delete(Post).where(Post.id == ids[2]))  # the latest row goes with its post
        assert check_post_latest(s, ws.workspace_id) == []
        s.execute(delete(PostLatest))
        refresh_post_latest(s)
        assert check_post_latest(s, ws.workspace_id) == []
    assert _latest(engine, ws.workspace_id) == {
        ids[0]: (dt.date(2026, 1, 20), 15.0, 4.0),
        ids[1]: (None, None, None),
    }


def test_the_migrations_make_the_model(engine):
    """Every table and index of the model comes from the migrations, and no more."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from socialdesk.model import Base

    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    # alembic cannot compare PostgreSQL's DESC NULLS LAST index: it reports it changed
    known = {"ix_post_published_at"}
    assert [d for d in diff if getattr(d[1], "name", None) not in known] == []
