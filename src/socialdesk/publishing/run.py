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
from socialdesk.connectors.base import N_, HttpOptions
from socialdesk.connectors.errors import ConnectorError
from socialdesk.connectors.secrets import SecretBox, SecretKeyError
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

# a `sending` attempt older than this is looked for: longer than the longest upload (a
# Facebook video of 1 GB), so a running attempt is never taken for a dead one
STALE = dt.timedelta(minutes=30)
MAX_ATTEMPTS = 6
RETRY_DELAY = dt.timedelta(minutes=1)  # doubled per attempt: 1, 2, 4, 8, 16 minutes
TIMEZONE = "Europe/Amsterdam"
MEDIA_FOLDER = "media"  # in the workspace folder: the files calendar items carry


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def publishers() -> dict[str, Publisher]:
    """The networks socialdesk publishes to, by network name."""
    from socialdesk.publishing import bluesky, facebook, instagram, linkedin, mastodon

    found = (
        bluesky.PUBLISHER,
        mastodon.PUBLISHER,
        facebook.PUBLISHER,
        instagram.PUBLISHER,
        linkedin.PUBLISHER,
    )
    return {p.network: p for p in found}


def networks_of(conn: Connection, registry: dict[str, Publisher] | None = None) -> tuple[str, ...]:
    """The networks a connection can publish to (a Meta connection: its Page on facebook and,
    when the Page has one, its Instagram account)."""
    registry = publishers() if registry is None else registry
    settings = dict(conn.settings or {})
    return tuple(
        name
        for name, p in registry.items()
        if p.connector_name == conn.platform and p.serves(settings)
    )


# A target: a connection id (its first network) or (connection id, network).
Target = int | tuple[int, str]


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


def _target(session: Session, workspace_id: int, target: Target) -> tuple[Connection, str]:
    cid, network = (target, None) if isinstance(target, int) else target
    conn = session.get(Connection, cid)
    if conn is None or conn.workspace_id != workspace_id:
        raise PublishError(Phrase("There is no connection %(id)s.", id=cid))
    networks = networks_of(conn)
    if not networks or (network is not None and network not in networks):
        raise PublishError(
            Phrase(
                "socialdesk cannot publish to %(platform)s with the connection %(handle)s.",
                platform=network or conn.platform,
                handle=conn.handle,
            )
        )
    return conn, network or networks[0]


def set_targets(
    session: Session,
    workspace_id: int,
    item_id: int,
    targets: Sequence[Target],
    *,
    by: str,
    texts: dict[Target, str] | None = None,
) -> tuple[int, ...]:
    """The connected accounts the item goes out on: a connection id, or (connection id, network)
    where one connection serves two networks (Meta: facebook, instagram). Each may have its own
    text in `texts`, else the item's; a target already published or sending is kept. Returns
    the publications' ids."""
    item = _item(session, workspace_id, item_id)
    texts = texts or {}
    current = {
        (p.connection_id, p.network): p
        for p in session.scalars(select(Publication).where(Publication.plan_item_id == item.id))
    }
    before = {(c, n, p.text) for (c, n), p in current.items() if p.status != "withdrawing"}
    wanted: list[tuple[int, str]] = []
    for target in targets:
        conn, network = _target(session, workspace_id, target)
        pair = (conn.id, network)
        if pair in wanted:
            continue
        wanted.append(pair)
        pub = current.get(pair)
        if pub is None:
            pub = Publication(
                workspace_id=workspace_id,
                plan_item_id=item.id,
                connection_id=conn.id,
                network=network,
                status="waiting",
                key=uuid.uuid4().hex,
                attempts=0,
            )
            session.add(pub)
            current[pair] = pub
        for name in (target, pair):
            if name in texts and pub.status in ("waiting", "scheduled", "failed"):
                pub.text = texts[name] or None  # what is out or underway keeps its text
    for pair, pub in current.items():
        if pair in wanted:
            continue
        if pub.status in ("waiting", "scheduled", "failed"):
            session.delete(pub)
        elif pub.status in (*HANDED, "withdrawing"):
            # the network holds it: taken back there, then removed (_settle_one)
            pub.status, pub.sent = "withdrawing", {**(pub.sent or {}), "removed": True}
    session.flush()
    after = {
        (p.connection_id, p.network, p.text)
        for p in session.scalars(select(Publication).where(Publication.plan_item_id == item.id))
        if p.status != "withdrawing"
    }
    if after != before:
        _withdraw(session, item, by, ["accounts"])  # what was approved is what goes out
    _event(session, item, by, "targets", accounts=[network for _, network in wanted])
    return tuple(current[pair].id for pair in wanted)


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
                name=str(f.get("name") or ""),
            )
        )
    return tuple(out)


# Networks that show a link only when it is in the text (no link card or link field): the
# tagged link is added at the end of the text there when the text does not hold it.
LINK_IN_TEXT = ("mastodon",)


def tagged_link(item: PlanItem, network: str) -> str | None:
    """The item's link with the UTM tags this network's post carries: utm_source the network,
    utm_medium social (the link's own medium kept when it has one), utm_campaign the link's
    own, else the item's objective, else its title; utm_content the link's own. The plan's
    rules check the result (check_item), they do not rewrite it."""
    from socialdesk.marketing.utm import build_utm, check_link

    if not item.link or not item.link.strip():
        return None
    own = check_link(item.link.strip()).params
    try:
        return build_utm(
            item.link.strip(),
            source=network,
            medium=own.get("utm_medium") or "social",
            campaign=own.get("utm_campaign") or item.objective or item.title,
            content=own.get("utm_content"),
            term=own.get("utm_term"),
        ).url
    except ValueError:
        return item.link.strip()  # not a URL: the link check says so


def with_campaign(link: str | None, campaign: str) -> str | None:
    """The link with utm_campaign set to `campaign` (taken off when empty), its other
    parameters as they were."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    if not link or not link.strip():
        return link
    parts = urlsplit(link.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if k.lower() != "utm_campaign"]
    if campaign.strip():
        query.append(("utm_campaign", campaign.strip()))
    return urlunsplit(parts._replace(query=urlencode(query)))


def campaign_of(link: str | None) -> str | None:
    from urllib.parse import parse_qsl, urlsplit

    if not link:
        return None
    query = parse_qsl(urlsplit(link.strip()).query)
    return next((v for k, v in query if k.lower() == "utm_campaign"), None)


def _with_link(text: str, link: str | None, raw: str | None, network: str) -> str:
    if not link:
        return text
    raw = (raw or "").strip()
    if raw and raw in text:
        return text.replace(raw, link)
    if network in LINK_IN_TEXT and link not in text:
        return f"{text.rstrip()}\n\n{link}" if text.strip() else link
    return text


def draft_for(item: PlanItem, pub: Publication, folder: Path) -> Draft:
    when = item.scheduled_at or _now()
    link = tagged_link(item, pub.network)
    text = pub.text if pub.text is not None else (item.text or "")
    return Draft(
        network=pub.network,
        text=_with_link(text, link, item.link, pub.network),
        created_at=when.replace(tzinfo=dt.UTC),
        media=_media(item, folder),
        link=link,
        link_title=item.title,
        first_comment=item.first_comment,
    )


# -- composing -----------------------------------------------------------------------------------
APPROVED = ("approved", "scheduled", "failed")
# a publication the network holds to publish itself (handing: being given; handed: given)
HANDED = ("handing", "handed")


def item_of(session: Session, workspace_id: int, item_id: int) -> PlanItem:
    """The workspace's calendar item (PublishError when there is none)."""
    return _item(session, workspace_id, item_id)


@dataclass(frozen=True)
class TargetRow:
    connection_id: int
    network: str
    own_text: str | None
    status: str


def target_rows(session: Session, workspace_id: int, item_id: int) -> tuple[TargetRow, ...]:
    """The item's chosen accounts as stored: connection, network, own text, status."""
    item = _item(session, workspace_id, item_id)
    session.flush()
    return tuple(
        TargetRow(p.connection_id, p.network, p.text, p.status)
        for p in session.scalars(
            select(Publication).where(Publication.plan_item_id == item.id).order_by(Publication.id)
        )
    )


def withdraw(session: Session, item: PlanItem, by: str, what: Sequence[str]) -> None:
    """Public name of _withdraw, for a face that changes the accounts."""
    _withdraw(session, item, by, what)


def _withdraw(session: Session, item: PlanItem, by: str, what: Sequence[str]) -> None:
    """A change to what goes out after approval sends the item back to draft: what was
    approved is what goes out, so it is approved again."""
    if item.status not in APPROVED:
        return
    item.status, item.approved_by, item.approved_at = "draft", None, None
    for pub in session.scalars(select(Publication).where(Publication.plan_item_id == item.id)):
        if pub.status in ("scheduled", "failed"):
            pub.status, pub.due_at = "waiting", None
        elif pub.status in HANDED:
            pub.status = "withdrawing"  # the network holds it: the worker takes it back
    _event(session, item, by, "approval_withdrawn", changed=list(what))


@dataclass(frozen=True)
class Content:
    """What an editor may change in the compose form; None leaves a field as it is."""

    title: str | None = None
    text: str | None = None
    link: str | None = None
    first_comment: str | None = None
    at: dt.datetime | None = None  # local wall-clock time (Europe/Amsterdam)
    alts: dict[int, str] | None = None  # media index -> alt text
    remove: tuple[int, ...] = ()  # media indexes to take off the item
    campaign: str | None = None  # the link's utm_campaign ("" takes it off)


def save_content(
    session: Session, workspace_id: int, item_id: int, content: Content, *, by: str
) -> tuple[str, ...]:
    """Save the compose form: returns the fields that changed. A change of the text, link,
    first comment or media of an approved item withdraws the approval (_withdraw); a new time
    moves its scheduled publications along."""
    from socialdesk.marketing.calendar import to_utc

    item = _item(session, workspace_id, item_id)
    if item.status == "published":
        raise PublishError(Phrase("This item is published already."))
    changed: list[str] = []

    def put(name: str, value: str | None) -> None:
        if value is None:
            return
        value = value.strip() or None
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed.append(name)

    if content.title is not None and content.title.strip():
        put("title", content.title)
    put("text", content.text)
    link = content.link
    if content.campaign is not None:
        link = with_campaign(item.link if link is None else link, content.campaign)
    put("link", link)
    put("first_comment", content.first_comment)
    files = [dict(f) for f in (item.media or {}).get("files") or []]
    kept = []
    for i, f in enumerate(files):
        if i in content.remove:
            changed.append(f"media[{i}]")
            continue
        alt = (content.alts or {}).get(i)
        if alt is not None and alt.strip() != (f.get("alt") or ""):
            f["alt"] = alt.strip()
            changed.append(f"media[{i}].alt")
        kept.append(f)
    if kept != files:
        item.media = {**(item.media or {}), "files": kept}
    if content.at is not None:
        when = to_utc(content.at)
        if when != item.scheduled_at:
            item.scheduled_at = when
            changed.append("time")
            for pub in session.scalars(
                select(Publication).where(Publication.plan_item_id == item.id)
            ):
                if pub.status == "scheduled":
                    pub.due_at = when
                elif pub.status in HANDED:  # taken back, then handed over at the new time
                    pub.status, pub.due_at = "withdrawing", when
    if not changed:
        return ()
    if item.status == "idea" and item.scheduled_at is not None:
        item.status = "draft"
    item.updated_at = _now()
    # the title is the link card's title and the link's campaign when none is set
    what = [c for c in changed if c != "time" and (c != "title" or item.link)]
    if what:
        _withdraw(session, item, by, what)
    _event(session, item, by, "edited", changed=changed)
    return tuple(changed)


def add_media(
    session: Session,
    workspace_id: int,
    item_id: int,
    folder: Path,
    name: str,
    stream: Any,
    *,
    by: str,
    alt: str = "",
) -> dict[str, Any]:
    """Store an uploaded image or video in the workspace's media folder and add it to the
    item (media.MediaRefused when it is not one); an approved item goes back to draft."""
    from socialdesk.publishing.media import store_upload

    item = _item(session, workspace_id, item_id)
    if item.status == "published":
        raise PublishError(Phrase("This item is published already."))
    stored = store_upload(media_root(folder), name, stream).as_dict()
    stored["alt"] = alt.strip()
    files = list((item.media or {}).get("files") or [])
    files.append(stored)
    item.media = {**(item.media or {}), "files": files}
    item.updated_at = _now()
    _withdraw(session, item, by, [f"media[{len(files) - 1}]"])
    _event(session, item, by, "media_added", file=stored["name"], mime=stored["mime"])
    return stored


# -- checks and scheduling -----------------------------------------------------------------------
@dataclass(frozen=True)
class TargetCheck:
    publication_id: int
    network: str
    handle: str
    text: str  # as it goes out: the item's text or this network's own, the tagged link in it
    length: int
    remaining: int
    problems: tuple[Any, ...]  # checks.Problem
    own_text: str | None = None  # this network's own text (None: the item's)
    notes: tuple[Any, ...] = ()  # checks.Note: what the checks could not verify
    link: str | None = None  # the tagged link this network's post carries
    status: str = "waiting"  # the publication's: waiting, scheduled, sending, published, failed
    url: str | None = None
    error: str | None = None
    connection_id: int = 0


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
    from socialdesk.marketing.run import current_plan
    from socialdesk.publishing import checks

    now = now or _now()
    item = _item(session, workspace_id, item_id)
    utm_problem = checks.utm_checker(current_plan(session, workspace_id)[1].utm_rules())
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
            checks.check_draft(
                draft,
                now=now.replace(tzinfo=dt.UTC),
                limit=limit,
                utm_problem=utm_problem,
                tz=TIMEZONE,
            )
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
        if pub.status == "published":
            problems = []  # what went out is not checked again
        out.append(
            TargetCheck(
                pub.id,
                pub.network,
                conn.handle,
                draft.text,
                checks.text_length(draft.text, pub.network),
                checks.remaining(draft.text, pub.network, limit),
                tuple(problems),
                own_text=pub.text,
                notes=checks.check_notes(draft) if pub.status != "published" else (),
                link=draft.link,
                status=pub.status,
                url=pub.url,
                error=pub.error,
                connection_id=conn.id,
            )
        )
    return tuple(out)


# -- the compose page ----------------------------------------------------------------------------
@dataclass(frozen=True)
class TargetOption:
    """A connected account and network the item can go out on."""

    value: str  # "connection id:network", the form's value
    connection_id: int
    network: str
    handle: str
    chosen: bool
    usable: bool  # active and not refused by the platform


@dataclass(frozen=True)
class ComposeItem:
    """One calendar item as the compose page shows it (/marketing/calendar/ID[.json])."""

    id: int
    title: str
    status: str
    date: dt.date | None  # local (Europe/Amsterdam)
    time: str | None  # local HH:MM
    text: str | None
    link: str | None
    first_comment: str | None
    media: tuple[dict[str, Any], ...]  # path, name, mime, bytes, width, height, alt
    approved_by: str | None
    targets: tuple[TargetCheck, ...]
    options: tuple[TargetOption, ...]
    audit: tuple[AuditEvent, ...]
    may_approve: bool  # the person asking has the right to approve
    problems: int  # in all targets
    campaign: str | None = None  # the link's utm_campaign
    campaigns: tuple[str, ...] = ()  # the plan's campaign names for UTM links

    @property
    def ready(self) -> bool:
        return bool(self.targets) and self.problems == 0


def compose_item(
    session: Session,
    workspace_id: int,
    item_id: int,
    folder: Path,
    *,
    username: str,
    now: dt.datetime | None = None,
) -> ComposeItem:
    from zoneinfo import ZoneInfo

    from socialdesk.marketing.run import current_plan

    item = _item(session, workspace_id, item_id)
    found = check_item(session, workspace_id, item_id, folder, now=now)
    chosen = {(t.connection_id, t.network) for t in found}
    plan = current_plan(session, workspace_id)[1]
    options = []
    registry = publishers()
    conns = session.scalars(
        select(Connection)
        .where(Connection.workspace_id == workspace_id)
        .order_by(Connection.platform, Connection.handle)
    )
    for conn in conns:
        for network in networks_of(conn, registry):
            options.append(
                TargetOption(
                    f"{conn.id}:{network}",
                    conn.id,
                    network,
                    conn.handle,
                    (conn.id, network) in chosen,
                    conn.status == "active" and not (conn.settings or {}).get("blocked"),
                )
            )
    local = None
    if item.scheduled_at is not None:
        local = item.scheduled_at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(TIMEZONE))
    return ComposeItem(
        id=item.id,
        title=item.title,
        status=item.status,
        date=local.date() if local else None,
        time=local.strftime("%H:%M") if local else None,
        text=item.text,
        link=item.link,
        first_comment=item.first_comment,
        media=tuple(dict(f) for f in (item.media or {}).get("files") or []),
        approved_by=item.approved_by,
        targets=found,
        options=tuple(options),
        audit=audit(session, workspace_id, item_id)[-50:],
        may_approve=may_approve(session, workspace_id, username),
        problems=sum(len(t.problems) for t in found),
        campaign=campaign_of(item.link),
        campaigns=plan.utm_rules().campaigns,
    )


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
        elif pub.status in HANDED and pub.due_at != item.scheduled_at:
            pub.status, pub.due_at = "withdrawing", item.scheduled_at
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
    module's docstring. First what networks hold is settled: taken back where it is no longer
    wanted, handed over where it is due later, recorded where it went out. `now` is naive
    UTC. One publication's trouble never stops the others'."""
    ctx = _Context(engine, workspace_id, Path(folder), box, http or HttpOptions(), now or _now())
    early = [
        *_settle(ctx, item_id),
        *_recover_handing(ctx, item_id),
        *_hand_over_due(ctx, item_id),
        *_confirm_handed(ctx, item_id),
    ]
    ids = _ids(
        ctx,
        item_id,
        (Publication.status == "scheduled") & (Publication.due_at <= ctx.now)
        | (Publication.status == "sending") & (Publication.attempt_at <= ctx.now - STALE),
    )
    return [*early, *(o for pid in ids if (o := _guarded(_send_one, ctx, pid)) is not None)]


def _guarded(step: Any, ctx: _Context, pid: int) -> Outcome | None:
    """One publication's step; an unexpected error is logged and left for the next round
    (the publication keeps its status, so nothing is lost or sent twice)."""
    try:
        found: Outcome | None = step(ctx, pid)
        return found
    except Exception:
        log.exception("publication %s: %s failed; the next round tries again", pid, step.__name__)
        return None


# -- handing over: the network publishes at the time (Mastodon's scheduled statuses) --------------
CONFIRM_AFTER = dt.timedelta(minutes=2)  # a handed post is looked for this long after its time
GIVE_UP_AFTER = dt.timedelta(minutes=30)  # neither out nor held by then: it failed


def settle_withdrawals(
    engine: Engine,
    workspace_id: int,
    folder: Path,
    box: SecretBox,
    *,
    item_id: int | None = None,
    http: HttpOptions | None = None,
) -> list[Outcome]:
    """Take back from the network what it holds for items sent back, changed or moved, now
    (the faces call this right after such a change; the worker's round does it too)."""
    ctx = _Context(engine, workspace_id, Path(folder), box, http or HttpOptions(), _now())
    return _settle(ctx, item_id)


def _ids(ctx: _Context, item_id: int | None, *conditions: Any) -> list[int]:
    with Session(ctx.engine) as session:
        q = select(Publication.id).where(Publication.workspace_id == ctx.workspace_id, *conditions)
        if item_id is not None:
            q = q.where(Publication.plan_item_id == item_id)
        return list(session.scalars(q.order_by(Publication.due_at, Publication.id)))


# What was given to the network (at the claim before sending, or before handing over), kept in
# publication.sent: the worker looks for exactly that after a crash or a take-back, whatever the
# item says by then.
def _snapshot(draft: Draft) -> dict[str, Any]:
    return {
        "text": draft.text,
        "at": draft.created_at.astimezone(dt.UTC).isoformat(),
        "media": [
            {
                "path": str(m.path),
                "mime": m.mime,
                "alt": m.alt,
                "width": m.width,
                "height": m.height,
                "name": m.name,
            }
            for m in draft.media
        ],
        "link": draft.link,
        "link_title": draft.link_title,
        "first_comment": draft.first_comment,
        "language": draft.language,
        "visibility": draft.visibility,
    }


def _from_snapshot(network: str, snap: dict[str, Any] | None) -> Draft | None:
    if not snap or "text" not in snap:
        return None
    return Draft(
        network=network,
        text=str(snap["text"]),
        created_at=dt.datetime.fromisoformat(str(snap["at"])),
        media=tuple(
            MediaFile(
                path=Path(str(m["path"])),
                mime=str(m["mime"]),
                alt=str(m.get("alt") or ""),
                width=m.get("width"),
                height=m.get("height"),
                name=str(m.get("name") or ""),
            )
            for m in snap.get("media") or []
        ),
        link=snap.get("link"),
        link_title=snap.get("link_title"),
        first_comment=snap.get("first_comment"),
        language=snap.get("language"),
        visibility=str(snap.get("visibility") or "public"),
    )


@dataclass
class _Job:
    """What one publication needs to talk to its network."""

    pid: int
    item_id: int
    item_status: str
    network: str
    key: str
    draft: Draft  # as the item says now
    seen: Draft  # as it was given to the network (the snapshot), else as now
    handed_id: str | None
    due_at: dt.datetime | None
    removed: bool  # taken off the item's accounts while the network held it
    publisher: Publisher
    api: Any


def _unreadable(exc: SecretKeyError) -> ConnectorError:
    return ConnectorError(
        "input",
        N_(
            "The stored credential of this connection cannot be read with this "
            "workspace's key: set SOCIALDESK_SECRET_KEY to the key it was saved with, "
            "or connect the account again."
        ),
        detail=str(exc),
    )


def _job(ctx: _Context, pid: int) -> _Job:
    with Session(ctx.engine) as session:
        pub = session.get(Publication, pid)
        assert pub is not None
        item = session.get(PlanItem, pub.plan_item_id)
        conn = session.get(Connection, pub.connection_id)
        assert item is not None and conn is not None
        draft = draft_for(item, pub, ctx.folder)
        snap = dict(pub.sent or {})
        seen = _from_snapshot(pub.network, snap) or draft
        connector = builtin_connectors()[conn.platform]
        try:
            credentials = ctx.box.open(conn.secret)
        except SecretKeyError as exc:
            raise _unreadable(exc) from None
        settings = dict(conn.settings or {})
        api = connector.client(credentials, settings, ctx.http)
        api.session.setdefault("handle", conn.handle)
        api.session.setdefault("settings", settings)
        if conn.external_id:
            api.session.setdefault("external_id", conn.external_id)
        return _Job(
            pid,
            item.id,
            item.status,
            pub.network,
            pub.key,
            draft,
            seen,
            pub.handed_id,
            pub.due_at,
            bool(snap.get("removed")),
            ctx.registry[pub.network],
            api,
        )


def _note(ctx: _Context, pid: int, action: str, **detail: Any) -> None:
    with Session(ctx.engine) as session, session.begin():
        pub = session.get(Publication, pid)
        assert pub is not None
        item = session.get(PlanItem, pub.plan_item_id)
        assert item is not None
        _event(session, item, "worker", action, pub, **detail)


def _held(job: _Job) -> list[str]:
    """The ids of what the network holds for this publication: the one it gave, or, when a
    hand-over's answer was lost, what it lists with the snapshot's text and time."""
    if job.handed_id:
        return [job.handed_id]
    if job.publisher.held is None:
        return []
    return job.publisher.held(job.api, job.seen, job.seen.created_at)


def _settle(ctx: _Context, item_id: int | None) -> list[Outcome]:
    return [
        o
        for pid in _ids(ctx, item_id, Publication.status == "withdrawing")
        if (o := _guarded(_settle_one, ctx, pid)) is not None
    ]


def _settle_one(ctx: _Context, pid: int) -> Outcome | None:
    """A publication the network holds that is no longer wanted as it is: cancel it there;
    then back to `scheduled` (the item is still scheduled: handed over again at its time),
    `waiting`, or gone (taken off the item's accounts). A post the network published before
    it could be taken back is recorded as published: the audit log says it went out after
    all. While a hand-over is still under way (no id yet, claimed less than STALE ago) it
    waits: the hand-over's end keeps the id for it."""
    with Session(ctx.engine) as session:
        pub = session.get(Publication, pid)
        if pub is None or pub.status != "withdrawing":
            return None
        if pub.handed_id is None and pub.attempt_at and pub.attempt_at > ctx.now - STALE:
            return None
    try:
        job = _job(ctx, pid)
        at = job.seen.created_at
        with job.api:
            cancelled = [
                h
                for h in _held(job)
                if job.publisher.cancel is not None and job.publisher.cancel(job.api, h)
            ]
            sent = None
            if not cancelled and at <= ctx.now.replace(tzinfo=dt.UTC):
                # not held (any more) and its time has passed: it may be out
                sent = job.publisher.find(job.api, job.seen, job.key, at - dt.timedelta(minutes=1))
                if sent is None and ctx.now.replace(tzinfo=dt.UTC) - at < GIVE_UP_AFTER:
                    return None  # the network may not show it yet: look again next round
    except ConnectorError as exc:
        _note(ctx, pid, "withdraw_retry", error=str(exc.message), detail=exc.detail)
        return Outcome(pid, 0, "", "retrying", None, str(exc.message))
    if sent is not None:
        _note(ctx, pid, "withdrawn_too_late")
        return _record(ctx, pid, job.seen, sent, False)
    with Session(ctx.engine) as session, session.begin():
        pub = session.get(Publication, pid)
        item = session.get(PlanItem, job.item_id)
        if pub is None or item is None or pub.status != "withdrawing":
            return None
        _event(session, item, "worker", "taken_back", pub, cancelled=len(cancelled))
        if job.removed:
            session.delete(pub)
            return None
        pub.handed_id, pub.sent = None, None
        if item.status in ("scheduled", "failed"):
            pub.status, pub.due_at = "scheduled", item.scheduled_at
        else:
            pub.status, pub.due_at = "waiting", None
        return Outcome(pid, item.id, pub.network, "taken back", None)


def _recover_handing(ctx: _Context, item_id: int | None) -> list[Outcome]:
    return [
        o
        for pid in _ids(
            ctx,
            item_id,
            Publication.status == "handing",
            Publication.attempt_at <= ctx.now - STALE,
        )
        if (o := _guarded(_recover_one, ctx, pid)) is not None
    ]


def _recover_one(ctx: _Context, pid: int) -> Outcome | None:
    """A hand-over whose worker died (`handing` for longer than STALE): what the network holds
    with the snapshot's text and time is taken as handed; else, when its time has passed, the
    post is looked for on the account; else it is scheduled again (handed over again, or sent
    by the worker at its time)."""
    job = _job(ctx, pid)
    at = job.seen.created_at
    try:
        with job.api:
            held = _held(job)
            sent = None
            if not held and at <= ctx.now.replace(tzinfo=dt.UTC):
                sent = job.publisher.find(job.api, job.seen, job.key, at - dt.timedelta(minutes=1))
            for extra in held[1:]:
                if job.publisher.cancel is not None:
                    job.publisher.cancel(job.api, extra)
    except ConnectorError as exc:
        _note(ctx, pid, "look_retry", error=str(exc.message), detail=exc.detail)
        return None
    if sent is not None:
        return _record(ctx, pid, job.seen, sent, True)
    with Session(ctx.engine) as session, session.begin():
        done = session.execute(
            update(Publication)
            .where(Publication.id == pid, Publication.status == "handing")
            .values(
                status="handed" if held else "scheduled",
                handed_id=held[0] if held else None,
            )
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return None
        pub = session.get(Publication, pid)
        item = session.get(PlanItem, job.item_id)
        assert pub is not None and item is not None
        _event(session, item, "worker", "handed_over" if held else "hand_over_lost", pub)
        return Outcome(pid, item.id, pub.network, "handed" if held else "retrying", None)


def _hand_over_due(ctx: _Context, item_id: int | None) -> list[Outcome]:
    """Scheduled publications on a network that can hold a post (Mastodon), due later than
    the network needs: handed over, so they go out at their time even when this machine is
    off. A hand-over that fails is not tried again: the worker sends at the time."""
    capable = [n for n, p in ctx.registry.items() if p.hand_over is not None]
    if not capable:
        return []
    ids = _ids(
        ctx,
        item_id,
        Publication.network.in_(capable),
        Publication.status == "scheduled",
        Publication.handed_id.is_(None),
        Publication.due_at > ctx.now,
    )
    return [o for pid in ids if (o := _guarded(_hand_over_one, ctx, pid)) is not None]


def _hand_over_one(ctx: _Context, pid: int) -> Outcome | None:
    with Session(ctx.engine) as session, session.begin():
        pub = session.get(Publication, pid)
        assert pub is not None
        item = session.get(PlanItem, pub.plan_item_id)
        conn = session.get(Connection, pub.connection_id)
        publisher = ctx.registry[pub.network]
        if (
            item is None
            or conn is None
            or conn.status != "active"
            or item.status not in ("scheduled", "failed")
            or pub.due_at is None
            or pub.due_at < ctx.now + publisher.ahead
            or (pub.sent or {}).get("hand_over") == "failed"
        ):
            return None
        snap = _snapshot(draft_for(item, pub, ctx.folder))
        done = session.execute(
            update(Publication)
            .where(Publication.id == pid, Publication.status == "scheduled")
            .values(status="handing", attempt_at=ctx.now, sent=snap)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return None
    try:
        job = _job(ctx, pid)
        assert job.publisher.hand_over is not None
        with job.api:
            handed = job.publisher.hand_over(job.api, job.seen, job.key, job.seen.created_at)
    except ConnectorError as exc:
        with Session(ctx.engine) as session, session.begin():
            session.execute(
                update(Publication)
                .where(Publication.id == pid, Publication.status == "handing")
                .values(status="scheduled", sent={"hand_over": "failed"})
            )
        _note(ctx, pid, "hand_over_failed", error=str(exc.message), detail=exc.detail)
        return None
    with Session(ctx.engine) as session, session.begin():
        done = session.execute(
            update(Publication)
            .where(Publication.id == pid, Publication.status == "handing")
            .values(status="handed", handed_id=handed, error=None)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            # sent back or moved meanwhile (`withdrawing`): keep the id so it is taken back
            session.execute(
                update(Publication)
                .where(Publication.id == pid, Publication.status == "withdrawing")
                .values(handed_id=handed)
            )
        pub = session.get(Publication, pid)
        item = session.get(PlanItem, job.item_id)
        assert pub is not None and item is not None
        _event(session, item, "worker", "handed_over", pub, id=handed)
        return Outcome(pid, item.id, pub.network, "handed", None)


def _confirm_handed(ctx: _Context, item_id: int | None) -> list[Outcome]:
    ids = _ids(
        ctx,
        item_id,
        Publication.status == "handed",
        Publication.due_at <= ctx.now - CONFIRM_AFTER,
    )
    return [o for pid in ids if (o := _guarded(_confirm_one, ctx, pid)) is not None]


def _confirm_one(ctx: _Context, pid: int) -> Outcome | None:
    """A handed publication whose time has passed: the post is looked for on the account and
    recorded (its first comment posted under it); one the network neither published nor holds
    any more (deleted there) fails with the reason, and `retry` sends it."""
    try:
        job = _job(ctx, pid)
        assert job.due_at is not None
        with job.api:
            sent = job.publisher.find(
                job.api, job.seen, job.key, job.seen.created_at - dt.timedelta(minutes=1)
            )
            if sent is not None and job.publisher.comment is not None:
                sent = job.publisher.comment(job.api, job.seen, job.key, sent)
            held = (
                sent is None
                and job.publisher.pending is not None
                and job.handed_id is not None
                and job.publisher.pending(job.api, job.handed_id)
            )
    except ConnectorError as exc:
        _note(ctx, pid, "look_retry", error=str(exc.message), detail=exc.detail)
        return None
    if sent is not None:
        return _record(ctx, pid, job.seen, sent, False)
    if held or ctx.now - job.due_at < GIVE_UP_AFTER:
        return None
    with Session(ctx.engine) as session, session.begin():
        done = session.execute(
            update(Publication)
            .where(Publication.id == pid, Publication.status == "handed")
            .values(status="sending", handed_id=None, attempt_at=ctx.now)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return None
    gone = ConnectorError(
        "not_found",
        N_(
            "the network no longer holds the scheduled post and it is not on the "
            "account: it was deleted there. Try again to send it now"
        ),
    )
    return _failed_attempt(ctx, pid, gone)


# -- sending: claim, send, record ----------------------------------------------------------------
def _claim(ctx: _Context, pid: int) -> tuple[bool, dt.datetime | None] | None:
    """Mark the publication `sending` in its own transaction before the platform is called,
    with a snapshot of what goes out: (was it already sending, since when), or None when
    another worker took it or it may not go out (its item sent back, its connection paused:
    the latter fails it with the reason)."""
    with Session(ctx.engine) as session, session.begin():
        pub = session.get(Publication, pid)
        if pub is None:
            return None
        before, since = pub.status, pub.attempt_at
        values: dict[str, Any] = {
            "status": "sending",
            "attempts": Publication.attempts + 1,
            "attempt_at": ctx.now,
        }
        if before == "scheduled":
            owner = session.get(PlanItem, pub.plan_item_id)
            if owner is None or owner.status not in ("scheduled", "failed"):
                return None  # sent back or changed since: nothing goes out unapproved
            cond = (Publication.status == "scheduled") & (Publication.due_at <= ctx.now)
            values["sent"] = _snapshot(draft_for(owner, pub, ctx.folder))
        elif before == "sending":
            cond = (Publication.status == "sending") & (Publication.attempt_at == since)
        else:
            return None
        done = session.execute(
            update(Publication).where(Publication.id == pid, cond).values(**values)
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
        conn = session.get(Connection, pub.connection_id) if pub else None
        assert pub is not None and conn is not None
        paused = conn.status != "active"
        handle = conn.handle
    if paused and not was_sending:
        return _failed_attempt(
            ctx,
            pid,
            ConnectorError(
                "input",
                N_("the connection is paused: resume it on the Connections page, then try again"),
                detail=handle,
            ),
        )
    try:
        job = _job(ctx, pid)
    except ConnectorError as exc:
        if was_sending:  # the last attempt's outcome is unknown: stay `sending`, look later
            log.warning("publication %s: %s", pid, exc.detail)
            return Outcome(pid, 0, "", "retrying", None, exc.message)
        return _failed_attempt(ctx, pid, exc)
    try:
        with job.api:
            if was_sending:  # the last attempt's outcome is unknown: look before sending again
                since_at = (since or ctx.now) - dt.timedelta(minutes=1)
                sent = job.publisher.find(job.api, job.seen, job.key, since_at)
                if sent is not None:
                    return _record(ctx, pid, job.seen, sent, True)
                if job.item_status not in ("scheduled", "failed"):
                    return _not_sent(ctx, pid)  # not out, and no longer approved: not sent
            sent = job.publisher.publish(job.api, job.draft, job.key)
    except ConnectorError as exc:
        return _failed_attempt(ctx, pid, exc)
    return _record(ctx, pid, job.draft, sent, False)


def _not_sent(ctx: _Context, pid: int) -> Outcome | None:
    """A publication whose last attempt did not reach the network and whose item was sent
    back since: back to waiting, nothing sent."""
    with Session(ctx.engine) as session, session.begin():
        done = session.execute(
            update(Publication)
            .where(Publication.id == pid, Publication.status == "sending")
            .values(status="waiting", due_at=None, sent=None)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return None
        pub = session.get(Publication, pid)
        item = session.get(PlanItem, pub.plan_item_id) if pub else None
        assert pub is not None and item is not None
        _event(session, item, "worker", "not_sent", pub, reason="sent back before it went out")
        return Outcome(pid, item.id, pub.network, "not sent", None)


def _web_url(url: str | None) -> str | None:
    """Only an http(s) address from a platform's answer is kept (it becomes a link)."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def _record(ctx: _Context, pid: int, draft: Draft, sent: Sent, found: bool) -> Outcome:
    """The platform has the post: store it as a post and mark the publication published (once:
    a second record of the same publication changes nothing)."""
    with Session(ctx.engine) as session, session.begin():
        pub = session.get(Publication, pid)
        assert pub is not None
        item = session.get(PlanItem, pub.plan_item_id)
        conn = session.get(Connection, pub.connection_id)
        assert item is not None and conn is not None
        if pub.status == "published":
            return Outcome(pid, item.id, pub.network, "found", pub.url)
        post_id = _store_post(session, conn, ctx.registry[pub.network], draft, sent)
        pub.status, pub.remote_id, pub.url = "published", sent.remote_id, _web_url(sent.url)
        pub.published_at = sent.published_at.astimezone(dt.UTC).replace(tzinfo=None)
        pub.post_id, pub.error, pub.handed_id = post_id, None, None
        _event(
            session,
            item,
            "worker",
            "published",
            pub,
            sent={
                "text": draft.text,
                "media": [m.shown for m in draft.media],
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
        return Outcome(pid, item.id, pub.network, "found" if found else "published", pub.url)


def _store_post(
    session: Session, conn: Connection, publisher: Publisher, draft: Draft, sent: Sent
) -> int | None:
    """The published post as a post of the account (the importers' Loader, as a sync writes
    it), so its metrics sync in to the same row."""
    import pandas as pd

    from socialdesk.connectors.records import posts_frame, wall_clock
    from socialdesk.importers.base import Chunk
    from socialdesk.importers.load import Loader

    digest = hashlib.sha256(f"publish {conn.id} {sent.remote_id}".encode()).hexdigest()
    batch = ImportBatch(
        workspace_id=conn.workspace_id,
        sha256=digest,
        format=f"{publisher.network}_publish",
        filename=f"{publisher.network} publish: {conn.handle}"[:500],
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
    external = sent.post_id or sent.remote_id
    frame = posts_frame(
        [
            {
                "external_id": external,
                "published_at": wall_clock(published, TIMEZONE),
                "text": draft.text,
                "media_type": media_type,
                "permalink": sent.url,
            }
        ],
        published.date(),
    )
    account = publisher.account_of(conn.handle, conn.external_id, dict(conn.settings or {}))
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
            Post.account_id == loader.account_id(account), Post.external_id == external
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
    """Send a failed item's failed publications again now; returns how many. Only a failed
    item: one sent back or changed since is approved and scheduled again instead."""
    item = _item(session, workspace_id, item_id)
    if item.status != "failed":
        raise PublishError(
            Phrase(
                "Only a failed item is tried again; this one is %(status)s. Approve and "
                "schedule it instead.",
                status=item.status,
            )
        )
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
        q = q.where(
            Publication.status.in_(
                ("scheduled", "handing", "handed", "withdrawing", "sending", "failed")
            )
        )
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
    "ComposeItem",
    "Content",
    "NotAllowed",
    "Outcome",
    "PublishError",
    "QueueRow",
    "Target",
    "TargetCheck",
    "TargetOption",
    "TargetRow",
    "add_media",
    "approve",
    "audit",
    "campaign_of",
    "check_item",
    "compose_item",
    "draft_for",
    "item_of",
    "may_approve",
    "networks_of",
    "publish_due",
    "publishers",
    "queue",
    "retry",
    "save_content",
    "schedule",
    "send_now",
    "set_approver",
    "set_targets",
    "settle_withdrawals",
    "target_rows",
    "with_campaign",
    "withdraw",
]
