"""Meta Business Suite → Insights → the chart of one metric → Export: one daily series (CSV).

As documented (FORMATS.md 1b; no real file seen): UTF-16 LE with a BOM, line 1 `sep=,`
(Excel's delimiter hint), line 2 the metric's name in quotes, then `"Date","Primary"` and one
row per day, `"2025-08-01T00:00:00","20"`, every field quoted. One file holds one metric, so
the manager exports each chart she wants: for the Facebook page its followers (the count on
each day), follows, unfollows and reach; for the Instagram account its followers, follows,
unfollows and profile visits. The file does not name the page, so it is imported with the
page's name as the account (the name the posts export carries). The line breaks (CRLF) and
the file name (metric, then the period as in the posts export) are ASSUMED.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from socialdesk.demo.fileformats import csv_text, write_text
from socialdesk.demo.world import World
from socialdesk.demo.writers.base import ExportFile, mon_dd_yyyy

# (platform, metric name as Meta titles the chart, column of the world's account days)
SERIES: tuple[tuple[str, str, str], ...] = (
    ("facebook", "Facebook followers", "followers"),
    ("facebook", "Facebook follows", "followers_gained"),
    ("facebook", "Facebook unfollows", "followers_lost"),
    ("facebook", "Facebook reach", "exposure"),
    ("instagram", "Instagram followers", "followers"),
    ("instagram", "Instagram follows", "followers_gained"),
    ("instagram", "Instagram unfollows", "followers_lost"),
    ("instagram", "Instagram profile visits", "profile_visits"),
)


def _series_file(world: World, folder: Path, platform: str, metric: str, column: str) -> Path:
    values = world.days[platform][column].to_numpy(dtype=np.int64)
    rows = [[metric], ["Date", "Primary"]]
    rows += [
        [f"{world.period.day(i).isoformat()}T00:00:00", str(int(v))] for i, v in enumerate(values)
    ]
    text = "sep=,\r\n" + csv_text(rows, "all", newline="\r\n")  # the hint is not quoted
    start, end = world.period.start, world.period.end
    path = folder / platform / f"{metric}_{mon_dd_yyyy(start)}_{mon_dd_yyyy(end)}.csv"
    return write_text(path, text, bom=True, encoding="utf-16-le")


def write_meta_page_daily(world: World, folder: Path) -> list[ExportFile]:
    """Facebook page and Instagram account insights, one file per metric."""
    end = world.period.end
    return [
        ExportFile(
            _series_file(world, folder, platform, metric, column),
            platform,
            end,
            world.org.handle(platform),
        )
        for platform, metric, column in SERIES
    ]
