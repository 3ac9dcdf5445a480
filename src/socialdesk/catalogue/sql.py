"""Catalogue metrics as SQL expressions over a table's columns (both engines run them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, and_, case, func, literal, null
from sqlalchemy.sql.elements import ColumnElement

from socialdesk.catalogue.catalogue import get_metric


def term_expr(table: Any, term: str) -> ColumnElement[Any] | None:
    """The row-level SQL expression of a term, or None when the table has none of it."""
    if term == "posts":
        return literal(1.0, Float)
    if "*" in term:
        factors = [term_expr(table, t) for t in term.split("*")]
        present = [f for f in factors if f is not None]
        if len(present) < len(factors):
            return None
        out = present[0]
        for f in present[1:]:
            out = out * f
        return out
    if "|" in term:
        parts = [e for e in (term_expr(table, t) for t in term.split("|")) if e is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else func.coalesce(*parts)
    metric = get_metric(term)
    if metric.kind == "sum":
        parts = [e for e in (term_expr(table, t) for t in metric.terms) if e is not None]
        if not parts:
            return None
        total: ColumnElement[Any] = func.coalesce(parts[0], 0.0)
        for p in parts[1:]:
            total = total + func.coalesce(p, 0.0)
        return case((and_(*(p.is_(None) for p in parts)), null()), else_=total)
    column: ColumnElement[Any] | None = getattr(table, term, None)  # a mapped column attribute
    if column is None or term not in table.__table__.c:
        return None
    return column


def metric_column(table: Any, name: str) -> Any:
    """A figure of a metrics table. "engagements" on the cockpit is socialdesk's own
    interactions count from the catalogue (reactions or likes + comments + shares + saves),
    the same on every platform, instead of each platform's differing engagements column;
    only where an export gives none of those parts does the platform's own count stand in."""
    if name == "engagements":
        expr = term_expr(table, "interactions")
        own = getattr(table, name)
        # where an export gives none of the parts, the platform's own count stands in
        return own if expr is None else func.coalesce(expr, own)
    return getattr(table, name)
