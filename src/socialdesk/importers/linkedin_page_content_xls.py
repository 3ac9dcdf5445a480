"""LinkedIn Company Page → Analytics → Content (Updates) → Export: one workbook, two sheets.

The download is a true BIFF8 `.xls` named `<company>_content_<epoch ms>.xls`; users who
re-save it in Excel bring an `.xlsx` with the same sheets. Both sheets are imported:

- "All posts" (detection matches this one): lifetime totals per post as of the export.
  Newer exports say Post title/link/type, Reposts, Views, Offsite Views; older ones Update
  title/link/type, Shares, "Views (excluding off-site video views)", Off-site views. Header
  cells may hold line breaks (white space is folded before matching). `Created date` is
  text MM/DD/YYYY in UTC with no time of day (stored as midnight). The post's id is the URN
  in its link (`urn:li:activity:735…`), or the link itself when it has none. `Post type` is
  Organic/Sponsored and gives `is_paid`; `Content Type` (Video, Image, Document…) gives the
  media type (else a Post type that names one) and is empty for most posts (NULL then, never
  guessed). `Likes` count every
  reaction and go to `reactions` (the Metrics sheet calls them Reactions); `Views` are
  filled for videos only and go to `video_views`; off-site views, CTR and engagement rate
  (fractions 0..1, as in the file) and the campaign/audience/author texts go to extra.
- "Metrics": one row per day (the day members saw the posts, UTC). Totals go to the
  canonical columns (Reposts/Shares are `shares`); organic and sponsored splits, organic
  unique impressions and the engagement rates go to extra. Daily counts can be negative
  (un-likes, deleted comments) and are kept as written.

Counts are float cells and empty strings stand for "not applicable" (NULL, never 0).
A Portuguese-translated export ("Impressões (orgânicas)") is out of scope: only the English
headers are recognised. The account is the company in the default file name, else the
user's --account, else "LinkedIn page".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.detect import map_fields
from socialdesk.importers.tabular import ROW_COL, Table, dedupe
from socialdesk.importers.values import add_numbers, cleaned, dates, ids, text

PLATFORM = "linkedin"
DEFAULT_HANDLE = "LinkedIn page"

COLUMNS: dict[str, tuple[str, ...]] = {
    "post_title": ("Post title", "Update title"),
    "post_link": ("Post link", "Update link"),
    "post_type": ("Post type", "Update type"),
    "campaign_name": ("Campaign name",),
    "posted_by": ("Posted by",),
    "created_date": ("Created date",),
    "campaign_start": ("Campaign start date",),
    "campaign_end": ("Campaign end date",),
    "audience": ("Audience",),
    "impressions": ("Impressions",),
    "views": ("Views", "Views (excluding off-site video views)"),
    "offsite_views": ("Offsite Views", "Off-site views"),
    "clicks": ("Clicks",),
    "ctr": ("Click through rate (CTR)",),
    "likes": ("Likes", "Reactions"),
    "comments": ("Comments",),
    "reposts": ("Reposts", "Shares"),
    "follows": ("Follows",),
    "engagement_rate": ("Engagement rate",),
    "content_type": ("Content Type",),
}

POST_METRICS = {
    "impressions": "impressions",
    "views": "video_views",
    "clicks": "clicks",
    "likes": "reactions",
    "comments": "comments",
    "reposts": "shares",
    "follows": "follows",
    "offsite_views": "extra:offsite_views",
}
POST_RATES = {"ctr": "extra:ctr", "engagement_rate": "extra:engagement_rate"}
POST_TEXTS = {
    "posted_by": "extra:posted_by",
    "campaign_name": "extra:campaign_name",
    "audience": "extra:audience",
}
POST_DATES = {"campaign_start": "extra:campaign_start", "campaign_end": "extra:campaign_end"}


def _split(metric: str, *names: str) -> dict[str, tuple[str, ...]]:
    """The (organic), (sponsored) and (total) columns of one daily metric."""
    return {
        f"{metric}_{part}": tuple(f"{name} ({part})" for name in names)
        for part in ("organic", "sponsored", "total")
    }


METRICS_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("Date",),
    **_split("impressions", "Impressions"),
    "unique_impressions_organic": ("Unique impressions (organic)",),
    **_split("clicks", "Clicks"),
    **_split("reactions", "Reactions", "Likes"),
    **_split("comments", "Comments"),
    **_split("reposts", "Reposts", "Shares"),
    **_split("engagement_rate", "Engagement rate"),
}
DAY_METRICS = {
    "impressions_total": "impressions",
    "clicks_total": "clicks",
    "reactions_total": "reactions",
    "comments_total": "comments",
    "reposts_total": "shares",
}
DAY_EXTRAS = {
    name: f"extra:{name}"
    for name in METRICS_COLUMNS
    if name.endswith(("_organic", "_sponsored")) and not name.startswith("engagement_rate")
}
DAY_RATES = {
    name: f"extra:{name}" for name in METRICS_COLUMNS if name.startswith("engagement_rate")
}

# Content Type values to canonical media types. Documents are LinkedIn's PDF carousels.
MEDIA_TYPES = {
    "video": "video",
    "image": "photo",
    "photo": "photo",
    "images": "carousel",
    "multi-image": "carousel",
    "multi image": "carousel",
    "carousel": "carousel",
    "document": "carousel",
    "text": "text",
    "link": "link",
    "url": "link",
    "article": "link",
    "poll": "other",
    "event": "other",
    "newsletter": "other",
}
PAID = {"sponsored": True, "organic": False}
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")

_URN = re.compile(r"urn:li:[A-Za-z]+:\d+")
_NAME = re.compile(r"^(?P<company>.+?)_content_(?P<ms>\d{13})(?:\s*\(\d+\))?$")


# -- the account and the snapshot date -------------------------------------------------------
def _name_match(ctx: ReadContext) -> re.Match[str] | None:
    return _NAME.match(Path(ctx.file.rsplit(":", 1)[-1]).stem)


def account_ref(ctx: ReadContext) -> AccountRef:
    """The company in `<company>_content_<ms>.xls`, else --account, else the default."""
    m = _name_match(ctx)
    if m:
        company = m.group("company")
        if ctx.account and ctx.account != company:
            ctx.note(f"the file name names the page {company!r}; --account was not used.")
        return AccountRef(PLATFORM, company, name=company)
    if ctx.account:
        return AccountRef(PLATFORM, ctx.account)
    ctx.note(
        f"the file does not name the LinkedIn page; filed under {DEFAULT_HANDLE!r}. "
        "Import with --account <page> to file it under the right page."
    )
    return AccountRef(PLATFORM, DEFAULT_HANDLE)


def snapshot_date(ctx: ReadContext) -> dt.date:
    """The export day from the epoch-ms in the default name, unless the user gave --as-of."""
    m = _name_match(ctx)
    if m and ctx.as_of_source != "option":
        return dt.datetime.fromtimestamp(int(m.group("ms")) / 1000, dt.UTC).date()
    return ctx.as_of


# -- All posts -----------------------------------------------------------------------------
def post_ids(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    """The URN in each post link (`urn:li:activity:<id>`), or the whole link without one."""
    links = ids(frame, column, file).map(unquote)
    urns = links.str.extract(f"({_URN.pattern})", expand=False)
    return urns.where(urns.notna(), links)


def media_types(values: pd.Series) -> pd.Series:
    low = cleaned(values).str.casefold()
    return low.map(lambda v: MEDIA_TYPES.get(v, "other") if isinstance(v, str) else None)


def _media_from_post_type(out: pd.DataFrame, post_type: pd.Series) -> None:
    """Where Content Type says nothing, a Post type that is a media word ("Video") gives it."""
    low = cleaned(post_type).str.casefold()
    known = low.map(lambda v: MEDIA_TYPES.get(v) if isinstance(v, str) else None)
    current = out["media_type"] if "media_type" in out else pd.Series(None, index=out.index)
    out["media_type"] = current.where(current.notna(), known)


def _read_posts(
    table: Table, ctx: ReadContext, account: AccountRef, as_of: dt.date
) -> Iterator[Chunk]:
    f = table.fields
    for frame in table.frames():
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["external_id"] = post_ids(frame, f["post_link"], ctx.file)
        out["permalink"] = text(frame, f["post_link"])
        out["published_at"] = dates(frame, f["created_date"], ctx.file, DATE_FORMATS)
        if "post_title" in f:
            out["text"] = text(frame, f["post_title"])
        if "post_type" in f:
            kind = cleaned(frame[f["post_type"]]).str.casefold()
            out["is_paid"] = kind.map(lambda v: PAID.get(v) if isinstance(v, str) else None)
        if "content_type" in f:
            out["source_type"] = text(frame, f["content_type"])
            out["media_type"] = media_types(frame[f["content_type"]])
        if "post_type" in f:
            _media_from_post_type(out, frame[f["post_type"]])
        out["as_of"] = pd.Timestamp(as_of)
        add_numbers(out, frame, f, POST_METRICS, ctx.file)
        add_numbers(out, frame, f, POST_RATES, ctx.file, percent=True)
        for canonical, target in POST_TEXTS.items():
            if canonical in f:
                out[target] = text(frame, f[canonical])
        for canonical, target in POST_DATES.items():
            if canonical in f:
                day = dates(frame, f[canonical], ctx.file, DATE_FORMATS, required=False)
                out[target] = day.map(lambda d: None if pd.isna(d) else d.date().isoformat())
        yield Chunk("posts", account, out)


# -- Metrics -------------------------------------------------------------------------------
def metrics_table(table: Table) -> Table | None:
    """The daily Metrics sheet of the same workbook, found by its header like detection does."""
    for sheet in table.probe.sheets:
        if sheet.name == table.sheet:
            continue
        for index, row in enumerate(sheet.rows):
            if sum(1 for c in row if str(c).strip()) < 2:
                continue
            header = dedupe(row)
            while header and not header[-1]:
                header.pop()
            fields = map_fields(METRICS_SHEET, header)
            if all(r in fields for r in METRICS_SHEET.required):
                return Table(table.probe, sheet.name, index, header, fields=fields)
    return None


def _read_days(table: Table, ctx: ReadContext, account: AccountRef) -> Iterator[Chunk]:
    f = table.fields
    for frame in table.frames():
        summary = cleaned(frame[f["date"]]).str.casefold().str.startswith("total").fillna(False)
        frame = frame[~summary]
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["date"] = dates(frame, f["date"], ctx.file, DATE_FORMATS)
        add_numbers(out, frame, f, DAY_METRICS, ctx.file)
        add_numbers(out, frame, f, DAY_EXTRAS, ctx.file)
        add_numbers(out, frame, f, DAY_RATES, ctx.file, percent=True)
        negative = out[[c for c in DAY_METRICS.values() if c in out]].lt(0).any(axis=None)
        if negative:
            ctx.note(
                "some days have negative counts (LinkedIn subtracts un-likes and deleted "
                "comments): kept as written."
            )
        yield Chunk("account_days", account, out, rows_skipped=int(summary.sum()))


@contextmanager
def _in_sheet(sheet: str) -> Iterator[None]:
    """A bad cell's message names its sheet: the row numbers of both sheets overlap."""
    try:
        yield
    except RowInvalid as exc:
        raise RowInvalid(exc.file, exc.row, exc.column, f"{exc.detail} (sheet {sheet!r})") from None


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    account = account_ref(ctx)
    as_of = snapshot_date(ctx)
    ctx.note("LinkedIn gives the creation day of posts (UTC) without a time: stored as midnight.")
    with _in_sheet(table.sheet):
        yield from _read_posts(table, ctx, account, as_of)
    days = metrics_table(table)
    if days is None:
        ctx.note("the workbook has no daily Metrics sheet: only the posts were imported.")
        return
    with _in_sheet(days.sheet):
        yield from _read_days(days, ctx, account)


METRICS_SHEET = ExportFormat(
    name="linkedin_page_content_xls:metrics",
    platform=PLATFORM,
    title=N_("LinkedIn page content export – Metrics sheet (read with the All posts sheet)"),
    how_to=N_("The second sheet of the LinkedIn page content export."),
    columns=METRICS_COLUMNS,
    required=("date", "impressions_total"),
    read=read,
    extensions=(".xls", ".xlsx"),
    sheet="Metrics",
)

FORMAT = ExportFormat(
    name="linkedin_page_content_xls",
    platform=PLATFORM,
    title=N_("LinkedIn page – content export (posts and daily metrics, .xls)"),
    how_to=N_(
        "LinkedIn → your Company Page (admin view) → Analytics → Content → Export → choose a "
        "period → Export (an .xls with the sheets All posts and Metrics)."
    ),
    columns=COLUMNS,
    required=("post_link", "created_date", "impressions", "engagement_rate"),
    read=read,
    extensions=(".xls", ".xlsx"),
    file_pattern=r"_content_\d{10,}",
)
