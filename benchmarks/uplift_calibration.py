"""Are the media-type uplift intervals calibrated when engagement moves in steps and seasons?
Simulated accounts with known effects.

Four scenarios, ACCOUNTS accounts each (default 500), sample sizes 25 to 800 posts (small
accounts included), each account with its own true media-type rate ratios (a quarter of the
types truly equal to the reference) and the confounding real accounts have: paid posts (more
reach, fewer interactions per person, more often photos), hours of the day that matter, and a
media mix that moves with time:

- drift: one year, engagement drifts down linearly, the last type grows more common;
- step: 2-4 years, one or two steps in level (x1.5 to x2.5 up or down), the last type posted
  more when the level is high;
- season: 2-4 years, a yearly cycle in level, the last type posted more in the good months;
- video later: 2-6 years, steps, a season and a slow decline, and video grows from rare to
  common over the years (the shape of real pages).

Interactions are negative binomial given the reach. Each account is fitted with
socialdesk.visual.uplift (basis per_exposure): "new" is its ratio under the time control it
chose by AIC, "old" (the baseline) the same model with a linear trend, the method before
issue 13. Prints per scenario the share of 95% intervals that contain the true ratio (goal
93-97%), the median log-width, the share of clear verdicts in the wrong direction where the
truth is clear (a ratio of 1.5 or more, or 1/1.5 or less), clear verdicts where the truth is 1,
and the share flagged "not robust". Accounts whose posts cannot afford a time control that
bends get no ratio ("not enough data"): the figures are over the intervals shown, and the share
withheld is printed with the share of clear verdicts (where the truth is clear too), so that
honest intervals cannot hide behind useless ones. "prev" and "trend" are read from the same
fits (Pearson-scaled, over the comparisons shown); the method before that change is the git
history's.

    .venv/bin/python benchmarks/uplift_calibration.py [--accounts 500] [--seed 1]
        [--scenario step ...] [--by-size] [--sizes 60 100]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import pandas as pd

from socialdesk.visual.uplift import (
    TREND_WITHIN_AIC,
    TimeEstimate,
    UpliftResult,
    robust_verdict,
    uplift,
)

TYPES = ("photo", "video", "link", "text")
SIZES = (25, 40, 60, 100, 200, 400, 800)
SCENARIOS = ("drift", "step", "season", "video later")
FAR = math.log(1.5)  # a true ratio this far from 1 (1.5x or 1/1.5) is a clear truth


def _time_effect(rng: np.random.Generator, years: np.ndarray, scenario: str) -> np.ndarray:
    """The log engagement level over time (years since the first post) of a scenario."""
    span = float(years.max()) if len(years) else 1.0
    if scenario == "drift":
        return -0.4 * years / max(span, 1e-9)
    level = np.zeros_like(years)
    if scenario in ("step", "video later"):
        for _ in range(int(rng.integers(1, 3))):  # one or two steps, up or down
            at = float(rng.uniform(0.2, 0.8)) * span
            level += np.where(years >= at, rng.choice([-1, 1]) * rng.uniform(0.4, 0.9), 0.0)
    if scenario in ("season", "video later"):
        phase = float(rng.uniform(0, 2 * math.pi))
        level += float(rng.uniform(0.2, 0.5)) * np.sin(2 * math.pi * years + phase)
    if scenario == "video later":
        level += -0.15 * years  # and a slow decline
    return level


def simulate(
    rng: np.random.Generator, n: int, scenario: str = "drift"
) -> tuple[pd.DataFrame, dict[str, float]]:
    """One account of `n` posts: its frame and its true rate ratios per type."""
    k = int(rng.integers(2, 5))  # 2 to 4 media types
    types = list(TYPES[:k])
    mix = rng.dirichlet(np.full(k, 3.0))
    # a quarter of the types have no true difference from the first (ratio exactly 1)
    log_rr = {
        t: (0.0 if i == 0 or rng.uniform() < 0.25 else float(rng.normal(0, 0.4)))
        for i, t in enumerate(types)
    }
    log_reach = {t: float(rng.normal(0, 0.4)) for t in types}
    span = (
        1.0 if scenario == "drift" else float(rng.uniform(2, 6 if scenario == "video later" else 4))
    )
    years = np.sort(rng.uniform(0, span, n))
    level = _time_effect(rng, years, scenario)
    # the mix shifts with time: the last type grows more common as time goes on (drift);
    # after the level moves (step: the type posted more after the step; season: more in the
    # good months); video later: video (the second type) grows over the years, as on real pages
    if scenario == "drift":
        shift = np.outer(years / span, np.eye(k)[-1] * 2.0)
    elif scenario == "video later":
        shift = np.outer(years / span, np.eye(k)[1] * 3.0)
    else:
        shift = np.outer(level - level.mean(), np.eye(k)[-1] * 2.0)
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
        * np.exp(level)
        * hour_rr
        * rng.gamma(shape, 1 / shape, n)
    )
    y = rng.poisson(reach * rate).astype(float)
    start = pd.Timestamp("2019-01-01") + pd.Timedelta(days=int(rng.integers(0, 365)))
    published = start + pd.to_timedelta(years * 365.25, unit="D")
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
            "trend": years,
        }
    )
    return frame, {t: math.exp(v) for t, v in log_rr.items()}


def _previous(result: UpliftResult) -> tuple[str | None, set[str]]:
    """The time control the method before the season candidates chose (the lowest AIC of
    trend, period effects and spline), and its reasonable alternatives; read from the fits."""
    models = [m for m in result.time_models if m.time not in ("season", "cycle")]
    with_aic = [m for m in models if m.aic is not None]
    if not models:
        return None, set()
    best = min(with_aic, key=lambda m: m.aic or 0.0) if with_aic else models[0]
    considered = {best.time}
    for m in with_aic:
        if best.aic is not None and m.aic is not None:
            if m.time != "trend" or m.aic - best.aic <= TREND_WITHIN_AIC:
                considered.add(m.time)
    return best.time, considered


def run(
    scenario: str, accounts: int, seed: int, sizes: tuple[int, ...] = SIZES
) -> tuple[pd.DataFrame, int]:
    """Fit every simulated account of a scenario; one row per comparison with an estimate."""
    rng = np.random.default_rng([seed, SCENARIOS.index(scenario)])
    rows = []
    skipped = 0
    for i in range(accounts):
        n = int(sizes[i % len(sizes)])
        frame, truth = simulate(rng, n, scenario)
        result = uplift(frame, metric="interactions", basis="per_exposure")
        ref = result.reference
        prev_time, prev_considered = _previous(result)
        # no ratios because the posts cannot afford a time control that bends (uplift's
        # FLEXIBLE_TIME): counted, so the coverage of the intervals shown comes with its price
        withheld = result.posts == 0 and bool(result.time_models)
        for e in result.effects:
            if withheld and ref is not None and e.media_type in truth and e.posts >= 10:
                rows.append({"n": n, "withheld": True})
                continue
            if not e.ratio.ok or ref is None:
                skipped += 1
                continue
            true = truth[e.media_type] / truth[ref]
            # the baseline: the linear trend; where the posts could not afford a time
            # control, the old method had none either and is the fit itself
            old = next((u for u in e.under if u.time == "trend"), None) or TimeEstimate(
                time="none",
                value=e.ratio.value or 1.0,
                low=e.ratio.low or 1.0,
                high=e.ratio.high or 1.0,
                clear=e.clear,
                considered=True,
            )
            # the method before the season candidate: the same fits, chosen without it
            prev = next((u for u in e.under if u.time == prev_time), None) or old
            prev_robust = robust_verdict(
                [(u.value, u.clear) for u in e.under if u.time in prev_considered]
            )
            right = (e.ratio.value or 1) > 1
            rows.append(
                {
                    "n": n,
                    "withheld": False,
                    "true": true,
                    "far": abs(math.log(true)) >= FAR,
                    "null": true == 1.0,
                    "time": result.time,
                    "prev_time": prev_time,
                    "cover": e.ratio.contains(true),
                    "logwidth": math.log((e.ratio.high or 1) / (e.ratio.low or 1)),
                    "clear": e.clear,
                    "wrong": e.clear and right != (true > 1),
                    "robust": e.robust,
                    "prev_cover": prev.low <= true <= prev.high,
                    "prev_logwidth": math.log(prev.high / prev.low),
                    "prev_clear": prev.clear,
                    "prev_wrong": prev.clear and (prev.value > 1) != (true > 1),
                    "prev_robust": prev_robust,
                    "old_cover": old.low <= true <= old.high,
                    "old_logwidth": math.log(old.high / old.low),
                    "old_clear": old.clear,
                    "old_wrong": old.clear and (old.value > 1) != (true > 1),
                }
            )
    return pd.DataFrame(rows), skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=500, help="per scenario")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenario", choices=SCENARIOS, action="append")
    parser.add_argument("--by-size", action="store_true", help="coverage per sample size too")
    parser.add_argument(
        "--sizes", type=int, nargs="+", help=f"posts per account, in turn (default {SIZES})"
    )
    args = parser.parse_args()
    print(f"uplift calibration: {args.accounts} simulated accounts per scenario, seed {args.seed}")
    print(
        "goal: 93-97% of 95% intervals cover the true ratio; no clear verdict in the wrong "
        "direction where the truth is clear (|log ratio| >= log 1.5)\n"
        "new = time control chosen by AIC (linear trend, period effects, spline, spline and "
        "yearly season, or season and trend when the posts are too few for a spline beside "
        "it); prev = the same without the season candidates; trend = linear trend (the "
        "baseline before issue 13)\n"
    )
    three = f"{'new':>6} {'prev':>6} {'trend':>6}"
    header = (
        f"{'scenario':>12} {'cmp':>5} | cover {three} | logwidth {three} | {'far':>4} "
        f"wrong {three} | null clear {three} | not robust {'new':>6} {'prev':>6} | "
        "chosen time control"
    )
    print(header)
    print("-" * len(header))

    def pct(g: pd.DataFrame, col: str) -> str:
        return " ".join(f"{g[f'{p}{col}'].mean():>6.1%}" for p in ("", "prev_", "old_"))

    for scenario in args.scenario or SCENARIOS:
        started = time.perf_counter()
        every, skipped = run(scenario, args.accounts, args.seed, tuple(args.sizes or SIZES))
        elapsed = time.perf_counter() - started
        df = every[~every["withheld"]].copy()
        df["far"] = df["far"].astype(bool)
        df["null"] = df["null"].astype(bool)
        far, null = df[df["far"]], df[df["null"]]
        chosen = ", ".join(
            f"{k} {v:.0%}"
            for k, v in df["time"].fillna("none").value_counts(normalize=True).items()
        )
        widths = " ".join(f"{df[f'{p}logwidth'].median():>6.3f}" for p in ("", "prev_", "old_"))
        print(
            f"{scenario:>12} {len(df):>5} | {'':5} {pct(df, 'cover')} | {'':8} {widths} | "
            f"{len(far):>4} {'':5} {pct(far, 'wrong')} | {'':10} {pct(null, 'clear')} | "
            f"{'':10} {1 - df['robust'].mean():>6.1%} {1 - df['prev_robust'].mean():>6.1%} | "
            f"{chosen}  ({skipped} without estimate, {elapsed:.0f} s)"
        )
        print(
            f"{'':>12} withheld (too few posts for a time control that bends): "
            f"{every['withheld'].mean():.1%} of {len(every)} comparisons; clear verdicts "
            f"{df['clear'].mean():.1%} of those shown, {far['clear'].mean():.1%} where the "
            f"truth is clear (trend only {far['old_clear'].mean():.1%})"
        )
        if args.by_size:
            for n, g in every.groupby("n"):
                shown = g[~g["withheld"]]
                print(
                    f"{'':>6}{n:>6} {len(shown):>5} | {'':5} {pct(shown, 'cover')} | "
                    f"withheld {g['withheld'].mean():.0%}"
                )
    print(
        "\ncmp: comparisons with an estimate; far: of them with a clear truth; wrong: a clear "
        "verdict in the wrong direction; null clear: a clear verdict where the true ratio is 1; "
        "not robust: flagged as depending on how time is modelled"
    )


if __name__ == "__main__":
    main()
