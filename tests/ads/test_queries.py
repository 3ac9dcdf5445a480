"""queries.py on SQLite and PostgreSQL: raw delivery, campaigns, budget plans."""

from __future__ import annotations

import datetime as dt
import uuid

from socialdesk.ads import queries
from socialdesk.store import session_scope
from socialdesk.store.session import WorkspaceHandle, ensure_workspace
from tests.ads.seeding import write_rows

D1, D2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)


def _seed(ws):
    write_rows(
        ws,
        [
            {
                "campaign_name": "Lente",
                "date_start": D1,
                "date_end": D1,
                "spend": 10.0,
                "impressions": 1000.0,
                "clicks": 20.0,
            },
            {
                "campaign_name": "Lente",
                "date_start": D2,
                "date_end": D2,
                "spend": 12.5,
                "impressions": 1100.0,
                "clicks": 25.0,
            },
            {
                "campaign_name": "Lente",
                "ad_set_name": "Set A",
                "ad_name": "Ad 1",
                "date_start": D1,
                "date_end": D1,
                "spend": 10.0,
                "impressions": 1000.0,
                "clicks": 20.0,
            },
            {
                "campaign_name": "Lente",
                "date_start": D1,
                "date_end": dt.date(2026, 3, 31),
                "spend": 300.0,
                "impressions": 30000.0,
            },
        ],
    )


def test_delivery_rows_of_every_grain_and_only_this_workspace(ws):
    _seed(ws)
    other = WorkspaceHandle(
        ws.folder, ws.engine, ensure_workspace(ws.engine, f"t-{uuid.uuid4().hex[:12]}"), "other"
    )
    write_rows(
        other, [{"campaign_name": "Elders", "date_start": D1, "date_end": D1, "spend": 99.0}]
    )
    with session_scope(ws.engine) as s:
        f = queries.ad_delivery(s, ws.workspace_id)
        only_d2 = queries.ad_delivery(s, ws.workspace_id, start=D2, end=D2)
        first, last = queries.delivery_range(s, ws.workspace_id)
        camps = queries.campaigns(s, ws.workspace_id)
    assert len(f) == 4 and set(f["campaign"]) == {"Lente"}
    assert sorted(f["grain"].unique()) == ["ad_set:Set A|ad:Ad 1", "campaign"]
    assert f["spend"].sum() == 10.0 + 12.5 + 10.0 + 300.0
    assert set(f["currency"]) == {"EUR"} and f["date_start"].map(type).eq(dt.date).all()
    # the monthly row overlaps 2 March, the 1 March rows do not
    assert sorted(only_d2["spend"]) == [12.5, 300.0]
    assert (first, last) == (D1, dt.date(2026, 3, 31))
    assert list(camps["campaign"]) == ["Lente"] and camps["platform"].iloc[0] == "meta_ads"


def test_budget_plans_round_trip(ws):
    with session_scope(ws.engine) as s:
        assert queries.budget_plans(s, ws.workspace_id) == []
        queries.save_budget_plans(
            s, ws.workspace_id, [{"campaign": "*", "month": "2026-03", "amount": 500.0}]
        )
    with session_scope(ws.engine) as s:
        assert queries.budget_plans(s, ws.workspace_id)[0]["amount"] == 500.0
        queries.save_budget_plans(s, ws.workspace_id, [])
    with session_scope(ws.engine) as s:
        assert queries.budget_plans(s, ws.workspace_id) == []
