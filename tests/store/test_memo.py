"""Results kept per data version (store/memo.py): a second request with the same data reads
the kept result, a new import or row makes a new version, and memory stays bounded."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from socialdesk.model import Account, ImportBatch, Post
from socialdesk.store import memo as memo_module
from socialdesk.store.memo import data_version, memo
from socialdesk.store.session import session_scope


def _account(ws) -> int:
    with session_scope(ws.engine) as s:
        acc = Account(workspace_id=ws.workspace_id, platform="facebook", handle="groenfonds")
        s.add(acc)
        s.flush()
        return acc.id


def test_a_result_is_kept_until_the_data_changes(ws):
    account = _account(ws)
    calls: list[int] = []

    def compute() -> tuple[int, ...]:
        calls.append(1)
        return (len(calls),)

    def ask():
        with session_scope(ws.engine) as s:
            return memo(s, ws.workspace_id, "test.kind", ("a",), (Post,), compute)

    first = ask()
    assert ask() is first and len(calls) == 1  # same data: the kept result
    with session_scope(ws.engine) as s:  # a row written without a batch: a new version
        s.add(Post(account_id=account, external_id="p1", published_at=dt.datetime(2026, 1, 1)))
    assert ask() == (2,)
    with session_scope(ws.engine) as s:  # an import that only updated rows writes a batch
        s.add(
            ImportBatch(
                workspace_id=ws.workspace_id,
                sha256="0" * 64,
                format="test",
                filename="x.csv",
                size_bytes=1,
                imported_by="test",
            )
        )
    assert ask() == (3,)
    with session_scope(ws.engine) as s:
        assert memo(s, ws.workspace_id, "test.kind", ("b",), (Post,), compute) == (4,)
        assert memo(s, ws.workspace_id + 1, "test.kind", ("a",), (Post,), compute) == (5,)


def test_the_version_reads_each_table_once(ws):
    with session_scope(ws.engine) as s:
        assert data_version(s, (Post, Account)) == data_version(s, (Post, Account))
        # the number of batches, the highest batch id and start, one highest id per table
        assert len(data_version(s, (Post, Account))) == 5


def test_an_undone_newest_batch_whose_id_is_given_again_makes_a_new_version(ws):
    """SQLite gives the next import the id of an undone newest batch (no AUTOINCREMENT): with
    as many rows, every count and highest id would be as before the undo."""
    from socialdesk.model import ImportBatch

    _batch(ws, "a.csv")
    first = _batch(ws, "wrong.csv")
    with session_scope(ws.engine) as s:
        before = data_version(s, (Post,))
        s.delete(s.get(ImportBatch, first))
    again = _batch(ws, "right.csv")
    with session_scope(ws.engine) as s:
        assert data_version(s, (Post,)) != before
    if ws.engine.dialect.name == "sqlite":
        assert again == first  # the case this guards against


def _batch(ws, name: str) -> int:
    with session_scope(ws.engine) as s:
        batch = ImportBatch(
            workspace_id=ws.workspace_id,
            sha256=name[0] * 64,
            format="test",
            filename=name,
            size_bytes=1,
            imported_by="test",
        )
        s.add(batch)
        s.flush()
        return batch.id


def test_undoing_an_older_batch_makes_a_new_version(ws):
    """An undone older import leaves every highest id as it was; the kept results read its
    rows all the same, so the version must change (the batch count does)."""
    account = _account(ws)
    older = _batch(ws, "a.csv")
    newer = _batch(ws, "b.csv")
    with session_scope(ws.engine) as s:
        s.add(
            Post(
                account_id=account,
                external_id="p1",
                published_at=dt.datetime(2026, 1, 1),
                import_batch_id=older,
            )
        )
        s.add(
            Post(
                account_id=account,
                external_id="p2",
                published_at=dt.datetime(2026, 1, 2),
                import_batch_id=newer,
            )
        )
    from socialdesk.importers.undo import undo_batch

    with session_scope(ws.engine) as s:
        before = data_version(s, (Post,))
        counted = memo(
            s,
            ws.workspace_id,
            "test.posts",
            (),
            (Post,),
            lambda: s.query(Post).filter(Post.account_id == account).count(),
        )
        assert counted == 2
    with session_scope(ws.engine) as s:
        undo_batch(s, ws.workspace_id, older)
    with session_scope(ws.engine) as s:
        assert data_version(s, (Post,)) != before
        assert (
            memo(
                s,
                ws.workspace_id,
                "test.posts",
                (),
                (Post,),
                lambda: s.query(Post).filter(Post.account_id == account).count(),
            )
            == 1
        )


def test_memory_stays_bounded(ws, monkeypatch):
    monkeypatch.setattr(memo_module, "KEPT", 3)
    memo_module.clear()
    with session_scope(ws.engine) as s:
        for i in range(10):
            memo(s, ws.workspace_id, "test.bounded", (i,), (), lambda i=i: i)
    assert memo_module.stats()["kept"] == 3


def test_the_uplift_fits_once_per_data_version(ws, monkeypatch):
    """The visual page's fits (seconds on a real workspace) run once per import."""
    from socialdesk.visual import run as visual
    from tests.web import seeding

    seeding.seed(ws.engine, ws.workspace_id)
    fits: list[int] = []
    real = visual._uplift_report

    def counting(*a, **k):
        fits.append(1)
        return real(*a, **k)

    monkeypatch.setattr(visual, "_uplift_report", counting)
    with session_scope(ws.engine) as s:
        a = visual.uplift_report(s, ws.workspace_id)
        b = visual.uplift_report(s, ws.workspace_id)
        c = visual.uplift_report(s, ws.workspace_id, metric="comments")
    assert a is b and c is not a and len(fits) == 2


def test_processes_that_share_a_folder_make_a_result_once(ws, tmp_path):
    """`serve --workers N` (issue #18): a result one process made is read from the shared
    folder by the others (here: the kept results forgotten, as in a new process)."""
    account = _account(ws)
    calls: list[int] = []

    def compute() -> tuple[int, ...]:
        calls.append(1)
        return (len(calls), account)

    def ask():
        with session_scope(ws.engine) as s:
            return memo(s, ws.workspace_id, "test.shared", ("a",), (Post,), compute)

    memo_module.share(tmp_path / "shared")
    try:
        first = ask()
        memo_module.clear()  # another process: nothing kept in memory
        assert ask() == first and len(calls) == 1
        assert len(list((tmp_path / "shared").glob("*.pickle"))) == 1
        with session_scope(ws.engine) as s:  # new data: made again, by one process
            s.add(Post(account_id=account, external_id="p2", published_at=dt.datetime(2026, 1, 2)))
        memo_module.clear()
        assert ask() == (2, account)
        assert len(list((tmp_path / "shared").glob("*.pickle"))) == 2  # one per version
        memo_module.clear()
        for p in (tmp_path / "shared").glob("*.pickle"):
            p.write_bytes(b"not a pickle")  # damaged: made again, never an error
        assert ask() == (3, account)
    finally:
        memo_module.share(None)
        memo_module.clear()


def test_the_shared_folder_keeps_the_most_recent_results(ws, tmp_path, monkeypatch):
    monkeypatch.setattr(memo_module, "SHARED_FILES", 3)
    memo_module.share(tmp_path / "shared")
    try:
        with session_scope(ws.engine) as s:
            for i in range(6):
                memo(s, ws.workspace_id, "test.prune", (i,), (Post,), lambda i=i: i)
        assert len(list((tmp_path / "shared").glob("*.pickle"))) == 3
    finally:
        memo_module.share(None)
        memo_module.clear()


def test_slow_results_are_made_a_few_at_a_time(ws, monkeypatch):
    """A viewer asking for many windows at once must not start as many fits side by side: a
    computation beyond the slots waits, and is refused with Busy when none frees up; a result
    needed inside another one is made in its slot (no deadlock)."""
    monkeypatch.setattr(memo_module, "_SLOTS", threading.BoundedSemaphore(1))
    monkeypatch.setattr(memo_module, "MAKE_WAIT", 0.5)
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        with session_scope(ws.engine) as s:  # a nested result: made in the same slot
            inner = memo(s, ws.workspace_id, "test.inner", (), (Post,), lambda: "inner")
        started.set()
        release.wait(30)
        return "slow " + inner

    def ask(kind: str, compute):
        with session_scope(ws.engine) as s:
            return memo(s, ws.workspace_id, kind, (), (Post,), compute)

    out: list[str] = []
    holder = threading.Thread(target=lambda: out.append(ask("test.slow", slow)))
    holder.start()
    assert started.wait(30)
    try:
        with pytest.raises(memo_module.Busy):
            ask("test.other", lambda: "other")
        with session_scope(ws.engine) as s:  # a cheap result needs no slot
            kw = {"slot": False}
            assert memo(s, ws.workspace_id, "test.cheap", (), (Post,), lambda: "c", **kw) == "c"
        with memo_module.own_slot():  # the warmer's results neither wait nor are refused
            assert ask("test.warm", lambda: "warm") == "warm"
    finally:
        release.set()
        holder.join(30)
    assert out == ["slow inner"]
    assert ask("test.other", lambda: "other") == "other"  # the slot is free again
