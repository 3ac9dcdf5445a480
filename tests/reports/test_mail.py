"""The monthly report by e-mail on a schedule, sent to a real SMTP server (aiosmtpd) the tests
start on 127.0.0.1: once per month, at 09:00 Amsterdam on the first working day, retried 15
minutes after a refusal, never for a month without data; the password stored sealed."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from socialdesk.connectors.secrets import SecretBox
from socialdesk.model import MailSettings, ReportSchedule
from socialdesk.reports import mail
from tests.reports.conftest import seed_report_workspace

AMS = ZoneInfo("Europe/Amsterdam")
LOGIN, PASSWORD = "social", "geheim-wachtwoord-7Q"
# 1 November 2026 is a Sunday: the October report goes out on Monday the 2nd, 09:00 (CET)
NOVEMBER_MOMENT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=AMS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Keeper:
    """An SMTP handler that keeps every message, or refuses them all with `refuse`."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes, bool]] = []
        self.refuse: str | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        if self.refuse:
            return self.refuse
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session.authenticated)
        )
        return "250 Message accepted for delivery"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == LOGIN.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.fixture
def smtp():
    keeper = Keeper()
    controller = Controller(
        keeper,
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=_authenticate,
        auth_require_tls=False,  # the test server speaks plain SMTP on the loopback
    )
    controller.start()
    keeper.port = controller.port  # type: ignore[attr-defined]
    keeper.controller = controller  # type: ignore[attr-defined]
    yield keeper
    controller.stop()


def _configure(ws, port: int, *, recipients=("a@x.nl", "b@y.nl"), lang="nl") -> int:
    box = SecretBox.for_workspace(ws.folder)
    with Session(ws.engine) as session, session.begin():
        mail.set_mail_settings(
            session,
            ws.workspace_id,
            box,
            host="127.0.0.1",
            port=port,
            security="none",
            sender="Social <social@example.nl>",
            username=LOGIN,
            password=PASSWORD,
        )
        return mail.add_schedule(
            session,
            ws.workspace_id,
            lang=lang,
            recipients=list(recipients),
            created_by="tests",
            now=dt.datetime(2026, 1, 1),  # before every moment these tests send at
        ).id


@pytest.fixture
def seeded_ws(ws):
    seed_report_workspace(ws.engine, ws.workspace_id)
    return ws


def _schedule(ws, sid: int) -> ReportSchedule:
    with Session(ws.engine) as session:
        row = session.get(ReportSchedule, sid)
        assert row is not None
        session.expunge(row)
        return row


def _parsed(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, _class=EmailMessage, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def test_the_rule_first_working_day_at_nine_in_amsterdam():
    assert mail.first_working_day(dt.date(2026, 8, 1)) == dt.date(2026, 8, 3)  # a Saturday
    assert mail.first_working_day(dt.date(2026, 11, 1)) == dt.date(2026, 11, 2)  # a Sunday
    assert mail.first_working_day(dt.date(2026, 1, 1)) == dt.date(2026, 1, 2)  # New Year
    assert mail.first_working_day(dt.date(2020, 6, 1)) == dt.date(2020, 6, 2)  # Whit Monday
    assert mail.first_working_day(dt.date(2024, 4, 1)) == dt.date(2024, 4, 2)  # Easter Monday
    # 09:00 in Amsterdam: 07:00 UTC in summer time, 08:00 in winter time
    assert mail.send_moment(dt.date(2026, 8, 1)) == dt.datetime(2026, 8, 3, 7, 0)
    assert mail.send_moment(dt.date(2026, 11, 1)) == dt.datetime(2026, 11, 2, 8, 0)
    month, moment = mail.report_month(dt.datetime(2026, 11, 15, 12, 0))
    assert month == dt.date(2026, 10, 1) and moment == dt.datetime(2026, 11, 2, 8, 0)
    # the first hour of a month in Amsterdam is still the month before in UTC
    month, _ = mail.report_month(dt.datetime(2026, 11, 30, 23, 30))
    assert month == dt.date(2026, 11, 1)
    assert mail.next_moment(dt.datetime(2026, 11, 2, 8, 0)) == dt.datetime(2026, 12, 1, 8, 0)


def test_a_due_schedule_sends_once_with_the_pdf_and_html(seeded_ws, smtp):
    ws = seeded_ws
    sid = _configure(ws, smtp.port)
    outcomes = mail.send_due(ws.engine, ws.workspace_id, ws.folder, now=NOVEMBER_MOMENT)
    assert [(o.schedule_id, o.month, o.status) for o in outcomes] == [(sid, "2026-10", "sent")]
    assert len(smtp.messages) == 1
    sender, rcpts, raw, authenticated = smtp.messages[0]
    assert sender == "social@example.nl" and rcpts == ["a@x.nl", "b@y.nl"] and authenticated
    msg = _parsed(raw)
    assert msg["To"] == "a@x.nl, b@y.nl"
    assert "oktober 2026" in msg["Subject"] and "socialemediarapport" in msg["Subject"]
    html = msg.get_body(("html",))
    assert html is not None and '<html lang="nl">' in html.get_content()
    text = msg.get_body(("plain",))
    assert text is not None and "1.564 interacties" in " ".join(text.get_content().split())
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "socialemediarapport-2026-10.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    row = _schedule(ws, sid)
    assert row.last_sent_month == "2026-10" and row.last_error is None
    # the same month again, later that day and later that month: nothing more
    for later in (dt.timedelta(minutes=1), dt.timedelta(hours=3), dt.timedelta(days=20)):
        again = mail.send_due(ws.engine, ws.workspace_id, ws.folder, now=NOVEMBER_MOMENT + later)
        assert again == []
    assert len(smtp.messages) == 1


def test_nothing_before_nine_on_the_first_working_day(seeded_ws, smtp):
    ws = seeded_ws
    sid = _configure(ws, smtp.port, recipients=["board@x.nl"], lang="en")
    # 1 August 2026 is a Saturday: July's report goes out on Monday 3 August, 09:00
    for early in (
        dt.datetime(2026, 8, 1, 9, 0, tzinfo=AMS),
        dt.datetime(2026, 8, 2, 12, 0, tzinfo=AMS),
        dt.datetime(2026, 8, 3, 8, 59, tzinfo=AMS),
    ):
        assert mail.send_due(ws.engine, ws.workspace_id, ws.folder, now=early) == []
        with Session(ws.engine) as session:
            assert mail.due_schedules(session, ws.workspace_id, early) == []
    assert smtp.messages == [] and _schedule(ws, sid).last_attempt_at is None
    nine = dt.datetime(2026, 8, 3, 9, 0, tzinfo=AMS)
    outcomes = mail.send_due(ws.engine, ws.workspace_id, ws.folder, now=nine)
    assert [(o.month, o.status) for o in outcomes] == [("2026-07", "sent")]
    msg = _parsed(smtp.messages[0][2])
    assert "July 2026" in msg["Subject"] and msg["To"] == "board@x.nl"


def test_a_refusal_is_recorded_and_retried_after_15_minutes(seeded_ws, smtp):
    ws = seeded_ws
    sid = _configure(ws, smtp.port)
    smtp.refuse = "550 Mailbox unavailable"
    first = mail.send_due(ws.engine, ws.workspace_id, ws.folder, now=NOVEMBER_MOMENT)
    assert [o.status for o in first] == ["failed"]
    row = _schedule(ws, sid)
    assert row.last_sent_month is None and "550" in (row.last_error or "")
    smtp.refuse = None
    soon = NOVEMBER_MOMENT + dt.timedelta(minutes=14)
    assert mail.send_due(ws.engine, ws.workspace_id, ws.folder, now=soon) == []
    later = NOVEMBER_MOMENT + dt.timedelta(minutes=15)
    again = mail.send_due(ws.engine, ws.workspace_id, ws.folder, now=later)
    assert [o.status for o in again] == ["sent"] and len(smtp.messages) == 1
    row = _schedule(ws, sid)
    assert row.last_sent_month == "2026-10" and row.last_error is None


def test_a_server_that_is_down_is_recorded(seeded_ws):
    ws = seeded_ws
    sid = _configure(ws, _free_port())  # nothing listens there
    outcomes = mail.send_due(ws.engine, ws.workspace_id, ws.folder, now=NOVEMBER_MOMENT)
    assert [o.status for o in outcomes] == ["failed"]
    row = _schedule(ws, sid)
    assert row.last_sent_month is None and "cannot be reached" in (row.last_error or "")


def test_a_month_without_data_sends_nothing_and_says_why(seeded_ws, smtp):
    ws = seeded_ws
    sid = _configure(ws, smtp.port)
    # 2 February 2026, 09:00: January 2026 has no data
    february = dt.datetime(2026, 2, 2, 9, 0, tzinfo=AMS)
    outcomes = mail.send_due(ws.engine, ws.workspace_id, ws.folder, now=february)
    assert [(o.month, o.status) for o in outcomes] == [("2026-01", "no-data")]
    assert smtp.messages == []
    row = _schedule(ws, sid)
    assert row.last_sent_month is None and "no data for January 2026" in (row.last_error or "")


def test_two_rounds_at_once_claim_the_schedule_once(seeded_ws, smtp):
    ws = seeded_ws
    sid = _configure(ws, smtp.port)
    now = NOVEMBER_MOMENT.astimezone(dt.UTC).replace(tzinfo=None)
    assert mail._claim(ws.engine, sid, "2026-10", now) is True
    assert mail._claim(ws.engine, sid, "2026-10", now) is False
    # the claimed schedule is not sent by a round in the same quarter of an hour
    assert mail.send_due(ws.engine, ws.workspace_id, ws.folder, now=NOVEMBER_MOMENT) == []


def test_the_password_is_stored_sealed_and_never_shown(ws):
    _configure(ws, 25)
    with Session(ws.engine) as session:
        raw = session.scalar(
            select(MailSettings.secret).where(MailSettings.workspace_id == ws.workspace_id)
        )
        shown = mail.mail_settings(session, ws.workspace_id)
    assert raw and PASSWORD not in raw
    assert SecretBox.for_workspace(ws.folder).open(raw) == {"password": PASSWORD}
    assert shown is not None and shown.password_set and PASSWORD not in repr(shown)
    # new settings without a password keep the stored one
    with Session(ws.engine) as session, session.begin():
        kept = mail.set_mail_settings(
            session,
            ws.workspace_id,
            SecretBox.for_workspace(ws.folder),
            host="mail.example.nl",
            port=587,
            security="starttls",
            sender="social@example.nl",
            username=LOGIN,
        )
    assert kept.password_set and kept.host == "mail.example.nl"


def test_bad_settings_and_schedules_are_refused(ws):
    box = SecretBox.for_workspace(ws.folder)
    with Session(ws.engine) as session:
        with pytest.raises(mail.MailSettingsError, match="security"):
            mail.set_mail_settings(
                session, ws.workspace_id, box, host="h", port=25, security="tls", sender="a@x.nl"
            )
        with pytest.raises(mail.MailSettingsError, match="not an e-mail address"):
            mail.set_mail_settings(
                session,
                ws.workspace_id,
                box,
                host="h",
                port=25,
                security="none",
                sender="a@x.nl\r\nBcc: evil@x.nl",
            )
        with pytest.raises(mail.MailSettingsError, match="lang"):
            mail.add_schedule(
                session, ws.workspace_id, lang="de", recipients=["a@x.nl"], created_by="t"
            )
        with pytest.raises(mail.MailSettingsError, match="recipient"):
            mail.add_schedule(session, ws.workspace_id, lang="nl", recipients=[], created_by="t")


def test_the_worker_sends_the_due_reports_and_survives_errors(
    seeded_ws, smtp, tmp_path, monkeypatch
):
    from socialdesk.worker.jobs import make_huey, make_worker

    ws = seeded_ws
    _configure(ws, smtp.port)
    worker = make_worker(ws.folder, ws.engine, ws.workspace_id, huey=make_huey(tmp_path))
    assert worker.send_reports(now=NOVEMBER_MOMENT - dt.timedelta(hours=1)) == []
    sent = worker.send_reports(now=NOVEMBER_MOMENT)
    assert [o.status for o in sent] == ["sent"] and len(smtp.messages) == 1

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(mail, "send_due", broken)
    assert worker.send_reports(now=NOVEMBER_MOMENT) == []


# -- the command line (a workspace folder: SQLite) -----------------------------------------------
runner = CliRunner()


def test_cli_settings_schedules_and_send_due(tmp_path, smtp):
    from socialdesk.cli import app
    from socialdesk.store import open_workspace

    folder = tmp_path / "ws"
    handle = open_workspace(folder)
    seed_report_workspace(handle.engine, handle.workspace_id)
    handle.engine.dispose()
    w = ["-w", str(folder)]

    empty = runner.invoke(app, ["report", "mail-settings", *w])
    assert empty.exit_code == 0 and "No mail server is set" in empty.output
    setting = [
        "report", "mail-settings", *w, "--host", "127.0.0.1", "--port", str(smtp.port),
        "--security", "none", "--username", LOGIN, "--password-stdin",
        "--sender", "social@example.nl",
    ]  # fmt: skip
    saved = runner.invoke(app, setting, input=PASSWORD + "\n")
    assert saved.exit_code == 0, saved.output
    assert "set (hidden)" in saved.output and PASSWORD not in saved.output
    shown = runner.invoke(app, ["report", "mail-settings", *w])
    assert "127.0.0.1" in shown.output and PASSWORD not in shown.output
    as_json = runner.invoke(app, ["report", "mail-settings", *w, "--json"])
    assert '"password_set": true' in as_json.output and PASSWORD not in as_json.output

    added = runner.invoke(
        app, ["report", "schedule", "add", *w, "--lang", "nl", "--to", "a@x.nl", "--to", "b@y.nl"]
    )
    assert added.exit_code == 0, added.output
    assert "schedule 1" in added.output
    listed = runner.invoke(app, ["report", "schedule", "list", *w])
    assert "a@x.nl" in listed.output and "b@y.nl" in listed.output

    early = runner.invoke(app, ["report", "send-due", *w, "--now", "2026-11-02T08:59"])
    assert early.exit_code == 0, early.output
    assert "goes out 2026-11-02 09:00" in early.output and smtp.messages == []
    sent = runner.invoke(app, ["report", "send-due", *w, "--now", "2026-11-02T09:00"])
    assert sent.exit_code == 0, sent.output
    assert "sent the report of 2026-10 to a@x.nl, b@y.nl" in " ".join(sent.output.split())
    assert len(smtp.messages) == 1
    again = runner.invoke(app, ["report", "send-due", *w, "--now", "2026-11-02T10:00"])
    assert "was sent" in again.output and len(smtp.messages) == 1

    removed = runner.invoke(app, ["report", "schedule", "remove", "1", *w])
    assert removed.exit_code == 0, removed.output
    assert runner.invoke(app, ["report", "schedule", "remove", "1", *w]).exit_code == 1
    assert "No schedules" in runner.invoke(app, ["report", "schedule", "list", *w]).output


def test_a_schedule_added_after_this_months_moment_first_sends_next_month(seeded_ws):
    """Set on 15 November: October's report is not mailed by surprise that minute; the first
    one goes out on 1 December (a Tuesday) at 09:00, with November's report."""
    with seeded_ws.session() as session, session.begin():
        added = mail.add_schedule(
            session,
            seeded_ws.workspace_id,
            lang="nl",
            recipients=["board@example.nl"],
            created_by="t",
            now=dt.datetime(2026, 11, 15, 12, 0),
        )
    assert added.last_sent_month == "2026-10"
    with seeded_ws.session() as session:
        due = mail.due_schedules(session, seeded_ws.workspace_id, dt.datetime(2026, 11, 20, 12, 0))
        assert due == []
