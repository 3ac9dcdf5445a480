"""socialdesk inbox …: classify files, triage the workspace, the queue, figures, learning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    parse_day,
    print_json,
    resolve_workspace,
    workspace_session,
)

inbox_app = typer.Typer(
    name="inbox",
    help="The inbox: triage comments and messages, response figures, drafts.",
    no_args_is_help=True,
)


model_app = typer.Typer(
    name="model",
    help="A sentiment model of your choice from a folder on this machine (optional extra).",
    no_args_is_help=True,
)
inbox_app.add_typer(model_app, name="model")


def register(app: typer.Typer) -> None:
    app.add_typer(inbox_app, name="inbox")


CHUNK = 2000  # rows of a file triaged at once: memory stays flat in the file's size
ADDED = ("language", "sentiment", "intent", "urgency", "confidence")


class _BadRow(Exception):
    pass


def _csv_rows(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    """A CSV's header and its rows, read as they are needed. The delimiter alone is sniffed
    from the first line (as pandas' sep=None does; quotes are Excel's); blank lines are skipped;
    a short row is filled with empty cells, a row with more cells than the header is refused
    with its line number."""
    import csv

    fh = path.open(encoding="utf-8-sig", newline="")
    first = fh.readline()
    try:
        # only the usual separators (a one-column header "text" is not split on its t)
        delimiter = (
            csv.Sniffer().sniff(first, delimiters=",;\t|").delimiter if first.strip() else ","
        )
    except csv.Error:
        delimiter = ","
    fh.seek(0)
    reader = csv.reader(fh, csv.excel, delimiter=delimiter)
    header = next((row for row in reader if row), [])

    def rows() -> Iterator[list[str]]:
        with fh:
            width = len(header)
            for row in reader:
                if not row:
                    continue
                if len(row) > width:
                    raise _BadRow(
                        f"line {reader.line_num} has {len(row)} cells, the header {width}"
                    )
                yield row + [""] * (width - len(row))

    return header, rows()


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[list[str], Iterator[list[str]]]:
    import pandas as pd

    frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False)
    header = [str(c) for c in frame.columns]
    return header, (list(r) for r in frame.itertuples(index=False, name=None))


def _chunks(rows: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    chunk: list[list[str]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _not_utf8(file: Path, exc: UnicodeDecodeError) -> NoReturn:
    err_console.print(
        f"[red]{escape(file.name)} is not UTF-8 text[/] ({escape(exc.reason)}): save it as "
        "CSV UTF-8. Nothing was written."
    )
    raise typer.Exit(2) from None


@inbox_app.command("classify")
def classify(
    file: Annotated[
        Path, typer.Argument(help="A CSV or XLSX file with a column of text.", exists=True)
    ],
    text_column: Annotated[str, typer.Option("--text-column", help="The column holding the text.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the result (.csv or .xlsx).")],
    sheet: Annotated[
        str | None, typer.Option(help="Sheet of a workbook (default: the first).")
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="A model folder on this machine to read the sentiment with (see `inbox model "
            "use`); a read_by column says which reader read each row.",
        ),
    ] = None,
    labels: Annotated[
        str | None,
        typer.Option(help="The model's labels as sentiments, e.g. LABEL_0=negative,LABEL_1=..."),
    ] = None,
) -> None:
    """Add language, sentiment, intent, urgency and confidence to every row of a file.

    Every input column is kept. Nothing leaves the machine; the lexicon and rules are used
    (a workspace's learnt model is not: the file belongs to no workspace), or the model
    folder given with --model. The file is read and written in chunks of 2,000 rows.
    """
    from collections import Counter

    from socialdesk import sheets
    from socialdesk.inbox.triage import triage_texts

    folder = None
    if model is not None:
        from socialdesk.inbox import model_folder

        try:
            folder = model_folder.load(model, model_folder.parse_labels(labels))
        except model_folder.ModelFolderError as exc:
            err_console.print(
                f"[yellow]{escape(str(exc))}[/]: the lexicon reads the sentiment instead."
            )
    if out.exists() and out.resolve() == file.resolve():
        err_console.print(
            f"[red]--out names the input file {escape(file.name)}[/]: write the result to "
            "another file (the input is read as the result is written)."
        )
        raise typer.Exit(2)
    is_xlsx = file.suffix.lower() in (".xlsx", ".xls")
    try:
        header, rows = _xlsx_rows(file, sheet) if is_xlsx else _csv_rows(file)
    except UnicodeDecodeError as exc:
        _not_utf8(file, exc)
    if text_column not in header:
        err_console.print(
            f"[red]{escape(file.name)} has no column {escape(repr(text_column))}.[/] "
            f"Columns: {escape(', '.join(header))}"
        )
        raise typer.Exit(2)
    where = header.index(text_column)
    added = [*ADDED, "read_by"] if model is not None else list(ADDED)
    clash = [c for c in added if c in header]
    counts: Counter[str] = Counter()
    written = 0

    def classified() -> Iterator[list[Any]]:
        nonlocal written
        for chunk in _chunks(rows, CHUNK):
            triaged = triage_texts([r[where] for r in chunk], folder=folder)
            for row, t in zip(chunk, triaged, strict=True):
                counts[t.sentiment] += 1
                extra: list[Any] = [t.language, t.sentiment, t.intent, t.urgency, t.confidence]
                if model is not None:
                    extra.append(t.triaged_by)
                yield [*row, *extra]
            written += len(chunk)

    # through the one formula-safe writer: an input text like `=HYPERLINK(...)` is written
    # with a leading ', never as a live formula (issue #18)
    names = [*header, *(f"{c}_triage" if c in clash else c for c in added)]
    # written beside the output and put in its place at the end: a bad row, an encoding
    # error or a stop half-way leaves no half-written file (and an --out that names the
    # input itself, read as it is written, is refused above)
    import os
    import tempfile

    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        if out.suffix.lower() == ".xlsx":
            with os.fdopen(fd, "wb") as binary:
                sheets.write_xlsx([sheets.Sheet("Sheet1", names, classified())], binary)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as text:
                sheets.write_csv(names, classified(), text, sheets.CsvStyle(lineterminator="\n"))
        os.replace(tmp, out)
    except _BadRow as exc:
        tmp.unlink(missing_ok=True)
        err_console.print(f"[red]{escape(file.name)}: {escape(str(exc))}.[/] Nothing was written.")
        raise typer.Exit(2) from None
    except UnicodeDecodeError as exc:
        tmp.unlink(missing_ok=True)
        _not_utf8(file, exc)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    console.print(
        f"{written:,} rows classified into {escape(str(out))}: "
        + ", ".join(f"{counts.get(s, 0):,} {s}" for s in ("negative", "neutral", "positive"))
    )
    if folder is not None:
        console.print(f"sentiment read by {escape(folder.reader)}")
    if clash:
        console.print(
            f"columns already present, written with _triage: {escape(', '.join(map(str, clash)))}"
        )


@inbox_app.command("triage")
def triage(
    workspace: WorkspaceOpt = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Triage every message again, not only new ones.")
    ] = False,
) -> None:
    """Triage the workspace's messages that have no triage yet."""
    from socialdesk.inbox import model_folder, run
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        _folder, problem = model_folder.workspace_reader(session, handle.workspace_id)
        if problem is not None:
            err_console.print(f"[yellow]{escape(problem)}.[/]")
        result = run.triage(session, handle.workspace_id, all_=all_)
    console.print(f"{result.triaged:,} messages triaged.")


def _short(text: str | None, width: int = 60) -> str:
    """The text on one line, cut to `width`, escaped for Rich markup (it is data)."""
    text = " ".join((text or "").split())
    return escape(text if len(text) <= width else text[: width - 1] + "…")


@inbox_app.command("queue")
def queue(
    workspace: WorkspaceOpt = None,
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    intent: Annotated[str | None, typer.Option(help="Only this intent.")] = None,
    sentiment: Annotated[str | None, typer.Option(help="Only this sentiment.")] = None,
    status: Annotated[
        str | None, typer.Option(help="Only this status (new, open, waiting, done).")
    ] = None,
    assignee: Annotated[str | None, typer.Option(help="Only threads of this person.")] = None,
    limit: Annotated[int, typer.Option(help="How many threads to show.", min=1)] = 20,
    now: Annotated[
        str | None, typer.Option(help="The time to count waiting from (ISO, UTC).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Open threads, most urgent first (urgency x reach x time waiting)."""
    from socialdesk.inbox import run
    from socialdesk.store import open_workspace, session_scope

    try:
        moment = dt.datetime.fromisoformat(now) if now else None
    except ValueError as exc:
        raise typer.BadParameter(f"--now must look like 2026-06-03T12:00 (got {now!r})") from exc
    if moment is not None and moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    filters = run.QueueFilters(
        platform=platform, intent=intent, sentiment=sentiment, status=status, assignee=assignee
    )
    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        result = run.queue(session, handle.workspace_id, filters=filters, now=moment, limit=limit)
    if as_json:
        print_json(result)
        return
    if not result.rows:
        console.print("The queue is empty.")
        return
    table = Table(
        "priority", "platform", "author", "message", "sentiment", "intent", "waiting", "read by"
    )
    for r in result.rows:
        table.add_row(
            f"{r['priority']:.2f}",
            escape(str(r["platform"])),
            _short(r["author_handle"], 18),
            _short(r["text"], 48),
            _reading(r, "sentiment"),
            _reading(r, "intent"),
            f"{r['minutes_waiting'] / 60:.1f} h" + (" [red]late[/]" if r["breached"] else ""),
            escape(str(r.get("triaged_by") or "–")),
        )
    console.print(table)


def _reading(row: dict, kind: str) -> str:
    """A reading with its confidence, or a person's label with who set it."""
    if row.get(f"{kind}_by"):
        return escape(f"{row[kind]} (set by {row[f'{kind}_by']})")
    return f"{row[kind] or '?'} ({(row[f'{kind}_confidence'] or 0):.0%})"


def _fmt_minutes(est) -> str:
    if est.value is None:
        return "–"
    if est.low is None:
        return f"{est.value:.0f}"
    return f"{est.value:.0f} ({est.low:.0f}–{est.high:.0f})"


@inbox_app.command("figures")
def figures(
    workspace: WorkspaceOpt = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Response figures: response rate, first response and resolution time (minutes)."""
    from socialdesk.inbox import run
    from socialdesk.store import open_workspace, session_scope

    start = parse_day(since, "--since")
    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        result = run.figures(session, handle.workspace_id, since=start)
    if as_json:
        print_json(result)
        return
    report = result.report
    if report is None:
        console.print("No messages yet.")
        return
    table = Table(
        "group",
        "threads",
        "answered",
        "response rate",
        "first response mean",
        "median",
        "resolution median",
        title="minutes, 95% intervals in brackets",
    )
    for f in [report.overall, *report.by_platform, *report.by_hours, *report.by_person]:
        rate = f.response_rate
        table.add_row(
            escape(str(f.group)),
            f"{f.threads:,}",
            f"{f.answered:,}",
            "–" if rate.value is None else f"{rate.value:.0%} ({rate.low:.0%}–{rate.high:.0%})",
            _fmt_minutes(f.first_response.mean),
            _fmt_minutes(f.first_response.median),
            _fmt_minutes(f.resolution.median),
        )
    console.print(table)
    if result.left_out_intents:
        console.print(
            f"{result.left_out:,} threads read as "
            f"{escape(' or '.join(result.left_out_intents))} are left out: no answer is owed to "
            "them."
        )
    st = result.settings
    console.print(
        f"business hours {st.start:%H:%M}-{st.end:%H:%M} {escape(st.timezone)} "
        "(socialdesk inbox settings)"
    )


@inbox_app.command("settings")
def settings(
    workspace: WorkspaceOpt = None,
    business_hours: Annotated[
        str | None, typer.Option("--business-hours", help="Daily window, e.g. 09:00-17:00.")
    ] = None,
    days: Annotated[
        str | None, typer.Option(help="Weekdays of the business hours, e.g. mon-fri.")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="The workspace's time zone (IANA), e.g. Europe/Amsterdam.")
    ] = None,
    sla_minutes: Annotated[
        int | None, typer.Option("--sla-minutes", help="The response target in minutes.")
    ] = None,
    left_out: Annotated[
        str | None,
        typer.Option(
            "--left-out", help="Intents left out of the response figures, e.g. spam,abuse."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the inbox settings; with options, change them (business hours, time zone, SLA)."""
    from socialdesk.inbox import run
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    wanted = (business_hours, days, timezone, sla_minutes, left_out)
    with session_scope(handle.engine) as session:
        if any(v is not None for v in wanted):
            change = run.save_settings(
                session,
                handle.workspace_id,
                business_hours=business_hours,
                days=days,
                timezone=timezone,
                sla_minutes=sla_minutes,
                left_out=None
                if left_out is None
                else tuple(i.strip() for i in left_out.split(",") if i.strip()),
            )
            if change.refused is not None:
                err_console.print(f"[red]{escape(str(change.detail))}[/]")
                raise typer.Exit(2)
        result = run.settings(session, handle.workspace_id)
    if as_json:
        print_json(result)
        return
    st = result.settings
    console.print(f"business hours  {result.days} {result.business_hours}", markup=False)
    console.print(f"time zone       {st.timezone}", markup=False)
    console.print(f"SLA target      {st.sla_minutes} minutes", markup=False)
    console.print(f"left out        {', '.join(st.left_out) or '-'}", markup=False)


@inbox_app.command("train")
def train(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Learn from the team's labels; the model takes over a language only if it is at least as
    good as the lexicon on enough held-back labels of that language."""
    from socialdesk.inbox import run
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        report = run.train_models(session, handle.workspace_id)
    if as_json:
        print_json(report)
        return
    for message in report.messages:
        console.print(message, markup=False)
    for model in report.models:
        _print_languages(model)


def _f1(est: Any) -> str:
    """A macro-F1 with its 95% interval, or "–" when there was none."""
    if est.value is None:
        return "–"
    if est.low is None or est.high is None:
        return f"{est.value:.3f}"
    return f"{est.value:.3f} ({est.low:.3f}–{est.high:.3f})"


def _print_languages(model: Any) -> None:
    """Per language: held-back labels, model and lexicon macro-F1 with intervals, who reads."""
    if model.languages is None:
        who = "the model" if model.in_charge else "the lexicon"
        console.print(f"{model.target}: trained before the per-language verdict; {who} reads")
        return
    table = Table(
        "language",
        "held back",
        "model macro-F1 (95%)",
        "lexicon macro-F1 (95%)",
        "in charge",
        title=f"{model.target} per language",
        title_justify="left",
    )
    for lang in model.languages:
        if lang.in_charge:
            who = "the model"
        elif lang.enough:
            who = "the lexicon"
        else:
            who = f"the lexicon (too few: at least {lang.min_held_back} held back)"
        table.add_row(
            escape(lang.language),
            f"{lang.holdout_n:,}",
            _f1(lang.score_model),
            _f1(lang.score_lexicon),
            who,
        )
    console.print(table)
    console.print("Languages without labels are read by the lexicon.")


@inbox_app.command("alerts")
def alerts(
    workspace: WorkspaceOpt = None,
    since: Annotated[
        str | None, typer.Option(help="Report alerts from this date (YYYY-MM-DD).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Days when negative messages on a topic rose far above the topic's baseline."""
    from socialdesk.inbox import run
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    with session_scope(handle.engine) as session:
        result = run.alerts(session, handle.workspace_id, since=parse_day(since, "--since"))
    if as_json:
        print_json(result)
        return
    found = result.alerts
    if not found:
        console.print("No crisis alerts.")
        return
    table = Table("day", "topic", "negative", "baseline a day", "x baseline", "example")
    for a in found[:30]:
        table.add_row(
            str(a.day),
            escape(str(a.topic)),
            str(a.negative),
            f"{a.baseline.value:.2f}",
            f"{a.ratio:.1f}",
            _short(a.examples[0] if a.examples else "", 40),
        )
    console.print(table)


@inbox_app.command("draft")
def draft(
    thread: Annotated[int, typer.Argument(help="Thread id (see `inbox queue --json`).")],
    workspace: WorkspaceOpt = None,
    formal: Annotated[bool, typer.Option(help="Dutch 'u' instead of 'je'.")] = False,
    save: Annotated[bool, typer.Option(help="Save it as a draft on the thread.")] = False,
) -> None:
    """A reply draft for a thread's last message from outside (never sent by socialdesk)."""
    from socialdesk.inbox import run
    from socialdesk.store import open_workspace, session_scope

    handle = open_workspace(resolve_workspace(workspace))
    try:
        with session_scope(handle.engine) as session:
            d = run.draft(session, handle.workspace_id, thread, formal=formal, save=save)
    except run.ThreadNotFound:
        err_console.print(f"[red]Thread {thread} has no message from outside in this workspace.[/]")
        raise typer.Exit(1) from None
    console.print(d.text, markup=False)


@model_app.command("use")
def model_use(
    path: Annotated[Path, typer.Argument(help="The model's folder (saved with save_pretrained).")],
    labels: Annotated[
        str | None,
        typer.Option(
            help="The model's labels as sentiments when its config does not name them, "
            "e.g. LABEL_0=negative,LABEL_1=neutral,LABEL_2=positive."
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read the sentiment of new messages with the model in PATH (nothing is downloaded).

    The folder is loaded and reads one text first; if it cannot, nothing changes. Run
    `socialdesk inbox triage --all` to read the earlier messages with it too.
    """
    from socialdesk.inbox import model_folder

    try:
        given = model_folder.parse_labels(labels)
    except model_folder.ModelFolderError as exc:
        raise typer.BadParameter(str(exc)) from None
    with workspace_session(workspace) as (session, ws):
        result = model_folder.use(session, ws, path, given)
    if result.problem is not None:
        err_console.print(f"[red]{escape(result.problem)}.[/] The lexicon keeps reading.")
        raise typer.Exit(2)
    if as_json:
        print_json(result)
        return
    console.print(f"The sentiment is now read by the model in {result.path}.", markup=False)
    _print_mapping(result.mapping)
    console.print("socialdesk inbox triage --all reads the earlier messages with it.", markup=False)


def _print_mapping(mapping: dict[str, str]) -> None:
    for label, sentiment in mapping.items():
        console.print(f"  {label} -> {sentiment}", markup=False)


@model_app.command("show")
def model_show(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Which model folder reads the sentiment, its labels, and whether it loads."""
    from socialdesk.inbox import model_folder

    with workspace_session(workspace) as (session, ws):
        choice = model_folder.chosen(session, ws)
    result = None if choice is None else model_folder.check(choice.path, choice.labels)
    if as_json:
        print_json({"chosen": choice, "check": result})
        return
    if choice is None or result is None:
        console.print("No model folder: the lexicon reads the sentiment.")
        return
    console.print(f"model folder  {choice.path}", markup=False)
    if result.problem is not None:
        err_console.print(f"[yellow]{escape(result.problem)}.[/] The lexicon reads the sentiment.")
        raise typer.Exit(1)
    _print_mapping(result.mapping)


@model_app.command("off")
def model_off(workspace: WorkspaceOpt = None) -> None:
    """Stop reading with the model folder: the lexicon reads the sentiment again."""
    from socialdesk.inbox import model_folder

    with workspace_session(workspace) as (session, ws):
        had = model_folder.turn_off(session, ws)
    console.print(
        "The lexicon reads the sentiment again."
        if had
        else "No model folder was chosen: the lexicon reads the sentiment."
    )
