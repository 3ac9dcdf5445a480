"""socialdesk connect / connections / sync / worker: data that flows in by itself (#14).

Thin commands over socialdesk.connectors.run and socialdesk.worker; `connections --json`
prints the result /connections.json serves (never a credential).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    open_handle,
    parse_day,
    print_json,
    resolve_workspace,
    triage_new_messages,
    workspace_session,
)

connections_app = typer.Typer(
    help="Connections to the platforms' APIs: health, pause, resume, remove.",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    app.command("connect")(connect)
    app.add_typer(connections_app, name="connections")
    app.command("sync")(sync)
    app.command("worker")(worker)


def _whoami() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def connect(
    platform: Annotated[
        str,
        typer.Argument(help="bluesky, mastodon, meta, linkedin, youtube, ga4 or search_console."),
    ],
    workspace: WorkspaceOpt = None,
    handle: Annotated[str | None, typer.Option(help="Bluesky: the handle.")] = None,
    app_password: Annotated[
        str | None, typer.Option(help="Bluesky: an app password (never your main password).")
    ] = None,
    service: Annotated[
        str | None, typer.Option(help="Bluesky: the account's server, if not bsky.social.")
    ] = None,
    instance: Annotated[str | None, typer.Option(help="Mastodon: the instance.")] = None,
    token: Annotated[
        str | None,
        typer.Option(
            help="Mastodon: an access token; Meta: a Page access token; LinkedIn: a member's "
            "access token."
        ),
    ] = None,
    page: Annotated[
        str | None,
        typer.Option(
            help="Meta: the Page (name or id), for a user token; LinkedIn: the Page's number "
            "or address."
        ),
    ] = None,
    property_id: Annotated[
        str | None, typer.Option("--property", help="GA4: the property id.")
    ] = None,
    site: Annotated[
        str | None,
        typer.Option(help="Search Console: sc-domain:example.nl or https://www.example.nl/."),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(help="GA4, Search Console: the service account's JSON key file."),
    ] = None,
    client_file: Annotated[
        Path | None,
        typer.Option(
            help="YouTube: the OAuth client's JSON (Desktop app); opens Google's consent page."
        ),
    ] = None,
    secret_stdin: Annotated[
        bool,
        typer.Option(
            "--secret-stdin",
            help="Read the app password or token from standard input (keeps it out of the "
            "shell's history).",
        ),
    ] = False,
) -> None:
    """Connect an account's API (the credential is checked, then stored encrypted)."""
    from socialdesk.connectors.run import ConnectRefused, platforms, secret_box
    from socialdesk.connectors.run import connect as do_connect
    from socialdesk.connectors.secrets import SecretKeyError

    known = {p.platform: p for p in platforms()}
    if platform not in known:
        err_console.print(
            f"[red]✗[/] unknown platform {escape(repr(platform))}; "
            f"choose one of {', '.join(sorted(known))}"
        )
        raise typer.Exit(2)
    values = {
        k: v
        for k, v in {
            "handle": handle,
            "app_password": app_password,
            "service": service,
            "instance": instance,
            "token": token,
            "page": page,
            "property": property_id,
            "site": site,
        }.items()
        if v
    }
    if key_file is not None:
        try:
            values["service_account"] = key_file.read_text(encoding="utf-8")
        except OSError as exc:
            err_console.print(
                f"[red]✗[/] {escape(str(key_file))}: cannot be read ({escape(str(exc.strerror))})"
            )
            raise typer.Exit(2) from None
    if client_file is not None:
        values.update(_youtube_consent(client_file))
    if secret_stdin:
        secret = sys.stdin.readline().strip()
        field = next(f.name for f in known[platform].fields if f.secret)
        values[field] = secret
    folder = resolve_workspace(workspace)
    try:
        with workspace_session(folder) as (session, ws):
            health = do_connect(
                session, ws, platform, values, secret_box(folder), created_by=_whoami()
            )
    except SecretKeyError as exc:
        err_console.print(f"[red]✗[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    except ConnectRefused as refused:  # what the platform answered is data
        err_console.print(
            f"[red]✗[/] {escape(known[platform].title)}: {escape(str(refused.error.message))}"
        )
        if refused.error.detail:
            err_console.print(f"  the platform said: {escape(str(refused.error.detail))}")
        raise typer.Exit(1) from None
    console.print(
        f"[green]✓[/] connected {escape(str(health.title))} {escape(str(health.handle))} "
        f"(connection {health.id}); run [bold]socialdesk sync[/] or "
        "[bold]socialdesk worker[/] to bring its data in."
    )


def _youtube_consent(client_file: Path) -> dict[str, str]:
    """The OAuth client's id and secret, and a refresh token from the owner's consent."""
    import webbrowser

    from socialdesk.connectors.base import HttpOptions
    from socialdesk.connectors.errors import ConnectorError
    from socialdesk.connectors.google import consent, read_client_secret
    from socialdesk.connectors.youtube import SCOPES

    def show(url: str) -> None:
        console.print("Give consent in the browser (or open this address):")
        console.print(url, soft_wrap=True, markup=False)
        webbrowser.open(url)

    try:
        client_id, secret = read_client_secret(client_file.read_text(encoding="utf-8"))
        refresh = consent(client_id, secret, SCOPES, show, HttpOptions())
    except OSError as exc:
        err_console.print(
            f"[red]✗[/] {escape(str(client_file))}: cannot be read ({escape(str(exc.strerror))})"
        )
        raise typer.Exit(2) from None
    except ConnectorError as exc:
        err_console.print(f"[red]✗[/] YouTube: {escape(str(exc.message))}")
        raise typer.Exit(1) from None
    return {"client_id": client_id, "client_secret": secret, "refresh_token": refresh}


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


@connections_app.callback()
def connections(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Every connection's health: last sync, what it brought, why it failed."""
    if ctx.invoked_subcommand is not None:
        return
    from socialdesk.connectors.run import connections as list_connections

    with workspace_session(workspace) as (session, ws):
        result = list_connections(session, ws)
    if as_json:
        print_json(result)
        return
    if not result.connections:
        console.print(
            "No connections yet: [bold]socialdesk connect bluesky --handle ... "
            "--app-password ...[/] or [bold]socialdesk connect mastodon ...[/]"
        )
        return
    table = Table(title="Connections")
    for col in ("id", "platform", "account", "health", "last sync", "streams", "problem"):
        table.add_column(col)
    for c in result.connections:
        streams = ", ".join(
            f"{s.name} {s.last_status or '—'}"
            + (f" ({s.last_items})" if s.last_items else "")
            + (" ↻" if s.resumes else "")
            for s in c.streams
        )
        colour = {"ok": "green", "failing": "red", "paused": "yellow"}.get(c.health, "")
        account = c.handle + (f"\n(expires {c.expires_at:%Y-%m-%d})" if c.expires_at else "")
        health = escape(str(c.health))
        table.add_row(  # handles and the platforms' error messages are data
            str(c.id),
            escape(str(c.title)),
            escape(account),
            f"[{colour}]{health}[/]" if colour else health,
            _when(c.last_sync_at),
            escape(streams),
            escape(str(c.last_error or "")),
        )
    console.print(table)


def _set(connection: int, workspace: Path | None, status: str) -> None:
    from socialdesk.connectors.run import SyncRefused, set_status

    try:
        with workspace_session(workspace) as (session, ws):
            set_status(session, ws, connection, status)
    except SyncRefused as exc:
        err_console.print(f"[red]✗[/] {escape(str(exc))}")
        raise typer.Exit(1) from None


ConnectionArg = Annotated[int, typer.Argument(help="The connection's id (see `connections`).")]


@connections_app.command("pause")
def pause(connection: ConnectionArg, workspace: WorkspaceOpt = None) -> None:
    """Stop the worker from syncing this connection (its data stays)."""
    _set(connection, workspace, "paused")
    console.print(f"[yellow]⏸[/] connection {connection} paused")


@connections_app.command("resume")
def resume(connection: ConnectionArg, workspace: WorkspaceOpt = None) -> None:
    """Let the worker sync this connection again."""
    _set(connection, workspace, "active")
    console.print(f"[green]▶[/] connection {connection} active")


@connections_app.command("remove")
def remove(connection: ConnectionArg, workspace: WorkspaceOpt = None) -> None:
    """Delete the connection and its stored credential (the data it brought stays)."""
    from socialdesk.connectors.run import RemoveRefused, SyncRefused
    from socialdesk.connectors.run import remove as do_remove

    try:
        with workspace_session(workspace) as (session, ws):
            handle = do_remove(session, ws, connection)
    except (SyncRefused, RemoveRefused) as exc:
        err_console.print(f"[red]✗[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    console.print(
        f"[green]✓[/] removed connection {connection} ({escape(str(handle))}); its credential "
        "is deleted, its data stays."
    )


def sync(
    workspace: WorkspaceOpt = None,
    connection: Annotated[
        int | None, typer.Option(help="Only this connection (default: every active one).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Walk back to this day (YYYY-MM-DD) instead of the last sync's cursor."),
    ] = None,
    stream: Annotated[list[str] | None, typer.Option(help="Only this stream (repeatable).")] = None,
    force: Annotated[
        bool, typer.Option(help="Start even if a run of this connection seems to be running.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Bring in what is new from the connected accounts, now."""
    from socialdesk.connectors.run import SyncRefused, secret_box
    from socialdesk.connectors.run import sync as do_sync
    from socialdesk.connectors.secrets import SecretKeyError

    folder = resolve_workspace(workspace)
    day = parse_day(since, "--since")
    handle = open_handle(folder)
    try:
        reports = do_sync(
            handle.engine,
            handle.workspace_id,
            secret_box(folder),
            connection_id=connection,
            since=dt.datetime.combine(day, dt.time()) if day else None,
            streams=stream,
            force=force,
        )
    except (SyncRefused, SecretKeyError) as exc:
        err_console.print(f"[red]✗[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    if any(r.added for r in reports):
        triage_new_messages(folder)
    if as_json:
        print_json(reports)
    else:
        if not reports:
            console.print("No active connections to sync.")
        for r in reports:
            mark = {"ok": "[green]✓[/]", "partial": "[yellow]![/]"}.get(r.status, "[red]✗[/]")
            who = escape(f"{r.platform} {r.handle}")
            if r.status == "refused":
                console.print(f"{mark} {who}: not synced: {escape(str(r.message))}")
                continue
            console.print(
                f"{mark} {who}: {r.added} new, {r.updated} "
                f"updated, {r.requests} requests (run {r.run_id}, batch {r.batch_id})"
            )
            for s in r.streams:
                line = escape(f"    {s.name}: {s.status}, {s.items} items in {s.pages} pages")
                if s.resumed:
                    line += ", resumed where the last run stopped"
                console.print(line)
                if s.error:
                    detail = s.error.get("detail")
                    console.print(
                        f"      [red]{escape(str(s.error['message']))}[/]"
                        + (f" ({escape(str(detail))})" if detail else "")
                    )
    if any(r.status in ("failed", "refused") for r in reports):
        raise typer.Exit(1)


def worker(
    workspace: WorkspaceOpt = None,
    once: Annotated[
        bool, typer.Option("--once", help="Queue what is due, run it, and stop.")
    ] = False,
    threads: Annotated[int, typer.Option(help="Jobs run at the same time.")] = 1,
) -> None:
    """Run the job worker: scheduled syncs, the calendar's posts and the scheduled reports
    (queue in the workspace, or SOCIALDESK_REDIS_URL)."""
    from socialdesk.worker import make_worker

    folder = resolve_workspace(workspace)
    handle = open_handle(folder)
    w = make_worker(folder, handle.engine, handle.workspace_id)
    again = w.recover()
    if again:
        console.print(f"{again} job(s) a stopped worker left running are queued again.")
    if once:
        sent = w.publish_due()
        mailed = w.send_reports()
        queued = w.schedule_due()
        ran = w.run_pending()
        console.print(
            f"{len(sent)} calendar post(s) handled, {len(mailed)} scheduled report(s) handled, "
            f"{len(queued)} sync(s) due, {ran} job(s) run."
        )
        return
    where = "Redis" if "Redis" in type(w.huey).__name__ else f"{folder / 'jobs.db'}"
    console.print(f"Worker for {escape(str(folder))} (queue: {escape(where)}); Ctrl+C stops it.")
    w.consumer(workers=threads).run()
