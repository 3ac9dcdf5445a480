"""The inbox's jobs over a workspace: triage what is new, learn from the labels, ask for more.

Thin glue between queries.py (the database) and the pure modules; the CLI and the web call
these so both do the same thing.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from socialdesk.estimates import Estimate
from socialdesk.inbox import queries
from socialdesk.inbox.alerts import BASELINE_DAYS, CrisisAlert, crisis_alerts
from socialdesk.inbox.learning import LearntModel, TrainResult, macro_f1_estimate, train
from socialdesk.inbox.triage import triage_frame, triage_text

TARGETS = ("sentiment", "intent")


def load_models(session: Session, workspace_id: int) -> dict[str, LearntModel]:
    out = {}
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
        )
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
            readers.append(f"{target} model")
        else:
            sure[target] = stored
    confidence = pd.concat(sure, axis=1).min(axis=1)
    ranked = candidates.assign(
        confidence=confidence.round(3), asked_by=" + ".join(readers) or "lexicon"
    )
    return ranked.iloc[least_sure(ranked["confidence"].tolist(), k=k)].reset_index(drop=True)


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


__all__ = [
    "ask_for_labels",
    "current_alerts",
    "lexicon_agreement",
    "load_models",
    "train_workspace",
    "triage_workspace",
]
