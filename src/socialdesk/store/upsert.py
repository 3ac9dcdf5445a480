"""Dialect-aware INSERT ... ON CONFLICT for SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import JSON, BigInteger, Column, Date, DateTime, Float, Integer, Table, tuple_
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


@dataclass
class UpsertResult:
    added: int
    updated: int
    ids: dict[tuple[Any, ...], int] | None = None

    @property
    def pair(self) -> tuple[int, int]:
        return self.added, self.updated


def _column_values(series: pd.Series, column: Column[Any], dialect: str) -> list[Any]:
    """A frame column as plain Python values the DB-API driver takes, NULL for missing."""
    type_ = column.type
    if isinstance(type_, Date | DateTime) or pd.api.types.is_datetime64_any_dtype(series.dtype):
        # ISO text: SQLAlchemy's own storage format on SQLite, parsed by PostgreSQL on COPY.
        ts = pd.to_datetime(series)
        fmt = "%Y-%m-%d %H:%M:%S.%f" if isinstance(type_, DateTime) else "%Y-%m-%d"
        if ts.notna().all() and (ts == ts.iloc[0]).all():
            return [ts.iloc[0].strftime(fmt)] * len(ts)  # a constant column (as_of)
        text = ts.dt.strftime(fmt)
        return text.astype(object).where(ts.notna(), None).tolist()
    if isinstance(type_, JSON):
        return [None if v is None or (isinstance(v, float) and np.isnan(v)) else json.dumps(v)
                for v in series.tolist()]
    if pd.api.types.is_float_dtype(series.dtype):
        arr = series.to_numpy(dtype="float64", na_value=np.nan)
        return np.where(np.isnan(arr), None, arr).tolist()
    if pd.api.types.is_integer_dtype(series.dtype) and not series.isna().any():
        return series.to_numpy().tolist()
    values = series.astype(object).where(series.notna(), None).tolist()
    if isinstance(type_, Float | Integer | BigInteger):
        return [None if v is None else (float(v) if isinstance(type_, Float) else int(v)) for v in values]
    return values


def _set_clause(table: str, column: str, col: Column[Any], dialect: str) -> str:
    """`col = excluded.col`; JSON columns are merged key by key, so two files that each
    give some platform-specific figures of the same row complete each other."""
    if not isinstance(col.type, JSON):
        return f'"{column}" = excluded."{column}"'
    old, new = f'"{table}"."{column}"', f'excluded."{column}"'
    if dialect == "postgresql":
        merged = f"({old}::jsonb || {new}::jsonb)::json"
    else:
        merged = f"json_patch({old}, {new})"
    return (
        f'"{column}" = CASE WHEN {new} IS NULL THEN {old} WHEN {old} IS NULL THEN {new} '
        f"ELSE {merged} END"
    )


def upsert_frame(
    session: Session,
    table: Table,
    frame: pd.DataFrame,
    *,
    keys: Sequence[str],
    update: Sequence[str] | None = None,
    return_ids: bool = False,
) -> UpsertResult:
    """Bulk upsert of a frame whose columns are columns of `table`.

    The rows go to a temporary staging table first (executemany on SQLite, COPY on
    PostgreSQL), then one INSERT ... SELECT ... ON CONFLICT DO UPDATE moves them in. The
    staging table also tells how many rows already existed, and (return_ids) their ids.
    """
    if frame.empty:
        return UpsertResult(0, 0, {} if return_ids else None)
    frame = frame.drop_duplicates(subset=list(keys), keep="last")
    cols = list(frame.columns)
    if update is None:
        update = [c for c in cols if c not in keys and c != "id"]
    conn = session.connection()
    dialect = conn.dialect.name
    raw = conn.connection.driver_connection
    assert raw is not None
    name = table.name
    stage = f"_stage_{name}"
    col_list = ", ".join(f'"{c}"' for c in cols)
    values = [_column_values(frame[c], table.c[c], dialect) for c in cols]
    rows = list(zip(*values, strict=True))
    cur = raw.cursor()
    try:
        cur.execute(f'DROP TABLE IF EXISTS "{stage}"')
        if dialect == "sqlite":
            cur.execute(f'CREATE TEMP TABLE "{stage}" AS SELECT {col_list} FROM main."{name}" WHERE 0')
            marks = ", ".join("?" for _ in cols)
            cur.executemany(f'INSERT INTO "{stage}" ({col_list}) VALUES ({marks})', rows)
        elif dialect == "postgresql":
            cur.execute(f'CREATE TEMP TABLE "{stage}" AS SELECT {col_list} FROM "{name}" WITH NO DATA')
            with cur.copy(f'COPY "{stage}" ({col_list}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(f'ANALYZE "{stage}"')  # a plan from real row counts, not guesses
        else:  # pragma: no cover - only the two engines are supported
            raise NotImplementedError(dialect)
        match = " AND ".join(f't."{k}" = s."{k}"' for k in keys)
        cur.execute(f'SELECT count(*) FROM "{stage}" s WHERE EXISTS (SELECT 1 FROM "{name}" t WHERE {match})')
        existing = int(cur.fetchone()[0])
        key_list = ", ".join(f'"{k}"' for k in keys)
        if update:
            sets = ", ".join(_set_clause(name, c, table.c[c], dialect) for c in update)
            action = f"DO UPDATE SET {sets}"
        else:
            action = "DO NOTHING"
        cur.execute(
            f'INSERT INTO "{name}" ({col_list}) SELECT {col_list} FROM "{stage}" WHERE true '
            f"ON CONFLICT ({key_list}) {action}"
        )
        ids = None
        if return_ids:
            sel = ", ".join(f's."{k}"' for k in keys)
            cur.execute(f'SELECT {sel}, t.id FROM "{stage}" s JOIN "{name}" t ON {match}')
            ids = {tuple(r[:-1]): r[-1] for r in cur.fetchall()}
        cur.execute(f'DROP TABLE IF EXISTS "{stage}"')
    finally:
        cur.close()
    return UpsertResult(len(rows) - existing, existing, ids)
