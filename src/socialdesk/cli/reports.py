"""socialdesk report: the monthly report for stakeholders, as PDF and HTML, and by e-mail.

socialdesk report monthly [--month 2026-10] [--lang nl|en] [--pdf FILE] [--html FILE]
                          [--organisation NAME] [--json]
socialdesk report care    [--month 2026-10] [--lang nl|en] [--pdf FILE] [--html FILE] [--json]
socialdesk report campaign NAME [--start D --end D] [--utm-campaign V] [--lang nl|en]
                          [--pdf FILE] [--html FILE] [--json]
socialdesk report audit   [--lang nl|en] [--pdf FILE] [--html FILE] [--json]
socialdesk report mail-settings [--host H --port 587 --security starttls --username U
                                 --password-stdin --sender S]   (no options: show them)
socialdesk report schedule add --lang nl --to a@x.nl [--to b@y.nl]
socialdesk report schedule list | remove ID
socialdesk report send-due [--now 2026-11-02T09:00]

It calls socialdesk.reports.run, as the cockpit's /reports page and the worker will: `monthly`
gathers the month from the skills' seams, `render` writes the files. Without --pdf or --html
it prints the report's opening sentences.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

if TYPE_CHECKING:
    from socialdesk.reports.run import Format, Report

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    open_handle,
    print_json,
    resolve_workspace,
    workspace_session,
)

report_app = typer.Typer(
    help="Reports for stakeholders: the monthly report as PDF and HTML, and by e-mail.",
    no_args_is_help=True,
)
schedule_app = typer.Typer(
    help="The monthly report by e-mail on the first working day of the month, 09:00.",
    no_args_is_help=True,
)
report_app.add_typer(schedule_app, name="schedule")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


def _fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]✗[/] {escape(message)}")  # it names what was given: data
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
    from socialdesk.i18n import LOCALES, normalise
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
    _write(report, language, pdf=pdf, html=html, as_json=as_json)


def _write(
    report: Report, language: str, *, pdf: Path | None, html: Path | None, as_json: bool
) -> None:
    """Print the report (--json) or its opening sentences, and write the files asked."""
    from socialdesk.i18n import gettext
    from socialdesk.reports import run

    if as_json:
        print_json(report)
        return
    targets: dict[Format, Path] = {}
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
        console.print(f"[green]✓[/] wrote {escape(str(path))} ({size / 1024:,.0f} KB)")


@report_app.command("care")
def care_command(
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
    as_json: JsonOpt = False,
) -> None:
    """The inbox's month against the month before: what came in, the replies against the
    target (the SLA), the mood of the messages and surges of negative messages."""
    from socialdesk.i18n import LOCALES, normalise
    from socialdesk.reports import run
    from socialdesk.reports.monthly import parse_month, previous_month

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
            report = run.care(session, ws, first, language)
        except run.NoCareData as exc:
            _fail(str(exc))
    _write(report, language, pdf=pdf, html=html, as_json=as_json)


@report_app.command("campaign")
def campaign_command(
    name: Annotated[str, typer.Argument(help="The campaign's name, as in the ads' exports.")],
    workspace: WorkspaceOpt = None,
    start: Annotated[
        str | None, typer.Option(help="From this day, YYYY-MM-DD (default: its first day).")
    ] = None,
    end: Annotated[
        str | None, typer.Option(help="To this day, YYYY-MM-DD (default: its last day).")
    ] = None,
    utm_campaign: Annotated[
        str | None,
        typer.Option(help="The utm_campaign of its links, when it is not the name."),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the report: nl or en.")] = "nl",
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the PDF to this file.")] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML page to this file.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """One campaign start to finish: spend, results per type and their cost, ROAS, the
    ads and ad sets, tests, tired ads, its response curve and its place in the plan."""
    from socialdesk.cli.console import parse_day
    from socialdesk.i18n import LOCALES, normalise
    from socialdesk.reports import run

    language = normalise(lang)
    if language is None:
        _fail(f"--lang must be one of {', '.join(LOCALES)} (got {lang!r})", 2)
    assert language is not None
    first, last = parse_day(start, "--start"), parse_day(end, "--end")
    if first and last and first > last:
        _fail("--start lies after --end", 2)
    with (
        console.status(f"Gathering {escape(name)}…"),  # a status is read as markup too
        workspace_session(workspace) as (session, ws),
    ):
        try:
            report = run.campaign(
                session, ws, name, language, start=first, end=last, utm_campaign=utm_campaign
            )
        except run.NoSuchCampaign as exc:
            _fail(str(exc))
    _write(report, language, pdf=pdf, html=html, as_json=as_json)


@report_app.command("audit")
def audit_command(
    workspace: WorkspaceOpt = None,
    lang: Annotated[str, typer.Option(help="Language of the report: nl or en.")] = "nl",
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the PDF to this file.")] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML page to this file.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The five-skills audit of today as a report: each skill's score, the evidence behind
    it and the most valuable next steps (socialdesk audit prints the scorecard as a table)."""
    from socialdesk.i18n import LOCALES, normalise
    from socialdesk.reports import run

    language = normalise(lang)
    if language is None:
        _fail(f"--lang must be one of {', '.join(LOCALES)} (got {lang!r})", 2)
    assert language is not None
    with (
        console.status("Judging the five skills…"),
        workspace_session(workspace) as (session, ws),
    ):
        report = run.audit(session, ws, language)
    _write(report, language, pdf=pdf, html=html, as_json=as_json)


# -- by e-mail (socialdesk.reports.mail) ---------------------------------------------------------
def _whoami() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


@report_app.command("mail-settings")
def mail_settings_command(
    workspace: WorkspaceOpt = None,
    host: Annotated[str | None, typer.Option(help="The SMTP server's host name.")] = None,
    port: Annotated[
        int | None, typer.Option(help="Its port (587 for starttls, 465 for ssl).")
    ] = None,
    security: Annotated[
        str | None, typer.Option(help="starttls, ssl or none (a relay on your own network).")
    ] = None,
    username: Annotated[str | None, typer.Option(help="The login name, if any.")] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the password from standard input (stored encrypted, never shown).",
        ),
    ] = False,
    sender: Annotated[
        str | None, typer.Option(help="The From address, e.g. 'Social <social@x.nl>'.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The mail server the scheduled reports go out through; without options, shows it
    (the password never)."""
    from socialdesk.reports import mail

    folder = resolve_workspace(workspace)
    changing = any(v is not None for v in (host, port, security, username, sender))
    changing = changing or password_stdin
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with workspace_session(folder) as (session, ws):
        current = mail.mail_settings(session, ws)
        if changing:
            from socialdesk.connectors.secrets import SecretBox, SecretKeyError

            new_host = host or (current.host if current else None)
            new_sender = sender or (current.sender if current else None)
            if not new_host or not new_sender:
                _fail("give --host and --sender (no mail server is set yet)", 2)
            assert new_host is not None and new_sender is not None
            new_security = security or (current.security if current else "starttls")
            default_port = {"ssl": 465, "none": 25}.get(new_security, 587)
            try:
                current = mail.set_mail_settings(
                    session,
                    ws,
                    SecretBox.for_workspace(folder),
                    host=new_host,
                    port=port or (current.port if current else default_port),
                    security=new_security,
                    sender=new_sender,
                    username=username
                    if username is not None
                    else (current.username if current else None),
                    password=password,
                )
            except (mail.MailSettingsError, SecretKeyError) as exc:
                _fail(str(exc), 2)
    if as_json:
        print_json(current)
        return
    if current is None:
        console.print(
            "No mail server is set: socialdesk report mail-settings --host H --port 587 "
            "--security starttls --username U --password-stdin --sender S",
            markup=False,
        )
        return
    if changing:
        console.print("[green]✓[/] mail settings saved")
    console.print(f"host:     {current.host}:{current.port} ({current.security})", markup=False)
    console.print(f"username: {current.username or '-'}", markup=False)
    console.print(f"password: {'set (hidden)' if current.password_set else 'none'}")
    console.print(f"sender:   {current.sender}", markup=False)


@schedule_app.command("add")
def schedule_add_command(
    workspace: WorkspaceOpt = None,
    lang: Annotated[str, typer.Option(help="Language of the report: nl or en.")] = "nl",
    to: Annotated[
        list[str] | None, typer.Option("--to", help="A recipient (repeat for more).")
    ] = None,
) -> None:
    """E-mail the previous month's report on the first working day of each month, 09:00
    Europe/Amsterdam (the worker sends it; `report send-due` does once what it does)."""
    from socialdesk.reports import mail

    if not to:
        _fail("give at least one --to ADDRESS", 2)
    with workspace_session(workspace) as (session, ws):
        try:
            made = mail.add_schedule(
                session, ws, lang=lang, recipients=to or [], created_by=_whoami()
            )
        except mail.MailSettingsError as exc:
            _fail(str(exc), 2)
        configured = mail.mail_settings(session, ws) is not None
    console.print(
        f"[green]✓[/] schedule {made.id}: the monthly report ({escape(made.lang)}) to "
        f"{escape(', '.join(made.recipients))}; next {mail.local_time(mail.next_moment())}"
    )
    if not configured:
        console.print("Set the mail server first: socialdesk report mail-settings …", markup=False)


@schedule_app.command("list")
def schedule_list_command(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """The workspace's report schedules, what each sent last and why it failed."""
    from rich.table import Table

    from socialdesk.reports import mail

    with workspace_session(workspace) as (session, ws):
        found = mail.list_schedules(session, ws)
    if as_json:
        print_json(found)
        return
    if not found:
        console.print("No schedules: socialdesk report schedule add --lang nl --to ADDRESS")
        return
    table = Table("id", "report", "to", "last sent", "last error")
    for s in found:
        table.add_row(  # addresses and the mail server's errors are data
            str(s.id),
            escape(f"{s.kind} ({s.lang})") + ("" if s.active else ", paused"),
            escape(", ".join(s.recipients)),
            escape(s.last_sent_month or "-"),
            escape(s.last_error or ""),
        )
    console.print(table)


@schedule_app.command("remove")
def schedule_remove_command(
    schedule_id: Annotated[int, typer.Argument(help="The schedule's id (report schedule list).")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Stops and removes a schedule."""
    from socialdesk.reports import mail

    with workspace_session(workspace) as (session, ws):
        removed = mail.remove_schedule(session, ws, schedule_id)
    if not removed:
        _fail(f"no schedule {schedule_id} in this workspace (report schedule list)")
    console.print(f"[green]✓[/] schedule {schedule_id} removed")


def _parse_now(value: str) -> dt.datetime:
    """--now: an ISO time; without an offset it is Amsterdam's time."""
    from socialdesk.reports.mail import TIMEZONE

    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"--now must be a time like 2026-11-02T09:00 (got {value!r})"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=TIMEZONE)
    return when.astimezone(dt.UTC).replace(tzinfo=None)


@report_app.command("send-due")
def send_due_command(
    workspace: WorkspaceOpt = None,
    now: Annotated[
        str | None,
        typer.Option(help="Act as if it were this time (ISO; Amsterdam's time without offset)."),
    ] = None,
) -> None:
    """Send the reports whose schedule is due, once, as the worker does each minute; prints
    what was sent, or why not."""
    from socialdesk.reports import mail

    when = _parse_now(now) if now else None
    handle = open_handle(workspace)
    try:
        with console.status("Sending the due reports…"):
            outcomes = mail.send_due(handle.engine, handle.workspace_id, handle.folder, now=when)
        from sqlalchemy.orm import Session

        with Session(handle.engine) as session:
            schedules = mail.list_schedules(session, handle.workspace_id)
    finally:
        handle.engine.dispose()
    for o in outcomes:
        if o.status == "sent":
            console.print(
                f"[green]✓[/] schedule {o.schedule_id}: sent the report of {escape(str(o.month))} "
                f"to {escape(', '.join(o.recipients))}",
            )
        else:
            err_console.print(
                f"[red]✗[/] schedule {o.schedule_id}: the report of {o.month} was not sent: "
                f"{o.error}",
                markup=False,
            )
    done = {o.schedule_id for o in outcomes}
    for s in schedules:
        if s.id not in done:
            console.print(f"• schedule {s.id}: {mail.why_not_due(s, when)}", markup=False)
    if not schedules:
        console.print("No schedules: socialdesk report schedule add --lang nl --to ADDRESS")
    if any(o.status != "sent" for o in outcomes):
        raise typer.Exit(1)
