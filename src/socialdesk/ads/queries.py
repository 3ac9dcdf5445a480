"""Every database read and write of the advertising skill.

The only module of socialdesk.ads that touches SQLAlchemy. Each function takes a Session and
plain values and returns a DataFrame with explicit columns (or plain dicts). The SQL is
plain SELECTs with joins that SQLite and PostgreSQL both run; every query is filtered by the
workspace through the account join.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialdesk.model import AD_METRICS, Account, Ad, AdDay, AdSet, Campaign, WorkspaceFact
from socialdesk.store.upsert import upsert

BUDGETS_KEY = "ads.budgets"

DELIVERY_COLUMNS: tuple[str, ...] = (
    "account_id",
    "platform",
    "account",
    "account_currency",
    "campaign_id",
    "campaign",
    "campaign_key",
    "objective",
    "ad_set_id",
    "ad_set",
    "ad_id",
    "ad",
    "grain",
    "breakdown",
    "date_start",
    "date_end",
    "currency",
    *AD_METRICS,
    "result_type",
    "attribution_setting",
)
CAMPAIGN_COLUMNS: tuple[str, ...] = (
    "campaign_id",
    "campaign",
    "campaign_key",
    "platform",
    "account",
    "account_currency",
    "objective",
    "status",
    "budget",
    "budget_type",
    "start_date",
    "end_date",
)


def _dates(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """Columns of dates as `datetime.date` objects (None where missing), converted in one
    vectorised step (a loop over the values took seconds at agency scale)."""
    for c in cols:
        values = pd.to_datetime(frame[c])
        days = pd.Series(values.dt.date, index=frame.index, dtype=object)
        frame[c] = days.where(values.notna(), None)
    return frame


def ad_delivery(
    session: Session,
    workspace_id: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    platform: str | None = None,
    campaign_ids: list[int] | None = None,
) -> pd.DataFrame:
    """Every stored delivery row (all grains, all periods) overlapping [start, end].

    The rows are raw: campaign totals and ad rows of one campaign, daily and monthly rows,
    all side by side. socialdesk.ads.delivery picks the rows that may be added up.
    """
    account_label = func.coalesce(Account.name, Account.handle)
    stmt = (
        select(
            Account.id,
            Account.platform,
            account_label,
            Account.currency,
            Campaign.id,
            Campaign.name,
            Campaign.key,
            Campaign.objective,
            AdDay.ad_set_id,
            AdSet.name,
            AdDay.ad_id,
            Ad.name,
            AdDay.grain,
            AdDay.breakdown,
            AdDay.date_start,
            AdDay.date_end,
            AdDay.currency,
            *[getattr(AdDay, m) for m in AD_METRICS],
            AdDay.result_type,
            AdDay.attribution_setting,
        )
        .join(Campaign, Campaign.id == AdDay.campaign_id)
        .join(Account, Account.id == Campaign.account_id)
        .outerjoin(AdSet, AdSet.id == AdDay.ad_set_id)
        .outerjoin(Ad, Ad.id == AdDay.ad_id)
        .where(Account.workspace_id == workspace_id)
    )
    if start is not None:
        stmt = stmt.where(AdDay.date_end >= start)
    if end is not None:
        stmt = stmt.where(AdDay.date_start <= end)
    if platform:
        stmt = stmt.where(Account.platform == platform)
    if campaign_ids:
        stmt = stmt.where(Campaign.id.in_(campaign_ids))
    stmt = stmt.order_by(Campaign.id, AdDay.date_start, AdDay.grain)
    frame = pd.DataFrame(session.execute(stmt).all(), columns=list(DELIVERY_COLUMNS))
    for c in AD_METRICS:
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    for c in ("ad_set_id", "ad_id"):
        frame[c] = frame[c].astype("Int64")
    return _dates(frame, "date_start", "date_end")


def campaigns(session: Session, workspace_id: int) -> pd.DataFrame:
    """The workspace's campaigns with the budget and schedule their exports gave."""
    stmt = (
        select(
            Campaign.id,
            Campaign.name,
            Campaign.key,
            Account.platform,
            func.coalesce(Account.name, Account.handle),
            Account.currency,
            Campaign.objective,
            Campaign.status,
            Campaign.budget,
            Campaign.budget_type,
            Campaign.start_date,
            Campaign.end_date,
        )
        .join(Account, Account.id == Campaign.account_id)
        .where(Account.workspace_id == workspace_id)
        .order_by(Account.platform, Campaign.name, Campaign.id)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=list(CAMPAIGN_COLUMNS))
    frame["budget"] = pd.to_numeric(frame["budget"], errors="coerce").astype("float64")
    return _dates(frame, "start_date", "end_date")


def delivery_range(session: Session, workspace_id: int) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day any ad delivery covers in the workspace."""
    stmt = (
        select(func.min(AdDay.date_start), func.max(AdDay.date_end))
        .join(Campaign, Campaign.id == AdDay.campaign_id)
        .join(Account, Account.id == Campaign.account_id)
        .where(Account.workspace_id == workspace_id)
    )
    first, last = session.execute(stmt).one()

    def conv(v):
        return None if v is None else pd.Timestamp(v).date()

    return conv(first), conv(last)


def last_daily_day(session: Session, workspace_id: int) -> dt.date | None:
    """The last day with daily delivery (a row of one day) in the workspace."""
    stmt = (
        select(func.max(AdDay.date_start))
        .join(Campaign, Campaign.id == AdDay.campaign_id)
        .join(Account, Account.id == Campaign.account_id)
        .where(Account.workspace_id == workspace_id, AdDay.date_start == AdDay.date_end)
    )
    found = session.scalar(stmt)
    return None if found is None else pd.Timestamp(found).date()


def budget_plans(session: Session, workspace_id: int) -> list[dict[str, Any]]:
    """The budgets the manager entered (campaign, period, amount, currency)."""
    value = session.scalar(
        select(WorkspaceFact.value).where(
            WorkspaceFact.workspace_id == workspace_id, WorkspaceFact.key == BUDGETS_KEY
        )
    )
    return list((value or {}).get("plans", []))


def save_budget_plans(session: Session, workspace_id: int, plans: list[dict[str, Any]]) -> None:
    """Replace the manager's budgets with `plans` (checked by socialdesk.ads.pacing)."""
    row = {"workspace_id": workspace_id, "key": BUDGETS_KEY, "value": {"plans": plans}}
    upsert(session, WorkspaceFact.__table__, [row], keys=("workspace_id", "key"))


__all__ = [
    "BUDGETS_KEY",
    "ad_delivery",
    "budget_plans",
    "campaigns",
    "delivery_range",
    "save_budget_plans",
]
