"""Google Analytics 4 → any report → Share this report → Download File → Download CSV.

Quirks:

- A preamble of `#` comment lines: a dashed rule, `# <Report>: <Dimension>`, `# Account: …`,
  `# Property: …`, a rule, `# ` (a trailing space), the comparison (`# All Users`), then
  `# Start date: YYYYMMDD` and `# End date: YYYYMMDD`, the period of every row.
- Any dimensions followed by any metrics. Known metrics go to web_day columns; the others,
  and every average or ratio (not additive: "Average engagement time per active user",
  "Views per active user", "Engagement rate"), go to `extra`. A `Date` dimension (YYYYMMDD)
  makes every row one day; `Nth day` (`0000`, `0001`, …) counts days from the start date.
- `dimension_key` is the canonical `name=value;…` of the other dimensions, so a Dutch and an
  English download of one report land on the same rows.
- The "Reports snapshot" download (data-export.csv) holds many blocks, separated by blank
  lines, each with its own `# Start date`/`# End date` lines and header. Blocks with the same
  dimensions and period are merged into one row set; cohort blocks ("Week 0", "Week 1", …)
  and blocks with only a header are skipped with a note. The file is therefore read here,
  block by block, rather than through Table.frames().
- Excel re-saves pad every line with trailing commas; Excel also drops the zero padding of
  `Nth day`.
- Numbers are plain (`1.4174757281553398`, no thousands separators); rates are fractions.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from socialdesk.errors import FileUnreadable
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import CHUNK_ROWS, ROW_COL, Table, dedupe, normalise_header
from socialdesk.importers.values import dates, numbers, text

PLATFORM = "ga4"
DEFAULT_HANDLE = "GA4 property"
SNAPSHOT_REPORT = "Reports snapshot"

# Dimensions: canonical name (used in dimension_key) -> header spellings.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "date": ("Date", "Datum"),
    "nth_day": ("Nth day", "N-de dag", "Nde dag"),
    "page_path_screen_class": ("Page path and screen class", "Paginapad en schermklasse"),
    "page_path_query_screen_class": (
        "Page path + query string and screen class",
        "Paginapad + queryreeks en schermklasse",
    ),
    "page_title_screen_class": ("Page title and screen class", "Paginatitel en schermklasse"),
    "page_path": ("Page path", "Page path + query string", "Paginapad"),
    "page_title": ("Page title", "Paginatitel"),
    "page_location": ("Page location", "Paginalocatie"),
    "landing_page": ("Landing page", "Landing page + query string", "Bestemmingspagina"),
    "event_name": ("Event name", "Naam van gebeurtenis", "Gebeurtenisnaam"),
    "session_source_medium": (
        "Session source / medium",
        "Sessiebron/-medium",
        "Sessiebron / medium",
    ),
    "session_source": ("Session source", "Sessiebron"),
    "session_medium": ("Session medium", "Sessiemedium"),
    "session_campaign": ("Session campaign", "Sessiecampagne"),
    "session_channel_group": (
        "Session default channel group",
        "Session primary channel group (Default channel group)",
        "Standaard kanaalgroep voor sessie",
        "Primaire kanaalgroep voor sessie (standaard kanaalgroep)",
    ),
    "first_user_source_medium": (
        "First user source / medium",
        "Bron/medium van eerste gebruiker",
    ),
    "first_user_source": ("First user source", "Bron van eerste gebruiker"),
    "first_user_medium": ("First user medium", "Medium van eerste gebruiker"),
    "first_user_campaign": ("First user campaign", "Campagne van eerste gebruiker"),
    "first_user_channel_group": (
        "First user default channel group",
        "First user primary channel group (Default channel group)",
        "Standaard kanaalgroep van eerste gebruiker",
    ),
    "source_medium": ("Source / medium", "Bron/medium"),
    "source": ("Source", "Bron"),
    "medium": ("Medium",),
    "campaign": ("Campaign", "Campagne"),
    "channel_group": ("Default channel group", "Standaard kanaalgroep"),
    "country": ("Country", "Land"),
    "country_id": ("Country ID", "Land-ID"),
    "region": ("Region", "Regio"),
    "city": ("City", "Stad", "Plaats"),
    "language": ("Language", "Taal"),
    "device_category": ("Device category", "Apparaatcategorie"),
    "browser": ("Browser",),
    "operating_system": ("Operating system", "Besturingssysteem"),
    "platform": ("Platform",),
    "platform_device_category": ("Platform / device category", "Platform/apparaatcategorie"),
    "stream_name": ("Stream name", "Streamnaam"),
    "item_name": ("Item name", "Itemnaam"),
    "hostname": ("Hostname", "Hostnaam"),
    "content_group": ("Content group", "Contentgroep"),
    "age": ("Age", "Leeftijd"),
    "gender": ("Gender", "Geslacht"),
    "week": ("Week",),
    "month": ("Month", "Maand"),
    "year": ("Year", "Jaar"),
}

# Additive metrics: canonical web_day column -> header spellings.
METRICS: dict[str, tuple[str, ...]] = {
    "sessions": ("Sessions", "Sessies"),
    "engaged_sessions": ("Engaged sessions", "Sessies met betrokkenheid"),
    "users": (
        "Active users",
        "Users",
        "Total users",
        "Actieve gebruikers",
        "Gebruikers",
        "Totaal aantal gebruikers",
    ),
    "new_users": ("New users", "Nieuwe gebruikers"),
    "views": ("Views", "Screen page views", "Weergaven"),
    "event_count": ("Event count", "Aantal gebeurtenissen"),
    "conversions": ("Key events", "Conversions", "Belangrijke gebeurtenissen", "Conversies"),
    "revenue": ("Total revenue", "Totale opbrengst"),
    "engagement_seconds": ("User engagement", "Gebruikersbetrokkenheid"),
}

# Headers only GA4 writes: at least one must be in the header (with a dimension).
GA4_METRICS: tuple[str, ...] = (
    "Sessions",
    "Engaged sessions",
    "Active users",
    "Users",
    "Total users",
    "New users",
    "Event count",
    "Key events",
    "Total revenue",
    "User engagement",
    "Engagement rate",
    "Views per active user",
    "Event count per active user",
    "Views per session",
    "Average engagement time",
    "Average engagement time per active user",
    "Average engagement time per session",
    "Sessions per active user",
    "Bounce rate",
    "Returning users",
    "Purchase revenue",
    "Ecommerce purchases",
    "Items purchased",
    "Sessies",
    "Actieve gebruikers",
    "Nieuwe gebruikers",
    "Totaal aantal gebruikers",
    "Aantal gebeurtenissen",
    "Belangrijke gebeurtenissen",
    "Totale opbrengst",
    "Sessies met betrokkenheid",
    "Gebruikers",
)

COLUMNS: dict[str, tuple[str, ...]] = {
    # the two detection fields first: one dimension and one GA4 metric
    "any_dimension": tuple(sp for sps in DIMENSIONS.values() for sp in sps),
    "any_metric": GA4_METRICS,
    **DIMENSIONS,
    **METRICS,
    # Universal Analytics columns: a UA export is not a GA4 one
    "ua_metric": (
        "% New Sessions",
        "Pages / Session",
        "Pages/Session",
        "Avg. Session Duration",
        "Day Index",
        "% nieuwe sessies",
        "Pagina's/sessie",
        "Gem. sessieduur",
    ),
}

# Typed web_day columns filled from dimensions, the first present winning.
TYPED: dict[str, tuple[str, ...]] = {
    "page_path": (
        "page_path_screen_class",
        "page_path_query_screen_class",
        "page_path",
        "landing_page",
        "page_location",
    ),
    "event_name": ("event_name",),
    "campaign": ("session_campaign", "campaign", "first_user_campaign"),
    "channel_group": ("session_channel_group", "channel_group", "first_user_channel_group"),
}
SOURCE_MEDIUM = ("session_source_medium", "source_medium", "first_user_source_medium")
SOURCE = ("session_source", "source", "first_user_source")
MEDIUM = ("session_medium", "medium", "first_user_medium")

_RULE = re.compile(r"^-{3,}$")
_META = re.compile(
    r"^(?P<key>account|property|start date|end date|startdatum|einddatum|begindatum|"
    r"eigendom|property-naam)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_COHORT = re.compile(r"^(week|maand|month|dag|day)\s+\d+$")
_TOTAL_ROWS = frozenset({"total", "totals", "grand total", "totaal", "eindtotaal"})
_ALL_USERS = frozenset({"all users", "alle gebruikers"})


def _lookup(spellings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalise_header(sp): canonical for canonical, sps in spellings.items() for sp in sps}


_DIM_OF = _lookup(DIMENSIONS)
_METRIC_OF = _lookup(METRICS)


@dataclass
class Meta:
    """What the comment lines say: of the file (first block) or of one block."""

    title: str | None = None
    account: str | None = None
    property: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    labels: list[str] = field(default_factory=list)  # card titles, comparisons


@dataclass
class Block:
    """One header with its comment lines, in a (possibly multi-block) GA4 CSV."""

    index: int
    header: list[str]
    header_row: int
    meta: Meta


def _parse_comments(lines: list[str]) -> Meta:
    meta = Meta()
    for line in lines:
        body = line.lstrip("#").strip()
        if not body or _RULE.match(body):
            continue
        m = _META.match(body)
        if not m:
            meta.labels.append(body)
            continue
        key, value = m.group("key").casefold(), m.group("value").strip()
        if key == "account":
            meta.account = value
        elif key in ("property", "eigendom", "property-naam"):
            meta.property = value
        elif key in ("start date", "startdatum", "begindatum"):
            meta.start = _yyyymmdd(value)
        else:
            meta.end = _yyyymmdd(value)
    if meta.labels:
        meta.title = meta.labels[0]
    return meta


def _yyyymmdd(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value.strip()[:8], "%Y%m%d").date()
    except ValueError:
        return None


def _trimmed(row: list[str]) -> list[str]:
    while row and not row[-1].strip():
        row = row[:-1]
    return row


def iter_blocks(table: Table) -> Iterator[tuple[Block, pd.DataFrame]]:
    """(block, frame of its data rows) pairs, in chunks of CHUNK_ROWS rows; a block with
    only a header comes once, with an empty frame."""
    probe = table.probe
    encoding, delimiter = probe.encoding or "utf-8", probe.delimiter or ","
    try:
        fh = probe.path.open("r", encoding=encoding, newline="")
    except OSError as exc:
        raise FileUnreadable(table.display, f"cannot be read ({exc.strerror}).") from exc
    with fh:
        yield from _blocks_of(csv.reader(fh, delimiter=delimiter), table.display)


def _blocks_of(reader: Iterator[list[str]], display: str) -> Iterator[tuple[Block, pd.DataFrame]]:
    comments: list[str] = []
    block: Block | None = None
    buf: list[list[object]] = []
    count, sent = 0, False
    try:
        for rownum, raw in enumerate(reader, start=1):
            cells = _trimmed(raw)
            is_comment = bool(cells) and cells[0].lstrip().startswith("#")
            if block is not None and (not cells or (is_comment and len(cells) == 1)):
                if buf or not sent:
                    yield block, _frame(block, buf)
                block, buf = None, []
            if not cells:
                continue
            if block is None and is_comment:
                comments.append(",".join(cells))
            elif block is None:
                block = Block(count, dedupe(cells), rownum, _parse_comments(comments))
                comments, count, sent = [], count + 1, False
            else:
                buf.append(_data_row(block, cells, rownum, display))
                if len(buf) >= CHUNK_ROWS:
                    yield block, _frame(block, buf)
                    buf, sent = [], True
    except (csv.Error, UnicodeDecodeError) as exc:
        raise FileUnreadable(display, f"cannot be parsed as CSV ({exc}).") from exc
    if block is not None and (buf or not sent):
        yield block, _frame(block, buf)


def _data_row(block: Block, cells: list[str], rownum: int, display: str) -> list[object]:
    width = len(block.header)
    if len(cells) > width:
        raise FileUnreadable(
            display, f"row {rownum} has more fields than its header (row {block.header_row})."
        )
    return [*cells, *[""] * (width - len(cells)), rownum]


def _frame(block: Block, rows: list[list[object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*block.header, ROW_COL])
    return frame.astype(dict.fromkeys(block.header, str))


@dataclass
class Layout:
    """Which header is which: dimensions (canonical name) and metrics (target column)."""

    dims: dict[str, str]  # header -> canonical dimension name
    metrics: dict[str, str]  # header -> web_day column or "extra:<name>"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", normalise_header(name)).strip("_") or "value"


def layout(header: list[str]) -> Layout:
    """Dimensions come first in a GA4 table, metrics after: an unknown column is a dimension
    when it stands before the first known metric (or before the last known dimension)."""
    known_dim = [normalise_header(h) in _DIM_OF for h in header]
    known_metric = [normalise_header(h) in _METRIC_OF for h in header]
    first_metric = known_metric.index(True) if any(known_metric) else None
    last_dim = max((i for i, k in enumerate(known_dim) if k), default=-1)
    dims: dict[str, str] = {}
    metrics: dict[str, str] = {}
    taken: set[str] = set()
    for i, h in enumerate(header):
        norm = normalise_header(h)
        is_dim = known_dim[i] or (
            not known_metric[i] and (i < first_metric if first_metric is not None else i < last_dim)
        )
        if is_dim:
            dims[h] = _DIM_OF.get(norm, slug(h))
            continue
        target = _METRIC_OF.get(norm)
        if target is None or target in taken:
            target = f"extra:{slug(h)}"
        taken.add(target)
        metrics[h] = target
    return Layout(dims, metrics)


KEY_LENGTH = 1000  # web_day.dimension_key and search_performance.value
TEXT_LENGTHS = {
    "page_path": 1000,
    "event_name": 300,
    "source": 300,
    "medium": 300,
    "campaign": 300,
    "channel_group": 100,
}


def fit_key(values: pd.Series, limit: int = KEY_LENGTH) -> pd.Series:
    """Keys longer than their column keep a prefix plus a hash of the whole, staying unique."""
    long = values.str.len() > limit

    def short(v: str) -> str:
        return v[: limit - 17] + "#" + hashlib.sha1(v.encode()).hexdigest()[:16]

    return values.where(~long, values[long].map(short)) if long.any() else values


def _escape(value: str) -> str:
    return value.replace("%", "%25").replace(";", "%3B")


def dimension_key(frame: pd.DataFrame, dims: dict[str, str]) -> pd.Series:
    """`name=value;name=value` over the dimensions other than the date, in header order."""
    parts = [
        canonical + "=" + frame[h].astype(str).str.strip().map(_escape)
        for h, canonical in dims.items()
        if canonical not in ("date", "nth_day")
    ]
    if not parts:
        return pd.Series("", index=frame.index, dtype=object)
    key = parts[0]
    for part in parts[1:]:
        key = key + ";" + part
    return fit_key(key).astype(object)


def _typed_columns(out: pd.DataFrame, frame: pd.DataFrame, dims: dict[str, str]) -> None:
    by_canonical = {canonical: h for h, canonical in dims.items()}
    for column, sources in TYPED.items():
        src = next((by_canonical[s] for s in sources if s in by_canonical), None)
        if src:
            out[column] = text(frame, src)
    pair = next((by_canonical[s] for s in SOURCE_MEDIUM if s in by_canonical), None)
    if pair:
        split = text(frame, pair).map(lambda v: (None, None) if v is None else _split_pair(v))
        out["source"] = split.map(lambda p: p[0])
        out["medium"] = split.map(lambda p: p[1])
    for column, sources in (("source", SOURCE), ("medium", MEDIUM)):
        src = next((by_canonical[s] for s in sources if s in by_canonical), None)
        if src and column not in out:
            out[column] = text(frame, src)
    for column, limit in TEXT_LENGTHS.items():
        if column in out:
            out[column] = out[column].map(lambda v, n=limit: v if v is None else v[:n])


def _split_pair(value: str) -> tuple[str | None, str | None]:
    source, sep, medium = value.partition(" / ")
    if not sep:
        source, sep, medium = value.partition("/")
    return source.strip() or None, (medium.strip() or None) if sep else None


def _period(
    out: pd.DataFrame, frame: pd.DataFrame, dims: dict[str, str], meta: Meta, ctx: ReadContext
) -> None:
    by_canonical = {canonical: h for h, canonical in dims.items()}
    if "date" in by_canonical:
        day = dates(frame, by_canonical["date"], ctx.file, ("%Y%m%d", "%Y-%m-%d"))
        out["date_start"], out["date_end"] = day.values, day.values
        return
    if meta.start is None or meta.end is None:
        raise FileUnreadable(
            ctx.file,
            "the '# Start date' and '# End date' lines are missing, so the period of these "
            "figures is unknown. Download the report again from GA4 without editing it.",
        )
    if "nth_day" in by_canonical:
        n = numbers(frame, by_canonical["nth_day"], ctx.file)
        day = pd.Timestamp(meta.start) + pd.to_timedelta(n, unit="D")
        out["date_start"], out["date_end"] = day.values, day.values
        return
    out["date_start"], out["date_end"] = pd.Timestamp(meta.start), pd.Timestamp(meta.end)


def _is_total(frame: pd.DataFrame, dims: dict[str, str]) -> pd.Series:
    """A totals row: every dimension empty, or one of them says Total / Grand total."""
    if not dims:
        return pd.Series(False, index=frame.index)
    cells = frame[list(dims)].apply(lambda s: s.astype(str).str.strip().str.casefold())
    return (cells == "").all(axis=1) | cells.isin(_TOTAL_ROWS).any(axis=1)


def convert(
    frame: pd.DataFrame, report: str, lay: Layout, meta: Meta, ctx: ReadContext
) -> pd.DataFrame:
    """Data rows of one block as canonical web_days."""
    out = pd.DataFrame(index=frame.index)
    out[ROW_COL] = frame[ROW_COL]
    out["report"] = report
    out["dimension_key"] = dimension_key(frame, lay.dims)
    _period(out, frame, lay.dims, meta, ctx)
    _typed_columns(out, frame, lay.dims)
    for header, target in lay.metrics.items():
        out[target] = numbers(frame, header, ctx.file).values
    return out


def _report_name(file_meta: Meta, ctx: ReadContext) -> str:
    title = file_meta.title or ""
    name = title.split(":", 1)[0].strip() if title else "GA4 report"
    if normalise_header(name) in ("report csv export", "rapport csv-export"):
        name = SNAPSHOT_REPORT
    segments = [s for s in file_meta.labels[1:] if s.casefold() not in _ALL_USERS]
    if segments and name != SNAPSHOT_REPORT:
        name = f"{name} [{', '.join(segments)}]"
        ctx.note(f"the report is limited to {', '.join(segments)}; stored as {name!r}.")
    return name


def _account(file_meta: Meta, ctx: ReadContext) -> AccountRef:
    if file_meta.property:
        return AccountRef(PLATFORM, file_meta.property, name=file_meta.property)
    handle = ctx.account or DEFAULT_HANDLE
    ctx.note(f"the file names no GA4 property ('# Property:' line); stored under {handle!r}.")
    return AccountRef(PLATFORM, handle)


def _skip_reason(block: Block, lay: Layout) -> str | None:
    if any(_COHORT.match(normalise_header(h)) for h in block.header):
        return "a cohort table (retention by week) is not imported"
    if not lay.metrics:
        return "it has no metric columns"
    return None


@dataclass
class _FileState:
    """What the first block tells about the whole file, and what was skipped on the way."""

    meta: Meta
    account: AccountRef
    report: str
    blocks: int = 0
    empty: list[str] = field(default_factory=list)


def _convert_block(
    block: Block, frame: pd.DataFrame, state: _FileState, ctx: ReadContext
) -> tuple[pd.DataFrame, tuple[object, ...], int] | None:
    """(canonical rows, merge key, totals rows dropped), or None for a block not imported."""
    state.blocks = max(state.blocks, block.index + 1)
    lay = layout(block.header)
    reason = _skip_reason(block, lay)
    if reason:
        shown = ", ".join(block.header)
        ctx.note(f"block {shown!r} (row {block.header_row}) skipped: {reason}.")
        return None
    if frame.empty:
        state.empty.append(", ".join(block.header))
        return None
    meta = _block_meta(block.meta, state.meta)
    total = _is_total(frame, lay.dims)
    out = convert(frame[~total], state.report, lay, meta, ctx)
    return out, (tuple(lay.dims.values()), meta.start, meta.end), int(total.sum())


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    state: _FileState | None = None
    merged: dict[tuple[object, ...], list[pd.DataFrame]] = {}
    skipped = 0
    for block, frame in iter_blocks(table):
        if state is None:
            state = _FileState(block.meta, _account(block.meta, ctx), _report_name(block.meta, ctx))
        converted = _convert_block(block, frame, state, ctx)
        if converted is None:
            continue
        out, key, dropped = converted
        if block.index == 0 and state.report != SNAPSHOT_REPORT:  # a plain report: stream it
            yield Chunk("web_days", state.account, out, rows_skipped=dropped)
            continue
        skipped += dropped
        merged.setdefault(key, []).append(out)
    if state is None:
        return
    if state.blocks > 1:
        ctx.note(f"{state.blocks} blocks read; blocks with the same dimensions were merged.")
    if state.empty:
        ctx.note(f"blocks with only a header (nothing to import): {'; '.join(state.empty)}.")
    for parts in merged.values():
        yield Chunk("web_days", state.account, _merge(parts), rows_skipped=skipped)
        skipped = 0


def _block_meta(block: Meta, file_meta: Meta) -> Meta:
    """A block's own dates, else the file's."""
    return Meta(
        title=block.title, start=block.start or file_meta.start, end=block.end or file_meta.end
    )


def _merge(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Blocks of one dimension set and period: one row per key, metrics side by side."""
    keys = ["report", "dimension_key", "date_start", "date_end"]
    result = parts[0]
    for part in parts[1:]:
        result = result.merge(part, on=keys, how="outer", suffixes=("", "__dup"))
        for col in [c for c in result.columns if c.endswith("__dup")]:
            base = col[: -len("__dup")]
            result[base] = result[base].combine_first(result[col])
            result = result.drop(columns=[col])
    return result.reset_index(drop=True)


FORMAT = ExportFormat(
    name="ga4_report_csv",
    platform=PLATFORM,
    title=N_("Google Analytics 4 – report download (CSV)"),
    how_to=N_(
        "Google Analytics 4 → Reports → open a report (or the Reports snapshot) → choose the "
        "date range → Share this report (the arrow icon) → Download File → Download CSV."
    ),
    columns=COLUMNS,
    required=("any_dimension", "any_metric"),
    forbidden=("ua_metric",),
    read=read,
    file_pattern=r"data-export|pages_and_screens|events_|traffic_acquisition|landing_page",
)
