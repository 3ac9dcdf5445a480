"""socialdesk report monthly: files written, the headline printed, clear errors."""

from __future__ import annotations

from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.store import open_workspace
from tests.reports.conftest import seed_report_workspace

runner = CliRunner()


def _workspace(tmp_path):
    folder = tmp_path / "ws"
    handle = open_workspace(folder)
    seed_report_workspace(handle.engine, handle.workspace_id)
    handle.engine.dispose()
    return folder


def test_monthly_writes_pdf_and_html(tmp_path):
    folder = _workspace(tmp_path)
    pdf, html = tmp_path / "out.pdf", tmp_path / "out.html"
    args = ["report", "monthly", "-w", str(folder), "--month", "2026-10", "--lang", "nl"]
    result = runner.invoke(app, [*args, "--pdf", str(pdf), "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    assert '<html lang="nl">' in html.read_text(encoding="utf-8")
    assert "1.564 interacties" in " ".join(result.output.split())
    assert f"wrote {pdf}" in result.output.replace("\n", "")


def test_monthly_json_is_the_reports_data(tmp_path):
    import json

    folder = _workspace(tmp_path)
    args = ["report", "monthly", "-w", str(folder), "--month", "2026-10", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["month"] == {"start": "2026-10-01", "end": "2026-10-31"}
    assert data["reach"]["totals"]["post_engagements"]["current"] == 1564


def test_clear_errors(tmp_path):
    folder = _workspace(tmp_path)
    base = ["report", "monthly", "-w", str(folder)]
    empty = runner.invoke(app, [*base, "--month", "2026-01"])
    assert empty.exit_code == 1
    said = " ".join(empty.output.split())
    assert "no data for January 2026 (2026-01)" in said and "--month 2026-10" in said
    assert runner.invoke(app, [*base, "--month", "2026-13"]).exit_code == 2
    assert runner.invoke(app, [*base, "--month", "2026-10", "--lang", "de"]).exit_code == 2
