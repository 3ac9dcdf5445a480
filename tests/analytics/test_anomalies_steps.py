"""Anomalies on series whose level steps (a campaign starts, a page loses its reach): the days
next to a step are not unusual, a spike or drop beside it still is."""

from __future__ import annotations

import numpy as np

from socialdesk.analytics.anomalies import fit_days

MILD = np.array([1.0, 1.05, 1.1, 1.05, 1.0, 0.8, 0.75])
STEPS = ((45, 2.0), (45, 0.5), (84, 2.0), (84, 0.5))  # mid-period, and in its last week


def _stepped(seed: int, at: int, factor: float, n: int = 91):
    """91 days of about 800 (±18%, negative binomial) with a mild weekday pattern, times
    `factor` from day `at` on (benchmarks/anomalies.py's `steps`). (counts, usual, weekdays)"""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    usual = 800 * MILD[t % 7] * np.where(t >= at, factor, 1.0)
    return rng.poisson(rng.gamma(30.0, usual / 30.0)).astype(float), usual, t % 7


def test_the_days_next_to_a_step_in_level_are_not_flagged():
    # a centred rolling median over a step is a mix of the two levels, and in the last days
    # of a period (few days after the step in its window) the old level: the days within 3
    # of a ×2 or ×0.5 step were flagged 12 times in these 80 series (1 now); the level of a
    # day whose window's halves clearly differ is now that of the half nearer its count
    flags = 0
    for seed in range(1000, 1020):
        for at, factor in STEPS:
            counts, _usual, weekdays = _stepped(seed, at, factor)
            fit = fit_days(counts, weekdays)
            flags += int(fit.flagged[at - 3 : at + 4].sum())
    assert flags <= 2


def test_a_spike_or_drop_beside_a_step_is_still_found():
    # two days after the step, against the new level: 5× and 1/5 are found, all 80 here (a
    # drop just after a step up, to about 0.4 of the old level, is the one that can be
    # missed: its count is nearer the old level; 5 of 320 in 40 seeds, none before)
    found = total = 0
    for seed in range(1000, 1010):
        for at, factor in STEPS:
            counts, usual, weekdays = _stepped(seed, at, factor)
            for size in (5.0, 0.2):
                planted = counts.copy()
                planted[at + 2] = round(usual[at + 2] * size)
                fit = fit_days(planted, weekdays)
                total += 1
                found += bool(fit.flagged[at + 2]) and (fit.score[at + 2] > 0) == (size > 1)
    assert found >= total - 4
