"""X analytics exports from a non-English UI: translated headers and dates (_x_headers).

The Dutch fixtures are OUR translation of the English samples (see x/SOURCES.txt): they test
that the synonym table and the date reader work, not what X really writes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from socialdesk.errors import RowInvalid
from socialdesk.importers import builtin_formats
from socialdesk.importers._x_headers import HEADERS, LANGUAGES, spellings, x_dates
from socialdesk.importers.detect import detect
from socialdesk.importers.tabular import ROW_COL, normalise_header
from socialdesk.importers.x_account_analytics_content_csv import COLUMNS as CONTENT
from socialdesk.importers.x_account_analytics_content_csv import DATE_FORMATS
from socialdesk.importers.x_account_overview_csv import COLUMNS as OVERVIEW
from socialdesk.model import Account, AccountDay, Post, PostMetrics
from tests.conftest import fixture_path

CONTENT_NL = fixture_path("x", "nl", "account_analytics_content_2026-05-25_2026-08-22.csv")
OVERVIEW_NL = fixture_path("x", "nl", "account_overview_analytics.csv")


def test_dutch_content_export_lands_like_the_english_one(importer, ws):
    report = importer.import_file(CONTENT_NL)
    assert report.status == "imported", report.error
    assert report.format == "x_account_analytics_content_csv"
    assert (report.rows_read, report.rows_added) == (3, 3)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle) == ("x", "maurojpelle")
        q = (
            select(Post, PostMetrics)
            .join(PostMetrics)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id)
        )
        got = {p.external_id: (p, m) for p, m in s.execute(q)}
        post, m = got["2091095333082140951"]
        assert post.text.startswith("Two kinds of agents")
        assert post.published_at.date() == dt.date(2026, 8, 22)
        assert (m.impressions, m.likes, m.engagements, m.saves, m.comments) == (7, 3, 3, 0, 0)
        assert m.as_of == dt.date(2026, 8, 22)


def test_dutch_overview_export_lands_per_day(importer, ws):
    report = importer.import_file(OVERVIEW_NL, account="MauroJPelle")
    assert report.status == "imported", report.error
    assert report.format == "x_account_overview_csv"
    with ws.session() as s:
        q = select(AccountDay).join(Account).where(Account.workspace_id == ws.workspace_id)
        days = {d.date: d for d in s.scalars(q)}
        assert sorted(days) == [dt.date(2025, 3, 19), dt.date(2025, 3, 20), dt.date(2025, 3, 21)]
        d = days[dt.date(2025, 3, 20)]
        assert (d.impressions, d.likes, d.engagements) == (2310, 25, 61)
        assert (d.followers_gained, d.followers_lost, d.comments, d.shares) == (4, 1, 5, 2)
        assert (d.profile_views, d.posts_published, d.video_views) == (14, 2, 120)
        assert d.extra == {"bookmarks": 3, "shares_sent": 1, "media_views": 37}


def test_a_dutch_date_that_is_not_a_date_names_the_cell(importer, ws, tmp_path):
    bad = tmp_path / "account_overview_analytics.csv"
    bad.write_text(OVERVIEW_NL.read_text().replace("do 20 mrt 2025", "do 20 maart"))
    report = importer.import_file(bad)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (3, "Datum")


@pytest.mark.parametrize(
    "text",
    [
        "Sat, Aug 22, 2026",
        "za 22 aug 2026",
        "zaterdag 22 augustus 2026",
        "Sa., 22. Aug. 2026",
        "sam. 22 août 2026",
        "sáb, 22 ago 2026",
        "22 ago 2026",
    ],
)
def test_dates_in_every_ui_language(text):
    frame = pd.DataFrame({"Date": [text], ROW_COL: [2]})
    assert x_dates(frame, "Date", "f.csv", DATE_FORMATS).tolist() == [pd.Timestamp(2026, 8, 22)]


def test_tuesday_in_french_and_spanish_is_not_march():
    frame = pd.DataFrame({"Date": ["mar. 22 sept. 2026", "mar, 3 mar 2026"], ROW_COL: [2, 3]})
    got = x_dates(frame, "Date", "f.csv", DATE_FORMATS).tolist()
    assert got == [pd.Timestamp(2026, 9, 22), pd.Timestamp(2026, 3, 3)]


@pytest.mark.parametrize("text", ["22 aug", "aug 2026", "32 aug 2026", "za 22 xyz 2026"])
def test_what_is_not_a_day_is_refused(text):
    frame = pd.DataFrame({"Date": ["za 22 aug 2026", text], ROW_COL: [2, 3]})
    with pytest.raises(RowInvalid) as err:
        x_dates(frame, "Date", "f.csv", DATE_FORMATS)
    assert (err.value.row, err.value.column) == (3, "Date")


def test_every_translation_is_a_spelling_of_both_exports_and_none_is_shared():
    for key, per_language in HEADERS.items():
        assert set(per_language) <= set(LANGUAGES)
        assert spellings(key)[0] == per_language["en"][0]  # messages name the English one
        for columns in (CONTENT, OVERVIEW):
            if key in columns:
                assert columns[key] == spellings(key)
    seen: dict[str, str] = {}
    for key in HEADERS:
        for sp in spellings(key):
            norm = normalise_header(sp)
            assert seen.setdefault(norm, key) == key, f"{sp!r} means {seen[norm]} and {key}"


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_other_languages_are_detected(tmp_path: Path, language: str):
    keys = ["post_id", "date", "text", "link", "impressions", "likes", "engagements"]
    header = [
        HEADERS[k][language][0] if HEADERS[k][language] else HEADERS[k]["en"][0] for k in keys
    ]
    path = tmp_path / f"account_analytics_content_{language}.csv"
    path.write_text(",".join(header) + "\n1,2,3,4,5,6,7\n", encoding="utf-8")
    match = detect(path, builtin_formats())
    assert match.format.name == "x_account_analytics_content_csv"
    assert set(match.table.fields) == set(keys)
