"""Best time to post: a known hour effect is recovered within its interval."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from socialdesk.analytics import Slice, find_best_times
from socialdesk.analytics.best_times import MIN_POSTS, best_times
from tests.analytics.seeding import hourly_posts, seed_posts

TRUE_RR = {9: 1.0, 12: 1.0, 15: 1.0, 18: 1.6, 21: 1.2}


def test_the_best_hour_is_recovered_from_the_store(ws):
    rng = np.random.default_rng(21)
    seed_posts(
        ws.engine,
        ws.workspace_id,
        "instagram",
        hourly_posts(rng, 400, dt.date(2026, 1, 1), TRUE_RR),
    )
    with ws.session() as s:
        (times,) = find_best_times(
            s, ws.workspace_id, Slice(dt.date(2026, 1, 1), dt.date(2027, 1, 31))
        )
    assert times.ok and times.best_hour == 18 and times.exposure == "reach"
    ref = times.reference_hour
    for e in times.hours:
        if e.slot in TRUE_RR:
            assert e.rate_ratio.contains(TRUE_RR[e.slot] / TRUE_RR[ref]), e
        else:
            assert e.posts == 0 and e.rate_ratio.value is None
    assert [e.slot for e in times.hours if e.contender] == [18]
    assert times.weekdays[0].rate_ratio.ok and times.best_weekday is not None


@pytest.mark.slow
def test_the_intervals_cover_the_true_ratios_about_95_percent_of_the_time():
    hour_miss = day_miss = hour_n = day_n = 0
    for seed in range(100, 140):
        posts = hourly_posts(np.random.default_rng(seed), 400, dt.date(2026, 1, 1), TRUE_RR)
        (t,) = best_times(_frame(posts))
        for e in t.hours:
            if e.rate_ratio.ok and e.slot != t.reference_hour:
                hour_n += 1
                hour_miss += not e.rate_ratio.contains(TRUE_RR[e.slot] / TRUE_RR[t.reference_hour])
        for e in t.weekdays:  # no weekday effect was planted
            if e.rate_ratio.ok and e.slot != t.reference_weekday:
                day_n += 1
                day_miss += not e.rate_ratio.contains(1.0)
    assert hour_miss / hour_n <= 0.10 and day_miss / day_n <= 0.10


def _frame(posts: list[dict]) -> pd.DataFrame:
    f = pd.DataFrame(posts)
    return f.assign(
        platform="x",
        post_id=range(len(f)),
        account="a",
        media_type="photo",
        impressions=np.nan,
        views=np.nan,
        interactions=f["likes"],
    )


def test_sparse_hours_and_missing_times_say_not_enough_data():
    rng = np.random.default_rng(2)
    posts = hourly_posts(rng, 200, dt.date(2026, 1, 1), {10: 1.0, 14: 1.0})
    posts[0]["published_at"] = posts[0]["published_at"].replace(hour=3)
    (times,) = best_times(_frame(posts))
    three = times.hours[3]
    assert three.posts == 1 and not three.rate_ratio.ok
    assert three.rate_ratio.method == f"not enough data: 1 posts, at least {MIN_POSTS} needed"
    for p in posts:
        p["published_at"] = p["published_at"].replace(hour=0, minute=0)
    (times,) = best_times(_frame(posts))
    assert not times.ok and "without times" in times.note
    (times,) = best_times(_frame(posts[:10]))
    assert not times.ok
