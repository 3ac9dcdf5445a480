"""The ad figures per account, campaign, ad set and ad, per period and per day.

Every figure is recomputed from the stored facts (spend, impressions, clicks, results...),
never taken from an export's derived columns:

    CTR = clicks / impressions            CPC = spend / clicks
    link CTR = link clicks / impressions  CPM = 1000 * spend / impressions
    CPA = spend / results                 ROAS = conversion value / spend
    conversion rate = results / link clicks (clicks where there are no link clicks)

Spend is always shown with its currency; totals are per currency, and only converted into
one when the caller states the rates. A campaign's "results" are what its export calls
results (Meta's Results with their Result type); an account whose exports have no results
(Google Ads, LinkedIn) counts its conversions; without those, its link clicks. The
attribution setting of each platform's rows is carried beside the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from socialdesk.ads.delivery import additive_rows, entity_key
from socialdesk.estimates import Estimate
from socialdesk.phrases import Phrase

SUMMED = ("spend", "impressions", "clicks", "link_clicks", "conversions", "conversion_value")


@dataclass(frozen=True)
class Figures:
    """The figures of one entity (or a total) over one period, in one currency."""

    currency: str | None
    spend: float | None
    impressions: float | None
    reach: float | None  # only where one row gives it for this entity and period
    frequency: float | None
    clicks: float | None
    link_clicks: float | None
    results: Mapping[str, float]  # result type -> count
    result_type: str | None  # the main one (CPA and conversion rate refer to it)
    conversions: float | None
    conversion_value: float | None
    ctr: Estimate
    link_ctr: Estimate
    conversion_rate: Estimate
    cpc: float | None
    cpm: float | None
    cpa: float | None
    roas: float | None
    attribution: tuple[str, ...]
    days: int

    @property
    def main_results(self) -> float | None:
        return None if self.result_type is None else self.results.get(self.result_type)


@dataclass(frozen=True)
class ReportRow:
    level: str
    id: int
    name: str
    platform: str
    account: str
    campaign: str
    figures: Figures
    daily: tuple[tuple[dt.date, float, float], ...] = ()  # (day, spend, main results)


@dataclass(frozen=True)
class AdsReport:
    """The ads table of a period: one row per entity, totals per currency."""

    level: str
    start: dt.date | None
    end: dt.date | None
    rows: tuple[ReportRow, ...]
    totals: Mapping[str, Figures]  # currency -> figures
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(self.totals)


def _sum(series: pd.Series) -> float | None:
    value = series.sum(min_count=1)
    return None if pd.isna(value) else float(value)


def _div(a: float | None, b: float | None, scale: float = 1.0) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return scale * a / b


def proportion(successes: float | None, trials: float | None, what: str) -> Estimate:
    """A rate with its 95% Wilson interval (the trials are the exposure)."""
    from statsmodels.stats.proportion import proportion_confint

    if successes is None or trials is None or trials <= 0:
        return Estimate.not_enough(0, f"no {what}")
    k, n = float(successes), float(trials)
    if k > n:  # e.g. link clicks counted differently from impressions: no binomial interval
        return Estimate(k / n, None, None, 0.95, int(n), "ratio (more events than exposures)")
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return Estimate(k / n, float(low), float(high), 0.95, int(n), "Wilson interval")


def with_results(frame: pd.DataFrame) -> pd.DataFrame:
    """`result` (count) and `result_label` per row (see the module doc).

    What counts as a result is decided per ad account, so one export is read one way: its
    Results column when it has one (each campaign labelled by its result type), else its
    conversions, else its link clicks or clicks. A campaign without any figure in that column
    has no results (unknown, not zero).
    """
    f = frame.copy()
    f["result"] = np.nan
    f["result_label"] = None
    if f.empty:
        return f
    chosen = pd.Series(None, index=f.index, dtype=object)
    for col in ("results", "conversions", "link_clicks", "clicks"):
        in_account = f[col].notna().groupby(f["account_id"]).transform("any")
        chosen = chosen.where(chosen.notna() | ~in_account, col)
    labels = {"conversions": "Conversions", "link_clicks": "Link clicks", "clicks": "Clicks"}
    for col in ("results", "conversions", "link_clicks", "clicks"):
        rows = chosen == col
        if not rows.any():
            continue
        part = f.loc[rows]
        in_campaign = part[col].notna().groupby(part["campaign_id"]).transform("any")
        keep = part.index[in_campaign]
        f.loc[keep, "result"] = part.loc[keep, col].fillna(0.0)
        if col != "results":
            f.loc[keep, "result_label"] = labels[col]
            continue
        typed = part.loc[keep]
        main = typed.groupby("campaign_id")["result_type"].agg(
            lambda t: t.mode().iloc[0] if t.notna().any() else "Results"
        )
        fallback = typed["campaign_id"].map(main)
        f.loc[keep, "result_label"] = typed["result_type"].where(
            typed["result_type"].notna(), fallback
        )
    return f


def figures(rows: pd.DataFrame, *, single_entity: bool = True) -> Figures:
    """Figures of `rows`, which must be additive (delivery.additive_rows) and in one currency."""
    cur = rows["currency"].where(rows["currency"].notna(), rows["account_currency"]).dropna()
    currency = str(cur.iloc[0]) if len(cur) else None
    if "result" not in rows.columns:
        rows = with_results(rows)
    s = {c: _sum(rows[c]) for c in SUMMED}
    results = {str(k): float(v) for k, v in rows.groupby("result_label")["result"].sum().items()}
    labels = rows["result_label"].dropna()
    main = None
    if len(labels):
        counts = labels.value_counts()
        main = str(counts.index[0])
    reach = frequency = None
    if single_entity and len(rows) == 1:
        r = rows.iloc[0]
        reach = None if pd.isna(r["reach"]) else float(r["reach"])
        frequency = None if pd.isna(r["frequency"]) else float(r["frequency"])
        if frequency is None and reach and s["impressions"] is not None:
            frequency = s["impressions"] / reach
    main_count = results.get(main) if main else None
    denom = s["link_clicks"] if s["link_clicks"] else s["clicks"]
    periods = set(zip(rows["date_start"], rows["date_end"], strict=True))
    day_count = len({d for a, b in periods for d in range(a.toordinal(), b.toordinal() + 1)})
    attribution = tuple(sorted({str(a) for a in rows["attribution_setting"].dropna()}))
    return Figures(
        currency=currency,
        spend=s["spend"],
        impressions=s["impressions"],
        reach=reach,
        frequency=frequency,
        clicks=s["clicks"],
        link_clicks=s["link_clicks"],
        results=results,
        result_type=main,
        conversions=s["conversions"],
        conversion_value=s["conversion_value"],
        ctr=proportion(s["clicks"], s["impressions"], "impressions"),
        link_ctr=proportion(s["link_clicks"], s["impressions"], "impressions"),
        conversion_rate=proportion(
            main_count if main != "Link clicks" else None, denom, "clicks or results"
        ),
        cpc=_div(s["spend"], s["clicks"]),
        cpm=_div(s["spend"], s["impressions"], 1000.0),
        cpa=_div(s["spend"], main_count),
        roas=_div(s["conversion_value"], s["spend"]),
        attribution=attribution,
        days=day_count,
    )


def _names(rows: pd.DataFrame, level: str) -> tuple[str, str]:
    first = rows.iloc[0]
    name = {
        "account": first["account"],
        "campaign": first["campaign"],
        "ad_set": first["ad_set"],
        "ad": first["ad"],
    }[level]
    return str(name), str(first["campaign"] if level != "account" else "")


def build_report(
    frame: pd.DataFrame,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    level: str = "campaign",
) -> AdsReport:
    """The ads table of [start, end] at `level` from raw stored rows (queries.ad_delivery)."""
    picked = additive_rows(frame, start=start, end=end, level=level)
    rows = with_results(picked.rows)
    out: list[ReportRow] = []
    if not rows.empty:
        rows = rows.assign(
            _key=entity_key(rows, level),
            currency=rows["currency"].where(rows["currency"].notna(), rows["account_currency"]),
        )
        rows = rows[rows["_key"].notna()]
        key: Any  # an entity id (the _key column's type), which pandas-stubs types as Hashable
        for (key, _cur), part in rows.groupby(["_key", "currency"], sort=False, dropna=False):
            name, campaign = _names(part, level)
            fig = figures(part)
            out.append(
                ReportRow(
                    level,
                    int(key),
                    name,
                    str(part["platform"].iloc[0]),
                    str(part["account"].iloc[0]),
                    campaign,
                    fig,
                    _daily(part),
                )
            )
    out.sort(key=lambda r: (r.platform, r.account, r.campaign, -(r.figures.spend or 0.0)))
    totals: dict[str, Figures] = {}
    if not rows.empty:
        for cur, part in rows.groupby("currency", sort=True, dropna=False):
            totals[str(cur) if not pd.isna(cur) else "?"] = figures(part, single_entity=False)
    notes = list(picked.notes)
    if len(totals) > 1:
        notes.append(
            Phrase(
                "spend is in more than one currency (%(currencies)s): totals are per currency; "
                "give exchange rates to add them up.",
                currencies=", ".join(totals),
            )
        )
    return AdsReport(level, start, end, tuple(out), totals, tuple(notes))


def _daily(part: pd.DataFrame) -> tuple[tuple[dt.date, float, float], ...]:
    days = part[part["date_start"] == part["date_end"]]
    if days.empty:
        return ()
    main = days["result_label"].dropna()
    label = main.value_counts().index[0] if len(main) else None
    res = days["result"].where(days["result_label"] == label, 0.0) if label else days["result"]
    g = days.assign(_res=res).groupby("date_start", sort=True)[["spend", "_res"]].sum()
    return tuple(zip(g.index, g["spend"].astype(float), g["_res"].astype(float), strict=True))


@dataclass(frozen=True)
class ConvertedTotal:
    """Spend of several currencies in one, at rates the user stated."""

    currency: str
    spend: float
    rates: Mapping[str, float]  # 1 unit of key currency = rate units of `currency`


def converted_spend(report: AdsReport, rates: Mapping[str, float], target: str) -> ConvertedTotal:
    """Total spend in `target`; every other currency needs a stated rate (KeyError names it)."""
    total = 0.0
    used: dict[str, float] = {}
    for cur, fig in report.totals.items():
        rate = 1.0 if cur == target else rates.get(cur)
        if rate is None:
            raise KeyError(f"no exchange rate {cur} -> {target} was given")
        total += (fig.spend or 0.0) * rate
        used[cur] = rate
    return ConvertedTotal(target, total, used)


def daily_table(
    frame: pd.DataFrame, *, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Per campaign and day: spend, impressions, clicks, results (daily rows only)."""
    picked = additive_rows(frame, start=start, end=end, level="campaign", daily_only=True)
    rows = with_results(picked.rows)
    if rows.empty:
        return pd.DataFrame(
            columns=[
                "campaign_id",
                "campaign",
                "platform",
                "currency",
                "date",
                "spend",
                "impressions",
                "clicks",
                "link_clicks",
                "result",
                "result_label",
                "conversion_value",
            ]
        )
    rows = rows.assign(
        currency=rows["currency"].where(rows["currency"].notna(), rows["account_currency"])
    )
    keys = ["campaign_id", "campaign", "platform", "currency", "date_start"]
    sums = (
        rows.groupby(keys, dropna=False)[
            ["spend", "impressions", "clicks", "link_clicks", "result", "conversion_value"]
        ]
        .sum(min_count=1)  # vectorised: a group without any figure stays empty, never 0
        .reset_index()
    )
    # the result label a group names most often (ties: the first in sort order), as the
    # mode of each group's labels
    labelled = rows[rows["result_label"].notna()]
    if labelled.empty:
        sums["result_label"] = None
    else:
        counts = (
            labelled.groupby([*keys, "result_label"], dropna=False)
            .size()
            .rename("n")
            .reset_index()
            .sort_values([*keys, "n", "result_label"], ascending=[True] * 5 + [False, True])
        )
        modes = counts.drop_duplicates(keys, keep="first")[[*keys, "result_label"]]
        sums = sums.merge(modes, on=keys, how="left")
    out = sums[
        [
            *keys,
            "spend",
            "impressions",
            "clicks",
            "link_clicks",
            "result",
            "result_label",
            "conversion_value",
        ]
    ].rename(columns={"date_start": "date"})
    return out


__all__ = [
    "AdsReport",
    "ConvertedTotal",
    "Figures",
    "ReportRow",
    "build_report",
    "converted_spend",
    "daily_table",
    "figures",
    "proportion",
    "with_results",
]
