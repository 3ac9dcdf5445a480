"""Analytics (skill 5): the metrics catalogue, the KPI tree, goals, anomalies and best times.

GET  /analytics/metrics[.json]              every metric: labels, definitions, sources
GET  /analytics/metrics/{name}[.json]       one metric
GET  /analytics/kpi-tree[.json]             a tree's change between two periods, per factor
GET  /analytics/goals[.json]                the plan's objectives with progress and forecast
POST /analytics/goals                       add a goal: an objective in the plan (editor)
POST /analytics/goals/{item_id}/to-plan     move a goal stored before into the plan (editor)
POST /analytics/goals/{item_id}/delete      remove a goal stored before (editor)
GET  /analytics/anomalies[.json]            unusual days and posts
GET  /analytics/best-times[.json]           hour and weekday effects per platform

Thin pages over the skill's seam (socialdesk.analytics.run): each page parses its parameters,
calls one seam function and adds what only the HTML needs (charts, translated labels, a form's
error). `page()` declares each page and its `.json` twin at once; the twin serves the seam's
result, field for field what `socialdesk metrics / kpi-tree / goals list / anomalies /
best-times --json` prints.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from socialdesk import charts
from socialdesk import goals as goal_progress
from socialdesk.analytics import run
from socialdesk.analytics.anomalies import EXPOSURES, DayAnomaly, PostAnomaly
from socialdesk.analytics.best_times import MIN_POSTS, PlatformTimes, SlotEffect
from socialdesk.analytics.goals import GoalStatus, new_goal
from socialdesk.analytics.kpi_tree import TreeChange, factor_label
from socialdesk.catalogue import UnknownMetric, get_metric
from socialdesk.charts import SCHEMA
from socialdesk.i18n import N_, formats, gettext
from socialdesk.marketing.plan import PlanInvalid
from socialdesk.overview.definitions import platform_name
from socialdesk.phrases import Cap, Day, Join, Num, Phrase, say
from socialdesk.reports.headline import SIDE_EFFECT, factor_value, factor_words
from socialdesk.reports.monthly import Factor
from socialdesk.web.deps import (
    CsrfDep,
    Editor,
    LocaleDep,
    SessionDep,
    Viewer,
    WorkspaceDep,
    date_or_none,
    render,
)
from socialdesk.web.exports import Column, Table, estimate_cells, estimate_columns
from socialdesk.web.pages import View, page

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


DIRECTIONS = {"up": N_("higher"), "down": N_("lower")}
GOAL_STATUS = {
    "on-track": N_("on track"),
    "at-risk": N_("at risk"),
    "off-track": N_("off track"),
    "not-started": N_("not started"),
    "not-enough-data": N_("not enough data"),
}


# -- metrics catalogue -------------------------------------------------------------------------
def _metrics_tables(result: run.Catalogue, locale: str) -> list[Table]:
    rows = (
        (
            m.label,
            m.name,
            m.definition,
            m.unit,
            m.formula_text,
            gettext(locale, DIRECTIONS[m.direction]) if m.direction in DIRECTIONS else None,
            ", ".join(dict.fromkeys(platform_name(s.platform) for s in m.sources)),
            m.available,
        )
        for m in result.metrics
    )
    columns = (
        Column("metric", N_("Metric")),
        Column("name", N_("Name")),
        Column("definition", N_("Definition")),
        Column("unit", N_("Unit")),
        Column("formula", N_("Formula")),
        Column("better_when", N_("Better when")),
        Column("platforms", N_("Platforms")),
        Column("available", N_("Imported")),
    )
    return [Table("metrics", N_("Metrics"), columns, rows)]


def _metric_tables(result: run.MetricInfo, locale: str) -> list[Table]:
    rows = (
        (platform_name(s.platform), s.header, s.sheet, s.format, s.table, s.note)
        for s in result.sources
    )
    columns = (
        Column("platform", N_("Platform")),
        Column("column", N_("Export column")),
        Column("sheet", N_("Sheet")),
        Column("export", N_("Export")),
        Column("table", N_("Table")),
        Column("definition", N_("The platform's own definition")),
    )
    return [Table("sources", N_("Per platform"), columns, rows)]


@router.get("/analytics", include_in_schema=False)
def analytics_home(request: Request, _who: Viewer) -> Response:
    """The section's own address leads to its first page, as the menu does (a typed or
    bookmarked /analytics was a 404)."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/analytics/metrics{query}", status_code=307)


@page(
    router,
    "/analytics/metrics",
    "analytics/metrics.html",
    name="analytics_metrics",
    tables=_metrics_tables,
)
def analytics_metrics(locale: LocaleDep, _who: Viewer) -> run.Catalogue:
    """The metrics catalogue (/analytics/metrics): every metric in the page's language."""
    return run.catalogue(lang=locale)


@page(
    router,
    "/analytics/metrics/{name}",
    "analytics/metric.html",
    name="analytics_metric",
    tables=_metric_tables,
)
def analytics_metric(name: str, locale: LocaleDep, _who: Viewer) -> run.MetricInfo:
    """One metric (/analytics/metrics/{name}): definition, formula, the platforms' columns."""
    try:
        return run.metric_info(name, lang=locale)
    except UnknownMetric:
        raise HTTPException(status_code=404, detail=N_("No such metric.")) from None


# -- KPI tree ----------------------------------------------------------------------------------
def _tree_chart(
    result: run.TreeReport, labels: dict[str, str], total: str = "total"
) -> dict[str, Any]:
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


def _say(text: str, locale: str) -> str:
    """A skill's text (a Phrase, or a plain name) in `locale`."""
    return say(text, lambda m: gettext(locale, m), formats(locale))


QTree = Annotated[str, Query(pattern="^(" + "|".join(run.TREES) + ")$")]
QGroup = Annotated[str, Query(pattern="^(platform|account|)$")]
QDays = Annotated[int, Query(ge=1, le=3660)]


def _group_name(group: dict[str, object], locale: str) -> str:
    if not group:
        return gettext(locale, "Total")
    return " · ".join(
        platform_name(str(v)) if k == "platform" else str(v) for k, v in group.items()
    )


def _tree_tables(result: run.TreeReport, locale: str) -> list[Table]:
    """The change per group, and each factor's contribution to it."""
    changes = (
        (_group_name(g, locale), c.before, c.after, c.change, c.note or None)
        for g, c in result.changes
    )
    factors = (
        (
            _group_name(g, locale),
            result.labels.get(f.name, f.name),
            f.before,
            f.after,
            f.contribution,
            f.share,
        )
        for g, c in result.changes
        if c.decomposable
        for f in c.factors
    )
    return [
        Table(
            "changes",
            N_("KPI tree"),
            (
                Column("group", N_("Group")),
                Column("before", N_("before")),
                Column("after", N_("after")),
                Column("change", N_("change")),
                Column("note", N_("Note")),
            ),
            changes,
        ),
        Table(
            "contributions",
            N_("Contributions"),
            (
                Column("group", N_("Group")),
                Column("factor", N_("Factor")),
                Column("before", N_("before")),
                Column("after", N_("after")),
                Column("contribution", N_("Contribution")),
                Column("share", N_("Share")),
            ),
            factors,
        ),
    ]


@page(
    router,
    "/analytics/kpi-tree",
    "analytics/kpi_tree.html",
    name="analytics_kpi_tree",
    tables=_tree_tables,
)
def analytics_kpi_tree(
    session: SessionDep,
    ws: WorkspaceDep,
    locale: LocaleDep,
    _who: Viewer,
    tree: QTree = "engagement",
    days: QDays = 28,
    before_start: str | None = None,
    before_end: str | None = None,
    after_start: str | None = None,
    after_end: str | None = None,
    group_by: QGroup = "platform",
) -> View:
    """The KPI tree (/analytics/kpi-tree): a goal's change split into its factors, the last
    `days` days (or after_start to after_end) against the period before."""
    result = run.tree_report(
        session,
        ws,
        tree,
        days=days,
        after_start=date_or_none(after_start),
        after_end=date_or_none(after_end),
        before_start=date_or_none(before_start),
        before_end=date_or_none(before_end),
        group_by=group_by,
        lang=locale,
    )
    labels = {name: _say(text, locale) for name, text in result.labels.items()}
    chart = _tree_chart(result, labels, gettext(locale, "total"))
    return View(result, labels=labels, charts={"tree": chart}, advice=_tree_advice(result, locale))


# -- KPI tree: the advice ------------------------------------------------------------------------
def _unit(name: str) -> str:
    """fraction, count or decimal: how a factor's (or a goal's) values are written."""
    if name == "posts":
        return "count"
    try:
        unit = get_metric(name).unit
    except KeyError:
        return "decimal"
    if unit == "fraction":
        return "fraction"
    return "count" if unit == "count" else "decimal"


def _in_goal(unit: str, value: float) -> Num:
    """A contribution in the goal's units, signed: "+2,212", "−0.12"."""
    if unit == "count" or abs(value) >= 100:
        return Num(value, "+,.0f")
    if unit == "fraction":
        return Num(value, "+.2%")
    return Num(value, "+,.2f")


def _group_words(group: dict[str, object]) -> str:
    return " · ".join(
        platform_name(str(v)) if k == "platform" else str(v) for k, v in group.items()
    )


def _tree_advice(result: run.TreeReport, locale: str) -> tuple[str, ...]:
    """What moved the goal, in words: the factor that drove the change and the one that worked
    against it (the monthly report's "why", reports/headline.py), and the group where most of
    it happened; the note when the change cannot be split."""
    total = next((c for g, c in result.changes if not g), None)
    if total is None:
        return ()
    goal_unit = _unit(total.goal)
    goal = Cap(factor_label(total.goal, locale))
    if not total.decomposable or total.change is None or total.before is None:
        if total.note:
            return (
                Phrase("The change cannot be split into its factors (%(note)s).", note=total.note),
            )
        return ()
    if total.change == 0 or not total.factors:
        return (
            Phrase(
                "%(goal)s stayed the same: %(value)s in both periods.",
                goal=goal,
                value=factor_value(Factor(total.goal, "", goal_unit, 0, 0, 0), total.after or 0),
            ),
        )
    factors = [
        Factor(
            f.name, factor_label(f.name, locale), _unit(f.name), f.before, f.after, f.contribution
        )
        for f in total.factors
    ]
    sign = 1.0 if total.change > 0 else -1.0
    main = max(factors, key=lambda f: sign * f.contribution)
    against = min(factors, key=lambda f: sign * f.contribution)
    if sign * main.contribution <= 0 or not total.before:
        return ()
    values: dict[str, object] = {
        "goal": goal,
        "change": Num(abs(total.change / total.before), ".1%"),
        "driver": factor_words(main),
        "before": factor_value(main, main.before),
        "after": factor_value(main, main.after),
        "contribution": _in_goal(goal_unit, main.contribution),
    }
    out: list[str] = []
    if main is not against and -sign * against.contribution >= SIDE_EFFECT * abs(main.contribution):
        values |= {
            "other": factor_words(against),
            "other_before": factor_value(against, against.before),
            "other_after": factor_value(against, against.after),
            "other_contribution": _in_goal(goal_unit, against.contribution),
        }
        if sign > 0:
            why = Phrase(
                "%(goal)s rose %(change)s, mostly because %(driver)s went from %(before)s to "
                "%(after)s (%(contribution)s); %(other)s, from %(other_before)s to "
                "%(other_after)s, worked against it (%(other_contribution)s).",
                **values,
            )
        else:
            why = Phrase(
                "%(goal)s fell %(change)s, mostly because %(driver)s went from %(before)s to "
                "%(after)s (%(contribution)s); %(other)s, from %(other_before)s to "
                "%(other_after)s, worked against it (%(other_contribution)s).",
                **values,
            )
    elif sign > 0:
        why = Phrase(
            "%(goal)s rose %(change)s, mostly because %(driver)s went from %(before)s to "
            "%(after)s (%(contribution)s).",
            **values,
        )
    else:
        why = Phrase(
            "%(goal)s fell %(change)s, mostly because %(driver)s went from %(before)s to "
            "%(after)s (%(contribution)s).",
            **values,
        )
    out.append(why)
    out += _tree_where(result.changes, sign, goal_unit)
    return tuple(out)


def _tree_where(
    changes: tuple[tuple[dict[str, object], TreeChange], ...], sign: float, unit: str
) -> list[str]:
    """The group (platform, account) whose change went furthest the total's way, when there
    are several."""
    groups = [(g, c) for g, c in changes if g and c.change is not None]
    if len(groups) < 2:
        return []
    group, top = max(groups, key=lambda gc: sign * (gc[1].change or 0.0))
    if sign * (top.change or 0.0) <= 0:
        return []
    return [
        Phrase(
            "Most of the change was on %(group)s (%(change)s).",
            group=_group_words(group),
            change=_in_goal(unit, top.change or 0.0),
        )
    ]


# -- goals -------------------------------------------------------------------------------------
# Goals are the plan's objectives (issue #17, socialdesk/goals.py): this page lists
# them with progress, forecast and verdict; adding a goal here adds an objective to the plan;
# goals stored here before are listed after them until an editor moves them into the plan.
def _goal_row(s: GoalStatus, metric: str, locale: str, objective: str | None) -> tuple[Any, ...]:
    return (
        objective,
        s.goal.name,
        platform_name(s.goal.platform) if s.goal.platform else None,
        metric,
        s.goal.start,
        s.goal.end,
        s.goal.target if s.goal.kind == "change" else None,
        s.target_value,
        s.observed,
        s.progress,
        *estimate_cells(s.forecast),
        gettext(locale, GOAL_STATUS[s.status]) if s.status in GOAL_STATUS else s.status,
        s.note or None,
    )


def _goals_tables(result: goal_progress.PlanGoals, locale: str) -> list[Table]:
    rows = [
        _goal_row(o.status, result.metric_choices.get(o.metric or "", ""), locale, o.key)
        for o in result.objectives
        if o.status is not None
    ] + [
        _goal_row(s, result.metric_choices.get(s.goal.metric, s.metric_label), locale, None)
        for s in result.stored
    ]
    columns = (
        Column("objective", N_("Objective")),
        Column("goal", N_("Goal")),
        Column("platform", N_("Platform")),
        Column("metric", N_("Metric")),
        Column("start", N_("Start")),
        Column("end", N_("End")),
        Column("target_change", N_("Target change")),
        Column("target", N_("target")),
        Column("so_far", N_("so far")),
        Column("progress", N_("progress")),
        *estimate_columns("forecast", N_("forecast (95% interval)")),
        Column("status", N_("Status")),
        Column("note", N_("Note")),
    )
    return [Table("goals", N_("Goals"), columns, rows)]


@page(
    router,
    "/analytics/goals",
    "analytics/goals.html",
    name="analytics_goals",
    tables=_goals_tables,
)
def analytics_goals(
    session: SessionDep,
    ws: WorkspaceDep,
    locale: LocaleDep,
    _who: Viewer,
    today: str | None = None,
) -> View:
    """Goals (/analytics/goals): the plan's objectives with progress, forecast with its
    interval, and a verdict, as of `today` (default: today); then goals stored here before
    that are not in the plan yet."""
    result = goal_progress.plan_goals(session, ws, today=date_or_none(today), lang=locale)
    return View(result, error=None)


@router.post("/analytics/goals", name="analytics_goal_add", dependencies=[CsrfDep])
async def analytics_goal_add(
    request: Request, session: SessionDep, ws: WorkspaceDep, locale: LocaleDep, who: Editor
) -> Response:
    """Add a goal: an objective in the plan (a new plan version), under the plan goal chosen
    (or a new plan goal "Goals")."""
    form = await request.form()

    def text(key: str, limit: int = 200) -> str:
        value = form.get(key)
        return value.strip()[:limit] if isinstance(value, str) else ""

    start, end = date_or_none(text("start")), date_or_none(text("end"))
    name, metric, target = text("name"), text("metric", 60), text("target", 30)
    platform = text("platform", 30) or None
    plan_goal = text("plan_goal", 100) or goal_progress.MOVED_GOAL
    error: str | None = None
    if platform is not None and platform not in run.platforms(session, ws).platforms:
        error = N_("Choose one of the platforms of this workspace.")
    elif not (name and metric and target and start and end):
        error = N_("Fill in a name, a metric, a start, an end and a target.")
    else:
        try:
            goal = new_goal(name, metric, start, end, target, platform)
            goal_progress.add_objective(
                session,
                ws,
                goal,
                plan_goal=plan_goal,
                plan_goal_name=gettext(locale, "Goals"),
                saved_by=who.username,
                note=f"goal {name} (added on /analytics/goals)",
            )
            session.commit()
        except (ValueError, UnknownMetric, PlanInvalid):
            session.rollback()
            error = N_(
                "This goal cannot be tracked: check the metric, the dates and the target "
                "(a number, or a change such as +20%)."
            )
    if error:
        view = View(goal_progress.plan_goals(session, ws, lang=locale), error=error)
        return render(request, "analytics/goals.html", view, status_code=400)
    return RedirectResponse("/analytics/goals", status_code=303)


@router.post(
    "/analytics/goals/{item_id}/to-plan", name="analytics_goal_to_plan", dependencies=[CsrfDep]
)
def analytics_goal_to_plan(
    item_id: str, session: SessionDep, ws: WorkspaceDep, locale: LocaleDep, who: Editor
) -> Response:
    """Move a goal stored here before into the plan, as an objective (nothing is lost)."""
    moved = goal_progress.move_goal_to_plan(
        session, ws, item_id[:40], goal_name=gettext(locale, "Goals"), saved_by=who.username
    )
    if moved is None:
        raise HTTPException(status_code=404, detail=N_("No such goal."))
    session.commit()
    return RedirectResponse("/analytics/goals", status_code=303)


@router.post(
    "/analytics/goals/{item_id}/delete", name="analytics_goal_remove", dependencies=[CsrfDep]
)
def analytics_goal_remove(
    item_id: str, session: SessionDep, ws: WorkspaceDep, _who: Editor
) -> Response:
    """Remove a goal stored here before (a plan objective is removed on the plan page)."""
    if not run.remove_goal(session, ws, item_id[:40]):
        raise HTTPException(status_code=404, detail=N_("No such goal."))
    session.commit()
    return RedirectResponse("/analytics/goals", status_code=303)


# -- anomalies and best times --------------------------------------------------------------------
QPlatform = Annotated[str | None, Query(max_length=40)]
QThreshold = Annotated[float, Query(gt=0, le=100)]


def _anomalies_tables(result: run.AnomalyReport, locale: str) -> list[Table]:
    def label(name: str) -> str:
        return _say(factor_label(name, locale), locale)

    days = (
        (
            d.day,
            platform_name(d.platform),
            d.account,
            label(d.metric),
            d.value,
            d.expected,
            d.low,
            d.high,
            d.score,
            d.explanation,
        )
        for d in result.days
    )
    posts = (
        (
            p.published_at,
            p.post_id,
            platform_name(p.platform),
            p.account,
            p.media_type,
            " / ".join(label(x) for x in p.metric.split(" / ")),
            p.rate,
            p.expected_rate,
            p.score,
        )
        for p in result.posts
    )
    return [
        Table(
            "days",
            N_("Unusual days"),
            (
                Column("day", N_("Day")),
                Column("platform", N_("Platform")),
                Column("account", N_("Account")),
                Column("metric", N_("Metric")),
                Column("value", N_("value")),
                Column("expected", N_("expected")),
                Column("low", N_("low")),
                Column("high", N_("high")),
                Column("score", N_("score")),
                Column("why", N_("Why")),
            ),
            days,
        ),
        Table(
            "posts",
            N_("Unusual posts"),
            (
                Column("published", N_("Published")),
                Column("post", N_("Post")),
                Column("platform", N_("Platform")),
                Column("account", N_("Account")),
                Column("media_type", N_("Media type")),
                Column("metric", N_("Rate")),
                Column("rate", N_("rate")),
                Column("expected", N_("expected")),
                Column("score", N_("score")),
            ),
            posts,
        ),
    ]


@page(
    router,
    "/analytics/anomalies",
    "analytics/anomalies.html",
    name="analytics_anomalies",
    tables=_anomalies_tables,
)
def analytics_anomalies(
    session: SessionDep,
    ws: WorkspaceDep,
    locale: LocaleDep,
    _who: Viewer,
    start: str | None = None,
    end: str | None = None,
    days: QDays = 90,
    platform: QPlatform = None,
    threshold: QThreshold = 3.5,
) -> View:
    """Anomalies (/analytics/anomalies): days and posts far from what was expected."""
    result = run.anomaly_report(
        session,
        ws,
        days=days,
        start=date_or_none(start),
        end=date_or_none(end),
        platform=platform or None,
        threshold=threshold,
    )
    # an agency's 200 accounts can have thousands of unusual days in a period: the page
    # shows the strongest (in the report's order), the downloads every one
    days_shown = _strongest_days(result.days)
    posts_shown = _strongest(result.posts)
    names = {d.metric for d in days_shown}
    names |= {x for p in posts_shown for x in p.metric.split(" / ")}
    labels = {name: _say(factor_label(name, locale), locale) for name in names}
    return View(
        result,
        labels=labels,
        advice=_anomaly_advice(result, locale),
        days_shown=days_shown,
        days_shown_count=run.account_days(days_shown),
        days_count=run.account_days(result.days),
        posts_shown=posts_shown,
    )


ANOMALIES_SHOWN = 100  # rows of each table on the page (the CSV and Excel have all)


def _strongest(rows: Sequence[Any]) -> tuple[Any, ...]:
    """The ANOMALIES_SHOWN rows with the largest |score|, in their own order."""
    if len(rows) <= ANOMALIES_SHOWN:
        return tuple(rows)
    keep = sorted(range(len(rows)), key=lambda i: -abs(rows[i].score))[:ANOMALIES_SHOWN]
    return tuple(rows[i] for i in sorted(keep))


def _strongest_days(rows: Sequence[Any]) -> tuple[Any, ...]:
    """The strongest unusual days (rows in run.in_order: an account's figures of one day
    together, strongest day first): ANOMALIES_SHOWN rows, and the rest of the last day's
    figures (a day's figures are never split)."""
    shown: list[Any] = []
    for i, row in enumerate(rows):
        same_day = bool(shown) and (row.account_id, row.day) == (
            shown[-1].account_id,
            shown[-1].day,
        )
        if i >= ANOMALIES_SHOWN and not same_day:
            break
        shown.append(row)
    return tuple(shown)


# -- anomalies: the advice -----------------------------------------------------------------------
def _day_of(text: str) -> Day | str:
    try:
        return Day(dt.date.fromisoformat(text[:10]))
    except ValueError:
        return text


def _lower(label: str) -> str:
    """A catalogue label inside a sentence (a Phrase, translated when shown, as it is)."""
    if isinstance(label, Phrase) or len(label) < 2 or not label[1].islower():
        return label
    return label[:1].lower() + label[1:]


def _unusual_day(d: DayAnomaly, locale: str) -> Phrase:
    values = {
        "day": _day_of(d.day),
        "platform": platform_name(d.platform),
        "metric": _lower(factor_label(d.metric, locale)),
        "explanation": d.explanation,
    }
    if d.score > 0:
        return Phrase(
            # a colon, not "was": the metrics are plurals as often as not ("interactions")
            "On %(day)s, %(platform)s %(metric)s: %(explanation)s. Find out what happened "
            "and repeat it.",
            **values,
        )
    return Phrase(
        "On %(day)s, %(platform)s %(metric)s: %(explanation)s. Check whether a post or "
        "campaign stopped.",
        **values,
    )


def _unusual_post(p: PostAnomaly) -> Phrase:
    ratio = p.rate / p.expected_rate if p.expected_rate > 0 else math.inf
    exposure = p.metric.split(" / ")[-1]
    values = {
        "day": _day_of(p.published_at),
        "platform": platform_name(p.platform),
        "exposure": EXPOSURES.get(exposure, exposure),
    }
    if p.score > 0:
        return Phrase(
            "The %(platform)s post of %(day)s got %(ratio)s× the interactions per %(exposure)s "
            "usual for such posts: find out what made it work and do it again.",
            ratio=Num(ratio, ",.0f") if ratio >= 10 else Num(ratio, ".1f"),
            **values,
        )
    return Phrase(
        "The %(platform)s post of %(day)s got %(share)s of the interactions per %(exposure)s "
        "usual for such posts: check what was different about it.",
        share=Num(ratio, ".0%"),
        **values,
    )


def _anomaly_advice(result: run.AnomalyReport, locale: str) -> tuple[str, ...]:
    """The strongest unusual day (and the strongest of the other direction) and post in words,
    or that there were none. The days come strongest account-day first, the posts strongest
    first."""
    out: list[str] = []
    if result.days:
        first = result.days[0]
        out.append(_unusual_day(first, locale))
        # the strongest of the other direction: the days come by account-day (an account's
        # figures of one day together), so a weak one beside a strong day may come first
        other = max(
            (d for d in result.days if (d.score > 0) != (first.score > 0)),
            key=lambda d: abs(d.score),
            default=None,
        )
        if other is not None:
            out.append(_unusual_day(other, locale))
    else:
        out.append(Phrase("No unusual days in this period."))
    if result.posts:
        out.append(_unusual_post(result.posts[0]))
    elif not result.days:
        out[-1] = Phrase("No unusual days or posts in this period.")
    return tuple(out)


def _best_times_tables(result: run.BestTimesReport, locale: str) -> list[Table]:
    """The hours and the weekdays, each a table, one row per platform and slot."""

    def slots(kind: str) -> Table:
        rows = (
            (
                platform_name(p.platform),
                f"{e.slot:02d}:00" if kind == "hours" else gettext(locale, WEEKDAYS[e.slot]),
                e.posts,
                *estimate_cells(e.vs_best),
                e.contender,
            )
            for p in result.platforms
            for e in (p.hours if kind == "hours" else p.weekdays)
        )
        columns = (
            Column("platform", N_("Platform")),
            Column("slot", N_("Hour") if kind == "hours" else N_("Weekday")),
            Column("posts", N_("posts")),
            *estimate_columns("vs_best", N_("vs the best (95% interval)")),
            Column("contender", N_("Contender")),
        )
        return Table(kind, N_("Hour") if kind == "hours" else N_("Weekday"), columns, rows)

    return [slots("hours"), slots("weekdays")]


@page(
    router,
    "/analytics/best-times",
    "analytics/best_times.html",
    name="analytics_best_times",
    tables=_best_times_tables,
)
def analytics_best_times(
    session: SessionDep,
    ws: WorkspaceDep,
    locale: LocaleDep,
    _who: Viewer,
    start: str | None = None,
    end: str | None = None,
    days: QDays = 365,
    platform: QPlatform = None,
) -> View:
    """Best times (/analytics/best-times): hour and weekday effects per platform, the advice
    they support and a weekday × hour heat map per platform."""
    result = run.best_times_report(
        session,
        ws,
        days=days,
        start=date_or_none(start),
        end=date_or_none(end),
        platform=platform or None,
    )
    found: dict[str, Any] = {}
    for i, p in enumerate(result.platforms):
        spec = _heatmap(p, locale)
        if spec:
            found[f"bt-{i}"] = spec
    advice = [(p.platform, _best_time_advice(p)) for p in result.platforms]
    return View(result, weekdays=WEEKDAYS, charts=found, advice=advice, min_posts=MIN_POSTS)


# -- best times: the advice and the heat map -----------------------------------------------------
Z95 = NormalDist().inv_cdf(0.975)


def _clock(hour: int) -> str:
    return f"{hour:02d}:00"


def _log_se(e: SlotEffect, which: str = "rate_ratio") -> float | None:
    """The standard error of log(estimate), from its 95% Wald interval; None without one."""
    est = getattr(e, which)
    if not est.ok or not est.low or not est.high or est.high <= est.low:
        return None
    return (math.log(est.high) - math.log(est.low)) / (2 * Z95)


def _clearly_better(slots: Sequence[SlotEffect]) -> list[SlotEffect]:
    """The slots (hours or weekdays) whose rate against the most used slot stays above 1 with
    the interval widened for the number of slots compared (Bonferroni: of 16 hours, one clears
    a plain 95% interval by chance alone more often than not), best first."""
    fitted = [(e, se) for e in slots if (se := _log_se(e)) is not None]
    if not fitted:
        return []
    z = NormalDist().inv_cdf(1 - 0.025 / len(fitted))
    out = [e for e, se in fitted if math.log(e.rate_ratio.value or 1.0) - z * se > 0]
    return sorted(out, key=lambda e: -(e.rate_ratio.value or 0.0))


def _weekday(slot: int) -> Phrase:
    return Phrase(WEEKDAYS[slot])


def _best_time_advice(p: PlatformTimes) -> tuple[str, ...]:
    """One or two sentences: the hour (and the weekday) to post at when the intervals support
    it, else that there is no clear best; the platform's note when it has no estimates."""
    if not p.ok or p.reference_hour is None:
        return (p.note,) if p.note else ()
    out: list[str] = []
    hours = _clearly_better(p.hours)
    compared = sum(1 for e in p.hours if _log_se(e) is not None)  # the most used hour aside
    if hours:
        top = hours[0].rate_ratio
        values = {
            "best": _clock(hours[0].slot),
            "ratio": Num(top.value or 0.0, ".2f"),
            "low": Num(top.low or 0.0, ".2f"),
            "high": Num(top.high or 0.0, ".2f"),
            "ref": _clock(p.reference_hour),
        }
        if len(hours) == 1:
            out.append(
                Phrase(
                    "Post at %(best)s: %(ratio)s× (95%% interval %(low)s–%(high)s) the "
                    "interaction rate of your most used hour, %(ref)s.",
                    **values,
                )
            )
        else:
            out.append(
                Phrase(
                    "Post at %(hours)s: at %(best)s, %(ratio)s× (95%% interval "
                    "%(low)s–%(high)s) the interaction rate of your most used hour, %(ref)s.",
                    hours=Join.of(_clock(e.slot) for e in hours[:3]),
                    **values,
                )
            )
    else:
        out.append(
            Phrase(
                "No clear best hour: none of the other %(m)s hours does clearly better than "
                "your most used one, %(ref)s.",
                m=compared,
                ref=_clock(p.reference_hour),
            )
        )
    if p.reference_weekday is not None:
        days = _clearly_better(p.weekdays)
        if days:
            top = days[0].rate_ratio
            out.append(
                Phrase(
                    "%(day)s does best: %(ratio)s× (95%% interval %(low)s–%(high)s) the "
                    "interaction rate of your most used weekday, %(ref)s.",
                    day=_weekday(days[0].slot),
                    ratio=Num(top.value or 0.0, ".2f"),
                    low=Num(top.low or 0.0, ".2f"),
                    high=Num(top.high or 0.0, ".2f"),
                    ref=_weekday(p.reference_weekday),
                )
            )
        else:
            out.append(
                Phrase(
                    "No weekday does clearly better than your most used one, %(ref)s.",
                    ref=_weekday(p.reference_weekday),
                )
            )
    return tuple(out)


def _cell(hour: SlotEffect, day: SlotEffect) -> tuple[float | None, Phrase]:
    """A weekday × hour cell against the best time: the model adds hour and weekday on the log
    scale, so the cell is their product; its interval adds the two standard errors (the widest
    their covariance allows, so at least 95%)."""
    where = {"day": _weekday(day.slot), "hour": _clock(hour.slot)}
    posts = {"hour_posts": hour.posts, "day_posts": day.posts}
    h, d = hour.vs_best, day.vs_best
    if not (h.ok and d.ok):
        return None, Phrase(
            "%(day)s %(hour)s: not enough data (%(hour_posts)s posts at this hour, "
            "%(day_posts)s on this weekday; at least %(min)s each)",
            min=MIN_POSTS,
            **where,
            **posts,
        )
    value = (h.value or 0.0) * (d.value or 0.0)
    se = sum(_log_se(e, "vs_best") or 0.0 for e in (hour, day))
    return value, Phrase(
        "%(day)s %(hour)s: %(ratio)s× the best time (95%% interval %(low)s–%(high)s); "
        "%(hour_posts)s posts at this hour, %(day_posts)s on this weekday",
        ratio=Num(value, ".2f"),
        low=Num(value * math.exp(-Z95 * se), ".2f"),
        high=Num(value * math.exp(Z95 * se), ".2f"),
        **where,
        **posts,
    )


def _heatmap(p: PlatformTimes, locale: str) -> dict[str, Any] | None:
    """The platform's weekday × hour heat map (None without hour and weekday estimates)."""
    if len(p.hours) != 24 or len(p.weekdays) != 7:
        return None
    cells = []
    for day in p.weekdays:
        for hour in p.hours:
            value, label = _cell(hour, day)
            cells.append((day.slot, hour.slot, value, _say(label, locale)))
    return charts.best_times_heatmap(
        cells,
        weekdays=[gettext(locale, w) for w in WEEKDAYS],
        value_title=gettext(locale, "× the best time"),
        description=_say(
            Phrase(
                "%(platform)s: interaction rate per weekday and hour against the best time",
                platform=platform_name(p.platform),
            ),
            locale,
        ),
        locale=locale,
    )
