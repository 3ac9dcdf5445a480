from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from socialdesk.errors import FileUnreadable, FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect, detect_probe
from socialdesk.importers.linkedin_campaign_manager_csv import FORMAT
from socialdesk.importers.tabular import probe_file
from socialdesk.model import Account, AdDay, AdSet, Campaign, ImportBatch
from tests.conftest import FORMATS, fixture_path

DAILY = fixture_path("linkedin", "linkedin_campaign_manager_campaign_performance.csv")

HEADER = (
    "Start Date (in UTC),Account Name,Campaign Group Name,Campaign Name,Campaign ID,Currency,"
    "Total Spent,Impressions,Clicks"
)


def _write(tmp_path: Path, name: str, report: str, rows: list[str]) -> Path:
    path = tmp_path / name
    lines = ["Campaign Performance Report (in UTC)", report, "", HEADER, *rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ad_days(s, ws) -> list[tuple[str, str, AdDay]]:
    q = (
        select(Campaign.name, AdSet.name, AdDay)
        .join(Campaign, AdDay.campaign_id == Campaign.id)
        .join(AdSet, AdDay.ad_set_id == AdSet.id)
        .join(Account, Campaign.account_id == Account.id)
        .where(Account.workspace_id == ws.workspace_id)
        .order_by(AdDay.date_start, AdSet.name)
    )
    return [tuple(r) for r in s.execute(q)]


def test_daily_report_lands_as_group_campaign_and_campaign_ad_set(importer, ws):
    report = importer.import_file(DAILY)
    assert report.status == "imported", report.error
    assert report.format == "linkedin_campaign_manager_csv"
    assert (report.rows_read, report.rows_added, report.rows_skipped) == (4, 4, 1)  # Total row
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle, acc.currency) == ("linkedin_ads", "Acme BV", "EUR")
        q = select(Campaign).where(Campaign.account_id == acc.id)
        camps = {c.name: c for c in s.scalars(q)}
        assert set(camps) == {"Najaar 2026", "Merkbekendheid"}
        assert camps["Najaar 2026"].objective == "Lead Generation"
        sets = s.scalars(select(AdSet).where(AdSet.campaign_id == camps["Najaar 2026"].id)).all()
        assert sorted((a.key, a.name) for a in sets) == [
            ("512345678", "Leadgen NL - beslissers"),
            ("512345679", "Retargeting websitebezoekers"),
        ]
        rows = _ad_days(s, ws)
        assert len(rows) == 4
        group, name, day = rows[0]
        assert (group, name) == ("Najaar 2026", "Leadgen NL - beslissers")
        assert (day.date_start, day.date_end) == (dt.date(2026, 9, 1), dt.date(2026, 9, 1))
        assert day.grain == "ad_set:512345678"
        assert (day.spend, day.impressions, day.clicks, day.currency) == (1234.5, 98765, 432, "EUR")
        assert (day.reach, day.frequency, day.link_clicks) == (40210, 2.46, 401)
        assert (day.conversions, day.conversion_value) == (5, 0)
        assert day.extra["leads"] == 17 and day.extra["reactions"] == 12
        assert day.extra["campaign_status"] == "Active"
        assert day.results is None  # not in the file: never invented
        retarget = rows[1][2]
        assert "leads" not in retarget.extra  # an empty cell is NULL, not 0
        paused = rows[3][2]
        assert (paused.spend, paused.impressions, paused.frequency) == (0, 0, None)
        total = s.scalar(
            select(func.sum(AdDay.spend))
            .join(Campaign)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id)
        )
        assert total == pytest.approx(2309.60)  # equals the dropped Total row


def test_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    assert importer.import_file(DAILY).status == "imported"
    assert importer.import_file(DAILY).status == "unchanged"
    newer = tmp_path / DAILY.name
    newer.write_bytes(DAILY.read_bytes().replace(b",990.00,", b",1002.25,"))
    report = importer.import_file(newer)
    assert report.status == "imported", report.error
    assert (report.rows_added, report.rows_updated) == (0, 4)
    with ws.session() as s:
        rows = _ad_days(s, ws)
        assert len(rows) == 4
        assert rows[2][2].spend == 1002.25


def test_rows_starting_on_the_report_start_cover_the_report_period(importer, ws, tmp_path):
    path = _write(
        tmp_path,
        "all.csv",
        "Report Start: 09/01/2026, Report End: 09/30/2026",
        ['9/1/2026,Acme BV,Najaar 2026,Leadgen NL,512345678,EUR,"4,100.00","310,000",1400'],
    )
    report = importer.import_file(path)
    assert report.status == "imported", report.error
    assert any("whole report period" in n for n in report.notes)
    with ws.session() as s:
        ((_, _, day),) = _ad_days(s, ws)
        assert (day.date_start, day.date_end) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
        assert day.spend == 4100


def test_monthly_rows_cover_their_months_cut_at_the_report_end(importer, ws, tmp_path):
    path = _write(
        tmp_path,
        "monthly.csv",
        "Report Start: 09/01/2026, Report End: 10/15/2026",
        [
            "9/1/2026,Acme BV,Najaar 2026,Leadgen NL,512345678,EUR,100.00,1000,10",
            "10/1/2026,Acme BV,Najaar 2026,Leadgen NL,512345678,EUR,50.00,500,5",
        ],
    )
    report = importer.import_file(path)
    assert report.status == "imported", report.error
    with ws.session() as s:
        periods = [(d.date_start, d.date_end) for _, _, d in _ad_days(s, ws)]
        assert periods == [
            (dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
            (dt.date(2026, 10, 1), dt.date(2026, 10, 15)),
        ]


def test_creative_level_export_adds_ads(importer, ws, tmp_path):
    path = tmp_path / "creatives.csv"
    path.write_text(
        "Campaign Performance Report (in UTC)\n"
        "Start Date (in UTC),Account Name,Campaign Group Name,Campaign Name,Campaign ID,"
        "Creative Name,Creative ID,Currency,Total Spent,Impressions,Clicks\n"
        "9/1/2026,Acme BV,Najaar 2026,Leadgen NL,512345678,Beeld A,9001,EUR,10.00,100,1\n"
        "9/1/2026,Acme BV,Najaar 2026,Leadgen NL,512345678,Beeld B,9002,EUR,20.00,200,2\n",
        encoding="utf-8",
    )
    report = importer.import_file(path)
    assert report.status == "imported", report.error
    assert report.counts["ad"]["added"] == 2
    with ws.session() as s:
        grains = sorted((d.grain, d.spend) for _, _, d in _ad_days(s, ws))
        assert grains == [("ad_set:512345678|ad:9001", 10), ("ad_set:512345678|ad:9002", 20)]


def test_row_without_campaign_group_is_refused(importer, ws, tmp_path):
    path = _write(
        tmp_path,
        "orphan.csv",
        "Report Start: 09/01/2026, Report End: 09/01/2026",
        ["9/1/2026,Acme BV,,Leadgen NL,512345678,EUR,10.00,100,1"],
    )
    report = importer.import_file(path)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (5, "Campaign Group Name")


def test_bad_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / DAILY.name
    bad.write_bytes(DAILY.read_bytes().replace(b',"5,432",', b",54x2,"))
    report = importer.import_file(bad)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (6, "Impressions")
    assert "'54x2'" in report.error
    with ws.session() as s:
        for model in (Account, ImportBatch):
            q = select(func.count()).select_from(model).where(model.workspace_id == ws.workspace_id)
            assert s.scalar(q) == 0


def test_detection_picks_this_format():
    match = detect(DAILY, builtin_formats())
    assert match.format.name == "linkedin_campaign_manager_csv"
    assert match.table.header_index == 3


def test_does_not_claim_other_formats_samples():
    for path in sorted(FORMATS.rglob("*")):
        if not path.is_file() or path.parent.name == "linkedin" or path.suffix == ".txt":
            continue
        try:
            probe = probe_file(path)
        except FileUnreadable:
            continue
        with pytest.raises(FormatNotRecognised):
            detect_probe(probe, [FORMAT])
