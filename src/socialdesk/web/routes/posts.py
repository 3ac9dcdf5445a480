"""Posts: the table of every post with its latest figures, its exports, and a post's history."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from socialdesk import charts
from socialdesk.i18n import N_, formats, gettext
from socialdesk.model import MEDIA_TYPES
from socialdesk.overview import DEFINITIONS
from socialdesk.overview import queries as q
from socialdesk.overview.definitions import platform_name
from socialdesk.web.deps import (
    ConfigDep,
    LocaleDep,
    SessionDep,
    Viewer,
    date_or_none,
    int_or_none,
    is_htmx,
    render,
    render_json,
)
from socialdesk.web.labels import LABELS

router = APIRouter()

PER_PAGE_CHOICES = (25, 50, 100, 200)
PERIODS = (0, 30, 90, 365)  # 0: all time
EXPORT_LIMIT = 100_000
SEARCH_COUNT_CAP = 10_000  # a text search reads every text: count this far, then "more than"
COLUMN_METRICS = q.POST_TABLE_METRICS


@dataclass
class PostsQuery:
    """The filters, sort and page of the posts table, as in the URL."""

    q: str = ""
    platform: str = ""
    account: int | None = None
    media: str = ""
    days: int = 0
    end: dt.date | None = None
    sort: str = "published"
    dir: str = "desc"
    page: int = 1
    per_page: int = 50


@dataclass
class PostsPage:
    """The posts table (/posts, /posts.json)."""

    query: PostsQuery
    total: int = field(metadata={"help": "Posts that match the filters"})
    pages: int
    rows: list[q.PostRow] = field(metadata={"help": "This page's posts, latest snapshot each"})
    start: dt.date | None = field(metadata={"help": "First day of the period filter"})
    end: dt.date | None = field(metadata={"help": "Last day of the period filter"})
    platforms: list[str]
    accounts: list[q.AccountRow]
    media_types: tuple[str, ...]
    sorts: tuple[str, ...]
    per_page_choices: tuple[int, ...]
    periods: tuple[int, ...]
    capped: bool = field(
        metadata={"help": "True when the page asked for lies past the deepest one served"}
    )
    total_capped: bool = field(
        default=False, metadata={"help": "True when there are more than `total`"}
    )
    metrics: tuple[str, ...] = COLUMN_METRICS


@dataclass
class PostPage:
    """One post with its metric history (/posts/{id}, /posts/{id}.json)."""

    detail: q.PostDetail
    metrics: tuple[str, ...]
    chart: dict[str, Any] | None = field(default=None, metadata={"json": False})


QText = Annotated[str, Query(alias="q", max_length=200, description="text search in the post")]
QDays = Annotated[int, Query(ge=0, le=3660, description="0 for all time")]
QDir = Annotated[Literal["asc", "desc"], Query()]
QPage = Annotated[int, Query(ge=1, le=1_000_000)]
QPerPage = Annotated[int, Query(ge=1, le=200)]
QSort = Annotated[
    Literal["published", "impressions", "reach", "engagements", "clicks", "engagement_rate"],
    Query(),
]


def _parse(
    q_: str,
    platform: str,
    account: int | None,
    media: str,
    days: int,
    end: dt.date | None,
    sort: str,
    dir_: str,
    page: int,
    per_page: int,
) -> PostsQuery:
    return PostsQuery(
        q=q_.strip(),
        platform=platform,
        account=account,
        media=media if media in MEDIA_TYPES else "",
        days=days,
        end=end,
        sort=sort,
        dir=dir_,
        page=page,
        per_page=per_page,
    )


def _filter(
    session: Any, workspace_id: int, query: PostsQuery
) -> tuple[q.PostFilter, dt.date | None, dt.date | None]:
    start = end = None
    if query.days:
        ids = [a.id for a in q.workspace_accounts(session, workspace_id, query.platform or None)]
        end = query.end or min(q.latest_data_date(session, ids) or dt.date.today(), dt.date.today())
        start = end - dt.timedelta(days=query.days - 1)
    elif query.end:
        end = query.end
    flt = q.PostFilter(
        workspace_id=workspace_id,
        platform=query.platform or None,
        account_id=query.account,
        media_type=query.media or None,
        start=start,
        end=end,
        q=query.q or None,
    )
    return flt, start, end


def _posts_page(session: Any, workspace_id: int, query: PostsQuery) -> PostsPage:
    platforms = q.workspace_platforms(session, workspace_id)
    if query.platform not in platforms:
        query.platform = ""
    flt, start, end = _filter(session, workspace_id, query)
    # a text search reads every post's text: count no further than the pages one can reach
    cap = SEARCH_COUNT_CAP if query.q else None
    total = q.count_posts(session, flt, cap=cap)
    total_capped = cap is not None and total > cap
    total = min(total, cap) if cap is not None else total
    pages = max(1, math.ceil(total / query.per_page))
    offset = (query.page - 1) * query.per_page
    capped = offset > q.MAX_OFFSET
    rows = (
        []
        if capped
        else q.posts_page(
            session,
            flt,
            sort=query.sort,
            descending=query.dir == "desc",
            offset=offset,
            limit=query.per_page,
        )
    )
    return PostsPage(
        query=query,
        total=total,
        pages=pages,
        rows=rows,
        start=start,
        end=end,
        platforms=platforms,
        accounts=q.workspace_accounts(session, workspace_id),
        media_types=MEDIA_TYPES,
        sorts=q.SORTS,
        per_page_choices=PER_PAGE_CHOICES,
        periods=PERIODS,
        capped=capped,
        total_capped=total_capped,
    )


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
    return _parse(
        q_,
        platform,
        int_or_none(account),
        media,
        days,
        date_or_none(end),
        sort,
        dir,
        page,
        per_page,
    )


PostsParams = Annotated[PostsQuery, Depends(_query_params)]


@router.get("/posts", name="posts")
def posts(
    request: Request, session: SessionDep, config: ConfigDep, _who: Viewer, query: PostsParams
) -> Response:
    page = _posts_page(session, config.workspace.workspace_id, query)
    if is_htmx(request, "posts-results"):
        return render(request, "posts/_results.html", page)
    return render(request, "posts/list.html", page)


@router.get("/posts.json", name="posts_json")
def posts_json(
    session: SessionDep, config: ConfigDep, _who: Viewer, query: PostsParams
) -> Response:
    return render_json(_posts_page(session, config.workspace.workspace_id, query))


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


def _export_rows(session: Any, workspace_id: int, query: PostsQuery) -> Iterator[list[Any]]:
    flt, _, _ = _filter(session, workspace_id, query)
    for row in q.iter_posts(
        session, flt, sort=query.sort, descending=query.dir == "desc", limit=EXPORT_LIMIT
    ):
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
def posts_csv(config: ConfigDep, locale: LocaleDep, _who: Viewer, query: PostsParams) -> Response:
    """UTF-8 (with BOM, for Excel), comma-separated, ISO dates and dot decimals."""

    def lines() -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf)
        buf.write("\ufeff")
        writer.writerow(_export_header(locale))
        with config.workspace.session() as session:
            for i, row in enumerate(_export_rows(session, config.workspace.workspace_id, query)):
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
    session: SessionDep, config: ConfigDep, locale: LocaleDep, _who: Viewer, query: PostsParams
) -> Response:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(gettext(locale, "Posts")[:31])
    ws.append(_export_header(locale))
    for row in _export_rows(session, config.workspace.workspace_id, query):
        cells = []
        for v in row:
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str):
                cell.data_type = "s"  # text stays text: never a formula
            elif isinstance(v, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(v, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return Response(
        out.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f'attachment; filename="{_filename("xlsx")}"'},
    )


# -- one post ------------------------------------------------------------------------------
def _post_page(session: Any, workspace_id: int, post_id: int, locale: str) -> PostPage:
    detail = q.post_detail(session, workspace_id, post_id)
    if detail is None:
        raise HTTPException(
            status_code=404, detail=N_("This post does not exist in this workspace.")
        )
    metrics = tuple(
        m for m in q.HISTORY_METRICS if any(s.get(m) is not None for s in detail.snapshots)
    )
    fmt = formats(locale)

    def label(m: str) -> str:
        if m in DEFINITIONS:
            return DEFINITIONS[m].label_in(locale)
        return gettext(locale, LABELS["metric"].get(m, m))

    chart = charts.history(
        detail.snapshots,
        [m for m in metrics if m in ("impressions", "reach", "engagements", "clicks", "views")],
        metric_label=label,
        value_label=lambda v: fmt.number(v),
        date_label=fmt.date,
        description=gettext(locale, "Lifetime totals per snapshot date"),
        locale=locale,
    )
    return PostPage(detail=detail, metrics=metrics, chart=chart)


@router.get("/posts/{post_id:int}", name="post")
def post(
    request: Request,
    post_id: int,
    session: SessionDep,
    config: ConfigDep,
    locale: LocaleDep,
    _who: Viewer,
) -> Response:
    return render(
        request,
        "posts/detail.html",
        _post_page(session, config.workspace.workspace_id, post_id, locale),
    )


@router.get("/posts/{post_id:int}.json", name="post_json")
def post_json(
    post_id: int, session: SessionDep, config: ConfigDep, locale: LocaleDep, _who: Viewer
) -> Response:
    return render_json(_post_page(session, config.workspace.workspace_id, post_id, locale))
