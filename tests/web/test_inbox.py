"""The inbox pages in process: queue, thread view with actions, figures; escaping and rights."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from socialdesk.model import Message, MessageLabel, MessageReply, MessageThread
from tests.web.conftest import csrf_of, make_client

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def _seed(ws) -> int:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with Session(ws.engine) as s, s.begin():
        t = MessageThread(
            workspace_id=ws.workspace_id,
            platform="facebook",
            external_id="t1",
            status="new",
            opened_at=now - dt.timedelta(hours=3),
        )
        s.add(t)
        s.flush()
        s.add(
            Message(
                workspace_id=ws.workspace_id,
                thread_id=t.id,
                platform="facebook",
                external_id="m1",
                author_handle=IMG,
                author_name=IMG,
                text=f"Nog steeds geen antwoord op mijn mail! {SCRIPT}",
                language="nl",
                received_at=now - dt.timedelta(hours=3),
                sentiment="negative",
                sentiment_confidence=0.8,
                intent="complaint",
                intent_confidence=0.7,
                urgency=0.9,
                triaged_by="lexicon",
            )
        )
        return t.id


def test_queue_thread_and_escaping(ws):
    tid = _seed(ws)
    client = make_client(ws)
    data = client.get("/inbox.json").json()
    (row,) = data["rows"]
    assert row["thread_id"] == tid and row["intent"] == "complaint" and row["breached"]
    assert client.get("/inbox.json?intent=praise").json()["rows"] == []
    for url in ("/inbox?lang=en", f"/inbox/threads/{tid}?lang=en"):
        html = client.get(url).text
        assert SCRIPT not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img" in html
    page = client.get(f"/inbox/threads/{tid}.json").json()
    assert page["draft_language"] == "nl" and page["draft"]
    assert client.get("/inbox/threads/999999").status_code == 404
    thread_nl = client.get(f"/inbox/threads/{tid}?lang=nl").text
    assert "Sneltoetsen" in thread_nl and 'data-copy="f-draft"' in thread_nl
    assert 'src="/inbox/keys.js"' in thread_nl and "Markeer als beantwoord" in thread_nl
    js = client.get("/inbox/keys.js")
    assert (
        js.headers["content-type"].startswith("text/javascript") and "typing(ev.target)" in js.text
    )
    assert client.get("/inbox/figures").status_code == 200
    assert "overall" in (client.get("/inbox/figures.json").json()["report"] or {"overall": 1})


def test_actions_need_csrf_and_write(ws):
    tid = _seed(ws)
    client = make_client(ws)
    token = csrf_of(client)
    mid = client.get(f"/inbox/threads/{tid}.json").json()["messages"][0]["id"]
    assert client.post(f"/inbox/threads/{tid}/assign", data={"assignee": "anna"}).status_code == 403
    ok = {"follow_redirects": False}
    r = client.post(
        f"/inbox/threads/{tid}/assign", data={"csrf_token": token, "assignee": "anna"}, **ok
    )
    assert r.status_code == 303
    r = client.post(
        f"/inbox/threads/{tid}/label",
        data={"csrf_token": token, "message_id": mid, "kind": "sentiment", "value": "neutral"},
        **ok,
    )
    assert r.status_code == 303
    bad = client.post(
        f"/inbox/threads/{tid}/label",
        data={"csrf_token": token, "message_id": mid, "kind": "sentiment", "value": "nonsense"},
        **ok,
    )
    assert bad.status_code == 400
    r = client.post(
        f"/inbox/threads/{tid}/answered",
        data={"csrf_token": token, "message_id": mid, "text": "Sorry! " + SCRIPT, "language": "nl"},
        **ok,
    )
    assert r.status_code == 303
    with Session(ws.engine) as s:
        t = s.get(MessageThread, tid)
        assert t.assignee == "anna" and t.status == "done"
        (label,) = s.query(MessageLabel).filter_by(message_id=mid).all()
        assert (label.kind, label.value, label.source) == ("sentiment", "neutral", "person")
        (reply,) = s.query(MessageReply).filter_by(thread_id=tid).all()
        assert reply.status == "sent"
    html = client.get(f"/inbox/threads/{tid}").text
    assert SCRIPT not in html
