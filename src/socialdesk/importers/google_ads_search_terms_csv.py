"""Google Ads → Insights and reports → Search terms → Download: the search terms report.

What people typed before a search ad of the account showed. Same download variants and
quirks as the campaign report (google_ads_campaigns_csv): two title lines (report name, date
range in the UI locale), `Total: …` footer rows, ` --` nulls, locale numbers, UTF-8 comma or
UTF-16 tab ("Excel .csv"). Example (English UI):

    Search terms report
    1 September 2026 - 30 September 2026
    Search term,Match type,Added/Excluded,Campaign,Ad group,Clicks,Impr.,CTR,Currency code,…
    groen dak subsidie,Phrase match,None,Search - Groene daken,Subsidie,14,"1,204",1.16%,EUR,…
    Total: Search terms, --, --, --, --,…

Storage: one SearchPerformance row per search term and period (dimension "search_term") on
the Google Ads account, so search terms sit next to Search Console's queries. A term shown in
several campaigns, ad groups or match types is summed over them (clicks, impressions; CTR is
recomputed); cost and conversions are not kept, as the search table has no columns for them
(the campaign report carries the money). The position is not in this report and stays NULL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd

from socialdesk.errors import FileUnreadable
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.ga4_report_csv import fit_key
from socialdesk.importers.google_ads_campaigns_csv import (
    _TOTAL_RE,
    DAY_FORMATS,
    DEFAULT_HANDLE,
    guess_decimal,
    report_period,
)
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import dates, numbers, text

PLATFORM = "google_ads"
DIMENSION = "search_term"

COLUMNS: dict[str, tuple[str, ...]] = {
    "search_term": ("Search term", "Zoekterm"),
    "match_type": (
        "Match type",
        "Search term match type",
        "Zoektermtype",
        "Zoekwoordtype",
        "Type zoekwoordovereenkomst",
    ),
    "added_excluded": ("Added/Excluded", "Toegevoegd/uitgesloten"),
    "campaign": ("Campaign", "Campaign name", "Campagne", "Campagnenaam"),
    "ad_group": ("Ad group", "Advertentiegroep"),
    "keyword": ("Keyword", "Search keyword", "Zoekwoord"),
    "campaign_type": ("Campaign type", "Campagnetype"),
    "day": ("Day", "Date", "Dag", "Datum"),
    "currency": ("Currency code", "Currency", "Valutacode", "Valuta"),
    "clicks": ("Clicks", "Klikken"),
    "impressions": ("Impr.", "Impressions", "Vert.", "Vertoningen"),
    "cost": ("Cost", "Kosten"),
    "conversions": ("Conversions", "Conversies", "Conv."),
    # derived rates: recognised (for detection coverage) but recomputed, never read
    "ctr": ("CTR",),
    "avg_cpc": ("Avg. CPC", "Gem. CPC"),
    "cost_per_conversion": ("Cost / conv.", "Kosten/conv.", "Kosten / conv."),
    "conversion_rate": ("Conv. rate", "Conv.ratio", "Conversieratio"),
}


def is_total(frame: pd.DataFrame, table: Table) -> pd.Series:
    """Footer rows (`Total: Search terms`, `Totaal: …`) in the first or search-term column."""
    total = frame[table.header[0]].astype(str).str.match(_TOTAL_RE)
    return total | frame[table.col("search_term")].astype(str).str.match(_TOTAL_RE)


def convert(frame: pd.DataFrame, table: Table, ctx: ReadContext, decimal: str) -> pd.DataFrame:
    """Data rows (footers removed) as one row per search term (and day, with a Day column)."""
    f = table.fields
    out = pd.DataFrame(index=frame.index)
    out[ROW_COL] = frame[ROW_COL]
    out["value"] = text(frame, f["search_term"]).map(lambda v: None if v is None else v.strip())
    if "day" in f:
        day = dates(frame, f["day"], ctx.file, DAY_FORMATS)
        out["date_start"], out["date_end"] = day.values, day.values
    out["clicks"] = numbers(frame, f["clicks"], ctx.file, decimal=decimal).values
    out["impressions"] = numbers(frame, f["impressions"], ctx.file, decimal=decimal).values
    return out[out["value"].notna() & (out["value"] != "")]


def aggregate(rows: pd.DataFrame, period: tuple[dt.date, dt.date] | None) -> pd.DataFrame:
    """One row per term and period: clicks and impressions summed, CTR recomputed."""
    if "date_start" not in rows.columns:
        assert period is not None
        rows = rows.assign(date_start=pd.Timestamp(period[0]), date_end=pd.Timestamp(period[1]))
    keys = ["value", "date_start", "date_end"]
    out = rows.groupby(keys, sort=False, as_index=False).agg(
        **{
            ROW_COL: (ROW_COL, "min"),
            "clicks": ("clicks", lambda s: s.sum(min_count=1)),
            "impressions": ("impressions", lambda s: s.sum(min_count=1)),
        }
    )
    out["value"] = fit_key(out["value"].astype(str))
    out["dimension"] = DIMENSION
    imp = out["impressions"].astype(float)
    out["ctr"] = (out["clicks"].astype(float) / imp).where(imp > 0)
    out["position"] = float("nan")
    return out


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    period = report_period(table, ctx)
    if "day" not in table.fields and period is None:
        raise FileUnreadable(
            ctx.file,
            "the date range line above the header is missing, so the period of these figures "
            "is unknown. Download the report again from Google Ads (it writes the range on "
            "line 2), or pass --option date_start=YYYY-MM-DD --option date_end=YYYY-MM-DD.",
        )
    handle = ctx.account or DEFAULT_HANDLE
    if not ctx.account:
        ctx.note(
            f"the report does not name its Google Ads account; stored under {handle!r} "
            "(pass --account to choose the name)."
        )
    decimal: str | None = ctx.options.get("decimal")
    parts, skipped, read_rows, currency = [], 0, 0, None
    for frame in table.frames():
        total = is_total(frame, table)
        data = frame[~total]
        skipped += int(total.sum())
        if data.empty:
            continue
        decimal = decimal or guess_decimal(data, table)
        converted = convert(data, table, ctx, decimal)
        skipped += len(data) - len(converted)
        read_rows += len(converted)
        parts.append(converted)
        if "currency" in table.fields and currency is None:
            found = text(data, table.col("currency")).dropna().unique()
            currency = str(found[0]).strip().upper()[:3] if len(found) == 1 else None
    ref = AccountRef(PLATFORM, handle, currency=currency)
    if not parts:
        yield Chunk("search", ref, pd.DataFrame({ROW_COL: pd.Series(dtype=int)}), skipped)
        return
    out = aggregate(pd.concat(parts), period)
    if len(out) < read_rows:
        ctx.note(
            f"{read_rows} rows held {len(out)} distinct search terms (a term shows in several "
            "campaigns, ad groups or match types): their clicks and impressions were summed."
        )
    yield Chunk("search", ref, out, rows_skipped=skipped)


FORMAT = ExportFormat(
    name="google_ads_search_terms_csv",
    platform=PLATFORM,
    title=N_("Google Ads – search terms report (CSV or Excel .csv)"),
    how_to=N_(
        "Google Ads → Insights and reports → Search terms → choose the date range → Download "
        "(the arrow icon above the table) → .csv or Excel .csv."
    ),
    columns=COLUMNS,
    required=("search_term", "clicks", "impressions"),
    read=read,
    file_pattern=r"search.?terms?|zoekterm",
)
