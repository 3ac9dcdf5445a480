"""Byte-level habits of the platforms' exporters, and deterministic zips and workbooks.

Quoting styles seen in real exports:
  meta     quote a field that holds a space, comma, quote or line break (Meta, both suites)
  all      quote every field, numbers too (legacy X analytics, TikTok Studio)
  minimal  quote only fields that need it (X Premium, YouTube, Google, GA4, Search Console)

Zips and workbooks carry timestamps; ours carry the export day, so the same seed and end
date give byte-identical files (and a second build re-imports nothing).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

BOM = "\ufeff"


def quote_meta(value: str) -> str:
    if value and any(ch in value for ch in ' ,"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def quote_all(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def quote_minimal(value: str) -> str:
    if value and any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


QUOTING = {"meta": quote_meta, "all": quote_all, "minimal": quote_minimal}


def csv_text(
    rows: Iterable[Sequence[str]], style: str, *, newline: str = "\n", final_newline: bool = True
) -> str:
    quote = QUOTING[style]
    lines = [",".join(quote(cell) for cell in row) for row in rows]
    return newline.join(lines) + (newline if final_newline else "")


def write_text(path: Path, text: str, *, bom: bool = False, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(((BOM if bom else "") + text).encode(encoding))
    return path


def integer(value: float) -> str:
    return f"{value:.0f}"


def thousands(value: float) -> str:
    """1234 -> "1,234" (Google's exporter, used inconsistently)."""
    return f"{value:,.0f}"


def decimal(value: float, places: int = 2) -> str:
    return f"{value:.{places}f}"


def trimmed(value: float, places: int) -> str:
    """A decimal with trailing zeros dropped: 2.20 -> "2.2", 3.0 -> "3"."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text or "0"


def percent(fraction: float, places: int = 2, *, trim: bool = False) -> str:
    value = fraction * 100
    return (trimmed(value, places) if trim else f"{value:.{places}f}") + "%"


def fixed_zip(path: Path, members: Sequence[tuple[str, bytes]], day: dt.date) -> Path:
    """A zip whose every member is stamped with `day` at noon: same input, same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return path


def workbook_members(data: bytes, day: dt.date) -> list[tuple[str, bytes]]:
    """The members of an .xlsx, in order, with its save time (which openpyxl always sets to
    now) replaced by `day`, to be zipped again with fixed_zip."""
    stamp = f"{day.isoformat()}T12:00:00Z".encode()
    members = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            content = zf.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    content,
                )
            members.append((info.filename, content))
    return members
