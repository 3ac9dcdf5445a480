"""Best time to post, learned from the workspace's own posts, per platform.

Model (statsmodels): a negative binomial regression of a post's interactions with its
exposure as offset (reach, else impressions, else views: so a rate per person reached, and
an hour is not "good" just because more people were online),

    log E[interactions] = log(exposure) + hour + weekday + media type

Hours and weekdays are the post's local clock time as stored. The effects are rate ratios
against the hour (weekday) with most posts, with Wald 95% intervals; `vs_best` compares each
hour with the estimated best one, and the hours whose interval reaches 1 are "not clearly
worse" than the best. An hour (weekday) with fewer than MIN_POSTS posts gets no estimate
("not enough data") and its posts are left out of the fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from socialdesk.analytics.anomalies import EXPOSURES, exposure_of
from socialdesk.estimates import Estimate
from socialdesk.phrases import Num, Phrase

MIN_POSTS = 5  # per hour or weekday
MIN_TOTAL = 40  # per platform
LEVEL = 0.95
Z = 1.959963984540054
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class SlotEffect:
    slot: int  # hour 0–23, or weekday 0 (Monday)–6
    posts: int
    rate_ratio: Estimate  # against the reference slot
    vs_best: Estimate  # against the best slot
    contender: bool  # not clearly worse than the best


@dataclass(frozen=True)
class PlatformTimes:
    platform: str
    posts: int
    exposure: str
    reference_hour: int | None
    reference_weekday: int | None
    hours: tuple[SlotEffect, ...]
    weekdays: tuple[SlotEffect, ...]
    best_hour: int | None
    best_weekday: int | None
    method: str
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.best_hour is not None

    @property
    def exposure_word(self) -> str:
        """The exposure's name to show (translated when shown)."""
        return EXPOSURES.get(self.exposure, self.exposure)


def _nope(platform: str, posts: int, exposure: str, note: str) -> PlatformTimes:
    return PlatformTimes(
        platform=platform,
        posts=posts,
        exposure=exposure,
        reference_hour=None,
        reference_weekday=None,
        hours=(),
        weekdays=(),
        best_hour=None,
        best_weekday=None,
        method="",
        note=note,
    )


def _effects(
    names: list[str],
    params: pd.Series,
    cov: pd.DataFrame,
    prefix: str,
    levels: list[int],
    reference: int,
    counts: pd.Series,
    all_slots: range,
) -> tuple[list[SlotEffect], int]:
    """Rate ratios of each level against the reference and against the best level."""

    def coef(level: int) -> str | None:
        return None if level == reference else f"{prefix}[T.{level}]"

    est = {lv: (0.0 if (c := coef(lv)) is None else float(params[c])) for lv in levels}
    best = max(levels, key=lambda lv: est[lv])

    def cov_at(row: str, column: str) -> float:
        cell: Any = cov.loc[row, column]  # a float64, which pandas-stubs types as any scalar
        return float(cell)

    def var_of(a: int, b: int) -> float:
        ca, cb = coef(a), coef(b)
        v = 0.0
        if ca:
            v += cov_at(ca, ca)
        if cb:
            v += cov_at(cb, cb)
        if ca and cb:
            v -= 2 * cov_at(ca, cb)
        return max(v, 0.0)

    out = []
    for slot in all_slots:
        n = int(counts.get(slot, 0))
        if slot not in levels:
            nope = Estimate(
                None,
                None,
                None,
                LEVEL,
                n,
                Phrase("not enough data: %(n)s posts, at least %(min)s needed", n=n, min=MIN_POSTS),
            )
            out.append(
                SlotEffect(slot=slot, posts=n, rate_ratio=nope, vs_best=nope, contender=False)
            )
            continue
        d_ref, s_ref = est[slot], math.sqrt(var_of(slot, reference))
        d_best, s_best = est[slot] - est[best], math.sqrt(var_of(slot, best))
        rr = Estimate(
            math.exp(d_ref),
            math.exp(d_ref - Z * s_ref),
            math.exp(d_ref + Z * s_ref),
            LEVEL,
            n,
            Phrase("negative binomial rate ratio, Wald interval"),
        )
        vb = Estimate(
            math.exp(d_best),
            math.exp(d_best - Z * s_best),
            math.exp(d_best + Z * s_best),
            LEVEL,
            n,
            Phrase("against the best slot"),
        )
        out.append(
            SlotEffect(
                slot=slot, posts=n, rate_ratio=rr, vs_best=vb, contender=(vb.high or 0) >= 1.0
            )
        )
    return out, best


# -- eligibility: which posts can be fitted ----------------------------------------------------
@dataclass(frozen=True)
class TimedPosts:
    """A platform's posts with exposure, interactions and a publish time, and those in hours
    and weekdays with MIN_POSTS posts (`fit`); `why_not` names the check that stopped it
    ("no posts", "no times", "few posts"; `_why_not` says it in words)."""

    posts: pd.DataFrame
    fit: pd.DataFrame
    exposure: str
    hour_counts: pd.Series
    day_counts: pd.Series
    why_not: str | None = None


def timed_posts(posts: pd.DataFrame) -> TimedPosts:
    exposure, col = exposure_of(posts)
    frame = posts.assign(exposure=exposure)
    frame = frame[
        (frame["exposure"] > 0) & frame["interactions"].notna() & frame["published_at"].notna()
    ].copy()
    empty = pd.Series(dtype="int64")
    if frame.empty:
        return TimedPosts(frame, frame, col, empty, empty, why_not="no posts")
    ts = pd.to_datetime(frame["published_at"])
    if ((ts.dt.hour == 0) & (ts.dt.minute == 0)).mean() > 0.5:
        return TimedPosts(frame, frame, col, empty, empty, why_not="no times")
    frame["hour"] = ts.dt.hour
    frame["weekday"] = ts.dt.day_of_week
    frame["media"] = frame["media_type"].fillna("other")
    hour_counts = frame["hour"].value_counts()
    day_counts = frame["weekday"].value_counts()
    keep = frame["hour"].map(hour_counts).ge(MIN_POSTS) & frame["weekday"].map(day_counts).ge(
        MIN_POSTS
    )
    fit_frame = frame[keep]
    few = len(fit_frame) < MIN_TOTAL or fit_frame["hour"].nunique() < 2
    return TimedPosts(
        posts=frame,
        fit=fit_frame,
        exposure=col,
        hour_counts=hour_counts,
        day_counts=day_counts,
        why_not="few posts" if few else None,
    )


# -- fitting: hour, weekday and media type -----------------------------------------------------
def _most_common(column: pd.Series) -> Any:
    """The column's most frequent value, of its type (pandas-stubs types it as Hashable)."""
    return column.value_counts().idxmax()


def _fit(fit_frame: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame, int, int, str]:
    """(params, covariance, reference hour, reference weekday, method) of the negative
    binomial of interactions on hour, weekday and media type with a log exposure offset
    (quasi-Poisson when it does not converge); the method is a code, "nb2" or "quasi"."""
    import statsmodels.formula.api as smf

    ref_hour = int(_most_common(fit_frame["hour"]))
    ref_day = int(_most_common(fit_frame["weekday"]))
    media_ref = _most_common(fit_frame["media"])
    formula = (
        f"interactions ~ C(hour, Treatment({ref_hour})) + C(weekday, Treatment({ref_day}))"
        + (f" + C(media, Treatment('{media_ref}'))" if fit_frame["media"].nunique() > 1 else "")
    )
    offset = np.log(fit_frame["exposure"].to_numpy(float))
    try:
        res = smf.negativebinomial(formula, fit_frame, offset=offset).fit(
            disp=0, maxiter=200, cov_type="HC1"
        )
        method = "nb2"
        if not res.mle_retvals.get("converged", True):
            raise RuntimeError("not converged")
    except Exception:
        import statsmodels.api as sm

        res = smf.glm(formula, fit_frame, family=sm.families.Poisson(), offset=offset).fit(
            scale="X2"
        )
        method = "quasi"
    return res.params, res.cov_params(), ref_hour, ref_day, method


# -- explanation -------------------------------------------------------------------------------
def _why_not(timed: TimedPosts) -> str:
    if timed.why_not == "no posts":
        return Phrase("not enough data: no posts with interactions and exposure")
    if timed.why_not == "no times":
        return Phrase("not enough data: this platform's export gives publish dates without times")
    return Phrase(
        "not enough data: %(n)s posts in hours and weekdays with at least %(min)s "
        "posts, at least %(total)s needed",
        n=len(timed.fit),
        min=MIN_POSTS,
        total=MIN_TOTAL,
    )


def _described(method: str) -> str:
    return Phrase(
        "%(method)s; adjusted for media type; %(level)s Wald intervals, robust (HC1) "
        "standard errors",
        method=Phrase("negative binomial (NB2) with log exposure offset")
        if method == "nb2"
        else Phrase("quasi-Poisson GLM with log exposure offset"),
        level=Num(LEVEL, ".0%"),
    )


def platform_times(platform: str, posts: pd.DataFrame) -> PlatformTimes:
    """Hour and weekday effects for one platform's posts (queries.post_frame rows)."""
    timed = timed_posts(posts)
    if timed.why_not is not None:
        return _nope(platform, len(timed.posts), timed.exposure, _why_not(timed))
    fit_frame = timed.fit
    params, cov, ref_hour, ref_day, method = _fit(fit_frame)
    hours, best_hour = _effects(
        list(params.index),
        params,
        cov,
        f"C(hour, Treatment({ref_hour}))",
        sorted(fit_frame["hour"].unique().tolist()),
        ref_hour,
        timed.hour_counts,
        range(24),
    )
    days, best_day = _effects(
        list(params.index),
        params,
        cov,
        f"C(weekday, Treatment({ref_day}))",
        sorted(fit_frame["weekday"].unique().tolist()),
        ref_day,
        timed.day_counts,
        range(7),
    )
    return PlatformTimes(
        platform=platform,
        posts=len(fit_frame),
        exposure=timed.exposure,
        reference_hour=ref_hour,
        reference_weekday=ref_day,
        hours=tuple(hours),
        weekdays=tuple(days),
        best_hour=int(best_hour),
        best_weekday=int(best_day),
        method=_described(method),
    )


def best_times(posts: pd.DataFrame) -> tuple[PlatformTimes, ...]:
    """Per platform of `posts` (queries.post_frame rows)."""
    return tuple(platform_times(str(p), g) for p, g in posts.groupby("platform"))
