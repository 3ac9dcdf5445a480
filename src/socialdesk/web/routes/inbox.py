"""The inbox (skill 2, empathy): the queue, one thread, and the response figures.

GET /inbox, /inbox.json                       open threads by priority, with filters and SLA clock
GET /inbox/threads/{id}, .json                the history, triage, labels and a reply draft
POST /inbox/threads/{id}/assign|label|status|answered   editors act (socialdesk never sends)
GET /inbox/figures, /inbox/figures.json       response rate, first response and resolution times
GET /inbox/replies[.json]; POST /inbox/replies, /inbox/replies/{id}/delete   saved replies
GET /inbox/labels[.json]; POST /inbox/train   ask for labels where triage is least sure; train
GET /inbox/settings[.json]; POST /inbox/settings   business hours, time zone, SLA (editors change)

Thin pages over the skill's seam (socialdesk.inbox.run): each page parses its parameters, calls
one seam function and adds what only the HTML needs (the lists of a form, an error). `page()`
declares each page and its `.json` twin at once; the twin serves the seam's result, field for
field what `socialdesk inbox queue|figures --json` prints. The keyboard shortcuts live in
static/inbox.js.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypedDict

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from socialdesk.i18n import N_, gettext
from socialdesk.inbox import run
from socialdesk.inbox.drafts import VARIABLES
from socialdesk.inbox.intent import INTENTS
from socialdesk.inbox.learning import MIN_HELD_BACK_PER_LANGUAGE, MIN_LABELS
from socialdesk.inbox.run import REPLY_LANGUAGES, STATUSES
from socialdesk.inbox.sentiment import SENTIMENTS
from socialdesk.inbox.sla import DAY_NAMES, ResponseFigures
from socialdesk.overview.definitions import platform_name
from socialdesk.phrases import Num, Phrase
from socialdesk.reports.headline import duration
from socialdesk.web.deps import CsrfDep, Editor, SessionDep, Viewer, WorkspaceDep, render
from socialdesk.web.exports import Column, Table, estimate_cells, estimate_columns
from socialdesk.web.labels import LABELS
from socialdesk.web.pages import View, page

router = APIRouter()

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
    "language": {"nl": N_("Dutch"), "en": N_("English"), "und": N_("language unknown")},
    "target": {"sentiment": N_("Sentiment"), "intent": N_("Intent")},
}
LABELS.update(INBOX_LABELS)


# the lists the forms choose from (page-only; the twins serve the seam's result)
class _Choices(TypedDict):
    intents: tuple[str, ...]
    sentiments: tuple[str, ...]
    statuses: tuple[str, ...]


CHOICES: _Choices = {"intents": INTENTS, "sentiments": SENTIMENTS, "statuses": STATUSES}

QText = Annotated[str | None, Query(max_length=150)]
QNow = Annotated[dt.datetime | None, Query(description="The time to count waiting from (ISO, UTC)")]
QLimit = Annotated[int, Query(ge=1, le=5000)]
QPage = Annotated[int, Query(ge=1, le=run.QUEUE_COUNT_CAP, description="The page (1 = first)")]
PAGE_SIZE = 50  # threads on one page of the queue
QReply = Annotated[int | None, Query(ge=1, le=2**31)]
QSince = Annotated[dt.date | None, Query(description="From this date (YYYY-MM-DD)")]
QSaved = Annotated[int, Query(ge=0, le=1, description="1 right after saving")]


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A given moment as naive UTC, as the store keeps times."""
    if moment is not None and moment.tzinfo is not None:
        return moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _words(locale: str) -> Callable[[str, str | None], str | None]:
    """The inbox's code words in `locale` (None stays an empty cell)."""

    def word(kind: str, key: str | None) -> str | None:
        return LABELS.say(kind, key, locale, lambda m: gettext(locale, m)) if key else None

    return word


def _queue_tables(result: run.QueueResult, locale: str) -> list[Table]:
    """The queue as the page shows it: the rows of the page asked for (`limit`, 50 unless
    asked, at most 5,000; `page`), the message's text whole, spam folded away as on the page
    (`intent=spam` exports the spam)."""
    word = _words(locale)

    def confidence(r: Mapping[str, Any], kind: str) -> Any:
        return None if r.get(f"{kind}_by") else r.get(f"{kind}_confidence")

    rows = (
        (
            r.get("author_name") or r.get("author_handle"),
            r.get("text"),
            platform_name(r["platform"]) if r.get("platform") else None,
            word("language", r.get("language")),
            word("sentiment", r.get("sentiment")),
            r.get("sentiment_by"),
            word("intent", r.get("intent")),
            r.get("intent_by"),
            r.get("urgency"),
            confidence(r, "sentiment"),
            confidence(r, "intent"),
            r.get("minutes_waiting"),
            bool(r.get("breached")),
            word("thread_status", r.get("status")),
            r.get("assignee"),
            r.get("thread_id"),
            r.get("waiting_since"),
            r.get("permalink"),
        )
        for r in result.rows
    )
    columns = (
        Column("author", N_("Author")),
        Column("message", N_("Message")),
        Column("platform", N_("Platform")),
        Column("language", N_("Language")),
        Column("sentiment", N_("Sentiment")),
        Column("sentiment_by", N_("Sentiment set by")),
        Column("intent", N_("Intent")),
        Column("intent_by", N_("Intent set by")),
        Column("urgency", N_("Urgency")),
        Column("sentiment_confidence", N_("Confidence (sentiment)")),
        Column("intent_confidence", N_("Confidence (intent)")),
        Column("minutes_waiting", N_("Waiting (minutes)")),
        Column("breached", N_("Past the SLA")),
        Column("status", N_("Status")),
        Column("assignee", N_("Assignee")),
        Column("thread", N_("Thread")),
        Column("waiting_since", N_("Waiting since (UTC)")),
        Column("link", N_("Link on the platform")),
    )
    return [Table("queue", N_("Inbox"), columns, rows)]


@page(router, "/inbox", "inbox/queue.html", name="inbox", tables=_queue_tables)
def inbox(
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Viewer,
    platform: QText = None,
    intent: QText = None,
    sentiment: QText = None,
    status: QText = None,
    assignee: QText = None,
    now: QNow = None,
    limit: QLimit = PAGE_SIZE,
    page: QPage = 1,
) -> View:
    """The queue (/inbox, /inbox.json): open threads, most urgent first, a page at a time
    (`page`, `limit` threads each), spam folded away (`intent=spam` shows it)."""
    filters = run.QueueFilters(
        platform=platform or None,
        intent=intent or None,
        sentiment=sentiment or None,
        status=status or None,
        assignee=assignee or None,
    )
    offset = min((page - 1) * limit, run.QUEUE_COUNT_CAP)
    result = run.queue(session, ws, filters=filters, now=_utc(now), limit=limit, offset=offset)
    return View(result, page_no=page, **CHOICES)


def _not_found() -> HTTPException:
    return HTTPException(status_code=404, detail=N_("This thread does not exist."))


@page(router, "/inbox/threads/{item_id:int}", "inbox/thread.html", name="inbox_thread")
def inbox_thread(
    item_id: int, session: SessionDep, ws: WorkspaceDep, who: Viewer, reply: QReply = None
) -> View:
    """One thread (/inbox/threads/{id}): history, triage, labels and a draft to edit."""
    agent = "" if who.local else who.username
    try:
        result = run.thread(session, ws, item_id, agent=agent, reply=reply)
    except run.ThreadNotFound:
        raise _not_found() from None
    return View(result, **CHOICES)


# where an action returns to: the thread (default), the queue or the labels page
BACK = {"queue": "/inbox", "labels": "/inbox/labels"}
BackForm = Annotated[str, Form(max_length=20)]


def _back(item_id: int, back: str = "") -> Response:
    return RedirectResponse(BACK.get(back, f"/inbox/threads/{item_id}"), status_code=303)


@router.post("/inbox/threads/{item_id:int}/assign", name="inbox_assign", dependencies=[CsrfDep])
def inbox_assign(
    item_id: int,
    session: SessionDep,
    ws: WorkspaceDep,
    who: Editor,
    assignee: Annotated[str, Form(max_length=150)] = "",
) -> Response:
    try:
        run.assign(session, ws, item_id, assignee.strip() or None, by=who.username)
    except run.ThreadNotFound:
        raise _not_found() from None
    session.commit()
    return _back(item_id)


@router.post("/inbox/threads/{item_id:int}/label", name="inbox_label", dependencies=[CsrfDep])
def inbox_label(
    item_id: int,
    session: SessionDep,
    ws: WorkspaceDep,
    who: Editor,
    message_id: Annotated[int, Form()] = 0,
    kind: Annotated[str, Form(max_length=20)] = "",
    value: Annotated[str, Form(max_length=40)] = "",
    back: BackForm = "",
) -> Response:
    try:
        run.label(session, ws, item_id, message_id, kind, value, by=who.username)
    except run.ThreadNotFound:
        raise _not_found() from None
    except ValueError:
        raise HTTPException(status_code=400, detail=N_("Unknown label.")) from None
    session.commit()
    return _back(item_id, back)


@router.post("/inbox/threads/{item_id:int}/status", name="inbox_status", dependencies=[CsrfDep])
def inbox_status(
    item_id: int,
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Editor,
    status: Annotated[str, Form(max_length=10)] = "",
    back: BackForm = "",
) -> Response:
    try:
        run.set_status(session, ws, item_id, status)
    except run.ThreadNotFound:
        raise _not_found() from None
    except ValueError:
        raise HTTPException(status_code=400, detail=N_("Unknown status.")) from None
    session.commit()
    return _back(item_id, back)


@router.post("/inbox/threads/{item_id:int}/answered", name="inbox_answered", dependencies=[CsrfDep])
def inbox_answered(
    item_id: int,
    session: SessionDep,
    ws: WorkspaceDep,
    who: Editor,
    text: Annotated[str, Form(max_length=5000)] = "",
    message_id: Annotated[int | None, Form()] = None,
    language: Annotated[str | None, Form(max_length=20)] = None,
) -> Response:
    """A person sent the reply on the platform themselves; socialdesk records it, never sends."""
    try:
        run.mark_answered(
            session,
            ws,
            item_id,
            text=text,
            by=who.username,
            message_id=message_id,
            language=language,
        )
    except run.ThreadNotFound:
        raise _not_found() from None
    session.commit()
    return _back(item_id)


def _figures_tables(result: run.FiguresResult, locale: str) -> list[Table]:
    report = result.report

    def group(name: str) -> str:
        kind, _sep, key = name.partition("=")
        if kind == "all":
            return gettext(locale, "All threads")
        if kind == "platform":
            return platform_name(key)
        if kind == "hours":
            inside = key == "inside"
            if inside:
                return gettext(locale, "inside business hours")
            return gettext(locale, "outside business hours")
        if kind == "person":
            return gettext(locale, "answered by %(person)s") % {"person": key}
        return name

    found = (
        [report.overall, *report.by_platform, *report.by_hours, *report.by_person]
        if report is not None
        else []
    )
    rows = (
        (
            group(f.group),
            f.threads,
            f.answered,
            *estimate_cells(f.response_rate),
            f.first_response.mean.value,
            *estimate_cells(f.first_response.median),
            *estimate_cells(f.resolution.median),
        )
        for f in found
    )
    columns = (
        Column("group", N_("Group")),
        Column("threads", N_("threads")),
        Column("answered", N_("answered")),
        *estimate_columns("response_rate", N_("Response rate")),
        Column("first_mean", N_("First response, mean")),
        *estimate_columns("first_median", N_("First response, median")),
        *estimate_columns("resolution_median", N_("Resolution, median")),
    )
    return [Table("figures", N_("Response figures"), columns, rows)]


@page(
    router,
    "/inbox/figures",
    "inbox/figures.html",
    name="inbox_figures",
    tables=_figures_tables,
)
def inbox_figures(
    session: SessionDep, ws: WorkspaceDep, _who: Viewer, since: QSince = None
) -> View:
    """Response figures (/inbox/figures): rate, first response and resolution times."""
    result = run.figures(session, ws, since=since)
    return View(result, advice=_figures_advice(result))


# -- figures: the advice -------------------------------------------------------------------------
SLA_SHARE = 0.9  # the share of conversations answered (and within the target) that is enough


def _in_unit(minutes: float, unit: str) -> Num:
    """The bare number of `duration(minutes, unit)`: the low end of "between 3.9 and 9.5 hours"
    (as the monthly report writes it, reports/headline.py)."""
    if unit == "minutes":
        return Num(round(minutes), ",.0f")
    return Num(minutes / 60, ",.1f")


def _slowest_platform(figures: list[ResponseFigures]) -> str | None:
    """The platform whose median first reply took longest, when there are several."""
    timed = [f for f in figures if f.first_response.median.value is not None]
    if len(timed) < 2:
        return None
    slowest = max(timed, key=lambda f: f.first_response.median.value or 0.0)
    return platform_name(slowest.group.partition("=")[2])


def _figures_advice(result: run.FiguresResult) -> tuple[str, ...]:
    """One or two sentences against the SLA target: the share answered, the median first reply
    with its interval, the share answered within the target, and what to do."""
    report = result.report
    if report is None:
        return ()
    o = report.overall
    sla = result.settings.sla_minutes
    rate = o.response_rate.value or 0.0
    median = o.first_response.median
    if median.value is None:
        return (
            Phrase(
                "None of the %(n)s conversations got a reply yet: answer them, the oldest first.",
                n=o.threads,
            ),
        )
    unit = "minutes" if median.value < 120 else "hours"
    values = {
        "rate": Num(rate, ".0%"),
        "median": duration(median.value, unit),
        "sla": duration(sla),
    }
    if median.low is not None and median.high is not None:
        first = Phrase(
            "%(rate)s of the conversations got a reply; the median first reply took %(median)s "
            "(between %(low)s and %(high)s) against a target of %(sla)s.",
            low=_in_unit(median.low, unit),
            high=duration(median.high, unit),
            **values,
        )
    else:
        first = Phrase(
            "%(rate)s of the conversations got a reply; the median first reply took %(median)s "
            "against a target of %(sla)s.",
            **values,
        )
    within = o.within_sla.value if o.within_sla is not None else None
    slow = median.value > sla or (within is not None and within < SLA_SHARE)
    slowest = _slowest_platform(report.by_platform)
    if slow and within is not None:
        if slowest:
            then = Phrase(
                "%(within)s got their first reply within the target: answer faster, "
                "%(platform)s first.",
                within=Num(within, ".0%"),
                platform=slowest,
            )
        else:
            then = Phrase(
                "%(within)s got their first reply within the target: answer faster.",
                within=Num(within, ".0%"),
            )
    elif slow and slowest:
        then = Phrase("Answer faster, %(platform)s first.", platform=slowest)
    elif slow:
        then = Phrase("Answer faster.")
    elif rate < SLA_SHARE:
        then = Phrase("Replies come in time: now answer the rest of the conversations too.")
    else:
        then = Phrase("Replies come in time: keep it that way.")
    return (first, then)


# -- saved replies -------------------------------------------------------------------------------
# why the seam refused a saved reply, in the page's words
REFUSED = {
    "empty": N_("Fill in a name and a text."),
    "choice": N_("Choose a language and an intent from the lists."),
    "variable": N_(
        "This text has a variable the inbox cannot fill. Use {name}, {topic}, "
        "{organisation} or {agent}."
    ),
    "duplicate": N_("A saved reply with this name and language exists already."),
}


def _replies_view(
    result: run.SavedReplies,
    edit: Mapping[str, object] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> View:
    return View(
        result,
        status_code=status_code,
        edit=edit,
        error=error,
        variables=VARIABLES,
        languages=REPLY_LANGUAGES,
        intents=INTENTS,
    )


def _replies_tables(result: run.SavedReplies, locale: str) -> list[Table]:
    word = _words(locale)
    rows = (
        (r["name"], word("language", r["language"]), word("intent", r.get("intent")), r["text"])
        for r in result.replies
    )
    columns = (
        Column("name", N_("Name")),
        Column("language", N_("Language")),
        Column("intent", N_("Intent")),
        Column("text", N_("Text")),
    )
    return [Table("replies", N_("Saved replies"), columns, rows)]


@page(
    router,
    "/inbox/replies",
    "inbox/replies.html",
    name="inbox_replies",
    tables=_replies_tables,
)
def inbox_replies(session: SessionDep, ws: WorkspaceDep, _who: Viewer, edit: QReply = None) -> View:
    """Saved replies (/inbox/replies): the team's own texts with {variables}."""
    result = run.saved_replies(session, ws)
    chosen = next((r for r in result.replies if r["id"] == edit), None)
    return _replies_view(result, edit=chosen)


@router.post("/inbox/replies", name="inbox_reply_save", dependencies=[CsrfDep])
def inbox_reply_save(
    request: Request,
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Editor,
    reply_id: Annotated[int | None, Form(ge=1, le=2**31)] = None,
    name: Annotated[str, Form(max_length=200)] = "",
    language: Annotated[str, Form(max_length=20)] = "",
    intent: Annotated[str, Form(max_length=20)] = "",
    text: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Add a saved reply, or change one (with reply_id)."""
    change = run.save_reply(
        session, ws, reply_id=reply_id, name=name, language=language, text=text, intent=intent
    )
    if change.refused == "missing":
        raise HTTPException(status_code=404, detail=N_("No such saved reply."))
    if change.refused is None:
        session.commit()
        return RedirectResponse("/inbox/replies", status_code=303)
    session.rollback()
    edit = {
        "id": reply_id,
        "name": name.strip(),
        "language": language,
        "intent": intent,
        "text": text.strip(),
    }
    view = _replies_view(
        run.saved_replies(session, ws), edit, REFUSED[change.refused], status_code=400
    )
    return render(request, "inbox/replies.html", view, status_code=400)


@router.post(
    "/inbox/replies/{item_id:int}/delete", name="inbox_reply_delete", dependencies=[CsrfDep]
)
def inbox_reply_delete(
    item_id: int, session: SessionDep, ws: WorkspaceDep, _who: Editor
) -> Response:
    if run.delete_reply(session, ws, item_id).refused:
        raise HTTPException(status_code=404, detail=N_("No such saved reply."))
    session.commit()
    return RedirectResponse("/inbox/replies", status_code=303)


# -- ask for labels, and train -------------------------------------------------------------------
def _labels_view(result: run.LabelsResult, trained: run.TrainReport | None = None) -> View:
    return View(
        result,
        trained=list(trained.messages) if trained else [],
        retriaged=trained.retriaged if trained else None,
        min_labels=MIN_LABELS,
        intents=INTENTS,
        sentiments=SENTIMENTS,
        min_held_back=MIN_HELD_BACK_PER_LANGUAGE,
    )


def _labels_tables(result: run.LabelsResult, locale: str) -> list[Table]:
    """The messages least sure first, and who reads them (the models)."""
    word = _words(locale)
    rows = (
        (
            r.get("author_name") or r.get("author_handle"),
            platform_name(r["platform"]) if r.get("platform") else None,
            r.get("text"),
            r.get("confidence"),
            word("sentiment", r.get("sentiment")),
            word("intent", r.get("intent")),
            " + ".join(word("reader", p) or "" for p in (r.get("asked_by") or "").split("+"))
            or None,
        )
        for r in result.rows
    )
    by_target = {m.target: m for m in result.models}
    model_word, lexicon_word = (
        gettext(locale, "the learnt model"),
        gettext(locale, "the lexicon and rules"),
    )
    models = []
    for target in ("sentiment", "intent"):
        m = by_target.get(target)
        models.append(
            (
                word("target", target),
                result.label_counts.get(target, 0),
                _in_charge_words(m, word, model_word, lexicon_word),
                m.holdout_n if m else None,
                m.score_model if m else None,
                m.score_lexicon if m else None,
                m.trained_at if m else None,
            )
        )
    languages = (
        (
            word("target", m.target),
            word("language", lang.language),
            lang.holdout_n,
            *estimate_cells(lang.score_model),
            *estimate_cells(lang.score_lexicon),
            model_word if lang.in_charge else lexicon_word,
            lang.enough,
        )
        for m in result.models
        for lang in m.languages or ()
    )
    return [
        Table(
            "messages",
            N_("Least sure first"),
            (
                Column("author", N_("Author")),
                Column("platform", N_("Platform")),
                Column("message", N_("Message")),
                Column("certainty", N_("Certainty")),
                Column("sentiment", N_("Sentiment")),
                Column("intent", N_("Intent")),
                Column("read_by", N_("Read by")),
            ),
            rows,
        ),
        Table(
            "models",
            N_("Who reads the messages"),
            (
                Column("reading", N_("Reading")),
                Column("labels", N_("labels by people")),
                Column("in_charge", N_("In charge")),
                Column("held_back", N_("held back")),
                Column("f1_model", N_("macro-F1 of the model")),
                Column("f1_lexicon", N_("macro-F1 of the lexicon")),
                Column("trained", N_("Trained")),
            ),
            models,
        ),
        Table(
            "languages",
            N_("Who reads each language"),
            (
                Column("reading", N_("Reading")),
                Column("language", N_("Language")),
                Column("held_back", N_("held back")),
                *estimate_columns("f1_model", N_("macro-F1 of the model")),
                *estimate_columns("f1_lexicon", N_("macro-F1 of the lexicon")),
                Column("in_charge", N_("In charge")),
                Column("enough", N_("enough held-back labels")),
            ),
            languages,
        ),
    ]


def _in_charge_words(
    m: run.ModelSummary | None,
    word: Callable[[str, str | None], str | None],
    model_word: str,
    lexicon_word: str,
) -> str:
    """Who reads a target's messages: the lexicon, the learnt model (a model trained before
    the per-language verdict reads every language), or the model for the languages named."""
    if m is None or not m.in_charge:
        return lexicon_word
    if m.languages_in_charge is None:
        return model_word
    names = ", ".join(word("language", lang) or lang for lang in m.languages_in_charge)
    return f"{model_word} ({names})"


@page(
    router,
    "/inbox/labels",
    "inbox/labels.html",
    name="inbox_labels",
    tables=_labels_tables,
)
def inbox_labels(session: SessionDep, ws: WorkspaceDep, _who: Viewer) -> View:
    """Ask for labels (/inbox/labels): the messages triage is least sure about, first."""
    return _labels_view(run.labels(session, ws))


@router.post("/inbox/train", name="inbox_train", dependencies=[CsrfDep])
def inbox_train(request: Request, session: SessionDep, ws: WorkspaceDep, _who: Editor) -> Response:
    """Retrain the workspace's models from the team's labels now, triage every message from
    outside again with the reading now in charge, and show the verdict and how many."""
    trained = run.train_models(session, ws)
    session.commit()  # the new models are kept even if triaging again fails; shorter write lock
    again = run.triage(session, ws, all_=True)
    session.commit()
    report = dataclasses.replace(trained, retriaged=again.triaged)
    return render(request, "inbox/labels.html", _labels_view(run.labels(session, ws), report))


# -- the workspace's inbox settings ------------------------------------------------------------
SETTINGS_REFUSED = {
    "hours": N_("Business hours look like 09:00-17:00, and end after they start."),
    "days": N_("Choose at least one day."),
    "timezone": N_("Unknown time zone: use a name such as Europe/Amsterdam."),
    "sla": N_("The SLA target is 1 to 20,160 minutes (14 days)."),
    "intents": N_("Choose intents from the list."),
}


def _settings_view(
    result: run.SettingsResult, error: str | None = None, saved: bool = False
) -> View:
    return View(
        result, tab="settings", error=error, saved=saved, day_names=DAY_NAMES, intents=INTENTS
    )


@page(router, "/inbox/settings", "inbox/settings.html", name="inbox_settings")
def inbox_settings(session: SessionDep, ws: WorkspaceDep, _who: Viewer, saved: QSaved = 0) -> View:
    """Inbox settings (/inbox/settings): business hours, time zone and SLA target."""
    return _settings_view(run.settings(session, ws), saved=bool(saved))


@router.post("/inbox/settings", name="inbox_settings_save", dependencies=[CsrfDep])
def inbox_settings_save(
    request: Request,
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Editor,
    start: Annotated[str, Form(max_length=5)] = "09:00",
    end: Annotated[str, Form(max_length=5)] = "17:00",
    days: Annotated[list[str] | None, Form()] = None,
    timezone: Annotated[str, Form(max_length=60)] = "",
    sla_minutes: Annotated[str, Form(max_length=6)] = "",
    left_out: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save the settings; a value that does not parse is refused (400) and nothing stored."""
    try:
        minutes = int(sla_minutes)
    except ValueError:
        minutes = 0
    change = run.save_settings(
        session,
        ws,
        business_hours=f"{start}-{end}",
        days=",".join(d for d in (days or []) if d in DAY_NAMES) or "none",
        timezone=timezone,
        sla_minutes=minutes,
        left_out=tuple(left_out or ()),
    )
    if change.refused is None:
        session.commit()
        return RedirectResponse("/inbox/settings?saved=1", status_code=303)
    session.rollback()
    view = _settings_view(run.settings(session, ws), error=SETTINGS_REFUSED[change.refused])
    return render(request, "inbox/settings.html", view, status_code=400)
