from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.model import Account, AccountDay, AudienceShare
from tests.conftest import fixture_path

HISTORY = fixture_path("tiktok", "tiktok_studio_FollowerHistory.csv")
HISTORY_NL = fixture_path("tiktok", "tiktok_studio_FollowerHistory_nl_rollover.csv")
GENDER = fixture_path("tiktok", "tiktok_studio_FollowerGender.csv")
TERRITORIES = fixture_path("tiktok", "tiktok_studio_FollowerTopTerritories.csv")
ACTIVITY = fixture_path("tiktok", "tiktok_studio_FollowerActivity.csv")
AS_OF = dt.date(2026, 5, 21)  # the history runs to May 19


def _days(ws) -> dict[dt.date, AccountDay]:
    with ws.session() as s:
        rows = s.scalars(
            select(AccountDay)
            .join(Account, AccountDay.account_id == Account.id)
            .where(Account.workspace_id == ws.workspace_id)
        )
        return {r.date: r for r in rows}


def _audience(ws, dimension: str) -> dict[tuple[dt.date, str], AudienceShare]:
    with ws.session() as s:
        rows = s.scalars(
            select(AudienceShare)
            .join(Account, AudienceShare.account_id == Account.id)
            .where(Account.workspace_id == ws.workspace_id, AudienceShare.dimension == dimension)
        )
        return {(r.as_of, r.bucket): r for r in rows}


def test_history_stores_followers_and_explains_the_difference_column(importer, ws):
    report = importer.import_file(HISTORY, as_of=AS_OF)
    assert report.status == "imported", report.error
    assert report.format == "tiktok_studio_followers_csv"
    days = _days(ws)
    assert {d: r.followers for d, r in days.items()} == {
        dt.date(2026, 5, 15): 493,
        dt.date(2026, 5, 18): 493,
        dt.date(2026, 5, 19): 492,
    }
    # Nothing invented from the net difference: gained/lost stay NULL.
    assert all(r.followers_gained is None and r.followers_lost is None for r in days.values())
    assert any("next day minus this day" in n for n in report.notes)
    assert not any("disagree" in n for n in report.notes)


def test_history_rollover_and_a_disagreeing_difference(importer, ws, tmp_path):
    report = importer.import_file(HISTORY_NL, as_of=dt.date(2026, 1, 4))
    assert report.status == "imported", report.error
    assert {d: r.followers for d, r in _days(ws).items()} == {
        dt.date(2025, 12, 30): 1500,
        dt.date(2025, 12, 31): 1502,
        dt.date(2026, 1, 1): 1499,
        dt.date(2026, 1, 2): 1499,
    }
    assert not any("disagree" in n for n in report.notes)
    odd = tmp_path / "FollowerHistory.csv"
    odd.write_bytes(HISTORY_NL.read_bytes().replace(b'"1502","-3"', b'"1502","-2"'))
    again = importer.import_file(odd, as_of=dt.date(2026, 1, 4))
    assert (again.rows_added, again.rows_updated) == (0, 4)
    assert any("1 of 3" in n and "disagree" in n for n in again.notes)


def test_gender_and_territories_are_audience_shares_as_of_the_export(importer, ws):
    for path in (GENDER, TERRITORIES):
        report = importer.import_file(path, as_of=AS_OF)
        assert report.status == "imported", report.error
        assert report.format == "tiktok_studio_followers_csv"
    gender = _audience(ws, "gender")
    assert {b: r.share for (_d, b), r in gender.items()} == {
        "male": 0.72,
        "female": 0.28,
        "other": 0.0,
    }
    assert {d for d, _b in gender} == {AS_OF}
    territory = _audience(ws, "territory")
    assert {b: r.share for (_d, b), r in territory.items()} == {
        "US": 0.755,
        "NG": 0.008,
        "Others": 0.208,
    }
    assert all(r.count is None for r in territory.values())


def test_activity_hours_and_zero_filled_future_hours(importer, ws):
    report = importer.import_file(ACTIVITY, as_of=AS_OF)
    assert report.status == "imported", report.error
    assert (report.rows_read, report.rows_skipped) == (2, 1)
    hours = _audience(ws, "active_hour")
    assert {(d, b): r.count for (d, b), r in hours.items()} == {
        (dt.date(2026, 5, 9), "00"): 135,
        (dt.date(2026, 5, 9), "01"): 120,
    }
    assert any("zero-fills" in n for n in report.notes)


def test_activity_keeps_real_zeros_before_the_last_active_hour(importer, ws, tmp_path):
    path = tmp_path / "FollowerActivity.csv"
    path.write_text(
        '"Date","Hour","Active followers"\n"May 14","3","0"\n"May 14","4","7"\n"May 14","5","0"\n',
        encoding="utf-8-sig",
    )
    report = importer.import_file(path, as_of=AS_OF)
    assert report.status == "imported", report.error
    hours = _audience(ws, "active_hour")
    assert {b: r.count for (_d, b), r in hours.items()} == {"03": 0, "04": 7}


def test_four_files_share_one_account_and_reimport_is_unchanged(importer, ws, tmp_path):
    for path in (HISTORY, GENDER, TERRITORIES, ACTIVITY):
        assert importer.import_file(path, as_of=AS_OF).status == "imported"
    assert importer.import_file(GENDER, as_of=AS_OF).status == "unchanged"
    newer = tmp_path / "FollowerGender.csv"
    newer.write_bytes(GENDER.read_bytes().replace(b'"0.72"', b'"0.7"').replace(b'"0.28"', b'"0.3"'))
    report = importer.import_file(newer, as_of=AS_OF)
    assert (report.rows_added, report.rows_updated) == (0, 3)
    assert _audience(ws, "gender")[(AS_OF, "male")].share == 0.7
    with ws.session() as s:
        accounts = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).all()
        assert [(a.platform, a.handle) for a in accounts] == [("tiktok", "TikTok account")]
        n = s.scalar(
            select(func.count(AudienceShare.id))
            .join(Account, AudienceShare.account_id == Account.id)
            .where(Account.workspace_id == ws.workspace_id)
        )
        assert n == 3 + 3 + 2


@pytest.mark.parametrize(
    ("path", "old", "new", "row", "column"),
    [
        (ACTIVITY, b'"May 9","1","120"', b'"May 9","25","120"', 3, "Hour"),
        (GENDER, b'"Female","0.28"', b'"Female","28 pct"', 3, "Distribution"),
        (HISTORY, b'"May 18","493"', b'"May 18","many"', 3, "Followers"),
    ],
)
def test_bad_cell_names_row_and_column_and_changes_nothing(
    importer, ws, tmp_path, path, old, new, row, column
):
    bad = tmp_path / path.name
    bad.write_bytes(path.read_bytes().replace(old, new))
    report = importer.import_file(bad, as_of=AS_OF)
    assert (report.status, report.error_row, report.error_column) == ("failed", row, column)
    with ws.session() as s:
        n = s.scalar(select(func.count(Account.id)).where(Account.workspace_id == ws.workspace_id))
        assert n == 0


def test_detection_picks_followers_for_all_four():
    for path in (HISTORY, HISTORY_NL, GENDER, TERRITORIES, ACTIVITY):
        assert detect(path, builtin_formats()).format.name == "tiktok_studio_followers_csv"
