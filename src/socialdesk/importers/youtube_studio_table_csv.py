"""YouTube Studio → Analytics → Advanced mode → Export → CSV: `Table data.csv`.

Two reports are read, told apart by the first column:

- `Content` (per video) → posts with a metrics snapshot as of the export: Views → views,
  Watch time (hours), Average view duration (H:MM:SS) → avg_view_seconds, Impressions or
  Thumbnail impressions → impressions, Subscribers (net, per video) → follows, Likes, Shares,
  Comments added; every other metric (click-through rate and other "(%)" rates as fractions,
  engaged/unique/new/returning viewers, revenue with its currency…) goes to `extra`. The
  figures are totals over the period chosen in Studio, which the file does not state: the
  period is taken from the zip's name or from the Chart data beside it when possible and kept
  in extra (period_start, period_end); choose "Lifetime" in Studio for lifetime totals.
- `Traffic source` → audience rows, as of the export, one dimension per additive metric
  ("traffic_source:views", "traffic_source:watch_time_hours", …): count = the figure, share =
  the figure over the `Total` row. Averages and rates per source are not stored (said in a note).

Quirks: no BOM, LF, minimal quoting; the first data row is `Total` (dropped, counted);
video ids starting with "-" may be written with a leading space (" -e0JZNRR-QA"); `Video
publish time` is "Aug 12, 2024" or empty; `Duration` is in seconds; blank cells mean the
metric is not available (NULL); revenue headers carry the channel's currency ("Estimated
revenue (MXN)"); zip member names are localised ("Datos de la tabla.csv"), so only the
header is used to recognise the file.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from socialdesk.importers._youtube_studio import (
    CONTENT,
    DIMENSIONS,
    METRIC_SPELLINGS,
    account_ref,
    is_total,
    metric_columns,
    metric_for,
    metric_values,
    period,
    place_metrics,
)
from socialdesk.importers.base import N_, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table, normalise_header
from socialdesk.importers.values import cleaned, datetimes, ids, numbers, text

COLUMNS: dict[str, tuple[str, ...]] = {
    "dimension": DIMENSIONS,
    "video_title": ("Video title",),
    "publish_time": ("Video publish time",),
    "duration": ("Duration",),
    "metric": METRIC_SPELLINGS,
    "date": ("Date",),
}
DIMENSION_COLUMNS = ("Content", "Traffic source", "Video title", "Video publish time", "Duration")
PUBLISH_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")


def _posts(frame: pd.DataFrame, table: Table, ctx: ReadContext) -> tuple[pd.DataFrame, str | None]:
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
    out["as_of"] = pd.Timestamp(ctx.as_of)
    metrics = metric_columns(table.header, DIMENSION_COLUMNS)
    currency = place_metrics(out, frame, metrics, "post", ctx)
    span = period(ctx)
    if span:
        out["extra:period_start"] = span[0].isoformat()
        out["extra:period_end"] = span[1].isoformat()
        ctx.note(f"the figures are totals over {span[0]} – {span[1]}, stored as of {ctx.as_of}.")
    else:
        ctx.note(
            "the figures are totals over the period chosen in YouTube Studio, which the file does "
            f"not state: stored as a snapshot as of {ctx.as_of}. Export with 'Lifetime' for "
            "lifetime totals."
        )
    return out, currency


def _traffic(
    frame: pd.DataFrame, total: pd.DataFrame, table: Table, ctx: ReadContext
) -> pd.DataFrame:
    source = table.col("dimension")
    buckets = cleaned(frame[source]).fillna("(not set)").astype(object)
    parts = []
    skipped = []
    for header in metric_columns(table.header, DIMENSION_COLUMNS):
        metric, _currency = metric_for(header)
        if not metric.additive:
            skipped.append(header)
            continue
        values = metric_values(frame, header, metric, ctx.file)
        whole = metric_values(total, header, metric, ctx.file).max() if len(total) else float("nan")
        part = pd.DataFrame(
            {
                ROW_COL: frame[ROW_COL],
                "as_of": pd.Timestamp(ctx.as_of),
                "dimension": f"traffic_source:{metric.key}",
                "bucket": buckets,
                "count": values,
                "share": values / whole if whole and whole > 0 else float("nan"),
            }
        )
        parts.append(part)
    if skipped:
        ctx.note(f"per traffic source, averages and rates are not stored: {', '.join(skipped)}.")
    ctx.note(
        f"traffic sources are stored as audience rows as of {ctx.as_of} "
        "(dimension traffic_source:<metric>)."
    )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    is_content = normalise_header(table.col("dimension")) == normalise_header(CONTENT[0])
    totals: list[pd.DataFrame] = []
    for frame in table.frames():
        total = is_total(frame, table.col("dimension"))
        totals.append(frame[total])
        rows = frame[~total].reset_index(drop=True)
        if is_content:
            out, currency = _posts(rows, table, ctx)
            yield Chunk("posts", account_ref(ctx, currency), out, rows_skipped=int(total.sum()))
        else:
            out = _traffic(rows, pd.concat(totals, ignore_index=True), table, ctx)
            yield Chunk("audience", account_ref(ctx), out, rows_skipped=int(total.sum()))


FORMAT = ExportFormat(
    name="youtube_studio_table_csv",
    platform="youtube",
    title=N_(
        "YouTube Studio – Advanced mode table (Table data.csv: per video or per traffic source)"
    ),
    how_to=N_(
        "YouTube Studio → Analytics → Advanced mode → pick the Content (or Traffic source) tab, "
        "the period and metrics → Export current view → Comma-separated values (.csv); import the "
        "zip or its 'Table data.csv'."
    ),
    columns=COLUMNS,
    required=("dimension", "metric"),
    forbidden=("date",),
    file_pattern=r"table|tabla|tabel|tableau|tabelle|tabella",
    read=read,
)
