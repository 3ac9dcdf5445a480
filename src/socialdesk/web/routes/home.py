"""The overview: per platform and account, the last 30/90/365 days against the days before."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from socialdesk import charts
from socialdesk.overview import (
    DEFINITIONS,
    OVERVIEW_METRICS,
    PERIOD_CHOICES,
    AccountOverview,
    OverviewResult,
    build_overview,
)
from socialdesk.overview.definitions import platform_name
from socialdesk.overview.queries import workspace_platforms
from socialdesk.overview.summary import SERIES_METRICS
from socialdesk.web.deps import (
    ConfigDep,
    LocaleDep,
    SessionDep,
    Viewer,
    date_or_none,
    render,
    render_json,
)

router = APIRouter()

ACCOUNT_SPARK_METRIC = "engagements"
ACCOUNTS_SHOWN = 12  # per platform when all platforms are shown; a platform's page shows all


@dataclass
class ErrorPage:
    """A page that could not be shown: the status and what to do."""

    status: int
    detail: str


@dataclass
class MetricInfo:
    key: str
    label: str
    definition: str


@dataclass
class OverviewPage:
    """The overview page (/overview, /overview.json)."""

    days: int = field(metadata={"help": "Length of the period in days (30, 90 or 365 offered)"})
    end: dt.date | None = field(
        metadata={"help": "Last day of the period (default: last day with data)"}
    )
    platform: str | None = field(metadata={"help": "Only this platform, or all"})
    platforms: list[str] = field(metadata={"help": "Platforms of the workspace, for the filter"})
    period_choices: tuple[int, ...]
    metrics: list[MetricInfo] = field(metadata={"help": "The figures shown, with definitions"})
    result: OverviewResult = field(metadata={"help": "Per platform and account: the comparisons"})
    shown: dict[str, list[AccountOverview]] = field(
        default_factory=dict,
        metadata={"json": False, "help": "Per platform, the accounts in the table (largest first)"},
    )
    charts: dict[str, Any] = field(default_factory=dict, metadata={"json": False})


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


def _overview_page(
    request: Request,
    session: Any,
    config: Any,
    locale: str,
    days: int,
    end: dt.date | None,
    platform: str | None,
) -> OverviewPage:
    platforms = workspace_platforms(session, config.workspace.workspace_id)
    if platform not in platforms:
        platform = None
    result = build_overview(
        session, config.workspace.workspace_id, days=days, end=end, platform=platform
    )
    metrics = [
        MetricInfo(k, DEFINITIONS[k].label_in(locale), DEFINITIONS[k].text_in(locale))
        for k in OVERVIEW_METRICS
    ]
    labels = {m.key: m.label for m in metrics}
    limit = None if platform else ACCOUNTS_SHOWN
    shown = {p.platform: _largest_first(p.accounts)[:limit] for p in result.platforms}
    return OverviewPage(
        days=days,
        end=end,
        platform=platform,
        platforms=platforms,
        period_choices=PERIOD_CHOICES,
        metrics=metrics,
        result=result,
        shown=shown,
        charts=_charts(result, locale, labels, shown),
    )


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


@router.get("/overview", name="overview")
def overview(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    locale: LocaleDep,
    _who: Viewer,
    days: Days = 30,
    end: End = "",
    platform: Platform = None,
) -> Response:
    page = _overview_page(
        request, session, config, locale, days, date_or_none(end), platform or None
    )
    return render(request, "home/overview.html", page)


@router.get("/overview.json", name="overview_json")
def overview_json(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    locale: LocaleDep,
    _who: Viewer,
    days: Days = 30,
    end: End = "",
    platform: Platform = None,
) -> Response:
    return render_json(
        _overview_page(request, session, config, locale, days, date_or_none(end), platform or None)
    )
