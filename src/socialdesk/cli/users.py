"""socialdesk users add / list / remove / set-password: the people of team mode and their roles.

Thin commands over socialdesk.users; `list --json` prints the result /admin/users.json serves.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    print_json,
    resolve_workspace,
)

users_app = typer.Typer(
    help="People who log in to the cockpit in team mode, and their roles.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


Role = Annotated[str, typer.Option(help="viewer (may only look), editor (may import) or admin.")]


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="The name to log in with.")],
    workspace: WorkspaceOpt = None,
    role: Role = "viewer",
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from standard input (for scripts)."
        ),
    ] = False,
) -> None:
    """Create a user with access to the workspace (or change an existing user's role there)."""
    from socialdesk.store import open_workspace, session_scope
    from socialdesk.users import ROLES, add_user, user_exists

    if role not in ROLES:
        err_console.print(
            f"[red]✗[/] unknown role {escape(repr(role))}; choose one of {', '.join(ROLES)}"
        )
        raise typer.Exit(2)
    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        exists = user_exists(session, username)
    password = "" if exists else _new_password(password_stdin)
    with session_scope(handle.engine) as session:
        add_user(session, handle.workspace_id, username, password, role, display_name=name)
    verb = "now has" if exists else "created with"
    console.print(
        f"[green]✓[/] {escape(username)} {verb} the {role} role in workspace "
        f"{escape(handle.slug)}. "
        "The cockpit now runs in team mode: everyone logs in."
    )


def _new_password(from_stdin: bool) -> str:
    """A password from standard input or the prompt; exits when it is too weak."""
    from socialdesk.users import check_password_strength

    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    weak = check_password_strength(password)
    if weak:
        err_console.print(f"[red]✗[/] password too weak: {escape(str(weak))}")
        raise typer.Exit(2)
    return password


@users_app.command("list")
def list_users(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """The users with access to the workspace."""
    from socialdesk import users
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        result = users.members(session, handle.workspace_id)
    if as_json:
        print_json(result)
        return
    if not result.members:
        console.print("No users: the cockpit runs in local mode (127.0.0.1 only, no login).")
        return
    table = Table(title=f"Users of {escape(handle.slug)}", title_justify="left")
    for col in ("User", "Name", "Role", "Active", "Last login"):
        table.add_column(col)
    for m in result.members:
        table.add_row(  # names people chose: data
            escape(m.username),
            escape(m.display_name or ""),
            escape(m.role),
            "yes" if m.active else "no",
            str(m.last_login_at)[:16] if m.last_login_at else "–",
        )
    console.print(table)


@users_app.command("remove")
def remove(username: Annotated[str, typer.Argument()], workspace: WorkspaceOpt = None) -> None:
    """Take a user's access to the workspace away (their sessions end at once)."""
    from socialdesk.store import open_workspace, session_scope
    from socialdesk.users import remove_member

    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        found = remove_member(session, handle.workspace_id, username)
    if not found:
        err_console.print(f"[red]✗[/] no user {escape(repr(username))}")
        raise typer.Exit(1)
    console.print(f"[green]✓[/] {escape(username)} no longer has access to {escape(handle.slug)}.")


@users_app.command("set-password")
def set_password(
    username: Annotated[str, typer.Argument()],
    workspace: WorkspaceOpt = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from standard input (for scripts)."
        ),
    ] = False,
) -> None:
    """Give a user a new password (their sessions end at once)."""
    from socialdesk import users
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        exists = users.user_exists(session, username)
    if not exists:
        err_console.print(f"[red]✗[/] no user {escape(repr(username))}")
        raise typer.Exit(1)
    password = _new_password(password_stdin)
    with session_scope(handle.engine) as session:
        users.set_password(session, username, password)
    console.print(f"[green]✓[/] {escape(username)} has a new password; their sessions have ended.")


@users_app.command("approver")
def approver(
    username: Annotated[str, typer.Argument()],
    workspace: WorkspaceOpt = None,
    off: Annotated[
        bool, typer.Option("--off", help="Take the right to approve away again.")
    ] = False,
) -> None:
    """Give a user (admin, editor or viewer) the right to approve calendar items: approving
    lets a post go out at its time, so it is given by name."""
    from socialdesk import users
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    try:
        with session_scope(handle.engine) as session:
            users.set_approver(session, handle.workspace_id, username, not off)
    except KeyError:
        err_console.print(
            f"[red]✗[/] {escape(repr(username))} is not a member of {escape(handle.slug)}"
        )
        raise typer.Exit(1) from None
    who = escape(username)
    if off:
        console.print(f"[green]✓[/] {who} may no longer approve calendar items.")
    else:
        console.print(f"[green]✓[/] {who} may approve calendar items in {escape(handle.slug)}.")
