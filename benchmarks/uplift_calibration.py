"""Are the media-type uplift intervals calibrated? Simulated accounts with known effects.

Simulates ACCOUNTS accounts (default 500), each with its own true media-type rate ratios, a
sample size drawn from 25 to 400 posts (small accounts included), and the confounding real
accounts have: paid posts (more reach, fewer interactions per person, more often photos), a
media mix that shifts over the year while engagement drifts, and hours of the day that
matter. Interactions are negative binomial given the reach (Poisson with a gamma-distributed
rate). Each account is fitted with socialdesk.visual.uplift (basis per_exposure, reach as
the exposure) and, as the same-run baseline, with the naive ratio of mean interactions per
person reached (delta-method 95% interval, no controls).

Prints the share of 95% intervals that contain the true ratio (goal: 93-97%) and the median
interval width, overall and per sample size, for both.

    .venv/bin/python benchmarks/uplift_calibration.py [--accounts 500] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import pandas as pd

from socialdesk.visual.uplift import uplift

TYPES = ("photo", "video", "link", "text")
SIZES = (25, 40, 60, 100, 200, 400)
Z = 1.959963984540054


def simulate(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, dict[str, float]]:
    k = int(rng.integers(2, 5))  # 2 to 4 media types
    types = list(TYPES[:k])
    mix = rng.dirichlet(np.full(k, 3.0))
    log_rr = {t: (0.0 if i == 0 else float(rng.normal(0, 0.4))) for i, t in enumerate(types)}
    log_reach = {t: float(rng.normal(0, 0.4)) for t in types}
    trend = np.sort(rng.uniform(0, 1, n))
    # the mix drifts over the year: the last type grows more common as time goes on
    shift = np.outer(trend, np.eye(k)[-1] * 2.0)
    p = mix * np.exp(shift)
    p /= p.sum(axis=1, keepdims=True)
    media = np.array([rng.choice(types, p=row) for row in p])
    paid = rng.uniform(size=n) < np.where(media == types[0], 0.35, 0.1)
    hour = rng.choice(np.arange(7, 23), size=n)
    hour_rr = np.where((hour >= 17) & (hour < 21), 1.3, 1.0)
    followers = float(rng.uniform(2000, 50000))
    reach = (
        rng.poisson(
            followers
            * 0.2
            * np.exp(np.array([log_reach[m] for m in media]))
            * np.where(paid, 3.0, 1.0)
            * rng.lognormal(0, 0.5, n)
        )
        + 1
    )
    shape = float(rng.choice([2.0, 6.0]))
    rate = (
        0.03
        * np.exp(np.array([log_rr[m] for m in media]))
        * np.where(paid, 0.6, 1.0)
        * np.exp(-0.4 * trend)
        * hour_rr
        * rng.gamma(shape, 1 / shape, n)
    )
    y = rng.poisson(reach * rate).astype(float)
    start = pd.Timestamp("2025-01-01")
    published = start + pd.to_timedelta(trend * 365, unit="D")
    published = published.normalize() + pd.to_timedelta(hour, unit="h")
    frame = pd.DataFrame(
        {
            "post_id": np.arange(n),
            "account_id": 1,
            "platform": "facebook",
            "account": "sim",
            "published_at": published,
            "media_type": media,
            "is_paid": paid,
            "language": None,
            "text": None,
            "reach": reach.astype(float),
            "reactions": y,
            "extra": [{} for _ in range(n)],
            "followers": followers,
            "hour": hour.astype(float),
            "weekday": published.day_of_week.astype(float),
            "trend": trend,
        }
    )
    return frame, {t: math.exp(v) for t, v in log_rr.items()}


def naive(frame: pd.DataFrame, reference: str, t: str) -> tuple[float, float, float] | None:
    rate = frame["reactions"] / frame["reach"]
    a, b = rate[frame["media_type"] == t], rate[frame["media_type"] == reference]
    if len(a) < 2 or len(b) < 2 or a.mean() <= 0 or b.mean() <= 0:
        return None
    log_ratio = math.log(a.mean() / b.mean())
    se = math.sqrt(a.var() / (len(a) * a.mean() ** 2) + b.var() / (len(b) * b.mean() ** 2))
    return math.exp(log_ratio), math.exp(log_ratio - Z * se), math.exp(log_ratio + Z * se)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    rows = []
    started = time.perf_counter()
    skipped = 0
    for i in range(args.accounts):
        n = int(SIZES[i % len(SIZES)])
        frame, truth = simulate(rng, n)
        result = uplift(frame, metric="interactions", basis="per_exposure")
        ref = result.reference
        for e in result.effects:
            if not e.ratio.ok or ref is None:
                skipped += 1
                continue
            true = truth[e.media_type] / truth[ref]
            nv = naive(frame, ref, e.media_type)
            rows.append(
                {
                    "n": n,
                    "type": e.media_type,
                    "true": true,
                    "model_cover": e.ratio.contains(true),
                    "model_width": (e.ratio.high or 0) - (e.ratio.low or 0),
                    "model_logwidth": math.log((e.ratio.high or 1) / (e.ratio.low or 1)),
                    "naive_cover": nv is not None and nv[1] <= true <= nv[2],
                    "naive_width": None if nv is None else nv[2] - nv[1],
                    "naive_logwidth": None if nv is None else math.log(nv[2] / nv[1]),
                    "model_fallback": "quasi" in e.ratio.method,
                }
            )
    elapsed = time.perf_counter() - started
    df = pd.DataFrame(rows)
    print(
        f"uplift calibration: {args.accounts} simulated accounts, seed {args.seed}, "
        f"{len(df)} type comparisons ({skipped} without an estimate: too few posts), "
        f"{elapsed:.0f} s"
    )
    print("goal: 93-97% of 95% intervals cover the true ratio\n")
    header = (
        f"{'posts':>6} {'comparisons':>11} | {'NB GLM cover':>12} {'median width':>12} | "
        f"{'naive cover':>11} {'median width':>12}"
    )
    print(header)
    print("-" * len(header))
    for n, g in [*df.groupby("n"), ("all", df)]:
        print(
            f"{n!s:>6} {len(g):>11} | {g['model_cover'].mean():>12.1%} "
            f"{g['model_width'].median():>12.3f} | {g['naive_cover'].mean():>11.1%} "
            f"{g['naive_width'].median():>12.3f}"
        )
    print(
        f"\nmedian log-width (ratio high/low): NB GLM {df['model_logwidth'].median():.3f}, "
        f"naive {df['naive_logwidth'].median():.3f}"
    )
    print(f"fits that fell back to quasi-Poisson: {df['model_fallback'].mean():.1%}")


if __name__ == "__main__":
    main()
