"""KPI trees: the contributions add up to the observed change exactly."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from socialdesk.analytics import TREES, Slice, decompose, kpi_tree
from tests.analytics.seeding import seed_posts

AUG = Slice(dt.date(2026, 8, 1), dt.date(2026, 8, 31))
SEP = Slice(dt.date(2026, 9, 1), dt.date(2026, 9, 30))


@pytest.mark.parametrize("name", list(TREES))
def test_contributions_add_up_to_the_change_for_any_positive_sums(name):
    tree = TREES[name]
    rng = np.random.default_rng(11)
    for _ in range(200):
        before = np.cumprod(rng.uniform(0.01, 50, len(tree.chain))).tolist()
        after = np.cumprod(rng.uniform(0.01, 50, len(tree.chain))).tolist()
        change = decompose(tree, before, after, 10, 10)
        assert change.decomposable
        total = sum(f.contribution for f in change.factors)
        assert total == pytest.approx(change.change, rel=1e-9, abs=1e-9)
        assert change.after - change.before == pytest.approx(change.change)


def test_roas_factors_multiply_out_to_roas():
    tree = TREES["roas"]
    sums = [200.0, 50_000.0, 1_000.0, 40.0, 1_600.0]  # spend, impressions, clicks, conv., value
    change = decompose(tree, sums, sums, 1, 1)
    product = math.prod(f.before for f in change.factors)
    assert product == pytest.approx(1_600 / 200)
    assert [f.name for f in change.factors] == [
        "impressions_per_spend",
        "ctr",
        "conversion_rate",
        "order_value",
    ]
    assert change.factors[0].before == pytest.approx(1000 / (200 / 50_000 * 1000))  # 1000 / CPM


def test_a_zero_factor_is_not_decomposable_and_says_which():
    change = decompose(TREES["conversions"], [1000, 0, 0], [1000, 10, 1], 5, 5)
    assert not change.decomposable and "ctr" in change.note
    empty = decompose(TREES["conversions"], None, [1000, 10, 1], 0, 5)
    assert empty.note.startswith("not enough data")


def _posts(month: int, n: int, reach: float, likes: float) -> list[dict]:
    return [
        {
            "published_at": dt.datetime(2026, month, 1 + i, 12),
            "reach": reach,
            "likes": likes,
            "comments": 1.0,
        }
        for i in range(n)
    ]


def test_engagement_tree_per_platform_from_the_store(ws):
    seed_posts(
        ws.engine,
        ws.workspace_id,
        "instagram",
        _posts(8, 4, 1000, 49) + _posts(9, 6, 1500, 59),
        "ig",
    )
    seed_posts(
        ws.engine, ws.workspace_id, "facebook", _posts(8, 5, 800, 7) + _posts(9, 5, 800, 15), "fb"
    )
    with ws.session() as s:
        result = kpi_tree(s, ws.workspace_id, "engagement", AUG, SEP, ("platform",))
    (total_group, total), *per = result.changes
    assert total_group == {}
    assert total.before == 4 * 50 + 5 * 8 and total.after == 6 * 60 + 5 * 16
    assert sum(f.contribution for f in total.factors) == pytest.approx(total.change, rel=1e-12)
    by = {g["platform"]: c for g, c in per}
    ig = by["instagram"]
    assert [f.before for f in ig.factors] == pytest.approx([4, 1000, 50 / 1000])
    assert [f.after for f in ig.factors] == pytest.approx([6, 1500, 60 / 1500])
    assert sum(f.contribution for f in ig.factors) == pytest.approx(360 - 200, rel=1e-12)
    fb = by["facebook"]  # same posts and reach: the whole change is the engagement rate's
    assert fb.factors[0].contribution == pytest.approx(0) and fb.factors[
        1
    ].contribution == pytest.approx(0)
    assert fb.factors[2].contribution == pytest.approx(80 - 40)
