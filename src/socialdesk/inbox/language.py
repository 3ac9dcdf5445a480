"""Which language is a message in? lingua-language-detector, offline, over a short list.

The detector only chooses among the languages a Dutch organisation's inbox meets (Dutch,
English, German, French, Spanish, Turkish, Arabic, Polish, Italian, Portuguese): fewer
candidates make it faster and surer on short texts. It runs in lingua's fast mode first and
asks the full models only when the fast answer is unsure, which keeps triage above a few
thousand messages a second on one core.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

LANGUAGES = ("nl", "en", "de", "fr", "es", "tr", "ar", "pl", "it", "pt")
_SURE = 0.80  # fast-mode confidence above which the full models are not asked
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+", re.IGNORECASE)
_MIN_LETTERS = 3


@dataclass(frozen=True)
class LanguageReading:
    language: str | None  # ISO 639-1, None when the text has too few letters to tell
    confidence: float


def _lingua_languages() -> list[Any]:
    from lingua import IsoCode639_1, Language

    return [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in LANGUAGES]


@cache
def _fast() -> Any:
    from lingua import LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(*_lingua_languages())
        .with_low_accuracy_mode()
        .build()
    )


@cache
def _full() -> Any:
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*_lingua_languages()).build()


def _code(language: Any) -> str:
    return str(language.iso_code_639_1.name).lower()


def detect_language(text: str) -> LanguageReading:
    """The language of one text, with lingua's confidence (0..1)."""
    clean = _NOISE.sub(" ", text or "")
    if sum(ch.isalpha() for ch in clean) < _MIN_LETTERS:
        return LanguageReading(None, 0.0)
    values = _fast().compute_language_confidence_values(clean)
    if values and values[0].value >= _SURE:
        return LanguageReading(_code(values[0].language), round(values[0].value, 3))
    values = _full().compute_language_confidence_values(clean)
    if not values:
        return LanguageReading(None, 0.0)
    return LanguageReading(_code(values[0].language), round(values[0].value, 3))


def detect_languages(texts: Sequence[str]) -> list[LanguageReading]:
    return [detect_language(t) for t in texts]


__all__ = ["LANGUAGES", "LanguageReading", "detect_language", "detect_languages"]
