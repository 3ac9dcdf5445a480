"""Every database read and write of the visual skill (the only module here that touches SQL).

The statements are plain SQLAlchemy Core that SQLite and PostgreSQL both run; each read
returns a DataFrame with explicit columns.
"""

from __future__ import annotations

import datetime as dt
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


def posts(
    session: Session,
    workspace_id: int,
    *,
    platform: str | None = None,
    account_id: int | None = None,
) -> pd.DataFrame:
    """One row per post of the workspace with the figures of its latest snapshot.

    Posts that have no snapshot at all are left out (there is nothing to analyse).
    """
    latest = (
        select(func.max(PostMetrics.as_of))
        .where(PostMetrics.post_id == Post.id)
        .correlate(Post)
        .scalar_subquery()
    )
    stmt = (
        select(
            Post.id,
            Post.account_id,
            Account.platform,
            func.coalesce(Account.name, Account.handle),
            Post.external_id,
            Post.published_at,
            Post.media_type,
            Post.is_paid,
            Post.language,
            Post.text,
            Post.title,
            Post.permalink,
            Post.duration_seconds,
            PostMetrics.as_of,
            *(getattr(PostMetrics, c) for c in METRIC_COLUMNS),
            PostMetrics.extra,
        )
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
    shared: dict[str, dict[Any, Any]] = {c: {} for c in _REPEATED}
    parts: dict[str, list[Any]] = {c: [] for c in POST_COLUMNS}
    if account_id is not None:
        accounts = [account_id]
    else:  # one account at a time (in the order asked): each read is small, whatever the total
        which = select(Account.id).where(Account.workspace_id == workspace_id)
        if platform is not None:
            which = which.where(Account.platform == platform)
        accounts = list(session.scalars(which.order_by(Account.id)))
    for acc in accounts:
        rows = session.execute(stmt.where(Post.account_id == acc)).all()
        if not rows:
            continue
        batch = _compact(pd.DataFrame(rows, columns=list(POST_COLUMNS)), shared)
        for c in POST_COLUMNS:
            parts[c].append(batch[c])
        del batch, rows
    if not parts[POST_COLUMNS[0]]:
        return _compact(pd.DataFrame(columns=list(POST_COLUMNS)), shared)
    # column by column, each batch's column let go once joined: never all of it twice
    columns = {}
    for c in POST_COLUMNS:
        chunks = parts.pop(c)
        columns[c] = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
        del chunks
    return pd.DataFrame(columns)


_REPEATED = ("platform", "account", "media_type", "language", "is_paid")
_NO_EXTRA: dict[str, Any] = {}  # shared by every post without extra figures: read, never changed


def _compact(frame: pd.DataFrame, shared: dict[str, dict[Any, Any]]) -> pd.DataFrame:
    frame["published_at"] = pd.to_datetime(frame["published_at"])
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    for c in (*METRIC_COLUMNS, "duration_seconds"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    for c in _REPEATED:
        seen = shared[c]
        frame[c] = [seen.setdefault(v, v) for v in frame[c]]
    extras: list[Any] = [v if isinstance(v, dict) and v else _NO_EXTRA for v in frame["extra"]]
    frame["extra"] = pd.Series(extras, index=frame.index, dtype=object)
    return frame


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
