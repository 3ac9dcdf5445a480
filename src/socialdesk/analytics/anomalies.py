"""Days and posts far outside their expected range.

Days: per account and metric, each day's count against what that account usually has on that
weekday at that time, in three steps, repeated (ROUNDS) with the days found so far left out so
that one spike does not hide another (masking):

1. The usual level: a rolling median over WINDOW days (a week either side) of the counts with
   the weekday pattern divided out; a median ignores a few odd days. Where the week before
   a day and the week after it are at clearly different levels (a step, STEP_Z standard
   errors apart) the day's level is the median of the week on its own side (the one nearer
   its count): a centred median mixes the two levels there, and near the end of a period
   it keeps the old one (_step_median). Where that level is below LOW_COUNT a day, a
   rolling mean (a median of small counts jumps between whole numbers) over the one of
   WIDE_WINDOWS days that predicts the days left out best, or the widest that predicts
   them as well within the noise of that comparison (_small_level).
2. The weekday pattern: per weekday the median log ratio of count to level (on low counts the
   ratio of their sums, each count winsorised HUBER standard deviations above its expected
   count: a Huber estimate, so one 50× day does not make its weekday look busy and the rest of
   that weekday low; and per weekday, per workweek and weekend, or none, whichever predicts
   the days left out best: _weekday_groups). Seven factors read per weekday are each shrunk
   toward their workweek's or weekend's as far as their own days are too few to tell them
   apart (empirical Bayes: _shrunk). Expected = level × weekday factor. Once there is
   a first fit, the level and the weekday pattern are fitted to counts winsorised the same way.
3. The spread: a negative binomial count model, variance = mu + phi·mu², so small counts get
   their Poisson noise and large ones a relative noise of sqrt(phi). phi is the larger of a
   robust estimate (median absolute deviation of the log ratios, minus the Poisson part) and,
   once flagged days are left out, the moment estimate (which counts the everyday bursts of a
   spiky account); never below PHI_MIN. Where the expected counts are small (median below
   LOW_COUNT) the log ratios are squeezed between whole numbers and say little: there phi is
   the least at which half the days lie in the central half of their distribution (exact also
   for counts of 0-3), followed by one step of the pooled moment estimate with winsorised
   counts (_small_spread).

A day does not vouch for itself: its level is the rolling level of the days around it, and
where its weekday factor is a ratio of sums (small counts) the factor of the other days of that
weekday (_own_share). History: the page reads HISTORY days before the period too (about a
year with the default 90 days) and flags only the period's days: 13 weeks of counts of about 3
give a noisy weekday pattern and spread.

Posting days: when the account's posts per day are known, the expected count is quiet level ×
weekday factor × (1 + posting lift), the lift a linear carry-over of posts: their effect on the
day they are published, on each of the next CARRY_LAGS days, and of older posts fading
geometrically (an adstock whose decay is chosen per series from DECAYS by fit). The effects
(each at least 0) are fitted as a robust negative binomial regression, linear in them
(iteratively reweighted non-negative least squares with Huber weights; the decay by the
deviance), together with a rescaling of the quiet level, alternating with the rolling level and
the weekday factors. So reach that keeps coming in for days after a post, and next to nothing
two weeks after the last one, are both what the account usually has. Where the counts are
large, a posting day's own part and the quiet part then each get a level of their own, the
usual of the 14 days of their kind nearest (_two_levels): the rolling level is led by the
posting days and moved with the last few posts' reach, and the quiet days with it.
Each kind of day has its own phi: days with a post of their own (one post's reach or clicks,
the most variable), days whose expected count comes mostly from earlier posts, and quiet
days; a count below the usual is scored by the less extreme of the log-normal score and the
negative binomial's (the lower tail of a sum of posts' reach is a gamma's, heavier than a
log-normal's). A post's carry-over
follows how well it did on its own day, as a person reads it ("a weak post, so a weak day
after it"): its posting day's ratio to the usual, shrunk by the slope with which the days
after posting days follow them in this series (_post_quality). But a posting day's count
may be the post (a big or weak post, whose days after it are big or weak too) or the day
alone (a one-off, whose days after it are usual): after a posting day left out of the fit
(flagged, suspect), one whose own day scored ODD_POST or more either way, and every posting
day expected below LOW_COUNT (on small counts a post's own day says little about it), the
days after it are judged against the band between a usual post's carry-over and this post's
own (what it drew beyond the usual when it was left out of the fit, else its shrunk ratio),
at the point of the band nearest their count, while their spread is measured from the shrunk
ratio; so a big post's echo is not flagged again, a spike of 2-3× or a dip that is not flagged
does not make the next days look low or high, and a day after either that drew next to
nothing still is a drop. On such
accounts a very big drop is scored against the robust spread alone only where DROP_RESCORE or
more is expected (a small count there is one post's clicks, whose lower tail is far heavier
than the central half of the days says).
On such accounts each kind of day's spread comes from its own days, in a 91-day look from as
few as MIN_KIND_DAYS, and a spread from so few is as often too small as too large: the scores of the
larger counts are Student t's with the degrees of freedom of their spread (SPREAD_DF, and
ROBUST_DF for the robust one that the gamma lower tail and a very big drop are scored with),
given as the normal score of their tail probability (_student_scores). Without posts the
one spread of all the days is read the same way (from MIN_DAYS degrees of freedom up).
A very big rise keeps the log-normal's upper tail, already heavier than that of a sum of
posts' reach.

The score: below LOW_COUNT expected, the normal score of the negative binomial mid-p tail
probability of the count (beyond it plus half of its own probability); above it, log(count /
expected) / sqrt(phi + 1/expected) (a log-normal tail, heavier than the gamma tail, as real
bursts are). On a posting-driven account's days whose count comes mostly from posts (a post
of their own, or earlier ones), a small count above the expected is scored by the less
extreme of the negative binomial's tail and the Poisson log-normal's with the same mean and
variance (_pln_scores): such a count is a post's clicks, which vary log-normally from post to
post, so the small counts' upper tail is then the same shape as the larger counts' (with the
gamma's alone, a post's clicks of 4-5× the usual were about half of the false alarms of such
series, on its own day and on the days after it). A day is unusual when its score is at least
THRESHOLD **and** the change is large enough to matter: at least MIN_RATIO× expected or at most
1/MIN_RATIO of it. A change of BIG_RATIO× (or 1/BIG_RATIO) is scored against the robust spread
alone when that gives the larger score (a 5× day on a spiky account), and is left out of the
next fit at THRESHOLD − BIG_RELIEF, but never flagged below THRESHOLD: every flag is improbable
under the model. So a 5× day on a steady account stands out and the everyday ups and downs of a
spiky account do not. Flagged days are left out and everything is refitted, ROUNDS times, so one
spike does not hide another. Each flag says how big the change is in words ("20× the usual
Tuesday (about 960)"); `low`–`high` is the band outside which a count would be flagged on its
score. The constants were chosen on simulations (benchmarks/anomalies.py, development seed 1)
and checked on another (evaluation seed 2).

Posts: per platform (and media type when there are enough of them), the post's engagement
rate on the log scale (interactions per unit of exposure: reach, else impressions, else
views) against the median of its peers, in robust standard deviations (1.4826 × MAD): `score`
3.5 means "3.5 robust standard deviations from its peers".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, cast

import numpy as np
import pandas as pd

from socialdesk.catalogue.platforms import platform_name
from socialdesk.phrases import Num, Phrase

THRESHOLD = 3.5
MIN_DAYS = 28  # four weeks: a weekday pattern needs at least that
HISTORY = 273  # days before the period that are read to learn what is usual (with a 90-day
# period about a year): a weekday pattern and a spread from 13 weeks of small counts are noisy
MIN_PEERS = 20
MAD_SCALE = 1.4826
WINDOW = 15  # days in the rolling median level: a week either side (the least of MEDIAN_WINDOWS)
MEDIAN_WINDOWS = (15, 29, 57)  # the rolling median level's days: chosen per series by fit
WIDE_WINDOWS = (29, 57, 113, 365)  # days in the rolling mean level of small counts: by fit
STEP_Z = 3.0  # the halves of a day's window differ by this many standard errors: a step
LOW_COUNT = 10.0  # a level below this many a day is a rolling mean, not a median
MIN_RATIO = 2.0  # the least change (up, or down to 1/MIN_RATIO) that is flagged
BIG_RATIO = 4.0  # a change this big (or down to 1/BIG_RATIO) is scored on the robust spread
BIG_RELIEF = 1.0  # and left out of the fit (not flagged) at THRESHOLD - BIG_RELIEF
PHI_MIN = 0.05**2  # relative day-to-day noise is never taken below 5%
MIN_LEVEL = 0.1  # an expected count is never taken below this
ROUNDS = 4
MAX_SCORE = 99.0
BAND_GRID = 240  # counts looked at for a day's band, log-spaced (_Scoring.band)
BAND_STEPS = 30  # halvings of the bisection between two of them
BAND_SPAN = 1e7  # the band's upper end is looked for up to this many times the expected
HUBER = 3.0  # small counts are winsorised this many standard deviations above the usual
HUBER_STEPS = 6
PHI_MAX = 20.0  # small counts' phi is sought between PHI_MIN and this
HUBER_FIT = 2.0  # the posting profile's fit weighs down residuals beyond this many sd
IRLS_STEPS = 8
DROP_RESCORE = 30.0  # posting-driven accounts: a very big drop is rescored from this expected
# count up (below it a day is mostly one post's clicks; 10 and never were tried on seed 1)
QUALITY_CLIP = math.log(4.0)  # a posting day's ratio counts for a post's quality up to 4×
PROFILE_FLOOR = 1e-3  # the posting profile (mean 1) is never taken below this
PHI_GRID = tuple(float(v) for v in np.geomspace(PHI_MIN, PHI_MAX, 40))
BISECT_STEPS = 8  # between two of them: to within 0.1%
# degrees of freedom per day a spread was estimated from (posting-driven accounts, where each
# kind of day has its own, from 14 to 150 days of a 91-day to one-year look): phi as a variance
# from that many days; the robust phi (a median absolute deviation, as precise as a standard
# deviation of 37% as many normal days; its gamma lower tail is scored with it) from half of
# them, between that 37% and all (0.37 and 1 were tried on seed 1: docs/decisions.md)
SPREAD_DF = 1.0
ROBUST_DF = 0.5
# posting-driven accounts: a post whose own day scored this far from the usual either way (in
# the last round, not flagged) may be a one-off rather than a post that really did so well or
# so badly, and the days after it are judged against the band between a usual post's carry-over
# and its own (0, 1.5, 2 and 2.5 were tried on seed 1: 1.5 kept every planted day of 60
# accounts found and took 13 false alarms to 5; 0 lost a drop to 1/5 on a posting day). On
# small counts (a posting day expected below LOW_COUNT) the days after every post are: a
# post's clicks that drew a tenth of the usual score only -1.4 there
ODD_POST = 1.5
# the Poisson log-normal's tail (posting-driven small counts on days mostly from posts):
# integrated over the rate's normal score on PLN_NODES points between ±PLN_SPAN (the trapezoid
# rule; against adaptive quadrature, within 0.005 for every score below 6 with phi up to 1 and
# mu 0.1-10, within 0.05 up to phi 20, where only counts of 60× and more are that far out)
PLN_NODES = 181
PLN_SPAN = 9.0
_Z = np.linspace(-PLN_SPAN, PLN_SPAN, PLN_NODES)
_Z_WEIGHTS = np.exp(-(_Z**2) / 2) / math.sqrt(2 * math.pi) * (_Z[1] - _Z[0])

WEEKDAY_NAMES = (
    Phrase("Monday"),
    Phrase("Tuesday"),
    Phrase("Wednesday"),
    Phrase("Thursday"),
    Phrase("Friday"),
    Phrase("Saturday"),
    Phrase("Sunday"),
)


@dataclass(frozen=True)
class DayAnomaly:
    day: str
    platform: str
    account_id: int
    account: str
    metric: str
    value: float
    expected: float
    low: float  # the band outside which a count is flagged
    high: float
    score: float  # signed normal score of the count's tail probability: above (+) or below (−)
    ratio: float  # value / expected
    explanation: str  # a Phrase: "20× the usual Tuesday (about 960)"


@dataclass(frozen=True)
class PostAnomaly:
    post_id: int
    published_at: str
    platform: str
    account: str
    media_type: str
    metric: str  # the rate that is unusual, e.g. "interactions / reach"
    interactions: float
    exposure: float
    rate: float
    expected_rate: float
    score: float


@dataclass(frozen=True)
class Skipped:
    what: str
    reason: str


@dataclass(frozen=True)
class AnomalyResult:
    days: tuple[DayAnomaly, ...]
    posts: tuple[PostAnomaly, ...]
    skipped: tuple[Skipped, ...]
    threshold: float
    method: str


def robust_z(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(z scores, median, robust sd) of `values` by the median absolute deviation."""
    med = float(np.median(values))
    sd = MAD_SCALE * float(np.median(np.abs(values - med)))
    if sd == 0:
        sd = float(np.std(values)) or 1.0
    return (values - med) / sd, med, sd


@dataclass(frozen=True)
class DayFit:
    """One series scored: arrays over its days (a missing day is never flagged; its score is
    that of a count of 0)."""

    expected: np.ndarray
    low: np.ndarray  # the band outside which a count is flagged: on the flagged days (else NaN)
    high: np.ndarray
    score: np.ndarray
    ratio: np.ndarray
    flagged: np.ndarray  # bool
    phi: float  # the negative binomial's relative variance (1 / size)


def _rolling_without_self(values: np.ndarray, window: int, how: Any, least: int) -> np.ndarray:
    """`how` (np.nanmedian, np.nanmean) of the `window` days centred on each day, the day
    itself left out (so a day does not vouch for itself); NaN with fewer than `least` days."""
    half = window // 2
    padded = np.concatenate([np.full(half, np.nan), values, np.full(half, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, window).copy()
    windows[:, half] = np.nan
    enough = np.isfinite(windows).sum(axis=1) >= least
    out = np.full(len(values), np.nan)
    if enough.any():
        out[enough] = how(windows[enough], axis=1)
    return out


def _windows(values: np.ndarray, window: int) -> np.ndarray:
    """The `window` values centred on each day (NaN-padded), the day itself set to NaN."""
    half = window // 2
    padded = np.concatenate([np.full(half, np.nan), values, np.full(half, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, window).copy()
    windows[:, half] = np.nan
    return windows


def _rolling_weighted(
    adjusted: np.ndarray, weights: np.ndarray, window: int, least: int, *, median: bool
) -> np.ndarray:
    """Per day the weighted median (else the weighted mean) of `adjusted` over the `window`
    days centred on it, the day itself left out; NaN with fewer than `least` days. With
    adjusted = count / expected share and weights = that share, the weighted mean is the
    ratio of the sums (the Poisson fit of a common level) and the weighted median its robust
    counterpart (the least absolute deviations fit of count ≈ level × share). The mean from
    running sums (a year's window over a year is no dearer than a month's)."""
    if not median:
        return _rolling_mean(adjusted, weights, window, least)
    a = _windows(adjusted, window)
    w = np.where(np.isfinite(a), _windows(np.where(np.isfinite(adjusted), weights, 0.0), window), 0)
    w = np.nan_to_num(w)
    enough = np.isfinite(a).sum(axis=1) >= least
    out = np.full(len(adjusted), np.nan)
    total = w.sum(axis=1)
    enough &= total > 0
    if not enough.any():
        return out
    a, w, total = np.nan_to_num(a[enough]), w[enough], total[enough]
    order = np.argsort(np.where(w > 0, a, np.inf), axis=1)
    sorted_a = np.take_along_axis(a, order, axis=1)
    cum = np.cumsum(np.take_along_axis(w, order, axis=1), axis=1)
    at = (cum < total[:, None] / 2).sum(axis=1)
    out[enough] = sorted_a[np.arange(len(at)), np.minimum(at, a.shape[1] - 1)]
    return out


def _rolling_mean(adjusted: np.ndarray, weights: np.ndarray, window: int, least: int) -> np.ndarray:
    """_rolling_weighted's weighted mean: the sums over each day's window, the day itself
    left out, as differences of running sums."""
    n, half = len(adjusted), window // 2
    known = np.isfinite(adjusted)
    w = np.where(known, np.nan_to_num(np.asarray(weights, dtype=float)), 0.0)
    parts = (np.where(known, adjusted, 0.0) * w, w, known.astype(float))
    index = np.arange(n)
    upper, lower = np.minimum(index + half + 1, n), np.maximum(index - half, 0)
    sums = []
    for x in parts:
        running = np.concatenate([[0.0], np.cumsum(x)])
        sums.append(running[upper] - running[lower] - x)
    weighted, total, days = sums
    out = np.full(n, np.nan)
    enough = (days >= least - 0.5) & (total > 1e-12 * max(float(w.max(initial=0.0)), 1.0))
    out[enough] = weighted[enough] / total[enough]
    return out


def _step_median(adjusted: np.ndarray, own: np.ndarray | None, window: int = WINDOW) -> np.ndarray:
    """The rolling median of _rolling_without_self over `window` days, except where the half
    of the window before a day and the half after it differ by more than STEP_Z standard
    errors of their medians (1.2533 × s / sqrt(days), s the robust sd of the log counts
    around the rolling median, at least sqrt(PHI_MIN)): there the level steps inside the
    window, and the day gets the median of the half nearer its `own` count (log scale; NaN:
    the rolling median). A centred median of a window that straddles a step is a mix of the
    two levels, and in the last days of a period, whose window has few days after the step,
    the old level: on simulated series with a ×2 and a ×0.5 step, the days next to a step
    were a good half of the false alarms (benchmarks/anomalies.py, `steps`, seed 1). Without
    a step the halves agree (the test is passed by chance about 1 day in 370) and a planted
    day is scored as before; next to a step it is scored against the level of its own side."""
    centred = _rolling_without_self(adjusted, window, np.nanmedian, 4)
    if own is None:
        return centred
    half = window // 2
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(_windows(adjusted, window) + 0.5)
        before, after = logs[:, :half], logs[:, half + 1 :]
        n_before, n_after = np.isfinite(before).sum(axis=1), np.isfinite(after).sum(axis=1)
        x = np.log(own + 0.5)
        ok = (n_before >= 1) & (n_after >= 1) & np.isfinite(x) & np.isfinite(centred)
        e = np.log(adjusted + 0.5) - np.log(centred + 0.5)
    if not ok.any() or not np.isfinite(e).any():
        return centred
    s = max(MAD_SCALE * float(np.nanmedian(np.abs(e - np.nanmedian(e)))), math.sqrt(PHI_MIN))
    lo, hi = np.nanmedian(before[ok], axis=1), np.nanmedian(after[ok], axis=1)
    se = 1.2533 * s * np.sqrt(1.0 / n_before[ok] + 1.0 / n_after[ok])
    step = np.abs(lo - hi) > STEP_Z * se
    side = np.where(np.abs(x[ok] - lo) <= np.abs(x[ok] - hi), lo, hi)
    out = centred.copy()
    out[np.flatnonzero(ok)[step]] = np.exp(side[step]) - 0.5
    return out


def _poisson_deviance(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Half the Poisson deviance of each count `y` against its expected `mu` (> 0)."""
    ratio = np.where(y > 0, y / mu, 1.0)
    return np.where(y > 0, y * np.log(np.maximum(ratio, 1e-300)), 0.0) - (y - mu)


def _small_level(adjusted: np.ndarray, weights: np.ndarray | None, small: np.ndarray) -> np.ndarray:
    """The rolling level of small counts: per day the weighted mean of `adjusted` (counts
    over their expected share, `weights` those shares, None: 1) over the days around it, the
    day itself left out, with the window of WIDE_WINDOWS whose level predicts the `small`
    days (those whose level is a mean) best: the least Poisson deviance of each day's count
    against its level from the days around it (a leave-one-out cross-validation, as each
    day's level leaves the day out already; count = adjusted × share, so a day's deviance is
    its share times that of `adjusted`), or the widest within one standard error of it
    (_one_se_choice). A month's mean of counts of about 3 is off by ±12%, and a weekday
    factor with it; a steady account is read over up to a year, one whose level moves over
    a month (on simulated accounts of about 3 a day the level's error went from 0.12 to
    0.05, and false alarms of a post's clicks down by a third; with the year and the rule,
    0.075 -> 0.053 over a year, 0.126 -> 0.096 over 13 weeks: benchmarks/anomalies.py,
    sparse, seed 1)."""
    w = np.ones(len(adjusted)) if weights is None else np.asarray(weights, dtype=float)
    if not small.any():  # no day's level is a mean: a larger count's median stands
        return np.full(len(adjusted), np.nan)
    means = [_rolling_weighted(adjusted, w, window, 6, median=False) for window in WIDE_WINDOWS]
    # over the days every window has a level for (a narrow one has none on more days)
    on = small & np.isfinite(adjusted) & (w > 0) & np.all([np.isfinite(m) for m in means], axis=0)
    if not on.any():
        return means[0]
    losses = [w[on] * _poisson_deviance(adjusted[on], np.maximum(m[on], 1e-9)) for m in means]
    return means[_one_se_choice(losses)]


def _one_se_choice(losses: Sequence[np.ndarray]) -> int:
    """Of candidates ordered from the most to the least flexible, with each one's loss per
    day (the same days), the last whose total loss exceeds the least by no more than one
    standard error of the difference (paired over the days): a paired variant of the
    one-standard-error rule of cross-validation (Hastie, Tibshirani & Friedman, The Elements
    of Statistical Learning, 7.10, which takes the best one's own standard error: wider).
    The least loss alone picks a narrower window than the data need about one time in three:
    the differences are small beside their noise."""
    totals = [float(np.sum(v)) for v in losses]
    best = int(np.argmin(totals))
    for k in range(len(losses) - 1, best, -1):
        d = np.asarray(losses[k]) - np.asarray(losses[best])
        if len(d) > 1 and totals[k] - totals[best] <= float(np.std(d, ddof=1)) * math.sqrt(len(d)):
            return k
    return best


def _median_window(adjusted: np.ndarray) -> int:
    """The days of MEDIAN_WINDOWS whose rolling median level (_local_median) predicts the days
    best: the least absolute log error of each day's (deseasonalised) count against its level
    from the days around it, the day itself left out (a leave-one-out cross-validation, with
    a loss that a spike weighs on no more than an ordinary high day), over the days every
    window has a level for (a narrow window has none on more days of a gappy series). A
    fortnight's median of counts that vary ±29% is off by ±10%, and a drop to a fifth on a day
    whose level came out a quarter low was a ratio of 0.27, not flagged; a steady account is
    read over up to eight weeks, one that moves over a fortnight (steps are followed inside
    any window: _step_median).
    On simulated spiky accounts drops to a fifth were found 92.5% -> 97% (four draws of 100
    accounts), at the same false alarms."""
    # without the days' own counts: a step's side is chosen by a day's own count
    # (_step_median), which would let the day vouch for its level
    levels = [_local_median(adjusted, None, window) for window in MEDIAN_WINDOWS]
    on = np.isfinite(adjusted) & np.all([np.isfinite(v) for v in levels], axis=0)
    if not on.any():
        return WINDOW
    losses = [
        float(np.sum(np.abs(np.log(adjusted[on] + 0.5) - np.log(v[on] + 0.5)))) for v in levels
    ]
    return MEDIAN_WINDOWS[int(np.argmin(losses))]


def _local_median(adjusted: np.ndarray, own: np.ndarray | None, window: int) -> np.ndarray:
    """The rolling median level over `window` days (_step_median), except where it differs
    from the one over WINDOW days by more than STEP_Z standard errors of the latter (1.2533 ×
    s / sqrt(days), s as in _step_median): there the level moves faster than the wide window
    follows (a step in a period's last days, whose wide window holds four weeks of the old
    level and three days of the new), and the day takes the fortnight's."""
    wide = _step_median(adjusted, own, window)
    if window <= WINDOW:
        return wide
    narrow = _step_median(adjusted, own, WINDOW)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.log(adjusted + 0.5) - np.log(narrow + 0.5)
        gap = np.abs(np.log(wide + 0.5) - np.log(narrow + 0.5))
    if not np.isfinite(e).any():
        return wide
    s = max(MAD_SCALE * float(np.nanmedian(np.abs(e - np.nanmedian(e)))), math.sqrt(PHI_MIN))
    days = np.isfinite(_windows(adjusted, WINDOW)).sum(axis=1)
    se = 1.2533 * s / np.sqrt(np.maximum(days, 1))
    return np.where(np.isfinite(gap) & (gap > STEP_Z * se), narrow, wide)


def _level(
    adjusted: np.ndarray,
    weights: np.ndarray | None = None,
    own: np.ndarray | None = None,
    window: int = WINDOW,
) -> np.ndarray:
    """The usual deseasonalised level of each day from the days not left out (NaN); with
    `weights` (each day's expected share: weekday × posting profile) weighted by them, so that
    a day expected to have next to nothing does not speak for the level with its noise;
    without them, with `own` (each day's deseasonalised count, also of the days left out) a
    median over `window` days that follows a step in level inside it, and a fortnight's
    where the level moves faster (_local_median)."""
    s = pd.Series(adjusted)
    if weights is None:
        median = pd.Series(_local_median(adjusted, own, window))
    else:
        median = pd.Series(_rolling_weighted(adjusted, weights, WINDOW, 4, median=True))
    mean = pd.Series(_small_level(adjusted, weights, ~(median.to_numpy() >= LOW_COUNT)))
    level = median.where(median >= LOW_COUNT, mean)
    level = level.interpolate(limit_direction="both")
    if level.isna().all():
        level = pd.Series(
            float(np.nanmean(adjusted)) if np.isfinite(adjusted).any() else 0.0, index=s.index
        )
    return np.maximum(level.to_numpy(dtype=float), MIN_LEVEL)


def _cap(mu: np.ndarray, phi: np.ndarray | float) -> np.ndarray:
    """The most a count is taken for when fitting the usual (a Huber winsorisation): HUBER
    negative binomial standard deviations above `mu`, so that one big day does not raise
    its weekday, its neighbours' level or the spread by more than an ordinary day would."""
    return mu + HUBER * np.sqrt(mu + phi * mu**2) + 1.0


def _factor(y: np.ndarray, base: np.ndarray, phi: float = PHI_MIN) -> float:
    """The multiplicative factor of counts `y` over their expected `base`: the median log ratio,
    or on small counts (a median of them jumps between whole numbers) the ratio of the sums
    with each count winsorised at _cap of its expected count (a Huber M-estimate of a Poisson
    mean, iterated from the plain ratio: a 50× day among a dozen ordinary ones raised the
    plain ratio of its weekday fourfold, so the day itself looked usual and the others low)."""
    if float(np.median(base)) < LOW_COUNT:
        f = float((y.sum() + 0.5) / (base.sum() + 0.5))
        for _ in range(HUBER_STEPS):
            f = float((np.minimum(y, _cap(f * base, phi)).sum() + 0.5) / (base.sum() + 0.5))
        return f
    return math.exp(float(np.median(np.log((y + 0.5) / (base + 0.5)))))


class Weekdays(NamedTuple):
    """A weekday pattern: the factors (geometric mean 1), the grouping of WEEKDAY_GROUPINGS
    they were read with, and per weekday the weight of its own days against its group's
    (workweek or weekend) in the shrunk factor (1 where not shrunk: _shrunk)."""

    factors: np.ndarray
    groups: tuple[tuple[int, ...], ...]
    weight: np.ndarray


def _weekday_factors(
    y: np.ndarray,
    base: np.ndarray,
    weekdays: np.ndarray,
    use: np.ndarray,
    phi: np.ndarray | float = PHI_MIN,
) -> Weekdays:
    """Multiplicative weekday factors (geometric mean 1) of `y` over `base` (level × posting
    effect) from the days in `use` (`phi` the spread, for the winsorisation of small counts);
    read per weekday, each shrunk toward its workweek or weekend as far as the data say
    (_shrunk)."""
    factors = np.ones(7)
    phis = np.broadcast_to(np.asarray(phi, dtype=float), y.shape)
    groups = WEEKDAY_GROUPINGS[0]
    small = bool(use.any()) and float(np.median(base[use])) < LOW_COUNT
    if small:
        groups = _weekday_groups(y, base, weekdays, use, phis)
    for group in groups:
        on = use & np.isin(weekdays, group)
        if on.sum() >= 2:
            factors[list(group)] = _factor(y[on], base[on], float(np.median(phis[on])))
    weight = np.ones(7)
    if groups == WEEKDAY_GROUPINGS[0]:
        factors, weight = _shrunk(factors, y, base, weekdays, use, phis, small=small)
    return Weekdays(factors / math.exp(float(np.mean(np.log(factors)))), groups, weight)


def _shrunk(
    factors: np.ndarray,
    y: np.ndarray,
    base: np.ndarray,
    weekdays: np.ndarray,
    use: np.ndarray,
    phis: np.ndarray,
    *,
    small: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Seven weekday factors shrunk toward the mean of their workweek's or weekend's (empirical
    Bayes, as a random-effects meta-analysis pools studies): each log factor l_d is a draw
    around its group's mean with a spread tau² between weekdays and its own sampling variance
    v_d; its shrunk value is the group's mean + tau²/(tau² + v_d) × (l_d − the mean). v_d: on
    small counts (a ratio of sums, _factor) the negative binomial variance of the weekday's
    total over its square, (Σm + phi·Σm²)/(Σm)²; on larger counts (a median of log ratios)
    π/2 × the pooled robust variance of the log ratios about their weekday's median (a degree
    of freedom less per weekday) over the weekday's days. tau² by the unweighted method of
    moments (E Σ(l_d − mean)² = Σ(1 − 1/k)(tau² + v_d), k the weekdays of the group with
    days). Thirteen Tuesdays of a spiky account gave a factor of 0.83 where the truth was
    1.10; most weekday patterns of accounts are a workweek and a weekend, and where a weekday
    really differs tau² says so (normal shrinkage with one tau² still reads an outlying
    weekday a little toward its group: a Wednesday at 1.6× over a year as about 1.5×).
    Returns the factors and each weekday's weight tau²/(tau² + v_d) (1 for a weekday with
    fewer than 2 days, or in a group with fewer than 2 such weekdays: left as read)."""
    logs = np.log(factors)
    counts = np.array([int((use & (weekdays == d)).sum()) for d in range(7)])
    ok = counts >= 2
    variance = np.full(7, np.inf)
    residuals: list[np.ndarray] = []
    for d in np.flatnonzero(ok):
        on = use & (weekdays == d)
        if small:
            m = factors[d] * base[on]
            total = max(float(m.sum()), 1e-9)
            variance[d] = (total + float(np.median(phis[on])) * float(np.sum(m**2))) / total**2
        else:
            residuals.append(np.log((y[on] + 0.5) / (base[on] + 0.5)) - logs[d])
    if not small and residuals:
        pooled = np.concatenate(residuals)
        # about each weekday's own median: a degree of freedom less per weekday
        spread2 = (MAD_SCALE * float(np.median(np.abs(pooled)))) ** 2
        spread2 *= len(pooled) / max(len(pooled) - len(residuals), 1)
        variance[ok] = math.pi / 2 * spread2 / counts[ok]
    target = logs.copy()
    df = np.zeros(7)  # a weekday's share of its group's spread about the group's mean
    for group in WEEKDAY_GROUPINGS[1]:
        members = [d for d in group if ok[d]]
        if len(members) >= 2:
            target[members] = float(np.mean(logs[members]))
            df[members] = 1.0 - 1.0 / len(members)
    weight = np.ones(7)
    if df.sum() <= 0:
        return factors, weight
    on = df > 0
    tau2 = max(
        0.0,
        (float(np.sum((logs[on] - target[on]) ** 2)) - float(np.sum(df[on] * variance[on])))
        / float(df.sum()),
    )
    weight[on] = tau2 / (tau2 + np.maximum(variance[on], 1e-12))
    return np.exp(target + weight * (logs - target)), weight


# the weekday patterns small counts are read with: per weekday, workweek and weekend, none
WEEKDAY_GROUPINGS: tuple[tuple[tuple[int, ...], ...], ...] = (
    tuple((d,) for d in range(7)),
    ((0, 1, 2, 3, 4), (5, 6)),
    ((0, 1, 2, 3, 4, 5, 6),),
)


def _weekday_groups(
    y: np.ndarray, base: np.ndarray, weekdays: np.ndarray, use: np.ndarray, phis: np.ndarray
) -> tuple[tuple[int, ...], ...]:
    """The weekday pattern of WEEKDAY_GROUPINGS that predicts small counts best: per group of
    weekdays the ratio of the sums (counts winsorised as in _factor) of its other days in
    `use`, each day's count against that ratio × its `base`, the least Poisson deviance in
    all (leave-one-out). Seven factors from thirteen weeks of counts of about 3 are each off
    by ±19%, more than a workweek and a weekend are apart from most real patterns; over a
    year they are off by ±8% and win where the days differ."""
    best: tuple[float, tuple[tuple[int, ...], ...]] | None = None
    for groups in WEEKDAY_GROUPINGS:
        loss = 0.0
        for group in groups:
            on = use & np.isin(weekdays, group)
            if on.sum() < 2:
                continue
            f = _factor(y[on], base[on], float(np.median(phis[on])))
            w, b = np.minimum(y[on], _cap(f * base[on], phis[on])), base[on]
            others = (w.sum() - w + 0.5) / (b.sum() - b + 0.5) * b
            loss += float(np.sum(_poisson_deviance(w, np.maximum(others, 1e-9))))
        if best is None or loss < best[0]:
            best = (loss, groups)
    assert best is not None
    return best[1]


# -- posting days ------------------------------------------------------------------------------
QUIET_DAYS = 3  # "without a post for QUIET_DAYS + 1 days or more"; run.py's lead of posts
POST_CAP = 3  # a day's posts count up to this many
MIN_KIND_DAYS = 10  # quiet and posting days get their own spread with at least this many each
CARRY_LAGS = 2  # a post's own effect on the day it is published and each of the next 2 days
PROFILE_MAX = 1000.0  # a bound on the parts of the posting profile (mean 1) in the fit
DECAYS = (0.0, 0.5, 0.75, 0.9)  # the older posts' carry-over fades by this a day: fitted
POST_SHARE = (
    0.5  # a day whose expected count is at least this share from posts is a posting-kind day
)


def days_since_post(posts: np.ndarray, lead: np.ndarray | None = None) -> np.ndarray:
    """Per day the days since the last day with a post (0: a post that day; inf: none seen),
    `lead` the posts of the days just before the series (oldest first); NaN counts as none."""
    before = np.zeros(0) if lead is None else np.nan_to_num(np.asarray(lead, dtype=float))
    every = np.concatenate([before, np.nan_to_num(np.asarray(posts, dtype=float))])
    since = np.full(len(every), np.inf)
    last = -np.inf
    for i, n in enumerate(every):
        if n > 0:
            last = i
        since[i] = i - last
    return since[len(before) :]


def carry_over(
    posts: np.ndarray, lead: np.ndarray | None, decay: float, weight: np.ndarray | None = None
) -> np.ndarray:
    """Per day the posting covariates (columns): posts that day, the day before, two days
    before, and the posts of three or more days before fading by `decay` a day (a geometric
    adstock: posts 3 days ago + decay × 4 days ago + decay² × ...); `lead` the posts of the
    days before the series (oldest first); a day's posts count up to POST_CAP, times its
    `weight` when given (per day of the series; the lead's weigh 1)."""
    before = np.zeros(0) if lead is None else np.nan_to_num(np.asarray(lead, dtype=float))
    every = np.concatenate([before, np.nan_to_num(np.asarray(posts, dtype=float))])
    every = np.minimum(every, POST_CAP)
    if weight is not None:
        every = every * np.concatenate([np.ones(len(before)), weight])
    n = len(every)
    out = np.zeros((n, 1 + CARRY_LAGS + 1))
    for lag in range(CARRY_LAGS + 1):
        out[lag:, lag] = every[: n - lag]
    stock = 0.0
    for i in range(n):  # the posts of CARRY_LAGS + 1 or more days before, fading
        out[i, -1] = stock
        if i - CARRY_LAGS >= 0:
            stock = decay * stock + every[i - CARRY_LAGS]
    return out[len(before) :]


@dataclass(frozen=True)
class PostingEffect:
    """A day's posting profile: quiet + covariates · effects (the part of a day without a
    post's influence, and the lift of a post that day, of one the day before, two days before,
    and of the fading older ones), scaled so that its mean over the series' days is 1: the
    usual level is then the account's usual daily count, well determined also when next to
    nothing comes without posts (a quiet part near 0 is no problem: no ratio to it is taken)."""

    quiet: float
    effects: tuple[float, ...]
    decay: float


def _fit_posting(
    y: np.ndarray,
    base: np.ndarray,
    covariates: dict[float, np.ndarray],
    use: np.ndarray,
    start: PostingEffect,
    known: np.ndarray,
    phi: np.ndarray | float = PHI_MIN,
) -> PostingEffect:
    """The posting profile that best fits counts `y` over `base` (level × weekday) on the days
    in `use`: per decay of the older posts' carry-over, a robust negative binomial fit (spread
    `phi` per day) of the counts, linear in the parts of the profile (mu = base × (quiet +
    covariates · effects), every part at least 0): iteratively reweighted non-negative least
    squares with weights 1 / variance and Huber weights on the Pearson residuals beyond
    HUBER_FIT, so the odd burst counts as an ordinary high day; the decay with the least Huber
    loss; scaled to a mean of 1 over the `known` days. A count model, not log ratios: on small
    counts a log ratio is squeezed (5 clicks where 0.1 was expected is a log ratio of 2.4, which
    a robust loss on log ratios treated as an outlier), and a profile that fell to nothing two
    days after a post fitted the log ratios best while 5-17 clicks came in on such days."""
    from scipy.optimize import nnls

    best: tuple[float, PostingEffect] | None = None
    yy, bb = y[use], base[use]
    size = 1.0 / np.broadcast_to(np.asarray(phi, dtype=float), y.shape)[use]
    p_start = np.clip(np.concatenate([[start.quiet], np.maximum(start.effects, 0.0)]), 0, None)
    ylogy = np.where(yy > 0, yy * np.log(np.maximum(yy, 1e-12)), 0.0)
    for decay, x in covariates.items():
        design = np.column_stack([bb, bb[:, None] * x[use]])  # mu = design @ p
        p = p_start
        for _ in range(IRLS_STEPS):
            mu = np.maximum(design @ p, 1e-6)
            var = mu + mu**2 / size
            r = np.abs(yy - mu) / np.sqrt(var)
            root = np.sqrt(np.minimum(1.0, HUBER_FIT / np.maximum(r, 1e-12)) / var)
            p = np.minimum(nnls(design * root[:, None], yy * root)[0], PROFILE_MAX)
        # the decays are compared by the deviance (a count's own misfit, also on small counts),
        # with a soft L1 loss beyond HUBER_FIT
        mu = np.maximum(design @ p, 1e-6)
        half = ylogy - yy * np.log(mu) - (yy + size) * np.log((yy + size) / (mu + size))
        loss = float(
            np.sum(HUBER_FIT**2 * (np.sqrt(1 + 2 * np.maximum(half, 0) / HUBER_FIT**2) - 1))
        )
        if best is None or loss < best[0]:
            norm = float(np.mean(p[0] + x[known] @ p[1:])) or 1.0
            effects = tuple(float(v / norm) for v in p[1:])
            best = (loss, PostingEffect(float(p[0] / norm), effects, decay))
    return best[1] if best is not None else start


def _nb_scores(y: np.ndarray, mu: np.ndarray, phi: np.ndarray | float) -> np.ndarray:
    """Signed normal scores of each count's negative binomial (mu, phi) tail probability."""
    from scipy.special import ndtri_exp
    from scipy.stats import nbinom

    size = 1.0 / np.asarray(phi, dtype=float)
    p = size / (size + mu)
    count = np.round(np.nan_to_num(y))
    up = count > mu
    # the mid-p tail (Lancaster): beyond the count plus half the count itself, so that a count
    # is not judged as if it were the least extreme of its whole number (P(X >= count) is
    # conservative for counts of a few: a 5x day on a weekend of 1.5 looked more usual than it is)
    half = math.log(0.5) + nbinom.logpmf(count, size, p)
    beyond = np.where(up, nbinom.logsf(count, size, p), nbinom.logcdf(count - 1, size, p))
    log_p = np.logaddexp(beyond, half)
    log_p = np.clip(np.nan_to_num(log_p, nan=0.0, neginf=-1e4), -1e4, math.log(0.5))
    z = -ndtri_exp(log_p)
    return np.where(up, z, -z)


def _pln_scores(y: np.ndarray, mu: np.ndarray, phi: np.ndarray | float) -> np.ndarray:
    """Normal scores of each count's upper mid-p tail probability (beyond it plus half its
    own, as _nb_scores) under a Poisson log-normal of mean mu and variance mu + phi·mu²: the
    negative binomial's (mu, phi) with a log-normal rate (sigma² = log(1 + phi)) in place of
    its gamma, whose upper tail is lighter. Integrated over the rate's normal score (_Z)."""
    from scipy.special import gammaln, ndtri, pdtrc

    y, mu, phi = np.broadcast_arrays(
        np.asarray(y, dtype=float), np.asarray(mu, dtype=float), np.asarray(phi, dtype=float)
    )
    sigma = np.sqrt(np.log1p(phi))[..., None]
    rate = mu[..., None] * np.exp(sigma * _Z - sigma**2 / 2)
    count = np.round(np.nan_to_num(y))[..., None]
    own = np.exp(count * np.log(rate) - rate - gammaln(count + 1))
    p = np.sum(_Z_WEIGHTS * (pdtrc(count, rate) + 0.5 * own), axis=-1)
    # beyond the floating point's reach: infinite, so that the less extreme of this and the
    # negative binomial's (_tail_scores) is the negative binomial's finite score
    return np.where(p >= 1e-300, -ndtri(np.clip(p, 1e-300, 0.5)), np.inf)


def _student_scores(z: np.ndarray, df: np.ndarray | float | None) -> np.ndarray:
    """Normal scores `z` made honest about a spread estimated from few days: each read as a
    Student t with `df` degrees of freedom (inf: unchanged) and given the normal score of that
    t's tail probability. A log ratio over a spread estimated from n residuals is a t with
    about n degrees of freedom, not a normal: with the spread of 14 quiet days (a 91-day
    window) a ratio 3.5 of its standard deviations out comes about 8 times as often as the
    normal says (at the robust spread's 7 degrees of freedom, 21 times)."""
    from scipy.special import ndtri_exp
    from scipy.stats import t as student

    if df is None:
        return z
    df = np.broadcast_to(np.asarray(df, dtype=float), np.shape(z))
    finite = np.isfinite(df)
    if not finite.any():
        return z
    a = np.abs(z)
    log_p = student.logsf(a, np.where(finite, np.maximum(df, 1.0), 1.0))
    heavy = -ndtri_exp(np.minimum(log_p, math.log(0.5)))
    return np.where(finite & (a > 0), np.sign(z) * heavy, z)


def _tail_scores(
    y: np.ndarray,
    mu: np.ndarray,
    phi: np.ndarray | float,
    lower_phi: np.ndarray | float | None = None,
    df: np.ndarray | float | None = None,
    lower_df: np.ndarray | float | None = None,
    lognormal_up: np.ndarray | None = None,
) -> np.ndarray:
    """Signed scores of each count against the negative binomial (mu, phi): for small
    expected counts (below LOW_COUNT) the normal score of its tail probability (on the days
    of `lognormal_up`, a count above mu by the less extreme of that and the Poisson
    log-normal's, _pln_scores: a post's clicks vary log-normally from post to post, as
    the larger counts' upper tail below is taken to), for larger
    ones above it the log ratio over its standard deviation sqrt(phi + 1/mu) (a log-normal
    tail: heavier than the negative binomial's gamma tail, as real bursts are), below it the
    less extreme of that and the negative binomial's score with `lower_phi` when given.
    With `df` (`lower_df`) the degrees of freedom of `phi` (`lower_phi`), per day, the scores
    of the larger counts are read as Student t's (_student_scores): the spread of a kind of
    day in a short window is estimated from a few dozen days or fewer."""
    small = _nb_scores(y, mu, phi)
    up = np.round(np.nan_to_num(y)) > mu
    if lognormal_up is not None:
        at = up & lognormal_up & (np.asarray(mu) < LOW_COUNT)
        if at.any():
            shape = np.shape(small)
            small = small.copy()
            small[at] = np.minimum(
                small[at],
                _pln_scores(
                    np.asarray(y)[at],
                    np.broadcast_to(mu, shape)[at],
                    np.broadcast_to(phi, shape)[at],
                ),
            )
    large = np.log((np.nan_to_num(y) + 0.5) / (mu + 0.5)) / np.sqrt(phi + 1.0 / (mu + 0.5))
    large = _student_scores(large, df)
    # with `lower_phi` (posting-driven accounts: a day's count is the sum of its posts' reach,
    # whose lower tail is a gamma's, heavier than the log-normal's) a count below the usual
    # gets the less extreme of the two scores, the gamma's with the robust phi
    if lower_phi is not None:
        gamma = _student_scores(_nb_scores(y, mu, lower_phi), lower_df)
        large = np.where(up, large, np.maximum(large, gamma))
    return np.clip(np.where(mu < LOW_COUNT, small, large), -MAX_SCORE, MAX_SCORE)


def _spread(y: np.ndarray, mu: np.ndarray, *, moments: bool) -> float:
    """phi, the relative variance beyond Poisson: from the median absolute deviation of the log
    ratios (robust, for the first round when spikes are still in), and once the unusual days
    are left out at least the moment estimate mean(((y − mu)² − y) / mu²), which also counts
    the everyday bursts of a spiky account."""
    if not len(y):
        return PHI_MIN
    e = np.log((y + 0.5) / (mu + 0.5))
    spread = MAD_SCALE * float(np.median(np.abs(e - np.median(e))))
    phi = spread**2 - float(np.median(1.0 / (mu + 0.5)))
    if moments:
        phi = max(phi, float(np.mean(((y - mu) ** 2 - y) / mu**2)))
    return max(phi, PHI_MIN)


def _central_share(y: np.ndarray, mu: np.ndarray, phi: float) -> float:
    """The share of the days whose count lies in the central half of its negative binomial
    (mu, phi), a count that straddles a quartile counted by the part of its probability
    inside (the randomised probability integral transform, averaged): exactly 1/2 in
    expectation when phi is right, whatever the discreteness of small counts."""
    from scipy.stats import nbinom

    size = 1.0 / phi
    p = size / (size + mu)
    below = nbinom.cdf(y - 1, size, p)
    at = nbinom.pmf(y, size, p)
    inside = np.clip(np.minimum(below + at, 0.75) - np.maximum(below, 0.25), 0.0, None)
    return float(np.mean(np.where(at > 1e-300, inside / np.maximum(at, 1e-300), 0.0)))


def _central_phi(count: np.ndarray, mu: np.ndarray) -> float:
    """The least phi at which half the days lie in the central half of their distribution
    (_central_share): the first of PHI_GRID that reaches it, then bisected (BISECT_STEPS, on
    the log scale) between it and the one before. The grid alone (steps of 26%) took phi up
    to the next grid point, 13% too high on average."""
    below = None
    for phi in PHI_GRID:  # far out a very skewed distribution's centre moves below the mean
        if _central_share(count, mu, phi) >= 0.5:
            break
        below = phi
    else:
        return PHI_GRID[-1]
    if below is None:
        return phi
    lo, hi = math.log(below), math.log(phi)
    for _ in range(BISECT_STEPS):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if _central_share(count, mu, math.exp(mid)) >= 0.5 else (mid, hi)
    return math.exp(hi)


def _small_spread(y: np.ndarray, mu: np.ndarray, *, moments: bool = False) -> float:
    """phi of small counts, in two steps. First robustly: the least phi at which half the
    days lie in the central half of their distribution (_central_phi; each day
    counts at most 1, so a spike weighs no more than an ordinary high day); then one step of
    the pooled moment estimate sum((w − mu)² − w) / sum(mu²) (the variance beyond Poisson,
    mu + phi·mu², over the days) with each count w winsorised at _cap of that robust phi;
    with `moments` (once the unusual days are left out) at least the robust phi and the moment
    estimate without winsorising, so the everyday bursts of a post's reach are counted.
    The log-ratio estimate of _spread does not work here: the log of a count of 0-15 is
    squeezed between whole numbers, its median deviation says little, and subtracting the
    Poisson part from it left phi at its floor where a post's clicks vary ±80%."""
    if not len(y):
        return PHI_MIN
    count = np.round(y)
    robust = _central_phi(count, mu)
    w = count if moments else np.minimum(count, _cap(mu, robust))
    phi = float(np.sum((w - mu) ** 2 - w) / max(float(np.sum(mu**2)), 1e-9))
    return min(max(phi, robust if moments else PHI_MIN), PHI_MAX)


def _group_spread(y: np.ndarray, mu: np.ndarray, *, moments: bool) -> float:
    """phi of a group of days: _small_spread where their median expected count is below
    LOW_COUNT, else _spread."""
    if len(y) and float(np.median(mu)) < LOW_COUNT:
        return _small_spread(y, mu, moments=moments)
    return _spread(y, mu, moments=moments)


def _spreads(
    y: np.ndarray, mu: np.ndarray, use: np.ndarray, kinds: np.ndarray, *, moments: bool
) -> np.ndarray:
    """phi per day, one per kind of day (`kinds`, integers: without posts all 0; with them
    days with a post of their own, days whose expected count comes mostly from earlier posts,
    and quiet days), each fitted on its days in `use` (_group_spread); a kind with fewer than
    MIN_KIND_DAYS of them takes the phi of all days. A post's own day varies most (one post's
    reach or clicks, ±80% on LinkedIn), a day after it less (it mixes several posts' tails)."""
    pooled = _group_spread(y[use], mu[use], moments=moments)
    out = np.full(len(y), pooled)
    for k in np.unique(kinds):
        on = use & (kinds == k)
        if on.sum() >= MIN_KIND_DAYS and on.sum() < use.sum():
            out[kinds == k] = _group_spread(y[on], mu[on], moments=moments)
    return out


def _spread_days(use: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Per day the number of days its phi was estimated from (_spreads: the days of its kind
    in `use`, else all days in `use`): the degrees of freedom of its spread."""
    out = np.full(len(use), float(use.sum()))
    for k in np.unique(kinds):
        on = use & (kinds == k)
        if on.sum() >= MIN_KIND_DAYS and on.sum() < use.sum():
            out[kinds == k] = float(on.sum())
    return np.maximum(out, 1.0)


def _own_share(
    y: np.ndarray,
    base: np.ndarray,
    weekdays: np.ndarray,
    use: np.ndarray,
    phi: np.ndarray,
    pattern: Weekdays,
) -> np.ndarray:
    """Per day the correction that takes the day itself out of its weekday's factor where that
    factor is a ratio of sums (small counts, _factor): the factor of the other days of that
    weekday (or group of weekdays, `pattern.groups`) over the factor of all of them (1 for
    days not in `use` and for larger counts, whose factor is a median); where the factor was
    shrunk toward its workweek or weekend (_shrunk), the two corrections weighed as the
    factor was. A 5× day of 16 among twelve Sundays of about 3 raised its own Sunday's factor
    by a fifth even winsorised, and so its own expected count."""
    log_out = np.zeros(len(y))
    shrunk = pattern.groups == WEEKDAY_GROUPINGS[0] and bool(np.any(pattern.weight < 1))
    readings: list[tuple[tuple[tuple[int, ...], ...], np.ndarray | None]]
    readings = [(pattern.groups, None)]
    if shrunk:
        readings = [(pattern.groups, pattern.weight), (WEEKDAY_GROUPINGS[1], 1 - pattern.weight)]
    for groups, weight in readings:
        for group in groups:
            on = use & np.isin(weekdays, group)
            if on.sum() < 3 or float(np.median(base[on])) >= LOW_COUNT:
                continue
            f = _factor(y[on], base[on], float(np.median(phi[on])))
            w = np.minimum(y[on], _cap(f * base[on], phi[on]))
            total, exposure = float(w.sum()), float(base[on].sum())
            ratio = ((total - w + 0.5) / (exposure - base[on] + 0.5)) / (
                (total + 0.5) / (exposure + 0.5)
            )
            share = 1.0 if weight is None else weight[weekdays[on]]
            log_out[on] += share * np.log(ratio)
    return np.exp(log_out)


def _post_quality(
    y: np.ndarray, mu: np.ndarray, posts: np.ndarray, use: np.ndarray, fresh: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per day the weight of its posts in the days after it: how well they did on their own
    day, as a person reads it ("a weak post, so the day after is weak too"). A post's reach or
    clicks on the next days follow its first day's: the log ratio of a day after a posting day
    (without posts of its own) is regressed on the posting day's (both in `use`, each clipped
    at ±QUALITY_CLIP), the slope (0-1) shrinks the posting day's ratio: weight = exp(slope ×
    log ratio). Two weights: (usual, own). In the first the days not in `use` (flagged,
    suspect) weigh 1, as a usual post; in the second they weigh what their own post drew
    (1 + the day's count beyond its expected over `fresh`, the expected part from that day's
    posts, at least 0): a big post leaves big days after it, a planted day the usual ones.
    fit_days measures the spread from the first and judges the days after a post that may be
    a one-off against the band between the second and a usual post's (weight 1). Needs
    MIN_KIND_DAYS pairs, else the usual weights are all 1."""
    posted = np.nan_to_num(posts) > 0
    own = np.ones(len(y))
    masked = posted & ~use & np.isfinite(y) & (fresh > 0)
    own[masked] = np.maximum(1.0 + (y[masked] - mu[masked]) / fresh[masked], 0.0)
    e = np.clip(np.log((np.nan_to_num(y) + 0.5) / (mu + 0.5)), -QUALITY_CLIP, QUALITY_CLIP)
    pairs = np.flatnonzero(posted[:-1] & ~posted[1:] & use[:-1] & use[1:])
    usual = np.ones(len(y))
    if len(pairs) < MIN_KIND_DAYS:
        return usual, own
    x, z = e[pairs], e[pairs + 1]
    var = float(np.var(x))
    if var <= 0:
        return usual, own
    slope = min(max(float(np.cov(x, z, bias=True)[0, 1]) / var, 0.0), 1.0)
    usual[posted & use] = np.exp(slope * e[posted & use])
    own[posted & use] = usual[posted & use]
    return usual, own


def _nearest_level(values: np.ndarray, on: np.ndarray, k: int) -> np.ndarray:
    """Per day the usual of `values` over the `k` days in `on` nearest to it (the day itself
    left out): their mean, each winsorised HUBER robust standard deviations (1.4826 × MAD)
    from their median (a Huber estimate: a mean, as the expected count is, also of a skewed
    spread such as a post's clicks, whose median is a quarter below it, while one spike
    among them counts as an ordinary high day); NaN where there are no more than `k` such
    days in all."""
    at = np.flatnonzero(on)
    out = np.full(len(values), np.nan)
    if len(at) <= k:
        return out
    distance = np.abs(np.arange(len(values))[:, None] - at[None, :]).astype(float)
    distance[distance == 0] = np.inf  # not the day itself
    near = values[at][np.argpartition(distance, k - 1, axis=1)[:, :k]]
    centre = np.median(near, axis=1, keepdims=True)
    spread = HUBER * MAD_SCALE * np.median(np.abs(near - centre), axis=1, keepdims=True)
    return np.mean(np.clip(near, centre - spread, centre + spread), axis=1)


def _two_levels(
    y: np.ndarray,
    seasonal: np.ndarray,
    level: np.ndarray,
    post: np.ndarray,
    fresh: np.ndarray,
    quiet: float,
    posting_days: np.ndarray,
    quiet_days: np.ndarray,
) -> np.ndarray:
    """The expected counts of a posting-driven account, its posts' own days and its quiet
    part each on a level of their own: `post` is the day's posting profile, of which `fresh`
    is the part from the day's own posts and `quiet` the part without posts. The level of the
    own posts' part is the usual over the WINDOW − 1 posting days (`posting_days`) nearest to
    the day, that of the quiet part the same over the quiet days (`quiet_days`, mostly the
    quiet part), the day itself left out (_nearest_level). The carry-over of earlier posts
    stays on the rolling `level` it was fitted with, as does a part with too few days of its
    kind and one whose usual count, or the account's, is below LOW_COUNT (there the rolling
    level is a mean over one of WIDE_WINDOWS days already). The rolling level over WINDOW days of
    every kind holds about six posting days and is led by them: it moved with the last few
    posts' reach (±18% where a post varies ±35%), and the quiet part with it, so quiet days of
    about 40 were expected at 25 one week and 77 another."""
    k = WINDOW - 1
    count = np.nan_to_num(y)
    quiet_unit = seasonal * quiet
    carry = level * seasonal * np.maximum(post - quiet - fresh, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        own = _nearest_level(
            (count - carry - level * quiet_unit) / (seasonal * fresh), posting_days & (fresh > 0), k
        )
    own_part = level * seasonal * fresh
    on = posting_days & (fresh > 0)
    if on.any() and min(float(np.median(own_part[on])), float(np.median(level))) >= LOW_COUNT:
        own_part = np.where(np.isfinite(own), np.maximum(own, 0.0), level) * seasonal * fresh
    with np.errstate(divide="ignore", invalid="ignore"):
        calm = _nearest_level(
            (count - own_part - carry) / quiet_unit, quiet_days & (quiet_unit > 0), k
        )
    on = quiet_days & (quiet_unit > 0)
    if (
        not on.any()
        or min(float(np.median((level * quiet_unit)[on])), float(np.median(level))) < LOW_COUNT
    ):
        calm = level
    calm = np.where(np.isfinite(calm), np.maximum(calm, 0.0), level)
    return np.maximum(own_part + carry + calm * quiet_unit, MIN_LEVEL)


def _nearest(y: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per day the point of the band between expected counts `a` and `b` nearest to the count
    `y` (NaN counts: the lower end)."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return np.where(np.isfinite(y), np.clip(np.nan_to_num(y), lo, hi), lo)


@dataclass(frozen=True)
class _Scoring:
    """How a series' days are scored once it is fitted: the one function behind both a day's
    score and the band shown beside it ("normal 151 – 3,454"), so that a flagged count is
    never inside its own band (the band was the main spread's alone, while a very big change
    is scored on the robust spread and a drop on a posting-driven account on the gamma's
    lower tail too: a count of 3,053 was flagged with a band up to 3,454)."""

    mu: np.ndarray
    phi: np.ndarray
    robust: np.ndarray
    days: np.ndarray | None  # per day the days its spread is estimated from
    posting: bool  # a posting-driven account
    # posting-driven: the day after a post left out of the fit (or whose own day scored
    # ODD_POST or more, or was expected below LOW_COUNT) is expected at the point of the band
    # between a usual post's carry-over and this post's own nearest to its count, so its
    # expected count moves with the count: (the rest of the day's expected count, the band's
    # ends, the carry-over's threshold, the profile's floor), per day (the ends equal on
    # other days). None: the expected counts stay.
    moving: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    # posting-driven: the days whose count comes mostly from posts (their own or earlier ones),
    # whose small counts' upper tail is a Poisson log-normal's (_tail_scores, `lognormal_up`).
    # None: the negative binomial's.
    lognormal: np.ndarray | None = None

    def expected(self, y: np.ndarray) -> np.ndarray:
        """The expected counts of the days were their counts `y` (see `moving`)."""
        if self.moving is None:
            return self.mu
        rest, lo, hi, fixed, floor = self.moving
        near = np.where(np.isfinite(y), np.clip(np.nan_to_num(y), lo, hi), lo)
        carry = np.maximum(np.maximum(near, floor) - fixed, 0.0)
        return np.maximum(rest + carry, MIN_LEVEL)

    def __call__(self, y: np.ndarray) -> np.ndarray:
        """Signed scores of counts `y` (one a day) against this fit."""
        mu, days = self.expected(y), self.days
        z = _tail_scores(
            y,
            mu,
            self.phi,
            self.robust if self.posting else None,
            None if days is None else SPREAD_DF * days,
            None if days is None else ROBUST_DF * days,
            lognormal_up=self.lognormal,
        )
        if not self.posting:
            # a count below the usual against the robust spread (the moment estimate counts
            # the everyday bursts, which go up only), and by the less extreme of the
            # log-normal's score and the negative binomial's, whose lower tail is a gamma's,
            # heavier than the log-normal's: an ordinary day at half the usual of an account
            # that varies ±18% comes about once in seven years, and was scored -3.7
            robust_df = None if days is None else ROBUST_DF * days
            down = (np.round(np.nan_to_num(y)) < mu) & (mu >= LOW_COUNT)
            lognormal = _tail_scores(y, mu, self.robust, df=robust_df)
            gamma = _student_scores(_nb_scores(y, mu, self.robust), robust_df)
            z = np.where(down, np.maximum(lognormal, gamma), z)
        ratio = (y + 0.5) / (mu + 0.5)
        big = (ratio >= BIG_RATIO) | (ratio <= 1.0 / BIG_RATIO)
        # a very big change is scored against the robust spread alone; on posting-driven
        # accounts a drop only where DROP_RESCORE or more is expected: a small count there is
        # one post's clicks, whose lower tail is far heavier than the robust spread of the
        # central half says (a post that drew a tenth of the usual clicks comes about once a
        # year), while a large one is a sum of reach from several posts and the quiet part
        # (the same without posts: a day of 0-5 where 20 is usual, on an account that
        # varies ±45%, comes several times a year, and was flagged on the robust spread's
        # log-normal; a spiky account's drop to a fifth of 400 needs it)
        rescored = big & ((ratio > 1) | (mu >= DROP_RESCORE))
        if rescored.any():
            # a drop against the robust spread alone is a t with that spread's degrees of
            # freedom; a rise keeps the log-normal's upper tail, already heavier than that of
            # a sum of posts' reach (and a post's clicks need it to stand out at 10×)
            core = _tail_scores(
                y,
                mu,
                self.robust,
                df=None if days is None else np.where(ratio < 1, ROBUST_DF * days, np.inf),
                lognormal_up=self.lognormal,
            )
            z = np.where(rescored & (np.abs(core) > np.abs(z)), core, z)
        return z

    def at(self, where: np.ndarray) -> _Scoring:
        """The same scoring for the days `where` (a mask or positions) alone."""
        return _Scoring(
            self.mu[where],
            self.phi[where],
            self.robust[where],
            None if self.days is None else self.days[where],
            self.posting,
            None if self.moving is None else tuple(a[where] for a in self.moving),
            None if self.lognormal is None else self.lognormal[where],
        )

    def flags(self, y: np.ndarray, threshold: float) -> np.ndarray:
        """+1 where count `y` would be flagged up, -1 down, 0 not: a score of `threshold` or
        more and a change of at least MIN_RATIO (either way) from the day's expected count."""
        z = self(y)
        mu = self.expected(y)
        ratio = (np.nan_to_num(y) + 0.5) / (mu + 0.5)
        changed = (ratio >= MIN_RATIO) | (ratio <= 1.0 / MIN_RATIO)
        return np.where(changed & (np.abs(z) >= threshold) & np.isfinite(y), np.sign(z), 0.0)

    def band(self, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        """Per day the whole counts (low, high) from which on a count is not flagged, up to
        which it is not: the flags of BAND_GRID counts from none to BAND_SPAN times the
        expected (log-spaced), from the expected count the nearest flagged one on each side,
        and the crossing between it and its neighbour by bisection (BAND_STEPS halvings). A
        grid first, as the score need not rise with the count everywhere: the day after a
        post may be expected at the point of a band nearest its count (`moving`). Where
        nothing below is flagged, low is 0. About BAND_GRID + 2 × BAND_STEPS scorings of each
        day: ask it for the days shown (`at`), not for a whole series."""
        mu = self.mu
        k = len(mu)
        if k == 0:
            return np.zeros(0), np.zeros(0)
        top = np.log(np.maximum(mu, 1.0) + 0.5) + math.log(BAND_SPAN)
        steps = np.linspace(0.0, 1.0, BAND_GRID)
        grid = math.log(0.5) + (top - math.log(0.5))[:, None] * steps[None, :]  # (k, grid)
        tiled = self.at(np.repeat(np.arange(k), BAND_GRID))
        seen = tiled.flags(np.exp(grid.ravel()) - 0.5, threshold).reshape(k, BAND_GRID)
        centre = np.abs(grid - np.log(mu + 0.5)[:, None]).argmin(axis=1)
        index = np.arange(BAND_GRID)[None, :]
        up = np.where((seen > 0) & (index > centre[:, None]), index, BAND_GRID).min(axis=1)
        down = np.where((seen < 0) & (index < centre[:, None]), index, -1).max(axis=1)
        rows = np.arange(k)
        # up: between the last count not flagged and the first flagged above the expected
        has_up = up < BAND_GRID
        j = np.minimum(up, BAND_GRID - 1)
        below, above = grid[rows, np.maximum(j - 1, 0)], grid[rows, j]
        for _ in range(BAND_STEPS):
            mid = (below + above) / 2
            hit = self.flags(np.exp(mid) - 0.5, threshold) > 0
            above, below = np.where(hit, mid, above), np.where(hit, below, mid)
        high = np.where(has_up, np.floor(np.exp(above) - 0.5), np.exp(top) - 0.5)
        # down: between the last flagged count below the expected and the next one up
        has_down = down >= 0
        j = np.maximum(down, 0)
        lower, upper = grid[rows, j], grid[rows, np.minimum(j + 1, BAND_GRID - 1)]
        for _ in range(BAND_STEPS):
            mid = (lower + upper) / 2
            hit = self.flags(np.exp(mid) - 0.5, threshold) < 0
            lower, upper = np.where(hit, mid, lower), np.where(hit, upper, mid)
        low = np.where(has_down, np.floor(np.maximum(np.exp(lower) - 0.5, 0.0)) + 1.0, 0.0)
        return low + 0.0, high  # + 0.0: no "-0"


def fit_days(
    values: np.ndarray,
    weekdays: np.ndarray,
    threshold: float = THRESHOLD,
    posts: np.ndarray | None = None,
    lead: np.ndarray | None = None,
) -> DayFit:
    """Score a daily count series (`values`, NaN where missing; `weekdays` 0 = Monday;
    `posts` the account's posts published each day, None when not known; `lead` those of
    the days just before the series, oldest first)."""
    y = np.asarray(values, dtype=float)
    known = np.isfinite(y)
    use = known.copy()
    factors = np.ones(7)
    pattern = Weekdays(factors, WEEKDAY_GROUPINGS[0], np.ones(7))
    n_effects = 1 + CARRY_LAGS + 1
    covariates = {0.0: np.zeros((len(y), n_effects))}

    def lift(e: PostingEffect) -> np.ndarray:
        # never quite 0: a day's share of the usual is divided by (and the fit's level with it)
        return np.maximum(e.quiet + covariates[e.decay] @ np.asarray(e.effects), PROFILE_FLOOR)

    effect = PostingEffect(1.0, (0.0,) * n_effects, 0.0)
    fresh = np.zeros(len(y), dtype=bool)  # days with a post of their own
    if posts is not None:
        covariates = {d: carry_over(posts, lead, d) for d in DECAYS}
        today = covariates[0.0][:, 0]
        fresh = today > 0
        since = days_since_post(posts, lead)
        on, off = known & (today > 0), known & (since > CARRY_LAGS)
        if off.sum() < MIN_KIND_DAYS:
            off = known & (today == 0)
        if on.any() and off.any():  # a first guess: posting days' median over quiet days'
            guess = (float(np.median(y[on])) + 0.5) / (float(np.median(y[off])) + 0.5)
            lift0 = max(guess - 1.0, 0.0)
            first = PostingEffect(1.0, (lift0, 0.1 * lift0, 0.03 * lift0, 0.0), DECAYS[1])
            scale = float(np.mean(lift(first)[known])) or 1.0
            effect = PostingEffect(1.0 / scale, tuple(v / scale for v in first.effects), DECAYS[1])

    phi = np.full(len(y), 1.0)  # generous until the first fit: for the winsorisation only
    mu = np.full(len(y), MIN_LEVEL)
    z = np.zeros(len(y))
    moving: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    flagged = np.zeros(len(y), dtype=bool)
    fit_y = y  # the counts the usual is fitted to: winsorised at _cap once there is a fit
    days: np.ndarray | None = None  # per day the days its spread is estimated from
    window = WINDOW  # the rolling median level's days, chosen per round (_median_window)
    for round_ in range(ROUNDS):
        for inner in range(3 if posts is not None else 2):
            post = lift(effect)
            weights = None if posts is None else factors[weekdays] * post
            adjusted = np.where(use, fit_y / (factors[weekdays] * post), np.nan)
            if posts is None and inner == 0:
                window = _median_window(adjusted)
            level = _level(adjusted, weights, y / (factors[weekdays] * post), window)
            pattern = _weekday_factors(fit_y, level * post, weekdays, use, phi)
            factors = pattern.factors
            if posts is not None:
                effect = _fit_posting(
                    y, level * factors[weekdays], covariates, use, effect, known, phi
                )
            if round_ > 0 or inner > 0:
                fit_y = np.minimum(y, _cap(level * factors[weekdays] * lift(effect), phi))
        post = lift(effect)
        weights = None if posts is None else factors[weekdays] * post
        level = _level(
            np.where(use, fit_y / (factors[weekdays] * post), np.nan),
            weights,
            y / (factors[weekdays] * post),
            window,
        )
        own = _own_share(fit_y, level * post, weekdays, use, phi, pattern)
        mu = np.maximum(level * factors[weekdays] * own * post, MIN_LEVEL)
        if posts is not None:  # the days after a post follow how well it did on its own day
            # a posting day's count may be the post's (a real big or weak post, whose days
            # after it are big or weak too) or the day's alone (a one-off, whose days after
            # it are usual): the days after a post whose own day scored ODD_POST or more
            # either way, and after every post whose day is expected below LOW_COUNT (on
            # small counts a post's own day says little about it), are judged against the
            # band between the two (the point of it nearest their count). Left at the
            # carry-over of its own day's ratio, the ordinary day after a post that did 2-3×
            # as well as usual without being flagged was flagged as a drop (8 of 13 false
            # alarms on 60 simulated posting-driven accounts, seed 1); and the ordinary days
            # after a post whose clicks drew a tenth of the usual (1 where 7 was expected: a
            # score of -1.4) were flagged as rises (docs/decisions.md)
            unit = level * factors[weekdays] * own  # the expected count of a profile of 1
            fresh_part = unit * covariates[effect.decay][:, 0] * effect.effects[0]
            quality, passed = _post_quality(y, mu, posts, use, fresh_part)
            bands = []
            # `z`: the posting days' own scores of the last round; `mu`: this round's expected
            # count of the posting day (before the band and _two_levels, which keep the
            # rolling level of small counts)
            odd = (np.abs(z) >= ODD_POST) | (mu < LOW_COUNT)
            for weight in (quality, passed, np.where(odd, 1.0, quality)):
                weighted = carry_over(posts, lead, effect.decay, weight)
                weighted[:, 0] = covariates[effect.decay][:, 0]
                post = np.maximum(
                    effect.quiet + weighted @ np.asarray(effect.effects), PROFILE_FLOOR
                )
                bands.append(np.maximum(unit * post, MIN_LEVEL))
            # the spread is measured from the best guess, the posts' quality (a post left
            # out: the point of its band nearest the count), so that the band does not make
            # the days after posts look steadier than they are; the days are scored against
            # the band (`ends`, through _Scoring.moving)
            mu = _nearest(y, bands[0], bands[1])
            post = np.maximum(mu / unit, PROFILE_FLOOR)
            point = mu
            ends = (np.minimum(bands[2], bands[1]), np.maximum(bands[2], bands[1]))
        share = 1.0 - effect.quiet / np.maximum(post, 1e-12)
        kinds = np.where(fresh, 2, np.where(share >= POST_SHARE, 1, 0))
        if posts is not None:  # the posts' part and the quiet part each have their own level
            own_profile = covariates[effect.decay][:, 0] * effect.effects[0]
            mu = _two_levels(
                y,
                factors[weekdays] * own,
                level,
                post,
                own_profile,
                effect.quiet,
                use & fresh,
                use & (kinds == 0),
            )
            # the day's own carry-over moves with its count between the band's ends (the
            # rest of its expected count comes from other days): see _Scoring.moving
            fixed = unit * (effect.quiet + own_profile)
            carry = np.maximum(np.maximum(point, unit * PROFILE_FLOOR) - fixed, 0)
            moving = (mu - carry, ends[0], ends[1], fixed, unit * PROFILE_FLOOR)
        phi = _spreads(y, mu, use, kinds, moments=round_ > 0)
        robust = _spreads(y, mu, use, kinds, moments=False)
        # the scores are Student t's with the degrees of freedom of their spread: on
        # posting-driven accounts each kind of day has one of its own, from as few as
        # MIN_KIND_DAYS days; otherwise one from all the days (from MIN_DAYS up)
        days = _spread_days(use, kinds)
        scoring = _Scoring(
            mu,
            phi,
            robust,
            days,
            posts is not None,
            moving,
            kinds >= 1 if posts is not None else None,
        )
        z = scoring(y)
        mu = scoring.expected(y)
        scoring = replace(scoring, mu=mu)
        ratio = (y + 0.5) / (mu + 0.5)
        big = (ratio >= BIG_RATIO) | (ratio <= 1.0 / BIG_RATIO)
        flagged = known & (scoring.flags(y, threshold) != 0)
        # the next round leaves out the flagged days and the suspect ones: a very big change
        # at a score of THRESHOLD - BIG_RELIEF (left in, a 50× day on a sparse account drags its
        # weekday's factor up); a suspect day is not flagged unless its own score is enough
        suspect = big & (np.abs(z) >= threshold - BIG_RELIEF)
        use = known & ~flagged & ~suspect
    # the band of the flagged days (the days a band is shown for): NaN on the others
    low, high = np.full(len(y), np.nan), np.full(len(y), np.nan)
    if flagged.any():
        low[flagged], high[flagged] = scoring.at(flagged).band(threshold)
    with np.errstate(divide="ignore", invalid="ignore"):
        plain = np.where(mu > 0, y / mu, np.nan)
    return DayFit(mu, low, high, z, plain, flagged, float(np.median(phi)))


def posting_context(posts: float, since: float) -> Phrase:
    """ "with a post", "with 3 posts", "without a post, the day after one", "without a post,
    2 days after one", "without a post for 4 days or more" (`since`: days since a post)."""
    if posts >= 2:
        return Phrase("with %(n)s posts", n=int(posts))
    if posts >= 1:
        return Phrase("with a post")
    if since <= 1:
        return Phrase("without a post, the day after one")
    if since <= QUIET_DAYS:
        return Phrase("without a post, %(n)s days after one", n=int(since))
    return Phrase("without a post for %(n)s days or more", n=QUIET_DAYS + 1)


def explain_day(
    value: float, expected: float, weekday: int, context: Phrase | None = None
) -> Phrase:
    """ "20× the usual Tuesday (about 960)" / "18% of the usual Tuesday (about 960)"; with the
    day's posting `context`: "12× a usual Monday with a post (about 680)"."""
    usual = Num(expected, ",.0f") if expected >= 10 else Num(expected, ".1f")
    ratio = value / expected if expected > 0 else math.inf
    name = WEEKDAY_NAMES[weekday]
    if ratio >= 1:
        shown = Num(ratio, ",.0f") if ratio >= 10 else Num(ratio, ".1f")
        if context is not None:
            return Phrase(
                "%(ratio)s× a usual %(weekday)s %(context)s (about %(usual)s)",
                ratio=shown,
                weekday=name,
                context=context,
                usual=usual,
            )
        return Phrase(
            "%(ratio)s× the usual %(weekday)s (about %(usual)s)",
            ratio=shown,
            weekday=name,
            usual=usual,
        )
    if context is not None:
        return Phrase(
            "%(share)s of a usual %(weekday)s %(context)s (about %(usual)s)",
            share=Num(ratio, ".0%"),
            weekday=name,
            context=context,
            usual=usual,
        )
    return Phrase(
        "%(share)s of the usual %(weekday)s (about %(usual)s)",
        share=Num(ratio, ".0%"),
        weekday=name,
        usual=usual,
    )


def _posts_per_day(post_days: pd.DataFrame | None, account_id: int) -> pd.Series | None:
    """An account's posts per day (a Series on a DatetimeIndex), None when it has none."""
    if post_days is None or post_days.empty:
        return None
    mine = post_days[post_days["account_id"] == account_id]
    if mine.empty or not (mine["posts"] > 0).any():
        return None
    return mine.groupby(pd.to_datetime(mine["day"]))["posts"].sum().astype(float)


def day_anomalies(
    series: pd.DataFrame,
    metric: str,
    threshold: float = THRESHOLD,
    post_days: pd.DataFrame | None = None,
    flag_from: str | None = None,
) -> tuple[list[DayAnomaly], list[Skipped]]:
    """`series`: day, account_id, platform, account, value (one metric, daily); `post_days`:
    account_id, day, posts (the posts each account published each day, from QUIET_DAYS days
    before the series starts; queries.posts_by_day), None when not known: then posting days are not
    told apart from the others. `flag_from` (an ISO day): the series before it is history, read to
    learn what is usual (HISTORY days of it), and not flagged."""
    found: list[DayAnomaly] = []
    skipped: list[Skipped] = []
    acc: Any  # an account_id (an int column; pandas-stubs types a group key as Hashable)
    for (acc, platform, name), g in series.groupby(["account_id", "platform", "account"]):
        s = g.set_index(pd.to_datetime(g["day"]))["value"].astype(float).sort_index()
        s = s[~s.index.duplicated()]
        full = s.reindex(pd.date_range(s.index.min(), s.index.max(), freq="D")) if len(s) else s
        known = full.notna().sum()
        what = f"{platform} {name}: {metric}"
        if known < MIN_DAYS:
            skipped.append(
                Skipped(
                    what,
                    Phrase(
                        "not enough data: %(n)s days, at least %(min)s needed",
                        n=int(known),
                        min=MIN_DAYS,
                    ),
                )
            )
            continue
        if full.isna().mean() > 0.2:
            skipped.append(Skipped(what, Phrase("more than a fifth of the days are missing")))
            continue
        if (full.dropna() < 0).any():
            skipped.append(
                Skipped(what, Phrase("negative daily values (net changes): not checked"))
            )
            continue
        index = cast(pd.DatetimeIndex, full.index)
        weekdays = index.day_of_week.to_numpy()
        per_day = _posts_per_day(post_days, int(acc))
        posts = since = None
        if per_day is not None:
            posts = per_day.reindex(index, fill_value=0.0).to_numpy(dtype=float)
            first = index[0]
            lead_days = pd.date_range(first - pd.Timedelta(days=QUIET_DAYS), periods=QUIET_DAYS)
            lead = per_day.reindex(lead_days, fill_value=0.0).to_numpy(dtype=float)
            since = days_since_post(posts, lead)
        else:
            lead = None
        fit = fit_days(full.to_numpy(dtype=float), weekdays, threshold, posts, lead)
        for i in np.flatnonzero(fit.flagged):
            if flag_from is not None and index[int(i)].date().isoformat() < flag_from:
                continue
            value, expected = float(full.iloc[i]), float(fit.expected[i])
            context = (
                posting_context(float(posts[i]), float(since[i]))
                if posts is not None and since is not None
                else None
            )
            found.append(
                DayAnomaly(
                    day=index[int(i)].date().isoformat(),
                    platform=str(platform),
                    account_id=int(acc),
                    account=str(name),
                    metric=metric,
                    value=value,
                    expected=expected,
                    low=float(max(fit.low[i], 0.0)),
                    high=float(fit.high[i]),
                    score=round(float(fit.score[i]), 2),
                    ratio=round(value / expected, 3),
                    explanation=explain_day(value, expected, int(weekdays[i]), context),
                )
            )
    return found, skipped


EXPOSURES = {
    "reach": Phrase("reach"),
    "impressions": Phrase("impressions"),
    "views": Phrase("views"),
    "none": Phrase("none"),
}


def exposure_of(posts: pd.DataFrame) -> tuple[pd.Series, str]:
    """The exposure a platform's posts have: reach, else impressions, else views."""
    for col in ("reach", "impressions", "views"):
        if col in posts and posts[col].notna().mean() >= 0.5:
            return posts[col], col
    return pd.Series(np.nan, index=posts.index), "none"


def post_anomalies(
    posts: pd.DataFrame,
    threshold: float = THRESHOLD,
) -> tuple[list[PostAnomaly], list[Skipped]]:
    """`posts`: queries.post_frame() rows."""
    found: list[PostAnomaly] = []
    skipped: list[Skipped] = []
    platform: Any  # a platform (a str column; pandas-stubs types a group key as any scalar)
    for platform, g in posts.groupby("platform"):
        exposure, col = exposure_of(g)
        ok = g.assign(exposure=exposure)
        ok = ok[(ok["exposure"] > 0) & ok["interactions"].notna()]
        if len(ok) < MIN_PEERS:
            skipped.append(
                Skipped(
                    Phrase("%(platform)s posts", platform=platform_name(platform)),
                    Phrase(
                        "not enough data: %(n)s posts with interactions and %(exposure)s, at "
                        "least %(min)s needed",
                        n=len(ok),
                        exposure=EXPOSURES.get(col, col),
                        min=MIN_PEERS,
                    ),
                )
            )
            continue
        ok = ok.assign(media=ok["media_type"].fillna("other"))
        counts = ok["media"].value_counts()
        ok["peer"] = ok["media"].where(ok["media"].map(counts) >= MIN_PEERS, "all")
        for _peer, pg in ok.groupby("peer"):
            # a ufunc on a Series gives a Series (numpy's stubs say ndarray)
            lograte = cast(
                pd.Series, np.log((pg["interactions"] + 0.5) / pg["exposure"])
            ).to_numpy()
            z, med, _sd = robust_z(lograte)
            for i in np.flatnonzero(np.abs(z) >= threshold):
                row = pg.iloc[i]
                found.append(
                    PostAnomaly(
                        post_id=int(row["post_id"]),
                        published_at=str(row["published_at"]),
                        platform=str(platform),
                        account=str(row["account"]),
                        media_type=str(row["media"]),
                        metric=f"interactions / {col}",
                        interactions=float(row["interactions"]),
                        exposure=float(row["exposure"]),
                        rate=float(row["interactions"] / row["exposure"]),
                        expected_rate=float(math.exp(med)),
                        score=round(float(z[i]), 2),
                    )
                )
    return found, skipped


def in_order(days: Sequence[DayAnomaly]) -> tuple[DayAnomaly, ...]:
    """Unusual days strongest first, an account's metrics of one day together: a big post
    lifts its day's impressions, engagements and clicks at once, and that is one thing that
    happened, read in one place (the day's strongest score places it), not three rows apart."""

    def strength(a: DayAnomaly) -> tuple[float, float]:
        return (abs(a.score), abs(math.log(a.ratio + 1e-9)))

    groups: dict[tuple[int, str], list[DayAnomaly]] = {}
    for a in days:
        groups.setdefault((a.account_id, str(a.day)), []).append(a)
    ordered = sorted(groups.values(), key=lambda g: max(strength(a) for a in g), reverse=True)
    return tuple(a for g in ordered for a in sorted(g, key=strength, reverse=True))


def account_days(days: Sequence[DayAnomaly]) -> int:
    """How many account-days the unusual days are (an account's metrics of one day count once)."""
    return len({(a.account_id, str(a.day)) for a in days})


def anomalies(
    day_series: Sequence[tuple[str, pd.DataFrame]],
    posts: pd.DataFrame,
    threshold: float = THRESHOLD,
    post_days: pd.DataFrame | None = None,
    flag_from: str | None = None,
) -> AnomalyResult:
    """`post_days`: the posts per account and day (queries.posts_by_day), so that posting days
    and quiet days each have their own usual level; `flag_from`: the first day that is flagged,
    the days before it history (day_anomalies)."""
    days: list[DayAnomaly] = []
    skipped: list[Skipped] = []
    for metric, frame in day_series:
        d, s = day_anomalies(frame, metric, threshold, post_days, flag_from)
        days += d
        skipped += s
    p, s = post_anomalies(posts, threshold)
    skipped += s
    p.sort(key=lambda a: -abs(a.score))
    return AnomalyResult(
        in_order(days),
        tuple(p),
        tuple(skipped),
        threshold,
        Phrase(
            "days: a robust weekday baseline (rolling median, unusual days left out and refitted, "
            "learnt from up to %(history)s days before the period as well) "
            "times the usual effect of posting (days with posts, days since the last one) "
            "and a negative binomial spread with log-normal upper tails (of larger counts and of "
            "what posts bring in), flagged at |score| ≥ %(threshold)s and a change of "
            "at least %(ratio)s× or down to 1/%(ratio)s; posts: robust z of log engagement rate "
            "among peers, |score| ≥ %(threshold)s",
            threshold=Num(threshold),
            ratio=Num(MIN_RATIO, ".0f"),
            history=Num(HISTORY, ",.0f"),
        ),
    )
