"""Passwords are hashed at the shipped cost, and a hash made at other parameters is made again
at today's on the next login. (The test process hashes at argon2's least cost: the
session-wide fixture `cheap_password_hashing` in tests/conftest.py.)"""

from __future__ import annotations

import subprocess
import sys

from argon2 import PasswordHasher
from sqlalchemy import select

from socialdesk.model import Membership, User
from socialdesk.store.session import session_scope
from socialdesk.users import passwords
from tests.web.conftest import PASSWORD, login, make_client


def test_passwords_are_hashed_at_the_shipped_cost():
    """argon2id at argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, three passes,
    four lanes), read in a fresh interpreter, where no test fixture has touched the hasher."""
    code = (
        "from socialdesk.users import hash_password, verify_password\n"
        "from socialdesk.users.passwords import _DUMMY_HASH\n"
        "h = hash_password('correct horse battery')\n"
        "assert verify_password(h, 'correct horse battery')\n"
        "assert not verify_password(h, 'correct horse battery!')\n"
        "print(h)\n"
        "print(_DUMMY_HASH)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    # the dummy hash an unknown user's password is checked against costs the same: asking
    # about a user who does not exist takes as long as asking about one who does
    shipped, dummy = done.stdout.split()
    assert shipped.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), shipped
    assert dummy.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), dummy


def test_a_login_hashes_a_password_again_at_todays_parameters(sqlite_ws):
    old = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(PASSWORD)
    assert passwords.needs_rehash(old)
    with session_scope(sqlite_ws.engine) as s:
        user = User(username="old-hash", password_hash=old, is_active=True)
        s.add(user)
        s.flush()
        s.add(Membership(user_id=user.id, workspace_id=sqlite_ws.workspace_id, role="viewer"))
    client = make_client(sqlite_ws, team=True)
    assert login(client, "old-hash").status_code == 303
    assert client.get("/overview.json").status_code == 200  # the session holds the new hash
    with session_scope(sqlite_ws.engine) as s:
        now = s.scalar(select(User.password_hash).where(User.username == "old-hash"))
    assert now != old and not passwords.needs_rehash(now)
    assert passwords.verify_password(now, PASSWORD)
    # and the next login, with the new hash, works as well
    assert login(make_client(sqlite_ws, team=True), "old-hash").status_code == 303
