"""Posts: the table of every post with its latest figures, its exports, and a post's history."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from socialdesk import charts
from socialdesk.i18n import N_, formats, gettext
from socialdesk.model import MEDIA_TYPES
from socialdesk.overview import DEFINITIONS, run
from socialdesk.overview.definitions import platform_name
from socialdesk.overview.run import PostsQuery
from socialdesk.web.deps import (
    ConfigDep,
    LocaleDep,
    SessionDep,
    Viewer,
    WorkspaceDep,
    date_or_none,
    int_or_none,
    is_htmx,
)
from socialdesk.web.labels import metric_label
from socialdesk.web.pages import View, page

router = APIRouter()

PER_PAGE_CHOICES = (25, 50, 100, 200)
PERIODS = (0, 30, 90, 365)  # 0: all time
COLUMN_METRICS = run.POST_TABLE_METRICS


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


@page(router, "/posts", "posts/list.html", name="posts")
def posts(
    request: Request, session: SessionDep, ws: WorkspaceDep, _who: Viewer, query: PostsParams
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
    )


# -- exports -------------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never runs as a formula (CSV/XLSX injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _export_header(locale: str) -> list[str]:
    return [
        gettext(locale, "Published"),
        gettext(locale, "Platform"),
        gettext(locale, "Account"),
        gettext(locale, "Text"),
        gettext(locale, "Media type"),
        *[DEFINITIONS[m].label_in(locale) for m in COLUMN_METRICS],
        DEFINITIONS["engagement_rate"].label_in(locale),
        gettext(locale, "Figures as of"),
        gettext(locale, "Link"),
        "id",
    ]


def _export_rows(session: Session, workspace_id: int, query: PostsQuery) -> Iterator[list[Any]]:
    for row in run.export_posts(session, workspace_id, query):
        yield [
            row.published_at,
            platform_name(row.platform),
            safe_cell(row.account),
            safe_cell(row.text),
            row.media_type,
            *[row.metrics.get(m) for m in COLUMN_METRICS],
            row.engagement_rate,
            row.as_of,
            safe_cell(row.permalink),
            row.id,
        ]


def _filename(ext: str) -> str:
    return f"socialdesk-posts-{dt.date.today().isoformat()}.{ext}"


@router.get("/posts.csv", name="posts_csv")
def posts_csv(
    config: ConfigDep, ws: WorkspaceDep, locale: LocaleDep, _who: Viewer, query: PostsParams
) -> Response:
    """UTF-8 (with BOM, for Excel), comma-separated, ISO dates and dot decimals."""

    def lines() -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf)
        buf.write("\ufeff")
        writer.writerow(_export_header(locale))
        with config.workspace.session() as session:
            for i, row in enumerate(_export_rows(session, ws, query)):
                writer.writerow(
                    [
                        "" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v)
                        for v in row
                    ]
                )
                if i % 500 == 0:
                    yield buf.getvalue()
                    buf.seek(0)
                    buf.truncate()
        yield buf.getvalue()

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{_filename("csv")}"'},
    )


@router.get("/posts.xlsx", name="posts_xlsx")
def posts_xlsx(
    session: SessionDep, ws: WorkspaceDep, locale: LocaleDep, _who: Viewer, query: PostsParams
) -> Response:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(gettext(locale, "Posts")[:31])
    sheet.append(_export_header(locale))
    for row in _export_rows(session, ws, query):
        cells = []
        for v in row:
            cell = WriteOnlyCell(sheet, value=v)
            if isinstance(v, str):
                cell.data_type = "s"  # text stays text: never a formula
            elif isinstance(v, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(v, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return Response(
        out.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f'attachment; filename="{_filename("xlsx")}"'},
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
            if m in ("impressions", "reach", "engagements", "clicks", "views")
        ],
        metric_label=label,
        value_label=lambda v: fmt.number(v),
        date_label=fmt.date,
        description=gettext(locale, "Lifetime totals per snapshot date"),
        locale=locale,
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
    return View(result, chart=_history_chart(result, locale))
