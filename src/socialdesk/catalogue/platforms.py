"""The platforms' names as people write them (keys in the store are lower case: "linkedin")."""

from __future__ import annotations

PLATFORM_NAMES: dict[str, str] = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "x": "X",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "threads": "Threads",
    "meta_ads": "Meta Ads",
    "google_ads": "Google Ads",
    "linkedin_ads": "LinkedIn Ads",
    "x_ads": "X Ads",
    "ga4": "Google Analytics 4",
    "search_console": "Search Console",
    "google_business_profile": "Google Business Profile",
    "other": "Other",
}


def platform_name(platform: str) -> str:
    """ "LinkedIn" for "linkedin"; an unknown key as it is."""
    return PLATFORM_NAMES.get(platform, platform)
