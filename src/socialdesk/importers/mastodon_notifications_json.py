"""Mastodon REST API JSON: notifications (GET /api/v1/notifications) or statuses.

Notifications: [{"id", "type": "mention", "created_at", "account": {...}, "status": {...}}];
only mentions are messages (favourites, boosts and follows are not). Statuses (a thread's
context, an account's statuses): [{"id", "created_at", "content" (HTML), "in_reply_to_id",
"visibility", "language", "url", "account": {"acct", "display_name", "followers_count"}}].
A status with visibility "direct" is a direct message. The organisation is --account (its
acct); without it no status is taken as the organisation's own. Boosts (a status whose
"reblog" is set) are not messages and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from socialdesk.importers._messages import html_text, message_frame, utc
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.jsonprobe import json_records
from socialdesk.importers.tabular import Table

PLATFORM = "mastodon"
COLUMNS: dict[str, tuple[str, ...]] = {
    "container": ("$",),
    "id": ("id",),
    "created_at": ("created_at",),
    "content": ("content", "status.content"),
    "acct": ("account.acct",),
    "type": ("type",),
    "visibility": ("visibility", "status.visibility"),
}


def status_record(status: dict[str, Any], org: str | None) -> dict[str, Any]:
    account = status.get("account") or {}
    acct = account.get("acct") or account.get("username") or "unknown"
    reply_to = status.get("in_reply_to_id")
    direct = status.get("visibility") == "direct"
    return {
        "external_id": status.get("id"),
        "received_at": utc(status.get("created_at")),
        "text": html_text(status.get("content")),
        "author_handle": acct,
        "author_name": account.get("display_name") or None,
        "author_followers": account.get("followers_count"),
        "language": status.get("language"),
        "is_from_org": org is not None and acct.casefold() == org.casefold().lstrip("@"),
        "in_reply_to": reply_to,
        "kind": "dm" if direct else ("reply" if reply_to else "mention"),
        "permalink": status.get("url"),
    }


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    _container, records = json_records(table.probe.path, ctx.file)
    org = ctx.account
    out, rows = [], []
    for i, rec in enumerate(records, start=1):
        if "type" in rec:  # a notification
            if rec.get("type") != "mention" or not rec.get("status"):
                continue
            out.append(status_record(rec["status"], org))
        elif rec.get("reblog"):
            continue
        else:
            out.append(status_record(rec, org))
        rows.append(i)
    skipped = len(records) - len(out)
    frame = message_frame(out, ctx.file, rows)
    yield Chunk(
        "messages", AccountRef(PLATFORM, org or "Mastodon account"), frame, rows_skipped=skipped
    )


FORMAT = ExportFormat(
    name="mastodon_notifications_json",
    platform=PLATFORM,
    title=N_("Mastodon API – notifications or statuses (JSON)"),
    how_to=N_(
        "GET /api/v1/notifications?types[]=mention (or /api/v1/statuses/:id/context) with "
        "your access token; save the JSON array."
    ),
    columns=COLUMNS,
    required=("container", "id", "created_at", "content", "acct"),
    extensions=(".json",),
    read=read,
)
