"""The sparklines' compact points and the locale Vega writes their tooltips in."""

from __future__ import annotations

import datetime as dt

import pytest

from socialdesk import charts
from socialdesk.i18n import formats

MONDAY = dt.date(2025, 11, 3)


def test_points_keep_gaps_and_need_two_values():
    starts = [MONDAY + dt.timedelta(days=7 * i) for i in range(4)]
    spec = charts.sparkline_points([1.0, None, 3.333333, 4.0], starts, description="Bereik: X")
    assert spec == {
        "description": "Bereik: X",
        "points": {"start": "2025-11-03", "step": 7, "values": [1.0, None, 3.33, 4.0]},
    }
    assert charts.sparkline_points([None, 2.0, None, None], starts, description="d") is None


def test_points_refuse_irregular_days():
    starts = [MONDAY, MONDAY + dt.timedelta(days=7), MONDAY + dt.timedelta(days=15)]
    with pytest.raises(ValueError, match="regular"):
        charts.sparkline_points([1.0, 2.0, 3.0], starts, description="d")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_tooltip_days_are_written_as_the_cockpit_writes_them(lang):
    """The d3 pattern and month names in the base spec give what Babel gives in Python."""
    base = charts.sparkline_base(locale=lang)
    time = base["config"]["locale"]["time"]
    pattern = charts.DAY_FORMATS[lang]
    fmt = formats(lang)
    for month in range(1, 13):
        day = dt.date(2026, month, 3)
        written = (
            pattern.replace("%-d", str(day.day))
            .replace("%b", time["shortMonths"][month - 1])
            .replace("%Y", str(day.year))
        )
        assert written == fmt.date(day)
    assert base["config"]["locale"]["number"] == charts.NUMBER_LOCALES[lang]
    assert "datum.label" in base["transform"][0]["calculate"]  # given labels win


def test_base_without_locale_has_no_transform():
    assert "transform" not in charts.sparkline_base()
