"""Fit the out-of-the-box sentiment fusion (src/socialdesk/inbox/data/sentiment_fusion.json).

    .venv/bin/python benchmarks/fit_sentiment_fusion.py [--data /work/shared/data] [--write]
        [--ablation]

What is fitted on what (and nothing else):
- English: a multinomial logistic regression over the lexicons' numbers
  (socialdesk.inbox.sentiment.FEATURES: VADER, Pattern English, labMT, emoji, message shape)
  on the 2,000 tweets of the TweetEval sentiment VALIDATION split, language given as "en".
- Dutch: the same over the Dutch lexicon's numbers on the 899 tweets of the Dutch political
  tweets' TRAIN split, language given as "nl".
Both with balanced class weights (so the answer does not lean on a data set's class shares);
the regularisation C is chosen from a short grid by repeated 5-fold cross-validation on the
same split, for macro-recall (TweetEval's official measure) and macro-F1 (the Dutch data set's).
What ships is 3 x (features + 1) weights per language and each feature's mean and scale: no
word, text or label of the data sets. The TEST splits are never read here;
benchmarks/triage_quality.py scores them.

Without --write the fit is only reported. --ablation also reports the cross-validated
measure for smaller feature sets (the figures in docs/decisions.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from triage_quality import CLASSES, _dutch, _tweeteval

from socialdesk.inbox.sentiment import FEATURES, FUSION_FILE, lexicon_features

GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
REPEATS = 3

# Feature sets for --ablation (cumulative), each a subset of FEATURES.
_VADER = ("vader_compound", "vader_pos", "vader_neg")
_PATTERN_EN = ("en_polarity", "en_subjectivity", "en_words")
_LABMT = ("happiness", "happiness_words")
_DUTCH = ("nl_polarity", "nl_words")
_COUNTS = ("lex_positive", "lex_negative", "lex_max", "lex_min")
_RULES = ("service", "question", "exclaim")  # the emoji count among the lexicon words
_SHAPE = (
    "negation",
    "elongated",
    "shouting",
    "link",
    "mention",
    "hashtags",
    "length",
    "digits",
)
# The features each language's fusion reads: the cumulative set with the best cross-validated
# measure in the ablation, plus, one at a time, the message-shape features that raised it
# (greedy forward selection on the same split): none for English (the best, "mention", added
# 0.0005), "negation" (+0.036) and "length" (+0.007) for Dutch.
SELECTED = {
    "en": _VADER + _PATTERN_EN + _LABMT + _COUNTS + _RULES,
    "nl": _DUTCH + _COUNTS + _VADER + _RULES + ("negation", "length"),
}
UNUSED = {"en": set(_DUTCH), "nl": set(_PATTERN_EN + _LABMT)}  # always 0 for that language
ABLATION = {
    "en": (
        ("VADER compound", ("vader_compound",)),
        ("VADER (compound, pos, neg)", _VADER),
        ("+ Pattern English", _VADER + _PATTERN_EN),
        ("+ labMT", _VADER + _PATTERN_EN + _LABMT),
        ("+ word counts", _VADER + _PATTERN_EN + _LABMT + _COUNTS),
        ("+ service, ?!", _VADER + _PATTERN_EN + _LABMT + _COUNTS + _RULES),
        ("all FEATURES (+ shape, emoji mean/count)", FEATURES),
        ("selected", SELECTED["en"]),
    ),
    "nl": (
        ("Dutch polarity", ("nl_polarity",)),
        ("Dutch polarity + words", _DUTCH),
        ("+ word counts", _DUTCH + _COUNTS),
        ("+ VADER (emoji, English words)", _DUTCH + _COUNTS + _VADER),
        ("+ service, ?!", _DUTCH + _COUNTS + _VADER + _RULES),
        ("all FEATURES (+ shape, emoji mean/count)", FEATURES),
        ("selected", SELECTED["nl"]),
    ),
}


def _matrix(texts: list[str], language: str, names: tuple[str, ...]) -> np.ndarray:
    rows = [lexicon_features(t, language) for t in texts]
    return np.array([[row[n] for n in names] for row in rows], dtype=float)


def _model(c: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    )


def _cv_score(x: np.ndarray, y: list[str], c: float, measure: str) -> float:
    from sklearn.metrics import f1_score, recall_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    score = recall_score if measure == "macro-recall" else f1_score
    values = []
    for seed in range(REPEATS):
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
        predicted = cross_val_predict(_model(c), x, y, cv=folds)
        values.append(score(y, predicted, labels=list(CLASSES), average="macro"))
    return float(np.mean(values))


def fit(texts: list[str], labels: list[str], language: str, measure: str, ablation: bool):
    names = SELECTED[language]
    x_all = _matrix(texts, language, FEATURES)
    if ablation:
        for title, subset in ABLATION[language]:
            cols = [FEATURES.index(f) for f in subset if f not in UNUSED[language]]
            best = max(_cv_score(x_all[:, cols], labels, c, measure) for c in GRID)
            print(f"  {title:34} cross-validated {measure} {best:.4f}")
    x = x_all[:, [FEATURES.index(f) for f in names]]
    scores = {c: _cv_score(x, labels, c, measure) for c in GRID}
    c_best = max(scores, key=lambda c: (round(scores[c], 4), -c))
    print(
        "  C grid: "
        + ", ".join(f"{c}: {v:.4f}" for c, v in scores.items())
        + f" -> C = {c_best} (cross-validated {measure} {scores[c_best]:.4f})"
    )
    model = _model(c_best).fit(x, labels)
    scaler, lr = model[0], model[-1]
    return {
        "classes": [str(c) for c in lr.classes_],
        "features": list(names),
        "mean": [round(float(v), 6) for v in scaler.mean_],
        "scale": [round(float(v), 6) for v in scaler.scale_],
        "coef": [[round(float(v), 6) for v in row] for row in lr.coef_],
        "intercept": [round(float(v), 6) for v in lr.intercept_],
        "C": c_best,
        "cross_validated": {measure: round(scores[c_best], 4)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("SOCIALDESK_SHARED_DATA", "/work/shared/data")),
    )
    parser.add_argument("--write", action="store_true", help=f"write {FUSION_FILE.name}")
    parser.add_argument("--ablation", action="store_true")
    args = parser.parse_args()
    english = _tweeteval(args.data, "val")
    dutch = _dutch(args.data, "gold-polarity_train.csv")
    if english is None or dutch is None:
        print(f"TweetEval validation or Dutch train split not found under {args.data}")
        return 1
    out = {
        "about": (
            "Out-of-the-box sentiment fusion: per language a multinomial logistic regression "
            "over socialdesk.inbox.sentiment.FEATURES, standardised with mean/scale. Fitted by "
            "benchmarks/fit_sentiment_fusion.py: en on the TweetEval sentiment validation split "
            "(2,000 tweets), nl on the Dutch political tweets' train split (899 tweets), "
            "balanced class weights, C by repeated 5-fold cross-validation on the same split. "
            "Contains weights only, no text or label of those data sets."
        ),
        "fitted": dt.date.today().isoformat(),
        "languages": {},
    }
    print("English fusion on TweetEval validation (2,000 tweets):")
    out["languages"]["en"] = fit(*english, "en", "macro-recall", args.ablation)
    print("Dutch fusion on the Dutch political tweets' train split (899 tweets):")
    out["languages"]["nl"] = fit(*dutch, "nl", "macro-F1", args.ablation)
    if args.write:
        FUSION_FILE.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"written: {FUSION_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
