"""`socialdesk inbox classify --out x.csv|x.xlsx` never writes a live formula (issue #18).

A message, a note or a column name that starts with = + - @ (a full-width ＝, a tab, spaces
first) comes out with a leading ', as text; every input column is kept, the triage columns
are added, the confidence stays a number.
"""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from typer.testing import CliRunner

from socialdesk.cli import app

runner = CliRunner()

# what makes a spreadsheet read a cell as a formula (OWASP "CSV Injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d")

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\uff1d1+1",  # full-width =
    "\t=1+1",
    "   =1+1",
)
PLAIN = ("#service Bedankt voor de snelle hulp!", "Waar blijft mijn pakket?")
ADDED = ["language", "sentiment", "intent", "urgency", "confidence"]


def _source(tmp_path):
    """A CSV with hostile messages, notes and one hostile column name."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(["id", "message", "=note"])
    for i, text in enumerate(HOSTILE + PLAIN, start=1):
        writer.writerow([str(i), text, text])
    path = tmp_path / "messages.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _classify(tmp_path, name: str):
    out = tmp_path / name
    result = runner.invoke(
        app,
        [
            "inbox",
            "classify",
            str(_source(tmp_path)),
            "--text-column",
            "message",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, (result.output, repr(result.exception))
    return out


EXPECTED = ["'" + h for h in HOSTILE] + list(PLAIN)


def test_classify_to_csv_writes_text_never_formulas(tmp_path):
    out = _classify(tmp_path, "out.csv")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == ["id", "message", "'=note", *ADDED]
    body = rows[1:]
    assert [r[1] for r in body] == EXPECTED and [r[2] for r in body] == EXPECTED
    assert [r[0] for r in body] == [str(i) for i in range(1, len(EXPECTED) + 1)]
    for row in rows:
        for value in row:
            assert not value.lstrip(" \u00a0").startswith(FORMULA_START), (value, row)
    assert all(0 <= float(r[-1]) <= 1 for r in body)  # the confidence, a plain number


def test_classify_to_xlsx_writes_text_never_formulas(tmp_path):
    out = _classify(tmp_path, "out.xlsx")
    sheet = load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == ["id", "message", "'=note", *ADDED]
    assert not [c.coordinate for row in rows for c in row if c.data_type == "f"]
    body = rows[1:]
    assert [r[1].value for r in body] == EXPECTED and [r[2].value for r in body] == EXPECTED
    for row in body:
        assert row[1].data_type == "s" and row[2].data_type == "s"
        assert row[-1].data_type == "n" and 0 <= row[-1].value <= 1  # a number stays a number
    for row in rows:
        for cell in row:
            if isinstance(cell.value, str):
                assert not cell.value.lstrip(" \u00a0").startswith(FORMULA_START), cell.value
