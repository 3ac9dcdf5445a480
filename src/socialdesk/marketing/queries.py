"""The only module of the marketing skill that touches the database.

Reads return DataFrames with explicit columns; writes take plain values. Every statement runs
on SQLite and PostgreSQL alike and is filtered by workspace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from socialdesk.catalogue.platforms import platform_name
from socialdesk.model import (
    PLAN_ITEM_STATUSES,
    TAG_DIMENSIONS,
    TAG_TARGETS,
    Account,
    AdDay,
    Campaign,
    MarketingLink,
    MarketingPlanVersion,
    MarketingTag,
    PlanItem,
    PlanItemComment,
    Post,
    PostLatest,
    PostMetrics,
    Publication,
    SearchPerformance,
    WebDay,
)
from socialdesk.store.memo import memo

SEARCH_COLUMNS = [
    "account_id",
    "platform",
    "dimension",
    "value",
    "date_start",
    "date_end",
    "clicks",
    "impressions",
    "position",
]
POST_COLUMNS = [
    "post_id",
    "account_id",
    "platform",
    "published_at",
    "text",
    "title",
    "language",
    "permalink",
    "impressions",
    "reach",
    "engagements",
    "link_clicks",
    "clicks",
]
WEB_COLUMNS = [
    "account_id",
    "report",
    "date_start",
    "date_end",
    "source",
    "medium",
    "campaign",
    "channel_group",
    "sessions",
    "engaged_sessions",
    "conversions",
    "revenue",
]
AD_COLUMNS = [
    "campaign_id",
    "campaign",
    "platform",
    "grain",
    "date_start",
    "date_end",
    "spend",
    "impressions",
    "clicks",
    "link_clicks",
]
ITEM_COLUMNS = [
    "id",
    "title",
    "status",
    "platform",
    "scheduled_at",
    "pillar",
    "audience",
    "objective",
    "owner",
    "text",
    "link",
    "post_id",
    "match_score",
    "approved_by",
    "approved_at",
    "updated_at",
    "media",
]


def _frame(rows: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _in_window(start_col: Any, end_col: Any, start: dt.date | None, end: dt.date | None) -> Any:
    cond = []
    if start is not None:
        cond.append(start_col >= start)
    if end is not None:
        cond.append(end_col <= end)
    return and_(*cond) if cond else None


# -- reading -----------------------------------------------------------------------------
def search_rows(
    session: Session,
    workspace_id: int,
    dimensions: tuple[str, ...],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """Search Console / search-term rows of the given dimensions whose period lies in the window."""
    stmt = (
        select(
            SearchPerformance.account_id,
            Account.platform,
            SearchPerformance.dimension,
            SearchPerformance.value,
            SearchPerformance.date_start,
            SearchPerformance.date_end,
            SearchPerformance.clicks,
            SearchPerformance.impressions,
            SearchPerformance.position,
        )
        .join(Account, Account.id == SearchPerformance.account_id)
        .where(Account.workspace_id == workspace_id, SearchPerformance.dimension.in_(dimensions))
    )
    window = _in_window(SearchPerformance.date_start, SearchPerformance.date_end, start, end)
    if window is not None:
        stmt = stmt.where(window)
    return _frame(session.execute(stmt), SEARCH_COLUMNS)


def _posts_stmt(
    workspace_id: int,
    start: dt.date | None,
    end: dt.date | None,
    post_ids: Sequence[int] | None,
) -> Any:
    stmt = (
        select(
            Post.id,
            Post.account_id,
            Account.platform,
            Post.published_at,
            Post.text,
            Post.title,
            Post.language,
            Post.permalink,
            PostMetrics.impressions,
            PostMetrics.reach,
            PostMetrics.engagements,
            PostMetrics.link_clicks,
            PostMetrics.clicks,
        )
        .join(Account, Account.id == Post.account_id)
        .outerjoin(PostLatest, PostLatest.post_id == Post.id)
        .outerjoin(
            PostMetrics, and_(PostMetrics.post_id == Post.id, PostMetrics.as_of == PostLatest.as_of)
        )
        .where(Account.workspace_id == workspace_id)
    )
    if start is not None:
        stmt = stmt.where(Post.published_at >= dt.datetime.combine(start, dt.time()))
    if end is not None:
        stmt = stmt.where(
            Post.published_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
        )
    if post_ids is not None:
        stmt = stmt.where(Post.id.in_(list(post_ids)))
    return stmt.order_by(Post.published_at, Post.id)


def posts(
    session: Session,
    workspace_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    post_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Posts published in the window (or only `post_ids`) with their latest snapshot's
    figures (found through the
    store's post_latest row: grouping every snapshot per request took a second at 1M posts)."""
    return _frame(session.execute(_posts_stmt(workspace_id, start, end, post_ids)), POST_COLUMNS)


def post_batches(
    session: Session,
    workspace_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    size: int = 50_000,
) -> Iterator[pd.DataFrame]:
    """`posts` in frames of at most `size` rows, in the same order, read as they are used
    (a server-side cursor on PostgreSQL): memory stays at one batch whatever the store holds."""
    stmt = _posts_stmt(workspace_id, start, end, None).execution_options(yield_per=size)
    for rows in session.execute(stmt).partitions(size):
        yield _frame(rows, POST_COLUMNS)


DAY_POST_COLUMNS = ["post_id", "platform", "published_at", "text", "title", "permalink", "day_n"]


def day_posts(
    session: Session,
    workspace_id: int,
    first: dt.date,
    last: dt.date,
    per_day: int,
    exclude: Sequence[int] = (),
    snippet: int = 200,
) -> pd.DataFrame:
    """At most `per_day` posts of each day from `first` to `last` (oldest first), with
    `day_n`, how many that day has in all; posts in `exclude` are left out. Bounded: one
    window over the month's posts in SQL, the first `snippet` characters of each text."""
    day = func.date(Post.published_at)
    inner = (
        select(
            Post.id.label("post_id"),
            Account.platform,
            Post.published_at,
            func.substr(Post.text, 1, snippet).label("text"),
            func.substr(Post.title, 1, snippet).label("title"),
            Post.permalink,
            func.row_number()
            .over(partition_by=day, order_by=(Post.published_at, Post.id))
            .label("rn"),
            func.count().over(partition_by=day).label("day_n"),
        )
        .join(Account, Account.id == Post.account_id)
        .where(
            Account.workspace_id == workspace_id,
            Post.published_at >= dt.datetime.combine(first, dt.time()),
            Post.published_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time()),
        )
    )
    if exclude:
        inner = inner.where(Post.id.not_in(list(exclude)))
    sub = inner.subquery()
    stmt = (
        select(*(sub.c[c] for c in DAY_POST_COLUMNS))
        .where(sub.c.rn <= per_day)
        .order_by(sub.c.published_at, sub.c.post_id)
    )
    return _frame(session.execute(stmt), DAY_POST_COLUMNS)


def calendar_data(
    session: Session, workspace_id: int, first: dt.date, nxt: dt.date
) -> tuple[bool, dt.datetime | None]:
    """Whether the month first..nxt holds a plan item or a post, and the last moment with
    either (plan items: scheduled_at in UTC; posts: published_at on their own clock)."""
    lo, hi = dt.datetime.combine(first, dt.time()), dt.datetime.combine(nxt, dt.time())
    in_month = session.scalar(
        select(
            exists().where(
                PlanItem.workspace_id == workspace_id,
                PlanItem.scheduled_at >= lo,
                PlanItem.scheduled_at < hi,
            )
        )
    ) or session.scalar(
        select(
            exists().where(
                Post.account_id == Account.id,
                Account.workspace_id == workspace_id,
                Post.published_at >= lo,
                Post.published_at < hi,
            )
        )
    )
    last_item = session.scalar(
        select(func.max(PlanItem.scheduled_at)).where(PlanItem.workspace_id == workspace_id)
    )
    last_post = session.scalar(
        select(func.max(Post.published_at))
        .join(Account, Account.id == Post.account_id)
        .where(Account.workspace_id == workspace_id)
    )
    found = [t for t in (last_item, last_post) if t is not None]
    return bool(in_month), (max(found) if found else None)


def web_rows(
    session: Session,
    workspace_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """GA4 rows that carry a source or medium (traffic acquisition), in the window."""
    stmt = (
        select(
            WebDay.account_id,
            WebDay.report,
            WebDay.date_start,
            WebDay.date_end,
            WebDay.source,
            WebDay.medium,
            WebDay.campaign,
            WebDay.channel_group,
            WebDay.sessions,
            WebDay.engaged_sessions,
            WebDay.conversions,
            WebDay.revenue,
        )
        .join(Account, Account.id == WebDay.account_id)
        .where(
            Account.workspace_id == workspace_id,
            or_(WebDay.source.is_not(None), WebDay.medium.is_not(None)),
        )
    )
    window = _in_window(WebDay.date_start, WebDay.date_end, start, end)
    if window is not None:
        stmt = stmt.where(window)
    return _frame(session.execute(stmt), WEB_COLUMNS)


def ad_rows(
    session: Session,
    workspace_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """Delivery rows without a breakdown (every grain), in the window."""
    stmt = (
        select(
            Campaign.id,
            Campaign.name,
            Account.platform,
            AdDay.grain,
            AdDay.date_start,
            AdDay.date_end,
            AdDay.spend,
            AdDay.impressions,
            AdDay.clicks,
            AdDay.link_clicks,
        )
        .join(Campaign, Campaign.id == AdDay.campaign_id)
        .join(Account, Account.id == Campaign.account_id)
        .where(Account.workspace_id == workspace_id, AdDay.breakdown.is_(None))
    )
    window = _in_window(AdDay.date_start, AdDay.date_end, start, end)
    if window is not None:
        stmt = stmt.where(window)
    return _frame(session.execute(stmt), AD_COLUMNS)


def data_window(session: Session, workspace_id: int) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of the web and search data (None when there is none)."""
    lo = hi = None
    for model in (WebDay, SearchPerformance):
        row = session.execute(
            select(func.min(model.date_start), func.max(model.date_end))
            .join(Account, Account.id == model.account_id)
            .where(Account.workspace_id == workspace_id)
        ).one()
        if row[0] is not None:
            lo = row[0] if lo is None else min(lo, row[0])
            hi = row[1] if hi is None else max(hi, row[1])
    return lo, hi


# -- the plan ----------------------------------------------------------------------------
def load_plan(
    session: Session, workspace_id: int, version: int | None = None
) -> tuple[int, dict[str, Any]] | None:
    """(version, document) of the plan in force (or of `version`); None when there is none."""
    stmt = select(MarketingPlanVersion.version, MarketingPlanVersion.document).where(
        MarketingPlanVersion.workspace_id == workspace_id
    )
    if version is not None:
        stmt = stmt.where(MarketingPlanVersion.version == version)
    row = session.execute(stmt.order_by(MarketingPlanVersion.version.desc()).limit(1)).first()
    return None if row is None else (int(row[0]), dict(row[1]))


def save_plan(
    session: Session,
    workspace_id: int,
    document: dict[str, Any],
    saved_by: str,
    note: str | None = None,
) -> int:
    """Store `document` as the next version; returns its number."""
    last = session.scalar(
        select(func.max(MarketingPlanVersion.version)).where(
            MarketingPlanVersion.workspace_id == workspace_id
        )
    )
    version = int(last or 0) + 1
    session.add(
        MarketingPlanVersion(
            workspace_id=workspace_id,
            version=version,
            document=document,
            saved_by=saved_by,
            note=note,
        )
    )
    session.flush()
    return version


def plan_versions(session: Session, workspace_id: int) -> pd.DataFrame:
    rows = session.execute(
        select(
            MarketingPlanVersion.version,
            MarketingPlanVersion.saved_by,
            MarketingPlanVersion.saved_at,
            MarketingPlanVersion.note,
        )
        .where(MarketingPlanVersion.workspace_id == workspace_id)
        .order_by(MarketingPlanVersion.version.desc())
    )
    return _frame(rows, ["version", "saved_by", "saved_at", "note"])


# -- the calendar ------------------------------------------------------------------------
def plan_items(
    session: Session,
    workspace_id: int,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> pd.DataFrame:
    stmt = select(*(getattr(PlanItem, c) for c in ITEM_COLUMNS)).where(
        PlanItem.workspace_id == workspace_id
    )
    if start is not None:
        stmt = stmt.where(or_(PlanItem.scheduled_at.is_(None), PlanItem.scheduled_at >= start))
    if end is not None:
        stmt = stmt.where(or_(PlanItem.scheduled_at.is_(None), PlanItem.scheduled_at < end))
    stmt = stmt.order_by(PlanItem.scheduled_at, PlanItem.id)
    return _frame(session.execute(stmt), ITEM_COLUMNS)


def get_item(session: Session, workspace_id: int, item_id: int) -> PlanItem | None:
    return session.scalar(
        select(PlanItem).where(PlanItem.workspace_id == workspace_id, PlanItem.id == item_id)
    )


# The platforms a plan item can be for (keys as the store writes them): where a post goes out
ITEM_PLATFORMS = (
    "facebook",
    "instagram",
    "linkedin",
    "x",
    "tiktok",
    "youtube",
    "bluesky",
    "mastodon",
    "threads",
    "other",
)
_PLATFORM_ALIASES = {"twitter": "x", "x (twitter)": "x", "ig": "instagram", "fb": "facebook"}


def item_platform(value: str | None) -> str | None:
    """A plan item's platform as the store keys it: "Instagram", " instagram " and
    "instagram" are "instagram", "Twitter" is "x", empty is None. Typed as people write it, a
    name in capitals matched no imported post and never went out (the calendar compares keys).
    ValueError names an unknown one and the ones there are."""
    if value is None or not value.strip():
        return None
    word = " ".join(value.split()).casefold()
    names = {platform_name(k).casefold(): k for k in ITEM_PLATFORMS}
    found = word if word in ITEM_PLATFORMS else names.get(word) or _PLATFORM_ALIASES.get(word)
    if found is None:
        raise ValueError(f"platform {value.strip()!r} is not one of {', '.join(ITEM_PLATFORMS)}")
    return found


def add_item(
    session: Session, workspace_id: int, *, title: str, created_by: str, **fields: Any
) -> int:
    status = fields.get("status", "idea")
    if status not in PLAN_ITEM_STATUSES:
        raise ValueError(f"status {status!r} is not one of {', '.join(PLAN_ITEM_STATUSES)}")
    if "platform" in fields:
        fields["platform"] = item_platform(fields["platform"])
    item = PlanItem(workspace_id=workspace_id, title=title, created_by=created_by, **fields)
    session.add(item)
    session.flush()
    return item.id


def update_item(session: Session, workspace_id: int, item_id: int, **fields: Any) -> PlanItem:
    item = get_item(session, workspace_id, item_id)
    if item is None:
        raise KeyError(item_id)
    if "status" in fields and fields["status"] not in PLAN_ITEM_STATUSES:
        raise ValueError(
            f"status {fields['status']!r} is not one of {', '.join(PLAN_ITEM_STATUSES)}"
        )
    if "platform" in fields:
        fields["platform"] = item_platform(fields["platform"])
    before_time, before_status = item.scheduled_at, item.status
    for key, value in fields.items():
        setattr(item, key, value)
    item.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    _keep_publications_in_step(session, item, before_time, before_status)
    session.flush()
    return item


def _keep_publications_in_step(
    session: Session, item: PlanItem, before_time: dt.datetime | None, before_status: str
) -> None:
    """What the calendar says is what goes out: an item moved to another time takes its
    scheduled publications along; an item sent back (to idea, draft or review) takes them off
    the worker's queue, so nothing goes out that is no longer approved. What a network holds
    to publish itself is marked `withdrawing`: the faces and the worker take it back there."""
    mine = list(session.scalars(select(Publication).where(Publication.plan_item_id == item.id)))
    pending = [p for p in mine if p.status == "scheduled"]
    # held by the network to publish itself (Mastodon's scheduled statuses): the worker takes
    # it back there (and hands it over again at the new time)
    held = [p for p in mine if p.status in ("handing", "handed")]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    moved = item.scheduled_at != before_time and item.scheduled_at is not None
    if moved and item.status == "scheduled" and (pending or held):
        assert item.scheduled_at is not None
        if item.scheduled_at < now - dt.timedelta(minutes=1):
            # moved into the past: not sent at once by surprise; scheduled again (checks and
            # all) at a time to come
            item.status = "approved"
    if item.status in ("idea", "draft", "review", "approved"):
        for p in [*pending, *(p for p in mine if p.status == "failed")]:
            p.status, p.due_at = "waiting", None
        for p in held:
            p.status = "withdrawing"
    elif moved:
        for p in pending:
            p.due_at = item.scheduled_at
        for p in held:
            p.status, p.due_at = "withdrawing", item.scheduled_at


def publication_counts(session: Session, item_id: int) -> dict[str, int]:
    """How many of an item's publications are in each status (waiting, scheduled, ...)."""
    rows = session.execute(
        select(Publication.status, func.count())
        .where(Publication.plan_item_id == item_id)
        .group_by(Publication.status)
    )
    return {str(status): int(n) for status, n in rows}


def publications_of(
    session: Session, workspace_id: int, item_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """Per plan item its publications: network, status, URL, the stored post."""
    out: dict[int, list[dict[str, Any]]] = {}
    if not item_ids:
        return out
    rows = session.execute(
        select(
            Publication.plan_item_id,
            Publication.network,
            Publication.status,
            Publication.url,
            Publication.post_id,
            Publication.error,
        )
        .where(Publication.workspace_id == workspace_id, Publication.plan_item_id.in_(item_ids))
        .order_by(Publication.id)
    )
    for item_id, network, status, url, post_id, error in rows:
        out.setdefault(int(item_id), []).append(
            {"network": network, "status": status, "url": url, "post_id": post_id, "error": error}
        )
    return out


def add_comment(
    session: Session, workspace_id: int, item_id: int, author: str, text: str, kind: str = "comment"
) -> int:
    if get_item(session, workspace_id, item_id) is None:
        raise KeyError(item_id)
    c = PlanItemComment(plan_item_id=item_id, author=author, text=text, kind=kind)
    session.add(c)
    session.flush()
    return c.id


def comments(session: Session, workspace_id: int, item_id: int) -> pd.DataFrame:
    rows = session.execute(
        select(
            PlanItemComment.id,
            PlanItemComment.author,
            PlanItemComment.kind,
            PlanItemComment.text,
            PlanItemComment.created_at,
        )
        .join(PlanItem, PlanItem.id == PlanItemComment.plan_item_id)
        .where(PlanItem.workspace_id == workspace_id, PlanItem.id == item_id)
        .order_by(PlanItemComment.created_at, PlanItemComment.id)
    )
    return _frame(rows, ["id", "author", "kind", "text", "created_at"])


# -- links and tags ----------------------------------------------------------------------
def save_link(
    session: Session,
    workspace_id: int,
    *,
    url: str,
    base_url: str,
    params: dict[str, str | None],
    created_by: str | None = None,
    plan_item_id: int | None = None,
) -> int:
    found = session.scalar(
        select(MarketingLink).where(
            MarketingLink.workspace_id == workspace_id, MarketingLink.url == url
        )
    )
    if found is not None:
        return found.id
    link = MarketingLink(
        workspace_id=workspace_id,
        url=url,
        base_url=base_url,
        created_by=created_by,
        plan_item_id=plan_item_id,
        **{
            k: params.get(k)
            for k in ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
        },
    )
    session.add(link)
    session.flush()
    return link.id


def links(session: Session, workspace_id: int) -> pd.DataFrame:
    cols = [
        "id",
        "url",
        "base_url",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_content",
        "utm_term",
        "plan_item_id",
        "created_by",
        "created_at",
    ]
    rows = session.execute(
        select(*(getattr(MarketingLink, c) for c in cols))
        .where(MarketingLink.workspace_id == workspace_id)
        .order_by(MarketingLink.created_at.desc(), MarketingLink.id.desc())
    )
    return _frame(rows, cols)


def set_tag(
    session: Session,
    workspace_id: int,
    target_kind: str,
    target_id: int,
    dimension: str,
    value: str | None,
    set_by: str,
    source: str = "person",
) -> None:
    """Tie a target to one objective/audience/pillar key (value None removes the tie)."""
    if target_kind not in TAG_TARGETS:
        raise ValueError(f"target {target_kind!r} is not one of {', '.join(TAG_TARGETS)}")
    if dimension not in TAG_DIMENSIONS:
        raise ValueError(f"dimension {dimension!r} is not one of {', '.join(TAG_DIMENSIONS)}")
    session.execute(
        delete(MarketingTag).where(
            MarketingTag.workspace_id == workspace_id,
            MarketingTag.target_kind == target_kind,
            MarketingTag.target_id == target_id,
            MarketingTag.dimension == dimension,
        )
    )
    if value:
        session.add(
            MarketingTag(
                workspace_id=workspace_id,
                target_kind=target_kind,
                target_id=target_id,
                dimension=dimension,
                value=value,
                set_by=set_by,
                source=source,
            )
        )
    session.flush()


def tags(session: Session, workspace_id: int, target_kind: str | None = None) -> pd.DataFrame:
    cols = ["target_kind", "target_id", "dimension", "value", "source"]
    stmt = select(*(getattr(MarketingTag, c) for c in cols)).where(
        MarketingTag.workspace_id == workspace_id
    )
    if target_kind:
        stmt = stmt.where(MarketingTag.target_kind == target_kind)
    return _frame(session.execute(stmt), cols)


def tags_of(
    session: Session, workspace_id: int, target_kind: str, ids: list[int]
) -> dict[int, dict[str, str]]:
    """{target id: {dimension: value}} for the given targets of one kind."""
    if not ids:
        return {}
    rows = session.execute(
        select(MarketingTag.target_id, MarketingTag.dimension, MarketingTag.value).where(
            MarketingTag.workspace_id == workspace_id,
            MarketingTag.target_kind == target_kind,
            MarketingTag.target_id.in_(ids),
        )
    )
    out: dict[int, dict[str, str]] = {}
    for tid, dim, value in rows:
        out.setdefault(int(tid), {})[dim] = value
    return out


TAG_TARGET_COLUMNS = ["id", "label", "detail", "platform", "when"]


def _target_select(kind: str, workspace_id: int) -> tuple[Any, Any]:
    """(select of TAG_TARGET_COLUMNS, the id column) for posts, campaigns or links."""
    if kind == "post":
        return (
            select(
                Post.id,
                func.coalesce(Post.title, func.substr(Post.text, 1, 140)),
                Account.name,
                Account.platform,
                Post.published_at,
            )
            .join(Account, Account.id == Post.account_id)
            .where(Account.workspace_id == workspace_id)
            .order_by(Post.published_at.desc(), Post.id.desc())
        ), Post.id
    if kind == "campaign":
        return (
            select(
                Campaign.id,
                Campaign.name,
                Campaign.objective,
                Account.platform,
                Campaign.start_date,
            )
            .join(Account, Account.id == Campaign.account_id)
            .where(Account.workspace_id == workspace_id)
            .order_by(Campaign.name, Campaign.id)
        ), Campaign.id
    if kind == "link":
        return (
            select(
                MarketingLink.id,
                MarketingLink.url,
                MarketingLink.utm_campaign,
                MarketingLink.utm_source,
                MarketingLink.created_at,
            )
            .where(MarketingLink.workspace_id == workspace_id)
            .order_by(MarketingLink.created_at.desc(), MarketingLink.id.desc())
        ), MarketingLink.id
    raise ValueError(f"target {kind!r} is not one of post, campaign, link")


def tag_targets(
    session: Session,
    workspace_id: int,
    kind: str,
    *,
    untagged_only: bool = True,
    target_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[pd.DataFrame, int]:
    """Posts, campaigns or links to tag (newest first) and how many there are in all.

    Untagged: not one tag in any dimension. The count and page run in SQL (NOT EXISTS on the
    tag table's unique index), so they stay fast at a million posts."""
    stmt, id_col = _target_select(kind, workspace_id)
    if target_id is not None:
        stmt = stmt.where(id_col == target_id)
    if untagged_only:
        stmt = stmt.where(
            ~exists().where(
                MarketingTag.workspace_id == workspace_id,
                MarketingTag.target_kind == kind,
                MarketingTag.target_id == id_col,
            )
        )
    if target_id is None:
        total = _target_count(session, workspace_id, kind, untagged_only=untagged_only)
    else:
        total = int(
            session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        )
    frame = _frame(session.execute(stmt.limit(limit).offset(offset)), TAG_TARGET_COLUMNS)
    return frame, total


def _target_count(session: Session, workspace_id: int, kind: str, *, untagged_only: bool) -> int:
    """How many targets of `kind` there are (untagged: less those with a tag). Counting the
    untagged posts with NOT EXISTS read every post on each request (~0.5 s at a million, and
    the tags page asks twice); the posts are counted once per data version and the tagged
    ones (a person's few) subtracted, each counted once however many tags it has."""
    base, id_col = _target_select(kind, workspace_id)

    def every() -> int:
        found = session.scalar(select(func.count()).select_from(base.order_by(None).subquery()))
        return int(found or 0)

    # posts change only through imports and syncs (a new data version); campaigns and links
    # are few, and links are made and removed by people: counted each time
    n = (
        memo(
            session,
            workspace_id,
            "marketing.target_count",
            (kind,),
            (Post,),
            every,
            slot=False,
        )
        if kind == "post"
        else every()
    )
    if not untagged_only:
        return n
    tagged = session.scalar(
        select(func.count(func.distinct(MarketingTag.target_id))).where(
            MarketingTag.workspace_id == workspace_id,
            MarketingTag.target_kind == kind,
            base.order_by(None).where(id_col == MarketingTag.target_id).exists(),
        )
    )
    return max(0, n - int(tagged or 0))


def target_exists(session: Session, workspace_id: int, kind: str, target_id: int) -> bool:
    stmt, id_col = _target_select(kind, workspace_id)
    return session.execute(stmt.where(id_col == target_id).limit(1)).first() is not None


def campaigns(session: Session, workspace_id: int) -> pd.DataFrame:
    """The workspace's ad campaigns: id, name, platform."""
    rows = session.execute(
        select(Campaign.id, Campaign.name, Account.platform)
        .join(Account, Account.id == Campaign.account_id)
        .where(Account.workspace_id == workspace_id)
        .order_by(Campaign.id)
    )
    return _frame(rows, ["id", "name", "platform"])


def match_item_to_post(
    session: Session, workspace_id: int, item_id: int, post_id: int, score: float
) -> None:
    """An imported post matched to an open plan item. An item that goes out on connected
    accounts is left alone: what it published is recorded by the worker, not guessed."""
    if session.scalar(select(func.count()).where(Publication.plan_item_id == item_id)):
        return
    update_item(
        session, workspace_id, item_id, post_id=post_id, match_score=score, status="published"
    )


def account_names(session: Session, workspace_id: int) -> list[str]:
    """The names and handles of the workspace's accounts (the organisation's brand words)."""
    rows = session.execute(
        select(Account.name, Account.handle).where(Account.workspace_id == workspace_id)
    )
    return sorted({str(v) for r in rows for v in r if v})


def matched_post_ids(session: Session, workspace_id: int) -> set[int]:
    return set(
        session.scalars(
            select(PlanItem.post_id).where(
                PlanItem.workspace_id == workspace_id, PlanItem.post_id.is_not(None)
            )
        )
    )
