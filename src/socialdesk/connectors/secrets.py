"""Credentials at rest: encrypted with Fernet (cryptography), never logged or shown.

The key comes from SOCIALDESK_SECRET_KEY (a Fernet key, or any passphrase of 16+ characters,
stretched with SHA-256), else from `secret.key` in the workspace folder, created on first use
with 0600 rights. A team whose web servers and workers run on several machines sets
SOCIALDESK_SECRET_KEY on all of them. Losing the key loses the stored credentials, nothing
else: connect again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from socialdesk.errors import SocialdeskError

log = logging.getLogger("socialdesk.secrets")
ENV = "SOCIALDESK_SECRET_KEY"
KEY_FILE = "secret.key"


class SecretKeyError(SocialdeskError):
    """The key cannot read a stored secret, or no key can be had."""


def _fernet_key(value: str) -> bytes:
    raw = value.strip().encode()
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32:
            return raw
    except (binascii.Error, ValueError):
        pass
    if len(value.strip()) < 16:
        raise SecretKeyError(
            f"{ENV} is too short: use a Fernet key (socialdesk prints one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'`) "
            "or a passphrase of at least 16 characters."
        )
    # a passphrase: stretched with scrypt (a fixed salt: the key must be the same everywhere)
    return base64.urlsafe_b64encode(
        hashlib.scrypt(raw, salt=b"socialdesk secret key", n=2**14, r=8, p=1, dklen=32)
    )


def _key_from_file(folder: Path) -> bytes:
    path = folder / KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key = Fernet.generate_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it a moment ago: read theirs
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(key + b"\n")
            return key
    if path.stat().st_mode & 0o077:  # readable by others: close it (the file is ours)
        log.warning("%s was readable by others; its rights are now 0600", path)
        os.chmod(path, 0o600)
    key = path.read_bytes().strip()
    try:
        Fernet(key)
    except (ValueError, TypeError):
        raise SecretKeyError(
            f"{path} does not hold a key socialdesk made (it is empty or changed). Restore it, "
            f"or set {ENV}; without the key, connect every account again."
        ) from None
    return key


class SecretBox:
    """Encrypts and decrypts one workspace's connection credentials."""

    def __init__(self, key: bytes, source: str) -> None:
        self._fernet = Fernet(key)
        self.source = source  # "SOCIALDESK_SECRET_KEY" or the key file's path, for messages

    @classmethod
    def for_workspace(cls, folder: Path) -> SecretBox:
        env = os.environ.get(ENV)
        if env:
            return cls(_fernet_key(env), ENV)
        folder = folder.expanduser().resolve()
        return cls(_key_from_file(folder), str(folder / KEY_FILE))

    def seal(self, credentials: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()

    def open(self, token: str) -> dict[str, Any]:
        try:
            value = json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken:
            raise SecretKeyError(
                f"a stored credential cannot be read with the key from {self.source}: it was "
                f"saved with another key. Set {ENV} to that key, or connect again."
            ) from None
        assert isinstance(value, dict)
        return value
