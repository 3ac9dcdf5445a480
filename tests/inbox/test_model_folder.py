"""A model folder of the team's choice (issue #19 part 3): a tiny random BERT saved in a
temporary folder, loaded, read in batches, its labels mapped, and the lexicon kept with a clear
message when the folder is wrong. Built here from transformers' config classes and a vocab
written by the test: nothing is downloaded.

Without transformers and torch (the optional `transformers` extra) the model tests are skipped
with the reason, except under CI=true, where nothing may be skipped."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from socialdesk.inbox import model_folder
from socialdesk.inbox.model_folder import ModelFolderError, label_mapping, parse_labels
from socialdesk.inbox.triage import LEXICON, triage_frame, triage_texts
from socialdesk.store import session_scope
from tests.conftest import IN_CI

HAVE_EXTRA = all(importlib.util.find_spec(m) for m in ("transformers", "torch"))

WORDS = "thanks great love help awful broken refund late order the my is was you and not".split()


@pytest.fixture
def extra() -> None:
    if not HAVE_EXTRA:
        if IN_CI:
            pytest.fail("transformers and torch are required in CI (the transformers extra)")
        pytest.skip("transformers and torch are not installed: pip install '.[transformers]'")


def tiny_model(folder: Path, id2label: dict[int, str], seed: int = 0) -> Path:
    """A 2-layer BERT with random weights and a word-piece tokenizer of a 20-word vocab."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    tokenizer = BertTokenizerFast(vocab_file=str(vocab), do_lower_case=True)
    config = BertConfig(
        vocab_size=len(WORDS) + 5,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=64,
        num_labels=len(id2label),
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    torch.manual_seed(seed)
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


THREE = {0: "negative", 1: "neutral", 2: "positive"}


def test_labels_map_by_name_stars_or_as_given() -> None:
    assert label_mapping({0: "NEG", 1: "Neutral", 2: "pos"}, {}) == list(THREE.values())
    stars = {i: f"{i + 1} star{'s' if i else ''}" for i in range(5)}
    assert label_mapping(stars, {}) == ["negative", "negative", "neutral", "positive", "positive"]
    given = parse_labels("LABEL_0=negative, LABEL_1=positive")
    assert label_mapping({0: "LABEL_0", 1: "LABEL_1"}, given) == ["negative", "positive"]
    assert label_mapping({0: "LABEL_0", 1: "LABEL_1"}, {"0": "positive", "1": "negative"}) == [
        "positive",
        "negative",
    ]
    with pytest.raises(ModelFolderError, match="--labels 'LABEL_0=negative,LABEL_1=neutral'"):
        label_mapping({0: "LABEL_0", 1: "LABEL_1"}, {})
    with pytest.raises(ModelFolderError, match="does not have"):
        label_mapping({0: "NEG", 1: "POS"}, {"LABEL_7": "neutral"})
    with pytest.raises(ModelFolderError, match="sentiment of negative, neutral, positive"):
        parse_labels("LABEL_0=angry")


def test_a_wrong_folder_says_why(tmp_path: Path) -> None:
    with pytest.raises(ModelFolderError, match="is not a folder"):
        model_folder.load(tmp_path / "nowhere")
    with pytest.raises(ModelFolderError, match=r"no config\.json"):
        model_folder.load(tmp_path)


def test_load_classify_batch_and_map(extra: None, tmp_path: Path) -> None:
    folder = tiny_model(tmp_path / "tiny-sentiment", {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    with pytest.raises(ModelFolderError, match="do not say which"):
        model_folder.load(folder)
    mapping = parse_labels("LABEL_0=negative,LABEL_1=neutral,LABEL_2=positive")
    model = model_folder.load(folder, mapping)
    model.batch = 4  # 11 texts: three batches, the last one short
    texts = [
        "thanks great help",
        "awful broken order",
        "",
        "my refund is late",
        "you and the order",
        "love love love",
        "not great",
        "was broken",
        "the",
        "great help thanks you",
        "refund",
    ]
    readings = model.read(texts)
    assert len(readings) == len(texts)
    # the same texts one by one: batching, sorting by length and padding change no reading
    model.batch = 1
    alone = model.read(texts)
    for r, a in zip(readings, alone, strict=True):
        assert r.sentiment == a.sentiment
        assert r.score == pytest.approx(a.score, abs=1e-3)
    import torch

    encoded = model.tokenizer(texts, padding=True, return_tensors="pt")
    with torch.inference_mode():
        probs = torch.softmax(model.model(**encoded).logits, dim=-1).tolist()
    for r, p in zip(readings, probs, strict=True):
        assert r.sentiment == ("negative", "neutral", "positive")[max(range(3), key=p.__getitem__)]
        assert r.score == pytest.approx(p[2] - p[0], abs=1e-3)
        assert r.confidence == pytest.approx(max(p), abs=1e-3)
    assert torch.get_num_threads() == 1

    rows = triage_texts(texts, folder=model)
    assert [t.sentiment for t in rows] == [r.sentiment for r in readings]
    assert {t.triaged_by for t in rows} == {"model tiny-sentiment"}
    frame = triage_frame(pd.DataFrame({"text": texts}), models={"sentiment": model})
    assert frame["sentiment"].tolist() == [r.sentiment for r in readings]
    assert frame["sentiment_score"].tolist() == [r.score for r in readings]
    assert set(frame["triaged_by"]) == {"model tiny-sentiment"}


def test_two_labels_and_config_names(extra: None, tmp_path: Path) -> None:
    folder = tiny_model(tmp_path / "twolabel", {0: "NEGATIVE", 1: "POSITIVE"}, seed=3)
    model = model_folder.load(folder)
    assert model.sentiments == ["negative", "positive"]
    readings = model.read(["thanks", "awful", "the order was late"])
    assert {r.sentiment for r in readings} <= {"negative", "positive"}
    for r in readings:  # no neutral output: score = P(pos) - P(neg), both from the two outputs
        assert r.confidence == pytest.approx((1 + abs(r.score)) / 2, abs=1e-3)


def test_workspace_choice_falls_back_with_a_message(extra: None, ws, tmp_path: Path) -> None:
    folder = tiny_model(tmp_path / "chosen", THREE)
    with session_scope(ws.engine) as s:
        assert model_folder.chosen(s, ws.workspace_id) is None
        assert model_folder.workspace_reader(s, ws.workspace_id) == (None, None)
        bad = model_folder.use(s, ws.workspace_id, tmp_path / "missing")
        assert bad.problem is not None and "is not a folder" in bad.problem
        assert model_folder.chosen(s, ws.workspace_id) is None  # a wrong folder changes nothing
        good = model_folder.use(s, ws.workspace_id, folder)
        assert good.problem is None
        assert good.mapping == {
            "negative": "negative",
            "neutral": "neutral",
            "positive": "positive",
        }
    with session_scope(ws.engine) as s:
        reader, problem = model_folder.workspace_reader(s, ws.workspace_id)
        assert problem is None and reader is not None and reader.reader == "model chosen"
    (folder / "config.json").unlink()  # the folder goes wrong after it was chosen
    with session_scope(ws.engine) as s:
        reader, problem = model_folder.workspace_reader(s, ws.workspace_id)
        assert reader is None
        assert problem is not None and "no config.json" in problem and "lexicon" in problem
        assert model_folder.turn_off(s, ws.workspace_id) is True
        assert model_folder.chosen(s, ws.workspace_id) is None
        assert model_folder.turn_off(s, ws.workspace_id) is False


def test_lexicon_reads_without_a_folder() -> None:
    rows = triage_texts(["Thanks for the quick help!"])
    assert rows[0].triaged_by == LEXICON and rows[0].sentiment == "positive"
