"""LinkedIn Page → Analytics → Content → Export: a workbook with "Metrics" and "All posts";
Analytics → Followers → Export: "New followers" per day and five demographic sheets.

As LinkedIn writes it: row 1 of each sheet is one sentence in A1, row 2 the header; dates are
text MM/DD/YYYY, counts are float cells, CTR and engagement rate are fractions, empty strings
where a figure does not apply, and daily counts can go negative (un-likes). The real export
is a BIFF .xls; we write the .xlsx LinkedIn serves today (same sheets, same cells).

The followers export gives the new followers per day (sponsored, organic, auto-invited and
their sum, headed "Total followers"), never the page's follower count or its unfollows: the
demo keeps that, so LinkedIn shows followers gained only. The demographic sheets hold the
followers as of the export; Location lists only the top places, so it adds up to less than
all followers. The sentences in row 1 of the followers sheets are ASSUMED (no real file seen).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
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


Sheet = tuple[str, str, Sequence[str], list[list[object]]]  # name, note, header, rows


def _workbook(world: World, folder: Path, kind: str, sheets: Sequence[Sheet]) -> ExportFile:
    """`<company>_<kind>_<epoch ms>.xlsx`, downloaded at noon UTC on the period's last day."""
    end = world.period.end
    wb = openpyxl.Workbook()
    stamp = dt.datetime.combine(end, dt.time(12, 0))
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "LinkedIn"
    first = wb.active
    assert first is not None
    for i, (name, note, header, rows) in enumerate(sheets):
        sheet = first if i == 0 else wb.create_sheet(name)
        sheet.title = name
        sheet.append([note])
        sheet.append(list(header))
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    epoch_ms = int(dt.datetime.combine(end, dt.time(12, 0), dt.UTC).timestamp() * 1000)
    path = folder / "linkedin" / f"{world.org.slug}_{kind}_{epoch_ms}.xlsx"
    fixed_zip(path, workbook_members(buffer.getvalue(), end), end)
    return ExportFile(path, "linkedin", end, world.org.handle("linkedin"))


def write_linkedin(world: World, folder: Path) -> ExportFile:
    rng = rng_for(world.seed, "write:linkedin")
    return _workbook(
        world,
        folder,
        "content",
        (
            ("Metrics", METRICS_NOTE, METRICS_HEADER, _metrics_rows(world, rng)),
            ("All posts", POSTS_NOTE, POSTS_HEADER, _post_rows(world, rng)),
        ),
    )


FOLLOWERS_NOTE = "New followers of your page per day. All dates are in UTC."  # ASSUMED
DEMOGRAPHIC_NOTE = "Your followers by {what}, as of the export."  # ASSUMED
FOLLOWERS_HEADER = (
    "Date",
    "Sponsored followers",
    "Organic followers",
    "Auto-invited followers",
    "Total followers",
)
AUTO_INVITED = 0.08  # share of new followers who came through an invitation
# sheet -> (first header, buckets and their share of all followers); the rest left the
# field empty or (Location) lives outside the top places
DEMOGRAPHICS: dict[str, tuple[str, tuple[tuple[str, float], ...]]] = {
    "Location": (
        "Location",
        (
            ("Amsterdam", 0.21),
            ("Utrecht", 0.14),
            ("Rotterdam", 0.1),
            ("The Hague", 0.07),
            ("Arnhem", 0.05),
            ("Eindhoven", 0.04),
            ("Groningen", 0.03),
            ("Antwerp", 0.02),
        ),
    ),
    "Job function": (
        "Job function",
        (
            ("Community and Social Services", 0.17),
            ("Operations", 0.12),
            ("Marketing", 0.11),
            ("Education", 0.1),
            ("Engineering", 0.09),
            ("Business Development", 0.08),
            ("Arts and Design", 0.07),
            ("Research", 0.06),
            ("Administrative", 0.05),
            ("Sales", 0.05),
        ),
    ),
    "Seniority": (
        "Seniority",
        (
            ("Senior", 0.27),
            ("Entry", 0.24),
            ("Manager", 0.13),
            ("Director", 0.07),
            ("Owner", 0.06),
            ("Training", 0.05),
            ("VP", 0.02),
            ("CXO", 0.02),
            ("Partner", 0.01),
            ("Unpaid", 0.02),
        ),
    ),
    "Industry": (
        "Industry",
        (
            ("Non-profit Organizations", 0.16),
            ("Environmental Services", 0.13),
            ("Construction", 0.09),
            ("Architecture and Planning", 0.08),
            ("Government Administration", 0.08),
            ("Higher Education", 0.07),
            ("Renewable Energy", 0.05),
            ("Real Estate", 0.05),
            ("Farming", 0.04),
            ("Retail", 0.03),
        ),
    ),
    "Company size": (
        "Company size",
        (
            ("1", 0.06),
            ("2-10", 0.14),
            ("11-50", 0.16),
            ("51-200", 0.15),
            ("201-500", 0.1),
            ("501-1000", 0.07),
            ("1001-5000", 0.1),
            ("5001-10,000", 0.05),
            ("10,001+", 0.09),
        ),
    ),
}


def _new_follower_rows(world: World, rng: np.random.Generator) -> list[list[object]]:
    gained = world.days["linkedin"]["followers_gained"].to_numpy()
    auto = rng.binomial(gained, AUTO_INVITED)
    return [
        [
            us_date(world.period.day(i)),
            0.0,  # the demo runs no LinkedIn ads
            float(gained[i] - auto[i]),
            float(auto[i]),
            float(gained[i]),
        ]
        for i in range(len(gained))
    ]


def _demographic_sheets(world: World, rng: np.random.Generator) -> list[Sheet]:
    followers = int(world.days["linkedin"]["followers"].to_numpy()[-1])
    sheets: list[Sheet] = []
    for name, (header, buckets) in DEMOGRAPHICS.items():
        shares = np.array([share for _, share in buckets])
        drawn = rng.dirichlet(np.append(shares, max(1 - shares.sum(), 0.01)) * 300)
        counts = rng.multinomial(followers, drawn)[:-1]  # the last: outside the listed buckets
        order = np.argsort(-counts, kind="stable")  # LinkedIn lists the largest first
        rows: list[list[object]] = [[buckets[j][0], float(counts[j])] for j in order]
        note = DEMOGRAPHIC_NOTE.format(what=name.lower())
        sheets.append((name, note, (header, "Total followers"), rows))
    return sheets


def write_linkedin_followers(world: World, folder: Path) -> ExportFile:
    """Analytics → Followers → Export: new followers per day and who the followers are."""
    rng = rng_for(world.seed, "write:linkedin-followers")
    new = ("New followers", FOLLOWERS_NOTE, FOLLOWERS_HEADER, _new_follower_rows(world, rng))
    return _workbook(world, folder, "followers", (new, *_demographic_sheets(world, rng)))
