"""The generic mapped posts import: the UCI "Facebook metrics" excerpt and written fixtures."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.importers.generic_posts_mapped import NAME
from socialdesk.model import Account, Post, PostMetrics
from tests.conftest import FORMATS, fixture_path
from tests.importers.test_bad_input import table_counts

UCI = fixture_path("generic", "uci_facebook_metrics_excerpt.csv")
UCI_MAP = fixture_path("generic", "uci_facebook_metrics.mapping.toml")


def _posts(ws) -> dict[str, tuple[Post, PostMetrics]]:
    """external_id -> (post, its only snapshot), within this test's workspace."""
    with ws.session() as s:
        rows = s.execute(
            select(Post, PostMetrics)
            .join(Account, Post.account_id == Account.id)
            .join(PostMetrics, PostMetrics.post_id == Post.id)
            .where(Account.workspace_id == ws.workspace_id)
        ).all()
        s.expunge_all()
    return {p.external_id: (p, m) for p, m in rows}


def _by_reach(ws) -> dict[float, tuple[Post, PostMetrics]]:
    return {m.reach: (p, m) for p, m in _posts(ws).values()}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the UCI data set --------------------------------------------------------------------
def test_uci_excerpt_lands_exactly(importer, ws):
    report = importer.import_file(UCI, options={"mapping": str(UCI_MAP)})
    assert report.status == "imported", report.error
    assert report.format == NAME
    assert (report.rows_read, report.rows_added, report.rows_updated) == (20, 20, 0)
    assert any("identified by 'Page total likes'" in n for n in report.notes)
    assert any("1 row has the same id columns" in n for n in report.notes)
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
        assert (acc.platform, acc.handle) == ("facebook", "cosmetics-brand")
    posts = _by_reach(ws)
    assert len(posts) == 20
    # row 2: 139441;Photo;2;12;4;3;0;2752;5091;178;109;159;3078;1640;119;4;79;17;100
    post, m = posts[2752.0]
    assert (post.media_type, post.source_type, post.is_paid) == ("photo", "Photo", False)
    assert post.published_at is None and post.text is None
    assert (m.reach, m.impressions, m.clicks, m.engagements) == (2752, 5091, 159, 100)
    assert (m.comments, m.likes, m.shares) == (4, 79, 17)
    assert m.as_of == dt.date(2014, 12, 31)
    assert m.extra["engaged_users"] == 178 and m.extra["consumers"] == 109
    assert m.extra["impressions_by_fans"] == 3078 and m.extra["reach_by_fans"] == 1640
    assert m.extra["engaged_fans"] == 119 and m.extra["page_total_likes"] == 139441
    assert (m.extra["post_month"], m.extra["post_weekday"], m.extra["post_hour"]) == (12, 4, 3)
    assert m.views is None and m.saves is None  # not mapped: never an invented zero
    # media types through the mapping's value map
    assert posts[10460.0][0].media_type == "text"  # Status
    assert posts[3454.0][0].media_type == "link"
    video, vm = posts[36208.0]
    assert (video.media_type, video.is_paid, vm.impressions) == ("video", True, 61262)
    # row 19: 136736;Photo;1;10;6;8;0;1261;...;0;;;0 -> comment 0, like and share empty
    _, empty = posts[1261.0]
    assert (empty.comments, empty.likes, empty.shares, empty.engagements) == (0, None, None, 0)
    # row 20: share empty but like 2
    assert (posts[584.0][1].likes, posts[584.0][1].shares) == (2, None)
    # row 21: Paid empty -> unknown, not organic
    assert posts[4188.0][0].is_paid is None
    # rows 13 and 14 share every id column: two posts all the same
    assert posts[3112.0][0].external_id != posts[2847.0][0].external_id


def test_uci_reimport_unchanged_and_newer_export_updates_in_place(importer, ws, tmp_path):
    first = importer.import_file(UCI, options={"mapping": str(UCI_MAP)})
    again = importer.import_file(UCI, options={"mapping": str(UCI_MAP)})
    assert first.status == "imported" and again.status == "unchanged"
    ids_before = set(_posts(ws))
    # A newer export: same posts in the same order, higher figures (likes 79 -> 85).
    newer = tmp_path / "dataset_Facebook_2015.csv"
    newer.write_bytes(UCI.read_bytes().replace(b";4;79;17;100\r\n", b";4;85;17;106\r\n"))
    third = importer.import_file(newer, options={"mapping": str(UCI_MAP)})
    assert third.status == "imported", third.error
    assert (third.rows_added, third.rows_updated) == (0, 20)
    posts = _by_reach(ws)
    assert set(_posts(ws)) == ids_before
    assert (posts[2752.0][1].likes, posts[2752.0][1].engagements) == (85, 106)
    with ws.session() as s:
        n = s.scalar(
            select(func.count(Post.id)).join(Account).where(Account.workspace_id == ws.workspace_id)
        )
    assert n == 20


def test_changed_mapping_reads_the_file_again(importer, ws, tmp_path):
    assert importer.import_file(UCI, options={"mapping": str(UCI_MAP)}).status == "imported"
    other = tmp_path / "uci.mapping.toml"
    text = UCI_MAP.read_text().replace('account = "cosmetics-brand"', 'account = "brand"')
    other.write_text(text)
    report = importer.import_file(UCI, options={"mapping": str(other)})
    assert report.status == "imported", report.error
    with ws.session() as s:
        handles = s.scalars(select(Account.handle).where(Account.workspace_id == ws.workspace_id))
        assert sorted(handles) == ["brand", "cosmetics-brand"]


def test_account_option_overrides_the_mapping(importer, ws):
    report = importer.import_file(UCI, account="merk", options={"mapping": str(UCI_MAP)})
    assert report.status == "imported", report.error
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
    assert acc.handle == "merk"


# -- detection ---------------------------------------------------------------------------
def test_never_detected_without_a_mapping(importer, ws):
    report = importer.import_file(UCI)
    assert report.status == "not-recognised"
    assert "'Page total likes'" in report.error


def test_detection_never_picks_the_generic_format_for_any_fixture():
    formats = builtin_formats()
    assert NAME in {f.name for f in formats}
    for path in sorted(FORMATS.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (".csv", ".xlsx", ".xls"):
            continue
        try:
            match = detect(path, formats)
        except Exception:  # unrecognised fixtures are fine here
            continue
        assert match.format.name != NAME, path


# -- mapping features ----------------------------------------------------------------------
DUTCH = (
    "Export van PlanTool\n"
    "Periode: januari 2026\n"
    "ID;Datum;Tijd;Bericht;Soort;Betaald;Bereik;Interactiepercentage;Kijkduur;Pagina\n"
    "p-1;14-01-2026;09:30;Nieuwe collectie binnen;Foto;ja;1.204;4,5%;0:01:05;despaak\n"
    "p-2;20-01-2026;17:05;Werkplaats in beeld;Video;nee;2.750;3,25;1:02;\n"
    "p-3;21-01-2026;08:00;Lees ons blog;Blogpost;nee;-;;;despaak-noord\n"
)
DUTCH_MAP = """
platform = "instagram"
account = "despaak"
delimiter = ";"
decimal = ","
published_at_formats = ["%d-%m-%Y %H:%M"]

[columns]
external_id = "ID"
published_at = ["Datum", "Tijd"]
text = "Bericht"
media_type = "soort"          # headers compare case-insensitively
is_paid = "Betaald"
account = "Pagina"

[media_types]
Foto = "photo"

[metrics]
reach = "Bereik"
engagement_rate = { column = "Interactiepercentage", type = "percent" }
avg_view_seconds = { column = "Kijkduur", type = "duration" }
"""


def test_dutch_file_with_title_rows_decimal_comma_and_split_date(importer, ws, tmp_path):
    data = _write(tmp_path, "plantool.csv", DUTCH)
    mapping = _write(tmp_path, "plantool.toml", DUTCH_MAP)
    options = {"mapping": str(mapping)}
    report = importer.import_file(data, options=options, as_of=dt.date(2026, 2, 1))
    assert report.status == "imported", report.error
    assert any("'Blogpost'" in n and "'other'" in n for n in report.notes)
    posts = _posts(ws)
    p1, m1 = posts["p-1"]
    assert p1.published_at == dt.datetime(2026, 1, 14, 9, 30)
    assert (p1.media_type, p1.source_type, p1.is_paid) == ("photo", "Foto", True)
    assert m1.reach == 1204  # "1.204" with a decimal comma is one thousand two hundred and four
    assert m1.extra["engagement_rate"] == pytest.approx(0.045)
    assert m1.avg_view_seconds == 65
    p2, m2 = posts["p-2"]
    assert (p2.media_type, p2.is_paid, m2.reach, m2.avg_view_seconds) == ("video", False, 2750, 62)
    assert m2.extra["engagement_rate"] == pytest.approx(0.0325)
    p3, m3 = posts["p-3"]
    assert p3.media_type == "other" and m3.reach is None and m3.avg_view_seconds is None
    with ws.session() as s:
        accounts = dict(
            s.execute(
                select(Post.external_id, Account.handle)
                .join(Account)
                .where(Account.workspace_id == ws.workspace_id)
            ).all()
        )
    assert accounts == {"p-1": "despaak", "p-2": "despaak", "p-3": "despaak-noord"}


def test_delimiter_override_where_sniffing_would_guess_wrong(importer, ws, tmp_path):
    # Commas split these lines as evenly as semicolons do: only the mapping can tell.
    text = "Id;Reach;Likes\na;1,5;2,5\nb;3,5;4,5\nc;5,5;6,5\n"
    data = _write(tmp_path, "comma_numbers.csv", text)
    mapping = _write(
        tmp_path,
        "m.toml",
        'platform = "other"\naccount = "x"\ndelimiter = ";"\ndecimal = ","\n'
        '[columns]\nexternal_id = "Id"\n[metrics]\nreach = "Reach"\nlikes = "Likes"\n',
    )
    report = importer.import_file(data, options={"mapping": str(mapping)})
    assert report.status == "imported", report.error
    assert {k: (m.reach, m.likes) for k, (_, m) in _posts(ws).items()} == {
        "a": (1.5, 2.5),
        "b": (3.5, 4.5),
        "c": (5.5, 6.5),
    }


def test_workbook_with_rows_above_the_header(importer, ws, tmp_path):
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.title = "Berichten"
    sh.append(["Rapport social media"])
    sh.append([])
    sh.append(["Link", "Geplaatst", "Tekst", "Vind-ik-leuks", "Notitie"])
    sh.append(["https://example.org/p/1", dt.datetime(2026, 3, 2, 10, 0), "Hallo", 12, "ok"])
    sh.append(["https://example.org/p/2", dt.datetime(2026, 3, 3, 11, 30), "Daar", 0, None])
    path = tmp_path / "berichten.xlsx"
    wb.save(path)
    mapping = _write(
        tmp_path,
        "m.toml",
        'platform = "linkedin"\naccount = "despaak"\nsheet = "berichten"\n'
        '[columns]\npermalink = "Link"\npublished_at = "Geplaatst"\ntext = "Tekst"\n'
        '[metrics]\nlikes = "Vind-ik-leuks"\n',
    )
    report = importer.import_file(path, options={"mapping": str(mapping)})
    assert report.status == "imported", report.error
    assert any("identified by 'Link'" in n for n in report.notes)
    posts = {p.permalink: (p, m) for p, m in _posts(ws).values()}
    p1, m1 = posts["https://example.org/p/1"]
    assert (p1.published_at, p1.text, m1.likes) == (dt.datetime(2026, 3, 2, 10, 0), "Hallo", 12)
    assert posts["https://example.org/p/2"][1].likes == 0  # a real zero stays zero
    assert p1.external_id.startswith("gen-")


# -- errors --------------------------------------------------------------------------------
def test_missing_column_names_the_mapping_and_the_column(importer, ws, tmp_path):
    mapping = tmp_path / "wrong.mapping.toml"
    mapping.write_text(UCI_MAP.read_text().replace('"share"', '"shares"'))
    before = table_counts(ws.engine)
    report = importer.import_file(UCI, options={"mapping": str(mapping)})
    assert report.status == "failed"
    assert str(mapping) in report.error and "'shares'" in report.error
    assert "Columns found: 'Page total likes'" in report.error
    assert table_counts(ws.engine) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("platform = ", "is not valid TOML"),
        ('platform = "facebook"\ndelimeter = ";"\n', "unknown key(s) 'delimeter'"),
        ('platform = "myspace"\n', "'platform' must be one of"),
        ('platform = "x"\n[columns]\nreach = "Reach"\n', "go under [metrics]"),
        ('platform = "x"\n[media_types]\nFoto = "picture"\n', "the media type must be one of"),
        ('platform = "x"\ndecimal = ";"\n', "'decimal' must be"),
        ('platform = "x"\nas_of = "gisteren"\n', "'as_of' must be a date"),
        ('platform = "x"\n[metrics]\nreach = { column = "R", type = "ratio" }\n', "type must be"),
    ],
)
def test_mapping_mistakes_are_named(importer, ws, tmp_path, text, expected):
    mapping = _write(tmp_path, "bad.toml", text)
    before = table_counts(ws.engine)
    report = importer.import_file(UCI, options={"mapping": str(mapping)})
    assert report.status == "failed"
    assert str(mapping) in report.error and expected in report.error, report.error
    assert table_counts(ws.engine) == before


def test_wrong_cell_names_row_and_column_and_changes_nothing(importer, ws, tmp_path):
    bad = tmp_path / "uci_bad.csv"
    bad.write_bytes(UCI.read_bytes().replace(b";2413;4373;", b";2413;veel;"))
    before = table_counts(ws.engine)
    report = importer.import_file(bad, options={"mapping": str(UCI_MAP)})
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (4, "Lifetime Post Total Impressions")
    assert "'veel' is not a number" in report.error
    assert table_counts(ws.engine) == before


def test_publish_time_in_another_format_says_how_to_fix_it(importer, ws, tmp_path):
    text = "Id,Posted,Likes\na,2026-01-05 10:00,1\nb,05/01/2026 11:00,2\n"
    data = _write(tmp_path, "p.csv", text)
    mapping = _write(
        tmp_path,
        "m.toml",
        'platform = "x"\naccount = "a"\n[columns]\nexternal_id = "Id"\npublished_at = "Posted"\n'
        '[metrics]\nlikes = "Likes"\n',
    )
    report = importer.import_file(data, options={"mapping": str(mapping)})
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (3, "Posted")
    assert "published_at_formats" in report.error and str(mapping) in report.error


def test_mapping_with_format_name_of_another_format_is_not_hijacked(importer, ws, tmp_path):
    """--format wins over --mapping: the named format reads the file."""
    src = fixture_path("generic", "seed_meta_posts_bom.csv")
    path = tmp_path / src.name
    shutil.copy(src, path)
    report = importer.import_file(
        path,
        format_name="meta_business_suite_facebook_posts_csv",
        options={"mapping": str(UCI_MAP)},
    )
    assert report.format == "meta_business_suite_facebook_posts_csv"
