"""The reports' seam: what the CLI, the cockpit and (later) the worker call.

    report = monthly(session, workspace_id, month, lang)   # a MonthlyReport (plain data)
    report = care(session, workspace_id, month, lang)      # the inbox's month (CareReport)
    data = render(report, "pdf")                           # or "html": the file's bytes

`monthly` and `care` read the skills' seams once (and the workspace's branding: name, logo,
colours); `render` makes the files from that data without the database, so one report can be
written as HTML and PDF, previewed and sent alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from sqlalchemy.orm import Session

from socialdesk.reports import branding as branding_seam
from socialdesk.reports.audit import AuditReport, audit_report
from socialdesk.reports.campaign import (
    CampaignReport,
    NoSuchCampaign,
    campaign_html,
    campaign_names,
    campaign_report,
)
from socialdesk.reports.care import CareReport, NoCareData, care_report
from socialdesk.reports.monthly import MonthlyReport, NoDataForMonth, monthly_report
from socialdesk.reports.render import audit_html, care_html, to_html, to_pdf

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")
Report = MonthlyReport | CareReport | AuditReport | CampaignReport
KINDS = ("monthly", "care", "audit")  # the reports one can make of a month


def monthly(
    session: Session,
    workspace_id: int,
    month: dt.date,
    lang: str,
    *,
    organisation: str | None = None,
) -> MonthlyReport:
    """The monthly report of the calendar month of `month` (any day in it) against the month
    before, in `lang` (nl or en), with the workspace's branding. NoDataForMonth names a month
    without data."""
    brand = branding_seam.load(session, workspace_id)
    return monthly_report(
        session,
        workspace_id,
        month,
        lang,
        organisation=organisation or brand.name or None,
        branding=brand,
    )


def care(
    session: Session,
    workspace_id: int,
    month: dt.date,
    lang: str,
    *,
    organisation: str | None = None,
) -> CareReport:
    """The customer-care report of the calendar month of `month`: what came in, the replies
    against the target, the mood, surges. NoCareData when no conversation began in it."""
    brand = branding_seam.load(session, workspace_id)
    return care_report(
        session,
        workspace_id,
        month,
        lang,
        organisation=organisation or brand.name or None,
        branding=brand,
    )


def audit(
    session: Session,
    workspace_id: int,
    lang: str,
    *,
    today: dt.date | None = None,
    organisation: str | None = None,
) -> AuditReport:
    """The five-skills audit as of `today` (default: the real today) as a report."""
    brand = branding_seam.load(session, workspace_id)
    return audit_report(
        session,
        workspace_id,
        lang,
        today=today,
        organisation=organisation or brand.name or None,
        branding=brand,
    )


def campaign(
    session: Session,
    workspace_id: int,
    name: str,
    lang: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    utm_campaign: str | None = None,
    organisation: str | None = None,
) -> CampaignReport:
    """The campaign called `name` start to finish (or from `start` to `end`): spend, results
    per type, cost per result, tests, fatigue, its response curve, its plan entry.
    NoSuchCampaign names the closest campaigns when there is none of that name."""
    brand = branding_seam.load(session, workspace_id)
    return campaign_report(
        session,
        workspace_id,
        name,
        lang,
        start=start,
        end=end,
        utm_campaign=utm_campaign,
        organisation=organisation or brand.name or None,
        branding=brand,
    )


def of_kind(kind: str, session: Session, workspace_id: int, month: dt.date, lang: str) -> Report:
    """The report `kind` (one of KINDS) of a month."""
    if kind == "care":
        return care(session, workspace_id, month, lang)
    if kind == "audit":  # the audit reads the data as it is now: it is of today, any month
        return audit(session, workspace_id, lang)
    if kind == "monthly":
        return monthly(session, workspace_id, month, lang)
    raise ValueError(f"a report of a month is one of {', '.join(KINDS)} (got {kind!r})")


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


def render(report: Report, fmt: Format) -> bytes:
    """The report as an HTML page (UTF-8) or a PDF document."""
    return render_all(report, (fmt,))[fmt]


def render_all(report: Report, fmts: Sequence[Format]) -> dict[Format, bytes]:
    """The report in several formats, its HTML (and charts) made once."""
    unknown = [f for f in fmts if f not in FORMATS]
    if unknown:
        raise ValueError(f"a report is made as html or pdf (got {unknown[0]!r})")
    if not fmts:
        return {}
    if isinstance(report, CareReport):
        html = care_html(report)
    elif isinstance(report, AuditReport):
        html = audit_html(report)
    elif isinstance(report, CampaignReport):
        html = campaign_html(report)
    else:
        html = to_html(report)
    return {f: html.encode("utf-8") if f == "html" else to_pdf(html) for f in fmts}


__all__ = [
    "FORMATS",
    "KINDS",
    "AuditReport",
    "CampaignReport",
    "CareReport",
    "Format",
    "MonthlyReport",
    "NoCareData",
    "NoDataForMonth",
    "NoSuchCampaign",
    "Report",
    "audit",
    "campaign",
    "campaign_names",
    "care",
    "default_month",
    "monthly",
    "of_kind",
    "render",
    "render_all",
]
