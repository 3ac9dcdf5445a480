"""Customer Support on Twitter (TWCS) layout: tweets between customers and brands' support.

Columns: tweet_id, author_id, inbound, created_at, text, response_tweet_id,
in_response_to_tweet_id. `inbound` True is a customer, False the brand (whose author_id is
its handle); `created_at` is "Wed Oct 11 06:55:44 +0000 2017". A thread is the chain of
in_response_to_tweet_id (the loader follows it); response_tweet_id is the same link seen from
the other side and is not needed. Each brand is an X account of its own: a customer's tweet
belongs to the brand that answers it, else to the first @handle it names that is a brand in
the file, else to --account.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from socialdesk.importers._messages import message_frame
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import cleaned, datetimes, flags, ids, text

PLATFORM = "x"
COLUMNS: dict[str, tuple[str, ...]] = {
    "tweet_id": ("tweet_id",),
    "author_id": ("author_id",),
    "inbound": ("inbound",),
    "created_at": ("created_at",),
    "text": ("text",),
    "response_tweet_id": ("response_tweet_id",),
    "in_response_to_tweet_id": ("in_response_to_tweet_id",),
}
_HANDLE = re.compile(r"@(\w+)")


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    frames = list(table.frames())
    if not frames:
        return
    raw = pd.concat(frames, ignore_index=True)
    tid = ids(raw, f["tweet_id"], ctx.file)
    author = cleaned(raw[f["author_id"]])
    inbound = flags(raw, f["inbound"], ctx.file)
    when = datetimes(raw, f["created_at"], ctx.file, ["%a %b %d %H:%M:%S %z %Y"], to_timezone="UTC")
    parent = ids(raw, f["in_response_to_tweet_id"], ctx.file, required=False).str.replace(
        r"\.0$", "", regex=True
    )
    body = text(raw, f["text"])
    brands = set(author[inbound == False].dropna())  # noqa: E712 - a pandas mask
    by_id = dict(zip(tid, author, strict=True))
    answered_by_brand: dict[str, str] = {}
    for p, a, inb in zip(parent, author, inbound, strict=True):
        if not inb and isinstance(p, str):
            answered_by_brand[p] = a
    records = []
    for i in range(len(raw)):
        is_org = not bool(inbound.iloc[i])
        brand = author.iloc[i] if is_org else answered_by_brand.get(tid.iloc[i])
        if (
            brand is None
            and isinstance(parent.iloc[i], str)
            and by_id.get(parent.iloc[i]) in brands
        ):
            brand = by_id[parent.iloc[i]]
        if brand is None:
            named = [h for h in _HANDLE.findall(body.iloc[i] or "") if h in brands]
            brand = named[0] if named else (ctx.account or "X account")
        records.append(
            {
                "external_id": tid.iloc[i],
                "received_at": when.iloc[i],
                "text": body.iloc[i] or "",
                "author_handle": author.iloc[i],
                "is_from_org": is_org,
                "in_reply_to": parent.iloc[i] if isinstance(parent.iloc[i], str) else None,
                "kind": "mention" if not isinstance(parent.iloc[i], str) else "reply",
                "account_handle": brand,
                "permalink": None,
            }
        )
    frame = message_frame(records, ctx.file, raw[ROW_COL].tolist())
    yield Chunk("messages", AccountRef(PLATFORM, ctx.account or "X account"), frame)


FORMAT = ExportFormat(
    name="twcs_csv",
    platform=PLATFORM,
    title=N_("Customer Support on Twitter layout (tweets with replies, CSV)"),
    how_to=N_(
        "The layout of the Kaggle 'Customer Support on Twitter' data set; X's archive or a "
        "listening tool can be exported into it."
    ),
    columns=COLUMNS,
    required=("tweet_id", "author_id", "inbound", "created_at", "text", "in_response_to_tweet_id"),
    read=read,
)
