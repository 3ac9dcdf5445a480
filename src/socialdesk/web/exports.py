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
- Formula-safe: written by socialdesk.sheets, the one writer of every table socialdesk
  makes for a spreadsheet: a text cell that starts with = + - @, a tab or a carriage return
  gets a single quote in front, in CSV and in XLSX (where text is also stored as text, never
  as a formula), so a post text or a campaign name like `=HYPERLINK(...)` is shown, never run.
  Numbers are not text: a negative number stays a number.
- At most `MAX_ROWS` rows per table; past it a last row says the rest was cut.
- Bounded memory: rows are written in chunks to a spooled temporary file (in memory up to
  `SPOOL_BYTES`, on disk beyond), read while the request still holds its database session,
  and streamed out from there in `CHUNK_BYTES` pieces.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from fastapi.responses import StreamingResponse

from socialdesk import sheets
from socialdesk.estimates import Estimate
from socialdesk.i18n import N_, formats, gettext
from socialdesk.phrases import Join, Phrase, say
from socialdesk.sheets import TextSink, neutralise, sheet_names, xlsx_text

MAX_ROWS = 100_000  # per table; a page's filters narrow what is left out
SPOOL_BYTES = 2 * 1024 * 1024  # kept in memory up to this size, then on disk
CHUNK_BYTES = 64 * 1024  # what the response sends at a time

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


class _Cells:
    """Cell values in one language: Phrases translated to text, everything else as it is
    (socialdesk.sheets neutralises the text and formats the rest)."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.fmt = formats(locale)

    def value(self, value: Any) -> Any:
        if isinstance(value, Phrase | Join):
            return say(value, lambda m: gettext(self.locale, m), self.fmt)
        return value

    def header(self, header: str | Callable[[str], str]) -> str:
        if callable(header):
            return header(self.locale)
        return gettext(self.locale, header)

    def rows(self, rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
        """The rows translated, at most MAX_ROWS of them; past it a row that says so."""
        for n, row in enumerate(rows):
            if n >= MAX_ROWS:
                yield (self.value(Phrase(_CUT, n=MAX_ROWS)),)
                return
            yield tuple(self.value(v) for v in row)


# -- CSV -------------------------------------------------------------------------------------
def write_csv(table: Table, locale: str, out: TextSink) -> None:
    """`table` as CSV in `locale`'s conventions (see the module's doc)."""
    cells = _Cells(locale)
    dutch = locale == "nl"
    style = sheets.CsvStyle(
        delimiter=";" if dutch else ",",
        decimal_comma=dutch,
        bom=True,
        yes=gettext(locale, "yes"),
        no=gettext(locale, "no"),
    )
    header = [cells.header(c.header) for c in table.columns]
    sheets.write_csv(header, cells.rows(table.rows), out, style)


# -- XLSX ------------------------------------------------------------------------------------
def write_xlsx(tables: Sequence[Table], locale: str, out: IO[bytes]) -> None:
    """Every table on a sheet of its own (see the module's doc)."""
    cells = _Cells(locale)
    sheets.write_xlsx(
        [
            sheets.Sheet(
                gettext(locale, t.title),
                [cells.header(c.header) for c in t.columns],
                cells.rows(t.rows),
            )
            for t in tables
        ],
        out,
    )


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
    "TextSink",
    "csv_response",
    "estimate_cells",
    "estimate_columns",
    "filename",
    "neutralise",
    "sheet_names",
    "write_csv",
    "write_xlsx",
    "xlsx_response",
    "xlsx_text",
]
