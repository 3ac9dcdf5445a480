"""The marketing plan: goals -> objectives -> audiences -> channels -> KPIs, plus content
pillars and the link rules, as a document the tool can check.

The plan is a plain document (YAML for `socialdesk plan export/import`, JSON in the database,
one row per saved version). Everything refers to everything else by `key` (lower case, a-z,
0-9, _ and -). Example:

    name: Stichting Groen Dak 2026
    goals:
      - key: meer_vrijwilligers
        name: Meer vrijwilligers
        objectives:
          - key: aanmeldingen_voorjaar
            name: 150 aanmeldingen voor de vrijwilligersdag
            metric: conversions          # a metric of the catalogue
            target: 150
            start: 2026-03-01              # counted from (default: 1 January of the due year)
            due: 2026-05-31
            unit: aanmeldingen             # the word for what is counted (default: the metric)
            platform: null                 # count one platform only (default: all)
            audiences: [natuurliefhebbers]
            channels: [instagram, facebook]
            kpis: [link_clicks, sessions]
            analytics_goal: null          # the analytics goal it was moved from, if any

An objective with a metric, a target and a date is a goal: /analytics/goals and the plan
page show its progress against its target and a forecast (socialdesk.analytics.goals). Its
target is a total (150) or, with `target_kind: change`, a relative change against the same
number of days before `start` (0.2 = +20%).
    audiences:
      - key: natuurliefhebbers
        name: Natuurliefhebbers 18-45
        platforms: [instagram, tiktok]
        interests: [natuur, vrijwilligerswerk]
    pillars:
      - key: vrijwilligers
        name: Vrijwilligers aan het werk
        keywords: ["#vrijwilligers", vrijwilliger]
        objectives: [aanmeldingen_voorjaar]
    campaigns:
      - name: vrijwilligers_voorjaar_2026
        objective: aanmeldingen_voorjaar
        pillar: vrijwilligers
    links:
      sources: [facebook, instagram, linkedin, nieuwsbrief]
      mediums: [social, paid_social, email]

A malformed document raises PlanInvalid with every problem at once; a well-formed plan that
is not yet SMART (an objective without a target or a date, a KPI not in the catalogue, an
audience no objective serves) gets `check_plan` findings instead, so it can still be saved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from socialdesk.errors import SocialdeskError
from socialdesk.marketing.utm import UtmRules
from socialdesk.phrases import Phrase

KEY = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
CHANNELS = (
    "facebook",
    "instagram",
    "linkedin",
    "x",
    "tiktok",
    "youtube",
    "pinterest",
    "threads",
    "bluesky",
    "mastodon",
    "whatsapp",
    "email",
    "website",
    "seo",
    "sea",
    "meta_ads",
    "google_ads",
    "linkedin_ads",
)


class PlanInvalid(SocialdeskError):
    """The plan document is malformed; `problems` lists every place, each with what to do."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("the plan cannot be read:\n  - " + "\n  - ".join(problems))


@dataclass(frozen=True)
class Objective:
    key: str
    name: str
    goal: str
    metric: str | None = None
    target: float | None = None
    due: dt.date | None = None
    audiences: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    kpis: tuple[str, ...] = ()
    analytics_goal: str | None = None
    start: dt.date | None = None  # counted from; None: 1 January of the due year
    platform: str | None = None  # count this platform only; None: all
    unit: str | None = None  # the word for what is counted ("aanmeldingen"); None: the metric
    target_kind: str = "total"  # total | change (target 0.2 = +20% on the period before)

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """The days counted towards the target: `start` (or 1 January of the due year) to
        `due`; None without a due date."""
        if self.due is None:
            return None
        start = self.start or dt.date(self.due.year, 1, 1)
        return (min(start, self.due), self.due)

    @property
    def trackable(self) -> bool:
        """Whether progress can be counted: a metric, a target and a date."""
        return bool(self.metric) and self.target is not None and self.due is not None


TARGET_KINDS = ("total", "change")


@dataclass(frozen=True)
class PlanGoal:
    key: str
    name: str
    objectives: tuple[Objective, ...] = ()


@dataclass(frozen=True)
class Audience:
    key: str
    name: str
    description: str = ""
    platforms: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pillar:
    key: str
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanCampaign:
    name: str
    objective: str | None = None
    pillar: str | None = None
    audience: str | None = None


@dataclass(frozen=True)
class Plan:
    name: str
    goals: tuple[PlanGoal, ...] = ()
    audiences: tuple[Audience, ...] = ()
    pillars: tuple[Pillar, ...] = ()
    campaigns: tuple[PlanCampaign, ...] = ()
    links: UtmRules = field(default_factory=UtmRules)

    @property
    def objectives(self) -> tuple[Objective, ...]:
        return tuple(o for g in self.goals for o in g.objectives)

    def objective(self, key: str) -> Objective | None:
        return next((o for o in self.objectives if o.key == key), None)

    def utm_rules(self) -> UtmRules:
        """The link rules, with the plan's campaigns as the allowed campaign names."""
        if self.links.campaigns or not self.campaigns:
            return self.links
        return UtmRules(
            self.links.sources,
            self.links.mediums,
            tuple(c.name for c in self.campaigns),
            self.links.separator,
        )


@dataclass(frozen=True)
class Finding:
    """What a check found: `where` and `message` are Phrases (English text, Dutch when shown)."""

    where: str
    severity: str  # error | warning
    message: str


# -- reading -----------------------------------------------------------------------------
def _list(d: dict[str, Any], key: str, where: str, problems: list[str]) -> list[Any]:
    v = d.get(key) or []
    if not isinstance(v, list):
        problems.append(f"{where}.{key}: expected a list, got {type(v).__name__}")
        return []
    return v


def _strs(d: dict[str, Any], key: str, where: str, problems: list[str]) -> tuple[str, ...]:
    return tuple(str(x).strip() for x in _list(d, key, where, problems) if str(x).strip())


def _key(d: dict[str, Any], where: str, problems: list[str], seen: set[str]) -> str:
    key = str(d.get("key") or "").strip()
    if not KEY.match(key):
        problems.append(f"{where}.key: {key!r} is not a key (lower case a-z, 0-9, _ and -)")
    elif key in seen:
        problems.append(f"{where}.key: {key!r} is used twice")
    seen.add(key)
    return key


def _date(value: Any, where: str, problems: list[str]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date (write YYYY-MM-DD)")
        return None


def _number(value: Any, where: str, problems: list[str]) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        problems.append(f"{where}: {value!r} is not a number")
        return None


def _kind(value: Any, where: str, problems: list[str]) -> str:
    kind = str(value or "total").strip()
    if kind not in TARGET_KINDS:
        problems.append(f"{where}: {value!r} is not total or change")
    return kind


def plan_from_dict(doc: dict[str, Any]) -> Plan:
    """A Plan from its document; PlanInvalid lists every structural problem."""
    problems: list[str] = []
    if not isinstance(doc, dict):
        raise PlanInvalid(["the plan must be a mapping with name, goals, audiences, pillars"])
    goal_keys: set[str] = set()
    objective_keys: set[str] = set()
    audience_keys: set[str] = set()
    pillar_keys: set[str] = set()
    goals = []
    for i, g in enumerate(_list(doc, "goals", "plan", problems)):
        w = f"goals[{i}]"
        if not isinstance(g, dict):
            problems.append(f"{w}: expected a mapping")
            continue
        gkey = _key(g, w, problems, goal_keys)
        objectives = []
        for j, o in enumerate(_list(g, "objectives", w, problems)):
            ow = f"{w}.objectives[{j}]"
            if not isinstance(o, dict):
                problems.append(f"{ow}: expected a mapping")
                continue
            objectives.append(
                Objective(
                    key=_key(o, ow, problems, objective_keys),
                    name=str(o.get("name") or o.get("key") or ""),
                    goal=gkey,
                    metric=(str(o["metric"]).strip() if o.get("metric") else None),
                    target=_number(o.get("target"), f"{ow}.target", problems),
                    due=_date(o.get("due"), f"{ow}.due", problems),
                    audiences=_strs(o, "audiences", ow, problems),
                    channels=tuple(c.lower() for c in _strs(o, "channels", ow, problems)),
                    kpis=_strs(o, "kpis", ow, problems),
                    analytics_goal=(str(o["analytics_goal"]) if o.get("analytics_goal") else None),
                    start=_date(o.get("start"), f"{ow}.start", problems),
                    platform=(str(o["platform"]).strip().lower() if o.get("platform") else None),
                    unit=(str(o["unit"]).strip() if o.get("unit") else None),
                    target_kind=_kind(o.get("target_kind"), f"{ow}.target_kind", problems),
                )
            )
        goals.append(PlanGoal(gkey, str(g.get("name") or gkey), tuple(objectives)))
    audiences = []
    for i, a in enumerate(_list(doc, "audiences", "plan", problems)):
        w = f"audiences[{i}]"
        if not isinstance(a, dict):
            problems.append(f"{w}: expected a mapping")
            continue
        audiences.append(
            Audience(
                _key(a, w, problems, audience_keys),
                str(a.get("name") or a.get("key") or ""),
                str(a.get("description") or ""),
                tuple(p.lower() for p in _strs(a, "platforms", w, problems)),
                _strs(a, "interests", w, problems),
            )
        )
    pillars = []
    for i, p in enumerate(_list(doc, "pillars", "plan", problems)):
        w = f"pillars[{i}]"
        if not isinstance(p, dict):
            problems.append(f"{w}: expected a mapping")
            continue
        pillars.append(
            Pillar(
                _key(p, w, problems, pillar_keys),
                str(p.get("name") or p.get("key") or ""),
                str(p.get("description") or ""),
                _strs(p, "keywords", w, problems),
                _strs(p, "objectives", w, problems),
            )
        )
    campaigns = []
    for i, c in enumerate(_list(doc, "campaigns", "plan", problems)):
        w = f"campaigns[{i}]"
        if not isinstance(c, dict) or not c.get("name"):
            problems.append(f"{w}: expected a mapping with a name")
            continue
        campaigns.append(
            PlanCampaign(
                str(c["name"]).strip(), c.get("objective"), c.get("pillar"), c.get("audience")
            )
        )
    links = doc.get("links")
    if links is not None and not isinstance(links, dict):
        problems.append("plan.links: expected a mapping with sources, mediums")
        links = None
    if problems:
        raise PlanInvalid(problems)
    return Plan(
        str(doc.get("name") or "Plan"),
        tuple(goals),
        tuple(audiences),
        tuple(pillars),
        tuple(campaigns),
        UtmRules.from_dict(links),
    )


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as its document (dates as ISO text), the inverse of plan_from_dict."""

    def objective(o: Objective) -> dict[str, Any]:
        d: dict[str, Any] = {
            "key": o.key,
            "name": o.name,
            "metric": o.metric,
            "target": o.target,
        }
        if o.target_kind != "total":
            d["target_kind"] = o.target_kind
        if o.start is not None:
            d["start"] = o.start.isoformat()
        d["due"] = o.due.isoformat() if o.due else None
        if o.unit:
            d["unit"] = o.unit
        if o.platform:
            d["platform"] = o.platform
        d.update(
            audiences=list(o.audiences),
            channels=list(o.channels),
            kpis=list(o.kpis),
            analytics_goal=o.analytics_goal,
        )
        return d

    return {
        "name": plan.name,
        "goals": [
            {"key": g.key, "name": g.name, "objectives": [objective(o) for o in g.objectives]}
            for g in plan.goals
        ],
        "audiences": [
            {
                "key": a.key,
                "name": a.name,
                "description": a.description,
                "platforms": list(a.platforms),
                "interests": list(a.interests),
            }
            for a in plan.audiences
        ],
        "pillars": [
            {
                "key": p.key,
                "name": p.name,
                "description": p.description,
                "keywords": list(p.keywords),
                "objectives": list(p.objectives),
            }
            for p in plan.pillars
        ],
        "campaigns": [
            {"name": c.name, "objective": c.objective, "pillar": c.pillar, "audience": c.audience}
            for c in plan.campaigns
        ],
        "links": plan.links.to_dict(),
    }


def to_yaml(plan: Plan) -> str:
    import yaml

    return yaml.safe_dump(plan_to_dict(plan), sort_keys=False, allow_unicode=True, width=100)


def from_yaml(text: str) -> Plan:
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PlanInvalid([f"not valid YAML: {exc}"]) from exc
    return plan_from_dict(doc or {})


# -- editing by form ----------------------------------------------------------------------
def put_objective(
    plan: Plan, goal_key: str, objective: Objective, goal_name: str | None = None
) -> Plan:
    """The plan with `objective` added to goal `goal_key` or, when an objective with its key
    exists, replaced (moved to `goal_key` when that differs). A goal that does not exist yet is
    created with `goal_name`. PlanInvalid when a key is malformed."""
    problems = []
    if not KEY.match(goal_key):
        problems.append(f"goal key {goal_key!r} is not a key (lower case a-z, 0-9, _ and -)")
    if not KEY.match(objective.key):
        problems.append(
            f"objective key {objective.key!r} is not a key (lower case a-z, 0-9, _ and -)"
        )
    if not objective.name.strip():
        problems.append("the objective needs a name")
    if problems:
        raise PlanInvalid(problems)
    o = replace(objective, goal=goal_key)
    goals = []
    placed = False
    for g in plan.goals:
        kept = tuple(x for x in g.objectives if x.key != o.key)
        if g.key == goal_key:
            at = next((i for i, x in enumerate(g.objectives) if x.key == o.key), len(kept))
            kept = (*kept[:at], o, *kept[at:])
            placed = True
        goals.append(replace(g, objectives=kept))
    if not placed:
        goals.append(PlanGoal(goal_key, (goal_name or "").strip() or goal_key, (o,)))
    return replace(plan, goals=tuple(goals))


def put_audience(plan: Plan, audience: Audience) -> Plan:
    """The plan with `audience` added, or replacing the audience with its key."""
    if not KEY.match(audience.key):
        raise PlanInvalid(
            [f"audience key {audience.key!r} is not a key (lower case a-z, 0-9, _ and -)"]
        )
    if not audience.name.strip():
        raise PlanInvalid(["the audience needs a name"])
    found = any(a.key == audience.key for a in plan.audiences)
    audiences = tuple(audience if a.key == audience.key else a for a in plan.audiences)
    return replace(plan, audiences=audiences if found else (*plan.audiences, audience))


# -- checking ----------------------------------------------------------------------------
def check_plan(
    plan: Plan, metric_names: tuple[str, ...] | None = None, today: dt.date | None = None
) -> tuple[Finding, ...]:
    """What keeps the plan from being checkable: SMART gaps and dangling references."""
    out: list[Finding] = []
    audiences = {a.key for a in plan.audiences}
    objectives = {o.key for o in plan.objectives}
    pillars = {p.key for p in plan.pillars}
    if not plan.objectives:
        out.append(
            Finding(Phrase("plan"), "error", Phrase("no objectives: add at least one to a goal"))
        )
    for g in plan.goals:
        if not g.objectives:
            out.append(
                Finding(Phrase("goal %(key)s", key=g.key), "warning", Phrase("has no objectives"))
            )
    for o in plan.objectives:
        w = Phrase("objective %(key)s", key=o.key)
        if o.target is None:
            out.append(Finding(w, "error", Phrase("has no target: say how much (measurable)")))
        if o.due is None:
            out.append(Finding(w, "error", Phrase("has no date: say by when (time-bound)")))
        elif today is not None and o.due < today:
            out.append(
                Finding(w, "warning", Phrase("its date %(due)s has passed", due=o.due.isoformat()))
            )
        if o.start is not None and o.due is not None and o.start > o.due:
            out.append(Finding(w, "error", Phrase("starts after its date")))
        if not o.metric:
            out.append(Finding(w, "error", Phrase("has no metric: say what is counted")))
        for m in (o.metric, *o.kpis):
            if m and metric_names is not None and m not in metric_names:
                out.append(
                    Finding(
                        w,
                        "warning",
                        Phrase("%(metric)s is not a metric of the catalogue", metric=repr(m)),
                    )
                )
        for a in o.audiences:
            if a not in audiences:
                out.append(
                    Finding(w, "error", Phrase("audience %(key)s is not in the plan", key=repr(a)))
                )
        if not o.audiences:
            out.append(Finding(w, "warning", Phrase("names no audience")))
        if not o.channels:
            out.append(Finding(w, "warning", Phrase("names no channel")))
        for c in o.channels:
            if c not in CHANNELS:
                out.append(
                    Finding(
                        w, "warning", Phrase("channel %(key)s is not a known channel", key=repr(c))
                    )
                )
    served = {a for o in plan.objectives for a in o.audiences}
    for audience in plan.audiences:
        if audience.key not in served:
            out.append(
                Finding(
                    Phrase("audience %(key)s", key=audience.key),
                    "warning",
                    Phrase("no objective serves it"),
                )
            )
    for p in plan.pillars:
        for objective in p.objectives:
            if objective not in objectives:
                out.append(
                    Finding(
                        Phrase("pillar %(key)s", key=p.key),
                        "error",
                        Phrase("objective %(key)s is not in the plan", key=repr(objective)),
                    )
                )
        if not p.keywords:
            out.append(
                Finding(
                    Phrase("pillar %(key)s", key=p.key),
                    "warning",
                    Phrase("has no keywords: untagged posts cannot be counted to it"),
                )
            )
    for campaign in plan.campaigns:
        if campaign.objective and campaign.objective not in objectives:
            out.append(
                Finding(
                    Phrase("campaign %(name)s", name=campaign.name),
                    "error",
                    Phrase("objective %(key)s is not in the plan", key=repr(campaign.objective)),
                )
            )
        if campaign.pillar and campaign.pillar not in pillars:
            out.append(
                Finding(
                    Phrase("campaign %(name)s", name=campaign.name),
                    "error",
                    Phrase("pillar %(key)s is not in the plan", key=repr(campaign.pillar)),
                )
            )
    return tuple(out)


__all__ = [
    "Audience",
    "Finding",
    "Objective",
    "Pillar",
    "Plan",
    "PlanCampaign",
    "PlanGoal",
    "PlanInvalid",
    "check_plan",
    "from_yaml",
    "plan_from_dict",
    "plan_to_dict",
    "put_audience",
    "put_objective",
    "to_yaml",
]
