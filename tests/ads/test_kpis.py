"""Ad figures recomputed by hand from real-format export files (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from socialdesk.ads import queries
from socialdesk.ads.kpis import build_report, converted_spend, daily_table
from socialdesk.store import session_scope
from tests.ads.seeding import write_rows
from tests.conftest import fixture_path


def _frame(ws):
    with session_scope(ws.engine) as s:
        return queries.ad_delivery(s, ws.workspace_id)


def test_google_ads_daily_report_by_hand(ws, importer):
    (rep,) = importer.import_paths([fixture_path("google", "google_ads_campaign_report_daily.csv")])
    assert rep.status == "imported", rep.error
    report = build_report(_frame(ws))
    rows = {r.name: r.figures for r in report.rows}
    spring = rows["Spring Search"]
    # three days: 52.10 + 49.87 + 0.00 spent, 1,200 + 1,150 + 0 impressions, 40 + 38 + 0 clicks
    assert spring.spend == pytest.approx(101.97)
    assert spring.impressions == 2350 and spring.clicks == 78
    assert spring.ctr.value == pytest.approx(78 / 2350)
    assert spring.ctr.low < 78 / 2350 < spring.ctr.high
    assert spring.cpc == pytest.approx(101.97 / 78)
    assert spring.cpm == pytest.approx(1000 * 101.97 / 2350)
    # no Results column: the conversions are the results (2 + 1 + 0)
    assert spring.result_type == "Conversions" and spring.results == {"Conversions": 3.0}
    assert spring.cpa == pytest.approx(101.97 / 3)
    assert spring.roas == pytest.approx(270.0 / 101.97)
    assert spring.days == 3 and spring.currency == "EUR" and spring.reach is None
    display = rows["Brand Display"]
    assert display.spend == pytest.approx(3.20) and display.conversions is None
    assert display.cpa is None  # " --" conversions are unknown, not zero
    assert report.totals["EUR"].spend == pytest.approx(105.17)  # the file's own Total row
    daily = daily_table(_frame(ws))
    assert len(daily) == 4 and daily["spend"].sum() == pytest.approx(105.17)


def test_linkedin_campaign_group_is_the_sum_of_its_campaigns(ws, importer):
    path = fixture_path("linkedin", "linkedin_campaign_manager_campaign_performance.csv")
    (rep,) = importer.import_paths([path])
    assert rep.status == "imported", rep.error
    report = build_report(_frame(ws))
    rows = {r.name: r.figures for r in report.rows}
    najaar = rows["Najaar 2026"]
    # Leadgen 1,234.50 + 990.00, Retargeting 85.10
    assert najaar.spend == pytest.approx(1234.50 + 990.00 + 85.10)
    assert najaar.impressions == 98765 + 81002 + 5432
    assert najaar.link_clicks == 401 + 360 + 58
    assert najaar.reach is None  # reach of three rows cannot be added up
    assert report.totals["EUR"].spend == pytest.approx(2309.60)  # the file's Total row
    ad_sets = build_report(_frame(ws), level="ad_set")
    leadgen = next(r for r in ad_sets.rows if r.name == "Leadgen NL - beslissers")
    assert leadgen.figures.spend == pytest.approx(1234.50 + 990.00)


def test_meta_ad_level_breakdowns_and_attribution(ws, importer):
    path = fixture_path("meta", "meta_ads_manager_export_2025_ad_level_GBP.csv")
    (rep,) = importer.import_paths([path])
    assert rep.status == "imported", rep.error
    frame = _frame(ws)
    report = build_report(frame)
    assert report.currencies == ("GBP",)
    for row in report.rows:
        f = row.figures
        assert f.attribution == ("7-day click or 1-day view",)
        part = frame[frame["campaign"] == row.name]
        assert f.spend == pytest.approx(part["spend"].sum())
        main = part["results"].sum()
        if main:
            assert f.cpa == pytest.approx(part["spend"].sum() / main)


def test_currencies_are_never_added_without_a_stated_rate(ws):
    day = dt.date(2026, 3, 1)
    write_rows(
        ws,
        [{"campaign_name": "NL", "date_start": day, "date_end": day, "spend": 100.0}],
        account="eur",
        currency="EUR",
    )
    write_rows(
        ws,
        [{"campaign_name": "UK", "date_start": day, "date_end": day, "spend": 50.0}],
        account="gbp",
        currency="GBP",
    )
    report = build_report(_frame(ws))
    assert report.totals["EUR"].spend == 100.0 and report.totals["GBP"].spend == 50.0
    assert any("more than one currency" in n for n in report.notes)
    with pytest.raises(KeyError, match="GBP"):
        converted_spend(report, {}, "EUR")
    total = converted_spend(report, {"GBP": 1.2}, "EUR")
    assert total.spend == pytest.approx(100.0 + 50.0 * 1.2) and total.rates["GBP"] == 1.2


def test_reach_and_frequency_only_from_a_single_row(ws):
    day = dt.date(2026, 3, 1)
    write_rows(
        ws,
        [
            {
                "campaign_name": "C",
                "date_start": day,
                "date_end": day,
                "spend": 5.0,
                "impressions": 300.0,
                "reach": 120.0,
            }
        ],
    )
    (row,) = build_report(_frame(ws)).rows
    assert row.figures.reach == 120.0 and math.isclose(row.figures.frequency, 2.5)
