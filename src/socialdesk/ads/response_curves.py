"""Response curves: a campaign's daily results as a saturating function of its daily spend.

    results(spend) = top * spend^s / (k^s + spend^s)          (a Hill curve)

`top` is the most the campaign can deliver per day, `k` the daily spend at which it delivers
half of that (its half-saturation point) and `s` the shape (s > 1: an S-curve). The curve is
fitted by maximum likelihood with Poisson counts (scipy.optimize), its intervals come from
the quasi-Poisson information (the counts may vary more than Poisson: the dispersion widens
them) and the delta method.

Fitted only where the spend varied enough to show the shape, and never used outside the
daily spend levels seen: `predict` returns "not enough data" beyond them. Curves fitted on
about 90 days recover the marginal return well but the saturation point only roughly, so the
budget advice leans on the marginal return inside the range seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from socialdesk.estimates import Estimate
from socialdesk.phrases import Num, Phrase

MIN_DAYS = 21
MIN_SPREAD = 1.5  # the 90th percentile of daily spend over the 10th
MIN_CV = 0.15  # coefficient of variation of daily spend
RECENT_DAYS = 14
Z95 = 1.959964


def hill(spend: np.ndarray | float, top: float, k: float, s: float) -> np.ndarray:
    x = np.maximum(np.asarray(spend, dtype=float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        u = 1.0 / (1.0 + np.power(k / np.where(x > 0, x, np.nan), s))
    return top * np.nan_to_num(u, nan=0.0)


def _jacobian(x: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """mu and d mu / d (log top, log k, log s) at spends x."""
    top, k, s = np.exp(theta)
    x = np.maximum(np.asarray(x, dtype=float), 1e-12)
    ratio = np.power(k / x, s)
    u = 1.0 / (1.0 + ratio)
    mu = top * u
    du = u * (1.0 - u)
    jac = np.column_stack([mu, -top * s * du, -top * s * du * np.log(k / x)])
    return mu, jac


def _marginal(x: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d mu / d spend and its gradient in theta (numerically)."""

    def slope(th: np.ndarray) -> np.ndarray:
        top, k, s = np.exp(th)
        xx = np.maximum(np.asarray(x, dtype=float), 1e-12)
        u = 1.0 / (1.0 + np.power(k / xx, s))
        return top * s * u * (1.0 - u) / xx

    base = slope(theta)
    grads = []
    for i in range(3):
        step = np.zeros(3)
        step[i] = 1e-5
        grads.append((slope(theta + step) - slope(theta - step)) / 2e-5)
    return base, np.column_stack(grads)


@dataclass(frozen=True)
class ResponseCurve:
    """One campaign's fitted curve (or why there is none)."""

    # computed figures that `socialdesk.results.plain` adds to the fields
    __json_properties__ = ("ok", "top", "k", "s", "saturation_seen", "current_marginal")

    campaign_id: int
    campaign: str
    platform: str
    currency: str | None
    result_type: str | None
    n_days: int
    spend_min: float  # the daily spend range seen: the curve is used only inside it
    spend_max: float
    current_spend: float  # mean daily spend over its last RECENT_DAYS days of data
    last_day: dt.date | None
    theta: tuple[float, float, float] | None = None  # log top, log k, log s
    cov: tuple[tuple[float, ...], ...] | None = None
    dispersion: float | None = None
    pseudo_r2: float | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.theta is not None

    def _theta(self) -> np.ndarray:
        assert self.theta is not None
        return np.array(self.theta)

    def _cov(self) -> np.ndarray:
        assert self.cov is not None
        return np.array(self.cov)

    @property
    def top(self) -> Estimate:
        return self._param(0, Phrase("most results a day"))

    @property
    def k(self) -> Estimate:
        return self._param(1, Phrase("half-saturation spend a day"))

    @property
    def s(self) -> Estimate:
        return self._param(2, Phrase("shape"))

    @property
    def current_marginal(self) -> Estimate:
        """What the last unit of money buys at the current daily spend."""
        return self.marginal(self.current_spend)

    def _not_enough(self, reason: str) -> Estimate:
        return Estimate(
            None,
            None,
            None,
            0.95,
            self.n_days,
            Phrase("not enough data: %(reason)s", reason=reason),
        )

    def _param(self, i: int, what: str) -> Estimate:
        if not self.ok:
            return self._not_enough(self.reason)
        th, se = self._theta()[i], float(np.sqrt(max(self._cov()[i, i], 0.0)))
        return Estimate(
            float(np.exp(th)),
            float(np.exp(th - Z95 * se)),
            float(np.exp(th + Z95 * se)),
            0.95,
            self.n_days,
            Phrase("Hill curve (%(what)s), quasi-Poisson ML", what=what),
        )

    @property
    def saturation_seen(self) -> bool:
        """Whether the half-saturation point lies inside the spend seen (else top and k are
        extrapolations: shown as not reached, while predictions inside the range still hold)."""
        return self.ok and float(np.exp(self._theta()[1])) <= self.spend_max

    def inside(self, spend: float) -> bool:
        return self.spend_min - 1e-9 <= spend <= self.spend_max + 1e-9

    def predict(self, spend: float) -> Estimate:
        """Expected results a day at `spend` a day, only inside the spend range seen."""
        if not self.ok:
            return self._not_enough(self.reason)
        if not self.inside(spend):
            return self._not_enough(
                Phrase(
                    "%(spend)s a day is outside the spend seen (%(low)s-%(high)s); the curve is "
                    "not extrapolated",
                    spend=Num(spend, ",.2f"),
                    low=Num(self.spend_min, ",.2f"),
                    high=Num(self.spend_max, ",.2f"),
                )
            )
        mu, jac = _jacobian(np.array([spend]), self._theta())
        var = float(jac[0] @ self._cov() @ jac[0])
        se = np.sqrt(max(var, 0.0))
        return Estimate(
            float(mu[0]),
            float(max(mu[0] - Z95 * se, 0.0)),
            float(mu[0] + Z95 * se),
            0.95,
            self.n_days,
            Phrase("Hill curve, delta method"),
        )

    def marginal(self, spend: float) -> Estimate:
        """Extra results a day per extra unit of daily spend at `spend`."""
        if not self.ok:
            return self._not_enough(self.reason)
        if not self.inside(spend):
            return self._not_enough(Phrase("outside the spend seen"))
        m, grad = _marginal(np.array([spend]), self._theta())
        se = float(np.sqrt(max(grad[0] @ self._cov() @ grad[0], 0.0)))
        return Estimate(
            float(m[0]),
            float(max(m[0] - Z95 * se, 0.0)),
            float(m[0] + Z95 * se),
            0.95,
            self.n_days,
            Phrase("slope of the Hill curve, delta method"),
        )

    def mean(self, spend: np.ndarray) -> np.ndarray:
        """Point predictions (no range check): for optimisation inside checked bounds."""
        return hill(spend, *np.exp(self._theta()))

    def gradient(self, spend: np.ndarray) -> np.ndarray:
        return _jacobian(np.asarray(spend, dtype=float), self._theta())[1]

    def slope(self, spend: np.ndarray) -> np.ndarray:
        return _marginal(np.asarray(spend, dtype=float), self._theta())[0]


def _nll(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    mu, jac = _jacobian(x, theta)
    mu = np.maximum(mu, 1e-12)
    value = float(np.sum(mu - y * np.log(mu)))
    grad = ((1.0 - y / mu)[:, None] * jac).sum(axis=0)
    return value, grad


def fit_curve(
    spend: np.ndarray, results: np.ndarray, *, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, float, float] | str:
    """(theta, cov, dispersion, pseudo R²) of a Hill curve, or the reason it cannot be fitted."""
    from scipy.optimize import minimize

    x = np.asarray(spend, dtype=float)
    y = np.asarray(results, dtype=float)
    keep = (x > 0) & np.isfinite(x) & np.isfinite(y) & (y >= 0)
    x, y = x[keep], y[keep]
    n = len(x)
    if n < MIN_DAYS:
        return Phrase("%(n)s days with spend, at least %(min)s needed", n=n, min=MIN_DAYS)
    lo, hi = np.percentile(x, [10, 90])
    cv = float(np.std(x) / np.mean(x))
    if hi < MIN_SPREAD * lo or cv < MIN_CV:
        return Phrase(
            "daily spend varied too little to show the curve's shape (mostly between "
            "%(low)s and %(high)s)",
            low=Num(lo, ",.2f"),
            high=Num(hi, ",.2f"),
        )
    if y.sum() <= 0:
        return Phrase("no results in these days")
    bounds = [
        (np.log(max(y.max(), 1e-3) * 0.3), np.log(max(y.max(), 1.0) * 200)),
        (np.log(x.min() / 20), np.log(x.max() * 50)),
        (np.log(0.5), np.log(3.0)),
    ]
    best = None
    for kq in (0.25, 0.5, 0.9):
        for s0 in (1.0, 2.0):
            k0 = float(np.quantile(x, kq))
            top0 = float(np.mean(y[x >= np.quantile(x, 0.75)])) * 1.6 + 1e-3
            start = np.clip(np.log([top0, k0, s0]), [b[0] for b in bounds], [b[1] for b in bounds])
            res = minimize(_nll, start, args=(x, y), jac=True, method="TNC", bounds=bounds)
            if best is None or res.fun < best.fun:
                best = res
    assert best is not None
    theta = best.x
    mu, jac = _jacobian(x, theta)
    mu = np.maximum(mu, 1e-9)
    info = jac.T @ (jac / mu[:, None])
    dispersion = max(1.0, float(np.sum((y - mu) ** 2 / mu) / max(n - 3, 1)))
    try:
        cov = np.linalg.pinv(info) * dispersion
    except np.linalg.LinAlgError:
        return Phrase("the curve could not be fitted (singular information)")
    null = np.maximum(y.mean(), 1e-9)
    dev = 2 * np.sum(np.where(y > 0, y * np.log(np.maximum(y, 1e-12) / mu), 0) - (y - mu))
    dev0 = 2 * np.sum(np.where(y > 0, y * np.log(np.maximum(y, 1e-12) / null), 0) - (y - null))
    r2 = float(1 - dev / dev0) if dev0 > 0 else 0.0
    return theta, cov, dispersion, r2


def fit_curves(daily: pd.DataFrame, *, as_of: dt.date | None = None) -> list[ResponseCurve]:
    """One curve per campaign from kpis.daily_table rows (spend and results per day)."""
    out: list[ResponseCurve] = []
    if daily.empty:
        return out
    camp: Any  # a campaign_id: its column's type, which pandas-stubs can't know
    for camp, part in daily.groupby("campaign_id", sort=False):
        part = part.sort_values("date")
        if as_of is not None:
            part = part[part["date"] <= as_of]
        spend = part["spend"].fillna(0.0).to_numpy(float)
        results = part["result"].fillna(0.0).to_numpy(float)
        labels = part["result_label"].dropna()
        spent = spend > 0
        last = part["date"].max() if len(part) else None
        recent = part[part["date"] > last - dt.timedelta(days=RECENT_DAYS)] if last else part
        current = float(recent["spend"].fillna(0.0).mean()) if len(recent) else 0.0
        base: dict[str, Any] = {  # the fields every ResponseCurve of the campaign has
            "campaign_id": int(camp),
            "campaign": str(part["campaign"].iloc[0]),
            "platform": str(part["platform"].iloc[0]),
            "currency": None if pd.isna(cur := part["currency"].iloc[0]) else str(cur),
            "result_type": str(labels.mode().iloc[0]) if len(labels) else None,
            "n_days": int(spent.sum()),
            "spend_min": float(spend[spent].min()) if spent.any() else 0.0,
            "spend_max": float(spend[spent].max()) if spent.any() else 0.0,
            "current_spend": current,
            "last_day": last,
        }
        fitted = fit_curve(spend, results)
        if isinstance(fitted, str):
            out.append(ResponseCurve(**base, reason=fitted))
            continue
        theta, cov, disp, r2 = fitted
        out.append(
            ResponseCurve(
                **base,
                theta=(float(theta[0]), float(theta[1]), float(theta[2])),
                cov=tuple(tuple(float(v) for v in row) for row in cov),
                dispersion=disp,
                pseudo_r2=r2,
            )
        )
    return out


def curve_points(curve: ResponseCurve, n: int = 40) -> list[tuple[float, Estimate]]:
    """Points along the fitted curve inside the spend seen (for a chart)."""
    if not curve.ok:
        return []
    grid = np.linspace(curve.spend_min, curve.spend_max, n)
    return [(float(x), curve.predict(float(x))) for x in grid]


__all__ = ["MIN_DAYS", "ResponseCurve", "curve_points", "fit_curve", "fit_curves", "hill"]
