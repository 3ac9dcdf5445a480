"""The connectors' seam for the faces: connect, list with health, pause, resume, remove, sync.

    platforms(translate)                          the connectors and what they ask for
    connect(session, ws, platform, values, box)   checks the credential with the API and stores
                                                  it encrypted; refuses with the reason
    connections(session, ws)                      every connection's health (never its secret)
    set_status(session, ws, id, "paused"|"active"), remove(session, ws, id)
    sync(engine, ws, box, connection=None, ...)   syncs one or every active connection

Texts are English messages of the catalogue; faces translate them (skills sit below i18n).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from socialdesk.connectors import builtin_connectors
from socialdesk.connectors.base import Connector, HttpOptions
from socialdesk.connectors.errors import ConnectorError
from socialdesk.connectors.secrets import SecretBox, SecretKeyError
from socialdesk.connectors.sync import SyncRefused, SyncReport, sync_connection
from socialdesk.errors import SocialdeskError
from socialdesk.model import Connection, Job, Publication, SyncCursor, SyncRun

Translate = Callable[[str], str]


def _english(message: str) -> str:
    return message


class ConnectRefused(SocialdeskError):
    """`connect` refused the credential; `error` says why, in plain words."""

    def __init__(self, error: ConnectorError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class FieldInfo:
    name: str
    label: str
    secret: bool
    required: bool
    default: str | None
    help: str
    multiline: bool = False


@dataclass(frozen=True)
class PlatformInfo:
    platform: str
    title: str
    how_to: str
    fields: tuple[FieldInfo, ...]
    streams: tuple[str, ...]
    command: str | None = None  # connected on the command line only (a browser consent)


def platforms(translate: Translate = _english) -> tuple[PlatformInfo, ...]:
    return tuple(
        PlatformInfo(
            platform=c.platform,
            title=translate(c.title),
            how_to=translate(c.how_to),
            fields=tuple(
                FieldInfo(
                    f.name,
                    translate(f.label),
                    f.secret,
                    f.required,
                    f.default,
                    translate(f.help) if f.help else "",
                    f.multiline,
                )
                for f in c.fields
            ),
            streams=tuple(s.name for s in c.streams),
            command=c.command,
        )
        for c in builtin_connectors().values()
    )


@dataclass(frozen=True)
class StreamHealth:
    name: str
    title: str
    every_minutes: int
    synced_up_to: dt.datetime | None  # the newest item a complete walk brought
    resumes: bool  # a walk was cut off: the next run goes on where it stopped
    last_status: str | None
    last_items: int | None
    last_error: str | None


@dataclass(frozen=True)
class RunInfo:
    id: int
    trigger: str
    status: str
    rows: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    import_batch_id: int | None


@dataclass(frozen=True)
class ConnectionHealth:
    id: int
    platform: str
    title: str
    handle: str
    name: str | None
    status: str  # active | paused
    health: str  # ok | failing | never synced | paused
    created_by: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    scopes: tuple[str, ...] | None
    last_sync_at: dt.datetime | None
    last_ok_at: dt.datetime | None
    last_error: str | None
    streams: tuple[StreamHealth, ...]
    runs: tuple[RunInfo, ...]

    @property
    def expires_soon(self) -> bool:
        """The credential expires within two weeks (connect again before it does)."""
        if self.expires_at is None:
            return False
        return self.expires_at - dt.datetime.now(dt.UTC).replace(tzinfo=None) < dt.timedelta(14)


@dataclass(frozen=True)
class JobInfo:
    """A job of the worker as the cockpit shows it."""

    id: int
    kind: str
    connection_id: int | None
    trigger: str | None
    status: str  # queued | running | retrying | done | failed
    attempts: int
    error: str | None
    enqueued_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


@dataclass(frozen=True)
class ConnectionsResult:
    connections: tuple[ConnectionHealth, ...]
    platforms: tuple[PlatformInfo, ...] = field(default_factory=tuple)
    jobs: tuple[JobInfo, ...] = field(default_factory=tuple)


def recent_jobs(session: Session, workspace_id: int, limit: int = 30) -> tuple[JobInfo, ...]:
    """The worker's last jobs, newest first (live ones are never older than a day's jobs)."""
    rows = session.scalars(
        select(Job)
        .where(Job.workspace_id == workspace_id)
        .order_by(Job.enqueued_at.desc(), Job.id.desc())
        .limit(limit)
    )
    return tuple(
        JobInfo(
            id=j.id,
            kind=j.kind,
            connection_id=(j.args or {}).get("connection_id"),
            trigger=(j.args or {}).get("trigger"),
            status=j.status,
            attempts=j.attempts,
            error=j.error,
            enqueued_at=j.enqueued_at,
            started_at=j.started_at,
            finished_at=j.finished_at,
        )
        for j in rows
    )


def _registry() -> dict[str, Connector]:
    return builtin_connectors()


def connect(
    session: Session,
    workspace_id: int,
    platform: str,
    values: dict[str, str],
    box: SecretBox,
    *,
    created_by: str,
    http: HttpOptions | None = None,
) -> ConnectionHealth:
    """Checks the credential against the API, then stores the connection (or renews the
    credential of the same account's connection). Raises ConnectRefused with the reason."""
    registry = _registry()
    if platform not in registry:
        names = ", ".join(sorted(registry))
        raise ConnectRefused(
            ConnectorError("input", f"socialdesk cannot connect to {platform!r} (it can: {names})")
        )
    connector = registry[platform]
    try:
        identity = connector.connect(values, http or HttpOptions())
    except ConnectorError as exc:
        raise ConnectRefused(exc) from None
    row = session.scalar(
        select(Connection).where(
            Connection.workspace_id == workspace_id,
            Connection.platform == platform,
            Connection.handle == identity.handle,
        )
    )
    if row is None:
        row = Connection(
            workspace_id=workspace_id,
            platform=platform,
            handle=identity.handle,
            created_by=created_by,
            status="active",
        )
        session.add(row)
    row.name = identity.name
    row.external_id = identity.external_id
    row.secret = box.seal(identity.credentials)
    row.settings = dict(identity.settings)
    row.scopes = list(identity.scopes) if identity.scopes is not None else None
    row.expires_at = identity.expires_at
    row.last_error = None
    session.flush()
    return _health(session, row, registry)


def _health(session: Session, row: Connection, registry: dict[str, Connector]) -> ConnectionHealth:
    connector = registry.get(row.platform)
    cursors = {
        c.stream: c.state or {}
        for c in session.scalars(select(SyncCursor).where(SyncCursor.connection_id == row.id))
    }
    runs = list(
        session.scalars(
            select(SyncRun)
            .where(SyncRun.connection_id == row.id)
            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
            .limit(20)
        )
    )
    # each stream's own last run: the worker runs the due streams only
    last: dict[str, dict[str, Any]] = {}
    for r in runs:
        for name, info in (r.streams or {}).items():
            last.setdefault(name, info or {})
    streams = tuple(
        StreamHealth(
            name=s.name,
            title=s.title,
            every_minutes=int((row.settings or {}).get("every", {}).get(s.name, s.every_minutes)),
            synced_up_to=_dt(cursors.get(s.name, {}).get("high_water")),
            resumes=cursors.get(s.name, {}).get("page") is not None,
            last_status=(last.get(s.name) or {}).get("status"),
            last_items=(last.get(s.name) or {}).get("items"),
            last_error=((last.get(s.name) or {}).get("error") or {}).get("message"),
        )
        for s in (connector.streams if connector else ())
    )
    if row.status == "paused":
        health = "paused"
    elif row.last_sync_at is None:
        health = "never synced"
    elif row.last_error:
        health = "failing"
    else:
        health = "ok"
    return ConnectionHealth(
        id=row.id,
        platform=row.platform,
        title=connector.title if connector else row.platform,
        handle=row.handle,
        name=row.name,
        status=row.status,
        health=health,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        scopes=tuple(row.scopes) if row.scopes is not None else None,
        last_sync_at=row.last_sync_at,
        last_ok_at=row.last_ok_at,
        last_error=row.last_error,
        streams=streams,
        runs=tuple(
            RunInfo(
                r.id, r.trigger, r.status, r.rows, r.started_at, r.finished_at, r.import_batch_id
            )
            for r in runs[:5]
        ),
    )


def _dt(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


def connections(
    session: Session, workspace_id: int, translate: Translate = _english
) -> ConnectionsResult:
    registry = _registry()
    rows = session.scalars(
        select(Connection)
        .where(Connection.workspace_id == workspace_id)
        .order_by(Connection.platform, Connection.handle)
    )
    return ConnectionsResult(
        tuple(_health(session, r, registry) for r in rows),
        platforms(translate),
        recent_jobs(session, workspace_id),
    )


def get(session: Session, workspace_id: int, connection_id: int) -> ConnectionHealth:
    """One connection's health (SyncRefused when the workspace has no such connection)."""
    return _health(session, _row(session, workspace_id, connection_id), _registry())


def _row(session: Session, workspace_id: int, connection_id: int) -> Connection:
    row = session.get(Connection, connection_id)
    if row is None or row.workspace_id != workspace_id:
        raise SyncRefused(f"there is no connection {connection_id} in this workspace.")
    return row


def set_status(session: Session, workspace_id: int, connection_id: int, status: str) -> None:
    if status not in ("active", "paused"):
        raise ValueError(status)
    _row(session, workspace_id, connection_id).status = status


class RemoveRefused(SocialdeskError):
    """A connection with calendar items still to go out on it is not removed."""


PENDING = ("scheduled", "handing", "handed", "withdrawing", "sending")


def remove(session: Session, workspace_id: int, connection_id: int) -> str:
    """Deletes the connection and its credential (the data it brought stays). Refused while
    calendar items are scheduled on it, held by the network or being sent: removing it would
    leave a post the network publishes by itself, or one that never goes out, unrecorded."""
    row = _row(session, workspace_id, connection_id)
    pending = session.scalar(
        select(func.count()).where(
            Publication.connection_id == row.id, Publication.status.in_(PENDING)
        )
    )
    if pending:
        raise RemoveRefused(
            f"{row.handle} has {pending} calendar item(s) scheduled or underway: send them back "
            "to draft (or take this account off them) first, then remove the connection"
        )
    handle = row.handle
    session.delete(row)
    return handle


def sync(
    engine: Engine,
    workspace_id: int,
    box: SecretBox,
    *,
    connection_id: int | None = None,
    since: dt.datetime | None = None,
    streams: Sequence[str] | None = None,
    trigger: str = "command",
    http: HttpOptions | None = None,
    force: bool = False,
) -> list[SyncReport]:
    """Syncs one connection, or every active one of the workspace."""
    registry = _registry()
    if connection_id is None:
        with Session(engine) as session:
            ids = list(
                session.scalars(
                    select(Connection.id)
                    .where(Connection.workspace_id == workspace_id, Connection.status == "active")
                    .order_by(Connection.id)
                )
            )
    else:
        ids = [connection_id]
    reports = []
    for cid in ids:
        try:
            reports.append(
                sync_connection(
                    engine,
                    workspace_id,
                    cid,
                    box,
                    registry,
                    since=since,
                    streams=streams,
                    trigger=trigger,
                    http=http,
                    force=force,
                )
            )
        except (SyncRefused, SecretKeyError) as exc:
            if connection_id is not None:  # the one asked for: the caller says why
                raise
            reports.append(_refused(engine, cid, str(exc)))  # the others still sync
    return reports


def _refused(engine: Engine, connection_id: int, why: str) -> SyncReport:
    with Session(engine) as session:
        row = session.get(Connection, connection_id)
        platform, handle = (row.platform, row.handle) if row else ("?", "?")
    return SyncReport(connection_id, platform, handle, 0, 0, "refused", message=why)


def secret_box(folder: os.PathLike[str] | str) -> SecretBox:
    from pathlib import Path

    return SecretBox.for_workspace(Path(folder))


__all__ = [
    "ConnectRefused",
    "ConnectionHealth",
    "ConnectionsResult",
    "SyncRefused",
    "SyncReport",
    "connect",
    "connections",
    "get",
    "platforms",
    "remove",
    "secret_box",
    "set_status",
    "sync",
]
