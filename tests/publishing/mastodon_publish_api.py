"""A recorded Mastodon API for publishing tests, replaying the shapes of docs.joinmastodon.org:
methods/media (#v2 POST /api/v2/media: 200 MediaAttachment or 202 with "url": null while
processing; #get GET /api/v1/media/:id: 206 Partial Content while processing, 200 when done;
422 "Validation failed: File content type is invalid, File is invalid"), methods/statuses
(#create POST /api/v1/statuses with Idempotency-Key, kept for 1 hour; 422 for the character
limit, for media not yet processed and for an empty status), entities Status and
MediaAttachment, errors {"error": ...} with 401, 403 (outside the token's scopes) and 429 with
X-RateLimit-Reset; scheduled statuses (statuses#create with scheduled_at, at least 5 minutes
ahead: 200 ScheduledStatus {id, scheduled_at, params, media_attachments}; methods/
scheduled_statuses GET and DELETE /api/v1/scheduled_statuses/:id, 404 "Record not found" once
published or deleted; tick() publishes what is due, as the instance's scheduler does). The
reads (verify_credentials, accounts/:id/statuses with Link paging) are
tests/connectors/mastodon_api.py's FakeMastodon over the same list of statuses, newest first,
so what is published here is what find() reads back."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import io
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
import respx
from PIL import Image, UnidentifiedImageError

from tests.connectors.mastodon_api import INSTANCE, ME, TOKEN, FakeMastodon, status

__all__ = ["INSTANCE", "ME", "TOKEN", "FakeMastodonPublish", "sample"]

START = dt.datetime(2026, 11, 30, 12, 5, tzinfo=dt.UTC)  # just after the sample's newest status
IDEMPOTENCY_TTL = dt.timedelta(hours=1)
NOT_READY = "Cannot attach files that have not finished processing. Try again in a moment!"
BAD_FILE = "Validation failed: File content type is invalid, File is invalid"
URL_LENGTH = 23  # Mastodon counts every link as 23 characters

_TOKEN_RE = re.compile(
    r"(?P<url>https?://[^\s<>\"]+)"
    r"|(?<![\w/@])@(?P<user>\w+)(?:@(?P<domain>[\w-]+(?:\.[\w-]+)+))?"
    r"|(?<![\w/&])#(?P<tag>\w+)"
)
_TRAILING = ".,;:!?)'\""


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _split_link(match: str) -> tuple[str, str]:
    """A link as Mastodon's linkifier takes it: trailing punctuation stays text."""
    tail = ""
    while match and match[-1] in _TRAILING:
        match, tail = match[:-1], match[-1] + tail
    return match, tail


def _link_html(url: str) -> str:
    """A link as Mastodon renders it: scheme (and www.) hidden, 30 characters shown, the rest
    hidden behind an ellipsis."""
    prefix = re.match(r"https?://(www\.)?", url)
    assert prefix is not None
    head, rest = url[: prefix.end()], url[prefix.end() :]
    shown, hidden = rest[:30], rest[30:]
    return (
        f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
        f'<span class="invisible">{html.escape(head)}</span>'
        f'<span class="{"ellipsis" if hidden else ""}">{html.escape(shown)}</span>'
        f'<span class="invisible">{html.escape(hidden)}</span></a>'
    )


def _inline(text: str) -> str:
    out, at = [], 0
    for m in _TOKEN_RE.finditer(text):
        out.append(html.escape(text[at : m.start()]))
        at = m.end()
        if m.group("url"):
            url, tail = _split_link(m.group("url"))
            out.append(_link_html(url) + html.escape(tail))
        elif m.group("user"):
            user, domain = m.group("user"), m.group("domain") or "mastodon.example"
            out.append(
                f'<span class="h-card" translate="no"><a href="https://{domain}/@{user}" '
                f'class="u-url mention">@<span>{user}</span></a></span>'
            )
        else:
            tag = m.group("tag")
            out.append(
                f'<a href="{INSTANCE}/tags/{tag.lower()}" class="mention hashtag" rel="tag">'
                f"#<span>{tag}</span></a>"
            )
    out.append(html.escape(text[at:]))
    return "".join(out)


def render(text: str) -> str:
    """A status's text as the content HTML Mastodon makes of it: paragraphs on blank lines,
    <br /> for a line break, links shortened, mentions and hashtags linked."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(
        "<p>" + "<br />".join(_inline(line) for line in p.split("\n")) + "</p>" for p in paragraphs
    )


def length(text: str) -> int:
    """The length Mastodon checks: a link counts 23, a mention its name without the server."""
    total, at = 0, 0
    for m in _TOKEN_RE.finditer(text):
        total += m.start() - at
        at = m.end()
        if m.group("url"):
            _url, tail = _split_link(m.group("url"))
            total += URL_LENGTH + len(tail)
        elif m.group("user"):
            total += 1 + len(m.group("user"))
        else:
            total += m.end() - m.start()
    return total + len(text) - at


def _form(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.content.decode(), keep_blank_values=True)


def _multipart(request: httpx.Request) -> dict[str, dict[str, Any]]:
    raw = b"Content-Type: " + request.headers["content-type"].encode() + b"\r\n\r\n"
    message = email.message_from_bytes(raw + request.content, policy=email.policy.HTTP)
    parts: dict[str, dict[str, Any]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts[name] = {
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "content": part.get_payload(decode=True),
        }
    return parts


@dataclass
class FakeMastodonPublish:
    """The publishing endpoints of one instance, one account (ME), in memory.

    Knobs: `scopes` the token's (403 outside them), `async_media` (202 for every upload;
    videos always), `processing_polls` (206 answers before a 202 upload is done),
    `not_ready` (the next status posts with media answer 422 not finished processing),
    `char_limit`, `lose_answers` (the next status posts are stored, then the answer is lost:
    the transport raises ReadTimeout), `faults` (by "upload", "media", "status": responses or
    exceptions to answer instead, in turn; None answers normally). `now` is the instance's
    clock (new statuses are made at it; advance it to let idempotency keys expire)."""

    statuses: list[dict[str, Any]]  # the account's, newest first (shared with the reads)
    token: str = TOKEN
    scopes: set[str] = field(default_factory=lambda: {"read", "write"})
    async_media: bool = False
    processing_polls: int = 2
    not_ready: int = 0
    char_limit: int = 500
    lose_answers: int = 0
    faults: dict[str, list[httpx.Response | Exception | None]] = field(default_factory=dict)
    now: dt.datetime = START
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: list[dict[str, Any]] = field(default_factory=list)  # every upload's parts
    posts: list[dict[str, Any]] = field(default_factory=list)  # every status request
    media_polls: list[str] = field(default_factory=list)  # every GET /api/v1/media/:id
    made: list[dict[str, Any]] = field(default_factory=list)  # the statuses made here
    _keys: dict[str, tuple[str, dt.datetime]] = field(default_factory=dict)
    scheduled: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> the request
    _pending: dict[str, int] = field(default_factory=dict)
    _next_media: int = 22348641
    _seq: int = 0

    def __post_init__(self) -> None:
        self.reads = FakeMastodon(self.statuses, [], token=self.token)

    def install(self, router: respx.Router) -> None:
        self.reads.install(router)
        router.post(f"{INSTANCE}/api/v2/media").mock(side_effect=self._upload)
        router.get(url__regex=rf"^{re.escape(INSTANCE)}/api/v1/media/(?P<media_id>\w+)$").mock(
            side_effect=self._get_media
        )
        router.post(f"{INSTANCE}/api/v1/statuses").mock(side_effect=self._post_status)
        one = rf"^{re.escape(INSTANCE)}/api/v1/scheduled_statuses/(?P<sid>\w+)$"
        router.get(url__regex=one).mock(side_effect=self._get_scheduled)
        router.get(f"{INSTANCE}/api/v1/scheduled_statuses").mock(side_effect=self._list_scheduled)
        router.delete(url__regex=one).mock(side_effect=self._delete_scheduled)

    # -- scheduled statuses ---------------------------------------------------------------
    def tick(self, to: dt.datetime) -> list[dict[str, Any]]:
        """Move the instance's clock to `to` and publish the scheduled statuses due by then
        (their created_at is their scheduled time), as Mastodon's scheduler does."""
        made = []
        for sid, held in sorted(self.scheduled.items(), key=lambda kv: kv[1]["at"]):
            if held["at"] <= to:
                self.now = held["at"]
                form = held["form"]
                made.append(
                    self._make(form, (form.get("status") or [""])[0], form.get("media_ids[]", []))
                )
                del self.scheduled[sid]
        self.now = max(self.now, to)
        return made

    def _scheduled_json(self, sid: str) -> dict[str, Any]:
        held = self.scheduled[sid]
        form = held["form"]
        return {
            "id": sid,
            "scheduled_at": _iso(held["at"]),
            "params": {
                "text": (form.get("status") or [""])[0],
                "media_ids": form.get("media_ids[]") or None,
                "visibility": (form.get("visibility") or ["public"])[0],
                "language": (form.get("language") or [None])[0],
                "scheduled_at": None,
                "in_reply_to_id": None,
                "idempotency": held["key"],
                "application_id": 7,
            },
            "media_attachments": [self.media[m] for m in form.get("media_ids[]", [])],
        }

    def _get_scheduled(self, request: httpx.Request, sid: str) -> httpx.Response:
        if (answer := self._check(request, "scheduled", "read:statuses")) is not None:
            return answer
        if sid not in self.scheduled:
            return httpx.Response(404, json={"error": "Record not found"})
        return httpx.Response(200, json=self._scheduled_json(sid))

    def _list_scheduled(self, request: httpx.Request) -> httpx.Response:
        """The account's scheduled statuses, newest id first, one page (this fake holds few)."""
        if (answer := self._check(request, "scheduled", "read:statuses")) is not None:
            return answer
        ids = sorted(self.scheduled, key=int, reverse=True)
        return httpx.Response(200, json=[self._scheduled_json(sid) for sid in ids])

    def _delete_scheduled(self, request: httpx.Request, sid: str) -> httpx.Response:
        if (answer := self._check(request, "scheduled", "write:statuses")) is not None:
            return answer
        if sid not in self.scheduled:
            return httpx.Response(404, json={"error": "Record not found"})
        del self.scheduled[sid]
        return httpx.Response(200, json={})

    # -- helpers a test uses --------------------------------------------------------------
    def status_by_id(self, status_id: str) -> dict[str, Any]:
        return next(s for s in self.statuses if s["id"] == status_id)

    def too_many_requests(self, reset_in: dt.timedelta = dt.timedelta(hours=1)) -> httpx.Response:
        """A 429 as Mastodon sends it (300 requests per 5 minutes; 300 statuses per 3 hours;
        30 media per 30 minutes), with the rate-limit headers, the reset an ISO time."""
        reset = dt.datetime.now(dt.UTC) + reset_in
        return httpx.Response(
            429,
            json={"error": "Too many requests"},
            headers={
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            },
        )

    # -- the endpoints --------------------------------------------------------------------
    def _check(self, request: httpx.Request, kind: str, scope: str) -> httpx.Response | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return httpx.Response(401, json={"error": "The access token is invalid"})
        if scope not in self.scopes and scope.split(":")[0] not in self.scopes:
            return httpx.Response(
                403, json={"error": "This action is outside the authorized scopes"}
            )
        queue = self.faults.get(kind)
        if queue:
            fault = queue.pop(0)
            if isinstance(fault, Exception):
                raise fault
            return fault
        return None

    def _upload(self, request: httpx.Request) -> httpx.Response:
        parts = _multipart(request)
        self.uploads.append(parts)
        if (answer := self._check(request, "upload", "write:media")) is not None:
            return answer
        file = parts.get("file")
        if file is None or not file["filename"]:
            return httpx.Response(422, json={"error": "Validation failed: File can't be blank"})
        kind, meta = self._read_file(file)
        if kind is None:
            return httpx.Response(422, json={"error": BAD_FILE})
        media_id = str(self._next_media)
        self._next_media += 1
        description = parts.get("description", {}).get("content")
        base = f"https://files.mastodon.example/media_attachments/files/{media_id}"
        attachment = {
            "id": media_id,
            "type": kind,
            "url": f"{base}/original/{media_id}.{file['content_type'].split('/')[-1]}",
            "preview_url": f"{base}/small/{media_id}.jpeg",
            "remote_url": None,
            "text_url": None,
            "meta": meta,
            "description": description.decode() if description else None,
            "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}",
        }
        self.media[media_id] = attachment
        if self.async_media or kind == "video":  # Mastodon 4: large formats stay asynchronous
            self._pending[media_id] = self.processing_polls
            return httpx.Response(202, json={**attachment, "url": None})
        return httpx.Response(200, json=attachment)

    @staticmethod
    def _read_file(file: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        mime, content = file["content_type"], file["content"] or b""
        if mime.startswith("image/"):
            try:
                with Image.open(io.BytesIO(content)) as image:
                    width, height = image.size
            except (UnidentifiedImageError, OSError):
                return None, {}
            size = {
                "width": width,
                "height": height,
                "size": f"{width}x{height}",
                "aspect": width / height,
            }
            return ("gifv" if mime == "image/gif" else "image"), {"original": size}
        if mime.startswith("video/") and content[4:8] == b"ftyp":
            return "video", {"original": {"width": 1080, "height": 1920}}
        return None, {}

    def _get_media(self, request: httpx.Request, media_id: str) -> httpx.Response:
        self.media_polls.append(media_id)
        if (answer := self._check(request, "media", "write:media")) is not None:
            return answer
        if media_id not in self.media:
            return httpx.Response(404, json={"error": "Record not found"})
        if self._pending.get(media_id, 0) > 0:
            self._pending[media_id] -= 1
            return httpx.Response(206, content=b"")
        self._pending.pop(media_id, None)
        return httpx.Response(200, json=self.media[media_id])

    def _post_status(self, request: httpx.Request) -> httpx.Response:
        form = _form(request)
        key = request.headers.get("idempotency-key")
        self.posts.append({"form": form, "key": key})
        if (answer := self._check(request, "status", "write:statuses")) is not None:
            return answer
        remembered = self._keys.get(key) if key else None
        if remembered is not None and self.now - remembered[1] < IDEMPOTENCY_TTL:
            # PostStatusService: the status this key already made, nothing new
            if remembered[0] in self.scheduled:
                return httpx.Response(200, json=self._scheduled_json(remembered[0]))
            return self._answer(self.status_by_id(remembered[0]))
        text = (form.get("status") or [""])[0]
        media_ids = form.get("media_ids[]", [])
        if not text.strip() and not media_ids:
            return httpx.Response(422, json={"error": "Validation failed: Text can't be blank"})
        if length(text) > self.char_limit:
            return httpx.Response(
                422,
                json={
                    "error": f"Validation failed: Text character limit of {self.char_limit} "
                    "exceeded"
                },
            )
        if len(media_ids) > 4:
            return httpx.Response(422, json={"error": "Cannot attach more than 4 files"})
        if any(m not in self.media for m in media_ids):
            return httpx.Response(404, json={"error": "Record not found"})
        if media_ids and (self.not_ready > 0 or any(m in self._pending for m in media_ids)):
            self.not_ready = max(0, self.not_ready - 1)
            return httpx.Response(422, json={"error": NOT_READY})
        if form.get("scheduled_at"):
            at = dt.datetime.fromisoformat(form["scheduled_at"][0].replace("Z", "+00:00"))
            if at < self.now + dt.timedelta(minutes=5):
                return httpx.Response(
                    422,
                    json={
                        "error": "Validation failed: Scheduled at The scheduled date must be "
                        "in the future"
                    },
                )
            self._seq += 1
            sid = str(1000 + self._seq)
            self.scheduled[sid] = {"at": at, "form": form, "key": key}
            if key:
                self._keys[key] = (sid, self.now)
            return httpx.Response(200, json=self._scheduled_json(sid))
        made = self._make(form, text, media_ids)
        if key:
            self._keys[key] = (made["id"], self.now)
        return self._answer(made)

    def _answer(self, made: dict[str, Any]) -> httpx.Response:
        if self.lose_answers > 0:  # stored, but the answer never arrives
            self.lose_answers -= 1
            raise httpx.ReadTimeout("timed out")
        return httpx.Response(200, json=made)

    def _make(self, form: dict[str, list[str]], text: str, media_ids: list[str]) -> dict[str, Any]:
        self._seq += 1
        # a snowflake id, as Mastodon's: milliseconds since the epoch, shifted, plus a sequence
        sid = str((int(self.now.timestamp() * 1000) << 16) + self._seq)
        reply_to = (form.get("in_reply_to_id") or [None])[0]
        parent = next((s for s in self.statuses if s["id"] == reply_to), None)
        if parent is not None:
            parent["replies_count"] += 1
        made = {
            "id": sid,
            "created_at": _iso(self.now),
            "in_reply_to_id": reply_to,
            "in_reply_to_account_id": parent["account"]["id"] if parent else None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": (form.get("visibility") or ["public"])[0],
            "language": (form.get("language") or [None])[0],
            "uri": f"{INSTANCE}/users/{ME['username']}/statuses/{sid}",
            "url": f"{INSTANCE}/@{ME['username']}/{sid}",
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "favourited": False,
            "reblogged": False,
            "muted": False,
            "bookmarked": False,
            "content": render(text),
            "reblog": None,
            "application": {"name": "socialdesk", "website": None},
            "account": ME,
            "media_attachments": [self.media[m] for m in media_ids],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
        }
        self.statuses.insert(0, made)
        self.made.append(made)
        self.now += dt.timedelta(seconds=1)
        return made


def sample(**knobs: Any) -> FakeMastodonPublish:
    """The account with 60 earlier statuses (the newest at 12:00, every half hour back; one
    page and a half), the instance's clock at 12:05 UTC."""
    return FakeMastodonPublish([status(i) for i in range(0, 60)], **knobs)
