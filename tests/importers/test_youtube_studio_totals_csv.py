from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from socialdesk.errors import FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.model import Account, AccountDay
from tests.conftest import fixture_path

CONTENT = fixture_path("youtube", "youtube_studio_content_totals.csv")
YEARLY = fixture_path("youtube", "youtube_studio_Totals_yearly.csv")
AS_OF = dt.date(2024, 9, 9)
DAILY = (
    "Date,Views,Watch time (hours),Subscribers,Subscribers gained,Subscribers lost,"
    "Average view duration,Impressions click-through rate (%),Estimated revenue (EUR)\n"
    "2024-09-01,412,18.25,3,5,2,0:02:39,4.8,1.93\n"
    "2024-09-02,0,0,0,0,0,0:00:00,,0\n"
)


def _days(ws) -> dict[dt.date, AccountDay]:
    with ws.session() as s:
        rows = s.scalars(
            select(AccountDay)
            .join(Account, AccountDay.account_id == Account.id)
            .where(Account.workspace_id == ws.workspace_id)
        )
        return {r.date: r for r in rows}


def test_content_totals_become_channel_days(importer, ws):
    report = importer.import_file(CONTENT, as_of=AS_OF)
    assert report.status == "imported", report.error
    assert report.format == "youtube_studio_totals_csv"
    days = _days(ws)
    assert set(days) == {dt.date(2021, 7, 16), dt.date(2021, 7, 17)}
    assert days[dt.date(2021, 7, 16)].extra == {"avg_percentage_viewed": 0.0}  # a real zero
    assert days[dt.date(2021, 7, 16)].views is None


def test_daily_metrics_land_in_their_columns(importer, ws, tmp_path):
    path = tmp_path / "Totals.csv"
    path.write_text(DAILY)
    report = importer.import_file(path, as_of=AS_OF, account="Ethioware")
    assert report.status == "imported", report.error
    day = _days(ws)[dt.date(2024, 9, 1)]
    assert (day.views, day.watch_time_hours, day.followers_gained, day.followers_lost) == (
        412,
        18.25,
        5,
        2,
    )
    assert day.followers is None  # the net change is not a follower count
    assert day.extra["subscribers_net"] == 3
    assert day.extra["avg_view_seconds"] == 159
    assert day.extra["impressions_ctr"] == pytest.approx(0.048)
    assert (day.extra["estimated_revenue"], day.extra["currency"]) == (1.93, "EUR")
    quiet = _days(ws)[dt.date(2024, 9, 2)]
    assert quiet.views == 0 and "impressions_ctr" not in quiet.extra
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.handle, acc.currency) == ("Ethioware", "EUR")


def test_yearly_totals_are_refused_and_nothing_is_stored(importer, ws):
    report = importer.import_file(YEARLY, as_of=AS_OF)
    assert report.status == "failed"
    assert report.format == "youtube_studio_totals_csv"
    assert "yearly" in report.error and "daily" in report.error
    assert _days(ws) == {}


def test_reimport_unchanged_and_newer_export_updates(importer, ws, tmp_path):
    path = tmp_path / "Totals.csv"
    path.write_text(DAILY)
    assert importer.import_file(path, as_of=AS_OF).status == "imported"
    assert importer.import_file(path, as_of=AS_OF).status == "unchanged"
    newer = tmp_path / "Totals (1).csv"
    newer.write_text(DAILY.replace("2024-09-02,0,", "2024-09-02,7,"))
    report = importer.import_file(newer, as_of=AS_OF)
    assert (report.rows_added, report.rows_updated) == (0, 2)
    assert _days(ws)[dt.date(2024, 9, 2)].views == 7


def test_bad_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    path = tmp_path / "Totals.csv"
    path.write_text(DAILY.replace("0:02:39", "2m39s"))
    report = importer.import_file(path, as_of=AS_OF)
    assert (report.status, report.error_row, report.error_column) == (
        "failed",
        2,
        "Average view duration",
    )
    with ws.session() as s:
        n = s.scalar(select(func.count(Account.id)).where(Account.workspace_id == ws.workspace_id))
        assert n == 0


def test_detection_picks_totals_and_leaves_look_alikes_alone(tmp_path):
    for path in (CONTENT, YEARLY):
        assert detect(path, builtin_formats()).format.name == "youtube_studio_totals_csv"
    mine = [f for f in builtin_formats() if f.platform in ("youtube", "tiktok")]
    look_alikes = {
        "Dates.csv": "Date,Clicks,Impressions,CTR,Position\n2024-05-07,14097,207833,6.78%,28.23\n",
        "account_overview_analytics.csv": (
            "Date,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Unfollows\n"
            '"Fri, Mar 21, 2025",1070,11,32,0,0,0,0\n'
        ),
        "daily.csv": '"Date","Primary"\n"2025-08-01T00:00:00","20"\n',
    }
    for name, body in look_alikes.items():
        path = tmp_path / name
        path.write_text(body)
        with pytest.raises(FormatNotRecognised):
            detect(path, mine)
