"""Learning from the team: every label a person sets trains a model for this workspace.

The model is scikit-learn: character n-grams (2-5, inside word boundaries) and word n-grams
(1-2) of the text, plus the lexicons' own numbers (sentiment.FEATURES) and the out-of-the-box
reading's log-probabilities per class (the fusion), into a logistic regression with balanced
class weights. The lexicon block is weighted down (LEXICON_WEIGHT) so a few labels do not
overfit its numbers, and the regularisation C is chosen by 3-fold cross-validation on the
team's labels only. Its probabilities are the regression's own, for balanced classes: a
sigmoid calibration on the team's class shares (tried) undoes the balancing and cost 0.07
macro-F1 after 200 TweetEval labels (0.57 -> 0.50), most of it on the rarer class.

The lexicon stays in charge until the model proves itself, language by language: a quarter
of the team's labels is held back (stratified by label and language), the model is fitted on
the rest, and both are scored on the held-back part with macro-F1 (with a bootstrap
interval), overall and per language. The model takes over a language only when that
language has at least MIN_HELD_BACK_PER_LANGUAGE held-back labels and the model's macro-F1 on
them is at least the lexicon's; every other language (too few labels, the model worse, or
no labels at all) stays with the lexicon (`LanguageDecision`, `LearntModel.reads`). A team
with many English labels and a few Dutch ones thus gets the model for English and keeps the
lexicon for Dutch. The model is then refitted on all labels. A model stored before the
per-language decision (`languages` None) reads every language when it is in charge, as it
did. Nothing is hidden on a guess: the inbox shows every message whatever its label, with
the label's confidence.

With the `embeddings` extra installed (embeddings.py) the model reads each text's sentence
vector and the lexicon block instead of the n-grams (VECTOR_NGRAMS, chosen on TweetEval's
validation split); each text is embedded once and its vector kept (`Vectors`), so retraining
after new labels embeds only the new messages. A stored model says itself whether it reads
vectors (`uses_embeddings`), so models stored before the extra read as they always did.
Fitting and reading run one BLAS thread (`one_thread`). The vector model is regularised more
than the n-gram model (VECTOR_LEXICON_WEIGHT, C_GRID_VECTORS, C chosen by macro-recall:
chosen again on TweetEval's validation split, see there). A reader that has the texts' lexicon
numbers already (triage reads them) hands them to `predict(..., lexicon=...)`, so they are not
read a second time.

`ask_for_labels` picks the messages the current reader is least sure about, so each label a
person sets teaches the most.
"""

from __future__ import annotations

import base64
import io
import logging
import math
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from socialdesk.estimates import Estimate
from socialdesk.inbox import embeddings
from socialdesk.inbox.embeddings import COLUMNS as EMBEDDING_COLUMNS
from socialdesk.inbox.embeddings import EmbeddingsUnavailable, Vectors
from socialdesk.inbox.sentiment import FEATURES as SENTIMENT_FEATURES
from socialdesk.inbox.sentiment import fusion_probabilities, lexicon_features

log = logging.getLogger("socialdesk.inbox.learning")

MIN_LABELS = 30  # below this no model is fitted
MIN_PER_CLASS = 5
HOLDOUT_SHARE = 0.25
# A language's takeover is decided on at least this many held-back labels of it (a quarter
# of its labels: about 80 labels of the language). Macro-F1 over three classes on fewer
# messages is too unsteady to stand for the language. Simulated (3 balanced classes, each
# reader right with a fixed chance, errors independent): a model 15 points less accurate than
# the lexicon (0.55 against 0.70) still takes over in 27% of draws at 10 held-back messages
# (macro_f1_estimate's floor, all the old all-languages rule asked), 21% at 15, 17% at 20,
# 9% at 40; one macro-F1's 95% interval is 0.57 wide at 10, 0.42 at 20, 0.30 at 40. 20 is
# where a language's verdict starts to mean something while a team can still reach it; a
# language with fewer held-back labels keeps the lexicon (its scores are shown, not used).
MIN_HELD_BACK_PER_LANGUAGE = 20
UNKNOWN_LANGUAGE = "und"  # messages whose language was not told (BCP 47's "undetermined")
FUSION_FEATURES = ("fusion_negative", "fusion_neutral", "fusion_positive")
FEATURES = (*SENTIMENT_FEATURES, *FUSION_FEATURES)
C_GRID = (0.25, 0.5, 1.0)  # chosen by 3-fold cross-validation on the labels
DEFAULT_C = 0.5  # when there are too few labels per class to cross-validate
LEXICON_WEIGHT = 0.3  # the lexicon block's weight next to the n-grams (1 each)
# With the sentence vectors (the `embeddings` extra) the model reads the vectors and the
# lexicon block, without the n-grams: chosen on TweetEval's validation split alone (2-fold
# within it, fitted on 200/500/1,000 labels of one half, macro-recall on the other; it is
# evaluate-only data, so it chose these numbers and trained nothing that ships). Mean
# macro-recall there: n-grams + lexicon 0.614, + vectors 0.618, vectors + lexicon 0.612
# (standardised; 0.605 as they come), + word n-grams 0.609: a tie, so the fastest to fit
# won: 5 s instead of 18-27 s for one fit on 1,000 labels, and retraining takes seconds.
# The lexicon block's weight, the C grid and the score that chooses C were chosen again on
# the same split alone (issue #19; 36 draws of 200/500/1,000 labels scored on the rest of
# it, and 5-fold twice on all of it): the vector model wants more regularisation than the
# n-grams. Mean macro-recall over the sizes: lexicon weight 0.3 with C of (0.25, 1, 4) by
# macro-F1 (before) 0.630; lexicon weight 0.1 with C of (0.06 .. 1) by macro-recall 0.646
# (by macro-F1 0.644); C fixed at 0.12 0.648; without the balanced class weights 0.62 at
# best (kept balanced). Across topics (10 clusters of the vectors, one left out at a time,
# so the scored messages speak of other things than the labelled ones, as a team's new
# messages do) 0.625 before, 0.634 now. Macro-recall (each class's share found, averaged)
# is TweetEval's own measure; the takeover check stays macro-F1.
VECTOR_NGRAMS: tuple[str, ...] = ()
VECTOR_LEXICON_WEIGHT = 0.1
EMBEDDING_WEIGHT = round(1 / math.sqrt(embeddings.DIM), 3)  # the standardised block's norm ~1
VECTORS_STANDARDISED = True
C_GRID_VECTORS = (0.06, 0.12, 0.25, 0.5, 1.0)
C_SCORE = "macro-F1"  # what chooses C for the n-gram model
C_SCORE_VECTORS = "macro-recall"  # and for the model with the vectors


def lexicon_matrix(
    texts: Sequence[str],
    languages: Sequence[str | None],
    features: Sequence[dict[str, float]] | None = None,
) -> pd.DataFrame:
    """Per text the lexicons' numbers, the fusion's log-probabilities and is_nl.

    `features` are the texts' lexicon_features when they were read already (triage reads
    them): only the fusion is computed then."""
    if features is not None and len(features) != len(texts):
        raise ValueError(f"{len(features)} lexicon readings for {len(texts)} texts")
    rows = []
    for i, (text, language) in enumerate(zip(texts, languages, strict=True)):
        row = dict(features[i]) if features is not None else lexicon_features(text or "", language)
        proba = fusion_probabilities(row, language)
        for name in FUSION_FEATURES:
            row[name] = math.log(max(proba[name.removeprefix("fusion_")], 1e-6))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(FEATURES)).astype(float)
    frame["is_nl"] = [1.0 if lang == "nl" else 0.0 for lang in languages]
    return frame


# The lexicon numbers of a batch as a model takes them: lexicon_matrix's frame, or the
# texts' lexicon_features as triage read them.
Lexicon: TypeAlias = pd.DataFrame | Sequence[dict[str, float]]


def _lexicon_block(
    texts: Sequence[str], languages: Sequence[str | None], lexicon: Lexicon | None
) -> pd.DataFrame:
    if lexicon is None:
        return lexicon_matrix(texts, languages)
    if isinstance(lexicon, pd.DataFrame):
        if len(lexicon) != len(texts):
            raise ValueError(f"lexicon numbers for {len(lexicon)} texts, not {len(texts)}")
        return lexicon[[*FEATURES, "is_nl"]].reset_index(drop=True).astype(float)
    return lexicon_matrix(texts, languages, lexicon)


def _input(
    texts: Sequence[str],
    languages: Sequence[str | None],
    vectors: np.ndarray | Vectors | None = None,
    lexicon: Lexicon | None = None,
) -> pd.DataFrame:
    """The model's input rows: the text, the lexicon block and, given `vectors` (the texts'
    sentence vectors, or a `Vectors` that keeps them), the embedding block. `lexicon`: the
    texts' lexicon numbers when they were read already (see lexicon_matrix), so they are
    not read again."""
    frame = _lexicon_block(texts, languages, lexicon)
    frame.insert(0, "text", [t or "" for t in texts])
    if vectors is not None:
        matrix = vectors(texts) if isinstance(vectors, Vectors) else np.asarray(vectors)
        block = pd.DataFrame(matrix, columns=list(EMBEDDING_COLUMNS), index=frame.index)
        frame = pd.concat([frame, block], axis=1)
    return frame


def _features(with_vectors: bool = False) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import StandardScaler

    blocks: dict[str, tuple[Any, Any]] = {
        "chars": (
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                min_df=2,
                sublinear_tf=True,
                lowercase=True,
                max_features=200_000,
            ),
            "text",
        ),
        "words": (
            TfidfVectorizer(
                analyzer="word",
                ngram_range=(1, 2),
                min_df=1,
                sublinear_tf=True,
                lowercase=True,
                token_pattern=r"(?u)[#@]?\b\w\w*\b",
            ),
            "text",
        ),
        "lexicon": (StandardScaler(), [*FEATURES, "is_nl"]),
    }
    weights = {"chars": 1.0, "words": 1.0, "lexicon": LEXICON_WEIGHT}
    if with_vectors:
        vectors = StandardScaler() if VECTORS_STANDARDISED else "passthrough"
        blocks = {k: v for k, v in blocks.items() if k in (*VECTOR_NGRAMS, "lexicon")}
        blocks["embedding"] = (vectors, list(EMBEDDING_COLUMNS))
        weights = {
            **{k: weights[k] for k in VECTOR_NGRAMS},
            "lexicon": VECTOR_LEXICON_WEIGHT,
            "embedding": EMBEDDING_WEIGHT,
        }
    return ColumnTransformer(
        [(name, transformer, columns) for name, (transformer, columns) in blocks.items()],
        transformer_weights=weights,
    )


@lru_cache(maxsize=1)
def _threadpools() -> Any:
    import importlib

    # scikit-learn's own dependency; it ships no types
    return importlib.import_module("threadpoolctl").ThreadpoolController()


def one_thread() -> Any:
    """A context in which numpy's and scikit-learn's BLAS run one thread: a process is one
    reader (more processes, not more threads, use more cores). Without it a fit on a busy or
    CPU-pinned machine was 5-10x slower (the BLAS threads wait on each other)."""
    return _threadpools().limit(limits=1, user_api="blas")


def uses_embeddings(pipeline: Any) -> bool:
    """Whether a fitted pipeline reads the sentence vectors (the `embeddings` extra)."""
    features = getattr(pipeline, "named_steps", {}).get("features")
    return any(name == "embedding" for name, *_ in getattr(features, "transformers", ()))


def _classifier(c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000)


def _choose_c(
    matrix: Any,
    labels: Sequence[str],
    min_class: int,
    seed: int,
    grid: Sequence[float] = C_GRID,
    score: str = C_SCORE,
) -> float:
    """The C of `grid` with the best 3-fold cross-validated `score` (macro-F1 or
    macro-recall) on these labels; the smaller C on a tie."""
    if min_class < 3:
        return DEFAULT_C
    from sklearn.metrics import f1_score, recall_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    measure = recall_score if score == "macro-recall" else f1_score
    folds = StratifiedKFold(3, shuffle=True, random_state=seed)
    scores = {}
    for c in grid:
        predicted = cross_val_predict(_classifier(c), matrix, list(labels), cv=folds)
        scores[c] = measure(list(labels), predicted, average="macro")
    return max(grid, key=lambda c: (round(scores[c], 4), -c))


def fit_pipeline(frame: pd.DataFrame, labels: Sequence[str], *, seed: int = 0) -> Any:
    """The fitted pipeline (features, then the classifier) for `_input` rows.

    The n-gram vocabularies are learnt once on all the given rows; C is chosen on them by
    cross-validation (C_GRID by macro-F1; with the vectors C_GRID_VECTORS by macro-recall),
    then the classifier is fitted on all of them. Rows with the sentence
    vectors (`_input(..., vectors)`) add the embedding block."""
    from sklearn.pipeline import Pipeline

    labels = list(labels)
    min_class = int(pd.Series(labels).value_counts().min())
    with_vectors = EMBEDDING_COLUMNS[0] in frame.columns
    features = _features(with_vectors)
    with one_thread():
        matrix = features.fit_transform(frame)
        if with_vectors:
            c = _choose_c(matrix, labels, min_class, seed, C_GRID_VECTORS, C_SCORE_VECTORS)
        else:
            c = _choose_c(matrix, labels, min_class, seed, C_GRID, C_SCORE)
        classifier = _classifier(c).fit(matrix, labels)
    return Pipeline([("features", features), ("classify", classifier)])


def language_key(language: Any) -> str:
    """The language a decision is kept under: its code, or UNKNOWN_LANGUAGE when none is told
    (None, an empty cell, NaN)."""
    if language is None or (isinstance(language, float) and math.isnan(language)):
        return UNKNOWN_LANGUAGE
    # "EN", "nl-NL" and "nl_BE" as the detector writes them: lower case, the language alone
    code = str(language).strip().lower().replace("_", "-").split("-")[0]
    return code or UNKNOWN_LANGUAGE


def _estimate_plain(estimate: Estimate) -> dict[str, Any]:
    return {
        "value": estimate.value,
        "low": estimate.low,
        "high": estimate.high,
        "n": estimate.n,
        "method": estimate.method,
    }


def _estimate_from(data: Any, n: int) -> Estimate:
    if not isinstance(data, dict):
        return Estimate.not_enough(n, "not stored")
    return Estimate(
        data.get("value"),
        data.get("low"),
        data.get("high"),
        0.95,
        int(data.get("n", n)),
        str(data.get("method", "")),
    )


@dataclass(frozen=True)
class LanguageDecision:
    """Whether the model reads one language: its held-back labels there, the model's and the
    lexicon's macro-F1 on them, and the verdict. `enough` is False when the language had fewer
    than MIN_HELD_BACK_PER_LANGUAGE held-back labels: the lexicon keeps it whatever the scores
    (shown, but not decided on)."""

    language: str
    n_labels: int
    holdout_n: int
    score_model: Estimate
    score_lexicon: Estimate
    enough: bool
    in_charge: bool

    def plain(self) -> dict[str, Any]:
        """The decision as the store keeps it (inbox_model.languages, JSON)."""
        return {
            "n_labels": self.n_labels,
            "holdout_n": self.holdout_n,
            "score_model": _estimate_plain(self.score_model),
            "score_lexicon": _estimate_plain(self.score_lexicon),
            "enough": self.enough,
            "in_charge": self.in_charge,
        }

    @classmethod
    def from_plain(cls, language: str, data: dict[str, Any]) -> LanguageDecision:
        held = int(data.get("holdout_n", 0))
        return cls(
            language,
            int(data.get("n_labels", 0)),
            held,
            _estimate_from(data.get("score_model"), held),
            _estimate_from(data.get("score_lexicon"), held),
            bool(data.get("enough", False)),
            bool(data.get("in_charge", False)),
        )


def decisions_plain(decisions: dict[str, LanguageDecision] | None) -> dict[str, Any] | None:
    """Per-language decisions as the store keeps them (None stays None: all languages)."""
    if decisions is None:
        return None
    return {
        "min_held_back": MIN_HELD_BACK_PER_LANGUAGE,
        "languages": {lang: d.plain() for lang, d in decisions.items()},
    }


def decisions_from(data: Any) -> dict[str, LanguageDecision] | None:
    """The stored per-language decisions; None for a model stored before them (NULL), whose
    `in_charge` covers every language."""
    if not isinstance(data, dict) or not isinstance(data.get("languages"), dict):
        return None
    return {
        str(lang): LanguageDecision.from_plain(str(lang), d if isinstance(d, dict) else {})
        for lang, d in data["languages"].items()
    }


@dataclass
class LearntModel:
    """A fitted model for one target ("sentiment" or "intent") and its held-back scores.

    `in_charge` is whether it reads any message; `languages` (the per-language decisions)
    say which: a language is read only when its decision is in charge, a language without
    one stays with the lexicon. `languages` None (a model stored before the per-language
    decision) reads every language when `in_charge`, as such models always did."""

    target: str
    pipeline: Any
    n_labels: int
    holdout_n: int
    score_model: Estimate
    score_lexicon: Estimate
    in_charge: bool
    classes: tuple[str, ...] = field(default_factory=tuple)
    # where the sentence vectors of a model that reads them are kept (None: this process's
    # memory); see embeddings.vectors_for
    vectors: Vectors | None = field(default=None, repr=False, compare=False)
    languages: dict[str, LanguageDecision] | None = None

    def reads(self, language: Any) -> bool:
        """Whether this model reads messages of `language` (a code, or None when not told)."""
        if not self.in_charge:
            return False
        if self.languages is None:
            return True
        decision = self.languages.get(language_key(language))
        return decision is not None and decision.in_charge

    @property
    def languages_in_charge(self) -> tuple[str, ...] | None:
        """The languages it reads, sorted (None: every language, a model stored before)."""
        if self.languages is None:
            return None if self.in_charge else ()
        if not self.in_charge:
            return ()
        return tuple(sorted(lang for lang, d in self.languages.items() if d.in_charge))

    def __post_init__(self) -> None:
        if self.in_charge and self.uses_embeddings and not embeddings.available():
            log.warning(
                "the %s model reads sentence vectors, which are not available here (%s): "
                "the lexicon stays in charge until the model is retrained",
                self.target,
                embeddings.problem(),
            )
            self.in_charge = False

    @property
    def uses_embeddings(self) -> bool:
        """Whether the model reads the sentence vectors (trained with the extra installed)."""
        return uses_embeddings(self.pipeline)

    def _rows(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None],
        lexicon: Lexicon | None = None,
    ) -> pd.DataFrame:
        if not self.uses_embeddings:
            return _input(texts, languages, lexicon=lexicon)
        reason = embeddings.problem()
        if reason is not None:
            raise EmbeddingsUnavailable(
                f"this {self.target} model was trained with sentence vectors: {reason}, "
                "or train it again without them"
            )
        return _input(texts, languages, self.vectors or embeddings.vectors_in(None), lexicon)

    def predict(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None],
        *,
        lexicon: Lexicon | None = None,
    ) -> tuple[list[str], list[float]]:
        """Labels and their probabilities. `lexicon`: the texts' lexicon numbers when they
        were read already (lexicon_matrix's frame, or the lexicon_features triage read), so
        the model does not read them a second time."""
        if not texts:
            return [], []
        proba = self.predict_proba(texts, languages, lexicon=lexicon)
        classes = self.pipeline.classes_
        best = proba.argmax(axis=1)
        return [str(classes[i]) for i in best], [round(float(p), 3) for p in proba.max(axis=1)]

    def predict_proba(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None],
        *,
        lexicon: Lexicon | None = None,
    ) -> np.ndarray:
        rows = self._rows(texts, languages, lexicon)
        with one_thread():
            return np.asarray(self.pipeline.predict_proba(rows))

    def dumps(self) -> str:
        return base64.b64encode(
            pickle.dumps(self.pipeline, protocol=pickle.HIGHEST_PROTOCOL)
        ).decode()

    @staticmethod
    def loads_pipeline(payload: str) -> Any:
        """The pipeline a workspace stored (its own database: trusted as the database is)."""
        return pickle.load(io.BytesIO(base64.b64decode(payload)))


@dataclass(frozen=True)
class TrainResult:
    """What training did: the model (None when there were too few labels) and why."""

    model: LearntModel | None
    message: str


def _macro_f1(y: np.ndarray, p: np.ndarray, k: int) -> float:
    """Macro-F1 over classes 0..k-1 from integer codes (the classes present in the truth)."""
    cm = np.bincount(y * k + p, minlength=k * k).reshape(k, k)
    tp = np.diag(cm).astype(float)
    support = cm.sum(axis=1)
    predicted = cm.sum(axis=0)
    denom = support + predicted
    f1 = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)
    present = support > 0
    return float(f1[present].mean()) if present.any() else 0.0


def macro_f1_estimate(
    truth: Sequence[str], predicted: Sequence[str], *, seed: int = 0, rounds: int = 1000
) -> Estimate:
    """Macro-F1 (over the classes in the truth) with a 95% percentile-bootstrap interval."""
    n = len(truth)
    if n < 10:
        return Estimate.not_enough(n, f"{n} labelled messages, at least 10 needed")
    classes = sorted(set(truth) | set(predicted))
    code = {c: i for i, c in enumerate(classes)}
    y = np.array([code[c] for c in truth])
    p = np.array([code[c] for c in predicted])
    k = len(classes)
    value = _macro_f1(y, p, k)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, (rounds, n))
    boots = [_macro_f1(y[i], p[i], k) for i in idx]
    low, high = np.percentile(boots, [2.5, 97.5])
    return Estimate(value, float(low), float(high), 0.95, n, "macro-F1, percentile bootstrap")


def train(
    target: str,
    texts: Sequence[str],
    languages: Sequence[str | None],
    labels: Sequence[str],
    lexicon_labels: Sequence[str],
    *,
    seed: int = 0,
    use_embeddings: bool | None = None,
    vectors: Vectors | None = None,
) -> TrainResult:
    """Fit a model on the team's labels and decide whether it takes over from the lexicon.

    `lexicon_labels` are what the lexicon and rules say for the same messages: the bar the
    model must clear on the held-back quarter, language by language (`languages`: each
    message's language, None when not told; see MIN_HELD_BACK_PER_LANGUAGE). The model
    reads the texts' sentence vectors too when `use_embeddings` (by default: when the
    `embeddings` extra is installed); they are kept in `vectors` (by default this process's
    memory), so a text is embedded once.
    """
    from sklearn.model_selection import train_test_split

    n = len(labels)
    counts = pd.Series(list(labels)).value_counts()
    if n < MIN_LABELS:
        return TrainResult(None, f"not enough data: {n} labels, at least {MIN_LABELS} needed")
    usable = counts[counts >= MIN_PER_CLASS]
    if len(usable) < 2:
        return TrainResult(
            None,
            f"not enough data: fewer than two {target} classes with {MIN_PER_CLASS} labels each",
        )
    keep = [i for i, lab in enumerate(labels) if lab in usable.index]
    texts = [texts[i] for i in keep]
    languages = [languages[i] for i in keep]
    labels = [labels[i] for i in keep]
    lexicon_labels = [lexicon_labels[i] for i in keep]
    if use_embeddings is None:
        use_embeddings = embeddings.available()
    store = (vectors or embeddings.vectors_in(None)) if use_embeddings else None
    matrix = store(texts) if store is not None else None
    idx = np.arange(len(labels))
    keys = [language_key(lang) for lang in languages]
    fit_idx, hold_idx = train_test_split(
        idx, test_size=HOLDOUT_SHARE, random_state=seed, stratify=_strata(labels, keys)
    )

    def pick(seq: Sequence[Any], ids: np.ndarray) -> list[Any]:
        return [seq[i] for i in ids]

    def rows(ids: np.ndarray) -> pd.DataFrame:
        part = None if matrix is None else matrix[ids]
        return _input(pick(texts, ids), pick(languages, ids), part)

    fit_labels = pick(labels, fit_idx)
    pipe = fit_pipeline(rows(fit_idx), fit_labels, seed=seed)
    held_truth = pick(labels, hold_idx)
    held_model = [str(x) for x in pipe.predict(rows(hold_idx))]
    held_lexicon = pick(lexicon_labels, hold_idx)
    score_model = macro_f1_estimate(held_truth, held_model, seed=seed)
    score_lexicon = macro_f1_estimate(held_truth, held_lexicon, seed=seed)
    decisions = _decide_per_language(
        keys, pick(keys, hold_idx), held_truth, held_model, held_lexicon, seed=seed
    )
    in_charge = any(d.in_charge for d in decisions.values())
    final = fit_pipeline(_input(texts, languages, matrix), labels, seed=seed)
    model = LearntModel(
        target,
        final,
        len(labels),
        len(hold_idx),
        score_model,
        score_lexicon,
        in_charge,
        tuple(str(c) for c in final.classes_),
        store,
        decisions,
    )
    message = (
        f"{target}: macro-F1 on {len(hold_idx)} held-back labels: model {_f1(score_model)}, "
        f"lexicon {_f1(score_lexicon)}; {_verdict(decisions)}"
    )
    return TrainResult(model, message)


def _strata(labels: Sequence[str], keys: Sequence[str]) -> list[str]:
    """What the held-back part is stratified by: label and language, so each language keeps
    about a quarter of its labels back (and a team can tell how many labels it needs); a
    label-and-language pair with a single label is stratified by its label alone, and when
    that leaves a stratum of one, everything by label alone (as before languages counted)."""
    pairs = [f"{lab}|{key}" for lab, key in zip(labels, keys, strict=True)]
    counts = pd.Series(pairs).value_counts()
    strata = [p if counts[p] >= 2 else lab for p, lab in zip(pairs, labels, strict=True)]
    # each part must be able to hold one of every stratum (train_test_split refuses
    # otherwise): while there are more strata than the smaller part holds, the rarest
    # label-and-language pair joins its label's stratum (few labels in many languages)
    n = len(labels)
    held = math.ceil(HOLDOUT_SHARE * n)
    room = min(held, n - held)
    sizes = pd.Series(strata).value_counts()
    while len(sizes) > room:
        rare = [x for x in sizes.index[::-1] if "|" in x]
        if not rare:
            break
        merged = rare[0]
        strata = [x.split("|")[0] if x == merged else x for x in strata]
        sizes = pd.Series(strata).value_counts()
    if sizes.min() < 2 or len(sizes) > room:
        return list(labels)
    return strata


def _decide_per_language(
    keys: Sequence[str],
    held_keys: Sequence[str],
    truth: Sequence[str],
    model: Sequence[str],
    lexicon: Sequence[str],
    *,
    seed: int,
) -> dict[str, LanguageDecision]:
    """Per language of the labels: the held-back scores and whether the model takes it over
    (at least MIN_HELD_BACK_PER_LANGUAGE held-back labels, and the model's macro-F1 there at
    least the lexicon's)."""
    labelled = pd.Series(list(keys)).value_counts()
    out = {}
    for lang in sorted(labelled.index):
        ids = [i for i, key in enumerate(held_keys) if key == lang]
        part_truth = [truth[i] for i in ids]
        by_model = macro_f1_estimate(part_truth, [model[i] for i in ids], seed=seed)
        by_lexicon = macro_f1_estimate(part_truth, [lexicon[i] for i in ids], seed=seed)
        enough = len(ids) >= MIN_HELD_BACK_PER_LANGUAGE and by_model.ok and by_lexicon.ok
        in_charge = bool(enough and by_model.value >= by_lexicon.value)  # type: ignore[operator]
        out[lang] = LanguageDecision(
            lang, int(labelled[lang]), len(ids), by_model, by_lexicon, enough, in_charge
        )
    return out


def _f1(estimate: Estimate) -> str:
    return "-" if estimate.value is None else f"{estimate.value:.3f}"


def _verdict(decisions: dict[str, LanguageDecision]) -> str:
    """Who reads each language, and why, in a sentence (English: the log and the CLI)."""
    parts = []
    for lang, d in decisions.items():
        if not d.enough:
            why = f"{d.holdout_n} held-back labels, at least {MIN_HELD_BACK_PER_LANGUAGE} needed"
        else:
            why = (
                f"{d.holdout_n} held back, model {_f1(d.score_model)}, "
                f"lexicon {_f1(d.score_lexicon)}"
            )
        reader = "the model" if d.in_charge else "the lexicon"
        parts.append(f"{lang}: {reader} ({why})")
    if decisions and all(d.in_charge for d in decisions.values()):
        head = "the model is in charge"
    elif any(d.in_charge for d in decisions.values()):
        head = "the model is in charge of some languages"
    else:
        head = "the lexicon stays in charge"
    return f"{head}; per language: {'; '.join(parts)}"


def ask_for_labels(confidence: Sequence[float], *, k: int = 20) -> list[int]:
    """Positions of the k least certain readings (least-confidence sampling)."""
    order = np.argsort(np.asarray(confidence, dtype=float), kind="stable")
    return [int(i) for i in order[:k]]


__all__ = [
    "EMBEDDING_WEIGHT",
    "FEATURES",
    "MIN_HELD_BACK_PER_LANGUAGE",
    "MIN_LABELS",
    "UNKNOWN_LANGUAGE",
    "LanguageDecision",
    "LearntModel",
    "Lexicon",
    "TrainResult",
    "ask_for_labels",
    "decisions_from",
    "decisions_plain",
    "fit_pipeline",
    "language_key",
    "lexicon_matrix",
    "macro_f1_estimate",
    "train",
    "uses_embeddings",
]
