"""The inbox queue (issue 17): pages of 50 with honest counts, spam folded away, waiting
counted from the time a person wrote, and a safe link to the message on the platform."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from socialdesk.inbox import run
from socialdesk.model import Account, Message, MessageLabel, MessageThread, Post
from tests.web.conftest import make_client

NOW = dt.datetime(2026, 6, 1, 12, 0)


def _threads(ws, specs: list[dict]) -> list[int]:
    """Open threads with one message from outside each; spec keys override the defaults."""
    ids = []
    with Session(ws.engine) as s, s.begin():
        for n, spec in enumerate(specs):
            t = MessageThread(
                workspace_id=ws.workspace_id,
                platform=spec.get("platform", "facebook"),
                external_id=f"q-{n}",
                status="new",
                account_id=spec.get("account_id"),
                post_external_id=spec.get("post"),
            )
            s.add(t)
            s.flush()
            s.add(
                Message(
                    workspace_id=ws.workspace_id,
                    thread_id=t.id,
                    platform=t.platform,
                    external_id=f"q-m{n}",
                    author_handle=f"@klant{n}",
                    text=spec.get("text", f"Bericht {n}"),
                    language="nl",
                    received_at=spec.get("at", NOW - dt.timedelta(hours=3)),
                    sentiment="negative",
                    sentiment_confidence=0.8,
                    intent=spec.get("intent", "complaint"),
                    intent_confidence=0.7,
                    urgency=spec.get("urgency", 0.5),
                    triaged_by="lexicon",
                    permalink=spec.get("permalink"),
                )
            )
            ids.append(t.id)
    return ids


def _bulk(ws, n: int, platform: str = "facebook") -> None:
    """`n` open threads quickly (one message each, urgency falling with the number)."""
    with Session(ws.engine) as s, s.begin():
        s.execute(
            insert(MessageThread),
            [
                {
                    "workspace_id": ws.workspace_id,
                    "platform": platform,
                    "external_id": f"b-{platform}-{i}",
                    "status": "new",
                    "updated_at": NOW,
                }
                for i in range(n)
            ],
        )
        tids = dict(
            s.query(MessageThread.external_id, MessageThread.id).filter(
                MessageThread.workspace_id == ws.workspace_id,
                MessageThread.external_id.like(f"b-{platform}-%"),
            )
        )
        s.execute(
            insert(Message),
            [
                {
                    "workspace_id": ws.workspace_id,
                    "thread_id": tids[f"b-{platform}-{i}"],
                    "platform": platform,
                    "external_id": f"bm-{platform}-{i}",
                    "author_handle": f"@p{i}",
                    "text": f"vraag {i}",
                    "received_at": NOW - dt.timedelta(hours=1),
                    "is_from_org": False,
                    "intent": "question",
                    "urgency": round(0.99 - i * 0.001, 4),
                }
                for i in range(n)
            ],
        )


def test_pages_of_fifty_with_counts_and_filters_kept(ws):
    _bulk(ws, 120)
    _bulk(ws, 7, platform="instagram")
    client = make_client(ws)
    now = NOW.isoformat()
    pages = [client.get(f"/inbox.json?now={now}&page={p}").json() for p in (1, 2, 3)]
    assert [len(p["rows"]) for p in pages] == [50, 50, 27]
    assert [p["offset"] for p in pages] == [0, 50, 100]
    assert {p["total"] for p in pages} == {127} and not pages[0]["total_capped"]
    seen = [r["thread_id"] for p in pages for r in p["rows"]]
    assert len(set(seen)) == 127  # every thread once, none twice across the pages
    priorities = [r["priority"] for p in pages for r in p["rows"]]
    assert priorities == sorted(priorities, reverse=True)  # most urgent first, page after page
    html = client.get(f"/inbox?lang=en&now={now}&page=2").text
    assert "51–100 of 127" in html
    assert html.count("<tr data-thread=") == 50
    assert 'href="/inbox?lang=en&amp;now=' in html and 'rel="prev"' in html and 'rel="next"' in html
    # a filter stays in the pager's links and counts its own threads
    only = client.get("/inbox?lang=en&platform=facebook&page=2").text
    (nxt,) = re.findall(r'<a href="([^"]+)" rel="next">', only)
    assert "platform=facebook" in nxt and "page=3" in nxt
    assert "51–100 of 120" in only
    last = client.get("/inbox?lang=en&platform=facebook&page=3").text
    assert "101–120 of 120" in last and 'rel="next"' not in last
    past = client.get("/inbox?lang=en&page=9")
    assert past.status_code == 200 and "past the last one" in past.text
    for bad in ("page=0", "page=-1", "limit=0", "limit=5001", "page=abc"):
        assert client.get(f"/inbox.json?{bad}").status_code == 422, bad


def test_the_count_stops_at_its_cap(ws, monkeypatch):
    _bulk(ws, 30)
    monkeypatch.setattr(run, "QUEUE_COUNT_CAP", 20)
    client = make_client(ws)
    data = client.get("/inbox.json?limit=10").json()
    assert data["total"] == 20 and data["total_capped"] is True
    assert "1–10 of more than 20" in client.get("/inbox?lang=en&limit=10").text


def test_queue_statements_are_bounded(ws):
    """The queue's own statements carry a LIMIT (the page, the count); none reads every
    thread of the workspace (the filter lists are capped too)."""
    _bulk(ws, 60)
    seen: list[str] = []

    def keep(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()).upper())

    event.listen(ws.engine, "before_cursor_execute", keep)
    try:
        assert len(make_client(ws).get("/inbox.json").json()["rows"]) == 50
    finally:
        event.remove(ws.engine, "before_cursor_execute", keep)
    threads = [q for q in seen if "FROM MESSAGE_THREAD" in q and "LIMIT" not in q]
    # the crisis banner reads the messages of its own dated window only
    assert all("RECEIVED_AT >=" in q for q in threads), threads
    ranked = [q for q in seen if "ORDER BY" in q and "LOG10" in q]
    assert ranked and all("LIMIT" in q and "OFFSET" in q for q in ranked)


def test_spam_is_folded_away_with_a_link_to_it(ws):
    ids = _threads(
        ws,
        [
            {"intent": "complaint", "urgency": 0.9},
            {"intent": "question", "urgency": 0.8},
            {"intent": "spam", "urgency": 0.95, "text": "Win een iPhone!!!"},
            {"intent": "spam", "urgency": 0.95, "text": "Koop volgers"},
            {"intent": "spam", "urgency": 0.95, "text": "Eigenlijk een vraag"},  # relabelled
            {"intent": "praise", "urgency": 0.1, "text": "Gratis crypto"},  # a person: spam
            {"intent": "spam", "platform": "instagram", "text": "Spam op Instagram"},
        ],
    )
    with Session(ws.engine) as s, s.begin():
        for tid, value in ((ids[4], "question"), (ids[5], "spam")):
            mid = s.query(Message.id).filter_by(thread_id=tid).scalar()
            s.add(
                MessageLabel(
                    workspace_id=ws.workspace_id,
                    message_id=mid,
                    kind="intent",
                    value=value,
                    set_by="anna",
                )
            )
    client = make_client(ws)
    data = client.get("/inbox.json").json()
    assert sorted(r["thread_id"] for r in data["rows"]) == sorted([ids[0], ids[1], ids[4]])
    assert data["spam_folded"] and data["spam"] == 4 and data["total"] == 3
    spam = client.get("/inbox.json?intent=spam").json()
    assert sorted(r["thread_id"] for r in spam["rows"]) == sorted([ids[2], ids[3], ids[5], ids[6]])
    assert not spam["spam_folded"] and spam["total"] == 4
    html = client.get("/inbox?lang=en&platform=facebook").text
    (link,) = re.findall(r'<a href="([^"]+)" data-spam-count="3">Spam \(3\)</a>', html)
    assert "intent=spam" in link and "platform=facebook" in link
    assert "Win een iPhone" not in html and "Eigenlijk een vraag" in html
    folded = client.get("/inbox?lang=en&intent=spam").text
    assert "Win een iPhone" in folded and "Back to the queue" in folded
    # another intent filter shows just that intent; spam is never in it
    questions = client.get("/inbox.json?intent=question").json()["rows"]
    assert [r["thread_id"] for r in questions] == [ids[4], ids[1]]  # more urgent first


def test_waiting_counts_from_when_the_person_wrote_not_from_the_import(ws, importer, tmp_path):
    """Imported today, written on 3 February 2025: the queue waits from 3 February."""
    export = tmp_path / "comments.json"  # the Graph API's /{post-id}/comments answer
    export.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "id": "1020304050_7001",
                        "message": "Wanneer is de open dag?",
                        "created_time": "2025-02-03T09:00:00+0000",
                        "from": {"name": "Marieke", "id": "5550101"},
                        "permalink_url": "https://www.facebook.com/1020304050/posts/1?comment_id=7001",
                    },
                    {
                        "id": "1020304050_7002",
                        "message": "Nog steeds geen antwoord",
                        "created_time": "2025-02-04T22:15:00+0100",
                        "from": {"name": "Dirk", "id": "5550102"},
                        "permalink_url": "javascript:alert(1)",
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    report = importer.import_paths([export])[0]
    assert report.status == "imported", report.error
    client = make_client(ws)
    moment = dt.datetime(2025, 2, 5, 9, 0)
    rows = {r["author_name"]: r for r in client.get(f"/inbox.json?now={moment}").json()["rows"]}
    assert rows["Marieke"]["waiting_since"].startswith("2025-02-03T09:00")
    assert rows["Marieke"]["minutes_waiting"] == (48 * 60)
    assert rows["Dirk"]["minutes_waiting"] == 11 * 60 + 45  # 22:15 at +01:00 is 21:15 UTC
    # at the wall clock the wait is the months since the message, not minutes since the import
    today = client.get("/inbox.json").json()["rows"]
    written = dt.datetime(2025, 2, 3, 9, 0)
    wall = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    marieke = next(r for r in today if r["author_name"] == "Marieke")
    assert abs(marieke["minutes_waiting"] - (wall - written).total_seconds() / 60) < 5
    html = client.get(f"/inbox?lang=en&now={moment}").text
    assert '<time datetime="2025-02-03T09:00:00Z">' in html
    # the file's links: the http(s) one is linked, the javascript: one is not
    assert (
        rows["Marieke"]["permalink"]
        == "https://www.facebook.com/1020304050/posts/1?comment_id=7001"
    )
    assert rows["Dirk"]["permalink"] is None
    assert "javascript:" not in html


def test_permalinks_only_http_and_escaped(ws):
    with Session(ws.engine) as s, s.begin():
        acc = Account(workspace_id=ws.workspace_id, platform="facebook", handle="groenfonds")
        s.add(acc)
        s.flush()
        s.add(
            Post(
                account_id=acc.id,
                external_id="p1",
                published_at=NOW - dt.timedelta(days=1),
                permalink="https://www.facebook.com/groenfonds/posts/p1",
            )
        )
        account = acc.id
    tricky = 'https://example.org/p?a=1&b="><script>alert(1)</script>'
    ids = _threads(
        ws,
        [
            {"permalink": tricky, "urgency": 0.9},
            {"permalink": "javascript:alert(1)", "urgency": 0.8},
            {"permalink": " data:text/html,<b>x</b>", "urgency": 0.7},
            {"permalink": "ftp://example.org/x", "urgency": 0.6},
            {"permalink": None, "urgency": 0.5, "account_id": account, "post": "p1"},
            {"permalink": "//evil.example/x", "urgency": 0.4},
        ],
    )
    client = make_client(ws)
    links = {r["thread_id"]: r["permalink"] for r in client.get("/inbox.json").json()["rows"]}
    assert links == {
        ids[0]: tricky,
        ids[1]: None,
        ids[2]: None,
        ids[3]: None,
        ids[4]: "https://www.facebook.com/groenfonds/posts/p1",  # the post's, when the
        ids[5]: None,  # message has none of its own
    }
    html = client.get("/inbox?lang=en").text
    anchors = re.findall(r"<a [^>]*data-permalink[^>]*>", html)
    assert len(anchors) == 2
    for a in anchors:
        assert 'target="_blank"' in a and 'rel="noopener noreferrer"' in a
    assert "<script>alert(1)</script>" not in html
    assert 'href="https://example.org/p?a=1&amp;b=&#34;&gt;&lt;script&gt;' in html
    assert "javascript:" not in html and "data:text" not in html and "ftp://" not in html


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("https://x.org/a", True),
        ("HTTP://x.org", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("https:///nohost", False),
        ("https://x.org/a b", False),
        ("https://x.org/\nb", False),
        ("mailto:a@b.c", False),
        ("", False),
        (None, False),
        (42, False),
    ],
)
def test_safe_link(value, safe):
    assert (run.safe_link(value) is not None) is safe
