"""The overview is kept per data version and day (issue #18): a viewer asking again costs the
version check, not the page's statements; a new row, an import or a new day makes it again."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event

from socialdesk.model import Account, AccountDay
from socialdesk.overview import run
from socialdesk.store.rollups import refresh_all
from socialdesk.store.session import session_scope

TODAY = dt.date(2026, 11, 1)


def _seed(ws) -> int:
    with session_scope(ws.engine) as s:
        acc = Account(workspace_id=ws.workspace_id, platform="x", handle="kept")
        s.add(acc)
        s.flush()
        for i in range(60):
            day = TODAY - dt.timedelta(days=60 - i)
            s.add(AccountDay(account_id=acc.id, date=day, impressions=100.0 + i, followers=500.0))
        s.flush()
        refresh_all(s)
        return acc.id


def _impressions(report: run.OverviewReport) -> float | None:
    (platform,) = report.overview.platforms
    return platform.figures["impressions"].current


def test_asking_again_reads_only_the_version_and_new_rows_show(ws):
    account = _seed(ws)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(ws.engine, "before_cursor_execute", count)
    try:
        with session_scope(ws.engine) as s:
            first = run.overview(s, ws.workspace_id, days=30, today=TODAY)
        made = len(statements)
        statements.clear()
        with session_scope(ws.engine) as s:
            again = run.overview(s, ws.workspace_id, days=30, today=TODAY)
        assert again.overview is first.overview  # the kept result
        assert len(statements) < made / 2, (len(statements), made)
        with session_scope(ws.engine) as s:  # a new day of figures: made again
            s.add(AccountDay(account_id=account, date=TODAY, impressions=10_000.0))
        with session_scope(ws.engine) as s:
            changed = run.overview(s, ws.workspace_id, days=30, today=TODAY)
        # the period now ends on the new day: its 29 days before it and the new one
        assert _impressions(first) == sum(100.0 + i for i in range(30, 60))
        assert _impressions(changed) == sum(100.0 + i for i in range(31, 60)) + 10_000.0
        with session_scope(ws.engine) as s:  # another day asking: not the kept one
            later = run.overview(s, ws.workspace_id, days=30, today=TODAY + dt.timedelta(days=1))
        assert later.overview is not changed.overview
    finally:
        event.remove(ws.engine, "before_cursor_execute", count)
