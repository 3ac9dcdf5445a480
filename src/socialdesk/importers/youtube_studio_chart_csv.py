"""YouTube Studio → Analytics → Advanced mode → Export → CSV: `Chart data.csv`.

Long format: `Date, <dimension columns>, <metric>` with one row per period and item. The
figures are per day (or per month/year), not lifetime totals, and only for the items drawn
in the chart, so what is stored depends on the report:

- `Content` (per video per day): socialdesk has no per-video daily table, and summing the
  videos into channel days would be wrong (averages and rates do not add up, and the chart
  holds only the items drawn). So only the videos themselves are stored as posts (title,
  publish time, duration), with no metrics; a note says how many daily figures were left out.
  Channel days come from Totals.csv, per-video totals from Table data.csv.
- `Traffic source` (per source per day) → audience rows as of each day, dimension
  "traffic_source_daily:<metric>", count = the figure (additive metrics only; share left
  empty, as the chart may not hold every source). Monthly or yearly rows cannot be stored
  per day and are refused with a message.

Quirks: no BOM, LF, minimal quoting; `Date` is ISO (YYYY-MM-DD), or a bare year ("2024") or
month when the chart's granularity is yearly or monthly; video ids may carry a leading space.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from socialdesk.errors import ImportError_
from socialdesk.importers._youtube_studio import (
    CONTENT,
    DIMENSIONS,
    METRIC_SPELLINGS,
    account_ref,
    chart_dates,
    metric_columns,
    metric_for,
    metric_values,
)
from socialdesk.importers.base import N_, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table, normalise_header
from socialdesk.importers.values import cleaned, datetimes, ids, numbers, text

COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("Date",),
    "dimension": DIMENSIONS,
    "video_title": ("Video title",),
    "publish_time": ("Video publish time",),
    "duration": ("Duration",),
    "metric": METRIC_SPELLINGS,
}
DIMENSION_COLUMNS = (
    "Date",
    "Content",
    "Traffic source",
    "Video title",
    "Video publish time",
    "Duration",
)
PUBLISH_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")


def _videos(frame: pd.DataFrame, table: Table, ctx: ReadContext) -> pd.DataFrame:
    """One post per video (its last row), without metrics."""
    f = table.fields
    out = pd.DataFrame(index=frame.index)
    out[ROW_COL] = frame[ROW_COL]
    out["external_id"] = ids(frame, f["dimension"], ctx.file)
    out["permalink"] = "https://www.youtube.com/watch?v=" + out["external_id"].astype(str)
    out["media_type"] = "video"
    if "video_title" in f:
        out["title"] = text(frame, f["video_title"])
        out["text"] = out["title"]
    if "publish_time" in f:
        out["published_at"] = datetimes(
            frame, f["publish_time"], ctx.file, PUBLISH_FORMATS, required=False
        )
    if "duration" in f:
        out["duration_seconds"] = numbers(frame, f["duration"], ctx.file)
    return out.drop_duplicates("external_id", keep="last").reset_index(drop=True)


def _traffic(frame: pd.DataFrame, table: Table, ctx: ReadContext, days: pd.Series) -> pd.DataFrame:
    buckets = cleaned(frame[table.col("dimension")]).fillna("(not set)").astype(object)
    parts = []
    for header in metric_columns(table.header, DIMENSION_COLUMNS):
        metric, _currency = metric_for(header)
        if not metric.additive:
            ctx.note(f"{header!r} per traffic source per day is not stored (not additive).")
            continue
        parts.append(
            pd.DataFrame(
                {
                    ROW_COL: frame[ROW_COL],
                    "as_of": days,
                    "dimension": f"traffic_source_daily:{metric.key}",
                    "bucket": buckets,
                    "count": metric_values(frame, header, metric, ctx.file),
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    is_content = normalise_header(table.col("dimension")) == normalise_header(CONTENT[0])
    metrics = metric_columns(table.header, DIMENSION_COLUMNS)
    daily_figures = 0
    granularity = "day"
    for frame in table.frames():
        days, granularity = chart_dates(frame, table.col("date"), ctx.file)
        if is_content:
            daily_figures += len(frame) * len(metrics)
            yield Chunk("posts", account_ref(ctx), _videos(frame, table, ctx))
            continue
        if granularity != "day":
            raise ImportError_(
                ctx.file,
                f"this chart is per {granularity}; socialdesk stores traffic sources per day. "
                "In Advanced mode set the chart to daily and export again.",
            )
        yield Chunk("audience", account_ref(ctx), _traffic(frame, table, ctx, days))
    if is_content:
        ctx.note(
            f"Chart data holds per-video {'daily' if granularity == 'day' else granularity + 'ly'} "
            f"figures ({', '.join(metrics)}); socialdesk keeps no per-video series, so only the "
            f"videos were stored and {daily_figures} figures were left out. Import Table data.csv "
            "for per-video totals and Totals.csv for channel days."
        )


FORMAT = ExportFormat(
    name="youtube_studio_chart_csv",
    platform="youtube",
    title=N_("YouTube Studio – Advanced mode chart (Chart data.csv)"),
    how_to=N_(
        "YouTube Studio → Analytics → Advanced mode → Export current view → Comma-separated "
        "values (.csv); import the zip or its 'Chart data.csv'."
    ),
    columns=COLUMNS,
    required=("date", "dimension", "metric"),
    file_pattern=r"chart|gr[aá]fico|grafiek|diagramm|graphique",
    read=read,
)
