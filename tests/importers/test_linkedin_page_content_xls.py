from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlrd
from sqlalchemy import func, select

from socialdesk.errors import FileUnreadable, FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.base import ReadContext
from socialdesk.importers.detect import detect, detect_probe
from socialdesk.importers.linkedin_page_content_xls import FORMAT, snapshot_date
from socialdesk.importers.runner import date_from_name
from socialdesk.importers.tabular import probe_file
from socialdesk.model import Account, AccountDay, ImportBatch, Post, PostMetrics
from tests.conftest import FORMATS, fixture_path

REAL = fixture_path("linkedin", "linkedin_page_content_export.xls")
AS_OF = dt.date(2025, 7, 31)
FIRST_POST = "urn:li:activity:7355562008013860867"  # row 3 of "All posts"
VIDEO_POST = "urn:li:activity:7322657449314848769"

# The headers of exports from before the 2024 renames (FORMATS.md 3a), one with a line break.
OLD_HEADERS = {
    "Post title": "Update title",
    "Post link": "Update link",
    "Post type": "Update type",
    "Views": "Views (excluding\noff-site video views)",
    "Offsite Views": "Off-site views",
    "Reposts": "Shares",
    "Reposts (organic)": "Shares (organic)",
    "Reposts (sponsored)": "Shares (sponsored)",
    "Reposts (total)": "Shares (total)",
}


def resave_as_xlsx(
    dst: Path,
    headers: dict[str, str] | None = None,
    edits: dict[tuple[str, int, str], Any] | None = None,
) -> Path:
    """The real .xls saved again as .xlsx (what Excel's "Save as" gives), cell types kept.

    `headers` renames header cells; `edits` sets (sheet, 1-based row, header) -> value.
    """
    headers = headers or {}
    edits = edits or {}
    book = xlrd.open_workbook(str(REAL))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sh in book.sheets():
        ws = wb.create_sheet(sh.name)
        header = sh.row_values(1)
        for r in range(sh.nrows):
            row = sh.row_values(r)
            if r == 1:
                row = [headers.get(h, h) for h in row]
            for c, value in enumerate(row):
                value = edits.get((sh.name, r + 1, header[c]), value)
                ws.cell(r + 1, c + 1, None if value == "" else value)
    wb.save(dst)
    return dst


def _posts(s, ws) -> dict[str, Post]:
    q = select(Post).join(Account).where(Account.workspace_id == ws.workspace_id)
    return {p.external_id: p for p in s.scalars(q)}


def _metrics(s, post: Post) -> PostMetrics:
    return s.scalars(select(PostMetrics).where(PostMetrics.post_id == post.id)).one()


def _days(s, ws) -> dict[dt.date, AccountDay]:
    q = (
        select(AccountDay)
        .join(Account, AccountDay.account_id == Account.id)
        .where(Account.workspace_id == ws.workspace_id)
    )
    return {d.date: d for d in s.scalars(q)}


def test_real_workbook_imports_posts_and_daily_metrics(importer, ws):
    report = importer.import_file(REAL, as_of=AS_OF)
    assert report.status == "imported", report.error
    assert report.format == "linkedin_page_content_xls"
    assert report.rows_read == 53 + 365
    assert report.counts["post"] == {"added": 53, "updated": 0}
    assert report.counts["account_day"] == {"added": 365, "updated": 0}
    assert any("negative" in n for n in report.notes)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle) == ("linkedin", "LinkedIn page")
        posts = _posts(s, ws)
        assert len(posts) == 53
        post = posts[FIRST_POST]
        assert post.published_at == dt.datetime(2025, 7, 28)
        assert post.text.startswith("Call for Junior Creatives: \n\nSocial Media Managers\n")
        assert post.permalink == "https://www.linkedin.com/feed/update/" + FIRST_POST
        assert post.is_paid is False  # Post type "Organic"
        assert post.media_type is None  # Content Type empty: not guessed
        m = _metrics(s, post)
        assert (m.impressions, m.clicks, m.reactions, m.comments, m.shares) == (532, 27, 5, 0, 1)
        assert m.follows is None and m.video_views is None  # empty cells: NULL, never 0
        assert m.extra["ctr"] == pytest.approx(27 / 532, rel=1e-6)  # a fraction, as in the file
        assert m.extra["engagement_rate"] == pytest.approx(0.06203007698059082)
        assert m.extra["posted_by"] == "Anteneh Yimmam"
        assert m.extra["audience"] == "All followers"
        assert "offsite_views" not in m.extra
        assert m.as_of == AS_OF
        video = posts[VIDEO_POST]
        assert (video.media_type, video.source_type) == ("video", "Video")
        assert video.published_at == dt.datetime(2025, 4, 28)
        assert _metrics(s, video).video_views == 518
        days = _days(s, ws)
        assert len(days) == 365
        first = days[dt.date(2024, 7, 30)]
        assert (first.impressions, first.clicks, first.reactions, first.comments, first.shares) == (
            34,
            2,
            0,
            0,
            0,
        )
        assert first.extra["unique_impressions_organic"] == 12
        assert first.extra["impressions_sponsored"] == 0
        assert first.extra["engagement_rate_total"] == pytest.approx(0.058823529411764705)
        assert first.followers is None and first.reach is None
        assert days[dt.date(2024, 8, 7)].reactions == -7  # un-likes: kept as written
        assert days[dt.date(2024, 11, 25)].shares == -1
        assert days[dt.date(2025, 7, 29)].impressions == 207


def test_company_in_default_file_name_names_the_page(importer, ws, tmp_path):
    path = tmp_path / "ethioware_content_1753833600000.xls"
    path.write_bytes(REAL.read_bytes())
    report = importer.import_file(path, as_of=AS_OF, account="Someone else")
    assert report.status == "imported", report.error
    assert any("--account was not used" in n for n in report.notes)
    with ws.session() as s:
        handles = s.scalars(select(Account.handle).where(Account.workspace_id == ws.workspace_id))
        assert list(handles) == ["ethioware"]


def test_account_option_names_a_renamed_file(importer, ws):
    report = importer.import_file(REAL, as_of=AS_OF, account="Ethioware")
    assert report.status == "imported", report.error
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert acc.handle == "Ethioware"


def test_snapshot_date_from_epoch_in_the_file_name():
    name = "acme_content_1720110807803.xls"
    assert date_from_name(name) is None  # digits inside a longer number are no date
    ctx = ReadContext(file=name, as_of=dt.date(2026, 1, 2), as_of_source="modified time")
    assert snapshot_date(ctx) == dt.date(2024, 7, 4)
    given = ReadContext(file=name, as_of=dt.date(2024, 7, 5), as_of_source="option")
    assert snapshot_date(given) == dt.date(2024, 7, 5)


def test_xlsx_resave_with_older_headers(importer, ws, tmp_path):
    path = resave_as_xlsx(
        tmp_path / "linkedin_content_old.xlsx",
        OLD_HEADERS,
        edits={("All posts", 4, "Post type"): "Image"},  # a media word where Organic stood
    )
    match = detect(path, builtin_formats())
    assert match.format.name == "linkedin_page_content_xls"
    assert match.table.fields["views"] == "Views (excluding off-site video views)"
    report = importer.import_file(path, as_of=AS_OF)
    assert report.status == "imported", report.error
    assert report.counts["post"]["added"] == 53 and report.counts["account_day"]["added"] == 365
    with ws.session() as s:
        posts = _posts(s, ws)
        m = _metrics(s, posts[FIRST_POST])
        assert (m.impressions, m.shares, m.reactions) == (532, 1, 5)
        assert _metrics(s, posts[VIDEO_POST]).video_views == 518
        assert posts[FIRST_POST].published_at == dt.datetime(2025, 7, 28)
        second = posts["urn:li:activity:7353764451306590208"]
        assert (second.media_type, second.is_paid) == ("photo", None)
        assert posts[FIRST_POST].media_type is None  # "Organic" is no media type
        days = _days(s, ws)
        assert days[dt.date(2024, 11, 25)].shares == -1
        assert days[dt.date(2024, 11, 25)].extra["reposts_organic"] == -1


def test_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    assert importer.import_file(REAL, as_of=AS_OF).status == "imported"
    again = importer.import_file(REAL, as_of=AS_OF)
    assert again.status == "unchanged"
    # The same period exported again a bit later: same posts and days, higher figures.
    newer = resave_as_xlsx(
        tmp_path / "newer.xlsx",
        edits={
            ("All posts", 3, "Impressions"): 600.0,
            ("Metrics", 367, "Impressions (total)"): 250.0,
        },
    )
    third = importer.import_file(newer, as_of=AS_OF)
    assert third.status == "imported", third.error
    assert third.counts["post"] == {"added": 0, "updated": 53}
    assert third.counts["account_day"] == {"added": 0, "updated": 365}
    with ws.session() as s:
        q = select(func.count(Post.id)).join(Account).where(Account.workspace_id == ws.workspace_id)
        assert s.scalar(q) == 53
        assert _metrics(s, _posts(s, ws)[FIRST_POST]).impressions == 600
        days = _days(s, ws)
        assert len(days) == 365
        assert days[dt.date(2025, 7, 29)].impressions == 250


@pytest.mark.parametrize(
    ("edit", "row", "column", "sheet"),
    [
        (("All posts", 4, "Impressions"), 4, "Impressions", "All posts"),
        (("Metrics", 12, "Date"), 12, "Date", "Metrics"),
    ],
)
def test_bad_cell_names_row_and_column_and_changes_nothing(
    importer, ws, tmp_path, edit, row, column, sheet
):
    path = resave_as_xlsx(tmp_path / "bad.xlsx", edits={edit: "lots"})
    report = importer.import_file(path, as_of=AS_OF)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (row, column)
    assert "'lots'" in report.error and f"sheet {sheet!r}" in report.error
    with ws.session() as s:
        for model in (Account, ImportBatch):
            q = select(func.count()).select_from(model).where(model.workspace_id == ws.workspace_id)
            assert s.scalar(q) == 0


def test_detection_picks_this_format_for_the_real_export():
    match = detect(REAL, builtin_formats())
    assert match.format.name == "linkedin_page_content_xls"
    assert match.table.sheet == "All posts" and match.table.header_index == 1


def test_does_not_claim_other_formats_samples():
    for path in sorted(FORMATS.rglob("*")):
        if not path.is_file() or path.parent.name in ("linkedin",) or path.suffix == ".txt":
            continue
        try:
            probe = probe_file(path)
        except FileUnreadable:
            continue
        with pytest.raises(FormatNotRecognised):
            detect_probe(probe, [FORMAT])
