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

import numpy as np
import pandas as pd

from socialdesk.ads.kpis import with_results
from socialdesk.estimates import Estimate
from socialdesk.phrases import Num, Phrase

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


def _fit(days: pd.DataFrame, k: str, n: str) -> tuple[Estimate, float] | str:
    import statsmodels.api as sm

    x = np.log2(days["frequency"].to_numpy(float))
    succ = days[k].to_numpy(float)
    trials = days[n].to_numpy(float)
    if np.any(succ > trials):
        return Phrase("more events than exposures on some days")
    exog = sm.add_constant(x)
    try:
        # proportions weighted by their exposures: the Pearson scale is then per day
        res = sm.GLM(succ / trials, exog, family=sm.families.Binomial(), var_weights=trials).fit(
            scale="X2"
        )
    except Exception as exc:
        return Phrase("the model could not be fitted (%(error)s)", error=type(exc).__name__)
    slope, se = float(res.params[1]), float(res.bse[1])
    if not np.isfinite(se):
        return Phrase("the model could not be fitted (no spread)")
    est = Estimate(
        float(np.exp(slope)),
        float(np.exp(slope - 1.96 * se)),
        float(np.exp(slope + 1.96 * se)),
        0.95,
        len(days),
        Phrase("quasi-binomial GLM on log2 frequency (odds ratio per doubling)"),
    )
    return est, float(res.pvalues[1])


def check_fatigue(
    rows: pd.DataFrame, *, metric: str = "ctr", alpha: float = 0.05
) -> list[FatigueCheck]:
    """Fatigue checks of every ad in `rows` (additive daily rows at ad level)."""
    from statsmodels.stats.multitest import multipletests

    if metric not in ("ctr", "conversion_rate"):
        raise ValueError("metric must be 'ctr' or 'conversion_rate'")
    if rows.empty:
        return []
    f = with_results(rows)
    f = f[(f["date_start"] == f["date_end"]) & f["ad_id"].notna()]
    f = f.assign(clicks_used=f["link_clicks"].where(f["link_clicks"].notna(), f["clicks"]))
    k, n = ("clicks_used", "impressions") if metric == "ctr" else ("result", "clicks_used")
    pending: list[dict] = []
    for ad_id, all_days in f.groupby("ad_id", sort=False):
        first = all_days.iloc[0]
        if metric == "conversion_rate" and first["result_label"] in (
            "Link clicks",
            "Clicks",
            "Reach",
            None,
        ):
            continue
        g = all_days[
            all_days["frequency"].notna()
            & (all_days["frequency"] > 0)
            & all_days[n].notna()
            & (all_days[n] > 0)
        ]
        g = g.assign(**{k: g[k].fillna(0.0)}).sort_values("frequency")
        base = {
            "ad_id": int(ad_id),
            "ad": str(first["ad"]),
            "ad_set": str(first["ad_set"]),
            "campaign": str(first["campaign"]),
            "metric": metric,
            "days": len(g),
        }
        if len(g) == 0:
            none = Estimate(
                None, None, None, 0.95, 0, Phrase("not enough data: no frequency in the export")
            )
            pending.append(
                {
                    **base,
                    "frequency_low": None,
                    "frequency_high": None,
                    "rate_low": none,
                    "rate_high": none,
                    "odds": none,
                    "p": None,
                    "reason": Phrase("no days with a frequency (Meta exports give one)"),
                }
            )
            continue
        thirds = np.array_split(np.arange(len(g)), 3)
        low, high = g.iloc[thirds[0]], g.iloc[thirds[-1]]
        base.update(
            frequency_low=float(low["frequency"].mean()) if len(low) else None,
            frequency_high=float(high["frequency"].mean()) if len(high) else None,
            rate_low=_rate(float(low[k].sum()), float(low[n].sum())),
            rate_high=_rate(float(high[k].sum()), float(high[n].sum())),
        )
        reason = None
        if len(g) < MIN_DAYS:
            reason = Phrase(
                "%(n)s days with a frequency, at least %(min)s needed", n=len(g), min=MIN_DAYS
            )
        elif g[k].sum() < MIN_EVENTS:
            reason = Phrase(
                "%(n)s events, at least %(min)s needed",
                n=Num(float(g[k].sum()), ".0f"),
                min=MIN_EVENTS,
            )
        elif base["frequency_high"] < MIN_FREQ_SPREAD * base["frequency_low"]:
            reason = Phrase(
                "frequency hardly varied (%(low)s to %(high)s)",
                low=Num(base["frequency_low"], ".2f"),
                high=Num(base["frequency_high"], ".2f"),
            )
        fitted = reason or _fit(g, k, n)
        if isinstance(fitted, str):
            pending.append(
                {
                    **base,
                    "odds": Estimate(
                        None,
                        None,
                        None,
                        0.95,
                        len(g),
                        Phrase("not enough data: %(reason)s", reason=fitted),
                    ),
                    "p": None,
                    "reason": fitted,
                }
            )
        else:
            pending.append({**base, "odds": fitted[0], "p": fitted[1], "reason": None})
    tested = [i for i, p in enumerate(pending) if p["p"] is not None]
    adjusted: dict[int, float] = {}
    if tested:
        adj = multipletests([pending[i]["p"] for i in tested], alpha=alpha, method="holm")[1]
        adjusted = dict(zip(tested, (float(a) for a in adj), strict=True))
    out = []
    for i, p in enumerate(pending):
        odds: Estimate = p["odds"]
        p_adj = adjusted.get(i)
        flagged = bool(p_adj is not None and p_adj < alpha and odds.ok and odds.value < 1)  # type: ignore[operator]
        out.append(
            FatigueCheck(
                ad_id=p["ad_id"],
                ad=p["ad"],
                ad_set=p["ad_set"],
                campaign=p["campaign"],
                metric=metric,
                days=p["days"],
                frequency_low=p["frequency_low"],
                frequency_high=p["frequency_high"],
                rate_low=p["rate_low"],
                rate_high=p["rate_high"],
                odds_ratio_per_doubling=odds,
                p_value=p["p"],
                p_adjusted=p_adj,
                flagged=flagged,
                evidence=_evidence(p, odds, p_adj, flagged, len(tested), metric),
            )
        )
    out.sort(key=lambda c: (not c.flagged, c.p_adjusted if c.p_adjusted is not None else 2.0))
    return out


def _evidence(
    p: dict, odds: Estimate, p_adj: float | None, flagged: bool, m: int, metric: str
) -> str:
    if p["reason"]:
        return Phrase("not checked: %(reason)s", reason=p["reason"])
    name = "CTR" if metric == "ctr" else Phrase("conversion rate")
    lo, hi = p["rate_low"], p["rate_high"]
    values = {
        "name": name,
        "low": Num(lo.value, ".2%"),
        "f_low": Num(p["frequency_low"], ".2f"),
        "high": Num(hi.value, ".2%"),
        "f_high": Num(p["frequency_high"], ".2f"),
        "days": p["days"],
        "odds": Num(odds.value, ".2f"),
        "odds_low": Num(odds.low, ".2f"),
        "odds_high": Num(odds.high, ".2f"),
        "p": Num(p_adj, ".3g"),
        "m": m,
    }
    if lo.ok and hi.ok and lo.value:
        text = Phrase(
            "%(name)s %(low)s at frequency %(f_low)s and %(high)s at %(f_high)s "
            "(%(change)s) over %(days)s days; odds x%(odds)s per doubling of frequency "
            "(95%% CI %(odds_low)s-%(odds_high)s), p = %(p)s after Holm over %(m)s ads",
            change=Num(hi.value / lo.value - 1, "+.0%"),
            **values,
        )
    else:
        text = Phrase(
            "%(name)s %(low)s at frequency %(f_low)s and %(high)s at %(f_high)s over "
            "%(days)s days; odds x%(odds)s per doubling of frequency (95%% CI "
            "%(odds_low)s-%(odds_high)s), p = %(p)s after Holm over %(m)s ads",
            **values,
        )
    if flagged:
        return Phrase(
            "fatigue: %(evidence)s. Refresh the creative or widen the audience.", evidence=text
        )
    return Phrase("no sign of fatigue: %(evidence)s", evidence=text)


__all__ = ["FatigueCheck", "check_fatigue"]
