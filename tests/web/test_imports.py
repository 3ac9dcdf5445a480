"""Uploading export files in the browser: plain form posts, HTMX, zips, errors, history."""

from __future__ import annotations

import io
import zipfile

from tests.conftest import fixture_path
from tests.web.conftest import csrf_of, make_client

EN = fixture_path("meta", "meta_business_suite_facebook_posts_en.csv")
NL = fixture_path("meta", "meta_business_suite_facebook_posts_nl.csv")


def _post(client, files, **headers):
    return client.post(
        "/imports", data={"csrf_token": csrf_of(client)}, files=files, headers=headers
    )


def test_plain_form_upload_shows_results_and_history(seeded):
    client = make_client(seeded.ws)
    response = _post(
        client,
        [
            ("files", ("Jan-01-2026_Jan-31-2026_posts.csv", EN.read_bytes(), "text/csv")),
            ("files", ("nl.csv", NL.read_bytes(), "text/csv")),
        ],
    )
    assert response.status_code == 200 and "<html" in response.text
    data = client.get("/imports.json").json()
    assert [h["filename"] for h in data["history"]] == [
        "nl.csv",
        "Jan-01-2026_Jan-31-2026_posts.csv",
    ] or {h["filename"] for h in data["history"]} == {"nl.csv", "Jan-01-2026_Jan-31-2026_posts.csv"}
    assert {h["rows_added"] for h in data["history"]} == {2, 3}
    assert client.get("/posts.json?q=vrijwilligers+planten").json()["total"] == 1


def test_upload_answers_json_with_each_file_result(seeded):
    client = make_client(seeded.ws)
    first = _post(
        client, {"files": ("en.csv", EN.read_bytes(), "text/csv")}, accept="application/json"
    ).json()
    assert [(r["status"], r["rows_added"], r["file"]) for r in first["results"]] == [
        ("imported", 2, "en.csv")
    ]
    again = _post(
        client, {"files": ("en-again.csv", EN.read_bytes(), "text/csv")}, accept="application/json"
    ).json()
    assert again["results"][0]["status"] == "unchanged"


def test_zip_upload_imports_each_member(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("export/en.csv", EN.read_bytes())
        zf.writestr("export/nl.csv", NL.read_bytes())
    results = _post(
        client,
        {"files": ("exports.zip", buf.getvalue(), "application/zip")},
        accept="application/json",
    ).json()["results"]
    assert sorted(r["file"] for r in results) == [
        "exports.zip:export/en.csv",
        "exports.zip:export/nl.csv",
    ]
    assert {r["status"] for r in results} == {"imported"}


def test_a_bad_cell_is_named_by_row_and_column(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    lines = EN.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    broken = "".join(lines).replace(",9120,", ",lots,", 1)
    assert broken != "".join(lines)
    response = _post(
        client,
        {"files": ("broken.csv", broken.encode(), "text/csv")},
        **{"HX-Request": "true", "HX-Target": "import-results"},
    )
    assert response.status_code == 200
    assert response.text.startswith('<div id="import-results"')
    assert "mislukt" in response.text and "Rij " in response.text and "Reach" in response.text
    data = client.get("/imports.json").json()
    assert data["history"] == []  # nothing of the failed file was kept


def test_no_file_chosen(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    response = client.post("/imports", data={"csrf_token": csrf_of(client)})
    assert response.status_code == 400 and "Kies eerst" in response.text


def test_too_large_upload_is_refused(sqlite_seeded):
    client = make_client(sqlite_seeded.ws, max_upload_bytes=100)
    response = _post(client, {"files": ("en.csv", EN.read_bytes(), "text/csv")})
    assert response.status_code == 413


def test_path_in_an_uploaded_name_is_dropped(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    results = _post(
        client,
        {"files": ("../../etc/evil.csv", EN.read_bytes(), "text/csv")},
        accept="application/json",
    ).json()["results"]
    assert results[0]["file"] == "evil.csv"


def test_a_refused_file_says_why_in_the_pages_language(sqlite_seeded, monkeypatch):
    """The not-recognised message is a Phrase: the results table shows it through gettext."""
    from socialdesk.web import deps

    real = deps.gettext
    never = "Closest: %(format)s: all its columns are there, but its files never have %(never)s"
    monkeypatch.setattr(
        deps,
        "gettext",
        lambda locale, m: (
            "Dichtstbij: %(format)s, maar nooit %(never)s" if m == never else real(locale, m)
        ),
    )
    client = make_client(sqlite_seeded.ws)
    totals = b"Date,Views,Country\n2024-01-01,5,NL\n"
    page = _post(client, {"files": ("Totals.csv", totals, "text/csv")}).text
    assert "Dichtstbij: youtube_studio_totals_csv, maar nooit &#39;Country&#39;" in page
    answer = _post(
        client, {"files": ("Totals.csv", totals, "text/csv")}, accept="application/json"
    ).json()
    assert "but its files never have 'Country'" in answer["results"][0]["error"]  # JSON: English
