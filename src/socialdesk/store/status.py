"""What is in a workspace: rows per entity, per platform and account, with date ranges."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialdesk.model import (
    Account,
    AccountDay,
    AdDay,
    AudienceShare,
    Campaign,
    ImportBatch,
    Post,
    PostMetrics,
    SearchPerformance,
    WebDay,
)


@dataclass
class AccountStatus:
    platform: str
    handle: str
    name: str | None
    currency: str | None
    rows: dict[str, int] = field(default_factory=dict)
    first: str | None = None
    last: str | None = None


@dataclass
class WorkspaceStatus:
    workspace: str
    database: str
    entities: dict[str, int]
    accounts: list[AccountStatus]
    imports: int
    last_import: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _span(lo: Any, hi: Any, first: str | None, last: str | None) -> tuple[str | None, str | None]:
    lo_s = str(lo)[:10] if lo is not None else None
    hi_s = str(hi)[:10] if hi is not None else None
    if lo_s and (first is None or lo_s < first):
        first = lo_s
    if hi_s and (last is None or hi_s > last):
        last = hi_s
    return first, last


def workspace_status(
    session: Session, workspace_id: int, slug: str, database: str
) -> WorkspaceStatus:
    accounts = (
        session.execute(
            select(Account)
            .where(Account.workspace_id == workspace_id)
            .order_by(Account.platform, Account.handle)
        )
        .scalars()
        .all()
    )
    acc_ids = [a.id for a in accounts]
    per: dict[int, AccountStatus] = {
        a.id: AccountStatus(a.platform, a.handle, a.name, a.currency) for a in accounts
    }
    entities: dict[str, int] = {"accounts": len(accounts)}

    def gather(label: str, stmt: Any) -> None:
        total = 0
        for acc_id, n, lo, hi in session.execute(stmt):
            st = per[acc_id]
            st.rows[label] = int(n)
            st.first, st.last = _span(lo, hi, st.first, st.last)
            total += int(n)
        entities[label] = total

    in_ws = Account.id.in_(acc_ids) if acc_ids else Account.id == -1
    gather(
        "posts",
        select(
            Post.account_id, func.count(), func.min(Post.published_at), func.max(Post.published_at)
        )
        .join(Account)
        .where(in_ws)
        .group_by(Post.account_id),
    )
    gather(
        "post_metric_snapshots",
        select(
            Post.account_id, func.count(), func.min(PostMetrics.as_of), func.max(PostMetrics.as_of)
        )
        .select_from(PostMetrics)
        .join(Post)
        .join(Account)
        .where(in_ws)
        .group_by(Post.account_id),
    )
    gather(
        "account_days",
        select(
            AccountDay.account_id,
            func.count(),
            func.min(AccountDay.date),
            func.max(AccountDay.date),
        )
        .join(Account)
        .where(in_ws)
        .group_by(AccountDay.account_id),
    )
    gather(
        "campaigns",
        select(
            Campaign.account_id,
            func.count(),
            func.min(Campaign.start_date),
            func.max(Campaign.end_date),
        )
        .join(Account)
        .where(in_ws)
        .group_by(Campaign.account_id),
    )
    gather(
        "ad_days",
        select(
            Campaign.account_id, func.count(), func.min(AdDay.date_start), func.max(AdDay.date_end)
        )
        .select_from(AdDay)
        .join(Campaign)
        .join(Account)
        .where(in_ws)
        .group_by(Campaign.account_id),
    )
    gather(
        "web_days",
        select(
            WebDay.account_id, func.count(), func.min(WebDay.date_start), func.max(WebDay.date_end)
        )
        .join(Account)
        .where(in_ws)
        .group_by(WebDay.account_id),
    )
    gather(
        "search_rows",
        select(
            SearchPerformance.account_id,
            func.count(),
            func.min(SearchPerformance.date_start),
            func.max(SearchPerformance.date_end),
        )
        .join(Account)
        .where(in_ws)
        .group_by(SearchPerformance.account_id),
    )
    gather(
        "audience_rows",
        select(
            AudienceShare.account_id,
            func.count(),
            func.min(AudienceShare.as_of),
            func.max(AudienceShare.as_of),
        )
        .join(Account)
        .where(in_ws)
        .group_by(AudienceShare.account_id),
    )
    imports, last = session.execute(
        select(func.count(), func.max(ImportBatch.finished_at)).where(
            ImportBatch.workspace_id == workspace_id
        )
    ).one()
    return WorkspaceStatus(
        workspace=slug,
        database=database,
        entities=entities,
        accounts=list(per.values()),
        imports=int(imports),
        last_import=str(last)[:19] if last else None,
    )
