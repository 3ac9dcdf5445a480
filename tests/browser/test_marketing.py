"""The content calendar in real Chromium: drag-and-drop rescheduling in the month and week
views, the keyboard path through an item's form, and a viewer who cannot move anything."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from socialdesk.marketing import queries
from socialdesk.marketing.calendar import TIMEZONE, to_utc
from socialdesk.store import session_scope
from tests.web.conftest import PASSWORD


def _login(page, url: str, then: str, user: str = "editor") -> None:
    page.goto(f"{url}{then}")
    assert "/login" in page.url
    page.get_by_label("Gebruikersnaam").fill(user)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{url}{then}")


def _item(live_server, title: str, local: str) -> int:
    with session_scope(live_server.ws.engine) as s:
        return queries.add_item(
            s,
            live_server.ws.workspace_id,
            title=title,
            created_by="editor",
            status="draft",
            platform="instagram",
            scheduled_at=to_utc(dt.datetime.fromisoformat(local)),
        )


def _local(live_server, item_id: int) -> str:
    with live_server.ws.session() as s:
        item = queries.get_item(s, live_server.ws.workspace_id, item_id)
        when = item.scheduled_at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(TIMEZONE))
    return when.strftime("%Y-%m-%d %H:%M")


def _cell_of(page, item_id: int) -> str | None:
    return page.locator(f"article.cal-item[data-id='{item_id}']").evaluate(
        "el => el.closest('td').getAttribute('data-date')"
    )


def test_drag_an_item_to_another_day_in_the_month(page, live_server):
    item = _item(live_server, "Sleep mij <b>", "2026-03-03 10:00")
    _login(page, live_server.url, "/marketing/calendar?month=2026-03")
    card = page.locator(f"article.cal-item[data-id='{item}']")
    assert card.get_attribute("draggable") == "true"
    assert "Sleep mij <b>" in card.inner_text()  # shown as text, not markup
    with page.expect_response(lambda r: f"/marketing/calendar/{item}/move" in r.url) as answer:
        card.drag_to(page.locator("td.cal-day[data-date='2026-03-12']"))
    assert answer.value.status == 204
    page.wait_for_function(
        "id => { const el = document.querySelector(`article.cal-item[data-id='${id}']`);"
        " return el && el.closest('td').dataset.date === '2026-03-12'; }",
        arg=item,
    )
    assert _local(live_server, item) == "2026-03-12 10:00"  # the day moved, the time stayed


def test_a_viewer_cannot_drag(page, live_server):
    item = _item(live_server, "Niet voor kijkers", "2026-03-04 11:00")
    _login(page, live_server.url, "/marketing/calendar?month=2026-03", user="viewer")
    card = page.locator(f"article.cal-item[data-id='{item}']")
    assert card.get_attribute("draggable") is None
    assert page.locator("table.calendar").get_attribute("data-editable") == "false"
    moves: list[str] = []
    page.on("request", lambda r: moves.append(r.url) if "/move" in r.url else None)
    card.drag_to(page.locator("td.cal-day[data-date='2026-03-20']"), force=True)
    assert moves == []  # the script is not armed for a viewer
    # and the server refuses the request the script would have sent
    status = page.evaluate(
        """async id => {
          const token = document.querySelector('meta[name="csrf-token"]').content;
          const r = await fetch(`/marketing/calendar/${id}/move`, {method: 'POST',
            body: new URLSearchParams({date: '2026-03-20', csrf_token: token}),
            headers: {'X-CSRF-Token': token, 'HX-Request': 'true'}});
          return r.status; }""",
        item,
    )
    assert status == 403
    assert _local(live_server, item) == "2026-03-04 11:00"
    # approving is a right an admin gives by name, not a role: this viewer has not got it
    assert card.locator("button[value='approve']").count() == 0
    assert card.locator("button[value='comment']").count() == 1  # but may comment
    assert card.locator("form[action$='/move']").count() == 0  # but get no form to move


def test_week_view_drag_to_an_hour_and_the_keyboard_path(page, live_server):
    item = _item(live_server, "Weekitem", "2026-03-03 10:20")
    _login(page, live_server.url, "/marketing/calendar/week?week=2026-03-03")
    heads = page.locator("table.calendar.week thead th").all_inner_texts()
    assert heads[1].startswith("ma") and heads[7].startswith("zo") and len(heads) == 8
    assert _cell_of(page, item) == "2026-03-03"
    slot = "td.cal-slot[data-date='2026-03-06'][data-hour='15']"
    with page.expect_response(lambda r: f"/marketing/calendar/{item}/move" in r.url):
        page.locator(f"article.cal-item[data-id='{item}']").drag_to(page.locator(slot))
    page.wait_for_selector(f"{slot} article.cal-item[data-id='{item}']")
    assert _local(live_server, item) == "2026-03-06 15:20"  # the hour from the row, minutes kept
    # without a mouse: open the item's Change form with the keyboard and type a new date
    card = page.locator(f"article.cal-item[data-id='{item}']")
    card.locator("summary").focus()
    page.keyboard.press("Enter")
    card.get_by_label("Datum").fill("2026-03-10")
    card.get_by_label("Tijd").fill("09:05")
    card.get_by_label("Tijd").press("Enter")
    page.wait_for_url("**/marketing/calendar/week?week=2026-03-10")
    assert _local(live_server, item) == "2026-03-10 09:05"
    assert (
        page.locator(
            f"td.cal-slot[data-date='2026-03-10'][data-hour='09'] article[data-id='{item}']"
        ).count()
        == 1
    )
    page.get_by_role("link", name="Vorige week").click()
    page.wait_for_url("**week=2026-03-02")
    assert page.locator(f"article.cal-item[data-id='{item}']").count() == 0
    page.get_by_role("link", name="Maandweergave").click()
    page.wait_for_url("**/marketing/calendar?month=2026-03")
    assert _cell_of(page, item) == "2026-03-10"


@pytest.mark.parametrize("lang,head", [("en", "Content calendar"), ("nl", "Contentkalender")])
def test_week_view_in_both_languages(page, live_server, lang, head):
    _login(page, live_server.url, "/marketing/calendar/week?week=2026-03-02")
    page.goto(f"{live_server.url}/marketing/calendar/week?week=2026-03-02&lang={lang}")
    assert page.get_by_role("heading", level=1).inner_text() == head
    first_day = page.locator("table.calendar.week thead th").nth(1).inner_text()
    assert first_day.startswith("Mon" if lang == "en" else "ma")
