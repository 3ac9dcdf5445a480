"""Browser tests: Playwright for Python driving Debian's chromium against a real uvicorn.

Outside CI they are skipped, with the reason, when /usr/bin/chromium is missing
(`apt-get install chromium`); under CI=true a missing browser fails them. Playwright's own
browser downloads are never used.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from socialdesk.store.engine import make_engine
from socialdesk.store.session import WorkspaceHandle, ensure_workspace

CHROMIUM = Path(os.environ.get("SOCIALDESK_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"chromium not found at {CHROMIUM}: install it with 'apt-get install chromium'"
    if IN_CI:
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    ws: WorkspaceHandle
    ids: dict[str, int]


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[LiveServer]:
    """A real uvicorn on a free 127.0.0.1 port, team mode, over a seeded SQLite workspace."""
    import uvicorn

    from socialdesk.web import WebConfig, create_app
    from tests.web import seeding
    from tests.web.conftest import add_members

    folder = tmp_path_factory.mktemp("browser-ws")
    db = folder / "socialdesk.db"
    shutil.copy(sqlite_template, db)
    engine = make_engine(f"sqlite:///{db}")
    ws = WorkspaceHandle(
        folder=folder,
        engine=engine,
        workspace_id=ensure_workspace(engine, f"b-{uuid.uuid4().hex[:8]}"),
        slug="b",
    )
    ids = seeding.seed(engine, ws.workspace_id)
    add_members(engine, ws.workspace_id)
    port = _free_port()
    app = create_app(WebConfig(workspace=ws, team=True, secret_key="browser-" + "k" * 40))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", ws, ids)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, tmp_path: Path) -> Iterator[object]:
    context = browser.new_context(
        locale="nl-NL", accept_downloads=True, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
