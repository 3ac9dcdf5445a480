"""socialdesk overview / posts: the cockpit's first two pages in the terminal.

socialdesk overview [--days 30|90|365 --end D --platform P] [--json]
socialdesk posts    [--q TEXT --platform P --media photo --days N --sort S --page N] [--json]

Both call socialdesk.overview.run, as /overview and /posts do; `--json` prints what their
`.json` twins serve.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    parse_day,
    print_json,
    workspace_session,
)


def register(app: typer.Typer) -> None:
    app.command("overview")(overview)
    app.command("posts")(posts)


def _n(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _change(value: float | None) -> str:
    return "" if value is None else f"{value:+.1%}"


def overview(
    workspace: WorkspaceOpt = None,
    days: Annotated[int, typer.Option(help="Length of the period in days.", min=1, max=3660)] = 30,
    end: Annotated[
        str | None, typer.Option(help="Last day (default: the last day with data).")
    ] = None,
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Per platform: followers, reach, impressions, engagements, clicks and posts in the last
    DAYS days against the days before."""
    from socialdesk.catalogue.platforms import platform_name
    from socialdesk.overview import run
    from socialdesk.overview.summary import FIGURES

    with workspace_session(workspace) as (session, ws):
        result = run.overview(
            session, ws, days=days, end=parse_day(end, "--end"), platform=platform
        )
    if as_json:
        print_json(result)
        return
    found = result.overview
    if found.empty:
        console.print("No figures yet: import an export with [bold]socialdesk import FILE[/].")
        return
    now, before = found.current, found.previous
    table = Table(
        title=f"{now.start} to {now.end} against {before.start} to {before.end}",
        title_justify="left",
    )
    shown = found.with_data
    table.add_column("")
    for p in shown:
        table.add_column(escape(platform_name(p.platform)), justify="right")
    for key in FIGURES:
        if not any(key in p.keys_with_data for p in shown):
            continue
        cells = []
        for p in shown:
            c = p.figures.get(key)
            cells.append("–" if c is None else f"{_n(c.current)} {_change(c.change)}".strip())
        table.add_row(key.replace("_", " ").capitalize(), *cells)
    for currency in sorted({c for p in shown for c in p.spend}):
        cells = []
        for p in shown:
            c = p.spend.get(currency)
            cells.append("–" if c is None else f"{_n(c.current)} {_change(c.change)}".strip())
        table.add_row(f"Spend ({escape(str(currency))})", *cells)  # as in the exports
    console.print(table)
    if found.without_data:
        names = escape(", ".join(platform_name(p) for p in found.without_data))
        console.print(f"[dim]Without these figures: {names}[/]")


def posts(
    workspace: WorkspaceOpt = None,
    q: Annotated[str, typer.Option("--q", help="Words in the post's text.")] = "",
    platform: Annotated[str, typer.Option(help="Only this platform.")] = "",
    account: Annotated[int | None, typer.Option(help="Only this account id.")] = None,
    media: Annotated[str, typer.Option(help="photo, video, reel, carousel, link, text...")] = "",
    days: Annotated[int, typer.Option(help="The last N days (0: all).", min=0, max=3660)] = 0,
    end: Annotated[str | None, typer.Option(help="Last day of the period.")] = None,
    sort: Annotated[str, typer.Option(help="published or a metric, e.g. engagements.")] = (
        "published"
    ),
    direction: Annotated[str, typer.Option("--dir", help="desc or asc.")] = "desc",
    page: Annotated[int, typer.Option(help="Page of results.", min=1)] = 1,
    per_page: Annotated[int, typer.Option(help="Posts per page.", min=1, max=200)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The posts, each at its latest snapshot, filtered and sorted as on /posts."""
    from socialdesk.catalogue.platforms import platform_name
    from socialdesk.overview import run

    if sort not in run.SORTS:
        raise typer.BadParameter(f"--sort must be one of {', '.join(run.SORTS)}")
    if direction not in ("asc", "desc"):
        raise typer.BadParameter("--dir must be asc or desc")
    query = run.PostsQuery(
        q=q,
        platform=platform,
        account=account,
        media=media,
        days=days,
        end=parse_day(end, "--end"),
        sort=sort,
        dir=direction,
        page=page,
        per_page=per_page,
    )
    with workspace_session(workspace) as (session, ws):
        result = run.posts(session, ws, query)
    if as_json:
        print_json(result)
        return
    if not result.rows:
        console.print("No posts match.")
        return
    table = Table(
        title=f"{result.total:,} posts, page {page} of {max(result.pages, 1)}",
        title_justify="left",
    )
    table.add_column("Published", no_wrap=True)
    table.add_column("Platform", no_wrap=True)
    table.add_column("Account", max_width=24)
    table.add_column("Type")
    table.add_column("Text", ratio=1, min_width=20)
    table.add_column("Reach", justify="right", no_wrap=True)
    table.add_column("Eng.", justify="right", no_wrap=True)
    for r in result.rows:
        text = (r.text or "").replace("\n", " ")
        table.add_row(
            f"{r.published_at:%Y-%m-%d}" if r.published_at else "–",
            Text(platform_name(r.platform)),
            Text(r.account),  # the data's own text, never read as Rich markup
            Text(r.media_type or "–"),
            Text(text[:120] + ("…" if len(text) > 120 else "")),
            _n(r.metrics.get("reach")),
            _n(r.metrics.get("engagements")),
        )
    console.print(table)
