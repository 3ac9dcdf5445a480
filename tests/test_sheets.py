"""socialdesk.sheets: the one formula-safe writer of tables for a spreadsheet (issue #18)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from socialdesk import sheets

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\uff1d1+1",  # full-width =
    "\uff0b1",  # full-width +
    "\t=1+1",
    "\r=1+1",
    "   =1+1",
    "\u00a0=1+1",
    "\n=1+1",  # a line break first (reviewer's read, #18)
    "\u3000=1+1",  # an ideographic space first
)
PLAIN = ("#zomer", "Doe mee! #vrijwilligers", "hallo =1", "20% korting", "", "'al tekst")


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_gets_a_leading_quote(text):
    assert sheets.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", PLAIN)
def test_hashtags_and_ordinary_text_stay_as_they_are(text):
    assert sheets.neutralise(text) == text


def _rows() -> list[tuple[object, ...]]:
    return [
        (text, -1.5, 3, dt.date(2026, 11, 20), dt.datetime(2026, 11, 20, 9, 30), True)
        for text in HOSTILE + PLAIN
    ]


HEADER = ("=name", "spend", "count", "day", "at", "done")


def test_csv_text_is_neutralised_numbers_and_dates_are_not():
    out = io.StringIO()
    sheets.write_csv(HEADER, iter(_rows()), out, sheets.CsvStyle(bom=True))
    text = out.getvalue()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[0] == ["'=name", "spend", "count", "day", "at", "done"]
    assert [r[0] for r in rows[1:]] == ["'" + h for h in HOSTILE] + list(PLAIN)
    assert rows[1][1:] == ["-1.5", "3", "2026-11-20", "2026-11-20 09:30:00", "yes"]
    dutch = sheets.CsvStyle(delimiter=";", decimal_comma=True, yes="ja", no="nee")
    assert sheets.csv_text(None, [(-1.5, Decimal("2.50"), False, 1e-05)], dutch) == (
        "-1,5;2,50;nee;0,00001\r\n"
    )


def test_missing_values_are_empty_cells():
    values = [None, float("nan"), float("inf"), Decimal("NaN"), pd.NaT, pd.NA]
    assert sheets.csv_text(None, [values]) == "," * (len(values) - 1) + "\r\n"
    frame = pd.DataFrame({"n": [1, 2], "x": [0.5, None]})
    assert sheets.csv_text(frame.columns, frame.itertuples(index=False, name=None)) == (
        "n,x\r\n1,0.5\r\n2,\r\n"
    )


def test_xlsx_text_is_text_never_a_formula():
    raw = io.BytesIO()
    sheets.write_xlsx([sheets.Sheet("Data", HEADER, iter(_rows()))], raw)
    sheet = load_workbook(raw).worksheets[0]
    rows = list(sheet.iter_rows())
    assert not [c.coordinate for row in rows for c in row if c.data_type == "f"]
    assert rows[0][0].value == "'=name" and all(c.font.b for c in rows[0])
    assert sheet.freeze_panes == "A2"
    # (an XML reader reads a carriage return as a line feed)
    assert [r[0].value for r in rows[1:]] == ["'" + h.replace("\r", "\n") for h in HOSTILE] + [
        p or None for p in PLAIN
    ]
    assert all(r[0].data_type == "s" for r in rows[1:] if r[0].value is not None)
    first = [c.value for c in rows[1]]
    assert first[1:] == [-1.5, 3, dt.datetime(2026, 11, 20), dt.datetime(2026, 11, 20, 9, 30), True]


def test_xlsx_forbidden_control_characters_become_spaces():
    raw = io.BytesIO()
    sheets.write_xlsx([sheets.Sheet("a/b", ["x"], [("regel\x0bregel\x1b",)])], raw)
    wb = load_workbook(raw)
    assert wb.sheetnames == ["a b"]
    assert wb.worksheets[0]["A2"].value == "regel regel "


def test_csv_rows_are_written_as_they_come():
    """A long table is written in batches while its rows are still being read."""
    out = io.StringIO()

    def rows() -> Iterator[tuple[str]]:
        for n in range(sheets.FLUSH_ROWS * 3):
            if n == sheets.FLUSH_ROWS * 2:
                assert out.getvalue().count("\n") > sheets.FLUSH_ROWS  # already written
            yield (f"row {n}",)

    sheets.write_csv(["x"], rows(), out)
    assert out.getvalue().count("\n") == 1 + sheets.FLUSH_ROWS * 3
