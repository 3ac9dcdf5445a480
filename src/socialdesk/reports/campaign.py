"""The campaign report: one ad campaign, start to finish, for the people who paid for it.

`campaign_report(session, workspace_id, name, lang)` asks the advertising skill's seam
(`ads.run`: report, tests, fatigue, curves; never its queries) and the marketing skill's seam
(`marketing.run`: the plan in force, the website's sessions per UTM campaign) about the
campaign called `name` and returns a frozen `CampaignReport`; `campaign_html` renders it like
the monthly and care reports (`render.to_pdf` makes the PDF).

Which campaign: `name` is matched case-insensitively, whitespace trimmed, on the ad campaigns'
names (the rows of the ads report at level "campaign"); every campaign of that name counts (one
name on Meta and on TikTok is one campaign to a stakeholder). A campaign of the plan with that
name but without ad delivery is reported too (its plan entry and website sessions, no ad
sections). Anything else raises NoSuchCampaign, which names the closest existing names.

The period: the campaign's first to last day with daily delivery (all its delivery when its
exports have period rows only); `start`/`end` narrow it.

What is never done: currencies are never added up (totals are per currency); different result
types are never added up (a campaign's "Reach" and "Website purchases" are two counts); the
cost per result is given for the type a row was optimised for (its main type) only, over the
spend of the rows with that main type; reach is shown only when one export row gives it.

The opening sentences: what the campaign spent and got (results per type, the cost per result
of the main type, ROAS when there is conversion value), one comparison and what to do next.
The comparison is the period's second half against its first half, by the cost per result of
the main type in the main currency (the currency with most days of delivery), from the daily
rows: each half needs `MIN_HALF_DAYS` days with spend and `MIN_HALF_RESULTS` results. The
change gets a 95% interval (log ratio of two Poisson rates, widened by the quasi-Poisson
dispersion of the daily counts); it is called a rise or fall only when that interval excludes
no change, else "about the same". The other campaigns' CPA is not used: their objectives,
audiences and attribution differ, so a median of them says little about this one.
What to do next comes from the ads skill's own checks, most pressing first: an ad flagged as
tired (fatigue), a test with a winner, a test still short of its planned size, a response
curve past its half-saturation point at the current daily spend.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from socialdesk.ads import run as ads_run
from socialdesk.errors import SocialdeskError
from socialdesk.estimates import Estimate
from socialdesk.i18n import N_
from socialdesk.marketing import run as marketing_run
from socialdesk.phrases import Day, Join, Num, Phrase
from socialdesk.reports import charts, render
from socialdesk.reports.monthly import organisation_name

# result types that count people, not events: never added over days for a comparison
NOT_ADDITIVE = re.compile(r"reach|bereik|unique|uniek", re.IGNORECASE)

if TYPE_CHECKING:
    from socialdesk.ads.creative_tests import CreativeTest
    from socialdesk.ads.fatigue import FatigueCheck
    from socialdesk.ads.kpis import Figures, ReportRow
    from socialdesk.ads.response_curves import ResponseCurve

SECTIONS = ("totals", "days", "rows", "tests", "fatigue", "curve", "plan")
CLOSEST = 8  # names NoSuchCampaign offers
MAX_ROWS = 30  # ad sets and ads listed (the largest spend first)
MIN_HALF_DAYS = 7  # days with spend in each half for the halves comparison
MIN_HALF_RESULTS = 10  # results of the main type in each half
Z95 = 1.959963984540054
MOST = 5  # sentences in the opening
TEST_LEVELS = ("ad", "ad_set")  # creative tests (ads in an ad set), audience tests (ad sets)


class NoSuchCampaign(SocialdeskError):
    """No ad campaign (and no plan campaign) has the name asked; names the closest ones."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        names = sorted(set(known), key=str.casefold)
        lowered = {n.casefold(): n for n in names}
        close = [
            lowered[n]
            for n in difflib.get_close_matches(
                name.strip().casefold(), list(lowered), n=CLOSEST, cutoff=0.3
            )
        ]
        rest = [n for n in names if n not in close]
        self.suggestions = tuple([*close, *rest][:CLOSEST])
        if not names:
            hint = "this workspace has no ad campaigns yet; import the ad exports first"
        else:
            more = len(names) - len(self.suggestions)
            listed = ", ".join(repr(n) for n in self.suggestions)
            hint = f"campaigns: {listed}" + (f" and {more} more" if more > 0 else "")
        super().__init__(f"no campaign is called {name.strip()!r}; {hint}")
        if not names:
            self.reason = Phrase(
                "This workspace has no ad campaigns yet. Import the ads' exports first."
            )
        else:
            self.reason = Phrase(
                "No campaign is called “%(name)s”. Campaigns: %(names)s.",
                name=name.strip(),
                names=Join.of(self.suggestions, "; "),
            )


# -- the report's data ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ResultCount:
    """Results of one type. `cpa`: the spend of the rows optimised for this type over these
    results (None for a type that was not the main one of any row: its spend is not known)."""

    result_type: str  # as the export calls it (untrusted)
    results: float
    cpa: float | None


@dataclass(frozen=True)
class CampaignTotal:
    """The campaign in one currency (currencies are never added up)."""

    currency: str
    spend: float | None
    impressions: float | None
    reach: float | None  # only when one export row gives it
    clicks: float | None
    link_clicks: float | None
    ctr: Estimate
    link_ctr: Estimate
    results: tuple[ResultCount, ...]  # per result type, the main one first
    result_type: str | None  # the main type
    cpa: float | None  # for the main type
    conversion_value: float | None
    roas: float | None
    days: int  # days with delivery


@dataclass(frozen=True)
class EntityRow:
    """A platform's part of the campaign, an ad set or an ad."""

    level: str  # "campaign" (one platform or account), "ad_set" or "ad"
    name: str  # untrusted
    platform: str
    account: str  # untrusted
    currency: str | None
    spend: float | None
    impressions: float | None
    clicks: float | None
    ctr: Estimate
    results: tuple[ResultCount, ...]
    result_type: str | None
    cpa: float | None
    roas: float | None


@dataclass(frozen=True)
class TestRow:
    """A creative (ads of an ad set) or audience (ad sets of the campaign) test."""

    __test__ = False  # not a pytest class

    level: str  # "ad" or "ad_set"
    group: str  # the ad set (creative test) or the campaign (audience test); untrusted
    metric: str
    variants: tuple[str, ...]
    leader: str | None
    winner: str | None
    verdict: str  # a Phrase
    needed_per_variant: float | None  # impressions per variant for a CTR test
    smallest_variant: float
    reached: bool | None  # None: no planned size yet (no events)
    running: bool


@dataclass(frozen=True)
class FatigueRow:
    ad: str  # untrusted
    ad_set: str
    metric: str
    frequency_low: float | None
    frequency_high: float | None
    rate_low: Estimate
    rate_high: Estimate
    odds_ratio_per_doubling: Estimate
    evidence: str  # a Phrase


@dataclass(frozen=True)
class CurveRow:
    """The campaign's response curve (daily results against daily spend), only when fitted."""

    platform: str
    currency: str | None
    result_type: str | None
    days: int
    spend_min: float
    spend_max: float
    current_spend: float  # a day, over its last days
    half_saturation: Estimate  # the daily spend that buys half the most results a day
    saturation_seen: bool  # the half-saturation spend lies inside the spend seen
    past_half: bool  # the current daily spend is past the half-saturation spend
    marginal: Estimate  # extra results a day per extra unit of daily spend, now
    marginal_cost: Estimate  # what the next result costs at the current spend


@dataclass(frozen=True)
class PlanEntry:
    objective: str | None  # the objective's name (its key when the plan has no such objective)
    pillar: str | None
    audience: str | None


@dataclass(frozen=True)
class WebVisits:
    """GA4 sessions whose campaign (utm_campaign) is this campaign's name."""

    utm_campaign: str  # as GA4 has it (untrusted)
    sessions: float
    engaged_sessions: float
    conversions: float  # GA4 key events
    revenue: float


@dataclass(frozen=True)
class Halves:
    """The cost per result of the main type: the period's second half against its first."""

    currency: str
    result_type: str
    first: tuple[dt.date, dt.date]
    second: tuple[dt.date, dt.date]
    first_cpa: float
    second_cpa: float
    change: Estimate  # second / first - 1, with its 95% interval


@dataclass(frozen=True)
class CampaignReport:
    organisation: str
    lang: str
    made_on: dt.date
    headline: tuple[Phrase, ...]
    start: dt.date | None  # None: the exports' periods as they are (no daily rows)
    end: dt.date | None
    name: str  # untrusted: from the exports or the plan
    platforms: tuple[str, ...]
    totals: tuple[CampaignTotal, ...]  # per currency, most days of delivery first
    channels: tuple[EntityRow, ...]  # per platform and account (only when more than one)
    ad_sets: tuple[EntityRow, ...]
    ads: tuple[EntityRow, ...]
    more_rows: int  # ad sets and ads left out of the tables (smallest spend)
    tests: tuple[TestRow, ...]
    fatigue: tuple[FatigueRow, ...]  # flagged ads only
    fatigue_checked: int  # ads of this campaign with enough days and a frequency to check
    curves: tuple[CurveRow, ...]
    halves: Halves | None
    plan: PlanEntry | None
    web: WebVisits | None
    notes: tuple[str, ...]  # the ads report's notes (rows left out of the window...)
    # (day, currency, result type, spend, results): the day-by-day chart's data
    daily: tuple[tuple[dt.date, str, str, float, float], ...] = field(metadata={"json": False})
    branding: Any = field(default=None, metadata={"json": False})

    @property
    def sections(self) -> tuple[str, ...]:
        have = {
            "totals": bool(self.totals),
            "rows": bool(self.channels or self.ad_sets or self.ads),
            "days": len({d for d, *_rest in self.daily}) >= 2,
            "tests": bool(self.tests),
            "fatigue": self.fatigue_checked > 0,
            "curve": bool(self.curves),
            "plan": self.plan is not None or self.web is not None,
        }
        return tuple(s for s in SECTIONS if have[s])

    @property
    def left_out_sections(self) -> tuple[str, ...]:
        return ()


# -- finding the campaign ------------------------------------------------------------------------
def _key(name: str) -> str:
    return name.strip().casefold()


def _slug(name: str) -> str:
    """A name as a UTM value is usually written: "Spring Sale 2026" -> "spring_sale_2026"."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().casefold()).strip("_")


def _plan_campaigns(session: Session, workspace_id: int) -> tuple[Any, ...]:
    _v, plan = marketing_run.current_plan(session, workspace_id)
    return tuple(plan.campaigns)


def campaign_names(session: Session, workspace_id: int) -> tuple[str, ...]:
    """The campaigns a report can be made for: the ad campaigns' names (the ads seam) and the
    plan's campaigns, distinct (case-insensitively), sorted."""
    rows = ads_run.report(session, workspace_id, level="campaign").report.rows
    seen: dict[str, str] = {}
    for n in [r.name for r in rows] + [c.name for c in _plan_campaigns(session, workspace_id)]:
        if n and n.strip():
            seen.setdefault(_key(n), n.strip())
    return tuple(sorted(seen.values(), key=str.casefold))


# -- figures -------------------------------------------------------------------------------------
def _wilson(successes: float | None, trials: float | None, what: str) -> Estimate:
    """A rate with its 95% Wilson interval, like the ads skill's own (ads.kpis.proportion)."""
    from statsmodels.stats.proportion import proportion_confint

    if successes is None or trials is None or trials <= 0:
        return Estimate.not_enough(0, f"no {what}")
    k, n = float(successes), float(trials)
    if k > n:
        return Estimate(k / n, None, None, 0.95, int(n), "ratio (more events than exposures)")
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return Estimate(k / n, float(low), float(high), 0.95, int(n), "Wilson interval")


def _add(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None and not math.isnan(v)]
    return float(sum(known)) if known else None


def _div(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _result_counts(figs: list[Figures]) -> tuple[tuple[ResultCount, ...], str | None]:
    """Results per type over `figs` (never added across types) and the main type: the one
    with the most spend behind it (the rows optimised for it)."""
    counts: dict[str, float] = {}
    for f in figs:
        for kind, n in f.results.items():
            counts[kind] = counts.get(kind, 0.0) + float(n)
    spend_for: dict[str, float] = {}
    main_results: dict[str, float] = {}
    for f in figs:
        if f.result_type is None or f.main_results is None:
            continue
        spend_for[f.result_type] = spend_for.get(f.result_type, 0.0) + (f.spend or 0.0)
        main_results[f.result_type] = main_results.get(f.result_type, 0.0) + f.main_results
    main = max(spend_for, key=lambda k: (spend_for[k], main_results[k])) if spend_for else None
    rows = [
        ResultCount(kind, n, _div(spend_for.get(kind), main_results.get(kind)))
        for kind, n in counts.items()
    ]
    rows.sort(key=lambda r: (r.result_type != main, -r.results, r.result_type))
    return tuple(rows), main


def _same(a: float | None, b: float | None) -> bool:
    return abs((a or 0.0) - (b or 0.0)) <= 0.005 * max(abs(a or 0.0), abs(b or 0.0)) + 0.01


def _finest(mine: list[ReportRow], finer: list[list[ReportRow]]) -> list[ReportRow]:
    """The rows whose spend can be put beside each result type: the finest level (ads, then
    ad sets) that covers the same spend and results, per currency, as the campaign rows; else
    the campaign rows (a row with two result types then counts all its spend for its main one)."""

    def sums(rows: list[ReportRow]) -> dict[tuple[str, str], float]:
        out: dict[tuple[str, str], float] = {}
        for r in rows:
            cur = r.figures.currency or "?"
            out[(cur, "")] = out.get((cur, ""), 0.0) + (r.figures.spend or 0.0)
            for kind, n in r.figures.results.items():
                out[(cur, kind)] = out.get((cur, kind), 0.0) + n
        return out

    want = sums(mine)
    for level in finer:
        got = sums(level)
        if level and set(got) == set(want) and all(_same(got[k], want[k]) for k in want):
            return level
    return mine


def _total(currency: str, figs: list[Figures], split: list[Figures]) -> CampaignTotal:
    """The campaign's figures in `currency`; `split`: the rows that give each result type's
    spend (see _finest)."""
    results, main = _result_counts(split)
    spend = _add(f.spend for f in figs)
    impressions = _add(f.impressions for f in figs)
    clicks = _add(f.clicks for f in figs)
    link_clicks = _add(f.link_clicks for f in figs)
    value = _add(f.conversion_value for f in figs)
    single = figs[0] if len(figs) == 1 else None
    return CampaignTotal(
        currency=currency,
        spend=spend,
        impressions=impressions,
        reach=single.reach if single else None,  # reach of several rows cannot be added up
        clicks=clicks,
        link_clicks=link_clicks,
        ctr=single.ctr if single else _wilson(clicks, impressions, "impressions"),
        link_ctr=single.link_ctr if single else _wilson(link_clicks, impressions, "impressions"),
        results=results,
        result_type=main,
        cpa=next((r.cpa for r in results if r.result_type == main), None),
        conversion_value=value,
        roas=_div(value, spend),
        days=max((f.days for f in figs), default=0),
    )


def _entity(row: ReportRow) -> EntityRow:
    f = row.figures
    results, main = _result_counts([f])
    return EntityRow(
        level=row.level,
        name=row.name,
        platform=row.platform,
        account=row.account,
        currency=f.currency,
        spend=f.spend,
        impressions=f.impressions,
        clicks=f.clicks,
        ctr=f.ctr,
        results=results,
        result_type=main,
        cpa=next((r.cpa for r in results if r.result_type == main), None),
        roas=f.roas,
    )


def _daily(rows: list[ReportRow]) -> tuple[tuple[dt.date, str, str, float, float], ...]:
    """(day, currency, main result type, spend, results) from the rows' daily delivery."""
    out: dict[tuple[dt.date, str, str], tuple[float, float]] = {}
    for r in rows:
        cur, kind = r.figures.currency or "?", r.figures.result_type or ""
        for day, spend, results in r.daily:
            s, n = out.get((day, cur, kind), (0.0, 0.0))
            out[(day, cur, kind)] = (s + float(spend or 0.0), n + float(results or 0.0))
    return tuple((d, c, k, s, n) for (d, c, k), (s, n) in sorted(out.items()))


def halves(
    daily: Iterable[tuple[dt.date, str, str, float, float]], currency: str, result_type: str
) -> Halves | None:
    """The second half's cost per result against the first half's (see the module doc), or
    None when either half has too few days with spend or too few results, or when the
    results are people reached: daily reach counts a person again each day, so it is neither
    a count of events nor addable over days."""
    if NOT_ADDITIVE.search(result_type):
        return None
    days = sorted(
        (d, s, n) for d, c, k, s, n in daily if c == currency and k == result_type and s > 0
    )
    if len(days) < 2 * MIN_HALF_DAYS:
        return None
    first_day, last_day = days[0][0], days[-1][0]
    middle = first_day + dt.timedelta(days=((last_day - first_day).days + 1) // 2)
    parts = [[x for x in days if x[0] < middle], [x for x in days if x[0] >= middle]]
    if any(len(p) < MIN_HALF_DAYS for p in parts):
        return None
    spend = [sum(s for _d, s, _n in p) for p in parts]
    results = [sum(n for _d, _s, n in p) for p in parts]
    if any(n < MIN_HALF_RESULTS for n in results) or any(s <= 0 for s in spend):
        return None
    # quasi-Poisson: each day's results against its half's results per unit of spend
    chi2, dof = 0.0, -2
    for p, s_total, n_total in zip(parts, spend, results, strict=True):
        for _d, s, n in p:
            mu = s * n_total / s_total
            if mu > 0:
                chi2 += (n - mu) ** 2 / mu
                dof += 1
    dispersion = max(1.0, chi2 / dof) if dof > 0 else 1.0
    cpa = [s / n for s, n in zip(spend, results, strict=True)]
    log_ratio = math.log(cpa[1] / cpa[0])
    se = math.sqrt(dispersion * (1 / results[0] + 1 / results[1]))
    change = Estimate(
        cpa[1] / cpa[0] - 1,
        math.exp(log_ratio - Z95 * se) - 1,
        math.exp(log_ratio + Z95 * se) - 1,
        0.95,
        len(days),
        "ratio of two Poisson rates, quasi-Poisson dispersion of the daily results",
    )
    return Halves(
        currency,
        result_type,
        (parts[0][0][0], parts[0][-1][0]),
        (parts[1][0][0], parts[1][-1][0]),
        cpa[0],
        cpa[1],
        change,
    )


def _test_row(t: CreativeTest) -> TestRow:
    needed = t.needed_per_variant
    return TestRow(
        level=t.level,
        group=t.group,
        metric=t.metric,
        variants=tuple(v.name for v in t.variants),
        leader=t.leader,
        winner=t.winner,
        verdict=t.verdict,
        needed_per_variant=needed,
        smallest_variant=t.smallest_variant,
        reached=None if needed is None else t.smallest_variant >= needed,
        running=t.running,
    )


def _fatigue_row(c: FatigueCheck) -> FatigueRow:
    return FatigueRow(
        c.ad,
        c.ad_set,
        c.metric,
        c.frequency_low,
        c.frequency_high,
        c.rate_low,
        c.rate_high,
        c.odds_ratio_per_doubling,
        c.evidence,
    )


def _curve_row(c: ResponseCurve) -> CurveRow:
    k = c.k
    marginal = c.current_marginal
    if marginal.ok and marginal.value:
        cost = Estimate(
            1.0 / marginal.value,
            1.0 / marginal.high if marginal.high else None,
            1.0 / marginal.low if marginal.low else None,
            0.95,
            marginal.n,
            "1 / the slope of the Hill curve at the current daily spend",
        )
    else:
        cost = Estimate.not_enough(marginal.n, "no slope at the current daily spend")
    return CurveRow(
        platform=c.platform,
        currency=c.currency,
        result_type=c.result_type,
        days=c.n_days,
        spend_min=c.spend_min,
        spend_max=c.spend_max,
        current_spend=c.current_spend,
        half_saturation=k,
        saturation_seen=c.saturation_seen,
        past_half=c.saturation_seen and k.value is not None and c.current_spend >= k.value,
        marginal=marginal,
        marginal_cost=cost,
    )


def _plan_entry(session: Session, workspace_id: int, name: str) -> PlanEntry | None:
    _v, plan = marketing_run.current_plan(session, workspace_id)
    found = next((c for c in plan.campaigns if _key(c.name) == _key(name)), None)
    if found is None:
        return None
    objective = plan.objective(found.objective) if found.objective else None
    pillar = next((p for p in plan.pillars if p.key == found.pillar), None)
    audience = next((a for a in plan.audiences if a.key == found.audience), None)
    return PlanEntry(
        objective.name if objective else found.objective,
        pillar.name if pillar else found.pillar,
        audience.name if audience else found.audience,
    )


def _web(
    session: Session,
    workspace_id: int,
    name: str,
    utm_campaign: str | None,
    start: dt.date | None,
    end: dt.date | None,
) -> WebVisits | None:
    """GA4's sessions of the utm_campaign that is the name (as written, or as a slug)."""
    wanted = {_key(utm_campaign)} if utm_campaign else {_key(name), _slug(name)}
    site = marketing_run.site_for(session, workspace_id, start, end)
    hits = [c for c in site.by_campaign if _key(c.label) in wanted]
    if not hits:
        return None
    return WebVisits(
        ", ".join(sorted({c.label for c in hits})),
        sum(c.sessions for c in hits),
        sum(c.engaged_sessions for c in hits),
        sum(c.conversions for c in hits),
        sum(c.revenue for c in hits),
    )


# -- the report ----------------------------------------------------------------------------------
def campaign_report(
    session: Session,
    workspace_id: int,
    name: str,
    lang: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    organisation: str | None = None,
    branding: Any = None,
    today: dt.date | None = None,
    utm_campaign: str | None = None,
) -> CampaignReport:
    """The campaign called `name` (see the module doc) over its own days of delivery, or
    `start` to `end`. `utm_campaign`: the value its links carry when it is not the name.
    NoSuchCampaign when neither an ad campaign nor a plan campaign has that name."""
    wanted = _key(name)
    everything = ads_run.report(session, workspace_id, level="campaign")
    mine_all = [r for r in everything.report.rows if _key(r.name) == wanted]
    plan_match = next(
        (c for c in _plan_campaigns(session, workspace_id) if _key(c.name) == wanted), None
    )
    if not mine_all and plan_match is None:
        raise NoSuchCampaign(name, campaign_names(session, workspace_id))
    shown = mine_all[0].name if mine_all else plan_match.name if plan_match else name.strip()

    # the period: the campaign's own first to last day of daily delivery, narrowed by start/end
    days = [d for r in mine_all for d, _s, _n in r.daily]
    first, last = (min(days), max(days)) if days else (None, None)
    if start is None and end is None:
        found = everything
        period = ads_run.ALL_TIME
    else:
        period = ads_run.Period(start=start, end=end)
        found = ads_run.report(session, workspace_id, period=period, level="campaign")
        first = max(start, first) if start and first else start or first
        last = min(end, last) if end and last else end or last
    mine = [r for r in found.report.rows if _key(r.name) == wanted]

    finer: dict[str, list[ReportRow]] = {}
    if mine:
        for level in ("ad", "ad_set"):
            rows = ads_run.report(session, workspace_id, period=period, level=level).report.rows
            finer[level] = [r for r in rows if _key(r.campaign) == wanted]
    split = _finest(mine, [finer.get("ad", []), finer.get("ad_set", [])])
    by_currency: dict[str, list[Figures]] = {}
    for r in mine:
        by_currency.setdefault(r.figures.currency or "?", []).append(r.figures)
    totals = sorted(
        (
            _total(cur, figs, [r.figures for r in split if (r.figures.currency or "?") == cur])
            for cur, figs in by_currency.items()
        ),
        key=lambda t: (-t.days, t.currency),
    )
    channels = tuple(_entity(r) for r in mine) if len(mine) > 1 else ()

    def listed(level: str) -> list[EntityRow]:
        rows = (_entity(r) for r in finer.get(level, []))
        return sorted(rows, key=lambda e: (-(e.spend or 0.0), e.name))

    ad_sets, ads = listed("ad_set"), listed("ad")
    more = max(len(ad_sets) - MAX_ROWS, 0) + max(len(ads) - MAX_ROWS, 0)

    tests: list[TestRow] = []
    fatigue: list[FatigueRow] = []
    checked = 0
    curves: list[CurveRow] = []
    if mine:
        for level in TEST_LEVELS:
            found_tests = ads_run.tests(session, workspace_id, level=level, period=period).tests
            tests += [_test_row(t) for t in found_tests if _key(t.campaign) == wanted]
        checks = [
            c
            for c in ads_run.fatigue(session, workspace_id, period=period).checks
            if _key(c.campaign) == wanted
        ]
        checked = sum(1 for c in checks if c.p_value is not None)  # the ads actually checked
        fatigue = [_fatigue_row(c) for c in checks if c.flagged]
        curves = [
            _curve_row(c)
            for c in ads_run.curves(session, workspace_id, period=period).curves
            if _key(c.campaign) == wanted and c.ok
        ]

    daily = _daily(split)
    main = totals[0] if totals else None
    report = CampaignReport(
        organisation=organisation or organisation_name(session, workspace_id),
        lang=lang,
        made_on=today or dt.date.today(),
        headline=(),
        start=first,
        end=last,
        name=shown,
        platforms=tuple(sorted({r.platform for r in mine})),
        totals=tuple(totals),
        channels=channels,
        ad_sets=tuple(ad_sets[:MAX_ROWS]),
        ads=tuple(ads[:MAX_ROWS]),
        more_rows=more,
        tests=tuple(tests),
        fatigue=tuple(fatigue),
        fatigue_checked=checked,
        curves=tuple(curves),
        halves=(
            halves(daily, main.currency, main.result_type)
            if main is not None and main.result_type
            else None
        ),
        plan=_plan_entry(session, workspace_id, shown),
        web=_web(session, workspace_id, shown, utm_campaign, first, last),
        notes=tuple(found.report.notes) if mine else (),
        daily=daily,
        branding=branding,
    )
    return replace(report, headline=campaign_headline(report))


# -- the opening sentences -----------------------------------------------------------------------
def _money(value: float) -> Num:
    return Num(value, ",.2f")


def _cost(value: float) -> Num:
    """A cost per result: cents, or four decimals below 0.10 (a reach costs 0.0143)."""
    return Num(value, ",.2f" if abs(value) >= 0.1 else ",.4f")


def _count(value: float) -> Num:
    return Num(value, ",.0f")


def _results_phrase(total: CampaignTotal) -> Join:
    """ "3,257 Website purchases; 120 Link clicks": every result type on its own."""
    return Join.of(
        (Phrase("%(n)s %(type)s", n=_count(r.results), type=r.result_type) for r in total.results),
        "; ",
    )


def campaign_headline(report: CampaignReport) -> tuple[Phrase, ...]:
    """What it spent and got, the halves comparison, what to do next (see the module doc)."""
    out: list[Phrase] = []
    if not report.totals:
        out.append(
            Phrase(
                "No ad delivery is stored for %(name)s; this report shows its plan entry and "
                "the website visits its links brought.",
                name=report.name,
            )
        )
    for t in report.totals[:2]:
        period = {}
        if report.start and report.end:
            period = {"start": Day(report.start), "end": Day(report.end)}
        if t.results and period:
            out.append(
                Phrase(
                    "From %(start)s to %(end)s the campaign spent %(spend)s %(currency)s and got "
                    "%(results)s.",
                    spend=_money(t.spend or 0.0),
                    currency=t.currency,
                    results=_results_phrase(t),
                    **period,
                )
            )
        elif t.results:
            out.append(
                Phrase(
                    "The campaign spent %(spend)s %(currency)s and got %(results)s.",
                    spend=_money(t.spend or 0.0),
                    currency=t.currency,
                    results=_results_phrase(t),
                )
            )
        elif period:
            out.append(
                Phrase(
                    "From %(start)s to %(end)s the campaign spent %(spend)s %(currency)s; its "
                    "exports give no results.",
                    spend=_money(t.spend or 0.0),
                    currency=t.currency,
                    **period,
                )
            )
        else:
            out.append(
                Phrase(
                    "The campaign spent %(spend)s %(currency)s; its exports give no results.",
                    spend=_money(t.spend or 0.0),
                    currency=t.currency,
                )
            )
        if t.cpa is not None and t.result_type:
            if t.roas is not None:
                out.append(
                    Phrase(
                        "A result (%(type)s) cost %(cpa)s %(currency)s; the conversion value was "
                        "%(roas)s times the spend (ROAS).",
                        type=t.result_type,
                        cpa=_cost(t.cpa),
                        currency=t.currency,
                        roas=Num(t.roas, ",.2f"),
                    )
                )
            else:
                out.append(
                    Phrase(
                        "A result (%(type)s) cost %(cpa)s %(currency)s.",
                        type=t.result_type,
                        cpa=_cost(t.cpa),
                        currency=t.currency,
                    )
                )
    h = report.halves
    if h is not None and h.change.low is not None and h.change.high is not None:
        values = {
            "type": h.result_type,
            "late": _cost(h.second_cpa),
            "early": _cost(h.first_cpa),
            "currency": h.currency,
            "change": Num(h.change.value or 0.0, "+.0%"),
            "low": Num(h.change.low, "+.0%"),
            "high": Num(h.change.high, "+.0%"),
        }
        if h.change.low > 0:
            msg = N_(
                "In the second half of the period a result (%(type)s) cost more: %(late)s "
                "%(currency)s against %(early)s in the first half, %(change)s (between %(low)s "
                "and %(high)s)."
            )
        elif h.change.high < 0:
            msg = N_(
                "In the second half of the period a result (%(type)s) cost less: %(late)s "
                "%(currency)s against %(early)s in the first half, %(change)s (between %(low)s "
                "and %(high)s)."
            )
        else:
            msg = N_(
                "A result (%(type)s) cost about the same in both halves of the period: "
                "%(early)s %(currency)s in the first half, %(late)s in the second (a change "
                "between %(low)s and %(high)s)."
            )
        out.append(Phrase(msg, **values))
    todo = campaign_advice(report) if report.totals else []
    room = max(1, MOST - len(out))
    out += todo[:room]
    return tuple(out[:MOST])


def campaign_advice(report: CampaignReport) -> list[Phrase]:
    """The next steps from the ads skill's checks, most pressing first."""
    todo: list[Phrase] = []
    if report.fatigue:
        worst = min(
            report.fatigue,
            key=lambda f: (
                f.odds_ratio_per_doubling.value
                if f.odds_ratio_per_doubling.value is not None
                else 1.0
            ),
        )
        todo.append(
            Phrase(
                "The ad %(ad)s is tiring: its click rate fell from %(low)s to %(high)s as people "
                "saw it more often; refresh its image or text.",
                ad=worst.ad,
                low=Num(worst.rate_low.value or 0.0, ".2%"),
                high=Num(worst.rate_high.value or 0.0, ".2%"),
            )
            if worst.metric == "ctr"
            else Phrase(
                "The ad %(ad)s is tiring: its conversion rate fell from %(low)s to %(high)s as "
                "people saw it more often; refresh its image or text.",
                ad=worst.ad,
                low=Num(worst.rate_low.value or 0.0, ".2%"),
                high=Num(worst.rate_high.value or 0.0, ".2%"),
            )
        )
    for t in report.tests:
        if t.winner:
            todo.append(
                Phrase(
                    "The test in %(group)s has a winner, %(winner)s; give it the budget of the "
                    "other variants.",
                    group=t.group,
                    winner=t.winner,
                )
                if t.level == "ad"
                else Phrase(
                    "The audience test of this campaign has a winner, %(winner)s; give it the "
                    "budget of the other ad sets.",
                    winner=t.winner,
                )
            )
    for t in report.tests:
        if not t.winner and t.reached is False and t.needed_per_variant is not None:
            more = _count(max(t.needed_per_variant - t.smallest_variant, 0.0))
            todo.append(
                Phrase(
                    "The test in %(group)s needs about %(more)s more impressions per variant "
                    "to reach its planned size; keep it running before choosing.",
                    group=t.group,
                    more=more,
                )
                if t.level == "ad"
                else Phrase(
                    "The audience test of this campaign needs about %(more)s more impressions "
                    "per ad set to reach its planned size; keep it running before choosing.",
                    more=more,
                )
            )
    for c in report.curves:
        if c.past_half and c.marginal_cost.ok and c.marginal_cost.value is not None:
            todo.append(
                Phrase(
                    "At the current %(spend)s %(currency)s a day the campaign is past the "
                    "half-way point of its response curve: the next result (%(type)s) costs "
                    "about %(cost)s %(currency)s, so more budget buys fewer results per "
                    "%(currency)s.",
                    spend=_money(c.current_spend),
                    currency=c.currency or "",
                    type=c.result_type or "",
                    cost=_cost(c.marginal_cost.value),
                )
            )
    if not todo:
        todo.append(
            Phrase(
                "None of the ads checks (tiring ads, tests, the response curve) asks for action "
                "for this campaign."
            )
        )
    return todo


# -- the page ------------------------------------------------------------------------------------
def _charts(report: CampaignReport, lang: str) -> dict[str, Markup]:
    _ = render._translator(lang)
    out: dict[str, Markup] = {}
    currencies = {c for _d, c, _k, _s, _n in report.daily}
    if len(currencies) == 1:  # currencies are never drawn on one axis
        (currency,) = currencies
        spend: dict[dt.date, float] = {}
        for d, _c, _k, s, _n in report.daily:
            spend[d] = spend.get(d, 0.0) + s
        spec = charts.daily_lines(
            [(d, _("Spend"), s) for d, s in sorted(spend.items())],
            value_title=_("Spend per day (%(currency)s)", currency=currency),
            description=_("The campaign's spend per day"),
            locale=lang,
        )
        if spec is not None:
            out["spend"] = Markup(charts.to_svg(spec))
    points = [(d, k, n) for d, _c, k, _s, n in report.daily if k]
    spec = charts.daily_lines(
        points,
        value_title=_("Results per day"),
        description=_("The campaign's results per day and result type"),
        locale=lang,
    )
    if spec is not None:
        out["results"] = Markup(charts.to_svg(spec))
    return out


def campaign_html(report: CampaignReport, lang: str | None = None) -> str:
    """The campaign report as one self-contained HTML page."""
    from socialdesk.i18n import DEFAULT_LOCALE, normalise

    language = normalise(lang or report.lang) or DEFAULT_LOCALE
    _ = render._translator(language)
    titles = {
        "totals": _("Spend and results"),
        "rows": _("Platforms, ad sets and ads"),
        "days": _("Day by day"),
        "tests": _("Creative and audience tests"),
        "fatigue": _("Tiring ads"),
        "curve": _("Response to the budget"),
        "plan": _("Plan and website"),
    }
    sections = report.sections
    return render.render_document(
        "campaign.html",
        report,
        language,
        titles=titles,
        sections=sections,
        toc=len(sections) >= render.TOC_FROM,
        charts=_charts(report, language) if "days" in sections else {},
    )


__all__ = [
    "CampaignReport",
    "CampaignTotal",
    "CurveRow",
    "EntityRow",
    "FatigueRow",
    "Halves",
    "NoSuchCampaign",
    "PlanEntry",
    "ResultCount",
    "TestRow",
    "WebVisits",
    "campaign_advice",
    "campaign_headline",
    "campaign_html",
    "campaign_names",
    "campaign_report",
    "halves",
]
