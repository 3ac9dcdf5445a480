"""Meta (Graph API): a Facebook Page's posts with their figures, its comments and Messenger
conversations; and, when the Page has an Instagram professional account, its media with
figures, their comments and Instagram direct messages.

Connect with a long-lived Page access token (or a user token with --page: the Page's own
token is then taken from /me/accounts). Publishing from the calendar (publishing/facebook.py,
publishing/instagram.py) also needs pages_manage_posts, pages_manage_engagement (the first
comment) and instagram_content_publish. Permissions: pages_read_engagement, read_insights,
pages_read_user_content (comments), pages_messaging (Messenger), instagram_basic,
instagram_manage_insights, instagram_manage_comments, instagram_manage_messages.

Endpoints (developers.facebook.com/docs/graph-api, version GRAPH_VERSION):
  GET /me?fields=id,name,instagram_business_account{id,username}         connect
  GET /me/accounts?fields=id,name,access_token,instagram_business_account  a user token
  GET /{page}/posts?fields=...,insights.metric(post_impressions_unique,post_clicks)
  GET /{ig-user}/media?fields=...,insights.metric(reach,saved,shares,views)
  GET /{page}/posts?fields=id,created_time,comments{...}     comments of recent posts
  GET /{ig-user}/media?fields=id,timestamp,comments{...,replies{...}}
  GET /{page}/conversations?platform=messenger|instagram&fields=messages{...}
Paging: {"data": [...], "paging": {"cursors": {"after"}, "next"}}; the `after` cursor is kept.
Errors: {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}: code 190 is an
expired or invalid token (OAuthException), 10 and 200-299 a missing permission, 4, 17, 32,
613 and 80001-80014 rate limits, 1 and 2 temporary server trouble, 100 an invalid parameter.

Mapping (as the Meta Business Suite exports, so an API post and an exported one are one
post): a Facebook post's id is the part after "<page id>_", the account is the Page by name
with its id; reactions, comments, shares; engagements = their sum (the export's "Reactions,
comments and shares"); reach = post_impressions_unique, clicks = post_clicks. Instagram:
media id, the account's username; likes, comments, reach, saves, shares, views. Comments and
messages are read as the Graph JSON import reads them (importers/meta_graph_comments_json.py).
Comments are fetched for posts within the refresh window (14 days before the last run's
newest post), at most 100 per post per run.
"""

from __future__ import annotations

import datetime as dt
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
from socialdesk.connectors.records import newest, posts_frame, wall_clock
from socialdesk.importers._messages import message_frame, utc
from socialdesk.importers.base import AccountRef, Chunk

GRAPH = "https://graph.facebook.com"
GRAPH_VERSION = "v23.0"
PAGE = 50
_RATE = {4, 17, 32, 613}
_IG_TYPES = {"IMAGE": "photo", "VIDEO": "video", "CAROUSEL_ALBUM": "carousel"}


def classify(response: httpx.Response) -> ConnectorError | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    code = error.get("code")
    detail = f"({code}) {error.get('message') or ''}".strip()
    status = response.status_code
    if code == 190 or (error.get("type") == "OAuthException" and code in (102, 463, 467)):
        return ConnectorError(
            "auth",
            N_(
                "Meta no longer accepts the token (expired or revoked): connect again with a new "
                "Page token"
            ),
            detail=detail,
            status=status,
        )
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return ConnectorError(
            "permission",
            N_("the Meta token lacks a permission this needs: connect again and grant it"),
            detail=detail,
            status=status,
        )
    if code in _RATE or (isinstance(code, int) and 80001 <= code <= 80014):
        return ConnectorError(
            "rate",
            N_("Meta's rate limit is reached; the next run goes on"),
            detail=detail,
            status=status,
        )
    if code in (1, 2) or error.get("is_transient"):
        return ConnectorError(
            "server",
            N_("Meta has a temporary problem; the next run tries again"),
            detail=detail,
            status=status,
        )
    if code == 100:
        return ConnectorError("input", N_("Meta refused the request"), detail=detail, status=status)
    return None


def _client(token: str, http: HttpOptions, version: str = GRAPH_VERSION) -> ApiClient:
    return http.client(
        f"{GRAPH}/{version}", headers={"Authorization": f"Bearer {token}"}, classify=classify
    )


def connect(values: dict[str, str], http: HttpOptions) -> Identity:
    token = (values.get("token") or "").strip()
    wanted = (values.get("page") or "").strip()
    if not token:
        raise ConnectorError("input", N_("give a Page access token"), field="token")
    fields = "id,name,instagram_business_account{id,username}"
    with _client(token, http) as client:
        me = client.get_json("/me", fields=fields)
        if not isinstance(me, dict) or not me.get("id"):
            raise shape_error("connect", "me.id", "is missing")
        accounts = None
        if wanted or "instagram_business_account" not in me:
            # a user token: its Pages come with their own tokens
            try:
                accounts = client.get_json(
                    "/me/accounts", fields=f"{fields},access_token", limit=100
                )
            except ConnectorError as exc:
                if exc.kind != "input":  # a Page token has no /accounts (code 100)
                    raise
    if accounts is not None and isinstance(accounts.get("data"), list) and accounts["data"]:
        pages = accounts["data"]
        chosen = [
            p
            for p in pages
            if wanted and wanted.casefold() in (str(p.get("id")), str(p.get("name", "")).casefold())
        ]
        if not chosen and len(pages) == 1 and not wanted:
            chosen = pages
        if len(chosen) != 1:
            names = ", ".join(str(p.get("name")) for p in pages)
            raise ConnectorError(
                "input",
                N_("say which Page with --page (the token manages several)"),
                detail=names,
                field="page",
            )
        me, token = chosen[0], str(chosen[0].get("access_token") or token)
    elif accounts is not None:  # a user token that manages no Page
        raise ConnectorError(
            "input",
            N_(
                "this token manages no Facebook Page: use a Page access token, or a user token of "
                "a Page admin"
            ),
            field="token",
        )
    ig = me.get("instagram_business_account") or {}
    expires, scopes = _token_facts(token, http)
    return Identity(
        handle=str(me.get("name") or me["id"]),
        name=me.get("name"),
        external_id=str(me["id"]),
        scopes=scopes,
        expires_at=expires,
        credentials={"token": token},
        settings={
            "instagram_id": ig.get("id"),
            "instagram_username": ig.get("username"),
            "graph_version": GRAPH_VERSION,
        },
    )


def _token_facts(
    token: str, http: HttpOptions
) -> tuple[dt.datetime | None, tuple[str, ...] | None]:
    """When the token expires and what it may do (GET /debug_token; a token may inspect
    itself). Unknown (None) when Meta does not say; a Page token from a long-lived user token
    never expires (expires_at 0)."""
    try:
        with _client(token, http) as api:
            body = api.get_json("/debug_token", input_token=token)
    except ConnectorError:
        return None, None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return None, None
    stamp = data.get("expires_at")
    expires = (
        dt.datetime.fromtimestamp(int(stamp), dt.UTC).replace(tzinfo=None)
        if isinstance(stamp, int) and stamp > 0
        else None
    )
    scopes = data.get("scopes")
    return expires, tuple(str(x) for x in scopes) if isinstance(scopes, list) else None


def client(credentials: dict[str, Any], settings: dict[str, Any], http: HttpOptions) -> ApiClient:
    return _client(credentials["token"], http, settings.get("graph_version") or GRAPH_VERSION)


def _list(ctx: StreamContext, path: str, cursor: str | None, **params: Any):
    body = ctx.client.get_json(path, after=cursor, **params)
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise shape_error(ctx.stream, f"{path}.data", "is missing or not a list")
    paging = body.get("paging") or {}
    after = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
    return body["data"], after


def _item(ctx: StreamContext, i: int, raw: Any, *fields: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise shape_error(ctx.stream, f"data[{i}]", "is not an object")
    for f in fields:
        if raw.get(f) in (None, ""):
            raise shape_error(ctx.stream, f"data[{i}].{f}", "is missing")
    return raw


def _insights(item: dict[str, Any]) -> dict[str, float]:
    out = {}
    for metric in (item.get("insights") or {}).get("data") or []:
        values = metric.get("values") or [{}]
        value = values[-1].get("value") if isinstance(values[-1], dict) else None
        if isinstance(value, int | float):
            out[str(metric.get("name"))] = float(value)
    return out


def _total(item: dict[str, Any], edge: str) -> int:
    return int(((item.get(edge) or {}).get("summary") or {}).get("total_count") or 0)


def _page_ref(ctx: StreamContext) -> AccountRef:
    return AccountRef("facebook", ctx.handle, name=ctx.handle, external_id=ctx.external_id)


def _ig_ref(ctx: StreamContext) -> AccountRef:
    return AccountRef(
        "instagram",
        str(ctx.settings.get("instagram_username")),
        external_id=ctx.settings.get("instagram_id"),
    )


def _walk(ctx: StreamContext, items: list[Any], time_field: str, after: str | None):
    """Items newer than stop_before, with whether the walk ends on this page."""
    kept, times, done = [], [], after is None
    for i, raw in enumerate(items):
        item = _item(ctx, i, raw, "id", time_field)
        created = utc(item[time_field])
        if ctx.stop_before and created and created < ctx.stop_before:
            done = True
            break
        kept.append(item)
        times.append(created)
    return kept, times, done


def _facebook_posts(ctx: StreamContext, cursor: str | None) -> Page:
    items, after = _list(
        ctx,
        f"/{ctx.external_id}/posts",
        cursor,
        limit=PAGE,
        fields="id,created_time,message,permalink_url,status_type,"
        "attachments{media_type,type},shares,reactions.summary(total_count).limit(0),"
        "comments.summary(total_count).limit(0),"
        "insights.metric(post_impressions_unique,post_clicks)",
    )
    kept, times, done = _walk(ctx, items, "created_time", after)
    rows = []
    for item in kept:
        attachments = (item.get("attachments") or {}).get("data") or [{}]
        kind = str(attachments[0].get("media_type") or item.get("status_type") or "").lower()
        counts = {
            "reactions": _total(item, "reactions"),
            "comments": _total(item, "comments"),
            "shares": int((item.get("shares") or {}).get("count") or 0),
        }
        insights = _insights(item)
        rows.append(
            {
                "external_id": str(item["id"]).split("_", 1)[-1],
                "published_at": wall_clock(utc(item["created_time"]), ctx.timezone),
                "text": item.get("message") or "",
                "media_type": {
                    "photo": "photo",
                    "video": "video",
                    "album": "carousel",
                    "link": "link",
                    "share": "link",
                }.get(kind, "text" if not kind else "other"),
                "permalink": item.get("permalink_url"),
                **counts,
                "engagements": sum(counts.values()),
                "reach": insights.get("post_impressions_unique"),
                "clicks": insights.get("post_clicks"),
            }
        )
    chunks = [Chunk("posts", _page_ref(ctx), posts_frame(rows, ctx.as_of))] if rows else []
    return Page(chunks, None if done else after, newest(times), items=len(items))


def _instagram_media(ctx: StreamContext, cursor: str | None) -> Page:
    ig = ctx.settings.get("instagram_id")
    if not ig:
        return Page([], None)
    items, after = _list(
        ctx,
        f"/{ig}/media",
        cursor,
        limit=PAGE,
        fields="id,caption,media_type,media_product_type,permalink,timestamp,like_count,"
        "comments_count,insights.metric(reach,saved,shares,views)",
    )
    kept, times, done = _walk(ctx, items, "timestamp", after)
    rows = []
    for item in kept:
        insights = _insights(item)
        product = str(item.get("media_product_type") or "")
        rows.append(
            {
                "external_id": str(item["id"]),
                "published_at": wall_clock(utc(item["timestamp"]), ctx.timezone),
                "text": item.get("caption") or "",
                "media_type": "reel"
                if product == "REELS"
                else _IG_TYPES.get(str(item.get("media_type")), "other"),
                "permalink": item.get("permalink"),
                "likes": item.get("like_count"),
                "comments": item.get("comments_count"),
                "reach": insights.get("reach"),
                "saves": insights.get("saved"),
                "shares": insights.get("shares"),
                "views": insights.get("views"),
            }
        )
    chunks = [Chunk("posts", _ig_ref(ctx), posts_frame(rows, ctx.as_of))] if rows else []
    return Page(chunks, None if done else after, newest(times), items=len(items))


def _author(obj: dict[str, Any] | None) -> tuple[str, str | None]:
    if not obj:
        return "unknown", None
    return str(obj.get("id") or obj.get("name") or "unknown"), obj.get("name")


def _facebook_comments(ctx: StreamContext, cursor: str | None) -> Page:
    items, after = _list(
        ctx,
        f"/{ctx.external_id}/posts",
        cursor,
        limit=25,
        fields="id,created_time,comments.filter(stream).order(reverse_chronological)"
        ".limit(100){id,message,created_time,from,parent{id},permalink_url}",
    )
    kept, times, done = _walk(ctx, items, "created_time", after)
    records = []
    for post in kept:
        for c in (post.get("comments") or {}).get("data") or []:
            handle, name = _author(c.get("from"))
            parent = (c.get("parent") or {}).get("id")
            cid = str(c.get("id") or "")
            records.append(
                {
                    "external_id": cid or None,
                    "received_at": utc(c.get("created_time")),
                    "text": c.get("message") or "",
                    "author_handle": handle,
                    "author_name": name,
                    "is_from_org": handle == ctx.external_id,
                    "in_reply_to": parent,
                    "kind": "reply" if parent else "comment",
                    "post_external_id": str(post["id"]).split("_", 1)[-1],
                    "permalink": c.get("permalink_url"),
                }
            )
    chunks = (
        [Chunk("messages", _page_ref(ctx), message_frame(records, ctx.stream))] if records else []
    )
    return Page(chunks, None if done else after, newest(times), items=len(items))


def _instagram_comments(ctx: StreamContext, cursor: str | None) -> Page:
    ig = ctx.settings.get("instagram_id")
    if not ig:
        return Page([], None)
    items, after = _list(
        ctx,
        f"/{ig}/media",
        cursor,
        limit=25,
        fields="id,timestamp,comments.limit(50){id,text,timestamp,username,"
        "replies{id,text,timestamp,username}}",
    )
    kept, times, done = _walk(ctx, items, "timestamp", after)
    me = str(ctx.settings.get("instagram_username") or "")
    records = []
    for media in kept:
        for c in (media.get("comments") or {}).get("data") or []:
            for reply_to, item in [(None, c)] + [
                (c.get("id"), r) for r in (c.get("replies") or {}).get("data") or []
            ]:
                who = str(item.get("username") or "unknown")
                records.append(
                    {
                        "external_id": str(item.get("id") or "") or None,
                        "received_at": utc(item.get("timestamp")),
                        "text": item.get("text") or "",
                        "author_handle": who,
                        "is_from_org": who.casefold() == me.casefold(),
                        "in_reply_to": reply_to,
                        "kind": "reply" if reply_to else "comment",
                        "post_external_id": str(media["id"]),
                    }
                )
    chunks = (
        [Chunk("messages", _ig_ref(ctx), message_frame(records, ctx.stream))] if records else []
    )
    return Page(chunks, None if done else after, newest(times), items=len(items))


def _conversations(platform: str):
    def fetch(ctx: StreamContext, cursor: str | None) -> Page:
        if platform == "instagram" and not ctx.settings.get("instagram_id"):
            return Page([], None)
        items, after = _list(
            ctx,
            f"/{ctx.external_id}/conversations",
            cursor,
            platform=platform,
            limit=25,
            fields="id,updated_time,messages.limit(25){id,message,created_time,from,to}",
        )
        kept, times, done = _walk(ctx, items, "updated_time", after)
        org = {str(ctx.external_id), str(ctx.settings.get("instagram_id") or "")}
        records = []
        for conv in kept:
            for m in (conv.get("messages") or {}).get("data") or []:
                handle, name = _author(m.get("from"))
                records.append(
                    {
                        "external_id": m.get("id"),
                        "received_at": utc(m.get("created_time")),
                        "text": m.get("message") or "",
                        "author_handle": handle,
                        "author_name": name,
                        "is_from_org": handle in org,
                        "kind": "dm",
                        "thread_external_id": conv.get("id"),
                    }
                )
        ref = _ig_ref(ctx) if platform == "instagram" else _page_ref(ctx)
        chunks = [Chunk("messages", ref, message_frame(records, ctx.stream))] if records else []
        return Page(chunks, None if done else after, newest(times), items=len(items))

    return fetch


CONNECTOR = Connector(
    name="meta",
    platform="meta",
    title=N_("Meta (Facebook Page and Instagram)"),
    how_to=N_(
        "In Meta's Graph API Explorer or your app: a long-lived Page access token with "
        "pages_read_engagement, read_insights, pages_read_user_content, pages_messaging and, "
        "for Instagram, instagram_basic, instagram_manage_insights, instagram_manage_comments "
        "and instagram_manage_messages. To publish from the calendar, add pages_manage_posts "
        "and pages_manage_engagement, and for Instagram instagram_content_publish."
    ),
    fields=(
        Field("token", N_("Page access token"), secret=True),
        Field(
            "page",
            N_("Page (name or id)"),
            required=False,
            help=N_("Only for a user token that manages several Pages"),
        ),
    ),
    connect=connect,
    client=client,
    streams=(
        Stream(
            "facebook_posts",
            "posts",
            _facebook_posts,
            every_minutes=60,
            refresh_days=14,
            title=N_("Facebook posts and their figures"),
        ),
        Stream(
            "instagram_media",
            "posts",
            _instagram_media,
            every_minutes=60,
            refresh_days=14,
            title=N_("Instagram posts and their figures"),
        ),
        Stream(
            "facebook_comments",
            "messages",
            _facebook_comments,
            every_minutes=10,
            refresh_days=14,
            title=N_("Facebook comments"),
        ),
        Stream(
            "instagram_comments",
            "messages",
            _instagram_comments,
            every_minutes=10,
            refresh_days=14,
            title=N_("Instagram comments"),
        ),
        Stream(
            "messenger",
            "messages",
            _conversations("messenger"),
            every_minutes=5,
            title=N_("Messenger conversations"),
        ),
        Stream(
            "instagram_messages",
            "messages",
            _conversations("instagram"),
            every_minutes=5,
            title=N_("Instagram direct messages"),
        ),
    ),
)
