"""socialdesk serve / users / demo: local mode, refusing to expose a workspace, team mode."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.cli.serve import RefusedToServe, decide_mode

runner = CliRunner()


@pytest.mark.parametrize(
    ("host", "team", "users", "expected"),
    [
        ("127.0.0.1", False, False, False),
        ("localhost", False, True, False),
        ("::1", False, False, False),
        ("127.0.0.1", True, True, True),
        ("0.0.0.0", False, True, True),
        ("192.0.2.10", True, True, True),
    ],
)
def test_mode(host, team, users, expected):
    assert decide_mode(host, team, users) is expected


@pytest.mark.parametrize(
    ("host", "team"), [("0.0.0.0", False), ("0.0.0.0", True), ("127.0.0.1", True)]
)
def test_refusals(host, team):
    with pytest.raises(RefusedToServe):
        decide_mode(host, team, has_users=False)


def test_serve_on_all_addresses_refuses_without_users(tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    result = runner.invoke(
        app, ["serve", "--workspace", str(tmp_path / "ws"), "--host", "0.0.0.0", "--no-browser"]
    )
    assert result.exit_code == 2
    assert "Refusing to serve on 0.0.0.0 without team mode" in result.output


def test_users_add_list_remove(tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    ws = str(tmp_path / "ws")
    weak = runner.invoke(
        app, ["users", "add", "anna", "--workspace", ws, "--password-stdin"], input="short\n"
    )
    assert weak.exit_code == 2 and "too weak" in weak.output
    ok = runner.invoke(
        app,
        ["users", "add", "anna", "--workspace", ws, "--role", "admin", "--password-stdin"],
        input="a long enough password\n",
    )
    assert ok.exit_code == 0, ok.output
    assert "anna created with the admin role" in ok.output
    listed = runner.invoke(app, ["users", "list", "--workspace", ws])
    assert "anna" in listed.output and "admin" in listed.output
    bad_role = runner.invoke(app, ["users", "add", "bob", "--workspace", ws, "--role", "owner"])
    assert bad_role.exit_code == 2
    gone = runner.invoke(app, ["users", "remove", "anna", "--workspace", ws])
    assert gone.exit_code == 0
    assert "No users" in runner.invoke(app, ["users", "list", "--workspace", ws]).output
