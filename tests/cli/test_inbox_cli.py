"""socialdesk inbox classify: every input column kept, the triage columns added."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from socialdesk.cli import app

runner = CliRunner()


def test_classify_csv_keeps_columns(tmp_path):
    src = tmp_path / "comments.csv"
    src.write_text(
        'id,comment,language\n1,"Nog steeds geen antwoord, belachelijk!",x\n'
        '2,"Thanks for the quick help!",x\n3,"Wat kost een lidmaatschap?",x\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    res = runner.invoke(
        app, ["inbox", "classify", str(src), "--text-column", "comment", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    expected = (
        f"3 rows classified into {out}: 1 negative, 1 neutral, 1 positive "
        "columns already present, written with _triage: language"
    )
    # Rich wraps the long path wherever the terminal width falls: compare without spaces
    assert "".join(res.output.split()) == "".join(expected.split())
    frame = pd.read_csv(out, dtype=str)
    assert list(frame.columns) == [
        "id",
        "comment",
        "language",
        "language_triage",
        "sentiment",
        "intent",
        "urgency",
        "confidence",
    ]
    assert frame["language"].tolist() == ["x", "x", "x"]  # the input column is untouched
    assert frame["sentiment"].tolist() == ["negative", "positive", "neutral"]
    assert frame["intent"].tolist() == ["complaint", "praise", "lead"]


def test_classify_xlsx_and_missing_column(tmp_path):
    src = tmp_path / "in.xlsx"
    pd.DataFrame(
        {"tekst": ["Top gedaan, bedankt!", "Kapot geleverd, ik wil mijn geld terug"]}
    ).to_excel(src, index=False)
    out = tmp_path / "out.xlsx"
    res = runner.invoke(
        app, ["inbox", "classify", str(src), "--text-column", "tekst", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    frame = pd.read_excel(out)
    assert frame["sentiment"].tolist() == ["positive", "negative"]
    assert frame["language"].tolist() == ["nl", "nl"]
    bad = runner.invoke(
        app, ["inbox", "classify", str(src), "--text-column", "body", "--out", str(out)]
    )
    assert bad.exit_code == 2


def test_settings_show_change_and_refuse(tmp_path):
    import json

    folder = str(tmp_path / "ws")
    shown = runner.invoke(app, ["inbox", "settings", "--json", "-w", folder])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["settings"]["sla_minutes"] == 60
    changed = runner.invoke(
        app,
        [
            *("inbox", "settings", "--business-hours", "08:00-16:30", "--days", "mon-thu"),
            *("--timezone", "Europe/London", "--sla-minutes", "45", "--json", "-w", folder),
        ],
    )
    assert changed.exit_code == 0, changed.output
    data = json.loads(changed.output)
    assert (data["business_hours"], data["days"]) == ("08:00-16:30", "mon-thu")
    assert (data["settings"]["timezone"], data["settings"]["sla_minutes"]) == (
        "Europe/London",
        45,
    )
    bad = runner.invoke(app, ["inbox", "settings", "--timezone", "Nowhere/Land", "-w", folder])
    assert bad.exit_code == 2 and "time zone" in bad.output
    text = runner.invoke(app, ["inbox", "settings", "-w", folder])
    assert "Europe/London" in text.output and "45 minutes" in text.output
