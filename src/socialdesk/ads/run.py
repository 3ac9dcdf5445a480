"""The advertising skill's seam: (session, workspace, typed parameters) -> a frozen result.

The web pages, the CLI, the reports and the worker call these and only these: each reads the
delivery rows through `queries`, runs the skill's pure modules and returns a result that the
faces render (and serialise with `socialdesk.results.plain`: the `.json` twins and `--json`
print the same fields). None of them runs SQL itself.

The pacing chain (deliveries -> daily table -> budgets -> month window -> pacing), the report's
period and the curves behind the budget split live here once.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from socialdesk.ads import queries
from socialdesk.ads.budget import BudgetPlan, recommend_budget
from socialdesk.ads.creative_tests import CreativeTest, compare_variants
from socialdesk.ads.delivery import additive_rows
from socialdesk.ads.fatigue import FatigueCheck, check_fatigue
from socialdesk.ads.kpis import (
    AdsReport,
    ConvertedTotal,
    build_report,
    converted_spend,
    daily_table,
)
from socialdesk.ads.mmm import MmmAllocation
from socialdesk.ads.pacing import PacingRow, PlanInvalid, budget_lines, compute_pacing
from socialdesk.ads.response_curves import ResponseCurve, fit_curves
from socialdesk.model import Account, Ad, AdDay, AdSet, Campaign
from socialdesk.store.memo import memo

LEVELS = ("account", "campaign", "ad_set", "ad")
TEST_LEVELS = ("ad", "ad_set")
# what ad delivery is read from: a kept fit is made again when any of these gets a row
AD_TABLES = (Account, Campaign, AdSet, Ad, AdDay)
RATES = ("ctr", "conversion_rate")


@dataclass(frozen=True)
class Period:
    """The days an answer covers: the last `days` days with delivery (0: all), or `start` to
    `end` as given (either may be open)."""

    days: int = 0
    start: dt.date | None = None
    end: dt.date | None = None

    def resolve(self, session: Session, workspace_id: int) -> tuple[dt.date | None, dt.date | None]:
        if self.start or self.end or not self.days:
            return self.start, self.end
        _first, last = queries.delivery_range(session, workspace_id)
        if last is None:
            return None, None
        return last - dt.timedelta(days=self.days - 1), last


ALL_TIME = Period()


# -- the campaign table ----------------------------------------------------------------------
@dataclass(frozen=True)
class ReportResult:
    """Spend, reach, clicks, rates, results, CPA and ROAS per campaign (or level)."""

    days: int
    level: str
    start: dt.date | None
    end: dt.date | None
    report: AdsReport
    converted_total: ConvertedTotal | None = None


def report(
    session: Session,
    workspace_id: int,
    *,
    period: Period = ALL_TIME,
    level: str = "campaign",
    rates: Mapping[str, float] | None = None,
    currency: str | None = None,
) -> ReportResult:
    """The campaign table for `period`; with `rates` and `currency`, all spend in one currency
    (KeyError names a currency without a rate)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)} (got {level!r})")
    start, end = period.resolve(session, workspace_id)

    def compute() -> AdsReport:
        frame = queries.ad_delivery(session, workspace_id, start=start, end=end)
        return build_report(frame, start=start, end=end, level=level)

    # kept per data version: a year of an agency's delivery takes a second to tabulate
    rep = memo(session, workspace_id, "ads.report", (start, end, level), AD_TABLES, compute)
    converted = converted_spend(rep, rates, currency) if rates and currency else None
    return ReportResult(period.days, level, start, end, rep, converted)


def daily(session: Session, workspace_id: int, *, period: Period = ALL_TIME) -> pd.DataFrame:
    """One row per campaign and day (daily rows only), for the `--daily` listing."""
    start, end = period.resolve(session, workspace_id)
    frame = queries.ad_delivery(session, workspace_id, start=start, end=end)
    return daily_table(frame, start=start, end=end).sort_values(["date", "campaign"])


# -- pacing ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PacingResult:
    """Budgets against spend to date, as of `today`, for the month `window`."""

    today: dt.date | None
    window: tuple[dt.date, dt.date] | None
    rows: tuple[PacingRow, ...]
    error: str | None = None  # a saved budget that cannot be used, in the skill's words
    has_data: bool = True  # any delivery or budget at all


def month_window(day: dt.date) -> tuple[dt.date, dt.date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def pacing(
    session: Session,
    workspace_id: int,
    *,
    today: dt.date | None = None,
    month: tuple[int, int] | None = None,
) -> PacingResult:
    """Spend to date against each budget and the projected spend at the end of its period.

    `today` defaults to the last day with delivery; `month` (year, month) is the period the
    exports' daily budgets are shown for, by default today's month."""
    plans = queries.budget_plans(session, workspace_id)
    last = queries.last_daily_day(session, workspace_id)
    if last is None and not plans:
        return PacingResult(today, None, (), has_data=False)
    day = today or last or dt.date.today()
    window = month_window(dt.date(*month, 1)) if month else month_window(day)
    try:
        lines = budget_lines(plans, queries.campaigns(session, workspace_id), window=window)
    except PlanInvalid as exc:
        return PacingResult(day, window, (), error=str(exc))
    if not lines:
        return PacingResult(day, window, ())
    # only the days the budgets cover are read (all of the delivery took seconds at scale)
    first = min(b.start for b in lines)
    frame = queries.ad_delivery(session, workspace_id, start=first, end=day)
    table = daily_table(frame, start=first, end=day)
    return PacingResult(day, window, tuple(compute_pacing(table, lines, day)))


@dataclass(frozen=True)
class BudgetPlans:
    """The budgets the manager entered (campaign, period, amount, currency)."""

    plans: tuple[dict[str, Any], ...]


def budget_plans(session: Session, workspace_id: int) -> BudgetPlans:
    return BudgetPlans(tuple(queries.budget_plans(session, workspace_id)))


def add_budget_plan(session: Session, workspace_id: int, plan: Mapping[str, Any]) -> BudgetPlans:
    """Check `plan` against the campaigns (PlanInvalid says what is wrong) and save it."""
    budget_lines([plan], queries.campaigns(session, workspace_id))
    plans = [*queries.budget_plans(session, workspace_id), dict(plan)]
    queries.save_budget_plans(session, workspace_id, plans)
    return BudgetPlans(tuple(plans))


def clear_budget_plans(session: Session, workspace_id: int) -> BudgetPlans:
    queries.save_budget_plans(session, workspace_id, [])
    return BudgetPlans(())


# -- tests and fatigue -----------------------------------------------------------------------
@dataclass(frozen=True)
class TestsResult:
    """Creative (ad) or audience (ad set) tests: pairwise tests, chance to be best."""

    __test__ = False  # not a pytest class

    metric: str
    level: str
    tests: tuple[CreativeTest, ...]


def tests(
    session: Session,
    workspace_id: int,
    *,
    metric: str = "ctr",
    level: str = "ad",
    period: Period = ALL_TIME,
    min_lift: float = 0.20,
) -> TestsResult:
    if level not in TEST_LEVELS:
        raise ValueError(f"level must be one of {', '.join(TEST_LEVELS)} (got {level!r})")
    start, end = period.resolve(session, workspace_id)

    def compute() -> TestsResult:
        frame = queries.ad_delivery(session, workspace_id, start=start, end=end)
        rows = additive_rows(frame, start=start, end=end, level=level).rows
        found = compare_variants(rows, metric=metric, level=level, min_lift=min_lift)
        return TestsResult(metric, level, tuple(found))

    key = (metric, level, start, end, min_lift)
    return memo(session, workspace_id, "ads.tests", key, AD_TABLES, compute)


@dataclass(frozen=True)
class FatigueResult:
    """Ads whose rate falls as their frequency rises, with the evidence."""

    metric: str
    checks: tuple[FatigueCheck, ...]


def fatigue(
    session: Session, workspace_id: int, *, metric: str = "ctr", period: Period = ALL_TIME
) -> FatigueResult:
    if metric not in RATES:
        raise ValueError(f"metric must be one of {', '.join(RATES)} (got {metric!r})")
    start, end = period.resolve(session, workspace_id)

    def compute() -> FatigueResult:
        frame = queries.ad_delivery(session, workspace_id, start=start, end=end)
        rows = additive_rows(frame, start=start, end=end, level="ad").rows
        return FatigueResult(metric, tuple(check_fatigue(rows, metric=metric)))

    return memo(session, workspace_id, "ads.fatigue", (metric, start, end), AD_TABLES, compute)


# -- response curves and the budget ----------------------------------------------------------
@dataclass(frozen=True)
class CurvesResult:
    """Each campaign's daily results against its daily spend (or why there is no curve)."""

    curves: tuple[ResponseCurve, ...]


def _fit(session: Session, workspace_id: int, period: Period) -> tuple[ResponseCurve, ...]:
    """The response curves, kept per data version (the budget page and the curves page fit
    them once per import, not per request)."""
    start, end = period.resolve(session, workspace_id)

    def compute() -> tuple[ResponseCurve, ...]:
        frame = queries.ad_delivery(session, workspace_id, start=start, end=end)
        return tuple(fit_curves(daily_table(frame, start=start, end=end)))

    return memo(session, workspace_id, "ads.curves", (start, end), AD_TABLES, compute)


def curves(session: Session, workspace_id: int, *, period: Period = ALL_TIME) -> CurvesResult:
    return CurvesResult(_fit(session, workspace_id, period))


@dataclass(frozen=True)
class BudgetResult:
    """The split of a total over the running campaigns that maximises expected results."""

    total: float | None
    days: int
    max_change: float
    plan: BudgetPlan
    curves_found: int = field(default=0)  # campaigns with delivery, fitted or not


def budget(
    session: Session,
    workspace_id: int,
    *,
    total: float | None = None,
    days: int = 30,
    max_change: float = 0.30,
    values: Mapping[str, float] | None = None,
    result_type: str | None = None,
    currency: str | None = None,
) -> BudgetResult:
    """`total` (default: what the campaigns spent a day recently, times `days`) split so that
    the expected results are largest, each campaign moving at most `max_change` (0: no limit)."""
    found = _fit(session, workspace_id, ALL_TIME)
    plan = recommend_budget(
        found,
        total,
        days=days,
        max_change=max_change or None,
        values=values,
        result_type=result_type,
        currency=currency,
    )
    return BudgetResult(plan.total or None, days, max_change, plan, len(found))


# -- the full marketing-mix model (optional extra) -------------------------------------------
@dataclass(frozen=True)
class MmmResult:
    """PyMC-Marketing's weekly budget split, or why there is none (`reason`)."""

    total: float
    weeks: int
    allocation: MmmAllocation | None
    reason: str = ""


def mmm(session: Session, workspace_id: int, *, total: float, weeks: int = 4) -> MmmResult:
    """Fit the marketing-mix model on the weekly spend per platform (needs socialdesk[mmm];
    MissingExtra says how to install it) and split `total` a week over `weeks` weeks."""
    from socialdesk.ads.mmm import run_mmm, weekly_data

    data = weekly_data(daily_table(queries.ad_delivery(session, workspace_id)))
    if not data.enough:
        return MmmResult(total, weeks, None, data.reason)
    return MmmResult(total, weeks, run_mmm(data, budget_per_week=total, weeks=weeks))


__all__ = [
    "ALL_TIME",
    "LEVELS",
    "RATES",
    "TEST_LEVELS",
    "BudgetPlans",
    "BudgetResult",
    "CurvesResult",
    "FatigueResult",
    "MmmResult",
    "PacingResult",
    "Period",
    "PlanInvalid",
    "ReportResult",
    "TestsResult",
    "add_budget_plan",
    "budget",
    "budget_plans",
    "clear_budget_plans",
    "curves",
    "daily",
    "fatigue",
    "mmm",
    "month_window",
    "pacing",
    "report",
    "tests",
]
