"""socialdesk metrics / kpi / kpi-tree / goals / anomalies / best-times (skill 5, analytics).

Each command parses its options, calls one function of the skill's seam
(socialdesk.analytics.run) and prints its result: as tables, or with `--json` through
`print_json`, the serializer of the web's `.json` twins, so `socialdesk anomalies --json` and
`/analytics/anomalies.json` print the same fields for the same question.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    parse_day,
    print_json,
    workspace_session,
)

if TYPE_CHECKING:
    from socialdesk.estimates import Estimate

goals_app = typer.Typer(
    help="Goals with a steering metric, a target and a period: progress, "
    "forecast and on-track / at-risk / off-track.",
    no_args_is_help=True,
)

Days = Annotated[int, typer.Option("--days", "-d", help="Length of the period in days.")]
End = Annotated[
    str | None,
    typer.Option(help="Last day of the period, YYYY-MM-DD (default: the last day with data)."),
]
Start = Annotated[
    str | None,
    typer.Option(help="First day of the period, YYYY-MM-DD (default: --days before --end)."),
]
Lang = Annotated[str, typer.Option(help="Language of the labels and definitions: nl or en.")]
Platform = Annotated[
    str | None,
    typer.Option("--platform", "-p", help="Only this platform (facebook, instagram, meta_ads…)."),
]
Account = Annotated[
    int | None, typer.Option(help="Only this account (its id, see 'socialdesk status').")
]
By = Annotated[
    str, typer.Option("--by", help="Group by: platform, account, media_type, campaign, or none.")
]


def register(app: typer.Typer) -> None:
    app.command("metrics")(metrics_command)
    app.command("kpi")(kpi_command)
    app.command("kpi-tree")(kpi_tree_command)
    app.command("anomalies")(anomalies_command)
    app.command("best-times")(best_times_command)
    app.add_typer(goals_app, name="goals")


# -- output helpers ----------------------------------------------------------------------------
def fmt_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "fraction":
        return f"{value * 100:.2f}%"
    if unit in ("money", "money_per_click", "money_per_mille"):
        return f"{value:,.2f}"
    if unit in ("ratio", "position", "seconds", "hours"):
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def _estimate(est: Estimate, unit: str) -> tuple[str, str]:
    if not est.ok:
        return "–", est.method
    if est.level == 1.0:
        return fmt_value(est.value, unit), ""
    return fmt_value(est.value, unit), f"{fmt_value(est.low, unit)} – {fmt_value(est.high, unit)}"


def _fail(message: str, code: int = 2) -> None:
    err_console.print(f"[red]✗[/] {escape(message)}")  # it names what was given: data
    raise typer.Exit(code)


# -- metrics -----------------------------------------------------------------------------------
def metrics_command(
    name: Annotated[
        str | None, typer.Argument(help="A metric (snake_case), e.g. engagement_rate.")
    ] = None,
    lang: Lang = "en",
    as_json: JsonOpt = False,
) -> None:
    """The metrics catalogue: what each metric means and where every platform puts it."""
    from socialdesk.analytics import run
    from socialdesk.catalogue import UnknownMetric

    if name is None:
        found = run.catalogue(lang=lang)
        if as_json:
            print_json(found)
            return
        table = Table(title="Metrics catalogue", show_lines=False)
        table.add_column("name", no_wrap=True)
        for col in ("label", "unit", "formula"):
            table.add_column(col)
        for info in found.metrics:
            table.add_row(
                *(escape(str(v)) for v in (info.name, info.label, info.unit, info.formula_text))
            )
        console.print(table)
        console.print("'socialdesk metrics NAME' explains one.")
        return
    try:
        m = run.metric_info(name, lang=lang)
    except UnknownMetric as exc:
        _fail(str(exc.args[0]))
        return
    if as_json:
        print_json(m)
        return
    console.print(f"[bold]{escape(m.name)}[/] — {escape(str(m.label))}")
    console.print(escape(str(m.definition)))
    direction = {"up": "more is better", "down": "less is better", "neutral": "neither"}[
        m.direction
    ]
    console.print(f"unit: {escape(m.unit)} · {direction} · formula: {escape(m.formula_text)}")
    if m.counted:
        table = Table(title="What is summed, per platform")
        table.add_column("platform")
        table.add_column("counted")
        for platform, what in m.counted.items():
            table.add_row(escape(str(platform)), escape(str(what)))
        console.print(table)
    if m.sources:
        table = Table(title="Where each platform's export puts it")
        for col in ("platform", "export format", "column", "stored in", "note"):
            table.add_column(col)
        for s in m.sources:
            fmt = s.format + (f" ({s.sheet} sheet)" if s.sheet else "")
            # the export's own column names ("Reach [organic]") are data
            table.add_row(*(escape(str(v)) for v in (s.platform, fmt, s.header, s.table, s.note)))
        console.print(table)
    elif m.kind != "base":
        console.print(f"computed from: {escape(', '.join(m.inputs))}")


# -- kpi -------------------------------------------------------------------------------------
def kpi_command(
    metric: Annotated[
        str, typer.Argument(help="A catalogue metric, e.g. engagement_rate, ctr, roas.")
    ],
    workspace: WorkspaceOpt = None,
    days: Days = 30,
    start: Start = None,
    end: End = None,
    platform: Platform = None,
    account: Account = None,
    media_type: Annotated[str | None, typer.Option(help="Only posts of this media type.")] = None,
    by: By = "platform",
    source: Annotated[
        str | None, typer.Option(help="Compute from: posts, account_days, ads, web or search.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """A metric for a slice (platform, account, media type, period), with its sample size."""
    from socialdesk.analytics import run
    from socialdesk.catalogue import UnknownMetric

    try:
        m = run.metric_info(metric, lang="en")
    except UnknownMetric as exc:
        _fail(str(exc.args[0]))
        return
    group_by = () if by in ("none", "") else tuple(b.strip() for b in by.split(","))
    with workspace_session(workspace) as (session, ws):
        try:
            result = run.kpi_report(
                session,
                ws,
                m.name,
                days=days,
                start=parse_day(start, "--start"),
                end=parse_day(end, "--end"),
                platform=platform,
                account=account,
                media_type=media_type,
                group_by=group_by,
                source=source,
            )
        except ValueError as exc:
            _fail(str(exc))
            return
    if as_json:
        print_json(result)
        return
    console.print(
        f"[bold]{escape(str(m.label))}[/] ({escape(m.name)}) {result.start} – {result.end}, "
        f"from {escape(str(result.domain or '–'))}"
    )
    console.print(f"formula: {escape(str(m.formula))}")
    if result.note:
        console.print(escape(str(result.note)))
    table = Table()
    shown = list(result.values[0].group) if result.values else list(group_by)
    for g in shown:
        table.add_column(escape(str(g)))
    for col in ("value", "95% interval", escape(str(result.unit_name or "units"))):
        table.add_column(col, justify="right")
    for v in result.values:
        value, interval = _estimate(v.value, m.unit)
        groups = (escape(str(v.group.get(g))) for g in shown)  # account names, campaigns…
        table.add_row(*groups, value, escape(interval), str(v.value.n))
    console.print(table)


def kpi_tree_command(
    tree: Annotated[
        str,
        typer.Argument(
            help="engagement, engagement_impressions, conversions, roas, clicks or web_conversions."
        ),
    ],
    workspace: WorkspaceOpt = None,
    days: Days = 28,  # four whole weeks, as /analytics/kpi-tree: both periods hold each weekday
    start: Start = None,
    end: End = None,
    before_start: Annotated[
        str | None,
        typer.Option(help="First day of the period before, YYYY-MM-DD (default: as long)."),
    ] = None,
    before_end: Annotated[
        str | None,
        typer.Option(help="Last day of the period before (default: the day before --start)."),
    ] = None,
    by: Annotated[
        str, typer.Option("--by", help="Also per: platform, account, or none.")
    ] = "platform",
    lang: Lang = "en",
    as_json: JsonOpt = False,
) -> None:
    """How much each factor of a KPI tree contributed to its change: the last `days` days
    against the `days` days before (contributions add up to the change)."""
    from socialdesk.analytics import run

    if tree not in run.TREES:
        _fail(f"no KPI tree {tree!r}; choose one of {', '.join(run.TREES)}")
    with workspace_session(workspace) as (session, ws):
        try:
            result = run.tree_report(
                session,
                ws,
                tree,
                days=days,
                after_start=parse_day(start, "--start"),
                after_end=parse_day(end, "--end"),
                before_start=parse_day(before_start, "--before-start"),
                before_end=parse_day(before_end, "--before-end"),
                group_by="" if by == "none" else by,
                lang=lang,
            )
        except ValueError as exc:
            _fail(str(exc))
            return
    if as_json:
        print_json(result)
        return
    console.print(f"[bold]{escape(str(result.title))}[/]")
    console.print(
        f"{result.before[0]} – {result.before[1]}  →  {result.after[0]} – {result.after[1]}"
    )
    for group, change in result.changes:
        who = escape(", ".join(f"{k}={v}" for k, v in group.items()) or "total")
        note = escape(str(change.note or ""))
        if change.before is None:
            console.print(f"\n[bold]{who}[/]: {note}")
            continue
        console.print(
            f"\n[bold]{who}[/]: {escape(str(change.goal))} {change.before:,.4g} → "
            f"{change.after:,.4g} (change {change.change:+,.4g})" + (f" — {note}" if note else "")
        )
        table = Table()
        for col in ("factor", "before", "after", "contribution", "share"):
            table.add_column(col, justify="right" if col != "factor" else "left")
        for f in change.factors:
            share = "–" if f.share is None else f"{f.share * 100:.0f}%"
            contrib = "–" if math.isnan(f.contribution) else f"{f.contribution:+,.4g}"
            table.add_row(
                escape(str(f.name)), f"{f.before:,.4g}", f"{f.after:,.4g}", contrib, share
            )
        console.print(table)


# -- goals -------------------------------------------------------------------------------------
@goals_app.command("add")
def goals_add(
    name: Annotated[str, typer.Argument(help="What the goal is called, e.g. 'LinkedIn reach Q3'.")],
    metric: Annotated[str, typer.Option(help="The steering metric (catalogue name).")],
    target: Annotated[
        str,
        typer.Option(
            help="A total (5000), a change against the period before (+20%), or a rate (4.5%)."
        ),
    ],
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option(help="Last day, YYYY-MM-DD.")],
    workspace: WorkspaceOpt = None,
    platform: Platform = None,
    plan_goal: Annotated[
        str,
        typer.Option(
            "--plan-goal",
            help="The key of the plan's goal the objective goes under (made when missing).",
        ),
    ] = "goals",  # socialdesk.goals.MOVED_GOAL, as on the web
    by: Annotated[str, typer.Option("--by", help="Who saves the plan version.")] = "cli",
    lang: Annotated[
        str, typer.Option(help="Language of the plan goal's name when one is made: nl or en.")
    ] = "en",
    as_json: JsonOpt = False,
) -> None:
    """Add a goal: an objective in the marketing plan (a new plan version), as a goal added
    on /analytics/goals is."""
    from socialdesk import goals as goal_progress
    from socialdesk.analytics import run
    from socialdesk.analytics.goals import new_goal
    from socialdesk.catalogue import UnknownMetric
    from socialdesk.i18n import gettext, normalise
    from socialdesk.marketing import run as marketing
    from socialdesk.marketing.plan import PlanInvalid

    first, last = parse_day(start, "--start"), parse_day(end, "--end")
    assert first is not None and last is not None  # both options are required
    try:
        with workspace_session(workspace) as (session, ws):
            found = run.platforms(session, ws).platforms
            if platform is not None and platform not in found:
                raise ValueError(
                    f"no platform {platform!r} in this workspace; choose one of "
                    f"{', '.join(found) or '(none yet: import an export first)'}"
                )
            goal = new_goal(name, metric, first, last, target, platform)
            added = goal_progress.add_objective(
                session,
                ws,
                goal,
                plan_goal=plan_goal,
                plan_goal_name=gettext(normalise(lang) or "en", "Goals"),
                saved_by=by,
                note=f"goal {name} (added with socialdesk goals add)",
            )
            # as saved: under its plan goal
            objective = marketing.current_plan(session, ws)[1].objective(added.key) or added
    except (ValueError, UnknownMetric) as exc:
        _fail(str(exc.args[0]) if exc.args else str(exc))
        return
    except PlanInvalid as exc:
        _fail("; ".join(exc.problems))
        return
    if as_json:
        print_json(objective)
        return
    console.print(
        f"[green]✓[/] goal '{escape(objective.name)}' added to the plan as objective "
        f"{escape(objective.key)} (plan goal {escape(objective.goal)}): {escape(goal.metric)} "
        f"{escape(target)} from {goal.start} to {goal.end}."
    )


@goals_app.command("remove")
def goals_remove(
    goal_id: Annotated[str, typer.Argument(help="The goal's id (see 'socialdesk goals list').")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Remove a goal stored here before (the plan's objectives are changed in the plan)."""
    from socialdesk.analytics import run
    from socialdesk.marketing import run as marketing

    with workspace_session(workspace) as (session, ws):
        removed = run.remove_goal(session, ws, goal_id)
        in_plan = not removed and marketing.current_plan(session, ws)[1].objective(goal_id)
    if in_plan:
        _fail(
            f"{goal_id!r} is an objective of the marketing plan: change the plan "
            "('socialdesk plan export', then 'socialdesk plan import', or /marketing/plan)",
            1,
        )
    if not removed:
        _fail(f"no goal {goal_id!r}; 'socialdesk goals list' shows the ids", 1)
    console.print(f"[green]✓[/] goal {escape(goal_id)} removed.")


@goals_app.command("list")
def goals_list(
    workspace: WorkspaceOpt = None,
    today: Annotated[
        str | None, typer.Option(help="Judge as of this day, YYYY-MM-DD (default: today).")
    ] = None,
    lang: Lang = "en",
    as_json: JsonOpt = False,
) -> None:
    """Every goal with its progress, forecast and status: the marketing plan's objectives,
    then goals stored before (as /analytics/goals shows them)."""
    from socialdesk.analytics import run
    from socialdesk.goals import plan_goals

    with workspace_session(workspace) as (session, ws):
        result = plan_goals(session, ws, today=parse_day(today, "--today"), lang=lang)
    if as_json:
        print_json(result)
        return
    statuses = result.goals
    if not statuses:
        console.print(
            "No goals yet: 'socialdesk goals add NAME --metric … --target … --start … --end …'."
        )
        return
    table = Table()
    for col in ("id", "goal", "metric", "period", "so far", "target", "forecast (95%)"):
        table.add_column(col)
    table.add_column("status", no_wrap=True, min_width=11)  # the verdict reads whole
    for st in statuses:
        unit = run.metric_info(st.goal.metric).unit
        value, interval = _estimate(st.forecast, unit)
        forecast = f"{value} ({interval})" if interval else st.forecast.method
        scope = st.goal.platform or "all"
        table.add_row(  # names and ids typed by people, in the plan or here: data
            escape(str(st.goal.id)),
            escape(str(st.goal.name)),
            escape(f"{st.goal.metric} · {scope}"),
            f"{st.goal.start} – {st.goal.end}",
            fmt_value(st.observed, unit),
            fmt_value(st.target_value, unit),
            escape(str(forecast)),
            escape(_goal_word(st.status, st.days_left)),
        )
    console.print(table)


def _goal_word(status: str, days_left: int) -> str:
    """The status as the goals page says it: once the period is over, reached or not."""
    if days_left <= 0 and status == "on-track":
        return "reached"
    if days_left <= 0 and status in ("at-risk", "off-track"):
        return "not reached"
    return status


# -- anomalies and best times ------------------------------------------------------------------
def anomalies_command(
    workspace: WorkspaceOpt = None,
    days: Days = 90,
    start: Start = None,
    end: End = None,
    platform: Platform = None,
    threshold: Annotated[
        float,
        typer.Option(help="How unusual (a normal score: 3.5 is about 1 day in 4,300 each side)."),
    ] = 3.5,
    limit: Annotated[int, typer.Option(help="Show at most this many of each kind.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Days and posts far outside their expected range."""
    from socialdesk.analytics import run

    if threshold <= 0:
        raise typer.BadParameter("--threshold must be positive")
    with workspace_session(workspace) as (session, ws):
        result = run.anomaly_report(
            session,
            ws,
            days=days,
            start=parse_day(start, "--start"),
            end=parse_day(end, "--end"),
            platform=platform,
            threshold=threshold,
        )
    if as_json:
        print_json(result)
        return
    # an account's unusual metrics of one day are one unusual day (listed together)
    n_days, n_figures = run.account_days(result.days), len(result.days)
    figures = f" ({n_figures} figures)" if n_figures != n_days else ""
    console.print(
        f"[bold]Anomalies[/] {result.start} – {result.end}: "
        f"{n_days} day{'' if n_days == 1 else 's'}{figures}, "
        f"{len(result.posts)} post{'' if len(result.posts) == 1 else 's'}"
    )
    console.print(escape(str(result.method)))
    if result.days:
        # two lines a day, so the explanation (which names the expected value) reads whole in
        # an 80-column terminal
        console.print("\n[bold]Days[/]")
        # --limit counts days: an account's figures of one day are shown whole
        keys = list(dict.fromkeys((a.account_id, str(a.day)) for a in result.days))[:limit]
        wanted = set(keys)
        shown = [a for a in result.days if (a.account_id, str(a.day)) in wanted]
        for a in shown:
            console.print(  # account names and explanations naming them: data
                f"[bold]{escape(str(a.day))}[/]  {escape(str(a.platform))} · "
                f"{escape(str(a.account))} · {escape(str(a.metric))}: "
                f"[bold]{a.value:,.0f}[/] · score {a.score:+.1f} "
                f"(normal {a.low:,.0f} – {a.high:,.0f})"
            )
            console.print(f"    {escape(str(a.explanation))}", style="dim")
        if n_days > len(keys):
            more = n_days - len(keys)
            console.print(f"[dim]… and {more} more day{'' if more == 1 else 's'} (--limit)[/]")
    if result.posts:
        table = Table(title="Posts")
        for col in ("published", "platform", "media", "rate", "expected", "score", "post id"):
            table.add_column(col)
        for p in result.posts[:limit]:
            table.add_row(
                escape(_post_time(p.published_at)),
                escape(str(p.platform)),
                escape(str(p.media_type)),
                f"{p.rate * 100:.2f}%",
                f"{p.expected_rate * 100:.2f}%",
                f"{p.score:+.1f}",
                escape(str(p.post_id)),
            )
        console.print(table)
    for s in result.skipped:
        console.print(f"[dim]{escape(str(s.what))}: {escape(str(s.reason))}[/]")


def best_times_command(
    workspace: WorkspaceOpt = None,
    days: Days = 365,
    start: Start = None,
    end: End = None,
    platform: Platform = None,
    as_json: JsonOpt = False,
) -> None:
    """Best hours and weekdays to post, per platform, from the workspace's own posts."""
    from socialdesk.analytics import run
    from socialdesk.analytics.best_times import WEEKDAYS

    with workspace_session(workspace) as (session, ws):
        result = run.best_times_report(
            session,
            ws,
            days=days,
            start=parse_day(start, "--start"),
            end=parse_day(end, "--end"),
            platform=platform,
        )
    if as_json:
        print_json(result)
        return
    console.print(f"[bold]Best times to post[/] {result.start} – {result.end}")
    for pt in result.platforms:
        if not pt.ok:
            console.print(f"\n[bold]{escape(str(pt.platform))}[/]: {escape(str(pt.note))}")
            continue
        contenders = [e.slot for e in pt.hours if e.contender]
        console.print(
            f"\n[bold]{escape(str(pt.platform))}[/] ({pt.posts} posts, per "
            f"{escape(str(pt.exposure))}): best hour "
            f"{pt.best_hour}:00; not clearly worse: "
            f"{', '.join(f'{h}:00' for h in contenders)}; best weekday "
            f"{WEEKDAYS[pt.best_weekday or 0]}"
        )
        table = Table()
        for col in ("hour", "posts", f"rate vs {pt.reference_hour}:00", "95% interval"):
            table.add_column(col, justify="right")
        for e in pt.hours:
            if e.posts == 0:
                continue
            if e.rate_ratio.ok:
                table.add_row(
                    f"{e.slot}:00",
                    str(e.posts),
                    f"{e.rate_ratio.value:.2f}",
                    f"{e.rate_ratio.low:.2f} – {e.rate_ratio.high:.2f}",
                )
            else:
                table.add_row(f"{e.slot}:00", str(e.posts), "–", "not enough data")
        console.print(table)
        console.print(f"[dim]{escape(str(pt.method))}[/]")


def _post_time(value: object) -> str:
    """A post's publish time to the minute, or its day alone where the time is not known (a
    date-only export stores its posts at midnight: i18n.Formats.post_time)."""
    import datetime as dt

    text = str(value)
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return text[:16]
    return f"{when:%Y-%m-%d}" if when.time() == dt.time() else f"{when:%Y-%m-%d %H:%M}"
