"""Media-type uplift on seeded posts in the real store (SQLite and PostgreSQL), on the UCI
Facebook excerpt through the generic mapped import, and (slow) on the full UCI set and the
demo organisation's recorded truths."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from socialdesk.visual import uplift_report
from socialdesk.visual.run import load_posts
from socialdesk.visual.uplift import MIN_TYPE_POSTS, explain, uplift
from tests.conftest import fixture_path
from tests.visual.seeding import nb_posts, seed

UCI_EXCERPT = fixture_path("generic", "uci_facebook_metrics_excerpt.csv")
UCI_MAP = fixture_path("generic", "uci_facebook_metrics.mapping.toml")
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
UCI_FULL = SHARED / "facebook_metrics" / "dataset_Facebook.csv"


def _frame(ws):
    with ws.session() as s:
        return load_posts(s, ws.workspace_id)


def test_without_controls_the_ratio_is_the_ratio_of_means(ws):
    """Undated posts with equal reach and no other columns: nothing to control for, and the
    negative binomial's estimate of a type's mean is the type's sample mean."""
    rng = np.random.default_rng(3)
    posts = []
    for media_type, rr, n in (("photo", 1.0, 40), ("reel", 1.6, 30), ("link", 0.5, 25)):
        for _ in range(n):
            posts.append(
                {
                    "media_type": media_type,
                    "reach": 2000.0,
                    "likes": float(rng.poisson(2000 * 0.03 * rr * rng.gamma(5, 0.2))),
                }
            )
    seed(ws.engine, ws.workspace_id, posts)
    frame = _frame(ws)
    result = uplift(frame, reference="photo")
    assert result.controls == ()
    assert result.exposure == "reach" and result.posts == 95
    likes = pd.DataFrame(posts)
    means = likes.groupby("media_type")["likes"].mean()
    by_type = {e.media_type: e for e in result.effects}
    for t in ("reel", "link"):
        assert by_type[t].ratio.value == pytest.approx(means[t] / means["photo"], rel=1e-5)
        assert by_type[t].ratio.low < by_type[t].ratio.value < by_type[t].ratio.high
    # raw medians beside the model, computed by hand
    raw = {r.media_type: r for r in result.raw}
    medians = likes.groupby("media_type")["likes"].median()
    for t in ("photo", "reel", "link"):
        assert raw[t].median_metric == medians[t]
        assert raw[t].median_per_1000 == pytest.approx(medians[t] / 2000 * 1000)
    assert "Per person reached, reels get" in by_type["reel"].sentence
    assert "the interactions of photos" in by_type["reel"].sentence


def test_recovers_seeded_rate_ratios_with_controls(ws):
    rng = np.random.default_rng(11)
    truth = {"photo": 1.0, "carousel": 1.4, "reel": 0.7}
    posts = nb_posts(rng, {"photo": 120, "carousel": 90, "reel": 90}, truth)
    for i, p in enumerate(posts):  # hashtags for the topic control
        p["text"] = f"Post {i} #{'tuin' if i % 3 else 'nieuws'}"
    seed(ws.engine, ws.workspace_id, posts)
    with ws.session() as s:
        report = uplift_report(s, ws.workspace_id, reference="photo")
    (result,) = report.results
    assert result.ok and result.reference == "photo" and result.dispersion is not None
    assert {"trend", "hour", "topic"} <= set(result.controls)
    for e in result.effects:
        assert e.ratio.contains(truth[e.media_type]), e
        assert e.clear and e.p_adjusted is not None and e.p_adjusted >= e.p_value
    # the explanation of totals exists for every compared type
    assert {x.media_type for x in report.explanations[result.label]} == {"carousel", "reel"}


def test_seven_videos_are_not_enough(ws):
    rng = np.random.default_rng(5)
    posts = nb_posts(
        rng, {"photo": 40, "link": 30, "video": 7}, {"photo": 1.0, "link": 0.5, "video": 1.0}
    )
    seed(ws.engine, ws.workspace_id, posts)
    result = uplift(_frame(ws))
    video = next(e for e in result.effects if e.media_type == "video")
    assert not video.ratio.ok
    assert video.ratio.method == f"not enough data: 7 videos, at least {MIN_TYPE_POSTS} needed"
    assert video.sentence == "Videos: not enough data (7 posts, at least 10 needed)."
    assert any(r.media_type == "video" and r.posts == 7 for r in result.raw)  # medians still shown
    assert result.posts == 70  # the videos stay out of the fit


def test_no_exposure_column_says_so(ws):
    rng = np.random.default_rng(6)
    posts = nb_posts(rng, {"photo": 40, "link": 30}, {"photo": 1.0, "link": 0.5}, reach=False)
    seed(ws.engine, ws.workspace_id, posts)
    frame = _frame(ws)
    result = uplift(frame)
    assert not result.ok
    assert "no exposure column" in result.notes[-1]
    totals = uplift(frame, basis="total")  # totals need no exposure
    assert totals.ok and totals.exposure == "none"


def test_types_that_never_overlap_in_time_are_not_compared(ws):
    rng = np.random.default_rng(8)
    early = nb_posts(rng, {"photo": 40}, {"photo": 1.0}, days=150)
    late = nb_posts(rng, {"reel": 30}, {"reel": 1.0}, days=150)
    for p in late:
        p["published_at"] = p["published_at"] + pd.Timedelta(days=200)
    both = nb_posts(rng, {"link": 30}, {"link": 0.5})
    seed(ws.engine, ws.workspace_id, early + late + both)
    result = uplift(_frame(ws), reference="photo")
    reel = next(e for e in result.effects if e.media_type == "reel")
    assert not reel.ratio.ok and "never posted in the same period" in reel.ratio.method
    assert next(e for e in result.effects if e.media_type == "link").ratio.ok


def test_uci_excerpt_through_the_mapped_import(importer, ws):
    report = importer.import_file(UCI_EXCERPT, options={"mapping": str(UCI_MAP)})
    assert report.status == "imported"
    frame = _frame(ws)
    assert len(frame) == 20
    result = uplift(frame)
    assert not result.ok  # 20 posts: honest "not enough data"
    assert result.notes[-1].startswith("not enough data")
    raw = pd.read_csv(UCI_EXCERPT, sep=";")
    by_type = raw.groupby("Type")
    got = {r.media_type: r for r in result.raw}
    names = {"Photo": "photo", "Status": "text", "Link": "link", "Video": "video"}
    for label, g in by_type:
        inter = g["like"].fillna(0) + g["comment"].fillna(0) + g["share"].fillna(0)
        assert got[names[label]].posts == len(g)
        assert got[names[label]].median_metric == pytest.approx(inter.median())
        assert got[names[label]].median_exposure == pytest.approx(
            g["Lifetime Post Total Reach"].median()
        )


def test_explain_says_when_totals_and_per_person_disagree(ws):
    rng = np.random.default_rng(12)
    posts = nb_posts(rng, {"photo": 80, "text": 60}, {"photo": 1.0, "text": 0.5})
    for p in posts:  # text posts are shown to 3x as many people
        if p["media_type"] == "text":
            p["reach"] *= 3
            p["likes"] = float(rng.poisson(p["reach"] * 0.04 * 0.5 * rng.gamma(6, 1 / 6)))
    seed(ws.engine, ws.workspace_id, posts)
    frame = _frame(ws)
    per = uplift(frame, reference="photo")
    total = uplift(frame, basis="total", reference="photo")
    dist = uplift(frame, basis="exposure", reference="photo")
    (x,) = explain(per, total, dist)
    assert x.per_exposure.high < 1 and x.distribution.low > 2 and x.total.low > 1
    assert "opposite directions" in x.sentence
    # log total = log per person + log reach, up to the models' noise
    assert math.log(x.total.value) == pytest.approx(
        math.log(x.per_exposure.value) + math.log(x.distribution.value), abs=0.15
    )


@pytest.mark.slow
@pytest.mark.skipif(not UCI_FULL.is_file(), reason="the full UCI file is not in ../shared/data")
def test_uci_full_per_reached_user_and_in_totals(importer, ws):
    """README figures: per reached user, status ≈ 0.43× and link ≈ 0.45× of photo; in totals
    status posts lead (median 186 vs 122 interactions)."""
    assert importer.import_file(UCI_FULL, options={"mapping": str(UCI_MAP)}).status == "imported"
    frame = _frame(ws)
    per = uplift(frame, reference="photo")
    got = {e.media_type: e for e in per.effects}
    assert got["text"].ratio.contains(0.43) and got["link"].ratio.contains(0.45)
    assert got["text"].clear and got["link"].clear
    assert not got["video"].ratio.ok  # 7 videos
    raw = {r.media_type: r for r in per.raw}
    assert raw["text"].median_metric == 186 and raw["photo"].median_metric == 122
    dist = uplift(frame, basis="exposure", reference="photo")
    assert {e.media_type: e for e in dist.effects}["text"].ratio.low > 1  # status reaches more


@pytest.mark.slow
def test_demo_truths_fall_inside_the_intervals(tmp_path):
    from socialdesk.demo import build_demo
    from socialdesk.store import open_workspace

    result = build_demo(tmp_path / "demo", seed=7)
    truth = result.truths["organic"]
    handle = open_workspace(tmp_path / "demo")
    checked = 0
    with handle.session() as s:
        frame = load_posts(s, handle.workspace_id)
    for platform, t in truth.items():
        rr = t["media_type_rate_ratio"]
        g = frame[frame["platform"] == platform]
        r = uplift(g, reference=t["reference_media_type"])
        assert r.exposure == t["exposure_metric"], platform
        for e in r.effects:
            if e.ratio.ok:
                assert e.ratio.contains(rr[e.media_type]), (platform, e.media_type, e.ratio)
                checked += 1
    assert checked >= 8  # facebook 4, instagram 2, linkedin >= 2; X and YouTube export no type
