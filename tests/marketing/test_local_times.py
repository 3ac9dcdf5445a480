"""Calendar times are typed in the organisation's time zone: a time the clocks skip is refused
with the reason, a time that exists twice is the first of the two (Europe/Amsterdam)."""

from __future__ import annotations

import datetime as dt

import pytest

from socialdesk.marketing.calendar import NonexistentTime, to_utc


def test_the_hour_the_clocks_skip_in_spring_is_refused():
    with pytest.raises(NonexistentTime) as refused:
        to_utc(dt.datetime(2026, 3, 29, 2, 30))
    assert "2026-03-29 02:30 does not exist" in str(refused.value)
    assert to_utc(dt.datetime(2026, 3, 29, 1, 59)) == dt.datetime(2026, 3, 29, 0, 59)
    assert to_utc(dt.datetime(2026, 3, 29, 3, 0)) == dt.datetime(2026, 3, 29, 1, 0)


def test_the_hour_repeated_in_autumn_is_its_first_occurrence():
    assert to_utc(dt.datetime(2026, 10, 25, 2, 30)) == dt.datetime(2026, 10, 25, 0, 30)
    assert to_utc(dt.datetime(2026, 10, 25, 3, 30)) == dt.datetime(2026, 10, 25, 2, 30)
