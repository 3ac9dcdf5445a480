"""What social brings to the site (GA4), and campaigns whose visits arrive untagged.

Contribution. Every GA4 row with a session source / medium is read as one platform (the
source: "l.facebook.com", "fb", "facebook" are all Facebook) and as organic or paid (GA4's own
rule: a medium matching cp*, ppc, retargeting or paid* is paid; the row's default channel
group wins where the export has it). Per platform, per campaign and per pillar the report
gives sessions, engaged sessions, key events (conversions) and revenue, and their share of the
site's totals: counted figures, not estimates. The conversion rate per session carries an exact
Poisson interval (a session may hold more than one key event).

Untagged campaigns. An ad campaign whose link clicks show up under no GA4 campaign is
probably sending visitors through links without UTM tags. A GA4 campaign value matches an ad
campaign when most of its words are words of the campaign's name ("kerstactie_2025" and
"Kerstactie webshop 2025"; Google Ads' auto-tagging gives the name itself) and at least half
of its days with sessions fall in the campaign's days. For a campaign nothing matches, the
daily sessions of each candidate landing ((direct) / (none), and the platform's referral
sources) are regressed on the campaign's daily link clicks with month and weekday effects
(OLS, Newey–West errors): the slope is the sessions one link click brings, with its interval.
A slope whose interval stays above zero says where the visits went.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from socialdesk.estimates import Estimate

LEVEL = 0.95
MIN_DAYS = 28
MIN_CLICKS = 200
SOCIAL_SOURCES: dict[str, tuple[str, ...]] = {
    "facebook": (
        "facebook",
        "fb",
        "l.facebook.com",
        "m.facebook.com",
        "lm.facebook.com",
        "facebook.com",
        "web.facebook.com",
        "business.facebook.com",
    ),
    "instagram": ("instagram", "ig", "l.instagram.com", "instagram.com"),
    "linkedin": ("linkedin", "linkedin.com", "lnkd.in", "lnkd", "linkedin_ads"),
    "x": ("x", "t.co", "twitter", "twitter.com", "x.com"),
    "tiktok": ("tiktok", "tiktok.com", "vm.tiktok.com"),
    "youtube": ("youtube", "youtube.com", "m.youtube.com", "yt"),
    "pinterest": ("pinterest", "pinterest.com", "pin.it"),
    "threads": ("threads", "threads.net"),
    "bluesky": ("bluesky", "bsky.app"),
    "mastodon": ("mastodon",),
}
_SOURCE_TO_PLATFORM = {s: p for p, sources in SOCIAL_SOURCES.items() for s in sources}
_PAID_MEDIUM = re.compile(r"^(.*cp.*|ppc|retargeting|paid.*)$")
_SOCIAL_MEDIUM = re.compile(
    r"^(social|social-network|social-media|sm|social network|social media"
    r"|organic_social|paid_social)$"
)
NOT_CAMPAIGNS = {
    "",
    "(direct)",
    "(organic)",
    "(referral)",
    "(not set)",
    "(none)",
    "(not provided)",
    "(cross-network)",
    "(data deleted)",
}
PLATFORM_LANDINGS = {
    "meta_ads": ("facebook", "instagram"),
    "google_ads": ("google",),
    "linkedin_ads": ("linkedin",),
    "x_ads": ("x",),
}


def social_platform(source: str | None, medium: str | None = None) -> str | None:
    """The social platform a GA4 source stands for ("l.facebook.com" -> "facebook"), else None."""
    s = (source or "").strip().lower()
    if s in _SOURCE_TO_PLATFORM:
        return _SOURCE_TO_PLATFORM[s]
    for key, platform in _SOURCE_TO_PLATFORM.items():
        if "." in key and s.endswith("." + key):
            return platform
    if _SOCIAL_MEDIUM.match((medium or "").strip().lower()):
        return "other social"
    return None


def is_paid(medium: str | None, channel_group: str | None = None) -> bool:
    if channel_group:
        return channel_group.strip().lower().startswith("paid")
    return bool(_PAID_MEDIUM.match((medium or "").strip().lower()))


def rate_per_session(events: float, sessions: float, level: float = LEVEL) -> Estimate:
    """Key events per session with an exact Poisson (Garwood) interval on the events."""
    if sessions <= 0:
        return Estimate.not_enough(0, "no sessions")
    from scipy.stats import chi2

    k = round(events)
    a = 1 - level
    low = 0.0 if k == 0 else chi2.ppf(a / 2, 2 * k) / 2
    high = chi2.ppf(1 - a / 2, 2 * (k + 1)) / 2
    return Estimate(
        events / sessions,
        float(low / sessions),
        float(high / sessions),
        level,
        int(sessions),
        "key events per session, exact Poisson",
    )


@dataclass(frozen=True)
class Contribution:
    label: str  # platform, campaign or pillar
    paid: bool | None
    sessions: float
    engaged_sessions: float
    conversions: float
    revenue: float
    share_of_sessions: Estimate
    share_of_conversions: Estimate
    conversion_rate: Estimate


@dataclass(frozen=True)
class SiteContribution:
    start: str | None
    end: str | None
    site_sessions: float
    site_conversions: float
    site_revenue: float
    social: Contribution | None  # all social together
    by_platform: tuple[Contribution, ...]
    by_campaign: tuple[Contribution, ...]
    by_pillar: tuple[Contribution, ...]
    report: str | None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def pick_report(web: pd.DataFrame) -> tuple[pd.DataFrame, str | None, list[str]]:
    """Rows of one GA4 report per account (the one with the most session rows), so that two
    exports of the same traffic are never added up; daily rows win over period rows."""
    notes: list[str] = []
    if web.empty:
        return web, None, notes
    parts, names = [], []
    for _acc, acc_rows in web.groupby("account_id", sort=False):
        counts = acc_rows.groupby("report")["sessions"].count().sort_values(ascending=False)
        name = str(counts.index[0])
        rows = acc_rows[acc_rows["report"] == name]
        daily = rows[rows["date_start"] == rows["date_end"]]
        if not daily.empty and len(daily) < len(rows):
            notes.append(f"{name}: daily rows used; {len(rows) - len(daily)} period rows left out")
            rows = daily
        if len(counts) > 1:
            notes.append(
                f"GA4 report {name!r} used; {len(counts) - 1} other report(s) with sources left out"
            )
        parts.append(rows)
        names.append(name)
    return pd.concat(parts, ignore_index=True), ", ".join(names), notes


def _contribution(
    label: str, paid: bool | None, part: pd.DataFrame, totals: pd.Series
) -> Contribution:
    s = float(part["sessions"].fillna(0).sum())
    conv = float(part["conversions"].fillna(0).sum())
    return Contribution(
        label=label,
        paid=paid,
        sessions=s,
        engaged_sessions=float(part["engaged_sessions"].fillna(0).sum()),
        conversions=conv,
        revenue=float(part["revenue"].fillna(0).sum()),
        share_of_sessions=Estimate.exact(
            s / totals["sessions"] if totals["sessions"] else 0.0,
            len(part),
            "share of the site's sessions",
        ),
        share_of_conversions=Estimate.exact(
            conv / totals["conversions"] if totals["conversions"] else 0.0,
            len(part),
            "share of the site's key events",
        ),
        conversion_rate=rate_per_session(conv, s),
    )


def site_contribution(
    web: pd.DataFrame,
    campaign_pillars: dict[str, str] | None = None,
) -> SiteContribution:
    """What social brings to the site, from GA4 rows (queries.web_rows)."""
    rows, report, notes = pick_report(web)
    if rows.empty:
        return SiteContribution(
            None,
            None,
            0,
            0,
            0,
            None,
            (),
            (),
            (),
            None,
            ("not enough data: no GA4 rows with a source / medium",),
        )
    rows = rows.copy()
    rows["platform"] = [
        social_platform(s, m) for s, m in zip(rows["source"], rows["medium"], strict=True)
    ]
    rows["paid"] = [
        is_paid(m, c) for m, c in zip(rows["medium"], rows["channel_group"], strict=True)
    ]
    totals = rows[["sessions", "conversions", "revenue"]].fillna(0).sum()
    social = rows[rows["platform"].notna()]
    by_platform = [
        _contribution(str(p), bool(paid), part, totals)
        for (p, paid), part in social.groupby(["platform", "paid"], sort=True)
    ]
    by_platform.sort(key=lambda c: -c.sessions)
    tagged = social[~social["campaign"].fillna("").str.lower().isin(NOT_CAMPAIGNS)]
    by_campaign = sorted(
        (
            _contribution(str(c), bool(part["paid"].all()), part, totals)
            for c, part in tagged.groupby("campaign", sort=True)
        ),
        key=lambda c: -c.sessions,
    )
    by_pillar: list[Contribution] = []
    if campaign_pillars:
        pillar = (
            tagged["campaign"].str.lower().map({k.lower(): v for k, v in campaign_pillars.items()})
        )
        by_pillar = sorted(
            (
                _contribution(str(p), None, part, totals)
                for p, part in tagged.assign(pillar=pillar)
                .dropna(subset=["pillar"])
                .groupby("pillar")
            ),
            key=lambda c: -c.sessions,
        )
    return SiteContribution(
        start=str(rows["date_start"].min()),
        end=str(rows["date_end"].max()),
        site_sessions=float(totals["sessions"]),
        site_conversions=float(totals["conversions"]),
        site_revenue=float(totals["revenue"]),
        social=_contribution("social", None, social, totals) if not social.empty else None,
        by_platform=tuple(by_platform),
        by_campaign=tuple(by_campaign),
        by_pillar=tuple(by_pillar),
        report=report,
        notes=tuple(notes),
    )


# -- untagged campaigns -------------------------------------------------------------------
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 2 or w.isdigit()}


def name_match(ga4_campaign: str, campaign_name: str) -> float:
    """Share of the GA4 campaign value's words that are words of the ad campaign's name; 0
    when a number of the value (a year, an edition) is not in the name."""
    if ga4_campaign.strip().lower() == campaign_name.strip().lower():
        return 1.0
    words = _words(ga4_campaign)
    if not words or all(w.isdigit() for w in words):
        return 0.0
    name = _words(campaign_name)
    if any(w.isdigit() and w not in name for w in words):
        return 0.0
    return len(words & name) / len(words)


@dataclass(frozen=True)
class Landing:
    source_medium: str
    sessions_per_click: Estimate
    sessions: Estimate  # sessions the campaign brought there: slope x its clicks


@dataclass(frozen=True)
class CampaignTagging:
    campaign: str
    platform: str
    start: str
    end: str
    clicks: float
    ga4_campaign: str | None  # the matching GA4 campaign value, None when nothing matches
    match_score: float
    tagged: bool
    likely_landing: Landing | None
    landings: tuple[Landing, ...]
    note: str = ""


def campaign_daily_clicks(ads: pd.DataFrame) -> pd.DataFrame:
    """campaign, platform, date, clicks (link clicks where given) at each campaign's coarsest
    daily grain (campaign < ad set < ad), so no click is counted twice."""
    if ads.empty:
        return pd.DataFrame(columns=["campaign", "platform", "date", "clicks"])
    a = ads[ads["date_start"] == ads["date_end"]].copy()
    a["level"] = np.where(
        a["grain"] == "campaign", 0, np.where(a["grain"].str.contains("ad:"), 2, 1)
    )
    a["c"] = a["link_clicks"].where(a["link_clicks"].notna(), a["clicks"])
    keep = a.groupby("campaign_id")["level"].transform("min") == a["level"]
    a = a[keep]
    out = a.groupby(["campaign_id", "campaign", "platform", "date_start"], as_index=False)[
        "c"
    ].sum()
    # as_index=False makes it a frame; pandas-stubs types a column's groupby sum as a Series
    return cast(pd.DataFrame, out).rename(columns={"date_start": "date", "c": "clicks"})


def _landing(
    y: np.ndarray, x: np.ndarray, dates: pd.DatetimeIndex, label: str, level: float
) -> Landing | None:
    import statsmodels.api as sm

    if np.count_nonzero(x) < MIN_DAYS // 2 or len(y) < MIN_DAYS:
        return None
    month = pd.get_dummies(dates.to_period("M").astype(str), drop_first=True, dtype=float)
    weekday = pd.get_dummies(dates.day_of_week, prefix="wd", drop_first=True, dtype=float)
    design = pd.concat([pd.Series(x, name="clicks", index=month.index), month, weekday], axis=1)
    design = sm.add_constant(design, has_constant="add")
    fit = sm.OLS(y, design.to_numpy(dtype=float)).fit(cov_type="HAC", cov_kwds={"maxlags": 7})
    slope, se = float(fit.params[1]), float(fit.bse[1])
    low, high = fit.conf_int(alpha=1 - level)[1]
    per_click = Estimate(
        slope,
        float(low),
        float(high),
        level,
        len(y),
        "OLS on daily clicks, month and weekday effects, Newey–West (7 days)",
    )
    total = float(x.sum())
    sessions = Estimate(
        slope * total,
        float(low) * total,
        float(high) * total,
        level,
        len(y),
        "sessions per click x the campaign's clicks",
    )
    del se
    return Landing(label, per_click, sessions)


def untagged_campaigns(
    web: pd.DataFrame,
    ads: pd.DataFrame,
    min_score: float = 0.6,
    level: float = LEVEL,
) -> tuple[CampaignTagging, ...]:
    """Ad campaigns with clicks, each matched to a GA4 campaign or searched for untagged."""
    rows, _report, _notes = pick_report(web)
    daily = campaign_daily_clicks(ads)
    if rows.empty or daily.empty:
        return ()
    rows = rows[rows["date_start"] == rows["date_end"]].copy()
    rows["date"] = pd.to_datetime(rows["date_start"])
    days = pd.date_range(rows["date"].min(), rows["date"].max(), freq="D")
    camp_values = rows[~rows["campaign"].fillna("").str.lower().isin(NOT_CAMPAIGNS)]
    active = {
        c: set(part.loc[part["sessions"] > 0, "date"])
        for c, part in camp_values.groupby("campaign")
    }
    rows["sm"] = rows["source"].fillna("(not set)") + " / " + rows["medium"].fillna("(not set)")
    by_sm = (
        rows.pivot_table(index="date", columns="sm", values="sessions", aggfunc="sum")
        .reindex(days)
        .fillna(0)
    )
    out = []
    for (cid, name, platform), part in daily.groupby(
        ["campaign_id", "campaign", "platform"], sort=False
    ):
        del cid
        clicks = float(part["clicks"].fillna(0).sum())
        cdays = set(pd.to_datetime(part.loc[part["clicks"].fillna(0) > 0, "date"]))
        start, end = str(part["date"].min()), str(part["date"].max())
        if clicks < MIN_CLICKS:
            continue
        best, best_score = None, 0.0
        for value, adays in active.items():
            score = name_match(str(value), str(name))
            if score < min_score or not adays:
                continue
            overlap = len(adays & cdays) / len(adays)
            if overlap >= 0.5 and score > best_score:
                best, best_score = str(value), score
        if best is not None:
            out.append(
                CampaignTagging(
                    str(name), str(platform), start, end, clicks, best, best_score, True, None, ()
                )
            )
            continue
        clicks_by_day = (
            part.assign(date=pd.to_datetime(part["date"])).groupby("date")["clicks"].sum()
        )
        x = clicks_by_day.reindex(days).fillna(0).to_numpy(dtype=float)
        families = PLATFORM_LANDINGS.get(str(platform), ())
        candidates = [
            c
            for c in by_sm.columns
            if c == "(direct) / (none)"
            or (social_platform(c.split(" / ")[0]) in families)
            or c.split(" / ")[0] in families
        ]
        landings = []
        for c in candidates:
            if c.split(" / ")[0].lower() in {"google"} and "cpc" in c:
                continue
            found = _landing(by_sm[c].to_numpy(dtype=float), x, days, c, level)
            if found is not None:
                landings.append(found)
        landings.sort(key=lambda lnd: -(lnd.sessions_per_click.low or -math.inf))
        likely = next((lnd for lnd in landings if (lnd.sessions_per_click.low or 0) > 0), None)
        note = "no GA4 campaign matches: its links probably carry no UTM tags" + (
            f"; its visits show up as {likely.source_medium}"
            if likely
            else "; where its visits went cannot be told from the daily figures"
        )
        out.append(
            CampaignTagging(
                str(name),
                str(platform),
                start,
                end,
                clicks,
                None,
                0.0,
                False,
                likely,
                tuple(landings),
                note,
            )
        )
    out.sort(key=lambda c: (c.tagged, -c.clicks))
    return tuple(out)


__all__ = [
    "CampaignTagging",
    "Contribution",
    "Landing",
    "SiteContribution",
    "campaign_daily_clicks",
    "is_paid",
    "name_match",
    "pick_report",
    "rate_per_session",
    "site_contribution",
    "social_platform",
    "untagged_campaigns",
]
