"""socialdesk ads: the advertising figures and decisions in the terminal.

socialdesk ads report  [--from D --to D --level campaign|ad_set|ad|account --daily]
socialdesk ads tests   [--metric ctr|conversion_rate|cpa --level ad|ad_set]
socialdesk ads fatigue [--metric ctr|conversion_rate]
socialdesk ads curves
socialdesk ads budget  --total 10000 [--days 30 --max-change 0.3 --value TYPE=VALUE]
socialdesk ads pacing  [--today D --month 2026-10]
socialdesk ads plan    add|list|clear   (the manager's budgets)
socialdesk ads mmm     --total 10000    (optional extra: socialdesk[mmm])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

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
    pass

T = TypeVar("T")

ads_app = typer.Typer(
    help="Paid social: figures, tests, fatigue, response curves and budgets.", no_args_is_help=True
)
plan_app = typer.Typer(
    help="The budgets you plan per campaign or month (for pacing).", no_args_is_help=True
)
ads_app.add_typer(plan_app, name="plan")

FromOpt = Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")]


def register(app: typer.Typer) -> None:
    app.add_typer(ads_app, name="ads")


def _ask(workspace: Any, seam: Callable[..., T], **params: Any) -> T:
    """Call one of socialdesk.ads.run's functions on the workspace; a bad value is the user's."""
    with workspace_session(workspace) as (session, ws):
        try:
            return seam(session, ws, **params)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc


def _period(start: str | None, end: str | None, days: int = 0) -> Any:
    from socialdesk.ads.run import Period

    return Period(days, parse_day(start, "--from"), parse_day(end, "--to"))


DaysOpt = Annotated[
    int, typer.Option(help="The last N days with delivery (0: all; --from/--to win).")
]


def _no_data() -> None:
    console.print(
        "No ad delivery in this workspace (or period). Import Ads Manager, Google Ads "
        "or LinkedIn Campaign Manager exports with [bold]socialdesk import FILE[/]."
    )


def _n(v: float | None, places: int = 0) -> str:
    return "–" if v is None else f"{v:,.{places}f}"


def _pct(e: Any, places: int = 2) -> str:
    if not e.ok:
        return "–"
    return f"{e.value:.{places}%}"


def _est(e: Any, places: int = 1) -> str:
    if not e.ok:
        return "–"
    if e.low is None or e.high is None:
        return f"{e.value:,.{places}f}"
    return f"{e.value:,.{places}f} ({e.low:,.{places}f}–{e.high:,.{places}f})"


# -- report --------------------------------------------------------------------------------
@ads_app.command("report")
def report(
    workspace: WorkspaceOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    days: DaysOpt = 0,
    level: Annotated[str, typer.Option(help="account, campaign, ad_set or ad.")] = "campaign",
    rate: Annotated[
        list[str] | None,
        typer.Option(
            help="Exchange rate to add currencies up, e.g. --rate USD=0.92 (1 USD = 0.92 of "
            "--currency)."
        ),
    ] = None,
    currency: Annotated[str | None, typer.Option(help="Currency of the converted total.")] = None,
    daily: Annotated[
        bool,
        typer.Option(
            "--daily", help="One row per campaign and day instead of the period's totals."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Spend, reach, clicks, CTR, CPC, CPM, results, CPA and ROAS per campaign (or level)."""
    from socialdesk.ads import run

    period = _period(start, end, days)
    if daily:
        _print_daily(_ask(workspace, run.daily, period=period), as_json)
        return
    rates = {}
    for r in rate or ():
        code, _, value = r.partition("=")
        try:
            rates[code.strip().upper()] = float(value)
        except ValueError as exc:
            raise typer.BadParameter(f"--rate must look like USD=0.92 (got {r!r})") from exc
    if rates and not currency:
        raise typer.BadParameter("--rate needs --currency (the currency of the total)")
    try:
        result = _ask(
            workspace,
            run.report,
            period=period,
            level=level,
            rates=rates,
            currency=currency.upper() if currency else None,
        )
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from exc
    if as_json:
        print_json(result)
        return
    rep, converted = result.report, result.converted_total
    if not rep.rows:
        _no_data()
        return
    span = f"{rep.start or 'start'} to {rep.end or 'end'}"
    table = Table(title=f"Ads per {escape(level.replace('_', ' '))}, {span}", title_justify="left")
    for col in (
        "Platform",
        "Name",
        "Spend",
        "Impr.",
        "Clicks",
        "CTR",
        "CPC",
        "CPM",
        "Results",
        "CPA",
        "ROAS",
        "Attribution",
    ):
        table.add_column(
            col,
            justify="left" if col in ("Platform", "Name", "Results", "Attribution") else "right",
        )
    for row in rep.rows:
        f = row.figures
        res = ", ".join(f"{v:,.0f} {k}" for k, v in f.results.items()) or "–"
        table.add_row(  # names, result types and currencies come from the exports: escaped
            escape(str(row.platform)),
            escape(str(row.name)),
            f"{_n(f.spend, 2)} {escape(str(f.currency or '?'))}",
            _n(f.impressions),
            _n(f.clicks),
            _pct(f.ctr),
            _n(f.cpc, 2),
            _n(f.cpm, 2),
            escape(res),
            _n(f.cpa, 2),
            _n(f.roas, 2),
            escape(", ".join(f.attribution)) or "not in the export",
        )
    console.print(table)
    for cur, tot in rep.totals.items():
        console.print(
            f"Total {escape(str(cur))}: spend {_n(tot.spend, 2)}, "
            f"{_n(tot.impressions)} impressions, {_n(tot.clicks)} clicks, CTR {_pct(tot.ctr)}"
        )
    if converted:
        rate_text = ", ".join(
            f"1 {k} = {v} {converted.currency}"
            for k, v in converted.rates.items()
            if k != converted.currency
        )
        console.print(
            f"All spend in {escape(str(converted.currency))}: {converted.spend:,.2f} "
            f"(at {escape(rate_text)})"
        )
    for note in rep.notes:
        console.print(f"[dim]•[/] {escape(str(note))}")


def _print_daily(days: Any, as_json: bool) -> None:
    if as_json:
        print_json(days)
        return
    if days.empty:
        _no_data()
        return
    table = Table(title="Ads per campaign and day (daily rows only)", title_justify="left")
    for col in ("Day", "Campaign", "Spend", "Impr.", "Clicks", "CTR", "Results", "CPA"):
        table.add_column(col, justify="left" if col in ("Day", "Campaign", "Results") else "right")
    for r in days.itertuples(index=False):
        ctr = f"{r.clicks / r.impressions:.2%}" if r.impressions and r.clicks == r.clicks else "–"
        res = f"{r.result:,.0f} {escape(str(r.result_label))}" if r.result == r.result else "–"
        cpa = f"{r.spend / r.result:,.2f}" if r.result and r.result == r.result else "–"
        table.add_row(
            str(r.date),
            escape(str(r.campaign)),
            f"{_n(r.spend, 2)} {escape(str(r.currency or ''))}",
            _n(r.impressions),
            _n(r.clicks),
            ctr,
            res,
            cpa,
        )
    console.print(table)


# -- tests ---------------------------------------------------------------------------------
@ads_app.command("tests")
def tests(
    workspace: WorkspaceOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    days: DaysOpt = 0,
    metric: Annotated[str, typer.Option(help="ctr, conversion_rate or cpa.")] = "ctr",
    level: Annotated[
        str,
        typer.Option(help="ad: creatives within an ad set; ad_set: audiences within a campaign."),
    ] = "ad",
    min_lift: Annotated[
        float,
        typer.Option(help="Smallest relative difference worth detecting (for the sample needed)."),
    ] = 0.20,
    as_json: JsonOpt = False,
) -> None:
    """Creative and audience tests: pairwise tests (Holm), chance to be best, sample needed."""
    from socialdesk.ads import run
    from socialdesk.ads.creative_tests import METRICS

    if metric not in METRICS:
        raise typer.BadParameter(f"metric must be one of {', '.join(METRICS)}")
    result = _ask(
        workspace,
        run.tests,
        metric=metric,
        level=level,
        period=_period(start, end, days),
        min_lift=min_lift,
    )
    if as_json:
        print_json(result)
        return
    found = result.tests
    if not found:
        console.print(
            "No group with two or more variants to compare"
            + (
                " (conversion rate needs results that are conversions)."
                if metric == "conversion_rate"
                else "."
            )
        )
        return
    name = {"ctr": "CTR", "conversion_rate": "Conv. rate", "cpa": "CPA"}[metric]
    for t in found:
        table = Table(
            title=f"{escape(str(t.campaign))} › {escape(str(t.group))}", title_justify="left"
        )
        for col in ("Variant", name, "95% interval", "Chance best"):
            table.add_column(col, justify="left" if col == "Variant" else "right")
        for v in t.variants:
            if metric == "cpa":
                value = _n(v.cpa, 2)
                lo = f"{1 / v.rate.high:,.2f}" if v.rate.high else "–"
                hi = f"{1 / v.rate.low:,.2f}" if v.rate.low else "∞"
                interval = f"{lo}–{hi}"
            else:
                value = _pct(v.rate)
                interval = (
                    f"{v.rate.low:.2%}–{v.rate.high:.2%}"
                    if v.rate.ok and v.rate.low is not None
                    else "–"
                )
            table.add_row(escape(str(v.name)), value, interval, f"{v.prob_best:.0%}")
        console.print(table)
        for p in t.pairs:
            mark = "[green]significant[/]" if p.significant else "not significant"
            console.print(
                f"  {escape(str(p.a))} vs {escape(str(p.b))}: p = {p.p_value:.3g}, "
                f"after Holm {p.p_adjusted:.3g} ({mark})"
            )
        console.print(f"  [bold]{escape(str(t.verdict))}[/]")
        if t.peeking_warning:
            console.print(f"  [yellow]⚠ {escape(str(t.peeking_warning))}[/]")


# -- fatigue -------------------------------------------------------------------------------
@ads_app.command("fatigue")
def fatigue(
    workspace: WorkspaceOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    days: DaysOpt = 0,
    metric: Annotated[str, typer.Option(help="ctr or conversion_rate.")] = "ctr",
    as_json: JsonOpt = False,
) -> None:
    """Ads whose CTR (or conversion rate) falls as their frequency rises, with the evidence."""
    from socialdesk.ads import run

    result = _ask(workspace, run.fatigue, metric=metric, period=_period(start, end, days))
    if as_json:
        print_json(result)
        return
    checks = result.checks
    if not checks:
        console.print("No ads with daily rows and a frequency (Meta exports give one).")
        return
    flagged = [c for c in checks if c.flagged]
    console.print(f"{len(flagged)} of {len(checks)} ads show fatigue.")
    for c in checks:
        mark = "[red]fatigue[/]" if c.flagged else "[green]ok[/]"
        console.print(
            f"{mark} {escape(str(c.campaign))} › {escape(str(c.ad))}: {escape(str(c.evidence))}"
        )


# -- curves --------------------------------------------------------------------------------
@ads_app.command("curves")
def curves(
    workspace: WorkspaceOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    days: DaysOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """Response curves: each campaign's daily results against its daily spend."""
    from socialdesk.ads import run

    result = _ask(workspace, run.curves, period=_period(start, end, days))
    if as_json:
        print_json(result)
        return
    found = result.curves
    if not found:
        _no_data()
        return
    table = Table(
        title="Response curves (results a day = top · spend^s / (k^s + spend^s))",
        title_justify="left",
    )
    for col in (
        "Campaign",
        "Results",
        "Days",
        "Spend seen / day",
        "Top / day",
        "Half at / day",
        "Now / day",
        "Last euro buys",
    ):
        table.add_column(col, justify="left" if col in ("Campaign", "Results") else "right")
    for c in found:
        if not c.ok:
            table.add_row(
                escape(str(c.campaign)),
                escape(str(c.result_type or "–")),
                str(c.n_days),
                f"{c.spend_min:,.0f}–{c.spend_max:,.0f}",
                f"[dim]{escape(str(c.reason))}[/]",
                "",
                _n(c.current_spend, 2),
                "",
            )
            continue
        unseen = "[dim]not reached in the spend seen[/]"
        table.add_row(
            escape(str(c.campaign)),
            escape(str(c.result_type or "–")),
            str(c.n_days),
            f"{c.spend_min:,.0f}–{c.spend_max:,.0f}",
            _est(c.top) if c.saturation_seen else unseen,
            _est(c.k, 0) if c.saturation_seen else unseen,
            _n(c.current_spend, 2),
            _est(c.marginal(c.current_spend), 3) if c.inside(c.current_spend) else "outside range",
        )
    console.print(table)


# -- budget --------------------------------------------------------------------------------
@ads_app.command("budget")
def budget(
    workspace: WorkspaceOpt = None,
    total: Annotated[
        float | None,
        typer.Option(
            help="The budget to split over the period (default: what the campaigns in the plan "
            "spent a day recently, times --days)."
        ),
    ] = None,
    days: Annotated[int, typer.Option(help="Length of the period in days.")] = 30,
    max_change: Annotated[
        float,
        typer.Option(
            help="Largest move per campaign from its current share (0.3 = ±30%); 0 = no limit."
        ),
    ] = 0.30,
    value: Annotated[
        list[str] | None,
        typer.Option(
            help="Value of one result of a type, to weigh types together, e.g. "
            "--value 'Website purchases=40' --value 'Link clicks=0.5'."
        ),
    ] = None,
    result_type: Annotated[
        str | None,
        typer.Option(help="Optimise this result type (default: the one with the most spend)."),
    ] = None,
    currency: Annotated[str | None, typer.Option(help="Currency of the total.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The split of --total over the running campaigns that maximises expected results."""
    from socialdesk.ads import run

    values = None
    if value:
        values = {}
        for v in value:
            name, _, amount = v.rpartition("=")
            try:
                values[name.strip()] = float(amount)
            except ValueError as exc:
                raise typer.BadParameter(
                    f"--value must look like 'Link clicks=0.5' (got {v!r})"
                ) from exc
    if (total is not None and total <= 0) or days <= 0:
        raise typer.BadParameter("--total and --days must be positive")
    result = _ask(
        workspace,
        run.budget,
        total=total,
        days=days,
        max_change=max_change,
        values=values,
        result_type=result_type,
        currency=currency,
    )
    if as_json:
        print_json(result)
        return
    plan = result.plan
    if not plan.allocations:
        _no_data() if not result.curves_found else console.print(
            "No running campaign to allocate to."
        )
        for camp, why in plan.excluded:
            console.print(f"[dim]•[/] {escape(str(camp))}: {escape(str(why))}")
        return
    cur = escape(str(plan.currency or ""))
    objective = escape(str(plan.objective))  # a result type, named as in the exports
    table = Table(
        title=f"Budget {plan.total:,.2f} {cur} over {days} days, maximising {objective}",
        title_justify="left",
    )
    for col in (
        "Campaign",
        "Current",
        "Recommended",
        "Change",
        "Expected now",
        "Expected recommended",
    ):
        table.add_column(col, justify="left" if col == "Campaign" else "right")
    for a in plan.allocations:
        table.add_row(
            escape(str(a.campaign)),
            _n(a.current, 0),
            _n(a.recommended, 0),
            f"{a.change:+,.0f} ({a.change / a.current:+.0%})" if a.current else "–",
            _est(a.expected_current, 0),
            _est(a.expected_recommended, 0),
        )
    console.print(table)
    g = plan.expected_gain
    if g.ok:
        console.print(
            f"Expected gain: {g.value:+,.1f} {objective} "
            f"(95% {g.low:+,.1f} to {g.high:+,.1f}) over {days} days"
        )
    for a in plan.allocations:
        console.print(f"[bold]{escape(str(a.campaign))}[/]: " + escape("; ".join(a.reasons)))
    for camp, why in plan.excluded:
        console.print(f"[dim]• not in the plan: {escape(str(camp))}: {escape(str(why))}[/]")
    for note in plan.notes:
        console.print(f"[dim]•[/] {escape(str(note))}")


# -- pacing and plans ----------------------------------------------------------------------
@ads_app.command("pacing")
def pacing(
    workspace: WorkspaceOpt = None,
    today: Annotated[
        str | None, typer.Option(help="The day to pace to (default: the last day with data).")
    ] = None,
    month: Annotated[
        str | None,
        typer.Option(
            help="Month for the exports' daily budgets (YYYY-MM; default: today's month)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Spend to date against each budget, and the projected spend at the end of its period."""
    from socialdesk.ads import run

    when: tuple[int, int] | None = None
    if month:
        try:
            y, m = (int(p) for p in month.split("-"))
            dt.date(y, m, 1)
        except ValueError as exc:
            raise typer.BadParameter("--month must look like 2026-10") from exc
        when = (y, m)
    result = _ask(workspace, run.pacing, today=parse_day(today, "--today"), month=when)
    if result.error:
        err_console.print(f"[red]A saved budget cannot be used:[/] {escape(str(result.error))}")
        raise typer.Exit(1)
    if as_json:
        print_json(result)
        return
    if not result.has_data:
        _no_data()
        return
    day, rows = result.today, result.rows
    if not rows:
        console.print(
            "No budgets: add one with [bold]socialdesk ads plan add[/], or import "
            "exports that carry campaign budgets."
        )
        return
    table = Table(title=f"Pacing as of {day}", title_justify="left")
    for col in ("Budget", "Period", "Amount", "Spent", "Plan to date", "Projected", "Status"):
        table.add_column(col, justify="left" if col in ("Budget", "Period", "Status") else "right")
    for r in rows:
        b = r.budget
        table.add_row(
            f"{escape(str(b.scope))}\n[dim]{escape(str(b.source))}[/]",
            f"{b.start} – {b.end}",
            f"{b.amount:,.2f} {escape(str(b.currency or ''))}",
            _n(r.spent, 2),
            _n(r.expected_to_date, 2),
            _est(r.projected, 0),
            escape(str(r.status)),
        )
    console.print(table)


@plan_app.command("add")
def plan_add(
    amount: Annotated[float, typer.Option(help="The budget amount.")],
    workspace: WorkspaceOpt = None,
    campaign: Annotated[
        str, typer.Option(help="Campaign name, key or id; '*' for all campaigns in the currency.")
    ] = "*",
    month: Annotated[str | None, typer.Option(help="The month (YYYY-MM).")] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    currency: Annotated[str | None, typer.Option(help="Currency of the amount.")] = None,
) -> None:
    """Add a budget (a campaign's, or all campaigns') for a month or a period."""
    from socialdesk.ads import run

    plan: dict[str, Any] = {"campaign": campaign, "amount": amount}
    if month:
        plan["month"] = month
    else:
        plan["start"], plan["end"] = start, end
    if currency:
        plan["currency"] = currency.upper()
    with workspace_session(workspace) as (session, ws):
        try:
            saved = run.add_budget_plan(session, ws, plan)
        except run.PlanInvalid as exc:
            raise typer.BadParameter(str(exc)) from exc
    console.print(f"Budget saved ({len(saved.plans)} in total).")


@plan_app.command("list")
def plan_list(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """The budgets you entered."""
    from socialdesk.ads import run

    result = _ask(workspace, run.budget_plans)
    if as_json:
        print_json(result)
        return
    plans = result.plans
    if not plans:
        console.print(
            "No budgets yet: [bold]socialdesk ads plan add --amount 2000 --month "
            "2026-10 --campaign NAME[/]"
        )
    for i, p in enumerate(plans, start=1):
        period = p.get("month") or f"{p.get('start')} – {p.get('end')}"
        console.print(
            f"{i}. {escape(str(p.get('campaign', '*')))}: {p['amount']:,.2f} "
            f"{escape(str(p.get('currency', '')))} for {escape(str(period))}"
        )


@plan_app.command("clear")
def plan_clear(workspace: WorkspaceOpt = None) -> None:
    """Remove every budget you entered."""
    from socialdesk.ads import run

    _ask(workspace, run.clear_budget_plans)
    console.print("Budgets removed.")


# -- mmm -----------------------------------------------------------------------------------
@ads_app.command("mmm")
def mmm(
    total: Annotated[float, typer.Option(help="Budget per week to split over the channels.")],
    workspace: WorkspaceOpt = None,
    weeks: Annotated[int, typer.Option(help="Weeks the budget is for.")] = 4,
    as_json: JsonOpt = False,
) -> None:
    """Full marketing-mix model (PyMC-Marketing; needs socialdesk[mmm] and two years of data)."""
    from socialdesk.ads import run
    from socialdesk.errors import MissingExtra

    try:
        found = _ask(workspace, run.mmm, total=total, weeks=weeks)
    except MissingExtra as exc:
        err_console.print(escape(str(exc)))
        raise typer.Exit(1) from exc
    if as_json:
        print_json(found)
        if found.allocation is None:
            raise typer.Exit(1)
        return
    if found.allocation is None:
        console.print(f"Not enough data: {escape(str(found.reason))}.")
        raise typer.Exit(1)
    result = found.allocation
    table = Table(
        title=f"PyMC-Marketing budget optimizer: {total:,.2f} a week", title_justify="left"
    )
    for col in ("Channel", "Now / week", "Recommended / week"):
        table.add_column(col, justify="left" if col == "Channel" else "right")
    for c in result.channels:
        table.add_row(escape(str(c)), _n(result.current[c], 2), _n(result.recommended[c], 2))
    console.print(table)
