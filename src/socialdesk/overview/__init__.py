"""The overview skill's first figures: periods compared per platform and account, the posts
table and its exports, a post's history and the import history.

`queries` alone reads the database; `periods` and `summary` are pure functions.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from socialdesk.overview import queries
from socialdesk.overview.definitions import DEFINITIONS, OVERVIEW_METRICS, Definition
from socialdesk.overview.periods import (
    PERIOD_CHOICES,
    Comparison,
    Window,
    bucket_step,
    comparison_windows,
)
from socialdesk.overview.summary import AccountOverview, OverviewResult, PlatformOverview, assemble


def build_overview(
    session: Session,
    workspace_id: int,
    *,
    days: int,
    end: dt.date | None = None,
    platform: str | None = None,
    today: dt.date | None = None,
) -> OverviewResult:
    """The overview of `days` days up to `end` (default: the last day with data, up to today)."""
    accounts = queries.workspace_accounts(session, workspace_id, platform)
    ids = [a.id for a in accounts]
    today = today or dt.date.today()
    if end is None:
        end = min(queries.latest_data_date(session, ids) or today, today)
    current, previous = comparison_windows(end, days)
    step = bucket_step(days)
    flows, points = queries.daily_figures(session, ids, current, previous, step)
    posts, post_figures = queries.post_totals(session, ids, current, previous)
    followers_now, followers_before = queries.last_followers(session, ids, current, previous)
    return assemble(
        current,
        previous,
        step,
        accounts,
        flows=flows,
        followers_now=followers_now,
        followers_before=followers_before,
        posts=posts,
        spend=queries.spend(session, ids, current, previous),
        points=points,
        post_figures=post_figures,
    )


__all__ = [
    "DEFINITIONS",
    "OVERVIEW_METRICS",
    "PERIOD_CHOICES",
    "AccountOverview",
    "Comparison",
    "Definition",
    "OverviewResult",
    "PlatformOverview",
    "Window",
    "build_overview",
    "queries",
]
