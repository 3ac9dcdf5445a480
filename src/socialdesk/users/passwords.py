"""Passwords: argon2id hashes (argon2-cffi's defaults), a strength rule and verification.

`verify_password(None, ...)` checks against a dummy hash, so asking about a user who does
not exist takes as long as asking about one who does.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# verified against when the user does not exist, so both paths take the same time
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str) -> str | None:
    """A reason the password is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"use at least {MIN_PASSWORD_LENGTH} characters"
    return None


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """The hash was made with weaker parameters than today's: hash the password again."""
    return _hasher.check_needs_rehash(password_hash)
