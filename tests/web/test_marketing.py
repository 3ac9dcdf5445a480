"""The marketing pages, their JSON twins, and the calendar's writes (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socialdesk.marketing import queries
from socialdesk.model import Account, SearchPerformance, WebDay
from socialdesk.store import session_scope
from socialdesk.store.upsert import upsert_frame
from tests.web.conftest import add_members, csrf_of, login, make_client

PAGES = (
    "/marketing",
    "/marketing/site",
    "/marketing/plan",
    "/marketing/calendar",
    "/marketing/links",
)
PLAN = """name: Plan <b>
goals:
  - key: g
    objectives:
      - {key: o, name: O, metric: sessions, target: 10, due: 2026-12-31}
pillars:
  - {key: tips, name: Tips, keywords: ["#tips"], objectives: [o]}
campaigns:
  - {name: voorjaar_2026, pillar: tips}
"""


def _seed(ws):
    day = dt.date(2026, 3, 2)
    with session_scope(ws.engine) as s:
        ga4 = Account(workspace_id=ws.workspace_id, platform="ga4", handle="site")
        gsc = Account(workspace_id=ws.workspace_id, platform="search_console", handle="Groen Dak")
        s.add_all([ga4, gsc])
        s.flush()
        web = pd.DataFrame(
            {
                "account_id": ga4.id,
                "report": "ta",
                "date_start": [day] * 3,
                "date_end": [day] * 3,
                "dimension_key": ["a", "b", "c"],
                "source": ["instagram", "google", "(direct)"],
                "medium": ["social", "organic", "(none)"],
                "campaign": ["voorjaar_2026", "(organic)", "(direct)"],
                "sessions": [40.0, 100.0, 60.0],
                "engaged_sessions": [20.0, 70.0, 30.0],
                "conversions": [2.0, 3.0, 1.0],
                "revenue": [50.0, 90.0, 10.0],
            }
        )
        upsert_frame(
            s,
            WebDay.__table__,
            web,
            keys=("account_id", "report", "dimension_key", "date_start", "date_end"),
        )
        values = [
            "subsidie <script>",
            "subsidie groen dak",
            "sedum dak",
            "sedum kopen",
            "groen dak",
        ]
        search = pd.DataFrame(
            {
                "account_id": gsc.id,
                "dimension": "query",
                "value": values,
                "date_start": day,
                "date_end": day,
                "clicks": [5.0, 4, 30, 20, 50],
                "impressions": [100.0, 80, 300, 200, 400],
                "position": [12.0, 13, 3, 4, 1],
            }
        )
        upsert_frame(
            s,
            SearchPerformance.__table__,
            search,
            keys=("account_id", "dimension", "value", "date_start", "date_end"),
        )


@pytest.fixture
def client(ws):
    _seed(ws)
    return make_client(ws)


def test_every_page_and_twin_answers(client):
    for path in PAGES:
        for lang in ("nl", "en"):
            page = client.get(f"{path}?lang={lang}")
            assert page.status_code == 200, (path, page.text[:300])
        twin = client.get(
            path.replace("/marketing", "/marketing.json", 1)
            if path == "/marketing"
            else path + ".json"
        )
        assert twin.status_code == 200 and twin.headers["content-type"] == "application/json"


def test_search_and_site_figures_match_the_skill(client):
    data = client.get("/marketing.json").json()
    topics = {t["name"]: t for t in data["result"]["topics"]}
    assert topics["subsidie"]["impressions"] == 180
    assert topics["subsidie"]["status"] == "unknown"  # no posts: coverage cannot be judged
    html = client.get("/marketing?lang=nl").text
    assert "subsidie &lt;script&gt;" in html and "<script>" not in html.split('id="main"', 1)[1]
    assert "Zoekonderwerpen" in html
    site = client.get("/marketing/site.json").json()["site"]
    assert site["site_sessions"] == 200 and site["social"]["sessions"] == 40
    assert site["social"]["share_of_sessions"]["value"] == pytest.approx(0.2)


def test_plan_calendar_and_links_writes(client, ws):
    token = csrf_of(client)
    saved = client.post(
        "/marketing/plan", data={"plan_yaml": PLAN, "note": "v1", "csrf_token": token}
    )
    assert saved.status_code == 303
    bad = client.post("/marketing/plan", data={"plan_yaml": "goals: 3", "csrf_token": token})
    assert bad.status_code == 422 and "expected a list" in bad.text
    plan = client.get("/marketing/plan?lang=en").text
    assert "Plan &lt;b&gt;" in plan and "Version 1" in plan
    added = client.post(
        "/marketing/calendar",
        data={
            "title": "Tip <i>",
            "platform": "instagram",
            "date": "2026-03-02",
            "time": "10:00",
            "pillar": "tips",
            "csrf_token": token,
        },
    )
    assert added.status_code == 303
    with ws.session() as s:
        item = queries.plan_items(s, ws.workspace_id).iloc[0]
    assert item["status"] == "draft"
    assert pd.Timestamp(item["scheduled_at"]) == pd.Timestamp("2026-03-02 09:00")  # UTC
    # drag and drop: the same POST the script sends, keeping the time of day
    moved = client.post(
        f"/marketing/calendar/{item['id']}/move",
        data={"date": "2026-03-05"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert moved.status_code == 204
    skip = client.post(
        f"/marketing/calendar/{item['id']}/move", data={"status": "scheduled", "csrf_token": token}
    )
    assert skip.status_code == 422  # not without an approval
    ok = client.post(
        f"/marketing/calendar/{item['id']}/review",
        data={"decision": "approve", "comment": "Prima", "csrf_token": token},
    )
    assert ok.status_code == 303
    cal = client.get("/marketing/calendar.json?month=2026-03").json()
    days = {d["date"]: d["items"] for w in cal["weeks"] for d in w}
    assert [i["status"] for i in days["2026-03-05"]] == ["approved"]
    assert days["2026-03-05"][0]["time"] == "10:00"
    assert "Tip &lt;i&gt;" in client.get("/marketing/calendar?month=2026-03").text
    assert (
        client.post(
            f"/marketing/calendar/{item['id']}/move", data={"date": "2026-03-06"}
        ).status_code
        == 403
    )  # no CSRF token
    ics = client.get("/marketing/calendar.ics")
    assert ics.headers["content-type"].startswith("text/calendar") and b"Tip <i>" in ics.content
    link = client.post(
        "/marketing/links",
        data={
            "url": "https://x.nl/tips",
            "source": "instagram",
            "medium": "social",
            "campaign": "voorjaar_2026",
            "csrf_token": token,
        },
    )
    assert link.status_code == 303
    links = client.get("/marketing/links.json").json()
    assert [row["url"] for row in links["links"]] == [
        "https://x.nl/tips?utm_source=instagram&utm_medium=social&utm_campaign=voorjaar_2026"
    ]
    assert links["checks"][0]["problems"] == []


def test_viewers_review_but_do_not_edit(sqlite_ws):
    _seed(sqlite_ws)
    add_members(sqlite_ws.engine, sqlite_ws.workspace_id)
    with session_scope(sqlite_ws.engine) as s:
        item = queries.add_item(
            s,
            sqlite_ws.workspace_id,
            title="Draft",
            created_by="editor",
            status="draft",
            platform="facebook",
            scheduled_at=dt.datetime(2026, 3, 2, 9),
        )
    viewer = make_client(sqlite_ws, team=True)
    assert login(viewer, "viewer").status_code == 303
    token = csrf_of(viewer)
    assert viewer.get("/marketing/calendar?month=2026-03").status_code == 200
    assert (
        viewer.post(
            f"/marketing/calendar/{item}/move", data={"date": "2026-03-09", "csrf_token": token}
        ).status_code
        == 403
    )
    assert (
        viewer.post("/marketing/plan", data={"plan_yaml": PLAN, "csrf_token": token}).status_code
        == 403
    )
    review = viewer.post(
        f"/marketing/calendar/{item}/review",
        data={"decision": "approve", "comment": "Akkoord", "csrf_token": token},
    )
    assert review.status_code == 303
    with sqlite_ws.session() as s:
        got = queries.get_item(s, sqlite_ws.workspace_id, item)
        assert (got.status, got.approved_by) == ("approved", "viewer")
        assert list(queries.comments(s, sqlite_ws.workspace_id, item)["text"]) == ["Akkoord"]
    nobody = make_client(sqlite_ws, team=True)
    assert nobody.get("/marketing.json").status_code == 401
