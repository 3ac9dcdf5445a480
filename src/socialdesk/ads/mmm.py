"""Full marketing-mix modelling through PyMC-Marketing (the optional `mmm` extra).

For organisations with two years or more of weekly spend across channels: the weekly spend
per channel (an ad platform) and the weekly results go to PyMC-Marketing's MMM (geometric
adstock, logistic saturation, yearly seasonality), and its budget optimizer's answer is
shown as it gives it. socialdesk writes no MMM of its own; without the extra installed,
`run_mmm` raises MissingExtra with the install command.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from socialdesk.ads._pymc import pymc_marketing_mmm

MIN_WEEKS = 104


@dataclass(frozen=True)
class WeeklyData:
    frame: pd.DataFrame  # date (Monday), one spend column per channel, y
    channels: tuple[str, ...]
    target: str
    weeks: int

    @property
    def enough(self) -> bool:
        return self.weeks >= MIN_WEEKS

    @property
    def reason(self) -> str:
        if self.enough:
            return ""
        return (
            f"{self.weeks} weeks of spend; a marketing-mix model needs {MIN_WEEKS} (two "
            "years) or more"
        )


@dataclass(frozen=True)
class MmmAllocation:
    channels: tuple[str, ...]
    current: dict[str, float]  # mean weekly spend over the last 13 weeks
    recommended: dict[str, float]  # PyMC-Marketing's optimal weekly spend
    budget_per_week: float
    weeks: int
    method: str


def weekly_data(daily: pd.DataFrame, *, target: str = "result") -> WeeklyData:
    """Weekly spend per platform and weekly `target` (kpis.daily_table rows, one currency)."""
    if daily.empty:
        return WeeklyData(pd.DataFrame(columns=["date", "y"]), (), target, 0)
    d = daily.assign(week=pd.to_datetime(daily["date"]).dt.to_period("W-SUN").dt.start_time)
    spend = d.pivot_table(
        index="week", columns="platform", values="spend", aggfunc="sum", fill_value=0.0
    )
    y = d.groupby("week")[target].sum()
    full = pd.date_range(spend.index.min(), spend.index.max(), freq="W-MON")
    spend = spend.reindex(full, fill_value=0.0)
    frame = spend.assign(y=y.reindex(full, fill_value=0.0)).rename_axis("date").reset_index()
    channels = tuple(str(c) for c in spend.columns)
    return WeeklyData(frame, channels, target, len(frame))


def run_mmm(
    data: WeeklyData,
    *,
    budget_per_week: float,
    weeks: int = 4,
    max_change: float = 0.30,
    seed: int = 0,
    draws: int = 500,
    tune: int = 500,
    chains: int = 2,
) -> MmmAllocation:
    """Fit PyMC-Marketing's MMM and return its budget optimizer's split of `budget_per_week`."""
    M = pymc_marketing_mmm()
    if not data.enough:
        raise ValueError(data.reason)
    frame = data.frame
    channels = list(data.channels)
    model = M.MMM(
        date_column="date",
        channel_columns=channels,
        adstock=M.GeometricAdstock(l_max=8),
        saturation=M.LogisticSaturation(),
        yearly_seasonality=2,
    )
    model.fit(
        frame[["date", *channels]],
        frame["y"],
        random_seed=seed,
        progressbar=False,
        draws=draws,
        tune=tune,
        chains=chains,
    )
    current = {c: float(frame[c].tail(13).mean()) for c in channels}
    total_now = sum(current.values()) or 1.0
    bounds = {
        c: (
            current[c] * budget_per_week / total_now * (1 - max_change),
            current[c] * budget_per_week / total_now * (1 + max_change),
        )
        for c in channels
    }
    allocation, _ = model.optimize_budget(
        budget=budget_per_week, num_periods=weeks, budget_bounds=bounds
    )
    recommended = {c: float(allocation.sel(channel=c)) for c in channels}
    return MmmAllocation(
        tuple(channels),
        current,
        recommended,
        budget_per_week,
        weeks,
        "PyMC-Marketing MMM (geometric adstock, logistic saturation) and its budget optimizer",
    )


__all__ = ["MIN_WEEKS", "MmmAllocation", "WeeklyData", "run_mmm", "weekly_data"]
