"""The canonical entities, as typed SQLAlchemy 2.0 tables.

Every platform's export is mapped onto these. Metric columns are nullable on purpose:
NULL means "the source did not give this", never zero.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from socialdesk.catalogue.catalogue import stored_columns

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PLATFORMS = (
    "facebook",
    "instagram",
    "linkedin",
    "x",
    "tiktok",
    "youtube",
    "meta_ads",
    "google_ads",
    "linkedin_ads",
    "x_ads",
    "ga4",
    "search_console",
    "other",
)
MEDIA_TYPES = ("photo", "video", "reel", "carousel", "link", "text", "story", "other")

# The metric columns of each table (POST_METRICS, ACCOUNT_DAY_METRICS, AD_METRICS,
# WEB_METRICS, SEARCH_METRICS) are read from the metrics catalogue after the tables below.


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON}  # noqa: RUF012 (SQLAlchemy reads it)

    if TYPE_CHECKING:
        # every model here is mapped to a Table (DeclarativeBase says any FromClause)
        __table__: ClassVar[Table]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Workspace(Base):
    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # the uuid in the folder's marker (store/identity.py): the workspace's key, never its
    # name. NULL only for a workspace made before migration 0014 that no folder opened since.
    uid: Mapped[str | None] = mapped_column(
        String(36), unique=True, index=True, default=lambda: str(uuid.uuid4())
    )
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


class PostLatest(Base):
    """Each post's latest snapshot, kept by the store (`store.rollups`), never imported.

    The cockpit's pages sum and sort posts by their latest figures; finding that snapshot
    among all of them per request costs seconds at a million posts, so every import
    refreshes this row for the posts it touched. One row per post (a post without
    snapshots has NULL figures); `engagements` is the cockpit's interactions count
    (see `catalogue.sql.metric_column`).
    """

    __tablename__ = "post_latest"
    __table_args__ = (
        Index(
            "ix_post_latest_account_published",
            "account_id",
            "published_at",
            "reach",
            "engagements",
        ),
    )

    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # the post's account, copied for the index; no foreign key of its own: the row goes with
    # its post, and checking a second key per row cost a fifth of an import on PostgreSQL
    account_id: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    impressions: Mapped[float | None] = mapped_column(Float)
    reach: Mapped[float | None] = mapped_column(Float)
    engagements: Mapped[float | None] = mapped_column(Float)
    clicks: Mapped[float | None] = mapped_column(Float)


class AccountWeek(Base):
    """An account's days summed per week (Monday first), kept by the store (`store.rollups`).

    Long periods on the overview read these instead of every day: 52 rows a year per
    account instead of 365. `<metric>_days` counts the days that had the metric, so that
    averages and "days with data" stay as exact as from the days themselves.
    """

    __tablename__ = "account_week"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    followers_max: Mapped[float | None] = mapped_column(Float)
    reach: Mapped[float | None] = mapped_column(Float)
    reach_days: Mapped[int] = mapped_column(Integer)
    impressions: Mapped[float | None] = mapped_column(Float)
    impressions_days: Mapped[int] = mapped_column(Integer)
    engagements: Mapped[float | None] = mapped_column(Float)
    engagements_days: Mapped[int] = mapped_column(Integer)
    clicks: Mapped[float | None] = mapped_column(Float)
    clicks_days: Mapped[int] = mapped_column(Integer)


class PostWeek(Base):
    """Posts published per account and week (Monday first), with their latest reach and
    engagements summed; kept by the store from `post_latest`."""

    __tablename__ = "post_week"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    posts: Mapped[int] = mapped_column(Integer)
    reach: Mapped[float | None] = mapped_column(Float)
    engagements: Mapped[float | None] = mapped_column(Float)


class AdWeek(Base):
    """A campaign's daily delivery summed per week (Monday first), per level (0 campaign,
    1 ad set, 2 ad) and currency ("" where the export gave none); breakdown rows and
    reporting periods longer than a day stay out. Kept by the store (`store.rollups`)."""

    __tablename__ = "ad_week"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    spend: Mapped[float | None] = mapped_column(Float)


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
        # the few rows of reporting periods longer than a day (the rest is in `ad_week`)
        Index(
            "ix_ad_day_periods",
            "date_start",
            "date_end",
            sqlite_where=text("date_start <> date_end"),
            postgresql_where=text("date_start <> date_end"),
        ),
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


# -- the metric columns: which metrics a table stores is the catalogue's `tables` -----------
def _metric_columns(table: type[Base]) -> tuple[str, ...]:
    """The table's columns that hold a catalogue metric, in the table's order (a metric whose
    `tables` names a table without its column stops the import: CatalogueError)."""
    return stored_columns(table.__tablename__, table.__table__.columns.keys())


# Post-level metrics kept as columns (lifetime totals as of a snapshot date).
POST_METRICS = _metric_columns(PostMetrics)
# Account-level daily metrics.
ACCOUNT_DAY_METRICS = _metric_columns(AccountDay)
AD_METRICS = _metric_columns(AdDay)
WEB_METRICS = _metric_columns(WebDay)
SEARCH_METRICS = _metric_columns(SearchPerformance)

# -- people: the web cockpit's team mode ---------------------------------------------------
ROLES = ("viewer", "editor", "admin")  # each role may do what the ones before it may


class User(Base):
    """A person who logs in to the cockpit in team mode. Passwords are argon2 hashes."""

    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Membership(Base):
    """A user's access to one workspace, with a role: viewer, editor or admin."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "workspace_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    # approving a calendar item sends it out once it is scheduled: a right an admin gives by
    # name (to admins, editors, or stakeholders who are viewers), not a role
    can_approve: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class LoginFailure(Base):
    """A failed login, kept for throttling (so every web worker sees the same count). On
    SQLite kept with the sessions in their own file (socialdesk.users.sessions)."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class UserSession(Base):
    """A logged-in session of team mode. The signed cookie holds a random id; this row holds
    its SHA-256 digest (reading the table gives nobody a session). Logging out deletes the
    row; a new password, a disabled user or lost access deletes every row of the user, so a
    copied cookie stops working at once. Read by primary key on every request. On SQLite
    the rows live in a file of their own, socialdesk.sessions.db (socialdesk.users.sessions),
    so a login never waits for an import; this table is then unused."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's id
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


# Indexes the cockpit's pages need at agency scale (1 M posts), declared here so the model
# and migration 0002 agree: the posts table is read newest first (undated posts last) across
# all accounts. SQLite walks a plain index in that order; PostgreSQL needs it spelled out.
Index(
    "ix_post_published_at",
    Post.published_at,
    postgresql_ops={"published_at": "DESC NULLS LAST"},
)


# -- the inbox (skill 2): messages, threads, labels, assignments, replies ---------------------
THREAD_STATUSES = ("new", "open", "waiting", "done")
MESSAGE_KINDS = ("comment", "reply", "mention", "dm")


class MessageThread(Base):
    """A conversation: the comments under one post by one person, a DM thread, a mention.

    `status` moves new -> open -> waiting (on the person) -> done; `assignee` is the team
    member who answers it. Times are UTC.
    """

    __tablename__ = "message_thread"
    __table_args__ = (
        UniqueConstraint("workspace_id", "platform", "external_id"),
        Index("ix_message_thread_queue", "workspace_id", "status", "last_message_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(30))
    external_id: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="comment")
    subject: Mapped[str | None] = mapped_column(Text)  # the post commented on, or a topic
    post_external_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="new")
    assignee: Mapped[str | None] = mapped_column(String(150))
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # first message from outside
    last_message_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class Message(Base):
    """One comment, reply, mention or direct message, from outside or from the organisation.

    The triage columns hold the latest automatic reading (lexicon or the workspace's learnt
    model, named in `triaged_by`); what a person set lives in MessageLabel and wins.
    """

    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("workspace_id", "platform", "external_id"),
        Index("ix_message_thread_received", "thread_id", "received_at"),
        Index("ix_message_workspace_received", "workspace_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(30))
    external_id: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="comment")
    author_handle: Mapped[str] = mapped_column(String(300))
    author_name: Mapped[str | None] = mapped_column(String(300))
    author_followers: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(20))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    is_from_org: Mapped[bool] = mapped_column(default=False)
    in_reply_to: Mapped[str | None] = mapped_column(String(300))  # external id
    answered_by: Mapped[str | None] = mapped_column(String(150))  # team member, org messages
    permalink: Mapped[str | None] = mapped_column(String(1000))
    sentiment: Mapped[str | None] = mapped_column(String(10))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    sentiment_confidence: Mapped[float | None] = mapped_column(Float)
    intent: Mapped[str | None] = mapped_column(String(20))
    intent_confidence: Mapped[float | None] = mapped_column(Float)
    urgency: Mapped[float | None] = mapped_column(Float)  # 0..1
    triaged_by: Mapped[str | None] = mapped_column(String(100))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL")
    )


class MessageLabel(Base):
    """A label a person set on a message (sentiment, intent, urgency or a free tag).

    These are the team's ground truth: they train the workspace's model and override triage.
    """

    __tablename__ = "message_label"
    __table_args__ = (
        UniqueConstraint("message_id", "kind", "value"),
        Index("ix_message_label_workspace_kind", "workspace_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(100))
    set_by: Mapped[str] = mapped_column(String(150))
    source: Mapped[str] = mapped_column(String(20), default="person")
    set_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class MessageAssignment(Base):
    """Who a thread was given to, by whom and when (the history; the thread holds the latest)."""

    __tablename__ = "message_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"))
    assignee: Mapped[str | None] = mapped_column(String(150))
    assigned_by: Mapped[str] = mapped_column(String(150))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class MessageReply(Base):
    """A reply written in the cockpit: a draft until a person marks it sent."""

    __tablename__ = "message_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(150))
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | sent
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SavedReply(Base):
    """A reusable answer with variables ({name}, {topic}, {team}), per language."""

    __tablename__ = "saved_reply"
    __table_args__ = (UniqueConstraint("workspace_id", "name", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(20))
    intent: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)


class InboxModel(Base):
    """The classifier a workspace learnt from its team's labels, with its held-back scores.

    `in_charge` is true when the model reads any message: it was at least as good as the
    lexicon on the held-back labels of some language. `languages` (JSON) holds the verdict per
    language: {"min_held_back": n, "languages": {code: {n_labels, holdout_n, score_model,
    score_lexicon (value, low, high, n, method), enough, in_charge}}}; the model reads only
    the languages whose `in_charge` is true (inbox/learning.py). NULL for a model stored
    before the per-language verdict (revision 0015): `in_charge` then covers every language,
    as it did.
    `payload` is the fitted scikit-learn pipeline, pickled and base64-encoded.
    """

    __tablename__ = "inbox_model"
    __table_args__ = (UniqueConstraint("workspace_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(20))  # sentiment | intent
    trained_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    n_labels: Mapped[int] = mapped_column(Integer)
    holdout_n: Mapped[int] = mapped_column(Integer)
    score_model: Mapped[float | None] = mapped_column(Float)
    score_lexicon: Mapped[float | None] = mapped_column(Float)
    metric: Mapped[str] = mapped_column(String(50), default="macro-F1")
    in_charge: Mapped[bool] = mapped_column(default=False)
    languages: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    payload: Mapped[str] = mapped_column(Text)


# -- visual (skill 1): image files, their measured features, and the posts that used them ------
class Media(Base):
    """An image file the workspace knows, with what socialdesk measured in it.

    `post_id` joins it to the post that used it (NULL for a file not matched to a post);
    `features` holds every measured figure (socialdesk.visual.images.ImageFeatures).
    """

    __tablename__ = "media"
    __table_args__ = (
        UniqueConstraint("workspace_id", "path"),
        Index("ix_media_post_id", "post_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    file_size: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str | None] = mapped_column(String(20))
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    analysed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


# -- online marketing (skill 4): the plan, the content calendar, links and tags ---------------
# The analytics skill keeps its steering goals (metric, target, period) in the workspace fact
# "analytics.goals"; the marketing plan is a document of its own (goals -> objectives ->
# audiences -> channels -> KPIs, plus content pillars), versioned here. An objective may name
# an analytics goal by its id, so both faces show the same target.
PLAN_ITEM_STATUSES = ("idea", "draft", "review", "approved", "scheduled", "published", "failed")
PUBLICATION_STATUSES = ("waiting", "scheduled", "sending", "published", "failed")
TAG_TARGETS = ("post", "campaign", "link", "plan_item")
TAG_DIMENSIONS = ("objective", "audience", "pillar")


class MarketingPlanVersion(Base):
    """One saved version of the marketing plan (the whole document as JSON); the highest
    `version` of a workspace is the plan in force."""

    __tablename__ = "marketing_plan_version"
    __table_args__ = (UniqueConstraint("workspace_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_by: Mapped[str] = mapped_column(String(150))
    note: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class PlanItem(Base):
    """A planned piece of content on the calendar: idea -> draft -> approved -> scheduled ->
    published. `scheduled_at` is UTC (as Post.published_at); `post_id` is the imported post
    it was matched to once published."""

    __tablename__ = "plan_item"
    __table_args__ = (Index("ix_plan_item_workspace_scheduled", "workspace_id", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="idea")
    platform: Mapped[str | None] = mapped_column(String(30))
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    pillar: Mapped[str | None] = mapped_column(String(100))
    audience: Mapped[str | None] = mapped_column(String(100))
    objective: Mapped[str | None] = mapped_column(String(100))
    owner: Mapped[str | None] = mapped_column(String(150))
    text: Mapped[str | None] = mapped_column(Text)
    media: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"files": [...]}
    link: Mapped[str | None] = mapped_column(String(2000))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    match_score: Mapped[float | None] = mapped_column(Float)
    approved_by: Mapped[str | None] = mapped_column(String(150))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    first_comment: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(150))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class PlanItemComment(Base):
    """A stakeholder's comment on a plan item; kind "approve" / "reject" records a decision."""

    __tablename__ = "plan_item_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20), default="comment")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class MarketingLink(Base):
    """A tagged link built with the UTM builder (or registered for validation)."""

    __tablename__ = "marketing_link"
    __table_args__ = (UniqueConstraint("workspace_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    base_url: Mapped[str] = mapped_column(String(2000))
    utm_source: Mapped[str | None] = mapped_column(String(200))
    utm_medium: Mapped[str | None] = mapped_column(String(200))
    utm_campaign: Mapped[str | None] = mapped_column(String(300))
    utm_content: Mapped[str | None] = mapped_column(String(300))
    utm_term: Mapped[str | None] = mapped_column(String(300))
    plan_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_item.id", ondelete="SET NULL")
    )
    created_by: Mapped[str | None] = mapped_column(String(150))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class MarketingTag(Base):
    """Ties a post, campaign, link or plan item to one objective, audience or pillar (by the
    key it has in the plan): one value per target and dimension."""

    __tablename__ = "marketing_tag"
    __table_args__ = (
        UniqueConstraint("workspace_id", "target_kind", "target_id", "dimension"),
        Index("ix_marketing_tag_lookup", "workspace_id", "dimension", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    dimension: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(100))
    set_by: Mapped[str] = mapped_column(String(150))
    source: Mapped[str] = mapped_column(String(20), default="person")  # person | rule
    set_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


# -- connections (issue #14): platform APIs, their syncs, and the job worker -----------------
CONNECTION_STATUSES = ("active", "paused")
JOB_STATUSES = ("queued", "running", "done", "failed", "retrying", "skipped")


class Connection(Base):
    """A link to one platform account's API: whose, with which (encrypted) credential, and
    how it went last time. The secret is a Fernet token; it never leaves the connectors."""

    __tablename__ = "connection"
    __table_args__ = (UniqueConstraint("workspace_id", "platform", "handle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(30))
    handle: Mapped[str] = mapped_column(String(300))
    name: Mapped[str | None] = mapped_column(String(300))
    external_id: Mapped[str | None] = mapped_column(String(300))  # DID, account or page id
    secret: Mapped[str] = mapped_column(Text)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    scopes: Mapped[list[str] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="active")
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_ok_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class SyncCursor(Base):
    """Where a connection's stream stands: the API's page cursor of a run in progress (to
    resume a killed sync) and the high-water mark of the last complete run."""

    __tablename__ = "sync_cursor"
    __table_args__ = (UniqueConstraint("connection_id", "stream"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    stream: Mapped[str] = mapped_column(String(50))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class SyncRun(Base):
    """One sync of one connection: its import batch (the lineage of every row it wrote), and
    per stream the pages, rows and the error that stopped it, if any."""

    __tablename__ = "sync_run"
    __table_args__ = (Index("ix_sync_run_connection_started", "connection_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL")
    )
    trigger: Mapped[str] = mapped_column(String(20), default="command")  # command|worker|web
    status: Mapped[str] = mapped_column(String(20), default="running")  # running|ok|partial|failed
    streams: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Job(Base):
    """A job of the worker, as the cockpit shows it (huey carries it; this row tells its
    story): queued, running, done, failed or retrying, with attempts and the last error."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_workspace_status", "workspace_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    key: Mapped[str] = mapped_column(String(200))  # idempotency: one live job per key
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    enqueued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Publication(Base):
    """One calendar item going out on one connected account. `text` is this network's own
    text (None: the item's). Status: waiting (the item is not scheduled yet), scheduled (the
    worker sends it at `due_at`, UTC: the item's time or a retry's), handing/handed (given to
    a network that publishes it itself at its time, `handed_id`), withdrawing (held there but
    no longer wanted as it is: the worker takes it back), sending (an attempt is
    recorded and the platform called: after a crash the worker looks for the post on the
    platform before it sends again), published (`remote_id`, `url`, the stored `post_id`) or
    failed (`error`). `key` is the idempotency key every attempt sends."""

    __tablename__ = "publication"
    __table_args__ = (
        UniqueConstraint("plan_item_id", "connection_id", "network"),
        Index("ix_publication_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"))
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    network: Mapped[str] = mapped_column(String(30))
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    key: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    remote_id: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)
    # the network's id of the post it holds to publish itself (Mastodon's scheduled status)
    handed_id: Mapped[str | None] = mapped_column(String(100))
    # what was given to the network (text, time, media, ...) at the claim or the hand-over:
    # what the worker looks for after a crash or a take-back, whatever the item says by then
    sent: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PublishEvent(Base):
    """The audit log of publishing: who did what to a calendar item when (drafted, approved,
    scheduled, sent, published, failed, retried), what was sent and what the platform
    answered (`detail`; never a credential)."""

    __tablename__ = "publish_event"
    __table_args__ = (Index("ix_publish_event_item_at", "plan_item_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"))
    publication_id: Mapped[int | None] = mapped_column(
        ForeignKey("publication.id", ondelete="SET NULL")
    )
    actor: Mapped[str] = mapped_column(String(150))
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class MailSettings(Base):
    """The workspace's outgoing mail server, for the reports sent on a schedule. `secret` is
    the password sealed with the workspace's SecretBox (a Fernet token, None: no login); it
    never leaves socialdesk.reports.mail."""

    __tablename__ = "mail_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), unique=True
    )
    host: Mapped[str] = mapped_column(String(300))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(10))  # starttls, ssl or none
    username: Mapped[str | None] = mapped_column(String(300))
    secret: Mapped[str | None] = mapped_column(Text)
    sender: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class ReportSchedule(Base):
    """A report sent by e-mail on the first working day of each month at 09:00 (Amsterdam),
    of the month before. `last_sent_month` (YYYY-MM) is the last month sent; the worker claims
    a schedule by setting `last_attempt_at` in a conditional UPDATE before it sends, so one
    month goes out once; `last_error` says why the last attempt did not send."""

    __tablename__ = "report_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="monthly")
    lang: Mapped[str] = mapped_column(String(5))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    last_sent_month: Mapped[str | None] = mapped_column(String(7))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
