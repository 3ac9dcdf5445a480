"""Results of slow computations kept per data version (issue #17: "results of model fits are
cached per data version and refreshed after an import or sync").

    report = memo(session, workspace_id, "visual.uplift", (platform, metric), (Post, PostMetrics),
                  lambda: compute())

A result is kept under its kind, its parameters and the **data version** of the workspace's
database: the highest id of `import_batch` (every import, sync and publication writes one, also
when it only updates rows) and of each table the computation reads (a row written without a
batch, as the tests and the demo's seeding do, still makes a new version). Reading the version
is one indexed `max(id)` per table, so a page whose fit is kept answers in milliseconds; after
an import the next request fits again, once.

The kept results are frozen dataclasses that nobody changes; they are shared between
requests. At most `KEPT` results are kept per process (least recently used out first), so
the memory stays bounded whatever the number of workspaces and parameters. Two threads that
ask for the same missing result (the cockpit's warmer and a request, web/warm.py) compute it
once: the second waits for the first's answer. Only computations
whose answer depends on the database's rows and their own parameters may be kept: nothing that
reads the clock, the workspace's settings or a person's labels.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialdesk.model import ImportBatch

T = TypeVar("T")

KEPT = 64  # results per process
_KEPT: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
_LOCK = threading.Lock()
_STATS = {"hits": 0, "misses": 0}
_COMPUTING: dict[tuple[Hashable, ...], threading.Lock] = {}  # the keys being computed now


def data_version(session: Session, tables: Sequence[type[Any]] = ()) -> tuple[int, ...]:
    """The highest id of `import_batch` and of each of `tables` (0 when empty): it changes
    with every import, sync or written row."""
    out = []
    for model in (ImportBatch, *tables):
        column = model.__table__.c.id  # type: ignore[attr-defined]
        out.append(int(session.scalar(select(func.max(column))) or 0))
    return tuple(out)


def memo(
    session: Session,
    workspace_id: int,
    kind: str,
    params: tuple[Hashable, ...],
    tables: Sequence[type[Any]],
    compute: Callable[[], T],
) -> T:
    """`compute()`'s result, kept under (database, workspace, kind, params, data version)."""
    bind = session.get_bind()
    key = (
        str(bind.engine.url),
        workspace_id,
        kind,
        params,
        data_version(session, tables),
    )
    with _LOCK:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            _STATS["hits"] += 1
            return _KEPT[key]  # type: ignore[no-any-return]
        busy = _COMPUTING.setdefault(key, threading.Lock())
    with busy:  # one computation per key at a time: a second asker waits for the first
        with _LOCK:
            if key in _KEPT:
                _KEPT.move_to_end(key)
                _STATS["hits"] += 1
                return _KEPT[key]  # type: ignore[no-any-return]
            _STATS["misses"] += 1
        try:
            result = compute()
        except BaseException:
            with _LOCK:
                if _COMPUTING.get(key) is busy:  # a waiter may already compute under a new one
                    del _COMPUTING[key]
            raise
        with _LOCK:
            _KEPT[key] = result
            _KEPT.move_to_end(key)
            while len(_KEPT) > KEPT:
                _KEPT.popitem(last=False)
            if _COMPUTING.get(key) is busy:
                del _COMPUTING[key]
    return result


def stats() -> dict[str, int]:
    """Hits, misses and results kept (for tests and benchmarks)."""
    with _LOCK:
        return {**_STATS, "kept": len(_KEPT)}


def clear() -> None:
    """Forget every kept result."""
    with _LOCK:
        _KEPT.clear()


__all__ = ["KEPT", "clear", "data_version", "memo", "stats"]
