"""Every database read (and the one write, goals) of the analytics skill.

The only module of this package that touches SQLAlchemy. Aggregations run in SQL that SQLite
and PostgreSQL both run, and return DataFrames with explicit columns.

Where the figures come from ("domains"):
  posts         each post's latest snapshot (lifetime totals), by publish time
  account_days  account-level daily figures
  ads           ad delivery; per campaign only the least detailed level present (campaign,
                else ad set, else ad) and no breakdown rows, so nothing is counted twice;
                only reporting periods wholly inside the window
  web           GA4 rows of one report per account (the one with most rows in the window),
                so two reports over the same traffic are never added up
  search        Search Console's per-date rows (the only dimension that adds up to totals)

A term is a catalogue metric name, "a|b" (a, else b), "a*b" (a product, for weighted
means), or "posts" (1 per row: the number of units).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import (
    Date,
    Float,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from socialdesk.catalogue.sql import term_expr
from socialdesk.model import (
    Account,
    AccountDay,
    AdDay,
    Base,
    Campaign,
    Post,
    PostMetrics,
    SearchPerformance,
    WebDay,
    WorkspaceFact,
)

DOMAINS = ("posts", "account_days", "ads", "web", "search")
DOMAIN_TABLE = {
    "posts": "post_metrics",
    "account_days": "account_day",
    "ads": "ad_day",
    "web": "web_day",
    "search": "search_performance",
}
GROUPS = ("platform", "account", "media_type", "campaign", "currency")
GOALS_KEY = "analytics.goals"


@dataclass(frozen=True)
class Slice:
    """Which rows: a window of days and optional filters (None = all)."""

    start: dt.date
    end: dt.date  # inclusive
    platform: str | None = None
    account_id: int | None = None
    media_type: str | None = None
    campaign_id: int | None = None


# -- building blocks -------------------------------------------------------------------------
def _day(session: Session, column: Any) -> ColumnElement[Any]:
    """The calendar day of a timestamp column, on both engines."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column)
    return cast(column, Date)


def _source(session: Session, domain: str, sl: Slice) -> tuple[Any, Any, dict[str, Any]]:
    """(the table with the metric columns, a select over it with filters, group columns)."""
    groups: dict[str, Any] = {"platform": Account.platform, "account": Account.id}
    table: type[Base]
    if domain == "posts":
        latest = (
            select(func.max(PostMetrics.as_of))
            .where(PostMetrics.post_id == Post.id)
            .correlate(Post)
            .scalar_subquery()
        )
        table = PostMetrics
        base = (
            select()
            .select_from(Post)
            .join(Account, Account.id == Post.account_id)
            .join(PostMetrics, and_(PostMetrics.post_id == Post.id, PostMetrics.as_of == latest))
            .where(
                Post.published_at >= dt.datetime.combine(sl.start, dt.time()),
                Post.published_at < dt.datetime.combine(sl.end + dt.timedelta(days=1), dt.time()),
            )
        )
        if sl.media_type:
            base = base.where(Post.media_type == sl.media_type)
        groups["media_type"] = func.coalesce(Post.media_type, "other")
        groups["day"] = _day(session, Post.published_at)
    elif domain == "account_days":
        table = AccountDay
        base = (
            select()
            .select_from(AccountDay)
            .join(Account, Account.id == AccountDay.account_id)
            .where(AccountDay.date >= sl.start, AccountDay.date <= sl.end)
        )
        groups["day"] = AccountDay.date
    elif domain == "ads":
        table = AdDay
        other = aliased(AdDay)
        level = _ad_level(AdDay.grain)
        least = (
            select(func.min(_ad_level(other.grain)))
            .where(other.campaign_id == AdDay.campaign_id, other.breakdown.is_(None))
            .correlate(AdDay)
            .scalar_subquery()
        )
        base = (
            select()
            .select_from(AdDay)
            .join(Campaign, Campaign.id == AdDay.campaign_id)
            .join(Account, Account.id == Campaign.account_id)
            .where(
                AdDay.breakdown.is_(None),
                level == least,
                AdDay.date_start >= sl.start,
                AdDay.date_end <= sl.end,
            )
        )
        if sl.campaign_id is not None:
            base = base.where(AdDay.campaign_id == sl.campaign_id)
        groups["campaign"] = Campaign.id
        groups["currency"] = func.coalesce(AdDay.currency, Account.currency, "")
        groups["day"] = AdDay.date_start
    elif domain == "web":
        table = WebDay
        base = (
            select()
            .select_from(WebDay)
            .join(Account, Account.id == WebDay.account_id)
            .where(WebDay.date_start >= sl.start, WebDay.date_end <= sl.end)
        )
        chosen = _web_reports(session, sl)
        if chosen:
            base = base.where(
                or_(*(and_(WebDay.account_id == acc, WebDay.report == rep) for acc, rep in chosen))
            )
        groups["day"] = WebDay.date_start
    elif domain == "search":
        table = SearchPerformance
        base = (
            select()
            .select_from(SearchPerformance)
            .join(Account, Account.id == SearchPerformance.account_id)
            .where(
                SearchPerformance.dimension == "date",
                SearchPerformance.date_start >= sl.start,
                SearchPerformance.date_end <= sl.end,
            )
        )
        groups["day"] = SearchPerformance.date_start
    else:
        raise ValueError(f"unknown domain {domain!r}; one of {DOMAINS}")
    if sl.platform:
        base = base.where(Account.platform == sl.platform)
    if sl.account_id is not None:
        base = base.where(Account.id == sl.account_id)
    return table, base, groups


def _ad_level(grain: Any) -> ColumnElement[int]:
    return case(
        (grain == "campaign", 0),
        (grain.like("%ad:%"), 2),
        else_=1,
    )


def _web_reports(session: Session, sl: Slice) -> list[tuple[int, str]]:
    stmt = (
        select(WebDay.account_id, WebDay.report, func.count().label("rows"))
        .join(Account, Account.id == WebDay.account_id)
        .where(WebDay.date_start >= sl.start, WebDay.date_end <= sl.end)
        .group_by(WebDay.account_id, WebDay.report)
    )
    if sl.platform:
        stmt = stmt.where(Account.platform == sl.platform)
    best: dict[int, tuple[int, str]] = {}
    for acc, rep, rows in session.execute(stmt):
        if acc not in best or (rows, rep) > best[acc]:
            best[acc] = (rows, rep)
    return [(acc, rep) for acc, (_rows, rep) in sorted(best.items())]


# -- aggregates --------------------------------------------------------------------------------
def pair_sums(
    session: Session,
    workspace_id: int,
    domain: str,
    pairs: Sequence[tuple[str, str | None]],
    sl: Slice,
    group_by: Sequence[str] = (),
) -> pd.DataFrame:
    """Per group, for each (numerator, denominator) pair i, over the rows where both are known:
    n_i (rows), sy_i, sx_i, syy_i, sxx_i, sxy_i. A pair without denominator gives n_i, sy_i,
    syy_i over the rows where the numerator is known. Also `rows`: all rows of the group."""
    table, base, groups = _source(session, domain, sl)
    cols: list[Any] = []
    for g in group_by:
        if g not in groups:
            raise ValueError(f"the {domain} figures cannot be grouped by {g!r}")
        cols.append(groups[g].label(g))
    base = base.where(Account.workspace_id == workspace_id)
    for i, (num, den) in enumerate(pairs):
        y = term_expr(table, num)
        x = term_expr(table, den) if den else literal(1.0, Float)
        if y is None or x is None:
            zero = literal(0.0, Float)
            cols += [
                zero.label(f"n_{i}"),
                null().label(f"sy_{i}"),
                null().label(f"sx_{i}"),
                null().label(f"syy_{i}"),
                null().label(f"sxx_{i}"),
                null().label(f"sxy_{i}"),
            ]
            continue
        both = and_(y.is_not(None), x.is_not(None))

        def when(value: Any, both: Any = both) -> Any:
            return func.sum(case((both, value), else_=null()))

        cols += [
            func.sum(case((both, 1.0), else_=0.0)).label(f"n_{i}"),
            when(y).label(f"sy_{i}"),
            when(x).label(f"sx_{i}"),
            when(y * y).label(f"syy_{i}"),
            when(x * x).label(f"sxx_{i}"),
            when(x * y).label(f"sxy_{i}"),
        ]
    cols.append(func.count().label("rows"))
    stmt = base.add_columns(*cols)
    if group_by:
        stmt = stmt.group_by(*(groups[g] for g in group_by)).order_by(
            *(groups[g] for g in group_by)
        )
    names = [*group_by]
    for i in range(len(pairs)):
        names += [f"n_{i}", f"sy_{i}", f"sx_{i}", f"syy_{i}", f"sxx_{i}", f"sxy_{i}"]
    names.append("rows")
    frame = pd.DataFrame(session.execute(stmt).all(), columns=names)
    for c in names[len(group_by) :]:
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    if "day" in frame:
        frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame


def chain_sums(
    session: Session,
    workspace_id: int,
    domain: str,
    terms: Sequence[str],
    sl: Slice,
    group_by: Sequence[str] = (),
) -> pd.DataFrame:
    """Sums of each term over the rows where every term is known (so that a chain of ratios
    multiplies out exactly): per group, `rows` and s_0..s_k."""
    table, base, groups = _source(session, domain, sl)
    exprs = [term_expr(table, t) for t in terms]
    names = [*group_by, "rows", *(f"s_{i}" for i in range(len(terms)))]
    if any(e is None for e in exprs):
        return pd.DataFrame(columns=names)
    every = and_(*(e.is_not(None) for e in exprs))  # type: ignore[union-attr]
    cols: list[Any] = [groups[g].label(g) for g in group_by]
    cols.append(func.count().label("rows"))
    cols += [func.sum(e).label(f"s_{i}") for i, e in enumerate(exprs)]
    stmt = base.where(Account.workspace_id == workspace_id, every).add_columns(*cols)
    if group_by:
        stmt = stmt.group_by(*(groups[g] for g in group_by)).order_by(
            *(groups[g] for g in group_by)
        )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=names)
    for c in names[len(group_by) :]:
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    return frame


def followers_by_day(session: Session, workspace_id: int, sl: Slice) -> pd.DataFrame:
    """Daily follower counts: account_id, platform, day, followers (known days only)."""
    stmt = (
        select(AccountDay.account_id, Account.platform, AccountDay.date, AccountDay.followers)
        .join(Account, Account.id == AccountDay.account_id)
        .where(
            Account.workspace_id == workspace_id,
            AccountDay.followers.is_not(None),
            AccountDay.date >= sl.start,
            AccountDay.date <= sl.end,
        )
        .order_by(AccountDay.account_id, AccountDay.date)
    )
    if sl.platform:
        stmt = stmt.where(Account.platform == sl.platform)
    if sl.account_id is not None:
        stmt = stmt.where(Account.id == sl.account_id)
    frame = pd.DataFrame(
        session.execute(stmt).all(), columns=["account_id", "platform", "day", "followers"]
    )
    frame["followers"] = frame["followers"].astype("float64")
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame


def post_frame(session: Session, workspace_id: int, sl: Slice) -> pd.DataFrame:
    """One row per post in the window with its latest snapshot: post_id, account_id, platform,
    account, published_at, media_type, reach, impressions, views, interactions."""
    table, base, _groups = _source(session, "posts", sl)
    inter = term_expr(table, "interactions")
    stmt = (
        base.where(Account.workspace_id == workspace_id)
        .add_columns(
            Post.id,
            Post.account_id,
            Account.platform,
            func.coalesce(Account.name, Account.handle),
            Post.published_at,
            Post.media_type,
            PostMetrics.reach,
            PostMetrics.impressions,
            PostMetrics.views,
            inter,
        )
        .order_by(Post.published_at, Post.id)
    )
    cols = [
        "post_id",
        "account_id",
        "platform",
        "account",
        "published_at",
        "media_type",
        "reach",
        "impressions",
        "views",
        "interactions",
    ]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=cols)
    frame["published_at"] = pd.to_datetime(frame["published_at"])
    for c in ("reach", "impressions", "views", "interactions"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    return frame


def posts_by_day(session: Session, workspace_id: int, sl: Slice) -> pd.DataFrame:
    """The number of posts each account published each day of the window (days with posts
    only): account_id, day (a date), posts. No metrics needed: a post without a snapshot counts."""
    day = _day(session, Post.published_at)
    stmt = (
        select(Post.account_id, day, func.count(Post.id))
        .join(Account, Account.id == Post.account_id)
        .where(
            Account.workspace_id == workspace_id,
            Post.published_at >= dt.datetime.combine(sl.start, dt.time()),
            Post.published_at < dt.datetime.combine(sl.end + dt.timedelta(days=1), dt.time()),
        )
        .group_by(Post.account_id, day)
        .order_by(Post.account_id, day)
    )
    if sl.platform:
        stmt = stmt.where(Account.platform == sl.platform)
    if sl.account_id is not None:
        stmt = stmt.where(Account.id == sl.account_id)
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["account_id", "day", "posts"])
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    frame["posts"] = frame["posts"].astype("float64")
    return frame


def data_window(session: Session, workspace_id: int) -> tuple[dt.date, dt.date] | None:
    """The first and last day with any post, account day or ad day in the workspace."""
    ids = select(Account.id).where(Account.workspace_id == workspace_id).scalar_subquery()
    found: list[dt.date] = []
    for lo, hi, where in (
        (func.min(Post.published_at), func.max(Post.published_at), Post.account_id.in_(ids)),
        (func.min(AccountDay.date), func.max(AccountDay.date), AccountDay.account_id.in_(ids)),
    ):
        row = session.execute(select(lo, hi).where(where)).one()
        found += [_as_date(v) for v in row if v is not None]
    ads = session.execute(
        select(func.min(AdDay.date_start), func.max(AdDay.date_end))
        .join(Campaign, Campaign.id == AdDay.campaign_id)
        .where(Campaign.account_id.in_(ids))
    ).one()
    found += [_as_date(v) for v in ads if v is not None]
    if not found:
        return None
    return min(found), max(found)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def accounts(session: Session, workspace_id: int) -> pd.DataFrame:
    stmt = (
        select(Account.id, Account.platform, func.coalesce(Account.name, Account.handle))
        .where(Account.workspace_id == workspace_id)
        .order_by(Account.platform, Account.id)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=["account_id", "platform", "account"])


def campaigns(session: Session, workspace_id: int) -> pd.DataFrame:
    stmt = (
        select(Campaign.id, Account.platform, Campaign.name)
        .join(Account, Account.id == Campaign.account_id)
        .where(Account.workspace_id == workspace_id)
        .order_by(Account.platform, Campaign.name)
    )
    return pd.DataFrame(
        session.execute(stmt).all(), columns=["campaign_id", "platform", "campaign"]
    )


# -- goals (kept as a workspace fact: a list of plain dicts) ----------------------------------
def load_goals(session: Session, workspace_id: int) -> list[dict[str, Any]]:
    value = session.scalar(
        select(WorkspaceFact.value).where(
            WorkspaceFact.workspace_id == workspace_id, WorkspaceFact.key == GOALS_KEY
        )
    )
    return list((value or {}).get("goals", []))


def save_goals(session: Session, workspace_id: int, goals: Sequence[dict[str, Any]]) -> None:
    fact = session.scalar(
        select(WorkspaceFact).where(
            WorkspaceFact.workspace_id == workspace_id, WorkspaceFact.key == GOALS_KEY
        )
    )
    value = {"goals": list(goals)}
    if fact is None:
        session.add(WorkspaceFact(workspace_id=workspace_id, key=GOALS_KEY, value=value))
    else:
        fact.value = value
    session.flush()


def truth(session: Session, workspace_id: int) -> dict[str, Any] | None:
    """The demo's recorded true effects, when this workspace is a demo."""
    value = session.scalar(
        select(WorkspaceFact.value).where(
            WorkspaceFact.workspace_id == workspace_id, WorkspaceFact.key == "demo.truth"
        )
    )
    return value or None
