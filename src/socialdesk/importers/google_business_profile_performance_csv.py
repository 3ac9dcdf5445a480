"""Google Business Profile → Performance → bulk report download (CSV, one row per location).

Real file seen (FORMATS.md 8d): `GMB insights (Performance Report) - 2025-10-1 - 2025-10-31 -
<hash>.csv`, no BOM, LF. Row 2 describes each metric ("Number of people that viewed your
Business Profile on Google Search using Mobile"), with the first four cells (store code,
name, address, labels) empty: it is recognised and skipped, like the legacy Facebook
export's description row. Each data row is one location (a Business Profile) over the
report's period.

Where it is stored: each location is an account of platform "google_business_profile" (a
Business Profile is a profile, like a Facebook page), keyed by its store code, else by its
name and address; the period's figures are one `web_day` row of that account (report
"business_profile_performance", no dimension), since the file gives totals over a period,
never per day, and `web_day` is the store's account-level table with a period. None of the
figures is a canonical web metric: every one goes to the row's extra figures under its own
name (views_search_mobile, views_search_desktop, views_maps_mobile, views_maps_desktop,
calls, messages, bookings, directions, website_clicks, food_orders, food_menu_clicks,
hotel_bookings). The four view columns count people per surface and are not added up (one
person may see the profile on Search and on Maps). Empty cells stay NULL; zeros are kept.

The period is only in the file name Google gives the download (`… - 2025-10-1 - 2025-10-31
- …`); a renamed file without it is refused with that advice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from socialdesk.errors import ImportError_, RowInvalid
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import add_numbers, cell, cleaned, file_row, text

PLATFORM = "google_business_profile"
REPORT = "business_profile_performance"
HANDLE_LENGTH = 300  # account.handle and account.name

COLUMNS: dict[str, tuple[str, ...]] = {
    "store_code": ("Store code",),
    "business_name": ("Business name",),
    "address": ("Address",),
    "labels": ("Labels",),
    "search_mobile": ("Google Search - Mobile",),
    "search_desktop": ("Google Search - Desktop",),
    "maps_mobile": ("Google Maps - Mobile",),
    "maps_desktop": ("Google Maps - Desktop",),
    "calls": ("Calls",),
    "messages": ("Messages",),
    "bookings": ("Bookings",),
    "directions": ("Directions",),
    "website_clicks": ("Website clicks",),
    "food_orders": ("Food orders",),
    "food_menu_clicks": ("Food menu clicks",),
    "hotel_bookings": ("Hotel bookings",),
}

EXTRAS = {
    "search_mobile": "extra:views_search_mobile",
    "search_desktop": "extra:views_search_desktop",
    "maps_mobile": "extra:views_maps_mobile",
    "maps_desktop": "extra:views_maps_desktop",
    **{
        name: f"extra:{name}"
        for name in (
            "calls",
            "messages",
            "bookings",
            "directions",
            "website_clicks",
            "food_orders",
            "food_menu_clicks",
            "hotel_bookings",
        )
    },
}
_LABELS = ("store_code", "business_name", "address", "labels")
_DESCRIPTION = re.compile(r"^\s*number of\b", re.IGNORECASE)
_PERIOD = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})\s*(?:-|_|to|tot)\s*(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)",
    re.IGNORECASE,
)


def period_from_name(file: str) -> tuple[dt.date, dt.date] | None:
    """(start, end) from `… - 2025-10-1 - 2025-10-31 - …` in the file name."""
    m = _PERIOD.search(Path(file.rsplit(":", 1)[-1]).name)
    if not m:
        return None
    y1, m1, d1, y2, m2, d2 = (int(g) for g in m.groups())
    try:
        start, end = dt.date(y1, m1, d1), dt.date(y2, m2, d2)
    except ValueError:
        return None
    return (start, end) if start <= end else None


def _is_description(cells: list[str], label_positions: list[int]) -> bool:
    labels_empty = all(i >= len(cells) or not str(cells[i]).strip() for i in label_positions)
    return labels_empty and any(_DESCRIPTION.match(str(c)) for c in cells)


def skip_description(table: Table) -> None:
    """Skip the description row under the header when the probe shows one."""
    positions = [table.header.index(table.col(c)) for c in _LABELS if table.has(c)]
    for sheet in table.probe.sheets:
        if sheet.name == table.sheet and len(sheet.rows) > table.header_index + 1:
            if _is_description(sheet.rows[table.header_index + 1], positions):
                table.skip_after_header = 1


def _description_rows(frame: pd.DataFrame, f: dict[str, str]) -> pd.Series:
    """Description rows among the data (a second one, or one the probe did not reach)."""
    empty = pd.Series(True, index=frame.index)
    for c in _LABELS:
        if c in f:
            empty &= cleaned(frame[f[c]]).isna()
    if not empty.any():
        return empty.astype(bool)
    cells = frame.drop(columns=[ROW_COL]).astype(str)
    described = cells.apply(lambda col: col.str.match(_DESCRIPTION)).any(axis=1)
    return (empty & described).astype(bool)


def _locations(frame: pd.DataFrame, f: dict[str, str], file: str) -> pd.DataFrame:
    """handle, name and store code of each row's location."""
    name = text(frame, f["business_name"])
    address = text(frame, f["address"])
    code = text(frame, f["store_code"]).map(lambda v: None if v is None else v.strip())
    nameless = name.isna() & address.isna() & code.isna()
    if nameless.any():
        idx = nameless[nameless].index[0]
        raise RowInvalid(
            file,
            file_row(frame, idx),
            f["business_name"],
            "the row names no location (no store code, business name or address).",
        )
    label = [
        ", ".join(str(p).strip() for p in (n, a) if p is not None)
        for n, a in zip(name, address, strict=True)
    ]
    label_s = pd.Series(label, index=frame.index, dtype=object).map(
        lambda v: v[:HANDLE_LENGTH] if v else None
    )
    handle = code.where(code.notna(), label_s)
    return pd.DataFrame(
        {"handle": handle, "name": label_s.where(label_s.notna(), code), "code": code},
        index=frame.index,
    )


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    period = period_from_name(ctx.file)
    if period is None:
        raise ImportError_(
            ctx.file,
            "the file does not say which period its figures cover: Google writes it only in "
            "the name of the download ('GMB insights (Performance Report) - 2025-10-1 - "
            "2025-10-31 - ….csv'). Import the file under that name, or put the period in its "
            "name as 'YYYY-MM-DD - YYYY-MM-DD'.",
        )
    skip_description(table)
    seen: dict[str, int] = {}
    noted = False
    for frame in table.frames():
        described = _description_rows(frame, f)
        frame = frame[~described]
        if frame.empty:
            continue
        where = _locations(frame, f, ctx.file)
        if where["code"].isna().any() and not noted:
            noted = True
            ctx.note(
                "some locations have no store code: they are told apart by name and address, "
                "so a changed address starts a new location. Give them store codes in "
                "Business Profile Manager to keep them stable."
            )
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["report"] = REPORT
        out["dimension_key"] = ""
        out["date_start"] = pd.Timestamp(period[0])
        out["date_end"] = pd.Timestamp(period[1])
        add_numbers(out, frame, f, EXTRAS, ctx.file)
        if "labels" in f:
            out["extra:labels"] = text(frame, f["labels"])
        for idx, handle in where["handle"].items():
            row = file_row(frame, idx)
            if handle in seen:
                raise RowInvalid(
                    ctx.file,
                    row,
                    f["store_code"] if where.at[idx, "code"] else f["address"],
                    f"this row repeats the location of row {seen[handle]}.",
                )
            seen[handle] = row
            ref = AccountRef(
                PLATFORM,
                str(handle),
                name=cell(where, idx, "name"),
                external_id=cell(where, idx, "code"),
            )
            yield Chunk("web_days", ref, out.loc[[idx]])
        ctx.note(
            f"figures of {period[0].isoformat()} – {period[1].isoformat()} (from the file "
            "name), one account per location."
        )


FORMAT = ExportFormat(
    name="google_business_profile_performance_csv",
    platform=PLATFORM,
    title=N_("Google Business Profile – performance report per location (CSV)"),
    how_to=N_(
        "business.google.com → Business Profile Manager (your locations) → Download insights "
        "(Performance report) → choose the period → download the CSV; keep the file name, "
        "it holds the period."
    ),
    columns=COLUMNS,
    required=("store_code", "business_name", "address", "directions", "website_clicks"),
    read=read,
    file_pattern=r"gmb insights|performance report|business.?profile",
)
