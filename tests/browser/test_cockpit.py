"""A person in a real browser: log in, switch language, filter posts, upload, export."""

from __future__ import annotations

import csv
import io

from tests.conftest import fixture_path
from tests.web.conftest import PASSWORD


def _login(page, url: str, user: str = "editor") -> None:
    page.goto(f"{url}/posts")
    assert "/login" in page.url
    page.get_by_label("Gebruikersnaam").fill(user)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{url}/posts")


def test_login_and_wrong_password(page, live_server):
    page.goto(f"{live_server.url}/overview")
    page.get_by_label("Gebruikersnaam").fill("editor")
    page.get_by_label("Wachtwoord").fill("not the password")
    page.get_by_role("button", name="Inloggen").click()
    assert page.get_by_role("alert").inner_text() == "Onjuiste gebruikersnaam of wachtwoord."
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/overview")
    assert page.get_by_role("heading", level=1).inner_text() == "Overzicht"
    # charts are drawn when they come into view: scroll to the first, then vega-embed draws it
    page.locator("figure[data-chart]").first.scroll_into_view_if_needed()
    page.wait_for_selector("figure[data-chart] svg", timeout=15000)  # vega-embed drew a sparkline


def test_switch_language(page, live_server):
    _login(page, live_server.url)
    assert page.locator("html").get_attribute("lang") == "nl"
    _rows_after(
        page,
        lambda: page.get_by_label("Platform").select_option("instagram"),
        10,
        "platform=instagram",
    )
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en**")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "platform=instagram" in page.url  # the filter HTMX set survives the switch
    assert page.get_by_role("heading", level=1).inner_text() == "Posts"
    assert page.get_by_label("Platform").input_value() == "instagram"
    page.get_by_role("link", name="Overview").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Overview"  # it sticks
    page.get_by_role("link", name="Nederlands").click()
    page.wait_for_url("**lang=nl**")
    assert page.get_by_role("heading", level=1).inner_text() == "Overzicht"


def _rows_after(page, action, expected: int, url_part: str = "/posts?") -> None:
    """Do `action`, wait for HTMX's answer to it and its swap, and check the number of rows.

    `url_part` names the answer to wait for (``q=script``): the form also sends a request
    when the search box loses focus, so "any answer" may be an earlier one.
    """
    with page.expect_response(
        lambda r: url_part in r.url and r.request.headers.get("hx-request") == "true"
    ):
        action()
    page.wait_for_function(
        "([part, n]) => window.location.href.includes(part)"
        " && document.querySelectorAll('#posts-results tbody tr').length === n",
        arg=[url_part, expected],
    )


def test_filter_the_posts_table(page, live_server):
    _login(page, live_server.url)
    assert page.locator("#posts-results table.posts tbody tr").count() == 30
    search = page.get_by_label("Zoeken in tekst")
    _rows_after(
        page,
        lambda: page.get_by_label("Platform").select_option("instagram"),
        10,
        "platform=instagram",
    )
    assert "platform=instagram" in page.url  # HTMX pushed the filter into the address
    _rows_after(page, lambda: search.fill("bomen"), 0, "q=bomen")
    assert "Geen berichten" in page.locator("#posts-results").inner_text()
    _rows_after(page, lambda: page.get_by_label("Platform").select_option(""), 5, "platform=&")
    _rows_after(
        page, lambda: page.get_by_label("Soort media").select_option("link"), 5, "media=link"
    )
    # the injected texts are shown as text
    _rows_after(page, lambda: page.get_by_label("Soort media").select_option(""), 5, "media=&")
    _rows_after(page, lambda: search.fill("script"), 5, "q=script")
    assert "<script>alert(1)</script>" in page.locator("#posts-results tbody tr").first.inner_text()
    # sort by engagements with the keyboard
    _rows_after(page, lambda: search.fill(""), 30, "q=&")
    link = page.get_by_role("link", name="Interacties")
    link.focus()
    _rows_after(page, lambda: page.keyboard.press("Enter"), 30, "sort=engagements")
    assert "sort=engagements" in page.url
    headers = page.locator("#posts-results thead th").all_inner_texts()
    col = next(i for i, h in enumerate(headers) if h.strip().startswith("Interacties"))
    row = page.locator("#posts-results tbody tr").first.locator(":scope > td, :scope > th")
    assert row.nth(col).inner_text().split()[0] == "68", (headers, row.all_inner_texts())
    # and the filters keep that order
    _rows_after(
        page,
        lambda: page.get_by_label("Platform").select_option("facebook"),
        20,
        "platform=facebook",
    )
    assert "sort=engagements" in page.url


def test_upload_an_export_and_see_its_result(page, live_server):
    _login(page, live_server.url)
    page.get_by_role("link", name="Imports").click()
    path = fixture_path("meta", "meta_business_suite_facebook_posts_nl.csv")
    page.get_by_label("Exportbestanden of een zip").set_input_files(str(path))
    page.get_by_role("button", name="Importeren").click()
    result = page.locator("#import-results table.results")
    result.wait_for(timeout=20000)
    text = result.inner_text()
    assert "meta_business_suite_facebook_posts_nl.csv" in text and "geïmporteerd" in text
    page.reload()
    assert (
        "meta_business_suite_facebook_posts_nl.csv"
        in page.locator("#history ~ .table-wrap").first.inner_text()
    )


def test_export_csv(page, live_server):
    _login(page, live_server.url)
    _rows_after(
        page,
        lambda: page.get_by_label("Platform").select_option("instagram"),
        10,
        "platform=instagram",
    )
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("socialdesk-posts-")
    content = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))  # Dutch: ; and a decimal comma
    assert rows[0][0] == "Geplaatst" and len(rows) == 11
    assert {r[1] for r in rows[1:]} == {"Instagram"}


SPARK_LABELS = """(fig) => {
  const view = fig.vegaView;
  for (const name of Object.keys(view.getState({data: () => true}).data || {})) {
    const rows = view.data(name);
    if (rows && rows.length && rows[0].label) return rows.map((r) => [r.day, r.value, r.label]);
  }
  return [];
}"""


def test_sparkline_tooltips_speak_the_language(page, live_server):
    """The overview sends bare points; Vega writes the tooltips in the reader's formats."""
    import datetime as dt

    from socialdesk.i18n import formats

    _login(page, live_server.url)
    for lang in ("nl", "en"):
        page.goto(f"{live_server.url}/overview?days=30&lang={lang}")
        fig = page.locator("figure[data-chart]").first
        fig.scroll_into_view_if_needed()
        page.wait_for_function(
            "document.querySelector('figure[data-chart]').vegaView !== undefined", timeout=15000
        )
        rows = fig.evaluate(SPARK_LABELS)
        assert len(rows) >= 2
        fmt = formats(lang)
        for day, value, label in rows:  # Vega-Lite may have parsed the day into a timestamp
            if isinstance(day, int | float):
                when = dt.datetime.fromtimestamp(day / 1000, dt.UTC).date()
            else:
                when = dt.date.fromisoformat(str(day)[:10])
            assert label == f"{fmt.date(when)}: {fmt.number(value)}", (lang, label)


def test_the_home_page_loads_the_five_skills_after_it(page, live_server):
    """The overview shows at once; htmx then loads the audit's card into it."""
    _login(page, live_server.url)
    page.goto(f"{live_server.url}/overview?lang=nl")
    assert page.get_by_role("heading", level=1).inner_text() == "Overzicht"
    card = page.locator("#audit-card .audit-skill")
    card.first.wait_for(timeout=30000)
    assert card.count() == 5
    assert page.locator("#audit-empathy h3").inner_text() == "Empathie"
    page.locator("#audit-card").get_by_role("link", name="de hele scan").click()
    page.wait_for_url("**/audit")
    assert page.get_by_role("heading", level=1).inner_text() == "De vijf-vaardighedenscan"
