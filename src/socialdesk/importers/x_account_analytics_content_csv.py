"""X Premium analytics → Content → Export: account_analytics_content_<from>_<to>.csv.

Figures are lifetime totals per post as of the export (the end date of the name is the
snapshot date).

Quirks: no BOM, LF, only fields that need it are quoted; newlines in posts are flattened to
spaces and the text is cut at about 280 characters; rows are not sorted. `Date` is a day
without a time ("Sat, Aug 22, 2026"), so the publish time is recovered from the snowflake
post id: (id >> 22) + 1288834974657 is the creation time in ms since the Unix epoch (UTC),
converted to the workspace time zone. A `Date` more than a day away from the id's own date
means the row is damaged and is refused. X builds the headers from translated strings and
writes the date in the UI language: Dutch, German, French and Spanish headers and dates are
read too (our translations, see _x_headers; only the English ones are confirmed).

Canonical meaning (the same in the other X importers): `Reposts` are `shares`
(redistribution to one's own followers, like LinkedIn reposts and Facebook shares); X's own
`Shares` (sending a post by DM, copying its link, sharing it off X) go to extra:shares_sent;
`Replies` are `comments`; `Bookmarks` are `saves`; `New follows` are `follows`; `Profile
visits` are `profile_visits`; `URL Clicks` are `link_clicks`; detail expands, hashtag and
permalink clicks go to extra. No media type is given: it stays NULL.

The account is the handle in the post links, else the user's --account, else a handle in a
renamed file's name (`maurojpelle-2026-05-25-to-2026-08-22.csv`), else "X account".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers._x_headers import spellings, x_dates
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import add_numbers, file_row, ids, text
from socialdesk.importers.x_tweet_activity_metrics_csv import (
    PLATFORM,
    handle_from_links,
    x_account,
    x_handle,
)

# Every spelling of each column, English first, then X's other UI languages (see _x_headers).
COLUMNS: dict[str, tuple[str, ...]] = {
    key: spellings(key)
    for key in (
        "post_id",
        "date",
        "text",
        "link",
        "impressions",
        "likes",
        "engagements",
        "bookmarks",
        "shares",
        "new_follows",
        "replies",
        "reposts",
        "profile_visits",
        "detail_expands",
        "url_clicks",
        "hashtag_clicks",
        "permalink_clicks",
    )
}

METRICS = {
    "impressions": "impressions",
    "likes": "likes",
    "engagements": "engagements",
    "bookmarks": "saves",
    "new_follows": "follows",
    "replies": "comments",
    "reposts": "shares",
    "profile_visits": "profile_visits",
    "url_clicks": "link_clicks",
}
EXTRAS = {
    "shares": "extra:shares_sent",
    "detail_expands": "extra:detail_expands",
    "hashtag_clicks": "extra:hashtag_clicks",
    "permalink_clicks": "extra:permalink_clicks",
}

DATE_FORMATS = ("%a, %b %d, %Y", "%b %d, %Y", "%Y-%m-%d")
TWITTER_EPOCH_MS = 1288834974657

_DATES = re.compile(r"(?<!\d)\d{4}-?\d{2}-?\d{2}(?!\d)")
_STEMS = re.compile(r"account_(?:overview_)?analytics(?:_content)?", re.IGNORECASE)
_TO = re.compile(r"(?:^|(?<=[-_\s.]))to(?=[-_\s.]|$)", re.IGNORECASE)


def handle_from_name(display: str) -> str | None:
    """A handle a user left in a renamed export's name, e.g. `maurojpelle-2026-05-25-to-
    2026-08-22.csv` or `@acme account_overview_analytics.csv`; None for X's default names."""
    stem = Path(display.rsplit(":", 1)[-1]).stem
    stem = re.sub(r"\s*\(\d+\)$", "", stem)  # a browser's "(1)" for a second download
    stem = _TO.sub(" ", _DATES.sub(" ", _STEMS.sub(" ", stem)))
    tokens = [t.strip("_") for t in re.split(r"[-\s.]+", stem)]
    tokens = [t for t in tokens if t]
    if len(tokens) != 1 or tokens[0].lstrip("@").isdigit():
        return None
    handle = tokens[0]
    return handle.lstrip("@") if re.fullmatch(r"@?[A-Za-z0-9_]{1,15}", handle) else None


def account_for(linked: str | None, ctx: ReadContext) -> AccountRef:
    """Links in the file first, then --account, then the file name, then the default."""
    if linked or ctx.account:
        return x_account(linked, ctx, "in the post links")
    named = handle_from_name(ctx.file)
    if named:
        ctx.note(f"the account @{named} was taken from the file name.")
        return AccountRef(PLATFORM, x_handle(named), name=named)
    return x_account(None, ctx, "")


def snowflake_times(post_ids: pd.Series, timezone: str) -> pd.Series:
    """Creation times of X posts from their snowflake ids, as naive wall-clock time."""
    ms = [(int(v) >> 22) + TWITTER_EPOCH_MS for v in post_ids]
    utc = pd.to_datetime(pd.Series(ms, index=post_ids.index, dtype="int64"), unit="ms", utc=True)
    return utc.dt.tz_convert(timezone).dt.tz_localize(None).dt.floor("s")


def _check_dates(
    frame: pd.DataFrame, column: str, file: str, day: pd.Series, published: pd.Series
) -> None:
    """The export's day and the id's own day may differ by the time zone, never by more."""
    gap = (published.dt.normalize() - day).abs()
    bad = day.notna() & (gap > pd.Timedelta(days=1))
    if bad.any():
        idx = bad[bad].index[0]
        raise RowInvalid(
            file,
            file_row(frame, idx),
            column,
            f"{frame.at[idx, column]!r} does not match the post id, which was created on "
            f"{published[idx].date().isoformat()}; the row looks damaged.",
        )


def _require_digits(frame: pd.DataFrame, column: str, values: pd.Series, file: str) -> None:
    bad = ~values.astype(str).str.fullmatch(r"\d{1,19}")
    if bad.any():
        idx = bad[bad].index[0]
        raise RowInvalid(
            file,
            file_row(frame, idx),
            column,
            f"{frame.at[idx, column]!r} is not an X post id (digits only).",
        )


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    account: AccountRef | None = None
    for frame in table.frames():
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        links = text(frame, f["link"])
        if account is None:
            account = account_for(handle_from_links(links, ctx), ctx)
        out["external_id"] = ids(frame, f["post_id"], ctx.file)
        _require_digits(frame, f["post_id"], out["external_id"], ctx.file)
        day = x_dates(frame, f["date"], ctx.file, DATE_FORMATS)
        out["published_at"] = snowflake_times(out["external_id"], ctx.timezone)
        _check_dates(frame, f["date"], ctx.file, day, out["published_at"])
        if "text" in f:
            out["text"] = text(frame, f["text"])
        out["permalink"] = links
        out["as_of"] = pd.Timestamp(ctx.as_of)
        add_numbers(out, frame, f, METRICS, ctx.file)
        add_numbers(out, frame, f, EXTRAS, ctx.file)
        yield Chunk("posts", account, out)


FORMAT = ExportFormat(
    name="x_account_analytics_content_csv",
    platform=PLATFORM,
    title=N_("X analytics – content (posts, CSV)"),
    how_to=N_("x.com → Premium → Analytics → Content → choose a period → Export data."),
    columns=COLUMNS,
    required=("post_id", "date", "link", "impressions"),
    file_pattern=r"account_analytics_content",
    read=read,
)
