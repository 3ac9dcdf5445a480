"""Every database read and write of the visual skill (the only module here that touches SQL).

The statements are plain SQLAlchemy Core that SQLite and PostgreSQL both run; each read
returns a DataFrame with explicit columns.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from socialdesk.model import Account, AccountDay, Media, Post, PostMetrics, WorkspaceFact
from socialdesk.store.upsert import upsert

# The post metrics the skill reads (lifetime totals of the latest snapshot).
METRIC_COLUMNS = (
    "impressions",
    "views",
    "reach",
    "engagements",
    "reactions",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "link_clicks",
    "video_views",
)
POST_COLUMNS = (
    "post_id",
    "account_id",
    "platform",
    "account",
    "external_id",
    "published_at",
    "media_type",
    "is_paid",
    "language",
    "text",
    "title",
    "permalink",
    "duration_seconds",
    "as_of",
    *METRIC_COLUMNS,
    "extra",
)
MEDIA_COLUMNS = (
    "media_id",
    "post_id",
    "path",
    "sha256",
    "width",
    "height",
    "file_size",
    "format",
    "features",
)


# What a fit reads of a post's text and extra figures (`fit=True`): its hashtags (the topic
# control, features.topics) and the extra figures features.py reads (followers, UCI timing,
# category); everything else of them stays in the database.
FIT_EXTRA = ("page_total_likes", "post_hour", "post_weekday", "post_month", "category")
_NOT_FITTED = ("external_id", "title", "permalink", "as_of")
_HASHTAG = re.compile(r"#\w[\w-]*", re.UNICODE)


def posts(
    session: Session,
    workspace_id: int,
    *,
    platform: str | None = None,
    account_id: int | None = None,
    fit: bool = False,
) -> pd.DataFrame:
    """One row per post of the workspace with the figures of its latest snapshot.

    Posts that have no snapshot at all are left out (there is nothing to analyse). With
    `fit`, only what the models read (issue #18: a million posts' texts, links and ids held
    for a fit were most of /visual's memory): no external id, title, link or snapshot time,
    `text` holding only the post's hashtags (one shared string per set of tags) and `extra`
    only the FIT_EXTRA figures.
    """
    columns = [c for c in POST_COLUMNS if not (fit and c in _NOT_FITTED)]
    latest = (
        select(func.max(PostMetrics.as_of))
        .where(PostMetrics.post_id == Post.id)
        .correlate(Post)
        .scalar_subquery()
    )
    selected = {
        "post_id": Post.id,
        "account_id": Post.account_id,
        "platform": Account.platform,
        "account": func.coalesce(Account.name, Account.handle),
        "external_id": Post.external_id,
        "published_at": Post.published_at,
        "media_type": Post.media_type,
        "is_paid": Post.is_paid,
        "language": Post.language,
        "text": Post.text,
        "title": Post.title,
        "permalink": Post.permalink,
        "duration_seconds": Post.duration_seconds,
        "as_of": PostMetrics.as_of,
        **{c: getattr(PostMetrics, c) for c in METRIC_COLUMNS},
        "extra": PostMetrics.extra,
    }
    stmt = (
        select(*(selected[c] for c in columns))
        .join(Account, Account.id == Post.account_id)
        .join(PostMetrics, and_(PostMetrics.post_id == Post.id, PostMetrics.as_of == latest))
        .where(Account.workspace_id == workspace_id)
        .order_by(Post.account_id, Post.published_at, Post.id)
    )
    if platform is not None:
        stmt = stmt.where(Account.platform == platform)
    # read in batches, each made compact before the next (issue #18: a million posts read as
    # one list of rows took 1.9 GB): numbers as float64, the few distinct names of a column
    # (platform, account, type, language) as one shared string each, one shared empty `extra`
    shared: dict[str, dict[Any, Any]] = {c: {} for c in (*_REPEATED, "text", "extra")}
    parts: dict[str, list[Any]] = {c: [] for c in columns}
    if account_id is not None:
        accounts = [account_id]
    else:  # one account at a time (in the order asked): each read is small, whatever the total
        which = select(Account.id).where(Account.workspace_id == workspace_id)
        if platform is not None:
            which = which.where(Account.platform == platform)
        accounts = list(session.scalars(which.order_by(Account.id)))
    connection = session.connection()
    for acc in accounts:
        # plain rows through the connection (no ORM row processing), turned into columns at
        # once: a frame built from row objects asks each of them what it is
        rows = connection.execute(stmt.where(Post.account_id == acc)).fetchall()
        if not rows:
            continue
        values = list(zip(*rows, strict=True))
        del rows
        batch = _compact(
            pd.DataFrame({c: list(v) for c, v in zip(columns, values, strict=True)}),
            shared,
            fit=fit,
        )
        del values
        for c in columns:
            parts[c].append(batch[c])
        del batch
    if not parts[columns[0]]:
        return _compact(pd.DataFrame(columns=columns), shared, fit=fit)
    # column by column, each batch's column let go once joined: never all of it twice
    out = {}
    for c in columns:
        chunks = parts.pop(c)
        out[c] = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
        del chunks
    return pd.DataFrame(out, copy=False)  # not consolidated into blocks: no second copy


_REPEATED = ("platform", "account", "media_type", "language", "is_paid")
_NO_EXTRA: dict[str, Any] = {}  # shared by every post without extra figures: read, never changed


def _compact(
    frame: pd.DataFrame, shared: dict[str, dict[Any, Any]], *, fit: bool = False
) -> pd.DataFrame:
    frame["published_at"] = pd.to_datetime(frame["published_at"])
    if "as_of" in frame:
        frame["as_of"] = pd.to_datetime(frame["as_of"])
    for c in (*METRIC_COLUMNS, "duration_seconds"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    for c in _REPEATED:
        seen = shared[c]
        frame[c] = [seen.setdefault(v, v) for v in frame[c]]
    if fit:  # the hashtags and the extra figures a fit reads, each distinct value held once
        tags, kept = shared["text"], shared["extra"]
        frame["text"] = pd.Series(
            [tags.setdefault(t, t) for t in map(_tags_of, frame["text"])],
            index=frame.index,
            dtype=object,
        )
        extras: list[Any] = []
        for v in frame["extra"]:
            small = {k: v[k] for k in FIT_EXTRA if k in v} if isinstance(v, dict) else {}
            key = json.dumps(small, sort_keys=True, default=str) if small else ""
            extras.append(kept.setdefault(key, small) if small else _NO_EXTRA)
    else:
        extras = [v if isinstance(v, dict) and v else _NO_EXTRA for v in frame["extra"]]
    frame["extra"] = pd.Series(extras, index=frame.index, dtype=object)
    return frame


def _tags_of(text: Any) -> str | None:
    """A post's hashtags in the order written, as one string ("#a #b"), or None."""
    if not isinstance(text, str) or "#" not in text:
        return None
    return " ".join(_HASHTAG.findall(text)) or None


def followers(session: Session, workspace_id: int) -> pd.DataFrame:
    """The followers each account had per day (days without a figure are left out)."""
    stmt = (
        select(AccountDay.account_id, AccountDay.date, AccountDay.followers)
        .join(Account, Account.id == AccountDay.account_id)
        .where(Account.workspace_id == workspace_id, AccountDay.followers.is_not(None))
        .order_by(AccountDay.account_id, AccountDay.date)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["account_id", "date", "followers"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["followers"] = frame["followers"].astype("float64")
    return frame


def accounts(session: Session, workspace_id: int) -> pd.DataFrame:
    stmt = (
        select(
            Account.id,
            Account.platform,
            Account.handle,
            func.coalesce(Account.name, Account.handle),
        )
        .where(Account.workspace_id == workspace_id)
        .order_by(Account.platform, Account.id)
    )
    return pd.DataFrame(
        session.execute(stmt).all(), columns=["account_id", "platform", "handle", "account"]
    )


def truth(session: Session, workspace_id: int) -> dict[str, Any] | None:
    """The demo's recorded true effects, when this workspace is a demo."""
    value = session.scalar(
        select(WorkspaceFact.value).where(
            WorkspaceFact.workspace_id == workspace_id, WorkspaceFact.key == "demo.truth"
        )
    )
    return value or None


# -- media -----------------------------------------------------------------------------------
def post_keys(session: Session, workspace_id: int) -> pd.DataFrame:
    """Every post's id with the keys a media file may be matched on."""
    stmt = (
        select(Post.id, Post.external_id, Post.permalink, Account.platform)
        .join(Account, Account.id == Post.account_id)
        .where(Account.workspace_id == workspace_id)
    )
    return pd.DataFrame(
        session.execute(stmt).all(), columns=["post_id", "external_id", "permalink", "platform"]
    )


def save_media(session: Session, workspace_id: int, rows: Sequence[dict[str, Any]]) -> int:
    """Insert or refresh media rows (natural key: workspace and path). Returns the count."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    full = [{**r, "workspace_id": workspace_id, "analysed_at": now} for r in rows]
    added, updated = upsert(session, Media.__table__, full, keys=("workspace_id", "path"))
    return added + updated


def link_media(session: Session, workspace_id: int, path: str, post_id: int | None) -> None:
    session.execute(
        update(Media)
        .where(Media.workspace_id == workspace_id, Media.path == path)
        .values(post_id=post_id)
    )


def media(session: Session, workspace_id: int, *, linked_only: bool = False) -> pd.DataFrame:
    """The workspace's analysed image files (one row per file)."""
    stmt = (
        select(
            Media.id,
            Media.post_id,
            Media.path,
            Media.sha256,
            Media.width,
            Media.height,
            Media.file_size,
            Media.format,
            Media.features,
        )
        .where(Media.workspace_id == workspace_id)
        .order_by(Media.path)
    )
    if linked_only:
        stmt = stmt.where(Media.post_id.is_not(None))
    frame = pd.DataFrame(session.execute(stmt).all(), columns=list(MEDIA_COLUMNS))
    frame["features"] = frame["features"].map(lambda v: v if isinstance(v, dict) else {})
    return frame
