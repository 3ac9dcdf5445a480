"""Generic ads import: any CSV or workbook of ad delivery, read through a mapping file (TOML).

The sibling of generic_posts_mapped for paid figures: spreadsheets from other ad tools,
research data sets (the Kaggle "Sales Conversion Optimization" file of Facebook ads) and ad
exports socialdesk has no importer for. A mapping file with `kind = "ads"` is read by this
format (the runner picks it from that key); docs/ads.md describes it. Detection never
chooses this format.

    kind = "ads"
    platform = "meta_ads"            # meta_ads | google_ads | linkedin_ads | x_ads | other
    account = "Our ad account"
    currency = "EUR"                 # the file's currency, or [columns] currency
    date_start = 2017-08-17          # the period every row covers, when the file has no dates
    date_end = 2017-08-30
    result_type = "Purchases"        # what [metrics] results counts
    keep = ["age", "gender"]         # other columns kept with each row, as text

    [columns]                        # campaign or campaign_id is required
    campaign = "Campaign"            # also: campaign_id, ad_set, ad_set_id, ad, ad_id,
    date = "Day"                     # date (one day) or date_start + date_end, currency,
                                     # result_type, attribution_setting, objective
    [metrics]                        # spend impressions reach frequency clicks link_clicks
    spend = "Cost"                   # results conversions conversion_value; any other name
    impressions = "Impr."            # is kept in the row's extra figures

Each row is one entity over one period; the level is the finest the mapping names (a row of
an ad with `ad_id`, of an ad set with only `ad_set`...). Spend without a currency is refused:
currencies are never guessed. A negative spend or count is refused naming the cell.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.generic_posts_mapped import MappingInvalid, locate
from socialdesk.importers.tabular import ROW_COL, Table
from socialdesk.importers.values import dates, file_row, ids, numbers, text
from socialdesk.model import AD_METRICS

NAME = "generic_ads_mapped"
AD_PLATFORMS = ("meta_ads", "google_ads", "linkedin_ads", "x_ads", "other")
FIELDS: dict[str, str] = {  # mapping field -> canonical ad_days column
    "campaign": "campaign_name",
    "campaign_id": "campaign_external_id",
    "ad_set": "ad_set_name",
    "ad_set_id": "ad_set_external_id",
    "ad": "ad_name",
    "ad_id": "ad_external_id",
    "date": "date",
    "date_start": "date_start",
    "date_end": "date_end",
    "currency": "currency",
    "result_type": "result_type",
    "attribution_setting": "attribution_setting",
    "objective": "objective",
}
TOP_KEYS = frozenset(
    {
        "kind",
        "platform",
        "account",
        "currency",
        "date_start",
        "date_end",
        "result_type",
        "attribution_setting",
        "keep",
        "delimiter",
        "decimal",
        "encoding",
        "sheet",
        "date_formats",
        "columns",
        "metrics",
    }
)
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%m/%d/%Y")
COLUMNS: dict[str, tuple[str, ...]] = {}  # none: the mapping file names the columns


def mapping_kind(path: Path) -> str:
    """The `kind` a mapping file declares ("posts" when it says none or cannot be read)."""
    try:
        with path.open("rb") as fh:
            return str(tomllib.load(fh).get("kind", "posts"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return "posts"


def format_for_mapping(path: Path) -> str:
    """The import format a mapping file asks for."""
    return NAME if mapping_kind(path) == "ads" else "generic_posts_mapped"


@dataclass(frozen=True)
class AdsMapping:
    path: Path
    platform: str
    account: str | None
    currency: str | None
    date_start: dt.date | None
    date_end: dt.date | None
    result_type: str | None
    attribution_setting: str | None
    columns: dict[str, str] = field(default_factory=dict)  # field -> file column
    metrics: dict[str, str] = field(default_factory=dict)  # target -> file column
    keep: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    decimal: str = "."
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None

    def file_columns(self) -> list[str]:
        return list(dict.fromkeys([*self.columns.values(), *self.metrics.values(), *self.keep]))


def _date(raw: Any, key: str, fail: Any) -> dt.date | None:
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise fail(f"{key!r} must be a date like 2026-01-31 (got {raw!r}).") from exc


def _text(raw: Mapping[str, Any], key: str, fail: Any) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{key!r} must be a non-empty text (got {value!r}).")
    return value.strip()


def load_mapping(path: Path, file: str) -> AdsMapping:
    """Read and check an ads mapping file; `file` is the data file the errors name."""

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
        raise fail(
            f"unknown key(s) {', '.join(map(repr, unknown))}; known keys: "
            f"{', '.join(sorted(TOP_KEYS))}."
        )
    if raw.get("kind") != "ads":
        raise fail('an ads mapping says kind = "ads".')
    platform = raw.get("platform")
    if platform not in AD_PLATFORMS:
        raise fail(f"'platform' must be one of {', '.join(AD_PLATFORMS)} (got {platform!r}).")
    cols = raw.get("columns", {})
    if not isinstance(cols, dict):
        raise fail('[columns] must be a table of field = "column".')
    for key, value in cols.items():
        if key not in FIELDS:
            raise fail(
                f"[columns] has unknown field {key!r}; fields: {', '.join(FIELDS)}. "
                "Figures (spend, clicks...) go under [metrics]."
            )
        if not isinstance(value, str) or not value.strip():
            raise fail(f"[columns] {key} must name a column (got {value!r}).")
    metrics_raw = raw.get("metrics", {})
    if not isinstance(metrics_raw, dict) or not metrics_raw:
        raise fail('[metrics] must map at least one figure, e.g. spend = "Cost".')
    metrics: dict[str, str] = {}
    for target, value in metrics_raw.items():
        name = re.sub(r"[^0-9a-z]+", "_", str(target).casefold()).strip("_")
        if not name or not isinstance(value, str) or not value.strip():
            raise fail(f"[metrics] {target!r} must name a column (got {value!r}).")
        metrics[name if name in AD_METRICS else f"extra:{name}"] = value.strip()
    if "campaign" not in cols and "campaign_id" not in cols:
        raise fail(
            "[columns] needs campaign or campaign_id: every delivery row belongs to a campaign."
        )
    start, end = (
        _date(raw.get("date_start"), "date_start", fail),
        _date(raw.get("date_end"), "date_end", fail),
    )
    has_dates = "date" in cols or ("date_start" in cols and "date_end" in cols)
    if not has_dates and (start is None or end is None):
        raise fail(
            "say which period the rows cover: [columns] date (or date_start and "
            "date_end), or date_start and date_end for the whole file."
        )
    if start and end and end < start:
        raise fail(f"date_end {end} is before date_start {start}.")
    currency = _text(raw, "currency", fail)
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise fail(f"'currency' must be a three-letter code such as EUR (got {currency!r}).")
    if "spend" in metrics and currency is None and "currency" not in cols:
        raise fail(
            'spend needs a currency: set currency = "EUR" or [columns] currency; '
            "socialdesk never guesses one."
        )
    keep = raw.get("keep", [])
    if not isinstance(keep, list) or not all(isinstance(k, str) and k.strip() for k in keep):
        raise fail("'keep' must be a list of column names.")
    formats = raw.get("date_formats", list(DEFAULT_DATE_FORMATS))
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f for f in formats):
        raise fail("'date_formats' must be strftime formats like \"%d-%m-%Y\".")
    decimal = raw.get("decimal", ".")
    if decimal not in (".", ","):
        raise fail(f'\'decimal\' must be "." or "," (got {decimal!r}).')
    delimiter = raw.get("delimiter")
    if isinstance(delimiter, str):
        delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter, delimiter)
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise fail(f"'delimiter' must be one character such as \";\" (got {delimiter!r}).")
    return AdsMapping(
        path=path,
        platform=platform,
        account=_text(raw, "account", fail),
        currency=currency,
        date_start=start,
        date_end=end,
        result_type=_text(raw, "result_type", fail),
        attribution_setting=_text(raw, "attribution_setting", fail),
        columns={k: v.strip() for k, v in cols.items()},
        metrics=metrics,
        keep=tuple(k.strip() for k in keep),
        date_formats=tuple(formats),
        decimal=decimal,
        delimiter=delimiter,
        encoding=_text(raw, "encoding", fail),
        sheet=_text(raw, "sheet", fail),
    )


def _rows(
    frame: pd.DataFrame, m: AdsMapping, f: Mapping[str, str], ctx: ReadContext
) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    out[ROW_COL] = frame[ROW_COL]
    for key, column in m.columns.items():
        col = f[column]
        target = FIELDS[key]
        if key.endswith("_id"):
            out[target] = ids(frame, col, ctx.file, required=key == "campaign_id")
        elif key in ("date", "date_start", "date_end"):
            out[target] = dates(frame, col, ctx.file, m.date_formats)
        else:
            out[target] = text(frame, col)
    if "date" in out.columns:
        out["date_start"] = out["date_end"] = out.pop("date")
    if "date_start" not in out.columns:
        # load_mapping requires the file's period when the columns name no dates
        assert m.date_start is not None and m.date_end is not None
        out["date_start"] = pd.Timestamp(m.date_start)
        out["date_end"] = pd.Timestamp(m.date_end)
    bad = out["date_end"] < out["date_start"]
    if bad.any():
        row = int(out.loc[bad[bad].index[0], ROW_COL])
        raise RowInvalid(
            ctx.file,
            row,
            m.columns.get("date_end", "date_end"),
            "the period ends before it starts.",
        )
    if "campaign_name" in out.columns:
        missing = out["campaign_name"].isna()
        if "campaign_external_id" in out.columns:
            missing &= out["campaign_external_id"].isna()
        if missing.any():
            row = int(out.loc[missing[missing].index[0], ROW_COL])
            raise RowInvalid(ctx.file, row, m.columns["campaign"], "the campaign is empty.")
    if "campaign_name" not in out.columns:
        out["campaign_name"] = out["campaign_external_id"]  # the id is the name shown
    elif "campaign_external_id" in out.columns:
        out["campaign_name"] = out["campaign_name"].where(
            out["campaign_name"].notna(), out["campaign_external_id"]
        )
    for target, column in m.metrics.items():
        values = numbers(frame, f[column], ctx.file, decimal=m.decimal)
        if not target.startswith("extra:") and (values < 0).any():
            idx = values[values < 0].index[0]
            raise RowInvalid(
                ctx.file,
                file_row(frame, idx),
                column,
                f"{values[idx]!r} is negative; a spend or count cannot be.",
            )
        out[target] = values
    if "currency" not in out.columns:
        out["currency"] = m.currency
    for key in ("result_type", "attribution_setting"):
        value = getattr(m, key)
        if value is not None and key not in out.columns:
            out[key] = value
    if "results" in out.columns and "result_type" not in out.columns:
        out["result_type"] = "Results"
    for column in m.keep:
        name = re.sub(r"[^0-9a-z]+", "_", column.casefold()).strip("_")
        out[f"extra:{name}"] = text(frame, f[column])
    return out


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    """Ad delivery through the mapping in ctx.options["mapping"]."""
    path = ctx.options.get("mapping")
    if not path:
        raise MappingInvalid(
            ctx.file,
            "the generic ads import needs a mapping file "
            '(--mapping MAPPING.toml with kind = "ads").',
        )
    mapping = load_mapping(Path(path), ctx.file)
    table = locate(table, mapping, ctx.file)
    handle = ctx.account or mapping.account
    if handle is None:
        handle = f"{mapping.platform} ad account"
        ctx.note(
            f"the mapping names no account: the rows went to {handle!r}; set account in "
            "the mapping or pass --account."
        )
    if "date" not in mapping.columns and "date_start" not in mapping.columns:
        ctx.note(
            f"every row covers {mapping.date_start} to {mapping.date_end} (the period in "
            "the mapping)."
        )
    ref = AccountRef(mapping.platform, handle, currency=mapping.currency)
    for frame in table.frames():
        yield Chunk("ad_days", ref, _rows(frame, mapping, table.fields, ctx))


FORMAT = ExportFormat(
    name=NAME,
    platform="other",
    title=N_("Generic ads (CSV or Excel, with a mapping file)"),
    how_to=N_(
        'Any CSV or Excel file of ad delivery: write a mapping file with kind = "ads" '
        "(docs/ads.md) and run 'socialdesk import FILE --mapping MAPPING.toml'."
    ),
    columns=COLUMNS,
    required=(),  # never detected: chosen only when a mapping is given
    read=read,
    extensions=(".csv", ".txt", ".xlsx", ".xls"),
)
