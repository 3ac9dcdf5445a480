"""The true effects the demo used, for checking later analyses against (TRUTH.json and the
workspace fact "demo.truth").

Rate ratios are multiplicative, per exposed person (per unit of the platform's exposure
metric), relative to a reference level that has ratio 1. Hours are local wall-clock hours in
Europe/Amsterdam. Response curves give a campaign's expected daily results as a function of
its daily spend in EUR.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from socialdesk.demo.organic import CHURN, EXPOSURE_SIGMA, GAMMA_SHAPE, LANG_RATE, LANG_REACH
from socialdesk.demo.organisation import TIMEZONE
from socialdesk.demo.search import GAP_TOPIC
from socialdesk.demo.texts import TOPIC_MIX, TOPIC_WORDS, TOPICS
from socialdesk.demo.web import AOV
from socialdesk.demo.world import World
from socialdesk.demo.writers.base import ExportFile
from socialdesk.demo.writers.linkedin import CONTENT_TYPES
from socialdesk.demo.writers.meta import FB_TYPES, IG_TYPES

FACT_KEY = "demo.truth"
# The interaction kinds as the canonical post metrics they are stored under.
CANONICAL = {
    "reactions": "reactions",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
    "saves": "saves",
    "reposts": "shares",
    "replies": "comments",
}
# How each export names (or hides) the canonical media types.
MEDIA_LABELS: dict[str, dict[str, str]] = {
    "facebook": dict(FB_TYPES),
    "instagram": dict(IG_TYPES),
    "linkedin": dict(CONTENT_TYPES),
    "x": {
        m: "not in the export" + (" (text ends with a t.co link)" if m != "text" else "")
        for m in ("text", "photo", "video", "link")
    },
    "tiktok": {"video": "every post is a video"},
    "youtube": {"video": "a video longer than 60 s", "reel": "a Short: 60 s or less"},
}
# The follower figures each platform's exports give per day (what the overview can show):
# a count (the followers on the day), followers gained, followers lost.
FOLLOWER_FIGURES: dict[str, list[str]] = {
    "facebook": ["count", "gained", "lost"],  # Business Suite insights
    "instagram": ["count", "gained", "lost"],  # Business Suite insights
    "linkedin": ["gained"],  # the followers export: new followers only
    "x": ["gained", "lost"],  # the account overview
    "tiktok": ["count"],  # FollowerHistory (its day-to-day difference is not stored)
    "youtube": ["gained", "lost"],  # Studio Totals with the chart on subscribers
}
HILL = "results = top * spend^s / (k^s + spend^s), spend in EUR per day"


def _r(value: float, places: int = 6) -> float:
    return round(float(value), places)


def stored_handle(platform: str, name: str, stored: dict[str, list[str]]) -> str:
    """The handle the importers stored an account under (the file may name it differently)."""
    found = stored.get(platform, [])
    for handle in found:
        if handle.casefold() == name.casefold():
            return handle
    return found[0] if len(found) == 1 else name


def _organic(world: World, stored: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for platform, eff in world.effects.items():
        spec = eff.spec
        followers = world.days[platform]["followers"]
        posts = world.posts[platform]
        out[platform] = {
            "account": stored_handle(platform, world.org.handle(platform), stored),
            "posts": len(posts),
            "exposure_metric": spec.exposure,
            "interactions": {
                "file_columns": list(spec.split),
                "canonical": sorted({CANONICAL[k] for k in spec.split}),
            },
            "model": "interactions ~ Poisson(exposure * base_rate * RR[media] * RR[topic] * "
            "RR[hour] * RR[language] * Gamma(shape, 1/shape))",
            "base_rate": spec.base_rate,
            "reference_media_type": spec.reference,
            "media_type_labels": MEDIA_LABELS[platform],
            "media_types": posts["media_type"].value_counts().sort_index().to_dict(),
            "media_type_rate_ratio": eff.rate_ratio,
            "media_type_reach_multiplier": eff.reach_multiplier,
            "reference_topic": "nieuws",
            "topic_rate_ratio": eff.topic_rate_ratio,
            "language": {
                "reference": "nl",
                "rate_ratio": LANG_RATE,
                "reach_multiplier": LANG_REACH,
            },
            "best_hours": [eff.best_hour],
            "hour_rate_ratio": {str(h): _r(eff.hour_rate_ratio(h), 4) for h in range(24)},
            "noise": {"exposure_lognormal_sigma": EXPOSURE_SIGMA, "rate_gamma_shape": GAMMA_SHAPE},
            "followers": {
                "start": int(spec.followers),
                "end": int(followers.iloc[-1]),
                "gained": int(world.days[platform]["followers_gained"].sum()),
                "lost": int(world.days[platform]["followers_lost"].sum()),
                "exports_give": FOLLOWER_FIGURES[platform],
                "daily_growth_rate": eff.growth,
                "monthly_growth_rate": _r((1 + eff.growth) ** (365.25 / 12) - 1),
                "daily_churn_rate": CHURN,
            },
            "half_life_days": spec.half_life,
            "snapshot": "lifetime totals as of the export's download day; posts published "
            "shortly before it show only what they had gathered by then",
        }
    return out


def _campaigns(world: World) -> list[dict[str, Any]]:
    out = []
    for camp, days in world.campaigns:
        spend = days["spend"]
        utm = camp.utm_campaign
        if utm is None:
            ga4 = {
                "source": "(direct)",
                "medium": "(none)",
                "campaign": "(direct)",
                "untagged": True,
            }
        elif camp.spec.platform == "meta_ads":
            ga4 = {"source": "facebook", "medium": "paid_social", "campaign": utm}
        else:
            ga4 = {"source": "google", "medium": "cpc", "campaign": utm}
        out.append(
            {
                "platform": camp.spec.platform,
                "name": camp.name,
                "campaign_id": camp.campaign_id if camp.spec.platform == "meta_ads" else None,
                "objective": camp.spec.objective,
                "result_type": camp.spec.result_type,
                "start": camp.start.isoformat(),
                "end": camp.end.isoformat(),
                "response_curve": {
                    "form": HILL,
                    "top": _r(camp.result_top, 4),
                    "k": camp.k,
                    "s": camp.s,
                    "noise": "Poisson clicks, binomial conversions",
                },
                "clicks_curve": {"top": camp.top, "k": camp.k, "s": camp.s}
                if camp.spec.conversion_rate
                else None,
                "conversion_rate": camp.spec.conversion_rate,
                "spend": {
                    "total": _r(spend.sum(), 2),
                    "min_day": _r(spend.min(), 2),
                    "max_day": _r(spend.max(), 2),
                    "days": len(days),
                },
                "ga4": ga4,
            }
        )
    return out


def build_truth(
    world: World,
    files: Sequence[ExportFile],
    exports: Path,
    stored_accounts: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The truth of `world`; `stored_accounts` are the accounts the import created (platform
    -> handles), which is where a later analysis finds the data."""
    untagged = next(c for c, _ in world.campaigns if c.utm_campaign is None)
    search = world.search
    covering = sum(
        int(p["text"].str.contains(GAP_TOPIC, case=False).sum()) for p in world.posts.values()
    )
    return {
        "version": 1,
        "organisation": {
            "name": world.org.name,
            "domain": world.org.domain,
            "seed": world.seed,
            "start": world.period.start.isoformat(),
            "end": world.period.end.isoformat(),
            "timezone": TIMEZONE,
            "names": dict(world.org.handles),
            "accounts_in_store": stored_accounts or {},
        },
        "topics": {
            "mix": dict(zip(TOPICS, TOPIC_MIX, strict=True)),
            "markers": {t: list(w) for t, w in TOPIC_WORDS.items()},
        },
        "organic": _organic(world, stored_accounts or {}),
        "campaigns": _campaigns(world),
        "web": {
            "conversion_rates": world.web.conversion_rates,
            "average_order_value": AOV,
            "key_event": "purchase",
        },
        "planted": {
            "uncovered_search_topic": {
                "topic": GAP_TOPIC,
                "queries": search.gap_queries,
                "impressions": search.gap_impressions,
                "share_of_query_impressions": _r(
                    search.gap_impressions / max(1, int(search.queries["impressions"].sum())), 4
                ),
                "posts_covering_it": covering,
            },
            "untagged_campaign": {
                "platform": untagged.spec.platform,
                "campaign": untagged.name,
                "start": untagged.start.isoformat(),
                "end": untagged.end.isoformat(),
                "ga4_source_medium": "(direct) / (none)",
                "sessions": world.web.untagged_sessions,
            },
        },
        "inbox": None,  # comments and messages arrive with the inbox issue
        "files": [
            {
                "path": f.path.relative_to(exports).as_posix(),
                "platform": f.platform,
                "as_of": f.as_of.isoformat(),
                "account": f.account,
            }
            for f in files
        ],
    }


def dumps(truth: dict[str, Any]) -> str:
    return json.dumps(truth, indent=2, ensure_ascii=False, default=_plain) + "\n"


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON: {value!r}")
