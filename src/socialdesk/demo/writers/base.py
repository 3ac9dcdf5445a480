"""What a writer produces: an export file, the platform it belongs to, its download day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_FULL = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ID_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ123456789"
YT_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"


@dataclass(frozen=True)
class ExportFile:
    """One file in <workspace>/exports, imported with `account` and `as_of`."""

    path: Path
    platform: str  # the importing group (facebook, meta_ads, ga4, ...)
    as_of: dt.date  # the day it was downloaded: snapshot date of its lifetime totals
    account: str


def us_date(day: dt.date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def mon_dd_yyyy(day: dt.date) -> str:
    return f"{MONTH_ABBR[day.month - 1]}-{day.day:02d}-{day.year}"


def month_day(day: dt.date) -> str:
    """TikTok's year-less "May 16" (English UI)."""
    return f"{MONTH_FULL[day.month - 1]} {day.day}"


def x_date(day: dt.date) -> str:
    """X's "Sat, Aug 22, 2026"."""
    return f"{DAY_ABBR[day.weekday()]}, {MONTH_ABBR[day.month - 1]} {day.day}, {day.year}"


def youtube_date(day: dt.date) -> str:
    """YouTube's "Aug 12, 2024"."""
    return f"{MONTH_ABBR[day.month - 1]} {day.day}, {day.year}"


def long_date(day: dt.date) -> str:
    """en-GB "27 January 2026" (Google Ads title line)."""
    return f"{day.day} {MONTH_FULL[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """en-GB "1 Jan 2025" (Search Console's Filters.csv)."""
    return f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}"


def records(frame: pd.DataFrame) -> Iterator[Any]:
    """The frame's rows as named tuples (`frame.itertuples()`), one field per column.

    Each field has its column's type (int counts, float money, str text, Timestamp times),
    which the stubs can't know: pandas-stubs types every field as any pandas scalar. The
    writers read the world's frames, whose columns they know, so the rows are typed Any.
    """
    return frame.itertuples()
