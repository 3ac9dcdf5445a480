from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from socialdesk.errors import FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect, detect_probe
from socialdesk.importers.meta_business_suite_instagram_posts_csv import FORMAT
from socialdesk.importers.tabular import probe_file
from socialdesk.model import Account, ImportBatch, Post, PostMetrics
from tests.conftest import fixture_path

EN = fixture_path("meta", "meta_business_suite_instagram_posts_en.csv")
OTHER_ORDER = fixture_path("meta", "meta_business_suite_instagram_posts_other_order.csv")
NL = fixture_path("meta", "meta_business_suite_instagram_posts_nl.csv")
FB_NL = fixture_path("meta", "meta_business_suite_facebook_posts_nl.csv")
FB_EN = fixture_path("meta", "meta_business_suite_facebook_posts_en.csv")


def _posts(s, ws) -> dict[str, Post]:
    q = select(Post).join(Account).where(Account.workspace_id == ws.workspace_id)
    return {p.external_id: p for p in s.scalars(q)}


def _metrics(s, post: Post) -> PostMetrics:
    return s.scalars(select(PostMetrics).where(PostMetrics.post_id == post.id)).one()


def test_english_export_lands_with_lifetime_totals(importer, ws):
    report = importer.import_file(EN, as_of=dt.date(2026, 2, 1))
    assert report.status == "imported", report.error
    assert report.format == "meta_business_suite_instagram_posts_csv"
    assert (report.rows_read, report.rows_added, report.rows_updated) == (3, 3, 0)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle, acc.name, acc.external_id) == (
            "instagram",
            "prinspetfoods",
            "Prins Petfoods",
            "17841400000000001",
        )
        posts = _posts(s, ws)
        image = posts["17912345678901234"]
        assert (image.media_type, image.source_type) == ("photo", "IG image")
        assert image.published_at == dt.datetime(2026, 1, 5, 18, 30)
        assert image.text == "Nieuw: ons graanvrije brokje!\nProbeer het nu, link in bio."
        assert image.permalink == "https://www.instagram.com/p/DAbcdEF1234/"
        m = _metrics(s, image)
        assert (m.views, m.reach, m.likes, m.shares, m.follows, m.comments, m.saves) == (
            15000,
            9800,
            410,
            12,
            3,
            20,
            55,
        )
        assert m.as_of == dt.date(2026, 2, 1)
        assert m.impressions is None and m.engagements is None  # not in the file: not invented
        carousel = posts["17912345678901235"]
        assert carousel.media_type == "carousel"
        m = _metrics(s, carousel)
        assert (m.views, m.reach) == (2480, 1950)
        assert m.shares is None  # an empty cell is NULL ...
        assert m.follows == 0  # ... and a zero is a zero
        reel = posts["17912345678901236"]
        assert (reel.media_type, reel.duration_seconds) == ("reel", 32)
        m = _metrics(s, reel)
        assert (m.views, m.reach, m.likes, m.saves) == (121304, 88912, 1204, 1010)


def test_other_column_order_and_one_file_holding_two_accounts(importer, ws):
    report = importer.import_file(OTHER_ORDER, as_of=dt.date(2026, 2, 10))
    assert report.status == "imported", report.error
    with ws.session() as s:
        accounts = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).all()
        assert sorted(a.handle for a in accounts) == ["despaak.events", "stichting.despaak"]
        posts = _posts(s, ws)
        m = _metrics(s, posts["17990000000000001"])
        # Views,Likes,Shares,Comments,Saves,Reach,Follows = 160,5,3,2,4,45,1
        assert (m.views, m.likes, m.shares, m.comments, m.saves, m.reach, m.follows) == (
            160,
            5,
            3,
            2,
            4,
            45,
            1,
        )
        reel = posts["17990000000000002"]
        owner = s.get(Account, reel.account_id)
        assert (owner.handle, owner.name) == ("despaak.events", "De Spaak Events")
        assert _metrics(s, reel).reach == 2050


def test_dutch_export_with_localised_post_types(importer, ws):
    report = importer.import_file(NL, as_of=dt.date(2026, 1, 31))
    assert report.status == "imported", report.error
    assert report.format == "meta_business_suite_instagram_posts_csv"
    with ws.session() as s:
        posts = _posts(s, ws)
        assert [posts[k].media_type for k in sorted(posts)] == ["photo", "carousel", "reel"]
        assert posts["17912345678901301"].published_at == dt.datetime(2025, 12, 24, 10, 0)
        m = _metrics(s, posts["17912345678901303"])
        assert (m.views, m.reach, m.likes, m.shares, m.follows, m.comments) == (
            20877,
            15002,
            998,
            77,
            19,
            41,
        )
        assert m.saves is None  # "-" is a null token


def test_reimport_changes_nothing_and_newer_export_updates_in_place(importer, ws, tmp_path):
    first = importer.import_file(EN, as_of=dt.date(2026, 2, 1))
    again = importer.import_file(EN, as_of=dt.date(2026, 2, 1))
    assert first.status == "imported" and again.status == "unchanged"
    newer = tmp_path / "Jan-01-2026_Jan-31-2026_newer.csv"
    newer.write_bytes(EN.read_bytes().replace(b'"15,000",9800', b'"15,250",9900'))
    third = importer.import_file(newer, as_of=dt.date(2026, 2, 1))
    assert third.status == "imported", third.error
    assert (third.rows_added, third.rows_updated) == (0, 3)
    with ws.session() as s:
        q = select(func.count(Post.id)).join(Account).where(Account.workspace_id == ws.workspace_id)
        assert s.scalar(q) == 3
        image = _posts(s, ws)["17912345678901234"]
        assert (_metrics(s, image).views, _metrics(s, image).reach) == (15250, 9900)


def test_a_wrong_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / "instagram.csv"
    bad.write_bytes(EN.read_bytes().replace(b'"1,950",88,', b'"1,950",lots,'))
    report = importer.import_file(bad)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (3, "Likes")
    assert "'lots' is not a number" in report.error
    with ws.session() as s:
        q = select(func.count(Account.id)).where(Account.workspace_id == ws.workspace_id)
        assert s.scalar(q) == 0
        assert (
            s.scalar(
                select(func.count(ImportBatch.id)).where(
                    ImportBatch.workspace_id == ws.workspace_id
                )
            )
            == 0
        )


@pytest.mark.parametrize("path", [EN, OTHER_ORDER, NL])
def test_detection_picks_instagram_not_facebook(path):
    assert detect(path, builtin_formats()).format.name == FORMAT.name


@pytest.mark.parametrize("path", [FB_NL, FB_EN])
def test_facebook_exports_are_not_taken_for_instagram(path):
    assert detect(path, builtin_formats()).format.name == "meta_business_suite_facebook_posts_csv"
    with pytest.raises(FormatNotRecognised):
        detect_probe(probe_file(path), [FORMAT])
