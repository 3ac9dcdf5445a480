"""Zips: each member is imported (or reported) on its own; damaged zips are named."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sqlalchemy import func, select

from socialdesk.model import Account, Post
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
