"""What an export format is, what a reader yields, and what it is told.

Each importer module has the same three parts (see STYLE.md):
  COLUMNS  canonical field -> every header spelling seen (any language)
  read()   a generator of Chunks, streaming the file
  FORMAT   an ExportFormat naming the two above, with the detector's signature
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from socialdesk.importers.tabular import Table

# The kinds of records a reader can yield, and where the runner writes them.
KINDS = ("posts", "account_days", "ad_days", "web_days", "search", "audience", "messages")


def N_(message: str) -> str:
    """Marks a format's title and how-to text for the message catalogue, as socialdesk.i18n's
    `N_` does (the importers sit below i18n); the web face translates them when shown."""
    return message


@dataclass(frozen=True)
class AccountRef:
    """The account a chunk belongs to (created on first sight)."""

    platform: str
    handle: str
    name: str | None = None
    external_id: str | None = None
    currency: str | None = None


@dataclass
class Chunk:
    """A slice of canonical records of one kind, as a frame.

    Frames carry canonical column names (see socialdesk.model) and `__row__`, the
    spreadsheet row each record came from. A posts frame may carry `account_handle`
    (with `account_name`, `account_external_id`) when one file holds several accounts.
    """

    kind: str
    account: AccountRef
    frame: pd.DataFrame
    rows_skipped: int = 0


@dataclass
class ReadContext:
    """What a reader is told besides the table itself."""

    file: str  # the name shown in messages (zip members: "export.zip:Queries.csv")
    as_of: dt.date  # snapshot date for lifetime totals when the file has none of its own
    # where as_of came from: "option" (the user's --as-of), "file name" or "modified time";
    # a reader that knows the export date better may replace all but the user's choice
    as_of_source: str = "option"
    timezone: str = "Europe/Amsterdam"
    account: str | None = None  # the user's --account, for files that do not name one
    options: Mapping[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Other files that arrived with this one (members of the same zip, by base name), e.g.
    # Search Console's Filters.csv holding the date range of Queries.csv.
    siblings: Mapping[str, Path] = field(default_factory=dict)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)


Reader = Callable[["Table", ReadContext], Iterator[Chunk]]


@dataclass(frozen=True)
class ExportFormat:
    """One platform export format: how to recognise it, how to read it, how to get it."""

    name: str  # module name: <platform>_<report>_<ext>
    platform: str
    title: str  # N_("…"): English, translated where it is shown
    how_to: str  # where in the platform's UI the user downloads it (N_ too)
    columns: Mapping[str, tuple[str, ...]]  # canonical -> header spellings
    required: tuple[str, ...]  # canonical fields that must all be in the header
    read: Reader
    extensions: tuple[str, ...] = (".csv",)
    sheet: str | None = None  # for workbooks: the sheet to read (case-insensitive)
    file_pattern: str | None = None  # regex on the file name that adds confidence
    forbidden: tuple[str, ...] = ()  # canonical fields whose presence rules this format out

    def spellings(self, canonical: str) -> tuple[str, ...]:
        return self.columns.get(canonical, (canonical,))
