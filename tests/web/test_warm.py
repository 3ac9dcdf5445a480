"""The cockpit's warmer (web/warm.py): after a change in the data it makes the default views'
slow results before anybody asks, so the first request after an import reads a kept result;
a second asker of a result being made waits for it instead of making it again."""

from __future__ import annotations

import threading
import time

from socialdesk.model import ImportBatch
from socialdesk.store import memo as memo_module
from socialdesk.store.memo import memo
from socialdesk.store.session import session_scope
from socialdesk.web.warm import Warmer

from .conftest import make_client


def _batch(ws, n: int) -> None:
    with session_scope(ws.engine) as s:
        s.add(
            ImportBatch(
                workspace_id=ws.workspace_id,
                sha256=f"{n:064d}",
                format="test",
                filename=f"x{n}.csv",
                size_bytes=1,
                imported_by="test",
            )
        )


def test_the_warmer_makes_the_pages_results_once_per_data_version(sqlite_seeded):
    ws = sqlite_seeded.ws
    memo_module.clear()
    calls: list[str] = []
    warmer = Warmer(ws, warmups=(("count", lambda s, w: calls.append("x")),))
    assert warmer.warm_if_changed() is True
    assert warmer.warm_if_changed() is False  # nothing changed: no work
    _batch(ws, 1)  # an import (or a sync) writes a batch
    assert warmer.warm_if_changed() is True
    assert calls == ["x", "x"] and warmer.rounds == 2


def test_after_warming_the_pages_read_kept_results(sqlite_seeded):
    ws = sqlite_seeded.ws
    memo_module.clear()
    warmer = Warmer(ws)
    assert warmer.warm_if_changed() is True
    kept = memo_module.stats()["kept"]
    assert kept >= 5  # the uplift, tests, fatigue, curves, anomalies, inbox figures
    misses = memo_module.stats()["misses"]
    client = make_client(ws)
    for path in (
        "/visual",
        "/ads/tests",
        "/ads/fatigue",
        "/ads/curves",
        "/ads/budget",
        "/analytics/anomalies",
        "/inbox/figures",
    ):
        assert client.get(path).status_code == 200, path
    assert memo_module.stats()["misses"] == misses  # every page read what the warmer made


def test_a_failing_warm_up_is_logged_and_the_others_still_run(sqlite_seeded, caplog):
    ws = sqlite_seeded.ws
    done: list[str] = []

    def broken(session, workspace_id):
        raise RuntimeError("boom")

    warmer = Warmer(ws, warmups=(("broken", broken), ("ok", lambda s, w: done.append("ok"))))
    assert warmer.warm_if_changed() is True
    assert done == ["ok"]
    assert "warming broken failed" in caplog.text


def test_the_thread_warms_after_a_change_and_stops(sqlite_seeded):
    ws = sqlite_seeded.ws
    seen = threading.Event()
    warmer = Warmer(ws, interval=0.05, warmups=(("flag", lambda s, w: seen.set()),)).start()
    try:
        assert seen.wait(10)
        seen.clear()
        _batch(ws, 2)
        assert seen.wait(10)
    finally:
        warmer.stop()
    assert warmer.rounds >= 2


def test_two_askers_of_one_missing_result_compute_it_once(sqlite_seeded):
    ws = sqlite_seeded.ws
    memo_module.clear()
    started = threading.Event()
    calls: list[int] = []
    results: list[object] = []

    def slow() -> tuple[int]:
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return (len(calls),)

    def ask() -> None:
        with session_scope(ws.engine) as s:
            results.append(memo(s, ws.workspace_id, "test.slow", (), (ImportBatch,), slow))

    first = threading.Thread(target=ask)
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=ask)
    second.start()
    first.join(5)
    second.join(5)
    assert calls == [1]
    assert results[0] is results[1]


def test_a_failed_computation_lets_the_next_asker_try_again(sqlite_seeded):
    ws = sqlite_seeded.ws
    memo_module.clear()
    attempts: list[int] = []

    def flaky() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first time fails")
        return 7

    with session_scope(ws.engine) as s:
        try:
            memo(s, ws.workspace_id, "test.flaky", (), (ImportBatch,), flaky)
        except RuntimeError:
            pass
        assert memo(s, ws.workspace_id, "test.flaky", (), (ImportBatch,), flaky) == 7
    assert memo_module._COMPUTING == {}
