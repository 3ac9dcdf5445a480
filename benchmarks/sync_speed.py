"""Sync speed and memory: a Bluesky sync from a real local PDS against the bare fetch of the
same pages (issue #14's figure: the sync may cost at most 2x the fetch).

    python benchmarks/sync_speed.py                       # 10,000 posts, 50,000 replies
    python benchmarks/sync_speed.py --posts 2000 --replies 5000

Seeds a local AT Protocol network (tests/connectors/pds: PLC, PDS and the Bluesky AppView,
`scripts/pds-setup` installs it; Node 20+ and the PostgreSQL test database): one account posts
`--posts` posts, ten others reply `--replies` times to them (distinct createdAt times, after
the posts are indexed, so every reply is a notification). The AppView indexes about 80 records
a second here, so seeding the full size takes about a quarter of an hour.

Then, on the same pages with the same client settings (100 items a page):
  fetch  every page of app.bsky.feed.getAuthorFeed and app.bsky.notification.listNotifications,
         parsed as JSON and thrown away (the baseline)
  sync   socialdesk's sync of the same connection into a fresh SQLite workspace: fetch, map,
         upsert posts, snapshots and messages, cursors, one transaction a page
Times are wall-clock; memory is the peak of Python's allocations (tracemalloc) during each.
The inbox triage that follows a sync in the worker is not part of the sync and not timed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from socialdesk.connectors import run  # noqa: E402
from socialdesk.connectors.base import HttpOptions  # noqa: E402
from socialdesk.connectors.secrets import SecretBox  # noqa: E402
from socialdesk.store import open_workspace  # noqa: E402
from tests.conftest import PG_URL  # noqa: E402
from tests.connectors.pds_client import PdsNetwork, post_record, timeline  # noqa: E402

FANS = 10


def seed(pds: PdsNetwork, posts: int, replies: int):
    c = pds.client
    org = pds.new_account("org")
    fans = [pds.new_account(f"fan{i}") for i in range(FANS)]
    t0 = time.perf_counter()
    refs = list(
        c.bulk_posts(
            org,
            (
                post_record(f"Post {i} #groendak", created_at=t)
                for i, t in enumerate(timeline(posts))
            ),
        )
    )
    pds.process_all(timeout_ms=3_600_000)
    times = timeline(replies)
    per_fan = [times[i::FANS] for i in range(FANS)]
    for f, fan in enumerate(fans):
        records = (
            post_record(f"Reactie {f}.{j}", reply_to=refs[(f + j * FANS) % posts], created_at=t)
            for j, t in enumerate(per_fan[f])
        )
        for _ in c.bulk_posts(fan, records):
            pass
    pds.process_all(timeout_ms=3_600_000)
    return org, time.perf_counter() - t0


def bare_fetch(pds: PdsNetwork, org) -> tuple[int, float, float]:
    """Every page of both streams, parsed and dropped: (items, seconds, peak MB)."""
    session = pds.client.create_session(org.handle, org.app_password)
    headers = {"Authorization": f"Bearer {session['accessJwt']}"}
    items = 0
    tracemalloc.start()
    t0 = time.perf_counter()
    with httpx.Client(base_url=pds.pds_url, headers=headers, timeout=60) as client:
        for method, key, extra in (
            (
                "app.bsky.feed.getAuthorFeed",
                "feed",
                {"actor": session["did"], "filter": "posts_with_replies"},
            ),
            ("app.bsky.notification.listNotifications", "notifications", {}),
        ):
            cursor = None
            while True:
                params = {"limit": 100, **extra, **({"cursor": cursor} if cursor else {})}
                body = client.get(f"/xrpc/{method}", params=params).json()
                items += len(body[key])
                cursor = body.get("cursor")
                if not cursor or not body[key]:
                    break
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return items, seconds, peak


def full_sync(pds: PdsNetwork, org) -> tuple[object, float, float]:
    with tempfile.TemporaryDirectory(prefix="sd-sync-bench-") as tmp:
        handle = open_workspace(Path(tmp) / "ws")
        box = SecretBox.for_workspace(handle.folder)
        http = HttpOptions()
        with handle.session() as session, session.begin():
            cid = run.connect(
                session,
                handle.workspace_id,
                "bluesky",
                {"handle": org.handle, "app_password": org.app_password, "service": pds.pds_url},
                box,
                created_by="bench",
                http=http,
            ).id
        tracemalloc.start()
        t0 = time.perf_counter()
        [report] = run.sync(handle.engine, handle.workspace_id, box, connection_id=cid, http=http)
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        handle.engine.dispose()
    return report, seconds, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=10_000)
    ap.add_argument("--replies", type=int, default=50_000)
    args = ap.parse_args()
    print(f"starting the local network (PLC, PDS, AppView) on {PG_URL} ...", flush=True)
    pds = PdsNetwork.start(db_url=PG_URL, timeout=180)
    try:
        org, seeded = seed(pds, args.posts, args.replies)
        print(
            f"seeded {args.posts:,} posts and {args.replies:,} replies in {seeded:.0f} s",
            flush=True,
        )
        items, fetch_s, fetch_mb = bare_fetch(pds, org)
        report, sync_s, sync_mb = full_sync(pds, org)
    finally:
        pds.stop()
    streams = {s.name: s for s in report.streams}
    rows = report.added + report.updated
    print(f"\n{'':28}{'items':>10}{'seconds':>10}{'items/s':>10}{'peak MB':>10}")
    print(
        f"{'bare fetch (baseline)':28}{items:>10,}{fetch_s:>10.1f}{items / fetch_s:>10,.0f}"
        f"{fetch_mb:>10.1f}"
    )
    synced = sum(s.items for s in streams.values())
    print(
        f"{'socialdesk sync':28}{synced:>10,}{sync_s:>10.1f}{synced / sync_s:>10,.0f}"
        f"{sync_mb:>10.1f}"
    )
    print(
        f"\nsync status {report.status}; rows written {rows:,} ({rows / sync_s:,.0f} rows/s): "
        + ", ".join(f"{n} {s.added:,} new in {s.pages} pages" for n, s in streams.items())
    )
    ratio = sync_s / fetch_s
    print(
        f"sync / bare fetch: {ratio:.2f}x time (goal <= 2x: {'met' if ratio <= 2 else 'NOT met'})"
        f", {sync_mb / max(fetch_mb, 0.1):.2f}x peak memory"
    )
    expected = args.posts + args.replies
    if synced != items or report.added != expected:
        print(
            f"note: the sync saw {synced:,} items and added {report.added:,} rows; the fetch "
            f"saw {items:,}; expected {expected:,} posts and replies"
        )


if __name__ == "__main__":
    main()
