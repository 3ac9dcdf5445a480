"""The whole seeded world of one demo: organic posts and days, campaigns, web and search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from socialdesk.demo.organic import (
    SPECS,
    PlatformEffects,
    daily_series,
    draw_effects,
    follower_path,
    generate_posts,
    snapshot,
)
from socialdesk.demo.organisation import DEFAULT_END, Organisation, Period, rng_for
from socialdesk.demo.paid import Campaign, ad_rows, campaign_days, plan_campaigns
from socialdesk.demo.search import SearchData, generate_search
from socialdesk.demo.web import WebData, generate_web


@dataclass
class World:
    org: Organisation
    period: Period
    seed: int
    effects: dict[str, PlatformEffects]
    posts: dict[str, pd.DataFrame]  # lifetime totals as exported (snapshot per post)
    days: dict[str, pd.DataFrame]  # account figures per day (index = day of the period)
    campaigns: list[tuple[Campaign, pd.DataFrame]]  # campaign, its totals per day
    meta_ads: dict[str, pd.DataFrame]  # campaign name -> delivery per ad per day
    search: SearchData
    web: WebData
    message_truth: dict[str, Any] | None = None  # filled when the inbox's comments are written


def generate_world(seed: int, end: dt.date = DEFAULT_END) -> World:
    org = Organisation()
    period = Period(end)
    n_days = len(period.dates)
    effects: dict[str, PlatformEffects] = {}
    posts: dict[str, pd.DataFrame] = {}
    days: dict[str, pd.DataFrame] = {}
    for spec in SPECS:
        rng = rng_for(seed, f"organic:{spec.platform}")
        eff = draw_effects(spec, rng)
        followers = follower_path(eff, n_days, rng)
        final = generate_posts(eff, period, org, followers["followers"].to_numpy(), rng)
        effects[spec.platform] = eff
        days[spec.platform] = daily_series(final, eff, followers, n_days, rng)
        posts[spec.platform] = snapshot(final, spec, period, rng)
    campaigns = [(camp, campaign_days(camp, seed)) for camp in plan_campaigns(period, seed)]
    meta_ads = {
        camp.name: ad_rows(camp, frame, seed)
        for camp, frame in campaigns
        if camp.spec.platform == "meta_ads"
    }
    search = generate_search(period, seed, org.domain)
    site_clicks = {p: d["site_clicks"].to_numpy() for p, d in days.items()}
    web = generate_web(period, seed, search.daily["clicks"].to_numpy(), site_clicks, campaigns)
    return World(org, period, seed, effects, posts, days, campaigns, meta_ads, search, web)


def increasing_ids(rng: np.random.Generator, n: int, start: int, step: int) -> list[str]:
    """Unique ids that grow with time, as platforms' ids do."""
    return [str(v) for v in start + np.cumsum(rng.integers(1, step, n))]
