from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from socialdesk.errors import FileUnreadable, FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect, detect_probe
from socialdesk.importers.tabular import probe_file
from socialdesk.importers.x_tweet_activity_metrics_csv import FORMAT, x_handle
from socialdesk.model import Account, ImportBatch, Post, PostMetrics
from tests.conftest import FORMATS, fixture_path

ROPENSCI = fixture_path("x", "tweet_activity_metrics_rOpenSci_20211201_20220101_en.csv")
FAVORITES_2015 = fixture_path("x", "twitter_activity_metrics_20150901_20151001.csv")
PROMOTED = fixture_path("x", "tweet_activity_metrics_AcmeBV_20240101_20240201_en.csv")


def _posts(s, ws) -> dict[str, Post]:
    q = select(Post).join(Account).where(Account.workspace_id == ws.workspace_id)
    return {p.external_id: p for p in s.scalars(q)}


def _metrics(s, post: Post) -> PostMetrics:
    return s.scalars(select(PostMetrics).where(PostMetrics.post_id == post.id)).one()


def test_real_export_values_land_exactly(importer, ws):
    report = importer.import_file(ROPENSCI)
    assert report.status == "imported", report.error
    assert report.format == "x_tweet_activity_metrics_csv"
    assert (report.rows_read, report.rows_added) == (3, 3)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle, acc.name) == ("x", "ropensci", "rOpenSci")
        posts = _posts(s, ws)
        post = posts["1475870580540952577"]
        # "2021-12-28 16:45 +0000" in the workspace's Europe/Amsterdam time (CET, UTC+1)
        assert post.published_at == dt.datetime(2021, 12, 28, 17, 45)
        assert post.text.startswith("Join us Tues Jan 4th 9AM PST!\n\nSocial coworking")
        assert post.permalink == "https://twitter.com/rOpenSci/status/1475870580540952577"
        assert post.media_type is None  # not in the file: not guessed
        assert post.is_paid is False  # promoted columns are "-"
        m = _metrics(s, post)
        assert (m.impressions, m.engagements, m.shares, m.comments, m.likes) == (3423, 18, 3, 0, 9)
        assert (m.profile_visits, m.link_clicks, m.follows) == (3, 0, 0)
        assert m.extra["engagement_rate"] == pytest.approx(0.0052585451358457495)
        assert m.extra["detail_expands"] == 2 and m.extra["media_views"] == 1
        assert m.video_views is None
        assert not any(k.startswith("promoted_") for k in m.extra)  # "-" is NULL, not 0
        assert m.as_of == dt.date(2022, 1, 1)  # the end date in the file name
        entity = posts["1473352573927059456"]
        assert entity.text.startswith("Join us for social coworking & office hours")


def test_2015_favorites_header_and_handle_from_the_links(importer, ws):
    report = importer.import_file(FAVORITES_2015)
    assert report.status == "imported", report.error
    assert report.format == "x_tweet_activity_metrics_csv"
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.handle, acc.name) == ("usctrials", "USCTrials")
        posts = _posts(s, ws)
        assert len(posts) == 4
        m = _metrics(s, posts["649064976133525504"])
        assert (m.impressions, m.engagements, m.likes, m.link_clicks) == (372, 8, 1, 4)
        assert posts["649293177409679360"].published_at == dt.datetime(2015, 9, 30, 20, 42)  # CEST
        assert posts["645803391340384256"].text.startswith("Help improve the health of others & ")


def test_promoted_figures_go_to_extra_and_mark_the_post_paid(importer, ws):
    report = importer.import_file(PROMOTED, account="@acmebv")
    assert report.status == "imported", report.error
    assert not any("--account" in n for n in report.notes)  # same account, other spelling
    with ws.session() as s:
        posts = _posts(s, ws)
        paid = posts["1746827109332505902"]
        assert paid.is_paid is True
        assert paid.text == "Nieuw: onze lente-actie & gratis verzending > 50 euro"
        m = _metrics(s, paid)
        assert m.impressions == 1500  # organic only, as in the file
        assert m.paid_impressions is None
        assert m.extra["promoted_impressions"] == 1200
        assert m.extra["promoted_likes"] == 25
        assert m.extra["promoted_engagement_rate"] == pytest.approx(0.04)
        unpaid = posts["1748839079214883274"]
        assert unpaid.is_paid is False
        assert unpaid.text == "Geen promotie voor deze\nmet een tweede regel"


def test_handle_in_file_name_wins_over_account_option(importer, ws):
    report = importer.import_file(ROPENSCI, account="someone_else")
    assert report.status == "imported", report.error
    assert any("--account was not used" in n for n in report.notes)
    with ws.session() as s:
        handles = s.scalars(select(Account.handle).where(Account.workspace_id == ws.workspace_id))
        assert list(handles) == ["ropensci"]


def test_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    assert importer.import_file(ROPENSCI).status == "imported"
    assert importer.import_file(ROPENSCI).status == "unchanged"
    newer = tmp_path / ROPENSCI.name
    newer.write_bytes(ROPENSCI.read_bytes().replace(b'"3423.0"', b'"3500.0"'))
    report = importer.import_file(newer)
    assert report.status == "imported", report.error
    assert (report.rows_added, report.rows_updated) == (0, 3)
    with ws.session() as s:
        q = select(func.count(Post.id)).join(Account).where(Account.workspace_id == ws.workspace_id)
        assert s.scalar(q) == 3
        impressions = s.scalars(
            select(PostMetrics.impressions)
            .join(Post)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id)
            .where(Post.external_id == "1475870580540952577")
        ).all()
        assert impressions == [3500]


def test_bad_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / ROPENSCI.name
    bad.write_bytes(ROPENSCI.read_bytes().replace(b'"5383.0"', b'"5383.0x"'))
    report = importer.import_file(bad)
    assert report.status == "failed"
    # The second tweet: spreadsheet row 3 even though the first one spans several lines.
    assert (report.error_row, report.error_column) == (3, "impressions")
    with ws.session() as s:
        for model in (Account, ImportBatch):
            q = select(func.count()).select_from(model).where(model.workspace_id == ws.workspace_id)
            assert s.scalar(q) == 0


def test_x_handle_normalises_handles_only():
    assert x_handle("@rOpenSci") == "ropensci"
    assert x_handle(" AcmeBV ") == "acmebv"
    assert x_handle("Acme BV (NL)") == "Acme BV (NL)"


@pytest.mark.parametrize("path", [ROPENSCI, FAVORITES_2015, PROMOTED])
def test_detection_picks_this_format(path):
    assert detect(path, builtin_formats()).format.name == "x_tweet_activity_metrics_csv"


def test_does_not_claim_other_formats_samples():
    for path in sorted(FORMATS.rglob("*")):
        if not path.is_file() or path.suffix == ".txt" or "tweet_activity" in path.name:
            continue
        if path.name.startswith("twitter_activity_metrics"):
            continue
        try:
            probe = probe_file(path)
        except FileUnreadable:
            continue
        with pytest.raises(FormatNotRecognised):
            detect_probe(probe, [FORMAT])
