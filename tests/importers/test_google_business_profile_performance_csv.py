from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from socialdesk.errors import FileUnreadable, FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect, detect_probe
from socialdesk.importers.google_business_profile_performance_csv import (
    FORMAT,
    period_from_name,
)
from socialdesk.importers.tabular import probe_file
from socialdesk.model import Account, ImportBatch, WebDay
from tests.conftest import FORMATS, fixture_path

# the X Ads fixture has no default cell style; openpyxl says so each time it is opened
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")

NAME = (
    "GMB insights (Performance Report) - 2025-10-1 - 2025-10-31 - "
    "2bfad2d361cb8b6fd65c19994a4f6f00.csv"
)
REAL = fixture_path("google", NAME)
NOTTINGHAM = "Formpipe Software, Unit 1, Isaac Newton Centre, Science Park, Nottingham NG7 2RH"
CAMBRIDGE = "Formpipe Software, Harston Mill, Royston Road, Cambridge CB22 7GG"


def _lines() -> list[str]:
    return REAL.read_text(encoding="utf-8").splitlines()


def _write(tmp_path: Path, lines: list[str], name: str = NAME) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rows(s, ws) -> dict[str, tuple[Account, WebDay]]:
    q = (
        select(Account, WebDay)
        .join(WebDay, WebDay.account_id == Account.id)
        .where(Account.workspace_id == ws.workspace_id)
    )
    return {acc.handle: (acc, day) for acc, day in s.execute(q)}


def _count(s, ws, model) -> int:
    q = select(func.count()).select_from(model).where(model.workspace_id == ws.workspace_id)
    return s.scalar(q)


def test_real_report_one_account_per_location_with_the_period(importer, ws):
    report = importer.import_file(REAL)
    assert report.status == "imported", report.error
    assert report.format == "google_business_profile_performance_csv"
    assert (report.rows_read, report.rows_added) == (2, 2)  # the description row is skipped
    assert any("no store code" in n for n in report.notes)
    with ws.session() as s:
        rows = _rows(s, ws)
        assert set(rows) == {NOTTINGHAM, CAMBRIDGE}
        acc, day = rows[NOTTINGHAM]
        assert (acc.platform, acc.name, acc.external_id) == (
            "google_business_profile",
            NOTTINGHAM,
            None,
        )
        assert (day.report, day.dimension_key) == ("business_profile_performance", "")
        assert (day.date_start, day.date_end) == (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
        assert day.extra == {
            "views_search_mobile": 38,
            "views_search_desktop": 37,
            "views_maps_mobile": 20,
            "views_maps_desktop": 16,
            "calls": 0,
            "messages": 0,
            "bookings": 0,
            "directions": 45,
            "website_clicks": 4,
            "food_orders": 0,
            "food_menu_clicks": 0,
            "hotel_bookings": 0,
        }
        # nothing invented: no GA4 figure is filled, no sum of the view columns is made
        assert (day.sessions, day.users, day.views, day.event_count) == (None, None, None, None)
        assert rows[CAMBRIDGE][1].extra["directions"] == 80


def test_store_codes_key_the_locations(importer, ws, tmp_path):
    lines = _lines()
    lines[2] = "NOT-01" + lines[2]
    lines[3] = "CAM-02" + lines[3]
    lines.append('BRS-03,Formpipe Software,"1 Temple Quay, Bristol",shop,,,,,,,,7,,,,')
    report = importer.import_file(_write(tmp_path, lines))
    assert report.status == "imported", report.error
    assert not any("no store code" in n for n in report.notes)
    with ws.session() as s:
        rows = _rows(s, ws)
        assert set(rows) == {"NOT-01", "CAM-02", "BRS-03"}
        acc, day = rows["BRS-03"]
        bristol = "Formpipe Software, 1 Temple Quay, Bristol"
        assert (acc.external_id, acc.name) == ("BRS-03", bristol)
        assert day.extra == {"directions": 7, "labels": "shop"}  # empty cells stay NULL


def test_a_renamed_file_without_its_period_is_refused(importer, ws, tmp_path):
    renamed = _write(tmp_path, _lines(), "business_profile.csv")
    report = importer.import_file(renamed)
    assert report.status == "failed"
    assert "period" in report.error and "GMB insights (Performance Report)" in report.error
    with ws.session() as s:
        assert _count(s, ws, ImportBatch) == 0
        assert _count(s, ws, Account) == 0


def test_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    assert importer.import_file(REAL).status == "imported"
    assert importer.import_file(REAL).status == "unchanged"
    lines = _lines()
    lines[2] = lines[2].replace(",45,4,", ",46,5,")
    report = importer.import_file(_write(tmp_path, lines))
    assert report.status == "imported", report.error
    assert (report.rows_added, report.rows_updated) == (0, 2)
    with ws.session() as s:
        rows = _rows(s, ws)
        assert len(rows) == 2
        assert rows[NOTTINGHAM][1].extra["directions"] == 46
        assert rows[NOTTINGHAM][1].extra["website_clicks"] == 5


def test_bad_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    lines = _lines()
    lines[3] = lines[3].replace(",80,4,", ",veel,4,")
    report = importer.import_file(_write(tmp_path, lines))
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (4, "Directions")
    with ws.session() as s:
        assert _count(s, ws, Account) == 0 and _count(s, ws, ImportBatch) == 0


def test_the_same_location_twice_is_refused(importer, ws, tmp_path):
    lines = [*_lines(), _lines()[2]]
    report = importer.import_file(_write(tmp_path, lines))
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (5, "Address")
    assert "row 3" in report.error


def test_period_from_the_download_name():
    assert period_from_name(NAME) == (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    assert period_from_name("export.zip:GMB insights - 2024-12-01 - 2025-02-28.csv") == (
        dt.date(2024, 12, 1),
        dt.date(2025, 2, 28),
    )
    assert period_from_name("GMB insights - 2025-10-31 - 2025-10-1.csv") is None
    assert period_from_name("google_business_profile_insights.csv") is None


def test_detection_picks_this_format_and_claims_no_other_sample():
    match = detect(REAL, builtin_formats())
    assert match.format.name == "google_business_profile_performance_csv"
    assert match.table.header_index == 0
    for path in sorted(FORMATS.rglob("*")):
        if not path.is_file() or path.suffix in (".txt", ".toml") or path == REAL:
            continue
        try:
            probe = probe_file(path)
        except FileUnreadable:
            continue
        with pytest.raises(FormatNotRecognised):
            detect_probe(probe, [FORMAT])
