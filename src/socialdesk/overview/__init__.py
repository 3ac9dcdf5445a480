"""The overview skill's first figures: periods compared per platform and account, the posts
table and its exports, a post's history and the import history.

`queries` alone reads the database; `periods` and `summary` are pure functions; `run` is the
seam the faces call (`build_overview` is its overview without the page's filter).
"""

from __future__ import annotations

from socialdesk.overview import queries
from socialdesk.overview.definitions import DEFINITIONS, OVERVIEW_METRICS, Definition
from socialdesk.overview.periods import PERIOD_CHOICES, Comparison, Window
from socialdesk.overview.run import build_overview
from socialdesk.overview.summary import AccountOverview, OverviewResult, PlatformOverview

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
