"""Restoring over an existing workspace (#18): `restore --force` yields exactly the backup's
contents (what was added after the backup is gone, nothing doubles), and a restore that
fails midway leaves the old data as it was. On the real PostgreSQL, and on SQLite."""

from __future__ import annotations

import tarfile

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.model import User, WorkspaceFact
from socialdesk.store import open_workspace, session_scope
from socialdesk.store.backup import BackupError, backup_workspace, restore_workspace
from socialdesk.store.session import WorkspaceHandle
from socialdesk.users import add_user
from socialdesk.users.sessions import SESSIONS, SessionStore
from tests.store.test_backup import _posts, _seed, _users
from tests.store.test_workspace_identity import new_database, pg_url  # noqa: F401 (fixtures)


def _facts(handle: WorkspaceHandle) -> list[str]:
    with session_scope(handle.engine) as s:
        return sorted(
            s.scalars(
                select(WorkspaceFact.key).where(WorkspaceFact.workspace_id == handle.workspace_id)
            )
        )


def _after_the_backup(handle: WorkspaceHandle) -> None:
    """Rows the backup does not hold: a user, a fact, and a second import of posts."""
    with session_scope(handle.engine) as s:
        add_user(s, handle.workspace_id, "carla", "a third passphrase 789", "editor")
        s.add(WorkspaceFact(workspace_id=handle.workspace_id, key="after", value={"n": 1}))


def _url(kind: str, request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("new_database")() if kind == "postgresql" else None


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_restore_over_the_workspace_yields_exactly_the_backup(tmp_path, kind, request):
    url = _url(kind, request)
    folder = tmp_path / "klant"
    src = _seed(folder, url)
    with session_scope(src.engine) as s:
        s.add(WorkspaceFact(workspace_id=src.workspace_id, key="before", value={"n": 0}))
    posts, users, facts = _posts(src), _users(src), _facts(src)
    backup_workspace(folder, tmp_path / "b.tar.gz", url=url)
    _after_the_backup(src)
    assert _users(src) != users and "after" in _facts(src)
    src.engine.dispose()

    with pytest.raises(BackupError, match="--force"):
        restore_workspace(tmp_path / "b.tar.gz", folder, url=url)
    done = restore_workspace(tmp_path / "b.tar.gz", folder, url=url, force=True)
    again = open_workspace(folder, url=url)
    try:
        assert again.uid == src.uid and done.workspace_id == again.workspace_id
        assert (_posts(again), _users(again), _facts(again)) == (posts, users, facts)
        with session_scope(again.engine) as s:
            assert s.scalar(select(User.id).where(User.username == "carla")) is None
        # twice over the same workspace: still exactly the backup (no merge, no duplicates)
        restore_workspace(tmp_path / "b.tar.gz", folder, url=url, force=True)
        assert (_posts(again), _users(again), _facts(again)) == (posts, users, facts)
    finally:
        again.engine.dispose()


def test_a_postgresql_restore_that_fails_midway_keeps_the_old_data(tmp_path, request):
    """The database also holds a table socialdesk does not know (so the backup holds it too,
    and pg_restore fails when it makes it again, after socialdesk's tables were replaced):
    the whole restore is undone, the rows added after the backup are still there."""
    url = request.getfixturevalue("new_database")()
    folder = tmp_path / "klant"
    src = _seed(folder, url)
    with src.engine.begin() as conn:
        conn.execute(text("CREATE TABLE zz_not_ours (id integer primary key)"))
    backup_workspace(folder, tmp_path / "b.tar.gz", url=url)
    _after_the_backup(src)
    users, facts, posts = _users(src), _facts(src), _posts(src)
    src.engine.dispose()

    result = CliRunner().invoke(
        app,
        ["restore", str(tmp_path / "b.tar.gz"), "--workspace", str(folder), "--force"],
        env={"SOCIALDESK_DATABASE_URL": url},
    )
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "zz_not_ours" in said and "as it was" in said, said

    again = open_workspace(folder, url=url)
    try:
        assert (_users(again), _facts(again), _posts(again)) == (users, facts, posts)
        assert "carla" in [u for u, _r in _users(again)]
    finally:
        again.engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_restore_ends_every_session(tmp_path, kind, request):
    """Nobody stays logged in across a restore: not with a session of the replaced state
    (SQLite: the logins' own file, never in the backup), nor with one the backup held
    (PostgreSQL: its table)."""
    url = _url(kind, request)
    folder = tmp_path / "klant"
    src = _seed(folder, url)
    store = SessionStore.for_engine(src.engine)
    with src.session() as s, s.begin():
        store.start(s, src.workspace_id, 1)  # held by the backup on PostgreSQL
    backup_workspace(folder, tmp_path / "b.tar.gz", url=url)
    with src.session() as s, s.begin():
        store.start(s, src.workspace_id, 1)  # after the backup
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        assert not [n for n in tar.getnames() if "sessions" in n]
    assert _sessions(src) == 2
    src.engine.dispose()
    restore_workspace(tmp_path / "b.tar.gz", folder, url=url, force=True)
    again = open_workspace(folder, url=url)
    try:
        assert _sessions(again) == 0
    finally:
        again.engine.dispose()


def _sessions(handle: WorkspaceHandle) -> int:
    bind = SessionStore.for_engine(handle.engine).engine or handle.engine
    with bind.connect() as conn:
        return len(conn.execute(select(SESSIONS.c.id)).all())
