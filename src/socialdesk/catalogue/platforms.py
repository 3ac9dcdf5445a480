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


# Names that are words rather than brands, in the languages other than English.
LOCAL_NAMES: dict[str, dict[str, str]] = {
    "nl": {"other": "Overig", "google_business_profile": "Google Bedrijfsprofiel"},
}


def platform_name(platform: str, locale: str = "en") -> str:
    """ "LinkedIn" for "linkedin"; "Overig" for "other" in Dutch; an unknown key as it is."""
    local = LOCAL_NAMES.get(locale, {}).get(platform)
    return local if local is not None else PLATFORM_NAMES.get(platform, platform)
