"""The shipped sentiment fusion is fitted on licence-clean data only (issue #19, part 1).

sentiment_fusion.json records per language what it was fitted on (`fitted_on`); every source
must be on the allow-list of inbox/data/SOURCES.md and none may be a data set the shared data
folder marks "evaluate only". The fit script refuses those sets, and refitting from the
allowed sources gives the shipped file."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from socialdesk.inbox.sentiment import DATA, FUSION_FILE, load_fusions

REPO = Path(__file__).resolve().parents[2]
SOURCES_MD = DATA / "SOURCES.md"


def _section(title: str) -> str:
    text = SOURCES_MD.read_text(encoding="utf-8")
    start = text.index(f"### {title}")
    end = text.find("\n#", start + 4)
    return text[start : end if end != -1 else len(text)]


def _allowed() -> set[str]:
    """Paths in the first column of SOURCES.md's allow-list table."""
    return set(re.findall(r"^\| `([^`]+)` \|", _section("Allowed training sources"), re.M))


def _evaluate_only() -> set[str]:
    return set(re.findall(r"^- `([^`]+)`", _section("Evaluate-only data sets"), re.M))


def _fit_script() -> ModuleType:
    path = REPO / "benchmarks" / "fit_sentiment_fusion.py"
    spec = importlib.util.spec_from_file_location("fit_sentiment_fusion", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fit_sentiment_fusion", module)
    spec.loader.exec_module(module)
    return module


def test_sources_md_names_an_allow_list_and_the_evaluate_only_sets():
    assert _allowed() >= {
        "benchmarks/data/english_messages/messages.csv",
        "benchmarks/data/dutch_customer_service/messages.csv",
    }
    assert {"tweeteval_sentiment", "dutch_political_tweets_polarity"} <= _evaluate_only()
    assert not any(bad in source for source in _allowed() for bad in _evaluate_only())


def test_fusion_records_only_allowed_training_sources():
    raw = json.loads(FUSION_FILE.read_text(encoding="utf-8"))
    assert set(raw["languages"]) == {"en", "nl"}
    for language, spec in raw["languages"].items():
        sources = spec.get("fitted_on")
        assert sources is not None, f"{language}: the fusion does not say what it was fitted on"
        if not sources:  # set by a documented rule instead, which it states
            assert "fitted on no data" in spec.get("rule", ""), language
        for entry in sources:
            source = entry["source"]
            assert source in _allowed(), f"{language}: {source} is not an allowed source"
            assert not any(bad in source.lower() for bad in _evaluate_only())
            assert "test" not in " ".join(entry["parts"]), "a test part trained the fusion"
            assert (REPO / source).is_file()
    text = FUSION_FILE.read_text(encoding="utf-8").lower()
    for bad in _evaluate_only():
        assert bad not in text
    load_fusions(FUSION_FILE)  # and the product still reads it


def test_fit_script_uses_the_same_lists():
    fit = _fit_script()
    assert set(fit.TRAINING_SOURCES.values()) <= _allowed()
    assert set(fit.EVALUATE_ONLY) == _evaluate_only()


@pytest.mark.parametrize(
    ("language", "path"),
    [
        ("en", "/work/shared/data/tweeteval_sentiment/val_text.txt"),
        ("nl", "/work/shared/data/dutch_political_tweets_polarity/gold-polarity_train.csv"),
        ("nl", "/elsewhere/copy/of/Dutch_Political_Tweets_Polarity/train.csv"),
    ],
)
def test_fit_script_refuses_evaluate_only_sets(language, path):
    fit = _fit_script()
    with pytest.raises(ValueError, match="evaluate-only"):
        fit.training_source(language, Path(path))


def test_fit_script_refuses_any_other_file(tmp_path):
    fit = _fit_script()
    other = tmp_path / "messages.csv"
    other.write_text("text,label,split\nfine,positive,train\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not an allowed training source"):
        fit.training_source("en", other)
    assert fit.training_source("nl") == REPO / fit.TRAINING_SOURCES["nl"]


def _close(a, b, path="") -> None:
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), path
        for key in a:
            _close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=2e-6), path
    else:
        assert a == b, path


def test_shipped_fusion_is_the_refit_from_allowed_sources():
    """benchmarks/fit_sentiment_fusion.py reproduces the shipped file from the allow-listed
    sources (the script's --check compares the text exactly; here floats may differ by the
    last rounded digit on another BLAS)."""
    fit = _fit_script()
    shipped = json.loads(FUSION_FILE.read_text(encoding="utf-8"))
    _close(fit.build(verbose=False), shipped)
