"""Anomalies on posting-driven accounts: the days after a post follow how well it did on its own
day."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from socialdesk.analytics.anomalies import day_anomalies

START = dt.date(2026, 1, 1)


def _series(values) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": [START + dt.timedelta(days=i) for i in range(len(values))],
            "account_id": 1,
            "platform": "tiktok",
            "account": "acc",
            "value": values,
        }
    )


def _post_days(posts) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": 1,
            "day": [START + dt.timedelta(days=i) for i in range(len(posts))],
            "posts": posts,
        }
    )


def _fading_posts(rng, n=365, half_life=2.0, sigma=0.6):
    """The demo's TikTok interactions: posts on about 3 days a week, each post's interactions
    log-normal (±60%) around 150, spread over the days after it with a half-life of 2 days,
    nothing without posts: a weak post gives a weak day after it too."""
    posts = (rng.random(n) < 3 / 7).astype(float)
    q = 0.5 ** (1 / half_life)
    weights = (1 - q) * q ** np.arange(30)
    total = posts * 150 * rng.lognormal(-(sigma**2) / 2, sigma, n)
    mu = np.convolve(total, weights / weights.sum())[:n]
    return rng.poisson(mu).astype(float), posts


def test_the_day_after_a_weak_post_is_not_a_drop_and_a_real_drop_still_is():
    # the carry-over of a post was one usual profile for every post, so the day after a post
    # that drew a quarter of the usual was "23% of a usual Tuesday without a post, the day after
    # one" (4 such flags in 6 account-years here, 5 on the demo's TikTok year); a post's days
    # after it now follow its own day
    flags = 0
    for seed in range(100, 106):  # six account-years
        values, posts = _fading_posts(np.random.default_rng(seed))
        found, _ = day_anomalies(_series(values), "interactions", post_days=_post_days(posts))
        flags += len(found)
    assert flags <= 2
    # and a day after a usual post that drew nothing is still a drop
    values, posts = _fading_posts(np.random.default_rng(107))
    day = next(i for i in range(120, 300) if posts[i - 1] > 0 and posts[i] == 0)
    usual = values[day]
    values[day] = 0.0
    found, _ = day_anomalies(_series(values), "interactions", post_days=_post_days(posts))
    flagged = {a.day: a for a in found}
    key = (START + dt.timedelta(days=day)).isoformat()
    assert usual >= 20 and key in flagged and flagged[key].score < 0
    assert "the day after one" in flagged[key].explanation


def _x_impressions(rng, day, size, n=365):
    """The demo's X impressions: about 60 a day without posts (±30%), posts on about 3 days a
    week, each post about 600 (±35%) that day, 20% of it the next day and 5% the day after; the
    post on `day` draws `size` × the usual, and the day after it has no post."""
    posts = (rng.random(n) < 3 / 7).astype(float)
    posts[day], posts[day + 1] = 1.0, 0.0
    drawn = posts * rng.gamma(8.0, 600 / 8.0, n)
    drawn[day] = 600 * size
    carry = drawn.copy()
    carry[1:] += 0.2 * drawn[:-1]
    carry[2:] += 0.05 * drawn[:-2]
    return rng.poisson(rng.gamma(10.0, 6.0, n) + carry).astype(float), posts


def test_the_days_after_a_big_post_are_its_echo_and_a_planted_spike_leaves_them_usual():
    # a big post is left out of the fit, and its days after it were judged against a usual
    # post's carry-over: the day after an 8× post, with the 8× carry-over it brings, was
    # flagged at scores of 9-11, above the post's own 7 (the demo's X impressions led the page
    # with such days); the days after a left-out post are judged against the band between a
    # usual post's carry-over and this post's own
    day = 200
    key = (START + dt.timedelta(days=day)).isoformat()
    after = (START + dt.timedelta(days=day + 1)).isoformat()
    for seed in range(3):
        values, posts = _x_impressions(np.random.default_rng(seed), day, 8.0)
        found, _ = day_anomalies(_series(values), "impressions", post_days=_post_days(posts))
        flagged = {a.day: a for a in found}
        assert flagged[key].score > 3.5
        assert after not in flagged or flagged[after].score <= flagged[key].score
        # a planted one-day spike on a posting day leaves the day after it usual, not low
        values, posts = _x_impressions(np.random.default_rng(seed), day, 1.0)
        values[day] = 8 * values[day]
        found, _ = day_anomalies(_series(values), "impressions", post_days=_post_days(posts))
        flagged = {a.day: a for a in found}
        assert flagged[key].score > 3.5 and after not in flagged
        # and a day after a big post that drew next to nothing is still a drop
        values, posts = _x_impressions(np.random.default_rng(seed), day, 8.0)
        values[day + 1] = 5.0
        found, _ = day_anomalies(_series(values), "impressions", post_days=_post_days(posts))
        flagged = {a.day: a for a in found}
        assert after in flagged and flagged[after].score < -3.5


def test_the_band_of_the_day_after_a_big_post_holds_that_posts_own_echo():
    # the day after a post left out of the fit (a big post or a planted day) is expected at
    # the point of the band between a usual post's carry-over and this post's own nearest to
    # its count; the band shown was bisected with the expected count fixed at the near end, so
    # a day after an 8x post that drew 5 read "normal 87 - 347" while the post's own echo
    # (about 1,000) is not flagged there
    day = 200
    after = (START + dt.timedelta(days=day + 1)).isoformat()
    for seed in range(3):
        values, posts = _x_impressions(np.random.default_rng(seed), day, 8.0)
        echo = float(values[day + 1])
        values[day + 1] = 5.0
        found, _ = day_anomalies(_series(values), "impressions", post_days=_post_days(posts))
        flag = {a.day: a for a in found}[after]
        assert flag.score < 0 and flag.value < flag.low
        assert flag.low <= echo <= flag.high, (seed, echo, flag.low, flag.high)
        values[day + 1] = round(echo)
        again, _ = day_anomalies(_series(values), "impressions", post_days=_post_days(posts))
        assert after not in {a.day for a in again}
