"""Mastodon's scheduled statuses: a scheduled item is handed to the instance, which publishes
it at its time even when socialdesk is not running; the worker then records the post and
posts the first comment under it. An item sent back or moved is taken back there first.
Against the recorded Mastodon API (tests/publishing/mastodon_publish_api.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
import respx
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialdesk.connectors import mastodon as connector
from socialdesk.connectors import run as connections
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.errors import ConnectorError
from socialdesk.connectors.secrets import SecretBox
from socialdesk.marketing import run as marketing
from socialdesk.model import PlanItem, Post, Publication
from socialdesk.publishing import mastodon, run
from socialdesk.publishing.base import Draft
from tests.publishing.mastodon_publish_api import INSTANCE, TOKEN, sample

HTTP = HttpOptions(sleep=lambda _s: None)
KEY = "plan-9:mastodon:1"
# the instance's clock and the worker's: the present, as a move of an item in the calendar
# is judged against the real clock (an item moved into the past is not sent by surprise)
START = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(minutes=5)


@pytest.fixture
def router() -> Iterator[respx.Router]:
    with respx.mock(assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture
def fake(router):
    api = sample(now=START)
    api.install(router)
    return api


def _api():
    return connector.client({"token": TOKEN}, {"instance": INSTANCE}, HTTP)


def _draft(text: str = "Boomfeestdag! #groen", **kw) -> Draft:
    return Draft(network="mastodon", text=text, created_at=START, language="nl", **kw)


# -- the publisher's functions ---------------------------------------------------------------
def test_a_handed_status_waits_at_the_instance_and_goes_out_at_its_time(fake):
    at = START + dt.timedelta(hours=3)
    with _api() as api:
        handed = mastodon.hand_over(api, _draft(), KEY, at)
        assert mastodon.hand_over(api, _draft(), KEY, at) == handed  # the key: one, not two
        assert list(fake.scheduled) == [handed]
        assert fake.posts[0]["form"]["scheduled_at"] == [f"{at:%Y-%m-%dT%H:%M:%S}.000Z"]
        assert mastodon.pending(api, handed)
        assert mastodon.find(api, _draft(), KEY, at - dt.timedelta(minutes=1)) is None
        fake.tick(at + dt.timedelta(minutes=1))
        assert not mastodon.pending(api, handed)
        sent = mastodon.find(api, _draft(), KEY, at - dt.timedelta(minutes=1))
    assert sent is not None and sent.published_at == at


def test_a_time_under_five_minutes_ahead_is_refused_with_the_reason(fake):
    with _api() as api, pytest.raises(ConnectorError) as refused:
        mastodon.hand_over(api, _draft(), KEY, START + dt.timedelta(minutes=3))
    assert refused.value.kind == "input" and "future" in (refused.value.detail or "")


def test_cancel_takes_it_back_and_says_when_it_was_gone_already(fake):
    with _api() as api:
        handed = mastodon.hand_over(api, _draft(), KEY, START + dt.timedelta(hours=1))
        assert mastodon.cancel(api, handed) is True
        assert fake.scheduled == {}
        assert mastodon.cancel(api, handed) is False
        fake.tick(START + dt.timedelta(hours=2))
    assert fake.made == []  # nothing went out


def test_the_first_comment_is_posted_under_the_status_the_instance_published(fake):
    at = START + dt.timedelta(hours=1)
    draft = _draft(first_comment="Meer info in de reacties")
    with _api() as api:
        mastodon.hand_over(api, draft, KEY, at)
        fake.tick(at)
        sent = mastodon.find(api, draft, KEY, at - dt.timedelta(minutes=1))
        assert sent is not None
        with_comment = mastodon.comment(api, draft, KEY, sent)
        again = mastodon.comment(api, draft, KEY, with_comment)  # no second comment
    reply = fake.status_by_id(with_comment.answer["comment_id"])
    assert reply["in_reply_to_id"] == sent.remote_id and reply["visibility"] == "unlisted"
    assert again is with_comment
    assert sum(1 for s in fake.made if s["in_reply_to_id"]) == 1


# -- through the worker's round ----------------------------------------------------------------
def _setup(ws, fake, *, minutes: int = 180, first_comment: str | None = None):
    box = SecretBox.for_workspace(ws.folder)
    with Session(ws.engine) as s, s.begin():
        conn = connections.connect(
            s,
            ws.workspace_id,
            "mastodon",
            {"instance": INSTANCE, "token": TOKEN},
            box,
            created_by="t",
            http=HTTP,
        ).id
    at = (START + dt.timedelta(minutes=minutes)).replace(tzinfo=None)
    with Session(ws.engine) as s, s.begin():
        item = PlanItem(
            workspace_id=ws.workspace_id,
            title="Boomfeestdag",
            status="draft",
            scheduled_at=at,
            text="Boomfeestdag! Plant een boom #groen",
            first_comment=first_comment,
            created_by="t",
        )
        s.add(item)
        s.flush()
        run.set_targets(s, ws.workspace_id, item.id, [conn], by="t")
        run.approve(s, ws.workspace_id, item.id, by="local")
        run.schedule(s, ws.workspace_id, item.id, ws.folder, by="t", now=START.replace(tzinfo=None))
        return box, item.id, at


def _round(ws, box, now: dt.datetime):
    return run.publish_due(ws.engine, ws.workspace_id, ws.folder, box, now=now, http=HTTP)


def _pub(ws, item: int) -> Publication:
    with Session(ws.engine) as s:
        return s.scalars(select(Publication).where(Publication.plan_item_id == item)).one()


def test_the_worker_hands_over_then_records_what_the_instance_published(ws, fake):
    box, item, at = _setup(ws, fake, first_comment="Doe mee!")
    now = START.replace(tzinfo=None)
    assert [o.status for o in _round(ws, box, now)] == ["handed"]
    pub = _pub(ws, item)
    assert pub.status == "handed" and pub.handed_id in fake.scheduled
    assert _round(ws, box, now + dt.timedelta(minutes=1)) == []  # handed once
    # socialdesk is off; the instance publishes at the time
    fake.tick(at.replace(tzinfo=dt.UTC) + dt.timedelta(minutes=5))
    done = _round(ws, box, at + dt.timedelta(minutes=5))
    assert [o.status for o in done] == ["published"]
    pub = _pub(ws, item)
    assert pub.status == "published" and pub.published_at == at
    statuses = [s for s in fake.made if not s["in_reply_to_id"]]
    comments = [s for s in fake.made if s["in_reply_to_id"]]
    assert len(statuses) == 1 and len(comments) == 1
    assert comments[0]["in_reply_to_id"] == statuses[0]["id"] == pub.remote_id
    with Session(ws.engine) as s:
        assert s.get(Post, pub.post_id) is not None
        assert s.get(PlanItem, item).status == "published"  # type: ignore[union-attr]
        actions = [e.action for e in run.audit(s, ws.workspace_id, item)]
    assert actions[-2:] == ["handed_over", "published"]


def test_an_item_sent_back_is_taken_back_from_the_instance(ws, fake):
    box, item, at = _setup(ws, fake)
    now = START.replace(tzinfo=None)
    _round(ws, box, now)
    assert len(fake.scheduled) == 1
    with Session(ws.engine) as s, s.begin():
        marketing.review_plan_item(s, ws.workspace_id, item, decision="reject", by="boss")
    assert _pub(ws, item).status == "withdrawing"
    run.settle_withdrawals(ws.engine, ws.workspace_id, ws.folder, box, http=HTTP)
    assert fake.scheduled == {} and _pub(ws, item).status == "waiting"
    fake.tick(at.replace(tzinfo=dt.UTC) + dt.timedelta(hours=1))
    assert fake.made == []


def test_a_moved_item_is_handed_over_again_at_its_new_time(ws, fake):
    box, item, at = _setup(ws, fake)
    now = START.replace(tzinfo=None)
    _round(ws, box, now)
    first = _pub(ws, item).handed_id
    later = at + dt.timedelta(hours=2)
    with Session(ws.engine) as s, s.begin():
        local = later.replace(tzinfo=dt.UTC).astimezone(marketing_tz()).replace(tzinfo=None)
        marketing.move_plan_item(s, ws.workspace_id, item, at=local)
    done = _round(ws, box, now + dt.timedelta(minutes=2))
    assert [o.status for o in done] == ["taken back", "handed"]
    pub = _pub(ws, item)
    assert pub.status == "handed" and pub.handed_id != first
    assert list(fake.scheduled) == [pub.handed_id]
    assert fake.scheduled[pub.handed_id]["at"] == later.replace(tzinfo=dt.UTC)


def test_a_status_deleted_at_the_instance_fails_with_the_reason(ws, fake):
    box, item, at = _setup(ws, fake)
    _round(ws, box, START.replace(tzinfo=None))
    fake.scheduled.clear()  # someone deleted it in Mastodon
    assert _round(ws, box, at + dt.timedelta(minutes=5)) == []  # not yet: it may be late
    done = _round(ws, box, at + run.GIVE_UP_AFTER)
    assert [o.status for o in done] == ["failed"]
    assert "deleted" in (_pub(ws, item).error or "")


def test_too_close_to_its_time_the_worker_sends_it_itself(ws, fake):
    box, _item, at = _setup(ws, fake, minutes=6)  # under the 10 minutes a hand-over needs
    now = START.replace(tzinfo=None)
    assert _round(ws, box, now) == []
    assert fake.scheduled == {}
    done = _round(ws, box, at)
    assert [o.status for o in done] == ["published"]


def marketing_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Amsterdam")


def test_moved_after_the_instance_published_it_is_recorded_not_sent_again(ws, fake):
    """The instance published at the old time; the item is moved afterwards: taking it back
    finds nothing held, looks for what was handed over (the snapshot: old text, old time)
    and records it, instead of sending it a second time."""
    box, item, at = _setup(ws, fake)
    _round(ws, box, START.replace(tzinfo=None))
    fake.tick(at.replace(tzinfo=dt.UTC) + dt.timedelta(seconds=30))
    with Session(ws.engine) as s, s.begin():
        later = (at + dt.timedelta(hours=1)).replace(tzinfo=dt.UTC).astimezone(marketing_tz())
        marketing.move_plan_item(s, ws.workspace_id, item, at=later.replace(tzinfo=None))
    done = _round(ws, box, at + dt.timedelta(minutes=1))
    assert [o.status for o in done] == ["published"]
    assert len(fake.made) == 1
    _round(ws, box, at + dt.timedelta(hours=2))
    assert len(fake.made) == 1
    with Session(ws.engine) as s:
        actions = [e.action for e in run.audit(s, ws.workspace_id, item)]
    assert "withdrawn_too_late" in actions


def test_a_hand_over_whose_answer_was_lost_is_found_by_text_and_time(ws, fake):
    """The worker died after the instance took the scheduled status but before it kept the id:
    after STALE the next round lists the instance's scheduled statuses, finds it by the
    snapshot's text and time, and keeps it, instead of handing it over twice."""
    box, item, _at = _setup(ws, fake)
    now = START.replace(tzinfo=None)
    _round(ws, box, now)
    handed = _pub(ws, item).handed_id
    with Session(ws.engine) as s, s.begin():  # as if the id had never been written
        pub = s.scalars(select(Publication).where(Publication.plan_item_id == item)).one()
        pub.status, pub.handed_id, pub.attempt_at = "handing", None, now
    assert _round(ws, box, now + dt.timedelta(minutes=5)) == []  # not stale yet
    done = _round(ws, box, now + run.STALE)
    assert [o.status for o in done] == ["handed"]
    assert _pub(ws, item).handed_id == handed and list(fake.scheduled) == [handed]


def test_a_take_back_waits_for_a_hand_over_under_way(ws, fake):
    box, item, _at = _setup(ws, fake)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # settle_withdrawals runs now
    with Session(ws.engine) as s, s.begin():  # a hand-over claimed, its answer not yet back
        pub = s.scalars(select(Publication).where(Publication.plan_item_id == item)).one()
        pub.status, pub.attempt_at = "withdrawing", now
    assert run.settle_withdrawals(ws.engine, ws.workspace_id, ws.folder, box, http=HTTP) == []
    assert _pub(ws, item).status == "withdrawing"  # left to the hand-over's end


def test_an_attempt_lost_before_the_instance_and_then_sent_back_is_not_sent(ws, fake):
    box, item, at = _setup(ws, fake, minutes=6)
    fake.faults["status"] = [httpx.ConnectError("connection reset")] * 5
    done = _round(ws, box, at)
    assert [o.status for o in done] == ["retrying"] and _pub(ws, item).status == "sending"
    with Session(ws.engine) as s, s.begin():
        marketing.review_plan_item(s, ws.workspace_id, item, decision="reject", by="boss")
    done = _round(ws, box, at + run.STALE)
    assert [o.status for o in done] == ["not sent"]
    assert fake.made == [] and _pub(ws, item).status == "waiting"


def test_try_again_is_only_for_a_failed_item(ws, fake):
    _box, item, _at = _setup(ws, fake)
    with Session(ws.engine) as s, s.begin():
        marketing.review_plan_item(s, ws.workspace_id, item, decision="reject", by="boss")
        for p in s.scalars(select(Publication).where(Publication.plan_item_id == item)):
            p.status = "failed"
    with Session(ws.engine) as s, s.begin(), pytest.raises(run.PublishError):
        run.retry(s, ws.workspace_id, item, by="editor")
