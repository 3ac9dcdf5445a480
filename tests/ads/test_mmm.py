"""The optional PyMC-Marketing extra: the shim's message, the weekly data, the real run."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from socialdesk.ads import _pymc
from socialdesk.ads.mmm import MIN_WEEKS, run_mmm, weekly_data
from socialdesk.errors import MissingExtra


def _daily(weeks: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(weeks * 7)]
    rows = []
    for platform in ("meta_ads", "google_ads"):
        spend = rng.uniform(20, 80, len(days))
        rows.append(
            pd.DataFrame(
                {
                    "date": days,
                    "platform": platform,
                    "spend": spend,
                    "result": rng.poisson(spend / 10).astype(float),
                }
            )
        )
    return pd.concat(rows)


def test_weekly_data_sums_per_week_and_channel():
    daily = _daily(3)
    data = weekly_data(daily)
    assert data.weeks == 3 and set(data.channels) == {"google_ads", "meta_ads"}
    assert data.frame["meta_ads"].sum() == pytest.approx(
        daily.loc[daily["platform"] == "meta_ads", "spend"].sum()
    )
    assert data.frame["y"].sum() == daily["result"].sum()
    assert not data.enough and f"needs {MIN_WEEKS}" in data.reason


@pytest.mark.skipif(_pymc.available(), reason="pymc-marketing is installed")
def test_without_the_extra_the_error_says_how_to_install_it():
    with pytest.raises(MissingExtra) as err:
        _pymc.pymc_marketing_mmm()
    assert "pip install 'socialdesk[mmm]'" in str(err.value)
    with pytest.raises(MissingExtra):
        run_mmm(weekly_data(_daily(110)), budget_per_week=500.0)


@pytest.mark.slow
@pytest.mark.skipif(not _pymc.available(), reason="pymc-marketing is not installed")
def test_pymc_marketing_budget_optimizer_splits_the_budget():
    result = run_mmm(weekly_data(_daily(110)), budget_per_week=500.0, draws=100, tune=100, chains=1)
    assert sum(result.recommended.values()) == pytest.approx(500.0, rel=1e-3)
