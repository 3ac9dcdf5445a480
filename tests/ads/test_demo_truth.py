"""The demo organisation's known truths, recovered: response curves and the budget split.

The demo (socialdesk.demo) draws each campaign's daily results from a known Hill curve and
records it in the workspace fact "demo.truth". The curves fitted from the imported exports
must cover the true expected results within their intervals, and the recommended split must
come within 5% of the best split the true curves allow inside the same limits.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from sqlalchemy import select

from socialdesk.ads import queries
from socialdesk.ads.budget import recommend_budget
from socialdesk.ads.kpis import daily_table
from socialdesk.ads.response_curves import fit_curves, hill
from socialdesk.model import WorkspaceFact
from socialdesk.store import open_workspace, session_scope

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from socialdesk.demo import FACT_KEY, build_demo

    folder = tmp_path_factory.mktemp("demo")
    build_demo(folder, seed=7)
    handle = open_workspace(folder)
    with session_scope(handle.engine) as s:
        frame = queries.ad_delivery(s, handle.workspace_id)
        truth = s.scalar(
            select(WorkspaceFact.value).where(
                WorkspaceFact.workspace_id == handle.workspace_id, WorkspaceFact.key == FACT_KEY
            )
        )
    handle.engine.dispose()
    curves = {c["name"]: c["response_curve"] for c in truth["campaigns"]}
    return fit_curves(daily_table(frame)), curves


def _true(params, x):
    return float(hill(x, params["top"], params["k"], params["s"]))


def test_every_campaign_curve_covers_the_truth(demo):
    fitted, truth = demo
    assert {c.campaign for c in fitted} == set(truth)
    for c in fitted:
        assert c.ok, c.reason
        for x in (c.spend_min * 1.2, (c.spend_min + c.spend_max) / 2, c.spend_max * 0.9):
            assert c.predict(x).contains(_true(truth[c.campaign], x)), (c.campaign, x)


def _oracle(params, lo, hi, total):
    def neg(x):
        return -sum(_true(p, x[i]) for i, p in enumerate(params))

    best = np.inf
    for x0 in (np.clip(total * (lo + hi) / (lo + hi).sum(), lo, hi), (lo + hi) / 2):
        res = minimize(
            neg,
            x0,
            method="SLSQP",
            bounds=list(zip(lo, hi, strict=True)),
            constraints=[{"type": "eq", "fun": lambda x: x.sum() - total}],
        )
        best = min(best, res.fun)
    return -best


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"max_change": None},
        {"values": {"Conversions": 1.0, "Website purchases": 1.0}},
        {"values": {"Conversions": 1.0, "Website purchases": 1.0}, "max_change": None},
    ],
)
def test_the_recommended_split_is_within_5_percent_of_the_best(demo, kw):
    fitted, truth = demo
    probe = recommend_budget(fitted, 1.0, days=1, **kw)
    names = {a.campaign for a in probe.allocations}
    total = sum(c.current_spend for c in fitted if c.campaign in names)
    plan = recommend_budget(fitted, total * 30, days=30, **kw)
    params = [truth[a.campaign] for a in plan.allocations]
    lo = np.array([a.low / 30 for a in plan.allocations])
    hi = np.array([a.high / 30 for a in plan.allocations])
    rec = [a.recommended / 30 for a in plan.allocations]
    cur = [a.current / 30 for a in plan.allocations]
    got = sum(_true(p, x) for p, x in zip(params, rec, strict=True))
    now = sum(_true(p, x) for p, x in zip(params, cur, strict=True))
    assert got >= 0.95 * _oracle(params, lo, hi, total)
    assert plan.expected_gain.contains((got - now) * 30)
