"""Compose, check, approve, schedule and publish a calendar item (/marketing/calendar/ID).

GET  /marketing/calendar/{id}[.json]   the item as it goes out on each chosen account: the
                                       text per network, media with alt text, the tagged link,
                                       every check's problem, the audit log (viewers)
POST /marketing/calendar/{id}/compose  save the form: text, link, first comment, time,
                                       accounts, each network's own text, alt texts (editors)
POST /marketing/calendar/{id}/preview  the previews and checks of the form as it is now,
                                       unsaved (htmx, while typing; editors)
POST /marketing/calendar/{id}/media    add an image or a video (editors)
POST /marketing/calendar/{id}/approve  approve (whoever an admin gave the right, by name)
POST /marketing/calendar/{id}/schedule schedule an approved item, checks first (editors)
POST /marketing/calendar/{id}/publish  send an approved item now (editors)
POST /marketing/calendar/{id}/retry    send the failed accounts again (editors)
GET  /marketing/media/{name}           a stored image or video, for the previews (viewers)

Roles (issue #15): editors draft and schedule; approving is a right an admin gives by name
(`socialdesk users approver NAME`, or the Users page) to admins, editors or viewers; a viewer
without it can neither approve nor schedule. Every step lands in the item's audit log.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from socialdesk.i18n import N_
from socialdesk.marketing.calendar import NonexistentTime
from socialdesk.publishing import run
from socialdesk.publishing.media import MediaRefused, media_path
from socialdesk.web.auth import Principal
from socialdesk.web.deps import (
    ConfigDep,
    CsrfDep,
    Editor,
    SessionDep,
    Viewer,
    WebConfig,
    WorkspaceDep,
    render,
)
from socialdesk.web.pages import View, page

router = APIRouter()
log = logging.getLogger(__name__)

TEMPLATE = "publishing/compose.html"
NOTICES = {
    "saved": N_("Saved."),
    "added": N_("Added. Write its alt text below."),
    "approved": N_("Approved."),
    "scheduled": N_("Scheduled: the worker sends it at its time."),
    "published": N_("Sent. See where it went out below."),
    "retrying": N_("Not out yet: the worker tries again shortly."),
    "failed": N_("Not sent: the reason is below each account. Solve it, then try again."),
    "retried": N_("Sent back to the worker's queue."),
    "withdrawn": N_("Saved. The change needs a new approval: the item is a draft again."),
}
_MEDIA_NAME = re.compile(r"^[0-9a-f]{16}\.(jpg|png|webp|gif|mp4|mov)$")


def _compose(
    session: Session,
    ws: int,
    config: WebConfig,
    who: Principal,
    item_id: int,
) -> run.ComposeItem:
    try:
        return run.compose_item(
            session, ws, item_id, config.workspace.folder, username=who.username
        )
    except run.PublishError:
        raise HTTPException(404, N_("This plan item does not exist.")) from None


def _view(
    session: Session,
    ws: int,
    config: WebConfig,
    who: Principal,
    item_id: int,
    *,
    notice: str | None = None,
    error: object = None,
    problems: tuple[object, ...] = (),
    status_code: int = 200,
) -> View:
    return View(
        _compose(session, ws, config, who, item_id),
        tab="calendar",
        notice=notice,
        error=error,
        refused=problems,
        editor=who.can("editor"),
        status_code=status_code,
    )


def _back(item_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/marketing/calendar/{item_id}?done={done}", status_code=303)


def _refused(
    request: Request,
    session: Session,
    ws: int,
    config: WebConfig,
    who: Principal,
    item_id: int,
    exc: run.PublishError,
    status_code: int = 422,
) -> Response:
    session.rollback()
    view = _view(
        session,
        ws,
        config,
        who,
        item_id,
        error=exc.reason,
        problems=exc.problems,
        status_code=status_code,
    )
    return render(request, TEMPLATE, view, status_code=status_code)


@page(router, "/marketing/calendar/{item_id:int}", TEMPLATE, name="marketing_item")
def marketing_item(
    session: SessionDep,
    ws: WorkspaceDep,
    config: ConfigDep,
    who: Viewer,
    item_id: int,
    done: str = "",
) -> View:
    """One calendar item: compose, the previews per network with their checks, the audit log
    (/marketing/calendar/ID[.json])."""
    return _view(session, ws, config, who, item_id, notice=NOTICES.get(done))


def _local(date: str, time: str) -> dt.datetime | None:
    if not date:
        return None
    try:
        return dt.datetime.fromisoformat(f"{date} {time or '09:00'}")
    except ValueError:
        raise HTTPException(
            422, N_("Write the date as YYYY-MM-DD and the time as HH:MM.")
        ) from None


def _targets(form: FormData) -> list[run.Target]:
    out: list[run.Target] = []
    for value in form.getlist("target"):
        cid, _, network = str(value).partition(":")
        if not cid.isdigit() or not network:
            raise HTTPException(422, N_("Choose the accounts from the list."))
        out.append((int(cid), network))
    return out


def _texts(form: FormData, targets: list[run.Target]) -> dict[run.Target, str]:
    """Each chosen network's own text (field text:<connection id>:<network>); empty: the
    item's own text."""
    texts: dict[run.Target, str] = {}
    for target in targets:
        assert isinstance(target, tuple)
        value = form.get(f"text:{target[0]}:{target[1]}")
        if isinstance(value, str):
            texts[target] = value if value.strip() else ""
    return texts


def _alts(form: FormData) -> dict[int, str]:
    alts: dict[int, str] = {}
    for key, value in form.multi_items():
        if key.startswith("alt:") and key[4:].isdigit() and isinstance(value, str):
            alts[int(key[4:])] = value[:2000]
    return alts


def _field(form: FormData, name: str, limit: int) -> str | None:
    value = form.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise HTTPException(422, N_("A field of the form is too long."))
    return value


def _apply(session: Session, ws: int, item_id: int, form: FormData, by: str) -> tuple[str, ...]:
    """The compose form into the item (not committed): content, then the accounts."""
    removed = tuple(int(str(v)) for v in form.getlist("remove") if str(v).isdigit())
    content = run.Content(
        title=_field(form, "title", 300),
        text=_field(form, "text", 20_000),
        link=_field(form, "link", 2000),
        first_comment=_field(form, "first_comment", 5000),
        at=_local(str(form.get("date") or ""), str(form.get("time") or "")),
        alts=_alts(form),
        remove=removed,
        campaign=_field(form, "campaign", 200),
    )
    changed = run.save_content(session, ws, item_id, content, by=by)
    if form.get("targets_sent") == "1":
        targets = _targets(form)
        run.set_targets(session, ws, item_id, targets, by=by, texts=_texts(form, targets))
    return changed


@router.post(
    "/marketing/calendar/{item_id:int}/compose",
    name="marketing_item_compose",
    dependencies=[CsrfDep],
)
async def marketing_item_compose(
    request: Request,
    config: ConfigDep,
    ws: WorkspaceDep,
    who: Editor,
    item_id: int,
) -> Response:
    form = await request.form(max_files=0, max_part_size=64 * 1024)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_save, request, config, ws, who, item_id, form)


def _save(
    request: Request, config: WebConfig, ws: int, who: Principal, item_id: int, form: FormData
) -> Response:
    with config.workspace.session() as session:
        was = run.item_of(session, ws, item_id).status if _exists(session, ws, item_id) else None
        if was is None:
            raise HTTPException(404, N_("This plan item does not exist."))
        try:
            _apply(session, ws, item_id, form, who.username)
            now = run.item_of(session, ws, item_id).status
        except NonexistentTime as exc:
            session.rollback()
            return _refused(request, session, ws, config, who, item_id, run.PublishError(str(exc)))
        except run.PublishError as exc:
            return _refused(request, session, ws, config, who, item_id, exc)
        session.commit()
    _take_back(config, ws, item_id)
    withdrawn = was in run.APPROVED and now == "draft"
    return _back(item_id, "withdrawn" if withdrawn else "saved")


def _take_back(config: WebConfig, ws: int, item_id: int) -> None:
    """Take back now what a network holds for this item when it changed (best effort: the
    worker's round does it too)."""
    from socialdesk.connectors.run import secret_box

    folder = config.workspace.folder
    try:
        run.settle_withdrawals(
            config.workspace.engine, ws, folder, secret_box(folder), item_id=item_id
        )
    except Exception:
        log.exception("taking back item %s from the networks", item_id)


def _exists(session: Session, ws: int, item_id: int) -> bool:
    try:
        run.item_of(session, ws, item_id)
    except run.PublishError:
        return False
    return True


@router.post(
    "/marketing/calendar/{item_id:int}/preview",
    name="marketing_item_preview",
    dependencies=[CsrfDep],
)
async def marketing_item_preview(
    request: Request,
    config: ConfigDep,
    ws: WorkspaceDep,
    who: Editor,
    item_id: int,
) -> Response:
    """The previews and checks of the form as typed: applied in a transaction that is rolled
    back, so the same code that saves computes them and nothing is stored."""
    form = await request.form(max_files=0, max_part_size=64 * 1024)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_preview, request, config, ws, who, item_id, form)


def _preview(
    request: Request, config: WebConfig, ws: int, who: Principal, item_id: int, form: FormData
) -> Response:
    with config.workspace.session() as session:
        if not _exists(session, ws, item_id):
            raise HTTPException(404, N_("This plan item does not exist."))
        error: object = None
        try:
            _apply(session, ws, item_id, form, who.username)
        except NonexistentTime as exc:
            session.rollback()
            error = str(exc)
        except run.PublishError as exc:
            session.rollback()
            error = exc.reason
        view = _view(session, ws, config, who, item_id, error=error)
        session.rollback()
    return render(request, "publishing/_previews.html", view)


@router.post(
    "/marketing/calendar/{item_id:int}/media", name="marketing_item_media", dependencies=[CsrfDep]
)
def marketing_item_media(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    ws: WorkspaceDep,
    who: Editor,
    item_id: int,
    file: Annotated[UploadFile, File()],
    alt: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Add an image or a video; anything else is refused with the reason and nothing kept."""
    try:
        run.add_media(
            session,
            ws,
            item_id,
            config.workspace.folder,
            file.filename or "file",
            file.file,
            by=who.username,
            alt=alt,
        )
    except MediaRefused as exc:
        return _refused(request, session, ws, config, who, item_id, run.PublishError(exc.reason))
    except run.PublishError as exc:
        return _refused(request, session, ws, config, who, item_id, exc)
    session.commit()
    _take_back(config, ws, item_id)
    return _back(item_id, "added")


@router.get("/marketing/media/{name}", name="marketing_media")
def marketing_media(config: ConfigDep, _who: Viewer, name: str) -> Response:
    """A stored image or video (its name is its content's hash: never a path from outside)."""
    if not _MEDIA_NAME.match(name):
        raise HTTPException(404, N_("There is no such file."))
    path = media_path(run.media_root(config.workspace.folder), name)
    if path is None:
        raise HTTPException(404, N_("There is no such file."))
    return FileResponse(
        path,
        headers={
            "cache-control": "private, max-age=31536000, immutable",
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'",
        },
    )


@router.post(
    "/marketing/calendar/{item_id:int}/approve",
    name="marketing_item_approve",
    dependencies=[CsrfDep],
)
def marketing_item_approve(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    ws: WorkspaceDep,
    who: Viewer,
    item_id: int,
) -> Response:
    """Approve: whoever an admin gave the right to, whatever their role."""
    try:
        run.approve(session, ws, item_id, by=who.username)
    except run.NotAllowed as exc:
        return _refused(request, session, ws, config, who, item_id, exc, status_code=403)
    except run.PublishError as exc:
        return _refused(request, session, ws, config, who, item_id, exc)
    session.commit()
    return _back(item_id, "approved")


@router.post(
    "/marketing/calendar/{item_id:int}/schedule",
    name="marketing_item_schedule",
    dependencies=[CsrfDep],
)
def marketing_item_schedule(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    ws: WorkspaceDep,
    who: Editor,
    item_id: int,
) -> Response:
    try:
        run.schedule(session, ws, item_id, config.workspace.folder, by=who.username)
    except run.PublishError as exc:
        return _refused(request, session, ws, config, who, item_id, exc)
    session.commit()
    return _back(item_id, "scheduled")


@router.post(
    "/marketing/calendar/{item_id:int}/publish",
    name="marketing_item_publish",
    dependencies=[CsrfDep],
)
def marketing_item_publish(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    ws: WorkspaceDep,
    who: Editor,
    item_id: int,
) -> Response:
    """Send an approved item now: checks first, then the same exactly-once path the worker
    takes (publish_due for this item), in this request."""
    folder = config.workspace.folder
    try:
        run.send_now(session, ws, item_id, folder, by=who.username)
    except run.PublishError as exc:
        return _refused(request, session, ws, config, who, item_id, exc)
    session.commit()
    from socialdesk.connectors.run import secret_box

    try:
        outcomes = run.publish_due(
            config.workspace.engine, ws, folder, secret_box(folder), item_id=item_id
        )
    except Exception:  # scheduled already: the worker's round sends it
        log.exception("publishing item %s now", item_id)
        return _back(item_id, "retrying")
    if any(o.status == "failed" for o in outcomes):
        return _back(item_id, "failed")
    if any(o.status == "retrying" for o in outcomes) or not outcomes:
        return _back(item_id, "retrying")
    return _back(item_id, "published")


@router.post(
    "/marketing/calendar/{item_id:int}/retry", name="marketing_item_retry", dependencies=[CsrfDep]
)
def marketing_item_retry(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    ws: WorkspaceDep,
    who: Editor,
    item_id: int,
) -> Response:
    try:
        run.retry(session, ws, item_id, by=who.username)
    except run.PublishError as exc:
        return _refused(request, session, ws, config, who, item_id, exc)
    session.commit()
    return _back(item_id, "retried")
