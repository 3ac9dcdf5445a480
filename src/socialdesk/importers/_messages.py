"""What every messages importer yields: one frame of canonical message fields per chunk.

Canonical fields (model.Message / model.MessageThread):
  external_id, received_at (naive UTC), text, author_handle           required
  author_name, author_followers, language, is_from_org, in_reply_to,
  thread_external_id (else the loader follows in_reply_to to the thread's first message),
  kind (comment | reply | mention | dm), post_external_id, subject, permalink,
  answered_by (the team member behind an organisation's message),
  label_sentiment, label_intent, label_urgency (labels a person set, e.g. in another tool)
  account_handle / account_name: the organisation's account, when one file holds several
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers.tabular import ROW_COL
from socialdesk.importers.values import file_row

MESSAGE_FIELDS = (
    "external_id",
    "received_at",
    "text",
    "author_handle",
    "author_name",
    "author_followers",
    "language",
    "is_from_org",
    "in_reply_to",
    "thread_external_id",
    "kind",
    "post_external_id",
    "subject",
    "permalink",
    "answered_by",
    "label_sentiment",
    "label_intent",
    "label_urgency",
    "account_handle",
    "account_name",
)
REQUIRED = ("external_id", "received_at", "author_handle")
_TAG = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]+>")


def html_text(value: str | None) -> str:
    """Mastodon's HTML content as plain text (paragraphs and line breaks kept as new lines)."""
    if not value:
        return ""
    return html.unescape(_ANY_TAG.sub("", _TAG.sub("\n", value))).strip()


def utc(value: Any) -> dt.datetime | None:
    """An ISO-8601 or epoch timestamp as a naive UTC datetime (None when empty)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(float(value), dt.UTC).replace(tzinfo=None)
    ts = pd.Timestamp(str(value))
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.to_pydatetime()


def message_frame(
    records: Iterable[Mapping[str, Any]] | Iterable[Mapping[Hashable, Any]],
    file: str,
    rows: Iterable[int] | None = None,
) -> pd.DataFrame:
    """A canonical messages frame; a record without id, time or author names its row."""
    frame = pd.DataFrame(list(records))
    for col in MESSAGE_FIELDS:
        if col not in frame.columns:
            frame[col] = None
    frame[ROW_COL] = list(rows) if rows is not None else range(1, len(frame) + 1)
    for col in REQUIRED:
        bad = frame[col].isna() | (frame[col].astype(str).str.strip() == "")
        if bad.any():
            row = file_row(frame, bad.idxmax())
            raise RowInvalid(file, row, col, f"the message has no {col.replace('_', ' ')}.")
    frame["text"] = frame["text"].fillna("").astype(str)
    frame["external_id"] = frame["external_id"].astype(str)
    frame["is_from_org"] = frame["is_from_org"].fillna(False).astype(bool)
    frame["kind"] = frame["kind"].fillna("comment")
    frame["received_at"] = pd.to_datetime(frame["received_at"])
    return frame[[*MESSAGE_FIELDS, ROW_COL]]


__all__ = ["MESSAGE_FIELDS", "html_text", "message_frame", "utc"]
