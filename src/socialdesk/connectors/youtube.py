"""YouTube (Data API v3 and Analytics API v2): the channel's videos with their figures, its
daily figures, and the comments on its videos into the inbox.

A channel is read with its owner's consent (service accounts cannot read a channel):
`socialdesk connect youtube --client-file client_secret.json` opens Google's consent page
for an OAuth client of the type Desktop app (Google Cloud console > APIs & Services >
Credentials), with the read-only scopes below, and keeps the refresh token (see google.py's
`consent`). Endpoints:
  GET youtube/v3/channels?part=snippet,contentDetails&mine=true                  connect
  GET youtube/v3/playlistItems?part=contentDetails&playlistId=<uploads>&maxResults=50
  GET youtube/v3/videos?part=snippet,statistics,contentDetails&id=<up to 50 ids>
  GET youtubeAnalytics/v2/reports?ids=channel==MINE&dimensions=day&metrics=...
  GET youtube/v3/commentThreads?part=snippet,replies&allThreadsRelatedToChannelId=...
Paging: nextPageToken / pageToken. Errors are Google's ({"error": {"code", "message",
"errors": [{"reason": "quotaExceeded" | "forbidden" | ...}], "status"}}); the Data API's
daily quota (10,000 units) is spent 1 unit a list call.

Mapping as YouTube Studio's exports (importers/_youtube_studio.py): a video is a post (media
type video) with views, likes and comments as of the run; a day of the channel has views,
watch time in hours, subscribers gained and lost (followers_gained / followers_lost), likes,
comments, shares. The account is the channel's handle (@name); import Studio files with
`--account @name` to file them under the same account.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from socialdesk.connectors import google
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
from socialdesk.connectors.records import newest, posts_frame, thumbnail, wall_clock
from socialdesk.importers._messages import message_frame, utc
from socialdesk.importers._youtube_studio import PLATFORM
from socialdesk.importers.base import AccountRef, Chunk
from socialdesk.importers.tabular import ROW_COL

SCOPES = (
    "https://www.googleapis.com/auth/youtube.readonly",
    "https://www.googleapis.com/auth/yt-analytics.readonly",
)
DATA = "https://www.googleapis.com/youtube/v3"
ANALYTICS = "https://youtubeanalytics.googleapis.com/v2"
FIRST_SYNC_DAYS = 365
_DURATION = re.compile(r"P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")
DAY_METRICS = {
    "views": "views",
    "estimatedMinutesWatched": "watch_time_hours",
    "subscribersGained": "followers_gained",
    "subscribersLost": "followers_lost",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
}


def seconds(iso: str | None) -> float | None:
    """An ISO 8601 duration (PT1H2M3S, P1DT2H) in seconds."""
    m = _DURATION.match(iso or "")
    if not m or not any(m.groups()):
        return None
    d, h, mi, s = (int(x or 0) for x in m.groups())
    return float(((d * 24 + h) * 60 + mi) * 60 + s)


def _credentials(values: dict[str, str]) -> dict[str, str]:
    out = {
        k: (values.get(k) or "").strip() for k in ("client_id", "client_secret", "refresh_token")
    }
    missing = [k for k, v in out.items() if not v]
    if missing:
        raise ConnectorError(
            "input",
            N_(
                "connect YouTube with the OAuth client file: "
                "socialdesk connect youtube --client-file FILE"
            ),
            field=missing[0],
        )
    return out


def connect(values: dict[str, str], http: HttpOptions) -> Identity:
    credentials = _credentials(values)
    with google.refresh_client(credentials, http) as api:
        body = api.get_json(f"{DATA}/channels", part="snippet,contentDetails", mine="true")
    items = body.get("items") if isinstance(body, dict) else None
    if not items:
        raise ConnectorError("not_found", N_("this Google account has no YouTube channel"))
    channel = items[0]
    snippet = channel.get("snippet") or {}
    uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
    if not channel.get("id") or not uploads:
        raise shape_error("connect", "channels.items[0].contentDetails", "lacks the uploads")
    return Identity(
        handle=str(snippet.get("customUrl") or snippet.get("title") or channel["id"]),
        name=snippet.get("title"),
        external_id=str(channel["id"]),
        scopes=SCOPES,
        credentials=credentials,
        settings={"uploads": uploads},
    )


def client(credentials: dict[str, Any], settings: dict[str, Any], http: HttpOptions) -> ApiClient:
    return google.refresh_client(credentials, http)


def _account(ctx: StreamContext) -> AccountRef:
    return AccountRef(PLATFORM, ctx.handle, external_id=ctx.external_id)


def _number(stats: dict[str, Any], name: str) -> float | None:
    value = stats.get(name)
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _videos(ctx: StreamContext, cursor: str | None) -> Page:
    body = ctx.client.get_json(
        f"{DATA}/playlistItems",
        part="contentDetails",
        playlistId=ctx.settings.get("uploads"),
        maxResults=50,
        pageToken=cursor,
    )
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise shape_error(ctx.stream, "playlistItems.items", "is missing")
    ids, times, done = [], [], not body.get("nextPageToken")
    for i, item in enumerate(body["items"]):
        details = (item or {}).get("contentDetails") or {}
        if not details.get("videoId"):
            raise shape_error(ctx.stream, f"items[{i}].contentDetails.videoId", "is missing")
        published = utc(details.get("videoPublishedAt"))
        if ctx.stop_before and published and published < ctx.stop_before:
            done = True
            break
        ids.append(str(details["videoId"]))
        times.append(published)
    rows = []
    if ids:
        videos = ctx.client.get_json(
            f"{DATA}/videos",
            part="snippet,statistics,contentDetails",
            id=",".join(ids),
            maxResults=50,
        )
        for i, video in enumerate((videos or {}).get("items") or []):
            if not video.get("id"):
                raise shape_error(ctx.stream, f"videos.items[{i}].id", "is missing")
            snippet, stats = video.get("snippet") or {}, video.get("statistics") or {}
            rows.append(
                {
                    "external_id": str(video["id"]),
                    "published_at": wall_clock(utc(snippet.get("publishedAt")), ctx.timezone),
                    "title": snippet.get("title"),
                    "text": snippet.get("description") or "",
                    "media_type": "video",
                    "permalink": f"https://www.youtube.com/watch?v={video['id']}",
                    "duration_seconds": seconds(
                        (video.get("contentDetails") or {}).get("duration")
                    ),
                    "views": _number(stats, "viewCount"),
                    "likes": _number(stats, "likeCount"),
                    "comments": _number(stats, "commentCount"),
                    **_thumbnail(snippet),
                }
            )
    chunks = [Chunk("posts", _account(ctx), posts_frame(rows, ctx.as_of))] if rows else []
    return Page(
        chunks,
        None if done else str(body["nextPageToken"]),
        newest(times),
        items=len(body["items"]),
    )


def _thumbnail(snippet: dict[str, Any]) -> dict[str, str]:
    """The video's thumbnail of 320 px wide (else the smallest there is); no alt text: the
    title stands beside it."""
    shots = snippet.get("thumbnails") or {}
    for size in ("medium", "default", "high"):
        shot = shots.get(size) if isinstance(shots, dict) else None
        if isinstance(shot, dict) and shot.get("url"):
            return thumbnail(shot["url"])
    return {}


def _days(ctx: StreamContext, cursor: str | None) -> Page:
    start = (
        ctx.stop_before.date()
        if ctx.stop_before
        else ctx.as_of - dt.timedelta(days=FIRST_SYNC_DAYS)
    )
    body = ctx.client.get_json(
        f"{ANALYTICS}/reports",
        ids="channel==MINE",
        startDate=start.isoformat(),
        endDate=ctx.as_of.isoformat(),
        dimensions="day",
        sort="day",
        metrics=",".join(DAY_METRICS),
    )
    headers = [h.get("name") for h in (body or {}).get("columnHeaders") or []]
    if headers[:1] != ["day"] or set(headers[1:]) != set(DAY_METRICS):
        raise shape_error(ctx.stream, "columnHeaders", "do not name what was asked")
    records = []
    for i, row in enumerate(body.get("rows") or []):
        if not isinstance(row, list) or len(row) != len(headers):
            raise shape_error(ctx.stream, f"rows[{i}]", "has the wrong number of values")
        record: dict[str, Any] = {"date": dt.date.fromisoformat(str(row[0]))}
        for name, value in zip(headers[1:], row[1:], strict=True):
            record[DAY_METRICS[name]] = float(value)
        record["watch_time_hours"] = record["watch_time_hours"] / 60.0
        records.append(record)
    chunks, last = [], None
    if records:
        frame = pd.DataFrame(records)
        frame["date"] = pd.to_datetime(frame["date"])
        frame[ROW_COL] = range(1, len(frame) + 1)
        chunks.append(Chunk("account_days", _account(ctx), frame))
        last = dt.datetime.combine(max(r["date"] for r in records), dt.time())
    return Page(chunks, None, last, items=len(records))


def _all_replies(ctx: StreamContext, parent: str) -> list[dict[str, Any]]:
    """Every reply of a thread (comments.list by parentId), at most 500."""
    out: list[dict[str, Any]] = []
    token = None
    while len(out) < 500:
        body = ctx.client.get_json(
            f"{DATA}/comments",
            part="snippet",
            parentId=parent,
            maxResults=100,
            textFormat="plainText",
            pageToken=token,
        )
        out.extend((body or {}).get("items") or [])
        token = (body or {}).get("nextPageToken")
        if not token:
            break
    return out


def _comments(ctx: StreamContext, cursor: str | None) -> Page:
    body = ctx.client.get_json(
        f"{DATA}/commentThreads",
        part="snippet,replies",
        allThreadsRelatedToChannelId=ctx.external_id,
        maxResults=100,
        order="time",
        textFormat="plainText",
        pageToken=cursor,
    )
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise shape_error(ctx.stream, "commentThreads.items", "is missing")
    records, times, done = [], [], not body.get("nextPageToken")
    for i, thread in enumerate(body["items"]):
        top = ((thread or {}).get("snippet") or {}).get("topLevelComment") or {}
        if not top.get("id"):
            raise shape_error(ctx.stream, f"items[{i}].snippet.topLevelComment.id", "is missing")
        snippet = top.get("snippet") or {}
        created = utc(snippet.get("publishedAt"))
        if ctx.stop_before and created and created < ctx.stop_before:
            done = True
            break
        times.append(created)
        video = snippet.get("videoId") or (thread.get("snippet") or {}).get("videoId")
        replies = (thread.get("replies") or {}).get("comments") or []
        if int((thread.get("snippet") or {}).get("totalReplyCount") or 0) > len(replies):
            replies = _all_replies(ctx, str(top["id"]))  # a thread carries only a few
        comments = [(None, top)] + [(top["id"], r) for r in replies]
        for parent, comment in comments:
            s = comment.get("snippet") or {}
            author = (s.get("authorChannelId") or {}).get("value")
            records.append(
                {
                    "external_id": str(comment.get("id")),
                    "received_at": utc(s.get("publishedAt")),
                    "text": s.get("textOriginal") or s.get("textDisplay") or "",
                    "author_handle": str(author or s.get("authorDisplayName") or "unknown"),
                    "author_name": s.get("authorDisplayName"),
                    "is_from_org": author == ctx.external_id,
                    "in_reply_to": parent,
                    "kind": "reply" if parent else "comment",
                    "post_external_id": video,
                    "permalink": f"https://www.youtube.com/watch?v={video}&lc={comment.get('id')}"
                    if video
                    else None,
                }
            )
    chunks = (
        [Chunk("messages", _account(ctx), message_frame(records, ctx.stream))] if records else []
    )
    return Page(
        chunks,
        None if done else str(body["nextPageToken"]),
        newest(times),
        items=len(body["items"]),
    )


CONNECTOR = Connector(
    name="youtube",
    platform=PLATFORM,
    title=N_("YouTube"),
    how_to=N_(
        "In Google Cloud console: enable the YouTube Data API v3 and the YouTube Analytics "
        "API, make an OAuth client of the type Desktop app and download its JSON; then "
        "`socialdesk connect youtube --client-file` that file and give consent in the browser."
    ),
    fields=(
        Field("client_id", N_("OAuth client id")),
        Field("client_secret", N_("OAuth client secret"), secret=True),
        Field("refresh_token", N_("Refresh token"), secret=True),
    ),
    connect=connect,
    client=client,
    command="socialdesk connect youtube --client-file client_secret.json",
    streams=(
        Stream(
            "videos",
            "posts",
            _videos,
            every_minutes=120,
            refresh_days=28,
            title=N_("Videos and their figures"),
        ),
        Stream(
            "channel_days",
            "account_days",
            _days,
            every_minutes=720,
            refresh_days=3,
            title=N_("The channel's figures by day"),
        ),
        Stream(
            "comments",
            "messages",
            _comments,
            every_minutes=15,
            refresh_days=7,  # new replies arrive on threads of the last days
            title=N_("Comments on the videos"),
        ),
    ),
)
