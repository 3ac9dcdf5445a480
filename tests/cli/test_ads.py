"""socialdesk ads …: the commands on a small seeded workspace (SQLite)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.store import open_workspace
from tests.ads.seeding import curve_days, write_rows

runner = CliRunner()


@pytest.fixture
def folder(tmp_path):
    handle = open_workspace(tmp_path / "ws")
    rng = np.random.default_rng(8)
    rows = curve_days(rng, "Small", 12.0, 25.0, 1.2) + curve_days(rng, "Big", 30.0, 150.0, 1.1)
    write_rows(handle, rows)
    handle.engine.dispose()
    return tmp_path / "ws"


def _json(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_budget_json_lists_current_recommended_expected_and_reasons(folder):
    plan = _json(["ads", "budget", "--total", "10000", "--json", "-w", str(folder)])["plan"]
    assert plan["total"] == 10000 and plan["days"] == 30 and plan["currency"] == "EUR"
    allocs = {a["campaign"]: a for a in plan["allocations"]}
    assert set(allocs) == {"Small", "Big"}
    assert sum(a["recommended"] for a in allocs.values()) + plan["unallocated"] == pytest.approx(
        10000
    )
    for a in allocs.values():
        assert a["current"] > 0 and a["reasons"]
        assert {"value", "low", "high"} <= set(a["expected_recommended"])


def test_budget_at_the_current_rate_moves_money_to_the_higher_marginal_return(folder):
    plan = _json(["ads", "budget", "--json", "-w", str(folder)])["plan"]
    found = _json(["ads", "curves", "--json", "-w", str(folder)])["curves"]
    curves = {c["campaign"]: c for c in found}
    allocs = {a["campaign"]: a for a in plan["allocations"]}
    assert plan["total"] == pytest.approx(sum(a["current"] for a in allocs.values()), rel=1e-6)
    # a Hill curve at 12 a day with k = 25 still climbs; at 100 a day with k = 150 it flattens
    m = {name: c["current_marginal"]["value"] for name, c in curves.items()}
    up, down = sorted(m, key=m.get, reverse=True)
    assert (up, down) == ("Small", "Big")
    assert allocs[up]["recommended"] > allocs[up]["current"]
    assert allocs[down]["recommended"] < allocs[down]["current"]
    assert any("move limit" in r for r in allocs[up]["reasons"])
    assert any("buys more elsewhere" in r for r in allocs[down]["reasons"])
    assert plan["expected_gain"]["low"] > 0


def test_report_json_and_table(folder):
    rep = _json(["ads", "report", "--json", "-w", str(folder)])["report"]
    assert {r["name"] for r in rep["rows"]} == {"Small", "Big"}
    assert rep["totals"]["EUR"]["spend"] == pytest.approx(
        sum(r["figures"]["spend"] for r in rep["rows"])
    )
    result = runner.invoke(app, ["ads", "report", "-w", str(folder)], env={"COLUMNS": "160"})
    assert result.exit_code == 0 and "Big" in result.output and "Total EUR" in result.output


def test_curves_tests_fatigue_and_pacing_run(folder):
    curves = _json(["ads", "curves", "--json", "-w", str(folder)])["curves"]
    assert all(c["theta"] is not None for c in curves)
    found = _json(["ads", "tests", "--json", "-w", str(folder)])
    assert found["tests"] == []  # campaign rows only
    r = runner.invoke(
        app,
        [
            "ads",
            "plan",
            "add",
            "--amount",
            "3000",
            "--month",
            "2026-03",
            "--campaign",
            "Big",
            "--currency",
            "EUR",
            "-w",
            str(folder),
        ],
    )
    assert r.exit_code == 0, r.output
    pacing = _json(["ads", "pacing", "--json", "-w", str(folder)])["rows"]
    assert pacing[0]["budget"]["scope"] == "Big" and pacing[0]["status"] != ""
    bad = runner.invoke(
        app,
        [
            "ads",
            "plan",
            "add",
            "--amount",
            "1",
            "--month",
            "2026-03",
            "--campaign",
            "Nope",
            "-w",
            str(folder),
        ],
    )
    assert bad.exit_code != 0 and "no campaign" in bad.output


def test_empty_workspace_says_so(tmp_path):
    result = runner.invoke(app, ["ads", "report", "-w", str(tmp_path / "empty")])
    assert result.exit_code == 0 and "No ad delivery" in result.output


def test_report_daily_rows(folder):
    days = _json(["ads", "report", "--daily", "--json", "-w", str(folder)])
    assert len(days) == 2 * 90
    small = [d for d in days if d["campaign"] == "Small"]
    rep = _json(["ads", "report", "--json", "-w", str(folder)])["report"]
    total = next(r for r in rep["rows"] if r["name"] == "Small")["figures"]["spend"]
    assert sum(d["spend"] for d in small) == pytest.approx(total)
