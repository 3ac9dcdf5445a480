"""The workspace's settings (/settings): the organisation on the reports, the mail server the
scheduled reports go out through, and the schedules (issue #16).

GET  /settings[.json]                  everything below, for whoever is signed in; the mail
                                       server's password never (only whether one is set)
GET  /settings/logo.png                the reports' logo (viewers)
POST /settings/branding                name, logo (PNG/JPEG, up to 2 MB), colours (admins)
POST /settings/mail                    the SMTP server; an empty password keeps the stored one
POST /settings/mail/test               send a test e-mail through it (admins)
POST /settings/schedules               add a schedule: language and recipients (admins)
POST /settings/schedules/{id}/remove   remove one (admins)

Over the seams socialdesk.reports.branding and socialdesk.reports.mail, which the CLI calls
too (`socialdesk settings branding`, `socialdesk report mail-settings|schedule`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialdesk.connectors.secrets import SecretBox, SecretKeyError
from socialdesk.i18n import N_
from socialdesk.model import MailSettings
from socialdesk.phrases import Phrase
from socialdesk.reports import branding, mail
from socialdesk.web.auth import Principal
from socialdesk.web.deps import (
    Admin,
    ConfigDep,
    CsrfDep,
    SessionDep,
    Viewer,
    WebConfig,
    WorkspaceDep,
    render,
)
from socialdesk.web.pages import View, page

router = APIRouter()

TEMPLATE = "settings/index.html"
TEST_TIMEOUT = 10.0  # seconds: the test e-mail answers within a page load
NOTICES = {
    "branding": N_("The organisation's settings are saved."),
    "mail": N_("The mail server is saved."),
    "test": N_("The test e-mail was sent. Check the inbox of the address."),
    "added": N_("The schedule is added."),
    "removed": N_("The schedule is removed."),
}
_SPLIT = re.compile(r"[\n,;]+")


@dataclass(frozen=True)
class OrganisationInfo:
    """The reports' branding as the page shows it (the logo as a link, not its bytes)."""

    name: str
    primary: str
    accent: str
    logo: bool
    logo_url: str | None


@dataclass(frozen=True)
class ScheduleInfo:
    """A schedule with when it sends next (naive UTC; None when paused) and why not now."""

    schedule: mail.Schedule
    next_at: dt.datetime | None
    state: str  # English, from mail.why_not_due


@dataclass(frozen=True)
class SettingsPage:
    organisation: OrganisationInfo
    mail_server: mail.MailServer | None
    schedules: tuple[ScheduleInfo, ...]
    security_options: tuple[str, ...] = field(default=mail.SECURITY)


def _next_send(schedule: mail.Schedule, now: dt.datetime) -> dt.datetime | None:
    """When the worker sends this schedule next: now (or after the retry pause) when this
    month's report is due and not sent, else the next month's moment."""
    if not schedule.active:
        return None
    month, moment = mail.report_month(now)
    if now >= moment and schedule.last_sent_month != f"{month:%Y-%m}":
        if schedule.last_attempt_at is not None:
            return max(now, schedule.last_attempt_at + mail.RETRY_AFTER)
        return now
    return mail.next_moment(now)


def _organisation(brand: branding.Branding) -> OrganisationInfo:
    version = hashlib.sha256(brand.logo).hexdigest()[:12] if brand.logo else None
    return OrganisationInfo(
        name=brand.name,
        primary=brand.primary,
        accent=brand.accent,
        logo=brand.logo is not None,
        logo_url=f"/settings/logo.png?v={version}" if version else None,
    )


def _result(session: Session, ws: int) -> SettingsPage:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    schedules = tuple(
        ScheduleInfo(s, _next_send(s, now), mail.why_not_due(s, now))
        for s in mail.list_schedules(session, ws)
    )
    return SettingsPage(
        organisation=_organisation(branding.load(session, ws)),
        mail_server=mail.mail_settings(session, ws),
        schedules=schedules,
    )


def _view(
    session: Session,
    ws: int,
    who: Principal,
    *,
    notice: str | None = None,
    error: object = None,
    section: str | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> View:
    return View(
        _result(session, ws),
        admin=who.can("admin"),
        notice=notice,
        error=error,
        section=section,
        form=form or {},
        status_code=status_code,
    )


def _refused(
    request: Request,
    session: Session,
    ws: int,
    who: Principal,
    error: object,
    section: str,
    form: dict[str, Any] | None = None,
    status_code: int = 400,
) -> Response:
    session.rollback()
    view = _view(session, ws, who, error=error, section=section, form=form, status_code=status_code)
    return render(request, TEMPLATE, view, status_code=status_code)


def _done(what: str, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"/settings?done={what}#{anchor}", status_code=303)


@page(router, "/settings", TEMPLATE, name="settings")
def settings_page(session: SessionDep, ws: WorkspaceDep, who: Viewer, done: str = "") -> View:
    """The workspace's settings (/settings, /settings.json): the organisation on the reports,
    the mail server (never its password) and the report schedules."""
    return _view(session, ws, who, notice=NOTICES.get(done))


@router.get("/settings/logo.png", name="settings_logo")
def settings_logo(session: SessionDep, ws: WorkspaceDep, _who: Viewer) -> Response:
    """The stored logo: always a PNG socialdesk wrote itself."""
    brand = branding.load(session, ws)
    if brand.logo is None:
        raise HTTPException(404, N_("There is no logo yet."))
    return Response(
        brand.logo,
        media_type="image/png",
        headers={
            "cache-control": "private, max-age=86400",
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'",
        },
    )


# -- the organisation on the reports -------------------------------------------------------------
def _upload(file: UploadFile | None) -> bytes | None:
    """The uploaded logo's bytes (None when no file was chosen), read up to the cap + 1."""
    if file is None or not file.filename:
        return None
    data = file.file.read(branding.MAX_LOGO_UPLOAD + 1)
    return data if data else None


@router.post("/settings/branding", name="settings_branding", dependencies=[CsrfDep])
def settings_branding(
    request: Request,
    session: SessionDep,
    ws: WorkspaceDep,
    who: Admin,
    name: Annotated[str, Form(max_length=500)] = "",
    primary: Annotated[str, Form(max_length=20)] = "",
    accent: Annotated[str, Form(max_length=20)] = "",
    remove_logo: Annotated[str, Form(max_length=5)] = "",
    logo: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Save the organisation's name, colours and logo; nothing is stored when one is refused."""
    form = {"name": name, "primary": primary, "accent": accent}
    try:
        branding.save(
            session,
            ws,
            name=name,
            primary=primary or None,
            accent=accent or None,
            logo=_upload(logo),
            remove_logo=bool(remove_logo),
        )
    except branding.BrandingError as exc:
        return _refused(request, session, ws, who, exc.reason, "branding", form)
    session.commit()
    return _done("branding", "organisation")


# -- the mail server -----------------------------------------------------------------------------
@router.post("/settings/mail", name="settings_mail", dependencies=[CsrfDep])
def settings_mail(
    request: Request,
    session: SessionDep,
    ws: WorkspaceDep,
    config: ConfigDep,
    who: Admin,
    host: Annotated[str, Form(max_length=255)] = "",
    port: Annotated[str, Form(max_length=5)] = "",
    security: Annotated[str, Form(max_length=10)] = "starttls",
    username: Annotated[str, Form(max_length=255)] = "",
    password: Annotated[str, Form(max_length=500)] = "",
    clear_password: Annotated[str, Form(max_length=5)] = "",
    sender: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """Save the mail server. The password is write-only: empty keeps the stored one."""
    form = {"host": host, "port": port, "security": security, "username": username}
    form["sender"] = sender
    try:
        number = int(port) if port.strip() else {"ssl": 465, "none": 25}.get(security, 587)
    except ValueError:
        number = 0
    try:
        mail.set_mail_settings(
            session,
            ws,
            SecretBox.for_workspace(config.workspace.folder),
            host=host,
            port=number,
            security=security,
            sender=sender,
            username=username,
            password="" if clear_password else (password or None),
        )
    except mail.MailSettingsError as exc:
        return _refused(request, session, ws, who, exc.reason or str(exc), "mail", form)
    except SecretKeyError as exc:
        return _refused(request, session, ws, who, str(exc), "mail", form, status_code=500)
    session.commit()
    return _done("mail", "mail")


def _send_test(session: Session, ws: int, config: WebConfig, to: str, who: str) -> None:
    """One short message through the stored server; raises MailSettingsError with what the
    server said, or could not be reached."""
    row = session.scalar(select(MailSettings).where(MailSettings.workspace_id == ws))
    if row is None:
        raise mail.MailSettingsError(
            "no mail server is set yet: save one first",
            Phrase("No mail server is set yet: save one first."),
        )
    address = parseaddr(to)[1] if to.strip() else parseaddr(row.sender)[1]
    if not address or "@" not in address or any(c in to for c in "\r\n"):
        raise mail.MailSettingsError(
            f"recipient: {to!r} is not an e-mail address",
            Phrase("%(value)s is not an e-mail address.", value=to.strip()[:120] or '""'),
        )
    try:
        box = SecretBox.for_workspace(config.workspace.folder)
        password = box.open(row.secret)["password"] if row.secret else None
    except SecretKeyError as exc:
        raise mail.MailSettingsError(str(exc)) from None
    message = EmailMessage()
    message["Subject"] = "socialdesk: test e-mail"
    message["From"] = row.sender
    message["To"] = address
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    domain = parseaddr(row.sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid("socialdesk", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        f"This is a test e-mail from socialdesk, sent by {who} from the settings page.\n"
        "The scheduled reports go out through this mail server.\n"
    )
    try:
        smtp = mail.connect(row.host, row.port, row.security, TEST_TIMEOUT)
        try:
            if row.username and password is not None:
                smtp.login(row.username, password)
            smtp.send_message(message)
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    except smtplib.SMTPResponseException as exc:
        said = exc.smtp_error
        text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        raise mail.MailSettingsError(
            f"the mail server answered {exc.smtp_code} {text}",
            Phrase("The mail server answered: %(answer)s", answer=f"{exc.smtp_code} {text}"),
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise mail.MailSettingsError(
            f"the mail server refused {', '.join(exc.recipients)}"
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise mail.MailSettingsError(
            f"the mail server cannot be reached: {exc}",
            Phrase("The mail server cannot be reached: %(why)s", why=str(exc)),
        ) from None


@router.post("/settings/mail/test", name="settings_mail_test", dependencies=[CsrfDep])
def settings_mail_test(
    request: Request,
    session: SessionDep,
    ws: WorkspaceDep,
    config: ConfigDep,
    who: Admin,
    to: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """Send a test e-mail to `to` (default: the sender) through the stored server."""
    if mail.mail_settings(session, ws) is None:
        error = Phrase("No mail server is set yet: save one first.")
        return _refused(request, session, ws, who, error, "test", {"to": to}, 409)
    try:
        _send_test(session, ws, config, to, who.username)
    except mail.MailSettingsError as exc:
        why = exc.reason or str(exc)
        return _refused(request, session, ws, who, why, "test", {"to": to}, 502)
    return _done("test", "mail")


# -- the schedules -------------------------------------------------------------------------------
@router.post("/settings/schedules", name="settings_schedule_add", dependencies=[CsrfDep])
def settings_schedule_add(
    request: Request,
    session: SessionDep,
    ws: WorkspaceDep,
    who: Admin,
    lang: Annotated[str, Form(max_length=5)] = "nl",
    recipients: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    """Add a schedule: the monthly report in `lang` to the recipients (one a line, or
    separated by commas)."""
    to = [r.strip() for r in _SPLIT.split(recipients) if r.strip()]
    form = {"lang": lang, "recipients": recipients}
    try:
        mail.add_schedule(session, ws, lang=lang, recipients=to, created_by=who.username)
    except mail.MailSettingsError as exc:
        return _refused(request, session, ws, who, exc.reason or str(exc), "schedule", form)
    session.commit()
    return _done("added", "schedules")


@router.post(
    "/settings/schedules/{schedule_id:int}/remove",
    name="settings_schedule_remove",
    dependencies=[CsrfDep],
)
def settings_schedule_remove(
    session: SessionDep, ws: WorkspaceDep, _who: Admin, schedule_id: int
) -> Response:
    if not mail.remove_schedule(session, ws, schedule_id):
        raise HTTPException(404, N_("There is no such schedule."))
    session.commit()
    return _done("removed", "schedules")
