"""Inputs that try to hurt, and writers that wait their turn (issue #18), part two.

Workbooks are zip files too: an .xlsx whose sheet unpacks to hundreds of MB, or holds more
cells than any export, is refused before openpyxl opens it, naming the file and the part; an
.xls larger than xlrd should hold, and a JSON export larger than json.loads should parse, are
refused naming the file and the limit. A dry run reads only: it takes no write lock, so it
neither waits for an import that is writing nor holds one up, and it counts what the import
then does.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import tracemalloc
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text, update

from socialdesk.importers import limits
from socialdesk.importers.runner import FileReport, Importer
from socialdesk.model import ImportBatch
from socialdesk.store import engine as engine_module
from socialdesk.store.session import WorkspaceHandle, ensure_workspace
from tests.conftest import FORMATS, fixture_path
from tests.importers.test_bad_input import table_counts
from tests.importers.test_every_sample import SAMPLES

pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")

MB = 1 << 20
SHEET = "xl/worksheets/sheet1.xml"
X_ADS = fixture_path("x", "2017-04-01-to-2017-04-30-6hm1atwrnaio.xlsx")
LINKEDIN_XLS = fixture_path("linkedin", "linkedin_page_content_export.xls")
BLUESKY = fixture_path("inbox", "bluesky_notifications.json")


def _peak(fn):
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _padded(source: Path, target: Path, padding: int) -> Path:
    """`source` with its first sheet's XML padded by `padding` spaces inside <sheetData>
    (still a valid workbook), packed as tightly as deflate packs."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename != SHEET:
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            packed = zipfile.ZipInfo(SHEET, info.date_time)
            packed.compress_type = zipfile.ZIP_DEFLATED  # spaces pack about 1000 to 1
            with dst.open(packed, "w", force_zip64=True) as fh:
                fh.write(head + b"<sheetData>")
                block = b" " * MB
                for _ in range(padding // MB):
                    fh.write(block)
                fh.write(tail)
    return target


@pytest.fixture(scope="module")
def xlsx_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real workbook whose sheet unpacks to 300 MB of white space, in less than 1 MB."""
    folder = tmp_path_factory.mktemp("xlsx")
    source = _workbook(folder / "source.xlsx", [["Date", "Impressions"], ["2026-01-01", 5]])
    bomb = _padded(source, folder / "report.xlsx", 300 * MB)
    assert bomb.stat().st_size < MB
    return bomb


def test_an_xlsx_bomb_is_refused_before_openpyxl_opens_it(importer, ws, xlsx_bomb):
    before = table_counts(ws.engine)
    started = time.monotonic()
    report, peak = _peak(lambda: importer.import_file(xlsx_bomb, "report.xlsx"))
    assert report.status == "failed" and report.file == "report.xlsx"
    assert "workbook" in report.error and f"'{SHEET}'" in report.error, report.error
    assert "times smaller than it unpacks" in report.error  # the ratio: 300 MB in < 1 MB
    assert peak < 50 * MB and time.monotonic() - started < 30
    assert table_counts(ws.engine) == before


def test_an_xlsx_part_over_the_member_limit_is_refused(importer, ws, tmp_path, monkeypatch):
    source = _workbook(tmp_path / "source.xlsx", [["Date", "Impressions"], ["2026-01-01", 5]])
    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 2 * MB)
    big = _padded(source, tmp_path / "big.xlsx", 3 * MB)
    [report] = importer.import_paths([big])
    assert report.status == "failed" and report.file == str(big)
    assert f"'{SHEET}' would unpack to 3 MB, more than the 2 MB" in report.error, report.error


def test_an_xlsx_of_too_many_cells_is_refused_naming_the_sheet(importer, ws, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 1000)
    rows: list[list[object]] = [["Date", "Impressions", "Clicks", "Reach"]]
    rows += [[f"2026-01-{1 + i % 28:02d}", i, i, i] for i in range(300)]  # 1,204 cells
    book = _workbook(tmp_path / "cells.xlsx", rows)
    before = table_counts(ws.engine)
    [report] = importer.import_paths([book])
    assert report.status == "failed" and report.file == str(book)
    assert f"the sheet '{SHEET}' holds more than 1,000 cells" in report.error, report.error
    assert table_counts(ws.engine) == before


def test_an_xlsx_row_wider_than_excel_is_refused_naming_the_row(
    importer, ws, tmp_path, monkeypatch
):
    monkeypatch.setattr(limits, "MAX_ROW_CELLS", 50)
    rows: list[list[object]] = [["Date", "Impressions"], ["2026-01-01", 5], list(range(60))]
    book = _workbook(tmp_path / "wide.xlsx", rows)
    [report] = importer.import_paths([book])
    assert report.status == "failed"
    assert f"the sheet '{SHEET}' holds a row (row 3) of more than 50 cells" in report.error


def test_cells_are_counted_with_a_namespace_prefix_and_across_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 100_000)
    monkeypatch.setattr(limits, "_BLOCK", 7)  # tags cut in two between blocks
    row = b'<x:row r="1">' + b'<x:c r="A1"><x:v>1</x:v></x:c>' * 40 + b"</x:row>"
    xml = b'<x:worksheet xmlns:x="s"><x:sheetData>' + row * 2600 + b"</x:sheetData></x:worksheet>"
    counter = limits._CellCounter()
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as zf:
        zf.writestr(SHEET, xml)
    with zipfile.ZipFile(tmp_path / "a.zip") as zf, zf.open(SHEET) as fh:
        problem = limits._sheet_problem(fh, SHEET)
    assert problem is not None and "more than 100,000 cells" in problem
    counter.add(row * 3)
    assert (counter.rows, counter.cells, counter.in_row) == (3, 120, 40)


def test_a_real_xlsx_export_passes_the_checks():
    assert limits.xlsx_problem(X_ADS) is None


def test_an_xls_over_its_limit_is_refused_before_xlrd_reads_it(importer, ws, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLS_BYTES", 10_000)
    before = table_counts(ws.engine)
    [report] = importer.import_paths([LINKEDIN_XLS])
    assert report.status == "failed" and report.file == str(LINKEDIN_XLS)
    assert "this .xls workbook is" in report.error and "more than the 0 MB" in report.error
    assert table_counts(ws.engine) == before


def test_a_json_export_over_the_cap_is_refused_unread(importer, ws, tmp_path):
    big = tmp_path / "notifications.json"
    with big.open("wb") as fh:
        fh.write(BLUESKY.read_bytes()[:-2])  # the real export, with white space before its end
        fh.write(b" " * (65 * 1_000_000))
        fh.write(BLUESKY.read_bytes()[-2:])
    before = table_counts(ws.engine)
    report, peak = _peak(lambda: importer.import_file(big, account="groendak.bsky.social"))
    assert report.status == "failed" and report.file == str(big)
    assert "this JSON file is 65 MB, more than the 64 MB" in report.error, report.error
    assert peak < 20 * MB
    assert table_counts(ws.engine) == before


def test_the_json_cap_holds_when_lowered(importer, ws, monkeypatch):
    monkeypatch.setattr(limits, "MAX_JSON_BYTES", 1_000)
    [report] = importer.import_paths([BLUESKY])
    assert report.status == "failed" and "this JSON file is" in report.error


def test_json_nested_too_deeply_is_refused_by_name(importer, ws, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    report = importer.import_file(deep)
    assert report.status == "failed" and report.file == str(deep)
    assert "nested too deeply" in report.error


# -- a dry run reads only ------------------------------------------------------------------
@contextmanager
def _write_lock(ws: WorkspaceHandle) -> Iterator[None]:
    """Another writer inside its write transaction: SQLite's BEGIN IMMEDIATE, PostgreSQL's
    advisory lock an import of this workspace takes."""
    if ws.engine.dialect.name == "sqlite":
        holder = sqlite3.connect(ws.engine.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE workspace SET name = name")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
        return
    with ws.engine.connect() as conn:
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:space, :ws)"),
            {"space": engine_module._PG_LOCK_SPACE, "ws": ws.workspace_id},
        )
        try:
            yield
        finally:
            conn.rollback()


def _summary(report: FileReport) -> tuple[object, ...]:
    return (
        report.rows_read,
        report.rows_added,
        report.rows_updated,
        report.rows_skipped,
        report.counts,
    )


FB_JAN = fixture_path("meta", "meta_business_suite_facebook_posts_en.csv")


def test_a_dry_run_takes_no_write_lock(ws, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
    importer = Importer(ws.engine, ws.workspace_id, imported_by="tests")
    before = table_counts(ws.engine)
    done: list[FileReport] = []
    with _write_lock(ws):
        worker = threading.Thread(
            target=lambda: done.append(importer.import_file(FB_JAN, dry_run=True))
        )
        started = time.monotonic()
        worker.start()
        worker.join(timeout=30)
        finished = not worker.is_alive()
        elapsed = time.monotonic() - started
    worker.join(timeout=120)  # the old dry run waited for the lock: it goes on now
    assert finished, "the dry run waited for another writer's lock"
    assert elapsed < 30
    [dry] = done
    assert dry.status == "would-import", dry.error
    assert dry.batch_id is None and dry.rows_added > 0
    assert table_counts(ws.engine) == before
    real = importer.import_file(FB_JAN)
    assert real.status == "imported"
    assert _summary(dry) == _summary(real)


def _forget(ws: WorkspaceHandle, batch_id: int) -> None:
    """Make the store forget the bytes of a batch (not its rows): the same file is then
    read again, so its rows are all updates."""
    with ws.engine.begin() as conn:
        conn.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(sha256=uuid.uuid4().hex + uuid.uuid4().hex)
        )


# one sample of each kind of rows the loader writes (and each kind of file)
DRY_SAMPLES = (
    "meta/meta_business_suite_facebook_posts_en.csv",  # posts and their snapshots
    "meta/meta_business_suite_page_daily_facebook_follows.csv",  # account days
    "linkedin/groendak_followers_1754039912345.xls",  # days and audience shares, .xls
    "linkedin/linkedin_page_content_export.xls",
    "x/2017-04-01-to-2017-04-30-6hm1atwrnaio.xlsx",  # promoted tweets, .xlsx
    "google/gsc_2024_Queries.csv",  # search performance
    "google/ga4_traffic_acquisition_by_date.csv",  # web days
    "meta/meta_ads_manager_export_2025_ad_level_GBP.csv",  # campaigns, ad sets, ads
    "google/google_ads_campaign_report_daily.csv",
    "inbox/bluesky_notifications.json",  # messages, threads, labels
    "inbox/meta_graph_comments.json",
    "inbox/twcs_layout.csv",
)


@pytest.mark.parametrize("name", DRY_SAMPLES)
def test_a_dry_run_counts_what_the_import_then_does(engine, name):
    assert name in SAMPLES
    ws_id = ensure_workspace(engine, f"d-{uuid.uuid4().hex[:12]}")
    ws = WorkspaceHandle(folder=FORMATS, engine=engine, workspace_id=ws_id, slug="d")
    importer = Importer(engine, ws_id, imported_by="tests")
    for step in ("new", "again"):  # all added, then (the same rows again) all updated
        before = table_counts(engine)
        dry = importer.import_file(FORMATS / name, dry_run=True)
        assert dry.status == "would-import" and dry.batch_id is None, dry.error
        assert table_counts(engine) == before, "the dry run wrote"
        real = importer.import_file(FORMATS / name)
        assert real.status == "imported", real.error
        assert _summary(dry) == _summary(real), step
        kind = "added" if step == "new" else "updated"
        assert any(c[kind] for c in real.counts.values()), real.counts
        assert real.batch_id is not None
        _forget(ws, real.batch_id)


def test_a_dry_run_of_a_zip_reads_each_member_without_the_lock(ws, tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Posts.csv", FB_JAN.read_bytes())
        zf.writestr("../evil.csv", FB_JAN.read_bytes())
    importer = Importer(ws.engine, ws.workspace_id, imported_by="tests")
    reports: list[list[FileReport]] = []
    with _write_lock(ws):
        worker = threading.Thread(
            target=lambda: reports.append(importer.import_paths([archive], dry_run=True))
        )
        worker.start()
        worker.join(timeout=30)
        finished = not worker.is_alive()
    worker.join(timeout=120)
    assert finished
    by_file = {r.file: r for r in reports[0]}
    assert by_file["export.zip:Posts.csv"].status == "would-import"
    assert by_file["export.zip:../evil.csv"].error.startswith("skipped: unsafe path")


def test_an_xlsx_naming_a_row_past_excels_last_is_refused(importer, ws, tmp_path):
    """A 5 KB sheet with <row r="50000000">: openpyxl would yield 50 million empty rows."""
    book = _workbook(tmp_path / "far.xlsx", [["Date", "Impressions"], ["2026-01-01", 5]])
    far = tmp_path / "far_row.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(far, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = (
                    data.replace(b'<row r="2"', b'<row r="50000000"')
                    .replace(b'r="A2"', b'r="A50000000"')
                    .replace(b'r="B2"', b'r="B50000000"')
                )
            out.writestr(item, data)
    before = table_counts(ws.engine)
    t = time.monotonic()
    [report] = importer.import_paths([far])
    assert time.monotonic() - t < 5
    assert report.status == "failed"
    assert f"the sheet '{SHEET}' names row 50,000,000, past the last row" in report.error
    assert table_counts(ws.engine) == before


def test_postgresql_plans_the_next_pages_on_the_imported_rows(pg_engine):
    """After an import that changed a good part of a table, PostgreSQL has statistics of its
    rows (ANALYZE, with the tables derived from it), not of before: the inbox queue on a
    freshly imported demo took 4.3 s a request instead of 90 ms. A few rows: left to
    autovacuum. (The importer calls this after each import it committed: runner.py.)"""
    from sqlalchemy import text

    from socialdesk.importers.runner import refresh_statistics

    def analysed(table: str) -> object:
        with pg_engine.connect() as conn:
            return conn.execute(
                text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = :t"),
                {"t": table},
            ).scalar()

    before = analysed("post")
    refresh_statistics(pg_engine, {"post": {"added": 10**9, "updated": 0}})
    after = analysed("post")
    assert after is not None and after != before
    assert analysed("post_latest") is not None
    refresh_statistics(pg_engine, {"post": {"added": 3, "updated": 0}})
    assert analysed("post") == after
