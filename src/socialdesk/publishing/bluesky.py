"""Publishing to Bluesky (AT Protocol): one Draft becomes one app.bsky.feed.post record in the
account's repository, with its rich text, images, video or link card, and the first comment as
a reply.

XRPC endpoints, all through the account's PDS with the connector's session
(socialdesk.connectors.bluesky.client):
  com.atproto.server.getSession        the session's DID (the repository) and handle, once per
                                       client (kept in api.session["did"] / ["handle"])
  com.atproto.identity.resolveHandle   the DID of each @handle in the text (a mention facet);
                                       a handle that does not resolve stays plain text
  com.atproto.repo.uploadBlob          each image's or the video's bytes (raw body,
                                       Content-Type = its mime)
  com.atproto.repo.createRecord        the post, then the first comment (a reply to it);
                                       sent once (attempts=1), never retried blindly
  com.atproto.repo.getRecord           find(), and reading a record back that already exists

Exactly once: the record key is not left to the PDS but derived from the draft. It is a TID
(atproto.com/specs/tid: 13 characters of base32-sortable, 53 bits of microseconds since the
epoch and a 10-bit clock id) made of draft.created_at and a clock id from a hash of the
idempotency key, so the same key and time always give the same rkey, and a repository holds at
most one record under it. A second createRecord with that rkey is refused (the PDS answers
HTTP 500 {"error": "InternalServerError"}: its repository tree says "There is already a value
at key"), so publish() reads the record back with getRecord and returns it as sent; find()
is getRecord by that rkey. The first comment has its own rkey (key + ":comment", one
millisecond after the post) and the same rule, so a publish() after a crash between the post
and the comment sends only the comment. A record under the rkey whose text or createdAt is
not this draft's (two drafts of one account at the same microsecond whose keys share a clock
id) is never taken for this draft: publish() refuses with a ConnectorError instead.

A video (one MP4 a post, without images) is embedded as app.bsky.embed.video {video: the
blob, alt, aspectRatio: the size it is shown at, read by visual.video}. Bluesky documents two
ways to send it (docs.bsky.app, "Uploading Video"):
- the simple one, used here: uploadBlob to the account's PDS, as an image. Bluesky's video
  service only sees the video when the post reaches the firehose, so for a few seconds the
  post shows it as still processing;
- the recommended one: a service-auth token (com.atproto.server.getServiceAuth, aud the PDS's
  did:web, lxm com.atproto.repo.uploadBlob), app.bsky.video.uploadVideo to video.bsky.app,
  app.bsky.video.getJobStatus until the job holds the blob (the service stores its transcoded
  copy on the PDS), then the post. It needs the video service, which only Bluesky's own
  network has (not a self-hosted PDS, nor the local one the tests run against), a verified
  e-mail address and the account's daily video allowance.
The simple way works on every PDS and can be verified end to end here; the video service is
left for when the delay matters (it would go first, with this upload as its fallback).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from typing import Any

from socialdesk.connectors.base import N_
from socialdesk.connectors.errors import ConnectorError, shape_error
from socialdesk.connectors.http import ApiClient
from socialdesk.publishing.base import Draft, MediaFile, Publisher, Sent
from socialdesk.visual.video import NotAVideo, read_video

__all__ = ["PUBLISHER", "facets", "find", "publish", "record_key", "tid"]

NETWORK = "bluesky"
POST = "app.bsky.feed.post"
MAX_IMAGES = 4  # app.bsky.embed.images
VIDEO_MIME = "video/mp4"  # app.bsky.embed.video: video accept ["video/mp4"]
MAX_TAG = 64  # graphemes of a hashtag (app.bsky.richtext.facet#tag: maxGraphemes 64)
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# a refused request wrote nothing: there is no record to look for
_NOT_WRITTEN = ("auth", "permission", "rate")

# Rich text, after the Bluesky app's own detection (@atproto/api RichText.detectFacets): a link
# or a mention starts the text or follows white space or "("; a hashtag starts the text or
# follows white space, so the "#" in https://example.org/page#part is no tag.
_LINK = re.compile(r"(?:^|(?<=[\s(]))https?://[^\s]+", re.IGNORECASE)
_MENTION = re.compile(r"(?:^|(?<=[\s(]))@([a-zA-Z0-9.-]+)")
_TAG = re.compile(r"(?:^|(?<=\s))[#＃]([^\s\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2]+)")
_HANDLE = re.compile(
    r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
)
_LINK_TRAILING = ".,;:!?\"'”’»"


# -- record keys -------------------------------------------------------------------------------


def tid(micros: int, clock_id: int) -> str:
    """The TID of a time (microseconds since the UNIX epoch) and a clock id (0..1023)."""
    if not 0 <= micros < 2**53 or not 0 <= clock_id < 2**10:
        raise ValueError("a TID holds 53 bits of microseconds and a 10-bit clock id")
    value = (micros << 10) | clock_id
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _micros(moment: dt.datetime) -> int:
    return (_utc(moment) - _EPOCH) // dt.timedelta(microseconds=1)


def record_key(created_at: dt.datetime, key: str) -> str:
    """The rkey of the record published for idempotency `key` at `created_at`: the same key
    and time always give the same TID."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return tid(_micros(created_at), int.from_bytes(digest[:2], "big") & 0x3FF)


def _comment_moment(draft: Draft) -> dt.datetime:
    # one millisecond after the post: the reply sorts after it, and its TID differs from the
    # post's whatever the clock ids are
    return _utc(draft.created_at) + dt.timedelta(milliseconds=1)


def _comment_key(key: str) -> str:
    return f"{key}:comment"


def _iso(moment: dt.datetime) -> str:
    """An AT Protocol datetime: UTC, milliseconds, 'Z'."""
    moment = _utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# -- the session's account ------------------------------------------------------------------


def _account(api: ApiClient) -> tuple[str, str]:
    """The session's DID (the repository written to) and handle, asked once per client."""
    did, handle = api.session.get("did"), api.session.get("handle")
    if not did or not handle:
        body = api.get_json("/xrpc/com.atproto.server.getSession")
        if not isinstance(body, dict) or not body.get("did"):
            raise shape_error("publish", "getSession.did", "is missing")
        did, handle = str(body["did"]), str(body.get("handle") or body["did"])
        api.session["did"], api.session["handle"] = did, handle
    return str(did), str(handle)


# -- rich text ----------------------------------------------------------------------------------


def _byte_index(text: str) -> list[int]:
    """UTF-8 byte offset of every character position (and of the end) of text."""
    out, total = [0], 0
    for ch in text:
        total += len(ch.encode("utf-8"))
        out.append(total)
    return out


def _link_end(text: str, start: int, end: int) -> int:
    """The end of a link without the punctuation that closes the sentence around it."""
    while end > start:
        last = text[end - 1]
        if last in _LINK_TRAILING:
            end -= 1
        elif last == ")" and text.count("(", start, end) < text.count(")", start, end):
            end -= 1
        else:
            break
    return end


def _tag(raw: str) -> str | None:
    """A hashtag's text without trailing punctuation; None for no tag (only digits or
    punctuation, a keycap, or longer than Bluesky takes)."""
    if raw.startswith("\ufe0f"):
        return None
    while raw and unicodedata.category(raw[-1]).startswith("P"):
        raw = raw[:-1]
    if not raw or len(raw) > MAX_TAG:
        return None
    if all(ch.isdigit() or unicodedata.category(ch).startswith("P") for ch in raw):
        return None
    return raw


def _resolve(api: ApiClient, handle: str, cache: dict[str, str | None]) -> str | None:
    handle = handle.lower()
    if handle not in cache:
        try:
            body = api.get_json("/xrpc/com.atproto.identity.resolveHandle", handle=handle)
        except ConnectorError as exc:
            if exc.kind not in ("input", "not_found"):
                raise
            body = None  # "Unable to resolve handle": plain text
        did = body.get("did") if isinstance(body, dict) else None
        cache[handle] = str(did) if did else None
    return cache[handle]


def facets(api: ApiClient, text: str, cache: dict[str, str | None] | None = None) -> list[Any]:
    """The app.bsky.richtext.facet list of text: links, mentions (resolved to DIDs) and
    hashtags, with UTF-8 byte offsets, in text order, none overlapping another."""
    cache = {} if cache is None else cache
    spans: list[tuple[int, int, dict[str, str]]] = []
    for m in _LINK.finditer(text):
        end = _link_end(text, m.start(), m.end())
        uri = text[m.start() : end]
        if "://" in uri and len(uri) > uri.index("://") + 3:
            spans.append((m.start(), end, {"$type": "app.bsky.richtext.facet#link", "uri": uri}))
    for m in _MENTION.finditer(text):
        handle = m.group(1).rstrip(".-")
        if not _HANDLE.match(handle):
            continue
        did = _resolve(api, handle, cache)
        if did:
            end = m.start() + 1 + len(handle)
            spans.append((m.start(), end, {"$type": "app.bsky.richtext.facet#mention", "did": did}))
    for m in _TAG.finditer(text):
        tag = _tag(m.group(1))
        if tag:
            end = m.start() + 1 + len(tag)
            spans.append((m.start(), end, {"$type": "app.bsky.richtext.facet#tag", "tag": tag}))
    spans.sort(key=lambda s: s[0])
    offsets = _byte_index(text)
    out: list[Any] = []
    taken = 0
    for start, end, feature in spans:
        if start < taken:
            continue  # inside a link (or another facet)
        taken = end
        out.append(
            {
                "index": {"byteStart": offsets[start], "byteEnd": offsets[end]},
                "features": [feature],
            }
        )
    return out


# -- media ---------------------------------------------------------------------------------------


def _aspect_ratio(media: MediaFile) -> dict[str, int] | None:
    if media.width and media.height:
        return {"width": media.width, "height": media.height}
    if media.kind == "video":
        try:
            facts = read_video(media.path)
        except (NotAVideo, OSError):
            return None
        if facts.width and facts.height:
            return {"width": facts.width, "height": facts.height}
        return None
    try:
        from PIL import Image

        with Image.open(media.path) as image:
            width, height = image.size
            # EXIF orientations 5-8 turn the picture a quarter: it shows height x width
            if image.getexif().get(0x0112) in (5, 6, 7, 8):
                width, height = height, width
    except (OSError, ValueError):
        return None  # aspectRatio is optional; the PDS judges the file itself
    return {"width": width, "height": height} if width > 0 and height > 0 else None


def _upload(api: ApiClient, media: MediaFile) -> dict[str, Any]:
    try:
        content = media.path.read_bytes()
    except OSError as exc:
        raise ConnectorError(
            "input", N_("a media file of the post cannot be read"), detail=f"{media.path}: {exc}"
        ) from None
    response = api.request(
        "POST",
        "/xrpc/com.atproto.repo.uploadBlob",
        content=content,
        headers={"Content-Type": media.mime},
    )
    try:
        blob = response.json().get("blob")
    except (ValueError, AttributeError):
        blob = None
    if not isinstance(blob, dict):
        raise shape_error("publish", "uploadBlob.blob", "is missing")
    return blob


def _refuse_media(draft: Draft) -> None:
    """What Bluesky cannot take, refused before anything is sent."""
    videos = [m for m in draft.media if m.kind == "video"]
    if len(videos) > 1:
        raise ConnectorError("input", N_("a Bluesky post takes one video"))
    if videos and len(draft.media) > 1:
        raise ConnectorError("input", N_("a Bluesky post takes images or a video, not both"))
    if videos:
        video = videos[0]
        if video.mime != VIDEO_MIME:
            raise ConnectorError("input", N_("Bluesky takes MP4 videos only"), detail=video.mime)
        try:
            read_video(video.path)
        except (NotAVideo, OSError) as exc:
            raise ConnectorError(
                "input", N_("the video of the post is not an MP4 Bluesky can read"), detail=str(exc)
            ) from None
    if len(draft.media) > MAX_IMAGES:
        raise ConnectorError("input", N_("a Bluesky post takes at most four images"))


# -- records --------------------------------------------------------------------------------------


def _post_record(api: ApiClient, draft: Draft, cache: dict[str, str | None]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "$type": POST,
        "text": draft.text,
        "createdAt": _iso(draft.created_at),
    }
    found = facets(api, draft.text, cache)
    if found:
        record["facets"] = found
    if draft.language:
        record["langs"] = [draft.language]
    if draft.media and draft.media[0].kind == "video":
        video = draft.media[0]  # _refuse_media: the only one
        embed: dict[str, Any] = {"$type": "app.bsky.embed.video", "video": _upload(api, video)}
        if video.alt:
            embed["alt"] = video.alt
        ratio = _aspect_ratio(video)
        if ratio:
            embed["aspectRatio"] = ratio
        record["embed"] = embed
    elif draft.media:
        images = []
        for media in draft.media:
            image: dict[str, Any] = {"image": _upload(api, media), "alt": media.alt or ""}
            ratio = _aspect_ratio(media)
            if ratio:
                image["aspectRatio"] = ratio
            images.append(image)
        record["embed"] = {"$type": "app.bsky.embed.images", "images": images}
    elif draft.link:
        record["embed"] = {
            "$type": "app.bsky.embed.external",
            "external": {
                "uri": draft.link,
                "title": draft.link_title or draft.link,
                "description": "",
            },
        }
    return record


def _comment_record(
    api: ApiClient, draft: Draft, post: dict[str, Any], cache: dict[str, str | None]
) -> dict[str, Any]:
    text = draft.first_comment or ""
    strong = {"uri": post["uri"], "cid": post["cid"]}
    record: dict[str, Any] = {
        "$type": POST,
        "text": text,
        "createdAt": _iso(_comment_moment(draft)),
        "reply": {"root": strong, "parent": strong},
    }
    found = facets(api, text, cache)
    if found:
        record["facets"] = found
    if draft.language:
        record["langs"] = [draft.language]
    return record


def _get(api: ApiClient, did: str, rkey: str) -> dict[str, Any] | None:
    """The record {uri, cid, value} under rkey, or None when there is none."""
    try:
        body = api.get_json(
            "/xrpc/com.atproto.repo.getRecord", repo=did, collection=POST, rkey=rkey
        )
    except ConnectorError as exc:
        if exc.status == 400 and "RecordNotFound" in (exc.detail or ""):
            return None
        raise
    if not isinstance(body, dict) or not body.get("uri") or not isinstance(body.get("value"), dict):
        raise shape_error("publish", "getRecord.uri", "is missing")
    return body


def _same(value: dict[str, Any], text: str, created_at: str) -> bool:
    """Whether a stored record is the one this draft makes (its text at its time)."""
    return value.get("text") == text and value.get("createdAt") == created_at


def _occupied(rkey: str) -> ConnectorError:
    return ConnectorError(
        "input",
        N_("another post already has this post's place on Bluesky: schedule it a moment later"),
        detail=f"record key {rkey} holds a different post",
    )


def _create(api: ApiClient, did: str, rkey: str, record: dict[str, Any]) -> dict[str, Any]:
    """createRecord once; a record already under rkey (an earlier try that went through) is
    read back and returned as this one, if it is this draft's."""
    try:
        response = api.request(
            "POST",
            "/xrpc/com.atproto.repo.createRecord",
            json={"repo": did, "collection": POST, "rkey": rkey, "record": record},
            attempts=1,
        )
    except ConnectorError as exc:
        if exc.kind in _NOT_WRITTEN:
            raise
        try:
            existing = _get(api, did, rkey)
        except ConnectorError:
            raise exc from None
        if existing is None:
            raise exc
        if not _same(existing["value"], record["text"], record["createdAt"]):
            raise _occupied(rkey) from None
        return existing
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not body.get("uri") or not body.get("cid"):
        raise shape_error("publish", "createRecord.uri", "is missing")
    return {"uri": str(body["uri"]), "cid": str(body["cid"]), "value": record}


def _sent(draft: Draft, handle: str, post: dict[str, Any], comment: dict[str, Any] | None) -> Sent:
    rkey = str(post["uri"]).rsplit("/", 1)[-1]
    embed = post["value"].get("embed") or {}
    images = embed.get("images") if isinstance(embed, dict) else None
    blobs = len(images) if isinstance(images, list) else 0
    if isinstance(embed, dict) and isinstance(embed.get("video"), dict):
        blobs = 1
    return Sent(
        remote_id=str(post["uri"]),
        url=f"https://bsky.app/profile/{handle}/post/{rkey}",
        published_at=_utc(draft.created_at),
        answer={
            "uri": str(post["uri"]),
            "cid": str(post["cid"]),
            "rkey": rkey,
            "blobs": blobs,
            "comment_uri": str(comment["uri"]) if comment else None,
        },
    )


# -- the publisher ---------------------------------------------------------------------------------


def publish(api: ApiClient, draft: Draft, key: str) -> Sent:
    """Send the draft (and its first comment) exactly once for `key`; a repeat with the same
    key returns what the first made, sending only what is still missing."""
    _refuse_media(draft)
    did, handle = _account(api)
    cache: dict[str, str | None] = {}
    post = _create(api, did, record_key(draft.created_at, key), _post_record(api, draft, cache))
    comment = None
    if draft.first_comment:
        comment = _create(
            api,
            did,
            record_key(_comment_moment(draft), _comment_key(key)),
            _comment_record(api, draft, post, cache),
        )
    return _sent(draft, handle, post, comment)


def find(api: ApiClient, draft: Draft, key: str, since: dt.datetime) -> Sent | None:
    """The post `key` made, or None. `since` is not needed: the key names the record.
    Sent.answer["comment_uri"] is None while a first comment is still missing (publish()
    again sends only the comment)."""
    did, handle = _account(api)
    post = _get(api, did, record_key(draft.created_at, key))
    if post is None or not _same(post["value"], draft.text, _iso(draft.created_at)):
        return None
    comment = None
    if draft.first_comment:
        comment = _get(api, did, record_key(_comment_moment(draft), _comment_key(key)))
        if comment is not None and not _same(
            comment["value"], draft.first_comment, _iso(_comment_moment(draft))
        ):
            comment = None
    return _sent(draft, handle, post, comment)


PUBLISHER = Publisher(network=NETWORK, publish=publish, find=find)
