"""socialdesk visual … on a real workspace folder (SQLite)."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.store import open_workspace
from tests.visual.images import ASTRONAUT, solid
from tests.visual.seeding import nb_posts, seed

runner = CliRunner()


def _workspace(tmp_path):
    folder = tmp_path / "ws"
    handle = open_workspace(folder)
    rng = np.random.default_rng(9)
    seed(
        handle.engine,
        handle.workspace_id,
        nb_posts(
            rng, {"photo": 60, "link": 40, "video": 6}, {"photo": 1.0, "link": 0.5, "video": 1.0}
        ),
        platform="facebook",
    )
    handle.engine.dispose()
    return folder


def test_uplift_table_and_json(tmp_path):
    ws = _workspace(tmp_path)
    r = runner.invoke(app, ["visual", "uplift", "-w", str(ws)])
    assert r.exit_code == 0, r.output
    assert "Per person reached, link posts get" in r.output
    assert "not enough data" in r.output  # the 6 videos
    r = runner.invoke(app, ["visual", "uplift", "-w", str(ws), "--json", "--basis", "total"])
    data = json.loads(r.output)
    (result,) = data["results"]
    assert result["basis"] == "total" and result["reference"] == "photo"
    link = next(e for e in result["effects"] if e["media_type"] == "link")
    assert link["ratio"]["low"] < link["ratio"]["value"] < link["ratio"]["high"]
    assert result["raw_exposure"] == "reach"  # the medians' column: the platform's reach
    bad = runner.invoke(app, ["visual", "uplift", "-w", str(ws), "--metric", "nonsense"])
    assert bad.exit_code == 2


def test_uplift_totals_name_their_columns(tmp_path):
    # totals have no exposure in the model; the raw medians still show the reach, named so
    ws = _workspace(tmp_path)
    r = runner.invoke(app, ["visual", "uplift", "-w", str(ws), "--basis", "total"])
    assert r.exit_code == 0, r.output
    words = " ".join(r.output.split())  # the console's width wraps the lines
    assert "median reach" in words and "median none" not in words
    assert "none (totals per post)" in words


def test_check_and_crop(tmp_path):
    r = runner.invoke(
        app, ["visual", "check", str(ASTRONAUT), "-p", "instagram", "--placement", "story"]
    )
    assert r.exit_code == 0, r.output
    assert "instagram.story" in r.output and "faces: 1" in r.output
    assert "inward." in r.output  # the safe-zone advice (the table wraps it)
    r = runner.invoke(app, ["visual", "check", "--json", str(ASTRONAUT), "-p", "x"])
    (report,) = json.loads(r.output)
    assert report["features"]["width"] == 512
    assert [p["placement"]["name"] for p in report["placements"]] == ["feed", "link", "profile"]
    out = tmp_path / "crops"
    r = runner.invoke(app, ["visual", "crop", str(ASTRONAUT), "-p", "youtube", "--out", str(out)])
    assert r.exit_code == 0 and (out / "astronaut_youtube_feed.jpg").is_file()
    r = runner.invoke(app, ["visual", "check", str(ASTRONAUT), "-p", "myspace"])
    assert r.exit_code == 2


def test_media_and_brief(tmp_path):
    ws = _workspace(tmp_path)
    media = tmp_path / "media"
    media.mkdir()
    solid(media / "acc-0.png", (1080, 1080), (30, 160, 60))
    r = runner.invoke(app, ["visual", "media", str(media), "-w", str(ws)])
    assert r.exit_code == 0 and "1 of 1 image files measured, 1 joined to a post." in r.output
    out = tmp_path / "brief"
    r = runner.invoke(
        app,
        [
            "visual",
            "brief",
            "-w",
            str(ws),
            "--objective",
            "engagement",
            "-p",
            "facebook",
            "--audience",
            "Buurtbewoners",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    md = (out / "brief-facebook-nl.md").read_text(encoding="utf-8")
    assert "Buurtbewoners" in md and (out / "brief-facebook-nl.pdf").read_bytes()[:4] == b"%PDF"
