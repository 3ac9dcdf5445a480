"""Generic posts import: any CSV or workbook of posts, read through a mapping file (TOML).

For spreadsheets from other tools, research data sets (the UCI "Facebook metrics" set, which
is semicolon-separated) and exports socialdesk has no importer for. The mapping says which
column holds which canonical post field and metric; docs/importing.md describes it. Detection
never chooses this format: only a mapping does (`socialdesk import FILE --mapping MAP.toml`).

Quirks handled:
- The header may sit below title lines: the first of the first 40 rows that holds every
  mapped column is the header (headers compare case- and white-space-insensitively).
- Without an id column each post gets a stable id: a hash of the values in `id_columns`
  (default: the permalink, else the publish time and text, else none) and the post's
  occurrence among rows with the same values. Re-importing the file, or a newer export of it
  with the rows in the same order, updates the posts in place instead of doubling them.
- Decimal comma, delimiter and encoding can be set when sniffing guesses wrong; a publish
  time may be split over two columns (["Date", "Time"] are joined with a space).
- A column the mapping names that the file lacks is an error naming the mapping file and the
  column; so are unknown keys (a typo must not silently drop a column).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from socialdesk.errors import ImportError_, RowInvalid
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import (
    ROW_COL,
    Probe,
    Table,
    dedupe,
    normalise_header,
    probe_file,
)
from socialdesk.importers.values import (
    cleaned,
    datetimes,
    durations,
    file_row,
    flags,
    ids,
    numbers,
    percent_numbers,
    text,
)
from socialdesk.model import MEDIA_TYPES, PLATFORMS, POST_METRICS

NAME = "generic_posts_mapped"

# Canonical post fields a mapping may name in [columns], with the longest text each may hold.
POST_FIELDS: dict[str, int | None] = {
    "external_id": 200,
    "published_at": None,
    "text": None,
    "title": None,
    "media_type": None,
    "source_type": 100,
    "permalink": 1000,
    "language": 20,
    "is_paid": None,
    "duration_seconds": None,
    "account": 300,
}
TOP_KEYS = frozenset(
    {
        "platform",
        "account",
        "delimiter",
        "decimal",
        "encoding",
        "sheet",
        "as_of",
        "id_columns",
        "published_at_formats",
        "columns",
        "media_types",
        "metrics",
    }
)
METRIC_TYPES = ("number", "percent", "duration")
DEFAULT_PUBLISHED_FORMATS = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
)
# Media type words seen in exports, used when the mapping's [media_types] does not say.
MEDIA_ALIASES = {
    "photo": "photo",
    "photos": "photo",
    "image": "photo",
    "foto": "photo",
    "foto's": "photo",
    "video": "video",
    "videos": "video",
    "video's": "video",
    "reel": "reel",
    "reels": "reel",
    "carousel": "carousel",
    "album": "carousel",
    "sidecar": "carousel",
    "link": "link",
    "links": "link",
    "text": "text",
    "status": "text",
    "tekst": "text",
    "story": "story",
    "stories": "story",
    "other": "other",
}
COLUMNS: dict[str, tuple[str, ...]] = {}  # none: the mapping file names the columns


@dataclass(frozen=True)
class Metric:
    """One mapped figure: the file's column, where it goes, and how to read it."""

    column: str
    target: str  # a POST_METRICS name, or "extra:<name>"
    kind: str = "number"


@dataclass(frozen=True)
class PostMapping:
    """A parsed, checked mapping file."""

    path: Path
    platform: str
    account: str | None = None
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> column(s)
    published_at_formats: tuple[str, ...] = DEFAULT_PUBLISHED_FORMATS
    media_types: dict[str, str] = field(default_factory=dict)  # casefolded value -> type
    metrics: tuple[Metric, ...] = ()
    id_columns: tuple[str, ...] | None = None
    decimal: str = "."
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    as_of: dt.date | None = None

    def file_columns(self) -> list[str]:
        """Every column of the data file the mapping names, in mapping order."""
        out: list[str] = []
        for cols in self.columns.values():
            out.extend(cols)
        out.extend(m.column for m in self.metrics)
        out.extend(self.id_columns or ())
        return list(dict.fromkeys(out))


class MappingInvalid(ImportError_):
    """The mapping file itself is wrong (names the mapping and what to fix)."""


# -- the mapping file ----------------------------------------------------------------------
def load_mapping(path: Path, file: str) -> PostMapping:
    """Read and check a mapping file; `file` is the data file the error messages name."""

    def fail(message: str) -> MappingInvalid:
        return MappingInvalid(file, f"mapping {path}: {message}")

    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror}).") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise fail(f"is not valid TOML ({exc}).") from exc
    unknown = sorted(set(raw) - TOP_KEYS)
    if unknown:
        known = ", ".join(sorted(TOP_KEYS))
        raise fail(f"unknown key(s) {', '.join(map(repr, unknown))}; known keys: {known}.")
    platform = raw.get("platform")
    if platform not in PLATFORMS:
        raise fail(f"'platform' must be one of {', '.join(PLATFORMS)} (got {platform!r}).")
    return PostMapping(
        path=path,
        platform=platform,
        account=_opt_str(raw, "account", fail),
        columns=_columns(raw.get("columns", {}), fail),
        published_at_formats=_formats(raw.get("published_at_formats"), fail),
        media_types=_media_types(raw.get("media_types", {}), fail),
        metrics=_metrics(raw.get("metrics", {}), fail),
        id_columns=_id_columns(raw.get("id_columns"), fail),
        decimal=_decimal(raw.get("decimal", "."), fail),
        delimiter=_delimiter(raw.get("delimiter"), fail),
        encoding=_opt_str(raw, "encoding", fail),
        sheet=_opt_str(raw, "sheet", fail),
        as_of=_as_of(raw.get("as_of"), fail),
    )


def _opt_str(raw: Mapping[str, Any], key: str, fail: Any) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{key!r} must be a non-empty text (got {value!r}).")
    return value.strip()


def _columns(raw: Any, fail: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise fail('[columns] must be a table of field = "column".')
    out: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        if key not in POST_FIELDS:
            raise fail(
                f"[columns] has unknown field {key!r}; fields: {', '.join(POST_FIELDS)}. "
                "Figures (reach, likes...) go under [metrics]."
            )
        cols = (value,) if isinstance(value, str) else value
        multi_ok = key == "published_at"
        if (
            not isinstance(cols, list | tuple)
            or not cols
            or not all(isinstance(c, str) and c.strip() for c in cols)
            or (len(cols) > 1 and not multi_ok)
        ):
            what = "a column name or a list of them" if multi_ok else "a column name"
            raise fail(f"[columns] {key} must be {what} (got {value!r}).")
        out[key] = tuple(c.strip() for c in cols)
    return out


def _formats(raw: Any, fail: Any) -> tuple[str, ...]:
    if raw is None:
        return DEFAULT_PUBLISHED_FORMATS
    formats = [raw] if isinstance(raw, str) else raw
    if (
        not isinstance(formats, list)
        or not formats
        or not all(isinstance(f, str) and "%" in f for f in formats)
    ):
        raise fail(
            "'published_at_formats' must be strftime formats like \"%d-%m-%Y %H:%M\" "
            f"(got {raw!r})."
        )
    return tuple(formats)


def _media_types(raw: Any, fail: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise fail('[media_types] must be a table of "value in the file" = "media type".')
    out = {}
    for value, target in raw.items():
        if target not in MEDIA_TYPES:
            raise fail(
                f"[media_types] {value!r} = {target!r}: the media type must be one of "
                f"{', '.join(MEDIA_TYPES)}."
            )
        out[normalise_header(value)] = target
    return out


def _metrics(raw: Any, fail: Any) -> tuple[Metric, ...]:
    if not isinstance(raw, dict):
        raise fail('[metrics] must be a table of metric = "column".')
    out = []
    for target, value in raw.items():
        name = re.sub(r"[^0-9a-z]+", "_", target.strip().casefold()).strip("_")
        if not name:
            raise fail(f"[metrics] {target!r} is not a usable metric name.")
        if name in POST_FIELDS:
            raise fail(f"[metrics] {target!r} is a post field: put it under [columns].")
        kind = "number"
        if isinstance(value, dict):
            extra = set(value) - {"column", "type"}
            if extra:
                raise fail(f"[metrics] {target}: unknown key(s) {sorted(extra)}; use column, type.")
            kind = value.get("type", "number")
            value = value.get("column")
        if not isinstance(value, str) or not value.strip():
            raise fail(f"[metrics] {target} must name a column (got {value!r}).")
        if kind not in METRIC_TYPES:
            raise fail(f"[metrics] {target}: type must be one of {', '.join(METRIC_TYPES)}.")
        dest = name if name in POST_METRICS else f"extra:{name}"
        out.append(Metric(value.strip(), dest, kind))
    return tuple(out)


def _id_columns(raw: Any, fail: Any) -> tuple[str, ...] | None:
    if raw is None:
        return None
    cols = [raw] if isinstance(raw, str) else raw
    if not isinstance(cols, list) or not all(isinstance(c, str) and c.strip() for c in cols):
        raise fail(f"'id_columns' must be a list of column names (got {raw!r}).")
    return tuple(c.strip() for c in cols)


def _decimal(raw: Any, fail: Any) -> str:
    if raw not in (".", ","):
        raise fail(f'\'decimal\' must be "." or "," (got {raw!r}).')
    return str(raw)


def _delimiter(raw: Any, fail: Any) -> str | None:
    if raw is None:
        return None
    value = {"tab": "\t", "\\t": "\t"}.get(raw, raw) if isinstance(raw, str) else raw
    if not isinstance(value, str) or len(value) != 1 or value in '"\r\n':
        raise fail(f'\'delimiter\' must be one character such as ";" or "tab" (got {raw!r}).')
    return value


def _as_of(raw: Any, fail: Any) -> dt.date | None:
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise fail(f"'as_of' must be a date like 2026-01-31 (got {raw!r}).") from exc


# -- finding the header --------------------------------------------------------------------
class FileMapping(Protocol):
    """What finding the header needs of a mapping: a PostMapping or the ads' AdsMapping."""

    @property
    def path(self) -> Path: ...
    @property
    def delimiter(self) -> str | None: ...
    @property
    def encoding(self) -> str | None: ...
    @property
    def sheet(self) -> str | None: ...
    def file_columns(self) -> list[str]: ...


def _reprobe(probe: Probe, mapping: FileMapping) -> Probe:
    if probe.kind != "csv":
        return probe
    if (mapping.delimiter in (None, probe.delimiter)) and (
        mapping.encoding in (None, probe.encoding)
    ):
        return probe
    return probe_file(
        probe.path, probe.display, delimiter=mapping.delimiter, encoding=mapping.encoding
    )


def locate(table: Table, mapping: FileMapping, file: str) -> Table:
    """The table whose header holds every column the mapping names (first 40 rows)."""
    probe = _reprobe(table.probe, mapping)
    wanted = mapping.file_columns()
    best: tuple[int, list[str]] = (-1, [])
    sheets = probe.sheets
    if mapping.sheet and probe.kind != "csv":
        sheets = [s for s in sheets if s.name.casefold() == mapping.sheet.casefold()]
        if not sheets:
            names = ", ".join(repr(s.name) for s in probe.sheets)
            message = f"the workbook has no sheet {mapping.sheet!r} (it has {names})."
            raise MappingInvalid(file, f"mapping {mapping.path}: {message}")
    for sheet in sheets:
        for index, row in enumerate(sheet.rows):
            header = dedupe(row)
            while header and not header[-1]:
                header.pop()
            by_norm = {normalise_header(h): h for h in reversed(header)}
            found = [c for c in wanted if normalise_header(c) in by_norm]
            if len(found) == len(wanted) and header:
                fields = {c: by_norm[normalise_header(c)] for c in wanted}
                return Table(probe, sheet.name, index, header, fields=fields)
            if len(found) > best[0]:
                best = (len(found), [h for h in header if h])
    have = {normalise_header(h) for h in best[1]}
    missing = [c for c in wanted if normalise_header(c) not in have]
    shown = ", ".join(repr(c) for c in best[1][:15]) or "none"
    raise MappingInvalid(
        file,
        f"mapping {mapping.path} names column(s) {', '.join(map(repr, missing))} that this file "
        f"does not have. Columns found: {shown}.",
    )


# -- reading -------------------------------------------------------------------------------
@dataclass
class _IdMaker:
    """Stable ids from row content plus occurrence, carried across chunks."""

    columns: tuple[str, ...]
    seen: dict[str, int] = field(default_factory=dict)
    repeats: int = 0

    def make(self, frame: pd.DataFrame, fields: Mapping[str, str]) -> pd.Series:
        if self.columns:
            parts = [frame[fields[c]].astype(str).str.strip() for c in self.columns]
            key = parts[0]
            for p in parts[1:]:
                key = key + "\x1f" + p
        else:
            key = pd.Series("", index=frame.index)
        before = key.map(self.seen).fillna(0).astype(int)
        occurrence = key.groupby(key, sort=False).cumcount() + before
        self.repeats += int((occurrence > 0).sum())
        for k, n in key.value_counts(sort=False).items():
            self.seen[str(k)] = self.seen.get(str(k), 0) + int(n)
        made = [_digest(f"{k}\x1e{o}") for k, o in zip(key, occurrence, strict=True)]
        return pd.Series(made, index=frame.index, dtype=object)


def _digest(text: str) -> str:
    return "gen-" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:24]


def _default_id_columns(mapping: PostMapping) -> tuple[str, ...]:
    cols = mapping.columns
    if "permalink" in cols:
        return cols["permalink"]
    picked: list[str] = []
    for key in ("published_at", "text", "title"):
        picked.extend(cols.get(key, ()))
    return tuple(picked)


def _limited(
    values: pd.Series, frame: pd.DataFrame, column: str, file: str, limit: int | None
) -> pd.Series:
    if limit is None:
        return values
    too_long = values.map(lambda v: v is not None and len(str(v)) > limit)
    if too_long.any():
        idx = too_long[too_long].index[0]
        row = file_row(frame, idx)
        raise RowInvalid(file, row, column, f"the value is longer than {limit} characters.")
    return values


def _published(
    frame: pd.DataFrame, mapping: PostMapping, fields: Mapping[str, str], ctx: ReadContext
) -> pd.Series:
    cols = [fields[c] for c in mapping.columns["published_at"]]
    column = cols[0]
    if len(cols) > 1:
        column = " + ".join(cols)
        joined = frame[cols[0]].astype(str).str.strip()
        for c in cols[1:]:
            joined = joined + " " + frame[c].astype(str).str.strip()
        frame = frame.assign(**{column: joined.str.strip()})
    try:
        return datetimes(
            frame,
            column,
            ctx.file,
            mapping.published_at_formats,
            required=False,
            to_timezone=ctx.timezone,
        )
    except RowInvalid as exc:
        raise RowInvalid(
            exc.file,
            exc.row,
            exc.column,
            f"{exc.detail} Set published_at_formats in {mapping.path} "
            '(for example ["%d-%m-%Y %H:%M"]).',
        ) from exc


def _media(frame: pd.DataFrame, column: str, mapping: PostMapping, ctx: ReadContext) -> pd.Series:
    raw = cleaned(frame[column])
    norm = raw.map(normalise_header, na_action="ignore")
    known = {**MEDIA_ALIASES, **mapping.media_types}
    out = norm.map(known, na_action="ignore")
    unmapped = norm.notna() & out.isna()
    if unmapped.any():
        values = ", ".join(repr(v) for v in raw[unmapped].unique()[:8])
        ctx.note(f"media types not in the mapping's [media_types]: {values}; stored as 'other'.")
        out = out.where(~unmapped, "other")
    return out.astype(object).where(out.notna(), None)


def _metric(frame: pd.DataFrame, m: Metric, column: str, file: str, decimal: str) -> pd.Series:
    if m.kind == "duration":
        return durations(frame, column, file)
    if m.kind == "percent":
        return percent_numbers(frame, column, file, decimal=decimal)
    return numbers(frame, column, file, decimal=decimal)


def _posts(
    frame: pd.DataFrame,
    mapping: PostMapping,
    f: Mapping[str, str],
    ctx: ReadContext,
    make_ids: _IdMaker | None,
) -> pd.DataFrame:
    cols = {k: f[v[0]] for k, v in mapping.columns.items()}
    out = pd.DataFrame(index=frame.index)
    out[ROW_COL] = frame[ROW_COL]
    if make_ids is None:
        out["external_id"] = _limited(
            ids(frame, cols["external_id"], ctx.file), frame, cols["external_id"], ctx.file, 200
        )
    else:
        out["external_id"] = make_ids.make(frame, f)
    if "published_at" in mapping.columns:
        out["published_at"] = _published(frame, mapping, f, ctx)
    for key in ("text", "title", "permalink", "language", "source_type"):
        if key in cols:
            values = text(frame, cols[key])
            out[key] = _limited(values, frame, cols[key], ctx.file, POST_FIELDS[key])
    if "media_type" in cols:
        out["media_type"] = _media(frame, cols["media_type"], mapping, ctx)
        if "source_type" not in cols:
            out["source_type"] = _limited(
                text(frame, cols["media_type"]), frame, cols["media_type"], ctx.file, 100
            )
    if "is_paid" in cols:
        out["is_paid"] = flags(frame, cols["is_paid"], ctx.file)
    if "duration_seconds" in cols:
        out["duration_seconds"] = durations(frame, cols["duration_seconds"], ctx.file)
    if "account" in cols:
        handles = _limited(text(frame, cols["account"]), frame, cols["account"], ctx.file, 300)
        out["account_handle"] = handles
    out["as_of"] = pd.Timestamp(mapping.as_of or ctx.as_of)
    for m in mapping.metrics:
        out[m.target] = _metric(frame, m, f[m.column], ctx.file, mapping.decimal).values
    return out


def _account(mapping: PostMapping, ctx: ReadContext) -> str:
    if ctx.account:
        return ctx.account
    if mapping.account:
        return mapping.account
    ctx.note(
        f"the mapping names no account: the posts went to '{mapping.platform} posts'; "
        "set account in the mapping or pass --account."
    )
    return f"{mapping.platform} posts"


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    """Posts through the mapping in ctx.options["mapping"]."""
    path = ctx.options.get("mapping")
    if not path:
        raise MappingInvalid(
            ctx.file, "the generic posts import needs a mapping file (--mapping MAPPING.toml)."
        )
    mapping = load_mapping(Path(path), ctx.file)
    if "external_id" not in mapping.columns and not mapping.metrics and not mapping.columns:
        raise MappingInvalid(ctx.file, f"mapping {path} maps no columns at all.")
    table = locate(table, mapping, ctx.file)
    make_ids = _id_maker(mapping, ctx)
    handle = _account(mapping, ctx)
    if mapping.as_of:
        ctx.note(f"lifetime figures dated {mapping.as_of.isoformat()} (as_of in the mapping).")
    ref = AccountRef(mapping.platform, handle)
    for frame in table.frames():
        out = _posts(frame, mapping, table.fields, ctx, make_ids)
        if "account_handle" in out.columns:
            named = out["account_handle"]
            out["account_handle"] = named.where(named.notna(), handle)
        yield Chunk("posts", ref, out)
    if make_ids is not None and make_ids.repeats:
        n = make_ids.repeats
        rows = "1 row has" if n == 1 else f"{n} rows have"
        ctx.note(
            f"{rows} the same id columns as an earlier row; they are told apart by their "
            "order in the file, so keep the row order when you export again."
        )


def _id_maker(mapping: PostMapping, ctx: ReadContext) -> _IdMaker | None:
    if "external_id" in mapping.columns:
        return None
    cols = mapping.id_columns if mapping.id_columns is not None else _default_id_columns(mapping)
    if cols:
        shown = ", ".join(repr(c) for c in cols)
        ctx.note(f"no id column in the mapping: posts are identified by {shown}.")
    else:
        ctx.note(
            "no id column in the mapping: posts are identified by their order in the file; "
            "a newer export must keep the same rows in the same order."
        )
    return _IdMaker(tuple(cols))


FORMAT = ExportFormat(
    name=NAME,
    platform="other",
    title=N_("Generic posts (CSV or Excel, with a mapping file)"),
    how_to=N_(
        "Any CSV or Excel file of posts: write a mapping file (docs/importing.md) and run "
        "'socialdesk import FILE --mapping MAPPING.toml'."
    ),
    columns=COLUMNS,
    required=(),  # never detected: chosen only when a mapping is given
    read=read,
    extensions=(".csv", ".txt", ".xlsx", ".xls"),
)
