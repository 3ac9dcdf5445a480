"""LinkedIn Page: connect (the token, the Page, the member's role), the posts stream with its
figures and paging, and LinkedIn's errors, against the recorded API (tests/connectors/
linkedin_api.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import respx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from socialdesk.connectors import linkedin, run
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.secrets import SecretBox
from socialdesk.model import Account, Connection, Post, PostMetrics
from socialdesk.results import dumps
from tests.connectors.linkedin_api import (
    NOW,
    ORG_ID,
    ORG_URN,
    TOKEN,
    error,
    little,
    post,
    revoked,
    sample,
)

POSTS = 47


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def router():
    with respx.mock(assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture
def api(router):
    fake = sample(POSTS)
    fake.install(router)
    return fake


@pytest.fixture
def box(tmp_path) -> SecretBox:
    return SecretBox.for_workspace(tmp_path)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def _connect(ws, box, sleeps, page=ORG_ID, token=TOKEN):
    with Session(ws.engine) as session, session.begin():
        health = run.connect(
            session,
            ws.workspace_id,
            "linkedin",
            {"token": token, "page": page},
            box,
            created_by="tests",
            http=HttpOptions(sleep=sleeps),
        )
    return health.id


def _refused(ws, box, sleeps, **kw) -> run.ConnectorError:
    with pytest.raises(run.ConnectRefused) as refused:
        _connect(ws, box, sleeps, **kw)
    assert _count(ws, Connection) == 0
    return refused.value.error


def _count(ws, model, *where):
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


def _post(ws, urn):
    with Session(ws.engine) as s:
        row = s.scalar(
            select(Post)
            .join(Account)
            .where(Post.external_id == urn, Account.workspace_id == ws.workspace_id)
        )
        assert row is not None, urn
        metrics = s.scalar(select(PostMetrics).where(PostMetrics.post_id == row.id))
        s.expunge_all()
        return row, metrics


# -- connect ------------------------------------------------------------------------------
def test_connect_checks_the_page_and_the_role_and_stores_the_token_encrypted(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    with Session(ws.engine) as s:
        row = s.get(Connection, cid)
        assert (row.platform, row.handle, row.name) == ("linkedin", "groenfonds", "GroenFonds")
        assert row.external_id == ORG_ID
        assert row.settings["organization"] == ORG_URN
        assert row.settings["roles"] == ["ADMINISTRATOR"]
        assert TOKEN not in row.secret and box.open(row.secret) == {"token": TOKEN}
        text = dumps(run.connections(s, ws.workspace_id))
    assert TOKEN not in text
    # every call carried the version and the Rest.li protocol; the role was asked for this Page
    assert all(c.headers["linkedin-version"] == linkedin.API_VERSION for c in api.calls)
    acl = next(c for c in api.calls if c.url.path.endswith("/organizationAcls"))
    assert acl.url.params["organization"] == ORG_URN and acl.url.params["state"] == "APPROVED"


@pytest.mark.parametrize(
    "page",
    [
        f"urn:li:organization:{ORG_ID}",
        f"https://www.linkedin.com/company/{ORG_ID}/admin/dashboard/",
        "https://www.linkedin.com/company/groenfonds/",
        "groenfonds",
    ],
)
def test_the_page_may_be_given_by_urn_admin_address_or_public_address(ws, box, sleeps, api, page):
    cid = _connect(ws, box, sleeps, page=page)
    with Session(ws.engine) as s:
        assert s.get(Connection, cid).external_id == ORG_ID


def test_connect_refuses_an_expired_and_a_revoked_token_with_the_reason(ws, box, sleeps, api):
    api.token_state = "expired"
    refused = _refused(ws, box, sleeps)
    assert refused.kind == "auth" and "expired" in refused.message
    assert "60 days" in refused.message and "EXPIRED_ACCESS_TOKEN" in (refused.detail or "")
    api.token_state = "revoked"
    refused = _refused(ws, box, sleeps)
    assert refused.kind == "auth" and "revoked" in refused.message
    assert sleeps == []  # an auth error is not retried


def test_connect_refuses_a_member_who_is_not_an_admin_of_the_page(ws, box, sleeps, api):
    api.roles = ["ANALYST"]
    refused = _refused(ws, box, sleeps)
    assert refused.kind == "permission" and refused.field == "page"
    assert "ADMINISTRATOR" in refused.message
    assert refused.detail == f"roles on {ORG_URN}: ANALYST"
    api.roles = []
    assert _refused(ws, box, sleeps).detail == f"roles on {ORG_URN}: none"
    api.roles = ["CONTENT_ADMINISTRATOR"]  # a content admin may post
    assert _connect(ws, box, sleeps)


def test_connect_names_the_scopes_a_token_lacks(ws, box, sleeps, api):
    api.scopes.discard("rw_organization_admin")  # cannot read the member's role
    refused = _refused(ws, box, sleeps)
    assert refused.kind == "permission" and "rw_organization_admin" in refused.message
    api.scopes.add("rw_organization_admin")
    api.scopes.discard("r_organization_social")  # cannot read the posts
    refused = _refused(ws, box, sleeps)
    assert refused.kind == "permission" and "read the Page's posts" in refused.message


def test_connect_refuses_an_unknown_page_and_a_missing_input(ws, box, sleeps, api):
    refused = _refused(ws, box, sleeps, page="999")
    assert refused.kind == "input" and refused.field == "page"
    assert "no Page with this number" in refused.message
    refused = _refused(ws, box, sleeps, page="https://www.linkedin.com/company/nobody-here/")
    assert "no Page at this address" in refused.message
    assert _refused(ws, box, sleeps, page="").field == "page"
    assert _refused(ws, box, sleeps, token=" ").field == "token"
    assert _refused(ws, box, sleeps, page="https://example.com/x y").field == "page"


def test_a_version_linkedin_no_longer_serves_says_update(ws, box, sleeps, api, monkeypatch):
    monkeypatch.setattr(linkedin, "API_VERSION", "202401")
    refused = _refused(ws, box, sleeps)
    assert refused.kind == "input" and "update socialdesk" in refused.message
    assert "NONEXISTENT_VERSION" in (refused.detail or "")


def test_the_connector_is_registered_with_its_fields():
    [info] = [p for p in run.platforms() if p.platform == "linkedin"]
    assert [(f.name, f.secret) for f in info.fields] == [("token", True), ("page", False)]
    assert info.streams == ("posts",)


# -- the posts stream ---------------------------------------------------------------------
def test_sync_brings_the_posts_with_figures_and_a_resync_changes_nothing(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    report = _sync(ws, box, sleeps, cid)
    assert report.status == "ok", report
    assert _count(ws, Post) == POSTS
    assert report.streams[0].pages == 3  # 20 a page
    posts = [c for c in api.calls if c.url.path.endswith("/posts")][1:]  # after connect's look
    assert all(c.url.params["sortBy"] == "CREATED" for c in posts)
    assert [c.url.params["start"] for c in posts] == ["0", "20", "40"]

    first, m = _post(ws, api.posts[1]["id"])
    assert first.text == "Bericht 1 (nieuws) #groen"  # read back from the little format
    assert first.permalink == f"https://www.linkedin.com/feed/update/{api.posts[1]['id']}/"
    assert first.media_type == "text"
    # 00:00 UTC on the 30th of November on Amsterdam's wall clock (UTC+1 in winter)
    assert first.published_at == dt.datetime(2026, 11, 30, 1, 0)
    figures = api.figures[api.posts[1]["id"]]
    assert (m.impressions, m.reach, m.clicks) == (
        figures["impressionCount"],
        figures["uniqueImpressionsCount"],
        figures["clickCount"],
    )
    assert (m.reactions, m.comments, m.shares) == (
        figures["likeCount"],
        figures["commentCount"],
        figures["shareCount"],
    )
    assert m.extra["engagement_rate"] == pytest.approx(figures["engagement"])
    assert _post(ws, api.posts[3]["id"])[0].media_type == "photo"
    assert _post(ws, api.posts[5]["id"])[0].media_type == "carousel"
    assert _post(ws, api.posts[7]["id"])[0].media_type == "link"
    video, video_m = _post(ws, api.posts[9]["id"])
    assert video.media_type == "video" and api.posts[9]["id"].startswith("urn:li:ugcPost:")
    assert video_m.impressions == api.figures[api.posts[9]["id"]]["impressionCount"]
    _, newest_m = _post(ws, api.posts[0]["id"])  # LinkedIn has no figures for it yet
    assert newest_m is None or newest_m.impressions is None

    again = _sync(ws, box, sleeps, cid)
    assert again.status == "ok" and again.added == 0
    assert _count(ws, Post) == POSTS
    # the second run walked back only over the refresh window (14 days before the newest)
    assert again.streams[0].items == len([i for i in range(POSTS) if i * 12 <= 14 * 24])


def test_paging_by_total_and_by_links_ends_on_the_last_page(ws, box, sleeps, api):
    api.with_total = True
    cid = _connect(ws, box, sleeps)
    assert _sync(ws, box, sleeps, cid).streams[0].pages == 3
    assert _count(ws, Post) == POSTS
    body = {"elements": [{}] * 20, "paging": {"start": 40, "count": 20, "links": []}}
    assert linkedin.next_start(body, 40, 20, 20) == "60"  # a full page without links: ask on
    assert linkedin.next_start(body, 40, 7, 20) is None


def test_the_walk_follows_creation_not_last_edit(ws, box, sleeps, api):
    """LinkedIn's finder sorts by LAST_MODIFIED unless asked: a post of 20 days ago edited
    today would come first and end the refresh walk at once."""
    api.posts[40] = post(40, edited_minutes_ago=5)
    cid = _connect(ws, box, sleeps)
    _sync(ws, box, sleeps, cid)
    again = _sync(ws, box, sleeps, cid)
    assert again.streams[0].items == len([i for i in range(POSTS) if i * 12 <= 14 * 24])


def test_a_member_who_may_not_read_figures_still_gets_the_posts(ws, box, sleeps, api):
    api.roles = ["CONTENT_ADMINISTRATOR"]
    cid = _connect(ws, box, sleeps)
    report = _sync(ws, box, sleeps, cid)
    assert report.status == "ok" and _count(ws, Post) == POSTS
    _, m = _post(ws, api.posts[2]["id"])
    assert m is None or m.impressions is None


def test_the_daily_rate_limit_stops_the_stream_until_midnight_utc(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    api.faults["posts"] = [error(429, "TOO_MANY_REQUESTS", "Resource level throttle limit")]
    api.sticky.add("posts")
    report = _sync(ws, box, sleeps, cid)
    stream = report.streams[0]
    assert stream.status == "failed" and stream.error["kind"] == "rate"
    assert stream.error["retry_at"] == "2026-12-01T00:05:00+00:00"  # after the Date's midnight
    assert len(sleeps) == 4 and max(sleeps) <= 8  # a few quick tries first, then it waits


def test_a_short_throttle_is_waited_out(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    api.faults["posts"] = [None, error(429, "TOO_MANY_REQUESTS", "throttled")]
    report = _sync(ws, box, sleeps, cid)
    assert report.status == "ok" and _count(ws, Post) == POSTS and len(sleeps) == 1


def test_a_server_error_is_retried_and_a_revoked_token_says_connect_again(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    api.faults["stats"] = [httpx.Response(504, text="Gateway Timeout")]
    assert _sync(ws, box, sleeps, cid).status == "ok"
    api.faults["posts"] = [revoked()]
    report = _sync(ws, box, sleeps, cid)
    assert report.status == "failed" and report.streams[0].error["kind"] == "auth"
    with Session(ws.engine) as s:
        assert "revoked" in s.get(Connection, cid).last_error


def test_an_answer_of_the_wrong_shape_names_the_field(ws, box, sleeps, api):
    cid = _connect(ws, box, sleeps)
    del api.posts[23]["createdAt"]  # page 2, item 3
    stream = _sync(ws, box, sleeps, cid).streams[0]
    assert stream.status == "failed" and stream.error["kind"] == "shape"
    assert stream.error["field"] == "elements[3].createdAt"
    assert _count(ws, Post) == 20


def test_little_text_reads_back_as_plain_text():
    assert linkedin.little_plain(little("a (b) [c] {d} <e> *f* _g_ ~h~ | i \\ j @k #tag")) == (
        "a (b) [c] {d} <e> *f* _g_ ~h~ | i \\ j @k #tag"
    )
    assert linkedin.little_plain("Hoi @[GroenFonds](urn:li:organization:1) \\#1") == (
        "Hoi GroenFonds #1"
    )
    assert linkedin.little_plain(None) == ""


def test_times_are_read_from_milliseconds_as_naive_utc():
    assert linkedin.ms_time(int(NOW.timestamp() * 1000)) == NOW.replace(tzinfo=None)
    assert linkedin.ms_time(None) is None and linkedin.ms_time(True) is None
