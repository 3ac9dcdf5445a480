from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from socialdesk.model import Account, Post, PostMetrics
from tests.conftest import fixture_path


def test_dutch_export_imports_with_lifetime_totals(importer, ws):
    path = fixture_path("meta", "meta_business_suite_facebook_posts_nl.csv")
    report = importer.import_file(path, as_of=dt.date(2026, 2, 1))
    assert report.status == "imported", report.error
    assert report.format == "meta_business_suite_facebook_posts_csv"
    assert (report.rows_read, report.rows_added, report.rows_updated) == (3, 3, 0)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle, acc.external_id) == (
            "facebook",
            "Prins Petfoods",
            "100070127373046",
        )
        post = s.scalars(
            select(Post).where(Post.account_id == acc.id, Post.external_id == "1187155163632052")
        ).one()
        assert post.media_type == "photo" and post.source_type == "Foto's"
        assert post.published_at == dt.datetime(2026, 1, 7, 6, 2)
        assert post.text.startswith("Hoe reageerde jouw hond")
        m = s.scalars(select(PostMetrics).where(PostMetrics.post_id == post.id)).one()
        assert (m.views, m.reach, m.engagements, m.reactions, m.comments, m.shares) == (
            41928,
            27610,
            730,
            76,
            652,
            2,
        )
        assert (m.clicks, m.other_clicks, m.negative_feedback) == (2578, 2465, 4)
        assert m.link_clicks is None  # not in this export: never an invented zero
        assert m.saves is None
        assert m.as_of == dt.date(2026, 2, 1)


def test_english_export_thousands_and_multiline(importer, ws):
    report = importer.import_file(fixture_path("meta", "meta_business_suite_facebook_posts_en.csv"))
    assert report.status == "imported", report.error
    with ws.session() as s:
        posts = {
            p.external_id: p
            for p in s.scalars(
                select(Post).join(Account).where(Account.workspace_id == ws.workspace_id)
            )
        }
        assert posts["900000000000000001"].media_type == "link"
        assert "\n" in posts["900000000000000001"].text
        assert posts["900000000000000002"].media_type == "video"
        assert posts["900000000000000002"].text == "Bekijk de video van onze actie"
        views = s.scalar(
            select(PostMetrics.views).where(PostMetrics.post_id == posts["900000000000000001"].id)
        )
        assert views == 12480


def test_reimport_changes_nothing_and_newer_snapshot_updates(importer, ws, tmp_path):
    path = fixture_path("meta", "meta_business_suite_facebook_posts_nl.csv")
    first = importer.import_file(path, as_of=dt.date(2026, 2, 1))
    again = importer.import_file(path, as_of=dt.date(2026, 2, 1))
    assert first.status == "imported" and again.status == "unchanged"
    # A newer export of the same period: same posts, higher figures, other bytes.
    newer = tmp_path / "Jan-01-2026_Jan-31-2026_newer.csv"
    newer.write_bytes(path.read_bytes().replace(b",41928,", b",42000,"))
    third = importer.import_file(newer, as_of=dt.date(2026, 2, 1))
    assert third.status == "imported", third.error
    assert (third.rows_added, third.rows_updated) == (0, 3)
    with ws.session() as s:
        n_posts = s.scalar(
            select(func.count(Post.id)).join(Account).where(Account.workspace_id == ws.workspace_id)
        )
        assert n_posts == 3
        views = s.scalars(
            select(PostMetrics.views)
            .join(Post)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id, Post.external_id == "1187155163632052")
        ).all()
        assert views == [42000]
