"""Organic posts and account days, drawn from count models whose effects are known.

For a post p on platform P:
  exposure_p   ~ Poisson(followers(t) · share_P · reach_P[media] · reach[lang] · LogNormal)
  interactions ~ Poisson(exposure_p · base_P · RR_P[media] · RR_P[topic] · RR_P(hour)
                         · RR[lang] · G)
with G ~ Gamma(k, 1/k) shared by the post's interaction kinds (likes, comments, shares…), so
each kind, and their sum, has the same rate ratios per exposed person. `exposure` is the
platform's own measure of people reached (Facebook/Instagram reach, LinkedIn/X impressions,
TikTok/YouTube views). Rate ratios are relative to the reference media type, the reference
topic, an off-peak hour and Dutch.

A post's figures arrive over days with a geometric decay (half-life per platform); daily
account figures are the sum of what all posts brought that day plus a back-catalogue base.
Exports show lifetime totals as of their download day, so a post published close to that
day shows only what it had gathered by then (binomial thinning).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import overload

import numpy as np
import pandas as pd

from socialdesk.demo.organisation import Organisation, Period, export_date
from socialdesk.demo.texts import TOPIC_MIX, TOPICS, caption, video_title

LAG_DAYS = 60
CHURN = 0.0004  # share of followers lost per day (gains cover it plus growth)
EXPOSURE_SIGMA = 0.45
GAMMA_SHAPE = 6.0
LANG_REACH = {"nl": 1.0, "en": 0.75}
LANG_RATE = {"nl": 1.0, "en": 0.9}
TOPIC_RATE = {
    "nieuws": 1.0,
    "vrijwilligers": 1.35,
    "klimaat": 1.05,
    "webshop": 0.8,
    "evenement": 1.2,
    "biodiversiteit": 1.3,
    "tuintips": 1.15,
}
POST_HOURS = np.arange(7, 23)
HOUR_WEIGHTS = np.array([3, 5, 6, 6, 6, 5, 6, 5, 5, 5, 4, 5, 6, 6, 5, 4], dtype=float)


@dataclass(frozen=True)
class PlatformSpec:
    """The organic behaviour of one platform before the seed's own variation."""

    platform: str
    posts: int
    media_mix: dict[str, float]
    reach_multiplier: dict[str, float]
    rate_ratio: dict[str, float]
    reference: str
    exposure: str
    exposure_share: float
    base_rate: float
    split: dict[str, float]
    best_hour: int
    hour_uplift: float
    followers: int
    growth: float
    half_life: float
    site_click_rate: dict[str, float]
    extras: dict[str, tuple[float, tuple[str, ...]]] = field(default_factory=dict)
    baseline_share: float = 0.0
    english: float = 0.2


SPECS: tuple[PlatformSpec, ...] = (
    PlatformSpec(
        "facebook",
        250,
        {"photo": 0.38, "video": 0.12, "reel": 0.15, "link": 0.22, "text": 0.13},
        {"photo": 1.0, "video": 1.3, "reel": 2.2, "link": 0.65, "text": 1.8},
        {"photo": 1.0, "video": 0.85, "reel": 0.75, "link": 0.5, "text": 0.8},
        "photo",
        "reach",
        0.22,
        0.035,
        {"reactions": 0.74, "comments": 0.12, "shares": 0.14},
        19,
        0.55,
        12400,
        0.0005,
        0.8,
        {"link": 0.018, "photo": 0.001, "video": 0.001, "reel": 0.0005, "text": 0.0008},
        {
            "repeat_views": (0.3, ()),
            "photo_clicks": (0.025, ("photo",)),
            "other_clicks": (0.012, ()),
            "negative_feedback": (0.0006, ()),
        },
    ),
    PlatformSpec(
        "instagram",
        220,
        {"photo": 0.35, "carousel": 0.3, "reel": 0.35},
        {"photo": 1.0, "carousel": 1.15, "reel": 2.5},
        {"photo": 1.0, "carousel": 1.35, "reel": 0.8},
        "photo",
        "reach",
        0.3,
        0.05,
        {"likes": 0.8, "comments": 0.05, "shares": 0.06, "saves": 0.09},
        20,
        0.5,
        8600,
        0.0009,
        1.0,
        {"photo": 0.0004, "carousel": 0.0005, "reel": 0.0003},
        {"repeat_views": (0.45, ()), "follows": (0.0015, ()), "profile_visits": (0.006, ())},
    ),
    PlatformSpec(
        "linkedin",
        150,
        {"photo": 0.42, "video": 0.1, "text": 0.15, "link": 0.23, "carousel": 0.1},
        {"photo": 1.0, "video": 0.9, "text": 1.1, "link": 0.7, "carousel": 1.4},
        {"photo": 1.0, "video": 0.8, "text": 1.1, "link": 0.6, "carousel": 1.5},
        "photo",
        "impressions",
        0.35,
        0.025,
        {"likes": 0.8, "comments": 0.1, "reposts": 0.1},
        8,
        0.6,
        3100,
        0.0011,
        1.5,
        {"link": 0.012, "photo": 0.0015, "video": 0.001, "text": 0.001, "carousel": 0.002},
        {"other_clicks": (0.01, ()), "video_views": (0.35, ("video",))},
        baseline_share=0.004,
    ),
    PlatformSpec(
        "x",
        320,
        {"text": 0.35, "photo": 0.33, "video": 0.1, "link": 0.22},
        {"text": 1.0, "photo": 1.1, "video": 1.2, "link": 0.8},
        {"text": 1.0, "photo": 1.3, "video": 1.2, "link": 0.7},
        "text",
        "impressions",
        0.14,
        0.012,
        {"likes": 0.7, "reposts": 0.18, "replies": 0.12},
        12,
        0.45,
        5200,
        0.0002,
        0.3,
        {"link": 0.01, "text": 0.0008, "photo": 0.0008, "video": 0.0006},
        {
            "bookmarks": (0.002, ()),
            "profile_clicks": (0.004, ()),
            "hashtag_clicks": (0.001, ()),
            "detail_expands": (0.008, ()),
            "permalink_clicks": (0.001, ()),
            "follows": (0.0003, ()),
            "media_views": (0.05, ("photo", "video")),
            "media_engagements": (0.01, ("photo", "video")),
        },
        baseline_share=0.002,
    ),
    PlatformSpec(
        "tiktok",
        150,
        {"video": 1.0},
        {"video": 1.0},
        {"video": 1.0},
        "video",
        "views",
        1.1,
        0.06,
        {"likes": 0.85, "comments": 0.05, "shares": 0.1},
        21,
        0.5,
        2100,
        0.004,
        2.0,
        {"video": 0.0004},
        {},
        baseline_share=0.03,
        english=0.1,
    ),
    PlatformSpec(
        "youtube",
        80,
        {"video": 0.6, "reel": 0.4},
        {"video": 1.0, "reel": 2.0},
        {"video": 1.0, "reel": 0.7},
        "video",
        "views",
        0.4,
        0.04,
        {"likes": 0.85, "comments": 0.1, "shares": 0.05},
        17,
        0.4,
        1450,
        0.0015,
        7.0,
        {"video": 0.003, "reel": 0.0005},
        {"subscribers": (0.004, ())},
        baseline_share=0.02,
        english=0.15,
    ),
)
SPEC_BY_PLATFORM = {s.platform: s for s in SPECS}


@dataclass(frozen=True)
class PlatformEffects:
    """The true effects of one platform for one seed (what TRUTH.json records)."""

    spec: PlatformSpec
    rate_ratio: dict[str, float]
    reach_multiplier: dict[str, float]
    topic_rate_ratio: dict[str, float]
    best_hour: int
    hour_uplift: float
    growth: float

    @overload
    def hour_rate_ratio(self, hour: int) -> float: ...
    @overload
    def hour_rate_ratio(self, hour: np.ndarray) -> np.ndarray: ...
    def hour_rate_ratio(self, hour: np.ndarray | int) -> np.ndarray | float:
        """1 off-peak, 1 + uplift at the best hour, a bell of width 1.5 h around it."""
        distance = np.minimum(
            np.abs(np.asarray(hour) - self.best_hour),
            24 - np.abs(np.asarray(hour) - self.best_hour),
        )
        return 1.0 + self.hour_uplift * np.exp(-0.5 * (distance / 1.5) ** 2)


def draw_effects(spec: PlatformSpec, rng: np.random.Generator) -> PlatformEffects:
    """The seed's own variation of a platform's effects (reference levels stay 1)."""
    rr = {
        m: 1.0 if m == spec.reference else round(v * float(np.exp(rng.normal(0, 0.08))), 4)
        for m, v in spec.rate_ratio.items()
    }
    reach = {
        m: round(v * float(np.exp(rng.normal(0, 0.05))), 4) if m != spec.reference else 1.0
        for m, v in spec.reach_multiplier.items()
    }
    topics = {
        t: 1.0 if t == "nieuws" else round(v * float(np.exp(rng.normal(0, 0.06))), 4)
        for t, v in TOPIC_RATE.items()
    }
    return PlatformEffects(
        spec,
        rr,
        reach,
        topics,
        best_hour=int(np.clip(spec.best_hour + rng.integers(-1, 2), 8, 21)),
        hour_uplift=round(spec.hour_uplift * float(np.exp(rng.normal(0, 0.1))), 4),
        growth=round(spec.growth * float(np.exp(rng.normal(0, 0.15))), 6),
    )


def follower_path(eff: PlatformEffects, n_days: int, rng: np.random.Generator) -> pd.DataFrame:
    """Followers at the end of each day, with the day's gains and losses."""
    followers = np.empty(n_days, dtype=np.int64)
    gained = np.empty(n_days, dtype=np.int64)
    lost = np.empty(n_days, dtype=np.int64)
    current = eff.spec.followers
    for d in range(n_days):
        gained[d] = rng.poisson(current * (eff.growth + CHURN))
        lost[d] = rng.poisson(current * CHURN)
        current = current + gained[d] - lost[d]
        followers[d] = current
    return pd.DataFrame(
        {"followers": followers, "followers_gained": gained, "followers_lost": lost}
    )


def decay_weights(half_life: float) -> np.ndarray:
    q = 0.5 ** (1.0 / half_life)
    w = (1 - q) * q ** np.arange(LAG_DAYS)
    return w / w.sum()


def _poisson_lognormal(rng: np.random.Generator, mean: np.ndarray, sigma: float) -> np.ndarray:
    return rng.poisson(mean * rng.lognormal(-(sigma**2) / 2, sigma, len(mean)))


def _schedule(spec: PlatformSpec, period: Period, rng: np.random.Generator) -> pd.DataFrame:
    """When and what: day, hour, minute, media type, topic, language of every post."""
    dates = period.dates
    weights = np.where(dates.day_of_week >= 5, 0.45, 1.0)
    n = int(rng.poisson(spec.posts))
    day = np.sort(rng.choice(len(dates), size=n, p=weights / weights.sum()))
    media = list(spec.media_mix)
    frame = pd.DataFrame(
        {
            "day": day,
            "hour": rng.choice(POST_HOURS, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum()),
            "minute": rng.integers(0, 60, size=n),
            "media_type": rng.choice(media, size=n, p=np.array(list(spec.media_mix.values()))),
            "topic": rng.choice(TOPICS, size=n, p=np.array(TOPIC_MIX)),
            "language": np.where(rng.random(n) < spec.english, "en", "nl"),
        }
    )
    frame["published_at"] = [
        dt.datetime.combine(period.day(d), dt.time(int(h), int(m)))
        for d, h, m in zip(frame["day"], frame["hour"], frame["minute"], strict=True)
    ]
    return frame.sort_values(["published_at"], kind="stable").reset_index(drop=True)


def _texts(frame: pd.DataFrame, platform: str, org: Organisation, rng: np.random.Generator) -> None:
    short = platform in ("x", "tiktok")
    frame["text"] = [
        caption(rng, t, lang, org.domain, short=short, link=m == "link" and platform != "x")
        for t, lang, m in zip(frame["topic"], frame["language"], frame["media_type"], strict=True)
    ]
    if platform == "youtube":
        frame["title"] = [
            video_title(rng, t, lang)
            for t, lang in zip(frame["topic"], frame["language"], strict=True)
        ]
    n = len(frame)
    media = frame["media_type"].to_numpy()
    long_video = (media == "video") & (platform == "youtube")
    duration = np.where(media == "reel", rng.integers(8, 60, n), rng.integers(20, 180, n))
    duration = np.where(long_video, rng.integers(180, 900, n), duration)
    duration = np.where(platform == "tiktok", rng.integers(9, 75, n), duration)
    frame["duration"] = np.where(np.isin(media, ("video", "reel")), duration, 0)


def generate_posts(
    eff: PlatformEffects,
    period: Period,
    org: Organisation,
    followers: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Every post of one platform with its final (fully accrued) counts."""
    spec = eff.spec
    frame = _schedule(spec, period, rng)
    _texts(frame, spec.platform, org, rng)
    media = frame["media_type"]
    lang = frame["language"]
    mean = (
        followers[frame["day"].to_numpy()]
        * spec.exposure_share
        * media.map(eff.reach_multiplier).to_numpy()
        * lang.map(LANG_REACH).to_numpy()
    )
    exposure = _poisson_lognormal(rng, mean, EXPOSURE_SIGMA)
    frame["exposure"] = exposure
    rate = (
        spec.base_rate
        * media.map(eff.rate_ratio).to_numpy()
        * frame["topic"].map(eff.topic_rate_ratio).to_numpy()
        * eff.hour_rate_ratio(frame["hour"].to_numpy())
        * lang.map(LANG_RATE).to_numpy()
        * rng.gamma(GAMMA_SHAPE, 1 / GAMMA_SHAPE, len(frame))
    )
    for kind, share in spec.split.items():
        frame[kind] = rng.poisson(exposure * rate * share)
    frame["interactions"] = frame[list(spec.split)].sum(axis=1)
    frame["site_clicks"] = rng.poisson(exposure * media.map(spec.site_click_rate).to_numpy())
    for name, (rate_x, only) in spec.extras.items():
        allowed = media.isin(only).to_numpy() if only else np.ones(len(frame), bool)
        frame[name] = np.where(allowed, rng.poisson(exposure * rate_x), 0)
    return frame


def snapshot(
    posts: pd.DataFrame, spec: PlatformSpec, period: Period, rng: np.random.Generator
) -> pd.DataFrame:
    """Lifetime totals as the export on each post's download day shows them."""
    out = posts.copy()
    published = [period.day(d) for d in out["day"]]
    as_of = [export_date(spec.platform, p, period) for p in published]
    age = np.array([(a - p).days for a, p in zip(as_of, published, strict=True)])
    q = 0.5 ** (1.0 / spec.half_life)
    accrued = np.clip(1 - q ** (age + 1), 0, 1)
    out["as_of"] = as_of
    out["accrued"] = accrued
    for col in count_columns(spec):
        out[col] = rng.binomial(out[col].to_numpy(), accrued)
    out["interactions"] = out[list(spec.split)].sum(axis=1)
    return out


def count_columns(spec: PlatformSpec) -> list[str]:
    return ["exposure", *spec.split, "site_clicks", *spec.extras]


def daily_series(
    posts: pd.DataFrame,
    eff: PlatformEffects,
    followers: pd.DataFrame,
    n_days: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Account figures per day: each post's final counts spread over the days after it."""
    spec = eff.spec
    weights = decay_weights(spec.half_life)
    out = followers.copy()
    days = posts["day"].to_numpy()
    for col in count_columns(spec):
        grid = np.zeros(n_days + LAG_DAYS, dtype=np.int64)
        totals = posts[col].to_numpy().astype(np.int64)
        if len(totals):
            spread = rng.multinomial(totals, weights)
            index = days[:, None] + np.arange(LAG_DAYS)[None, :]
            np.add.at(grid, index.ravel(), spread.ravel())
        out[col] = grid[:n_days]
    base = rng.poisson(followers["followers"].to_numpy() * spec.baseline_share)
    out["exposure"] = out["exposure"] + base
    out["posts_published"] = np.bincount(days, minlength=n_days)[:n_days]
    return out
