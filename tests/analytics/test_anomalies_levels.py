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
