"""Google Ads → Campaigns → Download: the campaign report (CSV, English or Dutch UI).

Two downloads of the same table exist: "CSV" (UTF-8, comma-separated) and "Excel .csv"
(UTF-16 LE with a BOM, tab-separated); the table reader handles both. Quirks:

- Two title lines above the header: the report name, then the date range in the UI locale
  ("27 January 2026 - 23 February 2026", "27 januari 2026 - 23 februari 2026",
  "January 27, 2026 - February 23, 2026" or ISO). It is the period of every row, unless a
  `Day` (`Dag`) segment column makes each row one day.
- `Total: …` (`Totaal: …`) footer rows follow the data: dropped and counted as skipped.
- The null token is ` --`, with a leading space.
- Numbers follow the UI locale (`1,286.58` or `1.286,58`) and thousands separators are used
  inconsistently, so the decimal mark is decided once per file from the money columns.
- The currency is only in the `Currency code` column, not in the headers.
- Derived columns (CTR, Avg. CPC, Cost / conv., Conv. rate, Conv. value / cost) are not
  stored: they are recomputed from the stored facts.
- The column set is whatever the user saved in the table, so every metric is optional.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pandas as pd

from socialdesk.errors import FileUnreadable, RowInvalid
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import (
    add_numbers,
    cleaned,
    dates,
    file_row,
    ids,
    numbers,
    percent_numbers,
    text,
)

PLATFORM = "google_ads"
DEFAULT_HANDLE = "Google Ads account"

COLUMNS: dict[str, tuple[str, ...]] = {
    "campaign": ("Campaign", "Campaign name", "Campagne", "Campagnenaam"),
    "campaign_id": ("Campaign ID", "Campagne-ID"),
    "campaign_status": ("Campaign status", "Campaign state", "Campagnestatus"),
    "status": ("Status",),
    "status_reasons": ("Status reasons", "Statusredenen"),
    "campaign_type": ("Campaign type", "Campaign sub-type", "Campagnetype"),
    "budget": ("Budget",),
    "budget_name": ("Budget name", "Budgetnaam"),
    "budget_type": ("Budget type", "Budgettype"),
    "currency": ("Currency code", "Currency", "Valutacode", "Valuta"),
    "account_name": ("Account", "Account name", "Accountnaam"),
    "customer_id": ("Customer ID", "Klant-ID"),
    "day": ("Day", "Date", "Dag", "Datum"),
    "week": ("Week",),
    "month": ("Month", "Maand"),
    "device": ("Device", "Apparaat"),
    "network": (
        "Network (with search partners)",
        "Network",
        "Netwerk (met zoekpartners)",
        "Netwerk",
    ),
    "clicks": ("Clicks", "Klikken"),
    "impressions": ("Impr.", "Impressions", "Vert.", "Vertoningen"),
    "cost": ("Cost", "Kosten"),
    "conversions": ("Conversions", "Conversies", "Conv."),
    "conversion_value": (
        "Conv. value",
        "Total conv. value",
        "Conversion value",
        "Conv.waarde",
        "Conv. waarde",
        "Conversiewaarde",
    ),
    "interactions": ("Interactions", "Interacties"),
    "all_conversions": ("All conv.", "Alle conv."),
    "all_conversion_value": ("All conv. value", "Waarde alle conv."),
    "original_conversion_value": ("Original conv. value", "Oorspronkelijke conv.waarde"),
    "view_through_conversions": ("View-through conv.", "View-through-conv."),
    "optimisation_score": ("Optimisation score", "Optimization score", "Optimalisatiescore"),
    "bid_strategy_type": ("Bid strategy type", "Type biedstrategie"),
    # derived rates: recognised (for detection coverage) but never stored
    "ctr": ("CTR",),
    "avg_cpc": ("Avg. CPC", "Gem. CPC"),
    "cost_per_conversion": ("Cost / conv.", "Kosten/conv.", "Kosten / conv."),
    "conversion_rate": ("Conv. rate", "Conv.ratio", "Conversieratio"),
    "value_per_cost": ("Conv. value / cost", "Conv.waarde/kosten", "Conv. waarde / kosten"),
    # other Google Ads reports share the campaign columns: their presence rules this one out
    "ad_group": ("Ad group", "Advertentiegroep"),
    "keyword": ("Keyword", "Search keyword", "Zoekwoord"),
    "search_term": ("Search term", "Zoekterm"),
}

METRICS = {
    "cost": "spend",
    "impressions": "impressions",
    "clicks": "clicks",
    "conversions": "conversions",
    "conversion_value": "conversion_value",
}
EXTRA_NUMBERS = {
    "interactions": "extra:interactions",
    "all_conversions": "extra:all_conversions",
    "all_conversion_value": "extra:all_conversion_value",
    "original_conversion_value": "extra:original_conversion_value",
    "view_through_conversions": "extra:view_through_conversions",
}
EXTRA_TEXTS = {
    "status": "extra:serving_status",
    "status_reasons": "extra:status_reasons",
    "campaign_type": "extra:campaign_type",
    "budget_name": "extra:budget_name",
    "bid_strategy_type": "extra:bid_strategy_type",
}
SEGMENTS = {"device": "device", "network": "network"}

# Dutch header spellings that tell the file came from a Dutch UI (decimal comma).
_DUTCH_HEADERS = frozenset(
    h.casefold() for h in ("Kosten", "Klikken", "Vertoningen", "Campagne", "Conversies")
)

MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "oktober": 10,
    "mrt": 3,
    "okt": 10,
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_RE = re.compile(
    r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))"
    r"|(?P<compact>\b(?P<cy>\d{4})(?P<cm>\d{2})(?P<cd>\d{2})\b)"
    rf"|(?P<dmy>\b(?P<dd>\d{{1,2}})\.?\s+(?P<dm>{_MONTH_RE})\.?,?\s+(?P<dy>\d{{4}}))"
    rf"|(?P<mdy>\b(?P<mm>{_MONTH_RE})\.?\s+(?P<md>\d{{1,2}}),?\s+(?P<my>\d{{4}}))",
    re.IGNORECASE,
)
# "Total: Campaigns" (and the older AdWords "Total - Search Network"); a campaign may be
# called "Total Recall", so the colon or the spaced dash is required.
_TOTAL_RE = re.compile(r"^\s*(total|totaal|totals|eindtotaal)\s*(:|\s-\s)", re.IGNORECASE)
DAY_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%a, %b %d, %Y", "%Y%m%d")
MONTH_FORMATS = ("%Y-%m-%d", "%Y-%m", "%B %Y", "%b %Y")


def parse_date_range(value: str) -> tuple[dt.date, dt.date] | None:
    """The first two dates written in `value` (one date: a one-day range), else None.

    Understands ISO, YYYYMMDD, "27 January 2026", "27 januari 2026", "1 Jan 2025" and
    "January 27, 2026", with any separator between the two dates ("-", "–", "to").
    """
    found: list[dt.date] = []
    for m in _DATE_RE.finditer(value):
        try:
            found.append(_match_date(m))
        except ValueError:
            continue
        if len(found) == 2:
            break
    if not found:
        return None
    start, end = found[0], found[-1]
    return (start, end) if start <= end else (end, start)


def _match_date(m: re.Match[str]) -> dt.date:
    if m.group("iso"):
        return dt.date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
    if m.group("compact"):
        return dt.date(int(m.group("cy")), int(m.group("cm")), int(m.group("cd")))
    if m.group("dmy"):
        return dt.date(int(m.group("dy")), MONTHS[m.group("dm").casefold()], int(m.group("dd")))
    return dt.date(int(m.group("my")), MONTHS[m.group("mm").casefold()], int(m.group("md")))


def preamble_text(table: Table) -> list[str]:
    """The title lines above the header, each re-joined (a comma may have split it)."""
    sep = table.probe.delimiter or ","
    lines = []
    for row in table.preamble():
        cells = list(row)
        while cells and not cells[-1].strip():
            cells.pop()
        if cells:
            lines.append(sep.join(cells).strip())
    return lines


def report_period(table: Table, ctx: ReadContext) -> tuple[dt.date, dt.date] | None:
    """The date range of the title lines, else --option date_start/date_end, else None."""
    for line in preamble_text(table):
        found = parse_date_range(line)
        if found:
            return found
    start, end = ctx.options.get("date_start"), ctx.options.get("date_end")
    if start and end:
        return dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return None


def guess_decimal(frame: pd.DataFrame, table: Table) -> str:
    """ "," when money cells end in ",dd" (Dutch UI), "." when they end in ".dd"."""
    commas = points = 0
    for canonical in ("cost", "budget", "conversions", "conversion_value", "ctr", "avg_cpc"):
        if canonical not in table.fields:
            continue
        s = cleaned(frame[table.col(canonical)]).dropna().str.rstrip("%")
        commas += int(s.str.contains(r",\d{1,2}$").sum())
        points += int(s.str.contains(r"\.\d{1,2}$").sum())
    if commas != points:
        return "," if commas > points else "."
    dutch = any(h.casefold() in _DUTCH_HEADERS for h in table.header)
    return "," if dutch else "."


def is_total(frame: pd.DataFrame, table: Table) -> pd.Series:
    """Footer rows: `Total: Campaigns`, `Total: Account`, … in the first or campaign column."""
    first = frame[table.header[0]].astype(str)
    total = first.str.match(_TOTAL_RE)
    camp = frame[table.col("campaign")].astype(str)
    return total | camp.str.match(_TOTAL_RE)


def _period_columns(
    out: pd.DataFrame,
    frame: pd.DataFrame,
    table: Table,
    ctx: ReadContext,
    period: tuple[dt.date, dt.date] | None,
) -> None:
    f = table.fields
    if "day" in f:
        day = dates(frame, f["day"], ctx.file, DAY_FORMATS)
        out["date_start"], out["date_end"] = day.values, day.values
        return
    if "week" in f:
        start = dates(frame, f["week"], ctx.file, DAY_FORMATS)
        end = start + pd.Timedelta(days=6)
    elif "month" in f:
        start = dates(frame, f["month"], ctx.file, MONTH_FORMATS)
        end = start + pd.offsets.MonthEnd(0)
    elif period is not None:
        out["date_start"], out["date_end"] = pd.Timestamp(period[0]), pd.Timestamp(period[1])
        return
    else:
        raise FileUnreadable(
            ctx.file,
            "the date range line above the header is missing, so the period of these figures "
            "is unknown. Download the report again from Google Ads (it writes the range on "
            "line 2), or pass --option date_start=YYYY-MM-DD --option date_end=YYYY-MM-DD.",
        )
    if period is not None:  # a week or month cut by the report's range
        # pandas-stubs takes no Timestamp bound for a datetime Series' clip (pandas does)
        start = start.clip(lower=pd.Timestamp(period[0]))  # type: ignore[call-overload]
        end = end.clip(upper=pd.Timestamp(period[1]))  # type: ignore[call-overload]
    out["date_start"], out["date_end"] = start.values, end.values


def _breakdown(out: pd.DataFrame, frame: pd.DataFrame, table: Table) -> None:
    parts = [
        (name, text(frame, table.col(canonical)))
        for canonical, name in SEGMENTS.items()
        if canonical in table.fields
    ]
    if not parts:
        return
    key = pd.Series("", index=frame.index, dtype=object)
    for name, values in parts:
        piece = values.map(lambda v, n=name: "" if v is None else f"{n}={v}")
        key = key.where(piece == "", key.where(key == "", key + ";") + piece)
    out["breakdown"] = key.where(key != "", None).values


def _check_unique(out: pd.DataFrame, frame: pd.DataFrame, table: Table, ctx: ReadContext) -> None:
    """Two rows for one campaign and period mean a segment column this reader does not know."""
    keys = ["campaign_key", "date_start", "date_end"]
    keys += [c for c in ("breakdown", "account_handle") if c in out.columns]
    dup = out.duplicated(subset=keys, keep="first")
    if dup.any():
        idx = dup[dup].index[0]
        raise RowInvalid(
            ctx.file,
            file_row(frame, idx),
            table.col("campaign"),
            f"campaign {out.at[idx, 'campaign_name']!r} appears twice for the same period: the "
            "report is split by a segment socialdesk does not know. Remove the segment in "
            "Google Ads and download the report again.",
        )


def _campaign_columns(
    out: pd.DataFrame, frame: pd.DataFrame, table: Table, ctx: ReadContext, decimal: str
) -> None:
    f = table.fields
    out["campaign_name"] = text(frame, f["campaign"]).map(_strip)
    missing = out["campaign_name"].isna()
    if missing.any():
        row = int(frame.loc[missing, ROW_COL].iloc[0])
        raise RowInvalid(ctx.file, row, f["campaign"], "the campaign name is empty.")
    if "campaign_id" in f:
        out["campaign_external_id"] = ids(frame, f["campaign_id"], ctx.file, required=False)
        out["campaign_key"] = out["campaign_external_id"].where(
            out["campaign_external_id"].notna(), out["campaign_name"]
        )
    else:
        out["campaign_key"] = out["campaign_name"]
    status = f.get("campaign_status") or f.get("status")
    if status:
        out["status"] = text(frame, status)
    if "budget" in f:
        out["budget"] = numbers(frame, f["budget"], ctx.file, decimal=decimal).values
    if "budget_type" in f:
        out["budget_type"] = text(frame, f["budget_type"])
    if "currency" in f:
        out["currency"] = text(frame, f["currency"]).map(
            lambda v: None if v is None else v.strip().upper()[:3]
        )


def _strip(value: str | None) -> str | None:
    return None if value is None else value.strip()


def _extras(
    out: pd.DataFrame, frame: pd.DataFrame, table: Table, ctx: ReadContext, decimal: str
) -> None:
    f = table.fields
    add_numbers(out, frame, f, EXTRA_NUMBERS, ctx.file, decimal=decimal)
    if "optimisation_score" in f:  # a percentage written without its sign ("57.35")
        out["extra:optimisation_score"] = percent_numbers(
            frame, f["optimisation_score"], ctx.file, decimal=decimal
        ).values
    for canonical, target in EXTRA_TEXTS.items():
        if canonical in f and not (canonical == "status" and "campaign_status" not in f):
            out[target] = text(frame, f[canonical])


def _account_columns(
    out: pd.DataFrame, frame: pd.DataFrame, table: Table, ctx: ReadContext
) -> None:
    """A manager (MCC) report names the account of each row."""
    f = table.fields
    if "account_name" in f:
        out["account_handle"] = text(frame, f["account_name"])
    if "customer_id" in f:
        out["account_external_id"] = ids(frame, f["customer_id"], ctx.file, required=False)
        if "account_handle" not in out:
            out["account_handle"] = out["account_external_id"]


def convert(
    frame: pd.DataFrame,
    table: Table,
    ctx: ReadContext,
    period: tuple[dt.date, dt.date] | None,
    decimal: str,
) -> pd.DataFrame:
    """One frame of data rows (footer rows already removed) as canonical ad_days."""
    out = pd.DataFrame(index=frame.index)
    out[ROW_COL] = frame[ROW_COL]
    _campaign_columns(out, frame, table, ctx, decimal)
    _account_columns(out, frame, table, ctx)
    _period_columns(out, frame, table, ctx, period)
    _breakdown(out, frame, table)
    add_numbers(out, frame, table.fields, METRICS, ctx.file, decimal=decimal)
    _extras(out, frame, table, ctx, decimal)
    _check_unique(out, frame, table, ctx)
    return out


def _chunks(out: pd.DataFrame, ctx: ReadContext, skipped: int) -> Iterator[Chunk]:
    """One chunk per account: the file's own accounts, else --account, else the default."""
    if "account_handle" not in out.columns or out["account_handle"].isna().all():
        handle = ctx.account or DEFAULT_HANDLE
        yield Chunk("ad_days", AccountRef(PLATFORM, handle, currency=_currency(out)), out, skipped)
        return
    fallback = ctx.account or DEFAULT_HANDLE
    for handle, part in out.groupby(out["account_handle"].fillna(fallback), sort=False):
        ext = part.get("account_external_id", pd.Series(dtype=object)).dropna()
        ref = AccountRef(
            PLATFORM,
            str(handle),
            name=str(handle),
            external_id=str(ext.iloc[0]) if len(ext) else None,
            currency=_currency(part),
        )
        yield Chunk("ad_days", ref, _drop_account(part), rows_skipped=skipped)
        skipped = 0


def _drop_account(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[c for c in ("account_handle", "account_external_id") if c in frame])


def _currency(frame: pd.DataFrame) -> str | None:
    if "currency" not in frame.columns:
        return None
    found = frame["currency"].dropna().unique()
    return str(found[0]) if len(found) == 1 else None


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    period = report_period(table, ctx)
    if not ctx.account and not ({"account_name", "customer_id"} & table.fields.keys()):
        ctx.note(
            f"the report does not name its Google Ads account; stored under {DEFAULT_HANDLE!r} "
            "(pass --account to choose the name)."
        )
    decimal: str | None = ctx.options.get("decimal")
    for frame in table.frames():
        total = is_total(frame, table)
        data = frame[~total]
        skipped = int(total.sum())
        if data.empty:
            ref = AccountRef(PLATFORM, ctx.account or DEFAULT_HANDLE)
            yield Chunk("ad_days", ref, pd.DataFrame({ROW_COL: pd.Series(dtype=int)}), skipped)
            continue
        decimal = decimal or guess_decimal(data, table)
        out = convert(data, table, ctx, period, decimal)
        yield from _chunks(out, ctx, skipped)


FORMAT = ExportFormat(
    name="google_ads_campaigns_csv",
    platform=PLATFORM,
    title=N_("Google Ads – campaign report (CSV or Excel .csv)"),
    how_to=N_(
        "Google Ads → Campaigns → choose the date range (add the Day segment for daily figures) "
        "→ Download (the arrow icon above the table) → .csv or Excel .csv."
    ),
    columns=COLUMNS,
    required=("campaign", "clicks", "impressions", "cost"),
    forbidden=("ad_group", "keyword", "search_term"),
    read=read,
    file_pattern=r"campaign|campagne",
)
