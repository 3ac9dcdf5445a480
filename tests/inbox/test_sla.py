"""Response figures recomputed by hand on a small seeded set of threads."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socialdesk.inbox.sla import (
    BusinessHours,
    badge_check,
    first_responses,
    inside_business_hours,
    response_report,
    sla_clocks,
)

T0 = dt.datetime(2025, 3, 3, 8, 0)  # a Monday, 09:00 in Amsterdam (UTC+1)


def _frames():
    m = pd.DataFrame(
        [
            # thread 1: in 08:00, org answers 08:30 (anna), again 09:00; done 10:00
            (1, T0, False, None),
            (1, T0 + dt.timedelta(minutes=30), True, "anna"),
            (1, T0 + dt.timedelta(minutes=60), True, "bert"),
            # thread 2: in 20:00 Saturday, answered Monday 08:00 by bert = 36 h
            (2, dt.datetime(2025, 3, 1, 20, 0), False, None),
            (2, T0, True, "bert"),
            # thread 3: never answered
            (3, T0 + dt.timedelta(hours=2), False, None),
            # thread 4: org wrote first (a DM it started), then the person, answered after 10 min
            (4, T0, True, "anna"),
            (4, T0 + dt.timedelta(hours=1), False, None),
            (4, T0 + dt.timedelta(hours=1, minutes=10), True, "anna"),
        ],
        columns=["thread_id", "received_at", "is_from_org", "answered_by"],
    )
    t = pd.DataFrame(
        {
            "thread_id": [1, 2, 3, 4],
            "platform": ["facebook", "x", "facebook", "facebook"],
            "done_at": [T0 + dt.timedelta(hours=2), None, None, None],
        }
    )
    return m, t


def test_first_responses_by_hand():
    r = first_responses(*_frames()).set_index("thread_id")
    assert r.loc[1, "first_response_min"] == 30
    assert r.loc[1, "responder"] == "anna"
    assert r.loc[2, "first_response_min"] == 36 * 60
    assert pd.isna(r.loc[3, "first_response_min"])
    assert (
        r.loc[4, "first_response_min"] == 10
    )  # the org's message before the person's is not an answer
    assert r.loc[1, "resolution_min"] == 120


def test_report_by_hand():
    report = response_report(first_responses(*_frames()))
    o = report.overall
    assert (o.threads, o.answered) == (4, 3)
    assert o.response_rate.value == pytest.approx(0.75)
    assert o.response_rate.low < 0.75 < o.response_rate.high
    assert o.first_response.mean.value == pytest.approx((30 + 2160 + 10) / 3)
    assert o.first_response.median.value == pytest.approx(30)
    assert o.first_response.mean.low is None  # 3 answers: too few for an interval
    groups = {f.group: f for f in [*report.by_platform, *report.by_person, *report.by_hours]}
    assert groups["platform=facebook"].answered == 2
    assert groups["person=anna"].first_response.median.value == pytest.approx(20)
    assert groups["hours=outside"].threads == 1  # only Saturday 20:00 is outside
    assert groups["hours=inside"].first_response.mean.value == pytest.approx(20)


def test_business_hours_in_local_time():
    times = pd.Series(
        [
            dt.datetime(2025, 3, 3, 7, 59),
            dt.datetime(2025, 3, 3, 8, 0),
            dt.datetime(2025, 7, 7, 14, 59),
            dt.datetime(2025, 7, 7, 15, 0),
        ]
    )
    # winter UTC+1: 08:00 UTC is 09:00; summer UTC+2: 15:00 UTC is 17:00 (closed)
    assert inside_business_hours(times, BusinessHours()).tolist() == [False, True, True, False]


def test_intervals_with_enough_threads():
    rows = [(i, T0, False, None) for i in range(20)] + [
        (i, T0 + dt.timedelta(minutes=5 + i), True, "anna") for i in range(20)
    ]
    m = pd.DataFrame(rows, columns=["thread_id", "received_at", "is_from_org", "answered_by"])
    t = pd.DataFrame({"thread_id": range(20), "platform": "facebook", "done_at": None})
    est = response_report(first_responses(m, t)).overall.first_response.mean
    assert est.value == pytest.approx(14.5)
    assert est.low < 14.5 < est.high


def test_sla_clock_and_badge():
    q = pd.DataFrame({"waiting_since": [T0, T0 + dt.timedelta(minutes=50)]})
    clocks = sla_clocks(q, T0 + dt.timedelta(hours=1))
    assert clocks["minutes_left"].tolist() == [0.0, 50.0]
    assert clocks["breached"].tolist() == [False, False]
    assert sla_clocks(q, T0 + dt.timedelta(minutes=90))["breached"].tolist() == [True, False]
    badge = badge_check(first_responses(*_frames()), T0 + dt.timedelta(days=1))
    # facebook threads in the last 7 days: 1 (30 min), 3 (never), 4 (10 min) -> 1 of 3
    assert (badge.threads, badge.within, badge.earned) == (3, 1, False)


def test_no_answer_from_the_organisation_at_all():
    """Nobody from the organisation replied yet: every thread counts, no time is made up."""
    m = pd.DataFrame(
        [
            (1, T0, False, None),
            (1, T0 + dt.timedelta(minutes=5), False, None),
            (2, T0 + dt.timedelta(hours=1), False, None),
        ],
        columns=["thread_id", "received_at", "is_from_org", "answered_by"],
    )
    t = pd.DataFrame({"thread_id": [1, 2], "platform": ["facebook", "x"], "done_at": [None, None]})
    r = first_responses(m, t).set_index("thread_id")
    assert r.index.tolist() == [1, 2]
    assert r.loc[1, "opened_at"] == T0
    assert r["answered_at"].isna().all() and r["first_response_min"].isna().all()
    report = response_report(r.reset_index())
    o = report.overall
    assert (o.threads, o.answered) == (2, 0)
    assert o.response_rate.value == 0.0  # a real zero: two threads, none answered
    for figure in (o.first_response.mean, o.first_response.median, o.resolution.median):
        assert figure.value is None and "not enough data" in figure.method
    assert report.by_person == []
    assert [f.group for f in report.by_platform] == ["platform=facebook", "platform=x"]


def test_answer_only_before_the_question_and_unknown_responder():
    """The organisation wrote only before the person (not an answer); in another thread the
    first answer has no known author and a later one has: the first answer still counts."""
    m = pd.DataFrame(
        [
            (1, T0, True, "anna"),
            (1, T0 + dt.timedelta(minutes=5), False, None),
            (2, T0, False, None),
            (2, T0 + dt.timedelta(minutes=7), True, None),
            (2, T0 + dt.timedelta(minutes=9), True, "bert"),
        ],
        columns=["thread_id", "received_at", "is_from_org", "answered_by"],
    )
    t = pd.DataFrame({"thread_id": [1, 2], "platform": ["x", "x"], "done_at": [None, None]})
    r = first_responses(m, t).set_index("thread_id")
    assert pd.isna(r.loc[1, "answered_at"]) and pd.isna(r.loc[1, "first_response_min"])
    assert r.loc[2, "first_response_min"] == 7
    assert pd.isna(r.loc[2, "responder"])  # not bert: he answered later
    report = response_report(r.reset_index())
    assert [f.group for f in report.by_person] == ["person=unknown"]
