"""Every database read of the cockpit's first pages: overview, posts, a post, imports.

The only module of this package that touches SQLAlchemy. Each function takes a Session and
plain values and returns plain rows (dataclasses, dicts, tuples). The queries stay fast at
agency scale (1 M posts, 200 accounts): filters go through the account list of the
workspace (a few hundred ids) onto the (account_id, …) and published_at indexes, and a
post's latest snapshot is found per post through the unique (post_id, as_of) index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    and_,
    any_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from socialdesk.catalogue.sql import metric_column
from socialdesk.model import (
    Account,
    AccountDay,
    AccountWeek,
    AdDay,
    AdWeek,
    Campaign,
    Post,
    PostLatest,
    PostMetrics,
    PostWeek,
)
from socialdesk.overview.periods import Window, full_weeks
from socialdesk.store.rollups import ad_level

FLOW_METRICS: tuple[str, ...] = ("reach", "impressions", "engagements", "clicks")
POST_TABLE_METRICS: tuple[str, ...] = ("impressions", "reach", "engagements", "clicks")
# a post's figures in the posts table (its latest snapshot): "engagements" is socialdesk's
# interactions count (as in `post_latest`), "likes" the reactions where a platform has them,
# else its likes (the interactions count's first part)
POST_COLUMNS: tuple[str, ...] = (
    "likes",
    "comments",
    "shares",
    "saves",
    "engagements",
    "reach",
    "impressions",
    "views",
    "clicks",
)
# every figure a snapshot can hold, as the post page lists them; "interactions" is
# socialdesk's own count, "engagements" the platform's
SNAPSHOT_METRICS: tuple[str, ...] = (
    "likes",
    "reactions",
    "comments",
    "shares",
    "saves",
    "interactions",
    "engagements",
    "reach",
    "impressions",
    "views",
    "video_views",
    "clicks",
    "link_clicks",
    "other_clicks",
    "watch_time_hours",
    "avg_view_seconds",
    "follows",
    "profile_visits",
    "negative_feedback",
    "paid_impressions",
    "paid_reach",
)
HISTORY_METRICS: tuple[str, ...] = (
    "impressions",
    "views",
    "reach",
    "interactions",
    "engagements",
    "reactions",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "video_views",
)
SORTS: tuple[str, ...] = ("published", *POST_TABLE_METRICS, "engagement_rate")
MAX_OFFSET = 100_000  # deeper pages: narrow the filters instead (the page says so)


# -- accounts ------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccountRow:
    id: int
    platform: str
    handle: str
    name: str | None
    currency: str | None

    @property
    def label(self) -> str:
        return self.name or self.handle


def workspace_accounts(
    session: Session, workspace_id: int, platform: str | None = None
) -> list[AccountRow]:
    stmt = select(
        Account.id, Account.platform, Account.handle, Account.name, Account.currency
    ).where(Account.workspace_id == workspace_id)
    if platform:
        stmt = stmt.where(Account.platform == platform)
    stmt = stmt.order_by(Account.platform, func.coalesce(Account.name, Account.handle), Account.id)
    return [AccountRow(*row) for row in session.execute(stmt)]


def workspace_platforms(session: Session, workspace_id: int) -> list[str]:
    stmt = (
        select(Account.platform)
        .where(Account.workspace_id == workspace_id)
        .group_by(Account.platform)
        .order_by(Account.platform)
    )
    return list(session.scalars(stmt))


# -- overview ------------------------------------------------------------------------------


def _among(session: Session, column: Any, ids: Sequence[int]) -> Any:
    """`column IN (ids)`; on PostgreSQL `column = ANY(:ids)`, one array parameter instead of
    a parameter per account (the overview sends some twenty statements with 200 ids each)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(list(ids))


def _core(session: Session, stmt: Any) -> Sequence[Any]:
    """The rows of a Core statement, all at once: without the ORM's per-row loading and
    without a driver call per row (iterating a result fetches one row at a time)."""
    return session.connection().execute(stmt).fetchall()


def _slot(n: int) -> Any:
    """A constant column that tells the branches of a UNION ALL apart."""
    return literal_column(str(int(n)), Integer).label("slot")


def _union(branches: Sequence[Any]) -> Any:
    """One statement (one round trip) for several grouped reads of the same shape; each
    branch keeps its own range, so each still walks its index."""
    return branches[0] if len(branches) == 1 else union_all(*branches)


def latest_data_date(session: Session, account_ids: Sequence[int]) -> dt.date | None:
    """The last day with any figure (account days, posts, ad delivery) of these accounts."""
    if not account_ids:
        return None
    ids = list(account_ids)
    # per account through the (account_id, date) index, then the largest
    per_account = (
        select(func.max(AccountDay.date))
        .where(AccountDay.account_id == Account.id)
        .correlate(Account)
        .scalar_subquery()
    )
    days = session.scalar(
        select(func.max(per_account)).select_from(Account).where(_among(session, Account.id, ids))
    )
    posted = session.scalar(  # walks the published_at index from the end
        select(Post.published_at)
        .where(_among(session, Post.account_id + 0, ids), Post.published_at.is_not(None))
        .order_by(Post.published_at.desc().nulls_last())
        .limit(1)
    )
    campaigns = list(
        session.scalars(select(Campaign.id).where(_among(session, Campaign.account_id, ids)))
    )
    ads = (  # walks the dates index from the end; skipped for accounts without campaigns
        session.scalar(
            select(AdDay.date_end)
            .where((AdDay.campaign_id + 0).in_(campaigns))
            .order_by(AdDay.date_start.desc(), AdDay.date_end.desc())
            .limit(1)
        )
        if campaigns
        else None
    )
    found = [d for d in (_as_date(days), _as_date(posted), _as_date(ads)) if d is not None]
    return max(found) if found else None


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass
class FlowTotals:
    """Sums and day counts of the flow metrics of one account in two periods."""

    current: dict[str, float | None] = field(default_factory=dict)
    previous: dict[str, float | None] = field(default_factory=dict)
    days_current: dict[str, int] = field(default_factory=dict)
    days_previous: dict[str, int] = field(default_factory=dict)


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def last_followers(
    session: Session, account_ids: Sequence[int], *windows: Window
) -> list[dict[int, tuple[dt.date, float]]]:
    """Per window and account: the last day in the window with a follower count, and that
    count (one dict per window, in the order given; one statement for all of them).

    Per account a walk back through the (account, date) index that stops at the first
    day with a count: a few rows each, however long the window."""
    if not account_ids or not windows:
        return [{} for _ in windows]

    def last(column: Any, window: Window) -> Any:
        return (
            select(column)
            .where(
                AccountDay.account_id == Account.id,
                AccountDay.followers.is_not(None),
                AccountDay.date >= window.start,
                AccountDay.date <= window.end,
            )
            .order_by(AccountDay.date.desc())
            .limit(1)
            .scalar_subquery()
        )

    cols = []
    for window in windows:
        cols += [last(AccountDay.date, window), last(AccountDay.followers, window)]
    stmt = select(Account.id, *cols).where(_among(session, Account.id, account_ids))
    out: list[dict[int, tuple[dt.date, float]]] = [{} for _ in windows]
    for acc, *values in _core(session, stmt):
        for k, found in enumerate(out):
            day, value = values[2 * k], values[2 * k + 1]
            if day is not None:
                found[acc] = (_as_date(day), float(value))  # type: ignore[assignment]
    return out


def _day_index(session: Session, column: Any, start: dt.date) -> ColumnElement[int]:
    """Whole days from `start` to `column`, in SQL that each engine understands."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(column) - func.julianday(start.isoformat()), Integer)
    return type_coerce(column - bindparam("series_start", start, type_=Date), Integer)


def daily_figures(
    session: Session, account_ids: Sequence[int], current: Window, previous: Window, step: int
) -> tuple[dict[int, FlowTotals], dict[int, dict[str, dict[int, float]]]]:
    """Per account the flow sums and day counts of each period, and the sparkline points of
    the current one: two statements whatever the period.

    Points are per bucket of `step` days (0 = the current period's first bucket); flows are
    summed per bucket, followers take the bucket's highest count.
    """
    if not account_ids:
        return {}, {}
    if step == 7:
        return _weekly_figures(session, account_ids, current, previous)
    ids = list(account_ids)
    totals: dict[int, FlowTotals] = {}
    flows = [metric_column(AccountDay, name) for name in FLOW_METRICS]
    # per account in the (account_id, date) index's order: no sort
    branches = [
        _day_sums(session, ids, slot, AccountDay.date.between(window.start, window.end))
        for slot, window in enumerate((current, previous))
    ]
    for slot, acc, *values in _core(session, _union(branches)):
        _add_flows(totals, acc, slot == 0, values[0::2], values[1::2])
    # the current period's days are the points themselves (one row per account and day)
    day = _day_index(session, AccountDay.date, current.start)
    stmt = select(AccountDay.account_id, day, AccountDay.followers, *flows).where(
        _among(session, AccountDay.account_id, ids),
        AccountDay.date.between(current.start, current.end),
    )
    return totals, _points(_core(session, stmt), step)


def _points(rows: Any, step: int) -> dict[int, dict[str, dict[int, float]]]:
    """Rows of (account, days from the first point's start, followers, *flows), one per
    account and point (a day, or a week of the store's weekly sums), as points per account,
    metric and point index."""
    names = ("followers", *FLOW_METRICS)
    points: dict[int, dict[str, dict[int, float]]] = {}
    for acc, b, *values in rows:
        per = points.get(acc)
        if per is None:
            per = points[acc] = {name: {} for name in names}
        bucket = b // step
        for name, value in zip(names, values, strict=True):
            if value is not None:
                per[name][bucket] = float(value)
    return points


def _day_sums(session: Session, ids: list[int], slot: int, when: Any) -> Any:
    """Per account: (slot, account, sum and count of each flow metric) over account days."""
    cols: list[Any] = []
    for name in FLOW_METRICS:
        col = metric_column(AccountDay, name)
        cols += [func.sum(col), func.count(col)]
    return (
        select(_slot(slot), AccountDay.account_id, *cols)
        .where(_among(session, AccountDay.account_id, ids), when)
        .group_by(AccountDay.account_id)
    )


def _add_flows(
    totals: dict[int, FlowTotals],
    acc: int,
    is_cur: bool,
    sums: Sequence[Any],
    counts: Sequence[Any],
) -> None:
    """Add one account's flow sums and day counts to a period's totals."""
    tot = totals.setdefault(acc, FlowTotals())
    into, days = (tot.current, tot.days_current) if is_cur else (tot.previous, tot.days_previous)
    for name, value, n in zip(FLOW_METRICS, sums, counts, strict=True):
        if value is not None:
            into[name] = _add(into.get(name), value)
        else:
            into.setdefault(name, None)
        days[name] = days.get(name, 0) + int(n or 0)


def _edges(window: Window) -> list[Any]:
    """Conditions on AccountDay.date for the days of the window outside its whole weeks."""
    weeks = full_weeks(window)
    if weeks is None:
        return [AccountDay.date.between(window.start, window.end)]
    first, last = weeks
    out = []
    if first > window.start:
        out.append(AccountDay.date.between(window.start, first - dt.timedelta(days=1)))
    if last + dt.timedelta(days=6) < window.end:
        out.append(AccountDay.date.between(last + dt.timedelta(days=7), window.end))
    return out


def _weekly_figures(
    session: Session, account_ids: Sequence[int], current: Window, previous: Window
) -> tuple[dict[int, FlowTotals], dict[int, dict[str, dict[int, float]]]]:
    """`daily_figures` for weekly points, from the store's weekly sums (`account_week`):
    52 rows a year per account instead of 365, plus the few days at the ends of each
    period that fall outside its whole weeks (one UNION ALL for all the sums)."""
    ids = list(account_ids)
    totals: dict[int, FlowTotals] = {}
    week_cols: list[Any] = []
    for name in FLOW_METRICS:
        week_cols += [
            func.sum(getattr(AccountWeek, name)),
            func.sum(getattr(AccountWeek, f"{name}_days")),
        ]
    branches: list[Any] = []
    first_week: dt.date | None = None
    for slot, window in enumerate((current, previous)):
        weeks = full_weeks(window)
        if weeks is not None:
            if slot == 0:
                first_week = weeks[0]
            branches.append(
                select(_slot(slot), AccountWeek.account_id, *week_cols)
                .where(
                    _among(session, AccountWeek.account_id, ids),
                    AccountWeek.week.between(weeks[0], weeks[1]),
                )
                .group_by(AccountWeek.account_id)
            )
        # the days outside whole weeks: one range a branch, so each walks the index
        branches += [_day_sums(session, ids, slot, edge) for edge in _edges(window)]
    for slot, acc, *values in _core(session, _union(branches)):
        _add_flows(totals, acc, slot == 0, values[0::2], values[1::2])
    if first_week is None:
        return totals, {}
    last_week = full_weeks(current)[1]  # type: ignore[index]
    # a point per whole week: its index from the week's Monday, computed by the database
    index = _day_index(session, AccountWeek.week, first_week)
    flows = [getattr(AccountWeek, name) for name in FLOW_METRICS]
    stmt = select(AccountWeek.account_id, index, AccountWeek.followers_max, *flows).where(
        _among(session, AccountWeek.account_id, ids),
        AccountWeek.week.between(first_week, last_week),
    )
    return totals, _points(_core(session, stmt), 7)


POST_FIGURES: tuple[str, ...] = ("reach", "engagements")


def _day_ranges(window: Window) -> list[tuple[dt.datetime, dt.datetime]]:
    """The window's days outside its whole weeks, as [from, to) moments."""

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time())

    weeks = full_weeks(window)
    end = window.end + dt.timedelta(days=1)
    if weeks is None:
        return [(at(window.start), at(end))]
    first, last = weeks
    out = []
    if first > window.start:
        out.append((at(window.start), at(first)))
    if last + dt.timedelta(days=7) < end:
        out.append((at(last + dt.timedelta(days=7)), at(end)))
    return out


def post_totals(
    session: Session, account_ids: Sequence[int], current: Window, previous: Window
) -> tuple[dict[int, tuple[int, int]], dict[int, dict[str, tuple[float | None, float | None]]]]:
    """Per account: the posts published in (current, previous), and the reach and
    engagements of those posts, each at its latest snapshot.

    Whole weeks come from the store's weekly sums (`post_week`), the days around them from
    each post's latest figures (`post_latest`). Accounts that have posts, but none in
    either period, count (0, 0); accounts without any post are left out.
    """
    if not account_ids:
        return {}, {}
    ids = list(account_ids)
    found: dict[int, list[list[Any]]] = {}  # account -> [current, previous] of [n, reach, eng]

    def add(acc: int, slot: int, n: Any, *values: Any) -> None:
        per = found.setdefault(acc, [[0, None, None], [0, None, None]])[slot]
        per[0] += int(n or 0)
        for i, value in enumerate(values, start=1):
            per[i] = _add(per[i], value)

    branches: list[Any] = []
    for slot, window in enumerate((current, previous)):
        weeks = full_weeks(window)
        if weeks is not None:
            branches.append(
                select(
                    _slot(slot),
                    PostWeek.account_id,
                    func.sum(PostWeek.posts),
                    *[func.sum(getattr(PostWeek, m)) for m in POST_FIGURES],
                )
                .where(_among(session, PostWeek.account_id, ids), PostWeek.week.between(*weeks))
                .group_by(PostWeek.account_id)
            )
        for lo, hi in _day_ranges(window):  # one range a branch: each walks the index
            branches.append(
                select(
                    _slot(slot),
                    PostLatest.account_id,
                    func.count(),
                    *[func.sum(getattr(PostLatest, m)) for m in POST_FIGURES],
                )
                .where(
                    _among(session, PostLatest.account_id, ids),
                    PostLatest.published_at >= lo,
                    PostLatest.published_at < hi,
                )
                .group_by(PostLatest.account_id)
            )
    for slot, acc, n, *values in _core(session, _union(branches)):
        add(acc, slot, n, *values)
    counts: dict[int, tuple[int, int]] = {}
    figures: dict[int, dict[str, tuple[float | None, float | None]]] = {}
    for acc, (now, before) in found.items():
        counts[acc] = (now[0], before[0])
        figures[acc] = {name: (now[i], before[i]) for i, name in enumerate(POST_FIGURES, start=1)}
    with_posts = select(Account.id).where(
        _among(session, Account.id, ids), exists().where(Post.account_id == Account.id)
    )
    for (acc,) in _core(session, with_posts):
        counts.setdefault(acc, (0, 0))
    return counts, figures


def spend(
    session: Session, account_ids: Sequence[int], current: Window, previous: Window
) -> dict[int, dict[str, tuple[float | None, float | None]]]:
    """Ad spend per account and currency in (current, previous).

    Each campaign counts once, at the coarsest level its exports give (campaign, else ad
    sets, else ads; breakdown rows never), so levels are not added on top of each other.
    Only reporting periods wholly inside a period count.
    """
    if not account_ids:
        return {}
    ids = list(account_ids)
    found: dict[tuple[int, int, int, str], list[float | None]] = {}

    def per_campaign(table: Any, level: Any, currency: Any, *sums: Any) -> Any:
        # `+ 0` on ad days: read the range through the dates index, not every day of every
        # campaign through the campaign index
        key = table.campaign_id + 0 if table is AdDay else table.campaign_id
        return (
            select(Campaign.account_id, table.campaign_id, level, currency, *sums)
            .join(Campaign, Campaign.id == key)
            .join(Account, Account.id == Campaign.account_id)
            .where(_among(session, Campaign.account_id, ids))
            .group_by(Campaign.account_id, table.campaign_id, level, currency)
        )

    def in_slot(slot: int, total: Any) -> list[Any]:
        """(current, previous) sums of a branch that reads one period only."""
        none = cast(literal_column("NULL"), total.type)
        return [total, none] if slot == 0 else [none, total]

    week_currency = func.coalesce(func.nullif(AdWeek.currency, ""), Account.currency, "")
    day_currency = func.coalesce(AdDay.currency, Account.currency, "")
    daily = and_(AdDay.breakdown.is_(None), AdDay.date_start == AdDay.date_end)
    branches: list[Any] = []
    for slot, window in enumerate((current, previous)):
        weeks = full_weeks(window)
        if weeks is not None:  # whole weeks of daily rows: the store's weekly sums
            branches.append(
                per_campaign(
                    AdWeek, AdWeek.level, week_currency, *in_slot(slot, func.sum(AdWeek.spend))
                ).where(AdWeek.week.between(*weeks))
            )
        for lo, hi in _day_ranges(window):  # the daily rows around them
            branches.append(
                per_campaign(
                    AdDay, ad_level(), day_currency, *in_slot(slot, func.sum(AdDay.spend))
                ).where(daily, AdDay.date_start >= lo.date(), AdDay.date_start < hi.date())
            )
    # reporting periods longer than a day (few; their own partial index): wholly inside a period
    in_cur = AdDay.date_start >= current.start
    in_prev = AdDay.date_end < current.start
    branches.append(
        per_campaign(
            AdDay,
            ad_level(),
            day_currency,
            func.sum(case((in_cur, AdDay.spend))),
            func.sum(case((in_prev, AdDay.spend))),
        ).where(
            AdDay.breakdown.is_(None),
            AdDay.date_start != AdDay.date_end,
            AdDay.date_start >= previous.start,
            AdDay.date_end <= current.end,
        )
    )
    for acc, campaign, lvl, cur, now, before in _core(session, _union(branches)):
        per = found.setdefault((acc, campaign, int(lvl), cur), [None, None])
        per[0], per[1] = _add(per[0], now), _add(per[1], before)
    rows = [(*key, now, before) for key, (now, before) in found.items()]
    coarsest: dict[int, int] = {}
    for _acc, campaign, lvl, _cur, _a, _b in rows:
        coarsest[campaign] = min(lvl, coarsest.get(campaign, lvl))
    out: dict[int, dict[str, tuple[float | None, float | None]]] = {}
    for acc, campaign, lvl, cur, cur_sum, prev_sum in rows:
        if lvl != coarsest[campaign]:
            continue
        by_currency = out.setdefault(acc, {})
        old_cur, old_prev = by_currency.get(cur, (None, None))
        by_currency[cur] = (_add(old_cur, cur_sum), _add(old_prev, prev_sum))
    return out


def _add(a: float | None, b: Any) -> float | None:
    if b is None:
        return a
    return float(b) if a is None else a + float(b)


# -- posts ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class PostFilter:
    workspace_id: int
    platform: str | None = None
    account_id: int | None = None
    media_type: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    q: str | None = None


@dataclass(frozen=True)
class PostRow:
    id: int
    account_id: int
    platform: str
    account: str
    published_at: dt.datetime | None
    text: str | None
    media_type: str | None
    permalink: str | None
    as_of: dt.date | None
    metrics: dict[str, float | None]
    thumbnail: str | None = None  # an http(s) address of the post's preview image
    thumbnail_alt: str | None = None  # the image's alt text, where the author gave one

    __json_properties__: ClassVar[tuple[str, ...]] = (
        "engagement_rate",
        "engagement_rate_impressions",
    )

    @property
    def engagement_rate(self) -> float | None:
        """Interactions per person reached (the catalogue's engagement_rate)."""
        engagements, reach = self.metrics.get("engagements"), self.metrics.get("reach")
        if engagements is None or not reach:
            return None
        return engagements / reach

    def figure(self, key: str) -> float | None:
        """A column of the posts table: the figure, or where the post has none of it what
        the catalogue lets stand in (`stands_in` says which): for the engagement rate the
        rate per impression (else per view) of a post without reach, for impressions the
        views of a platform that counts views instead."""
        if key == "engagement_rate":
            rate = self.engagement_rate
            return rate if rate is not None else self.engagement_rate_impressions
        value = self.metrics.get(key)
        if key == "impressions" and value is None:
            return self.metrics.get("views")
        return value

    def stands_in(self, key: str) -> str | None:
        """ "impressions" or "views" where `figure(key)` is another figure's stand-in: the
        rate per impression or per view, or views in the impressions column."""
        impressions = self.metrics.get("impressions")
        if key == "engagement_rate" and self.engagement_rate is None:
            if self.engagement_rate_impressions is None:
                return None
            return "impressions" if impressions is not None else "views"
        if key == "impressions" and impressions is None and self.metrics.get("views") is not None:
            return "views"
        return None

    @property
    def engagement_rate_impressions(self) -> float | None:
        """Interactions per impression, else per view (engagement_rate_impressions): the
        rate of the platforms that give no reach."""
        engagements = self.metrics.get("engagements")
        shown = self.metrics.get("impressions")
        if shown is None:
            shown = self.metrics.get("views")
        if engagements is None or not shown:
            return None
        return engagements / shown


def _like_pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Above this many accounts, "newest first" walks the published_at index and checks the
# account of each post, instead of gathering every post of every account and sorting them.
WALK_DATES_ABOVE = 8


def _post_conditions(
    session: Session, flt: PostFilter, *, by_date: bool = False
) -> tuple[list[Any], dict[int, AccountRow]]:
    accounts = {a.id: a for a in workspace_accounts(session, flt.workspace_id, flt.platform)}
    ids = [flt.account_id] if flt.account_id in accounts else list(accounts)
    if flt.account_id is not None and flt.account_id not in accounts:
        ids = []
    # `account_id + 0` keeps both planners off the account index (SQLite's unary-plus idiom)
    column: Any = (
        Post.account_id + 0 if by_date and len(ids) > WALK_DATES_ABOVE else Post.account_id
    )
    conds: list[Any] = [column.in_(ids) if ids else Post.id.is_(None)]
    if flt.media_type:
        conds.append(Post.media_type == flt.media_type)
    if flt.start:
        conds.append(Post.published_at >= dt.datetime.combine(flt.start, dt.time()))
    if flt.end:
        conds.append(
            Post.published_at < dt.datetime.combine(flt.end + dt.timedelta(days=1), dt.time())
        )
    if flt.q and flt.q.strip():
        pattern = _like_pattern(flt.q.strip())
        conds.append(
            or_(Post.text.ilike(pattern, escape="\\"), Post.title.ilike(pattern, escape="\\"))
        )
    return conds, accounts


_SNAP = aliased(PostMetrics, name="snap")  # the latest snapshot's own row


def _column_of(name: str) -> Any:
    """A posts-table figure: the kept latest figures where `post_latest` has them, else the
    latest snapshot's row (found through the unique (post_id, as_of) index)."""
    if name in POST_TABLE_METRICS:
        return getattr(PostLatest, name)
    if name == "likes":
        return func.coalesce(_SNAP.reactions, _SNAP.likes)
    return getattr(_SNAP, name)


def _post_select() -> Any:
    return select(
        Post.id,
        Post.account_id,
        Post.published_at,
        func.coalesce(Post.text, Post.title),
        Post.media_type,
        Post.permalink,
        PostLatest.as_of,
        _SNAP.extra,
        *[_column_of(m).label(m) for m in POST_COLUMNS],
    )


def _with_latest(stmt: Any) -> Any:
    """The posts joined to their latest snapshot (kept per post by the store)."""
    return stmt.outerjoin(PostLatest, PostLatest.post_id == Post.id)


def _with_snapshot(stmt: Any) -> Any:
    """`_with_latest` and the latest snapshot's row itself (its other figures, its extras)."""
    return _with_latest(stmt).outerjoin(
        _SNAP, and_(_SNAP.post_id == PostLatest.post_id, _SNAP.as_of == PostLatest.as_of)
    )


def _thumbnail(extra: Any) -> tuple[str | None, str | None]:
    """The preview image a connector kept in the snapshot's extras (http(s) only)."""
    if not isinstance(extra, dict):
        return None, None
    url, alt = extra.get("thumbnail_url"), extra.get("thumbnail_alt")
    if not isinstance(url, str) or not url.lower().startswith(("https://", "http://")):
        return None, None
    return url, alt if isinstance(alt, str) and alt.strip() else None


def _order(sort: str, descending: bool, *, post_id: Any = Post.id) -> list[Any]:
    if sort == "published":
        key: Any = Post.published_at if post_id is Post.id else PostLatest.published_at
    elif sort == "engagement_rate":
        key = PostLatest.engagements / func.nullif(PostLatest.reach, 0)
        # posts without reach after them, by their rate per impression (as the table shows)
        then = PostLatest.engagements / func.nullif(PostLatest.impressions, 0)
        then = then.desc() if descending else then.asc()
        key = key.desc() if descending else key.asc()
        tie = post_id.desc() if descending else post_id.asc()
        return [key.nulls_last(), then.nulls_last(), tie]
    else:
        key = getattr(PostLatest, sort)
    key = key.desc() if descending else key.asc()
    tie = post_id.desc() if descending else post_id.asc()
    return [key.nulls_last(), tie]


def _rows(result: Any, accounts: dict[int, AccountRow]) -> Iterator[PostRow]:
    for row in result:
        acc = accounts[row[1]]
        thumb, alt = _thumbnail(row[7])
        yield PostRow(
            id=row[0],
            account_id=row[1],
            platform=acc.platform,
            account=acc.label,
            published_at=row[2],
            text=row[3],
            media_type=row[4],
            permalink=row[5],
            as_of=_as_date(row[6]),
            metrics=dict(zip(POST_COLUMNS, (_f(v) for v in row[8:]), strict=True)),
            thumbnail=thumb,
            thumbnail_alt=alt,
        )


def count_posts(session: Session, flt: PostFilter, cap: int | None = None) -> int:
    """Posts matching the filter; with `cap`, counting stops there (cap + 1 means "more")."""
    # a capped count is a text search: read the table in order rather than through the
    # account index, whose lookups jump around the whole table
    conds, _ = _post_conditions(session, flt, by_date=cap is not None)
    if cap is None:
        return int(session.scalar(select(func.count()).select_from(Post).where(*conds)) or 0)
    inner = select(Post.id).where(*conds).limit(cap + 1).subquery()
    return int(session.scalar(select(func.count()).select_from(inner)) or 0)


def posts_page(
    session: Session,
    flt: PostFilter,
    *,
    sort: str = "published",
    descending: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> list[PostRow]:
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    conds, accounts = _post_conditions(session, flt, by_date=sort == "published")
    offset = min(max(offset, 0), MAX_OFFSET)
    key: Any = Post.id
    if sort == "published":
        # the page's ids from the post table alone, then the figures of those few posts
        page_ids = select(Post.id).where(*conds)
    elif not (flt.media_type or (flt.q and flt.q.strip())):
        # only accounts and dates filter: the latest figures' own index has both
        page_ids = select(PostLatest.post_id).where(*_latest_conditions(flt, list(accounts)))
        key = PostLatest.post_id
    else:
        page_ids = _with_latest(select(Post.id).select_from(Post)).where(*conds)
    ids = list(
        session.scalars(
            page_ids.order_by(*_order(sort, descending, post_id=key)).offset(offset).limit(limit)
        )
    )
    if not ids:
        return []
    stmt = (
        _with_snapshot(_post_select().select_from(Post))
        .where(Post.id.in_(ids))
        .order_by(*_order(sort, descending))
    )
    return list(_rows(session.execute(stmt), accounts))


def _latest_conditions(flt: PostFilter, account_ids: list[int]) -> list[Any]:
    ids = [flt.account_id] if flt.account_id in account_ids else account_ids
    if flt.account_id is not None and flt.account_id not in account_ids:
        ids = []
    conds: list[Any] = [PostLatest.account_id.in_(ids) if ids else PostLatest.post_id.is_(None)]
    if flt.start:
        conds.append(PostLatest.published_at >= dt.datetime.combine(flt.start, dt.time()))
    if flt.end:
        conds.append(
            PostLatest.published_at < dt.datetime.combine(flt.end + dt.timedelta(days=1), dt.time())
        )
    return conds


def iter_posts(
    session: Session,
    flt: PostFilter,
    *,
    sort: str = "published",
    descending: bool = True,
    limit: int = 100_000,
    chunk: int = 2_000,
) -> Iterator[PostRow]:
    """Every post of the filter (up to `limit`) in order, read in chunks: for exports."""
    conds, accounts = _post_conditions(session, flt, by_date=sort == "published")
    stmt = (
        _with_snapshot(_post_select().select_from(Post))
        .where(*conds)
        .order_by(*_order(sort, descending))
        .limit(limit)
        .execution_options(yield_per=chunk)
    )
    yield from _rows(session.execute(stmt), accounts)


@dataclass(frozen=True)
class PostDetail:
    post: PostRow
    title: str | None
    full_text: str | None
    source_type: str | None
    language: str | None
    is_paid: bool | None
    snapshots: list[dict[str, Any]]  # {"as_of": date, metric: value, ...}, oldest first


def _snapshot_columns(table: Any) -> list[Any]:
    """A snapshot's figures in SNAPSHOT_METRICS' order ("interactions": socialdesk's count)."""
    return [
        metric_column(table, "engagements") if m == "interactions" else getattr(table, m)
        for m in SNAPSHOT_METRICS
    ]


def post_detail(session: Session, workspace_id: int, post_id: int) -> PostDetail | None:
    """A post of this workspace with its whole metric history, or None."""
    found = session.execute(
        select(Post, Account)
        .join(Account, Account.id == Post.account_id)
        .where(Post.id == post_id, Account.workspace_id == workspace_id)
    ).first()
    if found is None:
        return None
    post, account = found
    snaps: list[dict[str, Any]] = []
    extra: Any = None
    for found_row in session.execute(
        select(PostMetrics.as_of, PostMetrics.extra, *_snapshot_columns(PostMetrics))
        .where(PostMetrics.post_id == post_id)
        .order_by(PostMetrics.as_of)
    ):
        snaps.append(
            {
                "as_of": _as_date(found_row[0]),
                **dict(zip(SNAPSHOT_METRICS, (_f(v) for v in found_row[2:]), strict=True)),
            }
        )
        extra = found_row[1]
    last = snaps[-1] if snaps else {}
    thumb, alt = _thumbnail(extra)
    figures = {**last, "engagements": last.get("interactions")}
    figures["likes"] = (
        last.get("reactions") if last.get("reactions") is not None else last.get("likes")
    )
    row = PostRow(
        id=post.id,
        account_id=account.id,
        platform=account.platform,
        account=account.name or account.handle,
        published_at=post.published_at,
        text=post.text or post.title,
        media_type=post.media_type,
        permalink=post.permalink,
        as_of=last.get("as_of"),
        metrics={m: figures.get(m) for m in POST_COLUMNS},
        thumbnail=thumb,
        thumbnail_alt=alt,
    )
    return PostDetail(
        post=row,
        title=post.title,
        full_text=post.text,
        source_type=post.source_type,
        language=post.language,
        is_paid=post.is_paid,
        snapshots=snaps,
    )


def earlier_posts(
    session: Session,
    account_id: int,
    *,
    before: dt.datetime | None,
    post_id: int,
    limit: int = 50,
) -> list[tuple[dt.datetime | None, dict[str, float | None]]]:
    """The account's last `limit` posts published before `before` (without a time: its
    newest posts but `post_id`), newest first, each with its latest snapshot's figures
    (SNAPSHOT_METRICS). A walk back through post_latest's (account, published_at) index
    and one lookup per post in the (post_id, as_of) index: `limit` rows at any size."""
    when = [PostLatest.published_at.is_not(None), PostLatest.post_id != post_id]
    if before is not None:
        when.append(PostLatest.published_at < before)
    picked = (
        select(PostLatest.post_id, PostLatest.published_at, PostLatest.as_of)
        .where(PostLatest.account_id == account_id, *when)
        .order_by(PostLatest.published_at.desc())
        .limit(limit)
        .subquery()
    )
    stmt = (
        select(picked.c.published_at, *_snapshot_columns(_SNAP))
        .select_from(picked)
        .join(_SNAP, and_(_SNAP.post_id == picked.c.post_id, _SNAP.as_of == picked.c.as_of))
        .order_by(picked.c.published_at.desc(), picked.c.post_id.desc())
    )
    return [
        (row[0], dict(zip(SNAPSHOT_METRICS, (_f(v) for v in row[1:]), strict=True)))
        for row in _core(session, stmt)
    ]


# -- the overview's answers (issue #17): followers, the top posts, ad results ------------------
@dataclass(frozen=True)
class FollowerSums:
    """An account's followers gained and lost over a window, and the days that gave each."""

    gained: float | None
    gained_days: int
    lost: float | None
    lost_days: int


def follower_sums(
    session: Session, account_ids: Sequence[int], window: Window
) -> dict[int, FollowerSums]:
    """Per account that has any: followers gained and lost summed over the window (one
    grouped statement over the (account, date) index; accounts without either are left out)."""
    if not account_ids:
        return {}
    gained, lost = AccountDay.followers_gained, AccountDay.followers_lost
    stmt = (
        select(
            AccountDay.account_id,
            func.sum(gained),
            func.count(gained),
            func.sum(lost),
            func.count(lost),
        )
        .where(
            _among(session, AccountDay.account_id, list(account_ids)),
            AccountDay.date.between(window.start, window.end),
        )
        .group_by(AccountDay.account_id)
    )
    out: dict[int, FollowerSums] = {}
    for acc, g, n_g, lo, n_lo in _core(session, stmt):
        if n_g or n_lo:
            out[acc] = FollowerSums(_f(g), int(n_g or 0), _f(lo), int(n_lo or 0))
    return out


def first_followers(
    session: Session, account_ids: Sequence[int], window: Window
) -> dict[int, tuple[dt.date, float]]:
    """Per account: the first day in the window with a follower count, and that count (a walk
    forward through the (account, date) index per account)."""
    if not account_ids:
        return {}

    def first(column: Any) -> Any:
        return (
            select(column)
            .where(
                AccountDay.account_id == Account.id,
                AccountDay.followers.is_not(None),
                AccountDay.date >= window.start,
                AccountDay.date <= window.end,
            )
            .order_by(AccountDay.date.asc())
            .limit(1)
            .scalar_subquery()
        )

    stmt = select(Account.id, first(AccountDay.date), first(AccountDay.followers)).where(
        _among(session, Account.id, list(account_ids))
    )
    return {
        acc: (_as_date(day), float(value))  # type: ignore[misc]
        for acc, day, value in _core(session, stmt)
        if day is not None
    }


TOP_RECENT_DAYS = 30


@dataclass(frozen=True)
class TopPostRow:
    """A post of the period with its latest interactions (and reach, where given)."""

    id: int
    account_id: int
    published_at: dt.datetime | None
    text: str | None
    permalink: str | None
    engagements: float
    reach: float | None


def top_posts(
    session: Session, account_ids: Sequence[int], window: Window, limit: int = 5
) -> list[TopPostRow]:
    """The `limit` posts published in the window with the most interactions at their latest
    snapshot (ties: the newer post first); posts without an interactions figure never count.

    The ids come from the latest figures' own (account, published_at, reach, engagements)
    index alone; the texts of those few posts are read after."""
    if not account_ids or limit < 1:
        return []
    hi = dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time())

    def best(start: dt.date, floor: float | None = None) -> Any:
        stmt = select(PostLatest.post_id, PostLatest.engagements, PostLatest.reach).where(
            _among(session, PostLatest.account_id, list(account_ids)),
            PostLatest.published_at >= dt.datetime.combine(start, dt.time()),
            PostLatest.published_at < hi,
            PostLatest.engagements.is_not(None),
        )
        if floor is not None:  # only the index entries that can still make the top
            stmt = stmt.where(PostLatest.engagements >= floor)
        order = (PostLatest.engagements.desc(), PostLatest.post_id.desc())
        return _core(session, stmt.order_by(*order).limit(limit))

    floor = None
    if window.days > TOP_RECENT_DAYS:
        # the top of the last days is a floor for the whole period: the long scan then
        # sorts only the posts above it
        recent = best(window.end - dt.timedelta(days=TOP_RECENT_DAYS - 1))
        if len(recent) >= limit:
            floor = min(float(r[1]) for r in recent)
    found = {pid: (float(eng), _f(reach)) for pid, eng, reach in best(window.start, floor)}
    if not found:
        return []
    details = select(
        Post.id,
        Post.account_id,
        Post.published_at,
        func.coalesce(Post.text, Post.title),
        Post.permalink,
    ).where(Post.id.in_(list(found)))
    rows = [
        TopPostRow(pid, acc, published, text, link, *found[pid])
        for pid, acc, published, text, link in _core(session, details)
    ]
    rows.sort(key=lambda r: (-r.engagements, -r.id))
    return rows


AD_RESULT_COLUMNS: tuple[str, ...] = ("results", "conversions", "link_clicks", "clicks")


@dataclass(frozen=True)
class AdResultRow:
    """Delivery of one campaign at one level, in one currency and result type, over a window:
    spend, and each result column's sum with the number of rows that gave it."""

    account_id: int
    campaign_id: int
    level: int  # 0 campaign, 1 ad set, 2 ad
    currency: str  # "" where neither the rows nor the account name one
    result_type: str | None
    spend: float | None
    sums: dict[str, float | None]  # results, conversions, link_clicks, clicks
    counts: dict[str, int]


def ad_results(session: Session, account_ids: Sequence[int], window: Window) -> list[AdResultRow]:
    """Spend and results per campaign, level, currency and result type in the window, by the
    same rule as `spend`: breakdown rows never, daily rows of the window, and reporting periods
    longer than a day only when they lie wholly inside it (one statement on ad days alone,
    grouped in SQL: a few rows per campaign; the campaigns' accounts are looked up after)."""
    if not account_ids:
        return []
    ids = list(account_ids)
    owners = {
        cid: (acc, cur or "")
        for cid, acc, cur in _core(
            session,
            select(Campaign.id, Campaign.account_id, Account.currency)
            .join(Account, Account.id == Campaign.account_id)
            .where(_among(session, Campaign.account_id, ids)),
        )
    }
    if not owners:
        return []
    level = ad_level()
    cols: list[Any] = [func.sum(AdDay.spend)]
    for name in AD_RESULT_COLUMNS:
        col = getattr(AdDay, name)
        cols += [func.sum(col), func.count(col)]

    def branch(*when: Any) -> Any:
        # `+ 0`: read the range through the dates index, not every day of every campaign
        keys = (AdDay.campaign_id, level, AdDay.currency, AdDay.result_type)
        return (
            select(*keys, *cols)
            .where((AdDay.campaign_id + 0).in_(list(owners)), AdDay.breakdown.is_(None), *when)
            .group_by(*keys)
        )

    daily = branch(
        AdDay.date_start == AdDay.date_end,
        AdDay.date_start >= window.start,
        AdDay.date_start <= window.end,
    )
    longer = branch(
        AdDay.date_start != AdDay.date_end,
        AdDay.date_start >= window.start,
        AdDay.date_end <= window.end,
    )
    out: list[AdResultRow] = []
    for campaign, lvl, cur, rtype, spent, *values in _core(session, union_all(daily, longer)):
        acc, account_currency = owners[campaign]
        sums = {n: _f(values[2 * i]) for i, n in enumerate(AD_RESULT_COLUMNS)}
        counts = {n: int(values[2 * i + 1] or 0) for i, n in enumerate(AD_RESULT_COLUMNS)}
        currency = cur or account_currency  # as `spend`: the row's, else the account's
        out.append(AdResultRow(acc, campaign, int(lvl), currency, rtype, _f(spent), sums, counts))
    return out
