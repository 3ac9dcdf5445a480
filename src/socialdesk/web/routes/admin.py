"""Who has access to this workspace (admins only). Users are added with `socialdesk users add`.

One declaration for /admin/users and its `.json` twin, over socialdesk.users: the twin serves
the same result that `socialdesk users list --json` prints.
"""

from __future__ import annotations

from fastapi import APIRouter

from socialdesk import users
from socialdesk.users import Member, Members
from socialdesk.web.deps import Admin, SessionDep, WorkspaceDep
from socialdesk.web.pages import View, page

router = APIRouter()

# the page's result under its former names (the twin's fields: `members`)
UsersPage = Members
MemberRow = Member


@page(router, "/admin/users", "admin/users.html", name="users")
def users_page(session: SessionDep, ws: WorkspaceDep, _who: Admin) -> View:
    """The workspace's members (/admin/users, /admin/users.json). The template tells local
    mode from team mode with the context's `team_mode`."""
    return View(users.members(session, ws))
