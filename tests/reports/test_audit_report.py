"""The five-skills audit as a report (`socialdesk report audit`, /reports/audit.pdf): the
opening sentences rank the next steps over all skills by the points they gain."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from socialdesk.audit.scorecard import Audit, Check, skill_score
from socialdesk.cli import app
from socialdesk.phrases import Phrase
from socialdesk.reports import run
from socialdesk.reports.audit import audit_headline
from socialdesk.reports.render import audit_html
from socialdesk.store import open_workspace
from socialdesk.store.session import session_scope
from tests.reports.conftest import seed_report_workspace

TODAY = dt.date(2026, 10, 31)


def _check(key: str, points: float | None, possible: float, step: str | None) -> Check:
    return Check(
        key=key,
        title=Phrase(key),
        possible=possible,
        points=points,
        evidence=Phrase("evidence of %(key)s", key=key),
        next_step=Phrase(step) if step else None,
    )


def test_the_headline_names_the_strongest_the_weakest_and_the_biggest_gains():
    audit = Audit(
        TODAY,
        (
            skill_score("visual", Phrase("Visual"), "/visual", [_check("a", 10, 40, "Fix a")]),
            skill_score("empathy", Phrase("Empathy"), "/inbox", [_check("b", 28, 30, "Fix b")]),
            skill_score(
                "advertising",
                Phrase("Advertising"),
                "/ads",
                [_check("c", 5, 25, "Fix c"), _check("d", 24, 25, "Fix d")],
            ),
            skill_score(
                "marketing", Phrase("Online marketing"), "/m", [_check("e", None, 20, None)]
            ),
            skill_score("analytics", Phrase("Analytics"), "/a", [_check("f", 30, 30, None)]),
        ),
    )
    said = [p.say() for p in audit_headline(audit)]
    assert said[0] == (
        "The strongest of the five skills is Analytics (100 of 100), the one with the most "
        "room Visual (25)."
    )
    assert said[1] == "Not judged, for want of data: Online marketing."
    # visual's step gains 30 points, advertising's c 20, empathy's b 2
    assert said[2:] == ["Visual: Fix a", "Advertising: Fix c", "Empathy: Fix b"]


def test_the_audit_report_on_sqlite_and_postgresql(ws):
    seed_report_workspace(ws.engine, ws.workspace_id)
    with session_scope(ws.engine) as s:
        report = run.audit(s, ws.workspace_id, "nl", today=TODAY)
    assert report.audit.today == TODAY
    assert report.sections == ("visual", "empathy", "advertising", "marketing", "analytics")
    page = audit_html(report)
    assert '<html lang="nl">' in page
    for key in report.sections:
        assert f'id="{key}"' in page
    pdf = run.render(report, "pdf")
    assert pdf.startswith(b"%PDF") and len(pdf) < 2_000_000


def test_cli_report_audit(tmp_path):
    folder = tmp_path / "ws"
    handle = open_workspace(folder)
    seed_report_workspace(handle.engine, handle.workspace_id)
    handle.engine.dispose()
    out = CliRunner().invoke(app, ["report", "audit", "-w", str(folder), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["audit"]["today"] == dt.date.today().isoformat()  # the data as it is now
    assert len(data["audit"]["skills"]) == 5 and "branding" not in data
