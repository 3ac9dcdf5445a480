"""Shared fixtures: every store and importer test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from SOCIALDESK_TEST_DATABASE_URL (default: the local server's `test`
database); the suite creates a database of its own there and drops it at the end. Without a
server the PostgreSQL half is skipped with the reason, except under CI=true, where nothing
may be skipped.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from socialdesk.store.engine import make_engine, upgrade
from socialdesk.store.session import WorkspaceHandle, ensure_workspace
from tests.connectors.pds_client import PdsNetwork, PdsUnavailable, node_problem

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = FIXTURES / "formats"
PG_URL = os.environ.get("SOCIALDESK_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow statistical checks are deselected (not skipped) unless --run-slow is given: the
    default run stays fast, and a skip always means something was missing."""
    if config.getoption("--run-slow"):
        return
    slow = [item for item in items if "slow" in item.keywords]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if "slow" not in item.keywords]


def _pg_unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(
        f"PostgreSQL not reachable at {PG_URL} ({reason}); "
        "start it or set SOCIALDESK_TEST_DATABASE_URL"
    )


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    """A fresh PostgreSQL database for this test session, migrated to head."""
    try:
        admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        _pg_unavailable(str(exc).splitlines()[0])
    name = f"sd_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head, copied for each test (migrations run once)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Engine]:
    if request.param == "sqlite":
        db = tmp_path / "socialdesk.db"
        shutil.copy(sqlite_template, db)
        eng = make_engine(f"sqlite:///{db}")
        yield eng
        eng.dispose()
    else:
        yield request.getfixturevalue("pg_engine")


@pytest.fixture
def ws(engine: Engine, tmp_path: Path) -> WorkspaceHandle:
    """A fresh workspace (its own id, so tests on a shared PostgreSQL never meet)."""
    slug = f"t-{uuid.uuid4().hex[:12]}"
    ws_id = ensure_workspace(engine, slug)
    return WorkspaceHandle(folder=tmp_path, engine=engine, workspace_id=ws_id, slug=slug)


@pytest.fixture
def importer(ws: WorkspaceHandle):
    from socialdesk.importers.runner import Importer

    return Importer(ws.engine, ws.workspace_id, imported_by="tests")


def fixture_path(*parts: str) -> Path:
    return FORMATS.joinpath(*parts)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Passwords hashed with argon2id at its least cost (8 KiB, one pass) in this process: the
    shipped cost (64 MiB, three passes, about 0.2 s a hash on purpose) made every login of the
    role matrix's 700 tests wait for it. The same algorithm and code path; the shipped
    parameters are checked in tests/web/test_passwords.py (test_passwords_are_hashed_at_the_
    shipped_cost), in a fresh interpreter, and servers started as processes use them."""
    from dataclasses import replace

    from argon2 import PasswordHasher, profiles

    from socialdesk.users import passwords

    cheap = PasswordHasher.from_parameters(
        replace(profiles.RFC_9106_LOW_MEMORY, time_cost=1, memory_cost=8, parallelism=1)
    )
    shipped = (passwords._hasher, passwords._DUMMY_HASH)
    passwords._hasher, passwords._DUMMY_HASH = cheap, cheap.hash("not a password")
    yield
    passwords._hasher, passwords._DUMMY_HASH = shipped


# -- the local AT Protocol network ---------------------------------------------------------------
# `pds` is one network per test session (per xdist worker): a PLC directory, a PDS and the
# Bluesky AppView from @atproto/dev-env (tests/connectors/pds/start.mjs). The AppView keeps its
# tables in two throw-away schemas of the PostgreSQL test database, dropped at the end.
# scripts/pds-setup installs the node packages; nothing is downloaded here. Without node, the
# packages or PostgreSQL the tests are skipped with the reason, except under CI=true.
# Tests share the network, so each makes accounts of its own (`pds.new_account("alice")` gives a
# unique handle) and never counts anything it did not write itself.


def _pds_unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"the local PDS is required in CI: {reason}")
    pytest.skip(f"local PDS unavailable: {reason}")


@pytest.fixture(scope="session")
def pds() -> Iterator[PdsNetwork]:
    """A running PLC + PDS + AppView; `pds.client` writes and reads XRPC, `pds.process_all()`
    waits until the AppView has indexed every write."""
    problem = node_problem()
    if problem:
        _pds_unavailable(problem)
    timeout = float(os.environ.get("SOCIALDESK_TEST_PDS_TIMEOUT", "120"))
    try:
        net = PdsNetwork.start(db_url=PG_URL, timeout=timeout)
    except PdsUnavailable as exc:
        _pds_unavailable(str(exc))
    try:
        yield net
    finally:
        net.stop()


# -- the demo organisation, built once per test process ------------------------------------------
_DEMO: dict[str, Path] = {}


def demo_copy(tmp_path_factory: pytest.TempPathFactory, name: str = "demo") -> Path:
    """A fresh copy of the demo organisation (seed 7, its default year) in a folder of its
    own, for a module that reads it or changes it. The demo is built once per test process
    (10-20 s a build; several modules read it) and its folder copied: each copy has its own
    SQLite database and files, so what one module changes no other sees."""
    if "pristine" not in _DEMO:
        from rich.console import Console

        from socialdesk.demo import build_demo

        folder = tmp_path_factory.mktemp("demo-pristine") / "demo"
        build_demo(folder, seed=7, console=Console(quiet=True))
        _DEMO["pristine"] = folder
    target = tmp_path_factory.mktemp(name) / "demo"
    shutil.copytree(_DEMO["pristine"], target)
    return target
