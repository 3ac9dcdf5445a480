"""Image files joined to their posts in the store (both databases), and image features vs
engagement on seeded posts whose images differ in brightness."""

from __future__ import annotations

import numpy as np
import pandas as pd

from socialdesk.visual import queries as Q
from socialdesk.visual import scan_media
from socialdesk.visual.media import features_vs_engagement, match_posts
from socialdesk.visual.run import load_posts
from tests.visual.images import ASTRONAUT, solid
from tests.visual.seeding import nb_posts, seed


def test_files_are_joined_by_name_and_by_media_csv(ws, tmp_path):
    seed(
        ws.engine,
        ws.workspace_id,
        [
            {"external_id": "111", "media_type": "photo", "reach": 100.0, "likes": 5.0},
            {
                "external_id": "222",
                "media_type": "photo",
                "reach": 100.0,
                "likes": 5.0,
                "permalink": "https://www.instagram.com/p/CxYz12/",
            },
            {"external_id": "333", "media_type": "photo", "reach": 100.0, "likes": 5.0},
        ],
    )
    folder = tmp_path / "media"
    folder.mkdir()
    solid(folder / "111.png", (200, 100), (10, 200, 10))
    solid(folder / "CxYz12.jpg", (100, 100), (10, 10, 200))
    solid(folder / "banner.png", (100, 300), (200, 10, 10))
    solid(folder / "unrelated.png", (50, 50), (0, 0, 0))
    (folder / "media.csv").write_text("file,post\nbanner.png,333\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not an image")
    with ws.session() as s, s.begin():
        result = scan_media(s, ws.workspace_id, folder)
    assert (result.files, result.analysed, result.matched) == (4, 4, 3)
    with ws.session() as s:
        media = Q.media(s, ws.workspace_id)
        keys = Q.post_keys(s, ws.workspace_id)
    ids = dict(zip(keys["external_id"], keys["post_id"], strict=True))
    by_name = {
        p.split("/")[-1]: (post, f)
        for p, post, f in zip(media["path"], media["post_id"], media["features"], strict=True)
    }
    assert by_name["111.png"][0] == ids["111"]
    assert by_name["CxYz12.jpg"][0] == ids["222"]
    assert by_name["banner.png"][0] == ids["333"]
    assert pd.isna(by_name["unrelated.png"][0])
    assert by_name["111.png"][1]["width"] == 200 and by_name["111.png"][1]["aspect"] == 2.0
    # scanning again refreshes the rows instead of doubling them
    with ws.session() as s, s.begin():
        scan_media(s, ws.workspace_id, folder)
    with ws.session() as s:
        assert len(Q.media(s, ws.workspace_id)) == 4


def test_match_posts_without_a_folder():
    keys = pd.DataFrame(
        {"post_id": [1], "external_id": ["abc"], "permalink": [None], "platform": ["x"]}
    )
    named = ASTRONAUT.with_name("abc.jpg")
    assert match_posts([named], keys) == {named: 1}


def test_brighter_images_go_with_more_interactions(ws):
    """Seeded: each +1 SD of brightness multiplies interactions per person reached by 1.3."""
    rng = np.random.default_rng(21)
    posts = nb_posts(rng, {"photo": 160, "carousel": 80}, {"photo": 1.0, "carousel": 1.2})
    brightness = rng.uniform(0.2, 0.8, len(posts))
    z = (brightness - brightness.mean()) / brightness.std()
    for p, zi in zip(posts, z, strict=True):
        p["likes"] = float(
            rng.poisson(
                p["reach"]
                * 0.04
                * (1.2 if p["media_type"] == "carousel" else 1.0)
                * 1.3**zi
                * rng.gamma(6, 1 / 6)
            )
        )
    seed(ws.engine, ws.workspace_id, posts)
    with ws.session() as s:
        frame = load_posts(s, ws.workspace_id)
    media = pd.DataFrame(
        {
            "post_id": frame["post_id"].to_numpy(),
            "path": [f"/m/{i}.jpg" for i in range(len(frame))],
            "features": [
                {
                    "brightness": float(b),
                    "contrast": 0.2,
                    "colourfulness": 40.0,
                    "sharpness": 300.0,
                    "face_count": 0,
                    "aspect": 1.0,
                }
                for b in brightness
            ],
        }
    )
    # the frame's posts are in the store's order; brightness was drawn in seeding order
    order = {pid: i for i, pid in enumerate(frame.sort_values("post_id")["post_id"])}
    media["features"] = [media["features"][order[pid]] for pid in media["post_id"]]
    result = features_vs_engagement(frame, media)
    (bright,) = [e for e in result.effects if e.feature == "brightness"]
    assert bright.ratio.contains(1.3) and bright.clear
    assert any("contrast: no variation" in n for n in result.notes)


def test_not_enough_images(ws):
    rng = np.random.default_rng(2)
    seed(ws.engine, ws.workspace_id, nb_posts(rng, {"photo": 40}, {"photo": 1.0}))
    with ws.session() as s:
        frame = load_posts(s, ws.workspace_id)
    empty = pd.DataFrame(columns=["post_id", "path", "features"])
    result = features_vs_engagement(frame, empty)
    assert not result.ok and result.notes[-1].startswith("not enough data: 0 posts")
