"""How many followers, and how that changed: per network, per account and in total (pure).

A follower *count* (a stand on a day) and followers *gained and lost* (per day) are different
facts, and platforms give either, both or neither:

- the latest count in the period is the account's follower total; its change is that count
  minus the count it is measured from: the last count before the period, else (when the
  counts start inside the period) the first count in it. The day of that earlier count is
  kept, so the page can say "since 1 Oct".
- without counts, followers gained minus followers lost over the period is the net change,
  with no total; it is complete only when both were given on at least COVERAGE_FOR_CHANGE of
  the period's days.

A network without any follower figure is listed as such, never counted as 0; the total over
networks adds only the networks with a count, and says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from socialdesk.overview.periods import COVERAGE_FOR_CHANGE, Window
from socialdesk.overview.queries import AccountRow, FollowerSums

# the networks where people follow an account: one of these without any follower figure is
# named on the page ("no follower figure"); ads, web analytics and search are not
SOCIAL_PLATFORMS: tuple[str, ...] = (
    "facebook",
    "instagram",
    "linkedin",
    "x",
    "tiktok",
    "youtube",
    "bluesky",
    "mastodon",
    "threads",
    "google_business_profile",
)


@dataclass(frozen=True)
class Followers:
    """One account's (or a sum of accounts') followers over a period."""

    total: float | None  # the latest count in the period
    as_of: dt.date | None  # its day (for a sum: the earliest of the accounts' days)
    base: float | None  # the count the change is measured from
    base_as_of: dt.date | None  # its day (for a sum: the earliest)
    gained: float | None  # summed over the period's days that give it
    lost: float | None
    gained_days: int = 0
    lost_days: int = 0
    window_days: int = 0
    change: float | None = None
    # "counts" (the latest count minus an earlier one), "gained_lost" (gained minus lost over
    # the days), "accounts" (a network's sum of its accounts' changes, measured in either way)
    change_from: str | None = None
    complete: bool = False  # the change covers the whole period (see the module's doc)

    __json_properties__: ClassVar[tuple[str, ...]] = ("relative_change", "has_figure")

    @property
    def has_figure(self) -> bool:
        return self.total is not None or self.gained is not None or self.lost is not None

    @property
    def relative_change(self) -> float | None:
        if self.change_from != "counts" or self.change is None or not self.base:
            return None
        return self.change / abs(self.base)


def followers(
    total: float | None,
    as_of: dt.date | None,
    base: float | None,
    base_as_of: dt.date | None,
    gained: float | None,
    lost: float | None,
    gained_days: int,
    lost_days: int,
    window_days: int,
) -> Followers:
    """The figures with their change: from counts when both ends have one, else (without a
    count) gained minus lost, complete when both were given on nearly every day."""
    change: float | None = None
    how: str | None = None
    complete = False
    if total is not None and base is not None:
        change, how, complete = total - base, "counts", True
    elif total is None and gained is not None and lost is not None:
        need = COVERAGE_FOR_CHANGE * window_days
        change, how = gained - lost, "gained_lost"
        complete = gained_days >= need and lost_days >= need
    return Followers(
        total,
        as_of,
        base,
        base_as_of,
        gained,
        lost,
        gained_days,
        lost_days,
        window_days,
        change,
        how,
        complete,
    )


@dataclass(frozen=True)
class AccountFollowers:
    account: AccountRow
    followers: Followers


@dataclass(frozen=True)
class PlatformFollowers:
    """A network's accounts and their sum: the total over the accounts with a count, the
    change over the accounts with a change (`with_total`, `with_change` say how many)."""

    platform: str
    accounts: tuple[AccountFollowers, ...]
    followers: Followers
    with_total: int  # accounts with a count
    with_change: int  # accounts with a known change

    __json_properties__: ClassVar[tuple[str, ...]] = ("all_counted",)

    @property
    def all_counted(self) -> bool:
        """Every account of the network has a count (so the total is the network's)."""
        return self.with_total == len(self.accounts)


@dataclass(frozen=True)
class FollowersBlock:
    """The overview's first answer: followers per network and in total."""

    platforms: tuple[PlatformFollowers, ...]  # networks with any follower figure
    without_figures: tuple[str, ...]  # social networks of the workspace without any
    total: float | None  # over the networks in `total_over`
    total_over: tuple[str, ...]  # the networks with a count
    total_change: float | None  # over the networks in `change_over`
    change_over: tuple[str, ...]  # of `total_over`: those whose change is known
    change_since: dt.date | None  # the earliest day the change is measured from
    only_net: tuple[str, ...]  # networks with gains and losses but no count

    @property
    def empty(self) -> bool:
        return not self.platforms


def account_followers(
    account: AccountRow,
    window: Window,
    now: tuple[dt.date, float] | None,
    before: tuple[dt.date, float] | None,
    first: tuple[dt.date, float] | None,
    sums: FollowerSums | None,
) -> AccountFollowers:
    """`now`: the last count in the period; `before`: the last count before it; `first`: the
    first count in it (used when there is no `before` and it is earlier than `now`)."""
    base = before
    if base is None and first is not None and now is not None and first[0] < now[0]:
        base = first
    return AccountFollowers(
        account,
        followers(
            now[1] if now else None,
            now[0] if now else None,
            base[1] if base else None,
            base[0] if base else None,
            sums.gained if sums else None,
            sums.lost if sums else None,
            sums.gained_days if sums else 0,
            sums.lost_days if sums else 0,
            window.days,
        ),
    )


def _add(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _earliest(days: Sequence[dt.date | None]) -> dt.date | None:
    present = [d for d in days if d is not None]
    return min(present) if present else None


def platform_followers(platform: str, accounts: Sequence[AccountFollowers]) -> PlatformFollowers:
    """The network's sum: the total of the accounts with a count; the change from counts when
    every counted account has one measured from counts and no other account has a change,
    else the plain sum of the accounts' known changes ("accounts")."""
    figs = [a.followers for a in accounts]
    counted = [f for f in figs if f.total is not None]
    changed = [f for f in figs if f.change is not None]
    window_days = figs[0].window_days if figs else 0
    gained, lost = _add([f.gained for f in figs]), _add([f.lost for f in figs])
    gained_days = min((f.gained_days for f in figs), default=0)
    lost_days = min((f.lost_days for f in figs), default=0)
    total, as_of = _add([f.total for f in counted]), _earliest([f.as_of for f in counted])
    if changed and all(f.change_from == "counts" for f in changed) and len(changed) == len(counted):
        summed = followers(
            total,
            as_of,
            _add([f.base for f in counted]),
            _earliest([f.base_as_of for f in counted]),
            gained,
            lost,
            gained_days,
            lost_days,
            window_days,
        )
    elif not counted and changed and len(changed) == len(figs):
        summed = followers(
            None, None, None, None, gained, lost, gained_days, lost_days, window_days
        )
    else:
        summed = Followers(
            total,
            as_of,
            None,
            _earliest([f.base_as_of for f in changed]),
            gained,
            lost,
            gained_days,
            lost_days,
            window_days,
            _add([f.change for f in changed]),
            "accounts" if changed else None,
            bool(changed) and all(f.complete for f in changed),
        )
    return PlatformFollowers(platform, tuple(accounts), summed, len(counted), len(changed))


def followers_block(
    window: Window,
    accounts: Sequence[AccountRow],
    now: Mapping[int, tuple[dt.date, float]],
    before: Mapping[int, tuple[dt.date, float]],
    first: Mapping[int, tuple[dt.date, float]],
    sums: Mapping[int, FollowerSums],
) -> FollowersBlock:
    per: dict[str, list[AccountFollowers]] = {}
    for acc in accounts:
        per.setdefault(acc.platform, []).append(
            account_followers(
                acc,
                window,
                now.get(acc.id),
                before.get(acc.id),
                first.get(acc.id),
                sums.get(acc.id),
            )
        )
    platforms: list[PlatformFollowers] = []
    without: list[str] = []
    for platform, accs in per.items():
        if any(a.followers.has_figure for a in accs):
            platforms.append(platform_followers(platform, accs))
        elif platform in SOCIAL_PLATFORMS:
            without.append(platform)
    counted = [p for p in platforms if p.with_total]
    # the change across networks only where it is the change of the counted followers
    changed = [p for p in counted if p.followers.change_from == "counts"]
    only_net = [
        p.platform for p in platforms if not p.with_total and p.followers.change is not None
    ]
    return FollowersBlock(
        platforms=tuple(platforms),
        without_figures=tuple(without),
        total=_add([p.followers.total for p in counted]),
        total_over=tuple(p.platform for p in counted),
        total_change=_add([p.followers.change for p in changed]),
        change_over=tuple(p.platform for p in changed),
        change_since=_earliest([p.followers.base_as_of for p in changed]),
        only_net=tuple(only_net),
    )
