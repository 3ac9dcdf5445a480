"""The pages and their JSON twins, on SQLite and PostgreSQL, against the seeded workspace."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.web.seeding import END


def test_overview_compares_periods_honestly(local_client):
    data = local_client.get("/overview.json?lang=en").json()
    assert data["days"] == 30 and data["overview"]["current"] == {
        "start": "2026-10-22",
        "end": "2026-11-20",
    }
    assert data["overview"]["previous"] == {"start": "2026-09-22", "end": "2026-10-21"}
    plats = {p["platform"]: p for p in data["overview"]["platforms"]}
    assert set(plats) == {"facebook", "instagram", "meta_ads"}
    fb = plats["facebook"]["accounts"][0]["figures"]
    assert fb["followers"]["current"] == 1119 and fb["followers"]["previous"] == 1089
    assert fb["reach"]["current"] == 6135 and fb["reach"]["previous"] == 5235
    assert fb["reach"]["change"] == pytest.approx(900 / 5235)
    assert fb["impressions"]["change"] == 0
    assert fb["clicks"]["current"] is None and fb["clicks"]["change"] is None  # no data, not 0
    assert (fb["posts"]["current"], fb["posts"]["previous"]) == (6, 7)
    # posts published in the period, each at its latest snapshot (never the older one)
    assert fb["post_reach"]["current"] == 600 + (1 + 2 + 4 + 5 + 7 + 8)
    assert fb["post_engagements"]["current"] == 60 + 2 * (1 + 2 + 4 + 5 + 7 + 8)
    assert plats["meta_ads"]["keys_with_data"] == ["spend"]
    assert data["overview"]["without_data"] == []
    ig = plats["instagram"]["accounts"][0]["figures"]
    assert ig["reach"]["current"] == 1000 and ig["reach"]["change"] is None
    assert ig["reach"]["partial"] is True  # 20 of 30 days: no change shown
    ads = plats["meta_ads"]
    assert {k: v["current"] for k, v in ads["spend"].items()} == {"EUR": 300, "USD": 300}
    assert len(ads["accounts"][0]["series"]["reach"]) == 30


def test_overview_page_filters_and_definitions(local_client):
    html = local_client.get("/overview?platform=facebook&days=90&lang=nl").text
    assert "Stichting Voorbeeld" in html and "@voorbeeld" not in html
    assert '<details class="def">' in html and "Bereik" in html
    assert "1.119" in html  # Dutch grouping
    assert "22 aug 2026" in html  # Babel's medium date in Dutch: the 90 days start there
    assert (
        'data-chart="p-facebook-reach"' in html and "/static/vendor/vega-embed-7.3.0.min.js" in html
    )


def test_overview_end_and_empty_platform(local_client):
    data = local_client.get(f"/overview.json?end={END.isoformat()}&days=365&platform=nope").json()
    assert data["platform"] is None and data["days"] == 365


def test_root_redirects_to_overview(local_client):
    response = local_client.get("/?days=90")
    assert response.status_code == 307 and response.headers["location"] == "/overview?days=90"


def test_posts_table_latest_snapshot_and_default_order(local_client, seeded):
    data = local_client.get("/posts.json").json()
    assert data["total"] == 30 and len(data["rows"]) == 30
    first = data["rows"][0]
    assert first["published_at"].startswith(END.isoformat())
    assert first["as_of"] == END.isoformat()  # the newest snapshot, not the older one
    assert first["metrics"]["reach"] == 100.0 and first["metrics"]["clicks"] is None
    assert first["engagement_rate"] == pytest.approx(10 / 100)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("platform=instagram", 10),
        ("media=video", 5),
        ("q=bomen", 5),
        ("q=BOMEN", 5),
        ("q=%25", 0),  # a literal %, not a wildcard
        ("days=30", 10),
        ("days=30&platform=facebook", 6),
        ("days=90&media=photo&platform=instagram", 5),
    ],
)
def test_posts_filters(local_client, query, expected):
    assert local_client.get(f"/posts.json?{query}").json()["total"] == expected


def test_posts_filter_by_account(local_client, seeded):
    data = local_client.get(f"/posts.json?account={seeded.ids['ig']}").json()
    assert data["total"] == 10 and {r["platform"] for r in data["rows"]} == {"instagram"}


def test_posts_sort_and_pagination(local_client):
    data = local_client.get("/posts.json?sort=engagements&dir=desc&per_page=7&page=2").json()
    assert data["pages"] == 5 and len(data["rows"]) == 7
    values = [r["metrics"]["engagements"] for r in data["rows"]]
    assert values == sorted(values, reverse=True) and values[0] == 10 + 2 * 22
    asc = local_client.get("/posts.json?sort=clicks&dir=asc").json()["rows"]
    assert asc[-1]["metrics"]["clicks"] is None  # no figure sorts last both ways
    rate = local_client.get("/posts.json?sort=engagement_rate").json()["rows"]
    assert rate[0]["engagement_rate"] == pytest.approx((10 + 58) / 129)


def test_posts_bad_parameters_are_refused(local_client):
    assert local_client.get("/posts.json?sort=text").status_code == 422
    assert local_client.get("/posts.json?per_page=100000").status_code == 422
    assert local_client.get("/posts.json?page=0").status_code == 422


def test_posts_htmx_answers_the_fragment(local_client):
    full = local_client.get("/posts?platform=facebook")
    part = local_client.get(
        "/posts?platform=facebook", headers={"HX-Request": "true", "HX-Target": "posts-results"}
    )
    assert "<html" in full.text and "<html" not in part.text
    assert part.text.lstrip().startswith('<div id="posts-results"')


def test_posts_csv_export(local_client):
    response = local_client.get("/posts.csv?lang=en&sort=published")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Published", "Platform", "Account"] and len(rows) == 1 + 30
    texts = [r[3] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in texts  # never a live formula in a spreadsheet


def test_posts_xlsx_export(local_client):
    response = local_client.get("/posts.xlsx?lang=nl")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Geplaatst" and len(rows) == 31
    assert all(not (isinstance(r[3], str) and r[3].startswith("=")) for r in rows[1:])
    assert any(cell.data_type == "f" for row in ws.iter_rows() for cell in row) is False


def test_post_page_and_history(local_client, seeded):
    pid = seeded.ids["post_p4"]
    data = local_client.get(f"/posts/{pid}.json").json()
    assert [s["as_of"] for s in data["detail"]["snapshots"]] == ["2026-11-10", END.isoformat()]
    html = local_client.get(f"/posts/{pid}").text
    assert 'data-chart="history"' in html and "2026" in html


def test_post_of_another_workspace_is_not_found(local_client, seeded, engine):
    from socialdesk.store.session import ensure_workspace
    from tests.web import seeding

    other = ensure_workspace(engine, "other-" + str(seeded.ws.workspace_id))
    other_ids = seeding.seed(engine, other)
    assert local_client.get(f"/posts/{other_ids['post_p1']}").status_code == 404
    assert local_client.get(f"/posts/{other_ids['post_p1']}.json").status_code == 404
    assert local_client.get(f"/posts.json?account={other_ids['fb']}").json()["total"] == 0


def test_unknown_page_is_a_friendly_404(local_client):
    response = local_client.get("/nope?lang=nl")
    assert response.status_code == 404 and "Deze pagina bestaat niet." in response.text
    # the menu is the way on: an address without a route resolved nobody, and it was empty
    assert '<a href="/inbox">Inbox</a>' in response.text
    assert '<a href="/overview">Overzicht</a>' in response.text


def test_the_menu_marks_the_section_of_every_page(local_client):
    """Analytics' menu entry leads to the metrics but stands for all of /analytics: on the
    anomalies page it was not marked, while /analytics itself was a 404."""
    page = local_client.get("/analytics/anomalies?lang=en")
    assert page.status_code == 200
    assert page.text.count('aria-current="page">') == 2  # the menu's and the tab's
    assert '<a href="/analytics/metrics" aria-current="page">Analytics</a>' in page.text
    page = local_client.get("/ads/budget?lang=en")
    assert page.status_code == 200
    assert '<a href="/ads" aria-current="page">Advertising</a>' in page.text
    page = local_client.get("/admin/users?lang=en")  # /admin is not /ads
    assert page.status_code == 200
    assert '<a href="/admin/users" aria-current="page">Users</a>' in page.text
    assert '<a href="/ads" aria-current="page">' not in page.text
    moved = local_client.get("/analytics?lang=nl")
    assert moved.status_code == 307 and moved.headers["location"] == "/analytics/metrics?lang=nl"


def test_json_twins_are_the_seam_results(local_client, seeded):
    """Each .json twin answers exactly its seam's result (what the page renders, with the
    page's own extras such as charts and form choices left out)."""
    from dataclasses import fields

    from socialdesk.importers.run import ImportsResult
    from socialdesk.overview.run import OverviewReport, PostResult, PostsResult
    from socialdesk.web.routes.admin import UsersPage

    twins = {
        "/overview.json": OverviewReport,
        "/posts.json": PostsResult,
        f"/posts/{seeded.ids['post_p3']}.json": PostResult,
        "/imports.json": ImportsResult,
        "/admin/users.json": UsersPage,
    }
    for url, context in twins.items():
        assert context.__doc__, f"{context.__name__} needs a docstring"
        expected = {f.name for f in fields(context) if f.metadata.get("json", True)}
        expected |= set(getattr(context, "__json_properties__", ()))
        assert set(local_client.get(url).json()) == expected, url


def test_post_figures_for_a_whole_year(local_client):
    data = local_client.get("/overview.json?days=365").json()
    fb = next(p for p in data["overview"]["platforms"] if p["platform"] == "facebook")
    assert {"post_reach", "reach"} <= set(fb["keys_with_data"])
