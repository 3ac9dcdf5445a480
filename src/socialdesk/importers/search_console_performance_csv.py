"""Google Search Console → Performance → Export → Download CSV (a zip, or its single files).

The zip holds `Queries.csv`, `Pages.csv`, `Countries.csv`, `Devices.csv`,
`Search appearance.csv`, a daily file (`Dates.csv` in older exports, `Chart.csv` in newer
ones) and `Filters.csv`. The runner imports each member as its own file; this reader reads
one table and takes the period from the members that came with it (`ctx.siblings`):

- the `Date` row of `Filters.csv` ("1 Jan 2025-31 Dec 2025"); a relative range ("Last 3
  months") is resolved with the daily file's first and last date;
- else the daily file's first and last date;
- else `--option date_start=… date_end=…`; else Search Console's default "last 3 months"
  ending on the export date, with a note.

Other filters (a page or query filter, a search type other than Web) mean the figures cover
only part of the property: such exports are stored under an account named after the filter,
so they never overwrite the unfiltered figures. Quirks: no BOM, LF, no final newline; CTR is
a percent string that may drop trailing zeros ("2.2%") and is stored as a fraction; a query
such as `"5,11"` is text, never a number; the daily file runs newest first (Dates.csv) or
oldest first (Chart.csv).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from socialdesk.errors import FileUnreadable
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.ga4_report_csv import fit_key
from socialdesk.importers.google_ads_campaigns_csv import parse_date_range
from socialdesk.importers.tabular import ROW_COL, Table, normalise_header, sniff_encoding
from socialdesk.importers.values import cleaned, dates, numbers

PLATFORM = "search_console"
DEFAULT_HANDLE = "Search Console property"

DIMENSION_COLUMNS: dict[str, tuple[str, ...]] = {
    "query": ("Top queries", "Query", "Queries", "Populairste zoekopdrachten", "Zoekopdracht"),
    "page": ("Top pages", "Page", "Pages", "Populairste pagina's", "Pagina"),
    "country": ("Country", "Countries", "Land", "Landen"),
    "device": ("Device", "Devices", "Apparaat", "Apparaten"),
    "search_appearance": ("Search Appearance", "Search appearance", "Zoekopmaak"),
    "date": ("Date", "Dates", "Datum"),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    **DIMENSION_COLUMNS,
    "clicks": ("Clicks", "Klikken"),
    "impressions": ("Impressions", "Vertoningen"),
    "ctr": ("CTR",),
    "position": ("Position", "Positie", "Average position", "Gemiddelde positie"),
    # a Google Ads report with a position column is not a Search Console export
    "cost": ("Cost", "Kosten"),
}
DATE_FORMATS = ("%Y-%m-%d",)
FILTER_HEADER = ("filter",)
_DEFAULT_FILTERS = {("search type", "web"), ("zoektype", "internet"), ("zoektype", "web")}
_DATE_FILTER = frozenset({"date", "datum"})
_RELATIVE = re.compile(
    r"(last|past|afgelopen|laatste)\s+(?P<n>\d+)\s+(?P<unit>days?|months?|dagen|dag|maanden|maand)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Siblings:
    """What the other members of the same zip say."""

    filters: list[tuple[str, str]] | None  # (filter, value) rows of Filters.csv
    days: tuple[dt.date, dt.date] | None  # first and last date of Dates.csv / Chart.csv


def _read_rows(path: Path) -> list[list[str]]:
    """All rows of a small sibling CSV (Filters.csv, Dates.csv: a few hundred lines)."""
    with path.open("rb") as fh:
        encoding = sniff_encoding(fh.read(4096))
    with path.open("r", encoding=encoding, newline="", errors="replace") as fh:
        return [row for row in csv.reader(fh) if any(c.strip() for c in row)]


def read_siblings(siblings: Mapping[str, Path]) -> Siblings:
    """Filters and daily dates of the sibling members, found by their header, not name."""
    filters: list[tuple[str, str]] | None = None
    days: list[dt.date] = []
    date_names = {normalise_header(s) for s in DIMENSION_COLUMNS["date"]}
    for path in siblings.values():
        if path.suffix.lower() != ".csv":
            continue
        try:
            rows = _read_rows(path)
        except OSError:
            continue
        if not rows:
            continue
        first = normalise_header(rows[0][0])
        if first in FILTER_HEADER and len(rows[0]) >= 2:
            filters = [(r[0].strip(), r[1].strip()) for r in rows[1:] if len(r) >= 2]
        elif first in date_names:
            for r in rows[1:]:
                try:
                    days.append(dt.date.fromisoformat(r[0].strip()))
                except ValueError:
                    continue
    return Siblings(filters, (min(days), max(days)) if days else None)


def _relative_period(value: str, end: dt.date) -> tuple[dt.date, dt.date] | None:
    m = _RELATIVE.search(value)
    if not m:
        return None
    n, unit = int(m.group("n")), m.group("unit").casefold()
    if unit.startswith(("day", "dag")):
        return end - dt.timedelta(days=n - 1), end
    start = (pd.Timestamp(end) - pd.DateOffset(months=n) + pd.Timedelta(days=1)).date()
    return start, end


def period(ctx: ReadContext, sib: Siblings) -> tuple[dt.date, dt.date]:
    """The period of a non-daily member (see the module docstring for the order)."""
    date_filter = next((v for k, v in sib.filters or [] if k.casefold() in _DATE_FILTER), None)
    if date_filter:
        found = parse_date_range(date_filter)
        if found:
            return found
        if sib.days:
            ctx.note(
                f"the date filter {date_filter!r} is relative; its period is taken from the "
                f"daily file: {sib.days[0]} to {sib.days[1]}."
            )
            return sib.days
        relative = _relative_period(date_filter, ctx.as_of)
        if relative:
            ctx.note(
                f"the date filter {date_filter!r} is relative; taken as {relative[0]} to "
                f"{relative[1]} (ending on the export date)."
            )
            return relative
    if sib.days:
        return sib.days
    start, end = ctx.options.get("date_start"), ctx.options.get("date_end")
    if start and end:
        return dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    assumed = _relative_period("last 3 months", ctx.as_of)
    assert assumed is not None
    ctx.note(
        "no Filters.csv or daily file came with this file, so its period is unknown; assumed "
        f"Search Console's default 'Last 3 months' ending on the export date ({assumed[0]} to "
        f"{assumed[1]}). Import the whole zip, or pass --option date_start=YYYY-MM-DD "
        "--option date_end=YYYY-MM-DD."
    )
    return assumed


def account(ctx: ReadContext, sib: Siblings) -> AccountRef:
    """--account (else the default), qualified by any filter narrowing the figures."""
    handle = ctx.account or DEFAULT_HANDLE
    narrowing = [
        f"{k}: {v}"
        for k, v in sib.filters or []
        if k.casefold() not in _DATE_FILTER and (k.casefold(), v.casefold()) not in _DEFAULT_FILTERS
    ]
    if narrowing:
        qualified = f"{handle} [{'; '.join(narrowing)}]"
        ctx.note(
            f"the export is filtered ({'; '.join(narrowing)}): its figures cover only part of "
            f"the property, so they are stored under {qualified!r}."
        )
        return AccountRef(PLATFORM, qualified, name=qualified)
    return AccountRef(PLATFORM, handle)


def guess_decimal(frame: pd.DataFrame, table: Table) -> str:
    """Search Console writes counts without separators; a comma in CTR is a decimal comma."""
    ctr = cleaned(frame[table.col("ctr")]).dropna()
    commas = int(ctr.str.contains(",").sum())
    return "," if commas and commas >= int(ctr.str.contains(r"\.").sum()) else "."


def convert(
    frame: pd.DataFrame,
    table: Table,
    ctx: ReadContext,
    dimension: str,
    fixed: tuple[dt.date, dt.date] | None,
    decimal: str,
) -> pd.DataFrame:
    """One frame of rows as canonical search rows of one dimension."""
    column = table.col(dimension)
    out = pd.DataFrame(index=frame.index)
    out[ROW_COL] = frame[ROW_COL]
    out["dimension"] = dimension
    if dimension == "date":
        day = dates(frame, column, ctx.file, DATE_FORMATS)
        out["value"] = day.dt.strftime("%Y-%m-%d").values
        out["date_start"], out["date_end"] = day.values, day.values
    else:
        assert fixed is not None
        out["value"] = fit_key(frame[column].astype(str)).values  # "null", "5,11": queries
        out["date_start"], out["date_end"] = pd.Timestamp(fixed[0]), pd.Timestamp(fixed[1])
    out["clicks"] = numbers(frame, table.col("clicks"), ctx.file, decimal=decimal).values
    out["impressions"] = numbers(frame, table.col("impressions"), ctx.file, decimal=decimal).values
    out["ctr"] = numbers(frame, table.col("ctr"), ctx.file, decimal=decimal, percent=True).values
    out["position"] = numbers(frame, table.col("position"), ctx.file, decimal=decimal).values
    return out


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    dimension = next((d for d in DIMENSION_COLUMNS if d in table.fields), None)
    if dimension is None:
        raise FileUnreadable(
            ctx.file,
            f"the first column {table.header[0]!r} is not a Search Console dimension (query, "
            "page, country, device, search appearance or date).",
        )
    sib = read_siblings(ctx.siblings)
    fixed = None if dimension == "date" else period(ctx, sib)
    ref = account(ctx, sib)
    if not ctx.account:
        ctx.note(
            f"Search Console files do not name their property; stored under {ref.handle!r} "
            "(pass --account with the site, e.g. --account example.com)."
        )
    decimal: str | None = ctx.options.get("decimal")
    for frame in table.frames():
        data = frame[frame[table.col(dimension)].astype(str).str.strip() != ""]
        decimal = decimal or guess_decimal(data, table)
        yield Chunk(
            "search",
            ref,
            convert(data, table, ctx, dimension, fixed, decimal),
            rows_skipped=len(frame) - len(data),
        )


FORMAT = ExportFormat(
    name="search_console_performance_csv",
    platform=PLATFORM,
    title=N_("Google Search Console – Performance export (CSV or zip)"),
    how_to=N_(
        "Search Console → Performance → Search results → choose the date range → Export "
        "(top right) → Download CSV; import the whole zip so every file gets its period."
    ),
    columns=COLUMNS,
    required=("clicks", "impressions", "ctr", "position"),
    forbidden=("cost",),
    read=read,
    file_pattern=r"queries|pages|countries|devices|search.appearance|dates|chart",
)
