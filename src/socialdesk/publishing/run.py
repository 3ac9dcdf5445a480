"""Publishing from the calendar (issue #15): the seam the faces and the worker call.

The flow of a calendar item: draft -> review -> approved -> scheduled -> published (or failed,
with the reason, and a retry). An item goes out on one or more connected accounts
(`set_targets`: a Publication per connection, with the network's own text where it differs).

- `approve` needs the right to approve (Membership.can_approve, given by an admin by name):
  once approval lets a post go out, it is not a role's.
- `schedule` runs the checks of every target (publishing/checks.py: length, media, alt text,
  link, time, an active connection) and refuses with every problem, nothing scheduled, or
  puts the item and its publications on `scheduled` at the item's time.
- `publish_due` (the worker, each minute) sends what is due, **exactly once**:
    1. claim: `scheduled` -> `sending` with attempts + 1 and attempt_at, committed before the
       platform is called (a second worker's claim of the same row updates nothing);
    2. send with the publication's idempotency key (Bluesky: a record key derived from it;
       Mastodon: the Idempotency-Key header);
    3. record: `published` with the platform's id and URL, the post stored as a post (so its
       metrics sync in and it counts towards its objective), an audit event.
  A publication left in `sending` (the worker died between 2 and 3, or the platform did not
  answer in time) is looked for on the platform (`find`, by key or by text and time) once
  STALE has passed, and recorded if it is there, sent again only if it is not.
  A rate limit or server error retries later (the platform's time, else a backoff); a
  refused post (text, media, permission) fails with the reason; an expired credential fails
  and parks the connection. After MAX_ATTEMPTS it fails.
- Every step lands in the audit log (PublishEvent): who, when, what was sent, the answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from socialdesk.connectors import builtin_connectors
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.errors import ConnectorError
from socialdesk.connectors.secrets import SecretBox
from socialdesk.errors import SocialdeskError
from socialdesk.model import (
    Connection,
    ImportBatch,
    PlanItem,
    Post,
    Publication,
    PublishEvent,
)
from socialdesk.phrases import Phrase
from socialdesk.publishing.base import Draft, MediaFile, Publisher, Sent
from socialdesk.users.accounts import may_approve, set_approver

log = logging.getLogger(__name__)

STALE = dt.timedelta(minutes=10)  # a `sending` attempt older than this is looked for
MAX_ATTEMPTS = 6
RETRY_DELAY = dt.timedelta(minutes=1)  # doubled per attempt: 1, 2, 4, 8, 16 minutes
TIMEZONE = "Europe/Amsterdam"
MEDIA_FOLDER = "media"  # in the workspace folder: the files calendar items carry


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def publishers() -> dict[str, Publisher]:
    """The networks socialdesk publishes to, by connector name."""
    from socialdesk.publishing import bluesky, mastodon

    return {p.network: p for p in (bluesky.PUBLISHER, mastodon.PUBLISHER)}


class PublishError(SocialdeskError):
    """A calendar action that is refused, with the reason (a Phrase) or the checks' problems."""

    def __init__(self, reason: str, problems: Sequence[Any] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problems = tuple(problems)


class NotAllowed(PublishError):
    """The person lacks the right (approve) or the role (schedule) for this step."""


# -- the audit log -------------------------------------------------------------------------------
def _event(
    session: Session,
    item: PlanItem,
    actor: str,
    action: str,
    publication: Publication | None = None,
    **detail: Any,
) -> None:
    session.add(
        PublishEvent(
            workspace_id=item.workspace_id,
            plan_item_id=item.id,
            publication_id=publication.id if publication else None,
            actor=actor,
            action=action,
            detail=detail,
            at=_now(),
        )
    )


@dataclass(frozen=True)
class AuditEvent:
    at: dt.datetime
    actor: str
    action: str
    network: str | None
    detail: dict[str, Any]


def audit(session: Session, workspace_id: int, item_id: int) -> tuple[AuditEvent, ...]:
    """A calendar item's audit log, oldest first."""
    rows = session.execute(
        select(PublishEvent, Publication.network)
        .outerjoin(Publication, Publication.id == PublishEvent.publication_id)
        .where(PublishEvent.workspace_id == workspace_id, PublishEvent.plan_item_id == item_id)
        .order_by(PublishEvent.at, PublishEvent.id)
    ).all()
    return tuple(AuditEvent(e.at, e.actor, e.action, net, dict(e.detail or {})) for e, net in rows)


# -- targets -------------------------------------------------------------------------------------
def _item(session: Session, workspace_id: int, item_id: int) -> PlanItem:
    item = session.get(PlanItem, item_id)
    if item is None or item.workspace_id != workspace_id:
        raise PublishError(Phrase("There is no calendar item %(id)s.", id=item_id))
    return item


def set_targets(
    session: Session,
    workspace_id: int,
    item_id: int,
    connection_ids: Sequence[int],
    *,
    by: str,
    texts: dict[int, str] | None = None,
) -> tuple[int, ...]:
    """The connected accounts the item goes out on (each with its own text in `texts`, else the
    item's); a target already published or sending is kept. Returns the publications' ids."""
    item = _item(session, workspace_id, item_id)
    registry = publishers()
    texts = texts or {}
    current = {
        p.connection_id: p
        for p in session.scalars(select(Publication).where(Publication.plan_item_id == item.id))
    }
    wanted = list(dict.fromkeys(connection_ids))
    for cid in wanted:
        conn = session.get(Connection, cid)
        if conn is None or conn.workspace_id != workspace_id:
            raise PublishError(Phrase("There is no connection %(id)s.", id=cid))
        if conn.platform not in registry:
            raise PublishError(
                Phrase("socialdesk cannot publish to %(platform)s yet.", platform=conn.platform)
            )
        pub = current.get(cid)
        if pub is None:
            pub = Publication(
                workspace_id=workspace_id,
                plan_item_id=item.id,
                connection_id=cid,
                network=conn.platform,
                status="waiting",
                key=uuid.uuid4().hex,
                attempts=0,
            )
            session.add(pub)
            current[cid] = pub
        if cid in texts:
            pub.text = texts[cid] or None
    for cid, pub in current.items():
        if cid not in wanted and pub.status in ("waiting", "scheduled", "failed"):
            session.delete(pub)
    session.flush()
    _event(session, item, by, "targets", accounts=[current[c].network for c in wanted])
    return tuple(current[c].id for c in wanted)


# -- the draft a network gets --------------------------------------------------------------------
def media_root(folder: Path) -> Path:
    return Path(folder) / MEDIA_FOLDER


def _media(item: PlanItem, folder: Path) -> tuple[MediaFile, ...]:
    files = (item.media or {}).get("files") or []
    out = []
    for f in files:
        out.append(
            MediaFile(
                path=media_root(folder) / str(f["path"]),
                mime=str(f.get("mime") or "application/octet-stream"),
                alt=str(f.get("alt") or ""),
                width=f.get("width"),
                height=f.get("height"),
            )
        )
    return tuple(out)


def draft_for(item: PlanItem, pub: Publication, folder: Path) -> Draft:
    when = item.scheduled_at or _now()
    return Draft(
        network=pub.network,
        text=pub.text if pub.text is not None else (item.text or ""),
        created_at=when.replace(tzinfo=dt.UTC),
        media=_media(item, folder),
        link=item.link,
        link_title=item.title,
        first_comment=item.first_comment,
    )


# -- checks and scheduling -----------------------------------------------------------------------
@dataclass(frozen=True)
class TargetCheck:
    publication_id: int
    network: str
    handle: str
    text: str
    length: int
    remaining: int
    problems: tuple[Any, ...]  # checks.Problem


def _connection_problem(conn: Connection, now: dt.datetime) -> Phrase | None:
    if conn.status != "active":
        return Phrase(
            "The connection %(handle)s is paused: resume it on the Connections page.",
            handle=conn.handle,
        )
    if (conn.settings or {}).get("blocked"):
        return Phrase(
            "The connection %(handle)s needs to be connected again: its credential was refused.",
            handle=conn.handle,
        )
    if conn.expires_at is not None and conn.expires_at <= now:
        return Phrase(
            "The credential of %(handle)s expired on %(day)s: connect it again.",
            handle=conn.handle,
            day=conn.expires_at.date().isoformat(),
        )
    return None


def check_item(
    session: Session,
    workspace_id: int,
    item_id: int,
    folder: Path,
    *,
    now: dt.datetime | None = None,
) -> tuple[TargetCheck, ...]:
    """Per target the text as it goes out, its length and what is wrong with it."""
    from socialdesk.publishing import checks

    now = now or _now()
    item = _item(session, workspace_id, item_id)
    out = []
    pubs = session.scalars(
        select(Publication).where(Publication.plan_item_id == item.id).order_by(Publication.id)
    )
    for pub in pubs:
        conn = session.get(Connection, pub.connection_id)
        assert conn is not None
        draft = draft_for(item, pub, folder)
        limit = (conn.settings or {}).get("max_characters")
        problems = list(
            checks.check_draft(draft, now=now.replace(tzinfo=dt.UTC), limit=limit, tz=TIMEZONE)
        )
        why = _connection_problem(conn, now)
        if why is not None:
            problems.append(checks.Problem("connection", why, None))
        if item.scheduled_at is None:
            problems.append(
                checks.Problem(
                    "time", Phrase("The item has no date and time: give it one."), "time"
                )
            )
        out.append(
            TargetCheck(
                pub.id,
                pub.network,
                conn.handle,
                draft.text,
                checks.text_length(draft.text, pub.network),
                checks.remaining(draft.text, pub.network, limit),
                tuple(problems),
            )
        )
    return tuple(out)


def approve(session: Session, workspace_id: int, item_id: int, *, by: str) -> None:
    """Approve a draft or an item in review (NotAllowed without the right to approve)."""
    item = _item(session, workspace_id, item_id)
    if not may_approve(session, workspace_id, by):
        raise NotAllowed(
            Phrase(
                "%(user)s may not approve: an admin gives that right by name "
                "(socialdesk users approver NAME).",
                user=by,
            )
        )
    if item.status not in ("draft", "review"):
        raise PublishError(
            Phrase(
                "Only a draft or an item in review can be approved; this one is %(status)s.",
                status=item.status,
            )
        )
    item.status, item.approved_by, item.approved_at = "approved", by, _now()
    _event(session, item, by, "approved")


def schedule(
    session: Session,
    workspace_id: int,
    item_id: int,
    folder: Path,
    *,
    by: str,
    now: dt.datetime | None = None,
) -> tuple[TargetCheck, ...]:
    """Put an approved item with its targets on `scheduled` (the worker sends it at its time),
    or refuse with every problem the checks find; nothing changes then."""
    now = now or _now()
    item = _item(session, workspace_id, item_id)
    if item.status not in ("approved", "failed", "scheduled"):
        raise PublishError(
            Phrase(
                "Only an approved item can be scheduled; this one is %(status)s.",
                status=item.status,
            )
        )
    found = check_item(session, workspace_id, item_id, folder, now=now)
    if not found:
        raise PublishError(Phrase("Choose at least one connected account to publish on."))
    problems = [p for t in found for p in t.problems]
    if problems:
        raise PublishError(
            Phrase("%(n)s problems stand in the way of scheduling.", n=len(problems)), problems
        )
    for pub in session.scalars(select(Publication).where(Publication.plan_item_id == item.id)):
        if pub.status in ("waiting", "failed", "scheduled"):
            pub.status, pub.due_at, pub.error = "scheduled", item.scheduled_at, None
    item.status = "scheduled"
    _event(session, item, by, "scheduled", at=f"{item.scheduled_at:%Y-%m-%d %H:%M} UTC")
    return found


def send_now(
    session: Session, workspace_id: int, item_id: int, folder: Path, *, by: str
) -> tuple[TargetCheck, ...]:
    """Move an approved (or scheduled, or failed) item's time to now and schedule it, checks
    and all, so that `publish_due` sends it at once."""
    now = _now()
    item = _item(session, workspace_id, item_id)
    if item.status == "published":
        raise PublishError(Phrase("This item is published already."))
    item.scheduled_at = now.replace(microsecond=0)
    _event(session, item, by, "send_now")
    # the time check allows the minute that is now
    return schedule(
        session, workspace_id, item_id, folder, by=by, now=now - dt.timedelta(minutes=1)
    )


# -- sending -------------------------------------------------------------------------------------
@dataclass
class Outcome:
    publication_id: int
    plan_item_id: int
    network: str
    status: str  # published, retrying, failed, found (recorded after a crash)
    url: str | None = None
    message: str | None = None


@dataclass
class _Context:
    engine: Engine
    workspace_id: int
    folder: Path
    box: SecretBox
    http: HttpOptions
    now: dt.datetime
    registry: dict[str, Publisher] = field(default_factory=publishers)


def publish_due(
    engine: Engine,
    workspace_id: int,
    folder: Path,
    box: SecretBox,
    *,
    now: dt.datetime | None = None,
    http: HttpOptions | None = None,
    item_id: int | None = None,
) -> list[Outcome]:
    """Send every due publication of the workspace (or of one item), exactly once; see the
    module's docstring. `now` is naive UTC."""
    ctx = _Context(engine, workspace_id, Path(folder), box, http or HttpOptions(), now or _now())
    with Session(engine) as session:
        q = select(Publication.id).where(
            Publication.workspace_id == workspace_id,
            (
                (Publication.status == "scheduled") & (Publication.due_at <= ctx.now)
                | (Publication.status == "sending") & (Publication.attempt_at <= ctx.now - STALE)
            ),
        )
        if item_id is not None:
            q = q.where(Publication.plan_item_id == item_id)
        ids = list(session.scalars(q.order_by(Publication.due_at, Publication.id)))
    return [o for pid in ids if (o := _send_one(ctx, pid)) is not None]


def _claim(ctx: _Context, pid: int) -> tuple[bool, dt.datetime | None] | None:
    """Mark the publication `sending` in its own transaction before the platform is called:
    (was it already sending, since when), or None when another worker took it."""
    with Session(ctx.engine) as session, session.begin():
        pub = session.get(Publication, pid)
        if pub is None:
            return None
        before, since = pub.status, pub.attempt_at
        if before == "scheduled":
            cond = (Publication.status == "scheduled") & (Publication.due_at <= ctx.now)
        elif before == "sending":
            cond = (Publication.status == "sending") & (Publication.attempt_at == since)
        else:
            return None
        done = session.execute(
            update(Publication)
            .where(Publication.id == pid, cond)
            .values(status="sending", attempts=Publication.attempts + 1, attempt_at=ctx.now)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return None
        item = session.get(PlanItem, pub.plan_item_id)
        assert item is not None
        _event(
            session,
            item,
            "worker",
            "sending" if before == "scheduled" else "looking",
            pub,
            attempt=pub.attempts + 1 if before == "scheduled" else pub.attempts,
        )
        return before == "sending", since


def _send_one(ctx: _Context, pid: int) -> Outcome | None:
    claimed = _claim(ctx, pid)
    if claimed is None:
        return None
    was_sending, since = claimed
    with Session(ctx.engine) as session:
        pub = session.get(Publication, pid)
        assert pub is not None
        item = session.get(PlanItem, pub.plan_item_id)
        conn = session.get(Connection, pub.connection_id)
        assert item is not None and conn is not None
        draft = draft_for(item, pub, ctx.folder)
        key, network = pub.key, pub.network
        connector = builtin_connectors()[conn.platform]
        credentials = ctx.box.open(conn.secret)
        settings = dict(conn.settings or {})
        handle, external_id = conn.handle, conn.external_id
    publisher = ctx.registry[network]
    try:
        api = connector.client(credentials, settings, ctx.http)
        api.session.setdefault("handle", handle)
        if external_id:
            api.session.setdefault("external_id", external_id)
        with api:
            sent: Sent | None = None
            if was_sending:  # the last attempt's outcome is unknown: look before sending again
                sent = publisher.find(api, draft, key, (since or ctx.now) - dt.timedelta(minutes=1))
            found = sent is not None
            if sent is None:
                sent = publisher.publish(api, draft, key)
    except ConnectorError as exc:
        return _failed_attempt(ctx, pid, exc)
    return _record(ctx, pid, draft, sent, found)


def _record(ctx: _Context, pid: int, draft: Draft, sent: Sent, found: bool) -> Outcome:
    """The platform has the post: store it as a post and mark the publication published."""
    with Session(ctx.engine) as session, session.begin():
        pub = session.get(Publication, pid)
        assert pub is not None
        item = session.get(PlanItem, pub.plan_item_id)
        conn = session.get(Connection, pub.connection_id)
        assert item is not None and conn is not None
        post_id = _store_post(session, conn, draft, sent)
        pub.status, pub.remote_id, pub.url = "published", sent.remote_id, sent.url
        pub.published_at = sent.published_at.astimezone(dt.UTC).replace(tzinfo=None)
        pub.post_id, pub.error = post_id, None
        _event(
            session,
            item,
            "worker",
            "published",
            pub,
            sent={
                "text": draft.text,
                "media": [m.path.name for m in draft.media],
                "link": draft.link,
            },
            answer=sent.answer,
            found_after_crash=found,
        )
        siblings = list(
            session.scalars(select(Publication).where(Publication.plan_item_id == item.id))
        )
        if all(p.status == "published" for p in siblings):
            item.status = "published"
        if item.post_id is None:
            item.post_id = post_id
        return Outcome(pid, item.id, pub.network, "found" if found else "published", sent.url)


def _store_post(session: Session, conn: Connection, draft: Draft, sent: Sent) -> int | None:
    """The published post as a post of the account (the importers' Loader, as a sync writes
    it), so its metrics sync in to the same row."""
    import pandas as pd

    from socialdesk.connectors.records import posts_frame, wall_clock
    from socialdesk.importers.base import AccountRef, Chunk
    from socialdesk.importers.load import Loader

    digest = hashlib.sha256(f"publish {conn.id} {sent.remote_id}".encode()).hexdigest()
    batch = ImportBatch(
        workspace_id=conn.workspace_id,
        sha256=digest,
        format=f"{conn.platform}_publish",
        filename=f"{conn.platform} publish: {conn.handle}"[:500],
        size_bytes=0,
        imported_by="publishing",
        counts={},
        notes={},
    )
    session.add(batch)
    session.flush()
    media_type = "text"
    if draft.media:
        media_type = "video" if draft.media[0].kind == "video" else "photo"
    elif draft.link:
        media_type = "link"
    published = sent.published_at.astimezone(dt.UTC).replace(tzinfo=None)
    frame = posts_frame(
        [
            {
                "external_id": sent.remote_id,
                "published_at": wall_clock(published, TIMEZONE),
                "text": draft.text,
                "media_type": media_type,
                "permalink": sent.url,
            }
        ],
        published.date(),
    )
    account = AccountRef(conn.platform, conn.handle, external_id=conn.external_id)
    loader = Loader(session, conn.workspace_id, batch.id)
    loader.load(
        Chunk(
            "posts",
            account,
            frame.astype({"published_at": "datetime64[ns]"}) if not frame.empty else pd.DataFrame(),
        )
    )
    loader.finish()
    return session.scalar(
        select(Post.id).where(
            Post.account_id == loader.account_id(account), Post.external_id == sent.remote_id
        )
    )


def _failed_attempt(ctx: _Context, pid: int, exc: ConnectorError) -> Outcome:
    """A transient error retries later (a timeout stays `sending`: the post may be out, so the
    next attempt looks first); a permanent one fails the publication and its item."""
    with Session(ctx.engine) as session, session.begin():
        pub = session.get(Publication, pid)
        assert pub is not None
        item = session.get(PlanItem, pub.plan_item_id)
        conn = session.get(Connection, pub.connection_id)
        assert item is not None and conn is not None
        message = str(exc.message)
        if exc.transient and pub.attempts < MAX_ATTEMPTS:
            wait = RETRY_DELAY * 2 ** max(pub.attempts - 1, 0)
            eta = exc.retry_at.astimezone(dt.UTC).replace(tzinfo=None) if exc.retry_at else None
            if exc.kind == "network":
                # unknown outcome: stay `sending`; looked for once STALE has passed
                pub.error = message
                status = "retrying"
            else:
                pub.status, pub.due_at, pub.error = "scheduled", eta or ctx.now + wait, message
                status = "retrying"
        else:
            pub.status, pub.error = "failed", message
            item.status = "failed"
            status = "failed"
            if exc.kind == "auth":
                conn.settings = {**(conn.settings or {}), "blocked": "auth"}
        _event(
            session,
            item,
            "worker",
            "retry" if status == "retrying" else "failed",
            pub,
            kind=exc.kind,
            error=message,
            detail=exc.detail,
        )
        return Outcome(pid, item.id, pub.network, status, None, message)


def retry(session: Session, workspace_id: int, item_id: int, *, by: str) -> int:
    """Send a failed item's failed publications again now; returns how many."""
    item = _item(session, workspace_id, item_id)
    n = 0
    for pub in session.scalars(select(Publication).where(Publication.plan_item_id == item.id)):
        if pub.status == "failed":
            pub.status, pub.due_at, pub.error = "scheduled", _now(), None
            n += 1
    if n:
        item.status = "scheduled"
        _event(session, item, by, "retried", count=n)
    return n


# -- the queue -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueueRow:
    publication_id: int
    plan_item_id: int
    title: str
    network: str
    handle: str
    status: str
    due_at: dt.datetime | None
    attempts: int
    url: str | None
    error: str | None


def queue(
    session: Session, workspace_id: int, *, limit: int = 200, everything: bool = False
) -> tuple[QueueRow, ...]:
    """What goes out next, what is being sent and what failed (with `everything`, the
    published ones too), soonest first."""
    q = (
        select(Publication, PlanItem.title, Connection.handle)
        .join(PlanItem, PlanItem.id == Publication.plan_item_id)
        .join(Connection, Connection.id == Publication.connection_id)
        .where(Publication.workspace_id == workspace_id)
    )
    if not everything:
        q = q.where(Publication.status.in_(("scheduled", "sending", "failed")))
    rows = session.execute(q.order_by(Publication.due_at, Publication.id).limit(limit)).all()
    return tuple(
        QueueRow(
            p.id,
            p.plan_item_id,
            title,
            p.network,
            handle,
            p.status,
            p.due_at,
            p.attempts,
            p.url,
            p.error,
        )
        for p, title, handle in rows
    )


__all__ = [
    "MAX_ATTEMPTS",
    "STALE",
    "AuditEvent",
    "NotAllowed",
    "Outcome",
    "PublishError",
    "QueueRow",
    "TargetCheck",
    "approve",
    "audit",
    "check_item",
    "draft_for",
    "may_approve",
    "publish_due",
    "publishers",
    "queue",
    "retry",
    "schedule",
    "send_now",
    "set_approver",
    "set_targets",
]
