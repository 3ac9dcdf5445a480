"""The demo organisation's marketing plan, written next to its exports as plan.yaml.

Its `campaigns` section names the demo's ad campaigns exactly as the ad exports do: both come
from paid.CAMPAIGNS (each spec's `plan` tie), resolved for the demo year by plan_campaigns.
So once the plan is imported (`socialdesk plan import exports/plan.yaml`), every objective is
served by real campaigns and the coverage counts their spend per objective, audience and
pillar. The link rules allow the UTM campaigns the ads use (plus the tag the plan asks for
on the planted untagged campaign). Targets are the plan's own round numbers, not results.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from socialdesk.demo.organisation import Organisation, Period
from socialdesk.demo.paid import Campaign

KEY = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")  # a UTM value as the plan's link rules take it


def _obj(
    key: str,
    name: str,
    _goal_key: str,
    metric: str,
    target: int,
    due: dt.date,
    audiences: tuple[str, ...],
    channels: tuple[str, ...],
    kpis: tuple[str, ...],
    *,
    start: dt.date,
    unit: str,
    platform: str | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "metric": metric,
        "target": target,
        "start": start.isoformat(),
        "due": due.isoformat(),
        "unit": unit,
        **({"platform": platform} if platform else {}),
        "audiences": list(audiences),
        "channels": list(channels),
        "kpis": list(kpis),
    }


def _goal(key: str, name: str, objectives: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    return {"key": key, "name": name, "objectives": list(objectives)}


def _named(key: str, name: str, **rest: Any) -> dict[str, Any]:
    return {"key": key, "name": name, **{k: list(v) for k, v in rest.items()}}


FILE_NAME = "plan.yaml"


def _end_of(campaigns: list[Campaign], objective: str, fallback: dt.date) -> dt.date:
    ends = [c.end for c in campaigns if c.spec.plan[0] == objective]
    return max(ends) if ends else fallback


def _start_of(campaigns: list[Campaign], objective: str, fallback: dt.date) -> dt.date:
    starts = [c.start for c in campaigns if c.spec.plan[0] == objective]
    return min(starts) if starts else fallback


def demo_plan(org: Organisation, period: Period, campaigns: list[Campaign]) -> dict[str, Any]:
    """The plan document of the demo year (the layout of `socialdesk plan import`); its
    campaigns are `campaigns` (paid.plan_campaigns). The demo does not import marketing."""
    end = period.end
    keys = ("aanmeldingen_voorjaar", "bereik_dakendag", "donateurs_najaar")
    due = {key: _end_of(campaigns, key, end) for key in keys}
    # each objective counts from its campaign's start; the year's from 1 January
    start = {key: _start_of(campaigns, key, period.start) for key in keys}
    year_start = dt.date(end.year, 1, 1)
    goals = (
        _goal(
            "meer_vrijwilligers",
            "Meer vrijwilligers",
            (
                _obj(
                    "aanmeldingen_voorjaar",
                    "600 aanmeldingen voor de vrijwilligersdagen",
                    "meer_vrijwilligers",
                    "conversions",
                    600,
                    due["aanmeldingen_voorjaar"],
                    ("natuurliefhebbers",),
                    ("instagram", "facebook", "tiktok", "meta_ads"),
                    ("link_clicks", "sessions"),
                    start=start["aanmeldingen_voorjaar"],
                    unit="aanmeldingen",
                ),
            ),
        ),
        _goal(
            "webshop",
            "Webshop groeit",
            (
                _obj(
                    "omzet_webshop",
                    f"3.000 bestellingen in {end.year}",
                    "webshop",
                    "conversions",
                    3000,
                    dt.date(end.year, 12, 31),
                    ("tuinbezitters",),
                    ("facebook", "instagram", "meta_ads", "google_ads"),
                    ("sessions", "conversions", "conversion_value"),
                    start=year_start,
                    unit="bestellingen",
                ),
                _obj(
                    "subsidie_uitleg",
                    f"450.000 bezoeken aan de website in {end.year}",
                    "webshop",
                    "sessions",
                    450000,
                    dt.date(end.year, 12, 31),
                    ("tuinbezitters",),
                    ("website", "seo", "sea", "google_ads"),
                    ("sessions",),
                    start=year_start,
                    unit="bezoeken",
                ),
            ),
        ),
        _goal(
            "bekendheid",
            "Groene daken bekend maken",
            (
                _obj(
                    "bereik_dakendag",
                    "350.000 mensen bereikt rond de Dakendag",
                    "bekendheid",
                    "reach",
                    350000,
                    due["bereik_dakendag"],
                    ("tuinbezitters",),
                    ("facebook", "instagram", "meta_ads"),
                    ("reach", "impressions"),
                    start=start["bereik_dakendag"],
                    unit="mensen bereikt",
                ),
                _obj(
                    "donateurs_najaar",
                    "20.000 klikken naar de donateurspagina in het najaar",
                    "bekendheid",
                    "link_clicks",
                    20000,
                    due["donateurs_najaar"],
                    ("betrokken_buren",),
                    ("facebook", "meta_ads"),
                    ("link_clicks", "sessions"),
                    start=start["donateurs_najaar"],
                    unit="klikken",
                    platform="meta_ads",
                ),
            ),
        ),
    )
    audiences = (
        _named(
            "natuurliefhebbers",
            "Natuurliefhebbers 18-45",
            platforms=("instagram", "tiktok"),
            interests=("natuur", "vrijwilligerswerk"),
        ),
        _named(
            "tuinbezitters",
            "Huiseigenaren met een plat dak",
            platforms=("facebook", "instagram"),
            interests=("tuin", "duurzaam wonen"),
        ),
        _named(
            "betrokken_buren",
            "Betrokken buren 35+",
            platforms=("facebook",),
            interests=("buurt", "goede doelen"),
        ),
    )
    pillars = (
        _named(
            "vrijwilligers",
            "Vrijwilligers aan het werk",
            keywords=("#vrijwilligers", "vrijwilliger"),
            objectives=("aanmeldingen_voorjaar",),
        ),
        _named("webshop", "Uit de webshop", keywords=("#webshop",), objectives=("omzet_webshop",)),
        _named("tuintips", "Tuintips", keywords=("#tuintips",)),
        _named(
            "dakendag",
            "Dakendag",
            keywords=("#evenement", "dakendag"),
            objectives=("bereik_dakendag",),
        ),
    )
    ties = [
        {
            "name": c.name,
            "objective": c.spec.plan[0],
            "pillar": c.spec.plan[1],
            "audience": c.spec.plan[2],
        }
        for c in campaigns
    ]
    tags = [c.utm_campaign for c in campaigns if c.utm_campaign]
    tags += [c.spec.planned_utm.format(year=c.start.year) for c in campaigns if c.spec.planned_utm]
    links = {
        "sources": ["facebook", "instagram", "linkedin", "tiktok", "youtube", "x", "nieuwsbrief"],
        "mediums": ["social", "paid_social", "email", "cpc"],
        "campaigns": sorted({t for t in tags if KEY.match(t)}),
    }
    return {
        "name": f"{org.name} {end.year}",
        "goals": list(goals),
        "audiences": list(audiences),
        "pillars": list(pillars),
        "campaigns": ties,
        "links": links,
    }


def plan_yaml(org: Organisation, period: Period, campaigns: list[Campaign], seed: int) -> str:
    head = (
        f"# The marketing plan of the socialdesk demo (seed {seed}, {period.start} to "
        f"{period.end}).\n# Import it with: socialdesk plan import exports/{FILE_NAME}\n"
    )
    doc = demo_plan(org, period, campaigns)
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
