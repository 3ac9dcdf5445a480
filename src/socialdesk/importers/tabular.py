"""Reading tables out of export files: encodings, delimiters, preambles, workbooks.

A `Table` is one header plus its data rows in one file (or one sheet of a workbook).
`frames()` streams it as frames of strings, in chunks, so memory stays flat in file size.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from socialdesk.errors import FileUnreadable

PROBE_ROWS = 40
PROBE_BYTES = 256 * 1024
CHUNK_ROWS = 50_000
ROW_COL = "__row__"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def normalise_header(text: object) -> str:
    """Case-folded header with its white space (line breaks too) folded to single spaces."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def sniff_encoding(head: bytes) -> str:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    # UTF-16 without a BOM shows as every other byte zero
    if len(head) >= 4 and head[1:40:2].count(0) > 15:
        return "utf-16-le"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the probe's end
            return "cp1252"
    return "utf-8"


def is_binary(head: bytes, encoding: str) -> bool:
    if encoding.startswith("utf-16"):
        return False
    sample = head[:8192]
    return b"\x00" in sample


def sniff_delimiter(lines: Sequence[str]) -> str:
    """The delimiter that splits the most lines into the same number (>1) of fields."""
    best, best_score = ",", -1.0
    sample = [ln for ln in lines if ln.strip() and not ln.startswith("#")][:30]
    if not sample:
        return ","
    for delim in (",", "\t", ";", "|"):
        widths = [len(next(csv.reader([ln], delimiter=delim), [])) for ln in sample]
        multi = [w for w in widths if w > 1]
        if not multi:
            continue
        common = max(set(multi), key=multi.count)
        score = multi.count(common) * common
        if score > best_score:
            best, best_score = delim, score
    return best


@dataclass
class Sheet:
    """The first rows of a sheet (or of a text file), as strings, for detection."""

    name: str
    rows: list[list[str]]


@dataclass
class Probe:
    """What detection looks at: the file's kind and the first rows of each sheet."""

    path: Path
    display: str
    kind: str  # "csv" | "xlsx" | "xls"
    encoding: str | None = None
    delimiter: str | None = None
    sheets: list[Sheet] = field(default_factory=list)


def _xls_text(value: object, ctype: int, datemode: int) -> str:
    import xlrd

    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(float(value), datemode).isoformat()  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - fall back to the serial number
            return str(value)
    if ctype == xlrd.XL_CELL_NUMBER:
        return repr(float(value))  # type: ignore[arg-type]
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    return str(value)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return,union-attr]
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _iter_xlsx_rows(path: Path, sheet_name: str) -> Iterator[list[str]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[sheet_name]
        ws.reset_dimensions()  # some exports carry a wrong <dimension ref="A1">
        for row in ws.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    finally:
        wb.close()


def _iter_xls_rows(path: Path, sheet_name: str) -> Iterator[list[str]]:
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        sh = book.sheet_by_name(sheet_name)
        for r in range(sh.nrows):
            yield [_xls_text(c.value, c.ctype, book.datemode) for c in sh.row(r)]
    finally:
        book.release_resources()


def probe_file(path: Path, display: str | None = None) -> Probe:
    """Read just enough of a file to detect its format. Raises FileUnreadable."""
    display = display or path.name
    try:
        with path.open("rb") as fh:
            head = fh.read(PROBE_BYTES)
    except OSError as exc:
        raise FileUnreadable(display, f"cannot be read ({exc.strerror}).") from exc
    if not head.strip():
        raise FileUnreadable(display, "the file is empty.")
    if head.startswith(b"PK\x03\x04"):
        try:
            return _probe_xlsx(path, display)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds
            raise FileUnreadable(display, f"looks like a workbook but cannot be opened ({exc}).") from exc
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        try:
            return _probe_xls(path, display)
        except Exception as exc:  # noqa: BLE001
            raise FileUnreadable(display, f"looks like an .xls workbook but cannot be opened ({exc}).") from exc
    encoding = sniff_encoding(head)
    if is_binary(head, encoding):
        raise FileUnreadable(display, "this is a binary file, not a CSV or Excel export.")
    text = head.decode(encoding, errors="replace")
    lines = text.splitlines()
    if len(head) == PROBE_BYTES and lines:
        lines = lines[:-1]  # the last line may be cut by the probe
    delimiter = sniff_delimiter(lines)
    rows = list(csv.reader(lines[: PROBE_ROWS * 3], delimiter=delimiter))[:PROBE_ROWS]
    return Probe(path, display, "csv", encoding, delimiter, [Sheet("", rows)])


def _probe_xlsx(path: Path, display: str) -> Probe:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = []
    try:
        for ws in wb.worksheets:
            ws.reset_dimensions()
            rows = []
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                if i >= PROBE_ROWS:
                    break
                rows.append([_cell_text(v) for v in row])
            sheets.append(Sheet(ws.title, rows))
    finally:
        wb.close()
    return Probe(path, display, "xlsx", sheets=sheets)


def _probe_xls(path: Path, display: str) -> Probe:
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True)
    sheets = []
    try:
        for sh in book.sheets():
            rows = [
                [_xls_text(c.value, c.ctype, book.datemode) for c in sh.row(r)]
                for r in range(min(sh.nrows, PROBE_ROWS))
            ]
            sheets.append(Sheet(sh.name, rows))
    finally:
        book.release_resources()
    return Probe(path, display, "xls", sheets=sheets)


def dedupe(header: Sequence[str]) -> list[str]:
    """Unique column names by position: a second 'Views' becomes 'Views [2]'."""
    seen: dict[str, int] = {}
    out = []
    for raw in header:
        name = re.sub(r"\s+", " ", str(raw)).strip()
        key = name.casefold()
        seen[key] = seen.get(key, 0) + 1
        out.append(name if seen[key] == 1 else f"{name} [{seen[key]}]")
    return out


@dataclass
class Table:
    """A header row and the data under it, in one file or one sheet."""

    probe: Probe
    sheet: str
    header_index: int  # 0-based index of the header row among the file's rows
    header: list[str]  # de-duplicated header names
    skip_after_header: int = 0  # description rows under the header (legacy Facebook)
    fields: dict[str, str] = field(default_factory=dict)  # canonical -> header in this file

    def has(self, canonical: str) -> bool:
        return canonical in self.fields

    def col(self, canonical: str) -> str:
        """The header this file uses for a canonical field."""
        return self.fields[canonical]

    @property
    def display(self) -> str:
        return self.probe.display

    @property
    def first_data_row(self) -> int:
        """The 1-based spreadsheet row number of the first data row."""
        return self.header_index + 2 + self.skip_after_header

    def preamble(self) -> list[list[str]]:
        """The rows above the header (titles, comment lines, date ranges)."""
        for sh in self.probe.sheets:
            if sh.name == self.sheet:
                return sh.rows[: self.header_index]
        return []

    def frames(self, chunksize: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
        """The data rows as frames of strings (empty cells ""), with `__row__` numbers.

        Blank rows are dropped; rows are numbered as a spreadsheet shows them.
        """
        if self.probe.kind == "csv":
            yield from self._csv_frames(chunksize)
        else:
            yield from self._sheet_frames(chunksize)

    def _finish(self, frame: pd.DataFrame, start: int) -> pd.DataFrame:
        frame[ROW_COL] = range(start, start + len(frame))
        cells = frame.drop(columns=[ROW_COL])
        if len(cells.columns):
            blank = (cells == "").all(axis=1)
            if blank.any():
                frame = frame[~blank]
        return frame.reset_index(drop=True)

    def _csv_frames(self, chunksize: int) -> Iterator[pd.DataFrame]:
        probe = self.probe
        assert probe.encoding and probe.delimiter
        width = len(self.header)
        try:
            fh = probe.path.open("r", encoding=probe.encoding, newline="", errors="strict")
        except OSError as exc:
            raise FileUnreadable(self.display, f"cannot be read ({exc.strerror}).") from exc
        with fh:
            reader = csv.reader(fh, delimiter=probe.delimiter)
            try:
                for _ in range(self.header_index + 1 + self.skip_after_header):
                    next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                raise FileUnreadable(self.display, f"cannot be parsed near the header ({exc}).") from exc
            start = self.first_data_row
            try:
                chunks = pd.read_csv(
                    fh,  # pandas reads on from the first data row
                    sep=probe.delimiter,
                    header=None,
                    names=list(range(width)),
                    dtype=str,
                    keep_default_na=False,
                    na_filter=False,
                    skip_blank_lines=False,
                    chunksize=chunksize,
                    engine="c",
                    on_bad_lines="error",
                    index_col=False,
                )
                for frame in chunks:
                    n = len(frame)
                    frame.columns = self.header
                    yield self._finish(frame, start)
                    start += n
            except pd.errors.ParserError as exc:
                raise FileUnreadable(self.display, _parser_message(exc, start)) from exc
            except UnicodeDecodeError as exc:
                raise FileUnreadable(
                    self.display, f"is not valid {probe.encoding} text ({exc.reason})."
                ) from exc
            except pd.errors.EmptyDataError:
                return

    def _sheet_frames(self, chunksize: int) -> Iterator[pd.DataFrame]:
        rows_iter = (
            _iter_xlsx_rows(self.probe.path, self.sheet)
            if self.probe.kind == "xlsx"
            else _iter_xls_rows(self.probe.path, self.sheet)
        )
        width = len(self.header)
        start = self.first_data_row
        buf: list[list[str]] = []
        for i, row in enumerate(rows_iter):
            if i < self.header_index + 1 + self.skip_after_header:
                continue
            row = (row + [""] * width)[:width]
            buf.append(row)
            if len(buf) >= chunksize:
                yield self._finish(pd.DataFrame(buf, columns=self.header, dtype=str), start)
                start += len(buf)
                buf = []
        if buf:
            yield self._finish(pd.DataFrame(buf, columns=self.header, dtype=str), start)


def _parser_message(exc: Exception, first_row: int) -> str:
    text = str(exc)
    m = re.search(r"line (\d+)", text)
    if m and "Expected" in text:
        row = first_row + int(m.group(1)) - 1
        return f"row {row} has more fields than the header ({text.split('.', 1)[0]})."
    if "EOF" in text:
        return "the file ends inside a quoted field: it looks truncated. Download it again."
    return f"cannot be parsed as CSV ({text})."
