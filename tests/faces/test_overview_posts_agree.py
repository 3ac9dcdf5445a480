"""/overview.json and /posts.json print what `socialdesk overview` and `posts` print with
`--json` (socialdesk.overview.run), on the seeded workspace of the page tests."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from socialdesk.cli import app
from tests.web import seeding


@pytest.fixture
def faces(tmp_path, faces_for):
    found = faces_for(tmp_path / "ws")
    seeding.seed(found.handle.engine, found.handle.workspace_id)
    return found


@pytest.mark.parametrize("days", [30, 90, 365])
def test_overview(faces, days):
    data = faces.agree(f"/overview.json?days={days}", "overview", "--days", str(days))
    assert data["days"] == days and data["overview"]["platforms"]
    fb = faces.agree(
        f"/overview.json?days={days}&platform=facebook&end=2026-10-31",
        "overview",
        "--days",
        str(days),
        "--platform",
        "facebook",
        "--end",
        "2026-10-31",
    )
    assert fb["platform"] == "facebook" and fb["end"] == "2026-10-31"
    assert [p["platform"] for p in fb["overview"]["platforms"]] == ["facebook"]


def test_posts(faces):
    every = faces.agree("/posts.json", "posts")
    assert every["total"] >= 2
    faces.agree(
        "/posts.json?platform=facebook&sort=engagements&dir=asc&per_page=10&days=365",
        "posts",
        "--platform",
        "facebook",
        "--sort",
        "engagements",
        "--dir",
        "asc",
        "--per-page",
        "10",
        "--days",
        "365",
    )
    found = faces.agree("/posts.json?q=script", "posts", "--q", "script")
    assert all("script" in r["text"] for r in found["rows"])


def test_the_tables_show_the_data_as_text(faces):
    result = CliRunner().invoke(app, ["posts", "-w", str(faces.folder)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "<script>" in result.output  # shown as written, never read as markup
    result = CliRunner().invoke(app, ["overview", "-w", str(faces.folder), "--days", "90"])
    assert result.exit_code == 0 and "Facebook" in result.output
