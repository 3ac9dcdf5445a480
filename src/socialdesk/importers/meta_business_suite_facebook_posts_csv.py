"""Meta Business Suite → Insights → Content → Export: Facebook posts (CSV, English or Dutch).

Figures are lifetime totals as of the export; `Date` says "Lifetime" ("Looptijd").
Publish time is MM/DD/YYYY HH:MM even in the Dutch UI. The caption sits in Title or in
Description depending on the post type.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import add_numbers, datetimes, ids, number_columns, numbers, text

COLUMNS: dict[str, tuple[str, ...]] = {
    "post_id": ("Post ID", "Bericht-ID"),
    "page_id": ("Page ID", "Pagina-ID"),
    "page_name": ("Page name", "Naam van pagina"),
    "account_username": ("Account username", "Gebruikersnaam van account"),  # Instagram only
    "title": ("Title", "Titel"),
    "description": ("Description", "Omschrijving"),
    "duration": ("Duration (sec)", "Duur (sec.)"),
    "publish_time": ("Publish time", "Publicatietijdstip"),
    "caption_type": ("Caption type", "Type onderschrift"),
    "permalink": ("Permalink",),
    "post_type": ("Post type", "Berichttype"),
    "languages": ("Languages", "Talen"),
    "funded": ("Funded content status", "Status gefinancierde content"),
    "date": ("Date", "Datum"),
    "views": ("Views", "Weergaven"),
    "impressions": ("Impressions", "Weergaven (impressies)"),
    "reach": ("Reach", "Bereik"),
    "interactions": ("Reactions, Comments and Shares", "Reacties, opmerkingen en deelacties"),
    "reactions": ("Reactions", "Reacties"),
    "comments": ("Comments", "Opmerkingen"),
    "shares": ("Shares", "Deelacties"),
    "total_clicks": ("Total clicks", "Totaal aantal klikken"),
    "link_clicks": ("Link Clicks", "Linkklikken", "Klikken op link"),
    "other_clicks": ("Other Clicks", "Overige klikken"),
    "photo_clicks": (
        "Matched Audience Targeting Consumption (Photo Click)",
        "Consumptie overeenkomend met doelgroeptargeting (Photo Click)",
    ),
    "hide_all": (
        "Negative feedback from users: Hide all",
        "Negatieve feedback van gebruikers: Alles verbergen",
    ),
    "hide": ("Negative feedback from users: Hide", "Negatieve feedback van gebruikers: Verbergen"),
    "seconds_viewed": ("Seconds viewed", "Aantal seconden bekeken"),
    "avg_seconds_viewed": ("Average Seconds viewed", "Gemiddeld aantal seconden bekeken"),
}

# Post type values, localised, to canonical media types.
MEDIA_TYPES = {
    "photos": "photo",
    "photo": "photo",
    "foto's": "photo",
    "foto": "photo",
    "videos": "video",
    "video": "video",
    "video's": "video",
    "reels": "reel",
    "reel": "reel",
    "links": "link",
    "link": "link",
    "text": "text",
    "status": "text",
    "tekst": "text",
    "carousel": "carousel",
    "album": "carousel",
    "stories": "story",
    "story": "story",
    "live": "video",
}

PUBLISH_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y",
)

METRICS = {
    "views": "views",
    "impressions": "impressions",
    "reach": "reach",
    "interactions": "engagements",
    "reactions": "reactions",
    "comments": "comments",
    "shares": "shares",
    "total_clicks": "clicks",
    "link_clicks": "link_clicks",
    "other_clicks": "other_clicks",
    "hide_all": "negative_feedback",
}
EXTRAS = {
    "photo_clicks": "extra:photo_clicks",
    "hide": "extra:hide",
    "seconds_viewed": "extra:seconds_viewed",
    "avg_seconds_viewed": "extra:avg_seconds_viewed",
}


def media_type(values: pd.Series) -> pd.Series:
    seen: dict[str, str | None] = {}  # a few distinct values in many rows

    def kind(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        if value not in seen:
            low = value.strip().casefold()
            seen[value] = MEDIA_TYPES.get(low, "other") if low else None
        return seen[value]

    return pd.Series([kind(v) for v in values], index=values.index, dtype=object)


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    numeric = number_columns(f, METRICS, EXTRAS, {"duration": "duration_seconds"})
    for frame in table.frames(numeric=numeric):
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["external_id"] = ids(frame, f["post_id"], ctx.file)
        if "page_name" in f:
            out["account_name"] = text(frame, f["page_name"])
            out["account_handle"] = out["account_name"]
        if "page_id" in f:
            out["account_external_id"] = ids(frame, f["page_id"], ctx.file, required=False)
            if "account_handle" not in out:
                out["account_handle"] = out["account_external_id"]
            out["account_handle"] = out["account_handle"].fillna(out["account_external_id"])
        out["published_at"] = datetimes(frame, f["publish_time"], ctx.file, PUBLISH_FORMATS)
        title = text(frame, f["title"]) if "title" in f else pd.Series(None, index=frame.index)
        desc = (
            text(frame, f["description"])
            if "description" in f
            else pd.Series(None, index=frame.index)
        )
        out["title"] = title
        out["text"] = desc.where(desc.notna(), title)
        if "post_type" in f:
            out["source_type"] = text(frame, f["post_type"])
            out["media_type"] = media_type(frame[f["post_type"]])
        if "permalink" in f:
            out["permalink"] = text(frame, f["permalink"])
        if "languages" in f:
            out["language"] = text(frame, f["languages"])
        if "duration" in f:
            out["duration_seconds"] = numbers(frame, f["duration"], ctx.file)
        if "funded" in f:
            funded = text(frame, f["funded"])
            is_paid = np.full(len(frame), None, dtype=object)
            is_paid[funded.notna().to_numpy()] = True
            out["is_paid"] = pd.Series(is_paid, index=frame.index, dtype=object)
        out["as_of"] = pd.Timestamp(ctx.as_of)
        add_numbers(out, frame, f, METRICS, ctx.file)
        add_numbers(out, frame, f, EXTRAS, ctx.file)
        handle = ctx.account or "Facebook page"
        yield Chunk("posts", AccountRef("facebook", handle), out)


FORMAT = ExportFormat(
    name="meta_business_suite_facebook_posts_csv",
    platform="facebook",
    title=N_("Meta Business Suite – Facebook posts (CSV)"),
    how_to=N_(
        "Meta Business Suite → Insights → Content → choose Facebook and a period → "
        "Export data → CSV."
    ),
    columns=COLUMNS,
    required=("post_id", "publish_time", "post_type", "permalink"),
    forbidden=("account_username",),
    read=read,
)
