"""Meta Graph API JSON: a post's comments, or a Page's (Messenger / Instagram) conversations.

Comments: GET /{post-id}/comments?fields=id,message,created_time,from,parent,permalink_url
returns {"data": [{"id": "<post>_<comment>", "message", "created_time":
"2025-03-01T10:00:00+0000", "from": {"id", "name"}, "parent": {"id"}}], "paging": {...}}.
A reply to a comment names its `parent`; the thread is the top comment. `from` is missing
when the commenter's privacy hides it ("unknown").

Conversations: GET /{page-id}/conversations?fields=id,updated_time,messages{id,message,
created_time,from,to} returns {"data": [{"id": "t_…", "messages": {"data": [...]}}]}; each
conversation is a thread of direct messages.

The organisation is the Page: --account (its name or id) says which author is the Page. In
conversations the Page takes part in every conversation, so when --account is not given the
one participant common to all of them (with at least two conversations) is taken as the Page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from socialdesk.importers._messages import message_frame, utc
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.jsonprobe import json_records
from socialdesk.importers.tabular import Table

PLATFORM = "facebook"
COLUMNS: dict[str, tuple[str, ...]] = {
    "container": ("$data",),
    "id": ("id",),
    "text": ("message", "messages.data[].message"),
    "time": ("created_time", "messages.data[].created_time"),
    "from": ("from.name", "from.id", "messages.data[].from.name", "messages.data[].from.id"),
    "parent": ("parent.id",),
    "permalink": ("permalink_url",),
}


def _author(obj: dict[str, Any] | None) -> tuple[str, str | None]:
    if not obj:
        return "unknown", None
    return str(obj.get("id") or obj.get("name") or "unknown"), obj.get("name")


def _is_page(handle: str, name: str | None, page: str | None) -> bool:
    return page is not None and page.casefold() in (handle.casefold(), (name or "").casefold())


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    _container, records = json_records(table.probe.path, ctx.file)
    page = ctx.account
    out: list[dict[str, Any]] = []
    if records and "messages" in records[0]:
        if page is None:
            seen: Counter[str] = Counter()
            for conv in records:
                seen.update(
                    {
                        _author(m.get("from"))[0]
                        for m in (conv.get("messages") or {}).get("data", [])
                    }
                )
            common = [h for h, n in seen.items() if n == len(records)]
            if len(records) >= 2 and len(common) == 1:
                page = common[0]
                ctx.note(f"the Page was taken to be {page}: the one author in every conversation.")
        for conv in records:
            for m in (conv.get("messages") or {}).get("data", []):
                handle, name = _author(m.get("from"))
                out.append(
                    {
                        "external_id": m.get("id"),
                        "received_at": utc(m.get("created_time")),
                        "text": m.get("message") or "",
                        "author_handle": handle,
                        "author_name": name,
                        "is_from_org": _is_page(handle, name, page),
                        "kind": "dm",
                        "thread_external_id": conv.get("id"),
                    }
                )
    else:
        for c in records:
            handle, name = _author(c.get("from"))
            cid = str(c.get("id") or "")
            parent = (c.get("parent") or {}).get("id")
            post_id = cid.split("_")[0] if "_" in cid else None
            out.append(
                {
                    "external_id": cid or None,
                    "received_at": utc(c.get("created_time")),
                    "text": c.get("message") or "",
                    "author_handle": handle,
                    "author_name": name,
                    "is_from_org": _is_page(handle, name, page),
                    "in_reply_to": parent,
                    "kind": "reply" if parent else "comment",
                    "post_external_id": post_id,
                    "permalink": c.get("permalink_url"),
                }
            )
    if page is None:
        ctx.note("no --account: no message was taken as the Page's own (say --account PAGE).")
    frame = message_frame(out, ctx.file)
    yield Chunk("messages", AccountRef(PLATFORM, page or ctx.account or "Facebook Page"), frame)


FORMAT = ExportFormat(
    name="meta_graph_comments_json",
    platform=PLATFORM,
    title=N_("Meta Graph API – comments or conversations (JSON)"),
    how_to=N_(
        "Graph API Explorer or a script: GET /{post-id}/comments or /{page-id}/conversations "
        "with fields=id,message,created_time,from,parent (messages{...} for conversations); "
        "save the JSON."
    ),
    columns=COLUMNS,
    required=("container", "id", "text", "time"),
    extensions=(".json",),
    read=read,
)
