"""Skill 5, analytics: KPIs for any slice, KPI trees, goals, anomalies and best times.

    from socialdesk.analytics import Slice, kpi, kpi_tree, goal_status, find_anomalies
    kpi(session, ws_id, "engagement_rate", Slice(start, end), group_by=("platform",))

queries.py reads the store; kpis, kpi_tree, goals, anomalies and best_times are pure
functions over frames; run.py joins the two for the faces. Definitions come from the
metrics catalogue (socialdesk.catalogue).
"""

from socialdesk.analytics.anomalies import AnomalyResult, DayAnomaly, PostAnomaly
from socialdesk.analytics.best_times import PlatformTimes, SlotEffect
from socialdesk.analytics.goals import Goal, GoalStatus, parse_target
from socialdesk.analytics.kpi_tree import TREES, FactorChange, Tree, TreeChange, decompose
from socialdesk.analytics.kpis import KpiResult, KpiValue, domains_for
from socialdesk.analytics.queries import Slice
from socialdesk.analytics.run import (
    TreeResult,
    add_goal,
    all_goal_statuses,
    default_window,
    find_anomalies,
    find_best_times,
    goal_status,
    kpi,
    kpi_tree,
    list_goals,
    remove_goal,
)

__all__ = [
    "TREES",
    "AnomalyResult",
    "DayAnomaly",
    "FactorChange",
    "Goal",
    "GoalStatus",
    "KpiResult",
    "KpiValue",
    "PlatformTimes",
    "PostAnomaly",
    "Slice",
    "SlotEffect",
    "Tree",
    "TreeChange",
    "TreeResult",
    "add_goal",
    "all_goal_statuses",
    "decompose",
    "default_window",
    "domains_for",
    "find_anomalies",
    "find_best_times",
    "goal_status",
    "kpi",
    "kpi_tree",
    "list_goals",
    "parse_target",
    "remove_goal",
]
