"""Advertising: the campaign table, pacing, tests, fatigue, response curves and the budget split.

Thin pages over the skill's seam (socialdesk.ads.run): each page parses its parameters, calls
one seam function and adds what only the HTML needs (charts, the active tab). `page()` declares
each page and its `.json` twin at once; the twin serves the seam's result, field for field what
`socialdesk ads ... --json` prints.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from socialdesk import charts
from socialdesk.ads import run
from socialdesk.ads.response_curves import ResponseCurve, curve_points
from socialdesk.i18n import N_, formats
from socialdesk.overview.definitions import platform_name
from socialdesk.phrases import Join, Phrase
from socialdesk.web.deps import LocaleDep, SessionDep, Viewer, WorkspaceDep
from socialdesk.web.exports import Column, Table, estimate_cells, estimate_columns
from socialdesk.web.pages import View, page

router = APIRouter()

PERIODS = (30, 90, 365, 0)  # 0: all time

QDays = Annotated[int, Query(ge=0, le=3660)]
QLevel = Annotated[Literal["account", "campaign", "ad_set", "ad"], Query()]
QMetric = Annotated[Literal["ctr", "conversion_rate", "cpa"], Query()]
QTestLevel = Annotated[Literal["ad", "ad_set"], Query()]
QRate = Annotated[Literal["ctr", "conversion_rate"], Query()]
QTotal = Annotated[float | None, Query(gt=0, le=1e12)]
QBudgetDays = Annotated[int, Query(ge=1, le=366)]
QChange = Annotated[float, Query(ge=0, le=1)]


# -- the campaign table --------------------------------------------------------------------
def _sparklines(result: run.ReportResult, locale: str) -> dict[str, Any]:
    fmt = formats(locale)
    found: dict[str, Any] = {}
    for row in result.report.rows:
        if len(row.daily) < 2:
            continue
        spec = charts.sparkline_data(
            [d[1] for d in row.daily],
            [d[0] for d in row.daily],
            value_label=functools.partial(fmt.money, currency=row.figures.currency),
            date_label=fmt.date,
            description=row.name,
        )
        if spec:
            found[f"ad-{row.id}"] = spec
    if found:
        found["spark-base"] = charts.sparkline_base()
    return found


def _figure_columns() -> tuple[Column, ...]:
    return (
        Column("spend", N_("Spend")),
        Column("currency", N_("Currency")),
        Column("impressions", N_("Impressions")),
        Column("clicks", N_("Clicks")),
        *estimate_columns("ctr", "CTR"),
        Column("cpc", "CPC"),
        Column("cpm", "CPM"),
    )


def _report_tables(result: run.ReportResult, locale: str) -> list[Table]:
    """The campaign table as the page shows it (the sparkline left out) and its totals."""
    rows = (
        (
            platform_name(r.platform),
            r.name,
            r.campaign if r.level != "campaign" else None,
            r.figures.spend,
            r.figures.currency,
            r.figures.impressions,
            r.figures.clicks,
            *estimate_cells(r.figures.ctr),
            r.figures.cpc,
            r.figures.cpm,
            r.figures.results.get(r.figures.result_type or "") if r.figures.results else None,
            r.figures.result_type,
            r.figures.cpa,
            r.figures.roas,
            ", ".join(r.figures.attribution),
        )
        for r in result.report.rows
    )
    totals = (
        (
            t.spend,
            currency,
            t.impressions,
            t.clicks,
            *estimate_cells(t.ctr),
            t.cpc,
            t.cpm,
        )
        for currency, t in result.report.totals.items()
    )
    return [
        Table(
            "rows",
            N_("Campaigns"),
            (
                Column("platform", N_("Platform")),
                Column("name", N_("Name")),
                Column("campaign", N_("Campaign")),
                *_figure_columns(),
                Column("results", N_("Results")),
                Column("result_type", N_("Result type")),
                Column("cpa", "CPA"),
                Column("roas", "ROAS"),
                Column("attribution", N_("Attribution setting")),
            ),
            rows,
        ),
        Table("totals", N_("Total"), _figure_columns(), totals),
    ]


@page(router, "/ads", "ads/report.html", name="ads", tables=_report_tables)
def ads(
    session: SessionDep,
    ws: WorkspaceDep,
    locale: LocaleDep,
    _who: Viewer,
    days: QDays = 90,
    level: QLevel = "campaign",
) -> View:
    """The campaign table (/ads, /ads.json)."""
    result = run.report(session, ws, period=run.Period(days), level=level)
    return View(result, tab="report", periods=PERIODS, charts=_sparklines(result, locale))


# -- pacing --------------------------------------------------------------------------------
def _pacing_tables(result: run.PacingResult, locale: str) -> list[Table]:
    rows = (
        (
            Phrase("All campaigns") if r.budget.scope == "*" else r.budget.scope,
            r.budget.source,
            r.budget.start,
            r.budget.end,
            r.budget.amount,
            r.budget.currency,
            r.spent,
            r.expected_to_date,
            *estimate_cells(r.projected),
            r.message,
        )
        for r in result.rows
    )
    columns = (
        Column("budget", N_("Budget")),
        Column("source", N_("Source")),
        Column("start", N_("Start")),
        Column("end", N_("End")),
        Column("amount", N_("Amount")),
        Column("currency", N_("Currency")),
        Column("spent", N_("Spent")),
        Column("plan_to_date", N_("Plan to date")),
        *estimate_columns("projected", N_("Projected at the end")),
        Column("status", N_("Status")),
    )
    return [Table("pacing", N_("Pacing"), columns, rows)]


@page(router, "/ads/pacing", "ads/pacing.html", name="ads_pacing", tables=_pacing_tables)
def ads_pacing(session: SessionDep, ws: WorkspaceDep, _who: Viewer) -> View:
    """Budgets against spend to date (/ads/pacing, /ads/pacing.json)."""
    return View(run.pacing(session, ws), tab="pacing")


# -- tests and fatigue ---------------------------------------------------------------------
def _tests_tables(result: run.TestsResult, locale: str) -> list[Table]:
    """One row per variant, with its test (campaign and group) in front."""
    cpa = result.metric == "cpa"
    rows = (
        (
            t.campaign,
            t.group,
            v.name,
            *estimate_cells(v.rate),
            *((v.cpa,) if cpa else ()),
            v.prob_best,
            t.verdict,
        )
        for t in result.tests
        for v in t.variants
    )
    columns = (
        Column("campaign", N_("Campaign")),
        Column("group", N_("Group")),
        Column("variant", N_("Variant")),
        *estimate_columns("rate", N_("Rate (95% interval)")),
        *((Column("cpa", "CPA"),) if cpa else ()),
        Column("prob_best", N_("Chance to be best")),
        Column("verdict", N_("Verdict")),
    )
    return [Table("variants", N_("Tests"), columns, rows)]


@page(router, "/ads/tests", "ads/tests.html", name="ads_tests", tables=_tests_tables)
def ads_tests(
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Viewer,
    metric: QMetric = "ctr",
    level: QTestLevel = "ad",
) -> View:
    """Creative and audience tests (/ads/tests, /ads/tests.json)."""
    return View(run.tests(session, ws, metric=metric, level=level), tab="tests")


def _fatigue_tables(result: run.FatigueResult, locale: str) -> list[Table]:
    rows = (
        (
            c.ad,
            c.campaign,
            c.ad_set,
            c.frequency_low,
            *estimate_cells(c.rate_low),
            c.frequency_high,
            *estimate_cells(c.rate_high),
            c.flagged,
            c.evidence,
        )
        for c in result.checks
    )
    columns = (
        Column("ad", N_("Ad")),
        Column("campaign", N_("Campaign")),
        Column("ad_set", N_("Ad set")),
        Column("frequency_low", N_("Frequency, low days")),
        *estimate_columns("rate_low", N_("Low frequency")),
        Column("frequency_high", N_("Frequency, high days")),
        *estimate_columns("rate_high", N_("High frequency")),
        Column("flagged", N_("Fatigue")),
        Column("evidence", N_("Evidence")),
    )
    return [Table("fatigue", N_("Fatigue"), columns, rows)]


@page(router, "/ads/fatigue", "ads/fatigue.html", name="ads_fatigue", tables=_fatigue_tables)
def ads_fatigue(session: SessionDep, ws: WorkspaceDep, _who: Viewer, metric: QRate = "ctr") -> View:
    """Ads whose rate falls as frequency rises (/ads/fatigue, /ads/fatigue.json)."""
    return View(run.fatigue(session, ws, metric=metric), tab="fatigue")


# -- response curves and the budget --------------------------------------------------------
def _curve_chart(curve: ResponseCurve, description: str) -> dict[str, Any] | None:
    points = [(x, e) for x, e in curve_points(curve) if e.ok]
    if not points:
        return None
    values = [
        {"spend": round(x, 2), "value": e.value, "low": e.low, "high": e.high} for x, e in points
    ]
    enc = {"x": {"field": "spend", "type": "quantitative", "title": None}}
    return {
        "$schema": charts.SCHEMA,
        "description": description,
        "width": 320,
        "height": 160,
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "area", "opacity": 0.2, "color": charts.INK},
                "encoding": {
                    **enc,
                    "y": {"field": "low", "type": "quantitative", "title": None},
                    "y2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "line", "color": charts.INK},
                "encoding": {**enc, "y": {"field": "value", "type": "quantitative"}},
            },
        ],
        "config": {"view": {"stroke": None}, "background": None},
    }


@page(router, "/ads/curves", "ads/curves.html", name="ads_curves")
def ads_curves(session: SessionDep, ws: WorkspaceDep, _who: Viewer) -> View:
    """Response curves per campaign (/ads/curves, /ads/curves.json)."""
    result = run.curves(session, ws)
    found = {}
    for c in result.curves:
        spec = _curve_chart(c, c.campaign)
        if spec:
            found[f"curve-{c.campaign_id}"] = spec
    return View(result, tab="curves", charts=found)


def _budget_tables(result: run.BudgetResult, locale: str) -> list[Table]:
    plan = result.plan
    allocations = plan.allocations if plan is not None else ()
    rows = (
        (
            a.campaign,
            platform_name(a.platform),
            a.result_type,
            a.current,
            a.recommended,
            plan.currency if plan is not None else None,
            *estimate_cells(a.expected_current),
            *estimate_cells(a.expected_recommended),
            Join.of(a.reasons, " "),
        )
        for a in allocations
    )
    columns = (
        Column("campaign", N_("Campaign")),
        Column("platform", N_("Platform")),
        Column("result_type", N_("Result type")),
        Column("current", N_("Current")),
        Column("recommended", N_("Recommended")),
        Column("currency", N_("Currency")),
        *estimate_columns("expected_current", N_("Expected now")),
        *estimate_columns("expected_recommended", N_("Expected recommended")),
        Column("why", N_("Why")),
    )
    return [Table("budget", N_("Budget split"), columns, rows)]


@page(router, "/ads/budget", "ads/budget.html", name="ads_budget", tables=_budget_tables)
def ads_budget(
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Viewer,
    total: QTotal = None,
    days: QBudgetDays = 30,
    max_change: QChange = 0.3,
) -> View:
    """The recommended budget split (/ads/budget, /ads/budget.json)."""
    result = run.budget(session, ws, total=total, days=days, max_change=max_change)
    return View(result, tab="budget")
