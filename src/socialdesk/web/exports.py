"""Every table the cockpit shows, out as CSV and Excel (issue #16, "Every table out").

A page declares its tables next to its route (`page(..., tables=...)`, socialdesk.web.pages):
a function that turns the page's result into `Table`s, each with its `Column`s (English
msgids, translated here with the request's language) and its rows as plain values — numbers
as numbers, dates as dates, an `Estimate` as its value and its interval in columns of their
own — so a spreadsheet can compute with them.

What the files look like:

- CSV: UTF-8 with a byte order mark (Excel then reads é and ë right). Dutch: `;` between
  cells and a decimal comma (`12,5`), as Dutch Excel opens a CSV by a double click; English:
  `,` and a decimal point. No thousands separators, ISO dates (`2026-11-20`, `2026-11-20
  09:30:00`), which Excel reads as dates in either language. One table per file
  (`?table=<key>`, default: the page's first).
- XLSX: every table of the page on its own sheet (a name of at most 31 characters, unique),
  typed cells (numbers, dates with a date format, yes/no as booleans), a bold, frozen header.
- Formula-safe: a text cell that starts with = + - @, a tab or a carriage return gets a
  single quote in front, in CSV and in XLSX (where text is also stored as text, never as a
  formula), so a post text or a campaign name like `=HYPERLINK(...)` is shown, never run.
  Numbers are not text: a negative number stays a number.
- At most `MAX_ROWS` rows per table; past it a last row says the rest was cut.
- Bounded memory: rows are written in chunks to a spooled temporary file (in memory up to
  `SPOOL_BYTES`, on disk beyond), read while the request still holds its database session,
  and streamed out from there in `CHUNK_BYTES` pieces.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Protocol

from fastapi.responses import StreamingResponse

from socialdesk.estimates import Estimate
from socialdesk.i18n import N_, formats, gettext
from socialdesk.phrases import Join, Phrase, say

MAX_ROWS = 100_000  # per table; a page's filters narrow what is left out
SPOOL_BYTES = 2 * 1024 * 1024  # kept in memory up to this size, then on disk
CHUNK_BYTES = 64 * 1024  # what the response sends at a time
FLUSH_ROWS = 500  # CSV rows written to the file at a time

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d")
_CUT = N_("Cut off after %(n)s rows: narrow the page's filters to get the rest.")


@dataclass(frozen=True)
class Column:
    """One column: its key (stable, for code) and its header: an English msgid, or a function
    of the locale for a name that lives elsewhere (a metric's label in the metric registry)."""

    key: str
    header: str | Callable[[str], str]


@dataclass(frozen=True)
class Table:
    """One table of a page: its key (`?table=`), title (an English msgid, the sheet's name),
    columns and rows (tuples of plain values: str, int, float, Decimal, date, datetime,
    bool, None, or a Phrase or a Join of them, translated with the page's language)."""

    key: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


# the page function's helper: `Tables = Callable[[result, locale], Sequence[Table]]`
Tables = Callable[..., Sequence[Table]]


def estimate_columns(key: str, header: str) -> tuple[Column, Column, Column]:
    """An estimate as three columns: its value, the low and the high end of its interval
    (headed "CTR", "CTR: low", "CTR: high")."""

    def end(word: str) -> Callable[[str], str]:
        return lambda locale: f"{gettext(locale, header)}: {gettext(locale, word)}"

    return (
        Column(key, header),
        Column(f"{key}_low", end(N_("low"))),
        Column(f"{key}_high", end(N_("high"))),
    )


def estimate_cells(estimate: Estimate | None) -> tuple[Any, Any, Any]:
    """The cells of `estimate_columns`: value, low and high (empty where unknown)."""
    if estimate is None:
        return (None, None, None)
    return (estimate.value, estimate.low, estimate.high)


def neutralise(text: str) -> str:
    """Text a spreadsheet shows, never runs (CSV/XLSX formula injection): a cell that starts
    with = + - @ (or its full-width =), a tab or a carriage return, also after spaces or
    no-break spaces some spreadsheets skip, gets a leading '."""
    stripped = text.lstrip(" \u00a0")
    return "'" + text if stripped.startswith(_FORMULA_START) else text


def xlsx_text(text: str) -> str:
    """Text an XLSX cell can hold: control characters the format forbids (a vertical tab
    from Word, an escape) become a space, instead of failing the whole file."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub(" ", text)


def _number(value: float | int | Decimal) -> float | int | Decimal | None:
    """A finite number, else None (NaN and infinities are an empty cell)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return value


class TextSink(Protocol):
    def write(self, text: str, /) -> object: ...


class _Cells:
    """Cell values in one language: Phrases translated, text neutralised."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.fmt = formats(locale)
        self.yes = gettext(locale, "yes")
        self.no = gettext(locale, "no")

    def text(self, value: Any) -> str:
        if isinstance(value, Phrase | Join):
            value = say(value, lambda m: gettext(self.locale, m), self.fmt)
        return neutralise(str(value))

    def header(self, header: str | Callable[[str], str]) -> str:
        if callable(header):
            return self.text(header(self.locale))
        return self.text(gettext(self.locale, header))


# -- CSV -------------------------------------------------------------------------------------
def _plain_number(value: float | int | Decimal, comma: bool) -> str:
    if isinstance(value, int):
        return str(value)
    text = repr(value) if isinstance(value, float) else str(value)
    if "e" in text or "E" in text:  # 1e-05: a spreadsheet wants 0.00001
        text = format(Decimal(text), "f")
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",") if comma else text


def _plain(value: Any) -> Any:
    """A numpy or pandas scalar as the Python value it holds."""
    if hasattr(value, "item") and not isinstance(value, str | bytes | dt.date):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    return value


def _csv_cell(value: Any, cells: _Cells, comma: bool) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return cells.yes if value else cells.no
    if isinstance(value, int | float | Decimal):
        number = _number(value)
        return "" if number is None else _plain_number(number, comma)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return cells.text(value)


def write_csv(table: Table, locale: str, out: TextSink) -> None:
    """`table` as CSV in `locale`'s conventions (see the module's doc)."""
    dutch = locale == "nl"
    cells = _Cells(locale)
    writer = csv.writer(out, delimiter=";" if dutch else ",", lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow([cells.header(c.header) for c in table.columns])
    batch: list[list[str]] = []
    for n, row in enumerate(table.rows):
        if n >= MAX_ROWS:
            batch.append([cells.text(Phrase(_CUT, n=MAX_ROWS))])
            break
        batch.append([_csv_cell(v, cells, dutch) for v in row])
        if len(batch) >= FLUSH_ROWS:
            writer.writerows(batch)
            batch.clear()
    writer.writerows(batch)


# -- XLSX ------------------------------------------------------------------------------------
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_names(titles: Iterable[str]) -> list[str]:
    """Excel's rules for sheet names: at most 31 characters, none of []:*?/\\, unique
    (case-insensitive), not empty."""
    names: list[str] = []
    seen: set[str] = set()
    for title in titles:
        base = _SHEET_FORBIDDEN.sub(" ", title).strip(" '")[:31] or "Sheet"
        name, n = base, 1
        while name.casefold() in seen:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        seen.add(name.casefold())
        names.append(name)
    return names


def write_xlsx(tables: Sequence[Table], locale: str, out: IO[bytes]) -> None:
    """Every table on a sheet of its own (see the module's doc)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = _Cells(locale)
    bold = Font(bold=True)
    wb = Workbook(write_only=True)
    titles = [gettext(locale, t.title) for t in tables]
    for table, name in zip(tables, sheet_names(titles), strict=True):
        sheet = wb.create_sheet(name)
        sheet.freeze_panes = "A2"

        def cell(value: Any, sheet: Any = sheet) -> Any:
            value = _plain(value)
            if isinstance(value, Phrase | Join | str):
                c = WriteOnlyCell(sheet, value=xlsx_text(cells.text(value)))
                c.data_type = "s"  # text stays text: never a formula
                return c
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                number: Any = _number(value)
                return WriteOnlyCell(sheet, value=number)
            if isinstance(value, dt.datetime):
                c = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
                c.number_format = "yyyy-mm-dd hh:mm"
                return c
            if isinstance(value, dt.date):
                day: Any = value
                c = WriteOnlyCell(sheet, value=day)
                c.number_format = "yyyy-mm-dd"
                return c
            if isinstance(value, dt.time):
                c = WriteOnlyCell(sheet, value=value.isoformat())
                c.data_type = "s"
                return c
            return WriteOnlyCell(sheet, value=value)  # None, bool

        header = []
        for column in table.columns:
            c = WriteOnlyCell(sheet, value=cells.header(column.header))
            c.data_type = "s"
            c.font = bold
            header.append(c)
        sheet.append(header)
        for n, row in enumerate(table.rows):
            if n >= MAX_ROWS:
                sheet.append([cell(Phrase(_CUT, n=MAX_ROWS))])
                break
            sheet.append([cell(v) for v in row])
    if not tables:
        wb.create_sheet("Sheet")
    wb.save(out)


# -- responses -------------------------------------------------------------------------------
def _ascii(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def filename(page: str, table: str | None, ext: str, today: dt.date | None = None) -> str:
    """`socialdesk-<page>-<table>-<yyyy-mm-dd>.<ext>`, ASCII only."""
    parts = ["socialdesk", _ascii(page)]
    if table:
        parts.append(_ascii(table))
    parts.append((today or dt.date.today()).isoformat())
    return "-".join(parts) + "." + ext


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
    finally:
        spool.close()


def _download(spool: IO[bytes], media_type: str, name: str) -> StreamingResponse:
    return StreamingResponse(
        _chunks(spool),
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def csv_response(table: Table, locale: str, name: str) -> StreamingResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    text = _Utf8Writer(spool)
    write_csv(table, locale, text)
    return _download(spool, CSV_TYPE, name)


def xlsx_response(tables: Sequence[Table], locale: str, name: str) -> StreamingResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    write_xlsx(tables, locale, spool)
    return _download(spool, XLSX_TYPE, name)


class _Utf8Writer:
    """The text side of a binary spool (csv.writer writes str; io.TextIOWrapper would close
    the spool with itself)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw

    def write(self, text: str, /) -> object:
        return self.raw.write(text.encode("utf-8"))


__all__ = [
    "MAX_ROWS",
    "Column",
    "Table",
    "Tables",
    "csv_response",
    "estimate_cells",
    "estimate_columns",
    "filename",
    "neutralise",
    "sheet_names",
    "write_csv",
    "write_xlsx",
    "xlsx_response",
]
