"""Triage: language, sentiment, intent, urgency and priority for every message.

`triage_frame` reads a frame of messages and returns it with the triage columns added. It
uses the lexicon and rules out of the box; when the workspace has a learnt model that beat
the lexicon on the team's held-back labels (learning.py), that model decides instead and
`triaged_by` says so. A model folder the team chose (model_folder.py: a transformers model
on this machine) reads the sentiment instead of the lexicon and of a learnt sentiment model;
`triaged_by` then names it ("model <folder>"), and the intent rules read the message again
with its sentiment score.

`triage_texts` is the batch path of the command line (`inbox classify` streams a file through
it in chunks): it needs no pandas, which is imported only by the frame functions.

Priority = urgency x reach of the author x time waiting:
- urgency (0..1) from intent.py;
- reach = 1 + log10(1 + followers) / 2 (1 when the platform does not say), so an author
  with 10,000 followers weighs 3x one with none;
- waiting = 1 + hours waiting / 24, at most 3: a message left for two days weighs 3x a new one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialdesk.inbox.intent import read_intent, urgency
from socialdesk.inbox.language import LanguageReading, detect_language, detect_languages
from socialdesk.inbox.model_folder import FolderModel
from socialdesk.inbox.sentiment import lexicon_features, reading_from_features

if TYPE_CHECKING:
    import pandas as pd

    from socialdesk.inbox.learning import LearntModel

TRIAGE_COLUMNS = (
    "language",
    "language_confidence",
    "sentiment",
    "sentiment_score",
    "sentiment_confidence",
    "intent",
    "intent_confidence",
    "urgency",
    "confidence",
    "triaged_by",
)
LEXICON = "lexicon"


@dataclass(frozen=True)
class Triage:
    """One message's triage."""

    language: str | None
    language_confidence: float
    sentiment: str
    sentiment_score: float
    sentiment_confidence: float
    intent: str
    intent_confidence: float
    urgency: float
    triaged_by: str

    @property
    def confidence(self) -> float:
        """The weaker of the two readings: a triage is as sure as its least sure part."""
        return min(self.sentiment_confidence, self.intent_confidence)


def triage_text(text: str, language: str | None = None) -> Triage:
    """Triage one text with the lexicon and rules (`language` skips detection when given)."""
    text = text or ""
    reading = detect_language(text) if language is None else LanguageReading(language, 1.0)
    return _triage(text, reading)


def triage_texts(
    texts: Sequence[str],
    languages: Sequence[str | None] | None = None,
    *,
    folder: FolderModel | None = None,
) -> list[Triage]:
    """Triage many texts: the same answers as triage_text, the language detected in one batch.

    With `folder`, that model reads the sentiment (in its batches) and the intent is read with
    its score; `triaged_by` names it."""
    given = list(languages) if languages is not None else [None] * len(texts)
    # each distinct (text, language) read once: an inbox repeats itself (retweets, the same
    # complaint pasted by many), and every reading depends on the text and language alone
    where: dict[tuple[str, str | None], int] = {}
    slots = [
        where.setdefault((t or "", lang), len(where)) for t, lang in zip(texts, given, strict=True)
    ]
    distinct = list(where)
    todo = [i for i, (_text, lang) in enumerate(distinct) if lang is None]
    readings: list[LanguageReading] = [LanguageReading(lang, 1.0) for _text, lang in distinct]
    for i, reading in zip(todo, detect_languages([distinct[i][0] for i in todo]), strict=True):
        readings[i] = reading
    done = [_triage(text, r) for (text, _lang), r in zip(distinct, readings, strict=True)]
    rows = [done[slot] for slot in slots]
    if folder is not None and rows:
        rows = [
            _with_folder(row, t or "", f, folder.reader)
            for row, t, f in zip(rows, texts, folder.read([t or "" for t in texts]), strict=True)
        ]
    return rows


def _with_folder(row: Triage, text: str, reading: Any, reader: str) -> Triage:
    """`row` with the folder model's sentiment, and the intent read again with its score."""
    intent = read_intent(text, reading.score)
    return Triage(
        row.language,
        row.language_confidence,
        reading.sentiment,
        reading.score,
        reading.confidence,
        intent.intent,
        intent.confidence,
        urgency(intent.intent, reading.score, text),
        reader,
    )


def _triage(text: str, reading: LanguageReading) -> Triage:
    language, lang_conf = reading.language, reading.confidence
    sentiment = reading_from_features(lexicon_features(text, language), language)
    score = sentiment.score
    intent = read_intent(text, score)
    return Triage(
        language,
        lang_conf,
        sentiment.label,
        score,
        sentiment.confidence,
        intent.intent,
        intent.confidence,
        urgency(intent.intent, score, text),
        LEXICON,
    )


def triage_frame(
    frame: pd.DataFrame,
    *,
    text_column: str = "text",
    language_column: str | None = None,
    models: Mapping[str, LearntModel | FolderModel] | None = None,
) -> pd.DataFrame:
    """`frame` with the triage columns added (see TRIAGE_COLUMNS); the input is not changed.

    `models` maps "sentiment" / "intent" to the workspace's learnt models; a model reads only
    the messages of the languages it is in charge of (it was at least as good as the lexicon
    on enough held-back labels of that language: learning.LearntModel.reads), the lexicon
    reads the others, and each message's `triaged_by` names its reader. A FolderModel under
    "sentiment" (the team's chosen model folder) reads the sentiment of every message, and the
    intent is read again with its score, before a learnt intent model in charge reads the
    intent.
    """
    texts = frame[text_column].fillna("").astype(str).tolist() if len(frame) else []
    given: Sequence[Any] = (
        frame[language_column].tolist()
        if language_column and language_column in frame
        else [None] * len(texts)
    )
    chosen = (models or {}).get("sentiment")
    folder = chosen if isinstance(chosen, FolderModel) else None
    rows = triage_texts(
        texts,
        [
            None if (g is None or (isinstance(g, float) and math.isnan(g)) or g == "") else str(g)
            for g in given
        ],
        folder=folder,
    )
    out = frame.copy()
    for col in TRIAGE_COLUMNS:
        out[col] = [getattr(r, col) for r in rows]
    languages = out["language"].tolist() if len(out) else []

    def put(column: str, rows: Sequence[int], values: Sequence[Any]) -> None:
        """`column` set at the positions `rows` to `values`, the other rows kept."""
        cells = out[column].tolist()
        for i, value in zip(rows, values, strict=True):
            cells[i] = value
        out[column] = cells

    # who reads which rows: a FolderModel every row; a learnt model the rows of the languages
    # it is in charge of (learning.LearntModel.reads), the rest stay with the lexicon
    readers: list[tuple[str, LearntModel | FolderModel, list[int]]] = []
    for target, model in (models or {}).items():
        if model is folder or not model.in_charge or not len(out):
            continue
        if isinstance(model, FolderModel):
            readers.append((target, model, list(range(len(out)))))
        else:
            read = [i for i, lang in enumerate(languages) if model.reads(lang)]
            if read:
                readers.append((target, model, read))
    lexicon = None  # the lexicon numbers of the rows learnt models read: read once for all
    for target, model, read in readers:
        part = [texts[i] for i in read]
        part_languages = [languages[i] for i in read]
        if isinstance(model, FolderModel):
            labels, confidence = model.predict(part, part_languages)
        else:
            from socialdesk.inbox.learning import lexicon_matrix

            if lexicon is None:
                wanted = sorted(
                    {i for _t, m, r in readers if not isinstance(m, FolderModel) for i in r}
                )
                lexicon = lexicon_matrix([texts[i] for i in wanted], [languages[i] for i in wanted])
                lexicon.index = wanted
            labels, confidence = model.predict(
                part, part_languages, lexicon=lexicon.loc[read].reset_index(drop=True)
            )
        if target == "sentiment":
            put("sentiment", read, labels)
            put("sentiment_confidence", read, confidence)
        elif target == "intent":
            scores = out["sentiment_score"].tolist()
            put("intent", read, labels)
            put("intent_confidence", read, confidence)
            put(
                "urgency",
                read,
                [urgency(i, scores[r], texts[r]) for i, r in zip(labels, read, strict=True)],
            )
        by = out["triaged_by"].tolist()
        put(
            "triaged_by",
            read,
            [f"{by[r]}+{target} model" if by[r] != LEXICON else f"{target} model" for r in read],
        )
    out["confidence"] = out[["sentiment_confidence", "intent_confidence"]].min(axis=1)
    return out


def reach_factor(followers: float | None) -> float:
    if (
        followers is None
        or (isinstance(followers, float) and math.isnan(followers))
        or followers < 0
    ):
        return 1.0
    return 1.0 + math.log10(1.0 + followers) / 2.0


def waiting_factor(received_at: dt.datetime | None, now: dt.datetime) -> float:
    import pandas as pd

    if received_at is None or pd.isna(received_at):
        return 1.0
    hours = max(0.0, (now - pd.Timestamp(received_at).to_pydatetime()).total_seconds() / 3600)
    return min(3.0, 1.0 + hours / 24.0)


def priority(
    urgency_value: float, followers: float | None, received_at: dt.datetime | None, now: dt.datetime
) -> float:
    """urgency x reach x waiting (see the module docstring)."""
    return round(urgency_value * reach_factor(followers) * waiting_factor(received_at, now), 4)


def prioritise(queue: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """The queue with `priority` and its three factors, most urgent first.

    Needs columns urgency, author_followers and waiting_since (the oldest unanswered message).
    """
    import pandas as pd

    out = queue.copy()
    if out.empty:
        for col in ("reach", "waiting", "priority"):
            out[col] = pd.Series(dtype=float)
        return out
    out["reach"] = [reach_factor(f) for f in out["author_followers"]]
    out["waiting"] = [waiting_factor(r, now) for r in out["waiting_since"]]
    out["priority"] = (out["urgency"].fillna(0.2) * out["reach"] * out["waiting"]).round(4)
    return out.sort_values(["priority", "waiting_since"], ascending=[False, True], kind="stable")


__all__ = [
    "TRIAGE_COLUMNS",
    "Triage",
    "prioritise",
    "priority",
    "reach_factor",
    "triage_frame",
    "triage_text",
    "triage_texts",
    "waiting_factor",
]
