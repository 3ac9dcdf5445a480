from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from socialdesk.model import Account, AccountDay, Post, PostMetrics
from socialdesk.store import session_scope
from socialdesk.store.upsert import upsert, upsert_frame


def _account(ws, handle="acme") -> int:
    with session_scope(ws.engine) as s:
        upsert(
            s,
            Account.__table__,
            [
                {
                    "workspace_id": ws.workspace_id,
                    "platform": "x",
                    "handle": handle,
                    "timezone": "UTC",
                }
            ],
            keys=("workspace_id", "platform", "handle"),
        )
        return s.scalar(
            select(Account.id).where(
                Account.workspace_id == ws.workspace_id, Account.handle == handle
            )
        )


def test_upsert_frame_adds_then_updates_only_given_columns(ws):
    acc = _account(ws)
    first = pd.DataFrame(
        {
            "account_id": [acc, acc],
            "date": pd.to_datetime(["2026-01-01", "2026-01-02"]),
            "followers": [100.0, 101.0],
        }
    )
    second = pd.DataFrame(
        {
            "account_id": [acc, acc],
            "date": pd.to_datetime(["2026-01-02", "2026-01-03"]),
            "impressions": [5000.0, None],
        }
    )
    with session_scope(ws.engine) as s:
        assert upsert_frame(s, AccountDay.__table__, first, keys=("account_id", "date")).pair == (
            2,
            0,
        )
    with session_scope(ws.engine) as s:
        assert upsert_frame(s, AccountDay.__table__, second, keys=("account_id", "date")).pair == (
            1,
            1,
        )
    with session_scope(ws.engine) as s:
        rows = s.execute(
            select(AccountDay.date, AccountDay.followers, AccountDay.impressions)
            .where(AccountDay.account_id == acc)
            .order_by(AccountDay.date)
        ).all()
    # the second file filled impressions of Jan 2 and kept its followers; NULL stays NULL
    assert rows == [
        (dt.date(2026, 1, 1), 100.0, None),
        (dt.date(2026, 1, 2), 101.0, 5000.0),
        (dt.date(2026, 1, 3), None, None),
    ]


def test_upsert_frame_returns_ids_and_dedupes_last_wins(ws):
    acc = _account(ws)
    posts = pd.DataFrame(
        {
            "account_id": [acc, acc, acc],
            "external_id": ["1", "2", "1"],
            "published_at": pd.to_datetime(
                ["2026-01-01 10:00", "2026-01-02 11:30", "2026-01-01 12:00"]
            ),
            "text": ["a", "b", "a (edited)"],
        }
    )
    with session_scope(ws.engine) as s:
        res = upsert_frame(
            s, Post.__table__, posts, keys=("account_id", "external_id"), return_ids=True
        )
        assert res.pair == (2, 0)
        assert set(res.ids) == {(acc, "1"), (acc, "2")}
    with ws.session() as s:
        p = s.scalars(select(Post).where(Post.account_id == acc, Post.external_id == "1")).one()
        assert (p.text, p.published_at) == ("a (edited)", dt.datetime(2026, 1, 1, 12, 0))
        assert p.id == res.ids[(acc, "1")]


def test_failed_transaction_leaves_nothing(ws):
    acc = _account(ws)
    frame = pd.DataFrame({"account_id": [acc], "external_id": ["9"], "text": ["x"]})
    with pytest.raises(RuntimeError), session_scope(ws.engine) as s:
        upsert_frame(s, Post.__table__, frame, keys=("account_id", "external_id"))
        raise RuntimeError("boom")
    with ws.session() as s:
        assert s.scalar(select(func.count()).select_from(Post).where(Post.account_id == acc)) == 0


def test_snapshot_json_extra_roundtrip(ws):
    acc = _account(ws)
    with session_scope(ws.engine) as s:
        res = upsert_frame(
            s,
            Post.__table__,
            pd.DataFrame({"account_id": [acc], "external_id": ["7"]}),
            keys=("account_id", "external_id"),
            return_ids=True,
        )
        pid = res.ids[(acc, "7")]
        snap = pd.DataFrame(
            {
                "post_id": [pid],
                "as_of": [pd.Timestamp("2026-02-01")],
                "views": [12.0],
                "extra": [{"photo_clicks": 3.0}],
            }
        )
        upsert_frame(s, PostMetrics.__table__, snap, keys=("post_id", "as_of"))
    with ws.session() as s:
        m = s.scalars(select(PostMetrics).where(PostMetrics.post_id == pid)).one()
        assert (m.as_of, m.views, m.extra, m.likes) == (
            dt.date(2026, 2, 1),
            12.0,
            {"photo_clicks": 3.0},
            None,
        )


def test_extra_json_is_merged_not_replaced(ws):
    acc = _account(ws)
    day = pd.Timestamp("2026-03-01")
    with session_scope(ws.engine) as s:
        upsert_frame(
            s,
            AccountDay.__table__,
            pd.DataFrame(
                {
                    "account_id": [acc],
                    "date": [day],
                    "extra": [{"new_viewers": 5.0, "returning": 2.0}],
                }
            ),
            keys=("account_id", "date"),
        )
    with session_scope(ws.engine) as s:
        upsert_frame(
            s,
            AccountDay.__table__,
            pd.DataFrame(
                {
                    "account_id": [acc],
                    "date": [day],
                    "views": [9.0],
                    "extra": [{"returning": 3.0, "net_subscribers": 1.0}],
                }
            ),
            keys=("account_id", "date"),
        )
    with session_scope(ws.engine) as s:  # a row without extras keeps what it had
        upsert_frame(
            s,
            AccountDay.__table__,
            pd.DataFrame({"account_id": [acc], "date": [day], "extra": [None]}),
            keys=("account_id", "date"),
        )
    with ws.session() as s:
        row = s.scalars(select(AccountDay).where(AccountDay.account_id == acc)).one()
    assert row.views == 9.0
    assert row.extra == {"new_viewers": 5.0, "returning": 3.0, "net_subscribers": 1.0}
