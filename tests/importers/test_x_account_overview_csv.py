from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from socialdesk.errors import FileUnreadable, FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect, detect_probe
from socialdesk.importers.tabular import probe_file
from socialdesk.importers.x_account_overview_csv import FORMAT
from socialdesk.model import Account, AccountDay, ImportBatch
from tests.conftest import FORMATS, fixture_path

OVERVIEW = fixture_path("x", "account_overview_analytics.csv")
CONTENT = fixture_path("x", "account_analytics_content_2026-05-25_2026-08-22.csv")


def _days(s, ws) -> dict[dt.date, AccountDay]:
    q = (
        select(AccountDay)
        .join(Account, AccountDay.account_id == Account.id)
        .where(Account.workspace_id == ws.workspace_id)
    )
    return {d.date: d for d in s.scalars(q)}


def _handles(s, ws) -> list[str]:
    return list(s.scalars(select(Account.handle).where(Account.workspace_id == ws.workspace_id)))


def test_daily_rows_land_with_canonical_meanings(importer, ws):
    report = importer.import_file(OVERVIEW)
    assert report.status == "imported", report.error
    assert report.format == "x_account_overview_csv"
    assert (report.rows_read, report.rows_added) == (3, 3)
    assert any("does not name the X account" in n for n in report.notes)
    with ws.session() as s:
        assert _handles(s, ws) == ["X account"]
        days = _days(s, ws)
        assert sorted(days) == [dt.date(2025, 3, 19), dt.date(2025, 3, 20), dt.date(2025, 3, 21)]
        d = days[dt.date(2025, 3, 20)]
        assert (d.impressions, d.likes, d.engagements) == (2310, 25, 61)
        assert (d.followers_gained, d.followers_lost) == (4, 1)
        assert (d.comments, d.shares, d.profile_views) == (5, 2, 14)  # replies, reposts, visits
        assert (d.posts_published, d.video_views) == (2, 120)
        assert d.extra == {"bookmarks": 3, "shares_sent": 1, "media_views": 37}
        assert d.followers is None and d.reach is None  # not in the file
        first = days[dt.date(2025, 3, 21)]  # the row FORMATS.md quotes
        assert (first.impressions, first.likes, first.engagements) == (1070, 11, 32)
        assert first.comments == 2
        zero = days[dt.date(2025, 3, 19)]
        assert (zero.impressions, zero.likes, zero.followers_gained) == (0, 0, 0)  # real zeros


def test_account_option_names_the_account(importer, ws):
    report = importer.import_file(OVERVIEW, account="@MauroJPelle")
    assert report.status == "imported", report.error
    assert not report.notes
    with ws.session() as s:
        assert _handles(s, ws) == ["maurojpelle"]  # the same account as its content export


def test_handle_left_in_a_renamed_file(importer, ws, tmp_path):
    renamed = tmp_path / "acme_bv-2025-03-01-to-2025-03-21.csv"
    renamed.write_bytes(OVERVIEW.read_bytes())
    report = importer.import_file(renamed)
    assert report.status == "imported", report.error
    assert report.format == "x_account_overview_csv"
    assert any("taken from the file name" in n for n in report.notes)
    with ws.session() as s:
        assert _handles(s, ws) == ["acme_bv"]


def test_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    assert importer.import_file(OVERVIEW).status == "imported"
    assert importer.import_file(OVERVIEW).status == "unchanged"
    lines = OVERVIEW.read_text().splitlines()
    newer = tmp_path / "account_overview_analytics.csv"
    newer.write_text(
        "\n".join(
            [
                lines[0],
                '"Sat, Mar 22, 2025",500,5,9,0,0,1,0,0,0,2,1,0,0',
                lines[1].replace(",1070,", ",1099,"),
            ]
        )
        + "\n"
    )
    report = importer.import_file(newer)
    assert report.status == "imported", report.error
    assert (report.rows_added, report.rows_updated) == (1, 1)
    with ws.session() as s:
        days = _days(s, ws)
        assert len(days) == 4
        assert days[dt.date(2025, 3, 21)].impressions == 1099
        assert days[dt.date(2025, 3, 20)].impressions == 2310


def test_bad_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / OVERVIEW.name
    bad.write_bytes(OVERVIEW.read_bytes().replace(b",2310,25,", b",2310,twee,"))
    report = importer.import_file(bad)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (3, "Likes")
    with ws.session() as s:
        for model in (Account, ImportBatch):
            q = select(func.count()).select_from(model).where(model.workspace_id == ws.workspace_id)
            assert s.scalar(q) == 0


def test_detection_picks_overview_not_content():
    assert detect(OVERVIEW, builtin_formats()).format.name == "x_account_overview_csv"
    assert detect(CONTENT, builtin_formats()).format.name != "x_account_overview_csv"


def test_does_not_claim_other_formats_samples():
    for path in sorted(FORMATS.rglob("*")):
        if not path.is_file() or path.suffix == ".txt" or "overview_analytics" in path.name:
            continue
        try:
            probe = probe_file(path)
        except FileUnreadable:
            continue
        with pytest.raises(FormatNotRecognised):
            detect_probe(probe, [FORMAT])
