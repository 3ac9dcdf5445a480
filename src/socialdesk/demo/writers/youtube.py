"""YouTube Studio → Analytics → Advanced mode → Content → Export → CSV: a zip with
"Table data.csv", "Chart data.csv" and "Totals.csv".

No BOM, LF, minimal quoting. Table data starts with a "Total" row; publish time is
"Aug 12, 2024"; durations in seconds; average view duration H:MM:SS; percentages 0-100
under "(%)" headers; 2025+ names ("Thumbnail impressions"). Chart data is long: one row per
day per video for the chart's metric (Views); Totals is the channel's daily views.

Studio's Totals hold only the chart's metric, so the channel's subscribers gained and lost
per day come from two more exports of the same report with the chart switched to those
metrics (write_youtube_subscribers). Studio gives no subscriber count per day: YouTube shows
subscribers gained and lost only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from socialdesk.demo.fileformats import csv_text, fixed_zip, trimmed
from socialdesk.demo.organic import decay_weights
from socialdesk.demo.organisation import rng_for
from socialdesk.demo.world import World
from socialdesk.demo.writers.base import YT_ALPHABET, ExportFile, records, youtube_date

TABLE_HEADER = (
    "Content",
    "Video title",
    "Video publish time",
    "Duration",
    "Average percentage viewed (%)",
    "Engaged views",
    "Views",
    "Watch time (hours)",
    "Subscribers",
    "Likes",
    "Comments added",
    "Shares",
    "Average view duration",
    "Thumbnail impressions",
    "Thumbnail click-through rate (%)",
)
CHART_ITEMS = 5  # videos Studio draws in a chart: the top ones by its metric (ASSUMED)
CHART_HEADER = ("Date", "Content", "Video title", "Video publish time", "Duration", "Views")


def hms(seconds: float) -> str:
    s = int(f"{seconds:.0f}")
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _video_ids(rng: np.random.Generator, n: int) -> list[str]:
    ids: list[str] = []
    while len(ids) < n:
        vid = "".join(YT_ALPHABET[i] for i in rng.integers(0, 64, 11))
        if vid not in ids:
            ids.append(vid)
    return ids


def _table(world: World, rng: np.random.Generator) -> tuple[pd.DataFrame, list[list[str]]]:
    posts = world.posts["youtube"].sort_values("published_at", ascending=False, kind="stable")
    posts = posts.reset_index(drop=True)
    n = len(posts)
    short = (posts["media_type"] == "reel").to_numpy()
    pct = np.where(short, rng.uniform(70, 98, n), rng.uniform(22, 55, n))
    views = posts["exposure"].to_numpy()
    watch_hours = views * posts["duration"].to_numpy() * pct / 100 / 3600
    ctr = rng.uniform(2.5, 9.0, n)
    impressions = np.round(views / (ctr / 100) * 0.6).astype(np.int64)
    posts = posts.assign(
        video_id=_video_ids(rng, n),
        pct=pct,
        watch_hours=watch_hours,
        impressions=impressions,
        engaged=rng.binomial(views, 0.82),
    )
    total_views = int(views.sum())
    total_impr = int(impressions.sum())
    rows = [
        list(TABLE_HEADER),
        [
            "Total",
            "",
            "",
            "",
            trimmed(float(np.average(pct, weights=np.maximum(views, 1))), 2),
            str(int(posts["engaged"].sum())),
            str(total_views),
            trimmed(float(watch_hours.sum()), 4),
            str(int(posts["subscribers"].sum())),
            str(int(posts["likes"].sum())),
            str(int(posts["comments"].sum())),
            str(int(posts["shares"].sum())),
            hms(watch_hours.sum() * 3600 / total_views if total_views else 0),
            str(total_impr),
            trimmed(total_views * 0.6 / total_impr * 100 if total_impr else 0, 2),
        ],
    ]
    for p in records(posts):
        rows.append(
            [
                p.video_id,
                p.title,
                youtube_date(p.published_at.date()),
                str(p.duration),
                trimmed(p.pct, 2),
                str(p.engaged),
                str(p.exposure),
                trimmed(p.watch_hours, 4),
                str(p.subscribers),
                str(p.likes),
                str(p.comments),
                str(p.shares),
                hms(p.duration * p.pct / 100),
                str(p.impressions),
                trimmed(p.exposure * 0.6 / p.impressions * 100 if p.impressions else 0, 2),
            ]
        )
    return posts, rows


def _chart(
    world: World,
    posts: pd.DataFrame,
    rng: np.random.Generator,
    metric: str = "Views",
    totals: np.ndarray | None = None,
) -> list[list[str]]:
    """One row per video per day since its publication: each video's `totals` (its views
    unless given) spread over the days after it, the chart's metric in the last column."""
    weights = decay_weights(world.effects["youtube"].spec.half_life)
    rows = [[*CHART_HEADER[:-1], metric]]
    end = world.period.end
    values = posts["exposure"].to_numpy() if totals is None else totals
    for p, total in zip(records(posts), values, strict=True):
        first = p.published_at.date()
        span = (end - first).days + 1
        w = np.zeros(span)
        m = min(span, len(weights))
        w[:m] = weights[:m]
        w /= w.sum()
        daily = rng.multinomial(int(total), w)
        published = youtube_date(first)
        for j in range(span):
            day = first + dt.timedelta(days=j)
            rows.append(
                [day.isoformat(), p.video_id, p.title, published, str(p.duration), str(daily[j])]
            )
    return rows


def _zip_name(world: World, copy: int = 0) -> str:
    """Studio names the zip after the report, period and channel; the browser adds " (1)"
    to a second download of the same name."""
    start, end = world.period.start, world.period.end
    suffix = f" ({copy})" if copy else ""
    return f"Content {start:%Y-%m-%d}_{end:%Y-%m-%d} {world.org.handle('youtube')}{suffix}.zip"


def _write_zip(
    world: World, folder: Path, name: str, members: list[tuple[str, list[list[str]]]]
) -> ExportFile:
    path = folder / "youtube" / name
    data = [(member, csv_text(rows, "minimal").encode("utf-8")) for member, rows in members]
    fixed_zip(path, data, world.period.end)
    return ExportFile(path, "youtube", world.period.end, world.org.handle("youtube"))


def write_youtube(world: World, folder: Path) -> ExportFile:
    rng = rng_for(world.seed, "write:youtube")
    posts, table = _table(world, rng)
    chart = _chart(world, posts, rng)
    days = world.days["youtube"]
    totals = [["Date", "Views"]] + [
        [world.period.day(i).isoformat(), str(v)] for i, v in enumerate(days["exposure"])
    ]
    members = [("Table data.csv", table), ("Chart data.csv", chart), ("Totals.csv", totals)]
    return _write_zip(world, folder, _zip_name(world), members)


def write_youtube_subscribers(world: World, folder: Path) -> list[ExportFile]:
    """The same report exported twice more, with the chart switched to "Subscribers gained"
    and then to "Subscribers lost": Table data is the same file again (imported once),
    Chart data the videos' subscribers per day, Totals the channel's per day (which include
    subscribers won on the channel page, not through a video). Studio draws the top
    CHART_ITEMS videos in the chart, so Chart data holds only those."""
    posts, table = _table(world, rng_for(world.seed, "write:youtube"))  # the same table
    rng = rng_for(world.seed, "write:youtube-subscribers")
    net = posts["subscribers"].to_numpy()
    lost = rng.poisson(0.12 * net)
    days = world.days["youtube"]
    out = []
    for copy, (metric, per_video, column) in enumerate(
        (
            ("Subscribers gained", net + lost, "followers_gained"),
            ("Subscribers lost", lost, "followers_lost"),
        ),
        start=1,
    ):
        top = np.sort(np.argsort(-per_video, kind="stable")[:CHART_ITEMS])
        chart = _chart(world, posts.iloc[top], rng, metric, per_video[top])
        totals = [["Date", metric]] + [
            [world.period.day(i).isoformat(), str(v)] for i, v in enumerate(days[column])
        ]
        members = [("Table data.csv", table), ("Chart data.csv", chart), ("Totals.csv", totals)]
        out.append(_write_zip(world, folder, _zip_name(world, copy), members))
    return out
