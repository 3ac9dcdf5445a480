"""X Premium analytics → Overview → Export: account_overview_analytics.csv (daily figures).

Quirks: one row per day, newest first, zero days included (a zero there is a real zero);
`Date` is "Fri, Mar 21, 2025" (quoted, it holds commas). The file does not name the
account. X builds the headers from translated strings and writes the date in the UI
language: Dutch, German, French and Spanish headers and dates are read too (our
translations, see _x_headers; only the English ones are confirmed).

Canonical meaning, kept the same as in the X content importer: `Reposts` are `shares`
(redistribution to one's own followers, like LinkedIn reposts and Facebook shares), while
X's own `Shares` (sending a post by DM, copying its link, sharing it off X) go to
extra:shares_sent; `Replies` are `comments`; `New follows` are `followers_gained` and
`Unfollows` are `followers_lost`; `Profile visits` are `profile_views`; `Create Post` is
`posts_published`; `Video views` are `video_views`. `Bookmarks` and `Media views` (images
and videos together) have no daily column and go to extra.

The account is the user's --account, else a handle in a renamed file's name, else
"X account" (say --account to file it with the posts of the same account).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from socialdesk.importers._x_headers import spellings, x_dates
from socialdesk.importers.base import N_, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import add_numbers
from socialdesk.importers.x_account_analytics_content_csv import DATE_FORMATS, account_for
from socialdesk.importers.x_tweet_activity_metrics_csv import PLATFORM

# Every spelling of each column, English first, then X's other UI languages (see _x_headers).
COLUMNS: dict[str, tuple[str, ...]] = {
    key: spellings(key)
    for key in (
        "date",
        "impressions",
        "likes",
        "engagements",
        "bookmarks",
        "shares",
        "new_follows",
        "unfollows",
        "replies",
        "reposts",
        "profile_visits",
        "create_post",
        "video_views",
        "media_views",
        "post_id",  # only to rule out the content export
    )
}

METRICS = {
    "impressions": "impressions",
    "likes": "likes",
    "engagements": "engagements",
    "new_follows": "followers_gained",
    "unfollows": "followers_lost",
    "replies": "comments",
    "reposts": "shares",
    "profile_visits": "profile_views",
    "create_post": "posts_published",
    "video_views": "video_views",
}
EXTRAS = {
    "bookmarks": "extra:bookmarks",
    "shares": "extra:shares_sent",
    "media_views": "extra:media_views",
}


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    account = account_for(None, ctx)
    for frame in table.frames():
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["date"] = x_dates(frame, f["date"], ctx.file, DATE_FORMATS)
        add_numbers(out, frame, f, METRICS, ctx.file)
        add_numbers(out, frame, f, EXTRAS, ctx.file)
        yield Chunk("account_days", account, out)


FORMAT = ExportFormat(
    name="x_account_overview_csv",
    platform=PLATFORM,
    title=N_("X analytics – account overview (daily, CSV)"),
    how_to=N_("x.com → Premium → Analytics → Overview → choose a period → Export data."),
    columns=COLUMNS,
    required=("date", "impressions", "new_follows", "unfollows"),
    forbidden=("post_id",),
    file_pattern=r"account_overview_analytics",
    read=read,
)
