"""A recorded Meta Graph API for publishing tests (respx over HTTPX: Graph cannot be reached
from here), replaying the shapes of developers.facebook.com:

- Graph API reference page/feed (POST message, link, attached_media[i]={"media_fbid"} ->
  {"id": "<page>_<post>"}), page/photos (multipart source, message, published,
  alt_text_custom -> {"id", "post_id"}, or {"id"} for an unpublished photo), photo (fields
  images[] {height, width, source} and alt_text_custom), page/videos on graph-video.facebook.com
  (multipart source, description -> {"id"}), object/comments (message -> {"id"}), page/posts
  (id, message, created_time, permalink_url, attachments{media_type, target{id},
  subattachments}; since, limit, cursor paging {"data", "paging": {"cursors", "next"}});
- Instagram Platform, Content Publishing and the references ig-user/media (image_url, caption,
  alt_text, is_carousel_item, media_type CAROUSEL + children, media_type REELS / VIDEO +
  upload_type=resumable -> {"id", "uri"}), ig-container (status_code IN_PROGRESS, FINISHED,
  ERROR with the error subcode in `status`, EXPIRED, PUBLISHED), ig-user/media_publish
  (creation_id -> {"id"}), ig-media (id, permalink, timestamp), ig-media/comments, and
  "Upload Video to Meta Servers" (POST rupload.facebook.com/ig-api-upload/<version>/<id> with
  Authorization: OAuth <token>, offset, file_size -> {"success": true, "message": "Upload
  successful."});
- errors {"error": {"message", "type", "code", "error_subcode", "error_user_msg",
  "fbtrace_id"}} (Graph API, Handle Errors; Instagram Platform, Error Codes): code 190 an
  expired token, 200 (Page) and 10 (Instagram) a missing permission, 4 and 32 rate limits with
  X-Business-Use-Case-Usage (Graph API, Rate Limiting), 9007/2207027 "Media ID is not
  available" (media not ready), 9/2207042 the publishing limit, 9004/2207052 a URL Instagram
  cannot fetch, 324 an image Facebook cannot read.

The Page's and the account's earlier posts are tests/connectors/meta_api.py's fb_post and
ig_media, newest first; what is published here is put in front, so find() reads it back."""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import io
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
import respx
from PIL import Image, UnidentifiedImageError

from tests.connectors.meta_api import (
    EXPIRED,
    GRAPH,
    IG_ID,
    IG_USER,
    PAGE_ID,
    PAGE_NAME,
    PAGE_TOKEN,
    error,
    fb_post,
    ig_media,
)

__all__ = [
    "GRAPH",
    "GRAPH_VIDEO",
    "IG_ID",
    "IG_USER",
    "PAGE_ID",
    "PAGE_NAME",
    "PAGE_TOKEN",
    "RUPLOAD",
    "START",
    "FakeMetaPublish",
    "sample",
]

GRAPH_VIDEO = "https://graph-video.facebook.com/v23.0"
RUPLOAD = "https://rupload.facebook.com/ig-api-upload/v23.0"
CDN = "https://scontent-ams2-1.xx.fbcdn.net/v/t39.30808-6"
START = dt.datetime(2026, 11, 30, 12, 5, tzinfo=dt.UTC)  # just after the samples' newest
EVERYTHING = frozenset(
    {
        "pages_manage_posts",
        "pages_read_engagement",
        "pages_manage_engagement",
        "instagram_basic",
        "instagram_content_publish",
        "instagram_manage_comments",
    }
)
NOT_READY_MESSAGE = "Media ID is not available"
NOT_READY_USER = "The media is not ready for publishing, please wait for a moment"
LIMIT_USER = (
    "You reached maximum number of posts that is allowed to be published by Content Publishing API."
)


def _graph_time(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _form(request: httpx.Request) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """The request's fields and files: a multipart form or a urlencoded one."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/"):
        raw = b"Content-Type: " + kind.encode() + b"\r\n\r\n" + request.content
        message = email.message_from_bytes(raw, policy=email.policy.HTTP)
        fields: dict[str, str] = {}
        files: dict[str, dict[str, Any]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if part.get_filename():
                files[name] = {
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "content": payload,
                }
            else:
                fields[name] = payload.decode()
        return fields, files
    parsed = parse_qs(request.content.decode(), keep_blank_values=True)
    return {k: v[-1] for k, v in parsed.items()}, {}


def _missing(permission: str, instagram: bool) -> httpx.Response:
    if instagram:
        return error(
            10,
            f"Application does not have permission for this action ({permission})",
            status=400,
        )
    return error(
        200,
        "(#200) If posting to a page, requires both pages_read_engagement and "
        f"pages_manage_posts as an admin with sufficient administrative permission ({permission})",
        status=403,
    )


def _unknown(node: str) -> httpx.Response:
    return error(
        100,
        f"Unsupported get request. Object with ID '{node}' does not exist, cannot be loaded due "
        "to missing permissions, or does not support this operation.",
        subcode=33,
        kind="GraphMethodException",
    )


def _graph_error(
    code: int, message: str, *, subcode: int | None = None, user_msg: str | None = None
) -> httpx.Response:
    response = error(code, message, subcode=subcode)
    if user_msg:
        body = response.json()
        body["error"]["error_user_msg"] = user_msg
        body["error"]["is_transient"] = False
        response = httpx.Response(response.status_code, json=body)
    return response


@dataclass
class FakeMetaPublish:
    """The publishing endpoints of one Page (PAGE_ID) and its Instagram account (IG_ID).

    Knobs: `permissions` the token's (an endpoint outside them answers 200 or 10),
    `processing_polls` (IN_PROGRESS answers before an image or carousel container is
    FINISHED), `video_polls` (the same for an uploaded video), `container_error` (the subcode
    every new container fails with: status_code ERROR), `not_ready` (media_publish answers
    9007/2207027 this many times), `publish_limit` (media_publish answers 9/2207042),
    `video_post_visible` (a video's post shows among the Page's posts at once), `lose` (by
    kind "feed", "photo", "video", "publish": the object is made, then the answer is lost: the
    transport raises ReadTimeout), `faults` (by kind "feed", "photo", "video", "posts",
    "container", "status", "publish", "comment", "rupload": responses or exceptions to answer
    instead, in turn; None answers normally). `now` is Meta's clock (what is made gets its
    time and advances it a second)."""

    posts: list[dict[str, Any]]  # the Page's, newest first
    media: list[dict[str, Any]]  # the Instagram account's, newest first
    token: str = PAGE_TOKEN
    permissions: set[str] = field(default_factory=lambda: set(EVERYTHING))
    processing_polls: int = 1
    video_polls: int = 2
    container_error: int | None = None
    not_ready: int = 0
    publish_limit: bool = False
    video_post_visible: bool = True
    lose: dict[str, int] = field(default_factory=dict)
    faults: dict[str, list[httpx.Response | Exception | None]] = field(default_factory=dict)
    now: dt.datetime = START
    # what happened
    requests: list[dict[str, Any]] = field(default_factory=list)  # (kind, method, url, form)
    photos: dict[str, dict[str, Any]] = field(default_factory=dict)
    videos: dict[str, dict[str, Any]] = field(default_factory=dict)
    containers: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    made_posts: list[dict[str, Any]] = field(default_factory=list)
    made_media: list[dict[str, Any]] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def install(self, router: respx.Router) -> None:
        g, page, ig = re.escape(GRAPH), PAGE_ID, IG_ID
        tail = r"(\?.*)?$"
        router.post(url__regex=rf"^{g}/{page}/feed{tail}").mock(side_effect=self._feed)
        router.post(url__regex=rf"^{g}/{page}/photos{tail}").mock(side_effect=self._photo)
        router.post(url__regex=rf"^{re.escape(GRAPH_VIDEO)}/{page}/videos{tail}").mock(
            side_effect=self._video
        )
        router.get(url__regex=rf"^{g}/{page}/posts{tail}").mock(side_effect=self._posts)
        router.post(url__regex=rf"^{g}/{ig}/media{tail}").mock(side_effect=self._container)
        router.post(url__regex=rf"^{g}/{ig}/media_publish{tail}").mock(side_effect=self._publish)
        router.get(url__regex=rf"^{g}/{ig}/media{tail}").mock(side_effect=self._media_list)
        router.post(url__regex=rf"^{re.escape(RUPLOAD)}/(?P<container>\w+){tail}").mock(
            side_effect=self._rupload
        )
        router.post(url__regex=rf"^{g}/(?P<node>\w+)/comments{tail}").mock(
            side_effect=self._comment
        )
        router.delete(url__regex=rf"^{g}/(?P<node>\w+){tail}").mock(side_effect=self._delete)
        router.get(url__regex=rf"^{g}/me{tail}").mock(side_effect=self._me)
        router.get(url__regex=rf"^{g}/(?P<node>\w+){tail}").mock(side_effect=self._node)

    # -- helpers a test uses --------------------------------------------------------------
    def calls(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["kind"] == kind]

    @staticmethod
    def rate_limited(minutes: int = 30, code: int = 32) -> httpx.Response:
        """A rate-limit error as Graph sends it, with X-Business-Use-Case-Usage naming the
        minutes until access comes back."""
        usage = {
            PAGE_ID: [
                {
                    "type": "pages",
                    "call_count": 100,
                    "total_cputime": 25,
                    "total_time": 30,
                    "estimated_time_to_regain_access": minutes,
                }
            ]
        }
        body = error(code, "(#32) Page request limit reached").json()
        return httpx.Response(
            400, json=body, headers={"X-Business-Use-Case-Usage": json.dumps(usage)}
        )

    # -- the checks every endpoint makes --------------------------------------------------
    def _check(
        self, request: httpx.Request, kind: str, permission: str | None, form: dict[str, Any]
    ) -> httpx.Response | None:
        self.requests.append(
            {"kind": kind, "method": request.method, "url": str(request.url), "form": form}
        )
        auth = request.headers.get("authorization", "")
        scheme = "OAuth" if kind == "rupload" else "Bearer"
        if auth != f"{scheme} {self.token}":
            if kind == "rupload":
                return httpx.Response(
                    401,
                    json={
                        "debug_info": {
                            "retriable": False,
                            "type": "AuthError",
                            "message": "Invalid OAuth access token.",
                        }
                    },
                )
            return EXPIRED
        if permission and permission not in self.permissions:
            return _missing(permission, permission.startswith("instagram"))
        queue = self.faults.get(kind)
        if queue:
            fault = queue.pop(0)
            if isinstance(fault, Exception):
                raise fault
            return fault
        return None

    def _answer(self, kind: str, body: dict[str, Any]) -> httpx.Response:
        if self.lose.get(kind, 0) > 0:  # made, but the answer never arrives
            self.lose[kind] -= 1
            raise httpx.ReadTimeout("timed out")
        return httpx.Response(200, json=body)

    def _next(self, base: int) -> str:
        return str(base + next(self._ids))

    def _tick(self) -> str:
        stamp = _graph_time(self.now)
        self.now += dt.timedelta(seconds=1)
        return stamp

    def _make_post(
        self, message: str | None, attachments: list[dict[str, Any]] | None, **extra: Any
    ) -> dict[str, Any]:
        short = self._next(910000000000000000)
        post: dict[str, Any] = {
            "id": f"{PAGE_ID}_{short}",
            "created_time": self._tick(),
            "permalink_url": f"https://www.facebook.com/groendak/posts/pfbid0{short}",
            **extra,
        }
        if message:
            post["message"] = message
        if attachments is not None:
            post["attachments"] = {"data": attachments}
        self.made_posts.append(post)
        return post

    # -- the Page -------------------------------------------------------------------------
    def _feed(self, request: httpx.Request) -> httpx.Response:
        form, _files = _form(request)
        if (answer := self._check(request, "feed", "pages_manage_posts", form)) is not None:
            return answer
        attached = [
            json.loads(form[k])["media_fbid"]
            for k in sorted(form, key=lambda k: int(re.sub(r"\D", "", k) or 0))
            if k.startswith("attached_media[")
        ]
        if not form.get("message") and not form.get("link") and not attached:
            return error(100, "(#100) Missing message or attachment")
        for photo in attached:
            known = self.photos.get(photo)
            if known is None or known["published"] or photo in self.deleted:
                return error(100, f"(#100) Invalid media_fbid {photo}")
        if attached:
            attachments = [
                {
                    "media_type": "album",
                    "subattachments": {
                        "data": [{"media_type": "photo", "target": {"id": p}} for p in attached]
                    },
                }
            ]
        elif form.get("link"):
            attachments = [{"media_type": "link", "target": {"url": form["link"]}}]
        else:
            attachments = None
        post = self._make_post(form.get("message"), attachments, link=form.get("link"))
        self.posts.insert(0, post)
        return self._answer("feed", {"id": post["id"]})

    def _photo(self, request: httpx.Request) -> httpx.Response:
        form, files = _form(request)
        if (answer := self._check(request, "photo", "pages_manage_posts", form)) is not None:
            return answer
        source = files.get("source")
        if source is None:
            return error(324, "(#324) Requires upload file")
        try:
            with Image.open(io.BytesIO(source["content"] or b"")) as image:
                width, height = image.size
        except (UnidentifiedImageError, OSError):
            return error(324, "(#324) Missing or invalid image file")
        photo = self._next(120000000000000000)
        published = form.get("published", "true") != "false"
        self.photos[photo] = {
            "id": photo,
            "published": published,
            "message": form.get("message"),
            "alt_text_custom": form.get("alt_text_custom"),
            "filename": source["filename"],
            "content_type": source["content_type"],
            "content": source["content"],
            # Facebook keeps smaller renditions too, all JPEG on its CDN
            "images": [
                {
                    "height": max(1, height // 2),
                    "width": max(1, width // 2),
                    "source": f"{CDN}/{photo}_s_n.jpg?_nc_cat=1&oh=00_x&oe=6757",
                },
                {
                    "height": height,
                    "width": width,
                    "source": f"{CDN}/{photo}_n.jpg?_nc_cat=1&oh=00_x&oe=6757",
                },
            ],
        }
        if not published:
            return self._answer("photo", {"id": photo})
        post = self._make_post(
            form.get("message"), [{"media_type": "photo", "target": {"id": photo}}]
        )
        self.photos[photo]["post_id"] = post["id"]
        self.posts.insert(0, post)
        return self._answer("photo", {"id": photo, "post_id": post["id"]})

    def _video(self, request: httpx.Request) -> httpx.Response:
        form, files = _form(request)
        if (answer := self._check(request, "video", "pages_manage_posts", form)) is not None:
            return answer
        source = files.get("source")
        content = (source or {}).get("content") or b""
        if source is None or content[4:8] != b"ftyp":
            return error(
                390,
                "There was a problem uploading your video file. Please try again with another "
                "file.",
                subcode=6000,
                kind="GraphException",
            )
        video = self._next(130000000000000000)
        post = self._make_post(
            form.get("description"), [{"media_type": "video", "target": {"id": video}}]
        )
        self.videos[video] = {
            "id": video,
            "description": form.get("description"),
            "filename": source["filename"],
            "content": content,
            "post_id": post["id"],
            "created_time": post["created_time"],
        }
        if self.video_post_visible:
            self.posts.insert(0, post)
        return self._answer("video", {"id": video})

    def _posts(self, request: httpx.Request) -> httpx.Response:
        if (answer := self._check(request, "posts", "pages_read_engagement", {})) is not None:
            return answer
        params = request.url.params
        items = self.posts
        if params.get("since"):
            floor = dt.datetime.fromtimestamp(int(params["since"]), dt.UTC)
            items = [
                p
                for p in items
                if dt.datetime.strptime(p["created_time"], "%Y-%m-%dT%H:%M:%S%z") >= floor
            ]
        return _page(request, items)

    # -- Instagram ------------------------------------------------------------------------
    def _container(self, request: httpx.Request) -> httpx.Response:
        form, _files = _form(request)
        permission = "instagram_content_publish"
        if (answer := self._check(request, "container", permission, form)) is not None:
            return answer
        container = self._next(17900000000000000)
        item = form.get("is_carousel_item") == "true"
        entry: dict[str, Any] = {
            "id": container,
            "form": form,
            "item": item,
            "polls": self.processing_polls,
            "published": False,
            "error": self.container_error,
        }
        kind = form.get("media_type") or "IMAGE"
        if kind == "CAROUSEL":
            children = [c for c in form.get("children", "").split(",") if c]
            if not 2 <= len(children) <= 10:
                return error(100, "(#100) The carousel must have between 2 and 10 children")
            for child in children:
                known = self.containers.get(child)
                if known is None or not known["item"]:
                    return error(100, f"(#100) Invalid child {child}")
            entry.update(kind="carousel", children=children)
        elif form.get("upload_type") == "resumable":
            if kind not in ("REELS", "VIDEO", "STORIES") or (kind == "VIDEO" and not item):
                return error(100, "(#100) media_type must be REELS, STORIES or a carousel VIDEO")
            if form.get("alt_text"):
                return error(100, "(#100) alt_text is only supported for images")
            entry.update(kind="video", uploaded=False, polls=self.video_polls)
            self.containers[container] = entry
            return self._answer("container", {"id": container, "uri": f"{RUPLOAD}/{container}"})
        elif form.get("image_url"):
            photo = self._photo_at(form["image_url"])
            if photo is None:
                return _graph_error(
                    9004,
                    "The media could not be fetched from this uri: " + form["image_url"],
                    subcode=2207052,
                    user_msg="Media download has failed.",
                )
            entry.update(kind="image", photo=photo)
        else:
            return error(100, "(#100) The parameter image_url is required")
        self.containers[container] = entry
        return self._answer("container", {"id": container})

    def _photo_at(self, url: str) -> str | None:
        for photo in self.photos.values():
            if photo["id"] in self.deleted:
                continue
            if any(i["source"] == url for i in photo["images"]):
                return str(photo["id"])
        return None

    def _rupload(self, request: httpx.Request, container: str) -> httpx.Response:
        form = {
            "offset": request.headers.get("offset"),
            "file_size": request.headers.get("file_size"),
        }
        if (answer := self._check(request, "rupload", None, form)) is not None:
            return answer
        entry = self.containers.get(container)
        if entry is None or entry.get("kind") != "video":
            return httpx.Response(
                400,
                json={
                    "debug_info": {
                        "retriable": False,
                        "type": "ProcessingFailedError",
                        "message": "Request processing failed",
                    }
                },
            )
        if form["offset"] != "0" or form["file_size"] != str(len(request.content)):
            return httpx.Response(
                400,
                json={
                    "debug_info": {
                        "retriable": False,
                        "type": "BadRequest",
                        "message": "file_size does not match the bytes sent",
                    }
                },
            )
        entry.update(uploaded=True, content=request.content)
        if request.content[4:8] != b"ftyp" and entry["error"] is None:
            entry["error"] = 2207026
        return httpx.Response(200, json={"success": True, "message": "Upload successful."})

    def _status(self, entry: dict[str, Any]) -> dict[str, Any]:
        if entry["published"]:
            return {"status_code": "PUBLISHED", "status": "Published"}
        if entry.get("kind") == "video" and not entry.get("uploaded"):
            return {"status_code": "IN_PROGRESS", "status": "In Progress"}
        if entry["polls"] > 0:
            entry["polls"] -= 1
            return {"status_code": "IN_PROGRESS", "status": "In Progress"}
        if entry["error"] is not None:
            return {"status_code": "ERROR", "status": f"Error: {entry['error']}"}
        return {"status_code": "FINISHED", "status": "Finished: Media has been uploaded"}

    def _publish(self, request: httpx.Request) -> httpx.Response:
        form, _files = _form(request)
        permission = "instagram_content_publish"
        if (answer := self._check(request, "publish", permission, form)) is not None:
            return answer
        if self.publish_limit:
            return _graph_error(
                9, "Application request limit reached", subcode=2207042, user_msg=LIMIT_USER
            )
        entry = self.containers.get(form.get("creation_id", ""))
        if entry is None:
            return _graph_error(
                24,
                "The requested resource does not exist",
                subcode=2207008,
                user_msg="The media builder does not exist or has expired.",
            )
        if entry["item"]:
            return error(100, "(#100) A carousel item cannot be published on its own")
        if entry["published"]:
            return error(100, "(#100) The container was published already")
        ready = entry["polls"] <= 0 and entry["error"] is None
        if entry.get("kind") == "video":
            ready = ready and entry.get("uploaded", False)
        if not ready or self.not_ready > 0:
            self.not_ready = max(0, self.not_ready - 1)
            return _graph_error(9007, NOT_READY_MESSAGE, subcode=2207027, user_msg=NOT_READY_USER)
        entry["published"] = True
        media_id = self._next(18100000000000000)
        kinds = {"image": "IMAGE", "video": "VIDEO", "carousel": "CAROUSEL_ALBUM"}
        made: dict[str, Any] = {
            "id": media_id,
            "caption": entry["form"].get("caption"),
            "media_type": kinds[entry["kind"]],
            "media_product_type": "REELS" if entry["kind"] == "video" else "FEED",
            "permalink": f"https://www.instagram.com/p/C{media_id[-6:]}xYz/",
            "timestamp": self._tick(),
            "container": entry["id"],
        }
        if entry["kind"] == "carousel":
            made["children"] = {"data": [{"id": f"{c}9"} for c in entry["children"]]}
        self.media.insert(0, made)
        self.made_media.append(made)
        return self._answer("publish", {"id": media_id})

    def _media_list(self, request: httpx.Request) -> httpx.Response:
        if (answer := self._check(request, "media", "instagram_basic", {})) is not None:
            return answer
        return _page(request, self.media)

    # -- nodes, comments, deletion --------------------------------------------------------
    def _comment(self, request: httpx.Request, node: str) -> httpx.Response:
        form, _files = _form(request)
        instagram = any(m["id"] == node for m in self.media)
        permission = "instagram_manage_comments" if instagram else "pages_manage_engagement"
        if (answer := self._check(request, "comment", permission, form)) is not None:
            return answer
        if (
            not instagram
            and node not in self.videos
            and not any(p["id"] == node for p in self.posts)
        ):
            return _unknown(node)
        if not form.get("message"):
            return error(100, "(#100) Missing message")
        comment = {
            "id": self._next(17800000000000000) if instagram else f"{node}_{next(self._ids)}",
            "on": node,
            "message": form["message"],
        }
        self.comments.append(comment)
        return httpx.Response(200, json={"id": comment["id"]})

    def _delete(self, request: httpx.Request, node: str) -> httpx.Response:
        if (answer := self._check(request, "delete", "pages_manage_posts", {})) is not None:
            return answer
        if node not in self.photos or node in self.deleted:
            return _unknown(node)
        self.deleted.append(node)
        return httpx.Response(200, json={"success": True})

    def _me(self, request: httpx.Request) -> httpx.Response:
        if (answer := self._check(request, "me", None, {})) is not None:
            return answer
        return httpx.Response(200, json={"id": PAGE_ID, "name": PAGE_NAME})

    def _node(self, request: httpx.Request, node: str) -> httpx.Response:
        kind = "status" if node in self.containers else "node"
        if (answer := self._check(request, kind, None, {})) is not None:
            return answer
        fields = [f for f in (request.url.params.get("fields") or "").split(",") if f]
        found: dict[str, Any] | None = None
        if node in self.containers:
            found = {"id": node, **self._status(self.containers[node])}
        elif node in self.photos and node not in self.deleted:
            photo = self.photos[node]
            found = {
                "id": node,
                "images": photo["images"],
                "alt_text_custom": photo["alt_text_custom"],
            }
        elif node in self.videos:
            video = self.videos[node]
            found = {
                "id": node,
                "permalink_url": f"/groendak/videos/{node}/",
                "created_time": video["created_time"],
                "description": video["description"],
            }
        else:
            found = next((p for p in [*self.posts, *self.made_posts] if p["id"] == node), None)
            found = found or next((m for m in self.media if m["id"] == node), None)
        if found is None:
            return _unknown(node)
        if fields:
            found = {k: v for k, v in found.items() if k == "id" or k in fields}
        return httpx.Response(200, json=found)


def _page(request: httpx.Request, items: list[dict[str, Any]]) -> httpx.Response:
    """Cursor paging as Graph pages: {"data", "paging": {"cursors": {"before", "after"},
    "next"}}, `next` only when there is more."""
    limit = int(request.url.params.get("limit", 25))
    after = request.url.params.get("after")
    start = int(base64.b64decode(after).decode()) if after else 0
    chunk = items[start : start + limit]
    cursors = {
        "before": base64.b64encode(str(start).encode()).decode(),
        "after": base64.b64encode(str(start + len(chunk)).encode()).decode(),
    }
    paging: dict[str, Any] = {"cursors": cursors}
    if start + limit < len(items):
        paging["next"] = str(request.url.copy_set_param("after", cursors["after"]))
    return httpx.Response(200, json={"data": chunk, "paging": paging})


def sample(**knobs: Any) -> FakeMetaPublish:
    """The Page with 30 earlier posts (the newest at 12:00, every hour back) and the account
    with 30 earlier media; Meta's clock at 12:05 UTC."""
    return FakeMetaPublish(
        [fb_post(i) for i in range(30)], [ig_media(i) for i in range(1, 31)], **knobs
    )
