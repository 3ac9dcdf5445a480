from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.importers.google_ads_campaigns_csv import parse_date_range
from socialdesk.model import Account, AdDay, Campaign
from tests.conftest import fixture_path

FORMAT = "google_ads_campaigns_csv"


def _days(ws) -> dict[tuple[str, dt.date], AdDay]:
    with ws.session() as s:
        rows = s.execute(
            select(Campaign.name, AdDay)
            .join(AdDay, AdDay.campaign_id == Campaign.id)
            .join(Account, Account.id == Campaign.account_id)
            .where(Account.workspace_id == ws.workspace_id)
        ).all()
    return {(name, day.date_start): day for name, day in rows}


def _figures(ws) -> dict[tuple[str, dt.date], tuple[float | None, ...]]:
    return {k: (d.spend, d.impressions, d.clicks, d.conversion_value) for k, d in _days(ws).items()}


def _campaigns(ws) -> dict[str, Campaign]:
    with ws.session() as s:
        found = s.scalars(
            select(Campaign).join(Account).where(Account.workspace_id == ws.workspace_id)
        ).all()
    return {c.name: c for c in found}


def _count(ws, model) -> int:
    with ws.session() as s:
        q = select(func.count(model.id)).join(Campaign, Campaign.id == model.campaign_id)
        q = q.join(Account, Account.id == Campaign.account_id)
        return s.scalar(q.where(Account.workspace_id == ws.workspace_id))


def test_csv_download_lands_exactly(importer, ws):
    report = importer.import_file(fixture_path("google", "google_ads_campaign_report.csv"))
    assert report.status == "imported", report.error
    assert report.format == FORMAT
    # 2 campaigns; "Total: Campaigns/Account/Performance Max/Search/Display" are skipped
    assert (report.rows_read, report.rows_added, report.rows_skipped) == (2, 2, 5)
    assert any("does not name its Google Ads account" in n for n in report.notes)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle) == ("google_ads", "Google Ads account")
        assert acc.currency == "GBP"
    days = _days(ws)
    day = days[("Fruit-Veg-Boxes-Shopping-SMP", dt.date(2026, 1, 27))]
    assert day.date_end == dt.date(2026, 2, 23)  # from "27 January 2026 - 23 February 2026"
    assert (day.spend, day.impressions, day.clicks) == (798.88, 31193, 603)  # "31,193"
    assert (day.conversions, day.conversion_value) == (49, 1286.58)  # "1,286.58"
    assert day.currency == "GBP" and day.grain == "campaign"
    assert day.extra["bid_strategy_type"] == "Maximise Conversion Value (Target ROAS)"
    assert day.extra["optimisation_score"] == pytest.approx(0.5735)  # rates as fractions
    assert day.extra["serving_status"] == "Eligible (Limited)"
    assert "budget_name" not in day.extra  # " --" is NULL, so not kept
    # derived columns are never stored as facts
    assert not {"ctr", "avg_cpc", "cost_per_conversion", "conversion_rate"} & set(day.extra)
    office = days[("Office Fruit Campaign", dt.date(2026, 1, 27))]
    assert (office.spend, office.impressions, office.conversion_value) == (365.22, 9392, 841.23)
    camp = _campaigns(ws)["Fruit-Veg-Boxes-Shopping-SMP"]
    assert (camp.status, camp.budget, camp.budget_type, camp.key) == (
        "Enabled",
        25.0,
        "Daily",
        "Fruit-Veg-Boxes-Shopping-SMP",
    )
    assert len(days) == 2


def test_excel_csv_utf16_tab_is_the_same_report(importer, ws):
    first = importer.import_file(fixture_path("google", "google_ads_campaign_report.csv"))
    before = _figures(ws)
    report = importer.import_file(fixture_path("google", "google_ads_campaign_report_excel.csv"))
    assert first.status == report.status == "imported", report.error
    assert report.format == FORMAT
    # the same campaigns and period: updated in place, never doubled
    assert (report.rows_read, report.rows_added, report.rows_updated) == (2, 0, 2)
    assert report.rows_skipped == 5
    assert _figures(ws) == before
    assert _count(ws, AdDay) == 2


def test_dutch_ui_decimal_comma_and_null_conversions(importer, ws):
    report = importer.import_file(fixture_path("google", "google_ads_campaign_report_nl.csv"))
    assert report.status == "imported", report.error
    assert (report.rows_read, report.rows_skipped) == (2, 2)  # "Totaal: …" rows
    days = _days(ws)
    spring = days[("Voorjaarsactie Zoeken", dt.date(2026, 1, 27))]
    assert spring.date_end == dt.date(2026, 2, 23)  # "27 januari 2026 - 23 februari 2026"
    assert (spring.clicks, spring.impressions, spring.spend) == (1204, 31193, 798.88)
    assert (spring.conversions, spring.conversion_value, spring.currency) == (49, 1286.58, "EUR")
    brand = days[("Merk Display", dt.date(2026, 1, 27))]
    assert (brand.clicks, brand.impressions) == (264, 9392)  # no thousands separator here
    assert brand.conversions is None and brand.conversion_value is None  # " --", not zero
    camp = _campaigns(ws)["Merk Display"]
    assert (camp.status, camp.budget, camp.budget_type) == ("Onderbroken", 10.0, "Dagelijks")


def test_daily_variant_gives_one_ad_day_per_day(importer, ws):
    report = importer.import_file(
        fixture_path("google", "google_ads_campaign_report_daily.csv"), account="Klant BV"
    )
    assert report.status == "imported", report.error
    assert (report.rows_read, report.rows_added, report.rows_skipped) == (4, 4, 1)
    days = _days(ws)
    assert set(days) == {
        ("Spring Search", dt.date(2026, 2, 1)),
        ("Spring Search", dt.date(2026, 2, 2)),
        ("Spring Search", dt.date(2026, 2, 3)),
        ("Brand Display", dt.date(2026, 2, 1)),
    }
    assert all(d.date_start == d.date_end for d in days.values())
    feb2 = days[("Spring Search", dt.date(2026, 2, 2))]
    assert (feb2.clicks, feb2.impressions, feb2.spend, feb2.conversions) == (38, 1150, 49.87, 1)
    feb3 = days[("Spring Search", dt.date(2026, 2, 3))]
    assert (feb3.clicks, feb3.impressions, feb3.spend) == (0, 0, 0)  # real zeros stay zeros
    brand = days[("Brand Display", dt.date(2026, 2, 1))]
    assert brand.conversions is None  # " --"
    camps = _campaigns(ws)
    assert camps["Spring Search"].external_id == camps["Spring Search"].key == "12345678901"
    assert camps["Brand Display"].status == "Paused"
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert acc.handle == "Klant BV"
    assert not any("does not name" in n for n in report.notes)


def test_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    path = fixture_path("google", "google_ads_campaign_report.csv")
    first = importer.import_file(path)
    again = importer.import_file(path)
    assert (first.status, again.status) == ("imported", "unchanged")
    newer = tmp_path / "Campaign report (1).csv"
    newer.write_bytes(path.read_bytes().replace(b",798.88,", b",812.50,"))
    third = importer.import_file(newer)
    assert third.status == "imported", third.error
    assert (third.rows_added, third.rows_updated) == (0, 2)
    assert _count(ws, AdDay) == 2
    assert len(_campaigns(ws)) == 2
    assert _days(ws)[("Fruit-Veg-Boxes-Shopping-SMP", dt.date(2026, 1, 27))].spend == 812.50


def test_wrong_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / "Campaign report.csv"
    src = fixture_path("google", "google_ads_campaign_report.csv").read_bytes()
    bad.write_bytes(src.replace(b"unknown,48.90,264,", b"unknown,48.90,2x4,"))
    report = importer.import_file(bad)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (5, "Clicks")
    assert "'2x4' is not a number" in report.error
    assert _count(ws, AdDay) == 0
    assert _campaigns(ws) == {}


def test_missing_date_range_is_refused_unless_given(importer, ws, tmp_path):
    lines = fixture_path("google", "google_ads_campaign_report.csv").read_text().split("\n")
    path = tmp_path / "no_range.csv"
    path.write_text("\n".join([lines[0], *lines[2:]]))
    report = importer.import_file(path)
    assert report.status == "failed"
    assert "date range" in report.error
    given = importer.import_file(
        path, options={"date_start": "2026-01-27", "date_end": "2026-02-23"}
    )
    assert given.status == "imported", given.error
    assert {d.date_end for d in _days(ws).values()} == {dt.date(2026, 2, 23)}


def test_detection_picks_this_format_for_every_variant():
    formats = builtin_formats()
    for name in (
        "google_ads_campaign_report.csv",
        "google_ads_campaign_report_excel.csv",
        "google_ads_campaign_report_nl.csv",
        "google_ads_campaign_report_daily.csv",
    ):
        match = detect(fixture_path("google", name), formats)
        assert match.format.name == FORMAT, name
        assert match.table.header_index == 2, name  # under the two title lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27 January 2026 - 23 February 2026", (dt.date(2026, 1, 27), dt.date(2026, 2, 23))),
        ("27 januari 2026 - 23 februari 2026", (dt.date(2026, 1, 27), dt.date(2026, 2, 23))),
        ("1 mrt. 2026 – 31 mrt. 2026", (dt.date(2026, 3, 1), dt.date(2026, 3, 31))),
        ("January 27, 2026 - February 23, 2026", (dt.date(2026, 1, 27), dt.date(2026, 2, 23))),
        ("2026-01-27 - 2026-02-23", (dt.date(2026, 1, 27), dt.date(2026, 2, 23))),
        ("1 Jan 2025-31 Dec 2025", (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
        ("5 May 2026", (dt.date(2026, 5, 5), dt.date(2026, 5, 5))),
        ("Campaign report", None),
    ],
)
def test_parse_date_range(text, expected):
    assert parse_date_range(text) == expected


MANAGER_REPORT = """Campaign report
1 February 2026 - 28 February 2026
Account,Customer ID,Campaign,Device,Currency code,Clicks,Impr.,Cost
Bakkerij Jansen,123-456-7890,Total Recall Promo,Mobile phones,EUR,10,100,5.00
Bakkerij Jansen,123-456-7890,Total Recall Promo,Computers,EUR,4,50,2.50
Slagerij Smit,987-654-3210,Winter,Mobile phones,EUR,7,"1,000",3.10
Total: Account, --, --, --,EUR,21,"1,150",10.60
"""


def test_manager_report_splits_accounts_and_devices(importer, ws, tmp_path):
    path = tmp_path / "Campaign report.csv"
    path.write_text(MANAGER_REPORT)
    report = importer.import_file(path)
    assert report.status == "imported", report.error
    assert (report.rows_read, report.rows_skipped) == (3, 1)  # "Total Recall" is a campaign
    with ws.session() as s:
        accounts = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).all()
        assert {(a.handle, a.external_id) for a in accounts} == {
            ("Bakkerij Jansen", "123-456-7890"),
            ("Slagerij Smit", "987-654-3210"),
        }
        grains = s.execute(
            select(AdDay.grain, AdDay.breakdown, AdDay.clicks)
            .join(Campaign, Campaign.id == AdDay.campaign_id)
            .join(Account, Account.id == Campaign.account_id)
            .where(Account.workspace_id == ws.workspace_id, Campaign.name == "Total Recall Promo")
        ).all()
    assert sorted(grains) == [
        ("campaign|device=Computers", "device=Computers", 4),
        ("campaign|device=Mobile phones", "device=Mobile phones", 10),
    ]


def test_unknown_segment_is_refused_not_collapsed(importer, ws, tmp_path):
    # segmented by a column this reader does not know ("Ad schedule"): two rows of one
    # campaign and period must not collapse into one
    path = tmp_path / "Campaign report.csv"
    path.write_text(
        "Campaign report\n1 February 2026 - 28 February 2026\n"
        "Campaign,Ad schedule,Clicks,Impr.,Cost\n"
        "Winter,Mon 08:00-12:00,7,100,3.10\n"
        "Winter,Mon 12:00-18:00,5,80,2.00\n"
    )
    report = importer.import_file(path)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (5, "Campaign")
    assert "appears twice" in report.error
    assert _count(ws, AdDay) == 0
