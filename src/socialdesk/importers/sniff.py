"""Sniffing a file before reading it: what kind of file it is, its encoding, its delimiter.

- The encoding: a BOM decides, else UTF-16's zero bytes, else a UTF-8 trial; bytes that are
  not UTF-8 mean Windows-1252 only when nothing in the sample is a valid UTF-8 multi-byte
  sequence (otherwise the file is UTF-8 with damage, and reading it names the row).
- The delimiter: comma, tab, semicolon or pipe, whichever splits the most lines into the same
  number of fields.
- What is not a table at all: images, PDFs, archives, random bytes; and which zip files are
  .xlsx workbooks.
- `Probe` and `Sheet`: the first rows of each sheet, which detection looks at.

`socialdesk.importers.tabular.probe_file` puts these together; the workbooks' own reading is in
`socialdesk.importers.spreadsheet`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROBE_ROWS = 40

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# File signatures worth naming when someone imports the wrong file.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# Control characters that never occur in text exports (tab, line breaks and form feed do).
_CONTROL = frozenset([*range(0, 9), *range(14, 32), 127])
_CONTROL_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def encoding_name(encoding: str) -> str:
    """How an encoding is called in messages to the user."""
    low = encoding.lower().replace("_", "-")
    if low.startswith("utf-8"):
        return "UTF-8"
    if low.startswith("utf-16"):
        return "UTF-16"
    if low in ("cp1252", "windows-1252"):
        return "Windows-1252"
    return encoding


def sniff_encoding(head: bytes) -> str:
    """The encoding of a file from its first bytes: BOM, UTF-16 zero bytes, UTF-8, else 1252.

    Bytes that are not UTF-8 mean Windows-1252 only when nothing in the sample is a valid
    UTF-8 multi-byte sequence; otherwise the file is UTF-8 with damage, and reading it says
    which row is damaged.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if len(head) >= 8:
        even, odd = head[0:80:2], head[1:80:2]
        if odd.count(0) > 0.6 * len(odd) and even.count(0) == 0:
            return "utf-16-le"
        if even.count(0) > 0.6 * len(even) and odd.count(0) == 0:
            return "utf-16-be"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the probe's end
            return "utf-8"
        if _UTF8_MULTIBYTE.search(head):
            return "utf-8"
        return "cp1252"
    return "utf-8"


def binary_kind(head: bytes, encoding: str) -> str | None:
    """What a non-text file is ("a PNG image", "a binary file"), or None for text."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    sample = head[:8192]
    if not sample:
        return None
    if encoding.startswith("utf-16"):
        text = sample.decode(encoding, errors="replace")
        if text and len(_CONTROL_TEXT.findall(text)) > 0.05 * len(text):
            return "a binary file"
        return None
    if b"\x00" in sample:
        return "a binary file"
    control = sum(1 for b in sample if b in _CONTROL)
    return "a binary file" if control > 0.05 * len(sample) else None


def is_binary(head: bytes, encoding: str) -> bool:
    return binary_kind(head, encoding) is not None


def sniff_delimiter(lines: Sequence[str]) -> str:
    """The delimiter that splits the most lines into the same number (>1) of fields."""
    best, best_score = ",", -1.0
    sample = [ln for ln in lines if ln.strip() and not ln.startswith("#")][:30]
    if not sample:
        return ","
    for delim in (",", "\t", ";", "|"):
        try:
            widths = [len(next(csv.reader([ln], delimiter=delim), [])) for ln in sample]
        except csv.Error:
            continue
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
    kind: str  # "csv" | "xlsx" | "xls" | "json"
    encoding: str | None = None
    delimiter: str | None = None
    sheets: list[Sheet] = field(default_factory=list)


def zip_problem(path: Path) -> str | None:
    """None for an .xlsx workbook, else what is wrong with importing this zip file."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                return None
            if any(n.startswith("word/") for n in names):
                return "this is a Word document, not a CSV or Excel export."
            bad = zf.testzip()
    except RuntimeError:
        return "this zip archive is password-protected: unzip it yourself and import the files."
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        return "this zip archive (or workbook) is damaged or truncated: download it again."
    if bad:
        return f"this zip archive is damaged ({bad!r} cannot be read): download it again."
    return "this is a zip archive, not a CSV or Excel export: import the files inside it."


class FieldTooLarge(Exception):
    """A field of the probed text is longer than csv's limit before any row was read whole."""

    def __init__(self, row: int) -> None:
        super().__init__(row)
        self.row = row


def probe_rows(text: str, delimiter: str, *, cut: bool) -> list[list[str]]:
    """The first records of the text, parsed leniently (detection only looks).

    A field longer than csv's limit ends the probe: the rows before it are whole and kept
    (reading the file names the row and column of the long field); when it is in the first
    record, FieldTooLarge says so, as no row is left to detect the format by."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    too_large = False
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > PROBE_ROWS:
                break
    except csv.Error as exc:
        # detection works with what was read; frames() names the bad row
        too_large = "field larger than field limit" in str(exc)
        if too_large and not rows:
            raise FieldTooLarge(1) from exc
    if cut and not too_large and len(rows) <= PROBE_ROWS and rows:
        rows.pop()  # the last record may be cut by the probe
    return rows[:PROBE_ROWS]
