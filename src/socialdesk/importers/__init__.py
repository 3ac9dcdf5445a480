"""Importers: one module per export format, a detector, and an atomic runner.

BUILTIN_FORMATS lists the modules the way Datasette lists its default plugins; a new
format is one module and one line here.
"""

from __future__ import annotations

import importlib
from functools import cache

from socialdesk.importers.base import ExportFormat

BUILTIN_FORMATS: tuple[str, ...] = (
    "socialdesk.importers.meta_business_suite_facebook_posts_csv",
    "socialdesk.importers.meta_business_suite_instagram_posts_csv",
    "socialdesk.importers.facebook_insights_posts_csv",
    "socialdesk.importers.meta_business_suite_page_daily_csv",
    "socialdesk.importers.meta_ads_manager_csv",
    "socialdesk.importers.generic_posts_mapped",
    "socialdesk.importers.generic_ads_mapped",
    "socialdesk.importers.linkedin_page_content_xls",
    "socialdesk.importers.linkedin_followers_xls",
    "socialdesk.importers.linkedin_visitors_xls",
    "socialdesk.importers.linkedin_campaign_manager_csv",
    "socialdesk.importers.x_tweet_activity_metrics_csv",
    "socialdesk.importers.x_account_analytics_content_csv",
    "socialdesk.importers.x_account_overview_csv",
    "socialdesk.importers.x_ads_tweets_xlsx",
    "socialdesk.importers.google_ads_campaigns_csv",
    "socialdesk.importers.google_ads_search_terms_csv",
    "socialdesk.importers.ga4_report_csv",
    "socialdesk.importers.search_console_performance_csv",
    "socialdesk.importers.search_console_filters_csv",
    "socialdesk.importers.google_business_profile_performance_csv",
    "socialdesk.importers.tiktok_studio_content_csv",
    "socialdesk.importers.tiktok_studio_overview_csv",
    "socialdesk.importers.tiktok_studio_followers_csv",
    "socialdesk.importers.tiktok_studio_viewers_csv",
    "socialdesk.importers.youtube_studio_table_csv",
    "socialdesk.importers.youtube_studio_chart_csv",
    "socialdesk.importers.youtube_studio_totals_csv",
    "socialdesk.importers.messages_generic_mapped",
    "socialdesk.importers.meta_graph_comments_json",
    "socialdesk.importers.mastodon_notifications_json",
    "socialdesk.importers.bluesky_notifications_json",
    "socialdesk.importers.twcs_csv",
)


@cache
def builtin_formats() -> tuple[ExportFormat, ...]:
    return tuple(importlib.import_module(name).FORMAT for name in BUILTIN_FORMATS)


def get_format(name: str) -> ExportFormat:
    for fmt in builtin_formats():
        if fmt.name == name:
            return fmt
    raise KeyError(name)


__all__ = ["BUILTIN_FORMATS", "ExportFormat", "builtin_formats", "get_format"]
