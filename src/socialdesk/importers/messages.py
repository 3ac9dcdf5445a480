"""Writing a messages chunk: accounts, threads, messages, imported labels, thread state.

Threads: a message's thread is its `thread_external_id` when the file gives one; otherwise
the loader follows `in_reply_to` up through the file, then through messages imported before,
to the first message of the conversation (a parent that is in neither names the thread, so
replies to the same missing message still meet).

Thread state after an import that brought newer messages into a thread:
- the last message is the organisation's: "done" (answered; done_at = that message's time);
- the last message is from outside: "new" when the organisation never answered, else "open".
A person's later status changes stand until newer messages arrive.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import select, update

from socialdesk.importers.base import AccountRef, Chunk
from socialdesk.model import Message, MessageLabel, MessageThread

if TYPE_CHECKING:
    from socialdesk.importers.load import Loader

_OPTIONAL = (
    "author_name",
    "author_followers",
    "language",
    "in_reply_to",
    "answered_by",
    "permalink",
)
_LABELS = {"label_sentiment": "sentiment", "label_intent": "intent", "label_urgency": "urgency"}
_STEP = 1000


def _none(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA else v


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _known_threads(loader: Loader, platform: str, ids: list[str]) -> dict[str, str]:
    """external id of a message imported before -> its thread's external id."""
    out: dict[str, str] = {}
    for i in range(0, len(ids), _STEP):
        part = ids[i : i + _STEP]
        q = (
            select(Message.external_id, MessageThread.external_id)
            .join(MessageThread, MessageThread.id == Message.thread_id)
            .where(
                Message.workspace_id == loader.workspace_id,
                Message.platform == platform,
                Message.external_id.in_(part),
            )
        )
        out.update({row[0]: row[1] for row in loader.session.execute(q).all()})
    return out


def thread_keys(frame: pd.DataFrame, known: dict[str, str]) -> list[str]:
    """Each message's thread external id (see the module docstring)."""
    parent = {e: _none(p) for e, p in zip(frame["external_id"], frame["in_reply_to"], strict=True)}
    given = {
        e: _none(t) for e, t in zip(frame["external_id"], frame["thread_external_id"], strict=True)
    }
    cache: dict[str, str] = {}

    def resolve(ext: str) -> str:
        path = []
        cur = ext
        while True:
            if cur in cache:
                key = cache[cur]
                break
            if given.get(cur):
                key = str(given[cur])
                break
            path.append(cur)
            up = parent.get(cur)
            if up is None:
                key = cur
                break
            up = str(up)
            if up in known:
                key = known[up]
                break
            if up not in parent or up in path:  # outside the file, or a loop
                key = up
                break
            cur = up
        for p in path:
            cache[p] = key
        return key

    return [resolve(str(e)) for e in frame["external_id"]]


def load_messages(loader: Loader, chunk: Chunk) -> None:
    frame = chunk.frame.copy()
    platform = chunk.account.platform
    ws = loader.workspace_id
    # accounts: one per account_handle in the file, else the chunk's
    handles = frame["account_handle"].map(_none)
    default_id: int | None = None
    acc_ids: list[int] = []
    cache: dict[str, int] = {}
    for h, name in zip(handles, frame["account_name"].map(_none), strict=True):
        if h is None:
            if default_id is None:
                default_id = loader.account_id(chunk.account)
            acc_ids.append(default_id)
            continue
        if h not in cache:
            cache[h] = loader.account_id(AccountRef(platform, str(h), name=name))
        acc_ids.append(cache[h])
    frame["account_id"] = acc_ids
    # threads
    parents = [str(p) for p in frame["in_reply_to"].map(_none).dropna()]
    outside = sorted(set(parents) - set(frame["external_id"]))
    frame["thread_key"] = thread_keys(frame, _known_threads(loader, platform, outside))
    frame = frame.sort_values("received_at", kind="stable")
    firsts = frame.groupby("thread_key", sort=False).first()
    # a thread with a direct message is a dm thread, else its first message's kind
    has_dm = frame["kind"].eq("dm").groupby(frame["thread_key"], sort=False).any()
    kinds = firsts["kind"].where(~has_dm.reindex(firsts.index, fill_value=False), "dm")
    now = _now()
    thread_rows = [
        {
            "workspace_id": ws,
            "platform": platform,
            "external_id": key,
            "account_id": int(account),
            "kind": str(kind),
            "subject": _none(subject),
            "post_external_id": _none(post),
            "status": "new",
            "updated_at": now,
        }
        for key, account, kind, subject, post in zip(
            firsts.index,
            firsts["account_id"],
            kinds,
            firsts["subject"],
            firsts["post_external_id"],
            strict=True,
        )
    ]
    loader._count(
        "message_thread",
        loader.upsert(
            MessageThread.__table__,
            thread_rows,
            keys=("workspace_id", "platform", "external_id"),
            update=["updated_at"],
        ),
    )
    keys = list(firsts.index)
    thread_ids: dict[str, int] = {}
    for i in range(0, len(keys), _STEP):
        q = select(MessageThread.external_id, MessageThread.id).where(
            MessageThread.workspace_id == ws,
            MessageThread.platform == platform,
            MessageThread.external_id.in_(keys[i : i + _STEP]),
        )
        thread_ids.update(dict(loader.session.execute(q).all()))
    if loader.dry_run:  # the threads it would have added
        for key in keys:
            if key not in thread_ids:
                thread_ids[key] = loader.made_up_id(MessageThread.__table__, (ws, platform, key))
    # messages
    rows = pd.DataFrame(
        {
            "workspace_id": ws,
            "thread_id": frame["thread_key"].map(thread_ids).astype("int64"),
            "account_id": frame["account_id"].astype("int64"),
            "platform": platform,
            "external_id": frame["external_id"].astype(str),
            "kind": frame["kind"].astype(str),
            "author_handle": frame["author_handle"].astype(str),
            "text": frame["text"].astype(str),
            "received_at": frame["received_at"],
            "is_from_org": pd.Series(
                [bool(v) for v in frame["is_from_org"]], index=frame.index, dtype=object
            ),
            "import_batch_id": loader.batch_id,
        }
    )
    for col in _OPTIONAL:  # a column the file does not fill never blanks what is stored
        values = frame[col].map(_none)
        if values.notna().any():
            rows[col] = pd.to_numeric(values) if col == "author_followers" else values
    res = loader.upsert_frame(
        Message.__table__,
        rows,
        keys=("workspace_id", "platform", "external_id"),
        return_ids=True,
    )
    loader._count("message", res.pair)
    assert res.ids is not None
    msg_ids = {ext: mid for (_w, _p, ext), mid in res.ids.items()}
    # labels a person set elsewhere (or the demo's truths)
    label_rows = []
    for col, kind in _LABELS.items():
        for ext, value in zip(frame["external_id"], frame[col].map(_none), strict=True):
            if value is not None and str(value).strip():
                label_rows.append(
                    {
                        "workspace_id": ws,
                        "message_id": msg_ids[str(ext)],
                        "kind": kind,
                        "value": str(value).strip().lower(),
                        "set_by": "import",
                        "source": "import",
                        "set_at": now,
                    }
                )
    if label_rows:
        loader._count(
            "message_label",
            loader.upsert(
                MessageLabel.__table__,
                label_rows,
                keys=("message_id", "kind", "value"),
                update=["set_at"],
            ),
        )
    if not loader.dry_run:
        _refresh_threads(loader, list(thread_ids.values()))


def _refresh_threads(loader: Loader, ids: list[int]) -> None:
    """opened_at, last_message_at and status of threads that received messages."""
    session = loader.session
    for i in range(0, len(ids), _STEP):
        part = ids[i : i + _STEP]
        msgs = pd.DataFrame(
            session.execute(
                select(Message.thread_id, Message.received_at, Message.is_from_org).where(
                    Message.thread_id.in_(part)
                )
            ).all(),
            columns=["thread_id", "received_at", "is_from_org"],
        )
        state = {
            t: (s, last)
            for t, s, last in session.execute(
                select(MessageThread.id, MessageThread.status, MessageThread.last_message_at).where(
                    MessageThread.id.in_(part)
                )
            )
        }
        if msgs.empty:
            continue
        msgs["received_at"] = pd.to_datetime(msgs["received_at"])
        msgs["is_from_org"] = msgs["is_from_org"].astype(bool)
        msgs = msgs.sort_values(["thread_id", "received_at"], kind="stable")
        by = msgs.groupby("thread_id", sort=False)
        last = by.tail(1).set_index("thread_id")
        inbound = msgs[~msgs["is_from_org"]].groupby("thread_id")["received_at"].min()
        answered = by["is_from_org"].any()
        plain: list[dict[str, Any]] = []  # one bulk UPDATE by primary key per key set
        moved: list[dict[str, Any]] = []
        tid: Any  # a thread id (an int column; pandas-stubs types an index label as Hashable)
        for tid, row in last.iterrows():
            last_at = row["received_at"].to_pydatetime()
            opened = inbound.get(tid)
            values: dict[str, Any] = {
                "id": int(tid),
                "opened_at": None if opened is None or pd.isna(opened) else opened.to_pydatetime(),
                "last_message_at": last_at,
            }
            old_status, old_last = state.get(int(tid), ("new", None))
            if (
                old_last is None
                or pd.Timestamp(old_last) < pd.Timestamp(last_at)
                or old_status == "new"
            ):
                if bool(row["is_from_org"]):
                    values["status"], values["done_at"] = "done", last_at
                else:
                    values["status"] = "open" if bool(answered[tid]) else "new"
                    values["done_at"] = None
                moved.append(values)
            else:
                plain.append(values)
        for rows in (plain, moved):
            if rows:
                session.execute(update(MessageThread), rows)
