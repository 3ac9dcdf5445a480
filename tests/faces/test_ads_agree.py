"""/ads/*.json and `socialdesk ads ... --json` print the same result (socialdesk.ads.run)."""

from __future__ import annotations

import numpy as np
import pytest

from socialdesk.store import open_workspace
from tests.ads.seeding import curve_days, write_rows


@pytest.fixture
def faces(tmp_path, faces_for):
    handle = open_workspace(tmp_path / "ws")
    rng = np.random.default_rng(8)
    rows = curve_days(rng, "Small", 12.0, 25.0, 1.2) + curve_days(rng, "Big", 30.0, 150.0, 1.1)
    write_rows(handle, rows)
    handle.engine.dispose()
    return faces_for(tmp_path / "ws")


def test_report(faces):
    data = faces.agree("/ads.json?days=0&level=campaign", "ads", "report", "--level", "campaign")
    assert {r["name"] for r in data["report"]["rows"]} == {"Small", "Big"}
    last30 = faces.agree(
        "/ads.json?days=30&level=ad_set", "ads", "report", "--days", "30", "--level", "ad_set"
    )
    assert last30["days"] == 30 and last30["start"] is not None


def test_tests_fatigue_curves(faces):
    faces.agree("/ads/tests.json?metric=ctr&level=ad", "ads", "tests")
    faces.agree("/ads/fatigue.json?metric=ctr", "ads", "fatigue")
    curves = faces.agree("/ads/curves.json", "ads", "curves")
    assert len(curves["curves"]) == 2
    assert {"top", "k", "s", "current_marginal", "ok"} <= set(curves["curves"][0])


def test_budget_and_pacing(faces):
    budget = faces.agree(
        "/ads/budget.json?total=3000&days=30&max_change=0.3",
        "ads",
        "budget",
        "--total",
        "3000",
        "--days",
        "30",
        "--max-change",
        "0.3",
    )
    assert budget["plan"]["total"] == 3000
    faces.cli("ads", "plan", "list")  # no budgets yet
    pacing = faces.agree("/ads/pacing.json", "ads", "pacing")
    assert pacing["today"] is not None
