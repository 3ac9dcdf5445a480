"""Days and posts far outside their expected range.

Days: per account and metric, each day's count against what that account usually has on that
weekday at that time, in three steps, repeated (ROUNDS) with the days found so far left out so
that one spike does not hide another (masking):

1. The usual level: a rolling median over WINDOW days (a week either side) of the counts with
   the weekday pattern divided out; a median follows a step in level at once and ignores a
   few odd days. Where that level is below LOW_COUNT a day, a rolling mean over WIDE_WINDOW
   days (a median of small counts jumps between whole numbers).
2. The weekday pattern: per weekday the median log ratio of count to level (the ratio of their
   sums on low counts). Expected = level × weekday factor.
3. The spread: a negative binomial count model, variance = mu + phi·mu², so small counts get
   their Poisson noise and large ones a relative noise of sqrt(phi). phi is the larger of a
   robust estimate (median absolute deviation of the log ratios, minus the Poisson part) and,
   once flagged days are left out, the moment estimate (which counts the everyday bursts of a
   spiky account); never below PHI_MIN.

Posting days: when the account's posts per day are known, the expected count is level ×
weekday factor × posting effect, with a robust multiplicative effect (median log ratio, a ratio
of sums on small counts) per posting class: a day with one, two, or three or more posts, and a
quiet day 1, 2, 3 or more days after the last post (reach lands over a few days, fading). A
class with fewer than MIN_CLASS_DAYS days borrows the nearest class's effect. Quiet days and
posting days each get their own spread (phi) when both have MIN_KIND_DAYS days. So on an account
whose counts are driven by posting (thousands on a posting day, tens without), a posting day is
measured against a usual posting day ("12× a usual Monday with a post") and a quiet day against
a usual quiet day, and neither is an anomaly for being what it is.

The score: below LOW_COUNT expected, the normal score of the negative binomial tail probability
of the count; above it, log(count / expected) / sqrt(phi + 1/expected) (a log-normal tail,
heavier than the gamma tail, as real bursts are). A day is unusual when its score is at least
THRESHOLD **and** the change is large enough to matter: at least MIN_RATIO× expected or at most
1/MIN_RATIO of it. A change of BIG_RATIO× (or 1/BIG_RATIO) is scored against the robust spread
alone when that gives the larger score (a 5× day on a spiky account), and is left out of the
next fit at THRESHOLD − BIG_RELIEF, but never flagged below THRESHOLD: every flag is improbable
under the model. So a 5× day on a steady account stands out and the everyday ups and downs of a
spiky account do not.
Flagged days are left out and everything is refitted, ROUNDS times, so one spike does not hide
another. Each flag says how big the change is in words ("20× the usual Tuesday (about 960)");
`low`–`high` is the band outside which a count would be flagged on its score. The constants
were chosen on simulations (benchmarks/anomalies.py, development seed 1) and checked on
another (evaluation seed 2).

Posts: per platform (and media type when there are enough of them), the post's engagement
rate on the log scale (interactions per unit of exposure: reach, else impressions, else
views) against the median of its peers, in robust standard deviations (1.4826 × MAD): `score`
3.5 means "3.5 robust standard deviations from its peers".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from socialdesk.catalogue.platforms import platform_name
from socialdesk.phrases import Num, Phrase

THRESHOLD = 3.5
MIN_DAYS = 28  # four weeks: a weekday pattern needs at least that
MIN_PEERS = 20
MAD_SCALE = 1.4826
WINDOW = 15  # days in the rolling median level: a week either side
WIDE_WINDOW = 29  # days in the rolling mean level of small counts
LOW_COUNT = 10.0  # a level below this many a day is a rolling mean, not a median
MIN_RATIO = 2.0  # the least change (up, or down to 1/MIN_RATIO) that is flagged
BIG_RATIO = 4.0  # a change this big (or down to 1/BIG_RATIO) is scored on the robust spread
BIG_RELIEF = 1.0  # and left out of the fit (not flagged) at THRESHOLD - BIG_RELIEF
PHI_MIN = 0.05**2  # relative day-to-day noise is never taken below 5%
MIN_LEVEL = 0.1  # an expected count is never taken below this
ROUNDS = 4
MAX_SCORE = 99.0

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
    """One series scored: arrays over its days (NaN where a day is missing)."""

    expected: np.ndarray
    low: np.ndarray
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


def _level(adjusted: np.ndarray) -> np.ndarray:
    """The usual deseasonalised level of each day from the days not left out (NaN)."""
    s = pd.Series(adjusted)
    median = pd.Series(_rolling_without_self(adjusted, WINDOW, np.nanmedian, 4))
    mean = pd.Series(_rolling_without_self(adjusted, WIDE_WINDOW, np.nanmean, 6))
    level = median.where(median >= LOW_COUNT, mean)
    level = level.interpolate(limit_direction="both")
    if level.isna().all():
        level = pd.Series(
            float(np.nanmean(adjusted)) if np.isfinite(adjusted).any() else 0.0, index=s.index
        )
    return np.maximum(level.to_numpy(dtype=float), MIN_LEVEL)


def _factor(y: np.ndarray, base: np.ndarray) -> float:
    """The multiplicative factor of counts `y` over their expected `base`: the median log ratio,
    or the ratio of the sums on small counts (a median of small counts jumps between whole
    numbers)."""
    if float(np.median(base)) < LOW_COUNT:
        return float((y.sum() + 0.5) / (base.sum() + 0.5))
    return math.exp(float(np.median(np.log((y + 0.5) / (base + 0.5)))))


def _weekday_factors(
    y: np.ndarray, base: np.ndarray, weekdays: np.ndarray, use: np.ndarray
) -> np.ndarray:
    """Multiplicative weekday factors (geometric mean 1) of `y` over `base` (level × posting
    effect) from the days in `use`."""
    factors = np.ones(7)
    for d in range(7):
        on = use & (weekdays == d)
        if on.sum() >= 2:
            factors[d] = _factor(y[on], base[on])
    return factors / math.exp(float(np.mean(np.log(factors))))


# -- posting days ------------------------------------------------------------------------------
QUIET_DAYS = 3  # quiet classes 1, 2, 3: that many days after a post; 0: longer (or none seen)
POST_CAP = 3  # posting classes QUIET_DAYS + 1, + 2, + 3: one, two, three or more posts that day
N_CLASSES = QUIET_DAYS + 1 + POST_CAP
MIN_CLASS_DAYS = 4  # a posting class with fewer (unflagged) days borrows a neighbour's effect
MIN_KIND_DAYS = 10  # quiet and posting days get their own spread with at least this many each


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


def posting_classes(posts: np.ndarray, lead: np.ndarray | None = None) -> np.ndarray:
    """Each day's posting class: on a day with posts QUIET_DAYS + min(posts, POST_CAP); on a
    quiet day the days since the last post (1 to QUIET_DAYS), or 0 when longer ago (reach
    and interactions land over several days after a post, fading)."""
    today = np.nan_to_num(np.asarray(posts, dtype=float))
    since = days_since_post(today, lead)
    quiet = np.where(since <= QUIET_DAYS, since, 0)
    return np.where(today > 0, QUIET_DAYS + np.minimum(today, POST_CAP), quiet).astype(int)


def _posting_factors(
    y: np.ndarray, base: np.ndarray, classes: np.ndarray, use: np.ndarray
) -> np.ndarray:
    """The multiplicative effect of each posting class on `y` over `base` (level × weekday),
    from the days in `use`; a class with fewer than MIN_CLASS_DAYS days takes the nearest
    class of its kind that has enough (a day with posts the nearest with fewer posts, else
    more; a quiet day the nearest in days since a post), else 1."""
    known: dict[int, float] = {}
    for c in range(N_CLASSES):
        on = use & (classes == c)
        if on.sum() >= MIN_CLASS_DAYS:
            known[c] = _factor(y[on], base[on])
    factors = np.ones(N_CLASSES)
    for c in range(N_CLASSES):
        if c in known:
            factors[c] = known[c]
            continue
        if c > QUIET_DAYS:
            order = list(range(c - 1, QUIET_DAYS, -1)) + list(range(c + 1, N_CLASSES))
        else:  # quiet classes by days since a post: 1, 2, ..., QUIET_DAYS, then 0 (longer)
            ages = {k: (k or QUIET_DAYS + 1) for k in range(QUIET_DAYS + 1)}
            order = sorted(ages, key=lambda k: (abs(ages[k] - ages[c]), -ages[k]))
        factors[c] = next((known[k] for k in order if k in known), 1.0)
    return factors


def _tail_scores(y: np.ndarray, mu: np.ndarray, phi: np.ndarray | float) -> np.ndarray:
    """Signed scores of each count against the negative binomial (mu, phi): for small
    expected counts (below LOW_COUNT) the normal score of its tail probability, for larger
    ones the log ratio over its standard deviation sqrt(phi + 1/mu) (a log-normal tail:
    heavier than the negative binomial's gamma tail, as real bursts are)."""
    from scipy.special import ndtri_exp
    from scipy.stats import nbinom

    size = 1.0 / np.asarray(phi, dtype=float)
    p = size / (size + mu)
    count = np.round(np.nan_to_num(y))
    up = count > mu
    log_p = np.where(up, nbinom.logsf(count - 1, size, p), nbinom.logcdf(count, size, p))
    log_p = np.clip(np.nan_to_num(log_p, nan=0.0, neginf=-1e4), -1e4, math.log(0.5))
    z = -ndtri_exp(log_p)
    small = np.where(up, z, -z)
    large = np.log((np.nan_to_num(y) + 0.5) / (mu + 0.5)) / np.sqrt(phi + 1.0 / (mu + 0.5))
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


def _spreads(
    y: np.ndarray, mu: np.ndarray, use: np.ndarray, kinds: np.ndarray, *, moments: bool
) -> np.ndarray:
    """phi per day: quiet days (kind 0) and posting days (kind 1) each their own when both have
    MIN_KIND_DAYS days in `use` (a day after a post is far less predictable than a posting
    day's relative noise suggests), else one for all."""
    both = all((use & (kinds == k)).sum() >= MIN_KIND_DAYS for k in (0, 1))
    if not both:
        return np.full(len(y), _spread(y[use], mu[use], moments=moments))
    out = np.empty(len(y))
    for k in (0, 1):
        on = use & (kinds == k)
        out[kinds == k] = _spread(y[on], mu[on], moments=moments)
    return out


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
    from scipy.stats import nbinom, norm

    y = np.asarray(values, dtype=float)
    known = np.isfinite(y)
    classes = posting_classes(posts, lead) if posts is not None else np.zeros(len(y), dtype=int)
    kinds = (classes > QUIET_DAYS).astype(int)
    use = known.copy()
    factors = np.ones(7)
    effects = np.ones(N_CLASSES)
    if posts is not None:  # a first guess: each class's median over the median day
        typical = float(np.nanmedian(y)) + 0.5
        for c in np.unique(classes[known]):
            effects[c] = (float(np.nanmedian(y[known & (classes == c)])) + 0.5) / typical
    phi = np.full(len(y), PHI_MIN)
    mu = np.full(len(y), MIN_LEVEL)
    z = np.zeros(len(y))
    flagged = np.zeros(len(y), dtype=bool)
    for round_ in range(ROUNDS):
        for _inner in range(3 if posts is not None else 2):
            level = _level(np.where(use, y / (factors[weekdays] * effects[classes]), np.nan))
            factors = _weekday_factors(y, level * effects[classes], weekdays, use)
            if posts is not None:
                effects = _posting_factors(y, level * factors[weekdays], classes, use)
        level = _level(np.where(use, y / (factors[weekdays] * effects[classes]), np.nan))
        mu = np.maximum(level * factors[weekdays] * effects[classes], MIN_LEVEL)
        phi = _spreads(y, mu, use, kinds, moments=round_ > 0)
        z = _tail_scores(y, mu, phi)
        ratio = (y + 0.5) / (mu + 0.5)
        big = (ratio >= BIG_RATIO) | (ratio <= 1.0 / BIG_RATIO)
        if big.any():  # a very big change is scored against the robust spread alone
            core = _tail_scores(y, mu, _spreads(y, mu, use, kinds, moments=False))
            z = np.where(big & (np.abs(core) > np.abs(z)), core, z)
        changed = (ratio >= MIN_RATIO) | (ratio <= 1.0 / MIN_RATIO)
        flagged = known & changed & (np.abs(z) >= threshold)
        # the next round leaves out the flagged days and the suspect ones: a very big change
        # at a score of THRESHOLD - BIG_RELIEF (left in, a 50× day on a sparse account drags its
        # weekday's factor up); a suspect day is not flagged unless its own score is enough
        suspect = big & (np.abs(z) >= threshold - BIG_RELIEF)
        use = known & ~flagged & ~suspect
    size = 1.0 / phi
    tail = float(norm.sf(threshold))
    sd = np.sqrt(phi + 1.0 / (mu + 0.5))
    high = np.where(
        mu < LOW_COUNT,
        nbinom.isf(tail, size, size / (size + mu)),
        (mu + 0.5) * np.exp(threshold * sd) - 0.5,
    )
    low = np.where(
        mu < LOW_COUNT,
        nbinom.ppf(tail, size, size / (size + mu)),
        (mu + 0.5) * np.exp(-threshold * sd) - 0.5,
    )
    high = np.maximum(high, mu * MIN_RATIO)
    low = np.minimum(low, mu / MIN_RATIO)
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
) -> tuple[list[DayAnomaly], list[Skipped]]:
    """`series`: day, account_id, platform, account, value (one metric, daily); `post_days`:
    account_id, day, posts (the posts each account published each day, from QUIET_DAYS days
    before the series starts; queries.posts_by_day), None when not known: then posting days are not
    told apart from the others."""
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


def anomalies(
    day_series: Sequence[tuple[str, pd.DataFrame]],
    posts: pd.DataFrame,
    threshold: float = THRESHOLD,
    post_days: pd.DataFrame | None = None,
) -> AnomalyResult:
    """`post_days`: the posts per account and day (queries.posts_by_day), so that posting days
    and quiet days each have their own usual level."""
    days: list[DayAnomaly] = []
    skipped: list[Skipped] = []
    for metric, frame in day_series:
        d, s = day_anomalies(frame, metric, threshold, post_days)
        days += d
        skipped += s
    p, s = post_anomalies(posts, threshold)
    skipped += s
    days.sort(key=lambda a: (-abs(a.score), -abs(math.log(a.ratio + 1e-9))))
    p.sort(key=lambda a: -abs(a.score))
    return AnomalyResult(
        tuple(days),
        tuple(p),
        tuple(skipped),
        threshold,
        Phrase(
            "days: a robust weekday baseline (rolling median, unusual days left out and refitted) "
            "times the usual effect of posting (days with posts, days since the last one) "
            "and a negative binomial spread, flagged at |score| ≥ %(threshold)s and a change of "
            "at least %(ratio)s× or down to 1/%(ratio)s; posts: robust z of log engagement rate "
            "among peers, |score| ≥ %(threshold)s",
            threshold=Num(threshold),
            ratio=Num(MIN_RATIO, ".0f"),
        ),
    )
