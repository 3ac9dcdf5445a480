from __future__ import annotations

from socialdesk.inbox.drafts import (
    Tone,
    draft_reply,
    fill_saved_reply,
    first_name,
    topic_of,
    unknown_variables,
)


def test_dutch_complaint_draft_informal_and_formal():
    d = draft_reply(
        intent="complaint", language="nl", name="Karel", text="Mijn bestelling is kapot."
    )
    assert d.text.startswith("Hoi Karel, wat vervelend om te lezen over je bestelling.")
    assert "Onze excuses" in d.text and len(d.parts) == 4
    f = draft_reply(intent="question", language="nl", name="Karel", tone=Tone(formal=True))
    assert f.text.startswith("Beste Karel") and " u " in f.text and " je " not in f.text


def test_english_draft_and_missing_name():
    d = draft_reply(intent="praise", language="en", tone=Tone(sign_off="^AB"))
    assert d.text.startswith("Hi, that's lovely to read!")
    assert d.text.endswith("^AB")
    assert d.missing == ("name",)


def test_saved_reply_variables():
    d = fill_saved_reply(
        "Hoi {name}, over {topic}: zie {link}.", {"name": "Eva", "topic": "de actie"}
    )
    assert d.text == "Hoi Eva, over de actie: zie {link}."
    assert d.missing == ("link",)


def test_first_name():
    assert first_name("Anna de Vries", "5550001") == "Anna"
    assert first_name(None, "@marieke") == "marieke"
    assert first_name(None, "123456") == ""


def test_saved_reply_is_plain_substitution():
    """Broken or clever braces never raise and never reach into Python objects."""
    d = fill_saved_reply("Hi {name} {name.__class__} {0} {name", {"name": "Eva"})
    assert d.text == "Hi Eva {name.__class__} {0} {name"
    assert d.missing == ("0",)  # shown as a blank to fill in
    assert unknown_variables("Hoi {naam}, over {topic} van {organisation}") == ("naam",)
    assert topic_of("Waar blijft mijn #Lentepakket ?", None) == "Lentepakket"
    assert topic_of("#bomen", "Uw donatie") == "Uw donatie"
    assert topic_of("geen hashtag", "") == ""
