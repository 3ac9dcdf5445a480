"""Connectors: platform APIs that bring data in by themselves (issue #14).

One module per platform API, as the importers are one module per export format; each names
its fields, its streams, their cursors and their mapping onto the model (see base.py).
"""

from __future__ import annotations

import importlib

from socialdesk.connectors.base import Connector

BUILTIN = (
    "socialdesk.connectors.bluesky",
    "socialdesk.connectors.mastodon",
    "socialdesk.connectors.meta",
    "socialdesk.connectors.linkedin",
    "socialdesk.connectors.youtube",
    "socialdesk.connectors.ga4",
    "socialdesk.connectors.search_console",
)


def builtin_connectors() -> dict[str, Connector]:
    """Every connector socialdesk ships, by platform name."""
    out: dict[str, Connector] = {}
    for name in BUILTIN:
        connector: Connector = importlib.import_module(name).CONNECTOR
        out[connector.platform] = connector
    return out
