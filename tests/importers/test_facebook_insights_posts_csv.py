from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.importers.facebook_insights_posts_csv import FORMAT
from socialdesk.model import Account, ImportBatch, Post, PostMetrics
from tests.conftest import fixture_path

NAME_2017 = "Facebook Insights Data Export (Post Level) - USC Clinical Trials - 2017-01-19.csv"
EXPORT_2017 = fixture_path("meta", NAME_2017)
EXPORT_2015 = fixture_path("meta", "facebook_insights_post_export_2015.csv")

# 1-based positions of the duplicated video-view columns in the 2017 header
ORGANIC_VIEWS, ORGANIC_VIEWS_2, PAID_VIEWS, PAID_VIEWS_2 = 31, 32, 33, 34


def _rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _write(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(codecs.BOM_UTF8 + buf.getvalue().encode("utf-8"))
    return path


def _only_post(s, ws) -> tuple[Post, PostMetrics]:
    q = select(Post).join(Account).where(Account.workspace_id == ws.workspace_id)
    post = s.scalars(q).one()
    return post, s.scalars(select(PostMetrics).where(PostMetrics.post_id == post.id)).one()


def test_2017_export_skips_the_description_row_and_lands_exactly(importer, ws):
    report = importer.import_file(EXPORT_2017)
    assert report.status == "imported", report.error
    assert report.format == "facebook_insights_posts_csv"
    assert (report.rows_read, report.rows_added, report.rows_skipped) == (1, 1, 0)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        # the page name from the default file name, the page id from "<pageid>_<postid>"
        assert (acc.platform, acc.handle, acc.external_id) == (
            "facebook",
            "USC Clinical Trials",
            "1605839243031680",
        )
        post, m = _only_post(s, ws)
        assert post.external_id == "1867404650208470"
        assert post.published_at == dt.datetime(2017, 1, 19, 9, 3, 47)
        assert (post.media_type, post.source_type, post.is_paid) == ("link", "Link", False)
        assert post.text.startswith("Your participation matters!")
        assert post.permalink == "https://www.facebook.com/USCTrials/posts/1867404650208470"
        assert m.as_of == dt.date(2017, 1, 19)  # the date in the file name
        # 35,35,0,60,60,0,2,1,1,0,0 … ; stories by action type 1,1,1; consumptions other clicks 1
        assert (m.reach, m.paid_reach, m.impressions, m.paid_impressions) == (35, 0, 60, 0)
        assert (m.engagements, m.likes, m.comments, m.shares, m.other_clicks) == (2, 1, 1, 1, 1)
        assert (m.negative_feedback, m.video_views) == (0, 0)
        assert m.link_clicks is None  # no such column in this export
        assert m.extra["consumers"] == 1 and m.extra["consumptions"] == 1
        assert m.extra["organic_reach"] == 35
        assert m.extra["people_who_have_liked_your_page_and_engaged_with_your_post"] == 1
        assert m.extra["talking_about_this_post_by_action_type_comment"] == 1
        assert "audience_targeting" not in m.extra  # a single space is NULL


def test_2015_export_keeps_each_figure_in_its_own_place(importer, ws):
    report = importer.import_file(EXPORT_2015, as_of=dt.date(2015, 10, 2))
    assert report.status == "imported", report.error
    assert report.format == "facebook_insights_posts_csv"
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.handle, acc.external_id) == ("951745098223517", "951745098223517")
        posts = {p.external_id: p for p in s.scalars(select(Post).where(Post.account_id == acc.id))}
        first = posts["980422845355742"]
        assert first.published_at == dt.datetime(2015, 10, 1, 21, 0)
        assert posts["980216225376404"].published_at == dt.datetime(2015, 10, 1, 9, 22)
        assert (first.media_type, first.is_paid) == ("photo", True)
        m = s.scalars(select(PostMetrics).where(PostMetrics.post_id == first.id)).one()
        # the spec numbered the first 16 figures 8..23, column by column
        assert (m.reach, m.paid_reach, m.impressions, m.paid_impressions, m.engagements) == (
            8,
            10,
            11,
            13,
            14,
        )
        assert (m.extra["organic_reach"], m.extra["organic_impressions"]) == (9, 12)
        assert (m.extra["consumers"], m.extra["consumptions"]) == (15, 16)
        # "Negative feedback" is people (Unique Users), "… from Users" is times (Total Count)
        assert (m.negative_feedback, m.extra["negative_feedback_people"]) == (18, 17)
        assert m.extra["paid_reach_of_a_post_by_people_who_like_your_page"] == 22
        assert m.video_views is None  # empty cells: NULL, not 0
        assert "organic_video_views" not in m.extra


def _with_video_views(
    tmp_path: Path, name: str, *, swap: bool = False, describe: bool = True
) -> Path:
    rows = _rows(EXPORT_2017)
    data = rows[2]
    for pos, value in (
        (ORGANIC_VIEWS, "120"),
        (ORGANIC_VIEWS_2, "90"),
        (PAID_VIEWS, "30"),
        (PAID_VIEWS_2, "25"),
    ):
        data[pos - 1] = value
    if swap:  # an export that lists Unique Users before Total Count
        desc = rows[1]
        for a, b in ((ORGANIC_VIEWS, ORGANIC_VIEWS_2), (PAID_VIEWS, PAID_VIEWS_2)):
            desc[a - 1], desc[b - 1] = desc[b - 1], desc[a - 1]
    if not describe:
        rows.pop(1)
    return _write(tmp_path / name, rows)


@pytest.mark.parametrize(
    ("swap", "describe", "views", "viewers"),
    [(False, True, 150, 90), (True, True, 115, 120), (False, False, 150, 90)],
    ids=["described", "described-unique-first", "no-description-row"],
)
def test_duplicate_headers_are_told_apart_by_the_description_row(
    importer, ws, tmp_path, swap, describe, views, viewers
):
    path = _with_video_views(tmp_path, NAME_2017, swap=swap, describe=describe)
    report = importer.import_file(path)
    assert report.status == "imported", report.error
    assert report.rows_read == 1
    with ws.session() as s:
        _post, m = _only_post(s, ws)
        assert m.video_views == views  # organic + paid Total Count
        assert m.extra["organic_video_viewers"] == viewers
    noted = any("no description row" in n for n in report.notes)
    assert noted == (not describe)


def test_reimport_changes_nothing_and_newer_export_updates_in_place(importer, ws, tmp_path):
    first = importer.import_file(EXPORT_2017)
    again = importer.import_file(EXPORT_2017)
    assert first.status == "imported" and again.status == "unchanged"
    newer = tmp_path / NAME_2017
    newer.write_bytes(EXPORT_2017.read_bytes().replace(b'," ",35,35,0,60,', b'," ",41,41,0,72,'))
    third = importer.import_file(newer)
    assert third.status == "imported", third.error
    assert (third.rows_added, third.rows_updated) == (0, 1)
    with ws.session() as s:
        _post, m = _only_post(s, ws)
        assert (m.reach, m.impressions) == (41, 72)


def test_a_wrong_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / NAME_2017
    bad.write_bytes(EXPORT_2017.read_bytes().replace(b'," ",35,35,0,60,', b'," ",35,abc,0,60,'))
    report = importer.import_file(bad)
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (3, "Lifetime Post organic reach")
    with ws.session() as s:
        q = select(func.count(ImportBatch.id)).where(ImportBatch.workspace_id == ws.workspace_id)
        assert s.scalar(q) == 0
        q = select(func.count(Account.id)).where(Account.workspace_id == ws.workspace_id)
        assert s.scalar(q) == 0


@pytest.mark.parametrize("path", [EXPORT_2017, EXPORT_2015])
def test_detection_picks_the_legacy_export(path):
    assert detect(path, builtin_formats()).format.name == FORMAT.name


@pytest.mark.parametrize(
    "name",
    ["meta_business_suite_facebook_posts_nl.csv", "meta_business_suite_facebook_posts_en.csv"],
)
def test_business_suite_exports_are_not_taken_for_the_legacy_one(name):
    found = detect(fixture_path("meta", name), builtin_formats()).format.name
    assert found == "meta_business_suite_facebook_posts_csv"
