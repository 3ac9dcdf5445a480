"""Preview images of posts: which connectors keep one (http(s) only), and a Mastodon sync
that stores it where the posts table finds it; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import respx
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialdesk.connectors import bluesky, mastodon, youtube
from socialdesk.connectors import run as connectors
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.records import thumbnail
from socialdesk.connectors.secrets import SecretBox
from socialdesk.model import Account, Post, PostMetrics
from socialdesk.overview import run
from tests.connectors.mastodon_api import TOKEN, sample

PREVIEW = "https://files.mastodon.example/media_attachments/small/1.png"


def test_only_http_addresses_are_kept():
    assert thumbnail("https://cdn.example/a.jpg", " Een dak ") == {
        "extra:thumbnail_url": "https://cdn.example/a.jpg",
        "extra:thumbnail_alt": "Een dak",
    }
    assert thumbnail("http://cdn.example/a.jpg", "") == {
        "extra:thumbnail_url": "http://cdn.example/a.jpg"
    }
    for bad in ("javascript:alert(1)", "data:image/png;base64,AAAA", "//cdn.example/a", None, 3):
        assert thumbnail(bad, "alt") == {}


def test_mastodon_takes_the_first_attachment_else_the_card():
    status = {
        "media_attachments": [
            {"type": "image", "preview_url": PREVIEW, "description": "Sedum op het dak"},
            {"type": "image", "preview_url": "https://x.example/2.png"},
        ],
        "card": {"image": "https://x.example/card.png"},
    }
    assert mastodon._thumbnail(status) == {
        "extra:thumbnail_url": PREVIEW,
        "extra:thumbnail_alt": "Sedum op het dak",
    }
    card = {"media_attachments": [], "card": {"image": "https://x.example/card.png"}}
    assert mastodon._thumbnail(card) == {"extra:thumbnail_url": "https://x.example/card.png"}
    assert mastodon._thumbnail({"media_attachments": [], "card": None}) == {}


def test_bluesky_reads_images_video_links_and_quotes_with_media():
    images = {
        "$type": "app.bsky.embed.images#view",
        "images": [{"thumb": "https://cdn.bsky.app/img/feed_thumbnail/a.jpg", "alt": "Een bij"}],
    }
    assert bluesky._thumbnail(images)["extra:thumbnail_alt"] == "Een bij"
    video = {"$type": "app.bsky.embed.video#view", "thumbnail": "https://video.bsky.app/t.jpg"}
    assert bluesky._thumbnail(video) == {"extra:thumbnail_url": "https://video.bsky.app/t.jpg"}
    link = {
        "$type": "app.bsky.embed.external#view",
        "external": {"uri": "https://site.example", "thumb": "https://cdn.bsky.app/l.jpg"},
    }
    assert bluesky._thumbnail(link) == {"extra:thumbnail_url": "https://cdn.bsky.app/l.jpg"}
    quote = {"$type": "app.bsky.embed.recordWithMedia#view", "media": images}
    assert bluesky._thumbnail(quote) == bluesky._thumbnail(images)
    assert bluesky._thumbnail({"$type": "app.bsky.embed.record#view"}) == {}
    assert bluesky._thumbnail(None) == {}


def test_youtube_takes_the_medium_thumbnail():
    snippet = {
        "thumbnails": {
            "default": {"url": "https://i.ytimg.com/vi/abc/default.jpg"},
            "medium": {"url": "https://i.ytimg.com/vi/abc/mqdefault.jpg"},
        }
    }
    assert youtube._thumbnail(snippet) == {
        "extra:thumbnail_url": "https://i.ytimg.com/vi/abc/mqdefault.jpg"
    }
    assert youtube._thumbnail({}) == {}


@pytest.fixture
def api():
    fake = sample()
    for st in fake.statuses:
        if st["media_attachments"]:
            st["media_attachments"][0]["preview_url"] = PREVIEW
            st["media_attachments"][0]["description"] = "Sedum op het dak"
    with respx.mock(assert_all_called=False) as router:
        fake.install(router)
        yield fake


def test_a_mastodon_sync_keeps_the_preview_for_the_posts_table(ws, tmp_path, api):
    box = SecretBox.for_workspace(tmp_path)
    http = HttpOptions(sleep=lambda s: None)
    with Session(ws.engine) as session, session.begin():
        cid = connectors.connect(
            session,
            ws.workspace_id,
            "mastodon",
            {"instance": "mastodon.example", "token": TOKEN},
            box,
            created_by="tests",
            http=http,
        ).id
    connectors.sync(ws.engine, ws.workspace_id, box, connection_id=cid, http=http)
    with Session(ws.engine) as s:
        extras = s.scalars(
            select(PostMetrics.extra)
            .join(Post, Post.id == PostMetrics.post_id)
            .join(Account, Account.id == Post.account_id)
            .where(Account.workspace_id == ws.workspace_id)
        ).all()
        result = run.posts(s, ws.workspace_id, run.PostsQuery(per_page=200))
    kept = [e for e in extras if e and "thumbnail_url" in e]
    assert kept and all(e["thumbnail_url"] == PREVIEW for e in kept)
    with_image = [r for r in result.rows if r.thumbnail]
    assert with_image and len(with_image) == len(kept)
    assert {r.thumbnail_alt for r in with_image} == {"Sedum op het dak"}
    assert {r.media_type for r in with_image} == {"photo"}
