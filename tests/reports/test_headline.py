"""The report's opening sentences from hand-made sections: what changed, why, what to do."""

from __future__ import annotations

import datetime as dt

from socialdesk.estimates import Estimate
from socialdesk.i18n import formats, gettext
from socialdesk.phrases import Phrase
from socialdesk.reports.headline import headline
from socialdesk.reports.monthly import (
    AdsSection,
    BudgetRow,
    CareRow,
    CareSection,
    Change,
    CoverageSection,
    Factor,
    GoalRow,
    GoalsSection,
    ObjectiveShare,
    PlatformFigures,
    ReachSection,
    Why,
)

NONE = {"goals": None, "coverage": None, "care": None, "ads": None, "anomalies": None}


def _say(sentences, lang="nl"):
    return [s.say(lambda m: gettext(lang, m), formats(lang)) for s in sentences]


def _reach(why: Why | None = None) -> ReachSection:
    figures = {"post_engagements": Change(12400.0, 10000.0, 0.24)}
    return ReachSection(
        keys=("post_engagements",),
        platforms=(PlatformFigures("facebook", figures),),
        totals=figures,
        why=why,
    )


def _why() -> Why:
    return Why(
        tree="engagement",
        formula="interactions = posts × reach per post × engagement rate",
        before=10000.0,
        after=12345.0,
        change=2345.0,
        posts_before=40,
        posts_after=44,
        factors=(
            Factor("posts", "posts", "count", 40, 44, 1000.0),
            Factor("reach_per_post", Phrase("reach per post"), "decimal", 5000, 4000, -1200.0),
            Factor(
                "engagement_rate", "Interactiegraad (per bereik)", "fraction", 0.05, 0.07, 2545.0
            ),
        ),
    )


def test_what_changed_and_why_in_dutch():
    said = _say(headline(reach=_reach(_why()), **NONE))
    assert said[0] == (
        "De berichten van deze maand kregen 12.400 interacties, 24,0% meer dan die van vorige "
        "maand (10.000)."
    )
    assert said[1] == (
        "Waarom: vooral interactiegraad (per bereik), van 5,00% naar 7,00% (+2.545 interacties); "
        "bereik per bericht van 5.000 naar 4.000 (−1.200)."
    )
    assert said[-1].startswith("Geen van de controles")  # nothing asks for action
    assert 3 <= len(said) <= 5


def test_advice_keeps_intervals_and_the_most_pressing_first():
    goal = GoalRow(
        name="Meer donateurs",
        platform=None,
        metric="conversions",
        metric_label="Conversies",
        unit="count",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 12, 31),
        status="off-track",
        target=1500.0,
        observed=300.0,
        forecast=Estimate(1100.0, 1200.0, 1450.0, 0.95, 31, "t interval"),
    )
    slow = CareRow(
        None,
        200,
        150,
        Estimate(0.75, 0.69, 0.81, 0.95, 200, "Wilson"),
        Estimate(150.0, 100.0, 400.0, 0.95, 150, "bootstrap"),
    )
    care = CareSection(dt.date(2026, 10, 1), 60, slow, (), (), 0)
    ads = AdsSection(
        totals=(),
        campaigns=(),
        budgets=(BudgetRow("Zomer", "EUR", 1000.0, 1250.0, 1.25, "over-spending"),),
        daily=(),
    )
    coverage = CoverageSection(
        "engagements",
        10,
        (ObjectiveShare("Bekendheid", 10, *(Estimate.exact(1.0, 10),) * 3),),
        ("Vrijwilligers werven",),
    )
    said = _say(
        headline(
            reach=_reach(_why()),
            goals=GoalsSection(dt.date(2026, 10, 31), (goal,)),
            coverage=coverage,
            care=care,
            ads=ads,
            anomalies=None,
        )
    )
    assert len(said) == 5  # what, why and the three most pressing
    assert said[2] == (
        "Doel ‘Meer donateurs’ ligt niet op koers: de verwachting voor het einde ligt tussen "
        "1.200 en 1.450, bij een streefwaarde van 1.500."
    )
    assert said[3] == (
        "Inbox: het eerste antwoord kwam in de mediaan na 2,5 uur (tussen 1,7 en 6,7 uur), bij een "
        "doel van 60 minuten; antwoord sneller."
    )
    assert said[4].startswith("Advertenties: Zomer gaf 125% van het budget uit (1.250,00 van")
    english = _say(headline(reach=_reach(), **{**NONE, "coverage": coverage}), "en")
    assert english[-1] == "Plan: no post this month served Vrijwilligers werven."
