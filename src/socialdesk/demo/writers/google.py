"""Google's exports: the Google Ads campaign report, a GA4 report CSV and the Search Console
performance zip.

Google Ads (the "CSV" download, en-GB UI): UTF-8 without BOM, two title lines (report name,
date range), segmented by Day, " --" for nothing, thousands separators on some columns only,
percent strings, "Total: …" rows at the end.
GA4 "Download CSV": no BOM, a block of "#" comment lines (report, account, property, segment,
start and end date as YYYYMMDD), the Date dimension as YYYYMMDD, unrounded revenue.
Search Console: a zip of Queries/Pages/Countries/Devices/Search appearance/Chart/Filters
CSVs; no BOM, LF, no final newline, CTR as a percent string without trailing zeros.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from socialdesk.demo.fileformats import (
    csv_text,
    decimal,
    fixed_zip,
    percent,
    thousands,
    trimmed,
    write_text,
)
from socialdesk.demo.world import World
from socialdesk.demo.writers.base import ExportFile, long_date, records, short_date

ADS_HEADER = (
    "Day",
    "Campaign status",
    "Campaign",
    "Budget",
    "Budget name",
    "Budget type",
    "Currency code",
    "Status",
    "Status reasons",
    "Optimisation score",
    "Clicks",
    "Impr.",
    "CTR",
    "Cost",
    "Avg. CPC",
    "Conversions",
    "Cost / conv.",
    "Bid strategy type",
    "Conv. rate",
    "Conv. value",
    "Conv. value / cost",
)
NONE = " --"
GA4_HEADER = (
    "Date",
    "Session source",
    "Session medium",
    "Session campaign",
    "Session default channel group",
    "Sessions",
    "Engaged sessions",
    "Total users",
    "New users",
    "Key events",
    "Total revenue",
)


def _figures(clicks: float, impr: float, cost: float, conv: float, value: float) -> list[str]:
    """Clicks … Conv. value / cost, formatted as Google does (bid strategy left to the caller)."""
    return [
        str(int(clicks)),
        thousands(impr),
        percent(clicks / impr) if impr else NONE,
        decimal(cost),
        decimal(cost / clicks) if clicks else "0.00",
        decimal(conv),
        decimal(cost / conv) if conv else "0.00",
        "",
        percent(conv / clicks) if clicks else "0.00%",
        thousands_money(value),
        decimal(value / cost) if cost else "0.00",
    ]


def thousands_money(value: float) -> str:
    return f"{value:,.2f}"


def write_google_ads(world: World, folder: Path) -> ExportFile:
    rows: list[list[str]] = []
    totals: dict[str, list[float]] = {}
    for camp, days in world.campaigns:
        if camp.spec.platform != "google_ads":
            continue
        for d in records(days):
            limited = d.spend >= 0.97 * d.budget
            score = decimal(70 + int(camp.campaign_id[-2:]) % 25)
            figures = _figures(d.link_clicks, d.impressions, d.spend, d.results, d.conversion_value)
            figures[7] = camp.spec.bid_strategy
            rows.append(
                [
                    d.date.isoformat(),
                    "Enabled",
                    camp.name,
                    decimal(d.budget),
                    NONE,
                    "Daily",
                    "EUR",
                    "Eligible (Limited)" if limited else "Eligible",
                    "limited by budget" if limited else "",
                    score,
                    *figures,
                ]
            )
            kind = camp.spec.objective
            for key in ("Campaigns", "Account", kind):
                acc = totals.setdefault(key, [0.0] * 5)
                for j, v in enumerate(
                    (d.link_clicks, d.impressions, d.spend, d.results, d.conversion_value)
                ):
                    acc[j] += v
    rows.sort(key=lambda r: (r[0], r[2]))
    footer = []
    for key in ("Campaigns", "Account", "Search", "Shopping", "Display"):
        acc = totals.get(key, [0.0] * 5)
        figures = _figures(*acc)
        figures[7] = NONE if key == "Campaigns" else ""
        blank = NONE if key == "Campaigns" else ""
        footer.append(
            [f"Total: {key}", blank, blank, blank, blank, blank, "EUR", blank, "", blank, *figures]
        )
    start, end = world.period.start, world.period.end
    lines = [
        ["Campaign report"],
        [f"{long_date(start)} - {long_date(end)}"],
        list(ADS_HEADER),
        *rows,
        *footer,
    ]
    path = folder / "google_ads" / "Campaign report.csv"
    write_text(path, csv_text(lines, "minimal"))
    return ExportFile(path, "google_ads", end, world.org.handle("google_ads"))


def write_ga4(world: World, folder: Path) -> ExportFile:
    start, end = world.period.start, world.period.end
    preamble = [
        "# ----------------------------------------",
        "# Traffic acquisition: Session source / medium",
        f"# Account: {world.org.name}",
        f"# Property: {world.org.domain} - GA4",
        "# ----------------------------------------",
        "# ",
        "# All Users",
        f"# Start date: {start:%Y%m%d}",
        f"# End date: {end:%Y%m%d}",
    ]
    rows: list[list[str]] = [list(GA4_HEADER)]
    for r in records(world.web.rows):
        rows.append(
            [
                f"{r.date:%Y%m%d}",
                r.source,
                r.medium,
                r.campaign,
                r.channel,
                str(r.sessions),
                str(r.engaged_sessions),
                str(r.users),
                str(r.new_users),
                str(r.key_events),
                trimmed(r.revenue, 2),
            ]
        )
    text = "\n".join(preamble) + "\n" + csv_text(rows, "minimal")
    path = folder / "ga4" / "Traffic_acquisition_Session_source_medium.csv"
    write_text(path, text)
    return ExportFile(path, "ga4", end, world.org.handle("ga4"))


def _search_rows(first: str, frame: pd.DataFrame) -> list[list[str]]:
    rows = [[first, "Clicks", "Impressions", "CTR", "Position"]]
    for r in records(frame):
        ctr = r.clicks / r.impressions if r.impressions else 0.0
        rows.append(
            [
                r.value,
                str(r.clicks),
                str(r.impressions),
                percent(ctr, trim=True),
                trimmed(r.position, 2),
            ]
        )
    return rows


def write_search_console(world: World, folder: Path) -> ExportFile:
    data = world.search
    start, end = world.period.start, world.period.end
    chart = [["Date", "Clicks", "Impressions", "CTR", "Position"]]
    for r in records(data.daily):
        chart.append(
            [
                r.date.isoformat(),
                str(r.clicks),
                str(r.impressions),
                percent(r.clicks / r.impressions, trim=True),
                trimmed(r.position, 1),
            ]
        )
    filters = [
        ["Filter", "Value"],
        ["Search type", "Web"],
        ["Date", f"{short_date(start)}-{short_date(end)}"],
    ]
    members = [
        ("Queries.csv", _search_rows("Top queries", data.queries)),
        ("Pages.csv", _search_rows("Top pages", data.pages)),
        ("Countries.csv", _search_rows("Country", data.countries)),
        ("Devices.csv", _search_rows("Device", data.devices)),
        ("Search appearance.csv", _search_rows("Search Appearance", data.appearances)),
        ("Chart.csv", chart),
        ("Filters.csv", filters),
    ]
    downloaded = end + dt.timedelta(days=1)
    name = f"https___{world.org.domain}_-Performance-on-Search-{downloaded:%Y-%m-%d}.zip"
    path = folder / "search_console" / name
    fixed_zip(
        path,
        [
            (m, csv_text(rows, "minimal", final_newline=False).encode("utf-8"))
            for m, rows in members
        ],
        end,
    )
    return ExportFile(path, "search_console", end, world.org.handle("search_console"))
