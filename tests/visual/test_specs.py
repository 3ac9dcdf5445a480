from socialdesk.visual.specs import PLACEMENTS, PLATFORMS, parse_ratio, placement, placements


def test_every_platform_names_every_placement_with_a_source_and_date():
    every = placements(available_only=False)
    assert {(p.platform, p.name) for p in every} == {(a, b) for a in PLATFORMS for b in PLACEMENTS}
    for p in every:
        assert p.source and p.as_of, p.key
        if p.available:
            assert p.width and p.height and p.max_mb and p.formats, p.key
            # the recommended size lies in the accepted range (1200×630 is "1.91:1")
            assert p.ratio_min - 0.01 <= p.ratio <= p.ratio_max + 0.01, p.key
        else:
            assert p.note, p.key


def test_ratios_and_safe_zones():
    assert parse_ratio("4:5") == 0.8 and parse_ratio("1.91:1") == 1.91
    feed = placement("instagram", "feed")
    assert (feed.width, feed.height, feed.ratio_min, feed.ratio_max) == (1080, 1350, 0.8, 1.91)
    reel = placement("instagram", "reel")
    assert reel.safe.bottom == 0.35 and reel.safe.top == 0.14
    assert placement("x", "profile").safe.circle
    assert not placement("instagram", "link").available
    assert placement("instagram", "link") not in placements("instagram")
