"""The report's charts: Vega-Lite specs (socialdesk.charts' style and locales) drawn as SVG.

vl-convert renders the same Vega-Lite the cockpit draws with vega-embed, offline: its engine is
in the wheel and the specs carry their data inline (`allowed_base_urls=[]` refuses any URL).
The SVG keeps its text as text, so a PDF made from it stays searchable. Labels arrive in the
report's language; axes use the language's number and date formats (charts.NUMBER_LOCALES,
charts.time_locale).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from socialdesk.charts import INK, MUTED, NUMBER_LOCALES, SCHEMA, Spec, time_locale

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
PALETTE = (INK, "#d9822b", "#3a8f5c", "#8e4585", "#c0392b", "#5b7fa6", MUTED)
WIDTH = 560


def _config(locale: str) -> dict[str, Any]:
    lang = locale if locale in NUMBER_LOCALES else "en"
    return {
        "font": FONT,
        "view": {"stroke": None},
        "background": "white",
        "axis": {"labelFontSize": 10, "titleFontSize": 10, "gridColor": "#e6e9ef"},
        "legend": {"labelFontSize": 10, "titleFontSize": 10, "orient": "bottom"},
        "locale": {"number": NUMBER_LOCALES[lang], "time": time_locale(lang)},
    }


def this_and_last_month(
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    this_label: str,
    last_label: str,
    value_title: str,
    description: str,
    locale: str,
) -> Spec | None:
    """Horizontal bars per platform (`rows`: name, this month, last month), the two months
    side by side; None when there is nothing to draw."""
    values = []
    for name, now, before in rows:
        if before is not None:
            values.append({"platform": name, "period": last_label, "value": before})
        if now is not None:
            values.append({"platform": name, "period": this_label, "value": now})
    if not values:
        return None
    shown = [
        label for label in (last_label, this_label) if any(v["period"] == label for v in values)
    ]
    colours = [MUTED, INK] if len(shown) == 2 else [INK]
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": WIDTH - 140,
        "height": {"step": 13},
        "data": {"values": values},
        "mark": {"type": "bar", "cornerRadiusEnd": 1},
        "encoding": {
            "y": {"field": "platform", "type": "nominal", "title": None, "sort": None},
            "yOffset": {"field": "period", "sort": shown},
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "axis": {"format": ",.0f", "tickCount": 5},
            },
            "color": {
                "field": "period",
                "type": "nominal",
                "title": None,
                "sort": shown,
                "scale": {"domain": shown, "range": colours},
            },
        },
        "config": _config(locale),
    }


def daily_lines(
    points: Sequence[tuple[dt.date, str, float]],
    *,
    value_title: str,
    description: str,
    locale: str,
) -> Spec | None:
    """One line per series (`points`: day, series name, value) over the month."""
    if len({day for day, _name, _value in points}) < 2:
        return None
    values = [{"day": d.isoformat(), "series": name, "value": v} for d, name, v in points]
    names = list(dict.fromkeys(name for _d, name, _v in points))
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": WIDTH - 60,
        "height": 150,
        "data": {"values": values},
        "mark": {"type": "line", "strokeWidth": 1.5, "interpolate": "monotone"},
        "encoding": {
            "x": {
                "field": "day",
                "type": "temporal",
                "title": None,
                "axis": {"format": "%-d %b", "labelAngle": 0, "tickCount": 6},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "axis": {"format": ",.0f", "tickCount": 4},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": names, "range": list(PALETTE[: len(names)])},
            },
        },
        "config": _config(locale),
    }


def to_svg(spec: Spec) -> str:
    """The chart as an SVG document (vl-convert; nothing is fetched)."""
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])
    # the XML declaration (if any) cannot stand inside an HTML page
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2 :].lstrip()
    return svg
