"""socialdesk plan / calendar / utm / search-gaps / site: the online-marketing skill.

Each command parses its options, calls one function of the skill's seam
(socialdesk.marketing.run) and prints its result: as tables, or with --json as the same JSON
the web page's `.json` twin serves (socialdesk.results.plain).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    open_handle,
    print_json,
)

if TYPE_CHECKING:
    from socialdesk.marketing.run import CalendarItem

plan_app = typer.Typer(
    help="The marketing plan: goals, objectives, audiences, pillars.", no_args_is_help=True
)
calendar_app = typer.Typer(
    help="The content calendar: plan items, clashes, gaps, exports.", no_args_is_help=True
)

StartOpt = Annotated[
    str | None, typer.Option("--start", help="First day (YYYY-MM-DD); default: all data.")
]
EndOpt = Annotated[
    str | None, typer.Option("--end", help="Last day (YYYY-MM-DD); default: all data.")
]


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
    app.add_typer(calendar_app, name="calendar")
    from socialdesk.cli import publishing

    publishing.register(calendar_app)
    app.command("utm")(utm_command)
    app.command("utm-check")(utm_check_command)
    app.command("search-gaps")(search_gaps_command)
    app.command("site")(site_command)


# -- helpers -------------------------------------------------------------------------------


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        _fail(f"{text!r} is not a date: write YYYY-MM-DD")
    return None  # pragma: no cover


def _fail(message: str, code: int = 2) -> None:
    err_console.print(f"[red]✗[/] {escape(str(message))}")
    raise typer.Exit(code)


def pct(value: float | None, places: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{places}f}%"


def interval(est: Any, places: int = 1) -> str:
    if not est.ok:
        return est.method
    return f"{pct(est.low, places)} – {pct(est.high, places)}"


def num(value: float | None) -> str:
    return (
        "–"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else f"{value:,.0f}"
    )


# -- plan ----------------------------------------------------------------------------------
@plan_app.command("show")
def plan_show(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """The plan in force and what keeps it from being checkable (SMART gaps, dangling keys)."""
    from socialdesk.marketing import run

    ws = open_handle(workspace)
    with ws.session() as s:
        result = run.plan(s, ws.workspace_id)
    if as_json:
        print_json(result)
        return
    if result.version == 0:
        console.print(
            "No plan yet. Write one as YAML and run [bold]socialdesk plan import FILE[/] "
            "(see docs/marketing.md for the layout)."
        )
        return
    console.print(f"[bold]{escape(str(result.name))}[/] (version {result.version})")
    t = Table("goal", "objective", "metric", "target", "due", "audiences", "channels")
    for g in result.plan["goals"]:
        for o in g["objectives"]:
            t.add_row(
                g["name"],
                o["name"],
                o["metric"] or "–",
                num(o["target"]),
                str(o["due"] or "–"),
                ", ".join(o["audiences"]) or "–",
                ", ".join(o["channels"]) or "–",
            )
    console.print(t)
    if result.plan["pillars"]:
        console.print(
            "Pillars: " + ", ".join(f"{p['name']} ({p['key']})" for p in result.plan["pillars"])
        )
    for f in result.findings:
        mark = "[red]✗[/]" if f.severity == "error" else "[yellow]![/]"
        console.print(f"{mark} {escape(str(f.where))}: {escape(str(f.message))}")


@plan_app.command("export")
def plan_export(
    out: Annotated[
        Path | None, typer.Argument(help="YAML file to write; default: print it.")
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Write the plan in force as YAML."""
    from socialdesk.marketing import run
    from socialdesk.marketing.plan import to_yaml

    ws = open_handle(workspace)
    with ws.session() as s:
        _version, plan = run.current_plan(s, ws.workspace_id)
    text = to_yaml(plan)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"Plan written to {out}")


@plan_app.command("import")
def plan_import(
    file: Annotated[Path, typer.Argument(help="YAML plan file.", exists=True, dir_okay=False)],
    note: Annotated[str | None, typer.Option(help="What changed (kept with the version).")] = None,
    by: Annotated[str, typer.Option("--by", help="Who saves it.")] = "cli",
    workspace: WorkspaceOpt = None,
) -> None:
    """Read a YAML plan and save it as the next version."""
    from socialdesk.marketing import run
    from socialdesk.marketing.plan import PlanInvalid, from_yaml
    from socialdesk.store import session_scope

    try:
        plan = from_yaml(file.read_text(encoding="utf-8"))
    except PlanInvalid as exc:
        _fail(str(exc))
    ws = open_handle(workspace)
    with session_scope(ws.engine) as s:
        saved = run.save_plan_version(s, ws.workspace_id, plan, saved_by=by, note=note)
    console.print(
        f"[green]✓[/] Plan {saved.name!r} saved as version {saved.version}: "
        f"{saved.objectives} objectives, {saved.audiences} audiences, "
        f"{saved.pillars} pillars."
    )
    for f in saved.findings:
        mark = "[red]✗[/]" if f.severity == "error" else "[yellow]![/]"
        console.print(f"{mark} {escape(str(f.where))}: {escape(str(f.message))}")


@plan_app.command("coverage")
def plan_coverage(
    start: StartOpt = None,
    end: EndOpt = None,
    metric: Annotated[str, typer.Option(help="The result counted per post.")] = "engagements",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Share of the effort (posts) and of the results per objective, audience and pillar."""
    from socialdesk.marketing import run

    ws = open_handle(workspace)
    with ws.session() as s:
        answer = run.plan_coverage(
            s, ws.workspace_id, start=_date(start), end=_date(end), metric=metric
        )
    if as_json:
        print_json(answer)
        return
    result = answer.coverage
    console.print(f"{result.n_posts} posts; {result.posts_with_metric} report {metric}.")
    for dim, rows in result.dimensions.items():
        t = Table(
            dim,
            "posts",
            "share of posts",
            f"{metric}",
            "share",
            "per post",
            "95% interval",
            title=f"by {dim}",
        )
        for r in rows:
            per = r.results_per_post
            t.add_row(
                r.name,
                str(r.posts),
                pct(r.share_of_posts.value),
                num(r.results),
                pct(r.share_of_results.value),
                f"{per.value:,.1f}" if per.ok else "–",
                f"{per.low:,.1f} – {per.high:,.1f}" if per.ok else per.method,
            )
        console.print(t)
    for target in (result.campaigns, result.links):
        if target is None:
            continue
        t = Table(
            "objective",
            f"{target.kind}s",
            target.effort,
            "share",
            target.result,
            "share",
            title=f"{target.kind}s by objective (tag, else the plan's campaigns)",
        )
        for ts in target.dimensions["objective"]:
            t.add_row(
                ts.name,
                str(ts.count),
                num(ts.effort),
                pct(ts.share_of_effort.value),
                num(ts.results),
                pct(ts.share_of_results.value),
            )
        console.print(t)
    if result.objectives_without_content:
        console.print(
            "[yellow]Objectives without any content:[/] "
            + ", ".join(result.objectives_without_content)
        )
    for n in result.notes:
        console.print(f"[dim]{n}[/]")


@plan_app.command("versions")
def plan_versions(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """The saved versions of the plan, newest first."""
    from socialdesk.marketing import run

    ws = open_handle(workspace)
    with ws.session() as s:
        result = run.plan_versions(s, ws.workspace_id)
    if as_json:
        print_json(result)
        return
    t = Table("version", "saved by", "saved at (UTC)", "note")
    for r in result.versions:
        t.add_row(str(r.version), r.saved_by, str(r.saved_at)[:16], r.note or "")
    console.print(t)


@plan_app.command("tag")
def plan_tag(
    post: Annotated[int | None, typer.Option("--post", help="A post's id.")] = None,
    campaign: Annotated[int | None, typer.Option("--campaign", help="An ad campaign's id.")] = None,
    link: Annotated[int | None, typer.Option("--link", help="A saved link's id.")] = None,
    objective: Annotated[
        str | None, typer.Option(help="An objective's key ('none' removes the tie).")
    ] = None,
    audience: Annotated[
        str | None, typer.Option(help="An audience's key ('none' removes the tie).")
    ] = None,
    pillar: Annotated[
        str | None, typer.Option(help="A content pillar's key ('none' removes the tie).")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Tie a post, ad campaign or link to an objective, audience and pillar of the plan.

    Only the options given change; the plan page counts effort and results by these ties."""
    from socialdesk.marketing import run
    from socialdesk.store import session_scope

    targets = [(k, v) for k, v in (("post", post), ("campaign", campaign), ("link", link)) if v]
    if len(targets) != 1:
        _fail("name exactly one of --post, --campaign or --link")
    kind, target_id = targets[0]
    assert target_id is not None
    values = {
        d: ("" if v.lower() == "none" else v.strip())
        for d, v in (("objective", objective), ("audience", audience), ("pillar", pillar))
        if v is not None
    }
    if not values:
        _fail("give at least one of --objective, --audience or --pillar")
    ws = open_handle(workspace)
    try:
        with session_scope(ws.engine) as s:
            tagged = run.tag(s, ws.workspace_id, kind, target_id, values, set_by="cli")
    except LookupError as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(str(exc))
    if as_json:
        print_json(tagged)
        return
    now = tagged.tags
    shown = ", ".join(f"{d} {now[d]}" for d in ("objective", "audience", "pillar") if d in now)
    console.print(f"[green]✓[/] {kind} {target_id}: {shown or 'no ties'}")


# -- calendar ------------------------------------------------------------------------------
def _when(text: str) -> dt.datetime:
    """A local date and time as typed."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        _fail(f"{text!r} is not a date and time: write 'YYYY-MM-DD HH:MM' (local time)")
    raise AssertionError  # pragma: no cover


@calendar_app.command("add")
def calendar_add(
    title: Annotated[str, typer.Argument(help="A short title of the post.")],
    platform: Annotated[str | None, typer.Option(help="facebook, instagram, linkedin, …")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Local date and time, 'YYYY-MM-DD HH:MM'.")
    ] = None,
    status: Annotated[
        str, typer.Option(help="idea, draft, approved, scheduled, published")
    ] = "idea",
    pillar: Annotated[str | None, typer.Option()] = None,
    objective: Annotated[str | None, typer.Option()] = None,
    audience: Annotated[str | None, typer.Option()] = None,
    owner: Annotated[str | None, typer.Option()] = None,
    text: Annotated[str | None, typer.Option(help="The post text.")] = None,
    link: Annotated[str | None, typer.Option(help="The link in the post.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Add a plan item to the calendar."""
    from socialdesk.marketing import run
    from socialdesk.store import session_scope

    when = _when(at) if at else None
    ws = open_handle(workspace)
    try:
        with session_scope(ws.engine) as s:
            added = run.add_plan_item(
                s,
                ws.workspace_id,
                title=title,
                created_by=owner or "cli",
                status=status,
                at=when,
                platform=platform,
                pillar=pillar,
                objective=objective,
                audience=audience,
                owner=owner,
                text=text,
                link=link,
            )
    except ValueError as exc:
        _fail(str(exc))
    console.print(f"[green]✓[/] Plan item {added.id} added ({status}).")


@calendar_app.command("move")
def calendar_move(
    item: Annotated[int, typer.Argument(help="The plan item's id.")],
    status: Annotated[str | None, typer.Option(help="The new status.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="New local date and time.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Move a plan item to another status (one step forward, or back) or another time."""
    from socialdesk.marketing import run
    from socialdesk.store import session_scope

    when = _when(at) if at else None
    ws = open_handle(workspace)
    try:
        with session_scope(ws.engine) as s:
            run.move_plan_item(s, ws.workspace_id, item, status=status, at=when)
    except run.ItemNotFound:
        _fail(f"there is no plan item {item}")
    except ValueError as exc:  # CannotMove, or a status that does not exist
        _fail(str(exc))
    _take_back(ws, item)
    console.print(f"[green]✓[/] Plan item {item} updated.")


def _take_back(ws, item: int) -> None:
    """What a network holds to publish itself (Mastodon's scheduled statuses) for an item
    sent back or moved is taken back there now; else the worker's next round does it."""
    from socialdesk.connectors.errors import ConnectorError
    from socialdesk.connectors.run import secret_box
    from socialdesk.publishing.run import settle_withdrawals

    try:
        left = settle_withdrawals(
            ws.engine, ws.workspace_id, ws.folder, secret_box(ws.folder), item_id=item
        )
    except (ConnectorError, OSError) as exc:
        console.print(f"[yellow]![/] Not taken back from the network yet: {escape(str(exc))}")
        return
    for o in left:
        if o.status == "retrying":
            console.print(
                f"[yellow]![/] {escape(str(o.network))}: not taken back yet: "
                f"{escape(str(o.message))}"
            )


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text + "-01")
    except ValueError:
        _fail(f"{text!r} is not a month: write YYYY-MM")
    raise AssertionError  # pragma: no cover


def _required(text: str | None) -> dt.date:
    day = _date(text)
    assert day is not None
    return day


@calendar_app.command("list")
def calendar_list(
    start: StartOpt = None,
    end: EndOpt = None,
    month: Annotated[
        str | None,
        typer.Option("--month", help="A month (YYYY-MM), as the web's month view shows it."),
    ] = None,
    week: Annotated[
        str | None,
        typer.Option("--week", help="Any day of a week (YYYY-MM-DD), as the week view shows it."),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The plan items with their clashes and the pillars' gaps in the window: from --start
    (default a week ago) to --end (six weeks on), or the --month or --week of the web's views."""
    from socialdesk.marketing import run

    if sum(x is not None for x in (month, week, start or end)) > 1:
        _fail("give --month, --week, or --start and --end: one of them")
    ws = open_handle(workspace)
    result: run.CalendarMonth | run.CalendarWeek | run.CalendarWindow
    with ws.session() as s:
        if month:
            result = run.calendar_month(s, ws.workspace_id, month=_month(month))
        elif week:
            result = run.calendar_week(s, ws.workspace_id, day=_required(week))
        else:
            lo = _date(start) or dt.date.today() - dt.timedelta(days=7)
            hi = _date(end) or lo + dt.timedelta(days=41)
            result = run.calendar_window(s, ws.workspace_id, start=lo, end=hi)
    if as_json:
        print_json(result)
        return
    items: list[CalendarItem]
    if isinstance(result, run.CalendarMonth):
        days = [d for w in result.weeks for d in w if d.in_month]
        title = f"{days[0].date} – {days[-1].date}"
        items = [i for d in days for i in d.items] + list(result.undated)
    elif isinstance(result, run.CalendarWeek):
        title = f"{result.start} – {result.end}"
        items = [i for d in result.days for i in d.items] + list(result.undated)
    else:
        title = f"{result.start} – {result.end}"
        items = list(result.items)
    t = Table("id", "date", "time", "platform", "status", "pillar", "title", title=title)
    for i in items:
        t.add_row(
            str(i.id),
            i.date.isoformat() if i.date else "",
            i.time or "",
            Text(i.platform or ""),  # the data's own text, never read as Rich markup
            Text(i.status),
            Text(i.pillar or ""),
            Text(i.title),
        )
    console.print(t)
    for c in result.clashes:
        console.print(
            f"[yellow]![/] clash on {escape(str(c.platform))} at {c.hour}: items "
            + ", ".join(map(str, c.items))
        )
    for g in getattr(result, "gaps", ()):
        console.print(
            f"[yellow]![/] nothing for pillar {escape(str(g.pillar))} from {g.start} to {g.end} "
            f"({g.days} days)"
        )


@calendar_app.command("export")
def calendar_export(
    out: Annotated[Path, typer.Argument(help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="ics, csv or meta (bulk upload).")] = "ics",
    workspace: WorkspaceOpt = None,
) -> None:
    """Export the calendar as ICS (subscribe from a calendar app), CSV, or Meta bulk upload."""
    from socialdesk.marketing import run

    ws = open_handle(workspace)
    try:
        with ws.session() as s:
            found = run.export_calendar(s, ws.workspace_id, fmt, name=f"socialdesk {ws.slug}")
    except ValueError as exc:
        _fail(str(exc))
    if isinstance(found.content, bytes):
        out.write_bytes(found.content)
    else:
        out.write_text(found.content, encoding="utf-8")
    console.print(
        f"[green]✓[/] {found.items} plan items written to {escape(str(out))} ({escape(fmt)})."
    )
    if found.neutralised:
        console.print(
            f"[yellow]![/] {found.neutralised} text(s) start with = + - or @ and got a leading ' "
            "so a spreadsheet shows them as text, never runs them: remove it in Meta's upload "
            "preview."
        )


@calendar_app.command("match")
def calendar_match(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show matches, store nothing.")
    ] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Match imported posts to their plan items (by link, time and text)."""
    from socialdesk.marketing import run
    from socialdesk.store import session_scope

    ws = open_handle(workspace)
    with session_scope(ws.engine) as s:
        result = run.match(s, ws.workspace_id, apply=not dry_run)
    if as_json:
        print_json(result)
        return
    for m in result.matches:
        console.print(
            f"item {m.item_id} ← post {m.post_id}: score {m.score:.2f} (text "
            f"{m.text_similarity:.2f}, link {'yes' if m.link else 'no'}, "
            f"{m.hours_apart:.1f} h apart)"
        )
    console.print(f"{len(result.matches)} matches" + (" (not stored)" if dry_run else " stored"))


# -- links ---------------------------------------------------------------------------------
def utm_command(
    url: Annotated[str, typer.Argument(help="The page to link to, with https://.")],
    source: Annotated[str, typer.Option("--source", help="utm_source, e.g. instagram.")],
    medium: Annotated[str, typer.Option("--medium", help="utm_medium, e.g. social.")],
    campaign: Annotated[
        str, typer.Option("--campaign", help="utm_campaign: a campaign of the plan.")
    ],
    content: Annotated[
        str | None, typer.Option("--content", help="utm_content (optional).")
    ] = None,
    term: Annotated[str | None, typer.Option("--term", help="utm_term (optional).")] = None,
    save: Annotated[bool, typer.Option("--save", help="Keep it in the links table.")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Build a UTM link by the plan's naming rules (lower case, allowed sources and mediums)."""
    from socialdesk.marketing import run
    from socialdesk.store import session_scope

    ws = open_handle(workspace)
    if save:
        try:
            with session_scope(ws.engine) as s:
                run.save_link(
                    s,
                    ws.workspace_id,
                    url,
                    source=source,
                    medium=medium,
                    campaign=campaign,
                    content=content,
                    term=term,
                    created_by="cli",
                )
        except ValueError as exc:
            _fail(str(exc))
    with ws.session() as s:
        result = run.links(
            s,
            ws.workspace_id,
            url=url,
            source=source,
            medium=medium,
            campaign=campaign,
            content=content,
            term=term,
        )
    if result.error is not None or result.built is None:
        _fail(result.error or "no link to build")
    link = result.built
    assert link is not None
    if as_json:
        print_json(result)
    else:
        for p in link.problems:
            mark = "[red]✗[/]" if p.severity == "error" else "[yellow]![/]"
            err_console.print(f"{mark} {escape(str(p.message))}")
        typer.echo(link.url)
    if not link.ok:
        raise typer.Exit(1)


def utm_check_command(
    urls: Annotated[list[str], typer.Argument(help="Links to check.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check existing links against the naming rules; exit 1 when any breaks them."""
    from socialdesk.marketing import run

    ws = open_handle(workspace)
    with ws.session() as s:
        result = run.check_links(s, ws.workspace_id, urls)
    checks = result.checks
    if as_json:
        print_json(result)
    else:
        for c in checks:
            console.print(("[green]✓[/] " if c.ok else "[red]✗[/] ") + c.url)
            for p in c.problems:
                console.print(f"    {p.severity}: {escape(str(p.message))}")
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


# -- search and site -------------------------------------------------------------------------
def search_gaps_command(
    start: StartOpt = None,
    end: EndOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Where search demand and social content meet, and where they do not."""
    from socialdesk.marketing import run

    ws = open_handle(workspace)
    with ws.session() as s:
        result = run.search(s, ws.workspace_id, start=_date(start), end=_date(end))
    if as_json:
        print_json(result)
        return
    r = result.search
    console.print(
        f"{r.n_queries} search queries ({num(r.query_impressions)} impressions), "
        f"{r.n_posts} posts. Shared terms: {escape(', '.join(r.shared_terms) or '–')}"
    )
    t = Table(
        "topic",
        "status",
        "queries",
        "impressions",
        "share",
        "position",
        "posts",
        "share of posts (95%)",
        title="Search topics",
    )
    for tp in r.topics:
        style = "red" if tp.status == "gap" else ("yellow" if tp.status == "thin" else "")
        t.add_row(
            tp.name,
            f"[{style}]{tp.status}[/]" if style else tp.status,
            str(len(tp.queries)),
            num(tp.impressions),
            pct(tp.demand_share.value),
            f"{tp.position:.1f}" if tp.position is not None else "–",
            str(tp.posts_covering),
            interval(tp.post_share),
        )
    console.print(t)
    if r.social_only:
        console.print(
            "Social pushes, nobody searches: "
            + ", ".join(f"{s.name} ({s.posts} posts)" for s in r.social_only)
        )
    for p in r.pages:
        console.print(
            f"Page to promote: {escape(str(p.page))} (position {p.position:.1f}, "
            f"{num(p.impressions)} impressions, CTR {pct(p.ctr.value)} "
            f"[{interval(p.ctr)}], no post links to it)"
        )
    for paid in r.paid_terms:
        console.print(
            f"Paid term social could support: {escape(repr(paid.term))} ({num(paid.clicks)} clicks)"
        )
    for n in r.notes:
        console.print(f"[dim]{n}[/]")


def site_command(
    start: StartOpt = None,
    end: EndOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What social brings to the site (GA4), and ad campaigns whose visits arrive untagged."""
    from socialdesk.marketing import run

    ws = open_handle(workspace)
    with ws.session() as s:
        result = run.site(s, ws.workspace_id, start=_date(start), end=_date(end))
    if as_json:
        print_json(result)
        return
    site, tagging = result.site, result.campaigns
    if site.social is None:
        console.print(
            "No social traffic in the GA4 data."
            if site.site_sessions
            else "Not enough data: import a GA4 traffic acquisition report first."
        )
    else:
        console.print(
            f"{site.start} – {site.end}: social brought {num(site.social.sessions)} of "
            f"{num(site.site_sessions)} sessions ({pct(site.social.share_of_sessions.value)}) "
            f"and {num(site.social.conversions)} of {num(site.site_conversions)} key events "
            f"({pct(site.social.share_of_conversions.value)})."
        )
        t = Table(
            "platform",
            "paid",
            "sessions",
            "share",
            "engaged",
            "key events",
            "share",
            "per session (95%)",
            "revenue",
        )
        for c in site.by_platform:
            t.add_row(
                c.label,
                "paid" if c.paid else "organic",
                num(c.sessions),
                pct(c.share_of_sessions.value),
                num(c.engaged_sessions),
                num(c.conversions),
                pct(c.share_of_conversions.value),
                f"{pct(c.conversion_rate.value, 2)} [{interval(c.conversion_rate, 2)}]",
                f"{c.revenue:,.2f}",
            )
        console.print(t)
    for camp in tagging:
        if camp.tagged:
            continue
        console.print(
            f"[red]✗[/] {escape(str(camp.campaign))} ({camp.platform}, {camp.start} – {camp.end}, "
            f"{num(camp.clicks)} clicks): {escape(str(camp.note))}"
        )
        if camp.likely_landing:
            est = camp.likely_landing.sessions
            console.print(
                f"    about {num(est.value)} sessions ({num(est.low)} – {num(est.high)}, "
                f"95%) arrived as {camp.likely_landing.source_medium}"
            )
    tagged = [c for c in tagging if c.tagged]
    if tagged:
        console.print(f"[green]✓[/] {len(tagged)} campaigns found in GA4 under their UTM campaign.")
    for n in site.notes:
        console.print(f"[dim]{n}[/]")
