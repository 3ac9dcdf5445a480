"""LinkedIn Company Page visitors export (.xls): page views and visitors per day, demographics.

The fixture is built from FORMATS.md 3b's description by tests/fixtures/linkedin_account_xls.py
(no real file exists; see tests/fixtures/formats/linkedin/SOURCES.txt); the variants here are
built by the same code in tmp_path.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from socialdesk.errors import FileUnreadable, FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect, detect_probe
from socialdesk.importers.linkedin_visitors_xls import FORMAT
from socialdesk.importers.tabular import probe_file
from socialdesk.model import Account, AccountDay, AudienceShare, ImportBatch
from tests.conftest import FORMATS, fixture_path
from tests.fixtures.linkedin_account_xls import (
    FOLLOWERS_NAME,
    VISITOR_DEMOGRAPHICS,
    VISITORS_NAME,
    visitor_day,
    visitors_header,
    visitors_xls,
)

REAL_SHAPE = fixture_path("linkedin", VISITORS_NAME)
FOLLOWERS = fixture_path("linkedin", FOLLOWERS_NAME)
DAY = dt.date(2025, 7, 17)
SHEET = "Visitor metrics"

# The other spelling third-party parsers use: measure first, "Mobile Devices", title case.
OTHER_SPELLING = {
    h: (
        h
        if h == "Date"
        else h.replace("Overview page views", "Page Views Overview")
        .replace("Overview unique visitors", "Unique Visitors Overview")
        .replace("Life page views", "Page Views Life")
        .replace("Life unique visitors", "Unique Visitors Life")
        .replace("Jobs page views", "Page Views Jobs")
        .replace("Jobs unique visitors", "Unique Visitors Jobs")
        .replace("Total page views", "Total Page Views")
        .replace("Total unique visitors", "Total Unique Visitors")
        .replace("(mobile)", "(Mobile Devices)")
        .replace("(desktop)", "(Desktop)")
        .replace("(total)", "(Total)")
    )
    for h in visitors_header()
}


def _days(s, ws) -> dict[dt.date, AccountDay]:
    q = select(AccountDay).join(Account).where(Account.workspace_id == ws.workspace_id)
    return {d.date: d for d in s.scalars(q)}


def _audience(s, ws) -> dict[tuple[str, str], AudienceShare]:
    q = select(AudienceShare).join(Account).where(Account.workspace_id == ws.workspace_id)
    return {(a.dimension, a.bucket): a for a in s.scalars(q)}


def _assert_day(day: AccountDay) -> None:
    counts = visitor_day(DAY)
    assert day.profile_views == counts["Total page views (total)"]
    assert day.extra["unique_visitors"] == counts["Total unique visitors (total)"]
    assert day.extra["page_views_mobile"] == counts["Total page views (mobile)"]
    assert day.extra["unique_visitors_desktop"] == counts["Total unique visitors (desktop)"]
    assert day.extra["overview_page_views_desktop"] == counts["Overview page views (desktop)"]
    assert day.extra["life_unique_visitors"] == counts["Life unique visitors (total)"]
    assert day.extra["jobs_page_views_mobile"] == counts["Jobs page views (mobile)"]
    assert len(day.extra) == 23  # every count but the one in profile_views
    assert day.followers is None and day.followers_gained is None and day.views is None


def test_page_views_land_as_profile_views_visitors_in_extra_and_demographics(importer, ws):
    report = importer.import_file(REAL_SHAPE)
    assert report.status == "imported", report.error
    assert report.format == "linkedin_visitors_xls"
    buckets = sum(len(b) for b in VISITOR_DEMOGRAPHICS.values())
    assert report.rows_read == 31 + buckets
    assert report.counts["account_day"] == {"added": 31, "updated": 0}
    assert report.counts["audience_share"] == {"added": buckets, "updated": 0}
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle) == ("linkedin", "groendak")
        days = _days(s, ws)
        assert sorted(days) == [dt.date(2025, 7, d) for d in range(1, 32)]
        _assert_day(days[DAY])
        aud = _audience(s, ws)
        assert len(aud) == buckets
        ams = aud[("visitor_location", "Amsterdam Area, Netherlands")]
        # views over the period: as of its last day, not the export day
        assert (ams.count, ams.share, ams.as_of) == (221, None, dt.date(2025, 7, 31))
        assert aud[("visitor_job_function", "Human Resources")].count == 44
        assert aud[("visitor_company_size", "51-200 employees")].count == 58
        assert {d for d, _ in aud} == {
            "visitor_location",
            "visitor_job_function",
            "visitor_seniority",
            "visitor_industry",
            "visitor_company_size",
        }


def test_the_other_spelling_of_the_columns_gives_the_same_figures(importer, ws, tmp_path):
    path = visitors_xls(tmp_path / VISITORS_NAME, headers=OTHER_SPELLING)
    match = detect(path, builtin_formats())
    assert match.format.name == "linkedin_visitors_xls"
    assert len(match.table.fields) == 25
    report = importer.import_file(path)
    assert report.status == "imported", report.error
    assert not any("not in the file" in n for n in report.notes)
    with ws.session() as s:
        _assert_day(_days(s, ws)[DAY])


def test_followers_and_visitors_of_one_page_complete_each_other(importer, ws):
    assert importer.import_file(FOLLOWERS).status == "imported"
    report = importer.import_file(REAL_SHAPE)
    assert report.status == "imported", report.error
    assert report.counts["account_day"] == {"added": 0, "updated": 31}
    with ws.session() as s:
        day = _days(s, ws)[DAY]
        assert day.followers_gained is not None and day.profile_views is not None
        assert "followers_gained_organic" in day.extra and "unique_visitors" in day.extra
        dims = {d for d, _ in _audience(s, ws)}
        assert "location" in dims and "visitor_location" in dims  # kept apart


def test_reimport_changes_nothing(importer, ws):
    assert importer.import_file(REAL_SHAPE).status == "imported"
    again = importer.import_file(REAL_SHAPE)
    assert again.status == "unchanged"
    with ws.session() as s:
        assert len(_days(s, ws)) == 31


@pytest.mark.parametrize(
    ("edit", "row", "column", "sheet"),
    [
        ((SHEET, 12, "Total page views (total)"), 12, "Total page views (total)", SHEET),
        ((SHEET, 20, "Life unique visitors (mobile)"), 20, "Life unique visitors (mobile)", SHEET),
        ((SHEET, 7, "Date"), 7, "Date", SHEET),
        (("Industry", 4, "Total views"), 4, "Total views", "Industry"),
    ],
)
def test_bad_cell_names_sheet_row_and_column_and_changes_nothing(
    importer, ws, tmp_path, edit, row, column, sheet
):
    path = visitors_xls(tmp_path / VISITORS_NAME, edits={edit: "veel"})
    report = importer.import_file(path)
    assert report.status == "failed"
    assert report.file.endswith(VISITORS_NAME)
    assert (report.error_row, report.error_column) == (row, column)
    assert "'veel'" in report.error and f"sheet {sheet!r}" in report.error
    with ws.session() as s:
        for model in (Account, ImportBatch):
            q = select(func.count()).select_from(model).where(model.workspace_id == ws.workspace_id)
            assert s.scalar(q) == 0
        assert not _days(s, ws) and not _audience(s, ws)


def test_detection_picks_this_format_and_claims_no_other_sample():
    match = detect(REAL_SHAPE, builtin_formats())
    assert match.format.name == "linkedin_visitors_xls"
    assert match.table.sheet == SHEET and match.table.header_index == 1
    for path in sorted(FORMATS.rglob("*")):
        if not path.is_file() or path.suffix in (".txt", ".toml") or path == REAL_SHAPE:
            continue
        try:
            probe = probe_file(path)
        except FileUnreadable:
            continue
        with pytest.raises(FormatNotRecognised):
            detect_probe(probe, [FORMAT])
