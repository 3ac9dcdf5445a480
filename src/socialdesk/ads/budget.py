"""Budget reallocation: the split of a total over campaigns that maximises expected results.

    plan = recommend_budget(curves, total=10_000, days=30)

Each running campaign's fitted response curve (response_curves) gives its expected daily
results at a daily budget. The recommended split maximises their sum (scipy.optimize, SLSQP
from several starts, one of them the exact solution of the Lagrangian on a grid) subject to:

- the total: `total` over `days` days, in one currency;
- the move limit: each campaign stays within ±`max_change` (30%) of its current share, since
  every budget edit restarts Meta's learning phase; few, meaningful moves;
- the evidence: no campaign goes outside the daily spend it has actually had, so the curves
  are never extrapolated. Whatever cannot be placed inside those limits stays unallocated
  and the plan says so.

Results of different kinds are not added up (purchases and link clicks are not the same
thing): the plan optimises one result type, or a value per result type the user states.
Campaigns without a curve keep their share and are listed with the reason. The expected gain
carries a 95% interval (delta method over each curve's parameter uncertainty).

`recommend_budget` runs three steps: `eligibility` (which campaigns are in the plan and why
the others are not), `optimise` (the split: numbers only) and the reasons and notes of
`socialdesk.ads.explain`, built from those numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from socialdesk.ads import explain as E
from socialdesk.ads.response_curves import Z95, ResponseCurve
from socialdesk.estimates import Estimate

ACTIVE_WITHIN_DAYS = 14


@dataclass(frozen=True)
class Allocation:
    campaign_id: int
    campaign: str
    platform: str
    result_type: str | None
    current: float  # budget over the period at the current split
    recommended: float
    expected_current: Estimate  # results over the period
    expected_recommended: Estimate
    low: float  # the limits the recommendation had to respect (over the period)
    high: float
    optimised: bool
    reasons: tuple[str, ...]

    @property
    def change(self) -> float:
        return self.recommended - self.current


@dataclass(frozen=True)
class BudgetPlan:
    total: float
    days: int
    currency: str | None
    objective: str  # what is maximised ("Website purchases", or "value")
    max_change: float | None
    allocations: tuple[Allocation, ...]
    expected_current: Estimate
    expected_recommended: Estimate
    expected_gain: Estimate
    unallocated: float = 0.0
    excluded: tuple[tuple[str, str], ...] = ()  # (campaign, why it is not in the plan)
    notes: tuple[str, ...] = field(default_factory=tuple)


# -- eligibility: which campaigns are in the plan ----------------------------------------------
@dataclass(frozen=True)
class Exclusion:
    """A campaign left out of the plan, and why (`explain.excluded` says it in words)."""

    campaign: str
    why: str  # "stopped", "currency", "no value" or "other result"
    found: str | None = None  # the campaign's currency or result type
    chosen: str | None = None  # the plan's currency or result type


@dataclass(frozen=True)
class Eligible:
    """The campaigns a plan can move: running, in one currency, with a weight."""

    running: tuple[ResponseCurve, ...]
    currency: str | None
    objective: str  # the result type maximised, "value", or "results" when there is none
    weights: dict[int, float]  # campaign id -> weight of one result
    excluded: tuple[Exclusion, ...]


def eligibility(
    curves: Sequence[ResponseCurve],
    *,
    values: Mapping[str, float] | None = None,
    result_type: str | None = None,
    currency: str | None = None,
) -> Eligible:
    """The campaigns spending in the last ACTIVE_WITHIN_DAYS days of data, in `currency` (by
    default the one most is spent in), weighed by `values` per result type or, without, of
    `result_type` (by default the one most is spent on)."""
    excluded: list[Exclusion] = []
    last = max((c.last_day for c in curves if c.last_day), default=None)
    running: list[ResponseCurve] = []
    for c in curves:
        stale = c.last_day is None or (
            last is not None and (last - c.last_day).days >= ACTIVE_WITHIN_DAYS
        )
        if last is not None and (stale or c.current_spend <= 0):
            excluded.append(Exclusion(campaign=c.campaign, why="stopped"))
        else:
            running.append(c)
    currencies = {c.currency for c in running}
    cur = currency or (
        max(currencies, key=lambda x: sum(r.current_spend for r in running if r.currency == x))
        if currencies
        else None
    )
    for c in [c for c in running if c.currency != cur]:
        excluded.append(
            Exclusion(campaign=c.campaign, why="currency", found=c.currency, chosen=cur)
        )
    running = [c for c in running if c.currency == cur]
    objective, weights, other = _weights(running, values, result_type)
    excluded += other
    return Eligible(
        running=tuple(c for c in running if c.campaign_id in weights),
        currency=cur,
        objective=objective,
        weights=weights,
        excluded=tuple(excluded),
    )


def _weights(
    curves: Sequence[ResponseCurve], values: Mapping[str, float] | None, result_type: str | None
) -> tuple[str, dict[int, float], list[Exclusion]]:
    """What is maximised, each campaign's weight, and campaigns of other result types."""
    excluded: list[Exclusion] = []
    if values:
        weights = {}
        for c in curves:
            if c.result_type is not None and c.result_type in values:
                weights[c.campaign_id] = float(values[c.result_type])
            else:
                excluded.append(Exclusion(campaign=c.campaign, why="no value", found=c.result_type))
        return "value", weights, excluded
    spend_by_type: dict[str, float] = {}
    for c in curves:
        if c.ok and c.result_type:
            spend_by_type[c.result_type] = spend_by_type.get(c.result_type, 0) + c.current_spend
    chosen = result_type or (
        max(spend_by_type, key=lambda t: spend_by_type[t]) if spend_by_type else None
    )
    weights = {}
    for c in curves:
        if c.result_type == chosen:
            weights[c.campaign_id] = 1.0
        else:
            excluded.append(
                Exclusion(
                    campaign=c.campaign, why="other result", found=c.result_type, chosen=chosen
                )
            )
    return chosen or "results", weights, excluded


# -- optimising: the split within the limits ---------------------------------------------------
@dataclass(frozen=True)
class Optimum:
    """The daily split of one plan (arrays in the order of the running campaigns)."""

    total: float  # over the period
    daily_total: float
    recent: float  # what the campaigns spent a day recently, together
    scaled: bool  # the total differs from recent spend by more than 1%
    current: np.ndarray  # daily, the current split scaled to the total
    recommended: np.ndarray
    low: np.ndarray  # the limits, daily
    high: np.ndarray
    optimised: tuple[int, ...]  # the campaigns the optimiser could move
    margins: dict[int, float]  # optimised campaign -> weighted return of its last euro
    unallocated: float = 0.0  # over the period
    limited: str = ""  # "over": more than the limits can place, "under": less than they need


def optimise(
    running: Sequence[ResponseCurve],
    weights: Mapping[int, float],
    total: float | None,
    *,
    days: int,
    max_change: float | None,
) -> Optimum:
    """The split of `total` over `days` days (default: recent daily spend × days) that
    maximises the weighted expected results within the spend seen and the move limit."""
    recent = np.array([c.current_spend for c in running])
    if total is None:
        total = float(recent.sum() * days)
    daily_total = total / days
    cur_daily = recent * daily_total / recent.sum()
    fit = [c.ok for c in running]
    lo = np.array([c.spend_min for c in running])
    hi = np.array([c.spend_max for c in running])
    if max_change is not None:
        lo = np.maximum(lo, cur_daily * (1 - max_change))
        hi = np.minimum(hi, cur_daily * (1 + max_change))
    for i, c in enumerate(running):
        if not c.ok or lo[i] > hi[i]:
            lo[i] = hi[i] = cur_daily[i]
    opt = [i for i in range(len(running)) if fit[i] and hi[i] > lo[i]]
    fixed = daily_total - sum(lo[i] for i in range(len(running)) if i not in opt)
    rec = cur_daily.copy()
    unallocated = 0.0
    limited = ""
    if opt:
        olo, ohi = lo[opt], hi[opt]
        budget = fixed
        if budget > ohi.sum():
            unallocated = (budget - ohi.sum()) * days
            limited = "over"
            budget = float(ohi.sum())
        elif budget < olo.sum():
            limited = "under"
            budget = float(olo.sum())
        w = np.array([weights[running[i].campaign_id] for i in opt])
        rec[opt] = _solve([running[i] for i in opt], w, olo, ohi, budget)
    margins = {
        i: float(running[i].slope(np.array([rec[i]]))[0]) * weights[running[i].campaign_id]
        for i in opt
    }
    return Optimum(
        total=total,
        daily_total=daily_total,
        recent=recent.sum(),
        scaled=bool(abs(daily_total - recent.sum()) > 0.01 * recent.sum()),
        current=cur_daily,
        recommended=rec,
        low=lo,
        high=hi,
        optimised=tuple(opt),
        margins=margins,
        unallocated=unallocated,
        limited=limited,
    )


def _solve(
    curves: list[ResponseCurve], w: np.ndarray, lo: np.ndarray, hi: np.ndarray, budget: float
) -> np.ndarray:
    """Daily budgets in [lo, hi] summing to `budget` that maximise sum w_i f_i(x_i)."""
    from scipy.optimize import minimize

    n = len(curves)
    grids = [np.linspace(lo[i], hi[i], 401) for i in range(n)]
    vals = [w[i] * curves[i].mean(grids[i]) for i in range(n)]

    def at(lam: float) -> np.ndarray:
        return np.array([grids[i][int(np.argmax(vals[i] - lam * grids[i]))] for i in range(n)])

    # the Lagrange multiplier that spends the budget: bisection on lambda
    a, b = (
        0.0,
        max(
            float(np.max(np.gradient(vals[i], grids[i]))) if hi[i] > lo[i] else 0.0
            for i in range(n)
        )
        + 1.0,
    )
    for _ in range(60):
        mid = (a + b) / 2
        if at(mid).sum() > budget:
            a = mid
        else:
            b = mid
    lag = _repair(at(b), lo, hi, budget)
    start_cur = _repair(
        np.clip(budget * (lo + hi) / max((lo + hi).sum(), 1e-9), lo, hi), lo, hi, budget
    )

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        f = sum(w[i] * float(curves[i].mean(np.array([x[i]]))[0]) for i in range(n))
        g = np.array([w[i] * float(curves[i].slope(np.array([x[i]]))[0]) for i in range(n)])
        return -f, -g

    best_x, best_f = lag, objective(lag)[0]
    for x0 in (lag, start_cur):
        res = minimize(
            objective,
            x0,
            jac=True,
            method="SLSQP",
            bounds=list(zip(lo, hi, strict=True)),
            constraints=[
                {"type": "eq", "fun": lambda x: x.sum() - budget, "jac": lambda x: np.ones_like(x)}
            ],
            options={"maxiter": 200, "ftol": 1e-10},
        )
        x = _repair(np.asarray(res.x), lo, hi, budget)
        fx = objective(x)[0]
        if fx < best_f - 1e-12:
            best_x, best_f = x, fx
    return best_x


def _repair(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, budget: float) -> np.ndarray:
    """Clip into the bounds and spread any difference to the sum over the free campaigns."""
    x = np.clip(x, lo, hi)
    for _ in range(20):
        gap = budget - x.sum()
        if abs(gap) < 1e-9:
            break
        room = (hi - x) if gap > 0 else (x - lo)
        if room.sum() <= 1e-12:
            break
        x = np.clip(x + gap * room / room.sum(), lo, hi)
    return x


def _period_estimate(curve: ResponseCurve, daily: float, days: int) -> Estimate:
    e = curve.predict(daily)
    if not e.ok:
        return e
    # an ok prediction has a value and an interval (ResponseCurve.predict)
    assert e.value is not None and e.low is not None and e.high is not None
    return Estimate(
        value=e.value * days,
        low=e.low * days,
        high=e.high * days,
        level=e.level,
        n=e.n,
        method=E.period_method(e.method, days),
    )


def _sum_estimate(
    parts: list[tuple[float, np.ndarray, np.ndarray]], n: int, method: str
) -> Estimate:
    """Sum of weighted predictions; parts are (weight*days, gradient, cov) per campaign."""
    if not parts:
        return Estimate(
            value=None, low=None, high=None, level=0.95, n=n, method=E.no_curve_method()
        )
    value = sum(p[0] for p in parts)
    var = sum(float(g @ c @ g) for _, g, c in parts)
    se = float(np.sqrt(max(var, 0.0)))
    return Estimate(
        value=float(value),
        low=float(value - Z95 * se),
        high=float(value + Z95 * se),
        level=0.95,
        n=n,
        method=method,
    )


Part = tuple[float, np.ndarray, np.ndarray]  # (weighted value, gradient, covariance)


def _allocations(
    running: Sequence[ResponseCurve],
    weights: Mapping[int, float],
    opt: Optimum,
    *,
    days: int,
    max_change: float | None,
) -> tuple[list[Allocation], tuple[list[Part], list[Part], list[Part]]]:
    """Each campaign's allocation over the period, and the parts of the expected totals
    (current, recommended, gain) of the campaigns whose budgets stay inside the spend seen."""
    cur_daily, rec = opt.current, opt.recommended
    allocations = []
    cur_parts: list[Part] = []
    rec_parts: list[Part] = []
    gain_parts: list[Part] = []
    for i, c in enumerate(running):
        wgt = weights[c.campaign_id]
        e_cur = _period_estimate(c, cur_daily[i], days)
        e_rec = _period_estimate(c, rec[i], days)
        if c.ok and c.inside(cur_daily[i]) and c.inside(rec[i]):
            cov = np.array(c.cov)
            g_cur = wgt * days * c.gradient(np.array([cur_daily[i]]))[0]
            g_rec = wgt * days * c.gradient(np.array([rec[i]]))[0]
            cur_parts.append((wgt * (e_cur.value or 0.0), g_cur, cov))
            rec_parts.append((wgt * (e_rec.value or 0.0), g_rec, cov))
            gain_parts.append(
                (wgt * ((e_rec.value or 0.0) - (e_cur.value or 0.0)), g_rec - g_cur, cov)
            )
        allocations.append(
            Allocation(
                campaign_id=c.campaign_id,
                campaign=c.campaign,
                platform=c.platform,
                result_type=c.result_type,
                current=float(cur_daily[i] * days),
                recommended=float(rec[i] * days),
                expected_current=e_cur,
                expected_recommended=e_rec,
                low=float(opt.low[i] * days),
                high=float(opt.high[i] * days),
                optimised=i in opt.optimised,
                reasons=tuple(
                    E.reasons(c, i, cur_daily, rec, opt.low, opt.high, opt.margins, max_change)
                ),
            )
        )
    return allocations, (cur_parts, rec_parts, gain_parts)


# -- the plan: eligibility, optimum, explanation -----------------------------------------------
def recommend_budget(
    curves: Sequence[ResponseCurve],
    total: float | None,
    *,
    days: int = 30,
    max_change: float | None = 0.30,
    values: Mapping[str, float] | None = None,
    result_type: str | None = None,
    currency: str | None = None,
) -> BudgetPlan:
    """Split `total` over `days` days across the running campaigns in `curves`.

    Without a total, the budget is what the campaigns in the plan spent a day recently,
    times `days`: the same money, split better.
    """
    if (total is not None and total <= 0) or days <= 0:
        raise ValueError("total and days must be positive")
    el = eligibility(curves, values=values, result_type=result_type, currency=currency)
    excluded = tuple((x.campaign, E.excluded(x)) for x in el.excluded)
    if not el.running:
        empty = Estimate.not_enough(0, "no running campaign to allocate to")
        return BudgetPlan(
            total=total or 0.0,
            days=days,
            currency=el.currency,
            objective=el.objective,
            max_change=max_change,
            allocations=(),
            expected_current=empty,
            expected_recommended=empty,
            expected_gain=empty,
            unallocated=total or 0.0,
            excluded=excluded,
            notes=(E.nothing_to_allocate(),),
        )
    running = el.running
    opt = optimise(running, el.weights, total, days=days, max_change=max_change)
    allocations, parts = _allocations(running, el.weights, opt, days=days, max_change=max_change)
    cur_daily, rec = opt.current, opt.recommended
    n = sum(c.n_days for c in running)
    unscored = [
        c.campaign
        for i, c in enumerate(running)
        if not c.ok or not (c.inside(cur_daily[i]) and c.inside(rec[i]))
    ]
    return BudgetPlan(
        total=opt.total,
        days=days,
        currency=el.currency,
        objective=el.objective,
        max_change=max_change,
        allocations=tuple(allocations),
        expected_current=_sum_estimate(parts[0], n, E.sum_method(el.objective)),
        expected_recommended=_sum_estimate(parts[1], n, E.sum_method(el.objective)),
        expected_gain=_sum_estimate(parts[2], n, E.gain_method()),
        unallocated=opt.unallocated,
        excluded=excluded,
        notes=tuple(E.plan_notes(opt, unscored)),
    )


__all__ = [
    "ACTIVE_WITHIN_DAYS",
    "Allocation",
    "BudgetPlan",
    "Eligible",
    "Exclusion",
    "Optimum",
    "eligibility",
    "optimise",
    "recommend_budget",
]
