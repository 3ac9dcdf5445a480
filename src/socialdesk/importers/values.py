"""Turning export cells into typed values, column by column, with errors that name the cell.

Every function takes a frame of strings and a column name, and raises RowInvalid with the
file, the spreadsheet row and the column's header as the user sees it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers.tabular import ROW_COL

# Every null token seen in real exports (FORMATS.md section 0.8), compared after strip().
NULL_TOKENS = frozenset(
    {
        "",
        "-",
        "--",
        "—",
        "–",
        "n/a",
        "N/A",
        "NA",
        "undefined",
        "null",
        "None",
        "nan",
        "NaN",
        "No data available.",
        "(not set)*",
    }
)

# "1.22158E+17", or "1,22158E+17" from a Dutch Excel.
_EXCEL_ROUNDED = re.compile(r"^\d([.,]\d+)?E\+?\d+$", re.IGNORECASE)


def cell(frame: pd.DataFrame, idx: Hashable, column: str) -> Any:
    """`frame.at[idx, column]`, of its column's type, which pandas-stubs can't know (it types
    a cell as any pandas scalar)."""
    return frame.at[idx, column]


def file_row(frame: pd.DataFrame, idx: Hashable) -> int:
    """The row of the file that the frame's row `idx` was read from (its ROW_COL cell)."""
    return int(cell(frame, idx, ROW_COL))


def _raise(frame: pd.DataFrame, bad: pd.Series, file: str, column: str, message: str) -> None:
    idx = bad[bad].index[0]
    row = file_row(frame, idx) if ROW_COL in frame.columns else int(idx) + 2
    value = frame.at[idx, column]
    raise RowInvalid(file, row, column, message.format(value=value))


def _strings(series: pd.Series) -> list[str | None]:
    """The cells as str (None where missing), the way astype("string") gives them.

    One pass of plain Python over the cells: cheaper than pandas' string methods, which
    wrap every cell in NA handling (measured: 4 ms against 12 ms per 100,000 cells)."""
    values = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values.tolist()
    return [v if isinstance(v, str) else (None if _missing(v) else str(v)) for v in values]


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes are not missing
        return False


def _cleaned(series: pd.Series) -> list[str | None]:
    """Stripped strings with every null token (and missing cell) as None."""
    out = [None if v is None else v.strip() for v in _strings(series)]
    return [None if v is None or v in NULL_TOKENS else v for v in out]


def _mask(
    values: list[str | None], index: pd.Index, test: Callable[[str | None], bool]
) -> pd.Series:
    return pd.Series([test(v) for v in values], index=index, dtype=bool)


def cleaned(series: pd.Series) -> pd.Series:
    """Stripped strings with every null token as NA."""
    return pd.Series(pd.array(_cleaned(series), dtype="string"), index=series.index)


def text(frame: pd.DataFrame, column: str) -> pd.Series:
    """Free text: kept as written (only null tokens become NA)."""
    out = [None if v is None or v.strip() in NULL_TOKENS else v for v in _strings(frame[column])]
    return pd.Series(out, index=frame.index, dtype=object)


def ids(frame: pd.DataFrame, column: str, file: str, *, required: bool = True) -> pd.Series:
    """Identifiers kept as strings; an id that Excel rounded (1.22158E+17) is refused."""
    s = _cleaned(frame[column])
    if required and None in s:
        _raise(frame, _mask(s, frame.index, lambda v: v is None), file, column, "the id is empty.")
    # one string to search instead of a test per cell (cells never hold a NUL: see tabular)
    joined = "\x00".join(v for v in s if v is not None) + "\x00"
    if "e" in joined or "E" in joined:
        rounded = _mask(s, frame.index, lambda v: v is not None and bool(_EXCEL_ROUNDED.match(v)))
        if rounded.any():
            _raise(
                frame,
                rounded,
                file,
                column,
                "the id {value!r} was rounded by a spreadsheet program; "
                "export the file again and import it without opening it in Excel.",
            )
    if ".0\x00" in joined:
        # ids that a spreadsheet turned into floats ("1234.0")
        s = [_FLOAT_ID.sub(r"\1", v) if v is not None and v.endswith(".0") else v for v in s]
    return pd.Series(s, index=frame.index, dtype=object)


_FLOAT_ID = re.compile(r"^(\d+)\.0$")


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
    if raw.dtype.kind in "iuf":  # read as numbers already (Table.frames(numeric=...))
        if decimal != ".":
            raise ValueError(f"{column}: a decimal-comma column cannot be read as numbers")
        nums = raw.astype("float64")
        infinite = pd.Series(np.isinf(nums.to_numpy()), index=raw.index)
        if infinite.any():
            _raise(frame, infinite, file, column, "{value!r} is not a number.")
        return nums
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
        rest = s[todo]
        fixed = _fixed_layout(rest.to_numpy(dtype=object), fmt)
        if fixed is not None:  # the cells written exactly as the format lays them out
            stamps, ok = fixed
            if ok.any():
                parsed = pd.Series(stamps[ok], index=rest.index[ok])
                if "%z" in fmt:
                    parsed = parsed.dt.tz_localize("UTC")
                    parsed = parsed.dt.tz_convert(to_timezone or "UTC").dt.tz_localize(None)
                out.loc[parsed.index] = parsed.astype("datetime64[ns]")
                rest = rest[~ok]
        if len(rest):
            parsed = pd.to_datetime(rest, format=fmt, errors="coerce", utc="%z" in fmt)
            if "%z" in fmt:
                parsed = parsed.dt.tz_convert(to_timezone or "UTC").dt.tz_localize(None)
            good = parsed.notna()
            out.loc[parsed.index[good]] = parsed[good].astype("datetime64[ns]")
        todo = todo & out.isna()
    bad = s.notna() & out.isna()
    if bad.any():
        _raise(frame, bad, file, column, "{value!r} is not a date in a known format.")
    if required:
        missing = s.isna()
        if missing.any():
            _raise(frame, missing, file, column, "the date is empty.")
    return out


_FIXED_WIDTH = {"%Y": 4, "%m": 2, "%d": 2, "%H": 2, "%M": 2, "%S": 2, "%z": 5}


@functools.lru_cache(maxsize=64)
def _layout(fmt: str) -> tuple[tuple[tuple[str, int], ...], int] | None:
    """(directive or literal character, position) of a format whose fields are all digits
    of a fixed width (zero-padded %Y %m %d %H %M %S, %z as +HHMM), with its width."""
    parts: list[tuple[str, int]] = []
    i = pos = 0
    while i < len(fmt):
        if fmt[i] == "%":
            code = fmt[i : i + 2]
            if code not in _FIXED_WIDTH:
                return None
            parts.append((code, pos))
            pos += _FIXED_WIDTH[code]
            i += 2
        else:  # a space here is one space (strptime takes any run: pd.to_datetime reads those)
            parts.append((fmt[i], pos))
            pos += 1
            i += 1
    codes = {p for p, _ in parts}
    return (tuple(parts), pos) if {"%Y", "%m", "%d"} <= codes else None


def _fixed_layout(values: np.ndarray, fmt: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(timestamps, parsed) for the cells laid out exactly as `fmt` with zero-padded digits,
    computed on the character codes of all cells at once; None when the format has a field
    of varying width (%b, %I %p, ...). Cells not parsed here go to pd.to_datetime, which
    gives these ones the same value: this only saves the per-cell strptime. With %z the
    timestamps are UTC."""
    spec = _layout(fmt)
    if spec is None or not len(values):
        return None
    parts, width = spec
    n = len(values)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    ok = lengths == width
    chars = values.astype(f"<U{width}").view(np.uint32).reshape(n, width).astype(np.int64)
    field = {"%H": np.zeros(n, np.int64), "%M": np.zeros(n, np.int64), "%S": np.zeros(n, np.int64)}
    offset = np.zeros(n, np.int64)  # minutes east of UTC
    for code, pos in parts:
        if code == "%z":
            sign = chars[:, pos]
            ok &= (sign == ord("+")) | (sign == ord("-"))
            digits = chars[:, pos + 1 : pos + 5] - ord("0")
            ok &= ((digits >= 0) & (digits <= 9)).all(axis=1)
            hours, minutes = digits[:, 0] * 10 + digits[:, 1], digits[:, 2] * 10 + digits[:, 3]
            ok &= (hours <= 23) & (minutes <= 59)
            offset = np.where(sign == ord("-"), -1, 1) * (hours * 60 + minutes)
        elif code in _FIXED_WIDTH:
            digits = chars[:, pos : pos + _FIXED_WIDTH[code]] - ord("0")
            ok &= ((digits >= 0) & (digits <= 9)).all(axis=1)
            field[code] = digits @ (10 ** np.arange(digits.shape[1] - 1, -1, -1))
        else:
            ok &= chars[:, pos] == ord(code)
    year, month, day = field["%Y"], field["%m"], field["%d"]
    ok &= (year >= 1678) & (year <= 2261) & (month >= 1) & (month <= 12)
    ok &= (day >= 1) & (day <= 31) & (field["%H"] <= 23) & (field["%M"] <= 59)
    ok &= field["%S"] <= 59
    year, month, day = np.where(ok, year, 1970), np.where(ok, month, 1), np.where(ok, day, 1)
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (day - 1)
    ok &= days.astype("datetime64[M]") == months  # no 31 April
    seconds = field["%H"] * 3600 + field["%M"] * 60 + field["%S"] - offset * 60
    stamps = (days.astype("datetime64[s]") + np.where(ok, seconds, 0)).astype("datetime64[ns]")
    return stamps, ok


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
    out: list[object] = []
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


def number_columns(fields: dict[str, str], *mappings: dict[str, str]) -> list[str]:
    """The headers of the canonical fields in `mappings` that this file has (`fields` is
    Table.fields): the columns a reader converts only with `numbers` (decimal point), which
    Table.frames(numeric=...) may then parse as numbers straight away."""
    return [fields[c] for mapping in mappings for c in mapping if c in fields]


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
