from __future__ import annotations

from sqlalchemy import inspect, text

from socialdesk.model import Base
from socialdesk.store import make_engine, open_workspace, upgrade


def test_migrations_build_every_model_table(engine):
    names = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= names
    assert "alembic_version" in names


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_upgrade_is_idempotent_and_open_workspace_reuses_its_row(tmp_path):
    first = open_workspace(tmp_path / "Mijn Werkruimte")
    upgrade(first.engine)
    again = open_workspace(tmp_path / "Mijn Werkruimte")
    assert first.workspace_id == again.workspace_id
    assert first.slug == "mijn-werkruimte"
    assert (tmp_path / "Mijn Werkruimte" / "socialdesk.db").exists()
    with again.engine.connect() as conn:
        assert conn.execute(text("select count(*) from workspace")).scalar() == 1
