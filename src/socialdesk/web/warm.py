"""The cockpit's warmer: the slow results of the pages' default views, made again as soon as
the data changes, before anybody asks (issue #17: "results of model fits are cached per data
version and refreshed after an import or sync").

Results are kept per data version (store/memo.py): after an import the first request for a
page fitted its models again, and the media-type uplift alone takes seconds on the demo. A
`Warmer` runs in a thread of the serving process (`socialdesk serve` and `demo` start it). Every
`interval` seconds it reads the data version (one indexed `max(id)` per table); when it changed
(an import through the cockpit or the command line, a connection's sync by the worker, a
publication), it asks for every default view's slow result in turn, so that they are kept when
the first person comes. A request that asks while the warmer is fitting the same result waits
for that fit instead of starting its own (memo computes each key once).

The results are kept in the serving process's memory, where the pages read them: a separate
worker process could not hand them over without serialising model fits, so the process that
serves is the one that refreshes. One warm-up after a change at a time, one result at a time,
between `interval`s of sleep: it takes one core for as long as the fits take (seconds on the
demo) and nothing when the data stands still. A failure is logged and never stops the thread:
the page then fits on request, as before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from socialdesk.model import (
    Account,
    AccountDay,
    Ad,
    AdDay,
    Message,
    MessageLabel,
    Post,
    PostMetrics,
    SearchPerformance,
)
from socialdesk.store.memo import data_version, own_slot
from socialdesk.store.session import WorkspaceHandle

log = logging.getLogger("socialdesk.warm")

# What the warm-ups read: a new row in any of them is a new data version.
TABLES = (
    Account,
    AccountDay,
    Post,
    PostMetrics,
    Ad,
    AdDay,
    Message,
    MessageLabel,
    SearchPerformance,
)


def _overview(session: Session, ws: int) -> None:
    from socialdesk.overview import run

    run.overview(session, ws, days=30)  # as /overview asks by default


def _visual(session: Session, ws: int) -> None:
    from socialdesk.visual import run

    # as the /visual page asks by default (web/routes/visual.py _uplift)
    run.uplift_report(session, ws, explain_totals=False)


def _ads(session: Session, ws: int) -> None:
    from socialdesk.ads import run

    run.report(session, ws, period=run.Period(90), level="campaign")
    run.tests(session, ws, metric="ctr", level="ad")
    run.fatigue(session, ws, metric="ctr")
    run.curves(session, ws)  # also the budget page's fit


def _analytics(session: Session, ws: int) -> None:
    from socialdesk.analytics import run

    run.anomaly_report(session, ws, days=90, platform=None, threshold=3.5)
    run.best_times_report(session, ws, days=365, platform=None)
    run.tree_report(session, ws, "engagement", days=28, group_by="platform")


def _marketing(session: Session, ws: int) -> None:
    from socialdesk.marketing import run

    run.search(session, ws)
    run.coverage_for(session, ws)  # the plan page's coverage


def _inbox(session: Session, ws: int) -> None:
    from socialdesk.inbox import run

    run.figures(session, ws, since=None)


def _reports(session: Session, ws: int) -> None:
    from socialdesk.reports import run

    run.default_month(session, ws)  # the /reports page's month (the data's span)


def _audit(session: Session, ws: int) -> None:
    from socialdesk.audit import run

    run.recent_audit(session, ws)


# (name, warm-up): the default views whose results take more than a moment to make
WARMUPS: tuple[tuple[str, Callable[[Session, int], None]], ...] = (
    ("overview", _overview),
    ("visual", _visual),
    ("ads", _ads),
    ("analytics", _analytics),
    ("marketing", _marketing),
    ("inbox", _inbox),
    ("reports", _reports),
    ("audit", _audit),
)


@dataclass
class Warmer:
    """Makes the default views' slow results again whenever the data version changes."""

    handle: WorkspaceHandle
    interval: float = 5.0
    warmups: tuple[tuple[str, Callable[[Session, int], None]], ...] = WARMUPS
    rounds: int = 0  # warm-ups done (for tests and the log)
    last_seconds: float = 0.0
    _seen: tuple[Any, ...] | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def version(self) -> tuple[Any, ...]:
        with self.handle.session() as session:
            return data_version(session, TABLES)

    def warm_if_changed(self) -> bool:
        """One look at the data version; a warm-up when it changed. True when it warmed."""
        now = self.version()
        if now == self._seen:
            return False
        started = time.perf_counter()
        for name, warmup in self.warmups:
            if self._stop.is_set():
                return False
            try:  # in its own slot: never refused, never a viewer's slot
                with self.handle.session() as session, own_slot():
                    warmup(session, self.handle.workspace_id)
            except Exception:  # a page that cannot warm fits on request, as before
                log.warning("warming %s failed", name, exc_info=True)
        self._seen = now
        self.rounds += 1
        self.last_seconds = time.perf_counter() - started
        log.info("warmed the pages' results in %.1f s", self.last_seconds)
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.warm_if_changed()
            except Exception:  # the database away for a moment: try again next time
                log.warning("the warmer could not read the data version", exc_info=True)
            self._stop.wait(self.interval)

    def start(self) -> Warmer:
        self._thread = threading.Thread(target=self._loop, name="socialdesk-warm", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


__all__ = ["TABLES", "WARMUPS", "Warmer"]
