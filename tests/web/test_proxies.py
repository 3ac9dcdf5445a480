"""Forwarded headers are believed only from the reverse proxies the admin names.

Before, `serve` ran uvicorn with proxy_headers=True, which believes X-Forwarded-For from
127.0.0.1 by default: anyone on the machine (or a proxy passing the header through) could
send a new address with every login attempt and never be throttled. These tests start the
real `socialdesk serve` and log in over HTTP."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from socialdesk.cli.serve import proxy_options, trusted_proxies
from socialdesk.store import open_workspace, session_scope
from socialdesk.users import add_user
from socialdesk.users.sessions import FAILURES, SessionStore
from socialdesk.web.auth import MAX_FAILURES
from tests.web.conftest import PASSWORD


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def team_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    monkeypatch.delenv("SOCIALDESK_TRUSTED_PROXIES", raising=False)
    folder = tmp_path / "klant"
    handle = open_workspace(folder)
    with session_scope(handle.engine) as s:
        add_user(s, handle.workspace_id, "anna", PASSWORD, "admin")
    handle.engine.dispose()
    return folder


@contextmanager
def _serving(folder: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """`socialdesk serve --team` in its own process on a free port; its URL."""
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if k != "SOCIALDESK_DATABASE_URL"}
    environ.pop("SOCIALDESK_TRUSTED_PROXIES", None)
    environ.update(env or {})
    command = [sys.executable, "-m", "socialdesk", "serve", "-w", str(folder)]
    command += ["--team", "--no-browser", "--no-worker", "--port", str(port), *extra]
    process = subprocess.Popen(
        command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
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
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _attempt(url: str, forwarded: str, password: str) -> int:
    """One login of anna from a new browser, the request saying it was forwarded for
    `forwarded`; the answer's status."""
    with httpx.Client() as client:
        page = client.get(url + "/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert token, page.text
        response = client.post(
            url + "/login",
            data={"username": "anna", "password": password, "csrf_token": token.group(1)},
            headers={"x-forwarded-for": forwarded},
        )
    return response.status_code


def _failure_addresses(folder: Path) -> set[str]:
    handle = open_workspace(folder)
    try:
        # failed logins are kept with the sessions: a file of their own on SQLite
        with session_scope(SessionStore.for_engine(handle.engine).engine or handle.engine) as s:
            return set(s.scalars(select(FAILURES.c.ip)))
    finally:
        handle.engine.dispose()


def test_without_a_trusted_proxy_a_changing_forwarded_for_is_still_throttled(team_folder):
    with _serving(team_folder) as url:
        codes = [
            _attempt(url, f"203.0.113.{i}", "wrong password!") for i in range(MAX_FAILURES + 1)
        ]
        right = _attempt(url, "198.51.100.7", PASSWORD)
    assert codes[:MAX_FAILURES] == [401] * MAX_FAILURES
    assert codes[MAX_FAILURES] == 429  # a new address in the header changed nothing
    assert right == 429  # not even with the right password, from "another" address
    assert _failure_addresses(team_folder) == {"127.0.0.1"}


def test_with_the_proxy_named_the_forwarded_address_is_the_client(team_folder):
    with _serving(team_folder, "--trusted-proxy", "127.0.0.1") as url:
        same = [_attempt(url, "203.0.113.1", "wrong password!") for _ in range(MAX_FAILURES)]
        blocked = _attempt(url, "203.0.113.1", PASSWORD)
        elsewhere = _attempt(url, "203.0.113.2", PASSWORD)  # another client of the proxy
        # what the browser wrote in front of the address the proxy added is not believed
        claimed = _attempt(url, "198.51.100.99, 203.0.113.3", "wrong password!")
    assert same == [401] * MAX_FAILURES and blocked == 429
    assert elsewhere == 303 and claimed == 401
    assert _failure_addresses(team_folder) == {"203.0.113.1", "203.0.113.3"}


def test_a_proxy_named_in_the_environment_counts_and_others_are_not_believed(team_folder):
    # the environment names a proxy elsewhere: requests from 127.0.0.1 are not from it
    env = {"SOCIALDESK_TRUSTED_PROXIES": "10.1.2.3, 192.0.2.0/24"}
    with _serving(team_folder, env=env) as url:
        assert _attempt(url, "203.0.113.9", "wrong password!") == 401
    assert _failure_addresses(team_folder) == {"127.0.0.1"}


def test_proxy_options():
    assert proxy_options(()) == {"proxy_headers": False, "forwarded_allow_ips": ""}
    assert proxy_options(("127.0.0.1", "::1")) == {
        "proxy_headers": True,
        "forwarded_allow_ips": ["127.0.0.1", "::1"],
    }


def test_trusted_proxies_are_addresses_or_networks(monkeypatch):
    monkeypatch.delenv("SOCIALDESK_TRUSTED_PROXIES", raising=False)
    assert trusted_proxies(None) == ()
    assert trusted_proxies(["127.0.0.1", "10.0.0.0/8,::1", "127.0.0.1"]) == (
        "127.0.0.1",
        "10.0.0.0/8",
        "::1",
    )
    monkeypatch.setenv("SOCIALDESK_TRUSTED_PROXIES", "192.0.2.1 192.0.2.2")
    assert trusted_proxies(None) == ("192.0.2.1", "192.0.2.2")
    assert trusted_proxies(["127.0.0.1"]) == ("127.0.0.1",)  # the option wins
    # host bits in a network are dropped, as uvicorn needs it (else it never matches)
    assert trusted_proxies(["10.0.0.5/8", "192.0.2.7/32"]) == ("10.0.0.0/8", "192.0.2.7")
    for wrong in ("*", "proxy.example", "10.0.0.300"):
        with pytest.raises(ValueError, match="not an IP address or network"):
            trusted_proxies([wrong])


def test_serve_refuses_a_proxy_that_is_not_an_address(team_folder):
    from typer.testing import CliRunner

    from socialdesk.cli import app

    result = CliRunner().invoke(
        app, ["serve", "-w", str(team_folder), "--no-browser", "--trusted-proxy", "[proxy]"]
    )
    assert result.exit_code == 2
    assert "'[proxy]' is not an IP address or network" in result.output
