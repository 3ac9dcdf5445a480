"""Seeded ad delivery for the ads tests, written through the importers' own loader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from socialdesk.importers.base import AccountRef, Chunk
from socialdesk.importers.load import Loader
from socialdesk.store import session_scope
from socialdesk.store.session import WorkspaceHandle

START = dt.date(2026, 1, 1)


def write_rows(
    ws: WorkspaceHandle,
    rows: Sequence[dict],
    *,
    platform: str = "meta_ads",
    account: str = "Test ads",
    currency: str | None = "EUR",
) -> None:
    """Rows of canonical ad_days columns (campaign_name, date_start, spend...)."""
    frame = pd.DataFrame(list(rows))
    for c in ("date_start", "date_end"):
        frame[c] = pd.to_datetime(frame[c])
    frame["__row__"] = range(2, len(frame) + 2)
    if "currency" not in frame.columns:
        frame["currency"] = currency
    with session_scope(ws.engine) as session:
        loader = Loader(session, ws.workspace_id, None)
        loader.load(Chunk("ad_days", AccountRef(platform, account, currency=currency), frame))
        loader.finish()  # as the importer does after a file's last chunk


def hill(x, top, k, s):
    x = np.asarray(x, dtype=float)
    return top * x**s / (k**s + x**s)


def curve_days(
    rng: np.random.Generator,
    name: str,
    top: float,
    k: float,
    s: float,
    days: int = 90,
    lo: float = 0.3,
    hi: float = 2.5,
) -> list[dict]:
    """Daily campaign rows whose results follow a Hill curve of a varied daily spend."""
    out = []
    i = 0
    levels = np.empty(days)
    while i < days:
        run = int(rng.integers(7, 15))
        levels[i : i + run] = k * float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
        i += run
    spend = np.round(levels * rng.uniform(0.85, 1.02, days), 2)
    results = rng.poisson(hill(spend, top, k, s))
    for d in range(days):
        day = START + dt.timedelta(days=d)
        out.append(
            {
                "campaign_name": name,
                "date_start": day,
                "date_end": day,
                "spend": float(spend[d]),
                "impressions": float(spend[d] * 150),
                "clicks": float(results[d] * 10 + 5),
                "results": float(results[d]),
                "result_type": "Purchases",
            }
        )
    return out
