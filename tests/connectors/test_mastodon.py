"""Mastodon: connect, sync, resume, errors, against the recorded API (tests/connectors/
mastodon_api.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
import respx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialdesk.connectors import run
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.secrets import SecretBox
from socialdesk.model import Account, Connection, Message, Post, PostMetrics, SyncRun
from socialdesk.results import dumps
from tests.connectors.mastodon_api import TOKEN, sample

OWN_POSTS = 95 - len([i for i in range(1, 96) if i % 6 == 5])  # replies to others are messages
ANSWERS = 95 - OWN_POSTS
MENTIONS = 30


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def api():
    fake = sample()
    with respx.mock(assert_all_called=False) as router:
        fake.install(router)
        yield fake


@pytest.fixture
def box(tmp_path) -> SecretBox:
    return SecretBox.for_workspace(tmp_path)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def _connect(ws, box, sleeps, token=TOKEN):
    with Session(ws.engine) as session, session.begin():
        health = run.connect(
            session,
            ws.workspace_id,
            "mastodon",
            {"instance": "mastodon.example", "token": token},
            box,
            created_by="tests",
            http=HttpOptions(sleep=sleeps),
        )
    return health.id


def _count(ws, model, *where):
    """Rows of this test's workspace (the PostgreSQL database is shared by the tests)."""
    query = select(func.count()).select_from(model)
    if model is PostMetrics:
        query = query.join(Post, Post.id == PostMetrics.post_id)
    if model in (Post, PostMetrics):
        query = query.join(Account, Account.id == Post.account_id).where(
            Account.workspace_id == ws.workspace_id
        )
    else:
        query = query.where(model.workspace_id == ws.workspace_id)
    with Session(ws.engine) as s:
        return s.scalar(query.where(*where))


def _sync(ws, box, sleeps, cid, **kw):
    return run.sync(
        ws.engine, ws.workspace_id, box, connection_id=cid, http=HttpOptions(sleep=sleeps), **kw
    )[0]


def test_connect_refuses_a_wrong_token_and_a_wrong_instance(ws, box, sleeps, api):
    with pytest.raises(run.ConnectRefused) as refused:
        _connect(ws, box, sleeps, token="wrong")
    assert refused.value.error.kind == "auth"
    assert "connect again" in refused.value.error.message
    with respx.mock() as router:
        router.get("https://nowhere.example/api/v1/accounts/verify_credentials").mock(
            side_effect=httpx.ConnectError("name not known")
        )
        with Session(ws.engine) as session, pytest.raises(run.ConnectRefused) as refused:
            run.connect(
                session,
                ws.workspace_id,
                "mastodon",
                {"instance": "nowhere.example", "token": TOKEN},
                box,
                created_by="tests",
                http=HttpOptions(sleep=sleeps, attempts=2),
            )
    assert "does not answer as a Mastodon instance" in refused.value.error.message
    assert _count(ws, Connection) == 0


def test_the_token_is_stored_encrypted_and_never_shown(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    with Session(ws.engine) as s:
        row = s.get(Connection, cid)
        assert TOKEN not in row.secret and box.open(row.secret) == {"token": TOKEN}
        result = run.connections(s, ws.workspace_id)
    text = dumps(result)
    assert TOKEN not in text and row.secret not in text
    assert result.connections[0].handle == "groenfonds@mastodon.example"
    assert result.connections[0].health == "never synced"
    # another key cannot read it, and says what to do
    other = SecretBox(b"0" * 43 + b"=", "SOCIALDESK_SECRET_KEY")
    with pytest.raises(Exception, match="saved with another key"):
        other.open(row.secret)


def test_sync_brings_posts_with_figures_and_messages_and_a_resync_changes_nothing(
    ws, box, sleeps, api
):
    cid = _connect(ws, box, sleeps)
    report = _sync(ws, box, sleeps, cid)
    assert report.status == "ok", report
    assert _count(ws, Post) == OWN_POSTS
    assert _count(ws, PostMetrics) == OWN_POSTS
    assert _count(ws, Message) == ANSWERS + MENTIONS
    assert _count(ws, Message, Message.kind == "dm") == 3
    assert _count(ws, Message, Message.is_from_org.is_(True)) == ANSWERS
    with Session(ws.engine) as s:
        first = api.statuses[0]
        post = s.scalar(
            select(Post)
            .join(Account)
            .where(Post.external_id == first["id"], Account.workspace_id == ws.workspace_id)
        )
        m = s.scalar(select(PostMetrics).where(PostMetrics.post_id == post.id))
        assert (m.likes, m.shares, m.comments) == (
            first["favourites_count"],
            first["reblogs_count"],
            first["replies_count"],
        )
        assert m.engagements == m.likes + m.shares + m.comments
        assert post.text == "Bericht 1 & meer"
    again = _sync(ws, box, sleeps, cid)
    assert again.status == "ok" and again.added == 0
    assert _count(ws, Post) == OWN_POSTS and _count(ws, Message) == ANSWERS + MENTIONS
    # the second run walked back only to the first run's newest mention (no refresh window
    # for messages) and the statuses of the last 14 days before the newest status
    assert again.streams[1].items == 1
    assert again.streams[0].items == len([i for i in range(1, 96) if (i - 1) * 30 <= 14 * 24 * 60])


def test_rate_limit_is_waited_out_with_retry_after(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    api.faults[("statuses", 2)] = httpx.Response(
        429, json={"error": "Too many requests"}, headers={"Retry-After": "7"}
    )
    report = _sync(ws, box, sleeps, cid)
    assert report.status == "ok"
    assert any(7 <= s < 8 for s in sleeps)
    assert _count(ws, Post) == OWN_POSTS


def test_a_long_retry_after_stops_the_stream_not_the_sync(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    api.faults[("statuses", 1)] = httpx.Response(
        429, json={"error": "Too many requests"}, headers={"Retry-After": "3600"}
    )
    report = _sync(ws, box, sleeps, cid)
    assert report.status == "partial"
    statuses, mentions = report.streams
    assert statuses.status == "failed" and statuses.error["kind"] == "rate"
    assert statuses.error["retry_at"] is not None
    assert mentions.status == "ok" and _count(ws, Message) == MENTIONS
    assert max(sleeps, default=0) < 3600  # it did not sit there for an hour


def test_a_server_error_half_way_keeps_what_was_written_and_the_next_run_resumes(
    ws, box, sleeps, api
):
    cid = _connect(ws, box, sleeps)
    api.faults[("statuses", 2)] = httpx.Response(500, text="Internal Server Error")
    api.sticky.add(("statuses", 2))
    report = _sync(ws, box, sleeps, cid)
    statuses = report.streams[0]
    assert statuses.status == "failed" and statuses.error["kind"] == "server"
    assert statuses.pages == 1
    assert _count(ws, Post) + _count(ws, Message, Message.is_from_org.is_(True)) == 40
    with Session(ws.engine) as s:
        health = run.connections(s, ws.workspace_id).connections[0]
    assert health.health == "failing" and "server error" in health.last_error
    assert health.streams[0].resumes
    api.sticky.clear()
    api.faults.clear()
    calls = len(api.calls)
    again = _sync(ws, box, sleeps, cid)
    assert again.status == "ok" and again.streams[0].resumed
    assert "max_id" in api.calls[calls]  # it went on at page 2, not from the top
    assert _count(ws, Post) == OWN_POSTS
    assert _count(ws, Message) == ANSWERS + MENTIONS


def test_an_answer_of_the_wrong_shape_names_stream_and_field(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    del api.statuses[43]["created_at"]  # on page 2, item 3
    report = _sync(ws, box, sleeps, cid)
    statuses, mentions = report.streams
    assert statuses.status == "failed" and statuses.error["kind"] == "shape"
    assert statuses.error["field"] == "[3].created_at" and statuses.error["stream"] == "statuses"
    assert mentions.status == "ok"
    assert _count(ws, Post) + _count(ws, Message, Message.is_from_org.is_(True)) == 40


def test_a_revoked_token_stops_the_run_and_says_connect_again(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    api.token = "rotated"
    report = _sync(ws, box, sleeps, cid)
    assert report.status == "failed"
    assert report.streams[0].error["kind"] == "auth"
    assert report.streams[1].status == "not run"
    with Session(ws.engine) as s:
        assert "connect again" in s.get(Connection, cid).last_error
        run_row = s.scalar(select(SyncRun).where(SyncRun.connection_id == cid))
        assert run_row.status == "failed"


def test_the_same_mention_from_an_export_file_and_the_api_is_one_message(
    ws, box, sleeps, api, importer, tmp_path
):
    import json

    from tests.connectors.mastodon_api import mention

    note = mention(3)
    path = tmp_path / "notifications.json"
    path.write_text(json.dumps([note]))
    [rep] = importer.import_paths([path], account="groenfonds")
    assert rep.status == "imported", rep.error
    cid = _connect(ws, box, sleeps)
    _sync(ws, box, sleeps, cid)
    assert _count(ws, Message, Message.external_id == note["status"]["id"]) == 1
    assert _count(ws, Message) == ANSWERS + MENTIONS


def test_a_killed_sync_resumes_and_lands_the_same_rows(ws, box, sleeps, api):
    from socialdesk.connectors import builtin_connectors
    from socialdesk.connectors.sync import sync_connection

    cid = _connect(ws, box, sleeps)
    cut = sync_connection(
        ws.engine,
        ws.workspace_id,
        cid,
        box,
        builtin_connectors(),
        http=HttpOptions(sleep=sleeps),
        max_pages=1,
    )
    assert [s.pages for s in cut.streams] == [1, 1]
    assert _count(ws, Post) < OWN_POSTS
    rest = _sync(ws, box, sleeps, cid)
    assert rest.streams[0].resumed
    assert _count(ws, Post) == OWN_POSTS and _count(ws, PostMetrics) == OWN_POSTS
    assert _count(ws, Message) == ANSWERS + MENTIONS


def test_an_answer_nobody_foresaw_fails_the_stream_in_plain_words(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    api.statuses[45]["created_at"] = "yesterday-ish"  # page 2: utc() cannot read it
    report = _sync(ws, box, sleeps, cid)
    statuses, mentions = report.streams
    assert report.status == "partial" and statuses.status == "failed"
    assert "could not read the platform's answer" in statuses.error["message"]
    assert mentions.status == "ok"
    with Session(ws.engine) as s:
        assert s.get(Connection, cid).last_ok_at is None  # never recorded as a good run


def test_a_cut_walk_that_cannot_go_on_starts_again_from_the_top(ws, box, sleeps, api):
    from socialdesk.connectors import builtin_connectors
    from socialdesk.connectors.sync import sync_connection

    cid = _connect(ws, box, sleeps)
    sync_connection(
        ws.engine,
        ws.workspace_id,
        cid,
        box,
        builtin_connectors(),
        http=HttpOptions(sleep=sleeps),
        max_pages=1,
    )
    api.faults[("statuses", 2)] = httpx.Response(410, json={"error": "cursor gone"})
    failed = _sync(ws, box, sleeps, cid)
    assert failed.streams[0].resumed and failed.streams[0].status == "failed"
    again = _sync(ws, box, sleeps, cid)  # not stuck on page 2: a new walk from the newest
    assert not again.streams[0].resumed and again.streams[0].status == "ok"
    assert _count(ws, Post) == OWN_POSTS


def test_the_key_file_is_closed_to_others_and_a_broken_one_is_named(tmp_path):
    import os

    from socialdesk.connectors.secrets import SecretKeyError

    box = SecretBox.for_workspace(tmp_path)
    sealed = box.seal({"token": "abc"})
    key = tmp_path / "secret.key"
    assert key.stat().st_mode & 0o777 == 0o600
    os.chmod(key, 0o644)
    assert SecretBox.for_workspace(tmp_path).open(sealed) == {"token": "abc"}
    assert key.stat().st_mode & 0o777 == 0o600
    key.write_text("")
    with pytest.raises(SecretKeyError, match="does not hold a key"):
        SecretBox.for_workspace(tmp_path)
