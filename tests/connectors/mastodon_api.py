"""A recorded Mastodon API for tests, replaying the shapes of docs.joinmastodon.org (methods
accounts/verify_credentials, accounts/:id/statuses, notifications; entities Account, Status,
Notification; Link-header pagination; errors {"error": ...} with 401, 403, 429 + Retry-After,
500). The instance cannot be reached from here, so this replays it (respx over HTTPX)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx
import respx

INSTANCE = "https://mastodon.example"
ME = {
    "id": "109",
    "username": "groenfonds",
    "acct": "groenfonds",
    "display_name": "GroenFonds",
    "followers_count": 5120,
    "url": f"{INSTANCE}/@groenfonds",
}
TOKEN = "tok-" + "x" * 40


def _account(i: int) -> dict[str, Any]:
    return {
        "id": str(5000 + i),
        "username": f"fan{i}",
        "acct": f"fan{i}@mastodon.nl",
        "display_name": f"Fan {i}",
        "followers_count": 10 * i,
    }


def _time(minutes: int) -> str:
    t = dt.datetime(2026, 11, 30, 12, 0) - dt.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def status(i: int, *, reply_to_other: bool = False, media: str | None = None) -> dict[str, Any]:
    sid = str(113_000_000_000_000_000 - i * 1000)
    return {
        "id": sid,
        "uri": f"{INSTANCE}/users/groenfonds/statuses/{sid}",
        "url": f"{INSTANCE}/@groenfonds/{sid}",
        "created_at": _time(i * 30),
        "in_reply_to_id": "999" if reply_to_other else None,
        "in_reply_to_account_id": "5001" if reply_to_other else None,
        "visibility": "public",
        "language": "nl",
        "content": f"<p>Bericht {i} &amp; meer</p>",
        "replies_count": i % 4,
        "reblogs_count": i % 3,
        "favourites_count": i % 7 + 1,
        "reblog": None,
        "media_attachments": [{"id": "1", "type": media}] if media else [],
        "card": None,
        "account": ME,
    }


def mention(i: int, *, direct: bool = False) -> dict[str, Any]:
    sid = str(114_000_000_000_000_000 - i * 1000)
    who = _account(i)
    return {
        "id": str(90000 - i),
        "type": "mention",
        "created_at": _time(i * 20),
        "account": who,
        "status": {
            "id": sid,
            "created_at": _time(i * 20),
            "in_reply_to_id": None,
            "visibility": "direct" if direct else "public",
            "language": "nl",
            "url": f"https://mastodon.nl/@fan{i}/{sid}",
            "content": f"<p>@groenfonds vraag {i}</p>",
            "reblog": None,
            "account": who,
        },
    }


@dataclass
class FakeMastodon:
    statuses: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    token: str = TOKEN
    calls: list[str] = field(default_factory=list)
    # faults, by (path kind, page number from 1): a response to send instead, once or always
    faults: dict[tuple[str, int], httpx.Response] = field(default_factory=dict)
    sticky: set[tuple[str, int]] = field(default_factory=set)

    def install(self, router: respx.Router) -> None:
        router.get(f"{INSTANCE}/api/v1/accounts/verify_credentials").mock(side_effect=self._me)
        router.get(url__regex=rf"{INSTANCE}/api/v1/accounts/\d+/statuses.*").mock(
            side_effect=lambda r: self._page(r, "statuses", self.statuses, 40)
        )
        router.get(url__regex=rf"{INSTANCE}/api/v1/notifications.*").mock(
            side_effect=lambda r: self._page(r, "notifications", self.mentions, 80)
        )

    def _auth(self, request: httpx.Request) -> httpx.Response | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return httpx.Response(401, json={"error": "The access token is invalid"})
        return None

    def _me(self, request: httpx.Request) -> httpx.Response:
        return self._auth(request) or httpx.Response(200, json=ME)

    def _page(
        self, request: httpx.Request, kind: str, items: list[dict[str, Any]], default: int
    ) -> httpx.Response:
        self.calls.append(str(request.url))
        if (bad := self._auth(request)) is not None:
            return bad
        limit = min(int(request.url.params.get("limit", default)), default)
        max_id = request.url.params.get("max_id")
        start = 0
        if max_id is not None:
            start = next(i for i, x in enumerate(items) if x["id"] == max_id) + 1
        number = start // limit + 1
        fault = self.faults.get((kind, number))
        if fault is not None:
            if (kind, number) not in self.sticky:
                del self.faults[(kind, number)]
            return fault
        chunk = items[start : start + limit]
        headers = {}
        if start + limit < len(items):
            nxt = request.url.copy_set_param("max_id", chunk[-1]["id"])
            headers["Link"] = f'<{nxt}>; rel="next", <{request.url}>; rel="prev"'
        return httpx.Response(200, json=chunk, headers=headers)


def sample() -> FakeMastodon:
    statuses = [
        status(i, reply_to_other=(i % 6 == 5), media="image" if i % 5 == 0 else None)
        for i in range(1, 96)
    ]
    mentions = [mention(i, direct=(i % 10 == 0)) for i in range(1, 31)]
    return FakeMastodon(statuses, mentions)


class ServedFake:
    """The recorded API behind a real HTTP port (an ASGI app under uvicorn in a thread), for
    tests where another process (`socialdesk serve`) must reach it."""

    def __init__(self, fake: FakeMastodon) -> None:
        self.fake = fake
        self.router = respx.Router(assert_all_called=False)
        fake.install(self.router)

    async def __call__(self, scope, receive, send) -> None:  # the ASGI app
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        query = scope.get("query_string", b"").decode()
        url = f"{INSTANCE}{scope['path']}" + (f"?{query}" if query else "")
        headers = [(k.decode(), v.decode()) for k, v in scope["headers"]]
        response = self.router.handler(
            httpx.Request(scope["method"], url, headers=headers, content=body)
        )
        raw = [
            (k.encode(), v.encode())
            for k, v in response.headers.items()
            if k.lower() not in ("content-length", "transfer-encoding")
        ]
        content = response.read()
        raw.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": response.status_code, "headers": raw})
        await send({"type": "http.response.body", "body": content})
