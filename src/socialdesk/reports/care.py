"""The customer-care report: the inbox of one calendar month against the month before.

`care_report(session, workspace_id, month, lang)` asks the inbox's seam (`inbox.run.figures`
and `inbox.run.mix`, never its queries) for the conversations that began in the month, with
their replies whenever they came, and for what came in (sentiment, intent, language, platform).
It returns a frozen `CareReport`: figures, estimates with their intervals and `Phrase`
sentences; `render.py` turns it into HTML and PDF like the monthly report.

Its opening sentences say how much came in, how much of it was answered and how fast against
the workspace's target (the SLA), how the mood of the messages moved, and what to do next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from socialdesk.catalogue.platforms import platform_name
from socialdesk.errors import SocialdeskError
from socialdesk.estimates import Estimate
from socialdesk.i18n import N_
from socialdesk.inbox import run as inbox_run
from socialdesk.inbox.run import MixResult, MixRow
from socialdesk.inbox.sla import share
from socialdesk.phrases import Day, Num, Phrase
from socialdesk.reports.headline import _in_unit, duration
from socialdesk.reports.monthly import (
    CareAlert,
    CareRow,
    Month,
    _care_row,
    _rel,
    organisation_name,
)

SECTIONS = ("volume", "response", "mood", "alerts")
# the inbox's stored codes in words (the same msgids as the cockpit's inbox pages)
VALUE_WORDS: dict[str, dict[str, str]] = {
    "sentiment": {
        "negative": N_("negative"),
        "neutral": N_("neutral"),
        "positive": N_("positive"),
        "": N_("not read yet"),
    },
    "intent": {
        "complaint": N_("complaint"),
        "question": N_("question"),
        "praise": N_("praise"),
        "lead": N_("lead or sales question"),
        "human": N_("asks for a person"),
        "spam": N_("spam"),
        "abuse": N_("abuse"),
        "crisis": N_("crisis signal"),
        "other": N_("other"),
        "": N_("not read yet"),
    },
}
TOP_INTENTS = 8
LOW_RATE = 0.9  # a response rate below this asks to answer the rest
FIRST_WEEK = dt.timedelta(days=6)
MOOD_SHIFT = 0.05  # a change of the negative share (percentage points) worth a sentence


class NoCareData(SocialdeskError):
    """The workspace's inbox has no conversations that began in the month asked."""

    def __init__(self, month: dt.date) -> None:
        self.month = month
        super().__init__(
            f"no conversations in the inbox began in {month:%Y-%m}; import the platforms' "
            "comments and messages first, or choose another month with --month"
        )
        self.reason = Phrase(
            "No conversation in the inbox began in %(month)s. Import the platforms' comments "
            "and messages first, or choose another month.",
            month=month.strftime("%Y-%m"),
        )


@dataclass(frozen=True)
class VolumeRow:
    platform: str | None  # None: all platforms
    messages: int  # messages in from outside this month
    previous: int | None  # last month (None: no messages at all last month)
    change: float | None


@dataclass(frozen=True)
class MixShare:
    """One value's share of the messages in, this month and last month."""

    value: str  # a sentiment, intent or language ("" when not read)
    messages: int
    share: Estimate
    previous: Estimate | None


@dataclass(frozen=True)
class CareReport:
    organisation: str
    lang: str
    month: Month
    previous: Month
    made_on: dt.date
    headline: tuple[Phrase, ...]
    sla_minutes: int
    volume: tuple[VolumeRow, ...]  # per platform, then all platforms
    overall: CareRow | None  # the conversations that began in the month
    previous_overall: CareRow | None
    platforms: tuple[CareRow, ...]
    hours: tuple[CareRow, ...]  # platform is "inside" / "outside" business hours
    sentiment: tuple[MixShare, ...]
    intents: tuple[MixShare, ...]
    languages: tuple[MixShare, ...]
    alerts: tuple[CareAlert, ...]
    left_out: int
    daily: tuple[tuple[dt.date, str, int], ...] = field(metadata={"json": False})
    branding: Any = field(default=None, metadata={"json": False})

    @property
    def sections(self) -> tuple[str, ...]:
        have = {
            "volume": bool(self.volume),
            "response": self.overall is not None,
            "mood": bool(self.sentiment or self.intents),
            "alerts": bool(self.alerts),
        }
        return tuple(s for s in SECTIONS if have[s])

    @property
    def left_out_sections(self) -> tuple[str, ...]:
        return ()


def _shares(
    now: tuple[MixRow, ...], before: tuple[MixRow, ...], before_total: int
) -> tuple[MixShare, ...]:
    """Each value's share this month and last; a value last month's messages did not have
    is 0% of them (when there were any), not unknown."""
    old = {r.value: r.share for r in before}
    return tuple(
        MixShare(
            r.value,
            r.messages,
            r.share,
            old.get(r.value)
            or (share(0, before_total, "share of messages in") if before_total else None),
        )
        for r in now
    )


def _volume(now: MixResult, before: MixResult, comparable: bool) -> tuple[VolumeRow, ...]:
    """Messages in per platform, then all; without a comparable last month, no change."""
    if not comparable:
        before = MixResult(before.since, before.until, 0, 0, (), (), (), ())
    had = {r.value: r.messages for r in before.platform}
    rows = [
        VolumeRow(
            r.value,
            r.messages,
            had.get(r.value, 0) if before.messages else None,
            _rel(r.messages, had.get(r.value)) if before.messages else None,
        )
        for r in sorted(now.platform, key=lambda r: r.value)
    ]
    total = VolumeRow(
        None,
        now.messages,
        before.messages if before.messages else None,
        _rel(now.messages, before.messages),
    )
    return (*rows, total) if rows else ()


def care_report(
    session: Session,
    workspace_id: int,
    month: dt.date,
    lang: str,
    *,
    organisation: str | None = None,
    branding: Any = None,
    today: dt.date | None = None,
) -> CareReport:
    """The inbox of the calendar month of `month` against the month before, in `lang`.
    NoCareData when no conversation began in the month."""
    span = Month.of(month)
    prev = span.previous()
    found = inbox_run.figures(session, workspace_id, since=span.start, until=span.next().start)
    before = inbox_run.figures(session, workspace_id, since=prev.start, until=span.start)
    mix_now = inbox_run.mix(session, workspace_id, since=span.start, until=span.next().start)
    mix_before = inbox_run.mix(session, workspace_id, since=prev.start, until=span.start)
    if (found.report is None or not found.report.overall.threads) and not mix_now.messages:
        raise NoCareData(span.start)
    alerts = tuple(
        CareAlert(a.day, a.topic, a.negative, a.ratio)
        for a in inbox_run.alerts(session, workspace_id, since=span.start).alerts
        if a.day <= span.end
    )
    rep = found.report
    overall = _care_row(None, rep.overall) if rep else None
    previous_overall = _care_row(None, before.report.overall) if before.report else None
    platforms = (
        tuple(_care_row(f.group.removeprefix("platform="), f) for f in rep.by_platform)
        if rep
        else ()
    )
    hours = tuple(_care_row(f.group.removeprefix("hours="), f) for f in rep.by_hours) if rep else ()
    sentiment = _shares(mix_now.sentiment, mix_before.sentiment, mix_before.messages)
    intents = _shares(mix_now.intent[:TOP_INTENTS], mix_before.intent, mix_before.messages)
    # last month is a comparison when the inbox's messages reach back to its first week (an
    # inbox imported from mid-month on would show a rise that is only the import's start)
    first_day = min((d for d, _p, _n in mix_before.daily), default=None)
    comparable = first_day is not None and first_day <= prev.start + FIRST_WEEK
    volume = _volume(mix_now, mix_before, comparable)
    report = CareReport(
        organisation=organisation or organisation_name(session, workspace_id),
        lang=lang,
        month=span,
        previous=prev,
        made_on=today or dt.date.today(),
        headline=(),
        sla_minutes=found.settings.sla_minutes,
        volume=volume,
        overall=overall,
        previous_overall=previous_overall if comparable else None,
        platforms=platforms,
        hours=hours,
        sentiment=sentiment,
        intents=intents,
        languages=_shares(mix_now.language, mix_before.language, mix_before.messages),
        alerts=alerts,
        left_out=found.left_out,
        daily=mix_now.daily,
        branding=branding,
    )
    from dataclasses import replace

    return replace(report, headline=care_headline(report, comparable=comparable))


# -- the opening sentences -----------------------------------------------------------------------
def _pct(value: float) -> Num:
    return Num(value, ".0%")


def care_headline(report: CareReport, *, comparable: bool = True) -> tuple[Phrase, ...]:
    """What came in, how it was answered against the target, the mood, what to do next."""
    out: list[Phrase] = []
    total = report.volume[-1] if report.volume else None
    if total is not None:
        if comparable and total.change is not None and total.previous:
            out.append(
                Phrase(
                    "%(n)s messages came in this month, %(change)s against last month "
                    "(%(before)s).",
                    n=Num(total.messages, ",.0f"),
                    change=Num(total.change, "+.0%"),
                    before=Num(total.previous, ",.0f"),
                )
            )
        else:
            out.append(Phrase("%(n)s messages came in this month.", n=Num(total.messages, ",.0f")))
    o = report.overall
    if o is not None and o.threads:
        rate, within = o.response_rate, o.within_sla
        if within is not None and within.ok and within.low is not None and within.high is not None:
            out.append(
                Phrase(
                    "Of the %(n)s conversations, %(rate)s got a reply and %(within)s a reply "
                    "within the target of %(sla)s (between %(low)s and %(high)s).",
                    n=Num(o.threads, ",.0f"),
                    rate=_pct(rate.value or 0.0),
                    within=_pct(within.value or 0.0),
                    sla=duration(report.sla_minutes),
                    low=_pct(within.low),
                    high=_pct(within.high),
                )
            )
        elif rate.value is not None:
            out.append(
                Phrase(
                    "Of the %(n)s conversations, %(rate)s got a reply.",
                    n=Num(o.threads, ",.0f"),
                    rate=_pct(rate.value),
                )
            )
    negative = next((s for s in report.sentiment if s.value == "negative"), None)
    if negative is not None and negative.share.value is not None:
        before = negative.previous.value if negative.previous is not None else None
        if comparable and before is not None and abs(negative.share.value - before) >= MOOD_SHIFT:
            out.append(
                Phrase(
                    "%(share)s of the messages were negative (between %(low)s and %(high)s), "
                    "against %(before)s last month.",
                    share=_pct(negative.share.value),
                    low=_pct(negative.share.low or 0.0),
                    high=_pct(negative.share.high or 0.0),
                    before=_pct(before),
                )
            )
        else:
            out.append(
                Phrase(
                    "%(share)s of the messages were negative (between %(low)s and %(high)s).",
                    share=_pct(negative.share.value),
                    low=_pct(negative.share.low or 0.0),
                    high=_pct(negative.share.high or 0.0),
                )
            )
    out += care_advice(report)[: max(1, 5 - len(out))]
    return tuple(out[:5])


def care_advice(report: CareReport) -> list[Phrase]:
    """The next steps, most pressing first: a surge of negative messages, the slowest
    platform against the target, unanswered conversations, messages outside business hours."""
    todo: list[Phrase] = []
    if report.alerts:
        worst = max(report.alerts, key=lambda a: a.ratio)
        todo.append(
            Phrase(
                "On %(day)s, negative messages about %(topic)s rose to %(ratio)s times the "
                "usual; prepare an answer for when it happens again.",
                day=Day(worst.day),
                topic=worst.topic,
                ratio=Num(worst.ratio, ",.1f"),
            )
        )
    slow = [
        p
        for p in report.platforms
        if p.median_first_response.ok
        and p.median_first_response.value is not None
        and p.median_first_response.value > report.sla_minutes
        and p.threads >= 5
    ]
    if slow:
        worst_p = max(slow, key=lambda p: p.median_first_response.value or 0.0)
        median = worst_p.median_first_response
        unit = "minutes" if (median.value or 0.0) < 120 else "hours"
        todo.append(
            Phrase(
                "%(platform)s is answered slowest: a median first reply of %(median)s (between "
                "%(low)s and %(high)s) against the target of %(sla)s; answer it first.",
                platform=platform_name(worst_p.platform or ""),
                median=duration(median.value or 0.0, unit),
                low=_in_unit(median.low if median.low is not None else 0.0, unit),
                high=duration(median.high if median.high is not None else 0.0, unit),
                sla=duration(report.sla_minutes),
            )
        )
    o = report.overall
    if o is not None and o.response_rate.value is not None and o.response_rate.value < LOW_RATE:
        todo.append(
            Phrase(
                "%(n)s conversations got no reply; answer them or mark them done.",
                n=Num(o.threads - o.answered, ",.0f"),
            )
        )
    outside = next((h for h in report.hours if h.platform == "outside"), None)
    inside = next((h for h in report.hours if h.platform == "inside"), None)
    if (
        outside is not None
        and inside is not None
        and outside.within_sla is not None
        and inside.within_sla is not None
        and outside.within_sla.high is not None
        and inside.within_sla.low is not None
        and outside.within_sla.high < inside.within_sla.low
    ):
        todo.append(
            Phrase(
                "Messages outside business hours wait longest: %(outside)s were answered within "
                "the target, against %(inside)s inside them; plan cover for evenings and "
                "weekends or say when you answer.",
                outside=_pct(outside.within_sla.value or 0.0),
                inside=_pct(inside.within_sla.value or 0.0),
            )
        )
    if not todo:
        todo.append(
            Phrase("The inbox met its target this month; none of the checks asks for action.")
        )
    return todo
