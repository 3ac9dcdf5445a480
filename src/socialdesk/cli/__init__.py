"""The socialdesk command line (Typer + Rich).

The commands' modules are imported when a command of theirs runs, not at start-up (issue #19
part 4): `socialdesk inbox classify` imports the inbox's module alone, and `socialdesk --help`
none of them. `COMMANDS` names each top-level command's module and its one-line help, which
the top-level help shows without importing the module; tests/cli/test_lazy_cli.py checks it
against the modules' own registrations (a command added to a module must be added here).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# top-level command -> (its module under socialdesk.cli, its one-line help), in help order
COMMANDS: dict[str, tuple[str, str]] = {
    "import": ("imports", "Detect each file's export format and import it."),
    "imports": (
        "imports",
        "The workspace's last imported files (newest first), as the Imports page lists them.",
    ),
    "undo": ("imports", "Undo an import or a sync run: remove the rows it brought in."),
    "status": (
        "imports",
        "What the workspace holds: rows per entity, per platform and account, and date ranges.",
    ),
    "formats": ("imports", "Every supported export format, with where to download it."),
    "demo": (
        "demo",
        "Build a realistic demo organisation from a seed, through the real importers.",
    ),
    "overview": (
        "overview",
        "Per platform: followers, reach, impressions, engagements, clicks and posts in the last "
        "DAYS days against the days before.",
    ),
    "posts": (
        "overview",
        "The posts, each at its latest snapshot, filtered and sorted as on /posts.",
    ),
    "serve": (
        "serve",
        "Serve the web cockpit of a workspace (local mode on 127.0.0.1, team mode elsewhere).",
    ),
    "metrics": (
        "analytics",
        "The metrics catalogue: what each metric means and where every platform puts it.",
    ),
    "kpi": (
        "analytics",
        "A metric for a slice (platform, account, media type, period), with its sample size.",
    ),
    "kpi-tree": (
        "analytics",
        "How much each factor of a KPI tree contributed to its change: the last `days` days "
        "against the `days` days before (contributions add up to the change).",
    ),
    "anomalies": ("analytics", "Days and posts far outside their expected range."),
    "best-times": (
        "analytics",
        "Best hours and weekdays to post, per platform, from the workspace's own posts.",
    ),
    "utm": (
        "marketing",
        "Build a UTM link by the plan's naming rules (lower case, allowed sources and mediums).",
    ),
    "utm-check": (
        "marketing",
        "Check existing links against the naming rules; exit 1 when any breaks them.",
    ),
    "search-gaps": (
        "marketing",
        "Where search demand and social content meet, and where they do not.",
    ),
    "site": (
        "marketing",
        "What social brings to the site (GA4), and ad campaigns whose visits arrive untagged.",
    ),
    "connect": (
        "connections",
        "Connect an account's API (the credential is checked, then stored encrypted).",
    ),
    "sync": ("connections", "Bring in what is new from the connected accounts, now."),
    "worker": (
        "connections",
        "Run the job worker: scheduled syncs, the calendar's posts and the scheduled reports "
        "(queue in the workspace, or SOCIALDESK_REDIS_URL).",
    ),
    "audit": (
        "audit",
        "Rate the five skills of the social media work from the workspace's own data: visual, "
        "empathy, advertising, online marketing and analytics, each with its evidence and the "
        "three most valuable next steps.",
    ),
    "backup": (
        "backup",
        "Back up the workspace: its database (consistent while `serve` runs) and its folder's "
        "files, with the keys. The archive holds secrets: keep it as safe as the folder.",
    ),
    "restore": (
        "backup",
        "Restore a backup into a workspace folder (best a new one): the workspace keeps its "
        "identity and its users, under any folder name.",
    ),
    "users": ("users", "People who log in to the cockpit in team mode, and their roles."),
    "goals": (
        "analytics",
        "Goals with a steering metric, a target and a period: progress, forecast and on-track "
        "/ at-risk / off-track.",
    ),
    "visual": (
        "visual",
        "Visuals: what media types do for engagement on your own posts, image checks against "
        "each platform's specs, smart crops, and a designer brief.",
    ),
    "ads": ("ads", "Paid social: figures, tests, fatigue, response curves and budgets."),
    "plan": ("marketing", "The marketing plan: goals, objectives, audiences, pillars."),
    "calendar": ("marketing", "The content calendar: plan items, clashes, gaps, exports."),
    "inbox": ("inbox", "The inbox: triage comments and messages, response figures, drafts."),
    "connections": (
        "connections",
        "Connections to the platforms' APIs: health, pause, resume, remove.",
    ),
    "report": (
        "reports",
        "Reports for stakeholders: the monthly report as PDF and HTML, and by e-mail.",
    ),
    "settings": ("settings", "The workspace's settings: how the reports present the organisation."),
}


class LazyGroup(TyperGroup):
    """The top-level group: a command's module is imported when the command is asked for.

    While the top-level help is written, a command not loaded yet is shown by a stand-in with
    its line from COMMANDS, so `socialdesk --help` imports no command module."""

    _listing = False

    # contexts and commands are typed Any: typer 0.29 brings its own copy of click, older
    # versions use click itself
    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, line = COMMANDS[cmd_name]
            if self._listing:
                return TyperCommand(cmd_name, help=line)
            self.load(module)
        return self.commands.get(cmd_name)

    def load(self, module: str) -> None:
        """Register `socialdesk.cli.<module>`'s commands into this group."""
        mod = importlib.import_module(f"socialdesk.cli.{module}")
        holder = typer.Typer()
        mod.register(holder)
        group = typer.main.get_group(holder)
        for name, command in group.commands.items():
            self.commands.setdefault(name, command)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="socialdesk",
    cls=LazyGroup,
    help="socialdesk: one cockpit for a social media manager's data, on your own machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    # the group needs a callback of its own: its commands are only added when asked for
    pass


def main() -> None:
    """The `socialdesk` command. An error socialdesk explains (a malformed workspace marker, a
    setting it cannot use) is printed as its message alone, without a traceback. So is a
    database error: one line, the database's own message, never the statement or its values
    (a failed `users add` would print the new password's hash). SQLAlchemy is imported only
    when a command used it (a database error cannot come from a command that did not)."""
    from socialdesk.errors import SocialdeskError

    try:
        app()
    except SocialdeskError as exc:
        _say_error(str(exc))
        raise SystemExit(1) from None
    except Exception as exc:
        said = _database_error(exc)
        if said is None:
            raise
        _say_error(said, soft_wrap=True)
        raise SystemExit(1) from None


def _say_error(message: str, **kwargs: Any) -> None:
    from rich.markup import escape

    from socialdesk.cli.console import err_console

    err_console.print(f"[red]✗[/] {escape(message)}", **kwargs)


def _database_error(exc: BaseException) -> str | None:
    """What to say of a database error (None when `exc` is none)."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError

    from socialdesk.store.engine import is_locked

    if not isinstance(exc, DBAPIError):
        return None
    if is_locked(exc):
        return "the database is busy: an import is running; try again in a minute."
    orig: Any = exc.orig  # the driver's message alone: no SQL, no parameters
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    return f"the database refused: {first[:300]}"


__all__ = ["COMMANDS", "LazyGroup", "app", "main"]
