"""The one writer of tables for a spreadsheet: CSV and XLSX, formula-safe (issue #18).

Every table socialdesk writes for a person to open (the cockpit's exports, the calendar's CSV
and Meta bulk file, `inbox classify --out`) goes through here, so none of them can carry a
live formula (CSV/XLSX formula injection, OWASP "CSV Injection"):

- Text is text. A text cell that starts with = + - @ (or their full-width forms), a tab or a
  carriage return, also after spaces or no-break spaces some spreadsheets skip, gets a single
  quote in front (`neutralise`), in CSV and in XLSX, so `=HYPERLINK("http://x","y")` is shown,
  never run. In XLSX every text cell is also stored as a string (data type "s"), never as a
  formula. Other text, a hashtag (`#zomer`) included, is written as it is.
- Numbers are not text: a negative number (-1.5) stays a number; NaN and infinities, None and
  pandas' missing values are an empty cell.
- Dates and times are ISO in CSV (`2026-11-20`, `2026-11-20 09:30:00`) and date cells in XLSX.
- Rows are any iterable of sequences, written as they come (CSV in batches of `FLUSH_ROWS`,
  XLSX with openpyxl's write-only workbook), so a long table is never held whole in memory.

It sits at the bottom of the layers: it imports nothing of socialdesk, openpyxl only when an
XLSX is written, and pandas only to recognise its missing values when pandas is already loaded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Protocol

FLUSH_ROWS = 500  # CSV rows written to the sink at a time

# what makes a spreadsheet read a cell as a formula (= + - @, the full-width forms some input
# methods type, which some spreadsheets read as their ASCII twins) or a tab or carriage return
# that hides where a cell starts
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(text: str) -> str:
    """Text a spreadsheet shows, never runs: a cell that starts with one of FORMULA_START,
    also after white space some spreadsheets skip (spaces, no-break and ideographic spaces,
    line breaks), gets a leading '."""
    stripped = text.lstrip(" \u00a0\u3000\n")  # a tab or CR is itself a trigger
    return "'" + text if stripped.startswith(FORMULA_START) else text


def xlsx_text(text: str) -> str:
    """Text an XLSX cell can hold: control characters the format forbids (a vertical tab
    from Word, an escape) become a space, instead of failing the whole file."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub(" ", text)


def _plain(value: Any) -> Any:
    """A numpy or pandas scalar as the Python value it holds; a missing value (None, NaN,
    pandas' NaT and NA) as None."""
    if value is None or isinstance(value, str):
        return value
    pandas = sys.modules.get("pandas")
    if pandas is not None and (value is pandas.NaT or value is pandas.NA):
        return None
    if hasattr(value, "item") and not isinstance(value, bytes | dt.date):
        try:
            value = value.item()
        except (TypeError, ValueError):
            return value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return value


class TextSink(Protocol):
    def write(self, text: str, /) -> object: ...


# -- CSV -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CsvStyle:
    """How a CSV looks: the delimiter, a decimal comma or point, line ends, a byte order mark
    (Excel then reads é and ë right) and the words for yes and no."""

    delimiter: str = ","
    decimal_comma: bool = False
    lineterminator: str = "\r\n"
    bom: bool = False
    yes: str = "yes"
    no: str = "no"


def _plain_number(value: float | int | Decimal, comma: bool) -> str:
    if isinstance(value, int):
        return str(value)
    text = repr(value) if isinstance(value, float) else str(value)
    if "e" in text or "E" in text:  # 1e-05: a spreadsheet wants 0.00001
        text = format(Decimal(text), "f")
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",") if comma else text


def csv_cell(value: Any, style: CsvStyle = CsvStyle()) -> str:
    """One value as a CSV cell: text neutralised, numbers, dates and yes/no as they are."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return style.yes if value else style.no
    if isinstance(value, int | float | Decimal):
        return _plain_number(value, style.decimal_comma)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(
    header: Sequence[Any] | None,
    rows: Iterable[Sequence[Any]],
    out: TextSink,
    style: CsvStyle = CsvStyle(),
) -> None:
    """`header` (text, if any) and `rows` as CSV into `out`, every cell through `csv_cell`."""
    writer = csv.writer(out, delimiter=style.delimiter, lineterminator=style.lineterminator)
    if style.bom:
        out.write("\ufeff")
    if header is not None:
        writer.writerow([neutralise(str(h)) for h in header])
    batch: list[list[str]] = []
    for row in rows:
        batch.append([csv_cell(v, style) for v in row])
        if len(batch) >= FLUSH_ROWS:
            writer.writerows(batch)
            batch.clear()
    writer.writerows(batch)


def csv_text(
    header: Sequence[Any] | None, rows: Iterable[Sequence[Any]], style: CsvStyle = CsvStyle()
) -> str:
    """`write_csv` into a string, for a file small enough to hold (a calendar)."""
    out = io.StringIO()
    write_csv(header, rows, out, style)
    return out.getvalue()


# -- XLSX ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name (made valid by `sheet_names`), header and rows."""

    name: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]


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


def _text_cell(sheet: Any, text: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=xlsx_text(neutralise(text)))
    cell.data_type = "s"  # text stays text: never a formula
    return cell


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    value = _plain(value)
    if value is None or isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, int | float | Decimal):
        number: Any = value
        return WriteOnlyCell(sheet, value=number)
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, dt.date):
        day: Any = value
        cell = WriteOnlyCell(sheet, value=day)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, dt.time):
        return _text_cell(sheet, value.isoformat())
    return _text_cell(sheet, str(value))


def write_xlsx(sheets: Sequence[Sheet], out: IO[bytes]) -> None:
    """Every sheet with a bold, frozen header; text cells neutralised and stored as strings,
    numbers as numbers, dates as dates (see the module's doc)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook(write_only=True)
    for sheet_data, name in zip(sheets, sheet_names(s.name for s in sheets), strict=True):
        sheet = wb.create_sheet(name)
        sheet.freeze_panes = "A2"
        header = []
        for h in sheet_data.header:
            cell = _text_cell(sheet, str(h))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in sheet_data.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    if not sheets:
        wb.create_sheet("Sheet")
    wb.save(out)


__all__ = [
    "FORMULA_START",
    "CsvStyle",
    "Sheet",
    "TextSink",
    "csv_cell",
    "csv_text",
    "neutralise",
    "sheet_names",
    "write_csv",
    "write_xlsx",
    "xlsx_text",
]
