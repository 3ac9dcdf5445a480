"""The overview's first answers (issue #17), read and put together: followers per network,
the top posts, what changed most and the ads block.

A few grouped statements on top of the overview's own (`queries`: each walks an index over
the period, never every post), then the pure modules `followers`, `top`, `highlights` and
`advertising`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from socialdesk.overview import queries
from socialdesk.overview.advertising import ads_block
from socialdesk.overview.followers import followers_block
from socialdesk.overview.highlights import highlights
from socialdesk.overview.queries import AccountRow
from socialdesk.overview.summary import OverviewResult
from socialdesk.overview.top import TOP_N, top_posts


def add_answers(
    session: Session,
    result: OverviewResult,
    accounts: Sequence[AccountRow],
    followers_now: Mapping[int, tuple[dt.date, float]],
    followers_before: Mapping[int, tuple[dt.date, float]],
    spend: Mapping[int, Mapping[str, tuple[float | None, float | None]]],
    *,
    top_n: int = TOP_N,
) -> OverviewResult:
    """`result` with its followers, top posts, highlights and ads blocks."""
    window = result.current
    ids = [a.id for a in accounts]
    # the first count in the period only where there is none before it
    starting = [i for i in followers_now if i not in followers_before]
    first = queries.first_followers(session, starting, window) if starting else {}
    sums = queries.follower_sums(session, ids, window)
    by_id = {a.id: a for a in accounts}
    return replace(
        result,
        followers=followers_block(window, accounts, followers_now, followers_before, first, sums),
        top=top_posts(queries.top_posts(session, ids, window, top_n), by_id, top_n),
        highlights=highlights(result.platforms),
        ads=ads_block(accounts, spend, queries.ad_results(session, ids, window)),
    )
