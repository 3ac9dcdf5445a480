"""The inbox over a real store (SQLite and PostgreSQL): triage, queue, labels, replies."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from socialdesk.inbox import queries
from socialdesk.inbox.run import ask_for_labels, train_workspace, triage_workspace
from socialdesk.inbox.sla import first_responses, response_report
from tests.conftest import fixture_path


def _load(importer):
    for name, kw in (("twcs_layout.csv", {}), ("meta_graph_conversations.json", {})):
        rep = importer.import_paths([fixture_path("inbox", name)], **kw)[0]
        assert rep.status == "imported", rep.error


def test_triage_queue_and_actions(ws, importer):
    _load(importer)
    with Session(ws.engine) as s, s.begin():
        assert triage_workspace(s, ws.workspace_id) == 7  # messages from outside only
        assert triage_workspace(s, ws.workspace_id) == 0  # nothing new
    with Session(ws.engine) as s:
        q = queries.queue(s, ws.workspace_id)
    # open threads: 1007 (never answered) and t_100002 (Tom wrote after the Page)
    assert len(q) == 2
    row = q.set_index("platform").loc["x"]
    assert row["intent"] == "complaint" and row["sentiment"] == "negative"
    assert row["waiting_since"] == dt.datetime(2025, 3, 11, 14, 0)
    tid = int(row["thread_id"])
    with Session(ws.engine) as s, s.begin():
        assert queries.assign(s, ws.workspace_id, tid, "anna", by="lead")
        assert queries.set_label(
            s, ws.workspace_id, int(row["message_id"]), "sentiment", "neutral", by="anna"
        )
        assert queries.set_label(
            s, ws.workspace_id, int(row["message_id"]), "sentiment", "negative", by="anna"
        )
        rid = queries.save_draft(
            s, ws.workspace_id, tid, int(row["message_id"]), "Sorry!", "en", "anna"
        )
        assert queries.mark_sent(s, ws.workspace_id, rid, by="anna")
        assert not queries.mark_sent(s, ws.workspace_id, rid, by="anna")  # once
        assert queries.set_status(s, ws.workspace_id, tid, "done")
        assert not queries.set_status(s, ws.workspace_id + 10_000, tid, "open")  # other workspace
    with Session(ws.engine) as s:
        labels = queries.labels(s, ws.workspace_id, "sentiment")
        assert labels["label"].tolist() == ["negative"]  # the correction replaced the first label
        assert len(queries.queue(s, ws.workspace_id)) == 1
        assert queries.thread_row(s, ws.workspace_id, tid).assignee == "anna"
        assert queries.replies(s, ws.workspace_id, tid)["status"].tolist() == ["sent"]
        report = response_report(
            first_responses(
                queries.messages(s, ws.workspace_id), queries.threads(s, ws.workspace_id)
            )
        )
        # threads from outside: 1001, 1005, 1007, 1008, t_100001, t_100002 -> answered 4 + t_100002
        assert report.overall.threads == 6
        asked = ask_for_labels(s, ws.workspace_id, k=3)
        assert int(row["message_id"]) not in asked["message_id"].tolist()
    with Session(ws.engine) as s, s.begin():
        results = train_workspace(s, ws.workspace_id)
    assert all(r.model is None and "not enough data" in r.message for r in results)


def test_saved_replies_per_language(ws):
    with Session(ws.engine) as s, s.begin():
        queries.save_saved_reply(
            s, ws.workspace_id, "refund", "nl", "Hoi {name}, we storten het terug."
        )
        queries.save_saved_reply(
            s, ws.workspace_id, "refund", "nl", "Hoi {name}, het geld komt terug."
        )
        queries.save_saved_reply(
            s, ws.workspace_id, "refund", "en", "Hi {name}, refund on its way."
        )
    with Session(ws.engine) as s:
        nl = queries.saved_replies(s, ws.workspace_id, "nl")
    assert nl["text"].tolist() == ["Hoi {name}, het geld komt terug."]


def test_the_same_text_is_asked_once(ws, importer, tmp_path):
    # a spam wave: one text from many accounts; asking for a label asks for it once, saying
    # how many messages share it (@names, case and spacing aside)
    rows = ["tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"]
    for i in range(6):
        rows.append(
            f"{2000 + i},spam_{i},True,Mon Mar 03 08:{10 + i}:00 +0000 2025,"
            f'"@GroenFonds  Gratis volgers! Check my bio https://spam.example",,'
        )
    rows.append(
        "2100,cust_1,True,Mon Mar 03 09:00:00 +0000 2025,"
        '"@GroenFonds waar blijft mijn bevestiging?",,'
    )
    path = tmp_path / "wave.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rep = importer.import_paths([path])[0]
    assert rep.status == "imported", rep.error
    with Session(ws.engine) as s, s.begin():
        triage_workspace(s, ws.workspace_id)
    with Session(ws.engine) as s:
        asked = ask_for_labels(s, ws.workspace_id, k=10)
    texts = asked["text"].tolist()
    assert len(texts) == 2, texts
    spam = asked[asked["text"].str.contains("Gratis")]
    assert spam["same_text"].tolist() == [6]
    assert asked[~asked["text"].str.contains("Gratis")]["same_text"].tolist() == [1]
