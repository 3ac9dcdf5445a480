"""Writers: the demo world as the platforms' own export files, under <workspace>/exports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from socialdesk.demo.world import World
from socialdesk.demo.writers.base import ExportFile
from socialdesk.demo.writers.google import write_ga4, write_google_ads, write_search_console
from socialdesk.demo.writers.linkedin import write_linkedin, write_linkedin_followers
from socialdesk.demo.writers.meta import write_facebook, write_instagram, write_meta_ads
from socialdesk.demo.writers.meta_insights import write_meta_page_daily
from socialdesk.demo.writers.tiktok import write_tiktok_account, write_tiktok_content
from socialdesk.demo.writers.x import write_x_activity, write_x_overview
from socialdesk.demo.writers.youtube import write_youtube, write_youtube_subscribers

Writer = Callable[[World, Path], "ExportFile | list[ExportFile]"]

# In import order: organic platforms first, then ads, then web and search.
WRITERS: tuple[tuple[str, Writer], ...] = (
    ("Facebook posts (Meta Business Suite)", write_facebook),
    ("Instagram posts (Meta Business Suite)", write_instagram),
    ("Facebook and Instagram insights per day (Meta Business Suite)", write_meta_page_daily),
    ("LinkedIn page content", write_linkedin),
    ("LinkedIn followers", write_linkedin_followers),
    ("X tweet activity, monthly", write_x_activity),
    ("X account overview", write_x_overview),
    ("TikTok content, monthly", write_tiktok_content),
    ("TikTok overview, followers, viewers", write_tiktok_account),
    ("YouTube Studio content", write_youtube),
    ("YouTube Studio subscribers gained and lost", write_youtube_subscribers),
    ("Meta Ads Manager", write_meta_ads),
    ("Google Ads campaigns", write_google_ads),
    ("GA4 traffic acquisition", write_ga4),
    ("Search Console performance", write_search_console),
)


def write_all(world: World, folder: Path) -> Iterator[tuple[str, list[ExportFile]]]:
    """Write every export file; yields (what, files) as each writer finishes."""
    for label, writer in WRITERS:
        written = writer(world, folder)
        yield label, written if isinstance(written, list) else [written]


__all__ = ["WRITERS", "ExportFile", "write_all"]
