"""The job worker on huey's SQLite storage and on the running Redis: schedules, retries,
recovery, and a real consumer thread; syncs go to the recorded Mastodon API."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid

import httpx
import pytest
import respx
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialdesk.connectors import run
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.secrets import SecretBox
from socialdesk.model import Job
from socialdesk.worker import make_worker
from socialdesk.worker.jobs import jobs, make_huey
from tests.conftest import IN_CI
from tests.connectors.mastodon_api import TOKEN, sample

REDIS_URL = os.environ.get("SOCIALDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        if IN_CI:
            pytest.fail(f"Redis is required in CI: {exc}")
        pytest.skip(
            f"Redis not reachable at {REDIS_URL} ({exc}); start it or set SOCIALDESK_TEST_REDIS_URL"
        )


@pytest.fixture(params=["sqlite", "redis"])
def huey(request, tmp_path):
    if request.param == "sqlite":
        yield make_huey(tmp_path)
        return
    _redis_or_skip()
    from huey import RedisHuey

    h = RedisHuey(f"sd-test-{uuid.uuid4().hex[:8]}", url=REDIS_URL)
    yield h
    h.storage.flush_all()


@pytest.fixture
def api():
    fake = sample()
    with respx.mock(assert_all_called=False) as router:
        fake.install(router)
        yield fake


def _sleep(_seconds: float) -> None:
    return None


@pytest.fixture
def setup(ws, api, huey):
    box = SecretBox.for_workspace(ws.folder)
    with Session(ws.engine) as session, session.begin():
        cid = run.connect(
            session,
            ws.workspace_id,
            "mastodon",
            {"instance": "mastodon.example", "token": TOKEN},
            box,
            created_by="tests",
            http=HttpOptions(sleep=_sleep),
        ).id
    worker = make_worker(
        ws.folder, ws.engine, ws.workspace_id, huey=huey, http=HttpOptions(sleep=_sleep, attempts=2)
    )
    return worker, cid


def _jobs(ws):
    with Session(ws.engine) as s:
        return jobs(s, ws.workspace_id)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_due_streams_are_scheduled_once_and_run(ws, setup):
    worker, _cid = setup
    assert len(worker.schedule_due()) == 1
    assert worker.schedule_due() == []  # already queued: one live job per connection
    assert worker.run_pending() == 1
    [job] = _jobs(ws)
    assert job["status"] == "done" and job["attempts"] == 1
    with Session(ws.engine) as s:
        health = run.connections(s, ws.workspace_id).connections[0]
    assert health.health == "ok" and all(st.last_status == "ok" for st in health.streams)
    assert worker.schedule_due() == []  # nothing is due right after a run
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=6)
    assert len(worker.schedule_due(now=later)) == 1
    with Session(ws.engine) as s:
        newest = s.scalar(select(Job).order_by(Job.id.desc()))
        assert newest.args["streams"] == ["mentions"]  # statuses run hourly, mentions each 5 min
    worker.run_pending()
    with Session(ws.engine) as s:
        streams = {st.name: st for st in run.connections(s, ws.workspace_id).connections[0].streams}
    # each stream shows its own last run, not "not run" when only the other one was due
    assert streams["statuses"].last_status == "ok" and streams["statuses"].last_items == 95


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_paused_connection_is_not_scheduled(ws, setup):
    worker, cid = setup
    with Session(ws.engine) as s, s.begin():
        run.set_status(s, ws.workspace_id, cid, "paused")
    assert worker.schedule_due() == []


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_server_error_is_retried_with_backoff_and_an_expired_token_is_not(ws, setup, api):
    worker, cid = setup
    api.faults[("statuses", 1)] = httpx.Response(503, text="busy")
    api.sticky.add(("statuses", 1))
    worker.enqueue_sync(cid, trigger="command")
    worker.run_pending()
    [job] = _jobs(ws)
    assert job["status"] == "retrying" and "server error" in job["error"]
    assert worker.huey.scheduled_count() == 1  # the retry waits its delay
    api.token = "revoked"
    api.sticky.clear()
    api.faults.clear()
    [retry] = worker.huey.scheduled()
    assert 25 <= (retry.eta - dt.datetime.now(dt.UTC).replace(tzinfo=None)).total_seconds() <= 31
    worker.huey.storage.flush_schedule()
    worker.huey.execute(retry, timestamp=retry.eta)  # as the scheduler does when it is due
    [job] = _jobs(ws)
    assert job["status"] == "failed" and "connect again" in job["error"]
    assert job["attempts"] == 2 and worker.huey.scheduled_count() == 0


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_job_left_running_by_a_dead_worker_is_queued_again(ws, setup):
    worker, cid = setup
    worker.enqueue_sync(cid, trigger="command")
    with Session(ws.engine) as s, s.begin():
        job = s.scalar(select(Job))
        job.status = "running"  # the worker died here
    worker.huey.flush()
    assert worker.recover() == 1
    assert worker.run_pending() == 1
    statuses = sorted(j["status"] for j in _jobs(ws))
    assert statuses == ["done", "failed"]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_consumer_thread_runs_queued_jobs(ws, setup):
    worker, cid = setup
    consumer = worker.consumer(quiet=True)
    consumer.start()
    try:
        worker.enqueue_sync(cid, trigger="web")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(j["status"] == "done" for j in _jobs(ws)):
                break
            time.sleep(0.2)
    finally:
        consumer.stop(graceful=True)
    assert any(j["status"] == "done" for j in _jobs(ws)), _jobs(ws)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_long_retry_after_is_honoured_by_the_worker(ws, setup, api):
    worker, cid = setup
    api.faults[("notifications", 1)] = httpx.Response(
        429, json={"error": "Too many requests"}, headers={"Retry-After": "3600"}
    )
    worker.enqueue_sync(cid, ["mentions"], trigger="command")
    worker.run_pending()
    [retry] = worker.huey.scheduled()
    wait = (retry.eta - dt.datetime.now(dt.UTC).replace(tzinfo=None)).total_seconds()
    assert 3500 < wait <= 3601  # when the platform said, not after 30 s
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=10)
    with Session(ws.engine) as s, s.begin():
        s.scalar(select(Job)).status = "failed"  # as if given up: only the schedule counts
    queued = worker.schedule_due(now=later)
    with Session(ws.engine) as s:
        newest = s.scalar(select(Job).order_by(Job.id.desc()))
    # statuses were never run, so they are due; the mentions wait for the platform's time
    assert queued and newest.args["streams"] == ["statuses"]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_once_runs_a_retry_whose_time_has_come(ws, setup, api, monkeypatch):
    from socialdesk.worker import jobs as jobs_module

    worker, cid = setup
    api.faults[("statuses", 1)] = httpx.Response(503, text="busy")
    api.sticky.add(("statuses", 1))
    worker.enqueue_sync(cid, trigger="command")
    worker.run_pending()
    assert [j["status"] for j in _jobs(ws)] == ["retrying"]
    api.sticky.clear()
    api.faults.clear()
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=2)
    monkeypatch.setattr(jobs_module, "_now", lambda: later)
    assert worker.run_pending() == 1  # the next `worker --once` (cron) runs the due retry
    assert [j["status"] for j in _jobs(ws)] == ["done"]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_refused_credential_parks_the_connection_until_a_person_acts(ws, setup, api):
    worker, cid = setup
    api.token = "revoked"
    worker.enqueue_sync(cid, trigger="command")
    worker.run_pending()
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=3)
    assert worker.schedule_due(now=later) == []  # not hammering the API with a dead token
    api.token = TOKEN
    box = SecretBox.for_workspace(ws.folder)
    with Session(ws.engine) as session, session.begin():
        run.connect(
            session,
            ws.workspace_id,
            "mastodon",
            {"instance": "mastodon.example", "token": TOKEN},
            box,
            created_by="t",
            http=HttpOptions(sleep=_sleep),
        )
    assert len(worker.schedule_due(now=later)) == 1
