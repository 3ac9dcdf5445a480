from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from socialdesk.errors import FileUnreadable, FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect, detect_probe
from socialdesk.importers.tabular import probe_file
from socialdesk.importers.x_ads_tweets_xlsx import FORMAT, parse_period
from socialdesk.model import Account, Ad, AdDay, AdSet, Campaign, ImportBatch, Post
from tests.conftest import FORMATS, fixture_path

# the real file has no default cell style; openpyxl says so each time it opens it
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")

REAL = fixture_path("x", "2017-04-01-to-2017-04-30-6hm1atwrnaio.xlsx")
TWEET = "848656305149677569"  # the row with spend: 6681 impressions, 16.66, 4 link clicks


def _days(s, ws) -> dict[str, AdDay]:
    q = (
        select(AdDay)
        .join(Campaign, AdDay.campaign_id == Campaign.id)
        .join(Account)
        .where(Account.workspace_id == ws.workspace_id)
    )
    return {d.grain: d for d in s.scalars(q)}


def _count(s, ws, model) -> int:
    if model is Account:
        q = select(func.count()).select_from(Account).where(Account.workspace_id == ws.workspace_id)
    else:
        q = select(func.count()).select_from(model).where(model.workspace_id == ws.workspace_id)
    return s.scalar(q)


def _edit(tmp_path: Path, name: str, edit) -> Path:
    """A copy of the real report with some cells changed (openpyxl keeps the sheet as is)."""
    wb = openpyxl.load_workbook(REAL)
    edit(wb["results"])
    path = tmp_path / name
    wb.save(path)
    return path


def test_real_report_lands_as_ads_per_period(importer, ws):
    report = importer.import_file(REAL)
    assert report.status == "imported", report.error
    assert report.format == "x_ads_tweets_xlsx"
    assert (report.rows_read, report.rows_added) == (5, 5)
    assert any("does not name the ad account" in n for n in report.notes)
    assert any("does not say its currency" in n for n in report.notes)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle, acc.currency) == ("x_ads", "X ad account", None)
        days = _days(s, ws)
        assert len(days) == 5
        day = days[f"ad_set:i14002486|ad:{TWEET}"]
        assert (day.date_start, day.date_end) == (dt.date(2017, 4, 1), dt.date(2017, 4, 30))
        assert (day.impressions, day.spend, day.link_clicks) == (6681, 16.66, 4)
        assert day.currency is None and day.breakdown is None
        assert day.clicks is None and day.reach is None  # not in the report
        # "-" for retweets and replies: left out, never 0
        assert day.extra == {
            "likes": 2,
            "tweet_status": "Running",
            "tweet_published_at": "2017-04-02T15:00:05",
        }
        other = days["ad_set:i14002421|ad:848686593309331458"]
        assert other.extra["replies"] == 4 and "retweets" not in other.extra
        zero = days["ad_set:i14177604|ad:849018769913597952"]
        assert (zero.impressions, zero.spend) == (0, 0)  # real zeros stay zeros
        camp = s.get(Campaign, day.campaign_id)
        assert (camp.key, camp.external_id, camp.name) == ("i13416937", "i13416937", "i13416937")
        ad_set = s.get(AdSet, day.ad_set_id)
        assert (ad_set.external_id, ad_set.campaign_id) == ("i14002486", camp.id)
        ad = s.get(Ad, day.ad_id)
        assert (ad.external_id, ad.post_external_id) == (TWEET, TWEET)
        assert ad.name.startswith("Forget death, chase life.")
        # the tweet is not filed as a post of a guessed X account
        assert (
            s.scalar(
                select(func.count())
                .select_from(Post)
                .join(Account)
                .where(Account.workspace_id == ws.workspace_id)
            )
            == 0
        )


def test_account_option_and_the_accounts_own_currency(importer, ws):
    with ws.session() as s, s.begin():
        s.add(
            Account(
                workspace_id=ws.workspace_id,
                platform="x_ads",
                handle="Acme",
                currency="USD",
                timezone="UTC",
            )
        )
    report = importer.import_file(REAL, account="Acme")
    assert report.status == "imported", report.error
    assert not any("does not name the ad account" in n for n in report.notes)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.handle, acc.currency) == ("Acme", "USD")  # not overwritten by "unknown"
        assert {d.currency for d in _days(s, ws).values()} == {None}


def test_currency_given_as_an_import_option(importer, ws):
    report = importer.import_file(REAL, options={"currency": "usd"})
    assert report.status == "imported", report.error
    assert not any("does not say its currency" in n for n in report.notes)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert acc.currency == "USD"
        assert {d.currency for d in _days(s, ws).values()} == {"USD"}


def test_a_currency_option_that_is_no_currency_code_is_refused(importer, ws):
    report = importer.import_file(REAL, options={"currency": "dollars"})
    assert report.status == "failed" and "three-letter code" in report.error
    with ws.session() as s:
        assert _count(s, ws, Account) == 0 and _count(s, ws, ImportBatch) == 0


def test_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    assert importer.import_file(REAL).status == "imported"
    assert importer.import_file(REAL).status == "unchanged"

    def more(sheet):
        sheet["I5"] = 7000.0  # row 5 is the tweet above: impressions
        sheet["J5"] = 17.5

    report = importer.import_file(_edit(tmp_path, REAL.name, more))
    assert report.status == "imported", report.error
    assert (report.rows_added, report.rows_updated) == (0, 5)
    with ws.session() as s:
        days = _days(s, ws)
        assert len(days) == 5
        day = days[f"ad_set:i14002486|ad:{TWEET}"]
        assert (day.impressions, day.spend) == (7000, 17.5)
        assert (
            s.scalar(
                select(func.count())
                .select_from(Campaign)
                .join(Account)
                .where(Account.workspace_id == ws.workspace_id)
            )
            == 5
        )


def test_placements_become_breakdowns(importer, ws, tmp_path):
    def split(sheet):
        row = [c.value for c in sheet[5]]
        sheet["B5"] = "Twitter timelines"
        sheet.append([*row[:1], "Twitter search", *row[2:]])

    report = importer.import_file(_edit(tmp_path, "placements.xlsx", split))
    assert report.status == "imported", report.error
    with ws.session() as s:
        days = _days(s, ws)
        grain = f"ad_set:i14002486|ad:{TWEET}"
        assert grain not in days
        assert days[f"{grain}|placement=Twitter timelines"].breakdown == (
            "placement=Twitter timelines"
        )
        assert f"{grain}|placement=Twitter search" in days


def test_a_repeated_row_is_refused_naming_both_rows(importer, ws, tmp_path):
    def repeat(sheet):
        sheet.append([c.value for c in sheet[5]])

    report = importer.import_file(_edit(tmp_path, "repeat.xlsx", repeat))
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (7, "Tweet ID")
    assert "row 5" in report.error


@pytest.mark.parametrize(
    ("cell", "value", "row", "column"),
    [
        ("I3", "lots", 3, "Impressions"),
        ("A4", "April 2017", 4, "Time period"),
        ("G6", 8.48686593309331e17, 6, "Tweet ID"),  # an id a spreadsheet rounded
        ("D2", None, 2, "Campaign ID"),
    ],
)
def test_bad_cells_name_row_and_column_and_change_nothing(
    importer, ws, tmp_path, cell, value, row, column
):
    def spoil(sheet):
        sheet[cell] = value

    report = importer.import_file(_edit(tmp_path, "bad.xlsx", spoil))
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (row, column)
    assert report.file.endswith("bad.xlsx") and column in report.error
    with ws.session() as s:
        assert _count(s, ws, Account) == 0 and _count(s, ws, ImportBatch) == 0


def test_publish_date_as_a_plain_serial_number(importer, ws, tmp_path):
    def serial(sheet):
        sheet["H5"] = 42827.6250578704  # the same instant without a date format
        sheet["H5"].number_format = "General"

    report = importer.import_file(_edit(tmp_path, "serial.xlsx", serial))
    assert report.status == "imported", report.error
    with ws.session() as s:
        day = _days(s, ws)[f"ad_set:i14002486|ad:{TWEET}"]
        assert day.extra["tweet_published_at"] == "2017-04-02T15:00:05"


def test_time_periods():
    assert parse_period("Apr 1, 2017 - Apr 30, 2017") == (dt.date(2017, 4, 1), dt.date(2017, 4, 30))
    assert parse_period("December 1, 2025 – December 31, 2025") == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
    )
    assert parse_period("Apr 30, 2017 - Apr 1, 2017") is None  # ends before it starts
    assert parse_period("Apr 2017") is None


def test_detection_picks_this_format_for_the_real_report():
    match = detect(REAL, builtin_formats())
    assert match.format.name == "x_ads_tweets_xlsx"
    assert (match.table.sheet, match.table.header_index) == ("results", 0)


def test_does_not_claim_other_formats_samples():
    for path in sorted(FORMATS.rglob("*")):
        if not path.is_file() or path.suffix in (".txt", ".toml") or path == REAL:
            continue
        try:
            probe = probe_file(path)
        except FileUnreadable:
            continue
        with pytest.raises(FormatNotRecognised):
            detect_probe(probe, [FORMAT])
