"""Publishing a calendar item end to end against the real local AT Protocol network: targets,
approval with the right to approve, the checks before scheduling, the worker's round, the post
stored, the audit log; and exactly once when the worker dies between the platform's answer
and the record (tests/connectors/pds: a real PDS, no fakes)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialdesk.connectors import run as connections
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.secrets import SecretBox
from socialdesk.marketing import run as marketing
from socialdesk.model import PlanItem, Post, Publication
from socialdesk.publishing import run
from socialdesk.users import add_user, set_approver

HTTP = HttpOptions(sleep=lambda _s: None)
ROOT = Path(__file__).resolve().parents[2]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _setup(ws, pds, text: str, *, minutes: int = 30):
    org = pds.new_account("org")
    box = SecretBox.for_workspace(ws.folder)
    with Session(ws.engine) as s, s.begin():
        conn = connections.connect(
            s,
            ws.workspace_id,
            "bluesky",
            {"handle": org.handle, "app_password": org.app_password, "service": pds.pds_url},
            box,
            created_by="t",
            http=HTTP,
        ).id
    local = dt.datetime.now(dt.UTC).astimezone(marketing_tz()) + dt.timedelta(minutes=minutes)
    with Session(ws.engine) as s, s.begin():
        item = marketing.add_plan_item(
            s,
            ws.workspace_id,
            title="Open day",
            created_by="editor",
            status="draft",
            at=local.replace(tzinfo=None, second=0, microsecond=0),
            text=text,
        ).id
        run.set_targets(s, ws.workspace_id, item, [conn], by="editor")
    return org, box, conn, item


def marketing_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Amsterdam")


def _records(pds, org):
    return pds.client.list_records(org.did, "app.bsky.feed.post")


def _due(ws, item: int) -> dt.datetime:
    with Session(ws.engine) as s:
        row = s.get(PlanItem, item)
        assert row is not None and row.scheduled_at is not None
        return row.scheduled_at


def test_an_approved_item_goes_out_once_at_its_time_and_is_stored_as_a_post(ws, pds):
    org, box, _conn, item = _setup(ws, pds, "Kom naar onze open dag! #opendag")
    with Session(ws.engine) as s, s.begin():
        with pytest.raises(run.PublishError):  # a draft is not scheduled
            run.schedule(s, ws.workspace_id, item, ws.folder, by="editor")
        run.approve(s, ws.workspace_id, item, by="local")
        run.schedule(s, ws.workspace_id, item, ws.folder, by="editor")
    due = _due(ws, item)
    # before its time nothing goes out
    assert (
        run.publish_due(
            ws.engine, ws.workspace_id, ws.folder, box, now=due - dt.timedelta(minutes=1), http=HTTP
        )
        == []
    )
    assert _records(pds, org) == []
    done = run.publish_due(ws.engine, ws.workspace_id, ws.folder, box, now=due, http=HTTP)
    assert [o.status for o in done] == ["published"]
    records = _records(pds, org)
    assert len(records) == 1 and records[0]["value"]["text"] == "Kom naar onze open dag! #opendag"
    # the next round sends nothing again
    later = due + run.STALE * 2
    assert run.publish_due(ws.engine, ws.workspace_id, ws.folder, box, now=later, http=HTTP) == []
    assert len(_records(pds, org)) == 1
    with Session(ws.engine) as s:
        row = s.get(PlanItem, item)
        pub = s.scalars(select(Publication).where(Publication.plan_item_id == item)).one()
        post = s.get(Post, pub.post_id)
        assert row is not None and row.status == "published" and row.post_id == pub.post_id
        assert post is not None and post.external_id == records[0]["uri"] == pub.remote_id
        assert pub.url and pub.url.startswith("https://bsky.app/profile/")
        actions = [e.action for e in run.audit(s, ws.workspace_id, item)]
    assert actions == ["targets", "approved", "scheduled", "sending", "published"]


def test_the_right_to_approve_is_given_by_name(ws, pds):
    _org, _box, _conn, item = _setup(ws, pds, "Approve me")
    with Session(ws.engine) as s, s.begin():
        add_user(s, ws.workspace_id, "stakeholder", "a long passphrase 123", "viewer")
        add_user(s, ws.workspace_id, "boss", "a long passphrase 123", "admin")
    for who in ("stakeholder", "boss"):
        with Session(ws.engine) as s, s.begin(), pytest.raises(run.NotAllowed):
            run.approve(s, ws.workspace_id, item, by=who)
    with Session(ws.engine) as s, s.begin():
        set_approver(s, ws.workspace_id, "stakeholder", True)
    with Session(ws.engine) as s, s.begin():
        run.approve(s, ws.workspace_id, item, by="stakeholder")
        assert s.get(PlanItem, item).status == "approved"  # type: ignore[union-attr]


def test_a_text_over_the_limit_or_a_paused_connection_is_refused_before_scheduling(ws, pds):
    org, box, conn, item = _setup(ws, pds, "x" * 301)
    with Session(ws.engine) as s, s.begin():
        connections.set_status(s, ws.workspace_id, conn, "paused")
        run.approve(s, ws.workspace_id, item, by="local")
    with Session(ws.engine) as s, pytest.raises(run.PublishError) as refused:
        run.schedule(s, ws.workspace_id, item, ws.folder, by="editor")
    checks = {p.check for p in refused.value.problems}
    assert {"length", "connection"} <= checks
    with Session(ws.engine) as s:
        assert s.get(PlanItem, item).status == "approved"  # type: ignore[union-attr]
    late = _due(ws, item) + dt.timedelta(hours=1)
    assert run.publish_due(ws.engine, ws.workspace_id, ws.folder, box, now=late, http=HTTP) == []
    assert _records(pds, org) == []


CRASH = textwrap.dedent(
    """
    import datetime as dt, os, sys
    from socialdesk.connectors.base import HttpOptions
    from socialdesk.connectors.secrets import SecretBox
    from socialdesk.publishing import bluesky, run
    from socialdesk.publishing.base import Publisher
    from socialdesk.store.engine import make_engine

    url, ws_id, folder, now, when = sys.argv[1:6]
    from pathlib import Path
    folder = Path(folder)
    real = bluesky.PUBLISHER

    def publish(api, draft, key):
        if when == "before":
            os._exit(3)  # killed before the platform was called
        sent = real.publish(api, draft, key)
        os._exit(3)  # killed after the platform's answer, before the record

    bluesky.PUBLISHER = Publisher("bluesky", publish, real.find)
    run.publish_due(
        make_engine(url), int(ws_id), folder, SecretBox.for_workspace(folder),
        now=dt.datetime.fromisoformat(now), http=HttpOptions(sleep=lambda s: None),
    )
    """
)


@pytest.mark.parametrize("when", ["after", "before"])
def test_a_worker_killed_around_the_call_never_posts_twice_nor_loses_the_post(ws, pds, when):
    org, box, _conn, item = _setup(ws, pds, f"Exactly once ({when})")
    with Session(ws.engine) as s, s.begin():
        run.approve(s, ws.workspace_id, item, by="local")
        run.schedule(s, ws.workspace_id, item, ws.folder, by="editor")
    due = _due(ws, item)
    url = ws.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            CRASH,
            url,
            str(ws.workspace_id),
            str(ws.folder),
            due.isoformat(),
            when,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == 3, killed.stderr
    assert len(_records(pds, org)) == (1 if when == "after" else 0)
    with Session(ws.engine) as s:
        pub = s.scalars(select(Publication).where(Publication.plan_item_id == item)).one()
        assert pub.status == "sending" and pub.attempts == 1
    # a worker that starts at once leaves a fresh attempt alone (it may still be running)
    assert run.publish_due(ws.engine, ws.workspace_id, ws.folder, box, now=due, http=HTTP) == []
    later = due + run.STALE + dt.timedelta(minutes=1)
    done = run.publish_due(ws.engine, ws.workspace_id, ws.folder, box, now=later, http=HTTP)
    assert [o.status for o in done] == ["found" if when == "after" else "published"]
    records = _records(pds, org)
    assert len(records) == 1 and records[0]["value"]["text"] == f"Exactly once ({when})"
    with Session(ws.engine) as s:
        pub = s.scalars(select(Publication).where(Publication.plan_item_id == item)).one()
        assert pub.status == "published" and pub.remote_id == records[0]["uri"]
        actions = [e.action for e in run.audit(s, ws.workspace_id, item)]
    assert actions[-3:] == ["sending", "looking", "published"]


def test_the_worker_keeps_the_wall_clock_across_daylight_saving(ws, pds):
    """Items planned around the clock changes go out at the Amsterdam time written on them:
    03:30 on the last Sunday of March 2027 is 01:30 UTC (summer time), 02:30 on the last Sunday
    of October 2026 (which happens twice) is its first, 00:30 UTC, and 02:30 on the March night
    does not exist and is refused with the reason."""
    org = pds.new_account("dst")
    box = SecretBox.for_workspace(ws.folder)
    with Session(ws.engine) as s, s.begin():
        conn = connections.connect(
            s,
            ws.workspace_id,
            "bluesky",
            {"handle": org.handle, "app_password": org.app_password, "service": pds.pds_url},
            box,
            created_by="t",
            http=HTTP,
        ).id
    planned = {
        "spring": dt.datetime(2027, 3, 28, 3, 30),
        "autumn": dt.datetime(2026, 10, 25, 2, 30),
    }
    items = {}
    early = dt.datetime(2026, 10, 1)
    with Session(ws.engine) as s, s.begin():
        for name, local in planned.items():
            items[name] = marketing.add_plan_item(
                s,
                ws.workspace_id,
                title=name,
                created_by="t",
                status="draft",
                at=local,
                text=f"Planned for {local:%Y-%m-%d %H:%M} Amsterdam ({name})",
            ).id
            run.set_targets(s, ws.workspace_id, items[name], [conn], by="t")
            run.approve(s, ws.workspace_id, items[name], by="local")
            run.schedule(s, ws.workspace_id, items[name], ws.folder, by="t", now=early)
        with pytest.raises(marketing.NonexistentTime):
            run.save_content(
                s,
                ws.workspace_id,
                items["spring"],
                run.Content(at=dt.datetime(2027, 3, 28, 2, 30)),
                by="t",
            )
    assert _due(ws, items["autumn"]) == dt.datetime(2026, 10, 25, 0, 30)
    assert _due(ws, items["spring"]) == dt.datetime(2027, 3, 28, 1, 30)

    def sent_at(now: dt.datetime) -> list[int]:
        done = run.publish_due(ws.engine, ws.workspace_id, ws.folder, box, now=now, http=HTTP)
        return [o.plan_item_id for o in done if o.status == "published"]

    assert sent_at(dt.datetime(2026, 10, 25, 0, 29)) == []
    assert sent_at(dt.datetime(2026, 10, 25, 0, 30)) == [items["autumn"]]  # 02:30 CEST
    assert sent_at(dt.datetime(2027, 3, 28, 1, 29)) == []  # 03:29 CEST: not yet
    assert sent_at(dt.datetime(2027, 3, 28, 1, 30)) == [items["spring"]]
    texts = sorted(r["value"]["text"] for r in _records(pds, org))
    assert texts == sorted(
        f"Planned for {local:%Y-%m-%d %H:%M} Amsterdam ({name})" for name, local in planned.items()
    )
