"""`socialdesk serve` / `socialdesk demo` on a port already in use: one line naming the port
and a free one to use instead, exit 1, no traceback (issue #17)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.cli import serve as serve_module

runner = CliRunner()


@pytest.fixture
def taken() -> Iterator[int]:
    """A port on 127.0.0.1 that another program listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _no_database_url(monkeypatch):
    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)


def _assert_one_clear_line(result, port: int, command: str) -> int:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Errno" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    [line] = [line for line in lines if "in use" in line]
    assert f"Port {port} on 127.0.0.1 is already in use" in line
    suggested = re.search(rf"{command} --port (\d+)$", line)
    assert suggested, line
    free = int(suggested[1])
    assert free != port
    with socket.socket() as probe:  # the suggested port really is free
        probe.bind(("127.0.0.1", free))
    return free


def test_serve_on_a_port_in_use_says_so_before_uvicorn_starts(tmp_path, taken, monkeypatch):
    started = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append(a))
    result = runner.invoke(
        app,
        ["serve", "--workspace", str(tmp_path / "ws"), "--no-browser", "--port", str(taken)],
    )
    _assert_one_clear_line(result, taken, "socialdesk serve")
    assert not started
    assert "socialdesk cockpit for" not in result.output  # no URL that does not work


def test_demo_on_a_port_in_use_says_so_before_building(tmp_path, taken):
    ws = tmp_path / "ws"
    result = runner.invoke(
        app, ["demo", "--workspace", str(ws), "--no-browser", "--port", str(taken)]
    )
    _assert_one_clear_line(result, taken, "socialdesk demo")
    assert "Demo workspace ready" not in result.output
    assert not ws.exists() or not any(ws.iterdir())


def test_a_port_taken_after_the_check_is_caught_from_uvicorn(tmp_path, taken, monkeypatch):
    """The race: free when checked, taken when uvicorn binds (uvicorn exits with 3)."""
    monkeypatch.setattr(serve_module, "check_port", lambda *a, **k: None)
    result = runner.invoke(
        app,
        [
            "serve",
            "--workspace",
            str(tmp_path / "ws"),
            "--no-browser",
            "--no-worker",
            "--port",
            str(taken),
        ],
    )
    _assert_one_clear_line(result, taken, "socialdesk serve")


def test_an_oserror_from_uvicorn_is_one_line_too(tmp_path, taken, monkeypatch):
    def bind_fails(*_a, **_k):
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(serve_module, "check_port", lambda *a, **k: None)
    monkeypatch.setattr("uvicorn.run", bind_fails)
    result = runner.invoke(
        app,
        ["serve", "-w", str(tmp_path / "ws"), "--no-browser", "--no-worker", "--port", str(taken)],
    )
    _assert_one_clear_line(result, taken, "socialdesk serve")


def test_a_free_port_passes_the_check():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    serve_module.check_port("127.0.0.1", port)  # closed again: free
