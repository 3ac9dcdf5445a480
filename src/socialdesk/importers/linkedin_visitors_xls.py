"""LinkedIn Company Page → Analytics → Visitors → Export: one workbook, a daily sheet and
demographic sheets.

Known from documentation and third-party parsers only (FORMATS.md 3b; no real file seen):
a true BIFF8 `.xls` like the content export, named `<company>_visitors_<epoch ms>.xls`
(an Excel re-save brings the same sheets as `.xlsx`).

- The daily sheet (detection matches this one, by its header, whatever the sheet is called):
  `Date` and 24 counts, page views and unique visitors of the Overview, Life and Jobs tabs
  and in total, each split desktop / mobile / total: `Overview page views (desktop)`, …,
  `Total unique visitors (total)`. Other sources spell them `Page Views Overview (Mobile
  Devices)`, `Total Page Views (Total)`; both orders and both device words are read.
  Total page views (total) go to `profile_views`; every other count goes to extra, named
  without the "(total)": page_views_desktop, page_views_mobile, unique_visitors,
  unique_visitors_desktop, unique_visitors_mobile, overview_page_views,
  overview_page_views_desktop, …, jobs_unique_visitors_mobile. Unique visitors are people
  per day, which no canonical column holds.
- Demographic sheets ("Location", "Job function", "Seniority", "Industry", "Company size"):
  `<dimension>, Total views` → audience, dimensions visitor_location, visitor_job_function,
  visitor_seniority, visitor_industry, visitor_company_size (the prefix keeps them apart
  from the follower demographics of the same page), `count` the page views from visitors in
  the bucket over the export's period, `share` NULL (the lists are not complete). They cover
  the period, so they are stored as of its last day (the daily sheet's last date).

Description rows above a header, line breaks in header cells, dates as text MM/DD/YYYY,
float counts and empty strings for missing numbers (NULL) are handled as in the followers
export. The account is the company in the default file name, else --account, else
"LinkedIn page" (see linkedin_followers_xls, whose helpers this module uses).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd

from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.linkedin_followers_xls import (
    DATE_FORMATS,
    PLATFORM,
    account_ref,
    demographic_tables,
    dimension_of,
    export_day,
    in_sheet,
    read_demographics,
)
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import add_numbers, dates

SECTIONS = {
    "overview": ("Overview",),
    "life": ("Life",),
    "jobs": ("Jobs",),
    "total": ("Total",),
}
MEASURES = {
    "page_views": ("page views",),
    "unique_visitors": ("unique visitors",),
}
DEVICES = {
    "desktop": ("desktop",),
    "mobile": ("mobile", "mobile devices"),
    "total": ("total",),
}


def _spellings(section: str, measure: str, device: str) -> tuple[str, ...]:
    """ "Overview page views (desktop)" and "Page Views Overview (Mobile Devices)" (case and
    white space do not matter)."""
    out = []
    for s in SECTIONS[section]:
        for m in MEASURES[measure]:
            for d in DEVICES[device]:
                out += [f"{s} {m} ({d})", f"{m} {s} ({d})"]
    return tuple(out)


def _extra_name(section: str, measure: str, device: str) -> str:
    parts = ([] if section == "total" else [section]) + [measure]
    return "_".join(parts + ([] if device == "total" else [device]))


COLUMNS: dict[str, tuple[str, ...]] = {"date": ("Date",)}
DAY_EXTRAS: dict[str, str] = {}
for _section in SECTIONS:
    for _measure in MEASURES:
        for _device in DEVICES:
            _key = f"{_section}_{_measure}_{_device}"
            COLUMNS[_key] = _spellings(_section, _measure, _device)
            if _key != "total_page_views_total":
                DAY_EXTRAS[_key] = "extra:" + _extra_name(_section, _measure, _device)
DAY_METRICS = {"total_page_views_total": "profile_views"}
VISITOR_COUNTS = ("total views", "total page views", "page views", "views", "total visitors")


def _read_days(
    table: Table, ctx: ReadContext, account: AccountRef
) -> Iterator[tuple[Chunk, dt.date | None]]:
    f = table.fields
    for frame in table.frames():
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["date"] = dates(frame, f["date"], ctx.file, DATE_FORMATS)
        add_numbers(out, frame, f, DAY_METRICS, ctx.file)
        add_numbers(out, frame, f, DAY_EXTRAS, ctx.file)
        last = out["date"].max() if len(out) else None
        yield Chunk("account_days", account, out), (None if pd.isna(last) else last.date())


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    account = account_ref(ctx)
    missing = [k for k in COLUMNS if k not in table.fields]
    if missing:
        ctx.note(
            f"{len(missing)} of the 24 visitor columns are not in the file; "
            "the others were imported."
        )
    last: dt.date | None = None
    with in_sheet(table.sheet):
        for chunk, day in _read_days(table, ctx, account):
            if day is not None and (last is None or day > last):
                last = day
            yield chunk
    as_of = last or export_day(ctx)
    found = False
    for demo, _count in demographic_tables(table, VISITOR_COUNTS):
        found = True
        dimension = dimension_of(demo.col("bucket"), "visitor_", ctx)
        with in_sheet(demo.sheet):
            yield from read_demographics(demo, ctx, account, dimension, as_of)
    if found:
        ctx.note(
            f"the visitor demographics count page views over the export's period: stored as "
            f"of its last day, {as_of}."
        )


FORMAT = ExportFormat(
    name="linkedin_visitors_xls",
    platform=PLATFORM,
    title=N_("LinkedIn page – visitors export (page views per day and demographics, .xls)"),
    how_to=N_(
        "LinkedIn → your Company Page (admin view) → Analytics → Visitors → Export → choose a "
        "period → Export (an .xls with the daily visitor metrics and the Location, Job "
        "function, Seniority, Industry and Company size sheets)."
    ),
    columns=COLUMNS,
    required=("date", "total_page_views_total", "total_unique_visitors_total"),
    read=read,
    extensions=(".xls", ".xlsx"),
    file_pattern=r"_visitors_\d{10,}",
)
