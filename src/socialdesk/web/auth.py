"""Who is asking: local mode (one person, no login) or team mode (users, roles, sessions).

The users, their roles and their passwords live in socialdesk.users; this module is the web's
side of them:

- The session is a signed cookie (itsdangerous) holding the CSRF token and, once logged in,
  the user id, a random session id and a fingerprint of the password hash. The session id
  is only good while its row is in the store (model.UserSession, by its SHA-256 digest):
  logging out deletes the row, a new password or lost access deletes every row of the
  user, so a copy of the cookie stops working at once (the fingerprint also ends sessions
  when the hash is changed behind the cockpit's back). HttpOnly, SameSite=Lax, Secure when
  the request came over https.
- Every form carries the CSRF token, and HTMX sends it as the X-CSRF-Token header.
- Failed logins are counted per user name and address in the database (every worker sees
  them): after MAX_FAILURES within FAILURE_WINDOW the next attempts are refused. The
  address is the connection's, or what a reverse proxy named with `serve --trusted-proxy`
  forwarded; no other X-Forwarded-For is believed (cli/serve.py, proxy_options).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from socialdesk.model import LoginFailure, Membership, User, UserSession
from socialdesk.users import hash_password, needs_rehash, role_rank, verify_password

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SESSION_COOKIE = "sd_session"
LANG_COOKIE = "sd_lang"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = 14 * 24 * 3600
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)


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


def session_digest(session_id: str) -> str:
    """What the store keeps of a session id: its SHA-256, never the id itself."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(session: Session, workspace_id: int, user_id: int) -> str:
    """A new session of the user in the workspace: its random id, for the cookie. Sessions
    past their end are forgotten on the way (the table holds only live sessions)."""
    now = _now()
    session.execute(delete(UserSession).where(UserSession.expires_at <= now))
    session_id = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            id=session_digest(session_id),
            user_id=user_id,
            workspace_id=workspace_id,
            created_at=now,
            expires_at=now + dt.timedelta(seconds=SESSION_MAX_AGE),
        )
    )
    return session_id


def end_session(session: Session, session_id: str | None) -> None:
    """Log the session out: its cookie (and every copy of it) no longer logs anybody in."""
    if session_id:
        session.execute(delete(UserSession).where(UserSession.id == session_digest(session_id)))


def principal_for(
    session: Session, workspace_id: int, user_id: int, session_id: str, fp: str
) -> Principal | None:
    """The logged-in user of a session cookie, if the session is still open (not logged out,
    not ended by a new password or lost access, not expired), the user active, the password
    unchanged and the user a member. One read by primary keys: it runs on every request."""
    if not session_id:
        return None
    row = session.execute(
        select(User.id, User.username, User.is_active, User.password_hash, Membership.role)
        .select_from(UserSession)
        .join(User, User.id == UserSession.user_id)
        .join(
            Membership,
            (Membership.user_id == User.id) & (Membership.workspace_id == workspace_id),
        )
        .where(
            UserSession.id == session_digest(session_id),
            UserSession.user_id == user_id,
            UserSession.workspace_id == workspace_id,
            UserSession.expires_at > _now(),
        )
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
    since = _now() - FAILURE_WINDOW
    per_user = (
        session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(
                LoginFailure.username == username, LoginFailure.ip == ip, LoginFailure.at >= since
            )
        )
        or 0
    )
    per_ip = (
        session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.ip == ip, LoginFailure.at >= since)
        )
        or 0
    )
    return per_user >= MAX_FAILURES or per_ip >= MAX_FAILURES_PER_ADDRESS


def record_failure(session: Session, username: str, ip: str) -> None:
    session.add(LoginFailure(username=username[:150], ip=ip[:64], at=_now()))
    # keep the table small: forget failures older than a day
    session.execute(delete(LoginFailure).where(LoginFailure.at < _now() - dt.timedelta(days=1)))


def authenticate(
    session: Session, workspace_id: int, username: str, password: str, ip: str
) -> tuple[Principal | None, str | None]:
    """(principal, None) on success, else (None, reason): 'throttled', 'invalid', 'no-access'."""
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
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = _now()
    session.execute(
        delete(LoginFailure).where(LoginFailure.username == username, LoginFailure.ip == ip)
    )
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
