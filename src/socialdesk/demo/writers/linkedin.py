"""LinkedIn Page → Analytics → Content → Export: a workbook with "Metrics" and "All posts".

As LinkedIn writes it: row 1 of each sheet is one sentence in A1, row 2 the header; dates are
text MM/DD/YYYY, counts are float cells, CTR and engagement rate are fractions, empty strings
where a figure does not apply, and daily counts can go negative (un-likes). The real export
is a BIFF .xls; we write the .xlsx LinkedIn serves today (same sheets, same cells).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl

from socialdesk.demo.fileformats import fixed_zip, workbook_members
from socialdesk.demo.organisation import TIMEZONE, rng_for
from socialdesk.demo.world import World
from socialdesk.demo.writers.base import ExportFile, records, us_date

METRICS_NOTE = (
    "Aggregated engagement metrics for your organic and sponsored posts over time. Date "
    "indicates when your posts were viewed by LinkedIn members. Data is delayed by up to 2 "
    "days. All dates and times are in UTC."
)
POSTS_NOTE = (
    "Engagement metrics for individual posts. Created date indicates when your post was "
    "created. All dates and times are in UTC."
)
METRICS_HEADER = (
    "Date",
    "Impressions (organic)",
    "Impressions (sponsored)",
    "Impressions (total)",
    "Unique impressions (organic)",
    "Clicks (organic)",
    "Clicks (sponsored)",
    "Clicks (total)",
    "Reactions (organic)",
    "Reactions (sponsored)",
    "Reactions (total)",
    "Comments (organic)",
    "Comments (sponsored)",
    "Comments (total)",
    "Reposts (organic)",
    "Reposts (sponsored)",
    "Reposts (total)",
    "Engagement rate (organic)",
    "Engagement rate (sponsored)",
    "Engagement rate (total)",
)
POSTS_HEADER = (
    "Post title",
    "Post link",
    "Post type",
    "Campaign name",
    "Posted by",
    "Created date",
    "Campaign start date",
    "Campaign end date",
    "Audience",
    "Impressions",
    "Views",
    "Offsite Views",
    "Clicks",
    "Click through rate (CTR)",
    "Likes",
    "Comments",
    "Reposts",
    "Follows",
    "Engagement rate",
    "Content Type",
)
CONTENT_TYPES = {
    "photo": "Image",
    "video": "Video",
    "text": "Text",
    "link": "Article",
    "carousel": "Document",
}
AUTHORS = ("Marieke de Vries", "Joris Bakker", "Fatima El Amrani")


def _activity_id(when: dt.datetime, rng: np.random.Generator) -> str:
    """LinkedIn activity ids carry their creation time in milliseconds above 22 bits."""
    ms = int(when.replace(tzinfo=ZoneInfo(TIMEZONE)).timestamp() * 1000)
    return str((ms << 22) | int(rng.integers(0, 1 << 22)))


def _metrics_rows(world: World, rng: np.random.Generator) -> list[list[object]]:
    days = world.days["linkedin"]
    reactions = days["likes"].to_numpy().copy()
    zero_days = np.flatnonzero(reactions == 0)
    if len(zero_days):
        reactions[rng.choice(zero_days, size=min(3, len(zero_days)), replace=False)] = -1
    rows: list[list[object]] = []
    for i, d in enumerate(records(days)):
        impressions = float(d.exposure)
        clicks = float(d.other_clicks + d.site_clicks)
        engaged = clicks + reactions[i] + d.comments + d.reposts
        rate = engaged / impressions if impressions else 0.0
        rows.append(
            [
                us_date(world.period.day(i)),
                impressions,
                0.0,
                impressions,
                float(rng.binomial(int(impressions), 0.35)),
                clicks,
                0.0,
                clicks,
                float(reactions[i]),
                0.0,
                float(reactions[i]),
                float(d.comments),
                0.0,
                float(d.comments),
                float(d.reposts),
                0.0,
                float(d.reposts),
                rate,
                0.0,
                rate,
            ]
        )
    return rows


def _post_rows(world: World, rng: np.random.Generator) -> list[list[object]]:
    rows: list[list[object]] = []
    posts = world.posts["linkedin"].sort_values("published_at", ascending=False, kind="stable")
    for p in records(posts):
        impressions = float(p.exposure)
        clicks = float(p.other_clicks + p.site_clicks)
        engaged = clicks + p.likes + p.comments + p.reposts
        rows.append(
            [
                p.text,
                f"https://www.linkedin.com/feed/update/urn:li:activity:"
                f"{_activity_id(p.published_at, rng)}",
                "Organic",
                "",
                AUTHORS[int(rng.integers(len(AUTHORS)))],
                us_date(p.published_at.date()),
                "",
                "",
                "All followers",
                impressions,
                float(p.video_views) if p.media_type == "video" else "",
                "",
                clicks,
                clicks / impressions if impressions else 0.0,
                float(p.likes),
                float(p.comments),
                float(p.reposts),
                "",
                engaged / impressions if impressions else 0.0,
                CONTENT_TYPES[p.media_type],
            ]
        )
    return rows


def write_linkedin(world: World, folder: Path) -> ExportFile:
    rng = rng_for(world.seed, "write:linkedin")
    end = world.period.end
    wb = openpyxl.Workbook()
    stamp = dt.datetime.combine(end, dt.time(12, 0))
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "LinkedIn"
    metrics = wb.active
    assert metrics is not None
    metrics.title = "Metrics"
    posts = wb.create_sheet("All posts")
    for sheet, note, header, rows in (
        (metrics, METRICS_NOTE, METRICS_HEADER, _metrics_rows(world, rng)),
        (posts, POSTS_NOTE, POSTS_HEADER, _post_rows(world, rng)),
    ):
        sheet.append([note])
        sheet.append(list(header))
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    epoch_ms = int(dt.datetime.combine(end, dt.time(12, 0), dt.UTC).timestamp() * 1000)
    path = folder / "linkedin" / f"{world.org.slug}_content_{epoch_ms}.xlsx"
    fixed_zip(path, workbook_members(buffer.getvalue(), end), end)
    return ExportFile(path, "linkedin", end, world.org.handle("linkedin"))
