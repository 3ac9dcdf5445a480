"""Bluesky (AT Protocol) JSON: notifications or a feed of posts.

Notifications (app.bsky.notification.listNotifications): {"notifications": [{"uri",
"author": {"did", "handle", "displayName"}, "reason": "reply" | "mention" | "quote" | "like"
| "repost" | "follow", "record": {"text", "createdAt", "reply": {"root": {"uri"},
"parent": {"uri"}}}, "indexedAt"}]}; only replies, mentions and quotes are messages.
Feeds (getAuthorFeed, getPostThread flattened, getTimeline): {"feed": [{"post": postView,
"reason"?}]}; reposts (reason #reasonRepost) are skipped. A reply's thread is its root post.
The organisation is --account (its handle).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from socialdesk.importers._messages import message_frame, utc
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.jsonprobe import json_records
from socialdesk.importers.tabular import Table

PLATFORM = "bluesky"
COLUMNS: dict[str, tuple[str, ...]] = {
    "container": ("$notifications", "$feed"),
    "uri": ("uri", "post.uri"),
    "text": ("record.text", "post.record.text"),
    "created": ("record.createdAt", "post.record.createdAt"),
    "handle": ("author.handle", "post.author.handle"),
    "reason": ("reason",),
}
_MESSAGE_REASONS = ("reply", "mention", "quote")


def _post_url(uri: str, handle: str) -> str | None:
    if not uri.startswith("at://"):
        return None
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def message_record(
    uri: str,
    author: dict[str, Any],
    record: dict[str, Any],
    kind: str,
    org: str | None,
    indexed: str | None,
) -> dict[str, Any]:
    handle = author.get("handle") or author.get("did") or "unknown"
    reply = record.get("reply") or {}
    parent = (reply.get("parent") or {}).get("uri")
    root = (reply.get("root") or {}).get("uri")
    langs = record.get("langs") or []
    return {
        "external_id": uri,
        "received_at": utc(record.get("createdAt") or indexed),
        "text": record.get("text") or "",
        "author_handle": handle,
        "author_name": author.get("displayName") or None,
        "language": langs[0] if langs else None,
        "is_from_org": org is not None and handle.casefold() == org.casefold().lstrip("@"),
        "in_reply_to": parent,
        "thread_external_id": root,
        "kind": "reply" if parent else kind,
        "permalink": _post_url(uri, handle),
    }


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    container, records = json_records(table.probe.path, ctx.file)
    org = ctx.account
    out, rows = [], []
    for i, rec in enumerate(records, start=1):
        if container == "feed" or "post" in rec:
            reason = (rec.get("reason") or {}).get("$type", "")
            if "reasonRepost" in reason:
                continue
            post = rec.get("post") or {}
            out.append(
                message_record(
                    post.get("uri", ""),
                    post.get("author") or {},
                    post.get("record") or {},
                    "mention",
                    org,
                    post.get("indexedAt"),
                )
            )
        else:
            if rec.get("reason") not in _MESSAGE_REASONS:
                continue
            out.append(
                message_record(
                    rec.get("uri", ""),
                    rec.get("author") or {},
                    rec.get("record") or {},
                    "mention",
                    org,
                    rec.get("indexedAt"),
                )
            )
        rows.append(i)
    frame = message_frame(out, ctx.file, rows)
    yield Chunk(
        "messages",
        AccountRef(PLATFORM, org or "Bluesky account"),
        frame,
        rows_skipped=len(records) - len(out),
    )


FORMAT = ExportFormat(
    name="bluesky_notifications_json",
    platform=PLATFORM,
    title=N_("Bluesky – notifications or a feed of posts (JSON)"),
    how_to=N_(
        "XRPC app.bsky.notification.listNotifications (or app.bsky.feed.getAuthorFeed) "
        "with your app password; save the JSON response."
    ),
    columns=COLUMNS,
    required=("container", "uri", "text", "created", "handle"),
    extensions=(".json",),
    read=read,
)
