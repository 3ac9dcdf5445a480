"""What a publisher is: one module per network, as a connector is one per platform API.

A publisher module names
  NETWORK   the network it publishes to (bluesky, mastodon, facebook, instagram, linkedin)
  CONNECTOR the connector whose credentials and client it uses (the Meta connector serves
            both a Page on facebook and its Instagram account on instagram)
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
from socialdesk.importers.base import AccountRef

__all__ = ["Draft", "MediaFile", "Publisher", "Sent"]


@dataclass(frozen=True)
class MediaFile:
    """One image or video of a post, stored in the workspace's media folder."""

    path: Path
    mime: str  # image/jpeg, image/png, image/webp, image/gif, video/mp4, video/quicktime
    alt: str = ""  # the alt text (Bluesky) or description (Mastodon)
    width: int | None = None
    height: int | None = None
    name: str = ""  # the name it was added with (the stored file is named by its hash)

    @property
    def shown(self) -> str:
        """The file's name in a sentence: the one it was added with."""
        return self.name or self.path.name

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
    # the post's id as the connector's sync stores it, where that differs from remote_id
    # (Facebook: the part after "<page id>_"), so the synced metrics land on the same post
    post_id: str | None = None


# publish(client, draft, key) -> Sent; find(client, draft, key, since) -> Sent | None.
# The client is the connector's (connectors.<network>.client): it carries the session and the
# connection's settings in client.session (Bluesky: did and handle; Mastodon: account id).
Publish = Callable[[ApiClient, Draft, str], Sent]
Find = Callable[[ApiClient, Draft, str, dt.datetime], "Sent | None"]


# account(handle, external_id, settings) -> the account a published post belongs to, as the
# connector's sync names it (Meta: the Page on facebook, its Instagram account on instagram)
Account = Callable[[str, "str | None", dict[str, Any]], AccountRef]
# available(settings) -> False when this connection cannot publish to the network (a Page
# without an Instagram professional account)
Available = Callable[[dict[str, Any]], bool]


# Where the network can hold a post and publish it itself at its time (Mastodon's scheduled
# statuses), so the machine running socialdesk may be off then:
#   hand_over(client, draft, key, at) -> the network's id of the post it holds
#   cancel(client, id) -> True when it still held it (False: published or deleted already)
#   pending(client, id) -> whether it still holds it
#   comment(client, draft, key, sent) -> sent, the first comment posted under the post
HandOver = Callable[[ApiClient, Draft, str, dt.datetime], str]
Cancel = Callable[[ApiClient, str], bool]
Pending = Callable[[ApiClient, str], bool]
Comment = Callable[[ApiClient, Draft, str, Sent], Sent]
#   held(client, draft, at) -> the ids of what the network holds with this text for this time
#   (when a hand-over's answer was lost)
Held = Callable[[ApiClient, Draft, dt.datetime], list[str]]


@dataclass(frozen=True)
class Publisher:
    network: str  # where the post goes: bluesky, mastodon, facebook, instagram, linkedin
    publish: Publish
    find: Find
    connector: str = ""  # the connector's name; "" = the same as the network
    account: Account | None = None  # None: the connection's own handle on `network`
    available: Available | None = None  # None: every connection of the connector
    hand_over: HandOver | None = None  # None: the worker sends at the time
    cancel: Cancel | None = None
    pending: Pending | None = None
    comment: Comment | None = None
    held: Held | None = None
    ahead: dt.timedelta = dt.timedelta(minutes=10)  # hand over only this long before the time

    @property
    def connector_name(self) -> str:
        return self.connector or self.network

    def account_of(
        self, handle: str, external_id: str | None, settings: dict[str, Any]
    ) -> AccountRef:
        if self.account is not None:
            return self.account(handle, external_id, settings)
        return AccountRef(self.network, handle, external_id=external_id)

    def serves(self, settings: dict[str, Any]) -> bool:
        return self.available is None or bool(self.available(settings))
