"""TikTok Studio → Analytics → Viewers → Download data: Viewers.csv (daily unique viewers).

Stored as account days in `extra` (total_viewers, new_viewers, returning_viewers): TikTok's
viewers are unique people per day, which no canonical column holds.

Quirks: every field is quoted, with or without a UTF-8 BOM; `Date` has no year (inferred
against the export date); on days TikTok has not finished counting, Total Viewers is
`undefined` while New and Returning Viewers still say 0. Those zeros are placeholders, not
counts: on such days they become NULL too, and a day with nothing left is skipped (counted,
and said in a note). Extra is replaced as a whole on re-import (see the loader), so this is
the only TikTok file that writes account-day extras.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from socialdesk.importers._tiktok_studio import account_ref, tiktok_dates
from socialdesk.importers.base import N_, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import add_numbers, cleaned

COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("Date",),
    "total_viewers": ("Total Viewers", "Total viewers"),
    "new_viewers": ("New Viewers", "New viewers"),
    "returning_viewers": ("Returning Viewers", "Returning viewers"),
}

EXTRAS = {
    "total_viewers": "extra:total_viewers",
    "new_viewers": "extra:new_viewers",
    "returning_viewers": "extra:returning_viewers",
}


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    account = account_ref(ctx)
    for frame in table.frames():
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["date"] = tiktok_dates(frame, f["date"], ctx, ctx.as_of)
        add_numbers(out, frame, f, EXTRAS, ctx.file)
        undefined = cleaned(frame[f["total_viewers"]]).isna()
        for name in ("extra:new_viewers", "extra:returning_viewers"):
            if name in out:
                out[name] = out[name].mask(undefined & (out[name] == 0))
        empty = out[list(EXTRAS.values())].isna().all(axis=1)
        if undefined.any():
            ctx.note(
                "days whose Total Viewers is 'undefined' (not yet counted by TikTok) are NULL, "
                "and so are their New/Returning Viewers of 0 (placeholders, not zeros); "
                "days with nothing left were skipped."
            )
        kept = out[~empty].reset_index(drop=True)
        yield Chunk("account_days", account, kept, rows_skipped=int(empty.sum()))


FORMAT = ExportFormat(
    name="tiktok_studio_viewers_csv",
    platform="tiktok",
    title=N_("TikTok Studio – Viewers (daily, CSV)"),
    how_to=N_(
        "TikTok Studio → Analytics → Viewers → choose a period → Download data → CSV; "
        "import the zip or the Viewers.csv inside it."
    ),
    columns=COLUMNS,
    required=("date", "total_viewers", "new_viewers", "returning_viewers"),
    file_pattern=r"viewers",
    read=read,
)
