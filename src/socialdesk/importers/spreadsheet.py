"""Reading workbooks (.xlsx with openpyxl, .xls with xlrd) as rows of strings.

Every cell becomes the text a CSV export of it would hold: numbers as Python floats' repr,
dates and times ISO 8601, booleans TRUE/FALSE, empty cells "". `probe_xlsx` and `probe_xls`
read the first rows of each sheet for detection; `iter_xlsx_rows` and `iter_xls_rows` stream
one sheet for `Table.frames()`.

Memory stays bounded: an .xlsx is opened read-only (openpyxl streams a sheet row by row) and
only after `limits.xlsx_problem` found nothing wrong with it (a zip bomb, a sheet of millions of
cells, a row wider than Excel allows); an .xls is read by xlrd whole, one sheet at a time, and
only up to `limits.MAX_XLS_BYTES`, its rows as long as their cells (ragged: a single cell far
down and to the right does not fill a whole grid).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from socialdesk.errors import FileUnreadable, ImportError_
from socialdesk.importers import limits
from socialdesk.importers.sniff import PROBE_ROWS, Probe, Sheet


def xls_text(value: object, ctype: int, datemode: int) -> str:
    """An .xls cell (xlrd's value and cell type) as text."""
    import xlrd

    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(float(value), datemode).isoformat()  # type: ignore[arg-type]
        except Exception:  # fall back to the serial number
            return str(value)
    if ctype == xlrd.XL_CELL_NUMBER:
        return repr(float(value))  # type: ignore[arg-type]
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    return str(value)


def cell_text(value: object) -> str:
    """An .xlsx cell's value (openpyxl, values only) as text."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def open_xlsx(path: Path, display: str | None = None) -> object:
    """The workbook, read-only, once `limits.xlsx_problem` finds nothing wrong with it (else
    FileUnreadable naming the file and the part); openpyxl's warning about a workbook without
    a default style (X Ads reports) says nothing a user can act on."""
    import openpyxl

    problem = limits.xlsx_problem(path)
    if problem:
        raise FileUnreadable(display or path.name, problem)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Workbook contains no default style")
        return openpyxl.load_workbook(path, read_only=True, data_only=True)


def open_xls(path: Path, display: str | None = None) -> Any:
    """The .xls workbook, its sheets loaded on demand with ragged rows, once it is no larger
    than `limits.MAX_XLS_BYTES` (else FileUnreadable)."""
    import xlrd

    problem = limits.xls_problem(path)
    if problem:
        raise FileUnreadable(display or path.name, problem)
    return xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True)


def iter_xlsx_rows(path: Path, sheet_name: str, display: str | None = None) -> Iterator[list[str]]:
    """Every row of one sheet of an .xlsx workbook, as text."""
    wb: Any = open_xlsx(path, display)
    try:
        ws = wb[sheet_name]
        ws.reset_dimensions()  # some exports carry a wrong <dimension ref="A1">
        for row in ws.iter_rows(values_only=True):
            yield [cell_text(v) for v in row]
    finally:
        wb.close()


def iter_xls_rows(path: Path, sheet_name: str, display: str | None = None) -> Iterator[list[str]]:
    """Every row of one sheet of an .xls workbook, as text."""
    book = open_xls(path, display)
    try:
        sh = book.sheet_by_name(sheet_name)
        for r in range(sh.nrows):
            yield [xls_text(c.value, c.ctype, book.datemode) for c in sh.row(r)]
    finally:
        book.release_resources()


def open_workbook(
    opener: Callable[[Path, str], Probe], path: Path, display: str, what: str
) -> Probe:
    """`opener(path, display)`; a workbook it cannot open is FileUnreadable (damaged)."""
    try:
        return opener(path, display)
    except ImportError_:  # refused by a limit: the message says why
        raise
    except Exception as exc:  # openpyxl and xlrd raise many kinds
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise FileUnreadable(
            display, f"looks like {what} but cannot be opened ({first}); it may be damaged."
        ) from exc


def probe_xlsx(path: Path, display: str) -> Probe:
    """The first PROBE_ROWS rows of each worksheet of an .xlsx workbook."""
    wb: Any = open_xlsx(path, display)
    sheets = []
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # chart sheets
            ws.reset_dimensions()
            rows = []
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                if i >= PROBE_ROWS:
                    break
                rows.append([cell_text(v) for v in row])
            sheets.append(Sheet(ws.title, rows))
    finally:
        wb.close()
    return Probe(path, display, "xlsx", sheets=sheets)


def probe_xls(path: Path, display: str) -> Probe:
    """The first PROBE_ROWS rows of each sheet of an .xls workbook (one sheet in memory at a
    time)."""
    book = open_xls(path, display)
    sheets = []
    try:
        for i in range(book.nsheets):
            sh = book.sheet_by_index(i)
            rows = [
                [xls_text(c.value, c.ctype, book.datemode) for c in sh.row(r)]
                for r in range(min(sh.nrows, PROBE_ROWS))
            ]
            sheets.append(Sheet(sh.name, rows))
            book.unload_sheet(i)
    finally:
        book.release_resources()
    return Probe(path, display, "xls", sheets=sheets)
