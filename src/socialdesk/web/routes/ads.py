"""Advertising: the campaign table, pacing, tests, fatigue, response curves and the budget split.

Thin pages over socialdesk.ads: each route reads the delivery rows once (ads.queries), calls
the skill's pure functions and renders a typed page context; every page has a `.json` twin.
The skill's explanations (reasons, verdicts, evidence) are shown as the skill words them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from socialdesk import charts
from socialdesk.ads import queries
from socialdesk.ads.budget import BudgetPlan, recommend_budget
from socialdesk.ads.creative_tests import CreativeTest, compare_variants
from socialdesk.ads.delivery import additive_rows
from socialdesk.ads.fatigue import FatigueCheck, check_fatigue
from socialdesk.ads.kpis import AdsReport, build_report, daily_table
from socialdesk.ads.pacing import PacingRow, PlanInvalid, budget_lines, compute_pacing
from socialdesk.ads.response_curves import ResponseCurve, curve_points, fit_curves
from socialdesk.i18n import formats
from socialdesk.web.deps import ConfigDep, LocaleDep, SessionDep, Viewer, render, render_json

router = APIRouter()

PERIODS = (30, 90, 365, 0)  # 0: all time
TABS = ("report", "pacing", "tests", "fatigue", "curves", "budget")


@dataclass
class AdsReportPage:
    """The campaign table (/ads, /ads.json)."""

    tab: str
    days: int = field(metadata={"help": "Length of the period in days (0: all time)"})
    level: str = field(metadata={"help": "account, campaign, ad_set or ad"})
    start: dt.date | None
    end: dt.date | None
    report: AdsReport
    periods: tuple[int, ...] = PERIODS
    charts: dict[str, Any] = field(default_factory=dict, metadata={"json": False})


@dataclass
class AdsPacingPage:
    """Budgets against spend to date (/ads/pacing, /ads/pacing.json)."""

    tab: str
    today: dt.date | None
    rows: list[PacingRow]
    error: str | None = None


@dataclass
class AdsTestsPage:
    """Creative and audience tests (/ads/tests, /ads/tests.json)."""

    tab: str
    metric: str
    level: str
    tests: list[CreativeTest]


@dataclass
class AdsFatiguePage:
    """Ads whose rate falls as frequency rises (/ads/fatigue, /ads/fatigue.json)."""

    tab: str
    metric: str
    checks: list[FatigueCheck]


@dataclass
class AdsCurvesPage:
    """Response curves per campaign (/ads/curves, /ads/curves.json)."""

    tab: str
    curves: list[ResponseCurve]
    charts: dict[str, Any] = field(default_factory=dict, metadata={"json": False})


@dataclass
class AdsBudgetPage:
    """The recommended budget split (/ads/budget, /ads/budget.json)."""

    tab: str
    total: float | None
    days: int
    max_change: float
    plan: BudgetPlan | None


def _workspace(config: ConfigDep) -> int:
    return config.workspace.workspace_id


def _period(session: Any, workspace_id: int, days: int) -> tuple[dt.date | None, dt.date | None]:
    _first, last = queries.delivery_range(session, workspace_id)
    if not days or last is None:
        return None, None
    return last - dt.timedelta(days=days - 1), last


# -- the campaign table --------------------------------------------------------------------
def _report_page(
    session: Any, workspace_id: int, days: int, level: str, locale: str
) -> AdsReportPage:
    start, end = _period(session, workspace_id, days)
    frame = queries.ad_delivery(session, workspace_id, start=start, end=end)
    report = build_report(frame, start=start, end=end, level=level)
    fmt = formats(locale)
    page_charts: dict[str, Any] = {}
    for row in report.rows:
        if len(row.daily) < 2:
            continue
        spec = charts.sparkline_data(
            [d[1] for d in row.daily],
            [d[0] for d in row.daily],
            value_label=lambda v, c=row.figures.currency: fmt.money(v, c),
            date_label=fmt.date,
            description=row.name,
        )
        if spec:
            page_charts[f"ad-{row.id}"] = spec
    if page_charts:
        page_charts["spark-base"] = charts.sparkline_base()
    return AdsReportPage("report", days, level, start, end, report, charts=page_charts)


QDays = Annotated[int, Query(ge=0, le=3660)]
QLevel = Annotated[Literal["account", "campaign", "ad_set", "ad"], Query()]


@router.get("/ads", name="ads")
def ads(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    locale: LocaleDep,
    _who: Viewer,
    days: QDays = 90,
    level: QLevel = "campaign",
) -> Response:
    page = _report_page(session, _workspace(config), days, level, locale)
    return render(request, "ads/report.html", page)


@router.get("/ads.json", name="ads_json")
def ads_json(
    session: SessionDep,
    config: ConfigDep,
    locale: LocaleDep,
    _who: Viewer,
    days: QDays = 90,
    level: QLevel = "campaign",
) -> Response:
    return render_json(_report_page(session, _workspace(config), days, level, locale))


# -- pacing --------------------------------------------------------------------------------
def _pacing_page(session: Any, workspace_id: int) -> AdsPacingPage:
    import calendar

    frame = queries.ad_delivery(session, workspace_id)
    daily = daily_table(frame)
    plans = queries.budget_plans(session, workspace_id)
    if daily.empty and not plans:
        return AdsPacingPage("pacing", None, [])
    today = max(daily["date"]) if len(daily) else dt.date.today()
    window = (
        today.replace(day=1),
        today.replace(day=calendar.monthrange(today.year, today.month)[1]),
    )
    try:
        lines = budget_lines(plans, queries.campaigns(session, workspace_id), window=window)
    except PlanInvalid as exc:
        return AdsPacingPage("pacing", today, [], error=str(exc))
    return AdsPacingPage("pacing", today, compute_pacing(daily, lines, today))


@router.get("/ads/pacing", name="ads_pacing")
def ads_pacing(request: Request, session: SessionDep, config: ConfigDep, _who: Viewer) -> Response:
    return render(request, "ads/pacing.html", _pacing_page(session, _workspace(config)))


@router.get("/ads/pacing.json", name="ads_pacing_json")
def ads_pacing_json(session: SessionDep, config: ConfigDep, _who: Viewer) -> Response:
    return render_json(_pacing_page(session, _workspace(config)))


# -- tests and fatigue ---------------------------------------------------------------------
QMetric = Annotated[Literal["ctr", "conversion_rate", "cpa"], Query()]
QTestLevel = Annotated[Literal["ad", "ad_set"], Query()]
QRate = Annotated[Literal["ctr", "conversion_rate"], Query()]


def _tests_page(session: Any, workspace_id: int, metric: str, level: str) -> AdsTestsPage:
    frame = queries.ad_delivery(session, workspace_id)
    rows = additive_rows(frame, level=level).rows
    return AdsTestsPage("tests", metric, level, compare_variants(rows, metric=metric, level=level))


@router.get("/ads/tests", name="ads_tests")
def ads_tests(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    metric: QMetric = "ctr",
    level: QTestLevel = "ad",
) -> Response:
    return render(
        request, "ads/tests.html", _tests_page(session, _workspace(config), metric, level)
    )


@router.get("/ads/tests.json", name="ads_tests_json")
def ads_tests_json(
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    metric: QMetric = "ctr",
    level: QTestLevel = "ad",
) -> Response:
    return render_json(_tests_page(session, _workspace(config), metric, level))


def _fatigue_page(session: Any, workspace_id: int, metric: str) -> AdsFatiguePage:
    frame = queries.ad_delivery(session, workspace_id)
    rows = additive_rows(frame, level="ad").rows
    return AdsFatiguePage("fatigue", metric, check_fatigue(rows, metric=metric))


@router.get("/ads/fatigue", name="ads_fatigue")
def ads_fatigue(
    request: Request, session: SessionDep, config: ConfigDep, _who: Viewer, metric: QRate = "ctr"
) -> Response:
    return render(request, "ads/fatigue.html", _fatigue_page(session, _workspace(config), metric))


@router.get("/ads/fatigue.json", name="ads_fatigue_json")
def ads_fatigue_json(
    session: SessionDep, config: ConfigDep, _who: Viewer, metric: QRate = "ctr"
) -> Response:
    return render_json(_fatigue_page(session, _workspace(config), metric))


# -- response curves and the budget --------------------------------------------------------
def _curves(session: Any, workspace_id: int) -> list[ResponseCurve]:
    return fit_curves(daily_table(queries.ad_delivery(session, workspace_id)))


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


def _curves_page(session: Any, workspace_id: int) -> AdsCurvesPage:
    found = _curves(session, workspace_id)
    page_charts = {}
    for c in found:
        spec = _curve_chart(c, c.campaign)
        if spec:
            page_charts[f"curve-{c.campaign_id}"] = spec
    return AdsCurvesPage("curves", found, charts=page_charts)


@router.get("/ads/curves", name="ads_curves")
def ads_curves(request: Request, session: SessionDep, config: ConfigDep, _who: Viewer) -> Response:
    return render(request, "ads/curves.html", _curves_page(session, _workspace(config)))


@router.get("/ads/curves.json", name="ads_curves_json")
def ads_curves_json(session: SessionDep, config: ConfigDep, _who: Viewer) -> Response:
    return render_json(_curves_page(session, _workspace(config)))


QTotal = Annotated[float | None, Query(gt=0, le=1e12)]
QBudgetDays = Annotated[int, Query(ge=1, le=366)]
QChange = Annotated[float, Query(ge=0, le=1)]


def _budget_page(
    session: Any, workspace_id: int, total: float | None, days: int, max_change: float
) -> AdsBudgetPage:
    found = _curves(session, workspace_id)
    plan = recommend_budget(found, total, days=days, max_change=max_change or None)
    return AdsBudgetPage("budget", plan.total or None, days, max_change, plan)


@router.get("/ads/budget", name="ads_budget")
def ads_budget(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    total: QTotal = None,
    days: QBudgetDays = 30,
    max_change: QChange = 0.3,
) -> Response:
    page = _budget_page(session, _workspace(config), total, days, max_change)
    return render(request, "ads/budget.html", page)


@router.get("/ads/budget.json", name="ads_budget_json")
def ads_budget_json(
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    total: QTotal = None,
    days: QBudgetDays = 30,
    max_change: QChange = 0.3,
) -> Response:
    return render_json(_budget_page(session, _workspace(config), total, days, max_change))
