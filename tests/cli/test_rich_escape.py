"""Data shown by the CLI is never read as Rich markup (issue #18).

A header or cell holding `[/x]` made Rich raise a MarkupError (a closing tag with nothing to
close) and `[bold]` was swallowed as a style. Every command that shows imported data prints
such text literally.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.cli.console import console, err_console
from tests.conftest import fixture_path

runner = CliRunner()

POSTS = fixture_path("generic", "seed_meta_posts_bom.csv")
TWCS = fixture_path("inbox", "twcs_layout.csv")
HOSTILE = "[/x] De [bold]Spaak[/bold] [link=https://example.org]x"


def _hostile_posts(folder: Path) -> Path:
    rows = list(csv.reader(io.StringIO(POSTS.read_text(encoding="utf-8-sig"), newline="")))
    header = rows[0]
    for row in rows[1:]:
        row[header.index("Page name")] = HOSTILE
        row[header.index("Description")] = f"{HOSTILE} post {row[0]}"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = folder / "posts.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _hostile_messages(folder: Path) -> Path:
    rows = list(csv.reader(io.StringIO(TWCS.read_text(encoding="utf-8"), newline="")))
    text = rows[0].index("text")
    author = rows[0].index("author_id")
    for row in rows[1:]:
        row[text] = f"{HOSTILE} {row[text]}"
        if row[rows[0].index("inbound")] == "True":
            row[author] = "[/x]cust"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = folder / "twcs.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _ok(args: list[str], *, code: int = 0) -> str:
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        repr(result.exception),
        result.output,
    )
    assert result.exit_code == code, (args, result.output)
    return result.output


def _styled(text: str) -> str:
    """Output whose own markup was applied: Rich's safety net (markup off when data slips
    through unescaped) would print socialdesk's "[red]✗[/]" and "[dim]•[/]" as they are."""
    assert "[/]" not in text, text
    return text


def _flat(text: str) -> str:
    """The output without Rich's line wrapping and table borders."""
    return "".join(ch for ch in text if ch not in " \n│┃║|")


def test_hostile_text_is_shown_literally_by_every_command(tmp_path, monkeypatch):
    # wide enough that no cell wraps: the text is then found whole
    monkeypatch.setattr(console, "width", 400)
    monkeypatch.setattr(err_console, "width", 400)
    ws = str(tmp_path / "ws")
    posts = _hostile_posts(tmp_path)
    messages = _hostile_messages(tmp_path)
    odd = tmp_path / "odd.csv"
    odd.write_text("[/x],[bold]b,[red]c\n1,2,3\n", encoding="utf-8")

    out = _ok(["import", "--workspace", ws, str(posts), str(messages)])
    assert "imported" in out
    out = _styled(_ok(["import", "--workspace", ws, str(odd)], code=1))
    # the columns found are named as the file has them, brackets and all
    assert "'[/x]'" in out and "'[bold]b'" in out and "'[red]c'" in out

    zip_dir = tmp_path / "z"
    zip_dir.mkdir()
    with zipfile.ZipFile(zip_dir / "[bold]x[red].zip", "w") as zf:
        zf.writestr("[/x].csv", "[/x],[bold]b\n1,2\n")
        zf.writestr("../[/x]evil.csv", "a,b\n1,2\n")
    out = _styled(_ok(["import", "--workspace", ws, str(zip_dir / "[bold]x[red].zip")], code=1))
    assert "[bold]x[red].zip:[/x].csv" in _flat(out)
    assert "skipped:unsafepath" in _flat(out)

    out = _ok(["imports", "--workspace", ws])
    assert "posts.csv" in out
    out = _styled(_ok(["status", "--workspace", ws]))
    assert _flat(HOSTILE) in _flat(out)
    out = _ok(["posts", "--workspace", ws])
    assert _flat(HOSTILE) in _flat(out)
    out = _ok(["posts", "--workspace", ws, "--q", "[/x]"])
    assert "[/x]" in out
    _ok(["overview", "--workspace", ws])

    out = _styled(_ok(["inbox", "queue", "--workspace", ws, "--now", "2025-03-04T12:00"]))
    assert "[/x]" in out
    _ok(["inbox", "figures", "--workspace", ws])

    out = _ok(
        [
            "calendar",
            "add",
            HOSTILE,
            "--workspace",
            ws,
            "--at",
            "2026-05-04 10:00",
            "--platform",
            "facebook",
            "--pillar",
            "[/x]pillar",
        ]
    )
    out = _styled(_ok(["calendar", "list", "--workspace", ws, "--month", "2026-05"]))
    assert _flat(HOSTILE) in _flat(out)
