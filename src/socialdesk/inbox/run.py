"""The inbox skill's seam: (session, workspace, typed parameters) -> a frozen result.

The web pages and the CLI call these and only these: the queue, one thread, the response
figures, saved replies, asking for labels and training, and the editors' actions. Each reads
and writes through `queries` (the database), runs the skill's pure modules and returns a
frozen dataclass that the faces render (and serialise with `socialdesk.results.plain`: the
`.json` twins and `--json` print the same fields). None of the faces runs SQL itself.

The lower-level jobs (`triage_workspace`, `train_workspace`, `ask_for_labels`, ...) stay here
too: the demo build and the imports call them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field, replace
from typing import Any, cast
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from socialdesk.estimates import Estimate
from socialdesk.inbox import embeddings, model_folder, queries
from socialdesk.inbox.alerts import BASELINE_DAYS, CrisisAlert, crisis_alerts
from socialdesk.inbox.drafts import (
    Tone,
    draft_reply,
    fill_saved_reply,
    first_name,
    topic_of,
    unknown_variables,
)
from socialdesk.inbox.intent import INTENTS
from socialdesk.inbox.learning import (
    LearntModel,
    TrainResult,
    decisions_from,
    decisions_plain,
    macro_f1_estimate,
    train,
)
from socialdesk.inbox.model_folder import FolderModel
from socialdesk.inbox.sentiment import SENTIMENTS
from socialdesk.inbox.sla import (
    InboxSettings,
    ResponseReport,
    check_timezone,
    days_text,
    first_responses,
    left_out_threads,
    parse_days,
    parse_window,
    response_report,
    share,
    sla_clocks,
)
from socialdesk.inbox.triage import prioritise, triage_frame, triage_text
from socialdesk.model import Message, MessageLabel
from socialdesk.store.memo import memo

TARGETS = ("sentiment", "intent")


def load_models(session: Session, workspace_id: int) -> dict[str, LearntModel | FolderModel]:
    """The workspace's learnt models, and the model folder the team chose (it reads the
    sentiment: `socialdesk inbox model use PATH`; a folder that no longer loads is left out
    here and named by the faces)."""
    out: dict[str, LearntModel | FolderModel] = {}
    vectors = embeddings.vectors_for(session)
    for row in queries.models(session, workspace_id):
        nothing = Estimate.not_enough(row.holdout_n, "stored model")
        out[row.target] = LearntModel(
            row.target,
            LearntModel.loads_pipeline(row.payload),
            row.n_labels,
            row.holdout_n,
            nothing,
            nothing,
            row.in_charge,
            vectors=vectors,
            languages=decisions_from(row.languages),  # None: stored before, every language
        )
    folder, _problem = model_folder.workspace_reader(session, workspace_id)
    if folder is not None:
        out["sentiment"] = folder  # the team's chosen model folder reads the sentiment
    return out


def triage_workspace(
    session: Session, workspace_id: int, *, all_: bool = False, batch: int = 5000
) -> int:
    """Triage messages from outside without a triage (all of them with all_); returns how many."""
    models = load_models(session, workspace_id)
    done = 0
    last_id = -1
    while True:
        frame = queries.untriaged(session, workspace_id, limit=batch, all_=all_)
        frame = frame[frame["id"] > last_id]
        if frame.empty:
            return done
        result = triage_frame(frame, language_column="language", models=models)
        queries.write_triage(session, workspace_id, result)
        done += len(result)
        last_id = int(frame["id"].max())
        if not all_:
            session.flush()
        if len(frame) < batch:
            return done


def train_workspace(session: Session, workspace_id: int, *, seed: int = 0) -> list[TrainResult]:
    """Fit a model per target on the team's labels; store it with its held-back scores."""
    results = []
    vectors = embeddings.vectors_for(session)  # each text embedded once, kept
    for target in TARGETS:
        labelled = queries.labels(session, workspace_id, target)
        if labelled.empty:
            results.append(TrainResult(None, f"not enough data: no {target} labels yet"))
            continue
        lexicon = [
            getattr(triage_text(t, lang), target)
            for t, lang in zip(labelled["text"], labelled["language"], strict=True)
        ]
        result = train(
            target,
            labelled["text"].tolist(),
            labelled["language"].tolist(),
            labelled["label"].tolist(),
            lexicon,
            seed=seed,
            vectors=vectors,
        )
        if result.model is not None:
            m = result.model
            queries.save_model(
                session,
                workspace_id,
                target=target,
                payload=m.dumps(),
                n_labels=m.n_labels,
                holdout_n=m.holdout_n,
                score_model=m.score_model.value,
                score_lexicon=m.score_lexicon.value,
                in_charge=m.in_charge,
                languages=decisions_plain(m.languages),
            )
        results.append(result)
    return results


def lexicon_agreement(session: Session, workspace_id: int, target: str = "sentiment") -> Estimate:
    """How well the current readings agree with the team's labels (macro-F1)."""
    labelled = queries.labels(session, workspace_id, target)
    if labelled.empty:
        return Estimate.not_enough(0, f"no {target} labels")
    readings = triage_frame(
        labelled, language_column="language", models=load_models(session, workspace_id)
    )
    return macro_f1_estimate(labelled["label"].tolist(), readings[target].tolist())


def ask_for_labels(
    session: Session, workspace_id: int, *, k: int = 20, pool: int = 1000
) -> pd.DataFrame:
    """The messages to label first: those the current readers are least sure about.

    The pool is the newest `pool` messages from outside without a person's sentiment label.
    Where the workspace has a learnt model (in charge or not yet), its own calibrated
    probability is the certainty, so each label teaches the model the most; otherwise the
    stored triage confidence (the lexicon's). A message's certainty is the lower of its
    sentiment and intent readings; `asked_by` names whose doubt it is.
    """
    from socialdesk.inbox.learning import ask_for_labels as least_sure

    candidates = queries.unlabelled(session, workspace_id, "sentiment", limit=pool)
    if candidates.empty:
        return candidates.assign(confidence=pd.Series(dtype=float), asked_by=pd.Series(dtype=str))
    models = load_models(session, workspace_id)
    sure = {}
    readers = []
    for target in TARGETS:
        stored = candidates[f"{target}_confidence"].astype(float).fillna(0.0)
        model = models.get(target)
        if model is not None:
            _labels, proba = model.predict(
                candidates["text"].fillna("").tolist(), candidates["language"].tolist()
            )
            sure[target] = pd.Series(proba, index=candidates.index, dtype=float)
            readers.append(getattr(model, "reader", f"{target} model"))
        else:
            sure[target] = stored
    confidence = pd.concat(sure, axis=1).min(axis=1)
    ranked = candidates.assign(
        confidence=confidence.round(3), asked_by=" + ".join(readers) or "lexicon"
    )
    # one text asked once: a spam wave or a pasted complaint repeats the same words under many
    # names, and a second label of the same text teaches the model nothing new
    key = ranked["text"].fillna("").map(_same_text_key)
    ranked = ranked.assign(same_text=key.map(key.value_counts()).astype(int))
    ranked = ranked.iloc[np.argsort(ranked["confidence"].to_numpy(), kind="stable")]
    ranked = ranked[~key.loc[ranked.index].duplicated()].reset_index(drop=True)
    return ranked.iloc[least_sure(ranked["confidence"].tolist(), k=k)].reset_index(drop=True)


def _same_text_key(text: str) -> str:
    """The words of a message without case, spacing or who it names (@someone)."""
    return " ".join(w for w in text.casefold().split() if not w.startswith("@"))


def current_alerts(
    session: Session, workspace_id: int, *, days: int = 7, limit: int = 3
) -> list[CrisisAlert]:
    """Crisis alerts on the last `days` days of the inbox (counted back from its newest
    message from outside, so an imported history shows its own last week), strongest first.

    Only the messages of those days and of the baseline window before them are read."""
    newest = queries.newest_message_at(session, workspace_id)
    if newest is None:
        return []
    first_day = (pd.Timestamp(newest).normalize() - pd.Timedelta(days=days - 1)).date()
    since = pd.Timestamp(first_day) - pd.Timedelta(days=BASELINE_DAYS)
    msgs = queries.messages(session, workspace_id, since=since.to_pydatetime())
    found = crisis_alerts(msgs, since=first_day)
    return sorted(found, key=lambda a: (a.p_value, -a.ratio))[:limit]


# -- the faces' questions ----------------------------------------------------------------------
STATUSES = ("new", "open", "waiting", "done")
LABEL_KINDS = ("sentiment", "intent")
REPLY_LANGUAGES = ("nl", "en")


class ThreadNotFound(LookupError):
    """No such thread (or message) in this workspace."""


def _clean(value: Any) -> Any:
    """A frame cell as plain Python (NaN/NaT become None, timestamps datetimes)."""
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


def _rows(frame: pd.DataFrame) -> tuple[dict[str, Any], ...]:
    cols = list(frame.columns)
    return tuple({c: _clean(r[c]) for c in cols} for _, r in frame.iterrows())


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class QueueFilters:
    """Which open threads the queue shows (None: all). `status` None means new and open."""

    platform: str | None = None
    intent: str | None = None
    sentiment: str | None = None
    status: str | None = None
    assignee: str | None = None


QUEUE_COUNT_CAP = 10_000  # the queue counts its threads this far, then says "more than"
SPAM = "spam"


@dataclass(frozen=True)
class QueueResult:
    """Open threads, most urgent first (urgency x reach x time waiting), with their SLA clock:
    one page of them (`offset`, `limit`) and how many there are (`total`)."""

    now: dt.datetime = field(metadata={"help": "The moment waiting is counted to (UTC)"})
    limit: int
    filters: QueueFilters
    rows: tuple[dict[str, Any], ...] = field(
        metadata={
            "help": "Per thread: the latest message from outside, its triage (a person's "
            "label wins: sentiment_by / intent_by name the person, sentiment_read / "
            "intent_read keep the reading), priority, minutes_waiting (from waiting_since, "
            "the time the person wrote the first unanswered message), minutes_left and "
            "breached (against the workspace's SLA target, sla_minutes), permalink (the "
            "message or its post on the platform; http(s) only, else null)"
        }
    )
    alerts: tuple[CrisisAlert, ...] = field(
        metadata={
            "help": "Crisis alerts of the inbox's last 7 days: negative messages on a topic "
            "(negative) far above its daily mean of the 28 days before (baseline), ratio"
        }
    )
    platforms: tuple[str, ...] = ()  # the platforms and assignees of the inbox's threads
    assignees: tuple[str, ...] = ()
    sla_minutes: int = 60  # the workspace's SLA target the clocks count down to
    timezone: str = "Europe/Amsterdam"  # the workspace's time zone (times are shown in it)
    offset: int = 0
    total: int = field(
        default=0, metadata={"help": "Threads matching the filters (at most total_cap + 1)"}
    )
    total_capped: bool = field(
        default=False, metadata={"help": "True when there are more than `total` threads"}
    )
    spam_folded: bool = field(
        default=False,
        metadata={"help": "Threads whose latest message reads as spam are left out of rows"},
    )
    spam: int | None = field(
        default=None,
        metadata={"help": "With spam_folded: how many threads were left out as spam"},
    )
    spam_capped: bool = False  # there are more than `spam`


def safe_link(value: Any) -> str | None:
    """`value` when it is an absolute http(s) address, else None (never javascript: or data:)."""
    if not isinstance(value, str):
        return None
    link = value.strip()
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(c.isspace() or ord(c) < 32 for c in link):
        return None
    return link


def queue(
    session: Session,
    workspace_id: int,
    *,
    filters: QueueFilters = QueueFilters(),
    now: dt.datetime | None = None,
    limit: int = 500,
    offset: int = 0,
    fold_spam: bool = True,
) -> QueueResult:
    """The `limit` most urgent open threads matching `filters` from `offset` on, waiting
    counted to `now` from the time each person wrote. With `fold_spam` (the default, on every
    face) threads whose latest message reads as spam stay out unless the intent filter asks
    for spam, and `spam` counts them. Ranking, paging and counting happen in SQL; the count
    stops past QUEUE_COUNT_CAP."""
    moment = now or _utc_now()
    statuses = (filters.status,) if filters.status in STATUSES else queries.OPEN
    where: dict[str, Any] = {
        "statuses": statuses,
        "platform": filters.platform or None,
        "assignee": filters.assignee or None,
        "intent": filters.intent or None,
        "sentiment": filters.sentiment or None,
        "exclude_intent": SPAM if fold_spam and not filters.intent else None,
    }
    q = queries.queue(session, workspace_id, now=moment, limit=limit, offset=offset, **where)
    total = queries.queue_count(session, workspace_id, cap=QUEUE_COUNT_CAP, **where)
    spam = None
    if fold_spam and not filters.intent:
        spam = queries.queue_count(
            session,
            workspace_id,
            cap=QUEUE_COUNT_CAP,
            **{**where, "intent": SPAM, "exclude_intent": None},
        )
    own = inbox_settings(session, workspace_id)
    target = own.sla_minutes
    rows: tuple[dict[str, Any], ...] = ()
    if not q.empty:
        q = q.assign(rank=range(len(q)))
        ranked = prioritise(q, moment).sort_values("rank", kind="stable")  # SQL's order
        clocks = sla_clocks(ranked.drop(columns="rank"), moment, dt.timedelta(minutes=target))
        clocks["permalink"] = [safe_link(v) for v in clocks["permalink"]]
        rows = _rows(clocks)
    choices = queries.queue_choices(session, workspace_id)
    return QueueResult(
        now=moment,
        limit=limit,
        filters=filters,
        rows=rows,
        alerts=tuple(current_alerts(session, workspace_id)),
        platforms=tuple(choices["platform"]),
        assignees=tuple(choices["assignee"]),
        sla_minutes=target,
        timezone=own.timezone,
        offset=offset,
        total=min(total, QUEUE_COUNT_CAP),
        total_capped=total > QUEUE_COUNT_CAP,
        spam_folded=spam is not None,
        spam=None if spam is None else min(spam, QUEUE_COUNT_CAP),
        spam_capped=spam is not None and spam > QUEUE_COUNT_CAP,
    )


@dataclass(frozen=True)
class ThreadResult:
    """One thread: history, triage, replies and a draft to edit (never sent by socialdesk)."""

    thread: dict[str, Any]
    messages: tuple[dict[str, Any], ...] = field(metadata={"help": "Oldest first, with triage"})
    replies: tuple[dict[str, Any], ...] = field(
        metadata={"help": "Drafts and replies marked as sent"}
    )
    latest: dict[str, Any] | None = field(metadata={"help": "The latest message from outside"})
    draft: str = field(
        metadata={"help": "A reply draft in its language; a person edits and sends it"}
    )
    draft_language: str | None = None
    saved: tuple[dict[str, Any], ...] = field(
        default=(),
        metadata={"help": "Saved replies filled for this thread; `missing`: variables to fill"},
    )
    variables: dict[str, str] = field(default_factory=dict)
    chosen: int | None = None


def thread(
    session: Session,
    workspace_id: int,
    thread_id: int,
    *,
    agent: str = "",
    reply: int | None = None,
) -> ThreadResult:
    """The thread with a draft for its latest message from outside; with `reply` (a saved
    reply's id) that reply, filled in, is the draft. ThreadNotFound when it is not ours."""
    row = queries.thread_row(session, workspace_id, thread_id)
    if row is None:
        raise ThreadNotFound(thread_id)
    msgs = _rows(queries.thread_messages(session, workspace_id, thread_id))
    head = {
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
        "agent": agent,
    }
    if latest is not None:
        variables["name"] = first_name(latest.get("author_name"), latest.get("author_handle"))
        variables["topic"] = topic_of(latest.get("text"), row.subject)
        d = draft_reply(
            intent=latest.get("intent") or "other",
            language=latest.get("language"),
            name=variables["name"],
            text=latest.get("text") or "",
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
    return ThreadResult(
        thread=head,
        messages=msgs,
        replies=_rows(queries.replies(session, workspace_id, thread_id)),
        latest=latest,
        draft=draft,
        draft_language=lang,
        saved=tuple(saved),
        variables=variables,
        chosen=chosen["id"] if chosen else None,
    )


# -- the editors' actions (socialdesk never sends: a person answers on the platform) ----------
@dataclass(frozen=True)
class ThreadChange:
    """What an action changed on a thread."""

    thread_id: int
    action: str  # assign, label, status, answered
    reply_id: int | None = None  # `answered`: the reply recorded as sent


def _owned(session: Session, workspace_id: int, thread_id: int) -> None:
    if queries.thread_row(session, workspace_id, thread_id) is None:
        raise ThreadNotFound(thread_id)


def _message_ids(session: Session, workspace_id: int, thread_id: int) -> set[int]:
    return {int(i) for i in queries.thread_messages(session, workspace_id, thread_id)["id"]}


def assign(
    session: Session, workspace_id: int, thread_id: int, assignee: str | None, *, by: str
) -> ThreadChange:
    _owned(session, workspace_id, thread_id)
    queries.assign(session, workspace_id, thread_id, assignee or None, by=by)
    return ThreadChange(thread_id=thread_id, action="assign")


def label(
    session: Session,
    workspace_id: int,
    thread_id: int,
    message_id: int,
    kind: str,
    value: str,
    *,
    by: str,
) -> ThreadChange:
    """A person's sentiment or intent label on a message of the thread (ValueError: unknown
    label; ThreadNotFound: the message is not the thread's)."""
    _owned(session, workspace_id, thread_id)
    allowed = {"sentiment": SENTIMENTS, "intent": INTENTS}
    if kind not in allowed or value not in allowed[kind]:
        raise ValueError(f"unknown label {kind}={value!r}")
    if message_id not in _message_ids(session, workspace_id, thread_id):
        raise ThreadNotFound(thread_id)
    queries.set_label(session, workspace_id, message_id, kind, value, by=by)
    return ThreadChange(thread_id=thread_id, action="label")


def set_status(session: Session, workspace_id: int, thread_id: int, status: str) -> ThreadChange:
    """ValueError for a status outside STATUSES."""
    _owned(session, workspace_id, thread_id)
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    queries.set_status(session, workspace_id, thread_id, status)
    return ThreadChange(thread_id=thread_id, action="status")


def mark_answered(
    session: Session,
    workspace_id: int,
    thread_id: int,
    *,
    text: str,
    by: str,
    message_id: int | None = None,
    language: str | None = None,
) -> ThreadChange:
    """A person sent `text` on the platform themselves: record it as sent, the thread done."""
    _owned(session, workspace_id, thread_id)
    reply_id = None
    if text.strip():
        ids = _message_ids(session, workspace_id, thread_id)
        reply_id = queries.save_draft(
            session,
            workspace_id,
            thread_id,
            message_id if message_id in ids else None,
            text.strip(),
            language or None,
            by,
        )
        queries.mark_sent(session, workspace_id, reply_id, by=by)
    queries.set_status(session, workspace_id, thread_id, "done")
    return ThreadChange(thread_id=thread_id, action="answered", reply_id=reply_id)


@dataclass(frozen=True)
class DraftResult:
    """A reply draft for a thread's last message from outside (saved as a draft or not)."""

    thread_id: int
    message_id: int
    text: str
    language: str | None
    saved_id: int | None = None


def draft(
    session: Session,
    workspace_id: int,
    thread_id: int,
    *,
    formal: bool = False,
    save: bool = False,
    author: str = "cli",
) -> DraftResult:
    """ThreadNotFound when the thread has no message from outside in this workspace."""
    msgs = queries.thread_messages(session, workspace_id, thread_id)
    inbound = msgs[~msgs["is_from_org"].astype(bool)]
    if inbound.empty:
        raise ThreadNotFound(thread_id)
    last = inbound.iloc[-1]
    d = draft_reply(
        intent=last["intent"] or "other",
        language=last["language"],
        name=first_name(last["author_name"], last["author_handle"]),
        text=last["text"] or "",
        tone=Tone(formal=formal),
    )
    saved_id = None
    if save:
        saved_id = queries.save_draft(
            session, workspace_id, thread_id, int(last["id"]), d.text, d.language, author=author
        )
    return DraftResult(
        thread_id=thread_id,
        message_id=int(last["id"]),
        text=d.text,
        language=d.language,
        saved_id=saved_id,
    )


# -- figures and alerts ------------------------------------------------------------------------
FIGURES_KEPT_SECONDS = 300  # the longest the figures page shows figures kept from before


@dataclass(frozen=True)
class FiguresResult:
    """Response rate, first response and resolution times (minutes), from `since` on."""

    since: dt.date | None
    report: ResponseReport | None = field(
        metadata={"help": "Overall, per platform, per person and inside/outside business hours"}
    )
    left_out: int = field(
        default=0,
        metadata={
            "help": "Threads left out of every figure: all their messages from outside read "
            "as one of left_out_intents (a person's label over the reading)"
        },
    )
    left_out_intents: tuple[str, ...] = ()
    settings: InboxSettings = field(
        default_factory=InboxSettings,
        metadata={"help": "The workspace's business hours, time zone and SLA target"},
    )
    until: dt.date | None = None


def figures(
    session: Session,
    workspace_id: int,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> FiguresResult:
    """None as the report when there are no messages (from `since`) or no threads.

    With `until`, only the threads opened before that day count (a conversation is counted in
    the period it began in), with their replies whenever they came: a message that arrived on
    the month's last evening and was answered the next morning counts as answered, after the
    time it took.

    Threads read as spam or abuse (the workspace's `left_out` intents) are not in the
    figures at all: no answer is owed to them, so they are neither in the response rate's
    denominator nor in the times. Business hours and the SLA target are the workspace's.

    The bootstrap intervals take a few hundred milliseconds on a real inbox: the figures are
    kept per data version (a new message, reply or label) and settings, for at most
    FIGURES_KEPT_SECONDS (a thread marked done or a triage in between shows after that)."""
    settings = inbox_settings(session, workspace_id)
    now = _utc_now()
    bucket = int(now.timestamp() // FIGURES_KEPT_SECONDS)
    key = (since, until, json.dumps(settings.stored(), sort_keys=True), bucket)
    return memo(
        session,
        workspace_id,
        "inbox.figures",
        key,
        (Message, MessageLabel),
        lambda: _figures(session, workspace_id, since, until, settings, now),
    )


def _figures(
    session: Session,
    workspace_id: int,
    since: dt.date | None,
    until: dt.date | None,
    settings: InboxSettings,
    now: dt.datetime,
) -> FiguresResult:
    start = dt.datetime.combine(since, dt.time()) if since else None
    msgs = queries.messages(session, workspace_id, since=start)
    threads = queries.threads(session, workspace_id)
    empty = FiguresResult(
        since=since, report=None, left_out_intents=settings.left_out, settings=settings
    )
    if msgs.empty or threads.empty:
        return empty
    flagged = left_out_threads(msgs, settings.left_out)
    responses = first_responses(msgs, threads)
    if until is not None:
        opened_before = pd.to_datetime(responses["opened_at"]) < pd.Timestamp(until)
        responses = responses[opened_before]
        flagged = flagged[flagged.index.isin(responses["thread_id"])]
    responses = responses[~responses["thread_id"].isin(flagged.index)]
    # threads nobody answered (or a workspace where nobody answered yet) count as unanswered:
    # their response times are absent, never zero
    return FiguresResult(
        since=since,
        report=(
            response_report(responses, settings.hours, sla_minutes=settings.sla_minutes, now=now)
            if len(responses)
            else None
        ),
        left_out=len(flagged),
        left_out_intents=settings.left_out,
        settings=settings,
        until=until,
    )


@dataclass(frozen=True)
class MixRow:
    """One value (a sentiment, an intent, a language, a platform) of the messages in."""

    value: str  # "" when the message has none (not triaged)
    messages: int
    share: Estimate  # of the messages in the period, Wilson interval


@dataclass(frozen=True)
class MixResult:
    """What came in between `since` and `until` (the day before): the messages from outside
    by sentiment, intent, language and platform (a person's label over triage's reading)."""

    since: dt.date | None
    until: dt.date | None
    messages: int
    threads: int
    sentiment: tuple[MixRow, ...]
    intent: tuple[MixRow, ...]
    language: tuple[MixRow, ...]
    platform: tuple[MixRow, ...]
    daily: tuple[tuple[dt.date, str, int], ...] = ()  # day, platform, messages in


def _mix_rows(values: pd.Series, total: int) -> tuple[MixRow, ...]:
    counts = values.fillna("").astype(str).value_counts()
    rows = [
        MixRow(str(v), int(n), share(int(n), total, "share of messages in"))
        for v, n in counts.items()
    ]
    return tuple(sorted(rows, key=lambda r: (-r.messages, r.value)))


def mix(
    session: Session,
    workspace_id: int,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> MixResult:
    """The messages from outside that arrived from `since` to before `until`, by sentiment,
    intent, language and platform, each share with its 95% interval."""
    start = dt.datetime.combine(since, dt.time()) if since else None
    end = dt.datetime.combine(until, dt.time()) if until else None
    msgs = queries.messages(session, workspace_id, since=start, until=end)
    inbound = msgs.loc[~msgs["is_from_org"].astype(bool)] if len(msgs) else msgs
    total = len(inbound)
    if not total:
        return MixResult(since, until, 0, 0, (), (), (), ())
    days = pd.to_datetime(inbound["received_at"]).dt.date
    per_day = inbound.groupby([days, inbound["platform"]]).size()
    daily = tuple(
        (cast(dt.date, key[0]), str(key[1]), int(n))
        for key, n in sorted(per_day.items())
        if isinstance(key, tuple)
    )
    return MixResult(
        since,
        until,
        total,
        int(inbound["thread_id"].nunique()),
        _mix_rows(inbound["sentiment"], total),
        _mix_rows(inbound["intent"], total),
        _mix_rows(inbound["language"], total),
        _mix_rows(inbound["platform"], total),
        daily,
    )


# -- the workspace's inbox settings ------------------------------------------------------------
@dataclass(frozen=True)
class SettingsResult:
    """The workspace's inbox settings: business hours, time zone, SLA target, left out."""

    settings: InboxSettings
    business_hours: str = field(metadata={"help": "The daily window, e.g. 09:00-17:00"})
    days: str = field(metadata={"help": "The weekdays of the business hours, e.g. mon-fri"})


@dataclass(frozen=True)
class SettingsChange:
    """Settings saved, or why not (`refused`: hours, days, timezone, sla or intents; nothing
    is stored then) with the parser's `detail`."""

    settings: InboxSettings
    refused: str | None = None
    detail: str = ""


def inbox_settings(session: Session, workspace_id: int) -> InboxSettings:
    """The stored settings over the defaults (Mon-Fri 09:00-17:00 Europe/Amsterdam, 60
    minutes, spam and abuse left out)."""
    return InboxSettings.from_stored(queries.inbox_settings(session, workspace_id))


def settings(session: Session, workspace_id: int) -> SettingsResult:
    current = inbox_settings(session, workspace_id)
    return SettingsResult(
        settings=current,
        business_hours=f"{current.start:%H:%M}-{current.end:%H:%M}",
        days=days_text(current.days),
    )


def save_settings(
    session: Session,
    workspace_id: int,
    *,
    business_hours: str | None = None,
    days: str | None = None,
    timezone: str | None = None,
    sla_minutes: int | None = None,
    left_out: tuple[str, ...] | None = None,
) -> SettingsChange:
    """Change the given settings (None keeps one); a value that does not parse is refused
    and nothing is stored."""
    current = inbox_settings(session, workspace_id)
    changes: dict[str, Any] = {}
    step = "hours"
    try:
        if business_hours is not None:
            changes["start"], changes["end"] = parse_window(business_hours)
        step = "days"
        if days is not None:
            changes["days"] = parse_days(days)
        step = "timezone"
        if timezone is not None:
            changes["timezone"] = check_timezone(timezone)
        step = "sla"
        if sla_minutes is not None:
            if not 1 <= sla_minutes <= 60 * 24 * 14:
                raise ValueError("the SLA target is 1 minute to 14 days (20160 minutes)")
            changes["sla_minutes"] = int(sla_minutes)
        step = "intents"
        if left_out is not None:
            unknown = sorted(set(left_out) - set(INTENTS))
            if unknown:
                raise ValueError(f"unknown intents: {', '.join(unknown)}")
            changes["left_out"] = tuple(i for i in INTENTS if i in left_out)
    except ValueError as exc:
        return SettingsChange(settings=current, refused=step, detail=str(exc))
    new = replace(current, **changes)
    queries.save_inbox_settings(session, workspace_id, new.stored())
    return SettingsChange(settings=new)


@dataclass(frozen=True)
class AlertsResult:
    """Days when negative messages on a topic rose far above the topic's baseline."""

    since: dt.date | None
    alerts: tuple[CrisisAlert, ...]


def alerts(session: Session, workspace_id: int, *, since: dt.date | None = None) -> AlertsResult:
    msgs = queries.messages(session, workspace_id)
    return AlertsResult(since=since, alerts=tuple(crisis_alerts(msgs, since=since)))


# -- triage and training -----------------------------------------------------------------------
@dataclass(frozen=True)
class TriageResult:
    triaged: int  # messages from outside triaged now
    all: bool  # every message again, not only new ones


def triage(session: Session, workspace_id: int, *, all_: bool = False) -> TriageResult:
    return TriageResult(triaged=triage_workspace(session, workspace_id, all_=all_), all=all_)


@dataclass(frozen=True)
class TrainReport:
    """What training said per target and, after it, how many messages were triaged again."""

    messages: tuple[str, ...]
    retriaged: int | None = None
    models: tuple[ModelSummary, ...] = field(
        default=(),
        metadata={"help": "The stored models after training, with their per-language verdicts"},
    )


def train_models(
    session: Session, workspace_id: int, *, retriage: bool = False, seed: int = 0
) -> TrainReport:
    """Train on the team's labels; with `retriage`, triage every message from outside again
    with the reading now in charge (as `socialdesk inbox triage --all`)."""
    results = train_workspace(session, workspace_id, seed=seed)
    session.flush()
    retriaged = triage_workspace(session, workspace_id, all_=True) if retriage else None
    return TrainReport(
        messages=tuple(r.message for r in results),
        retriaged=retriaged,
        models=model_summaries(session, workspace_id),
    )


@dataclass(frozen=True)
class LanguageSummary:
    """One language of a stored model: its held-back labels, the model's and the lexicon's
    macro-F1 on them (with 95% intervals), and whether the model reads that language.
    `enough` is False when there were too few held-back labels to decide on (at least
    `min_held_back`): the lexicon keeps the language then."""

    language: str
    n_labels: int
    holdout_n: int
    score_model: Estimate
    score_lexicon: Estimate
    enough: bool
    in_charge: bool
    min_held_back: int


@dataclass(frozen=True)
class ModelSummary:
    """A stored model: its labels, held-back scores (macro-F1) and whether it is in charge.

    `in_charge`: whether it reads any message; `languages`: the verdict per language (a
    language not listed stays with the lexicon), or None for a model trained before the
    per-language verdict, which reads every language when in charge."""

    target: str
    trained_at: dt.datetime | None
    n_labels: int
    holdout_n: int
    score_model: float | None
    score_lexicon: float | None
    metric: str | None
    in_charge: bool
    languages: tuple[LanguageSummary, ...] | None = None
    languages_in_charge: tuple[str, ...] | None = None


def _language_summaries(stored: Any) -> tuple[LanguageSummary, ...] | None:
    decisions = decisions_from(stored)
    if decisions is None:
        return None
    floor = int(stored.get("min_held_back", 0))
    return tuple(
        LanguageSummary(
            language=d.language,
            n_labels=d.n_labels,
            holdout_n=d.holdout_n,
            score_model=d.score_model,
            score_lexicon=d.score_lexicon,
            enough=d.enough,
            in_charge=d.in_charge,
            min_held_back=floor,
        )
        for d in decisions.values()
    )


def model_summaries(session: Session, workspace_id: int) -> tuple[ModelSummary, ...]:
    """The workspace's stored models, sentiment first, with their per-language verdicts."""
    stored = sorted(queries.models(session, workspace_id), key=lambda m: m.target != "sentiment")
    out = []
    for m in stored:
        languages = _language_summaries(m.languages)
        in_charge_of: tuple[str, ...] | None
        if languages is None:
            in_charge_of = None if m.in_charge else ()
        else:
            in_charge_of = tuple(x.language for x in languages if x.in_charge)
        out.append(
            ModelSummary(
                target=m.target,
                trained_at=m.trained_at,
                n_labels=m.n_labels,
                holdout_n=m.holdout_n,
                score_model=m.score_model,
                score_lexicon=m.score_lexicon,
                metric=m.metric,
                in_charge=m.in_charge,
                languages=languages,
                languages_in_charge=in_charge_of,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class LabelsResult:
    """The messages triage is least sure about, first, and who reads the messages now."""

    rows: tuple[dict[str, Any], ...] = field(
        metadata={
            "help": "Messages without a person's label, least certain first: confidence is "
            "the lower of the sentiment and intent certainty; asked_by names the reader"
        }
    )
    models: tuple[ModelSummary, ...]
    label_counts: dict[str, int]


def labels(session: Session, workspace_id: int, *, k: int = 25) -> LabelsResult:
    return LabelsResult(
        rows=_rows(ask_for_labels(session, workspace_id, k=k)),
        models=model_summaries(session, workspace_id),
        label_counts=queries.label_counts(session, workspace_id),
    )


# -- saved replies -----------------------------------------------------------------------------
@dataclass(frozen=True)
class SavedReplies:
    """The team's own texts with {variables} (unfilled)."""

    replies: tuple[dict[str, Any], ...] = field(
        metadata={"help": "id, name, language, intent, text (with its {variables} unfilled)"}
    )


def saved_replies(session: Session, workspace_id: int) -> SavedReplies:
    return SavedReplies(replies=_rows(queries.saved_replies(session, workspace_id)))


@dataclass(frozen=True)
class SavedReplyChange:
    """A saved reply added or changed (`reply_id`), or why not (`refused`: empty, choice,
    variable, duplicate or missing)."""

    reply_id: int | None
    refused: str | None = None


def save_reply(
    session: Session,
    workspace_id: int,
    *,
    reply_id: int | None,
    name: str,
    language: str,
    text: str,
    intent: str | None = None,
) -> SavedReplyChange:
    """Add a saved reply (reply_id None) or change one; refused ones leave nothing stored."""
    name, text = name.strip(), text.strip()
    if not name or not text:
        return SavedReplyChange(reply_id=reply_id, refused="empty")
    if language not in REPLY_LANGUAGES or (intent and intent not in INTENTS):
        return SavedReplyChange(reply_id=reply_id, refused="choice")
    if unknown_variables(text):
        return SavedReplyChange(reply_id=reply_id, refused="variable")
    try:
        saved = queries.put_saved_reply(
            session,
            workspace_id,
            reply_id,
            name=name,
            language=language,
            text=text,
            intent=intent or None,
        )
    except queries.DuplicateName:
        return SavedReplyChange(reply_id=reply_id, refused="duplicate")
    if saved is None:
        return SavedReplyChange(reply_id=reply_id, refused="missing")
    return SavedReplyChange(reply_id=saved)


def delete_reply(session: Session, workspace_id: int, reply_id: int) -> SavedReplyChange:
    if not queries.delete_saved_reply(session, workspace_id, reply_id):
        return SavedReplyChange(reply_id=reply_id, refused="missing")
    return SavedReplyChange(reply_id=reply_id)


__all__ = [
    "LABEL_KINDS",
    "REPLY_LANGUAGES",
    "STATUSES",
    "AlertsResult",
    "DraftResult",
    "FiguresResult",
    "LabelsResult",
    "LanguageSummary",
    "ModelSummary",
    "QueueFilters",
    "QueueResult",
    "SavedReplies",
    "SavedReplyChange",
    "SettingsChange",
    "SettingsResult",
    "ThreadChange",
    "ThreadNotFound",
    "ThreadResult",
    "TrainReport",
    "TriageResult",
    "alerts",
    "ask_for_labels",
    "assign",
    "current_alerts",
    "delete_reply",
    "draft",
    "figures",
    "inbox_settings",
    "label",
    "labels",
    "lexicon_agreement",
    "load_models",
    "mark_answered",
    "model_summaries",
    "queue",
    "save_reply",
    "save_settings",
    "saved_replies",
    "set_status",
    "settings",
    "thread",
    "train_models",
    "train_workspace",
    "triage",
    "triage_workspace",
]
