"""The calendar's CSV and its Meta bulk file never carry a live formula (issue #18).

A plan item's title, text, pillar or link that starts with = + - @ (a full-width ＝, a tab,
spaces first) is written with a leading ', through the CLI (`calendar export --format csv`
and `--format meta`) and the web (`/marketing/calendar.csv`), on SQLite and PostgreSQL.
Hashtags and ordinary text are written as they are.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.marketing import run
from tests.web.conftest import csrf_of, make_client

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
PLAIN = ("#zomer Doe mee", "Zomerfeest, 20% korting")
# the calendar CSV's columns that hold a plan item's own text
TEXT_COLUMNS = ("title", "pillar", "audience", "objective", "owner", "text", "link")


def _read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _no_live_formula(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, value in row.items():
            assert not value.lstrip(" \u00a0").startswith(FORMULA_START), (column, value)


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, (args, result.output, repr(result.exception))
    return result.output


def _add_by_cli(folder: Path, title: str, hour: int) -> None:
    _ok(
        [
            *("calendar", "add", "--workspace", str(folder)),
            *("--at", f"2026-05-04 {hour:02d}:00", "--platform", "facebook"),
            "--status=approved",
            *(f"--{name}={title}" for name in TEXT_COLUMNS if name != "title"),
            "--",
            title,
        ]
    )


def test_the_cli_exports_write_text_never_formulas(tmp_path):
    folder = tmp_path / "ws"
    for hour, title in enumerate(HOSTILE + PLAIN):
        _add_by_cli(folder, title, 8 + hour)

    out = tmp_path / "calendar.csv"
    _ok(["calendar", "export", str(out), "--format", "csv", "--workspace", str(folder)])
    rows = _read(out.read_text(encoding="utf-8"))
    assert [r["title"] for r in rows] == ["'" + h for h in HOSTILE] + list(PLAIN)
    for row in rows:
        for column in TEXT_COLUMNS:
            assert row[column] == row["title"], (column, row)  # every text cell alike
        assert row["id"].isdigit() and row["time"].endswith(":00")
    _no_live_formula(rows)

    meta = tmp_path / "meta.csv"
    _ok(["calendar", "export", str(meta), "--format", "meta", "--workspace", str(folder)])
    bulk = _read(meta.read_text(encoding="utf-8"))
    # the post text as Meta receives it: a text that starts with = + - @ keeps its leading '
    # (the price of a file that is opened in a spreadsheet, see marketing/calendar.py)
    assert [r["Text"] for r in bulk] == ["'" + h for h in HOSTILE] + list(PLAIN)
    assert [r["Link"] for r in bulk] == ["'" + h for h in HOSTILE] + list(PLAIN)
    assert {r["Scheduling date (MM/DD/YYYY)"] for r in bulk} == {"05/04/2026"}
    _no_live_formula(bulk)


def test_the_web_calendar_csv_writes_text_never_formulas(ws):
    client = make_client(ws)
    token = csrf_of(client)
    for hour, title in enumerate(HOSTILE + PLAIN):
        added = client.post(
            "/marketing/calendar",
            data={
                "title": title,
                "platform": "facebook",
                "date": "2026-05-04",
                "time": f"{8 + hour:02d}:00",
                **dict.fromkeys(("pillar", "audience", "objective", "text", "link"), title),
                "csrf_token": token,
            },
        )
        assert added.status_code == 303, added.text[:300]
    response = client.get("/marketing/calendar.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = _read(response.content.decode("utf-8"))
    by_title = {r["title"]: r for r in rows}
    assert set(by_title) == {"'" + h for h in HOSTILE} | set(PLAIN)
    for row in rows:
        for column in ("pillar", "audience", "objective", "text", "link"):
            assert row[column] == row["title"], (column, row)
    _no_live_formula(rows)

    # the items are drafts: the Meta bulk file takes approved and scheduled ones only
    with ws.session() as s:
        ids = [int(r["id"]) for r in rows]
        for item in ids:
            run.move_plan_item(s, ws.workspace_id, item, status="approved")
        s.commit()
        found = run.export_calendar(s, ws.workspace_id, "meta")
    assert isinstance(found.content, str)
    bulk = _read(found.content)
    assert sorted(r["Text"] for r in bulk) == sorted(["'" + h for h in HOSTILE] + list(PLAIN))
    _no_live_formula(bulk)
    assert found.neutralised == 2 * len(HOSTILE)  # each hostile item's text and link
