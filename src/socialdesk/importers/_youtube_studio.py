"""Shared helpers of the YouTube Studio importers (not a format itself).

YouTube Studio → Analytics → Advanced mode → Export → CSV gives a zip of `Table data.csv`,
`Chart data.csv` and `Totals.csv` (member names localised: "Datos de la tabla.csv"), whose
columns are the metrics the user picked. This module knows those metric headers, how each is
written (count, "(%)" percentage, H:MM:SS duration, money with the channel's currency in the
header) and where each is stored (a PostMetrics or AccountDay column, else `extra`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers.base import AccountRef, ReadContext
from socialdesk.importers.tabular import normalise_header
from socialdesk.importers.values import cleaned, durations, file_row, numbers, percent_numbers

PLATFORM = "youtube"
DEFAULT_HANDLE = "YouTube channel"
TOTAL_LABELS = frozenset({"total", "totaal", "totales", "gesamt", "totale"})


@dataclass(frozen=True)
class Metric:
    """One YouTube metric column: its extra key, how it is written and where it goes."""

    key: str
    kind: str = "count"  # count | percent | duration | money
    post: str | None = None  # PostMetrics column, else extra
    day: str | None = None  # AccountDay column, else extra
    additive: bool = True  # may be summed over rows (so a share of the total means something)


METRICS: dict[str, Metric] = {
    "views": Metric("views", post="views", day="views"),
    "watch time (hours)": Metric(
        "watch_time_hours", post="watch_time_hours", day="watch_time_hours"
    ),
    "average view duration": Metric(
        "avg_view_seconds", "duration", post="avg_view_seconds", additive=False
    ),
    "average percentage viewed (%)": Metric("avg_percentage_viewed", "percent", additive=False),
    "impressions": Metric("impressions", post="impressions", day="impressions"),
    "thumbnail impressions": Metric("impressions", post="impressions", day="impressions"),
    "impressions click-through rate (%)": Metric("impressions_ctr", "percent", additive=False),
    "thumbnail click-through rate (%)": Metric("impressions_ctr", "percent", additive=False),
    "subscribers": Metric("subscribers_net", post="follows"),
    "subscribers gained": Metric("subscribers_gained", day="followers_gained"),
    "subscribers lost": Metric("subscribers_lost", day="followers_lost"),
    "likes": Metric("likes", post="likes", day="likes"),
    "dislikes": Metric("dislikes"),
    "likes (vs. dislikes) (%)": Metric("likes_vs_dislikes", "percent", additive=False),
    "shares": Metric("shares", post="shares", day="shares"),
    "comments added": Metric("comments", post="comments", day="comments"),
    "engaged views": Metric("engaged_views"),
    "unique viewers": Metric("unique_viewers", additive=False),
    "new viewers": Metric("new_viewers", additive=False),
    "returning viewers": Metric("returning_viewers", additive=False),
    "casual viewers": Metric("casual_viewers", additive=False),
    "regular viewers": Metric("regular_viewers", additive=False),
    "average views per viewer": Metric("avg_views_per_viewer", additive=False),
    "stayed to watch (%)": Metric("stayed_to_watch", "percent", additive=False),
    "ad impressions": Metric("ad_impressions"),
    "transactions": Metric("transactions"),
    "estimated monetized playbacks": Metric("estimated_monetized_playbacks"),
    "videos published": Metric("videos_published", day="posts_published"),
}
# Money metrics carry the channel currency in the header: "Estimated revenue (USD)".
MONEY = (
    "estimated revenue",
    "estimated ad revenue",
    "estimated partner revenue",
    "transaction revenue",
    "revenue per transaction",
    "youtube premium",
    "watch page ads",
    "estimated doubleclick revenue",
    "estimated adsense revenue",
    "youtube ad revenue",
    "playback-based cpm",
    "cpm",
    "rpm",
)
_MONEY_RE = "(?:" + "|".join(re.escape(m) for m in MONEY) + r") \([a-z]{3}\)"
_MONEY_HEADER = re.compile(r"(?P<base>.+) \((?P<currency>[a-z]{3})\)")

# Detection spellings shared by the three formats.
METRIC_SPELLINGS: tuple[str, ...] = (*METRICS, f"re:{_MONEY_RE}")
CONTENT = ("Content",)
TRAFFIC_SOURCE = ("Traffic source",)
DIMENSIONS = CONTENT + TRAFFIC_SOURCE
_KNOWN = "|".join(re.escape(m) for m in ("date", *METRICS)) + "|" + _MONEY_RE
# Full-matches any header that is neither Date nor a known metric.
FOREIGN = (f"re:(?!(?:{_KNOWN})$).+",)


def slug(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", normalise_header(header)).strip("_")


def metric_for(header: str) -> tuple[Metric, str | None]:
    """(metric, currency) of a metric header; an unknown header goes to extra by its name."""
    norm = normalise_header(header)
    if norm in METRICS:
        return METRICS[norm], None
    money = _MONEY_HEADER.fullmatch(norm)
    if money and money.group("base") in MONEY:
        currency = money.group("currency").upper()
        return Metric(slug(money.group("base")), "money", additive=False), currency
    kind = "percent" if norm.endswith("(%)") else "duration" if "duration" in norm else "count"
    return Metric(slug(norm.removesuffix("(%)")), kind, additive=False), None


def metric_values(frame: pd.DataFrame, header: str, metric: Metric, file: str) -> pd.Series:
    """A metric column as numbers: rates as fractions, durations in seconds."""
    if metric.kind == "percent":
        return percent_numbers(frame, header, file)
    if metric.kind == "duration":
        return durations(frame, header, file)
    return numbers(frame, header, file)


def metric_columns(header: Sequence[str], skip: Iterable[str]) -> list[str]:
    """The metric headers of a file: every column but the dimension ones."""
    skipped = {normalise_header(s) for s in skip}
    return [h for h in header if h and normalise_header(h) not in skipped]


def place_metrics(
    out: pd.DataFrame, frame: pd.DataFrame, headers: Sequence[str], target: str, ctx: ReadContext
) -> str | None:
    """Put each metric column into its `target` ("post" or "day") column, else into extra.

    Returns the currency named by money headers, if any.
    """
    currencies: set[str] = set()
    unknown: list[str] = []
    for header in headers:
        metric, currency = metric_for(header)
        if normalise_header(header) not in METRICS and currency is None:
            unknown.append(header)
        column = getattr(metric, target)
        name = column if column and column not in out else f"extra:{metric.key}"
        if name in out:
            name = f"extra:{slug(header)}"
        out[name] = metric_values(frame, header, metric, ctx.file).to_numpy()
        if currency:
            currencies.add(currency)
    if unknown:
        ctx.note(f"columns not known to socialdesk were kept in extra: {', '.join(unknown)}.")
    if len(currencies) > 1:
        ctx.note(f"money columns in several currencies ({', '.join(sorted(currencies))}).")
    currency = sorted(currencies)[0] if currencies else None
    if currency and len(currencies) == 1:
        out["extra:currency"] = currency
    return currency if len(currencies) == 1 else None


def is_total(frame: pd.DataFrame, column: str) -> pd.Series:
    """The summary rows ("Total", first in Table data)."""
    first = cleaned(frame[column]).str.casefold()
    return first.isin(TOTAL_LABELS).fillna(False).astype(bool)


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


def chart_dates(frame: pd.DataFrame, column: str, file: str) -> tuple[pd.Series, str]:
    """(dates, granularity) of a Chart data/Totals Date column: "day" (ISO dates, parsed),
    "month" ("2025-02") or "year" ("2024"), which are left as text."""
    s = cleaned(frame[column]).fillna("")
    patterns = {"day": _DAY, "month": _MONTH, "year": _YEAR}
    first = s.iloc[0] if len(s) else ""
    granularity = next((g for g, p in patterns.items() if p.match(first)), "day")
    bad = ~s.str.match(patterns[granularity])
    parsed = pd.to_datetime(s.where(~bad, None), format="%Y-%m-%d", errors="coerce")
    if granularity == "day":
        bad = bad | parsed.isna()
    if bad.any():
        idx = bad[bad].index[0]
        raise RowInvalid(
            file,
            file_row(frame, idx),
            column,
            f"{frame.at[idx, column]!r} is not a date (YYYY-MM-DD), a month (YYYY-MM) or a year "
            "like the first row.",
        )
    return (parsed if granularity == "day" else s), granularity


_NAME_PERIOD = re.compile(r"(20\d\d-\d\d-\d\d)[_ ](20\d\d-\d\d-\d\d)")


def period(ctx: ReadContext) -> tuple[dt.date, dt.date] | None:
    """The period the figures cover: from the zip's name ("Content 2024-08-12_2024-09-08
    Channel.zip"), else from the daily dates of a sibling Chart data/Totals file."""
    m = _NAME_PERIOD.search(ctx.file)
    if m:
        return dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))
    days: list[str] = []
    for path in ctx.siblings.values():
        days.extend(_sibling_days(path))
    if not days:
        return None
    return dt.date.fromisoformat(min(days)), dt.date.fromisoformat(max(days))


def _sibling_days(path: Path) -> list[str]:
    """The ISO dates of the first column of a CSV whose header starts with Date."""
    found: list[str] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = csv.reader(fh)
            header = next(rows, [])
            if not header or normalise_header(header[0]) != "date":
                return []
            for row in rows:
                if row and _DAY.match(row[0].strip()):
                    day = row[0].strip()
                    found = [min([day, *found[:1]]), max([day, *found[1:]])]
    except (OSError, UnicodeDecodeError, csv.Error):
        return []
    return found


def account_ref(ctx: ReadContext, currency: str | None = None) -> AccountRef:
    """YouTube Studio files never name the channel: the user's --account, else a default."""
    if ctx.account:
        return AccountRef(PLATFORM, ctx.account, currency=currency)
    ctx.note(
        f"YouTube Studio exports do not name the channel: stored under {DEFAULT_HANDLE!r}. "
        "Import with --account <channel> to keep several channels apart."
    )
    return AccountRef(PLATFORM, DEFAULT_HANDLE, currency=currency)
