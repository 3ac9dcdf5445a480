"""The weekday pattern: seven factors, each shrunk toward its workweek's or weekend's as far
as its own days are too few to tell it apart (empirical Bayes, analytics/anomalies.py
_shrunk), so that a quarter without history does not read thirteen noisy Tuesdays as a pattern,
while a weekday that really differs keeps its own factor."""

from __future__ import annotations

import numpy as np

from socialdesk.analytics.anomalies import (
    WEEKDAY_GROUPINGS,
    Weekdays,
    _own_share,
    _weekday_factors,
    fit_days,
)

# the "mild" pattern of benchmarks/anomalies.py (X-like impressions)
MILD = np.array([1.0, 1.05, 1.1, 1.05, 1.0, 0.8, 0.75])


def _nb(rng: np.random.Generator, mu: np.ndarray, size: float) -> np.ndarray:
    return rng.poisson(rng.gamma(size, mu / size)).astype(float)


def _pattern_error(days: int, seeds: range) -> float:
    """The mean over `seeds` of the spread (rms about its mean) of the log error of the expected
    counts of a spiky account (about 400 a day, ±29%, one day in 12 a natural burst of 1.3-2×:
    the benchmark's "spiky" shape) over `days` days without history."""
    errors = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        weekdays = np.arange(days) % 7
        usual = 400 * rng.lognormal(0, 0.3) * MILD[weekdays]
        counts = _nb(rng, usual, 12.0)
        burst = rng.random(days) < 0.08
        counts[burst] = _nb(rng, usual[burst] * rng.uniform(1.3, 2.0, burst.sum()), 12.0)
        error = np.log(fit_days(counts, weekdays).expected / usual)
        errors.append(float(np.sqrt(np.mean((error - error.mean()) ** 2))))
    return float(np.mean(errors))


def test_a_quarter_without_history_reads_its_weekdays_toward_workweek_and_weekend():
    # thirteen days per weekday of a spiky account: each weekday's median was off by ±10%
    # (a Tuesday read 0.83 where the truth was 1.10 in the benchmark), so the expected
    # counts by 11.2% (rms, the mean over these 30 quarters); shrunk toward the workweek and
    # the weekend, 7.9%
    assert _pattern_error(91, range(700, 730)) < 0.095


def test_a_weekday_that_really_differs_keeps_its_own_factor():
    # Wednesdays at 1.6x the rest of the workweek over a year, in 20 draws: read at 1.59x
    # (large counts) and 1.55x (about 4 a day) at the median; one tau² for all seven reads
    # an outlying weekday a little toward its group, not to it
    weekdays = np.arange(364) % 7
    pattern = np.array([1.0, 1.0, 1.6, 1.0, 1.0, 0.8, 0.75])
    use = np.ones(364, dtype=bool)
    for level, size in ((400.0, 30.0), (4.0, 10.0)):
        ratios, weights = [], []
        for seed in range(20):
            rng = np.random.default_rng(seed)
            counts = _nb(rng, level * pattern[weekdays], size)
            found = _weekday_factors(counts, np.full(364, level), weekdays, use, 1 / size)
            assert found.groups == WEEKDAY_GROUPINGS[0], (level, seed)
            others = np.exp(np.mean(np.log(found.factors[[0, 1, 3, 4]])))
            ratios.append(found.factors[2] / others)
            weights.append(found.weight[2])
        assert abs(float(np.median(ratios)) / 1.6 - 1) < 0.08, (level, ratios)
        assert float(np.median(weights)) > 0.7, (level, weights)


def test_a_weekday_of_too_few_days_leans_on_its_group():
    # a quarter of large noisy counts with the workweek flat (20 draws): the five workdays'
    # factors read on their own were 8.0% apart (sd of the log); leaning on their group, 1.6%
    weekdays = np.arange(91) % 7
    flat = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.7, 0.7])
    spreads = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        counts = _nb(rng, 400 * flat[weekdays], 12.0)
        found = _weekday_factors(
            counts, np.full(91, 400.0), weekdays, np.ones(91, dtype=bool), 1 / 12
        )
        spreads.append(float(np.std(np.log(found.factors[:5]))))
    assert float(np.mean(spreads)) < 0.04, spreads


def test_a_weekday_without_days_is_left_as_read_and_the_others_still_shrink():
    # no Saturday in the days used (one left out as unusual, the others missing): the
    # workweek still leans on its mean; Sunday, alone in its group, is its own
    rng = np.random.default_rng(4)
    weekdays = np.arange(91) % 7
    counts = _nb(rng, np.full(91, 400.0), 12.0)
    use = weekdays != 5
    found = _weekday_factors(counts, np.full(91, 400.0), weekdays, use, 1 / 12)
    assert found.weight[5] == 1.0 and found.weight[6] == 1.0
    assert found.weight[:5].max() < 1.0


def test_a_days_own_share_is_weighed_as_its_factor_was():
    # small counts: the correction that takes a day out of its weekday's factor is the
    # per-weekday one where the factor is its own (weight 1) and the workweek's or weekend's
    # where it leans wholly on its group (weight 0)
    rng = np.random.default_rng(3)
    weekdays = np.arange(91) % 7
    counts = rng.poisson(3.0, 91).astype(float)
    counts[30] = 16.0  # a 5x day on a Wednesday (30 % 7 == 2)
    base, use, phi = np.full(91, 3.0), np.ones(91, dtype=bool), np.full(91, 0.1)
    own = Weekdays(np.ones(7), WEEKDAY_GROUPINGS[0], np.ones(7))
    group = Weekdays(np.ones(7), WEEKDAY_GROUPINGS[0], np.zeros(7))
    by_day = _own_share(counts, base, weekdays, use, phi, own)
    by_group = _own_share(counts, base, weekdays, use, phi, group)
    workweek = Weekdays(np.ones(7), WEEKDAY_GROUPINGS[1], np.ones(7))
    assert np.allclose(by_group, _own_share(counts, base, weekdays, use, phi, workweek))
    # the big day lowers its own expected count more among 13 Wednesdays than among 65
    # workdays, and the half-and-half reading lies between
    assert by_day[30] < by_group[30] < 1.0
    half = Weekdays(np.ones(7), WEEKDAY_GROUPINGS[0], np.full(7, 0.5))
    mixed = _own_share(counts, base, weekdays, use, phi, half)
    assert np.isclose(mixed[30], np.sqrt(by_day[30] * by_group[30]))
