"""Jobs and their schedule; see the package docstring.

- A sync job per connection; its key (`sync:<id>`) allows one live job per connection, and a
  huey lock on the same key keeps two workers from syncing one connection at once.
- The scheduler (a periodic task each minute) enqueues a connection's due streams: a stream
  is due when its interval (Stream.every_minutes, or the connection's own) has passed since
  it last ran. Paused connections are left alone.
- A transient failure (rate limit, server or network error, a crash) is retried with
  exponential backoff (huey's retries with retry_backoff); a permanent one (expired token,
  missing permission, wrong shape) is not: the connection shows why.
- A job that died with its worker (killed, machine restarted) is queued again when a worker
  starts.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from huey.exceptions import TaskLockedException
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from socialdesk.connectors import builtin_connectors
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.secrets import SecretBox
from socialdesk.connectors.sync import SyncRefused, sync_connection
from socialdesk.model import Connection, Job, SyncRun

log = logging.getLogger("socialdesk.worker")
LIVE = ("queued", "running", "retrying")
RETRIES = 4
RETRY_DELAY = 30  # seconds, doubled at each retry: 30 s, 1 min, 2 min, 4 min


class RetryableFailure(Exception):
    """A sync that failed for a reason that waiting may cure: huey retries the job."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def make_huey(folder: Path, redis_url: str | None = None) -> Huey:
    url = redis_url or os.environ.get("SOCIALDESK_REDIS_URL")
    name = f"socialdesk-{folder.expanduser().resolve().name}"
    if url:
        return RedisHuey(name, url=url)
    return SqliteHuey(name, filename=str(folder.expanduser().resolve() / "jobs.db"))


class _QuietConsumer(Consumer):
    """A consumer that leaves signals alone: `socialdesk serve` runs it in a thread."""

    def _set_signal_handlers(self) -> None:  # pragma: no cover - nothing to do
        return None


@dataclass
class Worker:
    """One workspace's queue: enqueue jobs, schedule due syncs, run a consumer."""

    folder: Path
    engine: Engine
    workspace_id: int
    huey: Huey
    http: HttpOptions

    def __post_init__(self) -> None:
        huey = self.huey

        @huey.task(retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=2, name="sync")
        def sync_task(job_id: int, connection_id: int, streams: list[str] | None) -> str:
            return self._run_sync(job_id, connection_id, streams)

        @huey.periodic_task(crontab(minute="*"), name="schedule")
        def schedule_task() -> int:
            return len(self.schedule_due())

        self._sync_task = sync_task
        self._schedule_task = schedule_task

    # -- enqueueing ---------------------------------------------------------------------
    def enqueue_sync(
        self, connection_id: int, streams: Sequence[str] | None = None, *, trigger: str = "web"
    ) -> int | None:
        """Queues a sync of the connection; None when one is already queued or running."""
        key = f"sync:{connection_id}"
        with Session(self.engine) as session, session.begin():
            live = session.scalar(
                select(Job.id).where(
                    Job.workspace_id == self.workspace_id, Job.key == key, Job.status.in_(LIVE)
                )
            )
            if live is not None:
                return None
            job = Job(
                workspace_id=self.workspace_id,
                kind="sync",
                key=key,
                args={
                    "connection_id": connection_id,
                    "streams": list(streams or []),
                    "trigger": trigger,
                },
                status="queued",
            )
            session.add(job)
            session.flush()
            job_id = job.id
        self._sync_task(job_id, connection_id, list(streams) if streams else None)
        return job_id

    def schedule_due(self, now: dt.datetime | None = None) -> list[int]:
        """Enqueues every active connection with a stream whose interval has passed."""
        now = now or _now()
        registry = builtin_connectors()
        queued = []
        with Session(self.engine) as session:
            rows = list(
                session.scalars(
                    select(Connection).where(
                        Connection.workspace_id == self.workspace_id,
                        Connection.status == "active",
                    )
                )
            )
            due: dict[int, list[str]] = {}
            for conn in rows:
                connector = registry.get(conn.platform)
                if connector is None:
                    continue
                last = _last_runs(session, conn.id)
                every = (conn.settings or {}).get("every", {})
                for stream in connector.streams:
                    minutes = int(every.get(stream.name, stream.every_minutes))
                    ran = last.get(stream.name)
                    if ran is None or now - ran >= dt.timedelta(minutes=minutes):
                        due.setdefault(conn.id, []).append(stream.name)
        for cid, streams in due.items():
            job = self.enqueue_sync(cid, streams, trigger="worker")
            if job is not None:
                queued.append(job)
        return queued

    # -- running ------------------------------------------------------------------------
    def _job(self, session: Session, job_id: int) -> Job:
        job = session.get(Job, job_id)
        assert job is not None
        return job

    def _run_sync(self, job_id: int, connection_id: int, streams: list[str] | None) -> str:
        with Session(self.engine) as session, session.begin():
            job = self._job(session, job_id)
            job.status, job.started_at = "running", _now()
            job.attempts += 1
            attempts = job.attempts
        try:
            with self.huey.lock_task(f"sync:{connection_id}"):
                box = SecretBox.for_workspace(self.folder)
                report = sync_connection(
                    self.engine,
                    self.workspace_id,
                    connection_id,
                    box,
                    builtin_connectors(),
                    streams=streams,
                    trigger="worker",
                    http=self.http,
                )
        except (SyncRefused, TaskLockedException) as exc:
            self._end(job_id, "failed", str(exc) or "another worker is syncing it")
            return "refused"
        except Exception as exc:  # a crash: retried by huey, told in the job's row
            final = attempts > RETRIES
            self._end(job_id, "failed" if final else "retrying", _short(exc))
            raise
        if report.added:
            self._triage()
        errors = [s.error for s in report.streams if s.error]
        transient = [e for e in errors if e.get("kind") in ("rate", "server", "network")]
        if transient and attempts <= RETRIES:
            self._end(job_id, "retrying", str(transient[0].get("message")))
            raise RetryableFailure(str(transient[0].get("message")))
        if errors:
            self._end(job_id, "failed", str(errors[0].get("message")))
            return report.status
        self._end(job_id, "done", None)
        return report.status

    def _triage(self) -> None:
        """New messages are triaged at once, as after an import."""
        from socialdesk.inbox.run import triage_workspace

        with Session(self.engine) as session, session.begin():
            triage_workspace(session, self.workspace_id)

    def _end(self, job_id: int, status: str, error: str | None) -> None:
        with Session(self.engine) as session, session.begin():
            job = self._job(session, job_id)
            job.status, job.error = status, error
            if status != "retrying":
                job.finished_at = _now()

    def recover(self) -> int:
        """Jobs a dead worker left running are queued again (their syncs resume)."""
        with Session(self.engine) as session, session.begin():
            stuck = list(
                session.scalars(
                    select(Job).where(
                        Job.workspace_id == self.workspace_id, Job.status == "running"
                    )
                )
            )
            again = []
            for job in stuck:
                job.status, job.error = "failed", "interrupted: the worker stopped"
                job.finished_at = _now()
                if job.kind == "sync":
                    again.append((int(job.args["connection_id"]), job.args.get("streams") or None))
        for connection_id, streams in again:
            self.enqueue_sync(connection_id, streams, trigger="worker")
        return len(stuck)

    def consumer(self, *, workers: int = 1, quiet: bool = False) -> Consumer:
        cls = _QuietConsumer if quiet else Consumer
        return cls(
            self.huey,
            workers=workers,
            periodic=True,
            worker_type="thread",
            check_worker_health=True,
            flush_locks=True,
        )

    def run_pending(self) -> int:
        """Runs every queued job in this process, now (the command line's `--once`)."""
        done = 0
        while True:
            task = self.huey.dequeue()
            if task is None:
                return done
            self.huey.execute(task)
            done += 1


def _last_runs(session: Session, connection_id: int) -> dict[str, dt.datetime]:
    """When each stream of the connection last ran (from its recent runs)."""
    out: dict[str, dt.datetime] = {}
    runs = session.scalars(
        select(SyncRun)
        .where(SyncRun.connection_id == connection_id)
        .order_by(SyncRun.started_at.desc())
        .limit(20)
    )
    for run in runs:
        for name in run.streams or {}:
            out.setdefault(name, run.started_at)
    return out


def _short(exc: BaseException) -> str:
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return last[:500]


def make_worker(
    folder: Path,
    engine: Engine,
    workspace_id: int,
    *,
    redis_url: str | None = None,
    http: HttpOptions | None = None,
    huey: Huey | None = None,
) -> Worker:
    return Worker(
        folder, engine, workspace_id, huey or make_huey(folder, redis_url), http or HttpOptions()
    )


def jobs(session: Session, workspace_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The worker's last jobs as plain dicts (the seam's `recent_jobs`)."""
    from dataclasses import asdict

    from socialdesk.connectors.run import recent_jobs

    return [asdict(j) for j in recent_jobs(session, workspace_id, limit)]
