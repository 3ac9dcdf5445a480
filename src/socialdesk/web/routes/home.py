"""The overview: per platform and account, the last 30/90/365 days against the days before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from socialdesk import charts
from socialdesk.overview import DEFINITIONS, OVERVIEW_METRICS, run
from socialdesk.overview.definitions import platform_name
from socialdesk.overview.periods import PERIOD_CHOICES
from socialdesk.overview.summary import SERIES_METRICS, AccountOverview, OverviewResult
from socialdesk.web.deps import LocaleDep, SessionDep, Viewer, WorkspaceDep, date_or_none
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


@page(router, "/overview", "home/overview.html", name="overview")
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
