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
        by_day, _daily_points = queries.daily_figures(s, ids, current, previous, 1)
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


def _reference_spend(rows, accounts, current, previous):
    """The spend rule written out plainly: rows wholly inside a period, breakdowns never, each
    campaign at the coarsest level it has anywhere in the two periods."""
    inside = [
        r
        for r in rows
        if r["breakdown"] is None
        and r["date_start"] >= previous.start
        and r["date_end"] <= current.end
    ]
    coarsest = {}
    for r in inside:
        lvl = 2 if r["ad_id"] else 1 if r["ad_set_id"] else 0
        coarsest[r["campaign_id"]] = min(lvl, coarsest.get(r["campaign_id"], lvl))
    out = {}
    for r in inside:
        lvl = 2 if r["ad_id"] else 1 if r["ad_set_id"] else 0
        if lvl != coarsest[r["campaign_id"]] or r["spend"] is None:
            continue
        acc, acc_currency = accounts[r["campaign_id"]]
        per = out.setdefault(acc, {}).setdefault(r["currency"] or acc_currency or "", [0.0, 0.0])
        if r["date_start"] >= current.start:
            per[0] += r["spend"]
        elif r["date_end"] < current.start:
            per[1] += r["spend"]
    return out


@pytest.mark.parametrize("days", [30, 365])
def test_weekly_spend_gives_the_daily_spend(ws, days):
    from socialdesk.model import Ad, AdDay, AdSet, Campaign

    rng = random.Random(11)
    rows, owners = [], {}
    with session_scope(ws.engine) as s:
        accounts = []
        for i, currency in enumerate(("EUR", None)):
            acc = Account(
                workspace_id=ws.workspace_id,
                platform="meta_ads",
                handle=f"ads{i}",
                currency=currency,
            )
            s.add(acc)
            s.flush()
            accounts.append((acc.id, currency))
        for c in range(5):
            acc_id, acc_currency = accounts[c % 2]
            camp = Campaign(account_id=acc_id, key=f"c{c}", name=f"c{c}")
            s.add(camp)
            s.flush()
            owners[camp.id] = (acc_id, acc_currency)
            ad_set = AdSet(campaign_id=camp.id, key="s", name="s")
            s.add(ad_set)
            s.flush()
            ad = Ad(ad_set_id=ad_set.id, key="a", name="a")
            s.add(ad)
            s.flush()
            levels = [
                (None, None, "campaign"),
                (ad_set.id, None, "ad_set:s"),
                (ad_set.id, ad.id, "ad:a"),
            ]
            # campaign 0 has all levels, 1 only ads, 2 ad sets and ads, ...
            have = levels[c % 3 :] if c < 4 else levels[:1]
            for d in range(800):
                day = END - dt.timedelta(days=d)
                for set_id, ad_id, grain in have:
                    if rng.random() < 0.15:
                        continue
                    rows.append(
                        {
                            "campaign_id": camp.id,
                            "ad_set_id": set_id,
                            "ad_id": ad_id,
                            "grain": grain,
                            "breakdown": None,
                            "date_start": day,
                            "date_end": day,
                            "currency": rng.choice(["EUR", None]),
                            "spend": None if rng.random() < 0.05 else round(rng.uniform(1, 90), 2),
                        }
                    )
                if d % 9 == 0:  # a breakdown row never counts
                    rows.append(
                        {
                            "campaign_id": camp.id,
                            "ad_set_id": None,
                            "ad_id": None,
                            "grain": "campaign|age=18-24",
                            "breakdown": "age=18-24",
                            "date_start": day,
                            "date_end": day,
                            "currency": None,
                            "spend": 1000.0,
                        }
                    )
            for k in range(0, 800, 37):  # reporting periods of a week, some across a boundary
                start = END - dt.timedelta(days=k + 6)
                rows.append(
                    {
                        "campaign_id": camp.id,
                        "ad_set_id": None,
                        "ad_id": None,
                        "grain": "campaign",
                        "breakdown": None,
                        "date_start": start,
                        "date_end": start + dt.timedelta(days=6),
                        "currency": None,
                        "spend": 500.0,
                    }
                )
        s.execute(insert(AdDay), rows)
        s.flush()
        refresh_accounts(s, [a for a, _ in accounts])
    current, previous = comparison_windows(END, days)
    with ws.session() as s:
        got = queries.spend(s, [a for a, _ in accounts], current, previous)
    want = _reference_spend(rows, owners, current, previous)
    assert set(got) == set(want)
    for acc, per in want.items():
        assert set(got[acc]) == set(per)
        for cur, (now, before) in per.items():
            assert got[acc][cur][0] == pytest.approx(now)
            assert got[acc][cur][1] == pytest.approx(before)
