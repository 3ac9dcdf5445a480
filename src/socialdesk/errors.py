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
    """A format that nearly fitted a file: the columns it missed, and the file's columns that
    rule it out (columns its files never have), the reason when it missed none."""

    format: str
    score: float
    missing: tuple[str, ...]
    ruled_out_by: tuple[str, ...] = ()


class FormatNotRecognised(ImportError_):
    """No format fits the file. `message` says so with the columns found and the closest
    candidates (built by the importers' detection, a Phrase the cockpit translates)."""

    def __init__(
        self,
        file: str,
        candidates: Sequence[Candidate],
        columns: Sequence[str] = (),
        *,
        message: str,
    ) -> None:
        self.candidates = tuple(candidates)
        self.columns = tuple(columns)
        super().__init__(file, message)


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
