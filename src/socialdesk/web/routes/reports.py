"""Reports for stakeholders (/reports): the monthly report previewed in the page and downloaded
as HTML or PDF (issue #16). Viewers may read and download them: stakeholders are who they are
for.

GET /reports                       choose the report, the month and the language; the preview
GET /reports/monthly.html|.pdf     the monthly report (?month=YYYY-MM&lang=nl|en)
GET /reports/care.html|.pdf        the customer-care report (the inbox's month)
GET /reports/campaign.html|.pdf    one campaign start to finish (?name=...)
GET /reports/audit.html|.pdf       the five-skills audit, of today

Making a report reads every skill's seam and renders charts and a PDF: seconds of work. One
report is made at a time per server (a second request waits up to REPORT_WAIT seconds, then
is told to try again), so many viewers at once cannot exhaust the machine.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import threading
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from socialdesk.i18n import N_
from socialdesk.reports import run
from socialdesk.web.deps import ConfigDep, LocaleDep, SessionDep, Viewer, WorkspaceDep, render
from socialdesk.web.pages import View

router = APIRouter()

REPORT_WAIT = 5.0  # seconds a request waits for the report being made (then 503, try again)
_ONE_AT_A_TIME = threading.BoundedSemaphore(1)
QMonth = Annotated[str | None, Query(max_length=7)]
QLang = Annotated[str | None, Query(max_length=2)]
QKind = Annotated[str | None, Query(max_length=20)]
QName = Annotated[str | None, Query(max_length=300)]
KINDS = (*run.KINDS, "campaign")  # the campaign report is of a campaign, not of a month


def _previous_month(today: dt.date | None = None) -> dt.date:
    first = (today or dt.date.today()).replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def _month(text: str | None) -> dt.date:
    if not text:
        return _previous_month()
    try:
        return dt.date.fromisoformat(text + "-01")
    except ValueError:
        raise HTTPException(422, N_("Write the month as YYYY-MM.")) from None


def _lang(text: str | None, locale: str) -> str:
    lang = (text or locale or "nl").lower()
    return lang if lang in ("nl", "en") else "nl"


class ReportsPage:
    """What /reports shows: the report, month and language chosen, the months one can choose."""

    kinds = KINDS

    def __init__(
        self,
        month: dt.date,
        lang: str,
        error: str | None,
        kind: str = "monthly",
        campaigns: tuple[str, ...] = (),
        campaign: str | None = None,
    ) -> None:
        self.month = month.strftime("%Y-%m")
        self.lang = lang
        self.kind = kind
        self.campaigns = campaigns
        # the campaign asked, else the first; the page's links carry it
        self.campaign = campaign if campaign in campaigns else (campaigns[0] if campaigns else "")
        # the same report from the command line; a campaign's name comes from the exports, so
        # it is quoted for the shell (a name like x$(...) must not run when pasted)
        if kind == "campaign":
            args = ["campaign", self.campaign]
        elif kind == "audit":
            args = ["audit"]
        else:
            args = [kind, "--month", self.month]
        self.command = "socialdesk report " + shlex.join(
            [*args, "--lang", lang, "--pdf", "report.pdf"]
        )
        self.error = error
        months, at = [], _previous_month()
        for _ in range(36):  # the last three years, and the month asked if it is older
            months.append(at.strftime("%Y-%m"))
            at = (at - dt.timedelta(days=1)).replace(day=1)
        if self.month not in months:
            months.append(self.month)
        self.months = tuple(months)


@router.get("/reports", name="reports")
def reports_page(
    request: Request,
    session: SessionDep,
    ws: WorkspaceDep,
    _who: Viewer,
    locale: LocaleDep,
    month: QMonth = None,
    lang: QLang = None,
    kind: QKind = None,
    name: QName = None,
) -> Response:
    """The reports page: a report (monthly, customer care, five-skills audit, or a
    campaign's), a month (the last whole one with data unless asked) or a campaign, a
    language, the preview and the downloads."""
    chosen = _month(month) if month else run.default_month(session, ws)
    which = kind if kind in KINDS else "monthly"
    names = run.campaign_names(session, ws) if which == "campaign" else ()
    return render(
        request,
        "reports/index.html",
        View(ReportsPage(chosen, _lang(lang, locale), None, which, names, name)),
    )


def _make(
    session: Any,
    ws: int,
    month: dt.date,
    lang: str,
    fmt: run.Format,
    kind: str = "monthly",
) -> bytes:
    if not _ONE_AT_A_TIME.acquire(timeout=REPORT_WAIT):
        raise HTTPException(
            503, N_("Another report is being made. Try again in a moment."), {"retry-after": "10"}
        )
    try:
        report = run.of_kind(kind, session, ws, month, lang)
        return run.render(report, fmt)
    except (run.NoDataForMonth, run.NoCareData) as exc:
        raise HTTPException(404, exc.reason) from None
    finally:
        _ONE_AT_A_TIME.release()


def _file(
    session: Any,
    ws: int,
    config: Any,
    kind: str,
    fmt: str,
    month: str | None,
    lang: str,
    download: bool,
) -> Response:
    if fmt not in run.FORMATS:
        raise HTTPException(404, N_("This page does not exist."))
    # the audit reads the data as it is now: it is of today, whatever month is asked
    chosen = dt.date.today() if kind == "audit" else _month(month)
    data = _make(session, ws, chosen, lang, fmt, kind)
    prefix = "socialdesk" if kind == "monthly" else f"socialdesk-{kind}"
    stamp = f"{chosen:%Y-%m-%d}" if kind == "audit" else f"{chosen:%Y-%m}"
    name = f"{prefix}-{config.workspace.slug}-{stamp}-{lang}.{fmt}"
    return _respond(data, fmt, name, download)


def _respond(data: bytes, fmt: str, name: str, download: bool) -> Response:
    disposition = "attachment" if download or fmt == "pdf" else "inline"
    headers = {
        "content-disposition": f'{disposition}; filename="{name}"',
        "x-frame-options": "SAMEORIGIN",  # the page previews the HTML in a frame
        # the report is a document: its own styles and inline charts, no script, nothing
        # fetched; framed by this cockpit's own pages only
        "content-security-policy": (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
        ),
    }
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    return Response(data, media_type=media, headers=headers)


@router.get("/reports/monthly.{fmt}", name="reports_monthly")
def reports_monthly(
    session: SessionDep,
    ws: WorkspaceDep,
    config: ConfigDep,
    locale: LocaleDep,
    _who: Viewer,
    fmt: str,
    month: QMonth = None,
    lang: QLang = None,
    download: bool = False,
) -> Response:
    """The monthly report as HTML (shown in the page's preview) or PDF."""
    return _file(session, ws, config, "monthly", fmt, month, _lang(lang, locale), download)


@router.get("/reports/care.{fmt}", name="reports_care")
def reports_care(
    session: SessionDep,
    ws: WorkspaceDep,
    config: ConfigDep,
    locale: LocaleDep,
    _who: Viewer,
    fmt: str,
    month: QMonth = None,
    lang: QLang = None,
    download: bool = False,
) -> Response:
    """The customer-care report (the inbox's month) as HTML or PDF."""
    return _file(session, ws, config, "care", fmt, month, _lang(lang, locale), download)


@router.get("/reports/audit.{fmt}", name="reports_audit")
def reports_audit(
    session: SessionDep,
    ws: WorkspaceDep,
    config: ConfigDep,
    locale: LocaleDep,
    _who: Viewer,
    fmt: str,
    month: QMonth = None,
    lang: QLang = None,
    download: bool = False,
) -> Response:
    """The five-skills audit of today as HTML or PDF."""
    return _file(session, ws, config, "audit", fmt, month, _lang(lang, locale), download)


@router.get("/reports/campaign.{fmt}", name="reports_campaign")
def reports_campaign(
    session: SessionDep,
    ws: WorkspaceDep,
    config: ConfigDep,
    locale: LocaleDep,
    _who: Viewer,
    fmt: str,
    name: QName = None,
    lang: QLang = None,
    download: bool = False,
) -> Response:
    """One campaign's report, start to finish, as HTML or PDF."""
    if fmt not in run.FORMATS:
        raise HTTPException(404, N_("This page does not exist."))
    if not name or not name.strip():
        raise HTTPException(422, N_("Choose a campaign."))
    language = _lang(lang, locale)
    if not _ONE_AT_A_TIME.acquire(timeout=REPORT_WAIT):
        raise HTTPException(
            503, N_("Another report is being made. Try again in a moment."), {"retry-after": "10"}
        )
    try:
        data = run.render(run.campaign(session, ws, name, language), fmt)
    except run.NoSuchCampaign as exc:
        raise HTTPException(404, exc.reason) from None
    finally:
        _ONE_AT_A_TIME.release()
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "campaign"
    return _respond(data, fmt, f"socialdesk-campaign-{slug}-{language}.{fmt}", download)
