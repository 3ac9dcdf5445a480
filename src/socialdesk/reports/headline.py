"""The report's opening: three to five sentences a director understands.

What changed (the month's main figure against last month), why (the KPI tree's split of that
change: which factor moved it), and what to do next (the skills' own checks, most pressing
first: goals off track, the inbox against its target, ad budgets not kept, an unusual day, plan
objectives without posts). Every sentence is a `Phrase` with `Num` values, so a Dutch report
writes 1.234 and 8,7% and the catalogue translates the words; an estimate keeps its interval
("between 4.1 and 9.5 hours").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from socialdesk.catalogue.platforms import platform_name
from socialdesk.estimates import Estimate
from socialdesk.phrases import Join, Num, Phrase

if TYPE_CHECKING:
    from socialdesk.reports.monthly import (
        AdsSection,
        AnomaliesSection,
        CareSection,
        Change,
        CoverageSection,
        Factor,
        GoalsSection,
        ReachSection,
    )

MOST = 5  # sentences
MAX_ADVICE = 3
SIDE_EFFECT = 0.25  # a factor working the other way is named from this share of the main one
COMPLETE = 0.9  # share of the month's days with figures for a comparison (monthly.py's too)
UNTAGGED_ADVICE = 0.5  # share of posts without an objective that asks for tagging


def headline(
    *,
    reach: ReachSection | None,
    goals: GoalsSection | None,
    coverage: CoverageSection | None,
    care: CareSection | None,
    ads: AdsSection | None,
    anomalies: AnomaliesSection | None,
    days: tuple[int, int] | None = None,
) -> tuple[Phrase, ...]:
    """`days`: the month's days and how many of them have figures (all: None)."""
    what = changed(reach, ads)
    why = explained(reach)
    sentences = what[:1] + why
    if days is not None and days[1] < COMPLETE * days[0]:
        sentences.insert(
            0,
            Phrase(
                "This month has figures for %(n)s of its %(days)s days only, so it is not "
                "compared with last month.",
                n=days[1],
                days=days[0],
            ),
        )
    if not why:
        sentences += what[1:2]
    todo = advice(goals=goals, care=care, ads=ads, anomalies=anomalies, coverage=coverage)
    room = max(1, min(MAX_ADVICE, MOST - len(sentences)))
    if todo:
        sentences += todo[:room]
    else:
        sentences.append(
            Phrase(
                "None of the report's checks (goals, inbox, ad budgets, unusual days, plan) "
                "asks for action this month."
            )
        )
    return tuple(sentences)


# -- what changed --------------------------------------------------------------------------------
def changed(reach: ReachSection | None, ads: AdsSection | None) -> list[Phrase]:
    out: list[Phrase] = []
    totals = reach.totals if reach else {}
    if "post_engagements" in totals:
        out.append(_interactions(totals["post_engagements"]))
    elif "engagements" in totals:
        out.append(_interactions(totals["engagements"], accounts=True))
    if reach is not None and "post_reach" in totals:
        c = totals["post_reach"]
        names = Join.of(
            platform_name(p.platform)
            for p in reach.platforms
            if p.figures["post_reach"].current is not None
            and p.figures["post_reach"].previous is not None
        )
        if c.change is not None and c.previous is not None:
            values = {
                "now": _count(c.current),
                "change": Num(abs(c.change), ".1%"),
                "before": _count(c.previous),
                "platforms": names,
            }
            if c.change >= 0:
                reached = Phrase(
                    "Their reach was %(now)s, %(change)s more than last month (%(before)s), "
                    "on %(platforms)s.",
                    **values,
                )
            else:
                reached = Phrase(
                    "Their reach was %(now)s, %(change)s less than last month (%(before)s), "
                    "on %(platforms)s.",
                    **values,
                )
            out.append(reached)
    if ads is not None:
        for total in ads.totals[:1]:
            s = total.spend
            if s.current is None:
                continue
            if s.change is None or s.previous is None:
                out.append(
                    Phrase(
                        "Ads: %(spend)s %(currency)s spent this month.",
                        spend=Num(s.current, ",.2f"),
                        currency=total.currency,
                    )
                )
            else:
                out.append(
                    Phrase(
                        "Ads: %(spend)s %(currency)s spent this month, %(change)s against last "
                        "month (%(before)s).",
                        spend=Num(s.current, ",.2f"),
                        currency=total.currency,
                        change=Num(s.change, "+.1%"),
                        before=Num(s.previous, ",.2f"),
                    )
                )
    return out


def _count(value: float | None) -> Num:
    return Num(value or 0.0, ",.0f")


def _interactions(c: Change, *, accounts: bool = False) -> Phrase:
    now = _count(c.current)
    if c.change is None or c.previous is None:
        if accounts:
            return Phrase("The accounts got %(now)s interactions this month.", now=now)
        return Phrase("Posts published this month got %(now)s interactions.", now=now)
    values = {"now": now, "change": Num(abs(c.change), ".1%"), "before": _count(c.previous)}
    if accounts and c.change >= 0:
        return Phrase(
            "The accounts got %(now)s interactions this month, %(change)s more than last month "
            "(%(before)s).",
            **values,
        )
    if accounts:
        return Phrase(
            "The accounts got %(now)s interactions this month, %(change)s fewer than last month "
            "(%(before)s).",
            **values,
        )
    if c.change >= 0:
        return Phrase(
            "Posts published this month got %(now)s interactions, %(change)s more than last "
            "month's (%(before)s).",
            **values,
        )
    return Phrase(
        "Posts published this month got %(now)s interactions, %(change)s fewer than last "
        "month's (%(before)s).",
        **values,
    )


# -- why -----------------------------------------------------------------------------------------
def explained(reach: ReachSection | None) -> list[Phrase]:
    """The factor that moved the posts' interactions most, and the one that worked against it."""
    why = reach.why if reach else None
    if why is None or not why.factors or why.change == 0:
        return []
    sign = 1.0 if why.change > 0 else -1.0
    main = max(why.factors, key=lambda f: sign * f.contribution)
    if sign * main.contribution <= 0:
        return []
    against = min(why.factors, key=lambda f: sign * f.contribution)
    values = {
        "driver": factor_words(main),
        "before": factor_value(main, main.before),
        "after": factor_value(main, main.after),
        "contribution": Num(main.contribution, "+,.0f"),
    }
    if -sign * against.contribution >= SIDE_EFFECT * abs(main.contribution):
        return [
            Phrase(
                "Why: mainly %(driver)s, from %(before)s to %(after)s (%(contribution)s "
                "interactions); %(other)s went from %(other_before)s to %(other_after)s "
                "(%(other_contribution)s).",
                **values,
                other=factor_words(against),
                other_before=factor_value(against, against.before),
                other_after=factor_value(against, against.after),
                other_contribution=Num(against.contribution, "+,.0f"),
            )
        ]
    return [
        Phrase(
            "Why: mainly %(driver)s, from %(before)s to %(after)s (%(contribution)s interactions).",
            **values,
        )
    ]


def factor_words(f: Factor) -> str:
    """A factor's name inside a sentence: "the number of posts", "engagement rate (by …)"."""
    if f.name == "posts":
        return Phrase("the number of posts")
    label = f.label
    if isinstance(label, Phrase):
        return label
    # a catalogue label starts with a capital; keep acronyms (CTR) as they are
    if len(label) > 1 and label[1].islower():
        return label[:1].lower() + label[1:]
    return label


def factor_value(f: Factor, value: float) -> Num:
    if f.unit == "fraction":
        return Num(value, ".2%")
    if f.unit == "count" or abs(value) >= 100:
        return Num(value, ",.0f")
    return Num(value, ",.1f")


# -- what to do next -----------------------------------------------------------------------------
def advice(
    *,
    goals: GoalsSection | None,
    care: CareSection | None,
    ads: AdsSection | None,
    anomalies: AnomaliesSection | None,
    coverage: CoverageSection | None,
) -> list[Phrase]:
    """The skills' checks that ask for action, most pressing first."""
    out: list[Phrase] = []
    if goals is not None:
        out += _goals(goals)
    if care is not None:
        out += _care(care)
    if ads is not None:
        out += _budgets(ads)
    if anomalies is not None and anomalies.days:
        d = anomalies.days[0]
        out.append(
            Phrase(
                "Unusual day on %(platform)s: %(metric)s were %(explanation)s; find out what "
                "caused it.",
                platform=platform_name(d.platform),
                metric=d.metric_label[:1].lower() + d.metric_label[1:],
                explanation=d.explanation,
            )
        )
    if coverage is not None:
        out += _plan(coverage)
    return out


def _goal_value(unit: str, value: float | None) -> Num:
    if unit == "fraction":
        return Num(value or 0.0, ".2%")
    if unit.startswith("money"):
        return Num(value or 0.0, ",.2f")
    return Num(value or 0.0, ",.0f")


def _goals(goals: GoalsSection) -> list[Phrase]:
    """Goals off track first, then those at risk, each with its forecast's interval."""
    out = []
    for status in ("off-track", "at-risk"):
        for g in goals.goals:
            f = g.forecast
            if g.status != status or f.low is None or f.high is None or g.target is None:
                continue
            values = {
                "goal": g.name,
                "low": _goal_value(g.unit, f.low),
                "high": _goal_value(g.unit, f.high),
                "target": _goal_value(g.unit, g.target),
            }
            if status == "off-track":
                out.append(
                    Phrase(
                        "Goal “%(goal)s” is off track: the forecast for its end is between "
                        "%(low)s and %(high)s, against a target of %(target)s.",
                        **values,
                    )
                )
            else:
                out.append(
                    Phrase(
                        "Goal “%(goal)s” is at risk: the forecast for its end is between "
                        "%(low)s and %(high)s, around its target of %(target)s.",
                        **values,
                    )
                )
    return out


def duration(minutes: float, unit: str | None = None) -> Phrase:
    """Minutes as "45 minutes" or "7.7 hours" (`unit` forces one)."""
    unit = unit or ("minutes" if minutes < 120 else "hours")
    if unit == "minutes":
        return Phrase("%(n)s minutes", n=_in_unit(minutes, unit))
    return Phrase("%(n)s hours", n=_in_unit(minutes, unit))


def _in_unit(minutes: float, unit: str) -> Num:
    """The bare number of `duration(minutes, unit)` (the low end of "between 3.9 and 9.5 hours")."""
    if unit == "minutes":
        return Num(round(minutes), ",.0f")
    return Num(minutes / 60, ",.1f")


def _care(care: CareSection) -> list[Phrase]:
    median: Estimate = care.overall.median_first_response
    rate: Estimate = care.overall.response_rate
    if median.ok and median.value is not None and median.value > care.sla_minutes:
        unit = "minutes" if median.value < 120 else "hours"
        if median.low is not None and median.high is not None:
            return [
                Phrase(
                    "Inbox: the median first reply took %(median)s (between %(low)s and "
                    "%(high)s), against a target of %(sla)s; answer faster.",
                    median=duration(median.value, unit),
                    low=_in_unit(median.low, unit),
                    high=duration(median.high, unit),
                    sla=duration(care.sla_minutes),
                )
            ]
        return [
            Phrase(
                "Inbox: the median first reply took %(median)s, against a target of %(sla)s; "
                "answer faster.",
                median=duration(median.value, unit),
                sla=duration(care.sla_minutes),
            )
        ]
    if rate.ok and rate.value is not None and rate.value < 0.9:
        return [
            Phrase(
                "Inbox: %(rate)s of the conversations got a reply (between %(low)s and "
                "%(high)s); answer the rest.",
                rate=Num(rate.value, ".0%"),
                low=Num(rate.low or 0.0, ".0%"),
                high=Num(rate.high or 0.0, ".0%"),
            )
        ]
    return []


def _budgets(ads: AdsSection) -> list[Phrase]:
    missed = [b for b in ads.budgets if b.status in ("over-spending", "under-spending")]
    if not missed:
        return []
    worst = max(missed, key=lambda b: abs((b.pace or 1.0) - 1.0))
    values = {
        "campaign": worst.campaign,
        "pace": Num(worst.pace or 0.0, ".0%"),
        "spent": Num(worst.spent, ",.2f"),
        "budget": Num(worst.budget, ",.2f"),
        "currency": worst.currency or "",
    }
    if len(missed) > 1:
        return [
            Phrase(
                "Ads: %(n)s of %(total)s campaign budgets were not kept this month, most of all "
                "%(campaign)s (%(spent)s of %(budget)s %(currency)s, %(pace)s); review the "
                "budgets for next month.",
                n=len(missed),
                total=len(ads.budgets),
                **values,
            )
        ]
    if worst.status == "over-spending":
        return [
            Phrase(
                "Ads: %(campaign)s spent %(pace)s of its budget (%(spent)s of %(budget)s "
                "%(currency)s); check its budget for next month.",
                **values,
            )
        ]
    return [
        Phrase(
            "Ads: %(campaign)s spent only %(pace)s of its budget (%(spent)s of %(budget)s "
            "%(currency)s); use the rest or lower the budget.",
            **values,
        )
    ]


def _plan(coverage: CoverageSection) -> list[Phrase]:
    if coverage.without_content:
        return [
            Phrase(
                "Plan: no post this month served %(objectives)s.",
                objectives=Join.of(coverage.without_content, "; "),
            )
        ]
    untagged = next((o for o in coverage.objectives if not o.name), None)
    share = untagged.share_of_posts.value if untagged else None
    if share is not None and share >= UNTAGGED_ADVICE:
        return [
            Phrase(
                "Plan: %(share)s of this month's posts served no objective of the plan; tag "
                "them or plan posts for the objectives.",
                share=Num(share, ".0%"),
            )
        ]
    return []
