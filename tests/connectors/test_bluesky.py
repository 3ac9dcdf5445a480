"""Bluesky against a real local AT Protocol network (PLC, PDS and the Bluesky AppView from
@atproto/dev-env, tests/connectors/pds): accounts post, like, repost, reply, quote and mention;
socialdesk connects with an app password, syncs, and the counts are exact; a second sync changes
nothing; a sync cut off after one page and resumed lands the same rows as one in one go."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialdesk.connectors import builtin_connectors, run
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.secrets import SecretBox
from socialdesk.connectors.sync import sync_connection
from socialdesk.model import Account, Message, Post, PostMetrics
from socialdesk.store.session import ensure_workspace
from tests.connectors.pds_client import post_record, timeline

HTTP = HttpOptions(sleep=lambda _s: None)


def _connect(ws_id, engine, box, account, pds):
    with Session(engine) as session, session.begin():
        return run.connect(
            session,
            ws_id,
            "bluesky",
            {
                "handle": account.handle,
                "app_password": account.app_password,
                "service": pds.pds_url,
            },
            box,
            created_by="t",
            http=HTTP,
        ).id


def _posts(engine, ws_id):
    with Session(engine) as s:
        rows = s.execute(
            select(
                Post.external_id,
                PostMetrics.likes,
                PostMetrics.shares,
                PostMetrics.comments,
                PostMetrics.engagements,
            )
            .join(Account)
            .join(PostMetrics, PostMetrics.post_id == Post.id)
            .where(Account.workspace_id == ws_id)
        ).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def _messages(engine, ws_id):
    with Session(engine) as s:
        return {
            (m.external_id, m.kind, m.is_from_org)
            for m in s.scalars(select(Message).where(Message.workspace_id == ws_id))
        }


def test_connect_refuses_a_wrong_app_password(ws, tmp_path, pds):
    org = pds.new_account("org")
    box = SecretBox.for_workspace(tmp_path)
    with Session(ws.engine) as session, pytest.raises(run.ConnectRefused) as refused:
        run.connect(
            session,
            ws.workspace_id,
            "bluesky",
            {"handle": org.handle, "app_password": "abcd-efgh-ijkl-mnop", "service": pds.pds_url},
            box,
            created_by="t",
            http=HTTP,
        )
    assert refused.value.error.kind == "auth"
    assert "app password is not accepted" in refused.value.error.message


def test_posts_interactions_and_notifications_are_exact(ws, tmp_path, pds):
    c = pds.client
    org, fan, fan2 = pds.new_account("org"), pds.new_account("fan"), pds.new_account("fan")
    posts = [c.post(org, f"Bericht {i} van de stichting") for i in range(5)]
    pds.process_all()  # a reply notifies only when its parent is indexed before it
    c.like(fan, posts[0])
    c.like(fan2, posts[0])
    c.repost(fan, posts[1])
    question = c.reply(fan, posts[0], "Wanneer is de volgende plantdag?")
    answer = c.reply(org, question, "Zaterdag om tien uur!")
    mention = c.post(fan2, f"Hoi @{org.handle}, kan ik helpen?", mentions=[org])
    quote = c.post(fan, "Mooi initiatief", quote=posts[2])
    c.follow(fan, org)
    pds.process_all()

    box = SecretBox.for_workspace(tmp_path)
    cid = _connect(ws.workspace_id, ws.engine, box, org, pds)
    report = run.sync(ws.engine, ws.workspace_id, box, connection_id=cid, http=HTTP)[0]
    assert report.status == "ok", report
    got = _posts(ws.engine, ws.workspace_id)
    assert set(got) == {p.uri for p in posts}  # the answer to a fan is a message, not a post
    assert got[posts[0].uri][:3] == (2, 0, 1)  # likes, shares (reposts), comments (replies)
    assert got[posts[1].uri][:3] == (0, 1, 0)
    assert got[posts[2].uri][3] == 1  # engagements: the quote counts
    assert _messages(ws.engine, ws.workspace_id) == {
        (question.uri, "reply", False),
        (mention.uri, "mention", False),
        (quote.uri, "mention", False),
        (answer.uri, "reply", True),
    }
    again = run.sync(ws.engine, ws.workspace_id, box, connection_id=cid, http=HTTP)[0]
    assert again.status == "ok" and again.added == 0
    assert len(_posts(ws.engine, ws.workspace_id)) == 5


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_sync_cut_off_and_resumed_lands_the_same_rows(ws, tmp_path, pds):
    c = pds.client
    org, fan = pds.new_account("org"), pds.new_account("fan")
    times = timeline(250)
    refs = list(
        c.bulk_posts(org, (post_record(f"Post {i}", created_at=t) for i, t in enumerate(times)))
    )
    pds.process_all()
    replies = timeline(130)
    list(
        c.bulk_posts(
            fan,
            (
                post_record(f"Reactie {i}", reply_to=refs[i % 250], created_at=t)
                for i, t in enumerate(replies)
            ),
        )
    )
    pds.process_all()
    box = SecretBox.for_workspace(tmp_path)
    # workspace 1: cut off after one page of each stream, then resumed
    cid = _connect(ws.workspace_id, ws.engine, box, org, pds)
    cut = sync_connection(
        ws.engine, ws.workspace_id, cid, box, builtin_connectors(), http=HTTP, max_pages=1
    )
    assert [s.pages for s in cut.streams] == [1, 1]
    assert len(_posts(ws.engine, ws.workspace_id)) == 100
    rest = run.sync(ws.engine, ws.workspace_id, box, connection_id=cid, http=HTTP)[0]
    assert all(s.resumed for s in rest.streams)
    # workspace 2: the same account in one go
    other = ensure_workspace(ws.engine, f"t-{uuid.uuid4().hex[:12]}")
    cid2 = _connect(other, ws.engine, box, org, pds)
    run.sync(ws.engine, other, box, connection_id=cid2, http=HTTP)
    assert _posts(ws.engine, ws.workspace_id) == _posts(ws.engine, other)
    assert len(_posts(ws.engine, other)) == 250
    assert _messages(ws.engine, ws.workspace_id) == _messages(ws.engine, other)
    with Session(ws.engine) as s:
        count = s.scalar(
            select(func.count()).select_from(Message).where(Message.workspace_id == other)
        )
    assert count == 130
