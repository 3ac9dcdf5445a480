"""Small seeded workspaces for the analytics tests, written through the ORM."""

from __future__ import annotations

import datetime as dt

import numpy as np

from socialdesk.model import Account, AccountDay, Post, PostMetrics
from socialdesk.store import session_scope
from socialdesk.store.rollups import refresh_accounts


def seed_posts(
    engine, workspace_id: int, platform: str, posts: list[dict], handle: str = "acc"
) -> int:
    """posts: dicts with published_at, media_type and PostMetrics columns. Returns account id."""
    with session_scope(engine) as s:
        acc = Account(workspace_id=workspace_id, platform=platform, handle=handle, name=handle)
        s.add(acc)
        s.flush()
        for i, p in enumerate(posts):
            p = dict(p)
            post = Post(
                account_id=acc.id,
                external_id=f"{platform}-{i}",
                published_at=p.pop("published_at"),
                media_type=p.pop("media_type", "photo"),
            )
            s.add(post)
            s.flush()
            s.add(PostMetrics(post_id=post.id, as_of=dt.date(2030, 1, 1), **p))
        s.flush()
        refresh_accounts(s, [acc.id])  # written here, not imported: keep what the store derives
        return acc.id


def seed_days(
    engine, workspace_id: int, platform: str, days: dict[dt.date, dict], handle: str = "acc"
) -> int:
    with session_scope(engine) as s:
        acc = Account(workspace_id=workspace_id, platform=platform, handle=handle, name=handle)
        s.add(acc)
        s.flush()
        for day, values in days.items():
            s.add(AccountDay(account_id=acc.id, date=day, **values))
        s.flush()
        refresh_accounts(s, [acc.id])
        return acc.id


def hourly_posts(
    rng: np.random.Generator,
    n: int,
    start: dt.date,
    hour_rr: dict[int, float],
    base_rate: float = 0.03,
) -> list[dict]:
    """Posts at the hours of `hour_rr` with interactions ~ NB around reach × rate × RR[hour]."""
    hours = list(hour_rr)
    out = []
    for _ in range(n):
        day = start + dt.timedelta(days=int(rng.integers(0, 365)))
        hour = int(rng.choice(hours))
        reach = float(rng.integers(500, 5000))
        rate = base_rate * hour_rr[hour] * rng.gamma(4.0, 1 / 4.0)
        out.append(
            {
                "published_at": dt.datetime.combine(day, dt.time(hour, int(rng.integers(0, 60)))),
                "reach": reach,
                "likes": float(rng.poisson(reach * rate)),
            }
        )
    return out
