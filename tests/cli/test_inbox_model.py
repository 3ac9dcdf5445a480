"""socialdesk inbox model use / show / off, and classify --model (issue #19 part 3): a tiny
random model saved in a temporary folder (tests/inbox/test_model_folder.py builds it)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from socialdesk.cli import app
from tests.inbox.test_model_folder import THREE, extra, tiny_model

runner = CliRunner()
__all__ = ["extra"]  # the fixture, used by name


def _flat(text: str) -> str:
    return "".join(text.split())


def test_use_show_off(extra: None, tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    folder = tiny_model(tmp_path / "xlm-sentiment", {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    shown = runner.invoke(app, ["inbox", "model", "show", "-w", ws])
    assert shown.exit_code == 0 and "the lexicon reads the sentiment" in shown.output
    unlabelled = runner.invoke(app, ["inbox", "model", "use", str(folder), "-w", ws])
    assert unlabelled.exit_code == 2
    assert _flat("give them, e.g. --labels 'LABEL_0=negative") in _flat(unlabelled.output)
    assert "Traceback" not in unlabelled.output
    used = runner.invoke(
        app,
        [
            *("inbox", "model", "use", str(folder), "-w", ws),
            *("--labels", "LABEL_0=negative,LABEL_1=neutral,LABEL_2=positive"),
        ],
    )
    assert used.exit_code == 0, used.output
    assert "LABEL_2 -> positive" in used.output
    shown = runner.invoke(app, ["inbox", "model", "show", "-w", ws, "--json"])
    data = json.loads(shown.output)
    assert data["chosen"]["path"] == str(folder.resolve())
    assert data["check"]["mapping"]["LABEL_0"] == "negative" and data["check"]["problem"] is None
    off = runner.invoke(app, ["inbox", "model", "off", "-w", ws])
    assert off.exit_code == 0 and "lexicon reads the sentiment again" in off.output
    assert "lexicon" in runner.invoke(app, ["inbox", "model", "show", "-w", ws]).output


def test_a_wrong_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    res = runner.invoke(app, ["inbox", "model", "use", str(tmp_path / "nope"), "-w", ws])
    assert res.exit_code == 2 and res.exception is not None and "Traceback" not in res.output
    assert _flat("is not a folder on this machine. The lexicon keeps reading.") in _flat(res.output)
    shown = runner.invoke(app, ["inbox", "model", "show", "-w", ws])
    assert "the lexicon reads the sentiment" in shown.output  # nothing was chosen


def test_classify_with_a_model_names_the_reader(extra: None, tmp_path: Path) -> None:
    folder = tiny_model(tmp_path / "team-model", THREE)
    src = tmp_path / "in.csv"
    src.write_text("id;text\n1;thanks great help\n2;awful broken order\n\n3;late\n")
    out = tmp_path / "out.csv"
    args = ["inbox", "classify", str(src), "--text-column", "text", "--out", str(out)]
    res = runner.invoke(app, [*args, "--model", str(folder)])
    assert res.exit_code == 0, res.output
    assert "read by model team-model" in res.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert {r["read_by"] for r in rows} == {"model team-model"}
    assert all(r["sentiment"] in THREE.values() for r in rows)
    # a wrong folder: one line that says so, and the lexicon reads the file
    res = runner.invoke(app, [*args, "--model", str(tmp_path / "gone")])
    assert res.exit_code == 0, res.output
    assert "lexicon reads the sentiment instead" in res.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["read_by"] for r in rows} == {"lexicon"}


def test_triage_says_when_the_chosen_folder_broke(extra: None, tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    folder = tiny_model(tmp_path / "broken-later", THREE)
    assert runner.invoke(app, ["inbox", "model", "use", str(folder), "-w", ws]).exit_code == 0
    (folder / "config.json").unlink()
    res = runner.invoke(app, ["inbox", "triage", "-w", ws])
    assert res.exit_code == 0, res.output
    assert _flat("holds no config.json") in _flat(res.output)
    assert _flat("the lexicon reads the sentiment instead") in _flat(res.output)
    assert "Traceback" not in res.output
