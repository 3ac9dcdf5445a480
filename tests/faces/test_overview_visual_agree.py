"""/visual.json and `socialdesk visual uplift --json` (socialdesk.visual.run), /imports.json and
`socialdesk imports --json` (socialdesk.overview.run) print the same result."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.store import open_workspace
from tests.conftest import fixture_path
from tests.visual.seeding import nb_posts, seed

FB_NL = fixture_path("meta", "meta_business_suite_facebook_posts_nl.csv")


@pytest.fixture
def faces(tmp_path, faces_for):
    handle = open_workspace(tmp_path / "ws")
    rng = np.random.default_rng(21)
    posts = nb_posts(
        rng, {"photo": 60, "link": 40, "video": 6}, {"photo": 1.0, "link": 0.5, "video": 1.0}
    )
    seed(handle.engine, handle.workspace_id, posts, platform="facebook", handle="groen")
    more = nb_posts(rng, {"photo": 30, "video": 30}, {"photo": 1.0, "video": 1.5})
    seed(handle.engine, handle.workspace_id, more, platform="instagram", handle="groen.ig")
    handle.engine.dispose()
    return faces_for(tmp_path / "ws")


def test_uplift_for_one_platform(faces):
    data = faces.agree(
        "/visual.json?platform=facebook", "visual", "uplift", "--platform", "facebook"
    )
    assert data["platform"] == "facebook" and data["posts"] == 106
    (result,) = data["results"]
    assert result["reference"] == "photo"
    assert {e["media_type"] for e in result["effects"]} == {"link", "video"}
    assert data["explanations"], "one platform: the totals are explained on both faces"


def test_uplift_options_reach_both_faces(faces):
    data = faces.agree(
        "/visual.json?metric=likes&basis=total&reference=link",
        "visual",
        "uplift",
        "--metric",
        "likes",
        "--basis",
        "total",
        "--reference",
        "link",
    )
    assert [r["scope"] for r in data["results"]] == ["account", "account", "pooled"]
    assert all(r["basis"] == "total" for r in data["results"])
    assert data["results"][-1]["reference"] == "link"
    everything = faces.agree("/visual.json?explain=true", "visual", "uplift", "--explain")
    assert everything["explanations"]
    bare = faces.agree("/visual.json?explain=false", "visual", "uplift", "--no-explain")
    assert bare["explanations"] == {} and bare["results"] == everything["results"]


def test_uplift_of_an_empty_platform(faces):
    data = faces.agree("/visual.json?platform=tiktok", "visual", "uplift", "-p", "tiktok")
    assert data["results"] == [] and data["posts"] == 0


def test_imports_history_and_formats(faces):
    empty = faces.agree("/imports.json?lang=en", "imports", "--lang", "en")
    assert empty["history"] == [] and len(empty["formats"]) >= 30
    (report,) = faces.cli("import", str(FB_NL))
    assert report["status"] == "imported"
    data = faces.agree("/imports.json?lang=nl", "imports", "--lang", "nl")
    (row,) = data["history"]
    assert row["filename"] == FB_NL.name and row["rows_added"] == 3
    titles = {f["name"]: f["title"] for f in data["formats"]}
    assert titles["ga4_report_csv"] == "Google Analytics 4 – gedownload rapport (CSV)"
    formats = CliRunner().invoke(app, ["formats", "--lang", "nl", "--json"])
    assert data["formats"] == json.loads(formats.output)["formats"]
