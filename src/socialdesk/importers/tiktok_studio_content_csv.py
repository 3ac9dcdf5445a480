"""TikTok Studio → Analytics → Content → Download data: Content.csv (per-video totals).

Figures are lifetime totals of each video as of the snapshot day in `Time`.

Quirks: every field is quoted, BOM or not; there is no video id column, so the id is taken
from `Video link` (…/@handle/video/<id>); `Time` (the snapshot day) and `Post time` (the
publish day) are a day and a month in the UI language with no year and no time of day. The
snapshot's year is inferred against the export date. The publish time is read from the video
id instead, whose top 32 bits are its creation time in Unix seconds (exact to the second, and
right about the year even for videos more than a year old); it is converted to the account's
time zone and used when it agrees with `Post time` within a day (the UI shows the day in the
viewer's time zone). Otherwise the publish day is `Post time` with its year inferred against
the snapshot, so a video posted on 28 December and counted on 3 January lands in the year
before. The file holds only the ~15 most recent or top videos; `Video title` is the caption.
Posts are videos (photo-mode links, …/photo/<id>, are carousels). The account is not named as
such; the handle in the links is pointed out in a note.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pandas as pd

from socialdesk.importers._tiktok_studio import DEFAULT_HANDLE, account_ref, fail, tiktok_dates
from socialdesk.importers.base import N_, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import add_numbers, cleaned, text

COLUMNS: dict[str, tuple[str, ...]] = {
    "time": ("Time",),
    "video_title": ("Video title", "Video Title"),
    "video_link": ("Video link", "Video Link"),
    "post_time": ("Post time", "Post Time"),
    "likes": ("Total likes", "Total Likes"),
    "comments": ("Total comments", "Total Comments"),
    "shares": ("Total shares", "Total Shares"),
    "views": ("Total views", "Total Views"),
}

# TikTok's views are video plays: they fill both the cross-platform `views` and `video_views`.
METRICS = {"likes": "likes", "comments": "comments", "shares": "shares", "views": "views"}

_LINK = re.compile(
    r"tiktok\.com/(?:@(?P<handle>[^/?#]+)/)?(?P<kind>video|photo)/(?P<id>\d+)", re.IGNORECASE
)
MEDIA_TYPES = {"video": "video", "photo": "carousel"}  # photo mode = a swipeable set of images
TIKTOK_LAUNCH = pd.Timestamp("2016-09-01")


def _parse_links(frame: pd.DataFrame, column: str, file: str) -> pd.DataFrame:
    """Columns id, kind (video/photo) and handle parsed from the links; a bad link is refused."""
    found = cleaned(frame[column]).str.extract(_LINK)
    bad = found["id"].isna()
    if bad.any():
        fail(frame, bad, file, column, "{value!r} is not a TikTok video link (…/video/<id>).")
    return found


def _note_handles(handles: set[str], ctx: ReadContext) -> None:
    if not handles:
        return
    shown = ", ".join(f"@{h}" for h in sorted(handles))
    if ctx.account is None:
        ctx.note(
            f"the video links belong to {shown}; stored under {DEFAULT_HANDLE!r} like the other "
            f"TikTok Studio files. Import with --account @{sorted(handles)[0]} to name the account."
        )
    elif ctx.account.lstrip("@").casefold() not in {h.casefold() for h in handles}:
        ctx.note(f"the video links belong to {shown}, not to --account {ctx.account!r}: check it.")


def id_times(ids: pd.Series, timezone: str) -> pd.Series:
    """Creation times carried by TikTok ids (top 32 bits = Unix seconds), as naive wall-clock
    time in `timezone`; NaT where the result is implausible (before TikTok existed)."""
    seconds = pd.Series([int(i) >> 32 for i in ids], index=ids.index, dtype="int64")
    utc = pd.to_datetime(seconds, unit="s", utc=True)
    stamps = utc.dt.tz_convert(timezone).dt.tz_localize(None)
    return stamps.where(stamps >= TIKTOK_LAUNCH)


def _agrees(stamp: pd.Timestamp, day: pd.Timestamp) -> bool:
    """Whether `day`'s month and day fall within a day of `stamp` (any year)."""
    if pd.isna(stamp):
        return False
    if pd.isna(day):
        return True
    for year in (stamp.year - 1, stamp.year, stamp.year + 1):
        try:
            candidate = dt.date(year, day.month, day.day)
        except ValueError:
            continue
        if abs((candidate - stamp.date()).days) <= 1:
            return True
    return False


def _published(
    frame: pd.DataFrame, column: str, ids: pd.Series, snapshots: pd.Series, ctx: ReadContext
) -> pd.Series:
    """Publish times: from the id where it agrees with `Post time`, else the inferred day."""
    days = tiktok_dates(frame, column, ctx, snapshots, required=False, note=False)
    stamps = id_times(ids, ctx.timezone)
    use_id = pd.Series([_agrees(s, d) for s, d in zip(stamps, days, strict=True)], index=ids.index)
    if use_id.any():
        ctx.note(f"publish times are read from the video ids (to the second, in {ctx.timezone}).")
    fallback = ~use_id & days.notna()
    if fallback.any():
        ctx.note(
            f"{int(fallback.sum())} video(s): the id disagrees with 'Post time', so the publish "
            "day is 'Post time' with its year inferred (the latest such day on or before the "
            "snapshot) and no time of day."
        )
    late = use_id & (stamps.dt.normalize() > snapshots + pd.Timedelta(days=1))
    if late.any():
        ctx.note("some videos were published after the snapshot day 'Time': check --as-of.")
    return stamps.where(use_id, days)


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    account = account_ref(ctx)
    for frame in table.frames():
        links = _parse_links(frame, f["video_link"], ctx.file)
        _note_handles({h for h in links["handle"].dropna() if h}, ctx)
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["external_id"] = links["id"].astype(object)
        out["as_of"] = tiktok_dates(frame, f["time"], ctx, ctx.as_of)
        out["published_at"] = _published(
            frame, f["post_time"], out["external_id"], out["as_of"], ctx
        )
        out["permalink"] = cleaned(frame[f["video_link"]]).astype(object)
        if "video_title" in f:
            out["text"] = text(frame, f["video_title"])
        out["media_type"] = links["kind"].str.casefold().map(MEDIA_TYPES)
        add_numbers(out, frame, f, METRICS, ctx.file)
        if "views" in out:
            out["video_views"] = out["views"]
        yield Chunk("posts", account, out)


FORMAT = ExportFormat(
    name="tiktok_studio_content_csv",
    platform="tiktok",
    title=N_("TikTok Studio – Content (per-video totals, CSV)"),
    how_to=N_(
        "TikTok Studio → Analytics → Content → Download data → CSV; import the zip or the "
        "Content.csv inside it."
    ),
    columns=COLUMNS,
    required=("time", "video_link", "post_time"),
    file_pattern=r"content",
    read=read,
)
