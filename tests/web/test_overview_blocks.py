"""The overview's first answers on the page, its JSON twin and its exports, on SQLite and
PostgreSQL, against the seeded workspace (tests/web/seeding.py): followers per network, the
top posts, what changed and the ads block (issue #17)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy import insert

from socialdesk.model import Account, AccountDay
from socialdesk.store.session import session_scope
from tests.web.seeding import END, XSS_ATTR, XSS_TEXT


def test_followers_block_per_network_and_in_total(local_client):
    data = local_client.get("/overview.json").json()["overview"]["followers"]
    plats = {p["platform"]: p["followers"] for p in data["platforms"]}
    fb, ig = plats["facebook"], plats["instagram"]
    # facebook counts every day: 1000 + i; the last count before the period is on END-30
    assert fb["total"] == 1119 and fb["base"] == 1089 and fb["change"] == 30
    assert fb["base_as_of"] == (END - dt.timedelta(days=30)).isoformat()
    # instagram's counts start inside the period: the change since its first count
    assert ig["total"] == 500 and ig["change"] == 0
    assert ig["base_as_of"] == (END - dt.timedelta(days=19)).isoformat()
    assert data["total"] == 1619 and set(data["total_over"]) == {"facebook", "instagram"}
    assert "meta_ads" not in plats and data["without_figures"] == []


def test_a_network_with_only_gained_and_lost_shows_its_net_change(seeded):
    from tests.web.conftest import make_client

    with session_scope(seeded.ws.engine) as s:
        x = Account(workspace_id=seeded.ws.workspace_id, platform="x", handle="vb", timezone="UTC")
        yt = Account(
            workspace_id=seeded.ws.workspace_id, platform="youtube", handle="vb", timezone="UTC"
        )
        s.add_all([x, yt])
        s.flush()
        rows = [
            {
                "account_id": x.id,
                "date": END - dt.timedelta(days=i),
                "followers_gained": 3.0,
                "followers_lost": 1.0,
            }
            for i in range(30)
        ]
        rows.append({"account_id": yt.id, "date": END, "reach": 5.0})
        s.execute(insert(AccountDay), rows)
    client = make_client(seeded.ws)
    data = client.get("/overview.json").json()["overview"]["followers"]
    plats = {p["platform"]: p["followers"] for p in data["platforms"]}
    assert plats["x"]["total"] is None and plats["x"]["change"] == 60
    assert plats["x"]["change_from"] == "gained_lost" and plats["x"]["complete"] is True
    assert data["only_net"] == ["x"] and "x" not in data["total_over"]
    assert data["total"] == 1619  # never x or youtube as 0
    assert data["without_figures"] == ["youtube"]
    html = client.get("/overview?lang=en").text
    assert "no count" in html and "gained minus lost" in html
    assert "No follower figure from YouTube" in html


def test_top_posts_by_interactions_escaped_and_linked(local_client, seeded):
    top = local_client.get("/overview.json").json()["overview"]["top"]
    assert top["metric"] == "engagements" and top["n"] == 5
    # posts of the last 30 days are p0..p9; their latest interactions are 10 + 2i
    assert [p["interactions"] for p in top["posts"]] == [28, 26, 24, 22, 20]
    assert [p["id"] for p in top["posts"]] == [seeded.ids[f"post_p{i}"] for i in (9, 8, 7, 6, 5)]
    html = local_client.get("/overview?lang=en").text
    block = html[html.index('id="top-h"') : html.index('id="ads-h"')]
    assert XSS_TEXT not in block and "&lt;script&gt;alert(1)&lt;/script&gt;" in block
    assert XSS_ATTR not in block
    assert f'href="/posts/{seeded.ids["post_p9"]}"' in block


def test_ads_block_replaces_the_spend_cards(local_client):
    data = local_client.get("/overview.json").json()["overview"]
    ads = data["ads"]
    assert ads["platforms"] == ["meta_ads"]
    cur = {c["currency"]: c for c in ads["currencies"]}
    assert cur["EUR"]["spend"]["current"] == 300 and cur["USD"]["spend"]["current"] == 300
    # the seeded campaigns give no result column: their spend is one line without results
    (line,) = cur["EUR"]["lines"]
    assert line["result_type"] is None and line["spend"] == 300 and line["results"] is None
    html = local_client.get("/overview?lang=en").text
    assert 'id="ads-h"' in html and 'href="/ads?days=30"' in html
    assert 'id="plat-meta_ads"' not in html  # no organic section of spend cards
    assert 'id="plat-facebook"' in html
    # the answers come before the platforms' cards, followers first
    assert (
        html.index('id="followers-h"')
        < html.index('id="changes-h"')
        < html.index('id="plat-facebook"')
    )


def test_what_changed_names_only_shown_changes(local_client):
    hl = local_client.get("/overview.json").json()["overview"]["highlights"]
    assert hl["compared"] >= 1 and hl["rose"] + hl["fell"] <= hl["compared"]
    for h in (hl["rise"], hl["fall"]):
        # instagram's account figures cover 20 of 30 days: never a highlight
        if h and h["platform"] == "instagram":
            assert h["key"] in ("posts", "post_reach", "post_engagements")
    assert hl["rise"]["change"] > 0 and hl["rise"]["previous"] >= 5
    html = local_client.get("/overview?lang=en").text
    assert "can be compared with the period before" in html or "rose the most" in html


def test_exports_hold_the_new_blocks(local_client):
    response = local_client.get("/overview.csv?table=followers&lang=en")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Platform", "Account", "Followers"]
    assert ["Facebook", "Stichting Voorbeeld", "1119"] == rows[1][:3]
    top = local_client.get("/overview.csv?table=top_posts&lang=en").content.decode("utf-8-sig")
    first = top.splitlines()[1]  # p9, on Instagram: its formula text shown, never run
    assert first.startswith("1,Instagram,") and "'=HYPERLINK" in first and ",28," in first
    book = load_workbook(io.BytesIO(local_client.get("/overview.xlsx?lang=en").content))
    assert {"Followers", "Top posts", "Advertising", "Ad spend", "Figures"} <= set(book.sheetnames)
    figures = list(book["Figures"].values)
    assert ("Facebook", "Stichting Voorbeeld", "Followers", 1119, 1089) == figures[1][:5]


def test_top_posts_of_a_long_period_are_its_own_not_the_last_days(local_client):
    top = local_client.get("/overview.json?days=90").json()["overview"]["top"]
    # p0..p29 fall in the 90 days; the best are the oldest (10 + 2i), beyond the last 30 days
    assert [p["interactions"] for p in top["posts"]] == [68, 66, 64, 62, 60]
