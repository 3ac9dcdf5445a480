"""KPI query speed: engagement rate per platform (latest snapshot per post, ratio-of-sums with
the moments the interval needs) against a same-run baseline: a plain SUM(reach) over the same
posts' latest snapshots, grouped the same way.

    python benchmarks/analytics_kpi.py                      # 200,000 posts, SQLite
    python benchmarks/analytics_kpi.py --posts 1000000 --db postgresql

The data is written with the ORM-free bulk upsert (store.upsert.upsert_frame): posts spread
over 6 platforms and a year, one snapshot each (two for a tenth of them, so "latest snapshot"
has work to do). Figures printed: seconds for the baseline and the KPI, and their ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from socialdesk.analytics import Slice, kpi
from socialdesk.model import Account, Post, PostMetrics
from socialdesk.store import make_engine, session_scope, upgrade
from socialdesk.store.session import ensure_workspace
from socialdesk.store.upsert import upsert_frame

PLATFORMS = ("facebook", "instagram", "linkedin", "x", "tiktok", "youtube")
PG_DEFAULT = os.environ.get("SOCIALDESK_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")


def build(engine, n_posts: int, seed: int = 1) -> int:
    rng = np.random.default_rng(seed)
    ws = ensure_workspace(engine, f"bench-{uuid.uuid4().hex[:8]}")
    with session_scope(engine) as s:
        accs = []
        for p in PLATFORMS:
            a = Account(workspace_id=ws, platform=p, handle=f"{p}-bench")
            s.add(a)
            s.flush()
            accs.append(a.id)
        start = dt.datetime(2025, 1, 1)
        posts = pd.DataFrame(
            {
                "account_id": rng.choice(accs, n_posts),
                "external_id": [f"p{i}" for i in range(n_posts)],
                "published_at": start
                + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, n_posts), unit="min"),
                "media_type": rng.choice(["photo", "video", "link"], n_posts),
            }
        )
        ids = upsert_frame(
            s, Post.__table__, posts, keys=("account_id", "external_id"), return_ids=True
        ).ids
        post_ids = np.array(
            [ids[(a, e)] for a, e in zip(posts["account_id"], posts["external_id"], strict=True)]
        )
        reach = rng.integers(100, 10000, n_posts).astype(float)
        snaps = pd.DataFrame(
            {
                "post_id": post_ids,
                "as_of": pd.Timestamp("2026-01-01"),
                "reach": reach,
                "likes": rng.binomial(reach.astype(int), 0.04).astype(float),
                "comments": rng.poisson(3, n_posts).astype(float),
            }
        )
        upsert_frame(s, PostMetrics.__table__, snaps, keys=("post_id", "as_of"))
        early = snaps.sample(frac=0.1, random_state=seed).assign(as_of=pd.Timestamp("2025-12-01"))
        early["reach"] *= 0.8
        upsert_frame(s, PostMetrics.__table__, early, keys=("post_id", "as_of"))
    return ws


def baseline(session, ws: int) -> float:
    latest = (
        select(func.max(PostMetrics.as_of))
        .where(PostMetrics.post_id == Post.id)
        .correlate(Post)
        .scalar_subquery()
    )
    stmt = (
        select(Account.platform, func.sum(PostMetrics.reach))
        .select_from(Post)
        .join(Account, Account.id == Post.account_id)
        .join(PostMetrics, and_(PostMetrics.post_id == Post.id, PostMetrics.as_of == latest))
        .where(Account.workspace_id == ws)
        .group_by(Account.platform)
    )
    t = time.perf_counter()
    session.execute(stmt).all()
    return time.perf_counter() - t


def run(url: str, n_posts: int, repeats: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    t = time.perf_counter()
    ws = build(engine, n_posts)
    print(f"{engine.dialect.name}: wrote {n_posts:,} posts in {time.perf_counter() - t:.1f} s")
    sl = Slice(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    base, full = [], []
    with engine.connect() as conn:
        from sqlalchemy.orm import Session

        session = Session(bind=conn)
        for _ in range(repeats):
            base.append(baseline(session, ws))
            t = time.perf_counter()
            result = kpi(session, ws, "engagement_rate", sl, ("platform",))
            full.append(time.perf_counter() - t)
    b, f = min(base), min(full)
    print(f"  baseline SUM(reach) per platform: {b:.3f} s (best of {repeats})")
    print(f"  engagement_rate per platform with intervals: {f:.3f} s (best of {repeats})")
    print(f"  ratio: {f / b:.2f}x")
    v = result.values[0]
    print(
        f"  e.g. {v.group}: {v.value.value:.4%} "
        f"({v.value.low:.4%} – {v.value.high:.4%}), n={v.value.n:,}"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.db == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.db", args.posts, args.repeats)
    else:
        run(PG_DEFAULT, args.posts, args.repeats)


if __name__ == "__main__":
    main()
