"""The inbox's only door to the database: select and write, returning plain frames.

Every statement filters on the workspace and runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from collections.abc import Sequence
from typing import Any, cast

import pandas as pd
from sqlalchemy import (
    CursorResult,
    DateTime,
    Result,
    Select,
    and_,
    case,
    delete,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from socialdesk.model import (
    Account,
    InboxModel,
    Message,
    MessageAssignment,
    MessageLabel,
    MessageReply,
    MessageThread,
    Post,
    SavedReply,
    Workspace,
    WorkspaceFact,
)

SINGLE_LABELS = ("sentiment", "intent", "urgency")  # one value per message
SHOWN = (
    "sentiment",
    "sentiment_confidence",
    "intent",
    "intent_confidence",
    "sentiment_by",
    "sentiment_read",
    "intent_by",
    "intent_read",
)
OPEN = ("new", "open")
MESSAGE_COLUMNS = (
    "id",
    "thread_id",
    "platform",
    "external_id",
    "kind",
    "author_handle",
    "author_name",
    "author_followers",
    "text",
    "language",
    "received_at",
    "is_from_org",
    "in_reply_to",
    "answered_by",
    "sentiment",
    "sentiment_score",
    "sentiment_confidence",
    "intent",
    "intent_confidence",
    "urgency",
    "triaged_by",
)


# A person's sentiment or intent label wins over the stored reading wherever a message is
# shown: `sentiment` is the person's label when there is one, `sentiment_by` who set it,
# `sentiment_read` what triage read, and `sentiment_confidence` is empty (the model's
# confidence was in its own reading, not in the person's). The same for intent.
LABEL_COLUMNS = ("sentiment_by", "sentiment_read", "intent_by", "intent_read")
SETTINGS_KEY = "inbox.settings"


def _person_label(workspace_id: int, kind: str) -> Subquery:
    """The latest person's label of `kind` per message: message_id, value, set_by."""
    latest = (
        select(MessageLabel.message_id, func.max(MessageLabel.id).label("label_id"))
        .where(MessageLabel.workspace_id == workspace_id, MessageLabel.kind == kind)
        .group_by(MessageLabel.message_id)
        .subquery()
    )
    label = aliased(MessageLabel)
    return (
        select(label.message_id, label.value, label.set_by)
        .join(latest, latest.c.label_id == label.id)
        .subquery(f"person_{kind}")
    )


def _shown(column: str, sentiment: Subquery, intent: Subquery) -> ColumnElement[Any]:
    """A message column as the pages show it: the person's label over the reading."""
    by = {"sentiment": sentiment, "intent": intent}
    if column in by:
        return func.coalesce(by[column].c.value, getattr(Message, column)).label(column)
    if column in ("sentiment_confidence", "intent_confidence"):
        label = by[column.removesuffix("_confidence")]
        return case((label.c.value.is_(None), getattr(Message, column)), else_=None).label(column)
    if column in LABEL_COLUMNS:
        kind, _, part = column.partition("_")
        if part == "by":
            return by[kind].c.set_by.label(column)
        return getattr(Message, kind).label(column)
    return getattr(Message, column).label(column)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _frame(rows: Sequence[Any], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=list(columns))


def messages(
    session: Session,
    workspace_id: int,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    platform: str | None = None,
) -> pd.DataFrame:
    """Messages with their thread's post id, oldest first (a person's label wins)."""
    ps, pi = _person_label(workspace_id, "sentiment"), _person_label(workspace_id, "intent")
    cols = [_shown(c, ps, pi) for c in (*MESSAGE_COLUMNS, *LABEL_COLUMNS)]
    q = (
        select(*cols, MessageThread.post_external_id, MessageThread.status)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .outerjoin(ps, ps.c.message_id == Message.id)
        .outerjoin(pi, pi.c.message_id == Message.id)
        .where(Message.workspace_id == workspace_id)
    )
    if since is not None:
        q = q.where(Message.received_at >= since)
    if until is not None:
        q = q.where(Message.received_at < until)
    if platform:
        q = q.where(Message.platform == platform)
    q = q.order_by(Message.received_at, Message.id)
    frame = _frame(
        session.execute(q).all(),
        [*MESSAGE_COLUMNS, *LABEL_COLUMNS, "post_external_id", "status"],
    )
    frame["received_at"] = pd.to_datetime(frame["received_at"])
    return frame


def threads(session: Session, workspace_id: int) -> pd.DataFrame:
    cols = (
        "id",
        "platform",
        "kind",
        "status",
        "assignee",
        "opened_at",
        "last_message_at",
        "done_at",
    )
    q = select(*[getattr(MessageThread, c) for c in cols]).where(
        MessageThread.workspace_id == workspace_id
    )
    frame = _frame(session.execute(q).all(), cols).rename(columns={"id": "thread_id"})
    for c in ("opened_at", "last_message_at", "done_at"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def untriaged(
    session: Session, workspace_id: int, *, limit: int = 5000, all_: bool = False
) -> pd.DataFrame:
    """Messages from outside without a triage yet (or all of them with all_=True)."""
    q = select(Message.id, Message.text, Message.language).where(
        Message.workspace_id == workspace_id, Message.is_from_org.is_(False)
    )
    if not all_:
        q = q.where(Message.triaged_by.is_(None))
    q = q.order_by(Message.id).limit(limit)
    return _frame(session.execute(q).all(), ["id", "text", "language"])


def write_triage(session: Session, workspace_id: int, frame: pd.DataFrame) -> int:
    """Store triage columns (id + the TRIAGE columns) on the messages."""
    fields = (
        "language",
        "sentiment",
        "sentiment_score",
        "sentiment_confidence",
        "intent",
        "intent_confidence",
        "urgency",
        "triaged_by",
    )
    rows = frame[["id", *fields]].astype(object).where(frame[["id", *fields]].notna(), None)
    params = [{"_id": int(r["id"]), **{f: r[f] for f in fields}} for r in rows.to_dict("records")]
    if not params:
        return 0
    from sqlalchemy import bindparam

    stmt = (
        update(Message.__table__)
        .where(
            and_(
                Message.__table__.c.id == bindparam("_id"),
                Message.__table__.c.workspace_id == workspace_id,
            )
        )
        .values({f: bindparam(f) for f in fields})
    )
    session.connection().execute(stmt, params)
    return len(params)


QUEUE_COLUMNS = [
    "thread_id",
    "platform",
    "kind",
    "status",
    "assignee",
    "subject",
    "waiting_since",
    "message_id",
    "author_handle",
    "author_name",
    "author_followers",
    "text",
    "language",
    *SHOWN,
    "urgency",
    "triaged_by",
    "received_at",
    "permalink",
]


def _ensure_log10(session: Session) -> None:
    """SQLite has log10 only when built with its math functions: add it where it is missing
    (PostgreSQL always has it)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    raw = session.connection().connection.driver_connection
    if raw is None:
        return
    try:
        raw.execute("SELECT log10(10)").fetchone()
    except sqlite3.OperationalError:  # no such function
        raw.create_function("log10", 1, _log10, deterministic=True)


def _log10(value: float | None) -> float | None:
    return math.log10(value) if value is not None and value > 0 else None


def _hours_since(session: Session, column: Any, now: dt.datetime) -> ColumnElement[Any]:
    """Hours from `column` to `now`, in SQL both engines run."""
    if session.get_bind().dialect.name == "sqlite":
        stamp = now.isoformat(sep=" ")
        return (func.julianday(stamp) - func.julianday(column)) * 24.0
    return func.extract("epoch", literal(now, DateTime) - column) / 3600.0


def _queue_select(
    session: Session,
    workspace_id: int,
    *,
    statuses: Sequence[str],
    platform: str | None,
    assignee: str | None,
    intent: str | None,
    sentiment: str | None,
    exclude_intent: str | None,
    now: dt.datetime,
) -> tuple[Select[Any], ColumnElement[Any], Any, tuple[Subquery, Subquery]]:
    """The queue's statement (the ids of the open threads matching the filters, joined to
    their latest message from outside and its post), the priority in SQL, the waiting-since
    column and the person-label subqueries (for the caller's columns).

    Only the messages of threads in `statuses` are read: the work grows with the open threads,
    not with the workspace's whole history."""
    ps, pi = _person_label(workspace_id, "sentiment"), _person_label(workspace_id, "intent")
    chosen = select(MessageThread.id).where(
        MessageThread.workspace_id == workspace_id, MessageThread.status.in_(list(statuses))
    )
    if platform:
        chosen = chosen.where(MessageThread.platform == platform)
    if assignee:
        chosen = chosen.where(MessageThread.assignee == assignee)
    open_ids = chosen.subquery("open_threads")
    last_org = (
        select(Message.thread_id, func.max(Message.received_at).label("answered"))
        .join(open_ids, open_ids.c.id == Message.thread_id)
        .where(Message.workspace_id == workspace_id, Message.is_from_org.is_(True))
        .group_by(Message.thread_id)
        .subquery()
    )
    # the person's own time of writing (received_at is the platform's created time of the
    # message, never the moment of the import)
    waiting = (
        select(
            Message.thread_id,
            func.min(Message.received_at).label("since"),
            func.max(Message.id).label("last_id"),
        )
        .join(open_ids, open_ids.c.id == Message.thread_id)
        .outerjoin(last_org, last_org.c.thread_id == Message.thread_id)
        .where(
            Message.workspace_id == workspace_id,
            Message.is_from_org.is_(False),
            (last_org.c.answered.is_(None)) | (Message.received_at > last_org.c.answered),
        )
        .group_by(Message.thread_id)
        .subquery()
    )
    hours = _hours_since(session, waiting.c.since, now)
    waited = case((hours <= 0, 1.0), (hours >= 48, 3.0), else_=1.0 + hours / 24.0)
    followers = Message.author_followers
    reach = case(
        (followers.is_(None) | (followers < 0), 1.0),
        else_=1.0 + func.log10(1.0 + followers) / 2.0,
    )
    priority = func.coalesce(Message.urgency, 0.2) * reach * waited
    shown_intent = func.coalesce(pi.c.value, Message.intent)
    q = (
        select(MessageThread.id)
        .select_from(MessageThread)
        .join(waiting, waiting.c.thread_id == MessageThread.id)
        .join(Message, Message.id == waiting.c.last_id)
        .outerjoin(ps, ps.c.message_id == Message.id)
        .outerjoin(pi, pi.c.message_id == Message.id)
        .outerjoin(
            Post,
            (Post.account_id == MessageThread.account_id)
            & (Post.external_id == MessageThread.post_external_id),
        )
        .where(MessageThread.workspace_id == workspace_id)
    )
    if intent:
        q = q.where(shown_intent == intent)
    elif exclude_intent:
        q = q.where((shown_intent.is_(None)) | (shown_intent != exclude_intent))
    if sentiment:
        q = q.where(func.coalesce(ps.c.value, Message.sentiment) == sentiment)
    return q, priority, waiting.c.since, (ps, pi)


def queue(
    session: Session,
    workspace_id: int,
    *,
    statuses: Sequence[str] = OPEN,
    platform: str | None = None,
    assignee: str | None = None,
    intent: str | None = None,
    sentiment: str | None = None,
    exclude_intent: str | None = None,
    now: dt.datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> pd.DataFrame:
    """One page of open threads, most urgent first, with their latest message from outside,
    what triage said of it and a link to it on the platform (the message's or its post's).

    Urgent is priority = urgency x reach x waiting (socialdesk.inbox.triage), computed in SQL
    at `now` so a page is LIMIT/OFFSET over the ranked threads. `waiting_since` is the first
    message from outside after the organisation's last answer (its own time, as written). A
    person's sentiment or intent label wins over the reading (also in the filters);
    `exclude_intent` leaves those threads out (the queue folds spam away), `intent` wins
    over it.
    """
    moment = now or _now()
    _ensure_log10(session)
    q, priority, since, (ps, pi) = _queue_select(
        session,
        workspace_id,
        statuses=statuses,
        platform=platform,
        assignee=assignee,
        intent=intent,
        sentiment=sentiment,
        exclude_intent=exclude_intent,
        now=moment,
    )
    q = q.with_only_columns(
        MessageThread.id,
        MessageThread.platform,
        MessageThread.kind,
        MessageThread.status,
        MessageThread.assignee,
        MessageThread.subject,
        since,
        Message.id,
        Message.author_handle,
        Message.author_name,
        Message.author_followers,
        Message.text,
        Message.language,
        *[_shown(c, ps, pi) for c in SHOWN],
        Message.urgency,
        Message.triaged_by,
        Message.received_at,
        func.coalesce(Message.permalink, Post.permalink),
        maintain_column_froms=False,
    )
    q = q.order_by(priority.desc(), since, MessageThread.id).limit(limit).offset(offset)
    frame = _frame(session.execute(q).all(), QUEUE_COLUMNS)
    frame["waiting_since"] = pd.to_datetime(frame["waiting_since"])
    return frame


def queue_count(
    session: Session,
    workspace_id: int,
    *,
    statuses: Sequence[str] = OPEN,
    platform: str | None = None,
    assignee: str | None = None,
    intent: str | None = None,
    sentiment: str | None = None,
    exclude_intent: str | None = None,
    cap: int = 10_000,
) -> int:
    """How many threads the queue holds with these filters, counted up to cap + 1 (a count
    above `cap` says "more than")."""
    q, _priority, _since, _labels = _queue_select(
        session,
        workspace_id,
        statuses=statuses,
        platform=platform,
        assignee=assignee,
        intent=intent,
        sentiment=sentiment,
        exclude_intent=exclude_intent,
        now=_now(),
    )
    bounded = q.limit(cap + 1).subquery()
    return int(session.scalar(select(func.count()).select_from(bounded)) or 0)


def queue_choices(session: Session, workspace_id: int, *, limit: int = 200) -> dict[str, list[str]]:
    """The platforms and assignees of the workspace's threads (the queue's filter lists)."""
    out: dict[str, list[str]] = {}
    for name in ("platform", "assignee"):
        col = getattr(MessageThread, name)
        q = (
            select(col)
            .where(MessageThread.workspace_id == workspace_id, col.is_not(None))
            .distinct()
            .order_by(col)
            .limit(limit)
        )
        out[name] = [str(v) for v in session.scalars(q)]
    return out


def thread_messages(session: Session, workspace_id: int, thread_id: int) -> pd.DataFrame:
    """A thread's messages, oldest first (a person's label wins over the reading)."""
    ps, pi = _person_label(workspace_id, "sentiment"), _person_label(workspace_id, "intent")
    names = (*MESSAGE_COLUMNS, *LABEL_COLUMNS)
    q = (
        select(*[_shown(c, ps, pi) for c in names])
        .outerjoin(ps, ps.c.message_id == Message.id)
        .outerjoin(pi, pi.c.message_id == Message.id)
        .where(Message.workspace_id == workspace_id, Message.thread_id == thread_id)
        .order_by(Message.received_at, Message.id)
    )
    return _frame(session.execute(q).all(), names)


def thread_row(session: Session, workspace_id: int, thread_id: int) -> MessageThread | None:
    return session.scalar(
        select(MessageThread).where(
            MessageThread.workspace_id == workspace_id, MessageThread.id == thread_id
        )
    )


def _rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched (its result is a CursorResult, which
    Session.execute's signature does not say)."""
    return cast(CursorResult[Any], result).rowcount


def set_status(session: Session, workspace_id: int, thread_id: int, status: str) -> bool:
    values: dict[str, Any] = {"status": status, "updated_at": _now()}
    values["done_at"] = _now() if status == "done" else None
    res = session.execute(
        update(MessageThread)
        .where(MessageThread.workspace_id == workspace_id, MessageThread.id == thread_id)
        .values(**values)
    )
    return bool(_rowcount(res))


def assign(
    session: Session, workspace_id: int, thread_id: int, assignee: str | None, by: str
) -> bool:
    res = session.execute(
        update(MessageThread)
        .where(MessageThread.workspace_id == workspace_id, MessageThread.id == thread_id)
        .values(assignee=assignee, updated_at=_now())
    )
    if not _rowcount(res):
        return False
    session.add(MessageAssignment(thread_id=thread_id, assignee=assignee, assigned_by=by))
    return True


def set_label(
    session: Session, workspace_id: int, message_id: int, kind: str, value: str, by: str
) -> bool:
    """A person's label; for sentiment, intent and urgency it replaces the earlier one."""
    owned = session.scalar(
        select(Message.id).where(Message.workspace_id == workspace_id, Message.id == message_id)
    )
    if owned is None:
        return False
    if kind in SINGLE_LABELS:
        session.execute(
            delete(MessageLabel).where(
                MessageLabel.message_id == message_id, MessageLabel.kind == kind
            )
        )
    session.add(
        MessageLabel(
            workspace_id=workspace_id,
            message_id=message_id,
            kind=kind,
            value=value,
            set_by=by,
            source="person",
        )
    )
    return True


def labels(session: Session, workspace_id: int, kind: str) -> pd.DataFrame:
    """The labels of one kind with their message's text and language (the training set)."""
    q = (
        select(Message.id, Message.text, Message.language, MessageLabel.value, MessageLabel.source)
        .join(MessageLabel, MessageLabel.message_id == Message.id)
        .where(MessageLabel.workspace_id == workspace_id, MessageLabel.kind == kind)
        .order_by(Message.id)
    )
    return _frame(session.execute(q).all(), ["id", "text", "language", "label", "source"])


def save_draft(
    session: Session,
    workspace_id: int,
    thread_id: int,
    message_id: int | None,
    text: str,
    language: str | None,
    author: str,
) -> int:
    reply = MessageReply(
        workspace_id=workspace_id,
        thread_id=thread_id,
        message_id=message_id,
        text=text,
        language=language,
        author=author,
        status="draft",
    )
    session.add(reply)
    session.flush()
    return reply.id


def mark_sent(session: Session, workspace_id: int, reply_id: int, by: str) -> bool:
    """A person says they sent this reply on the platform: it counts as the team's answer."""
    reply = session.scalar(
        select(MessageReply).where(
            MessageReply.workspace_id == workspace_id, MessageReply.id == reply_id
        )
    )
    if reply is None or reply.status == "sent":
        return False
    reply.status, reply.sent_at, reply.author = "sent", _now(), by
    return True


def replies(session: Session, workspace_id: int, thread_id: int) -> pd.DataFrame:
    cols = ("id", "message_id", "text", "language", "author", "status", "created_at", "sent_at")
    q = (
        select(*[getattr(MessageReply, c) for c in cols])
        .where(MessageReply.workspace_id == workspace_id, MessageReply.thread_id == thread_id)
        .order_by(MessageReply.created_at)
    )
    return _frame(session.execute(q).all(), cols)


def saved_replies(session: Session, workspace_id: int, language: str | None = None) -> pd.DataFrame:
    cols = ("id", "name", "language", "intent", "text")
    q = select(*[getattr(SavedReply, c) for c in cols]).where(
        SavedReply.workspace_id == workspace_id
    )
    if language:
        q = q.where(SavedReply.language == language)
    return _frame(session.execute(q.order_by(SavedReply.name)).all(), cols)


def save_saved_reply(
    session: Session,
    workspace_id: int,
    name: str,
    language: str,
    text: str,
    intent: str | None = None,
) -> None:
    from socialdesk.store.upsert import upsert

    upsert(
        session,
        SavedReply.__table__,
        [
            {
                "workspace_id": workspace_id,
                "name": name,
                "language": language,
                "intent": intent,
                "text": text,
            }
        ],
        keys=("workspace_id", "name", "language"),
        update=["intent", "text"],
    )


def saved_reply(session: Session, workspace_id: int, reply_id: int) -> SavedReply | None:
    return session.scalar(
        select(SavedReply).where(SavedReply.workspace_id == workspace_id, SavedReply.id == reply_id)
    )


class DuplicateName(ValueError):
    """Another saved reply of the workspace already has this name in this language."""


def put_saved_reply(
    session: Session,
    workspace_id: int,
    reply_id: int | None,
    *,
    name: str,
    language: str,
    text: str,
    intent: str | None = None,
) -> int | None:
    """Add a saved reply (reply_id None) or change one; its id, or None if it is not ours.

    Raises DuplicateName when another reply has the same name and language."""
    clash = session.scalar(
        select(SavedReply.id).where(
            SavedReply.workspace_id == workspace_id,
            SavedReply.name == name,
            SavedReply.language == language,
        )
    )
    if clash is not None and clash != reply_id:
        raise DuplicateName(name)
    if reply_id is None:
        row = SavedReply(
            workspace_id=workspace_id, name=name, language=language, intent=intent, text=text
        )
        session.add(row)
        session.flush()
        return row.id
    found = saved_reply(session, workspace_id, reply_id)
    if found is None:
        return None
    found.name, found.language, found.intent, found.text = name, language, intent, text
    session.flush()
    return found.id


def delete_saved_reply(session: Session, workspace_id: int, reply_id: int) -> bool:
    res = session.execute(
        delete(SavedReply).where(SavedReply.workspace_id == workspace_id, SavedReply.id == reply_id)
    )
    return bool(_rowcount(res))


def unlabelled(
    session: Session, workspace_id: int, kind: str = "sentiment", *, limit: int = 1000
) -> pd.DataFrame:
    """The newest messages from outside that no person labelled (of `kind`) yet: the pool
    the inbox asks labels for."""
    labelled = select(MessageLabel.message_id).where(
        MessageLabel.workspace_id == workspace_id,
        MessageLabel.kind == kind,
        MessageLabel.message_id == Message.id,
    )
    cols = (
        "id",
        "thread_id",
        "platform",
        "author_handle",
        "author_name",
        "text",
        "language",
        "received_at",
        "sentiment",
        "sentiment_confidence",
        "intent",
        "intent_confidence",
        "triaged_by",
    )
    q = (
        select(*[getattr(Message, c) for c in cols])
        .where(
            Message.workspace_id == workspace_id,
            Message.is_from_org.is_(False),
            ~labelled.exists(),
        )
        .order_by(Message.received_at.desc(), Message.id.desc())
        .limit(limit)
    )
    frame = _frame(session.execute(q).all(), cols).rename(columns={"id": "message_id"})
    frame["received_at"] = pd.to_datetime(frame["received_at"])
    return frame


def label_counts(session: Session, workspace_id: int) -> dict[str, int]:
    """How many messages a person labelled, per kind."""
    q = (
        select(MessageLabel.kind, func.count(func.distinct(MessageLabel.message_id)))
        .where(MessageLabel.workspace_id == workspace_id)
        .group_by(MessageLabel.kind)
    )
    return {str(k): int(n) for k, n in session.execute(q).all()}


def workspace_name(session: Session, workspace_id: int) -> str | None:
    return session.scalar(select(Workspace.name).where(Workspace.id == workspace_id))


def inbox_settings(session: Session, workspace_id: int) -> dict[str, Any]:
    """The workspace's inbox settings as stored (a workspace fact; {} when never saved)."""
    value = session.scalar(
        select(WorkspaceFact.value).where(
            WorkspaceFact.workspace_id == workspace_id, WorkspaceFact.key == SETTINGS_KEY
        )
    )
    return dict(value or {})


def save_inbox_settings(session: Session, workspace_id: int, value: dict[str, Any]) -> None:
    from socialdesk.store.upsert import upsert

    row = {"workspace_id": workspace_id, "key": SETTINGS_KEY, "value": value}
    upsert(session, WorkspaceFact.__table__, [row], keys=("workspace_id", "key"))


def newest_message_at(session: Session, workspace_id: int) -> dt.datetime | None:
    """When the newest message from outside arrived (None in an empty inbox)."""
    return session.scalar(
        select(func.max(Message.received_at)).where(
            Message.workspace_id == workspace_id, Message.is_from_org.is_(False)
        )
    )


def save_model(
    session: Session,
    workspace_id: int,
    *,
    target: str,
    payload: str,
    n_labels: int,
    holdout_n: int,
    score_model: float | None,
    score_lexicon: float | None,
    in_charge: bool,
    languages: dict[str, Any] | None = None,
) -> None:
    """Store (or replace) the workspace's model for `target`; `languages`: the verdict per
    language (learning.decisions_plain; None: `in_charge` covers every language)."""
    from socialdesk.store.upsert import upsert

    upsert(
        session,
        InboxModel.__table__,
        [
            {
                "workspace_id": workspace_id,
                "target": target,
                "trained_at": _now(),
                "n_labels": n_labels,
                "holdout_n": holdout_n,
                "score_model": score_model,
                "score_lexicon": score_lexicon,
                "metric": "macro-F1",
                "in_charge": in_charge,
                "languages": languages,
                "payload": payload,
            }
        ],
        keys=("workspace_id", "target"),
    )


def models(session: Session, workspace_id: int) -> list[InboxModel]:
    return list(session.scalars(select(InboxModel).where(InboxModel.workspace_id == workspace_id)))


def posts_media(session: Session, workspace_id: int) -> pd.DataFrame:
    """Post external ids with their media type (what the comments reacted to)."""
    q = (
        select(Post.external_id, Post.media_type)
        .join(Account, Account.id == Post.account_id)
        .where(Account.workspace_id == workspace_id, Post.media_type.is_not(None))
    )
    return _frame(session.execute(q).all(), ["external_id", "media_type"])


__all__ = [
    "DuplicateName",
    "assign",
    "delete_saved_reply",
    "inbox_settings",
    "label_counts",
    "labels",
    "mark_sent",
    "messages",
    "models",
    "newest_message_at",
    "posts_media",
    "put_saved_reply",
    "queue",
    "queue_choices",
    "queue_count",
    "replies",
    "save_draft",
    "save_inbox_settings",
    "save_model",
    "save_saved_reply",
    "saved_replies",
    "saved_reply",
    "set_label",
    "set_status",
    "thread_messages",
    "thread_row",
    "threads",
    "unlabelled",
    "untriaged",
    "workspace_name",
    "write_triage",
]
