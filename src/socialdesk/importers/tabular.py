"""Reading tables out of export files: encodings, delimiters, preambles, workbooks.

A `Table` is one header plus its data rows in one file (or one sheet of a workbook).
`frames()` streams it as frames of strings, in chunks, so memory stays flat in file size.

What the bytes can be like, and what happens to them:
- UTF-8 with or without a BOM, UTF-16 with a BOM (Google Ads "Excel .csv") or without one,
  Windows-1252 from old Excel re-saves. The BOM decides, else a UTF-8 trial; a file that is
  UTF-8 elsewhere but holds an invalid byte is damaged and refused naming the row, never read
  as Windows-1252 (that would garble every accented letter in it).
- Comma, semicolon, tab or pipe delimiters are sniffed from the first lines (or told).
- A quoted field holding line breaks is one row, numbered as a spreadsheet shows it.
- A row with more fields than the header is refused (a delimiter inside an unquoted value
  shifts every column after it), unless the extra fields are empty (Excel re-saves pad lines
  with delimiters); shorter rows are padded with empty cells.
- A file that ends inside a quoted field, or in the middle of a row without its final line
  break, is refused as truncated.
- Images, PDFs, archives and random bytes are refused before any parsing.

CSV data rows are read by pandas' C parser when the file is plain strict CSV (every quote
where strict CSV allows it, no NUL byte, rows no wider than the header, a final line break);
anything else is read again by the careful `csv.reader` loop, which names the bad row. Both
give the same frames: the careful reader is the reference, the fast one a shortcut.

Three modules share the work: `sniff` (the file's kind, encoding and delimiter; `Probe`),
`spreadsheet` (reading .xlsx and .xls sheets) and this one (`probe_file`, which puts them
together, and the `Table` with its frames, rows and errors). Every name the importers use is
importable from here.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from socialdesk.errors import FileUnreadable, ImportError_, RowInvalid
from socialdesk.importers.sniff import (
    PROBE_ROWS,
    FieldTooLarge,
    Probe,
    Sheet,
    binary_kind,
    encoding_name,
    is_binary,
    probe_rows,
    sniff_delimiter,
    sniff_encoding,
    zip_problem,
)
from socialdesk.importers.spreadsheet import (
    iter_xls_rows,
    iter_xlsx_rows,
    open_workbook,
    probe_xls,
    probe_xlsx,
)

__all__ = [  # what the importers use, wherever it is defined
    "CHUNK_ROWS",
    "PROBE_BYTES",
    "PROBE_ROWS",
    "ROW_COL",
    "Probe",
    "Sheet",
    "Table",
    "binary_kind",
    "dedupe",
    "encoding_name",
    "is_binary",
    "normalise_header",
    "probe_file",
    "sniff_delimiter",
    "sniff_encoding",
]

PROBE_BYTES = 256 * 1024
CHUNK_ROWS = 50_000
ROW_COL = "__row__"

_BAD_MARK = "\udcff"  # a lone surrogate: no valid decode ever produces one


def _mark_undecodable(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    return _BAD_MARK, exc.end


codecs.register_error("socialdesk-mark", _mark_undecodable)


def normalise_header(text: object) -> str:
    """Case-folded header with its white space (line breaks too) folded to single spaces."""
    return re.sub(r"\s+", " ", str(text).replace("\ufeff", "")).strip().casefold()


def _read_head(path: Path, display: str) -> tuple[bytes, bool]:
    """The first PROBE_BYTES of a file, and whether the file goes on after them."""
    try:
        with path.open("rb") as fh:
            head = fh.read(PROBE_BYTES + 1)
    except OSError as exc:
        raise FileUnreadable(display, f"cannot be read ({exc.strerror}).") from exc
    return head[:PROBE_BYTES], len(head) > PROBE_BYTES


def probe_file(
    path: Path,
    display: str | None = None,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Probe:
    """Read just enough of a file to detect its format. Raises FileUnreadable.

    `delimiter` and `encoding` override the sniffed ones (a mapping file may set them).
    """
    display = display or path.name
    head, more = _read_head(path, display)
    if not head.strip():
        raise FileUnreadable(display, "the file is empty.")
    if path.suffix.lower() == ".json" or display.lower().endswith(".json"):
        from socialdesk.importers.jsonprobe import probe_json  # API responses: see there

        return probe_json(path, display)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        problem = zip_problem(path)
        if problem:
            raise FileUnreadable(display, problem)
        return open_workbook(probe_xlsx, path, display, "an .xlsx workbook")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return open_workbook(probe_xls, path, display, "an .xls workbook")
    enc = encoding or sniff_encoding(head)
    try:
        codecs.lookup(enc)
    except LookupError as exc:
        raise FileUnreadable(display, f"unknown encoding {enc!r}.") from exc
    kind = binary_kind(head, enc)
    if kind:
        raise FileUnreadable(display, f"this is {kind}, not a CSV or Excel export.")
    text = head.decode(enc, errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise FileUnreadable(display, "the file is empty.")
    lines = text.splitlines()
    if more and lines:
        lines = lines[:-1]  # the last line may be cut by the probe
    delim = delimiter or sniff_delimiter(lines)
    try:
        rows = probe_rows(text, delim, cut=more)
    except FieldTooLarge as exc:
        raise _unreadable(display, _field_too_large(exc.row, None), exc.row) from exc
    return Probe(path, display, "csv", enc, delim, [Sheet("", rows)])


def dedupe(header: Sequence[str]) -> list[str]:
    """Unique column names by position: a second 'Views' becomes 'Views [2]'."""
    seen: dict[str, int] = {}
    out = []
    for raw in header:
        name = re.sub(r"\s+", " ", str(raw).replace("\ufeff", "")).strip()
        key = name.casefold()
        seen[key] = seen.get(key, 0) + 1
        out.append(name if seen[key] == 1 else f"{name} [{seen[key]}]")
    return out


class _NulByte(Exception):
    """A NUL character inside a text file: binary data where text belongs."""


class _LongLine(Exception):
    """A line longer than _MAX_LINE: never read whole (a zip bomb's member may be one line)."""


# The longest line read: far beyond any export's row (csv refuses a cell over 128 KB anyway),
# and what bounds memory when a file is one endless line.
_MAX_LINE = 8 << 20


def _lines(fh: IO[str], *, nul: bool = True) -> Iterator[str]:
    """The file's lines, each at most _MAX_LINE characters (else _LongLine); with `nul`, a NUL
    character raises _NulByte."""
    while line := fh.readline(_MAX_LINE + 1):
        if len(line) > _MAX_LINE:
            raise _LongLine
        if nul and "\x00" in line:
            raise _NulByte
        yield line


def _checked_lines(fh: IO[str]) -> Iterator[str]:
    return _lines(fh)


def _short_line(fh: IO[str]) -> str:
    """One line for the fast reader; a very long one is left to the careful reader."""
    line = fh.readline(_MAX_LINE + 1)
    if len(line) > _MAX_LINE:
        raise _Refused
    return line


def _field_too_large(row: int, column: str | None) -> str:
    limit = csv.field_size_limit() // 1024
    where = f"row {row}" if column is None else f"row {row}, column {column!r}"
    return (
        f"{where} holds a cell longer than {limit} KB, the most socialdesk reads in one cell "
        "(no export has cells this long): a quote without its closing quote, or a file that "
        "is not an export. Shorten or remove that cell, or download the export again."
    )


class _Refused(Exception):
    """The fast reader leaves the file (from its last frame on) to the careful one."""


# A record of strict CSV (what csv.reader(strict=True) reads without an error): fields that
# are quoted whole (with doubled quotes inside) or do not start with a quote, then a line
# break. Possessive quantifiers: the match is linear and never backtracks.
_RECORDS: dict[str, re.Pattern[str]] = {}
# Careful reading refuses fields over csv's limit (128 KB); a line this long goes there too.
_LONG_LINE = 96 * 1024
_CARRY_LIMIT = 1024 * 1024  # an unfinished record longer than this: read carefully


def _records_pattern(delimiter: str) -> re.Pattern[str]:
    if delimiter not in _RECORDS:
        d = re.escape(delimiter)
        cls = delimiter.replace("\\", "\\\\").replace("]", "\\]").replace("^", "\\^")
        quoted = r'"[^"]*+(?:""[^"]*+)*+"'
        plain = rf'[^"{cls}\r\n][^{cls}\r\n]*+'
        field = rf"(?:{quoted}|{plain}|)"
        _RECORDS[delimiter] = re.compile(rf"(?:{field}(?:{d}{field})*+(?:\r\n|\n|\r))*+")
    return _RECORDS[delimiter]


class _StrictText(io.TextIOBase):
    """A text file handed to pandas block by block, refusing what pandas would read more
    leniently than csv.reader(strict=True): a NUL byte, a stray quote, an unfinished last
    record (no final line break, or a quote never closed), a very long line."""

    def __init__(self, fh: IO[str], delimiter: str) -> None:
        self._fh = fh
        self._pattern = _records_pattern(delimiter)
        self._carry = ""  # the unfinished record at the end of what was read so far

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        data = self._fh.read(-1 if size is None else size)  # None reads it all, as -1 does
        if not data:
            if self._carry:
                raise _Refused
            return data
        if "\x00" in data:
            raise _Refused
        text = self._carry + data if self._carry else data
        if '"' in text:
            end = self._pattern.match(text).end()  # type: ignore[union-attr]
        else:
            end = max(text.rfind("\n"), text.rfind("\r")) + 1
        self._carry = text[end:]
        if len(self._carry) > _CARRY_LIMIT or _has_long_line(text):
            raise _Refused
        return data


def _has_long_line(text: str) -> bool:
    """Whether the text holds a run of _LONG_LINE + 32 KB characters without a line break."""
    step = 32 * 1024
    for start in range(0, max(0, len(text) - _LONG_LINE) + 1, step):
        stop = start + _LONG_LINE
        if stop > len(text):
            break
        if text.find("\n", start, stop) < 0 and text.find("\r", start, stop) < 0:
            return True
    return False


def _unreadable(display: str, message: str, row: int | None = None) -> FileUnreadable:
    """A FileUnreadable that also carries the row (the runner reports `exc.row`)."""
    exc = FileUnreadable(display, message)
    exc.row = row  # type: ignore[attr-defined]
    return exc


@dataclass
class Table:
    """A header row and the data under it, in one file or one sheet."""

    probe: Probe
    sheet: str
    header_index: int  # 0-based index of the header row among the file's rows
    header: list[str]  # de-duplicated header names
    skip_after_header: int = 0  # description rows under the header (legacy Facebook)
    fields: dict[str, str] = field(default_factory=dict)  # canonical -> header in this file
    # Rows may be wider than the header (files of several blocks, e.g. the GA4 snapshot):
    # fields beyond the header are dropped instead of refused.
    ragged: bool = False

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

    def frames(
        self, chunksize: int = CHUNK_ROWS, *, numeric: Iterable[str] = ()
    ) -> Iterator[pd.DataFrame]:
        """The data rows as frames of strings (empty cells ""), with `__row__` numbers.

        Blank rows are dropped; rows are numbered as a spreadsheet shows them.
        `numeric` names columns the caller reads only through `values.numbers` (decimal
        point): in a CSV file such a column may come as float or int numbers (NaN for an
        empty cell) when every cell of the chunk is a plain number, else as strings.
        """
        if self.probe.kind == "csv":
            yield from self._csv_frames(chunksize, tuple(numeric))
        else:
            yield from self._sheet_frames(chunksize)

    def _frame(self, rows: list[list[str]], numbers: list[int]) -> pd.DataFrame:
        frame = pd.DataFrame(rows, columns=self.header, dtype=object)
        frame[ROW_COL] = numbers
        return frame

    # -- CSV ----------------------------------------------------------------------------
    def _open_text(self, errors: str = "strict") -> IO[str]:
        probe = self.probe
        assert probe.encoding
        try:
            return probe.path.open("r", encoding=probe.encoding, newline="", errors=errors)
        except OSError as exc:
            raise FileUnreadable(self.display, f"cannot be read ({exc.strerror}).") from exc

    def _csv_frames(self, chunksize: int, numeric: tuple[str, ...] = ()) -> Iterator[pd.DataFrame]:
        """The fast reader's frames, then (if it refused) the careful reader's after them."""
        done = 0  # the last row a frame was yielded for
        fast = self._fast_csv_frames(chunksize, numeric)
        try:
            while True:
                try:
                    frame = next(fast)
                except StopIteration:
                    return
                except Exception:  # what the C parser objects to is read carefully
                    break
                done = int(frame[ROW_COL].iloc[-1])
                yield frame
        finally:
            fast.close()
        yield from self._careful_csv_frames(chunksize, after=done)

    def _fast_csv_frames(
        self, chunksize: int, numeric: tuple[str, ...]
    ) -> Generator[pd.DataFrame, None, None]:
        """pandas' C parser over strict CSV (see _StrictText); raises on anything else."""
        delimiter = self.probe.delimiter or ","
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise _Refused
        names = list(self.header)
        if ROW_COL in names or len(set(names)) != len(names):
            raise _Refused
        numeric = tuple(c for c in dict.fromkeys(numeric) if c in names)
        skip = self.header_index + 1 + self.skip_after_header
        with self._open_text() as fh:
            # the rows above the data (titles, the header) one record at a time: a quoted
            # header cell may hold a line break
            above = csv.reader(iter(lambda: _short_line(fh), ""), delimiter=delimiter, strict=True)
            for _ in range(skip):
                if next(above, None) is None:
                    return
            # pandas cuts a first row wider than the header (a warning, not an error):
            # look at that row first, then read from its start
            start = fh.tell()
            first_row = next(above, None)
            if first_row is None:
                return
            if len(first_row) > len(names):
                raise _Refused
            fh.seek(start)
            reader = pd.read_csv(
                _StrictText(fh, delimiter),
                sep=delimiter,
                header=None,
                names=names,
                index_col=False,
                dtype={c: object for c in names if c not in numeric},
                na_filter=bool(numeric),
                na_values={c: [""] for c in numeric},
                keep_default_na=False,
                skip_blank_lines=False,
                quotechar='"',
                doublequote=True,
                engine="c",
                low_memory=False,
                chunksize=chunksize,
            )
            row = skip
            with reader:
                for frame in reader:
                    first = row + 1
                    row += len(frame)
                    out = self._fast_frame(frame, numeric, first)
                    if len(out):
                        yield out

    def _fast_frame(
        self, frame: pd.DataFrame, numeric: tuple[str, ...], first: int
    ) -> pd.DataFrame:
        """A parsed chunk as the careful reader gives it: strings ("" for empty), numeric
        columns numeric or strings, blank rows dropped, `__row__` numbers from `first`."""
        blank: np.ndarray | None = None  # rows empty in every column looked at so far
        for name in list(frame.columns):
            col = frame[name]
            number = name in numeric and col.dtype.kind in "iuf"
            if not number:
                if name in numeric:  # not all plain numbers: the strings, as read carefully
                    values = col.to_numpy(dtype=object, na_value="")
                    if col.dtype.kind == "b":
                        values = np.array([str(v) for v in values], dtype=object)
                    frame[name] = col = pd.Series(values, index=frame.index, dtype=object)
                elif col.hasnans:  # cells missing from rows shorter than the header
                    frame[name] = col = col.fillna("")
            if blank is None or blank.any():
                empty = col.isna().to_numpy() if number else col.to_numpy() == ""
                blank = empty if blank is None else blank & empty
        frame[ROW_COL] = np.arange(first, first + len(frame), dtype=np.int64)
        if blank is not None and blank.any():
            frame = frame[~blank]
        frame.index = pd.RangeIndex(len(frame))
        return frame

    def _careful_csv_frames(self, chunksize: int, after: int = 0) -> Iterator[pd.DataFrame]:
        """csv.reader record by record: the reference, naming the row of any problem.
        Rows up to `after` were given by the fast reader already (but are still checked)."""
        delimiter = self.probe.delimiter or ","
        width = len(self.header)
        skip = self.header_index + 1 + self.skip_after_header
        rows: list[list[str]] = []
        numbers: list[int] = []
        row = 0  # records read so far; the one being read is row + 1
        start = 0  # the lines before the record being read
        last: list[str] = []
        last_row = 0
        try:
            with self._open_text() as fh:
                reader = csv.reader(_checked_lines(fh), delimiter=delimiter, strict=True)
                for rec in reader:
                    row += 1
                    start = reader.line_num
                    if row <= skip or not any(rec):
                        continue
                    last, last_row = rec, row
                    if row <= after:
                        continue
                    if len(rec) != width:
                        rec = self._fit(rec, row, width, delimiter)
                    rows.append(rec)
                    numbers.append(row)
                    if len(rows) >= chunksize:
                        yield self._frame(rows, numbers)
                        rows, numbers = [], []
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise self._too_large(row + 1, start) from exc
            raise self._csv_error(exc, row + 1) from exc
        except _LongLine as exc:
            raise self._too_large(row + 1, start, long_line=True) from exc
        except _NulByte as exc:
            raise _unreadable(
                self.display,
                f"row {row + 1} holds a NUL byte: binary data inside a text file. "
                "Download the export again.",
                row + 1,
            ) from exc
        except UnicodeDecodeError as exc:
            raise self._decode_error() from exc
        if 2 <= len(last) < width and not self._ends_with_newline():
            raise RowInvalid(
                self.display,
                last_row,
                self.header[len(last) - 1],
                f"the file ends in the middle of this row (after {len(last)} of the header's "
                f"{width} columns): it looks truncated. Download it again.",
            )
        if rows:
            yield self._frame(rows, numbers)

    def _fit(self, rec: list[str], row: int, width: int, delimiter: str) -> list[str]:
        """A record cut or padded to the header's width; non-empty extra fields are refused."""
        if len(rec) < width:
            return rec + [""] * (width - len(rec))
        extra = rec[width:]
        if self.ragged or not any(f.strip() for f in extra):
            return rec[:width]
        k = next(i for i, f in enumerate(extra) if f.strip())
        raise RowInvalid(
            self.display,
            row,
            f"field {width + k + 1} (beyond the header)",
            f"this row has {len(rec)} fields but the header has {width}; a value holding "
            f"the delimiter {delimiter!r} was probably not quoted.",
        )

    def _csv_error(self, exc: csv.Error, row: int) -> FileUnreadable:
        text = str(exc)
        if "unexpected end of data" in text:
            message = (
                f"the file ends inside a quoted field that starts on row {row}: "
                "it looks truncated. Download it again."
            )
        elif "field larger than field limit" in text:
            message = (
                f"row {row} holds a quoted field longer than 128 KB: probably an opening quote "
                "without its closing quote."
            )
        else:
            message = f"row {row} is not valid CSV ({text}): a stray quote inside a value?"
        return _unreadable(self.display, message, row)

    def _too_large(self, row: int, start: int, *, long_line: bool = False) -> ImportError_:
        """A cell longer than csv's limit (or a line longer than _MAX_LINE) in the record on
        row `row`, which starts after `start` lines: named with its column where it is found."""
        index = self._long_field_index(start)
        if index is not None:
            column = self._column_name(row, index)
            exc = RowInvalid(self.display, row, column, "")
            exc.message = _field_too_large(row, column)
            exc.detail = exc.message
            return exc
        if long_line:
            return _unreadable(
                self.display,
                f"row {row} is longer than {_MAX_LINE >> 20} MB without a line break: this is "
                "not an export socialdesk can read.",
                row,
            )
        return _unreadable(self.display, _field_too_large(row, None), row)

    def _long_field_index(self, start: int) -> int | None:
        """The 0-based field index of the first cell over csv's limit in the record that
        starts after `start` lines, reading no further than that cell's first bytes (and
        never beyond _MAX_LINE characters: None when no cell is found by then)."""
        limit = csv.field_size_limit()
        delimiter = self.probe.delimiter or ","
        index = length = 0
        quoted = False
        try:
            with self._open_text(errors="replace") as fh:
                for _ in range(start):
                    if not fh.readline(_MAX_LINE + 1):
                        return None
                read = 0
                while read <= _MAX_LINE and (chunk := fh.read(min(64 * 1024, limit))):
                    read += len(chunk)
                    if not quoted and '"' not in chunk:  # the common case, without a loop
                        breaks = [i for i in (chunk.find("\n"), chunk.find("\r")) if i >= 0]
                        end = min(breaks, default=len(chunk))
                        line = chunk[:end]
                        first = line.find(delimiter)
                        if first < 0:
                            length += len(line)
                        else:  # a chunk is shorter than the limit: only its ends can be long
                            if length + first > limit:
                                return index
                            index += line.count(delimiter)
                            length = len(line) - line.rfind(delimiter) - 1
                        if length > limit:
                            return index
                        if breaks:
                            return None
                        continue
                    for ch in chunk:
                        if ch == '"':
                            quoted = not quoted
                        elif quoted:
                            length += 1
                        elif ch == delimiter:
                            index, length = index + 1, 0
                        elif ch in "\r\n":
                            return None
                        else:
                            length += 1
                        if length > limit:
                            return index
        except (OSError, FileUnreadable):
            return None
        return None

    def _decode_error(self) -> ImportError_:
        """Name the first row (and column) holding bytes the file's encoding cannot decode."""
        name = encoding_name(self.probe.encoding or "")
        advice = (
            f"holds bytes that are not valid {name} text: the file is damaged or was saved "
            "in another encoding. Download it again, or save it as CSV UTF-8."
        )
        row = 0
        with self._open_text(errors="socialdesk-mark") as fh:
            reader = csv.reader(_lines(fh, nul=False), delimiter=self.probe.delimiter or ",")
            try:
                for rec in reader:
                    row += 1
                    for i, value in enumerate(rec):
                        if _BAD_MARK in value:
                            column = self._column_name(row, i)
                            return RowInvalid(self.display, row, column, advice)
            except (csv.Error, _LongLine):
                pass
        return _unreadable(self.display, f"row {row + 1} {advice}", row + 1)

    def _column_name(self, row: int, index: int) -> str:
        if row > self.header_index + 1 and index < len(self.header):
            return self.header[index]
        return f"field {index + 1}"

    def _ends_with_newline(self) -> bool:
        try:
            with self.probe.path.open("rb") as fh:
                fh.seek(0, 2)
                size = fh.tell()
                fh.seek(max(0, size - 2))
                tail = fh.read()
        except OSError:
            return True
        if (self.probe.encoding or "").startswith("utf-16"):
            return tail in (b"\n\x00", b"\r\x00", b"\x00\n", b"\x00\r")
        return tail[-1:] in (b"\n", b"\r")

    # -- workbooks ----------------------------------------------------------------------
    def _sheet_frames(self, chunksize: int) -> Iterator[pd.DataFrame]:
        """Sheet rows padded or cut to the header's width.

        Cells to the right of the header are dropped: in a worksheet they cannot shift the
        other columns (notes beside a table are common).
        """
        try:
            yield from self._sheet_frames_unchecked(chunksize)
        except ImportError_:
            raise
        except Exception as exc:  # openpyxl and xlrd raise many kinds
            first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            message = f"the workbook cannot be read to its end ({first}); it may be damaged."
            raise FileUnreadable(self.display, message) from exc

    def _sheet_frames_unchecked(self, chunksize: int) -> Iterator[pd.DataFrame]:
        rows_iter: Iterable[list[str]] = (
            iter_xlsx_rows(self.probe.path, self.sheet, self.display)
            if self.probe.kind == "xlsx"
            else iter_xls_rows(self.probe.path, self.sheet, self.display)
        )
        width = len(self.header)
        skip = self.header_index + 1 + self.skip_after_header
        rows: list[list[str]] = []
        numbers: list[int] = []
        for i, row in enumerate(rows_iter, start=1):
            if i <= skip or not any(row):
                continue
            rows.append((row + [""] * width)[:width])
            numbers.append(i)
            if len(rows) >= chunksize:
                yield self._frame(rows, numbers)
                rows, numbers = [], []
        if rows:
            yield self._frame(rows, numbers)
