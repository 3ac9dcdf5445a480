from PIL import Image

from socialdesk.visual.crops import smart_crop
from socialdesk.visual.specs import placement, placements
from tests.visual.images import ASTRONAUT, dot


def test_crop_keeps_the_salient_disc_and_writes_the_recommended_size(tmp_path):
    src = dot(tmp_path / "dot.png", (3600, 2400), (2850, 750), radius=220)
    (story,) = smart_crop(src, (placement("instagram", "story"),), tmp_path / "out")
    box = story.box
    assert box.h == 2400 and box.w == round(2400 * 9 / 16)
    assert box.x <= 2850 - 220 and 2850 + 220 <= box.x + box.w  # the disc is inside
    with Image.open(story.path) as im:
        assert im.size == (1080, 1920) == (story.width, story.height)
    assert story.path.name == "dot_instagram_story.jpg" and not story.upscale_needed


def test_crop_keeps_the_face_for_a_wide_placement(tmp_path):
    (thumb,) = smart_crop(ASTRONAUT, (placement("youtube", "feed"),), tmp_path)
    assert thumb.faces_total == 1 and thumb.faces_kept == 1
    assert thumb.box.w == 512 and thumb.box.h == 288
    assert thumb.upscale_needed  # 512 px wide is less than 1280: not blown up
    with Image.open(thumb.path) as im:
        assert im.size == (512, 288)


def test_one_crop_per_available_placement(tmp_path):
    crops = smart_crop(ASTRONAUT, placements("instagram"), tmp_path)
    assert [c.placement.name for c in crops] == ["feed", "story", "reel", "profile"]
    assert all(c.path.is_file() for c in crops)
