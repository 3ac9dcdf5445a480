"""The audit's rules on hand-made figures: points, thresholds, "not judged" and next steps."""

from __future__ import annotations

import datetime as dt

import pytest

from socialdesk.audit import scorecard as sc


def test_a_check_without_data_is_not_judged_and_left_out_of_the_score() -> None:
    judged = sc.response_rate(100, 90)
    missing = sc.negative_handled(False, 0, 0, 60)
    assert judged.points == 30 and missing.points is None and not missing.judged
    skill = sc.skill_score("empathy", sc.T_RATE, "/inbox", [judged, missing])
    assert skill.score == 100.0  # 30 of the 30 that could be judged, not 30 of 50
    assert sc.skill_score("empathy", sc.T_RATE, "/inbox", [missing]).score is None
    assert sc.level_of(None)[0] == "not-judged"


def test_next_steps_are_ordered_by_the_points_they_gain_and_at_most_three() -> None:
    checks = [
        sc.response_rate(100, 80),  # 26.7 of 30: gains 3.3
        sc.response_time(200, 50, 60, inside_hours=True),  # 0 of 30: gains 30
        sc.labels_set(True, {"sentiment": 25, "intent": 0}),  # 5 of 20: gains 15
        sc.negative_handled(True, 10, 5, 60),  # 10 of 20: gains 10
    ]
    skill = sc.skill_score("empathy", sc.T_RATE, "/inbox", checks)
    assert skill.next_steps == (checks[1].next_step, checks[2].next_step, checks[3].next_step)


@pytest.mark.parametrize(
    ("median", "points"), [(30.0, 30.0), (60.0, 30.0), (119.0, 15.0), (121.0, 0.0)]
)
def test_response_time_against_the_sla(median: float, points: float) -> None:
    check = sc.response_time(median, 40, 60, inside_hours=True)
    assert check.points == points
    assert (check.next_step is None) == (points == 30.0)
    assert "60 minutes" in check.evidence


def test_all_answered_within_the_sla_earns_every_empathy_point() -> None:
    checks = [
        sc.response_rate(140, 140),
        sc.response_time(20.0, 140, 60, inside_hours=True),
        sc.negative_handled(True, 0, 0, 60),
        sc.labels_set(True, {"sentiment": 60, "intent": 50}),
    ]
    skill = sc.skill_score("empathy", sc.T_RATE, "/inbox", checks)
    assert skill.score == 100.0 and skill.level == "strong" and skill.next_steps == ()


def test_response_rate_scales_to_the_goal() -> None:
    assert sc.response_rate(100, 45).points == 15.0  # half the goal of 90%
    assert sc.response_rate(100, 100).points == 30.0
    assert sc.response_rate(0, 0).points is None


def test_weak_media_types_and_the_mix() -> None:
    weak, best = sc.weak_types("photo", [("reel", 40, 1.5, True), ("link", 30, 0.5, True)])
    assert weak == {"photo", "link"} and best == "reel"
    weak, best = sc.weak_types("photo", [("reel", 40, 1.5, False)])
    assert weak == set() and best == "photo"
    mix = sc.AccountMix("Facebook · a", 100, {"photo": 20, "link": 5}, "reel")
    check = sc.media_mix([mix])
    assert check.points == 30.0  # 75% of 40
    assert check.figures["weak_share"] == 0.25
    assert "reel" in check.next_step and "Facebook · a" in check.next_step
    assert sc.media_mix([]).points is None


def test_alt_text_share() -> None:
    assert sc.alt_text(4, 3).points == 22.5
    assert sc.alt_text(0, 0).points is None
    assert sc.alt_text(2, 2).next_step is None


def test_spend_steered_on_the_cost_per_result() -> None:
    camps = [
        sc.CampaignSpend("cheap", 100, "purchases", 10),  # CPA 10
        sc.CampaignSpend("ok", 100, "purchases", 6),  # CPA 16.7 <= 20
        sc.CampaignSpend("dear", 200, "purchases", 5),  # CPA 40 > 20
        sc.CampaignSpend("alone", 100, "reach", 1000),
    ]
    check = sc.spend_steered(camps, 90)
    assert check.figures["share"] == pytest.approx(300 / 500)
    assert check.points == 15.0 and check.items == ("dear",)
    assert sc.spend_steered([], 90).points is None
    # spend whose exports name no result type is not judged, never counted as off target
    unknown = sc.CampaignSpend("no results column", 400, None, None)
    assert sc.spend_steered([unknown], 90).points is None
    assert sc.spend_steered([*camps, unknown], 90).figures["share"] == pytest.approx(300 / 500)


def test_tests_fatigue_and_budget_rules() -> None:
    tests = [
        sc.TestSize("a", 1000, 1200, False),
        sc.TestSize("b", 1000, 500, False),
        sc.TestSize("c", 1000, 10, True),  # still running: not judged yet
    ]
    assert sc.tests_sized(tests).points == 12.5
    assert sc.tests_sized(tests[2:]).points is None
    assert sc.fatigue_left(10, []).points == 25
    assert sc.fatigue_left(10, ["x · ad 1", "y · ad 2"]).points == 5
    assert sc.fatigue_left(10, ["a", "b", "c"]).points == 0
    assert sc.fatigue_left(0, []).points is None
    assert sc.budget_curves(100, 104, 3).points == 25
    assert sc.budget_curves(100, 110, 3).points == 12.5
    assert sc.budget_curves(100, 130, 3).points == 0
    assert sc.budget_curves(100, 130, 1).points is None


def test_marketing_rules() -> None:
    assert sc.utm_social(1000, 800).points == 16.0
    assert sc.utm_social(0, 0).points is None
    ads = sc.utm_ads([("a", 300, True), ("b", 100, False)])
    assert ads.points == 11.2 and ads.items == ("b",)
    plan = sc.plan_objectives([("x", True, True), ("y", False, True)], has_plan=True)
    assert plan.points == 15.0 and plan.items == ("y",)
    assert sc.plan_objectives([], has_plan=False).points is None
    gaps = sc.search_gaps([("a", 200, "gap"), ("b", 800, "covered")], 1000)
    assert gaps.points == 28.0 and gaps.items == ("a",)


def test_analytics_rules() -> None:
    assert sc.goals_set(True, 1, 0).points == 30
    assert sc.goals_set(True, 0, 2).points == 10
    assert sc.goals_set(True, 0, 0).points == 0
    assert sc.goals_set(False, 0, 0).points is None
    track = sc.on_track([("a", "on-track"), ("b", "at-risk"), ("c", "not-enough-data")])
    assert track.points == 26.2 and track.items == ("b",)
    today = dt.date(2026, 10, 31)
    fresh = sc.freshness(
        {
            "facebook": today,
            "x": today - dt.timedelta(days=20),
            "tiktok": today - dt.timedelta(days=90),
        },
        today,
    )
    assert fresh.points == 17.5 and fresh.items == ("tiktok", "x")
    assert sc.freshness({}, today).points is None
