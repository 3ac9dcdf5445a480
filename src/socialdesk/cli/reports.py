"""socialdesk report monthly: the monthly report for stakeholders, as PDF and HTML.

socialdesk report monthly [--month 2026-10] [--lang nl|en] [--pdf FILE] [--html FILE]
                          [--organisation NAME] [--json]

It calls socialdesk.reports.run, as the cockpit's /reports page and the worker will: `monthly`
gathers the month from the skills' seams, `render` writes the files. Without --pdf or --html
it prints the report's opening sentences.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    print_json,
    workspace_session,
)

report_app = typer.Typer(
    help="Reports for stakeholders: the monthly report as PDF and HTML.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


def _fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]✗[/] {message}")
    raise typer.Exit(code)


@report_app.command("monthly")
def monthly_command(
    workspace: WorkspaceOpt = None,
    month: Annotated[
        str | None,
        typer.Option(help="The month, YYYY-MM (default: the previous calendar month)."),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the report: nl or en.")] = "nl",
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the PDF to this file.")] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML page to this file.")
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option(help="The organisation's name on the report (default: the workspace's)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The month against the month before: what changed, why and what to do next, then a
    page per area with data (reach, top posts, goals, plan, inbox, ads, unusual days)."""
    from socialdesk.i18n import LOCALES, gettext, normalise
    from socialdesk.reports import run
    from socialdesk.reports.monthly import NoDataForMonth, parse_month, previous_month

    language = normalise(lang)
    if language is None:
        _fail(f"--lang must be one of {', '.join(LOCALES)} (got {lang!r})", 2)
    assert language is not None
    try:
        first = parse_month(month) if month else previous_month(dt.date.today())
    except ValueError as exc:
        _fail(f"--month: {exc}", 2)
    with (
        console.status(f"Gathering {first:%Y-%m}…"),
        workspace_session(workspace) as (session, ws),
    ):
        try:
            report = run.monthly(session, ws, first, language, organisation=organisation)
        except NoDataForMonth as exc:
            _fail(str(exc))
    if as_json:
        print_json(report)
        return
    targets: dict[run.Format, Path] = {}
    if html is not None:
        targets["html"] = html
    if pdf is not None:
        targets["pdf"] = pdf
    with console.status("Rendering…"):
        files = run.render_all(report, tuple(targets))
    written = []
    for fmt, path in targets.items():
        try:
            path.write_bytes(files[fmt])
        except OSError as exc:
            _fail(f"{path}: cannot be written ({exc.strerror})")
        written.append((path, len(files[fmt])))
    from socialdesk.i18n import formats

    fmt_ = formats(language)
    for sentence in report.headline:
        text = sentence.say(lambda m: gettext(language, m), fmt_)
        console.print(f"• {text}", markup=False)
    if not written:
        console.print("Add --pdf FILE and/or --html FILE to write the report.")
    for path, size in written:
        console.print(f"[green]✓[/] wrote {path} ({size / 1024:,.0f} KB)")
