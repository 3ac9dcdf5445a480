"""The socialdesk command line (Typer + Rich)."""

from __future__ import annotations

import typer

from socialdesk.cli import ads as _ads
from socialdesk.cli import analytics as _analytics
from socialdesk.cli import audit as _audit
from socialdesk.cli import backup as _backup
from socialdesk.cli import connections as _connections
from socialdesk.cli import demo as _demo
from socialdesk.cli import imports as _imports
from socialdesk.cli import inbox as _inbox
from socialdesk.cli import marketing as _marketing
from socialdesk.cli import overview as _overview
from socialdesk.cli import reports as _reports
from socialdesk.cli import serve as _serve
from socialdesk.cli import settings as _settings
from socialdesk.cli import users as _users
from socialdesk.cli import visual as _visual

app = typer.Typer(
    name="socialdesk",
    help="socialdesk: one cockpit for a social media manager's data, on your own machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_imports.register(app)
_demo.register(app)
_overview.register(app)
_serve.register(app)
_users.register(app)
_analytics.register(app)
_visual.register(app)
_ads.register(app)
_marketing.register(app)
_inbox.register(app)
_connections.register(app)
_reports.register(app)
_audit.register(app)
_settings.register(app)
_backup.register(app)


def main() -> None:
    """The `socialdesk` command. An error socialdesk explains (a malformed workspace marker, a
    setting it cannot use) is printed as its message alone, without a traceback. So is a
    database error: one line, the database's own message, never the statement or its values
    (a failed `users add` would print the new password's hash)."""
    from rich.markup import escape
    from sqlalchemy.exc import DBAPIError

    from socialdesk.cli.console import err_console
    from socialdesk.errors import SocialdeskError
    from socialdesk.store.engine import is_locked

    try:
        app()
    except SocialdeskError as exc:
        err_console.print(f"[red]✗[/] {escape(str(exc))}")
        raise SystemExit(1) from None
    except DBAPIError as exc:
        if is_locked(exc):
            said = "the database is busy: an import is running; try again in a minute."
        else:  # the driver's message alone: no SQL, no parameters
            first = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]
            said = f"the database refused: {first[:300]}"
        err_console.print(f"[red]✗[/] {escape(said)}", soft_wrap=True)
        raise SystemExit(1) from None


__all__ = ["app", "main"]
