from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.model import Account, Post, PostMetrics
from tests.conftest import fixture_path

SAMPLE = fixture_path("tiktok", "tiktok_studio_Content.csv")
DUTCH = fixture_path("tiktok", "tiktok_studio_Content_nl_rollover.csv")


def _posts(ws) -> dict[str, Post]:
    with ws.session() as s:
        posts = s.scalars(select(Post).join(Account).where(Account.workspace_id == ws.workspace_id))
        return {p.external_id: p for p in posts}


def _metrics(ws, external_id: str) -> list[PostMetrics]:
    with ws.session() as s:
        return list(
            s.scalars(
                select(PostMetrics)
                .join(Post)
                .join(Account)
                .where(Account.workspace_id == ws.workspace_id, Post.external_id == external_id)
                .order_by(PostMetrics.as_of)
            )
        )


def test_sample_ids_from_links_and_publish_times_from_ids(importer, ws):
    report = importer.import_file(SAMPLE, as_of=dt.date(2026, 5, 18))
    assert report.status == "imported", report.error
    assert report.format == "tiktok_studio_content_csv"
    assert (report.rows_read, report.rows_added) == (2, 2)
    posts = _posts(ws)
    assert set(posts) == {"7633532513444482335", "7470329627030965546"}
    stitch = posts["7633532513444482335"]
    assert stitch.media_type == "video"
    assert stitch.text.startswith("#stitch with @Hmblzayy")
    assert stitch.permalink == "https://www.tiktok.com/@aibiblegospels_/video/7633532513444482335"
    # 7633532513444482335 >> 32 = 2026-04-27 20:04:48 UTC = 22:04:48 in Amsterdam ("April 27")
    assert stitch.published_at == dt.datetime(2026, 4, 27, 22, 4, 48)
    # "February 11" in the UI (US time); the id says 2025-02-12 00:54:15 UTC. Inferring the year
    # from the snapshot would have said 2026: the id is right.
    assert posts["7470329627030965546"].published_at == dt.datetime(2025, 2, 12, 1, 54, 15)
    (m,) = _metrics(ws, "7633532513444482335")
    assert m.as_of == dt.date(2026, 5, 16)  # `Time`, not the export date
    assert (m.likes, m.comments, m.shares, m.views, m.video_views) == (19, 3, 3, 2653, 2653)
    assert m.reach is None and m.saves is None
    assert any("@aibiblegospels_" in n and "TikTok account" in n for n in report.notes)


def test_dutch_rollover_old_video_photo_mode_and_zero_views(importer, ws):
    report = importer.import_file(DUTCH, as_of=dt.date(2026, 1, 4), account="@bakkerijdezon")
    assert report.status == "imported", report.error
    posts = _posts(ws)
    assert posts["7588962420676406221"].published_at == dt.datetime(2025, 12, 28, 18, 30, 5)
    assert posts["7433705773792620557"].published_at == dt.datetime(2024, 11, 5, 9, 15)
    photo = posts["123456789012"]  # its id carries no usable time: "2 jan", year inferred
    assert photo.media_type == "carousel"
    assert photo.published_at == dt.datetime(2026, 1, 2)
    assert any("1 video(s)" in n for n in report.notes)
    assert not any("belong to" in n for n in report.notes)  # --account matches the links
    (m,) = _metrics(ws, "123456789012")
    assert m.as_of == dt.date(2026, 1, 3)
    assert m.views == 0 and m.likes == 12  # a real zero stays zero
    (oliebollen,) = _metrics(ws, "7588962420676406221")
    assert (oliebollen.likes, oliebollen.comments, oliebollen.shares, oliebollen.views) == (
        1204,
        37,
        15,
        23511,
    )


def test_reimport_unchanged_newer_export_updates_later_snapshot_adds(importer, ws, tmp_path):
    first = importer.import_file(DUTCH, as_of=dt.date(2026, 1, 4))
    again = importer.import_file(DUTCH, as_of=dt.date(2026, 1, 4))
    assert first.status == "imported" and again.status == "unchanged"
    same_day = tmp_path / "Content.csv"
    same_day.write_bytes(DUTCH.read_bytes().replace(b'"23511"', b'"23600"'))
    second = importer.import_file(same_day, as_of=dt.date(2026, 1, 4))
    assert (second.rows_added, second.rows_updated) == (0, 3)
    assert [m.views for m in _metrics(ws, "7588962420676406221")] == [23600]
    later = tmp_path / "Content_later.csv"
    later.write_bytes(
        DUTCH.read_bytes().replace(b'"3 jan"', b'"5 jan"').replace(b'"23511"', b'"24010"')
    )
    third = importer.import_file(later, as_of=dt.date(2026, 1, 6))
    assert third.status == "imported", third.error
    assert [(m.as_of, m.views) for m in _metrics(ws, "7588962420676406221")] == [
        (dt.date(2026, 1, 3), 23600),
        (dt.date(2026, 1, 5), 24010),
    ]
    with ws.session() as s:
        n = s.scalar(
            select(func.count(Post.id)).join(Account).where(Account.workspace_id == ws.workspace_id)
        )
        assert n == 3


def test_bad_link_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / "Content.csv"
    bad.write_bytes(DUTCH.read_bytes().replace(b"/video/7433705773792620557", b"/profile"))
    report = importer.import_file(bad, as_of=dt.date(2026, 1, 4))
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (3, "Video link")
    assert _posts(ws) == {}


def test_bad_snapshot_day_is_refused(importer, ws, tmp_path):
    bad = tmp_path / "Content.csv"
    bad.write_bytes(DUTCH.read_bytes().replace(b'"3 jan","Terugblik', b'"3 janx","Terugblik'))
    report = importer.import_file(bad, as_of=dt.date(2026, 1, 4))
    assert (report.status, report.error_row, report.error_column) == ("failed", 3, "Time")
    assert _posts(ws) == {}


def test_detection_picks_content():
    for path in (SAMPLE, DUTCH):
        assert detect(path, builtin_formats()).format.name == "tiktok_studio_content_csv"
