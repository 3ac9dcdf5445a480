"""A sentiment model of the team's choice, read from a folder on this machine (issue #19 part 3).

Teams with a GPU or a bigger server can put a sequence-classification model (a folder saved
with `save_pretrained`: config.json, the weights, the tokenizer's files) on the machine and
name it: `socialdesk inbox model use PATH`. The model then reads the sentiment of every
message instead of the lexicon (the intent rules, and a learnt intent model in charge, keep
reading the intent, now with the model's sentiment score); `triaged_by` names it
("model <folder name>"), so the inbox shows which reader read each message.

- It never downloads anything: the folder is opened with `local_files_only`, and no code
  from the folder runs (`trust_remote_code` stays off). docs/inbox-models.md says how to put
  a model there on a connected machine.
- `transformers` and `torch` are an optional extra (`pip install 'socialdesk[transformers]'`);
  without them, or with a folder that is not a model, the workspace keeps the lexicon and the
  commands say why in one line, never a traceback.
- The model's labels map onto negative / neutral / positive: by their names in the model's
  config ("negative", "NEG", "Neutral", "5 stars"...) or as the user gives them
  (`--labels 'LABEL_0=negative,LABEL_1=neutral,LABEL_2=positive'`). The score is
  P(positive) - P(negative), the confidence the probability of the chosen sentiment.
- Inference runs in batches (BATCH texts, at most MAX_TOKENS tokens each; memory stays
  bounded whatever the number of messages), with torch limited to THREADS thread(s) per
  process by default (a web worker or the job worker each take one core, not all of them).

The setting lives in the workspace (a workspace fact, key SETTING_KEY): the folder and the
label mapping. The faces use `chosen`, `use`, `turn_off` and `workspace_reader`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialdesk.errors import SocialdeskError
from socialdesk.inbox.sentiment import SENTIMENTS

if TYPE_CHECKING:  # the store is imported where the setting is read: triage imports this
    from sqlalchemy.orm import Session

SETTING_KEY = "inbox.model_folder"
BATCH = 32  # texts per forward pass
MAX_TOKENS = 256  # a text's tokens read at most (social messages are far shorter)
THREADS = 1  # torch threads per process unless SOCIALDESK_TORCH_THREADS says otherwise
READER_PREFIX = "model "
INSTALL = "pip install 'socialdesk[transformers]'"

_NAMED = {
    "negative": "negative",
    "neg": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "positive": "positive",
    "pos": "positive",
}
_STARS = re.compile(r"^([1-5])\s*stars?$")


class ModelFolderError(SocialdeskError):
    """The folder cannot be used as a model: the message says why and what to do."""


@dataclass(frozen=True)
class FolderReading:
    """One message's sentiment as the model reads it."""

    sentiment: str
    score: float  # P(positive) - P(negative)
    confidence: float  # the probability of `sentiment`


def parse_labels(text: str | None) -> dict[str, str]:
    """`LABEL_0=negative,LABEL_1=neutral` as a mapping; a wrong one raises ModelFolderError."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip().lower()
        if not sep or not name or value not in SENTIMENTS:
            raise ModelFolderError(
                f"--labels wants LABEL=sentiment pairs with a sentiment of "
                f"{', '.join(SENTIMENTS)}, e.g. 'LABEL_0=negative,LABEL_1=neutral,"
                f"LABEL_2=positive' (got {part.strip()!r})"
            )
        out[name] = value
    return out


def _named(label: str) -> str | None:
    """A sentiment from a label's own name ("NEG", "Positive", "4 stars"); None if it says none."""
    key = label.strip().lower()
    if key in _NAMED:
        return _NAMED[key]
    stars = _STARS.match(key)
    if stars:
        n = int(stars.group(1))
        return "negative" if n <= 2 else "neutral" if n == 3 else "positive"
    return None


def label_mapping(id2label: Mapping[int, str], given: Mapping[str, str]) -> list[str]:
    """The sentiment of each of the model's outputs (in output order).

    `given` (the user's mapping) names labels by their name in the config or by their index;
    labels it does not name are mapped by their own names. A label neither names is an error
    that lists the model's labels and shows the option to give."""
    out: list[str] = []
    unknown = []
    names = [str(id2label[i]) for i in sorted(id2label)]
    known = set(names) | {str(i) for i in range(len(names))}
    stray = sorted(set(given) - known)
    if stray:
        raise ModelFolderError(
            f"--labels names {', '.join(stray)}, which the model does not have; its labels are "
            f"{', '.join(names)}"
        )
    for i, name in enumerate(names):
        sentiment = given.get(name) or given.get(str(i)) or _named(name)
        if sentiment is None:
            unknown.append(name)
        out.append(sentiment or "")
    if unknown:
        example = ",".join(f"{n}={s}" for n, s in zip(names, SENTIMENTS, strict=False))
        raise ModelFolderError(
            f"the model's labels {', '.join(unknown)} do not say which is negative, neutral or "
            f"positive: give them, e.g. --labels '{example}'"
        )
    if len(set(out)) < 2:
        raise ModelFolderError(
            f"the model's labels ({', '.join(names)}) all map to {out[0]}: it cannot tell "
            "sentiments apart"
        )
    return out


def _threads() -> int:
    try:
        return max(1, int(os.environ.get("SOCIALDESK_TORCH_THREADS", THREADS)))
    except ValueError:
        return THREADS


@dataclass
class FolderModel:
    """A loaded model folder that reads sentiment (the `models` of `triage_frame` take it)."""

    path: Path
    sentiments: list[str]  # the sentiment of each model output
    tokenizer: Any = field(repr=False)
    model: Any = field(repr=False)
    batch: int = BATCH
    target: str = "sentiment"
    in_charge: bool = True  # the team chose it

    @property
    def reader(self) -> str:
        """The `triaged_by` of a message it read: "model <folder name>" (at most 100 chars)."""
        return (READER_PREFIX + self.path.name)[:100]

    def read(self, texts: Sequence[str]) -> list[FolderReading]:
        """Each text's sentiment, in batches of `batch` (texts of like length together)."""
        import torch

        torch.set_num_threads(_threads())
        order = sorted(range(len(texts)), key=lambda i: len(texts[i] or ""))
        out: list[FolderReading | None] = [None] * len(texts)
        index = {s: [i for i, x in enumerate(self.sentiments) if x == s] for s in SENTIMENTS}
        for start in range(0, len(order), self.batch):
            part = order[start : start + self.batch]
            encoded = self.tokenizer(
                [texts[i] or "" for i in part],
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="pt",
            )
            with torch.inference_mode():
                logits = self.model(**encoded).logits
            probs = torch.softmax(logits.float(), dim=-1).tolist()
            for i, p in zip(part, probs, strict=True):
                by = {s: sum(p[j] for j in index[s]) for s in SENTIMENTS}
                best = max(SENTIMENTS, key=lambda s: by[s])
                out[i] = FolderReading(
                    best,
                    round(by["positive"] - by["negative"], 4),
                    round(by[best], 4),
                )
        return [r for r in out if r is not None]

    def predict(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> tuple[list[str], list[float]]:
        """Sentiments and confidences, as a learnt model's `predict` gives them."""
        readings = self.read(texts)
        return [r.sentiment for r in readings], [r.confidence for r in readings]


def load(path: str | Path, labels: Mapping[str, str] | None = None) -> FolderModel:
    """The model in `path`, its labels mapped; ModelFolderError says why when it cannot be."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise ModelFolderError(f"{folder} is not a folder on this machine")
    if not (folder / "config.json").is_file():
        raise ModelFolderError(
            f"{folder} holds no config.json: it is not a saved model (see docs/inbox-models.md)"
        )
    try:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
    except ImportError:
        raise ModelFolderError(f"a model folder needs transformers and torch: {INSTALL}") from None
    try:
        tokenizer = AutoTokenizer.from_pretrained(
            folder, local_files_only=True, trust_remote_code=False
        )
        model = AutoModelForSequenceClassification.from_pretrained(
            folder, local_files_only=True, trust_remote_code=False
        )
    except Exception as exc:  # a broken folder says so in many ways: one line of it
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelFolderError(f"{folder} could not be loaded as a model: {first[:300]}") from None
    model.eval()
    id2label = {int(k): str(v) for k, v in (model.config.id2label or {}).items()}
    if len(id2label) != model.config.num_labels:
        id2label = {i: f"LABEL_{i}" for i in range(model.config.num_labels)}
    return FolderModel(folder, label_mapping(id2label, labels or {}), tokenizer, model)


@lru_cache(maxsize=2)
def _cached(path: str, labels: tuple[tuple[str, str], ...], stamp: float) -> FolderModel:
    return load(path, dict(labels))


def load_cached(path: str | Path, labels: Mapping[str, str] | None = None) -> FolderModel:
    """`load`, kept in memory while the folder's config.json is unchanged (a web worker asks
    for the model on every triage)."""
    folder = Path(path).expanduser()
    try:
        stamp = (folder / "config.json").stat().st_mtime
    except OSError:
        stamp = -1.0
    return _cached(str(folder), tuple(sorted((labels or {}).items())), stamp)


# -- the workspace's choice -------------------------------------------------------------------
@dataclass(frozen=True)
class ChosenFolder:
    """The model folder the workspace chose, and its label mapping as given (may be empty)."""

    path: str
    labels: dict[str, str]


@dataclass(frozen=True)
class FolderCheck:
    """A folder tried: its labels mapped (`mapping`: model label -> sentiment), or why not."""

    path: str
    mapping: dict[str, str]
    problem: str | None = None


def chosen(session: Session, workspace_id: int) -> ChosenFolder | None:
    """The workspace's model folder (None: the lexicon reads the sentiment)."""
    from sqlalchemy import select

    from socialdesk.model import WorkspaceFact

    value = session.scalar(
        select(WorkspaceFact.value).where(
            WorkspaceFact.workspace_id == workspace_id, WorkspaceFact.key == SETTING_KEY
        )
    )
    if not value or not value.get("path"):
        return None
    return ChosenFolder(str(value["path"]), dict(value.get("labels") or {}))


def check(path: str | Path, labels: Mapping[str, str] | None = None) -> FolderCheck:
    """Load the folder and read one text with it: what it maps its labels to, or the problem."""
    folder = str(Path(path).expanduser().resolve())
    try:
        model = load_cached(folder, labels)
        model.read(["Thanks for the quick help!"])
    except ModelFolderError as exc:
        return FolderCheck(folder, {}, str(exc))
    except Exception as exc:  # the model loaded but cannot read a text
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return FolderCheck(folder, {}, f"{folder} could not read a text: {first[:300]}")
    names = [str(model.model.config.id2label[i]) for i in sorted(model.model.config.id2label)]
    if len(names) != len(model.sentiments):  # a config whose names and outputs disagree
        names = [f"LABEL_{i}" for i in range(len(model.sentiments))]
    return FolderCheck(folder, dict(zip(names, model.sentiments, strict=True)))


def use(
    session: Session, workspace_id: int, path: str | Path, labels: Mapping[str, str] | None = None
) -> FolderCheck:
    """Choose the folder for the workspace when it loads and reads; otherwise nothing changes
    and the check says why."""
    from socialdesk.model import WorkspaceFact
    from socialdesk.store.upsert import upsert

    result = check(path, labels)
    if result.problem is None:
        row = {
            "workspace_id": workspace_id,
            "key": SETTING_KEY,
            "value": {"path": result.path, "labels": dict(labels or {})},
        }
        upsert(session, WorkspaceFact.__table__, [row], keys=("workspace_id", "key"))
    return result


def turn_off(session: Session, workspace_id: int) -> bool:
    """Back to the lexicon; whether a folder had been chosen."""
    from sqlalchemy import delete

    from socialdesk.model import WorkspaceFact

    had = chosen(session, workspace_id) is not None
    session.execute(
        delete(WorkspaceFact).where(
            WorkspaceFact.workspace_id == workspace_id, WorkspaceFact.key == SETTING_KEY
        )
    )
    return had


def workspace_reader(session: Session, workspace_id: int) -> tuple[FolderModel | None, str | None]:
    """The workspace's chosen model, loaded, or None; and when it was chosen but cannot be
    used, why (the lexicon then reads the sentiment)."""
    choice = chosen(session, workspace_id)
    if choice is None:
        return None, None
    try:
        return load_cached(choice.path, choice.labels), None
    except ModelFolderError as exc:
        return None, f"{exc}; the lexicon reads the sentiment instead"


__all__ = [
    "BATCH",
    "SETTING_KEY",
    "ChosenFolder",
    "FolderCheck",
    "FolderModel",
    "FolderReading",
    "ModelFolderError",
    "check",
    "chosen",
    "label_mapping",
    "load",
    "load_cached",
    "parse_labels",
    "turn_off",
    "use",
    "workspace_reader",
]
