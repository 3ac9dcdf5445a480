"""The workspace's SQLite file is private (issue #18): it holds password hashes and every
message, so it is created 0600 like the key file, its -wal and -shm files too, and an existing
database that others could read is tightened when it is opened."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from socialdesk.store import open_workspace
from socialdesk.store.engine import make_engine

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask (022): files would be created 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_workspace_database_is_private(tmp_path: Path, open_umask: None) -> None:
    folder = tmp_path / "klant"
    handle = open_workspace(folder)
    with handle.engine.connect() as conn:  # the -wal and -shm files exist while connected
        conn.execute(text("SELECT count(*) FROM workspace"))
        db = folder / "socialdesk.db"
        assert _mode(db) == 0o600
        for side in (Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert side.exists()
            assert _mode(side) == 0o600, side.name
    handle.engine.dispose()


def test_an_existing_readable_database_is_tightened_on_open(
    tmp_path: Path, open_umask: None
) -> None:
    db = tmp_path / "old.db"
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("CREATE TABLE t (x)")
    raw.execute("INSERT INTO t VALUES (1)")
    raw.commit()  # raw stays open: the -wal and -shm files stay
    wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
    for path in (db, wal, shm):
        os.chmod(path, 0o644)
    try:
        engine = make_engine(f"sqlite:///{db}")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT x FROM t")).scalar() == 1
        for path in (db, wal, shm):
            assert _mode(path) == 0o600, path.name
        engine.dispose()
    finally:
        raw.close()


def test_only_group_and_world_access_is_taken(tmp_path: Path, open_umask: None) -> None:
    db = tmp_path / "x.db"
    db.touch()
    os.chmod(db, 0o664)
    make_engine(f"sqlite:///{db}").dispose()
    assert _mode(db) == 0o600
    os.chmod(db, 0o400)  # read-only for its owner: kept so
    make_engine(f"sqlite:///{db}").dispose()
    assert _mode(db) == 0o400


def test_memory_databases_make_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for url in ("sqlite://", "sqlite:///:memory:"):
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
        engine.dispose()
    assert list(tmp_path.iterdir()) == []
