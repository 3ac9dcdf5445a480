"""The inbox (skill 2, empathy): the queue, one thread, and the response figures.

GET /inbox, /inbox.json                       open threads by priority, with filters and SLA clock
GET /inbox/threads/{id}, .json                the history, triage, labels and a reply draft
POST /inbox/threads/{id}/assign|label|status|answered   editors act (socialdesk never sends)
GET /inbox/figures, /inbox/figures.json       response rate, first response and resolution times
GET /inbox/replies[.json]; POST /inbox/replies, /inbox/replies/{id}/delete   saved replies
GET /inbox/labels[.json]; POST /inbox/train   ask for labels where triage is least sure; train
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from socialdesk.i18n import N_
from socialdesk.inbox import queries, workflow
from socialdesk.inbox.alerts import CrisisAlert
from socialdesk.inbox.drafts import (
    VARIABLES,
    Tone,
    draft_reply,
    fill_saved_reply,
    first_name,
    topic_of,
    unknown_variables,
)
from socialdesk.inbox.intent import INTENTS
from socialdesk.inbox.learning import MIN_LABELS
from socialdesk.inbox.sentiment import SENTIMENTS
from socialdesk.inbox.sla import ResponseReport, first_responses, response_report, sla_clocks
from socialdesk.inbox.triage import prioritise
from socialdesk.web.auth import Principal
from socialdesk.web.deps import ConfigDep, CsrfDep, Editor, SessionDep, Viewer, render, render_json
from socialdesk.web.labels import LABELS

router = APIRouter()

STATUSES = ("new", "open", "waiting", "done")
LABEL_KINDS = ("sentiment", "intent")
REPLY_LANGUAGES = ("nl", "en")

# The inbox's code words as the pages show them (`label(kind, key)` in the templates): the
# stored values stay English codes, a Dutch page shows Dutch words.
INBOX_LABELS: dict[str, dict[str, str]] = {
    "sentiment": {
        "negative": N_("negative"),
        "neutral": N_("neutral"),
        "positive": N_("positive"),
    },
    "intent": {
        "complaint": N_("complaint"),
        "question": N_("question"),
        "praise": N_("praise"),
        "lead": N_("lead or sales question"),
        "human": N_("asks for a person"),
        "spam": N_("spam"),
        "abuse": N_("abuse"),
        "crisis": N_("crisis signal"),
        "other": N_("other"),
    },
    "thread_status": {
        "new": N_("new"),
        "open": N_("open"),
        "waiting": N_("waiting"),
        "done": N_("done"),
    },
    "urgency": {"high": N_("high"), "medium": N_("medium"), "low": N_("low")},
    "topic": {
        "still_waiting": N_("still no answer"),
        "repeat_contact": N_("repeated contact"),
        "delay": N_("delays"),
        "refund": N_("refunds"),
        "not_working": N_("something does not work"),
        "not_received": N_("not received"),
    },
    "reader": {
        "lexicon": N_("lexicon and rules"),
        "sentiment model": N_("learnt sentiment model"),
        "intent model": N_("learnt intent model"),
    },
    "language": {"nl": N_("Dutch"), "en": N_("English")},
    "target": {"sentiment": N_("Sentiment"), "intent": N_("Intent")},
}
LABELS.update(INBOX_LABELS)


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
    alerts: list[CrisisAlert] = field(
        default_factory=list,
        metadata={
            "help": "Crisis alerts of the inbox's last 7 days: negative messages on a topic "
            "(negative) far above its daily mean of the 28 days before (baseline), ratio"
        },
    )
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
    saved: list[dict[str, Any]] = field(
        default_factory=list,
        metadata={"help": "Saved replies filled for this thread; `missing`: variables to fill"},
    )
    variables: dict[str, str] = field(default_factory=dict)
    chosen: int | None = None
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
    alerts = workflow.current_alerts(session, workspace_id)
    return QueuePage(filters, rows, platforms, assignees, alerts)


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


def _thread(
    session: Any,
    workspace_id: int,
    thread_id: int,
    who: Principal | None = None,
    reply: int | None = None,
) -> ThreadPage:
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
    variables = {
        "name": "",
        "topic": topic_of(None, row.subject),
        "organisation": queries.workspace_name(session, workspace_id) or "",
        "agent": who.username if who is not None and not who.local else "",
    }
    if latest is not None:
        variables["name"] = first_name(latest.get("author_name"), latest.get("author_handle"))
        variables["topic"] = topic_of(latest.get("text"), row.subject)
        d = draft_reply(
            intent=latest.get("intent") or "other",
            language=latest.get("language"),
            name=variables["name"],
            topic=variables["topic"],
            tone=Tone(),
        )
        draft, lang = d.text, d.language
    saved = []
    for r in _rows(queries.saved_replies(session, workspace_id)):
        filled = fill_saved_reply(r["text"], variables)
        saved.append({**r, "text": filled.text, "missing": list(filled.missing)})
    # the replies in the draft's language first, then the others
    saved.sort(key=lambda r: (r["language"] != lang, r["name"]))
    chosen = next((r for r in saved if r["id"] == reply), None)
    if chosen is not None:
        draft, lang = chosen["text"], chosen["language"]
    reps = _rows(queries.replies(session, workspace_id, thread_id))
    return ThreadPage(
        thread,
        msgs,
        reps,
        latest,
        draft,
        lang,
        saved,
        variables,
        chosen["id"] if chosen else None,
    )


QReply = Annotated[int | None, Query(ge=1, le=2**31)]


@router.get("/inbox/threads/{item_id:int}", name="inbox_thread")
def inbox_thread(
    request: Request,
    item_id: int,
    session: SessionDep,
    config: ConfigDep,
    who: Viewer,
    reply: QReply = None,
) -> Response:
    page = _thread(session, config.workspace.workspace_id, item_id, who, reply)
    return render(request, "inbox/thread.html", page)


@router.get("/inbox/threads/{item_id:int}.json", name="inbox_thread_json")
def inbox_thread_json(
    item_id: int, session: SessionDep, config: ConfigDep, who: Viewer, reply: QReply = None
) -> Response:
    return render_json(_thread(session, config.workspace.workspace_id, item_id, who, reply))


# where an action returns to: the thread (default), the queue or the labels page
BACK = {"queue": "/inbox", "labels": "/inbox/labels"}
BackForm = Annotated[str, Form(max_length=20)]


def _back(item_id: int, back: str = "") -> Response:
    return RedirectResponse(BACK.get(back, f"/inbox/threads/{item_id}"), status_code=303)


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
    back: BackForm = "",
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
    return _back(item_id, back)


@router.post("/inbox/threads/{item_id:int}/status", name="inbox_status", dependencies=[CsrfDep])
def inbox_status(
    item_id: int,
    session: SessionDep,
    config: ConfigDep,
    _who: Editor,
    status: Annotated[str, Form(max_length=10)] = "",
    back: BackForm = "",
) -> Response:
    ws = config.workspace.workspace_id
    _owned(session, ws, item_id)
    if status not in STATUSES:
        raise HTTPException(status_code=400, detail=N_("Unknown status."))
    queries.set_status(session, ws, item_id, status)
    session.commit()
    return _back(item_id, back)


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
    # threads nobody answered (or a workspace where nobody answered yet) count as unanswered:
    # their response times are absent, never zero
    return FiguresPage(response_report(first_responses(msgs, threads)))


KEYS_JS = """// Inbox keyboard shortcuts: j/k move, Enter open, a assign, l label, d done;
// never while typing. Picking a saved reply fills the draft (only text: a person sends it).
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
  function done() {
    var row = document.activeElement;
    var quick = document.getElementById("quick-done");
    if (quick && row && row.getAttribute("data-done")) {  // the queue: the row in focus
      quick.setAttribute("action", row.getAttribute("data-done"));
      quick.requestSubmit();
      return;
    }
    var status = document.getElementById("f-status");  // a thread: set done and save
    if (status) { status.value = "done"; status.form.requestSubmit(); }
  }
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
    else if (ev.key === "d") { done(); }
    else { return; }
    ev.preventDefault();
  });
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-copy]");
    if (!btn) { return; }
    var src = document.getElementById(btn.getAttribute("data-copy"));
    if (src && navigator.clipboard) { navigator.clipboard.writeText(src.value); }
  });
  document.addEventListener("change", function (ev) {
    var pick = ev.target;
    if (!pick.hasAttribute || !pick.hasAttribute("data-saved-reply")) { return; }
    var option = pick.options[pick.selectedIndex];
    var draft = document.getElementById("f-draft");
    if (!option || !option.hasAttribute("data-text") || !draft) { return; }
    draft.value = option.getAttribute("data-text");
    var lang = document.getElementById("f-draft-language");
    if (lang) { lang.value = option.getAttribute("data-language") || ""; }
    draft.setAttribute("lang", option.getAttribute("data-language") || "");
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


# -- saved replies -------------------------------------------------------------------------------
@dataclass
class SavedRepliesPage:
    """Saved replies (/inbox/replies): the team's own texts with {variables}."""

    replies: list[dict[str, Any]] = field(
        metadata={"help": "id, name, language, intent, text (with its {variables} unfilled)"}
    )
    edit: dict[str, Any] | None = field(
        default=None, metadata={"help": "The reply being edited (?edit=ID), or None"}
    )
    error: str | None = None
    variables: tuple[str, ...] = VARIABLES
    languages: tuple[str, ...] = REPLY_LANGUAGES
    intents: tuple[str, ...] = INTENTS


def _replies_page(
    session: Any, workspace_id: int, edit: int | None = None, error: str | None = None
) -> SavedRepliesPage:
    rows = _rows(queries.saved_replies(session, workspace_id))
    chosen = next((r for r in rows if r["id"] == edit), None)
    return SavedRepliesPage(rows, chosen, error)


@router.get("/inbox/replies", name="inbox_replies")
def inbox_replies(
    request: Request, session: SessionDep, config: ConfigDep, _who: Viewer, edit: QReply = None
) -> Response:
    page = _replies_page(session, config.workspace.workspace_id, edit)
    return render(request, "inbox/replies.html", page)


@router.get("/inbox/replies.json", name="inbox_replies_json")
def inbox_replies_json(session: SessionDep, config: ConfigDep, _who: Viewer) -> Response:
    return render_json(_replies_page(session, config.workspace.workspace_id))


@router.post("/inbox/replies", name="inbox_reply_save", dependencies=[CsrfDep])
def inbox_reply_save(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Editor,
    reply_id: Annotated[int | None, Form(ge=1, le=2**31)] = None,
    name: Annotated[str, Form(max_length=200)] = "",
    language: Annotated[str, Form(max_length=20)] = "",
    intent: Annotated[str, Form(max_length=20)] = "",
    text: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Add a saved reply, or change one (with reply_id)."""
    ws = config.workspace.workspace_id
    name, text = name.strip(), text.strip()
    error: str | None = None
    if not name or not text:
        error = N_("Fill in a name and a text.")
    elif language not in REPLY_LANGUAGES or (intent and intent not in INTENTS):
        error = N_("Choose a language and an intent from the lists.")
    elif unknown_variables(text):
        error = N_(
            "This text has a variable the inbox cannot fill. Use {name}, {topic}, "
            "{organisation} or {agent}."
        )
    else:
        try:
            saved = queries.put_saved_reply(
                session,
                ws,
                reply_id,
                name=name,
                language=language,
                text=text,
                intent=intent or None,
            )
        except queries.DuplicateName:
            error = N_("A saved reply with this name and language exists already.")
        else:
            if saved is None:
                raise HTTPException(status_code=404, detail=N_("No such saved reply."))
            session.commit()
            return RedirectResponse("/inbox/replies", status_code=303)
    session.rollback()
    page = _replies_page(session, ws, error=error)
    page.edit = {"id": reply_id, "name": name, "language": language, "intent": intent, "text": text}
    return render(request, "inbox/replies.html", page, status_code=400)


@router.post(
    "/inbox/replies/{item_id:int}/delete", name="inbox_reply_delete", dependencies=[CsrfDep]
)
def inbox_reply_delete(
    item_id: int, session: SessionDep, config: ConfigDep, _who: Editor
) -> Response:
    if not queries.delete_saved_reply(session, config.workspace.workspace_id, item_id):
        raise HTTPException(status_code=404, detail=N_("No such saved reply."))
    session.commit()
    return RedirectResponse("/inbox/replies", status_code=303)


# -- ask for labels, and train -------------------------------------------------------------------
@dataclass
class LabelsPage:
    """Ask for labels (/inbox/labels): the messages triage is least sure about, first."""

    rows: list[dict[str, Any]] = field(
        metadata={
            "help": "Messages without a person's label, least certain first: confidence is "
            "the lower of the sentiment and intent certainty; asked_by names the reader"
        }
    )
    models: list[dict[str, Any]] = field(
        metadata={
            "help": "Per target: n_labels, holdout_n, score_model and score_lexicon "
            "(macro-F1 on the held-back labels) and in_charge (the model or the lexicon)"
        }
    )
    label_counts: dict[str, int]
    trained: list[str] = field(
        default_factory=list, metadata={"help": "What the training just done reported"}
    )
    retriaged: int | None = field(
        default=None,
        metadata={
            "help": "After training: how many messages from outside were triaged again with "
            "the reading now in charge (as `socialdesk inbox triage --all`)"
        },
    )
    min_labels: int = MIN_LABELS
    intents: tuple[str, ...] = INTENTS
    sentiments: tuple[str, ...] = SENTIMENTS


def _labels_page(
    session: Any,
    workspace_id: int,
    trained: list[str] | None = None,
    retriaged: int | None = None,
) -> LabelsPage:
    rows = _rows(workflow.ask_for_labels(session, workspace_id, k=25))
    models = [
        {
            "target": m.target,
            "trained_at": m.trained_at,
            "n_labels": m.n_labels,
            "holdout_n": m.holdout_n,
            "score_model": m.score_model,
            "score_lexicon": m.score_lexicon,
            "metric": m.metric,
            "in_charge": m.in_charge,
        }
        for m in sorted(
            queries.models(session, workspace_id), key=lambda m: m.target != "sentiment"
        )
    ]
    return LabelsPage(
        rows, models, queries.label_counts(session, workspace_id), trained or [], retriaged
    )


@router.get("/inbox/labels", name="inbox_labels")
def inbox_labels(
    request: Request, session: SessionDep, config: ConfigDep, _who: Viewer
) -> Response:
    return render(
        request, "inbox/labels.html", _labels_page(session, config.workspace.workspace_id)
    )


@router.get("/inbox/labels.json", name="inbox_labels_json")
def inbox_labels_json(session: SessionDep, config: ConfigDep, _who: Viewer) -> Response:
    return render_json(_labels_page(session, config.workspace.workspace_id))


@router.post("/inbox/train", name="inbox_train", dependencies=[CsrfDep])
def inbox_train(request: Request, session: SessionDep, config: ConfigDep, _who: Editor) -> Response:
    """Retrain the workspace's models from the team's labels now, triage every message from
    outside again with the reading now in charge, and show the verdict and how many."""
    ws = config.workspace.workspace_id
    results = workflow.train_workspace(session, ws)
    session.commit()
    retriaged = workflow.triage_workspace(session, ws, all_=True)
    session.commit()
    page = _labels_page(session, ws, [r.message for r in results], retriaged)
    return render(request, "inbox/labels.html", page)
