"""Meta Business Suite → Insights → a page-level chart → Export: one daily series (CSV).

Known from documentation only (FORMATS.md 1b, a third-party data catalogue; no real file
seen): UTF-16 LE with a BOM; line 1 `sep=,` (Excel's delimiter hint), line 2 the metric's
name (`"Facebook follows"`), then the header `"Date","Primary"` and one row per day,
`"2025-08-01T00:00:00","20"`. One file holds one metric, so several files (follows, reach,
visits…) fill different columns of the same days. Columns beside `Primary` (a comparison
period, if Meta adds one) are not imported; the import says so.

The metric name decides the platform and the column. A leading "Facebook" or "Instagram"
(in Dutch joined by a hyphen: "Facebook-volgers", "Instagram-bereik") names the platform (no
prefix: Facebook), the rest the metric, matched case-insensitively against METRIC_NAMES:

- followers / page followers (Dutch volgers) → `followers`, the number of followers on the
  day (a total); follows / new follows / new followers (volgacties, nieuwe volgers) →
  `followers_gained`; unfollows → `followers_lost`. A total and a change never share a
  column, so the overview can show both the count and how it changed.
- reach / accounts reached (bereik) → reach, views (weergaven) → views, impressions →
  impressions, visits / page visits / profile visits (bezoeken, profielbezoeken) →
  profile_views, content interactions / interactions / engagements → engagements,
  reactions, comments, shares (reacties, opmerkingen, deelacties) → those columns.
- link clicks (clicks on links in posts, not all clicks) → extra:link_clicks; Instagram's
  website taps / external link taps (the link in the profile) → extra:website_taps.

Instagram's account insights come through this same export, with the "Instagram" prefix:
reach, views, profile visits, follows, unfollows, followers and website taps land in the
columns above, on the Instagram account. The English names come from documentation; the
Dutch ones (and the Dutch header `"Datum","Primair"`) are ASSUMED from Meta's Dutch terms in
the real Dutch posts export and its Dutch UI: no Dutch page-level export has been seen. A
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
    "date": ("Date", "Datum"),  # Dutch ASSUMED
    "primary": ("Primary", "Primair"),  # Dutch ASSUMED
}

# The metric's name without its platform prefix, folded -> the account_day column it fills.
# English names from documentation; the Dutch ones are ASSUMED (no Dutch page-level export
# seen): Meta's Dutch terms of the real posts export (Weergaven, Bereik, Reacties,
# Opmerkingen, Deelacties) and of its Dutch UI (Volgers, Volgacties, Profielbezoeken, ...).
METRIC_NAMES: dict[str, str] = {
    # the number of followers on the day (a total, not a change)
    "followers": "followers",
    "page followers": "followers",
    "total followers": "followers",
    "volgers": "followers",
    "paginavolgers": "followers",
    "totaal aantal volgers": "followers",
    # people who started following that day
    "follows": "followers_gained",
    "new follows": "followers_gained",
    "new followers": "followers_gained",
    "page follows": "followers_gained",
    "volgacties": "followers_gained",
    "nieuwe volgers": "followers_gained",
    "nieuwe volgacties": "followers_gained",
    # people who stopped following that day
    "unfollows": "followers_lost",
    "page unfollows": "followers_lost",
    "ontvolgacties": "followers_lost",
    "ontvolgingen": "followers_lost",
    "niet meer volgen": "followers_lost",
    "reach": "reach",
    "accounts reached": "reach",
    "bereik": "reach",
    "bereikte accounts": "reach",
    "views": "views",
    "weergaven": "views",
    "impressions": "impressions",
    "impressies": "impressions",
    "visits": "profile_views",
    "page visits": "profile_views",
    "profile visits": "profile_views",
    "bezoeken": "profile_views",
    "paginabezoeken": "profile_views",
    "profielbezoeken": "profile_views",
    "content interactions": "engagements",
    "interactions": "engagements",
    "engagements": "engagements",
    "interacties": "engagements",
    "interacties met content": "engagements",
    "contentinteracties": "engagements",
    "reactions": "reactions",
    "reacties": "reactions",
    "comments": "comments",
    "opmerkingen": "comments",
    "shares": "shares",
    "deelacties": "shares",
    # clicks on links in posts (not all clicks)
    "link clicks": "extra:link_clicks",
    "linkklikken": "extra:link_clicks",
    "klikken op link": "extra:link_clicks",
    # taps on the website link of an Instagram profile (Meta renamed them external link taps)
    "website taps": "extra:website_taps",
    "website clicks": "extra:website_taps",
    "external link taps": "extra:website_taps",
    "tikken op website": "extra:website_taps",
    "websitetikken": "extra:website_taps",
    "tikken op externe link": "extra:website_taps",
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
        # "Facebook follows"; Dutch joins the words: "Facebook-volgers", "Instagram-bereik"
        if folded.startswith((prefix + " ", prefix + "-")):
            platform, folded = prefix, folded[len(prefix) + 1 :].strip()
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
