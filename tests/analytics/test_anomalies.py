"""Anomalies: a planted spike is found, a quiet series raises nothing, short series say so."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from socialdesk.analytics.anomalies import day_anomalies, fit_days, post_anomalies


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


def _fading(rng, n=365):
    """A post brings about 150 that day and fades by 0.6 a day after it (reach that keeps
    coming in, as on TikTok); posts come in bursts with quiet stretches of one to three weeks
    between them, when the count falls to about 1 a day."""
    posts = np.zeros(n)
    day = 0
    while day < n:
        burst = int(rng.integers(3, 8))
        on = day + np.flatnonzero(rng.random(burst) < 0.6)
        posts[on[on < n]] = 1.0
        day += burst + int(rng.integers(7, 22))
    stock = np.zeros(n)
    for i in range(n):
        stock[i] = posts[i] + (0.6 * stock[i - 1] if i else 0.0)
    mu = 1.0 + 150.0 * stock
    values = rng.poisson(rng.gamma(8.0, mu / 8.0)).astype(float)
    return values, posts


def test_quiet_days_long_after_a_post_are_measured_against_the_fading_carry_over():
    # the days after a post are not all alike: reach fades day by day, and a day two weeks
    # after the last post with next to nothing is what such an account usually has (the
    # method of session 4, one usual level for every day 4+ days after a post, raised 39)
    values, posts = _fading(np.random.default_rng(31))
    found, _ = day_anomalies(_series(values), "interactions", post_days=_post_days(posts))
    assert len(found) <= 3


def test_a_drop_to_a_tenth_two_days_after_a_post_is_found_on_a_fading_account():
    values, posts = _fading(np.random.default_rng(32))
    day = next(i for i in range(100, 300) if posts[i - 2] > 0 and posts[i - 1 : i + 1].sum() == 0)
    stock = np.zeros(len(posts))
    for i in range(len(posts)):
        stock[i] = posts[i] + (0.6 * stock[i - 1] if i else 0.0)
    usual = 1.0 + 150.0 * stock[day]
    values[day] = round(usual / 10)
    found, _ = day_anomalies(_series(values), "interactions", post_days=_post_days(posts))
    start = dt.date(2026, 1, 1)
    assert (start + dt.timedelta(days=day)).isoformat() in {a.day for a in found if a.score < 0}


def _clicks(rng, n=365):
    """Small counts that come only from posts (the demo's LinkedIn clicks): posts in bursts
    with quiet stretches between them, each post about 15 clicks (±40%) spread over the days
    after it (half-life 1.5 days), nothing without posts."""
    posts = np.zeros(n)
    day = 0
    while day < n:
        burst = int(rng.integers(4, 10))
        on = day + np.flatnonzero(rng.random(burst) < 0.5)
        posts[on[on < n]] = 1.0
        day += burst + int(rng.integers(3, 16))
    q = 0.5 ** (1 / 1.5)
    weights = (1 - q) * q ** np.arange(14)
    total = posts * 15 * rng.lognormal(-0.08, 0.4, n)
    mu = np.convolve(total, weights / weights.sum())[:n]
    return rng.poisson(mu).astype(float), posts


@pytest.mark.parametrize("seed", [40, 41, 43])
def test_small_counts_that_come_only_from_posts_keep_a_sane_expected_count(seed):
    # with next to nothing on quiet days the quiet level is not identified: a lift relative to
    # it ran to its bound and the rolling level swung (expected 146 where the most ever seen was
    # 16, and 20-40 low-side flags a year); the profile is now scaled to the usual daily count
    values, posts = _clicks(np.random.default_rng(seed))
    found, _ = day_anomalies(_series(values), "clicks", post_days=_post_days(posts))
    assert len(found) <= 3
    assert all(a.expected <= values.max() for a in found)


def _lognormal_clicks(rng, n=91, half_life=1.5):
    """A quarter of LinkedIn-like clicks: posts on 2 days a week on average, each post's clicks
    log-normal (±80%) around 20, fading over the next days (half-life 1.5 days), 0.2 a day
    without posts."""
    posts = (rng.random(n) < 2 / 7).astype(float)
    q = 0.5 ** (1 / half_life)
    weights = (1 - q) * q ** np.arange(14)
    total = posts * 20 * rng.lognormal(-0.32, 0.8, n)
    mu = 0.2 + np.convolve(total, weights / weights.sum())[:n]
    return rng.poisson(mu).astype(float), posts


@pytest.mark.parametrize("seed", [50, 51, 52, 53])
def test_a_50x_day_on_small_counts_does_not_make_its_weekday_look_low(seed):
    # a plain ratio of sums gave the spike's weekday a factor of 10-15: the spike itself looked
    # usual and every other day of that weekday was flagged as a drop (36-62 "standard
    # deviations" below an expected 80-490 clicks where 0-7 came in)
    rng = np.random.default_rng(seed)
    values, posts = _lognormal_clicks(rng)
    day = int(np.flatnonzero(posts[20:70] > 0)[0]) + 20
    values[day] = 50 * max(values[day], 5.0)
    found, _ = day_anomalies(_series(values), "clicks", post_days=_post_days(posts))
    start = dt.date(2026, 1, 1)
    spike = start + dt.timedelta(days=day)
    assert spike.isoformat() in {a.day for a in found if a.score > 0}
    same_weekday = [
        a
        for a in found
        if dt.date.fromisoformat(a.day).weekday() == spike.weekday() and a.score < 0
    ]
    assert same_weekday == []
    assert all(a.expected <= 3 * values[np.arange(len(values)) != day].max() for a in found)


@pytest.mark.parametrize("half_life", [1.5, 3.0])
def test_clicks_that_keep_coming_in_for_days_after_a_post_are_not_spikes(half_life):
    # the posting profile was fitted to log ratios with a robust loss: 5-17 clicks three days
    # after a post, where a profile that fell to nothing expected 0.1, counted as outliers
    # to it, so that profile won and those days were flagged as 50-170× spikes; a count
    # model's deviance does not let them go
    ups = 0
    for seed in range(60, 72):  # 12 quarters: three account-years
        values, posts = _lognormal_clicks(np.random.default_rng(seed), half_life=half_life)
        found, _ = day_anomalies(_series(values), "clicks", post_days=_post_days(posts))
        ups += sum(a.score > 0 for a in found)
    assert ups <= 3  # the goal: at most one false alarm per account-year


def _small_counts(rng, n):
    weekday = np.array([1.1, 1.2, 1.2, 1.15, 1.0, 0.6, 0.5])  # weekends half, like clicks
    mu = 3.0 * weekday[(np.arange(n) + dt.date(2026, 1, 1).weekday()) % 7]
    return mu, rng.poisson(rng.gamma(10.0, mu / 10.0)).astype(float)


def test_the_days_before_the_period_are_read_as_history_and_not_flagged():
    # the page reads the year before the period to learn what is usual (benchmarks/anomalies.py:
    # 5x days on accounts of about 3 a day found 70% instead of 50%, false alarms on
    # posting-driven accounts 1.15 -> 0.90 a year); a spike in that history is not listed
    start = dt.date(2026, 1, 1)
    period = (start + dt.timedelta(days=273)).isoformat()
    found_in_period = 0
    for seed in range(20):
        rng = np.random.default_rng(300 + seed)
        mu, values = _small_counts(rng, 364)
        day = 273 + int(rng.integers(5, 85))
        values[day] = round(10 * mu[day])
        early = int(rng.integers(10, 260))
        values[early] = round(50 * mu[early])
        everything, _ = day_anomalies(_series(values), "clicks")
        assert (start + dt.timedelta(days=early)).isoformat() in {a.day for a in everything}
        found, _ = day_anomalies(_series(values), "clicks", flag_from=period)
        assert found and all(a.day >= period for a in found)
        found_in_period += (start + dt.timedelta(days=day)).isoformat() in {a.day for a in found}
    assert found_in_period >= 19


def test_an_accounts_metrics_of_one_day_are_listed_together_and_counted_once():
    # a big post lifts a day's impressions, engagements and clicks at once: the list had them
    # rows apart (sorted by score alone) and the CLI counted "5 days" for 3
    from socialdesk.analytics.anomalies import DayAnomaly, account_days, in_order

    def day(d: str, account: int, metric: str, score: float) -> DayAnomaly:
        return DayAnomaly(d, "x", account, "acc", metric, 10.0, 2.0, 0.0, 5.0, score, 5.0, "")

    rows = [
        day("2026-10-06", 1, "interactions", 4.6),
        day("2026-09-29", 1, "followers_gained", 3.7),
        day("2026-03-07", 2, "interactions", -3.6),
        day("2026-10-06", 1, "engagements", 3.5),
        day("2026-10-06", 2, "impressions", 3.55),  # another account, the same day
        day("2026-10-06", 1, "impressions", 3.5),
    ]
    ordered = [(a.day, a.account_id, a.metric) for a in in_order(rows)]
    assert ordered == [
        ("2026-10-06", 1, "interactions"),
        ("2026-10-06", 1, "engagements"),
        ("2026-10-06", 1, "impressions"),
        ("2026-09-29", 1, "followers_gained"),
        ("2026-03-07", 2, "interactions"),
        ("2026-10-06", 2, "impressions"),
    ]
    assert account_days(rows) == 4


def test_the_days_after_a_posts_clicks_that_drew_little_follow_a_usual_post_too():
    # on small counts a posting day says little about its post: a post's clicks that drew a
    # tenth of the usual (1 where 6-12 were expected) scored only about -1.4, so its days after
    # were expected at a weak post's carry-over and a good post's next days (twice the usual
    # post's, 9-17 clicks where 3-3.5 were expected) were flagged as rises, 5 days of 80 over 40
    # half-years (the benchmark's clicks: a tenth of its false alarms). Such days after are
    # judged against the band between a usual post's carry-over and this post's own; what is
    # left is one half-year whose level came out half the truth
    rises = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        n = 182
        posts = (rng.random(n) < 2 / 7).astype(float)
        q = 0.5 ** (1 / 2.0)
        weights = (1 - q) * q ** np.arange(14)
        weights /= weights.sum()
        quality = rng.lognormal(-0.32, 0.8, n)
        usual = 0.2 + np.convolve(posts * 20, weights)[:n]
        values = rng.poisson(0.2 + np.convolve(posts * 20 * quality, weights)[:n]).astype(float)
        lone = [d for d in range(100, 175) if posts[d] > 0 and posts[d + 1] == posts[d + 2] == 0]
        for day in lone[:2]:
            planted = values.copy()
            planted[day] = round(usual[day] / 10)
            planted[day + 1 : day + 3] = np.round(2 * usual[day + 1 : day + 3])
            fit = fit_days(planted, np.arange(n) % 7, posts=posts, lead=np.zeros(3))
            rises += int(
                np.sum(fit.flagged[day + 1 : day + 3] & (fit.score[day + 1 : day + 3] > 0))
            )
    assert rises <= 2
