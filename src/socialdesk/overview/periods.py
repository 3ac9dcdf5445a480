"""Periods and honest comparisons: pure functions, no database.

"Last 30 days" always means the 30 days up to and including `end`, compared with the 30
days before them. A flow (reach, clicks) is summed over a period; a stock (followers) is
read at the last day that has a value. When either period has figures for fewer than
COVERAGE_FOR_CHANGE of its days, no change is computed: comparing a full month with a
half-empty one would invent a trend.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

PERIOD_CHOICES: tuple[int, ...] = (30, 90, 365)
DEFAULT_DAYS = 30
COVERAGE_FOR_CHANGE = 0.9


@dataclass(frozen=True)
class Window:
    """The days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def comparison_windows(end: dt.date, days: int) -> tuple[Window, Window]:
    """(current, previous): `days` days up to `end`, and the `days` days before them."""
    if days < 1:
        raise ValueError("a period has at least one day")
    current = Window(end - dt.timedelta(days=days - 1), end)
    previous = Window(current.start - dt.timedelta(days=days), current.start - dt.timedelta(days=1))
    return current, previous


def bucket_step(days: int) -> int:
    """Days per sparkline point: daily up to a month, weekly beyond."""
    return 1 if days <= 31 else 7


def full_weeks(window: Window) -> tuple[dt.date, dt.date] | None:
    """The Mondays of the first and last whole week (Monday to Sunday) inside the window."""
    first = window.start + dt.timedelta(days=(7 - window.start.weekday()) % 7)
    last = window.end - dt.timedelta(days=(window.end.weekday() + 1) % 7 + 6)
    return (first, last) if first <= last else None


def bucket_starts(window: Window, step: int) -> list[dt.date]:
    """The first day of every sparkline point: each day, or each whole week (Monday to
    Sunday; the few days before the first and after the last whole week count in the
    period's totals but make no point of their own, as a part-week would show a dip)."""
    if step == 1:
        return [window.start + dt.timedelta(days=i) for i in range(window.days)]
    weeks = full_weeks(window)
    if weeks is None:
        return []
    first, last = weeks
    return [first + dt.timedelta(days=i) for i in range(0, (last - first).days + 1, 7)]


def relative_change(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous)


@dataclass(frozen=True)
class Comparison:
    """One figure in the current period against the period before."""

    current: float | None
    previous: float | None
    change: float | None  # relative: 0.12 is +12 %; None when it would not be honest
    days_with_data: int | None = None  # for flows: days in the current period that have a value
    previous_days_with_data: int | None = None
    window_days: int | None = None

    __json_properties__: ClassVar[tuple[str, ...]] = ("partial", "delta")

    @property
    def partial(self) -> bool:
        """True when a period has too few days with figures for its change to mean much."""
        if self.window_days is None:
            return False
        need = COVERAGE_FOR_CHANGE * self.window_days
        cur = self.days_with_data or 0
        prev = self.previous_days_with_data or 0
        return (self.current is not None and cur < need) or (
            self.previous is not None and prev < need
        )

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


def compare_flow(
    current: float | None,
    previous: float | None,
    days_current: int,
    days_previous: int,
    window_days: int,
) -> Comparison:
    """A summed figure; the change only when both periods are (nearly) complete."""
    need = COVERAGE_FOR_CHANGE * window_days
    complete = days_current >= need and days_previous >= need
    change = relative_change(current, previous) if complete else None
    return Comparison(current, previous, change, days_current, days_previous, window_days)


def compare_count(current: float | None, previous: float | None) -> Comparison:
    """A count of events (posts) that is zero, not absent, when nothing happened."""
    return Comparison(current, previous, relative_change(current, previous))


def compare_stock(current: float | None, previous: float | None) -> Comparison:
    """A level read at the end of each period (followers)."""
    return Comparison(current, previous, relative_change(current, previous))
