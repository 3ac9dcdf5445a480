"""Advertising: the campaign table, pacing, tests, fatigue, response curves and the budget split.

Thin pages over the skill's seam (socialdesk.ads.run): each page parses its parameters, calls
one seam function and adds what only the HTML needs (charts, the active tab). `page()` declares
each page and its `.json` twin at once; the twin serves the seam's result, field for field what
`socialdesk ads ... --json` prints.
"""

from __future__ import annotations

import functools
import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query

from socialdesk import charts
from socialdesk.ads import run
from socialdesk.ads.budget import BudgetPlan
from socialdesk.ads.creative_tests import CreativeTest, Variant
from socialdesk.ads.fatigue import FatigueCheck
from socialdesk.ads.response_curves import ResponseCurve, curve_points
from socialdesk.catalogue.words import result_type_word
from socialdesk.estimates import Estimate
from socialdesk.i18n import N_, formats
from socialdesk.overview.definitions import platform_name
from socialdesk.phrases import Join, Num, Phrase
from socialdesk.web.deps import LocaleDep, SessionDep, Viewer, WorkspaceDep
from socialdesk.web.exports import Column, Table, estimate_cells, estimate_columns
from socialdesk.web.pages import View, page

router = APIRouter()

PERIODS = (30, 90, 365, 0)  # 0: all time

QDays = Annotated[int, Query(ge=0, le=3660)]
QLevel = Annotated[Literal["account", "campaign", "ad_set", "ad"], Query()]
QMetric = Annotated[Literal["ctr", "conversion_rate", "cpa"], Query()]
QTestLevel = Annotated[Literal["ad", "ad_set"], Query()]
QRate = Annotated[Literal["ctr", "conversion_rate"], Query()]
QTotal = Annotated[float | None, Query(gt=0, le=1e12)]
QBudgetDays = Annotated[int, Query(ge=1, le=366)]
QChange = Annotated[float, Query(ge=0, le=1)]
QValueTypes = Annotated[
    list[str] | None,
    Query(max_length=20, description="result types, each with the `value` at the same place"),
]
QValues = Annotated[
    list[str] | None,
    Query(max_length=20, description="the value of one result of the `value_type` at its place"),
]


# -- the campaign table --------------------------------------------------------------------
def _sparklines(result: run.ReportResult, locale: str) -> dict[str, Any]:
    fmt = formats(locale)
    found: dict[str, Any] = {}
    for row in result.report.rows:
        if len(row.daily) < 2:
            continue
        spec = charts.sparkline_data(
            [d[1] for d in row.daily],
            [d[0] for d in row.daily],
            value_label=functools.partial(fmt.money, currency=row.figures.currency),
            date_label=fmt.date,
            description=row.name,
        )
        if spec:
            found[f"ad-{row.id}"] = spec
    if found:
        found["spark-base"] = charts.sparkline_base()
    return found


def _figure_columns() -> tuple[Column, ...]:
    return (
        Column("spend", N_("Spend")),
        Column("currency", N_("Currency")),
        Column("impressions", N_("Impressions")),
        Column("clicks", N_("Clicks")),
        *estimate_columns("ctr", "CTR"),
        Column("cpc", "CPC"),
        Column("cpm", "CPM"),
    )


def _report_tables(result: run.ReportResult, locale: str) -> list[Table]:
    """The campaign table as the page shows it (the sparkline left out) and its totals."""
    rows = (
        (
            platform_name(r.platform),
            r.name,
            r.campaign if r.level != "campaign" else None,
            r.figures.spend,
            r.figures.currency,
            r.figures.impressions,
            r.figures.clicks,
            *estimate_cells(r.figures.ctr),
            r.figures.cpc,
            r.figures.cpm,
            r.figures.results.get(r.figures.result_type or "") if r.figures.results else None,
            r.figures.result_type,
            r.figures.cpa,
            r.figures.roas,
            ", ".join(r.figures.attribution),
        )
        for r in result.report.rows
    )
    totals = (
        (
            t.spend,
            currency,
            t.impressions,
            t.clicks,
            *estimate_cells(t.ctr),
            t.cpc,
            t.cpm,
        )
        for currency, t in result.report.totals.items()
    )
    return [
        Table(
            "rows",
            N_("Campaigns"),
            (
                Column("platform", N_("Platform")),
                Column("name", N_("Name")),
                Column("campaign", N_("Campaign")),
                *_figure_columns(),
                Column("results", N_("Results")),
                Column("result_type", N_("Result type")),
                Column("cpa", "CPA"),
                Column("roas", "ROAS"),
                Column("attribution", N_("Attribution setting")),
            ),
            rows,
        ),
        Table("totals", N_("Total"), _figure_columns(), totals),
    ]


@page(router, "/ads", "ads/report.html", name="ads", tables=_report_tables)
def ads(
    session: SessionDep,
    ws: WorkspaceDep,
    locale: LocaleDep,
    _who: Viewer,
    days: QDays = 90,
    level: QLevel = "campaign",
) -> View:
    """The campaign table (/ads, /ads.json)."""
    result = run.report(session, ws, period=run.Period(days), level=level)
    return View(result, tab="report", periods=PERIODS, charts=_sparklines(result, locale))


# -- pacing --------------------------------------------------------------------------------
def _pacing_tables(result: run.PacingResult, locale: str) -> list[Table]:
    rows = (
        (
            Phrase("All campaigns") if r.budget.scope == "*" else r.budget.scope,
            r.budget.source,
            r.budget.start,
            r.budget.end,
            r.budget.amount,
            r.budget.currency,
            r.spent,
            r.expected_to_date,
            *estimate_cells(r.projected),
            r.message,
        )
        for r in result.rows
    )
    columns = (
        Column("budget", N_("Budget")),
        Column("source", N_("Source")),
        Column("start", N_("Start")),
        Column("end", N_("End")),
        Column("amount", N_("Amount")),
        Column("currency", N_("Currency")),
        Column("spent", N_("Spent")),
        Column("plan_to_date", N_("Plan to date")),
        *estimate_columns("projected", N_("Projected at the end")),
        Column("status", N_("Status")),
    )
    return [Table("pacing", N_("Pacing"), columns, rows)]


@page(router, "/ads/pacing", "ads/pacing.html", name="ads_pacing", tables=_pacing_tables)
def ads_pacing(session: SessionDep, ws: WorkspaceDep, _who: Viewer) -> View:
    """Budgets against spend to date (/ads/pacing, /ads/pacing.json)."""
    return View(run.pacing(session, ws), tab="pacing")


# -- tests and fatigue ---------------------------------------------------------------------
def _tests_tables(result: run.TestsResult, locale: str) -> list[Table]:
    """One row per variant, with its test (campaign and group) in front."""
    cpa = result.metric == "cpa"
    rows = (
        (
            t.campaign,
            t.group,
            v.name,
            *estimate_cells(v.rate),
            *((v.cpa,) if cpa else ()),
            v.prob_best,
            t.verdict,
        )
        for t in result.tests
        for v in t.variants
    )
    columns = (
        Column("campaign", N_("Campaign")),
        Column("group", N_("Group")),
        Column("variant", N_("Variant")),
        *estimate_columns("rate", N_("Rate (95% interval)")),
        *((Column("cpa", "CPA"),) if cpa else ()),
        Column("prob_best", N_("Chance to be best")),
        Column("verdict", N_("Verdict")),
    )
    return [Table("variants", N_("Tests"), columns, rows)]


# -- tests: the verdict in words ---------------------------------------------------------
# What each metric's rate is, in words, for "1.4x the click rate of B".
_RATE_WORDS = {
    "ctr": N_("the click rate"),
    "conversion_rate": N_("the conversion rate"),
    "cpa": N_("the results for the same spend"),
}
# How pressing a test's advice is: a winner to act on first, a test without data last.
_URGENCY = {"winner": 0, "leader": 1, "same": 2, "none": 3}


def _test_kind(t: CreativeTest) -> str:
    """A key of _URGENCY: a winner, a leader that needs more data, no difference, or too
    little data to compare."""
    if t.winner:
        return "winner"
    if t.needed_per_variant is None or t.leader is None:
        return "none"
    if t.smallest_variant < t.needed_per_variant:
        return "leader"
    return "same"


def _ratio(t: CreativeTest) -> tuple[Variant, Estimate] | None:
    """The leader's rate over the next best variant's, with its 95% interval: a ratio of
    proportions (CTR, conversion rate) or of Poisson rates (results per spend)."""
    lead = next((v for v in t.variants if v.name == t.leader), None)
    others = [v for v in t.variants if v.name != t.leader and v.rate.ok and v.rate.value]
    if lead is None or not others or not lead.successes:
        return None
    second = max(others, key=lambda v: v.rate.value or 0.0)
    args = (lead.successes, lead.trials, second.successes, second.trials)
    if t.metric == "cpa":
        from statsmodels.stats.rates import confint_poisson_2indep

        low, high = confint_poisson_2indep(*args, compare="ratio")
    else:
        from statsmodels.stats.proportion import confint_proportions_2indep

        low, high = confint_proportions_2indep(*args, compare="ratio")
    value = (lead.successes / lead.trials) / (second.successes / second.trials)
    method = "ratio of the leader's rate to the next best, 95% interval"
    return second, Estimate(value, float(low), float(high), 0.95, int(sum(args)), method)


def _more(t: CreativeTest) -> Phrase:
    """'about N more impressions per variant', the test's unit."""
    more = Num(max((t.needed_per_variant or 0.0) - t.smallest_variant, 0.0), ",.0f")
    if t.metric == "cpa":
        return Phrase("about %(more)s more in spend per variant", more=more)
    if t.metric == "conversion_rate":
        return Phrase("about %(more)s more link clicks per variant", more=more)
    return Phrase("about %(more)s more impressions per variant", more=more)


def _test_advice(t: CreativeTest) -> str:
    """One sentence on a test, in plain words: act on a winner, wait for a leader, or no
    difference (the statistics behind it are folded on the page)."""
    kind = _test_kind(t)
    if kind == "winner":
        found = _ratio(t)
        low, high = (found[1].low, found[1].high) if found else (None, None)
        if found is not None and low and high:
            second, ratio = found
            return Phrase(
                "%(winner)s wins in %(group)s: %(ratio)s× %(rate)s of %(second)s (95%% "
                "interval %(low)s× to %(high)s×); give it the other variants' budget.",
                winner=t.winner,
                group=t.group,
                ratio=Num(ratio.value or 0.0, ".2f"),
                rate=Phrase(_RATE_WORDS[t.metric]),
                second=second.name,
                low=Num(low, ".2f"),
                high=Num(high, ".2f"),
            )
        return Phrase(
            "%(winner)s wins in %(group)s; give it the other variants' budget.",
            winner=t.winner,
            group=t.group,
        )
    if kind == "leader":
        return Phrase(
            "%(leader)s leads in %(group)s, but the test needs %(more)s before it can say.",
            leader=t.leader,
            group=t.group,
            more=_more(t),
        )
    if kind == "same":
        return Phrase(
            "No variant wins in %(group)s: the test is large enough, and they do about "
            "equally well.",
            group=t.group,
        )
    return Phrase(
        "Too little data in %(group)s to compare its variants: no clicks or results yet.",
        group=t.group,
    )


def _tests_advice(tests: tuple[CreativeTest, ...]) -> tuple[str, ...]:
    """The three most pressing tests' sentences: winners first, then leaders waiting for
    data, then the tests without a difference."""
    ranked = sorted(tests, key=lambda t: _URGENCY[_test_kind(t)])
    return tuple(_test_advice(t) for t in ranked[:3])


@page(router, "/ads/tests", "ads/tests.html", name="ads_tests", tables=_tests_tables)
def ads_tests(
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Viewer,
    metric: QMetric = "ctr",
    level: QTestLevel = "ad",
) -> View:
    """Creative and audience tests (/ads/tests, /ads/tests.json): each test's verdict in words
    first, the pairwise statistics folded under it."""
    result = run.tests(session, ws, metric=metric, level=level)
    return View(
        result,
        tab="tests",
        rows=[(t, _test_advice(t)) for t in result.tests],
        advice=_tests_advice(result.tests),
    )


# Is the ad tired? "yes": flagged; "no": checked and not flagged; "unknown": not checked
# (too few days, events or frequency spread, or no model fit: no p-value to judge by).
TIRED = {"yes": N_("yes"), "no": N_("no"), "unknown": N_("too little data")}


def tired(c: FatigueCheck) -> str:
    """The verdict on one ad: a key of TIRED."""
    if c.flagged:
        return "yes"
    if c.p_adjusted is not None and c.odds_ratio_per_doubling.ok:
        return "no"
    return "unknown"


def _fatigue_advice(checks: tuple[FatigueCheck, ...]) -> tuple[str, ...]:
    """One or two sentences on the fatigue checks, from their verdicts."""
    verdicts = [tired(c) for c in checks]
    judged = sum(v != "unknown" for v in verdicts)
    unknown = verdicts.count("unknown")
    tired_ads = [c.ad for c, v in zip(checks, verdicts, strict=True) if v == "yes"]
    out: list[str] = []
    if tired_ads:
        out.append(
            Phrase(
                "Tired: %(n)s of the %(m)s ads checked (%(ads)s). Refresh their creative or "
                "widen their audience.",
                n=len(tired_ads),
                m=judged,
                ads=Join.of([*tired_ads[:5], *(["…"] if len(tired_ads) > 5 else [])]),
            )
        )
    elif judged:
        out.append(Phrase("None of the ads checked shows fatigue (%(m)s checked).", m=judged))
    if unknown:
        out.append(Phrase("Ads with too little data to judge: %(n)s.", n=unknown))
    return tuple(out)


def _fatigue_tables(result: run.FatigueResult, locale: str) -> list[Table]:
    rows = (
        (
            c.ad,
            c.campaign,
            c.ad_set,
            Phrase(TIRED[tired(c)]),
            c.frequency_low,
            *estimate_cells(c.rate_low),
            c.frequency_high,
            *estimate_cells(c.rate_high),
            c.flagged,
            c.evidence,
        )
        for c in result.checks
    )
    columns = (
        Column("ad", N_("Ad")),
        Column("campaign", N_("Campaign")),
        Column("ad_set", N_("Ad set")),
        Column("tired", N_("Tired")),
        Column("frequency_low", N_("Frequency, low days")),
        *estimate_columns("rate_low", N_("Low frequency")),
        Column("frequency_high", N_("Frequency, high days")),
        *estimate_columns("rate_high", N_("High frequency")),
        Column("flagged", N_("Fatigue")),
        Column("evidence", N_("Evidence")),
    )
    return [Table("fatigue", N_("Fatigue"), columns, rows)]


@page(router, "/ads/fatigue", "ads/fatigue.html", name="ads_fatigue", tables=_fatigue_tables)
def ads_fatigue(session: SessionDep, ws: WorkspaceDep, _who: Viewer, metric: QRate = "ctr") -> View:
    """Ads whose rate falls as frequency rises (/ads/fatigue, /ads/fatigue.json): the verdict
    per ad first, the statistics folded under it."""
    result = run.fatigue(session, ws, metric=metric)
    return View(
        result,
        tab="fatigue",
        rows=[(c, tired(c)) for c in result.checks],
        tired_words=TIRED,
        advice=_fatigue_advice(result.checks),
    )


# -- response curves and the budget --------------------------------------------------------
def _curve_chart(curve: ResponseCurve, description: str) -> dict[str, Any] | None:
    points = [(x, e) for x, e in curve_points(curve) if e.ok]
    if not points:
        return None
    values = [
        {"spend": round(x, 2), "value": e.value, "low": e.low, "high": e.high} for x, e in points
    ]
    enc = {"x": {"field": "spend", "type": "quantitative", "title": None}}
    return {
        "$schema": charts.SCHEMA,
        "description": description,
        "width": 320,
        "height": 160,
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "area", "opacity": 0.2, "color": charts.INK},
                "encoding": {
                    **enc,
                    "y": {"field": "low", "type": "quantitative", "title": None},
                    "y2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "line", "color": charts.INK},
                "encoding": {**enc, "y": {"field": "value", "type": "quantitative"}},
            },
        ],
        "config": {"view": {"stroke": None}, "background": None},
    }


def _past_half(c: ResponseCurve) -> bool:
    """The current daily spend is past the half-saturation spend (as the campaign report)."""
    k = c.k.value
    return c.saturation_seen and k is not None and c.current_spend >= k


def _next_cost(c: ResponseCurve) -> float | None:
    """What the next result costs at the current daily spend: 1 / the curve's slope."""
    m = c.current_marginal
    return 1.0 / m.value if m.ok and m.value else None


def _cost(value: float) -> Num:
    """A cost per result: in cents, or two significant digits below a tenth."""
    return Num(value, ",.2f" if value >= 0.1 else ".2g")


def _curve_advice(c: ResponseCurve) -> str:
    """Where a campaign stands on its curve, in a sentence; without a curve, why not."""
    if not c.ok:
        return Phrase("%(campaign)s: no curve, %(why)s.", campaign=c.campaign, why=c.reason)
    cost = _next_cost(c)
    values = {
        "campaign": c.campaign,
        "spend": Num(c.current_spend, ",.0f"),
        "currency": c.currency or "",
    }
    if cost is None:
        return Phrase(
            "%(campaign)s: at %(spend)s %(currency)s a day the curve gives no cost of the next "
            "result.",
            **values,
        )
    if _past_half(c):
        return Phrase(
            "%(campaign)s: at %(spend)s %(currency)s a day the next result costs about "
            "%(cost)s %(currency)s, past the half-way point: more budget buys fewer results.",
            cost=_cost(cost),
            **values,
        )
    made = c.predict(c.current_spend).value
    average = c.current_spend / made if made else None
    if average is not None and cost < average:
        return Phrase(
            "%(campaign)s: room to grow: at %(spend)s %(currency)s a day the next result "
            "costs about %(cost)s %(currency)s, below its average of %(average)s %(currency)s.",
            cost=_cost(cost),
            average=_cost(average),
            **values,
        )
    return Phrase(
        "%(campaign)s: room to grow: at %(spend)s %(currency)s a day, below the half-way "
        "point, the next result costs about %(cost)s %(currency)s.",
        cost=_cost(cost),
        **values,
    )


def _curves_advice(curves: tuple[ResponseCurve, ...]) -> tuple[str, ...]:
    """At most three sentences: the campaigns past the half-way point first (dearest next
    result first), then those with room to grow, then those without a curve."""

    def urgency(c: ResponseCurve) -> tuple[int, float]:
        cost = _next_cost(c)
        rank = 0 if _past_half(c) and cost else 1 if c.ok else 2
        return rank, -(cost or 0.0)

    return tuple(_curve_advice(c) for c in sorted(curves, key=urgency)[:3])


@page(router, "/ads/curves", "ads/curves.html", name="ads_curves")
def ads_curves(session: SessionDep, ws: WorkspaceDep, _who: Viewer) -> View:
    """Response curves per campaign (/ads/curves, /ads/curves.json): where each campaign
    stands on its curve in words first, the fit folded under it."""
    result = run.curves(session, ws)
    found = {}
    for c in result.curves:
        spec = _curve_chart(c, c.campaign)
        if spec:
            found[f"curve-{c.campaign_id}"] = spec
    return View(
        result,
        tab="curves",
        charts=found,
        rows=[(c, _curve_advice(c)) for c in result.curves],
        advice=_curves_advice(result.curves),
    )


def _budget_tables(result: run.BudgetResult, locale: str) -> list[Table]:
    plan = result.plan
    allocations = plan.allocations if plan is not None else ()
    rows = (
        (
            a.campaign,
            platform_name(a.platform),
            a.result_type,
            a.current,
            a.recommended,
            plan.currency if plan is not None else None,
            *estimate_cells(a.expected_current),
            *estimate_cells(a.expected_recommended),
            Join.of(a.reasons, " "),
        )
        for a in allocations
    )
    columns = (
        Column("campaign", N_("Campaign")),
        Column("platform", N_("Platform")),
        Column("result_type", N_("Result type")),
        Column("current", N_("Current")),
        Column("recommended", N_("Recommended")),
        Column("currency", N_("Currency")),
        *estimate_columns("expected_current", N_("Expected now")),
        *estimate_columns("expected_recommended", N_("Expected recommended")),
        Column("why", N_("Why")),
    )
    return [Table("budget", N_("Budget split"), columns, rows)]


def _values(types: list[str] | None, amounts: list[str] | None) -> dict[str, float]:
    """`value_type` and `value` pairs (a form's inputs: a blank value is no value) as the
    seam's value per result type; 422 on a value that is not a positive number."""
    found: dict[str, float] = {}
    for kind, text in zip(types or (), amounts or (), strict=False):
        text = text.strip().replace(",", ".")
        if not kind.strip() or not text:
            continue
        try:
            amount = float(text)
        except ValueError:
            amount = math.nan
        if not (math.isfinite(amount) and amount > 0):
            raise HTTPException(
                status_code=422, detail=N_("A value per result must be a positive number.")
            )
        found[kind.strip()[:120]] = amount
    return found


def _result_types(plan: BudgetPlan) -> dict[str, list[str]]:
    """The result types the running campaigns deliver, each with its campaigns: those in the
    plan, and those left out for their kind of result (their reason names it)."""
    types: dict[str, list[str]] = {}
    for a in plan.allocations:
        if a.result_type:
            types.setdefault(a.result_type, []).append(a.campaign)
    for campaign, why in plan.excluded:
        kind = why.values.get("type") if isinstance(why, Phrase) else None
        kind = getattr(kind, "raw", kind)  # the export's own text, as the form sends it back
        if kind:
            types.setdefault(str(kind), []).append(campaign)
    return types


def _left_out(plan: BudgetPlan) -> list[str]:
    """The running campaigns left out of the plan for their kind of result."""
    return [c for c, why in plan.excluded if isinstance(why, Phrase) and why.values.get("type")]


def _budget_advice(plan: BudgetPlan) -> tuple[str, ...]:
    """One or two sentences from the plan: the move and its expected gain when the interval
    says it gains, else to keep the split; the campaigns a value per result would add."""
    out: list[str] = []
    gain = plan.expected_gain
    total = plan.total or 1.0
    up = [a for a in plan.allocations if a.change > 0.005 * total]
    down = [a for a in plan.allocations if a.change < -0.005 * total]
    is_value = plan.objective == "value"
    digits = ",.0f" if is_value else ",.1f"
    if not plan.allocations:
        pass
    elif not gain.ok or gain.low is None or gain.high is None:
        out.append(Phrase("No advice on the split: %(why)s", why=gain.method))
    elif gain.low > 0 and up and down:
        values = {
            "amount": Num(sum(a.change for a in up), ",.0f"),
            "currency": plan.currency or "",
            "down": Join.of(a.campaign for a in down),
            "up": Join.of(a.campaign for a in up),
            "gain": Num(gain.value or 0.0, digits),
            "low": Num(gain.low, digits),
            "high": Num(gain.high, digits),
            "days": plan.days,
        }
        if is_value:
            out.append(
                Phrase(
                    "Move %(amount)s %(currency)s from %(down)s to %(up)s: about %(gain)s "
                    "%(currency)s more value in %(days)s days (95%% interval %(low)s to "
                    "%(high)s).",
                    **values,
                )
            )
        else:
            out.append(
                Phrase(
                    "Move %(amount)s %(currency)s from %(down)s to %(up)s: about %(gain)s more "
                    "%(unit)s in %(days)s days (95%% interval %(low)s to %(high)s).",
                    unit=result_type_word(plan.objective),
                    **values,
                )
            )
    else:
        out.append(
            Phrase(
                "Keep the current split: no move within the limits gains clearly more "
                "(%(gain)s, 95%% interval %(low)s to %(high)s, in %(days)s days).",
                gain=Num(gain.value or 0.0, digits),
                low=Num(gain.low, digits),
                high=Num(gain.high, digits),
                days=plan.days,
            )
        )
    left = _left_out(plan)
    if left and is_value:
        out.append(
            Phrase(
                "Left out for want of a value per result: %(campaigns)s. Give one below to "
                "advise them too.",
                campaigns=Join.of(left),
            )
        )
    elif left:
        out.append(
            Phrase(
                "Left out because their results are of another kind: %(campaigns)s. Give a "
                "value per result below to advise them too.",
                campaigns=Join.of(left),
            )
        )
    return tuple(out)


@page(router, "/ads/budget", "ads/budget.html", name="ads_budget", tables=_budget_tables)
def ads_budget(
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Viewer,
    total: QTotal = None,
    days: QBudgetDays = 30,
    max_change: QChange = 0.3,
    value_type: QValueTypes = None,
    value: QValues = None,
) -> View:
    """The recommended budget split (/ads/budget, /ads/budget.json); with `value_type` and
    `value` (a value per result type, as `--value` on the command line) campaigns of
    different kinds of results are weighed together."""
    values = _values(value_type, value)
    result = run.budget(
        session, ws, total=total, days=days, max_change=max_change, values=values or None
    )
    types = _result_types(result.plan)
    return View(
        result,
        tab="budget",
        advice=_budget_advice(result.plan),
        value_inputs=[(kind, camps, values.get(kind)) for kind, camps in types.items()],
        values=values,
    )
