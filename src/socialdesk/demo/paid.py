"""Paid campaigns on Meta and Google whose daily results follow known response curves.

Each campaign's daily clicks follow a Hill curve of its daily spend,
    clicks(spend) = top · spend^s / (k^s + spend^s),
drawn as Poisson counts; purchases and conversions are binomial thinnings of the clicks, so
they follow the same curve with top · conversion rate. Awareness campaigns use the curve for
reach. The daily budget moves every one to two weeks between a quarter of k and three times
k, so the spend covers the bend of the curve and the curves can be fitted from the data.

Meta delivery is split over ad sets and ads by stable shares with daily noise; the campaign
sum is what follows the curve.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from socialdesk.demo.organisation import Period, rng_for


@dataclass(frozen=True)
class CampaignSpec:
    platform: str  # meta_ads | google_ads
    name: str  # may hold {year}
    objective: str
    result_type: str
    window: tuple[int, int, int] | None  # (month, day, length in days); None = the whole year
    top: tuple[float, float]  # range of the curve's top (clicks per day; reach for awareness)
    k: tuple[float, float]  # range of the half-saturation spend (EUR per day)
    conversion_rate: float | None  # purchases per click (None: results are the clicks)
    utm_campaign: str | None  # None: the ads' links carry no UTM tags
    ad_sets: tuple[tuple[str, tuple[str, ...]], ...] = ()
    bid_strategy: str = ""
    # what the demo's marketing plan (demo/plan.py) ties the campaign to, by its exact name
    plan: tuple[str, str | None, str | None] = ("omzet_webshop", "webshop", "tuinbezitters")
    planned_utm: str | None = None  # the tag the plan asks links to carry, when the ads lack it


CAMPAIGNS: tuple[CampaignSpec, ...] = (
    CampaignSpec(
        "meta_ads",
        "Webshop | Verkoop | Altijd aan",
        "Sales",
        "Website purchases",
        None,
        (220, 380),
        (35, 60),
        0.05,
        "webshop_altijd_aan",
        (
            ("Lookalike 1% kopers", ("Sedummat carrousel", "Insectenhotel video")),
            ("Retargeting bezoekers 30d", ("Zadenmix foto", "Kortingscode 10%")),
        ),
    ),
    CampaignSpec(
        "meta_ads",
        "Kerstactie webshop {year}",
        "Sales",
        "Website purchases",
        (11, 10, 45),
        (500, 900),
        (80, 140),
        0.06,
        "kerstactie_{year}",
        (("Cadeauzoekers NL 25-65", ("Kerst cadeaugids", "Insectenhotel kerst")),),
    ),
    CampaignSpec(
        "meta_ads",
        "Vrijwilligers werven | Voorjaar {year}",
        "Traffic",
        "Link clicks",
        (3, 1, 80),
        (450, 800),
        (40, 80),
        None,
        None,
        (
            ("Natuurliefhebbers 18-45", ("Vrijwilligersdag video", "Ans vertelt")),
            ("Studenten steden", ("Meedoen foto",)),
        ),
        plan=("aanmeldingen_voorjaar", "vrijwilligers", "natuurliefhebbers"),
        planned_utm="vrijwilligers_voorjaar_{year}",
    ),
    CampaignSpec(
        "meta_ads",
        "Dakendag {year} | Bekendheid",
        "Awareness",
        "Reach",
        (5, 1, 60),
        (8000, 14000),
        (50, 90),
        None,
        "dakendag_{year}",
        (("Randstad 25-65", ("Dakendag aankondiging", "Dakendag reel")),),
        plan=("bereik_dakendag", "dakendag", "tuinbezitters"),
    ),
    CampaignSpec(
        "meta_ads",
        "Donateurs werven | Najaar {year}",
        "Traffic",
        "Link clicks",
        (9, 1, 61),
        (300, 550),
        (45, 90),
        None,
        "donateurs_najaar_{year}",
        (("Betrokken buren 35+", ("Word donateur video", "Jaarverslag foto")),),
        plan=("donateurs_najaar", None, "betrokken_buren"),
    ),
    CampaignSpec(
        "google_ads",
        "Search - Merk",
        "Search",
        "Conversions",
        None,
        (110, 170),
        (15, 30),
        0.05,
        "Search - Merk",
        bid_strategy="Target impression share",
    ),
    CampaignSpec(
        "google_ads",
        "Search - Groene daken",
        "Search",
        "Conversions",
        None,
        (200, 320),
        (45, 80),
        0.02,
        "Search - Groene daken",
        bid_strategy="Maximise conversions",
        plan=("subsidie_uitleg", "tuintips", "tuinbezitters"),
    ),
    CampaignSpec(
        "google_ads",
        "Shopping - Webshop",
        "Shopping",
        "Conversions",
        None,
        (180, 300),
        (40, 70),
        0.03,
        "Shopping - Webshop",
        bid_strategy="Maximise Conversion Value",
    ),
)


@dataclass(frozen=True)
class Campaign:
    """One campaign of this seed: its curve, its days, its identifiers."""

    spec: CampaignSpec
    name: str
    campaign_id: str
    start: dt.date
    end: dt.date
    top: float
    k: float
    s: float
    utm_campaign: str | None

    def clicks_curve(self, spend: np.ndarray) -> np.ndarray:
        return hill(spend, self.top, self.k, self.s)

    @property
    def result_top(self) -> float:
        rate = self.spec.conversion_rate
        return self.top * rate if rate else self.top


def hill(spend: np.ndarray, top: float, k: float, s: float) -> np.ndarray:
    spend = np.asarray(spend, dtype=float)
    return top * spend**s / (k**s + spend**s)


def plan_campaigns(period: Period, seed: int) -> list[Campaign]:
    out = []
    for i, spec in enumerate(CAMPAIGNS):
        rng = rng_for(seed, f"campaign:{i}")
        if spec.window is None:
            start, end = period.start, period.end
        else:
            month, day, length = spec.window
            start = period.occurrence(month, day, length)
            end = start + dt.timedelta(days=length - 1)
        fmt = {"year": start.year}
        out.append(
            Campaign(
                spec,
                spec.name.format(**fmt),
                f"12021{rng.integers(10**12, 10**13)}",
                start,
                end,
                round(float(rng.uniform(*spec.top)), 2),
                round(float(rng.uniform(*spec.k)), 2),
                round(float(rng.uniform(0.9, 1.6)), 3),
                spec.utm_campaign.format(**fmt) if spec.utm_campaign else None,
            )
        )
    return out


def _budget_levels(camp: Campaign, n: int, rng: np.random.Generator) -> np.ndarray:
    levels = np.empty(n)
    i = 0
    while i < n:
        run = int(rng.integers(7, 15))
        levels[i : i + run] = camp.k * float(np.exp(rng.uniform(np.log(0.25), np.log(3.0))))
        i += run
    return np.round(levels, 0)


def campaign_days(camp: Campaign, seed: int) -> pd.DataFrame:
    """Campaign totals per day: budget, spend, impressions, reach, clicks, results, value."""
    rng = rng_for(seed, f"campaign-days:{camp.name}")
    dates = pd.date_range(camp.start, camp.end, freq="D")
    n = len(dates)
    budget = _budget_levels(camp, n, rng)
    spend = np.round(budget * rng.uniform(0.84, 1.02, n), 2)
    cpm = np.exp(rng.normal(np.log(6.5 if camp.spec.platform == "meta_ads" else 28.0), 0.15, n))
    impressions = np.maximum(1, np.round(spend / cpm * 1000)).astype(np.int64)
    frame = pd.DataFrame(
        {"date": dates.date, "budget": budget, "spend": spend, "impressions": impressions}
    )
    if camp.spec.result_type == "Reach":
        reach = rng.poisson(camp.clicks_curve(spend))
        frame["reach"] = reach
        frame["impressions"] = np.maximum(
            impressions, np.round(reach * rng.uniform(1.3, 1.7, n))
        ).astype(np.int64)
        frame["link_clicks"] = rng.binomial(frame["impressions"].to_numpy(), 0.003)
        frame["results"] = frame["reach"]
    else:
        clicks = rng.poisson(camp.clicks_curve(spend))
        frame["link_clicks"] = clicks
        frame["impressions"] = np.maximum(impressions, clicks * 8)
        frame["reach"] = np.round(frame["impressions"] / rng.uniform(1.2, 2.2, n)).astype(np.int64)
        rate = camp.spec.conversion_rate
        frame["results"] = rng.binomial(clicks, rate) if rate else clicks
    other_clicks = rng.binomial(frame["impressions"].to_numpy(), 0.004)
    frame["clicks_all"] = frame["link_clicks"] + other_clicks
    purchases = frame["results"] if camp.spec.conversion_rate else 0
    frame["conversion_value"] = np.round(purchases * rng.lognormal(np.log(42.0) - 0.02, 0.2, n), 2)
    return frame


def ad_rows(camp: Campaign, days: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Meta delivery per ad per day: the campaign's day split by the ads' shares."""
    rng = rng_for(seed, f"ads:{camp.name}")
    ads = [(aset, ad) for aset, names in camp.spec.ad_sets for ad in names]
    base = rng.dirichlet(np.full(len(ads), 4.0))
    set_ids = {aset: f"12021{rng.integers(10**12, 10**13)}" for aset, _ in camp.spec.ad_sets}
    ad_ids = [f"12021{rng.integers(10**12, 10**13)}" for _ in ads]
    parts = []
    for _, day in days.iterrows():
        share = rng.dirichlet(base * 60)
        row = {
            c: rng.multinomial(int(day[c]), share)
            for c in ("impressions", "link_clicks", "results", "clicks_all")
        }
        reach = np.minimum(rng.multinomial(int(day["reach"]), share), row["impressions"])
        if camp.spec.result_type == "Reach":
            reach = row["results"]
        spend = np.round(day["spend"] * share, 2)
        value = np.round(day["conversion_value"] * share, 2)
        for j, (aset, ad) in enumerate(ads):
            if spend[j] <= 0 and row["impressions"][j] == 0:
                continue
            parts.append(
                {
                    "date": day["date"],
                    "ad_set": aset,
                    "ad_set_id": set_ids[aset],
                    "ad": ad,
                    "ad_id": ad_ids[j],
                    "spend": float(spend[j]),
                    "impressions": int(row["impressions"][j]),
                    "reach": int(max(reach[j], 0)),
                    "link_clicks": int(row["link_clicks"][j]),
                    "results": int(row["results"][j]),
                    "clicks_all": int(row["clicks_all"][j]),
                    "conversion_value": float(value[j]),
                }
            )
    frame = pd.DataFrame(parts)
    frame["reach"] = np.where((frame["reach"] == 0) & (frame["impressions"] > 0), 1, frame["reach"])
    return frame
