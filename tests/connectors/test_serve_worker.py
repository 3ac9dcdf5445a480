"""`socialdesk serve` runs the job worker beside the cockpit: a sync queued on /connections
runs in the serving process against a Mastodon API on a real port (the recorded API, served)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from socialdesk.cli import app
from tests.connectors.mastodon_api import TOKEN, ServedFake, sample


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served_api():
    fake = sample()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(ServedFake(fake), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the fake API did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", fake
    server.should_exit = True
    thread.join(timeout=10)


def test_a_sync_queued_on_the_page_runs_in_the_serving_process(tmp_path, served_api, monkeypatch):
    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    instance, fake = served_api
    ws = str(tmp_path / "ws")
    connected = CliRunner().invoke(
        app, ["connect", "mastodon", "-w", ws, "--instance", instance, "--token", TOKEN]
    )
    assert connected.exit_code == 0, connected.output
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "SOCIALDESK_DATABASE_URL"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "socialdesk",
            "serve",
            "-w",
            ws,
            "--port",
            str(port),
            "--no-browser",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    page = client.get("/connections")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline and proc.poll() is None, "serve died"
                    time.sleep(0.2)
            token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
            cid = client.get("/connections.json").json()["connections"][0]["id"]
            queued = client.post(f"/connections/{cid}/sync", data={"csrf_token": token})
            assert queued.status_code == 303
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                result = client.get("/connections.json").json()
                if result["jobs"] and result["jobs"][0]["status"] in ("done", "failed"):
                    break
                time.sleep(0.3)
            job = result["jobs"][0]
            assert job["status"] == "done", job
            [conn] = result["connections"]
            assert conn["health"] == "ok"
            items = {s["name"]: s["last_items"] for s in conn["streams"]}
            assert items == {"statuses": len(fake.statuses), "mentions": len(fake.mentions)}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert proc.returncode in (0, -signal.SIGINT, 130), out
    assert "job worker runs beside it" in out
