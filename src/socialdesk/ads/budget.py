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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from socialdesk.ads.response_curves import Z95, ResponseCurve
from socialdesk.estimates import Estimate
from socialdesk.phrases import Num, Phrase

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


def _weights(
    curves: Sequence[ResponseCurve], values: Mapping[str, float] | None, result_type: str | None
) -> tuple[str, dict[int, float], list[tuple[str, str]]]:
    """What is maximised, each campaign's weight, and campaigns of other result types."""
    excluded: list[tuple[str, str]] = []
    if values:
        weights = {}
        for c in curves:
            if c.result_type in values:
                weights[c.campaign_id] = float(values[c.result_type])
            else:
                excluded.append(
                    (
                        c.campaign,
                        Phrase("no value was given for its results (%(type)s)", type=c.result_type),
                    )
                )
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
                (
                    c.campaign,
                    Phrase(
                        "its results (%(type)s) are not %(chosen)s; give a value per result type "
                        "to weigh them together",
                        type=c.result_type,
                        chosen=chosen,
                    ),
                )
            )
    return chosen or "results", weights, excluded


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
    return Estimate(
        e.value * days,
        e.low * days,
        e.high * days,
        e.level,
        e.n,
        Phrase("%(method)s, x %(days)s days", method=e.method, days=days),
    )


def _sum_estimate(
    parts: list[tuple[float, np.ndarray, np.ndarray]], n: int, method: str
) -> Estimate:
    """Sum of weighted predictions; parts are (weight*days, gradient, cov) per campaign."""
    if not parts:
        return Estimate(
            None, None, None, 0.95, n, Phrase("not enough data: no campaign with a fitted curve")
        )
    value = sum(p[0] for p in parts)
    var = sum(float(g @ c @ g) for _, g, c in parts)
    se = float(np.sqrt(max(var, 0.0)))
    return Estimate(float(value), float(value - Z95 * se), float(value + Z95 * se), 0.95, n, method)


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
    notes: list[str] = []
    excluded: list[tuple[str, str]] = []
    last = max((c.last_day for c in curves if c.last_day), default=None)
    running: list[ResponseCurve] = []
    for c in curves:
        stale = c.last_day is None or (
            last is not None and (last - c.last_day).days >= ACTIVE_WITHIN_DAYS
        )
        if last is not None and (stale or c.current_spend <= 0):
            excluded.append(
                (
                    c.campaign,
                    Phrase(
                        "not running in the last %(days)s days of data", days=ACTIVE_WITHIN_DAYS
                    ),
                )
            )
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
            (
                c.campaign,
                Phrase(
                    "spends %(currency)s, not %(chosen)s; currencies are not mixed",
                    currency=c.currency,
                    chosen=cur,
                ),
            )
        )
    running = [c for c in running if c.currency == cur]
    objective, weights, other = _weights(running, values, result_type)
    excluded += other
    running = [c for c in running if c.campaign_id in weights]
    if not running:
        empty = Estimate.not_enough(0, "no running campaign to allocate to")
        return BudgetPlan(
            total or 0.0,
            days,
            cur,
            objective,
            max_change,
            (),
            empty,
            empty,
            empty,
            total or 0.0,
            tuple(excluded),
            (Phrase("no running campaign to allocate to"),),
        )
    recent = np.array([c.current_spend for c in running])
    if total is None:
        total = float(recent.sum() * days)
    daily_total = total / days
    cur_daily = recent * daily_total / recent.sum()
    if abs(daily_total - recent.sum()) > 0.01 * recent.sum():
        notes.append(
            Phrase(
                "the total is %(total)s a day against %(recent)s spent a day recently; the current "
                "split is scaled to it.",
                total=Num(daily_total, ",.2f"),
                recent=Num(recent.sum(), ",.2f"),
            )
        )
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
    if opt:
        olo, ohi = lo[opt], hi[opt]
        budget = fixed
        if budget > ohi.sum():
            unallocated = (budget - ohi.sum()) * days
            notes.append(
                Phrase(
                    "%(amount)s of the total cannot be placed: the campaigns never spent that much "
                    "a day (or the move limit holds them), and their curves are not extrapolated "
                    "beyond the spend seen.",
                    amount=Num(unallocated, ",.0f"),
                )
            )
            budget = float(ohi.sum())
        elif budget < olo.sum():
            notes.append(
                Phrase(
                    "the total is below what the move limits allow; every campaign "
                    "is cut to its lower limit and the rest is left unspent."
                )
            )
            budget = float(olo.sum())
        w = np.array([weights[running[i].campaign_id] for i in opt])
        rec[opt] = _solve([running[i] for i in opt], w, olo, ohi, budget)
    allocations = []
    cur_parts, rec_parts, gain_parts = [], [], []
    margins = {
        i: float(running[i].slope(np.array([rec[i]]))[0]) * weights[running[i].campaign_id]
        for i in opt
    }
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
                c.campaign_id,
                c.campaign,
                c.platform,
                c.result_type,
                float(cur_daily[i] * days),
                float(rec[i] * days),
                e_cur,
                e_rec,
                float(lo[i] * days),
                float(hi[i] * days),
                i in opt,
                tuple(_reasons(c, i, cur_daily, rec, lo, hi, margins, max_change)),
            )
        )
    n = sum(c.n_days for c in running)
    what = Phrase("results") if objective != "value" else Phrase("value")
    unscored = [
        c.campaign
        for c in running
        if not c.ok
        or not (c.inside(cur_daily[running.index(c)]) and c.inside(rec[running.index(c)]))
    ]
    if unscored:
        notes.append(
            Phrase(
                "expected totals leave out %(campaigns)s (no curve, or a budget "
                "outside the spend seen).",
                campaigns=", ".join(unscored),
            )
        )
    return BudgetPlan(
        total=total,
        days=days,
        currency=cur,
        objective=objective,
        max_change=max_change,
        allocations=tuple(allocations),
        expected_current=_sum_estimate(
            cur_parts, n, Phrase("sum of Hill curves (%(what)s)", what=what)
        ),
        expected_recommended=_sum_estimate(
            rec_parts, n, Phrase("sum of Hill curves (%(what)s)", what=what)
        ),
        expected_gain=_sum_estimate(
            gain_parts, n, Phrase("difference of Hill curves, delta method")
        ),
        unallocated=unallocated,
        excluded=tuple(excluded),
        notes=tuple(notes),
    )


def _reasons(
    c: ResponseCurve,
    i: int,
    cur: np.ndarray,
    rec: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    margins: Mapping[int, float],
    max_change: float | None,
) -> list[str]:
    if not c.ok:
        return [
            Phrase("kept at its current share: no response curve (%(reason)s)", reason=c.reason)
        ]
    if i not in margins:
        return [
            Phrase("kept at its current share: the move limit and the spend seen leave no room")
        ]
    out: list[str] = []
    change = rec[i] - cur[i]
    top, k = float(np.exp(c.theta[0])), float(np.exp(c.theta[1]))  # type: ignore[index]
    seen_bend = k <= c.spend_max
    here = float(c.slope(np.array([rec[i]]))[0])
    others = [m for j, m in margins.items() if j != i]
    unit = c.result_type or Phrase("results")
    if abs(change) < 0.02 * cur[i]:
        return [Phrase("about right where it is: its last euro buys about as much as elsewhere")]
    if change < 0 and cur[i] > c.spend_max + 1e-6:
        return [
            Phrase(
                "cut to %(amount)s a day, the most it spent on any day: what more would "
                "buy is unknown (the curve is not extrapolated)",
                amount=Num(c.spend_max, ",.2f"),
            )
        ]
    if change > 0 and cur[i] < c.spend_min - 1e-6 and rec[i] <= c.spend_min + 1e-6:
        return [
            Phrase(
                "raised to %(amount)s a day, the least it spent on any day: below that "
                "its curve is unknown",
                amount=Num(c.spend_min, ",.2f"),
            )
        ]
    if change > 0:
        if seen_bend:
            share = float(c.mean(np.array([rec[i]]))[0]) / top
            if rec[i] < k:
                out.append(
                    Phrase(
                        "below its saturation point: at %(amount)s a day it delivers "
                        "%(share)s of the most it can",
                        amount=Num(rec[i], ",.2f"),
                        share=Num(share, ".0%"),
                    )
                )
            else:
                out.append(
                    Phrase(
                        "still rising: at %(amount)s a day it delivers %(share)s of "
                        "the most it can",
                        amount=Num(rec[i], ",.2f"),
                        share=Num(share, ".0%"),
                    )
                )
        else:
            out.append(Phrase("no saturation within the spend seen"))
        out.append(
            Phrase(
                "an extra 1 a day still buys %(more)s %(unit)s a day",
                more=Num(here, ".3g"),
                unit=unit,
            )
        )
    else:
        if seen_bend and cur[i] >= k:
            share = float(c.mean(np.array([cur[i]]))[0]) / top
            out.append(
                Phrase(
                    "past its saturation point: at %(amount)s a day it already "
                    "delivers %(share)s of the most it can (half of it at about "
                    "%(half)s a day)",
                    amount=Num(cur[i], ",.2f"),
                    share=Num(share, ".0%"),
                    half=Num(k, ",.0f"),
                )
            )
        else:
            out.append(Phrase("its returns flatten as spend rises"))
        if others and max(others) > here:
            out.append(
                Phrase(
                    "the same money buys more elsewhere (last euro: %(there)s against "
                    "%(here)s here)",
                    there=Num(max(others), ".3g"),
                    here=Num(here, ".3g"),
                )
            )
    if change > 0 and rec[i] >= hi[i] - 1e-6:
        if hi[i] >= c.spend_max - 1e-6:
            out.append(
                Phrase(
                    "held at %(amount)s a day, the most it spent on any day: beyond "
                    "that the curve is unknown",
                    amount=Num(c.spend_max, ",.2f"),
                )
            )
        elif max_change is not None:
            out.append(
                Phrase(
                    "held at the +%(limit)s move limit (larger edits restart the learning phase)",
                    limit=Num(max_change, ".0%"),
                )
            )
    if change < 0 and rec[i] <= lo[i] + 1e-6:
        if lo[i] <= c.spend_min + 1e-6:
            out.append(
                Phrase(
                    "held at %(amount)s a day, the least it spent on any day",
                    amount=Num(c.spend_min, ",.2f"),
                )
            )
        elif max_change is not None:
            out.append(Phrase("held at the -%(limit)s move limit", limit=Num(max_change, ".0%")))
    return out


__all__ = ["Allocation", "BudgetPlan", "recommend_budget"]
