"""Budgets and pacing: spend to date against the plan, and where the period will end.

Budgets come from two places:
- the manager's plans (saved with queries.save_budget_plans): a campaign (its name, key or
  id; "*" for all campaigns in that currency), a period (a month "2026-03" or start and end
  dates), an amount and its currency;
- the exports: a campaign's daily budget (Google Ads, Meta) times the days of the period, or
  its lifetime budget over its schedule.

For each budget: the spend to date (days up to `today`, by default the last day with data),
the spend a linear plan expects by then, the projected spend at the end of the period
(spend to date + the remaining days at the mean daily spend of the last 7 days) with a 95%
interval (the day-to-day variation of that spend and the uncertainty of its mean), and a
status: on track when the projection is within ±10% of the budget.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from socialdesk.estimates import Estimate
from socialdesk.phrases import Num, Phrase

RECENT_DAYS = 7
TOLERANCE = 0.10


@dataclass(frozen=True)
class BudgetLine:
    """A budget: what it covers and where it came from."""

    scope: str  # a campaign name, or "*" (every campaign in the currency)
    campaign_ids: tuple[int, ...]
    start: dt.date
    end: dt.date
    amount: float
    currency: str | None
    source: str  # "plan" or "export (daily budget)" ...


@dataclass(frozen=True)
class PacingRow:
    budget: BudgetLine
    today: dt.date
    days_elapsed: int
    days_total: int
    spent: float
    expected_to_date: float  # the linear plan's spend by today
    pace: float | None  # spent / expected_to_date
    projected: Estimate  # spend at the end of the period
    status: str  # on track | under-spending | over-spending | not started | ended
    message: str


class PlanInvalid(ValueError):
    """A budget plan the manager entered cannot be used (says which and why)."""


def _period(plan: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
    if "month" in plan:
        try:
            y, m = (int(p) for p in str(plan["month"]).split("-"))
            return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
        except (ValueError, TypeError) as exc:
            raise PlanInvalid(f"month must look like 2026-03 (got {plan['month']!r})") from exc
    try:
        start = dt.date.fromisoformat(str(plan["start"]))
        end = dt.date.fromisoformat(str(plan["end"]))
    except (KeyError, ValueError) as exc:
        raise PlanInvalid("a budget needs a month (2026-03) or a start and an end date") from exc
    if end < start:
        raise PlanInvalid(f"the budget ends ({end}) before it starts ({start})")
    return start, end


def budget_lines(
    plans: Sequence[Mapping[str, Any]],
    campaigns: pd.DataFrame,
    *,
    window: tuple[dt.date, dt.date] | None = None,
) -> list[BudgetLine]:
    """The manager's plans plus the budgets the exports gave (campaigns: queries.campaigns).

    `window` is the period export budgets are shown for (daily budgets need one).
    """
    lines: list[BudgetLine] = []
    planned: set[int] = set()
    for plan in plans:
        start, end = _period(plan)
        try:
            amount = float(plan["amount"])
        except (KeyError, TypeError, ValueError) as exc:
            raise PlanInvalid(f"a budget needs an amount (got {plan.get('amount')!r})") from exc
        scope = str(plan.get("campaign", "*"))
        currency = plan.get("currency")
        if scope == "*":
            ids = campaigns
            if currency:
                ids = ids[ids["account_currency"].isna() | (ids["account_currency"] == currency)]
            camp_ids = tuple(int(i) for i in ids["campaign_id"])
        else:
            match = campaigns[
                (campaigns["campaign"] == scope)
                | (campaigns["campaign_key"] == scope)
                | (campaigns["campaign_id"].astype(str) == scope)
            ]
            if match.empty:
                raise PlanInvalid(f"no campaign is called {scope!r}")
            camp_ids = tuple(int(i) for i in match["campaign_id"])
            planned.update(camp_ids)
            known = match["account_currency"].dropna()
            if not currency and len(known):
                currency = str(known.iloc[0])
        lines.append(BudgetLine(scope, camp_ids, start, end, amount, currency, "plan"))
    r: Any  # a row: its columns' types, which pandas-stubs can't know
    for r in campaigns.itertuples(index=False):
        if r.campaign_id in planned or pd.isna(r.budget) or not r.budget_type:
            continue
        kind = str(r.budget_type).lower()
        if "daily" in kind or "dag" in kind:
            if window is None:
                continue
            start = max(window[0], r.start_date) if isinstance(r.start_date, dt.date) else window[0]
            end = min(window[1], r.end_date) if isinstance(r.end_date, dt.date) else window[1]
            if end < start:
                continue
            days = (end - start).days + 1
            lines.append(
                BudgetLine(
                    str(r.campaign),
                    (int(r.campaign_id),),
                    start,
                    end,
                    float(r.budget) * days,
                    r.account_currency,
                    Phrase("export (daily budget %(amount)s)", amount=Num(float(r.budget), ",.2f")),
                )
            )
        elif (
            ("lifetime" in kind or "total" in kind or "looptijd" in kind)
            and isinstance(r.start_date, dt.date)
            and isinstance(r.end_date, dt.date)
        ):
            lines.append(
                BudgetLine(
                    str(r.campaign),
                    (int(r.campaign_id),),
                    r.start_date,
                    r.end_date,
                    float(r.budget),
                    r.account_currency,
                    Phrase("export (lifetime budget)"),
                )
            )
    return lines


def compute_pacing(
    daily: pd.DataFrame, budgets: Sequence[BudgetLine], today: dt.date
) -> list[PacingRow]:
    """Pacing of each budget from kpis.daily_table rows, as of `today` (inclusive)."""
    from scipy.stats import t as student_t

    out = []
    for b in budgets:
        part = daily[daily["campaign_id"].isin(b.campaign_ids)]
        if b.currency is not None:
            part = part[part["currency"].isna() | (part["currency"] == b.currency)]
        part = part[(part["date"] >= b.start) & (part["date"] <= min(b.end, today))]
        per_day = part.groupby("date")["spend"].sum()
        days_total = (b.end - b.start).days + 1
        elapsed = max(0, min((today - b.start).days + 1, days_total))
        spent = float(per_day.sum())
        expected = b.amount * elapsed / days_total
        remaining = days_total - elapsed
        msg: str
        if elapsed == 0:
            proj = Estimate(
                None, None, None, 0.95, 0, Phrase("not enough data: the period has not started")
            )
            status, msg = "not started", Phrase("starts %(date)s", date=b.start.isoformat())
        elif remaining == 0:
            proj = Estimate.exact(spent, elapsed, Phrase("spent (the period is over)"))
            status = _status(spent, b.amount)
            msg = Phrase(
                "ended: spent %(spent)s of %(amount)s (%(share)s)",
                spent=Num(spent, ",.2f"),
                amount=Num(b.amount, ",.2f"),
                share=Num(spent / b.amount, ".0%"),
            )
        else:
            window_days = [b.start + dt.timedelta(days=i) for i in range(elapsed)][-RECENT_DAYS:]
            recent = per_day.reindex(window_days, fill_value=0.0).to_numpy(float)
            n = len(recent)
            mean = float(recent.mean())
            if n >= 3:
                sd = float(recent.std(ddof=1))
                se_total = np.sqrt(remaining * sd**2 + remaining**2 * sd**2 / n)
                q = float(student_t.ppf(0.975, n - 1))
                value = spent + remaining * mean
                proj = Estimate(
                    value,
                    max(spent, value - q * se_total),
                    value + q * se_total,
                    0.95,
                    n,
                    Phrase(
                        "spend to date + %(remaining)s days at the mean of the last %(n)s days",
                        remaining=remaining,
                        n=n,
                    ),
                )
            else:
                proj = Estimate(
                    None,
                    None,
                    None,
                    0.95,
                    n,
                    Phrase("not enough data: %(n)s day(s) of spend, 3 needed to project", n=n),
                )
            status = _status(proj.value, b.amount) if proj.ok else "too early"
            msg = _message(status, proj, b.amount)
        out.append(
            PacingRow(
                b,
                today,
                elapsed,
                days_total,
                spent,
                expected,
                spent / expected if expected > 0 else None,
                proj,
                status,
                msg,
            )
        )
    return out


def _status(value: float | None, budget: float) -> str:
    if value is None or budget <= 0:
        return "no budget"
    if value > budget * (1 + TOLERANCE):
        return "over-spending"
    if value < budget * (1 - TOLERANCE):
        return "under-spending"
    return "on track"


def _message(status: str, proj: Estimate, budget: float) -> str:
    if not proj.ok:
        return proj.method
    # an estimate that is ok has a value, and compute_pacing gives those an interval
    assert proj.value is not None and proj.low is not None and proj.high is not None
    value, low, high = (Num(x, ",.2f") for x in (proj.value, proj.low, proj.high))
    if status == "on track":
        return Phrase(
            "on track: projected %(value)s (95%% %(low)s-%(high)s) of %(budget)s",
            value=value,
            low=low,
            high=high,
            budget=Num(budget, ",.2f"),
        )
    gap = proj.value - budget
    if gap > 0:
        return Phrase(
            "projected %(value)s (95%% %(low)s-%(high)s), %(gap)s over the budget of %(budget)s",
            value=value,
            low=low,
            high=high,
            gap=Num(abs(gap), ",.2f"),
            budget=Num(budget, ",.2f"),
        )
    return Phrase(
        "projected %(value)s (95%% %(low)s-%(high)s), %(gap)s under the budget of %(budget)s",
        value=value,
        low=low,
        high=high,
        gap=Num(abs(gap), ",.2f"),
        budget=Num(budget, ",.2f"),
    )


__all__ = ["BudgetLine", "PacingRow", "PlanInvalid", "budget_lines", "compute_pacing"]
