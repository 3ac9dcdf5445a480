"""Online marketing: search next to social, the site, the plan, the calendar and links.

Thin pages over socialdesk.marketing: each route reads through marketing.run / queries, renders
a typed page context, and has a `.json` twin. Changing the plan, the calendar or the links
needs the editor role; a viewer (a stakeholder) may approve, reject and comment plan items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from socialdesk.i18n import N_
from socialdesk.marketing import queries, run
from socialdesk.marketing.calendar import (
    TIMEZONE,
    Clash,
    PillarGap,
    can_move,
    to_csv,
    to_ics,
    to_utc,
)
from socialdesk.marketing.coverage import CoverageResult
from socialdesk.marketing.plan import (
    Audience,
    Finding,
    Objective,
    PlanInvalid,
    from_yaml,
    put_audience,
    put_objective,
    to_yaml,
)
from socialdesk.marketing.search import SearchGapsResult
from socialdesk.marketing.site import CampaignTagging, SiteContribution
from socialdesk.marketing.utm import UtmLink, check_link
from socialdesk.model import PLAN_ITEM_STATUSES
from socialdesk.store import session_scope
from socialdesk.web.deps import ConfigDep, CsrfDep, Editor, SessionDep, Viewer, render, render_json

router = APIRouter()

TABS = ("search", "site", "plan", "calendar", "links", "tags")
QDate = Annotated[dt.date | None, Query()]


def _workspace(config: ConfigDep) -> int:
    return config.workspace.workspace_id


# -- search next to social -------------------------------------------------------------------
@dataclass
class MarketingSearchPage:
    """Search demand next to social content (/marketing, /marketing.json)."""

    tab: str
    start: dt.date | None = field(metadata={"help": "First day (None: all data)"})
    end: dt.date | None = field(metadata={"help": "Last day (None: all data)"})
    result: SearchGapsResult


def _search_page(
    session: Any, wid: int, start: dt.date | None, end: dt.date | None
) -> MarketingSearchPage:
    return MarketingSearchPage("search", start, end, run.search_gaps_for(session, wid, start, end))


@router.get("/marketing", name="marketing")
def marketing(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    start: QDate = None,
    end: QDate = None,
) -> Response:
    return render(
        request, "marketing/search.html", _search_page(session, _workspace(config), start, end)
    )


@router.get("/marketing.json", name="marketing_json")
def marketing_json(
    session: SessionDep, config: ConfigDep, _who: Viewer, start: QDate = None, end: QDate = None
) -> Response:
    return render_json(_search_page(session, _workspace(config), start, end))


# -- the site ------------------------------------------------------------------------------
@dataclass
class MarketingSitePage:
    """What social brings to the site, and untagged campaigns (/marketing/site[.json])."""

    tab: str
    start: dt.date | None
    end: dt.date | None
    site: SiteContribution
    campaigns: tuple[CampaignTagging, ...] = field(
        metadata={"help": "Ad campaigns, each matched to its GA4 campaign or found untagged"}
    )


def _site_page(
    session: Any, wid: int, start: dt.date | None, end: dt.date | None
) -> MarketingSitePage:
    return MarketingSitePage(
        "site",
        start,
        end,
        run.site_for(session, wid, start, end),
        run.tagging_for(session, wid, start, end),
    )


@router.get("/marketing/site", name="marketing_site")
def marketing_site(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    start: QDate = None,
    end: QDate = None,
) -> Response:
    return render(
        request, "marketing/site.html", _site_page(session, _workspace(config), start, end)
    )


@router.get("/marketing/site.json", name="marketing_site_json")
def marketing_site_json(
    session: SessionDep, config: ConfigDep, _who: Viewer, start: QDate = None, end: QDate = None
) -> Response:
    return render_json(_site_page(session, _workspace(config), start, end))


# -- the plan ------------------------------------------------------------------------------
@dataclass
class MarketingPlanPage:
    """The plan in force, its findings and coverage (/marketing/plan[.json]); editors save a
    new version by posting its YAML."""

    tab: str
    version: int = field(metadata={"help": "The version in force (0: no plan yet)"})
    name: str
    yaml: str = field(metadata={"help": "The plan as YAML"})
    findings: tuple[Finding, ...]
    coverage: CoverageResult
    versions: list[dict[str, Any]]
    errors: list[str] = field(default_factory=list)
    goals: list[dict[str, str]] = field(default_factory=list)
    objectives: list[dict[str, Any]] = field(
        default_factory=list, metadata={"help": "Every objective with its goal (for the forms)"}
    )
    audiences: list[dict[str, Any]] = field(default_factory=list)
    metrics: tuple[str, ...] = field(
        default=(), metadata={"help": "The metrics of the catalogue an objective can count"}
    )
    edit_objective: dict[str, Any] | None = field(
        default=None, metadata={"help": "The objective the form edits (?objective=KEY)"}
    )
    edit_audience: dict[str, Any] | None = None


def _objective_row(o: Objective) -> dict[str, Any]:
    return {
        "key": o.key,
        "name": o.name,
        "goal": o.goal,
        "metric": o.metric,
        "target": o.target,
        "due": o.due,
        "audiences": list(o.audiences),
        "channels": list(o.channels),
    }


def _audience_row(a: Audience) -> dict[str, Any]:
    return {
        "key": a.key,
        "name": a.name,
        "description": a.description,
        "platforms": list(a.platforms),
        "interests": list(a.interests),
    }


def _plan_page(
    session: Any,
    wid: int,
    text: str | None = None,
    errors: list[str] | None = None,
    objective: str | None = None,
    audience: str | None = None,
) -> MarketingPlanPage:
    from socialdesk.catalogue import metric_names

    version, plan = run.current_plan(session, wid)
    objectives = [_objective_row(o) for o in plan.objectives]
    audiences = [_audience_row(a) for a in plan.audiences]
    versions = [
        {"version": int(r.version), "saved_by": r.saved_by, "saved_at": r.saved_at, "note": r.note}
        for r in queries.plan_versions(session, wid).itertuples(index=False)
    ]
    return MarketingPlanPage(
        "plan",
        version,
        plan.name,
        text if text is not None else to_yaml(plan),
        run.plan_findings(session, wid, dt.date.today()),
        run.coverage_for(session, wid),
        versions,
        errors or [],
        [{"key": g.key, "name": g.name} for g in plan.goals],
        objectives,
        audiences,
        tuple(sorted(metric_names())),
        next((o for o in objectives if o["key"] == objective), None),
        next((a for a in audiences if a["key"] == audience), None),
    )


@router.get("/marketing/plan", name="marketing_plan")
def marketing_plan(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    objective: str | None = None,
    audience: str | None = None,
) -> Response:
    page = _plan_page(session, _workspace(config), objective=objective, audience=audience)
    return render(request, "marketing/plan.html", page)


@router.get("/marketing/plan.json", name="marketing_plan_json")
def marketing_plan_json(session: SessionDep, config: ConfigDep, _who: Viewer) -> Response:
    return render_json(_plan_page(session, _workspace(config)))


def _words(text: str) -> tuple[str, ...]:
    """'a, b c' -> ('a', 'b', 'c'): a list typed into one field."""
    return tuple(w for w in text.replace(",", " ").split() if w)


def _save_form_plan(
    request: Request, session: Any, config: Any, who: Any, change: Any, note: str
) -> Response:
    """Apply `change(plan) -> plan` to the plan in force and save it as a new version."""
    wid = _workspace(config)
    _v, plan = run.current_plan(session, wid)
    try:
        changed = change(plan)
    except PlanInvalid as exc:
        page = _plan_page(session, wid, errors=exc.problems)
        return render(request, "marketing/plan.html", page, status_code=422)
    with session_scope(config.workspace.engine) as s:
        run.save_plan(s, wid, changed, who.username, note)
    return RedirectResponse("/marketing/plan", status_code=303)


@router.post("/marketing/plan/objective", name="marketing_plan_objective", dependencies=[CsrfDep])
def marketing_plan_objective(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    who: Editor,
    key: Annotated[str, Form(max_length=100)],
    name: Annotated[str, Form(max_length=300)],
    goal: Annotated[str, Form(max_length=100)],
    goal_name: Annotated[str, Form(max_length=300)] = "",
    metric: Annotated[str, Form(max_length=100)] = "",
    target: Annotated[str, Form(max_length=30)] = "",
    due: Annotated[str, Form(max_length=10)] = "",
    audiences: Annotated[list[str] | None, Form()] = None,
    channels: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Add an objective, or edit the one with this key (a new plan version)."""
    problems = []
    number = None
    if target.strip():
        try:
            number = float(target.replace(",", ".").strip())
        except ValueError:
            problems.append(f"target {target!r} is not a number")
    when = None
    if due:
        try:
            when = dt.date.fromisoformat(due)
        except ValueError:
            problems.append(f"date {due!r} is not a date (YYYY-MM-DD)")
    if problems:
        page = _plan_page(session, _workspace(config), errors=problems)
        return render(request, "marketing/plan.html", page, status_code=422)
    objective = Objective(
        key=key.strip(),
        name=name.strip(),
        goal=goal.strip(),
        metric=metric or None,
        target=number,
        due=when,
        audiences=tuple(audiences or ()),
        channels=tuple(c.lower() for c in _words(channels)),
    )

    def change(plan: Any) -> Any:
        old = plan.objective(objective.key)
        kept = objective
        if old is not None:  # the form does not show KPIs nor the analytics goal: keep them
            from dataclasses import replace

            kept = replace(objective, kpis=old.kpis, analytics_goal=old.analytics_goal)
        return put_objective(plan, goal.strip(), kept, goal_name)

    return _save_form_plan(
        request, session, config, who, change, f"objective {objective.key} (form)"
    )


@router.post("/marketing/plan/audience", name="marketing_plan_audience", dependencies=[CsrfDep])
def marketing_plan_audience(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    who: Editor,
    key: Annotated[str, Form(max_length=100)],
    name: Annotated[str, Form(max_length=300)],
    description: Annotated[str, Form(max_length=2000)] = "",
    platforms: Annotated[str, Form(max_length=500)] = "",
    interests: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Add an audience (a persona), or edit the one with this key (a new plan version)."""
    audience = Audience(
        key.strip(),
        name.strip(),
        description.strip(),
        tuple(p.lower() for p in _words(platforms)),
        tuple(i.strip() for i in interests.split(",") if i.strip()),
    )
    return _save_form_plan(
        request,
        session,
        config,
        who,
        lambda plan: put_audience(plan, audience),
        f"audience {audience.key} (form)",
    )


@router.post("/marketing/plan", name="marketing_plan_save", dependencies=[CsrfDep])
def marketing_plan_save(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    who: Editor,
    plan_yaml: Annotated[str, Form(max_length=200_000)],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    wid = _workspace(config)
    try:
        plan = from_yaml(plan_yaml)
    except PlanInvalid as exc:
        page = _plan_page(session, wid, plan_yaml, exc.problems)
        return render(request, "marketing/plan.html", page, status_code=422)
    with session_scope(config.workspace.engine) as s:
        run.save_plan(s, wid, plan, who.username, note or None)
    return RedirectResponse("/marketing/plan", status_code=303)


# -- the calendar --------------------------------------------------------------------------
@dataclass
class CalendarItem:
    id: int
    title: str
    status: str
    platform: str | None
    date: dt.date | None = field(metadata={"help": "Local date (Europe/Amsterdam)"})
    time: str | None = field(metadata={"help": "Local time HH:MM"})
    pillar: str | None
    objective: str | None
    audience: str | None
    owner: str | None
    text: str | None
    link: str | None
    post_id: int | None
    approved_by: str | None
    next_statuses: tuple[str, ...]


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    items: list[CalendarItem]


@dataclass
class MarketingCalendarPage:
    """A month of plan items with clashes and pillar gaps (/marketing/calendar[.json])."""

    tab: str
    month: str = field(metadata={"help": "YYYY-MM"})
    previous: str
    next: str
    weeks: list[list[CalendarDay]]
    undated: list[CalendarItem]
    clashes: tuple[Clash, ...]
    gaps: tuple[PillarGap, ...]
    statuses: tuple[str, ...] = PLAN_ITEM_STATUSES


def _item(r: Any) -> CalendarItem:
    local = None
    if r.scheduled_at is not None and str(r.scheduled_at) != "NaT":
        import pandas as pd

        local = (
            pd.Timestamp(r.scheduled_at)
            .to_pydatetime()
            .replace(tzinfo=dt.UTC)
            .astimezone(ZoneInfo(TIMEZONE))
        )
    post_id = None if r.post_id is None or r.post_id != r.post_id else int(r.post_id)
    return CalendarItem(
        int(r.id),
        r.title,
        r.status,
        r.platform,
        local.date() if local else None,
        local.strftime("%H:%M") if local else None,
        r.pillar,
        r.objective,
        r.audience,
        r.owner,
        r.text,
        r.link,
        post_id,
        r.approved_by,
        tuple(s for s in PLAN_ITEM_STATUSES if s != r.status and can_move(r.status, s)),
    )


def _month(text: str | None) -> dt.date:
    if text:
        try:
            return dt.date.fromisoformat(text + "-01")
        except ValueError:
            raise HTTPException(422, N_("Write the month as YYYY-MM.")) from None
    return dt.date.today().replace(day=1)


def _calendar_page(session: Any, wid: int, month: str | None) -> MarketingCalendarPage:
    first = _month(month)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    last = nxt - dt.timedelta(days=1)
    check = run.calendar_check(session, wid, first, last)
    items = [_item(r) for r in check.items.itertuples(index=False)]
    everything = [_item(r) for r in queries.plan_items(session, wid).itertuples(index=False)]
    start = first - dt.timedelta(days=first.weekday())
    weeks, day = [], start
    while day <= last or day.weekday() != 0:
        if day.weekday() == 0:
            weeks.append([])
        weeks[-1].append(
            CalendarDay(day, day.month == first.month, [i for i in items if i.date == day])
        )
        day += dt.timedelta(days=1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    return MarketingCalendarPage(
        "calendar",
        first.strftime("%Y-%m"),
        prev.strftime("%Y-%m"),
        nxt.strftime("%Y-%m"),
        weeks,
        [i for i in everything if i.date is None],
        check.clashes,
        check.gaps,
    )


@router.get("/marketing/calendar", name="marketing_calendar")
def marketing_calendar(
    request: Request, session: SessionDep, config: ConfigDep, _who: Viewer, month: str | None = None
) -> Response:
    return render(
        request, "marketing/calendar.html", _calendar_page(session, _workspace(config), month)
    )


@router.get("/marketing/calendar.json", name="marketing_calendar_json")
def marketing_calendar_json(
    session: SessionDep, config: ConfigDep, _who: Viewer, month: str | None = None
) -> Response:
    return render_json(_calendar_page(session, _workspace(config), month))


@dataclass
class WeekHour:
    """One hour row of the week view: per day (Monday first) the items starting in it."""

    hour: int
    time: str = field(metadata={"help": "HH:00, local"})
    cells: list[list[CalendarItem]]


@dataclass
class MarketingWeekPage:
    """A week of plan items, one column per day and one row per hour
    (/marketing/calendar/week[.json]?week=YYYY-MM-DD, any day of the week)."""

    tab: str
    week: str = field(metadata={"help": "ISO week, YYYY-Www"})
    start: dt.date = field(metadata={"help": "Monday"})
    end: dt.date = field(metadata={"help": "Sunday"})
    previous: str = field(metadata={"help": "Monday of the week before"})
    next: str
    month: str = field(metadata={"help": "YYYY-MM of the month view holding the Monday"})
    days: list[CalendarDay]
    hours: list[WeekHour]
    undated: list[CalendarItem]
    clashes: tuple[Clash, ...]
    clashing: tuple[int, ...] = field(metadata={"help": "Ids of the items in a clash"})
    statuses: tuple[str, ...] = PLAN_ITEM_STATUSES


FIRST_HOUR, LAST_HOUR = 8, 20  # the rows always shown; earlier or later items add rows


def _monday(text: str | None) -> dt.date:
    day = dt.date.today()
    if text:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise HTTPException(422, N_("Write the week as a date, YYYY-MM-DD.")) from None
    return day - dt.timedelta(days=day.weekday())


def _week_page(session: Any, wid: int, week: str | None) -> MarketingWeekPage:
    monday = _monday(week)
    sunday = monday + dt.timedelta(days=6)
    check = run.calendar_check(session, wid, monday - dt.timedelta(days=1), sunday)
    items = [_item(r) for r in check.items.itertuples(index=False)]
    items = [i for i in items if i.date is not None and monday <= i.date <= sunday]
    dates = [monday + dt.timedelta(days=k) for k in range(7)]
    days = [CalendarDay(d, True, [i for i in items if i.date == d]) for d in dates]
    used = [int(i.time[:2]) for i in items if i.time]
    lo, hi = min([FIRST_HOUR, *used]), max([LAST_HOUR, *used])
    hours = [
        WeekHour(
            h,
            f"{h:02d}:00",
            [[i for i in day.items if i.time and int(i.time[:2]) == h] for day in days],
        )
        for h in range(lo, hi + 1)
    ]
    everything = queries.plan_items(session, wid)
    iso = monday.isocalendar()
    first, last = monday.isoformat(), sunday.isoformat()
    clashes = tuple(c for c in check.clashes if first <= c.hour[:10] <= last)
    return MarketingWeekPage(
        "calendar",
        f"{iso.year}-W{iso.week:02d}",
        monday,
        sunday,
        (monday - dt.timedelta(days=7)).isoformat(),
        (monday + dt.timedelta(days=7)).isoformat(),
        monday.strftime("%Y-%m"),
        days,
        hours,
        [i for i in map(_item, everything.itertuples(index=False)) if i.date is None],
        clashes,
        tuple(sorted({n for c in clashes for n in c.items})),
    )


@router.get("/marketing/calendar/week", name="marketing_calendar_week")
def marketing_calendar_week(
    request: Request, session: SessionDep, config: ConfigDep, _who: Viewer, week: str | None = None
) -> Response:
    return render(request, "marketing/week.html", _week_page(session, _workspace(config), week))


@router.get("/marketing/calendar/week.json", name="marketing_calendar_week_json")
def marketing_calendar_week_json(
    session: SessionDep, config: ConfigDep, _who: Viewer, week: str | None = None
) -> Response:
    return render_json(_week_page(session, _workspace(config), week))


def _local_time(when: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) time on the workspace's wall clock."""
    return when.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(TIMEZONE))


def _back(view: str, when: dt.datetime | None) -> str:
    """Where a calendar form returns to: the week or the month that holds `when` (a stored,
    naive UTC time) on the workspace's own calendar, not UTC's."""
    if view == "week":
        if when is None:
            return "/marketing/calendar/week"
        return f"/marketing/calendar/week?week={_local_time(when).date().isoformat()}"
    return f"/marketing/calendar{f'?month={_local_time(when):%Y-%m}' if when else ''}"


@router.get("/marketing/calendar.ics", name="marketing_calendar_ics")
def marketing_calendar_ics(session: SessionDep, config: ConfigDep, _who: Viewer) -> Response:
    items = queries.plan_items(session, _workspace(config))
    return Response(
        to_ics(items, name=f"socialdesk {config.workspace.slug}"),
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="socialdesk.ics"'},
    )


@router.get("/marketing/calendar.csv", name="marketing_calendar_csv")
def marketing_calendar_csv(session: SessionDep, config: ConfigDep, _who: Viewer) -> Response:
    items = queries.plan_items(session, _workspace(config))
    return Response(
        to_csv(items),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="socialdesk-calendar.csv"'},
    )


def _local_utc(date: str, time: str) -> dt.datetime:
    try:
        return to_utc(dt.datetime.fromisoformat(f"{date} {time or '09:00'}"))
    except ValueError:
        raise HTTPException(
            422, N_("Write the date as YYYY-MM-DD and the time as HH:MM.")
        ) from None


@router.post("/marketing/calendar", name="marketing_calendar_add", dependencies=[CsrfDep])
def marketing_calendar_add(
    config: ConfigDep,
    who: Editor,
    title: Annotated[str, Form(min_length=1, max_length=300)],
    platform: Annotated[str, Form(max_length=30)] = "",
    date: Annotated[str, Form()] = "",
    time: Annotated[str, Form()] = "",
    pillar: Annotated[str, Form(max_length=100)] = "",
    objective: Annotated[str, Form(max_length=100)] = "",
    audience: Annotated[str, Form(max_length=100)] = "",
    text: Annotated[str, Form(max_length=10_000)] = "",
    link: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    when = _local_utc(date, time) if date else None
    with session_scope(config.workspace.engine) as s:
        queries.add_item(
            s,
            _workspace(config),
            title=title,
            created_by=who.username,
            status="idea" if when is None else "draft",
            platform=platform or None,
            scheduled_at=when,
            pillar=pillar or None,
            objective=objective or None,
            audience=audience or None,
            owner=who.username,
            text=text or None,
            link=link or None,
        )
    return RedirectResponse(_back("month", when), status_code=303)


@router.post(
    "/marketing/calendar/{item_id}/move", name="marketing_calendar_move", dependencies=[CsrfDep]
)
def marketing_calendar_move(
    request: Request,
    config: ConfigDep,
    _who: Editor,
    item_id: int,
    date: Annotated[str, Form()] = "",
    time: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    view: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Reschedule (drag-and-drop or the date field) or move to another status."""
    wid = _workspace(config)
    with session_scope(config.workspace.engine) as s:
        item = queries.get_item(s, wid, item_id)
        if item is None:
            raise HTTPException(404, N_("This plan item does not exist."))
        changes: dict[str, Any] = {}
        if date:
            keep = None
            if item.scheduled_at is not None and not time:
                keep = item.scheduled_at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(TIMEZONE))
            changes["scheduled_at"] = _local_utc(
                date, time or (keep.strftime("%H:%M") if keep else "")
            )
        if status:
            if status == "approved":
                raise HTTPException(422, N_("Approval is given with the approve button."))
            if not can_move(item.status, status):
                raise HTTPException(
                    422, N_("An item moves one step forward, or back to draft or idea.")
                )
            changes["status"] = status
        queries.update_item(s, wid, item_id, **changes)
        when = changes.get("scheduled_at") or item.scheduled_at
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"hx-refresh": "true"})
    return RedirectResponse(_back(view, when), status_code=303)


@router.post(
    "/marketing/calendar/{item_id}/review", name="marketing_calendar_review", dependencies=[CsrfDep]
)
def marketing_calendar_review(
    config: ConfigDep,
    who: Viewer,
    item_id: int,
    decision: Annotated[Literal["approve", "reject", "comment"], Form()],
    comment: Annotated[str, Form(max_length=5000)] = "",
    view: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """A stakeholder (any role, viewers included) approves a draft, sends it back, or comments."""
    wid = _workspace(config)
    with session_scope(config.workspace.engine) as s:
        item = queries.get_item(s, wid, item_id)
        if item is None:
            raise HTTPException(404, N_("This plan item does not exist."))
        if decision == "approve":
            if item.status != "draft":
                raise HTTPException(422, N_("Only a draft can be approved."))
            queries.update_item(
                s,
                wid,
                item_id,
                status="approved",
                approved_by=who.username,
                approved_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            )
        elif decision == "reject":
            queries.update_item(s, wid, item_id, status="draft", approved_by=None, approved_at=None)
        if decision != "comment" or comment.strip():
            queries.add_comment(s, wid, item_id, who.username, comment.strip(), kind=decision)
        when = item.scheduled_at
    return RedirectResponse(_back(view, when), status_code=303)


# -- links ---------------------------------------------------------------------------------
@dataclass
class MarketingLinksPage:
    """The UTM builder and the links table (/marketing/links[.json])."""

    tab: str
    built: UtmLink | None = field(metadata={"help": "The link built from the query, if asked"})
    sources: tuple[str, ...]
    mediums: tuple[str, ...]
    campaigns: tuple[str, ...]
    links: list[dict[str, Any]]
    checks: list[UtmLink] = field(metadata={"help": "Every saved link checked against the rules"})
    error: str | None = None


def _links_page(
    session: Any, wid: int, url: str, source: str, medium: str, campaign: str, content: str
) -> MarketingLinksPage:
    _v, plan = run.current_plan(session, wid)
    rules = plan.utm_rules()
    built, error = None, None
    if url:
        try:
            built = run.make_link(
                session,
                wid,
                url,
                source=source,
                medium=medium,
                campaign=campaign,
                content=content or None,
            )
        except ValueError as exc:
            error = str(exc)
    frame = queries.links(session, wid)
    rows = [dict(r) for r in frame.to_dict("records")]
    return MarketingLinksPage(
        "links",
        built,
        rules.sources,
        rules.mediums,
        rules.campaigns,
        rows,
        [check_link(r["url"], rules) for r in rows],
        error,
    )


@router.get("/marketing/links", name="marketing_links")
def marketing_links(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    url: str = "",
    source: str = "",
    medium: str = "",
    campaign: str = "",
    content: str = "",
) -> Response:
    page = _links_page(session, _workspace(config), url, source, medium, campaign, content)
    return render(request, "marketing/links.html", page)


@router.get("/marketing/links.json", name="marketing_links_json")
def marketing_links_json(
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    url: str = "",
    source: str = "",
    medium: str = "",
    campaign: str = "",
    content: str = "",
) -> Response:
    return render_json(
        _links_page(session, _workspace(config), url, source, medium, campaign, content)
    )


@router.post("/marketing/links", name="marketing_links_save", dependencies=[CsrfDep])
def marketing_links_save(
    config: ConfigDep,
    who: Editor,
    url: Annotated[str, Form(max_length=2000)],
    source: Annotated[str, Form(max_length=200)],
    medium: Annotated[str, Form(max_length=200)],
    campaign: Annotated[str, Form(max_length=300)],
    content: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    try:
        with session_scope(config.workspace.engine) as s:
            link = run.make_link(
                s,
                _workspace(config),
                url,
                source=source,
                medium=medium,
                campaign=campaign,
                content=content or None,
                save=True,
                created_by=who.username,
            )
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    if not link.ok:
        raise HTTPException(
            422, "; ".join(p.message for p in link.problems if p.severity == "error")
        )
    return RedirectResponse("/marketing/links", status_code=303)


# -- tags: posts, campaigns and links tied to an objective, audience and pillar ------------------
PAGE_SIZE = 50


@dataclass
class MarketingTagsPage:
    """Posts, campaigns or links with their objective, audience and pillar
    (/marketing/tags[.json]?kind=post|campaign|link&show=untagged|all&id=ID&page=N)."""

    tab: str
    kind: str = field(metadata={"help": "post, campaign or link"})
    show: str = field(metadata={"help": "untagged (no tag at all) or all"})
    total: int = field(metadata={"help": "How many there are in all (this kind, this filter)"})
    page: int
    pages: int
    rows: list[run.TagRow]
    untagged: dict[str, int] = field(metadata={"help": "Per kind, how many have no tag at all"})
    objectives: list[tuple[str, str]] = field(metadata={"help": "(key, name) of the plan"})
    audiences: list[tuple[str, str]]
    pillars: list[tuple[str, str]]


def _tags_page(
    session: Any, wid: int, kind: str, show: str, target_id: int | None, page: int
) -> MarketingTagsPage:
    if kind not in run.TAG_KINDS:
        raise HTTPException(422, N_("Choose posts, campaigns or links."))
    untagged_only = show != "all" and target_id is None
    page = max(page, 1)
    rows, total = run.tag_rows(
        session,
        wid,
        kind,
        untagged_only=untagged_only,
        target_id=target_id,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    counts = {k: queries.tag_targets(session, wid, k, limit=0)[1] for k in run.TAG_KINDS}
    _v, plan = run.current_plan(session, wid)
    return MarketingTagsPage(
        "tags",
        kind,
        "untagged" if untagged_only else "all",
        total,
        page,
        max(1, -(-total // PAGE_SIZE)),
        rows,
        counts,
        [(o.key, o.name) for o in plan.objectives],
        [(a.key, a.name) for a in plan.audiences],
        [(p.key, p.name) for p in plan.pillars],
    )


@router.get("/marketing/tags", name="marketing_tags")
def marketing_tags(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    kind: str = "post",
    show: str = "untagged",
    id: int | None = None,
    page: int = 1,
) -> Response:
    return render(
        request,
        "marketing/tags.html",
        _tags_page(session, _workspace(config), kind, show, id, page),
    )


@router.get("/marketing/tags.json", name="marketing_tags_json")
def marketing_tags_json(
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    kind: str = "post",
    show: str = "untagged",
    id: int | None = None,
    page: int = 1,
) -> Response:
    return render_json(_tags_page(session, _workspace(config), kind, show, id, page))


@router.post("/marketing/tags", name="marketing_tags_save", dependencies=[CsrfDep])
def marketing_tags_save(
    request: Request,
    config: ConfigDep,
    who: Editor,
    kind: Annotated[str, Form(max_length=20)],
    target_id: Annotated[int, Form()],
    objective: Annotated[str, Form(max_length=100)] = "",
    audience: Annotated[str, Form(max_length=100)] = "",
    pillar: Annotated[str, Form(max_length=100)] = "",
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Set (or with an empty value remove) the objective, audience and pillar of a target."""
    try:
        with session_scope(config.workspace.engine) as s:
            run.set_tags(
                s,
                _workspace(config),
                kind,
                target_id,
                {"objective": objective, "audience": audience, "pillar": pillar},
                who.username,
            )
    except LookupError:
        raise HTTPException(404, N_("This post, campaign or link does not exist.")) from None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    # back to the list it came from (a local path only: never an open redirect)
    target = back if back.startswith("/marketing/tags") else f"/marketing/tags?kind={kind}"
    return RedirectResponse(target, status_code=303)
