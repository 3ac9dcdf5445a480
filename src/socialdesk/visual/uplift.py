"""Media-type uplift: what a photo, a video, a reel or a link does for engagement, on the
workspace's own posts, with its uncertainty.

The model (statsmodels' negative binomial regression, NB2, dispersion estimated):

    log E[metric] = log(exposure) + media type + controls

- basis "per_exposure": the exposure is an offset, so the ratios are per person reached (per
  impression, per view, or per follower when nothing else exists): how people respond.
- basis "total": no offset: the ratios are in totals, what a post of that type brings in all.
- basis "exposure": the metric is the exposure itself: how far each type is distributed.
  Total ≈ per exposure × exposure, which is why the first two can disagree (`explain`).
- controls, as far as the number of posts allows (about one parameter per MIN_POSTS_PER_PARAM
  posts): paid or not, trend (time), account size (log followers), the account (pooled
  scopes), hour block, weekend, topics from hashtags, language.

Ratios are against a reference type, with 95% Wald intervals on the log scale (quantile of
Student's t with the residual degrees of freedom), and Holm-adjusted p-values over the
comparisons of one fit. Three things keep small accounts honest (issue 13; the calibration is
benchmarks/uplift_calibration.py): the covariance is scaled by the Pearson dispersion when it
exceeds 1 (`pearson_scale`: the maximum-likelihood alpha is biased low with few posts), the
standard error carries the choice of the time control (`averaged`: Akaike weights over the
controls fitted), and posts that cannot afford a time control that bends (FLEXIBLE_TIME
columns) get no ratio but "not enough data" with the posts it would take: a straight line
cannot tell a step or a season that the media mix follows from a media effect.

A type with fewer than MIN_TYPE_POSTS posts gets no estimate and its posts stay out of the
fit; a type whose posts never overlap in time with the reference's gets none either (trend
and type could not be told apart).

`uplift` runs three steps: `eligibility` (which posts and types can be compared, or why
not), `fit` (the regression and its ratios: numbers only) and the sentences and notes of
`socialdesk.visual.explain`, built from those numbers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from socialdesk.catalogue import get_metric
from socialdesk.estimates import Estimate, holm
from socialdesk.phrases import Num, Phrase
from socialdesk.visual import features as F
from socialdesk.visual.explain import (
    Explanation,
    apart_estimate,
    apart_sentence,
    described,
    design_notes,
    eligibility_notes,
    explain,
    exposure_notes,
    fmt_interval,
    fmt_ratio,
    not_enough,
    not_robust,
    period_note,
    plural,
    sentence,
    time_choice,
    time_notes,
    too_few_estimate,
    too_few_for_time_estimate,
    too_few_sentence,
    wald,
    why_not,
    word,
)

MIN_TYPE_POSTS = 10
MIN_POSTS = 30
MIN_POSTS_PER_PARAM = 8
MIN_PERIOD_POSTS = 12  # posts per period (quarter, month) before it is merged with the next
MONTHS_BELOW_YEARS = 1.0  # spans shorter than this get month effects, longer ones quarters
TREND_WITHIN_AIC = 10.0  # the linear trend is a reasonable alternative within this AIC of the best
SEASON_MIN_YEARS = 1.5  # a yearly cycle is a candidate only when the posts span this many years
SEASON_HARMONICS = 2  # yearly sine/cosine pairs of the season control (1 when the posts are few)
# posts too few for a spline beside the season get one pair and a linear trend ("cycle")
SEASON_SMALL = True
TIME_KINDS = ("trend", "period", "spline", "season")  # the time controls compared by AIC
# their names in `controls` ("cycle": the season of posts too few for a spline beside it)
TIME_CONTROLS = ("trend", "quarter", "month", "spline", "season", "cycle")
# the time control columns (a spline of 2 df, three periods) it takes to follow a step or a
# season; with fewer (a straight line, two periods) a change in level that the media mix
# follows reads as a media effect, and the interval cannot show it: such fits say
# "not enough data" (`Fit.least`)
FLEXIBLE_TIME = 2
# the interval of the chosen time control carries the choice: Akaike-weighted over the fits
AVERAGE_TIME = True
# Bounded memory and time at any size (issue #18): a group of more posts is fitted on a random
# sample of this many. The design matrix is posts x controls (an account column per account in
# a pooled fit: 1 M posts x 200 columns is 1.6 GB per copy, and each time control is a fit).
# The sample is drawn per media type, a covariate of the model, so the regression stays
# unbiased given the type (sampling on X, never on y); a type keeps at least FIT_SAMPLE_MIN_TYPE
# posts (all when it has fewer) so rare types are not thinned to nothing. The interval is the
# sample's: honest, and at this size already narrow (1/sqrt(n) shrinks slowly past it).
FIT_SAMPLE_POSTS = 50_000
FIT_SAMPLE_MIN_TYPE = 2_000
FIT_SAMPLE_SEED = 20261206
LEVEL = 0.95
BASES = ("per_exposure", "total", "exposure")
METRICS = (
    "interactions",
    "engagements",
    "reactions",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "link_clicks",
    "video_views",
)
PLURAL = {
    "photo": Phrase("photos"),
    "video": Phrase("videos"),
    "reel": Phrase("reels"),
    "carousel": Phrase("carousels"),
    "link": Phrase("link posts"),
    "text": Phrase("text posts"),
    "story": Phrase("stories"),
    "other": Phrase("other posts"),
}
PER = {
    "reach": Phrase("Per person reached"),
    "impressions": Phrase("Per impression"),
    "views": Phrase("Per view"),
    "followers": Phrase("Per follower"),
    "mixed": Phrase("Per unit of each platform's exposure (reach, impressions or views)"),
}
# what a count is of, in a sentence (the metric names of METRICS and the exposures)
# what a count is of, in a sentence: the catalogue's noun (metrics.toml `noun`), English as
# the string, the page's language when shown; "mixed" and "none" are no metrics
WORDS = {
    **{n: get_metric(n).word for n in (*METRICS, "reach", "impressions", "views", "followers")},
    "mixed": Phrase("mixed"),
    "none": Phrase("none"),
}
# the controls of the model, as `method` and the notes name them
CONTROLS = {
    "account": Phrase("account"),
    "paid": Phrase("paid"),
    "trend": Phrase("linear trend"),
    "quarter": Phrase("quarter effects"),
    "month": Phrase("month effects"),
    "spline": Phrase("spline in time"),
    "season": Phrase("spline in time and yearly season"),
    "cycle": Phrase("yearly season"),
    "account size": Phrase("account size"),
    "hour": Phrase("hour"),
    "weekend": Phrase("weekend"),
    "topic": Phrase("topic"),
    "language": Phrase("language"),
}


@dataclass(frozen=True)
class TypeEffect:
    """One media type against the reference type."""

    media_type: str
    posts: int
    ratio: Estimate  # rate ratio vs the reference, 95% interval
    p_value: float | None
    p_adjusted: float | None  # Holm, over the types of this fit
    clear: bool  # adjusted p < 1 - level
    sentence: str
    # False when another reasonable time control changes the verdict ("clearly different",
    # Holm) or, where it is clear, the direction; the sentence then says so
    robust: bool = True
    under: tuple[TimeEstimate, ...] = ()  # the same ratio under each time control fitted


@dataclass(frozen=True)
class TimeEstimate:
    """A ratio under one time control (`UpliftResult.time_models` names them)."""

    time: str  # "trend", "quarter", "month", "spline" or "season"
    value: float
    low: float
    high: float
    clear: bool
    considered: bool  # one of the reasonable alternatives the robustness check compares


@dataclass(frozen=True)
class TimeModel:
    """One time control fitted to the same posts: its code, parameters and AIC."""

    time: str  # "trend", "quarter", "month", "spline" or "season"
    columns: int  # parameters the time control takes
    aic: float | None  # None when the negative binomial did not converge
    chosen: bool
    considered: bool  # chosen, or a reasonable alternative for the robustness check


@dataclass(frozen=True)
class RawFigures:
    """What the posts of one type show before any model: medians."""

    media_type: str
    posts: int
    median_metric: float | None
    median_exposure: float | None
    median_per_1000: float | None  # metric per 1000 exposure


@dataclass(frozen=True)
class UpliftResult:
    scope: str  # "account", "platform" or "pooled"
    platform: str | None
    account: str | None
    metric: str
    basis: str
    exposure: str  # what the offset (or, basis "exposure", the outcome) is; "none" for totals
    reference: str | None
    posts: int  # posts in the fit
    effects: tuple[TypeEffect, ...]
    raw: tuple[RawFigures, ...]
    controls: tuple[str, ...]
    method: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    dispersion: float | None = None
    time: str | None = None  # the time control chosen by AIC (None: none could be afforded)
    time_models: tuple[TimeModel, ...] = ()  # every time control fitted
    # what the raw medians' exposure column holds (basis "total": the reach or views the
    # platform gives, shown for context although the model has no offset); "" = `exposure`
    raw_exposure: str = ""

    @property
    def ok(self) -> bool:
        return any(e.ratio.ok for e in self.effects)

    @property
    def robust(self) -> bool:
        """No fitted comparison changes its verdict under another reasonable time control."""
        return all(e.robust for e in self.effects)

    @property
    def exposure_word(self) -> str:
        """The exposure's name to show (translated when shown)."""
        return word(self.exposure)

    @property
    def label(self) -> str:
        if self.scope == "pooled":
            return "all accounts"
        if self.scope == "platform":
            return f"all {self.platform} accounts"
        return f"{self.platform} · {self.account}"


# -- preparing ---------------------------------------------------------------------------------
def prepare(
    posts: pd.DataFrame, followers: pd.DataFrame | None = None, *, copy: bool = True
) -> pd.DataFrame:
    """The posts of `queries.posts()` with followers and timing added (to `posts` itself when
    not `copy`: a caller that drops them saves a copy of a million rows)."""
    out = posts.copy() if copy else posts
    out["followers"] = F.followers_at_post(
        out,
        followers
        if followers is not None
        else pd.DataFrame(columns=["account_id", "date", "followers"]),
    )
    t = F.timing(out)
    for c in t.columns:
        out[c] = t[c]
    return out


def _exposures(frame: pd.DataFrame, basis: str) -> tuple[pd.Series, str, dict[str, str]]:
    """The exposure per post, chosen per platform (pooled fits mix platforms): the values,
    their name ("mixed" when platforms differ, "none" for totals) and the name per platform
    (`explain.exposure_notes` says when they differ)."""
    if basis == "total":
        return pd.Series(np.nan, index=frame.index), "none", {}
    out = pd.Series(np.nan, index=frame.index, dtype="float64")
    names: dict[str, str] = {}
    # each platform's exposure columns only (iterating over a groupby copies the whole frame,
    # sorted, before the first group: a few hundred MB at a million posts)
    wanted = list(dict.fromkeys(c for c in (*F.EXPOSURES, *F.VIEWS_FIRST) if c in frame))
    if basis != "per_exposure":
        wanted = [c for c in wanted if c != "followers"]
    for platform, rows in _groups(frame, "platform"):
        g = frame.iloc[rows][wanted]
        values, name = F.exposure_of(g, str(platform))
        out.loc[g.index] = values
        names[str(platform)] = name
    kinds = sorted(set(names.values()))
    if len(kinds) == 1:
        return out, kinds[0], names
    return out, "mixed", names


# -- eligibility: which posts and types can be compared ----------------------------------------
@dataclass(frozen=True)
class Eligibility:
    """Which posts and media types of a group can be compared, or which check stopped it.

    `posts` are the posts the checks had kept when they finished (when `ok`: the posts of the
    fit); `why_not` names the check that stopped ("no exposure", "no type", "reference",
    "one type", "posts", "no comparison"; `explain.why_not` says it in words)."""

    posts: pd.DataFrame
    reference: str | None
    types: tuple[str, ...] = ()  # the types compared with the reference
    counts: dict[str, int] = field(default_factory=dict)  # posts per type with values
    without_type: int = 0  # posts without a media type, left out
    without_values: int = 0  # posts without the outcome (or exposure), left out
    short: dict[str, int] = field(default_factory=dict)  # types under MIN_TYPE_POSTS
    apart: tuple[str, ...] = ()  # types never posted in the reference's period
    partly: tuple[tuple[str, float], ...] = ()  # (type, share in the reference's period) < 0.5
    why_not: str | None = None

    @property
    def ok(self) -> bool:
        return self.why_not is None


def eligibility(
    frame: pd.DataFrame,
    y: pd.Series,
    exposure: pd.Series,
    *,
    basis: str,
    exposure_name: str,
    reference: str | None = None,
) -> Eligibility:
    """The posts with a media type and values, the types with MIN_TYPE_POSTS posts, the
    reference (the most common of them unless given), at least MIN_POSTS posts, and the types
    posted in the reference's period."""
    # the checks narrow one mask of rows; the posts are copied out once, at the end (at a
    # million posts each copy of the frame is a few hundred MB: issue #18)
    typed = frame["media_type"].notna()
    without_type = len(frame) - int(typed.sum())
    if basis != "total" and exposure_name == "none":
        return Eligibility(
            posts=frame[typed], reference=None, without_type=without_type, why_not="no exposure"
        )
    values = y.reindex(frame.index)
    keep = values.notna() & (values >= 0)
    if basis != "total":
        keep &= exposure.reindex(frame.index) > 0
    without_values = int((typed & ~keep).sum())
    mask = typed & keep
    kinds = frame["media_type"][mask]
    counts = {str(t): int(c) for t, c in kinds.value_counts().items()}
    usable = [t for t, c in counts.items() if c >= MIN_TYPE_POSTS]
    short = {t: c for t, c in counts.items() if c < MIN_TYPE_POSTS}
    if reference is None:
        reference = usable[0] if usable else None
    checked = partial(
        Eligibility,
        counts=counts,
        without_type=without_type,
        without_values=without_values,
        short=short,
    )
    why_not = (
        "no type"
        if reference is None
        else "reference"
        if reference not in usable
        else "one type"
        if len(usable) < 2
        else None
    )
    if why_not is not None:
        return checked(posts=frame[mask], reference=reference, why_not=why_not)
    mask &= frame["media_type"].isin(usable)
    if int(mask.sum()) < MIN_POSTS:
        return checked(posts=frame[mask], reference=reference, why_not="posts")
    apart, partly = _overlap(
        frame.loc[mask, ["media_type", "trend"]],
        str(reference),
        [u for u in usable if u != reference],
    )
    mask &= ~frame["media_type"].isin(apart)
    types = tuple(t for t in usable if t != reference and t not in apart)
    return checked(
        posts=frame[mask],
        reference=reference,
        types=types,
        apart=apart,
        partly=partly,
        why_not=None if types else "no comparison",
    )


def _overlap(
    g: pd.DataFrame, reference: str, others: Sequence[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, float], ...]]:
    """The types never posted in the reference's period (trend and type could not be told
    apart), and those with less than half their posts in it (share in it)."""
    apart: list[str] = []
    partly: list[tuple[str, float]] = []
    t_ref = g.loc[g["media_type"] == reference, "trend"].dropna()
    if not len(t_ref):
        return (), ()
    lo, hi = t_ref.min(), t_ref.max()
    for t in others:
        tt = g.loc[g["media_type"] == t, "trend"].dropna()
        if not len(tt):
            continue
        inside = float(((tt >= lo) & (tt <= hi)).mean())
        if inside == 0.0:
            apart.append(t)
        elif inside < 0.5:
            partly.append((t, inside))
    return tuple(apart), tuple(partly)


# -- fitting: the negative binomial and its rate ratios ----------------------------------------
@dataclass
class _Design:
    X: pd.DataFrame
    controls: list[str]
    skipped: list[str]  # controls the posts could not afford
    topics: str | None = None  # how topics were found, when the topic control is in
    time: str | None = None  # the time control in the design: trend, quarter, month, spline
    time_note: str | None = None  # how the periods were merged, when they were

    @property
    def notes(self) -> list[str]:
        return design_notes(self.skipped, self.topics)


def _period_labels(g: pd.DataFrame, unit: str) -> pd.Series:
    """Calendar quarter or month of each post (from the trend when there is no date)."""
    per_year = 4 if unit == "quarter" else 12
    trend = g["trend"].fillna(g["trend"].median())
    from_trend = np.floor(trend * per_year)
    published = g["published_at"] if "published_at" in g else None
    if published is None or published.notna().mean() < 0.8:
        return from_trend.astype(int)
    published = pd.to_datetime(published)
    cal = published.dt.year * per_year + (
        published.dt.quarter - 1 if unit == "quarter" else published.dt.month - 1
    )
    # an undated post takes the period of the dated post nearest in time
    order = trend.sort_values().index
    cal = cal.loc[order].ffill().bfill().reindex(g.index)
    return cal.astype(int)


def _periods(g: pd.DataFrame, max_columns: int) -> tuple[pd.DataFrame, str, str | None] | None:
    """Period effects (quarters; months when the span is short) as dummy columns, the first
    period the baseline. Periods with fewer than MIN_PERIOD_POSTS posts are merged with the
    next (the last with the one before), and as many as it takes to stay within
    `max_columns`; None when fewer than two periods are left."""
    trend = g["trend"]
    span = float(trend.max() - trend.min())
    unit = "month" if span < MONTHS_BELOW_YEARS else "quarter"
    labels = _period_labels(g, unit)
    counts = labels.value_counts().sort_index()
    need = max(MIN_PERIOD_POSTS, math.ceil(len(g) / (max_columns + 1)))
    groups: dict[int, int] = {}
    current, filled = 0, 0
    for label, c in zip(counts.index.tolist(), counts.tolist(), strict=True):
        groups[int(label)] = current
        filled += int(c)
        if filled >= need:
            current, filled = current + 1, 0
    n_groups = current + (1 if filled else 0)
    if filled and current > 0:  # a short last group joins the one before
        groups = {k: min(v, current - 1) for k, v in groups.items()}
        n_groups = current
    if n_groups < 2:
        return None
    merged = n_groups < len(counts)
    period = labels.map(groups)
    block = pd.get_dummies(period, prefix=unit, dtype=float).drop(columns=f"{unit}_0")
    note = period_note(unit, n_groups, len(counts), need) if merged else None
    return block, unit, note


def _spline(g: pd.DataFrame, max_columns: int) -> pd.DataFrame | None:
    """A natural cubic regression spline in time (patsy's cr, centred), with about two degrees
    of freedom per year of posts (3 to 10), as many as `max_columns` allows (at least 2)."""
    import patsy  # type: ignore[import-untyped]

    trend = g["trend"].fillna(g["trend"].median())
    span = float(trend.max() - trend.min())
    df = min(max(3, math.ceil(2 * span)), 10, max_columns)
    if df < 2 or trend.nunique() <= df + 2:
        return None
    basis = patsy.dmatrix(f"cr(x, df={df}, constraints='center') - 1", {"x": trend.to_numpy(float)})
    return pd.DataFrame(
        np.asarray(basis), index=g.index, columns=[f"spline_{i}" for i in range(df)]
    )


def _year_fraction(g: pd.DataFrame) -> np.ndarray:
    """Where in the calendar year each post falls (0 to 1): day of the year / 365.25, from the
    publish date; from the trend (years since the first post) when dates are missing."""
    trend = g["trend"].fillna(g["trend"].median())
    from_trend = np.mod(trend.to_numpy(float), 1.0)
    published = g["published_at"] if "published_at" in g else None
    if published is None or published.notna().mean() < 0.8:
        return from_trend
    published = pd.to_datetime(published)
    doy = published.dt.day_of_year.astype(float) - 1 + published.dt.hour.fillna(0) / 24.0
    frac = (doy / 365.25).to_numpy(float)
    return np.where(np.isnan(frac), from_trend, frac)


def _season(g: pd.DataFrame, max_columns: int) -> pd.DataFrame | None:
    """A spline in time (`_spline`) and a yearly cycle: SEASON_HARMONICS sine/cosine pairs of
    the day of the year (one pair when the posts cannot afford more), for posts spanning at
    least SEASON_MIN_YEARS (a shorter span cannot tell a season from a trend); None when the
    posts cannot afford a spline of 2 df next to one pair."""
    trend = g["trend"]
    if float(trend.max() - trend.min()) < SEASON_MIN_YEARS:
        return None
    pairs = SEASON_HARMONICS
    while pairs > 1 and max_columns - 2 * pairs < 3:
        pairs -= 1
    spline = _spline(g, max_columns - 2 * pairs)
    x = 2 * math.pi * _year_fraction(g)
    cycle = {}
    for k in range(1, pairs + 1):
        cycle[f"season_sin{k}"] = np.sin(k * x)
        cycle[f"season_cos{k}"] = np.cos(k * x)
    if spline is None:
        return _cycle(g, max_columns, cycle) if SEASON_SMALL else None
    return pd.concat([spline, pd.DataFrame(cycle, index=g.index)], axis=1)


def _cycle(g: pd.DataFrame, max_columns: int, cycle: dict[str, np.ndarray]) -> pd.DataFrame | None:
    """The season of posts too few for a spline beside it: one sine/cosine pair of the day of
    the year and a linear trend (three columns; the pair alone when only two are left), so a
    small account spanning years can still tell a season its media mix follows from a media
    effect. None with fewer than two columns."""
    if max_columns < 2:
        return None
    out = pd.DataFrame({k: v for k, v in cycle.items() if k.endswith("1")}, index=g.index)
    if max_columns >= 3:
        t = g["trend"].fillna(g["trend"].median())
        out["season_trend"] = t - t.mean()
    return out


def _time_block(
    g: pd.DataFrame, kind: str, left: int
) -> tuple[str, pd.DataFrame, str | None] | None:
    """The time control `kind` ("trend", "period", "spline", "season") for posts `g`, at most
    half of the `left` parameters the posts can afford (at least one): (its name, columns,
    a note), or None when the posts cannot afford it or have no time."""
    trend = g["trend"]
    if not (trend.notna().mean() >= 0.8 and trend.std() > 0):
        return None
    cap = max(1, math.ceil(left / 2))
    if kind == "trend":
        t = trend.fillna(trend.median())
        return "trend", pd.DataFrame({"trend": t - t.mean()}), None
    if kind == "period":
        found = _periods(g, cap)
        return None if found is None else (found[1], found[0], found[2])
    if kind == "season":
        season = _season(g, cap)
        if season is None:
            return None
        small = not any(str(c).startswith("spline_") for c in season.columns)
        return ("cycle" if small else "season"), season, None
    spline = _spline(g, cap)
    return None if spline is None else ("spline", spline, None)


def _controls(
    g: pd.DataFrame, n_types: int, basis: str, exposure: str, time: str = "trend"
) -> _Design:
    """Control columns in order of importance, as many as the posts allow; `time` is the kind
    of time control ("trend", "period", "spline", "season")."""
    n = len(g)
    budget = max(0, n // MIN_POSTS_PER_PARAM - n_types)  # the intercept and types come first
    blocks: list[tuple[str, pd.DataFrame]] = []
    if g["account_id"].nunique() > 1:
        acc = pd.get_dummies(
            g["account_id"].astype(str), prefix="account", drop_first=True, dtype=float
        )
        blocks.append(("account", acc))
        budget += acc.shape[1]  # always in: accounts are not comparable without it
    paid = pd.to_numeric(g["is_paid"].map({True: 1.0, False: 0.0}), errors="coerce")
    if paid.notna().mean() >= 0.8 and paid.fillna(0).nunique() > 1:
        blocks.append(("paid", pd.DataFrame({"paid": paid.fillna(0.0)})))
    left = budget - sum(b.shape[1] for _, b in blocks)
    time_block = _time_block(g, time, left)
    time_note = None
    if time_block is not None:
        blocks.append((time_block[0], time_block[1]))
        time_note = time_block[2]
    if exposure != "followers":
        logf = np.log(g["followers"].where(g["followers"] > 0))
        if logf.notna().mean() >= 0.8 and logf.std() > 0.01:
            logf = logf.fillna(logf.median())
            blocks.append(("account size", pd.DataFrame({"log_followers": logf - logf.mean()})))
    hour = g["hour"]
    if hour.notna().mean() >= 0.8:
        hb = F.hour_block(hour.fillna(hour.median()))
        if hb.nunique() > 1:
            ref = hb.value_counts().index[0]
            d = pd.get_dummies(hb, prefix="hour", dtype=float).drop(columns=f"hour_{ref}")
            blocks.append(("hour", d))
    wd = g["weekday"]
    if wd.notna().mean() >= 0.8:
        weekend = (wd.fillna(0) >= 5).astype(float)
        if weekend.nunique() > 1:
            blocks.append(("weekend", pd.DataFrame({"weekend": weekend})))
    tops, how = F.topics(g)
    if not tops.empty:
        blocks.append(("topic", tops))
    if "language" in g:
        lang = g["language"].where(g["language"].notna())
        if lang.notna().mean() >= 0.8:
            top = lang.value_counts()
            if len(top) > 1 and top.iloc[1] >= MIN_TYPE_POSTS:
                blocks.append(
                    (
                        "language",
                        pd.DataFrame({"other_language": (lang != top.index[0]).astype(float)}),
                    )
                )
    used: list[str] = []
    parts: list[pd.DataFrame] = []
    skipped: list[str] = []
    for name, block in blocks:
        block = block.loc[:, block.std() > 0] if len(block) > 1 else block
        if block.shape[1] == 0:
            continue
        if block.shape[1] <= budget:
            parts.append(block)
            used.append(name)
            budget -= block.shape[1]
        else:
            skipped.append(name)
    X = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=g.index)
    return _Design(
        X=X.astype(float),
        controls=used,
        skipped=skipped,
        topics=how if "topic" in used else None,
        time=next((c for c in used if c in TIME_CONTROLS), None),
        time_note=time_note if any(c in TIME_CONTROLS for c in used) else None,
    )


def _full_rank(X: pd.DataFrame, keep: int) -> pd.DataFrame:
    """Drop control columns (never the first `keep`) that make the design rank deficient."""
    cols = list(X.columns)
    out = cols[:keep]
    for c in cols[keep:]:
        trial = X[[*out, c]].to_numpy()
        if np.linalg.matrix_rank(trial) == len(out) + 1:
            out.append(c)
    return X[out]


def _variance(cov: pd.DataFrame, name: str) -> Any:
    """A coefficient's variance in _fit's covariance: a float64, which pandas-stubs types as
    any scalar."""
    return cov.loc[name, name]


def pearson_scale(
    y: np.ndarray,
    X: pd.DataFrame,
    offset: np.ndarray | None,
    params: pd.Series,
    alpha: float,
    df: int,
) -> float:
    """The Pearson dispersion of an NB2 fit, at least 1: the sum of squared Pearson residuals
    (y - mu)^2 / (mu + alpha mu^2) over the residual degrees of freedom. The maximum-likelihood
    alpha is biased low with few posts (by about 15% at 40 posts, more with every control), and
    the model's variance misses what the controls leave unexplained; both leave the Pearson
    statistic above its degrees of freedom, and the covariance is scaled by it (quasi-likelihood
    on top of the negative binomial). Never below 1: the negative binomial's own variance is the
    least it claims."""
    eta = X.to_numpy(float) @ params.to_numpy(float)
    mu = np.exp(eta + (offset if offset is not None else 0.0))
    x2 = float(np.sum((y - mu) ** 2 / np.maximum(mu + alpha * mu**2, 1e-12)))
    if not math.isfinite(x2) or df < 1:
        return 1.0
    return max(1.0, x2 / df)


def _fit(
    y: np.ndarray, X: pd.DataFrame, offset: np.ndarray | None
) -> tuple[pd.Series, pd.DataFrame, float | None, int, str, float | None]:
    """(params, covariance, dispersion alpha, residual df, method, AIC) of an NB2 regression;
    the method is a code, "nb2" or "quasi-poisson" (`explain.method` names it; no AIC)."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", HessianInversionWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        pois = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit()
        mu = pois.mu
        # moment start for alpha: Var = mu + alpha mu^2
        alpha0 = max(1e-3, float(np.mean(((y - mu) ** 2 - y) / np.maximum(mu, 1e-9) ** 2)))
        start = np.append(pois.params.to_numpy(), alpha0)  # alpha on its own scale
        nb = sm.NegativeBinomial(y, X, loglike_method="nb2", offset=offset)
        for optimiser in ("newton", "bfgs"):
            try:
                res = nb.fit(start_params=start, method=optimiser, maxiter=500, disp=0)
                cov = res.cov_params()
            except (ValueError, np.linalg.LinAlgError):
                continue
            converged = bool(res.mle_retvals.get("converged", False))
            finite = (
                np.all(np.isfinite(res.params.to_numpy()))
                and np.all(np.isfinite(np.diag(cov.to_numpy())))
                and np.all(np.diag(cov.to_numpy()) >= 0)
            )
            if converged and finite:
                params = res.params.drop("alpha")
                cov = cov.drop(index="alpha", columns="alpha")
                alpha = float(res.params["alpha"])
                aic = float(-2 * res.llf + 2 * (X.shape[1] + 1))
                df = int(len(y) - X.shape[1] - 1)
                cov = cov * pearson_scale(y, X, offset, params, alpha, df)
                return params, cov, alpha, df, "nb2", aic
        # fall back to quasi-Poisson: Poisson means, Pearson-scaled variance
        q = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(scale="X2")
        return q.params, q.cov_params(), None, int(q.df_resid), "quasi-poisson", None


@dataclass(frozen=True)
class Ratio:
    """One type's fitted rate ratio against the reference, with its interval and p-values."""

    media_type: str
    value: float
    low: float
    high: float
    p_value: float
    p_adjusted: float  # Holm, over the types of the fit


@dataclass(frozen=True)
class Fit:
    """The rate ratios of one negative binomial fit, and how it was fitted: the time control
    chosen by AIC among those fitted, and the ratios under each of them."""

    ratios: tuple[Ratio, ...]
    controls: tuple[str, ...]
    skipped: tuple[str, ...]  # controls the posts could not afford
    topics: str | None  # how topics were found, when the topic control is in
    dispersion: float | None
    df: int  # residual degrees of freedom
    method: str  # "nb2" or "quasi-poisson"
    time: str | None = None  # the chosen time control
    time_note: str | None = None  # how its periods were merged, when they were
    time_models: tuple[TimeModel, ...] = ()
    under: dict[str, tuple[TimeEstimate, ...]] = field(default_factory=dict)  # type -> ratios
    robust: dict[str, bool] = field(default_factory=dict)  # type -> robust
    # when the posts have time but cannot afford a time control that bends (FLEXIBLE_TIME
    # columns): the posts it would take, and the ratios are not to be shown
    least: int | None = None


@dataclass(frozen=True)
class _OneFit:
    design: _Design
    columns: int  # time control columns in the fitted design
    ratios: tuple[Ratio, ...]
    dispersion: float | None
    df: int
    method: str
    aic: float | None
    logs: tuple[tuple[float, float], ...] = ()  # (log ratio, its standard error) per type


def _ratios(
    types: Sequence[str], logs: Sequence[tuple[float, float]], df: int, level: float
) -> tuple[Ratio, ...]:
    """Rate ratios from log ratios and standard errors: Wald intervals with Student's t on
    `df` degrees of freedom, p-values Holm-adjusted over the types."""
    from scipy import stats

    q = float(stats.t.ppf(0.5 + level / 2, max(df, 1)))
    pvals, bounds = [], []
    for b, se in logs:
        bounds.append((math.exp(b), math.exp(b - q * se), math.exp(b + q * se)))
        pvals.append(float(2 * stats.t.sf(abs(b / se), max(df, 1))) if se > 0 else 1.0)
    adjusted = holm(pvals)
    return tuple(
        Ratio(media_type=str(t), value=v, low=lo, high=hi, p_value=p, p_adjusted=float(pa))
        for t, (v, lo, hi), p, pa in zip(types, bounds, pvals, adjusted, strict=True)
    )


def averaged(
    chosen: int, logs: Sequence[tuple[float, float]], aics: Sequence[float]
) -> tuple[float, float]:
    """A log ratio under the chosen time control with a standard error that carries the
    choice: sum_i w_i sqrt(se_i^2 + (b_i - b_chosen)^2) over the time controls fitted, w_i
    their Akaike weights (Buckland, Burnham & Augustin 1997), never less than the chosen
    control's own. Where one control wins by far the weights are ~(1, 0, ...) and nothing
    changes; where the posts cannot tell the controls apart the interval widens by as much as
    their estimates disagree."""
    best = min(aics)
    w = np.exp(-(np.asarray(aics, dtype=float) - best) / 2)
    w = w / w.sum()
    b0, own = logs[chosen]
    se = float(
        sum(wi * math.sqrt(s**2 + (b - b0) ** 2) for wi, (b, s) in zip(w, logs, strict=True))
    )
    return b0, max(se, own)  # never narrower than the chosen control's own


def _fit_one(
    g: pd.DataFrame,
    yy: np.ndarray,
    offset: np.ndarray | None,
    design: _Design,
    types: Sequence[str],
    level: float,
) -> _OneFit:
    media = pd.DataFrame(
        {f"type_{t}": (g["media_type"] == t).astype(float) for t in types}, index=g.index
    )
    X = pd.concat([pd.DataFrame({"const": 1.0}, index=g.index), media, design.X], axis=1)
    X = _full_rank(X, 1 + len(types))
    params, cov, alpha, df, method, aic = _fit(yy, X, offset)
    logs = tuple(
        (
            float(params[f"type_{t}"]),
            float(math.sqrt(max(_variance(cov, f"type_{t}"), 0.0))),
        )
        for t in types
    )
    ratios = _ratios(types, logs, df, level)
    prefix = {
        "trend": ("trend",),
        "quarter": ("quarter_",),
        "month": ("month_",),
        "spline": ("spline_",),
        "season": ("spline_", "season_"),
        "cycle": ("season_",),
    }
    columns = (
        sum(1 for c in X.columns if str(c).startswith(prefix[design.time])) if design.time else 0
    )
    return _OneFit(design, columns, ratios, alpha, df, method, aic, logs)


def robust_verdict(estimates: Sequence[tuple[float, bool]]) -> bool:
    """Whether (ratio, clearly different) pairs under several time controls tell the same
    story: the same verdict everywhere and, where it is "clearly different", the same
    direction. Ratios that are nowhere clear may sit on either side of 1."""
    clear = {c for _, c in estimates}
    if len(clear) > 1:
        return False
    if clear == {True}:
        return len({v > 1 for v, _ in estimates}) == 1
    return True


def fit(
    g: pd.DataFrame,
    y: pd.Series,
    exposure: pd.Series,
    *,
    types: Sequence[str],
    basis: str,
    exposure_name: str,
    level: float = LEVEL,
    time: str | None = None,
) -> Fit:
    """The media-type rate ratios of the posts `g` against the type not in `types`: 95% Wald
    intervals on the log scale with Student's t, Holm-adjusted p-values.

    Time is controlled by the kind in TIME_KINDS with the lowest AIC (or by `time` when
    given): a linear trend, period effects (quarters, months for spans under a year, sparse
    periods merged), a natural spline in time, and that spline with a yearly cycle (posts
    spanning SEASON_MIN_YEARS or more; posts too few for a spline beside it get one yearly
    pair and a linear trend, "cycle"), each as far as the posts afford it. The ratios under
    the others are kept; a ratio is robust when every reasonable alternative (period effects,
    the spline and the spline with the season always, the linear trend only within
    TREND_WITHIN_AIC of the best) gives the same verdict (`robust_verdict`)."""
    yy = y.loc[g.index].to_numpy(dtype=float)
    if basis == "exposure":
        yy = np.round(yy)
    offset = None if basis != "per_exposure" else np.log(exposure.loc[g.index].to_numpy(float))
    fits: list[_OneFit] = []
    seen: set[str | None] = set()
    for kind in (time,) if time else TIME_KINDS:
        design = _controls(g, len(types) + 1, basis, exposure_name, time=kind)
        if design.time in seen or (design.time is None and fits):
            continue
        seen.add(design.time)
        fits.append(_fit_one(g, yy, offset, design, types, level))
    # the lowest AIC; fits without one (quasi-Poisson) only when none has one
    with_aic = [f for f in fits if f.aic is not None]
    best = min(with_aic, key=lambda f: f.aic or 0.0) if with_aic else fits[0]
    best_aic = best.aic
    ratios = best.ratios
    timed = [f for f in with_aic if f.design.time is not None]
    chosen = next((i for i, f in enumerate(timed) if f is best), None)
    if AVERAGE_TIME and chosen is not None and len(timed) > 1:
        logs = tuple(
            averaged(
                chosen,
                [f.logs[i] for f in timed],
                [float(f.aic or 0.0) for f in timed],
            )
            for i in range(len(types))
        )
        ratios = _ratios(types, logs, best.df, level)

    def considered(f: _OneFit) -> bool:
        if f is best:
            return True
        if f.aic is None or best_aic is None or f.design.time is None:
            return False
        return f.design.time != "trend" or f.aic - best_aic <= TREND_WITHIN_AIC

    models = tuple(
        TimeModel(
            time=str(f.design.time),
            columns=f.columns,
            aic=f.aic,
            chosen=f is best,
            considered=considered(f),
        )
        for f in fits
        if f.design.time is not None
    )
    under: dict[str, tuple[TimeEstimate, ...]] = {}
    robust: dict[str, bool] = {}
    for i, t in enumerate(types):
        under[str(t)] = tuple(
            TimeEstimate(
                time=str(f.design.time),
                value=f.ratios[i].value,
                low=f.ratios[i].low,
                high=f.ratios[i].high,
                clear=bool(f.ratios[i].p_adjusted < 1 - level),
                considered=considered(f),
            )
            for f in fits
            if f.design.time is not None
        )
        robust[str(t)] = robust_verdict([(e.value, e.clear) for e in under[str(t)] if e.considered])
    trend = g["trend"]
    has_time = bool(trend.notna().mean() >= 0.8 and trend.std() > 0)
    least = None
    if has_time and not any(f.columns >= FLEXIBLE_TIME for f in fits if f.design.time):
        before = 1 if "paid" in best.design.controls else 0  # columns ahead of time
        least = MIN_POSTS_PER_PARAM * (len(types) + 1 + before + 2 * FLEXIBLE_TIME - 1)
    return Fit(
        ratios=ratios,
        controls=tuple(best.design.controls),
        skipped=tuple(best.design.skipped),
        topics=best.design.topics,
        dispersion=best.dispersion,
        df=best.df,
        method=best.method,
        time=best.design.time,
        time_note=best.design.time_note,
        time_models=models,
        under=under,
        robust=robust,
        least=least,
    )


def _raw(g: pd.DataFrame, y: pd.Series, exposure: pd.Series) -> list[RawFigures]:
    out = []
    for media_type, idx in g.groupby("media_type", sort=True).groups.items():
        yy, ee = y.loc[idx], exposure.loc[idx]
        rate = (yy / ee * 1000).where(ee > 0)

        def med(s: pd.Series) -> float | None:
            s = s.dropna()
            return float(s.median()) if len(s) else None

        out.append(
            RawFigures(
                media_type=str(media_type),
                posts=len(idx),
                median_metric=med(yy),
                median_exposure=med(ee),
                median_per_1000=med(rate),
            )
        )
    return sorted(out, key=lambda r: -r.posts)


# -- the uplift of one group: eligibility, fit, explanation -------------------------------------
def uplift(
    frame: pd.DataFrame,
    *,
    metric: str = "interactions",
    basis: str = "per_exposure",
    reference: str | None = None,
    scope: str = "account",
    level: float = LEVEL,
) -> UpliftResult:
    """The media-type ratios for the posts in `frame` (rows of `prepare()`), fitted as one
    group: one account (scope "account"), or several with an account effect."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {', '.join(BASES)} (got {basis!r})")
    platforms = sorted(frame["platform"].dropna().unique())
    platform = platforms[0] if len(platforms) == 1 else None
    accounts = sorted(frame["account"].dropna().unique())
    account = accounts[0] if len(accounts) == 1 and scope == "account" else None

    exposure, exp_name, exp_names = _exposures(frame, basis)
    y = exposure.copy() if basis == "exposure" else F.metric_values(frame, metric)
    raw_exposure, raw_name = (
        (exposure, exp_name) if basis != "total" else _exposures(frame, "per_exposure")[:2]
    )
    el = eligibility(frame, y, exposure, basis=basis, exposure_name=exp_name, reference=reference)
    group = partial(
        UpliftResult,
        scope=scope,
        platform=platform,
        account=account,
        metric=metric,
        basis=basis,
        exposure=exp_name,
        reference=el.reference,
        raw_exposure=raw_name,
    )
    notes = [
        *exposure_notes(exp_names, exp_name),
        *eligibility_notes(el, metric=metric, basis=basis, exposure=exp_name),
    ]
    short, apart = _left_out(el)
    if not el.ok:
        return group(
            posts=0,
            effects=(*short, *apart),
            raw=tuple(_raw(el.posts, y, raw_exposure)),
            controls=(),
            method="",
            notes=(*notes, why_not(el)),
        )

    posts = fit_sample(el.posts)
    if len(posts) < len(el.posts):
        notes.append(
            Phrase(
                "fitted on a random sample of %(k)s of the %(n)s posts (drawn per type, every "
                "type kept); the intervals are the sample's",
                k=Num(len(posts), ","),
                n=Num(len(el.posts), ","),
            )
        )
    fitted = fit(
        posts, y, exposure, types=el.types, basis=basis, exposure_name=exp_name, level=level
    )
    if fitted.least is not None:
        return _withheld(group, fitted, el, y, frame, raw_exposure, notes, fitted.least)
    effects = _effects(
        fitted,
        el,
        metric=metric,
        basis=basis,
        exposure=exp_name,
        scope=scope,
        platform=platform,
        level=level,
    )
    return group(
        posts=len(el.posts),
        effects=(*effects, *apart, *short),
        raw=tuple(_raw(frame.loc[frame["media_type"].notna()], y, raw_exposure)),
        controls=fitted.controls,
        method=described(
            fitted.method,
            metric=metric,
            basis=basis,
            exposure=exp_name,
            controls=fitted.controls,
            comparisons=len(el.types),
            time=time_choice(fitted.time_models),
        ),
        notes=(
            *notes,
            *design_notes(fitted.skipped, fitted.topics),
            *time_notes(fitted.time_models, fitted.time_note),
        ),
        dispersion=fitted.dispersion,
        time=fitted.time,
        time_models=fitted.time_models,
    )


def fit_sample(
    posts: pd.DataFrame,
    size: int | None = None,
    min_type: int | None = None,
    seed: int = FIT_SAMPLE_SEED,
) -> pd.DataFrame:
    """The posts a fit reads: all of them up to `size`, else a random sample drawn per media
    type in proportion (at least `min_type` of each type, all of a smaller type), in the
    posts' own order. Deterministic for the same posts (a fixed seed), so a page shows the
    same figures until the data changes."""
    size = FIT_SAMPLE_POSTS if size is None else size
    min_type = FIT_SAMPLE_MIN_TYPE if min_type is None else min_type
    n = len(posts)
    if n <= size:
        return posts
    rng = np.random.default_rng(seed)
    keep: list[np.ndarray] = []
    for _type, found in posts.groupby("media_type", sort=True, dropna=False).indices.items():
        idx = np.asarray(found)
        quota = max(min_type, round(size * len(idx) / n))
        keep.append(idx if len(idx) <= quota else rng.choice(idx, size=quota, replace=False))
    return posts.iloc[np.sort(np.concatenate(keep))]


def _withheld(
    group: partial[UpliftResult],
    fitted: Fit,
    el: Eligibility,
    y: pd.Series,
    frame: pd.DataFrame,
    raw_exposure: pd.Series,
    notes: list[str],
    least: int,
) -> UpliftResult:
    """No ratios: the posts cannot afford a time control that follows steps and seasons
    (`Fit.least` says how many would), so a change in level could pass for a media effect."""
    short, apart = _left_out(el)
    withheld = []
    for t in el.types:
        est = too_few_for_time_estimate(len(el.posts), least, el.counts[t])
        withheld.append(
            TypeEffect(
                media_type=t,
                posts=el.counts[t],
                ratio=est,
                p_value=None,
                p_adjusted=None,
                clear=False,
                sentence=sentence(
                    t,
                    str(el.reference),
                    est,
                    metric="",
                    basis="",
                    exposure="",
                    scope="",
                    platform=None,
                    comparisons=0,
                    clear=False,
                ),
            )
        )
    return group(
        posts=0,
        effects=(*withheld, *apart, *short),
        raw=tuple(_raw(frame.loc[frame["media_type"].notna()], y, raw_exposure)),
        controls=(),
        method="",
        notes=(
            *notes,
            *(w.ratio.method for w in withheld[:1]),
            *design_notes(["spline"], None),
        ),
        time_models=fitted.time_models,
    )


def _left_out(el: Eligibility) -> tuple[list[TypeEffect], list[TypeEffect]]:
    """The types without an estimate: too few posts, and never in the reference's period."""
    short = [
        TypeEffect(
            media_type=t,
            posts=c,
            ratio=too_few_estimate(t, c),
            p_value=None,
            p_adjusted=None,
            clear=False,
            sentence=too_few_sentence(t, c),
        )
        for t, c in el.short.items()
        if t != el.reference
    ]
    apart = [
        TypeEffect(
            media_type=t,
            posts=el.counts[t],
            ratio=apart_estimate(t, str(el.reference), el.counts[t]),
            p_value=None,
            p_adjusted=None,
            clear=False,
            sentence=apart_sentence(t, str(el.reference)),
        )
        for t in el.apart
    ]
    return short, apart


def _effects(
    fitted: Fit,
    el: Eligibility,
    *,
    metric: str,
    basis: str,
    exposure: str,
    scope: str,
    platform: str | None,
    level: float,
) -> list[TypeEffect]:
    """The fitted types, each with its interval and sentence."""
    effects = []
    for r in fitted.ratios:
        est = Estimate(
            value=r.value,
            low=r.low,
            high=r.high,
            level=level,
            n=el.counts[r.media_type],
            method=wald(fitted.method, fitted.df),
        )
        clear = bool(r.p_adjusted < 1 - level)
        robust = fitted.robust.get(r.media_type, True)
        text = sentence(
            r.media_type,
            str(el.reference),
            est,
            metric=metric,
            basis=basis,
            exposure=exposure,
            scope=scope,
            platform=platform,
            comparisons=len(el.types),
            clear=clear,
        )
        under = fitted.under.get(r.media_type, ())
        if not robust:
            text = not_robust(text, under, fitted.time)
        effects.append(
            TypeEffect(
                media_type=r.media_type,
                posts=el.counts[r.media_type],
                ratio=est,
                p_value=r.p_value,
                p_adjusted=r.p_adjusted,
                clear=clear,
                sentence=text,
                robust=robust,
                under=under,
            )
        )
    return effects


def _groups(frame: pd.DataFrame, column: str) -> list[tuple[Any, np.ndarray]]:
    """(value, row positions) per value of `column`, in sorted order: each group is copied out
    by the caller when it is used, never the whole frame at once (iterating over a groupby
    copies all of it, sorted, first)."""
    found: dict[Any, Any] = dict(frame.groupby(column, sort=True).indices)
    return [(k, np.asarray(found[k])) for k in sorted(found)]


def uplift_all(
    frame: pd.DataFrame,
    *,
    metric: str = "interactions",
    basis: str = "per_exposure",
    reference: str | None = None,
    level: float = LEVEL,
) -> list[UpliftResult]:
    """Every account on its own, every platform with more than one account, and all posts
    pooled (with an account effect) when there is more than one account."""
    out: list[UpliftResult] = []
    for _acc, rows in _groups(frame, "account_id"):
        out.append(
            uplift(
                frame.iloc[rows],
                metric=metric,
                basis=basis,
                reference=reference,
                scope="account",
                level=level,
            )
        )
    for _platform, rows in _groups(frame, "platform"):
        if frame["account_id"].iloc[rows].nunique() > 1:
            out.append(
                uplift(
                    frame.iloc[rows],
                    metric=metric,
                    basis=basis,
                    reference=reference,
                    scope="platform",
                    level=level,
                )
            )
    if frame["account_id"].nunique() > 1:
        out.append(
            uplift(
                frame, metric=metric, basis=basis, reference=reference, scope="pooled", level=level
            )
        )
    return out


__all__ = [
    "BASES",
    "CONTROLS",
    "LEVEL",
    "METRICS",
    "MIN_POSTS",
    "MIN_POSTS_PER_PARAM",
    "MIN_TYPE_POSTS",
    "PER",
    "PLURAL",
    "WORDS",
    "Eligibility",
    "Explanation",
    "Fit",
    "Ratio",
    "RawFigures",
    "TimeEstimate",
    "TimeModel",
    "TypeEffect",
    "UpliftResult",
    "eligibility",
    "explain",
    "fit",
    "fmt_interval",
    "fmt_ratio",
    "not_enough",
    "plural",
    "prepare",
    "robust_verdict",
    "sentence",
    "uplift",
    "uplift_all",
    "word",
]
