"""Bluesky (AT Protocol): the account's posts with likes, reposts, replies and quotes, and
replies, mentions and quotes from others into the inbox.

Connect with the handle and an app password (Settings > Privacy and security > App
passwords): com.atproto.server.createSession gives the account's DID and a session; each run
refreshes it (com.atproto.server.refreshSession; a new session from the app password when the
refresh token has expired too), so the 30-per-5-minutes limit on new sessions is never near.
Streams, through the account's PDS (which hands app.bsky.* to the AppView):
  posts          app.bsky.feed.getAuthorFeed (filter posts_with_replies, limit 100, cursor):
                 the account's own posts (and its own thread continuations) are posts with
                 likes, shares = reposts, comments = replies, extra quotes, engagements = the
                 four summed; its answers to others are the organisation's messages; reposts of
                 others' posts are skipped
  notifications  app.bsky.notification.listNotifications (limit 100, cursor): replies,
                 mentions and quotes are messages, as the Bluesky JSON import reads them
                 (importers/bluesky_notifications_json.py); likes, reposts, follows are not
Errors are {"error": "ExpiredToken" | "InvalidToken" | "AuthenticationRequired" | ...,
"message"}; rate limits send RateLimit-Remaining / RateLimit-Reset (epoch seconds).
"""

from __future__ import annotations

from typing import Any

import httpx

from socialdesk.connectors.base import (
    N_,
    Connector,
    Field,
    HttpOptions,
    Identity,
    Page,
    Stream,
    StreamContext,
)
from socialdesk.connectors.errors import ConnectorError, shape_error
from socialdesk.connectors.http import ApiClient
from socialdesk.connectors.records import (
    checked_address,
    newest,
    posts_frame,
    thumbnail,
    wall_clock,
)
from socialdesk.importers._messages import message_frame, utc
from socialdesk.importers.base import AccountRef, Chunk
from socialdesk.importers.bluesky_notifications_json import PLATFORM, message_record

DEFAULT_SERVICE = "https://bsky.social"
PAGE = 100
_AUTH_ERRORS = ("ExpiredToken", "InvalidToken", "AuthenticationRequired", "AccountTakedown")


def classify(response: httpx.Response) -> ConnectorError | None:
    """AT Protocol's error names: an expired or invalid token is an auth failure (HTTP 400)."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    name, message = str(body.get("error") or ""), str(body.get("message") or "")
    if name in _AUTH_ERRORS:
        text = (
            N_("the handle or app password is not accepted: check them, or make a new app password")
            if name == "AuthenticationRequired"
            else N_("the Bluesky session is no longer valid: connect again with an app password")
        )
        return ConnectorError(
            "auth", text, detail=f"{name}: {message}", status=response.status_code
        )
    if name == "RateLimitExceeded":
        return ConnectorError(
            "rate",
            N_("Bluesky's rate limit is reached; the next run goes on"),
            detail=message,
            status=response.status_code,
        )
    return None


def _service(value: str | None) -> str:
    return checked_address(value or DEFAULT_SERVICE, "service")


def _session(client: ApiClient, identifier: str, password: str) -> dict[str, Any]:
    body = client.post_json(
        "/xrpc/com.atproto.server.createSession",
        {"identifier": identifier, "password": password},
    )
    if not isinstance(body, dict) or not body.get("did") or not body.get("accessJwt"):
        raise shape_error("connect", "createSession.did", "is missing")
    return body


def connect(values: dict[str, str], http: HttpOptions) -> Identity:
    handle = (values.get("handle") or "").strip().lstrip("@")
    password = (values.get("app_password") or "").strip()
    if not handle:
        raise ConnectorError(
            "input", N_("give the account's handle, e.g. org.bsky.social"), field="handle"
        )
    if not password:
        raise ConnectorError(
            "input", N_("give an app password (Settings > App passwords)"), field="app_password"
        )
    service = _service(values.get("service"))
    with http.client(service, classify=classify) as client:
        try:
            session = _session(client, handle, password)
        except ConnectorError as exc:
            if exc.kind in ("network", "not_found"):
                exc.message = N_("this address does not answer as a Bluesky server (PDS)")
                exc.detail = service
            raise
    return Identity(
        handle=str(session.get("handle") or handle),
        external_id=str(session["did"]),
        credentials={
            "identifier": handle,
            "app_password": password,
            "access": session["accessJwt"],
            "refresh": session.get("refreshJwt"),
        },
        settings={"service": service},
    )


def client(credentials: dict[str, Any], settings: dict[str, Any], http: HttpOptions) -> ApiClient:
    """A client with a fresh session: the refresh token first, the app password if need be."""
    api = http.client(_service(settings.get("service")), classify=classify)
    session: dict[str, Any] | None = None
    if credentials.get("refresh"):
        try:
            answer = api.request(
                "POST",
                "/xrpc/com.atproto.server.refreshSession",
                headers={"Authorization": f"Bearer {credentials['refresh']}"},
            )
            try:
                session = answer.json()
            except ValueError:
                session = None
        except ConnectorError as exc:
            if exc.kind != "auth":
                raise
    if not session or not session.get("accessJwt"):
        session = _session(api, credentials["identifier"], credentials["app_password"])
    api.headers["Authorization"] = f"Bearer {session['accessJwt']}"
    api.session = {
        **credentials,
        "access": session["accessJwt"],
        "refresh": session.get("refreshJwt") or credentials.get("refresh"),
    }
    return api


def refreshed(api: ApiClient) -> dict[str, Any] | None:
    return dict(api.session) if api.session else None


def _get(ctx: StreamContext, method: str, key: str, **params: Any) -> tuple[list[Any], Any]:
    body = ctx.client.get_json(f"/xrpc/{method}", **params)
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise shape_error(ctx.stream, f"{method}.{key}", "is missing or not a list")
    return body[key], body.get("cursor")


def _media_type(embed: dict[str, Any] | None) -> str:
    kind = str((embed or {}).get("$type") or "")
    if "recordWithMedia" in kind:
        return _media_type((embed or {}).get("media"))
    if "embed.images" in kind:
        return "carousel" if len((embed or {}).get("images") or []) > 1 else "photo"
    if "embed.video" in kind:
        return "video"
    if "embed.external" in kind:
        return "link"
    return "text"


def _thumbnail(embed: Any) -> dict[str, str]:
    """The preview of a post's embed as the AppView gives it (images, video, link card)."""
    if not isinstance(embed, dict):
        return {}
    kind = str(embed.get("$type") or "")
    if "recordWithMedia" in kind:
        return _thumbnail(embed.get("media"))
    if "embed.images" in kind:
        images = [i for i in embed.get("images") or [] if isinstance(i, dict)]
        return thumbnail(images[0].get("thumb"), images[0].get("alt")) if images else {}
    if "embed.video" in kind:
        return thumbnail(embed.get("thumbnail"), embed.get("alt"))
    if "embed.external" in kind:
        return thumbnail((embed.get("external") or {}).get("thumb"))
    return {}


def _count(ctx: StreamContext, i: int, post: dict[str, Any], name: str) -> int:
    value = post.get(name, 0)  # the AppView leaves a zero count out
    if not isinstance(value, int):
        raise shape_error(ctx.stream, f"feed[{i}].post.{name}", "is not a number")
    return value


def _account(ctx: StreamContext) -> AccountRef:
    return AccountRef(PLATFORM, ctx.handle, external_id=ctx.external_id)


def _posts(ctx: StreamContext, cursor: str | None) -> Page:
    feed, next_cursor = _get(
        ctx,
        "app.bsky.feed.getAuthorFeed",
        "feed",
        actor=ctx.external_id or ctx.handle,
        limit=PAGE,
        cursor=cursor,
        filter="posts_with_replies",
    )
    own = f"at://{ctx.external_id}/"
    posts, answers, times = [], [], []
    done = not next_cursor or not feed
    for i, item in enumerate(feed):
        if not isinstance(item, dict) or not isinstance(item.get("post"), dict):
            raise shape_error(ctx.stream, f"feed[{i}].post", "is missing")
        if "reasonRepost" in str((item.get("reason") or {}).get("$type", "")):
            continue
        post = item["post"]
        record = post.get("record")
        if not post.get("uri") or not isinstance(record, dict):
            raise shape_error(ctx.stream, f"feed[{i}].post.uri", "is missing")
        if not str(post["uri"]).startswith(own):
            continue  # another account's post in the feed (pinned or thread context)
        created = utc(record.get("createdAt") or post.get("indexedAt"))
        if ctx.stop_before and created and created < ctx.stop_before:
            done = True
            break
        times.append(created)
        parent = str(((record.get("reply") or {}).get("parent") or {}).get("uri") or "")
        if parent and not parent.startswith(own):
            answers.append(
                message_record(
                    post["uri"],
                    post.get("author") or {},
                    record,
                    "reply",
                    ctx.handle,
                    post.get("indexedAt"),
                )
            )
            continue
        counts = {
            "likes": _count(ctx, i, post, "likeCount"),
            "shares": _count(ctx, i, post, "repostCount"),
            "comments": _count(ctx, i, post, "replyCount"),
            "extra:quotes": _count(ctx, i, post, "quoteCount"),
        }
        langs = record.get("langs") or []
        posts.append(
            {
                "external_id": str(post["uri"]),
                "published_at": wall_clock(created, ctx.timezone),
                "text": str(record.get("text") or ""),
                "media_type": _media_type(post.get("embed") or record.get("embed")),
                "permalink": "https://bsky.app/profile/{}/post/{}".format(
                    ctx.handle, str(post["uri"]).rsplit("/", 1)[-1]
                ),
                "language": langs[0] if langs else None,
                **counts,
                "engagements": sum(counts.values()),
                **_thumbnail(post.get("embed")),
            }
        )
    chunks = []
    if posts:
        chunks.append(Chunk("posts", _account(ctx), posts_frame(posts, ctx.as_of)))
    if answers:
        chunks.append(Chunk("messages", _account(ctx), message_frame(answers, ctx.stream)))
    return Page(chunks, None if done else str(next_cursor), newest(times), items=len(feed))


def _notifications(ctx: StreamContext, cursor: str | None) -> Page:
    items, next_cursor = _get(
        ctx,
        "app.bsky.notification.listNotifications",
        "notifications",
        limit=PAGE,
        cursor=cursor,
    )
    records, times = [], []
    done = not next_cursor or not items
    for i, note in enumerate(items):
        if not isinstance(note, dict) or not note.get("uri") or not note.get("reason"):
            raise shape_error(ctx.stream, f"notifications[{i}].uri", "is missing")
        created = utc(note.get("indexedAt") or (note.get("record") or {}).get("createdAt"))
        if ctx.stop_before and created and created < ctx.stop_before:
            done = True
            break
        times.append(created)
        if note["reason"] not in ("reply", "mention", "quote"):
            continue
        records.append(
            message_record(
                note["uri"],
                note.get("author") or {},
                note.get("record") or {},
                "mention",
                ctx.handle,
                note.get("indexedAt"),
            )
        )
    chunks = (
        [Chunk("messages", _account(ctx), message_frame(records, ctx.stream))] if records else []
    )
    return Page(chunks, None if done else str(next_cursor), newest(times), items=len(items))


CONNECTOR = Connector(
    name="bluesky",
    platform=PLATFORM,
    title=N_("Bluesky"),
    how_to=N_(
        "In Bluesky: Settings > Privacy and security > App passwords > Add App Password. "
        "socialdesk never needs your main password."
    ),
    fields=(
        Field("handle", N_("Handle"), help=N_("e.g. organisation.bsky.social")),
        Field("app_password", N_("App password"), secret=True),
        Field(
            "service",
            N_("Server (PDS)"),
            required=False,
            default=DEFAULT_SERVICE,
            help=N_("Only for accounts on their own server"),
        ),
    ),
    connect=connect,
    client=client,
    refreshed=refreshed,
    streams=(
        Stream(
            "posts",
            "posts",
            _posts,
            every_minutes=60,
            refresh_days=14,
            title=N_("Posts and their figures"),
        ),
        Stream(
            "notifications",
            "messages",
            _notifications,
            every_minutes=5,
            title=N_("Replies, mentions and quotes"),
        ),
    ),
)
