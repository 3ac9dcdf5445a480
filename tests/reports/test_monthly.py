"""The monthly report's data: the month's figures from the skills' seams, against last month."""

from __future__ import annotations

import datetime as dt

import pytest

from socialdesk.i18n import formats, gettext
from socialdesk.reports import run
from socialdesk.reports.monthly import (
    Month,
    NoDataForMonth,
    parse_month,
    previous_month,
    suggested_month,
)
from socialdesk.results import plain
from socialdesk.store.session import session_scope
from tests.reports.conftest import OCTOBER, SCRIPT_INTERACTIONS, SCRIPT_TEXT


def _say(sentence: str, lang: str) -> str:
    return sentence.say(lambda m: gettext(lang, m), formats(lang))  # type: ignore[attr-defined]


def test_months():
    assert Month.of(dt.date(2026, 2, 14)) == Month(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert Month.of(dt.date(2026, 3, 5)).previous().start == dt.date(2026, 2, 1)
    assert Month.of(dt.date(2026, 12, 5)).next().start == dt.date(2027, 1, 1)
    assert parse_month("2026-10") == OCTOBER
    assert previous_month(dt.date(2026, 1, 15)) == dt.date(2025, 12, 1)
    with pytest.raises(ValueError, match="2026-10"):
        parse_month("oktober")
    # the last whole month with data; the month of the last day when nothing whole lies before
    assert suggested_month(dt.date(2025, 11, 1), dt.date(2026, 11, 1)) == OCTOBER
    assert suggested_month(dt.date(2025, 11, 1), dt.date(2026, 10, 31)) == OCTOBER
    assert suggested_month(dt.date(2026, 10, 3), dt.date(2026, 10, 20)) == OCTOBER


def test_a_month_with_data(seeded):
    with session_scope(seeded.ws.engine) as s:
        report = run.monthly(s, seeded.ws.workspace_id, OCTOBER, "nl")
    assert report.month == Month(OCTOBER, dt.date(2026, 10, 31))
    assert report.previous.start == dt.date(2026, 9, 1)
    assert report.complete and report.data_through == dt.date(2026, 10, 31)
    assert report.sections == ("reach", "top_posts", "ads")
    assert set(report.left_out) == {"goals", "coverage", "care", "anomalies"}

    reach = report.reach
    assert reach is not None
    facebook = next(p for p in reach.platforms if p.platform == "facebook")
    # 31 days of reach 100 + i (i = 69..99 in October), 30 of i = 39..68 in September
    assert facebook.figures["reach"].current == sum(100 + i for i in range(69, 100)) == 5704
    assert facebook.figures["reach"].previous == sum(100 + i for i in range(39, 69))
    assert facebook.figures["followers"].current == 1099
    # posts published in October: seeding's every third day (i = 7..16) and the script post
    interactions = reach.totals["post_engagements"]
    assert interactions.current == sum(10 + 2 * i for i in range(7, 17)) + SCRIPT_INTERACTIONS
    assert interactions.previous == sum(10 + 2 * i for i in range(17, 27))
    assert interactions.change == pytest.approx(1564 / 530 - 1)
    # Instagram has account figures for November only: no reach of its own in October
    instagram = next(p for p in reach.platforms if p.platform == "instagram")
    assert instagram.figures["reach"].current is None

    why = reach.why
    assert why is not None and why.before == 530 and why.after == 1564
    assert sum(f.contribution for f in why.factors) == pytest.approx(why.change)

    top = report.top_posts
    assert top is not None and top.published == 11
    assert top.posts[0].text == SCRIPT_TEXT  # the best post of all, Facebook's
    assert {p.platform for p in top.posts} == {"facebook", "instagram"}

    ads = report.ads
    assert ads is not None
    assert {t.currency: t.spend.current for t in ads.totals} == {"EUR": 310.0, "USD": 310.0}
    assert {t.currency: t.spend.previous for t in ads.totals} == {"EUR": 90.0, "USD": 90.0}

    assert 3 <= len(report.headline) <= 5
    first = _say(report.headline[0], "nl")
    assert first.startswith("De berichten van deze maand kregen 1.564 interacties")
    assert "195,1%" in first and "(530)" in first
    assert _say(report.headline[1], "en").startswith("Why: mainly impressions per post")
    # the report is plain data: the reports' JSON twins and --json print it
    assert plain(report)["reach"]["totals"]["post_engagements"]["current"] == 1564


def test_a_month_without_data_says_which(seeded):
    with session_scope(seeded.ws.engine) as s, pytest.raises(NoDataForMonth) as found:
        run.monthly(s, seeded.ws.workspace_id, dt.date(2026, 1, 1), "nl")
    message = str(found.value)
    assert "January 2026 (2026-01)" in message
    assert "2026-07-24 to 2026-11-20" in message and "--month 2026-10" in message


def test_an_unfinished_month_is_not_compared(seeded):
    """November has figures up to the 20th only: no change against October, and it says so."""
    with session_scope(seeded.ws.engine) as s:
        report = run.monthly(s, seeded.ws.workspace_id, dt.date(2026, 11, 1), "en")
    assert not report.complete and report.days_with_data == 20
    assert report.reach is not None
    assert all(c.change is None for p in report.reach.platforms for c in p.figures.values())
    assert report.reach.why is None
    assert _say(report.headline[0], "en") == (
        "This month has figures for 20 of its 30 days only, so it is not compared with last month."
    )


def test_goals_running_in_the_month(seeded):
    from socialdesk.analytics import run as analytics

    with session_scope(seeded.ws.engine) as s:
        analytics.add_goal(
            s,
            seeded.ws.workspace_id,
            name="Veel interacties",
            metric="engagements",
            start=dt.date(2026, 10, 1),
            end=dt.date(2026, 12, 31),
            target="100000",
            platform="facebook",
        )
        analytics.add_goal(
            s,
            seeded.ws.workspace_id,
            name="Voorbij",
            metric="engagements",
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 3, 31),
            target="10",
        )
    with session_scope(seeded.ws.engine) as s:
        report = run.monthly(s, seeded.ws.workspace_id, OCTOBER, "nl")
    assert report.goals is not None
    assert [g.name for g in report.goals.goals] == ["Veel interacties"]  # only the running one
    goal = report.goals.goals[0]
    assert goal.status == "off-track" and goal.forecast.low is not None
    said = [_say(p, "nl") for p in report.headline]
    assert any(
        s.startswith("Doel ‘Veel interacties’ ligt niet op koers") and "tussen" in s for s in said
    ), said
