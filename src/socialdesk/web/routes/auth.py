"""Logging in and out (team mode). In local mode there is nobody to log in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from socialdesk.i18n import N_
from socialdesk.web import auth
from socialdesk.web.deps import ConfigDep, CsrfDep, SessionDep, render

router = APIRouter()


@dataclass
class LoginPage:
    """The login form (/login)."""

    next: str
    username: str = ""
    error: str | None = None  # an English msgid: translated in the template


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/overview"
    return target


@router.get("/login", name="login")
def login_form(request: Request, config: ConfigDep, next: str = "/overview") -> Response:
    if not config.team or request.state.principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "auth/login.html", LoginPage(next=safe_next(next)))


@router.post("/login", name="login_submit", dependencies=[CsrfDep])
def login(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    username: Annotated[str, Form(max_length=150)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/overview",
) -> Response:
    target = safe_next(next)
    if not config.team:
        return RedirectResponse(target, status_code=303)
    ip = request.client.host if request.client else "unknown"
    workspace_id = config.workspace.workspace_id
    with session.begin():
        principal, problem = auth.authenticate(session, workspace_id, username, password, ip)
        stored_hash = session_id = None
        if principal is not None and principal.user_id is not None:
            from socialdesk.model import User

            user = session.get(User, principal.user_id)
            if user is not None:
                stored_hash = user.password_hash
                # the session this browser had before ends (no session fixation), a new one
                # starts: only its row in the store makes the cookie good
                auth.end_session(session, request.state.session.get("s"))
                session_id = auth.start_session(session, workspace_id, user.id)
    # the transaction gave its connection back: the last login (and a rehash) on one of its own
    if auth.bookkeep(session) and principal is not None and principal.user_id is not None:
        from socialdesk.model import User

        with session.begin():
            stored_hash = session.scalar(
                select(User.password_hash).where(User.id == principal.user_id)
            )
    fp = auth.fingerprint(stored_hash) if stored_hash is not None else None
    if principal is None or fp is None or session_id is None:
        messages = {
            "throttled": (N_("Too many failed attempts. Wait 15 minutes and try again."), 429),
            "no-access": (N_("Your account has no access to this workspace. Ask an admin."), 403),
        }
        message, status = messages.get(problem or "", (N_("Wrong user name or password."), 401))
        page = LoginPage(next=target, username=username, error=message)
        return render(request, "auth/login.html", page, status_code=status)
    # a new session (and CSRF token) on login: no session fixation
    request.state.session = {
        **auth.new_session(),
        "u": principal.user_id,
        "s": session_id,
        "h": fp,
    }
    request.state.session_dirty = True
    return RedirectResponse(target, status_code=303)


@router.post("/logout", name="logout", dependencies=[CsrfDep])
def logout(request: Request, session: SessionDep, config: ConfigDep) -> Response:
    """Ends the session in the store, so a copy of the cookie no longer logs anybody in."""
    if config.team and request.state.session.get("s"):
        with session.begin():
            auth.end_session(session, str(request.state.session["s"]))
    request.state.session = auth.new_session()
    request.state.session_dirty = True
    request.state.principal = None
    return RedirectResponse("/login" if config.team else "/overview", status_code=303)
