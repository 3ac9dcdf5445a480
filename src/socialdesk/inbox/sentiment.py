"""Sentiment out of the box: lexicons and rules, nothing downloaded, no text model.

The evidence (`lexicon_features`):
- English: VADER (vaderSentiment), which reads emoji, negation, intensifiers, capitals and
  exclamation marks; the public-domain Pattern lexicon of English adjectives (vendored in data/,
  PDDL) with its modifiers ("very good") and negations ("not good"); and labMT 1.0, the
  happiness of 10,222 frequent English words rated by people (vendored, CC BY). Hashtags are
  split into words ("#NotGood", "#notgood" -> "not good") and elongations shortened
  ("soooo goooood" -> "so good") before VADER reads the text.
- Dutch: the public-domain Pattern lexicon of Dutch adjectives (vendored in data/, PDDL):
  the polarities of the lexicon words summed and squashed into -1..1 as VADER does, an
  intensifier such as "heel" or "erg" multiplies the next word, a negation within three words
  turns it round; inflected forms read as their base ("mooiere", "slechtste") and compounds as
  their last part ("klantonvriendelijk" -> "onvriendelijk"); function words that Pattern lists
  as adjectives ("naar", "waar", "laat") are left out; completed by a list of nouns and verbs
  that social-media messages use and Pattern's adjectives lack ("bedankt", "gefeliciteerd",
  "klacht", "schande", "gefaald"). These word lists (negations, intensifiers, dampeners, the
  left-out adjectives, the extra words and emoji) are data files in data/, whose SOURCES.md
  says where each comes from.
- Emoji in any language: VADER's emoji descriptions scored by VADER.
- The shape of the message: links, mentions, hashtags, length, question and exclamation marks,
  ALL CAPS, elongations, negations, digits (news-like, announcing messages are mostly neutral).
- Service messages: rules for what a customer-service complaint looks like (delays, refunds,
  "still no answer", contacting again), which make the reading negative.
- Dutch complaints without strong adjectives ("Lange wachttijd.", "Pakket nooit ontvangen.",
  "Eten was koud."): the phrases of data/nl_complaint_phrases.txt (waiting, food, staff, wrong
  orders and bills, broken products, no answer, money back, delivery, repeats, discontent),
  not counted after a negation or in a condition ("als het pakket niet komt"), and dropped
  when the message says the problem was resolved ("toch nog ontvangen"). Any one makes a Dutch
  reading negative; for Dutch, "refund" and "cancel" alone no longer do ("Hoe vraag ik een
  terugbetaling aan?" is a question).

The fusion (`fusion_probabilities`): per language a multinomial logistic regression over these
numbers turns them into the probabilities of negative / neutral / positive. Its few weights
(data/sentiment_fusion.json) come from licence-clean inputs only (issue #19; data/SOURCES.md
says how each number was made): English fitted by benchmarks/fit_sentiment_fusion.py on the
project's own labelled English messages, Dutch set by a documented rule over the Dutch
lexicon's polarity (one threshold, chosen on the project's own Dutch customer-service
messages). No evaluate-only data set (TweetEval, the Dutch political tweets) trained or chose
any of them; their test splits are only scored (benchmarks/triage_quality.py). The label is
the most probable class and the confidence its probability; the score (-1..1) stays the
lexicon's polarity (VADER's compound, the Dutch lexicon's sum), which intent and urgency read.
"""

# ruff: noqa: E501 - tables of patterns and phrases read best one per line
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from operator import itemgetter, mul, sub, truediv
from pathlib import Path
from typing import Any

from socialdesk.inbox.intent import RuleGate

DATA = Path(__file__).parent / "data"
SENTIMENTS = ("negative", "neutral", "positive")

_TOKEN = re.compile(r"[#@]?[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")


# The word lists are data files in data/ (SOURCES.md there says where each comes from), read
# once: one entry a line, "word<TAB>value" where a list carries values, "#" lines comments.
def _entries(name: str) -> list[list[str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [
            line.rstrip("\n").split("\t")
            for line in fh
            if line.strip() and not line.startswith("#")
        ]


@cache
def word_list(name: str) -> frozenset[str]:
    """The words of a data/ list (`nl_negations.txt`, `nl_ignore.txt`, `en_negations.txt`)."""
    return frozenset(entry[0] for entry in _entries(name))


@cache
def word_values(name: str) -> dict[str, float]:
    """word -> value of a data/ list (`nl_social_words.txt`, `nl_intensifiers.txt`,
    `nl_dampeners.txt`, `emoji_valences.txt`), in the file's order."""
    return {word: float(value) for word, value in _entries(name)}


@cache
def _nl_negations() -> frozenset[str]:
    return word_list("nl_negations.txt")


@cache
def _nl_ignore() -> frozenset[str]:
    return word_list("nl_ignore.txt")


@cache
def _en_negations() -> frozenset[str]:
    return word_list("en_negations.txt")


@cache
def _nl_intensifiers() -> dict[str, float]:
    return word_values("nl_intensifiers.txt")


@cache
def _nl_dampeners() -> dict[str, float]:
    return word_values("nl_dampeners.txt")


# What a service complaint looks like, in both languages: each match is evidence of a
# negative experience whatever the adjectives say.
# Written in lower case and run on the lower-cased text (faster than re.IGNORECASE).
_SERVICE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx))
    for name, rx in (
        (
            "still_waiting",
            r"\b(still (no (answer|reply|response|refund|word from you)|haven'?t (heard|received|got)|waiting)|nog steeds (geen|niet|niks|niets|wachten)|nog altijd (geen|niet)|no (answer|reply|response) yet|geen (antwoord|reactie|reply) (meer |nog )?(gehad|ontvangen|gekregen))",
        ),
        (
            "repeat_contact",
            r"\b((second|third|fourth|3rd|2nd|4th) time (i|we)|(al|voor de) (twee|drie|vier|vijf|\d+)(de)? ?(keer|maal) (gebeld|gemaild|gevraagd|contact)|opnieuw (gebeld|gemaild|contact)|keer gebeld|times? (called|emailed|asked|contacted))",
        ),
        (
            "delay",
            r"\b(delayed|vertraagd|vertraging|te laat (geleverd|bezorgd|aangekomen)|(weken|dagen) (gewacht|wachten|later nog)|(days|weeks) (late|later and still)|been waiting (for|since) (days|weeks|hours|\d+))",
        ),
        (
            "refund",
            r"\b(refund|money back|chargeback|geld terug|terugbetal\w*|terugstort\w*|restitutie|compensat\w*|vergoeding)",
        ),
        (
            "not_working",
            r"\b(doesn'?t work|does not work|not working|werkt (niet|nog steeds niet)|storing|outage|foutmelding|error message)",
        ),
        (
            "not_received",
            r"\b(never (arrived|received|got)|not (arrived|received)|niet (ontvangen|aangekomen|geleverd|bezorgd)|nooit (ontvangen|aangekomen))",
        ),
        ("cancel", r"\b(cancel(l?ed|ing)? my|opzeggen|opgezegd|annuleren|geannuleerd|unsubscribe)"),
    )
)


# Dutch complaints without strong adjectives ("Lange wachttijd.", "Pakket nooit ontvangen.",
# "Eten was koud."): the phrases of data/nl_complaint_phrases.txt (hand-written for socialdesk,
# see SOURCES.md), each category<TAB>regular expression over the lower-cased text. A match
# does not count after a negation in the two words before it ("geen lange wachttijd") unless
# the phrase starts with one itself, nor in a clause that states a condition ("als het pakket
# niet aankomt"); a "resolved" phrase ("toch nog ontvangen", "snel opgelost") drops them all.
_NL_COMPLAINT_NEGATION_WINDOW = 2
_NL_CONDITION = re.compile(r"\b(als|indien|mocht|mochten|stel|zodra|ingeval|geval)\b")
_CLAUSE_START = re.compile(r"[.!?;:\n]")
_NL_WORD = re.compile(r"[^\W_]+", re.UNICODE)


_CLASS_REF = re.compile(r"<([a-z_]+)>")


@cache
def _nl_complaint_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The phrase file's rules, its word classes ("define<TAB>name<TAB>alternatives", used
    as <name> in the rules below them) filled in."""
    classes: dict[str, str] = {}
    rules = []
    for entry in _entries("nl_complaint_phrases.txt"):
        if entry[0] == "define":
            # a class may use the classes defined above it
            body = _CLASS_REF.sub(lambda m: classes[m.group(1)], entry[2])
            classes[entry[1]] = f"(?:{body})"
            continue
        pattern = _CLASS_REF.sub(lambda m: classes[m.group(1)], entry[1])
        rules.append((entry[0], re.compile(pattern)))
    return tuple(rules)


# A question about a procedure names a problem without having it ("Hoe vraag ik mijn geld
# terug als de voorstelling wordt afgelast?", "Kan ik ruilen als de maat niet past?"): a
# phrase in a question that opens like one does not count, unless the question carries a
# complaint marker ("Waarom ... nog steeds", "Wanneer krijg ik eindelijk ...", "al 3 weken").
_NL_PROCEDURE_QUESTION = re.compile(
    r"\s*(hoe|waar|wanneer|wat|welke|kan|kun|kunnen|mag|mogen|moet|moeten|is het mogelijk|"
    r"is|zijn|wie|heeft|hebben|hebt|bestaat|gaat|wordt|worden|krijg|krijgen|ontvang)\b"
)
_NL_COMPLAINT_MARKER = re.compile(
    r"\b(waarom|hoezo|eindelijk|nou eens|nu eens|nog steeds|nog altijd|alweer|weer|telkens|"
    r"opnieuw|al (\d+|een|twee|drie|vier|vijf|zes|ruim|bijna|weken|dagen|maanden))\b"
)


def _in_procedure_question(text: str, start: int) -> bool:
    """Whether text[start] stands in a question (up to its "?") that opens like a question
    about a procedure and has no complaint marker."""
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    end = _SENTENCE_END.search(text, start)
    if end is None or end.group(0) != "?":
        return False
    sentence = text[sentence_start : end.start()]
    return bool(_NL_PROCEDURE_QUESTION.match(sentence)) and not _NL_COMPLAINT_MARKER.search(
        sentence
    )


_SENTENCE_END = re.compile(r"[.!?\n]")


def _procedure_question(text: str) -> bool:
    """Whether a Dutch message is a question about a procedure: it opens like one ("Hoe
    vraag ik...", "Kan ik...", "Waar meld ik...") and asks it, with no complaint marker."""
    low = text.lower()
    return "?" in low and _in_procedure_question(low, 0)


def _nl_phrase_counts(text: str, start: int, end: int, category: str = "") -> bool:
    """Whether a phrase matched at text[start:end] counts: no negation just before it (unless
    it starts with one), no condition earlier in its clause, and not in a question about a
    procedure (complaint questions and "resolved" phrases always count there)."""
    clause_start = max((m.end() for m in _CLAUSE_START.finditer(text, 0, start)), default=0)
    before = text[clause_start:start]
    if _NL_CONDITION.search(before):
        return False
    if category not in ("question", "resolved") and _in_procedure_question(text, start):
        return False
    negations = _nl_negations()
    first = _NL_WORD.match(text, start)
    if first and first.group(0) in negations:
        return True
    window = _NL_WORD.findall(before)[-_NL_COMPLAINT_NEGATION_WINDOW:]
    return not any(word in negations for word in window)


# The service rules that describe a problem (not "refund" and "cancel": "Hoe vraag ik een
# terugbetaling aan?" is a question) count as Dutch complaint evidence, with the same
# negation and condition checks ("Wat moet ik doen als de storing terugkomt?").
_NL_SERVICE_PROBLEMS = ("still_waiting", "repeat_contact", "delay", "not_working", "not_received")


def _nl_service_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, rx) for name, rx in _SERVICE_RULES if name in _NL_SERVICE_PROBLEMS)


_LEAD_WORD = re.compile(r"[^\W\d_]+(?=$| )")


def _leading_words(pattern: str) -> frozenset[str] | None:
    """The words a match of `pattern` can start with, when the pattern opens with a group of
    plain-word alternatives ("\\b(lang|eeuwig|te lang) ..."), else None (no gate for it). A
    pattern of top-level alternatives ("\\b(a|b) x|\\b(c) y") has the union of theirs, when
    each has them."""
    branches = _top_level_branches(pattern)
    if len(branches) > 1:
        words: set[str] = set()
        for branch in branches:
            found = _leading_words(branch)
            if found is None:
                return None
            words |= found
        return frozenset(words)
    body = pattern.removeprefix("\\b")
    if body.startswith("(?:"):
        body = body[3:]
    elif body.startswith("("):
        body = body[1:]
    else:
        return None
    end = body.find(")")
    if end < 0 or "(" in body[:end] or "\\" in body[:end]:
        return None  # a nested group or an escape: no plain alternatives
    rest = body[end + 1 :]
    if rest and not rest.startswith(("\\b", " ", "\\s", "(?!")):
        return None  # optional group, or letters glued to it
    if _top_level_alternation(rest):
        return None  # "(a|b) x|c": a match may start with c
    words = set()
    for alternative in body[:end].split("|"):
        first = alternative.split(" ")[0]
        if not first or not _LEAD_WORD.fullmatch(first):
            return None
        words.add(first)
    return frozenset(words)


def _top_level_alternation(pattern: str) -> bool:
    return len(_top_level_branches(pattern)) > 1


def _top_level_branches(pattern: str) -> list[str]:
    """The pattern split at its top-level "|" (outside groups and character sets)."""
    depth, escaped, in_set, start = 0, False, False, 0
    branches = []
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_set:
            in_set = ch != "]"
        elif ch == "[":
            in_set = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
    return [*branches, pattern[start:]]


@cache
def _nl_rule_index() -> tuple[
    tuple[tuple[str, re.Pattern[str]], ...], dict[str, tuple[int, ...]], tuple[int, ...]
]:
    """The rules gated for speed (the inbox triages thousands of messages): a rule that
    opens with plain-word alternatives runs only when the text has one of those words (most
    messages have few), the others always; the answer is the same as running every rule."""
    rules = (*_nl_complaint_rules(), *_nl_service_rules())
    by_word: dict[str, list[int]] = {}
    always: list[int] = []
    for i, (_category, rx) in enumerate(rules):
        words = _leading_words(rx.pattern)
        if words is None:
            always.append(i)
        else:
            for word in words:
                by_word.setdefault(word, []).append(i)
    return rules, {w: tuple(ix) for w, ix in by_word.items()}, tuple(always)


def dutch_complaint_evidence(text: str) -> tuple[tuple[str, ...], bool]:
    """The complaint categories (wait, food, staff, wrong, broken, answer, money, delivery,
    repeat, unhappy and the frames: unmet, shortfall, promise, excess, state, problem,
    understatement, demand, question, refusal; and "absent", a problem said NOT to be there:
    no complaint, see dutch_complaints) a Dutch text matches, each once, and whether it says
    the problem is resolved ("toch nog ontvangen", "snel opgelost")."""
    low = _clean(text).lower()
    rules, by_word, always = _nl_rule_index()
    todo = set(always)
    for word in set(_NL_WORD.findall(low)):
        todo.update(by_word.get(word, ()))
    found: list[str] = []
    resolved = False
    for i in sorted(todo):  # in the file's order, as before
        category, rx = rules[i]
        if category in found or (category == "resolved" and resolved):
            continue
        for match in rx.finditer(low):
            if _nl_phrase_counts(low, match.start(), match.end(), category):
                if category == "resolved":
                    resolved = True
                else:
                    found.append(category)
                break
    return tuple(found), resolved


# A phrase of the category "absent" says a problem was NOT there ("geen problemen gehad",
# "zonder gedoe", "kon niet beter"): it is no complaint evidence, and the learnt model, which
# reads the problem words in it as a complaint, is not asked.
_NL_ABSENT = "absent"


def dutch_complaints(text: str) -> tuple[str, ...]:
    """The complaint categories a Dutch text matches; () when it says the problem is resolved."""
    found, resolved = dutch_complaint_evidence(text)
    return () if resolved else tuple(c for c in found if c != _NL_ABSENT)


# The learnt complaint reader for Dutch: a logistic regression over word (1-2) and character
# (2-5 within words) n-grams, TF-IDF weighted as scikit-learn does, fitted by
# benchmarks/fit_sentiment_fusion.py --complaint-model on the project's own synthetic Dutch
# customer-service messages only (benchmarks/data/dutch_customer_service, Apache-2.0); its
# n-grams, weights and threshold are data/nl_complaint_model.json. It reads P(complaint); at or
# above the file's threshold (chosen by cross-validation across organisations) a Dutch
# reading is negative, as with a complaint phrase.
COMPLAINT_MODEL_FILE = DATA / "nl_complaint_model.json"
_SK_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern


@dataclass(frozen=True)
class ComplaintModel:
    """Binary logistic regression over TF-IDF word and character n-grams (sublinear tf,
    each block l2-normalised), the way scikit-learn's pipeline computes it."""

    words: dict[str, tuple[float, float]]  # n-gram -> (idf, weight)
    chars: dict[str, tuple[float, float]]
    word_range: tuple[int, int]
    char_range: tuple[int, int]
    intercept: float
    threshold: float

    @staticmethod
    def word_grams(text: str, low: int, high: int) -> list[str]:
        tokens = _SK_TOKEN.findall(text.lower())
        return [
            " ".join(tokens[i : i + n])
            for n in range(low, high + 1)
            for i in range(len(tokens) - n + 1)
        ]

    @staticmethod
    def char_grams(text: str, low: int, high: int) -> list[str]:
        out: list[str] = []
        for word in text.lower().split():  # split() also merges runs of white space
            w = f" {word} "
            size = len(w)
            for n in range(low, high + 1):
                if size <= n:
                    out.append(w)  # a short word counts once, whole
                    break
                out += [w[i : i + n] for i in range(size - n + 1)]
        return out

    @staticmethod
    def _block(grams: list[str], table: dict[str, tuple[float, float]]) -> float:
        dot = square = 0.0
        for gram, count in Counter(grams).items():
            entry = table.get(gram)
            if entry is not None:
                value = (1.0 + math.log(count)) * entry[0]
                square += value * value
                dot += value * entry[1]
        return dot / math.sqrt(square) if square else 0.0

    def probability(self, text: str) -> float:
        """P(complaint) of a (cleaned) Dutch text."""
        z = (
            self.intercept
            + self._block(self.word_grams(text, *self.word_range), self.words)
            + self._block(self.char_grams(text, *self.char_range), self.chars)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def load_complaint_model(path: Path) -> ComplaintModel:
    """The complaint model written by benchmarks/fit_sentiment_fusion.py --complaint-model."""
    import json

    raw = json.loads(path.read_text(encoding="utf-8"))

    def table(block: dict[str, Any]) -> dict[str, tuple[float, float]]:
        return {g: (float(i), float(w)) for g, (i, w) in block["ngrams"].items()}

    return ComplaintModel(
        table(raw["word"]),
        table(raw["char"]),
        (int(raw["word"]["range"][0]), int(raw["word"]["range"][1])),
        (int(raw["char"]["range"][0]), int(raw["char"]["range"][1])),
        float(raw["intercept"]),
        float(raw["threshold"]),
    )


@cache
def complaint_model() -> ComplaintModel:
    return load_complaint_model(COMPLAINT_MODEL_FILE)


def dutch_complaint_probability(text: str) -> float:
    """The learnt model's P(complaint) of a Dutch text (mentions and links left out)."""
    return complaint_model().probability(_clean(text))


@dataclass(frozen=True)
class SentimentReading:
    """One text's sentiment: label, score (-1 negative .. +1 positive) and confidence (0..1)."""

    label: str
    score: float
    confidence: float
    method: str


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@cache
def dutch_lexicon() -> dict[str, tuple[float, float]]:
    """word -> (polarity, intensity): Pattern's entries averaged over senses, then our list."""
    sums: dict[str, list[float]] = {}
    with (DATA / "pattern_nl_sentiment.txt").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or line.startswith("form\t"):
                continue
            form, _pos, pol, _subj, inten, _conf = line.rstrip("\n").split("\t")
            acc = sums.setdefault(form.casefold(), [0.0, 0.0, 0.0])
            acc[0] += float(pol)
            acc[1] += float(inten)
            acc[2] += 1
    lex = {w: (p / n, i / n) for w, (p, i, n) in sums.items()}
    for word, value in word_values("nl_social_words.txt").items():
        lex.setdefault(word, (value, 1.0))  # Pattern's own reading wins where it has one
    return lex


@cache
def _emoji_value(ch: str) -> float | None:
    """The valence of one emoji: VADER's compound of its description (e.g. "😡" -> "enraged
    face" -> -0.58), else the value in emoji_valences.txt, else None. Scored when first seen
    (scoring all ~3,600 descriptions up front took a few tenths of a second at start-up)."""
    vader = _vader()
    description = vader.emojis.get(ch)
    if description is not None:
        compound = vader.polarity_scores(description)["compound"]
        if compound:
            return float(compound)
    return _emoji_file().get(ch)


@cache
def _emoji_file() -> dict[str, float]:
    return dict(word_values("emoji_valences.txt"))


_FROM_EMOJI_RANGE = re.compile("[^\x00-\u1fff]")  # characters from U+2000 on


def emoji_valences(text: str) -> list[float]:
    """The valence (-1..1) of each emoji in a text that carries one."""
    if text.isascii():
        return []
    out = []
    for ch in _FROM_EMOJI_RANGE.findall(text):  # letters, digits, punctuation: no emoji
        value = _emoji_value(ch)
        if value is not None:
            out.append(value)
    return out


def emoji_score(text: str) -> tuple[float, int]:
    """Mean valence of the emoji in a text, and how many carried one."""
    found = emoji_valences(text)
    if not found:
        return 0.0, 0
    return sum(found) / len(found), len(found)


# the rules a text's words can match at all (intent.RuleGate: the same answers, fewer searches)
_SERVICE_GATE = RuleGate.of([rx for _n, rx in _SERVICE_RULES])


def service_signals(text: str) -> tuple[str, ...]:
    """The service-complaint rules a text matches (delay, refund, still_waiting...)."""
    text = text.lower()
    todo = _SERVICE_GATE.candidates(text)
    if not todo:
        return ()
    return tuple(
        name for i, (name, rx) in enumerate(_SERVICE_RULES) if i in todo and rx.search(text)
    )


def _clean(text: str) -> str:
    return _MENTION.sub(" ", _URL.sub(" ", text))


_NL_NEGATION_WINDOW = 3
_NL_NEGATION_FACTOR = -0.74  # VADER's factor: "niet slecht" is mildly positive
_NL_SUFFIXES = ("ste", "st", "ere", "er", "e", "s")
_NL_COMPOUND_MIN = 9  # shorter words are not split into parts
_NL_PART_MIN = 5  # nor read by a last part shorter than this


@cache
def dutch_polarity(token: str) -> float | None:
    """A (casefolded) token's polarity: the lexicon's own entry, else that of its inflected
    base ("mooiere" -> "mooi", "slechtste" -> "slecht", "prachtige" -> "prachtig"), else None.

    A word of nine letters or more that the lexicon lacks reads as its longest known last
    part of five letters or more ("supervriendelijk" -> "vriendelijk").

    (A Snowball stem fallback was tried and dropped: it matched more wrong words than right
    ones on the Dutch political tweets' train split.)"""
    ignore = _nl_ignore()
    if token in ignore or token in _nl_negations():
        return None
    lex = dutch_lexicon()
    if token in lex:
        return lex[token][0]
    if len(token) < 5:
        return None
    found = _inflected(token, lex)
    if found is not None or len(token) < _NL_COMPOUND_MIN:
        return found
    # a compound reads as its last part, the longest that the lexicon knows (Dutch compounds
    # put the head last: "klantonvriendelijk" -> "onvriendelijk")
    for start in range(3, len(token) - _NL_PART_MIN + 1):
        tail = token[start:]
        if tail in ignore:
            continue
        found = lex[tail][0] if tail in lex else _inflected(tail, lex)
        if found is not None:
            return found
    return None


def _inflected(token: str, lex: dict[str, tuple[float, float]]) -> float | None:
    ignore = _nl_ignore()
    for suffix in _NL_SUFFIXES:  # comparative, superlative and inflected adjectives
        if token.endswith(suffix):
            base = token[: -len(suffix)]
            if len(base) >= 3 and base not in ignore:
                for candidate in (base, base[:-1] if base[-1:] == base[-2:-1] else None):
                    if candidate and candidate in lex:
                        return lex[candidate][0]
    return None


_NL_ALPHA = 1.0  # saturation of the summed polarity (chosen on the Dutch train split)


def _aggregate(scores: list[float]) -> float:
    """Summed polarity squashed into -1..1 like VADER's compound: more words, more evidence
    (Pattern's mean let one neutral-ish adjective cancel a strong one; the sum scored 0.58
    macro-F1 against the mean's 0.57 on the Dutch political tweets' train split)."""
    total = sum(scores)
    return total / math.sqrt(total * total + _NL_ALPHA)


def dutch_score(text: str, extra: Sequence[float] = ()) -> tuple[float, int]:
    """Pattern-style polarity (-1..1) of a Dutch text, and the number of lexicon words used.

    The summed, squashed polarity of the lexicon words (or their inflected forms); an
    intensifier ("heel", "erg", "super") multiplies the next word and never counts itself; a
    negation ("niet", "geen", "nooit") within three words before a word turns it round.
    `extra` valences (the text's emoji) are summed and counted with the words.
    """
    tokens = [t.casefold().lstrip("#") for t in _TOKEN.findall(_clean(text))]
    intensifiers, dampeners, negations = _nl_intensifiers(), _nl_dampeners(), _nl_negations()
    scores: list[float] = []
    for i, tok in enumerate(tokens):
        if tok in intensifiers or tok in dampeners:
            continue  # a modifier: it acts on the next word instead of counting itself
        found = dutch_polarity(tok)
        if not found:
            continue
        polarity = found
        prev = tokens[i - 1] if i > 0 else None
        if prev in intensifiers:
            polarity *= intensifiers[prev]
        elif prev in dampeners:
            polarity *= dampeners[prev]
        if any(t in negations for t in tokens[max(0, i - _NL_NEGATION_WINDOW) : i]):
            polarity *= _NL_NEGATION_FACTOR
        scores.append(max(-1.0, min(1.0, polarity)))
    scores += extra
    if not scores:
        return 0.0, 0
    value = _aggregate(scores)
    if "!" in text:
        value *= 1.0 + min(3, text.count("!")) * 0.07
    return max(-1.0, min(1.0, value)), len(scores)


@cache
def english_lexicon() -> dict[str, tuple[float, float, float, bool]]:
    """word -> (polarity, subjectivity, intensity, modifier): Pattern's English lexicon, senses
    averaged; a modifier (an adverb such as "very", "really") multiplies the next word."""
    sums: dict[str, list[Any]] = {}
    with (DATA / "pattern_en_sentiment.txt").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or line.startswith("form\t"):
                continue
            form, pos, pol, subj, inten, _conf = line.rstrip("\n").split("\t")
            acc = sums.setdefault(form.casefold(), [0.0, 0.0, 0.0, 0, False])
            acc[0] += float(pol)
            acc[1] += float(subj)
            acc[2] += float(inten)
            acc[3] += 1
            acc[4] = acc[4] or pos == "RB"
    return {w: (p / n, s / n, i / n, rb) for w, (p, s, i, n, rb) in sums.items()}


@cache
def happiness_lexicon() -> dict[str, float]:
    """word -> labMT 1.0 happiness rescaled from 1..9 to -1..1 (5, neither, is 0)."""
    out = {}
    with (DATA / "labmt_en_happiness.txt").open(encoding="utf-8") as fh:
        for line in fh:  # comments, then the header "word\thappiness\tstddev"
            if not line.startswith("#"):
                break
        for line in fh:  # entries ("#music" is one, and so is "word")
            word, happiness, _sd = line.rstrip("\n").split("\t")
            out[word] = (float(happiness) - 5.0) / 4.0
    return out


_EN_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_EN_NEGATION_WINDOW = 3
_EN_NEGATION_FACTOR = -0.5  # Pattern's: "not good" is mildly negative
_HAPPINESS_STOP = 0.25  # labMT words between 4 and 6 (of 1..9) carry no signal: the
# hedonometer's own "stop band" (Dodds et al. 2011)


def _is_negation(token: str) -> bool:
    return token in _en_negations() or token.endswith("n't") or token.endswith("n’t")


def english_scores(words: Sequence[str]) -> tuple[float, float, int, float, int]:
    """Pattern polarity (mean, -1..1), subjectivity (mean, 0..1) and number of words scored;
    labMT happiness (mean, -1..1) and number of words outside the stop band.

    `words` are lower-cased. A Pattern modifier ("very", "really") multiplies the next
    lexicon word and does not count itself then; a negation up to three words before a
    lexicon word turns it round with Pattern's factor -0.5.
    """
    lex = english_lexicon()
    happy = happiness_lexicon()
    negations = _en_negations()
    pols: list[float] = []
    subs: list[float] = []
    moods: list[float] = []
    modifier = 1.0
    since_negation = _EN_NEGATION_WINDOW + 1
    for word in words:
        mood = happy.get(word)
        if mood is not None and abs(mood) >= _HAPPINESS_STOP:
            moods.append(mood)
        if word in negations or word.endswith(("n't", "n’t")):  # _is_negation
            since_negation = 0
            continue
        since_negation += 1
        entry = lex.get(word)
        if entry is None:
            continue
        pol, subj, intensity, is_modifier = entry
        if is_modifier and intensity != 1.0:
            modifier = intensity
            continue
        pol = max(-1.0, min(1.0, pol * modifier))
        subj = min(1.0, subj * modifier)
        modifier = 1.0
        if since_negation <= _EN_NEGATION_WINDOW:
            pol *= _EN_NEGATION_FACTOR
        pols.append(pol)
        subs.append(subj)
    n = len(pols)
    return (
        sum(pols) / n if n else 0.0,
        sum(subs) / n if n else 0.0,
        n,
        sum(moods) / len(moods) if moods else 0.0,
        len(moods),
    )


@cache
def _vocabulary() -> frozenset[str]:
    """English words the hashtag splitter may use: the three English lexicons' words."""
    words = set(_vader().lexicon) | set(english_lexicon()) | set(happiness_lexicon())
    return frozenset(w for w in words | _en_negations() if w.isalpha())


_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")
_ELONGATED_WORD = re.compile(r"\b\w*([^\W\d_])\1{2,}\w*\b")


@cache
def split_hashtag(body: str) -> str:
    """A hashtag's words: "NotGood" -> "not good", "epicfail" -> "epic fail", "happy" -> "happy".

    CamelCase splits at its capitals; a lower-case tag that is no word itself splits into the
    two known words with the longest shorter part; anything else stays one word."""
    low = body.lower()
    vocabulary = _vocabulary()
    if low in vocabulary:
        return low
    parts = _CAMEL.findall(body)
    if len(parts) > 1:
        return " ".join(p.lower() for p in parts)
    best, best_len = low, 0
    for i in range(2, len(low) - 1):
        head, tail = low[:i], low[i:]
        if head in vocabulary and tail in vocabulary and min(len(head), len(tail)) > best_len:
            best, best_len = f"{head} {tail}", min(len(head), len(tail))
    return best


@cache
def shorten_elongation(word: str) -> str:
    """An elongated word shortened to a known word ("goooood" -> "good", "soooo" -> "so"),
    else to two letters a run ("yesss" -> "yess")."""
    low = word.lower()
    two = _ELONGATED.sub(r"\1\1", low)
    one = _ELONGATED.sub(r"\1", low)
    vocabulary = _vocabulary()
    for candidate in (two, one):
        if candidate in vocabulary:
            return candidate
    return two


def social_text(text: str) -> str:
    """The text with hashtags split into words and elongated words shortened."""
    if "#" in text:
        text = _HASHTAG.sub(lambda m: split_hashtag(m.group(1)), text)
    if _ELONGATED.search(text):
        text = _ELONGATED_WORD.sub(lambda m: shorten_elongation(m.group(0)), text)
    return text


_SHOUTING = re.compile(r"\b[A-Z]{3,}\b")
_DIGIT = re.compile(r"\d")

# The numbers lexicon_features gives, in this order (the fusion and the learnt model read them).
FEATURES = (
    "vader_compound",
    "vader_pos",
    "vader_neg",
    "nl_polarity",
    "nl_words",
    "en_polarity",
    "en_subjectivity",
    "en_words",
    "happiness",
    "happiness_words",
    "lex_positive",
    "lex_negative",
    "lex_max",
    "lex_min",
    "emoji",
    "emoji_n",
    "service",
    "question",
    "exclaim",
    "negation",
    "elongated",
    "shouting",
    "link",
    "mention",
    "hashtags",
    "length",
    "digits",
    "complaint",
    "resolved",
    "complaint_model",
    "procedure_question",
)
_WORDS_CAP = 5  # counts of words, emoji, mentions... are capped: more says nothing new
_LENGTH_CAP = 50


def lexicon_features(text: str, language: str | None) -> dict[str, float]:
    """The lexicons' and rules' evidence as numbers (FEATURES): the fusion's input and the
    learnt model's extra features. English lexicons for every language but Dutch, the Dutch
    one for Dutch and for an unknown language; VADER (emoji, emoticons) for all."""
    text = text or ""
    social = social_text(text)
    vader = _vader().polarity_scores(social)
    clean = _clean(text)
    dutch = language in (None, "nl")
    english = language != "nl"
    emoji = emoji_valences(text)
    nl, nl_n = dutch_score(text, emoji) if dutch else (0.0, 0)
    en_pol = en_subj = happiness = 0.0
    en_n = happy_n = 0
    valences: list[float] = []
    negated, length = False, 0
    complaints: tuple[str, ...] = ()
    resolved = False
    learnt = 0.0
    if english:
        words = _EN_WORD.findall(_clean(social).lower())
        en_pol, en_subj, en_n, happiness, happy_n = english_scores(words)
        vader_lex = _vader().lexicon
        valences = [vader_lex[w] / 4.0 for w in words if w in vader_lex]
        negations = _en_negations()
        negated = any(w in negations or w.endswith(("n't", "n’t")) for w in words)
        length = len(words)
    if dutch:
        tokens = [t.casefold().lstrip("#") for t in _TOKEN.findall(clean)]
        found = [dutch_polarity(t) for t in tokens]
        valences += [v for v in found if v]
        negations = _nl_negations()
        negated = negated or any(t in negations for t in tokens)
        length = max(length, len(tokens))
        complaints, resolved = dutch_complaint_evidence(text)
        absent = _NL_ABSENT in complaints
        complaints = tuple(c for c in complaints if c != _NL_ABSENT)
        if language == "nl" and not absent:  # the learnt model where no phrase reads one
            learnt = 1.0 if complaints and not resolved else dutch_complaint_probability(text)
    valences += emoji
    return {
        "vader_compound": vader["compound"],
        "vader_pos": vader["pos"],
        "vader_neg": vader["neg"],
        "nl_polarity": nl,
        "nl_words": float(min(nl_n, _WORDS_CAP)),
        "en_polarity": en_pol,
        "en_subjectivity": en_subj,
        "en_words": float(min(en_n, _WORDS_CAP)),
        "happiness": happiness,
        "happiness_words": float(min(happy_n, _WORDS_CAP)),
        "lex_positive": float(min(_WORDS_CAP, sum(1 for v in valences if v > 0))),
        "lex_negative": float(min(_WORDS_CAP, sum(1 for v in valences if v < 0))),
        "lex_max": max(valences, default=0.0),
        "lex_min": min(valences, default=0.0),
        "emoji": sum(emoji) / len(emoji) if emoji else 0.0,
        "emoji_n": float(min(len(emoji), 3)),
        "service": float(len(service_signals(text))),
        "question": float("?" in text),
        "exclaim": float(min(3, text.count("!"))),
        "negation": float(negated),
        "elongated": float(bool(_ELONGATED.search(text))),
        "shouting": float(bool(_SHOUTING.search(text))),
        # the regular expressions only where their text is ("://" or "www.", "@")
        "link": float(("://" in text or "www." in text.lower()) and bool(_URL.search(text))),
        "mention": float(min(3, len(_MENTION.findall(text)))) if "@" in text else 0.0,
        "hashtags": float(min(3, text.count("#"))),
        "length": float(min(length, _LENGTH_CAP)),
        "digits": float(bool(_DIGIT.search(clean))),
        "complaint": 0.0 if resolved else float(min(3, len(complaints))),
        "resolved": float(resolved),
        "complaint_model": learnt,
        "procedure_question": float(dutch and _procedure_question(clean)),
    }


_Z_LIMIT = 5.0


@dataclass(frozen=True)
class Fusion:
    """A multinomial logistic regression over FEATURES (standardised) for one language."""

    classes: tuple[str, ...]
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]

    # every feature read at once, or None when the weights' lengths do not match the features
    # (probabilities then takes the step-by-step way, which says so)
    _pick: Callable[[dict[str, float]], tuple[float, ...]] | None = field(
        init=False, repr=False, compare=False, default=None
    )

    def __post_init__(self) -> None:
        n = len(self.features)
        if n and {len(self.mean), len(self.scale), *map(len, self.coef)} == {n}:
            pick = itemgetter(*self.features) if n > 1 else (lambda f: (f[self.features[0]],))
            object.__setattr__(self, "_pick", pick)

    def probabilities(self, features: dict[str, float]) -> dict[str, float]:
        if self._pick is None:
            z = [  # standardised, and no further out than the fitting data reached
                max(-_Z_LIMIT, min(_Z_LIMIT, (features[name] - m) / s))
                for name, m, s in zip(self.features, self.mean, self.scale, strict=True)
            ]
            logits = [
                b + sum(w * x for w, x in zip(row, z, strict=True))
                for row, b in zip(self.coef, self.intercept, strict=True)
            ]
        else:  # the same operations in the same order, by map: this runs for every message
            scaled = map(truediv, map(sub, self._pick(features), self.mean), self.scale)
            z = list(map(max, repeat(-_Z_LIMIT), map(min, repeat(_Z_LIMIT), scaled)))
            logits = [
                b + sum(map(mul, row, z)) for row, b in zip(self.coef, self.intercept, strict=True)
            ]
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}


FUSION_FILE = DATA / "sentiment_fusion.json"


def load_fusions(path: Path) -> dict[str, Fusion]:
    """Fusions by language from a file written by benchmarks/fit_sentiment_fusion.py."""
    import json

    raw = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for language, spec in raw["languages"].items():
        fusion = Fusion(
            tuple(spec["classes"]),
            tuple(spec["features"]),
            tuple(spec["mean"]),
            tuple(spec["scale"]),
            tuple(tuple(row) for row in spec["coef"]),
            tuple(spec["intercept"]),
        )
        unknown = sorted(set(fusion.features) - set(FEATURES))
        if unknown or sorted(fusion.classes) != sorted(SENTIMENTS):
            raise ValueError(
                f"{path}: language {language!r}: unknown features {unknown} or classes "
                f"{list(fusion.classes)} (expected {list(SENTIMENTS)})"
            )
        n = len(fusion.features)
        if (
            {len(fusion.mean), len(fusion.scale), *map(len, fusion.coef)} != {n}
            or len(fusion.intercept) != len(fusion.coef)
            or len(fusion.coef) != len(fusion.classes)
        ):
            raise ValueError(f"{path}: language {language!r}: weights do not match the features")
        out[language] = fusion
    if "en" not in out or "nl" not in out:
        raise ValueError(f"{path}: needs a fusion for en and for nl, has {sorted(out)}")
    return out


@cache
def fusions() -> dict[str, Fusion]:
    """The fitted fusions by language ("en", "nl"), from data/sentiment_fusion.json."""
    return load_fusions(FUSION_FILE)


def fusion_probabilities(features: dict[str, float], language: str | None) -> dict[str, float]:
    """P(negative), P(neutral), P(positive) of a text from its lexicon_features: the Dutch
    fusion for Dutch, the English one for every other language."""
    table = fusions()
    return table["nl" if language == "nl" else "en"].probabilities(features)


_CONFIDENCE_RANGE = (0.34, 0.95)  # a lexicon is never surer than 0.95


def polarity(features: dict[str, float], language: str | None) -> float:
    """The lexicon's polarity (-1..1): the Dutch lexicon's (emoji included) for Dutch, VADER's
    compound for other languages (the emoji's mean where VADER knows none of them). It is the
    reading's score, which intent and urgency read; the label comes from the fusion."""
    if language == "nl":
        return features["nl_polarity"]
    if features["vader_compound"] == 0.0 and features["emoji_n"]:
        return features["emoji"]
    return features["vader_compound"]


def complaint_cue(features: dict[str, float]) -> bool:
    """Whether a message carries any cue of a complaint besides its topic: a negation, a
    negative word, a question or an exclamation. The learnt model reads a complaint only
    with one, so that a topic it met in complaints ("De trein vertrekt om negen uur") is
    not one by itself."""
    return bool(
        features.get("negation")
        or features.get("lex_negative")
        or features.get("question")
        or features.get("exclaim")
    )


def reading_from_features(
    features: dict[str, float], language: str | None, *, learnt: bool = True
) -> SentimentReading:
    """The sentiment the fusion reads from lexicon_features, with the lexicon's polarity as
    its score; a service complaint (delay, refund, still no answer...) is negative whatever
    the words say, and so, in Dutch, is a complaint phrase or a message the learnt complaint
    model reads as a complaint (`learnt=False` leaves that model out, for measuring)."""
    proba = fusion_probabilities(features, language)
    label = max(SENTIMENTS, key=proba.__getitem__)
    score = polarity(features, language)
    confidence = proba[label]
    # a complaint is negative whatever the words say: a service rule, or in Dutch a complaint
    # phrase (a Dutch text that says the problem is resolved, "snel opgelost", has none)
    # For Dutch the complaint evidence alone (it holds the service rules that describe a
    # problem); for other languages the service rules too.
    signals = features.get("complaint", 0.0)
    if language != "nl":
        signals += features["service"]
    elif (
        learnt
        and not signals
        and not features.get("resolved", 0.0)
        and features.get("complaint_model", 0.0) >= complaint_model().threshold
        and complaint_cue(features)
    ):
        signals = 1.0  # the learnt model reads a complaint the phrases do not name
    elif label == "negative" and features.get("resolved", 0.0):
        # a Dutch message that says its problem was resolved ("Koffer was kwijt, maar binnen
        # een uur gevonden"): the lexicon's negative words describe the solved problem, so it
        # is not negative by them alone (every such message of the project's Dutch
        # customer-service set is labelled positive; 3 of 20 read negative before)
        label = "neutral"
        confidence = proba["neutral"] + proba["negative"]
    elif label == "negative" and features.get("procedure_question", 0.0):
        # a question about a procedure names a problem without having it ("Waar kan ik een
        # storing melden?"): with no complaint phrase and no learnt complaint it is neutral
        label = "neutral"
        confidence = proba["neutral"] + proba["negative"]
    if signals:
        label = "negative"
        score = min(score, 0.0) - 0.25 * signals
        confidence = max(proba["negative"], min(0.9, 0.5 + 0.2 * signals))
    low, high = _CONFIDENCE_RANGE
    method = "pattern-nl lexicon + rules" if language == "nl" else "vader + lexicons + rules"
    return SentimentReading(
        label,
        round(max(-1.0, min(1.0, score)), 4),
        round(max(low, min(high, confidence)), 3),
        method,
    )


def read_sentiment(
    text: str, language: str | None = None, *, learnt: bool = True
) -> SentimentReading:
    """The lexicons' sentiment of one text (`language` "nl", "en" or another ISO code)."""
    return reading_from_features(lexicon_features(text, language), language, learnt=learnt)


def read_sentiments(
    texts: Sequence[str], languages: Sequence[str | None]
) -> list[SentimentReading]:
    return [read_sentiment(t, lang) for t, lang in zip(texts, languages, strict=True)]


__all__ = [
    "COMPLAINT_MODEL_FILE",
    "FEATURES",
    "SENTIMENTS",
    "ComplaintModel",
    "SentimentReading",
    "complaint_cue",
    "complaint_model",
    "dutch_complaint_evidence",
    "dutch_complaint_probability",
    "dutch_complaints",
    "dutch_score",
    "emoji_score",
    "english_scores",
    "fusion_probabilities",
    "lexicon_features",
    "load_complaint_model",
    "load_fusions",
    "polarity",
    "read_sentiment",
    "read_sentiments",
    "reading_from_features",
    "service_signals",
    "social_text",
    "split_hashtag",
]
