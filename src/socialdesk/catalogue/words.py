"""Words for values the data carries as the exports wrote them (words.toml): the metrics'
units, the ads' result types and attribution settings, in Dutch and English.

    unit_name("people", "nl")                         # "personen"
    result_type_name("Link clicks", "nl")             # "Linkklikken" (the metric's name)
    result_type_name("Sign-ups via chat", "nl")       # unknown: as the export wrote it
    result_type_word("Conversions")                   # "conversies" in a Dutch sentence (a Word)
    attribution_name("7-day click or 1-day view", "nl")  # "7 dagen na klikken of 1 dag na bekijken"

A result type that is a catalogue metric ("Reach", "Link clicks") takes the metric's name
(`short`), so a page says one word for one thing.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from socialdesk.catalogue.catalogue import UNITS, CatalogueError, Word, registry

WORDS_FILE = Path(__file__).with_name("words.toml")
LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Words:
    units: dict[str, dict[str, str]]
    result_types: dict[str, dict[str, str]]  # what an export writes, lower case -> {nl, en}
    result_nouns: dict[str, dict[str, str]]  # the same in a sentence ("18 more link clicks")
    attribution: dict[str, Any]


def _both(where: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or any(not value.get(lang) for lang in LANGUAGES):
        raise CatalogueError(f"{where}: needs a text in {' and '.join(LANGUAGES)}")
    return {lang: str(value[lang]) for lang in LANGUAGES}


def read_words(path: Path = WORDS_FILE) -> Words:
    """Read and check words.toml; raises CatalogueError naming what is wrong."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    units = {key: _both(f"units.{key}", value) for key, value in raw.get("units", {}).items()}
    missing = sorted(set(UNITS) - set(units))
    if missing:
        raise CatalogueError(f"units.{missing[0]}: every unit of metrics.toml needs its words")
    metrics = registry().metrics
    result_types: dict[str, dict[str, str]] = {}
    result_nouns: dict[str, dict[str, str]] = {}
    for key, body in raw.get("result_types", {}).items():
        where = f"result_types.{key}"
        if "metric" in body:
            metric = metrics.get(body["metric"])
            if metric is None:
                raise CatalogueError(f"{where}: no metric {body['metric']!r} in the catalogue")
            word = {lang: metric.short_in(lang) for lang in LANGUAGES}
            noun = {lang: metric.noun_in(lang) for lang in LANGUAGES}
        else:
            word = _both(f"{where}.word", body.get("word"))
            noun = (
                _both(f"{where}.noun", body["noun"])
                if "noun" in body
                else {lang: text[:1].lower() + text[1:] for lang, text in word.items()}
            )
        for seen in body.get("seen", ()):
            if seen.lower() in result_types:
                raise CatalogueError(f"{where}: {seen!r} is listed twice")
            result_types[seen.lower()] = word
            result_nouns[seen.lower()] = noun
    att = raw.get("attribution", {})
    attribution = {
        "or": _both("attribution.or", att.get("or")),
        "one": _both("attribution.window.one", att.get("window", {}).get("one")),
        "many": _both("attribution.window.many", att.get("window", {}).get("many")),
        "action": {
            key: _both(f"attribution.action.{key}", value)
            for key, value in att.get("action", {}).items()
        },
    }
    return Words(
        units=units, result_types=result_types, result_nouns=result_nouns, attribution=attribution
    )


@cache
def words() -> Words:
    """The words socialdesk ships (words.toml), read once."""
    return read_words()


def _lang(locale: str) -> str:
    return locale if locale in LANGUAGES else "en"


def unit_name(unit: str, locale: str) -> str:
    """A metric's unit in `locale`; an unknown unit as it is."""
    found = words().units.get(unit)
    return found[_lang(locale)] if found else unit


def result_type_name(raw: str | None, locale: str) -> str:
    """An ad result type in `locale`: the catalogue's word when it knows the type, else the
    text as the export wrote it ("" for none)."""
    if not raw:
        return ""
    found = words().result_types.get(raw.strip().lower())
    return found[_lang(locale)] if found else raw


class ResultType(Word):
    """A known result type in a sentence: a Word that keeps the text the export wrote
    (`raw`, what the data and the `--value` options match on)."""

    raw: str

    def __new__(cls, texts: dict[str, str], raw: str = "") -> ResultType:
        self = cast("ResultType", super().__new__(cls, texts))
        self.raw = raw
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (ResultType, (dict(self.texts), self.raw))


def result_type_word(raw: str) -> ResultType | str:
    """An ad result type in a sentence (a Phrase's value: "about 18 more conversions"): a
    Word, lower case, that a page says in its language when the type is known (its `raw` the
    export's text), else the text as the export wrote it."""
    found = words().result_nouns.get(raw.strip().lower()) if raw else None
    return ResultType(found, raw) if found else raw


_WINDOW = re.compile(r"^(\d+)[- ]day (click|view|engaged-view)$", re.IGNORECASE)
_PARTS = re.compile(r",\s*(?:or\s+)?|\s+or\s+", re.IGNORECASE)


def attribution_name(raw: str | None, locale: str) -> str:
    """An attribution setting ("7-day click or 1-day view") in `locale`; a setting it cannot
    read as it is."""
    if not raw:
        return ""
    table = words().attribution
    lang = _lang(locale)
    shown: list[str] = []
    for part in _PARTS.split(raw.strip()):
        m = _WINDOW.match(part.strip())
        action = table["action"].get(m[2].lower()) if m else None
        if m is None or action is None:
            return raw
        n = int(m[1])
        pattern: str = table["one" if n == 1 else "many"][lang]
        shown.append(pattern % {"n": n, "action": action[lang]})
    if len(shown) == 1:
        return shown[0]
    or_word: str = table["or"][lang]
    return ", ".join(shown[:-1]) + or_word + shown[-1]
