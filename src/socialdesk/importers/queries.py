"""What the importers read back from the store: the workspace's import history (lineage).

The importers write through `load.py`; this module is the one place that reads their batches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from socialdesk.model import ImportBatch


@dataclass(frozen=True)
class ImportRow:
    id: int
    filename: str
    format: str
    rows_read: int
    rows_added: int
    rows_updated: int
    rows_skipped: int
    imported_by: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    notes: list[str]


def import_history(session: Session, workspace_id: int, limit: int = 100) -> list[ImportRow]:
    stmt = (
        select(ImportBatch)
        .where(ImportBatch.workspace_id == workspace_id)
        .order_by(ImportBatch.started_at.desc(), ImportBatch.id.desc())
        .limit(limit)
    )
    out = []
    for b in session.scalars(stmt):
        notes = b.notes.get("notes", []) if isinstance(b.notes, dict) else []
        out.append(
            ImportRow(
                b.id,
                b.filename,
                b.format,
                b.rows_read,
                b.rows_added,
                b.rows_updated,
                b.rows_skipped,
                b.imported_by,
                b.started_at,
                b.finished_at,
                [str(n) for n in notes],
            )
        )
    return out
