"""The marketing pages, their JSON twins, and the calendar's writes (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socialdesk.marketing import queries
from socialdesk.model import Account, Post, PostMetrics, SearchPerformance, WebDay
from socialdesk.store import session_scope
from socialdesk.store.rollups import refresh_accounts
from socialdesk.store.upsert import upsert_frame
from tests.web.conftest import add_members, csrf_of, login, make_client

PAGES = (
    "/marketing",
    "/marketing/site",
    "/marketing/plan",
    "/marketing/calendar",
    "/marketing/calendar/week",
    "/marketing/links",
    "/marketing/tags",
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
    topics = {t["name"]: t for t in data["search"]["topics"]}
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


def test_viewers_review_but_do_not_edit_and_approve_only_with_the_right(sqlite_ws):
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
    refused = viewer.post(
        f"/marketing/calendar/{item}/review",
        data={"decision": "approve", "comment": "Akkoord", "csrf_token": token},
    )
    assert refused.status_code == 403  # approving is a right an admin gives by name
    with session_scope(sqlite_ws.engine) as s:
        from socialdesk.users import set_approver

        set_approver(s, sqlite_ws.workspace_id, "viewer", True)
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


def _add(ws, title: str, local: str, platform: str = "instagram", status: str = "draft") -> int:
    from socialdesk.marketing.calendar import to_utc

    with session_scope(ws.engine) as s:
        return queries.add_item(
            s,
            ws.workspace_id,
            title=title,
            created_by="editor",
            status=status,
            platform=platform,
            scheduled_at=to_utc(dt.datetime.fromisoformat(local)),
        )


def test_week_view_places_items_by_day_and_hour(client, ws):
    a = _add(ws, "Maandag <b>", "2026-03-02 10:15")
    b = _add(ws, "Vroeg", "2026-03-04 06:30", platform="facebook")
    c = _add(ws, "Zondagavond", "2026-03-08 23:30")  # 22:30 UTC: still this week, locally
    clash = _add(ws, "Ook maandag", "2026-03-02 10:45")  # same platform, same hour as a
    _add(ws, "Volgende week", "2026-03-09 00:10")
    week = client.get("/marketing/calendar/week.json?week=2026-03-05").json()
    assert (week["start"], week["end"], week["week"]) == ("2026-03-02", "2026-03-08", "2026-W10")
    assert (week["previous"], week["next"], week["month"]) == (
        "2026-02-23",
        "2026-03-09",
        "2026-03",
    )
    assert [len(d["items"]) for d in week["days"]] == [2, 0, 1, 0, 0, 0, 1]
    hours = {h["hour"]: h for h in week["hours"]}
    assert min(hours) == 6 and max(hours) == 23  # 8-20 always, widened by 06:30 and 23:30
    assert [i["id"] for i in hours[10]["cells"][0]] == [a, clash]
    assert [i["id"] for i in hours[6]["cells"][2]] == [b]
    assert [i["id"] for i in hours[23]["cells"][6]] == [c]
    assert week["clashing"] == [a, clash]
    html = client.get("/marketing/calendar/week?week=2026-03-02&lang=nl").text
    assert "Maandag &lt;b&gt;" in html and "Maandag <b>" not in html
    assert 'data-date="2026-03-04" data-hour="06"' in html and "Week 10" in html
    assert "Maandweergave" in html  # Dutch
    en = client.get("/marketing/calendar/week?week=2026-03-02&lang=en").text
    assert "Month view" in en and "Mon" in en
    assert client.get("/marketing/calendar/week?week=maart").status_code == 422
    token = csrf_of(client)
    # the keyboard path: the item's form, back to the week it moved to
    moved = client.post(
        f"/marketing/calendar/{a}/move",
        data={"date": "2026-03-11", "time": "14:15", "view": "week", "csrf_token": token},
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == "/marketing/calendar/week?week=2026-03-11"
    # the drop on an hour row: the same POST the script sends, with the new hour
    dropped = client.post(
        f"/marketing/calendar/{b}/move",
        data={"date": "2026-03-05", "time": "16:30"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert dropped.status_code == 204
    week = client.get("/marketing/calendar/week.json?week=2026-03-02").json()
    assert [(i["id"], i["time"]) for i in week["days"][3]["items"]] == [(b, "16:30")]
    assert a not in [i["id"] for d in week["days"] for i in d["items"]]
    nxt = client.get("/marketing/calendar/week.json?week=2026-03-09").json()
    assert [(i["title"], i["time"]) for i in nxt["days"][2]["items"]] == [("Maandag <b>", "14:15")]
    review = client.post(
        f"/marketing/calendar/{c}/review",
        data={"decision": "comment", "comment": "ok", "view": "week", "csrf_token": token},
    )
    assert review.headers["location"] == "/marketing/calendar/week?week=2026-03-08"


def _post(ws, text: str, engagements: float) -> int:
    with session_scope(ws.engine) as s:
        acc = s.query(Account).filter_by(workspace_id=ws.workspace_id, platform="instagram").first()
        if acc is None:
            acc = Account(workspace_id=ws.workspace_id, platform="instagram", handle="gd")
            s.add(acc)
            s.flush()
        p = Post(
            account_id=acc.id,
            external_id=text,
            published_at=dt.datetime(2026, 3, 2, 9),
            text=text,
        )
        s.add(p)
        s.flush()
        s.add(PostMetrics(post_id=p.id, as_of=dt.date(2026, 3, 9), engagements=engagements))
        s.flush()
        refresh_accounts(s.connection(), [acc.id])  # the store's latest figures, as an import
        return p.id


def test_tagging_and_plan_forms(client, ws):
    token = csrf_of(client)
    client.post("/marketing/plan", data={"plan_yaml": PLAN, "csrf_token": token})
    one = _post(ws, "Een <tip>", 10.0)
    two = _post(ws, "Nog een", 30.0)
    # plan forms: a new audience, a new objective serving it, then an edit
    aud = client.post(
        "/marketing/plan/audience",
        data={
            "key": "ouders",
            "name": "Ouders <jong>",
            "platforms": "Facebook instagram",
            "interests": "tuin, kinderen",
            "csrf_token": token,
        },
    )
    assert aud.status_code == 303
    obj = client.post(
        "/marketing/plan/objective",
        data={
            "key": "leden",
            "name": "100 leden",
            "goal": "groei",
            "goal_name": "Groei",
            "metric": "conversions",
            "target": "100,5",
            "due": "2026-10-01",
            "audiences": ["ouders"],
            "channels": "instagram facebook",
            "csrf_token": token,
        },
    )
    assert obj.status_code == 303
    data = client.get("/marketing/plan.json").json()
    assert data["version"] == 3
    leden = next(o for o in data["objectives"] if o["key"] == "leden")
    assert (leden["goal"], leden["target"], leden["due"]) == ("groei", 100.5, "2026-10-01")
    assert leden["audiences"] == ["ouders"] and leden["channels"] == ["instagram", "facebook"]
    assert data["audiences"][0]["platforms"] == ["facebook", "instagram"]
    assert "leden:" not in data["yaml"] and "key: leden" in data["yaml"]  # the YAML box follows
    edit = client.get("/marketing/plan?objective=leden&lang=en").text
    assert (
        'value="100 leden"' in edit and "Edit objective" in edit and "Ouders &lt;jong&gt;" in edit
    )
    again = client.post(
        "/marketing/plan/objective",
        data={
            "key": "leden",
            "name": "120 leden",
            "goal": "groei",
            "target": "120",
            "csrf_token": token,
        },
    )
    assert again.status_code == 303
    objectives = client.get("/marketing/plan.json").json()["objectives"]
    assert [(o["key"], o["name"]) for o in objectives] == [("o", "O"), ("leden", "120 leden")]
    bad = client.post(
        "/marketing/plan/objective",
        data={"key": "Leden X", "name": "x", "goal": "groei", "csrf_token": token},
    )
    assert bad.status_code == 422 and "is not a key" in bad.text
    bad = client.post(
        "/marketing/plan/objective",
        data={"key": "x", "name": "x", "goal": "groei", "target": "veel", "csrf_token": token},
    )
    assert bad.status_code == 422 and "not a number" in bad.text
    # tagging: both posts are untagged; tie one to the new objective and audience
    listed = client.get("/marketing/tags.json?kind=post").json()
    assert listed["total"] == 2 and listed["untagged"] == {"post": 2, "campaign": 0, "link": 0}
    assert [o[0] for o in listed["objectives"]] == ["o", "leden"]
    html = client.get("/marketing/tags?kind=post&lang=nl").text
    assert "Een &lt;tip&gt;" in html and "Een <tip>" not in html
    assert f'form="tag-post-{one}"' in html and "Doelstelling" in html
    saved = client.post(
        "/marketing/tags",
        data={
            "kind": "post",
            "target_id": str(one),
            "objective": "leden",
            "audience": "ouders",
            "pillar": "",
            "back": "/marketing/tags?kind=post&show=untagged&page=1",
            "csrf_token": token,
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/marketing/tags?kind=post&show=untagged&page=1"
    listed = client.get("/marketing/tags.json?kind=post").json()
    assert [r["id"] for r in listed["rows"]] == [two] and listed["untagged"]["post"] == 1
    shown = client.get(f"/marketing/tags.json?kind=post&id={one}").json()["rows"]
    assert shown[0]["tags"] == {"objective": "leden", "audience": "ouders"}
    coverage = client.get("/marketing/plan.json").json()["coverage"]
    per_objective = {
        r["key"]: (r["posts"], r["results"]) for r in coverage["dimensions"]["objective"]
    }
    assert per_objective["leden"] == (1, 10.0)
    assert "leden" not in coverage["objectives_without_content"]
    assert "o" in coverage["objectives_without_content"]
    wrong = client.post(
        "/marketing/tags",
        data={"kind": "post", "target_id": str(two), "objective": "nope", "csrf_token": token},
    )
    assert wrong.status_code == 422
    gone = client.post(
        "/marketing/tags",
        data={"kind": "post", "target_id": "999999", "objective": "o", "csrf_token": token},
    )
    assert gone.status_code == 404
    elsewhere = client.post(
        "/marketing/tags",
        data={
            "kind": "post",
            "target_id": str(two),
            "pillar": "tips",
            "back": "https://evil.example/",
            "csrf_token": token,
        },
    )
    assert elsewhere.headers["location"] == "/marketing/tags?kind=post"  # never off-site
    no_token = client.post("/marketing/tags", data={"kind": "post", "target_id": str(two)})
    assert no_token.status_code == 403
    assert client.get("/marketing/tags.json?kind=ad").status_code == 422


def test_viewers_cannot_tag_or_edit_the_plan(sqlite_ws):
    _seed(sqlite_ws)
    add_members(sqlite_ws.engine, sqlite_ws.workspace_id)
    post = _post(sqlite_ws, "Tekst", 1.0)
    viewer = make_client(sqlite_ws, team=True)
    assert login(viewer, "viewer").status_code == 303
    token = csrf_of(viewer)
    page = viewer.get("/marketing/tags?kind=post").text
    assert "<select" not in page and "Tekst" in page  # read only
    for path, data in (
        ("/marketing/tags", {"kind": "post", "target_id": str(post), "pillar": "tips"}),
        ("/marketing/plan/objective", {"key": "x", "name": "X", "goal": "g"}),
        ("/marketing/plan/audience", {"key": "x", "name": "X"}),
    ):
        assert viewer.post(path, data={**data, "csrf_token": token}).status_code == 403
    with sqlite_ws.session() as s:
        assert queries.tags(s, sqlite_ws.workspace_id).empty


def test_a_plan_items_platform_is_chosen_and_stored_as_its_key(client, ws):
    # the form had a free text field: "Instagram" was stored as typed, matched no imported
    # post and never went out (the calendar compares keys); now a list, and a typed name is
    # read as its key, an unknown one refused with the ones there are
    page = client.get("/marketing/calendar?lang=nl").text
    form = page.split('action="/marketing/calendar"', 1)[1].split("</form>", 1)[0]
    assert '<select name="platform">' in form and '<option value="instagram">Instagram' in form
    token = csrf_of(client)
    for typed, key in (("Instagram", "instagram"), (" Twitter ", "x"), ("", None)):
        added = client.post(
            "/marketing/calendar",
            data={"title": f"Tip {typed}", "platform": typed, "csrf_token": token},
        )
        assert added.status_code == 303
        with ws.session() as s:
            items = queries.plan_items(s, ws.workspace_id)
        stored = items.loc[items["title"] == f"Tip {typed}", "platform"].iloc[0]
        assert (None if pd.isna(stored) else stored) == key
    refused = client.post(
        "/marketing/calendar", data={"title": "Tip", "platform": "Insta", "csrf_token": token}
    )
    assert refused.status_code == 422 and "'Insta' is not one of facebook" in refused.text
    assert queries.item_platform("LinkedIn") == "linkedin"
    with pytest.raises(ValueError, match="not one of"):
        queries.item_platform("Myspace")
