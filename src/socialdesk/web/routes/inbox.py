"""The inbox (skill 2, empathy): the queue, one thread, and the response figures.

GET /inbox, /inbox.json                       open threads by priority, with filters and SLA clock
GET /inbox/threads/{id}, .json                the history, triage, labels and a reply draft
POST /inbox/threads/{id}/assign|label|status|answered   editors act (socialdesk never sends)
GET /inbox/figures, /inbox/figures.json       response rate, first response and resolution times
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from socialdesk.i18n import N_
from socialdesk.inbox import queries
from socialdesk.inbox.drafts import Tone, draft_reply, first_name
from socialdesk.inbox.intent import INTENTS
from socialdesk.inbox.sentiment import SENTIMENTS
from socialdesk.inbox.sla import ResponseReport, first_responses, response_report, sla_clocks
from socialdesk.inbox.triage import prioritise
from socialdesk.web.deps import ConfigDep, CsrfDep, Editor, SessionDep, Viewer, render, render_json

router = APIRouter()

STATUSES = ("new", "open", "waiting", "done")
LABEL_KINDS = ("sentiment", "intent")


def _clean(value: Any) -> Any:
    """A frame cell as plain JSON-able Python (NaN/NaT become None)."""
    if value is None:
        return None
    if hasattr(value, "to_pydatetime"):
        try:
            return value.to_pydatetime()
        except (ValueError, TypeError):
            return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _rows(frame: Any, columns: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    cols = list(columns or frame.columns)
    return [{c: _clean(r[c]) for c in cols if c in frame.columns} for _, r in frame.iterrows()]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass
class QueuePage:
    """The queue (/inbox, /inbox.json): open threads, most urgent first."""

    filters: dict[str, str | None] = field(
        metadata={"help": "platform, intent, sentiment, status, assignee"}
    )
    rows: list[dict[str, Any]] = field(
        metadata={
            "help": "Per thread: the latest message from outside, its triage, priority, "
            "minutes_waiting, minutes_left and breached (SLA of 1 hour)"
        }
    )
    platforms: list[str]
    assignees: list[str]
    intents: tuple[str, ...] = INTENTS
    sentiments: tuple[str, ...] = SENTIMENTS
    statuses: tuple[str, ...] = STATUSES


@dataclass
class ThreadPage:
    """One thread (/inbox/threads/{id}): history, triage, labels and a draft to edit."""

    thread: dict[str, Any]
    messages: list[dict[str, Any]] = field(metadata={"help": "Oldest first, with triage"})
    replies: list[dict[str, Any]] = field(metadata={"help": "Drafts and replies marked as sent"})
    latest: dict[str, Any] | None = field(metadata={"help": "The latest message from outside"})
    draft: str = field(
        metadata={"help": "A reply draft in its language; a person edits and sends it"}
    )
    draft_language: str | None = None
    statuses: tuple[str, ...] = STATUSES
    intents: tuple[str, ...] = INTENTS
    sentiments: tuple[str, ...] = SENTIMENTS


@dataclass
class FiguresPage:
    """Response figures (/inbox/figures): rate, first response and resolution times."""

    report: ResponseReport | None = field(
        metadata={"help": "Overall, per platform, per person and inside/outside business hours"}
    )


QText = Annotated[str | None, Query(max_length=150)]


def _queue(
    session: Any,
    workspace_id: int,
    platform: str | None,
    intent: str | None,
    sentiment: str | None,
    status: str | None,
    assignee: str | None,
) -> QueuePage:
    statuses = (status,) if status in STATUSES else queries.OPEN
    q = queries.queue(
        session,
        workspace_id,
        statuses=statuses,
        platform=platform or None,
        assignee=assignee or None,
        intent=intent or None,
        sentiment=sentiment or None,
        limit=500,
    )
    rows: list[dict[str, Any]] = []
    if not q.empty:
        now = _now()
        rows = _rows(sla_clocks(prioritise(q, now), now))
    threads = queries.threads(session, workspace_id)
    platforms = sorted({str(p) for p in threads["platform"].dropna()}) if not threads.empty else []
    assignees = (
        sorted({str(a) for a in threads["assignee"].dropna()})
        if "assignee" in threads.columns
        else []
    )
    filters = {
        "platform": platform,
        "intent": intent,
        "sentiment": sentiment,
        "status": status,
        "assignee": assignee,
    }
    return QueuePage(filters, rows, platforms, assignees)


@router.get("/inbox", name="inbox")
def inbox(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    platform: QText = None,
    intent: QText = None,
    sentiment: QText = None,
    status: QText = None,
    assignee: QText = None,
) -> Response:
    page = _queue(
        session, config.workspace.workspace_id, platform, intent, sentiment, status, assignee
    )
    return render(request, "inbox/queue.html", page)


@router.get("/inbox.json", name="inbox_json")
def inbox_json(
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    platform: QText = None,
    intent: QText = None,
    sentiment: QText = None,
    status: QText = None,
    assignee: QText = None,
) -> Response:
    return render_json(
        _queue(
            session, config.workspace.workspace_id, platform, intent, sentiment, status, assignee
        )
    )


def _thread(session: Any, workspace_id: int, thread_id: int) -> ThreadPage:
    row = queries.thread_row(session, workspace_id, thread_id)
    if row is None:
        raise HTTPException(status_code=404, detail=N_("This thread does not exist."))
    msgs = _rows(queries.thread_messages(session, workspace_id, thread_id))
    thread = {
        "id": row.id,
        "platform": row.platform,
        "kind": row.kind,
        "subject": row.subject,
        "status": row.status,
        "assignee": row.assignee,
    }
    outside = [m for m in msgs if not m.get("is_from_org")]
    latest = outside[-1] if outside else None
    draft, lang = "", None
    if latest is not None:
        d = draft_reply(
            intent=latest.get("intent") or "other",
            language=latest.get("language"),
            name=first_name(latest.get("author_name"), latest.get("author_handle")),
            tone=Tone(),
        )
        draft, lang = d.text, d.language
    reps = _rows(queries.replies(session, workspace_id, thread_id))
    return ThreadPage(thread, msgs, reps, latest, draft, lang)


@router.get("/inbox/threads/{item_id:int}", name="inbox_thread")
def inbox_thread(
    request: Request, item_id: int, session: SessionDep, config: ConfigDep, _who: Viewer
) -> Response:
    return render(
        request, "inbox/thread.html", _thread(session, config.workspace.workspace_id, item_id)
    )


@router.get("/inbox/threads/{item_id:int}.json", name="inbox_thread_json")
def inbox_thread_json(
    item_id: int, session: SessionDep, config: ConfigDep, _who: Viewer
) -> Response:
    return render_json(_thread(session, config.workspace.workspace_id, item_id))


def _back(item_id: int) -> Response:
    return RedirectResponse(f"/inbox/threads/{item_id}", status_code=303)


def _owned(session: Any, workspace_id: int, item_id: int) -> None:
    if queries.thread_row(session, workspace_id, item_id) is None:
        raise HTTPException(status_code=404, detail=N_("This thread does not exist."))


@router.post("/inbox/threads/{item_id:int}/assign", name="inbox_assign", dependencies=[CsrfDep])
def inbox_assign(
    item_id: int,
    session: SessionDep,
    config: ConfigDep,
    who: Editor,
    assignee: Annotated[str, Form(max_length=150)] = "",
) -> Response:
    ws = config.workspace.workspace_id
    _owned(session, ws, item_id)
    queries.assign(session, ws, item_id, assignee.strip() or None, by=who.username)
    session.commit()
    return _back(item_id)


@router.post("/inbox/threads/{item_id:int}/label", name="inbox_label", dependencies=[CsrfDep])
def inbox_label(
    item_id: int,
    session: SessionDep,
    config: ConfigDep,
    who: Editor,
    message_id: Annotated[int, Form()] = 0,
    kind: Annotated[str, Form(max_length=20)] = "",
    value: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    ws = config.workspace.workspace_id
    _owned(session, ws, item_id)
    allowed = {"sentiment": SENTIMENTS, "intent": INTENTS}
    if kind not in allowed or value not in allowed[kind]:
        raise HTTPException(status_code=400, detail=N_("Unknown label."))
    ids = set(queries.thread_messages(session, ws, item_id)["id"].tolist())
    if message_id not in ids:
        raise HTTPException(status_code=404, detail=N_("This thread does not exist."))
    queries.set_label(session, ws, message_id, kind, value, by=who.username)
    session.commit()
    return _back(item_id)


@router.post("/inbox/threads/{item_id:int}/status", name="inbox_status", dependencies=[CsrfDep])
def inbox_status(
    item_id: int,
    session: SessionDep,
    config: ConfigDep,
    _who: Editor,
    status: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    ws = config.workspace.workspace_id
    _owned(session, ws, item_id)
    if status not in STATUSES:
        raise HTTPException(status_code=400, detail=N_("Unknown status."))
    queries.set_status(session, ws, item_id, status)
    session.commit()
    return _back(item_id)


@router.post("/inbox/threads/{item_id:int}/answered", name="inbox_answered", dependencies=[CsrfDep])
def inbox_answered(
    item_id: int,
    session: SessionDep,
    config: ConfigDep,
    who: Editor,
    text: Annotated[str, Form(max_length=5000)] = "",
    message_id: Annotated[int | None, Form()] = None,
    language: Annotated[str | None, Form(max_length=20)] = None,
) -> Response:
    """A person sent the reply on the platform themselves; socialdesk records it, never sends."""
    ws = config.workspace.workspace_id
    _owned(session, ws, item_id)
    if text.strip():
        ids = set(queries.thread_messages(session, ws, item_id)["id"].tolist())
        rid = queries.save_draft(
            session,
            ws,
            item_id,
            message_id if message_id in ids else None,
            text.strip(),
            language or None,
            who.username,
        )
        queries.mark_sent(session, ws, rid, by=who.username)
    queries.set_status(session, ws, item_id, "done")
    session.commit()
    return _back(item_id)


def _figures(session: Any, workspace_id: int) -> FiguresPage:
    msgs = queries.messages(session, workspace_id)
    threads = queries.threads(session, workspace_id)
    if msgs.empty or threads.empty:
        return FiguresPage(None)
    if msgs["is_from_org"].astype(bool).any():
        responses = first_responses(msgs, threads)
    else:  # nothing answered yet (first_responses cannot merge an empty set of answers)
        import pandas as pd

        inbound = msgs.groupby("thread_id")["received_at"].min().rename("opened_at").reset_index()
        responses = inbound.merge(
            threads[["thread_id", "platform", "done_at"]], on="thread_id", how="left"
        )
        responses = responses.assign(
            answered_at=pd.NaT, responder=None, first_response_min=float("nan")
        )
        done = pd.to_datetime(responses["done_at"])
        responses["resolution_min"] = (done - responses["opened_at"]).dt.total_seconds() / 60
    return FiguresPage(response_report(responses))


KEYS_JS = """// Inbox keyboard shortcuts: j/k move, a assign, l label, d done; never while typing.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(el.tagName));
  }
  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-inbox-item]"));
  }
  function move(step) {
    var list = items();
    if (!list.length) { return; }
    var at = list.indexOf(document.activeElement);
    var next = list[Math.max(0, Math.min(list.length - 1, at < 0 ? 0 : at + step))];
    next.focus();
  }
  function focusId(id) { var el = document.getElementById(id); if (el) { el.focus(); } }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) { return; }
    var link = document.activeElement && document.activeElement.getAttribute("data-href");
    if (ev.key === "j") { move(1); }
    else if (ev.key === "k") { move(-1); }
    else if (ev.key === "Enter" && link) { window.location.href = link; }
    else if (ev.key === "a") {
      if (link) { window.location.href = link + "#f-assignee"; } else { focusId("f-assignee"); }
    } else if (ev.key === "l") {
      var sel = document.querySelector("[data-label-select]");
      if (sel) { sel.focus(); }
    }
    else if (ev.key === "d") {
      var status = document.getElementById("f-status");
      if (status) { status.value = "done"; status.focus(); }
    } else { return; }
    ev.preventDefault();
  });
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-copy]");
    if (!btn) { return; }
    var src = document.getElementById(btn.getAttribute("data-copy"));
    if (src && navigator.clipboard) { navigator.clipboard.writeText(src.value); }
  });
  if (window.location.hash === "#f-assignee") { focusId("f-assignee"); }
})();
"""


@router.get("/inbox/keys.js", name="inbox_keys")
def inbox_keys(_who: Viewer) -> Response:
    return Response(KEYS_JS, media_type="text/javascript")


@router.get("/inbox/figures", name="inbox_figures")
def inbox_figures(
    request: Request, session: SessionDep, config: ConfigDep, _who: Viewer
) -> Response:
    return render(request, "inbox/figures.html", _figures(session, config.workspace.workspace_id))


@router.get("/inbox/figures.json", name="inbox_figures_json")
def inbox_figures_json(session: SessionDep, config: ConfigDep, _who: Viewer) -> Response:
    return render_json(_figures(session, config.workspace.workspace_id))
