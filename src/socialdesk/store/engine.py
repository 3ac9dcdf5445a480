"""Engines for both databases, and the schema brought to head with Alembic.

Writers wait their turn (docs/decisions.md, "Writers wait their turn"): SQLite has one
writer at a time. A writer waits BUSY_TIMEOUT_MS for another's lock, then fails with
"database is locked" (`is_locked`), which the faces answer with "an import is running; try
again in a minute" (web: 503, CLI: one line). An import does not fail: it reads and checks its
file first and then takes its turn with `wait_for_write_turn`, which waits as long as it takes
(up to IMPORT_WAIT), so two imports queue instead of losing one.

The SQLite file is private (0600, like the key file): it holds password hashes and every
message. SQLite gives its -wal and -shm files the database file's mode.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger("socialdesk.store")

# How long a writer waits for another writer's lock before "database is locked": bounded, so a
# web request answers (503) while an import writes. Read at connect.
BUSY_TIMEOUT_MS = 10_000
# Database connections per process: POOL_SIZE kept, up to POOL_OVERFLOW more at busy times.
# The web serves at most web.app.WEB_THREADS requests at once per process, below this, so a
# request never waits for a connection; four web processes on PostgreSQL stay within its
# default max_connections (100) with room for the job workers.
POOL_SIZE = 5
POOL_OVERFLOW = 15
# How long an import waits for its turn to write (another import, a long write) before it fails.
IMPORT_WAIT = 3600.0
# PostgreSQL: the advisory lock's first key, the second is the workspace ("sd" in ASCII)
_PG_LOCK_SPACE = 0x7364


# An import's page cache on SQLite, for its one transaction only: with the default 2 MB
# nearly every index page of a large store is read again for each row written (the cost per
# row grew with the store). A bounded size, given back when the connection returns to the
# pool, so a serving process does not keep it per pooled connection.
IMPORT_CACHE_KIB = 65_536
_IMPORT_CACHE = "socialdesk_cache_size"  # the connection record's note of the size before


def tune_for_import(session: Session) -> None:
    """Give the session's connection the import's settings for its transaction (SQLite: the
    page cache above); undone when the connection is checked in. Durability and atomicity
    are untouched: the journal and synchronous settings stay as they are."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    info = conn.connection.info
    if _IMPORT_CACHE not in info:
        info[_IMPORT_CACHE] = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{int(IMPORT_CACHE_KIB)}")


def _sqlite_checkin(dbapi_connection: Any, record: Any) -> None:
    """Back to the size the connection had before an import tuned it (frees the pages)."""
    before = record.info.pop(_IMPORT_CACHE, None)
    if before is None or dbapi_connection is None:
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA cache_size={int(before)}")
    finally:
        cursor.close()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL, None for an in-memory database or another database."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or parsed.query.get("mode") == "memory":
        return None
    return Path(database).expanduser()


def private_file(path: Path) -> None:
    """Create the database file 0600, or take group and world access away from one of ours
    (with its -wal and -shm files). A file of another owner is left as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # a new database
    except FileExistsError:
        pass
    except OSError as exc:
        log.warning("cannot create %s: %s", path, exc.strerror or exc)
        return
    uid = os.getuid() if hasattr(os, "getuid") else None
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            st = file.stat()
            if st.st_mode & 0o077 and (uid is None or st.st_uid == uid):
                os.chmod(file, stat.S_IMODE(st.st_mode) & 0o700)
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("cannot make %s private: %s", file, exc.strerror or exc)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`: SQLite gets WAL, foreign keys and a private file, PostgreSQL runs
    on psycopg 3. Statement parameters never appear in error messages (a password hash would
    be printed with the INSERT that failed)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    kwargs.setdefault("hide_parameters", True)
    if not url.startswith("sqlite") or sqlite_file(url) is not None:  # a pooled database
        kwargs.setdefault("pool_size", POOL_SIZE)
        kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    if url.startswith("sqlite"):
        db_file = sqlite_file(url)
        if db_file is not None:
            private_file(db_file)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "checkin", _sqlite_checkin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def is_locked(exc: BaseException) -> bool:
    """Whether `exc` is SQLite's "another writer holds the lock" (after BUSY_TIMEOUT_MS)."""
    if not isinstance(exc, OperationalError):
        return False
    message = str(getattr(exc, "orig", None) or exc).lower()
    return "database is locked" in message or "database table is locked" in message


def wait_for_write_turn(
    session: Session,
    workspace_id: int,
    *,
    wait: float | None = None,
    on_wait: Callable[[], None] | None = None,
) -> None:
    """Begin the session's transaction as the writer, waiting for any other writer to finish.

    Call it before the transaction's first statement. SQLite: BEGIN IMMEDIATE, tried again
    while another writer holds the lock (each try waits BUSY_TIMEOUT_MS), up to `wait`
    seconds (IMPORT_WAIT); `on_wait` is called once when it has to wait. PostgreSQL (where
    writers do not lock each other out): a transaction-scoped advisory lock per workspace, so
    two imports of one workspace write one after the other."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:space, :ws)"),
            {"space": _PG_LOCK_SPACE, "ws": workspace_id},
        )
        return
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name != "sqlite" or dbapi is None or dbapi.in_transaction:
        return  # another database, or this transaction has begun (and written) already
    deadline = time.monotonic() + (IMPORT_WAIT if wait is None else wait)
    told = False
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if not is_locked(exc) or time.monotonic() >= deadline:
                raise
            if not told:
                told = True
                log.info("another writer holds the database: waiting for its turn")
                if on_wait is not None:
                    on_wait()


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the database schema to `revision` (idempotent). Skills may add their tables on
    branches of their own; "heads" applies them all."""
    command.upgrade(alembic_config(engine), revision)
