"""The English lexicons, the message-shape evidence and the fusion: by hand and on files."""

from __future__ import annotations

import json
import math

import pytest

from socialdesk.inbox.sentiment import (
    DATA,
    FEATURES,
    FUSION_FILE,
    SENTIMENTS,
    dutch_lexicon,
    dutch_polarity,
    english_lexicon,
    english_scores,
    fusion_probabilities,
    happiness_lexicon,
    lexicon_features,
    load_fusions,
    read_sentiment,
    shorten_elongation,
    social_text,
    split_hashtag,
)


def _entries(name: str) -> list[str]:
    """The rows after the leading comments and the header ("#music" is a labMT entry)."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return [line for line in lines[start + 1 :] if line]


def test_vendored_english_lexicons_are_complete_and_licensed():
    assert len(_entries("pattern_en_sentiment.txt")) == 2918  # <word> entries of v1.3
    assert "PDDL" in (DATA / "pattern_en_sentiment.txt").read_text(encoding="utf-8")[:2000]
    assert len(_entries("labmt_en_happiness.txt")) == 10222  # labMT 1.0's words
    head = (DATA / "labmt_en_happiness.txt").read_text(encoding="utf-8")[:2000]
    assert "CC BY" in head and "journal.pone.0026752" in head
    assert "Creative Commons Attribution" in (DATA / "LABMT_LICENSE.txt").read_text()
    # "good": two senses of 0.7, subjectivity 0.4 and 0.8; "very" an adverb of intensity 1.3
    assert english_lexicon()["good"] == pytest.approx((0.7, 0.6, 1.0, False))
    assert english_lexicon()["very"][2:] == (pytest.approx(1.3), True)
    # labMT 1..9 rescaled to -1..1: laughter 8.50, war 1.80; "word" is itself an entry
    assert happiness_lexicon()["laughter"] == pytest.approx((8.5 - 5) / 4)
    assert happiness_lexicon()["war"] == pytest.approx((1.8 - 5) / 4)
    assert happiness_lexicon()["word"] == pytest.approx((5.56 - 5) / 4)
    assert "#music" in happiness_lexicon() and len(happiness_lexicon()) == 10222


def test_english_scores_by_hand():
    # "very" (x1.3) makes "good" 0.91, subjectivity 0.78, and does not count itself
    pol, subj, n, _happy, _k = english_scores(["very", "good"])
    assert (pol, subj, n) == (pytest.approx(0.91), pytest.approx(0.78), 1)
    # a negation up to three words before turns it round with Pattern's -0.5
    # "really" (x2) makes "good" 1.4, capped at 1, then negated
    assert english_scores(["not", "really", "that", "good"])[0] == pytest.approx(-0.5)
    assert english_scores(["isn't", "good"])[0] == pytest.approx(-0.35)
    assert english_scores(["not", "at", "all", "in", "any", "way", "good"])[0] == pytest.approx(0.7)
    # labMT: "the" (4.98) is inside the stop band 4..6, "war" (1.80) counts
    assert english_scores(["the", "war"])[3:] == (pytest.approx(-0.8), 1)
    assert english_scores(["the", "table"]) == (0.0, 0.0, 0, 0.0, 0)


def test_hashtags_and_elongations_become_words():
    assert split_hashtag("NotGood") == "not good"
    assert split_hashtag("notgood") == "not good"
    assert split_hashtag("epicfail") == "epic fail"
    assert split_hashtag("happy") == "happy"
    assert split_hashtag("ynwa") == "ynwa"  # no two known words: left as it is
    assert shorten_elongation("gooood") == "good"
    assert shorten_elongation("Yesssss") in ("yes", "yess")
    assert social_text("gooood #LoveIt") == "good love it"
    assert social_text("no change here") == "no change here"
    # and VADER then reads what it could not: "#notgood" and "gooood" carry no valence to it
    assert read_sentiment("that was #notgood", "en").label == "negative"
    assert lexicon_features("so gooood", "en")["vader_compound"] > 0


def test_dutch_compounds_read_as_their_last_part():
    assert "supervriendelijk" not in dutch_lexicon()
    assert dutch_polarity("supervriendelijk") == pytest.approx(dutch_lexicon()["vriendelijk"][0])
    assert dutch_polarity("beregoede") == pytest.approx(dutch_lexicon()["goede"][0])
    assert dutch_polarity("muisstil") is None  # shorter than nine letters: not split
    assert dutch_polarity("vergaderzaal") is None  # no known last part


def test_features_are_bounded_and_complete():
    long = "Great! " * 200 + "@a @b @c @d #x #y #z #w http://x.example 2026 HELP"
    for language in ("en", "nl", None, "de"):
        f = lexicon_features(long, language)
        assert tuple(f) == FEATURES
        assert all(math.isfinite(v) for v in f.values())
        assert f["length"] <= 50 and f["mention"] == 3 and f["hashtags"] == 3
        assert f["lex_positive"] <= 5 and f["link"] == 1 and f["digits"] == 1
    assert lexicon_features(long, "en")["shouting"] == 1
    assert lexicon_features("Niet goed", "nl")["negation"] == 1
    # the Dutch lexicon counts the emoji with the words
    assert lexicon_features("😡😡", "nl")["nl_words"] == 2
    assert lexicon_features("😡😡", "nl")["nl_polarity"] < -0.5


def test_fusion_file_and_probabilities():
    spec = json.loads(FUSION_FILE.read_text(encoding="utf-8"))
    assert "validation split" in spec["about"] and "train split" in spec["about"]
    assert set(spec["languages"]) == {"en", "nl"}
    for text, language in (("Thanks, great help!", "en"), ("Wat een ellende", "nl"), ("", None)):
        proba = fusion_probabilities(lexicon_features(text, language), language)
        assert set(proba) == set(SENTIMENTS) and sum(proba.values()) == pytest.approx(1.0)
        reading = read_sentiment(text, language)
        assert reading.label == max(proba, key=proba.__getitem__)
        assert reading.confidence == pytest.approx(
            max(0.34, min(0.95, max(proba.values()))), abs=1e-3
        )
    # the score stays the lexicon's polarity (VADER's compound), which intent reads
    assert read_sentiment("Ok", "en").score == pytest.approx(
        lexicon_features("Ok", "en")["vader_compound"], abs=1e-4
    )


def test_bad_fusion_file_is_named(tmp_path):
    spec = json.loads(FUSION_FILE.read_text(encoding="utf-8"))
    spec["languages"]["nl"]["features"][0] = "no_such_feature"
    bad = tmp_path / "fusion.json"
    bad.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(ValueError, match=r"fusion\.json: language 'nl': unknown features"):
        load_fusions(bad)
    spec = json.loads(FUSION_FILE.read_text(encoding="utf-8"))
    spec["languages"]["en"]["mean"].pop()
    bad.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(ValueError, match="weights do not match"):
        load_fusions(bad)


def test_fusion_reads_as_the_formula_and_refuses_weights_that_do_not_fit():
    import random

    from socialdesk.inbox.sentiment import Fusion, fusions

    rng = random.Random(3)
    for language, fusion in fusions().items():
        for _ in range(200):
            features = {name: rng.uniform(-3.0, 60.0) for name in FEATURES}
            z = [
                max(-5.0, min(5.0, (features[name] - m) / s))
                for name, m, s in zip(fusion.features, fusion.mean, fusion.scale, strict=True)
            ]
            logits = [
                b + sum(w * x for w, x in zip(row, z, strict=True))
                for row, b in zip(fusion.coef, fusion.intercept, strict=True)
            ]
            exps = [math.exp(v - max(logits)) for v in logits]
            expected = {c: e / sum(exps) for c, e in zip(fusion.classes, exps, strict=True)}
            assert fusion.probabilities(features) == expected, language  # to the last bit
    one = Fusion(SENTIMENTS, ("emoji",), (0.0,), (1.0,), ((-1.0,), (0.0,), (1.0,)), (0, 0, 0))
    assert max(one.probabilities({"emoji": -1.0}).items(), key=lambda kv: kv[1])[0] == "negative"
    short = Fusion(SENTIMENTS, ("emoji", "length"), (0.0,), (1.0, 1.0), ((1.0, 1.0),) * 3, (0,) * 3)
    with pytest.raises(ValueError):
        short.probabilities({"emoji": 1.0, "length": 2.0})
