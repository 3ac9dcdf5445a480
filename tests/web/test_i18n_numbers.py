"""Numbers, waiting times and dates are written the way Babel writes them (numbers faster)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from socialdesk.i18n import _apply, formats


@given(
    value=st.one_of(
        st.floats(min_value=-1e14, max_value=1e14, allow_nan=False),
        st.integers(min_value=-(10**12), max_value=10**12).map(lambda i: i + 0.5),
    ),
    locale=st.sampled_from(["nl", "en"]),
)
def test_whole_numbers_match_babel(value, locale):
    babel = _apply("#,##0", value, locale)
    if babel in ("-0", "−0"):
        babel = "0"  # Babel keeps the sign of a negative fraction rounded to zero; we don't
    assert formats(locale).number(value) == babel


def test_dutch_and_english_grouping():
    assert formats("nl").number(1234567.5) == "1.234.568"
    assert formats("en").number(-1234567.4) == "-1,234,567"
    assert formats("nl").number(None) == "–"


@given(
    value=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    locale=st.sampled_from(["nl", "en"]),
    digits=st.integers(min_value=1, max_value=3),
)
def test_decimals_and_changes_match_babel(value, locale, digits):
    fmt = formats(locale)

    def unsigned_zero(text: str) -> str:  # Babel keeps the sign of a value rounded to zero
        bare = text.lstrip("+-−")
        return bare if not any(c in "123456789" for c in bare) else text

    babel = _apply("#,##0." + "0" * digits, value, locale)
    assert unsigned_zero(fmt.decimal(value, digits)) == unsigned_zero(babel)
    babel = _apply("+#,##0.0%;-#,##0.0%", value, locale).replace("-", "−")
    assert unsigned_zero(fmt.change(value)) == unsigned_zero(babel)
    assert fmt.change(0.123) == ("+12,3%" if locale == "nl" else "+12.3%")
    assert fmt.change(-0.04) == ("−4,0%" if locale == "nl" else "−4.0%")


def test_waiting_times_in_their_largest_unit():
    nl, en = formats("nl"), formats("en")
    assert [nl.duration(m) for m in (45, 150, 5123, 86142)] == [
        "45 minuten",
        "2 uur",
        "4 dagen",
        "2 maanden",
    ]
    assert en.duration(150) == "2 hours" and nl.duration(None) == "–"


def test_a_time_is_written_with_its_day_as_the_day_is_written_alone():
    # a post's time was "21 May 2026 00:00" in English beside days "May 21, 2026" on the
    # same page: the day of a time is written as the day alone, with a 24-hour time
    at = dt.datetime(2026, 5, 21, 9, 5)
    for locale in ("en", "nl"):
        f = formats(locale)
        assert f.datetime(at).startswith(f.date(at.date())), locale
        assert f.datetime("2026-05-21T09:05:00") == f.datetime(at)
    assert formats("en").datetime(at) == "May 21, 2026, 09:05"
    assert formats("nl").datetime(at) == "21 mei 2026, 09:05"
    # a day alone is its midnight
    assert formats("en").datetime(dt.date(2026, 5, 21)) == "May 21, 2026, 00:00"
    # imports and logins are stored in UTC and shown in Amsterdam time: 2 hours on in May
    assert formats("nl").timestamp(at) == "21 mei 2026, 11:05"


def test_a_post_without_a_known_time_shows_its_day_alone():
    # a date-only export (LinkedIn's Created date) stores its posts at midnight, and the
    # anomalies page and the CLI showed "21 mei 2026, 00:00" as if posted at midnight
    nl, en = formats("nl"), formats("en")
    assert nl.post_time(dt.datetime(2026, 5, 21)) == "21 mei 2026"
    assert en.post_time("2026-05-21 00:00:00") == "May 21, 2026"
    assert nl.post_time(dt.datetime(2026, 5, 21, 9, 5)) == "21 mei 2026, 09:05"
    assert nl.post_time(dt.datetime(2026, 5, 21, 0, 0, 30)) == "21 mei 2026, 00:00"
    assert nl.post_time(None) == nl.datetime(None)
    assert nl.post_time(dt.date(2026, 5, 21)) == "21 mei 2026"


def test_the_cli_shows_a_post_without_a_known_time_as_its_day():
    from socialdesk.cli.analytics import _post_time

    assert _post_time("2026-05-21 00:00:00") == "2026-05-21"
    assert _post_time("2025-12-26 20:10:00") == "2025-12-26 20:10"
