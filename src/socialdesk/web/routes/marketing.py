"""Online marketing: search next to social, the site, the plan, the calendar and links.

Thin pages over the skill's seam (socialdesk.marketing.run): each page parses its parameters,
calls one seam function and adds what only the HTML needs (the active tab, a form's state).
`page()` declares each page and its `.json` twin at once; the twin serves the seam's result,
field for field what `socialdesk plan show / calendar list / utm / search-gaps / site --json`
prints. Changing the plan, the calendar or the links needs the editor role; any member (a
stakeholder who is a viewer too) may send an item back and comment; approving is a right an
admin gives by name (issue #15: an approved item may go out by itself).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from socialdesk import goals as goal_progress
from socialdesk.i18n import N_, gettext
from socialdesk.marketing import run
from socialdesk.marketing.calendar import TIMEZONE
from socialdesk.marketing.plan import (
    Audience,
    Objective,
    Plan,
    PlanInvalid,
    from_yaml,
    put_audience,
    put_objective,
)
from socialdesk.overview.definitions import platform_name
from socialdesk.store import session_scope
from socialdesk.web.auth import Principal
from socialdesk.web.deps import (
    ConfigDep,
    CsrfDep,
    Editor,
    LocaleDep,
    SessionDep,
    Viewer,
    WebConfig,
    WorkspaceDep,
    render,
)
from socialdesk.web.exports import Column, Table, estimate_cells, estimate_columns
from socialdesk.web.pages import View, page

router = APIRouter()
log = logging.getLogger(__name__)

TABS = ("search", "site", "plan", "calendar", "links", "tags")
QDate = Annotated[dt.date | None, Query()]
QMetric = Annotated[str, Query(max_length=100)]


DIMENSIONS = {"objective": N_("Objective"), "audience": N_("Audience"), "pillar": N_("Pillar")}
TOPIC_STATUS = {
    "gap": N_("gap: nobody posts about it"),
    "thin": N_("thin"),
    "covered": N_("covered"),
}


def _word(words: dict[str, str], key: str, locale: str) -> str:
    return gettext(locale, words[key]) if key in words else key


# -- search next to social -------------------------------------------------------------------
def _search_tables(result: run.SearchResult, locale: str) -> list[Table]:
    """The search topics (the gaps first as the page shows them) and the pages worth a push."""
    r = result.search
    topics = (
        (
            t.name,
            t.keyphrase,
            _word(TOPIC_STATUS, t.status, locale),
            len(t.queries),
            "; ".join(t.queries),
            t.impressions,
            t.demand_share.value,
            t.position,
            t.posts_covering,
            *estimate_cells(t.post_share),
        )
        for t in r.topics
    )
    pages = ((p.page, p.position, p.impressions, *estimate_cells(p.ctr)) for p in r.pages)
    return [
        Table(
            "topics",
            N_("Search topics"),
            (
                Column("topic", N_("Topic")),
                Column("keyphrase", N_("Keyphrase")),
                Column("status", N_("Status")),
                Column("queries", N_("Queries")),
                Column("query_list", N_("Search queries")),
                Column("impressions", N_("Impressions")),
                Column("demand_share", N_("Share of demand")),
                Column("position", N_("Position")),
                Column("posts", N_("Posts")),
                *estimate_columns("post_share", N_("Share of posts (95% interval)")),
            ),
            topics,
        ),
        Table(
            "pages",
            N_("Pages worth a push"),
            (
                Column("page", N_("Page")),
                Column("position", N_("Position")),
                Column("impressions", N_("Impressions")),
                *estimate_columns("ctr", N_("Click-through (95% interval)")),
            ),
            pages,
        ),
    ]


@page(router, "/marketing", "marketing/search.html", name="marketing", tables=_search_tables)
def marketing(
    session: SessionDep, ws: WorkspaceDep, _who: Viewer, start: QDate = None, end: QDate = None
) -> View:
    """Search demand next to social content (/marketing, /marketing.json)."""
    return View(run.search(session, ws, start=start, end=end), tab="search")


# -- the site ------------------------------------------------------------------------------
def _site_tables(result: run.SiteResult, locale: str) -> list[Table]:
    """What social brings per platform, campaign and pillar (one table, `Per` says which),
    and the ad campaigns with their UTM tags."""
    site = result.site
    groups = (
        (N_("Per platform"), site.by_platform),
        (N_("Per campaign"), site.by_campaign),
        (N_("Per pillar"), site.by_pillar),
    )
    rows = (
        (
            gettext(locale, per),
            platform_name(c.label) if c.paid is not None else c.label,
            None
            if c.paid is None
            else (gettext(locale, "paid") if c.paid else gettext(locale, "organic")),
            c.sessions,
            c.share_of_sessions.value,
            c.engaged_sessions,
            c.conversions,
            *estimate_cells(c.conversion_rate),
            c.revenue,
        )
        for per, items in groups
        for c in items
    )
    campaigns = (
        (c.campaign, platform_name(c.platform), c.start, c.end, c.clicks, c.ga4_campaign)
        for c in result.campaigns
    )
    return [
        Table(
            "channels",
            N_("What social brings to the site"),
            (
                Column("per", N_("Per")),
                Column("name", N_("Name")),
                Column("paid", N_("Paid or organic")),
                Column("sessions", N_("Sessions")),
                Column("share", N_("Share")),
                Column("engaged_sessions", N_("Engaged sessions")),
                Column("key_events", N_("Key events")),
                *estimate_columns("per_session", N_("Per session (95% interval)")),
                Column("revenue", N_("Revenue")),
            ),
            rows,
        ),
        Table(
            "campaigns",
            N_("Ad campaigns and their UTM tags"),
            (
                Column("campaign", N_("Campaign")),
                Column("platform", N_("Platform")),
                Column("start", N_("Start")),
                Column("end", N_("End")),
                Column("clicks", N_("Clicks")),
                Column("ga4_campaign", N_("GA4 campaign")),
            ),
            campaigns,
        ),
    ]


@page(
    router,
    "/marketing/site",
    "marketing/site.html",
    name="marketing_site",
    tables=_site_tables,
)
def marketing_site(
    session: SessionDep, ws: WorkspaceDep, _who: Viewer, start: QDate = None, end: QDate = None
) -> View:
    """What social brings to the site, and untagged campaigns (/marketing/site[.json])."""
    return View(run.site(session, ws, start=start, end=end), tab="site")


# -- the plan ------------------------------------------------------------------------------
def _plan_view(
    result: run.PlanResult,
    *,
    errors: list[str] | tuple[str, ...] = (),
    text: str | None = None,
    objective: str | None = None,
    audience: str | None = None,
    status_code: int = 200,
    session: Session | None = None,
    ws: int | None = None,
) -> View:
    """The plan page: the seam's result, the form state (the objective or audience the form
    edits, problems with what was sent), each objective's progress against its target (the
    goals of /analytics/goals, issue #17) and, after a refused save, the YAML as it was sent."""
    extra = {} if text is None else {"yaml": text}
    progress = {}
    if session is not None and ws is not None:
        _v, in_force = run.current_plan(session, ws)
        found = goal_progress.objective_progress(session, ws, in_force, dt.date.today())
        progress = {p.key: p for p in found}
    return View(
        result,
        status_code=status_code,
        tab="plan",
        progress=progress,
        errors=list(errors),
        edit_objective=next((o for o in result.objectives if o["key"] == objective), None),
        edit_audience=next((a for a in result.audiences if a["key"] == audience), None),
        **extra,
    )


def _plan_tables(result: run.PlanResult, locale: str) -> list[Table]:
    """The plan's coverage (effort and results per objective, audience and pillar), that of
    the ad campaigns and the links, and the plan's objectives and audiences."""
    c = result.coverage

    def name(key: str, text: str) -> str:
        return "(" + gettext(locale, "untagged") + ")" if key == "(untagged)" else text

    posts = (
        (
            _word(DIMENSIONS, dim, locale),
            name(r.key, r.name),
            r.posts,
            r.share_of_posts.value,
            r.results,
            r.share_of_results.value,
            *estimate_cells(r.results_per_post),
        )
        for dim, rows in c.dimensions.items()
        for r in rows
    )
    tables = [
        Table(
            "coverage",
            N_("Share of effort and results"),
            (
                Column("per", N_("Per")),
                Column("name", N_("Name")),
                Column("posts", N_("Posts")),
                Column("share_of_posts", N_("Share of posts")),
                Column("results", lambda loc: f"{gettext(loc, 'Results')} ({c.metric})"),
                Column("share_of_results", N_("Share of results")),
                *estimate_columns("per_post", N_("Per post (95% interval)")),
            ),
            posts,
        )
    ]
    for target, key, title, count, effort, results in (
        (
            c.campaigns,
            "campaigns",
            N_("Ad campaigns"),
            N_("Campaigns"),
            N_("Spend"),
            N_("Link clicks"),
        ),
        (c.links, "links", N_("Links"), N_("Links"), N_("Links"), N_("Sessions")),
    ):
        if target is None:
            continue
        tables.append(
            Table(
                key,
                title,
                (
                    Column("per", N_("Per")),
                    Column("name", N_("Name")),
                    Column("count", count),
                    Column("effort", effort),
                    Column("share_of_effort", N_("Share of effort")),
                    Column("results", results),
                    Column("share_of_results", N_("Share of results")),
                ),
                [
                    (
                        _word(DIMENSIONS, dim, locale),
                        name(r.key, r.name),
                        r.count,
                        r.effort,
                        r.share_of_effort.value,
                        r.results,
                        r.share_of_results.value,
                    )
                    for dim, rows in target.dimensions.items()
                    for r in rows
                ],
            )
        )
    objectives = (
        (
            o.get("goal"),
            o.get("name"),
            o.get("key"),
            o.get("metric"),
            o.get("target"),
            o.get("due"),
            ", ".join(o.get("audiences") or ()),
        )
        for o in result.objectives
    )
    audiences = (
        (
            a.get("name"),
            a.get("key"),
            a.get("description"),
            ", ".join(a.get("platforms") or ()),
            ", ".join(a.get("interests") or ()),
        )
        for a in result.audiences
    )
    tables.append(
        Table(
            "objectives",
            N_("Objectives"),
            (
                Column("goal", N_("Goal")),
                Column("objective", N_("Objective")),
                Column("key", N_("Key")),
                Column("metric", N_("Metric")),
                Column("target", N_("Target")),
                Column("date", N_("Date")),
                Column("audiences", N_("Audiences")),
            ),
            objectives,
        )
    )
    tables.append(
        Table(
            "audiences",
            N_("Audiences"),
            (
                Column("audience", N_("Audience")),
                Column("key", N_("Key")),
                Column("description", N_("Description")),
                Column("platforms", N_("Platforms")),
                Column("interests", N_("Interests")),
            ),
            audiences,
        )
    )
    return tables


@page(
    router,
    "/marketing/plan",
    "marketing/plan.html",
    name="marketing_plan",
    tables=_plan_tables,
)
def marketing_plan(
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Viewer,
    objective: str | None = None,
    audience: str | None = None,
    start: QDate = None,
    end: QDate = None,
    metric: QMetric = "engagements",
) -> View:
    """The plan in force, its findings and coverage (/marketing/plan[.json]); editors save a
    new version by posting its YAML. `objective` and `audience` pick what the forms edit."""
    result = run.plan(session, ws, start=start, end=end, metric=metric)
    return _plan_view(result, objective=objective, audience=audience, session=session, ws=ws)


def _refused(
    request: Request,
    session: Session,
    ws: int,
    problems: list[str] | tuple[str, ...],
    text: str | None = None,
) -> Response:
    """The plan page again, with what is wrong with what was sent (422)."""
    view = _plan_view(
        run.plan(session, ws), errors=problems, text=text, status_code=422, session=session, ws=ws
    )
    return render(request, "marketing/plan.html", view, status_code=422)


def _words(text: str) -> tuple[str, ...]:
    """'a, b c' -> ('a', 'b', 'c'): a list typed into one field."""
    return tuple(w for w in text.replace(",", " ").split() if w)


def _save_form_plan(
    request: Request,
    session: Session,
    config: WebConfig,
    ws: int,
    who: Principal,
    change: Callable[[Plan], Plan],
    note: str,
) -> Response:
    """Apply `change(plan) -> plan` to the plan in force and save it as a new version."""
    try:
        with session_scope(config.workspace.engine) as s:
            run.change_plan(s, ws, change, saved_by=who.username, note=note)
    except PlanInvalid as exc:
        return _refused(request, session, ws, exc.problems)
    return RedirectResponse("/marketing/plan", status_code=303)


@router.post("/marketing/plan/objective", name="marketing_plan_objective", dependencies=[CsrfDep])
def marketing_plan_objective(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    ws: WorkspaceDep,
    who: Editor,
    key: Annotated[str, Form(max_length=100)],
    name: Annotated[str, Form(max_length=300)],
    goal: Annotated[str, Form(max_length=100)],
    goal_name: Annotated[str, Form(max_length=300)] = "",
    metric: Annotated[str, Form(max_length=100)] = "",
    target: Annotated[str, Form(max_length=30)] = "",
    due: Annotated[str, Form(max_length=10)] = "",
    start: Annotated[str, Form(max_length=10)] = "",
    unit: Annotated[str, Form(max_length=100)] = "",
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
    when = since = None
    if due:
        try:
            when = dt.date.fromisoformat(due)
        except ValueError:
            problems.append(f"date {due!r} is not a date (YYYY-MM-DD)")
    if start:
        try:
            since = dt.date.fromisoformat(start)
        except ValueError:
            problems.append(f"start {start!r} is not a date (YYYY-MM-DD)")
    if problems:
        return _refused(request, session, ws, problems)
    objective = Objective(
        key=key.strip(),
        name=name.strip(),
        goal=goal.strip(),
        metric=metric or None,
        target=number,
        due=when,
        start=since,
        unit=unit.strip() or None,
        audiences=tuple(audiences or ()),
        channels=tuple(c.lower() for c in _words(channels)),
    )

    def change(plan: Plan) -> Plan:
        old = plan.objective(objective.key)
        kept = objective
        if old is not None:  # the form does not show these: keep them
            kept = replace(
                objective,
                kpis=old.kpis,
                analytics_goal=old.analytics_goal,
                platform=old.platform,
                target_kind=old.target_kind,
            )
        return put_objective(plan, goal.strip(), kept, goal_name)

    return _save_form_plan(
        request, session, config, ws, who, change, f"objective {objective.key} (form)"
    )


@router.post("/marketing/plan/audience", name="marketing_plan_audience", dependencies=[CsrfDep])
def marketing_plan_audience(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    ws: WorkspaceDep,
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
        ws,
        who,
        lambda plan: put_audience(plan, audience),
        f"audience {audience.key} (form)",
    )


@router.post("/marketing/plan", name="marketing_plan_save", dependencies=[CsrfDep])
def marketing_plan_save(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    ws: WorkspaceDep,
    who: Editor,
    plan_yaml: Annotated[str, Form(max_length=200_000)],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        new = from_yaml(plan_yaml)
    except PlanInvalid as exc:
        return _refused(request, session, ws, exc.problems, plan_yaml)
    with session_scope(config.workspace.engine) as s:
        run.save_plan_version(s, ws, new, saved_by=who.username, note=note or None)
    return RedirectResponse("/marketing/plan", status_code=303)


# -- the calendar --------------------------------------------------------------------------
def _month(text: str | None) -> dt.date | None:
    if text:
        try:
            return dt.date.fromisoformat(text + "-01")
        except ValueError:
            raise HTTPException(422, N_("Write the month as YYYY-MM.")) from None
    return None


def month_name(month: str, locale: str) -> str:
    """'2026-12' as the reader writes it: "december 2026" (nl), "December 2026" (en)."""
    from babel.dates import format_date

    return format_date(dt.date.fromisoformat(month + "-01"), "LLLL y", locale=locale)


@page(router, "/marketing/calendar", "marketing/calendar.html", name="marketing_calendar")
def marketing_calendar(
    session: SessionDep,
    ws: WorkspaceDep,
    who: Viewer,
    locale: LocaleDep,
    month: str | None = None,
) -> View:
    """A month of plan items and published posts, with clashes and pillar gaps
    (/marketing/calendar[.json]); without `month` it opens on this month when that holds
    anything, else on the last month that does."""
    result = run.calendar_month(session, ws, month=_month(month))
    return View(
        result,
        tab="calendar",
        may_approve=_may_approve(session, ws, who),
        month_name=month_name(result.month, locale),
        previous_name=month_name(result.previous, locale),
        next_name=month_name(result.next, locale),
        item_platforms=run.ITEM_PLATFORMS,
    )


def _take_back(config: WebConfig, ws: int, item_id: int) -> None:
    """What a network holds to publish itself (Mastodon's scheduled statuses) for an item
    sent back or moved is taken back there now, not at the worker's next round."""
    from socialdesk.connectors.run import secret_box
    from socialdesk.publishing.run import settle_withdrawals

    folder = config.workspace.folder
    try:
        settle_withdrawals(config.workspace.engine, ws, folder, secret_box(folder), item_id=item_id)
    except Exception:  # the worker's round tries again; the page must not fail for it
        log.exception("taking back item %s from the networks", item_id)


def _may_approve(session: Session, ws: int, who: Principal) -> bool:
    from socialdesk.publishing.run import may_approve

    return may_approve(session, ws, who.username)


def _monday(text: str | None) -> dt.date | None:
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise HTTPException(422, N_("Write the week as a date, YYYY-MM-DD.")) from None
    return None


@page(router, "/marketing/calendar/week", "marketing/week.html", name="marketing_calendar_week")
def marketing_calendar_week(
    session: SessionDep, ws: WorkspaceDep, who: Viewer, week: str | None = None
) -> View:
    """A week of plan items, one column per day and one row per hour
    (/marketing/calendar/week[.json]?week=YYYY-MM-DD, any day of the week)."""
    return View(
        run.calendar_week(session, ws, day=_monday(week)),
        tab="calendar",
        may_approve=_may_approve(session, ws, who),
    )


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


def _export(session: Session, ws: int, config: WebConfig, fmt: str, filename: str) -> Response:
    found = run.export_calendar(session, ws, fmt, name=f"socialdesk {config.workspace.slug}")
    media = "text/calendar" if fmt == "ics" else "text/csv"
    return Response(
        found.content,
        media_type=f"{media}; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/marketing/calendar.ics", name="marketing_calendar_ics")
def marketing_calendar_ics(
    session: SessionDep, config: ConfigDep, ws: WorkspaceDep, _who: Viewer
) -> Response:
    return _export(session, ws, config, "ics", "socialdesk.ics")


@router.get("/marketing/calendar.csv", name="marketing_calendar_csv")
def marketing_calendar_csv(
    session: SessionDep, config: ConfigDep, ws: WorkspaceDep, _who: Viewer
) -> Response:
    return _export(session, ws, config, "csv", "socialdesk-calendar.csv")


def _local(date: str, time: str) -> dt.datetime:
    """The form's local date and time (09:00 without a time)."""
    try:
        return dt.datetime.fromisoformat(f"{date} {time or '09:00'}")
    except ValueError:
        raise HTTPException(
            422, N_("Write the date as YYYY-MM-DD and the time as HH:MM.")
        ) from None


@router.post("/marketing/calendar", name="marketing_calendar_add", dependencies=[CsrfDep])
def marketing_calendar_add(
    config: ConfigDep,
    ws: WorkspaceDep,
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
    at = _local(date, time) if date else None
    try:
        if at is not None:
            run.to_utc(at)
    except run.NonexistentTime as exc:
        raise HTTPException(422, str(exc)) from None
    try:
        platform = run.item_platform(platform) or ""
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    with session_scope(config.workspace.engine) as s:
        added = run.add_plan_item(
            s,
            ws,
            title=title,
            created_by=who.username,
            status="idea" if at is None else "draft",
            at=at,
            platform=platform or None,
            pillar=pillar or None,
            objective=objective or None,
            audience=audience or None,
            owner=who.username,
            text=text or None,
            link=link or None,
        )
    return RedirectResponse(_back("month", added.scheduled_at), status_code=303)


@router.post(
    "/marketing/calendar/{item_id}/move", name="marketing_calendar_move", dependencies=[CsrfDep]
)
def marketing_calendar_move(
    request: Request,
    config: ConfigDep,
    ws: WorkspaceDep,
    _who: Editor,
    item_id: int,
    date: Annotated[str, Form()] = "",
    time: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    view: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Reschedule (drag-and-drop or the date field) or move to another status."""
    if status == "approved":
        raise HTTPException(422, N_("Approval is given with the approve button."))
    at = on = None
    if date and time:
        at = _local(date, time)
    elif date:
        on = _local(date, "").date()
    try:
        with session_scope(config.workspace.engine) as s:
            moved = run.move_plan_item(s, ws, item_id, status=status or None, at=at, on=on)
    except run.ItemNotFound:
        raise HTTPException(404, N_("This plan item does not exist.")) from None
    except run.NonexistentTime as exc:
        raise HTTPException(422, str(exc)) from None
    except run.GoesOutBySchedule:
        raise HTTPException(
            422,
            N_(
                "This item goes out on connected accounts: open it and use Schedule, which "
                "checks it first."
            ),
        ) from None
    except run.CannotMove:
        raise HTTPException(
            422, N_("An item moves one step forward, or back to draft or idea.")
        ) from None
    _take_back(config, ws, item_id)
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"hx-refresh": "true"})
    if view == "item":
        return RedirectResponse(f"/marketing/calendar/{item_id}?done=saved", status_code=303)
    return RedirectResponse(_back(view, moved.scheduled_at), status_code=303)


@router.post(
    "/marketing/calendar/{item_id}/review", name="marketing_calendar_review", dependencies=[CsrfDep]
)
def marketing_calendar_review(
    config: ConfigDep,
    ws: WorkspaceDep,
    who: Viewer,
    item_id: int,
    decision: Annotated[Literal["approve", "reject", "comment"], Form()],
    comment: Annotated[str, Form(max_length=5000)] = "",
    view: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Any member (viewers included) sends an item back or comments; approving needs the
    right to approve, which an admin gives by name (publishing.run.approve checks it)."""
    from socialdesk.publishing import run as publishing

    try:
        with session_scope(config.workspace.engine) as s:
            if decision == "approve":
                publishing.approve(s, ws, item_id, by=who.username)
                decision = "comment"  # the comment, if any, is kept with the approval
            item = run.review_plan_item(
                s, ws, item_id, decision=decision, by=who.username, comment=comment
            )
    except publishing.NotAllowed as exc:
        raise HTTPException(403, str(exc.reason)) from None
    except publishing.PublishError as exc:
        raise HTTPException(422, str(exc.reason)) from None
    except run.ItemNotFound:
        raise HTTPException(404, N_("This plan item does not exist.")) from None
    except run.NotADraft:
        raise HTTPException(422, N_("Only a draft can be approved.")) from None
    except run.CannotMove:
        raise HTTPException(
            422, N_("Only an item in review, approved, scheduled or failed is sent back.")
        ) from None
    if decision == "reject":
        _take_back(config, ws, item_id)
    if view == "item":
        return RedirectResponse(f"/marketing/calendar/{item_id}", status_code=303)
    return RedirectResponse(_back(view, item.scheduled_at), status_code=303)


# -- links ---------------------------------------------------------------------------------
QUtm = Annotated[str, Query(max_length=2000)]


def _links_tables(result: run.LinksResult, locale: str) -> list[Table]:
    rows = (
        (
            link.get("url"),
            link.get("utm_source"),
            link.get("utm_medium"),
            link.get("utm_campaign"),
            link.get("utm_content"),
            link.get("utm_term"),
            check.ok,
            "; ".join(p.message for p in check.problems) or None,
        )
        for link, check in zip(result.links, result.checks, strict=False)
    )
    columns = (
        Column("link", N_("Link")),
        Column("utm_source", "utm_source"),
        Column("utm_medium", "utm_medium"),
        Column("utm_campaign", "utm_campaign"),
        Column("utm_content", "utm_content"),
        Column("utm_term", "utm_term"),
        Column("ok", N_("Check")),
        Column("problems", N_("Problems")),
    )
    return [Table("links", N_("Saved links"), columns, rows)]


@page(
    router,
    "/marketing/links",
    "marketing/links.html",
    name="marketing_links",
    tables=_links_tables,
)
def marketing_links(
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Viewer,
    url: QUtm = "",
    source: QUtm = "",
    medium: QUtm = "",
    campaign: QUtm = "",
    content: QUtm = "",
    term: QUtm = "",
) -> View:
    """The UTM builder and the links table (/marketing/links[.json]); with `url`, the link
    built from the parameters by the plan's rules."""
    result = run.links(
        session,
        ws,
        url=url,
        source=source,
        medium=medium,
        campaign=campaign,
        content=content or None,
        term=term or None,
    )
    return View(result, tab="links")


@router.post("/marketing/links", name="marketing_links_save", dependencies=[CsrfDep])
def marketing_links_save(
    config: ConfigDep,
    ws: WorkspaceDep,
    who: Editor,
    url: Annotated[str, Form(max_length=2000)],
    source: Annotated[str, Form(max_length=200)],
    medium: Annotated[str, Form(max_length=200)],
    campaign: Annotated[str, Form(max_length=300)],
    content: Annotated[str, Form(max_length=300)] = "",
    term: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    try:
        with session_scope(config.workspace.engine) as s:
            link = run.save_link(
                s,
                ws,
                url,
                source=source,
                medium=medium,
                campaign=campaign,
                content=content or None,
                term=term or None,
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
def _tags_tables(result: run.TagsResult, locale: str) -> list[Table]:
    """The rows the page shows (its kind, filter and page: the seam reads a page at a time),
    each tie with the suggestion where no person set one."""
    dims = ("objective", "audience", "pillar")
    rows = (
        (
            r.id,
            r.label,
            platform_name(r.platform) if r.platform else None,
            r.detail,
            r.when,
            *[x for d in dims for x in (r.tags.get(d), r.suggested.get(d))],
        )
        for r in result.rows
    )
    columns = (
        Column("id", "id"),
        Column("what", N_("What")),
        Column("platform", N_("Platform")),
        Column("detail", N_("Detail")),
        Column("when", N_("Date")),
        *[
            col
            for d in dims
            for col in (
                Column(d, DIMENSIONS[d]),
                Column(f"{d}_suggested", N_("suggested")),
            )
        ],
    )
    return [Table("tags", N_("Objective, audience and pillar"), columns, rows)]


@page(
    router,
    "/marketing/tags",
    "marketing/tags.html",
    name="marketing_tags",
    tables=_tags_tables,
)
def marketing_tags(
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Viewer,
    kind: str = "post",
    show: str = "untagged",
    id: int | None = None,
    page: int = 1,
) -> View:
    """Posts, campaigns or links with their objective, audience and pillar
    (/marketing/tags[.json]?kind=post|campaign|link&show=untagged|all&id=ID&page=N)."""
    if kind not in run.TAG_KINDS:
        raise HTTPException(422, N_("Choose posts, campaigns or links."))
    result = run.tag_list(session, ws, kind=kind, show=show, target_id=id, page=page)
    return View(result, tab="tags")


@router.post("/marketing/tags", name="marketing_tags_save", dependencies=[CsrfDep])
def marketing_tags_save(
    config: ConfigDep,
    ws: WorkspaceDep,
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
            run.tag(
                s,
                ws,
                kind,
                target_id,
                {"objective": objective, "audience": audience, "pillar": pillar},
                set_by=who.username,
            )
    except LookupError:
        raise HTTPException(404, N_("This post, campaign or link does not exist.")) from None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    # back to the list it came from (a local path only: never an open redirect)
    target = back if back.startswith("/marketing/tags") else f"/marketing/tags?kind={kind}"
    return RedirectResponse(target, status_code=303)
