"""Mastodon (REST API v1): the account's statuses with favourites, boosts and replies, and
mentions and direct messages into the inbox.

Endpoints (docs.joinmastodon.org/methods): GET /api/v1/accounts/verify_credentials (connect),
GET /api/v1/accounts/:id/statuses (exclude_reblogs, limit 40, max_id; Link rel="next"),
GET /api/v1/notifications?types[]=mention (limit 80; Link rel="next"). Errors are
{"error": "..."}: 401 for an invalid or revoked token, 403 outside the token's scopes, 429
with X-RateLimit-Reset (300 requests per 5 minutes per account).

Mapping: a status that answers no other status (or continues the account's own thread) is a
post; likes = favourites_count, shares = reblogs_count, comments = replies_count,
engagements = their sum (Mastodon counts nothing else). The account's answers to others are
the organisation's messages; mentions (visibility "direct": direct messages) are messages, as
the Mastodon JSON import (importers/mastodon_notifications_json.py) reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlparse

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
from socialdesk.importers._messages import html_text, message_frame, utc
from socialdesk.importers.base import AccountRef, Chunk
from socialdesk.importers.mastodon_notifications_json import PLATFORM, status_record

PAGE = 40


def _instance(value: str) -> str:
    if not value.strip():
        raise ConnectorError(
            "input",
            N_("give the instance's address, e.g. https://mastodon.social"),
            field="instance",
        )
    return checked_address(value, "instance")


def _client(instance: str, token: str, http: HttpOptions) -> ApiClient:
    return http.client(instance, headers={"Authorization": f"Bearer {token}"})


def connect(values: dict[str, str], http: HttpOptions) -> Identity:
    instance = _instance(values.get("instance", ""))
    token = (values.get("token") or "").strip()
    if not token:
        raise ConnectorError(
            "input", N_("give an access token (Preferences > Development)"), field="token"
        )
    with _client(instance, token, http) as client:
        try:
            me = client.get_json("/api/v1/accounts/verify_credentials")
        except ConnectorError as exc:
            if exc.kind in ("network", "not_found"):
                exc.message = N_("this address does not answer as a Mastodon instance")
                exc.detail = instance
            raise
    if not isinstance(me, dict) or not me.get("id") or not me.get("acct"):
        raise shape_error("connect", "verify_credentials.id", "is missing")
    host = urlparse(instance).netloc
    acct = str(me["acct"])
    return Identity(
        handle=acct if "@" in acct else f"{acct}@{host}",
        name=me.get("display_name") or None,
        external_id=str(me["id"]),
        credentials={"token": token},
        settings={"instance": instance, "acct": acct},
    )


def client(credentials: dict[str, Any], settings: dict[str, Any], http: HttpOptions) -> ApiClient:
    return _client(settings["instance"], credentials["token"], http)


def _next_max_id(response_links: Mapping[str | None, dict[str, str]]) -> str | None:
    url = (response_links.get("next") or {}).get("url")
    if not url:
        return None
    values = parse_qs(urlparse(url).query).get("max_id")
    return values[0] if values else None


def _list(ctx: StreamContext, path: str, params: dict[str, Any]) -> tuple[list[Any], str | None]:
    response = ctx.client.request("GET", path, params=params)
    try:
        body = response.json()
    except ValueError:
        raise shape_error(ctx.stream, path, "is not JSON") from None
    if not isinstance(body, list):
        raise shape_error(ctx.stream, path, "is not a list")
    return body, _next_max_id(response.links)


def _check(ctx: StreamContext, i: int, rec: Any, *fields: str) -> dict[str, Any]:
    if not isinstance(rec, dict):
        raise shape_error(ctx.stream, f"[{i}]", "is not an object")
    for f in fields:
        if rec.get(f) in (None, ""):
            raise shape_error(ctx.stream, f"[{i}].{f}", "is missing")
    return rec


def _media_type(status: dict[str, Any]) -> str:
    media = [m.get("type") for m in status.get("media_attachments") or [] if isinstance(m, dict)]
    if len(media) > 1:
        return "carousel"
    if media:
        return {"image": "photo", "video": "video", "gifv": "video"}.get(str(media[0]), "other")
    if status.get("card"):
        return "link"
    return "text"


def _thumbnail(status: dict[str, Any]) -> dict[str, str]:
    """The first attachment's preview (its alt text: the author's description), else the
    link card's image."""
    for m in status.get("media_attachments") or []:
        if isinstance(m, dict) and m.get("preview_url"):
            return thumbnail(m.get("preview_url"), m.get("description"))
    card = status.get("card")
    if isinstance(card, dict) and card.get("image"):
        return thumbnail(card.get("image"), card.get("image_description"))
    return {}


def _account_ref(ctx: StreamContext) -> AccountRef:
    return AccountRef(PLATFORM, ctx.handle, external_id=ctx.external_id)


def _statuses(ctx: StreamContext, cursor: str | None) -> Page:
    body, next_id = _list(
        ctx,
        f"/api/v1/accounts/{ctx.external_id}/statuses",
        {"limit": PAGE, "exclude_reblogs": "true", "max_id": cursor},
    )
    posts, replies, times = [], [], []
    done = next_id is None
    acct = ctx.settings.get("acct") or ctx.handle
    for i, raw in enumerate(body):
        status = _check(ctx, i, raw, "id", "created_at")
        created = utc(status["created_at"])
        if ctx.stop_before and created and created < ctx.stop_before:
            done = True
            break
        times.append(created)
        own_thread = status.get("in_reply_to_account_id") in (None, ctx.external_id)
        if status.get("in_reply_to_id") is None or own_thread:
            counts = {
                "likes": _count(ctx, i, status, "favourites_count"),
                "shares": _count(ctx, i, status, "reblogs_count"),
                "comments": _count(ctx, i, status, "replies_count"),
            }
            posts.append(
                {
                    "external_id": str(status["id"]),
                    "published_at": wall_clock(created, ctx.timezone),
                    "text": _text(status),
                    "media_type": _media_type(status),
                    "permalink": status.get("url") or status.get("uri"),
                    "language": status.get("language"),
                    **counts,
                    "engagements": sum(counts.values()),
                    **_thumbnail(status),
                }
            )
        else:
            replies.append(status_record(status, acct))
    chunks = []
    if posts:
        chunks.append(Chunk("posts", _account_ref(ctx), posts_frame(posts, ctx.as_of)))
    if replies:
        chunks.append(
            Chunk("messages", _account_ref(ctx), message_frame(replies, f"{ctx.stream} page"))
        )
    return Page(chunks, None if done else next_id, newest(times), items=len(times))


def _text(status: dict[str, Any]) -> str:
    return html_text(status.get("content"))


def _count(ctx: StreamContext, i: int, status: dict[str, Any], name: str) -> int:
    value = status.get(name)
    if not isinstance(value, int):
        raise shape_error(ctx.stream, f"[{i}].{name}", "is not a number")
    return value


def _mentions(ctx: StreamContext, cursor: str | None) -> Page:
    body, next_id = _list(
        ctx, "/api/v1/notifications", {"types[]": "mention", "limit": 80, "max_id": cursor}
    )
    acct = ctx.settings.get("acct") or ctx.handle
    records, times = [], []
    done = next_id is None
    for i, raw in enumerate(body):
        note = _check(ctx, i, raw, "id", "type", "created_at")
        created = utc(note["created_at"])
        if ctx.stop_before and created and created < ctx.stop_before:
            done = True
            break
        times.append(created)
        if note["type"] != "mention" or not isinstance(note.get("status"), dict):
            continue
        _check(ctx, i, note["status"], "id", "created_at")
        records.append(status_record(note["status"], acct))
    chunks = (
        [Chunk("messages", _account_ref(ctx), message_frame(records, f"{ctx.stream} page"))]
        if records
        else []
    )
    return Page(chunks, None if done else next_id, newest(times), items=len(times))


CONNECTOR = Connector(
    name="mastodon",
    platform=PLATFORM,
    title=N_("Mastodon"),
    how_to=N_(
        "In Mastodon: Preferences > Development > New application, with the scopes read:accounts, "
        "read:statuses and read:notifications (and write:statuses and write:media to publish "
        "from the calendar); copy 'Your access token'."
    ),
    fields=(
        Field("instance", N_("Instance"), help=N_("The server's address, e.g. mastodon.social")),
        Field("token", N_("Access token"), secret=True),
    ),
    connect=connect,
    client=client,
    streams=(
        Stream(
            "statuses",
            "posts",
            _statuses,
            every_minutes=60,
            refresh_days=14,
            title=N_("Posts and their figures"),
        ),
        Stream(
            "mentions",
            "messages",
            _mentions,
            every_minutes=5,
            title=N_("Mentions and direct messages"),
        ),
    ),
)
