"""Vega-Lite specs as plain dicts, shared by the web pages (vega-embed) and later reports.

Values arrive already formatted for the reader's language (`labels`), so tooltips show
1.234,5 and 26 nov 2026 in Dutch without teaching Vega the locale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier; never fetched
INK = "#1f4e79"
MUTED = "#8a94a6"

Spec = dict[str, Any]

# d3-format locales for the axes Vega draws itself (tooltips come formatted by Babel).
NUMBER_LOCALES: dict[str, dict[str, Any]] = {
    "nl": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€\u00a0", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}


def sparkline_base(width: int = 120, height: int = 28) -> Spec:
    """Everything of a sparkline but its data and description (shared by a page's sparklines)."""
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "padding": 2,
        "mark": {
            "type": "line",
            "color": INK,
            "strokeWidth": 1.5,
            "interpolate": "monotone",
            "point": {"size": 12, "filled": True, "opacity": 0},
        },
        "encoding": {
            "x": {"field": "day", "type": "temporal", "axis": None},
            "y": {"field": "value", "type": "quantitative", "axis": None, "scale": {"zero": False}},
            "tooltip": {"field": "label", "type": "nominal"},
        },
        "config": {"view": {"stroke": None}, "background": None},
    }


def sparkline_data(
    points: Sequence[float | None],
    starts: Sequence[dt.date],
    *,
    value_label: Callable[[float], str],
    date_label: Callable[[dt.date], str],
    description: str,
) -> Spec | None:
    """The data and description of one sparkline; None when there is nothing to draw."""
    values = [
        {"day": d.isoformat(), "value": v, "label": f"{date_label(d)}: {value_label(v)}"}
        for d, v in zip(starts, points, strict=False)
        if v is not None
    ]
    if len(values) < 2:
        return None
    return {"description": description, "data": {"values": values}}


def sparkline(
    points: Sequence[float | None],
    starts: Sequence[dt.date],
    *,
    value_label: Callable[[float], str],
    date_label: Callable[[dt.date], str],
    description: str,
    width: int = 120,
    height: int = 28,
) -> Spec | None:
    """A small line of one figure over the period; None when there is nothing to draw."""
    data = sparkline_data(
        points, starts, value_label=value_label, date_label=date_label, description=description
    )
    return None if data is None else {**sparkline_base(width, height), **data}


def history(
    snapshots: Sequence[dict[str, Any]],
    metrics: Sequence[str],
    *,
    metric_label: Callable[[str], str],
    value_label: Callable[[float], str],
    date_label: Callable[[dt.date], str],
    description: str,
    width: int = 640,
    height: int = 240,
    locale: str = "nl",
) -> Spec | None:
    """A post's lifetime totals per snapshot date, one line per metric (two snapshots or more)."""
    if len({snap["as_of"] for snap in snapshots}) < 2:
        return None
    values = []
    for snap in snapshots:
        day = snap["as_of"]
        for m in metrics:
            v = snap.get(m)
            if v is None:
                continue
            values.append(
                {
                    "day": day.isoformat(),
                    "metric": metric_label(m),
                    "value": v,
                    "label": f"{metric_label(m)}, {date_label(day)}: {value_label(v)}",
                }
            )
    if not values:
        return None
    mark: dict[str, Any] = {"type": "line", "point": True}
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": width,
        "height": height,
        "data": {"values": values},
        "mark": mark,
        "encoding": {
            "x": {
                "field": "day",
                "type": "temporal",
                "title": None,
                "axis": {"format": "%Y-%m-%d", "labelAngle": 0, "tickCount": 6},
            },
            "y": {"field": "value", "type": "quantitative", "title": None},
            "color": {
                "field": "metric",
                "type": "nominal",
                "title": None,
                "legend": {"orient": "bottom"},
            },
            "tooltip": {"field": "label", "type": "nominal"},
        },
        "config": {"locale": {"number": NUMBER_LOCALES.get(locale, NUMBER_LOCALES["en"])}},
    }
