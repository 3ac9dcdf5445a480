"""LinkedIn Company Page → Analytics → Followers → Export: one workbook of six sheets.

Known from documentation and third-party parsers only (FORMATS.md 3b; no real file seen):
the download is a true BIFF8 `.xls` like the content export, named
`<company>_followers_<epoch ms>.xls`; an Excel re-save brings the same sheets as `.xlsx`.

- "New followers" (detection matches this one): one row per day, `Date, Sponsored followers,
  Organic followers, Auto-invited followers, Total followers`. "Total followers" there is the
  day's NEW followers (sponsored + organic + auto-invited), not the page's follower count: it
  goes to `followers_gained`, the three parts to extra (followers_gained_sponsored,
  followers_gained_organic, followers_gained_auto_invited). The export holds no follower
  count and no unfollows: `followers` and `followers_lost` stay NULL (never 0 or a guess).
  Days whose parts do not add up to the total are counted in a note, and kept as written.
- "Location", "Job function", "Seniority", "Industry", "Company size": `<dimension>, Total
  followers` → audience, dimensions location, job_function, seniority, industry,
  company_size (TikTok's follower demographics are unprefixed too), bucket as written, `count`
  the followers in it. `share` stays NULL: Location lists only the top places and members
  may leave a field empty, so the listed buckets do not add up to all followers. These are
  the followers as of the export: stored as of the export day.

Each sheet may start with a one-sentence description row, and header cells may hold line
breaks (white space is folded before matching). Dates are text MM/DD/YYYY (UTC), counts
float cells, empty strings stand for missing numbers (NULL, never 0). Sheets are found by
their header, not by their name. A bad cell's message names its sheet, row and column.

The account is the company in the default file name (the same page as the content and
visitors exports), else the user's --account, else "LinkedIn page". The helpers here
(account, export day, finding the sheets) are shared with linkedin_visitors_xls.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table, dedupe, normalise_header
from socialdesk.importers.values import add_numbers, cleaned, dates, file_row, numbers

PLATFORM = "linkedin"
DEFAULT_HANDLE = "LinkedIn page"  # as linkedin_page_content_xls: the same page
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
MAX_BUCKET = 200  # audience_share.bucket is String(200)

COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("Date",),
    "sponsored": ("Sponsored followers", "Followers sponsored"),
    "organic": ("Organic followers", "Followers organic"),
    "auto_invited": ("Auto-invited followers", "Auto invited followers"),
    "new_followers": ("Total followers", "New followers"),
}
DAY_METRICS = {"new_followers": "followers_gained"}
DAY_EXTRAS = {
    "sponsored": "extra:followers_gained_sponsored",
    "organic": "extra:followers_gained_organic",
    "auto_invited": "extra:followers_gained_auto_invited",
}

# The first header cell of a demographic sheet, folded -> the audience dimension.
DIMENSIONS: dict[str, str] = {
    "location": "location",
    "country": "country",
    "country/region": "country",
    "job function": "job_function",
    "function": "job_function",
    "seniority": "seniority",
    "experience level": "seniority",
    "industry": "industry",
    "company size": "company_size",
}
FOLLOWER_COUNTS = ("total followers", "followers")

_NAME = re.compile(
    r"^(?P<company>.+?)_(?P<kind>content|followers|visitors)_(?P<ms>\d{13})(?:\s*\(\d+\))?$"
)


# -- the account and the export day (shared with linkedin_visitors_xls) ----------------------
def _name_match(ctx: ReadContext) -> re.Match[str] | None:
    return _NAME.match(Path(ctx.file.rsplit(":", 1)[-1]).stem)


def account_ref(ctx: ReadContext) -> AccountRef:
    """The company in `<company>_<kind>_<ms>.xls`, else --account, else the default."""
    m = _name_match(ctx)
    if m:
        company = m.group("company")
        if ctx.account and ctx.account != company:
            ctx.note(f"the file name names the page {company!r}; --account was not used.")
        return AccountRef(PLATFORM, company, name=company)
    if ctx.account:
        return AccountRef(PLATFORM, ctx.account)
    ctx.note(
        f"the file does not name the LinkedIn page; filed under {DEFAULT_HANDLE!r}. "
        "Import with --account <page> to file it under the right page."
    )
    return AccountRef(PLATFORM, DEFAULT_HANDLE)


def export_day(ctx: ReadContext) -> dt.date:
    """The export day from the epoch-ms in the default name, unless the user gave --as-of."""
    m = _name_match(ctx)
    if m and ctx.as_of_source != "option":
        return dt.datetime.fromtimestamp(int(m.group("ms")) / 1000, dt.UTC).date()
    return ctx.as_of


@contextmanager
def in_sheet(sheet: str) -> Iterator[None]:
    """A bad cell's message names its sheet: the row numbers of the sheets overlap."""
    try:
        yield
    except RowInvalid as exc:
        raise RowInvalid(exc.file, exc.row, exc.column, f"{exc.detail} (sheet {sheet!r})") from None


# -- demographic sheets (shared with linkedin_visitors_xls) ----------------------------------
def _header(row: list[str]) -> list[str]:
    header = dedupe(row)
    while header and not header[-1]:
        header.pop()
    return header


def demographic_tables(table: Table, counts: tuple[str, ...]) -> Iterator[tuple[Table, str]]:
    """(table, count header) of each other sheet whose header is `<dimension>, <count>`,
    the count header one of `counts` (folded); found by header like detection, so a
    description row above it does not matter."""
    for sheet in table.probe.sheets:
        if sheet.name == table.sheet:
            continue
        for index, row in enumerate(sheet.rows):
            header = _header(row)
            filled = [h for h in header if h]
            if len(filled) != 2 or normalise_header(filled[1]) not in counts:
                continue
            fields = {"bucket": filled[0], "count": filled[1]}
            yield Table(table.probe, sheet.name, index, header, fields=fields), filled[1]
            break


def dimension_of(header: str, prefix: str, ctx: ReadContext) -> str:
    """The audience dimension a demographic sheet's first header names (`prefix` first)."""
    folded = normalise_header(header)
    known = DIMENSIONS.get(folded)
    if known is None:
        known = re.sub(r"[^a-z0-9]+", "_", folded).strip("_") or "other"
        ctx.note(f"the sheet column {header!r} is not one socialdesk knows: stored as {known!r}.")
    return f"{prefix}{known}"[:50]


def read_demographics(
    table: Table, ctx: ReadContext, account: AccountRef, dimension: str, as_of: dt.date
) -> Iterator[Chunk]:
    """One demographic sheet as audience counts; a bucket listed twice is summed."""
    bucket_col, count_col = table.col("bucket"), table.col("count")
    for frame in table.frames():
        buckets = cleaned(frame[bucket_col])
        if buckets.isna().any():
            bad = buckets.isna()
            idx = bad[bad].index[0]
            raise RowInvalid(ctx.file, file_row(frame, idx), bucket_col, "the name is empty.")
        too_long = buckets.str.len() > MAX_BUCKET
        if too_long.any():
            idx = too_long[too_long].index[0]
            raise RowInvalid(
                ctx.file,
                file_row(frame, idx),
                bucket_col,
                f"the name is longer than {MAX_BUCKET} characters.",
            )
        counts = numbers(frame, count_col, ctx.file)
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["as_of"] = pd.Timestamp(as_of)
        out["dimension"] = dimension
        out["bucket"] = buckets.astype(object)
        out["count"] = counts
        empty = out["count"].isna()
        out = out[~empty]
        repeated = out["bucket"].duplicated(keep=False)
        if repeated.any():
            ctx.note(f"sheet {table.sheet!r} lists some names twice: their counts were added up.")
            sums = out.groupby("bucket", sort=False)["count"].transform("sum")
            out = out.assign(count=sums).drop_duplicates("bucket", keep="first")
        yield Chunk("audience", account, out.reset_index(drop=True), rows_skipped=int(empty.sum()))


# -- New followers ---------------------------------------------------------------------------
def _read_days(table: Table, ctx: ReadContext, account: AccountRef) -> Iterator[Chunk]:
    f = table.fields
    mismatched = checked = 0
    for frame in table.frames():
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["date"] = dates(frame, f["date"], ctx.file, DATE_FORMATS)
        add_numbers(out, frame, f, DAY_METRICS, ctx.file)
        add_numbers(out, frame, f, DAY_EXTRAS, ctx.file)
        parts = [c for c in DAY_EXTRAS.values() if c in out]
        if parts:
            whole = out[parts].notna().all(axis=1) & out["followers_gained"].notna()
            checked += int(whole.sum())
            sums = out.loc[whole, parts].sum(axis=1)
            mismatched += int((sums - out.loc[whole, "followers_gained"]).abs().gt(1e-9).sum())
        yield Chunk("account_days", account, out)
    if mismatched:
        ctx.note(
            f"on {mismatched} of {checked} days the sponsored, organic and auto-invited "
            "followers do not add up to the total: kept as written."
        )


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    account = account_ref(ctx)
    as_of = export_day(ctx)
    ctx.note(
        "LinkedIn's followers export gives the new followers per day, not the number of "
        "followers: stored as followers gained."
    )
    with in_sheet(table.sheet):
        yield from _read_days(table, ctx, account)
    found = False
    for demo, _count in demographic_tables(table, FOLLOWER_COUNTS):
        found = True
        dimension = dimension_of(demo.col("bucket"), "", ctx)
        with in_sheet(demo.sheet):
            yield from read_demographics(demo, ctx, account, dimension, as_of)
    if found:
        ctx.note(f"the follower demographics are stored as of {as_of} (the export day).")
    else:
        ctx.note("the workbook has no demographic sheets: only the new followers were imported.")


FORMAT = ExportFormat(
    name="linkedin_followers_xls",
    platform=PLATFORM,
    title=N_("LinkedIn page – followers export (new followers per day and demographics, .xls)"),
    how_to=N_(
        "LinkedIn → your Company Page (admin view) → Analytics → Followers → Export → choose a "
        "period → Export (an .xls with the sheets New followers, Location, Job function, "
        "Seniority, Industry and Company size)."
    ),
    columns=COLUMNS,
    required=("date", "organic", "new_followers"),
    read=read,
    extensions=(".xls", ".xlsx"),
    file_pattern=r"_followers_\d{10,}",
)
