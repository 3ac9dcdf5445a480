"""Skill 3, advertising: steer paid social on results, not on clicks.

    frame = queries.ad_delivery(session, workspace_id)        # the only database read
    report = build_report(frame, start=..., end=..., level="campaign")
    curves = fit_curves(daily_table(frame))
    plan = recommend_budget(curves, total=10_000, days=30)

Every module but queries.py is pure: frames in, frozen dataclasses out, every estimated
figure an Estimate with its interval.
"""

from socialdesk.ads.budget import Allocation, BudgetPlan, recommend_budget
from socialdesk.ads.creative_tests import CreativeTest, PairTest, Variant, compare_variants
from socialdesk.ads.delivery import Delivery, additive_rows
from socialdesk.ads.fatigue import FatigueCheck, check_fatigue
from socialdesk.ads.kpis import (
    AdsReport,
    ConvertedTotal,
    Figures,
    ReportRow,
    build_report,
    converted_spend,
    daily_table,
)
from socialdesk.ads.pacing import BudgetLine, PacingRow, PlanInvalid, budget_lines, compute_pacing
from socialdesk.ads.response_curves import ResponseCurve, curve_points, fit_curves

__all__ = [
    "AdsReport",
    "Allocation",
    "BudgetLine",
    "BudgetPlan",
    "ConvertedTotal",
    "CreativeTest",
    "Delivery",
    "FatigueCheck",
    "Figures",
    "PacingRow",
    "PairTest",
    "PlanInvalid",
    "ReportRow",
    "ResponseCurve",
    "Variant",
    "additive_rows",
    "budget_lines",
    "build_report",
    "check_fatigue",
    "compare_variants",
    "compute_pacing",
    "converted_spend",
    "curve_points",
    "daily_table",
    "fit_curves",
    "recommend_budget",
]
