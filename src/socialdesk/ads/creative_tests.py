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
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from socialdesk.ads.kpis import with_results
from socialdesk.estimates import Estimate
from socialdesk.phrases import Num, Phrase

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
    from statsmodels.stats.multitest import multipletests

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
        probs = _prob_best(
            list(zip(k.fillna(0), n.fillna(0), strict=True)), metric, seed + int(group_id)
        )
        variants = [
            Variant(
                int(i),
                str(per.at[i, "name"]),
                float(k[i] or 0),
                float(n[i] or 0),
                _rate_estimate(float(k[i] or 0), float(n[i] or 0), metric),
                (
                    float(per.at[i, "spend"]) / float(per.at[i, "results"])
                    if per.at[i, "results"]
                    else None
                ),
                probs[j],
                per.at[i, "last_day"],
            )
            for j, i in enumerate(per.index)
        ]
        pairs_raw = [(a, b, *_pair(a, b, metric)) for a, b in combinations(variants, 2)]
        pvals = [p for *_, p in pairs_raw]
        adjusted = multipletests(pvals, alpha=alpha, method="holm")[1] if pvals else []
        pairs = tuple(
            PairTest(a.name, b.name, est, p, float(adj), bool(adj < alpha))
            for (a, b, est, p), adj in zip(pairs_raw, adjusted, strict=True)
        )
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
    unit = {
        "ctr": Phrase("impressions"),
        "conversion_rate": Phrase("link clicks"),
        "cpa": Phrase("spend"),
    }[metric]
    warning = None
    if running and not reached:
        warning = Phrase(
            "this test is still running and has not reached its planned sample (%(needed)s "
            "%(unit)s per variant; the smallest has %(smallest)s). Looking now and stopping at "
            "the first significant result inflates false positives (daily looks over 30 days: "
            "about 28%% instead of 5%%). Decide when the sample is in.",
            needed=_fmt(needed),
            unit=unit,
            smallest=_fmt(smallest),
        )
    winner = leader if beats_all and (reached or not running) else None
    lift: Phrase | None = None
    if leader is not None and len(rated) > 1:
        lead = next(v for v in rated if v.name == leader)
        second = max((v for v in rated if v.name != leader), key=lambda v: v.rate.value or 0.0)
        if second.rate.value:
            lift = Phrase(
                "+%(lift)s over %(second)s",
                lift=Num(lead.rate.value / second.rate.value - 1, ".1%"),  # type: ignore[operator]
                second=second.name,
            )
    if winner and lift:
        verdict = Phrase(
            "%(winner)s wins (%(lift)s): better than every other variant after the Holm correction",
            winner=winner,
            lift=lift,
        )
    elif winner:
        verdict = Phrase(
            "%(winner)s wins: better than every other variant after the Holm correction",
            winner=winner,
        )
    elif beats_all and lift:
        verdict = Phrase(
            "%(leader)s leads significantly (%(lift)s), but the planned sample is "
            "not reached yet: not a decision",
            leader=leader,
            lift=lift,
        )
    elif beats_all:
        verdict = Phrase(
            "%(leader)s leads significantly, but the planned sample is not reached "
            "yet: not a decision",
            leader=leader,
        )
    elif needed is None:
        verdict = Phrase("not enough data: no events yet")
    elif reached:
        verdict = Phrase(
            "no variant is better by %(lift)s or more: the sample is large enough to have seen it",
            lift=Num(min_lift, ".0%"),
        )
    else:
        verdict = Phrase(
            "no decision yet: about %(more)s more %(unit)s per variant are needed",
            more=_fmt(max(needed - smallest, 0)),
            unit=unit,
        )
    return CreativeTest(
        group_id=group_id,
        group=str(g[gname].iloc[0]),
        campaign=str(g["campaign"].iloc[0]),
        level=level,
        metric=metric,
        variants=tuple(variants),
        pairs=pairs,
        leader=leader,
        winner=winner,
        verdict=verdict,
        needed_per_variant=needed,
        smallest_variant=smallest,
        running=running,
        peeking_warning=warning,
        alpha=alpha,
    )


def _a_better(p: PairTest, metric: str) -> bool:
    v = p.difference.value
    if v is None:
        return False
    return v > 1.0 if metric == "cpa" else v > 0.0


def _fmt(value: float | None) -> str | Num:
    return "?" if value is None else Num(value, ",.0f")


__all__ = ["METRICS", "CreativeTest", "PairTest", "Variant", "compare_variants"]
