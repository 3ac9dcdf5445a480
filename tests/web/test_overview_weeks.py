"""Long periods read the store's weekly sums: they must give what the days themselves give."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import insert

from socialdesk.model import Account, AccountDay, Post, PostMetrics
from socialdesk.overview import queries
from socialdesk.overview.periods import bucket_starts, comparison_windows
from socialdesk.store.rollups import refresh_accounts
from socialdesk.store.session import session_scope

END = dt.date(2026, 10, 28)  # a Wednesday: both periods start and end inside a week


def _seed(ws) -> tuple[list[int], list[dict], list[dict]]:
    rng = random.Random(7)
    days, posts = [], []
    with session_scope(ws.engine) as s:
        ids = []
        for i in range(3):
            acc = Account(workspace_id=ws.workspace_id, platform="facebook", handle=f"a{i}")
            s.add(acc)
            s.flush()
            ids.append(acc.id)
            for d in range(800):
                day = END - dt.timedelta(days=d)
                if rng.random() < 0.1:
                    continue  # a day the export missed
                days.append(
                    {
                        "account_id": acc.id,
                        "date": day,
                        "followers": 1000.0 + d,
                        "reach": None if rng.random() < 0.2 else float(rng.randrange(500)),
                        "impressions": float(rng.randrange(900)),
                        "likes": None if rng.random() < 0.5 else float(rng.randrange(40)),
                        "comments": float(rng.randrange(5)),
                        "engagements": float(rng.randrange(60)),
                        "clicks": None,
                    }
                )
        s.execute(insert(AccountDay), days)
        for n in range(600):
            acc = rng.choice(ids)
            when = dt.datetime.combine(END, dt.time(12)) - dt.timedelta(
                hours=rng.randrange(800 * 24)
            )
            post = Post(account_id=acc, external_id=f"p{n}", published_at=when)
            s.add(post)
            s.flush()
            reach = None if rng.random() < 0.3 else float(rng.randrange(1000))
            eng = float(rng.randrange(50))
            for k, as_of in enumerate((END - dt.timedelta(days=30), END)):
                s.add(
                    PostMetrics(
                        post_id=post.id,
                        as_of=as_of,
                        reach=None if reach is None else reach + k,
                        likes=eng + k,
                    )
                )
            posts.append(
                {"account_id": acc, "at": when, "reach": reach and reach + 1, "eng": eng + 1}
            )
        s.flush()
        refresh_accounts(s, ids)
    return ids, days, posts


@pytest.mark.parametrize("days", [90, 365])
def test_weekly_sums_give_the_daily_totals(ws, days):
    ids, day_rows, posts = _seed(ws)
    current, previous = comparison_windows(END, days)
    with ws.session() as s:
        by_day, daily_points = queries.daily_figures(s, ids, current, previous, 1)
        by_week, weekly_points = queries.daily_figures(s, ids, current, previous, 7)
        counts, figures = queries.post_totals(s, ids, current, previous)
    assert set(by_day) == set(by_week) == set(ids)
    for acc in ids:
        for part in ("current", "previous", "days_current", "days_previous"):
            a, b = getattr(by_day[acc], part), getattr(by_week[acc], part)
            assert a.keys() == b.keys()
            assert a == pytest.approx(b), (acc, part)
    # a weekly point is the sum of its Monday-to-Sunday days
    starts = bucket_starts(current, 7)
    assert all(d.weekday() == 0 for d in starts) and starts[0] >= current.start
    acc = ids[0]
    for b, monday in enumerate(starts):
        week = [
            r
            for r in day_rows
            if r["account_id"] == acc and monday <= r["date"] <= monday + dt.timedelta(days=6)
        ]
        reach = [r["reach"] for r in week if r["reach"] is not None]
        assert weekly_points[acc]["reach"].get(b) == (pytest.approx(sum(reach)) if reach else None)
        assert weekly_points[acc]["followers"][b] == max(r["followers"] for r in week)
    # posts: counted and summed at their latest snapshot, whole weeks or not
    for acc in ids:
        for slot, window in enumerate((current, previous)):
            lo = dt.datetime.combine(window.start, dt.time())
            hi = dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time())
            mine = [p for p in posts if p["account_id"] == acc and lo <= p["at"] < hi]
            assert counts[acc][slot] == len(mine)
            reach = [p["reach"] for p in mine if p["reach"] is not None]
            assert figures[acc]["reach"][slot] == (pytest.approx(sum(reach)) if reach else None)
            assert figures[acc]["engagements"][slot] == pytest.approx(sum(p["eng"] for p in mine))
