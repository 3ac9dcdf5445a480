"""The store: one code path for SQLite (embedded default) and PostgreSQL (teams)."""

from socialdesk.store.engine import make_engine, upgrade
from socialdesk.store.session import open_workspace, session_scope
from socialdesk.store.upsert import upsert

__all__ = ["make_engine", "open_workspace", "session_scope", "upgrade", "upsert"]
