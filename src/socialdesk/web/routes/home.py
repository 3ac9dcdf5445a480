"""The overview: per platform and account, the last 30/90/365 days against the days before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from socialdesk import charts
from socialdesk.i18n import N_
from socialdesk.overview import DEFINITIONS, OVERVIEW_METRICS, run
from socialdesk.overview.definitions import platform_name
from socialdesk.overview.periods import PERIOD_CHOICES, Comparison
from socialdesk.overview.summary import FIGURES, SERIES_METRICS, AccountOverview, OverviewResult
from socialdesk.web.deps import LocaleDep, SessionDep, Viewer, WorkspaceDep, date_or_none
from socialdesk.web.exports import Column, Table
from socialdesk.web.pages import View, page

router = APIRouter()

ACCOUNT_SPARK_METRIC = "engagements"
ACCOUNTS_SHOWN = 12  # per platform when all platforms are shown; a platform's page shows all


@dataclass
class ErrorPage:
    """A page that could not be shown: the status and what to do."""

    status: int
    detail: str


@dataclass(frozen=True)
class MetricInfo:
    key: str
    label: str
    definition: str


def _charts(
    result: OverviewResult,
    locale: str,
    labels: dict[str, str],
    shown: dict[str, list[AccountOverview]],
) -> dict[str, Any]:
    """Sparkline points per key; the spec they share (with the locale Vega writes their
    tooltips in) is under "spark-base"."""
    out: dict[str, Any] = {"spark-base": charts.sparkline_base(locale=locale)}

    def add(key: str, points: list[float | None], metric: str, what: str) -> None:
        spec = charts.sparkline_points(
            points, result.points, description=f"{labels[metric]}: {what}"
        )
        if spec is not None:
            out[key] = spec

    for plat in result.platforms:
        for metric in SERIES_METRICS:
            add(
                f"p-{plat.platform}-{metric}",
                plat.series[metric],
                metric,
                platform_name(plat.platform),
            )
        for acc in shown[plat.platform]:
            add(
                f"a-{acc.account.id}",
                acc.series[ACCOUNT_SPARK_METRIC],
                ACCOUNT_SPARK_METRIC,
                acc.account.label,
            )
    return out


def _largest_first(accounts: list[AccountOverview]) -> list[AccountOverview]:
    def size(a: AccountOverview) -> tuple[float, ...]:
        return tuple(
            -(a.figures[k].current or 0.0) for k in ("followers", "reach", "post_reach", "posts")
        )

    return sorted(accounts, key=lambda a: (size(a), a.account.label.lower()))


Days = Annotated[int, Query(ge=1, le=3660, description="period length in days")]
End = Annotated[
    str, Query(description="last day of the period, YYYY-MM-DD (empty: last day with data)")
]
Platform = Annotated[str | None, Query(description="only this platform")]


@router.get("/", include_in_schema=False)
def home(request: Request, _who: Viewer) -> Response:
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/overview{query}", status_code=307)


def _figure_rows(result: OverviewResult) -> Any:
    def cells(c: Comparison) -> tuple[Any, ...]:
        return (c.current, c.previous, c.change)

    for plat in result.platforms:
        for key in FIGURES:
            if any(
                a.figures[key].current is not None or a.figures[key].previous is not None
                for a in plat.accounts
            ):
                if len(plat.accounts) > 1:  # the platform's sum, then each account
                    yield (platform_name(plat.platform), None, key, *cells(plat.figures[key]))
                for acc in plat.accounts:
                    yield (
                        platform_name(plat.platform),
                        acc.account.label,
                        key,
                        *cells(acc.figures[key]),
                    )


def _overview_tables(report: run.OverviewReport, locale: str) -> list[Table]:
    """The page's blocks as tables: followers, top posts, ads (spend and results) and every
    figure per platform and account against the period before."""
    r = report.overview
    tables: list[Table] = []
    if r.followers is not None:
        rows = []
        for plat in r.followers.platforms:
            for acc in plat.accounts:
                f = acc.followers
                rows.append(
                    (
                        platform_name(plat.platform),
                        acc.account.label,
                        f.total,
                        f.as_of,
                        f.change,
                        f.base_as_of if f.change_from == "counts" else None,
                        f.gained,
                        f.lost,
                    )
                )
        tables.append(
            Table(
                "followers",
                N_("Followers"),
                (
                    Column("platform", N_("Platform")),
                    Column("account", N_("Account")),
                    Column("followers", N_("Followers")),
                    Column("as_of", N_("As of")),
                    Column("change", N_("Net change")),
                    Column("since", N_("Change since")),
                    Column("gained", N_("Gained")),
                    Column("lost", N_("Lost")),
                ),
                rows,
            )
        )
    if r.top is not None:
        tables.append(
            Table(
                "top_posts",
                N_("Top posts"),
                (
                    Column("rank", N_("Rank")),
                    Column("platform", N_("Platform")),
                    Column("account", N_("Account")),
                    Column("published", N_("Published")),
                    Column("text", N_("Text")),
                    Column("interactions", N_("Interactions")),
                    Column("reach", N_("Reach")),
                    Column("post", N_("Post")),
                ),
                [
                    (
                        n,
                        platform_name(p.platform),
                        p.account,
                        p.published_at,
                        p.text,
                        p.interactions,
                        p.reach,
                        p.permalink,
                    )
                    for n, p in enumerate(r.top.posts, start=1)
                ],
            )
        )
    if r.ads is not None:
        tables.append(
            Table(
                "ads",
                N_("Advertising"),
                (
                    Column("currency", N_("Currency")),
                    Column("result_type", N_("Result type")),
                    Column("campaigns", N_("Campaigns")),
                    Column("spend", N_("Spend")),
                    Column("results", N_("Results")),
                    Column("cost_per_result", N_("Cost per result")),
                ),
                [
                    (
                        c.currency,
                        line.result_type,
                        line.campaigns,
                        line.spend,
                        line.results,
                        line.cost_per_result,
                    )
                    for c in r.ads.currencies
                    for line in c.lines
                ],
            )
        )
    if r.ads is not None:
        tables.append(
            Table(
                "ad_spend",
                N_("Ad spend"),
                (
                    Column("currency", N_("Currency")),
                    Column("current", N_("This period")),
                    Column("previous", N_("Period before")),
                    Column("change", N_("Relative change")),
                ),
                [
                    (c.currency, c.spend.current, c.spend.previous, c.spend.change)
                    for c in r.ads.currencies
                ],
            )
        )
    tables.append(
        Table(
            "figures",
            N_("Figures"),
            (
                Column("platform", N_("Platform")),
                Column("account", N_("Account")),
                Column("figure", N_("Figure")),
                Column("current", N_("This period")),
                Column("previous", N_("Period before")),
                Column("change", N_("Relative change")),
            ),
            (
                (plat, acc, DEFINITIONS[key].label_in(locale), *rest)
                for plat, acc, key, *rest in _figure_rows(r)
            ),
        )
    )
    return tables


@page(router, "/overview", "home/overview.html", name="overview", tables=_overview_tables)
def overview(
    session: SessionDep,
    ws: WorkspaceDep,
    locale: LocaleDep,
    _who: Viewer,
    days: Days = 30,
    end: End = "",
    platform: Platform = None,
) -> View:
    """Per platform and account, the last 30/90/365 days against the days before (/overview,
    /overview.json); the page loads the five-skills audit's card after it has shown itself
    (routes/audit.py), so the overview never waits for the audit."""
    result = run.overview(session, ws, days=days, end=date_or_none(end), platform=platform or None)
    metrics = [
        MetricInfo(k, DEFINITIONS[k].label_in(locale), DEFINITIONS[k].text_in(locale))
        for k in OVERVIEW_METRICS
    ]
    labels = {m.key: m.label for m in metrics}
    limit = None if result.platform else ACCOUNTS_SHOWN
    shown = {p.platform: _largest_first(p.accounts)[:limit] for p in result.overview.platforms}
    return View(
        result,
        period_choices=PERIOD_CHOICES,
        metrics=metrics,
        shown=shown,
        charts=_charts(result.overview, locale, labels, shown),
    )
