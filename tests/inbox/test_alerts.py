"""Crisis alerts counted by hand: a spike over a quiet topic, and messages without a post."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socialdesk.inbox.alerts import crisis_alerts, topics_of

DAY = dt.datetime(2026, 3, 1, 9)


def test_topics_skip_a_missing_post():
    assert topics_of("Waar is mijn #Pakket", float("nan")) == ["#pakket"]
    assert topics_of("Waar is mijn #Pakket", None) == ["#pakket"]
    assert topics_of("geld terug graag", "p1") == ["refund", "post:p1"]


def test_spike_against_its_baseline():
    rows = [("#bus te laat", DAY - dt.timedelta(days=d), None) for d in range(1, 15)]
    rows += [(f"#bus alweer {i}", DAY + dt.timedelta(minutes=i), None) for i in range(8)]
    # the post column is text with gaps (pandas stores the gaps as NaN)
    post = pd.array([p for _t, _d, p in rows], dtype="string")
    m = pd.DataFrame(
        {
            "text": [t for t, _d, _p in rows],
            "received_at": [d for _t, d, _p in rows],
            "sentiment": "negative",
            "is_from_org": False,
            "post_external_id": post,
        }
    )
    (alert,) = crisis_alerts(m, since=DAY.date())
    assert (alert.topic, alert.day, alert.negative) == ("#bus", DAY.date(), 8)
    assert alert.baseline.value == pytest.approx(14 / 28)
    assert alert.ratio == pytest.approx(16.0)
    assert crisis_alerts(m, since=DAY.date() + dt.timedelta(days=1)) == []
