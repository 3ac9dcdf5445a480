"""Google Search Console (Search Analytics API): clicks, impressions, CTR and position by day,
and by query and by page for each day.

Connect with the property as Search Console names it ("sc-domain:example.nl" for a domain
property, "https://www.example.nl/" for a URL prefix) and a service account key whose e-mail
address is a user of the property (see google.py). Endpoints:
  GET  https://www.googleapis.com/webmasters/v3/sites/{site}           connect: permission
  POST https://www.googleapis.com/webmasters/v3/sites/{site}/searchAnalytics/query
       {startDate, endDate, dimensions, type: "web", rowLimit, startRow, dataState: "final"}
       -> {rows: [{keys, clicks, impressions, ctr, position}], responseAggregationType}
Rows are what the Performance export's files hold (dimension, value, period, clicks,
impressions, CTR as a fraction, position), one day per row: the daily file's rows exactly,
and queries and pages per day (the export gives them as totals of its period; the search
analysis never adds overlapping periods up, see marketing/search.py `pick_periods`). The
account is the site without "sc-domain:" or its scheme, as `--account example.nl` names it
for an import. A first sync goes back 90 days (or --since; Search Console keeps 16 months);
later runs go back 4 days before the newest day, since final figures arrive late.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlparse

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
from socialdesk.importers.base import AccountRef, Chunk
from socialdesk.importers.ga4_report_csv import fit_key
from socialdesk.importers.search_console_performance_csv import PLATFORM
from socialdesk.importers.tabular import ROW_COL

SCOPE = "https://www.googleapis.com/auth/webmasters.readonly"
API = "https://www.googleapis.com/webmasters/v3"
ROWS = 25_000
FIRST_SYNC_DAYS = 90


def _site(value: str) -> str:
    value = value.strip()
    if value.startswith("sc-domain:") and len(value) > len("sc-domain:"):
        return value
    parsed = urlparse(value)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return value if value.endswith("/") else value + "/"
    raise ConnectorError(
        "input",
        N_(
            "give the property as Search Console names it: "
            "sc-domain:example.nl or https://www.example.nl/"
        ),
        field="site",
    )


def handle_of(site: str) -> str:
    if site.startswith("sc-domain:"):
        return site.removeprefix("sc-domain:")
    parsed = urlparse(site)
    return (parsed.netloc + parsed.path).rstrip("/")


def connect(values: dict[str, str], http: HttpOptions) -> Identity:
    site = _site(values.get("site") or "")
    key = google.read_key(values.get("service_account") or "")
    with google.client(key, SCOPE, http) as api:
        body = api.get_json(f"{API}/sites/{quote(site, safe='')}")
    level = body.get("permissionLevel") if isinstance(body, dict) else None
    if level in (None, "siteUnverifiedUser"):
        raise ConnectorError(
            "permission",
            N_(
                "the service account has no access to this property: add its e-mail address "
                "as a user of the property"
            ),
            detail=f"permissionLevel: {level}",
            field="site",
        )
    return Identity(
        handle=handle_of(site),
        name=site,
        external_id=site,
        credentials={"service_account": key},
        settings={"permission": level, "service_account_email": key["client_email"]},
    )


def client(credentials: dict[str, Any], settings: dict[str, Any], http: HttpOptions) -> ApiClient:
    return google.client(credentials["service_account"], SCOPE, http)


def _stream(dimension: str):
    dims = ["date"] if dimension == "date" else ["date", dimension]

    def fetch(ctx: StreamContext, cursor: str | None) -> Page:
        start_row = int(cursor or 0)
        start = (
            ctx.stop_before.date()
            if ctx.stop_before
            else ctx.as_of - dt.timedelta(days=FIRST_SYNC_DAYS)
        )
        body = ctx.client.post_json(
            f"{API}/sites/{quote(str(ctx.external_id), safe='')}/searchAnalytics/query",
            {
                "startDate": start.isoformat(),
                "endDate": ctx.as_of.isoformat(),
                "dimensions": dims,
                "type": "web",
                "rowLimit": ROWS,
                "startRow": start_row,
                "dataState": "final",
            },
        )
        if not isinstance(body, dict):
            raise shape_error(ctx.stream, "searchAnalytics", "is not an object")
        rows = body.get("rows") or []
        records: list[dict[str, Any]] = []
        days: list[dt.date] = []
        for i, row in enumerate(rows):
            keys = row.get("keys") if isinstance(row, dict) else None
            if not isinstance(keys, list) or len(keys) != len(dims):
                raise shape_error(ctx.stream, f"rows[{i}].keys", "do not match the dimensions")
            try:
                day = dt.date.fromisoformat(str(keys[0]))
            except ValueError:
                raise shape_error(ctx.stream, f"rows[{i}].keys[0]", "is not a date") from None
            figures = {}
            for name in ("clicks", "impressions", "ctr", "position"):
                value = row.get(name)
                if not isinstance(value, int | float):
                    raise shape_error(ctx.stream, f"rows[{i}].{name}", "is not a number")
                figures[name] = float(value)
            days.append(day)
            records.append(
                {
                    ROW_COL: start_row + i + 1,
                    "dimension": dimension,
                    "value": day.isoformat() if dimension == "date" else str(keys[1]),
                    "date_start": pd.Timestamp(day),
                    "date_end": pd.Timestamp(day),
                    **figures,
                }
            )
        chunks, newest = [], None
        if records:
            frame = pd.DataFrame(records)
            frame["value"] = fit_key(frame["value"].astype(str))
            chunks.append(Chunk("search", AccountRef(PLATFORM, ctx.handle), frame))
            newest = dt.datetime.combine(max(days), dt.time())
        more = len(rows) >= ROWS
        return Page(chunks, str(start_row + len(rows)) if more else None, newest, items=len(rows))

    return fetch


CONNECTOR = Connector(
    name="search_console",
    platform=PLATFORM,
    title=N_("Google Search Console"),
    how_to=N_(
        "In Google Cloud console: a service account with a JSON key; in Search Console: "
        "Settings > Users and permissions > Add user with the service account's e-mail "
        "address (Restricted is enough)."
    ),
    fields=(
        Field("site", N_("Property"), help=N_("sc-domain:example.nl or https://www.example.nl/")),
        Field("service_account", N_("Service account key (JSON)"), secret=True, multiline=True),
    ),
    connect=connect,
    client=client,
    streams=(
        Stream(
            "dates",
            "search",
            _stream("date"),
            every_minutes=720,
            refresh_days=4,
            title=N_("Search figures by day"),
        ),
        Stream(
            "queries",
            "search",
            _stream("query"),
            every_minutes=720,
            refresh_days=4,
            title=N_("Search queries by day"),
        ),
        Stream(
            "pages",
            "search",
            _stream("page"),
            every_minutes=720,
            refresh_days=4,
            title=N_("Pages in search by day"),
        ),
    ),
)
