"""Publishing to Mastodon against the recorded publishing API (tests/publishing/
mastodon_publish_api.py): images with descriptions, media still processing (202, 206, 200),
the 422 "not finished processing", exactly once by the Idempotency-Key and, when the answer
was lost, by find(); the first comment as a reply; Mastodon's refusals in plain words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx
from PIL import Image

from socialdesk.connectors import mastodon as connector
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.errors import ConnectorError
from socialdesk.connectors.http import ApiClient
from socialdesk.importers._messages import html_text
from socialdesk.publishing import mastodon
from socialdesk.publishing.base import Draft, MediaFile
from tests.publishing.mastodon_publish_api import (
    INSTANCE,
    NOT_READY,
    START,
    TOKEN,
    FakeMastodonPublish,
    render,
    sample,
)

KEY = "plan-7:mastodon:3"


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def router() -> Iterator[respx.Router]:
    with respx.mock(assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture
def fake(router: respx.Router) -> FakeMastodonPublish:
    api = sample()
    api.install(router)
    return api


def _asked_who(router: respx.Router) -> int:
    """How often the account was asked for (verify_credentials)."""
    return sum(c.request.url.path.endswith("/verify_credentials") for c in router.calls)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def api(sleeps: Sleeps) -> Iterator[ApiClient]:
    """The connector's client, as a publishing run gets it."""
    with _client(sleeps) as client:
        yield client


def _client(sleeps: Sleeps, token: str = TOKEN) -> ApiClient:
    return connector.client(
        {"token": token},
        {"instance": INSTANCE, "acct": "groenfonds"},
        HttpOptions(sleep=sleeps),
    )


def _image(tmp_path: Path, name: str, color: str, size: tuple[int, int] = (64, 48)) -> Path:
    path = tmp_path / name
    Image.new("RGB", size, color).save(path)
    return path


def _draft(text: str = "Bomen planten in Utrecht 🌳 #groen", **kw) -> Draft:
    return Draft(network="mastodon", text=text, created_at=START, language="nl", **kw)


def _status_posts(fake: FakeMastodonPublish) -> list[dict]:
    return [p for p in fake.posts if "in_reply_to_id" not in p["form"]]


def test_a_post_with_two_images_carries_their_descriptions_and_the_key(tmp_path, fake, api):
    media = (
        MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Een jonge eik"),
        MediaFile(_image(tmp_path, "beuk.jpg", "brown"), "image/jpeg", alt="Beukenlaan, herfst"),
    )
    sent = mastodon.publish(api, _draft(media=media, visibility="unlisted"), KEY)

    # the multipart uploads: the file with its name and type, and its description
    assert [u["file"]["filename"] for u in fake.uploads] == ["eik.png", "beuk.jpg"]
    assert [u["file"]["content_type"] for u in fake.uploads] == ["image/png", "image/jpeg"]
    assert [u["description"]["content"].decode() for u in fake.uploads] == [
        "Een jonge eik",
        "Beukenlaan, herfst",
    ]
    # one status, with both media in order, the key, visibility and language
    (post,) = fake.posts
    ids = [m["id"] for m in fake.media.values()]
    assert post["key"] == KEY
    assert post["form"]["media_ids[]"] == ids
    assert post["form"]["visibility"] == ["unlisted"] and post["form"]["language"] == ["nl"]
    assert post["form"]["status"] == ["Bomen planten in Utrecht 🌳 #groen"]
    (made,) = fake.made
    assert [m["description"] for m in made["media_attachments"]] == [
        "Een jonge eik",
        "Beukenlaan, herfst",
    ]
    # what the network made of it
    assert sent.remote_id == made["id"] and sent.url == made["url"]
    assert sent.published_at == START and sent.published_at.tzinfo is not None
    assert sent.answer == {
        "id": made["id"],
        "uri": made["uri"],
        "url": made["url"],
        "media_ids": ids,
        "comment_id": None,
    }
    assert TOKEN not in repr(sent)
    assert mastodon.PUBLISHER.network == "mastodon" and mastodon.PUBLISHER.find is mastodon.find


def test_media_still_processing_is_polled_until_done_then_posted(tmp_path, fake, api, sleeps):
    fake.async_media, fake.processing_polls = True, 2
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    media = (MediaFile(video, "video/mp4", alt="Vrijwilligers planten een boom"),)

    sent = mastodon.publish(api, _draft(media=media), KEY)

    (media_id,) = fake.media
    assert fake.media_polls == [media_id] * 3  # 206, 206, 200
    assert sleeps == [1.0, 2.0, 4.0]
    (post,) = fake.posts  # posted only after the media was done: no 422 on the way
    assert post["form"]["media_ids[]"] == [media_id]
    assert sent.answer["media_ids"] == [media_id]
    assert fake.made[0]["media_attachments"][0]["url"] is not None


def test_media_that_never_finishes_stops_after_a_minute_for_the_worker_to_retry(
    tmp_path, fake, api, sleeps
):
    fake.async_media, fake.processing_polls = True, 10_000
    media = (MediaFile(_image(tmp_path, "groot.png", "blue"), "image/png", alt="Kaart"),)
    with pytest.raises(ConnectorError) as failed:
        mastodon.publish(api, _draft(media=media), KEY)
    assert failed.value.kind == "server" and failed.value.transient
    assert "still processing" in failed.value.message
    assert sum(sleeps) == pytest.approx(60.0) and max(sleeps) <= 10.0
    assert fake.posts == [] and fake.made == []


def test_not_finished_processing_is_waited_out_and_retried(tmp_path, fake, api, sleeps):
    fake.not_ready = 2
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Een eik"),)
    sent = mastodon.publish(api, _draft(media=media), KEY)
    assert len(fake.posts) == 3 and {p["key"] for p in fake.posts} == {KEY}
    assert len(fake.made) == 1 and sent.remote_id == fake.made[0]["id"]
    assert sleeps == [2.0, 4.0]


def test_media_never_ready_for_the_status_is_a_transient_error(tmp_path, fake, api, sleeps):
    fake.not_ready = 99
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Een eik"),)
    with pytest.raises(ConnectorError) as failed:
        mastodon.publish(api, _draft(media=media), KEY)
    assert failed.value.kind == "server" and NOT_READY in (failed.value.detail or "")
    assert len(fake.posts) == 5 and fake.made == []
    assert sleeps == [2.0, 4.0, 8.0, 16.0]


def test_the_same_key_twice_makes_one_status(fake, api):
    first = mastodon.publish(api, _draft(), KEY)
    again = mastodon.publish(api, _draft(), KEY)
    assert len(fake.posts) == 2 and len(fake.made) == 1
    assert again.remote_id == first.remote_id and again.url == first.url
    other = mastodon.publish(api, _draft(), KEY + "-other")
    assert len(fake.made) == 2 and other.remote_id != first.remote_id


def test_an_answer_lost_once_is_retried_with_the_key_and_makes_one_status(fake, api):
    fake.lose_answers = 1
    sent = mastodon.publish(api, _draft(), KEY)
    assert len(fake.posts) == 2 and len(fake.made) == 1
    assert sent.remote_id == fake.made[0]["id"]


def test_a_timeout_after_the_status_was_made_is_found_by_find(tmp_path, router, fake, api):
    fake.lose_answers = 99  # every answer to the status call is lost, the status is stored
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Een eik"),)
    text = (
        "Vandaag planten we 40 bomen met @buurman@mastodon.nl en jullie! Lees meer op "
        "https://groenfonds.example/nieuws/2026/bomenplantdag-utrecht?utm_source=mastodon "
        "#groen"
    )
    draft = _draft(text, media=media, first_comment="Doe je mee? Meld je aan!")
    since = fake.now
    with pytest.raises(ConnectorError) as failed:
        mastodon.publish(api, draft, KEY)
    assert failed.value.kind == "network" and failed.value.transient
    assert len(fake.posts) == 5 and len(fake.made) == 1  # five tries, one status: the key
    made = fake.made[0]
    assert '<span class="ellipsis">' in made["content"]  # the link is shown shortened

    # more than an hour later, the key is forgotten: find() looks by text and time
    fake.now += dt.timedelta(hours=2)
    found = mastodon.find(api, draft, KEY, since)
    assert found is not None
    assert found.remote_id == made["id"] and found.url == made["url"]
    assert found.published_at == since
    assert found.answer["media_ids"] == [m["id"] for m in made["media_attachments"]]
    assert found.answer["comment_id"] is None  # the comment never went out
    assert found.answer["found_by"] == "text and time"
    # the account id came from verify_credentials, once; it is kept in the session
    assert api.session["account_id"] == "109"
    assert mastodon.find(api, draft, KEY, since) == found
    assert _asked_who(router) == 1
    assert all("/accounts/109/statuses" in c and "limit=40" in c for c in fake.reads.calls)


def test_find_uses_the_account_id_the_run_put_in_the_session(router, fake, api):
    api.session["external_id"] = "109"  # publishing.run: the connection's external_id
    since = fake.now
    sent = mastodon.publish(api, _draft(), KEY)
    found = mastodon.find(api, _draft(), KEY, since)
    assert found is not None and found.remote_id == sent.remote_id
    assert _asked_who(router) == 0


def test_find_finds_nothing_for_another_text_an_older_post_or_other_media(tmp_path, fake, api):
    since = fake.now
    sent = mastodon.publish(api, _draft("Eerste bericht van vandaag"), KEY)
    assert mastodon.find(api, _draft("Een ander bericht"), KEY, since) is None
    # the same text, but made before this attempt began (less a minute's slack)
    later = since + dt.timedelta(minutes=5)
    assert mastodon.find(api, _draft("Eerste bericht van vandaag"), KEY, later) is None
    # the slack: a clock a little ahead still finds it; a naive time is read as UTC
    found = mastodon.find(
        api,
        _draft("Eerste  bericht van\nvandaag"),
        KEY,
        (since + dt.timedelta(seconds=30)).replace(tzinfo=None),
    )
    assert found is not None and found.remote_id == sent.remote_id
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png"),)
    assert mastodon.find(api, _draft("Eerste bericht van vandaag", media=media), KEY, since) is None


def test_find_walks_back_over_pages_and_stops_at_since(fake, api):
    """An old status with the same text on the second page is found when `since` lies before
    it; the walk stops at the first status older than `since`."""
    old = fake.statuses[45]  # second page (40 a page)
    text = "Bericht 45 & meer"
    assert old["content"] == render(text)
    since = dt.datetime.fromisoformat(old["created_at"].replace("Z", "+00:00"))
    found = mastodon.find(api, _draft(text), KEY, since)
    assert found is not None and found.remote_id == old["id"]
    assert len(fake.reads.calls) == 2
    fake.reads.calls.clear()
    assert mastodon.find(api, _draft(text), KEY, fake.now) is None
    assert len(fake.reads.calls) == 1


def test_the_first_comment_is_a_reply_with_its_own_key(fake, api):
    draft = _draft(first_comment="Aanmelden kan via de link in ons profiel.")
    sent = mastodon.publish(api, draft, KEY)
    post, comment = fake.made[0], fake.made[1]
    assert comment["in_reply_to_id"] == post["id"] == sent.remote_id
    assert comment["in_reply_to_account_id"] == "109"
    assert comment["visibility"] == "unlisted"
    assert [p["key"] for p in fake.posts] == [KEY, f"{KEY}:comment"]
    assert sent.answer["comment_id"] == comment["id"]
    assert post["replies_count"] == 1
    # publishing again with the key: neither the post nor the comment twice
    again = mastodon.publish(api, draft, KEY)
    assert len(fake.made) == 2 and again.answer["comment_id"] == comment["id"]
    # find() also finds the comment
    found = mastodon.find(api, draft, KEY, START)
    assert found is not None and found.answer["comment_id"] == comment["id"]


def test_a_followers_only_post_keeps_its_audience_for_the_comment(fake, api):
    mastodon.publish(api, _draft(visibility="private", first_comment="Meer volgt."), KEY)
    assert [s["visibility"] for s in fake.made] == ["private", "private"]


def test_a_refused_comment_does_not_fail_the_post_that_went_out(fake, api):
    sent = mastodon.publish(api, _draft(first_comment="x" * 600), KEY)
    assert len(fake.made) == 1 and sent.remote_id == fake.made[0]["id"]
    assert sent.answer["comment_id"] is None
    assert sent.answer["comment_error"]["kind"] == "input"
    assert "500" in sent.answer["comment_error"]["detail"]


def test_the_character_limit_is_an_input_error_naming_the_limit(fake, api):
    with pytest.raises(ConnectorError) as failed:
        mastodon.publish(api, _draft("Bomen " * 100), KEY)
    error = failed.value
    assert error.kind == "input" and not error.transient and error.status == 422
    assert "character limit" in error.message
    assert error.detail == "Validation failed: Text character limit of 500 exceeded"
    assert "500" in str(error)
    assert fake.made == [] and len(fake.posts) == 1  # not retried


def test_links_count_23_characters_as_mastodon_counts_them(fake, api):
    text = "a" * 470 + " https://groenfonds.example/" + "x" * 100
    mastodon.publish(api, _draft(text), KEY)
    assert len(fake.made) == 1


def test_a_file_mastodon_cannot_read_is_an_input_error_naming_it(tmp_path, fake, api):
    bad = tmp_path / "kapot.png"
    bad.write_bytes(b"not an image at all")
    with pytest.raises(ConnectorError) as failed:
        mastodon.publish(api, _draft(media=(MediaFile(bad, "image/png", alt="Kapot"),)), KEY)
    error = failed.value
    assert error.kind == "input" and error.field == "media" and error.status == 422
    assert "media file" in error.message
    assert (
        error.detail
        == "kapot.png: Validation failed: File content type is invalid, File is invalid"
    )
    assert fake.posts == []


def test_a_missing_file_is_an_input_error_before_anything_is_sent(tmp_path, fake, api):
    gone = MediaFile(tmp_path / "weg.png", "image/png", alt="Weg")
    with pytest.raises(ConnectorError) as failed:
        mastodon.publish(api, _draft(media=(gone,)), KEY)
    assert failed.value.kind == "input" and "weg.png" in (failed.value.detail or "")
    assert fake.uploads == [] and fake.posts == []


def test_an_invalid_token_is_an_auth_error(fake, sleeps):
    with _client(sleeps, token="revoked") as api, pytest.raises(ConnectorError) as failed:
        mastodon.publish(api, _draft(), KEY)
    assert failed.value.kind == "auth" and "connect again" in failed.value.message
    assert failed.value.detail and "revoked" not in failed.value.detail
    assert len(fake.posts) == 1 and fake.made == []


def test_a_token_without_write_scopes_is_a_permission_error_naming_them(tmp_path, fake, api):
    fake.scopes = {"read"}
    with pytest.raises(ConnectorError) as failed:
        mastodon.publish(api, _draft(), KEY)
    error = failed.value
    assert error.kind == "permission" and error.status == 403
    assert "write:statuses" in error.message and "write:media" in error.message
    assert error.detail == "This action is outside the authorized scopes"
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png"),)
    with pytest.raises(ConnectorError) as failed:
        mastodon.publish(api, _draft(media=media), KEY)
    assert failed.value.kind == "permission"
    assert fake.made == []


def test_the_rate_limit_is_a_rate_error_with_the_time_to_try_again(fake, api, sleeps):
    fake.faults["status"] = [fake.too_many_requests(dt.timedelta(hours=1))]
    with pytest.raises(ConnectorError) as failed:
        mastodon.publish(api, _draft(), KEY)
    error = failed.value
    assert error.kind == "rate" and error.transient and error.status == 429
    assert error.retry_at is not None
    assert error.retry_at > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=50)
    assert len(fake.posts) == 1 and sleeps == []  # a wait that long is the worker's
    # a short wait is waited out, and the key makes the retry safe
    fake.faults["status"] = [fake.too_many_requests(dt.timedelta(seconds=20))]
    sent = mastodon.publish(api, _draft(), KEY)
    assert len(fake.made) == 1 and sent.remote_id == fake.made[0]["id"]
    assert len(sleeps) == 1 and 19 <= sleeps[0] <= 21


def test_a_server_error_on_an_upload_is_retried(tmp_path, fake, api):
    fake.faults["upload"] = [
        httpx.Response(500, json={"error": "Error processing thumbnail for uploaded media"})
    ]
    media = (MediaFile(_image(tmp_path, "eik.png", "green"), "image/png", alt="Een eik"),)
    sent = mastodon.publish(api, _draft(media=media), KEY)
    assert len(fake.uploads) == 2 and len(sent.answer["media_ids"]) == 1


def test_comparable_text_leaves_out_links_and_servers_of_mentions():
    html = render("Hoi @buurman@mastodon.nl!\n\nZie https://groenfonds.example/a/very/long/path/x")
    assert mastodon.comparable(html_text(html)) == mastodon.comparable(
        "Hoi @buurman@mastodon.nl!\n\nZie https://groenfonds.example/a/very/long/path/x"
    )
    assert mastodon.comparable("info@groenfonds.nl  mailt\n") == "info@groenfonds.nl mailt"
