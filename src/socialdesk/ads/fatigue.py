"""Ad fatigue: an ad's CTR (or conversion rate) falling as its frequency rises.

For each ad with daily rows that give a frequency (Meta does; Google Ads does not), a
quasi-binomial GLM (statsmodels; the scale is estimated, so day-to-day swings beyond the
binomial widen the interval) of its daily link clicks per impression on log frequency gives
the change in the odds of a click per doubling of frequency. The evidence shown beside a
flag: the rate in the lowest and the highest third of the ad's days by frequency, the slope
with its interval, and the p-value after a Holm correction over all ads checked (with many
ads, some would "fall" by chance alone).

An ad is flagged when the slope is negative and the corrected p-value is below alpha. Ads
with too few days, too little spread in frequency or too few clicks are listed with the
reason instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from socialdesk.ads import explain as E
from socialdesk.ads.kpis import with_results
from socialdesk.estimates import Estimate, holm
from socialdesk.phrases import Phrase

MIN_DAYS = 14
MIN_EVENTS = 30
MIN_FREQ_SPREAD = 1.15  # highest third's mean frequency over the lowest third's


@dataclass(frozen=True)
class FatigueCheck:
    ad_id: int
    ad: str
    ad_set: str
    campaign: str
    metric: str  # "ctr" or "conversion_rate"
    days: int
    frequency_low: float | None  # mean frequency of the lowest third of days
    frequency_high: float | None
    rate_low: Estimate  # the rate in those days
    rate_high: Estimate
    odds_ratio_per_doubling: Estimate  # < 1: the rate falls as frequency rises
    p_value: float | None
    p_adjusted: float | None
    flagged: bool
    evidence: str


def _rate(k: float, n: float) -> Estimate:
    from statsmodels.stats.proportion import proportion_confint

    if n <= 0 or k > n:
        return Estimate.not_enough(int(max(n, 0)), "no exposures")
    lo, hi = proportion_confint(k, n, method="wilson")
    return Estimate(k / n, float(lo), float(hi), 0.95, int(n), "Wilson interval")


def _fit(days: pd.DataFrame, k: str, n: str) -> tuple[Estimate, float] | tuple[str, str]:
    """(odds ratio per doubling, p-value), or (why not, the error's name): "events" (more
    events than exposures), "error" or "no spread"; `explain.fatigue_reason` says it."""
    import statsmodels.api as sm

    x = np.log2(days["frequency"].to_numpy(float))
    succ = days[k].to_numpy(float)
    trials = days[n].to_numpy(float)
    if np.any(succ > trials):
        return "events", ""
    exog = sm.add_constant(x)
    try:
        # proportions weighted by their exposures: the Pearson scale is then per day
        res = sm.GLM(succ / trials, exog, family=sm.families.Binomial(), var_weights=trials).fit(
            scale="X2"
        )
    except Exception as exc:
        return "error", type(exc).__name__
    slope, se = float(res.params[1]), float(res.bse[1])
    if not np.isfinite(se):
        return "no spread", ""
    est = Estimate(
        value=float(np.exp(slope)),
        low=float(np.exp(slope - 1.96 * se)),
        high=float(np.exp(slope + 1.96 * se)),
        level=0.95,
        n=len(days),
        method=Phrase("quasi-binomial GLM on log2 frequency (odds ratio per doubling)"),
    )
    return est, float(res.pvalues[1])


@dataclass(frozen=True)
class AdDays:
    """What one ad's days allow: the rates of its lowest and highest third by frequency, and
    the fitted slope or the check that stopped it (`why_not`: "no frequency", "days",
    "events", "spread", or from the fit "events", "error", "no spread")."""

    ad_id: int
    ad: str
    ad_set: str
    campaign: str
    days: int  # days with a frequency and exposures
    events: float = 0.0  # clicks (or results) on those days
    frequency_low: float | None = None
    frequency_high: float | None = None
    rate_low: Estimate | None = None
    rate_high: Estimate | None = None
    odds: Estimate | None = None  # odds ratio per doubling of frequency
    p: float | None = None
    why_not: str | None = None
    stage: str = "check"  # "check": an eligibility check stopped it; "fit": the model did
    error: str = ""  # the exception's name when the fit failed


def _eligible(first: pd.Series, metric: str) -> bool:
    """Whether an ad has results to take a conversion rate of (always, for CTR)."""
    return not (
        metric == "conversion_rate"
        and first["result_label"] in ("Link clicks", "Clicks", "Reach", None)
    )


def _measure(ad_id: object, all_days: pd.DataFrame, k: str, n: str) -> AdDays:
    """The ad's days with a frequency and exposures: the thirds' rates, the checks (at least
    MIN_DAYS days, MIN_EVENTS events, a MIN_FREQ_SPREAD spread) and the fit."""
    first = all_days.iloc[0]
    g = all_days[
        all_days["frequency"].notna()
        & (all_days["frequency"] > 0)
        & all_days[n].notna()
        & (all_days[n] > 0)
    ]
    g = g.assign(**{k: g[k].fillna(0.0)}).sort_values("frequency")
    ad = partial(
        AdDays,
        ad_id=int(ad_id),  # type: ignore[call-overload]
        ad=str(first["ad"]),
        ad_set=str(first["ad_set"]),
        campaign=str(first["campaign"]),
        days=len(g),
    )
    if len(g) == 0:
        return ad(why_not="no frequency")
    thirds = np.array_split(np.arange(len(g)), 3)
    low, high = g.iloc[thirds[0]], g.iloc[thirds[-1]]
    f_low = float(low["frequency"].mean()) if len(low) else None
    f_high = float(high["frequency"].mean()) if len(high) else None
    ad = partial(
        ad,
        events=float(g[k].sum()),
        frequency_low=f_low,
        frequency_high=f_high,
        rate_low=_rate(float(low[k].sum()), float(low[n].sum())),
        rate_high=_rate(float(high[k].sum()), float(high[n].sum())),
    )
    if len(g) < MIN_DAYS:
        return ad(why_not="days")
    if g[k].sum() < MIN_EVENTS:
        return ad(why_not="events")
    if f_high < MIN_FREQ_SPREAD * f_low:  # type: ignore[operator]
        return ad(why_not="spread")
    fitted = _fit(g, k, n)
    if isinstance(fitted[0], str):
        return ad(why_not=fitted[0], stage="fit", error=str(fitted[1]))
    return ad(odds=fitted[0], p=float(fitted[1]))


def check_fatigue(
    rows: pd.DataFrame, *, metric: str = "ctr", alpha: float = 0.05
) -> list[FatigueCheck]:
    """Fatigue checks of every ad in `rows` (additive daily rows at ad level)."""

    if metric not in ("ctr", "conversion_rate"):
        raise ValueError("metric must be 'ctr' or 'conversion_rate'")
    if rows.empty:
        return []
    f = with_results(rows)
    f = f[(f["date_start"] == f["date_end"]) & f["ad_id"].notna()]
    f = f.assign(clicks_used=f["link_clicks"].where(f["link_clicks"].notna(), f["clicks"]))
    k, n = ("clicks_used", "impressions") if metric == "ctr" else ("result", "clicks_used")
    ads = [
        _measure(ad_id, all_days, k, n)
        for ad_id, all_days in f.groupby("ad_id", sort=False)
        if _eligible(all_days.iloc[0], metric)
    ]
    tested = {i: a.p for i, a in enumerate(ads) if a.p is not None}
    adjusted = dict(zip(tested, holm(tested.values()), strict=True))
    out = []
    for i, a in enumerate(ads):
        reason = E.fatigue_reason(a) if a.why_not else None
        if a.why_not == "no frequency":
            odds = rate_low = rate_high = E.no_frequency()
        else:
            odds = a.odds if a.odds is not None else E.fatigue_not_enough(a.days, reason or "")
            # _measure sets both rates whenever the ad has days with a frequency
            assert a.rate_low is not None and a.rate_high is not None
            rate_low, rate_high = a.rate_low, a.rate_high
        p_adj = adjusted.get(i)
        flagged = bool(p_adj is not None and p_adj < alpha and odds.ok and odds.value < 1)  # type: ignore[operator]
        out.append(
            FatigueCheck(
                ad_id=a.ad_id,
                ad=a.ad,
                ad_set=a.ad_set,
                campaign=a.campaign,
                metric=metric,
                days=a.days,
                frequency_low=a.frequency_low,
                frequency_high=a.frequency_high,
                rate_low=rate_low,
                rate_high=rate_high,
                odds_ratio_per_doubling=odds,
                p_value=a.p,
                p_adjusted=p_adj,
                flagged=flagged,
                evidence=E.fatigue_evidence(
                    a, odds, p_adj, flagged, len(tested), metric, reason=reason
                ),
            )
        )
    out.sort(key=lambda c: (not c.flagged, c.p_adjusted if c.p_adjusted is not None else 2.0))
    return out


__all__ = ["AdDays", "FatigueCheck", "check_fatigue"]
