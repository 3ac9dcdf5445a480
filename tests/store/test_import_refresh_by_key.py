"""The refresh of an import's posts through the temporary id table (issue #18), on both
databases: it refreshes the posts in the table and no others (on PostgreSQL the statement
also bounds their id range), finds each post's latest snapshot, rewrites no unchanged row,
and an import that fails after it leaves nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select, text

from socialdesk.importers import load
from socialdesk.model import Account, ImportBatch, Post, PostLatest, PostMetrics
from socialdesk.store import rollups
from socialdesk.store.rollups import check_post_latest, check_weeks, refresh_post_latest
from socialdesk.store.session import session_scope

HEADER = (
    'Post ID,Page ID,"Page name",Title,Description,"Duration (sec)","Publish time",'
    '"Caption type",Permalink,"Post type",Date,Views,Reach,"Reactions, Comments and Shares",'
    "Reactions,Comments,Shares"
)


def _meta_file(path, ids, reach):
    lines = [HEADER]
    for i in ids:
        lines.append(
            f'{i},100000000000001,"Bench page","Bericht {i}",,0,'
            f"01/{1 + i % 28:02d}/2026 10:{i % 60:02d},"
            f"N/A,https://www.facebook.com/b/posts/{i},Photos,Lifetime,{reach * 2},{reach},3,2,1,0"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def _mine(ws):
    return select(Account.id).where(Account.workspace_id == ws.workspace_id)


def _latest(conn, ws) -> dict[int, tuple]:
    rows = conn.execute(
        select(PostLatest.post_id, PostLatest.as_of, PostLatest.reach).where(
            PostLatest.account_id.in_(_mine(ws))
        )
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def test_the_id_table_refreshes_its_posts_and_no_others(ws, monkeypatch):
    monkeypatch.setattr(rollups, "_CHUNK", 2)  # more than 2 posts: the id-table route
    day = dt.date(2026, 1, 10)
    with session_scope(ws.engine) as s:
        acc = Account(workspace_id=ws.workspace_id, platform="facebook", handle="k")
        s.add(acc)
        s.flush()
        ids = []
        for i in range(10):
            post = Post(
                account_id=acc.id,
                external_id=f"k{i}",
                published_at=dt.datetime(2026, 1, 1 + i, 9),
            )
            s.add(post)
            s.flush()
            ids.append(post.id)
        # every post but the last has two snapshots; the later one is the latest
        s.execute(
            insert(PostMetrics),
            [
                {"post_id": p, "as_of": day + dt.timedelta(days=d), "reach": 10.0 * i + d}
                for i, p in enumerate(ids[:-1])
                for d in (0, 5)
            ],
        )
        refresh_post_latest(s)
        assert check_post_latest(s, ws.workspace_id) == []
        # a newer snapshot of every post but the last, a first one of the last
        s.execute(
            insert(PostMetrics),
            [
                {"post_id": p, "as_of": day + dt.timedelta(days=9), "reach": 1000.0 + i}
                for i, p in enumerate(ids)
            ],
        )
        chosen = [ids[1], ids[4], ids[9]]  # not neighbours: the range holds others
        refresh_post_latest(s, post_ids=chosen)
        stale = sorted(r[0] for r in check_post_latest(s, ws.workspace_id))
        assert stale == sorted(set(ids) - set(chosen))
        got = _latest(s, ws)
    for i, p in enumerate(ids):
        if p in chosen:
            assert got[p] == (day + dt.timedelta(days=9), 1000.0 + i)
        else:
            assert got[p] == (day + dt.timedelta(days=5), 10.0 * i + 5)


def test_refreshing_unchanged_posts_through_the_id_table_rewrites_nothing(
    ws, importer, tmp_path, monkeypatch
):
    monkeypatch.setattr(rollups, "_CHUNK", 5)  # 30 posts: the id-table route
    report = importer.import_file(
        _meta_file(tmp_path / "Jan-01-2026_Feb-01-2026.csv", range(30), 7)
    )
    assert report.status == "imported", report.error
    with session_scope(ws.engine) as s:
        ids = list(s.scalars(select(Post.id).where(Post.account_id.in_(_mine(ws)))))
        assert len(ids) == 30
        if s.get_bind().dialect.name == "postgresql":  # a rewritten row has a new ctid
            q = text("SELECT post_id, ctid::text FROM post_latest WHERE post_id = ANY(:ids)")
            before = dict(s.execute(q, {"ids": ids}).all())
            refresh_post_latest(s, post_ids=ids)
            assert dict(s.execute(q, {"ids": ids}).all()) == before
        else:  # SQLite counts every row written: the id table's own, nothing else
            before = s.execute(text("SELECT total_changes()")).scalar()
            refresh_post_latest(s, post_ids=ids)
            assert s.execute(text("SELECT total_changes()")).scalar() == before + len(ids)
        assert check_post_latest(s, ws.workspace_id) == []
    # the same file again changes nothing at all
    again = importer.import_file(tmp_path / "Jan-01-2026_Feb-01-2026.csv")
    assert again.status == "unchanged"


def test_an_import_that_fails_after_its_refresh_leaves_nothing(ws, importer, tmp_path, monkeypatch):
    monkeypatch.setattr(rollups, "_CHUNK", 5)
    path = _meta_file(tmp_path / "Jan-01-2026_Feb-01-2026.csv", range(40), 9)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as m:
        m.setattr(load, "refresh_weeks", broken)  # after post_latest was refreshed
        report = importer.import_file(path)
    assert report.status == "failed" and "disk full" in (report.error or "")
    with ws.engine.connect() as conn:
        for table in (Post, PostLatest):
            owner = Post.account_id if table is Post else PostLatest.account_id
            assert conn.scalar(select(func.count()).where(owner.in_(_mine(ws)))) == 0
        batches = select(func.count()).where(ImportBatch.workspace_id == ws.workspace_id)
        assert conn.scalar(batches) == 0
    # nothing was recorded, so the same file imports in full afterwards
    report = importer.import_file(path)
    assert report.status == "imported", report.error
    assert report.counts["post"] == {"added": 40, "updated": 0}
    with ws.engine.connect() as conn:
        assert len(_latest(conn, ws)) == 40
        assert check_post_latest(conn, ws.workspace_id) == []
        assert check_weeks(conn, ws.workspace_id) == []


@pytest.mark.parametrize("route", ["list", "table"])
def test_a_post_without_snapshots_keeps_a_row_without_figures(ws, monkeypatch, route):
    monkeypatch.setattr(rollups, "_CHUNK", 1 if route == "table" else 100)
    with session_scope(ws.engine) as s:
        acc = Account(workspace_id=ws.workspace_id, platform="x", handle="n")
        s.add(acc)
        s.flush()
        posts = [Post(account_id=acc.id, external_id=f"n{i}") for i in range(3)]
        s.add_all(posts)
        s.flush()
        ids = [p.id for p in posts]
        s.execute(insert(PostMetrics), [{"post_id": ids[0], "as_of": dt.date(2026, 2, 1)}])
        refresh_post_latest(s, post_ids=ids)
        assert _latest(s, ws) == {
            ids[0]: (dt.date(2026, 2, 1), None),
            ids[1]: (None, None),
            ids[2]: (None, None),
        }
        assert check_post_latest(s, ws.workspace_id) == []
