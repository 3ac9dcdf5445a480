from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.model import Account, AudienceShare, Post, PostMetrics
from tests.conftest import fixture_path

CONTENT = fixture_path("youtube", "youtube_studio_content_table_data.csv")
REVENUE = fixture_path("youtube", "youtube_studio_Table data_revenue_columns.csv")
SPANISH = fixture_path("youtube", "Datos de la tabla.csv")
TRAFFIC = fixture_path("youtube", "youtube_studio_traffic_table_data.csv")
AS_OF = dt.date(2024, 9, 9)


def _posts(ws) -> dict[str, Post]:
    with ws.session() as s:
        posts = s.scalars(select(Post).join(Account).where(Account.workspace_id == ws.workspace_id))
        return {p.external_id: p for p in posts}


def _metrics(ws) -> dict[str, PostMetrics]:
    with ws.session() as s:
        rows = s.execute(
            select(Post.external_id, PostMetrics)
            .join(Post, PostMetrics.post_id == Post.id)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id)
        ).all()
        return dict(rows)


def _zip(tmp_path: Path, name: str, members: dict[str, Path]) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for member, source in members.items():
            zf.write(source, member)
    return path


def test_content_table_posts_with_total_row_dropped(importer, ws):
    report = importer.import_file(CONTENT, as_of=AS_OF)
    assert report.status == "imported", report.error
    assert report.format == "youtube_studio_table_csv"
    assert (report.rows_read, report.rows_added, report.rows_skipped) == (3, 3, 1)
    posts = _posts(ws)
    assert set(posts) == {"WcGwa_XZQxI", "DDPoud4wCtY", "-e0JZNRR-QA"}  # " -e0JZNRR-QA" stripped
    digital = posts["WcGwa_XZQxI"]
    assert digital.title == digital.text == "Importance of Digital Literacy"
    assert digital.published_at == dt.datetime(2024, 8, 12)
    assert (digital.duration_seconds, digital.media_type) == (2497, "video")
    assert digital.permalink == "https://www.youtube.com/watch?v=WcGwa_XZQxI"
    assert posts["-e0JZNRR-QA"].published_at is None  # empty publish time
    m = _metrics(ws)["WcGwa_XZQxI"]
    assert m.as_of == AS_OF
    assert (m.views, m.watch_time_hours, m.follows, m.impressions) == (239, 3.3871, 3, 1308)
    assert m.avg_view_seconds == 51  # 0:00:51
    assert m.extra["impressions_ctr"] == pytest.approx(0.1078)
    assert m.extra["avg_percentage_viewed"] == pytest.approx(0.0204)
    assert m.extra["engaged_views"] == 239
    assert "regular_viewers" not in m.extra  # blank cell: not available, not zero
    assert m.likes is None and m.reach is None
    ethioware = _metrics(ws)["-e0JZNRR-QA"]
    assert ethioware.impressions == 0  # a real zero
    assert "impressions_ctr" not in ethioware.extra  # blank
    assert any("period chosen in YouTube Studio" in n for n in report.notes)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle, acc.currency) == ("youtube", "YouTube channel", None)


def test_revenue_columns_keep_their_currency(importer, ws):
    report = importer.import_file(REVENUE, as_of=dt.date(2025, 6, 1), account="12 Tribes")
    assert report.status == "imported", report.error
    assert (report.rows_read, report.rows_skipped) == (1, 1)
    m = _metrics(ws)["UObM30FGdSs"]
    assert (m.views, m.watch_time_hours, m.follows, m.impressions) == (115217, 1634.71, 1446, 99676)
    assert m.avg_view_seconds == 65
    assert m.extra["avg_percentage_viewed"] == pytest.approx(1.462)  # Shorts loop past 100%
    assert m.extra["stayed_to_watch"] == pytest.approx(0.7063)
    assert m.extra["currency"] == "USD"
    assert "estimated_revenue" not in m.extra  # blank for this video
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.handle, acc.currency) == ("12 Tribes", "USD")


def test_localised_member_name_thumbnail_impressions_and_mxn(importer, ws):
    report = importer.import_file(SPANISH, as_of=dt.date(2026, 9, 9))
    assert report.status == "imported", report.error
    assert report.format == "youtube_studio_table_csv"
    posts = _posts(ws)
    assert posts["-Xy3kQ9pL0A"].title == "Cómo empezar\ncon Python"
    assert posts["-Xy3kQ9pL0A"].published_at == dt.datetime(2026, 9, 2)
    m = _metrics(ws)["-Xy3kQ9pL0A"]
    assert (m.views, m.impressions, m.follows, m.avg_view_seconds) == (1200, 15000, 10, 93)
    assert m.extra["impressions_ctr"] == pytest.approx(0.052)
    assert (m.extra["estimated_revenue"], m.extra["currency"]) == (70.12, "MXN")


def test_zip_name_gives_period_and_snapshot_date(importer, ws, tmp_path):
    path = _zip(
        tmp_path,
        "Content 2021-07-16_2024-09-09 Ethioware.zip",
        {
            "Table data.csv": CONTENT,
            "Chart data.csv": fixture_path("youtube", "youtube_studio_content_chart_data.csv"),
            "Totals.csv": fixture_path("youtube", "youtube_studio_content_totals.csv"),
        },
    )
    reports = {Path(r.file).name.rsplit(":", 1)[1]: r for r in importer.import_paths([path])}
    assert {k: r.format for k, r in reports.items()} == {
        "Table data.csv": "youtube_studio_table_csv",
        "Chart data.csv": "youtube_studio_chart_csv",
        "Totals.csv": "youtube_studio_totals_csv",
    }
    errors = [r.error for r in reports.values() if r.status != "imported"]
    assert errors == []
    m = _metrics(ws)["WcGwa_XZQxI"]
    assert m.as_of == dt.date(2024, 9, 9)
    assert (m.extra["period_start"], m.extra["period_end"]) == ("2021-07-16", "2024-09-09")


def test_period_from_the_chart_beside_it_when_the_name_has_none(importer, ws, tmp_path):
    path = _zip(
        tmp_path,
        "export.zip",
        {
            "Datos de la tabla.csv": CONTENT,
            "Datos del gráfico.csv": fixture_path(
                "youtube", "youtube_studio_content_chart_data.csv"
            ),
        },
    )
    reports = importer.import_paths([path], as_of=AS_OF)
    assert all(r.status == "imported" for r in reports), [r.error for r in reports]
    m = _metrics(ws)["WcGwa_XZQxI"]
    assert (m.extra["period_start"], m.extra["period_end"]) == ("2021-07-16", "2021-07-18")


def test_traffic_source_table_is_audience_not_posts(importer, ws):
    report = importer.import_file(TRAFFIC, as_of=AS_OF)
    assert report.status == "imported", report.error
    assert report.format == "youtube_studio_table_csv"
    assert report.rows_skipped == 1
    assert _posts(ws) == {}
    with ws.session() as s:
        rows = s.scalars(
            select(AudienceShare)
            .join(Account, AudienceShare.account_id == Account.id)
            .where(Account.workspace_id == ws.workspace_id)
        ).all()
    got = {(r.dimension, r.bucket): (r.count, r.share) for r in rows}
    assert got[("traffic_source:views", "Browse features")] == (2640, pytest.approx(2640 / 8244))
    assert got[("traffic_source:views", "External")] == (2243, pytest.approx(2243 / 8244))
    assert got[("traffic_source:watch_time_hours", "External")] == (
        121.3985,
        pytest.approx(121.3985 / 531.8714),
    )
    assert got[("traffic_source:impressions", "External")] == (None, None)  # blank: unknown
    assert {r.as_of for r in rows} == {AS_OF}
    assert not any(d.startswith("traffic_source:avg") for d, _b in got)
    assert any("Average view duration" in n for n in report.notes)


def test_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    assert importer.import_file(CONTENT, as_of=AS_OF).status == "imported"
    assert importer.import_file(CONTENT, as_of=AS_OF).status == "unchanged"
    newer = tmp_path / "Table data.csv"
    newer.write_bytes(CONTENT.read_bytes().replace(b",239,239,3.3871,", b",250,250,3.5,"))
    report = importer.import_file(newer, as_of=AS_OF)
    assert (report.status, report.rows_added, report.rows_updated) == ("imported", 0, 3)
    assert _metrics(ws)["WcGwa_XZQxI"].views == 250
    with ws.session() as s:
        n = s.scalar(
            select(func.count(PostMetrics.id))
            .join(Post)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id)
        )
        assert n == 3


@pytest.mark.parametrize(
    ("old", "new", "row", "column"),
    [
        (b",239,239,3.3871,", b",239,lots,3.3871,", 3, "Views"),
        (b'"Apr 8, 2025"', b'"Apr 38, 2025"', 4, "Video publish time"),
        (b",0:02:49,", b",2 min,", 4, "Average view duration"),
    ],
)
def test_bad_cell_names_row_and_column_and_changes_nothing(
    importer, ws, tmp_path, old, new, row, column
):
    bad = tmp_path / "Table data.csv"
    bad.write_bytes(CONTENT.read_bytes().replace(old, new))
    report = importer.import_file(bad, as_of=AS_OF)
    assert (report.status, report.error_row, report.error_column) == ("failed", row, column)
    assert _posts(ws) == {}


def test_detection_picks_table_for_every_table_sample():
    for path in (CONTENT, REVENUE, SPANISH, TRAFFIC):
        assert detect(path, builtin_formats()).format.name == "youtube_studio_table_csv"
