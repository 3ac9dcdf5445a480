"""Publishing to a Facebook Page and its Instagram account against the recorded Graph API
(tests/publishing/meta_publish_api.py): text, link, photos with alt text, a video; Instagram
images by way of an unpublished Page photo, carousels, reels by the resumable upload, container
states and waits; the first comment; Graph's refusals in plain words; exactly once by find()."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from PIL import Image

from socialdesk.connectors import meta
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.errors import ConnectorError
from socialdesk.connectors.http import ApiClient
from socialdesk.importers.base import AccountRef
from socialdesk.publishing import facebook, instagram
from socialdesk.publishing.base import Draft, MediaFile
from tests.publishing.meta_publish_api import (
    GRAPH_VIDEO,
    IG_ID,
    IG_USER,
    PAGE_ID,
    PAGE_NAME,
    PAGE_TOKEN,
    RUPLOAD,
    START,
    FakeMetaPublish,
    sample,
)

KEY = "plan-9:facebook:4"
SETTINGS = {"instagram_id": IG_ID, "instagram_username": IG_USER, "graph_version": "v23.0"}
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2048


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def router() -> Iterator[respx.Router]:
    with respx.mock(assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture
def fake(router: respx.Router) -> FakeMetaPublish:
    graph = sample()
    graph.install(router)
    return graph


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def api(sleeps: Sleeps) -> Iterator[ApiClient]:
    with _client(sleeps) as client:
        yield client


def _client(
    sleeps: Sleeps, token: str = PAGE_TOKEN, settings: dict[str, Any] | None = None
) -> ApiClient:
    """The Meta connector's client with the session publishing.run gives it."""
    settings = dict(SETTINGS if settings is None else settings)
    client = meta.client({"token": token}, settings, HttpOptions(sleep=sleeps))
    client.session.update(handle=PAGE_NAME, settings=settings, external_id=PAGE_ID)
    return client


def _image(tmp_path: Path, name: str, color: str, size: tuple[int, int] = (80, 60)) -> Path:
    path = tmp_path / name
    Image.new("RGB", size, color).save(path)
    return path


def _video(tmp_path: Path, name: str = "clip.mp4") -> Path:
    path = tmp_path / name
    path.write_bytes(MP4)
    return path


def _draft(text: str = "Bomen planten in Utrecht 🌳 #groen", network="facebook", **kw) -> Draft:
    return Draft(network=network, text=text, created_at=START, language="nl", **kw)


def _ig(text: str = "Onze nieuwe daktuin 🌱 #groendak", **kw) -> Draft:
    return _draft(text, network="instagram", **kw)


# -- Facebook -----------------------------------------------------------------------------
def test_a_text_post_goes_to_the_page_feed(fake, api):
    sent = facebook.publish(api, _draft(), KEY)

    (call,) = fake.calls("feed")
    assert call["form"] == {"message": "Bomen planten in Utrecht 🌳 #groen"}
    assert call["url"] == f"https://graph.facebook.com/v23.0/{PAGE_ID}/feed"
    (post,) = fake.made_posts
    assert sent.remote_id == post["id"] and post["id"].startswith(f"{PAGE_ID}_")
    assert sent.post_id == post["id"].removeprefix(f"{PAGE_ID}_")  # as the sync stores it
    assert sent.url == post["permalink_url"]
    assert sent.published_at == START and sent.published_at.tzinfo is not None
    assert sent.answer == {
        "id": post["id"],
        "post_id": sent.post_id,
        "permalink_url": post["permalink_url"],
        "comment_id": None,
    }
    assert PAGE_TOKEN not in repr(sent)
    assert api.classify is meta.classify  # the publishing classify is given back


def test_a_link_post_carries_the_link_for_its_preview(fake, api):
    link = "https://groendak.example/daktuin?utm_source=facebook&utm_medium=social"
    sent = facebook.publish(api, _draft(f"Lees meer: {link}", link=link), KEY)
    (call,) = fake.calls("feed")
    assert call["form"] == {"message": f"Lees meer: {link}", "link": link}
    assert fake.made_posts[0]["attachments"]["data"][0]["media_type"] == "link"
    assert sent.remote_id == fake.made_posts[0]["id"]


def test_one_image_is_a_photo_post_with_its_alt_text(tmp_path, fake, api):
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Een jonge eik"),)
    sent = facebook.publish(api, _draft(media=media), KEY)

    (call,) = fake.calls("photo")
    assert call["form"] == {
        "message": "Bomen planten in Utrecht 🌳 #groen",
        "alt_text_custom": "Een jonge eik",
    }  # published: no published=false
    (photo,) = fake.photos.values()
    assert photo["published"] and photo["filename"] == "eik.png"
    assert photo["content_type"] == "image/png"
    assert photo["content"] == media[0].path.read_bytes()
    assert fake.calls("feed") == []
    assert sent.remote_id == photo["post_id"] == fake.made_posts[0]["id"]
    assert sent.answer["photo_ids"] == [photo["id"]]


def test_several_images_are_unpublished_photos_attached_to_one_post(tmp_path, fake, api):
    media = (
        MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Een jonge eik"),
        MediaFile(_image(tmp_path, "beuk.jpg", "brown"), "image/jpeg", alt="Beukenlaan"),
        MediaFile(_image(tmp_path, "linde.jpg", "olive"), "image/jpeg"),
    )
    sent = facebook.publish(api, _draft(media=media), KEY)

    photos = fake.calls("photo")
    assert [p["form"].get("published") for p in photos] == ["false"] * 3
    assert [p["form"].get("alt_text_custom") for p in photos] == [
        "Een jonge eik",
        "Beukenlaan",
        None,
    ]
    assert all("message" not in p["form"] for p in photos)
    ids = list(fake.photos)
    (feed,) = fake.calls("feed")
    assert feed["form"]["message"] == "Bomen planten in Utrecht 🌳 #groen"
    attached = [json.loads(feed["form"][f"attached_media[{i}]"]) for i in range(3)]
    assert attached == [{"media_fbid": i} for i in ids]  # in the draft's order
    (post,) = fake.made_posts
    assert sent.remote_id == post["id"] and sent.answer["photo_ids"] == ids


def test_a_video_goes_up_in_one_request_and_its_post_is_found(tmp_path, fake, api):
    media = (MediaFile(_video(tmp_path), "video/mp4", alt="Vrijwilligers aan het werk"),)
    sent = facebook.publish(api, _draft(media=media), KEY)

    (call,) = fake.calls("video")
    assert call["url"] == f"{GRAPH_VIDEO}/{PAGE_ID}/videos"
    assert call["form"] == {"description": "Bomen planten in Utrecht 🌳 #groen"}
    (video,) = fake.videos.values()
    assert video["content"] == MP4 and video["filename"] == "clip.mp4"
    # the post is not in the upload's answer: found among the Page's posts by its video
    assert sent.remote_id == video["post_id"] and sent.answer["video_id"] == video["id"]
    assert sent.post_id == video["post_id"].split("_", 1)[1]
    assert "post_of_video" not in sent.answer


def test_a_video_whose_post_is_not_shown_yet_stands_in_for_it(tmp_path, fake, api):
    fake.video_post_visible = False
    media = (MediaFile(_video(tmp_path), "video/mp4"),)
    sent = facebook.publish(api, _draft(media=media, first_comment="Doe mee!"), KEY)
    (video,) = fake.videos.values()
    assert sent.remote_id == f"{PAGE_ID}_{video['id']}" and sent.post_id == video["id"]
    assert sent.url == f"https://www.facebook.com/groendak/videos/{video['id']}/"
    assert "post_of_video" in sent.answer
    (comment,) = fake.comments
    assert comment["on"] == video["id"]  # the comment goes under the video itself


def test_photos_and_a_video_together_are_refused_before_anything_is_sent(tmp_path, fake, api):
    media = (
        MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Eik"),
        MediaFile(_video(tmp_path), "video/mp4"),
    )
    with pytest.raises(ConnectorError) as failed:
        facebook.publish(api, _draft(media=media), KEY)
    assert failed.value.kind == "input" and failed.value.field == "media"
    assert fake.requests == []


def test_the_first_comment_is_the_pages_comment_under_the_post(fake, api):
    sent = facebook.publish(api, _draft(first_comment="Aanmelden via groendak.example"), KEY)
    (comment,) = fake.comments
    assert comment["on"] == sent.remote_id
    assert comment["message"] == "Aanmelden via groendak.example"
    assert sent.answer["comment_id"] == comment["id"]
    assert "comment_error" not in sent.answer


def test_a_failed_first_comment_does_not_fail_the_post(fake, api):
    fake.permissions.discard("pages_manage_engagement")
    sent = facebook.publish(api, _draft(first_comment="Doe je mee?"), KEY)
    assert len(fake.made_posts) == 1 and sent.remote_id == fake.made_posts[0]["id"]
    assert fake.comments == [] and sent.answer["comment_id"] is None
    error = sent.answer["comment_error"]
    assert error["kind"] == "permission" and error["status"] == 403
    assert "pages_manage_engagement" in error["message"]
    assert len(fake.calls("comment")) == 1  # sent once: a comment is not retried blindly


def test_a_post_lost_in_a_timeout_is_found_by_find(tmp_path, fake, api):
    """The feed call makes the post, then the answer is lost: the publish fails as a network
    error (the worker keeps it `sending`), and find() finds the one post."""
    fake.lose["feed"] = 1
    link = "https://groendak.example/nieuws?utm_source=facebook"
    draft = _draft(f"Vandaag planten we 40 bomen!\n\nMeer: {link}", link=link)
    since = fake.now
    with pytest.raises(ConnectorError) as failed:
        facebook.publish(api, draft, KEY)
    assert failed.value.kind == "network" and failed.value.transient
    assert len(fake.calls("feed")) == 1 and len(fake.made_posts) == 1  # sent once

    found = facebook.find(api, draft, KEY, since)
    (post,) = fake.made_posts
    assert found is not None
    assert found.remote_id == post["id"] and found.url == post["permalink_url"]
    assert found.post_id == post["id"].split("_", 1)[1]
    assert found.published_at == since and found.answer["found_by"] == "text and time"
    (look,) = fake.calls("posts")
    assert f"since={int((since - dt.timedelta(minutes=1)).timestamp())}" in look["url"]


def test_a_photo_post_lost_in_a_timeout_is_found_with_its_photo(tmp_path, fake, api):
    fake.lose["photo"] = 1
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Eik"),)
    since = fake.now
    with pytest.raises(ConnectorError):
        facebook.publish(api, _draft(media=media), KEY)
    found = facebook.find(api, _draft(media=media), KEY, since)
    assert found is not None and found.remote_id == fake.made_posts[0]["id"]
    # the same text without the photo is another post
    assert facebook.find(api, _draft(), KEY, since) is None


def test_find_returns_none_for_another_text_or_an_older_post(fake, api):
    since = fake.now
    facebook.publish(api, _draft("Eerste bericht van vandaag"), KEY)
    assert facebook.find(api, _draft("Een ander bericht"), KEY, since) is None
    assert (
        facebook.find(
            api, _draft("Eerste bericht van vandaag"), KEY, since + dt.timedelta(minutes=5)
        )
        is None
    )
    # whitespace is one space; a naive time is read as UTC
    found = facebook.find(
        api, _draft("Eerste  bericht van\nvandaag"), KEY, since.replace(tzinfo=None)
    )
    assert found is not None and found.remote_id == fake.made_posts[0]["id"]


def test_find_walks_back_over_pages_of_posts(fake, api):
    old = fake.posts[26]  # on the second page of 25 (a link post: no photos)
    since = dt.datetime.strptime(old["created_time"], "%Y-%m-%dT%H:%M:%S%z")
    found = facebook.find(api, _draft(old["message"]), KEY, since)
    assert found is not None and found.remote_id == old["id"]
    assert len(fake.calls("posts")) == 2


def test_a_server_error_on_the_post_call_is_an_unknown_outcome(fake, api, sleeps):
    fake.faults["feed"] = [
        httpx.Response(
            500,
            json={
                "error": {
                    "message": "An unknown error has occurred.",
                    "type": "OAuthException",
                    "code": 1,
                    "is_transient": True,
                    "fbtrace_id": "AbC",
                }
            },
        )
    ]
    with pytest.raises(ConnectorError) as failed:
        facebook.publish(api, _draft(), KEY)
    assert failed.value.kind == "network"  # the worker looks before it sends again
    assert "looks for it first" in failed.value.message
    assert len(fake.calls("feed")) == 1 and sleeps == []


def test_the_rate_limit_is_a_rate_error_with_metas_time_to_regain_access(fake, api, sleeps):
    fake.faults["feed"] = [fake.rate_limited(minutes=45)]
    before = dt.datetime.now(dt.UTC)
    with pytest.raises(ConnectorError) as failed:
        facebook.publish(api, _draft(), KEY)
    error = failed.value
    assert error.kind == "rate" and error.transient
    assert error.retry_at is not None
    assert before + dt.timedelta(minutes=44) < error.retry_at < before + dt.timedelta(minutes=46)
    assert error.detail == "(32) (#32) Page request limit reached"
    assert len(fake.calls("feed")) == 1 and fake.made_posts == [] and sleeps == []


def test_an_expired_token_is_an_auth_error(fake, sleeps):
    with _client(sleeps, token="EAAGexpired" + "x" * 30) as api:
        with pytest.raises(ConnectorError) as failed:
            facebook.publish(api, _draft(), KEY)
        assert failed.value.kind == "auth" and "connect again" in failed.value.message
        assert failed.value.detail and "EAAG" not in failed.value.detail
        with pytest.raises(ConnectorError) as failed:
            instagram.find(api, _ig(), KEY, START)
        assert failed.value.kind == "auth"
    assert fake.made_posts == []


def test_a_token_without_pages_manage_posts_is_a_permission_error_naming_it(fake, api):
    fake.permissions.discard("pages_manage_posts")
    with pytest.raises(ConnectorError) as failed:
        facebook.publish(api, _draft(), KEY)
    error = failed.value
    assert error.kind == "permission" and error.status == 403
    assert "pages_manage_posts" in error.message
    assert error.detail is not None and error.detail.startswith("(200) (#200)")


def test_a_file_facebook_cannot_read_is_an_input_error(tmp_path, fake, api):
    bad = tmp_path / "kapot.jpg"
    bad.write_bytes(b"not an image")
    with pytest.raises(ConnectorError) as failed:
        facebook.publish(api, _draft(media=(MediaFile(bad, "image/jpeg", alt="x"),)), KEY)
    assert failed.value.kind == "input" and failed.value.field == "media"
    assert "cannot read this image" in failed.value.message
    assert fake.made_posts == []


def test_the_page_id_is_asked_once_when_the_session_has_none(fake, sleeps):
    with _client(sleeps) as api:
        api.session.pop("external_id")
        facebook.publish(api, _draft(), KEY)
        facebook.publish(api, _draft("Nog een"), KEY)
        assert api.session["external_id"] == PAGE_ID
    assert len(fake.calls("me")) == 1 and len(fake.made_posts) == 2


def test_the_facebook_publisher_spec():
    p = facebook.PUBLISHER
    assert p.network == "facebook" and p.connector_name == "meta"
    assert p.publish is facebook.publish and p.find is facebook.find
    assert p.serves({}) and p.serves(SETTINGS)
    assert p.account_of(PAGE_NAME, PAGE_ID, SETTINGS) == AccountRef(
        "facebook", PAGE_NAME, name=PAGE_NAME, external_id=PAGE_ID
    )


# -- Instagram ----------------------------------------------------------------------------
def test_an_image_goes_to_instagram_by_way_of_an_unpublished_page_photo(
    tmp_path, fake, api, sleeps
):
    media = (
        MediaFile(
            _image(tmp_path, "dak.png", "green", (1080, 1350)), "image/png", alt="Daktuin vol sedum"
        ),
    )
    sent = instagram.publish(api, _ig(media=media), KEY)

    # 1. the file goes to the Page as an unpublished photo
    (upload,) = fake.calls("photo")
    assert upload["form"]["published"] == "false"
    (photo,) = fake.photos.values()
    assert not photo["published"] and photo["content"] == media[0].path.read_bytes()
    # 2. its largest CDN rendition is the container's image_url, with caption and alt text
    (container,) = fake.containers.values()
    largest = photo["images"][1]
    assert largest["width"] == 1080 and largest["height"] == 1350
    assert container["form"] == {
        "image_url": largest["source"],
        "caption": "Onze nieuwe daktuin 🌱 #groendak",
        "alt_text": "Daktuin vol sedum",
    }
    # 3. looked at until FINISHED (IN_PROGRESS once), then published once
    assert len(fake.calls("status")) == 2 and sleeps == [1.0]
    (publish,) = fake.calls("publish")
    assert publish["form"] == {"creation_id": container["id"]}
    (made,) = fake.made_media
    assert made["media_type"] == "IMAGE"
    # 4. the permalink and time read back; the unpublished photo deleted again
    assert sent.remote_id == made["id"] and sent.url == made["permalink"]
    assert sent.published_at == START  # Instagram's timestamp of the media
    assert sent.post_id is None
    assert fake.deleted == [photo["id"]]
    assert sent.answer == {
        "id": made["id"],
        "permalink": made["permalink"],
        "comment_id": None,
        "container_id": container["id"],
        "children": [],
        "page_photos_removed": 1,
    }
    assert PAGE_TOKEN not in repr(sent)


def test_a_carousel_is_made_of_item_containers_and_one_caption(tmp_path, fake, api):
    media = (
        MediaFile(_image(tmp_path, "a.jpg", "green"), "image/jpeg", alt="Sedum"),
        MediaFile(_image(tmp_path, "b.jpg", "blue"), "image/jpeg"),
        MediaFile(_video(tmp_path), "video/mp4"),
    )
    sent = instagram.publish(api, _ig(media=media), KEY)

    entries = list(fake.containers.values())
    items, carousel = entries[:3], entries[3]
    assert [c["item"] for c in items] == [True, True, True]
    assert all("caption" not in c["form"] for c in items)
    assert items[0]["form"]["alt_text"] == "Sedum" and "alt_text" not in items[1]["form"]
    assert items[2]["form"] == {
        "upload_type": "resumable",
        "media_type": "VIDEO",
        "is_carousel_item": "true",
    }
    assert items[2]["uploaded"]
    assert carousel["form"] == {
        "media_type": "CAROUSEL",
        "children": ",".join(c["id"] for c in items),
        "caption": "Onze nieuwe daktuin 🌱 #groendak",
    }
    (made,) = fake.made_media
    assert made["media_type"] == "CAROUSEL_ALBUM" and made["container"] == carousel["id"]
    assert sent.answer["children"] == [c["id"] for c in items]
    assert sorted(fake.deleted) == sorted(fake.photos)  # both Page photos removed


def test_a_reel_goes_up_by_the_resumable_upload(tmp_path, fake, api, sleeps):
    media = (MediaFile(_video(tmp_path, "reel.mp4"), "video/mp4", alt="not sent for reels"),)
    sent = instagram.publish(api, _ig(media=media, first_comment="Link in bio!"), KEY)

    (container,) = fake.containers.values()
    assert container["form"] == {
        "upload_type": "resumable",
        "media_type": "REELS",
        "caption": "Onze nieuwe daktuin 🌱 #groendak",
    }
    assert fake.photos == {}  # a video does not go by the Page
    (upload,) = fake.calls("rupload")
    assert upload["url"] == f"{RUPLOAD}/{container['id']}"
    assert upload["form"] == {"offset": "0", "file_size": str(len(MP4))}
    assert container["content"] == MP4
    assert sleeps == [1.0, 2.0]  # IN_PROGRESS twice while Instagram transcodes
    (made,) = fake.made_media
    assert made["media_type"] == "VIDEO" and sent.remote_id == made["id"]
    (comment,) = fake.comments
    assert comment["on"] == made["id"] and sent.answer["comment_id"] == comment["id"]


def test_the_upload_carries_the_token_as_oauth(tmp_path, fake, api, router):
    instagram.publish(api, _ig(media=(MediaFile(_video(tmp_path), "video/mp4"),)), KEY)
    (call,) = [c for c in router.calls if c.request.url.host == "rupload.facebook.com"]
    assert call.request.headers["authorization"] == f"OAuth {PAGE_TOKEN}"
    assert call.request.headers["offset"] == "0"
    assert call.request.headers["file_size"] == str(len(MP4))
    assert call.request.content == MP4


def test_a_container_in_error_fails_the_post_with_its_reason(tmp_path, fake, api):
    fake.container_error = 2207026
    media = (MediaFile(_video(tmp_path, "oud.mp4"), "video/mp4"),)
    with pytest.raises(ConnectorError) as failed:
        instagram.publish(api, _ig(media=media), KEY)
    error = failed.value
    assert error.kind == "input" and not error.transient and error.field == "media"
    assert "video's format" in error.message
    assert error.detail == "Error: 2207026"
    assert fake.calls("publish") == [] and fake.made_media == []


def test_a_container_in_error_without_a_known_subcode_is_permanent_too(tmp_path, fake, api):
    fake.container_error = 2207999
    media = (MediaFile(_image(tmp_path, "dak.jpg", "green"), "image/jpeg"),)
    with pytest.raises(ConnectorError) as failed:
        instagram.publish(api, _ig(media=media), KEY)
    assert failed.value.kind == "input" and "could not process" in failed.value.message
    assert failed.value.detail == "Error: 2207999"
    assert len(fake.deleted) == 1  # the Page photo is removed on failure too


def test_media_still_processing_is_waited_for_then_left_to_the_next_try(
    tmp_path, fake, api, sleeps
):
    fake.processing_polls = 10_000
    media = (MediaFile(_image(tmp_path, "dak.jpg", "green"), "image/jpeg"),)
    with pytest.raises(ConnectorError) as failed:
        instagram.publish(api, _ig(media=media), KEY)
    error = failed.value
    assert error.kind == "server" and error.transient
    assert "still processing" in error.message
    assert sum(sleeps) == pytest.approx(instagram.MEDIA_WAIT) and max(sleeps) <= 10.0
    assert fake.calls("publish") == [] and fake.made_media == []


def test_media_not_ready_at_publish_is_waited_out(tmp_path, fake, api, sleeps):
    fake.processing_polls, fake.not_ready = 0, 2
    media = (MediaFile(_image(tmp_path, "dak.jpg", "green"), "image/jpeg"),)
    sent = instagram.publish(api, _ig(media=media), KEY)
    assert len(fake.calls("publish")) == 3 and len(fake.made_media) == 1
    assert sleeps == [2.0, 4.0] and sent.remote_id == fake.made_media[0]["id"]


def test_media_never_ready_at_publish_is_a_transient_error(tmp_path, fake, api, sleeps):
    fake.processing_polls, fake.not_ready = 0, 99
    media = (MediaFile(_image(tmp_path, "dak.jpg", "green"), "image/jpeg"),)
    with pytest.raises(ConnectorError) as failed:
        instagram.publish(api, _ig(media=media), KEY)
    error = failed.value
    assert error.kind == "server" and error.transient
    assert "not finished processing" in error.message
    assert error.detail is not None and error.detail.startswith("(9007/2207027)")
    assert sleeps == [2.0, 4.0, 8.0] and len(fake.calls("publish")) == 4


def test_the_publishing_limit_is_a_rate_error_tried_again_in_a_day(tmp_path, fake, api, sleeps):
    fake.publish_limit = True
    media = (MediaFile(_image(tmp_path, "dak.jpg", "green"), "image/jpeg"),)
    before = dt.datetime.now(dt.UTC)
    with pytest.raises(ConnectorError) as failed:
        instagram.publish(api, _ig(media=media), KEY)
    error = failed.value
    assert error.kind == "rate" and error.transient
    assert "daily limit" in error.message
    assert error.retry_at is not None
    assert before + dt.timedelta(hours=23) < error.retry_at < before + dt.timedelta(hours=25)
    assert "maximum number of posts" in (error.detail or "")
    assert len(fake.calls("publish")) == 1 and fake.made_media == []


def test_a_token_without_instagram_content_publish_is_a_permission_error(tmp_path, fake, api):
    fake.permissions.discard("instagram_content_publish")
    media = (MediaFile(_image(tmp_path, "dak.jpg", "green"), "image/jpeg"),)
    with pytest.raises(ConnectorError) as failed:
        instagram.publish(api, _ig(media=media), KEY)
    assert failed.value.kind == "permission"
    assert "instagram_content_publish" in failed.value.message
    assert fake.made_media == []


def test_a_refused_first_comment_does_not_fail_the_instagram_post(tmp_path, fake, api):
    fake.faults["comment"] = [fake.rate_limited(minutes=5, code=4)]
    media = (MediaFile(_image(tmp_path, "dak.jpg", "green"), "image/jpeg"),)
    sent = instagram.publish(api, _ig(media=media, first_comment="Wie komt kijken?"), KEY)
    assert sent.remote_id == fake.made_media[0]["id"]
    assert sent.answer["comment_id"] is None
    assert sent.answer["comment_error"]["kind"] == "rate"


def test_an_instagram_post_lost_in_a_timeout_is_found_by_find(tmp_path, fake, api):
    fake.lose["publish"] = 1
    media = (
        MediaFile(_image(tmp_path, "a.jpg", "green"), "image/jpeg"),
        MediaFile(_image(tmp_path, "b.jpg", "blue"), "image/jpeg"),
    )
    draft = _ig("Twee foto's van het dak\n#groendak  #utrecht", media=media)
    since = fake.now
    with pytest.raises(ConnectorError) as failed:
        instagram.publish(api, draft, KEY)
    assert failed.value.kind == "network"
    assert len(fake.calls("publish")) == 1 and len(fake.made_media) == 1

    found = instagram.find(api, draft, KEY, since)
    (made,) = fake.made_media
    assert found is not None
    assert found.remote_id == made["id"] and found.url == made["permalink"]
    assert found.answer["found_by"] == "text and time"
    # the same caption with one image, or another caption, is another post
    assert instagram.find(api, _ig(draft.text, media=media[:1]), KEY, since) is None
    assert instagram.find(api, _ig("Iets anders", media=media), KEY, since) is None


def test_instagram_find_returns_none_when_nothing_was_posted(tmp_path, fake, api):
    media = (MediaFile(_image(tmp_path, "a.jpg", "green"), "image/jpeg"),)
    assert instagram.find(api, _ig(media=media), KEY, fake.now) is None
    assert len(fake.calls("media")) == 1  # the first page is older than `since`: no more


def test_instagram_refuses_a_post_without_media_before_sending_anything(fake, api):
    with pytest.raises(ConnectorError) as failed:
        instagram.publish(api, _ig(), KEY)
    assert failed.value.kind == "input" and failed.value.field == "media"
    assert "image or a video" in failed.value.message
    assert fake.requests == []


def test_instagram_without_an_account_on_the_page_is_refused(tmp_path, fake, sleeps):
    media = (MediaFile(_image(tmp_path, "a.jpg", "green"), "image/jpeg"),)
    with _client(sleeps, settings={"instagram_id": None}) as api:
        with pytest.raises(ConnectorError) as failed:
            instagram.publish(api, _ig(media=media), KEY)
    assert failed.value.kind == "input" and "Instagram professional account" in failed.value.message
    assert fake.requests == []


def test_the_instagram_publisher_serves_only_a_page_with_an_account():
    p = instagram.PUBLISHER
    assert p.network == "instagram" and p.connector_name == "meta"
    assert p.serves(SETTINGS)
    assert not p.serves({"instagram_id": None, "instagram_username": None})
    assert not p.serves({})
    assert p.account_of(PAGE_NAME, PAGE_ID, SETTINGS) == AccountRef(
        "instagram", IG_USER, external_id=IG_ID
    )


def test_comparable_leaves_out_links_and_extra_whitespace():
    assert facebook.comparable("Kijk  op\nhttps://groendak.example/a?b=c  nu") == "Kijk op nu"
    assert facebook.comparable(None) == ""
