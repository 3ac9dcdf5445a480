"""What a connector is: one module per platform API, as an importer is one module per format.

A connector names
  FIELDS    what `connect` asks for (a handle, an app password, an instance, a token)
  connect() checks the credential against the API and returns who it is (an Identity), or
            refuses with the reason; it may swap the credential for a longer-lived one
  STREAMS   what it brings in, each with the kind of record it yields (posts, messages,
            account_days, ...), how often the worker runs it, and `fetch`: one page per call
            from a page cursor, yielding the same Chunks an importer yields, so a sync writes
            exactly what an import of the same data writes (socialdesk.importers.load)
and CONNECTOR, the spec that names all of them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from socialdesk.connectors.http import ApiClient, Classify
from socialdesk.importers.base import N_, Chunk

__all__ = [
    "N_",
    "Connector",
    "Field",
    "HttpOptions",
    "Identity",
    "Page",
    "Stream",
    "StreamContext",
]


@dataclass(frozen=True)
class Field:
    """One thing `connect` asks for. `secret` fields are stored encrypted and never shown."""

    name: str  # the CLI option (--app-password) and form field (app_password)
    label: str  # N_("App password")
    secret: bool = False
    required: bool = True
    default: str | None = None
    help: str = ""
    multiline: bool = False  # a pasted file (a service account key)


@dataclass(frozen=True)
class Identity:
    """Who a credential belongs to, as the API says at connect time."""

    handle: str
    name: str | None = None
    external_id: str | None = None
    scopes: tuple[str, ...] | None = None
    expires_at: dt.datetime | None = None
    credentials: dict[str, Any] = field(default_factory=dict)  # what to store (encrypted)
    settings: dict[str, Any] = field(default_factory=dict)  # what to store (plain)


@dataclass
class StreamContext:
    """What a stream's fetch is told: the connection, its client, and the walk it is on."""

    client: ApiClient
    handle: str
    external_id: str | None
    settings: dict[str, Any]
    credentials: dict[str, Any]
    as_of: dt.date  # snapshot date for lifetime totals (the run's day, UTC)
    stop_before: dt.datetime | None  # items older than this end the walk (naive UTC)
    stream: str = ""
    timezone: str = "Europe/Amsterdam"  # posts' times are wall-clock here, as imports store them


@dataclass
class Page:
    """One page of a stream: its chunks, the cursor of the next page (None: the walk is done),
    and the newest item's time in it (the next run's high-water mark)."""

    chunks: list[Chunk]
    next_cursor: str | None
    newest: dt.datetime | None = None
    items: int = 0


Fetch = Callable[[StreamContext, str | None], Page]


@dataclass(frozen=True)
class Stream:
    name: str
    kind: str  # the importer kind its chunks carry: posts | messages | account_days | ...
    fetch: Fetch
    every_minutes: int  # the worker's default schedule
    # how far back a run walks again beyond the last run's newest item: lifetime figures of
    # recent posts keep changing (likes arrive for days); 0 for append-only streams
    refresh_days: int = 0
    title: str = ""


@dataclass
class HttpOptions:
    """How clients are made: tests pass a transport and a sleep that does not wait."""

    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    attempts: int = 5
    max_wait: float = 300.0

    def client(
        self,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        classify: Classify | None = None,
    ) -> ApiClient:
        return ApiClient(
            base_url,
            headers=dict(headers or {}),
            classify=classify,
            attempts=self.attempts,
            max_wait=self.max_wait,
            transport=self.transport,
            sleep=self.sleep,
        )


# connect(values the person typed, http) -> Identity, or ConnectorError("input" | "auth" ...)
Connect = Callable[[dict[str, str], HttpOptions], Identity]
# client(credentials, settings, http): the client a run's streams use
MakeClient = Callable[[dict[str, Any], dict[str, Any], HttpOptions], ApiClient]


@dataclass(frozen=True)
class Connector:
    name: str  # the CLI's word: bluesky, mastodon, meta
    platform: str  # the accounts' platform in the store
    title: str  # N_("Bluesky")
    fields: tuple[Field, ...]
    connect: Connect
    client: MakeClient
    streams: tuple[Stream, ...]
    how_to: str = ""
    # called after a run's client got a new credential (refreshed session): store this instead
    refreshed: Callable[[ApiClient], dict[str, Any] | None] | None = None
    # a connector whose consent needs this machine's browser (OAuth loopback): connected on
    # the command line only; the cockpit shows this command
    command: str | None = None

    def stream(self, name: str) -> Stream:
        for s in self.streams:
            if s.name == name:
                return s
        raise KeyError(name)
