"""Fixtures of the web tests: a seeded workspace and in-process clients in each mode."""

from __future__ import annotations

import re
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from socialdesk.store.engine import make_engine
from socialdesk.store.session import WorkspaceHandle, ensure_workspace, session_scope
from socialdesk.web import WebConfig, create_app
from tests.web import seeding

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
ROLES = ("viewer", "editor", "admin")


@dataclass
class Seeded:
    ws: WorkspaceHandle
    ids: dict[str, int]


@pytest.fixture
def seeded(ws: WorkspaceHandle) -> Seeded:
    """The seeded workspace, on SQLite and on PostgreSQL."""
    return Seeded(ws, seeding.seed(ws.engine, ws.workspace_id))


@pytest.fixture
def sqlite_ws(tmp_path: Path, sqlite_template: Path) -> Iterator[WorkspaceHandle]:
    """A workspace on SQLite only, for tests about the web layer rather than the queries."""
    import shutil

    db = tmp_path / "socialdesk.db"
    shutil.copy(sqlite_template, db)
    engine = make_engine(f"sqlite:///{db}")
    slug = f"t-{uuid.uuid4().hex[:12]}"
    yield WorkspaceHandle(
        folder=tmp_path, engine=engine, workspace_id=ensure_workspace(engine, slug), slug=slug
    )
    engine.dispose()


@pytest.fixture
def sqlite_seeded(sqlite_ws: WorkspaceHandle) -> Seeded:
    return Seeded(sqlite_ws, seeding.seed(sqlite_ws.engine, sqlite_ws.workspace_id))


def make_client(ws: WorkspaceHandle, *, team: bool = False, **kw) -> TestClient:
    config = WebConfig(workspace=ws, team=team, secret_key="test-secret-" + "x" * 32, **kw)
    return TestClient(create_app(config), base_url="http://127.0.0.1", follow_redirects=False)


_HASH: list[str] = []


def add_members(engine: Engine, workspace_id: int) -> None:
    """A viewer, an editor and an admin (user name = role), all with PASSWORD."""
    from socialdesk.model import Membership, User
    from socialdesk.users import hash_password

    if not _HASH:  # argon2 is slow on purpose: hash once per test session
        _HASH.append(hash_password(PASSWORD))
    with session_scope(engine) as s:
        for role in ROLES:
            user = User(username=role, password_hash=_HASH[0], is_active=True)
            s.add(user)
            s.flush()
            s.add(Membership(user_id=user.id, workspace_id=workspace_id, role=role))


def csrf_of(client: TestClient) -> str:
    """The CSRF token of the client's session (from any page's meta tag)."""
    html = client.get("/login", follow_redirects=True).text
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> object:
    token = csrf_of(client)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/overview"},
    )


@pytest.fixture
def local_client(seeded: Seeded) -> TestClient:
    return make_client(seeded.ws)


@pytest.fixture
def team_clients(sqlite_seeded: Seeded) -> Callable[[str | None], TestClient]:
    """A team-mode client logged in with a role (None: nobody logged in)."""
    add_members(sqlite_seeded.ws.engine, sqlite_seeded.ws.workspace_id)

    def client_for(role: str | None) -> TestClient:
        client = make_client(sqlite_seeded.ws, team=True)
        if role:
            response = login(client, role)
            assert response.status_code == 303, response.text
        return client

    return client_for
