"""The overview's ads block (pure): spend per currency against the period before, and what
it bought: results and the cost of one, per currency and result type.

Spend per currency is the overview's own (`queries.spend`: each campaign once, at the coarsest
level its exports give, reporting periods wholly inside the period). Results follow the ads
skill's rule (`socialdesk.ads.kpis.with_results`), applied here to rows the database has
already added up: per ad account its exports' Results column when it has one (each campaign
labelled by its result type), else its conversions, else its link clicks, else its clicks. A
campaign's cost per result is its spend divided by its results of its main type (the type
most of its rows give); a line adds the campaigns of one currency and main type. Campaigns
whose exports give no result are one line without results. Currencies are never added up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from socialdesk.overview.periods import Comparison, relative_change
from socialdesk.overview.queries import AD_RESULT_COLUMNS, AccountRow, AdResultRow

LABELS = {"conversions": "Conversions", "link_clicks": "Link clicks", "clicks": "Clicks"}


@dataclass(frozen=True)
class ResultLine:
    """The campaigns of one currency whose main result is `result_type` (None: no result in
    their exports), with their spend and results in the period."""

    result_type: str | None
    campaigns: int
    spend: float | None
    results: float | None

    __json_properties__: ClassVar[tuple[str, ...]] = ("cost_per_result",)

    @property
    def cost_per_result(self) -> float | None:
        if self.spend is None or not self.results:
            return None
        return self.spend / self.results


@dataclass(frozen=True)
class CurrencyAds:
    currency: str  # "" where neither the export nor the account named one
    spend: Comparison  # this period against the one before
    lines: tuple[ResultLine, ...]  # most spend first


@dataclass(frozen=True)
class AdsBlock:
    platforms: tuple[str, ...]  # the ad platforms with spend or delivery in either period
    currencies: tuple[CurrencyAds, ...]

    @property
    def empty(self) -> bool:
        return not self.currencies


@dataclass
class _Campaign:
    currency: str
    spend: float | None = None
    results: dict[str, float] | None = None  # label -> count
    weight: dict[str, int] | None = None  # label -> rows that give it


def _add(a: float | None, b: float | None) -> float | None:
    if b is None:
        return a
    return b if a is None else a + b


def _campaigns(rows: Sequence[AdResultRow]) -> dict[tuple[int, str], _Campaign]:
    """Per campaign and currency: spend and results by label, from its coarsest level."""
    coarsest: dict[int, int] = {}
    for r in rows:
        coarsest[r.campaign_id] = min(r.level, coarsest.get(r.campaign_id, r.level))
    kept = [r for r in rows if r.level == coarsest[r.campaign_id]]
    # the result column of each ad account: the first one any of its rows gives
    column: dict[int, str] = {}
    for name in AD_RESULT_COLUMNS:
        for r in kept:
            if r.account_id not in column and r.counts.get(name):
                column[r.account_id] = name
    # a campaign's most common result type labels its rows without one
    typed: dict[int, dict[str, int]] = {}
    for r in kept:
        if column.get(r.account_id) == "results" and r.result_type and r.counts["results"]:
            per = typed.setdefault(r.campaign_id, {})
            per[r.result_type] = per.get(r.result_type, 0) + r.counts["results"]
    out: dict[tuple[int, str], _Campaign] = {}
    for r in kept:
        c = out.setdefault((r.campaign_id, r.currency), _Campaign(r.currency))
        c.spend = _add(c.spend, r.spend)
        chosen = column.get(r.account_id)
        if chosen is None or not r.counts.get(chosen):
            continue
        if chosen == "results":
            modes = typed.get(r.campaign_id, {})
            label = r.result_type or (
                max(sorted(modes), key=lambda t: modes[t]) if modes else "Results"
            )
        else:
            label = LABELS[chosen]
        c.results = c.results or {}
        c.weight = c.weight or {}
        c.results[label] = c.results.get(label, 0.0) + (r.sums[chosen] or 0.0)
        c.weight[label] = c.weight.get(label, 0) + r.counts[chosen]
    return out


def ads_block(
    accounts: Sequence[AccountRow],
    spend: Mapping[int, Mapping[str, tuple[float | None, float | None]]],
    rows: Sequence[AdResultRow],
) -> AdsBlock:
    """`spend`: per account and currency (this period, the one before); `rows`: this period's
    delivery per campaign, level, currency and result type (`queries.ad_results`)."""
    by_id = {a.id: a for a in accounts}
    totals: dict[str, list[float | None]] = {}
    platforms: set[str] = set()
    for acc, per in spend.items():
        for cur, (now, before) in per.items():
            if now is None and before is None:
                continue
            t = totals.setdefault(cur, [None, None])
            t[0], t[1] = _add(t[0], now), _add(t[1], before)
            if acc in by_id:
                platforms.add(by_id[acc].platform)
    lines: dict[str, dict[str | None, list[float | int | None]]] = {}
    for r in rows:
        if r.account_id in by_id:
            platforms.add(by_id[r.account_id].platform)
    for camp in _campaigns(rows).values():
        main: str | None = None
        if camp.weight:
            main = max(sorted(camp.weight), key=lambda t: camp.weight[t])  # type: ignore[index]
        per_cur = lines.setdefault(camp.currency, {})
        line = per_cur.setdefault(main, [0, None, None])
        line[0] = int(line[0] or 0) + 1
        line[1] = _add(line[1], camp.spend)
        if main is not None and camp.results:
            line[2] = _add(line[2], camp.results[main])
    currencies = []
    for cur in sorted(set(totals) | set(lines)):
        now, before = totals.get(cur, [None, None])
        found = [
            ResultLine(label, int(n or 0), s, res)
            for label, (n, s, res) in lines.get(cur, {}).items()
        ]
        found.sort(key=lambda x: (x.result_type is None, -(x.spend or 0.0)))
        currencies.append(
            CurrencyAds(cur, Comparison(now, before, relative_change(now, before)), tuple(found))
        )
    return AdsBlock(tuple(sorted(platforms)), tuple(currencies))
