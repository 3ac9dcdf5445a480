"""socialdesk import / imports / status / formats.

`imports --json` prints what the web's /imports.json answers (socialdesk.importers.run.imports).

The importers, the store and the overview are imported by the command that runs (issue #19
part 4): loading this module for one command costs no pandas or SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    print_json,
    resolve_workspace,
    safe_db_url,
    triage_new_messages,
)

if TYPE_CHECKING:
    from socialdesk.importers.runner import FileReport


def register(app: typer.Typer) -> None:
    app.command("import")(import_files)
    app.command("imports")(imports)
    app.command("undo")(undo)
    app.command("status")(status)
    app.command("formats")(formats)


def import_files(
    files: Annotated[
        list[Path], typer.Argument(help="Export files, zips or folders.", exists=True)
    ],
    workspace: WorkspaceOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be imported; change nothing.")
    ] = False,
    account: Annotated[
        str | None,
        typer.Option(help="Account name for files that do not name one (TikTok, YouTube...)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Snapshot date of lifetime totals (YYYY-MM-DD); default: from the file name."
        ),
    ] = None,
    format_name: Annotated[
        str | None, typer.Option("--format", help="Skip detection: use this format.")
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(help="Column mapping file (TOML) for the generic posts import.", exists=True),
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            help="Currency of the spend in ad reports that do not say it (e.g. EUR; X Ads)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Detect each file's export format and import it.

    Atomic per file; re-importing a file changes nothing."""
    from socialdesk.importers.runner import Importer
    from socialdesk.store import open_workspace

    folder = resolve_workspace(workspace)
    handle = open_workspace(folder)
    importer = Importer(handle.engine, handle.workspace_id)
    snapshot = dt.date.fromisoformat(as_of) if as_of else None
    options = {"mapping": str(mapping)} if mapping else {}
    if currency:
        options["currency"] = currency
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=as_json,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def tick(file: str, rows: int) -> None:
            if file not in tasks:
                tasks[file] = progress.add_task(escape(Path(file).name), total=None)
            progress.update(tasks[file], completed=rows)

        reports = importer.import_paths(
            files,
            dry_run=dry_run,
            account=account,
            as_of=snapshot,
            format_name=format_name,
            options=options,
            progress=tick,
        )
    if not dry_run and any(r.counts.get("message") for r in reports):
        triage_new_messages(folder)
    if as_json:
        print_json(reports)
    else:
        _print_reports(reports, dry_run)
    if any(r.status in ("failed", "not-recognised") for r in reports):
        raise typer.Exit(1)


_STATUS_STYLE = {
    "imported": "[green]imported[/]",
    "would-import": "[cyan]would import[/]",
    "unchanged": "[dim]unchanged[/]",
    "failed": "[red]failed[/]",
    "not-recognised": "[yellow]not recognised[/]",
}


def _print_reports(reports: list[FileReport], dry_run: bool) -> None:
    table = Table(
        title="Dry run: nothing was changed" if dry_run else "Import", title_justify="left"
    )
    for col in ("File", "Format", "Result", "Rows", "Added", "Updated"):
        table.add_column(col, justify="right" if col in ("Rows", "Added", "Updated") else "left")
    for r in reports:
        table.add_row(
            Text(Path(r.file).name if ":" not in r.file else r.file),
            Text(r.format_title or "–"),
            _STATUS_STYLE.get(r.status, r.status),
            f"{r.rows_read:,}",
            f"{r.rows_added:,}",
            f"{r.rows_updated:,}",
        )
    console.print(table)
    for r in reports:
        if r.error:
            console.print(f"[red]✗[/] {escape(r.file)}: {escape(str(r.error))}")
        for note in r.notes:
            console.print(f"[dim]•[/] {escape(Path(r.file).name)}: {escape(str(note))}")


def status(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """What the workspace holds: rows per entity, per platform and account, and date ranges."""
    from socialdesk.overview import run
    from socialdesk.store import open_workspace, session_scope

    folder = resolve_workspace(workspace)
    handle = open_workspace(folder)
    with session_scope(handle.engine) as session:
        st = run.status(
            session,
            handle.workspace_id,
            slug=handle.slug,
            database=safe_db_url(str(handle.engine.url)),
        )
    if as_json:
        print_json(st)
        return
    console.print(f"[bold]Workspace[/] {escape(str(st.workspace))}  [dim]{escape(st.database)}[/]")
    console.print(f"{st.imports} imported files, last {escape(str(st.last_import or '–'))}")
    totals = Table(title="Rows per entity", title_justify="left")
    totals.add_column("Entity")
    totals.add_column("Rows", justify="right")
    for k, v in st.entities.items():
        totals.add_row(k.replace("_", " "), f"{v:,}")
    console.print(totals)
    if not st.accounts:
        console.print(
            "No data yet. Import export files with [bold]socialdesk import FILE[/], "
            "or build the demo with [bold]socialdesk demo[/]."
        )
        return
    per = Table(title="Per account", title_justify="left")
    per.add_column("Account")
    per.add_column("Holds")
    per.add_column("Period", no_wrap=True)
    labels = {
        "posts": "posts",
        "account_days": "daily rows",
        "campaigns": "campaigns",
        "ad_days": "ad rows",
        "web_days": "web rows",
        "search_rows": "search rows",
        "audience_rows": "audience rows",
    }
    for a in st.accounts:
        held = ", ".join(f"{a.rows[k]:,} {label}" for k, label in labels.items() if a.rows.get(k))
        period = f"{a.first} – {a.last}" if a.first and a.last else "–"
        per.add_row(
            f"{escape(a.name or a.handle)}\n[dim]{escape(a.platform)}[/]", held or "–", period
        )
    console.print(per)


LangOpt = Annotated[str, typer.Option(help="Language of the format titles and how-tos: en or nl.")]


def imports(
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option(min=1, help="How many of the last imports.")] = 100,
    lang: LangOpt = "en",
    as_json: JsonOpt = False,
) -> None:
    """The workspace's last imported files (newest first), as the Imports page lists them."""
    from socialdesk.importers import run as importers_run
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        result = importers_run.imports(
            session, handle.workspace_id, translate=_translator(lang), limit=limit
        )
    if as_json:
        print_json(result)
        return
    if not result.history:
        console.print("No imports yet: import export files with [bold]socialdesk import FILE[/].")
        return
    titles = result.format_titles
    table = Table(title=f"Last {len(result.history)} imported files", title_justify="left")
    for col in ("Id", "When", "File", "Format", "Rows", "Added", "Updated", "By"):
        table.add_column(
            col, justify="right" if col in ("Id", "Rows", "Added", "Updated") else "left"
        )
    for b in result.history:
        table.add_row(
            str(b.id),
            f"{b.started_at:%Y-%m-%d %H:%M}",
            Text(b.filename),
            Text(titles.get(b.format, b.format)),
            f"{b.rows_read:,}",
            f"{b.rows_added:,}",
            f"{b.rows_updated:,}",
            Text(b.imported_by or ""),
        )
    console.print(table)


def undo(
    batch: Annotated[int, typer.Argument(help="The import's (or sync run's) id in `imports`.")],
    workspace: WorkspaceOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be removed; change nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Undo an import or a sync run: remove the rows it brought in."""
    from socialdesk.importers.run import UndoRefused, undo_batch
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    try:
        with session_scope(handle.engine) as session:
            result = undo_batch(session, handle.workspace_id, batch, dry_run=dry_run)
    except UndoRefused as exc:
        err_console.print(f"[red]✗[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    if as_json:
        print_json(result)
        return
    what = ", ".join(f"{n:,} {t.replace('_', ' ')}" for t, n in result.deleted.items()) or "nothing"
    verb = "would remove" if dry_run else "removed"
    console.print(f"[green]✓[/] import {batch} ({escape(result.filename)}): {verb} {what}")


def _translator(lang: str) -> Callable[[str], str]:
    from socialdesk.i18n import gettext

    locale = _lang(lang)
    return lambda message: gettext(locale, message)


def _lang(lang: str) -> str:
    from socialdesk.i18n import LOCALES

    if lang not in LOCALES:
        raise typer.BadParameter(f"--lang must be one of {', '.join(LOCALES)} (got {lang!r})")
    return lang


def formats(lang: LangOpt = "en", as_json: JsonOpt = False) -> None:
    """Every supported export format, with where to download it."""
    from socialdesk.importers import run as importers_run

    result = importers_run.formats(_translator(lang))
    if as_json:
        print_json(result)
        return
    fmts = result.formats
    table = Table(
        title=f"{len(fmts)} supported export formats", title_justify="left", show_lines=True
    )
    table.add_column("Platform")
    table.add_column("Format")
    table.add_column("How to download")
    for f in fmts:
        table.add_row(
            escape(f.platform), f"{escape(f.title)}\n[dim]{escape(f.name)}[/]", escape(f.how_to)
        )
    console.print(table)
