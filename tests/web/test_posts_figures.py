"""The post page's figures against the account's usual post, and the posts table's columns
and thumbnails (issue #17), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import insert, select

from socialdesk.model import Account, Post, PostMetrics
from socialdesk.overview import queries, run
from socialdesk.store.rollups import refresh_all
from socialdesk.store.session import session_scope
from tests.web.conftest import make_client
from tests.web.seeding import END

# a Mastodon account: 12 posts a day apart, then one posted after them
LIKES = [50, 10, 90, 30, 70, 20, 60, 40, 80, 100, 15, 65, 500]
THUMB = "https://files.example.social/preview/p11.jpg"
DASH = "–"


def _seed_mastodon(seeded) -> dict[str, int]:
    """Posts with likes, comments and shares but no reach or saves; the twelfth has a
    preview image with alt text, the first a `javascript:` one that must never show."""
    ids: dict[str, int] = {}
    with session_scope(seeded.ws.engine) as s:
        acc = Account(
            workspace_id=seeded.ws.workspace_id,
            platform="mastodon",
            handle="@groen@social.example",
            name="Groen Dak",
            timezone="Europe/Amsterdam",
        )
        s.add(acc)
        s.flush()
        ids["acc"] = acc.id
        start = dt.datetime.combine(END - dt.timedelta(days=40), dt.time(10))
        s.execute(
            insert(Post),
            [
                {
                    "account_id": acc.id,
                    "external_id": f"m{i}",
                    "published_at": start + dt.timedelta(days=i),
                    "text": f"Mastodon post {i}",
                    "media_type": "photo",
                }
                for i in range(len(LIKES))
            ],
        )
        post_ids = dict(
            s.execute(select(Post.external_id, Post.id).where(Post.account_id == acc.id)).all()
        )
        ids.update(post_ids)
        extra = {
            "m11": {"thumbnail_url": THUMB, "thumbnail_alt": 'Een groen dak "met" sedum'},
            "m0": {"thumbnail_url": "javascript:alert(1)"},
        }
        s.execute(
            insert(PostMetrics),
            [
                {
                    "post_id": post_ids[f"m{i}"],
                    "as_of": END,
                    "likes": float(likes),
                    "comments": float(i),
                    "shares": 2.0,
                    "impressions": 1000.0 + 100 * i,
                    "extra": extra.get(f"m{i}"),
                }
                for i, likes in enumerate(LIKES)
            ],
        )
    with seeded.ws.engine.begin() as conn:
        refresh_all(conn)
    return ids


@pytest.fixture
def mastodon(seeded):
    return seeded, _seed_mastodon(seeded)


def _interactions(i: int) -> float:
    return LIKES[i] + i + 2


def test_usual_post_is_the_median_of_the_posts_before(mastodon):
    seeded, ids = mastodon
    with session_scope(seeded.ws.engine) as s:
        result = run.post(s, seeded.ws.workspace_id, ids["m11"])
    usual = result.usual
    # the 11 posts before it; the one posted after it and the other accounts' posts stay out
    assert usual.posts == 11 and usual.window == 50
    assert usual.first.day == (END - dt.timedelta(days=40)).day
    figures = {f.key: f for f in usual.figures}
    likes = figures["likes"]
    assert likes.value == 65 and likes.usual == 50 and likes.compared == 11
    assert likes.ratio == pytest.approx(1.3) and likes.beats == pytest.approx(7 / 11)
    inter = figures["interactions"]
    assert inter.value == _interactions(11)
    assert inter.usual == sorted(_interactions(i) for i in range(11))[5]
    # no reach: the rate is per impression, on the same basis for the posts compared
    assert usual.rate_basis == "impressions"
    rate = figures["engagement_rate"]
    assert rate.value == pytest.approx(_interactions(11) / 2100)
    earlier = sorted(_interactions(i) / (1000 + 100 * i) for i in range(11))
    assert rate.usual == pytest.approx(earlier[5])
    # figures the platform did not give: None (a dash), never 0, and no comparison
    for key in ("saves", "reach", "views"):
        assert figures[key].value is None and figures[key].usual is None
    assert [f.key for f in usual.figures][:9] == [
        "likes",
        "comments",
        "shares",
        "saves",
        "interactions",
        "engagement_rate",
        "reach",
        "impressions",
        "views",
    ]


def test_too_few_posts_before_gives_no_comparison(mastodon):
    seeded, ids = mastodon
    with session_scope(seeded.ws.engine) as s:
        first = run.post(s, seeded.ws.workspace_id, ids["m0"]).usual
        fourth = run.post(s, seeded.ws.workspace_id, ids["m4"]).usual
        sixth = run.post(s, seeded.ws.workspace_id, ids["m5"]).usual
    assert first.posts == 0 and all(f.usual is None for f in first.figures)
    assert fourth.posts == 4 and all(f.usual is None for f in fourth.figures)  # fewer than 5
    likes = next(f for f in sixth.figures if f.key == "likes")
    assert likes.usual == 50 and likes.beats == pytest.approx(1 / 5)  # 20 beats only 10


def test_earlier_posts_is_bounded_and_newest_first(mastodon):
    seeded, ids = mastodon
    with session_scope(seeded.ws.engine) as s:
        post = s.get(Post, ids["m11"])
        rows = queries.earlier_posts(
            s, ids["acc"], before=post.published_at, post_id=post.id, limit=3
        )
    assert [r[1]["likes"] for r in rows] == [15, 100, 80]
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)


def test_post_page_shows_figures_ratio_and_rank_in_dutch(mastodon):
    seeded, ids = mastodon
    html = make_client(seeded.ws).get(f"/posts/{ids['m11']}?lang=en").text
    table = html[
        html.index('<table class="figures">') : html.index(
            "</table>", html.index('<table class="figures">')
        )
    ]
    assert "1.3× your usual post" in table
    assert "better than 64% of 11 earlier posts" in table
    assert "last 11 posts before this one" in html
    saves = re.search(r"<th scope=\"row\">Saves</th>\s*<td class=\"num\">([^<]*)</td>", table)
    assert saves and saves.group(1) == DASH  # never 0
    assert "Engagement rate (by impressions)" in table
    # the preview image: lazy, no referrer, sized, its alt text escaped
    assert f'src="{THUMB}"' in html and 'referrerpolicy="no-referrer"' in html
    assert (
        'alt="Een groen dak &#34;met&#34; sedum"' in html
        or 'alt="Een groen dak &quot;met&quot; sedum"' in html
    )
    dutch = make_client(seeded.ws).get(f"/posts/{ids['m11']}?lang=nl")
    assert dutch.status_code == 200 and '<table class="figures">' in dutch.text


def test_post_page_json_twin_carries_the_comparison(mastodon):
    seeded, ids = mastodon
    data = make_client(seeded.ws).get(f"/posts/{ids['m11']}.json").json()
    likes = next(f for f in data["usual"]["figures"] if f["key"] == "likes")
    assert likes["usual"] == 50 and likes["value"] == 65
    assert data["detail"]["post"]["thumbnail"] == THUMB


def test_facebook_post_rates_by_reach(seeded):
    # the seeded Facebook posts have reach: the rate is per person reached
    client = make_client(seeded.ws)
    data = client.get(f"/posts/{seeded.ids['post_p1']}.json").json()
    assert data["usual"]["rate_basis"] == "reach"
    rate = next(f for f in data["usual"]["figures"] if f["key"] == "engagement_rate")
    assert rate["value"] == pytest.approx((10 + 2) / 101)


def test_posts_list_columns_follow_the_page(mastodon):
    seeded, ids = mastodon
    client = make_client(seeded.ws)
    own = client.get(f"/posts.json?account={ids['acc']}").json()
    # no saves, reach or clicks on this page: those columns are left off
    assert own["columns"] == [
        "likes",
        "comments",
        "shares",
        "engagements",
        "engagement_rate",
        "impressions",
    ]
    row = next(r for r in own["rows"] if r["id"] == ids["m11"])
    assert row["metrics"]["likes"] == 65 and row["metrics"]["saves"] is None
    assert row["metrics"]["engagements"] == _interactions(11)
    # no reach: the rate by reach is absent, the rate per impression is there
    assert row["engagement_rate"] is None
    assert row["engagement_rate_impressions"] == pytest.approx(_interactions(11) / 2100)
    assert row["thumbnail"] == THUMB
    assert next(r for r in own["rows"] if r["id"] == ids["m0"])["thumbnail"] is None
    facebook = client.get("/posts.json?platform=facebook").json()
    assert "engagement_rate" in facebook["columns"] and "likes" not in facebook["columns"]


def test_rate_sort_puts_posts_without_reach_after_by_their_own_rate(mastodon):
    seeded, _ids = mastodon
    rows = (
        make_client(seeded.ws).get("/posts.json?sort=engagement_rate&per_page=200").json()["rows"]
    )
    by_reach = [r["engagement_rate"] for r in rows if r["engagement_rate"] is not None]
    assert by_reach == sorted(by_reach, reverse=True)
    first_without = next(i for i, r in enumerate(rows) if r["engagement_rate"] is None)
    rest = rows[first_without:]
    assert all(r["engagement_rate"] is None for r in rest)
    shown = [r["engagement_rate_impressions"] for r in rest]
    assert shown == sorted(shown, reverse=True)


def test_posts_list_html_has_thumbnail_and_dropped_columns(mastodon):
    seeded, ids = mastodon
    html = make_client(seeded.ws).get(f"/posts?account={ids['acc']}&lang=en").text
    thumbs = re.findall(r"<img class=\"thumb\"[^>]*>", html)
    assert len(thumbs) == 1
    for attr in (
        f'src="{THUMB}"',
        'loading="lazy"',
        'referrerpolicy="no-referrer"',
        'width="48"',
        'height="48"',
        'alt="Een groen dak &#34;met&#34; sedum"',
    ):
        assert attr in thumbs[0], attr
    assert "javascript:" not in html
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert "Likes" in head and "Saves" not in head and "Reach" not in head
    # still sortable as before: the interactions header sorts
    assert "sort=engagements" in head and "sort=engagement_rate" in head
    # each rate says its basis where it is not the column's (no reach: per impression)
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    assert body.count('<span class="stand-in">by impressions</span>') == len(LIKES)


def test_posts_export_has_the_new_columns(mastodon):
    seeded, ids = mastodon
    response = make_client(seeded.ws).get(f"/posts.csv?lang=en&account={ids['acc']}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    head = rows[0]
    for name in ("Likes or reactions", "Comments", "Saves", "Views", "Image"):
        assert name in head, name
    by_text = {r[head.index("Text")]: r for r in rows[1:]}
    m11 = by_text["Mastodon post 11"]
    assert m11[head.index("Likes or reactions")] == "65"
    assert m11[head.index("Saves")] == ""  # absent, not 0
    assert m11[head.index("Image")] == THUMB
