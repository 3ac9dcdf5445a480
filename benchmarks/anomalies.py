"""Unusual days: does the detector find planted spikes and drops, and how often does it cry wolf?

    python benchmarks/anomalies.py                    # development and evaluation seeds
    python benchmarks/anomalies.py --accounts 100     # accounts per shape (default 20)
    python benchmarks/anomalies.py --seed 2           # one seed only
    python benchmarks/anomalies.py --window 365       # look at the whole year at once

Each account-year is looked at in windows of --window days (default 91, four per year, like
the pages' default of the last 90 days); false alarms are counted over the whole year.

Simulated daily counts, one year per account, negative binomial noise around a known level:

- steady     about 960 a day (the X account of issue #13), mild weekday pattern, ±10% noise
- seasonal   about 3,000 a day, strong weekday pattern (weekends half), a yearly wave of ±40%
- spiky      about 400 a day, ±29% noise and natural bursts (1 day in 12 the mean is 1.3-2×: a good
             post, not an anomaly)
- sparse     about 3 a day (clicks, followers gained), weekday pattern
- steps      about 800 a day, +50% trend over the year and two level steps (×2 and ×0.5)

In every account one day of each size is planted at a random day (at least 10 days apart):
2×, 3×, 5×, 10×, 50×, 260× up and 1/5, 1/10 down. A planted day is set to size × the usual
level of that day (rounded), as in issue #13 (an X day of about 960 set to 250,000). Recall is the share of planted days flagged (in the right
direction); a false alarm is a flag on a day that was not planted, per account-year.

Two detectors are run on the same series: the product's (`socialdesk.analytics.anomalies.
day_anomalies`, default threshold) and, as the baseline, a copy of the method it replaced
(`baseline_flags` below: STL on log1p fitted twice, robust z by MAD, |z| ≥ 3.5).

Seeds: the method's constants (WINDOW, LOW_COUNT, MIN_RATIO, PHI_MIN, masking) were chosen
looking at DEVELOPMENT_SEED only; EVALUATION_SEED is the figure to quote.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from socialdesk.analytics.anomalies import THRESHOLD, day_anomalies

DEVELOPMENT_SEED = 1
EVALUATION_SEED = 2
DAYS = 365
START = dt.date(2025, 1, 6)  # a Monday
SIZES = (2.0, 3.0, 5.0, 10.0, 50.0, 260.0, 1 / 5, 1 / 10)
SHAPES = ("steady", "seasonal", "spiky", "sparse", "steps")


def size_name(size: float) -> str:
    return f"{size:g}x" if size >= 1 else f"1/{1 / size:g}"


# -- simulation --------------------------------------------------------------------------------
def _nb(rng: np.random.Generator, mu: np.ndarray, k: float) -> np.ndarray:
    """Negative binomial counts with mean mu and size k (variance mu + mu²/k)."""
    return rng.poisson(rng.gamma(k, np.asarray(mu) / k)).astype(float)


def simulate(rng: np.random.Generator, shape: str) -> tuple[np.ndarray, np.ndarray, float]:
    """(usual level per day, clean counts, size k) of one account-year of `shape`."""
    t = np.arange(DAYS)
    wd = (t + START.weekday()) % 7
    mild = np.array([1.0, 1.05, 1.1, 1.05, 1.0, 0.8, 0.75])
    strong = np.array([1.1, 1.2, 1.2, 1.15, 1.0, 0.6, 0.5])
    scale = rng.lognormal(0, 0.3)
    if shape == "steady":
        mu, k = 960 * scale * mild[wd], 100.0
    elif shape == "seasonal":
        phase = rng.uniform(0, 2 * np.pi)
        mu = 3000 * scale * strong[wd] * (1 + 0.4 * np.sin(2 * np.pi * t / 365 + phase))
        k = 40.0
    elif shape == "spiky":
        mu, k = 400 * scale * mild[wd], 12.0
    elif shape == "sparse":
        mu, k = 3 * scale * strong[wd], 10.0
    elif shape == "steps":
        level = 800 * scale * (1 + 0.5 * t / DAYS)
        a, b = sorted(rng.choice(np.arange(40, DAYS - 40), 2, replace=False))
        level = level * np.where(t >= a, 2.0, 1.0) * np.where(t >= b, 0.5, 1.0)
        mu, k = level * mild[wd], 30.0
    else:
        raise ValueError(shape)
    counts = _nb(rng, mu, k)
    if shape == "spiky":  # natural bursts: a good post, not an anomaly
        burst = rng.random(DAYS) < 0.08
        counts[burst] = _nb(rng, mu[burst] * rng.uniform(1.3, 2.0, burst.sum()), k)
    return mu, counts, k


def plant(
    rng: np.random.Generator, mu: np.ndarray, counts: np.ndarray, k: float
) -> tuple[np.ndarray, dict[int, float]]:
    """The counts with one day of every size planted; {day: size}."""
    while True:
        days = np.sort(rng.choice(DAYS, len(SIZES), replace=False))
        if np.diff(days).min() >= 10:
            break
    order = rng.permutation(len(SIZES))
    planted = {int(days[i]): SIZES[j] for i, j in enumerate(order)}
    out = counts.copy()
    for day, size in planted.items():
        out[day] = round(mu[day] * size)
    return out, planted


# -- the detectors -------------------------------------------------------------------------------
def product_flags(counts: np.ndarray) -> dict[int, float]:
    """{day index: signed score} of the product's detector."""
    days = [START + dt.timedelta(days=i) for i in range(len(counts))]
    frame = pd.DataFrame(
        {"day": days, "account_id": 1, "platform": "x", "account": "a", "value": counts}
    )
    found, _ = day_anomalies(frame, "impressions")
    return {(dt.date.fromisoformat(a.day) - START).days: a.score for a in found}


def baseline_flags(counts: np.ndarray) -> dict[int, float]:
    """BASELINE: the method before issue #13, kept here as it was (anomalies.py of commit
    14dddac): STL (period 7, seasonal 13, trend 29) on log1p, fitted twice with the days the
    first fit found unusual replaced by their expected values, robust z of the rest by MAD,
    flagged at |z| >= 3.5."""
    from statsmodels.tsa.seasonal import STL

    threshold = 3.5
    logged = pd.Series(np.log1p(counts))

    def robust_z(values: np.ndarray) -> tuple[np.ndarray, float, float]:
        med = float(np.median(values))
        sd = 1.4826 * float(np.median(np.abs(values - med)))
        if sd == 0:
            sd = float(np.std(values)) or 1.0
        return (values - med) / sd, med, sd

    values = logged.copy()
    base = np.zeros(len(values))
    sd = 1.0
    for _ in range(2):
        fit = STL(values, period=7, seasonal=13, trend=29).fit()
        base = (fit.trend + fit.seasonal).to_numpy()
        rest = logged.to_numpy() - base
        z, med, sd = robust_z(rest)
        base = base + med
        values = logged.where(np.abs(z) < threshold, pd.Series(base, index=logged.index))
    z = (logged.to_numpy() - base) / sd
    return {int(i): float(z[i]) for i in np.flatnonzero(np.abs(z) >= threshold)}


DETECTORS: dict[str, Callable[[np.ndarray], dict[int, float]]] = {
    "baseline (STL+MAD, before #13)": baseline_flags,
    "product": product_flags,
}


# -- the run -------------------------------------------------------------------------------------
def windowed(detect: Callable[[np.ndarray], dict[int, float]], window: int):
    """`detect` run on consecutive windows of `window` days, as a user looks at a period."""

    def run_windows(counts: np.ndarray) -> dict[int, float]:
        flags: dict[int, float] = {}
        starts = list(range(0, len(counts), window))
        if len(starts) > 1 and len(counts) - starts[-1] < window:
            starts.pop()  # the last window takes the days left over
        for i, start in enumerate(starts):
            stop = starts[i + 1] if i + 1 < len(starts) else len(counts)
            found = detect(counts[start:stop])
            flags.update({start + day: score for day, score in found.items()})
        return flags

    return run_windows


def run(seed: int, accounts: int, window: int) -> dict[str, dict[str, dict[str, float]]]:
    """{detector: {shape: {size name: recall, 'false alarms / account-year': rate}}}."""
    rng = np.random.default_rng(seed)
    series = []
    for shape in SHAPES:
        for _ in range(accounts):
            mu, counts, k = simulate(rng, shape)
            planted_counts, planted = plant(rng, mu, counts, k)
            series.append((shape, planted_counts, planted))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, detect in DETECTORS.items():
        hits: dict[tuple[str, float], list[bool]] = {}
        false: dict[str, int] = dict.fromkeys(SHAPES, 0)
        for shape, counts, planted in series:
            flags = windowed(detect, window)(counts)
            for day, size in planted.items():
                right = day in flags and (flags[day] > 0) == (size > 1)
                hits.setdefault((shape, size), []).append(right)
            false[shape] += sum(1 for day in flags if day not in planted)
        out[name] = {
            shape: {
                **{size_name(s): float(np.mean(hits[(shape, s)])) for s in SIZES},
                "false alarms / account-year": false[shape] / accounts * 365 / DAYS,
            }
            for shape in SHAPES
        }
    return out


def report(seed: int, accounts: int, window: int) -> bool:
    role = {DEVELOPMENT_SEED: "DEVELOPMENT (constants chosen on it)", EVALUATION_SEED: "EVALUATION"}
    started = time.perf_counter()
    result = run(seed, accounts, window)
    print(
        f"\n== seed {seed}: {role.get(seed, 'other')}; {accounts} accounts per shape, "
        f"{DAYS} days each, looked at in windows of {window} days; product threshold "
        f"{THRESHOLD} =="
    )
    cols = [size_name(s) for s in SIZES] + ["FA/yr"]
    ok = True
    for name, shapes in result.items():
        print(f"\n{name}: recall per planted size, false alarms per account-year")
        print(f"  {'shape':<9}" + "".join(f"{c:>7}" for c in cols))
        for shape, row in shapes.items():
            cells = [row[size_name(s)] for s in SIZES]
            fa = row["false alarms / account-year"]
            print(f"  {shape:<9}" + "".join(f"{c:>7.0%}" for c in cells) + f"{fa:>7.2f}")
        if name == "product":
            for shape, row in shapes.items():
                needed = [size_name(s) for s in SIZES if s >= 5]
                if shape != "sparse":
                    needed += [size_name(s) for s in SIZES if s <= 1 / 5]
                worst = min(row[c] for c in needed)
                fa = row["false alarms / account-year"]
                good = worst >= 0.95 and fa <= 1.0
                ok &= good
                print(
                    f"  goal {shape:<9} recall >= 95% for {', '.join(needed)}: {worst:.0%}; "
                    f"false alarms {fa:.2f} <= 1/yr: {'met' if good else 'NOT met'}"
                )
    print(
        "  (sparse series: drops are not part of the goal. At about 3 a day a day of 0 has a "
        "chance of several per cent, so a fall to 1/5 or 1/10 cannot be told from noise.)"
    )
    print(f"  {time.perf_counter() - started:.0f} s")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=20, help="accounts per shape")
    parser.add_argument("--seed", type=int, help="one seed (default: development, evaluation)")
    parser.add_argument(
        "--window",
        type=int,
        default=91,
        help="days per look (default 91: the pages' default of 90 days; 365: the whole year)",
    )
    args = parser.parse_args()
    seeds = [args.seed] if args.seed is not None else [DEVELOPMENT_SEED, EVALUATION_SEED]
    results = [report(seed, args.accounts, args.window) for seed in seeds]
    return 0 if results[-1] else 1


if __name__ == "__main__":
    raise SystemExit(main())
