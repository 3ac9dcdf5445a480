"""Fatigue: CTR falling as frequency rises is flagged with its evidence, and only then."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from socialdesk.ads.fatigue import check_fatigue


def _ad_days(rng, ad_id, slope, days=40):
    freq = np.linspace(1.2, 4.0, days)
    imps = rng.integers(4000, 6000, days).astype(float)
    ctr = 0.02 * (freq / 1.2) ** slope
    clicks = rng.binomial(imps.astype(int), ctr).astype(float)
    start = dt.date(2026, 3, 1)
    return pd.DataFrame(
        {
            "account_id": 1,
            "platform": "meta_ads",
            "account": "A",
            "account_currency": "EUR",
            "campaign_id": 1,
            "campaign": "Lente",
            "campaign_key": "Lente",
            "objective": None,
            "ad_set_id": 10,
            "ad_set": "Set",
            "ad_id": ad_id,
            "ad": f"Ad {ad_id}",
            "grain": f"ad_set:Set|ad:{ad_id}",
            "breakdown": None,
            "date_start": [start + dt.timedelta(days=i) for i in range(days)],
            "date_end": [start + dt.timedelta(days=i) for i in range(days)],
            "currency": "EUR",
            "spend": imps / 150,
            "impressions": imps,
            "reach": imps / freq,
            "frequency": freq,
            "clicks": clicks,
            "link_clicks": clicks,
            "results": None,
            "conversions": None,
            "conversion_value": None,
            "result_type": None,
            "attribution_setting": None,
        }
    )


def test_falling_ctr_is_flagged_and_a_flat_one_is_not():
    rng = np.random.default_rng(2)
    rows = pd.concat([_ad_days(rng, 1, -0.6), _ad_days(rng, 2, 0.0), _ad_days(rng, 3, 0.0, 8)])
    checks = {c.ad: c for c in check_fatigue(rows)}
    tired, fresh, short = checks["Ad 1"], checks["Ad 2"], checks["Ad 3"]
    assert tired.flagged and tired.odds_ratio_per_doubling.high < 1
    assert tired.rate_high.value < tired.rate_low.value
    assert tired.evidence.startswith("fatigue:") and "Holm over 2 ads" in tired.evidence
    assert not fresh.flagged and fresh.odds_ratio_per_doubling.contains(1.0)
    assert not short.flagged and "at least 14 needed" in short.evidence


def test_no_frequency_no_check():
    rng = np.random.default_rng(3)
    rows = _ad_days(rng, 1, -0.6)
    rows["frequency"] = None
    (check,) = check_fatigue(rows)
    assert not check.flagged and check.days == 0
