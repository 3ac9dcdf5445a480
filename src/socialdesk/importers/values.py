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

# "1.22158E+17", or "1,22158E+17" from a Dutch Excel.
_EXCEL_ROUNDED = re.compile(r"^\d([.,]\d+)?E\+?\d+$", re.IGNORECASE)


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
    maybe = s.str.contains("e", case=False, regex=False).fillna(False)
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


_GROUPED_POINT = r"[+-]?(?:\d+|\d{1,3}(?:,\d{2,3})*,\d{3})(?:\.\d*)?(?:[eE][+-]?\d+)?|[+-]?\.\d+"
_GROUPED_COMMA = r"[+-]?(?:\d+|\d{1,3}(?:\.\d{2,3})*\.\d{3})(?:,\d*)?|[+-]?,\d+"
# Currency written before or after an amount: "US$ 0,00", "€12", "12,50 EUR".
_CURRENCY_BEFORE = r"^([+-]?)(?:[A-Z]{3}|[A-Z]{1,2}\$|[$€£¥₹])"
_CURRENCY_AFTER = r"(?:[A-Z]{3}|[$€£¥₹])$"


def _to_number(s: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series]:
    """(numbers, is_percent) from cleaned strings; cells that are not numbers become NaN.

    Plain numbers take a fast path. The rest may carry a percent sign, a comparison ("< 10%"),
    a currency, spaces or thousands separators; a separator that is not a thousands
    separator ("1,5" when the decimal mark is ".") makes the cell not a number, never 15.
    """
    raw = s.astype(object).where(s.notna(), None)
    nums = pd.Series(np.nan, index=s.index, dtype="float64")
    todo = s.notna()
    if decimal == "." and todo.any():
        fast = pd.to_numeric(raw[todo], errors="coerce").astype("float64")
        nums[todo] = fast
        todo = todo & nums.isna()
    is_pct = pd.Series(False, index=s.index)
    if todo.any():
        t = s[todo].str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace("\u2212", "-")
        pct = t.str.endswith("%").fillna(False)
        t = t.str.removesuffix("%").str.lstrip("<>~≈")
        t = t.str.replace(_CURRENCY_BEFORE, r"\1", regex=True).str.replace(
            _CURRENCY_AFTER, "", regex=True
        )
        valid = t.str.fullmatch(_GROUPED_POINT if decimal == "." else _GROUPED_COMMA).fillna(False)
        if decimal == ",":
            t = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            t = t.str.replace(",", "", regex=False)
        parsed = pd.to_numeric(t.where(valid).astype(object), errors="coerce").astype("float64")
        nums[todo] = parsed
        is_pct[todo] = pct.astype(bool)
    nums = nums.where(np.isfinite(nums))
    return nums, is_pct


def numbers(
    frame: pd.DataFrame, column: str, file: str, *, decimal: str = ".", percent: bool = False
) -> pd.Series:
    """Numbers with thousands separators, percent signs and null tokens handled.

    With percent=True the column is a rate: "26.96%" and "26.96" become 0.2696 only when the
    cell carries a percent sign; bare numbers are taken as fractions already. Infinity and
    text ("lots", "abc123") are refused naming the cell.
    """
    raw = frame[column]
    fast = pd.to_numeric(raw, errors="coerce").astype("float64")
    done = pd.Series(np.isfinite(fast.to_numpy()), index=raw.index) | (raw == "")
    if decimal == ",":
        # "1.234" is a thousand two hundred and thirty-four in a decimal-comma file
        done &= ~raw.str.contains(".", regex=False).fillna(False).astype(bool)
    if done.all():  # the common case: plain numbers, converted in C
        return fast
    s = cleaned(raw[~done])
    slow, slow_pct = _to_number(s, decimal)
    nums = fast.where(done)
    nums[~done] = slow
    is_pct = pd.Series(False, index=raw.index)
    is_pct[~done] = slow_pct.astype(bool)
    bad = (s.notna() & slow.isna()).reindex(raw.index, fill_value=False)
    if bad.any():
        first = str(s[bad[~done]].iloc[0]).replace(" ", "")
        other = _GROUPED_COMMA if decimal == "." else _GROUPED_POINT
        hint = ""
        if re.fullmatch(other, first.rstrip("%")):
            mark = "comma" if decimal == "." else "point"
            hint = f" (the file seems to write numbers with a decimal {mark})"
        _raise(frame, bad, file, column, "{value!r} is not a number" + hint + ".")
    if percent:
        nums = nums.where(~is_pct, nums / 100.0)
    return nums


def percent_numbers(
    frame: pd.DataFrame, column: str, file: str, *, decimal: str = "."
) -> pd.Series:
    """A rate always given in percent ("5.15" in a "(%)" column) as a fraction."""
    return numbers(frame, column, file, decimal=decimal) / 100.0


_CLOCK = r"^(?:(\d+):)?(\d+):(\d+(?:[.,]\d+)?)$"


def durations(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    """Seconds from "H:MM:SS", "M:SS" (minutes may pass 59) or a plain number of seconds."""
    s = cleaned(frame[column])
    out = pd.Series(np.nan, index=s.index, dtype="float64")
    clock = s.str.contains(":", regex=False).fillna(False).astype(bool)
    plain = s.notna() & ~clock
    if plain.any():
        out[plain] = _to_number(s[plain], ".")[0]
    if clock.any():
        parts = s[clock].str.extract(_CLOCK)
        hours = pd.to_numeric(parts[0], errors="coerce").fillna(0)
        minutes = pd.to_numeric(parts[1], errors="coerce")
        seconds = pd.to_numeric(parts[2].str.replace(",", ".", regex=False), errors="coerce")
        out[clock] = (hours * 3600 + minutes * 60 + seconds).astype("float64")
    bad = s.notna() & out.isna()
    if bad.any():
        _raise(frame, bad, file, column, "{value!r} is not a duration (H:MM:SS).")
    return out


_TRUE = frozenset({"1", "1.0", "true", "yes", "y", "ja", "j", "waar", "paid", "betaald", "x"})
_FALSE = frozenset(
    {"0", "0.0", "false", "no", "n", "nee", "onwaar", "organic", "organisch", "unpaid"}
)


def _flag(value: str) -> bool | None:
    if value in _TRUE:
        return True
    return False if value in _FALSE else None


def flags(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    """Yes/no cells (1/0, true/false, yes/no, ja/nee, paid/organic) as True/False/None."""
    s = cleaned(frame[column]).str.casefold()
    out = s.astype(object).map(_flag, na_action="ignore").where(s.notna(), None)
    bad = s.notna() & out.isna()
    if bad.any():
        _raise(frame, bad, file, column, "{value!r} is not yes or no (1/0, true/false, yes/no).")
    return out


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
    bad = nums.notna() & ((nums < 1) | (nums > 2958465))  # 1900-01-01 .. 9999-12-31
    if bad.any():
        _raise(frame, bad, file, column, "{value!r} is not a spreadsheet date serial number.")
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
        candidate = _latest_on_or_before(reference, *m)
        out.append(pd.Timestamp(candidate) if candidate else None)
    series = pd.Series(out, index=s.index, dtype="object")
    bad = s.notna() & series.isna()
    if bad.any():
        _raise(frame, bad, file, column, "{value!r} is not a month and day.")
    return pd.to_datetime(series)


def _latest_on_or_before(reference: dt.date, month: int, day: int) -> dt.date | None:
    """The latest existing date with this month and day on or before `reference` (29 February
    looks back up to four years, to the last leap year)."""
    for year in range(reference.year, reference.year - 5, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= reference:
            return candidate
    return None


_MONTH_FILLERS = frozenset({"de", "del", "di", "of"})  # "16 de mayo"


def _month_day(value: str, months: dict[str, int]) -> tuple[int, int] | None:
    """(month, day) when the cell is a day number and a month name, nothing else."""
    v = value.strip().casefold().replace(",", " ").replace(".", " ")
    day_m = re.search(r"\b(\d{1,2})\b", v)
    if not day_m:
        return None
    words = (v[: day_m.start()] + " " + v[day_m.end() :]).split()
    rest = " ".join(w for w in words if w not in _MONTH_FILLERS)
    for name, num in months.items():
        if name.casefold() == rest:
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
            values = numbers(frame, fields[canonical], file, decimal=decimal, percent=percent)
            out[target] = values.values
