"""A recorded Meta Graph API for tests, replaying the shapes of developers.facebook.com/docs
(graph-api: /me, /me/accounts, /{page-id}/posts with nested summaries and insights,
/{ig-user-id}/media, /{page-id}/conversations; cursor paging {"data", "paging": {"cursors":
{"before", "after"}, "next"}}; errors {"error": {"message", "type", "code", "error_subcode",
"fbtrace_id"}} with code 190 (expired token), 200 (missing permission), 4 (rate limit) and
1 (transient)). Graph cannot be reached from here, so this replays it (respx over HTTPX)."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx
import respx

GRAPH = "https://graph.facebook.com/v23.0"
PAGE_ID = "100000000000001"  # the Page of tests/fixtures/formats/meta/..._posts_en.csv
PAGE_NAME = "Stichting Groen Dak"
IG_ID = "17841400000000001"
IG_USER = "groendak"
PAGE_TOKEN = "EAAG" + "p" * 60
USER_TOKEN = "EAAG" + "u" * 60


def _time(minutes: int) -> str:
    t = dt.datetime(2026, 11, 30, 12, 0) - dt.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%S+0000")


def error(
    code: int,
    message: str,
    *,
    status: int = 400,
    subcode: int | None = None,
    kind: str = "OAuthException",
    transient: bool = False,
) -> httpx.Response:
    body: dict[str, Any] = {
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": "AbCdEf123",
    }
    if subcode:
        body["error_subcode"] = subcode
    if transient:
        body["is_transient"] = True
    return httpx.Response(status, json={"error": body})


EXPIRED = error(
    190,
    "Error validating access token: Session has expired on Tuesday, "
    "01-Dec-26 10:00:00 PST. The current time is Sunday, 06-Dec-26 02:00:00 PST.",
    subcode=463,
)


def fb_post(i: int) -> dict[str, Any]:
    post_id = "900000000000000001" if i == 0 else str(900000000000001000 + i)
    comments = [
        {
            "id": f"{post_id}_{c}",
            "message": f"Mooi project {c}!",
            "created_time": _time(i * 60 - 5),
            "from": {"id": str(7000 + c), "name": f"Fan {c}"},
            "permalink_url": f"https://www.facebook.com/{post_id}?comment_id={c}",
        }
        for c in range(i % 3)
    ]
    if comments:  # the Page answers the first comment
        comments.append(
            {
                "id": f"{post_id}_99",
                "message": "Dank je!",
                "created_time": _time(i * 60 - 6),
                "from": {"id": PAGE_ID, "name": PAGE_NAME},
                "parent": {"id": comments[0]["id"]},
            }
        )
    return {
        "id": f"{PAGE_ID}_{post_id}",
        "created_time": _time(i * 60),
        "message": f"Bericht {i}",
        "permalink_url": f"https://www.facebook.com/groendak/posts/{post_id}",
        "status_type": "added_photos" if i % 2 else "mobile_status_update",
        "attachments": {"data": [{"media_type": "photo" if i % 2 else "link", "type": "photo"}]},
        "shares": {"count": i % 5},
        "reactions": {"data": [], "summary": {"total_count": 10 + i, "viewer_reaction": "NONE"}},
        "comments": {
            "data": comments,
            "summary": {"order": "chronological", "total_count": len(comments)},
        },
        "insights": {
            "data": [
                {
                    "name": "post_impressions_unique",
                    "period": "lifetime",
                    "values": [{"value": 1000 + 10 * i}],
                    "title": "Lifetime Post Total Reach",
                    "id": f"{PAGE_ID}_{post_id}/insights/post_impressions_unique/lifetime",
                },
                {
                    "name": "post_clicks",
                    "period": "lifetime",
                    "values": [{"value": 40 + i}],
                    "title": "Lifetime Post Clicks",
                    "id": f"{PAGE_ID}_{post_id}/insights/post_clicks/lifetime",
                },
            ]
        },
    }


def ig_media(i: int) -> dict[str, Any]:
    mid = str(18000000000000000 + i)
    return {
        "id": mid,
        "caption": f"Foto {i}",
        "media_type": "VIDEO" if i % 3 == 0 else "IMAGE",
        "media_product_type": "REELS" if i % 3 == 0 else "FEED",
        "permalink": f"https://www.instagram.com/p/X{i}/",
        "timestamp": _time(i * 90),
        "like_count": 50 + i,
        "comments_count": 1,
        "comments": {
            "data": [
                {
                    "id": str(17900000000000000 + i),
                    "text": "Wauw",
                    "timestamp": _time(i * 90 - 3),
                    "username": f"ig_fan{i}",
                    "replies": {
                        "data": [
                            {
                                "id": str(17910000000000000 + i),
                                "text": "Bedankt!",
                                "timestamp": _time(i * 90 - 4),
                                "username": IG_USER,
                            }
                        ]
                    },
                }
            ]
        },
        "insights": {
            "data": [
                {"name": n, "period": "lifetime", "values": [{"value": v}]}
                for n, v in (("reach", 500 + i), ("saved", i), ("shares", 2), ("views", 900 + i))
            ]
        },
    }


def conversation(i: int, platform: str) -> dict[str, Any]:
    org = PAGE_ID if platform == "messenger" else IG_ID
    person = {"id": str(8000 + i), "name": f"Klant {i}"}
    me = {"id": org, "name": PAGE_NAME}
    return {
        "id": f"t_{platform}_{i}",
        "updated_time": _time(i * 45),
        "messages": {
            "data": [
                {
                    "id": f"m_{platform}_{i}_2",
                    "message": "Graag gedaan",
                    "created_time": _time(i * 45),
                    "from": me,
                    "to": {"data": [person]},
                },
                {
                    "id": f"m_{platform}_{i}_1",
                    "message": f"Vraag {i}",
                    "created_time": _time(i * 45 + 10),
                    "from": person,
                    "to": {"data": [me]},
                },
            ]
        },
    }


@dataclass
class FakeGraph:
    posts: list[dict[str, Any]]
    media: list[dict[str, Any]]
    messenger: list[dict[str, Any]]
    instagram: list[dict[str, Any]]
    tokens: dict[str, str] = field(default_factory=lambda: {PAGE_TOKEN: "page", USER_TOKEN: "user"})
    faults: dict[tuple[str, int], httpx.Response] = field(default_factory=dict)
    sticky: set[tuple[str, int]] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)
    expires_at: int = 1_800_000_000  # 15 Jan 2027; 0 = never (a Page token)

    def install(self, router: respx.Router) -> None:
        router.get(url__regex=rf"{GRAPH}/me(\?.*)?$").mock(side_effect=self._me)
        router.get(url__regex=rf"{GRAPH}/me/accounts.*").mock(side_effect=self._accounts)
        router.get(url__regex=rf"{GRAPH}/debug_token.*").mock(side_effect=self._debug)
        router.get(url__regex=rf"{GRAPH}/{PAGE_ID}/posts.*").mock(
            side_effect=lambda r: self._list(r, "posts", self.posts)
        )
        router.get(url__regex=rf"{GRAPH}/{IG_ID}/media.*").mock(
            side_effect=lambda r: self._list(r, "media", self.media)
        )
        router.get(url__regex=rf"{GRAPH}/{PAGE_ID}/conversations.*").mock(
            side_effect=lambda r: self._list(
                r,
                r.url.params.get("platform"),
                self.messenger if r.url.params.get("platform") == "messenger" else self.instagram,
            )
        )

    def _who(self, request: httpx.Request) -> str | None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        return self.tokens.get(token)

    def _me(self, request: httpx.Request) -> httpx.Response:
        who = self._who(request)
        if who is None:
            return EXPIRED
        if who == "user":
            return httpx.Response(200, json={"id": "555", "name": "Anna de Vries"})
        return httpx.Response(
            200,
            json={
                "id": PAGE_ID,
                "name": PAGE_NAME,
                "instagram_business_account": {"id": IG_ID, "username": IG_USER},
            },
        )

    def _debug(self, request: httpx.Request) -> httpx.Response:
        who = self._who(request)
        if who is None:
            return EXPIRED
        return httpx.Response(
            200,
            json={
                "data": {
                    "app_id": "1234",
                    "type": "PAGE" if who == "page" else "USER",
                    "application": "socialdesk",
                    "expires_at": self.expires_at,
                    "data_access_expires_at": self.expires_at,
                    "is_valid": True,
                    "scopes": ["pages_read_engagement", "read_insights", "pages_read_user_content"],
                    "user_id": "555",
                }
            },
        )

    def _accounts(self, request: httpx.Request) -> httpx.Response:
        who = self._who(request)
        if who is None:
            return EXPIRED
        if who == "page":
            return error(
                100, "(#100) Tried accessing nonexisting field (accounts) on node type (Page)"
            )
        pages = [
            {
                "id": PAGE_ID,
                "name": PAGE_NAME,
                "access_token": PAGE_TOKEN,
                "instagram_business_account": {"id": IG_ID, "username": IG_USER},
            },
            {"id": "100000000000002", "name": "Andere Pagina", "access_token": "EAAGother"},
        ]
        return httpx.Response(
            200,
            json={"data": pages, "paging": {"cursors": {"before": "QVFIUmJ", "after": "QVFIUmN"}}},
        )

    def _list(
        self, request: httpx.Request, kind: str, items: list[dict[str, Any]]
    ) -> httpx.Response:
        self.calls.append(str(request.url))
        if self._who(request) != "page":
            return EXPIRED
        limit = int(request.url.params.get("limit", 25))
        after = request.url.params.get("after")
        start = int(base64.b64decode(after).decode()) if after else 0
        number = start // limit + 1
        fault = self.faults.get((kind, number))
        if fault is not None:
            if (kind, number) not in self.sticky:
                del self.faults[(kind, number)]
            return fault
        chunk = items[start : start + limit]
        cursors = {
            "before": base64.b64encode(str(start).encode()).decode(),
            "after": base64.b64encode(str(start + len(chunk)).encode()).decode(),
        }
        paging: dict[str, Any] = {"cursors": cursors}
        if start + limit < len(items):
            paging["next"] = str(request.url.copy_set_param("after", cursors["after"]))
        return httpx.Response(200, json={"data": chunk, "paging": paging})


def sample() -> FakeGraph:
    return FakeGraph(
        posts=[fb_post(i) for i in range(60)],
        media=[ig_media(i) for i in range(1, 31)],
        messenger=[conversation(i, "messenger") for i in range(1, 8)],
        instagram=[conversation(i, "instagram") for i in range(1, 5)],
    )
