"""Jobs and their schedule; see the package docstring.

- A sync job per connection; its key (`sync:<id>`) allows one live job per connection, and a
  sync refuses to start while another run of the same connection is alive (its pages still
  arrive: socialdesk.connectors.sync), so two workers never sync one connection at once.
- The scheduler (a periodic task each minute) enqueues a connection's due streams: a stream
  is due when its interval (Stream.every_minutes, or the connection's own) has passed since
  it last ran, and the platform's Retry-After has passed. Paused connections, and those whose
  credential the platform refused, are left alone until a person acts.
- A failure that waiting may cure (rate limit, server or network error, a crash) is retried
  after 30 s, 1, 2 and 4 minutes, or when the platform said it may be; one a person must fix
  (an expired token, a missing permission) is not: the connection shows why.
- A job whose worker died (killed, machine restarted) is queued again when a worker starts.
- The scheduler also sends the calendar's due items (publishing) and e-mails the reports whose
  schedule is due (socialdesk.reports.mail), each failure its own, never the round's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from huey.exceptions import RetryTask
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from socialdesk.connectors import builtin_connectors
from socialdesk.connectors.base import N_, HttpOptions
from socialdesk.connectors.secrets import SecretBox, SecretKeyError
from socialdesk.connectors.sync import (
    SyncRefused,
    last_runs,
    retry_after,
    run_alive,
    sync_connection,
)
from socialdesk.model import Connection, Job, SyncRun

log = logging.getLogger("socialdesk.worker")
LIVE = ("queued", "running", "retrying")
RETRIES = 4
RETRY_DELAY = 30  # seconds, doubled at each retry: 30 s, 1 min, 2 min, 4 min
LOST_AFTER = dt.timedelta(hours=2)  # a queued job no worker took by then is lost
UNEXPECTED = N_("socialdesk met an unexpected error; the details are in the worker's log")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def queue_name(engine: Engine, workspace_id: int) -> str:
    """One queue per workspace and database: two workspaces never share one in Redis."""
    where = engine.url.render_as_string(hide_password=True)
    return "socialdesk-" + hashlib.sha1(f"{where}|{workspace_id}".encode()).hexdigest()[:12]


def make_huey(folder: Path, redis_url: str | None = None, name: str = "socialdesk") -> Huey:
    url = redis_url or os.environ.get("SOCIALDESK_REDIS_URL")
    if url:
        return RedisHuey(name, url=url, results=False)
    return SqliteHuey(name, filename=str(folder.expanduser().resolve() / "jobs.db"), results=False)


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

        @huey.task(name="sync")
        def sync_task(job_id: int, connection_id: int, streams: list[str] | None) -> str:
            return self._run_sync(job_id, connection_id, streams)

        @huey.periodic_task(crontab(minute="*"), name="schedule")
        def schedule_task() -> int:
            self.publish_due()
            self.send_reports()
            return len(self.schedule_due())

        self._sync_task = sync_task
        self._schedule_task = schedule_task

    # -- enqueueing ---------------------------------------------------------------------
    def enqueue_sync(
        self, connection_id: int, streams: Sequence[str] | None = None, *, trigger: str = "web"
    ) -> int | None:
        """Queues a sync of the connection; None when one is already queued or running."""
        key = f"sync:{connection_id}"
        now = _now()
        with Session(self.engine) as session, session.begin():
            for live in session.scalars(
                select(Job).where(
                    Job.workspace_id == self.workspace_id, Job.key == key, Job.status.in_(LIVE)
                )
            ):
                if live.status == "queued" and now - live.enqueued_at > LOST_AFTER:
                    live.status, live.error = "failed", N_("lost: no worker took it in time")
                    live.finished_at = now
                    continue
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
        try:
            self._sync_task(job_id, connection_id, list(streams) if streams else None)
        except Exception:  # the queue cannot be reached (Redis down): say so, do not block
            log.exception("queueing job %s", job_id)
            self._end(job_id, "failed", N_("the job queue cannot be reached"))
            return None
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
                if connector is None or (conn.settings or {}).get("blocked"):
                    continue
                last = last_runs(session, conn.id)
                waits = retry_after(session, conn.id)
                every = (conn.settings or {}).get("every", {})
                for stream in connector.streams:
                    minutes = int(every.get(stream.name, stream.every_minutes))
                    ran = last.get(stream.name)
                    after = waits.get(stream.name)
                    if after is not None and after > now:
                        continue
                    if ran is None or now - ran >= dt.timedelta(minutes=minutes):
                        due.setdefault(conn.id, []).append(stream.name)
        for cid, streams in due.items():
            job = self.enqueue_sync(cid, streams, trigger="worker")
            if job is not None:
                queued.append(job)
        return queued

    def publish_due(self, now: dt.datetime | None = None) -> list[Any]:
        """Sends the calendar items that are due (publishing/run.py: exactly once); a failure
        is the item's (in its audit log), never the worker's."""
        from socialdesk.connectors.run import secret_box
        from socialdesk.publishing.run import publish_due

        try:
            return publish_due(
                self.engine,
                self.workspace_id,
                self.folder,
                secret_box(self.folder),
                now=now,
                http=self.http,
            )
        except Exception:  # one bad item must not stop the syncs
            log.exception("publishing")
            return []

    def send_reports(self, now: dt.datetime | None = None) -> list[Any]:
        """E-mails the reports whose schedule is due (reports/mail.py: once per month); a
        failure is the schedule's (its last_error), never the worker's."""
        from socialdesk.reports.mail import send_due

        try:
            return list(send_due(self.engine, self.workspace_id, self.folder, now=now))
        except Exception:  # a broken report must not stop the syncs
            log.exception("sending the scheduled reports")
            return []

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
            trigger = str((job.args or {}).get("trigger") or "worker")
        try:
            report = sync_connection(
                self.engine,
                self.workspace_id,
                connection_id,
                SecretBox.for_workspace(self.folder),
                builtin_connectors(),
                streams=streams,
                trigger="worker" if trigger == "worker" else trigger,
                http=self.http,
            )
        except SyncRefused as exc:  # paused, removed, or a run of it is under way
            self._end(job_id, "skipped", str(exc))
            return "skipped"
        except SecretKeyError as exc:
            self._end(job_id, "failed", exc.args[0] if exc.args else str(exc))
            return "failed"
        except Exception:  # a crash: logged, told in plain words, tried again later
            log.exception("sync job %s of connection %s", job_id, connection_id)
            return self._again(job_id, attempts, UNEXPECTED, None)
        if report.added:
            try:
                self._triage()
            except Exception:  # triage is a help, not the job: the sync stands
                log.exception("triage after sync job %s", job_id)
        errors = [s.error for s in report.streams if s.error]
        transient = [e for e in errors if e.get("kind") in ("rate", "server", "network")]
        if transient and len(transient) == len(errors):
            when = min((e["retry_at"] for e in transient if e.get("retry_at")), default=None)
            eta = dt.datetime.fromisoformat(when).replace(tzinfo=None) if when else None
            return self._again(job_id, attempts, str(transient[0].get("message")), eta)
        if errors:
            self._end(job_id, "failed", str(errors[0].get("message")))
            return report.status
        self._end(job_id, "done", None)
        return report.status

    def _again(self, job_id: int, attempts: int, message: str, eta: dt.datetime | None) -> str:
        """Retry later (huey's schedule), or give up after RETRIES retries."""
        if attempts > RETRIES:
            self._end(job_id, "failed", message)
            return "failed"
        self._end(job_id, "retrying", message)
        if eta is not None:
            raise RetryTask(message, eta=eta)
        raise RetryTask(message, delay=RETRY_DELAY * 2 ** (attempts - 1))

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
        """Jobs a dead worker left running are queued again (their syncs resume); a job
        whose sync is still alive (another worker's) is left alone."""
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
                cid = int((job.args or {}).get("connection_id") or 0)
                runs = session.scalars(
                    select(SyncRun).where(SyncRun.connection_id == cid, SyncRun.status == "running")
                )
                if any(run_alive(session, r) for r in runs):
                    continue
                job.status, job.error = "failed", N_("interrupted: the worker stopped")
                job.finished_at = _now()
                if job.kind == "sync":
                    again.append((cid, (job.args or {}).get("streams") or None))
        for connection_id, streams in again:
            self.enqueue_sync(connection_id, streams, trigger="worker")
        return len(again)

    def consumer(self, *, workers: int = 1, quiet: bool = False) -> Consumer:
        cls = _QuietConsumer if quiet else Consumer
        return cls(
            self.huey,
            workers=workers,
            periodic=True,
            worker_type="thread",
            check_worker_health=True,
        )

    def run_pending(self) -> int:
        """Runs every queued job, and every retry whose time has come, in this process now
        (the command line's `--once`, e.g. from cron)."""
        now = _now()
        for task in self.huey.read_schedule(now):
            self.huey.enqueue(task)
        done = 0
        while True:
            task = self.huey.dequeue()
            if task is None:
                return done
            self.huey.execute(task, timestamp=max(now, _now()))
            done += 1


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
        folder,
        engine,
        workspace_id,
        huey or make_huey(folder, redis_url, queue_name(engine, workspace_id)),
        http or HttpOptions(),
    )


def jobs(session: Session, workspace_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The worker's last jobs as plain dicts (the seam's `recent_jobs`)."""
    from dataclasses import asdict

    from socialdesk.connectors.run import recent_jobs

    return [asdict(j) for j in recent_jobs(session, workspace_id, limit)]
