"""Backups (#18): `socialdesk backup` / `restore` round trips on SQLite and PostgreSQL while
another thread writes, consistent copies (a committed state, also the rows still in SQLite's
WAL), identity and users kept under another folder name, refusals with clear messages."""

from __future__ import annotations

import json
import os
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.importers.runner import Importer
from socialdesk.model import Account, Post, WorkspaceFact
from socialdesk.store import make_engine, open_workspace, session_scope
from socialdesk.store.backup import BackupError, backup_workspace, restore_workspace
from socialdesk.store.identity import MARKER_FILE
from socialdesk.store.session import WorkspaceHandle
from socialdesk.users import add_user, members
from tests.conftest import fixture_path
from tests.store.test_workspace_identity import new_database, pg_url  # noqa: F401 (fixtures)

EXPORT = fixture_path("meta", "meta_business_suite_instagram_posts_other_order.csv")
PER_COMMIT = 3  # the writer commits facts three at a time: a copy holds a multiple of three


def _posts(handle: WorkspaceHandle) -> int:
    with session_scope(handle.engine) as s:
        return s.scalar(
            select(func.count())
            .select_from(Post)
            .join(Account, Account.id == Post.account_id)
            .where(Account.workspace_id == handle.workspace_id)
        )


def _facts(handle: WorkspaceHandle) -> int:
    with session_scope(handle.engine) as s:
        return s.scalar(
            select(func.count())
            .select_from(WorkspaceFact)
            .where(WorkspaceFact.workspace_id == handle.workspace_id)
        )


def _users(handle: WorkspaceHandle) -> list[tuple[str, str]]:
    with session_scope(handle.engine) as s:
        return [(m.username, m.role) for m in members(s, handle.workspace_id).members]


class Writer(threading.Thread):
    """Writes facts, PER_COMMIT per transaction, until stopped (what `serve` does meanwhile)."""

    def __init__(self, url: str, workspace_id: int) -> None:
        super().__init__(daemon=True)
        self.engine = make_engine(url)
        self.workspace_id = workspace_id
        self.stop = threading.Event()
        self.commits = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with session_scope(self.engine) as s:
                    for _ in range(PER_COMMIT):
                        s.add(
                            WorkspaceFact(
                                workspace_id=self.workspace_id,
                                key=f"w-{uuid.uuid4().hex}",
                                value={"n": self.commits},
                            )
                        )
                self.commits += 1
        except BaseException as exc:  # pragma: no cover - reported by the test
            self.error = exc
        finally:
            self.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


def _urls(kind: str, request: pytest.FixtureRequest) -> tuple[str | None, str | None]:
    """The source's and the target's database: their own SQLite files (None), or two new
    PostgreSQL databases."""
    if kind == "sqlite":
        return None, None
    make = request.getfixturevalue("new_database")
    return make(), make()


def _seed(folder: Path, url: str | None) -> WorkspaceHandle:
    handle = open_workspace(folder, url=url)
    report = Importer(handle.engine, handle.workspace_id, imported_by="tests").import_file(EXPORT)
    assert report.status == "imported", report.error
    with session_scope(handle.engine) as s:
        add_user(s, handle.workspace_id, "anna", "a long passphrase 123", "admin")
        add_user(s, handle.workspace_id, "bram", "another passphrase 456", "viewer")
    (folder / "exports").mkdir()
    (folder / "exports" / "plan.yaml").write_text("goals: []\n", encoding="utf-8")
    (folder / "secret.key").write_bytes(b"not-a-real-key\n")
    return handle


def test_a_round_trip_while_another_thread_writes(tmp_path, kind, request):
    source_url, target_url = _urls(kind, request)
    src = _seed(tmp_path / "klant", source_url)
    posts, users = _posts(src), _users(src)
    assert posts > 0 and len(users) == 2
    url = src.engine.url.render_as_string(hide_password=False)
    writer = Writer(url, src.workspace_id)
    writer.start()
    try:
        while writer.commits < 5 and writer.is_alive():  # it is writing before the copy starts
            pass
        before = writer.commits
        result = backup_workspace(tmp_path / "klant", tmp_path / "b.tar.gz", url=source_url)
        after = writer.commits
    finally:
        writer.stop.set()
        writer.join(30)
    assert writer.error is None, writer.error
    assert after > before  # the writer kept writing through the backup
    assert (result.kind, result.posts, result.users) == (kind, posts, 2)
    assert oct((tmp_path / "b.tar.gz").stat().st_mode & 0o777) == "0o600"

    out = restore_workspace(tmp_path / "b.tar.gz", tmp_path / "kopie", url=target_url)
    copy = open_workspace(tmp_path / "kopie", url=target_url)
    try:
        # a committed state: whole transactions only, and every commit made before the copy
        # began (on SQLite those sit in the WAL, which a file copy would miss)
        facts = _facts(copy)
        assert facts % PER_COMMIT == 0
        assert before * PER_COMMIT <= facts <= (after + 1) * PER_COMMIT
        assert (_posts(copy), _users(copy)) == (posts, users)
        assert copy.uid == src.uid == out.workspace["uid"]
        assert copy.workspace_id == out.workspace_id
        assert (out.posts, out.users) == (posts, 2)
        assert (tmp_path / "kopie" / "exports" / "plan.yaml").read_text() == "goals: []\n"
        assert (tmp_path / "kopie" / "secret.key").read_bytes() == b"not-a-real-key\n"
        assert oct((tmp_path / "kopie" / "secret.key").stat().st_mode & 0o777) == "0o600"
        marker = json.loads((tmp_path / "kopie" / MARKER_FILE).read_text())
        assert (marker["uuid"], marker["folder"]) == (src.uid, "kopie")
    finally:
        copy.engine.dispose()
        src.engine.dispose()


def test_the_archive_holds_a_manifest_and_no_live_database_files(tmp_path):
    src = _seed(tmp_path / "klant", None)
    (tmp_path / "klant" / "jobs.db").write_bytes(b"queue")
    result = backup_workspace(tmp_path / "klant", tmp_path / "b.tar.gz")
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert "database/socialdesk.db" in names
    assert not [n for n in names if n.endswith(("-wal", "-shm", "jobs.db"))]
    assert {"files/exports/plan.yaml", "files/secret.key", f"files/{MARKER_FILE}"} <= set(names)
    assert manifest["format"] == 1
    assert manifest["database"]["kind"] == "sqlite"
    assert manifest["database"]["scope"] == "whole database"
    assert manifest["workspace"]["uid"] == src.uid == result.workspace["uid"]
    assert manifest["counts"] == {"posts": result.posts, "users": 2}
    assert manifest["created_at"]
    src.engine.dispose()


def test_restore_refuses_a_non_empty_folder_unless_forced(tmp_path):
    src = _seed(tmp_path / "klant", None)
    backup_workspace(tmp_path / "klant", tmp_path / "b.tar.gz")
    other = open_workspace(tmp_path / "ander")
    (tmp_path / "ander" / "notes.txt").write_text("mine")
    other.engine.dispose()
    with pytest.raises(BackupError, match=r"is not empty.*--force"):
        restore_workspace(tmp_path / "b.tar.gz", tmp_path / "ander")
    done = restore_workspace(tmp_path / "b.tar.gz", tmp_path / "ander", force=True)
    again = open_workspace(tmp_path / "ander")
    try:
        assert again.uid == src.uid and done.posts == _posts(src) > 0
        assert [u for u, _r in _users(again)] == ["anna", "bram"]
    finally:
        again.engine.dispose()
        src.engine.dispose()


def test_postgresql_restore_never_removes_other_workspaces(tmp_path, request):
    make = request.getfixturevalue("new_database")
    source, target = make(), make()
    src = _seed(tmp_path / "klant", source)
    backup_workspace(tmp_path / "klant", tmp_path / "b.tar.gz", url=source)
    src.engine.dispose()
    someone = open_workspace(tmp_path / "iemand", url=target)  # another client's workspace
    someone.engine.dispose()
    for force in (False, True):
        with pytest.raises(BackupError, match=r"iemand.*would remove them"):
            restore_workspace(tmp_path / "b.tar.gz", tmp_path / "kopie", url=target, force=force)
    assert not (tmp_path / "kopie").exists() or not any((tmp_path / "kopie").iterdir())


def test_bad_archives_are_clear_messages(tmp_path):
    (tmp_path / "x.tar.gz").write_bytes(b"not an archive")
    with pytest.raises(BackupError, match="not a readable backup archive"):
        restore_workspace(tmp_path / "x.tar.gz", tmp_path / "nieuw")
    with pytest.raises(BackupError, match="does not exist"):
        restore_workspace(tmp_path / "missing.tar.gz", tmp_path / "nieuw")
    # a damaged file inside: its checksum differs
    src = _seed(tmp_path / "klant", None)
    backup_workspace(tmp_path / "klant", tmp_path / "b.tar.gz")
    src.engine.dispose()
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        members_ = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar]
    with tarfile.open(tmp_path / "bad.tar.gz", "w:gz") as tar:
        for m, data in members_:
            if m.name == "files/exports/plan.yaml":
                data = b"goals: [changed]\n"[: m.size].ljust(m.size, b" ")
            import io

            tar.addfile(m, io.BytesIO(data) if data is not None else None)
    with pytest.raises(BackupError, match="damaged"):
        restore_workspace(tmp_path / "bad.tar.gz", tmp_path / "nieuw2")
    # no backup is ever overwritten
    with pytest.raises(BackupError, match="exists already"):
        backup_workspace(tmp_path / "klant", tmp_path / "b.tar.gz")


def _said(result) -> str:
    return " ".join(result.output.split())  # Rich wraps long lines at the terminal's width


def test_the_commands(tmp_path):
    runner = CliRunner()
    src = _seed(tmp_path / "klant", None)
    src.engine.dispose()
    made = runner.invoke(app, ["backup", "--workspace", str(tmp_path / "klant"), str(tmp_path)])
    assert made.exit_code == 0, made.output
    archives = list(tmp_path.glob("socialdesk-klant-*.tar.gz"))
    assert len(archives) == 1 and "2 users" in _said(made)
    back = runner.invoke(app, ["restore", str(archives[0]), "--workspace", str(tmp_path / "k2")])
    assert back.exit_code == 0, back.output
    assert "restored workspace klant" in _said(back) and "2 users" in _said(back)
    again = runner.invoke(app, ["restore", str(archives[0]), "--workspace", str(tmp_path / "k2")])
    assert again.exit_code == 1
    assert "not empty" in _said(again) and "Traceback" not in again.output
    bad = runner.invoke(app, ["restore", os.devnull, "--workspace", str(tmp_path / "k3")])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert "not a readable backup archive" in _said(bad)


def _damaged_copy(archive: Path, out: Path) -> None:
    """`archive` with one file's bytes changed (its checksum no longer matches)."""
    import io

    with tarfile.open(archive) as tar:
        members_ = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar]
    with tarfile.open(out, "w:gz") as tar:
        for m, data in members_:
            if m.name == "files/exports/plan.yaml":
                data = b"goals: [changed]\n"[: m.size].ljust(m.size, b" ")
            tar.addfile(m, io.BytesIO(data) if data is not None else None)


def test_a_damaged_backup_replaces_nothing_even_with_force(tmp_path):
    """Every member is checked before anything is replaced: the folder's database, its files
    and its job queue (scheduled posts) stay as they were."""
    src = _seed(tmp_path / "klant", None)
    backup_workspace(tmp_path / "klant", tmp_path / "b.tar.gz")
    src.engine.dispose()
    _damaged_copy(tmp_path / "b.tar.gz", tmp_path / "bad.tar.gz")
    other = open_workspace(tmp_path / "ander")
    other.engine.dispose()
    (tmp_path / "ander" / "jobs.db").write_bytes(b"queue")
    before = (tmp_path / "ander" / "socialdesk.db").read_bytes()
    marker = (tmp_path / "ander" / MARKER_FILE).read_text()
    with pytest.raises(BackupError, match="damaged"):
        restore_workspace(tmp_path / "bad.tar.gz", tmp_path / "ander", force=True)
    assert (tmp_path / "ander" / "socialdesk.db").read_bytes() == before
    assert (tmp_path / "ander" / MARKER_FILE).read_text() == marker
    assert (tmp_path / "ander" / "jobs.db").read_bytes() == b"queue"
    assert not (tmp_path / "ander" / "exports").exists()


def test_a_backup_into_the_folder_holds_no_earlier_backup_or_temporary_copy(tmp_path):
    src = _seed(tmp_path / "klant", None)
    src.engine.dispose()
    backup_workspace(tmp_path / "klant", tmp_path / "klant" / "b1.tar.gz")
    backup_workspace(tmp_path / "klant", tmp_path / "klant" / "b2.tar.gz")
    with tarfile.open(tmp_path / "klant" / "b2.tar.gz") as tar:
        names = tar.getnames()
    assert "files/b1.tar.gz" not in names
    assert not [n for n in names if ".socialdesk-backup-" in n]
    assert names.count("database/socialdesk.db") == 1
