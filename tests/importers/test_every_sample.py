"""Every real-format sample in tests/fixtures/formats imports, as the format it is, twice.

A new fixture must be added to SAMPLES with the format that reads it (the test fails on a
file it does not know), so a sample that stops importing, or that another format starts to
claim, is caught here and not only in its own module's tests. The second import of the same
bytes must change nothing.
"""

from __future__ import annotations

import uuid

import pytest

from socialdesk.importers.runner import Importer
from socialdesk.store.session import ensure_workspace
from tests.conftest import FORMATS

# the X Ads fixture has no default cell style; openpyxl says so each time it is opened
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")

GBP = (
    "google/GMB insights (Performance Report) - 2025-10-1 - 2025-10-31 - "
    "2bfad2d361cb8b6fd65c19994a4f6f00.csv"
)

SAMPLES: dict[str, str] = {
    "generic/seed_ga4_crlf.csv": "ga4_report_csv",
    "generic/seed_google_ads_utf16_tab.csv": "google_ads_campaigns_csv",
    "generic/seed_gsc_queries.csv": "search_console_performance_csv",
    "generic/seed_meta_posts_bom.csv": "meta_business_suite_facebook_posts_csv",
    "generic/seed_tweet_activity.csv": "x_tweet_activity_metrics_csv",
    GBP: "google_business_profile_performance_csv",
    "google/ga4_events_event_name.csv": "ga4_report_csv",
    "google/ga4_pages_and_screens.csv": "ga4_report_csv",
    "google/ga4_reports_snapshot_data-export.csv": "ga4_report_csv",
    "google/ga4_traffic_acquisition_by_date.csv": "ga4_report_csv",
    "google/google_ads_campaign_report.csv": "google_ads_campaigns_csv",
    "google/google_ads_campaign_report_daily.csv": "google_ads_campaigns_csv",
    "google/google_ads_campaign_report_excel.csv": "google_ads_campaigns_csv",
    "google/google_ads_campaign_report_nl.csv": "google_ads_campaigns_csv",
    "google/google_ads_search_terms_report.csv": "google_ads_search_terms_csv",
    "google/gsc_2024_Countries.csv": "search_console_performance_csv",
    "google/gsc_2024_Dates.csv": "search_console_performance_csv",
    "google/gsc_2024_Devices.csv": "search_console_performance_csv",
    "google/gsc_2024_Pages.csv": "search_console_performance_csv",
    "google/gsc_2024_Queries.csv": "search_console_performance_csv",
    "google/gsc_2024_Search_appearance.csv": "search_console_performance_csv",
    "google/gsc_2025_Chart.csv": "search_console_performance_csv",
    "google/gsc_2025_Filters.csv": "search_console_filters_csv",
    "inbox/bluesky_feed_viewpost.json": "bluesky_notifications_json",
    "inbox/bluesky_notifications.json": "bluesky_notifications_json",
    "inbox/mastodon_notifications.json": "mastodon_notifications_json",
    "inbox/mastodon_statuses.json": "mastodon_notifications_json",
    "inbox/meta_graph_comments.json": "meta_graph_comments_json",
    "inbox/meta_graph_conversations.json": "meta_graph_comments_json",
    "inbox/twcs_layout.csv": "twcs_csv",
    "linkedin/linkedin_campaign_manager_campaign_performance.csv": "linkedin_campaign_manager_csv",
    "linkedin/groendak_followers_1754039912345.xls": "linkedin_followers_xls",
    "linkedin/groendak_visitors_1754039912345.xls": "linkedin_visitors_xls",
    "linkedin/linkedin_page_content_export.xls": "linkedin_page_content_xls",
    "meta/Acme India-Campaigns-1-Sep-202430-Sep-2024.csv": "meta_ads_manager_csv",
    "meta/Facebook Insights Data Export (Post Level) - USC Clinical Trials - 2017-01-19.csv": "facebook_insights_posts_csv",
    "meta/facebook_insights_post_export_2015.csv": "facebook_insights_posts_csv",
    "meta/meta_ads_manager_campaigns_no_data.csv": "meta_ads_manager_csv",
    "meta/meta_ads_manager_export_2017.csv": "meta_ads_manager_csv",
    "meta/meta_ads_manager_export_2025_ad_level_GBP.csv": "meta_ads_manager_csv",
    "meta/meta_business_suite_facebook_posts_en.csv": "meta_business_suite_facebook_posts_csv",
    "meta/meta_business_suite_facebook_posts_nl.csv": "meta_business_suite_facebook_posts_csv",
    "meta/meta_business_suite_instagram_posts_en.csv": "meta_business_suite_instagram_posts_csv",
    "meta/meta_business_suite_instagram_posts_nl.csv": "meta_business_suite_instagram_posts_csv",
    "meta/meta_business_suite_instagram_posts_other_order.csv": "meta_business_suite_instagram_posts_csv",
    "meta/meta_business_suite_page_daily_facebook_follows.csv": "meta_business_suite_page_daily_csv",
    "tiktok/tiktok_studio_Content.csv": "tiktok_studio_content_csv",
    "tiktok/tiktok_studio_Content_nl_rollover.csv": "tiktok_studio_content_csv",
    "tiktok/tiktok_studio_FollowerActivity.csv": "tiktok_studio_followers_csv",
    "tiktok/tiktok_studio_FollowerGender.csv": "tiktok_studio_followers_csv",
    "tiktok/tiktok_studio_FollowerHistory.csv": "tiktok_studio_followers_csv",
    "tiktok/tiktok_studio_FollowerHistory_nl_rollover.csv": "tiktok_studio_followers_csv",
    "tiktok/tiktok_studio_FollowerTopTerritories.csv": "tiktok_studio_followers_csv",
    "tiktok/tiktok_studio_Overview.csv": "tiktok_studio_overview_csv",
    "tiktok/tiktok_studio_Overview_nl_rollover.csv": "tiktok_studio_overview_csv",
    "tiktok/tiktok_studio_Viewers.csv": "tiktok_studio_viewers_csv",
    "tiktok/tiktok_studio_Viewers_nl_rollover.csv": "tiktok_studio_viewers_csv",
    "x/2017-04-01-to-2017-04-30-6hm1atwrnaio.xlsx": "x_ads_tweets_xlsx",
    "x/account_analytics_content_2026-05-25_2026-08-22.csv": "x_account_analytics_content_csv",
    "x/account_analytics_content_2026-07-08_2026-10-05.csv": "x_account_analytics_content_csv",
    "x/account_overview_analytics.csv": "x_account_overview_csv",
    "x/nl/account_analytics_content_2026-05-25_2026-08-22.csv": "x_account_analytics_content_csv",
    "x/nl/account_overview_analytics.csv": "x_account_overview_csv",
    "x/tweet_activity_metrics_AcmeBV_20240101_20240201_en.csv": "x_tweet_activity_metrics_csv",
    "x/tweet_activity_metrics_rOpenSci_20211201_20220101_en.csv": "x_tweet_activity_metrics_csv",
    "x/twitter_activity_metrics_20150901_20151001.csv": "x_tweet_activity_metrics_csv",
    "youtube/Datos de la tabla.csv": "youtube_studio_table_csv",
    "youtube/youtube_studio_Chart data_yearly.csv": "youtube_studio_chart_csv",
    "youtube/youtube_studio_Table data_revenue_columns.csv": "youtube_studio_table_csv",
    "youtube/youtube_studio_content_chart_data.csv": "youtube_studio_chart_csv",
    "youtube/youtube_studio_content_table_data.csv": "youtube_studio_table_csv",
    "youtube/youtube_studio_content_totals.csv": "youtube_studio_totals_csv",
    "youtube/youtube_studio_traffic_chart_data.csv": "youtube_studio_chart_csv",
    "youtube/youtube_studio_traffic_table_data.csv": "youtube_studio_table_csv",
}
# Fixtures that are not meant to import on their own, and why.
NOT_ALONE: dict[str, tuple[str, str]] = {
    # (status, format): data sets and message tables read through a mapping file
    "generic/uci_facebook_metrics_excerpt.csv": ("not-recognised", ""),
    "inbox/messages_generic.csv": ("not-recognised", ""),
    # yearly channel totals are refused with the advice to export daily
    "youtube/youtube_studio_Totals_yearly.csv": ("failed", "youtube_studio_totals_csv"),
}


def _fixtures() -> list[str]:
    return sorted(
        p.relative_to(FORMATS).as_posix()
        for p in FORMATS.rglob("*")
        if p.is_file() and p.suffix not in (".txt", ".toml")
    )


def test_every_fixture_is_listed():
    unknown = [f for f in _fixtures() if f not in SAMPLES and f not in NOT_ALONE]
    assert not unknown, f"add these fixtures to SAMPLES (or NOT_ALONE): {unknown}"
    gone = [f for f in (*SAMPLES, *NOT_ALONE) if f not in _fixtures()]
    assert not gone, f"listed but not in tests/fixtures/formats: {gone}"


def test_every_sample_imports_as_its_format_and_again_changes_nothing(engine):
    problems = []
    for name, expected in SAMPLES.items():
        # a workspace per file: samples of one account must not meet each other here
        importer = Importer(
            engine, ensure_workspace(engine, f"s-{uuid.uuid4().hex[:12]}"), imported_by="tests"
        )
        report = importer.import_file(FORMATS / name)
        if (report.status, report.format) != ("imported", expected):
            problems.append(f"{name}: {report.status} as {report.format}: {report.error}")
            continue
        again = importer.import_file(FORMATS / name)
        if again.status != "unchanged":
            problems.append(f"{name}: the second import was {again.status}")
    assert not problems, "\n".join(problems)


def test_the_other_fixtures_are_refused_as_expected(engine):
    importer = Importer(
        engine, ensure_workspace(engine, f"s-{uuid.uuid4().hex[:12]}"), imported_by="tests"
    )
    for name, (status, fmt) in NOT_ALONE.items():
        report = importer.import_file(FORMATS / name)
        assert (report.status, report.format or "") == (status, fmt), name
        assert report.error
