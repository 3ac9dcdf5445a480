"""Names from the data are printed as they are, never read as Rich markup (issue #18).

A workspace whose campaigns, ads, accounts, goals and users are called `[/x]` (a closing tag
with nothing to close: Rich raised MarkupError), `[bold red]boom` or
`[link=http://evil]x[/link]` (valid markup: Rich swallowed the tags and the reader saw "boom"
or "x"). Every command that shows such a name must exit normally and show it literally, with
socialdesk's own markup still applied (console.py's safety net, which prints with markup off
when data slipped through unescaped, would show our "[green]✓[/]" as it is).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.cli.console import console, err_console
from socialdesk.store import open_workspace
from tests.ads.seeding import curve_days, write_rows
from tests.conftest import fixture_path

runner = CliRunner()

NAMES = {
    "close": "[/x]",
    "style": "[bold red]boom",
    "link": "[link=http://evil]x[/link]",
}
POSTS = fixture_path("generic", "seed_meta_posts_bom.csv")
PASSWORD = "Correct-Horse-Battery-9\n"


@pytest.fixture(params=list(NAMES.values()), ids=list(NAMES))
def name(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    # wide enough that no cell wraps: a name is then found whole
    monkeypatch.setattr(console, "width", 400)
    monkeypatch.setattr(err_console, "width", 400)
    return str(request.param)


def _ok(args: list[str], *, code: int = 0, stdin: str | None = None) -> str:
    result = runner.invoke(app, args, input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        repr(result.exception),
        result.output,
    )
    assert result.exit_code == code, (args, result.output)
    # socialdesk's own markup was applied: the safety net did not have to turn it off
    assert "[/]" not in result.output, (args, result.output)
    return result.output


def _ads(folder: Path, name: str) -> None:
    """Ad delivery through the importers' loader: a campaign, its ad set and two ads named
    after `name`, beside a plainly named campaign, in an ads account named after it too."""
    handle = open_workspace(folder)
    rng = np.random.default_rng(8)
    hostile = curve_days(rng, name, 12.0, 25.0, 1.2)
    for i, row in enumerate(hostile):
        row.update(ad_set_name=name, ad_name=f"{name} {'AB'[i % 2]}")
    plain = curve_days(rng, "Plain", 30.0, 150.0, 1.1)
    for row in plain:
        row.update(ad_set_name="Plain set", ad_name="Plain ad")
    write_rows(handle, hostile + plain, account=f"{name} ads")
    handle.engine.dispose()


def _posts(folder: Path, name: str) -> Path:
    """The generic posts export with `name` as the page (the account) and in every text."""
    rows = list(csv.reader(io.StringIO(POSTS.read_text(encoding="utf-8-sig"), newline="")))
    header = rows[0]
    for row in rows[1:]:
        row[header.index("Page name")] = name
        row[header.index("Description")] = f"{name} post {row[0]}"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = folder / "posts.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_ads_commands_show_campaign_and_ad_names_literally(tmp_path, name):
    ws = tmp_path / "ws"
    _ads(ws, name)
    w = ["-w", str(ws)]
    assert name in _ok(["ads", "report", *w])
    assert f"{name} ads" in _ok(["ads", "report", "--level", "account", *w])
    assert name in _ok(["ads", "report", "--daily", *w])
    assert name in _ok(["ads", "curves", *w])
    out = _ok(["ads", "budget", "--total", "1000", *w])
    assert name in out and "Plain" in out
    out = _ok(["ads", "tests", *w])
    assert f"{name} A" in out and f"{name} B" in out
    assert name in _ok(["ads", "fatigue", *w])
    _ok(["ads", "plan", "add", "--amount", "500", "--month", "2026-02", "--campaign", name, *w])
    assert name in _ok(["ads", "plan", "list", *w])
    assert name in _ok(["ads", "pacing", "--today", "2026-02-15", "--month", "2026-02", *w])


def test_analytics_goals_and_reports_show_names_literally(tmp_path, name):
    ws = tmp_path / "ws"
    w = ["-w", str(ws)]
    _ok(["import", *w, str(_posts(tmp_path, name))])
    _ok(["kpi", "interactions", "--by", "account", "--days", "3650", *w])
    _ok(["kpi-tree", "engagement", "--by", "account", "--end", "2026-01-31", *w])

    out = _ok(
        [
            *("goals", "add", f"{name} goal", "--metric", "interactions", "--target", "3000"),
            *("--start", "2026-01-01", "--end", "2026-03-31", *w),
        ]
    )
    assert f"'{name} goal'" in out and "✓" in out
    assert f"{name} goal" in _ok(["goals", "list", "--today", "2026-02-01", *w])
    assert name in _ok(["goals", "remove", name, *w], code=1)
    assert name in _ok(["metrics", name], code=2)

    # the campaign report's status line ("Gathering NAME…") is markup too
    assert name in _ok(["report", "campaign", name, *w], code=1)
    assert name in _ok(["settings", "branding", "--name", f"{name} org", *w])


def test_users_are_named_literally(tmp_path, name):
    w = ["-w", str(tmp_path / "ws")]
    out = _ok(["users", "add", name, "--role", "editor", "--password-stdin", *w], stdin=PASSWORD)
    assert f"{name} created with the editor role" in out
    assert name in _ok(["users", "list", *w])
    assert name in _ok(["users", "approver", name, *w])
    assert name in _ok(["users", "remove", name, *w])
    assert f"{name}2" in _ok(["users", "set-password", f"{name}2", *w], code=1)


def test_file_names_are_shown_literally(tmp_path, name):
    stem = name.replace("/", "")  # a file name cannot hold a slash: "[x]" is a tag too
    media = tmp_path / "media"
    media.mkdir()
    (media / f"{stem}.jpg").write_bytes(b"not an image")
    out = _ok(["visual", "media", str(media), "-w", str(tmp_path / "ws")])
    assert f"{stem}.jpg" in out
    assert f"{stem}.jpg" in _ok(["visual", "check", str(media / f"{stem}.jpg")], code=2)


def test_goals_add_makes_a_plan_objective_as_the_web_does(tmp_path):
    """`goals add` adds an objective to the marketing plan (a new plan version), under the
    plan goal "goals", as the form on /analytics/goals does; no analytics goal is stored."""
    ws = tmp_path / "ws"
    w = ["-w", str(ws)]
    _ok(["import", *w, str(_posts(tmp_path, "De Spaak"))])
    args = ["goals", "add", "Meer interacties!", "--metric", "interactions", "--target", "3000"]
    made = json.loads(_ok([*args, "--start", "2026-01-01", "--end", "2026-03-31", "--json", *w]))
    assert made["key"] == "meer_interacties" and made["goal"] == "goals"
    assert (made["metric"], made["target"]) == ("interactions", 3000.0)
    assert (made["start"], made["due"]) == ("2026-01-01", "2026-03-31")
    assert made["analytics_goal"] is None

    plan = json.loads(_ok(["plan", "show", "--json", *w]))
    assert "Meer interacties!" in json.dumps(plan)
    listed = json.loads(_ok(["goals", "list", "--today", "2026-02-01", "--json", *w]))
    assert listed["stored"] == []
    (objective,) = listed["objectives"]
    assert objective["key"] == "meer_interacties" and objective["missing"] is None
    assert objective["status"]["goal"]["name"] == "Meer interacties!"

    # a second one with the same name gets a key of its own, in a change: +20% target
    again = json.loads(
        _ok(
            [
                *("goals", "add", "Meer interacties!", "--metric", "interactions"),
                *("--target", "+20%", "--start", "2026-01-01", "--end", "2026-03-31"),
                *("--plan-goal", "groei", "--lang", "nl", "--json", *w),
            ]
        )
    )
    assert again["key"] == "meer_interacties_2" and again["goal"] == "groei"
    assert again["target_kind"] == "change" and again["target"] == pytest.approx(0.2)
    listed = json.loads(_ok(["goals", "list", "--today", "2026-02-01", "--json", *w]))
    assert [o["key"] for o in listed["objectives"]] == ["meer_interacties", "meer_interacties_2"]

    # refused as on the web: a platform the workspace does not have, a bad target
    bad = [*args, "--start", "2026-01-01", "--end", "2026-03-31", *w]
    assert "tiktok" in _ok([*bad, "--platform", "tiktok"], code=2)
    assert "percentage" in _ok([*bad[:6], "+5", *bad[7:]], code=2)
    # an objective is changed in the plan, not removed as a stored goal
    assert "marketing plan" in _ok(["goals", "remove", "meer_interacties", *w], code=1)
