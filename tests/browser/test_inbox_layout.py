"""The inbox queue and a thread in real Chromium at 1440 px and on a 390 px phone: no
horizontal scroll, the message the widest column on a wide screen, a card per thread on a
phone, and the pager and spam link working with the filters kept (issue 17)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from socialdesk.model import Message, MessageThread
from tests.web.conftest import PASSWORD

NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None)
LONG_WORD = "https://www.voorbeeld.nl/" + "heel-lange-link-zonder-spaties" * 8
LONG_TEXT = (
    "Ik wacht nu al drie weken op mijn bestelling en niemand reageert op mijn mails. "
    "Dit is echt de laatste keer dat ik bij jullie iets bestel, want zo ga je niet met "
    "klanten om. " + LONG_WORD
)
WIDTHS = (1440, 390)


@pytest.fixture(scope="module")
def queue(live_server) -> list[int]:
    """65 open threads (long texts, a long unbroken link, long names) and 3 spam threads."""
    ws = live_server.ws
    rows: list[dict[str, Any]] = []
    for i in range(68):
        spam = i >= 65
        rows.append(
            {
                "n": i,
                "intent": "spam" if spam else ("complaint" if i % 2 else "question"),
                "text": "Win nu een gratis iPhone!!! klik hier"
                if spam
                else (LONG_WORD + " " + LONG_TEXT if i % 5 == 0 else LONG_TEXT),
            }
        )
    with Session(ws.engine) as s, s.begin():
        s.execute(
            insert(MessageThread),
            [
                {
                    "workspace_id": ws.workspace_id,
                    "platform": "instagram" if r["n"] % 3 else "facebook",
                    "external_id": f"layout-{r['n']}",
                    "status": "new",
                    "updated_at": NOW,
                }
                for r in rows
            ],
        )
        tids = dict(
            s.query(MessageThread.external_id, MessageThread.id).filter(
                MessageThread.workspace_id == ws.workspace_id,
                MessageThread.external_id.like("layout-%"),
            )
        )
        s.execute(
            insert(Message),
            [
                {
                    "workspace_id": ws.workspace_id,
                    "thread_id": tids[f"layout-{r['n']}"],
                    "platform": "instagram" if r["n"] % 3 else "facebook",
                    "external_id": f"layout-m{r['n']}",
                    "author_handle": f"@klant_met_een_hele_lange_gebruikersnaam_{r['n']}",
                    "author_name": f"Klant Met Een Heel Lange Naam Van Der Berghe-{r['n']}",
                    "text": r["text"],
                    "language": "nl",
                    "received_at": NOW - dt.timedelta(hours=30 + r["n"]),
                    "is_from_org": False,
                    "sentiment": "negative",
                    "sentiment_confidence": 0.8,
                    "intent": r["intent"],
                    "intent_confidence": 0.7,
                    "urgency": 0.9 - r["n"] * 0.01,
                    "triaged_by": "lexicon",
                    "permalink": f"https://www.instagram.com/p/{r['n']}/",
                }
                for r in rows
            ],
        )
    return [tids[f"layout-{i}"] for i in range(65)]


@pytest.fixture
def at_width(browser, live_server):
    """A logged-in editor's page at a given viewport width; no JavaScript errors allowed."""
    made = []

    def open_at(width: int):
        context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{live_server.url}/inbox")
        page.get_by_label("Gebruikersnaam").fill("editor")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"{live_server.url}/inbox")
        made.append((context, errors))
        return page

    yield open_at
    for context, errors in made:
        context.close()
        assert not errors, f"JavaScript errors on the page: {errors}"


def _no_sideways_scroll(page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


@pytest.mark.parametrize("width", WIDTHS)
def test_queue_fits_the_screen(at_width, live_server, queue, width, tmp_path: Path):
    page = at_width(width)
    page.goto(f"{live_server.url}/inbox?lang=nl")
    assert page.locator("tr[data-inbox-item]").count() == 50
    assert LONG_WORD[:60] in page.locator("table.queue").inner_text()  # shown, and still fits
    _no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / f"queue-{width}.png"), full_page=True)
    if width >= 1024:
        widths = page.eval_on_selector_all(
            "table.queue thead th", "ths => ths.map(th => th.getBoundingClientRect().width)"
        )
        assert widths[0] == max(widths) and widths[0] > 2 * sorted(widths)[-2]
    else:
        # a card per thread: the message spans the card, the facts follow with their names
        card = page.locator("tr[data-inbox-item]").first
        assert card.evaluate("el => getComputedStyle(el).display") == "flex"
        message = card.locator("td.msg").bounding_box()
        whole = card.bounding_box()
        assert message["width"] > 0.85 * whole["width"]
        assert not page.locator("table.queue thead").is_visible() or (
            page.locator("table.queue thead").bounding_box()["width"] <= 1
        )
        label = card.locator("td[data-label]").first.evaluate(
            "el => getComputedStyle(el, '::before').content"
        )
        assert "Platform" in label


@pytest.mark.parametrize("width", WIDTHS)
def test_thread_fits_the_screen(at_width, live_server, queue, width, tmp_path: Path):
    page = at_width(width)
    page.goto(f"{live_server.url}/inbox/threads/{queue[0]}?lang=nl")
    assert LONG_WORD[:40] in page.locator("ol.history").inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / f"thread-{width}.png"), full_page=True)


def test_pager_keeps_the_filters_and_the_shortcuts_work(at_width, live_server, queue):
    page = at_width(390)
    page.goto(f"{live_server.url}/inbox?lang=nl&sentiment=negative")
    assert page.locator("[data-range]").inner_text().startswith("1–50 ")
    with page.expect_navigation():
        page.locator("a[rel=next]").click()
    assert "sentiment=negative" in page.url and "page=2" in page.url
    assert page.locator("[data-range]").inner_text().startswith("51–")
    _no_sideways_scroll(page)
    # j moves through the cards of this page too
    page.keyboard.press("j")
    first = page.locator("tr[data-inbox-item]").first.get_attribute("data-thread")
    assert page.evaluate("document.activeElement.getAttribute('data-thread')") == first
    # the spam link opens the folded threads, with the filter kept
    page.goto(f"{live_server.url}/inbox?lang=nl")
    spam = page.locator("[data-spam-count]")
    assert spam.get_attribute("data-spam-count") == "3"
    with page.expect_navigation():
        spam.click()
    assert "intent=spam" in page.url
    assert page.locator("tr[data-inbox-item]").count() == 3
    link = page.locator("a[data-permalink]").first
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
