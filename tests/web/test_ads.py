"""The advertising pages and their JSON twins (SQLite and PostgreSQL)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.ads.seeding import curve_days, write_rows
from tests.web.conftest import make_client

PAGES = ("/ads", "/ads/pacing", "/ads/tests", "/ads/fatigue", "/ads/curves", "/ads/budget")


@pytest.fixture
def client(ws):
    rng = np.random.default_rng(8)
    rows = curve_days(rng, "Small <b>", 12.0, 25.0, 1.2) + curve_days(rng, "Big", 30.0, 150.0, 1.1)
    write_rows(ws, rows)
    return make_client(ws)


def test_every_page_and_twin_answers(client):
    for path in PAGES:
        html = client.get(path + "?lang=en")
        assert html.status_code == 200, (path, html.text[:300])
        assert "Small &lt;b&gt;" in html.text or path in (
            "/ads/tests",
            "/ads/fatigue",
            "/ads/pacing",
        )
        twin = client.get(path + ".json")
        assert twin.status_code == 200 and twin.headers["content-type"] == "application/json"


def test_campaign_table_figures_match_the_skill(client):
    data = client.get("/ads.json?days=0").json()
    rows = {r["name"]: r["figures"] for r in data["report"]["rows"]}
    assert set(rows) == {"Small <b>", "Big"}
    small = rows["Small <b>"]
    assert small["cpa"] == pytest.approx(small["spend"] / small["results"]["Purchases"])
    assert data["report"]["totals"]["EUR"]["spend"] == pytest.approx(
        sum(f["spend"] for f in rows.values())
    )
    html = client.get("/ads?days=0&lang=nl").text
    assert "Small &lt;b&gt;" in html and "<b>" not in html.split('id="main"', 1)[1]
    assert 'data-chart="ad-' in html  # the spend sparkline


def test_budget_page_lists_current_recommended_and_reasons(client):
    data = client.get("/ads/budget.json?total=3000&days=30").json()
    plan = data["plan"]
    assert plan["total"] == 3000 and len(plan["allocations"]) == 2
    assert all(a["reasons"] for a in plan["allocations"])
    assert client.get("/ads/budget.json?total=-5").status_code == 422
    html = client.get("/ads/budget?total=3000&lang=nl").text
    assert "Budgetverdeling" in html


def test_team_mode_needs_a_login(team_clients):
    anonymous = team_clients(None)
    assert anonymous.get("/ads/budget").status_code == 303
    assert anonymous.get("/ads/budget.json").status_code == 401
    assert team_clients("viewer").get("/ads/curves.json").status_code == 200
