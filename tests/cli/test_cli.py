from __future__ import annotations

import json
import shutil

from sqlalchemy import func, select
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.model import Post
from socialdesk.store import open_workspace
from tests.conftest import fixture_path

runner = CliRunner()
FB_NL = fixture_path("meta", "meta_business_suite_facebook_posts_nl.csv")


def _posts(folder) -> int:
    h = open_workspace(folder)
    with h.session() as s:
        return s.scalar(select(func.count()).select_from(Post))


def test_dry_run_changes_nothing_then_import_then_unchanged(tmp_path):
    ws = tmp_path / "ws"
    r = runner.invoke(app, ["import", "--workspace", str(ws), "--dry-run", str(FB_NL)])
    assert r.exit_code == 0, r.output
    assert "would import" in r.output and "nothing was changed" in r.output
    assert _posts(ws) == 0
    r = runner.invoke(app, ["import", "--workspace", str(ws), str(FB_NL)])
    assert r.exit_code == 0, r.output
    assert _posts(ws) == 3
    r = runner.invoke(app, ["import", "--workspace", str(ws), "--json", str(FB_NL)])
    assert json.loads(r.output)[0]["status"] == "unchanged"
    assert _posts(ws) == 3


def test_unrecognised_file_exits_1_and_names_file(tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("alpha,beta\n1,2\n")
    r = runner.invoke(app, ["import", "--workspace", str(tmp_path / "ws"), str(bad)])
    assert r.exit_code == 1
    assert "notes.csv" in r.output and "not recognised" in r.output


def test_status_json_counts_per_account(tmp_path):
    ws = tmp_path / "ws"
    copy = tmp_path / "Jan-01-2026_Jan-31-2026_1.csv"
    shutil.copy(FB_NL, copy)
    assert runner.invoke(app, ["import", "-w", str(ws), str(copy)]).exit_code == 0
    r = runner.invoke(app, ["status", "-w", str(ws), "--json"])
    assert r.exit_code == 0, r.output
    st = json.loads(r.output)
    assert st["entities"]["posts"] == 3 and st["imports"] == 1
    (acc,) = st["accounts"]
    assert acc["platform"] == "facebook" and acc["rows"]["posts"] == 3
    assert acc["first"] == "2026-01-06"  # earliest publish date
    r = runner.invoke(app, ["status", "-w", str(ws)])
    assert "Prins" in r.output and "Petfoods" in r.output


def test_formats_lists_every_builtin(tmp_path):
    from socialdesk.importers import builtin_formats

    r = runner.invoke(app, ["formats", "--json"])
    names = {f["name"] for f in json.loads(r.output)["formats"]}
    assert names == {f.name for f in builtin_formats()}
    assert all(f["how_to"] for f in json.loads(r.output)["formats"])


def test_database_url_points_the_same_commands_at_postgresql(tmp_path, pg_engine, monkeypatch):
    url = pg_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("SOCIALDESK_DATABASE_URL", url)
    ws = tmp_path / "pg-workspace-cli"
    r = runner.invoke(app, ["import", "-w", str(ws), str(FB_NL)])
    assert r.exit_code == 0, r.output
    assert not (ws / "socialdesk.db").exists()  # the data went to PostgreSQL
    r = runner.invoke(app, ["status", "-w", str(ws), "--json"])
    st = json.loads(r.output)
    assert st["database"].startswith("postgresql") and st["entities"]["posts"] == 3


def test_currency_option_reaches_reports_without_one(tmp_path):
    """X Ads' report names no currency: --currency gives it; a bad code is refused and
    nothing is stored."""
    from socialdesk.model import AdDay

    report = fixture_path("x", "2017-04-01-to-2017-04-30-6hm1atwrnaio.xlsx")
    ws = tmp_path / "ws"
    r = runner.invoke(app, ["import", "-w", str(ws), "--currency", "euro", str(report)])
    assert r.exit_code == 1, r.output
    assert "three-letter" in r.output
    r = runner.invoke(app, ["import", "-w", str(ws), "--currency", "eur", str(report)])
    assert r.exit_code == 0, r.output
    handle = open_workspace(ws)
    with handle.session() as s:
        currencies = set(s.scalars(select(AdDay.currency).distinct()))
    assert currencies == {"EUR"}
