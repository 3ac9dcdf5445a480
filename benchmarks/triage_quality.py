"""How good and how fast is the inbox's triage? Figures against same-run and published baselines.

    .venv/bin/python benchmarks/triage_quality.py [--data /work/shared/data] [--quick]
    .venv/bin/python benchmarks/triage_quality.py --choose    (customer-service set, for choosing)
    .venv/bin/python benchmarks/triage_quality.py --final     (adds its test_c part: ONCE, by the lead)

1. Out-of-the-box sentiment (lexicon + rules, language detected as in the product) on the
   TweetEval sentiment TEST set (12,284 English tweets; official measure macro-recall;
   published: VADER 0.570, SVM 0.629, fine-tuned transformers 0.68-0.74), next to VADER alone
   (compound +-0.05) computed in the same run.
   The same on the Dutch political tweets TEST set (198 tweets; published SVM F1 0.59), and
   on the Dutch customer-service set written by the project
   (benchmarks/data/dutch_customer_service): negative recall and precision and macro-F1
   with bootstrap intervals on its validation (sitting A, 151 messages) and validation_b
   (sitting B, other organisations, 150 messages: the former test part, scored once in
   session 4 and since used for choosing) parts. The learnt complaint model was fitted on
   all of train, validation and validation_b, so these figures are in-sample for it; the
   honest ones are its cross-sitting figures (benchmarks/fit_sentiment_fusion.py
   --complaint-model). `--choose` prints train, validation and validation_b only. `--final`
   also scores the sitting-C test part (test_c.csv, written after all choices), once, at
   the end; nothing else reads that file.
2. Learning curve: macro-F1 on the TweetEval test set of the learnt model (learning.py)
   fitted on 200, 500, 1,000 and 2,000 labels drawn from the TweetEval validation split
   (the train texts are not in the snapshot); and on the Dutch test set, fitted on 200, 500
   and 899 labels of the Dutch train split.
3. Throughput of triage (language + sentiment + intent + urgency) on one core, next to
   VADER alone on the same texts: one message at a time (triage_text) and in one batch
   (triage_texts, which triage_frame uses: lingua asked once for the whole batch).

The data sets are evaluate-only: they are read from the shared data folder when it is there,
never copied into the repository, and they train nothing that ships. The out-of-the-box
fusion (benchmarks/fit_sentiment_fusion.py, issue #19) is fitted on the project's own English
messages and set by a rule for Dutch (its threshold chosen on the customer-service set's
train part); no part of TweetEval or the Dutch political tweets trained or chose it, so the
figures in 1. and the learning curve's fusion inputs are out of sample for it. The
customer-service set's validation parts are scored by the same reader whose Dutch threshold
was chosen on its train part.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

CLASSES = ("negative", "neutral", "positive")


def _tweeteval(root: Path, split: str) -> tuple[list[str], list[str]] | None:
    folder = root / "tweeteval_sentiment"
    text, labels = folder / f"{split}_text.txt", folder / f"{split}_labels.txt"
    if not (text.is_file() and labels.is_file()):
        return None
    texts = [line.rstrip("\n") for line in text.open(encoding="utf-8")]
    ys = [CLASSES[int(line)] for line in labels.open() if line.strip()]
    return texts, ys


def _dutch(root: Path, name: str) -> tuple[list[str], list[str]] | None:
    path = root / "dutch_political_tweets_polarity" / name
    if not path.is_file():
        return None
    frame = pd.read_csv(path)
    column = next(c for c in frame.columns if c.lower() == "content")
    texts = [str(t).replace("\xa0", " ").strip() for t in frame[column]]
    return texts, [str(p).strip() for p in frame["polarity"]]


CUSTOMER_SERVICE = (
    Path(__file__).resolve().parent / "data" / "dutch_customer_service" / "messages.csv"
)


CUSTOMER_SERVICE_TEST_C = CUSTOMER_SERVICE.parent / "test_c.csv"


def _customer_service(*splits: str) -> tuple[list[str], list[str]]:
    """The Dutch customer-service set's messages of the given parts ("train", "validation",
    "validation_b" from messages.csv; "test_c" from test_c.csv, read only under --final):
    written and labelled by the project (see its README), shipped in the repository."""
    frame = pd.read_csv(CUSTOMER_SERVICE, dtype=str, keep_default_na=False)
    frame = frame[frame["split"].isin(splits)]
    texts, labels = list(frame["text"]), list(frame["label"])
    if "test_c" in splits:
        test_c = pd.read_csv(CUSTOMER_SERVICE_TEST_C, dtype=str, keep_default_na=False)
        if "split" in test_c.columns:
            test_c = test_c[test_c["split"].isin(("test_c", "test", ""))]
        texts += list(test_c["text"])
        labels += [label.strip() for label in test_c["label"]]
    return texts, labels


def _negative_figures(truth: list[str], predicted: list[str]) -> tuple[float, float, float]:
    """Negative recall, negative precision and macro-F1 over the three classes."""
    from sklearn.metrics import f1_score, precision_score, recall_score

    neg = ["negative"]
    return (
        float(recall_score(truth, predicted, labels=neg, average="macro", zero_division=0)),
        float(precision_score(truth, predicted, labels=neg, average="macro", zero_division=0)),
        float(f1_score(truth, predicted, labels=list(CLASSES), average="macro", zero_division=0)),
    )


def _bootstrap(
    truth: list[str], predicted: list[str], n: int = 2000, seed: int = 0
) -> list[tuple[float, float]]:
    """95% percentile intervals of _negative_figures over n resamples of the messages."""
    rng = np.random.default_rng(seed)
    t, p = np.asarray(truth), np.asarray(predicted)
    draws = []
    for _ in range(n):
        idx = rng.integers(0, len(t), len(t))
        draws.append(_negative_figures(list(t[idx]), list(p[idx])))
    values = np.asarray(draws)
    return [
        (float(np.percentile(values[:, k], 2.5)), float(np.percentile(values[:, k], 97.5)))
        for k in range(values.shape[1])
    ]


def customer_service(splits: tuple[str, ...], title: str) -> None:
    """Negative recall / precision and macro-F1 on parts of the Dutch customer-service set,
    with bootstrap intervals: the reading with language given ("nl") and detected."""
    texts, truth = _customer_service(*splits)
    counts = ", ".join(f"{c} {truth.count(c)}" for c in CLASSES)
    print(f"Dutch customer-service messages, {title}: {len(texts)} ({counts})")
    print(f"  {'reader':44} {'neg. recall':>18} {'neg. precision':>18} {'macro-F1':>18}")
    detected, langs = _lexicon(texts, None)
    share_nl = sum(1 for lang in langs if lang == "nl") / len(langs)
    for name, pred in (
        ("VADER alone (English lexicon, same run)", _vader_alone(texts)),
        ("socialdesk lexicon + rules, language given", _lexicon(texts, "nl")[0]),
        (f"socialdesk lexicon + rules, detected ({share_nl:.0%} nl)", detected),
    ):
        figures = _negative_figures(truth, pred)
        intervals = _bootstrap(truth, pred)
        cells = " ".join(
            f"{v:6.3f} ({lo:.2f}-{hi:.2f})" for v, (lo, hi) in zip(figures, intervals, strict=True)
        )
        print(f"  {name:44} {cells}")
    print("  goal: negative recall >= 0.70 with negative precision >= 0.80 (issue #13)")


def _scores(truth: list[str], predicted: list[str]) -> tuple[float, float]:
    from sklearn.metrics import f1_score, recall_score

    return (
        float(
            recall_score(truth, predicted, labels=list(CLASSES), average="macro", zero_division=0)
        ),
        float(f1_score(truth, predicted, labels=list(CLASSES), average="macro", zero_division=0)),
    )


def _vader_alone(texts: list[str]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    out = []
    for t in texts:
        c = vader.polarity_scores(t)["compound"]
        out.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
    return out


def _lexicon(texts: list[str], language: str | None) -> tuple[list[str], list[str | None]]:
    from socialdesk.inbox.triage import triage_text

    rows = [triage_text(t, language) for t in texts]
    return [r.sentiment for r in rows], [r.language for r in rows]


def out_of_the_box(root: Path) -> None:
    print("== 1. Out-of-the-box sentiment (no labels) ==")
    te = _tweeteval(root, "test")
    if te is None:
        print(f"TweetEval test set not found under {root}: skipped.")
    else:
        texts, truth = te
        detected, langs = _lexicon(texts, None)
        given, _ = _lexicon(texts, "en")
        vader = _vader_alone(texts)
        share_en = sum(1 for lang in langs if lang == "en") / len(langs)
        print(
            f"TweetEval sentiment test, {len(texts):,} English tweets "
            "(macro-recall = official measure)"
        )
        print(f"  {'reader':44} {'macro-recall':>12} {'macro-F1':>9}")
        for name, pred in (
            ("VADER alone, compound +-0.05 (same run)", vader),
            ("socialdesk lexicon + rules, language given", given),
            (f"socialdesk lexicon + rules, language detected ({share_en:.1%} en)", detected),
        ):
            r, f = _scores(truth, pred)
            print(f"  {name:44} {r:12.3f} {f:9.3f}")
        print(
            "  published: VADER 0.570, SVM 0.629, FastText 0.629, RoBERTa-RT 0.728, TimeLMs 0.737"
        )
        print("  goal: >= 0.62 macro-recall")
    nl = _dutch(root, "test-data-polarity.csv")
    if nl is None:
        print(f"Dutch political tweets not found under {root}: skipped.")
        return
    texts, truth = nl
    detected, langs = _lexicon(texts, None)
    given, _ = _lexicon(texts, "nl")
    vader = _vader_alone(texts)
    share_nl = sum(1 for lang in langs if lang == "nl") / len(langs)
    print(f"Dutch political tweets test, {len(texts)} tweets (F1 = macro-F1 over 3 classes)")
    print(f"  {'reader':44} {'macro-recall':>12} {'macro-F1':>9}")
    for name, pred in (
        ("VADER alone (English lexicon, same run)", vader),
        ("socialdesk lexicon + rules, language given", given),
        (f"socialdesk lexicon + rules, detected ({share_nl:.1%} nl)", detected),
    ):
        r, f = _scores(truth, pred)
        print(f"  {name:44} {r:12.3f} {f:9.3f}")
    print("  published: the author's SVM (trained on 899 tweets) F1 0.59; goal: >= 0.65 F1")


def customer_service_validation() -> None:
    """The Dutch customer-service set's validation parts (sitting A and sitting B)."""
    customer_service(("validation",), "validation part (sitting A)")
    customer_service(("validation_b",), "validation_b part (sitting B, other organisations)")


def customer_service_test_c() -> None:
    """The sitting-C TEST part (test_c.csv), scored once at the end (--final)."""
    customer_service(("test_c",), "TEST_C part (sitting C; scored once, nothing chosen on it)")


def _subset(labels: list[str], n: int, rng: np.random.Generator) -> np.ndarray:
    """n positions, stratified by label (proportional), from a fixed seed."""
    labels_arr = np.asarray(labels)
    if n >= len(labels_arr):
        return np.arange(len(labels_arr))
    from sklearn.model_selection import train_test_split

    idx, _ = train_test_split(
        np.arange(len(labels_arr)),
        train_size=n,
        stratify=labels_arr,
        random_state=int(rng.integers(0, 2**31 - 1)),
    )
    return np.asarray(idx)


def learning_curve(root: Path, sizes_en: list[int], sizes_nl: list[int]) -> None:
    from sklearn.metrics import f1_score

    from socialdesk.inbox.learning import _input, fit_pipeline

    print("== 2. Learning curve: the workspace model after n labels ==")
    for name, pool, test, sizes, lang in (
        (
            "TweetEval (labels from validation, scored on test)",
            _tweeteval(root, "val"),
            _tweeteval(root, "test"),
            sizes_en,
            "en",
        ),
        (
            "Dutch tweets (labels from train, scored on test)",
            _dutch(root, "gold-polarity_train.csv"),
            _dutch(root, "test-data-polarity.csv"),
            sizes_nl,
            "nl",
        ),
    ):
        if pool is None or test is None:
            print(f"{name}: data not found, skipped.")
            continue
        texts, labels = pool
        test_texts, truth = test
        test_input = _input(test_texts, [lang] * len(test_texts))
        _, lexicon_f1 = _scores(truth, _lexicon(test_texts, lang)[0])
        print(f"{name}: lexicon (0 labels) macro-F1 {lexicon_f1:.3f}")
        rng = np.random.default_rng(7)
        for n in sizes:
            idx = _subset(labels, n, rng)
            ys = [labels[i] for i in idx]
            t0 = time.perf_counter()
            pipe = fit_pipeline(_input([texts[i] for i in idx], [lang] * len(idx)), ys)
            fit_s = time.perf_counter() - t0
            pred = pipe.predict(test_input)
            f1 = float(f1_score(truth, pred, labels=list(CLASSES), average="macro"))
            print(f"  after {len(idx):5,} labels: macro-F1 {f1:.3f}  (fit {fit_s:.1f} s)")
    print("  goal: >= 0.70 macro-F1 after 2,000 labels")


def throughput(root: Path, n: int) -> None:
    from socialdesk.inbox.language import detect_language
    from socialdesk.inbox.triage import triage_text, triage_texts

    print("== 3. Throughput on one core ==")
    te = _tweeteval(root, "test")
    nl = _dutch(root, "test-data-polarity.csv")
    texts: list[str] = []
    if te:
        texts += te[0]
    if nl:
        texts += nl[0] * 10
    if not texts:
        texts = [
            "Nog steeds geen antwoord op mijn mail!",
            "Thanks for the quick help, great team",
        ] * 500
    rng = np.random.default_rng(1)
    sample = [texts[i] for i in rng.integers(0, len(texts), n)]
    for t in sample[:500]:  # loads the lexicons and both sets of detector models first
        triage_text(t)
    detect_language("warm up the models")
    t0 = time.perf_counter()
    _vader_alone(sample)
    vader_rate = n / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for t in sample:
        triage_text(t)
    rate = n / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    triage_texts(sample)  # what triage_frame (inbox, CLI classify) runs: language in batches
    batch_rate = n / (time.perf_counter() - t0)
    print(f"  VADER alone (same run):                  {vader_rate:9,.0f} messages/s")
    print(
        f"  triage (language+sentiment+intent+urgency), one by one: {rate:9,.0f} messages/s "
        f"({rate / vader_rate:.2f}x VADER)"
    )
    print(
        f"  triage in one batch (triage_texts / triage_frame):      {batch_rate:9,.0f} messages/s "
        f"({batch_rate / vader_rate:.2f}x VADER); goal >= 2,000/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("SOCIALDESK_SHARED_DATA", "/work/shared/data")),
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller learning curve and throughput run"
    )
    parser.add_argument(
        "--choose",
        action="store_true",
        help="only the Dutch customer-service set's train, validation and validation_b parts",
    )
    parser.add_argument(
        "--final",
        action="store_true",
        help="also score the customer-service set's sitting-C test part (test_c.csv): once",
    )
    args = parser.parse_args()
    if args.choose:
        customer_service(("train",), "train part")
        customer_service_validation()
        return 0
    if not args.data.is_dir():
        print(f"shared data folder {args.data} not found: only the customer-service set.")
        customer_service_validation()
        if args.final:
            customer_service_test_c()
        return 0
    try:  # one core, as the goal says
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):
        pass
    out_of_the_box(args.data)
    customer_service_validation()
    if args.final:
        customer_service_test_c()
    if args.quick:
        learning_curve(args.data, [200, 500], [200])
        throughput(args.data, 3000)
    else:
        learning_curve(args.data, [200, 500, 1000, 2000], [200, 500, 899])
        throughput(args.data, 20000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
