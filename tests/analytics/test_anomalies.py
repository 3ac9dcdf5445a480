"""Anomalies: a planted spike is found, a quiet series raises nothing, short series say so."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from socialdesk.analytics.anomalies import day_anomalies, post_anomalies


def _series(values, start=dt.date(2026, 1, 1)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": [start + dt.timedelta(days=i) for i in range(len(values))],
            "account_id": 1,
            "platform": "x",
            "account": "acc",
            "value": values,
        }
    )


def _weekly(rng, n=120, level=400.0):
    weekday = np.array([1.0, 1.1, 1.2, 1.1, 1.0, 0.6, 0.5])
    return rng.poisson(level * weekday[np.arange(n) % 7]).astype(float)


def test_a_planted_spike_and_drop_are_found_with_their_expected_range():
    rng = np.random.default_rng(8)
    values = _weekly(rng)
    values[60] *= 3.0
    values[90] *= 0.2
    found, skipped = day_anomalies(_series(values), "impressions")
    days = {a.day: a for a in found}
    spike, drop = days["2026-03-02"], days["2026-04-01"]
    assert spike.score > 3.5 and drop.score < -3.5
    assert spike.value > spike.high and drop.value < drop.low
    assert spike.low < spike.expected < spike.high
    top_two = sorted(found, key=lambda a: -abs(a.score))[:2]
    assert {a.day for a in top_two} == {"2026-03-02", "2026-04-01"} and not skipped
    assert len(found) <= 4  # at most a chance day or two besides the planted ones


def test_a_quiet_weekly_series_raises_nothing():
    found, _ = day_anomalies(_series(_weekly(np.random.default_rng(9))), "impressions")
    assert found == []


def test_short_gappy_or_net_series_are_skipped_with_the_reason():
    _, skipped = day_anomalies(_series([5.0] * 10), "reach")
    assert "not enough data: 10 days" in skipped[0].reason
    values = _weekly(np.random.default_rng(1), 60)
    values[5] = -3
    _, skipped = day_anomalies(_series(values), "reactions")
    assert "negative" in skipped[0].reason


def test_a_post_with_an_unusual_engagement_rate_is_listed():
    rng = np.random.default_rng(4)
    reach = rng.integers(1000, 5000, 60).astype(float)
    inter = rng.binomial(reach.astype(int), 0.04).astype(float)
    inter[17] = reach[17] * 0.3
    posts = pd.DataFrame(
        {
            "post_id": range(60),
            "platform": "instagram",
            "account": "acc",
            "media_type": "photo",
            "published_at": pd.date_range("2026-01-01", periods=60, freq="D"),
            "reach": reach,
            "impressions": np.nan,
            "views": np.nan,
            "interactions": inter,
        }
    )
    found, _ = post_anomalies(posts)
    assert [a.post_id for a in found] == [17]
    assert found[0].metric == "interactions / reach" and found[0].expected_rate < 0.05


# -- issue #13: spikes a person would call spikes --------------------------------------------
def _steady(rng, n=90, level=960.0):
    """About 960 a day with a weekday pattern and realistic (negative binomial, ±10%) noise."""
    weekday = np.array([1.0, 1.05, 1.1, 1.05, 1.0, 0.8, 0.75])
    mu = level * weekday[np.arange(n) % 7]
    return rng.poisson(rng.gamma(100.0, mu / 100.0)).astype(float)


def test_a_20x_and_a_260x_day_on_a_steady_account_are_flagged_with_their_ratio():
    values = _steady(np.random.default_rng(13))
    usual = 960 * 0.8  # day 40 (2026-02-10, a Tuesday) has weekday factor 0.8 here
    values[40] = 20 * usual
    values[75] = 250_000  # 2026-03-17, a Tuesday: the X day of issue #13 (260x)
    found, _ = day_anomalies(_series(values), "impressions")
    days = {a.day: a for a in found}
    assert {"2026-02-10", "2026-03-17"} <= days.keys()
    twenty, big = days["2026-02-10"], days["2026-03-17"]
    assert twenty.score > 3.5 and 15 < twenty.ratio < 25
    assert twenty.explanation.startswith(f"{round(twenty.ratio)}× the usual Tuesday (about ")
    assert big.ratio > 200 and "× the usual Tuesday" in big.explanation
    assert twenty.expected == pytest.approx(usual, rel=0.1)
    assert len(found) == 2


def test_two_spikes_close_together_are_both_found():
    values = _steady(np.random.default_rng(5))
    values[50] *= 6
    values[52] *= 5  # two days apart: the first must not hide the second
    values[53] *= 0.15
    found, _ = day_anomalies(_series(values), "impressions")
    assert {a.day for a in found} == {"2026-02-20", "2026-02-22", "2026-02-23"}
    drop = next(a for a in found if a.day == "2026-02-23")
    assert drop.score < 0 and "% of the usual Monday" in drop.explanation


def test_a_spiky_account_without_planted_spikes_raises_at_most_a_few_flags():
    rng = np.random.default_rng(3)
    n = 365
    weekday = np.array([1.0, 1.05, 1.1, 1.05, 1.0, 0.8, 0.75])
    mu = 400 * weekday[np.arange(n) % 7]
    mu = mu * np.where(rng.random(n) < 0.08, rng.uniform(1.3, 2.0, n), 1.0)  # good posts
    values = rng.poisson(rng.gamma(12.0, mu / 12.0)).astype(float)  # ±29% a day
    found, _ = day_anomalies(_series(values), "impressions")
    assert len(found) <= 2


def test_the_explanation_speaks_dutch():
    from socialdesk.i18n import formats, gettext
    from socialdesk.phrases import say

    values = _steady(np.random.default_rng(13))
    values[40] = 20 * 960 * 0.8
    found, _ = day_anomalies(_series(values), "impressions")
    (a,) = found
    dutch = say(a.explanation, lambda m: gettext("nl", m), formats("nl"))
    assert dutch.startswith(f"{round(a.ratio)}× zo veel als een gewone dinsdag (ongeveer ")


# -- posting-driven accounts: a posting day and a quiet day each have their own usual ----------
def _posting(rng, n=365):
    """Posts on about 3 days a week; a post brings about 30× the quiet level (±35%), 15% of it
    the day after; quiet days about 30 (±30%)."""
    weekday = np.array([1.0, 1.05, 1.1, 1.05, 1.0, 0.8, 0.75])
    quiet = 30 * weekday[np.arange(n) % 7]
    posts = (rng.random(n) < 3 / 7).astype(float)
    drawn = np.where(posts > 0, rng.gamma(8.0, 900 / 8.0, n), 0.0)
    carried = np.concatenate([[0.0], drawn[:-1]]) * 0.15
    values = rng.poisson(rng.gamma(10.0, quiet / 10.0) + drawn + carried).astype(float)
    return values, posts


def _post_days(posts, start=dt.date(2026, 1, 1)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": 1,
            "day": [start + dt.timedelta(days=i) for i in range(len(posts))],
            "posts": posts,
        }
    )


def test_a_posting_driven_account_without_anomalies_raises_at_most_one_flag_a_year():
    values, posts = _posting(np.random.default_rng(21))
    found, _ = day_anomalies(_series(values), "impressions", post_days=_post_days(posts))
    assert len(found) <= 1


def test_a_20x_spike_on_a_posting_day_and_on_a_quiet_day_are_both_flagged():
    rng = np.random.default_rng(22)
    values, posts = _posting(rng, 120)
    on_post = int(np.flatnonzero(posts[40:] > 0)[0]) + 40
    quiet = int(np.flatnonzero((posts[80:] == 0) & (posts[79:-1] == 0))[0]) + 80
    values[on_post] *= 20
    values[quiet] *= 20
    found, _ = day_anomalies(_series(values), "impressions", post_days=_post_days(posts))
    days = {a.day: a for a in found}
    start = dt.date(2026, 1, 1)
    a = days[(start + dt.timedelta(days=on_post)).isoformat()]
    b = days[(start + dt.timedelta(days=quiet)).isoformat()]
    assert a.score > 3.5 and b.score > 3.5
    assert " with a post (about " in a.explanation
    assert " without a post" in b.explanation
    assert len(found) <= 3
