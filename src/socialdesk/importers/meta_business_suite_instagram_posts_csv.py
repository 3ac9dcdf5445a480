"""Meta Business Suite → Insights → Content → Export: Instagram posts (CSV).

Known from documentation and third-party parsers only (no raw file seen; FORMATS.md 2).
Six independent sources agree on the header
`Post ID,Account ID,Account username,Account name,Description,Duration (sec),Publish time,
Permalink,Post type,Data comment,Date,Views,Reach,Likes,Shares,Follows,Comments,Saves`,
with the metric columns in another order in some of them (`…,Views,Likes,Shares,Comments,
Saves,Reach,Follows`): columns are matched by name, never by position. Quirks:

- The bytes are like the Facebook export of Business Suite: UTF-8 with a BOM, fields quoted
  when they hold a space or comma, multi-line captions quoted.
- Figures are lifetime totals as of the export; `Date` says "Lifetime" ("Looptijd"), not a
  date, so the snapshot date is the export's (file name, --as-of).
- Numbers may carry thousands separators (`"15,000"`).
- `Post type` is `IG image`, `IG carousel`, `IG reel` (also `IG video`, `IG story`); Dutch
  values like `IG-afbeelding` are a guess and map the same way.
- `Publish time` is `MM/DD/YYYY HH:MM`, as in the Facebook export.
- The account is named on every row (`Account username`, `Account name`, `Account ID`), so
  one file may hold several accounts; the username is the handle.
- Headers follow the UI language. The Dutch spellings here are constructed from Meta's Dutch
  terms in the Facebook export (Bericht-ID, Publicatietijdstip, Weergaven, Bereik, …) and are
  not confirmed by a real file.

It shares Post ID, Publish time, Post type and Permalink with the Facebook export, so
`account_username` is required here: the Facebook export has no such column.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import (
    NULL_TOKENS,
    add_numbers,
    datetimes,
    ids,
    number_columns,
    numbers,
    text,
)

PLATFORM = "instagram"
DEFAULT_HANDLE = "Instagram account"

COLUMNS: dict[str, tuple[str, ...]] = {
    "post_id": ("Post ID", "Bericht-ID"),
    "account_id": ("Account ID", "Account-ID"),
    "account_username": (
        "Account username",
        "Gebruikersnaam van account",
        "Accountgebruikersnaam",
    ),
    "account_name": ("Account name", "Accountnaam", "Naam van account"),
    "description": ("Description", "Omschrijving", "Beschrijving"),
    "duration": ("Duration (sec)", "Duur (sec.)", "Duur (sec)"),
    "publish_time": ("Publish time", "Publicatietijdstip"),
    "permalink": ("Permalink",),
    "post_type": ("Post type", "Berichttype"),
    "data_comment": ("Data comment", "Opmerking data"),
    "date": ("Date", "Datum"),
    "views": ("Views", "Weergaven"),
    "impressions": ("Impressions", "Weergaven (impressies)", "Vertoningen"),
    "reach": ("Reach", "Bereik"),
    "likes": ("Likes", "Vind-ik-leuks"),
    "shares": ("Shares", "Deelacties"),
    "follows": ("Follows", "Volgacties", "Nieuwe volgers"),
    "comments": ("Comments", "Opmerkingen"),
    "saves": ("Saves", "Opgeslagen", "Bewaard"),
    "profile_visits": ("Profile visits", "Profielbezoeken"),
    "replies": ("Replies", "Antwoorden"),
}

# Post type values (English and a guessed Dutch) to canonical media types.
MEDIA_TYPES = {
    "ig image": "photo",
    "ig photo": "photo",
    "ig-afbeelding": "photo",
    "ig-foto": "photo",
    "ig carousel": "carousel",
    "ig-carrousel": "carousel",
    "ig carrousel": "carousel",
    "ig reel": "reel",
    "ig-reel": "reel",
    "ig video": "video",
    "ig-video": "video",
    "ig story": "story",
    "ig-verhaal": "story",
    "ig verhaal": "story",
}

PUBLISH_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")

METRICS = {
    "views": "views",
    "impressions": "impressions",
    "reach": "reach",
    "likes": "likes",
    "shares": "shares",
    "follows": "follows",
    "comments": "comments",
    "saves": "saves",
    "profile_visits": "profile_visits",
}
EXTRAS = {"replies": "extra:replies"}


def media_type(values: pd.Series) -> pd.Series:
    """Canonical media type of each `Post type` value; unknown values are "other"."""
    seen: dict[str, str | None] = {}  # a few distinct values in many rows

    def kind(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        if value not in seen:
            low = value.strip()
            seen[value] = None if low in NULL_TOKENS else MEDIA_TYPES.get(low.casefold(), "other")
        return seen[value]

    return pd.Series([kind(v) for v in values], index=values.index, dtype=object)


def _accounts(out: pd.DataFrame, frame: pd.DataFrame, f: dict[str, str], ctx: ReadContext) -> None:
    """Per-row account columns: the username, else the name, else the id, else a fallback."""
    handle = pd.Series(None, index=frame.index, dtype=object)
    for canonical, target in (
        ("account_username", None),
        ("account_name", "account_name"),
        ("account_id", "account_external_id"),
    ):
        if canonical not in f:
            continue
        if canonical == "account_id":
            values = ids(frame, f[canonical], ctx.file, required=False)
        else:
            values = text(frame, f[canonical])
            values = pd.Series(
                [v.strip() if v else v for v in values], index=values.index, dtype=object
            )
        if target:
            out[target] = values
        handle = handle.where(handle.notna(), values)
    if handle.isna().any():
        fallback = ctx.account or DEFAULT_HANDLE
        if not ctx.account:
            ctx.note(
                f"some rows do not name their Instagram account; filed under {fallback!r}. "
                "Import with --account <username> to file them under the right account."
            )
        handle = handle.fillna(fallback)
    out["account_handle"] = handle


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    numeric = number_columns(f, METRICS, EXTRAS, {"duration": "duration_seconds"})
    for frame in table.frames(numeric=numeric):
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["external_id"] = ids(frame, f["post_id"], ctx.file)
        _accounts(out, frame, f, ctx)
        out["published_at"] = datetimes(frame, f["publish_time"], ctx.file, PUBLISH_FORMATS)
        if "description" in f:
            out["text"] = text(frame, f["description"])
        out["source_type"] = text(frame, f["post_type"])
        out["media_type"] = media_type(frame[f["post_type"]])
        if "permalink" in f:
            out["permalink"] = text(frame, f["permalink"])
        if "duration" in f:
            out["duration_seconds"] = numbers(frame, f["duration"], ctx.file)
        out["as_of"] = pd.Timestamp(ctx.as_of)
        add_numbers(out, frame, f, METRICS, ctx.file)
        add_numbers(out, frame, f, EXTRAS, ctx.file)
        if "data_comment" in f:
            out["extra:data_comment"] = text(frame, f["data_comment"])
        yield Chunk("posts", AccountRef(PLATFORM, ctx.account or DEFAULT_HANDLE), out)


FORMAT = ExportFormat(
    name="meta_business_suite_instagram_posts_csv",
    platform=PLATFORM,
    title=N_("Meta Business Suite – Instagram posts (CSV)"),
    how_to=N_(
        "Meta Business Suite → Insights → Content → choose Instagram and a period → "
        "Export data → CSV."
    ),
    columns=COLUMNS,
    required=("post_id", "account_username", "publish_time", "post_type"),
    read=read,
)
