"""GA4 and Search Console: a service account's signed JWT for a token, reports by day with
paging, the synced and the downloaded GA4 row are one, missing access and quota in plain
words. Recorded Google APIs (tests/connectors/google_api.py), SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import respx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialdesk.connectors import ga4, run, search_console
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.secrets import SecretBox
from socialdesk.model import Account, SearchPerformance, WebDay
from tests.conftest import fixture_path
from tests.connectors.google_api import (
    DAYS,
    PAGES,
    PROPERTY,
    PROPERTY_NAME,
    QUERIES,
    SITE,
    SOURCES,
    FakeGoogle,
    gerror,
    service_account,
)


def _no_sleep(_s: float) -> None:
    return None


HTTP = HttpOptions(sleep=_no_sleep)
SINCE = dt.datetime(2026, 2, 1)


@pytest.fixture
def api():
    fake = FakeGoogle()
    with respx.mock(assert_all_called=False) as router:
        fake.install(router)
        yield fake


@pytest.fixture
def box(tmp_path) -> SecretBox:
    return SecretBox.for_workspace(tmp_path)


def _connect(ws, box, platform, **values):
    with Session(ws.engine) as session, session.begin():
        return run.connect(
            session, ws.workspace_id, platform, values, box, created_by="t", http=HTTP
        )


def _sync(ws, box, cid, **kw):
    return run.sync(ws.engine, ws.workspace_id, box, connection_id=cid, http=HTTP, **kw)[0]


def _count(ws, model, *where):
    with Session(ws.engine) as s:
        return s.scalar(
            select(func.count())
            .select_from(model)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id, *where)
        )


def test_connect_refuses_a_key_google_does_not_accept_and_a_wrong_property(ws, box, api):
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(run.ConnectRefused) as refused:
        _connect(
            ws, box, "ga4", property=PROPERTY, service_account=json.dumps(service_account(other))
        )
    assert (
        refused.value.error.kind == "auth" and "Invalid JWT Signature" in refused.value.error.detail
    )
    with pytest.raises(run.ConnectRefused) as refused:
        _connect(ws, box, "ga4", property="999", service_account=json.dumps(service_account()))
    assert "no property with this id" in refused.value.error.message
    with pytest.raises(run.ConnectRefused) as refused:
        _connect(ws, box, "ga4", property=PROPERTY, service_account="{not json")
    assert refused.value.error.field == "service_account"


def test_ga4_reports_by_day_with_paging_land_as_the_download_does(
    ws, box, api, importer, monkeypatch
):
    monkeypatch.setattr(ga4, "LIMIT", 50)
    [rep] = importer.import_paths([fixture_path("google", "ga4_traffic_acquisition_by_date.csv")])
    assert rep.status == "imported", rep.error
    downloaded = _count(ws, WebDay)
    health = _connect(
        ws, box, "ga4", property=PROPERTY, service_account=json.dumps(service_account())
    )
    assert health.handle == PROPERTY_NAME
    report = _sync(ws, box, health.id, since=SINCE)
    assert report.status == "ok", report
    traffic, pages = report.streams
    assert traffic.pages == 3 and traffic.items == len(DAYS) * len(SOURCES)
    assert pages.items == len(DAYS) * len(PAGES)
    # the download's 5 rows are among the synced ones: updated, not added
    assert _count(ws, WebDay) == len(DAYS) * (len(SOURCES) + len(PAGES))
    assert traffic.added == len(DAYS) * len(SOURCES) - downloaded
    with Session(ws.engine) as s:
        accounts = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).all()
        assert [(a.platform, a.handle) for a in accounts] == [("ga4", PROPERTY_NAME)]
        row = s.scalar(
            select(WebDay)
            .join(Account)
            .where(
                Account.workspace_id == ws.workspace_id,
                WebDay.report == "Traffic acquisition",
                WebDay.date_start == dt.date(2026, 2, 3),
                WebDay.dimension_key.like("session_source_medium=google / organic%"),
            )
        )
        assert (row.source, row.medium, row.channel_group) == (
            "google",
            "organic",
            "Organic Search",
        )
        assert row.sessions == 10 + 3 and row.users == 10 + 3 + 2
    again = _sync(ws, box, health.id)
    assert again.added == 0
    asked = api.requests[-1]["dateRanges"][0]["startDate"]
    assert asked == (DAYS[-1] - dt.timedelta(days=3)).isoformat()  # the refresh window


def test_ga4_missing_access_and_used_up_quota(ws, box, api):
    cid = _connect(
        ws, box, "ga4", property=PROPERTY, service_account=json.dumps(service_account())
    ).id
    api.faults[("sessionSourceMedium", 1)] = gerror(
        403, "PERMISSION_DENIED", "User does not have sufficient permissions for this property."
    )
    api.faults[("unifiedPagePathScreen", 1)] = gerror(
        429, "RESOURCE_EXHAUSTED", "Exhausted property tokens per hour for this property."
    )
    report = _sync(ws, box, cid, since=SINCE)
    traffic, pages = report.streams
    assert traffic.status == "failed" and traffic.error["kind"] == "permission"
    assert "Google refuses access" in traffic.error["message"]
    assert pages.status == "ok"  # the quota error was waited out and retried


def test_search_console_days_queries_and_pages(ws, box, api, monkeypatch):
    monkeypatch.setattr(search_console, "ROWS", 100)
    health = _connect(
        ws, box, "search_console", site=SITE, service_account=json.dumps(service_account())
    )
    assert health.handle == "voorbeeld.nl"
    report = _sync(ws, box, health.id, since=SINCE)
    assert report.status == "ok", report
    _dates, queries, _pages = report.streams
    assert queries.pages == 3 and queries.items == len(DAYS) * len(QUERIES)
    assert _count(ws, SearchPerformance, SearchPerformance.dimension == "date") == len(DAYS)
    assert _count(ws, SearchPerformance, SearchPerformance.dimension == "query") == len(DAYS) * len(
        QUERIES
    )
    assert _count(ws, SearchPerformance, SearchPerformance.dimension == "page") == len(DAYS) * len(
        PAGES
    )
    with Session(ws.engine) as s:
        day = s.scalar(
            select(SearchPerformance)
            .join(Account)
            .where(
                Account.workspace_id == ws.workspace_id,
                SearchPerformance.dimension == "date",
                SearchPerformance.value == "2026-02-05",
            )
        )
        assert (day.clicks, day.impressions, day.date_start, day.date_end) == (
            5,
            50,
            dt.date(2026, 2, 5),
            dt.date(2026, 2, 5),
        )
        assert day.ctr == pytest.approx(0.1)
    assert _sync(ws, box, health.id).added == 0


def test_search_console_refuses_a_site_without_access(ws, box, api):
    with respx.mock(assert_all_called=False) as router:
        api.install(router)
        router.get("https://www.googleapis.com/webmasters/v3/sites/sc-domain%3Aandere.nl").mock(
            return_value=gerror(
                403,
                "PERMISSION_DENIED",
                "User does not have sufficient permission for site 'sc-domain:andere.nl'.",
            )
        )
        with pytest.raises(run.ConnectRefused) as refused:
            _connect(
                ws,
                box,
                "search_console",
                site="sc-domain:andere.nl",
                service_account=json.dumps(service_account()),
            )
    assert refused.value.error.kind == "permission"


def test_connect_ga4_from_the_command_line_with_a_key_file(tmp_path, api, monkeypatch):
    from typer.testing import CliRunner

    from socialdesk.cli import app

    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    key = tmp_path / "key.json"
    key.write_text(json.dumps(service_account()))
    w = str(tmp_path / "ws")
    runner = CliRunner()
    ok = runner.invoke(
        app, ["connect", "ga4", "-w", w, "--property", PROPERTY, "--key-file", str(key)]
    )
    assert ok.exit_code == 0, ok.output
    assert PROPERTY_NAME in ok.output
    listed = runner.invoke(app, ["connections", "-w", w, "--json"]).output
    assert "PRIVATE KEY" not in listed and "private_key" not in listed
    synced = runner.invoke(app, ["sync", "-w", w, "--since", "2026-02-01", "--json"])
    assert synced.exit_code == 0, synced.output
    [report] = json.loads(synced.output)
    assert report["status"] == "ok" and report["streams"][0]["items"] == len(DAYS) * len(SOURCES)
