"""Image measurements recomputed by hand on drawn images and one real photo."""

from __future__ import annotations

import math

import pytest

from socialdesk.visual.images import (
    BLURRY,
    NotAnImage,
    check_image,
    check_placement,
    measure,
)
from socialdesk.visual.specs import placement
from tests.visual.images import ASTRONAUT, dot, noise, solid


def test_solid_colours_by_hand(tmp_path):
    red = measure(solid(tmp_path / "red.png", (300, 200), (255, 0, 0)))
    # Hasler & Süsstrunk: rg = 255, yb = 127.5, no spread -> M = 0.3 * hypot(255, 127.5)
    assert red.colourfulness == pytest.approx(0.3 * math.hypot(255, 127.5))
    assert red.contrast == pytest.approx(0, abs=1e-9) and red.aspect == 1.5 and red.faces == ()
    grey = measure(solid(tmp_path / "grey.png", (300, 200), (40, 40, 40)))
    assert grey.colourfulness == 0 and grey.brightness == pytest.approx(40 / 255)
    assert grey.format == "png" and grey.file_size == (tmp_path / "grey.png").stat().st_size


def test_the_astronauts_face_and_sharpness(tmp_path):
    from PIL import Image, ImageFilter

    f = measure(ASTRONAUT)
    assert len(f.faces) == 1
    face = f.faces[0]
    assert abs(face.x - 177) <= 6 and abs(face.y - 66) <= 6 and 85 <= face.w <= 105
    assert f.sharpness > BLURRY
    blurred = tmp_path / "blurred.jpg"
    Image.open(ASTRONAUT).filter(ImageFilter.GaussianBlur(3)).save(blurred)
    soft = measure(blurred)
    assert soft.sharpness < BLURRY < f.sharpness
    report = check_image(blurred, ())
    assert next(x for x in report.general if x.check == "sharpness").status == "advice"


def test_salient_box_finds_the_disc(tmp_path):
    f = measure(dot(tmp_path / "dot.png", (1200, 800), (950, 200)))
    box = f.salient
    assert box.x <= 950 <= box.x + box.w and box.y <= 200 <= box.y + box.h
    assert box.w < 600 and box.h < 500


def test_placement_findings(tmp_path):
    small = measure(solid(tmp_path / "small.png", (400, 400), (90, 120, 60)))
    check = check_placement(small, placement("facebook", "feed"))
    size = next(x for x in check.findings if x.check == "size")
    assert size.status == "problem" and "600 px" in size.advice
    assert check.status == "problem"
    wide = measure(solid(tmp_path / "wide.png", (1920, 800), (90, 120, 60)))  # 2.4:1
    ratio = next(
        x
        for x in check_placement(wide, placement("instagram", "feed")).findings
        if x.check == "aspect ratio"
    )
    assert ratio.status == "advice" and "crop" in ratio.advice.lower()
    big = measure(noise(tmp_path / "big.png", (1000, 1000)))
    assert big.file_size > 2_000_000
    heavy = next(
        x
        for x in check_placement(big, placement("x", "profile")).findings
        if x.check == "file size"
    )
    assert heavy.status == "problem" and "2 MB" in heavy.advice


def test_safe_zone_catches_a_face_under_the_buttons():
    f = measure(ASTRONAUT)  # square: a story shows its centre 9:16 strip, face near the top
    safe = next(
        x
        for x in check_placement(f, placement("instagram", "story")).findings
        if x.check == "safe zone"
    )
    assert safe.status == "advice" and "top 14%" in safe.value
    feed = check_placement(f, placement("instagram", "feed"))
    assert all(x.check != "safe zone" for x in feed.findings)  # the feed covers nothing


def test_not_an_image(tmp_path):
    bad = tmp_path / "x.jpg"
    bad.write_text("no image")
    with pytest.raises(NotAnImage):
        measure(bad)
