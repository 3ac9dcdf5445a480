"""Legacy Facebook Insights → Export Data → Post data (CSV), 2013–2018 (FORMATS.md 1a).

Default file name `Facebook Insights Data Export (Post Level) - <Page> - <YYYY-MM-DD>.csv`;
UTF-8 with a BOM, fields with a space quoted. Quirks:

- Row 2 describes every metric (`,,,,,,,,"Lifetime: The total number of people … (Unique
  Users)",…`). It is detected, not assumed (some re-saves drop it), and skipped; its
  "(Total Count)" / "(Unique Users)" endings tell apart the columns that share a name.
- Duplicate header names: "Lifetime Organic Video Views" (and the paid and 95% ones) appear
  twice, de-duplicated by position to "… [2]". One is the Total Count, one Unique Users:
  the description row decides; without it the first is taken as the Total Count (as in the
  2015 and 2017 files) and a note says so.
- The two negative-feedback columns are named the wrong way round for what they hold:
  "Lifetime Negative Feedback from Users" is the Total Count (times) and "Lifetime Negative
  feedback" the Unique Users (people). negative_feedback is the Total Count.
- `Posted` is `01/19/2017 09:03:47 AM` (2017) or `10/1/2015 21:00` (2015), taken as written.
- `Post ID` is `<pageid>_<postid>`: the page id names the account, the post id (the part
  after the underscore, as Meta Business Suite writes it) is the post's external id.
- `Audience Targeting` holds a single space: NULL.
- The column set changed over time (2015 "views to 95%", 2017 "watches at 95%", 2018
  "Matched Audience Targeting Consumers on Post"); figures without a canonical home (fan
  reach, 95% watches, breakdowns by action type, video length and average time viewed,
  whose unit the export does not state) are kept in the post's extra figures.

Mapping: Total Reach → reach, Paid Reach → paid_reach, Total Impressions → impressions,
Paid Impressions → paid_impressions, Engaged Users → engagements, Post Stories by action
type – like/comment/share → likes/comments/shares, Consumptions by type – link/other
clicks → link_clicks/other_clicks, organic + paid 3-second video views (Total Count) →
video_views; Consumers and Consumptions go to extra. is_paid is whether the post had paid
impressions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table, normalise_header
from socialdesk.importers.values import cleaned, datetimes, ids, numbers, text

PLATFORM = "facebook"
DEFAULT_HANDLE = "Facebook page"

_CONSUMPTIONS_BY = "Lifetime Post Consumptions by type - "
_MATCHED_BY = "Lifetime Matched Audience Targeting Consumptions by Type - "
_STORIES_BY = "Lifetime Post Stories by action type - "

COLUMNS: dict[str, tuple[str, ...]] = {
    "post_id": ("Post ID",),
    "permalink": ("Permalink",),
    "message": ("Post Message",),
    "type": ("Type",),
    "countries": ("Countries",),
    "languages": ("Languages",),
    "posted": ("Posted",),
    "audience_targeting": ("Audience Targeting",),
    "reach": ("Lifetime Post Total Reach",),
    "organic_reach": ("Lifetime Post organic reach",),
    "paid_reach": ("Lifetime Post Paid Reach",),
    "impressions": ("Lifetime Post Total Impressions",),
    "organic_impressions": ("Lifetime Post Organic Impressions",),
    "paid_impressions": ("Lifetime Post Paid Impressions",),
    "engaged_users": ("Lifetime Engaged Users",),
    "consumers": (
        "Lifetime Post Consumers",
        "Lifetime Matched Audience Targeting Consumers on Post",
    ),
    "consumptions": (
        "Lifetime Post Consumptions",
        "Lifetime Matched Audience Targeting Consumptions on Post",
    ),
    "negative_feedback_people": ("Lifetime Negative feedback",),
    "negative_feedback_times": ("Lifetime Negative Feedback from Users",),
    "likes": (_STORIES_BY + "like",),
    "comments": (_STORIES_BY + "comment",),
    "shares": (_STORIES_BY + "share",),
    "link_clicks": (_CONSUMPTIONS_BY + "link clicks", _MATCHED_BY + "link clicks"),
    "other_clicks": (_CONSUMPTIONS_BY + "other clicks", _MATCHED_BY + "other clicks"),
    "organic_video_views": ("Lifetime Organic Video Views",),
    "organic_video_views_2": ("Lifetime Organic Video Views [2]",),
    "paid_video_views": ("Lifetime Paid Video Views",),
    "paid_video_views_2": ("Lifetime Paid Video Views [2]",),
    "organic_watches_95": ("Lifetime Organic watches at 95%", "Lifetime Organic views to 95%"),
    "organic_watches_95_2": (
        "Lifetime Organic watches at 95% [2]",
        "Lifetime Organic views to 95% [2]",
    ),
    "paid_watches_95": ("Lifetime Paid watches at 95%", "Lifetime Paid views to 95%"),
    "paid_watches_95_2": ("Lifetime Paid watches at 95% [2]", "Lifetime Paid views to 95% [2]"),
}

METRICS = {
    "reach": "reach",
    "paid_reach": "paid_reach",
    "impressions": "impressions",
    "paid_impressions": "paid_impressions",
    "engaged_users": "engagements",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
    "link_clicks": "link_clicks",
    "other_clicks": "other_clicks",
}
EXTRAS = {
    "organic_reach": "extra:organic_reach",
    "organic_impressions": "extra:organic_impressions",
    "consumers": "extra:consumers",
    "consumptions": "extra:consumptions",
}
# Fields that share a header name: (first, second, extra name of the Total Count, of the
# Unique Users, whether the first is the Total Count when no description row says).
PAIRS = (
    (
        "organic_video_views",
        "organic_video_views_2",
        "organic_video_views",
        "organic_video_viewers",
        True,
    ),
    ("paid_video_views", "paid_video_views_2", "paid_video_views", "paid_video_viewers", True),
    (
        "organic_watches_95",
        "organic_watches_95_2",
        "organic_watches_95",
        "organic_watchers_95",
        True,
    ),
    ("paid_watches_95", "paid_watches_95_2", "paid_watches_95", "paid_watchers_95", True),
    (
        "negative_feedback_times",
        "negative_feedback_people",
        "negative_feedback",
        "negative_feedback_people",
        True,
    ),
)

MEDIA_TYPES = {
    "photo": "photo",
    "link": "link",
    "video": "video",
    "shared video": "video",
    "status": "text",
    "note": "text",
    "event": "other",
    "offer": "other",
    "music": "other",
}
POSTED_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y",
)
_DESCRIPTION = re.compile(r"^\s*(lifetime|daily|weekly|28 days|7 days)\s*:", re.IGNORECASE)
_FILE_NAME = re.compile(
    r"Facebook Insights Data Export \(Post Level\) - (?P<page>.+?) - \d{4}-\d{2}-\d{2}",
    re.IGNORECASE,
)


# -- the description row -------------------------------------------------------------------
def _row_below_header(table: Table) -> list[str] | None:
    for sheet in table.probe.sheets:
        if sheet.name == table.sheet and len(sheet.rows) > table.header_index + 1:
            return sheet.rows[table.header_index + 1]
    return None


def _is_description(row: list[str], post_id_index: int) -> bool:
    first = row[post_id_index].strip() if post_id_index < len(row) else ""
    return not first and any(_DESCRIPTION.match(str(c)) for c in row)


def measures(table: Table) -> dict[str, str]:
    """header -> "total" | "unique", from the description row (which it also skips).

    A breakdown group describes only its first column; the others inherit that.
    """
    row = _row_below_header(table)
    if row is None or not _is_description(row, table.header.index(table.col("post_id"))):
        return {}
    table.skip_after_header = 1
    out: dict[str, str] = {}
    current: str | None = None
    for header, cell in zip(table.header, row, strict=False):
        cell = str(cell)
        if cell.strip():
            low = cell.casefold()
            current = (
                "unique"
                if "(unique users)" in low
                else ("total" if "(total count)" in low else None)
            )
        if current:
            out[header] = current
    return out


def _description_rows(frame: pd.DataFrame, post_id: str) -> pd.Series:
    """Description rows met among the data (when the probe did not reach them)."""
    empty_id = cleaned(frame[post_id]).isna()
    if not empty_id.any():
        return empty_id.astype(bool)
    cells = frame.drop(columns=[ROW_COL]).astype(str)
    described = cells.apply(lambda col: col.str.match(_DESCRIPTION)).any(axis=1)
    return (empty_id & described).astype(bool)


# -- columns -------------------------------------------------------------------------------
def _slug(header: str) -> str:
    name = re.sub(r"^lifetime\s+", "", normalise_header(header))
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def pair_targets(f: dict[str, str], found: dict[str, str], ctx: ReadContext) -> dict[str, str]:
    """canonical field -> extra name for the fields that share a header name."""
    out: dict[str, str] = {}
    for first, second, total, unique, first_is_total in PAIRS:
        if first not in f or second not in f:
            for name, default in (
                (first, total if first_is_total else unique),
                (second, unique if first_is_total else total),
            ):
                if name in f:
                    kind = found.get(f[name])
                    out[name] = {"total": total, "unique": unique}.get(kind or "", default)
            continue
        m1, m2 = found.get(f[first]), found.get(f[second])
        if m1 is None and m2 is None:
            ctx.note(
                "no description row under the header: of two columns with the same name the "
                "first is read as the Total Count and the second as Unique Users, and "
                "'Negative Feedback from Users' as the Total Count (as in the 2015-2017 files)."
            )
            is_total = first_is_total
        else:
            is_total = m1 == "total" or m2 == "unique"
        out[first], out[second] = (total, unique) if is_total else (unique, total)
    return out


def _generic_extras(table: Table, taken: set[str]) -> dict[str, str]:
    """Every other figure column (breakdowns, fan reach, video length) -> its extra name."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for header in table.header:
        if header in taken or not header or header == ROW_COL:
            continue
        base = re.sub(r" \[\d+\]$", "", header)
        name = _slug(base)
        n = 2
        while name in used:
            name = f"{_slug(base)}_{n}"
            n += 1
        used.add(name)
        out[header] = name
    return out


# -- rows ----------------------------------------------------------------------------------
def _media_type(values: pd.Series) -> pd.Series:
    low = cleaned(values).str.casefold()
    return low.map(lambda v: MEDIA_TYPES.get(v, "other") if isinstance(v, str) else None)


def _page_name(ctx: ReadContext) -> str | None:
    m = _FILE_NAME.search(Path(ctx.file.rsplit(":", 1)[-1]).name)
    return m.group("page").strip() if m else None


def _account(
    out: pd.DataFrame, page_ids: pd.Series, ctx: ReadContext, page_name: str | None
) -> AccountRef:
    pages = page_ids.dropna().unique().tolist()
    page_id = str(pages[0]) if pages else None
    if len(pages) > 1:
        ctx.note("the Post IDs name several pages: each post is filed under its page id.")
        out["account_handle"] = page_ids.fillna(page_name or ctx.account or DEFAULT_HANDLE)
        out["account_external_id"] = page_ids
    handle = page_name or ctx.account or page_id
    if handle is None:
        handle = DEFAULT_HANDLE
        ctx.note(
            f"the file does not name its page; filed under {DEFAULT_HANDLE!r}. "
            "Import with --account <page> to file it under the right page."
        )
    return AccountRef(PLATFORM, handle, name=page_name, external_id=page_id)


def _split_ids(frame: pd.DataFrame, column: str, file: str) -> tuple[pd.Series, pd.Series]:
    """(post ids, page ids) from `<pageid>_<postid>`; a bare id has no page id."""
    full = ids(frame, column, file).astype(str)
    parts = full.str.extract(r"^(?:(?P<page>\d+)_)?(?P<post>.+)$")
    pages = parts["page"].astype(object).where(parts["page"].notna(), None)
    return parts["post"].astype(object), pages


def _numbers(out: pd.DataFrame, frame: pd.DataFrame, columns: dict[str, str], file: str) -> None:
    for header, target in columns.items():
        out[target] = numbers(frame, header, file).values


def _figures_or_text(
    out: pd.DataFrame, frame: pd.DataFrame, columns: dict[str, str], file: str
) -> None:
    """Columns this module does not know: figures when every cell is a number, else text
    kept as written (a column of another export version is never refused for its type)."""
    for header, target in columns.items():
        try:
            out[target] = numbers(frame, header, file).values
        except RowInvalid:
            out[target] = text(frame, header).values


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    found = measures(table)
    pairs = pair_targets(f, found, ctx)
    taken = set(f.values())
    metric_cols = {f[c]: t for c, t in METRICS.items() if c in f}
    metric_cols |= {f[c]: e for c, e in EXTRAS.items() if c in f}
    metric_cols |= {f[c]: f"extra:{name}" for c, name in pairs.items()}
    other_cols = {h: f"extra:{n}" for h, n in _generic_extras(table, taken).items()}
    page_name = _page_name(ctx)
    for frame in table.frames():
        described = _description_rows(frame, f["post_id"])
        frame = frame[~described]
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["external_id"], page_ids = _split_ids(frame, f["post_id"], ctx.file)
        ref = _account(out, page_ids, ctx, page_name)
        out["published_at"] = datetimes(frame, f["posted"], ctx.file, POSTED_FORMATS)
        for canonical, target in (
            ("message", "text"),
            ("permalink", "permalink"),
            ("languages", "language"),
        ):
            if canonical in f:
                out[target] = text(frame, f[canonical])
        if "type" in f:
            out["source_type"] = text(frame, f["type"])
            out["media_type"] = _media_type(frame[f["type"]])
        for canonical in ("countries", "audience_targeting"):
            if canonical in f:
                out[f"extra:{canonical}"] = text(frame, f[canonical])
        out["as_of"] = pd.Timestamp(ctx.as_of)
        _numbers(out, frame, metric_cols, ctx.file)
        _figures_or_text(out, frame, other_cols, ctx.file)
        _derived(out)
        yield Chunk("posts", ref, out, rows_skipped=int(described.sum()))


def _derived(out: pd.DataFrame) -> None:
    """video_views (organic + paid Total Count), negative_feedback and is_paid."""
    views = [c for c in ("extra:organic_video_views", "extra:paid_video_views") if c in out]
    if views:
        out["video_views"] = out[views].sum(axis=1, min_count=1)
    if "extra:negative_feedback" in out:
        out["negative_feedback"] = out.pop("extra:negative_feedback")
    if "paid_impressions" in out:
        paid = out["paid_impressions"]
        out["is_paid"] = (paid > 0).astype(object).where(paid.notna(), None)


FORMAT = ExportFormat(
    name="facebook_insights_posts_csv",
    platform=PLATFORM,
    title=N_("Facebook Insights (legacy) – post data (CSV)"),
    how_to=N_(
        "Legacy Facebook Insights (until 2018) → Export Data → Post data, choose a date "
        "range and the CSV file format → Export Data."
    ),
    columns=COLUMNS,
    required=("post_id", "permalink", "posted", "reach"),
    read=read,
    file_pattern=r"facebook insights data export \(post level\)",
)
