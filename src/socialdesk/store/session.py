"""Sessions: one transaction is one unit of work."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from socialdesk.config import Settings, database_url_for, workspace_slug
from socialdesk.model import Base, Workspace
from socialdesk.store.engine import make_engine, upgrade
from socialdesk.store.identity import (
    Marker,
    publish_marker,
    read_marker,
    slug_of_name,
    write_marker,
)

log = logging.getLogger("socialdesk.store")


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

    def session(self) -> Session:
        return sessionmaker(self.engine, expire_on_commit=False)()


def ensure_workspace(engine: Engine, slug: str, name: str | None = None) -> int:
    with session_scope(engine) as session:
        found = session.scalar(select(Workspace.id).where(Workspace.slug == slug))
        if found is not None:
            return found
        ws = Workspace(slug=slug, name=name or slug)
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
    """The slug of a folder without a marker, and whether it was adopted.

    The folder's name, except in the folder's own SQLite file when that holds exactly one
    workspace of another slug and none (or only an empty one) of the folder's name: the
    folder was renamed before it had a marker, and that workspace is its own."""
    derived = workspace_slug(folder)
    if not _own_sqlite(engine, folder):
        return derived, False  # a shared database: the folder's name, as before markers
    with session_scope(engine) as session:
        rows = session.execute(select(Workspace.id, Workspace.slug)).all()
        others = [slug for _id, slug in rows if slug != derived]
        same = [ws_id for ws_id, slug in rows if slug == derived]
        if len(others) != 1 or (same and _holds_data(session, same[0])):
            return derived, False
    return others[0], True


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


def open_workspace(
    folder: Path, settings: Settings | None = None, *, url: str | None = None
) -> WorkspaceHandle:
    """Open (and create if needed) the workspace in `folder`, its schema at head.

    The folder's marker (`socialdesk-workspace.json`, see `store.identity`) names its
    workspace, so a renamed or moved folder keeps its data. A folder without one is keyed by
    its name (on its own SQLite file, a renamed folder's only workspace is adopted), and the
    marker is written then."""
    folder = folder.expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    marker = read_marker(folder)  # a malformed marker stops here, before any database work
    engine = make_engine(url or database_url_for(folder, settings))
    upgrade(engine)
    if marker is None:
        slug, adopted = _unmarked_slug(engine, folder)
        if adopted:
            log.warning("%s: adopting workspace %r (the folder was renamed)", folder, slug)
        marker = _keep_marker(folder, Marker.new(slug, folder), first=True)
        ws_id = ensure_workspace(engine, marker.slug, folder.name)
        if adopted and marker.slug == slug:
            _follow_folder_name(engine, ws_id, None, folder)
    else:
        ws_id = ensure_workspace(engine, marker.slug, folder.name)
        if marker.folder != folder.name:
            _follow_folder_name(engine, ws_id, marker.folder, folder)
            marker = _keep_marker(folder, replace(marker, folder=folder.name), first=False)
    return WorkspaceHandle(folder=folder, engine=engine, workspace_id=ws_id, slug=marker.slug)
