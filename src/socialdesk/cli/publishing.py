"""socialdesk calendar targets / check / approve / schedule / publish / queue / retry / audit:
publishing calendar items on connected accounts (issue #15).

Each command calls the publishing seam (socialdesk.publishing.run) and prints its result.
The worker (`socialdesk worker`, or `socialdesk serve`'s) sends scheduled items at their
time; `calendar publish ID --now` sends one now, from this process.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    open_handle,
    print_json,
    resolve_workspace,
)

ByOpt = Annotated[
    str,
    typer.Option(
        "--by",
        help="Who does this, for the audit log and the right to approve (default: local, the "
        "workspace's own user).",
    ),
]


def register(calendar_app: typer.Typer) -> None:
    calendar_app.command("targets")(targets)
    calendar_app.command("check")(check)
    calendar_app.command("approve")(approve)
    calendar_app.command("schedule")(schedule)
    calendar_app.command("publish")(publish)
    calendar_app.command("queue")(queue)
    calendar_app.command("retry")(retry)
    calendar_app.command("audit")(audit)


def _refused(exc: Any) -> None:
    err_console.print(f"[red]✗[/] {escape(str(exc.reason))}")
    for p in getattr(exc, "problems", ()):
        err_console.print(f"    {escape(str(p.check))}: {escape(str(p.message))}")
    raise typer.Exit(1)


def targets(
    item: Annotated[int, typer.Argument(help="The calendar item's id.")],
    connection: Annotated[
        list[str],
        typer.Option(
            "--connection",
            "-c",
            help="A connection's id, or ID:NETWORK where one connection serves two networks "
            "(a Meta connection: 4:facebook, 4:instagram). Repeatable.",
        ),
    ],
    workspace: WorkspaceOpt = None,
    by: ByOpt = "local",
) -> None:
    """Choose the connected accounts a calendar item goes out on."""
    from socialdesk.publishing import run
    from socialdesk.store import session_scope

    wanted: list[run.Target] = []
    for value in connection:
        cid, _, network = value.partition(":")
        if not cid.strip().isdigit():
            err_console.print(
                f"[red]✗[/] Not a connection id: {escape(repr(value))} (e.g. 4 or 4:instagram)."
            )
            raise typer.Exit(2)
        wanted.append((int(cid), network.strip().lower()) if network.strip() else int(cid))
    ws = open_handle(workspace)
    try:
        with session_scope(ws.engine) as s:
            ids = run.set_targets(s, ws.workspace_id, item, wanted, by=by)
    except run.PublishError as exc:
        _refused(exc)
    console.print(f"[green]✓[/] Item {item} goes out on {len(ids)} account(s).")


def check(
    item: Annotated[int, typer.Argument(help="The calendar item's id.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The text per network, its length, and what stands in the way of scheduling."""
    from socialdesk.publishing import run
    from socialdesk.store import session_scope

    folder = resolve_workspace(workspace)
    ws = open_handle(folder)
    try:
        with session_scope(ws.engine) as s:
            found = run.check_item(s, ws.workspace_id, item, folder)
    except run.PublishError as exc:
        _refused(exc)
    if as_json:
        print_json(found)
        return
    for t in found:
        mark = "[green]✓[/]" if not t.problems else "[red]✗[/]"
        console.print(
            f"{mark} {escape(f'{t.network} {t.handle}')}: {t.length} long, {t.remaining} left"
        )
        for p in t.problems:
            console.print(f"    {escape(str(p.check))}: {escape(str(p.message))}")
        for n in t.notes:
            console.print(f"    [dim]note, {escape(str(n.check))}: {escape(str(n.message))}[/]")
    if any(t.problems for t in found):
        raise typer.Exit(1)


def approve(
    item: Annotated[int, typer.Argument(help="The calendar item's id.")],
    workspace: WorkspaceOpt = None,
    by: ByOpt = "local",
) -> None:
    """Approve a draft or an item in review (needs the right to approve: `users approver`)."""
    from socialdesk.publishing import run
    from socialdesk.store import session_scope

    ws = open_handle(workspace)
    try:
        with session_scope(ws.engine) as s:
            run.approve(s, ws.workspace_id, item, by=by)
    except run.PublishError as exc:
        _refused(exc)
    console.print(f"[green]✓[/] Item {item} approved by {escape(by)}.")


def schedule(
    item: Annotated[int, typer.Argument(help="The calendar item's id.")],
    workspace: WorkspaceOpt = None,
    by: ByOpt = "local",
) -> None:
    """Schedule an approved item: the worker publishes it at its time."""
    from socialdesk.publishing import run
    from socialdesk.store import session_scope

    folder = resolve_workspace(workspace)
    ws = open_handle(folder)
    try:
        with session_scope(ws.engine) as s:
            run.schedule(s, ws.workspace_id, item, folder, by=by)
    except run.PublishError as exc:
        _refused(exc)
    console.print(f"[green]✓[/] Item {item} is scheduled.")


def publish(
    item: Annotated[int, typer.Argument(help="The calendar item's id.")],
    now: Annotated[
        bool, typer.Option("--now", help="Send it now instead of at its planned time.")
    ] = False,
    workspace: WorkspaceOpt = None,
    by: ByOpt = "local",
    as_json: JsonOpt = False,
) -> None:
    """Send a scheduled item that is due (or, with --now, an approved or scheduled one now)."""
    from socialdesk.connectors.run import secret_box
    from socialdesk.publishing import run
    from socialdesk.store import session_scope

    folder = resolve_workspace(workspace)
    ws = open_handle(folder)
    try:
        if now:
            with session_scope(ws.engine) as s:
                run.send_now(s, ws.workspace_id, item, folder, by=by)
        outcomes = run.publish_due(
            ws.engine, ws.workspace_id, folder, secret_box(folder), item_id=item
        )
    except run.PublishError as exc:
        _refused(exc)
    if as_json:
        print_json(outcomes)
        return
    if not outcomes:
        console.print(f"Nothing of item {item} is due; `--now` sends it now.")
    for o in outcomes:
        network = escape(str(o.network))
        if o.status in ("published", "found"):
            console.print(f"[green]✓[/] {network}: published {escape(str(o.url))}")
        elif o.status == "retrying":
            console.print(
                f"[yellow]![/] {network}: not yet, retried later: {escape(str(o.message))}"
            )
        else:
            console.print(f"[red]✗[/] {network}: failed: {escape(str(o.message))}")
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


def queue(
    workspace: WorkspaceOpt = None,
    everything: Annotated[bool, typer.Option("--all", help="The published ones too.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """What goes out next, what is being sent and what failed."""
    from socialdesk.publishing import run
    from socialdesk.store import session_scope

    ws = open_handle(workspace)
    with session_scope(ws.engine) as s:
        rows = run.queue(s, ws.workspace_id, everything=everything)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("Nothing is waiting to go out.")
        return
    table = Table("item", "title", "network", "account", "status", "due (UTC)", "tries", "note")
    for r in rows:
        due = f"{r.due_at:%Y-%m-%d %H:%M}" if r.due_at else "–"
        table.add_row(  # titles, handles and the platforms' errors are data
            str(r.plan_item_id),
            escape(str(r.title)),
            escape(str(r.network)),
            escape(str(r.handle)),
            escape(str(r.status)),
            due,
            str(r.attempts),
            escape(str(r.url or r.error or "")),
        )
    console.print(table)


def retry(
    item: Annotated[int, typer.Argument(help="The calendar item's id.")],
    workspace: WorkspaceOpt = None,
    by: ByOpt = "local",
) -> None:
    """Send a failed item's failed accounts again (at the worker's next round)."""
    from socialdesk.publishing import run
    from socialdesk.store import session_scope

    ws = open_handle(workspace)
    try:
        with session_scope(ws.engine) as s:
            n = run.retry(s, ws.workspace_id, item, by=by)
    except run.PublishError as exc:
        _refused(exc)
    console.print(f"[green]✓[/] {n} account(s) of item {item} go out again.")


def audit(
    item: Annotated[int, typer.Argument(help="The calendar item's id.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The item's audit log: who did what when, what was sent, what the platform answered."""
    from socialdesk.publishing import run
    from socialdesk.store import session_scope

    ws = open_handle(workspace)
    with session_scope(ws.engine) as s:
        events = run.audit(s, ws.workspace_id, item)
    if as_json:
        print_json(events)
        return
    for e in events:
        stamp = f"{e.at:%Y-%m-%d %H:%M:%S}" if isinstance(e.at, dt.datetime) else str(e.at)
        console.print(
            f"{stamp} UTC  {e.actor:<12} {e.action:<10} {e.network or ''} {e.detail}", markup=False
        )
