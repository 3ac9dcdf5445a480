from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.model import Account, AudienceShare, Post, PostMetrics
from tests.conftest import fixture_path

CONTENT = fixture_path("youtube", "youtube_studio_content_chart_data.csv")
YEARLY = fixture_path("youtube", "youtube_studio_Chart data_yearly.csv")
TRAFFIC = fixture_path("youtube", "youtube_studio_traffic_chart_data.csv")
AS_OF = dt.date(2024, 9, 9)


def _count(ws, model) -> int:
    with ws.session() as s:
        return s.scalar(
            select(func.count(model.id))
            .join(Account, model.account_id == Account.id)
            .where(Account.workspace_id == ws.workspace_id)
        )


def _posts(ws) -> dict[str, Post]:
    with ws.session() as s:
        posts = s.scalars(select(Post).join(Account).where(Account.workspace_id == ws.workspace_id))
        return {p.external_id: p for p in posts}


def test_per_video_daily_chart_stores_the_videos_but_no_daily_figures(importer, ws):
    report = importer.import_file(CONTENT, as_of=AS_OF)
    assert report.status == "imported", report.error
    assert report.format == "youtube_studio_chart_csv"
    posts = _posts(ws)
    assert set(posts) == {"-e0JZNRR-QA"}  # three days of one video, leading space stripped
    assert posts["-e0JZNRR-QA"].title == "Ethioware Product Description"
    assert posts["-e0JZNRR-QA"].duration_seconds == 96
    with ws.session() as s:
        n = s.scalar(
            select(func.count(PostMetrics.id))
            .join(Post)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id)
        )
        assert n == 0  # daily per-video figures are not lifetime totals: not stored as snapshots
    assert any("3 figures were left out" in n for n in report.notes)


def test_yearly_chart_keeps_video_details(importer, ws):
    report = importer.import_file(YEARLY, as_of=AS_OF)
    assert report.status == "imported", report.error
    video = _posts(ws)["UObM30FGdSs"]
    assert (video.published_at, video.duration_seconds) == (dt.datetime(2025, 2, 15), 45)
    assert any("yearly" in n for n in report.notes)


def test_traffic_chart_is_daily_audience_per_source(importer, ws):
    report = importer.import_file(TRAFFIC, as_of=AS_OF)
    assert report.status == "imported", report.error
    with ws.session() as s:
        rows = s.scalars(
            select(AudienceShare)
            .join(Account, AudienceShare.account_id == Account.id)
            .where(Account.workspace_id == ws.workspace_id)
        ).all()
    assert {(r.as_of, r.dimension, r.bucket, r.count, r.share) for r in rows} == {
        (dt.date(2021, 7, 16), "traffic_source_daily:views", "Direct or unknown", 0, None),
        (dt.date(2021, 7, 17), "traffic_source_daily:views", "Direct or unknown", 0, None),
    }
    assert _posts(ws) == {}


def test_reimport_unchanged_and_newer_export_updates(importer, ws, tmp_path):
    assert importer.import_file(TRAFFIC, as_of=AS_OF).status == "imported"
    assert importer.import_file(TRAFFIC, as_of=AS_OF).status == "unchanged"
    newer = tmp_path / "Chart data.csv"
    body = TRAFFIC.read_bytes().replace(b"17,Direct or unknown,0", b"17,Direct or unknown,4")
    newer.write_bytes(body)
    report = importer.import_file(newer, as_of=AS_OF)
    assert (report.rows_added, report.rows_updated) == (0, 2)
    assert _count(ws, AudienceShare) == 2
    with ws.session() as s:
        counts = s.scalars(
            select(AudienceShare.count)
            .join(Account, AudienceShare.account_id == Account.id)
            .where(Account.workspace_id == ws.workspace_id)
            .order_by(AudienceShare.as_of)
        ).all()
    assert counts == [0, 4]


def test_yearly_traffic_chart_is_refused_with_advice(importer, ws, tmp_path):
    path = tmp_path / "Chart data.csv"
    path.write_text("Date,Traffic source,Views\n2024,External,120\n2025,External,80\n")
    report = importer.import_file(path, as_of=AS_OF)
    assert report.status == "failed"
    assert "daily" in report.error
    assert _count(ws, AudienceShare) == 0


def test_bad_date_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / "Chart data.csv"
    bad.write_bytes(TRAFFIC.read_bytes().replace(b"2021-07-17", b"2021-07-32"))
    report = importer.import_file(bad, as_of=AS_OF)
    assert (report.status, report.error_row, report.error_column) == ("failed", 3, "Date")
    assert _count(ws, AudienceShare) == 0


def test_detection_picks_chart_for_every_chart_sample():
    for path in (CONTENT, YEARLY, TRAFFIC):
        assert detect(path, builtin_formats()).format.name == "youtube_studio_chart_csv"
