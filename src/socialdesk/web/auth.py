"""Who is asking: local mode (one person, no login) or team mode (users, roles, sessions).

The users, their roles and their passwords live in socialdesk.users; this module is the web's
side of them:

- The session is a signed cookie (itsdangerous) holding the CSRF token and, once logged in,
  the user id, a random session id and a fingerprint of the password hash. The session id
  is only good while its record is in the session store (socialdesk.users.sessions, by its
  SHA-256 digest): logging out deletes it, a new password or lost access deletes every one
  of the user, so a copy of the cookie stops working at once (the fingerprint also ends
  sessions when the hash is changed behind the cockpit's back). HttpOnly, SameSite=Lax,
  Secure when the request came over https (directly, or through `serve --trusted-proxy`).
- Logging in never waits for an import's write lock: on SQLite the session store is a file
  of its own, and the bookkeeping in the main database (last login, a rehashed password) is
  written only when the database is free at once, else skipped (`_best_effort`).
- Every form carries the CSRF token, and HTMX sends it as the X-CSRF-Token header.
- Failed logins are counted per user name and address in the session store (every worker
  sees them): after MAX_FAILURES within FAILURE_WINDOW the next attempts are refused. The
  address is the connection's, or what a reverse proxy named with `serve --trusted-proxy`
  forwarded; no other X-Forwarded-For is believed (cli/serve.py, proxy_options).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from socialdesk.model import Membership, User
from socialdesk.store.engine import is_locked
from socialdesk.users import hash_password, needs_rehash, role_rank, verify_password
from socialdesk.users.sessions import SESSION_MAX_AGE, SessionStore
from socialdesk.users.sessions import session_digest as session_digest  # the store's name for it

log = logging.getLogger("socialdesk.web")

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SESSION_COOKIE = "sd_session"
LANG_COOKIE = "sd_lang"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)
# how long login bookkeeping in the main database waits for another writer, then is skipped
BOOKKEEPING_WAIT_MS = 200


def is_local_host(host: str) -> bool:
    return host.strip().lower() in LOCAL_HOSTS


@dataclass(frozen=True)
class Principal:
    """The person behind a request, with their role in the served workspace."""

    username: str
    role: str
    user_id: int | None = None  # None in local mode
    local: bool = False

    def can(self, role: str) -> bool:
        return role_rank(self.role) >= role_rank(role)


LOCAL_PRINCIPAL = Principal(username="local", role="admin", local=True)


# -- sessions of users ---------------------------------------------------------------------
def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def start_session(session: Session, workspace_id: int, user_id: int) -> str:
    """A new session of the user in the workspace: its random id, for the cookie."""
    return SessionStore.for_session(session).start(session, workspace_id, user_id, SESSION_MAX_AGE)


def end_session(session: Session, session_id: str | None) -> None:
    """Log the session out: its cookie (and every copy of it) no longer logs anybody in."""
    SessionStore.for_session(session).end(session, session_id)


def principal_for(
    session: Session, workspace_id: int, user_id: int, session_id: str, fp: str
) -> Principal | None:
    """The logged-in user of a session cookie, if the session is still open (not logged out,
    not ended by a new password or lost access, not expired), the user active, the password
    unchanged and the user a member. Two reads by primary keys: it runs on every request."""
    if not SessionStore.for_session(session).is_open(session, session_id, user_id, workspace_id):
        return None
    row = session.execute(
        select(User.id, User.username, User.is_active, User.password_hash, Membership.role)
        .join(
            Membership,
            (Membership.user_id == User.id) & (Membership.workspace_id == workspace_id),
        )
        .where(User.id == user_id)
    ).first()
    if row is None:
        return None
    uid, username, is_active, password_hash, role = row
    if not is_active or not hmac.compare_digest(fingerprint(password_hash), fp):
        return None
    return Principal(username=username, role=role, user_id=uid)


# -- login throttling ----------------------------------------------------------------------
def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def throttled(session: Session, username: str, ip: str) -> bool:
    store = SessionStore.for_session(session)
    per_user, per_ip = store.failures(session, username, ip, _now() - FAILURE_WINDOW)
    return per_user >= MAX_FAILURES or per_ip >= MAX_FAILURES_PER_ADDRESS


def record_failure(session: Session, username: str, ip: str) -> None:
    SessionStore.for_session(session).record_failure(session, username, ip)


def _best_effort(session: Session, statement: Any) -> bool:
    """Run a bookkeeping write on the main database in a transaction of its own, only if the
    database is free now (BOOKKEEPING_WAIT_MS at most): an import holding SQLite's write lock
    makes it skip, never fail or hold up the login. Whether it was written."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            before = None
            if sqlite:  # the pooled connection's own wait, given back below
                before = int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)
                conn.exec_driver_sql(f"PRAGMA busy_timeout={BOOKKEEPING_WAIT_MS}")
                conn.commit()
            try:
                if not sqlite:
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BOOKKEEPING_WAIT_MS}")
                conn.execute(statement)
                conn.commit()
            finally:
                conn.rollback()
                if sqlite:  # the pooled connection waits as long as it did again
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={int(before or 0)}")
                    conn.commit()
    except OperationalError as exc:
        if not (is_locked(exc) or "lock timeout" in str(exc.orig).lower()):
            raise
        log.info("the database is busy (an import?): login bookkeeping skipped")
        return False
    return True


_BOOKKEEPING = "socialdesk.login_bookkeeping"


def bookkeep(session: Session) -> bool:
    """After a login's transaction: its bookkeeping (`authenticate`), best-effort. Whether it
    was written (then a rehashed password is the one stored)."""
    statement = session.info.pop(_BOOKKEEPING, None)
    return statement is not None and _best_effort(session, statement)


def authenticate(
    session: Session, workspace_id: int, username: str, password: str, ip: str
) -> tuple[Principal | None, str | None]:
    """(principal, None) on success, else (None, reason): 'throttled', 'invalid', 'no-access'.

    It writes nothing into the caller's transaction on the main database: failed attempts go
    to the session store; the last login and a rehashed password are written best-effort by
    `bookkeep`, which the caller calls after its transaction."""
    username = username.strip()
    if throttled(session, username, ip):
        return None, "throttled"
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        if user is None:
            verify_password(None, password)
        record_failure(session, username, ip)
        return None, "invalid"
    role = session.scalar(
        select(Membership.role).where(
            Membership.user_id == user.id, Membership.workspace_id == workspace_id
        )
    )
    if role is None:
        return None, "no-access"
    now = _now()
    values: dict[str, Any] = {"last_login_at": now}
    if needs_rehash(user.password_hash):
        values["password_hash"] = hash_password(password)
    # written by `bookkeep` once the caller's transaction has given its connection back: a
    # second connection taken while this one is held can wait for ever when every pooled
    # connection is held by a login doing the same (50 logins at once did)
    statement = update(User).where(User.id == user.id)
    if "password_hash" in values:  # only over the hash it verified: a login rehashing at the
        # same moment keeps its own (its session's fingerprint stays good)
        statement = statement.where(User.password_hash == user.password_hash)
    session.info[_BOOKKEEPING] = statement.values(**values)
    SessionStore.for_session(session).forget_failures(session, username, ip)
    return Principal(username=user.username, role=role, user_id=user.id), None


# -- the session cookie --------------------------------------------------------------------
class SessionSigner:
    """Signs and reads the session cookie's payload."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="socialdesk-session")

    def dumps(self, payload: dict[str, Any]) -> str:
        return self._serializer.dumps(payload)

    def loads(self, token: str | None) -> dict[str, Any] | None:
        if not token:
            return None
        try:
            data = self._serializer.loads(token, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None


def new_session() -> dict[str, Any]:
    return {"c": secrets.token_urlsafe(32)}


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))


def secret_key_for(folder: Path) -> str:
    """SOCIALDESK_SECRET_KEY, else a key kept in the workspace folder (created once, 0600).

    Several web workers of one team must share it: set the variable, or share the folder.
    """
    env = os.environ.get("SOCIALDESK_SECRET_KEY")
    if env:
        return env
    path = folder / ".socialdesk-secret"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
