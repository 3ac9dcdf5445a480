"""LinkedIn Campaign Manager → Analyze → Export → Campaign performance (CSV).

Known from documentation and third-party fixtures only (no real file seen yet). Title lines
sit above the header ("Campaign Performance Report (in UTC)", "Report Start: 09/01/2026,
Report End: 09/02/2026"); dates are M/D/YYYY in UTC; money may carry thousands separators
("1,234.50"); a `Total` row may close the file (dropped and counted as skipped, as is a
row that names neither a campaign group nor a campaign).

Mapping onto the canonical hierarchy, by what each level does: LinkedIn's *campaign group*
is the canonical Campaign (it holds the objective, the schedule and the budget of a group of
campaigns, like a Meta campaign) and LinkedIn's *campaign* is the canonical AdSet
(audience, bid and budget, like a Meta ad set), keyed by Campaign ID. So cross-platform
"campaign" views compare like with like. A creative-level export (Creative Name / Creative
ID) adds the Ad level. `Campaign Objective` becomes the group's objective (the current
Campaign Manager sets it per group; legacy campaigns of one group that disagree leave it
NULL) and also stays on each row in extra; `Campaign Group Status` is the group's status;
the LinkedIn campaign's own status and type go to extra.

Each row covers its `Start Date (in UTC)`: one day in a daily export. When there is an
`End Date (in UTC)` column it is used; when every row starts on the report's first day and
the report spans more days, the rows cover the whole report period; when the start dates are
firsts of months, the rows cover those months (cut at the report end). The choice is noted.

Figures: `Total Spent` → spend (currency from `Currency`), Impressions, Clicks, Reach (if
present) → reach, `Average Frequency` → frequency, Conversions, `Total Conversion Value`
→ conversion_value, `Clicks to Landing Page` → link_clicks. Social actions, leads, video
and viral figures go to extra. Derived columns (CTR, average CPC/CPM, cost per …) are not
stored: they are recomputed from the totals. Platform "linkedin_ads"; the account is the
`Account Name` of each row, else the user's --account, else "LinkedIn ad account".
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator

import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import add_numbers, cleaned, dates, file_row, ids, text

PLATFORM = "linkedin_ads"
DEFAULT_HANDLE = "LinkedIn ad account"

COLUMNS: dict[str, tuple[str, ...]] = {
    "start_date": ("Start Date (in UTC)",),
    "end_date": ("End Date (in UTC)",),
    "account_name": ("Account Name",),
    "account_id": ("Account ID",),
    "campaign_group": ("Campaign Group Name",),
    "campaign_group_id": ("Campaign Group ID",),
    "campaign_group_status": ("Campaign Group Status",),
    "campaign_name": ("Campaign Name",),
    "campaign_id": ("Campaign ID",),
    "campaign_objective": ("Campaign Objective", "Campaign Group Objective"),
    "campaign_status": ("Campaign Status",),
    "campaign_type": ("Campaign Type",),
    "creative_name": ("Creative Name",),
    "creative_id": ("Creative ID",),
    "currency": ("Currency",),
    "spend": ("Total Spent",),
    "impressions": ("Impressions",),
    "clicks": ("Clicks",),
    "landing_page_clicks": ("Clicks to Landing Page", "Landing Page Clicks"),
    "linkedin_page_clicks": ("Clicks to LinkedIn Page",),
    "reach": ("Reach", "Approximate Member Reach", "Approximate Reach"),
    "frequency": ("Average Frequency",),
    "conversions": ("Conversions",),
    "post_click_conversions": ("Post-Click Conversions",),
    "view_through_conversions": ("View-Through Conversions",),
    "conversion_value": ("Total Conversion Value",),
    "leads": ("Leads",),
    "lead_forms_opened": ("Lead Forms Opened",),
    "reactions": ("Reactions",),
    "comments": ("Comments",),
    "shares": ("Shares",),
    "follows": ("Follows",),
    "other_clicks": ("Other Clicks",),
    "total_social_actions": ("Total Social Actions",),
    "total_engagements": ("Total Engagements",),
    "video_views": ("Video Views",),
    "video_completions": ("Video Completions",),
    "viral_impressions": ("Viral Impressions",),
    "viral_clicks": ("Viral Clicks",),
    "event_registrations": ("Event Registrations",),
}

METRICS = {
    "spend": "spend",
    "impressions": "impressions",
    "clicks": "clicks",
    "reach": "reach",
    "frequency": "frequency",
    "conversions": "conversions",
    "conversion_value": "conversion_value",
    "landing_page_clicks": "link_clicks",
}
EXTRAS = {
    name: f"extra:{name}"
    for name in (
        "linkedin_page_clicks",
        "post_click_conversions",
        "view_through_conversions",
        "leads",
        "lead_forms_opened",
        "reactions",
        "comments",
        "shares",
        "follows",
        "other_clicks",
        "total_social_actions",
        "total_engagements",
        "video_views",
        "video_completions",
        "viral_impressions",
        "viral_clicks",
        "event_registrations",
    )
}
TEXT_EXTRAS = {"campaign_status": "extra:campaign_status", "campaign_type": "extra:campaign_type"}

DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y")
_REPORT_RANGE = re.compile(
    r"report start:\s*([\d/.-]+)\s*,?\s*report end:\s*([\d/.-]+)", re.IGNORECASE
)


# -- the period each row covers ------------------------------------------------------------
def _parse_day(value: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def report_range(table: Table) -> tuple[dt.date, dt.date] | None:
    """(start, end) from the "Report Start: …, Report End: …" title line."""
    for row in table.preamble():
        m = _REPORT_RANGE.search(",".join(str(c) for c in row))
        if m:
            start, end = _parse_day(m.group(1)), _parse_day(m.group(2))
            if start and end:
                return start, end
    return None


def _month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def period_ends(table: Table, ctx: ReadContext) -> dict[dt.date, dt.date]:
    """start day -> last day covered, for a file without an end-date column (see above)."""
    starts: set[dt.date] = set()
    for frame in table.frames():
        for value in cleaned(frame[table.col("start_date")]).dropna():
            day = _parse_day(str(value))
            if day:
                starts.add(day)
    rng = report_range(table)
    ordered = sorted(starts)
    if rng and ordered == [rng[0]] and rng[1] > rng[0]:
        ctx.note(
            f"every row starts on the report's first day: the rows cover the whole report "
            f"period {rng[0].isoformat()} – {rng[1].isoformat()}."
        )
        return {rng[0]: rng[1]}
    gaps = [(b - a).days for a, b in itertools.pairwise(ordered)]
    if gaps and all(d.day == 1 for d in ordered) and min(gaps) >= 28:
        ctx.note("the start dates are firsts of months: the rows cover whole months.")
        cap = rng[1] if rng else dt.date.max
        return {d: min(_month_end(d), cap) for d in ordered}
    return {d: d for d in ordered}


# -- rows ----------------------------------------------------------------------------------
def summary_rows(frame: pd.DataFrame, f: dict[str, str]) -> pd.Series:
    """The closing Total row(s): a label starting with "Total", or no campaign at all."""
    label_fields = ("start_date", "account_name", "campaign_group", "campaign_name")
    labels = [f[c] for c in label_fields if c in f]
    is_total = pd.Series(False, index=frame.index)
    for col in labels:
        is_total |= cleaned(frame[col]).str.casefold().str.startswith("total").fillna(False)
    unnamed = cleaned(frame[f["campaign_name"]]).isna() & cleaned(frame[f["campaign_group"]]).isna()
    return (is_total | unnamed).astype(bool)


def _group_objectives(out: pd.DataFrame, objectives: pd.Series) -> pd.Series:
    """The objective of each campaign group; NULL for a group whose campaigns disagree
    (legacy campaigns had their own objective: each row keeps it in extra)."""
    out["extra:campaign_objective"] = objectives
    group = out.get("campaign_external_id", out["campaign_name"]).fillna(out["campaign_name"])
    kinds = objectives.groupby(group.fillna("")).transform("nunique")
    return objectives.where(kinds <= 1, None)


def _hierarchy(out: pd.DataFrame, frame: pd.DataFrame, f: dict[str, str], file: str) -> None:
    out["campaign_name"] = text(frame, f["campaign_group"])
    orphan = out["campaign_name"].isna()
    if orphan.any():
        idx = orphan[orphan].index[0]
        raise RowInvalid(
            file,
            file_row(frame, idx),
            f["campaign_group"],
            "the campaign group is empty; every campaign belongs to one.",
        )
    if "campaign_group_id" in f:
        out["campaign_external_id"] = ids(frame, f["campaign_group_id"], file, required=False)
    if "campaign_objective" in f:
        out["objective"] = _group_objectives(out, text(frame, f["campaign_objective"]))
    if "campaign_group_status" in f:
        out["status"] = text(frame, f["campaign_group_status"])
    out["ad_set_name"] = text(frame, f["campaign_name"])
    if "campaign_id" in f:
        out["ad_set_external_id"] = ids(frame, f["campaign_id"], file, required=False)
    if "creative_name" in f:
        out["ad_name"] = text(frame, f["creative_name"])
    if "creative_id" in f:
        out["ad_external_id"] = ids(frame, f["creative_id"], file, required=False)


def _dates(
    out: pd.DataFrame,
    frame: pd.DataFrame,
    f: dict[str, str],
    file: str,
    ends: dict[dt.date, dt.date] | None,
) -> None:
    out["date_start"] = dates(frame, f["start_date"], file, DATE_FORMATS)
    if ends is None:
        out["date_end"] = dates(frame, f["end_date"], file, DATE_FORMATS)
    else:

        def end_of(start: pd.Timestamp) -> pd.Timestamp:
            return pd.Timestamp(ends.get(start.date(), start))

        out["date_end"] = out["date_start"].map(end_of)


def _account_names(frame: pd.DataFrame, f: dict[str, str], ctx: ReadContext) -> pd.Series:
    if "account_name" in f:
        names = text(frame, f["account_name"])
        if names.notna().all():
            return names
    if ctx.account:
        return pd.Series(ctx.account, index=frame.index, dtype=object)
    ctx.note(
        f"the file does not name the ad account; filed under {DEFAULT_HANDLE!r}. "
        "Import with --account <name> to file it under the right account."
    )
    return pd.Series(DEFAULT_HANDLE, index=frame.index, dtype=object)


def _first(values: pd.Series | None) -> str | None:
    if values is None:
        return None
    present = values.dropna()
    return str(present.iloc[0]) if len(present) else None


def _by_account(
    out: pd.DataFrame, frame: pd.DataFrame, f: dict[str, str], ctx: ReadContext, skipped: int
) -> Iterator[Chunk]:
    """One chunk per ad account named in the rows (an agency export may hold several)."""
    names = _account_names(frame, f, ctx)
    account_ids = None
    if "account_id" in f:
        account_ids = ids(frame, f["account_id"], ctx.file, required=False)
    for name, part in out.groupby(names, sort=False):
        ref = AccountRef(
            PLATFORM,
            str(name),
            name=str(name),
            external_id=_first(None if account_ids is None else account_ids[part.index]),
            currency=_first(part.get("currency")),
        )
        yield Chunk("ad_days", ref, part, rows_skipped=skipped)
        skipped = 0
    if skipped:  # only Total rows in this chunk
        empty = out.iloc[0:0]
        yield Chunk("ad_days", AccountRef(PLATFORM, DEFAULT_HANDLE), empty, rows_skipped=skipped)


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    f = table.fields
    ends = None if "end_date" in f else period_ends(table, ctx)
    for frame in table.frames():
        summary = summary_rows(frame, f)
        frame = frame[~summary]
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        _hierarchy(out, frame, f, ctx.file)
        _dates(out, frame, f, ctx.file, ends)
        if "currency" in f:
            currency = cleaned(frame[f["currency"]]).str.upper()
            out["currency"] = currency.astype(object).where(currency.notna(), None)
        add_numbers(out, frame, f, METRICS, ctx.file)
        add_numbers(out, frame, f, EXTRAS, ctx.file)
        for canonical, target in TEXT_EXTRAS.items():
            if canonical in f:
                out[target] = text(frame, f[canonical])
        yield from _by_account(out, frame, f, ctx, int(summary.sum()))


FORMAT = ExportFormat(
    name="linkedin_campaign_manager_csv",
    platform=PLATFORM,
    title=N_("LinkedIn Campaign Manager – campaign performance (CSV)"),
    how_to=N_(
        "LinkedIn Campaign Manager → your ad account → Campaigns → Export → Campaign "
        "performance, time breakdown Daily → Export as CSV."
    ),
    columns=COLUMNS,
    required=("start_date", "campaign_group", "campaign_name", "spend", "impressions"),
    read=read,
)
