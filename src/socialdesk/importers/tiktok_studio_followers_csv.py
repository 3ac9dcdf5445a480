"""TikTok Studio → Analytics → Followers → Download data: the four CSVs of the Followers zip.

One format reads all four files; which one it is follows from the header:

- FollowerHistory.csv (`Date, Followers, Difference in followers from previous day`) →
  account days, `followers`. The "Difference…" column is misnamed: it is the *next* day minus
  this day (May 18 says -1 because May 19 has one follower fewer). It is not stored: it is the
  day-to-day change of the followers column, which is stored, and a net change is neither
  `followers_gained` nor `followers_lost` (and writing it to `extra` would replace the
  Viewers.csv extras of the same days). Rows where it disagrees with the followers column are
  counted in a note; days whose followers are `undefined` are skipped.
- FollowerGender.csv (`Gender, Distribution`) → audience, dimension `gender`, buckets
  male/female/other, share as a fraction ("0.72").
- FollowerTopTerritories.csv (`Top territories, Distribution`) → audience, dimension
  `territory`, ISO-2 codes and the `Others` bucket as written.
- FollowerActivity.csv (`Date, Hour, Active followers`; the last 7 days × 24 hours) →
  audience, dimension `active_hour`, as_of the day, bucket the hour "00"-"23", count the
  active followers. TikTok zero-fills the hours of the last day that have not happened yet:
  the trailing zeros of the last day are skipped (counted, and said in a note).

Gender and territories have no date: they are the audience as of the export (`--as-of`).
Quirks shared by all four: every field quoted, BOM or not, dates without a year (inferred
against the export date), `undefined` for days not yet counted (NULL, never 0), and no
account name.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from socialdesk.errors import ImportError_
from socialdesk.importers._tiktok_studio import account_ref, fail, tiktok_dates
from socialdesk.importers.base import N_, AccountRef, Chunk, ExportFormat, ReadContext
from socialdesk.importers.tabular import ROW_COL, Table, normalise_header
from socialdesk.importers.values import cleaned, numbers

# "key" is the first column (a day or an audience bucket), "value" the figure beside it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "key": ("Date", "Gender", "Top territories"),
    "value": ("Followers", "Distribution", "Active followers"),
    "difference": ("Difference in followers from previous day",),
    "hour": ("Hour",),
}

# (key header, value header) -> the file it is
VARIANTS = {
    ("date", "followers"): "history",
    ("date", "active followers"): "activity",
    ("gender", "distribution"): "gender",
    ("top territories", "distribution"): "territory",
}

GENDERS = {
    "male": "male",
    "man": "male",
    "men": "male",
    "männlich": "male",
    "homme": "male",
    "hombre": "male",
    "masculino": "male",
    "female": "female",
    "vrouw": "female",
    "woman": "female",
    "women": "female",
    "weiblich": "female",
    "femme": "female",
    "mujer": "female",
    "feminino": "female",
    "other": "other",
    "others": "other",
    "overig": "other",
    "anders": "other",
    "andere": "other",
    "divers": "other",
    "autre": "other",
    "otro": "other",
    "outro": "other",
}


def _variant(table: Table, ctx: ReadContext) -> str:
    key = normalise_header(table.col("key"))
    value = normalise_header(table.col("value"))
    variant = VARIANTS.get((key, value))
    if variant is None or (variant == "activity" and not table.has("hour")):
        raise ImportError_(
            ctx.file,
            f"columns {table.col('key')!r} and {table.col('value')!r} do not make a TikTok "
            "Followers file (FollowerHistory, FollowerGender, FollowerTopTerritories or "
            "FollowerActivity).",
        )
    return variant


def _history(frame: pd.DataFrame, table: Table, ctx: ReadContext) -> tuple[pd.DataFrame, int]:
    out = pd.DataFrame(index=frame.index)
    out[ROW_COL] = frame[ROW_COL]
    out["date"] = tiktok_dates(frame, table.col("key"), ctx, ctx.as_of)
    out["followers"] = numbers(frame, table.col("value"), ctx.file)
    if table.has("difference"):
        diff = numbers(frame, table.col("difference"), ctx.file)
        _check_difference(out["date"], out["followers"], diff, ctx)
    empty = out["followers"].isna()
    if empty.any():
        ctx.note("days whose followers are 'undefined' (not yet counted by TikTok) were skipped.")
    return out[~empty].reset_index(drop=True), int(empty.sum())


def _check_difference(
    dates: pd.Series, followers: pd.Series, diff: pd.Series, ctx: ReadContext
) -> None:
    """Compare "Difference in followers from previous day" with next day minus this day."""
    by_day = dict(zip(dates, followers, strict=True))
    checked = disagree = 0
    for day, count, change in zip(dates, followers, diff, strict=True):
        following = by_day.get(day + pd.Timedelta(days=1))
        if pd.isna(change) or pd.isna(count) or following is None or pd.isna(following):
            continue
        checked += 1
        disagree += int(following - count != change)
    ctx.note(
        "'Difference in followers from previous day' is really the next day minus this day; "
        "it is not stored (the followers column holds the same change, on the right day)."
    )
    if disagree:
        ctx.note(f"{disagree} of {checked} day-to-day differences disagree with the followers.")


def _shares(frame: pd.DataFrame, table: Table, ctx: ReadContext, dimension: str) -> pd.DataFrame:
    buckets = cleaned(frame[table.col("key")])
    if buckets.isna().any():
        fail(frame, buckets.isna(), ctx.file, table.col("key"), "the bucket is empty.")
    if dimension == "gender":
        buckets = buckets.map(lambda b: GENDERS.get(b.casefold(), b))
    else:
        buckets = buckets.map(lambda b: b.upper() if len(b) == 2 else b)
    out = pd.DataFrame(index=frame.index)
    out[ROW_COL] = frame[ROW_COL]
    out["as_of"] = pd.Timestamp(ctx.as_of)
    out["dimension"] = dimension
    out["bucket"] = buckets.astype(object)
    out["share"] = numbers(frame, table.col("value"), ctx.file, percent=True)
    return out


def _activity(frame: pd.DataFrame, table: Table, ctx: ReadContext) -> tuple[pd.DataFrame, int]:
    hour_col = table.col("hour")
    hours = numbers(frame, hour_col, ctx.file)
    bad = hours.isna() | (hours % 1 != 0) | (hours < 0) | (hours > 23)
    if bad.any():
        fail(frame, bad, ctx.file, hour_col, "{value!r} is not an hour from 0 to 23.")
    out = pd.DataFrame(index=frame.index)
    out[ROW_COL] = frame[ROW_COL]
    out["as_of"] = tiktok_dates(frame, table.col("key"), ctx, ctx.as_of)
    out["dimension"] = "active_hour"
    out["bucket"] = hours.astype(int).map("{:02d}".format).astype(object)
    out["count"] = numbers(frame, table.col("value"), ctx.file)
    future = _future_hours(out)
    if future.any():
        ctx.note(
            f"the last day's {int(future.sum())} trailing hour(s) of 0 active followers were "
            "skipped: TikTok zero-fills the hours that had not happened yet at the export."
        )
    drop = future | out["count"].isna()
    return out[~drop].reset_index(drop=True), int(drop.sum())


def _future_hours(out: pd.DataFrame) -> pd.Series:
    """The hours of the file's last day after its last non-zero hour, when they are 0."""
    last = out["as_of"] == out["as_of"].max()
    day = out[last].sort_values("bucket")
    nonzero = day.loc[day["count"].fillna(0) != 0, "bucket"]
    cutoff = nonzero.max() if len(nonzero) else ""
    return last & (out["bucket"] > cutoff) & (out["count"] == 0)


def read(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    variant = _variant(table, ctx)
    account: AccountRef = account_ref(ctx)
    for frame in table.frames():
        if variant == "history":
            days, skipped = _history(frame, table, ctx)
            yield Chunk("account_days", account, days, rows_skipped=skipped)
        elif variant == "activity":
            rows, skipped = _activity(frame, table, ctx)
            yield Chunk("audience", account, rows, rows_skipped=skipped)
        else:
            yield Chunk("audience", account, _shares(frame, table, ctx, variant))
    if variant in ("gender", "territory"):
        ctx.note(f"the {variant} shares carry no date: stored as of {ctx.as_of} (the export date).")


FORMAT = ExportFormat(
    name="tiktok_studio_followers_csv",
    platform="tiktok",
    title=N_("TikTok Studio – Followers (history, gender, territories, activity; CSV)"),
    how_to=N_(
        "TikTok Studio → Analytics → Followers → Download data → CSV; import the zip, or "
        "FollowerHistory.csv, FollowerGender.csv, FollowerTopTerritories.csv and "
        "FollowerActivity.csv inside it."
    ),
    columns=COLUMNS,
    required=("key", "value"),
    file_pattern=r"follower",
    read=read,
)
