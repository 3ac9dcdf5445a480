"""The demo organisation: who it is, which accounts it has, and the year it is shown over.

Stichting Groen Dak is an invented Dutch non-profit that helps people green their roofs,
runs volunteer days, and sells sedum mats, insect hotels and seed mixes in a webshop. It is
on Facebook, Instagram, LinkedIn, X, TikTok and YouTube, advertises on Meta and Google, and
measures its site with GA4 and Search Console.

Everything random is drawn from generators seeded by (seed, component name), so adding a
component never shifts the numbers of another, and a seed with an end date always gives the
same organisation.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DEFAULT_END = dt.date(2026, 10, 31)
DAYS = 365
TIMEZONE = "Europe/Amsterdam"


@dataclass(frozen=True)
class Organisation:
    """Names and handles as the platforms show them (and as the importers store them)."""

    name: str = "Stichting Groen Dak"
    domain: str = "groendak.nl"
    slug: str = "stichting-groen-dak"
    handles: dict[str, str] = field(
        default_factory=lambda: {
            "facebook": "Stichting Groen Dak",
            "instagram": "stichtinggroendak",
            "linkedin": "Stichting Groen Dak",
            "x": "groendak",
            "tiktok": "stichtinggroendak",
            "youtube": "Stichting Groen Dak",
            "meta_ads": "Stichting Groen Dak",
            "google_ads": "Stichting Groen Dak",
            "ga4": "groendak.nl",
            "search_console": "groendak.nl",
        }
    )

    def handle(self, platform: str) -> str:
        return self.handles[platform]


@dataclass(frozen=True)
class Period:
    """The demo year: DAYS days ending on `end` (inclusive)."""

    end: dt.date

    @property
    def start(self) -> dt.date:
        return self.end - dt.timedelta(days=DAYS - 1)

    @property
    def dates(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="D")

    def day(self, index: int) -> dt.date:
        return self.start + dt.timedelta(days=int(index))

    def months(self) -> list[tuple[dt.date, dt.date]]:
        """(first, last) day of every calendar month touching the period, clipped to it."""
        out = []
        first = self.start.replace(day=1)
        while first <= self.end:
            nxt = (first + dt.timedelta(days=32)).replace(day=1)
            out.append((max(first, self.start), min(nxt - dt.timedelta(days=1), self.end)))
            first = nxt
        return out

    def occurrence(self, month: int, day: int, length: int) -> dt.date:
        """The latest start on month/day whose `length`-day run fits in the period."""
        for year in (self.end.year, self.end.year - 1, self.end.year - 2):
            start = dt.date(year, month, day)
            if start >= self.start and start + dt.timedelta(days=length - 1) <= self.end:
                return start
        return self.start


def rng_for(seed: int, component: str) -> np.random.Generator:
    """An independent generator per component, stable across runs and Python versions."""
    return np.random.default_rng([seed, zlib.crc32(component.encode("utf-8"))])


def export_date(platform: str, published: dt.date, period: Period) -> dt.date:
    """The day the export holding a post was downloaded (its snapshot date, `as_of`).

    X's legacy analytics and TikTok Studio hold short ranges, so the manager downloads them
    every month: X the day after the month ends (the file name's end date), TikTok on the
    month's last day. The other platforms are exported once, on the period's last day.
    """
    if platform == "x":
        nxt = (published.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return nxt
    if platform == "tiktok":
        nxt = (published.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return min(nxt - dt.timedelta(days=1), period.end)
    return period.end
