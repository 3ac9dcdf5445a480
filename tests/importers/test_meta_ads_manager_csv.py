from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.importers.meta_ads_manager_csv import FORMAT
from socialdesk.model import Account, Ad, AdDay, AdSet, Campaign, ImportBatch
from tests.conftest import fixture_path

AD_LEVEL = fixture_path("meta", "meta_ads_manager_export_2025_ad_level_GBP.csv")
TITLE_CASE = fixture_path("meta", "meta_ads_manager_export_2017.csv")
CAMPAIGNS = fixture_path("meta", "Acme India-Campaigns-1-Sep-202430-Sep-2024.csv")
NO_DATA = fixture_path("meta", "meta_ads_manager_campaigns_no_data.csv")

AD_SET = "LDN|ALL|18-45|RTG|IGFollowers&Engagers|IG|ALL"
PLUM = "PLUM||IFD-STOR-RL|IMG|sitting"


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _account(s, ws) -> Account:
    return s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()


def _days(s, ws) -> list[AdDay]:
    q = (
        select(AdDay)
        .join(Campaign, AdDay.campaign_id == Campaign.id)
        .join(Account)
        .where(Account.workspace_id == ws.workspace_id)
        .order_by(AdDay.id)
    )
    return list(s.scalars(q))


def _campaigns(s, ws) -> dict[str, Campaign]:
    q = select(Campaign).join(Account).where(Account.workspace_id == ws.workspace_id)
    return {c.name: c for c in s.scalars(q)}


def test_ad_level_export_with_breakdowns_lands_exactly(importer, ws):
    report = importer.import_file(AD_LEVEL)
    assert report.status == "imported", report.error
    assert report.format == "meta_ads_manager_csv"
    assert (report.rows_read, report.rows_added, report.rows_skipped) == (5, 5, 0)
    assert any("does not name the ad account" in n for n in report.notes)
    assert not any("differs from the figure recomputed" in n for n in report.notes)
    with ws.session() as s:
        acc = _account(s, ws)
        assert (acc.platform, acc.handle, acc.currency) == ("meta_ads", "Meta ad account", "GBP")
        (campaign,) = _campaigns(s, ws).values()
        assert campaign.name == "LDN|02.04|MID|RTG|QUOTE|ALL - WARM"
        assert (campaign.start_date, campaign.end_date) == (None, None)  # Starts/Ends are the ads'
        sets = s.scalars(select(AdSet).where(AdSet.campaign_id == campaign.id)).all()
        assert sorted(a.name for a in sets) == [AD_SET, AD_SET + " – NEW DAILY"]
        ads = s.scalars(select(Ad).join(AdSet).where(AdSet.campaign_id == campaign.id)).all()
        assert len(ads) == 4
        days = _days(s, ws)
        first = days[0]
        assert first.grain == f"ad_set:{AD_SET}|ad:{PLUM}|age=25-34;gender=female"
        assert first.breakdown == "age=25-34;gender=female"
        assert (first.date_start, first.date_end) == (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
        assert first.spend == pytest.approx(130.81375632)
        assert (first.impressions, first.reach, first.link_clicks, first.results) == (
            17414,
            6808,
            48,
            12,
        )
        assert first.frequency == pytest.approx(2.55787309)
        assert (first.currency, first.result_type) == ("GBP", "quoteReceived")
        assert first.attribution_setting == "7-day click or 1-day view"
        assert first.extra["delivery_status"] == "active"
        assert (first.extra["starts"], first.extra["ends"]) == ("2024-05-09", "2025-04-30")
        assert not any(k.startswith(("cpc", "cpm", "ctr", "cost")) for k in first.extra)
        assert days[1].breakdown == "age=35-44;gender=female"  # same ad, another bucket
        assert "ends" not in days[2].extra  # Ongoing
        heat = days[3]
        assert (heat.results, heat.result_type, heat.link_clicks) == (None, None, 14)
        gen = days[4]
        assert (gen.spend, gen.impressions, gen.link_clicks) == (0.02, 1, None)


def test_account_from_the_user_when_the_file_does_not_name_it(importer, ws):
    report = importer.import_file(AD_LEVEL, account="Acme UK")
    assert report.status == "imported", report.error
    with ws.session() as s:
        assert _account(s, ws).handle == "Acme UK"


@pytest.mark.parametrize(
    ("account", "handle"), [("Other BV", "Acme India"), ("acme-india", "acme-india")]
)
def test_the_file_name_names_the_account_unless_it_is_the_users_own_spelling(
    importer, ws, account, handle
):
    report = importer.import_file(CAMPAIGNS, account=account)
    assert report.status == "imported", report.error
    with ws.session() as s:
        assert _account(s, ws).handle == handle


def test_2017_title_case_campaign_export(importer, ws):
    report = importer.import_file(TITLE_CASE)
    assert report.status == "imported", report.error
    assert report.format == "meta_ads_manager_csv"
    with ws.session() as s:
        assert _account(s, ws).currency == "USD"
        camps = _campaigns(s, ws)
        assert len(camps) == 3
        insta = camps["Instagram Post"]
        assert (insta.key, insta.external_id) == ("6076509737239", "6076509737239")
        assert (insta.start_date, insta.end_date) == (dt.date(2017, 7, 17), dt.date(2017, 7, 19))
        days = {d.campaign_id: d for d in _days(s, ws)}
        day = days[insta.id]
        assert (day.grain, day.breakdown) == ("campaign", None)
        assert (day.date_start, day.date_end) == (dt.date(2017, 4, 19), dt.date(2017, 7, 19))
        assert (day.spend, day.impressions, day.link_clicks, day.currency) == (8, 653, 12, "USD")
        assert day.extra == {"post_comments": 1, "post_engagement": 78, "post_reactions": 65}
        assert day.reach is None  # no Reach column: never an invented zero
        rat = days[camps['Post: "Hydrogen cyanide is found in rat poison. It’s..."'].id]
        assert (rat.spend, rat.extra["post_shares"]) == (8.27, 25)


def test_campaign_table_with_result_indicator_and_budget_words(importer, ws):
    report = importer.import_file(CAMPAIGNS)
    assert report.status == "imported", report.error
    assert any("Multiple attribution settings" in n for n in report.notes)
    with ws.session() as s:
        acc = _account(s, ws)
        assert (acc.handle, acc.currency) == ("Acme India", "INR")  # from the file name
        camps = _campaigns(s, ws)
        diwali = camps["Lead form - Diwali"]
        assert (diwali.status, diwali.end_date, diwali.budget) == ("active", None, None)
        assert camps["App installs Q3"].end_date == dt.date(2024, 9, 20)
        days = {d.campaign_id: d for d in _days(s, ws)}
        lead = days[diwali.id]
        assert (lead.results, lead.result_type) == (412, "actions:leadgen.other")
        assert (lead.spend, lead.impressions, lead.reach) == (12400.5, 184220, 96410)
        assert lead.extra is None  # "Using ad set budget": no budget at this level, no extras
        app = days[camps["App installs Q3"].id]
        assert app.attribution_setting == "Multiple attribution settings"
        assert (app.extra["ad_set_budget"], app.extra["ad_set_budget_type"]) == (1500, "Daily")
        push = days[camps["Checkout push"].id]
        assert (push.results, push.attribution_setting, push.spend) == (None, None, 0)


def test_the_empty_export_imports_as_zero_rows_with_a_note(importer, ws):
    report = importer.import_file(NO_DATA)
    assert report.status == "imported", report.error
    assert report.format == "meta_ads_manager_csv"
    assert (report.rows_read, report.rows_added) == (0, 0)
    assert any("No data available." in n for n in report.notes)
    with ws.session() as s:
        assert _days(s, ws) == []


def test_derived_figures_are_checked_not_stored(importer, ws, tmp_path):
    rows = _rows(AD_LEVEL)
    cpm = rows[0].index("CPM (cost per 1,000 impressions)")
    rows[3][cpm] = "99.5"
    report = importer.import_file(_write(tmp_path / "ads.csv", rows))
    assert report.status == "imported", report.error
    notes = [n for n in report.notes if "differs from the figure recomputed" in n]
    assert len(notes) == 1
    assert "'CPM (cost per 1,000 impressions)'" in notes[0] and "row 4" in notes[0]


def test_reimport_changes_nothing_and_newer_export_updates_in_place(importer, ws, tmp_path):
    first = importer.import_file(AD_LEVEL)
    again = importer.import_file(AD_LEVEL)
    assert first.status == "imported" and again.status == "unchanged"
    rows = _rows(AD_LEVEL)
    rows[1][rows[0].index("Amount spent (GBP)")] = "140.5"
    third = importer.import_file(_write(tmp_path / "newer.csv", rows))
    assert third.status == "imported", third.error
    assert (third.rows_added, third.rows_updated) == (0, 5)
    with ws.session() as s:
        days = _days(s, ws)
        assert len(days) == 5
        assert days[0].spend == 140.5
        q = select(func.count(Campaign.id)).join(Account)
        assert s.scalar(q.where(Account.workspace_id == ws.workspace_id)) == 1


def test_a_wrong_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    rows = _rows(AD_LEVEL)
    rows[2][rows[0].index("Impressions")] = "14k"
    report = importer.import_file(_write(tmp_path / "ads.csv", rows))
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (3, "Impressions")
    with ws.session() as s:
        q = select(func.count(ImportBatch.id)).where(ImportBatch.workspace_id == ws.workspace_id)
        assert s.scalar(q) == 0
        q = select(func.count(Account.id)).where(Account.workspace_id == ws.workspace_id)
        assert s.scalar(q) == 0


def test_a_total_row_is_skipped_and_counted(importer, ws, tmp_path):
    rows = _rows(TITLE_CASE)
    rows.append(
        [
            "",
            "",
            "",
            "3252",
            "16",
            "32",
            "12",
            "327",
            "206",
            "",
            "2017-04-19",
            "2017-07-19",
            "24.55",
        ]
    )
    report = importer.import_file(_write(tmp_path / "ads.csv", rows))
    assert report.status == "imported", report.error
    assert (report.rows_read, report.rows_skipped) == (3, 1)


@pytest.mark.parametrize(
    ("start", "end", "period", "ambiguous"),
    [
        ("01/03/2025", "31/03/2025", (dt.date(2025, 3, 1), dt.date(2025, 3, 31)), False),
        ("03/01/2025", "03/31/2025", (dt.date(2025, 3, 1), dt.date(2025, 3, 31)), False),
        ("01/03/2025", "12/03/2025", (dt.date(2025, 3, 1), dt.date(2025, 3, 12)), True),
    ],
)
def test_excel_resaved_slashed_dates(importer, ws, tmp_path, start, end, period, ambiguous):
    rows = _rows(AD_LEVEL)
    for row in rows[1:]:
        row[-2], row[-1] = start, end
    report = importer.import_file(_write(tmp_path / "ads.csv", rows))
    assert report.status == "imported", report.error
    assert any("either way" in n for n in report.notes) == ambiguous
    with ws.session() as s:
        assert {(d.date_start, d.date_end) for d in _days(s, ws)} == {period}


def test_xlsx_export_reads_like_the_csv(importer, ws, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    rows = _rows(AD_LEVEL)
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Raw Data Report"
    sheet.append(rows[0])
    figures = ("Reach", "Impressions", "Results", "Amount spent (GBP)", "Link clicks")
    numeric = {i for i, h in enumerate(rows[0]) if h in figures}
    for row in rows[1:]:
        cells: list[object] = []
        for i, value in enumerate(row):
            if i >= len(row) - 2:
                cells.append(dt.datetime.fromisoformat(value))
            elif i in numeric and value:
                cells.append(float(value))
            else:
                cells.append(value or None)
        sheet.append(cells)
    path = tmp_path / "Acme UK-Ads-1-Mar-202531-Mar-2025.xlsx"
    wb.save(path)
    report = importer.import_file(path)
    assert report.status == "imported", report.error
    assert report.format == "meta_ads_manager_csv"
    assert report.rows_read == 5
    with ws.session() as s:
        acc = _account(s, ws)
        assert (acc.handle, acc.currency) == ("Acme UK", "GBP")
        days = _days(s, ws)
        assert (days[0].impressions, days[0].results, days[0].date_end) == (
            17414,
            12,
            dt.date(2025, 3, 31),
        )
        assert days[0].spend == pytest.approx(130.81375632)
        assert days[3].results is None


def test_an_export_without_campaign_name_says_what_to_add(importer, ws, tmp_path):
    rows = [[c for i, c in enumerate(r) if i != 0] for r in _rows(AD_LEVEL)]
    report = importer.import_file(_write(tmp_path / "ads.csv", rows))
    assert report.status == "failed"
    assert report.format == "meta_ads_manager_csv"
    assert "'Campaign name'" in report.error


def test_repeated_rows_are_refused_not_silently_merged(importer, ws, tmp_path):
    rows = _rows(TITLE_CASE)
    rows = [[c for i, c in enumerate(r) if i != 2] for r in rows]  # drop Campaign ID
    rows.append(list(rows[1]))
    report = importer.import_file(_write(tmp_path / "ads.csv", rows))
    assert report.status == "failed"
    assert report.error_row == 5 and "repeats" in report.error and "row 2" in report.error


@pytest.mark.parametrize("path", [AD_LEVEL, TITLE_CASE, CAMPAIGNS, NO_DATA])
def test_detection_picks_ads_manager(path):
    assert detect(path, builtin_formats()).format.name == FORMAT.name
