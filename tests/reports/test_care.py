"""The customer-care report (`socialdesk report care`): an inbox with known figures for
October 2026 and September 2026, on SQLite and PostgreSQL, read back from HTML and PDF."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.i18n import formats, gettext
from socialdesk.inbox import run as inbox_run
from socialdesk.model import Message, MessageThread
from socialdesk.reports import run
from socialdesk.reports.render import care_html
from socialdesk.store import open_workspace
from socialdesk.store.session import session_scope

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
OCTOBER = dt.date(2026, 10, 1)
HOSTILE_LANGUAGE = "<b>nl</b>"  # the column holds 20 characters


def _thread(
    s: Session,
    ws: int,
    key: str,
    opened: dt.datetime,
    answer_after: dt.timedelta | None,
    sentiment: str,
    language: str = "nl",
) -> None:
    t = MessageThread(
        workspace_id=ws, platform="facebook", external_id=key, status="new", opened_at=opened
    )
    s.add(t)
    s.flush()
    s.add(
        Message(
            workspace_id=ws,
            thread_id=t.id,
            platform="facebook",
            external_id=f"{key}-in",
            author_handle="@klant",
            text="Waar blijft mijn bestelling?",
            language=language,
            received_at=opened,
            is_from_org=False,
            sentiment=sentiment,
            intent="complaint" if sentiment == "negative" else "question",
        )
    )
    if answer_after is not None:
        s.add(
            Message(
                workspace_id=ws,
                thread_id=t.id,
                platform="facebook",
                external_id=f"{key}-out",
                author_handle="@groenfonds",
                text="We zoeken het uit.",
                language="nl",
                received_at=opened + answer_after,
                is_from_org=True,
                answered_by="anna",
            )
        )


def seed_inbox(engine, ws: int) -> None:
    """October: 20 conversations, 10 answered within 30 minutes, 5 after 5 hours, one begun on
    31 October 22:00 answered the next morning, 4 never; 8 negative. September: 10, all
    answered in 30 minutes, 2 negative. November: 1 (not October's)."""
    minutes = dt.timedelta(minutes=30)
    with session_scope(engine) as s:
        for i in range(20):
            opened = dt.datetime(2026, 10, 2 + i, 10, 0)
            if i < 10:
                after: dt.timedelta | None = minutes
            elif i < 15:
                after = dt.timedelta(hours=5)
            else:
                after = None
            _thread(s, ws, f"oct-{i}", opened, after, "negative" if i < 8 else "positive")
        _thread(
            s,
            ws,
            "oct-late",
            dt.datetime(2026, 10, 31, 22, 0),
            dt.timedelta(hours=10),
            "neutral",
            language=HOSTILE_LANGUAGE,
        )
        for i in range(10):
            _thread(
                s,
                ws,
                f"sep-{i}",
                dt.datetime(2026, 9, 2 + i, 10, 0),
                minutes,
                "negative" if i < 2 else "neutral",
            )
        _thread(s, ws, "nov-0", dt.datetime(2026, 11, 3, 10, 0), None, "negative")


@pytest.fixture
def inbox(ws):
    seed_inbox(ws.engine, ws.workspace_id)
    return ws


def test_a_conversation_counts_in_the_month_it_began_with_its_reply_whenever(inbox):
    with session_scope(inbox.engine) as s:
        found = inbox_run.figures(s, inbox.workspace_id, since=OCTOBER, until=dt.date(2026, 11, 1))
    o = found.report.overall
    assert o.threads == 21  # the November conversation is not October's
    assert o.answered == 16  # 10 + 5 + the one answered on 1 November
    assert o.within_sla.value == pytest.approx(10 / 21)
    assert o.within_sla.low < 10 / 21 < o.within_sla.high


def test_the_care_report_has_the_months_figures_and_their_intervals(inbox):
    with session_scope(inbox.engine) as s:
        report = run.care(s, inbox.workspace_id, OCTOBER, "en")
    total = report.volume[-1]
    assert (total.messages, total.previous) == (21, 10)
    assert total.change == pytest.approx(1.1)
    assert report.overall.threads == 21 and report.overall.answered == 16
    assert report.previous_overall.threads == 10
    assert report.previous_overall.within_sla.value == pytest.approx(1.0)
    negative = next(m for m in report.sentiment if m.value == "negative")
    assert negative.messages == 8
    assert negative.share.value == pytest.approx(8 / 21)
    assert negative.previous.value == pytest.approx(0.2)
    said = [p.say() for p in report.headline]
    assert 3 <= len(said) <= 5
    assert said[0] == "21 messages came in this month, +110% against last month (10)."
    assert "48% a reply within the target of 60 minutes (between" in said[1]
    assert any("5 conversations got no reply" in p for p in said)
    assert report.sections == ("volume", "response", "mood")


def test_dutch_care_report_in_html_and_pdf(inbox):
    with session_scope(inbox.engine) as s:
        report = run.care(s, inbox.workspace_id, OCTOBER, "nl")
    page = care_html(report)
    assert '<html lang="nl">' in page
    assert HOSTILE_LANGUAGE not in page and "&lt;b&gt;nl&lt;/b&gt;" in page
    nl = formats("nl")
    for sentence in report.headline:
        text = sentence.say(lambda m: gettext("nl", m), nl)
        assert text.split(" (")[0].split(",")[0] in " ".join(page.split())
    assert "38%" in page  # 8 of 21 negative, written the Dutch way
    files = run.render_all(report, ("pdf",))
    pdf = files["pdf"]
    assert pdf.startswith(b"%PDF") and len(pdf) < 2_000_000
    if shutil.which("pdftotext") is None:
        if IN_CI:
            pytest.fail("pdftotext is needed in CI (apt-get install poppler-utils)")
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "oktober 2026" in text
    assert "48%" in text and "21" in text


def test_a_month_without_conversations_says_so(inbox):
    with session_scope(inbox.engine) as s, pytest.raises(run.NoCareData, match="2026-07"):
        run.care(s, inbox.workspace_id, dt.date(2026, 7, 1), "nl")


def test_cli_care_writes_the_files_and_json(tmp_path):
    folder = tmp_path / "ws"
    handle = open_workspace(folder)
    seed_inbox(handle.engine, handle.workspace_id)
    handle.engine.dispose()
    runner = CliRunner()
    base = ["report", "care", "-w", str(folder), "--month"]
    out = runner.invoke(app, [*base, "2026-10", "--lang", "en", "--html", str(tmp_path / "c.html")])
    assert out.exit_code == 0, out.output
    assert "21 messages came in this month" in " ".join(out.output.split())
    assert (tmp_path / "c.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    out = runner.invoke(app, [*base, "2026-10", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["overall"]["threads"] == 21
    assert "daily" not in data and "branding" not in data
    out = runner.invoke(app, [*base, "2026-07"])
    assert out.exit_code == 1 and "no conversations" in " ".join(out.output.split())


def test_a_thread_still_inside_its_target_is_undecided():
    """On the live figures a thread opened ten minutes ago without a reply is neither within
    nor outside a 60-minute target yet; one that waited two hours is outside it."""
    import pandas as pd

    from socialdesk.inbox.sla import within_sla

    now = dt.datetime(2026, 11, 2, 12, 0)
    frame = pd.DataFrame(
        {
            "opened_at": [now - dt.timedelta(minutes=10), now - dt.timedelta(hours=2), now],
            "answered_at": [None, None, now + dt.timedelta(minutes=5)],
            "first_response_min": [None, None, 5.0],
        }
    )
    live = within_sla(frame, 60, now)
    assert (live.n, live.value) == (2, 0.5)
    assert within_sla(frame, 60).n == 3  # a past period: every thread is decided
