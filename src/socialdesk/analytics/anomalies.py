"""Days and posts far outside their expected range.

Days: per account and metric, the daily series on a log scale (log1p, so a doubling counts
the same on a small and a large account) is split by STL (statsmodels, period 7: a 29-day
trend + a weekday pattern + rest), fitted twice so that unusual days do not pull their own
baseline (see _baseline). A day is unusual when its rest is more than THRESHOLD robust
standard deviations (1.4826 × MAD) from the median rest. Its expected range is trend +
weekday pattern ± THRESHOLD robust standard deviations, back on the original scale.

Posts: per platform (and media type when there are enough of them), the post's engagement
rate on the log scale (interactions per unit of exposure: reach, else impressions, else
views) against the median of its peers, again in robust standard deviations.

`score` is that distance: 3.5 means "3.5 robust standard deviations from expected"; under a
normal distribution about 1 day in 2,000 goes that far by chance.
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


@dataclass(frozen=True)
class DayAnomaly:
    day: str
    platform: str
    account_id: int
    account: str
    metric: str
    value: float
    expected: float
    low: float
    high: float
    score: float  # signed: above (+) or below (−) expected, in robust standard deviations


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


def _baseline(logged: pd.Series, threshold: float) -> tuple[np.ndarray, float]:
    """Expected log values (trend + weekday pattern) and the robust sd of the rest.

    STL with a smooth trend (29 days) and a slowly changing weekday pattern (13 weeks), fitted
    twice: the second time with the days the first fit found unusual replaced by their
    expected values, so a spike does not pull its own baseline up."""
    from statsmodels.tsa.seasonal import STL

    values = logged.copy()
    base = np.zeros(len(values))
    sd = 1.0
    for _ in range(2):
        fit = STL(values, period=7, seasonal=13, trend=29).fit()
        base = (fit.trend + fit.seasonal).to_numpy()
        rest = logged.to_numpy() - base
        z, med, sd = robust_z(rest)
        base = base + med
        values = logged.where(np.abs(z) < threshold, pd.Series(base, index=logged.index))
    return base, sd


def day_anomalies(
    series: pd.DataFrame,
    metric: str,
    threshold: float = THRESHOLD,
) -> tuple[list[DayAnomaly], list[Skipped]]:
    """`series`: day, account_id, platform, account, value (one metric, daily)."""
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
        # a ufunc on a Series gives a Series (numpy's stubs say ndarray)
        logged = cast(pd.Series, np.log1p(full.interpolate(limit_direction="both")))
        base, sd = _baseline(logged, threshold)
        z = (logged.to_numpy() - base) / sd
        for i in np.flatnonzero((np.abs(z) >= threshold) & full.notna().to_numpy()):
            found.append(
                DayAnomaly(
                    day=full.index[int(i)].date().isoformat(),
                    platform=str(platform),
                    account_id=int(acc),
                    account=str(name),
                    metric=metric,
                    value=float(full.iloc[i]),
                    expected=float(np.expm1(base[i])),
                    low=float(max(np.expm1(base[i] - threshold * sd), 0.0)),
                    high=float(np.expm1(base[i] + threshold * sd)),
                    score=round(float(z[i]), 2),
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
) -> AnomalyResult:
    days: list[DayAnomaly] = []
    skipped: list[Skipped] = []
    for metric, frame in day_series:
        d, s = day_anomalies(frame, metric, threshold)
        days += d
        skipped += s
    p, s = post_anomalies(posts, threshold)
    skipped += s
    days.sort(key=lambda a: -abs(a.score))
    p.sort(key=lambda a: -abs(a.score))
    return AnomalyResult(
        tuple(days),
        tuple(p),
        tuple(skipped),
        threshold,
        Phrase(
            "STL (period 7, fitted twice) on log1p for days; robust z of log engagement "
            "rate among peers for posts; |score| ≥ %(threshold)s",
            threshold=Num(threshold),
        ),
    )
