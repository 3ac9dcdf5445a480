"""Search Console figures: daily totals and the year's queries, pages, countries, devices.

Click-through falls with position (about 32% at 1, 1.6% at 10). Demand has a spring peak
(people plan their roofs in April–June). The planted gap: queries about subsidies for green
roofs ("subsidie groen dak" and friends) carry about a tenth of all impressions at positions
11–18 — clear demand that the site ranks poorly for and that no post ever covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import overload

import numpy as np
import pandas as pd

from socialdesk.demo.organisation import Period, rng_for

GAP_TOPIC = "subsidie"
# (query, topic, relative weight, typical position)
QUERIES: tuple[tuple[str, str, float, float], ...] = (
    ("stichting groen dak", "merk", 5.0, 1.1),
    ("groen dak", "merk", 9.0, 2.4),
    ("groendak", "merk", 3.5, 1.3),
    ("groendak.nl", "merk", 1.2, 1.0),
    ("groen dak webshop", "merk", 0.8, 1.2),
    ("groen dak aanleggen", "tuintips", 6.0, 4.8),
    ("groen dak zelf aanleggen", "tuintips", 3.2, 3.9),
    ("sedumdak onderhoud", "tuintips", 2.4, 2.7),
    ("sedum planten dak", "tuintips", 1.6, 5.5),
    ("sedumdak kosten", "tuintips", 3.0, 6.2),
    ("sedummatten kopen", "webshop", 2.6, 4.1),
    ("insectenhotel kopen", "webshop", 2.2, 7.8),
    ("bijenhotel kopen", "webshop", 1.4, 8.6),
    ("bijenzadenmix", "webshop", 1.1, 5.1),
    ("regenton kopen", "webshop", 1.8, 14.2),
    ("vrijwilligerswerk natuur", "vrijwilligers", 2.0, 6.6),
    ("vrijwilligerswerk buiten utrecht", "vrijwilligers", 0.7, 3.4),
    ("vrijwilliger groen dak", "vrijwilligers", 0.5, 1.6),
    ("groen dak hittestress", "klimaat", 0.9, 3.8),
    ("waterberging dak", "klimaat", 1.3, 7.4),
    ("klimaatadaptatie tuin", "klimaat", 1.0, 9.8),
    ("dakendag", "evenement", 1.2, 1.8),
    ("open dakendag", "evenement", 0.6, 2.1),
    ("natuurwerkdag", "evenement", 1.5, 8.9),
    ("wilde bijen dak", "biodiversiteit", 0.7, 3.1),
    ("biodiversiteit stad", "biodiversiteit", 0.9, 11.5),
    ("subsidie groen dak", GAP_TOPIC, 4.5, 13.4),
    ("groen dak subsidie 2026", GAP_TOPIC, 2.0, 15.1),
    ("subsidie sedumdak", GAP_TOPIC, 1.5, 12.2),
    ("subsidie groene daken amsterdam", GAP_TOPIC, 1.2, 16.8),
    ("subsidie groen dak rotterdam", GAP_TOPIC, 1.0, 17.5),
    ("gemeente subsidie groen dak", GAP_TOPIC, 0.9, 14.3),
    ("subsidie groendak utrecht", GAP_TOPIC, 0.7, 11.6),
)
PAGES: tuple[tuple[str, float, float], ...] = (
    ("/", 16.0, 2.0),
    ("/webshop/sedummatten", 4.0, 4.5),
    ("/webshop/insectenhotel", 2.5, 7.5),
    ("/webshop/bijenzadenmix", 1.2, 5.2),
    ("/vrijwilligers", 2.5, 5.0),
    ("/kennisbank/groen-dak-aanleggen", 8.0, 4.6),
    ("/kennisbank/sedumdak-onderhoud", 2.6, 3.0),
    ("/kennisbank/kosten-groen-dak", 15.0, 13.0),
    ("/agenda/dakendag", 1.9, 2.0),
    ("/blog/wilde-bijen-op-het-dak", 1.6, 4.0),
    ("/klimaat/hittestress", 2.3, 6.5),
    ("/blog/groene-daken-en-regenwater", 1.4, 8.0),
)
COUNTRIES = (
    ("Netherlands", 0.87, 1.0),
    ("Belgium", 0.085, 0.7),
    ("Germany", 0.016, 0.4),
    ("United Kingdom", 0.007, 0.5),
    ("United States", 0.006, 0.3),
    ("France", 0.005, 0.4),
    ("Spain", 0.004, 0.5),
    ("Suriname", 0.003, 0.9),
)
DEVICES = (("Mobile", 0.61, 0.95), ("Desktop", 0.35, 1.1), ("Tablet", 0.04, 1.0))
APPEARANCES = (
    ("Product snippets", 0.05, 1.2),
    ("Merchant listings", 0.03, 1.1),
    ("Review snippet", 0.008, 1.5),
)


@dataclass
class SearchData:
    daily: pd.DataFrame  # date, clicks, impressions, position
    queries: pd.DataFrame  # value, clicks, impressions, position
    pages: pd.DataFrame
    countries: pd.DataFrame
    devices: pd.DataFrame
    appearances: pd.DataFrame
    gap_impressions: int
    gap_queries: list[str]


@overload
def ctr_at(position: float) -> float: ...
@overload
def ctr_at(position: np.ndarray) -> np.ndarray: ...
def ctr_at(position: float | np.ndarray) -> float | np.ndarray:
    return 0.32 * np.exp(-0.33 * (np.asarray(position, dtype=float) - 1))


def season(dates: pd.DatetimeIndex) -> np.ndarray:
    """Green-roof interest: a peak in mid-May, a trough in mid-November."""
    doy = dates.day_of_year.to_numpy()
    return 1 + 0.35 * np.cos(2 * np.pi * (doy - 135) / 365.25)


def _table(
    rng: np.random.Generator,
    names: list[str],
    weights: np.ndarray,
    positions: np.ndarray,
    total: int,
    ctr_boost: np.ndarray | None = None,
) -> pd.DataFrame:
    impressions = rng.multinomial(total, weights / weights.sum())
    ctr = ctr_at(positions) * (1 if ctr_boost is None else ctr_boost)
    clicks = rng.binomial(impressions, np.clip(ctr, 0, 0.9))
    pos = np.maximum(1.0, positions + rng.normal(0, 0.25, len(names)))
    frame = pd.DataFrame(
        {"value": names, "clicks": clicks, "impressions": impressions, "position": np.round(pos, 2)}
    )
    frame = frame[frame["impressions"] > 0]
    return frame.sort_values(["clicks", "impressions"], ascending=False, kind="stable")


def generate_search(period: Period, seed: int, domain: str) -> SearchData:
    rng = rng_for(seed, "search-console")
    dates = period.dates
    weekday = np.where(dates.day_of_week >= 5, 0.8, 1.05)
    impressions = np.round(
        4800 * season(dates) * weekday * rng.lognormal(0, 0.08, len(dates))
    ).astype(np.int64)
    q_weights = np.array([q[2] for q in QUERIES])
    q_pos = np.array([q[3] for q in QUERIES])
    boost = np.array([1.4 if q[1] == "merk" else 1.0 for q in QUERIES])
    mix_ctr = float((q_weights * np.clip(ctr_at(q_pos) * boost, 0, 0.9)).sum() / q_weights.sum())
    mix_pos = float((q_weights * q_pos).sum() / q_weights.sum())
    daily = pd.DataFrame(
        {
            "date": dates.date,
            "clicks": rng.binomial(impressions, mix_ctr),
            "impressions": impressions,
            "position": np.round(mix_pos + rng.normal(0, 0.6, len(dates)), 1),
        }
    )
    total = int(impressions.sum())
    queries = _table(rng, [q[0] for q in QUERIES], q_weights, q_pos, int(total * 0.82), boost)
    pages = _table(
        rng,
        [f"https://{domain}{p[0]}" for p in PAGES],
        np.array([p[1] for p in PAGES]),
        np.array([p[2] for p in PAGES]),
        total,
    )
    countries = _table(
        rng,
        [c[0] for c in COUNTRIES],
        np.array([c[1] for c in COUNTRIES]),
        np.full(len(COUNTRIES), mix_pos),
        total,
        np.array([c[2] for c in COUNTRIES]) * mix_ctr / ctr_at(mix_pos),
    )
    devices = _table(
        rng,
        [d[0] for d in DEVICES],
        np.array([d[1] for d in DEVICES]),
        np.full(len(DEVICES), mix_pos),
        total,
        np.array([d[2] for d in DEVICES]) * mix_ctr / ctr_at(mix_pos),
    )
    share = np.array([a[1] for a in APPEARANCES])
    appearances = _table(
        rng,
        [a[0] for a in APPEARANCES],
        share,
        np.full(len(share), 6.0),
        int(total * share.sum()),
        np.array([a[2] for a in APPEARANCES]),
    )
    gap = queries[queries["value"].str.contains(GAP_TOPIC)]
    return SearchData(
        daily,
        queries,
        pages,
        countries,
        devices,
        appearances,
        int(gap["impressions"].sum()),
        sorted(gap["value"].tolist()),
    )
