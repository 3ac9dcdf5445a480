"""Who has access to this workspace (admins only). Users are added with `socialdesk users add`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from socialdesk.model import Membership, User
from socialdesk.web.deps import Admin, ConfigDep, SessionDep, render, render_json

router = APIRouter()


@dataclass
class MemberRow:
    username: str
    display_name: str | None
    role: str
    active: bool
    last_login_at: dt.datetime | None


@dataclass
class UsersPage:
    """The workspace's members (/admin/users, /admin/users.json)."""

    team_mode: bool
    members: list[MemberRow]


def _page(session: SessionDep, config: ConfigDep) -> UsersPage:
    rows = session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == config.workspace.workspace_id)
        .order_by(User.username)
    )
    members = [
        MemberRow(u.username, u.display_name, role, u.is_active, u.last_login_at)
        for u, role in rows
    ]
    return UsersPage(team_mode=config.team, members=members)


@router.get("/admin/users", name="users")
def users(request: Request, session: SessionDep, config: ConfigDep, _who: Admin) -> Response:
    return render(request, "admin/users.html", _page(session, config))


@router.get("/admin/users.json", name="users_json")
def users_json(session: SessionDep, config: ConfigDep, _who: Admin) -> Response:
    return render_json(_page(session, config))
