"""A sync: every stream of one connection, page by page, each page one transaction.

What a page writes is what an import of the same records writes (the importers' Loader:
natural-key upserts, lifetime figures as snapshots dated the run's day, lineage to the run's
import batch). The stream's cursor is saved in the same transaction as the page, so a sync
that is killed half-way resumes at the first page it did not commit and writes nothing twice.
A stream that fails stops alone (with its reason); an expired credential stops the run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from socialdesk.connectors.base import Connector, HttpOptions, StreamContext
from socialdesk.connectors.errors import ConnectorError
from socialdesk.connectors.secrets import SecretBox
from socialdesk.errors import SocialdeskError
from socialdesk.importers.load import Loader
from socialdesk.model import Connection, ImportBatch, SyncCursor, SyncRun

# the tables whose rows a stream brings (not the accounts, threads and snapshots beside them)
CONTENT = frozenset(
    {"post", "message", "account_day", "ad_day", "web_day", "search_performance", "audience_share"}
)
# a run still "running" after this long died without saying so (killed, machine restarted)
STALE_AFTER = dt.timedelta(hours=2)


class SyncRefused(SocialdeskError):
    """The sync cannot start: unknown or paused connection, or one already running."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _parse(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class StreamReport:
    name: str
    status: str = "ok"  # ok | failed | not run
    pages: int = 0
    items: int = 0
    added: int = 0
    updated: int = 0
    resumed: bool = False
    error: dict[str, Any] | None = None


@dataclass
class SyncReport:
    connection_id: int
    platform: str
    handle: str
    run_id: int
    batch_id: int
    status: str  # ok | partial | failed
    streams: list[StreamReport] = field(default_factory=list)
    requests: int = 0
    bytes: int = 0

    @property
    def added(self) -> int:
        return sum(s.added for s in self.streams)

    @property
    def updated(self) -> int:
        return sum(s.updated for s in self.streams)


def _cursor(session: Session, connection_id: int, stream: str) -> SyncCursor:
    row = session.scalar(
        select(SyncCursor).where(
            SyncCursor.connection_id == connection_id, SyncCursor.stream == stream
        )
    )
    if row is None:
        row = SyncCursor(connection_id=connection_id, stream=stream, state={})
        session.add(row)
        session.flush()
    return row


def _start(
    factory: sessionmaker[Session],
    workspace_id: int,
    connection_id: int,
    trigger: str,
    connector_name: str,
    *,
    force: bool,
) -> tuple[int, int]:
    """Marks dead runs failed, refuses a second live one, creates the batch and the run."""
    now = _now()
    with factory() as session, session.begin():
        conn = session.get(Connection, connection_id)
        assert conn is not None
        for run in session.scalars(
            select(SyncRun).where(
                SyncRun.connection_id == connection_id, SyncRun.status == "running"
            )
        ):
            if force or now - run.started_at > STALE_AFTER:
                run.status, run.finished_at = "failed", now
                run.streams = {**run.streams, "_": {"error": "interrupted (killed or stopped)"}}
            else:
                raise SyncRefused(
                    f"a sync of this connection is running since {run.started_at:%H:%M} UTC "
                    f"(run {run.id}); wait for it, or pass --force if it died."
                )
        digest = hashlib.sha256(f"sync {connection_id} {uuid.uuid4()}".encode()).hexdigest()
        batch = ImportBatch(
            workspace_id=workspace_id,
            sha256=digest,
            format=f"{connector_name}_api",
            filename=f"{connector_name} API: {conn.handle}"[:500],
            size_bytes=0,
            imported_by=f"sync ({trigger})",
            counts={},
            notes={},
        )
        session.add(batch)
        session.flush()
        run = SyncRun(
            connection_id=connection_id, import_batch_id=batch.id, trigger=trigger, streams={}
        )
        session.add(run)
        session.flush()
        return run.id, batch.id


def _add_counts(total: dict[str, Any], counts: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) for k, v in total.items()}
    for table, c in counts.items():
        mine = out.setdefault(table, {"added": 0, "updated": 0})
        mine["added"] += c.added
        mine["updated"] += c.updated
    return out


def sync_connection(
    engine: Engine,
    workspace_id: int,
    connection_id: int,
    box: SecretBox,
    registry: Mapping[str, Connector],
    *,
    since: dt.datetime | None = None,
    streams: Sequence[str] | None = None,
    trigger: str = "command",
    http: HttpOptions | None = None,
    force: bool = False,
    max_pages: int | None = None,
) -> SyncReport:
    """Runs every (or the named) stream of one connection; see the module's docstring.

    `max_pages` stops each stream after that many pages as if the process were killed there
    (its cursor stays mid-walk): tests and benchmarks use it to prove resumption."""
    http = http or HttpOptions()
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session:
        conn = session.get(Connection, connection_id)
        if conn is None or conn.workspace_id != workspace_id:
            raise SyncRefused(f"there is no connection {connection_id} in this workspace.")
        if conn.platform not in registry:
            raise SyncRefused(f"socialdesk has no connector for {conn.platform!r}.")
        if conn.status == "paused" and trigger == "worker":
            raise SyncRefused("this connection is paused.")
        connector = registry[conn.platform]
        credentials = box.open(conn.secret)
        settings = dict(conn.settings or {})
        handle, external_id = conn.handle, conn.external_id
        wanted = list(streams) if streams else [s.name for s in connector.streams]
        unknown = [w for w in wanted if w not in {s.name for s in connector.streams}]
        if unknown:
            names = ", ".join(s.name for s in connector.streams)
            raise SyncRefused(f"{connector.name} has no stream {unknown[0]!r} (it has: {names}).")
    run_id, batch_id = _start(
        factory, workspace_id, connection_id, trigger, connector.name, force=force
    )
    report = SyncReport(connection_id, conn.platform, handle, run_id, batch_id, "ok")
    today = _now().date()
    client = None
    fatal: ConnectorError | None = None
    try:
        client = connector.client(credentials, settings, http)
        for name in wanted:
            stream = connector.stream(name)
            sr = StreamReport(name)
            report.streams.append(sr)
            if fatal is not None:
                sr.status = "not run"
                continue
            with factory() as session, session.begin():
                state = dict(_cursor(session, connection_id, name).state or {})
            page_cursor: str | None = state.get("page")
            if page_cursor is not None:  # a walk that was killed: go on where it stopped
                sr.resumed = True
                stop_before = _parse(state.get("stop_before"))
                walk_newest = _parse(state.get("walk_newest"))
                as_of = dt.date.fromisoformat(state.get("as_of") or today.isoformat())
            else:
                high = _parse(state.get("high_water"))
                stop_before = since or (
                    high - dt.timedelta(days=stream.refresh_days) if high else None
                )
                walk_newest, as_of = None, today
            ctx = StreamContext(
                client=client,
                handle=handle,
                external_id=external_id,
                settings=settings,
                credentials=credentials,
                as_of=as_of,
                stop_before=stop_before,
                stream=name,
            )
            while True:
                if max_pages is not None and sr.pages >= max_pages:
                    break
                try:
                    page = stream.fetch(ctx, page_cursor)
                except ConnectorError as exc:
                    exc.for_stream(name)
                    sr.status, sr.error = "failed", exc.as_dict()
                    if exc.kind == "auth":
                        fatal = exc
                    break
                if page.newest and (walk_newest is None or page.newest > walk_newest):
                    walk_newest = page.newest
                with factory() as session, session.begin():
                    loader = Loader(session, workspace_id, batch_id)
                    for chunk in page.chunks:
                        loader.load(chunk)
                    loader.finish()
                    cursor = _cursor(session, connection_id, name)
                    if page.next_cursor is None:  # the walk is complete
                        old_high = _parse(state.get("high_water"))
                        high = max(filter(None, (old_high, walk_newest)), default=None)
                        cursor.state = {"high_water": _iso(high)}
                    else:
                        cursor.state = {
                            **{k: v for k, v in state.items() if k == "high_water"},
                            "page": page.next_cursor,
                            "stop_before": _iso(stop_before),
                            "walk_newest": _iso(walk_newest),
                            "as_of": as_of.isoformat(),
                        }
                    cursor.updated_at = _now()
                    batch = session.get(ImportBatch, batch_id)
                    assert batch is not None
                    batch.counts = _add_counts(batch.counts or {}, loader.counts)
                    added = sum(c.added for t, c in loader.counts.items() if t in CONTENT)
                    updated = sum(c.updated for t, c in loader.counts.items() if t in CONTENT)
                    sr.added += added
                    sr.updated += updated
                    batch.rows_added += added
                    batch.rows_updated += updated
                    batch.rows_read += page.items
                    batch.size_bytes = client.bytes_received
                sr.pages += 1
                sr.items += page.items
                if page.next_cursor is None:
                    break
                page_cursor = page.next_cursor
    except ConnectorError as exc:  # making the client (a refresh of the session) failed
        fatal = exc
        for name in wanted:
            if name not in {s.name for s in report.streams}:
                report.streams.append(StreamReport(name, status="failed", error=exc.as_dict()))
    finally:
        refreshed = connector.refreshed(client) if (client and connector.refreshed) else None
        if client is not None:
            report.requests, report.bytes = client.requests, client.bytes_received
            client.close()
        _finish(factory, report, box, refreshed, fatal)
    return report


def _finish(
    factory: sessionmaker[Session],
    report: SyncReport,
    box: SecretBox,
    refreshed: dict[str, Any] | None,
    fatal: ConnectorError | None,
) -> None:
    failed = [s for s in report.streams if s.status != "ok"]
    if not failed:
        report.status = "ok"
    elif len(failed) < len(report.streams):
        report.status = "partial"
    else:
        report.status = "failed"
    now = _now()
    with factory() as session, session.begin():
        run = session.get(SyncRun, report.run_id)
        conn = session.get(Connection, report.connection_id)
        batch = session.get(ImportBatch, report.batch_id)
        assert run is not None and conn is not None and batch is not None
        run.status, run.finished_at = report.status, now
        run.rows = report.added + report.updated
        run.streams = {
            s.name: {
                "status": s.status,
                "pages": s.pages,
                "items": s.items,
                "added": s.added,
                "updated": s.updated,
                "resumed": s.resumed,
                "error": s.error,
            }
            for s in report.streams
        }
        conn.last_sync_at = now
        errors = [s.error for s in report.streams if s.error]
        if not errors:
            conn.last_ok_at, conn.last_error = now, None
        else:
            first = fatal.as_dict() if fatal else errors[0]
            conn.last_error = str(first.get("message"))[:1000]
        if refreshed:
            conn.secret = box.seal(refreshed)
        batch.finished_at = now
        batch.notes = {"sync_run": run.id, "streams": run.streams}
