"""The five-skills audit's seam: `audit(session, workspace_id, today=...) -> Audit`.

It reads the skills' own seams (`<skill>/run.py`, the overview's and publishing's), never
their queries, and hands their figures to the rules in `scorecard`. Each check runs on its
own: one that raises a SocialdeskError is "not judged" with the error as its evidence, and the
rest of the audit goes on (the home page still renders). docs/audit.md states the rules.

The media-type uplift is the one slow figure (a negative binomial per account with every
time control): it is fitted per platform (no pooled fit, which the audit does not use) and
kept per workspace and data version (the highest ids, store/memo.py), so a second
audit of unchanged data does not fit again.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from socialdesk.audit import scorecard as sc
from socialdesk.audit.scorecard import Audit, Check, SkillScore
from socialdesk.errors import SocialdeskError
from socialdesk.phrases import Phrase

CALENDAR_BACK = 90  # days of calendar items before today read for alt text
CALENDAR_AHEAD = 30  # and after
CALENDAR_ITEMS = 200  # at most this many items are opened
ADS_DAYS = 90  # the spend check reads the last 90 days of delivery

PATHS = {
    "visual": "/visual",
    "empathy": "/inbox/figures",
    "advertising": "/ads",
    "marketing": "/marketing",
    "analytics": "/analytics/goals",
}
TITLES = {
    "visual": Phrase("Visual"),
    "empathy": Phrase("Empathy"),
    "advertising": Phrase("Advertising"),
    "marketing": Phrase("Online marketing"),
    "analytics": Phrase("Analytics"),
}


def _safe(key: str, title: Phrase, possible: float, rule: Callable[[], Check]) -> Check:
    """The check, or "not judged" when reading its figures raised a SocialdeskError."""
    try:
        return rule()
    except SocialdeskError as exc:
        return sc.not_judged(
            key, title, possible, Phrase("Not judged: %(error)s", error=str(exc).splitlines()[0])
        )


# -- visual --------------------------------------------------------------------------------------
_UPLIFT_CACHE: dict[tuple[Any, ...], tuple[sc.AccountMix, ...]] = {}
_UPLIFT_LOCK = threading.Lock()


def _data_version(session: Session, workspace_id: int) -> tuple[Any, ...]:
    """The data version of what the audit reads (store/memo.py: the highest id of
    import_batch and of each table; a few indexed reads, not a count of every row)."""
    from socialdesk.model import (
        Account,
        AccountDay,
        AdDay,
        Message,
        MessageLabel,
        Post,
        PostMetrics,
    )
    from socialdesk.store.memo import data_version

    tables = (Account, AccountDay, Post, PostMetrics, AdDay, Message, MessageLabel)
    return (str(session.get_bind().engine.url), workspace_id, *data_version(session, tables))


def _mixes(session: Session, workspace_id: int) -> tuple[sc.AccountMix, ...]:
    from socialdesk.overview import run as overview
    from socialdesk.overview.definitions import platform_name
    from socialdesk.visual import run as visual

    key = _data_version(session, workspace_id)
    with _UPLIFT_LOCK:
        if key in _UPLIFT_CACHE:
            return _UPLIFT_CACHE[key]
    out: list[sc.AccountMix] = []
    for platform in overview.platforms(session, workspace_id):
        report = visual.uplift_report(
            session, workspace_id, platform=platform, explain_totals=False
        )
        for r in report.results:
            if r.scope != "account" or not r.ok:
                continue
            effects = [
                (e.media_type, e.posts, e.ratio.value if e.ratio.ok else None, e.clear)
                for e in r.effects
            ]
            weak, best = sc.weak_types(r.reference, effects)
            posts = {raw.media_type: raw.posts for raw in r.raw}
            out.append(
                sc.AccountMix(
                    account=f"{platform_name(platform)} · {r.account}",
                    posts=r.posts,
                    weak={t: posts.get(t, 0) for t in weak},
                    best=best,
                )
            )
    found = tuple(out)
    with _UPLIFT_LOCK:
        if len(_UPLIFT_CACHE) > 32:
            _UPLIFT_CACHE.clear()
        _UPLIFT_CACHE[key] = found
    return found


def _alt_text(session: Session, workspace_id: int, today: dt.date) -> Check:
    from socialdesk.marketing import run as marketing
    from socialdesk.publishing import run as publishing

    window = marketing.calendar_window(
        session,
        workspace_id,
        start=today - dt.timedelta(days=CALENDAR_BACK),
        end=today + dt.timedelta(days=CALENDAR_AHEAD),
    )
    files = with_alt = 0
    for item in window.items[:CALENDAR_ITEMS]:
        row = publishing.item_of(session, workspace_id, item.id)
        for f in (row.media or {}).get("files") or []:
            mime = str(f.get("mime") or "")
            if mime and not mime.startswith("image/"):
                continue
            files += 1
            with_alt += bool(str(f.get("alt") or "").strip())
    return sc.alt_text(files, with_alt)


def visual(session: Session, workspace_id: int, today: dt.date) -> SkillScore:
    checks = [
        _safe("media_mix", sc.T_MEDIA, 40, lambda: sc.media_mix(_mixes(session, workspace_id))),
        _safe("alt_text", sc.T_ALT, 30, lambda: _alt_text(session, workspace_id, today)),
    ]
    return sc.skill_score("visual", TITLES["visual"], PATHS["visual"], checks)


# -- empathy -------------------------------------------------------------------------------------
def empathy(session: Session, workspace_id: int, today: dt.date) -> SkillScore:
    from socialdesk.inbox import run as inbox

    figures = inbox.figures(session, workspace_id)
    sla = figures.settings.sla_minutes
    report = figures.report

    def rate() -> Check:
        if report is None:
            return sc.response_rate(0, 0)
        return sc.response_rate(report.overall.threads, report.overall.answered)

    def time() -> Check:
        if report is None:
            return sc.response_time(None, 0, sla, inside_hours=False)
        inside = next((f for f in report.by_hours if f.group == "hours=inside"), None)
        group = inside if inside is not None and inside.answered else report.overall
        median = group.first_response.median
        return sc.response_time(
            median.value if median.ok else None,
            group.first_response.n,
            sla,
            inside_hours=group is inside,
        )

    def negative() -> Check:
        now = dt.datetime.combine(today, dt.time(23, 59)) if today != dt.date.today() else None
        q = inbox.queue(session, workspace_id, now=now, limit=100_000)
        triaged = any(r.get("sentiment") for r in q.rows) or (not q.rows and report is not None)
        neg = [r for r in q.rows if r.get("sentiment") == "negative"]
        breached = sum(1 for r in neg if r.get("breached"))
        return sc.negative_handled(triaged, len(neg), breached, sla)

    def labels() -> Check:
        found = inbox.labels(session, workspace_id, k=1)
        return sc.labels_set(report is not None, found.label_counts)

    checks = [
        _safe("response_rate", sc.T_RATE, 30, rate),
        _safe("response_time", sc.T_TIME, 30, time),
        _safe("negative_handled", sc.T_NEGATIVE, 20, negative),
        _safe("labels", sc.T_LABELS, 20, labels),
    ]
    return sc.skill_score("empathy", TITLES["empathy"], PATHS["empathy"], checks)


# -- advertising ---------------------------------------------------------------------------------
def advertising(session: Session, workspace_id: int, today: dt.date) -> SkillScore:
    from socialdesk.ads import run as ads

    recent = ads.Period(days=ADS_DAYS)

    def steered() -> Check:
        rep = ads.report(session, workspace_id, period=recent).report
        return sc.spend_steered(
            [
                sc.CampaignSpend(
                    r.name, r.figures.spend or 0.0, r.figures.result_type, r.figures.main_results
                )
                for r in rep.rows
            ],
            ADS_DAYS,
        )

    def tests() -> Check:
        found = ads.tests(session, workspace_id)
        return sc.tests_sized(
            [
                sc.TestSize(
                    f"{t.campaign} · {t.group}", t.needed_per_variant, t.smallest_variant, t.running
                )
                for t in found.tests
            ]
        )

    def fatigue() -> Check:
        found = ads.fatigue(session, workspace_id)
        checked = [c for c in found.checks if c.p_value is not None]
        flagged = [c for c in checked if c.flagged]
        running: list[str] = []
        if flagged:
            days = ads.daily(session, workspace_id, period=ads.Period(days=sc.RUNNING_DAYS))
            live = set(days.loc[days["spend"].fillna(0) > 0, "campaign"].astype(str))
            running = [f"{c.campaign} · {c.ad}" for c in flagged if c.campaign in live]
        return sc.fatigue_left(len(checked), running)

    def budget() -> Check:
        found = ads.budget(session, workspace_id)
        plan = found.plan
        optimised = [a for a in plan.allocations if a.optimised]
        cur, rec = plan.expected_current, plan.expected_recommended
        return sc.budget_curves(
            cur.value if cur.ok else None, rec.value if rec.ok else None, len(optimised)
        )

    checks = [
        _safe("spend_on_results", sc.T_STEER, 25, steered),
        _safe("tests_sized", sc.T_TESTS, 25, tests),
        _safe("fatigue", sc.T_FATIGUE, 25, fatigue),
        _safe("budget_curves", sc.T_BUDGET, 25, budget),
    ]
    return sc.skill_score("advertising", TITLES["advertising"], PATHS["advertising"], checks)


# -- online marketing ----------------------------------------------------------------------------
def marketing(session: Session, workspace_id: int, today: dt.date) -> SkillScore:
    from socialdesk.marketing import run as mk

    def social() -> Check:
        site = mk.site_for(session, workspace_id)
        sessions = site.social.sessions if site.social is not None else 0.0
        return sc.utm_social(sessions, sum(c.sessions for c in site.by_campaign))

    def ads() -> Check:
        found = mk.tagging_for(session, workspace_id)
        return sc.utm_ads([(c.campaign, c.clicks, c.tagged) for c in found])

    def objectives() -> Check:
        version, plan = mk.current_plan(session, workspace_id)
        objs = plan.objectives
        if not version or not objs:
            return sc.plan_objectives([], has_plan=bool(version))
        without = set(mk.coverage_for(session, workspace_id).objectives_without_content)
        return sc.plan_objectives(
            [(o.name, o.key not in without and o.name not in without, bool(o.kpis)) for o in objs],
            has_plan=True,
        )

    def search() -> Check:
        found = mk.search_gaps_for(session, workspace_id)
        return sc.search_gaps(
            [(t.name, t.impressions, t.status) for t in found.topics], found.query_impressions
        )

    checks = [
        _safe("utm_social", sc.T_UTM_SOCIAL, 20, social),
        _safe("utm_ads", sc.T_UTM_ADS, 15, ads),
        _safe("plan_objectives", sc.T_OBJECTIVES, 30, objectives),
        _safe("search_gaps", sc.T_SEARCH, 35, search),
    ]
    return sc.skill_score("marketing", TITLES["marketing"], PATHS["marketing"], checks)


# -- analytics -----------------------------------------------------------------------------------
def analytics(session: Session, workspace_id: int, today: dt.date) -> SkillScore:
    from socialdesk.goals import plan_goals
    from socialdesk.overview import run as overview

    last: dict[str, dt.date] = {}

    def fresh() -> Check:
        st = overview.status(session, workspace_id, slug="", database="")
        for a in st.accounts:
            if a.last:
                day = dt.date.fromisoformat(a.last[:10])
                last[a.platform] = max(last.get(a.platform, day), day)
        return sc.freshness(last, today)

    freshness = _safe("freshness", sc.T_FRESH, 35, fresh)
    has_data = bool(last)
    report = None

    def goals() -> Check:
        nonlocal report
        # the plan's objectives are the goals (socialdesk.goals), then goals stored before
        report = plan_goals(session, workspace_id, today=today)
        running = [g for g in report.goals if g.goal.start <= today <= g.goal.end]
        ended = [g for g in report.goals if g.goal.end < today]
        return sc.goals_set(has_data or bool(report.goals), len(running), len(ended))

    def track() -> Check:
        found = report or plan_goals(session, workspace_id, today=today)
        return sc.on_track(
            [(g.goal.name, g.status) for g in found.goals if g.goal.start <= today <= g.goal.end]
        )

    checks = [
        _safe("goals_set", sc.T_GOALS, 30, goals),
        _safe("on_track", sc.T_TRACK, 35, track),
        freshness,
    ]
    return sc.skill_score("analytics", TITLES["analytics"], PATHS["analytics"], checks)


SKILL_RUNS = {
    "visual": visual,
    "empathy": empathy,
    "advertising": advertising,
    "marketing": marketing,
    "analytics": analytics,
}


def audit(session: Session, workspace_id: int, *, today: dt.date | None = None) -> Audit:
    """The five skills' scores from the workspace's own data, as of `today` (default: the
    real today; goals, freshness and the calendar window are counted to it)."""
    day = today or dt.date.today()
    skills = []
    for name in sc.SKILLS:
        try:
            skills.append(SKILL_RUNS[name](session, workspace_id, day))
        except SocialdeskError as exc:
            why = Phrase("Not judged: %(error)s", error=str(exc).splitlines()[0])
            skills.append(
                sc.skill_score(
                    name,
                    TITLES[name],
                    PATHS[name],
                    [sc.not_judged(name, TITLES[name], 100, why)],
                )
            )
    return Audit(today=day, skills=tuple(skills))


# -- the cockpit's audit ---------------------------------------------------------------------
RECENT_SECONDS = 300.0  # the cockpit shows an audit at most this old (a new import: at once)
RECENT_KEPT = 16
_RECENT: dict[tuple[Any, ...], tuple[float, Audit]] = {}
_RECENT_LOCK = threading.Lock()


def recent_audit(session: Session, workspace_id: int, *, max_age: float = RECENT_SECONDS) -> Audit:
    """The audit as of today, made again when the data changed (an import or a sync: the
    overview's status) or when the last one is older than `max_age` seconds (a label set, a
    goal or the plan changed). The home page asks for it on every visit; this keeps that to
    one read of the status on most visits."""
    import time

    key = (*_data_version(session, workspace_id), dt.date.today())
    now = time.monotonic()
    with _RECENT_LOCK:
        found = _RECENT.get(key)
        if found is not None and now - found[0] <= max_age:
            return found[1]
    made = audit(session, workspace_id)
    with _RECENT_LOCK:
        if len(_RECENT) >= RECENT_KEPT:
            _RECENT.pop(min(_RECENT, key=lambda k: _RECENT[k][0]))
        _RECENT[key] = (time.monotonic(), made)
    return made


__all__ = ["PATHS", "Audit", "Check", "SkillScore", "audit", "recent_audit"]
