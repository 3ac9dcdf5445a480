"""The compose page (/marketing/calendar/ID): save, live previews with the checks, media
uploads refused when they are not images, approval as a right given by name, scheduling by
editors, every calendar action per role, and publishing for real to the local PDS."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialdesk.model import Connection, PlanItem, Post, Publication, PublishEvent
from socialdesk.publishing import run
from socialdesk.users import set_approver
from tests.web.conftest import csrf_of, make_client

TZ = ZoneInfo("Europe/Amsterdam")


def _connection(ws, platform: str = "mastodon", handle: str = "org@social.example") -> int:
    with Session(ws.engine) as s, s.begin():
        conn = Connection(
            workspace_id=ws.workspace_id,
            platform=platform,
            handle=handle,
            secret="not used: nothing is sent in this test",
            settings={},
            created_by="t",
        )
        s.add(conn)
        s.flush()
        return conn.id


def _item(ws, *, text: str = "Come to our open day", days: int = 2, status: str = "draft") -> int:
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).replace(
        tzinfo=None, second=0, microsecond=0
    )
    with Session(ws.engine) as s, s.begin():
        item = PlanItem(
            workspace_id=ws.workspace_id,
            title="Open day",
            status=status,
            scheduled_at=at,
            text=text,
            created_by="editor",
        )
        s.add(item)
        s.flush()
        return item.id


def _png(size=(1200, 1200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(out, "PNG")
    return out.getvalue()


def _form(client, item: int, **fields) -> dict:
    page = client.get(f"/marketing/calendar/{item}").text
    values = {"csrf_token": csrf_of(client), "targets_sent": "1"}
    for name in ("title", "text", "link", "first_comment", "date", "time"):
        found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
        if found:
            values[name] = found.group(1)
    values.update(fields)
    return values


def _status(ws, item: int) -> str:
    with Session(ws.engine) as s:
        row = s.get(PlanItem, item)
        assert row is not None
        return row.status


def test_compose_saves_text_accounts_and_own_text_and_previews_the_tagged_link(sqlite_seeded):
    ws = sqlite_seeded.ws
    conn = _connection(ws)
    item = _item(ws)
    client = make_client(ws)
    local = (dt.datetime.now(TZ) + dt.timedelta(days=3)).replace(hour=10, minute=30)
    response = client.post(
        f"/marketing/calendar/{item}/compose",
        data=_form(
            client,
            item,
            text="Open day on Saturday! https://example.org/open",
            link="https://example.org/open",
            date=local.date().isoformat(),
            time="10:30",
            target=f"{conn}:mastodon",
            **{f"text:{conn}:mastodon": "Mastodon's own words https://example.org/open"},
        ),
    )
    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"] == f"/marketing/calendar/{item}?done=saved"
    with Session(ws.engine) as s:
        row = s.get(PlanItem, item)
        assert row is not None and row.link == "https://example.org/open"
        assert row.scheduled_at == local.replace(second=0, microsecond=0).astimezone(
            dt.UTC
        ).replace(tzinfo=None)
        pub = s.scalars(select(Publication).where(Publication.plan_item_id == item)).one()
        assert (pub.connection_id, pub.network) == (conn, "mastodon")
        assert pub.text == "Mastodon's own words https://example.org/open"
    html = client.get(f"/marketing/calendar/{item}").text
    tagged = "https://example.org/open?utm_source=mastodon&amp;utm_medium=social"
    assert tagged in html  # the link as it goes out, in the network's own text
    assert "Mastodon&#39;s own words" in html
    data = client.get(f"/marketing/calendar/{item}.json").json()
    assert data["targets"][0]["link"].startswith(
        "https://example.org/open?utm_source=mastodon&utm_medium=social&utm_campaign=open_day"
    )
    assert data["targets"][0]["problems"] == []


def test_the_live_preview_shows_the_problem_while_typing_and_stores_nothing(sqlite_seeded):
    ws = sqlite_seeded.ws
    conn = _connection(ws)
    item = _item(ws)
    client = make_client(ws)
    client.get("/overview?lang=en")  # the sentences below are the English ones
    with Session(ws.engine) as s, s.begin():
        run.set_targets(s, ws.workspace_id, item, [(conn, "mastodon")], by="t")
    too_long = "a" * 520
    response = client.post(
        f"/marketing/calendar/{item}/preview",
        data=_form(client, item, text=too_long, target=f"{conn}:mastodon"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'data-check="length"' in response.text
    assert 'data-remaining="-20"' in response.text
    assert _status(ws, item) == "draft"
    with Session(ws.engine) as s:
        assert s.get(PlanItem, item).text == "Come to our open day"  # type: ignore[union-attr]
    fine = client.post(
        f"/marketing/calendar/{item}/preview",
        data=_form(client, item, text="Short and sweet", target=f"{conn}:mastodon"),
        headers={"HX-Request": "true"},
    )
    assert 'data-check="length"' not in fine.text and "Ready to go out." in fine.text


def test_an_upload_that_is_not_an_image_is_refused_and_nothing_kept(sqlite_seeded):
    ws = sqlite_seeded.ws
    item = _item(ws)
    client = make_client(ws)
    client.get("/overview?lang=en")
    token = csrf_of(client)
    bad = client.post(
        f"/marketing/calendar/{item}/media",
        data={"csrf_token": token},
        files={"file": ("holiday.jpg", io.BytesIO(b"%PDF-1.4 not a picture"), "image/jpeg")},
    )
    assert bad.status_code == 422
    assert "holiday.jpg is not an image or a video socialdesk can read" in bad.text
    media = ws.folder / "media"
    assert not media.exists() or not any(media.iterdir())
    good = client.post(
        f"/marketing/calendar/{item}/media",
        data={"csrf_token": token, "alt": "Our team at the stand"},
        files={"file": ("../../etc/stand.png", io.BytesIO(_png()), "image/png")},
    )
    assert good.status_code == 303
    with Session(ws.engine) as s:
        files = s.get(PlanItem, item).media["files"]  # type: ignore[union-attr]
    assert len(files) == 1
    f = files[0]
    assert (
        f["name"] == "stand.png"
        and f["mime"] == "image/png"
        and f["alt"] == "Our team at the stand"
    )
    assert (f["width"], f["height"]) == (1200, 1200)
    assert re.fullmatch(r"[0-9a-f]{16}\.png", f["path"])
    served = client.get(f"/marketing/media/{f['path']}")
    assert served.status_code == 200 and served.content == _png()
    assert served.headers["x-content-type-options"] == "nosniff"
    assert client.get("/marketing/media/..%2Fsocialdesk.db").status_code == 404


def test_a_change_after_approval_withdraws_it(sqlite_seeded):
    ws = sqlite_seeded.ws
    conn = _connection(ws)
    item = _item(ws, status="approved")
    client = make_client(ws)
    with Session(ws.engine) as s, s.begin():
        run.set_targets(s, ws.workspace_id, item, [(conn, "mastodon")], by="t")
        s.get(PlanItem, item).status = "approved"  # type: ignore[union-attr]
        s.get(PlanItem, item).approved_by = "boss"  # type: ignore[union-attr]
    response = client.post(
        f"/marketing/calendar/{item}/compose",
        data=_form(client, item, text="A different text", target=f"{conn}:mastodon"),
    )
    assert response.headers["location"].endswith("done=withdrawn")
    assert _status(ws, item) == "draft"
    with Session(ws.engine) as s:
        actions = [e.action for e in s.scalars(select(PublishEvent))]
    assert "approval_withdrawn" in actions


def test_moving_an_item_with_accounts_to_scheduled_goes_through_the_checks(sqlite_seeded):
    ws = sqlite_seeded.ws
    conn = _connection(ws)
    item = _item(ws, status="approved")
    with Session(ws.engine) as s, s.begin():
        run.set_targets(s, ws.workspace_id, item, [(conn, "mastodon")], by="t")
        s.get(PlanItem, item).status = "approved"  # type: ignore[union-attr]
    client = make_client(ws)
    moved = client.post(
        f"/marketing/calendar/{item}/move",
        data={"csrf_token": csrf_of(client), "status": "scheduled"},
    )
    assert moved.status_code == 422 and "Schedule" in moved.text
    assert _status(ws, item) == "approved"


# -- who may do what -----------------------------------------------------------------------------
# Each calendar action on a real item: the roles that may take it. Approving is not a role but
# a right given by name: "approver" is a viewer who was given it; admin and editor were not.
ACTIONS = {
    "compose": {"editor", "admin"},
    "preview": {"editor", "admin"},
    "media": {"editor", "admin"},
    "approve": {"approver"},
    "review-approve": {"approver"},
    "review-reject": {"viewer", "approver", "editor", "admin"},
    "review-comment": {"viewer", "approver", "editor", "admin"},
    "move": {"editor", "admin"},
    "schedule": {"editor", "admin"},
    "publish": {"editor", "admin"},
    "retry": {"editor", "admin"},
}


def _act(client, action: str, item: int, conn: int):
    token = csrf_of(client)
    base = f"/marketing/calendar/{item}"
    if action in ("compose", "preview"):
        return client.post(
            f"{base}/{action}",
            data={
                "csrf_token": token,
                "text": "New words",
                "targets_sent": "1",
                "target": f"{conn}:mastodon",
            },
        )
    if action == "media":
        return client.post(
            f"{base}/media",
            data={"csrf_token": token},
            files={"file": ("a.png", io.BytesIO(_png((400, 400))), "image/png")},
        )
    if action.startswith("review-"):
        return client.post(
            f"{base}/review", data={"csrf_token": token, "decision": action[7:], "comment": "ok"}
        )
    if action == "move":
        return client.post(f"{base}/move", data={"csrf_token": token, "status": "idea"})
    return client.post(f"{base}/{action}", data={"csrf_token": token})


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("who", ["viewer", "approver", "editor", "admin"])
def test_every_calendar_action_per_role(team_clients, sqlite_seeded, who, action):
    from socialdesk.store.session import session_scope
    from socialdesk.users import add_user

    ws = sqlite_seeded.ws
    client = team_clients("admin")  # adds the members; "approver" is added here
    with session_scope(ws.engine) as s:
        add_user(s, ws.workspace_id, "approver", "a-long-password-42", "viewer")
        set_approver(s, ws.workspace_id, "approver", True)
    conn = _connection(ws)
    status = {"schedule": "approved", "publish": "approved", "retry": "failed"}.get(
        action, "review"
    )
    item = _item(ws, status=status)
    with Session(ws.engine) as s, s.begin():
        run.set_targets(s, ws.workspace_id, item, [(conn, "mastodon")], by="t")
        s.get(PlanItem, item).status = status  # type: ignore[union-attr]
        if status == "failed":
            for p in s.scalars(select(Publication)):
                p.status = "failed"
    if who == "approver":
        from tests.web.conftest import login

        client = make_client(ws, team=True)
        assert login(client, "approver", "a-long-password-42").status_code == 303
    else:
        client = team_clients(who)
    response = _act(client, action, item, conn)
    if who in ACTIONS[action]:
        assert response.status_code not in (401, 403), (response.status_code, response.text[:300])
        assert response.status_code < 500
    else:
        assert response.status_code == 403, (response.status_code, response.text[:300])
        assert _status(ws, item) == status  # nothing changed


def test_the_approve_button_shows_only_with_the_right(team_clients, sqlite_seeded):
    ws = sqlite_seeded.ws
    item = _item(ws, status="review")
    editor = team_clients("editor")
    assert 'data-action="approve"' not in editor.get(f"/marketing/calendar/{item}").text
    with Session(ws.engine) as s, s.begin():
        set_approver(s, ws.workspace_id, "editor", True)
    assert 'data-action="approve"' in editor.get(f"/marketing/calendar/{item}").text
    viewer = team_clients("viewer")
    page = viewer.get(f"/marketing/calendar/{item}").text
    assert 'id="compose"' not in page and 'data-action="schedule"' not in page


# -- publishing for real ---------------------------------------------------------------------
def test_compose_approve_publish_against_the_real_pds_then_calendar_and_posts(sqlite_seeded, pds):
    from socialdesk.connectors import run as connections
    from socialdesk.connectors.base import HttpOptions
    from socialdesk.connectors.secrets import SecretBox

    ws = sqlite_seeded.ws
    org = pds.new_account("webpub")
    with Session(ws.engine) as s, s.begin():
        conn = connections.connect(
            s,
            ws.workspace_id,
            "bluesky",
            {"handle": org.handle, "app_password": org.app_password, "service": pds.pds_url},
            SecretBox.for_workspace(ws.folder),
            created_by="t",
            http=HttpOptions(sleep=lambda _s: None),
        ).id
    item = _item(ws, text="Open day Saturday #opendag")
    client = make_client(ws)
    token = csrf_of(client)
    assert (
        client.post(
            f"/marketing/calendar/{item}/media",
            data={"csrf_token": token, "alt": "The stand"},
            files={"file": ("stand.png", io.BytesIO(_png((800, 800))), "image/png")},
        ).status_code
        == 303
    )
    saved = client.post(
        f"/marketing/calendar/{item}/compose",
        data=_form(client, item, target=f"{conn}:bluesky", **{"alt:0": "The stand"}),
    )
    assert saved.status_code == 303
    assert (
        client.post(f"/marketing/calendar/{item}/approve", data={"csrf_token": token}).status_code
        == 303
    )
    published = client.post(f"/marketing/calendar/{item}/publish", data={"csrf_token": token})
    assert published.headers["location"].endswith("done=published"), published.text[:500]
    records = pds.client.list_records(org.did, "app.bsky.feed.post")
    assert len(records) == 1
    value = records[0]["value"]
    assert value["text"] == "Open day Saturday #opendag"
    assert value["embed"]["images"][0]["alt"] == "The stand"
    assert _status(ws, item) == "published"
    with Session(ws.engine) as s:
        pub = s.scalars(select(Publication).where(Publication.plan_item_id == item)).one()
        assert pub.post_id is not None and s.get(Post, pub.post_id) is not None
    when = dt.datetime.now(TZ)
    calendar = client.get(f"/marketing/calendar?month={when:%Y-%m}").text
    assert f'href="/posts/{pub.post_id}"' in calendar
    assert client.get(f"/posts/{pub.post_id}").status_code == 200
    again = client.post(f"/marketing/calendar/{item}/publish", data={"csrf_token": token})
    assert again.status_code == 422  # published already: nothing goes out twice
    assert len(pds.client.list_records(org.did, "app.bsky.feed.post")) == 1


def test_a_connection_with_items_to_go_out_is_not_removed(sqlite_seeded):
    from socialdesk.connectors import run as connections

    ws = sqlite_seeded.ws
    conn = _connection(ws)
    item = _item(ws, status="scheduled")
    with Session(ws.engine) as s, s.begin():
        run.set_targets(s, ws.workspace_id, item, [(conn, "mastodon")], by="t")
        s.get(PlanItem, item).status = "scheduled"  # type: ignore[union-attr]
        for p in s.scalars(select(Publication)):
            p.status = "scheduled"
    with Session(ws.engine) as s, s.begin(), pytest.raises(connections.RemoveRefused):
        connections.remove(s, ws.workspace_id, conn)
    client = make_client(ws)
    answer = client.post(f"/connections/{conn}/remove", data={"csrf_token": csrf_of(client)})
    assert answer.status_code == 409 and "calendar item" in answer.text


def test_a_scheduled_item_moved_into_the_past_is_not_sent_by_surprise(sqlite_seeded):
    from socialdesk.marketing import run as marketing

    ws = sqlite_seeded.ws
    conn = _connection(ws)
    item = _item(ws, status="scheduled")
    with Session(ws.engine) as s, s.begin():
        run.set_targets(s, ws.workspace_id, item, [(conn, "mastodon")], by="t")
        s.get(PlanItem, item).status = "scheduled"  # type: ignore[union-attr]
        for p in s.scalars(select(Publication)):
            p.status = "scheduled"
    yesterday = dt.datetime.now(TZ).replace(tzinfo=None) - dt.timedelta(days=1)
    with Session(ws.engine) as s, s.begin():
        marketing.move_plan_item(s, ws.workspace_id, item, at=yesterday.replace(microsecond=0))
    assert _status(ws, item) == "approved"  # scheduled again, checks and all, to go out
    with Session(ws.engine) as s:
        assert [p.status for p in s.scalars(select(Publication))] == ["waiting"]


def test_local_is_not_a_team_member_name(sqlite_seeded):
    from socialdesk.users import add_user

    ws = sqlite_seeded.ws
    with Session(ws.engine) as s, s.begin(), pytest.raises(ValueError, match="reserved"):
        add_user(s, ws.workspace_id, "Local", "a-long-password-42", "admin")


def test_a_body_over_the_limit_is_refused_before_it_is_read(sqlite_seeded):
    from socialdesk.web import app as web_app

    client = make_client(sqlite_seeded.ws)
    token = csrf_of(client)
    answer = client.post(
        "/marketing/calendar/1/media",
        data={"csrf_token": token},
        headers={"content-length": str(web_app.MAX_BODY + 1)},
        files={"file": ("a.png", io.BytesIO(b"x"), "image/png")},
    )
    assert answer.status_code == 413


def test_changing_the_accounts_of_an_approved_item_withdraws_the_approval(sqlite_seeded):
    """Through the seam, as `socialdesk calendar targets` does, not only through the page."""
    ws = sqlite_seeded.ws
    first, second = _connection(ws), _connection(ws, handle="org2@social.example")
    item = _item(ws)
    with Session(ws.engine) as s, s.begin():
        run.set_targets(s, ws.workspace_id, item, [(first, "mastodon")], by="t")
        run.approve(s, ws.workspace_id, item, by="local")
    with Session(ws.engine) as s, s.begin():
        run.set_targets(s, ws.workspace_id, item, [(first, "mastodon")], by="t")  # the same
    assert _status(ws, item) == "approved"
    with Session(ws.engine) as s, s.begin():
        run.set_targets(s, ws.workspace_id, item, [first, (second, "mastodon")], by="t")
    assert _status(ws, item) == "draft"
