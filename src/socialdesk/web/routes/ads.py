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
from socialdesk.i18n import formats
from socialdesk.web.deps import LocaleDep, SessionDep, Viewer, WorkspaceDep
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


@page(router, "/ads", "ads/report.html", name="ads")
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
@page(router, "/ads/pacing", "ads/pacing.html", name="ads_pacing")
def ads_pacing(session: SessionDep, ws: WorkspaceDep, _who: Viewer) -> View:
    """Budgets against spend to date (/ads/pacing, /ads/pacing.json)."""
    return View(run.pacing(session, ws), tab="pacing")


# -- tests and fatigue ---------------------------------------------------------------------
@page(router, "/ads/tests", "ads/tests.html", name="ads_tests")
def ads_tests(
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Viewer,
    metric: QMetric = "ctr",
    level: QTestLevel = "ad",
) -> View:
    """Creative and audience tests (/ads/tests, /ads/tests.json)."""
    return View(run.tests(session, ws, metric=metric, level=level), tab="tests")


@page(router, "/ads/fatigue", "ads/fatigue.html", name="ads_fatigue")
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


@page(router, "/ads/budget", "ads/budget.html", name="ads_budget")
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
