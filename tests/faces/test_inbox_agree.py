"""/inbox*.json and `socialdesk inbox ... --json` print the same result (socialdesk.inbox.run)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from socialdesk.model import MessageThread
from socialdesk.store import open_workspace
from tests.web.test_inbox import _thread_with

START = dt.datetime(2026, 2, 1, 10)
NOW = "2026-03-02T12:00:00"


@pytest.fixture
def faces(tmp_path, faces_for):
    """Four weeks of one negative message a day on #storing, then nine on one day (a crisis
    alert); an answered thread on facebook-less instagram, and one assigned and open."""
    handle = open_workspace(tmp_path / "ws")
    for day in range(28):
        _thread_with(
            handle,
            [(f"Weer #storing bij de app, dag {day}", START + dt.timedelta(days=day), False)],
        )
    spike = START + dt.timedelta(days=28)
    for i in range(9):
        _thread_with(
            handle, [(f"#storing alweer, niets werkt {i}", spike + dt.timedelta(minutes=i), False)]
        )
    answered = _thread_with(
        handle,
        [
            ("Waar blijft mijn #lentepakket?", dt.datetime(2026, 3, 2, 9), False),
            ("Sorry Eva, hij komt morgen!", dt.datetime(2026, 3, 2, 9, 40), True),
        ],
    )
    assigned = _thread_with(handle, [("Kan ik nog lid worden?", dt.datetime(2026, 3, 2, 8), False)])
    with Session(handle.engine) as s, s.begin():
        s.get(MessageThread, answered).status = "done"
        t = s.get(MessageThread, assigned)
        t.status, t.assignee = "open", "anna"
    handle.engine.dispose()
    return faces_for(tmp_path / "ws")


def test_queue(faces):
    data = faces.agree(f"/inbox.json?now={NOW}&limit=20", "inbox", "queue", "--now", NOW)
    assert data["now"] == NOW and data["limit"] == 20 and len(data["rows"]) == 20
    priorities = [r["priority"] for r in data["rows"]]
    assert priorities == sorted(priorities, reverse=True)
    assert {a["topic"] for a in data["alerts"]} == {"#storing", "not_working"}
    assert data["assignees"] == ["anna"]
    # another moment: other waiting times, so the answers differ when only one face moves
    later = faces.web("/inbox.json?now=2026-03-03T12:00:00&limit=20")
    assert later["rows"][0]["minutes_waiting"] != data["rows"][0]["minutes_waiting"]


def test_queue_filters(faces):
    mine = faces.agree(
        f"/inbox.json?now={NOW}&limit=5&assignee=anna&status=open",
        *("inbox", "queue", "--now", NOW, "--limit", "5", "--assignee", "anna"),
        *("--status", "open"),
    )
    (row,) = mine["rows"]
    assert row["assignee"] == "anna" and row["status"] == "open"
    assert mine["filters"] == {
        "platform": None,
        "intent": None,
        "sentiment": None,
        "status": "open",
        "assignee": "anna",
    }
    done = faces.agree(
        f"/inbox.json?now={NOW}&status=done&limit=50",
        *("inbox", "queue", "--now", NOW, "--status", "done", "--limit", "50"),
    )
    assert done["rows"] == []  # the answered thread waits for nobody
    negative = faces.agree(
        f"/inbox.json?now={NOW}&sentiment=negative&intent=complaint&platform=instagram&limit=3",
        *("inbox", "queue", "--now", NOW, "--sentiment", "negative", "--intent", "complaint"),
        *("--platform", "instagram", "--limit", "3"),
    )
    assert len(negative["rows"]) == 3
    assert {r["sentiment"] for r in negative["rows"]} == {"negative"}


def test_figures(faces):
    data = faces.agree("/inbox/figures.json", "inbox", "figures")
    overall = data["report"]["overall"]
    assert (overall["threads"], overall["answered"]) == (39, 1)
    assert overall["first_response"]["median"]["value"] == pytest.approx(40.0)
    since = faces.agree(
        "/inbox/figures.json?since=2026-03-02", "inbox", "figures", "--since", "2026-03-02"
    )
    assert since["since"] == "2026-03-02"
    assert since["report"]["overall"]["threads"] < overall["threads"]
    empty = faces.agree(
        "/inbox/figures.json?since=2027-01-01", "inbox", "figures", "--since", "2027-01-01"
    )
    assert empty["report"] is None


def test_settings(faces):
    data = faces.agree("/inbox/settings.json", "inbox", "settings")
    assert (data["business_hours"], data["days"]) == ("09:00-17:00", "mon-fri")
    assert data["settings"]["timezone"] == "Europe/Amsterdam"
