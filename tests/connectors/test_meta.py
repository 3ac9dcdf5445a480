"""Meta: connect with a Page or user token, sync Facebook and Instagram posts, comments and
conversations; an expired token (190), a missing permission (200), a rate limit (4) and a
transient error (1) half-way; the exported and the synced post are one. Recorded Graph API
(tests/connectors/meta_api.py), SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import respx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialdesk.connectors import run
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.secrets import SecretBox
from socialdesk.model import Account, Message, Post, PostMetrics
from tests.conftest import fixture_path
from tests.connectors.meta_api import (
    EXPIRED,
    PAGE_ID,
    PAGE_NAME,
    PAGE_TOKEN,
    USER_TOKEN,
    error,
    sample,
)

FB_COMMENTS = sum((i % 3) + 1 for i in range(60) if i % 3)
MESSAGES = FB_COMMENTS + 30 * 2 + 7 * 2 + 4 * 2


def _no_sleep(_s: float) -> None:
    return None


HTTP = HttpOptions(sleep=_no_sleep)


@pytest.fixture
def api():
    fake = sample()
    with respx.mock(assert_all_called=False) as router:
        fake.install(router)
        yield fake


@pytest.fixture
def box(tmp_path) -> SecretBox:
    return SecretBox.for_workspace(tmp_path)


def _connect(ws, box, **values):
    with Session(ws.engine) as session, session.begin():
        return run.connect(session, ws.workspace_id, "meta", values, box, created_by="t", http=HTTP)


def _posts(ws, platform):
    with Session(ws.engine) as s:
        return s.scalar(
            select(func.count())
            .select_from(Post)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id, Account.platform == platform)
        )


def _messages(ws, *where):
    with Session(ws.engine) as s:
        return s.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.workspace_id == ws.workspace_id, *where)
        )


def _sync(ws, box, cid):
    return run.sync(ws.engine, ws.workspace_id, box, connection_id=cid, http=HTTP)[0]


def test_a_page_token_connects_the_page_and_its_instagram(ws, box, api):
    health = _connect(ws, box, token=PAGE_TOKEN)
    assert (health.handle, health.name) == (PAGE_NAME, PAGE_NAME)
    # the health says when the token expires and what it may do (debug_token)
    assert health.expires_at == dt.datetime(2027, 1, 15, 8, 0)
    assert "read_insights" in health.scopes
    with Session(ws.engine) as s:
        from socialdesk.model import Connection

        row = s.get(Connection, health.id)
        assert row.settings["instagram_username"] == "groendak"
        assert box.open(row.secret) == {"token": PAGE_TOKEN}


def test_a_user_token_needs_the_page_named_and_stores_the_pages_own_token(ws, box, api):
    with pytest.raises(run.ConnectRefused) as refused:
        _connect(ws, box, token=USER_TOKEN)
    assert refused.value.error.field == "page"
    assert "Andere Pagina" in refused.value.error.detail
    health = _connect(ws, box, token=USER_TOKEN, page=PAGE_NAME)
    with Session(ws.engine) as s:
        from socialdesk.model import Connection

        assert box.open(s.get(Connection, health.id).secret) == {"token": PAGE_TOKEN}


def test_an_expired_token_is_refused_at_connect_with_metas_words(ws, box, api):
    with pytest.raises(run.ConnectRefused) as refused:
        _connect(ws, box, token="EAAGexpired")
    assert refused.value.error.kind == "auth"
    assert "Session has expired" in refused.value.error.detail


def test_sync_brings_both_accounts_posts_comments_and_messages(ws, box, api):
    cid = _connect(ws, box, token=PAGE_TOKEN).id
    report = _sync(ws, box, cid)
    assert report.status == "ok", report
    assert _posts(ws, "facebook") == 60 and _posts(ws, "instagram") == 30
    assert _messages(ws) == MESSAGES
    assert _messages(ws, Message.kind == "dm") == 22
    # the Page answers 40 comments, the Instagram account 30; one answer per conversation
    assert _messages(ws, Message.is_from_org.is_(True)) == 40 + 30 + 7 + 4
    with Session(ws.engine) as s:
        post = s.scalar(
            select(Post)
            .join(Account)
            .where(
                Account.workspace_id == ws.workspace_id, Post.external_id == "900000000000001007"
            )
        )
        m = s.scalar(select(PostMetrics).where(PostMetrics.post_id == post.id))
        assert (m.reactions, m.comments, m.shares, m.reach, m.clicks) == (17, 2, 2, 1070, 47)
        assert m.engagements == 17 + 2 + 2
        assert post.media_type == "photo"
        reel = s.scalar(select(Post).where(Post.external_id == "18000000000000003"))
        assert reel.media_type == "reel"
    again = _sync(ws, box, cid)
    assert again.status == "ok" and again.added == 0
    assert _messages(ws) == MESSAGES


def test_the_exported_post_and_the_synced_post_are_one(ws, box, api, importer):
    [rep] = importer.import_paths(
        [fixture_path("meta", "meta_business_suite_facebook_posts_en.csv")]
    )
    assert rep.status == "imported", rep.error
    before = _posts(ws, "facebook")
    cid = _connect(ws, box, token=PAGE_TOKEN).id
    _sync(ws, box, cid)
    assert _posts(ws, "facebook") == before + 59  # 900000000000000001 was in the export
    with Session(ws.engine) as s:
        accounts = s.scalars(
            select(Account).where(
                Account.workspace_id == ws.workspace_id, Account.platform == "facebook"
            )
        ).all()
    assert [(a.handle, a.external_id) for a in accounts] == [(PAGE_NAME, PAGE_ID)]


def test_a_missing_permission_stops_only_its_stream(ws, box, api):
    cid = _connect(ws, box, token=PAGE_TOKEN).id
    api.faults[("messenger", 1)] = error(
        200, "(#200) Requires pages_messaging permission to manage the object", status=403
    )
    report = _sync(ws, box, cid)
    assert report.status == "partial"
    by_name = {s.name: s for s in report.streams}
    assert by_name["messenger"].error["kind"] == "permission"
    assert "pages_messaging" in by_name["messenger"].error["detail"]
    assert all(s.status == "ok" for n, s in by_name.items() if n != "messenger")


def test_rate_limits_and_transient_errors_are_retried(ws, box, api):
    cid = _connect(ws, box, token=PAGE_TOKEN).id
    api.faults[("posts", 2)] = error(4, "(#4) Application request limit reached")
    api.faults[("media", 1)] = error(
        1, "An unknown error has occurred.", status=500, transient=True
    )
    report = _sync(ws, box, cid)
    assert report.status == "ok", report
    assert _posts(ws, "facebook") == 60 and _posts(ws, "instagram") == 30


def test_a_token_that_expires_half_way_keeps_the_pages_written_and_resumes(ws, box, api):
    cid = _connect(ws, box, token=PAGE_TOKEN).id
    api.faults[("posts", 2)] = EXPIRED
    report = _sync(ws, box, cid)
    first = report.streams[0]
    assert report.status == "failed" and first.error["kind"] == "auth" and first.pages == 1
    assert "connect again" in first.error["message"]
    assert all(s.status == "not run" for s in report.streams[1:])
    assert _posts(ws, "facebook") == 50
    again = _sync(ws, box, cid)  # the fault was once: the token works again
    assert again.status == "ok" and again.streams[0].resumed
    assert _posts(ws, "facebook") == 60 and _messages(ws) == MESSAGES


def test_a_token_meta_echoes_in_its_error_is_never_shown(ws, box, api):
    cid = _connect(ws, box, token=PAGE_TOKEN).id
    api.faults[("posts", 1)] = error(190, f"Malformed access token {PAGE_TOKEN}", subcode=None)
    report = _sync(ws, box, cid)
    detail = report.streams[0].error["detail"]
    assert PAGE_TOKEN not in detail and "[hidden]" in detail
    with Session(ws.engine) as s:
        from socialdesk.model import SyncRun

        runs = s.scalars(select(SyncRun)).all()
        assert all(PAGE_TOKEN not in str(r.streams) for r in runs)
