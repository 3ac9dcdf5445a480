"""Response figures: how fast and how often the team answers, and the clocks on the queue.

- First response time: from a thread's first message from outside to the organisation's
  first message after it.
- Resolution time: from that first message to the moment the thread was marked done.
- Response rate: the share of threads from outside that the organisation answered (Wilson
  interval).
- Average and median with 95% bootstrap intervals, split by platform, by team member
  (`answered_by` of the first answer), and by whether the message arrived inside business
  hours (the workspace's settings; default Monday-Friday 09:00-17:00, Europe/Amsterdam).
- Threads whose messages from outside all read as spam or abuse (a person's label over
  triage's reading) stay out of the figures: no answer is owed to them.
- SLA clocks: for each open thread, the time left before its target (the workspace's; by
  default one hour), and
  Meta's responsiveness badge check (90% answered within 15 minutes over the last 7 days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import cast

import numpy as np
import pandas as pd

from socialdesk.estimates import Estimate

MIN_FOR_INTERVAL = 5


DEFAULT_TIMEZONE = "Europe/Amsterdam"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LEFT_OUT_INTENTS = ("spam", "abuse")  # not in the response figures: no answer is owed


@dataclass(frozen=True)
class BusinessHours:
    """The hours the team works, in the workspace's time zone (an IANA name)."""

    timezone: str = DEFAULT_TIMEZONE
    days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    start: dt.time = dt.time(9)
    end: dt.time = dt.time(17)


@dataclass(frozen=True)
class InboxSettings:
    """A workspace's inbox settings (stored as a workspace fact; these are the defaults).

    Business hours are a daily window on the chosen weekdays in the workspace's time zone;
    `sla_minutes` is the target the queue's clocks count down to; messages whose intent (a
    person's label or triage's reading) is in `left_out` stay out of the response figures.
    """

    timezone: str = DEFAULT_TIMEZONE
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    start: dt.time = dt.time(9)
    end: dt.time = dt.time(17)
    sla_minutes: int = 60
    left_out: tuple[str, ...] = LEFT_OUT_INTENTS

    @property
    def hours(self) -> BusinessHours:
        return BusinessHours(self.timezone, self.days, self.start, self.end)

    def stored(self) -> dict[str, object]:
        """As kept in the workspace fact (plain JSON)."""
        return {
            "timezone": self.timezone,
            "days": list(self.days),
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "sla_minutes": self.sla_minutes,
            "left_out": list(self.left_out),
        }

    @classmethod
    def from_stored(cls, value: dict[str, object]) -> InboxSettings:
        """Stored settings over the defaults; a value that does not parse keeps its default."""
        out = cls()
        changes: dict[str, object] = {}
        try:
            if isinstance(value.get("timezone"), str):
                changes["timezone"] = check_timezone(str(value["timezone"]))
            days = value.get("days")
            if isinstance(days, list) and days and all(d in range(7) for d in days):
                changes["days"] = tuple(sorted(int(d) for d in days))
            if isinstance(value.get("start"), str) and isinstance(value.get("end"), str):
                changes["start"], changes["end"] = parse_window(f"{value['start']}-{value['end']}")
            sla = value.get("sla_minutes")
            if isinstance(sla, int) and 1 <= sla <= 60 * 24 * 14:
                changes["sla_minutes"] = sla
            left = value.get("left_out")
            if isinstance(left, list):
                changes["left_out"] = tuple(str(i) for i in left)
        except ValueError:
            pass
        return replace(out, **changes)  # type: ignore[arg-type]


def check_timezone(name: str) -> str:
    """An IANA time zone name as given; ValueError when there is no such zone."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = name.strip()
    if not name or name.startswith(("/", ".")) or ".." in name:
        raise ValueError(f"unknown time zone {name!r}")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
    return name


def parse_window(text: str) -> tuple[dt.time, dt.time]:
    """ "09:00-17:30" -> (09:00, 17:30); ValueError unless start < end on one day."""
    try:
        start_s, end_s = (p.strip() for p in text.split("-"))
        start = dt.time.fromisoformat(start_s.zfill(5))
        end = dt.time.fromisoformat(end_s.zfill(5)) if end_s != "24:00" else dt.time.max
    except ValueError as exc:
        raise ValueError(f"business hours look like 09:00-17:00 (got {text!r})") from exc
    if not start < end:
        raise ValueError(f"business hours must end after they start (got {text!r})")
    return start, end


def parse_days(text: str) -> tuple[int, ...]:
    """ "mon-fri", "mon,wed,fri" or "mon-fri,sun" -> weekday numbers (Monday = 0)."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if not part or len(ends) > 2 or any(e[:3] not in DAY_NAMES for e in ends):
            raise ValueError(f"days look like mon-fri or mon,wed,fri (got {text!r})")
        first, last = DAY_NAMES.index(ends[0][:3]), DAY_NAMES.index(ends[-1][:3])
        span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        days.update(span)
    return tuple(sorted(days))


def days_text(days: tuple[int, ...]) -> str:
    """Weekday numbers as parse_days reads them: (0, 1, 2, 3, 4) -> "mon-fri"."""
    runs: list[str] = []
    i = 0
    ordered = sorted(days)
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        first, last = DAY_NAMES[ordered[i]], DAY_NAMES[ordered[j]]
        runs.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return ",".join(runs)


def left_out_threads(messages: pd.DataFrame, intents: Sequence[str]) -> pd.Series:
    """The threads whose every message from outside reads as one of `intents` (spam, abuse):
    its thread_id -> the intent of its latest such message."""
    if messages.empty or not intents:
        return pd.Series(dtype=object)
    inbound = messages.loc[~messages["is_from_org"].astype(bool), ["thread_id", "intent"]]
    flagged = inbound["intent"].isin(list(intents))
    all_flagged = flagged.groupby(inbound["thread_id"]).all()
    keep = all_flagged[all_flagged].index
    last = inbound[inbound["thread_id"].isin(keep)].groupby("thread_id")["intent"].last()
    return last


@dataclass(frozen=True)
class TimeFigures:
    """Times in minutes for one group of threads."""

    n: int
    mean: Estimate
    median: Estimate


@dataclass(frozen=True)
class ResponseFigures:
    group: str  # "all", "platform=facebook", "person=anna", "hours=inside"
    threads: int
    answered: int
    response_rate: Estimate
    first_response: TimeFigures
    resolution: TimeFigures
    # the share of threads whose first reply came within the SLA target (an unanswered thread
    # counts as outside it); None when no target was given
    within_sla: Estimate | None = None


@dataclass(frozen=True)
class ResponseReport:
    overall: ResponseFigures
    by_platform: list[ResponseFigures] = field(default_factory=list)
    by_person: list[ResponseFigures] = field(default_factory=list)
    by_hours: list[ResponseFigures] = field(default_factory=list)


def inside_business_hours(times: pd.Series, hours: BusinessHours) -> pd.Series:
    """Whether each naive-UTC time falls inside business hours (local time)."""
    local = pd.to_datetime(times).dt.tz_localize("UTC").dt.tz_convert(hours.timezone)
    seconds = local.dt.hour * 3600 + local.dt.minute * 60 + local.dt.second
    start = hours.start.hour * 3600 + hours.start.minute * 60
    end = hours.end.hour * 3600 + hours.end.minute * 60 + hours.end.second
    return local.dt.day_of_week.isin(hours.days) & (seconds >= start) & (seconds < end)


def first_responses(messages: pd.DataFrame, threads: pd.DataFrame) -> pd.DataFrame:
    """Per thread with a message from outside: opened_at, first answer and who gave it.

    `messages`: thread_id, received_at, is_from_org, answered_by. `threads`: thread_id,
    platform, done_at. Returns thread_id, platform, opened_at, answered_at, responder,
    first_response_min, resolution_min.
    """
    cols = [
        "thread_id",
        "platform",
        "opened_at",
        "answered_at",
        "responder",
        "first_response_min",
        "resolution_min",
    ]
    if messages.empty:
        return pd.DataFrame(columns=cols)
    m = messages.sort_values(["thread_id", "received_at"], kind="stable")
    m = m.assign(
        received_at=pd.to_datetime(m["received_at"]), is_from_org=m["is_from_org"].astype(bool)
    )
    # as_index=False makes it a frame; pandas-stubs types a column's groupby min as a Series
    inbound = cast(
        pd.DataFrame,
        m.loc[~m["is_from_org"]].groupby("thread_id", as_index=False)["received_at"].min(),
    ).rename(columns={"received_at": "opened_at"})
    # The organisation's messages at or after each thread's first message from outside; a
    # workspace where nobody answered yet gives none (and every thread stays unanswered).
    org = m.loc[m["is_from_org"], ["thread_id", "received_at", "answered_by"]].merge(
        inbound, on="thread_id", how="inner"
    )
    org = org[org["received_at"] >= org["opened_at"]]
    # the first answer itself, even when its author is unknown (groupby.first skips None)
    first = org.drop_duplicates("thread_id", keep="first")[
        ["thread_id", "received_at", "answered_by"]
    ].rename(columns={"received_at": "answered_at", "answered_by": "responder"})
    out = inbound.merge(first, on="thread_id", how="left")
    out = out.merge(threads[["thread_id", "platform", "done_at"]], on="thread_id", how="left")
    out["answered_at"] = pd.to_datetime(out["answered_at"])
    out["responder"] = out["responder"].astype(object).where(out["responder"].notna(), None)
    out["first_response_min"] = (out["answered_at"] - out["opened_at"]).dt.total_seconds() / 60
    done = pd.to_datetime(out["done_at"])
    out["resolution_min"] = (done - out["opened_at"]).dt.total_seconds() / 60
    out.loc[out["resolution_min"] < 0, "resolution_min"] = np.nan
    return out[cols]


def _bootstrap(values: np.ndarray, stat: str, seed: int) -> Estimate:
    n = len(values)
    if n == 0:
        return Estimate.not_enough(0, "no threads")
    func = np.mean if stat == "mean" else np.median
    value = float(func(values))
    if n < MIN_FOR_INTERVAL:
        return Estimate(
            value, None, None, 0.95, n, f"{stat}; interval needs {MIN_FOR_INTERVAL} threads"
        )
    from scipy.stats import bootstrap

    res = bootstrap(
        (values,),
        func,
        confidence_level=0.95,
        n_resamples=999,
        method="percentile",
        random_state=np.random.default_rng(seed),
    )
    low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
    return Estimate(value, low, high, 0.95, n, f"{stat} minutes, percentile bootstrap")


def _times(values: pd.Series, seed: int) -> TimeFigures:
    arr = values.dropna().to_numpy(dtype=float)
    return TimeFigures(len(arr), _bootstrap(arr, "mean", seed), _bootstrap(arr, "median", seed))


def share(k: int, n: int, what: str) -> Estimate:
    """k of n as a share with its 95% Wilson interval; `what` names it ("share answered")."""
    if n == 0:
        return Estimate.not_enough(0, "no messages")
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return Estimate(k / n, float(low), float(high), 0.95, n, f"{what}, Wilson interval")


def response_rate(answered: int, threads: int) -> Estimate:
    if threads == 0:
        return Estimate.not_enough(0, "no threads from outside")
    return share(answered, threads, "share answered")


def within_sla(frame: pd.DataFrame, sla_minutes: int, now: dt.datetime | None = None) -> Estimate:
    """The share of `frame`'s threads first answered within `sla_minutes` (Wilson interval);
    a thread without an answer counts as outside the target once its time is up. One still
    inside its time at `now` (naive UTC) is undecided and left out."""
    if now is not None and len(frame):
        waiting = frame["answered_at"].isna() & (
            pd.to_datetime(frame["opened_at"])
            > pd.Timestamp(now) - pd.Timedelta(minutes=sla_minutes)
        )
        frame = frame[~waiting]
    if len(frame) == 0:
        return Estimate.not_enough(0, "no threads from outside")
    times = pd.to_numeric(frame["first_response_min"], errors="coerce")
    k = int((times <= sla_minutes).sum())
    return share(k, len(frame), f"share answered within {sla_minutes} minutes")


def _figures(
    group: str,
    frame: pd.DataFrame,
    seed: int,
    sla_minutes: int | None = None,
    now: dt.datetime | None = None,
) -> ResponseFigures:
    answered = int(frame["answered_at"].notna().sum())
    return ResponseFigures(
        group,
        len(frame),
        answered,
        response_rate(answered, len(frame)),
        _times(frame["first_response_min"], seed),
        _times(frame["resolution_min"], seed),
        within_sla(frame, sla_minutes, now) if sla_minutes else None,
    )


def response_report(
    responses: pd.DataFrame,
    hours: BusinessHours | None = None,
    *,
    seed: int = 0,
    sla_minutes: int | None = None,
    now: dt.datetime | None = None,
) -> ResponseReport:
    """Response figures overall and split by platform, person and business hours; with
    `sla_minutes`, the share answered within that target too (overall, per platform and per
    business hours; a person only has the threads they answered)."""
    hours = hours or BusinessHours()
    overall = _figures("all", responses, seed, sla_minutes, now)
    by_platform = [
        _figures(f"platform={p}", part, seed, sla_minutes, now)
        for p, part in responses.groupby("platform", sort=True)
    ]
    answered = responses[responses["answered_at"].notna()]
    no_rate = Estimate.not_enough(0, "a person only has the threads they answered")
    named = answered.assign(responder=answered["responder"].fillna("unknown"))
    by_person = [
        replace(_figures(f"person={p}", part, seed), response_rate=no_rate)
        for p, part in named.groupby("responder")
    ]
    inside = (
        inside_business_hours(responses["opened_at"], hours)
        if len(responses)
        else pd.Series(dtype=bool)
    )
    by_hours = (
        [
            _figures(f"hours={'inside' if flag else 'outside'}", part, seed, sla_minutes, now)
            for flag, part in responses.groupby(inside.to_numpy(), sort=True)
        ]
        if len(responses)
        else []
    )
    return ResponseReport(overall, by_platform, by_person, by_hours)


def sla_clocks(
    queue: pd.DataFrame, now: dt.datetime, target: dt.timedelta = dt.timedelta(hours=1)
) -> pd.DataFrame:
    """`queue` (with waiting_since) plus minutes_waiting, minutes_left and breached."""
    out = queue.copy()
    waited = (pd.Timestamp(now) - pd.to_datetime(out["waiting_since"])).dt.total_seconds() / 60
    out["minutes_waiting"] = waited.round(1)
    out["minutes_left"] = (target.total_seconds() / 60 - waited).round(1)
    out["breached"] = out["minutes_left"] < 0
    return out


@dataclass(frozen=True)
class BadgeCheck:
    """Meta's responsiveness badge: >= 90% of messages answered within 15 minutes, 7 days."""

    threads: int
    within: int
    share: Estimate
    earned: bool | None  # None when there were no messages in the window


def badge_check(
    responses: pd.DataFrame,
    now: dt.datetime,
    *,
    platforms: Sequence[str] = ("facebook", "instagram"),
    window: dt.timedelta = dt.timedelta(days=7),
    limit_minutes: float = 15.0,
    goal: float = 0.90,
) -> BadgeCheck:
    recent = responses[
        responses["platform"].isin(platforms)
        & (pd.to_datetime(responses["opened_at"]) >= pd.Timestamp(now - window))
    ]
    n = len(recent)
    within = int((recent["first_response_min"] <= limit_minutes).sum())
    rate = (
        share(within, n, f"share answered within {limit_minutes:g} minutes")
        if n
        else (Estimate.not_enough(0, "no messages in the window"))
    )
    return BadgeCheck(n, within, rate, None if n == 0 else within / n >= goal)


__all__ = [
    "DEFAULT_TIMEZONE",
    "LEFT_OUT_INTENTS",
    "BadgeCheck",
    "BusinessHours",
    "InboxSettings",
    "ResponseFigures",
    "ResponseReport",
    "TimeFigures",
    "badge_check",
    "check_timezone",
    "days_text",
    "first_responses",
    "inside_business_hours",
    "left_out_threads",
    "parse_days",
    "parse_window",
    "response_rate",
    "response_report",
    "share",
    "sla_clocks",
]
