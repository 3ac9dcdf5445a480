"""Which stored delivery rows may be added up.

An ad account's exports overlap: a campaign-level export and an ad-level export of the same
month hold the same euros twice, and a monthly export and a daily export of the same days
too. `additive_rows` keeps, per campaign, one set of rows that covers each day at most once:

- per campaign and reporting period, the coarsest level present at or below the one asked
  for (campaign totals, else the sum of its ad sets, else of its ads, else of one breakdown);
- daily rows before longer periods; a longer period is kept only when none of its days is
  already covered, and only when it lies inside the window asked for (a period cannot be
  cut: its days are unknown).

Reach is never added: people reached on two days or by two ads may be the same people. It
is kept only where one row gives it for exactly the entity and period shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from socialdesk.phrases import Phrase

LEVELS: tuple[str, ...] = ("campaign", "ad_set", "ad", "breakdown")
ENTITY_LEVELS: tuple[str, ...] = ("account", "campaign", "ad_set", "ad")


@dataclass(frozen=True)
class Delivery:
    """Rows safe to add up, and what was left out and why."""

    rows: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)


def row_level(frame: pd.DataFrame) -> pd.Series:
    """campaign | ad_set | ad | breakdown for each stored row."""
    level = pd.Series("campaign", index=frame.index, dtype=object)
    level = level.where(frame["ad_set_id"].isna(), "ad_set")
    level = level.where(frame["ad_id"].isna(), "ad")
    return level.where(frame["breakdown"].isna(), "breakdown")


def _breakdown_dims(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return ";".join(sorted(part.split("=", 1)[0] for part in value.split(";")))


def additive_rows(
    frame: pd.DataFrame,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    level: str = "campaign",
    daily_only: bool = False,
) -> Delivery:
    """The rows of `frame` (queries.ad_delivery) that add up to `level` without doubling."""
    if level not in ENTITY_LEVELS:
        raise ValueError(f"level must be one of {', '.join(ENTITY_LEVELS)}")
    notes: list[str] = []
    if frame.empty:
        return Delivery(frame.assign(level=pd.Series(dtype=object)), ())
    f = frame.copy()
    f["level"] = row_level(f)
    f["bd_dims"] = f["breakdown"].map(_breakdown_dims)
    # rows coarser than the entity asked for cannot be split into it
    rank = {name: i for i, name in enumerate(LEVELS)}
    need = {"account": 0, "campaign": 0, "ad_set": 1, "ad": 2}[level]
    f = f[f["level"].map(rank) >= need]
    if level in ("ad_set", "ad"):
        # an ad set's own row beats its ads' rows; a breakdown only where nothing else is
        f = f[f["level"] != "breakdown"] if (f["level"] != "breakdown").any() else f
    outside = pd.Series(False, index=f.index)
    if start is not None:
        outside |= f["date_start"] < start
    if end is not None:
        outside |= f["date_end"] > end
    if outside.any():
        n = int(outside.sum())
        notes.append(
            Phrase(
                "%(n)s row(s) cover a period that reaches outside the window; they cannot be cut "
                "into days and were left out.",
                n=n,
            )
        )
        f = f[~outside]
    if daily_only:
        longer = f["date_start"] != f["date_end"]
        if longer.any():
            notes.append(
                Phrase(
                    "%(n)s row(s) cover several days; a daily view leaves them out.",
                    n=int(longer.sum()),
                )
            )
        f = f[~longer]
    if f.empty:
        return Delivery(f, tuple(notes))
    # 1. per campaign and period: the coarsest level (and one breakdown signature)
    f["lvl_rank"] = f["level"].map(rank)
    keys = ["campaign_id", "date_start", "date_end"]
    best = f.groupby(keys)["lvl_rank"].transform("min")
    dropped_levels = int((f["lvl_rank"] != best).sum())
    f = f[f["lvl_rank"] == best]
    bd = f["level"] == "breakdown"
    if bd.any():
        first_dims = f[bd].groupby(keys)["bd_dims"].transform("min")
        keep = ~bd
        keep[bd] = f.loc[bd, "bd_dims"] == first_dims
        f = f[keep]
    if dropped_levels:
        notes.append(
            Phrase(
                "%(n)s row(s) repeat figures already counted at a coarser level (e.g. ad rows "
                "beside campaign totals) and were not added again.",
                n=dropped_levels,
            )
        )
    # 2. per campaign: daily periods first, then longer ones that overlap nothing kept
    periods = f[keys].drop_duplicates()
    periods = periods.assign(
        days=[
            (e - s).days + 1
            for s, e in zip(periods["date_start"], periods["date_end"], strict=True)
        ]
    ).sort_values(["campaign_id", "days", "date_start"])
    kept: list[tuple[int, dt.date, dt.date]] = []
    overlapping = 0
    camp: Any  # a campaign_id: its column's type, which pandas-stubs can't know
    for camp, group in periods.groupby("campaign_id", sort=False):
        covered: set[int] = set()  # the days (ordinals) already counted
        for s, e in zip(group["date_start"], group["date_end"], strict=True):
            days = range(s.toordinal(), e.toordinal() + 1)
            if any(d in covered for d in days):
                overlapping += 1
                continue
            covered.update(days)
            kept.append((int(camp), s, e))
    if overlapping:
        notes.append(
            Phrase(
                "%(n)s reporting period(s) overlap days already counted (e.g. a monthly export "
                "beside a daily one) and were not added again.",
                n=overlapping,
            )
        )
    keep_idx = pd.MultiIndex.from_tuples(kept, names=keys)
    f = f[pd.MultiIndex.from_frame(f[keys]).isin(keep_idx)]
    return Delivery(f.drop(columns=["bd_dims", "lvl_rank"]), tuple(notes))


def entity_key(frame: pd.DataFrame, level: str) -> pd.Series:
    """The id of the entity at `level` each row belongs to."""
    col = {
        "account": "account_id",
        "campaign": "campaign_id",
        "ad_set": "ad_set_id",
        "ad": "ad_id",
    }[level]
    return frame[col]


def period_days(frame: pd.DataFrame) -> np.ndarray:
    return np.array(
        [(e - s).days + 1 for s, e in zip(frame["date_start"], frame["date_end"], strict=True)],
        dtype=int,
    )


__all__ = ["ENTITY_LEVELS", "LEVELS", "Delivery", "additive_rows", "entity_key", "row_level"]
