"""Hill response curves: recovery of known curves, no extrapolation, honest refusals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from socialdesk.ads.response_curves import curve_points, fit_curve, fit_curves, hill


def _daily(rng, top, k, s, days=120, lo=0.3, hi=2.5, cid=1):
    levels = np.repeat(k * np.exp(rng.uniform(np.log(lo), np.log(hi), days // 10 + 1)), 10)[:days]
    spend = np.round(levels * rng.uniform(0.9, 1.0, days), 2)
    results = rng.poisson(hill(spend, top, k, s))
    start = dt.date(2026, 1, 1)
    return pd.DataFrame(
        {
            "campaign_id": cid,
            "campaign": f"C{cid}",
            "platform": "meta_ads",
            "currency": "EUR",
            "date": [start + dt.timedelta(days=i) for i in range(days)],
            "spend": spend,
            "result": results.astype(float),
            "result_label": "Purchases",
        }
    )


def test_a_known_curve_is_recovered_inside_its_intervals():
    rng = np.random.default_rng(3)
    top, k, s = 60.0, 80.0, 1.3
    (curve,) = fit_curves(_daily(rng, top, k, s))
    assert curve.ok and curve.n_days == 120
    mid = (curve.spend_min + curve.spend_max) / 2
    pred = curve.predict(mid)
    assert pred.contains(float(hill(mid, top, k, s)))
    assert curve.k.contains(k) and curve.top.contains(top)
    # the marginal return: the slope of the true curve at mid
    true_slope = float((hill(mid + 0.01, top, k, s) - hill(mid - 0.01, top, k, s)) / 0.02)
    assert curve.marginal(mid).contains(true_slope)
    points = curve_points(curve, n=5)
    assert points[0][0] == curve.spend_min and points[-1][0] == curve.spend_max


def test_never_extrapolated_beyond_the_spend_seen():
    rng = np.random.default_rng(4)
    (curve,) = fit_curves(_daily(rng, 60.0, 80.0, 1.3))
    beyond = curve.predict(curve.spend_max * 1.5)
    assert not beyond.ok and "not extrapolated" in beyond.method
    assert not curve.predict(curve.spend_min / 2).ok
    assert not curve.marginal(curve.spend_max + 1).ok


def test_refuses_when_spend_did_not_vary_or_too_few_days():
    rng = np.random.default_rng(5)
    flat = np.full(60, 50.0) * rng.uniform(0.98, 1.0, 60)
    reason = fit_curve(flat, rng.poisson(10, 60))
    assert isinstance(reason, str) and "varied too little" in reason
    reason = fit_curve(np.linspace(10, 100, 10), np.arange(10))
    assert isinstance(reason, str) and "at least 21 needed" in reason
    (curve,) = fit_curves(_daily(rng, 60, 80, 1.3, lo=0.98, hi=1.02))
    assert not curve.ok and not curve.predict(80).ok and not curve.top.ok


@pytest.mark.slow
def test_interval_coverage_over_many_simulated_campaigns():
    """The 95% interval of the expected results at mid-range covers the truth ~95% of the time."""
    rng = np.random.default_rng(11)
    hits = 0
    n = 200
    for i in range(n):
        top, k, s = rng.uniform(10, 80), rng.uniform(30, 150), rng.uniform(0.9, 1.6)
        (curve,) = fit_curves(_daily(rng, top, k, s, days=90, cid=i))
        mid = (curve.spend_min + curve.spend_max) / 2
        hits += curve.predict(mid).contains(float(hill(mid, top, k, s)))
    assert 0.90 <= hits / n <= 0.99
