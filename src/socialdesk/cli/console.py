"""The Rich console, the workspace option and progress display shared by the commands.

Every command imports this module, so it imports nothing heavy at the top (the settings
and the store are imported where they are used: issue #19 part 4)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.errors import MarkupError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from socialdesk.store.session import WorkspaceHandle


class _Console(Console):
    """Rich's console with a safety net under markup: data (a post, a header, a file name)
    is escaped where it is put into a markup string, but should one slip through and hold
    something Rich cannot parse ("[/x]"), the same output is printed with markup off (the
    text as it is) instead of a traceback."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        try:
            super().print(*objects, **kwargs)
        except MarkupError:
            markup = self._markup
            self._markup = False  # table cells and titles are read with the console's setting
            try:
                super().print(*objects, **{**kwargs, "markup": False})
            finally:
                self._markup = markup


console = _Console(highlight=False)
err_console = _Console(stderr=True, highlight=False)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: a per-user data folder). "
        "SOCIALDESK_DATABASE_URL points the data at PostgreSQL instead of the folder's "
        "SQLite file.",
        envvar="SOCIALDESK_WORKSPACE",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def print_json(value: object) -> None:
    """A result as JSON on stdout: `socialdesk.results.plain`, the serializer of the web's
    `.json` twins, so `--json` and the twin print the same fields."""
    from socialdesk.results import dumps

    console.print_json(dumps(value))


def resolve_workspace(workspace: Path | None) -> Path:
    from socialdesk.config import Settings, default_workspace

    return (workspace or default_workspace(Settings())).expanduser()


def open_handle(workspace: Path | None) -> WorkspaceHandle:
    """The workspace folder (created and migrated when new) with its engine and id."""
    from socialdesk.store import open_workspace

    return open_workspace(resolve_workspace(workspace))


@contextmanager
def workspace_session(workspace: Path | None) -> Iterator[tuple[Session, int]]:
    """A session on the workspace and its id: what every skill's seam takes. Committed when
    the block ends without an error, rolled back otherwise."""
    from socialdesk.store import session_scope

    handle = open_handle(workspace)
    with session_scope(handle.engine) as session:
        yield session, handle.workspace_id


def parse_day(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option as a date (None when not given); a wrong one names the option."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(
            f"{option} must be a date like 2026-03-31 (got {value!r})"
        ) from exc


def safe_db_url(url: str) -> str:
    """The database URL without its password, for display."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url


def is_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def triage_new_messages(folder: Path) -> int:
    """Triage the messages that arrived without one (after an import or the demo build)."""
    from socialdesk.inbox.run import triage_workspace
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(folder)
    with session_scope(handle.engine) as session:
        return triage_workspace(session, handle.workspace_id)
