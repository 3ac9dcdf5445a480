"""Zips: each member is imported (or reported) on its own; damaged zips are named."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from socialdesk.importers import limits
from socialdesk.model import Account, ImportBatch, Post, SearchPerformance
from tests.conftest import fixture_path
from tests.importers.test_bad_input import table_counts

GOOD = fixture_path("generic", "seed_meta_posts_bom.csv")


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _posts(ws) -> int:
    with ws.session() as s:
        return s.scalar(
            select(func.count(Post.id)).join(Account).where(Account.workspace_id == ws.workspace_id)
        )


def test_good_member_imports_and_the_unrecognised_one_is_reported(importer, ws, tmp_path):
    archive = _zip(
        tmp_path / "export.zip",
        {
            "Posts.csv": GOOD.read_bytes(),
            "notes/Readme.csv": b"Remark,Author\nExported for the board,Anna\n",
            "__MACOSX/._Posts.csv": b"\x00\x05\x16\x07",  # Finder's resource fork: skipped
            "empty/": b"",
        },
    )
    reports = importer.import_paths([archive])
    by_file = {r.file: r for r in reports}
    assert set(by_file) == {"export.zip:Posts.csv", "export.zip:notes/Readme.csv"}
    good = by_file["export.zip:Posts.csv"]
    assert good.status == "imported" and good.rows_added == 2, good.error
    other = by_file["export.zip:notes/Readme.csv"]
    assert other.status == "not-recognised"
    assert "Columns found: 'Remark', 'Author'" in other.error
    assert _posts(ws) == 2


def test_two_zips_with_members_of_the_same_name_do_not_overwrite_each_other(importer, ws, tmp_path):
    first = GOOD.read_bytes()
    second = first.replace(b"911000000000000001", b"911000000000000009").replace(
        b"911000000000000002", b"911000000000000008"
    )
    a = _zip(tmp_path / "january.zip", {"Posts.csv": first})
    b = _zip(tmp_path / "february.zip", {"Posts.csv": second})
    reports = importer.import_paths([a, b])
    assert [r.status for r in reports] == ["imported", "imported"], [r.error for r in reports]
    assert _posts(ws) == 4


def test_damaged_zip_is_named_and_changes_nothing(importer, ws, tmp_path):
    archive = _zip(tmp_path / "export.zip", {"Posts.csv": GOOD.read_bytes() * 20})
    raw = bytearray(archive.read_bytes())
    raw[60] ^= 0xFF  # inside the compressed data of the only member
    archive.write_bytes(bytes(raw))
    before = table_counts(ws.engine)
    reports = importer.import_paths([archive])
    assert len(reports) == 1
    assert reports[0].status == "failed"
    assert "damaged" in reports[0].error and reports[0].file == str(archive)
    assert table_counts(ws.engine) == before


def test_truncated_zip_is_named(importer, ws, tmp_path):
    archive = _zip(tmp_path / "export.zip", {"Posts.csv": GOOD.read_bytes()})
    archive.write_bytes(archive.read_bytes()[:150])
    before = table_counts(ws.engine)
    [report] = importer.import_paths([archive])
    assert report.status == "failed" and "damaged or truncated" in report.error
    assert table_counts(ws.engine) == before


def test_zip_inside_a_zip_is_reported(importer, ws, tmp_path):
    inner = _zip(tmp_path / "inner.zip", {"Posts.csv": GOOD.read_bytes()})
    outer = _zip(tmp_path / "outer.zip", {"inner.zip": inner.read_bytes()})
    [report] = importer.import_paths([outer])
    assert report.file == "outer.zip:inner.zip"
    assert report.status == "failed" and "zip archive" in report.error


# -- a folder's zips are opened as a zip given by name is (issue #17) ------------------------
FB_NL = fixture_path("meta", "meta_business_suite_facebook_posts_nl.csv")
IG_EN = fixture_path("meta", "meta_business_suite_instagram_posts_en.csv")
GSC_2024 = {  # a Search Console export: its members read Dates.csv for their period
    "Queries.csv": "gsc_2024_Queries.csv",
    "Dates.csv": "gsc_2024_Dates.csv",
}


def _folder_of_exports(root: Path) -> Path:
    folder = root / "exports"
    (folder / "google" / "search").mkdir(parents=True)
    _zip(
        folder / "facebook.zip",
        {
            "Posts.csv": FB_NL.read_bytes(),
            "notes/Readme.csv": b"Remark,Author\nFor the board,Anna\n",
        },
    )
    (folder / "instagram.csv").write_bytes(IG_EN.read_bytes())
    _zip(
        folder / "google" / "search" / "console.zip",  # deeper down: the walk is recursive
        {m: fixture_path("google", f).read_bytes() for m, f in GSC_2024.items()},
    )
    return folder


def test_a_folder_imports_the_zips_inside_it_with_its_other_files(importer, ws, tmp_path):
    folder = _folder_of_exports(tmp_path)
    reports = importer.import_paths([folder])
    by_file = {r.file: r for r in reports}
    fb, readme = f"{folder}/facebook.zip:Posts.csv", f"{folder}/facebook.zip:notes/Readme.csv"
    search = f"{folder}/google/search/console.zip"
    assert set(by_file) == {
        fb,
        readme,
        f"{folder}/instagram.csv",
        f"{search}:Queries.csv",
        f"{search}:Dates.csv",
    }
    assert by_file[fb].status == "imported" and by_file[fb].rows_added == 3, by_file[fb].error
    assert by_file[fb].format == "meta_business_suite_facebook_posts_csv"
    assert by_file[f"{folder}/instagram.csv"].status == "imported"
    assert by_file[f"{search}:Queries.csv"].status == "imported"
    # the member's error names the zip and the member in it
    assert by_file[readme].status == "not-recognised"
    assert by_file[readme].file.endswith("facebook.zip:notes/Readme.csv")
    assert "Columns found: 'Remark', 'Author'" in by_file[readme].error
    # the zip's members are each other's siblings: Queries.csv took its period from Dates.csv
    with ws.session() as s:
        periods = set(
            s.execute(
                select(SearchPerformance.date_start, SearchPerformance.date_end)
                .join(Account, Account.id == SearchPerformance.account_id)
                .where(
                    SearchPerformance.dimension == "query",
                    Account.workspace_id == ws.workspace_id,  # PostgreSQL holds other tests' too
                )
            ).all()
        )
    assert periods == {(dt.date(2024, 5, 5), dt.date(2024, 5, 7))}
    # the import history names the member inside its zip
    with ws.session() as s:
        names = set(s.scalars(select(ImportBatch.filename)))
    assert "facebook.zip:Posts.csv" in names and "instagram.csv" in names
    # importing the folder again changes nothing
    before = table_counts(ws.engine)
    again = importer.import_paths([folder])
    assert {r.file: r.status for r in again if r.file != readme} == {
        f: "unchanged" for f in by_file if f != readme
    }
    assert table_counts(ws.engine) == before
    # the same zip given by name is the same import
    [same, _] = importer.import_paths([folder / "facebook.zip"])
    assert same.file == "facebook.zip:Posts.csv" and same.status == "unchanged"


def test_a_bad_member_of_a_folders_zip_changes_nothing_of_its_own(importer, ws, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    rows = list(csv.reader(io.StringIO(FB_NL.read_text(encoding="utf-8-sig"), newline="")))
    views = rows[0].index("Weergaven")
    for row in rows[1:]:
        row[0] = "9" + row[0]  # other posts than Posts.csv's
    rows[-1][views] = "veel"  # the last row's views are not a number
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    _zip(
        folder / "export.zip",
        {"Broken.csv": out.getvalue().encode(), "Posts.csv": FB_NL.read_bytes()},
    )
    reports = {r.file.rsplit(":", 1)[1]: r for r in importer.import_paths([folder])}
    broken = reports["Broken.csv"]
    assert broken.status == "failed" and broken.error_column == "Weergaven", broken.error
    assert broken.file == f"{folder}/export.zip:Broken.csv"
    assert reports["Posts.csv"].status == "imported", reports["Posts.csv"].error
    assert _posts(ws) == 3  # the broken member added nothing, the good one all its posts


def test_a_zip_that_would_unpack_too_much_is_refused_before_unpacking(
    importer, ws, tmp_path, monkeypatch
):
    folder = tmp_path / "exports"
    folder.mkdir()
    _zip(folder / "bomb.zip", {"Posts.csv": GOOD.read_bytes() + b"\n" * 50_000})
    (folder / "Posts.csv").write_bytes(GOOD.read_bytes())
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 10_000)
    before = table_counts(ws.engine)
    reports = {r.file: r for r in importer.import_paths([folder])}
    bomb = reports[str(folder / "bomb.zip")]
    assert bomb.status == "failed"
    assert "would unpack to" in bomb.error and "unzip it yourself" in bomb.error
    assert reports[str(folder / "Posts.csv")].status == "imported"
    assert table_counts(ws.engine)["post"] == before["post"] + 2


def test_zips_of_one_import_share_one_budget(importer, ws, tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    folder.mkdir()
    _zip(folder / "a.zip", {"Posts.csv": GOOD.read_bytes()})
    _zip(folder / "b.zip", {"Posts.csv": GOOD.read_bytes().replace(b"9110", b"9120")})
    monkeypatch.setattr(limits, "MAX_UNZIPPED_TOTAL", len(GOOD.read_bytes()) + 10)
    reports = {r.file: r.status for r in importer.import_paths([folder])}
    assert reports == {f"{folder}/a.zip:Posts.csv": "imported", str(folder / "b.zip"): "failed"}


def test_a_zip_of_too_many_files_is_refused(importer, ws, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", 2)
    archive = _zip(tmp_path / "many.zip", {f"{i}.csv": b"a,b\n1,2\n" for i in range(3)})
    [report] = importer.import_paths([archive])
    assert report.file == str(archive) and report.status == "failed"
    assert "holds 3 files" in report.error
