"""recommend_budget against known curves: the optimum, the limits, the reasons."""

from __future__ import annotations

import datetime as dt
from itertools import product

import numpy as np
import pytest

from socialdesk.ads.budget import recommend_budget
from socialdesk.ads.response_curves import ResponseCurve, hill

LAST = dt.date(2026, 3, 31)
TINY = tuple(tuple(1e-6 if i == j else 0.0 for j in range(3)) for i in range(3))


def _curve(
    cid, top, k, s, *, lo=10.0, hi=200.0, current=50.0, rtype="Purchases", currency="EUR", last=LAST
):
    return ResponseCurve(
        cid,
        f"C{cid}",
        "meta_ads",
        currency,
        rtype,
        90,
        lo,
        hi,
        current,
        last,
        theta=(float(np.log(top)), float(np.log(k)), float(np.log(s))),
        cov=TINY,
        dispersion=1.0,
        pseudo_r2=0.9,
    )


def _true_total(curves, daily):
    return sum(float(hill(x, *np.exp(c.theta))) for c, x in zip(curves, daily, strict=True))


def test_matches_a_brute_force_optimum_without_move_limit():
    curves = [_curve(1, 40, 30, 1.2), _curve(2, 20, 120, 1.0), _curve(3, 60, 80, 1.8)]
    total_daily = 150.0
    grid = np.arange(10.0, 200.0 + 1e-9, 1.0)
    best = 0.0
    for a, b in product(grid, grid):
        c = total_daily - a - b
        if 10.0 <= c <= 200.0:
            best = max(best, _true_total(curves, (a, b, c)))
    plan = recommend_budget(curves, total_daily * 30, days=30, max_change=None)
    daily = [a.recommended / 30 for a in plan.allocations]
    assert sum(daily) == pytest.approx(total_daily)
    assert _true_total(curves, daily) >= best - 1e-6  # at least as good as a 1-euro grid
    assert plan.expected_recommended.value == pytest.approx(_true_total(curves, daily) * 30)
    assert plan.expected_gain.value == pytest.approx(
        plan.expected_recommended.value - plan.expected_current.value
    )
    assert plan.expected_gain.low <= plan.expected_gain.value <= plan.expected_gain.high


def test_move_limit_and_spend_range_are_respected():
    curves = [
        _curve(1, 40, 30, 1.2, current=60),
        _curve(2, 20, 300, 1.0, current=60, hi=90),
        _curve(3, 5, 20, 1.0, current=60),
    ]
    plan = recommend_budget(curves, 180 * 30, days=30, max_change=0.30)
    for a, c in zip(plan.allocations, curves, strict=True):
        daily = a.recommended / 30
        assert 60 * 0.7 - 1e-6 <= daily <= 60 * 1.3 + 1e-6
        assert c.spend_min - 1e-6 <= daily <= c.spend_max + 1e-6
    saturated = next(a for a in plan.allocations if a.campaign == "C3")
    assert saturated.change < 0 and "past its saturation point" in saturated.reasons[0]
    assert any("move limit" in r for r in saturated.reasons)


def test_what_cannot_be_placed_inside_the_spend_seen_stays_unallocated():
    curves = [_curve(1, 40, 30, 1.2, hi=60, current=50), _curve(2, 20, 40, 1.0, hi=60, current=50)]
    plan = recommend_budget(curves, 200 * 30, days=30, max_change=None)
    assert sum(a.recommended for a in plan.allocations) == pytest.approx(120 * 30)
    assert plan.unallocated == pytest.approx(80 * 30)
    assert any("not extrapolated" in n for n in plan.notes)


def test_result_types_currencies_and_stopped_campaigns_are_kept_apart():
    curves = [
        _curve(1, 40, 30, 1.2),
        _curve(2, 20, 60, 1.0),
        _curve(3, 900, 50, 1.0, rtype="Link clicks", current=20),
        _curve(4, 40, 30, 1.2, currency="GBP", current=10),
        _curve(5, 40, 30, 1.2, last=LAST - dt.timedelta(days=40)),
    ]
    plan = recommend_budget(curves, 3000, days=30)
    assert {a.campaign for a in plan.allocations} == {"C1", "C2"}
    why = dict(plan.excluded)
    assert "not purchases" in why["C3"] and "GBP" in why["C4"] and "not running" in why["C5"]
    weighed = recommend_budget(
        curves, 3000, days=30, values={"Purchases": 40.0, "Link clicks": 0.5}
    )
    assert {a.campaign for a in weighed.allocations} == {"C1", "C2", "C3"}
    assert weighed.objective == "value"


def test_a_campaign_without_curve_keeps_its_share():
    no_curve = ResponseCurve(
        9,
        "C9",
        "meta_ads",
        "EUR",
        "Purchases",
        5,
        40,
        45,
        50.0,
        LAST,
        reason="5 days with spend, at least 21 needed",
    )
    plan = recommend_budget([_curve(1, 40, 30, 1.2), no_curve], 100 * 30, days=30)
    kept = next(a for a in plan.allocations if a.campaign == "C9")
    assert kept.recommended == pytest.approx(kept.current) and not kept.optimised
    assert "no response curve" in kept.reasons[0]
    assert not kept.expected_current.ok
