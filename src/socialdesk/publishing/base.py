"""What a publisher is: one module per network, as a connector is one per platform API.

A publisher module names
  NETWORK   the connector it publishes through (its credentials and client: bluesky, mastodon)
  publish() sends one Draft with an idempotency `key` and returns what the network made of it
            (a Sent), or raises ConnectorError (socialdesk.connectors.errors) with the reason
  find()    looks on the network for a post this key (or, where the network keeps no key, this
            text near this time) already made: after a crash or a timeout between sending and
            recording, the worker asks before it sends again, so a post never goes out twice
and PUBLISHER, the spec that names them. The checks before scheduling (length, media, alt
text, links) live in publishing/checks.py; the flow, the exactly-once protocol and the audit
log in publishing/run.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialdesk.connectors.http import ApiClient

__all__ = ["Draft", "MediaFile", "Publisher", "Sent"]


@dataclass(frozen=True)
class MediaFile:
    """One image or video of a post, stored in the workspace's media folder."""

    path: Path
    mime: str  # image/jpeg, image/png, image/webp, image/gif, video/mp4, video/quicktime
    alt: str = ""  # the alt text (Bluesky) or description (Mastodon)
    width: int | None = None
    height: int | None = None

    @property
    def kind(self) -> str:
        return "video" if self.mime.startswith("video/") else "image"


@dataclass(frozen=True)
class Draft:
    """What goes out on one network: the final text (the base text or this network's own, the
    tagged link in it where it belongs), media with alt text, the tagged link, the first
    comment where the network has one, and the moment it is meant for (UTC)."""

    network: str
    text: str
    created_at: dt.datetime  # UTC, timezone-aware
    media: tuple[MediaFile, ...] = ()
    link: str | None = None  # the tagged link (Bluesky: a link card when there are no images)
    link_title: str | None = None  # the card's title where the page's own is not read
    first_comment: str | None = None
    language: str | None = None  # "nl", "en"
    visibility: str = "public"  # Mastodon: public, unlisted, private, direct


@dataclass(frozen=True)
class Sent:
    """What the network made of a draft."""

    remote_id: str  # Bluesky: the at:// URI; Mastodon: the status id
    url: str  # the post's web address
    published_at: dt.datetime  # UTC, timezone-aware
    # the network's answer for the audit log: ids, uri, cid, media ids; never a credential
    answer: dict[str, Any] = field(default_factory=dict)


# publish(client, draft, key) -> Sent; find(client, draft, key, since) -> Sent | None.
# The client is the connector's (connectors.<network>.client): it carries the session and the
# connection's settings in client.session (Bluesky: did and handle; Mastodon: account id).
Publish = Callable[[ApiClient, Draft, str], Sent]
Find = Callable[[ApiClient, Draft, str, dt.datetime], "Sent | None"]


@dataclass(frozen=True)
class Publisher:
    network: str  # the connector's name
    publish: Publish
    find: Find
