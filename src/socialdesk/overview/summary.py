"""The overview: per platform and account, a period against the one before (pure assembly)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from socialdesk.overview.periods import (
    Comparison,
    Window,
    bucket_starts,
    compare_count,
    compare_flow,
    compare_stock,
)
from socialdesk.overview.queries import FLOW_METRICS, AccountRow, FlowTotals

if TYPE_CHECKING:
    from socialdesk.overview.advertising import AdsBlock
    from socialdesk.overview.followers import FollowersBlock
    from socialdesk.overview.highlights import Highlights
    from socialdesk.overview.top import TopPosts

SERIES_METRICS: tuple[str, ...] = ("followers", *FLOW_METRICS)
FIGURES: tuple[str, ...] = (
    "followers",
    *FLOW_METRICS,
    "posts",
    "post_reach",
    "post_engagements",
)


def _has(c: Comparison) -> bool:
    return c.current is not None or c.previous is not None


@dataclass(frozen=True)
class AccountOverview:
    account: AccountRow
    figures: dict[str, Comparison]  # followers, reach, impressions, engagements, clicks, posts
    spend: dict[str, Comparison]  # per currency
    series: dict[str, list[float | None]]  # sparkline points per metric (current period)
    followers_as_of: dt.date | None = None


@dataclass(frozen=True)
class PlatformOverview:
    platform: str
    accounts: list[AccountOverview]
    figures: dict[str, Comparison]
    spend: dict[str, Comparison]
    series: dict[str, list[float | None]]

    __json_properties__: ClassVar[tuple[str, ...]] = ("keys_with_data",)

    @property
    def keys_with_data(self) -> list[str]:
        """The figures any account of the platform has (plus "spend" when there is spend)."""
        keys = [k for k in FIGURES if any(_has(a.figures[k]) for a in self.accounts)]
        return keys + (["spend"] if self.spend else [])


@dataclass(frozen=True)
class OverviewResult:
    current: Window
    previous: Window
    step: int
    points: list[dt.date]  # first day of each sparkline point
    platforms: list[PlatformOverview] = field(default_factory=list)
    # the answers a manager asks first (issue #17), set by `run.build_overview`
    followers: FollowersBlock | None = None  # followers per network and in total
    top: TopPosts | None = None  # the period's top posts
    highlights: Highlights | None = None  # what changed most
    ads: AdsBlock | None = None  # ad spend, results and cost per result

    __json_properties__: ClassVar[tuple[str, ...]] = ("without_data",)

    @property
    def empty(self) -> bool:
        return not self.platforms

    @property
    def with_data(self) -> list[PlatformOverview]:
        return [p for p in self.platforms if p.keys_with_data]

    @property
    def organic(self) -> list[PlatformOverview]:
        """The platforms with figures other than ad spend (spend is the ads block's)."""
        return [p for p in self.platforms if any(k != "spend" for k in p.keys_with_data)]

    @property
    def without_data(self) -> list[str]:
        """Platforms of the workspace that have none of these figures (web, search...)."""
        return [p.platform for p in self.platforms if not p.keys_with_data]


def account_overview(
    account: AccountRow,
    window_days: int,
    n_points: int,
    flows: FlowTotals | None,
    followers_now: tuple[dt.date, float] | None,
    followers_before: tuple[dt.date, float] | None,
    posts: tuple[int, int] | None,
    spend: Mapping[str, tuple[float | None, float | None]] | None,
    points: Mapping[str, Mapping[int, float]] | None,
    post_figures: Mapping[str, tuple[float | None, float | None]] | None = None,
) -> AccountOverview:
    figures: dict[str, Comparison] = {
        "followers": compare_stock(
            followers_now[1] if followers_now else None,
            followers_before[1] if followers_before else None,
        )
    }
    for name in FLOW_METRICS:
        if flows is None:
            figures[name] = Comparison(None, None, None)
            continue
        figures[name] = compare_flow(
            flows.current.get(name),
            flows.previous.get(name),
            flows.days_current.get(name, 0),
            flows.days_previous.get(name, 0),
            window_days,
        )
    figures["posts"] = (
        compare_count(float(posts[0]), float(posts[1])) if posts else Comparison(None, None, None)
    )
    for name in ("reach", "engagements"):
        now, before = (post_figures or {}).get(name, (None, None))
        figures[f"post_{name}"] = Comparison(now, before, _rel(now, before))
    money = {
        cur: Comparison(now, before, _rel(now, before))
        for cur, (now, before) in sorted((spend or {}).items())
    }
    found = points or {}
    blank: list[float | None] = [None] * n_points
    series = {
        name: list(map(found[name].get, range(n_points))) if found.get(name) else blank.copy()
        for name in SERIES_METRICS
    }
    return AccountOverview(
        account, figures, money, series, followers_now[0] if followers_now else None
    )


def _rel(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0:
        return None
    return (now - before) / abs(before)


def _sum(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def platform_overview(platform: str, accounts: list[AccountOverview]) -> PlatformOverview:
    figures: dict[str, Comparison] = {}
    for name in ("followers", "posts", "post_reach", "post_engagements"):
        cur = _sum([a.figures[name].current for a in accounts])
        prev = _sum([a.figures[name].previous for a in accounts])
        figures[name] = Comparison(cur, prev, _rel(cur, prev))
    # followers are a level: a sum over accounts compares only when every account with a
    # count now had one before too (one account's first count is no rise of the network)
    if any(
        (a.figures["followers"].current is None) != (a.figures["followers"].previous is None)
        for a in accounts
    ):
        f = figures["followers"]
        figures["followers"] = Comparison(f.current, None, None)
    for name in FLOW_METRICS:
        having = [
            a.figures[name]
            for a in accounts
            if a.figures[name].current is not None or a.figures[name].previous is not None
        ]
        if not having:
            figures[name] = Comparison(None, None, None)
            continue
        figures[name] = compare_flow(
            _sum([c.current for c in having]),
            _sum([c.previous for c in having]),
            min(c.days_with_data or 0 for c in having),
            min(c.previous_days_with_data or 0 for c in having),
            having[0].window_days or 0,
        )
    money: dict[str, Comparison] = {}
    for currency in sorted({c for a in accounts for c in a.spend}):
        now = _sum([a.spend[currency].current for a in accounts if currency in a.spend])
        before = _sum([a.spend[currency].previous for a in accounts if currency in a.spend])
        money[currency] = Comparison(now, before, _rel(now, before))
    series = {
        name: [_sum(at) for at in zip(*(a.series[name] for a in accounts), strict=True)]
        for name in SERIES_METRICS
    }
    return PlatformOverview(platform, accounts, figures, money, series)


def assemble(
    current: Window,
    previous: Window,
    step: int,
    accounts: Sequence[AccountRow],
    flows: Mapping[int, FlowTotals],
    followers_now: Mapping[int, tuple[dt.date, float]],
    followers_before: Mapping[int, tuple[dt.date, float]],
    posts: Mapping[int, tuple[int, int]],
    spend: Mapping[int, Mapping[str, tuple[float | None, float | None]]],
    points: Mapping[int, Mapping[str, Mapping[int, float]]],
    post_figures: Mapping[int, Mapping[str, tuple[float | None, float | None]]] | None = None,
) -> OverviewResult:
    starts = bucket_starts(current, step)
    per_platform: dict[str, list[AccountOverview]] = {}
    for acc in accounts:
        per_platform.setdefault(acc.platform, []).append(
            account_overview(
                acc,
                current.days,
                len(starts),
                flows.get(acc.id),
                followers_now.get(acc.id),
                followers_before.get(acc.id),
                posts.get(acc.id),
                spend.get(acc.id),
                points.get(acc.id),
                (post_figures or {}).get(acc.id),
            )
        )
    platforms = [platform_overview(p, accs) for p, accs in per_platform.items()]
    return OverviewResult(current, previous, step, starts, platforms)
