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
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from socialdesk.connectors.base import N_, Connector, HttpOptions, Page, Stream, StreamContext
from socialdesk.connectors.errors import ConnectorError, shape_error
from socialdesk.connectors.secrets import SecretBox
from socialdesk.errors import RowInvalid, SocialdeskError
from socialdesk.importers.load import Loader
from socialdesk.model import Connection, ImportBatch, SyncCursor, SyncRun

# the tables whose rows a stream brings (not the accounts, threads and snapshots beside them)
CONTENT = frozenset(
    {"post", "message", "account_day", "ad_day", "web_day", "search_performance", "audience_share"}
)
# what a cursor keeps across walks: the last complete walk's newest item, when it last ran
_KEEP = ("high_water", "last_run")
KEEP_RUNS = 200  # runs kept per connection (one every 5 minutes: most of a day)
log = logging.getLogger("socialdesk.sync")
# a run still "running" whose last page is this old died without saying so (killed, machine
# restarted): longer than the longest wait between two pages (5 tries of at most 5 minutes)
STALE_AFTER = dt.timedelta(minutes=30)


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
    message: str | None = None  # why a run was refused (status "refused")

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


def run_alive(session: Session, run: SyncRun, now: dt.datetime | None = None) -> bool:
    """Whether a running run still shows signs of life: a page (or a stream's start) of its
    connection within STALE_AFTER."""
    now = now or _now()
    beat = session.scalar(
        select(func.max(SyncCursor.updated_at)).where(SyncCursor.connection_id == run.connection_id)
    )
    latest = max(filter(None, (run.started_at, beat)))
    return now - latest < STALE_AFTER


def last_runs(session: Session, connection_id: int) -> dict[str, dt.datetime]:
    """When each stream of the connection last started a walk (the worker's schedule)."""
    out = {}
    for cursor in session.scalars(
        select(SyncCursor).where(SyncCursor.connection_id == connection_id)
    ):
        when = _parse((cursor.state or {}).get("last_run"))
        if when is not None:
            out[cursor.stream] = when
    return out


def retry_after(session: Session, connection_id: int) -> dict[str, dt.datetime]:
    """Streams whose last run the platform asked to wait: not before this time (naive UTC)."""
    last = session.scalar(
        select(SyncRun)
        .where(SyncRun.connection_id == connection_id, SyncRun.status != "running")
        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        .limit(1)
    )
    out = {}
    for name, info in ((last.streams if last else None) or {}).items():
        when = ((info or {}).get("error") or {}).get("retry_at")
        if when:
            out[name] = dt.datetime.fromisoformat(when).replace(tzinfo=None)
    return out


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
        # the connection's row is locked while this is decided (PostgreSQL; SQLite writes one
        # at a time): two workers cannot both start a run of it
        conn = session.get(Connection, connection_id, with_for_update=True)
        assert conn is not None
        for run in session.scalars(
            select(SyncRun).where(
                SyncRun.connection_id == connection_id, SyncRun.status == "running"
            )
        ):
            if force or not run_alive(session, run, now):
                run.status, run.finished_at = "failed", now
                run.streams = {**run.streams, "_": {"error": "interrupted (killed or stopped)"}}
            else:
                raise SyncRefused(
                    f"a sync of this connection is running since {run.started_at:%H:%M} UTC "
                    f"(run {run.id}); wait for it, or pass --force if it died."
                )
        conn.settings = {k: v for k, v in (conn.settings or {}).items() if k != "blocked"}
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
    walk = _Walk(factory, workspace_id, connection_id, batch_id, since, max_pages)
    client = None
    fatal: ConnectorError | None = None
    try:
        client = connector.client(credentials, settings, http)
        for name in wanted:
            sr = StreamReport(name)
            report.streams.append(sr)
            if fatal is not None:
                sr.status = "not run"
                continue
            ctx = StreamContext(
                client=client,
                handle=handle,
                external_id=external_id,
                settings=settings,
                credentials=credentials,
                as_of=_now().date(),
                stop_before=None,
                stream=name,
            )
            error = walk.run(connector.stream(name), ctx, sr)
            if error is not None and error.kind == "auth":
                fatal = error
    except ConnectorError as exc:  # making the client (a refresh of the session) failed
        fatal = exc
        _fail_rest(report, wanted, exc)
    except Exception as exc:  # an unforeseen answer or a bug: said, logged, never "ok"
        log.exception("sync of connection %s", connection_id)
        _fail_rest(report, wanted, _unexpected(exc))
    finally:
        refreshed = None
        if client is not None:
            if connector.refreshed is not None:
                refreshed = connector.refreshed(client)
            report.requests, report.bytes = client.requests, client.bytes_received
            client.close()
        _finish(factory, report, box, refreshed, fatal)
    return report


def _fail_rest(report: SyncReport, wanted: Sequence[str], error: ConnectorError) -> None:
    for name in wanted:
        if name not in {s.name for s in report.streams}:
            report.streams.append(StreamReport(name, status="failed", error=error.as_dict()))


def _unexpected(exc: BaseException, stream: str | None = None) -> ConnectorError:
    return ConnectorError(
        "shape",
        N_("socialdesk could not read the platform's answer; the next run tries again"),
        detail=type(exc).__name__,
        stream=stream,
    )


@dataclass
class _Walk:
    """Walks one stream page by page; each page and its cursor one transaction."""

    factory: sessionmaker[Session]
    workspace_id: int
    connection_id: int
    batch_id: int
    since: dt.datetime | None
    max_pages: int | None

    def _begin(self, stream: Stream, ctx: StreamContext, sr: StreamReport) -> dict[str, Any]:
        """The stream's saved state; a cut walk resumes unless --since starts a new one."""
        with self.factory() as session, session.begin():
            cursor = _cursor(session, self.connection_id, stream.name)
            state = dict(cursor.state or {})
            if self.since is not None and state.get("page") is not None:
                state = {k: v for k, v in state.items() if k in _KEEP}  # --since: a new walk
            state["last_run"] = _now().isoformat()  # the worker's schedule reads it
            cursor.state = state
            cursor.updated_at = _now()  # a sign of life (run_alive)
        if state.get("page") is not None:
            sr.resumed = True
            ctx.stop_before = _parse(state.get("stop_before"))
            ctx.as_of = dt.date.fromisoformat(state.get("as_of") or ctx.as_of.isoformat())
        else:
            high = _parse(state.get("high_water"))
            ctx.stop_before = self.since or (
                high - dt.timedelta(days=stream.refresh_days) if high else None
            )
        return state

    def run(self, stream: Stream, ctx: StreamContext, sr: StreamReport) -> ConnectorError | None:
        state = self._begin(stream, ctx, sr)
        page_cursor: str | None = state.get("page")
        walk_newest = _parse(state.get("walk_newest")) if sr.resumed else None
        while self.max_pages is None or sr.pages < self.max_pages:
            try:
                page = stream.fetch(ctx, page_cursor)
                if page.newest and (walk_newest is None or page.newest > walk_newest):
                    walk_newest = page.newest
                self._write(stream, ctx, state, page, walk_newest, sr)
            except ConnectorError as exc:
                return self._stopped(stream, sr, exc.for_stream(stream.name))
            except Exception as exc:  # a row the Loader refuses, an answer not foreseen
                log.exception("stream %s of connection %s", stream.name, self.connection_id)
                if isinstance(exc, RowInvalid):
                    error = shape_error(stream.name, f"row {exc.row} {exc.column}", exc.detail)
                else:
                    error = _unexpected(exc, stream.name)
                return self._stopped(stream, sr, error)
            sr.pages += 1
            sr.items += page.items
            if page.next_cursor is None:
                break
            page_cursor = page.next_cursor
        return None

    def _stopped(self, stream: Stream, sr: StreamReport, error: ConnectorError) -> ConnectorError:
        sr.status, sr.error = "failed", error.as_dict()
        if sr.resumed and not error.transient and error.kind != "auth":
            # a cut walk that cannot go on (an expired page cursor, an answer that will not
            # change): start the next run from the top instead of failing there for good
            with self.factory() as session, session.begin():
                cursor = _cursor(session, self.connection_id, stream.name)
                cursor.state = {k: v for k, v in (cursor.state or {}).items() if k in _KEEP}
        return error

    def _write(
        self,
        stream: Stream,
        ctx: StreamContext,
        state: dict[str, Any],
        page: Page,
        walk_newest: dt.datetime | None,
        sr: StreamReport,
    ) -> None:
        with self.factory() as session, session.begin():
            loader = Loader(session, self.workspace_id, self.batch_id)
            for chunk in page.chunks:
                loader.load(chunk)
            loader.finish()
            cursor = _cursor(session, self.connection_id, stream.name)
            kept = {k: v for k, v in (cursor.state or {}).items() if k in _KEEP}
            if page.next_cursor is None:  # the walk is complete
                old_high = _parse(state.get("high_water"))
                high = max(filter(None, (old_high, walk_newest)), default=None)
                cursor.state = {**kept, "high_water": _iso(high)}
            else:
                cursor.state = {
                    **kept,
                    "page": page.next_cursor,
                    "stop_before": _iso(ctx.stop_before),
                    "walk_newest": _iso(walk_newest),
                    "as_of": ctx.as_of.isoformat(),
                }
            cursor.updated_at = _now()
            batch = session.get(ImportBatch, self.batch_id)
            assert batch is not None
            batch.counts = _add_counts(batch.counts or {}, loader.counts)
            added = sum(c.added for t, c in loader.counts.items() if t in CONTENT)
            updated = sum(c.updated for t, c in loader.counts.items() if t in CONTENT)
            sr.added += added
            sr.updated += updated
            batch.rows_added += added
            batch.rows_updated += updated
            batch.rows_read += page.items
            batch.size_bytes = ctx.client.bytes_received


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
        if fatal is not None and fatal.kind == "auth":
            # the worker leaves it alone until a person connects again (connect clears it)
            conn.settings = {**(conn.settings or {}), "blocked": "auth"}
        if refreshed:
            conn.secret = box.seal(refreshed)
        batch.finished_at = now
        batch.notes = {"sync_run": run.id, "streams": run.streams}
        wrote = any(c.get("added") or c.get("updated") for c in (batch.counts or {}).values())
        if not wrote:  # a run that brought nothing leaves no empty batch in the import list
            run.import_batch_id = None
            session.flush()
            session.delete(batch)
            report.batch_id = 0
        _prune(session, report.connection_id)


def _prune(session: Session, connection_id: int, keep: int = KEEP_RUNS) -> None:
    """Only the last `keep` runs of a connection are kept (their batches stay)."""
    old = (
        select(SyncRun.id)
        .where(SyncRun.connection_id == connection_id)
        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        .offset(keep)
    )
    ids = list(session.scalars(old))
    if ids:
        session.execute(delete(SyncRun).where(SyncRun.id.in_(ids)))
