"""Reply drafts in the message's language and the organisation's tone of voice.

A draft has four parts, in the order people in service work are taught: acknowledge what
the person said, apologise or thank, say what will be done, and the next step. It is filled
with the person's first name and the topic the message itself names (message_topic; none
rather than a guess). Dutch is written out per form of address, never mixed. A draft is
only ever a proposal: it is saved as a draft and is sent by a person (queries.mark_sent),
never by socialdesk.

Saved replies are the team's own texts with variables: {name}, {topic}, {organisation},
{agent}. A variable that has no value stays visible in the text ("{name}") and is reported,
so a person sees what to fill in.
"""

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


# (acknowledge, apologise-or-thank, act, next step) per language and intent. Dutch has both
# forms of address written out, never put together from parts: the u-form takes its own verb
# ("Wilt u", "Stuurt u"), and one draft never mixes "je" and "u". `{about}` is " over je
# bestelling" when the message names its topic, else empty; `{topic}` the topic itself.
# Nothing in a draft promises a time or thanks for a question the message did not ask.
_NL_INFORMAL = {
    "complaint": (
        "Hoi {name}, wat vervelend om te lezen{about}.",
        "Onze excuses daarvoor.",
        "We zoeken het voor je uit.",
        "Wil je ons een privébericht sturen met je gegevens? Dan kunnen we het nakijken.",
    ),
    "question": (
        "Hoi {name}, dank je voor je vraag{about}.",
        "",
        "We zoeken het antwoord voor je op.",
        "We laten het je zo snel mogelijk weten.",
    ),
    "praise": (
        "Hoi {name}, wat fijn om te lezen!",
        "Hartelijk dank voor je mooie woorden{about}.",
        "We delen het met het hele team.",
        "Tot de volgende keer!",
    ),
    "lead": (
        "Hoi {name}, leuk dat je belangstelling hebt{for_topic}.",
        "Dank je voor je vraag.",
        "Een collega stuurt je graag de informatie.",
        "Wil je ons in een privébericht laten weten hoe we je het best kunnen bereiken?",
    ),
    "human": (
        "Hoi {name}, dank je voor je bericht{about}.",
        "",
        "Een collega neemt het gesprek persoonlijk van ons over.",
        "Je hoort zo snel mogelijk van ons.",
    ),
    "crisis": (
        "Hoi {name}, dank je dat je dit meldt.",
        "We nemen dit heel serieus.",
        "We zoeken het meteen uit.",
        "Wil je ons een privébericht sturen? Dan nemen we direct contact met je op.",
    ),
    "abuse": (
        "Hoi {name}, we hebben je bericht gelezen.",
        "We willen graag helpen,",
        "maar vragen je wel om respectvol te blijven.",
        "Als we iets voor je kunnen doen, horen we het graag in een privébericht.",
    ),
    "other": (
        "Hoi {name}, dank je voor je bericht{about}.",
        "",
        "We kijken ernaar.",
        "Als we iets voor je kunnen doen, horen we het graag.",
    ),
}
_NL_FORMAL = {
    "complaint": (
        "Beste {name}, wat vervelend om te lezen{about}.",
        "Onze excuses daarvoor.",
        "We zoeken het voor u uit.",
        "Wilt u ons een privébericht sturen met uw gegevens? Dan kunnen we het nakijken.",
    ),
    "question": (
        "Beste {name}, dank u voor uw vraag{about}.",
        "",
        "We zoeken het antwoord voor u op.",
        "We laten het u zo snel mogelijk weten.",
    ),
    "praise": (
        "Beste {name}, wat fijn om te lezen!",
        "Hartelijk dank voor uw mooie woorden{about}.",
        "We delen het met het hele team.",
        "Tot de volgende keer!",
    ),
    "lead": (
        "Beste {name}, fijn dat u belangstelling heeft{for_topic}.",
        "Dank u voor uw vraag.",
        "Een collega stuurt u graag de informatie.",
        "Wilt u ons in een privébericht laten weten hoe we u het best kunnen bereiken?",
    ),
    "human": (
        "Beste {name}, dank u voor uw bericht{about}.",
        "",
        "Een collega neemt het gesprek persoonlijk van ons over.",
        "U hoort zo snel mogelijk van ons.",
    ),
    "crisis": (
        "Beste {name}, dank u dat u dit meldt.",
        "We nemen dit heel serieus.",
        "We zoeken het meteen uit.",
        "Wilt u ons een privébericht sturen? Dan nemen we direct contact met u op.",
    ),
    "abuse": (
        "Beste {name}, we hebben uw bericht gelezen.",
        "We willen graag helpen,",
        "maar vragen u wel om respectvol te blijven.",
        "Als we iets voor u kunnen doen, horen we het graag in een privébericht.",
    ),
    "other": (
        "Beste {name}, dank u voor uw bericht{about}.",
        "",
        "We kijken ernaar.",
        "Als we iets voor u kunnen doen, horen we het graag.",
    ),
}
_EN = {
    "complaint": (
        "Hi {name}, we're sorry to read this{about}.",
        "Our apologies.",
        "We're looking into it.",
        "Could you send us a direct message with your details? Then we can check it.",
    ),
    "question": (
        "Hi {name}, thanks for your question{about}.",
        "",
        "We're finding the answer for you.",
        "We'll let you know as soon as we can.",
    ),
    "praise": (
        "Hi {name}, that's lovely to read!",
        "Thank you so much for your kind words{about}.",
        "We'll share it with the whole team.",
        "See you next time!",
    ),
    "lead": (
        "Hi {name}, great that you're interested{for_topic}.",
        "Thanks for asking.",
        "A colleague will gladly send you the details.",
        "Could you let us know in a direct message how best to reach you?",
    ),
    "human": (
        "Hi {name}, thanks for your message{about}.",
        "",
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
        "If there's anything we can do, send us a direct message.",
    ),
    "other": (
        "Hi {name}, thanks for your message{about}.",
        "",
        "We're looking at it.",
        "If there's anything we can do, let us know.",
    ),
}

# The topics a draft may name: service nouns with their Dutch article. Only a noun the
# message itself names after "mijn/m'n/de/het/een" (English "my/the/a/an") counts; a message
# without one gets a draft without a topic rather than a guess.
_NL_NOUNS = {
    "aankoop": "de",
    "abonnement": "het",
    "account": "het",
    "afspraak": "de",
    "bestelling": "de",
    "bestellingen": "de",
    "betaling": "de",
    "bezorging": "de",
    "bijdrage": "de",
    "donatie": "de",
    "factuur": "de",
    "gift": "de",
    "kaartje": "het",
    "kaartjes": "de",
    "levering": "de",
    "lidmaatschap": "het",
    "order": "de",
    "pakket": "het",
    "pakketje": "het",
    "product": "het",
    "rekening": "de",
    "reservering": "de",
    "retour": "de",
    "terugbetaling": "de",
    "ticket": "het",
    "tickets": "de",
    "zending": "de",
}
_EN_NOUNS = (
    "account",
    "appointment",
    "booking",
    "delivery",
    "donation",
    "invoice",
    "membership",
    "order",
    "package",
    "parcel",
    "payment",
    "product",
    "refund",
    "reservation",
    "subscription",
    "ticket",
    "tickets",
)
_NL_TOPIC = re.compile(
    r"\b(mijn|m'n|de|het|een)\s+(" + "|".join(sorted(_NL_NOUNS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_EN_TOPIC = re.compile(
    r"\b(my|the|a|an)\s+(" + "|".join(sorted(_EN_NOUNS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


_NO_QUESTION = {
    "nl": lambda p: re.sub(r"\bvoor (je|uw) vraag\b", r"voor \1 bericht", p),
    "en": lambda p: p.replace("your question", "your message").replace(
        "Thanks for asking.", "Thanks for your message."
    ),
}


@dataclass(frozen=True)
class Topic:
    """What a message is about, as the message names it: a service noun and whether the
    writer called it their own ("mijn bestelling")."""

    noun: str
    own: bool


def message_topic(text: str | None, language: str | None) -> Topic | None:
    """The first service noun the message names (see _NL_NOUNS), or None: never a guess."""
    pattern = _NL_TOPIC if language == "nl" else _EN_TOPIC
    found = pattern.search(text or "")
    if found is None:
        return None
    owner = found.group(1).lower()
    return Topic(found.group(2).lower(), owner in ("mijn", "m'n", "my"))


def topic_phrase(topic: Topic | None, language: str | None, *, formal: bool = False) -> str:
    """The topic as the reply names it: "je bestelling" / "uw bestelling" for the writer's
    own, else with its article ("het lidmaatschap"); "" without a topic."""
    if topic is None:
        return ""
    if language == "nl":
        if topic.own:
            return f"{'uw' if formal else 'je'} {topic.noun}"
        return f"{_NL_NOUNS.get(topic.noun, 'de')} {topic.noun}"
    return f"{'your' if topic.own else 'the'} {topic.noun}"


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
    text: str | None = None,
    tone: Tone | None = None,
) -> Draft:
    """A four-part draft for a message of `intent`, in Dutch for "nl" and English otherwise.

    `text` is the message: the topic it names (message_topic) is named in the draft; without
    one the draft names none. Spam gets the neutral "other" draft."""
    tone = tone or Tone()
    lang = "nl" if language == "nl" else "en"
    if lang == "nl":
        table = _NL_FORMAL if tone.formal else _NL_INFORMAL
    else:
        table = _EN
    parts = table.get(intent, table["other"])
    phrase = topic_phrase(message_topic(text, lang), lang, formal=tone.formal)
    values = {
        "name": name,
        "topic": phrase,
        "about": f" {'over' if lang == 'nl' else 'about'} {phrase}" if phrase else "",
        "for_topic": f" {'voor' if lang == 'nl' else 'in'} {phrase}" if phrase else "",
    }
    filled = tuple(p.format(**values) for p in parts if p)
    if text is not None and "?" not in text:
        # nobody asked anything: thank for the message, not for a question
        filled = tuple(_NO_QUESTION[lang](p) for p in filled)
    out = " ".join(filled)
    out = re.sub(r"\s+,", ",", re.sub(r"\s{2,}", " ", out)).strip()
    if tone.sign_off:
        out = f"{out} {tone.sign_off}"
    if tone.emoji and intent == "praise":
        out += " 💚"
    return Draft(out, lang, filled, () if name else ("name",))


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
    "Topic",
    "draft_reply",
    "fill_saved_reply",
    "first_name",
    "message_topic",
    "topic_of",
    "topic_phrase",
    "unknown_variables",
]
