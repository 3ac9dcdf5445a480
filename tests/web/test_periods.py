"""The period arithmetic and honest comparisons (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from socialdesk.overview.periods import (
    Comparison,
    bucket_starts,
    bucket_step,
    compare_flow,
    compare_stock,
    comparison_windows,
    relative_change,
)


def test_windows_are_adjacent_and_equal_in_length():
    cur, prev = comparison_windows(dt.date(2026, 3, 1), 30)
    assert (cur.start, cur.end, cur.days) == (dt.date(2026, 1, 31), dt.date(2026, 3, 1), 30)
    assert (prev.end + dt.timedelta(days=1), prev.days) == (cur.start, 30)
    with pytest.raises(ValueError):
        comparison_windows(dt.date(2026, 3, 1), 0)


def test_buckets():
    cur, _ = comparison_windows(dt.date(2026, 12, 31), 365)
    assert bucket_step(30) == 1 and bucket_step(90) == 7
    # 1 Jan 2026 (a Thursday) to 31 Dec 2026 (a Thursday): the whole weeks run from
    # Monday 5 January to Sunday 27 December
    weeks = bucket_starts(cur, 7)
    assert (weeks[0], weeks[-1], len(weeks)) == (dt.date(2026, 1, 5), dt.date(2026, 12, 21), 51)
    assert len(bucket_starts(cur, 1)) == 365 and bucket_starts(cur, 1)[0] == cur.start


def test_relative_change():
    assert relative_change(120, 100) == pytest.approx(0.2)
    assert relative_change(5, 0) is None and relative_change(None, 3) is None
    assert relative_change(-5, -10) == pytest.approx(0.5)


def test_flow_change_only_for_complete_periods():
    full = compare_flow(300.0, 200.0, 30, 30, 30)
    assert full.change == pytest.approx(0.5) and not full.partial and full.delta == 100
    half = compare_flow(150.0, 200.0, 15, 30, 30)
    assert half.change is None and half.partial
    new = compare_flow(100.0, None, 30, 0, 30)
    assert new.change is None and not new.partial


def test_stock_and_absent():
    assert compare_stock(110, 100).change == pytest.approx(0.1)
    assert Comparison(None, None, None).partial is False
