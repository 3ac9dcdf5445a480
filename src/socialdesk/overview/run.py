"""The overview skill's seam: (session, workspace, typed parameters) -> a frozen result.

The cockpit's overview, the posts table and its exports, a post's history, the platforms of a
workspace and what a workspace holds:
the web pages and the CLI call these and only these. Each reads the store through `queries`,
runs the pure modules (`periods`, `summary`) and returns a result the faces render and serialise
with `socialdesk.results.plain` (the `.json` twins and `--json` print the same fields). None of
the faces runs SQL itself.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from socialdesk.model import (
    MEDIA_TYPES,
    Account,
    AccountDay,
    Ad,
    AdDay,
    Campaign,
    Post,
    PostMetrics,
)
from socialdesk.overview import answers, queries
from socialdesk.overview.periods import PERIOD_CHOICES, bucket_step, comparison_windows
from socialdesk.overview.posts_figures import USUAL_WINDOW, UsualPost, usual_post
from socialdesk.overview.queries import (
    HISTORY_METRICS,
    MAX_OFFSET,
    POST_COLUMNS,
    POST_TABLE_METRICS,
    SORTS,
    AccountRow,
    PostDetail,
    PostFilter,
    PostRow,
)
from socialdesk.overview.summary import OverviewResult, assemble
from socialdesk.overview.top import TOP_N
from socialdesk.store.memo import memo
from socialdesk.store.status import WorkspaceStatus, workspace_status

SEARCH_COUNT_CAP = 10_000  # a text search reads every text: count this far, then "more than"
EXPORT_LIMIT = 100_000


# -- the overview ----------------------------------------------------------------------------
def build_overview(
    session: Session,
    workspace_id: int,
    *,
    days: int,
    end: dt.date | None = None,
    platform: str | None = None,
    today: dt.date | None = None,
    top_n: int = TOP_N,
) -> OverviewResult:
    """The overview of `days` days up to `end` (default: the last day with data, up to today),
    with its first answers: followers, the top `top_n` posts, what changed and the ads."""
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
    spend = queries.spend(session, ids, current, previous)
    result = assemble(
        current,
        previous,
        step,
        accounts,
        flows=flows,
        followers_now=followers_now,
        followers_before=followers_before,
        posts=posts,
        spend=spend,
        points=points,
        post_figures=post_figures,
    )
    return answers.add_answers(
        session, result, accounts, followers_now, followers_before, spend, top_n=top_n
    )


@dataclass(frozen=True)
class OverviewReport:
    """Per platform and account, the last `days` days against the days before (/overview)."""

    days: int  # length of the period in days (30, 90 or 365 offered)
    end: dt.date | None  # last day asked for (None: the last day with data)
    platform: str | None  # only this platform, or all (an unknown one: all)
    platforms: tuple[str, ...]  # the workspace's platforms, for the filter
    overview: OverviewResult


def overview(
    session: Session,
    workspace_id: int,
    *,
    days: int = 30,
    end: dt.date | None = None,
    platform: str | None = None,
    today: dt.date | None = None,
) -> OverviewReport:
    if days < 1:
        raise ValueError(f"days must be at least 1 (got {days})")
    found = tuple(queries.workspace_platforms(session, workspace_id))
    if platform not in found:
        platform = None
    today = today or dt.date.today()
    # the most visited page: kept per data version and day (an import, a sync or a new day
    # makes it again, once; the warmer makes the default view after an import), so viewers
    # asking again cost a version check, not a dozen statements over a million posts
    result = memo(
        session,
        workspace_id,
        "overview.build",
        (days, end, platform, today),
        OVERVIEW_TABLES,
        lambda: build_overview(
            session, workspace_id, days=days, end=end, platform=platform, today=today
        ),
        slot=False,  # a few grouped statements: no slot needed
    )
    return OverviewReport(days, end, platform, found, result)


# what the overview reads: a row written to any of them is a new data version (accounts change
# only through imports and syncs, which write an import batch)
OVERVIEW_TABLES = (Account, AccountDay, Post, PostMetrics, Campaign, Ad, AdDay)


def platforms(session: Session, workspace_id: int) -> tuple[str, ...]:
    """The platforms the workspace has accounts on."""
    return tuple(queries.workspace_platforms(session, workspace_id))


# -- the posts table -------------------------------------------------------------------------
@dataclass(frozen=True)
class PostsQuery:
    """The filters, sort and page of the posts table, as in the URL."""

    q: str = ""
    platform: str = ""
    account: int | None = None
    media: str = ""
    days: int = 0  # the last `days` days up to `end` (default: the last day with data); 0: all
    end: dt.date | None = None
    sort: str = "published"
    dir: str = "desc"
    page: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        object.__setattr__(self, "q", self.q.strip())
        if self.media not in MEDIA_TYPES:
            object.__setattr__(self, "media", "")


@dataclass(frozen=True)
class PostsResult:
    """A page of the posts table, each post at its latest snapshot (/posts)."""

    query: PostsQuery
    total: int  # posts that match the filters
    pages: int
    rows: tuple[PostRow, ...]  # this page's posts
    start: dt.date | None  # first day of the period filter
    end: dt.date | None  # last day of the period filter
    platforms: tuple[str, ...]
    accounts: tuple[AccountRow, ...]
    capped: bool  # the page asked for lies past the deepest one served
    total_capped: bool = False  # there are more than `total`
    columns: tuple[str, ...] = ()  # the figure columns some post of this page has


# the posts table's figure columns, in order (`PostRow.figure` gives each: the engagement
# rate per impression, else per view, for a post without reach, and views in the impressions
# column where a platform counts views instead); a page shows those that some post of it has
LIST_COLUMNS: tuple[str, ...] = (
    "likes",
    "comments",
    "shares",
    "saves",
    "engagements",
    "engagement_rate",
    "reach",
    "impressions",
    "clicks",
)
# the posts export's figure columns: every one, each in full
EXPORT_COLUMNS: tuple[str, ...] = (
    *POST_COLUMNS,
    "engagement_rate",
    "engagement_rate_impressions",
)


def page_columns(rows: tuple[PostRow, ...]) -> tuple[str, ...]:
    """The figure columns that some row has (an empty column is left off the page)."""
    return tuple(c for c in LIST_COLUMNS if any(r.figure(c) is not None for r in rows))


def _filter(
    session: Session, workspace_id: int, query: PostsQuery
) -> tuple[PostFilter, dt.date | None, dt.date | None]:
    start = end = None
    if query.days:
        ids = [
            a.id for a in queries.workspace_accounts(session, workspace_id, query.platform or None)
        ]
        today = dt.date.today()
        end = query.end or min(queries.latest_data_date(session, ids) or today, today)
        start = end - dt.timedelta(days=query.days - 1)
    elif query.end:
        end = query.end
    flt = PostFilter(
        workspace_id=workspace_id,
        platform=query.platform or None,
        account_id=query.account,
        media_type=query.media or None,
        start=start,
        end=end,
        q=query.q or None,
    )
    return flt, start, end


def posts(session: Session, workspace_id: int, query: PostsQuery | None = None) -> PostsResult:
    """The posts that match `query`, sorted, one page of them."""
    query = query or PostsQuery()
    if query.sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)} (got {query.sort!r})")
    found = tuple(queries.workspace_platforms(session, workspace_id))
    if query.platform not in found:
        query = replace(query, platform="")
    flt, start, end = _filter(session, workspace_id, query)
    # a text search reads every post's text: count no further than the pages one can reach
    cap = SEARCH_COUNT_CAP if query.q else None
    total = queries.count_posts(session, flt, cap=cap)
    total_capped = cap is not None and total > cap
    total = min(total, cap) if cap is not None else total
    pages = max(1, math.ceil(total / query.per_page))
    offset = (query.page - 1) * query.per_page
    capped = offset > MAX_OFFSET
    rows = (
        []
        if capped
        else queries.posts_page(
            session,
            flt,
            sort=query.sort,
            descending=query.dir == "desc",
            offset=offset,
            limit=query.per_page,
        )
    )
    return PostsResult(
        query=query,
        total=total,
        pages=pages,
        rows=tuple(rows),
        start=start,
        end=end,
        platforms=found,
        accounts=tuple(queries.workspace_accounts(session, workspace_id)),
        capped=capped,
        total_capped=total_capped,
        columns=page_columns(tuple(rows)),
    )


def export_posts(
    session: Session, workspace_id: int, query: PostsQuery, *, limit: int = EXPORT_LIMIT
) -> Iterator[PostRow]:
    """Every post that matches `query` (up to `limit`), in its order, read as they are written."""
    flt, _, _ = _filter(session, workspace_id, query)
    yield from queries.iter_posts(
        session, flt, sort=query.sort, descending=query.dir == "desc", limit=limit
    )


# -- one post --------------------------------------------------------------------------------
class PostNotFound(LookupError):
    """No such post in this workspace."""


@dataclass(frozen=True)
class PostResult:
    """One post with its metric history and its latest figures against the account's usual
    post (/posts/{id})."""

    detail: PostDetail
    metrics: tuple[str, ...]  # the history's metrics that have a figure
    usual: UsualPost  # the latest figures against the account's last posts before it


def post(session: Session, workspace_id: int, post_id: int) -> PostResult:
    """A post of this workspace with every snapshot (PostNotFound when there is none)."""
    detail = queries.post_detail(session, workspace_id, post_id)
    if detail is None:
        raise PostNotFound(post_id)
    metrics = tuple(
        m for m in HISTORY_METRICS if any(s.get(m) is not None for s in detail.snapshots)
    )
    latest = detail.snapshots[-1] if detail.snapshots else {}
    earlier = queries.earlier_posts(
        session,
        detail.post.account_id,
        before=detail.post.published_at,
        post_id=detail.post.id,
        limit=USUAL_WINDOW,
    )
    return PostResult(detail, metrics, usual_post(latest, earlier, window=USUAL_WINDOW))


def status(session: Session, workspace_id: int, *, slug: str, database: str) -> WorkspaceStatus:
    """What the workspace holds: rows per entity, per platform and account, and date ranges."""
    return workspace_status(session, workspace_id, slug, database)


__all__ = [
    "EXPORT_COLUMNS",
    "EXPORT_LIMIT",
    "HISTORY_METRICS",
    "LIST_COLUMNS",
    "MAX_OFFSET",
    "PERIOD_CHOICES",
    "POST_TABLE_METRICS",
    "SEARCH_COUNT_CAP",
    "SORTS",
    "AccountRow",
    "OverviewReport",
    "OverviewResult",
    "PostDetail",
    "PostNotFound",
    "PostResult",
    "PostRow",
    "PostsQuery",
    "PostsResult",
    "WorkspaceStatus",
    "build_overview",
    "export_posts",
    "overview",
    "platforms",
    "post",
    "posts",
    "status",
]
