"""Goals: progress, a forecast with an interval, and the status it implies."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from socialdesk.analytics import add_goal, goal_status, list_goals, parse_target, remove_goal
from socialdesk.analytics.goals import Goal, new_goal, track
from socialdesk.store import session_scope
from tests.analytics.seeding import seed_days

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)  # 90 days


def _daily(values, start=START, x=None) -> pd.DataFrame:
    days = [start + dt.timedelta(days=i) for i in range(len(values))]
    return pd.DataFrame({"day": days, "y": values, "x": x if x is not None else 1.0})


def _goal(target: float, kind: str = "total", metric: str = "impressions") -> Goal:
    return Goal("g1", "test", metric, START, END, target, kind)


def test_targets_are_totals_changes_or_rates():
    assert parse_target("5000") == (5000.0, "total")
    assert parse_target("+20%") == (0.2, "change")
    assert parse_target("4,5%") == (0.045, "total")
    with pytest.raises(ValueError, match="percentage"):
        parse_target("+200")


def test_forecast_is_so_far_plus_the_daily_mean_for_the_days_left():
    rng = np.random.default_rng(5)
    values = rng.poisson(100, 30).astype(float)
    st = track(_goal(9000), _daily(values), today=START + dt.timedelta(days=29))
    assert st.days_seen == 30 and st.days_left == 60 and st.observed == values.sum()
    assert st.forecast.value == pytest.approx(values.sum() + 60 * values.mean())
    assert st.forecast.low < st.forecast.value < st.forecast.high
    assert st.status == "at-risk"  # 9000 is the expected end: inside the interval
    assert track(_goal(5000), _daily(values), START + dt.timedelta(days=29)).status == "on-track"
    assert track(_goal(20000), _daily(values), START + dt.timedelta(days=29)).status == "off-track"
    assert st.progress == pytest.approx(values.sum() / 9000)


def test_days_without_figures_count_as_zero_and_late_data_is_not_invented():
    values = [10.0] * 10
    st = track(
        _goal(900),
        _daily(values),
        today=START + dt.timedelta(days=19),
        last_data_day=START + dt.timedelta(days=9),
    )
    assert st.as_of == START + dt.timedelta(days=9)  # nothing after the last day with data
    assert st.days_seen == 10


def test_less_is_better_metrics_reverse_the_status():
    x = np.full(30, 100.0)
    y = np.full(30, 50.0) + np.random.default_rng(1).normal(0, 1, 30)  # CPC ~0.5
    goal = Goal("g", "cpc", "cpc", START, END, 0.6)
    assert track(goal, _daily(y, x=x), START + dt.timedelta(days=29)).status == "on-track"
    goal = Goal("g", "cpc", "cpc", START, END, 0.4)
    assert track(goal, _daily(y, x=x), START + dt.timedelta(days=29)).status == "off-track"


def test_too_early_to_tell_says_so():
    st = track(_goal(100), _daily([1.0, 2.0]), START + dt.timedelta(days=1))
    assert st.status == "not-enough-data" and "at least" in st.forecast.method
    st = track(_goal(100), _daily([]), START - dt.timedelta(days=3))
    assert st.status == "not-started"


@pytest.mark.slow
def test_the_forecast_interval_covers_the_end_about_95_percent_of_the_time():
    rng = np.random.default_rng(42)
    hits = 0
    runs = 400
    for _ in range(runs):
        values = rng.poisson(50, 90).astype(float) * rng.gamma(5, 1 / 5, 90)
        st = track(_goal(1), _daily(values[:30]), START + dt.timedelta(days=29))
        hits += st.forecast.low <= values.sum() <= st.forecast.high
    assert 0.91 <= hits / runs <= 0.99


def test_goals_are_kept_per_workspace_and_tracked_against_the_period_before(ws):
    days = {
        START - dt.timedelta(days=90) + dt.timedelta(days=i): {"impressions": 100.0}
        for i in range(90)
    }
    days |= {START + dt.timedelta(days=i): {"impressions": 130.0} for i in range(40)}
    seed_days(ws.engine, ws.workspace_id, "linkedin", days)
    with session_scope(ws.engine) as s:
        goal = add_goal(
            s,
            ws.workspace_id,
            name="LinkedIn +20%",
            metric="impressions",
            start=START,
            end=END,
            target="+20%",
            platform="linkedin",
        )
    with ws.session() as s:
        (found,) = list_goals(s, ws.workspace_id)
        st = goal_status(s, ws.workspace_id, found, today=START + dt.timedelta(days=39))
    assert found == goal
    assert st.baseline == 9000 and st.target_value == pytest.approx(10800)
    assert st.observed == 40 * 130
    assert st.forecast.value == pytest.approx(90 * 130)  # no spread: the interval is the value
    assert st.status == "on-track"
    with session_scope(ws.engine) as s:
        assert remove_goal(s, ws.workspace_id, goal.id)
        assert not remove_goal(s, ws.workspace_id, goal.id)
    with ws.session() as s:
        assert list_goals(s, ws.workspace_id) == []


def test_a_goal_needs_a_metric_with_daily_figures():
    with pytest.raises(ValueError, match="steering metric"):
        new_goal("x", "follower_growth", START, END, "+10%")
