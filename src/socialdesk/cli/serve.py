"""socialdesk serve: the web cockpit over one workspace.

On 127.0.0.1 (or localhost, ::1) it serves one person without a login, like a desktop app.
On any other address it refuses unless team mode is on: at least one user with access to
the workspace (`socialdesk users add`), or --team.
"""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from socialdesk.cli.console import WorkspaceOpt, console, err_console, resolve_workspace


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


class RefusedToServe(Exception):
    """Serving as asked would expose the workspace; the message says what to do instead."""


def decide_mode(host: str, team_flag: bool, has_users: bool) -> bool:
    """True for team mode. Raises RefusedToServe when the address needs a login and none exists."""
    from socialdesk.web.auth import is_local_host

    if team_flag and not has_users:
        raise RefusedToServe(
            "Team mode needs at least one user, or nobody could log in. Create one first:\n"
            "  socialdesk users add NAME --role admin --workspace W"
        )
    if is_local_host(host):
        return team_flag
    if not (team_flag or has_users):
        raise RefusedToServe(
            f"Refusing to serve on {host} without team mode: anyone who can reach this address "
            "could read and change the workspace.\n"
            "  Serve only this computer:  socialdesk serve --host 127.0.0.1\n"
            "  Or create the first user (team mode then starts by itself):\n"
            "    socialdesk users add NAME --role admin --workspace W"
        )
    return True


def run_server(
    folder: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    open_browser: bool = True,
    team: bool = False,
    worker: bool | None = None,
) -> None:
    """Serve the workspace in `folder` until interrupted (used by `serve` and `demo`).

    `worker`: run the job worker in a thread beside the web server (default: in local mode,
    so one person needs one command; a team runs `socialdesk worker` processes)."""
    import uvicorn

    from socialdesk.store import open_workspace, session_scope
    from socialdesk.users import team_exists
    from socialdesk.web import WebConfig, create_app, settle_for_serving
    from socialdesk.web.auth import LOCAL_HOSTS, is_local_host, secret_key_for

    handle = open_workspace(folder)
    with session_scope(handle.engine) as session:
        has_users = team_exists(session, handle.workspace_id)
    try:
        team_mode = decide_mode(host, team, has_users)
    except RefusedToServe as exc:
        err_console.print(f"[red]✗[/] {exc}")
        raise typer.Exit(2) from None
    local = is_local_host(host)
    config = WebConfig(
        workspace=handle,
        team=team_mode,
        secret_key=secret_key_for(handle.folder),
        allowed_hosts=tuple(h.strip("[]") for h in LOCAL_HOSTS) if local and not team_mode else (),
    )
    app = create_app(config)
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/"
    mode = (
        "team mode: log in with your user"
        if team_mode
        else "local mode: no login, this computer only"
    )
    console.print(
        f"socialdesk cockpit for [bold]{handle.folder}[/] at [link={url}]{url}[/] ({mode})"
    )
    console.print("Stop it with Ctrl+C.")
    if open_browser:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    settle_for_serving()
    consumer = None
    if worker if worker is not None else not team_mode:
        from socialdesk.worker import make_worker

        jobs = make_worker(handle.folder, handle.engine, handle.workspace_id)
        jobs.recover()
        consumer = jobs.consumer(quiet=True)
        consumer.start()
        console.print("The job worker runs beside it (scheduled syncs of the connections).")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True)
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


def serve(
    workspace: WorkspaceOpt = None,
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. Anything but 127.0.0.1/localhost needs team mode."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser.")
    ] = False,
    team: Annotated[
        bool,
        typer.Option(
            "--team", help="Require a login even on 127.0.0.1 (e.g. behind a reverse proxy)."
        ),
    ] = False,
    worker: Annotated[
        bool | None,
        typer.Option(
            "--worker/--no-worker",
            help="Run the job worker in this process (default: in local mode only).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the web cockpit of a workspace (local mode on 127.0.0.1, team mode elsewhere)."""
    run_server(
        resolve_workspace(workspace),
        host=host,
        port=port,
        open_browser=not no_browser,
        team=team,
        worker=worker,
    )
