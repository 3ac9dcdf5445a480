"""What does the person want? Rules for intent and urgency in Dutch and English.

Intents: complaint, question, praise, lead (a sales or membership question), human (asks for
a person), spam, abuse, crisis (a signal that may grow into a public crisis or a person in
danger), other. Each pattern adds evidence to its intent; sentiment adds some too. The intent
with the most evidence wins and its share of all evidence is the confidence, so a message
that matches nothing is "other" with a low confidence instead of a confident guess.

Customer-service messages are mostly complaints and questions; intent is more useful to a
team than polarity (DESIGN.md), so urgency is read from intent first.
"""

# ruff: noqa: E501 - tables of patterns and phrases read best one per line
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

INTENTS = ("complaint", "question", "praise", "lead", "human", "spam", "abuse", "crisis", "other")

_RULES: dict[str, tuple[tuple[float, str], ...]] = {
    "complaint": (
        (1.0, r"\b(klacht|klagen|complain\w*|complaint)"),
        (
            0.8,
            r"\b(teleurgesteld|teleurstell\w*|disappoint\w*|onacceptabel|unacceptable|schandalig|belachelijk|ridiculous|waardeloos|worst|terrible|awful|slechte service|bad service|poor service)",
        ),
        (
            0.8,
            r"\b(nog steeds (geen|niet|niks)|still (no|not|haven'?t|waiting)|geen (antwoord|reactie) (gehad|ontvangen|gekregen)|no (answer|reply|response))",
        ),
        (0.7, r"\b(refund|money back|geld terug|terugbetal\w*|compensat\w*|vergoeding)"),
        (
            0.7,
            r"\b(werkt (niet|nog steeds niet)|doesn'?t work|not working|kapot|broken|storing|outage|foutmelding)",
        ),
        (
            0.7,
            r"\b(niet (ontvangen|geleverd|bezorgd|aangekomen)|never (arrived|received)|not (arrived|received)|vertraagd|vertraging|delayed)",
        ),
        (0.6, r"\b(opzeggen|annuleren|cancel)"),
    ),
    "question": (
        (0.9, r"\?"),
        (
            0.6,
            r"^\s*(hoe|wat|wanneer|waar|waarom|wie|welke|kan ik|kunnen jullie|kun je|mag ik|is het|zijn er|heeft|hebben jullie|how|what|when|where|why|who|which|can i|can you|could you|is it|are there|do you|does|is there)\b",
        ),
        (
            0.5,
            r"\b(weet iemand|vraagje|vraag|question|wondering|vroeg me af|graag weten|would like to know|any idea)",
        ),
    ),
    "praise": (
        (1.0, r"\b(bedankt|dank ?je ?wel|dank u ?wel|dank jullie|thank(s| you)|thx|merci)"),
        (
            0.8,
            r"\b(geweldig|fantastisch|prachtig|top|super|goed gedaan|chapeau|petje af|hulde|trots|great job|well done|amazing|awesome|brilliant|love (it|this|you)|fantastic|excellent)",
        ),
        (0.6, r"(👏|❤️|😍|🙏|💪|👍|🥰|💚|💙|🎉|♥)"),
    ),
    "lead": (
        (
            1.0,
            r"\b(offerte|prijs(opgave)?|tarie(f|ven)|kosten|wat kost|hoeveel kost|price|pricing|quote|how much|what does it cost)",
        ),
        (
            0.8,
            r"\b(kopen|bestellen|aanschaffen|buy|purchase|order|tickets?|abonnement|subscription|lid worden|lidmaatschap|membership|become a member|aanmelden|sign up|inschrijven)",
        ),
        (
            0.7,
            r"\b(samenwerk\w*|partnership|collaborat\w*|sponsor\w*|doneren|donatie|donate|donation|vrijwilliger|volunteer|vacature|job opening)",
        ),
    ),
    "human": (
        (
            1.2,
            r"\b(medewerker|echt(e)? (mens|persoon)|met iemand (spreken|praten)|bel (me|mij) (terug|op)|terugbellen|leidinggevende|manager|speak (to|with) (a )?(human|person|someone|agent|manager|real person)|talk to (a )?(human|person|someone|real)|call me( back)?|real person|live agent)",
        ),
        (0.6, r"\b(geen (bot|robot|automatisch\w*)|not a bot|no bots?)"),
    ),
    "spam": (
        (
            1.2,
            r"\b(crypto|bitcoin|forex|nft|airdrop|giveaway winner|you('ve| have) won|gewonnen!|free followers|gratis volgers|followers kopen|buy followers|dm (me|for) (promo|collab)|promote your|check (out )?my (page|profile|bio)|link in (my )?bio|earn \$?\d+|verdien \d+|onlyfans)",
        ),
        (0.6, r"(https?://|www\.)\S+.*(https?://|www\.)"),
    ),
    "abuse": (
        (
            1.3,
            r"\b(kut\w*|klootzak\w*|kanker\w*|tering\w*|tyfus\w*|idioot|idioten|debiel\w*|mongool|achterlijk\w*|sukkel\w*|hoer\w*|fuck\w*|shit(ty)?|idiots?|morons?|stupid|dumb|bitch\w*|asshole\w*|bastard\w*|retard\w*|shut up|hou je bek|rot op|get lost)",
        ),
    ),
    "crisis": (
        (
            1.3,
            r"\b(boycot\w*|schandaal|scandal|datalek|data ?breach|gehackt|hacked|lek(t|ken)? gegevens|fraude|fraud|oplichting|oplichters|scam|rechtszaak|lawsuit|advocaat|lawyer|aangifte|police report|politie)",
        ),
        (
            1.3,
            r"\b(ongeluk|accident|gewond|injur\w*|vergiftig\w*|poison\w*|allergische reactie|allergic reaction|terugroep\w*|recall|onveilig|unsafe|gevaarlijk|dangerous|brand(je)? |fire|explosie|explosion)",
        ),
        (
            1.5,
            r"\b(zelfmoord|suicid\w*|kill myself|mezelf (iets )?aan(doen)?|einde aan (mijn|m'n) leven|wil niet meer leven|want to die|self[- ]harm)",
        ),
        (
            1.0,
            r"\b(discrimin\w*|racis\w*|seksis\w*|sexis\w*|intimidatie|harass\w*|misbruik|abuse(d)? by|#metoo)",
        ),
        (
            0.8,
            r"\b(journalist|de pers|the press|media|nieuws|news|viral|iedereen moet dit weten|everyone needs to know|deel dit|share this|rt (this|dit))",
        ),
    ),
}
# The patterns are written in lower case and run on the lower-cased text: two to three times
# faster than re.IGNORECASE on the same patterns (benchmarks/triage_quality.py, throughput).
_COMPILED = {
    intent: tuple((w, re.compile(rx, re.MULTILINE)) for w, rx in rules)
    for intent, rules in _RULES.items()
}


# -- Gates: which rules can match a text at all, from its words (same answers, fewer searches)
#
# Python's regular expressions try every alternative of "\b(klacht|klagen|complain\w*|...)"
# at every position of a text, so a search costs several microseconds whether it matches or
# not. What a match must open with is read from the pattern itself (re's own parser): after
# "\b" a match of "klacht" starts a run of word characters that begins with "klac"; "\?" and
# the emoji need that text somewhere in the message. A rule runs only when the message has
# such a run or such text; a rule whose opening cannot be read (a character class, a
# lookaround) always runs. The gate is a necessary condition of a match, so the answers are
# those of running every rule (tests/inbox/test_triage.py compares the two).
_KEY = 4  # letters of a run's opening that the gate compares
_HEAD = 12  # letters of a literal opening kept for the text gate
_WORD_RUN = re.compile(r"\w+")
_MEMO = 50_000  # word runs remembered by a gate


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # re's \w for str patterns


def _openings(items: Any, at_run: bool, inside: bool = False) -> list[tuple[str, bool]] | None:
    """The literal texts a match of a parsed sequence can open with (each with whether it
    opens a run of word characters), or None when some match opens otherwise. `inside`: the
    sequence is a group after text already read, so an anchor or an optional item at its
    start cannot start the match afresh (reading stops there instead)."""
    from re import _constants as c  # type: ignore[attr-defined]

    heads: list[tuple[str, bool]] = [("", at_run)]
    opened = False
    for op, av in items:
        if op is c.AT and not opened and not inside:
            # a match after "\b" or at a line's start opens a run when it opens with a letter
            at_run = av in (c.AT_BOUNDARY, c.AT_BEGINNING, c.AT_BEGINNING_LINE)
            heads = [("", at_run)]
        elif op is c.MAX_REPEAT and av[0] == 0 and not opened and not inside:
            # optional: the text after it opens the match's rest; white space keeps a run's start
            space = [(c.IN, [(c.CATEGORY, c.CATEGORY_SPACE)])]
            at_run = at_run and list(av[2]) == space
            heads = [("", at_run)]
        elif op is c.LITERAL:
            heads = [(h + chr(av), r) for h, r in heads]
            opened = True
        elif op is c.IN and all(o is c.LITERAL for o, _v in av):
            heads = [(h + chr(v), r) for h, r in heads for _o, v in av]
            opened = True
            break
        elif op in (c.SUBPATTERN, c.BRANCH):
            if op is c.SUBPATTERN:
                if av[1] or av[2]:
                    break  # flags inside: read no further
                ways = [av[3]]
            else:
                ways = av[1]
            tails: list[tuple[str, bool]] = []
            for way in ways:
                found = _openings(list(way), at_run and not opened, inside or opened)
                if found is None:
                    tails = []
                    break
                tails += found
            if not tails:
                break
            heads = [(h + t, r if opened else tr) for h, r in heads for t, tr in tails]
            opened = True
            break
        else:
            break
        if len(heads) > 200 or all(len(h) >= _HEAD for h, _r in heads):
            break
    if not all(h for h, _r in heads):
        return None
    return heads


@dataclass(frozen=True)
class RuleGate:
    """Which of a list of compiled patterns (run on lower-cased text) can match a text."""

    by_key: dict[str, tuple[int, ...]]  # a word run's opening -> rules
    by_text: tuple[tuple[str, tuple[int, ...]], ...]  # text anywhere in the message -> rules
    always: frozenset[int]
    lengths: tuple[int, ...]  # the lengths of the keys
    # a word run -> the rules its openings gate, as first met (words repeat from message to
    # message); emptied when it grows past _MEMO
    memo: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, patterns: Sequence[re.Pattern[str]]) -> RuleGate:
        try:  # re's own parser (a private module: where a Python lacks it, every rule runs)
            from re import _constants, _parser  # type: ignore[attr-defined]  # noqa: F401
        except ImportError:
            return cls({}, (), frozenset(range(len(patterns))), ())
        by_key: dict[str, set[int]] = {}
        by_text: dict[str, set[int]] = {}
        always: set[int] = set()
        for i, rx in enumerate(patterns):
            try:
                heads = _openings(list(_parser.parse(rx.pattern, rx.flags)), False)
            except Exception:  # an unknown construct: the rule always runs
                heads = None
            # case-blind or ASCII/locale word rules: the gate's lower case and Unicode word
            # runs would not be theirs, so such a rule always runs
            if heads is None or rx.flags & (re.IGNORECASE | re.ASCII | re.LOCALE):
                always.add(i)
                continue
            for head, at_run in heads:
                word = ""
                for ch in head[:_KEY]:
                    if not _is_word(ch):
                        break
                    word += ch
                if at_run and word:
                    by_key.setdefault(word, set()).add(i)
                else:
                    by_text.setdefault(head[:_HEAD], set()).add(i)
        return cls(
            {k: tuple(sorted(v)) for k, v in by_key.items()},
            tuple((t, tuple(sorted(v))) for t, v in by_text.items()),
            frozenset(always),
            tuple(sorted({len(k) for k in by_key})),
        )

    def _run_rules(self, run: str) -> tuple[int, ...]:
        found: set[int] = set()
        for n in self.lengths:
            found.update(self.by_key.get(run[:n], ()))
            if n >= len(run):
                break
        if len(self.memo) >= _MEMO:
            self.memo.clear()
        self.memo[run] = out = tuple(found)
        return out

    def candidates(self, low: str) -> set[int]:
        """The rules that may match `low` (the lower-cased text): a superset of those that do."""
        todo = set(self.always)
        memo = self.memo
        for run in _WORD_RUN.findall(low):
            found = memo.get(run)
            if found is None:
                found = self._run_rules(run)
            if found:
                todo.update(found)
        for text, found in self.by_text:
            if text in low:
                todo.update(found)
        return todo


_FLAT = [(intent, w, rx) for intent, rules in _COMPILED.items() for w, rx in rules]
_GATE = RuleGate.of([rx for _intent, _w, rx in _FLAT])
# How urgent each intent is on its own (0..1), before sentiment and waiting time.
_BASE_URGENCY = {
    "crisis": 0.95,
    "human": 0.70,
    "complaint": 0.65,
    "abuse": 0.50,
    "lead": 0.55,
    "question": 0.45,
    "other": 0.20,
    "praise": 0.10,
    "spam": 0.02,
}
_REPEAT = re.compile(
    r"\b(nog steeds|alweer|wederom|opnieuw|weer geen|voor de (twee|derde|vierde|\d+)\w* keer|"
    r"still|again|(second|third|fourth|\d+(st|nd|rd|th)) time)\b"
)


@dataclass(frozen=True)
class IntentReading:
    intent: str
    confidence: float
    evidence: dict[str, float]


def intent_evidence(text: str, sentiment_score: float = 0.0) -> dict[str, float]:
    """Per intent, the summed weights of the rules that match (plus sentiment's nudge)."""
    out: dict[str, float] = {}
    text = text.lower()
    todo = _GATE.candidates(text)
    for i in sorted(todo):  # the rules' order, so each intent's weights add up as before
        intent, w, rx = _FLAT[i]
        if rx.search(text):
            out[intent] = out.get(intent, 0) + w
    if sentiment_score <= -0.3 and "praise" not in out:
        out["complaint"] = out.get("complaint", 0.0) + 0.5 * -sentiment_score
    if sentiment_score >= 0.4 and not ({"complaint", "abuse", "crisis"} & out.keys()):
        out["praise"] = out.get("praise", 0.0) + 0.5 * sentiment_score
    if "praise" in out and sentiment_score <= -0.3:
        out["praise"] *= 0.3  # "thanks for nothing"
    return out


def read_intent(text: str, sentiment_score: float = 0.0) -> IntentReading:
    """The most likely intent of a text, its confidence and the evidence for each intent."""
    evidence = intent_evidence(text, sentiment_score)
    if not evidence:
        return IntentReading("other", 0.4, {})
    # crisis, abuse, spam and a request for a person outrank the rest when clearly present:
    # they must not hide behind a "?"
    for first in ("crisis", "abuse", "spam", "human"):
        if evidence.get(first, 0) >= 1.0:
            best = first
            break
    else:
        best = max(evidence, key=lambda k: evidence[k])
    total = sum(evidence.values()) + 0.5  # 0.5: the weight of "none of these"
    return IntentReading(best, round(min(0.97, evidence[best] / total + 0.2), 3), evidence)


def urgency(intent: str, sentiment_score: float, text: str) -> float:
    """How urgent a message is (0..1) from its intent, its negativity and repeated contact."""
    value = _BASE_URGENCY.get(intent, 0.2)
    if sentiment_score < 0 and intent not in ("spam",):
        value += 0.15 * -sentiment_score
    if intent in ("complaint", "question", "human") and _REPEAT.search(text.lower()):
        value += 0.15
    return round(min(1.0, value), 3)


__all__ = ["INTENTS", "IntentReading", "intent_evidence", "read_intent", "urgency"]
