"""Cell conversion: numbers, rates, ids, durations, dates, yes/no; errors name row and column."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from socialdesk.errors import RowInvalid
from socialdesk.importers.tabular import ROW_COL
from socialdesk.importers.values import (
    datetimes,
    durations,
    excel_serial_dates,
    flags,
    ids,
    numbers,
    percent_numbers,
    text,
    year_for_month_day,
)

MONTHS = {"jan": 1, "feb": 2, "mar": 3, "may": 5, "dec": 12}


def _frame(*values: str, column: str = "Cell") -> pd.DataFrame:
    """A one-column frame as Table.frames() gives it: strings, rows numbered from 2."""
    return pd.DataFrame({column: list(values), ROW_COL: range(2, 2 + len(values))})


def _list(series: pd.Series) -> list:
    return [None if (isinstance(v, float) and math.isnan(v)) or v is pd.NaT else v for v in series]


# -- numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("9,380", 9380),
        ("1,286.58", 1286.58),
        ("3423.0", 3423),
        ("130.81375632", 130.81375632),
        ("-1", -1),
        ("−3", -3),  # a typographic minus
        ("0", 0),
        ("1 234", 1234),
        ("1,23,456.50", 123456.5),  # Indian grouping (INR exports)
        ("US$ 12.50", 12.5),
        ("€12", 12),
        ("12.50 EUR", 12.5),
        ("1e3", 1000),
    ],
)
def test_numbers(cell, expected):
    assert _list(numbers(_frame(cell), "Cell", "f.csv")) == [pytest.approx(expected)]


@pytest.mark.parametrize("cell", ["", " --", "-", "N/A", "undefined", "No data available."])
def test_null_tokens_are_null_never_zero(cell):
    assert _list(numbers(_frame(cell), "Cell", "f.csv")) == [None]


def test_rates_with_percent_signs_become_fractions():
    got = numbers(_frame("26.96%", "2.2%", "< 10%", "0.052", " --"), "Cell", "f", percent=True)
    assert _list(got) == [pytest.approx(0.2696), pytest.approx(0.022), 0.1, 0.052, None]
    assert _list(percent_numbers(_frame("5.15", "5.15%"), "Cell", "f")) == [
        pytest.approx(0.0515),
        pytest.approx(0.0515),
    ]


def test_dutch_decimal_comma():
    got = numbers(
        _frame("99,88%", "2.546", "US$ 0,00", "1.234,5", "3"),
        "Cell",
        "f",
        decimal=",",
        percent=True,
    )
    assert _list(got) == [pytest.approx(0.9988), 2546, 0, 1234.5, 3]


@pytest.mark.parametrize(
    ("cell", "decimal", "hint"),
    [
        ("lots", ".", ""),
        ("abc123", ".", ""),
        ("inf", ".", ""),
        ("1e400", ".", ""),
        ("1,5", ".", "decimal comma"),  # never read as 15
        ("1.234.567", ".", "decimal comma"),
        ("1.5", ",", "decimal point"),  # never read as 15
        ("12 apples", ",", ""),
    ],
)
def test_not_a_number_names_row_and_column(cell, decimal, hint):
    with pytest.raises(RowInvalid) as err:
        numbers(_frame("1", cell, column="Reach"), "Reach", "posts.csv", decimal=decimal)
    assert (err.value.file, err.value.row, err.value.column) == ("posts.csv", 3, "Reach")
    assert f"{cell!r} is not a number" in err.value.detail and hint in err.value.detail


# -- ids and text ---------------------------------------------------------------------------
def test_ids_stay_strings_and_spreadsheet_damage_is_refused():
    assert _list(ids(_frame("1187155163632052", "1234.0", " 42 "), "Cell", "f")) == [
        "1187155163632052",
        "1234",
        "42",
    ]
    for rounded in ("1.22158E+17", "1,22158E+17", "9E+15"):
        with pytest.raises(RowInvalid) as err:
            ids(_frame("1", rounded, column="Post ID"), "Post ID", "f.csv")
        assert err.value.row == 3 and "rounded by a spreadsheet" in err.value.detail
    with pytest.raises(RowInvalid, match="the id is empty"):
        ids(_frame("1", "-"), "Cell", "f")
    assert _list(ids(_frame("1", ""), "Cell", "f", required=False)) == ["1", None]


def test_text_keeps_what_was_written_except_null_tokens():
    assert _list(text(_frame("  Hallo\nwereld ", "N/A", ""), "Cell")) == [
        "  Hallo\nwereld ",
        None,
        None,
    ]


# -- durations -----------------------------------------------------------------------------
def test_durations():
    cells = ("0:03:53", "1:02", "45", "75:30", "1:00:00.5", "", "0:00:28")
    got = durations(_frame(*cells), "Cell", "f")
    assert _list(got) == [233, 62, 45, 4530, 3600.5, None, 28]


@pytest.mark.parametrize("cell", ["1:2:3:4", "1:xx", "abc", "1h20"])
def test_bad_durations(cell):
    with pytest.raises(RowInvalid) as err:
        durations(_frame("0:01", cell, column="Duration"), "Duration", "f")
    assert err.value.row == 3 and "not a duration" in err.value.detail


# -- dates ---------------------------------------------------------------------------------
def test_datetimes_with_offsets_become_local_wall_clock():
    frame = _frame("2021-12-28 16:45 +0000", "2021-07-01 08:00 +0000", "")
    got = datetimes(
        frame, "Cell", "f", ["%Y-%m-%d %H:%M %z"], required=False, to_timezone="Europe/Amsterdam"
    )
    assert _list(got) == [pd.Timestamp(2021, 12, 28, 17, 45), pd.Timestamp(2021, 7, 1, 10, 0), None]


def test_datetimes_try_each_format_and_name_the_bad_cell():
    formats = ["%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p"]
    got = datetimes(_frame("01/07/2026 06:02", "01/19/2017 09:03:47 AM"), "Cell", "f", formats)
    assert _list(got) == [pd.Timestamp(2026, 1, 7, 6, 2), pd.Timestamp(2017, 1, 19, 9, 3, 47)]
    with pytest.raises(RowInvalid) as err:
        datetimes(
            _frame("01/07/2026 06:02", "31/12/2026 10:00", column="Publish time"),
            "Publish time",
            "f",
            formats,
        )
    assert (err.value.row, err.value.column) == (3, "Publish time")
    with pytest.raises(RowInvalid, match="the date is empty"):
        datetimes(_frame("01/07/2026 06:02", ""), "Cell", "f", formats)


def test_month_day_without_a_year_across_new_year():
    frame = _frame("Dec 30", "Dec 31", "Jan 1", "Jan 2", "")
    got = year_for_month_day(frame, "Cell", "f", dt.date(2026, 1, 2), MONTHS)
    assert _list(got) == [
        pd.Timestamp(2025, 12, 30),
        pd.Timestamp(2025, 12, 31),
        pd.Timestamp(2026, 1, 1),
        pd.Timestamp(2026, 1, 2),
        None,
    ]


def test_month_day_29_february_looks_back_to_the_last_leap_year():
    got = year_for_month_day(_frame("Feb 29", "16 May"), "Cell", "f", dt.date(2026, 3, 1), MONTHS)
    assert _list(got) == [pd.Timestamp(2024, 2, 29), pd.Timestamp(2025, 5, 16)]
    with pytest.raises(RowInvalid, match="not a month and day"):
        year_for_month_day(_frame("Smarch 3"), "Cell", "f", dt.date(2026, 3, 1), MONTHS)


def test_excel_serial_dates():
    got = excel_serial_dates(_frame("45658", "45658.75", "-"), "Cell", "f")
    assert _list(got) == [pd.Timestamp(2025, 1, 1), pd.Timestamp(2025, 1, 1), None]
    with pytest.raises(RowInvalid, match="not a spreadsheet date"):
        excel_serial_dates(_frame("1e12"), "Cell", "f")


# -- yes/no --------------------------------------------------------------------------------
def test_flags():
    got = flags(_frame("1", "0", "Yes", "nee", "TRUE", "", "-"), "Cell", "f")
    assert _list(got) == [True, False, True, False, True, None, None]
    with pytest.raises(RowInvalid) as err:
        flags(_frame("1", "misschien", column="Paid"), "Paid", "f")
    assert (err.value.row, err.value.column) == (3, "Paid")
