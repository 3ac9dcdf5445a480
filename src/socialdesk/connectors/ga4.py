"""Google Analytics 4 (Data API): the rows a GA4 report download gives, by day.

Connect with the property's id (Admin > Property details) and a service account key whose
e-mail address is a Viewer of the property (see google.py). Endpoints:
  GET  https://analyticsadmin.googleapis.com/v1beta/properties/{id}      connect: its name
  POST https://analyticsdata.googleapis.com/v1beta/properties/{id}:runReport
       {dateRanges, dimensions, metrics, orderBys, limit, offset}
       -> {dimensionHeaders, metricHeaders, rows: [{dimensionValues, metricValues}], rowCount}
Each stream asks for one of GA4's standard reports with the Date dimension, names the
columns as the report's CSV download names them, and reads them with the GA4 importer
(importers/ga4_report_csv.py: layout and convert), so a synced row and a downloaded one are
the same row (report, dimension key, day). The account is the property by its display name,
as the download's "# Property:" line names it. A first sync goes back 90 days (or --since);
later runs go back 3 days before the newest day synced, since GA4 keeps processing recent
days for up to 48 hours.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from socialdesk.connectors import google
from socialdesk.connectors.base import (
    N_,
    Connector,
    Field,
    HttpOptions,
    Identity,
    Page,
    Stream,
    StreamContext,
)
from socialdesk.connectors.errors import ConnectorError, shape_error
from socialdesk.connectors.http import ApiClient
from socialdesk.importers.base import AccountRef, Chunk, ReadContext
from socialdesk.importers.ga4_report_csv import PLATFORM, Meta, convert, layout
from socialdesk.importers.tabular import ROW_COL

SCOPE = "https://www.googleapis.com/auth/analytics.readonly"
ADMIN = "https://analyticsadmin.googleapis.com/v1beta"
DATA = "https://analyticsdata.googleapis.com/v1beta"
LIMIT = 10_000
FIRST_SYNC_DAYS = 90

# API name -> the header the report's CSV download gives it (English UI)
DIMENSIONS = {
    "date": "Date",
    "sessionSourceMedium": "Session source / medium",
    "sessionCampaignName": "Session campaign",
    "sessionDefaultChannelGroup": "Session default channel group",
    "unifiedPagePathScreen": "Page path and screen class",
    "eventName": "Event name",
}
METRICS = {
    "sessions": "Sessions",
    "engagedSessions": "Engaged sessions",
    "totalUsers": "Total users",
    "activeUsers": "Active users",
    "newUsers": "New users",
    "screenPageViews": "Views",
    "eventCount": "Event count",
    "keyEvents": "Key events",
    "totalRevenue": "Total revenue",
    "userEngagementDuration": "User engagement",
}
REPORTS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "traffic_acquisition": (
        "Traffic acquisition",
        ("date", "sessionSourceMedium", "sessionCampaignName", "sessionDefaultChannelGroup"),
        (
            "sessions",
            "engagedSessions",
            "totalUsers",
            "newUsers",
            "eventCount",
            "keyEvents",
            "totalRevenue",
            "userEngagementDuration",
        ),
    ),
    "pages_and_screens": (
        "Pages and screens",
        ("date", "unifiedPagePathScreen"),
        (
            "screenPageViews",
            "activeUsers",
            "eventCount",
            "keyEvents",
            "totalRevenue",
            "userEngagementDuration",
        ),
    ),
}


def _property(value: str) -> str:
    value = value.strip().removeprefix("properties/")
    if not value.isdigit():
        raise ConnectorError(
            "input",
            N_("give the GA4 property id: the number under Admin > Property details"),
            field="property",
        )
    return value


def connect(values: dict[str, str], http: HttpOptions) -> Identity:
    prop = _property(values.get("property") or "")
    key = google.read_key(values.get("service_account") or "")
    with google.client(key, SCOPE, http) as api:
        try:
            body = api.get_json(f"{ADMIN}/properties/{prop}")
        except ConnectorError as exc:
            if exc.kind == "not_found":
                exc.message = N_("GA4 knows no property with this id")
            raise
    if not isinstance(body, dict) or not body.get("displayName"):
        raise shape_error("connect", "property.displayName", "is missing")
    return Identity(
        handle=str(body["displayName"]),
        name=str(body["displayName"]),
        external_id=prop,
        credentials={"service_account": key},
        settings={
            "time_zone": body.get("timeZone"),
            "currency": body.get("currencyCode"),
            "service_account_email": key["client_email"],
        },
    )


def client(credentials: dict[str, Any], settings: dict[str, Any], http: HttpOptions) -> ApiClient:
    return google.client(credentials["service_account"], SCOPE, http)


def _report(stream: str):
    report, dims, metrics = REPORTS[stream]

    def fetch(ctx: StreamContext, cursor: str | None) -> Page:
        offset = int(cursor or 0)
        start = (
            ctx.stop_before.date()
            if ctx.stop_before
            else ctx.as_of - dt.timedelta(days=FIRST_SYNC_DAYS)
        )
        body = ctx.client.post_json(
            f"{DATA}/properties/{ctx.external_id}:runReport",
            {
                "dateRanges": [{"startDate": start.isoformat(), "endDate": ctx.as_of.isoformat()}],
                "dimensions": [{"name": d} for d in dims],
                "metrics": [{"name": m} for m in metrics],
                "orderBys": [{"dimension": {"dimensionName": d}} for d in dims],
                "limit": str(LIMIT),
                "offset": str(offset),
            },
        )
        if not isinstance(body, dict):
            raise shape_error(ctx.stream, "runReport", "is not an object")
        rows = body.get("rows") or []
        names = [h.get("name") for h in body.get("dimensionHeaders") or []]
        values = [h.get("name") for h in body.get("metricHeaders") or []]
        if rows and (names != list(dims) or values != list(metrics)):
            raise shape_error(ctx.stream, "dimensionHeaders", "do not name what was asked")
        header = [DIMENSIONS[d] for d in dims] + [METRICS[m] for m in metrics]
        table = []
        for i, row in enumerate(rows):
            cells = [v.get("value", "") for v in row.get("dimensionValues") or []] + [
                v.get("value", "") for v in row.get("metricValues") or []
            ]
            if len(cells) != len(header):
                raise shape_error(ctx.stream, f"rows[{i}]", "has the wrong number of values")
            table.append([*cells, offset + i + 1])
        chunks = []
        newest = None
        if table:
            frame = pd.DataFrame(table, columns=[*header, ROW_COL]).astype(
                dict.fromkeys(header, str)
            )
            read = ReadContext(file=f"GA4 API {report}", as_of=ctx.as_of)
            out = convert(frame, report, layout(header), Meta(), read)
            chunks.append(Chunk("web_days", AccountRef(PLATFORM, ctx.handle, name=ctx.handle), out))
            last = pd.Timestamp(out["date_start"].max()).to_pydatetime()
            newest = last.replace(tzinfo=None)
        total = int(body.get("rowCount") or 0)
        more = offset + len(rows) < total and bool(rows)
        return Page(chunks, str(offset + len(rows)) if more else None, newest, items=len(rows))

    return fetch


CONNECTOR = Connector(
    name="ga4",
    platform=PLATFORM,
    title=N_("Google Analytics 4"),
    how_to=N_(
        "In Google Cloud console: a service account with a JSON key; in GA4: Admin > Property "
        "access management > add the service account's e-mail address as Viewer. The property "
        "id is under Admin > Property details."
    ),
    fields=(
        Field("property", N_("Property id")),
        Field("service_account", N_("Service account key (JSON)"), secret=True, multiline=True),
    ),
    connect=connect,
    client=client,
    streams=(
        Stream(
            "traffic_acquisition",
            "web_days",
            _report("traffic_acquisition"),
            every_minutes=360,
            refresh_days=3,
            title=N_("Traffic acquisition by day"),
        ),
        Stream(
            "pages_and_screens",
            "web_days",
            _report("pages_and_screens"),
            every_minutes=360,
            refresh_days=3,
            title=N_("Pages and screens by day"),
        ),
    ),
)
