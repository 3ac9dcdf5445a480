"""Import speed and memory: the full import against a bare pandas.read_csv of the same files.

    python benchmarks/import_speed.py                 # 1,000,000 post-metric rows, SQLite and PostgreSQL
    python benchmarks/import_speed.py --rows 200000 --db sqlite

The files are written in real export formats (Meta Business Suite Facebook and Instagram posts,
X tweet activity): every row is one post with its lifetime metrics, i.e. one post-metric
snapshot. The baseline, measured in the same run on the same files, is `pandas.read_csv` alone
(no detection, validation, mapping or writing). Goal: full import <= 3x the bare parse.

Memory: peak RSS of a child process importing a small and a 4x larger file; flat in file size
means the two peaks are close (rows are streamed in chunks).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
PG_DEFAULT = os.environ.get("SOCIALDESK_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")

FB_HEADER = (
    'Post ID,Page ID,"Page name",Title,Description,"Duration (sec)","Publish time","Caption type",'
    'Permalink,"Is crosspost","Is share","Post type",Languages,"Custom labels",'
    '"Funded content status","Data comment",Date,Views,Reach,"Reactions, Comments and Shares",'
    'Reactions,Comments,Shares,"Total clicks","Link Clicks","Other Clicks",'
    '"Negative feedback from users: Hide all"'
)
IG_HEADER = (
    "Post ID,Account ID,Account username,Account name,Description,Duration (sec),Publish time,"
    "Permalink,Post type,Data comment,Date,Views,Reach,Likes,Shares,Follows,Comments,Saves"
)
X_HEADER = [
    "Tweet id",
    "Tweet permalink",
    "Tweet text",
    "time",
    "impressions",
    "engagements",
    "engagement rate",
    "retweets",
    "replies",
    "likes",
    "user profile clicks",
    "url clicks",
    "hashtag clicks",
    "detail expands",
    "permalink clicks",
    "app opens",
    "app installs",
    "follows",
    "email tweet",
    "dial phone",
    "media views",
    "media engagements",
]


def _when(rng: random.Random) -> tuple[int, int, int, int, int]:
    return rng.randint(1, 12), rng.randint(1, 28), 2025, rng.randint(0, 23), rng.randint(0, 59)


def write_facebook(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(FB_HEADER + "\n")
        w = csv.writer(fh, lineterminator="\n")
        for i in range(n):
            m, d, y, hh, mm = _when(rng)
            reach = rng.randint(0, 50_000)
            w.writerow(
                [
                    f"{seed}{i:09d}",
                    "100000000000001",
                    "Bench page",
                    f"Bericht {i} over de actie",
                    "",
                    0,
                    f"{m:02d}/{d:02d}/{y} {hh:02d}:{mm:02d}",
                    "N/A",
                    f"https://www.facebook.com/bench/posts/{seed}{i}",
                    0,
                    0,
                    rng.choice(["Photos", "Videos", "Links", "Reels"]),
                    "",
                    "",
                    "",
                    "",
                    "Lifetime",
                    reach * 2,
                    reach,
                    rng.randint(0, 900),
                    rng.randint(0, 500),
                    rng.randint(0, 200),
                    rng.randint(0, 50),
                    rng.randint(0, 2000),
                    rng.randint(0, 900),
                    rng.randint(0, 900),
                    rng.randint(0, 5),
                ]
            )


def write_instagram(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(IG_HEADER + "\n")
        w = csv.writer(fh, lineterminator="\n")
        for i in range(n):
            m, d, y, hh, mm = _when(rng)
            w.writerow(
                [
                    f"{seed}{i:09d}",
                    "17841400000000001",
                    "benchaccount",
                    "Bench account",
                    f"Foto {i} #bench",
                    0,
                    f"{m:02d}/{d:02d}/{y} {hh:02d}:{mm:02d}",
                    f"https://www.instagram.com/p/B{seed}{i}/",
                    rng.choice(["IG image", "IG carousel", "IG reel"]),
                    "",
                    "Lifetime",
                    rng.randint(0, 90_000),
                    rng.randint(0, 50_000),
                    rng.randint(0, 900),
                    rng.randint(0, 40),
                    rng.randint(0, 20),
                    rng.randint(0, 90),
                    rng.randint(0, 60),
                ]
            )


def write_x(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(X_HEADER)
        for i in range(n):
            m, d, y, hh, mm = _when(rng)
            imp = rng.randint(1, 20_000)
            eng = rng.randint(0, imp // 10)
            w.writerow(
                [
                    f"{1_400_000_000_000_000_000 + seed * 10**9 + i}",
                    f"https://twitter.com/bench/status/{i}",
                    f"Tweet {i} &amp; meer",
                    f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d} +0000",
                    f"{imp}.0",
                    f"{eng}.0",
                    str(eng / imp),
                    f"{rng.randint(0, 20)}.0",
                    f"{rng.randint(0, 9)}.0",
                    f"{rng.randint(0, 99)}.0",
                    *[str(rng.randint(0, 30)) for _ in range(12)],
                ]
            )


# format module -> (file name pattern, writer, read_csv arguments of the bare parse)
GENERATORS: dict[str, tuple[str, Callable[[Path, int, int], None], dict[str, object]]] = {
    "meta_business_suite_facebook_posts_csv": (
        "Jan-01-2025_Dec-31-2025_fb{k}.csv",
        write_facebook,
        {"encoding": "utf-8-sig"},
    ),
    "meta_business_suite_instagram_posts_csv": (
        "Jan-01-2025_Dec-31-2025_ig{k}.csv",
        write_instagram,
        {"encoding": "utf-8-sig"},
    ),
    "x_tweet_activity_metrics_csv": (
        "tweet_activity_metrics_bench_20250101_20251231_{k}_en.csv",
        write_x,
        {},
    ),
}


def available_generators() -> dict[
    str, tuple[str, Callable[[Path, int, int], None], dict[str, object]]
]:
    from socialdesk.importers import BUILTIN_FORMATS

    names = {n.rsplit(".", 1)[-1] for n in BUILTIN_FORMATS}
    return {k: v for k, v in GENERATORS.items() if k in names}


def make_files(folder: Path, rows: int, per_file: int) -> list[tuple[Path, dict[str, object]]]:
    gens = list(available_generators().items())
    files = []
    k = 0
    made = 0
    while made < rows:
        _name, (pattern, writer, read_args) = gens[k % len(gens)]
        n = min(per_file, rows - made)
        path = folder / pattern.format(k=k)
        writer(path, n, seed=k + 1)
        files.append((path, read_args))
        made += n
        k += 1
    return files


def bare_parse(files: list[tuple[Path, dict[str, object]]], repeat: int = 3) -> float:
    """The fastest of `repeat` bare parses: on a shared machine the slowest say little."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for path, args in files:
            pd.read_csv(path, **args)  # type: ignore[call-overload]
        best = min(best, time.perf_counter() - t)
    return best


PHASES: dict[str, float] = {}  # seconds of the last full_import per phase (see _timed)


def _timed(cls: type, name: str, phase: str) -> Callable[[], None]:
    """Wrap cls.name so that its time adds to PHASES[phase]; returns the undo."""
    original = getattr(cls, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            PHASES[phase] = PHASES.get(phase, 0.0) + time.perf_counter() - t

    setattr(cls, name, wrapper)
    return lambda: setattr(cls, name, original)


def full_import(
    files: list[tuple[Path, dict[str, object]]], url: str, folder: Path
) -> tuple[float, int]:
    from socialdesk.importers.load import Loader
    from socialdesk.importers.runner import Importer
    from socialdesk.store import open_workspace

    handle = open_workspace(folder, url=url)
    importer = Importer(handle.engine, handle.workspace_id, imported_by="benchmark")
    PHASES.clear()
    undo = [_timed(Loader, "load", "write rows"), _timed(Loader, "finish", "rollups")]
    t = time.perf_counter()
    cpu = time.process_time()
    total = 0
    try:
        for path, _ in files:
            report = importer.import_file(path)
            if report.status != "imported":
                raise SystemExit(f"{path.name}: {report.status} {report.error}")
            total += report.counts.get("post_metrics", {}).get("added", 0)
    finally:
        for u in undo:
            u()
    secs = time.perf_counter() - t
    PHASES["this process's CPU"] = time.process_time() - cpu
    PHASES["read, check, map, commit"] = (
        secs - PHASES.get("write rows", 0) - PHASES.get("rollups", 0)
    )
    return secs, total


def peak_rss_mb(path: Path, url: str, folder: Path) -> float:
    """Peak RSS of a child process that imports one file."""
    code = (
        "import sys,resource;from pathlib import Path;"
        "from socialdesk.store import open_workspace;from socialdesk.importers.runner import Importer;"
        "h=open_workspace(Path(sys.argv[2]),url=sys.argv[3]);"
        "r=Importer(h.engine,h.workspace_id).import_file(Path(sys.argv[1]));"
        "assert r.status=='imported',r.error;"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), str(folder), url],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def _pg_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    import uuid

    from sqlalchemy import text

    from socialdesk.store.engine import make_engine

    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"sd_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--per-file", type=int, default=100_000)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--pg-url", default=PG_DEFAULT)
    ap.add_argument("--no-memory", action="store_true")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="sd-bench-") as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        files = make_files(root, args.rows, args.per_file)
        print(
            f"wrote {len(files)} files, {args.rows:,} post-metric rows "
            f"({sum(p.stat().st_size for p, _ in files) / 1e6:.0f} MB) in {time.perf_counter() - t:.1f}s; "
            f"formats: {', '.join(sorted(available_generators()))}"
        )
        base = bare_parse(files)
        print(
            f"baseline  pandas.read_csv only : {base:7.2f}s (best of 3)  {args.rows / base:>10,.0f} rows/s"
        )
        if os.getloadavg()[0] > 1.5:
            print(
                f"(load average {os.getloadavg()[0]:.1f}: other processes share the CPU; "
                "times are noisy, the ratio less so)"
            )
        targets = []
        if args.db in ("sqlite", "both"):
            targets.append(("sqlite", f"sqlite:///{root / 'bench.db'}", lambda: None))
        if args.db in ("postgresql", "both"):
            url, drop = _pg_database(args.pg_url)
            targets.append(("postgresql", url, drop))
        for label, url, cleanup in targets:
            try:
                secs, added = full_import(files, url, root / f"ws-{label}")
                assert added == args.rows, f"expected {args.rows} snapshots, got {added}"
                print(
                    f"{label:10s} full import          : {secs:7.2f}s  {args.rows / secs:>10,.0f} rows/s"
                    f"  = {secs / base:4.1f}x the bare parse (goal <= 3x)"
                )
                phases = ", ".join(f"{k} {v:.2f}s" for k, v in PHASES.items())
                print(f"{'':10s}   of which: {phases}")
                if not args.no_memory:
                    small = root / "mem_small.csv"
                    large = root / "mem_large.csv"
                    write_facebook(small, 50_000, 901)
                    write_facebook(large, 200_000, 902)
                    rss_s = peak_rss_mb(small, url, root / f"mem-{label}-s")
                    rss_l = peak_rss_mb(large, url, root / f"mem-{label}-l")
                    print(
                        f"{label:10s} peak RSS 50k rows    : {rss_s:7.0f} MB; 200k rows: {rss_l:.0f} MB"
                        f"  = {rss_l / rss_s:.2f}x for 4x the rows (flat = close to 1x)"
                    )
            finally:
                cleanup()


if __name__ == "__main__":
    main()
