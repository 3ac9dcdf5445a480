"""A sync run (or an import) is a batch you can list and undo: what it added goes, rollups
follow; a batch that changed an earlier import's rows is refused with the reason."""

from __future__ import annotations

import json

import respx
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from socialdesk.cli import app
from socialdesk.connectors import run
from socialdesk.connectors.base import HttpOptions
from socialdesk.connectors.secrets import SecretBox
from socialdesk.importers.run import UndoRefused, undo_batch
from socialdesk.model import Account, Message, MessageThread, Post, PostLatest, PostWeek
from tests.connectors.mastodon_api import TOKEN, sample

HTTP = HttpOptions(sleep=lambda _s: None)


def _n(ws, model):
    with Session(ws.engine) as s:
        query = select(func.count()).select_from(model)
        if model in (Post, PostWeek):
            query = query.join(Account).where(Account.workspace_id == ws.workspace_id)
        elif model is PostLatest:
            query = (
                query.join(Post, Post.id == PostLatest.post_id)
                .join(Account)
                .where(Account.workspace_id == ws.workspace_id)
            )
        else:
            query = query.where(model.workspace_id == ws.workspace_id)
        return s.scalar(query)


def test_the_first_sync_is_undone_and_a_changing_one_is_refused(ws, tmp_path):
    fake = sample()
    box = SecretBox.for_workspace(tmp_path)
    with respx.mock(assert_all_called=False) as router:
        fake.install(router)
        with Session(ws.engine) as session, session.begin():
            cid = run.connect(
                session,
                ws.workspace_id,
                "mastodon",
                {"instance": "mastodon.example", "token": TOKEN},
                box,
                created_by="t",
                http=HTTP,
            ).id
        first = run.sync(ws.engine, ws.workspace_id, box, connection_id=cid, http=HTTP)[0]
        fake.statuses[0]["favourites_count"] += 5  # the next run updates today's snapshot
        second = run.sync(ws.engine, ws.workspace_id, box, connection_id=cid, http=HTTP)[0]
    assert _n(ws, Post) > 0 and _n(ws, Message) > 0 and _n(ws, PostWeek) > 0
    with Session(ws.engine) as s, s.begin():
        try:
            undo_batch(s, ws.workspace_id, second.batch_id)
        except UndoRefused as exc:
            assert "changed" in str(exc)
        else:
            raise AssertionError("an undo that loses an earlier import's rows was allowed")
    assert first.batch_id != second.batch_id and second.updated > 0


def test_undo_from_the_command_line_removes_what_a_run_added(tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIALDESK_DATABASE_URL", raising=False)
    fake = sample()
    w = str(tmp_path / "ws")
    runner = CliRunner()
    with respx.mock(assert_all_called=False) as router:
        fake.install(router)
        assert (
            runner.invoke(
                app,
                [
                    "connect",
                    "mastodon",
                    "-w",
                    w,
                    "--instance",
                    "mastodon.example",
                    "--token",
                    TOKEN,
                ],
            ).exit_code
            == 0
        )
        synced = runner.invoke(app, ["sync", "-w", w, "--json"])
    [report] = json.loads(synced.output)
    listed = json.loads(runner.invoke(app, ["imports", "-w", w, "--json"]).output)
    assert [(b["id"], b["format"]) for b in listed["history"]] == [
        (report["batch_id"], "mastodon_api")
    ]
    undone = runner.invoke(app, ["undo", str(report["batch_id"]), "-w", w])
    assert undone.exit_code == 0, undone.output
    assert "79 post" in undone.output and "46 message" in undone.output
    from socialdesk.store import open_workspace

    handle = open_workspace(tmp_path / "ws")
    with Session(handle.engine) as s:
        for model in (Post, PostLatest, Message, MessageThread):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model
        assert s.scalar(select(func.count()).select_from(PostWeek)) == 0
    again = runner.invoke(app, ["undo", str(report["batch_id"]), "-w", w])
    assert again.exit_code == 1 and "no import" in again.output
