"""GA4 sessions per day by source / medium / campaign, with webshop purchases and revenue.

Every stream of visits comes from something else the demo generated:
  google / organic      ≈ 90% of Search Console's clicks of the day (consent loss);
  social referrals      ≈ 85% of the day's link clicks from each platform's posts;
  facebook / paid_social, google / cpc
                        ≈ 80–90% of the ad campaigns' daily link clicks, under their UTM
                          campaign (Google's auto-tagging: the campaign name);
  (direct) / (none)     a base, plus the visits of the one Meta campaign whose ads carry no
                          UTM tags (the planted untagged campaign);
  nieuwsbrief / email   a spike after each monthly newsletter.
Purchases are binomial in sessions with a conversion rate per stream, higher in the
Christmas weeks; revenue is purchases times an average order value of about EUR 42.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from socialdesk.demo.organisation import Period, rng_for
from socialdesk.demo.paid import Campaign

SOCIAL_SOURCES = {
    "facebook": "l.facebook.com",
    "instagram": "l.instagram.com",
    "linkedin": "linkedin.com",
    "x": "t.co",
    "tiktok": "tiktok.com",
    "youtube": "youtube.com",
}
# stream kind -> (conversion rate, engaged share, new-user share)
RATES = {
    "organic": (0.012, 0.68, 0.75),
    "direct": (0.02, 0.6, 0.55),
    "social": (0.006, 0.45, 0.7),
    "paid_social_sales": (0.025, 0.4, 0.8),
    "paid_social": (0.003, 0.36, 0.82),
    "brand": (0.04, 0.7, 0.45),
    "search": (0.015, 0.62, 0.78),
    "shopping": (0.03, 0.6, 0.72),
    "email": (0.035, 0.72, 0.2),
    "referral": (0.01, 0.6, 0.7),
}
AOV = 42.0


@dataclass
class Stream:
    source: str
    medium: str
    campaign: str
    channel: str
    kind: str
    sessions: np.ndarray
    note: str = ""


@dataclass
class WebData:
    rows: pd.DataFrame
    untagged_sessions: int
    conversion_rates: dict[str, float] = field(default_factory=dict)


def shop_season(dates: pd.DatetimeIndex) -> np.ndarray:
    """Purchase propensity: Christmas weeks x1.5, spring planting x1.15."""
    md = dates.month * 100 + dates.day
    out = np.ones(len(dates))
    out[(md >= 1115) & (md <= 1220)] = 1.5
    out[(dates.month >= 4) & (dates.month <= 6)] = 1.15
    return out


def _on_days(period: Period, start: dt.date, values: np.ndarray) -> np.ndarray:
    out = np.zeros(len(period.dates), dtype=np.int64)
    offset = (start - period.start).days
    out[offset : offset + len(values)] = values
    return out


def _newsletter(period: Period, rng: np.random.Generator) -> np.ndarray:
    out = np.zeros(len(period.dates), dtype=np.int64)
    for first, _ in period.months():
        month_start = first.replace(day=1)
        send = month_start + dt.timedelta(days=(3 - month_start.weekday()) % 7)  # 1st Thursday
        offset = (send - period.start).days
        for lag, mean in enumerate((260, 90, 35, 15)):
            if 0 <= offset + lag < len(out):
                out[offset + lag] += rng.poisson(mean)
    return out


def streams(
    period: Period,
    seed: int,
    search_clicks: np.ndarray,
    site_clicks: dict[str, np.ndarray],
    campaigns: list[tuple[Campaign, pd.DataFrame]],
) -> tuple[list[Stream], int]:
    rng = rng_for(seed, "ga4-streams")
    n = len(period.dates)
    out = [
        Stream(
            "google",
            "organic",
            "(organic)",
            "Organic Search",
            "organic",
            rng.binomial(search_clicks, 0.9),
        ),
        Stream(
            "bing",
            "organic",
            "(organic)",
            "Organic Search",
            "organic",
            rng.poisson(search_clicks * 0.07),
        ),
    ]
    for platform, clicks in site_clicks.items():
        out.append(
            Stream(
                SOCIAL_SOURCES[platform],
                "referral",
                "(referral)",
                "Organic Social",
                "social",
                rng.binomial(clicks, 0.85) + rng.poisson(1.5, n),
            )
        )
    untagged = np.zeros(n, dtype=np.int64)
    for camp, days in campaigns:
        landed = _on_days(period, camp.start, rng.binomial(days["link_clicks"].to_numpy(), 0.85))
        if camp.utm_campaign is None:
            untagged += landed
        elif camp.spec.platform == "meta_ads":
            kind = "paid_social_sales" if camp.spec.conversion_rate else "paid_social"
            out.append(
                Stream("facebook", "paid_social", camp.utm_campaign, "Paid Social", kind, landed)
            )
        else:
            shopping = camp.spec.objective == "Shopping"
            kind = "shopping" if shopping else ("brand" if "Merk" in camp.name else "search")
            out.append(
                Stream(
                    "google",
                    "cpc",
                    camp.utm_campaign,
                    "Paid Shopping" if shopping else "Paid Search",
                    kind,
                    landed,
                )
            )
    out.append(
        Stream(
            "(direct)",
            "(none)",
            "(direct)",
            "Direct",
            "direct",
            rng.poisson(95 * shop_season(period.dates)),
        )
    )
    out.append(
        Stream("(direct)", "(none)", "(direct)", "Direct", "paid_social", untagged, note="untagged")
    )
    out.append(
        Stream("nieuwsbrief", "email", "nieuwsbrief", "Email", "email", _newsletter(period, rng))
    )
    out.append(
        Stream(
            "groendakennetwerk.nl",
            "referral",
            "(referral)",
            "Referral",
            "referral",
            rng.poisson(6, n),
        )
    )
    return out, int(untagged.sum())


def generate_web(
    period: Period,
    seed: int,
    search_clicks: np.ndarray,
    site_clicks: dict[str, np.ndarray],
    campaigns: list[tuple[Campaign, pd.DataFrame]],
) -> WebData:
    rng = rng_for(seed, "ga4")
    all_streams, untagged = streams(period, seed, search_clicks, site_clicks, campaigns)
    season = shop_season(period.dates)
    frames = []
    for st in all_streams:
        cr, engaged, new = RATES[st.kind]
        sessions = st.sessions.astype(np.int64)
        users = np.maximum(rng.binomial(sessions, 0.88), (sessions > 0).astype(np.int64))
        purchases = rng.binomial(sessions, np.clip(cr * season, 0, 1))
        noise = rng.lognormal(0, 0.35 / np.sqrt(np.maximum(purchases, 1)))
        frames.append(
            pd.DataFrame(
                {
                    "date": period.dates.date,
                    "source": st.source,
                    "medium": st.medium,
                    "campaign": st.campaign,
                    "channel": st.channel,
                    "sessions": sessions,
                    "engaged_sessions": rng.binomial(sessions, engaged),
                    "users": users,
                    "new_users": rng.binomial(users, new),
                    "key_events": purchases,
                    "revenue": np.round(purchases * AOV * noise, 2),
                }
            )
        )
    rows = pd.concat(frames, ignore_index=True)
    keys = ["date", "source", "medium", "campaign", "channel"]
    rows = rows.groupby(keys, sort=False, as_index=False).sum()  # direct = base + untagged
    rows = rows[rows["sessions"] > 0]
    rows = rows.sort_values(["date", "sessions"], ascending=[True, False], kind="stable")
    rates = {k: v[0] for k, v in RATES.items()}
    return WebData(rows.reset_index(drop=True), untagged, rates)
