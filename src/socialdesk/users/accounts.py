"""The people of team mode: users, their memberships of workspaces and their roles.

A user is a person with a password; a membership gives a user one role in one workspace:
viewer (may only look), editor (may import and plan) or admin (may also see who has access).
The CLI (`socialdesk users ...`) changes them; the web reads them (logins, /admin/users).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from socialdesk.model import ROLES, Membership, User
from socialdesk.users.passwords import check_password_strength, hash_password

# the one person of a workspace without logins (local mode): may do everything, approve too;
# no team member may take this name
LOCAL_USER = "local"


def role_rank(role: str) -> int:
    """A role's place in ROLES (each may do what the ones before it may); -1 if unknown."""
    return ROLES.index(role) if role in ROLES else -1


@dataclass(frozen=True)
class Member:
    """A user with access to the workspace, and their role there."""

    username: str
    display_name: str | None
    role: str
    active: bool
    last_login_at: dt.datetime | None


@dataclass(frozen=True)
class Members:
    """The workspace's members, by user name (/admin/users.json, `socialdesk users list
    --json`)."""

    members: list[Member]


def members(session: Session, workspace_id: int) -> Members:
    """Everyone with access to the workspace, by user name."""
    rows = session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == workspace_id)
        .order_by(User.username)
    )
    return Members(
        [Member(u.username, u.display_name, role, u.is_active, u.last_login_at) for u, role in rows]
    )


def team_exists(session: Session, workspace_id: int) -> bool:
    """Somebody has access to the workspace (so serving it beyond this computer is allowed)."""
    return bool(
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.workspace_id == workspace_id)
        )
    )


def user_exists(session: Session, username: str) -> bool:
    return session.scalar(select(User.id).where(User.username == username)) is not None


def add_user(
    session: Session,
    workspace_id: int,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
) -> User:
    """Create a user (or give an existing one access) with `role` in the workspace.

    An existing user keeps their password (`password` is then not used)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if username.strip().lower() == LOCAL_USER:
        raise ValueError(
            f"{username!r} is reserved for the one person of a workspace without logins; "
            "choose another user name"
        )
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        weak = check_password_strength(password)
        if weak:
            raise ValueError(f"password too weak: {weak}")
        user = User(
            username=username,
            display_name=display_name,
            password_hash=hash_password(password),
            is_active=True,
        )
        session.add(user)
        session.flush()
    member = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.workspace_id == workspace_id
        )
    )
    if member is None:
        session.add(Membership(user_id=user.id, workspace_id=workspace_id, role=role))
    else:
        member.role = role
    session.flush()
    return user


def end_sessions(session: Session, user_id: int, workspace_id: int | None = None) -> int:
    """End the user's logged-in sessions (in one workspace, or everywhere): every cookie of
    theirs stops working at the next request. How many ended. On SQLite the sessions are in
    a file of their own (socialdesk.users.sessions) and end at once, whatever becomes of the
    caller's transaction."""
    from socialdesk.users.sessions import SessionStore

    return SessionStore.for_session(session).end_user(session, user_id, workspace_id)


def remove_member(session: Session, workspace_id: int, username: str) -> bool:
    """Take the user's access to the workspace away and end their sessions there at once.
    False when there is no such user."""
    user_id = session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        return False
    session.execute(
        delete(Membership).where(
            Membership.user_id == user_id, Membership.workspace_id == workspace_id
        )
    )
    end_sessions(session, user_id, workspace_id)
    return True


def set_password(session: Session, username: str, password: str) -> bool:
    """Give the user a new password and end every session of theirs, in every workspace.
    False when there is no such user; ValueError when weak."""
    weak = check_password_strength(password)
    if weak:
        raise ValueError(f"password too weak: {weak}")
    user_id = session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        return False
    session.execute(
        update(User).where(User.id == user_id).values(password_hash=hash_password(password))
    )
    end_sessions(session, user_id)
    return True


def may_approve(session: Session, workspace_id: int, username: str) -> bool:
    """Whether `username` has been given the right to approve calendar items in this workspace
    (approving lets a post go out once it is scheduled: a right an admin gives by name, not a
    role). "local", the single user of a workspace without a team, may."""
    if username == LOCAL_USER:
        return True
    row = session.execute(
        select(Membership.can_approve)
        .join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == workspace_id, User.username == username)
    ).first()
    return bool(row and row[0])


def set_approver(session: Session, workspace_id: int, username: str, allowed: bool) -> None:
    """Give (or take) the right to approve; KeyError when the user is not a member."""
    member = session.execute(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == workspace_id, User.username == username)
    ).scalar_one_or_none()
    if member is None:
        raise KeyError(username)
    member.can_approve = allowed
