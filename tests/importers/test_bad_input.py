"""Bad input: every broken file gets an error naming the file (and row and column where there is
one) and leaves the database exactly as it was."""

from __future__ import annotations

import codecs
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from socialdesk.model import Base
from tests.conftest import fixture_path

META = fixture_path("generic", "seed_meta_posts_bom.csv")
DATA_TABLES = ("account", "post", "post_metrics")


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the model."""
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def _meta() -> bytes:
    return META.read_bytes()


def _replace(old: bytes, new: bytes) -> Callable[[], bytes]:
    def make() -> bytes:
        data = _meta()
        assert old in data
        return data.replace(old, new, 1)

    return make


def _cut_in_quote() -> bytes:
    data = _meta()
    return data[: data.index(b"We zijn open") + 5]  # inside the multi-line caption of row 2


def _cut_mid_row() -> bytes:
    data = _meta()
    return data[: data.index(b"despaak/videos") + 10]  # row 3 stops inside its 9th field


def _more_fields() -> bytes:
    lines = _meta().split(b"\n")
    lines[3] = lines[3] + b",9,extra"
    return b"\n".join(lines)


def _random_bytes() -> bytes:
    return random.Random(7).randbytes(2000)


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(300)


def _invalid_utf8() -> bytes:
    return _meta().replace("één".encode(), b"\xe9\xe9n", 1)


def _unsupported_csv() -> bytes:
    return (
        b"Campaign Title,Send Date,Emails Sent,Unique Opens,Open Rate,Unique Clicks,Click Rate\n"
        b"Nieuwsbrief januari,2026-01-10,1200,480,40%,96,8%\n"
    )


# (name, bytes, expected status, expected error fragments, error row, error column)
CASES: list[tuple[str, Callable[[], bytes], str, tuple[str, ...], int | None, str | None]] = [
    (
        "truncated_in_quote.csv",
        _cut_in_quote,
        "failed",
        ("ends inside a quoted field that starts on row 2", "truncated"),
        2,
        None,
    ),
    (
        "truncated_mid_row.csv",
        _cut_mid_row,
        "failed",
        ("ends in the middle of this row", "after 9 of the header's 18"),
        3,
        "Permalink",
    ),
    ("image.csv", _png, "failed", ("PNG image",), None, None),
    ("random.csv", _random_bytes, "failed", ("binary file",), None, None),
    ("empty.csv", lambda: b"", "failed", ("empty",), None, None),
    ("blank.csv", lambda: codecs.BOM_UTF8 + b"\r\n\r\n  \n", "failed", ("empty",), None, None),
    (
        "newsletter.csv",
        _unsupported_csv,
        "not-recognised",
        ("no supported export format", "Columns found: 'Campaign Title'", "Closest:"),
        None,
        None,
    ),
    (
        "wrong_type.csv",
        _replace(b',"1,204",980,', b',"1,204",veel,'),
        "failed",
        ("'veel' is not a number",),
        2,
        "Reach",
    ),
    (
        "more_fields.csv",
        _more_fields,
        "failed",
        ("has 20 fields but the header has 18",),
        3,
        "field 19 (beyond the header)",
    ),
    (
        "excel_rounded.csv",
        _replace(b"911000000000000002,", b"9.11E+17,"),
        "failed",
        ("rounded by a spreadsheet program",),
        3,
        "Post ID",
    ),
    ("invalid_utf8.csv", _invalid_utf8, "failed", ("not valid UTF-8",), 3, "Description"),
]


@pytest.mark.parametrize(
    ("name", "make", "status", "fragments", "row", "column"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_file_is_named_and_changes_nothing(
    importer, ws, tmp_path: Path, name, make, status, fragments, row, column
):
    path = tmp_path / name
    path.write_bytes(make())
    before = table_counts(ws.engine)
    report = importer.import_file(path)
    assert report.status == status, report.error
    assert report.file == str(path)
    for fragment in fragments:
        assert fragment in report.error, report.error
    assert (report.error_row, report.error_column) == (row, column)
    assert report.batch_id is None
    assert table_counts(ws.engine) == before


def test_header_only_imports_nothing_with_a_note(importer, ws, tmp_path):
    path = tmp_path / "header_only.csv"
    path.write_bytes(_meta().split(b"\n")[0] + b"\n")
    before = table_counts(ws.engine)
    report = importer.import_file(path)
    assert report.status == "imported", report.error
    assert report.rows_read == 0 and report.error is None
    assert any("no data rows" in n for n in report.notes)
    after = table_counts(ws.engine)
    assert {t: after[t] for t in DATA_TABLES} == {t: before[t] for t in DATA_TABLES}
    assert after["import_batch"] == before["import_batch"] + 1  # remembered: re-import is a no-op
    assert importer.import_file(path).status == "unchanged"


def test_error_after_rows_were_written_rolls_back_everything(importer, ws, tmp_path, monkeypatch):
    """A bad cell in the last of many chunks: the earlier chunks are rolled back too."""
    from socialdesk.importers import tabular

    path = tmp_path / "late_error.csv"
    data = _meta()
    head, rows = data.split(b"\n", 1)
    good = rows.split(b"\n")
    # 40 posts, the last one with a bad number; frames of 5 rows each
    lines = [head]
    for i in range(40):
        lines.append(good[2].replace(b"911000000000000002", str(911000000000001000 + i).encode()))
    lines[-1] = lines[-1].replace(b",3310,", b",drie,")
    path.write_bytes(b"\n".join(lines) + b"\n")
    before = table_counts(ws.engine)
    frames = tabular.Table.frames
    monkeypatch.setattr(
        tabular.Table, "frames", lambda self, chunksize=5, **kw: frames(self, chunksize, **kw)
    )
    report = importer.import_file(path)
    assert report.status == "failed" and report.error_row == 41
    assert table_counts(ws.engine) == before
