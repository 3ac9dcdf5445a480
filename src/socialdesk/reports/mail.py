"""The monthly report by e-mail, on a schedule: what the worker, and `socialdesk report
send-due`, call.

    set_mail_settings(session, ws, box, host=..., port=587, security="starttls", sender=...)
    add_schedule(session, ws, lang="nl", recipients=["a@x.nl"], created_by="anna")
    send_due(engine, ws, folder)          # each minute, from the worker's schedule task

The rule: a schedule sends the report of the previous calendar month on the first working day
of the month (Monday to Friday, not a Dutch public holiday) at 09:00 Europe/Amsterdam, once.
Before a schedule is sent it is claimed with a conditional UPDATE (its `last_attempt_at` set,
in its own transaction, only when no other round attempted it in the last 15 minutes and the
month was not sent yet), so two workers never send one month twice; after the server took
the message the month is recorded in `last_sent_month`. A failure (the mail server refused,
could not be reached, or the month has no data) is recorded in `last_error` and tried again by
a round 15 minutes or more later. A round that dies between the server's answer and the
record sends that month again 15 minutes later: the one case of a second message.

The mail server's password is sealed with the workspace's SecretBox (the connectors' key) and
stored only as that token; `mail_settings` never returns it.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from socialdesk.connectors.secrets import SecretBox, SecretKeyError
from socialdesk.errors import SocialdeskError
from socialdesk.i18n import LOCALES, N_, formats, gettext, normalise
from socialdesk.model import MailSettings, ReportSchedule
from socialdesk.phrases import Phrase

Security = Literal["starttls", "ssl", "none"]
SECURITY: tuple[Security, ...] = ("starttls", "ssl", "none")
KINDS = ("monthly",)
TIMEZONE = ZoneInfo("Europe/Amsterdam")
SEND_AT = dt.time(9, 0)
RETRY_AFTER = dt.timedelta(minutes=15)
TIMEOUT = 30.0  # seconds, for every SMTP call
_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]]+@[^@\s<>,;:\"()\[\]]+$")


class MailSettingsError(SocialdeskError):
    """A mail setting or schedule that cannot be used (the message says which and why;
    `reason` says it as a sentence the cockpit shows in the reader's language)."""

    def __init__(self, message: str, reason: Phrase | None = None) -> None:
        super().__init__(message)
        self.reason = reason


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _utc(now: dt.datetime | None) -> dt.datetime:
    """`now` as naive UTC, as the store keeps times (a naive `now` is UTC already)."""
    if now is None:
        return _now()
    if now.tzinfo is not None:
        return now.astimezone(dt.UTC).replace(tzinfo=None)
    return now


# -- the rule: the first working day of the month, 09:00 in Amsterdam ----------------------------
def _easter(year: int) -> dt.date:
    """Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def dutch_holidays(year: int) -> frozenset[dt.date]:
    """The Dutch public holidays that fall on working days' dates: New Year's Day, Easter
    Monday, King's Day (the 26th when the 27th is a Sunday), Ascension Day, Whit Monday and
    Christmas. Good Friday and Liberation Day (a day off only every fifth year for most) are
    working days here."""
    easter = _easter(year)
    kings = dt.date(year, 4, 27)
    if kings.weekday() == 6:
        kings = dt.date(year, 4, 26)
    return frozenset(
        {
            dt.date(year, 1, 1),
            easter + dt.timedelta(days=1),
            kings,
            easter + dt.timedelta(days=39),
            easter + dt.timedelta(days=50),
            dt.date(year, 12, 25),
            dt.date(year, 12, 26),
        }
    )


def first_working_day(month: dt.date) -> dt.date:
    """The first day of `month`'s month that is a Monday to Friday and no public holiday."""
    day = month.replace(day=1)
    holidays = dutch_holidays(day.year)
    while day.weekday() >= 5 or day in holidays:
        day += dt.timedelta(days=1)
    return day


def send_moment(month: dt.date) -> dt.datetime:
    """When the reports go out in `month`'s month: its first working day at 09:00 in
    Amsterdam, as naive UTC."""
    local = dt.datetime.combine(first_working_day(month), SEND_AT, tzinfo=TIMEZONE)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _previous(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _next(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def report_month(now: dt.datetime | None = None) -> tuple[dt.date, dt.datetime]:
    """The month whose report is sent this month (the previous calendar month in Amsterdam)
    and the moment it goes out (naive UTC)."""
    utc = _utc(now)
    this = _month_start(utc.replace(tzinfo=dt.UTC).astimezone(TIMEZONE).date())
    return _previous(this), send_moment(this)


def next_moment(now: dt.datetime | None = None) -> dt.datetime:
    """The next time reports go out from `now` on (naive UTC): this month's moment when it
    is still to come, else next month's."""
    utc = _utc(now)
    _month, moment = report_month(utc)
    if utc < moment:
        return moment
    this = _month_start(utc.replace(tzinfo=dt.UTC).astimezone(TIMEZONE).date())
    return send_moment(_next(this))


# -- mail settings ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MailServer:
    """The workspace's mail settings as shown: never the password, only whether one is set."""

    host: str
    port: int
    security: str
    username: str | None
    sender: str
    password_set: bool
    updated_at: dt.datetime


def _address(value: str, what: str) -> str:
    """An address as given ("a@x.nl" or "Name <a@x.nl>"), refused when it is not one or would
    break a header."""
    text = value.strip()
    _name, addr = parseaddr(text)
    if not text or any(c in text for c in "\r\n") or not _ADDRESS.match(addr):
        raise MailSettingsError(
            f"{what}: {value!r} is not an e-mail address",
            Phrase("%(value)s is not an e-mail address.", value=value.strip()[:120] or '""'),
        )
    return text


def set_mail_settings(
    session: Session,
    workspace_id: int,
    box: SecretBox,
    *,
    host: str,
    port: int,
    security: str,
    sender: str,
    username: str | None = None,
    password: str | None = None,
) -> MailServer:
    """Stores the workspace's mail server. `password` None keeps the stored one, "" removes
    it; it is stored sealed with `box`."""
    host = host.strip()
    if not host or any(c.isspace() for c in host):
        raise MailSettingsError(
            f"host: {host!r} is not a host name",
            Phrase("%(host)s is not a server name.", host=host.strip()[:120] or '""'),
        )
    if not 0 < port < 65536:
        raise MailSettingsError(
            f"port: {port} is not a port (1 to 65535)",
            Phrase("The port is a number from 1 to 65535 (587 for STARTTLS, 465 for SSL)."),
        )
    if security not in SECURITY:
        raise MailSettingsError(f"security must be one of {', '.join(SECURITY)} (got {security!r})")
    sender = _address(sender, "sender")
    row = session.scalar(select(MailSettings).where(MailSettings.workspace_id == workspace_id))
    if row is None:
        row = MailSettings(workspace_id=workspace_id)
        session.add(row)
    row.host, row.port, row.security, row.sender = host, port, security, sender
    row.username = (username or "").strip() or None
    if password is not None:
        row.secret = box.seal({"password": password}) if password else None
    row.updated_at = _now()
    session.flush()
    return _server(row)


def _server(row: MailSettings) -> MailServer:
    return MailServer(
        host=row.host,
        port=row.port,
        security=row.security,
        username=row.username,
        sender=row.sender,
        password_set=row.secret is not None,
        updated_at=row.updated_at,
    )


def mail_settings(session: Session, workspace_id: int) -> MailServer | None:
    """The workspace's mail server (without the password), None when none is set."""
    row = session.scalar(select(MailSettings).where(MailSettings.workspace_id == workspace_id))
    return None if row is None else _server(row)


# -- schedules -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Schedule:
    id: int
    kind: str
    lang: str
    recipients: tuple[str, ...]
    active: bool
    created_by: str
    created_at: dt.datetime
    last_sent_month: str | None
    last_error: str | None
    last_attempt_at: dt.datetime | None


def _schedule(row: ReportSchedule) -> Schedule:
    return Schedule(
        id=row.id,
        kind=row.kind,
        lang=row.lang,
        recipients=tuple(row.recipients or ()),
        active=row.active,
        created_by=row.created_by,
        created_at=row.created_at,
        last_sent_month=row.last_sent_month,
        last_error=row.last_error,
        last_attempt_at=row.last_attempt_at,
    )


def add_schedule(
    session: Session,
    workspace_id: int,
    *,
    lang: str,
    recipients: Sequence[str],
    created_by: str,
    kind: str = "monthly",
    now: dt.datetime | None = None,
) -> Schedule:
    """A new schedule: `kind`'s report in `lang` to `recipients`, from the next moment on: one
    added after this month's moment first sends next month (last month's report is made by
    hand, `socialdesk report monthly`, rather than mailed by surprise the minute it is set)."""
    language = normalise(lang)
    if language is None:
        raise MailSettingsError(f"lang must be one of {', '.join(LOCALES)} (got {lang!r})")
    if kind not in KINDS:
        raise MailSettingsError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    to = list(dict.fromkeys(_address(r, "recipient") for r in recipients))
    if not to:
        raise MailSettingsError(
            "a schedule needs at least one recipient",
            Phrase("A schedule needs at least one recipient."),
        )
    utc = _utc(now)
    month, moment = report_month(utc)
    row = ReportSchedule(
        workspace_id=workspace_id,
        kind=kind,
        lang=language,
        recipients=to,
        active=True,
        created_by=created_by,
        created_at=utc,
        last_sent_month=f"{month:%Y-%m}" if utc >= moment else None,
    )
    session.add(row)
    session.flush()
    return _schedule(row)


def list_schedules(session: Session, workspace_id: int) -> list[Schedule]:
    rows = session.scalars(
        select(ReportSchedule)
        .where(ReportSchedule.workspace_id == workspace_id)
        .order_by(ReportSchedule.id)
    )
    return [_schedule(r) for r in rows]


def remove_schedule(session: Session, workspace_id: int, schedule_id: int) -> bool:
    """Removes the schedule; False when the workspace has none with that id."""
    row = session.get(ReportSchedule, schedule_id)
    if row is None or row.workspace_id != workspace_id:
        return False
    session.delete(row)
    session.flush()
    return True


def due_schedules(
    session: Session, workspace_id: int, now: dt.datetime | None = None
) -> list[Schedule]:
    """The active schedules whose report is to go out at `now`: the moment has come, the
    month was not sent yet, and no attempt was made in the last 15 minutes."""
    utc = _utc(now)
    month, moment = report_month(utc)
    if utc < moment:
        return []
    rows = session.scalars(
        select(ReportSchedule)
        .where(ReportSchedule.workspace_id == workspace_id, *_due(f"{month:%Y-%m}", utc))
        .order_by(ReportSchedule.id)
    )
    return [_schedule(r) for r in rows]


def _due(month: str, now: dt.datetime) -> tuple[Any, ...]:
    return (
        ReportSchedule.active.is_(True),
        or_(ReportSchedule.last_sent_month.is_(None), ReportSchedule.last_sent_month != month),
        or_(
            ReportSchedule.last_attempt_at.is_(None),
            ReportSchedule.last_attempt_at <= now - RETRY_AFTER,
        ),
    )


def why_not_due(schedule: Schedule, now: dt.datetime | None = None) -> str:
    """Why a schedule sends nothing at `now` (for `report send-due`), in English."""
    utc = _utc(now)
    month, moment = report_month(utc)
    name = f"{month:%Y-%m}"
    if not schedule.active:
        return "paused"
    if schedule.last_sent_month == name:
        return f"the report of {name} was sent; the next goes out {local_time(next_moment(utc))}"
    if utc < moment:
        return f"the report of {name} goes out {local_time(moment)}"
    if schedule.last_attempt_at is not None and utc - schedule.last_attempt_at < RETRY_AFTER:
        again = schedule.last_attempt_at + RETRY_AFTER
        return f"tried {local_time(schedule.last_attempt_at)}; tried again from {local_time(again)}"
    return "due"


def local_time(moment: dt.datetime) -> str:
    return f"{moment.replace(tzinfo=dt.UTC).astimezone(TIMEZONE):%Y-%m-%d %H:%M} (Amsterdam)"


# -- sending ---------------------------------------------------------------------------------
SMTPFactory = Callable[[str, int, str, float], smtplib.SMTP]


@dataclass(frozen=True)
class MailOutcome:
    """What one due schedule came to: sent, failed (the server or the key) or no-data."""

    schedule_id: int
    month: str
    status: str
    recipients: tuple[str, ...]
    error: str | None = None


def connect(host: str, port: int, security: str, timeout: float = TIMEOUT) -> smtplib.SMTP:
    """An SMTP connection as the settings say: TLS from the start (ssl), upgraded after the
    greeting (starttls, certificate checked), or plain (none: a relay on the local network)."""
    if security == "ssl":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    if security == "starttls":
        try:
            smtp.starttls(context=ssl.create_default_context())
        except BaseException:
            smtp.close()
            raise
    return smtp


def send_due(
    engine: Engine,
    workspace_id: int,
    folder: Path,
    now: dt.datetime | None = None,
    smtp_factory: SMTPFactory | None = None,
) -> list[MailOutcome]:
    """Sends every due schedule's report (see the module doc); one schedule's failure is its
    own (in its `last_error`), never the round's."""
    utc = _utc(now)
    month, _moment = report_month(utc)
    with Session(engine) as session:
        due = due_schedules(session, workspace_id, utc)
    outcomes = []
    for schedule in due:
        if not _claim(engine, schedule.id, f"{month:%Y-%m}", utc):
            continue  # another round took it
        outcomes.append(
            _send_one(engine, workspace_id, folder, schedule, month, smtp_factory or connect)
        )
    return outcomes


def _claim(engine: Engine, schedule_id: int, month: str, now: dt.datetime) -> bool:
    with Session(engine) as session, session.begin():
        done = session.execute(
            update(ReportSchedule)
            .where(ReportSchedule.id == schedule_id, *_due(month, now))
            .values(last_attempt_at=now)
        )
        return done.rowcount == 1  # type: ignore[attr-defined]


def _record(engine: Engine, schedule_id: int, *, sent: str | None, error: str | None) -> None:
    with Session(engine) as session, session.begin():
        row = session.get(ReportSchedule, schedule_id)
        if row is None:  # removed meanwhile
            return
        if sent is not None:
            row.last_sent_month = sent
        row.last_error = error


def _send_one(
    engine: Engine,
    workspace_id: int,
    folder: Path,
    schedule: Schedule,
    month: dt.date,
    smtp_factory: SMTPFactory,
) -> MailOutcome:
    from socialdesk.reports import run

    name = f"{month:%Y-%m}"

    def failed(status: str, error: str) -> MailOutcome:
        _record(engine, schedule.id, sent=None, error=error)
        return MailOutcome(schedule.id, name, status, schedule.recipients, error)

    with Session(engine) as session:
        row = session.scalar(select(MailSettings).where(MailSettings.workspace_id == workspace_id))
        server = None if row is None else (_server(row), row.secret)
        if server is None:
            return failed("failed", N_("no mail server is set: socialdesk report mail-settings"))
        try:
            report = run.monthly(session, workspace_id, month, schedule.lang)
        except run.NoDataForMonth as exc:
            return failed("no-data", str(exc))
    settings, secret = server
    try:
        password = SecretBox.for_workspace(folder).open(secret)["password"] if secret else None
    except SecretKeyError as exc:
        return failed("failed", str(exc))
    files = run.render_all(report, ("html", "pdf"))
    message = build_message(report, settings.sender, schedule.recipients, files)
    try:
        smtp = smtp_factory(settings.host, settings.port, settings.security, TIMEOUT)
        try:
            if settings.username and password is not None:
                smtp.login(settings.username, password)
            smtp.send_message(message)
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(f"{r} ({code} {_text(m)})" for r, (code, m) in exc.recipients.items())
        return failed("failed", f"the mail server refused {refused}")
    except smtplib.SMTPResponseException as exc:
        return failed("failed", f"the mail server answered {exc.smtp_code} {_text(exc.smtp_error)}")
    except (smtplib.SMTPException, OSError) as exc:
        return failed("failed", f"the mail server cannot be reached: {exc}")
    _record(engine, schedule.id, sent=name, error=None)
    return MailOutcome(schedule.id, name, "sent", schedule.recipients)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def build_message(
    report: Any, sender: str, recipients: Sequence[str], files: dict[Any, bytes]
) -> EmailMessage:
    """The report as an e-mail: subject in its language naming the organisation and month,
    the headline as plain text, the report's HTML as the body, the PDF attached."""
    from socialdesk.reports.render import month_title

    lang = report.lang

    def say(phrase: Phrase) -> str:
        return phrase.say(lambda m: gettext(lang, m), formats(lang))

    month = month_title(report.month.start, lang)
    if report.organisation:
        subject = Phrase(
            "%(organisation)s: social media report for %(month)s",
            organisation=report.organisation,
            month=month,
        )
    else:
        subject = Phrase("Social media report for %(month)s", month=month)
    lines = [say(subject), ""]
    lines += [f"- {say(sentence)}" for sentence in report.headline]
    lines += ["", say(Phrase("The whole report is attached as a PDF."))]
    message = EmailMessage()
    message["Subject"] = say(subject)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid("socialdesk", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = lang
    message.set_content("\n".join(lines) + "\n")
    message.add_alternative(files["html"].decode("utf-8"), subtype="html")
    filename = f"{gettext(lang, N_('social-media-report'))}-{report.month.start:%Y-%m}.pdf"
    message.add_attachment(files["pdf"], maintype="application", subtype="pdf", filename=filename)
    return message


__all__ = [
    "SECURITY",
    "MailOutcome",
    "MailServer",
    "MailSettingsError",
    "Schedule",
    "add_schedule",
    "build_message",
    "connect",
    "due_schedules",
    "dutch_holidays",
    "first_working_day",
    "list_schedules",
    "local_time",
    "mail_settings",
    "next_moment",
    "remove_schedule",
    "report_month",
    "send_due",
    "send_moment",
    "set_mail_settings",
    "why_not_due",
]
