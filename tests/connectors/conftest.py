"""Fixtures for the connector tests: a real local AT Protocol network for Bluesky.

`pds` is one network per test session (per xdist worker): a PLC directory, a PDS and the
Bluesky AppView from @atproto/dev-env (tests/connectors/pds/start.mjs). The AppView keeps its
tables in two throw-away schemas of the PostgreSQL test database (SOCIALDESK_TEST_DATABASE_URL,
default postgresql://127.0.0.1:5432/test), dropped at the end.

scripts/pds-setup installs the node packages; nothing is downloaded here. Without node, the
packages or PostgreSQL the tests are skipped with the reason, except under CI=true, where
nothing may be skipped.

Tests share the network, so each makes accounts of its own (`pds.new_account("alice")` gives
a unique handle) and never counts anything it did not write itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import IN_CI, PG_URL
from tests.connectors.pds_client import PdsNetwork, PdsUnavailable, node_problem


def _pds_unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"the local PDS is required in CI: {reason}")
    pytest.skip(f"local PDS unavailable: {reason}")


@pytest.fixture(scope="session")
def pds() -> Iterator[PdsNetwork]:
    """A running PLC + PDS + AppView; `pds.client` writes and reads XRPC, `pds.process_all()`
    waits until the AppView has indexed every write."""
    problem = node_problem()
    if problem:
        _pds_unavailable(problem)
    timeout = float(os.environ.get("SOCIALDESK_TEST_PDS_TIMEOUT", "120"))
    try:
        net = PdsNetwork.start(db_url=PG_URL, timeout=timeout)
    except PdsUnavailable as exc:
        _pds_unavailable(str(exc))
    try:
        yield net
    finally:
        net.stop()
