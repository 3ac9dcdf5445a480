"""Goals and the plan as one thing (issue #17): each objective of the marketing plan with a
metric, a target and a date is a goal, tracked by the analytics skill's method.

The two skills never import each other (DESIGN.md), so this module, one layer above them,
joins them: the plan comes from socialdesk.marketing.run, the progress, forecast and verdict
from socialdesk.analytics.run.goal_status. /analytics/goals, /marketing/plan, `socialdesk goals
list`, the five-skills audit and the monthly report all read this.

Goals stored by the analytics skill before (`socialdesk goals add`, or the old form on
/analytics/goals) are not lost: they are tracked and listed after the plan's objectives until
an editor moves them into the plan (`move_goal_to_plan`), which adds an objective with the
same metric, target, period and platform and then drops the stored goal.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from socialdesk.analytics import run as analytics
from socialdesk.analytics.goals import Goal, GoalStatus, goal_for_objective
from socialdesk.catalogue import UnknownMetric
from socialdesk.marketing import run as marketing
from socialdesk.marketing.plan import Objective, Plan, put_objective

MAX_OBJECTIVES = 100  # objectives tracked on one page (each is one aggregate query)
MOVED_GOAL = "goals"  # the plan goal that stored goals moved into the plan land in


@dataclass(frozen=True)
class ObjectiveProgress:
    """A plan objective and, when it has a metric, a target and a date, its progress."""

    key: str
    name: str
    goal: str  # the plan goal's key
    goal_name: str
    metric: str | None
    unit: str | None  # the plan's word for what is counted; None: the metric's label
    start_given: bool  # False: counted from 1 January of the due year
    status: GoalStatus | None
    missing: str | None  # why there is no progress: "metric", "target", "date", "metric-daily"


@dataclass(frozen=True)
class PlanGoals:
    """The plan's objectives with their progress, and stored goals not yet in the plan."""

    today: dt.date
    plan_version: int
    objectives: tuple[ObjectiveProgress, ...]
    stored: tuple[GoalStatus, ...]  # analytics goals no objective stands for yet
    metric_choices: dict[str, str]
    platforms: tuple[str, ...]
    plan_goals: tuple[tuple[str, str], ...]  # (key, name) of the plan's goals

    @property
    def goals(self) -> tuple[GoalStatus, ...]:
        """Every tracked goal, the plan's first (what the audit and reports count)."""
        return tuple(o.status for o in self.objectives if o.status is not None) + self.stored


def _missing(o: Objective) -> str | None:
    if not o.metric:
        return "metric"
    if o.target is None:
        return "target"
    if o.due is None:
        return "date"
    return None


def objective_progress(
    session: Session, ws: int, plan: Plan, today: dt.date
) -> tuple[ObjectiveProgress, ...]:
    out = []
    names = {g.key: g.name for g in plan.goals}
    for o in plan.objectives[:MAX_OBJECTIVES]:
        missing = _missing(o)
        status = None
        if missing is None and o.period is not None and o.metric and o.target is not None:
            start, due = o.period
            try:
                goal = goal_for_objective(
                    o.key, o.name, o.metric, o.target, start, due, o.target_kind, o.platform
                )
                status = analytics.goal_status(session, ws, goal, today)
            except (ValueError, UnknownMetric):
                missing = "metric-daily"
        out.append(
            ObjectiveProgress(
                key=o.key,
                name=o.name,
                goal=o.goal,
                goal_name=names.get(o.goal, o.goal),
                metric=o.metric,
                unit=o.unit,
                start_given=o.start is not None,
                status=status,
                missing=missing,
            )
        )
    return tuple(out)


def plan_goals(
    session: Session, ws: int, *, today: dt.date | None = None, lang: str = "en"
) -> PlanGoals:
    day = today or dt.date.today()
    version, plan = marketing.current_plan(session, ws)
    moved = {o.analytics_goal for o in plan.objectives if o.analytics_goal}
    report = analytics.goals_report(session, ws, today=day, lang=lang)
    from socialdesk.model import (
        Account,
        AccountDay,
        AdDay,
        Campaign,
        Post,
        PostMetrics,
        SearchPerformance,
        WebDay,
        WorkspaceFact,
    )
    from socialdesk.store.memo import memo

    # every objective's figures to date are a query per metric and domain (1.7 s on the
    # demo): kept per data version, plan version and day
    objectives = memo(
        session,
        ws,
        "goals.objective_progress",
        (version, day),
        (
            Account,
            AccountDay,
            AdDay,
            Campaign,
            Post,
            PostMetrics,
            SearchPerformance,
            WebDay,
            WorkspaceFact,
        ),
        lambda: objective_progress(session, ws, plan, day),
    )
    return PlanGoals(
        today=day,
        plan_version=version,
        objectives=objectives,
        stored=tuple(s for s in report.goals if s.goal.id not in moved),
        metric_choices=report.metric_choices,
        platforms=report.platforms,
        plan_goals=tuple((g.key, g.name) for g in plan.goals),
    )


def objective_key(name: str, taken: set[str]) -> str:
    """A free objective key from a name: 'Meer aanmeldingen!' -> 'meer_aanmeldingen'."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60] or "objective"
    if not base[0].isalnum():
        base = "o" + base
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def objective_of_goal(goal: Goal, key: str, goal_key: str) -> Objective:
    """The plan objective a stored analytics goal becomes."""
    return Objective(
        key=key,
        name=goal.name,
        goal=goal_key,
        metric=goal.metric,
        target=goal.target,
        due=goal.end,
        start=goal.start,
        platform=goal.platform,
        channels=(goal.platform,) if goal.platform else (),
        target_kind=goal.kind,
        analytics_goal=goal.id,
    )


def add_objective(
    session: Session,
    ws: int,
    goal: Goal,
    *,
    plan_goal: str,
    plan_goal_name: str,
    saved_by: str,
    note: str,
) -> Objective:
    """Add `goal` (checked by analytics.new_goal) to the plan as an objective; a new plan
    version. The caller commits."""
    made: list[Objective] = []

    def change(plan: Plan) -> Plan:
        o = objective_of_goal(
            goal, objective_key(goal.name, {x.key for x in plan.objectives}), plan_goal
        )
        o = replace(o, analytics_goal=None)
        made.append(o)
        return put_objective(plan, plan_goal, o, plan_goal_name)

    marketing.change_plan(session, ws, change, saved_by=saved_by, note=note)
    return made[0]


def move_goal_to_plan(
    session: Session, ws: int, goal_id: str, *, goal_name: str, saved_by: str
) -> Objective | None:
    """Move the stored analytics goal `goal_id` into the plan (a new plan version holding it
    as an objective, under the plan goal MOVED_GOAL) and drop the stored goal. None when there
    is no such goal. The caller commits."""
    goal = next((g for g in analytics.list_goals(session, ws) if g.id == goal_id), None)
    if goal is None:
        return None
    made: list[Objective] = []

    def change(plan: Plan) -> Plan:
        taken = {x.key for x in plan.objectives}
        o = objective_of_goal(goal, objective_key(goal.name, taken), MOVED_GOAL)
        made.append(o)
        return put_objective(plan, MOVED_GOAL, o, goal_name)

    marketing.change_plan(
        session, ws, change, saved_by=saved_by, note=f"goal {goal.name} moved from analytics"
    )
    analytics.remove_goal(session, ws, goal_id)
    return made[0]
