"""additive_rows: one set of rows per campaign that counts each day once."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from socialdesk.ads.delivery import additive_rows, row_level

D = [dt.date(2026, 3, d) for d in range(1, 5)]


def _row(**kw):
    base = {
        "account_id": 1,
        "platform": "meta_ads",
        "account": "A",
        "account_currency": "EUR",
        "campaign_id": 1,
        "campaign": "C",
        "campaign_key": "C",
        "objective": None,
        "ad_set_id": pd.NA,
        "ad_set": None,
        "ad_id": pd.NA,
        "ad": None,
        "grain": "campaign",
        "breakdown": None,
        "date_start": D[0],
        "date_end": D[0],
        "currency": "EUR",
        "spend": 1.0,
        "impressions": 100.0,
        "reach": None,
        "frequency": None,
        "clicks": 1.0,
        "link_clicks": None,
        "results": None,
        "conversions": None,
        "conversion_value": None,
        "result_type": None,
        "attribution_setting": None,
    }
    base.update(kw)
    return base


def _frame(rows):
    f = pd.DataFrame(rows)
    for c in ("ad_set_id", "ad_id"):
        f[c] = f[c].astype("Int64")
    return f


def test_campaign_totals_beat_ad_rows_of_the_same_period():
    f = _frame(
        [
            _row(spend=10.0),
            _row(ad_set_id=5, ad_id=7, grain="ad_set:s|ad:a", spend=6.0),
            _row(ad_set_id=5, ad_id=8, grain="ad_set:s|ad:b", spend=4.0),
            _row(
                ad_set_id=5,
                ad_id=7,
                grain="ad_set:s|ad:a",
                spend=3.0,
                date_start=D[1],
                date_end=D[1],
            ),  # only ad rows on 2 March: they are the campaign's figure then
        ]
    )
    got = additive_rows(f, level="campaign")
    assert got.rows["spend"].sum() == 10.0 + 3.0
    assert any("coarser level" in n for n in got.notes)
    # at ad level the campaign row cannot be split, the ad rows are used
    assert additive_rows(f, level="ad").rows["spend"].sum() == 6.0 + 4.0 + 3.0


def test_daily_rows_beat_an_overlapping_month_and_a_cut_period_is_left_out():
    f = _frame(
        [
            _row(date_start=D[0], date_end=D[0], spend=1.0),
            _row(date_start=D[1], date_end=D[1], spend=2.0),
            _row(date_start=D[0], date_end=D[3], spend=50.0),  # overlaps the days
            _row(campaign_id=2, campaign="M", date_start=D[0], date_end=D[3], spend=40.0),
        ]
    )
    got = additive_rows(f)
    assert sorted(got.rows["spend"]) == [1.0, 2.0, 40.0]
    assert any("overlap" in n for n in got.notes)
    window = additive_rows(f, start=D[0], end=D[1])
    assert sorted(window.rows["spend"]) == [1.0, 2.0]  # the month reaches past 2 March
    assert any("outside the window" in n for n in window.notes)
    assert sorted(additive_rows(f, daily_only=True).rows["spend"]) == [1.0, 2.0]


def test_breakdown_rows_add_up_within_one_breakdown_only():
    f = _frame(
        [
            _row(breakdown="age=18-24", grain="campaign|age=18-24", spend=3.0),
            _row(breakdown="age=25-34", grain="campaign|age=25-34", spend=5.0),
            _row(breakdown="country=NL", grain="campaign|country=NL", spend=8.0),
        ]
    )
    assert list(row_level(f)) == ["breakdown"] * 3
    got = additive_rows(f)
    assert got.rows["spend"].sum() == 8.0  # age buckets (3 + 5) or the country, not both
