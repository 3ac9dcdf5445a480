"""Reading tables: encodings, BOMs, delimiters, line endings, quoting, row numbers, workbooks."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from socialdesk.errors import FileUnreadable, RowInvalid
from socialdesk.importers import tabular
from socialdesk.importers.tabular import (
    ROW_COL,
    Table,
    dedupe,
    probe_file,
    sniff_delimiter,
    sniff_encoding,
)
from tests.conftest import fixture_path


def _table(path: Path, header_index: int = 0, **kw) -> Table:
    probe = probe_file(path)
    row = probe.sheets[0].rows[header_index]
    header = dedupe(row)
    while header and not header[-1]:
        header.pop()
    return Table(probe, probe.sheets[0].name, header_index, header, **kw)


def _rows(table: Table, chunksize: int = 50_000) -> pd.DataFrame:
    frames = list(table.frames(chunksize))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _file(tmp_path: Path, data: bytes, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- encodings -----------------------------------------------------------------------------
def test_utf8_bom_is_not_part_of_the_first_header(tmp_path):
    path = _file(tmp_path, codecs.BOM_UTF8 + "Post ID,Naam\n1,Café\n".encode())
    table = _table(path)
    assert table.probe.encoding == "utf-8-sig"
    assert table.header == ["Post ID", "Naam"]
    assert _rows(table).to_dict("records") == [{"Post ID": "1", "Naam": "Café", ROW_COL: 2}]


def test_utf16_le_bom_tab_with_title_lines():
    path = fixture_path("generic", "seed_google_ads_utf16_tab.csv")
    probe = probe_file(path)
    assert (probe.encoding, probe.delimiter) == ("utf-16", "\t")
    rows = probe.sheets[0].rows
    assert rows[0] == ["Campagnerapport"] and rows[2][:2] == ["Campaign status", "Campaign"]
    frame = _rows(_table(path, header_index=2))
    assert frame["Campaign"].tolist() == ["Voorjaarsactie", "Merkcampagne", " --"]
    assert frame["Impr."].tolist() == ["31,193", "1,004", "32,197"]
    assert frame[ROW_COL].tolist() == [4, 5, 6]


def test_utf16_without_bom_is_recognised(tmp_path):
    path = _file(tmp_path, "Date\tViews\n2026-01-01\t12\n".encode("utf-16-le"))
    table = _table(path)
    assert table.probe.encoding == "utf-16-le" and table.probe.delimiter == "\t"
    assert _rows(table)["Views"].tolist() == ["12"]


def test_windows_1252_without_any_utf8_is_read_as_such(tmp_path):
    path = _file(tmp_path, "Naam;Plaats\nCaf\xe9 Noord;Li\xe8ge\n".encode("cp1252"))
    table = _table(path)
    assert table.probe.encoding == "cp1252"
    assert _rows(table)["Naam"].tolist() == ["Café Noord"]


def test_damaged_utf8_names_row_and_column(tmp_path):
    data = "Naam,Plaats\nCafé,Utrecht\nBar,Zwolle\n".encode() + b"Kro\xeag,Delft\n"
    path = _file(tmp_path, data)
    table = _table(path)
    assert table.probe.encoding == "utf-8"  # valid UTF-8 elsewhere: damaged, not cp1252
    with pytest.raises(RowInvalid) as err:
        _rows(table)
    assert (err.value.row, err.value.column) == (4, "Naam")
    assert "not valid UTF-8" in str(err.value) and "f.csv" in str(err.value)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (codecs.BOM_UTF8 + b"a,b", "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "a,b".encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + "a,b".encode("utf-16-be"), "utf-16"),
        ("Datum,Bereik\n".encode("utf-16-be"), "utf-16-be"),
        ("Café,b\n".encode(), "utf-8"),
        (b"Caf\xe9,b\n", "cp1252"),
        ("Caf\u00e9,b\n".encode() + b"x" * 10 + b"\xc3", "utf-8"),  # cut inside a character
    ],
)
def test_sniff_encoding(head, expected):
    assert sniff_encoding(head) == expected


# -- delimiters, line endings, quoting -------------------------------------------------------
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffing(tmp_path, delimiter):
    lines = [["Date", "Views", "Note"], ["2026-01-01", "1,5", "a"], ["2026-01-02", "2", "b c"]]
    quoted = [[f'"{c}"' if "," in c and delimiter == "," else c for c in r] for r in lines]
    text = "\n".join(delimiter.join(r) for r in quoted) + "\n"
    table = _table(_file(tmp_path, text.encode()))
    assert table.probe.delimiter == delimiter
    assert _rows(table)["Views"].tolist() == ["1,5", "2"]


def test_sniff_delimiter_skips_comment_lines():
    assert sniff_delimiter(["# Account: a,b,c,d,e", "Page;Views", "/;1", "/a;2"]) == ";"
    assert sniff_delimiter([]) == ","


def test_crlf_and_trailing_commas_of_an_excel_resave():
    table = _table(fixture_path("generic", "seed_ga4_crlf.csv"), header_index=6)
    assert table.probe.sheets[0].rows[0][0].startswith("# ---")
    assert table.header == ["Page path and screen class", "Views", "Active users", "Event count"]
    frame = _rows(table)
    assert frame.drop(columns=ROW_COL).values.tolist() == [
        ["/", "1460", "1030", "7510"],
        ["/fietsen/", "310", "220", "1702"],
    ]
    assert frame[ROW_COL].tolist() == [8, 9]
    assert not any("\r" in v for v in frame.drop(columns=ROW_COL).values.ravel())


def test_multiline_quoted_fields_keep_spreadsheet_row_numbers():
    table = _table(fixture_path("generic", "seed_tweet_activity.csv"))
    frame = _rows(table)
    texts = frame["Tweet text"].tolist()
    assert texts == ["Open dag!\nZaterdag 10-16u", "Nieuwe e-bikes &amp; meer"]
    assert frame[ROW_COL].tolist() == [2, 3]  # one row per record, as a spreadsheet shows


def test_no_final_newline_is_fine_when_the_last_row_is_whole():
    frame = _rows(_table(fixture_path("generic", "seed_gsc_queries.csv")))
    assert frame["Top queries"].tolist()[-1] == "e-bike kopen"
    assert frame["Position"].tolist()[-1] == "11.25"
    assert frame["Top queries"].tolist()[1] == "fietsen, tweedehands"


def test_blank_lines_are_dropped_but_counted_and_short_rows_padded(tmp_path):
    path = _file(tmp_path, b"a,b,c\n1,2,3\n\n,,\n4,5\n")
    frame = _rows(_table(path))
    assert frame.to_dict("records") == [
        {"a": "1", "b": "2", "c": "3", ROW_COL: 2},
        {"a": "4", "b": "5", "c": "", ROW_COL: 5},
    ]


def test_rows_wider_than_the_header_are_refused_unless_ragged(tmp_path):
    path = _file(tmp_path, b"a,b\n1,2\n3,4,5\n")
    with pytest.raises(RowInvalid) as err:
        _rows(_table(path))
    assert (err.value.row, err.value.column) == (3, "field 3 (beyond the header)")
    frame = _rows(_table(path, ragged=True))
    assert frame[["a", "b"]].values.tolist() == [["1", "2"], ["3", "4"]]


def test_chunks_stream_with_contiguous_row_numbers(tmp_path):
    body = "".join(f"{i},v{i}\n" for i in range(7))
    frames = list(_table(_file(tmp_path, f"n,v\n{body}".encode())).frames(3))
    assert [len(f) for f in frames] == [3, 3, 1]
    assert pd.concat(frames)[ROW_COL].tolist() == list(range(2, 9))


def test_truncation_inside_a_quote_and_mid_row(tmp_path):
    quoted = _file(tmp_path, b'a,b,c\n1,"two\nlines', "q.csv")
    with pytest.raises(FileUnreadable) as err:
        _rows(_table(quoted))
    assert "starts on row 2" in str(err.value) and err.value.row == 2
    cut = _file(tmp_path, b"a,b,c\n1,2,3\n4,5", "c.csv")
    with pytest.raises(RowInvalid) as err2:
        _rows(_table(cut))
    assert (err2.value.row, err2.value.column) == (3, "b")


def test_stray_quote_names_the_row(tmp_path):
    path = _file(tmp_path, b'a,b\n1,2\n3,"x"y\n')
    with pytest.raises(FileUnreadable) as err:
        _rows(_table(path))
    assert "row 3 is not valid CSV" in str(err.value)


def test_nul_byte_after_the_probe_window(tmp_path):
    data = b"a,b\n" + b"1,2\n" * 3000 + b"3,\x00\n"
    with pytest.raises(FileUnreadable) as err:
        _rows(_table(_file(tmp_path, data)))
    assert "row 3002 holds a NUL byte" in str(err.value)


def test_large_file_probe_drops_the_cut_last_line(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "PROBE_BYTES", 64)
    path = _file(tmp_path, b"a,b\n" + b"12345,67890\n" * 20)
    probe = probe_file(path)
    assert probe.sheets[0].rows[-1] == ["12345", "67890"]  # no half line at the end
    assert len(_rows(_table(path))) == 20


# -- refusing what is not a table ------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\n\r\n  \n", "empty"),
        (codecs.BOM_UTF8, "empty"),
        (codecs.BOM_UTF16_LE + "\n".encode("utf-16-le"), "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (b"\x1f\x8b\x08\x00" + bytes(40), "gzip archive"),
        (b"PK\x03\x04" + bytes(60), "damaged or truncated"),
        (bytes(range(256)) * 4, "binary file"),
    ],
)
def test_not_a_table(tmp_path, data, message):
    with pytest.raises(FileUnreadable) as err:
        probe_file(_file(tmp_path, data, "weird.csv"))
    assert message in str(err.value) and "weird.csv" in str(err.value)


# -- workbooks -----------------------------------------------------------------------------
def test_xlsx_rows_numbered_and_cells_beyond_the_header_dropped(tmp_path):
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.title = "results"
    sh.append(["Report title"])
    sh.append(["Date", "Views"])
    sh.append([dt.datetime(2026, 1, 2), 12, None, "a note beside the table"])
    sh.append([])
    sh.append([dt.datetime(2026, 1, 3), 1.5])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    probe = probe_file(path)
    assert probe.kind == "xlsx" and probe.sheets[0].name == "results"
    table = Table(probe, "results", 1, ["Date", "Views"])
    frame = _rows(table)
    assert frame.to_dict("records") == [
        {"Date": "2026-01-02T00:00:00", "Views": "12", ROW_COL: 3},
        {"Date": "2026-01-03T00:00:00", "Views": "1.5", ROW_COL: 5},
    ]


def test_truncated_xlsx_is_unreadable(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(FileUnreadable) as err:
        probe_file(path)
    assert "damaged" in str(err.value)


def test_dedupe_numbers_repeated_headers():
    deduped = dedupe(["Views", "views ", "Reach", "Views"])
    assert deduped == ["Views", "views [2]", "Reach", "Views [3]"]
