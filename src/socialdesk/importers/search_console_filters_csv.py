"""Google Search Console → Performance → Export: the `Filters.csv` member of the zip.

It holds no figures, only the filters of the export (`Filter,Value` rows such as
`Search type,Web`, `Date,1 Jan 2025-31 Dec 2025`, `Page,+/blog/`; "+" means "contains").
The other members read it through `ReadContext.siblings` for their period and filters
(see search_console_performance_csv); imported on its own it is recognised, its filters are
noted, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator

from socialdesk.importers.base import N_, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import Table
from socialdesk.importers.values import text

COLUMNS: dict[str, tuple[str, ...]] = {
    "filter": ("Filter",),
    "value": ("Value", "Waarde"),
}


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    shown: list[str] = []
    for frame in table.frames():
        names = text(frame, table.col("filter"))
        values = text(frame, table.col("value"))
        shown += [f"{n}: {v}" for n, v in zip(names, values, strict=True) if n is not None]
    if shown:
        ctx.note(
            f"Search Console filters of this export: {'; '.join(shown)}. They hold no figures; "
            "the other files of the zip take their period from them."
        )
    yield from ()


FORMAT = ExportFormat(
    name="search_console_filters_csv",
    platform="search_console",
    title=N_("Google Search Console – Filters.csv of a Performance export"),
    how_to=N_(
        "Search Console → Performance → Export → Download CSV: Filters.csv comes in the zip; "
        "import the whole zip."
    ),
    columns=COLUMNS,
    required=("filter", "value"),
    read=read,
    file_pattern=r"filters",
)
