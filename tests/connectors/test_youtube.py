"""YouTube: a person's consent through the loopback flow (PKCE), videos with their figures,
the channel's days and comments; an expired consent in plain words. Recorded YouTube
(tests/connectors/youtube_api.py)."""

from __future__ import annotations

import datetime as dt
import threading
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
import respx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialdesk.connectors import run
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.google import consent
from socialdesk.connectors.secrets import SecretBox
from socialdesk.connectors.youtube import SCOPES, seconds
from socialdesk.model import Account, AccountDay, Message, Post, PostMetrics
from tests.connectors.youtube_api import CLIENT_ID, CLIENT_SECRET, FakeYouTube

HTTP = HttpOptions(sleep=lambda _s: None)


@pytest.fixture
def api():
    fake = FakeYouTube()
    with respx.mock(assert_all_called=False) as router:
        fake.install(router)
        yield fake


def _browser(fake: FakeYouTube, *, state: str | None = None):
    """Google's consent page, as a person who says yes: the redirect to the loopback server."""

    def open_url(url: str) -> None:
        query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        assert query["code_challenge_method"] == "S256" and query["access_type"] == "offline"
        assert set(query["scope"].split()) == set(SCOPES)
        code = f"4/code-{len(fake.codes)}"
        fake.codes[code] = query["code_challenge"]
        target = f"{query['redirect_uri']}/?state={state or query['state']}&code={code}"

        def visit() -> None:
            try:
                urllib.request.urlopen(target, timeout=10).read()
            except OSError:
                pass  # a refused answer (another state) is the server's 404: nothing to read

        threading.Thread(target=visit, daemon=True).start()

    return open_url


def test_consent_gives_a_refresh_token_and_checks_the_state(api):
    with respx.mock(assert_all_called=False) as router:
        router.route(host="127.0.0.1").pass_through()
        api.install(router)
        refresh = consent(CLIENT_ID, CLIENT_SECRET, SCOPES, _browser(api), HTTP, timeout=10)
        assert refresh in api.refresh_tokens
        from socialdesk.connectors.errors import ConnectorError

        # an answer with another state is not taken: the flow keeps waiting for its own
        with pytest.raises(ConnectorError, match="in time"):
            consent(
                CLIENT_ID, CLIENT_SECRET, SCOPES, _browser(api, state="forged"), HTTP, timeout=2
            )


def test_videos_days_and_comments(ws, tmp_path, api):
    api.refresh_tokens.add("1//given")
    box = SecretBox.for_workspace(tmp_path)
    with Session(ws.engine) as session, session.begin():
        health = run.connect(
            session,
            ws.workspace_id,
            "youtube",
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": "1//given"},
            box,
            created_by="t",
            http=HTTP,
        )
    assert (health.handle, health.name) == ("@groendak", "Stichting Groen Dak")
    report = run.sync(
        ws.engine,
        ws.workspace_id,
        box,
        connection_id=health.id,
        http=HTTP,
        since=dt.datetime(2026, 9, 1),
    )[0]
    assert report.status == "ok", report
    videos, days, comments = report.streams
    in_window = [v for v in api.videos if v["snippet"]["publishedAt"] >= "2026-09-01"]
    assert videos.added == len(in_window) and videos.pages == 2
    assert days.items == (dt.datetime.now(dt.UTC).date() - dt.date(2026, 9, 1)).days + 1
    # 40 threads, 20 answers of the channel; thread 3 has 12 replies, fetched by parentId
    assert comments.added == 40 + 20 - 1 + 12
    with Session(ws.engine) as s:
        post = s.scalar(
            select(Post)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id, Post.external_id == "vid00000007")
        )
        m = s.scalar(select(PostMetrics).where(PostMetrics.post_id == post.id))
        assert (m.views, m.likes, m.comments) == (1007, 57, 3)
        assert post.duration_seconds == 2 * 60 + 17 and post.title == "Video 7"
        day = s.scalar(
            select(AccountDay)
            .join(Account)
            .where(Account.workspace_id == ws.workspace_id, AccountDay.date == dt.date(2026, 9, 3))
        )
        assert day.views == 30 and day.watch_time_hours == pytest.approx(40 / 60)
        assert (
            s.scalar(
                select(func.count())
                .select_from(Message)
                .where(Message.workspace_id == ws.workspace_id, Message.is_from_org.is_(True))
            )
            == 20 - 1  # thread 3's replies are the 12 fetched by parentId, none the channel's
        )


def test_a_withdrawn_consent_says_connect_again(ws, tmp_path, api):
    api.refresh_tokens.add("1//given")
    box = SecretBox.for_workspace(tmp_path)
    with Session(ws.engine) as session, session.begin():
        cid = run.connect(
            session,
            ws.workspace_id,
            "youtube",
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": "1//given"},
            box,
            created_by="t",
            http=HTTP,
        ).id
    api.refresh_tokens.clear()  # the owner revoked socialdesk's access
    report = run.sync(ws.engine, ws.workspace_id, box, connection_id=cid, http=HTTP)[0]
    assert report.status == "failed"
    assert "connect again" in report.streams[0].error["message"]
    assert "expired or revoked" in report.streams[0].error["detail"]


def test_iso_durations():
    assert seconds("PT1H2M3S") == 3723 and seconds("P1DT1S") == 86401
    assert seconds("PT45S") == 45 and seconds("") is None and seconds("P0D") == 0
