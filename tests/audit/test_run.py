"""The audit's seam on SQLite and PostgreSQL: a workspace with nothing is not judged anywhere,
a check that raises is "not judged" and the rest goes on, and the home page shows the five."""

from __future__ import annotations

import datetime as dt

from socialdesk.audit import run
from socialdesk.errors import SocialdeskError
from socialdesk.store.session import session_scope
from tests.web.conftest import make_client

TODAY = dt.date(2026, 10, 31)


def test_a_workspace_with_nothing_is_not_judged(ws) -> None:
    with session_scope(ws.engine) as s:
        audit = run.audit(s, ws.workspace_id, today=TODAY)
    assert len(audit.skills) == 5
    for skill in audit.skills:
        assert skill.score is None and skill.level == "not-judged", skill.skill
        assert skill.next_steps == ()
        assert all(not c.judged for c in skill.checks), skill.skill


def test_a_check_that_fails_is_not_judged_and_the_rest_goes_on(ws, monkeypatch) -> None:
    def broken(*_a, **_k):
        raise SocialdeskError("the figures could not be read")

    from socialdesk.inbox import run as inbox

    monkeypatch.setattr(inbox, "labels", broken)
    with session_scope(ws.engine) as s:
        audit = run.audit(s, ws.workspace_id, today=TODAY)
    labels = next(c for c in audit.skill("empathy").checks if c.key == "labels")
    assert not labels.judged and "could not be read" in labels.evidence
    assert len(audit.skills) == 5


def test_the_overview_loads_the_five_skills_after_it_has_shown_itself(sqlite_seeded) -> None:
    client = make_client(sqlite_seeded.ws)
    html = client.get("/overview").text
    assert 'hx-get="/audit/card"' in html and 'id="audit-empathy"' not in html
    card = client.get("/audit/card").text
    for path in ("/visual", "/inbox/figures", "/ads", "/marketing", "/analytics/goals"):
        assert f'href="{path}"' in card, path
    assert 'id="audit-empathy"' in card and "<details>" in card
    page = client.get("/audit")
    assert page.status_code == 200 and 'id="skill-analytics"' in page.text
    data = client.get("/audit.json").json()
    assert [s["skill"] for s in data["skills"]] == [
        "visual",
        "empathy",
        "advertising",
        "marketing",
        "analytics",
    ]
    assert "audit" not in client.get("/overview.json").json()


def test_the_card_says_so_when_the_audit_fails(sqlite_seeded, monkeypatch) -> None:
    def broken(*_a, **_k):
        raise SocialdeskError("broken <script>")

    from socialdesk.web.routes import audit

    monkeypatch.setattr(audit.audit_run, "audit", broken)
    client = make_client(sqlite_seeded.ws)
    assert client.get("/overview").status_code == 200
    card = client.get("/audit/card")
    assert card.status_code == 200 and 'id="audit-empathy"' not in card.text
    assert "broken &lt;script&gt;" in card.text


def test_the_card_answers_200_when_busy_or_broken(sqlite_seeded, monkeypatch) -> None:
    """htmx swaps only a 200: a busy server asks again in a few seconds, a bug says one line."""
    from socialdesk.web.routes import audit

    client = make_client(sqlite_seeded.ws)
    assert audit._ONE_AT_A_TIME.acquire(timeout=1)
    monkeypatch.setattr(audit, "AUDIT_WAIT", 0.01)
    try:
        busy = client.get("/audit/card")
    finally:
        audit._ONE_AT_A_TIME.release()
    assert busy.status_code == 200 and 'hx-trigger="load delay:5s"' in busy.text

    def bug(*_a, **_k):
        raise ZeroDivisionError("x")

    monkeypatch.setattr(audit.audit_run, "recent_audit", bug)
    broken = client.get("/audit/card")
    assert broken.status_code == 200 and 'id="audit-empathy"' not in broken.text


def test_the_cockpits_audit_is_made_again_when_the_data_changes(ws, monkeypatch) -> None:
    made = []
    real = run.audit

    def counting(*a, **k):
        made.append(1)
        return real(*a, **k)

    monkeypatch.setattr(run, "audit", counting)
    with session_scope(ws.engine) as s:
        first = run.recent_audit(s, ws.workspace_id)
        assert run.recent_audit(s, ws.workspace_id) is first and len(made) == 1
        assert run.recent_audit(s, ws.workspace_id, max_age=0) is not first  # too old
    from tests.reports.conftest import seed_report_workspace

    seed_report_workspace(ws.engine, ws.workspace_id)  # new data: a new version
    with session_scope(ws.engine) as s:
        run.recent_audit(s, ws.workspace_id)
    assert len(made) == 3
