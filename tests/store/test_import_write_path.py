"""The import's write path at the sizes where it takes its bulk routes, on both databases:
counts of added and updated rows from the upsert itself, ids of updated rows too, the
post_latest refresh through a temporary table, JSON extras built column by column."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sqlalchemy import select

from socialdesk.importers import load
from socialdesk.model import Account, Post, PostLatest, PostMetrics
from socialdesk.store import rollups, session_scope
from socialdesk.store.rollups import check_post_latest, check_weeks
from socialdesk.store.upsert import upsert, upsert_frame

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


def test_reimport_counts_ids_and_latest_through_the_temporary_table(
    importer, ws, tmp_path, monkeypatch
):
    monkeypatch.setattr(rollups, "_CHUNK", 5)  # 30 posts: the temporary-table route
    first = _meta_file(tmp_path / "Jan-01-2026_Feb-01-2026.csv", range(1, 31), 100)
    report = importer.import_file(first)
    assert report.status == "imported", report.error
    assert report.counts["post"] == {"added": 30, "updated": 0}
    assert report.counts["post_metrics"] == {"added": 30, "updated": 0}
    # a newer export: 20 known posts, 10 new ones, a later snapshot of each
    second = _meta_file(tmp_path / "Jan-01-2026_Mar-01-2026.csv", range(11, 41), 500)
    report = importer.import_file(second)
    assert report.status == "imported", report.error
    assert report.counts["post"] == {"added": 10, "updated": 20}
    assert report.counts["post_metrics"] == {"added": 30, "updated": 0}
    # the same snapshot date again with other figures: updates only
    again = _meta_file(tmp_path / "Jan-01-2026_Mar-01-2026 (1).csv", range(11, 41), 700)
    report = importer.import_file(again)
    assert report.counts["post"] == {"added": 0, "updated": 30}
    assert report.counts["post_metrics"] == {"added": 0, "updated": 30}
    with ws.engine.connect() as conn:
        assert check_post_latest(conn, ws.workspace_id) == []
        assert check_weeks(conn, ws.workspace_id) == []
        mine = select(Account.id).where(Account.workspace_id == ws.workspace_id)
        reach = dict(
            conn.execute(
                select(Post.external_id, PostLatest.reach)
                .join(Post, Post.id == PostLatest.post_id)
                .where(Post.account_id.in_(mine))
            ).all()
        )
        snapshots = conn.execute(
            select(PostMetrics.id)
            .join(Post, Post.id == PostMetrics.post_id)
            .where(Post.account_id.in_(mine))
        ).all()
    assert len(reach) == 40 and len(snapshots) == 60
    assert {reach[str(i)] for i in range(1, 11)} == {100.0}  # only the first snapshot
    assert {reach[str(i)] for i in range(11, 41)} == {700.0}  # the latest one wins


def _account(ws) -> int:
    with session_scope(ws.engine) as s:
        upsert(
            s,
            Account.__table__,
            [
                {
                    "workspace_id": ws.workspace_id,
                    "platform": "x",
                    "handle": "bulk",
                    "timezone": "UTC",
                }
            ],
            keys=("workspace_id", "platform", "handle"),
        )
        return s.scalar(
            select(Account.id).where(
                Account.workspace_id == ws.workspace_id, Account.handle == "bulk"
            )
        )


def test_upsert_frame_counts_and_ids_of_added_and_updated_rows(ws):
    acc = _account(ws)
    n = 3000

    def posts(start: int) -> pd.DataFrame:
        ext = [str(i) for i in range(start, start + n)]
        return pd.DataFrame(
            {
                "account_id": acc,
                "external_id": ext,
                "published_at": pd.Timestamp("2026-01-05 10:00")
                + pd.to_timedelta(np.arange(n), "min"),
                "text": [f"tab\there, line\nbreak \\ {i}" for i in range(n)],
                "is_paid": True,
            }
        )

    with session_scope(ws.engine) as s:
        res = upsert_frame(
            s, Post.__table__, posts(0), keys=("account_id", "external_id"), return_ids=True
        )
        assert res.pair == (n, 0) and len(res.ids) == n
        first_ids = dict(res.ids)
    with session_scope(ws.engine) as s:
        res = upsert_frame(
            s, Post.__table__, posts(1000), keys=("account_id", "external_id"), return_ids=True
        )
        assert res.pair == (1000, 2000)
        assert all(res.ids[(acc, str(i))] == first_ids[(acc, str(i))] for i in range(1000, 3000))
        assert len(set(res.ids.values())) == n
    with session_scope(ws.engine) as s:
        got = s.execute(
            select(Post.text, Post.is_paid, Post.published_at).where(
                Post.account_id == acc, Post.external_id == "2999"
            )
        ).one()
    assert got == ("tab\there, line\nbreak \\ 1999", True, pd.Timestamp("2026-01-06 19:19"))
    with session_scope(ws.engine) as s:  # without ids: the counting route
        ids = [first_ids[(acc, str(i))] for i in range(0, 10)]
        as_of = pd.Timestamp("2026-02-01")
        snaps = pd.DataFrame({"post_id": ids, "as_of": as_of, "reach": 1.0})
        keys = ("post_id", "as_of")
        assert upsert_frame(s, PostMetrics.__table__, snaps, keys=keys).pair == (10, 0)
        snaps["reach"] = 2.0
        assert upsert_frame(s, PostMetrics.__table__, snaps, keys=keys).pair == (0, 10)
        assert upsert_frame(s, PostMetrics.__table__, snaps, keys=keys, update=[]).pair == (0, 10)


def test_extras_as_json_text_are_what_json_dumps_gives():
    frame = pd.DataFrame(
        {
            "extra:a": [1.0, np.nan, 0.1, np.nan],
            "extra:b": ['x "q" é', None, "y", None],
            "extra:c": [np.nan, 3.0, 1e20, np.nan],
            "extra:d": [True, None, False, None],
            "other": [1, 2, 3, 4],
        }
    )
    got = load._extras_json(frame).tolist()
    expected = []
    for row in frame.to_dict("records"):
        kept = {k[6:]: v for k, v in row.items() if k.startswith("extra:") and not pd.isna(v)}
        expected.append(json.dumps(kept) if kept else None)
    assert got == expected
    assert load._extras_json(frame[["other"]]) is None
