"""LinkedIn Company Page followers export (.xls): new followers per day and demographics.

The fixture is built from FORMATS.md 3b's description by tests/fixtures/linkedin_account_xls.py
(no real file exists; see tests/fixtures/formats/linkedin/SOURCES.txt); the variants here are
built by the same code in tmp_path.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import func, select

from socialdesk.errors import FileUnreadable, FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect, detect_probe
from socialdesk.importers.linkedin_followers_xls import FORMAT
from socialdesk.importers.tabular import probe_file
from socialdesk.model import Account, AccountDay, AudienceShare, ImportBatch
from tests.conftest import FORMATS, fixture_path
from tests.fixtures.linkedin_account_xls import (
    EMPTY_AUTO_INVITED,
    FOLLOWER_DEMOGRAPHICS,
    FOLLOWERS_NAME,
    follower_day,
    followers_xls,
)

REAL_SHAPE = fixture_path("linkedin", FOLLOWERS_NAME)
CONTENT = fixture_path("linkedin", "linkedin_page_content_export.xls")
EXPORT_DAY = dt.date(2025, 8, 1)  # the epoch ms in the file name
AUTO = "Auto-invited\nfollowers"  # the header cell as written, with its line break


def _days(s, ws) -> dict[dt.date, AccountDay]:
    q = select(AccountDay).join(Account).where(Account.workspace_id == ws.workspace_id)
    return {d.date: d for d in s.scalars(q)}


def _audience(s, ws) -> dict[tuple[str, str], AudienceShare]:
    q = select(AudienceShare).join(Account).where(Account.workspace_id == ws.workspace_id)
    return {(a.dimension, a.bucket): a for a in s.scalars(q)}


def _nothing_stored(ws) -> None:
    with ws.session() as s:
        for model in (Account, ImportBatch):
            q = select(func.count()).select_from(model).where(model.workspace_id == ws.workspace_id)
            assert s.scalar(q) == 0
        assert not _days(s, ws) and not _audience(s, ws)


def test_new_followers_land_as_followers_gained_and_demographics_as_audience(importer, ws):
    report = importer.import_file(REAL_SHAPE)
    assert report.status == "imported", report.error
    assert report.format == "linkedin_followers_xls"
    buckets = sum(len(b) for b in FOLLOWER_DEMOGRAPHICS.values())
    assert report.rows_read == 31 + buckets
    assert report.counts["account_day"] == {"added": 31, "updated": 0}
    assert report.counts["audience_share"] == {"added": buckets, "updated": 0}
    assert any("not the number of followers" in n for n in report.notes)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle) == ("linkedin", "groendak")  # from the file name
        days = _days(s, ws)
        assert sorted(days) == [dt.date(2025, 7, d) for d in range(1, 32)]
        day = days[dt.date(2025, 7, 12)]
        sponsored, organic, auto, total = follower_day(dt.date(2025, 7, 12))
        assert sponsored > 0  # a day with sponsored followers
        # "Total followers" of this sheet is the day's new followers, never the count
        assert day.followers_gained == total == sponsored + organic + auto
        assert day.followers is None and day.followers_lost is None
        assert day.extra == {
            "followers_gained_sponsored": sponsored,
            "followers_gained_organic": organic,
            "followers_gained_auto_invited": auto,
        }
        empty = days[EMPTY_AUTO_INVITED]
        assert "followers_gained_auto_invited" not in empty.extra  # empty cell: NULL, not 0
        assert empty.followers_gained == follower_day(EMPTY_AUTO_INVITED)[3]
        aud = _audience(s, ws)
        assert len(aud) == buckets
        ams = aud[("location", "Amsterdam Area, Netherlands")]
        assert (ams.count, ams.share, ams.as_of) == (412, None, EXPORT_DAY)
        assert aud[("job_function", "Business Development")].count == 142
        assert aud[("seniority", "CXO")].count == 22
        assert aud[("industry", "Civil Engineering")].count == 77
        assert aud[("company_size", "1,001-5,000 employees")].count == 71
        assert {a.as_of for a in aud.values()} == {EXPORT_DAY}


def test_reimport_changes_nothing_and_a_newer_export_updates_in_place(importer, ws, tmp_path):
    assert importer.import_file(REAL_SHAPE).status == "imported"
    assert importer.import_file(REAL_SHAPE).status == "unchanged"
    newer = followers_xls(
        tmp_path / FOLLOWERS_NAME,
        edits={
            ("New followers", 3, "Organic followers"): 40.0,
            ("Location", 3, "Total followers"): 420.0,
        },
    )
    report = importer.import_file(newer)
    assert report.status == "imported", report.error
    assert report.counts["account_day"] == {"added": 0, "updated": 31}
    with ws.session() as s:
        days = _days(s, ws)
        assert len(days) == 31
        assert days[dt.date(2025, 7, 1)].extra["followers_gained_organic"] == 40
        assert _audience(s, ws)[("location", "Amsterdam Area, Netherlands")].count == 420
        assert (
            s.scalar(
                select(func.count())
                .select_from(Account)
                .where(Account.workspace_id == ws.workspace_id)
            )
            == 1
        )


def test_parts_that_do_not_add_up_are_kept_and_named(importer, ws, tmp_path):
    path = followers_xls(tmp_path / "f.xls", edits={("New followers", 5, "Total followers"): 99.0})
    report = importer.import_file(path, account="groendak")
    assert report.status == "imported", report.error
    assert any("on 1 of 30 days" in n and "do not add up" in n for n in report.notes)
    with ws.session() as s:
        assert _days(s, ws)[dt.date(2025, 7, 3)].followers_gained == 99


def test_a_renamed_file_goes_to_the_account_option_or_the_default(importer, ws, tmp_path):
    renamed = shutil.copy(REAL_SHAPE, tmp_path / "volgers juli.xls")
    report = importer.import_file(renamed)
    assert report.status == "imported", report.error
    assert report.format == "linkedin_followers_xls"  # detected by its header alone
    assert any("does not name the LinkedIn page" in n for n in report.notes)
    with ws.session() as s:
        handles = s.scalars(select(Account.handle).where(Account.workspace_id == ws.workspace_id))
        assert list(handles) == ["LinkedIn page"]


def test_without_demographic_sheets_the_days_are_imported(importer, ws, tmp_path):
    path = followers_xls(tmp_path / "f.xls", drop=list(FOLLOWER_DEMOGRAPHICS))
    report = importer.import_file(path, account="groendak")
    assert report.status == "imported", report.error
    assert any("no demographic sheets" in n for n in report.notes)
    assert "audience_share" not in report.counts or report.counts["audience_share"]["added"] == 0


def test_followers_and_content_exports_fill_the_same_days_of_one_page(importer, ws, tmp_path):
    content = shutil.copy(CONTENT, tmp_path / "groendak_content_1754039912345.xls")
    assert importer.import_file(content).status == "imported"
    report = importer.import_file(REAL_SHAPE)
    assert report.status == "imported", report.error
    assert report.counts["account_day"]["updated"] > 0  # the days the content export had
    with ws.session() as s:
        handles = s.scalars(select(Account.handle).where(Account.workspace_id == ws.workspace_id))
        assert list(handles) == ["groendak"]
        day = _days(s, ws)[dt.date(2025, 7, 15)]
        assert day.impressions is not None  # from the content export's Metrics sheet
        assert day.followers_gained == follower_day(dt.date(2025, 7, 15))[3]
        # both files' extras are kept side by side
        assert "impressions_organic" in day.extra and "followers_gained_organic" in day.extra


@pytest.mark.parametrize(
    ("edit", "row", "column", "sheet"),
    [
        (("New followers", 5, "Organic followers"), 5, "Organic followers", "New followers"),
        (("New followers", 9, "Date"), 9, "Date", "New followers"),
        (("Seniority", 4, "Total followers"), 4, "Total followers", "Seniority"),
        # the last sheet: the days and the other sheets were read already
        (("Company size", 8, "Total followers"), 8, "Total followers", "Company size"),
    ],
)
def test_bad_cell_names_sheet_row_and_column_and_changes_nothing(
    importer, ws, tmp_path, edit, row, column, sheet
):
    path = followers_xls(tmp_path / FOLLOWERS_NAME, edits={edit: "lots"})
    report = importer.import_file(path)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (row, column)
    assert report.file.endswith(FOLLOWERS_NAME)  # the file; the message names the sheet
    assert "'lots'" in report.error and f"sheet {sheet!r}" in report.error
    _nothing_stored(ws)


def test_a_failed_newer_export_leaves_the_earlier_import_as_it_was(importer, ws, tmp_path):
    assert importer.import_file(REAL_SHAPE).status == "imported"
    bad = followers_xls(
        tmp_path / FOLLOWERS_NAME,
        edits={
            ("New followers", 3, "Organic followers"): 40.0,  # would update a day...
            ("Industry", 5, "Total followers"): "veel",  # ...but a later sheet is bad
        },
    )
    report = importer.import_file(bad)
    assert report.status == "failed"
    with ws.session() as s:
        assert (
            _days(s, ws)[dt.date(2025, 7, 1)].extra["followers_gained_organic"]
            == (follower_day(dt.date(2025, 7, 1))[1])
        )
        q = (
            select(func.count())
            .select_from(ImportBatch)
            .where(ImportBatch.workspace_id == ws.workspace_id)
        )
        assert s.scalar(q) == 1


def test_an_empty_bucket_name_is_refused_naming_the_cell(importer, ws, tmp_path):
    path = followers_xls(tmp_path / "f.xls", edits={("Location", 4, "Location"): ""})
    report = importer.import_file(path, account="groendak")
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (4, "Location")
    assert "sheet 'Location'" in report.error


def test_detection_picks_this_format_and_claims_no_other_sample():
    match = detect(REAL_SHAPE, builtin_formats())
    assert match.format.name == "linkedin_followers_xls"
    assert match.table.sheet == "New followers" and match.table.header_index == 1
    for path in sorted(FORMATS.rglob("*")):
        if not path.is_file() or path.suffix in (".txt", ".toml") or path == REAL_SHAPE:
            continue
        try:
            probe = probe_file(path)
        except FileUnreadable:
            continue
        with pytest.raises(FormatNotRecognised):
            detect_probe(probe, [FORMAT])
