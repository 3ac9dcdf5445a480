"""Logging in never waits for an import (#18): while another connection holds SQLite's write
lock (an import's last transaction), a login answers at once with a working session, wrong
passwords are still counted, and logging out still ends the session and its copies. The
bookkeeping in the main database (the last login) is skipped then, and written when free."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select

from socialdesk.model import User
from socialdesk.store.session import WorkspaceHandle, session_scope
from socialdesk.users.sessions import SESSIONS, SessionStore, sessions_file
from socialdesk.web.auth import MAX_FAILURES, SESSION_COOKIE
from tests.web.conftest import csrf_of, login, make_client


@contextmanager
def write_lock(ws: WorkspaceHandle) -> Iterator[None]:
    """Another connection holds the workspace database's write lock (BEGIN IMMEDIATE)."""
    holder = sqlite3.connect(str(ws.engine.url.database), isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _last_login(ws: WorkspaceHandle, username: str):
    with session_scope(ws.engine) as s:
        return s.scalar(select(User.last_login_at).where(User.username == username))


def test_a_login_while_an_import_holds_the_write_lock(team_clients, sqlite_seeded):
    ws = sqlite_seeded.ws
    client = team_clients(None)
    csrf_of(client)  # the login form, before the lock
    with write_lock(ws):
        started = time.monotonic()
        response = login(client, "editor")
        took = time.monotonic() - started
        assert response.status_code == 303, response.text[:300]
        # never the lock's wait (BUSY_TIMEOUT_MS, 10 s): argon2 and a busy CI machine only
        assert took < 5.0, took
        assert client.get("/overview.json").status_code == 200
        copy = make_client(ws, team=True)
        copy.cookies.set(SESSION_COOKIE, client.cookies.get(SESSION_COOKIE))
        assert copy.get("/overview.json").status_code == 200
        # logging out works while the lock is held, and ends every copy of the cookie
        started = time.monotonic()
        out = client.post("/logout", data={"csrf_token": csrf_of(client)})
        assert out.status_code == 303 and time.monotonic() - started < 5.0
        assert client.get("/overview.json").status_code == 401
        assert copy.get("/overview.json").status_code == 401
    assert _last_login(ws, "editor") is None  # skipped while the database was busy
    assert login(team_clients(None), "editor").status_code == 303
    assert _last_login(ws, "editor") is not None  # written when it is free


def test_failed_logins_are_counted_while_the_lock_is_held(team_clients, sqlite_seeded):
    client = team_clients(None)
    with write_lock(sqlite_seeded.ws):
        for _ in range(MAX_FAILURES):
            assert login(client, "admin", "wrong password!").status_code == 401
        assert login(client, "admin").status_code == 429  # throttled all the same


def test_sessions_live_in_a_file_of_their_own_on_sqlite(team_clients, sqlite_seeded):
    ws = sqlite_seeded.ws
    team_clients("viewer")
    path = sessions_file(ws.engine)
    assert path == ws.folder / "socialdesk.sessions.db" and path.exists()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    store = SessionStore.for_engine(ws.engine)
    assert store.engine is not None
    with store.engine.connect() as conn:
        assert len(conn.execute(select(SESSIONS.c.id)).all()) == 1
