import datetime as dt

import pytest

from socialdesk.marketing.plan import PlanInvalid, check_plan, from_yaml, plan_to_dict, to_yaml

PLAN = """
name: Groen Dak 2026
goals:
  - key: vrijwilligers
    name: Meer vrijwilligers
    objectives:
      - key: aanmeldingen
        name: 150 aanmeldingen
        metric: conversions
        target: 150
        due: 2026-05-31
        audiences: [natuurliefhebbers]
        channels: [instagram, facebook]
        kpis: [link_clicks, sessions]
      - key: bekendheid
        name: Meer bereik
        metric: reech
        audiences: [onbekend]
audiences:
  - key: natuurliefhebbers
    name: Natuurliefhebbers 18-45
    platforms: [instagram]
  - key: donateurs
    name: Donateurs
pillars:
  - key: vrijwilligers
    name: Vrijwilligers aan het werk
    keywords: ["#vrijwilligers", vrijwilliger]
    objectives: [aanmeldingen]
campaigns:
  - name: vrijwilligers_voorjaar_2026
    objective: aanmeldingen
    pillar: vrijwilligers
links:
  sources: [facebook, instagram]
  mediums: [social, paid_social]
"""


def test_yaml_round_trip_keeps_everything():
    plan = from_yaml(PLAN)
    assert [o.key for o in plan.objectives] == ["aanmeldingen", "bekendheid"]
    assert plan.objective("aanmeldingen").due == dt.date(2026, 5, 31)
    assert plan.objective("aanmeldingen").target == 150
    again = from_yaml(to_yaml(plan))
    assert plan_to_dict(again) == plan_to_dict(plan)
    rules = plan.utm_rules()
    assert rules.sources == ("facebook", "instagram")
    assert rules.campaigns == ("vrijwilligers_voorjaar_2026",)


def test_smart_gaps_and_dangling_references_are_found():
    plan = from_yaml(PLAN)
    found = {
        (f.where, f.message) for f in check_plan(plan, ("conversions", "link_clicks", "sessions"))
    }
    where = {w for w, _ in found}
    assert ("objective bekendheid", "has no target: say how much (measurable)") in found
    assert ("objective bekendheid", "has no date: say by when (time-bound)") in found
    assert ("objective bekendheid", "'reech' is not a metric of the catalogue") in found
    assert ("objective bekendheid", "audience 'onbekend' is not in the plan") in found
    assert ("audience donateurs", "no objective serves it") in found
    assert not any(w == "objective aanmeldingen" for w in where)


def test_malformed_plan_lists_every_problem():
    with pytest.raises(PlanInvalid) as err:
        from_yaml(
            "goals:\n  - key: Bad Key\n    objectives:\n      - key: x\n        due: morgen\n"
            "        target: veel\naudiences: nope\n"
        )
    problems = err.value.problems
    assert any("Bad Key" in p for p in problems)
    assert any("not a date" in p for p in problems)
    assert any("not a number" in p for p in problems)
    assert any("audiences" in p and "list" in p for p in problems)


def test_objectives_and_audiences_added_and_edited_by_form():
    from socialdesk.marketing.plan import Audience, Objective, put_audience, put_objective

    plan = from_yaml(PLAN)
    new = Objective("nieuw", "Nieuwe", goal="", metric="sessions", target=50.0)
    added = put_objective(plan, "vrijwilligers", new)
    assert [o.key for o in added.goals[0].objectives] == ["aanmeldingen", "bekendheid", "nieuw"]
    assert added.objective("nieuw").goal == "vrijwilligers"
    # editing keeps its place; moving to a new goal creates the goal
    edited = put_objective(added, "vrijwilligers", Objective("aanmeldingen", "200", goal=""))
    assert edited.goals[0].objectives[0].name == "200"
    moved = put_objective(edited, "omzet", new, goal_name="Omzet")
    assert [o.key for o in moved.goals[0].objectives] == ["aanmeldingen", "bekendheid"]
    assert (moved.goals[-1].key, moved.goals[-1].name) == ("omzet", "Omzet")
    assert [o.key for o in moved.goals[-1].objectives] == ["nieuw"]
    assert from_yaml(to_yaml(moved)) == moved  # still a plan that round-trips
    with pytest.raises(PlanInvalid) as bad:
        put_objective(plan, "Goal X", Objective("A b", "", goal=""))
    assert len(bad.value.problems) == 3
    a = put_audience(plan, Audience("ouders", "Ouders", platforms=("facebook",)))
    assert [x.key for x in a.audiences] == ["natuurliefhebbers", "donateurs", "ouders"]
    b = put_audience(a, Audience("donateurs", "Vaste donateurs"))
    assert [x.name for x in b.audiences] == ["Natuurliefhebbers 18-45", "Vaste donateurs", "Ouders"]
    with pytest.raises(PlanInvalid):
        put_audience(plan, Audience("x", " "))
