"""The commands a person types: connect (refused with the reason, or stored), connections,
sync, worker --once, pause/remove; against the recorded Mastodon API."""

from __future__ import annotations

import json

import pytest
import respx
from typer.testing import CliRunner

from socialdesk.cli import app
from tests.connectors.mastodon_api import TOKEN, sample

runner = CliRunner()


@pytest.fixture
def api():
    fake = sample()
    with respx.mock(assert_all_called=False) as router:
        fake.install(router)
        yield fake


def _run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_connect_sync_and_health_from_the_command_line(tmp_path, api, monkeypatch):
    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    w = str(tmp_path / "ws")
    bad = _run("connect", "mastodon", "-w", w, "--instance", "mastodon.example", "--token", "x")
    assert bad.exit_code == 1
    assert "connect again" in bad.output and "The access token is invalid" in bad.output
    ok = _run(
        "connect",
        "mastodon",
        "-w",
        w,
        "--instance",
        "mastodon.example",
        "--secret-stdin",
        input=TOKEN + "\n",
    )
    assert ok.exit_code == 0, ok.output
    assert "groenfonds@mastodon.example" in ok.output and TOKEN not in ok.output
    listed = _run("connections", "-w", w, "--json")
    assert TOKEN not in listed.output
    [conn] = json.loads(listed.output)["connections"]
    assert conn["health"] == "never synced"
    synced = _run("sync", "-w", w)
    assert synced.exit_code == 0, synced.output
    assert "statuses: ok" in synced.output and "mentions: ok" in synced.output
    table = _run("connections", "-w", w)
    assert "ok" in table.output and "groenfonds" in table.output
    assert _run("connections", "pause", str(conn["id"]), "-w", w).exit_code == 0
    once = _run("worker", "-w", w, "--once")
    assert "0 sync(s) due" in once.output  # a paused connection is left alone
    assert "0 scheduled report(s) handled" in once.output  # the cron path e-mails reports too
    assert _run("connections", "resume", str(conn["id"]), "-w", w).exit_code == 0
    assert _run("connections", "remove", str(conn["id"]), "-w", w).exit_code == 0
    assert json.loads(_run("connections", "-w", w, "--json").output)["connections"] == []
    assert (tmp_path / "ws" / "secret.key").stat().st_mode & 0o777 == 0o600
