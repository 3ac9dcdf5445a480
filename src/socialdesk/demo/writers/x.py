"""X exports: the legacy tweet_activity_metrics files (one a month) and the daily Overview.

tweet_activity_metrics_<handle>_<YYYYMMDD>_<YYYYMMDD>_en.csv: no BOM, LF, every field quoted,
text with real line breaks and HTML entities (&amp;), times in UTC as "2026-03-05 13:12 +0000",
counts as floats ("3423.0") in the first columns and integers later, engagement rate a
fraction, promoted columns "-" for organic posts; newest first.
account_overview_analytics.csv: one row per day, zero days included, newest first, dates
"Fri, Mar 21, 2025", minimal quoting.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from socialdesk.demo.fileformats import csv_text, write_text
from socialdesk.demo.organisation import TIMEZONE, export_date, rng_for
from socialdesk.demo.world import World
from socialdesk.demo.writers.base import ID_ALPHABET, ExportFile, records, x_date

TWITTER_EPOCH_MS = 1288834974657
PROMOTED = (
    "promoted impressions",
    "promoted engagements",
    "promoted engagement rate",
    "promoted retweets",
    "promoted replies",
    "promoted likes",
    "promoted user profile clicks",
    "promoted url clicks",
    "promoted hashtag clicks",
    "promoted detail expands",
    "promoted permalink clicks",
    "promoted app opens",
    "promoted app installs",
    "promoted follows",
    "promoted email tweet",
    "promoted dial phone",
    "promoted media views",
    "promoted media engagements",
)
ACTIVITY_HEADER = (
    "Tweet id",
    "Tweet permalink",
    "Tweet text",
    "time",
    "impressions",
    "engagements",
    "engagement rate",
    "retweets",
    "replies",
    "likes",
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
    *PROMOTED,
)
OVERVIEW_HEADER = (
    "Date",
    "Impressions",
    "Likes",
    "Engagements",
    "Bookmarks",
    "Shares",
    "New follows",
    "Unfollows",
    "Replies",
    "Reposts",
    "Profile visits",
    "Create Post",
    "Video views",
    "Media views",
)
ENGAGEMENT_KINDS = (
    "likes",
    "reposts",
    "replies",
    "profile_clicks",
    "site_clicks",
    "hashtag_clicks",
    "detail_expands",
    "permalink_clicks",
    "follows",
    "media_engagements",
)


def snowflake(when_utc: dt.datetime, rng: np.random.Generator) -> str:
    ms = int(when_utc.timestamp() * 1000) - TWITTER_EPOCH_MS
    return str((ms << 22) | int(rng.integers(0, 1 << 22)))


def _tco(rng: np.random.Generator) -> str:
    return "https://t.co/" + "".join(ID_ALPHABET[i] for i in rng.integers(0, len(ID_ALPHABET), 10))


def _tweet_text(text: str, media_type: str, rng: np.random.Generator) -> str:
    """The text as the export holds it: entities escaped, links and media as t.co links."""
    if media_type in ("link", "photo", "video"):
        text = f"{text} {_tco(rng)}"
    return html.escape(text, quote=False)


def _f(value: float) -> str:
    return f"{float(value):.1f}"


def _activity_rows(posts, handle: str, rng: np.random.Generator) -> list[list[str]]:
    zone = ZoneInfo(TIMEZONE)
    rows = []
    for p in records(posts.sort_values("published_at", ascending=False, kind="stable")):
        utc = p.published_at.to_pydatetime().replace(tzinfo=zone).astimezone(dt.UTC)
        tweet_id = snowflake(utc, rng)
        engagements = sum(int(getattr(p, k)) for k in ENGAGEMENT_KINDS)
        rate = engagements / p.exposure if p.exposure else 0.0
        rows.append(
            [
                tweet_id,
                f"https://twitter.com/{handle}/status/{tweet_id}",
                _tweet_text(p.text, p.media_type, rng),
                utc.strftime("%Y-%m-%d %H:%M +0000"),
                _f(p.exposure),
                _f(engagements),
                repr(float(rate)),
                _f(p.reposts),
                _f(p.replies),
                _f(p.likes),
                _f(p.profile_clicks),
                _f(p.site_clicks),
                _f(p.hashtag_clicks),
                _f(p.detail_expands),
                _f(p.permalink_clicks),
                "0",
                "0",
                str(p.follows),
                "0",
                "0",
                str(p.media_views),
                str(p.media_engagements),
                *["-"] * len(PROMOTED),
            ]
        )
    return rows


def write_x_activity(world: World, folder: Path) -> list[ExportFile]:
    """One file a month, downloaded the day after the month ends."""
    posts = world.posts["x"]
    handle = world.org.handle("x")
    rng = rng_for(world.seed, "write:x")
    published = posts["published_at"].dt.date
    files = []
    for first, last in world.period.months():
        upto = export_date("x", first, world.period)
        month = posts[(published >= first) & (published <= last)]
        rows = [list(ACTIVITY_HEADER), *_activity_rows(month, handle, rng)]
        name = f"tweet_activity_metrics_{handle}_{first:%Y%m%d}_{upto:%Y%m%d}_en.csv"
        path = folder / "x" / name
        write_text(path, csv_text(rows, "all"))
        files.append(ExportFile(path, "x", upto, handle))
    return files


def write_x_overview(world: World, folder: Path) -> ExportFile:
    days = world.days["x"]
    rng = rng_for(world.seed, "write:x-overview")
    rows: list[list[str]] = [list(OVERVIEW_HEADER)]
    for i in range(len(days) - 1, -1, -1):
        d = days.iloc[i]
        engagements = sum(int(d[k]) for k in ENGAGEMENT_KINDS)
        rows.append(
            [
                str(v)
                for v in (
                    x_date(world.period.day(i)),
                    d["exposure"],
                    d["likes"],
                    engagements,
                    d["bookmarks"],
                    rng.poisson(d["exposure"] * 0.0004),
                    d["followers_gained"],
                    d["followers_lost"],
                    d["replies"],
                    d["reposts"],
                    d["profile_clicks"],
                    d["posts_published"],
                    rng.binomial(int(d["media_views"]), 0.3),
                    d["media_views"],
                )
            ]
        )
    path = folder / "x" / "account_overview_analytics.csv"
    write_text(path, csv_text(rows, "minimal"))
    return ExportFile(path, "x", world.period.end, world.org.handle("x"))
