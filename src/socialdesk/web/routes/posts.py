"""Posts: the table of every post with its latest figures, its exports, and a post's history."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from socialdesk import charts
from socialdesk.catalogue.catalogue import registry
from socialdesk.i18n import N_, formats, gettext
from socialdesk.model import MEDIA_TYPES
from socialdesk.overview import DEFINITIONS, run
from socialdesk.overview.definitions import platform_name
from socialdesk.overview.run import PostsQuery
from socialdesk.web.deps import (
    LocaleDep,
    SessionDep,
    Viewer,
    WorkspaceDep,
    date_or_none,
    int_or_none,
    is_htmx,
)
from socialdesk.web.exports import MAX_ROWS, Column, Table
from socialdesk.web.labels import metric_label
from socialdesk.web.pages import View, page

router = APIRouter()

PER_PAGE_CHOICES = (25, 50, 100, 200)
PERIODS = (0, 30, 90, 365)  # 0: all time
COLUMN_METRICS = run.POST_TABLE_METRICS
# the catalogue metric whose name a column of the posts table bears
_COLUMN_METRIC = {
    "engagements": "interactions",
    "engagement_rate_impressions": "engagement_rate_impressions",
}


def column_label(key: str, locale: str) -> str:
    """A figure column's full name (the export's header, the table header's title)."""
    if key == "likes":
        return gettext(locale, "Likes or reactions")
    return metric_label(_COLUMN_METRIC.get(key, key), locale) or key


def _headers(locale: str) -> dict[str, tuple[str, str]]:
    """Per figure column of the table: a short header and what it says below it."""
    rate = DEFINITIONS["engagement_rate"].label_in(locale)
    out = {k: (metric_label(k, locale) or k, "") for k in run.LIST_COLUMNS}
    out["likes"] = (gettext(locale, "Likes"), "")
    out["engagements"] = (DEFINITIONS["engagements"].label_in(locale), "")
    out["engagement_rate"] = (rate, gettext(locale, "by reach"))
    return out


def _stand_ins(locale: str) -> dict[tuple[str, str], str]:
    """What a cell says under a figure that stands in for the column's own."""
    return {
        ("engagement_rate", "impressions"): gettext(locale, "by impressions"),
        ("engagement_rate", "views"): gettext(locale, "by views"),
        ("impressions", "views"): gettext(locale, "views"),
    }


QText = Annotated[str, Query(alias="q", max_length=200, description="text search in the post")]
QDays = Annotated[int, Query(ge=0, le=3660, description="0 for all time")]
QDir = Annotated[Literal["asc", "desc"], Query()]
QPage = Annotated[int, Query(ge=1, le=1_000_000)]
QPerPage = Annotated[int, Query(ge=1, le=200)]
QSort = Annotated[
    Literal["published", "impressions", "reach", "engagements", "clicks", "engagement_rate"],
    Query(),
]


def _query_params(
    q_: QText = "",
    platform: str = "",
    account: str = "",
    media: str = "",
    days: QDays = 0,
    end: str = "",
    sort: QSort = "published",
    dir: QDir = "desc",
    page: QPage = 1,
    per_page: QPerPage = 50,
) -> PostsQuery:
    """Empty fields of the filter form mean "any" (a form always sends every field)."""
    return PostsQuery(
        q=q_,
        platform=platform,
        account=int_or_none(account),
        media=media,
        days=days,
        end=date_or_none(end),
        sort=sort,
        dir=dir,
        page=page,
        per_page=per_page,
    )


PostsParams = Annotated[PostsQuery, Depends(_query_params)]


# -- exports -------------------------------------------------------------------------------
def _posts_tables(result: run.PostsResult, locale: str, session: Session, ws: int) -> list[Table]:
    """Every post that matches the page's filters (not one page of them: the seam's
    `export_posts` reads them in order as they are written, up to its EXPORT_LIMIT), with
    what the table shows and more: the account, the text, the figures' date and the link."""
    rows = (
        (
            row.published_at,
            platform_name(row.platform),
            row.account,
            row.text,
            row.media_type,
            *[row.metrics.get(m) for m in run.POST_COLUMNS],
            row.engagement_rate,
            row.engagement_rate_impressions,
            row.as_of,
            row.permalink,
            row.thumbnail,
            row.id,
        )
        # one more than the export's cap, so a file that was cut says so in its last row
        for row in run.export_posts(session, ws, result.query, limit=MAX_ROWS + 1)
    )
    columns = (
        Column("published", N_("Published")),
        Column("platform", N_("Platform")),
        Column("account", N_("Account")),
        Column("text", N_("Text")),
        Column("media_type", N_("Media type")),
        *[Column(m, partial(column_label, m)) for m in run.EXPORT_COLUMNS],
        Column("as_of", N_("Figures as of")),
        Column("link", N_("Link")),
        Column("thumbnail", N_("Image")),
        Column("id", "id"),
    )
    return [Table("posts", N_("Posts"), columns, rows)]


@page(router, "/posts", "posts/list.html", name="posts", tables=_posts_tables)
def posts(
    request: Request,
    session: SessionDep,
    ws: WorkspaceDep,
    locale: LocaleDep,
    _who: Viewer,
    query: PostsParams,
) -> View:
    """The posts table, each post at its latest snapshot (/posts, /posts.json)."""
    template = "posts/_results.html" if is_htmx(request, "posts-results") else None
    return View(
        run.posts(session, ws, query),
        template=template,
        media_types=MEDIA_TYPES,
        sorts=run.SORTS,
        per_page_choices=PER_PAGE_CHOICES,
        periods=PERIODS,
        metrics=COLUMN_METRICS,
        headers=_headers(locale),
        titles={k: column_label(k, locale) for k in run.LIST_COLUMNS},
        stand_ins=_stand_ins(locale),
    )


# -- one post ------------------------------------------------------------------------------
def _history_chart(result: run.PostResult, locale: str) -> dict[str, Any] | None:
    fmt = formats(locale)

    def label(m: str) -> str:
        if m in DEFINITIONS:
            return DEFINITIONS[m].label_in(locale)
        return metric_label(m, locale) or m

    return charts.history(
        result.detail.snapshots,
        [
            m
            for m in result.metrics
            if m in ("impressions", "reach", "interactions", "clicks", "views")
        ],
        metric_label=label,
        value_label=lambda v: fmt.number(v),
        date_label=fmt.date,
        description=gettext(locale, "Lifetime totals per snapshot date"),
        locale=locale,
        y_title=gettext(locale, "Lifetime total (count)"),
    )


@page(router, "/posts/{post_id:int}", "posts/detail.html", name="post")
def post(
    post_id: int, session: SessionDep, ws: WorkspaceDep, locale: LocaleDep, _who: Viewer
) -> View:
    """One post with its metric history (/posts/{id}, /posts/{id}.json)."""
    try:
        result = run.post(session, ws, post_id)
    except run.PostNotFound as exc:
        raise HTTPException(
            status_code=404, detail=N_("This post does not exist in this workspace.")
        ) from exc
    return View(
        result,
        chart=_history_chart(result, locale),
        figure_labels={f.key: _figure_label(f.key, result, locale) for f in result.usual.figures},
        history_labels={m: metric_label(m, locale) or m for m in result.metrics},
        directions={f.key: _direction(f.key) for f in result.usual.figures if _direction(f.key)},
    )


def _direction(key: str) -> str | None:
    """ "up" where more is better (the catalogue's direction), "down" where less is."""
    metric = registry().metrics.get(key)
    return getattr(metric, "direction", None) if metric is not None else None


def _figure_label(key: str, result: run.PostResult, locale: str) -> str:
    """A figure's name on the post page; the engagement rate names its denominator."""
    if key == "engagement_rate" and result.usual.rate_basis == "impressions":
        return metric_label("engagement_rate_impressions", locale) or key
    if key == "engagement_rate" and result.usual.rate_basis == "views":
        name = metric_label(key, locale) or key
        return f"{name} ({gettext(locale, 'by views')})"
    return metric_label(key, locale) or key
