"""Bounds on what an import unpacks and parses (inputs that try to hurt, issue #18).

In this one place for every file socialdesk opens: a zip given to `import`, one found in a
folder, one uploaded to the cockpit (which takes up to 512 MB), an .xlsx workbook (a zip file
too), an .xls workbook and a JSON export. Each check runs before the file's contents are
unpacked or parsed, so a zip bomb is refused in bounded memory and time. Tests lower a limit
by setting this module's attribute (`monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 1000)`):
the checks read them when they run.

Zips given to `import` are streamed to a temporary folder in blocks of 1 MB before they are
read (see runner), so memory stays flat and the disk cannot fill up. The declared sizes are
checked before anything is unpacked (zipfile holds a member to its declared size while
unpacking: one that unpacks to more is damaged) and the bytes written are counted again while
unpacking.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from socialdesk.phrases import Num, Phrase

MAX_ZIP_MEMBERS = 1000  # files in one zip (or parts of one .xlsx workbook)
MAX_MEMBER_BYTES = 500_000_000  # 500 MB: one member unpacked
MAX_UNZIPPED_BYTES = 1 << 30  # 1 GiB: all members of one zip together
MAX_UNZIPPED_TOTAL = 4 << 30  # 4 GiB: all zips of one import (a folder of zips) together
MAX_RATIO = 100  # unpacked : packed, for members that unpack to more than RATIO_FROM
RATIO_FROM = 8 << 20  # 8 MiB: small members may be as repetitive as they like

# Workbooks. openpyxl (read-only) streams a worksheet row by row, but reads the workbook's
# other parts (shared strings, styles) whole, and holds one row whole: those are bounded
# here, and so are a sheet's cells (an export has far fewer; a bigger table imports as CSV).
MAX_WORKBOOK_PART_BYTES = 64 << 20  # 64 MiB: one part other than a worksheet, unpacked
MAX_SHEET_CELLS = 10_000_000  # cells in one worksheet
MAX_ROW_CELLS = 16_384  # cells in one row: as many columns as Excel has
# xlrd reads an .xls whole (a BIFF file is not compressed: memory follows its size).
MAX_XLS_BYTES = 100_000_000  # 100 MB
# JSON exports are parsed whole (json.loads): memory is several times the file's size.
MAX_JSON_BYTES = 64_000_000  # 64 MB


def mb(size: int) -> Num:
    return Num(size / 1e6, ",.0f")


def unsafe_member(name: str) -> bool:
    """Whether a member's name climbs out of the folder it is unpacked to ('..' among its
    parts) or is absolute (/x, \\x, C:x): such a member is reported and never unpacked."""
    parts = re.split(r"[/\\]", name)
    return (
        name.startswith(("/", "\\"))
        or bool(re.match(r"[A-Za-z]:", name))
        or any(p == ".." for p in parts)
    )


def member_too_large(info: zipfile.ZipInfo) -> Phrase | None:
    """Why one member is not unpacked (too large, or packed like a zip bomb), else None."""
    if info.file_size > MAX_MEMBER_BYTES:
        return Phrase(
            "%(member)s would unpack to %(size)s MB, more than the %(limit)s MB socialdesk "
            "unpacks for one file: unzip it yourself and import the file.",
            member=repr(info.filename),
            size=mb(info.file_size),
            limit=mb(MAX_MEMBER_BYTES),
        )
    if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(1, info.compress_size):
        return Phrase(
            "%(member)s is packed %(ratio)s times smaller than it unpacks (%(size)s MB), more "
            "than the %(limit)s times of any export: a zip bomb or a damaged zip. Unzip it "
            "yourself if you trust it.",
            member=repr(info.filename),
            ratio=Num(info.file_size / max(1, info.compress_size), ",.0f"),
            size=mb(info.file_size),
            limit=MAX_RATIO,
        )
    return None


def zip_too_large(infos: Sequence[zipfile.ZipInfo], budget: int | None = None) -> Phrase | None:
    """Why these members are not unpacked (a zip bomb's signature), else None. `budget`: what
    the import may still unpack (its zips share MAX_UNZIPPED_TOTAL)."""
    if len(infos) > MAX_ZIP_MEMBERS:
        return Phrase(
            "this zip holds %(count)s files, more than the %(limit)s socialdesk unpacks: "
            "unzip it yourself and import the files you need.",
            count=Num(len(infos), ","),
            limit=Num(MAX_ZIP_MEMBERS, ","),
        )
    for info in infos:
        problem = member_too_large(info)
        if problem:
            return problem
    size = sum(i.file_size for i in infos)
    limit = MAX_UNZIPPED_BYTES if budget is None else min(MAX_UNZIPPED_BYTES, budget)
    if size > limit:
        return Phrase(
            "this zip would unpack to %(size)s MB, more than the %(limit)s MB socialdesk "
            "unpacks at once: unzip it yourself and import the files, or import fewer zips "
            "together.",
            size=mb(size),
            limit=mb(limit),
        )
    return None


# -- workbooks ---------------------------------------------------------------------------------
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
# a row or cell start tag, with or without a namespace prefix (<row r="1">, <x:c r="A1"/>)
_PREFIX = re.compile(rb"<[A-Za-z_][\w.-]*:(?=(?:c|row)[\s/>])")
_ROW = re.compile(rb"<row[\s/>]")
_CELL = re.compile(rb"<c[\s/>]")
# a row's number (<row r="50000000">): openpyxl yields every missing row before it, so a 5 KB
# sheet naming a far row would keep an import busy for minutes
_ROW_NUMBER = re.compile(rb'[^>]*?\br="(\d{1,15})"')
MAX_ROW_NUMBER = 1_048_576  # Excel's last row
_BLOCK = 1 << 20


def xlsx_problem(path: Path) -> Phrase | None:
    """Why this .xlsx workbook is not opened (it would unpack to too much, or a sheet holds
    too many cells), else None. Read in blocks: memory stays flat whatever it declares."""
    with zipfile.ZipFile(path) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        problem = zip_too_large(infos)
        if problem:
            return _in_workbook(problem)
        for info in infos:
            if not _WORKSHEET.fullmatch(info.filename):
                if info.file_size > MAX_WORKBOOK_PART_BYTES:
                    return Phrase(
                        "the part %(member)s of this workbook would unpack to %(size)s MB, "
                        "more than the %(limit)s MB socialdesk reads: save the sheet as CSV "
                        "and import that.",
                        member=repr(info.filename),
                        size=mb(info.file_size),
                        limit=mb(MAX_WORKBOOK_PART_BYTES),
                    )
                continue
            with zf.open(info) as fh:
                problem = _sheet_problem(fh, info.filename)
            if problem:
                return problem
    return None


def _in_workbook(problem: Phrase) -> Phrase:
    return Phrase(
        "this workbook is a zip file that cannot be opened safely: %(problem)s", problem=problem
    )


def _sheet_problem(fh: IO[bytes], member: str) -> Phrase | None:
    """Why one worksheet's XML is not read (too many cells, or a row too wide), else None."""
    counter = _CellCounter()
    tail = b""
    while block := fh.read(_BLOCK):
        buf = tail + block
        cut = buf.rfind(b"<")  # a tag start cut in two is kept for the next block
        if cut < 0 or len(buf) - cut > 64:  # no tag start, or the last one is whole
            part, tail = buf, b""
        else:
            part, tail = buf[:cut], buf[cut:]
        if counter.add(part):
            break
    else:
        counter.add(tail)
    if counter.far_row:
        return Phrase(
            "the sheet %(member)s names row %(row)s, past the last row a spreadsheet has "
            "(%(limit)s): this is not an export socialdesk can read.",
            member=repr(member),
            row=Num(counter.far_row, ","),
            limit=Num(MAX_ROW_NUMBER, ","),
        )
    if counter.in_row > MAX_ROW_CELLS:
        return Phrase(
            "the sheet %(member)s holds a row (row %(row)s) of more than %(limit)s cells, more "
            "columns than Excel has: this is not an export socialdesk can read.",
            member=repr(member),
            row=Num(max(counter.rows, 1), ","),
            limit=Num(MAX_ROW_CELLS, ","),
        )
    if counter.cells > MAX_SHEET_CELLS:
        return Phrase(
            "the sheet %(member)s holds more than %(limit)s cells, more than socialdesk reads "
            "from a workbook: save the sheet as CSV and import that.",
            member=repr(member),
            limit=Num(MAX_SHEET_CELLS, ","),
        )
    return None


class _CellCounter:
    """Rows and cells of a worksheet's XML, counted from its start tags block by block."""

    def __init__(self) -> None:
        self.cells = self.rows = self.in_row = self.far_row = 0

    def add(self, part: bytes) -> bool:
        """Count the tags in `part`; True once a limit is passed."""
        if b":" in part:
            part = _PREFIX.sub(b"<", part)
        for i, piece in enumerate(_ROW.split(part)):  # the first piece goes on with the row
            if i:
                self.rows += 1
                self.in_row = 0
                number = _ROW_NUMBER.match(piece)
                if number and int(number.group(1)) > MAX_ROW_NUMBER:
                    self.far_row = int(number.group(1))
                    return True
            n = len(_CELL.findall(piece))
            self.in_row += n
            self.cells += n
            if self.in_row > MAX_ROW_CELLS or self.cells > MAX_SHEET_CELLS:
                return True
        return False


def xls_problem(path: Path) -> Phrase | None:
    """Why this .xls workbook is not opened (xlrd reads it whole), else None."""
    size = path.stat().st_size
    if size > MAX_XLS_BYTES:
        return Phrase(
            "this .xls workbook is %(size)s MB, more than the %(limit)s MB socialdesk reads "
            "from one: save it as .xlsx or CSV and import that.",
            size=mb(size),
            limit=mb(MAX_XLS_BYTES),
        )
    return None


def json_problem(size: int) -> Phrase | None:
    """Why a JSON file of `size` bytes is not parsed (json.loads holds it whole), else None."""
    if size > MAX_JSON_BYTES:
        return Phrase(
            "this JSON file is %(size)s MB, more than the %(limit)s MB socialdesk reads from "
            "one JSON export: export a shorter period (or fewer pages) and import those files.",
            size=mb(size),
            limit=mb(MAX_JSON_BYTES),
        )
    return None
