"""Meta Ads Manager → Campaigns / Ad sets / Ads → Export table data (CSV or .xlsx).

Real files seen: a 2025 ad-level export with Gender and Age breakdowns (GBP), a 2017
campaign export with Title-Case headers (USD), and the default 2025 campaign table (INR,
as text). Quirks (FORMATS.md 6):

- The column set is the user's column preset: ANY subset. Only `Reporting starts` and
  `Reporting ends` are in every export (Ads Manager adds them); every figure is optional
  and only the columns present are stored. Headers are matched case-insensitively, so the
  2017 Title Case ("Amount Spent (USD)", "Reporting Starts") is the same column.
- The level is what the rows name: campaign, ad set (`Ad set name`/`Ad set ID`) or ad
  (`Ad name`/`Ad ID`). A file without `Campaign name` (the Ad sets and Ads tabs leave it
  out by default) is refused with the advice to add that column: every delivery row
  belongs to a campaign.
- The currency is only in the header: `Amount spent (GBP)`. It is stored on each row and
  on the ad account.
- Breakdown columns (Age, Gender, Country, Placement, …) make one row per bucket: they
  become the row's `breakdown`, "age=25-34;gender=female" (names sorted).
- `Result Type` (2025 ad level) or `Result indicator` (campaign table,
  "actions:leadgen.other") → result_type; empty `Results` cells are NULL, not 0.
- `Attribution setting` may be `-` (NULL) or "Multiple attribution settings" (kept; noted).
- `Starts` / `Ends` are the schedule of the row's level: on a campaign-level export they
  are the campaign's start and end dates (`Ends` = "Ongoing" → NULL); on ad set or ad rows
  they stay with the row (extra), since one campaign's ad sets differ.
- `Ad set budget` may hold text ("Using ad set budget", "Using campaign budget"): NULL.
- CPC, CPM, CTR and cost-per-result columns are derived figures: not stored (the product
  recomputes them from spend, impressions, clicks and results), but checked against the
  recomputed ones; a mismatch is noted.
- An export of a period without delivery holds the header and one row
  `"No data available."`: it imports as zero rows, with a note.
- Dates are ISO; an Excel re-save may write DD/MM/YYYY (the order is decided from the
  file's own dates); an .xlsx export holds real date cells.
- Columns this module does not know are kept in the row's extra figures (numbers when
  every cell is a number), except other derived rates.

Platform "meta_ads". The ad account is the `Account name` column when the export has it,
else the name Ads Manager writes in the default file name
(`<Account>-Campaigns-1-Sep-202430-Sep-2024.csv`), else the user's --account, else
"Meta ad account".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from socialdesk.errors import ImportError_, RowInvalid
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table, normalise_header
from socialdesk.importers.values import cleaned, file_row, ids, numbers, text

PLATFORM = "meta_ads"
DEFAULT_HANDLE = "Meta ad account"

_CUR = r"\([a-z]{3}\)"
COLUMNS: dict[str, tuple[str, ...]] = {
    "reporting_starts": ("Reporting starts", "Begin rapportage", "Rapportage begint"),
    "reporting_ends": ("Reporting ends", "Einde rapportage", "Rapportage eindigt"),
    "account_name": ("Account name", "Accountnaam"),
    "account_id": ("Account ID", "Account-ID"),
    "campaign_name": ("Campaign name", "Campagnenaam", "Naam campagne"),
    "campaign_id": ("Campaign ID", "Campagne-ID"),
    "ad_set_name": ("Ad set name", "Naam advertentieset"),
    "ad_set_id": ("Ad set ID", "Advertentieset-ID"),
    "ad_name": ("Ad name", "Advertentienaam", "Naam advertentie"),
    "ad_id": ("Ad ID", "Advertentie-ID"),
    "campaign_delivery": ("Campaign delivery", "Campaign status", "Campagnelevering"),
    "delivery_status": (
        "Delivery status",
        "Delivery",
        "Ad set delivery",
        "Ad delivery",
        "Leveringsstatus",
        "Levering",
    ),
    "delivery_level": ("Delivery level", "Leveringsniveau"),
    "objective": ("Objective", "Campaign objective", "Doel", "Campagnedoel"),
    "budget": ("Budget", "Campaign budget", "Campagnebudget"),
    "budget_type": ("Budget type", "Campaign budget type", "Budgettype"),
    "ad_set_budget": ("Ad set budget", "Budget advertentieset"),
    "ad_set_budget_type": ("Ad set budget type", "Budgettype advertentieset"),
    "spend": (
        "Amount spent",
        f"re:amount spent {_CUR}",
        "Besteed bedrag",
        f"re:besteed bedrag {_CUR}",
    ),
    "currency": ("Currency", "Valuta"),
    "impressions": ("Impressions", "Vertoningen", "Weergaven"),
    "reach": ("Reach", "Bereik"),
    "frequency": ("Frequency", "Frequentie"),
    "results": ("Results", "Resultaten"),
    "result_type": ("Result Type", "Result indicator", "Resultaattype", "Resultaatindicator"),
    "attribution": ("Attribution setting", "Attributie-instelling"),
    "link_clicks": ("Link clicks", "Klikken op link", "Linkklikken"),
    "clicks": ("Clicks (all)", "Klikken (alle)"),
    "conversions": ("Conversions", "Conversies"),
    "conversion_value": ("Conversion value", "Purchases conversion value", "Conversiewaarde"),
    "starts": ("Starts", "Begin", "Start"),
    "ends": ("Ends", "Einde"),
    # derived figures: recognised, checked, never stored
    "cost_per_result": (
        "Cost per result",
        "Cost per results",
        f"re:cost per results? {_CUR}",
        "Kosten per resultaat",
    ),
    "cpc_link": (
        "CPC (cost per link click)",
        f"re:cpc \\(cost per link click\\) {_CUR}",
        "Cost per link click",
        "CPC (kosten per klik op link)",
    ),
    "cpc_all": ("CPC (all)", f"re:cpc \\(all\\) {_CUR}", "CPC (alle)"),
    "cpm": (
        "CPM (cost per 1,000 impressions)",
        f"re:cpm \\(cost per 1,000 impressions\\) {_CUR}",
        "CPM (kosten per 1000 vertoningen)",
    ),
    "ctr_all": ("CTR (all)", "CTR (alle)"),
    "ctr_link": ("CTR (link click-through rate)", "CTR (CTR voor links)"),
}

BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "age": ("Age", "Leeftijd"),
    "gender": ("Gender", "Geslacht"),
    "country": ("Country", "Land"),
    "region": ("Region", "Regio"),
    "dma": ("DMA region", "DMA-regio"),
    "platform": ("Platform", "Publisher platform"),
    "placement": ("Placement", "Plaatsing"),
    "device_platform": ("Device platform", "Apparaatplatform"),
    "impression_device": ("Impression device", "Apparaat voor vertoning"),
    "time_of_day": ("Time of day (ad account time zone)", "Time of day (viewer's time zone)"),
}
COLUMNS.update(BREAKDOWNS)

METRICS = {
    "spend": "spend",
    "impressions": "impressions",
    "reach": "reach",
    "frequency": "frequency",
    "results": "results",
    "link_clicks": "link_clicks",
    "clicks": "clicks",
    "conversions": "conversions",
    "conversion_value": "conversion_value",
}
# derived column -> (numerator, denominator, factor): the figure is numerator/denominator*factor
DERIVED = {
    "cost_per_result": ("spend", "results", 1.0),
    "cpc_link": ("spend", "link_clicks", 1.0),
    "cpc_all": ("spend", "clicks", 1.0),
    "cpm": ("spend", "impressions", 1000.0),
    "ctr_all": ("clicks", "impressions", 100.0),
    "ctr_link": ("link_clicks", "impressions", 100.0),
}
_OTHER_DERIVED = re.compile(r"^(cost per|cpc|cpm|cpp|ctr|kosten per)\b")
_ID_HEADER = re.compile(r"(^|[\s-])id$")
_CURRENCY = re.compile(r"\(([A-Za-z]{3})\)\s*$")
_FILE_ACCOUNT = re.compile(
    r"^(?P<account>.+?)-(?:campaigns|ad-sets|ad sets|adsets|ads)-\d{1,2}-[a-z]{3}-\d{4}",
    re.IGNORECASE,
)
_NO_BUDGET = re.compile(r"^(using|gebruikt|met)\b", re.IGNORECASE)
_ONGOING = frozenset({"ongoing", "doorlopend", "lopend"})
_NO_DATA = "no data available."
_ISO = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")
_NAMES = ("campaign_name", "ad_set_name", "ad_name")
_DATE_FIELDS = ("reporting_starts", "reporting_ends", "starts", "ends")


# -- the file as a whole ---------------------------------------------------------------------
def level(f: dict[str, str]) -> str:
    """ "ad", "ad_set" or "campaign": the finest level the export's columns name."""
    if "ad_name" in f or "ad_id" in f:
        return "ad"
    if "ad_set_name" in f or "ad_set_id" in f:
        return "ad_set"
    return "campaign"


def currency_of(table: Table) -> str | None:
    """The currency written in the spend header: `Amount spent (GBP)` -> "GBP"."""
    if "spend" not in table.fields:
        return None
    m = _CURRENCY.search(table.col("spend"))
    return m.group(1).upper() if m else None


def account_from_name(file: str) -> str | None:
    """The ad account in Ads Manager's default file name, if the file still has it."""
    m = _FILE_ACCOUNT.match(Path(file.rsplit(":", 1)[-1]).name)
    return m.group("account").strip() if m else None


def _handle(ctx: ReadContext) -> str:
    """The account for rows that do not name one: file name, --account, else the default.

    A file name may write the account's spaces as hyphens: when it names the --account
    that way, the user's spelling is kept, so one ad account does not become two.
    """
    named = account_from_name(ctx.file)
    if named and ctx.account and _loose(named) == _loose(ctx.account):
        return ctx.account
    return named or ctx.account or DEFAULT_HANDLE


def _loose(name: str) -> str:
    return re.sub(r"[\s_-]+", " ", name).strip().casefold()


def other_columns(table: Table) -> dict[str, str]:
    """Columns this module does not know -> their extra name (derived rates left out)."""
    known = set(table.fields.values())
    out: dict[str, str] = {}
    for header in table.header:
        norm = normalise_header(header)
        if header in known or not norm or _OTHER_DERIVED.match(norm):
            continue
        name = re.sub(r"[^a-z0-9]+", "_", norm).strip("_")
        while name in out.values():
            name += "_"
        out[header] = name
    return out


# -- dates -----------------------------------------------------------------------------------
@dataclass
class DateOrder:
    """Whether slashed dates are day-first, decided once per file from its own dates."""

    day_first: bool | None = None

    def decide(self, values: pd.Series, ctx: ReadContext) -> bool:
        """Day-first unless a date says otherwise (a part above 12); noted when undecidable."""
        parts = values.astype("string").str.extract(r"^(\d{1,2})/(\d{1,2})/\d{4}").dropna()
        if self.day_first is None and not parts.empty:
            parts = parts.astype(int)
            if (parts[0] > 12).any():
                self.day_first = True
            elif (parts[1] > 12).any():
                self.day_first = False
            else:
                self.day_first = True
                ctx.note(
                    "the dates are written with slashes and could be read either way; they "
                    "are read as DD/MM/YYYY (an Excel re-save in a European locale)."
                )
        return self.day_first is not False

    def observe(self, frame: pd.DataFrame, columns: list[str], ctx: ReadContext) -> None:
        """Decide from every date column of the first chunk holding slashed dates."""
        if self.day_first is None and columns:
            self.decide(pd.concat([cleaned(frame[c]) for c in columns]).dropna(), ctx)


def parse_dates(
    frame: pd.DataFrame,
    column: str,
    file: str,
    order: DateOrder,
    ctx: ReadContext,
    *,
    required: bool = True,
) -> pd.Series:
    """ISO dates (or DD/MM/YYYY, MM/DD/YYYY by the file's order) as normalised timestamps."""
    s = cleaned(frame[column])
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for fmt in _ISO:
        todo = s.notna() & out.isna()
        if todo.any():
            out[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce")
    slashed = s.notna() & out.isna() & s.str.contains("/", regex=False).fillna(False)
    if slashed.any():
        fmt = "%d/%m/%Y" if order.decide(s[slashed], ctx) else "%m/%d/%Y"
        out[slashed] = pd.to_datetime(s[slashed].str[:10], format=fmt, errors="coerce")
    _refuse(frame, s.notna() & out.isna(), file, column, "{value!r} is not a date.")
    if required:
        _refuse(frame, s.isna(), file, column, "the date is empty.")
    return out.dt.normalize()


def _refuse(frame: pd.DataFrame, bad: pd.Series, file: str, column: str, message: str) -> None:
    if bad.any():
        idx = bad[bad].index[0]
        value = frame.at[idx, column]
        raise RowInvalid(file, file_row(frame, idx), column, message.format(value=value))


# -- rows ------------------------------------------------------------------------------------
def no_data_rows(frame: pd.DataFrame) -> pd.Series:
    """The `"No data available."` row of an export without delivery."""
    first = frame[frame.columns[0]].astype(str).str.strip().str.casefold()
    rest = frame.drop(columns=[frame.columns[0], ROW_COL]).astype(str)
    empty_rest = rest.apply(lambda col: col.str.strip() == "").all(axis=1)
    return ((first == _NO_DATA) & empty_rest).astype(bool)


def summary_rows(frame: pd.DataFrame, f: dict[str, str]) -> pd.Series:
    """Total rows: no campaign, ad set or ad named at all."""
    named = pd.Series(False, index=frame.index)
    for canonical in _NAMES:
        if canonical in f:
            named |= cleaned(frame[f[canonical]]).notna()
    return (~named).astype(bool)


def _ids(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    """Ids kept as strings; an id a spreadsheet turned into 1.2385e+16 is refused."""
    upper = frame.assign(**{column: frame[column].astype(str).str.upper()})
    return ids(upper, column, file, required=False)


def _hierarchy(
    out: pd.DataFrame, frame: pd.DataFrame, f: dict[str, str], lvl: str, file: str
) -> None:
    out["campaign_name"] = text(frame, f["campaign_name"])
    _refuse(
        frame,
        out["campaign_name"].isna(),
        file,
        f["campaign_name"],
        "the campaign name is empty; every row belongs to a campaign.",
    )
    for canonical, target in (
        ("campaign_id", "campaign_external_id"),
        ("ad_set_id", "ad_set_external_id"),
        ("ad_id", "ad_external_id"),
    ):
        if canonical in f:
            out[target] = _ids(frame, f[canonical], file)
    for canonical in ("ad_set_name", "ad_name"):
        if canonical in f:
            out[canonical] = text(frame, f[canonical])
    if "objective" in f:
        out["objective"] = text(frame, f["objective"])
    if "campaign_delivery" in f:
        out["status"] = text(frame, f["campaign_delivery"])
    if "delivery_status" in f:
        target = "status" if lvl == "campaign" and "status" not in out else "extra:delivery_status"
        out[target] = text(frame, f["delivery_status"])
    if "delivery_level" in f:
        out["extra:delivery_level"] = text(frame, f["delivery_level"])


def _budget(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    """Budgets; "Using ad set budget" and the like mean none at this level: NULL."""
    words = cleaned(frame[column]).str.match(_NO_BUDGET).fillna(False).astype(bool)
    return numbers(frame.assign(**{column: frame[column].mask(words, "")}), column, file)


def _budget_type(frame: pd.DataFrame, column: str) -> pd.Series:
    values = text(frame, column)
    return values.where(~cleaned(frame[column]).str.match(_NO_BUDGET).fillna(False), None)


def _budgets(
    out: pd.DataFrame, frame: pd.DataFrame, f: dict[str, str], lvl: str, file: str
) -> None:
    """The campaign's budget on a campaign-level export; else (and ad set budgets) extra."""
    on_campaign = lvl == "campaign"
    if "budget" in f:
        out["budget" if on_campaign else "extra:budget"] = _budget(frame, f["budget"], file)
    if "budget_type" in f:
        target = "budget_type" if on_campaign else "extra:budget_type"
        out[target] = _budget_type(frame, f["budget_type"])
    if "ad_set_budget" in f:
        out["extra:ad_set_budget"] = _budget(frame, f["ad_set_budget"], file)
    if "ad_set_budget_type" in f:
        out["extra:ad_set_budget_type"] = _budget_type(frame, f["ad_set_budget_type"])


def _schedule(
    out: pd.DataFrame,
    frame: pd.DataFrame,
    f: dict[str, str],
    lvl: str,
    order: DateOrder,
    ctx: ReadContext,
) -> None:
    """Starts/Ends: the campaign's dates on a campaign-level export, else the row's extra."""
    for canonical, target in (("starts", "start_date"), ("ends", "end_date")):
        if canonical not in f:
            continue
        column = f[canonical]
        ongoing = cleaned(frame[column]).str.casefold().isin(_ONGOING).fillna(False)
        values = frame.assign(**{column: frame[column].mask(ongoing.astype(bool), "")})
        days = parse_dates(values, column, ctx.file, order, ctx, required=False)
        if lvl == "campaign":
            out[target] = days
        else:
            iso = days.dt.strftime("%Y-%m-%d")
            out[f"extra:{canonical}"] = iso.astype(object).where(days.notna(), None)


def breakdown(frame: pd.DataFrame, f: dict[str, str]) -> pd.Series | None:
    """ "age=25-34;gender=female" from the breakdown columns (None without any)."""
    present = sorted(name for name in BREAKDOWNS if name in f)
    if not present:
        return None
    parts = []
    for name in present:
        values = cleaned(frame[f[name]])
        parts.append((name + "=" + values).astype(object).where(values.notna(), None))
    joined = [
        ";".join(p for p in row if p) or None
        for row in zip(*(p.tolist() for p in parts), strict=True)
    ]
    return pd.Series(joined, index=frame.index, dtype=object)


def _figures(
    out: pd.DataFrame,
    frame: pd.DataFrame,
    f: dict[str, str],
    others: dict[str, str],
    file: str,
) -> None:
    for canonical, target in METRICS.items():
        if canonical in f:
            out[target] = numbers(frame, f[canonical], file).values
    for canonical, target in (
        ("result_type", "result_type"),
        ("attribution", "attribution_setting"),
    ):
        if canonical in f:
            out[target] = text(frame, f[canonical])
    for header, name in others.items():
        if _ID_HEADER.search(normalise_header(header)):
            out[f"extra:{name}"] = _ids(frame, header, file)
            continue
        try:
            out[f"extra:{name}"] = numbers(frame, header, file).values
        except RowInvalid:  # a text column (bid strategy, URL, …) kept as written
            out[f"extra:{name}"] = text(frame, header).values


# -- checks over the whole file ----------------------------------------------------------
@dataclass
class Checks:
    """Derived figures that disagree with the recomputed ones, and repeated rows."""

    mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)  # header -> (n, row)
    seen: dict[int, int] = field(default_factory=dict)  # key hash -> row

    def derived(self, out: pd.DataFrame, frame: pd.DataFrame, f: dict[str, str], file: str) -> None:
        for canonical, (num, den, factor) in DERIVED.items():
            if canonical not in f or num not in out or den not in out:
                continue
            given = numbers(frame, f[canonical], file).to_numpy()
            with np.errstate(divide="ignore", invalid="ignore"):
                expected = out[num].to_numpy(float) / out[den].to_numpy(float) * factor
            comparable = ~np.isnan(given) & np.isfinite(expected)
            tolerance = np.maximum(0.01, 0.01 * np.abs(expected))
            off = comparable & (np.abs(given - expected) > tolerance)
            if off.any():
                n, first = self.mismatches.get(f[canonical], (0, 0))
                row = int(frame[ROW_COL].to_numpy()[off.argmax()])
                self.mismatches[f[canonical]] = (n + int(off.sum()), first or row)

    def unique(self, out: pd.DataFrame, frame: pd.DataFrame, f: dict[str, str], file: str) -> None:
        cols = [
            c
            for c in (
                "campaign_external_id",
                "campaign_name",
                "ad_set_external_id",
                "ad_set_name",
                "ad_external_id",
                "ad_name",
                "breakdown",
                "date_start",
                "date_end",
            )
            if c in out
        ]
        keys = pd.util.hash_pandas_object(out[cols].astype(str), index=False).to_numpy()
        for key, row in zip(keys.tolist(), frame[ROW_COL].tolist(), strict=True):
            if key in self.seen:
                column = f.get("ad_name") or f.get("ad_set_name") or f["campaign_name"]
                raise RowInvalid(
                    file,
                    int(row),
                    column,
                    f"this row repeats the campaign, ad set, ad, breakdown and period of row "
                    f"{self.seen[key]}; add the ID columns (Campaign ID, Ad set ID, Ad ID) to "
                    "the export to tell them apart.",
                )
            self.seen[key] = int(row)

    def report(self, ctx: ReadContext) -> None:
        for header, (n, row) in self.mismatches.items():
            ctx.note(
                f"{header!r} differs from the figure recomputed from the stored totals on {n} "
                f"row(s) (first: row {row}); derived figures are not stored, the totals are."
            )


def _currency_column(
    out: pd.DataFrame, frame: pd.DataFrame, f: dict[str, str], cur: str | None
) -> None:
    if "currency" in f:
        values = cleaned(frame[f["currency"]]).str.upper()
        out["currency"] = values.astype(object).where(values.notna(), cur)
    elif cur:
        out["currency"] = cur


def _chunks(
    out: pd.DataFrame,
    frame: pd.DataFrame,
    f: dict[str, str],
    ctx: ReadContext,
    handle: str,
    skipped: int,
) -> Iterator[Chunk]:
    """One chunk per ad account (the Account name column may name several)."""
    names = text(frame, f["account_name"]) if "account_name" in f else None
    account_ids = _ids(frame, f["account_id"], ctx.file) if "account_id" in f else None
    if names is None or names.isna().any():
        names = pd.Series(handle, index=frame.index, dtype=object)
    if DEFAULT_HANDLE in names.values:
        ctx.note(
            f"the file does not name the ad account; filed under {DEFAULT_HANDLE!r}. "
            "Import with --account <name> to file it under the right account."
        )
    for name, part in out.groupby(names, sort=False):
        present = part["currency"].dropna() if "currency" in part else pd.Series([])
        ext = account_ids[part.index].dropna() if account_ids is not None else pd.Series([])
        ref = AccountRef(
            PLATFORM,
            str(name),
            name=None if name == DEFAULT_HANDLE else str(name),
            external_id=str(ext.iloc[0]) if len(ext) else None,
            currency=str(present.iloc[0]) if len(present) else None,
        )
        yield Chunk("ad_days", ref, part, rows_skipped=skipped)
        skipped = 0
    if skipped:
        yield Chunk("ad_days", AccountRef(PLATFORM, handle), out.iloc[0:0], rows_skipped=skipped)


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    if "campaign_name" not in f:
        raise ImportError_(
            ctx.file,
            "this Ads Manager export has no 'Campaign name' column. Add the column "
            "(Columns → Customise columns → Campaign name) and export again.",
        )
    lvl, cur, others = level(f), currency_of(table), other_columns(table)
    if cur is None and "currency" not in f:
        ctx.note("the export does not say its currency (no 'Amount spent (XXX)' header).")
    handle = _handle(ctx)
    order, checks = DateOrder(), Checks()
    for frame in table.frames():
        empty = no_data_rows(frame)
        if empty.any():
            ctx.note("the export says 'No data available.': there was no delivery to import.")
        summary = summary_rows(frame, f) & ~empty
        frame = frame[~(empty | summary)]
        if frame.empty:
            if summary.any():
                yield Chunk(
                    "ad_days",
                    AccountRef(PLATFORM, handle),
                    frame.iloc[0:0],
                    rows_skipped=int(summary.sum()),
                )
            continue
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        _hierarchy(out, frame, f, lvl, ctx.file)
        order.observe(frame, [f[c] for c in _DATE_FIELDS if c in f], ctx)
        out["date_start"] = parse_dates(frame, f["reporting_starts"], ctx.file, order, ctx)
        out["date_end"] = parse_dates(frame, f["reporting_ends"], ctx.file, order, ctx)
        _schedule(out, frame, f, lvl, order, ctx)
        _budgets(out, frame, f, lvl, ctx.file)
        parts = breakdown(frame, f)
        if parts is not None:
            out["breakdown"] = parts
        _currency_column(out, frame, f, cur)
        _figures(out, frame, f, others, ctx.file)
        if (
            out.get("attribution_setting", pd.Series(dtype=object))
            .eq("Multiple attribution settings")
            .any()
        ):
            ctx.note(
                "some rows say 'Multiple attribution settings': their results mix attribution "
                "windows and are not comparable with the others."
            )
        checks.derived(out, frame, f, ctx.file)
        checks.unique(out, frame, f, ctx.file)
        yield from _chunks(out, frame, f, ctx, handle, int(summary.sum()))
    checks.report(ctx)


FORMAT = ExportFormat(
    name="meta_ads_manager_csv",
    platform=PLATFORM,
    title=N_("Meta Ads Manager – exported table (CSV or Excel)"),
    how_to=N_(
        "Meta Ads Manager → Campaigns, Ad sets or Ads tab → choose the columns, breakdowns and "
        "date range → Reports → Export table data → .csv or .xlsx. Keep the 'Campaign name' "
        "column in the table."
    ),
    columns=COLUMNS,
    required=("reporting_starts", "reporting_ends"),
    read=read,
    extensions=(".csv", ".xlsx"),
    file_pattern=r"-(campaigns|ad-sets|ads)-\d{1,2}-[a-z]{3}-\d{4}",
)
