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


THUMBNAIL_URL = "extra:thumbnail_url"
THUMBNAIL_ALT = "extra:thumbnail_alt"


def thumbnail(url: Any, alt: Any = None) -> dict[str, str]:
    """A post's preview image as the snapshot's extra fields (`thumbnail_url`, and
    `thumbnail_alt` where the author gave one): only an http(s) address, never another
    scheme (a `javascript:` or `data:` one stays out); nothing when there is none."""
    if not isinstance(url, str):
        return {}
    url = url.strip()
    if len(url) > 1000 or not url.lower().startswith(("https://", "http://")) or " " in url:
        return {}
    out = {THUMBNAIL_URL: url}
    if isinstance(alt, str) and alt.strip():
        out[THUMBNAIL_ALT] = alt.strip()[:500]
    return out


def newest(times: Iterable[dt.datetime | None]) -> dt.datetime | None:
    return max((t for t in times if t is not None), default=None)


def checked_address(value: str, field: str) -> str:
    """An https address (http only on this machine: 127.0.0.1, localhost, ::1), scheme and
    host only, so a connection never talks plain HTTP across a network."""
    from urllib.parse import urlparse

    from socialdesk.connectors.base import N_
    from socialdesk.connectors.errors import ConnectorError

    value = value.strip().rstrip("/")
    if "://" not in value:
        value = f"https://{value}"
    parsed = urlparse(value)
    local = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if (
        not parsed.netloc
        or parsed.scheme not in ("https", "http")
        or (parsed.scheme == "http" and not local)
    ):
        raise ConnectorError(
            "input", N_("give the server's https address"), detail=value, field=field
        )
    return f"{parsed.scheme}://{parsed.netloc}"
