"""A workspace folder keeps its data when it is renamed (#17), and is who it is (#18): the
marker `socialdesk-workspace.json` holds the workspace's uuid (`Workspace.uid`), the key it is
found by on SQLite and on PostgreSQL; two folders of one name on a shared database are two
workspaces."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from socialdesk.config import workspace_slug
from socialdesk.errors import ConfigError
from socialdesk.importers.runner import Importer
from socialdesk.model import ImportBatch, Workspace
from socialdesk.store import make_engine, open_workspace, session_scope, upgrade
from socialdesk.store.identity import (
    MARKER_FILE,
    Marker,
    MarkerError,
    publish_marker,
    read_marker,
)
from socialdesk.store.session import WorkspaceHandle, ensure_workspace
from socialdesk.users import add_user, members
from tests.conftest import fixture_path

EXPORT = fixture_path("meta", "meta_business_suite_instagram_posts_other_order.csv")


def _import(handle: WorkspaceHandle) -> None:
    report = Importer(handle.engine, handle.workspace_id, imported_by="tests").import_file(EXPORT)
    assert report.status == "imported", report.error


def _imports(handle: WorkspaceHandle) -> int:
    with session_scope(handle.engine) as s:
        return s.scalar(
            select(func.count())
            .select_from(ImportBatch)
            .where(ImportBatch.workspace_id == handle.workspace_id)
        )


def _workspaces(engine: Engine) -> dict[str, str]:
    with session_scope(engine) as s:
        return dict(s.execute(select(Workspace.slug, Workspace.name)).all())


def _file_of(folder: Path) -> Engine:
    return make_engine(f"sqlite:///{folder / 'socialdesk.db'}")


def _marker(folder: Path) -> dict:
    return json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))


# -- SQLite: the folder's own socialdesk.db --------------------------------------------------------


def test_a_renamed_folder_keeps_its_workspace_and_data(tmp_path):
    first = open_workspace(tmp_path / "Klant A")
    _import(first)
    written = _marker(tmp_path / "Klant A")
    assert written["slug"] == first.slug == "klant-a"
    assert uuid.UUID(written["uuid"])
    first.engine.dispose()

    moved = (tmp_path / "Klant A").rename(tmp_path / "Klant A (2024)")
    again = open_workspace(moved)
    try:
        assert again.workspace_id == first.workspace_id
        assert again.slug == "klant-a"  # the key never follows the folder
        assert _imports(again) == 1
        # the displayed name follows the folder; still one workspace in the file
        assert _workspaces(again.engine) == {"klant-a": "Klant A (2024)"}
        after = _marker(moved)
        assert (after["slug"], after["uuid"]) == (written["slug"], written["uuid"])
        assert after["folder"] == "Klant A (2024)"
        assert not [p for p in moved.iterdir() if p.name.endswith(".tmp")]
    finally:
        again.engine.dispose()


def test_opening_twice_writes_no_second_workspace_and_keeps_the_marker(tmp_path):
    one = open_workspace(tmp_path / "ws")
    before = (tmp_path / "ws" / MARKER_FILE).read_bytes()
    two = open_workspace(tmp_path / "ws")
    try:
        assert one.workspace_id == two.workspace_id
        assert (tmp_path / "ws" / MARKER_FILE).read_bytes() == before  # not rewritten
    finally:
        one.engine.dispose()
        two.engine.dispose()


def _pre_marker(folder: Path) -> WorkspaceHandle:
    """A workspace as socialdesk made it before markers: with data, without a marker."""
    handle = open_workspace(folder)
    _import(handle)
    (folder / MARKER_FILE).unlink()
    handle.engine.dispose()
    return handle


def test_a_workspace_renamed_before_markers_is_adopted(tmp_path):
    old = _pre_marker(tmp_path / "Oude naam")
    moved = (tmp_path / "Oude naam").rename(tmp_path / "Nieuwe naam")
    again = open_workspace(moved)
    try:
        assert (again.workspace_id, again.slug) == (old.workspace_id, "oude-naam")
        assert _imports(again) == 1
        assert _marker(moved)["slug"] == "oude-naam"
        assert _workspaces(again.engine) == {"oude-naam": "Nieuwe naam"}
    finally:
        again.engine.dispose()
    # and from now on the marker decides
    third = open_workspace(moved)
    assert third.workspace_id == old.workspace_id
    third.engine.dispose()


def test_the_reporters_state_is_repaired_an_empty_workspace_of_the_new_name(tmp_path):
    """Renamed and opened by the old code: an empty workspace of the new name sits beside the
    one with the data. The data's workspace is adopted; the empty one is left alone."""
    old = _pre_marker(tmp_path / "klant")
    moved = (tmp_path / "klant").rename(tmp_path / "klant-nieuw")
    engine = _file_of(moved)
    ensure_workspace(engine, workspace_slug(moved), moved.name)  # what the old code did
    engine.dispose()
    again = open_workspace(moved)
    try:
        assert again.workspace_id == old.workspace_id
        assert _imports(again) == 1
    finally:
        again.engine.dispose()


def test_no_adoption_when_the_choice_is_not_clear(tmp_path):
    # the folder's own file holds two other workspaces: the folder's name, as before
    folder = tmp_path / "drie"
    old = _pre_marker(folder)
    moved = folder.rename(tmp_path / "vier")
    engine = _file_of(moved)
    ensure_workspace(engine, "another", "another")
    engine.dispose()
    again = open_workspace(moved)
    try:
        assert again.slug == "vier" and again.workspace_id != old.workspace_id
    finally:
        again.engine.dispose()

    # a workspace of the folder's name with data of its own is never passed over
    folder = tmp_path / "vijf"
    old = _pre_marker(folder)
    moved = folder.rename(tmp_path / "zes")
    engine = _file_of(moved)
    mine = ensure_workspace(engine, "zes", "zes")
    Importer(engine, mine, imported_by="tests").import_file(EXPORT)
    engine.dispose()
    again = open_workspace(moved)
    try:
        assert (again.slug, again.workspace_id) == ("zes", mine)
    finally:
        again.engine.dispose()


def test_a_shared_sqlite_file_is_never_adopted_from(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first = open_workspace(tmp_path / "een", url=url)
    first.engine.dispose()
    (tmp_path / "een" / MARKER_FILE).unlink()
    moved = (tmp_path / "een").rename(tmp_path / "twee")
    again = open_workspace(moved, url=url)
    try:
        assert again.slug == "twee" and again.workspace_id != first.workspace_id
    finally:
        again.engine.dispose()


# -- PostgreSQL: one database, many workspaces -----------------------------------------------


@pytest.fixture
def pg_url(pg_engine: Engine) -> str:
    return pg_engine.url.render_as_string(hide_password=False)


def test_postgresql_folders_keep_their_own_workspaces_through_a_rename(tmp_path, pg_url):
    tag = uuid.uuid4().hex[:8]
    a = open_workspace(tmp_path / f"klant-a-{tag}", url=pg_url)
    b = open_workspace(tmp_path / f"klant-b-{tag}", url=pg_url)
    try:
        assert a.workspace_id != b.workspace_id
        _import(a)
        assert (_imports(a), _imports(b)) == (1, 0)
    finally:
        a.engine.dispose()
        b.engine.dispose()

    moved = (tmp_path / f"klant-a-{tag}").rename(tmp_path / f"archief-{tag}")
    a2 = open_workspace(moved, url=pg_url)
    b2 = open_workspace(tmp_path / f"klant-b-{tag}", url=pg_url)
    try:
        assert (a2.workspace_id, a2.slug) == (a.workspace_id, f"klant-a-{tag}")
        assert b2.workspace_id == b.workspace_id
        assert (_imports(a2), _imports(b2)) == (1, 0)
        names = _workspaces(a2.engine)
        assert names[f"klant-a-{tag}"] == f"archief-{tag}"
        assert f"archief-{tag}" not in names  # no new, empty workspace
    finally:
        a2.engine.dispose()
        b2.engine.dispose()


def test_postgresql_a_new_folder_never_takes_a_workspace_by_its_name(tmp_path, pg_engine, pg_url):
    tag = uuid.uuid4().hex[:8]
    # a workspace of this slug that a folder owns already (it has a uid)
    ensure_workspace(pg_engine, f"team-{tag}", f"team-{tag}")
    handle = open_workspace(tmp_path / f"team-{tag}", url=pg_url)
    try:
        with session_scope(handle.engine) as s:
            theirs = s.scalar(select(Workspace.id).where(Workspace.slug == f"team-{tag}"))
        assert handle.workspace_id != theirs
        assert handle.slug == f"team-{tag}-2"
        assert _workspaces(handle.engine)[f"team-{tag}-2"] == f"team-{tag}"  # the name kept
        assert _marker(tmp_path / f"team-{tag}")["slug"] == f"team-{tag}-2"
        assert _marker(tmp_path / f"team-{tag}")["uuid"] == handle.uid == _uid(handle)
    finally:
        handle.engine.dispose()


# -- #18: one name, two folders; identity through renames; workspaces made before uids --------


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database shared by several folders: an explicit SQLite file, or PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    return request.getfixturevalue("pg_url")


def _uid(handle: WorkspaceHandle) -> str | None:
    with session_scope(handle.engine) as s:
        return s.scalar(select(Workspace.uid).where(Workspace.id == handle.workspace_id))


def _members(handle: WorkspaceHandle) -> list[str]:
    with session_scope(handle.engine) as s:
        return [m.username for m in members(s, handle.workspace_id).members]


def test_two_folders_of_one_name_on_a_shared_database_are_two_workspaces(tmp_path, shared_url):
    name = f"klant-{uuid.uuid4().hex[:8]}"
    a = open_workspace(tmp_path / "a" / name, url=shared_url)
    b = open_workspace(tmp_path / "b" / name, url=shared_url)
    try:
        assert a.workspace_id != b.workspace_id
        assert (a.slug, b.slug) == (name, f"{name}-2")
        names = _workspaces(a.engine)
        assert names[name] == names[f"{name}-2"] == name  # both show the folder's name
        _import(a)
        assert (_imports(a), _imports(b)) == (1, 0)  # a's data never shows in b
        assert a.uid != b.uid
        assert _uid(a) == _marker(tmp_path / "a" / name)["uuid"]
        assert _uid(b) == _marker(tmp_path / "b" / name)["uuid"]
    finally:
        a.engine.dispose()
        b.engine.dispose()
    # opened again (in the other order): each finds its own
    b2 = open_workspace(tmp_path / "b" / name, url=shared_url)
    a2 = open_workspace(tmp_path / "a" / name, url=shared_url)
    try:
        assert (a2.workspace_id, b2.workspace_id) == (a.workspace_id, b.workspace_id)
        assert (_imports(a2), _imports(b2)) == (1, 0)
    finally:
        a2.engine.dispose()
        b2.engine.dispose()


@pytest.mark.parametrize("db", ["own", "sqlite", "postgresql"])
def test_a_renamed_folder_keeps_its_data_and_its_team(tmp_path, db, request):
    url = {
        "own": None,
        "sqlite": f"sqlite:///{tmp_path / 'shared.db'}",
        "postgresql": request.getfixturevalue("pg_url") if db == "postgresql" else None,
    }[db]
    name = f"bureau-{uuid.uuid4().hex[:8]}"
    first = open_workspace(tmp_path / name, url=url)
    _import(first)
    with session_scope(first.engine) as s:
        add_user(s, first.workspace_id, f"anna-{name}", "a long passphrase 123", "admin")
    first.engine.dispose()
    moved = (tmp_path / name).rename(tmp_path / f"{name}-archief")
    # a new folder of the old name appears meanwhile: a workspace of its own
    newcomer = open_workspace(tmp_path / name, url=url)
    again = open_workspace(moved, url=url)
    try:
        assert again.workspace_id == first.workspace_id
        assert (_imports(again), _members(again)) == (1, [f"anna-{name}"])
        assert newcomer.uid != first.uid
        assert (_imports(newcomer), _members(newcomer)) == (0, [])
    finally:
        again.engine.dispose()
        newcomer.engine.dispose()


def _database_at_0013(kind: str, tmp_path: Path, pg_engine_factory) -> str:
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = pg_engine_factory()
    engine = make_engine(url)
    upgrade(engine, "0013")
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into workspace (slug, name, created_at) "
                "values ('klant', 'klant', :t), ('oud', 'oud', :t), ('derde', 'derde', :t)"
            ),
            {"t": dt.datetime(2026, 1, 1)},
        )
    engine.dispose()
    return url


@pytest.fixture
def new_database(request: pytest.FixtureRequest):
    """Makes empty PostgreSQL databases for a test (dropped at its end): `new_database()`."""
    made: list[str] = []
    pg_engine = request.getfixturevalue("pg_engine")
    admin = make_engine(
        pg_engine.url.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )

    def make() -> str:
        name = f"sd_t18_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return pg_engine.url.set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_workspaces_made_before_uids_are_claimed_once(tmp_path, kind, request):
    factory = request.getfixturevalue("new_database") if kind == "postgresql" else None
    url = _database_at_0013(kind, tmp_path, factory)
    engine = make_engine(url)
    with engine.begin() as conn:
        ids = dict(conn.execute(text("select slug, id from workspace")).all())
    # two folders of #17 with a marker of slug "klant" each: they shared one workspace
    first, second = tmp_path / "a" / "klant", tmp_path / "b" / "klant"
    for folder in (first, second):
        folder.mkdir(parents=True)
        publish_marker(folder, Marker.new("klant", folder))
    a = open_workspace(first, url=url)  # upgrades to head, claims the row
    # the second folder's marker names the row the first claimed: it says so, never empty
    with pytest.raises(ConfigError, match="belongs to another folder"):
        open_workspace(second, url=url)
    (second / "socialdesk-workspace.json").unlink()  # as the message says: start it anew
    b = open_workspace(second, url=url)
    # a folder of before markers, holding files: takes up its name's row once
    old = tmp_path / "c" / "oud"
    old.mkdir(parents=True)
    (old / "secret.key").write_text("x")
    c = open_workspace(old, url=url)
    # an empty folder of the same name never does
    d = open_workspace(tmp_path / "d" / "oud", url=url)
    # nor does a folder that only holds an export (socialdesk never used it)
    stranger = tmp_path / "e" / "derde"
    stranger.mkdir(parents=True)
    (stranger / "export.csv").write_text("Date,Primary\n")
    e = open_workspace(stranger, url=url)
    try:
        assert a.workspace_id == ids["klant"]
        assert _uid(a) == _marker(first)["uuid"]
        assert b.workspace_id not in ids.values() and b.slug == "klant-2"
        assert c.workspace_id == ids["oud"] and _uid(c) == _marker(old)["uuid"]
        assert d.workspace_id not in ids.values() and d.slug == "oud-2"
        assert e.workspace_id not in ids.values() and e.slug == "derde-2"
        with engine.begin() as conn:  # only 'derde' waits for its own folder
            assert conn.execute(text("select slug from workspace where uid is null")).all() == [
                ("derde",)
            ]
    finally:
        for h in (a, b, c, d, e):
            h.engine.dispose()
        engine.dispose()


# -- the marker itself ----------------------------------------------------------------------------


U = str(uuid.uuid4())


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("{not json", "is not valid JSON"),
        ([1, 2], "does not hold a JSON object"),
        ({"uuid": U}, "has no slug"),
        ({"slug": "  ", "uuid": U}, "has no slug"),
        ({"slug": "ok", "uuid": "nope"}, "has no valid uuid"),
        ({"slug": "ok"}, "has no valid uuid"),
        ({"format": 9, "slug": "ok", "uuid": U}, "newer socialdesk"),
        ({"format": "1", "slug": "ok", "uuid": U}, "invalid format"),
    ],
)
def test_a_malformed_marker_is_a_clear_error_naming_the_file(tmp_path, data, reason):
    folder = tmp_path / "ws"
    folder.mkdir()
    text = data if isinstance(data, str) else json.dumps(data)
    (folder / MARKER_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(MarkerError) as caught:
        open_workspace(folder)
    message = str(caught.value)
    assert str(folder / MARKER_FILE) in message
    assert reason in message
    assert not (folder / "socialdesk.db").exists()  # stopped before any database work


def test_a_marker_from_elsewhere_names_the_workspace(tmp_path):
    """A team points a folder at a workspace by writing its marker; unknown keys are kept
    out of the way, and a missing format means the first one."""
    folder = tmp_path / "any-name"
    folder.mkdir()
    ident = str(uuid.uuid4())
    (folder / MARKER_FILE).write_text(json.dumps({"slug": "acme", "uuid": ident, "x": 1}))
    handle = open_workspace(folder)
    try:
        assert handle.slug == "acme"
        assert _marker(folder)["uuid"] == ident
    finally:
        handle.engine.dispose()


def test_the_first_marker_is_never_overwritten(tmp_path):
    """Two processes open a new folder at once: the second keeps the first's marker."""
    ours = Marker.new("een", tmp_path)
    assert publish_marker(tmp_path, ours) == ours
    theirs = Marker.new("een", tmp_path)
    assert publish_marker(tmp_path, theirs) == read_marker(tmp_path)
    assert read_marker(tmp_path).uuid == ours.uuid
    assert [p.name for p in tmp_path.iterdir()] == [MARKER_FILE]
