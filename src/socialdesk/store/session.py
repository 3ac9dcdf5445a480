"""Sessions: one transaction is one unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from socialdesk.config import Settings, database_url_for, workspace_slug
from socialdesk.model import Workspace
from socialdesk.store.engine import make_engine, upgrade


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


def open_workspace(
    folder: Path, settings: Settings | None = None, *, url: str | None = None
) -> WorkspaceHandle:
    """Open (and create if needed) the workspace in `folder`, its schema at head."""
    folder = folder.expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url or database_url_for(folder, settings))
    upgrade(engine)
    slug = workspace_slug(folder)
    ws_id = ensure_workspace(engine, slug, folder.name)
    return WorkspaceHandle(folder=folder, engine=engine, workspace_id=ws_id, slug=slug)
