"""One error tree for socialdesk. Every error says what went wrong and what to do.

SocialdeskError
├── ConfigError                 settings or workspace cannot be used
├── ImportError_                anything that stops a file from importing
│   ├── FormatNotRecognised     no export format fits the file (names the closest ones)
│   ├── FileUnreadable          empty, binary, truncated or undecodable file
│   └── RowInvalid              one cell is wrong (file, row, column)
└── MissingExtra                an optional dependency is not installed
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class SocialdeskError(Exception):
    """Base of every error socialdesk raises on purpose."""


class ConfigError(SocialdeskError):
    pass


class ImportError_(SocialdeskError):
    """A file could not be imported; the database is unchanged."""

    def __init__(self, file: str, message: str) -> None:
        self.file = file
        self.message = message
        super().__init__(f"{file}: {message}")


class FileUnreadable(ImportError_):
    pass


@dataclass(frozen=True)
class Candidate:
    """A format that nearly fitted a file, with the columns it missed."""

    format: str
    score: float
    missing: tuple[str, ...]


class FormatNotRecognised(ImportError_):
    def __init__(self, file: str, candidates: Sequence[Candidate], columns: Sequence[str] = ()):
        self.candidates = tuple(candidates)
        self.columns = tuple(columns)
        lines = ["no supported export format fits this file."]
        if columns:
            shown = ", ".join(repr(c) for c in list(columns)[:12])
            more = f" (+{len(columns) - 12} more)" if len(columns) > 12 else ""
            lines.append(f"  Columns found: {shown}{more}")
        for cand in self.candidates[:3]:
            missing = ", ".join(repr(m) for m in cand.missing[:8]) or "nothing"
            lines.append(
                f"  Closest: {cand.format} ({cand.score:.0%} of its columns), missing {missing}"
            )
        lines.append("  Run 'socialdesk formats' for the list, or import it with a mapping file.")
        super().__init__(file, "\n".join(lines))


class RowInvalid(ImportError_):
    """One cell of one row is wrong. Rows are numbered as a spreadsheet shows them."""

    def __init__(self, file: str, row: int, column: str, message: str) -> None:
        self.row = row
        self.column = column
        self.detail = message
        super().__init__(file, f"row {row}, column {column!r}: {message}")


class MissingExtra(SocialdeskError):
    def __init__(self, feature: str, install: str) -> None:
        super().__init__(f"{feature} needs an optional dependency: {install}")
