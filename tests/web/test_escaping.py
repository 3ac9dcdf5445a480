"""Text from outside (post texts, names, file names, file contents) shows as text."""

from __future__ import annotations

import io

from tests.web.conftest import csrf_of
from tests.web.seeding import XSS_ATTR, XSS_TEXT

ESCAPED_TEXT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_ATTR = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"


def _clean(html: str) -> None:
    assert XSS_TEXT not in html
    assert XSS_ATTR not in html
    assert "<img src=x" not in html
    assert "<b>Bold</b>" not in html


def test_posts_table_shows_injections_as_text(local_client):
    html = local_client.get("/posts?per_page=200").text
    _clean(html)
    assert ESCAPED_TEXT in html and ESCAPED_ATTR in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html


def test_post_page_shows_injections_as_text(local_client, seeded):
    for key in ("post_p0", "post_p1"):
        html = local_client.get(f"/posts/{seeded.ids[key]}").text
        _clean(html)
    html = local_client.get(f"/posts/{seeded.ids['post_p1']}").text
    assert ESCAPED_ATTR in html
    assert 'href="javascript:' not in html  # a permalink that is not http(s) is no link


def test_overview_and_chart_specs_escape_names(local_client):
    html = local_client.get("/overview").text
    _clean(html)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html


def test_chart_json_cannot_close_its_script_tag():
    from socialdesk.web.deps import make_env

    html = (
        make_env()
        .from_string('<script type="application/json">{{ spec|tojson }}</script>')
        .render(spec={"description": "</script><script>alert(1)</script>"})
    )
    assert html.count("</script>") == 1 and "\\u003c/script\\u003e" in html


def test_htmx_fragment_and_search_echo(local_client):
    html = local_client.get(
        f"/posts?q={XSS_ATTR}", headers={"HX-Request": "true", "HX-Target": "posts-results"}
    ).text
    _clean(html)
    full = local_client.get("/posts", params={"q": XSS_ATTR}).text
    _clean(full)
    assert 'value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in full


def test_uploaded_file_name_and_contents(sqlite_seeded):
    from tests.web.conftest import make_client

    client = make_client(sqlite_seeded.ws)
    token = csrf_of(client)
    bad = f"{XSS_TEXT},{XSS_ATTR}\n1,2\n".encode()
    response = client.post(
        "/imports",
        data={"csrf_token": token},
        files={"files": (f"{XSS_ATTR}.csv", io.BytesIO(bad), "text/csv")},
    )
    assert response.status_code == 200
    _clean(response.text)
    assert "not recognised" in response.text or "niet herkend" in response.text


def test_json_twins_keep_the_text_as_it_is(local_client):
    rows = local_client.get("/posts.json?per_page=200").json()["rows"]
    assert XSS_TEXT in {r["text"] for r in rows}
    assert local_client.get("/posts.json").headers["content-type"] == "application/json"
