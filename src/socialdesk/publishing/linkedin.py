"""Publishing to a LinkedIn Page (Posts API, versioned REST): a post as the organisation with
text, one image or several (with their alt text) or a link card, and the first comment as the
Page's own comment. The credential and client are the LinkedIn connector's
(connectors/linkedin.py: LinkedIn-Version, X-Restli-Protocol-Version 2.0.0, its errors).

Endpoints (learn.microsoft.com/linkedin/marketing/community-management/shares/...):
  POST /images?action=initializeUpload (images-api)  {"initializeUploadRequest": {"owner"}} ->
        {"value": {"uploadUrl", "image": "urn:li:image:..."}}; PUT the bytes to uploadUrl
        (a linkedin.com address: the bearer token goes with it, so no other host is accepted)
  GET /images/{urn}                                  status WAITING_UPLOAD, PROCESSING,
        AVAILABLE or PROCESSING_FAILED: polled until AVAILABLE, at most MEDIA_WAIT seconds
  POST /posts (posts-api)   {author, commentary, visibility PUBLIC, distribution {MAIN_FEED},
        lifecycleState PUBLISHED, isReshareDisabledByAuthor false, content}; 201 with the
        post's URN (urn:li:share:N or urn:li:ugcPost:N) in the x-restli-id header. content is
        {"media": {"id", "altText"}} for one image, {"multiImage": {"images": [...]}} for
        2-20 (multiimage-post-api), {"article": {"source", "title"}} for a link without images
        (LinkedIn does not read the page for a card made through the API: the title is the
        item's title, else the link's host)
  POST /socialActions/{post urn}/comments (comments-api)  {actor, object, message: {text}}
  GET /posts?author=..&q=author&sortBy=CREATED (find posts by author, newest first): find()
  GET /socialActions/{post urn}/comments: the first comment, for find()
The commentary is LinkedIn's "little" text (shares/little-text-format): the characters
\\ | { } @ [ ] ( ) < > # * _ ~ are reserved and written with a backslash before them (LinkedIn
cuts a post at the first one left bare), and a hashtag #word (letters and digits, at least one
letter; not in a link) becomes the template {hashtag|\\#|word}. An @name stays plain text (a
mention needs the member's or Page's URN, which a draft does not carry). A comment's
message is plain text (the Comments API keeps text and attributes apart), sent as written.

Exactly once: LinkedIn keeps no idempotency key, so the post is sent once per attempt
(attempts=1, never retried blindly). A 429 on it is waited out a few times (LinkedIn made no
post then); a 5xx or a lost answer may have made the post, so it is reported as "network"
(the outcome is unknown): the worker then asks find() before it sends again. find() reads the
Page's posts since the attempt began for the oldest whose commentary, read back as plain text
(links and white space aside), is the draft's text and whose number of images is the draft's.
An image uploaded twice (a retry after an upload) leaves only an unused image on LinkedIn.

Not done: videos (the Videos API's multi-part upload and finalizeUpload work, but processing
takes minutes and an attempt has nowhere to keep the uploaded video for the next one, so a
video would be uploaded again on every retry): a draft with a video is refused with the
reason, before anything is sent. Documents, polls and mentions are not drafted by socialdesk.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlparse

import httpx

from socialdesk.connectors.base import N_
from socialdesk.connectors.errors import ConnectorError, shape_error
from socialdesk.connectors.http import ApiClient
from socialdesk.connectors.linkedin import (
    encoded,
    little_plain,
    ms_time,
    next_start,
    organization_urn,
    permalink,
)
from socialdesk.publishing.base import Draft, MediaFile, Publisher, Sent

__all__ = ["PUBLISHER", "comparable", "find", "little_text", "publish"]

NETWORK = "linkedin"
STREAM = "publish"  # the `stream` an answer's shape error names
MEDIA_WAIT = 60.0  # seconds in all to wait for LinkedIn to process an image; then a retry
MEDIA_POLL_MAX = 10.0  # the longest pause between two looks at an image
RATE_WAITS = (2.0, 4.0, 8.0)  # pauses when the post call answers 429 (no post was made)
MAX_IMAGES = 20  # multiImage takes 2 to 20 images
PAGE = 20
FIND_PAGES = 5  # at most 100 posts back: a worker asks within hours, not weeks
FIND_SLACK = dt.timedelta(minutes=1)  # clocks of this machine and LinkedIn differ a little

# -- little text ----------------------------------------------------------------------------
_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
# a hashtag: # and letters or digits (at least one letter), not inside a word or after &
# (&#39;), not followed by more word characters (#tag_x is no hashtag: it stays text)
_HASHTAG = re.compile(r"(?<![\w&#\\])#([^\W_]*[^\W\d_][^\W_]*)(?!\w)")


def _escape(text: str) -> str:
    return _RESERVED.sub(r"\\\1", text)


def _words(text: str) -> str:
    out, at = [], 0
    for m in _HASHTAG.finditer(text):
        out.append(_escape(text[at : m.start()]))
        out.append("{hashtag|\\#|" + m.group(1) + "}")
        at = m.end()
    out.append(_escape(text[at:]))
    return "".join(out)


def little_text(text: str) -> str:
    """`text` in LinkedIn's little format: reserved characters escaped, hashtags as the
    HashtagTemplate; a link's characters are escaped too (a # in a link is no hashtag)."""
    out, at = [], 0
    for m in _URL.finditer(text):
        out.append(_words(text[at : m.start()]))
        out.append(_escape(m.group(0)))
        at = m.end()
    out.append(_words(text[at:]))
    return "".join(out)


def comparable(text: str | None) -> str:
    """A post's text as find() compares it: without links (LinkedIn may show them shortened)
    and with white space as one space."""
    if not text:
        return ""
    return " ".join(_URL.sub(" ", text).split())


# -- publish ------------------------------------------------------------------------------
def _organization(api: ApiClient) -> str:
    settings = api.session.get("settings") or {}
    external = api.session.get("external_id")
    return organization_urn(dict(settings), str(external) if external else None)


def publish(api: ApiClient, draft: Draft, key: str) -> Sent:
    """Upload the images and wait until LinkedIn has processed them, make the post as the
    Page, then its first comment. A failure of the comment after the post went out does not
    fail the publish: it is in answer["comment_error"]. `key` is not sent: LinkedIn keeps
    none (see the module's docstring)."""
    org = _organization(api)
    files = _read(draft.media)
    images = [_upload(api, media, content, org) for media, content in files]
    body: dict[str, Any] = {
        "author": org,
        "commentary": little_text(draft.text),
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    content = _content(draft, images)
    if content is not None:
        body["content"] = content
    # LinkedIn's answer carries no time: the moment the post was sent stands for it
    published = dt.datetime.fromtimestamp(api.clock(), dt.UTC).replace(microsecond=0)
    urn = _create(api, body)
    comment_id: str | None = None
    extra: dict[str, Any] = {}
    if draft.first_comment and draft.first_comment.strip():
        try:
            comment_id = _comment(api, org, urn, draft.first_comment)
        except ConnectorError as exc:
            extra["comment_error"] = exc.as_dict()
    return Sent(
        remote_id=urn,
        url=permalink(urn),
        published_at=published,
        answer={
            "id": urn,
            "url": permalink(urn),
            "media_ids": [image for image, _ in images],
            "comment_id": comment_id,
            **extra,
        },
    )


def _read(media: tuple[MediaFile, ...]) -> list[tuple[MediaFile, bytes]]:
    """Every file's bytes, before anything is sent: a video or a missing file is refused
    first."""
    videos = [m for m in media if m.kind == "video"]
    if videos:
        raise ConnectorError(
            "input",
            N_(
                "socialdesk cannot publish videos to LinkedIn yet: post the video on LinkedIn "
                "itself, or publish this item with images or text only"
            ),
            detail=", ".join(m.path.name for m in videos),
            field="media",
        )
    if len(media) > MAX_IMAGES:
        raise ConnectorError(
            "input",
            N_("LinkedIn takes at most 20 images in a post: remove some"),
            detail=f"{len(media)} images",
            field="media",
        )
    out = []
    for m in media:
        try:
            out.append((m, m.path.read_bytes()))
        except OSError as exc:
            raise ConnectorError(
                "input",
                N_("a media file of this post cannot be read from the workspace"),
                detail=f"{m.path.name}: {exc.strerror or exc}",
                field="media",
            ) from None
    return out


def _content(draft: Draft, images: list[tuple[str, str]]) -> dict[str, Any] | None:
    def one(image: str, alt: str) -> dict[str, Any]:
        return {"id": image, "altText": alt} if alt else {"id": image}

    if len(images) == 1:
        return {"media": one(*images[0])}
    if images:
        return {"multiImage": {"images": [one(i, a) for i, a in images]}}
    if draft.link and draft.link.strip():
        link = draft.link.strip()
        title = (draft.link_title or "").strip() or urlparse(link).hostname or link
        return {"article": {"source": link, "title": title}}
    return None


def _linkedin_host(url: str) -> bool:
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    return parsed.scheme == "https" and (host == "linkedin.com" or host.endswith(".linkedin.com"))


def _upload(api: ApiClient, media: MediaFile, content: bytes, org: str) -> tuple[str, str]:
    """(the image's URN, its alt text) once LinkedIn has it AVAILABLE."""
    try:
        response = api.request(
            "POST",
            "/images",
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": org}},
        )
        value = _object(response, "images").get("value")
        if not isinstance(value, dict) or not value.get("uploadUrl") or not value.get("image"):
            raise shape_error(STREAM, "images.value.uploadUrl", "is missing")
        upload_url, image = str(value["uploadUrl"]), str(value["image"])
        if not _linkedin_host(upload_url):
            raise shape_error(STREAM, "images.value.uploadUrl", "is not a linkedin.com address")
        api.request("PUT", upload_url, content=content, headers={"Content-Type": media.mime})
        _wait_available(api, media, image)
    except ConnectorError as exc:
        raise _refused(exc, media) from None
    return image, media.alt.strip()


def _image_status(api: ApiClient, image: str) -> str:
    body = api.get_json(f"/images/{encoded(image)}")
    if not isinstance(body, dict) or not body.get("status"):
        raise shape_error(STREAM, "image.status", "is missing")
    return str(body["status"])


def _wait_available(api: ApiClient, media: MediaFile, image: str) -> None:
    """Look at the image until LinkedIn says AVAILABLE: at once, then after 1, 2, 4, 8, 10,
    10 ... seconds, at most MEDIA_WAIT seconds in all. PROCESSING_FAILED is final."""
    waited, pause = 0.0, 1.0
    while True:
        status = _image_status(api, image)
        if status == "AVAILABLE":
            return
        if status == "PROCESSING_FAILED":
            raise ConnectorError(
                "input",
                N_(
                    "LinkedIn could not process an image of this post: export it again as JPEG "
                    "or PNG"
                ),
                detail=f"{media.path.name}: {status}",
                field="media",
            )
        if waited >= MEDIA_WAIT:
            break
        step = min(pause, MEDIA_WAIT - waited)
        api.sleep(step)
        waited += step
        pause = min(pause * 2, MEDIA_POLL_MAX)
    raise ConnectorError(
        "server",
        N_("LinkedIn is still processing an image of this post; the next try goes on"),
        detail=f"{media.path.name}: {status} after {round(waited)} s",
    )


def _create(api: ApiClient, body: dict[str, Any]) -> str:
    """POST /posts once (no key makes a retry safe): the post's URN."""
    for pause in (*RATE_WAITS, None):
        try:
            response = api.request("POST", "/posts", json=body, attempts=1)
        except ConnectorError as exc:
            if exc.kind == "rate" and pause is not None:
                api.sleep(pause)  # a 429 made no post: asking again is safe
                continue
            if exc.kind in ("server", "network"):
                raise ConnectorError(
                    "network",
                    N_(
                        "LinkedIn did not confirm the post (it may have gone out); the worker "
                        "looks for it before it tries again"
                    ),
                    detail=exc.detail,
                    status=exc.status,
                ) from None
            raise _refused(exc, None) from None
        urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id")
        if not urn:
            try:
                answer = response.json()
            except ValueError:
                answer = None
            urn = answer.get("id") if isinstance(answer, dict) else None
        if not urn:
            raise ConnectorError(
                "network",
                N_(
                    "LinkedIn took the post but did not say which it is; the worker looks for it "
                    "before it tries again"
                ),
                detail=f"{response.status_code}: no x-restli-id",
                status=response.status_code,
            )
        return str(urn)
    raise AssertionError("unreachable")  # pragma: no cover


def _comment(api: ApiClient, org: str, post: str, text: str) -> str | None:
    """The Page's comment on the post: its URN (urn:li:comment:(activity,id)), else its id."""
    response = api.request(
        "POST",
        f"/socialActions/{encoded(post)}/comments",
        json={"actor": org, "object": post, "message": {"text": text}},
        attempts=1,
    )
    try:
        answer = response.json()
    except ValueError:
        answer = None
    return _comment_id(answer if isinstance(answer, dict) else {}) or (
        response.headers.get("x-restli-id") or None
    )


def _comment_id(comment: dict[str, Any]) -> str | None:
    found = comment.get("commentUrn") or comment.get("$URN") or comment.get("id")
    return str(found) if found else None


_DUPLICATE = re.compile(r"duplicate of (urn:li:(?:share|ugcPost):\d+)", re.IGNORECASE)


def _words_of(exc: ConnectorError) -> str:
    """The API's own words, without the status code default_error puts in front."""
    return re.sub(r"^\d{3}: ", "", exc.detail or "")


def _refused(exc: ConnectorError, media: MediaFile | None) -> ConnectorError:
    """LinkedIn's refusals in words that say what to do; other errors as the connector's
    classify made them (401 auth, 429 rate until midnight UTC, 5xx server, network)."""
    if exc.status == 403:
        return ConnectorError(
            "permission",
            N_(
                "the LinkedIn token may not post for this Page: it needs the scope "
                "w_organization_social and its member the role ADMINISTRATOR or "
                "CONTENT_ADMINISTRATOR; connect again"
            ),
            detail=_words_of(exc),
            status=403,
        )
    if exc.kind != "input" or exc.status not in (400, 422):
        return exc
    if media is not None:
        return ConnectorError(
            "input",
            N_("LinkedIn does not accept this image (its type or content is not valid)"),
            detail=f"{media.path.name}: {_words_of(exc)}",
            field="media",
            status=exc.status,
        )
    if m := _DUPLICATE.search(exc.detail or ""):
        return ConnectorError(
            "input",
            N_("LinkedIn refuses the same text twice: this post is on the Page already"),
            detail=permalink(m.group(1)),
            field="text",
            status=exc.status,
        )
    return ConnectorError(
        "input", N_("LinkedIn refused the post"), detail=_words_of(exc), status=exc.status
    )


def _object(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise shape_error(STREAM, what, "is not JSON") from None
    if not isinstance(body, dict):
        raise shape_error(STREAM, what, "is not an object")
    return body


# -- find ---------------------------------------------------------------------------------
def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _media_ids(post: dict[str, Any]) -> list[str]:
    content = post.get("content")
    if not isinstance(content, dict):
        return []
    media = content.get("media")
    if isinstance(media, dict) and media.get("id"):
        return [str(media["id"])]
    multi = content.get("multiImage")
    if isinstance(multi, dict):
        return [str(i.get("id")) for i in multi.get("images") or [] if isinstance(i, dict)]
    return []


def find(api: ApiClient, draft: Draft, key: str, since: dt.datetime) -> Sent | None:
    """The post this draft made since `since` (a minute's slack for the clocks), if there is
    one: the Page's published post whose commentary reads as the draft's text (links and
    white space aside) with as many images. The oldest match wins; its comment by the Page
    with the first comment's text, if any, gives comment_id."""
    org = _organization(api)
    floor = _aware(since) - FIND_SLACK
    wanted = comparable(draft.text)
    found: dict[str, Any] | None = None
    start = 0
    for _ in range(FIND_PAGES):
        body = api.get_json(
            "/posts", q="author", author=org, count=PAGE, start=start, sortBy="CREATED"
        )
        elements = body.get("elements") if isinstance(body, dict) else None
        if not isinstance(elements, list):
            raise shape_error(STREAM, "posts.elements", "is missing or not a list")
        older = False
        for i, raw in enumerate(elements):
            created = ms_time(raw.get("createdAt")) if isinstance(raw, dict) else None
            if not isinstance(raw, dict) or not raw.get("id") or created is None:
                raise shape_error(STREAM, f"posts.elements[{i}]", "is not a post")
            if created.replace(tzinfo=dt.UTC) < floor:
                older = True
                break
            if raw.get("lifecycleState", "PUBLISHED") != "PUBLISHED":
                continue
            text = comparable(little_plain(raw.get("commentary")))
            if text == wanted and len(_media_ids(raw)) == len(draft.media):
                found = raw  # newest first: a later match is an older post
        following = next_start(body, start, len(elements), PAGE)
        if older or following is None:
            break
        start = int(following)
    if found is None:
        return None
    urn = str(found["id"])
    when = ms_time(found.get("publishedAt")) or ms_time(found["createdAt"])
    assert when is not None
    comment_id = None
    if draft.first_comment and draft.first_comment.strip():
        comment_id = _find_comment(api, org, urn, draft.first_comment)
    return Sent(
        remote_id=urn,
        url=permalink(urn),
        published_at=when.replace(tzinfo=dt.UTC),
        answer={
            "id": urn,
            "url": permalink(urn),
            "media_ids": _media_ids(found),
            "comment_id": comment_id,
            "found_by": "text and time",
        },
    )


def _find_comment(api: ApiClient, org: str, post: str, text: str) -> str | None:
    """The Page's comment with this text on the post (the oldest), or None; a comment that
    cannot be read does not stop the post from being recorded."""
    try:
        body = api.get_json(f"/socialActions/{encoded(post)}/comments", count=50)
    except ConnectorError as exc:
        if exc.kind == "auth":
            raise
        return None
    elements = body.get("elements") if isinstance(body, dict) else None
    wanted = comparable(text)
    for c in sorted(
        (e for e in elements or [] if isinstance(e, dict)),
        key=lambda e: (e.get("created") or {}).get("time") or 0,
    ):
        message = c.get("message")
        said = message.get("text") if isinstance(message, dict) else None
        if c.get("actor") == org and comparable(str(said or "")) == wanted:
            return _comment_id(c)
    return None


PUBLISHER = Publisher(network=NETWORK, publish=publish, find=find)
