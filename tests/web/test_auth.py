"""Who may do what: every route for nobody, viewer, editor and admin (team mode) and in
local mode; CSRF on every change; sessions, throttling and redirects."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import update

from socialdesk.model import Membership, User
from socialdesk.store.session import ensure_workspace, session_scope
from socialdesk.users import add_user, hash_password, set_password
from socialdesk.users.sessions import FAILURES, SessionStore
from socialdesk.web.auth import MAX_FAILURES
from tests.conftest import fixture_path
from tests.web.conftest import PASSWORD, csrf_of, login, make_client

# Every route of the app and the least role it needs ("public": anybody).
MATRIX: dict[tuple[str, str], str] = {
    ("GET", "/"): "viewer",
    ("GET", "/overview"): "viewer",
    ("GET", "/overview.json"): "viewer",
    ("GET", "/posts"): "viewer",
    ("GET", "/posts.json"): "viewer",
    ("GET", "/posts.csv"): "viewer",
    ("GET", "/posts.xlsx"): "viewer",
    ("GET", "/posts/{post_id}"): "viewer",
    ("GET", "/posts/{post_id}.json"): "viewer",
    ("GET", "/imports"): "viewer",
    ("GET", "/imports.json"): "viewer",
    ("POST", "/imports"): "editor",
    ("GET", "/admin/users"): "admin",
    ("GET", "/admin/users.json"): "admin",
    ("GET", "/ads"): "viewer",
    ("GET", "/ads.json"): "viewer",
    ("GET", "/ads/budget"): "viewer",
    ("GET", "/ads/budget.json"): "viewer",
    ("GET", "/ads/curves"): "viewer",
    ("GET", "/ads/curves.json"): "viewer",
    ("GET", "/ads/fatigue"): "viewer",
    ("GET", "/ads/fatigue.json"): "viewer",
    ("GET", "/ads/pacing"): "viewer",
    ("GET", "/ads/pacing.json"): "viewer",
    ("GET", "/ads/tests"): "viewer",
    ("GET", "/ads/tests.json"): "viewer",
    ("GET", "/visual"): "viewer",
    ("GET", "/visual.json"): "viewer",
    ("POST", "/visual/check"): "viewer",  # checks an uploaded image; changes nothing
    ("GET", "/marketing"): "viewer",
    ("GET", "/marketing.json"): "viewer",
    ("GET", "/marketing/calendar"): "viewer",
    ("GET", "/marketing/calendar.csv"): "viewer",
    ("GET", "/marketing/calendar.ics"): "viewer",
    ("GET", "/marketing/calendar.json"): "viewer",
    ("GET", "/marketing/calendar/week"): "viewer",
    ("GET", "/marketing/calendar/week.json"): "viewer",
    ("GET", "/marketing/tags"): "viewer",
    ("GET", "/marketing/tags.json"): "viewer",
    ("GET", "/marketing/links"): "viewer",
    ("GET", "/marketing/links.json"): "viewer",
    ("GET", "/marketing/plan"): "viewer",
    ("GET", "/marketing/plan.json"): "viewer",
    ("GET", "/marketing/site"): "viewer",
    ("GET", "/marketing/site.json"): "viewer",
    ("POST", "/marketing/calendar"): "editor",
    ("POST", "/marketing/calendar/{item_id}/move"): "editor",
    ("POST", "/marketing/calendar/{item_id}/review"): "viewer",  # send back, comment
    ("GET", "/marketing/calendar/{item_id}"): "viewer",
    ("GET", "/marketing/calendar/{item_id}.json"): "viewer",
    ("POST", "/marketing/calendar/{item_id}/compose"): "editor",
    ("POST", "/marketing/calendar/{item_id}/preview"): "editor",
    ("POST", "/marketing/calendar/{item_id}/media"): "editor",
    # approving is a right given by name, whatever the role (tests/web/test_publishing.py)
    ("POST", "/marketing/calendar/{item_id}/approve"): "viewer",
    ("POST", "/marketing/calendar/{item_id}/schedule"): "editor",
    ("POST", "/marketing/calendar/{item_id}/publish"): "editor",
    ("POST", "/marketing/calendar/{item_id}/retry"): "editor",
    ("GET", "/marketing/media/{name}"): "viewer",
    ("POST", "/marketing/links"): "editor",
    ("POST", "/marketing/plan"): "editor",
    ("POST", "/marketing/plan/objective"): "editor",
    ("POST", "/marketing/plan/audience"): "editor",
    ("POST", "/marketing/tags"): "editor",
    ("GET", "/analytics"): "viewer",
    ("GET", "/analytics/metrics"): "viewer",
    ("GET", "/analytics/metrics.json"): "viewer",
    ("GET", "/analytics/metrics/{name}"): "viewer",
    ("GET", "/analytics/metrics/{name}.json"): "viewer",
    ("GET", "/analytics/kpi-tree"): "viewer",
    ("GET", "/analytics/kpi-tree.json"): "viewer",
    ("GET", "/analytics/goals"): "viewer",
    ("GET", "/analytics/goals.json"): "viewer",
    ("POST", "/analytics/goals"): "editor",
    ("POST", "/analytics/goals/{item_id}/delete"): "editor",
    ("POST", "/analytics/goals/{item_id}/to-plan"): "editor",
    ("GET", "/analytics/anomalies"): "viewer",
    ("GET", "/analytics/anomalies.json"): "viewer",
    ("GET", "/analytics/best-times"): "viewer",
    ("GET", "/analytics/best-times.json"): "viewer",
    ("GET", "/inbox"): "viewer",
    ("GET", "/inbox.json"): "viewer",
    ("GET", "/inbox/threads/{item_id}"): "viewer",
    ("GET", "/inbox/threads/{item_id}.json"): "viewer",
    ("POST", "/inbox/threads/{item_id}/assign"): "editor",
    ("POST", "/inbox/threads/{item_id}/label"): "editor",
    ("POST", "/inbox/threads/{item_id}/status"): "editor",
    ("POST", "/inbox/threads/{item_id}/answered"): "editor",
    ("GET", "/inbox/figures"): "viewer",
    ("GET", "/inbox/figures.json"): "viewer",
    ("GET", "/inbox/replies"): "viewer",
    ("GET", "/inbox/replies.json"): "viewer",
    ("POST", "/inbox/replies"): "editor",
    ("POST", "/inbox/replies/{item_id}/delete"): "editor",
    ("GET", "/inbox/labels"): "viewer",
    ("GET", "/inbox/labels.json"): "viewer",
    ("POST", "/inbox/train"): "editor",
    ("GET", "/inbox/settings"): "viewer",
    ("GET", "/inbox/settings.json"): "viewer",
    ("POST", "/inbox/settings"): "editor",
    ("GET", "/connections"): "viewer",
    ("GET", "/connections.json"): "viewer",
    ("POST", "/connections"): "admin",
    ("POST", "/connections/{connection_id}/{action}"): "admin",
    ("GET", "/reports"): "viewer",
    ("GET", "/reports/monthly.{fmt}"): "viewer",
    ("GET", "/reports/care.{fmt}"): "viewer",
    ("GET", "/reports/audit.{fmt}"): "viewer",
    ("GET", "/reports/campaign.{fmt}"): "viewer",
    ("GET", "/audit"): "viewer",
    ("GET", "/audit.json"): "viewer",
    ("GET", "/audit/card"): "viewer",
    ("GET", "/settings"): "viewer",
    ("GET", "/settings.json"): "viewer",
    ("GET", "/settings/logo.png"): "viewer",
    ("POST", "/settings/branding"): "admin",
    ("POST", "/settings/mail"): "admin",
    ("POST", "/settings/mail/test"): "admin",
    ("POST", "/settings/schedules"): "admin",
    ("POST", "/settings/schedules/{schedule_id}/remove"): "admin",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("POST", "/logout"): "public",
}
# Every page whose tables download as CSV and Excel (web/exports.py): the same role as the page.
EXPORTED = (
    "/ads",
    "/ads/budget",
    "/ads/fatigue",
    "/ads/pacing",
    "/ads/tests",
    "/analytics/anomalies",
    "/analytics/best-times",
    "/analytics/goals",
    "/analytics/kpi-tree",
    "/analytics/metrics",
    "/analytics/metrics/{name}",
    "/connections",
    "/imports",
    "/inbox",
    "/inbox/figures",
    "/inbox/labels",
    "/inbox/replies",
    "/marketing",
    "/marketing/links",
    "/marketing/plan",
    "/marketing/site",
    "/marketing/tags",
    "/overview",
    "/posts",
    "/visual",
)
MATRIX.update(
    {("GET", path + ext): MATRIX[("GET", path)] for path in EXPORTED for ext in (".csv", ".xlsx")}
)
RANK = {"viewer": 0, "editor": 1, "admin": 2}
WHO = ("anonymous", "viewer", "editor", "admin")


def _leaf_routes(routes):
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI's included routers
        if inner is not None:
            yield from _leaf_routes(inner.routes)
        else:
            yield route


def app_routes(app) -> set[tuple[str, str]]:
    found = set()
    for route in _leaf_routes(app.routes):
        methods = getattr(route, "methods", None)
        if not methods or route.path.startswith("/static"):
            continue
        path = route.path.replace(":int}", "}")
        for method in methods - {"HEAD"}:
            found.add((method, path))
    return found


def test_matrix_covers_every_route(sqlite_seeded):
    routes = app_routes(make_client(sqlite_seeded.ws).app)
    assert routes == set(MATRIX)


def _url(path: str, ids: dict[str, int] | None = None) -> str:
    """A route path with its parameters filled (an unknown plan item answers 404 once the
    role is allowed, which is all the matrix asks)."""
    post = str(ids["post_p2"]) if ids else "1"
    return (
        path.replace("{post_id}", post)
        .replace("{item_id}", "999999")
        .replace("{name}", "reach")
        .replace("{connection_id}", "999999")
        .replace("{action}", "pause")
        .replace("{schedule_id}", "999999")
        .replace("/reports/monthly.{fmt}", "/reports/monthly.html?month=2026-10")
        .replace("/reports/care.{fmt}", "/reports/care.html?month=2026-10")
        .replace("/reports/audit.{fmt}", "/reports/audit.html?month=2026-10")
        .replace("/reports/campaign.{fmt}", "/reports/campaign.html?name=Campaign%20eur")
    )


def _allowed(response) -> bool:
    """The role got past authorisation: no 401/403, no login redirect, no crash."""
    return (
        response.status_code not in (401, 403)
        and response.status_code < 500
        and not response.headers.get("location", "").startswith("/login?")
    )


def _call(client, method: str, path: str, ids: dict[str, int]):
    url = _url(path, ids)
    if path.startswith("/inbox/threads/"):  # a real thread, so the allowed GET answers 200
        from tests.web.test_inbox import _seed

        url = url.replace("999999", str(_seed(client.app.state.config.workspace)))
    if method == "GET" and path.startswith("/marketing/calendar/{item_id}"):
        url = url.replace("999999", str(_plan_item(client.app.state.config.workspace)))
    if method == "GET" and path == "/settings/logo.png":
        _logo(client.app.state.config.workspace)
    if method == "GET" and path == "/reports/care.{fmt}":
        _conversations(client.app.state.config.workspace)
    if method == "GET" and path.startswith("/marketing/media/"):
        url = url.replace("reach", _media_file(client.app.state.config.workspace))
    if method == "GET":
        return client.get(url)
    token = csrf_of(client)
    if path == "/imports":
        data = fixture_path("meta", "meta_business_suite_facebook_posts_en.csv").read_bytes()
        return client.post(
            url,
            data={"csrf_token": token},
            files={"files": ("posts.csv", io.BytesIO(data), "text/csv")},
        )
    if path == "/login":
        return client.post(
            url, data={"csrf_token": token, "username": "viewer", "password": PASSWORD}
        )
    return client.post(url, data={"csrf_token": token})


def _plan_item(ws) -> int:
    """A real calendar item, so the allowed GET of its page answers 200."""
    from socialdesk.model import PlanItem

    with session_scope(ws.engine) as s:
        item = PlanItem(workspace_id=ws.workspace_id, title="Open day", status="draft")
        s.add(item)
        s.flush()
        return item.id


def _logo(ws) -> None:
    """A stored logo, so the allowed GET of it answers 200."""
    from PIL import Image

    from socialdesk.reports import branding

    out = io.BytesIO()
    Image.new("RGB", (60, 20), (0, 90, 200)).save(out, "PNG")
    with session_scope(ws.engine) as s:
        branding.save(s, ws.workspace_id, logo=out.getvalue())


def _conversations(ws) -> None:
    """October's conversations, so the allowed GET of the care report answers 200."""
    from tests.reports.test_care import seed_inbox

    seed_inbox(ws.engine, ws.workspace_id)


def _media_file(ws) -> str:
    """A real stored image, so the allowed GET of it answers 200."""
    from PIL import Image

    from socialdesk.publishing.media import store_upload
    from socialdesk.publishing.run import media_root

    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(out, "PNG")
    out.seek(0)
    return store_upload(media_root(ws.folder), "a.png", out).path


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
def test_team_mode_authorisation(team_clients, sqlite_seeded, who, method, path):
    client = team_clients(None if who == "anonymous" else who)
    response = _call(client, method, path, sqlite_seeded.ids)
    needed = MATRIX[(method, path)]
    allowed = needed == "public" or (who != "anonymous" and RANK[who] >= RANK[needed])
    if allowed:
        assert _allowed(response), (response.status_code, response.text[:300])
        if method == "GET":
            assert response.status_code in (200, 303, 307), response.status_code
    elif who == "anonymous":
        if method == "GET" and not path.endswith((".json", ".csv", ".xlsx")):
            assert response.status_code == 303
            assert response.headers["location"].startswith("/login?next=")
        else:
            assert response.status_code == 401
    else:
        assert response.status_code == 403, response.text[:300]


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
def test_local_mode_serves_everything_without_login(sqlite_seeded, method, path):
    client = make_client(sqlite_seeded.ws)
    response = _call(client, method, path, sqlite_seeded.ids)
    assert _allowed(response), (response.status_code, response.text[:300])
    if method == "GET":
        assert response.status_code in (200, 303, 307), response.status_code


def test_a_404_shows_the_menu_only_to_who_may_see_it(team_clients):
    """Team mode: nobody logged in sees no menu on a page that does not exist (local mode
    shows it: tests/web/test_pages.py), a viewer sees theirs without the admin's Users."""
    anonymous = team_clients(None).get("/nope?lang=en")
    assert anonymous.status_code == 404 and 'href="/inbox"' not in anonymous.text
    viewer = team_clients("viewer").get("/nope?lang=en")
    assert viewer.status_code == 404 and '<a href="/inbox">Inbox</a>' in viewer.text
    assert 'href="/admin/users"' not in viewer.text


def test_viewer_sees_no_upload_form(team_clients):
    assert 'id="upload-form"' not in team_clients("viewer").get("/imports").text
    assert 'id="upload-form"' in team_clients("editor").get("/imports").text


@pytest.mark.parametrize("team", [False, True])
@pytest.mark.parametrize("path", sorted(p for m, p in MATRIX if m == "POST"))
def test_every_post_needs_the_csrf_token(sqlite_seeded, team_clients, team, path):
    client = team_clients("admin") if team else make_client(sqlite_seeded.ws)
    path = _url(path)
    assert client.post(path, data={"username": "admin", "password": PASSWORD}).status_code == 403
    assert client.post(path, data={"csrf_token": "forged"}).status_code == 403
    other = make_client(sqlite_seeded.ws, team=team)
    assert client.post(path, data={"csrf_token": csrf_of(other)}).status_code == 403
    assert client.post(path, headers={"X-CSRF-Token": "forged"}).status_code == 403


def test_htmx_header_token_is_accepted(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    token = csrf_of(client)
    data = fixture_path("meta", "meta_business_suite_facebook_posts_en.csv").read_bytes()
    response = client.post(
        "/imports",
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
        files={"files": ("a.csv", io.BytesIO(data), "text/csv")},
    )
    assert response.status_code == 200 and response.text.startswith('<div id="import-results"')


def test_session_cookie_flags(team_clients, sqlite_seeded):
    client = make_client(sqlite_seeded.ws, team=True)
    cookie = client.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    secure = make_client(sqlite_seeded.ws, team=True)
    secure.base_url = "https://127.0.0.1"
    assert "secure" in secure.get("https://127.0.0.1/login").headers["set-cookie"].lower()


def test_login_rotates_the_session(team_clients, sqlite_seeded):
    client = make_client(sqlite_seeded.ws, team=True)
    before = csrf_of(client)
    assert login(client, "viewer").status_code == 303
    assert csrf_of(client) != before


def test_wrong_password_and_throttling(team_clients, sqlite_seeded):
    client = team_clients(None)
    for _ in range(MAX_FAILURES):
        response = login(client, "editor", "wrong password!")
        assert response.status_code == 401
        assert "Onjuiste gebruikersnaam of wachtwoord." in response.text
    blocked = login(client, "editor")  # even the right password waits now
    assert blocked.status_code == 429
    assert login(client, "viewer").status_code == 303  # another user from the same address
    store = SessionStore.for_engine(sqlite_seeded.ws.engine)  # the window passes
    with session_scope(store.engine or sqlite_seeded.ws.engine) as s:
        s.execute(update(FAILURES).values(at=dt.datetime(2020, 1, 1)))
    assert login(team_clients(None), "editor").status_code == 303


def test_unknown_user_is_answered_like_a_wrong_password(team_clients):
    response = login(team_clients(None), "nobody", "whatever-it-is")
    assert response.status_code == 401 and "Onjuiste gebruikersnaam" in response.text


def test_member_of_another_workspace_only_gets_no_access(team_clients, sqlite_seeded):
    engine = sqlite_seeded.ws.engine
    other = ensure_workspace(engine, "elsewhere")
    with session_scope(engine) as s:
        add_user(s, other, "outsider", PASSWORD, "admin")
    response = login(team_clients(None), "outsider")
    assert response.status_code == 403


def test_password_change_and_removal_end_sessions(team_clients, sqlite_seeded):
    engine = sqlite_seeded.ws.engine
    client = team_clients("editor")
    assert client.get("/overview").status_code == 200
    with session_scope(engine) as s:
        s.execute(
            update(User)
            .where(User.username == "editor")
            .values(password_hash=hash_password("a whole new password"))
        )
    assert client.get("/overview").status_code == 303
    viewer = team_clients("viewer")
    with session_scope(engine) as s:
        uid = s.query(User.id).filter(User.username == "viewer").scalar()
        s.query(Membership).filter(Membership.user_id == uid).delete()
    assert viewer.get("/overview.json").status_code == 401


def test_set_password_ends_sessions(team_clients, sqlite_seeded):
    client = team_clients("editor")
    assert client.get("/overview").status_code == 200
    with session_scope(sqlite_seeded.ws.engine) as s:
        with pytest.raises(ValueError, match="too weak"):
            set_password(s, "editor", "short")
        assert not set_password(s, "nobody", "a whole new password")
        assert set_password(s, "editor", "a whole new password")
    assert client.get("/overview").status_code == 303
    assert login(team_clients(None), "editor", "a whole new password").status_code == 303


def test_users_twin_and_cli_agree(tmp_path, monkeypatch):
    """/admin/users.json and `socialdesk users list --json` print the same result."""
    import json

    from typer.testing import CliRunner

    from socialdesk.cli import app
    from socialdesk.store import open_workspace

    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    handle = open_workspace(tmp_path / "ws")
    with session_scope(handle.engine) as s:
        add_user(s, handle.workspace_id, "bea", PASSWORD, "viewer")
        add_user(s, handle.workspace_id, "anna", PASSWORD, "admin", display_name="Anna")
    web = make_client(handle).get("/admin/users.json")
    cli = CliRunner().invoke(app, ["users", "list", "--json", "-w", str(tmp_path / "ws")])
    assert web.status_code == 200 and cli.exit_code == 0, cli.output
    assert web.json() == json.loads(cli.output)
    assert [(m["username"], m["role"]) for m in web.json()["members"]] == [
        ("anna", "admin"),
        ("bea", "viewer"),
    ]
    handle.engine.dispose()


def test_logout(team_clients):
    client = team_clients("admin")
    response = client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/overview").status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil", "evil"])
def test_login_never_redirects_off_site(team_clients, sqlite_seeded, target):
    client = make_client(sqlite_seeded.ws, team=True)
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_of(client),
            "username": "viewer",
            "password": PASSWORD,
            "next": target,
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/overview"


def test_local_mode_answers_only_to_localhost_names(sqlite_seeded):
    client = make_client(sqlite_seeded.ws, allowed_hosts=("127.0.0.1", "localhost", "::1"))
    assert client.get("/overview").status_code == 200
    assert client.get("/overview", headers={"host": "localhost:8765"}).status_code == 200
    assert client.get("/overview", headers={"host": "attacker.example"}).status_code == 400


def test_security_headers(local_client):
    headers = local_client.get("/overview").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
