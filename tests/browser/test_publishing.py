"""Publishing from the calendar in real Chromium, to the real local Bluesky PDS: an editor
composes with an image and sees the checks fail and pass while typing; a viewer cannot
approve or schedule; an admin who was given the right approves; the post goes out and shows
on the calendar and on /posts."""

from __future__ import annotations

import datetime as dt

from PIL import Image
from sqlalchemy.orm import Session

from socialdesk.connectors import run as connections
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.secrets import SecretBox
from socialdesk.model import PlanItem
from socialdesk.store import session_scope
from socialdesk.users import set_approver
from tests.web.conftest import PASSWORD


def _login(browser, url: str, user: str, then: str):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{url}{then}")
    page.get_by_label("Gebruikersnaam").fill(user)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{url}{then}")
    return context, page, errors


def _status(live_server, item: int) -> str:
    with Session(live_server.ws.engine) as s:
        row = s.get(PlanItem, item)
        assert row is not None
        return row.status


def test_compose_check_approve_publish_and_see_it_on_the_calendar(
    browser, live_server, pds, tmp_path
):
    ws = live_server.ws
    org = pds.new_account("browserpub")
    with Session(ws.engine) as s, s.begin():
        conn = connections.connect(
            s,
            ws.workspace_id,
            "bluesky",
            {"handle": org.handle, "app_password": org.app_password, "service": pds.pds_url},
            SecretBox.for_workspace(ws.folder),
            created_by="admin",
            http=HttpOptions(sleep=lambda _s: None),
        ).id
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(
        tzinfo=None, second=0, microsecond=0
    )
    with session_scope(ws.engine) as s:
        item = PlanItem(
            workspace_id=ws.workspace_id,
            title="Open dag",
            status="draft",
            scheduled_at=at,
            text="Kom naar de open dag",
            created_by="editor",
        )
        s.add(item)
        s.flush()
        item_id = item.id
        set_approver(s, ws.workspace_id, "admin", True)
    image = tmp_path / "stand.png"
    Image.new("RGB", (900, 900), (20, 120, 90)).save(image)
    url, here = live_server.url, f"/marketing/calendar/{item_id}"

    # the editor composes: an account, a text over Bluesky's limit, then a good one
    context, page, errors = _login(browser, url, "editor", here)
    page.check(f"input[name='target'][value='{conn}:bluesky']")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(f"{url}{here}?done=saved")
    preview = page.locator("#previews article.preview[data-network='bluesky']")
    page.fill("#f-text", "Open dag! " + "x" * 320)
    preview.locator("li[data-check='length']").wait_for()
    assert int(preview.locator("[data-remaining]").get_attribute("data-remaining")) < 0
    page.fill("#f-text", "Zaterdag open dag in de bieb #opendag")
    preview.locator("li[data-check='length']").wait_for(state="detached")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(f"{url}{here}?done=saved")
    # the image, with its alt text; a file that is no image is refused with the reason
    bad = tmp_path / "poster.png"
    bad.write_bytes(b"%PDF-1.7 this is a pdf")
    page.set_input_files("#f-file", str(bad))
    page.locator("#upload button[type='submit']").click()
    page.locator("[role='alert']").wait_for()
    assert "poster.png" in page.locator("[role='alert']").inner_text()
    page.set_input_files("#f-file", str(image))
    page.fill("#f-newalt", "Onze stand met folders")
    page.locator("#upload button[type='submit']").click()
    page.wait_for_url(f"{url}{here}?done=added")
    assert page.locator("#previews img[alt='Onze stand met folders']").count() == 1
    assert preview.get_attribute("data-problems") == "0"
    # the editor has no right to approve: no button
    assert page.locator("[data-action='approve']").count() == 0
    context.close()
    assert not errors

    # a viewer can neither approve nor schedule, not even with a forged request
    context, page, errors = _login(browser, url, "viewer", here)
    assert page.locator("[data-action='approve'], [data-action='schedule']").count() == 0
    assert page.locator("#compose").count() == 0
    token = page.locator("meta[name='csrf-token']").get_attribute("content")
    for action in ("approve", "schedule", "publish"):
        answer = page.request.post(f"{url}{here}/{action}", form={"csrf_token": token})
        assert answer.status == 403, (action, answer.status)
    assert _status(live_server, item_id) == "draft"
    context.close()
    assert not errors

    # the admin who was given the right approves, then publishes now
    context, page, errors = _login(browser, url, "admin", here)
    page.locator("[data-action='approve']").click()
    page.wait_for_url(f"{url}{here}?done=approved")
    assert page.locator("[data-item-status]").get_attribute("data-item-status") == "approved"
    page.locator("[data-action='publish']").click()
    page.wait_for_url(f"{url}{here}?done=published", timeout=60_000)
    assert page.locator("#previews [data-publication='published']").count() == 1
    records = pds.client.list_records(org.did, "app.bsky.feed.post")
    assert len(records) == 1
    value = records[0]["value"]
    assert value["text"] == "Zaterdag open dag in de bieb #opendag"
    assert value["embed"]["images"][0]["alt"] == "Onze stand met folders"

    # the calendar shows where it went out; the post's page has it
    now = dt.datetime.now(dt.UTC)
    page.goto(f"{url}/marketing/calendar?month={now:%Y-%m}")
    card = page.locator(f"article.cal-item[data-id='{item_id}']")
    assert card.locator("[data-publication='published']").count() == 1
    card.locator("a[href^='/posts/']").click()
    page.wait_for_url(f"{url}/posts/*")
    assert "Zaterdag open dag in de bieb" in page.content()
    context.close()
    assert not errors
