"""Any catalogue metric for any slice, from the sums queries.pair_sums() returns.

Pure functions over frames. Counted figures (a sum of impressions) are exact; rates are
ratio estimates over the units of the slice (posts, days, rows) with a delta-method interval,
so "4.1% (3.6–4.6%), 212 posts" says how firm the figure is. Below MIN_UNITS units there is
no estimate, and the result says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from socialdesk.catalogue import Metric, get_metric
from socialdesk.estimates import Estimate

MIN_UNITS = 5
LEVEL = 0.95
ORGANIC = ("facebook", "instagram", "linkedin", "x", "tiktok", "youtube", "other")
ADS = ("meta_ads", "google_ads", "linkedin_ads", "x_ads")
DOMAIN_OF_TABLE = {
    "post_metrics": "posts",
    "account_day": "account_days",
    "ad_day": "ads",
    "web_day": "web",
    "search_performance": "search",
}
UNIT_NAMES = {
    "posts": "posts",
    "account_days": "days",
    "ads": "ad rows",
    "web": "report rows",
    "search": "days",
}


@dataclass(frozen=True)
class KpiValue:
    """One metric for one group of a slice."""

    metric: str
    group: dict[str, Any]
    value: Estimate
    domain: str
    numerator: float | None = None  # the sums the figure is made of, to check by hand
    denominator: float | None = None
    units: int = 0  # rows in the slice (posts, days...), known or not
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class KpiResult:
    metric: str
    domain: str
    unit_name: str
    formula: str
    start: str
    end: str
    values: tuple[KpiValue, ...]
    note: str = ""


# -- where a metric can be computed -----------------------------------------------------------
def _tables_of(term: str) -> set[str]:
    out: set[str] = set()
    for alt in term.split("|"):
        if alt == "posts":
            out |= {"post_metrics"}
            continue
        for part in alt.split("*"):
            m = get_metric(part)
            if m.kind == "sum":
                found: set[str] = set()
                for t in m.terms:
                    found |= _tables_of(t)
                out |= found
            else:
                out |= set(m.tables)
    return out


def domains_for(metric: Metric) -> tuple[str, ...]:
    """The domains where every input of `metric` is stored, best first."""
    if not metric.available:
        return ()
    if metric.kind == "base":
        tables = set(metric.tables)
    elif metric.kind in ("per_follower", "growth"):
        tables = {"post_metrics"} if metric.kind == "per_follower" else {"account_day"}
    else:
        terms = metric.terms or tuple(t for t in (metric.numerator, metric.denominator) if t)
        sets = [_tables_of(t) for t in terms]
        tables = set.intersection(*sets) if sets else set()
    order = ("post_metrics", "ad_day", "account_day", "web_day", "search_performance")
    return tuple(DOMAIN_OF_TABLE[t] for t in order if t in tables)


def domain_for(metric: Metric, platform: str | None = None, asked: str | None = None) -> str:
    """The domain to compute `metric` in for a platform (or the one asked, when possible)."""
    possible = domains_for(metric)
    if not possible:
        raise ValueError(f"{metric.name} is not stored anywhere socialdesk can compute it")
    if asked:
        if asked not in possible:
            raise ValueError(
                f"{metric.name} cannot be computed from {asked}; try {', '.join(possible)}"
            )
        return asked
    prefer = {"ga4": "web", "search_console": "search"}.get(platform or "")
    if platform in ADS:
        prefer = "ads"
    if prefer in possible:
        return prefer
    return possible[0]


def pairs_for(metric: Metric) -> list[tuple[str, str | None]]:
    """The (numerator, denominator) sums a metric needs; pair 0 is the figure itself."""
    if metric.kind in ("base",) and metric.aggregate == "weighted_mean":
        return [(f"{metric.name}*{metric.weight}", metric.weight)]
    if metric.kind in ("base", "sum"):
        return [(metric.name, None)]
    if metric.kind == "ratio":
        return [(metric.numerator or "", metric.denominator)]
    if metric.kind == "per_follower":
        return [(metric.numerator or "", None)]
    raise ValueError(f"{metric.name} ({metric.kind}) is not computed from sums")


# -- the statistics ------------------------------------------------------------------------
def _t(n: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + LEVEL / 2, max(n - 1, 1)))


def ratio_estimate(
    n: float,
    sy: float,
    sx: float,
    syy: float,
    sxx: float,
    sxy: float,
    *,
    scale: float = 1.0,
    nonnegative: bool = True,
    unit: str = "units",
) -> Estimate:
    """R = Σy/Σx over n units, with the delta-method (linearisation) interval of a ratio
    estimator: var(R) = Σ(y − R·x)² / (n(n−1)·x̄²)."""
    n_int = int(n or 0)
    sy, sx, syy, sxx, sxy = (float(v) for v in (sy, sx, syy, sxx, sxy))
    if n_int < MIN_UNITS:
        return Estimate.not_enough(n_int, f"{n_int} {unit}, at least {MIN_UNITS} needed", LEVEL)
    if not sx:
        return Estimate.not_enough(n_int, "the denominator is zero", LEVEL)
    r = sy / sx
    resid = max(syy - 2 * r * sxy + r * r * sxx, 0.0)
    xbar = sx / n_int
    se = math.sqrt(resid / (n_int * (n_int - 1))) / abs(xbar)
    half = _t(n_int) * se
    low, high = r - half, r + half
    if nonnegative:
        low = max(low, 0.0)
    return Estimate(
        r * scale,
        low * scale,
        high * scale,
        LEVEL,
        n_int,
        f"ratio of sums over {n_int} {unit}, delta-method {LEVEL:.0%} interval",
    )


def mean_estimate(n: float, sy: float, syy: float, *, unit: str = "units") -> Estimate:
    n_int = int(n or 0)
    if n_int < MIN_UNITS:
        return Estimate.not_enough(n_int, f"{n_int} {unit}, at least {MIN_UNITS} needed", LEVEL)
    mean = sy / n_int
    var = max(syy - sy * sy / n_int, 0.0) / (n_int - 1)
    half = _t(n_int) * math.sqrt(var / n_int)
    return Estimate(
        mean, mean - half, mean + half, LEVEL, n_int, f"mean over {n_int} {unit}, t interval"
    )


def _num(row: Mapping[str, Any], key: str) -> float:
    v = row.get(key)
    return 0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def kpi_from_sums(
    metric: Metric,
    row: Mapping[str, Any],
    domain: str,
    followers: float | None = None,
) -> tuple[Estimate, float | None, float | None]:
    """(estimate, numerator sum, denominator sum) of `metric` from one pair_sums row."""
    unit = UNIT_NAMES.get(domain, "units")
    n, sy, sx = _num(row, "n_0"), _num(row, "sy_0"), _num(row, "sx_0")
    syy, sxx, sxy = _num(row, "syy_0"), _num(row, "sxx_0"), _num(row, "sxy_0")
    if not metric.available:
        return (
            Estimate.not_enough(0, "this metric needs the inbox, which has no data yet"),
            None,
            None,
        )
    if metric.kind in ("base", "sum") and metric.aggregate != "weighted_mean":
        if n == 0:
            return Estimate.not_enough(0, f"no {unit} with {metric.name}"), None, None
        return Estimate.exact(sy, int(n), f"sum over {int(n)} {unit}"), sy, None
    if metric.kind == "per_follower":
        if not followers:
            return Estimate.not_enough(int(n), "no follower counts for this slice"), sy, None
        mean = mean_estimate(n, sy, syy, unit=unit)
        if not mean.ok:
            return mean, sy, followers
        est = mean.scaled(1.0 / followers)
        return (
            Estimate(
                est.value,
                max(est.low or 0.0, 0.0),
                est.high,
                LEVEL,
                est.n,
                f"{metric.numerator} per post ({mean.method}) / average followers "
                f"({followers:,.0f})",
            ),
            sy,
            followers,
        )
    est = ratio_estimate(n, sy, sx, syy, sxx, sxy, scale=metric.scale, unit=unit)
    return est, sy, sx


def growth_estimate(days: Sequence[Any], counts: Sequence[float]) -> tuple[Estimate, Estimate]:
    """(growth over the window, daily growth rate), from a daily follower series.

    The series is read as a random walk with drift on the log scale: the drift is the mean of
    the day-to-day log changes, its interval a t interval over them. The growth over the
    window is the observed last/first − 1 (exact), its interval the drift's, compounded."""
    s = pd.Series(list(counts), index=pd.to_datetime(pd.Index(list(days)))).sort_index()
    s = s[s > 0]
    if len(s) < MIN_UNITS + 1:
        nope = Estimate.not_enough(
            len(s), f"{len(s)} days with a follower count, at least {MIN_UNITS + 1} needed"
        )
        return nope, nope
    when = cast(pd.DatetimeIndex, s.index)  # built from pd.to_datetime; stubs say Index
    gaps = (when[1:] - when[:-1]).days.to_numpy()
    steps = np.diff(np.log(s.to_numpy())) / gaps  # per-day log change, also across gaps
    n = len(steps)
    drift = float(steps.mean())
    se = float(steps.std(ddof=1)) / math.sqrt(n) if n > 1 else float("nan")
    half = _t(n) * se
    span = int((s.index[-1] - s.index[0]).days)
    daily = Estimate(
        math.expm1(drift),
        math.expm1(drift - half),
        math.expm1(drift + half),
        LEVEL,
        n,
        f"mean daily log change over {n} steps, t interval",
    )
    total = Estimate(
        float(s.iloc[-1] / s.iloc[0] - 1),
        math.expm1((drift - half) * span),
        math.expm1((drift + half) * span),
        LEVEL,
        n,
        f"observed over {span} days; interval from the daily changes",
    )
    return total, daily


def group_label(row: Mapping[str, Any], group_by: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for g in group_by:
        v: Any = row.get(g)  # a cell: a numpy scalar (has .item()) or a Python value
        out[g] = v.item() if hasattr(v, "item") else v
    return out
