"""The inbox in real Chromium: keyboard shortcuts move, open and mark done (checked in the
store), and picking a saved reply fills the draft without sending anything."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from socialdesk.inbox import queries
from socialdesk.model import Message, MessageReply, MessageThread
from tests.web.conftest import PASSWORD

NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _thread(ws, n: int, urgency: float, text: str) -> int:
    with Session(ws.engine) as s, s.begin():
        t = MessageThread(
            workspace_id=ws.workspace_id,
            platform="facebook",
            external_id=f"browser-{n}",
            status="new",
            opened_at=NOW - dt.timedelta(hours=2),
        )
        s.add(t)
        s.flush()
        s.add(
            Message(
                workspace_id=ws.workspace_id,
                thread_id=t.id,
                platform="facebook",
                external_id=f"browser-m{n}",
                author_handle=f"@klant{n}",
                author_name=f"Klant{n} de Vries",
                text=text,
                language="nl",
                received_at=NOW - dt.timedelta(hours=2),
                sentiment="negative",
                sentiment_confidence=0.7,
                intent="complaint",
                intent_confidence=0.6,
                urgency=urgency,
                triaged_by="lexicon",
            )
        )
        return t.id


@pytest.fixture(scope="module")
def threads(live_server) -> list[int]:
    """Three open threads; their urgency orders the queue (same wait, same reach)."""
    return [
        _thread(live_server.ws, 1, 0.9, "Nog steeds geen antwoord op mijn mail!"),
        _thread(live_server.ws, 2, 0.6, "Mijn #lentepakket is niet aangekomen"),
        _thread(live_server.ws, 3, 0.3, "Waarom is de actie gestopt?"),
    ]


def _status(live_server, thread_id: int) -> str:
    with Session(live_server.ws.engine) as s:
        return s.get(MessageThread, thread_id).status


def _login(page, url: str, path: str) -> None:
    page.goto(f"{url}{path}")
    page.get_by_label("Gebruikersnaam").fill("editor")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{url}{path}")


def _focused_thread(page) -> str | None:
    return page.evaluate("document.activeElement.getAttribute('data-thread')")


def test_j_k_move_and_d_marks_the_focused_thread_done(page, live_server, threads):
    _login(page, live_server.url, "/inbox")
    order = page.eval_on_selector_all(
        "tr[data-inbox-item]", "rows => rows.map(r => r.getAttribute('data-thread'))"
    )
    assert order == [str(t) for t in threads]  # most urgent first
    page.keyboard.press("j")
    assert _focused_thread(page) == str(threads[0])
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert _focused_thread(page) == str(threads[2])
    page.keyboard.press("j")  # stays on the last
    assert _focused_thread(page) == str(threads[2])
    page.keyboard.press("k")
    assert _focused_thread(page) == str(threads[1])
    # typing in a field is never a shortcut
    page.get_by_label("Toegewezen aan").focus()
    page.keyboard.press("d")
    assert _status(live_server, threads[1]) == "new"
    page.keyboard.press("Escape")
    page.locator(f'tr[data-thread="{threads[1]}"]').focus()
    with page.expect_navigation():
        page.keyboard.press("d")
    assert page.url.rstrip("/").endswith("/inbox")
    assert _status(live_server, threads[1]) == "done"
    assert _status(live_server, threads[0]) == "new"
    remaining = page.eval_on_selector_all(
        "tr[data-inbox-item]", "rows => rows.map(r => r.getAttribute('data-thread'))"
    )
    assert remaining == [str(threads[0]), str(threads[2])]


def test_enter_opens_and_d_marks_done_in_the_thread(page, live_server, threads):
    _login(page, live_server.url, "/inbox")
    page.keyboard.press("j")
    assert _focused_thread(page) == str(threads[0])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/inbox/threads/{threads[0]}")
    page.keyboard.press("l")  # l: the label field
    assert page.evaluate("document.activeElement.hasAttribute('data-label-select')")
    page.locator("body").click()  # leave the field: shortcuts work again
    with page.expect_navigation():
        page.keyboard.press("d")
    assert _status(live_server, threads[0]) == "done"
    assert page.locator("[data-thread-status]").get_attribute("data-thread-status") == "done"
    assert page.locator("[data-thread-status]").inner_text() == "afgehandeld"


def test_picking_a_saved_reply_fills_the_draft(page, live_server, threads):
    with Session(live_server.ws.engine) as s, s.begin():
        queries.put_saved_reply(
            s,
            live_server.ws.workspace_id,
            None,
            name="Niet ontvangen",
            language="nl",
            text="Hoi {name}, vervelend dat je {topic} niet kwam. Groet, {agent}",
        )
    _login(page, live_server.url, f"/inbox/threads/{threads[2]}")
    draft = page.locator("#f-draft")
    proposed = draft.input_value()
    assert proposed.startswith("Hoi Klant3")
    page.get_by_label("Opgeslagen antwoord").select_option(
        label="Niet ontvangen (Nederlands) · in te vullen: {topic}"
    )
    page.wait_for_function("document.getElementById('f-draft').value.includes('Groet, editor')")
    assert draft.input_value() == "Hoi Klant3, vervelend dat je {topic} niet kwam. Groet, editor"
    page.get_by_label("Opgeslagen antwoord").select_option(label="Het voorgestelde concept")
    with Session(live_server.ws.engine) as s:  # nothing was sent or stored
        assert (
            s.query(MessageReply).filter_by(workspace_id=live_server.ws.workspace_id).count() == 0
        )
