"""YouTube Studio → Analytics → Advanced mode → Export → CSV: `Totals.csv`.

`Date, <metric>…`: the channel's totals per day → account days. Views → views, Watch time
(hours) → watch_time_hours, Impressions/Thumbnail impressions → impressions, Subscribers
gained/lost → followers_gained/followers_lost, Likes, Shares, Comments added; the rest goes
to `extra` (Subscribers as subscribers_net, the net change; averages; "(%)" rates as
fractions; revenue with its currency).

Quirks: no BOM, LF; `Date` is ISO, but a bare year ("2024") or a month when the chart's
granularity is yearly or monthly: such period totals cannot be stored as days, so the file
is refused with a message saying how to export it daily. The file is only `Date` and metric
columns, so it is recognised only when every other column is a known YouTube metric.
Studio's Totals usually hold the one metric of the chart; two exports of different
extra-only metrics for the same days do not add up in `extra` (the loader replaces it whole).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from socialdesk.errors import ImportError_
from socialdesk.importers._youtube_studio import (
    DIMENSIONS,
    FOREIGN,
    METRIC_SPELLINGS,
    account_ref,
    chart_dates,
    metric_columns,
    place_metrics,
)
from socialdesk.importers.base import N_, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table

COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("Date",),
    "metric": METRIC_SPELLINGS,
    "dimension": DIMENSIONS,
    "foreign": FOREIGN,
}


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    metrics = metric_columns(table.header, ("Date",))
    for frame in table.frames():
        days, granularity = chart_dates(frame, table.col("date"), ctx.file)
        if granularity != "day":
            raise ImportError_(
                ctx.file,
                f"these are {granularity}ly totals; socialdesk stores channel figures per day. "
                "In Advanced mode set the chart to daily and export again.",
            )
        out = pd.DataFrame(index=frame.index)
        out[ROW_COL] = frame[ROW_COL]
        out["date"] = days
        currency = place_metrics(out, frame, metrics, "day", ctx)
        yield Chunk("account_days", account_ref(ctx, currency), out)


FORMAT = ExportFormat(
    name="youtube_studio_totals_csv",
    platform="youtube",
    title=N_("YouTube Studio – Advanced mode totals per day (Totals.csv)"),
    how_to=N_(
        "YouTube Studio → Analytics → Advanced mode → Export current view → Comma-separated "
        "values (.csv); import the zip or its 'Totals.csv'."
    ),
    columns=COLUMNS,
    required=("date", "metric"),
    forbidden=("dimension", "foreign"),
    file_pattern=r"totals|totales|totalen|totaux|summen",
    read=read,
)
