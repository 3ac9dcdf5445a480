"""The canonical entities, as typed SQLAlchemy 2.0 tables.

Every platform's export is mapped onto these. Metric columns are nullable on purpose:
NULL means "the source did not give this", never zero.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PLATFORMS = (
    "facebook", "instagram", "linkedin", "x", "tiktok", "youtube",
    "meta_ads", "google_ads", "linkedin_ads", "x_ads", "ga4", "search_console", "other",
)
MEDIA_TYPES = ("photo", "video", "reel", "carousel", "link", "text", "story", "other")

# Post-level metrics kept as columns (lifetime totals as of a snapshot date).
POST_METRICS = (
    "impressions", "views", "reach", "engagements", "reactions", "likes", "comments",
    "shares", "saves", "clicks", "link_clicks", "other_clicks", "video_views",
    "watch_time_hours", "avg_view_seconds", "follows", "profile_visits", "negative_feedback",
    "paid_impressions", "paid_reach",
)
# Account-level daily metrics.
ACCOUNT_DAY_METRICS = (
    "followers", "followers_gained", "followers_lost", "impressions", "reach", "views",
    "engagements", "reactions", "likes", "comments", "shares", "clicks", "profile_views",
    "video_views", "watch_time_hours", "posts_published",
)
AD_METRICS = (
    "spend", "impressions", "reach", "frequency", "clicks", "link_clicks", "results",
    "conversions", "conversion_value",
)
WEB_METRICS = (
    "sessions", "engaged_sessions", "users", "new_users", "views", "event_count",
    "conversions", "revenue", "engagement_seconds",
)
SEARCH_METRICS = ("clicks", "impressions", "ctr", "position")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Workspace(Base):
    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class WorkspaceFact(Base):
    """Free-form facts about a workspace, e.g. the demo's recorded true effects."""

    __tablename__ = "workspace_fact"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    value: Mapped[dict[str, Any]] = mapped_column(JSON)


class ImportBatch(Base):
    """One imported file: what it was, what it did, who did it."""

    __tablename__ = "import_batch"
    __table_args__ = (UniqueConstraint("workspace_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_added: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Account(Base):
    """An account on one platform: a page, a profile, an ad account, a GA4 property, a site."""

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("workspace_id", "platform", "handle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(30))
    handle: Mapped[str] = mapped_column(String(300))
    name: Mapped[str | None] = mapped_column(String(300))
    external_id: Mapped[str | None] = mapped_column(String(100))
    currency: Mapped[str | None] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")

    posts: Mapped[list[Post]] = relationship(back_populates="account")


class Post(Base):
    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("account_id", "external_id"),
        Index("ix_post_account_published", "account_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    text: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(String(20))
    source_type: Mapped[str | None] = mapped_column(String(100))
    permalink: Mapped[str | None] = mapped_column(String(1000))
    language: Mapped[str | None] = mapped_column(String(20))
    is_paid: Mapped[bool | None] = mapped_column()
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL")
    )

    account: Mapped[Account] = relationship(back_populates="posts")


class PostMetrics(Base):
    """Lifetime totals of one post as of one date (a snapshot)."""

    __tablename__ = "post_metrics"
    __table_args__ = (UniqueConstraint("post_id", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    as_of: Mapped[dt.date] = mapped_column(Date)
    impressions: Mapped[float | None] = mapped_column(Float)
    views: Mapped[float | None] = mapped_column(Float)
    reach: Mapped[float | None] = mapped_column(Float)
    engagements: Mapped[float | None] = mapped_column(Float)
    reactions: Mapped[float | None] = mapped_column(Float)
    likes: Mapped[float | None] = mapped_column(Float)
    comments: Mapped[float | None] = mapped_column(Float)
    shares: Mapped[float | None] = mapped_column(Float)
    saves: Mapped[float | None] = mapped_column(Float)
    clicks: Mapped[float | None] = mapped_column(Float)
    link_clicks: Mapped[float | None] = mapped_column(Float)
    other_clicks: Mapped[float | None] = mapped_column(Float)
    video_views: Mapped[float | None] = mapped_column(Float)
    watch_time_hours: Mapped[float | None] = mapped_column(Float)
    avg_view_seconds: Mapped[float | None] = mapped_column(Float)
    follows: Mapped[float | None] = mapped_column(Float)
    profile_visits: Mapped[float | None] = mapped_column(Float)
    negative_feedback: Mapped[float | None] = mapped_column(Float)
    paid_impressions: Mapped[float | None] = mapped_column(Float)
    paid_reach: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL")
    )


class AccountDay(Base):
    """Account-level metrics for one day. Several files may fill different columns."""

    __tablename__ = "account_day"
    __table_args__ = (UniqueConstraint("account_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    followers: Mapped[float | None] = mapped_column(Float)
    followers_gained: Mapped[float | None] = mapped_column(Float)
    followers_lost: Mapped[float | None] = mapped_column(Float)
    impressions: Mapped[float | None] = mapped_column(Float)
    reach: Mapped[float | None] = mapped_column(Float)
    views: Mapped[float | None] = mapped_column(Float)
    engagements: Mapped[float | None] = mapped_column(Float)
    reactions: Mapped[float | None] = mapped_column(Float)
    likes: Mapped[float | None] = mapped_column(Float)
    comments: Mapped[float | None] = mapped_column(Float)
    shares: Mapped[float | None] = mapped_column(Float)
    clicks: Mapped[float | None] = mapped_column(Float)
    profile_views: Mapped[float | None] = mapped_column(Float)
    video_views: Mapped[float | None] = mapped_column(Float)
    watch_time_hours: Mapped[float | None] = mapped_column(Float)
    posts_published: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL")
    )


class AudienceShare(Base):
    """A share of an account's audience in one bucket (gender, territory, age...)."""

    __tablename__ = "audience_share"
    __table_args__ = (UniqueConstraint("account_id", "as_of", "dimension", "bucket"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    as_of: Mapped[dt.date] = mapped_column(Date)
    dimension: Mapped[str] = mapped_column(String(50))
    bucket: Mapped[str] = mapped_column(String(200))
    share: Mapped[float | None] = mapped_column(Float)
    count: Mapped[float | None] = mapped_column(Float)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL")
    )


class Campaign(Base):
    __tablename__ = "campaign"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(300))  # external id, or the name when there is none
    external_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(500))
    objective: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str | None] = mapped_column(String(100))
    budget: Mapped[float | None] = mapped_column(Float)
    budget_type: Mapped[str | None] = mapped_column(String(50))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)


class AdSet(Base):
    __tablename__ = "ad_set"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(300))
    external_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(500))


class Ad(Base):
    __tablename__ = "ad"
    __table_args__ = (UniqueConstraint("ad_set_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ad_set_id: Mapped[int] = mapped_column(ForeignKey("ad_set.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(300))
    external_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(500))
    post_external_id: Mapped[str | None] = mapped_column(String(200))


class AdDay(Base):
    """Delivery of a campaign (or one of its ad sets or ads) over a reporting period.

    A daily export gives date_start == date_end; a period export gives the period.
    `grain` names the level and breakdown ("campaign", "ad_set:<key>", "ad:<key>|age=25-34").
    """

    __tablename__ = "ad_day"
    __table_args__ = (
        UniqueConstraint("campaign_id", "grain", "date_start", "date_end"),
        Index("ix_ad_day_dates", "date_start", "date_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    ad_set_id: Mapped[int | None] = mapped_column(ForeignKey("ad_set.id", ondelete="CASCADE"))
    ad_id: Mapped[int | None] = mapped_column(ForeignKey("ad.id", ondelete="CASCADE"))
    grain: Mapped[str] = mapped_column(String(600))
    breakdown: Mapped[str | None] = mapped_column(String(300))
    date_start: Mapped[dt.date] = mapped_column(Date)
    date_end: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str | None] = mapped_column(String(3))
    spend: Mapped[float | None] = mapped_column(Float)
    impressions: Mapped[float | None] = mapped_column(Float)
    reach: Mapped[float | None] = mapped_column(Float)
    frequency: Mapped[float | None] = mapped_column(Float)
    clicks: Mapped[float | None] = mapped_column(Float)
    link_clicks: Mapped[float | None] = mapped_column(Float)
    results: Mapped[float | None] = mapped_column(Float)
    result_type: Mapped[str | None] = mapped_column(String(200))
    conversions: Mapped[float | None] = mapped_column(Float)
    conversion_value: Mapped[float | None] = mapped_column(Float)
    attribution_setting: Mapped[str | None] = mapped_column(String(200))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL")
    )


class WebDay(Base):
    """GA4 figures for one report row over a period (a day when start == end).

    `dimension_key` is the canonical "name=value;name=value" of the row's dimensions.
    """

    __tablename__ = "web_day"
    __table_args__ = (
        UniqueConstraint("account_id", "report", "dimension_key", "date_start", "date_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    report: Mapped[str] = mapped_column(String(200))
    dimension_key: Mapped[str] = mapped_column(String(1000))
    date_start: Mapped[dt.date] = mapped_column(Date)
    date_end: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(300))
    medium: Mapped[str | None] = mapped_column(String(300))
    campaign: Mapped[str | None] = mapped_column(String(300))
    page_path: Mapped[str | None] = mapped_column(String(1000))
    event_name: Mapped[str | None] = mapped_column(String(300))
    channel_group: Mapped[str | None] = mapped_column(String(100))
    sessions: Mapped[float | None] = mapped_column(Float)
    engaged_sessions: Mapped[float | None] = mapped_column(Float)
    users: Mapped[float | None] = mapped_column(Float)
    new_users: Mapped[float | None] = mapped_column(Float)
    views: Mapped[float | None] = mapped_column(Float)
    event_count: Mapped[float | None] = mapped_column(Float)
    conversions: Mapped[float | None] = mapped_column(Float)
    revenue: Mapped[float | None] = mapped_column(Float)
    engagement_seconds: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL")
    )


class SearchPerformance(Base):
    """Search Console (or search-ads search term) figures for one dimension value over a period.

    dimension is one of: query, page, country, device, search_appearance, date.
    """

    __tablename__ = "search_performance"
    __table_args__ = (
        UniqueConstraint("account_id", "dimension", "value", "date_start", "date_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(1000))
    date_start: Mapped[dt.date] = mapped_column(Date)
    date_end: Mapped[dt.date] = mapped_column(Date)
    clicks: Mapped[float | None] = mapped_column(Float)
    impressions: Mapped[float | None] = mapped_column(Float)
    ctr: Mapped[float | None] = mapped_column(Float)
    position: Mapped[float | None] = mapped_column(Float)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL")
    )
