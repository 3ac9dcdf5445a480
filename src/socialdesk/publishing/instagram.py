"""Publishing to the Instagram professional account of the connected Page (Instagram Graph API
with Facebook Login, through the Meta connector's Page token): one image with its alt text,
a carousel of up to ten images and videos, or a reel; the first comment as the account's own
comment.

Content publishing (Instagram Platform, "Content Publishing",
developers.facebook.com/docs/instagram-platform/content-publishing, and the references
ig-user/media, ig-user/media_publish, ig-container):
  POST /{ig-user-id}/media             a container: image_url + caption + alt_text (alt text
                                       for image posts since 24 March 2025; reels and stories
                                       take none); is_carousel_item=true for a carousel's
                                       items, then media_type=CAROUSEL + children=<ids> +
                                       caption; media_type=REELS (VIDEO for a carousel item)
                                       + upload_type=resumable for a video
  GET /{container-id}?fields=status_code,status   IN_PROGRESS, FINISHED, ERROR (then
                                       `status` carries the error subcode), EXPIRED (not
                                       published within 24 hours), PUBLISHED
  POST /{ig-user-id}/media_publish     creation_id; answers {"id": media id}; 50 posts in a
                                       moving 24 hours (code 9, subcode 2207042)
  GET /{ig-media-id}?fields=id,permalink,timestamp
  POST /{ig-media-id}/comments         message: the first comment
  GET /{ig-user-id}/media?fields=id,caption,timestamp,permalink,media_type,children{id}
                                       the account's media, newest first, for find()
Permissions: instagram_basic, instagram_content_publish, pages_read_engagement (the IG
Container and IG User Media Publish references); instagram_manage_comments for the first
comment; pages_manage_posts for the unpublished Page photos (below).

Instagram fetches an image from a public URL ("We cURL media used in publishing attempts, so
the media must be hosted on a publicly accessible server at the time of the attempt"), and
socialdesk is local-first: the files are on this machine. Without hosting anything of our own:
  - an image is uploaded to the connected Page as an unpublished photo (POST /{page-id}/photos
    published=false, multipart `source`: no post, nobody sees it), its CDN address read with
    GET /{photo-id}?fields=images (the largest of images[].source) and given as image_url.
    Facebook stores photos as JPEG, which is also the one format Instagram takes for images.
    When the attempt is over (published or not) the unpublished photos are deleted again
    (DELETE /{photo-id}); a deletion that fails only leaves an unpublished photo behind.
  - a video goes up with Instagram's resumable upload (Instagram Platform, "Upload Video to
    Meta Servers", developers.facebook.com/docs/instagram-platform/content-publishing/
    resumable-uploads): the container made with upload_type=resumable answers {id, uri}, the
    bytes are POSTed to that uri (rupload.facebook.com/ig-api-upload/<version>/<container id>)
    with the headers Authorization: OAuth <token>, offset: 0 and file_size: <bytes>; it
    answers {"success": true, "message": "Upload successful."}.

Waiting: a container is looked at right away, then after 1, 2, 4, 8, 10, 10 ... seconds, at
most MEDIA_WAIT seconds in all for a post of images and VIDEO_WAIT with a video; a container
still IN_PROGRESS after that is a transient error (the worker tries again later, with new
containers: an unpublished container expires by itself within 24 hours). media_publish
answering "media not ready" (code 9007, subcode 2207027) is waited out NOT_READY_WAITS.

Errors (Instagram Platform, Error Codes): publishing/facebook.py's graph_errors maps the
subcodes: 2207042 the publishing limit (a rate error, tried again in a day), 2207050 an
account that is restricted and 2207051 a post held as spam (permission), 2207004, 2207005,
2207009, 2207026, 2207023 a file Instagram does not take and 2207010 a caption too long
(input), 2207027 media not ready, 2207001, 2207032, 2207053, 2207008, 2207006 and 2207003,
2207052, 2207020 Instagram's temporary trouble (server: the next try starts again); code 190
an expired token, 10 and 200-299 a missing permission, 4, 17, 32, 613 rate limits. A
container in ERROR fails the post with the subcode's reason (a file Instagram refuses is
permanent; Instagram's own trouble is transient).

Exactly once: Instagram keeps no idempotency key. media_publish is sent once; an unknown
outcome (a timeout, a server error) is a `network` error, so the worker asks find() before
it sends again: the account's media since the attempt began, for a caption that reads as the
draft's (links aside, whitespace as one space) with the same shape (one image, one video, a
carousel of as many items). Containers and unpublished Page photos are no post; made twice,
they expire or are deleted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from socialdesk.connectors.base import N_
from socialdesk.connectors.errors import ConnectorError, shape_error
from socialdesk.connectors.http import ApiClient
from socialdesk.importers.base import AccountRef
from socialdesk.publishing.base import Draft, MediaFile, Publisher, Sent
from socialdesk.publishing.facebook import (
    STREAM,
    GraphError,
    comparable,
    explain,
    first_comment,
    graph_errors,
    graph_object,
    media_bytes,
    now,
    page_id,
    post_once,
    upload_photo,
    version_of,
    when,
)

__all__ = ["PUBLISHER", "find", "publish"]

NETWORK = "instagram"
RUPLOAD = "https://rupload.facebook.com/ig-api-upload"
CAROUSEL_MAX = 10
MEDIA_WAIT = 60.0  # seconds in all to wait for the containers of a post of images
VIDEO_WAIT = 300.0  # ... of a post with a video (Instagram transcodes it)
POLL_MAX = 10.0  # the longest pause between two looks at a container
NOT_READY_WAITS = (2.0, 4.0, 8.0)  # pauses when media_publish says the media is not ready
NOT_READY = 2207027
PAGE_SIZE = 25
FIND_PAGES = 4  # at most 100 media back
FIND_SLACK = dt.timedelta(minutes=1)
_SUBCODE = re.compile(r"\b(2207\d{3})\b")


@dataclass
class _Budget:
    """The seconds left to wait for this post's containers."""

    left: float
    waited: float = 0.0

    def spend(self, seconds: float) -> None:
        self.left -= seconds
        self.waited += seconds


# -- publish ------------------------------------------------------------------------------
def publish(api: ApiClient, draft: Draft, key: str) -> Sent:
    """Make the containers (an image by way of an unpublished Page photo, a video by the
    resumable upload), wait until Instagram has them FINISHED, publish, read the permalink,
    post the first comment. `key` is not sent: Instagram keeps none (see the module doc)."""
    with graph_errors(api, NETWORK):
        if not draft.media:
            raise ConnectorError(
                "input",
                N_("Instagram needs an image or a video: add one to the post"),
                field="media",
            )
        if len(draft.media) > CAROUSEL_MAX:
            raise ConnectorError(
                "input",
                N_("an Instagram carousel takes at most 10 images and videos"),
                detail=f"{len(draft.media)} media",
                field="media",
            )
        ig, username = _ig_account(api)
        page = page_id(api)
        photos: list[str] = []  # unpublished Page photos made for image_url, deleted at the end
        budget = _Budget(VIDEO_WAIT if any(m.kind == "video" for m in draft.media) else MEDIA_WAIT)
        try:
            children: list[str] = []
            if len(draft.media) == 1:
                container = _container(api, ig, page, draft.media[0], draft.text, photos)
            else:
                for media in draft.media:
                    children.append(_container(api, ig, page, media, None, photos))
                for child, media in zip(children, draft.media, strict=True):
                    _wait_finished(api, child, media, budget)
                form = {"media_type": "CAROUSEL", "children": ",".join(children)}
                if draft.text:
                    form["caption"] = draft.text
                response = api.request("POST", f"/{ig}/media", data=form)
                container = str(graph_object(response, "container", "id")["id"])
            _wait_finished(api, container, None, budget)
            media_id = _publish_container(api, ig, container)
        finally:
            removed = _remove_photos(api, photos)
        comment_id, comment_error = first_comment(api, media_id, draft.first_comment)
        details = _media_details(api, media_id)
    extra: dict[str, Any] = {"comment_error": comment_error.as_dict()} if comment_error else {}
    return _sent(
        media_id,
        details,
        username,
        now(api),
        comment_id=comment_id,
        container_id=container,
        children=children,
        page_photos_removed=removed,
        **extra,
    )


def _ig_account(api: ApiClient) -> tuple[str, str | None]:
    settings = api.session.get("settings") or {}
    ig = settings.get("instagram_id")
    if not ig:
        raise ConnectorError(
            "input",
            N_(
                "this Page has no Instagram professional account: link one to the Page in "
                "Meta Business Suite and connect again"
            ),
        )
    username = settings.get("instagram_username")
    return str(ig), str(username) if username else None


def _container(
    api: ApiClient,
    ig: str,
    page: str,
    media: MediaFile,
    caption: str | None,
    photos: list[str],
) -> str:
    """One container: `caption` for a post of one, None for a carousel's item."""
    item = caption is None
    if media.kind == "video":
        return _video_container(api, ig, media, caption)
    photo = str(upload_photo(api, page, media, published=False)["id"])
    photos.append(photo)
    form = {"image_url": _photo_url(api, photo)}
    if item:
        form["is_carousel_item"] = "true"
    elif caption:
        form["caption"] = caption
    if media.alt:
        form["alt_text"] = media.alt
    try:
        response = api.request("POST", f"/{ig}/media", data=form)
    except ConnectorError as exc:
        raise _about(exc, media) from None
    return str(graph_object(response, "container", "id")["id"])


def _photo_url(api: ApiClient, photo: str) -> str:
    """The largest of the photo's images on Facebook's CDN (GET /{photo-id}?fields=images)."""
    body = graph_object(
        api.request("GET", f"/{photo}", params={"fields": "images"}), "photo", "images"
    )
    images = [i for i in body["images"] if isinstance(i, dict) and isinstance(i.get("source"), str)]
    if not images:
        raise shape_error(STREAM, "photo.images", "has no source")
    largest = max(images, key=lambda i: int(i.get("width") or 0) * int(i.get("height") or 0))
    return str(largest["source"])


def _video_container(api: ApiClient, ig: str, media: MediaFile, caption: str | None) -> str:
    """A resumable container, then the bytes to its upload uri in one piece (offset 0)."""
    content = media_bytes(media)
    form = {"upload_type": "resumable"}
    if caption is None:
        form.update(media_type="VIDEO", is_carousel_item="true")
    else:
        form["media_type"] = "REELS"
        if caption:
            form["caption"] = caption
    made = graph_object(api.request("POST", f"/{ig}/media", data=form), "container", "id")
    container = str(made["id"])
    uri = str(made.get("uri") or f"{RUPLOAD}/{version_of(api)}/{container}")
    token = api.headers.get("Authorization", "").removeprefix("Bearer ")
    try:
        response = api.request(
            "POST",
            uri,
            content=content,
            headers={
                "Authorization": f"OAuth {token}",
                "offset": "0",
                "file_size": str(len(content)),
            },
        )
    except ConnectorError as exc:
        raise _about(exc, media) from None
    answer = graph_object(response, "upload")
    if answer.get("success") is not True:
        raise ConnectorError(
            "server",
            N_("Instagram did not take the video upload; the next try sends it again"),
            detail=f"{media.path.name}: {str(answer.get('message') or answer)[:200]}",
        )
    return container


def _about(exc: ConnectorError, media: MediaFile) -> ConnectorError:
    """A refusal of a file names the file."""
    if exc.kind == "input":
        exc.field = exc.field or "media"
        exc.detail = f"{media.path.name}: {exc.detail or ''}".strip()[:300]
    return exc


def _wait_finished(
    api: ApiClient, container: str, media: MediaFile | None, budget: _Budget
) -> None:
    """Look at the container until it is FINISHED, pausing 1, 2, 4, 8, 10, 10 ... seconds
    within the post's budget; ERROR fails with the subcode's reason, EXPIRED and a budget
    spent are transient (the next try makes new containers)."""
    pause = 1.0
    while True:
        body = graph_object(
            api.request("GET", f"/{container}", params={"fields": "status_code,status"}),
            "container",
            "status_code",
        )
        state = str(body["status_code"])
        if state in ("FINISHED", "PUBLISHED"):
            return
        if state == "ERROR":
            raise _container_error(str(body.get("status") or ""), media)
        if state == "EXPIRED":
            raise ConnectorError(
                "server",
                N_(
                    "the prepared Instagram post expired before it went out; the next try "
                    "prepares it anew"
                ),
                detail=f"container {container}: EXPIRED",
            )
        if budget.left <= 0:
            raise ConnectorError(
                "server",
                N_("Instagram is still processing the media of this post; the next try goes on"),
                detail=f"container {container}: {state} after {round(budget.waited)} s",
            )
        step = min(pause, budget.left)
        api.sleep(step)
        budget.spend(step)
        pause = min(pause * 2, POLL_MAX)


def _container_error(status: str, media: MediaFile | None) -> ConnectorError:
    """A container in ERROR: the reason its subcode gives; without one, a file Instagram
    could not process (permanent)."""
    found = _SUBCODE.search(status)
    subcode = int(found.group(1)) if found else None
    named = f"{media.path.name}: " if media is not None else ""
    meaning = explain(subcode)
    if meaning is not None:
        kind, message, field = meaning
        return GraphError(
            kind,
            message,
            code=None,
            subcode=subcode,
            detail=f"{named}{status}",
            field=field,
        )
    return ConnectorError(
        "input",
        N_("Instagram could not process a media file of this post"),
        detail=f"{named}{status or 'ERROR'}",
        field="media",
    )


def _publish_container(api: ApiClient, ig: str, container: str) -> str:
    """POST /{ig}/media_publish, sent once per try; "media not ready" (2207027) is waited out
    NOT_READY_WAITS, then left to the worker's next try."""
    for pause in (*NOT_READY_WAITS, None):
        try:
            response = post_once(api, f"/{ig}/media_publish", data={"creation_id": container})
        except GraphError as exc:
            if exc.subcode != NOT_READY:
                raise
            if pause is None:
                raise
            api.sleep(pause)
            continue
        return str(graph_object(response, "media_publish", "id")["id"])
    raise AssertionError("unreachable")  # pragma: no cover


def _remove_photos(api: ApiClient, photos: list[str]) -> int:
    """Delete the unpublished Page photos this try made; a failure only leaves one behind."""
    removed = 0
    for photo in photos:
        try:
            api.request("DELETE", f"/{photo}", attempts=1)
            removed += 1
        except ConnectorError:
            continue
    return removed


def _media_details(api: ApiClient, media_id: str) -> dict[str, Any]:
    """The media's permalink and timestamp; {} when Graph does not give them (the post is
    out: this must not fail the publish)."""
    try:
        return graph_object(
            api.request("GET", f"/{media_id}", params={"fields": "id,permalink,timestamp"}),
            "media",
        )
    except ConnectorError:
        return {}


def _sent(
    media_id: str,
    details: dict[str, Any],
    username: str | None,
    fallback_time: dt.datetime,
    *,
    comment_id: str | None,
    **extra: Any,
) -> Sent:
    url = str(details.get("permalink") or "") or (
        f"https://www.instagram.com/{username}/" if username else "https://www.instagram.com/"
    )
    stamp = details.get("timestamp")
    return Sent(
        remote_id=media_id,
        url=url,
        published_at=when(stamp, "media.timestamp") if stamp else fallback_time,
        answer={"id": media_id, "permalink": details.get("permalink"), "comment_id": comment_id}
        | extra,
    )


# -- find ---------------------------------------------------------------------------------
def find(api: ApiClient, draft: Draft, key: str, since: dt.datetime) -> Sent | None:
    """The account's media this draft made since `since` (a minute's slack), if any: the
    oldest whose caption reads as the draft's text with the same shape (an image, a video, or
    a carousel of as many items). Instagram keeps no key, so `key` is not asked for."""
    floor = (since if since.tzinfo else since.replace(tzinfo=dt.UTC)) - FIND_SLACK
    wanted = comparable(draft.text)
    with graph_errors(api, NETWORK):
        ig, username = _ig_account(api)
        found: dict[str, Any] | None = None
        after: str | None = None
        for _ in range(FIND_PAGES):
            body = api.get_json(
                f"/{ig}/media",
                fields="id,caption,timestamp,permalink,media_type,children{id}",
                limit=PAGE_SIZE,
                after=after,
            )
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise shape_error(STREAM, "media.data", "is missing or not a list")
            older = False
            for i, raw in enumerate(body["data"]):
                if not isinstance(raw, dict) or not raw.get("id") or not raw.get("timestamp"):
                    raise shape_error(STREAM, f"media.data[{i}]", "is not a media object")
                if when(raw["timestamp"], f"media.data[{i}].timestamp") < floor:
                    older = True
                    break
                if comparable(raw.get("caption")) == wanted and _same_shape(raw, draft):
                    found = raw  # newest first: a later match is an older post
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
            if older or not after:
                break
    if found is None:
        return None
    return _sent(
        str(found["id"]),
        found,
        username,
        when(found["timestamp"], "media.timestamp"),
        comment_id=None,
        found_by="text and time",
    )


def _same_shape(item: dict[str, Any], draft: Draft) -> bool:
    kind = str(item.get("media_type") or "")
    if len(draft.media) > 1:
        children = (item.get("children") or {}).get("data")
        count_ok = not isinstance(children, list) or len(children) == len(draft.media)
        return kind == "CAROUSEL_ALBUM" and count_ok
    if not draft.media:
        return False
    return kind == ("VIDEO" if draft.media[0].kind == "video" else "IMAGE")


def _account(handle: str, external_id: str | None, settings: dict[str, Any]) -> AccountRef:
    """The Instagram account, as the Meta connector's sync names it (connectors/meta.py
    _ig_ref)."""
    return AccountRef(
        "instagram",
        str(settings.get("instagram_username")),
        external_id=settings.get("instagram_id"),
    )


def _available(settings: dict[str, Any]) -> bool:
    return bool(settings.get("instagram_id"))


PUBLISHER = Publisher(
    network=NETWORK,
    publish=publish,
    find=find,
    connector="meta",
    account=_account,
    available=_available,
)
