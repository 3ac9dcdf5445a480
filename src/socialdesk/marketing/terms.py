"""Words to comparable terms: tokens, stop words, Dutch and English stems, split compounds.

A query ("subsidie groene daken amsterdam") and a caption ("Ook subsidie voor je groendak?")
meet when they share a term. The steps:

1. lower-case tokens of letters and digits (URLs and @handles dropped, # kept off hashtags);
2. stop words out (YAKE's Dutch and English lists, which ship with the package);
3. Snowball stems in the text's language (Dutch by default), then two Dutch repairs the
   Snowball stemmer leaves undone: a doubled vowel is undoubled ("daken" -> "daak" -> "dak")
   and a final -e is dropped ("groene" -> "groen"), so plural and inflected forms meet;
4. compounds split on the shared vocabulary: "groendak" also counts as "groen" + "dak" when
   both halves occur as words elsewhere (Dutch writes compounds as one word).

English words are stemmed with the English stemmer when a text is known to be English; no
translation happens ("subsidy" and "subsidie" stay apart).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_URL = re.compile(r"https?://\S+|www\.\S+|\S+\.(?:nl|com|org|be|eu|net)(?:/\S*)?", re.IGNORECASE)
_HANDLE = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#([^\W_][\w]*)", re.UNICODE)
_DOUBLE_VOWEL = re.compile(r"(aa|ee|oo|uu)")
MIN_LENGTH = 3
# Words that say what people want to do, not what about: never the head of a topic.
MODIFIERS = frozenset(
    {
        "kopen",
        "kop",
        "bestellen",
        "bestel",
        "goedkoop",
        "goedkop",
        "beste",
        "best",
        "online",
        "buy",
        "cheap",
        "near",
        "prijs",
        "price",
        "gratis",
        "free",
        "zelf",
        "maken",
        "mak",
        "wat",
        "hoe",
        "how",
        "what",
        "waar",
        "where",
        "nieuw",
        "new",
    }
)


@cache
def stopwords(language: str) -> frozenset[str]:
    """YAKE's stop word list for `language` ("nl", "en"), empty when it has none."""
    import yake

    path = Path(yake.__file__).parent / "core" / "StopwordsList" / f"stopwords_{language}.txt"
    if not path.exists():
        return frozenset()
    words = path.read_text(encoding="utf-8", errors="replace").split()
    return frozenset(w.strip().lower() for w in words if w.strip())


@cache
def _stemmer(language: str) -> Any:  # a snowballstemmer stemmer (the package is untyped)
    import snowballstemmer

    return snowballstemmer.stemmer("english" if language == "en" else "dutch")


def _repair(stem: str, language: str) -> str:
    if language == "en":
        return stem
    stem = _DOUBLE_VOWEL.sub(lambda m: m.group(0)[0], stem)
    if len(stem) > MIN_LENGTH and stem.endswith("e"):
        stem = stem[:-1]
    return stem


@cache
def stem(word: str, language: str = "nl") -> str:
    """The comparable form of one lower-case word."""
    return _repair(_stemmer(language).stemWord(word), language)


@cache
def _stops() -> frozenset[str]:
    return stopwords("nl") | stopwords("en")


def tokens(text: str | None) -> list[str]:
    """Lower-case words of a text, without links, handles, digits-only words or stop words."""
    if not text:
        return []
    text = _HANDLE.sub(" ", _URL.sub(" ", text)).lower()
    stops = _stops()
    return [
        t
        for t in _TOKEN.findall(text)
        if len(t) >= MIN_LENGTH and not t.isdigit() and t not in stops
    ]


def stems(text: str | None, language: str | None = None) -> list[str]:
    """The stems of a text's words, in order (repeats kept)."""
    lang = "en" if language and language.lower().startswith("en") else "nl"
    return list(_stems(text or "", lang))


@lru_cache(maxsize=200_000)
def _stems(text: str, lang: str) -> tuple[str, ...]:
    return tuple(stem(t, lang) for t in tokens(text))


HEAD_LENGTH = 5


def split_compound(word: str, vocabulary: frozenset[str] | set[str]) -> tuple[str, ...]:
    """("groen", "dak") for "groendak" when both halves are in `vocabulary`; ("vrijwil",) for
    "vrijwilligerswerk" when only a head of at least five letters is (Dutch compounds put the
    thing named first less often than the kind: a word's long known head still says what it
    is about); else ()."""
    for i in range(MIN_LENGTH, len(word) - MIN_LENGTH + 1):
        head, tail = word[:i], word[i:]
        if head in vocabulary and tail in vocabulary:
            return head, tail
    for i in range(len(word) - MIN_LENGTH, HEAD_LENGTH - 1, -1):
        if word[:i] in vocabulary:
            return (word[:i],)
    return ()


def hashtags(text: str | None) -> list[str]:
    """The hashtags of a text, lower-case, without '#'."""
    return [h.lower() for h in _HASHTAG.findall(text or "")]


def term_sets(
    texts: Iterable[str | None],
    languages: Iterable[str | None] | None = None,
    vocabulary: set[str] | None = None,
) -> list[frozenset[str]]:
    """Each text's set of stems, compounds also counted as their halves.

    `vocabulary` is the set of stems compounds are split on (default: the stems of `texts`).
    """
    texts = list(texts)
    langs = list(languages) if languages is not None else [None] * len(texts)
    raw = [stems(t, lang) for t, lang in zip(texts, langs, strict=True)]
    vocab = vocabulary if vocabulary is not None else {s for r in raw for s in r}
    out = []
    for words in raw:
        found = set(words)
        for w in words:
            found.update(split_compound(w, vocab))
        out.append(frozenset(found))
    return out


def surface_names(texts: Iterable[str | None], language: str = "nl") -> dict[str, str]:
    """stem -> the word most often written for it (to name a topic as people write it)."""
    counts: dict[str, dict[str, int]] = {}
    count_surfaces(texts, counts, language)
    return names_of(counts)


def count_surfaces(
    texts: Iterable[str | None], counts: dict[str, dict[str, int]], language: str = "nl"
) -> None:
    """Add the words of `texts` to `counts` (stem -> word -> times written), text by text, so
    that texts read in batches give the names `surface_names` gives them all at once."""
    for text in texts:
        for t in tokens(text):
            by = counts.setdefault(stem(t, language), {})
            by[t] = by.get(t, 0) + 1


def names_of(counts: dict[str, dict[str, int]]) -> dict[str, str]:
    """stem -> the word most often written for it, from `count_surfaces`'s counts."""
    return {s: max(sorted(by), key=lambda w: by[w]) for s, by in counts.items()}


__all__ = [
    "MODIFIERS",
    "count_surfaces",
    "hashtags",
    "names_of",
    "split_compound",
    "stem",
    "stems",
    "surface_names",
    "term_sets",
    "tokens",
]
