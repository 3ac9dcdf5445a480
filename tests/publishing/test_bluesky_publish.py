"""Publishing to Bluesky against a real local AT Protocol network (PLC, PDS and AppView from
@atproto/dev-env, tests/connectors/pds): rich text with UTF-8 byte offsets, images with alt
text, a video with alt text and its shown aspect ratio, a link card, the first comment as a
reply, exactly once by a deterministic record key, and what Bluesky cannot take (a video with
images, a file that is no video) refused before anything is sent. Every record is read back
from the PDS."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from socialdesk.connectors import bluesky as connector
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.errors import ConnectorError
from socialdesk.connectors.http import ApiClient
from socialdesk.publishing import bluesky
from socialdesk.publishing.base import Draft, MediaFile
from tests.connectors.pds_client import Account, PdsNetwork, XrpcError, now_iso
from tests.visual.test_video import LANDSCAPE, PORTRAIT

HTTP = HttpOptions(sleep=lambda _s: None)
POST = "app.bsky.feed.post"


def _client(pds: PdsNetwork, account: Account) -> ApiClient:
    """The connector's client, as a publishing run gets it (a session from the app password)."""
    return connector.client(
        {"identifier": account.handle, "app_password": account.app_password},
        {"service": pds.pds_url},
        HTTP,
    )


@pytest.fixture
def org(pds: PdsNetwork) -> Iterator[tuple[Account, ApiClient]]:
    account = pds.new_account("org")
    with _client(pds, account) as api:
        yield account, api


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _record(pds: PdsNetwork, uri: str) -> dict:
    _, _, repo, collection, rkey = uri.split("/", 4)
    return pds.client.query(
        "com.atproto.repo.getRecord", {"repo": repo, "collection": collection, "rkey": rkey}
    )


def _posts(pds: PdsNetwork, account: Account) -> list[dict]:
    return pds.client.list_records(account.did, POST)


def _slices(text: str, facets: list[dict]) -> list[tuple[str, dict]]:
    raw = text.encode("utf-8")
    return [
        (raw[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode("utf-8"), f["features"][0])
        for f in facets
    ]


# -- record keys (no network) ---------------------------------------------------------------------


def test_a_tid_is_the_spec_s_encoding():
    assert bluesky.tid(0, 0) == "2222222222222"
    assert bluesky.tid(1724171495793000, 512) == "3l25zusnsfck2"  # @atcute/tid's example
    with pytest.raises(ValueError):
        bluesky.tid(2**53, 0)


def test_the_record_key_follows_the_key_and_the_time():
    at = dt.datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=dt.UTC)
    rkey = bluesky.record_key(at, "draft-1:bluesky")
    assert rkey == bluesky.record_key(at, "draft-1:bluesky")
    assert len(rkey) == 13 and rkey[0] in "234567abcdefghij"
    assert rkey != bluesky.record_key(at, "draft-2:bluesky")
    assert rkey != bluesky.record_key(at + dt.timedelta(microseconds=1), "draft-1:bluesky")
    # later is larger: record keys sort as the posts' times
    assert rkey < bluesky.record_key(at + dt.timedelta(seconds=1), "draft-1:bluesky")
    # the same moment in another timezone is the same key
    amsterdam = at.astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert bluesky.record_key(amsterdam, "draft-1:bluesky") == rkey


# -- what the PDS does ---------------------------------------------------------------------------


def test_the_pds_refuses_a_second_record_under_one_rkey(pds):
    """What publish() relies on: a record key holds one record; a second createRecord under it
    is answered HTTP 500 InternalServerError (the repository tree's "There is already a value
    at key"), whatever the record, and the first stays."""
    account = pds.new_account("dup")
    rkey = bluesky.record_key(_now(), "dup")
    record = {"$type": POST, "text": "first", "createdAt": now_iso()}
    first = pds.client.create_record(account, POST, record, rkey=rkey)
    for again in (record, {**record, "text": "second"}):
        with pytest.raises(XrpcError) as refused:
            pds.client.create_record(account, POST, again, rkey=rkey)
        assert (refused.value.status, refused.value.error) == (500, "InternalServerError")
    assert [r["uri"] for r in _posts(pds, account)] == [first.uri]
    assert _record(pds, first.uri)["value"]["text"] == "first"


# -- publishing -----------------------------------------------------------------------------------


def test_rich_text_has_byte_exact_facets(pds, org):
    account, api = org
    bob = pds.new_account("bob")
    ghost = f"@nobody{secrets.token_hex(3)}.test"
    text = (
        f"Café ☕ en 🌱 met @{bob.handle} en {ghost}: lees https://example.org/plant?id=1#deel. "
        "#Plantdag #2024 (zie https://example.org/b) #één!"
    )
    at = _now()
    draft = Draft("bluesky", text, created_at=at, language="nl")
    sent = bluesky.publish(api, draft, "draft-rich:bluesky")

    rkey = bluesky.record_key(at, "draft-rich:bluesky")
    assert sent.remote_id == f"at://{account.did}/{POST}/{rkey}"
    assert sent.url == f"https://bsky.app/profile/{account.handle}/post/{rkey}"
    assert sent.published_at == at
    assert sent.answer["rkey"] == rkey and sent.answer["blobs"] == 0
    assert sent.answer["comment_uri"] is None
    stored = _record(pds, sent.remote_id)
    assert stored["cid"] == sent.answer["cid"]
    value = stored["value"]
    assert value["text"] == text
    assert value["langs"] == ["nl"]
    assert value["createdAt"] == now_iso(at)
    assert "embed" not in value
    assert _slices(text, value["facets"]) == [
        (f"@{bob.handle}", {"$type": "app.bsky.richtext.facet#mention", "did": bob.did}),
        (
            "https://example.org/plant?id=1#deel",
            {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/plant?id=1#deel"},
        ),
        ("#Plantdag", {"$type": "app.bsky.richtext.facet#tag", "tag": "Plantdag"}),
        (
            "https://example.org/b",
            {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/b"},
        ),
        ("#één", {"$type": "app.bsky.richtext.facet#tag", "tag": "één"}),
    ]
    # multi-byte characters come before the facets: byte offsets are not character offsets
    first = value["facets"][0]["index"]["byteStart"]
    assert first != text.index(f"@{bob.handle}")
    # the AppView indexes it with the same facets (a mention of bob it can show)
    pds.process_all()
    view = pds.client.query("app.bsky.feed.getPosts", {"uris": [sent.remote_id]}, auth=account)
    assert view["posts"][0]["record"]["facets"] == value["facets"]


def _png(path: Path, size: tuple[int, int], colour: str) -> Path:
    Image.new("RGB", size, colour).save(path, format="PNG")
    return path


def test_two_images_with_alt_text(pds, org, tmp_path):
    account, api = org
    wide = _png(tmp_path / "wide.png", (64, 36), "green")
    tall = _png(tmp_path / "tall.png", (30, 40), "orange")
    draft = Draft(
        "bluesky",
        "Twee foto's van de plantdag",
        created_at=_now(),
        media=(
            MediaFile(wide, "image/png", alt="Vrijwilligers planten een boom"),
            MediaFile(tall, "image/png", alt="Een jonge eik", width=300, height=400),
        ),
        link="https://example.org/plantdag",  # images win over the link card
    )
    sent = bluesky.publish(api, draft, "draft-images:bluesky")
    assert sent.answer["blobs"] == 2
    embed = _record(pds, sent.remote_id)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    images = embed["images"]
    assert [i["alt"] for i in images] == ["Vrijwilligers planten een boom", "Een jonge eik"]
    # read with Pillow when the draft does not say; the draft's own figures when it does
    assert [i["aspectRatio"] for i in images] == [
        {"width": 64, "height": 36},
        {"width": 300, "height": 400},
    ]
    for image, path in zip(images, (wide, tall), strict=True):
        blob = image["image"]
        assert blob["$type"] == "blob" and blob["mimeType"] == "image/png"
        assert blob["size"] == path.stat().st_size
        got = pds.client.http.get(
            "/xrpc/com.atproto.sync.getBlob",
            params={"did": account.did, "cid": blob["ref"]["$link"]},
        )
        assert got.status_code == 200 and got.content == path.read_bytes()
    pds.process_all()
    view = pds.client.query("app.bsky.feed.getPosts", {"uris": [sent.remote_id]}, auth=account)
    shown = view["posts"][0]["embed"]
    assert shown["$type"] == "app.bsky.embed.images#view"
    assert [i["alt"] for i in shown["images"]] == [i["alt"] for i in images]


def test_a_link_becomes_a_card(pds, org):
    _account, api = org
    at = _now()
    titled = Draft(
        "bluesky",
        "Lees het verslag",
        created_at=at,
        link="https://example.org/verslag?utm_source=bluesky",
        link_title="Verslag van de plantdag",
    )
    bare = Draft("bluesky", "En dit", created_at=at, link="https://example.org/kort")
    cards = [
        _record(pds, bluesky.publish(api, d, f"draft-card-{i}").remote_id)["value"]["embed"]
        for i, d in enumerate((titled, bare))
    ]
    assert cards == [
        {
            "$type": "app.bsky.embed.external",
            "external": {
                "uri": "https://example.org/verslag?utm_source=bluesky",
                "title": "Verslag van de plantdag",
                "description": "",
            },
        },
        {
            "$type": "app.bsky.embed.external",
            "external": {
                "uri": "https://example.org/kort",
                "title": "https://example.org/kort",
                "description": "",
            },
        },
    ]


def test_the_first_comment_is_a_reply_to_the_post(pds, org):
    account, api = org
    draft = Draft(
        "bluesky",
        "Nieuw seizoen!",
        created_at=_now(),
        first_comment="Aanmelden: https://example.org/aanmelden",
        language="nl",
    )
    sent = bluesky.publish(api, draft, "draft-comment:bluesky")
    comment_uri = sent.answer["comment_uri"]
    assert comment_uri and comment_uri != sent.remote_id
    assert comment_uri.rsplit("/", 1)[-1] == bluesky.record_key(
        draft.created_at + dt.timedelta(milliseconds=1), "draft-comment:bluesky:comment"
    )
    comment = _record(pds, comment_uri)["value"]
    strong = {"uri": sent.remote_id, "cid": sent.answer["cid"]}
    assert comment["reply"] == {"root": strong, "parent": strong}
    assert comment["text"] == "Aanmelden: https://example.org/aanmelden"
    assert comment["langs"] == ["nl"]
    assert _slices(comment["text"], comment["facets"]) == [
        (
            "https://example.org/aanmelden",
            {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/aanmelden"},
        )
    ]
    assert len(_posts(pds, account)) == 2
    pds.process_all()
    thread = pds.client.query("app.bsky.feed.getPostThread", {"uri": sent.remote_id}, auth=account)[
        "thread"
    ]
    assert [r["post"]["uri"] for r in thread["replies"]] == [comment_uri]


# -- exactly once ---------------------------------------------------------------------------------


def test_publishing_twice_with_one_key_makes_one_post(pds, org):
    account, api = org
    at = _now()
    draft = Draft("bluesky", "Eén keer, écht", created_at=at, first_comment="En één reactie")
    key = "draft-once:bluesky"
    assert bluesky.find(api, draft, key, at) is None
    first = bluesky.publish(api, draft, key)
    # a second worker (a new session, nothing cached) sends the same draft again
    with _client(pds, account) as other:
        second = bluesky.publish(other, draft, key)
        assert bluesky.find(other, draft, key, at) == first
    assert second == first
    assert bluesky.find(api, draft, key, at) == first
    uris = sorted(r["uri"] for r in _posts(pds, account))
    assert uris == sorted([first.remote_id, first.answer["comment_uri"]])
    # another key at the same moment is another post
    other_key = bluesky.publish(api, draft, "draft-twice:bluesky")
    assert other_key.remote_id != first.remote_id
    assert len(_posts(pds, account)) == 4


def test_a_crash_between_post_and_comment_sends_only_the_comment(pds, org):
    account, api = org
    at = _now()
    full = Draft("bluesky", "Bericht met reactie", created_at=at, first_comment="De reactie")
    key = "draft-crash:bluesky"
    # the post went out, the worker died before the comment
    post_only = bluesky.publish(api, Draft("bluesky", full.text, created_at=at), key)
    found = bluesky.find(api, full, key, at)
    assert found is not None and found.remote_id == post_only.remote_id
    assert found.answer["comment_uri"] is None
    sent = bluesky.publish(api, full, key)
    assert sent.remote_id == post_only.remote_id and sent.answer["comment_uri"]
    assert len(_posts(pds, account)) == 2
    assert bluesky.find(api, full, key, at) == sent


def test_another_post_under_the_record_key_is_never_taken_for_this_one(pds, org):
    account, api = org
    at = _now()
    key = "draft-clash:bluesky"
    mine = bluesky.publish(api, Draft("bluesky", "De eerste", created_at=at), key)
    other = Draft("bluesky", "Een andere tekst", created_at=at)
    assert bluesky.find(api, other, key, at) is None
    with pytest.raises(ConnectorError) as refused:
        bluesky.publish(api, other, key)
    assert refused.value.kind == "input"
    assert [r["uri"] for r in _posts(pds, account)] == [mine.remote_id]


def test_a_video_with_alt_text(pds, org, tmp_path):
    """The simple way (uploadBlob, then app.bsky.embed.video): the blob is the file, its
    aspect ratio the size the phone shows (a portrait video stored landscape, turned 90°)."""
    account, api = org
    clip = Path(shutil.copy(PORTRAIT, tmp_path / "clip.mp4"))
    draft = Draft(
        "bluesky",
        "Een filmpje van de plantdag",
        created_at=_now(),
        media=(MediaFile(clip, "video/mp4", alt="Een eik wordt geplant, van dichtbij"),),
        link="https://example.org/plantdag",  # the video wins over the link card
    )
    sent = bluesky.publish(api, draft, "draft-video:bluesky")
    assert sent.answer["blobs"] == 1
    embed = _record(pds, sent.remote_id)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.video"
    assert embed["alt"] == "Een eik wordt geplant, van dichtbij"
    assert embed["aspectRatio"] == {"width": 36, "height": 64}
    blob = embed["video"]
    assert blob["$type"] == "blob" and blob["mimeType"] == "video/mp4"
    assert blob["size"] == clip.stat().st_size
    got = pds.client.http.get(
        "/xrpc/com.atproto.sync.getBlob", params={"did": account.did, "cid": blob["ref"]["$link"]}
    )
    assert got.status_code == 200 and got.content == clip.read_bytes()
    # a second publish with the key sends nothing new
    assert bluesky.publish(api, draft, "draft-video:bluesky") == sent
    assert len(_posts(pds, account)) == 1
    pds.process_all()
    view = pds.client.query("app.bsky.feed.getPosts", {"uris": [sent.remote_id]}, auth=account)
    shown = view["posts"][0]["embed"]
    # the AppView shows it as a video: its playlist and thumbnail come from the video service
    assert shown["$type"] == "app.bsky.embed.video#view"
    assert shown["cid"] == blob["ref"]["$link"] and shown["playlist"].endswith("playlist.m3u8")
    assert (shown["alt"], shown["aspectRatio"]) == (embed["alt"], embed["aspectRatio"])


def test_a_video_without_alt_text_and_with_the_draft_s_own_size(pds, org):
    _account, api = org
    draft = Draft(
        "bluesky",
        "Zonder beschrijving",
        created_at=_now(),
        media=(MediaFile(LANDSCAPE, "video/mp4", width=1920, height=1080),),
    )
    embed = _record(pds, bluesky.publish(api, draft, "draft-video-2").remote_id)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.video" and "alt" not in embed
    assert embed["aspectRatio"] == {"width": 1920, "height": 1080}


@pytest.mark.parametrize(
    ("media", "says"),
    [
        ("image+video", "a Bluesky post takes images or a video, not both"),
        ("two videos", "a Bluesky post takes one video"),
        ("mov", "Bluesky takes MP4 videos only"),
        ("not a video", "the video of the post is not an MP4 Bluesky can read"),
    ],
)
def test_what_bluesky_cannot_take_is_refused_before_anything_is_sent(
    pds, org, tmp_path, media, says
):
    account, api = org
    fake = tmp_path / "clip.mp4"
    fake.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    picture = _png(tmp_path / "p.png", (10, 10), "blue")
    video = MediaFile(LANDSCAPE, "video/mp4", alt="x")
    files = {
        "image+video": (MediaFile(picture, "image/png", alt="x"), video),
        "two videos": (video, video),
        "mov": (MediaFile(Path(shutil.copy(LANDSCAPE, tmp_path / "c.mov")), "video/quicktime"),),
        "not a video": (MediaFile(fake, "video/mp4"),),
    }[media]
    draft = Draft("bluesky", "Een filmpje", created_at=_now(), media=files)
    before = api.requests
    with pytest.raises(ConnectorError) as refused:
        bluesky.publish(api, draft, "draft-refused:bluesky")
    assert refused.value.kind == "input"
    assert refused.value.message == says
    assert api.requests == before
    assert _posts(pds, account) == []
    blobs = pds.client.query("com.atproto.sync.listBlobs", {"did": account.did})
    assert blobs["cids"] == []
