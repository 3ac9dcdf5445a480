"""socialdesk metrics / kpi / kpi-tree / goals / anomalies / best-times, end to end."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from socialdesk.cli import app
from tests.conftest import fixture_path

runner = CliRunner()
IG = [
    str(fixture_path("meta", f"meta_business_suite_instagram_posts_{n}.csv"))
    for n in ("en", "nl", "other_order")
]


def _ws(tmp_path):
    ws = tmp_path / "ws"
    r = runner.invoke(app, ["import", "-w", str(ws), *IG])
    assert r.exit_code == 0, r.output
    return str(ws)


def test_metrics_lists_and_explains_with_the_platform_columns():
    r = runner.invoke(app, ["metrics"])
    assert r.exit_code == 0 and "engagement_rate_followers" in r.output
    r = runner.invoke(app, ["metrics", "interactions"])
    assert r.exit_code == 0, r.output
    assert "likes + replies + reposts + bookmarks" in r.output
    r = runner.invoke(app, ["metrics", "reach", "--json"])
    data = json.loads(r.output)
    assert {s["platform"] for s in data["sources"]} >= {"facebook", "instagram", "meta_ads"}
    r = runner.invoke(app, ["metrics", "views", "--lang", "nl"])
    assert "Weergaven" in r.output
    r = runner.invoke(app, ["metrics", "engagment_rate"])
    assert r.exit_code == 2 and "socialdesk metrics" in r.output


def test_kpi_json_has_value_interval_and_sample_size(tmp_path):
    ws = _ws(tmp_path)
    r = runner.invoke(
        app,
        [
            "kpi",
            "engagement_rate",
            "-w",
            ws,
            "--days",
            "120",
            "--end",
            "2026-02-28",
            "--by",
            "none",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    (value,) = data["values"]
    assert value["numerator"] == 5484 and value["denominator"] == 126017
    assert value["value"]["n"] == 8 and value["value"]["low"] < value["value"]["value"]
    r = runner.invoke(
        app, ["kpi", "engagement_rate", "-w", ws, "--days", "120", "--end", "2026-02-28"]
    )
    assert "4.35%" in r.output and "instagram" in r.output


def test_goals_add_list_remove(tmp_path):
    ws = _ws(tmp_path)
    r = runner.invoke(
        app,
        [
            "goals",
            "add",
            "IG interactions",
            "-w",
            ws,
            "--metric",
            "interactions",
            "--target",
            "3000",
            "--start",
            "2026-01-01",
            "--end",
            "2026-02-28",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    key = json.loads(r.output)["key"]  # a goal added is an objective of the plan (#17)
    r = runner.invoke(app, ["goals", "list", "-w", ws, "--today", "2026-02-10", "--json"])
    listed = json.loads(r.output)
    assert listed["stored"] == []
    (objective,) = listed["objectives"]
    status = objective["status"]
    assert objective["key"] == key and status["status"] in (
        "on-track",
        "at-risk",
        "off-track",
        "not-enough-data",
    )
    # after the period the table says what the page says: reached or not, not "off-track"
    r = runner.invoke(
        app,
        [
            *("goals", "add", "January", "-w", ws, "--metric", "interactions"),
            *("--target", "999999", "--start", "2026-01-01", "--end", "2026-01-10"),
        ],
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["goals", "list", "-w", ws, "--today", "2026-03-15", "--json"])
    january = next(o for o in json.loads(r.output)["objectives"] if o["name"] == "January")
    assert january["status"]["status"] == "off-track" and january["status"]["days_left"] <= 0
    r = runner.invoke(app, ["goals", "list", "-w", ws, "--today", "2026-03-15"])
    words = " ".join(r.output.split())
    assert "not reached" in words and "off-track" not in words
    r = runner.invoke(
        app,
        [
            "goals",
            "add",
            "bad",
            "-w",
            ws,
            "--metric",
            "interactions",
            "--target",
            "+5",
            "--start",
            "2026-01-01",
            "--end",
            "2026-02-28",
        ],
    )
    assert r.exit_code == 2 and "percentage" in r.output
    # an objective is changed in the plan, not removed here
    assert runner.invoke(app, ["goals", "remove", key, "-w", ws]).exit_code == 1


def test_tree_anomalies_and_best_times_answer_honestly_on_little_data(tmp_path):
    ws = _ws(tmp_path)
    r = runner.invoke(
        app, ["kpi-tree", "engagement", "-w", ws, "--days", "31", "--end", "2026-01-31", "--json"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    total = data["changes"][0][1]
    assert total["tree"] == "engagement"
    r = runner.invoke(app, ["best-times", "-w", ws])
    assert r.exit_code == 0 and "not enough data" in r.output
    r = runner.invoke(app, ["anomalies", "-w", ws, "--json"])
    assert r.exit_code == 0
    assert any("not enough data" in s["reason"] for s in json.loads(r.output)["skipped"])


def test_anomalies_read_whole_in_a_narrow_terminal(tmp_path):
    # a flagged day prints its explanation on a line of its own (not squeezed into a table
    # column, where an 80-column terminal broke it into one word a line)
    import datetime as dt

    import numpy as np

    from socialdesk.store import open_workspace
    from tests.analytics.seeding import seed_days

    handle = open_workspace(tmp_path / "ws")
    rng = np.random.default_rng(21)
    days = {}
    for i in range(120):
        day = dt.date(2026, 8, 1) + dt.timedelta(days=i)
        days[day] = {"impressions": round(1000.0 * rng.lognormal(0, 0.05))}
    days[dt.date(2026, 10, 15)] = {"impressions": 9000}  # a Thursday
    seed_days(handle.engine, handle.workspace_id, "facebook", days, "fb")
    handle.engine.dispose()
    r = runner.invoke(
        app,
        ["anomalies", "-w", str(tmp_path / "ws"), "--start", "2026-10-01", "--end", "2026-10-31"],
    )
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    (why,) = [line for line in lines if "the usual Thursday" in line]
    assert why.strip().startswith("9.0× the usual Thursday (about")
    assert lines[0].endswith(": 1 day, 0 posts")
    assert any(line.startswith("2026-10-15") and "impressions: 9,000" in line for line in lines)


def test_anomalies_count_an_accounts_figures_of_one_day_as_one_day(tmp_path):
    # a big day lifts several figures of an account at once: one day, listed together, and
    # --limit counts days (it cut a day's figures in half and counted figures as days)
    import datetime as dt

    import numpy as np

    from socialdesk.store import open_workspace
    from tests.analytics.seeding import seed_days

    handle = open_workspace(tmp_path / "ws")
    rng = np.random.default_rng(22)
    days = {}
    for i in range(120):
        day = dt.date(2026, 8, 1) + dt.timedelta(days=i)
        days[day] = {
            "impressions": round(1000.0 * rng.lognormal(0, 0.05)),
            "engagements": round(200.0 * rng.lognormal(0, 0.05)),
        }
    days[dt.date(2026, 10, 15)] = {"impressions": 9000, "engagements": 1800}
    days[dt.date(2026, 10, 22)] = {"impressions": 8000, "engagements": 205}
    seed_days(handle.engine, handle.workspace_id, "facebook", days, "fb")
    handle.engine.dispose()
    args = ["anomalies", "-w", str(tmp_path / "ws"), "--start", "2026-10-01", "--end", "2026-10-31"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].endswith(": 2 days (3 figures), 0 posts"), lines[0]
    dated = [line[:10] for line in lines if line.startswith("2026-10-")]
    assert dated == ["2026-10-15", "2026-10-15", "2026-10-22"], dated
    r = runner.invoke(app, [*args, "--limit", "1"])
    dated = [line[:10] for line in r.output.splitlines() if line.startswith("2026-10-")]
    assert dated == ["2026-10-15", "2026-10-15"], r.output
    assert "… and 1 more day (--limit)" in " ".join(r.output.split())
