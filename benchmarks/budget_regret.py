"""Budget regret: how close socialdesk's budget split comes to the best possible split.

On simulated portfolios of 3-12 campaigns whose true response curves are known (Hill curves,
drawn like the demo's) and whose daily results are noisy (gamma-Poisson counts over 90 days
of daily budgets that change every one to two weeks), each method splits the same daily
total (the portfolio's mean daily spend over its last 14 days):

    oracle          the true curves' best split inside each campaign's observed spend range
    socialdesk      fitted curves + recommend_budget(max_change=None) (same range, no move limit)
    socialdesk ±30% the default: also at most 30% away from the current split
    current         the split of the last 14 days (what the manager does now; the split
                    socialdesk's move limit is measured from)
    equal           the total split equally
    ROAS            the total split in proportion to each campaign's results per euro over the
                    last 30 days

Regret = (oracle results - method results) / oracle results, in true expected results.
The baselines may leave the observed spend range (they do not know it), so their regret can
be negative. Goal: socialdesk median regret under 3%, and below both baselines in the median.

    .venv/bin/python benchmarks/budget_regret.py [--portfolios 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from socialdesk.ads.budget import recommend_budget
from socialdesk.ads.response_curves import RECENT_DAYS, fit_curves, hill

DAYS = 90


def simulate(
    rng: np.random.Generator, n: int
) -> tuple[list[tuple[float, float, float]], pd.DataFrame]:
    curves, rows = [], []
    start = dt.date(2026, 1, 1)
    for c in range(n):
        top = float(rng.uniform(8, 80))
        k = float(rng.uniform(30, 150))
        s = float(rng.uniform(0.9, 1.6))
        curves.append((top, k, s))
        levels = np.empty(DAYS)
        i = 0
        while i < DAYS:
            run = int(rng.integers(7, 15))
            levels[i : i + run] = k * float(np.exp(rng.uniform(np.log(0.3), np.log(2.5))))
            i += run
        spend = np.round(levels * rng.uniform(0.85, 1.02, DAYS), 2)
        mean = hill(spend, top, k, s) * rng.gamma(20.0, 1 / 20.0, DAYS)  # over-dispersed
        results = rng.poisson(mean)
        for d in range(DAYS):
            rows.append(
                {
                    "campaign_id": c,
                    "campaign": f"C{c}",
                    "platform": "meta_ads",
                    "currency": "EUR",
                    "date": start + dt.timedelta(days=d),
                    "spend": float(spend[d]),
                    "result": float(results[d]),
                    "result_label": "Results",
                }
            )
    return curves, pd.DataFrame(rows)


def true_value(curves: list[tuple[float, float, float]], x: np.ndarray) -> float:
    return float(sum(hill(np.array([x[i]]), *curves[i])[0] for i in range(len(curves))))


def oracle(
    curves: list[tuple[float, float, float]], lo: np.ndarray, hi: np.ndarray, total: float
) -> float:
    """Best split under the true curves inside [lo, hi]: a fine Lagrangian grid, polished."""
    n = len(curves)
    grids = [np.linspace(lo[i], hi[i], 2001) for i in range(n)]
    vals = [hill(grids[i], *curves[i]) for i in range(n)]

    def at(lam: float) -> np.ndarray:
        return np.array([grids[i][int(np.argmax(vals[i] - lam * grids[i]))] for i in range(n)])

    a, b = 0.0, 10.0
    for _ in range(80):
        mid = (a + b) / 2
        a, b = (mid, b) if at(mid).sum() > total else (a, mid)
    best = at(b)
    gap = total - best.sum()
    room = hi - best
    if gap > 0 and room.sum() > 0:
        best = best + gap * room / room.sum()
    candidates = [best]
    res = minimize(
        lambda x: -true_value(curves, x),
        best,
        method="SLSQP",
        bounds=list(zip(lo, hi, strict=True)),
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - total}],
    )
    if res.success and abs(res.x.sum() - total) < 1e-6 * total:
        candidates.append(np.clip(res.x, lo, hi))
    return max(true_value(curves, x) for x in candidates)


def run(portfolios: int, seed: int) -> dict[str, list[float]]:
    rng = np.random.default_rng(seed)
    regrets: dict[str, list[float]] = {
        k: [] for k in ("socialdesk", "socialdesk ±30%", "current", "equal", "ROAS")
    }
    for _ in range(portfolios):
        n = int(rng.integers(3, 13))
        curves, daily = simulate(rng, n)
        fitted = fit_curves(daily)
        end = daily["date"].max()
        month = daily[daily["date"] > end - dt.timedelta(days=30)]
        recent = month.groupby("campaign_id").agg(res=("result", "sum"), tot=("spend", "sum"))
        # the current split as socialdesk reads it: mean daily spend of the last 14 days
        fortnight = daily[daily["date"] > end - dt.timedelta(days=RECENT_DAYS)]
        current = fortnight.groupby("campaign_id")["spend"].mean().to_numpy()
        total = float(current.sum())
        seen = daily.groupby("campaign_id")["spend"].agg(["min", "max"])
        best = oracle(curves, seen["min"].to_numpy(), seen["max"].to_numpy(), total)
        roas = (recent["res"] / recent["tot"]).to_numpy()
        splits = {
            "current": current,
            "equal": np.full(n, total / n),
            "ROAS": total * roas / roas.sum() if roas.sum() > 0 else np.full(n, total / n),
        }
        for name, mc in (("socialdesk", None), ("socialdesk ±30%", 0.30)):
            plan = recommend_budget(fitted, total * 30, days=30, max_change=mc)
            by_id = {a.campaign_id: a.recommended / 30 for a in plan.allocations}
            splits[name] = np.array([by_id[c] for c in range(n)])
        for name, x in splits.items():
            regrets[name].append((best - true_value(curves, x)) / best)
    return regrets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--portfolios", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    regrets = run(args.portfolios, args.seed)
    took = time.perf_counter() - t0
    print(
        f"budget regret on {args.portfolios} simulated portfolios of 3-12 campaigns "
        f"(seed {args.seed}, {DAYS} days each, {took:.0f} s)"
    )
    print(f"{'method':<18}{'median':>9}{'p90':>9}{'mean':>9}{'worst':>9}")
    for name, values in regrets.items():
        v = np.array(values) * 100
        print(
            f"{name:<18}{np.median(v):>8.2f}%{np.percentile(v, 90):>8.2f}%"
            f"{v.mean():>8.2f}%{v.max():>8.2f}%"
        )
    worse = sum(
        a > b + 1e-12 for a, b in zip(regrets["socialdesk ±30%"], regrets["current"], strict=True)
    )
    print(
        f"socialdesk ±30% did worse than keeping the current split in {worse} of "
        f"{args.portfolios} portfolios"
    )
    ours = np.median(regrets["socialdesk"])
    beats = ours < np.median(regrets["equal"]) and ours < np.median(regrets["ROAS"])
    print(
        f"goal: median regret under 3% -> {'met' if ours < 0.03 else 'NOT met'} "
        f"({ours:.2%}); better than both baselines in the median -> "
        f"{'yes' if beats else 'NO'}"
    )


if __name__ == "__main__":
    main()
