"""`socialdesk inbox classify` against a plain VADER script, in the same run (issue #19 part 4).

    python benchmarks/cli_classify_speed.py                # 10,000 messages, 3 rounds
    python benchmarks/cli_classify_speed.py --rows 2000 --rounds 1

The messages: 10,000 English customer-support-like texts made from the project's own
`benchmarks/data/english_messages/messages.csv` (290 messages, Apache-2.0), each repeated with
variation (a brand handle, an order number, a greeting, a sign-off, an emoji), so no two rows
are the same text. Nothing evaluate-only is copied or trained on.

Each round runs, one after the other so a busy machine slows all alike:

- `socialdesk --help` (start-up of the command line);
- `socialdesk inbox classify` on a 1-message file (start-up of the classify path: imports,
  the language detector and the lexicons loaded, one message read and written);
- `socialdesk inbox classify` on the 10,000-message file, end to end;
- a plain VADER script on the same file (csv in, `polarity_scores` per text, csv out).

Net messages/s = (rows - 1) / (time of the big file - time of the 1-message file): the
start-up counted once. Peak memory: the maximum resident set of each child, from
`/usr/bin/time` (or psutil sampling where that is missing). The medians of the rounds are
printed, and every round's figures. On a machine shared with other work the wall clock
swings (the same run 2x apart from round to round): the CPU seconds of each child (user +
system, from `/usr/bin/time` or psutil) are printed next to it, and the net rate per CPU
second, which a busy machine moves much less; compare either to VADER's in the same run. The
machine's load average (1 minute) is printed before and after the rounds: above the number of
cores, the wall-clock figures say more about the other work than about classify.

Goals: the CLI at least 2,000 messages/s net with the offline default (the lexicon), start-up
under 1 s, peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "data" / "english_messages" / "messages.csv"
GNU_TIME = "/usr/bin/time"

BRANDS = ("@FlyRightAir", "@QuickShip", "@NetSpeedHelp", "@CityRail", "@BankEasy", "@ShopMore")
GREETINGS = ("", "", "", "Hi, ", "Hello ", "Hey ", "Dear team, ", "Morning! ")
SIGN_OFFS = ("", "", "", " Thanks.", " Cheers", " Please help.", " Regards, Sam", " #fail")
EMOJI = ("", "", "", "", " 🙂", " 😡", " 🙏", " 👍", " 😤")

VADER_SCRIPT = """
import csv, sys
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

analyzer = SentimentIntensityAnalyzer()
with open(sys.argv[1], encoding="utf-8", newline="") as src, \\
        open(sys.argv[2], "w", encoding="utf-8", newline="") as dst:
    reader = csv.reader(src)
    writer = csv.writer(dst)
    header = next(reader)
    col = header.index("text")
    writer.writerow([*header, "sentiment", "compound"])
    for row in reader:
        c = analyzer.polarity_scores(row[col])["compound"]
        label = "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"
        writer.writerow([*row, label, c])
"""


def make_messages(rows: int, seed: int = 19) -> list[tuple[str, str]]:
    """`rows` (id, text) pairs: the English messages repeated with variation."""
    with SOURCE.open(encoding="utf-8", newline="") as fh:
        base = [r["text"] for r in csv.DictReader(fh)]
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        text = base[i % len(base)]
        if rng.random() < 0.4 and not text.startswith("@"):
            text = f"{rng.choice(BRANDS)} {text}"
        if rng.random() < 0.3:
            text = f"{text} Order #{rng.randint(100000, 999999)}."
        text = f"{rng.choice(GREETINGS)}{text}{rng.choice(SIGN_OFFS)}{rng.choice(EMOJI)}"
        out.append((f"m{i + 1}", text))
    return out


def write_file(path: Path, messages: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text"])
        writer.writerows(messages)


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one child process;
    fails loudly when it fails."""
    if shutil.which(GNU_TIME) or Path(GNU_TIME).exists():
        with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
            start = time.perf_counter()
            done = subprocess.run(
                [GNU_TIME, "-f", "%M %U %S", "-o", report.name, *cmd],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - start
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
            peak_kb, user, system = Path(report.name).read_text().strip().splitlines()[-1].split()
        return wall, int(peak_kb) / 1024, float(user) + float(system)
    import psutil  # the bench extra

    start = time.perf_counter()
    proc = psutil.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, cpu = 0, 0.0
    while proc.poll() is None:
        try:
            peak = max(peak, proc.memory_info().rss)
            times = proc.cpu_times()
            cpu = times.user + times.system
        except psutil.NoSuchProcess:
            break
        time.sleep(0.01)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed")
    return wall, peak / 2**20, cpu  # the CPU time as last sampled: a little short


def _load() -> str:
    """The 1-minute load average, or "?" where the system does not tell."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    exe = Path(sys.executable).with_name("socialdesk")
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "socialdesk"]
    env = {k: v for k, v in os.environ.items() if k != "SOCIALDESK_WORKSPACE"}
    env["COLUMNS"] = "200"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big, one = folder / "messages.csv", folder / "one.csv"
        messages = make_messages(args.rows)
        write_file(big, messages)
        write_file(one, messages[:1])
        vader = folder / "vader_script.py"
        vader.write_text(VADER_SCRIPT, encoding="utf-8")

        def classify(path: Path) -> list[str]:
            return [*cli, "inbox", "classify", str(path), "--text-column", "text", "--out",
                    str(folder / f"out_{path.stem}.csv")]  # fmt: skip

        runs: dict[str, list[tuple[float, float, float]]] = {
            "help": [],
            "one": [],
            "big": [],
            "vader": [],
            "vader_one": [],
        }
        load_before = _load()
        for r in range(args.rounds):
            runs["help"].append(timed([*cli, "--help"], env))
            runs["one"].append(timed(classify(one), env))
            runs["big"].append(timed(classify(big), env))
            runs["vader_one"].append(
                timed([sys.executable, str(vader), str(one), str(folder / "v1.csv")], env)
            )
            runs["vader"].append(
                timed([sys.executable, str(vader), str(big), str(folder / "v.csv")], env)
            )
            net = (args.rows - 1) / max(1e-9, runs["big"][-1][0] - runs["one"][-1][0])
            net_cpu = (args.rows - 1) / max(1e-9, runs["big"][-1][2] - runs["one"][-1][2])
            print(
                f"round {r + 1}: --help {runs['help'][-1][0]:.2f} s, 1 message "
                f"{runs['one'][-1][0]:.2f} s, {args.rows:,} messages {runs['big'][-1][0]:.2f} s "
                f"({net:,.0f}/s net, {net_cpu:,.0f}/CPU-s net, peak {runs['big'][-1][1]:.0f} MB); "
                f"VADER {runs['vader'][-1][0]:.2f} s (1 message {runs['vader_one'][-1][0]:.2f} s, "
                f"peak {runs['vader'][-1][1]:.0f} MB)",
                flush=True,
            )
        with (folder / "out_messages.csv").open(encoding="utf-8", newline="") as fh:
            written = sum(1 for _ in csv.reader(fh)) - 1
        assert written == args.rows, f"classify wrote {written} rows of {args.rows}"

    def med(key: str, i: int = 0) -> float:
        return statistics.median(v[i] for v in runs[key])

    cli_net = (args.rows - 1) / max(1e-9, med("big") - med("one"))
    vader_net = (args.rows - 1) / max(1e-9, med("vader") - med("vader_one"))
    cli_cpu = (args.rows - 1) / max(1e-9, med("big", 2) - med("one", 2))
    vader_cpu = (args.rows - 1) / max(1e-9, med("vader", 2) - med("vader_one", 2))

    def line(title: str, key: str) -> str:
        return (
            f"  {title:<30}{med(key):6.2f} s   CPU {med(key, 2):6.2f} s   "
            f"peak {med(key, 1):5.0f} MB"
        )

    print()
    print(
        f"medians of {args.rounds} rounds, {args.rows:,} messages (load average {load_before} "
        f"before, {_load()} after, {os.cpu_count()} cores)"
    )
    print(line("socialdesk --help", "help"))
    print(line("classify, 1 message", "one"))
    print(
        line(f"classify, {args.rows:,} messages", "big")
        + f"   {cli_net:,.0f} messages/s net ({cli_cpu:,.0f} per CPU-s)"
    )
    print(line("plain VADER script, 1 message", "vader_one"))
    print(
        line(f"plain VADER script, {args.rows:,}", "vader")
        + f"   {vader_net:,.0f} messages/s net ({vader_cpu:,.0f} per CPU-s)"
    )
    print(
        f"  classify / VADER, net time: {vader_net / cli_net:.1f}x wall, "
        f"{vader_cpu / cli_cpu:.1f}x CPU"
    )
    goals = [
        ("net speed >= 2,000 messages/s", cli_net >= 2000),
        ("start-up (--help) < 1 s", med("help") < 1.0),
        ("start-up (1 message) < 1 s", med("one") < 1.0),
        ("peak memory < 300 MB", med("big", 1) < 300),
    ]
    for name, ok in goals:
        print(f"  goal {name}: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
