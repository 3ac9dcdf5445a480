"""A recorded YouTube for tests, replaying the shapes of developers.google.com/youtube (Data
API v3: channels, playlistItems, videos, commentThreads with nextPageToken paging; Analytics
API v2: reports as columnHeaders + rows) and Google's OAuth token endpoint for a person's
consent (authorization code with PKCE, refresh token). Google cannot be reached from here, so
this replays it (respx over HTTPX)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx
import respx

CHANNEL = "UCabcdefghijklmnopqrstuv"
UPLOADS = "UUabcdefghijklmnopqrstuv"
CLIENT_ID = "123-abc.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-secret"
DATA = "https://www.googleapis.com/youtube/v3"


def _time(hours: int) -> str:
    return (dt.datetime(2026, 11, 30, 12) - dt.timedelta(hours=hours)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def video(i: int) -> dict[str, Any]:
    return {
        "kind": "youtube#video",
        "id": f"vid{i:08d}",
        "snippet": {
            "publishedAt": _time(i * 24),
            "channelId": CHANNEL,
            "title": f"Video {i}",
            "description": f"Over project {i}",
        },
        "contentDetails": {"duration": f"PT{i % 5}M{10 + i}S"},
        "statistics": {
            "viewCount": str(1000 + i),
            "likeCount": str(50 + i),
            "favoriteCount": "0",
            "commentCount": str(i % 4),
        },
    }


def thread(i: int) -> dict[str, Any]:
    vid = f"vid{i % 10:08d}"

    def comment(cid: str, author: str, text: str, hours: int) -> dict[str, Any]:
        return {
            "kind": "youtube#comment",
            "id": cid,
            "snippet": {
                "videoId": vid,
                "textDisplay": text,
                "textOriginal": text,
                "authorDisplayName": author,
                "authorChannelId": {"value": author},
                "publishedAt": _time(hours),
                "updatedAt": _time(hours),
            },
        }

    replies = [comment(f"c{i}.r", CHANNEL, "Dank je!", i * 5 - 1)] if i % 2 else []
    return {
        "kind": "youtube#commentThread",
        "id": f"c{i}",
        "snippet": {
            "channelId": CHANNEL,
            "videoId": vid,
            # thread 3 is lively: the API carries only a few of its 12 replies
            "totalReplyCount": 12 if i == 3 else len(replies),
            "topLevelComment": comment(f"c{i}", f"UCfan{i}", f"Mooie video {i}", i * 5),
        },
        "replies": {"comments": replies},
    }


@dataclass
class FakeYouTube:
    videos: list[dict[str, Any]] = field(default_factory=lambda: [video(i) for i in range(120)])
    threads: list[dict[str, Any]] = field(default_factory=lambda: [thread(i) for i in range(1, 41)])
    refresh_tokens: set[str] = field(default_factory=set)
    codes: dict[str, str] = field(default_factory=dict)  # code -> PKCE challenge
    access: set[str] = field(default_factory=set)

    def install(self, router: respx.Router) -> None:
        router.post("https://oauth2.googleapis.com/token").mock(side_effect=self._token)
        router.get(f"{DATA}/channels").mock(side_effect=self._channels)
        router.get(f"{DATA}/playlistItems").mock(side_effect=self._playlist)
        router.get(f"{DATA}/videos").mock(side_effect=self._videos)
        router.get(f"{DATA}/commentThreads").mock(side_effect=self._threads)
        router.get(f"{DATA}/comments").mock(side_effect=self._replies)
        router.get("https://youtubeanalytics.googleapis.com/v2/reports").mock(
            side_effect=self._report
        )

    def _token(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return httpx.Response(
                401, json={"error": "invalid_client", "error_description": "Unauthorized"}
            )
        if form["grant_type"] == "authorization_code":
            challenge = self.codes.pop(form.get("code", ""), None)
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if (
                challenge is None
                or challenge != base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            ):
                return httpx.Response(
                    400, json={"error": "invalid_grant", "error_description": "Bad Request"}
                )
            refresh = f"1//refresh{len(self.refresh_tokens)}"
            self.refresh_tokens.add(refresh)
            return httpx.Response(
                200,
                json={
                    "access_token": "ya29.first",
                    "expires_in": 3599,
                    "refresh_token": refresh,
                    "token_type": "Bearer",
                },
            )
        if form.get("refresh_token") not in self.refresh_tokens:
            return httpx.Response(
                400,
                json={
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        token = f"ya29.{len(self.access)}"
        self.access.add(token)
        return httpx.Response(
            200, json={"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        )

    def _ok(self, request: httpx.Request) -> bool:
        return request.headers.get("authorization", "").removeprefix("Bearer ") in self.access

    def _denied(self) -> httpx.Response:
        return httpx.Response(
            401,
            json={
                "error": {
                    "code": 401,
                    "message": "Request had invalid authentication credentials.",
                    "status": "UNAUTHENTICATED",
                }
            },
        )

    def _channels(self, request: httpx.Request) -> httpx.Response:
        if not self._ok(request):
            return self._denied()
        return httpx.Response(
            200,
            json={
                "kind": "youtube#channelListResponse",
                "items": [
                    {
                        "kind": "youtube#channel",
                        "id": CHANNEL,
                        "snippet": {"title": "Stichting Groen Dak", "customUrl": "@groendak"},
                        "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": UPLOADS}},
                    }
                ],
            },
        )

    def _paged(
        self, items: list[Any], request: httpx.Request, size: int, wrap: Any
    ) -> httpx.Response:
        start = int(request.url.params.get("pageToken") or 0)
        page = items[start : start + min(size, int(request.url.params.get("maxResults", size)))]
        body: dict[str, Any] = {
            "items": [wrap(x) for x in page],
            "pageInfo": {"totalResults": len(items), "resultsPerPage": len(page)},
        }
        if start + len(page) < len(items):
            body["nextPageToken"] = str(start + len(page))
        return httpx.Response(200, json=body)

    def _playlist(self, request: httpx.Request) -> httpx.Response:
        if not self._ok(request):
            return self._denied()
        assert request.url.params["playlistId"] == UPLOADS
        return self._paged(
            self.videos,
            request,
            50,
            lambda v: {
                "kind": "youtube#playlistItem",
                "id": f"pi-{v['id']}",
                "contentDetails": {
                    "videoId": v["id"],
                    "videoPublishedAt": v["snippet"]["publishedAt"],
                },
            },
        )

    def _videos(self, request: httpx.Request) -> httpx.Response:
        if not self._ok(request):
            return self._denied()
        wanted = request.url.params["id"].split(",")
        assert len(wanted) <= 50
        by_id = {v["id"]: v for v in self.videos}
        return httpx.Response(200, json={"items": [by_id[w] for w in wanted if w in by_id]})

    def _threads(self, request: httpx.Request) -> httpx.Response:
        if not self._ok(request):
            return self._denied()
        return self._paged(self.threads, request, 100, lambda t: t)

    def _replies(self, request: httpx.Request) -> httpx.Response:
        if not self._ok(request):
            return self._denied()
        parent = request.url.params["parentId"]
        items = [
            {
                "kind": "youtube#comment",
                "id": f"{parent}.r{n}",
                "snippet": {
                    "parentId": parent,
                    "textOriginal": f"Antwoord {n}",
                    "textDisplay": f"Antwoord {n}",
                    "authorDisplayName": f"fan{n}",
                    "authorChannelId": {"value": f"UCfan-r{n}"},
                    "publishedAt": _time(10),
                    "updatedAt": _time(10),
                },
            }
            for n in range(12)
        ]
        return self._paged(items, request, 100, lambda c: c)

    def _report(self, request: httpx.Request) -> httpx.Response:
        if not self._ok(request):
            return self._denied()
        metrics = request.url.params["metrics"].split(",")
        start = dt.date.fromisoformat(request.url.params["startDate"])
        end = dt.date.fromisoformat(request.url.params["endDate"])
        days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        rows = [[d.isoformat(), *[(d.day + j) * 10 for j in range(len(metrics))]] for d in days]
        return httpx.Response(
            200,
            json={
                "kind": "youtubeAnalytics#resultTable",
                "columnHeaders": [{"name": "day", "columnType": "DIMENSION", "dataType": "STRING"}]
                + [{"name": m, "columnType": "METRIC", "dataType": "INTEGER"} for m in metrics],
                "rows": rows,
            },
        )
