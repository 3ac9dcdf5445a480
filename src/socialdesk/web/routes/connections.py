"""Connections (/connections): the platforms' APIs that bring data in by themselves (#14).

GET /connections, /connections.json      health of every connection, its streams and runs, and
                                         the worker's recent jobs (viewers: health only)
POST /connections                        admins connect an account (checked with the platform)
POST /connections/{id}/sync|pause|resume|remove   admins act; a sync is queued for the worker

The twin serves the seam's result (socialdesk.connectors.run.connections), field for field
what `socialdesk connections --json` prints; a credential is never in either.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from socialdesk.connectors import run
from socialdesk.connectors.secrets import SecretKeyError
from socialdesk.i18n import N_, gettext
from socialdesk.web.deps import (
    Admin,
    ConfigDep,
    CsrfDep,
    LocaleDep,
    SessionDep,
    Viewer,
    WorkspaceDep,
    render,
)
from socialdesk.web.exports import Column, Table
from socialdesk.web.pages import View, page

router = APIRouter()
NOTICES = {
    "connected": N_("Connected. The worker brings its data in; or queue a sync now."),
    "queued": N_(
        "A sync is queued. It runs when the worker runs (socialdesk worker, or the "
        "cockpit's own worker)."
    ),
    "busy": N_("A sync of this connection is already queued or running."),
    "paused": N_("Paused: the worker leaves this connection alone."),
    "active": N_("Active again."),
    "removed": N_("Removed: the stored credential is deleted; the data it brought stays."),
}


def _view(session: Session, ws: int, locale: str, admin: bool, **extras: Any) -> View:
    result = run.connections(session, ws, translate=lambda m: gettext(locale, m))
    return View(result, admin=admin, **extras)


HEALTH_WORDS = {
    "ok": N_("working"),
    "failing": N_("failing"),
    "paused": N_("paused"),
    "never synced": N_("not synced yet"),
}
STATUS_WORDS = {
    "ok": N_("ok"),
    "failed": N_("failed"),
    "partial": N_("partly"),
    "running": N_("running"),
    "not run": N_("not run"),
    "queued": N_("queued"),
    "retrying": N_("retrying"),
    "done": N_("done"),
    "skipped": N_("skipped"),
    "refused": N_("refused"),
}


def _connections_tables(result: run.ConnectionsResult, locale: str) -> list[Table]:
    """The connections (a stream a row: its account's health beside it) and the recent jobs."""

    def word(words: dict[str, str], key: str | None) -> str | None:
        return gettext(locale, words.get(key, key)) if key else None

    def problem(text: str | None) -> str | None:
        return gettext(locale, text) if text else None

    streams = (
        (
            c.title,
            c.handle,
            c.name,
            word(HEALTH_WORDS, c.health),
            c.last_sync_at,
            c.expires_at,
            gettext(locale, s.title) if s else None,
            word(STATUS_WORDS, s.last_status) if s else None,
            s.last_items if s else None,
            s.synced_up_to if s else None,
            problem(c.last_error),
        )
        for c in result.connections
        for s in (c.streams or (None,))
    )
    jobs = (
        (
            j.id,
            j.connection_id,
            word(STATUS_WORDS, j.status),
            j.attempts,
            j.enqueued_at,
            j.finished_at,
            problem(j.error),
        )
        for j in result.jobs
    )
    return [
        Table(
            "connections",
            N_("Connections"),
            (
                Column("account", N_("Account")),
                Column("handle", N_("Handle")),
                Column("name", N_("Name")),
                Column("health", N_("Health")),
                Column("last_sync", N_("Last sync")),
                Column("expires", N_("Credential expires")),
                Column("stream", N_("Stream")),
                Column("stream_status", N_("Status")),
                Column("items", N_("Items")),
                Column("synced_up_to", N_("Synced up to")),
                Column("problem", N_("Problem")),
            ),
            streams,
        ),
        Table(
            "jobs",
            N_("Jobs"),
            (
                Column("job", N_("Job")),
                Column("connection", N_("Connection")),
                Column("status", N_("Status")),
                Column("attempts", N_("Attempts")),
                Column("queued", N_("Queued")),
                Column("finished", N_("Finished")),
                Column("problem", N_("Problem")),
            ),
            jobs,
        ),
    ]


@page(
    router,
    "/connections",
    "connections/index.html",
    name="connections",
    tables=_connections_tables,
)
def connections(
    session: SessionDep, ws: WorkspaceDep, locale: LocaleDep, who: Viewer, done: str = ""
) -> View:
    """Every connection's health (/connections, /connections.json)."""
    return _view(session, ws, locale, who.can("admin"), notice=NOTICES.get(done), error=None)


@router.post("/connections", name="connections_add", dependencies=[CsrfDep])
def connections_add(
    request: Request,
    session: SessionDep,
    ws: WorkspaceDep,
    config: ConfigDep,
    locale: LocaleDep,
    who: Admin,
    platform: Annotated[str, Form(max_length=30)],
    handle: Annotated[str, Form(max_length=300)] = "",
    app_password: Annotated[str, Form(max_length=300)] = "",
    service: Annotated[str, Form(max_length=300)] = "",
    instance: Annotated[str, Form(max_length=300)] = "",
    token: Annotated[str, Form(max_length=2000)] = "",
    page_name: Annotated[str, Form(alias="page", max_length=300)] = "",
    property_id: Annotated[str, Form(alias="property", max_length=40)] = "",
    site: Annotated[str, Form(max_length=300)] = "",
    service_account: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    values = {
        k: v
        for k, v in {
            "handle": handle,
            "app_password": app_password,
            "service": service,
            "instance": instance,
            "token": token,
            "page": page_name,
            "property": property_id,
            "site": site,
            "service_account": service_account,
        }.items()
        if v.strip()
    }
    try:
        run.connect(
            session,
            ws,
            platform,
            values,
            run.secret_box(config.workspace.folder),
            created_by=who.username,
        )
    except SecretKeyError as exc:  # the workspace's key cannot be read or made: say so
        session.rollback()
        view = _view(
            session, ws, locale, True, notice=None, error=str(exc), detail=None, platform=platform
        )
        return render(request, "connections/index.html", view, status_code=500)
    except run.ConnectRefused as refused:
        session.rollback()
        error = gettext(locale, refused.error.message)
        view = _view(
            session,
            ws,
            locale,
            True,
            notice=None,
            error=error,
            detail=refused.error.detail,
            platform=platform,
        )
        return render(request, "connections/index.html", view, status_code=400)
    session.commit()
    return RedirectResponse("/connections?done=connected", status_code=303)


def _act(session, ws: int, connection_id: int, action: str, config) -> str:
    if action == "sync":
        from socialdesk.worker import make_worker

        run.get(session, ws, connection_id)  # the workspace's own, or SyncRefused (404)
        handle = config.workspace
        worker = make_worker(handle.folder, handle.engine, ws)
        return "queued" if worker.enqueue_sync(connection_id, trigger="web") else "busy"
    if action == "remove":
        run.remove(session, ws, connection_id)
        return "removed"
    status = "paused" if action == "pause" else "active"
    run.set_status(session, ws, connection_id, status)
    return status


@router.post(
    "/connections/{connection_id}/{action}", name="connections_act", dependencies=[CsrfDep]
)
def connections_act(
    request: Request,
    session: SessionDep,
    ws: WorkspaceDep,
    config: ConfigDep,
    locale: LocaleDep,
    _who: Admin,
    connection_id: int,
    action: str,
) -> Response:
    if action not in ("sync", "pause", "resume", "remove"):
        return Response(status_code=404)
    try:
        done = _act(session, ws, connection_id, action, config)
    except run.SyncRefused:
        session.rollback()
        return Response(status_code=404)
    except run.RemoveRefused as exc:
        session.rollback()
        view = _view(session, ws, locale, True, notice=None, error=str(exc), detail=None)
        return render(request, "connections/index.html", view, status_code=409)
    session.commit()
    return RedirectResponse(f"/connections?done={done}", status_code=303)
