"""Turning export cells into typed values, column by column, with errors that name the cell.

Every function takes a frame of strings and a column name, and raises RowInvalid with the
file, the spreadsheet row and the column's header as the user sees it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers.tabular import ROW_COL

# Every null token seen in real exports (FORMATS.md section 0.8), compared after strip().
NULL_TOKENS = frozenset(
    {"", "-", "--", "—", "–", "n/a", "N/A", "NA", "undefined", "null", "None", "nan", "NaN",
     "No data available.", "(not set)*"}
)

_EXCEL_ROUNDED = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)


def _raise(frame: pd.DataFrame, bad: pd.Series, file: str, column: str, message: str) -> None:
    idx = bad[bad].index[0]
    row = int(frame.at[idx, ROW_COL]) if ROW_COL in frame.columns else int(idx) + 2
    value = frame.at[idx, column]
    raise RowInvalid(file, row, column, message.format(value=value))


def cleaned(series: pd.Series) -> pd.Series:
    """Stripped strings with every null token as NA."""
    s = series.astype("string").str.strip()
    return s.mask(s.isin(NULL_TOKENS))


def text(frame: pd.DataFrame, column: str) -> pd.Series:
    """Free text: kept as written (only null tokens become NA)."""
    s = frame[column].astype("string")
    stripped = s.str.strip()
    return s.mask(stripped.isin(NULL_TOKENS)).astype(object).where(lambda x: x.notna(), None)


def ids(frame: pd.DataFrame, column: str, file: str, *, required: bool = True) -> pd.Series:
    """Identifiers kept as strings; an id that Excel rounded (1.22158E+17) is refused."""
    s = cleaned(frame[column])
    if required:
        missing = s.isna()
        if missing.any():
            _raise(frame, missing, file, column, "the id is empty.")
    maybe = s.str.contains("E+", regex=False).fillna(False)
    if maybe.any():
        rounded = s[maybe].str.match(_EXCEL_ROUNDED).reindex(s.index, fill_value=False)
        if rounded.any():
            _raise(
                frame, rounded, file, column,
                "the id {value!r} was rounded by a spreadsheet program; "
                "export the file again and import it without opening it in Excel.",
            )
    floaty = s.str.endswith(".0").fillna(False)
    if floaty.any():  # ids that a spreadsheet turned into floats ("1234.0")
        s = s.where(~floaty, s.str.replace(r"^(\d+)\.0$", r"\1", regex=True))
    return s.astype(object).where(s.notna(), None)


def _to_number(s: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series]:
    """(numbers, is_percent) from cleaned strings; unparsable cells become NaN."""
    t = s.str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    is_pct = t.str.endswith("%").fillna(False)
    t = t.str.rstrip("%").str.lstrip("<>~")
    t = t.str.replace(r"^[^\d\-+.,]+", "", regex=True)  # currency prefixes: "US$ 0,00", "€12"
    if decimal == ",":
        t = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        t = t.str.replace(",", "", regex=False)
    nums = pd.to_numeric(t, errors="coerce")
    return nums.astype("float64"), is_pct


def numbers(
    frame: pd.DataFrame, column: str, file: str, *, decimal: str = ".", percent: bool = False
) -> pd.Series:
    """Numbers with thousands separators, percent signs and null tokens handled.

    With percent=True the column is a rate: "26.96%" and "26.96" become 0.2696 only when the
    cell carries a percent sign; bare numbers are taken as fractions already.
    """
    raw = frame[column]
    if decimal == ".":
        # Fast path: most cells are plain numbers that pandas converts in C.
        fast = pd.to_numeric(raw, errors="coerce").astype("float64")
        todo = fast.isna() & (raw != "")
        if not todo.any():
            return fast
        s = cleaned(raw[todo])
        slow, is_pct = _to_number(s, decimal)
        bad = s.notna() & slow.isna()
        if bad.any():
            _raise(frame, bad.reindex(frame.index, fill_value=False), file, column,
                   "{value!r} is not a number.")
        if percent:
            slow = slow.where(~is_pct, slow / 100.0)
        fast[todo] = slow
        return fast
    s = cleaned(raw)
    nums, is_pct = _to_number(s, decimal)
    bad = s.notna() & nums.isna()
    if bad.any():
        _raise(frame, bad, file, column, "{value!r} is not a number.")
    if percent:
        nums = nums.where(~is_pct, nums / 100.0)
    return nums


def percent_numbers(frame: pd.DataFrame, column: str, file: str, *, decimal: str = ".") -> pd.Series:
    """A rate always given in percent ("5.15" in a "(%)" column) as a fraction."""
    return numbers(frame, column, file, decimal=decimal) / 100.0


def durations(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    """Seconds from "H:MM:SS", "M:SS" or a plain number of seconds."""
    s = cleaned(frame[column])
    parts = s.str.split(":", expand=True)
    if parts.shape[1] == 1:
        return numbers(frame, column, file)
    width = parts.shape[1]
    n = parts.notna().sum(axis=1)
    # "45" alone (no colon) is seconds; "1:02" is M:SS; "0:03:53" is H:MM:SS
    fixed = pd.Series(np.nan, index=s.index)
    for k in range(1, width + 1):
        sel = n == k
        if sel.any():
            sub = pd.Series(0.0, index=s.index[sel])
            for i in range(k):
                sub = sub * 60 + pd.to_numeric(parts.loc[sel, i], errors="coerce")
            fixed[sel] = sub
    bad = s.notna() & fixed.isna()
    if bad.any():
        _raise(frame, bad, file, column, "{value!r} is not a duration (H:MM:SS).")
    return fixed


def datetimes(
    frame: pd.DataFrame,
    column: str,
    file: str,
    formats: Sequence[str],
    *,
    required: bool = True,
    to_timezone: str | None = None,
) -> pd.Series:
    """Timestamps tried against each format in turn (vectorised).

    Formats with an offset (%z) are converted to `to_timezone` wall-clock time; the result
    is always naive.
    """
    s = cleaned(frame[column])
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    todo = s.notna()
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(s[todo], format=fmt, errors="coerce", utc="%z" in fmt)
        if "%z" in fmt:
            parsed = parsed.dt.tz_convert(to_timezone or "UTC").dt.tz_localize(None)
        ok = parsed.notna()
        out.loc[parsed.index[ok]] = parsed[ok].astype("datetime64[ns]")
        todo = todo & out.isna()
    bad = s.notna() & out.isna()
    if bad.any():
        _raise(frame, bad, file, column, "{value!r} is not a date in a known format.")
    if required:
        missing = s.isna()
        if missing.any():
            _raise(frame, missing, file, column, "the date is empty.")
    return out


def dates(
    frame: pd.DataFrame, column: str, file: str, formats: Sequence[str], *, required: bool = True
) -> pd.Series:
    return datetimes(frame, column, file, formats, required=required).dt.normalize()


def excel_serial_dates(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    """Dates stored as Excel serial numbers (days since 1899-12-30)."""
    nums = numbers(frame, column, file)
    return pd.to_datetime(nums, unit="D", origin="1899-12-30").dt.normalize()


def year_for_month_day(
    frame: pd.DataFrame, column: str, file: str, reference: dt.date, months: dict[str, int]
) -> pd.Series:
    """Dates written without a year ("May 16", "18 tháng Tám"): the latest such date on or
    before `reference` (the export's date), so December rolls back over January correctly."""
    s = cleaned(frame[column])
    out = []
    for value in s:
        if value is pd.NA or value is None:
            out.append(pd.NaT)
            continue
        m = _month_day(str(value), months)
        if m is None:
            out.append(None)
            continue
        month, day = m
        year = reference.year
        try:
            candidate = dt.date(year, month, day)
            if candidate > reference:
                candidate = dt.date(year - 1, month, day)
        except ValueError:
            out.append(None)
            continue
        out.append(pd.Timestamp(candidate))
    series = pd.Series(out, index=s.index, dtype="object")
    bad = s.notna() & series.isna()
    if bad.any():
        _raise(frame, bad, file, column, "{value!r} is not a month and day.")
    return pd.to_datetime(series)


def _month_day(value: str, months: dict[str, int]) -> tuple[int, int] | None:
    v = value.strip().casefold().replace(",", " ")
    day_m = re.search(r"\b(\d{1,2})\b", v)
    if not day_m:
        return None
    rest = (v[: day_m.start()] + " " + v[day_m.end() :]).strip()
    rest = re.sub(r"\s+", " ", rest)
    for name, num in sorted(months.items(), key=lambda kv: -len(kv[0])):
        if name.casefold() in rest:
            return num, int(day_m.group(1))
    return None


def first_present(frame: pd.DataFrame, names: Iterable[str]) -> str | None:
    for name in names:
        if name in frame.columns:
            return name
    return None


def add_numbers(
    out: pd.DataFrame,
    frame: pd.DataFrame,
    fields: dict[str, str],
    mapping: dict[str, str],
    file: str,
    *,
    decimal: str = ".",
    percent: bool = False,
) -> None:
    """For each canonical field present in the file, out[target] = numbers of its column.

    `fields` is Table.fields (canonical -> header); `mapping` is canonical -> output column.
    """
    for canonical, target in mapping.items():
        if canonical in fields:
            out[target] = numbers(frame, fields[canonical], file, decimal=decimal, percent=percent).values
