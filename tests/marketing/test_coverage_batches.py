"""Coverage fed batch by batch (queries.post_batches, issue #18: bounded memory at a million
posts) gives what one frame gives, also for a group whose values pass LARGE and are then kept
as moments instead of values."""

import importlib

import numpy as np
import pandas as pd
import pytest

from socialdesk.marketing.coverage import coverage

from .test_coverage import PLAN

cov = importlib.import_module("socialdesk.marketing.coverage")  # the package names a function so


def _posts(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    texts = rng.choice(
        ["#vrijwilligers dank", "Nieuw in de #webshop", "Bijen", "Word vrijwilliger"], n
    )
    values = rng.negative_binomial(2, 0.05, n).astype(float)
    values[rng.random(n) < 0.1] = np.nan  # some posts do not report the metric
    return pd.DataFrame(
        {"post_id": np.arange(1, n + 1), "text": texts, "title": None, "engagements": values}
    )


@pytest.mark.parametrize("large", [20_000, 40])  # every group bootstrapped / some as moments
def test_batches_give_what_one_frame_gives(monkeypatch, large):
    monkeypatch.setattr(cov, "LARGE", large)
    posts = _posts(700)
    tags = pd.DataFrame(
        {
            "target_kind": ["post"] * 3,
            "target_id": [5, 6, 600],
            "dimension": ["pillar"] * 3,
            "value": ["shop"] * 3,
            "source": ["person"] * 3,
        }
    )
    items = pd.DataFrame(columns=["post_id", "objective", "pillar", "audience"])
    whole = coverage(posts, tags, items, PLAN)
    batched = coverage(
        (posts.iloc[i : i + 64] for i in range(0, len(posts), 64)), tags, items, PLAN
    )
    assert (batched.n_posts, batched.posts_with_metric) == (whole.n_posts, whole.posts_with_metric)
    assert batched.objectives_without_content == whole.objectives_without_content
    assert batched.notes == whole.notes
    for dim in whole.dimensions:
        for a, b in zip(whole.dimensions[dim], batched.dimensions[dim], strict=True):
            assert (a.key, a.posts, a.by_source) == (b.key, b.posts, b.by_source)
            assert a.results == pytest.approx(b.results)
            assert a.share_of_results.value == pytest.approx(b.share_of_results.value)
            e, f = a.results_per_post, b.results_per_post
            assert (e.value, e.low, e.high, e.n) == pytest.approx((f.value, f.low, f.high, f.n))
    if large == 40:  # the t interval from moments is the t interval from the values
        pillar = {s.key: s for s in batched.dimensions["pillar"]}["vrijwilligers"]
        assert "t interval" in pillar.results_per_post.method


def test_post_batches_read_what_posts_reads(ws, importer):
    """On SQLite and PostgreSQL: the batches, joined, are the posts frame, in its order."""
    from socialdesk.marketing import queries
    from tests.conftest import fixture_path

    path = fixture_path("x", "tweet_activity_metrics_rOpenSci_20211201_20220101_en.csv")
    assert importer.import_file(path).status == "imported"
    with ws.session() as s:
        whole = queries.posts(s, ws.workspace_id)
        batches = list(queries.post_batches(s, ws.workspace_id, size=2))
    assert len(whole) >= 3 and len(batches) >= 2 and all(len(b) <= 2 for b in batches)
    pd.testing.assert_frame_equal(pd.concat(batches, ignore_index=True), whole)
