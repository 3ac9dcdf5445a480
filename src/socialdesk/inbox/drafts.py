"""Reply drafts in the message's language and the organisation's tone of voice.

A draft has four parts, in the order people in service work are taught: acknowledge what
the person said, apologise or thank, say what will be done, and the next step. It is filled
with the person's first name and the topic. A draft is only ever a proposal: it is saved as
a draft and is sent by a person (queries.mark_sent), never by socialdesk.

Saved replies are the team's own texts with variables: {name}, {topic}, {organisation},
{agent}. A variable that has no value stays visible in the text ("{name}") and is reported,
so a person sees what to fill in.
"""

# ruff: noqa: E501 - tables of patterns and phrases read best one per line
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_VARIABLE = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Tone:
    """How the organisation speaks: Dutch "je" or "u", a sign-off, emoji or not."""

    organisation: str = "ons team"
    formal: bool = False
    sign_off: str = ""  # e.g. "^AB" or "Groet, team GroenFonds"
    emoji: bool = False


@dataclass(frozen=True)
class Draft:
    text: str
    language: str
    parts: tuple[str, ...]
    missing: tuple[str, ...]  # variables without a value


# (acknowledge, apologise-or-thank, act, next step) per language, intent, formality
_NL = {
    "complaint": (
        "{hi} {name}, wat vervelend dat {topic_nl} niet goed is gegaan.",
        "Onze excuses daarvoor.",
        "We zoeken het direct voor {you} uit.",
        "Stuur {you_obj} ons een privébericht met {your} gegevens? Dan laten we vandaag nog iets weten.",
    ),
    "question": (
        "{hi} {name}, goede vraag over {topic}.",
        "Dank {you_obj} voor {your} bericht.",
        "We zoeken het antwoord voor {you} op.",
        "{you_cap} hoort vandaag nog van ons.",
    ),
    "praise": (
        "{hi} {name}, wat fijn om te lezen!",
        "Hartelijk dank voor {your} mooie woorden.",
        "We delen het met het hele team.",
        "Tot de volgende keer!",
    ),
    "lead": (
        "{hi} {name}, leuk dat {you} interesse {have} in {topic}.",
        "Dank {you_obj} voor {your} vraag.",
        "Een collega stuurt {you_obj} de informatie.",
        "Mogen we {you_obj} mailen of bellen? Stuur ons een privébericht.",
    ),
    "human": (
        "{hi} {name}, natuurlijk.",
        "Dank {you_obj} voor {your} geduld.",
        "Een collega neemt het persoonlijk van ons over.",
        "{you_cap} hoort zo snel mogelijk van ons.",
    ),
    "crisis": (
        "{hi} {name}, dank {you_obj} dat {you} dit meldt.",
        "We nemen dit heel serieus.",
        "We zoeken het nu uit.",
        "Stuur {you_obj} ons een privébericht, dan nemen we direct contact op.",
    ),
    "abuse": (
        "{hi} {name}, we lezen {your} bericht.",
        "We willen graag helpen,",
        "maar vragen {you_obj} wel om respectvol te blijven.",
        "Stuur ons een privébericht als we iets voor {you_obj} kunnen doen.",
    ),
    "other": (
        "{hi} {name}, dank {you_obj} voor {your} bericht.",
        "",
        "We kijken ernaar.",
        "Laat het ons weten als {you} nog vragen {have}.",
    ),
}
_EN = {
    "complaint": (
        "Hi {name}, we're sorry to hear {topic_en} didn't go as it should.",
        "Our apologies.",
        "We're looking into it right away.",
        "Could you send us a direct message with your details? We'll get back to you today.",
    ),
    "question": (
        "Hi {name}, good question about {topic}.",
        "Thanks for reaching out.",
        "We're finding the answer for you.",
        "You'll hear from us today.",
    ),
    "praise": (
        "Hi {name}, that's lovely to read!",
        "Thank you so much for your kind words.",
        "We'll share it with the whole team.",
        "See you next time!",
    ),
    "lead": (
        "Hi {name}, great that you're interested in {topic}.",
        "Thanks for asking.",
        "A colleague will send you the details.",
        "May we email or call you? Send us a direct message.",
    ),
    "human": (
        "Hi {name}, of course.",
        "Thanks for your patience.",
        "A colleague will take this over personally.",
        "You'll hear from us as soon as possible.",
    ),
    "crisis": (
        "Hi {name}, thank you for telling us.",
        "We take this very seriously.",
        "We're looking into it now.",
        "Please send us a direct message so we can contact you directly.",
    ),
    "abuse": (
        "Hi {name}, we've read your message.",
        "We want to help,",
        "and ask you to keep it respectful.",
        "Send us a direct message if there's anything we can do.",
    ),
    "other": (
        "Hi {name}, thanks for your message.",
        "",
        "We're looking at it.",
        "Let us know if you have any other questions.",
    ),
}


def first_name(author_name: str | None, handle: str | None = None) -> str:
    """The first name to greet: the display name's first word, else the handle without @."""
    for candidate in (author_name, handle):
        if candidate and candidate.strip():
            word = candidate.strip().lstrip("@").split()[0]
            if word and not word.isdigit():
                return word
    return ""


def draft_reply(
    *,
    intent: str,
    language: str | None,
    name: str = "",
    topic: str = "",
    tone: Tone | None = None,
) -> Draft:
    """A four-part draft for a message of `intent`, in Dutch for "nl" and English otherwise."""
    tone = tone or Tone()
    lang = "nl" if language == "nl" else "en"
    table = _NL if lang == "nl" else _EN
    parts = table.get(intent, table["other"])
    formal = tone.formal
    values = {
        "name": name,
        "topic": topic or ("uw vraag" if formal else "je vraag")
        if lang == "nl"
        else topic or "your question",
        "topic_nl": f"{topic}" if topic else "het",
        "topic_en": topic or "this",
        "hi": "Beste" if formal else "Hoi",
        "you": "u" if formal else "je",
        "you_obj": "u" if formal else "je",
        "you_cap": "U" if formal else "Je",
        "your": "uw" if formal else "je",
        "have": "heeft" if formal else "hebt",
    }
    text = " ".join(p.format(**values) for p in parts if p)
    text = re.sub(r"\s+,", ",", re.sub(r"\s{2,}", " ", text)).strip()
    if not name:
        text = re.sub(r"^(Hoi|Beste|Hi) ,", r"\1,", text)
    if tone.sign_off:
        text = f"{text} {tone.sign_off}"
    if tone.emoji and intent == "praise":
        text += " 💚"
    return Draft(
        text, lang, tuple(p.format(**values) for p in parts if p), () if name else ("name",)
    )


VARIABLES = ("name", "topic", "organisation", "agent")  # what the inbox fills in
_HASHTAG = re.compile(r"#(\w{2,})")


def unknown_variables(template: str) -> tuple[str, ...]:
    """The {variables} of a saved reply that the inbox never fills (a typo such as {naam})."""
    return tuple(sorted({v for v in _VARIABLE.findall(template) if v not in VARIABLES}))


def fill_saved_reply(template: str, variables: Mapping[str, str]) -> Draft:
    """A saved reply with its {variables} filled; unknown or empty ones stay and are named.

    Plain substitution of {word}: other braces stay as written, and nothing else in the text
    is interpreted (no format-string attribute access)."""
    missing = sorted({v for v in _VARIABLE.findall(template) if not variables.get(v)})

    def value(match: re.Match[str]) -> str:
        return variables.get(match.group(1)) or match.group(0)

    text = _VARIABLE.sub(value, template)
    return Draft(text, "", (text,), tuple(missing))


def topic_of(text: str | None, subject: str | None = None) -> str:
    """The topic to name in a reply: the thread's subject, else the message's first hashtag."""
    if subject and subject.strip():
        return subject.strip()
    found = _HASHTAG.search(text or "")
    return found.group(1) if found else ""


__all__ = [
    "VARIABLES",
    "Draft",
    "Tone",
    "draft_reply",
    "fill_saved_reply",
    "first_name",
    "topic_of",
    "unknown_variables",
]
