"""Sessions: one transaction is one unit of work; a folder's workspace, found by its uid."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from socialdesk.config import Settings, database_url_for, slug_of_name, workspace_slug
from socialdesk.errors import ConfigError
from socialdesk.model import Base, Workspace
from socialdesk.store.engine import make_engine, sqlite_file, upgrade
from socialdesk.store.identity import (
    MARKER_FILE,
    Marker,
    publish_marker,
    read_marker,
    write_marker,
)

log = logging.getLogger("socialdesk.store")
_SLUG_MAX = 100  # Workspace.slug is String(100)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work commits at the end of the block, or rolls back on any error."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


@dataclass
class WorkspaceHandle:
    folder: Path
    engine: Engine
    workspace_id: int
    slug: str
    uid: str | None = None  # the uuid of the folder's marker (None for test handles)

    def session(self) -> Session:
        return sessionmaker(self.engine, expire_on_commit=False)()


def ensure_workspace(engine: Engine, slug: str, name: str | None = None) -> int:
    """The workspace of this slug, created (with a uid of its own) when there is none.

    For tests and tools that name a workspace by its slug; a folder's workspace is found by
    its marker's uid (`open_workspace`)."""
    with session_scope(engine) as session:
        found = session.scalar(select(Workspace.id).where(Workspace.slug == slug))
        if found is not None:
            return found
        ws = Workspace(slug=slug, name=name or slug, uid=str(uuid.uuid4()))
        session.add(ws)
        session.flush()
        return ws.id


def _own_sqlite(engine: Engine, folder: Path) -> bool:
    """Whether the engine is the folder's own SQLite file (not a shared database)."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return False
    if engine.url.database == ":memory:":
        return False
    return Path(engine.url.database).expanduser().resolve() == folder / "socialdesk.db"


def _holds_data(session: Session, workspace_id: int) -> bool:
    """Whether any table has a row of this workspace."""
    for table in Base.metadata.sorted_tables:
        column = table.columns.get("workspace_id")
        if column is None:
            continue
        if session.execute(select(1).where(column == workspace_id).limit(1)).first():
            return True
    return False


def _unmarked_slug(engine: Engine, folder: Path) -> tuple[str, bool]:
    """In the folder's own SQLite file: the slug of the folder's workspace when it has no
    marker, and whether it was adopted.

    The folder's name, except when the file holds exactly one workspace of another slug and
    none (or only an empty one) of the folder's name: the folder was renamed before it had a
    marker, and that workspace is its own."""
    derived = workspace_slug(folder)
    with session_scope(engine) as session:
        rows = session.execute(select(Workspace.id, Workspace.slug)).all()
        others = [slug for _id, slug in rows if slug != derived]
        same = [ws_id for ws_id, slug in rows if slug == derived]
        if len(others) != 1 or (same and _holds_data(session, same[0])):
            return derived, False
    return others[0], True


# Logins keep their sessions and failed attempts in a small SQLite file of their own beside
# an SQLite database (socialdesk.db -> socialdesk.sessions.db), so an import's write lock never
# holds them up (socialdesk.users.sessions); on PostgreSQL they stay in the main database.
SESSIONS_SUFFIX = ".sessions.db"


def sessions_file(engine: Engine) -> Path | None:
    """The sessions file beside an SQLite database file; None on PostgreSQL (and for an
    in-memory SQLite database, which keeps them in its own tables)."""
    if engine.dialect.name != "sqlite":
        return None
    db = sqlite_file(engine.url.render_as_string(hide_password=False))
    if db is None:
        return None
    return db.with_name(db.name.removesuffix(".db") + SESSIONS_SUFFIX)


# files socialdesk writes into a workspace folder the first time it opens it
OWN_FILES = ("secret.key", ".socialdesk-secret", "jobs.db")


def _legacy_row(engine: Engine, folder: Path, *, own: bool, new: bool) -> tuple[str, str | None]:
    """A folder without a marker: the slug of the workspace it takes up, and that
    workspace's uid when it has one (None: a new workspace, or one made before uids).

    On the folder's own SQLite file its data is its own (a marker lost or never written):
    `_unmarked_slug`. On a shared database a folder that holds files (made before markers)
    takes up the workspace of its name once, only while no folder has claimed it (uid NULL);
    a new or empty folder never does: it is a new workspace, whatever its name."""
    if own:
        slug, adopted = _unmarked_slug(engine, folder)
        with session_scope(engine) as session:
            row = session.execute(
                select(Workspace.id, Workspace.uid).where(Workspace.slug == slug)
            ).first()
        if row is not None and adopted:
            log.warning("%s: adopting workspace %r (the folder was renamed)", folder, slug)
        return slug, (row.uid if row is not None else None)
    derived = workspace_slug(folder)
    if not new:
        with session_scope(engine) as session:
            unclaimed = session.scalar(
                select(Workspace.id).where(Workspace.slug == derived, Workspace.uid.is_(None))
            )
        if unclaimed is not None:
            log.warning(
                "%s: taking up workspace %r, made before workspaces had an identity; another "
                "folder of this name now gets a workspace of its own",
                folder,
                derived,
            )
    return derived, None


def _free_slug(session: Session, base: str) -> str:
    """`base`, or `base-2`, `base-3`, ... : the first slug no workspace has."""
    base = base[:_SLUG_MAX]
    # every candidate starts with the first 50 characters of `base` (a suffix is shorter)
    taken = set(session.scalars(select(Workspace.slug).where(Workspace.slug.startswith(base[:50]))))
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: _SLUG_MAX - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


def _workspace_of(
    engine: Engine, marker: Marker, name: str, *, claim: bool, strict: bool = False
) -> tuple[int, str]:
    """The id and slug of the marker's workspace, found by its uid.

    With `claim`, a workspace of the marker's slug made before uids (uid NULL) becomes the
    marker's, once. Without one the workspace is created, its slug made unique (`klant-2`
    when `klant` is another folder's), its name the folder's."""
    for _attempt in range(50):
        with session_scope(engine) as session:
            row = session.execute(
                select(Workspace.id, Workspace.slug).where(Workspace.uid == marker.uuid)
            ).first()
            if row is not None:
                return row.id, row.slug
        try:
            with session_scope(engine) as session:
                if claim:
                    done = session.execute(
                        update(Workspace)
                        .where(Workspace.slug == marker.slug, Workspace.uid.is_(None))
                        .values(uid=marker.uuid)
                    )
                    if cast(CursorResult[Any], done).rowcount == 1:
                        continue  # found by its uid on the next round
                if strict and session.scalar(
                    select(Workspace.id).where(Workspace.slug == marker.slug)
                ):
                    # the marker names a workspace another folder has claimed (before uids,
                    # two folders of one name shared it): never start this one empty silently
                    raise ConfigError(
                        f"this folder's workspace {marker.slug!r} belongs to another folder on "
                        "this database. If this folder should show the same workspace (a second "
                        f"server), copy {MARKER_FILE} from that folder into this one; to start "
                        f"this folder as a new, empty workspace, remove its {MARKER_FILE}."
                    )
                slug = _free_slug(session, marker.slug)
                ws = Workspace(uid=marker.uuid, slug=slug, name=name[:200])
                session.add(ws)
                session.flush()
                return ws.id, slug
        except IntegrityError:
            continue  # another process took the uid or the slug a moment ago: look again
    raise ConfigError(f"cannot create workspace {marker.slug!r}: its slug keeps being taken")


def _follow_folder_name(engine: Engine, ws_id: int, previous: str | None, folder: Path) -> None:
    """Workspace.name follows a renamed folder while it is the folder's name: it was the
    previous folder's name (or, with that unknown, a name of the workspace's slug)."""
    with session_scope(engine) as session:
        ws = session.get(Workspace, ws_id)
        if ws is None or ws.name == folder.name:
            return
        was_folder = (
            ws.name == previous if previous is not None else slug_of_name(ws.name) == ws.slug
        )
        if was_folder:
            session.execute(update(Workspace).where(Workspace.id == ws_id).values(name=folder.name))


def _keep_marker(folder: Path, marker: Marker, *, first: bool) -> Marker:
    """Write the marker; a folder that cannot hold it still opens (with a warning)."""
    try:
        if first:
            return publish_marker(folder, marker)
        write_marker(folder, marker)
    except OSError as exc:
        log.warning(
            "cannot write the workspace marker in %s (%s): workspace %r is opened, but a "
            "renamed folder will not find it until the marker can be written",
            folder,
            exc.strerror or exc,
            marker.slug,
        )
    return marker


def _is_new(folder: Path) -> bool:
    try:
        return not any(folder.iterdir())
    except FileNotFoundError:
        return True


def open_workspace(
    folder: Path, settings: Settings | None = None, *, url: str | None = None
) -> WorkspaceHandle:
    """Open (and create if needed) the workspace in `folder`, its schema at head.

    The folder's marker (`socialdesk-workspace.json`, see `store.identity`) holds the uuid
    the workspace is found by (`Workspace.uid`), never by the folder's name: a renamed,
    moved or restored folder keeps its data, and a new folder whose name another folder of
    the database has gets a workspace of its own (slug `klant-2`, name `klant`). A folder
    without a marker gets one here (see `_legacy_row` for the workspaces made before)."""
    folder = folder.expanduser().resolve()
    # a folder socialdesk used before holds its key files; a folder that merely holds files
    # (a new one with an export in it) never takes up a workspace of its name
    new = _is_new(folder) or not any((folder / n).exists() for n in OWN_FILES)
    folder.mkdir(parents=True, exist_ok=True)
    marker = read_marker(folder)  # a malformed marker stops here, before any database work
    engine = make_engine(url or database_url_for(folder, settings))
    upgrade(engine)
    own = _own_sqlite(engine, folder)
    if marker is None:
        slug, uid = _legacy_row(engine, folder, own=own, new=new)
        proposed = Marker(slug=slug, uuid=uid or str(uuid.uuid4()), folder=folder.name)
        marker = _keep_marker(folder, proposed, first=True)
        # a new folder's slug is only proposed: claim a workspace of it only when taking up
        # the folder's own one (its own file, or a folder that holds files on a shared one)
        claim = marker.uuid == proposed.uuid and (own or not new)
        ws_id, slug = _workspace_of(engine, marker, folder.name, claim=claim)
        if marker.uuid == proposed.uuid:
            _follow_folder_name(engine, ws_id, None, folder)
    else:
        ws_id, slug = _workspace_of(engine, marker, folder.name, claim=True, strict=not own)
        if marker.folder != folder.name:
            _follow_folder_name(engine, ws_id, marker.folder, folder)
    if (marker.slug, marker.folder) != (slug, folder.name):
        marker = _keep_marker(folder, replace(marker, slug=slug, folder=folder.name), first=False)
    return WorkspaceHandle(
        folder=folder, engine=engine, workspace_id=ws_id, slug=slug, uid=marker.uuid
    )
