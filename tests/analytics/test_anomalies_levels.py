"""Anomalies on posting-driven accounts: the posts' own days and the quiet days each have a
level of their own."""

from __future__ import annotations

import numpy as np

from socialdesk.analytics.anomalies import fit_days


def _posting_year(rng: np.random.Generator, n: int = 365):
    """The demo's X impressions: posts on about 3 days a week, each post about 20× the quiet
    level (±35%), 15% of it the next day and 5% the day after; quiet days about 40 (±30%).
    (counts, the usual count of each day, posts per day, weekdays)."""
    posts = (rng.random(n) < 3 / 7).astype(float)
    quiet, per_post = 40.0, 800.0
    drawn = np.where(posts > 0, rng.gamma(8.0, per_post / 8.0, n), 0.0)
    weights = np.array([1.0, 0.15, 0.05])
    lagged = np.convolve(drawn, weights)[:n]
    usual = quiet + np.convolve(posts * per_post, weights)[:n]
    counts = rng.poisson(rng.gamma(10.0, quiet / 10.0, n) + lagged).astype(float)
    return counts, usual, posts, np.arange(n) % 7


def test_posting_days_and_quiet_days_are_expected_near_their_usual():
    # the rolling level over a fortnight held about six posting days and was led by them, so
    # the expected count of a posting day moved with the last few posts' reach and a quiet
    # day's with it: posting days were expected 18% off their usual (sd of the log error),
    # quiet days 22%; each part now has its own level from the 14 days of its kind nearest
    errors: dict[str, list[float]] = {"posting": [], "quiet": []}
    for seed in range(3):
        counts, usual, posts, weekdays = _posting_year(np.random.default_rng(200 + seed))
        fit = fit_days(counts, weekdays, posts=posts, lead=np.zeros(3))
        error = np.log(fit.expected / usual)
        calm = (posts == 0) & (np.convolve(posts, np.ones(3))[: len(posts)] == 0)
        errors["posting"] += list(error[posts > 0])
        errors["quiet"] += list(error[calm])
    assert float(np.std(errors["posting"])) < 0.13
    assert float(np.std(errors["quiet"])) < 0.13


def test_a_short_window_does_not_take_an_ordinary_dip_for_a_drop():
    # 91 days without history: each kind of day's spread comes from 14-40 days, and a spread
    # from so few comes out too small as often as too large; scored as if it were known, the
    # ordinary dips of a post that did a third as well as usual (and a day 2x) were flagged:
    # 6 false flags in 40 such windows (about 0.6 a series-year). Scored as Student t's with
    # the degrees of freedom of their spread, 1 is left, and real drops to a tenth are still
    # found on posting and quiet days alike (76 of 80; 80 before: the price of honesty)
    flags = found = 0
    for seed in range(300, 340):
        counts, usual, posts, weekdays = _posting_year(np.random.default_rng(seed), 91)
        fit = fit_days(counts, weekdays, posts=posts, lead=np.zeros(3))
        flags += int(fit.flagged.sum())
        planted = counts.copy()
        days = [int(np.flatnonzero(posts > 0)[20]), int(np.flatnonzero(posts == 0)[25])]
        for day in days:
            planted[day] = round(usual[day] / 10)
        fit = fit_days(planted, weekdays, posts=posts, lead=np.zeros(3))
        found += sum(bool(fit.flagged[day]) and fit.score[day] < 0 for day in days)
    assert flags <= 2
    assert found >= 74


def test_a_flagged_count_is_outside_the_band_shown_beside_it():
    # the band was the main spread's alone while a very big change is scored on the robust
    # spread (and a drop on a posting-driven account on the gamma's lower tail too): the demo
    # flagged X impressions of 3,053 as "normal 147 - 3,550". The band is now the score's own
    # crossings of the threshold, so every flagged count lies outside it, on the side of its
    # score, and the expected count inside
    rng = np.random.default_rng(77)
    checked = 0
    for seed in range(12):
        counts, _usual, posts, weekdays = _posting_year(np.random.default_rng(400 + seed), 120)
        planted = counts.copy()
        for day in rng.choice(len(counts), 6, replace=False):
            planted[day] = round(counts[day] * float(rng.choice([0.05, 0.2, 3.0, 4.5, 8.0])))
        for with_posts in (True, False):
            fit = fit_days(
                planted,
                weekdays,
                posts=posts if with_posts else None,
                lead=np.zeros(3) if with_posts else None,
            )
            flagged = np.flatnonzero(fit.flagged)
            assert np.isnan(fit.low[~fit.flagged]).all()
            for day in flagged:
                value, low, high = planted[day], fit.low[day], fit.high[day]
                assert low <= fit.expected[day] <= high
                if fit.score[day] > 0:
                    assert value > high, (seed, day, value, low, high, fit.score[day])
                else:
                    assert value < low, (seed, day, value, low, high, fit.score[day])
                checked += 1
    assert checked >= 60


def test_the_ordinary_day_after_a_one_off_posting_day_is_not_read_as_a_drop():
    # a posting day of 2.5x its usual that is not flagged (a one-off, or a post that did well)
    # made the next day's expected count follow it, so an ordinary next day scored as a drop
    # (median score -2.1, down to -3.5; 8 of 13 false alarms on 60 simulated posting-driven
    # accounts of the development seed): the days after a post whose own day scored
    # ODD_POST or more are judged against the band between a usual post's echo and its own
    scores = []
    for seed in range(10):
        counts, usual, posts, weekdays = _posting_year(np.random.default_rng(500 + seed), 120)
        lone = [d for d in range(60, 110) if posts[d] > 0 and posts[d + 1] == posts[d - 1] == 0]
        for day in lone[:3]:
            planted = counts.copy()
            planted[day] = round(2.5 * usual[day])
            planted[day + 1] = round(usual[day + 1])
            fit = fit_days(planted, weekdays, posts=posts, lead=np.zeros(3))
            scores.append(float(fit.score[day + 1]))
    assert len(scores) >= 25
    assert float(np.median(scores)) > -1.0, scores
    assert min(scores) > -2.5, scores
