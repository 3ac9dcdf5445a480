"""/analytics/*.json and `socialdesk metrics / kpi-tree / goals list / anomalies / best-times
--json` print the same result (socialdesk.analytics.run)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from socialdesk.catalogue import get_metric, metric_names
from socialdesk.cli import app
from socialdesk.store import open_workspace
from tests.analytics.seeding import hourly_posts, seed_days, seed_posts
from tests.faces.conftest import _first_difference

SPIKE = dt.date(2026, 10, 15)


@pytest.fixture
def faces(tmp_path, faces_for):
    """Instagram posts of 2026 (18:00 the best hour) and 120 Facebook days with a spike."""
    handle = open_workspace(tmp_path / "ws")
    rng = np.random.default_rng(21)
    posts = hourly_posts(rng, 400, dt.date(2026, 1, 1), {9: 1.0, 12: 1.0, 18: 1.6})
    seed_posts(handle.engine, handle.workspace_id, "instagram", posts, "ig")
    days = {}
    for i in range(120):
        day = dt.date(2026, 8, 1) + dt.timedelta(days=i)
        level = 1000.0 * (1.3 if day.weekday() >= 5 else 1.0) * rng.lognormal(0, 0.05)
        days[day] = {"impressions": round(level), "reach": round(level * 0.6)}
    days[SPIKE] = {"impressions": 9000, "reach": 5400}
    seed_days(handle.engine, handle.workspace_id, "facebook", days, "fb")
    handle.engine.dispose()
    return faces_for(tmp_path / "ws")


def test_metrics_catalogue_and_one_metric(faces):
    # the catalogue reads no workspace: `socialdesk metrics` takes no -w
    for url, args in (
        ("/analytics/metrics.json?lang=nl", ["metrics", "--lang", "nl"]),
        ("/analytics/metrics/cpm.json?lang=nl", ["metrics", "cpm", "--lang", "nl"]),
        ("/analytics/metrics/reach.json?lang=en", ["metrics", "reach", "--lang", "en"]),
    ):
        web = faces.web(url)
        out = CliRunner().invoke(app, [*args, "--json"])
        assert out.exit_code == 0, out.output
        cli = json.loads(out.output)
        assert web == cli, _first_difference(web, cli)
    catalogue = faces.web("/analytics/metrics.json?lang=nl")
    assert catalogue["lang"] == "nl"
    assert [m["name"] for m in catalogue["metrics"]] == list(metric_names())
    cpm = faces.web("/analytics/metrics/cpm.json?lang=nl")
    assert cpm["formula"] == "spend / impressions × 1000"
    assert cpm["formula_text"] == "uitgaven / vertoningen × 1000"


def test_kpi_tree(faces):
    last = faces.agree(
        "/analytics/kpi-tree.json?tree=engagement&days=30&group_by=platform&lang=en",
        *("kpi-tree", "engagement", "--days", "30", "--by", "platform", "--lang", "en"),
    )
    assert last["after"] == ["2026-12-02", "2026-12-31"]
    assert last["before"] == ["2026-11-02", "2026-12-01"]
    (total_group, total), (ig_group, _ig) = last["changes"]
    assert total_group == {} and ig_group == {"platform": "instagram"}
    assert total["decomposable"]
    assert sum(f["contribution"] for f in total["factors"]) == pytest.approx(total["change"])
    given = faces.agree(
        "/analytics/kpi-tree.json?tree=engagement&group_by=account&lang=nl"
        "&after_start=2026-09-01&after_end=2026-09-30"
        "&before_start=2026-07-01&before_end=2026-07-31",
        *("kpi-tree", "engagement", "--by", "account", "--lang", "nl"),
        *("--start", "2026-09-01", "--end", "2026-09-30"),
        *("--before-start", "2026-07-01", "--before-end", "2026-07-31"),
    )
    assert given["before"] == ["2026-07-01", "2026-07-31"] and given["group_by"] == "account"
    assert given["labels"]["engagement_rate"] == get_metric("engagement_rate").label_in("nl")
    faces.agree(
        "/analytics/kpi-tree.json?tree=engagement&days=14&group_by=&after_end=2026-06-30&lang=en",
        *("kpi-tree", "engagement", "--days", "14", "--by", "none", "--end", "2026-06-30"),
    )


def test_goals(faces):
    faces.cli(
        *("goals", "add", "IG interactions", "--metric", "interactions", "--target", "3000"),
        *("--start", "2026-06-01", "--end", "2026-12-31", "--platform", "instagram"),
    )
    found = faces.agree(
        "/analytics/goals.json?today=2026-09-15&lang=nl",
        *("goals", "list", "--today", "2026-09-15", "--lang", "nl"),
    )
    assert found["stored"] == []  # added by the CLI: an objective of the plan, as on the web
    (objective,) = found["objectives"]
    status = objective["status"]
    assert found["today"] == "2026-09-15" and status["as_of"] == "2026-09-15"
    assert status["goal"]["name"] == "IG interactions" and status["observed"] > 0
    assert found["platforms"] == ["facebook", "instagram"]
    assert found["metric_choices"]["reach"] == get_metric("reach").label_in("nl")


def test_anomalies(faces):
    found = faces.agree(
        "/analytics/anomalies.json?start=2026-08-01&end=2026-11-28&platform=facebook",
        *("anomalies", "--start", "2026-08-01", "--end", "2026-11-28", "-p", "facebook"),
    )
    assert {(d["day"], d["metric"]) for d in found["days"]} >= {
        (SPIKE.isoformat(), "impressions"),
        (SPIKE.isoformat(), "reach"),
    }
    assert found["posts"] == []  # facebook has no posts here
    last = faces.agree(
        "/analytics/anomalies.json?days=60&threshold=5",
        "anomalies",
        "--days",
        "60",
        "--threshold",
        "5",
    )
    assert last["start"] == "2026-11-02" and last["threshold"] == 5


def test_best_times(faces):
    year = faces.agree(
        "/analytics/best-times.json?start=2026-01-01&end=2026-12-31",
        *("best-times", "--start", "2026-01-01", "--end", "2026-12-31"),
    )
    (times,) = year["platforms"]
    assert times["platform"] == "instagram" and times["best_hour"] == 18
    half = faces.agree(
        "/analytics/best-times.json?days=180&platform=instagram",
        *("best-times", "--days", "180", "--platform", "instagram"),
    )
    assert half["start"] == "2026-07-05" and half["platform"] == "instagram"


def test_kpi_tree_defaults_agree(faces):
    # asked with nothing but the tree and the language, both faces answer the same question
    same = faces.agree(
        "/analytics/kpi-tree.json?tree=engagement&lang=en", "kpi-tree", "engagement", "--lang", "en"
    )
    after = [dt.date.fromisoformat(d) for d in same["after"]]
    assert (after[1] - after[0]).days + 1 == 28  # four whole weeks
