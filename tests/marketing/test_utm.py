from urllib.parse import parse_qs, urlsplit

import pytest

from socialdesk.marketing.utm import UtmRules, build_utm, check_link


def test_build_normalises_case_and_spaces_and_keeps_other_parameters():
    link = build_utm(
        "https://groendak.nl/vrijwilligers?ref=nav#form",
        source="Instagram",
        medium="social",
        campaign="Vrijwilligers Voorjaar 2026",
    )
    assert link.ok, link.problems
    parts = urlsplit(link.url)
    assert parts.fragment == "form"
    q = parse_qs(parts.query)
    assert q == {
        "ref": ["nav"],
        "utm_source": ["instagram"],
        "utm_medium": ["social"],
        "utm_campaign": ["vrijwilligers_voorjaar_2026"],
    }
    assert link.base_url == "https://groendak.nl/vrijwilligers"


def test_build_replaces_existing_tags():
    link = build_utm(
        "https://x.nl/?utm_source=FB&utm_medium=Social",
        source="facebook",
        medium="social",
        campaign="c",
    )
    assert parse_qs(urlsplit(link.url).query)["utm_source"] == ["facebook"]


def test_rules_refuse_unknown_source_medium_and_campaign():
    rules = UtmRules(sources=("facebook",), mediums=("social",), campaigns=("dakendag_2026",))
    link = build_utm(
        "https://x.nl/", source="fb", medium="Social Media", campaign="dakendag", rules=rules
    )
    assert not link.ok
    fields = sorted(p.field for p in link.problems if p.severity == "error")
    assert fields == ["utm_campaign", "utm_medium", "utm_source"]


def test_check_finds_capitals_spaces_missing_and_duplicates():
    c = check_link("https://x.nl/?utm_source=Facebook&utm_medium=social%20media&utm_source=fb")
    messages = " | ".join(p.message for p in c.problems)
    assert "capitals" in messages
    assert "spaces" in messages
    assert "appears twice" in messages
    assert "utm_campaign is missing" in messages
    assert check_link("https://x.nl/?utm_source=facebook&utm_medium=social&utm_campaign=a").ok


def test_a_link_without_scheme_is_an_error():
    with pytest.raises(ValueError, match="https://"):
        build_utm("groendak.nl", source="facebook", medium="social", campaign="c")
    assert not check_link("groendak.nl/?utm_source=x").ok
