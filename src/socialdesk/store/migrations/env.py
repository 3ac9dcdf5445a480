"""Alembic environment: the engine comes from socialdesk.store.engine.upgrade()."""

from __future__ import annotations

from alembic import context

from socialdesk.model import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` command line: fall back to the configured URL
    from socialdesk.store.engine import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///socialdesk.db")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
