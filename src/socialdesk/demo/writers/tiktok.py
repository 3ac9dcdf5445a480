"""TikTok Studio → Analytics → Download data: zips of CSVs, as TikTok writes them.

UTF-8 with a BOM, every field quoted (numbers too), dates without a year in the UI language
("May 16"). Content.csv holds only the recent videos, so the manager downloads it at the end
of every month ("Time" is that day, "Post time" the publish day, no id column: the id is in
the link). Overview, FollowerHistory and Viewers cover the last 365 days; FollowerActivity
the last 7 days by hour (hours after the download zero-filled), FollowerGender and
FollowerTopTerritories the audience as fractions ("Others" bucket). Quirks kept:
"Difference in followers from previous day" is really next day minus this day, a day's
comments can be -1 (deleted comments), and the last, incomplete day of Viewers says
"undefined".
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from socialdesk.demo.fileformats import csv_text, fixed_zip, trimmed
from socialdesk.demo.organisation import TIMEZONE, export_date, rng_for
from socialdesk.demo.world import World
from socialdesk.demo.writers.base import ExportFile, month_day, records

CONTENT_HEADER = (
    "Time",
    "Video title",
    "Video link",
    "Post time",
    "Total likes",
    "Total comments",
    "Total shares",
    "Total views",
)
OVERVIEW_HEADER = ("Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares")
FOLLOWERS_HEADER = ("Date", "Followers", "Difference in followers from previous day")
VIEWERS_HEADER = ("Date", "Total Viewers", "New Viewers", "Returning Viewers")
GENDER = (("Female", 0.6), ("Male", 0.38), ("Other", 0.02))
TERRITORIES = (("NL", 0.84), ("BE", 0.08), ("DE", 0.012), ("SR", 0.006), ("GB", 0.005))
DOWNLOAD_HOUR = 15  # hours of the download day after this are zero-filled by TikTok


def _audience(world: World, rng: np.random.Generator) -> list[tuple[str, list[list[str]]]]:
    """FollowerActivity (last 7 days x 24 h), FollowerGender, FollowerTopTerritories."""
    days = world.days["tiktok"]
    best = world.effects["tiktok"].best_hour
    activity = [["Date", "Hour", "Active followers"]]
    for i in range(len(days) - 7, len(days)):
        followers = int(days["followers"].to_numpy()[i])
        for hour in range(24):
            distance = min(abs(hour - best), 24 - abs(hour - best))
            mean = followers * (0.02 + 0.1 * np.exp(-0.5 * (distance / 3.0) ** 2))
            late = i == len(days) - 1 and hour > DOWNLOAD_HOUR
            activity.append(
                [month_day(world.period.day(i)), str(hour), "0" if late else str(rng.poisson(mean))]
            )
    gender = rng.dirichlet(np.array([g[1] for g in GENDER]) * 400)
    genders = [["Gender", "Distribution"]] + [
        [name, trimmed(share, 2)] for (name, _), share in zip(GENDER, gender, strict=True)
    ]
    shares = rng.dirichlet(np.array([t[1] for t in TERRITORIES] + [0.057]) * 400)
    territories = [["Top territories", "Distribution"]] + [
        [name, trimmed(share, 3)]
        for name, share in zip([t[0] for t in TERRITORIES] + ["Others"], shares, strict=True)
    ]
    return [
        ("FollowerActivity.csv", activity),
        ("FollowerGender.csv", genders),
        ("FollowerTopTerritories.csv", territories),
    ]


def _csv(rows: list[list[str]]) -> bytes:
    return ("\ufeff" + csv_text(rows, "all")).encode("utf-8")


def _video_id(when: pd.Timestamp, rng: np.random.Generator) -> str:
    """TikTok ids carry the upload time (Unix seconds) above 32 bits."""
    seconds = int(when.to_pydatetime().replace(tzinfo=ZoneInfo(TIMEZONE)).timestamp())
    return str((seconds << 32) | int(rng.integers(0, 1 << 32)))


def write_tiktok_content(world: World, folder: Path) -> list[ExportFile]:
    posts = world.posts["tiktok"]
    handle = world.org.handle("tiktok")
    rng = rng_for(world.seed, "write:tiktok")
    published = posts["published_at"].dt.date
    files = []
    for first, last in world.period.months():
        as_of = export_date("tiktok", first, world.period)
        month = posts[(published >= first) & (published <= last)]
        rows = [list(CONTENT_HEADER)]
        for p in records(month.sort_values("published_at", ascending=False, kind="stable")):
            rows.append(
                [
                    month_day(as_of),
                    p.text,
                    f"https://www.tiktok.com/@{handle}/video/{_video_id(p.published_at, rng)}",
                    month_day(p.published_at.date()),
                    str(p.likes),
                    str(p.comments),
                    str(p.shares),
                    str(p.exposure),
                ]
            )
        path = folder / "tiktok" / f"Content_{as_of:%Y-%m-%d}.zip"
        fixed_zip(path, [("Content.csv", _csv(rows))], as_of)
        files.append(ExportFile(path, "tiktok", as_of, handle))
    return files


def write_tiktok_account(world: World, folder: Path) -> list[ExportFile]:
    days = world.days["tiktok"]
    rng = rng_for(world.seed, "write:tiktok-account")
    end = world.period.end
    labels = [month_day(world.period.day(i)) for i in range(len(days))]
    comments = days["comments"].to_numpy().copy()
    zero = np.flatnonzero(comments == 0)
    if len(zero):
        comments[rng.choice(zero, size=min(2, len(zero)), replace=False)] = -1
    views = days["exposure"].to_numpy()
    overview = [list(OVERVIEW_HEADER)] + [
        [
            labels[i],
            str(views[i]),
            str(rng.poisson(views[i] * 0.012)),
            str(days["likes"].iat[i]),
            str(comments[i]),
            str(days["shares"].iat[i]),
        ]
        for i in range(len(days))
    ]
    followers = days["followers"].to_numpy()
    diff = np.append(np.diff(followers), 0)  # next day minus this day, as TikTok writes it
    history = [list(FOLLOWERS_HEADER)] + [
        [labels[i], str(followers[i]), str(diff[i])] for i in range(len(days))
    ]
    viewers = [list(VIEWERS_HEADER)]
    for i in range(len(days)):
        total = rng.binomial(views[i], 0.7)
        new = rng.binomial(total, 0.75)
        if i == len(days) - 1:
            viewers.append([labels[i], "undefined", "0", "0"])
        else:
            viewers.append([labels[i], str(total), str(new), str(total - new)])
    handle = world.org.handle("tiktok")
    out = []
    for name, members in (
        ("Overview", [("Overview.csv", overview)]),
        ("Followers", [("FollowerHistory.csv", history), *_audience(world, rng)]),
        ("Viewers", [("Viewers.csv", viewers)]),
    ):
        path = folder / "tiktok" / f"{name}_{end:%Y-%m-%d}.zip"
        fixed_zip(path, [(member, _csv(rows)) for member, rows in members], end)
        out.append(ExportFile(path, "tiktok", end, handle))
    return out
