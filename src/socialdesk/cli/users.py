"""socialdesk users add / list / remove: the people of team mode and their roles."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from socialdesk.cli.console import WorkspaceOpt, console, err_console, resolve_workspace

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
    from sqlalchemy import select

    from socialdesk.model import ROLES, User
    from socialdesk.store import open_workspace, session_scope
    from socialdesk.web.auth import add_user, check_password_strength

    if role not in ROLES:
        err_console.print(f"[red]✗[/] unknown role {role!r}; choose one of {', '.join(ROLES)}")
        raise typer.Exit(2)
    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        exists = session.scalar(select(User.id).where(User.username == username)) is not None
    password = ""
    if not exists:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        weak = check_password_strength(password)
        if weak:
            err_console.print(f"[red]✗[/] password too weak: {weak}")
            raise typer.Exit(2)
    with session_scope(handle.engine) as session:
        add_user(session, handle.workspace_id, username, password, role, display_name=name)
    verb = "now has" if exists else "created with"
    console.print(
        f"[green]✓[/] {username} {verb} the {role} role in workspace {handle.slug}. "
        "The cockpit now runs in team mode: everyone logs in."
    )


@users_app.command("list")
def list_users(workspace: WorkspaceOpt = None) -> None:
    """The users with access to the workspace."""
    from sqlalchemy import select

    from socialdesk.model import Membership, User
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    table = Table(title=f"Users of {handle.slug}", title_justify="left")
    for col in ("User", "Name", "Role", "Active", "Last login"):
        table.add_column(col)
    with session_scope(handle.engine) as session:
        rows = session.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == handle.workspace_id)
            .order_by(User.username)
        ).all()
        for user, role in rows:
            table.add_row(
                user.username,
                user.display_name or "",
                role,
                "yes" if user.is_active else "no",
                str(user.last_login_at)[:16] if user.last_login_at else "–",
            )
    if not rows:
        console.print("No users: the cockpit runs in local mode (127.0.0.1 only, no login).")
        return
    console.print(table)


@users_app.command("remove")
def remove(username: Annotated[str, typer.Argument()], workspace: WorkspaceOpt = None) -> None:
    """Take a user's access to the workspace away (their sessions end at once)."""
    from sqlalchemy import delete, select

    from socialdesk.model import Membership, User
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
        if user_id is None:
            err_console.print(f"[red]✗[/] no user {username!r}")
            raise typer.Exit(1)
        session.execute(
            delete(Membership).where(
                Membership.user_id == user_id, Membership.workspace_id == handle.workspace_id
            )
        )
    console.print(f"[green]✓[/] {username} no longer has access to {handle.slug}.")
