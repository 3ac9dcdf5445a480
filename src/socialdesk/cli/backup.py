"""socialdesk backup / restore: a workspace's database and files in one archive (docs/backup.md).

Thin commands over socialdesk.store.backup.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from socialdesk.cli.console import WorkspaceOpt, console, err_console, resolve_workspace


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"


def backup(
    out: Annotated[
        Path,
        typer.Argument(
            help="The archive to write (.tar.gz), or a folder to write a dated one in.",
            show_default=False,
        ),
    ],
    workspace: WorkspaceOpt = None,
) -> None:
    """Back up the workspace: its database (consistent while `serve` runs) and its folder's
    files, with the keys. The archive holds secrets: keep it as safe as the folder."""
    from socialdesk.store.backup import BackupError, backup_workspace

    folder = resolve_workspace(workspace)
    out = out.expanduser()
    if out.is_dir():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = out / f"socialdesk-{folder.name or 'workspace'}-{stamp}.tar.gz"
    try:
        result = backup_workspace(folder, out)
    except BackupError as exc:
        err_console.print(f"[red]✗[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    console.print(
        f"[green]✓[/] {escape(str(result.path))} ({_size(result.size)}): workspace "
        f"{escape(result.workspace['slug'])}, {result.posts} posts, {result.users} users, "
        f"{result.files} files."
    )
    others = [w["slug"] for w in result.workspaces if w["uid"] != result.workspace["uid"]]
    if others:
        console.print(
            f"  The database is shared: the backup holds the whole database, also "
            f"{len(others)} other workspace(s) ({escape(', '.join(others[:5]))}"
            f"{', ...' if len(others) > 5 else ''})."
        )
    console.print("  It holds password hashes and the keys of stored credentials: keep it safe.")


def restore(
    archive: Annotated[Path, typer.Argument(help="A backup made by `socialdesk backup`.")],
    workspace: WorkspaceOpt = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace the folder's workspace when it is not empty."),
    ] = False,
) -> None:
    """Restore a backup into a workspace folder (best a new one): the workspace keeps its
    identity and its users, under any folder name."""
    from socialdesk.store.backup import BackupError, restore_workspace

    folder = resolve_workspace(workspace)
    try:
        result = restore_workspace(archive, folder, force=force)
    except BackupError as exc:
        err_console.print(f"[red]✗[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    console.print(
        f"[green]✓[/] restored workspace {escape(result.workspace['slug'])} (backup of "
        f"{escape(result.created_at)}) into {escape(str(result.folder))}: {result.posts} "
        f"posts, {result.users} users, {result.files} files."
    )
