"""Dutch and English: the choice of language, Babel's formats, and catalogues kept complete."""

from __future__ import annotations

import datetime as dt

import pytest

from socialdesk import i18n


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, None, "nl"),
        ("en", None, "nl-NL,nl;q=0.9", "en"),
        (None, "en", "nl", "en"),
        (None, None, "en-GB,en;q=0.9,nl;q=0.8", "en"),
        (None, None, "de-DE,de;q=0.9,nl;q=0.5,en;q=0.7", "en"),
        (None, None, "fr, *;q=0.1", "nl"),
        ("xx", None, "en", "en"),
        (None, None, "en;q=0, nl", "nl"),
    ],
)
def test_negotiation(query, cookie, header, expected):
    assert i18n.negotiate(query, cookie, header) == expected


def test_dutch_and_english_formats():
    nl, en = i18n.formats("nl"), i18n.formats("en")
    assert nl.decimal(1234.5) == "1.234,5" and en.decimal(1234.5) == "1,234.5"
    assert nl.number(1234567) == "1.234.567"
    assert nl.date(dt.date(2026, 11, 26)) == "26 nov 2026"
    assert en.date(dt.date(2026, 11, 26)) == "Nov 26, 2026"
    assert nl.change(0.123) == "+12,3%" and nl.change(-0.04) == "−4,0%"
    assert nl.percent(0.0526) == "5,3%"
    assert nl.money(1234.5, "EUR") == "€\xa01.234,50"  # a no-break space, as CLDR writes it
    assert nl.number(None) == i18n.NO_DATA and nl.change(None) == i18n.NO_DATA


def test_lang_parameter_switches_and_sticks(local_client):
    english = local_client.get("/overview?lang=en")
    assert '<html lang="en">' in english.text and "Overview" in english.text
    assert "sd_lang=en" in english.headers["set-cookie"]
    assert '<html lang="en">' in local_client.get("/posts").text  # the cookie remembers
    dutch = local_client.get("/posts?lang=nl")
    assert '<html lang="nl">' in dutch.text and "Berichten" in dutch.text


def test_accept_language_is_followed(seeded):
    from tests.web.conftest import make_client

    client = make_client(seeded.ws)
    page = client.get("/posts", headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in page.text and page.headers["content-language"] == "en"
    assert '<html lang="nl">' in make_client(seeded.ws).get("/posts").text


def test_language_switch_keeps_the_page_and_filters(local_client):
    html = local_client.get("/posts?platform=facebook&q=bomen").text
    assert 'href="/posts?platform=facebook&amp;q=bomen&amp;lang=en"' in html


def test_mo_files_are_compiled_from_the_po_files():
    for po in i18n.catalogue_paths():
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} is missing: run python -m socialdesk.i18n compile"
        assert mo.read_bytes() == i18n.compile_po(po), (
            f"{mo} is out of date: run python -m socialdesk.i18n compile"
        )
    assert {p.parent.parent.name for p in i18n.catalogue_paths()} == set(i18n.LOCALES)


def test_every_message_is_in_the_catalogues_and_translated_to_dutch():
    from babel.messages.pofile import read_po

    wanted = set(i18n.extract_messages())
    for lang in i18n.LOCALES:
        po = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        have = {m.id for m in catalog if m.id}
        missing = wanted - have
        assert not missing, (
            f"{lang}: run python -m socialdesk.i18n update; missing {sorted(missing)[:5]}"
        )
        if lang == "nl":
            untranslated = sorted(m.id for m in catalog if m.id and not m.string)
            assert not untranslated, f"no Dutch for {untranslated[:5]}"


def test_dutch_page_has_no_english_leftovers(local_client):
    html = local_client.get("/overview?lang=nl").text
    for english in ("Overview", "Period", "no data", "Apply", "compared with"):
        assert f">{english}<" not in html


def test_p_values_never_read_zero():
    from socialdesk.i18n import formats

    nl, en = formats("nl"), formats("en")
    assert nl.p_value(0.0004) == "< 0,001" and en.p_value(0.0004) == "< 0.001"
    assert nl.p_value(0.0012) == "0,001" and nl.p_value(0.42) == "0,420"
    assert nl.p_value(None) == en.p_value(None)  # the page's "no data" dash


def test_the_english_catalogue_does_not_translate_english_into_dutch():
    """English is the source language: a message's English text is the message itself (an
    earlier update wrote the metrics' Dutch names into the English catalogue, so "Reach"
    read "Bereik" on English pages)."""
    from babel.messages.pofile import read_po

    from socialdesk.i18n import LOCALE_DIR

    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    changed = [m.id for m in catalog if m.id and m.string and m.string != m.id]
    assert changed == []
