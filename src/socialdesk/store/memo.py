"""Results of slow computations kept per data version (issue #17: "results of model fits are
cached per data version and refreshed after an import or sync").

    report = memo(session, workspace_id, "visual.uplift", (platform, metric), (Post, PostMetrics),
                  lambda: compute())

A result is kept under its kind, its parameters and the **data version** of the workspace's
database: the number of import batches (an undo removes one) and the highest id of
`import_batch` (every import, sync and publication writes one, also when it only updates rows)
and of each table the computation reads (a row written without a
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

Several web processes of one server (`serve --workers N`) share their results through a
folder (`share(folder)`: a private folder the server makes for its run, 0700 with a random
name, removed when it stops; results are unpickled from it, so it must never be a folder
anybody else can write): a result one process made is read by the others from a file instead
of being made again, and a lock file per result lets one process make it while the others
wait for it (so N warmers cost one). At most `SHARED_FILES` results are kept there (the
oldest removed first). A result that cannot be pickled or written is simply not shared.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialdesk.errors import SocialdeskError
from socialdesk.model import ImportBatch

T = TypeVar("T")

KEPT = 64  # results per process
# Slow results made at once per process (a viewer asking for many windows or filters must not
# start as many fits side by side: each can take hundreds of MB at a million posts); a
# computation inside another one runs in its slot. One that waits longer than MAKE_WAIT
# seconds for a slot is refused with `Busy` (the cockpit answers 503 "try again"). Cheap
# results (`slot=False`: a page's few grouped statements) and the warmer (`own_slot()`: one
# thread, one result at a time) never wait for one.
MAKING = 2
MAKE_WAIT = 20.0
_SLOTS = threading.BoundedSemaphore(MAKING)
_HELD = threading.local()
_KEPT: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
_LOCK = threading.Lock()
_STATS = {"hits": 0, "misses": 0}
_COMPUTING: dict[tuple[Hashable, ...], threading.Lock] = {}  # the keys being computed now
SHARED_FILES = 256  # results kept in the shared folder
_SHARED: dict[str, Path | None] = {"folder": None}
log = logging.getLogger("socialdesk.store.memo")


def share(folder: Path | None) -> None:
    """Share results with the other processes that share `folder` (None: this process only)."""
    if folder is not None:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _SHARED["folder"] = folder


def data_version(session: Session, tables: Sequence[type[Any]] = ()) -> tuple[Any, ...]:
    """The number of import batches, the highest id and latest start of `import_batch`, and
    the highest id of each of `tables` (0 when empty): it changes with every import, sync or
    written row, and with the undo of any batch (an undone older batch leaves every highest id
    as it was; SQLite gives an undone newest batch's id to the next import, whose start is
    later)."""
    count, top, started = session.execute(
        select(func.count(), func.max(ImportBatch.id), func.max(ImportBatch.started_at))
    ).one()
    out: list[Any] = [int(count or 0), int(top or 0), str(started or "")]
    for model in tables:
        column = model.__table__.c.id
        out.append(int(session.scalar(select(func.max(column))) or 0))
    return tuple(out)


def memo(
    session: Session,
    workspace_id: int,
    kind: str,
    params: tuple[Hashable, ...],
    tables: Sequence[type[Any]],
    compute: Callable[[], T],
    *,
    slot: bool = True,
) -> T:
    """`compute()`'s result, kept under (database, workspace, kind, params, data version);
    made in one of the process's MAKING slots unless `slot` is False (a cheap result)."""
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
            result = (
                _in_a_slot(kind, lambda: _shared(key, compute)) if slot else _shared(key, compute)
            )
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


class Busy(SocialdeskError):
    """Every slot for slow results stayed taken for MAKE_WAIT seconds."""


@contextlib.contextmanager
def own_slot() -> Iterator[None]:
    """Results made inside need no slot (the warmer: one thread making one result at a time,
    which must not be refused after an import nor take a viewer's slot)."""
    depth = getattr(_HELD, "depth", 0)
    _HELD.depth = depth + 1
    try:
        yield
    finally:
        _HELD.depth = depth


def _in_a_slot(kind: str, make: Callable[[], T]) -> T:
    """make() in one of the process's MAKING slots (re-entrant: nested results share it)."""
    depth = getattr(_HELD, "depth", 0)
    if depth:
        _HELD.depth = depth + 1
        try:
            return make()
        finally:
            _HELD.depth = depth
    if not _SLOTS.acquire(timeout=MAKE_WAIT):
        raise Busy(f"{kind}: every slot for slow results is taken; try again in a minute")
    _HELD.depth = 1
    try:
        return make()
    finally:
        _HELD.depth = 0
        _SLOTS.release()


def _shared(key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """compute(), or the result another process sharing the folder made for `key`."""
    folder = _SHARED["folder"]
    if folder is None:
        return compute()
    from filelock import FileLock

    name = hashlib.sha256(repr(key).encode()).hexdigest()
    path = folder / f"{name}.pickle"
    with FileLock(str(folder / f"{name}.lock")):
        try:
            with path.open("rb") as fh:
                found: T = pickle.load(fh)  # written by a process of this server, below
            os.utime(path)
            return found
        except FileNotFoundError:
            pass
        except Exception as exc:  # damaged or from another version: made again
            log.info("a shared result could not be read (%s): made again", exc)
        result = compute()
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            log.info("%s is not shared: %s", key[2], exc)
            return result
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:  # a full disk: the result is good, only not shared
            log.info("%s is not shared: %s", key[2], exc)
            return result
    _prune(folder)
    return result


def _prune(folder: Path) -> None:
    """Keep the SHARED_FILES most recently used results of the folder."""
    dated = []
    for path in folder.glob("*.pickle"):
        try:
            dated.append((path.stat().st_mtime, path))
        except OSError:  # removed by another process meanwhile
            continue
    dated.sort(reverse=True)
    for _mtime, old in dated[SHARED_FILES:]:  # lock files stay: another may hold one
        with contextlib.suppress(OSError):
            old.unlink()


def stats() -> dict[str, int]:
    """Hits, misses and results kept (for tests and benchmarks)."""
    with _LOCK:
        return {**_STATS, "kept": len(_KEPT)}


def clear() -> None:
    """Forget every kept result."""
    with _LOCK:
        _KEPT.clear()


__all__ = ["KEPT", "SHARED_FILES", "clear", "data_version", "memo", "share", "stats"]
