"""Sessions live in the store: logging out, a new password, losing access and a role change
take effect on every copy of a session cookie at the next request, on SQLite and PostgreSQL.

Before, the signed cookie alone was the session: a copy taken before logging out kept
working for 14 days."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import event, func, select, update
from typer.testing import CliRunner

from socialdesk.model import Membership, User
from socialdesk.store.session import WorkspaceHandle, session_scope
from socialdesk.users import add_user, hash_password, remove_member, set_password
from socialdesk.users.sessions import SESSIONS, SessionStore
from socialdesk.web.auth import SESSION_COOKIE, SessionSigner, fingerprint, session_digest
from tests.web.conftest import PASSWORD, csrf_of, login, make_client

_HASH: list[str] = []


def _people(ws: WorkspaceHandle, **roles: str) -> dict[str, str]:
    """Users of the workspace with unique names (PostgreSQL is shared): key -> user name."""
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    names = {key: f"{key}-{uuid.uuid4().hex[:8]}" for key in roles}
    with session_scope(ws.engine) as s:
        for key, role in roles.items():
            user = User(username=names[key], password_hash=_HASH[0], is_active=True)
            s.add(user)
            s.flush()
            s.add(Membership(user_id=user.id, workspace_id=ws.workspace_id, role=role))
    return names


def _logged_in(ws: WorkspaceHandle, username: str):
    client = make_client(ws, team=True)
    response = login(client, username)
    assert response.status_code == 303, response.text
    assert client.get("/overview.json").status_code == 200
    return client


def _copy(ws: WorkspaceHandle, client):
    """Another browser holding a copy of the client's session cookie."""
    other = make_client(ws, team=True)
    other.cookies.set(SESSION_COOKIE, client.cookies.get(SESSION_COOKIE))
    return other


def _logged_out(client) -> bool:
    page = client.get("/overview")
    api = client.get("/overview.json")
    return (
        page.status_code == 303
        and page.headers["location"].startswith("/login")
        and api.status_code == 401
    )


def _store(ws: WorkspaceHandle):
    """Where the sessions are kept: a file of their own on SQLite, the main database on
    PostgreSQL (socialdesk.users.sessions)."""
    return SessionStore.for_engine(ws.engine).engine or ws.engine


def _rows(ws: WorkspaceHandle, username: str) -> int:
    with session_scope(ws.engine) as s:
        uid = s.scalar(select(User.id).where(User.username == username))
    with session_scope(_store(ws)) as s:
        return s.scalar(select(func.count()).select_from(SESSIONS).where(SESSIONS.c.user_id == uid))


def test_logout_ends_every_copy_of_the_cookie(ws):
    people = _people(ws, anna="editor", bert="viewer")
    anna = _logged_in(ws, people["anna"])
    copy = _copy(ws, anna)
    assert copy.get("/overview.json").status_code == 200  # the copy works while logged in
    laptop = _logged_in(ws, people["anna"])  # anna's other browser
    bert = _logged_in(ws, people["bert"])
    assert _rows(ws, people["anna"]) == 2

    response = anna.post("/logout", data={"csrf_token": csrf_of(anna)})
    assert response.status_code == 303 and response.headers["location"] == "/login"

    assert _logged_out(copy)
    assert _logged_out(anna)
    # logging out ends this session only: anna's other browser and other people stay in
    assert laptop.get("/overview.json").status_code == 200
    assert bert.get("/overview.json").status_code == 200
    assert _rows(ws, people["anna"]) == 1


def test_a_new_password_ends_every_session_of_the_user(ws):
    people = _people(ws, anna="editor", bert="viewer")
    copies = [_copy(ws, _logged_in(ws, people["anna"])) for _ in range(2)]
    bert = _logged_in(ws, people["bert"])
    with session_scope(ws.engine) as s:
        assert set_password(s, people["anna"], "a whole new password")
    assert all(_logged_out(c) for c in copies)
    assert _rows(ws, people["anna"]) == 0
    assert bert.get("/overview.json").status_code == 200
    login_as(ws, people["anna"], "a whole new password")


def test_losing_access_ends_the_sessions_and_coming_back_does_not_revive_them(ws):
    people = _people(ws, anna="editor", bert="viewer")
    copy = _copy(ws, _logged_in(ws, people["anna"]))
    bert = _logged_in(ws, people["bert"])
    with session_scope(ws.engine) as s:
        assert remove_member(s, ws.workspace_id, people["anna"])
    assert _logged_out(copy)
    assert _rows(ws, people["anna"]) == 0
    with session_scope(ws.engine) as s:  # given access again: the old cookie stays dead
        add_user(s, ws.workspace_id, people["anna"], "", "editor")
    assert _logged_out(copy)
    assert bert.get("/overview.json").status_code == 200


def test_a_new_role_holds_at_the_next_request(ws):
    people = _people(ws, anna="admin")
    copy = _copy(ws, _logged_in(ws, people["anna"]))
    assert copy.get("/admin/users.json").status_code == 200
    with session_scope(ws.engine) as s:
        add_user(s, ws.workspace_id, people["anna"], "", "viewer")
    assert copy.get("/admin/users.json").status_code == 403
    assert copy.get("/overview.json").status_code == 200  # still in, as a viewer


def test_an_expired_session_is_over(ws):
    people = _people(ws, anna="viewer")
    anna = _logged_in(ws, people["anna"])
    with session_scope(_store(ws)) as s:
        s.execute(update(SESSIONS).values(expires_at=dt.datetime(2020, 1, 1)))
    assert _logged_out(anna)
    _logged_in(ws, people["anna"])  # logging in forgets the expired rows on the way
    with session_scope(_store(ws)) as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(SESSIONS)
                .where(SESSIONS.c.expires_at < dt.datetime(2021, 1, 1))
            )
            == 0
        )


def test_logging_in_again_ends_the_browsers_former_session(ws):
    people = _people(ws, anna="viewer", bert="viewer")
    client = _logged_in(ws, people["anna"])
    copy = _copy(ws, client)
    assert login(client, people["bert"]).status_code == 303  # POST /login is always served
    assert _logged_out(copy)
    assert client.get("/overview.json").status_code == 200


def test_a_signed_cookie_without_a_session_row_logs_nobody_in(ws):
    """A cookie signed with the right key but naming no open session (e.g. one signed before
    sessions were kept in the store) is not a login."""
    people = _people(ws, anna="admin")
    with session_scope(ws.engine) as s:
        user = s.scalar(select(User).where(User.username == people["anna"]))
        uid, fp = user.id, fingerprint(user.password_hash)
    signer = SessionSigner("test-secret-" + "x" * 32)  # make_client's key
    for payload in (
        {"c": "token", "u": uid, "h": fp},
        {"c": "token", "u": uid, "h": fp, "s": "made-up"},
    ):
        client = make_client(ws, team=True)
        client.cookies.set(SESSION_COOKIE, signer.dumps(payload))
        assert _logged_out(client)


def test_the_store_keeps_only_a_digest_of_the_session_id(ws):
    people = _people(ws, anna="viewer")
    client = _logged_in(ws, people["anna"])
    signer = SessionSigner("test-secret-" + "x" * 32)
    sid = signer.loads(client.cookies.get(SESSION_COOKIE))["s"]
    with session_scope(_store(ws)) as s:
        ids = s.scalars(select(SESSIONS.c.id)).all()
    assert session_digest(sid) in ids and sid not in ids


def test_a_logged_in_page_reads_the_session_once(ws):
    """The per-request cost: one statement touches the session table, and it is a read."""
    people = _people(ws, anna="viewer")
    client = _logged_in(ws, people["anna"])
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(_store(ws), "before_cursor_execute", seen)
    try:
        assert client.get("/overview.json").status_code == 200
    finally:
        event.remove(_store(ws), "before_cursor_execute", seen)
    touching = [s for s in statements if "user_session" in s]
    assert len(touching) == 1 and touching[0].lstrip().upper().startswith("SELECT")


# -- the CLI's users commands, on a workspace folder (SQLite) ---------------------------------
@pytest.fixture
def folder_ws(tmp_path, monkeypatch):
    from socialdesk.store import open_workspace

    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    folder = tmp_path / "klant"
    handle = open_workspace(folder)
    yield folder, handle
    handle.engine.dispose()


def _cli(*args: str, stdin: str | None = None):
    from socialdesk.cli import app

    result = CliRunner().invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result


def test_users_commands_end_sessions(folder_ws):
    folder, handle = folder_ws
    ws = str(folder)
    for name, role in (("anna", "admin"), ("bert", "editor")):
        _cli("users", "add", name, "-w", ws, "--role", role, "--password-stdin", stdin=PASSWORD)
    anna = _copy(handle, _logged_in(handle, "anna"))
    bert = _copy(handle, _logged_in(handle, "bert"))

    _cli("users", "set-password", "anna", "-w", ws, "--password-stdin", stdin="another password")
    assert _logged_out(anna)
    assert bert.get("/overview.json").status_code == 200

    _cli("users", "add", "bert", "-w", ws, "--role", "viewer")  # a new role: at once
    assert bert.get("/overview.json").status_code == 200
    assert bert.get("/admin/users.json").status_code == 403

    anna = _copy(handle, login_as(handle, "anna"))  # with the new password
    _cli("users", "remove", "bert", "-w", ws)
    assert _logged_out(bert)
    assert anna.get("/admin/users.json").status_code == 200


def login_as(ws: WorkspaceHandle, username: str, password: str = "another password"):
    client = make_client(ws, team=True)
    assert login(client, username, password).status_code == 303
    return client
