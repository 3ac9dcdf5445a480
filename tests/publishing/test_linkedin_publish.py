"""Publishing to a LinkedIn Page against the recorded API (tests/publishing/
linkedin_publish_api.py): the little text format (escapes, hashtags), one image and several
with their alt text, a link card, images still processing or failed, the first comment and
its failure, LinkedIn's refusals in plain words, and exactly once without a key: an answer
lost after the post was made is found by find()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx
from PIL import Image

from socialdesk.connectors import linkedin as connector
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.errors import ConnectorError
from socialdesk.connectors.http import ApiClient
from socialdesk.publishing import linkedin
from socialdesk.publishing.base import Draft, MediaFile
from tests.connectors.linkedin_api import ORG_ID, ORG_URN, TOKEN
from tests.publishing.linkedin_publish_api import (
    START,
    FakeLinkedInPublish,
    render,
    sample,
)

KEY = "plan-7:linkedin:3"
SETTINGS = {"organization": ORG_URN, "vanity_name": "groenfonds", "roles": ["ADMINISTRATOR"]}


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def router() -> Iterator[respx.Router]:
    with respx.mock(assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture
def fake(router: respx.Router) -> FakeLinkedInPublish:
    api = sample()
    api.install(router)
    return api


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def api(sleeps: Sleeps, fake: FakeLinkedInPublish) -> Iterator[ApiClient]:
    """The connector's client, as a publishing run gets it."""
    with _client(sleeps, fake) as client:
        yield client


def _client(sleeps: Sleeps, fake: FakeLinkedInPublish, token: str = TOKEN) -> ApiClient:
    client = connector.client({"token": token}, SETTINGS, HttpOptions(sleep=sleeps))
    client.session.update({"handle": "groenfonds", "settings": SETTINGS, "external_id": ORG_ID})
    client.clock = lambda: fake.now.timestamp()
    return client


def _image(tmp_path: Path, name: str, color: str, size: tuple[int, int] = (1200, 627)) -> Path:
    path = tmp_path / name
    Image.new("RGB", size, color).save(path)
    return path


def _draft(text: str = "Bomen planten in Utrecht 🌳 #groen", **kw) -> Draft:
    return Draft(network="linkedin", text=text, created_at=START, **kw)


# -- text ---------------------------------------------------------------------------------
def test_a_text_post_goes_out_as_the_page(fake, api):
    sent = linkedin.publish(api, _draft(), KEY)
    (body,) = fake.creates
    assert body == {
        "author": ORG_URN,
        "commentary": "Bomen planten in Utrecht 🌳 {hashtag|\\#|groen}",
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    (made,) = fake.made
    assert render(made["commentary"]) == "Bomen planten in Utrecht 🌳 #groen"
    assert sent.remote_id == made["id"] and made["id"].startswith("urn:li:share:")
    assert sent.url == f"https://www.linkedin.com/feed/update/{made['id']}/"
    assert sent.published_at == START and sent.published_at.tzinfo is not None
    assert sent.answer == {"id": made["id"], "url": sent.url, "media_ids": [], "comment_id": None}
    assert TOKEN not in repr(sent)
    assert linkedin.PUBLISHER.network == "linkedin" and linkedin.PUBLISHER.find is linkedin.find
    assert linkedin.PUBLISHER.connector_name == "linkedin"


ALL_RESERVED = (
    "Vragen? Mail info@groenfonds.nl (of bel 030-1234567) — 50% [korting] op {alles} <nu>!\n"
    "*Let op*: a_b ~c~ | d \\ e. #BomenPlanten #2026 #tag_x C# en #groen, https://x.example/"
    "a_(b)#c?d=1"
)


def test_reserved_characters_are_escaped_and_hashtags_are_templates(fake, api):
    linkedin.publish(api, _draft(ALL_RESERVED), KEY)
    (made,) = fake.made
    commentary = fake.creates[0]["commentary"]
    assert render(made["commentary"]) == ALL_RESERVED  # nothing cut, nothing changed
    assert "{hashtag|\\#|BomenPlanten}" in commentary and "{hashtag|\\#|groen}" in commentary
    assert "\\#2026" in commentary and "\\#tag\\_x" in commentary and "C\\#" in commentary
    assert "info\\@groenfonds.nl \\(of bel" in commentary
    assert "https://x.example/a\\_\\(b\\)\\#c?d=1" in commentary  # a link's # is no hashtag
    assert linkedin.little_text("a\\b") == "a\\\\b"


def test_without_escaping_linkedin_cuts_the_post(fake, api):
    """What the escaping prevents: LinkedIn keeps a commentary up to its first bare reserved
    character (the fake does as LinkedIn does)."""
    api.request("POST", "/posts", json={**_body(), "commentary": "Open dag (zaterdag) bij ons"})
    assert render(fake.made[0]["commentary"]) == "Open dag "


def _body() -> dict:
    return {
        "author": ORG_URN,
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED"},
        "lifecycleState": "PUBLISHED",
    }


# -- images -------------------------------------------------------------------------------
def test_one_image_is_uploaded_waited_for_and_posted_with_its_alt_text(tmp_path, fake, api, sleeps):
    path = _image(tmp_path, "eik.png", "green")
    media = (MediaFile(path, "image/png", alt="Een jonge eik in het park"),)
    sent = linkedin.publish(api, _draft(media=media), KEY)

    assert fake.inits == [{"initializeUploadRequest": {"owner": ORG_URN}}]
    (upload,) = fake.uploads
    assert upload.content == path.read_bytes()
    assert upload.headers["authorization"] == f"Bearer {TOKEN}"
    assert upload.headers["content-type"] == "image/png"
    (image,) = fake.images
    assert fake.image_polls == [image, image]  # PROCESSING, then AVAILABLE
    assert sleeps == [1.0]
    assert fake.creates[0]["content"] == {
        "media": {"id": image, "altText": "Een jonge eik in het park"}
    }
    assert sent.answer["media_ids"] == [image]


def test_several_images_make_a_multi_image_post_in_order(tmp_path, fake, api):
    fake.processing_polls = 0
    media = (
        MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Eik"),
        MediaFile(_image(tmp_path, "beuk.jpg", "brown"), "image/jpeg", alt="Beukenlaan"),
        MediaFile(_image(tmp_path, "es.png", "olive"), "image/png"),
    )
    sent = linkedin.publish(api, _draft(media=media), KEY)
    ids = list(fake.images)
    assert fake.creates[0]["content"] == {
        "multiImage": {
            "images": [
                {"id": ids[0], "altText": "Eik"},
                {"id": ids[1], "altText": "Beukenlaan"},
                {"id": ids[2]},
            ]
        }
    }
    assert sent.answer["media_ids"] == ids and len(fake.made) == 1


def test_an_image_still_processing_is_waited_for_a_minute_then_tried_again_later(
    tmp_path, fake, api, sleeps
):
    fake.processing_polls = 10_000
    media = (MediaFile(_image(tmp_path, "kaart.png", "blue"), "image/png", alt="Kaart"),)
    with pytest.raises(ConnectorError) as failed:
        linkedin.publish(api, _draft(media=media), KEY)
    assert failed.value.kind == "server" and failed.value.transient
    assert "still processing" in failed.value.message
    assert "kaart.png: PROCESSING after 60 s" == failed.value.detail
    assert sum(sleeps) == pytest.approx(60.0) and max(sleeps) <= 10.0
    assert fake.creates == [] and fake.made == []


def test_an_image_linkedin_cannot_process_fails_for_good(tmp_path, fake, api, sleeps):
    bad = tmp_path / "kapot.png"
    bad.write_bytes(b"not an image at all")
    with pytest.raises(ConnectorError) as failed:
        linkedin.publish(api, _draft(media=(MediaFile(bad, "image/png", alt="Kapot"),)), KEY)
    error = failed.value
    assert error.kind == "input" and not error.transient and error.field == "media"
    assert error.detail == "kapot.png: PROCESSING_FAILED"
    assert fake.creates == [] and sleeps == []


def test_a_video_or_a_missing_file_is_refused_before_anything_is_sent(tmp_path, fake, api):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    with pytest.raises(ConnectorError) as failed:
        linkedin.publish(api, _draft(media=(MediaFile(video, "video/mp4", alt="Plantdag"),)), KEY)
    assert failed.value.kind == "input" and "videos" in failed.value.message
    assert failed.value.detail == "clip.mp4"
    gone = (
        MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Eik"),
        MediaFile(tmp_path / "weg.png", "image/png", alt="Weg"),
    )
    with pytest.raises(ConnectorError) as failed:
        linkedin.publish(api, _draft(media=gone), KEY)
    assert failed.value.kind == "input" and "weg.png" in (failed.value.detail or "")
    assert fake.inits == [] and fake.uploads == [] and fake.creates == []


def test_an_upload_address_outside_linkedin_never_gets_the_token(tmp_path, router, sleeps):
    fake = sample(upload_host="https://uploads.example.net/dms-uploads/sp")
    fake.install(router)
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Eik"),)
    with _client(sleeps, fake) as api, pytest.raises(ConnectorError) as failed:
        linkedin.publish(api, _draft(media=media), KEY)
    assert failed.value.kind == "shape" and fake.uploads == [] and fake.creates == []


# -- a link -------------------------------------------------------------------------------
def test_a_link_without_images_is_an_article_card(fake, api):
    link = "https://groenfonds.example/nieuws/plantdag?utm_source=linkedin"
    linkedin.publish(api, _draft(link=link, link_title="Plantdag 2026"), KEY)
    assert fake.creates[0]["content"] == {"article": {"source": link, "title": "Plantdag 2026"}}
    linkedin.publish(api, _draft("Een tweede bericht", link=link), KEY)
    assert fake.creates[1]["content"]["article"]["title"] == "groenfonds.example"


# -- the first comment --------------------------------------------------------------------
def test_the_first_comment_is_the_pages_comment_on_the_post(fake, api):
    comment = "Aanmelden (gratis) via groenfonds.example/plantdag"
    sent = linkedin.publish(api, _draft(first_comment=comment), KEY)
    post = fake.made[0]["id"]
    assert fake.comment_posts == [
        {"actor": ORG_URN, "object": post, "message": {"text": comment}}  # plain, not escaped
    ]
    (made,) = fake.comments[post]
    assert sent.answer["comment_id"] == made["commentUrn"]
    found = linkedin.find(api, _draft(first_comment=comment), KEY, START)
    assert found is not None and found.answer["comment_id"] == made["commentUrn"]


def test_a_refused_comment_does_not_fail_the_post_that_went_out(fake, api):
    sent = linkedin.publish(api, _draft(first_comment="x" * 1300), KEY)
    assert len(fake.made) == 1 and sent.remote_id == fake.made[0]["id"]
    assert sent.answer["comment_id"] is None
    assert sent.answer["comment_error"]["kind"] == "input"
    assert "1250" in sent.answer["comment_error"]["detail"]
    assert len(fake.comment_posts) == 1  # not retried: a comment has no key either


# -- LinkedIn's refusals ------------------------------------------------------------------
def test_an_expired_token_is_an_auth_error(fake, api):
    fake.token_state = "expired"
    with pytest.raises(ConnectorError) as failed:
        linkedin.publish(api, _draft(), KEY)
    assert failed.value.kind == "auth" and "expired" in failed.value.message
    assert TOKEN not in str(failed.value) and fake.made == []


def test_a_token_that_may_not_post_is_a_permission_error_naming_the_scope(tmp_path, fake, api):
    fake.scopes.discard("w_organization_social")
    with pytest.raises(ConnectorError) as failed:
        linkedin.publish(api, _draft(), KEY)
    error = failed.value
    assert error.kind == "permission" and error.status == 403
    assert "w_organization_social" in error.message and "ACCESS_DENIED" in (error.detail or "")
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Eik"),)
    with pytest.raises(ConnectorError) as failed:
        linkedin.publish(api, _draft(media=media), KEY)
    assert failed.value.kind == "permission" and fake.made == []


def test_the_daily_rate_limit_is_waited_out_a_little_then_left_until_midnight(fake, api, sleeps):
    fake.faults["create"] = [fake.too_many_requests()]
    sent = linkedin.publish(api, _draft(), KEY)  # a 429 made no post: asking again is safe
    assert sleeps == [2.0] and len(fake.made) == 1 and sent.remote_id == fake.made[0]["id"]
    sleeps.clear()
    fake.faults["create"] = [fake.too_many_requests()] * 4
    with pytest.raises(ConnectorError) as failed:
        linkedin.publish(api, _draft("Een ander bericht"), KEY)
    error = failed.value
    assert error.kind == "rate" and error.transient and error.status == 429
    assert error.retry_at == dt.datetime(2026, 12, 1, 0, 5, tzinfo=dt.UTC)
    assert sleeps == [2.0, 4.0, 8.0] and len(fake.made) == 1


def test_the_same_text_again_is_refused_naming_the_post_on_the_page(fake, api):
    first = linkedin.publish(api, _draft(), KEY)
    with pytest.raises(ConnectorError) as failed:
        linkedin.publish(api, _draft(), KEY + "-other")
    assert failed.value.kind == "input" and "same text twice" in failed.value.message
    assert failed.value.detail == first.url


def test_a_missing_page_in_the_settings_says_connect_again(fake, sleeps):
    client = connector.client({"token": TOKEN}, {}, HttpOptions(sleep=sleeps))
    with client, pytest.raises(ConnectorError) as failed:
        linkedin.publish(client, _draft(), KEY)
    assert failed.value.kind == "input" and "connect it again" in failed.value.message
    client.session["external_id"] = ORG_ID  # the connection's external id is enough
    assert linkedin.publish(client, _draft(), KEY).remote_id == fake.made[0]["id"]


# -- exactly once without a key -----------------------------------------------------------
@pytest.mark.parametrize("lost", ["timeout", "504"])
def test_a_post_whose_answer_was_lost_is_not_sent_again_but_found(tmp_path, fake, api, lost):
    fake.lose_answers = 1
    if lost == "504":
        fake.lost_as = httpx.Response(504, text="Gateway Timeout")
    text = "Vandaag planten we 40 bomen (met jullie!) #groen https://groenfonds.example/a_b"
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Een eik"),)
    draft = _draft(text, media=media, first_comment="Doe je mee?")
    since = fake.now
    with pytest.raises(ConnectorError) as failed:
        linkedin.publish(api, draft, KEY)
    assert failed.value.kind == "network" and failed.value.transient  # the worker looks first
    assert len(fake.creates) == 1 and len(fake.made) == 1  # sent once, never retried blindly
    made = fake.made[0]

    fake.now += dt.timedelta(minutes=15)  # the worker looks once STALE has passed
    found = linkedin.find(api, draft, KEY, since)
    assert found is not None
    assert found.remote_id == made["id"] and found.url == linkedin.permalink(made["id"])
    assert found.published_at == since
    assert found.answer["media_ids"] == [made["content"]["media"]["id"]]
    assert found.answer["comment_id"] is None  # the comment never went out
    assert found.answer["found_by"] == "text and time"


def test_find_finds_nothing_for_another_text_an_older_post_or_other_images(tmp_path, fake, api):
    since = fake.now
    sent = linkedin.publish(api, _draft("Eerste bericht (van vandaag)"), KEY)
    assert linkedin.find(api, _draft("Een ander bericht"), KEY, since) is None
    later = since + dt.timedelta(minutes=5)  # made before this attempt began, less the slack
    assert linkedin.find(api, _draft("Eerste bericht (van vandaag)"), KEY, later) is None
    found = linkedin.find(
        api,
        _draft("Eerste  bericht\n(van vandaag)"),
        KEY,
        (since + dt.timedelta(seconds=30)).replace(tzinfo=None),  # naive: read as UTC
    )
    assert found is not None and found.remote_id == sent.remote_id
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png"),)
    draft = _draft("Eerste bericht (van vandaag)", media=media)
    assert linkedin.find(api, draft, KEY, since) is None


def test_find_walks_back_over_pages_and_stops_at_since(fake, api):
    old = fake.posts[25]  # the second page (20 a page)
    text = "Bericht 25 (nieuws) #groen"
    since = dt.datetime.fromtimestamp(old["createdAt"] / 1000, dt.UTC)
    calls = len(fake.calls)
    found = linkedin.find(api, _draft(text), KEY, since)
    assert found is not None and found.remote_id == old["id"]
    walked = [c for c in fake.calls[calls:] if c.url.path.endswith("/posts")]
    assert [c.url.params["start"] for c in walked] == ["0", "20"]
    assert all(c.url.params["sortBy"] == "CREATED" for c in walked)
    calls = len(fake.calls)
    assert linkedin.find(api, _draft(text), KEY, fake.now) is None
    assert len(fake.calls) - calls == 1  # the first post is older than since: one page


def test_comparable_text_leaves_out_links_and_white_space():
    assert linkedin.comparable("Zie  https://lnkd.in/abc\n hier") == linkedin.comparable(
        "Zie https://groenfonds.example/a?b=1 hier"
    )
    assert linkedin.comparable(None) == ""
