"""The fast CSV reader (pandas' C parser) against the careful one (csv.reader, strict).

The careful reader is the reference: for any bytes, `Table.frames()` (fast where it can be,
careful from where it refuses) must give the same frames, or the same error naming the same
row and column, as the careful reader alone.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialdesk.errors import ImportError_
from socialdesk.importers.tabular import ROW_COL, Table, dedupe, probe_file
from socialdesk.importers.values import numbers

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "12",
            "-3",
            "1.5",
            "1e5",
            "1,204",
            "inf",
            "nan",
            "True",
            "-",
            "N/A",
            "a",
            "b c",
            '"',
            '""',
            'x"y',
            '"quoted"',
            "a,b",
            "a;b",
            "a\tb",
            "line\nbreak",
            "cr\rhere",
            "crlf\r\nhere",
            "x" * 40,
        ]
    ),
    st.text(alphabet='ab ,;"\n\r\t0123456789.', max_size=8),
)


def _table(path: Path, header_index: int = 0) -> Table:
    probe = probe_file(path)
    header = dedupe(probe.sheets[0].rows[header_index])
    while header and not header[-1]:
        header.pop()
    return Table(probe, probe.sheets[0].name, header_index, header)


def _outcome(frames) -> tuple[str, object]:
    """("ok", rows as strings) or ("error", (type, message, row, column))."""
    try:
        got = list(frames)
    except ImportError_ as exc:
        return "error", (
            type(exc).__name__,
            str(exc),
            getattr(exc, "row", None),
            getattr(exc, "column", None),
        )
    if not got:
        return "ok", []
    frame = pd.concat(got, ignore_index=True)
    rows = [[str(v) for v in row] for row in frame.astype(object).values.tolist()]
    return "ok", rows


def _both(path: Path) -> tuple[tuple[str, object], tuple[str, object]]:
    table = _table(path)
    return _outcome(table.frames(7)), _outcome(table._careful_csv_frames(7))


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    width = draw(st.integers(1, 4))
    header = [f"h{i}" for i in range(width)]
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=width + 1), max_size=25))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    buf = io.StringIO()
    if quoting == csv.QUOTE_NONE:
        buf.write("\n".join(delimiter.join(r) for r in [header, *rows]))
    else:
        w = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    text = buf.getvalue()
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no final line break
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])), errors="replace")


@SETTINGS
@given(data=csv_bytes())
def test_fast_reader_gives_what_the_careful_one_gives(tmp_path, data):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    try:
        probe = probe_file(path)
    except ImportError_:
        return
    if not probe.sheets[0].rows or not any(probe.sheets[0].rows[0]):
        return
    fast, careful = _both(path)
    assert fast == careful


@pytest.mark.parametrize(
    "data",
    [
        b'a,b\n1,2\n3,"x"y\n',  # stray quote after a closing one
        b'a,b\n1,"x,"y"\n',  # a delimiter inside quotes, then a stray quote
        b'a,b\n1,""x\n',  # an empty quoted field, then more
        b"a,b\n" + b"1,2\n" * 3000 + b"3,\x004\n",  # NUL byte (after the probe's window)
        b"a,b\n1,2,3\n",  # first row wider than the header
        b"a,b\n1,2\n3,4,5\n",  # a later row wider than the header
        b"a,b\n1,2\n3,4,\n",  # an empty extra field (Excel re-save): fine
        b"a,b,c\n1,2,3\n4,5",  # truncated mid-row
        b'a,b\n1,"open\n',  # truncated inside a quote
        b"a,b\n1,2\n\n,\n3,4\n",  # blank rows
        b'a,b\n"multi\nline",2\n3,4\n',  # a quoted line break
        b"a,b\n1,2\r3,4\r",  # CR line ends
        b"a,b\n1,2\n" + "Caf\u00e9,3\n".encode() + b"Kro\xeag,4\n",  # damaged UTF-8
        b"a,b\n1," + b"x" * 140_000 + b"\n",  # a field over csv's limit
    ],
)
def test_awkward_files_agree(tmp_path, data):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    fast, careful = _both(path)
    assert fast == careful


def test_plain_file_is_read_fast_in_chunks_with_row_numbers(tmp_path, monkeypatch):
    lines = ["Post ID,Views,Note"] + [f"{i},{i * 10},n{i}" for i in range(1, 26)]
    lines.insert(5, "")  # a blank row: dropped, still counted
    path = tmp_path / "f.csv"
    path.write_text("\n".join(lines) + "\n")
    table = _table(path)

    def refuse(*_a, **_k):
        raise AssertionError("the careful reader was used")

    monkeypatch.setattr(Table, "_careful_csv_frames", refuse)
    frames = list(table.frames(10, numeric=["Views"]))
    assert [len(f) for f in frames] == [9, 10, 6]
    frame = pd.concat(frames, ignore_index=True)
    assert frame[ROW_COL].tolist() == [2, 3, 4, 5, *range(7, 28)]
    assert frame["Post ID"].tolist()[:3] == ["1", "2", "3"]
    assert frame["Views"].dtype.kind in "if"
    assert numbers(frame, "Views", "f.csv").tolist() == [float(i * 10) for i in range(1, 26)]


def test_numeric_columns_fall_back_to_strings_per_chunk(tmp_path):
    body = ["Views,Note", "1,a", "2,b", "-,c", "1,204,d"]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(["Views,Note", "1,a", "2,b", "-,c", '"1,204",d']) + "\n")
    assert body  # the unquoted "1,204" would be a wider row; the file quotes it
    frames = list(_table(path).frames(2, numeric=["Views"]))
    assert frames[0]["Views"].dtype.kind in "if"
    assert frames[1]["Views"].tolist() == ["-", "1,204"]
    got = pd.concat([numbers(f, "Views", "f.csv") for f in frames], ignore_index=True)
    assert got.tolist()[:2] == [1.0, 2.0] and np.isnan(got.iloc[2]) and got.iloc[3] == 1204.0
