"""Legacy analytics.twitter.com → Tweets → Export data: tweet_activity_metrics (CSV).

Default name `tweet_activity_metrics_<handle>_<YYYYMMDD>_<YYYYMMDD>_en.csv`; figures are
lifetime totals per tweet as of the export (the end date of the name is the snapshot date).

Quirks: no BOM, LF, every field quoted, tweet text with real newlines and HTML entities
(`&amp;`, unescaped here; the web layer escapes again on output); counts are floats
("3423.0") in the first columns and integers later; `engagement rate` is a fraction;
`time` is `YYYY-MM-DD HH:MM +0000`, converted to the workspace time zone; files from before
about November 2015 say `favorites` / `promoted favorites` instead of `likes`.

Canonical meaning: the non-promoted columns count organic activity only. `retweets` are
`shares` (redistribution to one's own followers, like LinkedIn reposts and Facebook
shares), `replies` are `comments`, `user profile clicks` are `profile_visits`, `url clicks`
are `link_clicks`. `media views` count image and video views alike, so they go to
extra:media_views, not video_views. Every `promoted …` figure goes to extra:promoted_<name>
(`-` when the tweet was not promoted is NULL, never 0), and `is_paid` is True when promoted
impressions > 0, False otherwise. The file gives no media type: it stays NULL.

The account is the handle in the file name, else the one in the tweet permalinks, else the
user's --account, else "X account". X handles are case-insensitive: the handle is stored
case-folded, the spelling as written becomes the account name.

The helpers `x_handle`, `handle_from_links` and `x_account` are shared with the other X
importers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import add_numbers, datetimes, ids, number_columns, numbers, text

PLATFORM = "x"
DEFAULT_HANDLE = "X account"

_PLAIN = (
    "impressions",
    "engagements",
    "retweets",
    "replies",
    "user profile clicks",
    "url clicks",
    "hashtag clicks",
    "detail expands",
    "permalink clicks",
    "app opens",
    "app installs",
    "follows",
    "email tweet",
    "dial phone",
    "media views",
    "media engagements",
)


def _key(header: str) -> str:
    return header.replace(" ", "_")


COLUMNS: dict[str, tuple[str, ...]] = {
    "tweet_id": ("Tweet id",),
    "permalink": ("Tweet permalink",),
    "text": ("Tweet text",),
    "time": ("time",),
    "engagement_rate": ("engagement rate",),
    "likes": ("likes", "favorites"),
    **{_key(h): (h,) for h in _PLAIN},
    "promoted_engagement_rate": ("promoted engagement rate",),
    "promoted_likes": ("promoted likes", "promoted favorites"),
    **{f"promoted_{_key(h)}": (f"promoted {h}",) for h in _PLAIN},
}

METRICS = {
    "impressions": "impressions",
    "engagements": "engagements",
    "retweets": "shares",
    "replies": "comments",
    "likes": "likes",
    "user_profile_clicks": "profile_visits",
    "url_clicks": "link_clicks",
    "follows": "follows",
}
EXTRAS = {
    name: f"extra:{name}"
    for name in (
        "hashtag_clicks",
        "detail_expands",
        "permalink_clicks",
        "app_opens",
        "app_installs",
        "email_tweet",
        "dial_phone",
        "media_views",
        "media_engagements",
    )
}
PROMOTED = {name: f"extra:{name}" for name in COLUMNS if name.startswith("promoted_")}
RATES = {"engagement_rate": "extra:engagement_rate"}

TIME_FORMATS = ("%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M")

_HANDLE = re.compile(r"^@?([A-Za-z0-9_]{1,15})$")
_STATUS_LINK = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]{1,15})/status(?:es)?/\d+",
    re.IGNORECASE,
)
_NAME = re.compile(r"^tweet_activity_metrics_([A-Za-z0-9_]{1,15})_\d{8}_\d{8}", re.IGNORECASE)


def x_handle(value: str) -> str:
    """An X handle as stored: without "@", case-folded. Other text is kept as given."""
    value = value.strip()
    m = _HANDLE.match(value)
    return m.group(1).casefold() if m else value


def handle_from_links(links: pd.Series, ctx: ReadContext) -> str | None:
    """The account in `https://x.com/<handle>/status/<id>` links (the most common one)."""
    found = links.dropna().astype(str).str.extract(_STATUS_LINK, expand=False).dropna()
    if found.empty:
        return None
    counts = found.value_counts()
    if len(counts) > 1:
        ctx.note(
            f"the post links name {len(counts)} accounts; all posts were filed under "
            f"@{counts.index[0]}, the most common one."
        )
    return str(counts.index[0])


def x_account(handle: str | None, ctx: ReadContext, how: str) -> AccountRef:
    """The AccountRef for a handle found in the file (`how` says where), else --account,
    else the default, with a note saying which."""
    if handle:
        ref = AccountRef(PLATFORM, x_handle(handle), name=handle)
        if ctx.account and x_handle(ctx.account) != ref.handle:
            ctx.note(f"the file names the account @{handle} ({how}); --account was not used.")
        return ref
    if ctx.account:
        return AccountRef(PLATFORM, x_handle(ctx.account))
    ctx.note(
        f"the file does not name the X account; filed under {DEFAULT_HANDLE!r}. "
        "Import with --account <handle> to file it under the right account."
    )
    return AccountRef(PLATFORM, DEFAULT_HANDLE)


def _handle_from_name(display: str) -> str | None:
    m = _NAME.match(Path(display.rsplit(":", 1)[-1]).name)
    return m.group(1) if m else None


def _account(frame: pd.DataFrame, f: dict[str, str], ctx: ReadContext) -> AccountRef:
    """The handle in the file name, else the one in the tweet links (renamed files)."""
    named = _handle_from_name(ctx.file)
    if named:
        return x_account(named, ctx, "in the file name")
    linked = handle_from_links(text(frame, f["permalink"]), ctx) if "permalink" in f else None
    return x_account(linked, ctx, "in the tweet links")


def _unescape(value: str) -> str:
    if value.count("&") == value.count("&amp;"):  # only &amp; (the common case): one replace
        return value.replace("&amp;", "&")
    return html.unescape(value)


def _unescaped(values: pd.Series) -> pd.Series:
    out = [_unescape(v) if isinstance(v, str) and "&" in v else v for v in values]
    return pd.Series(out, index=values.index, dtype=object)


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    account: AccountRef | None = None
    numeric = number_columns(
        f, METRICS, EXTRAS, PROMOTED, RATES, {"promoted_impressions": "is_paid"}
    )
    for frame in table.frames(numeric=numeric):
        if account is None:
            account = _account(frame, f, ctx)
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["external_id"] = ids(frame, f["tweet_id"], ctx.file)
        out["published_at"] = datetimes(
            frame, f["time"], ctx.file, TIME_FORMATS, to_timezone=ctx.timezone
        )
        if "text" in f:
            out["text"] = _unescaped(text(frame, f["text"]))
        if "permalink" in f:
            out["permalink"] = text(frame, f["permalink"])
        if "promoted_impressions" in f:
            promoted = numbers(frame, f["promoted_impressions"], ctx.file)
            out["is_paid"] = (promoted.fillna(0) > 0).astype(object)
        out["as_of"] = pd.Timestamp(ctx.as_of)
        add_numbers(out, frame, f, METRICS, ctx.file)
        add_numbers(out, frame, f, EXTRAS, ctx.file)
        add_numbers(out, frame, f, PROMOTED, ctx.file, percent=True)
        add_numbers(out, frame, f, RATES, ctx.file, percent=True)
        yield Chunk("posts", account, out)


FORMAT = ExportFormat(
    name="x_tweet_activity_metrics_csv",
    platform=PLATFORM,
    title=N_("X (Twitter) analytics – tweet activity (legacy CSV)"),
    how_to=N_(
        "analytics.twitter.com → Tweets → choose a month → Export data → By Tweet "
        "(the legacy Twitter analytics, available until 2023)."
    ),
    columns=COLUMNS,
    required=("tweet_id", "permalink", "time", "impressions", "engagements"),
    file_pattern=r"tweet_activity_metrics|twitter_activity_metrics",
    read=read,
)
