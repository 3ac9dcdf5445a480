"""Goals and the plan are one thing (issue #17): the plan's objectives are the goals of
/analytics/goals, with the same progress on the plan page; goals stored on /analytics/goals
before move into the plan instead of being lost (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from socialdesk.analytics import add_goal, list_goals
from socialdesk.marketing import run as marketing
from socialdesk.marketing.plan import check_plan, from_yaml, to_yaml
from socialdesk.store import session_scope
from tests.analytics.seeding import seed_days
from tests.web.conftest import csrf_of, make_client

START, DUE = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
PLAN = """name: Plan
goals:
  - key: bereik
    name: Bekendheid
    objectives:
      - key: weergaven
        name: Weergaven op LinkedIn
        metric: impressions
        target: 12000
        start: 2026-01-01
        due: 2026-03-31
        unit: "weergaven <b>"
        platform: linkedin
      - {key: vaag, name: Zonder doel, metric: impressions, due: 2026-03-31}
"""


@pytest.fixture
def client(ws):
    # 40 days of 130 impressions on LinkedIn from the start: 5,200 so far on 10 February
    days = {START + dt.timedelta(days=i): {"impressions": 130.0} for i in range(40)}
    seed_days(ws.engine, ws.workspace_id, "linkedin", days)
    seed_days(ws.engine, ws.workspace_id, "facebook", days, handle="fb")  # not counted
    return make_client(ws)


def _save(client, text=PLAN):
    saved = client.post("/marketing/plan", data={"plan_yaml": text, "csrf_token": csrf_of(client)})
    assert saved.status_code == 303, saved.text[:300]


def test_the_plans_objectives_are_the_goals_with_progress_in_their_own_word(client):
    _save(client)
    data = client.get("/analytics/goals.json?today=2026-02-09").json()
    by_key = {o["key"]: o for o in data["objectives"]}
    s = by_key["weergaven"]["status"]
    assert s["observed"] == 40 * 130  # LinkedIn only, from the objective's start
    assert s["target_value"] == 12000 and s["goal"]["platform"] == "linkedin"
    assert s["forecast"]["value"] == pytest.approx(90 * 130)  # no spread: interval = value
    assert s["status"] == "off-track"  # 11,700 can no longer reach 12,000
    assert by_key["vaag"]["status"] is None and by_key["vaag"]["missing"] == "target"
    assert data["stored"] == []
    html = client.get("/analytics/goals?lang=en&today=2026-02-09").text
    assert "5,200 of 12,000 weergaven &lt;b&gt;" in html  # the plan's word, escaped
    assert "no progress: the objective has no target" in html
    assert "off track" in html
    plan = client.get("/marketing/plan?lang=en").text
    # the plan page shows the same progress (as of today: the 40 days are all there is)
    assert "5,200 of 12,000 weergaven &lt;b&gt;" in plan
    assert "<b>" not in plan.split('id="main"', 1)[1].split("<textarea", 1)[0]


def test_adding_a_goal_adds_an_objective_to_the_plan(client, ws):
    _save(client)
    added = client.post(
        "/analytics/goals",
        data={
            "name": "Meer weergaven!",
            "plan_goal": "bereik",
            "metric": "impressions",
            "start": "2026-01-01",
            "end": "2026-02-28",
            "target": "+20%",
            "platform": "linkedin",
            "csrf_token": csrf_of(client),
        },
    )
    assert added.status_code == 303
    with ws.session() as s:
        version, plan = marketing.current_plan(s, ws.workspace_id)
        assert list_goals(s, ws.workspace_id) == []  # nothing stored apart from the plan
    assert version == 2
    o = plan.objective("meer_weergaven")
    assert o is not None and o.goal == "bereik"
    assert (o.metric, o.target, o.target_kind, o.start, o.due, o.platform) == (
        "impressions",
        pytest.approx(0.2),
        "change",
        START,
        dt.date(2026, 2, 28),
        "linkedin",
    )
    bad = client.post(
        "/analytics/goals",
        data={
            "name": "x",
            "metric": "follower_growth",
            "start": "2026-01-01",
            "end": "2026-02-28",
            "target": "5",
            "csrf_token": csrf_of(client),
        },
    )
    assert bad.status_code == 400
    with ws.session() as s:
        assert marketing.current_plan(s, ws.workspace_id)[0] == 2


def test_goals_stored_before_are_shown_and_moved_into_the_plan_not_lost(client, ws):
    with session_scope(ws.engine) as s:
        goal = add_goal(
            s,
            ws.workspace_id,
            name="LinkedIn weergaven",
            metric="impressions",
            start=START,
            end=DUE,
            target="10000",
            platform="linkedin",
        )
    before = client.get("/analytics/goals.json?today=2026-02-09").json()
    assert before["objectives"] == [] and before["stored"][0]["goal"]["id"] == goal.id
    assert before["stored"][0]["observed"] == 40 * 130
    assert "Move to the plan" in client.get("/analytics/goals?lang=en").text
    moved = client.post(f"/analytics/goals/{goal.id}/to-plan", data={"csrf_token": csrf_of(client)})
    assert moved.status_code == 303
    assert (
        client.post("/analytics/goals/nope/to-plan", data={"csrf_token": csrf_of(client)})
    ).status_code == 404
    after = client.get("/analytics/goals.json?today=2026-02-09").json()
    assert after["stored"] == []
    (o,) = after["objectives"]
    assert o["status"]["observed"] == 40 * 130 and o["status"]["target_value"] == 10000
    with ws.session() as s:
        _v, plan = marketing.current_plan(s, ws.workspace_id)
        assert list_goals(s, ws.workspace_id) == []
    (objective,) = plan.objectives
    assert (objective.start, objective.due, objective.platform) == (START, DUE, "linkedin")
    assert objective.analytics_goal == goal.id


def test_an_objective_without_a_start_counts_from_the_first_of_january():
    plan = from_yaml(PLAN)
    o = plan.objective("weergaven")
    assert o.period == (START, DUE)
    assert plan.objective("vaag").period == (START, DUE)  # no start: 1 January of its year
    again = from_yaml(to_yaml(plan))
    assert again == plan
    late = from_yaml(PLAN.replace("start: 2026-01-01", "start: 2026-05-01"))
    found = [str(f.message) for f in check_plan(late)]
    assert "starts after its date" in found
