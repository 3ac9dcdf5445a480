"""Analytics (skill 5): the metrics catalogue, the KPI tree, goals, anomalies and best times.

GET  /analytics/metrics[.json]              every metric: labels, definitions, sources
GET  /analytics/metrics/{name}[.json]       one metric
GET  /analytics/kpi-tree[.json]             a tree's change between two periods, per factor
GET  /analytics/goals[.json]                goals with progress and forecast
POST /analytics/goals                       add a goal (editor)
POST /analytics/goals/{item_id}/delete      remove a goal (editor)
GET  /analytics/anomalies[.json]            unusual days and posts
GET  /analytics/best-times[.json]           hour and weekday effects per platform
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from socialdesk.analytics import (
    TREES,
    AnomalyResult,
    GoalStatus,
    PlatformTimes,
    Slice,
    TreeResult,
    add_goal,
    all_goal_statuses,
    default_window,
    find_anomalies,
    find_best_times,
    kpi_tree,
    queries,
    remove_goal,
)
from socialdesk.analytics.kpi_tree import factor_label
from socialdesk.catalogue import Metric, UnknownMetric, get_metric, metrics
from socialdesk.charts import SCHEMA
from socialdesk.i18n import N_, formats, gettext
from socialdesk.phrases import say
from socialdesk.web.deps import (
    ConfigDep,
    CsrfDep,
    Editor,
    SessionDep,
    Viewer,
    date_or_none,
    render,
    render_json,
)

router = APIRouter()

WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


# -- metrics catalogue -------------------------------------------------------------------------
@dataclass
class MetricsPage:
    """The metrics catalogue (/analytics/metrics): every metric in the chosen language."""

    metrics: list[dict[str, Any]] = field(
        metadata={
            "help": "name, label, definition, unit, direction, formula (English), "
            "formula_text (in the page's language), formulas {nl, en}, sources"
        }
    )


def _metric_view(m: Metric, locale: str) -> dict[str, Any]:
    return {
        "name": m.name,
        "label": m.label_in(locale),
        "labels": dict(m.label),
        "definition": m.definition_in(locale),
        "unit": m.unit,
        "direction": m.direction,
        "kind": m.kind,
        "formula": m.formula,
        "formula_text": m.formula_in(locale),
        "formulas": dict(m.formulas),
        "available": m.available,
        "sources": [
            {
                "platform": s.platform,
                "format": s.format,
                "field": s.field,
                "header": s.header,
                "table": s.table,
                "sheet": s.sheet,
                "note": s.note_in(locale),
            }
            for s in m.sources
        ],
        "counted": {p: str(v) for p, v in m.counted.items()},
    }


def _metrics_page(locale: str) -> MetricsPage:
    return MetricsPage([_metric_view(m, locale) for m in metrics()])


@router.get("/analytics/metrics", name="analytics_metrics")
def analytics_metrics(request: Request, _who: Viewer) -> Response:
    return render(request, "analytics/metrics.html", _metrics_page(request.state.locale))


@router.get("/analytics/metrics.json", name="analytics_metrics_json")
def analytics_metrics_json(request: Request, _who: Viewer) -> Response:
    return render_json(_metrics_page(request.state.locale))


def _one_metric(name: str, locale: str) -> dict[str, Any]:
    try:
        return _metric_view(get_metric(name), locale)
    except UnknownMetric:
        raise HTTPException(status_code=404, detail=N_("No such metric.")) from None


@router.get("/analytics/metrics/{name}.json", name="analytics_metric_json")
def analytics_metric_json(request: Request, name: str, _who: Viewer) -> Response:
    return render_json(_one_metric(name, request.state.locale))


@router.get("/analytics/metrics/{name}", name="analytics_metric")
def analytics_metric(request: Request, name: str, _who: Viewer) -> Response:
    return render(request, "analytics/metric.html", _one_metric(name, request.state.locale))


# -- KPI tree ----------------------------------------------------------------------------------
@dataclass
class TreePage:
    """The KPI tree (/analytics/kpi-tree): a goal's change split into its factors."""

    tree: str
    trees: dict[str, str] = field(metadata={"help": "tree name: its formula"})
    before: tuple[str, str]
    after: tuple[str, str]
    group_by: str
    result: TreeResult | None = field(
        metadata={"help": "changes: (group, change); the total first, then per group"}
    )
    labels: dict[str, str] = field(
        default_factory=dict, metadata={"help": "factor name: its label in the page's language"}
    )
    charts: dict[str, Any] = field(default_factory=dict, metadata={"json": False})


def _tree_chart(result: TreeResult, labels: dict[str, str], total: str = "total") -> dict[str, Any]:
    rows = []
    for group, change in result.changes:
        name = " · ".join(str(v) for v in group.values()) or total
        for f in change.factors:
            rows.append(
                {
                    "group": name,
                    "factor": labels.get(f.name, f.name),
                    "contribution": f.contribution,
                }
            )
    return {
        "$schema": SCHEMA,
        "width": 420,
        "height": {"step": 16},
        "data": {"values": rows},
        "mark": "bar",
        "encoding": {
            "y": {"field": "group", "type": "nominal", "title": None, "sort": None},
            "yOffset": {"field": "factor"},
            "x": {"field": "contribution", "type": "quantitative", "title": None},
            "color": {"field": "factor", "type": "nominal"},
            "tooltip": [
                {"field": "group"},
                {"field": "factor"},
                {"field": "contribution", "format": ",.1f"},
            ],
        },
        "config": {"view": {"stroke": None}, "background": None},
    }


def _tree_page(
    session: Any,
    ws: int,
    tree: str,
    before_start: dt.date | None,
    before_end: dt.date | None,
    after_start: dt.date | None,
    after_end: dt.date | None,
    group_by: str,
    locale: str = "en",
) -> TreePage:
    a0, a1 = default_window(session, ws, 28, after_end)
    a0 = after_start or a0
    days = (a1 - a0).days + 1
    b1 = before_end or (a0 - dt.timedelta(days=1))
    b0 = before_start or (b1 - dt.timedelta(days=days - 1))
    groups = {"platform": ("platform",), "account": ("platform", "account"), "": ()}[group_by]
    result = kpi_tree(session, ws, tree, Slice(b0, b1), Slice(a0, a1), groups)
    labels = {
        f.name: _say(factor_label(f.name, locale), locale)
        for _g, c in result.changes
        for f in c.factors
    }
    return TreePage(
        tree,
        {k: t.title for k, t in TREES.items()},
        (b0.isoformat(), b1.isoformat()),
        (a0.isoformat(), a1.isoformat()),
        group_by,
        result,
        labels,
        charts={"tree": _tree_chart(result, labels, gettext(locale, "total"))},
    )


def _say(text: str, locale: str) -> str:
    """A skill's text (a Phrase, or a plain name) in `locale`."""
    return say(text, lambda m: gettext(locale, m), formats(locale))


QTree = Annotated[str, Query(pattern="^(" + "|".join(TREES) + ")$")]
QGroup = Annotated[str, Query(pattern="^(platform|account|)$")]


def _tree_args(
    session: Any,
    config: Any,
    tree: str,
    before_start: str | None,
    before_end: str | None,
    after_start: str | None,
    after_end: str | None,
    group_by: str,
    locale: str,
) -> TreePage:
    return _tree_page(
        session,
        config.workspace.workspace_id,
        tree,
        date_or_none(before_start),
        date_or_none(before_end),
        date_or_none(after_start),
        date_or_none(after_end),
        group_by,
        locale,
    )


@router.get("/analytics/kpi-tree", name="analytics_kpi_tree")
def analytics_kpi_tree(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    tree: QTree = "engagement",
    before_start: str | None = None,
    before_end: str | None = None,
    after_start: str | None = None,
    after_end: str | None = None,
    group_by: QGroup = "platform",
) -> Response:
    page = _tree_args(
        session,
        config,
        tree,
        before_start,
        before_end,
        after_start,
        after_end,
        group_by,
        request.state.locale,
    )
    return render(request, "analytics/kpi_tree.html", page)


@router.get("/analytics/kpi-tree.json", name="analytics_kpi_tree_json")
def analytics_kpi_tree_json(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    tree: QTree = "engagement",
    before_start: str | None = None,
    before_end: str | None = None,
    after_start: str | None = None,
    after_end: str | None = None,
    group_by: QGroup = "platform",
) -> Response:
    return render_json(
        _tree_args(
            session,
            config,
            tree,
            before_start,
            before_end,
            after_start,
            after_end,
            group_by,
            request.state.locale,
        )
    )


# -- goals -------------------------------------------------------------------------------------
@dataclass
class GoalsPage:
    """Goals (/analytics/goals): progress, forecast with its interval, and a verdict."""

    goals: list[GoalStatus] = field(
        metadata={"help": "status: on-track, at-risk or off-track (or not enough data)"}
    )
    metric_choices: dict[str, str] = field(metadata={"help": "metrics a goal can steer on"})
    platforms: list[str] = field(metadata={"help": "platforms with accounts, for the form"})
    error: str | None = None


def _goals_page(session: Any, ws: int, locale: str, error: str | None = None) -> GoalsPage:
    choices = {m.name: m.label_in(locale) for m in metrics() if m.available and m.kind != "growth"}
    return GoalsPage(all_goal_statuses(session, ws), choices, _platforms(session, ws), error)


def _platforms(session: Any, ws: int) -> list[str]:
    return sorted({str(p) for p in queries.accounts(session, ws)["platform"]})


@router.get("/analytics/goals", name="analytics_goals")
def analytics_goals(
    request: Request, session: SessionDep, config: ConfigDep, _who: Viewer
) -> Response:
    page = _goals_page(session, config.workspace.workspace_id, request.state.locale)
    return render(request, "analytics/goals.html", page)


@router.get("/analytics/goals.json", name="analytics_goals_json")
def analytics_goals_json(
    request: Request, session: SessionDep, config: ConfigDep, _who: Viewer
) -> Response:
    return render_json(_goals_page(session, config.workspace.workspace_id, request.state.locale))


@router.post("/analytics/goals", name="analytics_goal_add", dependencies=[CsrfDep])
async def analytics_goal_add(
    request: Request, session: SessionDep, config: ConfigDep, _who: Editor
) -> Response:
    form = await request.form()
    ws = config.workspace.workspace_id

    def text(key: str, limit: int = 200) -> str:
        value = form.get(key)
        return value.strip()[:limit] if isinstance(value, str) else ""

    start, end = date_or_none(text("start")), date_or_none(text("end"))
    name, metric, target = text("name"), text("metric", 60), text("target", 30)
    platform = text("platform", 30) or None
    error: str | None = None
    if platform is not None and platform not in _platforms(session, ws):
        error = N_("Choose one of the platforms of this workspace.")
    elif not (name and metric and target and start and end):
        error = N_("Fill in a name, a metric, a start, an end and a target.")
    else:
        try:
            add_goal(
                session,
                ws,
                name=name,
                metric=metric,
                start=start,
                end=end,
                target=target,
                platform=platform,
            )
            session.commit()
        except (ValueError, UnknownMetric):
            error = N_(
                "This goal cannot be tracked: check the metric, the dates and the target "
                "(a number, or a change such as +20%)."
            )
    if error:
        page = _goals_page(session, ws, request.state.locale, error)
        return render(request, "analytics/goals.html", page, status_code=400)
    return RedirectResponse("/analytics/goals", status_code=303)


@router.post(
    "/analytics/goals/{item_id}/delete", name="analytics_goal_remove", dependencies=[CsrfDep]
)
def analytics_goal_remove(
    item_id: str, session: SessionDep, config: ConfigDep, _who: Editor
) -> Response:
    if not remove_goal(session, config.workspace.workspace_id, item_id[:40]):
        raise HTTPException(status_code=404, detail=N_("No such goal."))
    session.commit()
    return RedirectResponse("/analytics/goals", status_code=303)


# -- anomalies and best times --------------------------------------------------------------------
@dataclass
class AnomaliesPage:
    """Anomalies (/analytics/anomalies): days and posts far from what was expected."""

    start: str
    end: str
    result: AnomalyResult
    labels: dict[str, str] = field(default_factory=dict, metadata={"json": False})


def _anomalies_page(session: Any, ws: int, start: str | None, end: str | None) -> AnomaliesPage:
    s0, s1 = default_window(session, ws, 90, date_or_none(end))
    s0 = date_or_none(start) or s0
    return AnomaliesPage(s0.isoformat(), s1.isoformat(), find_anomalies(session, ws, Slice(s0, s1)))


@router.get("/analytics/anomalies", name="analytics_anomalies")
def analytics_anomalies(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    page = _anomalies_page(session, config.workspace.workspace_id, start, end)
    locale = request.state.locale
    names = {d.metric for d in page.result.days}
    names |= {x for p in page.result.posts for x in p.metric.split(" / ")}
    page.labels = {name: _say(factor_label(name, locale), locale) for name in names}
    return render(request, "analytics/anomalies.html", page)


@router.get("/analytics/anomalies.json", name="analytics_anomalies_json")
def analytics_anomalies_json(
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    return render_json(_anomalies_page(session, config.workspace.workspace_id, start, end))


@dataclass
class BestTimesPage:
    """Best times (/analytics/best-times): hour and weekday effects per platform."""

    start: str
    end: str
    platforms: tuple[PlatformTimes, ...] = field(
        metadata={"help": "per platform: rate ratios per hour and weekday with 95% intervals"}
    )
    weekdays: tuple[str, ...] = WEEKDAYS


def _best_page(session: Any, ws: int, start: str | None, end: str | None) -> BestTimesPage:
    s0, s1 = default_window(session, ws, 365, date_or_none(end))
    s0 = date_or_none(start) or s0
    return BestTimesPage(
        s0.isoformat(), s1.isoformat(), find_best_times(session, ws, Slice(s0, s1))
    )


@router.get("/analytics/best-times", name="analytics_best_times")
def analytics_best_times(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    page = _best_page(session, config.workspace.workspace_id, start, end)
    return render(request, "analytics/best_times.html", page)


@router.get("/analytics/best-times.json", name="analytics_best_times_json")
def analytics_best_times_json(
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    return render_json(_best_page(session, config.workspace.workspace_id, start, end))
