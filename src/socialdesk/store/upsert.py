"""Dialect-aware INSERT ... ON CONFLICT for SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
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


def _column_values(
    series: pd.Series, column: Column[Any], dialect: str, *, encoded: bool = False
) -> list[Any]:
    """A frame column as plain Python values the DB-API driver takes, NULL for missing.
    `encoded`: a JSON column whose cells are JSON text already (or None)."""
    type_ = column.type
    if isinstance(type_, Date | DateTime) or pd.api.types.is_datetime64_any_dtype(series.dtype):
        # ISO text: SQLAlchemy's own storage format on SQLite, parsed by PostgreSQL on COPY.
        ts = pd.to_datetime(series)
        fmt = "%Y-%m-%d %H:%M:%S.%f" if isinstance(type_, DateTime) else "%Y-%m-%d"
        if ts.notna().all() and (ts == ts.iloc[0]).all():
            return [ts.iloc[0].strftime(fmt)] * len(ts)  # a constant column (as_of)
        if ts.dt.tz is not None:  # wall-clock text of aware timestamps, as strftime gives
            return ts.dt.strftime(fmt).astype(object).where(ts.notna(), None).tolist()
        return _iso_text(ts, with_time=isinstance(type_, DateTime))
    if isinstance(type_, JSON):
        if encoded:
            return series.astype(object).where(series.notna(), None).tolist()
        return [
            None if v is None or (isinstance(v, float) and np.isnan(v)) else json.dumps(v)
            for v in series.tolist()
        ]
    if pd.api.types.is_float_dtype(series.dtype):
        arr = series.to_numpy(dtype="float64", na_value=np.nan)
        return [None if math.isnan(v) else v for v in arr.tolist()]
    if pd.api.types.is_integer_dtype(series.dtype) and not series.isna().any():
        return series.to_numpy().tolist()
    values = series.astype(object).where(series.notna(), None).tolist()
    if isinstance(type_, Float | Integer | BigInteger):
        return [
            None if v is None else (float(v) if isinstance(type_, Float) else int(v))
            for v in values
        ]
    return values


def _iso_text(ts: pd.Series, *, with_time: bool) -> list[str | None]:
    """Timestamps as "YYYY-MM-DD HH:MM:SS.ffffff" (or "YYYY-MM-DD"), None for NaT: what
    strftime gives, formatted by numpy for the whole column at once."""
    values = ts.to_numpy(dtype="datetime64[us]")
    missing = np.isnat(values)
    text = np.datetime_as_string(values, unit="us" if with_time else "D")
    if with_time:  # "2025-01-02T10:00:00.000000": a space between date and time
        text = np.char.replace(text, "T", " ", count=1)
    out = text.astype(object)
    out[missing] = None
    return out.tolist()  # type: ignore[no-any-return]


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
    encoded_json: Sequence[str] = (),
) -> UpsertResult:
    """Bulk upsert of a frame whose columns are columns of `table`.

    The rows go to a temporary staging table first (executemany on SQLite, COPY on
    PostgreSQL), then one INSERT ... SELECT ... ON CONFLICT DO UPDATE moves them in. Which
    rows were new, and (return_ids) the ids of all, come back from that statement itself
    where the table has an `id` key: on SQLite a new row's id is above the largest id
    before it (the transaction holds the write lock), on PostgreSQL a new row version has
    no xmax. Otherwise the staging table is matched against the table once more.
    `encoded_json` names JSON columns whose cells are JSON text already.
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
    values = [
        _column_values(frame[c], table.c[c], dialect, encoded=c in encoded_json) for c in cols
    ]
    count = len(frame)
    cur = raw.cursor()
    try:
        cur.execute(f'DROP TABLE IF EXISTS "{stage}"')
        if dialect == "sqlite":
            cur.execute(
                f'CREATE TEMP TABLE "{stage}" AS SELECT {col_list} FROM main."{name}" WHERE 0'
            )
            marks = ", ".join("?" for _ in cols)
            staged = zip(*values, strict=True)
            cur.executemany(f'INSERT INTO "{stage}" ({col_list}) VALUES ({marks})', staged)
        elif dialect == "postgresql":
            # compiling these one-off statements (JIT) costs more than it saves: measured
            # a quarter of the import's statements; for the rest of the transaction only
            cur.execute("SET LOCAL jit = off")
            cur.execute(
                f'CREATE TEMP TABLE "{stage}" AS SELECT {col_list} FROM "{name}" WITH NO DATA'
            )
            with cur.copy(f'COPY "{stage}" ({col_list}) FROM STDIN') as copy:
                for block in _copy_text(values):
                    copy.write(block)
        else:  # pragma: no cover - only the two engines are supported
            raise NotImplementedError(dialect)
        key_list = ", ".join(f'"{k}"' for k in keys)
        if update:
            sets = ", ".join(_set_clause(name, c, table.c[c], dialect) for c in update)
            action = f"DO UPDATE SET {sets}"
        else:
            action = "DO NOTHING"
        insert = (
            f'INSERT INTO "{name}" ({col_list}) SELECT {col_list} FROM "{stage}" WHERE true '
            f"ON CONFLICT ({key_list}) {action}"
        )
        if update and "id" in table.c and "id" not in cols:
            existing, ids = _insert_returning(cur, dialect, name, insert, keys, return_ids, count)
        else:
            existing, ids = _insert_matching(cur, name, stage, insert, keys, return_ids)
        cur.execute(f'DROP TABLE IF EXISTS "{stage}"')
    finally:
        cur.close()
    return UpsertResult(count - existing, existing, ids)


def _insert_returning(
    cur: Any,
    dialect: str,
    name: str,
    insert: str,
    keys: Sequence[str],
    return_ids: bool,
    staged: int,
) -> tuple[int, dict[tuple[Any, ...], int] | None]:
    """Run the upsert; (rows that existed, ids by key) from the statement itself."""
    key_list = ", ".join(f'"{k}"' for k in keys)
    if dialect == "sqlite":
        cur.execute(f'SELECT coalesce(max(id), 0) FROM "{name}"')
        top = int(cur.fetchone()[0])
        if not return_ids:  # every staged row is either added (id > top) or updated
            cur.execute(insert)
            cur.execute(f'SELECT count(*) FROM "{name}" WHERE id > ?', (top,))
            return staged - int(cur.fetchone()[0]), None
        cur.execute(f"{insert} RETURNING id, {key_list}")
        got = cur.fetchall()
        return sum(1 for r in got if r[0] <= top), {tuple(r[1:]): r[0] for r in got}
    if not return_ids:
        cur.execute(
            f"WITH done AS ({insert} RETURNING xmax = 0 AS added) "
            "SELECT count(*), count(*) FILTER (WHERE added) FROM done"
        )
        total, added = cur.fetchone()
        return int(total) - int(added), None
    cur.execute(f"{insert} RETURNING id, xmax = 0, {key_list}")
    got = cur.fetchall()
    return sum(1 for r in got if not r[1]), {tuple(r[2:]): r[0] for r in got}


def _insert_matching(
    cur: Any, name: str, stage: str, insert: str, keys: Sequence[str], return_ids: bool
) -> tuple[int, dict[tuple[Any, ...], int] | None]:
    """Run the upsert; (rows that existed, ids by key) by matching the staging table."""
    match = " AND ".join(f't."{k}" = s."{k}"' for k in keys)
    cur.execute(
        f'SELECT count(*) FROM "{stage}" s WHERE EXISTS (SELECT 1 FROM "{name}" t WHERE {match})'
    )
    existing = int(cur.fetchone()[0])
    cur.execute(insert)
    ids = None
    if return_ids:
        sel = ", ".join(f's."{k}"' for k in keys)
        cur.execute(f'SELECT {sel}, t.id FROM "{stage}" s JOIN "{name}" t ON {match}')
        ids = {tuple(r[:-1]): r[-1] for r in cur.fetchall()}
    return existing, ids


_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_ROWS = 20_000  # rows per block written to COPY


def _copy_column(values: list[Any]) -> list[str]:
    """One column in COPY's text format: \\N for NULL, special characters escaped."""
    kinds = {type(v) for v in values}
    kinds.discard(type(None))
    if kinds <= {float}:
        return ["\\N" if v is None else repr(v) for v in values]
    if kinds <= {int}:
        return ["\\N" if v is None else str(v) for v in values]
    if kinds <= {bool}:
        return ["\\N" if v is None else ("t" if v else "f") for v in values]
    if kinds <= {str}:
        strings = ["\\N" if v is None else v for v in values]
        joined = "".join(v for v in values if v is not None)
        if any(ch in joined for ch in "\\\t\n\r"):
            strings = ["\\N" if v is None else v.translate(_COPY_ESCAPE) for v in values]
        return strings
    return ["\\N" if v is None else _copy_value(v) for v in values]


def _copy_value(value: Any) -> str:
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, float):
        return repr(value)
    return str(value).translate(_COPY_ESCAPE)


def _copy_text(columns: list[list[Any]]) -> Iterator[str]:
    """The rows of these columns in COPY's text format, in blocks."""
    text = [_copy_column(c) for c in columns]
    n = len(text[0]) if text else 0
    for start in range(0, n, _COPY_ROWS):
        part = [c[start : start + _COPY_ROWS] for c in text]
        yield "\n".join(map("\t".join, zip(*part, strict=True))) + "\n"
