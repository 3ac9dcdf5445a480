"""Every table out (issue #16): each page that declares tables answers `.csv` and `.xlsx` with
its filters, in Dutch or English, formula-safe, with the page's rights (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from fastapi.responses import StreamingResponse
from fastapi.routing import APIRoute
from openpyxl import load_workbook
from sqlalchemy import insert

from socialdesk.model import AdDay, Campaign
from socialdesk.store.session import session_scope
from socialdesk.web import exports
from socialdesk.web.routes import ROUTERS
from tests.web.conftest import make_client
from tests.web.seeding import END

NASTY = ('=HYPERLINK("http://x","y")', "+31 6 1234", "@user", "-1", "\tx")


def export_pages() -> list[str]:
    """Every page path that has CSV and XLSX twins, found in the app's routes, so a page that
    declares tables later is covered without a change here."""
    paths = {
        r.path
        for router in ROUTERS
        for r in router.routes
        if isinstance(r, APIRoute) and "GET" in r.methods
    }
    found = sorted(p.removesuffix(".csv") for p in paths if p.endswith(".csv"))
    # a hand-made CSV (the calendar's) has no .xlsx: only page() makes both
    return [p for p in found if p + ".xlsx" in paths]


def _url(path: str, seeded) -> str:
    return path.replace("{post_id:int}", str(seeded.ids["post_p2"])).replace("{name}", "reach")


def _seed_nasty_campaigns(seeded) -> None:
    """Ad campaigns whose names try to become formulas in a spreadsheet."""
    with session_scope(seeded.ws.engine) as s:
        for i, name in enumerate(NASTY):
            camp = Campaign(account_id=seeded.ids["ads_eur"], key=f"nasty-{i}", name=name)
            s.add(camp)
            s.flush()
            s.execute(
                insert(AdDay),
                [
                    {
                        "campaign_id": camp.id,
                        "grain": "campaign",
                        "date_start": END - dt.timedelta(days=d),
                        "date_end": END - dt.timedelta(days=d),
                        "currency": "EUR",
                        "spend": 5.0,
                        "impressions": 1000.0,
                        "clicks": 10.0,
                        "ad_id": None,
                        "ad_set_id": None,
                        "breakdown": None,
                    }
                    for d in range(5)
                ],
            )


def _csv(response, delimiter: str) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))


def test_the_app_declares_exports():
    pages = export_pages()
    assert {"/ads", "/inbox", "/analytics/goals", "/analytics/best-times", "/posts"} <= set(pages)
    assert "/marketing/calendar" not in pages  # its own CSV (the calendar's items), no tables
    assert "/marketing/plan" in pages and "/marketing" in pages  # coverage, search gaps


def test_every_page_with_tables_answers_csv_and_xlsx(seeded):
    client = make_client(seeded.ws)
    for path in export_pages():
        url = _url(path, seeded)
        for lang, delimiter in (("nl", ";"), ("en", ",")):
            response = client.get(f"{url}.csv?lang={lang}")
            assert response.status_code == 200, (path, response.text[:300])
            assert response.headers["content-type"].startswith("text/csv")
            disposition = response.headers["content-disposition"]
            assert disposition.startswith('attachment; filename="socialdesk-'), disposition
            assert disposition.endswith(f'-{dt.date.today().isoformat()}.csv"'), disposition
            assert disposition.isascii()
            rows = _csv(response, delimiter)
            assert rows and rows[0], path
        response = client.get(f"{url}.xlsx?lang=nl")
        assert response.status_code == 200, (path, response.text[:300])
        wb = load_workbook(io.BytesIO(response.content))
        assert wb.sheetnames and all(len(n) <= 31 for n in wb.sheetnames), path
        assert len({n.casefold() for n in wb.sheetnames}) == len(wb.sheetnames)
        for sheet in wb.worksheets:
            assert sheet.freeze_panes == "A2"
            for row in sheet.iter_rows():
                assert all(c.data_type != "f" for c in row), (path, sheet.title)


def test_headers_follow_the_language(seeded):
    client = make_client(seeded.ws)
    nl = _csv(client.get("/ads.csv?lang=nl&days=0"), ";")
    en = _csv(client.get("/ads.csv?lang=en&days=0"), ",")
    assert en[0][:4] == ["Platform", "Name", "Campaign", "Spend"]
    assert nl[0][0] == "Platform" and nl[0][3] == "Uitgaven"
    assert nl[0] != en[0]
    wb = load_workbook(io.BytesIO(client.get("/ads.xlsx?lang=en&days=0").content))
    header = [c.value for c in next(wb.worksheets[0].iter_rows())]
    assert header[:4] == ["Platform", "Name", "Campaign", "Spend"]
    assert all(c.font.b for c in next(wb.worksheets[0].iter_rows()))


def test_numbers_dutch_with_a_comma_english_with_a_point(seeded):
    _seed_nasty_campaigns(seeded)  # campaigns with impressions and clicks: a CTR
    client = make_client(seeded.ws)
    nl = _csv(client.get("/ads.csv?lang=nl&days=0"), ";")
    en = _csv(client.get("/ads.csv?lang=en&days=0"), ",")
    col = en[0].index("CTR")
    assert any("," in r[col] for r in nl[1:]) and all("," not in r[col] for r in en[1:])
    assert [float(r[col]) for r in en[1:] if r[col]] == pytest.approx(
        [float(r[col].replace(",", ".")) for r in nl[1:] if r[col]]
    )
    spend = en[0].index("Spend")
    assert "600" in {r[spend] for r in en[1:]}  # 60 days × 10, a number, no separators


def test_a_filter_changes_the_rows(seeded):
    client = make_client(seeded.ws)
    every = _csv(client.get("/posts.csv?lang=en"), ",")
    facebook = _csv(client.get("/posts.csv?lang=en&platform=facebook"), ",")
    assert len(every) == 1 + 30 and len(facebook) == 1 + 20
    assert {r[1] for r in facebook[1:]} == {"Facebook"}
    # every matching post, not one page of the list
    assert len(_csv(client.get("/posts.csv?lang=en&per_page=5&page=2"), ",")) == 1 + 30
    # the ads table: the period filter moves the spend
    all_time = _csv(client.get("/ads.csv?lang=en&days=0"), ",")
    month = _csv(client.get("/ads.csv?lang=en&days=30"), ",")
    spend = all_time[0].index("Spend")
    assert {r[spend] for r in all_time[1:]} != {r[spend] for r in month[1:]}


def test_text_never_becomes_a_formula(seeded):
    _seed_nasty_campaigns(seeded)
    client = make_client(seeded.ws)
    rows = _csv(client.get("/ads.csv?lang=en&days=0"), ",")
    names = {r[1] for r in rows[1:]}
    for nasty in NASTY:
        assert "'" + nasty in names, nasty
    assert not any(n.startswith(("=", "+", "-", "@", "\t")) for n in names)
    posts = _csv(client.get("/posts.csv?lang=en"), ",")
    assert '\'=HYPERLINK("http://x")' in {r[3] for r in posts[1:]}

    wb = load_workbook(io.BytesIO(client.get("/ads.xlsx?lang=en&days=0").content))
    sheet = wb.worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + NASTY[0] in texts and "'-1" in texts
    header = [c.value for c in next(sheet.iter_rows())]
    spend = [row[header.index("Spend")].value for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(v, float | int) for v in spend)  # numbers stay numbers


def test_negative_numbers_stay_numbers():
    table = exports.Table(
        "t",
        "Total",
        (exports.Column("a", "Name"), exports.Column("b", "Spend")),
        [("-1", -1.5), ("@x", 2), (None, float("nan")), ("ok", 1e-05)],
    )
    out = io.StringIO()
    exports.write_csv(table, "nl", out)
    rows = list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff")), delimiter=";"))
    assert rows[1:] == [["'-1", "-1,5"], ["'@x", "2"], ["", ""], ["ok", "0,00001"]]
    raw = io.BytesIO()
    exports.write_xlsx([table, table], "en", raw)
    wb = load_workbook(raw)
    assert wb.sheetnames == ["Total", "Total (2)"]
    values = [[c.value for c in row] for row in wb.worksheets[0].iter_rows(min_row=2)]
    assert values[0] == ["'-1", -1.5] and values[1] == ["'@x", 2]


def test_sheet_names_are_short_and_unique():
    names = exports.sheet_names(["A" * 40, "A" * 40, "a/b:c?", ""])
    assert all(len(n) <= 31 for n in names) and len({n.casefold() for n in names}) == 4
    assert names[2] == "a b c"


def test_an_unknown_table_is_not_found(seeded):
    client = make_client(seeded.ws)
    assert client.get("/ads.csv?table=nope").status_code == 404
    response = client.get("/ads.csv?table=totals&lang=en&days=0")
    assert response.status_code == 200
    assert _csv(response, ",")[0][:2] == ["Spend", "Currency"]
    assert "-totals-" in response.headers["content-disposition"]


def test_the_csv_is_streamed(seeded):
    from socialdesk.web.routes.ads import ads

    endpoint = ads.html  # the page's function; its twins are registered next to it
    route = next(
        r
        for router in ROUTERS
        for r in router.routes
        if isinstance(r, APIRoute) and r.path == "/ads.csv"
    )
    assert route.endpoint.__wrapped_build__ is endpoint.__wrapped_build__
    client = make_client(seeded.ws)
    with client.stream("GET", "/ads.csv?lang=en") as response:
        chunks = list(response.iter_bytes())
    assert chunks and b"".join(chunks).startswith(b"\xef\xbb\xbf")
    response = exports.csv_response(
        exports.Table("t", "Total", (exports.Column("a", "Name"),), iter([("x",)])), "en", "f.csv"
    )
    assert isinstance(response, StreamingResponse)


def test_the_row_cap(monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 3)
    table = exports.Table("t", "Total", (exports.Column("a", "Name"),), ((i,) for i in range(10)))
    out = io.StringIO()
    exports.write_csv(table, "en", out)
    rows = out.getvalue().lstrip("\ufeff").splitlines()
    assert rows[1:4] == ["0", "1", "2"] and len(rows) == 5 and "3" in rows[4]


def test_viewers_download_like_they_see_the_page(team_clients):
    viewer = team_clients("viewer")
    for path in ("/ads", "/inbox", "/analytics/goals", "/posts"):
        assert viewer.get(path).status_code == 200
        assert viewer.get(path + ".csv").status_code == 200, path
        assert viewer.get(path + ".xlsx").status_code == 200, path
    nobody = team_clients(None)
    for suffix in (".csv", ".xlsx"):
        response = nobody.get("/ads" + suffix)
        assert response.status_code in (302, 303, 401), response.status_code


def test_formulas_after_spaces_and_control_characters_in_excel():
    """Spreadsheets that skip leading spaces still never run a formula; a control character
    Excel forbids (a vertical tab from Word) becomes a space instead of failing the file."""
    assert exports.neutralise(" =1+1") == "' =1+1"
    assert exports.neutralise("\u00a0=HYPERLINK(1)").startswith("'")
    assert exports.neutralise("\uff1d1+1") == "'\uff1d1+1"
    assert exports.neutralise("hallo =1") == "hallo =1"
    table = exports.Table(
        "t", "Total", (exports.Column("a", "Name"),), [("regel\x0bregel\x1b",), ("=1+1",)]
    )
    raw = io.BytesIO()
    exports.write_xlsx([table], "en", raw)
    sheet = load_workbook(raw).worksheets[0]
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert values == ["regel regel ", "'=1+1"]
    assert all(row[0].data_type == "s" for row in sheet.iter_rows(min_row=2))


def test_a_posts_export_that_was_cut_says_so(seeded, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 3)
    from socialdesk.web.routes import posts

    monkeypatch.setattr(posts, "MAX_ROWS", 3)
    rows = _csv(make_client(seeded.ws).get("/posts.csv?lang=en"), ",")
    assert len(rows) == 5 and "3" in rows[-1][0]  # the header, three posts, the note


def test_a_download_holds_no_database_connection_while_it_streams(seeded, monkeypatch):
    """A slow client downloading a large export must not keep one of the pool's connections
    (issue #18): the session ends when the page function returns, before the file streams."""
    monkeypatch.setattr(exports, "CHUNK_BYTES", 64)  # many chunks: the body streams in parts
    engine = seeded.ws.engine
    client = make_client(seeded.ws)
    with client.stream("GET", "/posts.csv?lang=en") as response:
        assert response.status_code == 200
        chunks = response.iter_bytes()
        first = next(chunks)
        assert first
        assert engine.pool.checkedout() == 0  # mid-download
        rest = b"".join(chunks)
    assert len(first + rest) > 64  # the whole file came through after the check
