"""Inputs that try to hurt (issue #18): zip bombs, unsafe member names, duplicate columns,
huge cells and endless lines are refused with a message that names the real problem, in
bounded memory, and change nothing."""

from __future__ import annotations

import csv
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from socialdesk.importers import limits, runner
from tests.conftest import fixture_path
from tests.importers.test_bad_input import table_counts

GOOD = fixture_path("generic", "seed_meta_posts_bom.csv")
LEGACY_FB = fixture_path("meta", "facebook_insights_post_export_2015.csv")
MB = 1 << 20


def _rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(GOOD.read_text(encoding="utf-8-sig"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """A zip of a few MB holding one highly compressible 1.1 GiB member (built once)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    block = GOOD.read_bytes().splitlines(keepends=True)[-1] * (MB // 200)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("Posts.csv", "w", force_zip64=True) as fh:
            fh.write(GOOD.read_bytes())
            written = 0
            while written < 1100 * MB:
                fh.write(block)
                written += len(block)
    assert path.stat().st_size < 20 * MB
    return path


def _peak(fn):
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_zip_bomb_is_refused_in_bounded_memory(importer, ws, bomb):
    before = table_counts(ws.engine)
    reports, peak = _peak(lambda: importer.import_paths([bomb]))
    [report] = reports
    assert report.status == "failed" and report.file == str(bomb)
    assert "'Posts.csv'" in report.error  # the member
    assert "more than the 500 MB" in report.error  # the limit
    assert peak < 200 * MB, f"peak {peak / MB:.0f} MB"
    assert table_counts(ws.engine) == before


def test_a_member_packed_like_a_bomb_is_refused_by_its_ratio(importer, ws, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Posts.csv", GOOD.read_bytes() + b"\n" * (20 * MB))
        zf.writestr("Other.csv", GOOD.read_bytes())
    [report] = importer.import_paths([archive])
    assert report.status == "failed" and report.file == str(archive)
    assert "'Posts.csv'" in report.error and "100 times" in report.error, report.error


def test_the_member_limit_is_one_of_the_limits(importer, ws, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 1000)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Posts.csv", GOOD.read_bytes() + b"\n" * 2000)
    [report] = importer.import_paths([archive])
    assert report.status == "failed"
    assert "'Posts.csv' would unpack to" in report.error and "for one file" in report.error


def test_a_member_that_unpacks_beyond_the_limit_stops_there(tmp_path):
    src = io.BytesIO(b"x" * (3 * MB))
    with pytest.raises(runner._Overflow):
        runner._copy_member(src, io.BytesIO(), 2 * MB)
    assert src.tell() <= 3 * MB


def test_members_with_unsafe_names_are_reported(importer, ws, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Posts.csv", GOOD.read_bytes())
        zf.writestr("../Posts.csv", GOOD.read_bytes())
        zf.writestr("/etc/Posts.csv", GOOD.read_bytes())
        zf.writestr("a/../../b.csv", GOOD.read_bytes())
        zf.writestr("..", b"x")
    reports = {r.file: r for r in importer.import_paths([archive])}
    assert reports["export.zip:Posts.csv"].status == "imported"
    for name in ("../Posts.csv", "/etc/Posts.csv", "a/../../b.csv", ".."):
        report = reports[f"export.zip:{name}"]
        assert report.status == "failed"
        assert report.error.startswith("skipped: unsafe path"), report.error
    assert len(reports) == 5


@pytest.mark.parametrize("unsafe", ["../x.csv", "/x.csv", "\\x.csv", "C:x.csv", "a\\..\\..\\x"])
def test_unsafe_names(unsafe):
    assert runner.unsafe_member(unsafe)


@pytest.mark.parametrize("safe", ["x.csv", "a/b.csv", "a..b.csv", "..x.csv", "a/.../b.csv"])
def test_safe_names(safe):
    assert not runner.unsafe_member(safe)


def test_a_duplicate_column_that_is_read_is_refused_naming_both(importer, ws, tmp_path):
    rows = _rows()
    reach = rows[0].index("Reach")
    rows[0].append("Reach")  # Reach twice: which one holds the figures?
    for row in rows[1:]:
        row.append("99")
    before = table_counts(ws.engine)
    [report] = importer.import_paths([_write(tmp_path / "posts.csv", rows)])
    assert report.status == "failed", report.error
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    assert "two columns called 'Reach'" in report.error
    assert f"column {reach + 1} ({letters[reach]})" in report.error
    assert f"column {len(rows[0])} ({letters[len(rows[0]) - 1]})" in report.error
    assert "posts.csv" in report.file
    assert table_counts(ws.engine) == before


def test_a_duplicate_column_nobody_reads_is_fine(importer, ws, tmp_path):
    rows = _rows()
    rows[0] += ["Notes", "Notes"]
    for row in rows[1:]:
        row += ["a", "b"]
    [report] = importer.import_paths([_write(tmp_path / "posts.csv", rows)])
    assert report.status == "imported", report.error


def test_a_format_that_knows_its_repeated_columns_still_imports(importer, ws):
    [report] = importer.import_paths([LEGACY_FB])
    assert report.status == "imported", report.error


def test_a_huge_cell_in_the_first_rows_is_named(importer, ws, tmp_path):
    rows = _rows()
    description = rows[0].index("Description")
    rows[1][description] = "x" * (5 * MB)
    [report] = importer.import_paths([_write(tmp_path / "posts.csv", rows)])
    assert report.status == "failed", report.error
    assert report.error_row == 2 and report.error_column == "Description"
    assert "longer than 128 KB" in report.error and "no supported" not in report.error


def test_a_huge_header_cell_is_named(importer, ws, tmp_path):
    rows = _rows()
    rows[0][0] = "x" * (5 * MB)
    [report] = importer.import_paths([_write(tmp_path / "posts.csv", rows)])
    assert report.status == "failed"
    assert report.error.startswith("row 1 holds a cell longer than 128 KB"), report.error


def test_an_endless_line_is_read_in_bounded_memory(importer, ws, tmp_path):
    path = tmp_path / "posts.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(GOOD.read_text(encoding="utf-8-sig"))
        block = "1," * (MB // 2)
        for _ in range(32):  # one line of 32 MB without a line break
            fh.write(block)
    reports, peak = _peak(lambda: importer.import_paths([path]))
    [report] = reports
    assert report.status == "failed"
    assert "row 4" in report.error and "MB without a line break" in report.error, report.error
    assert peak < 32 * MB, f"peak {peak / MB:.0f} MB"
