"""Server time of the cockpit's pages on a workspace of agency scale, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/web_latency.py                     # 1 M posts, both databases
    .venv/bin/python benchmarks/web_latency.py --posts 100000 --db sqlite --requests 50

Builds (once, then reuses) a workspace of `--accounts` accounts (90% organic on six
platforms, 10% ad accounts) with `--posts` posts over `--years` years of daily account
figures, one snapshot per post and a second one for a quarter of them, and daily ad spend.
SQLite lives in --cache (default /tmp/socialdesk-bench); PostgreSQL in a database
sd_bench_<posts> on SOCIALDESK_TEST_DATABASE_URL's server.

Then it sends --requests requests (default 200) to each page through the ASGI app in
process and measures the server time (request in, last byte of the answer out), and prints
median and p95 per page, against the goal (p95 under 300 ms), and the plans of the
statements that took the longest.

Every other page of the navigation (every GET page without a path parameter: the analysis
pages, the inbox, marketing, reports...) follows with --heavy-requests requests each (default
10) after its first request, which is timed on its own: the first makes the page's slow
results once per data version (in `serve` the warmer makes them after an import, before
anybody asks, web/warm.py). Goal (issue #17): p95 under 1 s at 1 M posts once made. The
memory column is the process's peak resident memory after the page (it only grows: the
page that raised it is the one to look at); goal (issue #18): under 1 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from socialdesk.store.engine import make_engine, upgrade
from socialdesk.store.rollups import refresh_all
from socialdesk.store.session import WorkspaceHandle, ensure_workspace

END = dt.date(2026, 10, 31)
GOAL_MS = 300.0
ORGANIC = ("facebook", "instagram", "linkedin", "x", "tiktok", "youtube")
MEDIA = ("photo", "video", "reel", "carousel", "link", "text")
WORDS = (
    "vrijwilligers groen dak Utrecht actie bomen planten klimaat sedum buurthuis doneer "
    "nieuwsbrief evenement zaterdag dankjewel #groendak #klimaat #vrijwilligers samen stad "
    "natuur biodiversiteit water regen koelte zomer project subsidie gemeente bewoners"
).split()
PG_URL = os.environ.get("SOCIALDESK_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")


# -- building the data set -----------------------------------------------------------------
def _rows(n_posts: int, n_accounts: int, years: int, seed: int = 42) -> dict[str, Any]:
    rng = random.Random(seed)
    start = END - dt.timedelta(days=365 * years - 1)
    days = (END - start).days + 1
    n_ads = max(1, n_accounts // 10)
    n_org = n_accounts - n_ads
    accounts = [
        (i + 1, ORGANIC[i % len(ORGANIC)], f"org-{i}", f"Organisatie {i}", "EUR")
        for i in range(n_org)
    ]
    accounts += [
        (n_org + j + 1, "meta_ads", f"act_{j}", f"Advertenties {j}", "EUR" if j % 4 else "USD")
        for j in range(n_ads)
    ]
    return {
        "rng": rng,
        "start": start,
        "days": days,
        "accounts": accounts,
        "n_org": n_org,
        "n_ads": n_ads,
        "n_posts": n_posts,
    }


def _post_rows(spec: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    rng: random.Random = spec["rng"]
    n_org, days, start = spec["n_org"], spec["days"], spec["start"]
    for pid in range(1, spec["n_posts"] + 1):
        acc = (pid % n_org) + 1
        day = start + dt.timedelta(days=int(days * (pid - 1) / spec["n_posts"]))
        ts = dt.datetime.combine(day, dt.time(rng.randrange(7, 22), rng.randrange(60)))
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(6, 18)))
        yield (
            pid,
            acc,
            f"p{pid}",
            ts,
            words,
            MEDIA[pid % len(MEDIA)],
            f"https://example.org/{acc}/{pid}",
        )


def _snapshot_rows(spec: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(7)
    n_org, days, start = spec["n_org"], spec["days"], spec["start"]
    sid = 0
    for pid in range(1, spec["n_posts"] + 1):
        day = start + dt.timedelta(days=int(days * (pid - 1) / spec["n_posts"]))
        reach = float(rng.randrange(50, 20000))
        snaps = [min(day + dt.timedelta(days=30), END)]
        if pid % 4 == 0 and snaps[0] < END:
            snaps.append(min(day + dt.timedelta(days=90), END))
        for k, as_of in enumerate(snaps):
            sid += 1
            grow = 1.0 + 0.2 * k
            yield (
                sid,
                pid,
                as_of,
                reach * 1.6 * grow,
                reach * grow,
                round(reach * 0.05 * grow),
                round(reach * 0.01 * grow),
            )
    del n_org


def _day_rows(spec: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(3)
    did = 0
    for acc in range(1, spec["n_org"] + 1):
        followers = float(rng.randrange(500, 50000))
        for d in range(spec["days"]):
            did += 1
            followers += rng.randrange(-3, 12)
            reach = float(rng.randrange(100, 5000))
            yield (
                did,
                acc,
                spec["start"] + dt.timedelta(days=d),
                followers,
                reach,
                reach * 1.7,
                reach * 0.04,
                reach * 0.01,
            )


def _campaign_rows(spec: dict[str, Any]) -> list[tuple[Any, ...]]:
    out = []
    for j in range(spec["n_ads"]):
        acc = spec["n_org"] + j + 1
        for c in range(3):
            out.append((j * 3 + c + 1, acc, f"c{j}-{c}", f"Campagne {c}"))
    return out


def _ad_rows(spec: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(5)
    aid = 0
    for cid, acc, _key, _name in _campaign_rows(spec):
        cur = spec["accounts"][acc - 1][4]
        for d in range(spec["days"]):
            aid += 1
            day = spec["start"] + dt.timedelta(days=d)
            yield (aid, cid, "campaign", day, day, cur, rng.randrange(5, 200) * 1.0)


TABLES = {
    "post": ("id, account_id, external_id, published_at, text, media_type, permalink", _post_rows),
    "post_metrics": ("id, post_id, as_of, impressions, reach, engagements, clicks", _snapshot_rows),
    "account_day": (
        "id, account_id, date, followers, reach, impressions, engagements, clicks",
        _day_rows,
    ),
    "ad_day": ("id, campaign_id, grain, date_start, date_end, currency, spend", _ad_rows),
}


def _chunks(rows: Iterator[tuple[Any, ...]], size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build(engine: Engine, workspace_id: int, n_posts: int, n_accounts: int, years: int) -> None:
    spec = _rows(n_posts, n_accounts, years)
    pg = engine.dialect.name == "postgresql"
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        acc_rows = [
            (i, workspace_id, p, h, n, c, "Europe/Amsterdam") for i, p, h, n, c in spec["accounts"]
        ]
        cur.executemany(
            "INSERT INTO account (id, workspace_id, platform, handle, name, currency, timezone) "
            + ("VALUES (%s, %s, %s, %s, %s, %s, %s)" if pg else "VALUES (?, ?, ?, ?, ?, ?, ?)"),
            acc_rows,
        )
        cur.executemany(
            "INSERT INTO campaign (id, account_id, key, name) "
            + ("VALUES (%s, %s, %s, %s)" if pg else "VALUES (?, ?, ?, ?)"),
            _campaign_rows(spec),
        )
        for table, (cols, gen) in TABLES.items():
            t0 = time.perf_counter()
            n = 0
            spec["rng"] = random.Random(42)
            if pg:
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in gen(spec):
                        copy.write_row(row)
                        n += 1
            else:
                marks = ", ".join("?" for _ in cols.split(","))
                for chunk in _chunks(gen(spec)):
                    cur.executemany(
                        f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                        [
                            tuple(
                                v.isoformat(" ")
                                if isinstance(v, dt.datetime)
                                else (v.isoformat() if isinstance(v, dt.date) else v)
                                for v in row
                            )
                            for row in chunk
                        ],
                    )
                    n += len(chunk)
            print(f"  {table}: {n:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
        if pg:
            for seq_table in ("account", "campaign", *TABLES):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{seq_table}', 'id'), "
                    f"(SELECT max(id) FROM {seq_table}))"
                )
        raw.commit()
    finally:
        raw.close()
    t0 = time.perf_counter()
    with engine.begin() as conn:  # written here, not imported: the store's latest figures
        refresh_all(conn)
    print(f"  post_latest refreshed in {time.perf_counter() - t0:.1f} s", flush=True)
    if pg:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def open_bench(db: str, n_posts: int, n_accounts: int, years: int, cache: Path) -> WorkspaceHandle:
    name = f"sd_bench_{n_posts}_{n_accounts}_{years}"
    if db == "sqlite":
        folder = cache / name
        folder.mkdir(parents=True, exist_ok=True)
        engine = make_engine(f"sqlite:///{folder / 'socialdesk.db'}")
    else:
        admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(admin.url.set(database=name).render_as_string(hide_password=False))
        admin.dispose()
        folder = cache / name
        folder.mkdir(parents=True, exist_ok=True)
    upgrade(engine)
    ws_id = ensure_workspace(engine, "bench")
    with engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM post")).scalar()
    if not have:
        print(
            f"building the {db} workspace ({n_posts:,} posts, {n_accounts} accounts, "
            f"{years} years)…",
            flush=True,
        )
        t0 = time.perf_counter()
        build(engine, ws_id, n_posts, n_accounts, years)
        print(f"  built in {time.perf_counter() - t0:.0f} s", flush=True)
    return WorkspaceHandle(folder=folder, engine=engine, workspace_id=ws_id, slug="bench")


# -- measuring -----------------------------------------------------------------------------
class Timed:
    """ASGI wrapper: server time per request, from the call to the last body byte."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last_ms = 0.0
        self.last_cpu_ms = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        t0 = time.perf_counter()
        c0 = time.process_time()

        async def timed_send(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.last_ms = (time.perf_counter() - t0) * 1000
                self.last_cpu_ms = (time.process_time() - c0) * 1000

        await self.app(scope, receive, timed_send)


class StatementLog:
    """The SQL each request runs, with its time, to find what dominates a page."""

    def __init__(self, engine: Engine) -> None:
        self.by_page: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        self.params: dict[str, Any] = {}
        self.page = ""
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(
        self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        conn.info["t0"] = time.perf_counter()

    def _after(
        self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        if self.page:
            self.by_page[self.page][statement].append(
                (time.perf_counter() - conn.info["t0"]) * 1000
            )
            self.params[statement] = params


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def explain(engine: Engine, statement: str, params: Any) -> str:
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        cur = raw.cursor()
        if engine.dialect.name == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + statement, params)
            return "\n".join(f"    {'  ' * (r[1] != 0)}{r[3]}" for r in cur.fetchall())
        cur.execute("EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON) " + statement, params)
        return "\n".join("    " + r[0] for r in cur.fetchall())


def run(db: str, args: argparse.Namespace) -> list[tuple[str, str, float, float, float, float]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from socialdesk.web import WebConfig, create_app, settle_for_serving

    handle = open_bench(db, args.posts, args.accounts, args.years, Path(args.cache))
    app = Timed(create_app(WebConfig(workspace=handle, secret_key="bench-" + "b" * 40)))
    settle_for_serving()  # as `socialdesk serve` does before it serves
    log = StatementLog(handle.engine)
    client = TestClient(app, base_url="http://127.0.0.1")
    rng = random.Random(1)
    with handle.engine.connect() as conn:
        max_post = conn.execute(text("SELECT max(id) FROM post")).scalar() or 1
    pages = {
        "overview 30 days": lambda: "/overview?days=30",
        "overview 365 days": lambda: "/overview?days=365",
        "posts: platform + 365 days, by engagements, page 50": lambda: (
            f"/posts?platform={rng.choice(ORGANIC)}&days=365&sort=engagements&page=50"
        ),
        "posts: all, newest first, page 50": lambda: "/posts?page=50",
        "posts: text search, page 1": lambda: f"/posts?q={rng.choice(WORDS[:12])}",
        "post page": lambda: f"/posts/{rng.randrange(1, max_post + 1)}",
    }
    results = []
    for name, url in pages.items():
        if args.only not in name or args.page:
            continue
        for _ in range(3):  # warm the caches the way a running server has them
            client.get(url())
        times, cpu = [], []
        log.page = name
        for _ in range(args.requests):
            response = client.get(url())
            assert response.status_code == 200, (url(), response.status_code)
            times.append(app.last_ms)
            cpu.append(app.last_cpu_ms)
        log.page = ""
        med, p95 = statistics.median(times), pct(times, 0.95)
        results.append((db, name, med, p95, statistics.median(cpu), pct(cpu, 0.95)))
        flag = "ok " if p95 < GOAL_MS else "SLOW"
        print(
            f"  {flag} {name:<52} median {med:7.1f} ms   p95 {p95:7.1f} ms"
            f"   (this process's CPU: median {results[-1][4]:6.1f}, p95 {results[-1][5]:6.1f})",
            flush=True,
        )
    if not args.only or args.page:
        results += every_page(db, client, app, args)
    print(f"\n  the statement that dominates each page ({db}):")
    for name, statements in log.by_page.items():
        stmt, ms = max(statements.items(), key=lambda kv: statistics.median(kv[1]))
        share = (
            statistics.median(ms) * len(ms) / max(1e-9, sum(sum(v) for v in statements.values()))
        )
        med = statistics.median(ms)
        print(f"\n  [{name}] median {med:.1f} ms, {share:.0%} of the page's SQL time")
        print("    " + " ".join(stmt.split())[:400])
        try:
            print(explain(handle.engine, stmt, log.params[stmt]))
        except Exception as exc:
            print(f"    (no plan: {exc})")
    handle.engine.dispose()
    return results


HEAVY_GOAL_MS = 1000.0
SKIP = ("/login", "/logout", "/static", "/audit/card", "/reports/", "/overview", "/posts")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def every_page(
    db: str, client: Any, app: Timed, args: argparse.Namespace
) -> list[tuple[str, str, float, float, float, float]]:
    """Every other GET page of the navigation: the first request, then --heavy-requests."""

    def leaves(routes: Any) -> Iterator[Any]:
        for route in routes:
            inner = getattr(route, "original_router", None)
            yield from leaves(inner.routes) if inner is not None else (route,)

    paths = sorted(
        {
            r.path
            for r in leaves(app.app.routes)
            if "GET" in getattr(r, "methods", set())
            and "{" not in r.path
            and not r.path.endswith((".json", ".csv", ".xlsx", ".ics", ".png", ".pdf", ".html"))
            and not r.path.startswith(SKIP)
            and r.path != "/"
            and (not args.page or r.path in args.page)
        }
    )
    print(f"\n  every other page ({db}): first request, then {args.heavy_requests}", flush=True)
    results = []
    for path in paths:
        response = client.get(path)
        first = app.last_ms
        if response.status_code != 200:
            print(f"  skipped {path}: {response.status_code}", flush=True)
            continue
        times, cpu = [], []
        for _ in range(args.heavy_requests):
            client.get(path)
            times.append(app.last_ms)
            cpu.append(app.last_cpu_ms)
        med, p95 = statistics.median(times), pct(times, 0.95)
        results.append((db, path, med, p95, statistics.median(cpu), pct(cpu, 0.95)))
        flag = "ok " if p95 < HEAVY_GOAL_MS else "SLOW"
        print(
            f"  {flag} {path:<30} first {first:9.0f} ms   median {med:7.1f} ms   p95 {p95:7.1f} ms"
            f"   peak memory {_peak_mb():6.0f} MB",
            flush=True,
        )
    print(f"  peak memory of the process: {_peak_mb():.0f} MB (goal: under 1024 MB)", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--heavy-requests", type=int, default=10)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--cache", default="/tmp/socialdesk-bench")
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument(
        "--page",
        action="append",
        default=[],
        help="only this page of the navigation (repeatable; e.g. --page /visual): its peak "
        "memory in a fresh process",
    )
    args = parser.parse_args()
    dbs = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    all_results = []
    for db in dbs:
        print(
            f"\n== {db}: {args.posts:,} posts, {args.accounts} accounts, {args.years} years, "
            f"{args.requests} requests per page ==",
            flush=True,
        )
        all_results += run(db, args)
    print(
        f"\n== summary (goal: p95 under {GOAL_MS:.0f} ms for the overview, posts and post pages, "
        f"under {HEAVY_GOAL_MS:.0f} ms for every other page, on this machine) =="
    )
    print(f"  {'':<10} {'page':<52} {'median':>7}  {'p95':>7}  {'cpu med':>7}  {'cpu p95':>7}")
    for db, name, med, p95, cpu_med, cpu_p95 in all_results:
        print(
            f"  {db:<10} {name:<52} {med:7.1f}  {p95:7.1f}  {cpu_med:7.1f}  {cpu_p95:7.1f}  "
            f"{'ok' if p95 < (HEAVY_GOAL_MS if name.startswith('/') else GOAL_MS) else 'over'}"
        )
    print(
        "  (ms of server time per request; cpu: this process's CPU time, which leaves out "
        "waiting for other programs on a shared machine and, on PostgreSQL, the server's own work)"
    )


if __name__ == "__main__":
    main()
