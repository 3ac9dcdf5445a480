"""One HTTP client for every connector: a good API citizen.

- honours Retry-After (seconds or an HTTP date) and the rate-limit headers the platforms send
  (RateLimit-Reset / X-RateLimit-Reset with Remaining 0), waits with exponential backoff and
  full jitter on 429, 5xx and network errors, and gives up after `attempts` tries or when the
  API asks for a longer wait than `max_wait` seconds (the stream stops; the next run retries);
- turns every failure into a ConnectorError in plain words; a connector's `classify` reads the
  platform's own error bodies (Meta's OAuthException 190, AT Protocol's ExpiredToken);
- never puts a credential in a message: headers are not echoed, details are the API's words.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from socialdesk.connectors.errors import ConnectorError
from socialdesk.importers.base import N_

Classify = Callable[[httpx.Response], ConnectorError | None]


MAX_ASKED = 7 * 24 * 3600.0  # a wait asked for beyond a week is read as a week


def _seconds(value: float) -> float | None:
    return min(max(0.0, value), MAX_ASKED) if math.isfinite(value) else None


def _wait_from_headers(response: httpx.Response, now: float) -> float | None:
    """Seconds the server asks us to wait, if it says so (nonsense values are ignored)."""
    value = (response.headers.get("retry-after") or "").strip()
    if value:
        try:
            return _seconds(float(value))
        except ValueError:
            try:
                parsed = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                parsed = None
            if parsed is not None:
                if parsed.tzinfo is None:
                    parsed = parsed.replace(tzinfo=dt.UTC)
                return _seconds(parsed.timestamp() - now)
    remaining = response.headers.get("ratelimit-remaining") or response.headers.get(
        "x-ratelimit-remaining"
    )
    reset = response.headers.get("ratelimit-reset") or response.headers.get("x-ratelimit-reset")
    if remaining is not None and reset and remaining.strip() in ("0", "0.0"):
        try:
            number = float(reset)
        except ValueError:
            parsed_dt = _iso(reset)
            return None if parsed_dt is None else _seconds(parsed_dt.timestamp() - now)
        # an epoch time (AT Protocol, GitHub style) or seconds from now (IETF draft)
        return _seconds(number - now if number > 1e9 else number)
    return None


_TOKENISH = re.compile(r"\b(EAA[A-Za-z0-9]{20,}|ya29\.[\w.-]{20,}|eyJ[\w-]{10,}\.[\w.-]{10,})")


def scrub(text: str | None, secrets: set[str]) -> str | None:
    """The text without any of the secrets (or anything shaped like a platform's token)."""
    if not text:
        return text
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 6:
            text = text.replace(secret, "[hidden]")
    return _TOKENISH.sub("[hidden]", text)


def _iso(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("message") or error)[:200]
        parts = [str(body[k]) for k in ("error", "message", "error_description") if body.get(k)]
        return ": ".join(parts)[:200]
    return str(body)[:200]


def default_error(response: httpx.Response) -> ConnectorError:
    status = response.status_code
    detail = _detail(response)
    if status == 401:
        return ConnectorError(
            "auth",
            N_("the platform no longer accepts the credential (expired or revoked): connect again"),
            detail=detail,
            status=status,
        )
    if status == 403:
        return ConnectorError(
            "permission",
            N_("the credential lacks a permission this needs: connect again and grant it"),
            detail=detail,
            status=status,
        )
    if status == 404:
        return ConnectorError(
            "not_found",
            N_("the platform does not know this account or address"),
            detail=detail,
            status=status,
        )
    if status in (408, 425):
        return ConnectorError(
            "network", N_("the platform did not answer in time"), detail=detail, status=status
        )
    if status == 429:
        return ConnectorError(
            "rate",
            N_("the platform's rate limit is reached; the next run goes on"),
            detail=detail,
            status=status,
        )
    if status >= 500:
        return ConnectorError(
            "server",
            f"the platform answered with a server error ({status})",
            detail=detail,
            status=status,
        )
    return ConnectorError(
        "input", N_("the platform refused the request"), detail=f"{status}: {detail}", status=status
    )


@dataclass
class ApiClient:
    """HTTPX with retries, backoff and plain-word errors, for one connection's base URL."""

    base_url: str
    headers: dict[str, str] = field(default_factory=dict)
    classify: Classify | None = None
    attempts: int = 5
    backoff: float = 1.0  # seconds: the first wait's upper bound, doubled each try
    max_backoff: float = 60.0
    max_wait: float = 300.0  # a longer Retry-After stops the stream instead of blocking a worker
    timeout: float = 30.0
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    bytes_received: int = 0
    requests: int = 0
    # a connector's session data for this run (e.g. AT Protocol tokens refreshed at start)
    session: dict[str, Any] = field(default_factory=dict)
    # values never to appear in an error's detail (tokens, passwords): the Authorization
    # header's is added by itself; connectors add the credentials they send otherwise
    secrets: set[str] = field(default_factory=set)
    _client: httpx.Client | None = None

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                base_url=self.base_url.rstrip("/"),
                timeout=self.timeout,
                transport=self.transport,
                follow_redirects=True,
                headers={"User-Agent": "socialdesk (+https://github.com/socialdesk)"},
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        files: Mapping[str, Any] | None = None,
        attempts: int | None = None,
    ) -> httpx.Response:
        """The response of a successful request (2xx), after retries; else ConnectorError,
        whose detail never holds a credential this request carried. `content` is a raw body
        (an upload), `files` a multipart form (httpx's files); `attempts` overrides the
        client's: 1 for a call that is not idempotent (a post that may have gone out must be
        looked for before it is sent again, never resent blindly)."""
        try:
            return self._request(
                method,
                url,
                params=params,
                json=json,
                data=data,
                headers=headers,
                content=content,
                files=files,
                attempts=attempts,
            )
        except ConnectorError as exc:
            sent = [*self.headers.values(), *(headers or {}).values(), *(data or {}).values()]
            if isinstance(json, dict):
                sent.extend(json.values())
            values = set(self.secrets)
            for value in sent:
                if isinstance(value, str):
                    values.add(value)
                    values.add(value.removeprefix("Bearer "))
            exc.detail = scrub(exc.detail, values)
            raise

    def _request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any,
        data: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        content: bytes | None = None,
        files: Mapping[str, Any] | None = None,
        attempts: int | None = None,
    ) -> httpx.Response:
        last: ConnectorError | None = None
        if params is not None:
            params = {k: v for k, v in params.items() if v is not None}
        tries = self.attempts if attempts is None else max(1, attempts)
        for attempt in range(tries):
            try:
                response = self._http().request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=data,
                    content=content,
                    files=files,
                    headers={**self.headers, **(headers or {})},
                )
            except httpx.TimeoutException as exc:
                last = ConnectorError(
                    "network", N_("the platform did not answer in time"), detail=type(exc).__name__
                )
                if attempt + 1 < tries:
                    self._pause(attempt, None)
                continue
            except httpx.TransportError as exc:
                last = ConnectorError(
                    "network",
                    N_("the platform cannot be reached"),
                    detail=f"{type(exc).__name__}: {exc}",
                )
                if attempt + 1 < tries:
                    self._pause(attempt, None)
                continue
            self.requests += 1
            self.bytes_received += len(response.content)
            if response.is_success:
                return response
            error = (self.classify(response) if self.classify else None) or default_error(response)
            if not error.transient:
                raise error
            asked = _wait_from_headers(response, self.clock())
            if asked is not None and asked > self.max_wait:
                error.retry_at = dt.datetime.fromtimestamp(self.clock() + asked, dt.UTC)
                raise error
            last = error
            if attempt + 1 < tries:
                self._pause(attempt, asked)
        assert last is not None
        raise last

    def _pause(self, attempt: int, asked: float | None) -> None:
        if attempt + 1 >= self.attempts:
            return
        if asked is not None:
            self.sleep(asked + random.uniform(0, 0.5))
            return
        cap = min(self.max_backoff, self.backoff * 2**attempt)
        self.sleep(random.uniform(0, cap))  # full jitter (AWS architecture blog)

    def get_json(self, url: str, **params: Any) -> Any:
        response = self.request(
            "GET", url, params={k: v for k, v in params.items() if v is not None}
        )
        return _json(response, url)

    def post_json(self, url: str, body: Any) -> Any:
        return _json(self.request("POST", url, json=body), url)


def _json(response: httpx.Response, url: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ConnectorError(
            "shape", N_("the platform's answer is not JSON"), detail=f"{url}: {response.text[:100]}"
        ) from None
