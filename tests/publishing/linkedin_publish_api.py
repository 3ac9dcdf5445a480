"""A recorded LinkedIn REST API for publishing tests, replaying the shapes of the documentation
on learn.microsoft.com/linkedin/marketing/community-management/shares:
- images-api: POST /rest/images?action=initializeUpload {"initializeUploadRequest": {"owner"}}
  -> {"value": {"uploadUrlExpiresAt", "uploadUrl", "image"}}; the bytes PUT to uploadUrl
  (www.linkedin.com/dms-uploads/..., with the bearer token; 201); GET /rest/images/{urn} with
  status WAITING_UPLOAD, PROCESSING, AVAILABLE or PROCESSING_FAILED (and downloadUrl when
  AVAILABLE); JPG, PNG and GIF only;
- posts-api: POST /rest/posts with author, commentary, visibility, distribution,
  lifecycleState (422 "ERROR :: /x :: field is required but not found and has no default
  value" without one), content media / multiImage (multiimage-post-api: 2 to 20 images) /
  article; 201 with the URN in x-restli-id; commentary up to 3,000 characters; LinkedIn
  refuses the same commentary again soon after ("Content is a duplicate of urn:li:share:N");
- little-text-format: reserved characters \\ | { } @ [ ] ( ) < > # * _ ~ escaped with a
  backslash, {hashtag|\\#|word}, @[Name](urn); LinkedIn cuts the commentary at the first
  reserved character left bare (reported by developers: linkedctl issue 194, crossposter
  1.1.5), as this fake does;
- comments-api: POST /rest/socialActions/{post urn}/comments {actor, object, message {text}}
  (201, the comment with its $URN; up to 1,250 characters) and GET the post's comments;
- the errors and the rules of every call are tests/connectors/linkedin_api.py's FakeLinkedIn
  (version, Rest.li protocol, 401 expired or revoked, 403 outside the token's scopes, 429),
  over the same list of posts, newest first: what is published here is what find() reads."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
import respx
from PIL import Image, UnidentifiedImageError

from tests.connectors.linkedin_api import (
    API,
    ORG_URN,
    TOKEN,
    FakeLinkedIn,
    denied,
    error,
    ms,
    post,
)

__all__ = ["ORG_URN", "START", "TOKEN", "FakeLinkedInPublish", "render", "sample"]

START = dt.datetime(2026, 11, 30, 12, 5, tzinfo=dt.UTC)  # just after the sample's newest post
UPLOADS = "https://www.linkedin.com/dms-uploads/sp"
COMMENTARY_LIMIT = 3000
COMMENT_LIMIT = 1250
DUPLICATE_WINDOW = dt.timedelta(hours=1)
RESERVED = set("\\|{}@[]()<>#*_~")
_HASHTAG_TEMPLATE = re.compile(r"\{hashtag\|\\#\|((?:[^{}\\|]|\\.)+)\}")
_MENTION = re.compile(r"@\[((?:[^\]\\]|\\.)+)\]\((urn:li:\w+:[^)]+)\)")
_HASHTAG = re.compile(r"#(\w+)")
_POSTING_ROLES = ("ADMINISTRATOR", "CONTENT_ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER")


def parse_little(text: str) -> tuple[str, int]:
    """(the plain text a reader sees, where LinkedIn cuts the commentary: the index of the
    first reserved character outside an element, or len(text))."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if c == "{" and (m := _HASHTAG_TEMPLATE.match(text, i)):
            out.append("#" + re.sub(r"\\(.)", r"\1", m.group(1)))
            i = m.end()
            continue
        if c == "@" and (m := _MENTION.match(text, i)):
            out.append(re.sub(r"\\(.)", r"\1", m.group(1)))
            i = m.end()
            continue
        if c == "#" and (m := _HASHTAG.match(text, i)):
            out.append(m.group(0))  # a HashtagElement
            i = m.end()
            continue
        if c in RESERVED:
            return "".join(out), i
        out.append(c)
        i += 1
    return "".join(out), len(text)


def render(commentary: str) -> str:
    """The post's text on LinkedIn."""
    return parse_little(commentary)[0]


def _required(body: dict[str, Any], *names: str) -> httpx.Response | None:
    missing = [n for n in names if n not in body]
    if not missing:
        return None
    lines = "".join(
        f"ERROR :: /{n} :: field is required but not found and has no default value\n"
        for n in missing
    )
    return httpx.Response(422, json={"message": lines, "status": 422})


@dataclass
class FakeLinkedInPublish(FakeLinkedIn):
    """The publishing endpoints of one Page, in memory, over FakeLinkedIn's reads.

    Knobs: `processing_polls` (looks at a new image that answer PROCESSING before it is
    AVAILABLE), `fail_processing` (every upload ends PROCESSING_FAILED), `lose_answers` (the
    next post calls are stored, then the answer is lost: a ReadTimeout, or the response in
    `lost_as`, e.g. a 504), `upload_host` (the uploadUrl's address), faults by kind
    "init", "upload", "image", "create", "comment", "comments". `now` is LinkedIn's clock: a
    post is made at it, one second after the other."""

    processing_polls: int = 1
    fail_processing: bool = False
    lose_answers: int = 0
    lost_as: httpx.Response | None = None
    upload_host: str = UPLOADS
    images: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: list[httpx.Request] = field(default_factory=list)  # every PUT of bytes
    inits: list[dict[str, Any]] = field(default_factory=list)
    image_polls: list[str] = field(default_factory=list)
    creates: list[dict[str, Any]] = field(default_factory=list)  # every POST /rest/posts body
    made: list[dict[str, Any]] = field(default_factory=list)  # the posts made here
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    comment_posts: list[dict[str, Any]] = field(default_factory=list)
    _pending: dict[str, int] = field(default_factory=dict)
    _seq: int = 0

    def install(self, router: respx.Router) -> None:
        super().install(router)
        base = re.escape(API)
        router.post(url__regex=rf"^{base}/images\?action=initializeUpload$").mock(
            side_effect=self._initialize
        )
        router.put(url__regex=rf"^{re.escape(self.upload_host)}/").mock(side_effect=self._put)
        router.get(url__regex=rf"^{base}/images/(?P<urn>[^/?]+)$").mock(side_effect=self._image)
        router.post(url__regex=rf"^{base}/posts$").mock(side_effect=self._create)
        router.post(url__regex=rf"^{base}/socialActions/(?P<urn>[^/?]+)/comments$").mock(
            side_effect=self._comment
        )
        router.get(url__regex=rf"^{base}/socialActions/(?P<urn>[^/?]+)/comments(\?.*)?$").mock(
            side_effect=self._comments
        )

    # -- helpers a test uses --------------------------------------------------------------
    def too_many_requests(self) -> httpx.Response:
        """A 429 as LinkedIn sends it: no Retry-After, a daily limit that resets at midnight
        UTC."""
        return error(429, "TOO_MANY_REQUESTS", "Resource level throttle APPLICATION DAY limit")

    def posted(self, i: int = -1) -> dict[str, Any]:
        return self.made[i]

    def _answer_with(self, request: httpx.Request, kind: str, scope: str) -> httpx.Response | None:
        answer = self.check(request, kind, scope)
        return self._answer(answer) if answer is not None else None

    # -- images ---------------------------------------------------------------------------
    def _initialize(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        self.inits.append(body)
        if (answer := self._answer_with(request, "init", "w_organization_social")) is not None:
            return answer
        owner = (body.get("initializeUploadRequest") or {}).get("owner")
        if owner != ORG_URN or not self.may(*_POSTING_ROLES):
            return self._answer(denied(f"images owned by {owner}"))
        self._seq += 1
        urn = f"urn:li:image:C4E10AQ{self._seq:08d}"
        self.images[urn] = {"id": urn, "owner": owner, "status": "WAITING_UPLOAD"}
        upload = (
            f"{self.upload_host}/{self._seq}/image-upload/0"
            "?ca=vector_feedshare&cn=uploads&m=AQ&app=1&sync=0&v=beta&ut=2xyz"
        )
        return self._answer(
            httpx.Response(
                200,
                json={
                    "value": {
                        "uploadUrlExpiresAt": ms(self.now + dt.timedelta(days=1)),
                        "uploadUrl": upload,
                        "image": urn,
                    }
                },
            )
        )

    def _put(self, request: httpx.Request) -> httpx.Response:
        self.uploads.append(request)
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)
        queue = self.faults.get("upload")
        if queue and (fault := queue.pop(0)) is not None:
            if isinstance(fault, Exception):
                raise fault
            return fault
        number = int(request.url.path.split("/")[3])
        urn = f"urn:li:image:C4E10AQ{number:08d}"
        image = self.images.get(urn)
        if image is None:
            return httpx.Response(404)
        try:
            with Image.open(io.BytesIO(request.content)) as img:
                fmt = img.format
                image["size"] = img.size
        except (UnidentifiedImageError, OSError):
            fmt = None
        if self.fail_processing or fmt not in ("JPEG", "PNG", "GIF"):
            image["status"] = "PROCESSING_FAILED"
        else:
            image["status"] = "PROCESSING"
            self._pending[urn] = self.processing_polls
        image["bytes"] = request.content
        return httpx.Response(201)

    def _image(self, request: httpx.Request, urn: str) -> httpx.Response:
        urn = unquote(urn)
        self.image_polls.append(urn)
        if (answer := self._answer_with(request, "image", "w_organization_social")) is not None:
            return answer
        image = self.images.get(urn)
        if image is None:
            return self._answer(error(404, "NOT_FOUND", f"{urn} not found"))
        if image["status"] == "PROCESSING":
            if self._pending.get(urn, 0) > 0:
                self._pending[urn] -= 1
            else:
                image["status"] = "AVAILABLE"
        answer = {k: v for k, v in image.items() if k not in ("bytes", "size")}
        if image["status"] == "AVAILABLE":
            answer["downloadUrl"] = f"https://media.licdn.com/dms/image/{urn[-10:]}/feedshare"
            answer["downloadUrlExpiresAt"] = ms(self.now + dt.timedelta(days=30))
        return self._answer(httpx.Response(200, json=answer))

    # -- posts ----------------------------------------------------------------------------
    def _create(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        self.creates.append(body)
        if (answer := self._answer_with(request, "create", "w_organization_social")) is not None:
            return answer
        if (
            wrong := _required(
                body, "author", "commentary", "visibility", "distribution", "lifecycleState"
            )
        ) is not None:
            return self._answer(wrong)
        if body["author"] != ORG_URN or not self.may(*_POSTING_ROLES):
            return self._answer(denied(f"partnerApiPostsExternal.CREATE as {body['author']}"))
        if len(body["commentary"]) > COMMENTARY_LIMIT:
            return self._answer(
                error(422, "UNPROCESSABLE_ENTITY", "ERROR :: /commentary :: length exceeds 3000")
            )
        if (wrong := self._content_problem(body.get("content"))) is not None:
            return self._answer(wrong)
        _, cut = parse_little(body["commentary"])
        commentary = body["commentary"][:cut]  # LinkedIn keeps the text up to a bare character
        for earlier in self.posts:
            recent = ms(self.now) - earlier["createdAt"] < DUPLICATE_WINDOW.total_seconds() * 1000
            if recent and earlier["commentary"] == commentary and commentary:
                return self._answer(
                    error(
                        422,
                        "DUPLICATE_POST",
                        f"Content is a duplicate of {earlier['id']}",
                    )
                )
        made = self._make(body, commentary)
        if self.lose_answers > 0:  # stored, but the answer never arrives
            self.lose_answers -= 1
            if self.lost_as is not None:
                return self._answer(self.lost_as)
            raise httpx.ReadTimeout("timed out")
        return self._answer(
            httpx.Response(201, headers={"x-restli-id": made["id"], "x-linkedin-id": made["id"]})
        )

    def _content_problem(self, content: Any) -> httpx.Response | None:
        if content is None:
            return None
        ids: list[str] = []
        if "media" in content:
            ids = [content["media"].get("id")]
        elif "multiImage" in content:
            ids = [i.get("id") for i in content["multiImage"].get("images") or []]
            if not 2 <= len(ids) <= 20:
                return error(
                    422, "UNPROCESSABLE_ENTITY", "ERROR :: /content/multiImage/images :: 2 to 20"
                )
        elif "article" in content:
            if not content["article"].get("source") or not content["article"].get("title"):
                return error(
                    422, "UNPROCESSABLE_ENTITY", "ERROR :: /content/article :: source, title"
                )
        for urn in ids:
            image = self.images.get(urn)
            if image is None or image["status"] != "AVAILABLE":
                return error(400, "ILLEGAL_ARGUMENT", f"Media {urn} is not ready to be used")
        return None

    def _make(self, body: dict[str, Any], commentary: str) -> dict[str, Any]:
        self._seq += 1
        urn = f"urn:li:share:{7_270_000_000_000_000_000 + self._seq}"
        made = post(0)
        made.update(
            {
                "id": urn,
                "commentary": commentary,
                "createdAt": ms(self.now),
                "publishedAt": ms(self.now),
                "lastModifiedAt": ms(self.now),
                "visibility": body["visibility"],
                "distribution": body["distribution"],
                "lifecycleState": body["lifecycleState"],
                "isReshareDisabledByAuthor": body.get("isReshareDisabledByAuthor", False),
            }
        )
        made.pop("content", None)
        if body.get("content") is not None:
            made["content"] = body["content"]
        self.posts.insert(0, made)
        self.made.append(made)
        self.now += dt.timedelta(seconds=1)
        return made

    # -- comments -------------------------------------------------------------------------
    def _comment(self, request: httpx.Request, urn: str) -> httpx.Response:
        urn = unquote(urn)
        body = json.loads(request.content or b"{}")
        self.comment_posts.append(body)
        if (answer := self._answer_with(request, "comment", "w_organization_social")) is not None:
            return answer
        if (wrong := _required(body, "actor", "object", "message")) is not None:
            return self._answer(wrong)
        if not any(p["id"] == urn for p in self.posts) or body["object"] != urn:
            return self._answer(error(404, "NOT_FOUND", f"{urn} not found"))
        if body["actor"] != ORG_URN:
            return self._answer(denied(f"comments as {body['actor']}"))
        text = str((body.get("message") or {}).get("text") or "")
        if not text.strip() or len(text) > COMMENT_LIMIT:
            return self._answer(
                error(422, "UNPROCESSABLE_ENTITY", "ERROR :: /message/text :: length 1 to 1250")
            )
        self._seq += 1
        number = str(7_280_000_000_000_000_000 + self._seq)
        comment_urn = f"urn:li:comment:({urn},{number})"
        comment = {
            "actor": body["actor"],
            "commentUrn": comment_urn,
            "$URN": comment_urn,
            "id": number,
            "object": urn,
            "message": {"text": text},
            "created": {"actor": ORG_URN, "time": ms(self.now)},
            "lastModified": {"actor": ORG_URN, "time": ms(self.now)},
        }
        self.comments.setdefault(urn, []).append(comment)
        self.now += dt.timedelta(seconds=1)
        return self._answer(httpx.Response(201, json=comment, headers={"x-restli-id": number}))

    def _comments(self, request: httpx.Request, urn: str) -> httpx.Response:
        urn = unquote(urn)
        if (answer := self._answer_with(request, "comments", "r_organization_social")) is not None:
            return answer
        items = list(reversed(self.comments.get(urn, [])))  # newest first
        return self._answer(
            httpx.Response(
                200,
                json={
                    "elements": items,
                    "paging": {"start": 0, "count": 10, "links": [], "total": len(items)},
                },
            )
        )


def sample(**knobs: Any) -> FakeLinkedInPublish:
    """The Page with 30 earlier posts (the newest at 12:00 UTC, every twelve hours back), the
    clock at 12:05 UTC."""
    knobs.setdefault("now", START)
    return FakeLinkedInPublish([post(i) for i in range(30)], **knobs)
