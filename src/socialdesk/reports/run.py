"""The reports' seam: what the CLI, the cockpit and (later) the worker call.

    report = monthly(session, workspace_id, month, lang)   # a MonthlyReport (plain data)
    data = render(report, "pdf")                           # or "html": the file's bytes

`monthly` reads the skills' seams once; `render` makes the files from that data without the
database, so one report can be written as HTML and PDF, previewed and sent alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from sqlalchemy.orm import Session

from socialdesk.reports.monthly import MonthlyReport, NoDataForMonth, monthly_report
from socialdesk.reports.render import to_html, to_pdf

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")


def monthly(
    session: Session,
    workspace_id: int,
    month: dt.date,
    lang: str,
    *,
    organisation: str | None = None,
) -> MonthlyReport:
    """The monthly report of the calendar month of `month` (any day in it) against the month
    before, in `lang` (nl or en). NoDataForMonth names a month without data."""
    return monthly_report(session, workspace_id, month, lang, organisation=organisation)


def default_month(session: Session, workspace_id: int, today: dt.date | None = None) -> dt.date:
    """The month a report is made of when none is asked: the previous calendar month, or,
    when the data ends before it, the last whole month with data (the last month with any
    data when there is no whole one)."""
    from socialdesk.reports.monthly import _data_span

    first = (today or dt.date.today()).replace(day=1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    span = _data_span(session, workspace_id)
    if span is None or span[1] >= first - dt.timedelta(days=1):
        return previous
    start, last = span
    month = last.replace(day=1)
    after = (month + dt.timedelta(days=32)).replace(day=1)
    if last < after - dt.timedelta(days=1) and month > start:  # the last month is not whole
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def render(report: MonthlyReport, fmt: Format) -> bytes:
    """The report as an HTML page (UTF-8) or a PDF document."""
    return render_all(report, (fmt,))[fmt]


def render_all(report: MonthlyReport, fmts: Sequence[Format]) -> dict[Format, bytes]:
    """The report in several formats, its HTML (and charts) made once."""
    unknown = [f for f in fmts if f not in FORMATS]
    if unknown:
        raise ValueError(f"a report is made as html or pdf (got {unknown[0]!r})")
    if not fmts:
        return {}
    html = to_html(report)
    return {f: html.encode("utf-8") if f == "html" else to_pdf(html) for f in fmts}


__all__ = [
    "FORMATS",
    "Format",
    "MonthlyReport",
    "NoDataForMonth",
    "default_month",
    "monthly",
    "render",
    "render_all",
]
