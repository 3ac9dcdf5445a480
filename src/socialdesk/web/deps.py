"""What every route receives: the settings, a database session, the language, the person.

Route modules declare their needs with the Annotated aliases below (`SessionDep`,
`LocaleDep`, `Viewer`, `Editor`, `Admin`) and render through `render()`, which gives
every template the same helpers and answers the `.json` twin from the same context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy.orm import Session

from socialdesk.i18n import LOCALES, N_, formats, gettext
from socialdesk.overview.definitions import DEFINITIONS, platform_name
from socialdesk.results import plain
from socialdesk.store.session import WorkspaceHandle
from socialdesk.web.auth import CSRF_FIELD, CSRF_HEADER, LOCAL_PRINCIPAL, Principal, csrf_ok
from socialdesk.web.cells import figure_cells
from socialdesk.web.labels import LABELS

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class WebConfig:
    """How the cockpit runs: which workspace, local or team mode, and the signing key."""

    workspace: WorkspaceHandle
    team: bool = False
    secret_key: str = ""
    default_locale: str = "nl"
    max_upload_bytes: int = 512 * 1024 * 1024
    secure_cookies: bool = False  # force Secure cookies (else: only on https requests)
    allowed_hosts: tuple[str, ...] = ()  # local mode: localhost names only (DNS rebinding)


class NotAuthenticated(Exception):
    """Team mode and nobody logged in: HTML pages go to the login page, the rest get 401."""


# -- navigation: the five skills, shown when they exist ------------------------------------
@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # an English msgid, translated in the template
    href: str
    role: str = "viewer"
    section: str | None = None  # the address its pages start with (None: href)

    def holds(self, path: str) -> bool:
        """The page at `path` is one of this item's section: the menu marks the item."""
        root = self.section or self.href
        return path == root or path.startswith(root + "/")


NAV: tuple[NavItem, ...] = (
    NavItem("overview", "Overview", "/overview"),
    NavItem("posts", "Posts", "/posts"),
    NavItem("visual", "Visuals", "/visual"),
    NavItem("ads", "Advertising", "/ads"),
    NavItem("marketing", "Marketing", "/marketing"),
    NavItem("analytics", "Analytics", "/analytics/metrics", section="/analytics"),
    NavItem("inbox", "Inbox", "/inbox"),
    NavItem("imports", "Imports", "/imports"),
    NavItem("connections", "Connections", "/connections"),
    NavItem("reports", "Reports", "/reports"),
    NavItem("users", "Users", "/admin/users", role="admin"),
)


# -- templates -----------------------------------------------------------------------------
def make_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name; never |safe on user text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    return env


def url_with(request: Request, path: str | None = None, **changes: Any) -> str:
    """The current URL with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return (path or request.url.path) + (f"?{query}" if query else "")


def page_context(request: Request, page: Any) -> dict[str, Any]:
    locale: str = request.state.locale
    principal: Principal | None = getattr(request.state, "principal", None)

    def _(message: str, **values: Any) -> str:
        text = gettext(locale, message)
        return text % values if values else text

    return {
        "request": request,
        "page": page,
        "locale": locale,
        "locales": LOCALES,
        "fmt": formats(locale),
        "cells": figure_cells(locale),
        "_": _,
        "principal": principal,
        "csrf_token": request.state.session.get("c", ""),
        "nav": [n for n in NAV if principal is None or principal.can(n.role)],
        "url_with": lambda **kw: url_with(request, **kw),
        "team_mode": request.app.state.config.team,
        "definitions": {k: d.label_in(locale) for k, d in DEFINITIONS.items()},
        "platform_name": lambda p: platform_name(p, locale),
        "platform_names": lambda platforms: ", ".join(platform_name(p, locale) for p in platforms),
        "label": lambda kind, key: LABELS.say(kind, key, locale, _),
    }


def render(
    request: Request,
    template: str,
    page: Any,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    env: jinja2.Environment = request.app.state.jinja
    html = env.get_template(template).render(page_context(request, page))
    return HTMLResponse(html, status_code=status_code, headers=headers)


def render_json(page: Any, *, status_code: int = 200) -> JSONResponse:
    return JSONResponse(plain(page), status_code=status_code)


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def date_or_none(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def is_htmx(request: Request, target: str | None = None) -> bool:
    if request.headers.get("hx-request") != "true":
        return False
    return target is None or request.headers.get("hx-target") == target


# -- dependencies --------------------------------------------------------------------------
def get_config(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


def get_workspace_id(request: Request) -> int:
    """The id of the workspace this cockpit serves (what every skill's seam takes)."""
    handle: WorkspaceHandle = request.app.state.config.workspace
    return handle.workspace_id


def get_session(request: Request) -> Iterator[Session]:
    handle: WorkspaceHandle = request.app.state.config.workspace
    with handle.session() as session:
        yield session


def get_locale(request: Request) -> str:
    locale: str = request.state.locale
    return locale


def get_principal(request: Request) -> Principal:
    """The person asking. Local mode: the machine's user, as admin. Team mode: the session's."""
    config: WebConfig = request.app.state.config
    if not config.team:
        request.state.principal = LOCAL_PRINCIPAL
        return LOCAL_PRINCIPAL
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise NotAuthenticated()
    return principal


_ROLE_NEEDED = {
    "viewer": N_("You have no access to this workspace."),
    "editor": N_("This needs the editor role. Ask an admin of this workspace."),
    "admin": N_("This needs the admin role."),
}


def require(role: str) -> Any:
    def dependency(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.can(role):
            raise HTTPException(status_code=403, detail=_ROLE_NEEDED[role])
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


async def verify_csrf(request: Request) -> None:
    """Every request that changes something carries the session's CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.state.session.get("c")
    given = request.headers.get(CSRF_HEADER)
    if not given:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            form = await request.form(max_files=100, max_part_size=1024 * 1024)
            given = form.get(CSRF_FIELD)  # type: ignore[assignment]
    if not csrf_ok(expected, given if isinstance(given, str) else None):
        raise HTTPException(
            status_code=403,
            detail=N_(
                "The form's security token is missing or out of date. "
                "Reload the page and try again."
            ),
        )


# the session ends when the page function returns, before the answer is sent (an export
# streams its spooled file without holding a database connection for a slow download)
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
LocaleDep = Annotated[str, Depends(get_locale)]
ConfigDep = Annotated[WebConfig, Depends(get_config)]
WorkspaceDep = Annotated[int, Depends(get_workspace_id)]
Viewer = Annotated[Principal, Depends(require("viewer"))]
Editor = Annotated[Principal, Depends(require("editor"))]
Admin = Annotated[Principal, Depends(require("admin"))]
CsrfDep = Depends(verify_csrf)
