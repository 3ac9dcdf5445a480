"""Meta Business Suite → Insights → a page-level chart → Export: one daily series (CSV).

Known from documentation only (FORMATS.md 1b, a third-party data catalogue; no real file
seen): UTF-16 LE with a BOM; line 1 `sep=,` (Excel's delimiter hint), line 2 the metric's
name (`"Facebook follows"`), then the header `"Date","Primary"` and one row per day,
`"2025-08-01T00:00:00","20"`. One file holds one metric, so several files (follows, reach,
visits…) fill different columns of the same days. Columns beside `Primary` (a comparison
period, if Meta adds one) are not imported; the import says so.

The metric name decides the platform and the column. A leading "Facebook" or "Instagram"
names the platform (no prefix: Facebook), the rest the metric, matched case-insensitively
against METRIC_NAMES: follows → followers_gained, unfollows → followers_lost, reach → reach,
views → views, impressions → impressions, visits / page visits / profile visits →
profile_views, content interactions / interactions / engagements → engagements, reactions,
comments, shares → those columns; link clicks (not all clicks) go to extra:link_clicks. A
name it does not know is stored in the days' extra figures under its own name (e.g.
extra:facebook_minutes_viewed), and the import names it, so nothing is silently misfiled.

The file does not name the page: the account is the user's --account, else "Facebook page"
(or "Instagram account").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from socialdesk.errors import ImportError_
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table, normalise_header
from socialdesk.importers.values import dates, numbers

COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("Date",),
    "primary": ("Primary",),
}

# The metric's name without its platform prefix, folded -> the account_day column it fills.
METRIC_NAMES: dict[str, str] = {
    "follows": "followers_gained",
    "new follows": "followers_gained",
    "unfollows": "followers_lost",
    "reach": "reach",
    "views": "views",
    "impressions": "impressions",
    "visits": "profile_views",
    "page visits": "profile_views",
    "profile visits": "profile_views",
    "content interactions": "engagements",
    "interactions": "engagements",
    "engagements": "engagements",
    "reactions": "reactions",
    "comments": "comments",
    "shares": "shares",
    "link clicks": "extra:link_clicks",
}
PLATFORMS = {
    "facebook": ("facebook", "Facebook page"),
    "instagram": ("instagram", "Instagram account"),
}
DATE_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
_SEP_HINT = re.compile(r"^\s*sep\s*=", re.IGNORECASE)


def metric_name(table: Table) -> str | None:
    """The metric's name: the last line above the header that is not Excel's `sep=` hint."""
    for row in reversed(table.preamble()):
        cells = [str(c).strip() for c in row if str(c).strip()]
        if not cells or _SEP_HINT.match(cells[0]):
            continue
        return " ".join(cells)
    return None


def resolve(name: str) -> tuple[str, str, bool]:
    """(platform, target column, known) for a metric name like "Facebook follows"."""
    folded = normalise_header(name)
    platform = "facebook"
    for prefix in PLATFORMS:
        if folded.startswith(prefix + " "):
            platform, folded = prefix, folded[len(prefix) + 1 :]
            break
    target = METRIC_NAMES.get(folded)
    if target:
        return platform, target, True
    slug = re.sub(r"[^a-z0-9]+", "_", normalise_header(name)).strip("_") or "value"
    return platform, f"extra:{slug}", False


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    name = metric_name(table)
    if name is None:
        raise ImportError_(
            ctx.file,
            'the metric\'s name is missing: Meta writes it on the line above "Date","Primary" '
            '(for example "Facebook follows"). Export the chart again.',
        )
    platform, target, known = resolve(name)
    if not known:
        ctx.note(
            f"the metric {name!r} is not one socialdesk knows; its figures are kept in the days' "
            f"extra figures as {target.removeprefix('extra:')!r}."
        )
    others = [h for h in table.header if h not in f.values() and h.strip()]
    if others:
        ctx.note("only the Primary series was imported; not: " + ", ".join(map(repr, others)))
    default = PLATFORMS[platform][1]
    handle = ctx.account or default
    if not ctx.account:
        ctx.note(
            f"the file does not name the page; filed under {default!r}. Import with "
            "--account <page> to file it with the page's posts."
        )
    account = AccountRef(platform, handle)
    for frame in table.frames():
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["date"] = dates(frame, f["date"], ctx.file, DATE_FORMATS)
        out[target] = numbers(frame, f["primary"], ctx.file).values
        yield Chunk("account_days", account, out)


FORMAT = ExportFormat(
    name="meta_business_suite_page_daily_csv",
    platform="facebook",
    title=N_("Meta Business Suite – page insights, one daily series (CSV)"),
    how_to=N_(
        "Meta Business Suite → Insights → Results or Audience → the chart of one metric "
        "(follows, reach, views, visits…) → Export → CSV; one file per metric."
    ),
    columns=COLUMNS,
    required=("date", "primary"),
    read=read,
)
