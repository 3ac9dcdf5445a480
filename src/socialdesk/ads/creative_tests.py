"""Creative and audience tests: which ad (or ad set) does better, and is that a decision yet?

    tests = compare_variants(rows, metric="ctr")          # ads within each ad set
    tests = compare_variants(rows, metric="cpa", level="ad_set")   # audiences in a campaign

For every group (the ads of one ad set: same audience, different creative; or the ad sets of
one campaign: different audiences) and one metric:

- CTR (link clicks, else clicks, per impression) and conversion rate (results per link
  click): every pair of variants gets a two-proportion test with a confidence interval of
  the difference (statsmodels); CPA: results per unit of spend, a two-sample Poisson rate
  test (a lower CPA is more results per euro);
- the p-values are corrected for the number of pairs (Holm): five creatives compared without
  a correction give about a 23% chance of a false winner;
- a Bayesian view beside it: each variant's rate has a Beta(1 + successes, 1 + failures)
  posterior (Gamma for results per euro), and the chance that it is the best is counted over
  draws (seeded, so a page shows the same figure twice);
- the sample still needed for a decision: per variant, to detect a relative difference
  `min_lift` (20%) at 80% power with the corrected alpha (NormalIndPower); detecting a CTR
  rise from 1.0% to 1.2% takes about 43,000 impressions per variant;
- a peeking warning: a test still running that has not reached its planned sample is an
  interim look; stopping at the first p < .05 of daily looks over 30 days gives about a 28%
  false-positive rate, not 5%. A winner is only declared once the sample is reached.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from socialdesk.ads import explain as E
from socialdesk.ads.kpis import with_results
from socialdesk.estimates import Estimate, holm

METRICS = ("ctr", "conversion_rate", "cpa")
# results that are not conversions: a "conversion rate" of them per click means nothing
NOT_CONVERSIONS = frozenset({"Link clicks", "Clicks", "Reach", "Impressions"})
RUNNING_WITHIN_DAYS = 2
DRAWS = 20_000


@dataclass(frozen=True)
class Variant:
    id: int
    name: str
    successes: float  # clicks (CTR), results (conversion rate, CPA)
    trials: float  # impressions (CTR), link clicks (conversion rate), spend (CPA)
    rate: Estimate  # CTR / conversion rate, or results per unit of spend for CPA
    cpa: float | None
    prob_best: float
    last_day: dt.date | None


@dataclass(frozen=True)
class PairTest:
    a: str
    b: str
    difference: Estimate  # a - b (rates) or a / b (results per spend)
    p_value: float
    p_adjusted: float  # Holm over the pairs of this test
    significant: bool


@dataclass(frozen=True)
class CreativeTest:
    group_id: int
    group: str  # the ad set (creative test) or campaign (audience test)
    campaign: str
    level: str  # "ad" or "ad_set"
    metric: str
    variants: tuple[Variant, ...]
    pairs: tuple[PairTest, ...]
    leader: str | None  # highest rate (lowest CPA) so far
    winner: str | None  # only when it beats every other variant and the sample is reached
    verdict: str
    needed_per_variant: float | None  # impressions / link clicks / spend per variant
    smallest_variant: float
    running: bool
    peeking_warning: str | None
    alpha: float
    notes: tuple[str, ...] = field(default_factory=tuple)


def _prepare(rows: pd.DataFrame) -> pd.DataFrame:
    f = with_results(rows)
    f["clicks_used"] = f["link_clicks"].where(f["link_clicks"].notna(), f["clicks"])
    return f


def _rate_estimate(k: float, n: float, metric: str) -> Estimate:
    from statsmodels.stats.proportion import proportion_confint

    if metric == "cpa":
        from scipy.stats import chi2

        if n <= 0:
            return Estimate.not_enough(0, "no spend")
        low = chi2.ppf(0.025, 2 * k) / 2 / n if k > 0 else 0.0
        high = chi2.ppf(0.975, 2 * (k + 1)) / 2 / n
        return Estimate(
            k / n,
            float(low),
            float(high),
            0.95,
            int(k),
            "results per unit of spend, exact Poisson interval",
        )
    if n <= 0 or k > n:
        return Estimate.not_enough(int(max(n, 0)), "no exposures")
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return Estimate(k / n, float(low), float(high), 0.95, int(n), "Wilson interval")


def _pair(a: Variant, b: Variant, metric: str) -> tuple[Estimate, float]:
    if metric == "cpa":
        from statsmodels.stats.rates import confint_poisson_2indep, test_poisson_2indep

        if a.trials <= 0 or b.trials <= 0 or a.successes + b.successes == 0:
            return Estimate.not_enough(0, "no results"), 1.0
        test = test_poisson_2indep(a.successes, a.trials, b.successes, b.trials)
        low, high = confint_poisson_2indep(
            a.successes, a.trials, b.successes, b.trials, compare="ratio"
        )
        ratio = (a.successes / a.trials) / (b.successes / b.trials) if b.successes else None
        return Estimate(
            ratio,
            float(low),
            float(high),
            0.95,
            int(a.successes + b.successes),
            "ratio of results per spend, Poisson test",
        ), float(test.pvalue)
    from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

    if min(a.trials, b.trials) <= 0:
        return Estimate.not_enough(0, "no exposures"), 1.0
    if a.successes + b.successes == 0:
        return Estimate(0.0, None, None, 0.95, int(a.trials + b.trials), "no events"), 1.0
    test = test_proportions_2indep(a.successes, a.trials, b.successes, b.trials)
    low, high = confint_proportions_2indep(
        a.successes, a.trials, b.successes, b.trials, compare="diff"
    )
    diff = a.successes / a.trials - b.successes / b.trials
    return (
        Estimate(
            diff,
            float(low),
            float(high),
            0.95,
            int(a.trials + b.trials),
            "difference of proportions, two-proportion test",
        ),
        float(test.pvalue),
    )


def _prob_best(variants: list[tuple[float, float]], metric: str, seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    if metric == "cpa":
        draws = np.column_stack([rng.gamma(1 + k, 1 / max(n, 1e-9), DRAWS) for k, n in variants])
    else:
        draws = np.column_stack([rng.beta(1 + k, 1 + max(n - k, 0), DRAWS) for k, n in variants])
    best = np.argmax(draws, axis=1)
    return [float(np.mean(best == i)) for i in range(len(variants))]


def _needed(
    variants: list[Variant], metric: str, alpha: float, min_lift: float, power: float
) -> float | None:
    """Exposure per variant to detect a relative difference `min_lift` from the pooled rate."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    k = sum(v.successes for v in variants)
    n = sum(v.trials for v in variants)
    if n <= 0 or k <= 0:
        return None
    base = k / n
    if metric == "cpa":
        from scipy.stats import norm

        z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
        results = 2 * z**2 / np.log(1 + min_lift) ** 2  # per variant, equal spend
        return float(results / base)
    high = min(base * (1 + min_lift), 0.999)
    effect = abs(proportion_effectsize(high, base))
    if effect == 0:
        return None
    return float(
        NormalIndPower().solve_power(effect_size=effect, alpha=alpha, power=power, ratio=1.0)
    )


def compare_variants(
    rows: pd.DataFrame,
    *,
    metric: str = "ctr",
    level: str = "ad",
    alpha: float = 0.05,
    min_lift: float = 0.20,
    power: float = 0.80,
    as_of: dt.date | None = None,
    seed: int = 0,
) -> list[CreativeTest]:
    """Tests of every group with two or more variants (rows: delivery.additive_rows at `level`)."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}")
    if level not in ("ad", "ad_set"):
        raise ValueError("level must be 'ad' (creative tests) or 'ad_set' (audience tests)")
    if rows.empty:
        return []
    f = _prepare(rows)
    vid, gid = ("ad_id", "ad_set_id") if level == "ad" else ("ad_set_id", "campaign_id")
    vname, gname = ("ad", "ad_set") if level == "ad" else ("ad_set", "campaign")
    f = f[f[vid].notna() & f[gid].notna()]
    as_of = as_of or (max(f["date_end"]) if len(f) else None)
    out: list[CreativeTest] = []
    group_id: Any  # an ad set / campaign id: its column's type, which pandas-stubs can't know
    for group_id, g in f.groupby(gid, sort=False):
        per = g.groupby(vid, sort=False).agg(
            name=(vname, "first"),
            impressions=("impressions", "sum"),
            clicks=("clicks_used", "sum"),
            results=("result", "sum"),
            spend=("spend", "sum"),
            last_day=("date_end", "max"),
        )
        if len(per) < 2:
            continue
        labels = g["result_label"].dropna()
        if metric == "conversion_rate" and (
            labels.empty or labels.mode().iloc[0] in NOT_CONVERSIONS
        ):
            continue
        if metric == "ctr":
            k, n = per["clicks"], per["impressions"]
        elif metric == "conversion_rate":
            k, n = per["results"], per["clicks"]
        else:
            k, n = per["results"], per["spend"]
        variants = _variants(per, k, n, metric, seed + int(group_id))
        pairs = _pairs(variants, metric, alpha)
        out.append(
            _decide(
                int(group_id),
                g,
                gname,
                level,
                metric,
                variants,
                pairs,
                alpha,
                min_lift,
                power,
                as_of,
            )
        )
    return out


def _cell(frame: pd.DataFrame, idx: Hashable, column: str) -> Any:
    """`frame.at[idx, column]`, of its column's type, which pandas-stubs can't know (it types
    a cell as any pandas scalar)."""
    return frame.at[idx, column]


def _unique_names(per: pd.DataFrame) -> dict[Any, str]:
    """Each variant's name; where two share one (a duplicated ad keeps its name), the id is
    added ("Ad 1 (#17)"), since the pairs, the leader and the verdict name variants."""
    names = {i: str(_cell(per, i, "name")) for i in per.index}
    seen = Counter(names.values())
    return {i: f"{name} (#{int(i)})" if seen[name] > 1 else name for i, name in names.items()}


def _variants(
    per: pd.DataFrame, k: pd.Series, n: pd.Series, metric: str, seed: int
) -> list[Variant]:
    """Each variant's successes over trials, its rate and its chance to be best."""
    probs = _prob_best(list(zip(k.fillna(0), n.fillna(0), strict=True)), metric, seed)
    names = _unique_names(per)
    return [
        Variant(
            id=int(i),
            name=names[i],
            successes=float(k[i] or 0),
            trials=float(n[i] or 0),
            rate=_rate_estimate(float(k[i] or 0), float(n[i] or 0), metric),
            cpa=(
                float(_cell(per, i, "spend")) / float(_cell(per, i, "results"))
                if _cell(per, i, "results")
                else None
            ),
            prob_best=probs[j],
            last_day=_cell(per, i, "last_day"),
        )
        for j, i in enumerate(per.index)
    ]


def _pairs(variants: list[Variant], metric: str, alpha: float) -> tuple[PairTest, ...]:
    """Every pair of variants tested, Holm-corrected over the pairs of the test."""

    pairs_raw = [(a, b, *_pair(a, b, metric)) for a, b in combinations(variants, 2)]
    pvals = [p for *_, p in pairs_raw]
    adjusted = holm(pvals)
    return tuple(
        PairTest(
            a=a.name,
            b=b.name,
            difference=est,
            p_value=p,
            p_adjusted=float(adj),
            significant=bool(adj < alpha),
        )
        for (a, b, est, p), adj in zip(pairs_raw, adjusted, strict=True)
    )


@dataclass(frozen=True)
class Decision:
    """What a test's numbers decide (`explain.verdict` says it in words)."""

    needed: float | None  # planned sample per variant (None: no events yet)
    smallest: float  # the smallest variant's sample
    reached: bool
    leader: str | None  # the variant with the best rate
    beats_all: bool  # the leader is significantly better than every other variant
    running: bool
    winner: str | None
    second: str | None = None  # the runner-up, when the leader's lift over it is known
    lift: float | None = None  # the leader's rate over the runner-up's, minus 1


def _decision(
    variants: list[Variant],
    pairs: tuple[PairTest, ...],
    metric: str,
    alpha: float,
    min_lift: float,
    power: float,
    as_of: dt.date | None,
) -> Decision:
    """The planned sample, the leader, whether it beats every other variant, and whether the
    test is still running (then a leader is no winner before the sample is in)."""
    m = len(pairs)
    needed = _needed(variants, metric, alpha / max(m, 1), min_lift, power)
    smallest = min(v.trials for v in variants)
    reached = needed is not None and smallest >= needed
    rated = [v for v in variants if v.rate.ok]
    leader = max(rated, key=lambda v: v.rate.value).name if rated else None  # type: ignore[arg-type, return-value]
    beats_all = leader is not None and all(
        p.significant and ((p.a == leader) == _a_better(p, metric))
        for p in pairs
        if leader in (p.a, p.b)
    )
    last = max((v.last_day for v in variants if v.last_day), default=None)
    running = as_of is not None and last is not None and (as_of - last).days < RUNNING_WITHIN_DAYS
    second, lift = None, None
    if leader is not None and len(rated) > 1:
        lead = next(v for v in rated if v.name == leader)
        runner_up = max((v for v in rated if v.name != leader), key=lambda v: v.rate.value or 0.0)
        if runner_up.rate.value:
            second = runner_up.name
            lift = lead.rate.value / runner_up.rate.value - 1  # type: ignore[operator]
    return Decision(
        needed=needed,
        smallest=smallest,
        reached=reached,
        leader=leader,
        beats_all=beats_all,
        running=running,
        winner=leader if beats_all and (reached or not running) else None,
        second=second,
        lift=lift,
    )


def _decide(
    group_id: int,
    g: pd.DataFrame,
    gname: str,
    level: str,
    metric: str,
    variants: list[Variant],
    pairs: tuple[PairTest, ...],
    alpha: float,
    min_lift: float,
    power: float,
    as_of: dt.date | None,
) -> CreativeTest:
    d = _decision(variants, pairs, metric, alpha, min_lift, power, as_of)
    return CreativeTest(
        group_id=group_id,
        group=str(g[gname].iloc[0]),
        campaign=str(g["campaign"].iloc[0]),
        level=level,
        metric=metric,
        variants=tuple(variants),
        pairs=pairs,
        leader=d.leader,
        winner=d.winner,
        verdict=E.verdict(d, metric, min_lift),
        needed_per_variant=d.needed,
        smallest_variant=d.smallest,
        running=d.running,
        peeking_warning=E.peeking_warning(d, metric),
        alpha=alpha,
    )


def _a_better(p: PairTest, metric: str) -> bool:
    v = p.difference.value
    if v is None:
        return False
    return v > 1.0 if metric == "cpa" else v > 0.0


__all__ = ["METRICS", "CreativeTest", "PairTest", "Variant", "compare_variants"]
