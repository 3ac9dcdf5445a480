from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from socialdesk.errors import FileUnreadable, FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect, detect_probe
from socialdesk.importers.tabular import probe_file
from socialdesk.importers.x_account_analytics_content_csv import (
    FORMAT,
    handle_from_name,
    snowflake_times,
)
from socialdesk.model import Account, ImportBatch, Post, PostMetrics
from tests.conftest import FORMATS, fixture_path

REAL = fixture_path("x", "account_analytics_content_2026-05-25_2026-08-22.csv")
UNSORTED = fixture_path("x", "account_analytics_content_2026-07-08_2026-10-05.csv")


def _posts(s, ws) -> dict[str, Post]:
    q = select(Post).join(Account).where(Account.workspace_id == ws.workspace_id)
    return {p.external_id: p for p in s.scalars(q)}


def _metrics(s, post: Post) -> PostMetrics:
    return s.scalars(select(PostMetrics).where(PostMetrics.post_id == post.id)).one()


def test_real_export_with_publish_time_from_the_snowflake_id(importer, ws):
    report = importer.import_file(REAL)
    assert report.status == "imported", report.error
    assert report.format == "x_account_analytics_content_csv"
    assert (report.rows_read, report.rows_added) == (3, 3)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle, acc.name) == ("x", "maurojpelle", "MauroJPelle")
        posts = _posts(s, ws)
        first = posts["2091108841245008184"]
        # (id >> 22) + 1288834974657 ms = 2026-08-22 10:22:53 UTC = 12:22:53 in Amsterdam
        assert first.published_at == dt.datetime(2026, 8, 22, 12, 22, 53)
        assert first.text == "@HeyAliux Hope so, what date are they here lmao"
        assert first.permalink == "https://x.com/MauroJPelle/status/2091108841245008184"
        assert first.media_type is None
        zero = _metrics(s, first)
        assert (zero.impressions, zero.likes, zero.shares) == (0, 0, 0)  # real zeros stay zeros
        m = _metrics(s, posts["2091095333082140951"])
        assert (m.impressions, m.likes, m.engagements, m.saves, m.comments) == (7, 3, 3, 0, 0)
        assert m.as_of == dt.date(2026, 8, 22)
        assert posts["2091057988446392364"].published_at == dt.datetime(2026, 8, 22, 9, 0, 49)


def test_unsorted_rows_and_every_column(importer, ws):
    report = importer.import_file(UNSORTED)
    assert report.status == "imported", report.error
    with ws.session() as s:
        posts = _posts(s, ws)
        assert len(posts) == 3
        post = posts["2075101391880407996"]
        assert post.published_at == dt.datetime(2026, 7, 9, 8, 15)  # 06:15 UTC, CEST
        assert post.text == '"Quoted" start, with a comma: launch day https://t.co/abc'
        m = _metrics(s, post)
        assert (m.impressions, m.likes, m.engagements, m.saves) == (1234, 40, 77, 5)
        assert (m.follows, m.comments, m.shares) == (2, 6, 4)
        assert (m.profile_visits, m.link_clicks) == (8, 12)
        assert m.extra == {
            "shares_sent": 3,
            "detail_expands": 10,
            "hashtag_clicks": 0,
            "permalink_clicks": 1,
        }
        assert posts["2107078350337939743"].published_at == dt.datetime(2026, 10, 5, 14, 0, 1)


def test_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    assert importer.import_file(REAL).status == "imported"
    assert importer.import_file(REAL).status == "unchanged"
    newer = tmp_path / REAL.name
    newer.write_bytes(
        REAL.read_bytes().replace(b"/2091095333082140951,7,3,3,", b"/2091095333082140951,9,4,4,")
    )
    report = importer.import_file(newer)
    assert report.status == "imported", report.error
    assert (report.rows_added, report.rows_updated) == (0, 3)
    with ws.session() as s:
        q = select(func.count(Post.id)).join(Account).where(Account.workspace_id == ws.workspace_id)
        assert s.scalar(q) == 3
        assert _metrics(s, _posts(s, ws)["2091095333082140951"]).impressions == 9


@pytest.mark.parametrize(
    ("old", "new", "row", "column"),
    [
        (b'"Sat, Aug 22, 2026","Two kinds', b'"Sat, Aug 1, 2026","Two kinds', 3, "Date"),
        (b"/2091057988446392364,14,2,", b"/2091057988446392364,14,2x,", 4, "Likes"),
    ],
)
def test_bad_cell_names_row_and_column_and_changes_nothing(
    importer, ws, tmp_path, old, new, row, column
):
    bad = tmp_path / REAL.name
    bad.write_bytes(REAL.read_bytes().replace(old, new))
    report = importer.import_file(bad)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (row, column)
    with ws.session() as s:
        for model in (Account, ImportBatch):
            q = select(func.count()).select_from(model).where(model.workspace_id == ws.workspace_id)
            assert s.scalar(q) == 0


def test_snowflake_matches_the_legacy_export_time():
    # Tweet 1475870580540952577 says "2021-12-28 16:45 +0000" in tweet_activity_metrics.
    times = snowflake_times(pd.Series(["1475870580540952577"]), "UTC")
    assert times[0] == pd.Timestamp("2021-12-28 16:45:41")


@pytest.mark.parametrize(
    ("name", "handle"),
    [
        ("maurojpelle-2026-05-25-to-2026-08-22.csv", "maurojpelle"),
        ("@Acme_BV account_overview_analytics.csv", "Acme_BV"),
        ("account_analytics_content_2026-05-25_2026-08-22.csv", None),
        ("account_overview_analytics (1).csv", None),
        ("export 2026-05-25 to 2026-08-22 final.csv", None),
    ],
)
def test_handle_from_a_renamed_file(name, handle):
    assert handle_from_name(name) == handle


@pytest.mark.parametrize("path", [REAL, UNSORTED])
def test_detection_picks_this_format(path):
    assert detect(path, builtin_formats()).format.name == "x_account_analytics_content_csv"


def test_does_not_claim_other_formats_samples():
    for path in sorted(FORMATS.rglob("*")):
        if not path.is_file() or path.suffix == ".txt" or "analytics_content" in path.name:
            continue
        try:
            probe = probe_file(path)
        except FileUnreadable:
            continue
        with pytest.raises(FormatNotRecognised):
            detect_probe(probe, [FORMAT])
