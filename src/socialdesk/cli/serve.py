"""socialdesk serve: the web cockpit over one workspace.

On 127.0.0.1 (or localhost, ::1) it serves one person without a login, like a desktop app.
On any other address it refuses unless team mode is on: at least one user with access to
the workspace (`socialdesk users add`), or --team.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import socket
import tempfile
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from socialdesk.cli.console import WorkspaceOpt, console, err_console, resolve_workspace


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


class RefusedToServe(Exception):
    """Serving as asked would expose the workspace; the message says what to do instead."""


class CannotListen(Exception):
    """The port cannot be listened on (in use, not allowed); the message says what to do."""


def _bind_error(host: str, port: int) -> OSError | None:
    """The error binding host:port would give now (bound and closed at once), else None.

    Binds as uvicorn will (every address the host resolves to, SO_REUSEADDR as asyncio sets
    it), so a port left in TIME_WAIT by a cockpit just stopped counts as free."""
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        return OSError(errno.EADDRNOTAVAIL, str(exc.strerror))
    for family, kind, proto, _name, address in infos:
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                sock.bind(address)
        except OSError as exc:
            return exc
    return None


def free_port(host: str, near: int) -> int | None:
    """A port on `host` that is free now: the first of the next twenty, else one the system
    picks."""
    for port in range(near + 1, min(near + 21, 65536)):
        if _bind_error(host, port) is None:
            return port
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.bind((host, 0))
            return int(sock.getsockname()[1])
    except OSError:
        return None


def cannot_listen(host: str, port: int, error: OSError, command: str) -> CannotListen:
    """The one-line message for an address socialdesk cannot listen on."""
    if error.errno == errno.EADDRINUSE:
        other = free_port(host, port)
        hint = f"{command} --port {other}" if other else f"{command} --port N"
        return CannotListen(
            f"Port {port} on {host} is already in use (another cockpit or program listens "
            f"there): stop it, or choose a free port: {hint}"
        )
    if error.errno == errno.EACCES:
        return CannotListen(
            f"Not allowed to listen on port {port} on {host} (ports below 1024 need "
            f"administrator rights): choose another, e.g. {command} --port 8765"
        )
    reason = error.strerror or str(error)
    return CannotListen(f"Cannot listen on {host}, port {port} ({reason}): check --host and --port")


def check_port(host: str, port: int, command: str = "socialdesk serve") -> None:
    """Raises CannotListen when the cockpit could not listen on host:port."""
    error = _bind_error(host, port)
    if error is not None:
        raise cannot_listen(host, port, error, command)


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


TRUSTED_PROXIES_ENV = "SOCIALDESK_TRUSTED_PROXIES"


def trusted_proxies(named: list[str] | None) -> tuple[str, ...]:
    """The addresses (or networks, 10.0.0.0/8) of the reverse proxies whose forwarded headers
    (X-Forwarded-For, X-Forwarded-Proto) are believed: those named with --trusted-proxy,
    else those in SOCIALDESK_TRUSTED_PROXIES (separated by commas or spaces), else none.
    Raises ValueError naming anything that is not an address or network."""
    import ipaddress

    if named:
        given = [part for item in named for part in item.replace(",", " ").split()]
    else:
        given = os.environ.get(TRUSTED_PROXIES_ENV, "").replace(",", " ").split()
    found: list[str] = []
    for item in given:
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(
                f"--trusted-proxy {item!r} is not an IP address or network "
                "(e.g. 127.0.0.1, ::1 or 10.0.0.0/8)"
            ) from None
        # as uvicorn reads it: an address, or a network without host bits (10.0.0.5/8 is
        # 10.0.0.0/8; uvicorn would keep the text as a name that never matches)
        shown = str(network.network_address) if network.num_addresses == 1 else str(network)
        if shown not in found:
            found.append(shown)
    return tuple(found)


def proxy_options(proxies: tuple[str, ...]) -> dict[str, Any]:
    """uvicorn's settings for forwarded headers: believed only from the named proxies. With
    none named, no forwarded header is read at all: the client is the connection's address,
    so a changing X-Forwarded-For cannot pass for another client (uvicorn would otherwise
    trust it from 127.0.0.1 by default)."""
    if not proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": list(proxies)}


FORWARDED_IGNORED = (
    "Requests arrive with X-Forwarded-For, but no reverse proxy is trusted, so the header is "
    "ignored: every client counts as the proxy's address (for login throttling too) and "
    "the session cookie is not marked Secure even when the proxy speaks https. Name the "
    "proxy: socialdesk serve --trusted-proxy ADDRESS (or set "
    f"{TRUSTED_PROXIES_ENV})."
)


def exposure_warning(host: str, proxies: tuple[str, ...]) -> str | None:
    """What to say at start when the cockpit listens beyond this computer, else None. It
    speaks plain http: the session cookie is marked Secure only on a request that came over
    https, which needs a reverse proxy in front (named with --trusted-proxy, so its
    X-Forwarded-Proto counts)."""
    from socialdesk.web.auth import is_local_host

    if is_local_host(host):
        return None
    front = (
        "an https reverse proxy (named with --trusted-proxy)"
        if not proxies
        else "the https reverse proxy you named"
    )
    return (
        f"Listening on {host} over plain http: passwords and session cookies cross the "
        "network unencrypted, and the session cookie is marked Secure only for requests "
        f"that came over https. Let people reach the cockpit only through {front}."
    )


class ForwardedNotice:
    """Wraps the app when no proxy is trusted: the first request carrying X-Forwarded-For is
    said once (`say(FORWARDED_IGNORED)`), as a cockpit behind an unnamed proxy would
    otherwise throttle and cookie everyone as the proxy, silently."""

    def __init__(self, app: Any, say: Any) -> None:
        self.app, self.say, self.told = app, say, False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if not self.told and scope["type"] == "http":
            if any(name == b"x-forwarded-for" for name, _value in scope.get("headers") or ()):
                self.told = True
                self.say(FORWARDED_IGNORED)
        await self.app(scope, receive, send)


def _warn(message: str) -> None:
    from rich.markup import escape

    err_console.print(f"[yellow]![/] {escape(message)}", soft_wrap=True)


def run_server(
    folder: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    open_browser: bool = True,
    team: bool = False,
    worker: bool | None = None,
    command: str = "socialdesk serve",
    proxies: tuple[str, ...] = (),
    workers: int = 1,
) -> None:
    """Serve the workspace in `folder` until interrupted (used by `serve` and `demo`).

    `workers`: web processes (uvicorn's); more than one serves a team's requests side by
    side, each process with its own app, database connections and warmer (`worker_app`).

    `worker`: run the job worker in a thread beside the web server (default: in local mode,
    so one person needs one command; a team runs `socialdesk worker` processes). A port
    that cannot be listened on is one line naming it (exit 1), never a traceback; `command`
    is the command the line suggests running again with another --port. `proxies`: the
    reverse proxies whose X-Forwarded-* headers are believed (trusted_proxies())."""
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
    check_port_or_exit(host, port, command)
    local = is_local_host(host)
    config = WebConfig(
        workspace=handle,
        team=team_mode,
        secret_key=secret_key_for(handle.folder),
        allowed_hosts=tuple(h.strip("[]") for h in LOCAL_HOSTS) if local and not team_mode else (),
    )
    app = create_app(config) if workers == 1 else None
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
    if proxies:
        console.print(
            "Forwarded headers (X-Forwarded-For, -Proto) are believed from: " + ", ".join(proxies)
        )
    exposed = exposure_warning(host, proxies)
    if exposed:
        _warn(exposed)
    if workers > 1:
        console.print(f"{workers} web processes serve it side by side.")
    console.print("Stop it with Ctrl+C.")
    if open_browser:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    settle_for_serving()
    from socialdesk.web.warm import Warmer

    # the pages' slow results made again after every import or sync, before anybody asks
    # (with several web processes each has its own results and warmer: worker_app)
    warmer = Warmer(handle).start() if app is not None else None
    consumer = None
    if worker if worker is not None else not team_mode:
        from socialdesk.worker import make_worker

        jobs = make_worker(handle.folder, handle.engine, handle.workspace_id)
        jobs.recover()
        consumer = jobs.consumer(quiet=True)
        consumer.start()
        console.print("The job worker runs beside it (scheduled syncs of the connections).")
    cleanup: list[Callable[[], None]] = []
    uvicorn_log = logging.getLogger("uvicorn.error")
    bind_errors = _BindErrors()  # uvicorn logs a failed bind and exits: said below our way
    uvicorn_log.addFilter(bind_errors)
    try:
        if app is None:
            # the processes share their slow results through a private folder of this run:
            # made by this process (0700, a fresh random name), so nobody else can put a
            # result there, and gone when the server stops (nothing outlives an upgrade)
            shared = tempfile.mkdtemp(prefix="socialdesk-results-")
            cleanup.append(lambda: shutil.rmtree(shared, ignore_errors=True))
            os.environ[_WORKER_SPEC] = json.dumps(
                {
                    "folder": str(handle.folder),
                    "team": team_mode,
                    "allowed_hosts": list(config.allowed_hosts),
                    "proxies": list(proxies),
                    "shared": shared,
                }
            )
            uvicorn.run(
                "socialdesk.cli.serve:worker_app",
                factory=True,
                workers=workers,
                host=host,
                port=port,
                log_level="warning",
                **proxy_options(proxies),
            )
        else:
            served = app if proxies else ForwardedNotice(app, _warn)
            uvicorn.run(served, host=host, port=port, log_level="warning", **proxy_options(proxies))
    except OSError as exc:  # taken between the check and uvicorn's bind
        if exc.errno not in _CANNOT_LISTEN:
            raise
        _exit_cannot_listen(cannot_listen(host, port, exc, command))
    except SystemExit:
        if not bind_errors.seen:
            raise
        _exit_cannot_listen(cannot_listen(host, port, bind_errors.seen[-1], command))
    finally:
        uvicorn_log.removeFilter(bind_errors)
        for done in cleanup:
            done()
        if warmer is not None:
            warmer.stop(timeout=1.0)
        if consumer is not None:
            consumer.stop(graceful=True)


_WORKER_SPEC = "SOCIALDESK_SERVE_WORKER"  # run_server -> worker_app: what each process serves


def worker_app() -> Any:
    """The app of one web process when `serve --workers N` runs several (uvicorn imports this
    in each process it starts): the workspace run_server opened, in the same mode, with its
    own connections and its own warmer thread; the secret key is the workspace's, which
    run_server made before starting them, so a session cookie is good in every process."""
    from socialdesk.store import memo, open_workspace
    from socialdesk.web import WebConfig, create_app, settle_for_serving
    from socialdesk.web.auth import secret_key_for
    from socialdesk.web.warm import Warmer

    spec = json.loads(os.environ[_WORKER_SPEC])
    handle = open_workspace(Path(spec["folder"]))
    config = WebConfig(
        workspace=handle,
        team=bool(spec["team"]),
        secret_key=secret_key_for(handle.folder),
        allowed_hosts=tuple(spec["allowed_hosts"]),
    )
    app = create_app(config)
    settle_for_serving()
    memo.share(Path(spec["shared"]))  # one process makes a result, the others read it
    Warmer(handle).start()  # a daemon thread: it ends with the process
    return app if spec["proxies"] else ForwardedNotice(app, _warn)


class _BindErrors(logging.Filter):
    """Keeps uvicorn's log record of a failed bind (the OSError itself) out of the log, and
    the error, for the one line run_server says instead."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[OSError] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, OSError) and record.msg.errno in _CANNOT_LISTEN:
            self.seen.append(record.msg)
            return False
        return True


_CANNOT_LISTEN = (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL)


def check_port_or_exit(host: str, port: int, command: str) -> None:
    """check_port for a command: the one-line error and exit 1 when the port cannot be used."""
    try:
        check_port(host, port, command)
    except CannotListen as exc:
        _exit_cannot_listen(exc)


def _exit_cannot_listen(exc: CannotListen) -> NoReturn:
    err_console.print(f"[red]✗[/] {exc}", soft_wrap=True)
    raise typer.Exit(1) from None


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
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help=(
                "Web processes serving side by side (a team's server: about one per core). "
                "Each keeps its own cache of slow results."
            ),
        ),
    ] = 1,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy",
            help=(
                "Address (or network) of your reverse proxy: only its X-Forwarded-For and "
                "X-Forwarded-Proto are believed. Repeat for more; or set "
                f"{TRUSTED_PROXIES_ENV}. Default: none, forwarded headers are ignored."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the web cockpit of a workspace (local mode on 127.0.0.1, team mode elsewhere)."""
    try:
        proxies = trusted_proxies(trusted_proxy)
    except ValueError as exc:
        from rich.markup import escape

        err_console.print(f"[red]✗[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None
    run_server(
        resolve_workspace(workspace),
        host=host,
        port=port,
        open_browser=not no_browser,
        team=team,
        worker=worker,
        proxies=proxies,
        workers=workers,
    )
