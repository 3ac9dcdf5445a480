"""`inbox classify` never loses the input nor leaves half a result (issue #19's streaming made
both possible: the output was opened before the input was read)."""

from __future__ import annotations

from typer.testing import CliRunner

from socialdesk.cli import app

runner = CliRunner()


def _file(path, lines):
    path.write_text("\n".join(["text", *lines]) + "\n", encoding="utf-8")
    return path


def test_the_input_as_output_is_refused_and_kept(tmp_path):
    src = _file(tmp_path / "same.csv", [f"bericht {i} prima" for i in range(3000)])
    before = src.read_bytes()
    result = runner.invoke(
        app, ["inbox", "classify", str(src), "--text-column", "text", "--out", str(src)]
    )
    assert result.exit_code == 2 and "input" in result.output
    assert src.read_bytes() == before


def test_a_bad_row_late_in_the_file_leaves_no_output(tmp_path):
    lines = [f"bericht {i} prima" for i in range(4000)]
    lines[2600] = "x,y,z"  # more cells than the header, after the first chunk was written
    src = _file(tmp_path / "in.csv", lines)
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["inbox", "classify", str(src), "--text-column", "text", "--out", str(out)]
    )
    assert result.exit_code == 2 and "line 2602" in result.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]  # no part file left


def test_a_file_that_is_not_utf8_gets_one_line(tmp_path):
    src = tmp_path / "latin.csv"
    src.write_bytes(b"text\nok\n\xe9t\xe9 bad\n")
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["inbox", "classify", str(src), "--text-column", "text", "--out", str(out)]
    )
    assert result.exit_code == 2 and "UTF-8" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_one_column_file_is_read(tmp_path):
    src = _file(tmp_path / "one.csv", ["great service", "hallo wereld"])
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["inbox", "classify", str(src), "--text-column", "text", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("text,language")
