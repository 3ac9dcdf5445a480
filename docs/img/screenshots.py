"""Take the screenshots of docs/cockpit.md with headless chromium (Debian's).

    .venv/bin/socialdesk demo --workspace /tmp/sd-demo --no-serve
    .venv/bin/python docs/img/screenshots.py /tmp/sd-demo

Serves the workspace on a free 127.0.0.1 port (local mode) and writes docs/img/*.png.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from socialdesk.store import open_workspace
from socialdesk.web import WebConfig, create_app

OUT = Path(__file__).parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(folder: str) -> None:
    handle = open_workspace(Path(folder))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(WebConfig(workspace=handle, secret_key="screenshots-" + "s" * 40))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    shots = [
        ("overview-nl.png", "/overview?lang=nl&days=90", True),
        ("overview-en.png", "/overview?lang=en&days=30&platform=instagram", False),
        ("posts-nl.png", "/posts?lang=nl&days=90&sort=engagements", False),
        ("imports-nl.png", "/imports?lang=nl", False),
        ("anomalies-nl.png", "/analytics/anomalies?lang=nl&days=365", False),
    ]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="nl-NL")
        for name, path, full in shots:
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            if full:  # charts draw when scrolled into view
                for y in range(0, page.evaluate("document.body.scrollHeight"), 600):
                    page.evaluate(f"window.scrollTo(0, {y})")
                    page.wait_for_timeout(150)
                page.evaluate("window.scrollTo(0, 0)")
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / name), full_page=full)
            print("wrote", OUT / name)
        page.goto(url + "/posts?lang=nl&sort=engagements")
        page.locator("#posts-results tbody tr a").first.click()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(800)
        page.screenshot(path=str(OUT / "post-nl.png"), full_page=True)
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/sd-demo")
