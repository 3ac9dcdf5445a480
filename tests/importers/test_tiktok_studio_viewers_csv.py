from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.model import Account, AccountDay
from tests.conftest import fixture_path

SAMPLE = fixture_path("tiktok", "tiktok_studio_Viewers.csv")
DUTCH = fixture_path("tiktok", "tiktok_studio_Viewers_nl_rollover.csv")
OVERVIEW_NL = fixture_path("tiktok", "tiktok_studio_Overview_nl_rollover.csv")


def _days(ws) -> dict[dt.date, AccountDay]:
    with ws.session() as s:
        rows = s.scalars(
            select(AccountDay)
            .join(Account, AccountDay.account_id == Account.id)
            .where(Account.workspace_id == ws.workspace_id)
        )
        return {r.date: r for r in rows}


def test_sample_viewers_go_to_extra_and_undefined_day_is_skipped(importer, ws):
    report = importer.import_file(SAMPLE, as_of=dt.date(2026, 5, 18))
    assert report.status == "imported", report.error
    assert report.format == "tiktok_studio_viewers_csv"
    assert (report.rows_read, report.rows_skipped) == (2, 1)
    days = _days(ws)
    assert days[dt.date(2026, 5, 14)].extra == {
        "total_viewers": 1781,
        "new_viewers": 1400,
        "returning_viewers": 381,
    }
    # Total Viewers is known on May 16, so its 0 new viewers are a real zero.
    assert days[dt.date(2026, 5, 16)].extra == {
        "total_viewers": 1,
        "new_viewers": 0,
        "returning_viewers": 1,
    }
    assert dt.date(2026, 5, 15) not in days  # "undefined","0","0": nothing real to store
    assert days[dt.date(2026, 5, 14)].views is None  # no canonical column is invented
    assert any("placeholders" in n for n in report.notes)


def test_viewers_and_overview_complete_the_same_days(importer, ws):
    assert importer.import_file(OVERVIEW_NL, as_of=dt.date(2026, 1, 4)).status == "imported"
    report = importer.import_file(DUTCH, as_of=dt.date(2026, 1, 4))
    assert report.status == "imported", report.error
    assert (report.rows_added, report.rows_updated, report.rows_skipped) == (0, 2, 1)
    days = _days(ws)
    assert days[dt.date(2025, 12, 31)].video_views == 98
    assert days[dt.date(2025, 12, 31)].extra == {
        "total_viewers": 812,
        "new_viewers": 640,
        "returning_viewers": 172,
    }
    assert days[dt.date(2026, 1, 1)].extra == {
        "total_viewers": 790,
        "new_viewers": 0,
        "returning_viewers": 0,
    }


def test_reimport_unchanged_and_newer_export_updates(importer, ws, tmp_path):
    assert importer.import_file(DUTCH, as_of=dt.date(2026, 1, 4)).status == "imported"
    assert importer.import_file(DUTCH, as_of=dt.date(2026, 1, 4)).status == "unchanged"
    newer = tmp_path / "Viewers.csv"
    newer.write_bytes(
        DUTCH.read_bytes().replace(b'"2 jan","undefined","0","0"', b'"2 jan","55","40","15"')
    )
    report = importer.import_file(newer, as_of=dt.date(2026, 1, 5))
    assert (report.rows_added, report.rows_updated, report.rows_skipped) == (1, 2, 0)
    assert _days(ws)[dt.date(2026, 1, 2)].extra["new_viewers"] == 40


def test_bad_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / "Viewers.csv"
    bad.write_bytes(DUTCH.read_bytes().replace(b'"812","640"', b'"812","6 40 x"'))
    report = importer.import_file(bad, as_of=dt.date(2026, 1, 4))
    assert (report.status, report.error_row, report.error_column) == ("failed", 2, "New Viewers")
    with ws.session() as s:
        n = s.scalar(
            select(func.count(AccountDay.id))
            .join(Account, AccountDay.account_id == Account.id)
            .where(Account.workspace_id == ws.workspace_id)
        )
        assert n == 0


def test_detection_picks_viewers():
    for path in (SAMPLE, DUTCH):
        assert detect(path, builtin_formats()).format.name == "tiktok_studio_viewers_csv"
