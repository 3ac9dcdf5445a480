"""Lexicon sentiment, intent rules, language and priority: checked on texts and by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from socialdesk.inbox.intent import read_intent, urgency
from socialdesk.inbox.language import detect_language, detect_languages
from socialdesk.inbox.sentiment import (
    dutch_lexicon,
    dutch_polarity,
    dutch_score,
    read_sentiment,
    service_signals,
)
from socialdesk.inbox.triage import (
    prioritise,
    priority,
    reach_factor,
    triage_frame,
    triage_text,
    triage_texts,
)


def test_vendored_pattern_lexicon_is_complete_and_licensed():
    from socialdesk.inbox.sentiment import DATA

    lines = [
        line
        for line in (DATA / "pattern_nl_sentiment.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and not line.startswith("form\t")
    ]
    assert len(lines) == 3918  # every <word> entry of nl-sentiment.xml v1.2
    assert "PDDL" in (DATA / "pattern_nl_sentiment.txt").read_text(encoding="utf-8")[:2000]
    assert (DATA / "PATTERN_LICENSE.txt").is_file()
    # "slecht" has one sense, polarity -0.7 in the XML
    assert dutch_lexicon()["slecht"][0] == pytest.approx(-0.7)


def _squash(total: float) -> float:
    """The summed polarity squashed into -1..1, as dutch_score does (alpha 1)."""
    return total / math.sqrt(total * total + 1.0)


def test_dutch_score_by_hand():
    # "mooi": two senses of 0.7 -> 0.7, squashed: 0.7 / sqrt(0.49 + 1) = 0.573
    assert dutch_score("mooi")[0] == pytest.approx(0.7 / math.sqrt(1.49))
    # "heel" intensifies x1.6 -> 1.12, capped at 1.0 per word, and does not count itself
    assert dutch_score("heel mooi") == (pytest.approx(_squash(1.0)), 1)
    # negation within three words turns it round with VADER's factor 0.74
    assert dutch_score("niet mooi")[0] == pytest.approx(_squash(-0.7 * 0.74))
    # summed over the lexicon words found: slecht -0.7 and mooi 0.7
    assert dutch_score("slecht en mooi")[0] == pytest.approx(0.0)
    # two positive words weigh more than one
    assert dutch_score("mooi en fijn")[0] > dutch_score("mooi")[0]
    assert dutch_score("de trein")[1] == 0


def test_dutch_function_words_and_inflections():
    # Pattern lists "naar" (nasty), "waar" and "laat" as adjectives; in a message they are
    # "to", "where" and "let": they must not make a plain sentence negative
    assert dutch_score("Ik ga morgen naar Utrecht, waar laat ik de fiets?") == (0.0, 0)
    # inflected, comparative and superlative forms read as their base adjective
    assert dutch_polarity("mooiere") == pytest.approx(dutch_lexicon()["mooi"][0])
    assert dutch_polarity("slechtste") == pytest.approx(-0.7)
    assert dutch_polarity("prachtige") == pytest.approx(dutch_lexicon()["prachtig"][0])
    assert dutch_polarity("trein") is None
    # nouns and verbs from socialdesk's own list (Pattern has adjectives only)
    assert read_sentiment("Wat een schande, het kabinet heeft gefaald", "nl").label == "negative"
    assert read_sentiment("Gefeliciteerd met de overwinning!", "nl").label == "positive"


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        ("Bedankt voor de snelle hulp, top!", "nl", "positive"),
        ("Waardeloze service, ik ben echt teleurgesteld", "nl", "negative"),
        ("De trein vertrekt om negen uur", "nl", "neutral"),
        ("Thanks so much, you are amazing!", "en", "positive"),
        ("This is the worst service ever, I hate it", "en", "negative"),
        ("The store opens at nine", "en", "neutral"),
        ("😡😡😡", "nl", "negative"),
    ],
)
def test_sentiment_labels(text, language, label):
    reading = read_sentiment(text, language)
    assert reading.label == label
    assert 0.34 <= reading.confidence <= 0.95


def test_service_rules_make_a_polite_complaint_negative():
    text = "Still no answer to my refund request, this is the third time I asked"
    assert {"still_waiting", "refund"} <= set(service_signals(text))
    assert read_sentiment(text, "en").label == "negative"
    assert service_signals("Waiting for the weekend!") == ()
    # the rules run on the lower-cased text: capitals change nothing
    assert service_signals(text.upper()) == service_signals(text)
    assert read_intent("NOG STEEDS GEEN ANTWOORD OP MIJN KLACHT").intent == "complaint"
    assert urgency("complaint", 0, "NOG STEEDS") == urgency("complaint", 0, "nog steeds")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Ik wil een klacht indienen over mijn bestelling", "complaint"),
        ("Wanneer is de volgende open dag?", "question"),
        ("Bedankt, geweldig gedaan!", "praise"),
        ("Wat kost een lidmaatschap voor een bedrijf?", "lead"),
        ("Can I speak to a real person please?", "human"),
        ("Free followers! check my bio http://a.example http://b.example", "spam"),
        ("Jullie zijn een stel idioten", "abuse"),
        ("Er is een datalek, mijn gegevens staan online. Ik stap naar de pers", "crisis"),
        ("Ok", "other"),
    ],
)
def test_intents(text, intent):
    assert read_intent(text, read_sentiment(text, None).score).intent == intent


def test_urgency_orders_intents_and_repeats():
    assert urgency("crisis", 0, "x") > urgency("complaint", 0, "x") > urgency("praise", 0, "x")
    assert urgency("complaint", 0, "nog steeds niets") == pytest.approx(
        urgency("complaint", 0, "x") + 0.15
    )
    assert urgency("spam", -1, "x") == pytest.approx(0.02)


def test_language_detection():
    assert detect_language("Waar blijft mijn pakket? Al drie weken gewacht!").language == "nl"
    assert detect_language("Where is my parcel? I have waited three weeks!").language == "en"
    assert detect_language("ok 👍").language is None  # too few letters to tell


MIXED = [
    "Thank you for the quick help, I really appreciate it",  # clear English: no model asked
    "Ik heb nog steeds geen antwoord van jullie gehad",  # clear Dutch: no model asked
    "Wo bleibt mein Paket? Ich warte seit drei Wochen",
    "Merci beaucoup pour votre aide rapide",
    "Hallo",
    "",
    "👍👍",
    "@user https://example.com #tbt",
]


def test_language_fast_path_and_batches_agree_with_lingua():
    from socialdesk.inbox.language import _clear_case

    english = _clear_case("Thank you for the quick help, I really appreciate it")
    assert english is not None and english.language == "en"
    assert english.confidence == pytest.approx(0.79 + 0.02 * 6)  # thank you for the really it
    assert _clear_case("Ik heb nog steeds geen antwoord van jullie gehad").language == "nl"
    assert _clear_case("Wo bleibt mein Paket? Ich warte seit drei Wochen") is None  # lingua
    assert _clear_case("I zie het niet, the the the") is None  # both: lingua decides
    one_by_one = [detect_language(t) for t in MIXED]
    assert detect_languages(MIXED) == one_by_one
    languages = [r.language for r in one_by_one]
    assert languages[:4] == ["en", "nl", "de", "fr"]
    assert languages[5:] == [None, None, None]  # nothing, emoji only, links and names only


def test_triage_texts_equals_triage_text():
    languages = [None, None, "de", None, "nl", None, None, "en"]
    assert triage_texts(MIXED, languages) == [
        triage_text(t, lang) for t, lang in zip(MIXED, languages, strict=True)
    ]


def test_priority_by_hand():
    now = dt.datetime(2025, 1, 2, 12, 0)
    # urgency 0.5, 999 followers -> reach 1 + log10(1000)/2 = 2.5, 24 h waiting -> 2.0
    assert reach_factor(999) == pytest.approx(2.5)
    assert priority(0.5, 999, now - dt.timedelta(hours=24), now) == pytest.approx(2.5)
    assert priority(0.5, None, now, now) == pytest.approx(0.5)
    assert priority(0.5, float("nan"), now - dt.timedelta(days=10), now) == pytest.approx(
        1.5
    )  # capped at 3
    queue = pd.DataFrame(
        {
            "urgency": [0.2, 0.9, 0.5],
            "author_followers": [None, 0, 99_999],
            "waiting_since": [now - dt.timedelta(hours=1), now, now - dt.timedelta(hours=48)],
        }
    )
    ranked = prioritise(queue, now)
    assert ranked.index.tolist() == [2, 1, 0]


def test_triage_frame_keeps_columns_and_uses_given_language():
    frame = pd.DataFrame({"id": [1, 2], "body": ["mooi", "mooi"], "lang": ["nl", "en"]})
    out = triage_frame(frame, text_column="body", language_column="lang")
    assert list(frame.columns) == ["id", "body", "lang"]  # input unchanged
    assert out["language"].tolist() == ["nl", "en"]
    assert out.loc[0, "sentiment"] == "positive"  # Dutch lexicon: 0.7
    assert out.loc[1, "sentiment"] == "neutral"  # not an English word
    assert (
        out["confidence"] == out[["sentiment_confidence", "intent_confidence"]].min(axis=1)
    ).all()
    assert triage_text("").sentiment == "neutral"
    assert not math.isnan(triage_text("Top!").urgency)


def _project_texts() -> list[str]:
    """The project's own English and Dutch messages (benchmarks/data, Apache-2.0)."""
    import csv
    from pathlib import Path

    data = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
    texts = []
    for path in (
        data / "english_messages" / "messages.csv",
        *sorted((data / "dutch_customer_service").glob("*.csv")),
    ):
        with path.open(encoding="utf-8", newline="") as fh:
            texts += [row["text"] for row in csv.DictReader(fh)]
    return texts


def _rule_texts(patterns: list[str], count: int = 3000) -> list[str]:
    """Texts glued from the words and phrases of the rules themselves, so that nearly every
    rule matches some of them (with a question mark, an emoji, a link or capitals here and
    there): the gates must let every match through."""
    import random
    import re

    pieces = re.findall(r"[\w' #:/.@-]+", " ".join(patterns))
    rng = random.Random(7)
    out = []
    for i in range(count):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
        text += rng.choice(("", "?", "!", " 👍", " ❤️", "\nhoe gaat het", " https://x.nl"))
        out.append(text.upper() if i % 7 == 0 else text)
    return out


def test_intent_gates_give_the_answers_of_every_rule():
    from socialdesk.inbox import intent

    def every_rule(text: str) -> dict[str, float]:  # intent_evidence without the gates
        low = text.lower()
        out: dict[str, float] = {}
        for name, rules in intent._COMPILED.items():
            total = sum(w for w, rx in rules if rx.search(low))
            if total:
                out[name] = total
        return out

    patterns = [rx for rules in intent._RULES.values() for _w, rx in rules]
    texts = _project_texts() + _rule_texts(patterns)
    matched = 0
    for text in texts:
        expected = every_rule(text)
        got = intent.intent_evidence(text)
        assert got == expected and list(got) == list(expected), text
        matched += bool(expected)
    assert matched > len(texts) // 2  # the texts do reach the rules
    # every rule is gated by what its matches open with, or runs always; none is forgotten
    gate = intent._GATE
    gated = set(gate.always)
    for rules in (*gate.by_key.values(), *(r for _t, r in gate.by_text)):
        gated.update(rules)
    assert gated == set(range(len(intent._FLAT)))


def test_service_gates_give_the_answers_of_every_rule():
    from socialdesk.inbox import sentiment

    rules = sentiment._SERVICE_RULES
    texts = _project_texts() + _rule_texts([rx.pattern for _n, rx in rules])
    for text in texts:
        low = text.lower()
        assert service_signals(text) == tuple(n for n, rx in rules if rx.search(low)), text


def test_rule_gate_reads_what_a_match_opens_with():
    import re

    from socialdesk.inbox.intent import RuleGate

    patterns = [
        re.compile(r"\b(klacht|klagen|complain\w*)"),  # 0: runs that open with klac, klag, comp
        re.compile(r"\?"),  # 1: a "?" anywhere
        re.compile(r"\d+ dagen"),  # 2: a class of characters first: always runs
        re.compile(r"\b(refund|#metoo)"),  # 3: refu at a run's start, or "#metoo" anywhere
        re.compile(r"^\s*(hoe|wat)\b", re.MULTILINE),  # 4: a line's first word
        re.compile(r"(?i)\bstop"),  # 5: ignoring case: always runs
    ]
    gate = RuleGate.of(patterns)
    assert gate.always == {2, 5}
    assert gate.candidates("ik heb een klacht") == {0, 2, 5}
    assert gate.candidates("de klachtenlijn, en een refund?") == {0, 1, 2, 3, 5}
    assert gate.candidates("zie #metoo") == {2, 3, 5}
    assert gate.candidates("  hoe dan") == {2, 4, 5}
    assert gate.candidates("zie een plaatje") == {2, 5}  # "klac" inside a word: not a start
    assert gate.candidates("wat") == {2, 4, 5}  # a word met before, from the memo
    assert gate.candidates("wat") == {2, 4, 5}


def test_triage_texts_reads_a_repeated_text_once_and_the_same():
    texts = ["Still no refund after 3 weeks!", "Top service, dank je wel", "", None, "mooi"]
    repeated = [*texts, *texts, "mooi"]
    rows = triage_texts(repeated)  # type: ignore[arg-type]
    assert rows == [triage_text(t or "") for t in repeated]
    assert rows[0] is rows[len(texts)]  # one reading for the same text
    # the same text with another language given is read again, in that language
    given = triage_texts(["mooi", "mooi", "mooi"], ["nl", "en", None])
    assert [r.language for r in given[:2]] == ["nl", "en"]
    assert given[0].sentiment != given[1].sentiment
    with pytest.raises(ValueError):
        triage_texts(["a", "b"], ["nl"])


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"\bx(a?b)", "xab"),  # an optional item opening a group after text
        (r"\bcan(t| ?not)", "i can not"),
        (r"\bno(\s*way)", "no way"),
        (r"(?a)\bfoo", "éfoo"),  # ASCII word boundaries: é is not a letter there
        (r"(?i)\bKLACHT", "een klacht"),
    ],
)
def test_the_gate_never_skips_a_rule_that_matches(pattern, text):
    import re

    from socialdesk.inbox.intent import RuleGate

    rx = re.compile(pattern, re.MULTILINE)
    assert rx.search(text)
    assert RuleGate.of([rx]).candidates(text) == {0}
