"""Publishing to a Facebook Page (Graph API, through the Meta connector's Page token): a text
or link post, one photo or several with their alt text, or one video; the first comment as the
Page's own comment under the post.

Endpoints (developers.facebook.com/docs/graph-api/reference, version GRAPH_VERSION):
  POST /{page-id}/feed (page/feed)      message, link; attached_media[i]={"media_fbid": id}
                                        for several photos; answers {"id": "<page>_<post>"}
  POST /{page-id}/photos (page/photos)  multipart `source`, `message`, `alt_text_custom`;
                                        answers {"id": photo id, "post_id": "<page>_<post>"};
                                        with published=false it makes an unpublished photo
                                        (answers {"id"} only) to attach to a feed post, or to
                                        hand to Instagram (publishing/instagram.py)
  POST graph-video.facebook.com/{page-id}/videos (page/videos)  multipart `source`,
                                        `description`: the non-resumable upload, one request;
                                        answers {"id": video id}
  POST /{object-id}/comments (object/comments)  message; answers {"id"}
  GET /{post-id}?fields=permalink_url,created_time   the post's address and time
  GET /{page-id}/posts?fields=id,message,created_time,permalink_url,attachments{...}
                                        the Page's recent posts, for find() and for a video's
                                        post (attachments{target{id}} names the video)
Permissions: pages_manage_posts and pages_read_engagement (Video API guide "Publish with the
Video API": pages_show_list, pages_read_engagement, pages_manage_posts and the CREATE_CONTENT
task on the Page); the first comment as the Page needs pages_manage_engagement.

Alt text: the Photo node has `alt_text` (Facebook's automatic description) and
`alt_text_custom` ("user provided accessible alternative description", Graph API reference
photo/). Graph documents no other alt-text field for Page photos, and the photo-creation
parameters of a Graph SDK generated from Graph's own metadata include `alt_text_custom`; so
each photo is uploaded with its alt text as `alt_text_custom`, whether it goes out alone or
in a multi-photo post. (The Page Photos reference's parameter table could not be read here:
that Page photo uploads take alt_text_custom rests on the Photo node and the SDK.)

A video is sent in one request (`source`), read into memory; socialdesk sends files up to
VIDEO_LIMIT that way and refuses larger ones. Meta's own maximum is 2 GB and its minimum
1 KB (Video API error codes, subcodes 1363023 and 1363022); a file between VIDEO_LIMIT and
2 GB would need Meta's resumable upload, which is not built. A video's post id is not in the
upload's answer: it is looked up once among the Page's newest posts (the attachment whose
target is the video); until Facebook shows that post, the video id stands in for it.

Errors: {"error": {"message", "type", "code", "error_subcode", "error_user_msg",
"fbtrace_id"}}, read by `graph_errors` on top of the connector's classify: code 190 expired
token, 10 and 200-299 a missing permission (named here: pages_manage_posts), 4, 17, 32, 613
rate limits (with X-Business-Use-Case-Usage's estimated_time_to_regain_access, in minutes,
as the time to try again), 368 a post Facebook blocks, 506 a duplicate of a recent post, and
Instagram's 2207xxx subcodes (publishing/instagram.py).

Exactly once: Graph has no idempotency key. The call that makes the post (feed, a published
photo, a video) is sent once (attempts=1, never retried blindly); when its outcome is unknown
(a timeout, or a server error after the request went in) the error is a `network` one, so
the worker leaves the publication `sending` and asks find() before it sends again. find()
looks through the Page's posts since the attempt began for one with the draft's text (links
aside, whitespace as one space) and as many photos or a video. Unpublished photos uploaded
for a multi-photo post are no post: uploaded twice, they only leave an unpublished photo.
Anything read after the post went out (its address, the first comment) cannot fail the
publish: the first comment's failure is in answer["comment_error"], an address Graph does not
give is built as https://www.facebook.com/<post id>.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from socialdesk.connectors import meta
from socialdesk.connectors.base import N_
from socialdesk.connectors.errors import ConnectorError, shape_error
from socialdesk.connectors.http import ApiClient, default_error
from socialdesk.importers.base import AccountRef
from socialdesk.publishing.base import Draft, MediaFile, Publisher, Sent

__all__ = [
    "PUBLISHER",
    "GraphError",
    "comparable",
    "explain",
    "find",
    "first_comment",
    "graph_errors",
    "post_once",
    "publish",
    "upload_photo",
]

NETWORK = "facebook"
STREAM = "publish"  # the `stream` an answer's shape error names
GRAPH_VIDEO = "https://graph-video.facebook.com"
VIDEO_LIMIT = 1024 * 1024 * 1024  # bytes sent in one request (see the module doc)
PAGE_SIZE = 25
FIND_PAGES = 4  # at most 100 posts back: a worker asks within hours, not weeks
FIND_SLACK = dt.timedelta(minutes=1)  # clocks of this machine and Meta's differ a little
DAY = dt.timedelta(days=1)


# -- Graph's errors ----------------------------------------------------------------------
class GraphError(ConnectorError):
    """A ConnectorError that keeps Graph's code and subcode, for the callers that wait out
    one of them (Instagram's "media not ready")."""

    def __init__(
        self, kind: str, message: str, *, code: int | None, subcode: int | None, **kw: Any
    ) -> None:
        super().__init__(kind, message, **kw)
        self.code = code
        self.subcode = subcode


# what the permission error says each network needs
_PERMISSIONS = {
    "facebook": N_(
        "the Meta token may not publish on the Page: connect again with a Page token that has "
        "pages_manage_posts, pages_manage_engagement and pages_read_engagement"
    ),
    "instagram": N_(
        "the Meta token may not publish on Instagram: connect again with a Page token that has "
        "instagram_basic, instagram_content_publish, instagram_manage_comments, "
        "pages_manage_posts and pages_read_engagement"
    ),
}

_TRY_AGAIN = N_("Instagram had a temporary problem preparing the post; the next try starts again")
_NOT_FETCHED = N_(
    "Instagram could not fetch the media from Facebook's servers; the next try uploads it again"
)

# Instagram's subcodes (Instagram Platform, Error Codes): kind, message, form field
_SUBCODES: dict[int, tuple[str, str, str | None]] = {
    2207042: (
        "rate",
        N_("Instagram's daily limit of API posts is reached; it is tried again in a day"),
        None,
    ),
    2207051: (
        "permission",
        N_(
            "Instagram held this post back as possible spam: publish it in the Instagram app, or "
            "tell Instagram it made a mistake"
        ),
        None,
    ),
    2207050: (
        "permission",
        N_(
            "the Instagram account is inactive, checkpointed or restricted: sign in to the "
            "Instagram app and complete what it asks"
        ),
        None,
    ),
    2207027: (
        "server",
        N_("Instagram has not finished processing the media; the next try goes on"),
        None,
    ),
    2207001: ("server", _TRY_AGAIN, None),
    2207032: ("server", _TRY_AGAIN, None),
    2207053: ("server", _TRY_AGAIN, None),
    2207008: ("server", _TRY_AGAIN, None),
    2207006: ("server", _TRY_AGAIN, None),
    2207003: ("server", _NOT_FETCHED, None),
    2207052: ("server", _NOT_FETCHED, None),
    2207020: (
        "server",
        N_("the prepared Instagram post expired before it went out; the next try prepares it anew"),
        None,
    ),
    2207004: ("input", N_("the image is too large for Instagram (at most 8 MB)"), "media"),
    2207005: ("input", N_("Instagram does not accept this image's format"), "media"),
    2207009: (
        "input",
        N_("Instagram does not accept this image's aspect ratio (from 4:5 to 1.91:1)"),
        "media",
    ),
    2207010: (
        "input",
        N_(
            "the caption is too long for Instagram (at most 2,200 characters, 30 hashtags and "
            "20 @-mentions)"
        ),
        "text",
    ),
    2207026: ("input", N_("Instagram does not accept this video's format"), "media"),
    2207023: ("input", N_("Instagram does not accept this kind of media"), "media"),
    # Video API error codes: the upload's size
    1363023: ("input", N_("the video is too large for Facebook (at most 2 GB)"), "media"),
    1363022: ("input", N_("the video file is too small for Facebook (at least 1 KB)"), "media"),
}

# Facebook's own codes (Graph API, Handle Errors; the Page feed's documented refusals)
_CODES: dict[int, tuple[str, str, str | None]] = {
    368: (
        "permission",
        N_(
            "Facebook blocked this post (judged abusive or against its rules): see the Page's "
            "notifications"
        ),
        None,
    ),
    506: ("input", N_("Facebook refuses a post identical to a recent one"), "text"),
    324: ("input", N_("Facebook cannot read this image"), "media"),
}

_RATE_CODES = {4, 17, 32, 613}


def explain(subcode: int | None) -> tuple[str, str, str | None] | None:
    """What a documented subcode means: (kind, message, form field), or None."""
    return _SUBCODES.get(subcode) if subcode is not None else None


def _error_of(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _regain_minutes(response: httpx.Response) -> float | None:
    """The longest estimated_time_to_regain_access (minutes) in X-Business-Use-Case-Usage
    (Graph API, Rate Limiting), if Meta sends one above 0."""
    raw = response.headers.get("x-business-use-case-usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except ValueError:
        return None
    minutes = [
        float(entry.get("estimated_time_to_regain_access") or 0)
        for entries in (usage.values() if isinstance(usage, dict) else [])
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, dict)
    ]
    longest = max(minutes, default=0.0)
    return longest if longest > 0 else None


def _classifier(api: ApiClient, network: str) -> Callable[[httpx.Response], ConnectorError]:
    def classify(response: httpx.Response) -> ConnectorError:
        error = _error_of(response)
        if error is None:
            return default_error(response)
        code, subcode = _int(error.get("code")), _int(error.get("error_subcode"))
        words = str(error.get("message") or "").strip()
        if error.get("error_user_msg"):
            words = f"{words}: {error['error_user_msg']}"
        detail = f"({code}/{subcode}) {words}" if subcode else f"({code}) {words}"
        status = response.status_code
        now = dt.datetime.fromtimestamp(api.clock(), dt.UTC)
        mapped = _SUBCODES.get(subcode or 0) or _CODES.get(code or 0)
        if mapped is not None:
            kind, message, field = mapped
            return GraphError(
                kind,
                message,
                code=code,
                subcode=subcode,
                detail=detail,
                field=field,
                status=status,
                retry_at=now + DAY if subcode == 2207042 else None,
            )
        if code == 10 or (code is not None and 200 <= code <= 299):
            return GraphError(
                "permission",
                _PERMISSIONS[network],
                code=code,
                subcode=subcode,
                detail=detail,
                status=status,
            )
        base = meta.classify(response) or default_error(response)
        retry_at = base.retry_at
        if code in _RATE_CODES or (code is not None and 80001 <= code <= 80014):
            minutes = _regain_minutes(response)
            if minutes is not None:
                retry_at = now + dt.timedelta(minutes=minutes)
        return GraphError(
            base.kind,
            base.message,
            code=code,
            subcode=subcode,
            detail=detail,
            field=base.field,
            status=status,
            retry_at=retry_at,
        )

    return classify


@contextmanager
def graph_errors(api: ApiClient, network: str = NETWORK) -> Iterator[ApiClient]:
    """Within this block the client reads Graph's errors for publishing (subcodes, the
    permissions publishing needs), then gives the connector's classify back."""
    before = api.classify
    api.classify = _classifier(api, network)
    try:
        yield api
    finally:
        api.classify = before


def post_once(api: ApiClient, url: str, **kw: Any) -> httpx.Response:
    """A request that makes a post: sent once. An answer that leaves the outcome unknown (a
    timeout, a server error) is a `network` error, so the worker looks before it sends
    again; a refusal (auth, permission, rate, input, or a documented Instagram subcode such as
    "media not ready") says the post was not made."""
    try:
        return api.request("POST", url, attempts=1, **kw)
    except ConnectorError as exc:
        known = isinstance(exc, GraphError) and explain(exc.subcode) is not None
        if exc.kind == "server" and not known:
            raise ConnectorError(
                "network",
                N_("Meta did not say whether the post went out; the next try looks for it first"),
                detail=exc.detail,
                status=exc.status,
            ) from None
        raise


# -- small shared pieces (publishing/instagram.py uses them too) --------------------------
def graph_object(response: httpx.Response, what: str, *required: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise shape_error(STREAM, what, "is not JSON") from None
    if not isinstance(body, dict):
        raise shape_error(STREAM, what, "is not an object")
    for name in required:
        if body.get(name) in (None, ""):
            raise shape_error(STREAM, f"{what}.{name}", "is missing")
    return body


def when(value: Any, field: str) -> dt.datetime:
    """A Graph time ("2026-11-30T12:00:00+0000") as an aware UTC datetime."""
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise shape_error(STREAM, field, "is not a time") from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def now(api: ApiClient) -> dt.datetime:
    return dt.datetime.fromtimestamp(api.clock(), dt.UTC)


def media_bytes(media: MediaFile) -> bytes:
    try:
        return media.path.read_bytes()
    except OSError as exc:
        raise ConnectorError(
            "input",
            N_("a media file of this post cannot be read from the workspace"),
            detail=f"{media.path.name}: {exc.strerror or exc}",
            field="media",
        ) from None


def page_id(api: ApiClient) -> str:
    """The Page's id: the connection's external_id the run put in the session, else asked
    once (a Page token's /me is the Page) and kept in the session."""
    known = api.session.get("external_id")
    if known:
        return str(known)
    me = graph_object(api.request("GET", "/me", params={"fields": "id"}), "me", "id")
    api.session["external_id"] = str(me["id"])
    return str(me["id"])


def upload_photo(
    api: ApiClient,
    page: str,
    media: MediaFile,
    *,
    published: bool,
    message: str | None = None,
) -> dict[str, Any]:
    """POST /{page}/photos with the file as `source` and its alt text as alt_text_custom. An
    unpublished photo is no post, so its upload is retried like a read; a published one makes
    the post and is sent once."""
    content = media_bytes(media)
    form: dict[str, str] = {}
    if not published:
        form["published"] = "false"
    if message:
        form["message"] = message
    if media.alt:
        form["alt_text_custom"] = media.alt
    files = {"source": (media.path.name, content, media.mime)}
    if published:
        response = post_once(api, f"/{page}/photos", files=files, data=form)
    else:
        response = api.request("POST", f"/{page}/photos", files=files, data=form)
    return graph_object(response, "photo", "id")


_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def comparable(text: str | None) -> str:
    """A post's text as find() compares it: without links (a link may come back shortened or
    as its preview), whitespace as one space."""
    if not text:
        return ""
    return " ".join(_URL.sub(" ", text).split())


def version_of(api: ApiClient) -> str:
    """The Graph version in the client's base URL (https://graph.facebook.com/v23.0)."""
    tail = api.base_url.rstrip("/").rsplit("/", 1)[-1]
    return tail if re.fullmatch(r"v\d+\.\d+", tail) else meta.GRAPH_VERSION


# -- publish ------------------------------------------------------------------------------
def publish(api: ApiClient, draft: Draft, key: str) -> Sent:
    """Post the draft on the Page: text (with the link's preview), one photo, several photos
    in one post, or one video; then the first comment. `key` is not sent: Graph keeps none
    (see the module doc)."""
    with graph_errors(api, NETWORK):
        page = page_id(api)
        images = [m for m in draft.media if m.kind == "image"]
        videos = [m for m in draft.media if m.kind == "video"]
        if videos and (images or len(videos) > 1):
            raise ConnectorError(
                "input",
                N_("a Facebook post from socialdesk carries photos or one video, not both"),
                field="media",
            )
        answer: dict[str, Any] = {}
        if videos:
            post, answer = _video(api, page, draft, videos[0])
        elif len(images) == 1:
            made = upload_photo(api, page, images[0], published=True, message=draft.text)
            if not made.get("post_id"):
                raise shape_error(STREAM, "photo.post_id", "is missing")
            post = str(made["post_id"])
            answer = {"photo_ids": [str(made["id"])]}
        elif images:
            ids = [str(upload_photo(api, page, m, published=False)["id"]) for m in images]
            form = {"message": draft.text} if draft.text else {}
            for i, photo in enumerate(ids):
                form[f"attached_media[{i}]"] = json.dumps({"media_fbid": photo})
            post = _feed(api, page, form)
            answer = {"photo_ids": ids}
        else:
            form = {"message": draft.text} if draft.text else {}
            if draft.link:
                form["link"] = draft.link
            post = _feed(api, page, form)
        # a video whose post Facebook does not show yet: the video stands in for it
        target = str(answer["video_id"]) if answer.get("video_only") else post
        comment_id, comment_error = first_comment(api, target, draft.first_comment)
    details = _post_details(api, target)
    extra: dict[str, Any] = {"comment_error": comment_error.as_dict()} if comment_error else {}
    return _sent(post, page, details, comment_id=comment_id, fallback=now(api), **answer, **extra)


def _feed(api: ApiClient, page: str, form: dict[str, str]) -> str:
    made = graph_object(post_once(api, f"/{page}/feed", data=form), "feed", "id")
    return str(made["id"])


def _video(api: ApiClient, page: str, draft: Draft, video: MediaFile) -> tuple[str, dict[str, Any]]:
    """POST the video to /{page}/videos in one request, then look once for its post among the
    Page's newest; until Facebook shows it, the video stands in for the post."""
    size = video.path.stat().st_size if video.path.exists() else 0
    if size > VIDEO_LIMIT:
        raise ConnectorError(
            "input",
            N_("socialdesk sends videos up to 1 GB to Facebook: make the video smaller"),
            detail=f"{video.path.name}: {size} bytes",
            field="media",
        )
    content = media_bytes(video)
    form = {"description": draft.text} if draft.text else {}
    response = post_once(
        api,
        f"{GRAPH_VIDEO}/{version_of(api)}/{page}/videos",
        files={"source": (video.path.name, content, video.mime)},
        data=form,
    )
    video_id = str(graph_object(response, "video", "id")["id"])
    post = _post_of_video(api, page, video_id)
    if post is None:
        return f"{page}_{video_id}", {"video_id": video_id, "video_only": True}
    return post, {"video_id": video_id}


def _post_of_video(api: ApiClient, page: str, video_id: str) -> str | None:
    try:
        body = api.get_json(
            f"/{page}/posts", fields="id,created_time,attachments{target{id}}", limit=10
        )
    except ConnectorError:
        return None
    posts = body.get("data") if isinstance(body, dict) else None
    for post in posts if isinstance(posts, list) else []:
        if not isinstance(post, dict):
            continue
        for attachment in (post.get("attachments") or {}).get("data") or []:
            if str((attachment.get("target") or {}).get("id")) == video_id and post.get("id"):
                return str(post["id"])
    return None


def first_comment(
    api: ApiClient, target: str, text: str | None
) -> tuple[str | None, ConnectorError | None]:
    """The first comment under the post (sent once); its failure does not fail the post."""
    if not text or not text.strip():
        return None, None
    try:
        response = post_once(api, f"/{target}/comments", data={"message": text})
        return str(graph_object(response, "comment", "id")["id"]), None
    except ConnectorError as exc:
        return None, exc


def _post_details(api: ApiClient, node: str) -> dict[str, Any]:
    """The post's (or video's) permalink_url and created_time; {} when Graph does not give
    them (the post is out: this must not fail the publish)."""
    try:
        with graph_errors(api, NETWORK):
            return graph_object(
                api.request("GET", f"/{node}", params={"fields": "permalink_url,created_time"}),
                "post",
            )
    except ConnectorError:
        return {}


def _sent(
    post: str,
    page: str,
    details: dict[str, Any],
    *,
    comment_id: str | None,
    found_by: str | None = None,
    video_only: bool = False,
    fallback: dt.datetime | None = None,
    **extra: Any,
) -> Sent:
    short = post.split("_", 1)[1] if post.startswith(f"{page}_") else post.split("_", 1)[-1]
    url = str(details.get("permalink_url") or "") or f"https://www.facebook.com/{post}"
    if url.startswith("/"):
        url = f"https://www.facebook.com{url}"
    created = details.get("created_time")
    published = (
        when(created, "post.created_time") if created else (fallback or dt.datetime.now(dt.UTC))
    )
    answer = {"id": post, "post_id": short, "permalink_url": url, "comment_id": comment_id}
    if found_by:
        answer["found_by"] = found_by
    if video_only:
        answer["post_of_video"] = "not yet shown: the video id stands in"
    return Sent(
        remote_id=post,
        url=url,
        published_at=published,
        answer={**answer, **extra},
        post_id=short,
    )


# -- find ---------------------------------------------------------------------------------
def find(api: ApiClient, draft: Draft, key: str, since: dt.datetime) -> Sent | None:
    """The Page's post this draft made since `since` (a minute's slack for the clocks), if
    there is one: the oldest post whose text reads as the draft's (links aside) with as many
    photos, or a video. Graph keeps no key, so `key` is not asked for."""
    floor = (since if since.tzinfo else since.replace(tzinfo=dt.UTC)) - FIND_SLACK
    wanted = comparable(draft.text)
    with graph_errors(api, NETWORK):
        page = page_id(api)
        found: dict[str, Any] | None = None
        after: str | None = None
        for _ in range(FIND_PAGES):
            body = api.get_json(
                f"/{page}/posts",
                fields="id,message,created_time,permalink_url,"
                "attachments{media_type,target{id},subattachments.limit(20){media_type}}",
                since=int(floor.timestamp()),
                limit=PAGE_SIZE,
                after=after,
            )
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise shape_error(STREAM, "posts.data", "is missing or not a list")
            older = False
            for i, raw in enumerate(body["data"]):
                if not isinstance(raw, dict) or not raw.get("id") or not raw.get("created_time"):
                    raise shape_error(STREAM, f"posts.data[{i}]", "is not a post")
                if when(raw["created_time"], f"posts.data[{i}].created_time") < floor:
                    older = True
                    break
                if comparable(raw.get("message")) == wanted and _same_media(raw, draft):
                    found = raw  # newest first: a later match is an older post
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
            if older or not after:
                break
    if found is None:
        return None
    return _sent(str(found["id"]), page, found, comment_id=None, found_by="text and time")


def _same_media(post: dict[str, Any], draft: Draft) -> bool:
    """As many photos as the draft (or a video for a video); a post Graph gives without
    attachments is not held against the draft (its media are not known)."""
    if "attachments" not in post:
        return True
    attachments = (post.get("attachments") or {}).get("data") or []
    first = attachments[0] if attachments and isinstance(attachments[0], dict) else {}
    kind = str(first.get("media_type") or "").lower()
    subs = (first.get("subattachments") or {}).get("data")
    videos = sum(m.kind == "video" for m in draft.media)
    if videos:
        return kind == "video"
    if isinstance(subs, list) and subs:
        return len(subs) == len(draft.media)
    return (1 if kind == "photo" else 0) == len(draft.media)


def _account(handle: str, external_id: str | None, settings: dict[str, Any]) -> AccountRef:
    """The Page, as the Meta connector's sync names it (connectors/meta.py _page_ref)."""
    return AccountRef("facebook", handle, name=handle, external_id=external_id)


PUBLISHER = Publisher(
    network=NETWORK, publish=publish, find=find, connector="meta", account=_account
)
