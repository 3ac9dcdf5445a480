"""Fuzzing the detector, the readers and the cell parsers (SQLite only, to stay fast).

The only allowed outcomes for any bytes are a successful import or a socialdesk error
(SocialdeskError); a failed import leaves the database exactly as it was.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from socialdesk.errors import RowInvalid, SocialdeskError
from socialdesk.importers import builtin_formats
from socialdesk.importers.base import ReadContext
from socialdesk.importers.detect import detect
from socialdesk.importers.load import Loader
from socialdesk.importers.runner import Importer
from socialdesk.importers.tabular import ROW_COL
from socialdesk.importers.values import (
    datetimes,
    durations,
    flags,
    ids,
    numbers,
    year_for_month_day,
)
from socialdesk.store.engine import make_engine
from socialdesk.store.session import ensure_workspace
from tests.conftest import fixture_path
from tests.importers.test_bad_input import table_counts

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SEEDS = [
    fixture_path("generic", name)
    for name in (
        "seed_gsc_queries.csv",
        "seed_google_ads_utf16_tab.csv",
        "seed_meta_posts_bom.csv",
        "seed_tweet_activity.csv",
        "seed_ga4_crlf.csv",
        "uci_facebook_metrics_excerpt.csv",
    )
]
UCI_MAP = fixture_path("generic", "uci_facebook_metrics.mapping.toml")
ALLOWED = {"imported", "unchanged", "failed", "not-recognised"}


class FuzzDb:
    """One SQLite database for the whole module; each example gets its own file name."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.folder = folder
        self.workspace_id = ensure_workspace(engine, f"fuzz-{uuid.uuid4().hex[:8]}")
        self.importer = Importer(engine, self.workspace_id, imported_by="fuzz")

    def file(self, data: bytes, suffix: str = ".csv") -> Path:
        path = self.folder / f"{uuid.uuid4().hex}{suffix}"
        path.write_bytes(data)
        return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[FuzzDb]:
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copy(sqlite_template, folder / "fuzz.db")
    engine = make_engine(f"sqlite:///{folder / 'fuzz.db'}")
    yield FuzzDb(engine, folder)
    engine.dispose()


def run_pipeline(db: FuzzDb, path: Path, options: dict[str, str] | None = None) -> None:
    """Detect, read and load one file in a transaction that is rolled back.

    Raises whatever the code raises, so the test sees any exception that is not a
    SocialdeskError (the runner would turn it into a generic failure message).
    """
    formats = builtin_formats()
    if options and options.get("mapping"):
        formats = tuple(f for f in formats if f.name == "generic_posts_mapped")
    match = detect(path, formats, path.name)
    ctx = ReadContext(file=path.name, as_of=dt.date(2026, 2, 1), options=options or {})
    with Session(db.engine) as session, session.begin():
        loader = Loader(session, db.workspace_id, None)
        try:
            for chunk in match.format.read(match.table, ctx):
                loader.load(chunk)
        finally:
            session.rollback()


def check(db: FuzzDb, data: bytes, suffix: str = ".csv", options: dict | None = None) -> None:
    """Both properties: only socialdesk errors; a failed import changes nothing."""
    path = db.file(data, suffix)
    try:
        run_pipeline(db, path, options)
    except SocialdeskError:
        pass
    before = table_counts(db.engine)
    report = db.importer.import_file(path, options=options)
    assert report.status in ALLOWED, report
    if report.status in ("failed", "not-recognised"):
        assert report.error
        assert table_counts(db.engine) == before
    path.unlink()


# -- strategies ------------------------------------------------------------------------------
def _header_pool() -> list[str]:
    pool = set()
    for fmt in builtin_formats():
        for spellings in fmt.columns.values():
            pool.update(s for s in spellings if not s.startswith("re:"))
    return sorted(pool)


HEADERS = _header_pool()
REQUIRED = [
    [fmt.spellings(r)[0] for r in fmt.required] for fmt in builtin_formats() if fmt.required
]
REQUIRED_XLSX = [
    [fmt.spellings(r)[0] for r in fmt.required]
    for fmt in builtin_formats()
    if fmt.required and ".xlsx" in fmt.extensions
] or REQUIRED
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "-",
            " --",
            "N/A",
            "undefined",
            "0",
            "-1",
            "3423.0",
            "9,380",
            "1,286.58",
            "26.96%",
            "< 10%",
            "1.22158E+17",
            "2026-01-31",
            "01/07/2026 06:02",
            "2021-12-28 16:45 +0000",
            "Sat, Aug 22, 2026",
            "May 16",
            "0:03:53",
            "Total",
            "Total: Campaigns",
            "Lifetime",
            "Photos",
            "IG reel",
            "https://example.org/p/1",
            "45658",
            "99,88%",
            "inf",
            "nan",
            "1e400",
            "Others",
            "\u2028",
            "\x00",
            '"',
            "a\nb",
            "x" * 300,
        ]
    ),
    st.text(max_size=12),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])


@st.composite
def csvish(draw: st.DrawFn) -> bytes:
    """A CSV-like file: a header mixing a format's required columns and others, junk rows."""
    header = list(draw(st.sampled_from(REQUIRED)))
    header += draw(st.lists(st.sampled_from(HEADERS), max_size=6))
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(header) + 2), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    buf = io.StringIO()
    if draw(st.booleans()):
        buf.write(draw(st.sampled_from(["# Report\n# Start date: 20260101\n", "Title\n\n"])))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    if quoting == csv.QUOTE_NONE:
        lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
        buf.write("\n".join(lines))
    else:
        writer = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    text = buf.getvalue()
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text.encode(draw(ENCODINGS), errors="replace")


@st.composite
def mutated_seed(draw: st.DrawFn) -> tuple[bytes, bool]:
    """A real-format sample with lines dropped, doubled, garbled or cut, re-encoded, BOM'd."""
    seed = draw(st.sampled_from(SEEDS))
    raw = seed.read_bytes()
    is_uci = seed.name.startswith("uci_")
    text = raw.decode("utf-16") if raw.startswith(codecs.BOM_UTF16_LE) else raw.decode("utf-8-sig")
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["drop", "dup", "garble", "swap", "insert"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "garble" and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:j] + draw(st.text(max_size=4)) + lines[i][j + 1 :]
        elif op == "swap":
            k = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[k] = lines[k], lines[i]
        elif op == "insert":
            lines.insert(i, draw(st.text(max_size=20)))
    data = "\n".join(lines).encode(draw(ENCODINGS), errors="replace")
    if draw(st.booleans()):
        data = draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b""])) + data
    if draw(st.booleans()) and data:
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.booleans()) and data:
        k = draw(st.integers(0, len(data) - 1))
        data = data[:k] + draw(st.binary(max_size=3)) + data[k + 1 :]
    return data, is_uci


@st.composite
def workbook(draw: st.DrawFn) -> bytes:
    """An .xlsx with a real header and junk cells; sometimes with a garbled sheet inside."""
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.title = draw(st.sampled_from(["Sheet1", "All posts", "Metrics", "results"]))
    if draw(st.booleans()):
        sh.append(["Aggregated engagement metrics for your posts."])
    extra = draw(st.lists(st.sampled_from(HEADERS), max_size=4))
    sh.append(list(draw(st.sampled_from(REQUIRED_XLSX))) + extra)
    cells = st.one_of(
        CELLS.map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v)),
        st.floats(allow_nan=False, allow_infinity=False),
        st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)),
        st.none(),
    )
    for row in draw(st.lists(st.lists(cells, max_size=10), max_size=5)):
        sh.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if draw(st.booleans()):
        data = _garble_member(data, draw(st.integers(0, 10_000)), draw(st.binary(max_size=8)))
    return data


def _garble_member(xlsx: bytes, at: int, junk: bytes) -> bytes:
    """The same workbook with bytes of its first sheet's XML replaced (the zip stays valid)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml" and body:
                k = at % len(body)
                body = body[:k] + junk + body[k + len(junk) :]
            dst.writestr(info, body)
    return out.getvalue()


# -- properties ------------------------------------------------------------------------------
@FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes(db, data):
    check(db, data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), st.just(b"")))
def test_random_bytes_as_workbooks_and_zips(db, data):
    check(db, b"PK\x03\x04" + data, ".xlsx")
    check(db, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + data, ".xls")


@settings(FUZZ, max_examples=40)
@given(data=workbook())
def test_random_workbooks_with_real_headers(db, data):
    check(db, data, ".xlsx")


@settings(FUZZ, max_examples=150)
@given(data=csvish())
def test_random_csv_with_real_headers(db, data):
    check(db, data)


@settings(FUZZ, max_examples=150)
@given(sample=mutated_seed())
def test_mutated_real_samples(db, sample):
    data, is_uci = sample
    check(db, data)
    if is_uci:
        check(db, data, options={"mapping": str(UCI_MAP)})


@FUZZ
@given(text=st.text(max_size=200))
def test_random_text_through_a_mapping(db, text):
    check(db, text.encode("utf-8"), options={"mapping": str(UCI_MAP)})


@settings(FUZZ, max_examples=200)
@given(cells=st.lists(CELLS, min_size=1, max_size=8), decimal=st.sampled_from([".", ","]))
def test_cell_parsers_return_values_or_name_the_bad_cell(cells, decimal):
    frame = pd.DataFrame({"Cell": cells, ROW_COL: range(2, 2 + len(cells))})
    parsers = [
        lambda: numbers(frame, "Cell", "f", decimal=decimal, percent=True),
        lambda: durations(frame, "Cell", "f"),
        lambda: ids(frame, "Cell", "f", required=False),
        lambda: flags(frame, "Cell", "f"),
        lambda: datetimes(
            frame,
            "Cell",
            "f",
            ["%Y-%m-%d", "%Y-%m-%d %H:%M %z"],
            required=False,
            to_timezone="Europe/Amsterdam",
        ),
        lambda: year_for_month_day(frame, "Cell", "f", dt.date(2026, 1, 2), {"may": 5, "dec": 12}),
    ]
    for parse in parsers:
        try:
            out = parse()
        except RowInvalid as exc:
            assert exc.file == "f" and exc.column == "Cell" and 2 <= exc.row < 2 + len(cells)
        else:
            assert len(out) == len(cells)
