"""/connections: admins connect (refused with the reason), act, and every viewer sees health
only; the page and its twin never carry a credential. Mastodon is the recorded API."""

from __future__ import annotations

import pytest
import respx

from tests.connectors.mastodon_api import TOKEN, sample
from tests.web.conftest import add_members, csrf_of, login, make_client


@pytest.fixture
def api():
    fake = sample()
    with respx.mock(assert_all_called=False) as router:
        router.route(host="127.0.0.1").pass_through()
        router.route(host="testserver").pass_through()
        fake.install(router)
        yield fake


def _connect(client, token):
    return client.post(
        "/connections",
        data={
            "csrf_token": csrf_of(client),
            "platform": "mastodon",
            "instance": "mastodon.example",
            "token": token,
        },
    )


def test_admin_connects_and_sees_health_and_the_reason_of_a_refusal(sqlite_ws, api):
    client = make_client(sqlite_ws)  # local mode: the one user is admin
    refused = _connect(client, "wrong")
    assert refused.status_code == 400
    assert "The access token is invalid" in refused.text
    assert 'data-connect="mastodon"' in refused.text
    done = _connect(client, TOKEN)
    assert done.status_code == 303
    page = client.get("/connections?done=connected")
    assert "groenfonds@mastodon.example" in page.text and TOKEN not in page.text
    twin = client.get("/connections.json")
    assert TOKEN not in twin.text
    [conn] = twin.json()["connections"]
    assert conn["health"] == "never synced"
    queued = client.post(f"/connections/{conn['id']}/sync", data={"csrf_token": csrf_of(client)})
    assert queued.status_code == 303 and queued.headers["location"].endswith("done=queued")
    again = client.post(f"/connections/{conn['id']}/sync", data={"csrf_token": csrf_of(client)})
    assert again.headers["location"].endswith("done=busy")
    jobs = client.get("/connections.json").json()["jobs"]
    assert [j["status"] for j in jobs] == ["queued"]
    assert (
        client.post(
            f"/connections/{conn['id']}/pause", data={"csrf_token": csrf_of(client)}
        ).status_code
        == 303
    )
    assert client.get("/connections.json").json()["connections"][0]["status"] == "paused"
    assert (
        client.post("/connections/999/pause", data={"csrf_token": csrf_of(client)}).status_code
        == 404
    )
    assert (
        client.post(
            f"/connections/{conn['id']}/remove", data={"csrf_token": csrf_of(client)}
        ).status_code
        == 303
    )
    assert client.get("/connections.json").json()["connections"] == []


def test_viewers_see_health_but_cannot_manage(sqlite_ws, api):
    add_members(sqlite_ws.engine, sqlite_ws.workspace_id)
    admin = make_client(sqlite_ws, team=True)
    login(admin, "admin")
    assert _connect(admin, TOKEN).status_code == 303
    viewer = make_client(sqlite_ws, team=True)
    login(viewer, "viewer")
    page = viewer.get("/connections")
    assert page.status_code == 200 and "groenfonds@mastodon.example" in page.text
    assert 'data-connect="mastodon"' not in page.text and "Sync now" not in page.text
    cid = viewer.get("/connections.json").json()["connections"][0]["id"]
    assert _connect(viewer, TOKEN).status_code == 403
    assert (
        viewer.post(f"/connections/{cid}/remove", data={"csrf_token": csrf_of(viewer)}).status_code
        == 403
    )
    editor = make_client(sqlite_ws, team=True)
    login(editor, "editor")
    assert (
        editor.post(f"/connections/{cid}/pause", data={"csrf_token": csrf_of(editor)}).status_code
        == 403
    )


def test_actions_without_the_csrf_token_are_refused(sqlite_ws, api):
    client = make_client(sqlite_ws)
    assert _connect(client, TOKEN).status_code == 303
    cid = client.get("/connections.json").json()["connections"][0]["id"]
    assert client.post(f"/connections/{cid}/remove").status_code == 403
    assert (
        client.post(
            "/connections",
            data={"platform": "mastodon", "token": TOKEN, "instance": "mastodon.example"},
        ).status_code
        == 403
    )
    assert len(client.get("/connections.json").json()["connections"]) == 1
