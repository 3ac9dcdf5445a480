"""The five-skills audit in the cockpit (issue #16, docs/audit.md).

GET /audit          the scorecard: per skill its score, every check with its points and
                    evidence, and the three most valuable next steps (/audit.json: the data)
GET /audit/card     the compact scorecard the home page loads after it has shown itself

The cockpit's audit is made again when the data changes (an import or a sync) or when it is
older than five minutes (audit.run.recent_audit).

An audit reads every skill's seam and fits the media-type uplift on a new data version:
seconds of work. The home page therefore never waits for it (htmx loads the card after the
page), and one audit is made at a time per server: a second request waits up to AUDIT_WAIT
seconds, then is told to try again, so many viewers at once cannot exhaust the machine.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from socialdesk.audit import run as audit_run
from socialdesk.audit.scorecard import Audit
from socialdesk.errors import SocialdeskError
from socialdesk.i18n import N_
from socialdesk.web.deps import SessionDep, Viewer, WorkspaceDep, render
from socialdesk.web.pages import View, page

router = APIRouter()
log = logging.getLogger(__name__)

AUDIT_WAIT = 10.0  # seconds a request waits for the audit being made (then 503, try again)
_ONE_AT_A_TIME = threading.BoundedSemaphore(1)


def _audit(session: Any, ws: int) -> Audit:
    if not _ONE_AT_A_TIME.acquire(timeout=AUDIT_WAIT):
        raise HTTPException(
            503, N_("Another audit is being made. Try again in a moment."), {"retry-after": "10"}
        )
    try:
        return audit_run.recent_audit(session, ws)
    finally:
        _ONE_AT_A_TIME.release()


@page(router, "/audit", "audit/index.html", name="audit")
def audit_page(session: SessionDep, ws: WorkspaceDep, _who: Viewer) -> View:
    """The five-skills scorecard: visual, empathy, advertising, online marketing and
    analytics, each with the evidence behind its score and its next steps."""
    return View(_audit(session, ws))


@router.get("/audit/card", name="audit_card", include_in_schema=False)
def audit_card(request: Request, session: SessionDep, ws: WorkspaceDep, _who: Viewer) -> Response:
    """The home page's scorecard (an HTML fragment, always answered with 200 so htmx swaps
    it in): while another audit is being made it asks again in a few seconds; an audit that
    cannot be made says so in one line and leaves the rest of the page as it is."""
    try:
        found = _audit(session, ws)
    except HTTPException as exc:
        if exc.status_code == 503:
            return render(request, "audit/_card_wait.html", View(None))
        raise
    except SocialdeskError as exc:
        return render(request, "audit/_card_error.html", View(None, error=str(exc)))
    except Exception:  # a fragment never takes the page down; the log keeps the cause
        log.exception("the five-skills audit failed")
        return render(request, "audit/_card_error.html", View(None, error=None))
    return render(request, "audit/_card.html", View(found))
