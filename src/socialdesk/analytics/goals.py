"""Goals and steering: a steering metric, a target and a period; progress, a forecast of the
end of the period with an interval, and on-track / at-risk / off-track.

A goal's target is either a total ("10,000 interactions this quarter") or a change against
the same number of days just before the goal's period ("+20% LinkedIn interactions").

Forecast of a flow (a sum over days): what has been counted so far plus the remaining days
times the daily mean, with a prediction interval that holds both the day-to-day spread of
the remaining days and the uncertainty of the mean (t quantile over the days seen):

    var(rest) = m · s² + m² · s² / n        (m days to go, n days seen, s² their variance)

Forecast of a rate (CTR, engagement rate): the ratio of sums over the days so far, with its
delta-method interval; the period's end value is expected to stay inside it.

A goal is usually an objective of the marketing plan (issue #17: goals and the plan are one
thing): `goal_for_objective` makes the Goal of an objective with a metric, a target and a date,
counted from its start (1 January of the due year when the plan names none) to its date.
Goals stored by the analytics skill before that (`socialdesk goals add`) are tracked the same
way until they are moved into the plan.

Status (for a metric where more is better; reversed where less is better):
  on-track   the interval's low end reaches the target
  off-track  the interval's high end stays below the target
  at-risk    the target lies inside the interval
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from socialdesk.analytics.kpis import LEVEL, MIN_UNITS, ratio_estimate
from socialdesk.catalogue import get_metric
from socialdesk.estimates import Estimate
from socialdesk.phrases import Phrase

STATUSES = ("on-track", "at-risk", "off-track", "not-enough-data", "not-started")


@dataclass(frozen=True)
class Goal:
    id: str
    name: str
    metric: str
    start: dt.date
    end: dt.date
    target: float  # a total, or a relative change (0.2 = +20%) when kind == "change"
    kind: str = "total"  # total | change
    platform: str | None = None
    account_id: int | None = None
    objective: str | None = None  # the plan objective's key when the goal is one

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"], d["end"] = self.start.isoformat(), self.end.isoformat()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Goal:
        return cls(
            id=str(d["id"]),
            name=str(d["name"]),
            metric=str(d["metric"]),
            start=dt.date.fromisoformat(d["start"]),
            end=dt.date.fromisoformat(d["end"]),
            target=float(d["target"]),
            kind=str(d.get("kind", "total")),
            platform=d.get("platform"),
            account_id=d.get("account_id"),
            objective=d.get("objective"),
        )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def baseline_window(self) -> tuple[dt.date, dt.date]:
        """The same number of days just before the goal's period."""
        return self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1)


_TARGET = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(%?)\s*$")


def parse_target(text: str) -> tuple[float, str]:
    """'+20%' -> (0.2, 'change'); '5000' -> (5000.0, 'total'); '4.5%' for a rate -> total."""
    m = _TARGET.match(text)
    if not m:
        raise ValueError(
            f"target {text!r}: write a number (5000), a change (+20%) or a rate (4.5%)"
        )
    value = float(m.group(1).replace(",", "."))
    signed = text.strip()[0] in "+-"
    if m.group(2) == "%":
        return (value / 100, "change" if signed else "total")
    if signed:
        raise ValueError(f"target {text!r}: a change is written as a percentage, e.g. +20%")
    return value, "total"


def new_goal(
    name: str,
    metric: str,
    start: dt.date,
    end: dt.date,
    target: str,
    platform: str | None = None,
    account_id: int | None = None,
) -> Goal:
    m = get_metric(metric)
    if m.kind in ("growth",) or not m.available:
        raise ValueError(f"{m.name} cannot be a steering metric yet (no daily figures)")
    if end < start:
        raise ValueError("the goal ends before it starts")
    value, kind = parse_target(target)
    return Goal(uuid.uuid4().hex[:8], name, m.name, start, end, value, kind, platform, account_id)


def goal_for_objective(
    key: str,
    name: str,
    metric: str,
    target: float,
    start: dt.date,
    due: dt.date,
    kind: str = "total",
    platform: str | None = None,
) -> Goal:
    """The goal a plan objective stands for: its metric and target over start..due. A
    ValueError when the metric has no daily figures or the dates are reversed, as new_goal."""
    m = get_metric(metric)
    if m.kind in ("growth",) or not m.available:
        raise ValueError(f"{m.name} cannot be a steering metric yet (no daily figures)")
    if due < start:
        raise ValueError("the objective's date lies before its start")
    if kind not in ("total", "change"):
        raise ValueError(f"target kind {kind!r}: total or change")
    return Goal(key, name, m.name, start, due, float(target), kind, platform, None, key)


@dataclass(frozen=True)
class GoalStatus:
    goal: Goal
    metric_label: str
    is_rate: bool
    as_of: dt.date | None  # last day counted
    days_seen: int
    days_left: int
    observed: float | None  # so far (a total, or the rate so far)
    baseline: float | None  # the period before (for change targets)
    target_value: float | None  # the target in the metric's own unit
    forecast: Estimate
    status: str
    progress: float | None  # observed / target (totals only)
    note: str = ""


def _status(forecast: Estimate, target: float | None, direction: str) -> str:
    if target is None or not forecast.ok or forecast.low is None or forecast.high is None:
        return "not-enough-data"
    low, high = forecast.low, forecast.high
    if direction == "down":
        if high <= target:
            return "on-track"
        return "off-track" if low > target else "at-risk"
    if low >= target:
        return "on-track"
    return "off-track" if high < target else "at-risk"


def _not_started() -> Estimate:
    return Estimate(
        value=None,
        low=None,
        high=None,
        level=LEVEL,
        n=0,
        method=Phrase("not enough data: the goal has not started"),
    )


def _rate_forecast(frame: pd.DataFrame, scale: float) -> Estimate:
    """The rate so far over the days with figures (a ratio of sums with its interval)."""
    frame = frame.dropna(subset=["y", "x"])
    y, x = frame["y"].to_numpy(float), frame["x"].to_numpy(float)
    return ratio_estimate(
        len(frame),
        y.sum(),
        x.sum(),
        (y * y).sum(),
        (x * x).sum(),
        (x * y).sum(),
        scale=scale,
        unit="days",
    )


def _total_forecast(values: np.ndarray, days_left: int) -> Estimate:
    """So far plus the daily mean for the days left, with a t prediction interval (at least
    MIN_UNITS days)."""
    observed = float(values.sum())
    n = len(values)
    if n < MIN_UNITS:
        return Estimate(
            value=None,
            low=None,
            high=None,
            level=LEVEL,
            n=n,
            method=Phrase(
                "not enough data: %(n)s days into the goal, at least %(min)s needed",
                n=n,
                min=MIN_UNITS,
            ),
        )
    from scipy import stats

    mean, var = float(values.mean()), float(values.var(ddof=1))
    rest = mean * days_left
    sd = math.sqrt(days_left * var + days_left**2 * var / n)
    half = float(stats.t.ppf(0.5 + LEVEL / 2, n - 1)) * sd
    return Estimate(
        value=observed + rest,
        low=max(observed, observed + rest - half),
        high=observed + rest + half,
        level=LEVEL,
        n=n,
        method=Phrase(
            "so far + %(left)s days × daily mean of %(n)s days; t prediction interval",
            left=days_left,
            n=n,
        ),
    )


def track(
    goal: Goal,
    daily: pd.DataFrame,
    today: dt.date,
    baseline: float | None = None,
    last_data_day: dt.date | None = None,
) -> GoalStatus:
    """Progress and forecast of `goal` from its daily sums (columns day, y, and x for rates).

    `today` is the day the question is asked; the days counted end at the earliest of today,
    the goal's end and the last day with data (`last_data_day`)."""
    m = get_metric(goal.metric)
    is_rate = m.kind in ("ratio",) or m.aggregate == "weighted_mean"
    if goal.kind == "change":
        target = None if baseline is None else baseline * (1 + goal.target)
    else:
        target = goal.target
    status = partial(
        GoalStatus, goal=goal, metric_label=m.label_in("en"), baseline=baseline, target_value=target
    )
    if today < goal.start:
        return status(
            is_rate=is_rate,
            as_of=None,
            days_seen=0,
            days_left=goal.days,
            observed=None,
            forecast=_not_started(),
            status="not-started",
            progress=None,
        )
    as_of = min(today, goal.end, last_data_day or today)
    days_seen = max((as_of - goal.start).days + 1, 0)
    days_left = (goal.end - as_of).days
    frame = daily.copy()
    if not frame.empty:
        frame = frame[(frame["day"] >= goal.start) & (frame["day"] <= as_of)]
    note = ""
    if goal.kind == "change" and baseline is None:
        note = Phrase("no figures for the period before the goal, so a change cannot be measured")
    status = partial(status, as_of=as_of, days_seen=days_seen, days_left=days_left, note=note)
    if is_rate:
        est = _rate_forecast(frame, m.scale)
        return status(
            is_rate=True,
            observed=est.value,
            forecast=est,
            status=_status(est, target, m.direction),
            progress=None,
        )
    span: np.ndarray | list[dt.date] = (
        pd.date_range(goal.start, as_of, freq="D").date if days_seen else []
    )
    per_day = frame.groupby("day")["y"].sum() if not frame.empty else pd.Series(dtype=float)
    values = per_day.reindex(span, fill_value=0.0).to_numpy(float) if days_seen else np.array([])
    observed = float(values.sum())
    est = _total_forecast(values, days_left)
    return status(
        is_rate=False,
        observed=observed,
        forecast=est,
        status=_status(est, target, m.direction),
        progress=observed / target if target else None,
    )
