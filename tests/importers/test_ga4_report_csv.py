from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.importers.ga4_report_csv import fit_key
from socialdesk.model import Account, WebDay
from tests.conftest import fixture_path

FORMAT = "ga4_report_csv"


def _rows(ws) -> list[WebDay]:
    with ws.session() as s:
        return list(
            s.scalars(select(WebDay).join(Account).where(Account.workspace_id == ws.workspace_id))
        )


def _by_key(ws) -> dict[tuple[str, dt.date], WebDay]:
    return {(r.dimension_key, r.date_start): r for r in _rows(ws)}


def _accounts(ws) -> list[Account]:
    with ws.session() as s:
        return list(s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)))


def test_pages_and_screens_land_exactly(importer, ws):
    report = importer.import_file(fixture_path("google", "ga4_pages_and_screens.csv"))
    assert report.status == "imported", report.error
    assert report.format == FORMAT
    assert (report.rows_read, report.rows_added) == (3, 3)
    [acc] = _accounts(ws)
    assert (acc.platform, acc.handle) == ("ga4", "GA4 - awningdepot.co.uk")  # '# Property:'
    rows = _by_key(ws)
    row = rows[("page_path_screen_class=/awnings-sussex/", dt.date(2025, 1, 1))]
    assert row.report == "Pages and screens"
    assert row.date_end == dt.date(2025, 12, 31)  # '# End date: 20251231'
    assert row.page_path == "/awnings-sussex/"
    assert (row.views, row.users, row.event_count, row.conversions) == (146, 103, 751, 12)
    assert row.revenue == 0  # a real zero ("0")
    assert row.sessions is None and row.engagement_seconds is None  # not in the file
    # averages and ratios are not additive: kept in extra, never as totals
    assert row.extra["average_engagement_time_per_active_user"] == pytest.approx(53.15533980582524)
    assert row.extra["views_per_active_user"] == pytest.approx(1.4174757281553398)


def test_events_total_users_and_extras(importer, ws):
    report = importer.import_file(fixture_path("google", "ga4_events_event_name.csv"))
    assert report.status == "imported", report.error
    [acc] = _accounts(ws)
    assert acc.handle == "Ten10 GA4"
    row = _by_key(ws)[("event_name=page_view", dt.date(2025, 10, 15))]
    assert (row.report, row.event_name) == ("Events", "page_view")
    assert row.date_end == dt.date(2026, 1, 12)
    assert (row.event_count, row.users, row.revenue) == (40242, 14950, 0)
    assert row.extra == {"event_count_per_active_user": pytest.approx(2.7018933798845173)}


def test_traffic_acquisition_by_date_one_row_per_day(importer, ws):
    report = importer.import_file(fixture_path("google", "ga4_traffic_acquisition_by_date.csv"))
    assert report.status == "imported", report.error
    assert (report.rows_read, report.rows_added) == (5, 5)
    rows = _by_key(ws)
    assert all(r.date_start == r.date_end for r in rows.values())
    key = (
        "session_source_medium=google / organic;session_campaign=(organic);"
        "session_channel_group=Organic Search"
    )
    day1 = rows[(key, dt.date(2026, 2, 1))]
    assert (day1.source, day1.medium, day1.campaign, day1.channel_group) == (
        "google",
        "organic",
        "(organic)",
        "Organic Search",
    )
    assert (day1.sessions, day1.engaged_sessions, day1.users, day1.new_users) == (120, 80, 101, 60)
    assert (day1.event_count, day1.conversions, day1.revenue) == (950, 4, 0)
    assert day1.extra["engagement_rate"] == pytest.approx(2 / 3)  # a fraction, in extra
    assert rows[(key, dt.date(2026, 2, 2))].sessions == 98
    mail = next(r for r in rows.values() if r.medium == "email")
    assert (mail.source, mail.campaign, mail.revenue) == ("nieuwsbrief", "voorjaar_2026", 129.95)
    direct = next(r for r in rows.values() if r.channel_group == "Direct")
    assert (direct.source, direct.medium, direct.sessions) == ("(direct)", "(none)", 0)
    referral = next(r for r in rows.values() if r.medium == "referral")
    assert referral.revenue is None  # an empty cell is NULL, never zero


def test_reports_snapshot_blocks(importer, ws):
    report = importer.import_file(fixture_path("google", "ga4_reports_snapshot_data-export.csv"))
    assert report.status == "imported", report.error
    # 28 days + 2 first-user channels + 3 session channels + 1 country id + 1 country
    # + 1 page title + 5 events; the cohort block and header-only blocks are left out
    assert report.rows_read == 41
    assert any("cohort" in n for n in report.notes)
    assert any("only a header" in n and "Total revenue" in n for n in report.notes)
    [acc] = _accounts(ws)
    assert acc.handle == "bright - GA4"
    rows = _rows(ws)
    assert {r.report for r in rows} == {"Reports snapshot"}
    daily = sorted((r for r in rows if r.dimension_key == ""), key=lambda r: r.date_start)
    assert len(daily) == 28
    assert (daily[0].date_start, daily[-1].date_end) == (dt.date(2023, 4, 24), dt.date(2023, 5, 21))
    last = daily[-1]  # "Nth day" 0027: Users, New users, engagement and trend blocks merged
    assert (last.users, last.new_users) == (1, 2)
    assert last.extra == {"average_engagement_time": 135, "30_days": 1, "7_days": 1, "1_day": 1}
    assert daily[0].users == 0  # zeros written in the file stay zeros
    keyed = {r.dimension_key: r for r in rows}
    assert keyed["session_channel_group=Unassigned"].sessions == 2
    assert keyed["first_user_channel_group=Organic Search"].new_users == 1
    assert keyed["first_user_channel_group=Organic Search"].channel_group == "Organic Search"
    assert keyed["country=Bosnia & Herzegovina"].users == 1
    assert keyed["event_name=scroll"].event_count == 14
    assert keyed["event_name=scroll"].conversions is None  # its block has only a header


def test_excel_resave_with_trailing_commas_reads_the_same(importer, ws, tmp_path):
    src = fixture_path("google", "ga4_reports_snapshot_data-export.csv").read_text()
    lines = src.splitlines()
    padded = [re.sub(r"^0+(\d)", r"\1", ln) for ln in lines]  # Excel drops "0027" -> "27"
    padded = [ln + ",," * 3 for ln in padded]  # Excel pads every line to the widest one
    resaved = tmp_path / "data-export.csv"
    resaved.write_text("\r\n".join(padded) + "\r\n")
    first = importer.import_file(fixture_path("google", "ga4_reports_snapshot_data-export.csv"))
    second = importer.import_file(resaved)
    assert first.status == second.status == "imported", second.error
    assert (second.rows_read, second.rows_added, second.rows_updated) == (41, 0, 28 + 13)
    assert second.format == FORMAT


def test_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    path = fixture_path("google", "ga4_pages_and_screens.csv")
    first = importer.import_file(path)
    again = importer.import_file(path)
    assert (first.status, again.status) == ("imported", "unchanged")
    newer = tmp_path / "Pages_and_screens_Page_path_and_screen_class.csv"
    newer.write_bytes(path.read_bytes().replace(b"/awnings-sussex/,146,", b"/awnings-sussex/,150,"))
    third = importer.import_file(newer)
    assert third.status == "imported", third.error
    assert (third.rows_added, third.rows_updated) == (0, 3)
    with ws.session() as s:
        q = select(func.count(WebDay.id)).join(Account)
        assert s.scalar(q.where(Account.workspace_id == ws.workspace_id)) == 3
    sussex = _by_key(ws)[("page_path_screen_class=/awnings-sussex/", dt.date(2025, 1, 1))]
    assert sussex.views == 150


def test_wrong_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / "Pages.csv"
    src = fixture_path("google", "ga4_pages_and_screens.csv").read_bytes()
    bad.write_bytes(src.replace(b",384,3,0", b",3B4,3,0"))
    report = importer.import_file(bad)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (12, "Event count")
    assert _rows(ws) == [] and _accounts(ws) == []


def test_file_without_property_uses_account_option(importer, ws, tmp_path):
    src = fixture_path("google", "ga4_events_event_name.csv").read_text()
    path = tmp_path / "Events_Event_name.csv"
    path.write_text("".join(ln for ln in src.splitlines(True) if "# Property:" not in ln))
    report = importer.import_file(path, account="voorbeeld.nl")
    assert report.status == "imported", report.error
    assert [a.handle for a in _accounts(ws)] == ["voorbeeld.nl"]
    assert any("names no GA4 property" in n for n in report.notes)


def test_detection_picks_ga4_for_its_files_only():
    formats = builtin_formats()
    for name in (
        "ga4_pages_and_screens.csv",
        "ga4_events_event_name.csv",
        "ga4_reports_snapshot_data-export.csv",
        "ga4_traffic_acquisition_by_date.csv",
    ):
        assert detect(fixture_path("google", name), formats).format.name == FORMAT, name
    for name in ("gsc_2024_Dates.csv", "gsc_2024_Countries.csv", "google_ads_campaign_report.csv"):
        assert detect(fixture_path("google", name), formats).format.name != FORMAT, name


def test_long_keys_fit_their_column_and_stay_unique():
    long_a, long_b = "/p?" + "a" * 1200, "/p?" + "a" * 1199 + "b"
    out = fit_key(pd.Series([long_a, long_b, "/kort/"]))
    assert out.str.len().max() == 1000
    assert out[0] != out[1] and out[0].startswith("/p?aaa")
    assert out[2] == "/kort/"
