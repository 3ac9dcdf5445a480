"""Frames from API records, in the shapes the importers' Loader writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from socialdesk.importers.tabular import ROW_COL


def wall_clock(value: dt.datetime | None, timezone: str) -> dt.datetime | None:
    """A naive UTC time as the naive wall-clock time that posts are stored in."""
    if value is None:
        return None
    ts = pd.Timestamp(value).tz_localize("UTC").tz_convert(timezone).tz_localize(None)
    return ts.floor("s").to_pydatetime()


def posts_frame(records: Iterable[Mapping[str, Any]], as_of: dt.date) -> pd.DataFrame:
    """Canonical posts (external_id, published_at, text, media_type, permalink, language and
    metric columns) with the snapshot date and a row number per record (its place on the
    page, for messages that name a record)."""
    frame = pd.DataFrame(list(records))
    if frame.empty:
        return frame
    frame["as_of"] = pd.Timestamp(as_of)
    frame[ROW_COL] = range(1, len(frame) + 1)
    frame["external_id"] = frame["external_id"].astype(str)
    return frame


def newest(times: Iterable[dt.datetime | None]) -> dt.datetime | None:
    return max((t for t in times if t is not None), default=None)
