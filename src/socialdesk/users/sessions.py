"""Where logins are kept: the record of every logged-in session, and the failed logins that
throttling counts. socialdesk.web.auth reads and writes them; ending a user's sessions
(a new password, lost access) goes through here too.

On SQLite they live in a small database file of their own next to the workspace's
(`socialdesk.db` -> `socialdesk.sessions.db`, 0600, like the worker's jobs.db): an import
holds the main file's write lock for as long as its last transaction takes (seconds at a
million rows), and logging in, logging out or counting a failed attempt must not wait for it
(docs/decisions.md, "Logins never wait for an import"). On PostgreSQL, where a writer locks
only its rows, they stay in the main database (tables user_session and login_failure, which
the migrations make) and join the caller's transaction. Either way the same statements run
on tables of the same names: only the connection differs (`SessionStore.for_session`).

Ending sessions in the file of their own commits at once, before the caller's transaction
does: should that one roll back, the sessions are ended all the same (never the other way).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    Column,
    Connection,
    CursorResult,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex, CreateTable

from socialdesk.store.engine import private_file
from socialdesk.store.session import sessions_file

SESSION_MAX_AGE = 14 * 24 * 3600  # seconds a session lasts (and its cookie)
# a login waits this long for another login's write to the sessions file (a few rows)
_BUSY_MS = 5_000

# The tables, as both places hold them: model.UserSession and model.LoginFailure in the main
# database (with their foreign keys), these columns in the file of its own (which has no
# users or workspaces to point at).
_tables = MetaData()
SESSIONS = Table(
    "user_session",
    _tables,
    Column("id", String(64), primary_key=True),  # sha256 of the cookie's random id
    Column("user_id", Integer, nullable=False, index=True),
    Column("workspace_id", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
)
FAILURES = Table(
    "login_failure",
    _tables,
    Column("id", Integer, primary_key=True),
    Column("username", String(150), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_login_failure_username_at", "username", "at"),
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def session_digest(session_id: str) -> str:
    """What the store keeps of a session id: its SHA-256, never the id itself."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _file_engine(path: Path) -> Engine:
    """An engine on the sessions file, its tables made. Its connections are pooled (a request
    reads its session in a third of a millisecond, an opened connection takes three times as
    long); they close with the engine, which lives as long as the main database's engine."""
    private_file(path)
    engine = create_engine(f"sqlite:///{path}", hide_parameters=True)
    event.listen(engine, "connect", _sqlite_pragmas)
    with engine.begin() as conn:  # IF NOT EXISTS: two processes may open it at once
        for table in _tables.sorted_tables:
            conn.execute(CreateTable(table, if_not_exists=True))
            for index in table.indexes:
                conn.execute(CreateIndex(index, if_not_exists=True))
    return engine


_stores: weakref.WeakKeyDictionary[Engine, SessionStore] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class SessionStore:
    """The sessions and failed logins of one database (see the module's docstring)."""

    engine: Engine | None  # the file of its own; None: the main database, in the caller's session

    @classmethod
    def for_engine(cls, engine: Engine) -> SessionStore:
        store = _stores.get(engine)
        if store is None:
            path = sessions_file(engine)
            store = cls(_file_engine(path) if path is not None else None)
            _stores[engine] = store
        return store

    @classmethod
    def for_session(cls, session: Session) -> SessionStore:
        bind = session.get_bind()
        return cls.for_engine(bind if isinstance(bind, Engine) else bind.engine)

    @contextmanager
    def _on(self, session: Session) -> Iterator[Session | Connection]:
        """Where the statements run: the file's own short transaction, or the caller's
        session (its transaction commits them with the rest of its work)."""
        if self.engine is None:
            yield session
            return
        with self.engine.begin() as conn:
            yield conn

    # -- sessions ---------------------------------------------------------------------------
    def start(
        self, session: Session, workspace_id: int, user_id: int, max_age: int = SESSION_MAX_AGE
    ) -> str:
        """A new session of the user in the workspace: its random id, for the cookie. Sessions
        past their end are forgotten on the way (the table holds only live sessions)."""
        now = _now()
        session_id = secrets.token_urlsafe(32)
        with self._on(session) as db:
            db.execute(delete(SESSIONS).where(SESSIONS.c.expires_at <= now))
            db.execute(
                insert(SESSIONS).values(
                    id=session_digest(session_id),
                    user_id=user_id,
                    workspace_id=workspace_id,
                    created_at=now,
                    expires_at=now + dt.timedelta(seconds=max_age),
                )
            )
        return session_id

    def is_open(self, session: Session, session_id: str, user_id: int, workspace_id: int) -> bool:
        """Whether the session is live: not logged out, not ended, not expired."""
        if not session_id:
            return False
        with self._on(session) as db:
            found = db.execute(
                select(SESSIONS.c.id).where(
                    SESSIONS.c.id == session_digest(session_id),
                    SESSIONS.c.user_id == user_id,
                    SESSIONS.c.workspace_id == workspace_id,
                    SESSIONS.c.expires_at > _now(),
                )
            ).first()
        return found is not None

    def end(self, session: Session, session_id: str | None) -> None:
        """Log the session out: its cookie (and every copy of it) no longer logs anybody in."""
        if not session_id:
            return
        with self._on(session) as db:
            db.execute(delete(SESSIONS).where(SESSIONS.c.id == session_digest(session_id)))

    def end_user(self, session: Session, user_id: int, workspace_id: int | None = None) -> int:
        """End the user's sessions (in one workspace, or everywhere); how many ended."""
        query = delete(SESSIONS).where(SESSIONS.c.user_id == user_id)
        if workspace_id is not None:
            query = query.where(SESSIONS.c.workspace_id == workspace_id)
        with self._on(session) as db:
            done = db.execute(query)
        return int(cast(CursorResult[Any], done).rowcount or 0)

    def end_all(self, session: Session) -> None:
        """Forget every session and failed login (a restored database starts without)."""
        with self._on(session) as db:
            db.execute(delete(SESSIONS))
            db.execute(delete(FAILURES))

    # -- failed logins ----------------------------------------------------------------------
    def failures(
        self, session: Session, username: str, ip: str, since: dt.datetime
    ) -> tuple[int, int]:
        """Failed logins since `since`: of this user name from this address, and of any name
        from this address."""
        with self._on(session) as db:
            per_user = db.scalar(
                select(func.count())
                .select_from(FAILURES)
                .where(FAILURES.c.username == username, FAILURES.c.ip == ip, FAILURES.c.at >= since)
            )
            per_ip = db.scalar(
                select(func.count())
                .select_from(FAILURES)
                .where(FAILURES.c.ip == ip, FAILURES.c.at >= since)
            )
        return int(per_user or 0), int(per_ip or 0)

    def record_failure(self, session: Session, username: str, ip: str) -> None:
        now = _now()
        with self._on(session) as db:
            db.execute(insert(FAILURES).values(username=username[:150], ip=ip[:64], at=now))
            # keep the table small: forget failures older than a day
            db.execute(delete(FAILURES).where(FAILURES.c.at < now - dt.timedelta(days=1)))

    def forget_failures(self, session: Session, username: str, ip: str) -> None:
        """A good login: the user's failed attempts from this address no longer count."""
        with self._on(session) as db:
            db.execute(delete(FAILURES).where(FAILURES.c.username == username, FAILURES.c.ip == ip))
