"""The monthly report: one calendar month against the month before, as plain data.

`monthly_report(session, workspace_id, month, lang)` asks the skills' seams (the overview, the
analytics, inbox, ads and marketing `run` modules; never a `queries` module) for the month's
figures and returns a frozen `MonthlyReport`: numbers, dates, estimates with their intervals
and `Phrase` sentences, no HTML. `render.py` turns it into HTML and PDF.

The report opens with a headline of three to five sentences (`headline.py`: what changed, why,
what to do next), then one section per area that has data for the month. An area without data
is left out and named in `left_out`, so the report can say so in one line.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from socialdesk.ads import run as ads_run
from socialdesk.analytics import run as analytics_run
from socialdesk.catalogue import get_metric
from socialdesk.errors import SocialdeskError
from socialdesk.estimates import Estimate
from socialdesk.inbox import run as inbox_run
from socialdesk.inbox.sla import ResponseFigures
from socialdesk.marketing import run as marketing_run
from socialdesk.model import Workspace
from socialdesk.overview import run as overview_run
from socialdesk.overview.summary import OverviewResult
from socialdesk.phrases import Day, Phrase
from socialdesk.reports.headline import headline

# the overview's figures the report shows, in this order: the posts published in the month,
# then the accounts' daily figures
POST_KEYS = ("posts", "post_engagements", "post_reach")
ACCOUNT_KEYS = ("followers", "reach", "impressions", "engagements", "clicks")
FIGURE_KEYS = POST_KEYS + ACCOUNT_KEYS
COVERAGE_FOR_CHANGE = 0.9  # as the overview: no change from a month with few days of figures
MAX_ANOMALIES = 10
TEXT_CHARS = 280
# the KPI trees that can explain the change of the posts' interactions; the one that covers
# the most posts is used
WHY_TREES = ("engagement_impressions", "engagement")
SECTIONS = ("reach", "top_posts", "goals", "coverage", "care", "ads", "anomalies")


class NoDataForMonth(SocialdeskError):
    """The workspace has no figures for the month asked (the message names the month and the
    last day that has data)."""

    def __init__(self, month: dt.date, span: tuple[dt.date, dt.date] | None) -> None:
        self.month = month
        self.span = span  # the first and last day with data in the workspace
        name = f"{calendar.month_name[month.month]} {month.year}"
        if span is None:
            hint = "; import an export first (socialdesk import FILE)"
        else:
            first, last = span
            hint = (
                f"; it has data from {first.isoformat()} to {last.isoformat()}: "
                f"try --month {suggested_month(first, last):%Y-%m}"
            )
        super().__init__(f"no data for {name} ({month:%Y-%m}) in this workspace{hint}")
        # what the cockpit says (no command-line options in it)
        if span is None:
            self.reason = Phrase(
                "This workspace has no data for %(month)s. Import an export first.",
                month=month.strftime("%Y-%m"),
            )
        else:
            self.reason = Phrase(
                "This workspace has no data for %(month)s; it has data from %(first)s to "
                "%(last)s. Choose %(suggested)s.",
                month=month.strftime("%Y-%m"),
                first=Day(span[0]),
                last=Day(span[1]),
                suggested=suggested_month(*span).strftime("%Y-%m"),
            )


def suggested_month(first: dt.date, last: dt.date) -> dt.date:
    """The last whole month with data (the month of `last` when nothing whole lies before)."""
    end = Month.of(last)
    best = end if last == end.end else end.previous()
    return best.start if best.start >= Month.of(first).start else end.start


# -- the period ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Month:
    """A calendar month: its first and last day."""

    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, day: dt.date) -> Month:
        last = calendar.monthrange(day.year, day.month)[1]
        return cls(day.replace(day=1), day.replace(day=last))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Month:
        return Month.of(self.start - dt.timedelta(days=1))

    def next(self) -> Month:
        return Month.of(self.end + dt.timedelta(days=1))


def parse_month(text: str) -> dt.date:
    """'2026-10' -> 1 October 2026 (ValueError says what a month looks like)."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return dt.date(year, month, 1)
    except ValueError as exc:
        raise ValueError(f"a month looks like 2026-10 (got {text!r})") from exc


def previous_month(today: dt.date) -> dt.date:
    """The first day of the calendar month before `today`'s."""
    return Month.of(today).previous().start


# -- the report's data ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """A figure this month against last month; `change` is relative (0.12: +12%), None when
    it would not be honest (a month with too few days of figures, or nothing before)."""

    current: float | None
    previous: float | None
    change: float | None
    partial: bool = False


@dataclass(frozen=True)
class PlatformFigures:
    platform: str
    figures: dict[str, Change]  # FIGURE_KEYS -> this month against last month


@dataclass(frozen=True)
class Factor:
    """One factor of the KPI tree: its value in both months and its share of the change."""

    name: str
    label: str  # in the report's language (a Phrase where the catalogue has no name for it)
    unit: str  # fraction (shown as a percentage), count, or decimal
    before: float
    after: float
    contribution: float  # in interactions; the contributions add up to the change


@dataclass(frozen=True)
class Why:
    """The KPI tree's split of the change of the posts' interactions (LMDI, exact)."""

    tree: str
    formula: str  # a Phrase: "interactions = posts × impressions per post × engagement rate"
    before: float
    after: float
    change: float
    posts_before: int
    posts_after: int
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class ReachSection:
    keys: tuple[str, ...]  # the figures any platform has, in FIGURE_KEYS order
    platforms: tuple[PlatformFigures, ...]
    # over the platforms that have the figure in both months (the change); without any, this
    # month's total alone (partial)
    totals: dict[str, Change]
    why: Why | None


@dataclass(frozen=True)
class TopPost:
    platform: str
    account: str
    published_at: dt.datetime | None
    text: str  # untrusted: the renderer escapes it
    media_type: str | None
    permalink: str | None
    interactions: float | None
    reach: float | None
    impressions: float | None
    engagement_rate: float | None


@dataclass(frozen=True)
class TopPostsSection:
    posts: tuple[TopPost, ...]  # each platform's post with the most interactions, best first
    published: int  # posts published in the month


@dataclass(frozen=True)
class GoalRow:
    name: str
    platform: str | None
    metric: str
    metric_label: str
    unit: str
    start: dt.date
    end: dt.date
    status: str  # on-track, at-risk, off-track, not-enough-data, not-started
    target: float | None  # in the metric's unit
    observed: float | None
    forecast: Estimate


@dataclass(frozen=True)
class GoalsSection:
    as_of: dt.date
    goals: tuple[GoalRow, ...]


@dataclass(frozen=True)
class ObjectiveShare:
    name: str  # "" for the posts tied to no objective
    posts: int
    share_of_posts: Estimate  # counted: exact
    share_of_results: Estimate
    results_per_post: Estimate  # with its 95% interval


@dataclass(frozen=True)
class CoverageSection:
    metric: str  # what the results are (engagements)
    posts: int
    objectives: tuple[ObjectiveShare, ...]
    without_content: tuple[str, ...]  # objectives no post of the month served


@dataclass(frozen=True)
class CareRow:
    platform: str | None  # None: all platforms
    threads: int
    answered: int
    response_rate: Estimate
    median_first_response: Estimate  # minutes
    within_sla: Estimate | None = None  # share first answered within the target


@dataclass(frozen=True)
class CareAlert:
    day: dt.date
    topic: str  # untrusted (a hashtag or a word from the messages)
    negative: int
    ratio: float


@dataclass(frozen=True)
class CareSection:
    start: dt.date
    sla_minutes: int
    overall: CareRow
    platforms: tuple[CareRow, ...]
    alerts: tuple[CareAlert, ...]
    left_out: int  # threads left out as spam or abuse


@dataclass(frozen=True)
class CampaignRow:
    platform: str
    name: str  # untrusted: from the exports
    currency: str | None
    spend: float | None
    results: float | None
    result_type: str | None
    cpa: float | None
    roas: float | None


@dataclass(frozen=True)
class SpendTotal:
    currency: str
    spend: Change
    conversion_value: float | None
    roas: float | None


@dataclass(frozen=True)
class BudgetRow:
    campaign: str  # untrusted
    currency: str | None
    budget: float
    spent: float
    pace: float | None  # spent / budget
    status: str  # on track | under-spending | over-spending | not started | ended


@dataclass(frozen=True)
class AdsSection:
    totals: tuple[SpendTotal, ...]
    campaigns: tuple[CampaignRow, ...]
    budgets: tuple[BudgetRow, ...]
    daily: tuple[tuple[dt.date, str, float], ...] = field(metadata={"json": False})


@dataclass(frozen=True)
class DayRow:
    day: dt.date
    platform: str
    account: str
    metric: str
    metric_label: str
    value: float
    expected: float
    score: float
    explanation: str  # a Phrase


@dataclass(frozen=True)
class PostRow:
    day: dt.date
    platform: str
    account: str
    media_type: str
    rate: float
    expected_rate: float
    score: float


@dataclass(frozen=True)
class AnomaliesSection:
    days: tuple[DayRow, ...]  # strongest first
    posts: tuple[PostRow, ...]
    days_found: int
    posts_found: int


@dataclass(frozen=True)
class MonthlyReport:
    organisation: str
    lang: str
    month: Month
    previous: Month
    made_on: dt.date
    data_through: dt.date  # the month's last day, or the last day with data before it
    headline: tuple[Phrase, ...]  # what changed, why, what to do next
    reach: ReachSection | None = None
    top_posts: TopPostsSection | None = None
    goals: GoalsSection | None = None
    coverage: CoverageSection | None = None
    care: CareSection | None = None
    ads: AdsSection | None = None
    anomalies: AnomaliesSection | None = None
    # the workspace's colours and logo (reports.branding.Branding), not part of the data
    branding: Any = field(default=None, metadata={"json": False})

    @property
    def days_with_data(self) -> int:
        return (self.data_through - self.month.start).days + 1

    @property
    def complete(self) -> bool:
        """Whether the month has figures for (nearly) all its days; else nothing is compared."""
        return self.days_with_data >= COVERAGE_FOR_CHANGE * self.month.days

    @property
    def sections(self) -> tuple[str, ...]:
        """The areas with data, in the report's order."""
        return tuple(s for s in SECTIONS if getattr(self, s) is not None)

    @property
    def left_out(self) -> tuple[str, ...]:
        """The areas without data for the month."""
        return tuple(s for s in SECTIONS if getattr(self, s) is None)


# -- the sections --------------------------------------------------------------------------------
def _rel(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0:
        return None
    return (now - before) / abs(before)


def _month_overview(session: Session, workspace_id: int, month: Month) -> OverviewResult:
    return overview_run.build_overview(
        session, workspace_id, days=month.days, end=month.end, today=month.end
    )


def reach_section(
    session: Session, workspace_id: int, month: Month, lang: str, *, complete: bool = True
) -> ReachSection | None:
    """Per platform, the overview's figures this month and last month; with `complete` False
    (a month with figures for only some of its days) no change is computed."""
    now = _month_overview(session, workspace_id, month)
    before = {
        p.platform: p for p in _month_overview(session, workspace_id, month.previous()).platforms
    }
    rows: list[PlatformFigures] = []
    for p in now.platforms:
        if not any(k in p.keys_with_data for k in FIGURE_KEYS):
            continue  # ads, web and search accounts: their own sections
        prior = before.get(p.platform)
        figures: dict[str, Change] = {}
        for key in FIGURE_KEYS:
            cur = p.figures[key]
            old = prior.figures[key] if prior else None
            partial = (
                not complete
                or _partial(cur.days_with_data, cur.window_days)
                or (old is not None and _partial(old.days_with_data, old.window_days))
            )
            previous = old.current if old else None
            change = None if partial else _rel(cur.current, previous)
            figures[key] = Change(cur.current, previous, change, partial)
        if any(_present(k, c) for k, c in figures.items()):
            rows.append(PlatformFigures(p.platform, figures))
    keys = tuple(k for k in FIGURE_KEYS if any(r.figures[k].current is not None for r in rows))
    if not rows or not keys:
        return None
    totals: dict[str, Change] = {}
    for key in keys:
        found = [r.figures[key] for r in rows if r.figures[key].current is not None]
        both = [c for c in found if c.previous is not None and not c.partial]
        if both and complete:
            now_total = sum(c.current or 0.0 for c in both)
            before_total = sum(c.previous or 0.0 for c in both)
            totals[key] = Change(now_total, before_total, _rel(now_total, before_total))
        else:  # no like-for-like comparison: this month's total alone
            totals[key] = Change(sum(c.current or 0.0 for c in found), None, None, True)
    why = _why(session, workspace_id, month, lang) if complete else None
    return ReachSection(keys, tuple(rows), totals, why)


def _present(key: str, c: Change) -> bool:
    """A figure of this month (a count of posts is 0, not absent, in a month without any)."""
    return c.current is not None and (key != "posts" or c.current > 0)


def _partial(days_with_data: int | None, window_days: int | None) -> bool:
    if window_days is None:
        return False
    return (days_with_data or 0) < COVERAGE_FOR_CHANGE * window_days


def _factor_unit(name: str) -> str:
    if name == "posts":
        return "count"
    try:
        unit = get_metric(name).unit
    except KeyError:
        return "decimal"
    return "fraction" if unit == "fraction" else "decimal"


def _why(session: Session, workspace_id: int, month: Month, lang: str) -> Why | None:
    """The tree (of WHY_TREES) that splits the change over the most posts, or None."""
    prev = month.previous()
    best: Why | None = None
    for name in WHY_TREES:
        found = analytics_run.tree_report(
            session,
            workspace_id,
            name,
            after_start=month.start,
            after_end=month.end,
            before_start=prev.start,
            before_end=prev.end,
            group_by="",
            lang=lang,
        )
        total = next((c for group, c in found.changes if not group), None)
        if total is None or not total.decomposable or total.change is None:
            continue
        if best is not None and total.rows_after <= best.posts_after:
            continue
        factors = tuple(
            Factor(
                f.name,
                found.labels.get(f.name, f.name),
                _factor_unit(f.name),
                f.before,
                f.after,
                f.contribution,
            )
            for f in total.factors
        )
        best = Why(
            tree=found.tree,
            formula=found.title,
            before=float(total.before or 0.0),
            after=float(total.after or 0.0),
            change=float(total.change),
            posts_before=total.rows_before,
            posts_after=total.rows_after,
            factors=factors,
        )
    return best


def top_posts_section(session: Session, workspace_id: int, month: Month) -> TopPostsSection | None:
    """The post with the most interactions on each platform, most interactions first (a
    platform's best post says more to a director than five posts of the loudest platform)."""

    def query(platform: str = "") -> overview_run.PostsQuery:
        return overview_run.PostsQuery(
            platform=platform, days=month.days, end=month.end, sort="engagements", per_page=1
        )

    published = overview_run.posts(session, workspace_id, query()).total
    if not published:
        return None
    best = []
    for platform in overview_run.platforms(session, workspace_id):
        found = overview_run.posts(session, workspace_id, query(platform))
        best += [r for r in found.rows if r.metrics.get("engagements") is not None]
    best.sort(key=lambda r: -(r.metrics.get("engagements") or 0.0))
    posts = tuple(
        TopPost(
            platform=r.platform,
            account=r.account,
            published_at=r.published_at,
            text=(r.text or "")[:TEXT_CHARS],
            media_type=r.media_type,
            permalink=r.permalink,
            interactions=r.metrics.get("engagements"),
            reach=r.metrics.get("reach"),
            impressions=r.metrics.get("impressions"),
            engagement_rate=r.engagement_rate,
        )
        for r in best
    )
    return TopPostsSection(posts, published)


def goals_section(
    session: Session, workspace_id: int, month: Month, lang: str
) -> GoalsSection | None:
    from socialdesk.goals import plan_goals

    # the plan's objectives are the goals (socialdesk.goals), then goals stored before
    found = plan_goals(session, workspace_id, today=month.end, lang=lang)
    rows = []
    for s in found.goals:
        g = s.goal
        if g.start > month.end or g.end < month.start:
            continue  # not running in this month
        metric = get_metric(g.metric)
        rows.append(
            GoalRow(
                name=g.name,
                platform=g.platform,
                metric=g.metric,
                metric_label=found.metric_choices.get(g.metric, metric.label_in(lang)),
                unit=metric.unit,
                start=g.start,
                end=g.end,
                status=s.status,
                target=s.target_value,
                observed=s.observed,
                forecast=s.forecast,
            )
        )
    return GoalsSection(month.end, tuple(rows)) if rows else None


def coverage_section(session: Session, workspace_id: int, month: Month) -> CoverageSection | None:
    found = marketing_run.plan_coverage(session, workspace_id, start=month.start, end=month.end)
    c = found.coverage
    shares = c.dimensions.get("objective", ())
    if not c.n_posts or not any(s.key != "(untagged)" for s in shares):
        return None  # no plan with objectives, or no posts
    objectives = tuple(
        ObjectiveShare(
            "" if s.key == "(untagged)" else s.name,
            s.posts,
            s.share_of_posts,
            s.share_of_results,
            s.results_per_post,
        )
        for s in shares
    )
    return CoverageSection(c.metric, c.n_posts, objectives, tuple(c.objectives_without_content))


def _care_row(platform: str | None, f: ResponseFigures) -> CareRow:
    return CareRow(
        platform,
        f.threads,
        f.answered,
        f.response_rate,
        f.first_response.median,
        f.within_sla,
    )


def care_section(session: Session, workspace_id: int, month: Month) -> CareSection | None:
    """The conversations that began in the month, with their replies whenever they came."""
    found = inbox_run.figures(session, workspace_id, since=month.start, until=month.next().start)
    if found.report is None or not found.report.overall.threads:
        return None
    alerts = inbox_run.alerts(session, workspace_id, since=month.start).alerts
    return CareSection(
        start=month.start,
        sla_minutes=found.settings.sla_minutes,
        overall=_care_row(None, found.report.overall),
        platforms=tuple(
            _care_row(f.group.removeprefix("platform="), f) for f in found.report.by_platform
        ),
        alerts=tuple(
            CareAlert(a.day, a.topic, a.negative, a.ratio) for a in alerts if a.day <= month.end
        ),
        left_out=found.left_out,
    )


def ads_section(
    session: Session, workspace_id: int, month: Month, *, complete: bool = True
) -> AdsSection | None:
    period = ads_run.Period(start=month.start, end=month.end)
    found = ads_run.report(session, workspace_id, period=period).report
    if not found.rows:
        return None
    prev = month.previous()
    before = ads_run.report(
        session, workspace_id, period=ads_run.Period(start=prev.start, end=prev.end)
    ).report.totals
    totals = []
    for currency, f in found.totals.items():
        prior = before[currency].spend if currency in before else None
        change = _rel(f.spend, prior) if complete else None
        spend = Change(f.spend, prior, change, not complete)
        totals.append(SpendTotal(currency, spend, f.conversion_value, f.roas))
    campaigns = tuple(
        CampaignRow(
            r.platform,
            r.name,
            r.figures.currency,
            r.figures.spend,
            r.figures.main_results,
            r.figures.result_type,
            r.figures.cpa,
            r.figures.roas,
        )
        for r in sorted(found.rows, key=lambda r: -(r.figures.spend or 0.0))
    )
    pacing = ads_run.pacing(
        session, workspace_id, today=month.end, month=(month.start.year, month.start.month)
    )
    budgets = tuple(
        BudgetRow(
            p.budget.scope,
            p.budget.currency,
            p.budget.amount,
            p.spent,
            p.spent / p.budget.amount if p.budget.amount else None,
            p.status,
        )
        for p in pacing.rows
        if p.budget.start <= month.end and p.budget.end >= month.start
    )
    daily: dict[tuple[dt.date, str], float] = {}
    for r in found.rows:
        for day, amount, _results in r.daily:
            if month.start <= day <= month.end:
                daily[(day, r.platform)] = daily.get((day, r.platform), 0.0) + float(amount or 0.0)
    return AdsSection(
        tuple(totals),
        campaigns,
        budgets,
        tuple((day, platform, spend) for (day, platform), spend in sorted(daily.items())),
    )


def anomalies_section(
    session: Session, workspace_id: int, month: Month, lang: str
) -> AnomaliesSection | None:
    found = analytics_run.anomaly_report(session, workspace_id, start=month.start, end=month.end)
    if not found.days and not found.posts:
        return None
    days = found.days  # strongest first, an account's figures of one day together
    posts = sorted(found.posts, key=lambda p: -abs(p.score))
    return AnomaliesSection(
        days=tuple(
            DayRow(
                dt.date.fromisoformat(d.day),
                d.platform,
                d.account,
                d.metric,
                _metric_label(d.metric, lang),
                d.value,
                d.expected,
                d.score,
                d.explanation,
            )
            for d in days[:MAX_ANOMALIES]
        ),
        posts=tuple(
            PostRow(
                dt.date.fromisoformat(p.published_at[:10]),
                p.platform,
                p.account,
                p.media_type,
                p.rate,
                p.expected_rate,
                p.score,
            )
            for p in posts[:MAX_ANOMALIES]
        ),
        days_found=analytics_run.account_days(found.days),  # figures of one account-day: one
        posts_found=len(found.posts),
    )


def _metric_label(name: str, lang: str) -> str:
    try:
        return get_metric(name).short_in(lang)
    except KeyError:
        return name


# -- the report ----------------------------------------------------------------------------------
def organisation_name(session: Session, workspace_id: int) -> str:
    """The workspace's name (its folder's name unless it was given one)."""
    ws = session.get(Workspace, workspace_id)
    return ws.name if ws is not None else ""


def _data_span(session: Session, workspace_id: int) -> tuple[dt.date, dt.date] | None:
    """The first and last day with data, kept per data version (the status it is read from
    counts every row: seconds at a million posts, and /reports asks on every visit)."""
    from socialdesk.model import Account, AccountDay, AdDay, Post, PostMetrics
    from socialdesk.store.memo import memo

    def compute() -> tuple[dt.date, dt.date] | None:
        found = overview_run.status(session, workspace_id, slug="", database="")
        firsts = [a.first for a in found.accounts if a.first]
        lasts = [a.last for a in found.accounts if a.last]
        if not firsts or not lasts:
            return None
        return dt.date.fromisoformat(min(firsts)), dt.date.fromisoformat(max(lasts))

    tables = (Account, AccountDay, Post, PostMetrics, AdDay)
    return memo(session, workspace_id, "reports.data_span", (), tables, compute, slot=False)


def monthly_report(
    session: Session,
    workspace_id: int,
    month: dt.date,
    lang: str,
    *,
    organisation: str | None = None,
    branding: Any = None,
    today: dt.date | None = None,
) -> MonthlyReport:
    """The report of the calendar month of `month` against the month before, in `lang` (nl or
    en). NoDataForMonth when the month has no figures at all."""
    span = Month.of(month)
    _first, last = analytics_run.default_window(session, workspace_id, 1)
    through = min(span.end, max(last, span.start))
    complete = (through - span.start).days + 1 >= COVERAGE_FOR_CHANGE * span.days
    reach = reach_section(session, workspace_id, span, lang, complete=complete)
    top = top_posts_section(session, workspace_id, span)
    care = care_section(session, workspace_id, span)
    ads = ads_section(session, workspace_id, span, complete=complete)
    if reach is None and top is None and care is None and ads is None:
        raise NoDataForMonth(span.start, _data_span(session, workspace_id))
    goals = goals_section(session, workspace_id, span, lang)
    coverage = coverage_section(session, workspace_id, span)
    anomalies = anomalies_section(session, workspace_id, span, lang)
    return MonthlyReport(
        organisation=organisation or organisation_name(session, workspace_id),
        lang=lang,
        month=span,
        previous=span.previous(),
        made_on=today or dt.date.today(),
        data_through=through,
        headline=headline(
            reach=reach,
            goals=goals,
            coverage=coverage,
            care=care,
            ads=ads,
            anomalies=anomalies,
            days=(span.days, (through - span.start).days + 1),
        ),
        reach=reach,
        top_posts=top,
        goals=goals,
        coverage=coverage,
        care=care,
        ads=ads,
        anomalies=anomalies,
        branding=branding,
    )
