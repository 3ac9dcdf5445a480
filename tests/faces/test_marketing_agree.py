"""/marketing/*.json and `socialdesk plan / calendar / utm / search-gaps / site --json` print
the same result (socialdesk.marketing.run)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest

from socialdesk.marketing import run
from socialdesk.marketing.plan import from_yaml
from socialdesk.store import open_workspace, session_scope
from tests.web.test_marketing import PLAN, _post, _seed


@pytest.fixture
def faces(tmp_path, faces_for):
    """GA4 traffic, Search Console queries, a plan, two posts, four plan items (two in one
    hour on one platform: a clash; one idea without a date) and a saved link."""
    handle = open_workspace(tmp_path / "ws")
    _seed(handle)
    wid = handle.workspace_id
    with session_scope(handle.engine) as s:
        run.save_plan_version(s, wid, from_yaml(PLAN), saved_by="ann", note="v1")
    _post(handle, "Een #tips over sedum", 10.0)
    _post(handle, "Subsidie voor een groen dak", 30.0)
    with session_scope(handle.engine) as s:
        for title, at, platform in (
            ("Tip", dt.datetime(2026, 3, 2, 10, 15), "instagram"),
            ("Nog een tip", dt.datetime(2026, 3, 2, 10, 45), "instagram"),
            ("Vroeg", dt.datetime(2026, 3, 4, 6, 30), "facebook"),
        ):
            run.add_plan_item(
                s,
                wid,
                title=title,
                created_by="ann",
                status="draft",
                at=at,
                platform=platform,
                pillar="tips",
            )
        run.add_plan_item(s, wid, title="Ooit", created_by="ann")
        run.save_link(
            s,
            wid,
            "https://x.nl/tips",
            source="instagram",
            medium="social",
            campaign="voorjaar_2026",
            created_by="ann",
        )
    handle.engine.dispose()
    return faces_for(tmp_path / "ws")


def test_search(faces):
    data = faces.agree("/marketing.json", "search-gaps")
    assert {t["name"] for t in data["search"]["topics"]} >= {"subsidie", "sedum"}
    assert data["start"] is None and all(isinstance(g, str) for g in data["gaps"])
    march = faces.agree(
        "/marketing.json?start=2026-03-01&end=2026-03-31",
        "search-gaps",
        "--start",
        "2026-03-01",
        "--end",
        "2026-03-31",
    )
    assert march["start"] == "2026-03-01" and march["search"]["n_posts"] == 2


def test_site(faces):
    data = faces.agree("/marketing/site.json", "site")
    assert data["site"]["site_sessions"] == 200 and data["site"]["social"]["sessions"] == 40
    faces.agree(
        "/marketing/site.json?start=2026-03-02&end=2026-03-02",
        "site",
        "--start",
        "2026-03-02",
        "--end",
        "2026-03-02",
    )


def test_plan_coverage_and_versions(faces):
    plan = faces.agree("/marketing/plan.json", "plan", "show")
    assert plan["version"] == 1 and plan["name"] == "Plan <b>"
    assert plan["plan"]["pillars"][0]["key"] == "tips" and "key: tips" in plan["yaml"]
    assert plan["coverage"]["n_posts"] == 2
    assert [v["note"] for v in plan["versions"]] == ["v1"]
    assert faces.cli("plan", "versions") == {"versions": plan["versions"]}
    # the plan page asks the coverage question `plan coverage` asks, with its parameters
    web = faces.web("/marketing/plan.json?start=2026-03-01&end=2026-03-31&metric=engagements")
    cli = faces.cli(
        "plan",
        "coverage",
        "--start",
        "2026-03-01",
        "--end",
        "2026-03-31",
        "--metric",
        "engagements",
    )
    assert cli == {"start": "2026-03-01", "end": "2026-03-31", "coverage": web["coverage"]}
    assert web["coverage"]["metric"] == "engagements"


def test_calendar_month_and_week(faces):
    month = faces.agree(
        "/marketing/calendar.json?month=2026-03", "calendar", "list", "--month", "2026-03"
    )
    assert (month["month"], month["previous"], month["next"]) == ("2026-03", "2026-02", "2026-04")
    days = {d["date"]: d["items"] for w in month["weeks"] for d in w}
    assert [i["title"] for i in days["2026-03-02"]] == ["Tip", "Nog een tip"]
    assert [i["title"] for i in month["undated"]] == ["Ooit"]
    assert len(month["clashes"]) == 1
    week = faces.agree(
        "/marketing/calendar/week.json?week=2026-03-04", "calendar", "list", "--week", "2026-03-04"
    )
    assert (week["start"], week["end"], week["week"]) == ("2026-03-02", "2026-03-08", "2026-W10")
    assert len(week["clashing"]) == 2 and min(h["hour"] for h in week["hours"]) == 6


def test_links_and_utm(faces):
    query = {
        "url": "https://x.nl/vrijwilligers",
        "source": "Instagram",
        "medium": "social",
        "campaign": "voorjaar_2026",
        "content": "tip",
        "term": "dak",
    }
    data = faces.agree(
        "/marketing/links.json?" + urlencode(query),
        "utm",
        query["url"],
        "--source",
        query["source"],
        "--medium",
        query["medium"],
        "--campaign",
        query["campaign"],
        "--content",
        query["content"],
        "--term",
        query["term"],
    )
    assert data["built"]["url"] == (
        "https://x.nl/vrijwilligers?utm_source=instagram&utm_medium=social"
        "&utm_campaign=voorjaar_2026&utm_content=tip&utm_term=dak"
    )
    assert [r["base_url"] for r in data["links"]] == ["https://x.nl/tips"]
    assert data["checks"][0]["problems"] == [] and data["error"] is None
