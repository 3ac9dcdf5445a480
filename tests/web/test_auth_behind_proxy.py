"""`serve` behind a reverse proxy (#18): the session cookie is Secure when the request came
over https through a trusted proxy (X-Forwarded-Proto), never on the word of an unnamed one;
an X-Forwarded-For that is ignored is said once; listening beyond this computer is warned
about at start. The real `socialdesk serve` in its own process, over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from socialdesk.cli.serve import FORWARDED_IGNORED, exposure_warning
from socialdesk.store import open_workspace, session_scope
from socialdesk.users import add_user
from socialdesk.web.auth import SESSION_COOKIE
from tests.web.conftest import PASSWORD
from tests.web.test_proxies import _free_port


@pytest.fixture
def team_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    folder = tmp_path / "klant"
    handle = open_workspace(folder)
    with session_scope(handle.engine) as s:
        add_user(s, handle.workspace_id, "anna", PASSWORD, "admin")
    handle.engine.dispose()
    return folder


@contextmanager
def _serving(folder: Path, *extra: str) -> Iterator[tuple[str, list[str]]]:
    """`socialdesk serve --team` on a free port: its URL, and its output once it stopped."""
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if k != "SOCIALDESK_DATABASE_URL"}
    environ.pop("SOCIALDESK_TRUSTED_PROXIES", None)
    environ["COLUMNS"] = "1000"  # one line per message
    command = [sys.executable, "-m", "socialdesk", "serve", "-w", str(folder)]
    command += ["--team", "--no-browser", "--no-worker", "--port", str(port), *extra]
    process = subprocess.Popen(
        command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    output: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"serve stopped: {process.stdout.read()}")  # type: ignore[union-attr]
            try:
                httpx.get(url + "/login", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url, output
    finally:
        process.send_signal(signal.SIGINT)
        try:
            out, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
        output.append(out)


def _cookie(url: str, headers: dict[str, str]) -> str:
    response = httpx.get(url + "/login", headers=headers)
    cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    found = [c for c in cookies if c.startswith(SESSION_COOKIE + "=")]
    assert found, response.headers
    return found[0].lower()


def test_an_untrusted_forwarded_header_is_said_once_and_makes_no_secure_cookie(team_folder):
    https = {"x-forwarded-for": "203.0.113.5", "x-forwarded-proto": "https"}
    with _serving(team_folder) as (url, output):
        assert "secure" not in _cookie(url, {})
        assert "secure" not in _cookie(url, https)  # an unnamed proxy's word is not taken
        _cookie(url, https)
    said = " ".join(output[0].split())
    assert said.count("Requests arrive with X-Forwarded-For") == 1, said
    assert " ".join(FORWARDED_IGNORED.split()) in said
    assert "Listening on" not in said  # 127.0.0.1: nothing to warn about


def test_through_a_trusted_proxy_over_https_the_cookie_is_secure(team_folder):
    with _serving(team_folder, "--trusted-proxy", "127.0.0.1") as (url, output):
        assert "secure" in _cookie(url, {"x-forwarded-proto": "https"})
        assert "secure" not in _cookie(url, {"x-forwarded-proto": "http"})
        _cookie(url, {"x-forwarded-for": "203.0.113.5"})
    assert "Requests arrive with X-Forwarded-For" not in output[0]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_no_warning_on_this_computer(host):
    assert exposure_warning(host, ()) is None


def test_listening_beyond_this_computer_is_warned_about():
    said = exposure_warning("0.0.0.0", ())
    assert said and "0.0.0.0" in said and "plain http" in said and "--trusted-proxy" in said
    named = exposure_warning("192.0.2.10", ("10.0.0.1",))
    assert named and "Secure" in named and "--trusted-proxy" not in named
