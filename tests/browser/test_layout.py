"""Every page of the cockpit in a real browser, on a wide screen (1440 px), a laptop's (1280 px)
and a phone (390 px), over the demo organisation (issue #17: "Browser tests at 1440 and 390 px:
no horizontal scroll on any page, no English word from a list on Dutch pages, no console
errors"; at 1280 px four pages scrolled sideways, the marketing ones and the inbox figures and
labels, while their tables did not scroll inside a frame of their own).

- no horizontal scroll: the document is never wider than the window (a wide table scrolls
  inside its own frame, `.table-wrap`, which is allowed);
- no console errors and no uncaught JavaScript errors, and every chart drawn once scrolled
  into view (below the fold and in a table that scrolls sideways too), none failed (app.js
  marks a chart that fails to draw with `data-error`);
- on a phone the menu is folded under its button and opens with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from socialdesk.store import open_workspace
from tests.conftest import demo_copy

from .conftest import _free_port

WIDTHS = (1440, 1280, 390)
SKIP = ("/login", "/logout", "/static", "/audit/card")


def _pages(app) -> list[str]:
    """Every GET page of the app without a path parameter (no downloads), and the detail
    pages of one post and one inbox thread."""

    def leaves(routes):
        for route in routes:
            inner = getattr(route, "original_router", None)
            yield from leaves(inner.routes) if inner is not None else (route,)

    return sorted(
        {
            r.path
            for r in leaves(app.routes)
            if "GET" in getattr(r, "methods", set())
            and "{" not in r.path
            and not r.path.endswith((".json", ".csv", ".xlsx", ".ics", ".png", ".pdf", ".html"))
            and not r.path.startswith(SKIP)
            and r.path != "/"
            and not r.path.startswith("/reports/")  # the report documents themselves
        }
    )


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The demo organisation served in local mode by a real uvicorn."""
    import uvicorn
    from sqlalchemy import select

    from socialdesk.model import Account, MessageThread, Post
    from socialdesk.web import WebConfig, create_app

    folder = demo_copy(tmp_path_factory, "layout")
    handle = open_workspace(folder)
    app = create_app(WebConfig(workspace=handle, secret_key="layout-" + "k" * 40))
    with handle.session() as session:
        post = session.scalar(
            select(Post.id)
            .join(Account, Account.id == Post.account_id)
            .where(Account.workspace_id == handle.workspace_id)
            .order_by(Post.id.desc())
            .limit(1)
        )
        thread = session.scalar(
            select(MessageThread.id)
            .where(MessageThread.workspace_id == handle.workspace_id)
            .limit(1)
        )
    pages = [*_pages(app), f"/posts/{post}"]
    if thread is not None:
        pages.append(f"/inbox/threads/{thread}")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not runner.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", pages
    finally:
        server.should_exit = True
        runner.join(timeout=10)
        handle.engine.dispose()


TABS = 8  # pages opened at once: each waits for the network to be still for 0.5 s, together


# the charts are drawn as they scroll into view (app.js): scroll the page through, a window at
# a time, then each chart not started yet into view (inside a table that scrolls sideways;
# up to 2 s each for it to start), and wait until every chart started has its view or its
# error (at most 10 s); [charts, charts with their view or their error]
DRAW_ALL = """async () => {
    const charts = () => document.querySelectorAll('figure[data-chart]');
    if (!charts().length) return [0, 0];
    const pause = (ms) => new Promise(done => setTimeout(done, ms));
    for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
        window.scrollTo(0, y);
        await pause(100);
    }
    // those still not started sit in a table that scrolls sideways (a phone): into view
    for (const f of document.querySelectorAll('figure[data-chart]:not([data-drawn])')) {
        f.scrollIntoView({block: 'center', inline: 'center'});
        for (let i = 0; i < 40 && !f.hasAttribute('data-drawn'); i++) await pause(50);
    }
    const done = (f) => f.vegaView || f.hasAttribute('data-error');
    const settled = () => Array.from(document.querySelectorAll('figure[data-drawn]')).every(done);
    for (let i = 0; i < 200 && !settled(); i++) await pause(50);
    window.scrollTo(0, 0);
    return [charts().length, Array.from(charts()).filter(done).length];
}"""


def _check(page, path: str, problems: list[str]) -> None:
    """What is wrong with the loaded page at `path`: a document wider than the window (the
    first few elements past its edge), a chart that failed to draw (each scrolled into view,
    so that it is drawn) or was never drawn."""
    charts, drawn = page.evaluate(DRAW_ALL)
    if drawn < charts:
        problems.append(f"{path}: {charts - drawn} of {charts} charts not drawn")
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if sizes[0] > sizes[1] + 1:
        wide = page.evaluate(
            """(limit) => Array.from(document.querySelectorAll('main *'))
                .filter(e => e.getBoundingClientRect().right > limit + 1
                             && !e.closest('.table-wrap'))
                .slice(0, 3)
                .map(e => e.tagName.toLowerCase() + '.' + e.className)""",
            sizes[1],
        )
        problems.append(f"{path}: {sizes[0]} px wide in a {sizes[1]} px window ({wide})")
    errors = page.evaluate(
        "() => Array.from(document.querySelectorAll('figure[data-error]'))"
        ".map(f => f.getAttribute('data-error'))"
    )
    problems.extend(f"{path}: chart failed: {e}" for e in errors)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways_or_logs_an_error(browser, demo_server, width: int) -> None:
    """TABS pages at a time, each in its own tab: the pages are asked for one after the other
    and then each waited for until its network has been still for half a second (Playwright's
    "networkidle": the charts drawn, the overview's audit card fetched), the waits side by side."""
    url, pages = demo_server
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
    problems: list[str] = []

    def listen(tab, path: str) -> None:
        tab.on(
            "console",
            lambda msg: (
                problems.append(f"{path}: console {msg.type}: {msg.text}")
                if msg.type == "error"
                else None
            ),
        )
        tab.on("pageerror", lambda exc: problems.append(f"{path}: error {exc}"))

    try:
        for first in range(0, len(pages), TABS):
            batch = pages[first : first + TABS]
            tabs = []
            for path in batch:
                tab = context.new_page()
                listen(tab, path)
                response = tab.goto(f"{url}{path}?lang=nl", wait_until="commit")
                assert response is not None and response.status == 200, (path, response)
                tabs.append(tab)
            for tab, path in zip(tabs, batch, strict=True):
                tab.wait_for_load_state("networkidle")
                tab.bring_to_front()  # checked as a person sees it: the tab in front
                _check(tab, path, problems)
                tab.close()
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_phone_menu_folds_and_opens(browser, demo_server) -> None:
    url = demo_server[0]
    context = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{url}/overview?lang=nl")
        menu = page.get_by_role("button", name="Menu")
        link = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link").first
        assert menu.get_attribute("aria-expanded") == "false"
        assert not link.is_visible()
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true"
        assert link.is_visible()
    finally:
        context.close()
    wide = browser.new_context(locale="nl-NL", viewport={"width": 1440, "height": 900})
    try:
        page = wide.new_page()
        page.goto(f"{url}/overview?lang=nl")
        assert not page.get_by_role("button", name="Menu").is_visible()  # a wide screen: no fold
        assert (
            page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link").first.is_visible()
        )
    finally:
        wide.close()
