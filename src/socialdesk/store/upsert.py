"""Dialect-aware INSERT ... ON CONFLICT for SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

# SQLite allows 32766 bound parameters; PostgreSQL 65535. Stay well under both.
_MAX_PARAMS = 30000


def _insert_for(session: Session, table: Table) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"upsert is not implemented for {name}")


def existing_keys(
    session: Session, table: Table, keys: Sequence[str], rows: Sequence[dict[str, Any]]
) -> set[tuple[Any, ...]]:
    """The natural keys among `rows` that are already in `table`."""
    found: set[tuple[Any, ...]] = set()
    if not rows:
        return found
    wanted = list({tuple(r[k] for k in keys) for r in rows})
    step = max(1, _MAX_PARAMS // (2 * len(keys)))
    cols = [table.c[k] for k in keys]
    for i in range(0, len(wanted), step):
        part = wanted[i : i + step]
        if len(keys) == 1:
            cond = cols[0].in_([p[0] for p in part])
        else:
            cond = tuple_(*cols).in_(part)
        query = table.select().with_only_columns(*cols).where(cond)
        found.update(tuple(r) for r in session.execute(query))
    return found


def upsert(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str] | None = None,
    count: bool = True,
) -> tuple[int, int]:
    """Insert `rows`, or update the columns in `update` where the natural `keys` exist.

    Only the columns present in the rows are written, so two files that fill different
    columns of the same row (say followers and reach of one day) complete each other.
    Returns (added, updated).
    """
    if not rows:
        return 0, 0
    # one row per natural key, the last one winning (a file may repeat a row)
    rows = list({tuple(r[k] for k in keys): r for r in rows}.values())
    columns = list(rows[0].keys())
    if update is None:
        update = [c for c in columns if c not in keys and c != "id"]
    before = len(existing_keys(session, table, keys, rows)) if count else 0
    width = max(1, len(columns))
    step = max(1, _MAX_PARAMS // width)
    for i in range(0, len(rows), step):
        stmt = _insert_for(session, table)
        if update:
            stmt = stmt.on_conflict_do_update(
                index_elements=list(keys), set_={c: stmt.excluded[c] for c in update}
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        session.execute(stmt, list(rows[i : i + step]))
    return len(rows) - before, before
