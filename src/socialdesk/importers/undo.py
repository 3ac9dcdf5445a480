"""Undo an import or a sync run: remove what one batch brought in.

Every row an import or a sync writes names its batch (`import_batch_id`: the last batch that
wrote it). Undoing a batch deletes those rows: the snapshots, days, search and audience rows
and messages it wrote, the posts it created (with their snapshots), threads left without a
message; then the store's rollups are computed again: the latest figures of the posts it
wrote snapshots of, and the weeks its rows fell in (read before they go).

A batch that also *changed* rows an earlier import had written cannot be undone that way
(the earlier values are gone; deleting the rows would lose the earlier import's data too): it
is refused with that reason. Import the earlier file again, or sync again, instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from socialdesk.errors import SocialdeskError
from socialdesk.model import (
    AccountDay,
    AdDay,
    AudienceShare,
    ImportBatch,
    Message,
    MessageThread,
    Post,
    PostMetrics,
    SearchPerformance,
    WebDay,
)
from socialdesk.store.rollups import (
    TouchedWeeks,
    post_weeks,
    refresh_post_latest,
    refresh_weeks,
    weeks_where,
)

# the tables whose "updated" count makes an undo lose data; accounts and threads are shared
# containers (an upsert that finds them counts as "updated" without changing their data)
_CHANGES = (
    "post",
    "post_metrics",
    "account_day",
    "ad_day",
    "web_day",
    "search_performance",
    "audience_share",
    "message",
)


class UndoRefused(SocialdeskError):
    """The batch cannot be undone; the message says why and what to do instead."""


@dataclass(frozen=True)
class UndoResult:
    batch_id: int
    filename: str
    format: str
    deleted: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False


def undo_batch(
    session: Session, workspace_id: int, batch_id: int, *, dry_run: bool = False
) -> UndoResult:
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.workspace_id != workspace_id:
        raise UndoRefused(f"there is no import {batch_id} in this workspace.")
    changed = sum(int((batch.counts or {}).get(t, {}).get("updated") or 0) for t in _CHANGES)
    if changed:
        raise UndoRefused(
            f"import {batch_id} ({batch.filename}) also changed {changed} rows that an earlier "
            "import wrote; undoing it would lose those too. Import the earlier file again (or "
            "sync again) to set them back."
        )
    deleted: dict[str, int] = {}
    for model in (PostMetrics, AccountDay, AdDay, WebDay, SearchPerformance, AudienceShare):
        table = model.__table__
        where = table.c.import_batch_id == batch_id
        n = session.scalar(select(func.count()).select_from(table).where(where)) or 0
        if n:
            deleted[table.name] = n
    touched_posts = set(
        session.scalars(select(PostMetrics.post_id).where(PostMetrics.import_batch_id == batch_id))
    )
    new_posts = set(session.scalars(select(Post.id).where(Post.import_batch_id == batch_id)))
    if new_posts:
        deleted["post"] = len(new_posts)
    threads = set(
        session.scalars(select(Message.thread_id).where(Message.import_batch_id == batch_id))
    )
    n_messages = session.scalar(
        select(func.count()).select_from(Message).where(Message.import_batch_id == batch_id)
    )
    if n_messages:
        deleted["message"] = int(n_messages)
    if dry_run:
        return UndoResult(batch_id, batch.filename, batch.format, deleted, dry_run=True)
    # the weeks whose sums lose rows, read before the rows go: the weeks of the batch's
    # account days and ad days, and of the posts it created or wrote snapshots of
    weeks = TouchedWeeks(
        account=weeks_where(
            session, AccountDay.account_id, AccountDay.date, AccountDay.import_batch_id == batch_id
        ),
        post=post_weeks(session, touched_posts | new_posts),
        ad=weeks_where(
            session, AdDay.campaign_id, AdDay.date_start, AdDay.import_batch_id == batch_id
        ),
    )
    for model in (PostMetrics, AccountDay, AdDay, WebDay, SearchPerformance, AudienceShare):
        session.execute(delete(model).where(model.__table__.c.import_batch_id == batch_id))
    session.execute(delete(Message).where(Message.import_batch_id == batch_id))
    if threads:
        empty = select(MessageThread.id).where(
            MessageThread.id.in_(threads),
            ~select(Message.id).where(Message.thread_id == MessageThread.id).exists(),
        )
        gone = list(session.scalars(empty))
        if gone:
            session.execute(delete(MessageThread).where(MessageThread.id.in_(gone)))
            deleted["message_thread"] = len(gone)
    if new_posts:
        session.execute(delete(Post).where(Post.id.in_(new_posts)))
    left = touched_posts - new_posts
    if left:
        refresh_post_latest(session, post_ids=left)
    if weeks:
        refresh_weeks(session, weeks=weeks)
    filename, fmt = batch.filename, batch.format
    session.delete(batch)
    session.flush()
    return UndoResult(batch_id, filename, fmt, deleted)
