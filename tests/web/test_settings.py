"""The settings page (/settings): everyone signed in sees it, only admins change it; the
organisation's name, colours and logo; the mail server with a write-only password and a test
e-mail; report schedules added and removed; CSRF on every change; names escaped."""

from __future__ import annotations

import email
import email.policy
import io
import re

import pytest
from PIL import Image
from sqlalchemy.orm import Session

from socialdesk.reports import branding, mail
from tests.reports.test_mail import (
    LOGIN,
    smtp,  # noqa: F401  (the SMTP server fixture)
)
from tests.reports.test_mail import PASSWORD as SMTP_PASSWORD
from tests.web.conftest import add_members, csrf_of, login, make_client

SECRET = "s3cret-Wachtwoord-never-shown"


@pytest.fixture
def clients(sqlite_ws):
    """Team-mode clients logged in as viewer, editor or admin."""
    add_members(sqlite_ws.engine, sqlite_ws.workspace_id)

    def client_for(role: str):
        client = make_client(sqlite_ws, team=True)
        assert login(client, role).status_code == 303
        client.get("/settings?lang=en")  # the pages' words in English (remembered)
        return client

    return client_for


def _png(size=(900, 300), colour=(200, 60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _post(client, path: str, data: dict, files=None):
    return client.post(path, data={"csrf_token": csrf_of(client), **data}, files=files)


def _branding(ws) -> branding.Branding:
    with Session(ws.engine) as s:
        return branding.load(s, ws.workspace_id)


def test_a_viewer_sees_the_settings_but_cannot_change_them(clients, sqlite_ws):
    viewer = clients("viewer")
    page = viewer.get("/settings")
    assert page.status_code == 200
    assert 'href="/settings" aria-current="page"' in page.text  # in the navigation
    assert 'action="/settings/branding"' not in page.text
    assert "Only an admin of this workspace can change these settings." in page.text
    for role in ("viewer", "editor"):
        client = clients(role) if role != "viewer" else viewer
        for path, data in [
            ("/settings/branding", {"name": "Taken over", "primary": "#000000"}),
            ("/settings/mail", {"host": "evil.example", "sender": "x@evil.example"}),
            ("/settings/mail/test", {"to": "a@x.nl"}),
            ("/settings/schedules", {"lang": "nl", "recipients": "spy@evil.example"}),
            ("/settings/schedules/1/remove", {}),
        ]:
            assert _post(client, path, data).status_code == 403, (role, path)
    assert _branding(sqlite_ws).name != "Taken over"
    with Session(sqlite_ws.engine) as s:
        assert mail.mail_settings(s, sqlite_ws.workspace_id) is None
        assert mail.list_schedules(s, sqlite_ws.workspace_id) == []


def test_nobody_signed_in_goes_to_the_login_page(sqlite_ws):
    add_members(sqlite_ws.engine, sqlite_ws.workspace_id)
    client = make_client(sqlite_ws, team=True)
    assert client.get("/settings").headers["location"].startswith("/login?")
    assert client.get("/settings/logo.png").status_code in (303, 401)


def test_an_admin_changes_the_name_colours_and_logo(clients, sqlite_ws):
    admin = clients("admin")
    assert admin.get("/settings/logo.png").status_code == 404
    done = _post(
        admin,
        "/settings/branding",
        {"name": "Gemeente Groenstad", "primary": "#0b3d2e", "accent": "#ffcc00"},
        files={"logo": ("logo.png", io.BytesIO(_png()), "image/png")},
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/settings?done=")
    saved = _branding(sqlite_ws)
    assert (saved.name, saved.primary, saved.accent) == ("Gemeente Groenstad", "#0b3d2e", "#ffcc00")
    page = admin.get(done.headers["location"])
    assert "Gemeente Groenstad" in page.text and 'value="#0b3d2e"' in page.text
    src = re.search(r'<img src="(/settings/logo\.png\?v=[0-9a-f]+)"', page.text)
    assert src, "the logo's preview"
    logo = admin.get(src.group(1))
    assert logo.status_code == 200 and logo.headers["content-type"] == "image/png"
    assert logo.headers["x-content-type-options"] == "nosniff"
    assert logo.content == saved.logo
    with Image.open(io.BytesIO(logo.content)) as img:
        assert img.size == (600, 200)
    assert clients("viewer").get("/settings/logo.png").status_code == 200  # viewers see it
    # the form sent again without a file keeps the logo; "remove" removes it
    _post(admin, "/settings/branding", {"name": "Gemeente Groenstad"})
    assert _branding(sqlite_ws).logo == saved.logo
    _post(admin, "/settings/branding", {"name": "Gemeente Groenstad", "remove_logo": "1"})
    assert _branding(sqlite_ws).logo is None
    assert admin.get("/settings/logo.png").status_code == 404


def test_refusals_are_shown_and_nothing_is_stored(clients, sqlite_ws):
    admin = clients("admin")
    light = _post(admin, "/settings/branding", {"name": "Light", "primary": "#ffee88"})
    assert light.status_code == 400
    assert "too light for text on white" in light.text and 'role="alert"' in light.text
    assert 'value="Light"' in light.text  # the form keeps what was typed
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = _post(
        admin,
        "/settings/branding",
        {"name": "With SVG"},
        files={"logo": ("logo.png", io.BytesIO(svg), "image/png")},
    )
    assert refused.status_code == 400 and "not a PNG or JPEG" in refused.text
    big = _post(
        admin,
        "/settings/branding",
        {"name": "Big"},
        files={"logo": ("big.png", io.BytesIO(b"\x89PNG" + b"0" * (3 * 1024 * 1024)), "image/png")},
    )
    assert big.status_code == 400 and "larger than 2 MB" in big.text
    got = _branding(sqlite_ws)
    assert got.name not in ("Light", "With SVG", "Big") and got.logo is None


def test_the_organisation_name_is_escaped(clients):
    admin = clients("admin")
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert _post(admin, "/settings/branding", {"name": attack}).status_code == 303
    for client in (admin, clients("viewer")):
        html = client.get("/settings").text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_the_mail_password_is_never_shown_and_an_empty_field_keeps_it(clients, sqlite_ws):
    admin = clients("admin")
    saved = _post(
        admin,
        "/settings/mail",
        {
            "host": "smtp.example.nl",
            "port": "587",
            "security": "starttls",
            "username": "social",
            "password": SECRET,
            "sender": "Social <social@example.nl>",
        },
    )
    assert saved.status_code == 303
    for client in (admin, clients("viewer")):
        for path in ("/settings", "/settings.json"):
            body = client.get(path).text
            assert SECRET not in body and "smtp.example.nl" in body
    assert "set (hidden)" in admin.get("/settings?lang=en").text
    # saved again with the password field empty: the stored password stays
    again = {"host": "smtp2.example.nl", "port": "", "security": "ssl", "password": ""}
    _post(admin, "/settings/mail", {**again, "username": "social", "sender": "s@example.nl"})
    with Session(sqlite_ws.engine) as s:
        server = mail.mail_settings(s, sqlite_ws.workspace_id)
    assert server is not None and server.password_set and server.port == 465
    _post(
        admin,
        "/settings/mail",
        {**again, "sender": "s@example.nl", "clear_password": "1", "password": ""},
    )
    with Session(sqlite_ws.engine) as s:
        server = mail.mail_settings(s, sqlite_ws.workspace_id)
    assert server is not None and not server.password_set and server.username is None
    wrong = _post(admin, "/settings/mail", {"host": "smtp.example.nl", "sender": "nobody"})
    assert wrong.status_code == 400 and "is not an e-mail address" in wrong.text


def test_a_test_email_goes_out_through_the_stored_server(clients, sqlite_ws, smtp):  # noqa: F811
    admin = clients("admin")
    no_server = _post(admin, "/settings/mail/test", {"to": "a@x.nl"})
    assert no_server.status_code == 409 and "No mail server is set" in no_server.text
    _post(
        admin,
        "/settings/mail",
        {
            "host": "127.0.0.1",
            "port": str(smtp.port),
            "security": "none",
            "username": LOGIN,
            "password": SMTP_PASSWORD,
            "sender": "Social <social@example.nl>",
        },
    )
    sent = _post(admin, "/settings/mail/test", {"to": "anna@example.nl"})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/settings?done=test")
    (mail_from, to, content, authenticated) = smtp.messages[-1]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert to == ["anna@example.nl"] and authenticated and mail_from == "social@example.nl"
    assert "test e-mail" in message["Subject"]
    smtp.refuse = "554 5.7.1 relay not permitted"
    failed = _post(admin, "/settings/mail/test", {"to": "anna@example.nl"})
    assert (
        failed.status_code == 502 and "554" in failed.text and "relay not permitted" in failed.text
    )


def test_schedules_are_added_and_removed_on_the_page(clients, sqlite_ws):
    admin = clients("admin")
    added = _post(
        admin,
        "/settings/schedules",
        {"lang": "en", "recipients": "a@x.nl, b@y.nl\r\nc@z.nl\r\n\r\na@x.nl"},
    )
    assert added.status_code == 303
    with Session(sqlite_ws.engine) as s:
        (schedule,) = mail.list_schedules(s, sqlite_ws.workspace_id)
    assert schedule.lang == "en" and schedule.recipients == ("a@x.nl", "b@y.nl", "c@z.nl")
    assert schedule.created_by == "admin"
    page = admin.get("/settings?lang=en")
    row = re.search(rf'<tr data-schedule="{schedule.id}">(.*?)</tr>', page.text, re.S)
    assert row and "c@z.nl" in row.group(1) and "09:00" in row.group(1)  # when it sends next
    twin = admin.get("/settings.json").json()
    assert twin["schedules"][0]["schedule"]["recipients"] == ["a@x.nl", "b@y.nl", "c@z.nl"]
    assert twin["schedules"][0]["next_at"]
    for bad in ({"lang": "de", "recipients": "a@x.nl"}, {"lang": "nl", "recipients": "not mail"}):
        refused = _post(admin, "/settings/schedules", bad)
        assert refused.status_code == 400 and 'role="alert"' in refused.text
    assert _post(admin, "/settings/schedules/999999/remove", {}).status_code == 404
    removed = _post(admin, f"/settings/schedules/{schedule.id}/remove", {})
    assert removed.status_code == 303
    with Session(sqlite_ws.engine) as s:
        assert mail.list_schedules(s, sqlite_ws.workspace_id) == []


def test_every_change_needs_the_csrf_token(clients, sqlite_ws):
    admin = clients("admin")
    csrf_of(admin)  # a session with a token exists
    for path, data in [
        ("/settings/branding", {"name": "No token"}),
        ("/settings/mail", {"host": "smtp.example.nl", "sender": "a@example.nl"}),
        ("/settings/schedules", {"lang": "nl", "recipients": "a@x.nl"}),
    ]:
        assert admin.post(path, data=data).status_code == 403, path
        assert admin.post(path, data={**data, "csrf_token": "forged"}).status_code == 403, path
    assert _branding(sqlite_ws).name != "No token"
    with Session(sqlite_ws.engine) as s:
        assert mail.mail_settings(s, sqlite_ws.workspace_id) is None
        assert mail.list_schedules(s, sqlite_ws.workspace_id) == []


def test_local_mode_is_admin_and_the_page_speaks_dutch(sqlite_ws):
    client = make_client(sqlite_ws)
    page = client.get("/settings?lang=nl")
    assert page.status_code == 200 and 'action="/settings/branding"' in page.text
    assert '<html lang="nl">' in page.text
