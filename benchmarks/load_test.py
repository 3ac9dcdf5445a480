"""A bounded load test on the loopback address: `socialdesk serve --workers 4` in team mode,
50 users from locust (benchmarks/load_locust.py) mixing page views, searches, inbox actions
and one import; fixed time and request count, stops by itself.

    pip install -e '.[bench]'                        # locust
    .venv/bin/python benchmarks/load_test.py          # the demo workspace, SQLite
    .venv/bin/python benchmarks/load_test.py --db postgresql --run-time 120

Prints per route the requests, failures, median and p95 (ms, as the client saw them), the
server's peak memory (all its processes) and the totals. Goal (issue #18): 0 failures, and
every route's p95 printed. Exit code 1 when a request failed.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PG_URL = os.environ.get("SOCIALDESK_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")
PASSWORD = "load-test-" + uuid.uuid4().hex[:12]
USER = "load-" + uuid.uuid4().hex[:8]  # new in each run: a workspace may be used again


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str], env: dict[str, str], stdin: str | None = None) -> None:
    done = subprocess.run(cmd, env=env, input=stdin, text=True, capture_output=True)
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")


def _pg_database(env: dict[str, str]) -> tuple[str, str]:
    import sqlalchemy as sa

    name = f"sd_load_{os.getpid()}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    return name, url


def _drop_pg(name: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _wait_up(url: str, server: subprocess.Popen[str], timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if server.poll() is not None:
            sys.exit(f"the server stopped: {server.stdout.read() if server.stdout else ''}")
        try:
            with urllib.request.urlopen(url + "login", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit("the server did not answer within two minutes")


class PeakMemory(threading.Thread):
    """The server's resident memory, all its processes together, sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        import psutil

        root = psutil.Process(self.pid)
        while not self.stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in procs if p.is_running())
                self.peak = max(self.peak, rss / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workspace", help="an existing workspace (default: a new demo one)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--run-time", type=int, default=60, help="seconds")
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--import-rows", type=int, default=5_000)
    args = parser.parse_args()
    if shutil.which("locust", path=str(BIN)) is None:
        sys.exit("locust is not installed: pip install -e '.[bench]'")

    tmp = Path(tempfile.mkdtemp(prefix="socialdesk-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALDESK_")}
    env["SOCIALDESK_SECRET_KEY"] = "load-" + "k" * 40
    pg_name = None
    if args.db == "postgresql":
        pg_name, env["SOCIALDESK_DATABASE_URL"] = _pg_database(env)
    workspace = Path(args.workspace) if args.workspace else tmp / "werkplek"
    sd = str(BIN / "socialdesk")
    server = None
    try:
        if not args.workspace:
            print(f"building the demo workspace ({args.db})…", flush=True)
            _run([sd, "demo", "--workspace", str(workspace), "--no-serve"], env)
        _run(
            [
                sd,
                "users",
                "add",
                USER,
                "--role",
                "editor",
                "--password-stdin",
                "-w",
                str(workspace),
            ],
            env,
            stdin=PASSWORD + "\n",
        )
        sys.path.insert(0, str(HERE))
        from import_speed import write_facebook

        upload = tmp / "facebook_posts.csv"
        write_facebook(upload, args.import_rows, seed=7)

        port = _free_port()
        url = f"http://127.0.0.1:{port}/"
        server_log = (tmp / "server.log").open("w")
        server = subprocess.Popen(
            [
                sd,
                "serve",
                "-w",
                str(workspace),
                "--team",
                "--port",
                str(port),
                "--no-browser",
                "--no-worker",
                "--workers",
                str(args.workers),
            ],
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        _wait_up(url, server)
        took = warm_up(url)
        print(f"warmed up in {took:.0f} s (each page once, as the warmer does after an import)")
        memory = PeakMemory(server.pid)
        memory.start()
        print(
            f"{args.users} users, {args.workers} workers, {args.run_time} s or "
            f"{args.max_requests:,} requests, one import of {args.import_rows:,} rows ({args.db})",
            flush=True,
        )
        stats = tmp / "stats"
        load_env = env | {
            "LOAD_USER": USER,
            "LOAD_PASSWORD": PASSWORD,
            "LOAD_IMPORT_FILE": str(upload),
            "LOAD_MAX_REQUESTS": str(args.max_requests),
        }
        started = time.monotonic()
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(HERE / "load_locust.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.users),
                "-t",
                f"{args.run_time}s",
                "--host",
                url.rstrip("/"),
                "--csv",
                str(stats),
                "--only-summary",
                "--stop-timeout",
                "30",
                "--loglevel",
                "WARNING",
            ],
            env=load_env,
            capture_output=True,
            text=True,
            timeout=args.run_time + 300,
        )
        took = time.monotonic() - started
        memory.stop.set()
        log_text = (tmp / "server.log").read_text(errors="replace")
        kept_log = Path(tempfile.gettempdir()) / "socialdesk-load-server.log"
        kept_log.write_text(log_text)
        print(f"  the server's log: {kept_log}")
        if "Traceback" in log_text or "rror" in log_text:
            keep = [ln for ln in log_text.splitlines() if ln.strip()]
            print(f"\n  the server's log ({len(keep)} lines; the last 40):")
            print("\n".join("    " + line for line in keep[-40:]))
        report(
            stats.with_name("stats_stats.csv"),
            stats.with_name("stats_failures.csv"),
            took,
            memory.peak,
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if pg_name:
            _drop_pg(pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


def warm_up(url: str) -> float:
    """Each page of the test once, logged in, before the clock starts: a running server has
    made its slow results once per data version (web/warm.py); the one import during the test
    makes them again, which the test does measure."""
    import re

    import httpx

    sys.path.insert(0, str(HERE))
    from load_locust import PAGES

    started = time.monotonic()
    with httpx.Client(base_url=url, timeout=600) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page)
        client.post(
            "/login",
            data={
                "username": USER,
                "password": PASSWORD,
                "csrf_token": token.group(1) if token else "",
            },
        )
        for path in (*PAGES, "/inbox"):
            client.get(path)
    return time.monotonic() - started


def report(stats: Path, failures: Path, took: float, peak_mb: float) -> None:
    rows = list(csv.DictReader(stats.open(encoding="utf-8")))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(f"\n  {'route':<40} {'requests':>9} {'failed':>7} {'median':>8} {'p95':>8}  (ms)")
    for r in sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: r["Name"]):
        name = r["Name"] if r["Type"] in ("GET", "") else f"{r['Name']}"
        print(
            f"  {name:<40} {int(r['Request Count']):>9,} {int(r['Failure Count']):>7,} "
            f"{float(r['Median Response Time']):>8.0f} {float(r['95%']):>8.0f}"
        )
    n, failed = int(total["Request Count"]), int(total["Failure Count"])
    print(
        f"\n  {n:,} requests in {took:.0f} s ({n / max(took, 1e-9):.0f}/s), {failed} failed; "
        f"p95 over all {float(total['95%']):.0f} ms; server's peak memory {peak_mb:.0f} MB"
    )
    if failed:
        for r in csv.DictReader(failures.open(encoding="utf-8")):
            print(f"  failure: {r['Method']} {r['Name']}: {r['Error']} ({r['Occurrences']}x)")
        print("  goal: 0 failures — NOT MET")
        sys.exit(1)
    print("  goal: 0 failures — met")


if __name__ == "__main__":
    main()
