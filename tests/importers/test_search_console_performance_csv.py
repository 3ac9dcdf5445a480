"""Search Console Performance exports: the zip end to end, its members, and Filters.csv."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.model import Account, SearchPerformance
from tests.conftest import fixture_path

FORMAT = "search_console_performance_csv"
FILTERS = "search_console_filters_csv"

# zip member name -> fixture (the 2024 export had Dates.csv, the 2025 one Chart.csv)
EXPORT_2024 = {
    "Queries.csv": "gsc_2024_Queries.csv",
    "Pages.csv": "gsc_2024_Pages.csv",
    "Countries.csv": "gsc_2024_Countries.csv",
    "Devices.csv": "gsc_2024_Devices.csv",
    "Search appearance.csv": "gsc_2024_Search_appearance.csv",
    "Dates.csv": "gsc_2024_Dates.csv",
}
EXPORT_2025 = {
    "Queries.csv": "gsc_2024_Queries.csv",
    "Chart.csv": "gsc_2025_Chart.csv",
    "Filters.csv": "gsc_2025_Filters.csv",
}


def _zip(
    tmp_path: Path,
    members: dict[str, str],
    name: str = "export.zip",
    replace: dict[str, tuple[bytes, bytes]] | None = None,
) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for member, fixture in members.items():
            data = fixture_path("google", fixture).read_bytes()
            if replace and member in replace:
                data = data.replace(*replace[member])
            zf.writestr(member, data)
    return path


def _rows(ws) -> list[tuple[str, SearchPerformance]]:
    with ws.session() as s:
        return list(
            s.execute(
                select(Account.handle, SearchPerformance)
                .join(Account, Account.id == SearchPerformance.account_id)
                .where(Account.workspace_id == ws.workspace_id)
            ).all()
        )


def _by_value(ws) -> dict[tuple[str, str], SearchPerformance]:
    return {(r.dimension, r.value): r for _, r in _rows(ws)}


def test_zip_end_to_end_period_from_dates_file(importer, ws, tmp_path):
    reports = importer.import_paths([_zip(tmp_path, EXPORT_2024)])
    assert [r.status for r in reports] == ["imported"] * 6, [r.error for r in reports]
    assert {r.format for r in reports} == {FORMAT}
    by_file = {r.file.split(":")[1]: r for r in reports}
    assert by_file["Queries.csv"].rows_read == 4
    assert by_file["Devices.csv"].rows_read == 3
    rows = _by_value(ws)
    assert len(rows) == 4 + 3 + 3 + 3 + 4 + 3
    q = rows[("query", "5.11")]
    # no Filters.csv: the period is the first and last day of Dates.csv
    assert (q.date_start, q.date_end) == (dt.date(2024, 5, 5), dt.date(2024, 5, 7))
    assert (q.clicks, q.impressions, q.position) == (9127, 33849, 1.42)
    assert q.ctr == pytest.approx(0.2696)  # "26.96%" as a fraction
    comma = rows[("query", "5,11")]  # a query text, not the number 5.11
    assert (comma.clicks, comma.impressions, comma.ctr) == (32, 809, pytest.approx(0.0396))
    assert rows[("page", "https://www.511tactical.com/")].clicks == 22741
    assert rows[("country", "Canada")].ctr == pytest.approx(0.1001)
    assert rows[("device", "Tablet")].position == 11.4
    assert rows[("search_appearance", "Review Snippet")].impressions == 5464
    day = rows[("date", "2024-05-06")]
    assert day.date_start == day.date_end == dt.date(2024, 5, 6)
    assert day.clicks == 10906
    assert {h for h, _ in _rows(ws)} == {"Search Console property"}


def test_zip_with_filters_and_chart(importer, ws, tmp_path):
    reports = importer.import_paths([_zip(tmp_path, EXPORT_2025)], account="example.com")
    by_file = {r.file.split(":")[1]: r for r in reports}
    assert all(r.status == "imported" for r in reports), [r.error for r in reports]
    filters = by_file["Filters.csv"]
    assert (filters.format, filters.rows_read) == (FILTERS, 0)  # recognised, nothing written
    assert any("Date: 1 Jan 2025-31 Dec 2025" in n for n in filters.notes)
    rows = {(r.dimension, r.value): (h, r) for h, r in _rows(ws)}
    handle, q = rows[("query", "5.11")]
    # "Date,1 Jan 2025-31 Dec 2025" in Filters.csv is the period of the other members
    assert (q.date_start, q.date_end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    # the "Page,+/blog/" filter narrows the figures: kept apart from the whole property
    assert handle == "example.com [Page: +/blog/]"
    assert any("filtered" in n for n in by_file["Queries.csv"].notes)
    _, jan1 = rows[("date", "2025-01-01")]
    assert (jan1.clicks, jan1.impressions, jan1.position) == (161, 13456, 32)
    assert jan1.ctr == pytest.approx(0.012)  # "1.2%": a trailing zero dropped
    assert rows[("date", "2025-01-02")][1].position == 32.6


def test_relative_date_filter_uses_the_daily_file(importer, ws, tmp_path):
    members = {**EXPORT_2024, "Filters.csv": "gsc_2025_Filters.csv"}
    relative = {"Filters.csv": (b"1 Jan 2025-31 Dec 2025", b"Last 3 months")}
    reports = importer.import_paths([_zip(tmp_path, members, replace=relative)])
    assert all(r.status == "imported" for r in reports), [r.error for r in reports]
    q = _by_value(ws)[("query", "5.11")]
    assert (q.date_start, q.date_end) == (dt.date(2024, 5, 5), dt.date(2024, 5, 7))
    queries = next(r for r in reports if r.file.endswith("Queries.csv"))
    assert any("relative" in n for n in queries.notes)


def test_single_file_period_from_options_or_assumed(importer, ws, tmp_path):
    path = fixture_path("google", "gsc_2024_Queries.csv")
    report = importer.import_file(
        path, options={"date_start": "2024-02-08", "date_end": "2024-05-07"}
    )
    assert report.status == "imported", report.error
    q = _by_value(ws)[("query", "5.11")]
    assert (q.date_start, q.date_end) == (dt.date(2024, 2, 8), dt.date(2024, 5, 7))
    other = tmp_path / "Queries.csv"
    other.write_bytes(path.read_bytes() + b"\n")  # other bytes, so not "unchanged"
    assumed = importer.import_file(other, as_of=dt.date(2024, 5, 9))
    assert assumed.status == "imported", assumed.error
    assert any("period is unknown" in n for n in assumed.notes)
    periods = {(r.date_start, r.date_end) for _, r in _rows(ws)}
    assert (dt.date(2024, 2, 10), dt.date(2024, 5, 9)) in periods  # 3 months up to as_of


def test_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    first = importer.import_paths([_zip(tmp_path, EXPORT_2024)])
    again = importer.import_paths([_zip(tmp_path, EXPORT_2024, name="again.zip")])
    assert {r.status for r in first} == {"imported"}
    assert {r.status for r in again} == {"unchanged"}
    newer = _zip(
        tmp_path,
        EXPORT_2024,
        name="newer.zip",
        replace={"Queries.csv": (b"5.11,9127,", b"5.11,9200,")},
    )
    third = {r.file.split(":")[1]: r for r in importer.import_paths([newer])}
    assert third["Queries.csv"].status == "imported"
    assert (third["Queries.csv"].rows_added, third["Queries.csv"].rows_updated) == (0, 4)
    assert third["Pages.csv"].status == "unchanged"
    with ws.session() as s:
        q = select(func.count(SearchPerformance.id)).join(Account)
        assert s.scalar(q.where(Account.workspace_id == ws.workspace_id)) == 20
    assert _by_value(ws)[("query", "5.11")].clicks == 9200


def test_wrong_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / "Queries.csv"
    src = fixture_path("google", "gsc_2024_Queries.csv").read_bytes()
    bad.write_bytes(src.replace(b",17789,24.77%", b",17789,2x.77%"))
    period = {"date_start": "2024-01-01", "date_end": "2024-03-31"}
    report = importer.import_file(bad, options=period)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (4, "CTR")
    assert _rows(ws) == []


def test_filters_file_alone_is_recognised_and_writes_nothing(importer, ws):
    report = importer.import_file(fixture_path("google", "gsc_2025_Filters.csv"))
    assert (report.status, report.format) == ("imported", FILTERS)
    assert any("Search type: Web" in n and "Page: +/blog/" in n for n in report.notes)
    assert _rows(ws) == []


def test_detection_picks_this_format_for_every_member():
    formats = builtin_formats()
    for name in (*EXPORT_2024.values(), "gsc_2025_Chart.csv"):
        assert detect(fixture_path("google", name), formats).format.name == FORMAT, name
    assert detect(fixture_path("google", "gsc_2025_Filters.csv"), formats).format.name == FILTERS
