"""Vega-Lite specs as plain dicts, shared by the web pages (vega-embed) and later reports.

Most values arrive already formatted for the reader's language (`labels`), so tooltips show
1.234,5 and 26 nov 2026 in Dutch. The overview's many sparklines instead send bare points and
let Vega write the labels with the reader's number and date locale (`sparkline_base(locale=)`
and `sparkline_points`): a year of weekly points for a hundred sparklines is then a few
kilobytes instead of half a megabyte of labels.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Sequence
from typing import Any, Literal

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier; never fetched
INK = "#1f4e79"
MUTED = "#8a94a6"

Spec = dict[str, Any]

# How the sparklines' tooltips write a day, per language (Babel's "medium" date: 3 nov 2026,
# Nov 3, 2026), and a whole number (Babel's decimal format rounds to whole numbers too).
DAY_FORMATS: dict[str, str] = {"nl": "%-d %b %Y", "en": "%b %-d, %Y"}
VALUE_FORMAT = ",.0f"

# d3-format locales for the axes Vega draws itself (tooltips come formatted by Babel).
NUMBER_LOCALES: dict[str, dict[str, Any]] = {
    "nl": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€\u00a0", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}


@functools.cache
def time_locale(locale: str) -> dict[str, Any]:
    """A d3 time-format locale from Babel's names (months and days as the cockpit writes them)."""
    from babel.dates import get_day_names, get_month_names

    def months(width: Literal["wide", "abbreviated"]) -> list[str]:
        names = get_month_names(width, context="format", locale=locale)
        return [str(names[m]).rstrip(".") for m in range(1, 13)]

    def days(width: Literal["wide", "abbreviated"]) -> list[str]:
        names = get_day_names(width, context="format", locale=locale)
        return [str(names[(d + 6) % 7]) for d in range(7)]  # d3 starts on Sunday

    return {
        "dateTime": "%x %X",
        "date": "%Y-%m-%d",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": days("wide"),
        "shortDays": days("abbreviated"),
        "months": months("wide"),
        "shortMonths": months("abbreviated"),
    }


def sparkline_base(width: int = 120, height: int = 28, *, locale: str | None = None) -> Spec:
    """Everything of a sparkline but its data and description (shared by a page's sparklines).

    With `locale`, points without a label of their own get one from Vega: the day and the
    value in that language's formats (for `sparkline_points`)."""
    spec = _spark_base(width, height)
    if locale is not None:
        lang = locale if locale in NUMBER_LOCALES else "en"
        day = DAY_FORMATS.get(lang, DAY_FORMATS["en"])
        spec["transform"] = [
            {
                "calculate": (
                    f"isValid(datum.label) ? datum.label : utcFormat(toDate(datum.day), '{day}')"
                    f" + ': ' + format(datum.value, '{VALUE_FORMAT}')"
                ),
                "as": "label",
            }
        ]
        spec["config"] = {
            **spec["config"],
            "locale": {"number": NUMBER_LOCALES[lang], "time": time_locale(lang)},
        }
    return spec


def sparkline_points(
    points: Sequence[float | None], starts: Sequence[dt.date], *, description: str
) -> Spec | None:
    """One sparkline as bare points at regular steps (app.js spreads them into rows; Vega
    writes the labels, see `sparkline_base(locale=)`); None when there is nothing to draw."""
    present = [v for v in points[: len(starts)] if v is not None]
    if len(present) < 2 or not starts:
        return None
    step = (starts[1] - starts[0]).days if len(starts) > 1 else 1
    if any((b - a).days != step for a, b in itertools.pairwise(starts)):
        raise ValueError("sparkline_points needs days at regular steps")
    values = [None if v is None else round(float(v), 2) for v in points[: len(starts)]]
    return {
        "description": description,
        "points": {"start": starts[0].isoformat(), "step": step, "values": values},
    }


def _spark_base(width: int, height: int) -> Spec:
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
    y_title: str | None = None,
) -> Spec | None:
    """A post's lifetime totals per snapshot date, one line per metric (two snapshots or more);
    the dates on the axis as the reader writes them (6 dec 2026), `y_title` on the values'
    axis ("Totaal tot die dag")."""
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
                "axis": {
                    "format": DAY_FORMATS.get(locale, DAY_FORMATS["en"]),
                    "labelAngle": 0,
                    "tickCount": 6,
                },
            },
            "y": {"field": "value", "type": "quantitative", "title": y_title},
            "color": {
                "field": "metric",
                "type": "nominal",
                "title": None,
                "legend": {"orient": "bottom"},
            },
            "tooltip": {"field": "label", "type": "nominal"},
        },
        "config": {"locale": vega_locale(locale)},
    }


def best_times_heatmap(
    cells: Sequence[tuple[int, int, float | None, str]],
    *,
    weekdays: Sequence[str],
    value_title: str,
    description: str,
    locale: str = "nl",
    width: int = 620,
    height: int = 190,
) -> Spec | None:
    """A weekday × hour heat map: one rect per (weekday 0 = Monday, hour 0–23, value or None,
    label) in `cells`; weekdays on y (Monday first, named by `weekdays`), hours on x, colour the
    value. Cells without a value stay grey, not zero. The labels arrive formatted for the
    reader (the tooltip); Vega writes the legend's numbers in `locale`'s format. None when no
    cell has a value."""
    if not any(v is not None for _d, _h, v, _l in cells):
        return None
    values = [
        {
            "day": weekdays[d],
            "hour": h,
            "value": None if v is None else round(float(v), 4),
            "label": label,
        }
        for d, h, v, label in cells
    ]
    lang = locale if locale in NUMBER_LOCALES else "en"
    enc: dict[str, Any] = {
        "x": {
            "field": "hour",
            "type": "ordinal",
            "title": None,
            "scale": {"domain": list(range(24))},
            "axis": {
                "labelAngle": 0,
                "labelExpr": (
                    "datum.value % 3 === 0"
                    " ? (datum.value < 10 ? '0' : '') + datum.value + ':00' : ''"
                ),
            },
        },
        "y": {
            "field": "day",
            "type": "ordinal",
            "title": None,
            "scale": {"domain": list(weekdays)},
        },
        "tooltip": {"field": "label", "type": "nominal"},
    }
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": width,
        "height": height,
        "data": {"values": values},
        "layer": [
            {  # every cell, grey: the ones without enough posts stay so
                "mark": {"type": "rect", "color": "#eceff3", "stroke": "#ffffff"},
                "encoding": enc,
            },
            {
                "transform": [{"filter": "isValid(datum.value)"}],
                "mark": {"type": "rect", "stroke": "#ffffff"},
                "encoding": {
                    **enc,
                    "color": {
                        "field": "value",
                        "type": "quantitative",
                        "title": value_title,
                        "scale": {"scheme": "blues", "zero": False},
                        "legend": {"format": ".2f", "orient": "right"},
                    },
                },
            },
        ],
        "config": {
            "view": {"stroke": None},
            "background": None,
            "locale": {"number": NUMBER_LOCALES[lang]},
        },
    }


def vega_locale(locale: str) -> dict[str, Any]:
    """The number and time formats Vega writes axes, legends and `format()` in, for
    `config.locale` (Dutch: 10.000, −2.000, 6 dec)."""
    lang = locale if locale in NUMBER_LOCALES else "en"
    return {"number": NUMBER_LOCALES[lang], "time": time_locale(lang)}


def _titled(node: Any, channel: str, title: str) -> Any:
    """`node` (a spec or a layer) with `title` on every `channel` encoding that has a field."""
    if isinstance(node, list):
        return [_titled(n, channel, title) for n in node]
    if not isinstance(node, dict):
        return node
    out = dict(node)
    enc = out.get("encoding")
    if isinstance(enc, dict) and isinstance(enc.get(channel), dict) and "field" in enc[channel]:
        out["encoding"] = {**enc, channel: {**enc[channel], "title": title}}
    for key in ("layer", "hconcat", "vconcat", "concat"):
        if key in out:
            out[key] = _titled(out[key], channel, title)
    if isinstance(out.get("spec"), dict):
        out["spec"] = _titled(out["spec"], channel, title)
    return out


def localise(
    spec: Spec | None,
    locale: str,
    *,
    x: str | None = None,
    y: str | None = None,
    color: str | None = None,
) -> Spec | None:
    """A copy of a full Vega-Lite spec that Vega writes in `locale`'s number and date formats
    (`config.locale`, as far as the spec does not set its own), with the axis titles `x`, `y`
    and the legend title `color` when given (a unit in the title: "Uitgaven per dag (EUR)").

    Sparkline data without `$schema` is returned as it is: the page's shared base spec
    (`sparkline_base(locale=)`) carries the locale. None stays None."""
    if spec is None or "$schema" not in spec:
        return spec
    out = dict(spec)
    config = dict(out.get("config") or {})
    config["locale"] = {**vega_locale(locale), **(config.get("locale") or {})}
    out["config"] = config
    for channel, title in (("x", x), ("y", y), ("color", color)):
        if title is not None:
            out = _titled(out, channel, title)
    return out
