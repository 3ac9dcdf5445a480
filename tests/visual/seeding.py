"""Seeded posts for the visual tests, written through the ORM (real store, both databases)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from socialdesk.model import Account, Post, PostMetrics
from socialdesk.store import session_scope
from socialdesk.store.rollups import refresh_accounts

START = dt.datetime(2026, 1, 5, 9, 0)


def nb_posts(
    rng: np.random.Generator,
    counts: dict[str, int],
    rate_ratio: dict[str, float],
    *,
    base_rate: float = 0.04,
    shape: float = 6.0,
    dated: bool = True,
    reach: bool = True,
    days: int = 360,
) -> list[dict]:
    """Posts whose likes ~ Poisson(reach × base × RR[type] × Gamma(shape, 1/shape))."""
    out = []
    for media_type, n in counts.items():
        for _ in range(n):
            r = float(rng.integers(800, 8000))
            likes = rng.poisson(
                r * base_rate * rate_ratio[media_type] * rng.gamma(shape, 1 / shape)
            )
            day = int(rng.integers(0, days))
            hour = int(rng.integers(0, 12))
            post = {
                "media_type": media_type,
                "published_at": START + dt.timedelta(days=day, hours=hour) if dated else None,
                "likes": float(likes),
            }
            if reach:
                post["reach"] = r
            out.append(post)
    rng.shuffle(out)
    return out


def seed(
    engine,
    workspace_id: int,
    posts: list[dict],
    *,
    platform: str = "instagram",
    handle: str = "acc",
) -> int:
    """Write `posts` (dicts of Post fields and PostMetrics columns) to one account."""
    post_fields = {"media_type", "published_at", "text", "is_paid", "permalink", "language"}
    with session_scope(engine) as s:
        acc = Account(workspace_id=workspace_id, platform=platform, handle=handle, name=handle)
        s.add(acc)
        s.flush()
        for i, p in enumerate(posts):
            post = Post(
                account_id=acc.id,
                external_id=p.get("external_id", f"{handle}-{i}"),
                **{k: v for k, v in p.items() if k in post_fields},
            )
            s.add(post)
            s.flush()
            metrics = {k: v for k, v in p.items() if k not in post_fields and k != "external_id"}
            s.add(PostMetrics(post_id=post.id, as_of=dt.date(2027, 1, 31), **metrics))
        s.flush()
        refresh_accounts(s, [acc.id])  # written here, not imported: keep what the store derives
        return acc.id
