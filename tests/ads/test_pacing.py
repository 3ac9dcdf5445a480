"""Pacing by hand: spend to date, the plan to date, the projection and its status."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy.stats import t as student_t

from socialdesk.ads.pacing import PlanInvalid, budget_lines, compute_pacing

CAMPS = pd.DataFrame(
    {
        "campaign_id": [1, 2],
        "campaign": ["Lente", "Zoeken"],
        "campaign_key": ["111", "Zoeken"],
        "platform": ["meta_ads", "google_ads"],
        "account": ["A", "G"],
        "account_currency": ["EUR", "EUR"],
        "objective": [None, None],
        "status": [None, "Enabled"],
        "budget": [np.nan, 20.0],
        "budget_type": [None, "Daily"],
        "start_date": [None, None],
        "end_date": [None, None],
    }
)


def _daily(spends, cid=1, start=dt.date(2026, 4, 1)):
    return pd.DataFrame(
        {
            "campaign_id": cid,
            "currency": "EUR",
            "date": [start + dt.timedelta(days=i) for i in range(len(spends))],
            "spend": spends,
        }
    )


def test_projection_by_hand():
    spends = [30.0, 40.0, 35.0, 45.0, 50.0, 40.0, 30.0, 40.0, 45.0, 35.0]  # 1-10 April
    lines = budget_lines([{"campaign": "Lente", "month": "2026-04", "amount": 1500}], CAMPS)
    (row,) = compute_pacing(_daily(spends), lines, dt.date(2026, 4, 10))
    assert row.spent == pytest.approx(sum(spends)) and row.days_elapsed == 10
    assert row.expected_to_date == pytest.approx(1500 * 10 / 30)
    recent = np.array(spends[-7:])
    mean, sd = recent.mean(), recent.std(ddof=1)
    value = sum(spends) + 20 * mean
    half = student_t.ppf(0.975, 6) * np.sqrt(20 * sd**2 + 20**2 * sd**2 / 7)
    assert row.projected.value == pytest.approx(value)
    assert row.projected.high == pytest.approx(value + half)
    assert row.status == "under-spending" and "under the budget" in row.message  # ~1,176


def test_export_daily_budgets_and_the_all_campaigns_scope():
    window = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    lines = budget_lines(
        [{"campaign": "*", "month": "2026-04", "amount": 2000, "currency": "EUR"}],
        CAMPS,
        window=window,
    )
    assert [(b.scope, b.amount) for b in lines] == [("*", 2000.0), ("Zoeken", 20.0 * 30)]
    daily = pd.concat([_daily([20.0] * 10, cid=2), _daily([50.0] * 10, cid=1)])
    rows = compute_pacing(daily, lines, dt.date(2026, 4, 10))
    everything, search = rows
    assert everything.spent == 700.0 and search.spent == 200.0
    assert search.status == "on track" and search.projected.value == pytest.approx(600.0)


def test_plans_are_checked():
    with pytest.raises(PlanInvalid, match="no campaign"):
        budget_lines([{"campaign": "Nope", "month": "2026-04", "amount": 1}], CAMPS)
    with pytest.raises(PlanInvalid, match="2026-03"):
        budget_lines([{"campaign": "*", "month": "April", "amount": 1}], CAMPS)
    with pytest.raises(PlanInvalid, match="amount"):
        budget_lines([{"campaign": "*", "month": "2026-04"}], CAMPS)


def test_before_and_after_the_period():
    lines = budget_lines(
        [{"campaign": "Lente", "start": "2026-05-01", "end": "2026-05-03", "amount": 90}], CAMPS
    )
    (early,) = compute_pacing(_daily([10.0]), lines, dt.date(2026, 4, 1))
    assert early.status == "not started" and not early.projected.ok
    (late,) = compute_pacing(
        _daily([30.0, 30.0, 31.0], start=dt.date(2026, 5, 1)), lines, dt.date(2026, 5, 9)
    )
    assert late.projected.value == 91.0 and late.status == "on track"
