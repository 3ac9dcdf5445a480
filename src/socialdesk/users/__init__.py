"""Users and memberships: the people who log in to the cockpit in team mode, their roles in
each workspace and their passwords (argon2id), and where logged-in sessions and failed logins
are kept (users.sessions). Nothing here is about HTTP: cookies and CSRF live in
socialdesk.web.auth, which reads the users and their sessions through this package.

It sits in the skills' layer: it reads and writes the store, and the faces (the CLI's
`socialdesk users`, the web's login and /admin/users) call it.
"""

from __future__ import annotations

from socialdesk.model import ROLES
from socialdesk.users.accounts import (
    Member,
    Members,
    add_user,
    end_sessions,
    may_approve,
    members,
    remove_member,
    role_rank,
    set_approver,
    set_password,
    team_exists,
    user_exists,
)
from socialdesk.users.passwords import (
    MIN_PASSWORD_LENGTH,
    check_password_strength,
    hash_password,
    needs_rehash,
    verify_password,
)

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "Member",
    "Members",
    "add_user",
    "check_password_strength",
    "end_sessions",
    "hash_password",
    "may_approve",
    "members",
    "needs_rehash",
    "remove_member",
    "role_rank",
    "set_approver",
    "set_password",
    "team_exists",
    "user_exists",
    "verify_password",
]
