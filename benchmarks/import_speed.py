"""Import speed and memory: the full import against the same work done by plain SQL.

    python benchmarks/import_speed.py                 # 1,000,000 post-metric rows, SQLite and PostgreSQL
    python benchmarks/import_speed.py --rows 200000 --db sqlite

The files are written in real export formats (Meta Business Suite Facebook and Instagram posts,
X tweet activity): every row is one post with its lifetime metrics, i.e. one post-metric
snapshot. Two stores of the same schema (migrations at head, same indexes) take the same files,
file by file in turn, so that a busy machine slows both alike:

- the full import (`Importer.import_file`: hash, detect, read, check, map, stage, upsert,
  refresh the rollups, one transaction per file; then, on PostgreSQL, ANALYZE of the tables
  it changed by more than a tenth); its wall time is also printed per phase, and each
  phase's cost per row of all rows against that of the first 200k;
- the same-work SQL pipeline written here: `pandas.read_csv` with the columns mapped by hand,
  the rows staged into one temporary table (executemany on SQLite, COPY on PostgreSQL), then
  `INSERT ... SELECT ... ON CONFLICT` upserts of the account, the posts, their snapshots and
  `post_latest` (in index order, with the import's SQLite page cache), and the same weekly
  rollups (`refresh_weeks` of the account), one transaction per file. The import adds posts
  new to the store to their weeks and sums again only the weeks that rows stored before
  touched (its "weeks" phase: finding them, adding, summing); each
  file here holds posts of every week of 2025, so that is every week of its account, the
  same work.

Goals (issue #18): the full import at most 1.1x the pipeline; the cost per row of 1 M rows at
most 1.2x that of the first 200k (the store grows under the import: index upkeep); peak
memory flat in file size. Times are wall clock and CPU (this process plus, on PostgreSQL, the
server backends of the benchmark's databases, read from /proc): on a shared machine the CPU
figures move less. The old goal, 3x a bare `pandas.read_csv`, is retired (no tool that writes
an indexed schema gets near it); that parse is still printed for reference.

Memory: peak RSS of a child process importing a small and a 4x larger file; flat in file size
means the two peaks are close (rows are streamed in chunks).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def bare_parse(files: list[tuple[Path, dict[str, object]]]) -> float:
    """One bare parse of every file (the retired baseline, for reference)."""
    t = time.perf_counter()
    for path, args in files:
        pd.read_csv(path, **args)  # type: ignore[call-overload]
    return time.perf_counter() - t


# -- clocks -----------------------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process, 0 when it is gone or unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


@dataclass
class Clock:
    """Wall and CPU time of one store's work: this process, plus on PostgreSQL the client
    backends connected to the store's own database (the benchmark's alone)."""

    engine: Any
    database: str | None = None  # PostgreSQL: the benchmark database's name
    wall: list[float] = field(default_factory=list)  # per file
    cpu: list[float] = field(default_factory=list)
    _seen: dict[int, float] = field(default_factory=dict)

    def _backends(self) -> float:
        if self.database is None:
            return 0.0
        from sqlalchemy import text

        with self.engine.connect() as c:
            pids = c.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = :d "
                    "AND backend_type = 'client backend'"
                ),
                {"d": self.database},
            ).scalars()
            return sum(_proc_cpu(p) for p in pids)

    def run(self, work: Callable[[], None]) -> None:
        b0 = self._backends()
        c0, t0 = time.process_time(), time.perf_counter()
        work()
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0 + max(0.0, self._backends() - b0)
        self.wall.append(wall)
        self.cpu.append(cpu)


PHASES: dict[str, float] = {}  # seconds of the full imports per phase (see _timed)


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


class FullImport:
    """The product's import, one file at a time."""

    def __init__(self, url: str, folder: Path) -> None:
        from socialdesk.importers.runner import Importer
        from socialdesk.store import open_workspace

        self.handle = open_workspace(folder, url=url)
        self.importer = Importer(self.handle.engine, self.handle.workspace_id, imported_by="bench")
        self.added = 0

    def __call__(self, path: Path) -> None:
        report = self.importer.import_file(path)
        if report.status != "imported":
            raise SystemExit(f"{path.name}: {report.status} {report.error}")
        self.added += report.counts.get("post_metrics", {}).get("added", 0)


# -- the same-work SQL pipeline ----------------------------------------------------------------
POST_COLUMNS = (
    "external_id",
    "published_at",
    "text",
    "title",
    "media_type",
    "source_type",
    "permalink",
    "duration_seconds",
)
X_EXTRAS = (
    "hashtag clicks",
    "detail expands",
    "permalink clicks",
    "app opens",
    "app installs",
    "email tweet",
    "dial phone",
    "media views",
    "media engagements",
)


def _map_meta(df: pd.DataFrame, platform: str) -> tuple[dict[str, str | None], pd.DataFrame]:
    out = pd.DataFrame({"external_id": df["Post ID"].astype(str)})
    out["published_at"] = pd.to_datetime(df["Publish time"], format="%m/%d/%Y %H:%M")
    if platform == "facebook":
        out["text"] = df["Description"].astype(object).where(df["Description"].notna(), df["Title"])
        out["title"] = df["Title"]
        account = {
            "platform": "facebook",
            "handle": str(df["Page name"].iloc[0]),
            "name": str(df["Page name"].iloc[0]),
            "external_id": str(df["Page ID"].iloc[0]),
        }
        metrics = {
            "views": "Views",
            "reach": "Reach",
            "engagements": "Reactions, Comments and Shares",
            "reactions": "Reactions",
            "comments": "Comments",
            "shares": "Shares",
            "clicks": "Total clicks",
            "link_clicks": "Link Clicks",
            "other_clicks": "Other Clicks",
            "negative_feedback": "Negative feedback from users: Hide all",
        }
    else:
        out["text"] = df["Description"]
        account = {
            "platform": "instagram",
            "handle": str(df["Account username"].iloc[0]),
            "name": str(df["Account name"].iloc[0]),
            "external_id": str(df["Account ID"].iloc[0]),
        }
        metrics = {
            "views": "Views",
            "reach": "Reach",
            "likes": "Likes",
            "shares": "Shares",
            "follows": "Follows",
            "comments": "Comments",
            "saves": "Saves",
        }
    out["media_type"] = df["Post type"].str.lower()
    out["source_type"] = df["Post type"]
    out["permalink"] = df["Permalink"]
    out["duration_seconds"] = df["Duration (sec)"].astype("float64")
    for name, column in metrics.items():
        out[name] = df[column].astype("float64")
    return account, out


def _map_x(df: pd.DataFrame) -> tuple[dict[str, str | None], pd.DataFrame]:
    out = pd.DataFrame({"external_id": df["Tweet id"].astype(str)})
    when = pd.to_datetime(df["time"], format="%Y-%m-%d %H:%M %z")
    out["published_at"] = when.dt.tz_convert("Europe/Amsterdam").dt.tz_localize(None)
    out["text"] = df["Tweet text"]
    out["permalink"] = df["Tweet permalink"]
    metrics = {
        "impressions": "impressions",
        "engagements": "engagements",
        "likes": "likes",
        "comments": "replies",
        "shares": "retweets",
        "link_clicks": "url clicks",
        "follows": "follows",
        "profile_visits": "user profile clicks",
    }
    for name, column in metrics.items():
        out[name] = df[column].astype("float64")
    extras = df[list(X_EXTRAS)].astype("float64")
    out["extra"] = extras.to_json(orient="records", lines=True).splitlines()
    return {"platform": "x", "handle": "bench", "name": "bench", "external_id": None}, out


class SqlPipeline:
    """The fastest same-work pipeline we could write by hand: parse, stage, upsert, roll up."""

    def __init__(self, url: str, folder: Path) -> None:
        from socialdesk.store import open_workspace

        self.handle = open_workspace(folder, url=url)
        self.dialect = self.handle.engine.dialect.name
        from sqlalchemy.dialects import postgresql, sqlite
        from sqlalchemy.orm import aliased

        from socialdesk.catalogue.sql import metric_column
        from socialdesk.model import PostMetrics

        dialect = postgresql.dialect() if self.dialect == "postgresql" else sqlite.dialect()
        expr = metric_column(aliased(PostMetrics, name="m"), "engagements")
        self.engagements = str(
            expr.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        )

    def __call__(self, path: Path) -> None:
        from sqlalchemy import text
        from sqlalchemy.orm import Session

        from socialdesk.importers.runner import date_from_name, sha256_of
        from socialdesk.model import ImportBatch
        from socialdesk.store.engine import tune_for_import, wait_for_write_turn
        from socialdesk.store.rollups import refresh_weeks

        digest = sha256_of(path)
        if path.name.startswith("tweet_activity"):
            account, frame = _map_x(pd.read_csv(path))
        else:
            df = pd.read_csv(path, encoding="utf-8-sig")
            account, frame = _map_meta(df, "facebook" if "Page ID" in df.columns else "instagram")
        as_of = date_from_name(path.name)
        assert as_of is not None
        frame.insert(len(frame.columns), "as_of", as_of.isoformat())
        frame["published_at"] = frame["published_at"].dt.strftime("%Y-%m-%d %H:%M:%S.%f")
        posts = [c for c in POST_COLUMNS if c in frame.columns]
        figures = [c for c in frame.columns if c not in posts and c != "as_of"]
        with Session(self.handle.engine) as session, session.begin():
            wait_for_write_turn(session, self.handle.workspace_id)
            tune_for_import(session)  # the import's page cache (SQLite), for a fair match
            batch = ImportBatch(
                workspace_id=self.handle.workspace_id,
                sha256=digest,
                format="bench_sql",
                filename=path.name,
                size_bytes=path.stat().st_size,
                imported_by="bench",
                counts={},
                notes={},
            )
            session.add(batch)
            session.flush()
            conn = session.connection()
            acc = conn.execute(
                text(
                    "INSERT INTO account (workspace_id, platform, handle, name, external_id, "
                    "timezone) VALUES (:ws, :platform, :handle, :name, :external_id, "
                    "'Europe/Amsterdam') ON CONFLICT (workspace_id, platform, handle) DO UPDATE "
                    "SET name = excluded.name RETURNING id"
                ),
                {"ws": self.handle.workspace_id, **account},
            ).scalar_one()
            raw = conn.connection.driver_connection
            cur = raw.cursor()
            try:
                self._stage(cur, frame, posts, figures)
                self._upsert(cur, acc, batch.id, posts, figures)
            finally:
                cur.close()
            refresh_weeks(session, [acc])

    def _stage(self, cur: Any, frame: pd.DataFrame, posts: list[str], figures: list[str]) -> None:
        cols = list(frame.columns)
        col_list = ", ".join(f'"{c}"' for c in cols)
        cur.execute("DROP TABLE IF EXISTS _bench_stage")
        if self.dialect == "sqlite":
            cur.execute(f"CREATE TEMP TABLE _bench_stage ({col_list})")
            rows = (
                frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
            )
            marks = ", ".join("?" for _ in cols)
            cur.executemany(f"INSERT INTO _bench_stage VALUES ({marks})", rows)
            return
        types = {
            "published_at": "timestamp",
            "as_of": "date",
            "duration_seconds": "float8",
            "extra": "json",
        }
        decl = ", ".join(
            f'"{c}" {types.get(c, "float8" if c in figures else "text")}' for c in cols
        )
        cur.execute("SET LOCAL jit = off")  # compiling one-off statements costs more than it saves
        cur.execute(f"CREATE TEMP TABLE _bench_stage ({decl})")
        buf = io.StringIO()
        frame.to_csv(buf, header=False, index=False, na_rep="")
        with cur.copy(f"COPY _bench_stage ({col_list}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buf.getvalue())
        cur.execute("ANALYZE _bench_stage")

    def _upsert(self, cur: Any, acc: int, batch: int, posts: list[str], figures: list[str]) -> None:
        def sets(cols: list[str]) -> str:
            return ", ".join(f'"{c}" = excluded."{c}"' for c in cols)

        post_cols = ", ".join(f'"{c}"' for c in posts)
        cur.execute(
            f"INSERT INTO post (account_id, {post_cols}, import_batch_id) "
            f"SELECT {int(acc)}, {post_cols}, {int(batch)} FROM _bench_stage WHERE true "
            "ORDER BY published_at "  # in index order, as the import writes them
            f"ON CONFLICT (account_id, external_id) DO UPDATE SET "
            f"{sets([c for c in posts if c != 'external_id'] + ['import_batch_id'])}"
        )
        fig_cols = ", ".join(f'"{c}"' for c in figures)
        fig_src = ", ".join(f's."{c}"' for c in figures)
        cur.execute(
            f"INSERT INTO post_metrics (post_id, as_of, {fig_cols}, import_batch_id) "
            f"SELECT p.id, s.as_of, {fig_src}, {int(batch)} FROM _bench_stage s "
            f"JOIN post p ON p.account_id = {int(acc)} AND p.external_id = s.external_id "
            f"WHERE true ORDER BY p.id ON CONFLICT (post_id, as_of) DO UPDATE SET "
            f"{sets([*figures, 'import_batch_id'])}"
        )
        latest = ["account_id", "published_at", "as_of", "impressions", "reach", "engagements"]
        cur.execute(
            "INSERT INTO post_latest (post_id, account_id, published_at, as_of, impressions, "
            "reach, engagements, clicks) "
            f"SELECT p.id, p.account_id, p.published_at, m.as_of, m.impressions, m.reach, "
            f"{self.engagements}, m.clicks FROM _bench_stage s "
            f"JOIN post p ON p.account_id = {int(acc)} AND p.external_id = s.external_id "
            "LEFT JOIN post_metrics m ON m.post_id = p.id AND m.as_of = "
            "(SELECT max(x.as_of) FROM post_metrics x WHERE x.post_id = p.id) "
            f"WHERE true ORDER BY p.id ON CONFLICT (post_id) DO UPDATE SET "
            f"{sets([*latest, 'clicks'])}"
        )
        cur.execute("DROP TABLE IF EXISTS _bench_stage")


def peak_rss_mb(path: Path, url: str, folder: Path) -> float:
    """Peak RSS of a child process that imports one file: its VmHWM, which starts afresh at
    exec (ru_maxrss keeps the forking parent's size, which after a large run is most of it)."""
    code = (
        "import sys,re;from pathlib import Path;"
        "from socialdesk.store import open_workspace;from socialdesk.importers.runner import Importer;"
        "h=open_workspace(Path(sys.argv[2]),url=sys.argv[3]);"
        "r=Importer(h.engine,h.workspace_id).import_file(Path(sys.argv[1]));"
        "assert r.status=='imported',r.error;"
        "print(re.search(r'VmHWM:\\s*(\\d+)',Path('/proc/self/status').read_text())[1])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), str(folder), url],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def _pg_database(admin_url: str) -> tuple[str, str, Callable[[], None]]:
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

    return url, name, drop


def _per_row(clock: Clock, sizes: list[int], upto: int) -> tuple[float, float, int]:
    """(wall, CPU) microseconds per row of the first files that hold `upto` rows."""
    rows = n = 0
    while n < len(sizes) and rows < upto:
        rows += sizes[n]
        n += 1
    return 1e6 * sum(clock.wall[:n]) / rows, 1e6 * sum(clock.cpu[:n]) / rows, rows


def run_store(
    label: str,
    files: list[tuple[Path, dict[str, object]]],
    sizes: list[int],
    urls: tuple[str, str],
    names: tuple[str | None, str | None],
    root: Path,
) -> None:
    full = FullImport(urls[0], root / f"ws-{label}-import")
    pipe = SqlPipeline(urls[1], root / f"ws-{label}-sql")
    clocks = Clock(full.handle.engine, names[0]), Clock(pipe.handle.engine, names[1])
    PHASES.clear()
    from socialdesk.importers import load, runner

    undo = [
        _timed(load.Loader, "load", "write rows"),
        _timed(load, "refresh_post_latest", "post_latest"),
        _timed(load, "post_weeks", "weeks"),  # the posts' old and new weeks, then their sums
        _timed(load, "add_new_posts", "weeks"),  # new posts added to their weeks
        _timed(load, "refresh_weeks", "weeks"),
        _timed(runner, "refresh_statistics", "ANALYZE after commit"),
    ]
    early: dict[str, float] = {}  # the phases of the first 200k rows
    try:
        done = 0
        for path, _ in files:  # in turn, so that the machine's load falls on both alike
            clocks[0].run(lambda path=path: full(path))
            clocks[1].run(lambda path=path: pipe(path))
            done += sizes[len(clocks[0].wall) - 1]
            if not early and done >= 200_000:
                early = dict(PHASES, rows=done)
    finally:
        for u in undo:
            u()
    rows = sum(sizes)
    assert full.added == rows, f"expected {rows} snapshots, got {full.added}"
    for name, clock in (("full import", clocks[0]), ("SQL pipeline", clocks[1])):
        wall, cpu = sum(clock.wall), sum(clock.cpu)
        print(
            f"{label:10s} {name:13s}: {wall:7.2f}s wall {rows / wall:>9,.0f} rows/s; "
            f"{cpu:7.2f}s CPU"
        )
    wall_ratio = sum(clocks[0].wall) / sum(clocks[1].wall)
    cpu_ratio = sum(clocks[0].cpu) / sum(clocks[1].cpu)
    print(
        f"{label:10s} import / pipeline: {wall_ratio:.2f}x wall, {cpu_ratio:.2f}x CPU"
        "  (goal <= 1.1x)"
    )
    rest = sum(clocks[0].wall) - sum(PHASES.values())
    phases = ", ".join(f"{k} {v:.2f}s" for k, v in PHASES.items() if v >= 0.01)
    print(f"{'':10s}   import's wall time: {phases}, read, check, map, commit {rest:.2f}s")
    if early and rows >= 2 * early["rows"]:  # each phase's wall time per row, all / first
        growth = ", ".join(
            f"{k} {v / rows / (early[k] / early['rows']):.2f}x"
            for k, v in PHASES.items()
            if early.get(k, 0) >= 0.01
        )
        print(f"{'':10s}   per row, all / first {early['rows'] // 1000:.0f}k: {growth}")
    if rows >= 2 * 200_000:
        for name, clock in (("import", clocks[0]), ("pipeline", clocks[1])):
            w0, c0, first = _per_row(clock, sizes, 200_000)
            w1, c1, _ = _per_row(clock, sizes, rows)
            last = max(1, len(sizes) * first // rows)  # the last files that hold as many rows
            w_last = 1e6 * sum(clock.wall[-last:]) / sum(sizes[-last:])
            c_last = 1e6 * sum(clock.cpu[-last:]) / sum(sizes[-last:])
            print(
                f"{label:10s} per row, {name:8s}: first {first // 1000}k {w0:5.1f} us wall "
                f"{c0:5.1f} us CPU; all {rows // 1000}k {w1:5.1f} / {c1:5.1f} us = "
                f"{w1 / w0:.2f}x wall, {c1 / c0:.2f}x CPU"
                + ("  (goal <= 1.2x)" if name == "import" else "")
                + f"; last {sum(sizes[-last:]) // 1000}k {w_last:5.1f} / {c_last:5.1f} us"
            )
    for clock in clocks:
        clock.engine.dispose()


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
        sizes = [min(args.per_file, args.rows - i * args.per_file) for i in range(len(files))]
        print(
            f"wrote {len(files)} files, {args.rows:,} post-metric rows "
            f"({sum(p.stat().st_size for p, _ in files) / 1e6:.0f} MB) in {time.perf_counter() - t:.1f}s; "
            f"formats: {', '.join(sorted(available_generators()))}"
        )
        base = bare_parse(files)
        print(
            f"reference  pandas.read_csv only: {base:7.2f}s  {args.rows / base:>10,.0f} rows/s "
            "(the retired baseline)"
        )
        if os.getloadavg()[0] > 1.5:
            print(
                f"(load average {os.getloadavg()[0]:.1f}: other processes share the CPU; "
                "wall times are noisy, CPU times and ratios less so)"
            )
        targets: list[tuple[str, tuple[str, str], tuple[str | None, str | None], list[Any]]] = []
        if args.db in ("sqlite", "both"):
            urls = (f"sqlite:///{root / 'import.db'}", f"sqlite:///{root / 'sql.db'}")
            targets.append(("sqlite", urls, (None, None), []))
        if args.db in ("postgresql", "both"):
            made = [_pg_database(args.pg_url), _pg_database(args.pg_url)]
            targets.append(
                (
                    "postgresql",
                    (made[0][0], made[1][0]),
                    (made[0][1], made[1][1]),
                    [m[2] for m in made],
                )
            )
        for label, urls, names, cleanups in targets:
            try:
                run_store(label, files, sizes, urls, names, root)
                if not args.no_memory:
                    small = root / "mem_small.csv"
                    large = root / "mem_large.csv"
                    write_facebook(small, 50_000, 901)
                    write_facebook(large, 200_000, 902)
                    url = urls[0]
                    rss_s = peak_rss_mb(small, url, root / f"mem-{label}-s")
                    rss_l = peak_rss_mb(large, url, root / f"mem-{label}-l")
                    print(
                        f"{label:10s} peak RSS 50k rows    : {rss_s:7.0f} MB; 200k rows: {rss_l:.0f} MB"
                        f"  = {rss_l / rss_s:.2f}x for 4x the rows (flat = close to 1x)"
                    )
            finally:
                for cleanup in cleanups:
                    cleanup()


if __name__ == "__main__":
    main()
