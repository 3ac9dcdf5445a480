"""The period's top posts (pure): the posts published in it with the most interactions.

Interactions are socialdesk's own count (reactions or likes + comments + shares + saves, the
"engagements" of `post_latest`), at each post's latest snapshot, the same figure the
overview's "Post interactions" adds up. Posts of the last days are still gathering them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from socialdesk.overview.queries import AccountRow, TopPostRow

TOP_N = 5
TEXT_CHARS = 120
METRIC = "engagements"  # the figure the posts are ranked by (the catalogue's interactions)

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TopPost:
    id: int
    platform: str
    account: str
    published_at: dt.datetime | None
    text: str | None  # the start of the post's text (or title), on one line
    permalink: str | None
    interactions: float
    reach: float | None


@dataclass(frozen=True)
class TopPosts:
    """The top `n` posts of the period by `metric` (interactions), best first."""

    metric: str
    n: int
    posts: tuple[TopPost, ...]


def shorten(text: str | None, limit: int = TEXT_CHARS) -> str | None:
    """`text` on one line, cut after at most `limit` characters at a word's end, with "…"."""
    if not text:
        return None
    flat = _SPACE.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat or None
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def top_posts(
    rows: Sequence[TopPostRow], accounts: Mapping[int, AccountRow], n: int = TOP_N
) -> TopPosts:
    posts = tuple(
        TopPost(
            id=r.id,
            platform=accounts[r.account_id].platform,
            account=accounts[r.account_id].label,
            published_at=r.published_at,
            text=shorten(r.text),
            permalink=r.permalink,
            interactions=r.engagements,
            reach=r.reach,
        )
        for r in rows
        if r.account_id in accounts
    )
    return TopPosts(METRIC, n, posts)
