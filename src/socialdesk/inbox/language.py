"""Which language is a message in? Function words first, then lingua-language-detector's fast
mode, offline, over a short list.

The detector only chooses among the languages a Dutch organisation's inbox meets (Dutch,
English, German, French, Spanish, Turkish, Arabic, Polish, Italian, Portuguese): fewer
candidates make it faster and surer on short texts.

1. The clear cases of the two languages the product reads most come before lingua: a text
   with at least three words that only English uses among these languages ("the", "you",
   "with"...) and none that only Dutch uses ("het", "niet", "jullie"...) is English, and the
   other way round; so is a text with two such words that no other of these languages writes
   either (not "no", "so", "to", "me", "of", "we"... for English; not "me", "al", "dan",
   "dit", "kan", "van"... for Dutch) and none of the other's.
2. lingua's fast mode (trigram models, about 25 MB for the ten languages) reads the rest, in
   one batch (`detect_languages`).
3. One such word overrules lingua when lingua named another language or was unsure, and still
   counted English (or Dutch) among its three likeliest: lingua's trigrams read short English
   as Polish, Italian or French ("This album is a masterpiece." pl 0.99), short Dutch as
   Italian or German.
4. When lingua stays unsure (below 0.80) with English or Dutch among its three likeliest,
   lingua's full models (1- to 5-grams) of English and Dutch alone choose between the two,
   all such texts in one batch.

The full models of all ten languages are not loaded: they cost about 300 MB and several
seconds, which `inbox classify` paid for some 2% of the texts; those of English and Dutch
cost about 90 MB, only when a text reaches step 4. On the project's own Dutch and English
messages, public English tweets (TweetEval validation) and Dutch tweets (train part) the
steps answer as well as or better than lingua over ten languages did (issue #19 part 4).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

LANGUAGES = ("nl", "en", "de", "fr", "es", "tr", "ar", "pl", "it", "pt")
_SURE = 0.80  # lingua's confidence from which its answer stands without the words' help
_TOP = 3  # how far down lingua's list English or Dutch may stand for a word to pick it
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+", re.IGNORECASE)
_MIN_LETTERS = 3
# Function words that, among LANGUAGES, only English or only Dutch write (so not "is", "in",
# "was", "die", "de", "te", "en", "er", "will", "also"...).
_EN_ONLY = frozenset(
    "the and you your yours with this that these those have has had for of to are were be been "
    "just they them their we our us from about would should could can't don't doesn't didn't "
    "it it's i'm i've i'll isn't aren't wasn't what when which who why how my me she he his her "
    "there here not no yes if or but so very really thanks thank please".split()
)
_NL_ONLY = frozenset(
    "het een niet ik jij jullie mijn jouw geen voor naar maar nog ook wel zijn wordt worden "
    "heb hebt hebben heeft deze bij dat wat waarom hoe wanneer kan kunnen moet moeten op van "
    "zou zal zullen wij ons onze hun hij zij haar dit mij me gaat gaan nu al dan toch graag "
    "bedankt alstublieft misschien".split()
)
# Of those, the ones that are also a word of another of LANGUAGES or of the other one of the
# two ("no" es/it/pt/pl, "to" pl, "me" es/fr/it/pt, "he" es, "her" de, "or" fr, "so" de,
# "we" "of" "had" "been" "here" nl; "al" es, "dit" fr, "kan" tr, "dan" "van" "hun" en...),
# and "us" and "be", short enough to stand for a name or a country: they count towards three
# words, never in the two of step 1 or the one of step 3.
_EN_STRONG = _EN_ONLY - frozenset("no so to me he her or we of had been here us be".split())
_NL_STRONG = _NL_ONLY - frozenset("me al dan nu dit kan hun van op".split())
_WORD = re.compile(r"[a-z']+")
_FAST_MIN_WORDS = 3
_STRONG_MIN_WORDS = 2
_ARBITERS = ("en", "nl")  # the languages whose full models settle an unsure reading


@dataclass(frozen=True)
class LanguageReading:
    language: str | None  # ISO 639-1, None when the text has too few letters to tell
    confidence: float


@dataclass(frozen=True)
class _Words:
    """How many of a text's words only English or only Dutch writes (all, and strong ones)."""

    english: int
    dutch: int
    strong_english: int
    strong_dutch: int


def _lingua_languages(codes: Sequence[str] = LANGUAGES) -> list[Any]:
    from lingua import IsoCode639_1, Language

    return [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes]


@cache
def _fast() -> Any:
    from lingua import LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(*_lingua_languages())
        .with_low_accuracy_mode()
        .build()
    )


@cache
def _arbiter() -> Any:
    """lingua's full models of English and Dutch only (about 90 MB, loaded on first use)."""
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*_lingua_languages(_ARBITERS)).build()


def _code(language: Any) -> str:
    return str(language.iso_code_639_1.name).lower()


def _words(clean: str) -> _Words:
    english = dutch = strong_english = strong_dutch = 0
    for word in _WORD.findall(clean.lower()):
        if word in _EN_ONLY:
            english += 1
            strong_english += word in _EN_STRONG
        elif word in _NL_ONLY:
            dutch += 1
            strong_dutch += word in _NL_STRONG
    return _Words(english, dutch, strong_english, strong_dutch)


def _by_words(words: _Words) -> LanguageReading | None:
    """English or Dutch from their own function words, when the text leaves no doubt.

    The confidence (0.83 for two strong words, 0.85 for three words, up to 0.99) is this
    rule's own, not lingua's."""
    for language, own, strong, other in (
        ("en", words.english, words.strong_english, words.dutch),
        ("nl", words.dutch, words.strong_dutch, words.english),
    ):
        if other:
            continue
        if own >= _FAST_MIN_WORDS:
            return LanguageReading(language, round(min(0.99, 0.79 + 0.02 * own), 3))
        if strong >= _STRONG_MIN_WORDS:
            return LanguageReading(language, round(0.79 + 0.02 * strong, 3))
    return None


def _clear_case(clean: str) -> LanguageReading | None:
    """The answer of the function words alone (step 1), or None when lingua must be asked."""
    return _by_words(_words(clean))


def _has_letters(text: str) -> bool:
    letters = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if letters >= _MIN_LETTERS:
                return True
    return False


def _prepared(text: str | None) -> tuple[str, _Words | None, LanguageReading | None]:
    """The text without links, mentions and hashtags, its function words, and the answer
    when no model is needed."""
    clean = _NOISE.sub(" ", text) if text else ""
    if not _has_letters(clean):
        return clean, None, LanguageReading(None, 0.0)
    words = _words(clean)
    return clean, words, _by_words(words)


def _with_lingua(values: Any, words: _Words) -> tuple[LanguageReading, bool]:
    """lingua's reading (its confidence values, likeliest first) with the words' help, and
    whether English and Dutch's full models should choose instead (step 4)."""
    if not values:
        return LanguageReading(None, 0.0), False
    top = [_code(v.language) for v in values[:_TOP]]
    best = LanguageReading(top[0], round(values[0].value, 3))
    if words.strong_english and not words.dutch and "en" in top and best.language != "en":
        return LanguageReading("en", 0.6), False
    if words.strong_dutch and not words.english and "nl" in top and best.language != "nl":
        return LanguageReading("nl", 0.6), False
    # the English/Dutch models only settle a text that lingua reads as one of the two, or as
    # a toss-up with one of them next: asked about "No funciona" (pt, es) they would pick
    # between English and Dutch with confidence, and a French or Spanish message would lose
    # its language
    second = top[1] if len(top) > 1 else None
    close = second in _ARBITERS and values[0].value < 0.5
    return best, best.confidence < _SURE and (best.language in _ARBITERS or close)


def _confidences(detector: Callable[[], Any], texts: list[str]) -> list[Any]:
    """lingua's confidence values of each text: the first text alone, so that the models it
    needs are loaded once, then the rest in parallel. (lingua loads a language's models when
    a text first needs them; its threads, started on a batch, would each load them: on two
    cores the English and Dutch full models cost about 0.25 CPU seconds loaded once and up
    to 0.6 loaded by racing threads, the ten languages' trigrams 0.09 and 0.12.)"""
    if not texts:
        return []
    first = detector().compute_language_confidence_values(texts[0])
    if len(texts) == 1:
        return [first]
    return [first, *detector().compute_language_confidence_values_in_parallel(texts[1:])]


def detect_language(text: str) -> LanguageReading:
    """The language of one text, with its confidence (0..1)."""
    return detect_languages([text])[0]


def detect_languages(texts: Sequence[str]) -> list[LanguageReading]:
    """The languages of many texts, lingua asked once for those the words do not settle."""
    prepared = [_prepared(t) for t in texts]
    out: list[LanguageReading | None] = [known for _clean, _words, known in prepared]
    todo = [i for i, known in enumerate(out) if known is None]
    values = _confidences(_fast, [prepared[i][0] for i in todo])
    unsure = []
    for i, v in zip(todo, values, strict=True):
        words = prepared[i][1]
        assert words is not None
        out[i], ask = _with_lingua(v, words)
        if ask:
            unsure.append(i)
    if unsure:
        for i, v in zip(
            unsure, _confidences(_arbiter, [prepared[i][0] for i in unsure]), strict=True
        ):
            if v:  # else lingua's fast reading stays
                out[i] = LanguageReading(_code(v[0].language), round(v[0].value, 3))
    return [r if r is not None else LanguageReading(None, 0.0) for r in out]


__all__ = ["LANGUAGES", "LanguageReading", "detect_language", "detect_languages"]
