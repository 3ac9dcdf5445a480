"""Who is asking: local mode (one person, no login) or team mode (users, roles, sessions).

The users, their roles and their passwords live in socialdesk.users; this module is the web's
side of them:

- The session is a signed cookie (itsdangerous): the user id, a fingerprint of the password
  hash (so changing a password ends every session) and the CSRF token. HttpOnly,
  SameSite=Lax, Secure when the request came over https.
- Every form carries the CSRF token, and HTMX sends it as the X-CSRF-Token header.
- Failed logins are counted per user name and address in the database (every worker sees
  them): after MAX_FAILURES within FAILURE_WINDOW the next attempts are refused.
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

from socialdesk.model import LoginFailure, Membership, User
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


def principal_for(session: Session, workspace_id: int, user_id: int, fp: str) -> Principal | None:
    """The logged-in user of a session cookie, if still active, unchanged and a member."""
    row = session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(User.id == user_id, Membership.workspace_id == workspace_id)
    ).first()
    if row is None:
        return None
    user, role = row
    if not user.is_active or not hmac.compare_digest(fingerprint(user.password_hash), fp):
        return None
    return Principal(username=user.username, role=role, user_id=user.id)


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
