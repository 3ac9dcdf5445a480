"""The five-skills audit's rules: each check turns figures the skills computed into points.

Every rule is a pure function of plain figures (counts, shares, minutes), so it is tested on
hand-made numbers as well as on the demo; `audit.run` reads the figures from the skills'
seams. docs/audit.md states each rule, its points and thresholds and why.

- A check that has no data to judge is *not judged* (`points` is None): it is shown as such
  and left out of the score, never counted as 0.
- A skill's score is the points of its judged checks over the points those checks could earn,
  scaled to 100 (None when no check could be judged).
- A skill's next steps are its checks' advice, ordered by the points they would gain (ties in
  the order of the checks), at most three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from socialdesk.catalogue.catalogue import Word
from socialdesk.catalogue.platforms import platform_name
from socialdesk.phrases import Join, Num, Phrase

SKILLS = ("visual", "empathy", "advertising", "marketing", "analytics")
NEXT_STEPS = 3

# -- thresholds (docs/audit.md says why) ---------------------------------------------------------
RESPONSE_RATE_GOAL = 0.90  # share of threads from outside answered
SLA_SLACK = 2.0  # a median within twice the SLA earns half the points
LABELS_GOAL = 50  # messages labelled by a person per kind (sentiment, intent)
CPA_SLACK = 2.0  # a campaign within twice its result type's best CPA counts as steered
FATIGUE_PENALTY = 10.0  # points off per fatigued ad still running
RUNNING_DAYS = 7  # delivery in the last 7 days of data: still running
BUDGET_GAIN_FULL = 0.05  # a re-split would add at most 5% results: full points
BUDGET_GAIN_HALF = 0.15  # at most 15%: half
FRESH_DAYS = 7  # data at most a week old: fresh
STALE_DAYS = 30  # more than a month old: stale


# -- the result ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    """One rule applied: the points it earned of the points it can earn (None: not judged),
    the evidence in a sentence, the figures behind it and what it names."""

    key: str
    title: Phrase
    possible: float
    points: float | None
    evidence: Phrase
    figures: dict[str, float] = field(default_factory=dict)
    items: tuple[str, ...] = ()  # what the check names: media types, topics, ads, platforms
    next_step: Phrase | None = None  # what would earn the missing points

    @property
    def judged(self) -> bool:
        return self.points is not None

    @property
    def gain(self) -> float:
        """The points the next step would gain (0 when not judged or full)."""
        return 0.0 if self.points is None else max(0.0, self.possible - self.points)

    __json_properties__ = ("judged", "gain")


@dataclass(frozen=True)
class SkillScore:
    skill: str  # visual, empathy, advertising, marketing, analytics
    title: Phrase
    path: str  # the skill's page in the cockpit
    score: float | None  # 0-100; None when no check could be judged
    level: str  # strong, sound, needs-work, weak, not-judged
    level_words: Phrase
    checks: tuple[Check, ...]
    next_steps: tuple[Phrase, ...]  # at most three, the most valuable first

    @property
    def evidence(self) -> Phrase | None:
        """One line for a card: the evidence of the check with the most to gain (else the
        first judged check)."""
        judged = [c for c in self.checks if c.judged]
        if not judged:
            return None
        return max(judged, key=lambda c: c.gain).evidence


@dataclass(frozen=True)
class Audit:
    """The five skills' scores as of `today`."""

    today: dt.date
    skills: tuple[SkillScore, ...]

    def skill(self, name: str) -> SkillScore:
        return next(s for s in self.skills if s.skill == name)


# -- scoring -------------------------------------------------------------------------------------
def level_of(score: float | None) -> tuple[str, Phrase]:
    if score is None:
        return "not-judged", Phrase("Not judged: no data")
    if score >= 80:
        return "strong", Phrase("Strong")
    if score >= 60:
        return "sound", Phrase("Sound")
    if score >= 40:
        return "needs-work", Phrase("Needs work")
    return "weak", Phrase("Weak")


def score_of(checks: Sequence[Check]) -> float | None:
    judged = [c for c in checks if c.points is not None]
    possible = sum(c.possible for c in judged)
    if not judged or possible <= 0:
        return None
    return round(100 * sum(c.points or 0.0 for c in judged) / possible, 1)


def next_steps(checks: Sequence[Check], n: int = NEXT_STEPS) -> tuple[Phrase, ...]:
    ranked = sorted(
        (c for c in checks if c.next_step is not None and c.gain > 0),
        key=lambda c: -c.gain,
    )
    return tuple(c.next_step for c in ranked[:n] if c.next_step is not None)


def skill_score(skill: str, title: Phrase, path: str, checks: Sequence[Check]) -> SkillScore:
    score = score_of(checks)
    level, words = level_of(score)
    return SkillScore(
        skill=skill,
        title=title,
        path=path,
        score=score,
        level=level,
        level_words=words,
        checks=tuple(checks),
        next_steps=next_steps(checks),
    )


def not_judged(key: str, title: Phrase, possible: float, why: Phrase) -> Check:
    return Check(key=key, title=title, possible=possible, points=None, evidence=why)


def _pts(possible: float, share: float) -> float:
    return round(possible * min(1.0, max(0.0, share)), 1)


def _media(kind: str) -> Phrase | str:
    """A media type's code as a word the catalogue translates ("photo" -> "foto"; the words
    are the cockpit's, web/labels.py); an unknown code stays as it is ("" is never looked up:
    gettext("") is the catalogue's header)."""
    return Phrase(kind) if kind else ""


def _names(values: Iterable[str], n: int = 3) -> Join:
    return Join.of(list(values)[:n])


def _platform_names(keys: Iterable[str], n: int = 3) -> Join:
    """Platforms by their names in the reader's language ("Google Bedrijfsprofiel")."""
    return Join.of(
        Word({"nl": platform_name(k, "nl"), "en": platform_name(k, "en")}) for k in list(keys)[:n]
    )


# -- visual --------------------------------------------------------------------------------------
T_MEDIA = Phrase("Media mix against the measured uplift")
T_ALT = Phrase("Alt text on planned images")


@dataclass(frozen=True)
class AccountMix:
    """One account's media-type fit: posts per type, the types clearly weaker than another
    type on the account (per exposed person) and the strongest type."""

    account: str  # "platform · handle"
    posts: int
    weak: dict[str, int]  # media type -> posts
    best: str | None


def weak_types(
    reference: str | None, effects: Sequence[tuple[str, int, float | None, bool]]
) -> tuple[set[str], str | None]:
    """From (media type, posts, ratio to the reference, clearly different) the types that get
    clearly fewer interactions per exposure than another type of the same fit, and the best.

    A type clearly below the reference is weak; the reference is weak when another type is
    clearly above it. Types not clearly different from the reference are not judged weak."""
    below = {t for t, _n, r, clear in effects if clear and r is not None and r < 1}
    above = [(r, t) for t, _n, r, clear in effects if clear and r is not None and r > 1]
    weak = set(below)
    best: str | None = reference
    if above:
        best = max(above)[1]
        if reference:
            weak.add(reference)
    return weak, best


def media_mix(mixes: Sequence[AccountMix], possible: float = 40) -> Check:
    """Points for the share of fitted posts that are NOT of a clearly weaker media type."""
    fitted = [m for m in mixes if m.posts > 0]
    total = sum(m.posts for m in fitted)
    if not total:
        return not_judged(
            "media_mix",
            T_MEDIA,
            possible,
            Phrase("No account has enough posts of two media types to measure an uplift."),
        )
    weak = sum(sum(m.weak.values()) for m in fitted)
    share = weak / total
    worst = max(fitted, key=lambda m: sum(m.weak.values()))
    items = tuple(f"{m.account}: {t}" for m in fitted for t in sorted(m.weak))
    step = None
    if weak:
        step = Phrase(
            "Post more %(best)s and fewer %(weak)s on %(account)s: they get clearly fewer "
            "interactions per person reached there.",
            best=_media(worst.best or ""),
            weak=Join.of(_media(t) for t in sorted(worst.weak, key=lambda t: -worst.weak[t])[:3]),
            account=worst.account,
        )
    return Check(
        key="media_mix",
        title=T_MEDIA,
        possible=possible,
        points=_pts(possible, 1 - share),
        evidence=Phrase(
            "%(share)s of %(n)s posts on %(accounts)s accounts are of a media type that gets "
            "clearly fewer interactions per person reached than another type on the account.",
            share=Num(share, ".0%"),
            n=total,
            accounts=len(fitted),
        ),
        figures={"posts": total, "weak_posts": weak, "weak_share": share},
        items=items,
        next_step=step,
    )


def alt_text(files: int, with_alt: int, possible: float = 30) -> Check:
    """Points for the share of images on calendar items that have alt text."""
    if files == 0:
        return not_judged(
            "alt_text",
            T_ALT,
            possible,
            Phrase("No calendar item around today carries images."),
        )
    share = with_alt / files
    missing = files - with_alt
    return Check(
        key="alt_text",
        title=T_ALT,
        possible=possible,
        points=_pts(possible, share),
        evidence=Phrase(
            "%(k)s of %(n)s images on calendar items have alt text (%(share)s).",
            k=with_alt,
            n=files,
            share=Num(share, ".0%"),
        ),
        figures={"images": files, "with_alt": with_alt, "share": share},
        next_step=Phrase(
            "Write alt text for the %(n)s images on the calendar that have none.", n=missing
        )
        if missing
        else None,
    )


# -- empathy (the inbox) -------------------------------------------------------------------------
T_RATE = Phrase("Response rate")
T_TIME = Phrase("First response within the SLA")
T_NEGATIVE = Phrase("Negative messages handled")
T_LABELS = Phrase("Labels set by the team")


def response_rate(threads: int, answered: int, possible: float = 30) -> Check:
    if threads == 0:
        return not_judged(
            "response_rate", T_RATE, possible, Phrase("No threads from outside in the inbox.")
        )
    rate = answered / threads
    return Check(
        key="response_rate",
        title=T_RATE,
        possible=possible,
        points=_pts(possible, rate / RESPONSE_RATE_GOAL),
        evidence=Phrase(
            "%(rate)s of %(n)s threads answered (the goal is %(goal)s).",
            rate=Num(rate, ".0%"),
            n=threads,
            goal=Num(RESPONSE_RATE_GOAL, ".0%"),
        ),
        figures={"threads": threads, "answered": answered, "rate": rate},
        next_step=Phrase(
            "Answer the threads left without a reply: %(n)s of %(total)s got none.",
            n=threads - answered,
            total=threads,
        )
        if rate < RESPONSE_RATE_GOAL
        else None,
    )


def response_time(
    median_minutes: float | None,
    answered: int,
    sla_minutes: int,
    *,
    inside_hours: bool,
    possible: float = 30,
) -> Check:
    """Full points when the median first response (of threads opened inside business hours,
    where the SLA applies) is within the SLA, half within twice the SLA, else none."""
    if median_minutes is None or answered == 0:
        return not_judged("response_time", T_TIME, possible, Phrase("No answered threads to time."))
    if median_minutes <= sla_minutes:
        share = 1.0
    elif median_minutes <= SLA_SLACK * sla_minutes:
        share = 0.5
    else:
        share = 0.0
    evidence = (
        Phrase(
            "Half of %(n)s threads opened inside business hours were answered within "
            "%(median)s minutes; the SLA is %(sla)s minutes.",
            n=answered,
            median=Num(median_minutes, ".0f"),
            sla=sla_minutes,
        )
        if inside_hours
        else Phrase(
            "Half of %(n)s answered threads were answered within %(median)s minutes; the SLA "
            "is %(sla)s minutes.",
            n=answered,
            median=Num(median_minutes, ".0f"),
            sla=sla_minutes,
        )
    )
    return Check(
        key="response_time",
        title=T_TIME,
        possible=possible,
        points=_pts(possible, share),
        evidence=evidence,
        figures={"median_minutes": median_minutes, "answered": answered, "sla": sla_minutes},
        next_step=Phrase(
            "Answer within the %(sla)s-minute SLA: half the threads now wait %(median)s "
            "minutes or more.",
            sla=sla_minutes,
            median=Num(median_minutes, ".0f"),
        )
        if share < 1
        else None,
    )


def negative_handled(
    triaged: bool, waiting: int, breached: int, sla_minutes: int, possible: float = 20
) -> Check:
    """Negative threads still waiting past the SLA: full points when none, less per share."""
    if not triaged:
        return not_judged(
            "negative_handled",
            T_NEGATIVE,
            possible,
            Phrase("The messages have not been read by triage yet, so their tone is unknown."),
        )
    share = breached / waiting if waiting else 0.0
    return Check(
        key="negative_handled",
        title=T_NEGATIVE,
        possible=possible,
        points=_pts(possible, 1 - share),
        evidence=Phrase(
            "%(k)s of %(n)s negative threads in the queue have waited longer than the "
            "%(sla)s-minute SLA.",
            k=breached,
            n=waiting,
            sla=sla_minutes,
        ),
        figures={"waiting": waiting, "breached": breached},
        next_step=Phrase(
            "Answer the %(n)s negative threads that waited longer than the SLA first.",
            n=breached,
        )
        if breached
        else None,
    )


def labels_set(messages: bool, counts: dict[str, int], possible: float = 20) -> Check:
    """Person labels per kind (sentiment, intent) against LABELS_GOAL each."""
    if not messages:
        return not_judged("labels", T_LABELS, possible, Phrase("No messages in the inbox."))
    kinds = ("sentiment", "intent")
    share = sum(min(1.0, counts.get(k, 0) / LABELS_GOAL) for k in kinds) / len(kinds)
    return Check(
        key="labels",
        title=T_LABELS,
        possible=possible,
        points=_pts(possible, share),
        evidence=Phrase(
            "The team labelled the tone of %(s)s messages and the intent of %(i)s; %(goal)s "
            "of each teach triage the team's own reading.",
            s=counts.get("sentiment", 0),
            i=counts.get("intent", 0),
            goal=LABELS_GOAL,
        ),
        figures={k: float(counts.get(k, 0)) for k in kinds},
        next_step=Phrase(
            "Label the messages triage is least sure about (Inbox, Labels) until each kind "
            "has %(goal)s.",
            goal=LABELS_GOAL,
        )
        if share < 1
        else None,
    )


# -- advertising ---------------------------------------------------------------------------------
T_STEER = Phrase("Spend steered on results")
T_TESTS = Phrase("Tests run to their planned size")
T_FATIGUE = Phrase("Fatigued ads left running")
T_BUDGET = Phrase("Budget against the response curves")


@dataclass(frozen=True)
class CampaignSpend:
    name: str
    spend: float
    result_type: str | None
    results: float | None

    @property
    def cpa(self) -> float | None:
        return self.spend / self.results if self.results else None


def spend_steered(campaigns: Sequence[CampaignSpend], days: int, possible: float = 25) -> Check:
    """The share of spend on campaigns whose cost per result is within CPA_SLACK times the
    best of their result type (a campaign alone in its type counts when it has results; one
    with a result type but no results spent without result). Campaigns whose exports name no
    result type cannot be judged and are left out; with none left, the check is not judged."""
    spent = [c for c in campaigns if c.spend > 0]
    if spent and not any(c.result_type for c in spent):
        return not_judged(
            "spend_on_results",
            T_STEER,
            possible,
            Phrase("The ads' exports name no result type, so cost per result is unknown."),
        )
    spent = [c for c in spent if c.result_type]
    total = sum(c.spend for c in spent)
    if total <= 0:
        return not_judged(
            "spend_on_results",
            T_STEER,
            possible,
            Phrase("No ad spend in the last %(days)s days of delivery.", days=days),
        )
    best: dict[str, float] = {}
    for c in spent:
        if c.result_type and c.cpa is not None:
            best[c.result_type] = min(best.get(c.result_type, c.cpa), c.cpa)
    off = [
        c
        for c in spent
        if c.cpa is None or c.result_type is None or c.cpa > CPA_SLACK * best[c.result_type]
    ]
    steered = total - sum(c.spend for c in off)
    share = steered / total
    worst = max(off, key=lambda c: c.spend) if off else None
    return Check(
        key="spend_on_results",
        title=T_STEER,
        possible=possible,
        points=_pts(possible, share),
        evidence=Phrase(
            "%(share)s of %(n)s campaigns' spend in the last %(days)s days went to campaigns "
            "whose cost per result is within twice the best of their kind.",
            share=Num(share, ".0%"),
            n=len(spent),
            days=days,
        ),
        figures={"spend": total, "steered": steered, "share": share},
        items=tuple(c.name for c in off),
        next_step=Phrase(
            "Move budget away from %(campaign)s: its cost per result is more than twice the "
            "best of its kind.",
            campaign=worst.name,
        )
        if worst is not None
        else None,
    )


@dataclass(frozen=True)
class TestSize:
    __test__ = False  # not a pytest class

    name: str
    needed: float | None  # per variant
    smallest: float
    running: bool


def tests_sized(tests: Sequence[TestSize], possible: float = 25) -> Check:
    """The share of finished tests whose smallest variant reached the planned size."""
    done = [t for t in tests if not t.running and t.needed is not None]
    if not done:
        return not_judged(
            "tests_sized", T_TESTS, possible, Phrase("No finished ad test with a planned size.")
        )
    short = [t for t in done if t.smallest < (t.needed or 0)]
    share = 1 - len(short) / len(done)
    return Check(
        key="tests_sized",
        title=T_TESTS,
        possible=possible,
        points=_pts(possible, share),
        evidence=Phrase(
            "%(k)s of %(n)s finished tests reached their planned size in every variant.",
            k=len(done) - len(short),
            n=len(done),
        ),
        figures={"finished": len(done), "short": len(short)},
        items=tuple(t.name for t in short),
        next_step=Phrase(
            "Let tests run until every variant reaches its planned size before picking a "
            "winner (%(names)s stopped short).",
            names=_names(t.name for t in short),
        )
        if short
        else None,
    )


def fatigue_left(checked: int, running_fatigued: Sequence[str], possible: float = 25) -> Check:
    if checked == 0:
        return not_judged(
            "fatigue", T_FATIGUE, possible, Phrase("No ad has enough days to check for fatigue.")
        )
    n = len(running_fatigued)
    return Check(
        key="fatigue",
        title=T_FATIGUE,
        possible=possible,
        points=max(0.0, possible - FATIGUE_PENALTY * n),
        evidence=Phrase(
            "%(k)s of %(n)s ads checked show fatigue and still ran in the last %(days)s days "
            "of delivery.",
            k=n,
            n=checked,
            days=RUNNING_DAYS,
        ),
        figures={"checked": checked, "running_fatigued": n},
        items=tuple(running_fatigued),
        next_step=Phrase(
            "Refresh or pause the fatigued ads that still run: %(ads)s.",
            ads=_names(running_fatigued),
        )
        if n
        else None,
    )


def budget_curves(
    current: float | None, recommended: float | None, campaigns: int, possible: float = 25
) -> Check:
    """Full points when re-splitting the budget over the response curves would add at most
    BUDGET_GAIN_FULL of the expected results, half up to BUDGET_GAIN_HALF, else none."""
    if current is None or recommended is None or current <= 0 or campaigns < 2:
        return not_judged(
            "budget_curves",
            T_BUDGET,
            possible,
            Phrase("Fewer than two running campaigns with a response curve to split over."),
        )
    gain = max(0.0, recommended / current - 1)
    share = 1.0 if gain <= BUDGET_GAIN_FULL else 0.5 if gain <= BUDGET_GAIN_HALF else 0.0
    return Check(
        key="budget_curves",
        title=T_BUDGET,
        possible=possible,
        points=_pts(possible, share),
        evidence=Phrase(
            "Splitting the same budget over %(n)s campaigns by their response curves would "
            "bring %(gain)s more results.",
            n=campaigns,
            gain=Num(gain, ".0%"),
        ),
        figures={"expected_current": current, "expected_recommended": recommended, "gain": gain},
        next_step=Phrase(
            "Follow the budget split of the response curves (Ads, Budget): %(gain)s more "
            "results for the same spend.",
            gain=Num(gain, ".0%"),
        )
        if share < 1
        else None,
    )


# -- online marketing ----------------------------------------------------------------------------
T_UTM_SOCIAL = Phrase("UTM coverage of social traffic")
T_UTM_ADS = Phrase("Ad campaigns tagged")
T_OBJECTIVES = Phrase("Plan objectives with content and KPIs")
T_SEARCH = Phrase("Search topics without posts")


def utm_social(social_sessions: float, tagged_sessions: float, possible: float = 20) -> Check:
    if social_sessions <= 0:
        return not_judged(
            "utm_social",
            T_UTM_SOCIAL,
            possible,
            Phrase("No website sessions from social media in the analytics data."),
        )
    share = min(1.0, tagged_sessions / social_sessions)
    return Check(
        key="utm_social",
        title=T_UTM_SOCIAL,
        possible=possible,
        points=_pts(possible, share),
        evidence=Phrase(
            "%(share)s of %(n)s website sessions from social media carry a UTM campaign.",
            share=Num(share, ".0%"),
            n=Num(social_sessions, ",.0f"),
        ),
        figures={"social_sessions": social_sessions, "tagged_sessions": tagged_sessions},
        next_step=Phrase(
            "Tag the links in organic posts with UTM parameters (Marketing, Links): "
            "%(share)s of social sessions cannot be traced to a post or campaign.",
            share=Num(1 - share, ".0%"),
        )
        if share < 1
        else None,
    )


def utm_ads(campaigns: Sequence[tuple[str, float, bool]], possible: float = 15) -> Check:
    """(campaign, clicks, tagged): the share of ad clicks whose traffic GA4 can name."""
    clicks = sum(c for _n, c, _t in campaigns)
    if not campaigns or clicks <= 0:
        return not_judged(
            "utm_ads",
            T_UTM_ADS,
            possible,
            Phrase("No ad campaigns with clicks next to analytics data."),
        )
    untagged = [(n, c) for n, c, t in campaigns if not t]
    lost = sum(c for _n, c in untagged)
    share = 1 - lost / clicks
    return Check(
        key="utm_ads",
        title=T_UTM_ADS,
        possible=possible,
        points=_pts(possible, share),
        evidence=Phrase(
            "%(k)s of %(n)s ad campaigns send traffic without UTM tags: %(share)s of the "
            "ad clicks.",
            k=len(untagged),
            n=len(campaigns),
            share=Num(lost / clicks, ".0%"),
        ),
        figures={"clicks": clicks, "untagged_clicks": lost},
        items=tuple(n for n, _c in sorted(untagged, key=lambda x: -x[1])),
        next_step=Phrase(
            "Add UTM tags to the ads of %(campaigns)s: their visits now count as direct traffic.",
            campaigns=_names(n for n, _c in sorted(untagged, key=lambda x: -x[1])),
        )
        if untagged
        else None,
    )


def plan_objectives(
    objectives: Sequence[tuple[str, bool, bool]], has_plan: bool, possible: float = 30
) -> Check:
    """(objective, has content, has a KPI): the share of objectives that have both."""
    if not has_plan or not objectives:
        return not_judged(
            "plan_objectives",
            T_OBJECTIVES,
            possible,
            Phrase("No marketing plan with objectives yet."),
        )
    lacking = [name for name, content, kpi in objectives if not (content and kpi)]
    share = 1 - len(lacking) / len(objectives)
    return Check(
        key="plan_objectives",
        title=T_OBJECTIVES,
        possible=possible,
        points=_pts(possible, share),
        evidence=Phrase(
            "%(k)s of %(n)s plan objectives have both content and a KPI.",
            k=len(objectives) - len(lacking),
            n=len(objectives),
        ),
        figures={"objectives": len(objectives), "lacking": len(lacking)},
        items=tuple(lacking),
        next_step=Phrase(
            "Give these objectives posts or campaigns and a KPI: %(names)s.",
            names=_names(lacking),
        )
        if lacking
        else None,
    )


def search_gaps(
    topics: Sequence[tuple[str, float, str]], total_impressions: float, possible: float = 35
) -> Check:
    """(topic, impressions, status): points for the share of query impressions NOT in topics
    that people search for and no post covers ("gap")."""
    if not topics or total_impressions <= 0:
        return not_judged(
            "search_gaps",
            T_SEARCH,
            possible,
            Phrase("No search queries next to the posts (Search Console)."),
        )
    gaps = sorted(((n, i) for n, i, s in topics if s == "gap"), key=lambda x: -x[1])
    gap = sum(i for _n, i in gaps)
    share = gap / total_impressions
    return Check(
        key="search_gaps",
        title=T_SEARCH,
        possible=possible,
        points=_pts(possible, 1 - share),
        evidence=Phrase(
            "%(k)s search topics without posts hold %(share)s of %(n)s search impressions.",
            k=len(gaps),
            share=Num(share, ".0%"),
            n=Num(total_impressions, ",.0f"),
        ),
        figures={"gap_impressions": gap, "impressions": total_impressions, "share": share},
        items=tuple(n for n, _i in gaps),
        next_step=Phrase(
            "Post about what people search for and you never post about: %(topics)s.",
            topics=_names(n for n, _i in gaps),
        )
        if gaps
        else None,
    )


# -- analytics -----------------------------------------------------------------------------------
T_GOALS = Phrase("Goals set with a steering metric")
T_TRACK = Phrase("Objectives on track")
T_FRESH = Phrase("Data freshness per platform")


def goals_set(has_data: bool, active: int, ended: int, possible: float = 30) -> Check:
    """Full points with a goal running today, a third with only goals that ended."""
    if not has_data:
        return not_judged("goals_set", T_GOALS, possible, Phrase("No data to set goals on."))
    share = 1.0 if active else (1 / 3 if ended else 0.0)
    return Check(
        key="goals_set",
        title=T_GOALS,
        possible=possible,
        points=_pts(possible, share),
        evidence=Phrase(
            "%(a)s goals run today, %(e)s have ended.",
            a=active,
            e=ended,
        ),
        figures={"active": active, "ended": ended},
        next_step=Phrase(
            "Set a goal for this period with the metric you steer on (Analytics, Goals)."
        )
        if not active
        else None,
    )


def on_track(statuses: Sequence[tuple[str, str]], possible: float = 35) -> Check:
    """(goal, status) of the goals running today: on-track counts 1, at-risk 1/2."""
    judged = [(n, s) for n, s in statuses if s in ("on-track", "at-risk", "off-track")]
    if not judged:
        return not_judged(
            "on_track",
            T_TRACK,
            possible,
            Phrase("No running goal has enough data for a forecast."),
        )
    worth = {"on-track": 1.0, "at-risk": 0.5, "off-track": 0.0}
    share = sum(worth[s] for _n, s in judged) / len(judged)
    behind = [n for n, s in judged if s != "on-track"]
    return Check(
        key="on_track",
        title=T_TRACK,
        possible=possible,
        points=_pts(possible, share),
        evidence=Phrase(
            "%(k)s of %(n)s running goals are on track, %(r)s at risk.",
            k=sum(1 for _n, s in judged if s == "on-track"),
            n=len(judged),
            r=sum(1 for _n, s in judged if s == "at-risk"),
        ),
        figures={"goals": len(judged), "share": share},
        items=tuple(behind),
        next_step=Phrase("Act on the goals that fall behind: %(names)s.", names=_names(behind))
        if behind
        else None,
    )


def freshness(last: dict[str, dt.date], today: dt.date, possible: float = 35) -> Check:
    """Per platform, days since its last data: at most FRESH_DAYS full, at most STALE_DAYS
    half, older none; the points are the platforms' average."""
    if not last:
        return not_judged("freshness", T_FRESH, possible, Phrase("No data imported yet."))
    ages = {p: max(0, (today - d).days) for p, d in last.items()}

    def worth(age: int) -> float:
        return 1.0 if age <= FRESH_DAYS else 0.5 if age <= STALE_DAYS else 0.0

    share = sum(worth(a) for a in ages.values()) / len(ages)
    stale = sorted((p for p, a in ages.items() if a > FRESH_DAYS), key=lambda p: -ages[p])
    return Check(
        key="freshness",
        title=T_FRESH,
        possible=possible,
        points=_pts(possible, share),
        evidence=Phrase(
            "%(k)s of %(n)s platforms have data from the last %(days)s days; the oldest "
            "ends %(age)s days ago.",
            k=len(ages) - len(stale),
            n=len(ages),
            days=FRESH_DAYS,
            age=max(ages.values()),
        ),
        figures={"platforms": len(ages), "stale": len(stale), "oldest_days": max(ages.values())},
        items=tuple(stale),
        next_step=Phrase(
            "Import or sync fresh data for %(platforms)s.", platforms=_platform_names(stale)
        )
        if stale
        else None,
    )


__all__ = [
    "SKILLS",
    "AccountMix",
    "Audit",
    "CampaignSpend",
    "Check",
    "SkillScore",
    "TestSize",
    "alt_text",
    "budget_curves",
    "fatigue_left",
    "freshness",
    "goals_set",
    "labels_set",
    "level_of",
    "media_mix",
    "negative_handled",
    "next_steps",
    "not_judged",
    "on_track",
    "plan_objectives",
    "response_rate",
    "response_time",
    "score_of",
    "search_gaps",
    "skill_score",
    "spend_steered",
    "tests_sized",
    "utm_ads",
    "utm_social",
    "weak_types",
]
