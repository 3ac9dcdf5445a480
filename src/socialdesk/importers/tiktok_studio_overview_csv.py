"""TikTok Studio → Analytics → Overview → Download data: Overview.csv (daily account figures).

Quirks: every field is quoted (numbers too), with or without a UTF-8 BOM; `Date` is a day
and a month in the UI language with no year ("May 16", "16 mei"), inferred against the
export date; `undefined` marks days TikTok has not finished counting (NULL, never 0; a day
that is all `undefined` is skipped, counted and noted); daily comments can be -1 (a deleted
comment) and are kept as written. The file does not name the account.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from socialdesk.importers._tiktok_studio import account_ref, tiktok_dates
from socialdesk.importers.base import N_, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import add_numbers

COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("Date",),
    "video_views": ("Video Views", "Video views"),
    "profile_views": ("Profile Views", "Profile views"),
    "likes": ("Likes",),
    "comments": ("Comments",),
    "shares": ("Shares",),
}

METRICS = {
    "video_views": "video_views",
    "profile_views": "profile_views",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
}


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    account = account_ref(ctx)
    for frame in table.frames():
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["date"] = tiktok_dates(frame, f["date"], ctx, ctx.as_of)
        add_numbers(out, frame, f, METRICS, ctx.file)
        if "comments" in out and (out["comments"] < 0).any():
            ctx.note("some days have negative comments (deleted comments): kept as written.")
        empty = out[[c for c in METRICS.values() if c in out]].isna().all(axis=1)
        if empty.any():
            ctx.note("days that are all 'undefined' (not yet counted by TikTok) were skipped.")
        kept = out[~empty].reset_index(drop=True)
        yield Chunk("account_days", account, kept, rows_skipped=int(empty.sum()))


FORMAT = ExportFormat(
    name="tiktok_studio_overview_csv",
    platform="tiktok",
    title=N_("TikTok Studio – Overview (daily, CSV)"),
    how_to=N_(
        "TikTok Studio → Analytics → Overview → choose a period → Download data → CSV; "
        "import the zip or the Overview.csv inside it."
    ),
    columns=COLUMNS,
    required=("date", "video_views", "profile_views", "likes", "comments", "shares"),
    file_pattern=r"overview",
    read=read,
)
