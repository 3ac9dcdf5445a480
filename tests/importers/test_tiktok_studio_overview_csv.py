from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers._tiktok_studio import latest_on_or_before, parse_day
from socialdesk.importers.detect import detect
from socialdesk.model import Account, AccountDay
from tests.conftest import fixture_path

SAMPLE = fixture_path("tiktok", "tiktok_studio_Overview.csv")
DUTCH = fixture_path("tiktok", "tiktok_studio_Overview_nl_rollover.csv")


def _days(ws) -> dict[dt.date, AccountDay]:
    with ws.session() as s:
        rows = s.scalars(
            select(AccountDay)
            .join(Account, AccountDay.account_id == Account.id)
            .where(Account.workspace_id == ws.workspace_id)
        ).all()
        return {r.date: r for r in rows}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("May 16", (None, 5, 16)),
        ("16 mei", (None, 5, 16)),
        ("3 mrt", (None, 3, 3)),
        ("1 okt.", (None, 10, 1)),
        ("28 december", (None, 12, 28)),
        ("18 tháng Tám", (None, 8, 18)),
        ("18 tháng 8", (None, 8, 18)),
        ("8 Juli", (None, 7, 8)),
        ("16 Μαΐου", (None, 5, 16)),
        ("16 de mayo", (None, 5, 16)),
        ("16. März", (None, 3, 16)),
        ("May 16, 2025", (2025, 5, 16)),
        ("2025-05-16", (2025, 5, 16)),
        ("Smarch 3", None),
        ("May", None),
    ],
)
def test_localised_day_and_month(cell, expected):
    assert parse_day(cell) == expected


def test_year_inference_rolls_back_over_new_year_and_leap_day():
    assert latest_on_or_before(12, 30, dt.date(2026, 1, 4)) == dt.date(2025, 12, 30)
    assert latest_on_or_before(1, 2, dt.date(2026, 1, 4)) == dt.date(2026, 1, 2)
    assert latest_on_or_before(2, 29, dt.date(2026, 3, 1)) == dt.date(2024, 2, 29)


def test_sample_imports_daily_figures_with_inferred_years(importer, ws):
    report = importer.import_file(SAMPLE, as_of=dt.date(2026, 5, 18))
    assert report.status == "imported", report.error
    assert report.format == "tiktok_studio_overview_csv"
    assert (report.rows_read, report.rows_added, report.rows_updated) == (3, 3, 0)
    assert any("TikTok account" in n for n in report.notes)
    assert any("has no year" in n for n in report.notes)
    days = _days(ws)
    assert set(days) == {dt.date(2026, 5, 15), dt.date(2025, 7, 14), dt.date(2026, 4, 3)}
    april = days[dt.date(2026, 4, 3)]
    assert (april.video_views, april.profile_views, april.likes, april.comments, april.shares) == (
        1347,
        27,
        139,
        7,
        26,
    )
    assert days[dt.date(2025, 7, 14)].comments == -1  # a deleted comment: kept as written
    assert days[dt.date(2026, 5, 15)].profile_views == 0  # a real zero, not NULL
    assert april.views is None and april.followers is None  # not in this file: never a zero
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle) == ("tiktok", "TikTok account")


def test_dutch_months_bom_crlf_rollover_and_undefined_day(importer, ws):
    report = importer.import_file(DUTCH, as_of=dt.date(2026, 1, 4), account="@bakkerijdezon")
    assert report.status == "imported", report.error
    assert (report.rows_read, report.rows_skipped) == (3, 1)
    days = _days(ws)
    assert sorted(days) == [dt.date(2025, 12, 30), dt.date(2025, 12, 31), dt.date(2026, 1, 1)]
    assert days[dt.date(2025, 12, 31)].comments == -1
    assert days[dt.date(2026, 1, 1)].profile_views == 0
    assert any("undefined" in n for n in report.notes)
    with ws.session() as s:
        handle = s.scalar(select(Account.handle).where(Account.workspace_id == ws.workspace_id))
        assert handle == "@bakkerijdezon"


def test_reimport_is_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    first = importer.import_file(DUTCH, as_of=dt.date(2026, 1, 4))
    again = importer.import_file(DUTCH, as_of=dt.date(2026, 1, 4))
    assert first.status == "imported" and again.status == "unchanged"
    newer = tmp_path / "Overview.csv"
    newer.write_bytes(
        DUTCH.read_bytes()
        .replace(b'"30 dec","120"', b'"30 dec","125"')
        .replace(
            b'"2 jan","undefined","undefined","undefined","undefined","undefined"',
            b'"2 jan","64","1","5","0","0"',
        )
    )
    third = importer.import_file(newer, as_of=dt.date(2026, 1, 5))
    assert third.status == "imported", third.error
    assert (third.rows_added, third.rows_updated) == (1, 3)
    days = _days(ws)
    assert len(days) == 4
    assert days[dt.date(2025, 12, 30)].video_views == 125
    assert days[dt.date(2026, 1, 2)].video_views == 64


@pytest.mark.parametrize(
    ("old", "new", "column", "row"),
    [
        (b'"31 dec","98"', b'"31 foo","98"', "Date", 3),
        (b'"1 jan","87","0","7"', b'"1 jan","87","0","seven"', "Likes", 4),
    ],
)
def test_bad_cell_names_row_and_column_and_changes_nothing(
    importer, ws, tmp_path, old, new, column, row
):
    bad = tmp_path / "Overview.csv"
    bad.write_bytes(DUTCH.read_bytes().replace(old, new))
    report = importer.import_file(bad, as_of=dt.date(2026, 1, 4))
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (row, column)
    with ws.session() as s:
        assert (
            s.scalar(
                select(func.count(AccountDay.id))
                .join(Account, AccountDay.account_id == Account.id)
                .where(Account.workspace_id == ws.workspace_id)
            )
            == 0
        )


def test_detection_picks_overview_for_both_files():
    for path in (SAMPLE, DUTCH):
        assert detect(path, builtin_formats()).format.name == "tiktok_studio_overview_csv"
