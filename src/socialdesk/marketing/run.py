"""The marketing skill's seam: (session, workspace, typed parameters) -> a frozen result.

The web pages and the CLI call these and only these: each reads through `queries`, computes
with the skill's pure modules and returns a result that the faces render (and serialise with
`socialdesk.results.plain`: the `.json` twins and `--json` print the same fields). None of them
runs SQL itself. The lower-level helpers at the top (current_plan, search_gaps_for, site_for,
...) serve the seam functions further down, the demo and the reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.orm import Session

from socialdesk.marketing import queries
from socialdesk.marketing.calendar import (
    TIMEZONE,
    Clash,
    Match,
    NonexistentTime,
    PillarGap,
    can_move,
    clashes,
    gaps,
    match_posts,
    meta_bulk_neutralised,
    to_csv,
    to_ics,
    to_meta_bulk_csv,
    to_utc,
)
from socialdesk.marketing.coverage import (
    CoverageResult,
    TargetCoverage,
    assign,
    campaign_totals,
    coverage,
    link_sessions,
    target_coverage,
)
from socialdesk.marketing.plan import (
    Audience,
    Finding,
    Objective,
    Plan,
    PlanInvalid,
    check_plan,
    plan_from_dict,
    plan_to_dict,
    to_yaml,
)
from socialdesk.marketing.queries import ITEM_PLATFORMS, item_platform
from socialdesk.marketing.search import (
    SearchGapSettings,
    SearchGapsResult,
    pick_periods,
    search_gaps,
)
from socialdesk.marketing.site import (
    CampaignTagging,
    SiteContribution,
    pick_report,
    site_contribution,
    untagged_campaigns,
)
from socialdesk.marketing.utm import UtmLink, UtmRules, build_utm, check_link
from socialdesk.model import PLAN_ITEM_STATUSES

EMPTY_PLAN = Plan(name="Plan")


def current_plan(session: Session, workspace_id: int) -> tuple[int, Plan]:
    """(version, plan) in force; (0, an empty plan) when none was saved yet."""
    found = queries.load_plan(session, workspace_id)
    if found is None:
        return 0, EMPTY_PLAN
    return found[0], plan_from_dict(found[1])


def save_plan(
    session: Session, workspace_id: int, plan: Plan, saved_by: str, note: str | None = None
) -> int:
    return queries.save_plan(session, workspace_id, plan_to_dict(plan), saved_by, note)


def plan_findings(
    session: Session, workspace_id: int, today: dt.date | None = None
) -> tuple[Finding, ...]:
    from socialdesk.catalogue import metric_names

    _v, plan = current_plan(session, workspace_id)
    return check_plan(plan, metric_names(), today)


def search_gaps_for(
    session: Session,
    workspace_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    settings: SearchGapSettings | None = None,
) -> SearchGapsResult:
    """Search demand next to the posts of the same window (default: all data)."""
    rows = queries.search_rows(session, workspace_id, ("query", "page", "search_term"), start, end)
    rows, notes = pick_periods(rows)
    q = rows[(rows["dimension"] == "query") & (rows["platform"] == "search_console")]
    pages = rows[(rows["dimension"] == "page") & (rows["platform"] == "search_console")]
    paid = rows[rows["dimension"] == "search_term"]
    result = search_gaps(
        q,
        lambda: queries.post_batches(session, workspace_id, start, end),  # read in batches
        pages,
        paid,
        settings,
        brand=queries.account_names(session, workspace_id),
    )
    if notes:
        result = replace(result, notes=(*result.notes, *notes))
    return result


def site_for(
    session: Session, workspace_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> SiteContribution:
    _v, plan = current_plan(session, workspace_id)
    pillars = {c.name: c.pillar for c in plan.campaigns if c.pillar}
    links = queries.links(session, workspace_id)
    items = queries.plan_items(session, workspace_id)
    if not links.empty and not items.empty:
        by_item = items.set_index("id")["pillar"].dropna()
        r: Any  # a row: its columns' types, which pandas-stubs can't know
        for r in links.dropna(subset=["utm_campaign", "plan_item_id"]).itertuples(index=False):
            pillar = by_item.get(int(r.plan_item_id))
            if pillar:
                pillars.setdefault(str(r.utm_campaign), str(pillar))
    return site_contribution(queries.web_rows(session, workspace_id, start, end), pillars)


def tagging_for(
    session: Session, workspace_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[CampaignTagging, ...]:
    return untagged_campaigns(
        queries.web_rows(session, workspace_id, start, end),
        queries.ad_rows(session, workspace_id, start, end),
    )


def _fingerprint(frame: pd.DataFrame) -> str:
    """A hash of a frame's content (a row changed in place changes it)."""
    import hashlib

    if frame.empty:
        return ""
    try:
        raw = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    except TypeError:  # cells pandas cannot hash (lists, dicts): their JSON
        raw = frame.to_json(date_format="iso", default_handler=str).encode()
    return hashlib.sha256(raw).hexdigest()


def coverage_for(
    session: Session,
    workspace_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    metric: str = "engagements",
) -> CoverageResult:
    from socialdesk.model import Account, AdDay, Campaign, MarketingLink, Post, PostMetrics, WebDay
    from socialdesk.store.memo import memo

    version, plan = current_plan(session, workspace_id)
    tags = queries.tags(session, workspace_id)
    items = queries.plan_items(session, workspace_id)

    def compute() -> CoverageResult:
        return coverage(
            queries.post_batches(session, workspace_id, start, end),
            tags,
            items,
            plan,
            metric,
            campaigns=campaign_coverage(session, workspace_id, plan, tags, start, end),
            links=link_coverage(session, workspace_id, plan, tags, start, end),
        )

    # kept per data version, plan version and the tags and plan items as they are now (their
    # content's hash: a tag changed in place counts): every post's pillar by its keywords
    # takes half a minute at a million posts
    state = (version, _fingerprint(tags), _fingerprint(items))
    return memo(
        session,
        workspace_id,
        "marketing.coverage",
        (start, end, metric, *state),
        (Account, Post, PostMetrics, Campaign, AdDay, MarketingLink, WebDay),
        compute,
    )


def campaign_coverage(
    session: Session,
    workspace_id: int,
    plan: Plan,
    tags: pd.DataFrame,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> TargetCoverage | None:
    """Spend and link clicks per objective, audience and pillar (None: no campaigns)."""
    camps = queries.campaigns(session, workspace_id)
    if camps.empty:
        return None
    totals = campaign_totals(queries.ad_rows(session, workspace_id, start, end))
    t = camps.merge(
        totals[["campaign_id", "spend", "clicks"]], how="left", left_on="id", right_on="campaign_id"
    )
    frame = pd.DataFrame(
        {"id": t["id"], "name": t["name"], "effort": t["spend"], "result": t["clicks"]}
    )
    by_name = {
        c.name: {"objective": c.objective, "pillar": c.pillar, "audience": c.audience}
        for c in plan.campaigns
    }
    return target_coverage("campaign", frame, tags, plan, "spend", "link_clicks", by_name)


def link_coverage(
    session: Session,
    workspace_id: int,
    plan: Plan,
    tags: pd.DataFrame,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> TargetCoverage | None:
    """Links and their GA4 sessions per objective, audience and pillar (None: no links)."""
    links = queries.links(session, workspace_id)
    if links.empty:
        return None
    web, _report, _notes = pick_report(queries.web_rows(session, workspace_id, start, end))
    sessions = link_sessions(links, web)
    frame = pd.DataFrame(
        {
            "id": links["id"],
            "name": links["utm_campaign"],
            "effort": 1.0,
            "result": links["id"].astype(int).map(sessions).to_numpy(),
        }
    )
    by_name = {
        c.name: {"objective": c.objective, "pillar": c.pillar, "audience": c.audience}
        for c in plan.campaigns
    }
    return target_coverage("link", frame, tags, plan, "links", "sessions", by_name)


TAG_KINDS = ("post", "campaign", "link")


def set_tags(
    session: Session,
    workspace_id: int,
    kind: str,
    target_id: int,
    values: dict[str, str | None],
    set_by: str,
) -> dict[str, str | None]:
    """Tie a post, campaign or link to an objective, audience and pillar of the plan in force.

    `values` holds the dimensions to change ('' or None removes a tie). ValueError when a
    value is not a key of the plan, LookupError when the target does not exist."""
    if kind not in TAG_KINDS:
        raise ValueError(f"{kind!r} is not one of {', '.join(TAG_KINDS)}")
    if not queries.target_exists(session, workspace_id, kind, target_id):
        raise LookupError(f"there is no {kind} {target_id}")
    _v, plan = current_plan(session, workspace_id)
    known = {
        "objective": {o.key for o in plan.objectives},
        "audience": {a.key for a in plan.audiences},
        "pillar": {p.key for p in plan.pillars},
    }
    for dim, value in values.items():
        if dim not in known:
            raise ValueError(f"{dim!r} is not one of objective, audience, pillar")
        if value and value not in known[dim]:
            choices = ", ".join(sorted(known[dim])) or "none: add one to the plan first"
            raise ValueError(f"{dim} {value!r} is not in the plan (choose from {choices})")
    for dim, value in values.items():
        queries.set_tag(session, workspace_id, kind, target_id, dim, value or None, set_by)
    return values


@dataclass(frozen=True)
class TagRow:
    kind: str
    id: int
    label: str
    detail: str | None
    platform: str | None
    when: str | None
    tags: dict[str, str]  # dimension -> value set by a person
    suggested: dict[str, str]  # dimension -> value from the plan item or the keyword rule


def tag_rows(
    session: Session,
    workspace_id: int,
    kind: str,
    *,
    untagged_only: bool = True,
    target_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[TagRow], int]:
    """A page of targets to tag with their ties and, for posts, what coverage would count them
    to without a tag (the plan item they were matched to, or the pillar's keywords)."""
    frame, total = queries.tag_targets(
        session,
        workspace_id,
        kind,
        untagged_only=untagged_only,
        target_id=target_id,
        limit=limit,
        offset=offset,
    )
    ids = [int(i) for i in frame["id"]]
    set_now = queries.tags_of(session, workspace_id, kind, ids)
    suggested: dict[int, dict[str, str]] = {}
    _v, plan = current_plan(session, workspace_id)
    r: Any  # a row: its columns' types, which pandas-stubs can't know
    if kind == "post" and ids:
        posts = queries.posts(session, workspace_id, post_ids=ids)  # only the page's posts
        given = assign(posts, pd.DataFrame(), queries.plan_items(session, workspace_id), plan)
        for r in given.to_dict("records"):
            suggested[int(r["post_id"])] = {
                d: r[d] for d in ("objective", "audience", "pillar") if isinstance(r[d], str)
            }
    elif kind in ("campaign", "link") and ids:
        by_name = {c.name: c for c in plan.campaigns}
        for r in frame.itertuples(index=False):
            c = by_name.get(str(r.label if kind == "campaign" else r.detail))
            if c is not None:
                suggested[int(r.id)] = {
                    d: v
                    for d, v in (
                        ("objective", c.objective),
                        ("audience", c.audience),
                        ("pillar", c.pillar),
                    )
                    if v
                }

    def text(v: object) -> str | None:
        return None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)

    rows: list[TagRow] = []
    for r in frame.itertuples(index=False):
        rows.append(
            TagRow(
                kind,
                int(r.id),
                text(r.label) or "",
                text(r.detail),
                text(r.platform),
                None if r.when is None or str(r.when) in ("NaT", "nan") else str(r.when)[:16],
                set_now.get(int(r.id), {}),
                suggested.get(int(r.id), {}),
            )
        )
    return rows, total


@dataclass(frozen=True)
class CalendarCheck:
    start: dt.date
    end: dt.date
    items: pd.DataFrame
    clashes: tuple[Clash, ...]
    gaps: tuple[PillarGap, ...]


def calendar_check(
    session: Session, workspace_id: int, start: dt.date, end: dt.date, gap_days: int = 21
) -> CalendarCheck:
    """The window's plan items, their clashes, and the pillars' gaps (items and posts)."""
    from socialdesk.model import Account, Post, PostMetrics
    from socialdesk.store.memo import memo

    version, plan = current_plan(session, workspace_id)
    lo = dt.datetime.combine(start, dt.time())
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    items = queries.plan_items(session, workspace_id, lo, hi)
    tags = queries.tags(session, workspace_id)

    def compute() -> CalendarCheck:
        # a month of an agency's posts (tens of thousands, with their texts for the pillars'
        # keywords): read and assigned once per data version, plan and tags (~0.8 s at 1M)
        posts = queries.posts(session, workspace_id, start, end)
        days: dict[str, list[dt.date]] = {}
        r: Any  # a row: its columns' types, which pandas-stubs can't know
        for r in items.dropna(subset=["pillar", "scheduled_at"]).itertuples(index=False):
            if r.status != "idea":
                days.setdefault(str(r.pillar), []).append(pd.Timestamp(r.scheduled_at).date())
        if not posts.empty:
            given = assign(posts, tags, items, plan)
            published = dict(zip(posts["post_id"], posts["published_at"], strict=True))
            for pid, pillar in zip(given["post_id"], given["pillar"], strict=True):
                if pillar:
                    days.setdefault(str(pillar), []).append(pd.Timestamp(published[pid]).date())
        return CalendarCheck(
            start,
            end,
            items,
            clashes(items),
            gaps(days, [p.key for p in plan.pillars], start, end, gap_days),
        )

    state = (version, _fingerprint(tags), _fingerprint(items))
    return memo(
        session,
        workspace_id,
        "marketing.calendar_check",
        (start, end, gap_days, *state),
        (Account, Post, PostMetrics),
        compute,
        slot=False,  # one month's posts: small, no slot needed
    )


def match_calendar(session: Session, workspace_id: int, apply: bool = True) -> tuple[Match, ...]:
    """Match imported posts to open plan items; with `apply`, store the matches."""
    items = queries.plan_items(session, workspace_id)
    if items.empty:
        return ()
    start = (
        pd.Timestamp(items["scheduled_at"].dropna().min()).date() - dt.timedelta(days=2)
        if items["scheduled_at"].notna().any()
        else None
    )
    posts = queries.posts(session, workspace_id, start, None)
    found = match_posts(items, posts)
    if apply:
        for m in found:
            queries.match_item_to_post(session, workspace_id, m.item_id, m.post_id, m.score)
    return found


def make_link(
    session: Session,
    workspace_id: int,
    url: str,
    *,
    source: str,
    medium: str,
    campaign: str,
    content: str | None = None,
    term: str | None = None,
    save: bool = False,
    created_by: str | None = None,
    plan_item_id: int | None = None,
) -> UtmLink:
    """A UTM link by the plan's rules; saved to the links table when `save` and valid."""
    _v, plan = current_plan(session, workspace_id)
    rules: UtmRules = plan.utm_rules()
    link = build_utm(
        url,
        source=source,
        medium=medium,
        campaign=campaign,
        content=content,
        term=term,
        rules=rules,
    )
    if save and link.ok:
        queries.save_link(
            session,
            workspace_id,
            url=link.url,
            base_url=link.base_url,
            params=link.params,
            created_by=created_by,
            plan_item_id=plan_item_id,
        )
    return link


# == the seam: what the faces ask ===========================================================
# -- search next to social -------------------------------------------------------------------
@dataclass(frozen=True)
class SearchResult:
    """Search demand next to the posts of the same window (/marketing, `search-gaps`)."""

    start: dt.date | None  # None: from the first data
    end: dt.date | None  # None: to the last data
    search: SearchGapsResult
    gaps: tuple[str, ...]  # the keys of the topics nobody posts about, biggest first


def search(
    session: Session, workspace_id: int, *, start: dt.date | None = None, end: dt.date | None = None
) -> SearchResult:
    from socialdesk.model import Account, Post, PostMetrics, SearchPerformance
    from socialdesk.store.memo import memo

    # kept per data version: reading the topics of an agency's million posts takes seconds
    found = memo(
        session,
        workspace_id,
        "marketing.search",
        (start, end),
        (Account, Post, PostMetrics, SearchPerformance),
        lambda: search_gaps_for(session, workspace_id, start, end),
    )
    return SearchResult(start=start, end=end, search=found, gaps=tuple(t.key for t in found.gaps))


# -- the site --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SiteResult:
    """What social brings to the site, and the ad campaigns each matched to its GA4 campaign
    or found untagged (/marketing/site, `site`)."""

    start: dt.date | None
    end: dt.date | None
    site: SiteContribution
    campaigns: tuple[CampaignTagging, ...]


def site(
    session: Session, workspace_id: int, *, start: dt.date | None = None, end: dt.date | None = None
) -> SiteResult:
    return SiteResult(
        start=start,
        end=end,
        site=site_for(session, workspace_id, start, end),
        campaigns=tuple(tagging_for(session, workspace_id, start, end)),
    )


# -- the plan --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanVersion:
    version: int
    saved_by: str
    saved_at: dt.datetime | None  # UTC
    note: str | None


@dataclass(frozen=True)
class PlanVersions:
    """The saved versions of the plan, newest first (`plan versions`)."""

    versions: tuple[PlanVersion, ...]


def _versions(session: Session, workspace_id: int) -> tuple[PlanVersion, ...]:
    rows: Any = queries.plan_versions(session, workspace_id).to_dict("records")
    return tuple(
        PlanVersion(
            version=int(r["version"]),
            saved_by=str(r["saved_by"]),
            saved_at=None
            if pd.isna(r["saved_at"])
            else pd.Timestamp(r["saved_at"]).to_pydatetime(),
            note=_text(r["note"]),
        )
        for r in rows
    )


def plan_versions(session: Session, workspace_id: int) -> PlanVersions:
    return PlanVersions(versions=_versions(session, workspace_id))


def _objective_row(o: Objective) -> dict[str, Any]:
    return {
        "key": o.key,
        "name": o.name,
        "goal": o.goal,
        "metric": o.metric,
        "target": o.target,
        "target_kind": o.target_kind,
        "start": o.start,
        "due": o.due,
        "unit": o.unit,
        "platform": o.platform,
        "audiences": list(o.audiences),
        "channels": list(o.channels),
    }


def _audience_row(a: Audience) -> dict[str, Any]:
    return {
        "key": a.key,
        "name": a.name,
        "description": a.description,
        "platforms": list(a.platforms),
        "interests": list(a.interests),
    }


@dataclass(frozen=True)
class PlanResult:
    """The plan in force, what keeps it from being checkable, and the share of effort and
    results per objective, audience and pillar (/marketing/plan, `plan show`)."""

    version: int  # the version in force (0: no plan yet)
    name: str
    plan: dict[str, Any]  # the plan as a document (what `plan import` reads as YAML)
    yaml: str  # the same as YAML
    findings: tuple[Finding, ...]
    coverage: CoverageResult
    versions: tuple[PlanVersion, ...]
    goals: tuple[dict[str, str], ...]
    objectives: tuple[dict[str, Any], ...]  # every objective with its goal (for the forms)
    audiences: tuple[dict[str, Any], ...]
    metrics: tuple[str, ...]  # the metrics of the catalogue an objective can count


def plan(
    session: Session,
    workspace_id: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    metric: str = "engagements",
    today: dt.date | None = None,
) -> PlanResult:
    """The plan in force with its findings (as of `today`) and its coverage: posts from
    `start` to `end` (default: all), results counted in `metric`."""
    from socialdesk.catalogue import metric_names

    version, in_force = current_plan(session, workspace_id)
    return PlanResult(
        version=version,
        name=in_force.name,
        plan=plan_to_dict(in_force),
        yaml=to_yaml(in_force),
        findings=tuple(check_plan(in_force, metric_names(), today or dt.date.today())),
        coverage=coverage_for(session, workspace_id, start, end, metric),
        versions=_versions(session, workspace_id),
        goals=tuple({"key": g.key, "name": g.name} for g in in_force.goals),
        objectives=tuple(_objective_row(o) for o in in_force.objectives),
        audiences=tuple(_audience_row(a) for a in in_force.audiences),
        metrics=tuple(sorted(metric_names())),
    )


@dataclass(frozen=True)
class CoverageAnswer:
    """Share of the effort and of the results per objective, audience and pillar
    (`plan coverage`; the plan page shows the same under `coverage`)."""

    start: dt.date | None
    end: dt.date | None
    coverage: CoverageResult


def plan_coverage(
    session: Session,
    workspace_id: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    metric: str = "engagements",
) -> CoverageAnswer:
    return CoverageAnswer(
        start=start, end=end, coverage=coverage_for(session, workspace_id, start, end, metric)
    )


@dataclass(frozen=True)
class PlanSaved:
    """A plan saved as a new version, with what keeps it from being checkable."""

    version: int
    name: str
    objectives: int
    audiences: int
    pillars: int
    findings: tuple[Finding, ...]


def save_plan_version(
    session: Session,
    workspace_id: int,
    new: Plan,
    *,
    saved_by: str,
    note: str | None = None,
    today: dt.date | None = None,
) -> PlanSaved:
    """Save `new` as the next version of the plan."""
    from socialdesk.catalogue import metric_names

    version = save_plan(session, workspace_id, new, saved_by, note)
    return PlanSaved(
        version=version,
        name=new.name,
        objectives=len(new.objectives),
        audiences=len(new.audiences),
        pillars=len(new.pillars),
        findings=tuple(check_plan(new, metric_names(), today or dt.date.today())),
    )


def change_plan(
    session: Session,
    workspace_id: int,
    change: Callable[[Plan], Plan],
    *,
    saved_by: str,
    note: str | None = None,
) -> PlanSaved:
    """Apply `change(plan) -> plan` to the plan in force and save the outcome as the next
    version (PlanInvalid, from `change`, says what is wrong; nothing is saved then)."""
    _v, in_force = current_plan(session, workspace_id)
    return save_plan_version(session, workspace_id, change(in_force), saved_by=saved_by, note=note)


# -- tags --------------------------------------------------------------------------------------
TAGS_PAGE_SIZE = 50


@dataclass(frozen=True)
class TagsResult:
    """Posts, campaigns or links with their objective, audience and pillar, a page at a time
    (/marketing/tags)."""

    kind: str  # post, campaign or link
    show: str  # untagged (no tag at all) or all
    total: int  # how many there are in all (this kind, this filter)
    page: int
    pages: int
    rows: tuple[TagRow, ...]
    untagged: dict[str, int]  # per kind, how many have no tag at all
    objectives: tuple[tuple[str, str], ...]  # (key, name) of the plan
    audiences: tuple[tuple[str, str], ...]
    pillars: tuple[tuple[str, str], ...]


def tag_list(
    session: Session,
    workspace_id: int,
    *,
    kind: str = "post",
    show: str = "untagged",
    target_id: int | None = None,
    page: int = 1,
) -> TagsResult:
    """ValueError when `kind` is not one of TAG_KINDS."""
    if kind not in TAG_KINDS:
        raise ValueError(f"{kind!r} is not one of {', '.join(TAG_KINDS)}")
    untagged_only = show != "all" and target_id is None
    page = max(page, 1)
    rows, total = tag_rows(
        session,
        workspace_id,
        kind,
        untagged_only=untagged_only,
        target_id=target_id,
        limit=TAGS_PAGE_SIZE,
        offset=(page - 1) * TAGS_PAGE_SIZE,
    )
    counts = {k: queries.tag_targets(session, workspace_id, k, limit=0)[1] for k in TAG_KINDS}
    _v, in_force = current_plan(session, workspace_id)
    return TagsResult(
        kind=kind,
        show="untagged" if untagged_only else "all",
        total=total,
        page=page,
        pages=max(1, -(-total // TAGS_PAGE_SIZE)),
        rows=tuple(rows),
        untagged=counts,
        objectives=tuple((o.key, o.name) for o in in_force.objectives),
        audiences=tuple((a.key, a.name) for a in in_force.audiences),
        pillars=tuple((p.key, p.name) for p in in_force.pillars),
    )


@dataclass(frozen=True)
class Tagged:
    """A post, campaign or link and its ties after a change (`plan tag`)."""

    kind: str
    id: int
    tags: dict[str, str]


def tag(
    session: Session,
    workspace_id: int,
    kind: str,
    target_id: int,
    values: Mapping[str, str | None],
    *,
    set_by: str,
) -> Tagged:
    """set_tags, then the target's ties as they are now (ValueError, LookupError as there)."""
    set_tags(session, workspace_id, kind, target_id, dict(values), set_by)
    now = queries.tags_of(session, workspace_id, kind, [target_id]).get(target_id, {})
    return Tagged(kind=kind, id=target_id, tags=dict(now))


# -- the calendar --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CalendarItem:
    id: int
    title: str
    status: str
    platform: str | None
    date: dt.date | None  # local date (Europe/Amsterdam)
    time: str | None  # local time HH:MM
    pillar: str | None
    objective: str | None
    audience: str | None
    owner: str | None
    text: str | None
    link: str | None
    post_id: int | None
    approved_by: str | None
    next_statuses: tuple[str, ...]
    # where it goes out and how far it got: network, status, url, post_id, error
    publications: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class CalendarPost:
    """A post that went out that day (published from the calendar, synced or imported)."""

    id: int
    platform: str
    time: str  # local HH:MM ("" when the source gives the day only)
    text: str  # the first words
    permalink: str | None


DAY_POSTS = 3  # posts shown in one day's cell; the rest is counted
SNIPPET = 40  # characters of a post's text shown in the cell


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    in_month: bool
    items: tuple[CalendarItem, ...]
    posts: tuple[CalendarPost, ...] = ()
    more_posts: int = 0


def _text(v: object) -> str | None:
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def _item(r: Any) -> CalendarItem:
    local = None
    if r.scheduled_at is not None and not pd.isna(r.scheduled_at):
        local = (
            pd.Timestamp(r.scheduled_at)
            .to_pydatetime()
            .replace(tzinfo=dt.UTC)
            .astimezone(ZoneInfo(TIMEZONE))
        )
    post_id = None if r.post_id is None or pd.isna(r.post_id) else int(r.post_id)
    return CalendarItem(
        id=int(r.id),
        title=str(r.title),
        status=str(r.status),
        platform=_text(r.platform),
        date=local.date() if local else None,
        time=local.strftime("%H:%M") if local else None,
        pillar=_text(r.pillar),
        objective=_text(r.objective),
        audience=_text(r.audience),
        owner=_text(r.owner),
        text=_text(r.text),
        link=_text(r.link),
        post_id=post_id,
        approved_by=_text(r.approved_by),
        next_statuses=tuple(
            s for s in PLAN_ITEM_STATUSES if s != r.status and can_move(r.status, s)
        ),
    )


def _undated(session: Session, workspace_id: int) -> tuple[CalendarItem, ...]:
    everything = queries.plan_items(session, workspace_id)
    return tuple(i for i in map(_item, everything.itertuples(index=False)) if i.date is None)


@dataclass(frozen=True)
class CalendarMonth:
    """A month of plan items with clashes and pillar gaps (/marketing/calendar,
    `calendar list --month`)."""

    month: str  # YYYY-MM
    previous: str
    next: str
    weeks: tuple[tuple[CalendarDay, ...], ...]  # Monday first; days outside the month too
    undated: tuple[CalendarItem, ...]
    clashes: tuple[Clash, ...]
    gaps: tuple[PillarGap, ...]
    statuses: tuple[str, ...] = PLAN_ITEM_STATUSES


def _with_publications(
    session: Session, workspace_id: int, items: list[CalendarItem]
) -> list[CalendarItem]:
    found = queries.publications_of(session, workspace_id, [i.id for i in items])
    return [replace(i, publications=tuple(found.get(i.id, ()))) for i in items]


def _posts_by_day(
    session: Session,
    workspace_id: int,
    first: dt.date,
    last: dt.date,
    items: list[CalendarItem],
) -> dict[dt.date, tuple[list[CalendarPost], int]]:
    """The posts that went out on each day of the window, on the workspace's own clock, oldest
    first: at most DAY_POSTS per day, with the number left out; a post a plan item stands for
    is shown on its item's card instead."""
    planned = {i.post_id for i in items if i.post_id is not None}
    for i in items:
        planned.update(p["post_id"] for p in i.publications if p.get("post_id"))
    frame = queries.day_posts(
        session, workspace_id, first, last, DAY_POSTS, sorted(planned), snippet=SNIPPET * 4
    )
    out: dict[dt.date, tuple[list[CalendarPost], int]] = {}
    r: Any
    for r in frame.itertuples(index=False):
        if r.published_at is None or pd.isna(r.published_at):
            continue
        local = pd.Timestamp(r.published_at).to_pydatetime()  # posts keep the wall clock
        words = " ".join(str(_text(r.text) or _text(r.title) or "").split())
        posts, _more = out.get(local.date(), ([], 0))
        posts.append(
            CalendarPost(
                id=int(r.post_id),
                platform=str(r.platform),
                # an export with dates only (LinkedIn's) gives midnight: no time then
                time="" if (local.hour, local.minute) == (0, 0) else local.strftime("%H:%M"),
                text=words[:SNIPPET] + ("…" if len(words) > SNIPPET else ""),
                permalink=_text(r.permalink),
            )
        )
        out[local.date()] = (posts, max(0, int(r.day_n) - DAY_POSTS))
    return out


def calendar_start(session: Session, workspace_id: int, today: dt.date | None = None) -> dt.date:
    """The month the calendar opens on: this month when it holds a plan item or a post, else
    the last month that does (this month when there is nothing at all)."""
    first = (today or dt.date.today()).replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    in_month, last = queries.calendar_data(session, workspace_id, first, nxt)
    if in_month or last is None:
        return first
    return pd.Timestamp(last).date().replace(day=1)


def calendar_month(
    session: Session, workspace_id: int, *, month: dt.date | None = None
) -> CalendarMonth:
    """The month holding `month` (default: calendar_start, this month or the last with data):
    its plan items and, marked apart, the posts that went out (at most DAY_POSTS a day)."""
    first = (month or calendar_start(session, workspace_id)).replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    last = nxt - dt.timedelta(days=1)
    check = calendar_check(session, workspace_id, first, last)
    items = _with_publications(
        session, workspace_id, [_item(r) for r in check.items.itertuples(index=False)]
    )
    by_day = _posts_by_day(session, workspace_id, first, last, items)
    weeks: list[list[CalendarDay]] = []
    day = first - dt.timedelta(days=first.weekday())
    while day <= last or day.weekday() != 0:
        if day.weekday() == 0:
            weeks.append([])
        posts, more = by_day.get(day, ([], 0))
        weeks[-1].append(
            CalendarDay(
                date=day,
                in_month=day.month == first.month,
                items=tuple(i for i in items if i.date == day),
                posts=tuple(posts),
                more_posts=more,
            )
        )
        day += dt.timedelta(days=1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    return CalendarMonth(
        month=first.strftime("%Y-%m"),
        previous=prev.strftime("%Y-%m"),
        next=nxt.strftime("%Y-%m"),
        weeks=tuple(tuple(w) for w in weeks),
        undated=_undated(session, workspace_id),
        clashes=check.clashes,
        gaps=check.gaps,
    )


@dataclass(frozen=True)
class WeekHour:
    """One hour row of the week view: per day (Monday first) the items starting in it."""

    hour: int
    time: str  # HH:00, local
    cells: tuple[tuple[CalendarItem, ...], ...]


@dataclass(frozen=True)
class CalendarWeek:
    """A week of plan items, one column per day and one row per hour
    (/marketing/calendar/week, `calendar list --week`)."""

    week: str  # ISO week, YYYY-Www
    start: dt.date  # Monday
    end: dt.date  # Sunday
    previous: str  # Monday of the week before
    next: str
    month: str  # YYYY-MM of the month view holding the Monday
    days: tuple[CalendarDay, ...]
    hours: tuple[WeekHour, ...]
    undated: tuple[CalendarItem, ...]
    clashes: tuple[Clash, ...]
    clashing: tuple[int, ...]  # ids of the items in a clash
    statuses: tuple[str, ...] = PLAN_ITEM_STATUSES


FIRST_HOUR, LAST_HOUR = 8, 20  # the rows always shown; earlier or later items add rows


def calendar_week(
    session: Session, workspace_id: int, *, day: dt.date | None = None
) -> CalendarWeek:
    """The week (Monday to Sunday) holding `day` (default: today)."""
    day = day or dt.date.today()
    monday = day - dt.timedelta(days=day.weekday())
    sunday = monday + dt.timedelta(days=6)
    check = calendar_check(session, workspace_id, monday - dt.timedelta(days=1), sunday)
    items = [_item(r) for r in check.items.itertuples(index=False)]
    items = [i for i in items if i.date is not None and monday <= i.date <= sunday]
    items = _with_publications(session, workspace_id, items)
    dates = [monday + dt.timedelta(days=k) for k in range(7)]
    days = tuple(
        CalendarDay(date=d, in_month=True, items=tuple(i for i in items if i.date == d))
        for d in dates
    )
    used = [int(i.time[:2]) for i in items if i.time]
    lo, hi = min([FIRST_HOUR, *used]), max([LAST_HOUR, *used])
    hours = tuple(
        WeekHour(
            hour=h,
            time=f"{h:02d}:00",
            cells=tuple(tuple(i for i in d.items if i.time and int(i.time[:2]) == h) for d in days),
        )
        for h in range(lo, hi + 1)
    )
    iso = monday.isocalendar()
    first, last = monday.isoformat(), sunday.isoformat()
    found = tuple(c for c in check.clashes if first <= c.hour[:10] <= last)
    return CalendarWeek(
        week=f"{iso.year}-W{iso.week:02d}",
        start=monday,
        end=sunday,
        previous=(monday - dt.timedelta(days=7)).isoformat(),
        next=(monday + dt.timedelta(days=7)).isoformat(),
        month=monday.strftime("%Y-%m"),
        days=days,
        hours=hours,
        undated=_undated(session, workspace_id),
        clashes=found,
        clashing=tuple(sorted({n for c in found for n in c.items})),
    )


@dataclass(frozen=True)
class CalendarWindow:
    """The plan items from `start` to `end` (and those without a date), their clashes and the
    pillars' gaps (`calendar list --start --end`)."""

    start: dt.date
    end: dt.date
    items: tuple[CalendarItem, ...]
    clashes: tuple[Clash, ...]
    gaps: tuple[PillarGap, ...]


def calendar_window(
    session: Session, workspace_id: int, *, start: dt.date, end: dt.date
) -> CalendarWindow:
    check = calendar_check(session, workspace_id, start, end)
    return CalendarWindow(
        start=start,
        end=end,
        items=tuple(_item(r) for r in check.items.itertuples(index=False)),
        clashes=check.clashes,
        gaps=check.gaps,
    )


@dataclass(frozen=True)
class CalendarExport:
    """The calendar as a file: ICS (a calendar app subscribes), CSV, or Meta's bulk upload.
    `neutralised`: the Meta bulk file's cells that got a leading ' to stay text in a
    spreadsheet (a post text that starts with = + - @ arrives in Meta with it)."""

    format: str
    items: int
    content: bytes | str
    neutralised: int = 0


EXPORT_FORMATS = ("ics", "csv", "meta")


def export_calendar(
    session: Session, workspace_id: int, fmt: str, *, name: str = "socialdesk"
) -> CalendarExport:
    """ValueError when `fmt` is not one of EXPORT_FORMATS."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use ics, csv or meta")
    items = queries.plan_items(session, workspace_id)
    content: bytes | str
    neutralised = 0
    if fmt == "ics":
        content = to_ics(items, name=name)
    elif fmt == "csv":
        content = to_csv(items)
    else:
        content = to_meta_bulk_csv(items)
        neutralised = meta_bulk_neutralised(items)
    return CalendarExport(format=fmt, items=len(items), content=content, neutralised=neutralised)


class ItemNotFound(LookupError):
    """There is no plan item with this id in the workspace."""


class CannotMove(ValueError):
    """A plan item moves one step forward, or back to draft or idea."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(
            f"an item cannot go from {current} to {wanted}: one step forward, or back to draft "
            "or idea"
        )
        self.current, self.wanted = current, wanted


class GoesOutBySchedule(CannotMove):
    """The item has accounts to publish on: it is scheduled through the checks (the Schedule
    button, `socialdesk calendar schedule`) and published by the worker, not moved there."""

    def __init__(self, current: str, wanted: str) -> None:
        ValueError.__init__(
            self,
            f"an item with accounts to publish on goes to {wanted} through the checks: use "
            "the Schedule button or `socialdesk calendar schedule`",
        )
        self.current, self.wanted = current, wanted


class NotADraft(ValueError):
    """Only a draft can be approved."""


@dataclass(frozen=True)
class PlanItemSaved:
    """A plan item after a change."""

    id: int
    status: str
    scheduled_at: dt.datetime | None  # as stored: UTC, without a time zone


def add_plan_item(
    session: Session,
    workspace_id: int,
    *,
    title: str,
    created_by: str,
    status: str = "idea",
    at: dt.datetime | None = None,
    platform: str | None = None,
    pillar: str | None = None,
    objective: str | None = None,
    audience: str | None = None,
    owner: str | None = None,
    text: str | None = None,
    link: str | None = None,
) -> PlanItemSaved:
    """Add a plan item; `at` is the local (Europe/Amsterdam) date and time. ValueError names
    an unknown status."""
    when = to_utc(at) if at else None
    item_id = queries.add_item(
        session,
        workspace_id,
        title=title,
        created_by=created_by,
        status=status,
        platform=platform,
        scheduled_at=when,
        pillar=pillar,
        objective=objective,
        audience=audience,
        owner=owner,
        text=text,
        link=link,
    )
    return PlanItemSaved(id=item_id, status=status, scheduled_at=when)


def move_plan_item(
    session: Session,
    workspace_id: int,
    item_id: int,
    *,
    status: str | None = None,
    at: dt.datetime | None = None,
    on: dt.date | None = None,
) -> PlanItemSaved:
    """Move a plan item to another status (CannotMove when the step is not allowed) and/or
    another time: `at` a local date and time, or `on` a local date at the item's own time of
    day (09:00 when it had none). ItemNotFound when there is no such item."""
    item = queries.get_item(session, workspace_id, item_id)
    if item is None:
        raise ItemNotFound(item_id)
    changes: dict[str, Any] = {}
    if on is not None and at is None:
        keep = dt.time(9, 0)
        if item.scheduled_at is not None:
            keep = item.scheduled_at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(TIMEZONE)).time()
        at = dt.datetime.combine(on, keep.replace(second=0, microsecond=0))
    if at is not None:
        changes["scheduled_at"] = to_utc(at)
    if status:
        if not can_move(item.status, status):
            raise CannotMove(item.status, status)
        if status in ("idea", "draft", "review"):
            changes.update(approved_by=None, approved_at=None)  # an approval is not kept
        counts = queries.publication_counts(session, item_id)
        unsent = sum(n for st, n in counts.items() if st != "published")
        if status in ("scheduled", "published") and status != item.status and unsent:
            raise GoesOutBySchedule(item.status, status)
        changes["status"] = status
    moved = queries.update_item(session, workspace_id, item_id, **changes)
    return PlanItemSaved(id=item_id, status=moved.status, scheduled_at=moved.scheduled_at)


REVIEW_DECISIONS = ("approve", "reject", "comment")


def review_plan_item(
    session: Session,
    workspace_id: int,
    item_id: int,
    *,
    decision: str,
    by: str,
    comment: str = "",
) -> PlanItemSaved:
    """A stakeholder approves a draft (NotADraft otherwise), sends it back to draft, or only
    comments; a comment given is kept with the decision. ItemNotFound when there is no item."""
    if decision not in REVIEW_DECISIONS:
        raise ValueError(f"{decision!r} is not one of {', '.join(REVIEW_DECISIONS)}")
    item = queries.get_item(session, workspace_id, item_id)
    if item is None:
        raise ItemNotFound(item_id)
    if decision == "approve":
        if item.status != "draft":
            raise NotADraft(item_id)
        queries.update_item(
            session,
            workspace_id,
            item_id,
            status="approved",
            approved_by=by,
            approved_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
    elif decision == "reject":
        if item.status not in ("review", "approved", "scheduled", "failed"):
            raise CannotMove(item.status, "draft")
        queries.update_item(
            session, workspace_id, item_id, status="draft", approved_by=None, approved_at=None
        )
    if decision != "comment" or comment.strip():
        queries.add_comment(session, workspace_id, item_id, by, comment.strip(), kind=decision)
    return PlanItemSaved(id=item_id, status=item.status, scheduled_at=item.scheduled_at)


@dataclass(frozen=True)
class Matches:
    """Imported posts matched to their plan items (by link, time and text)."""

    stored: bool
    matches: tuple[Match, ...]


def match(session: Session, workspace_id: int, *, apply: bool = True) -> Matches:
    return Matches(stored=apply, matches=tuple(match_calendar(session, workspace_id, apply)))


# -- links -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinksResult:
    """The UTM link built from the parameters (if asked) and the saved links, each checked
    against the plan's rules (/marketing/links, `utm`)."""

    built: UtmLink | None  # the link built from the parameters, if a URL was given
    sources: tuple[str, ...]  # what the plan's rules allow
    mediums: tuple[str, ...]
    campaigns: tuple[str, ...]
    links: tuple[dict[str, Any], ...]  # the links table, newest first
    checks: tuple[UtmLink, ...]  # every saved link checked against the rules
    error: str | None = None  # why no link could be built


def links(
    session: Session,
    workspace_id: int,
    *,
    url: str = "",
    source: str = "",
    medium: str = "",
    campaign: str = "",
    content: str | None = None,
    term: str | None = None,
) -> LinksResult:
    _v, in_force = current_plan(session, workspace_id)
    rules = in_force.utm_rules()
    built, error = None, None
    if url:
        try:
            built = make_link(
                session,
                workspace_id,
                url,
                source=source,
                medium=medium,
                campaign=campaign,
                content=content or None,
                term=term or None,
            )
        except ValueError as exc:
            error = str(exc)
    rows = tuple(
        {str(k): v for k, v in r.items()}
        for r in queries.links(session, workspace_id).to_dict("records")
    )
    return LinksResult(
        built=built,
        sources=rules.sources,
        mediums=rules.mediums,
        campaigns=rules.campaigns,
        links=rows,
        checks=tuple(check_link(r["url"], rules) for r in rows),
        error=error,
    )


def save_link(
    session: Session,
    workspace_id: int,
    url: str,
    *,
    source: str,
    medium: str,
    campaign: str,
    content: str | None = None,
    term: str | None = None,
    created_by: str | None = None,
) -> UtmLink:
    """Build the link by the plan's rules and keep it in the links table when it breaks none
    (ValueError when no link can be built; the problems are on the link)."""
    return make_link(
        session,
        workspace_id,
        url,
        source=source,
        medium=medium,
        campaign=campaign,
        content=content or None,
        term=term or None,
        save=True,
        created_by=created_by,
    )


@dataclass(frozen=True)
class LinkChecks:
    """Links checked against the plan's naming rules (`utm-check`)."""

    checks: tuple[UtmLink, ...]


def check_links(
    session: Session, workspace_id: int, urls: tuple[str, ...] | list[str]
) -> LinkChecks:
    _v, in_force = current_plan(session, workspace_id)
    rules = in_force.utm_rules()
    return LinkChecks(checks=tuple(check_link(u, rules) for u in urls))


__all__ = [
    "EXPORT_FORMATS",
    "ITEM_PLATFORMS",
    "REVIEW_DECISIONS",
    "TAGS_PAGE_SIZE",
    "TAG_KINDS",
    "CalendarCheck",
    "CalendarDay",
    "CalendarExport",
    "CalendarItem",
    "CalendarMonth",
    "CalendarWeek",
    "CalendarWindow",
    "CannotMove",
    "CoverageAnswer",
    "ItemNotFound",
    "LinkChecks",
    "LinksResult",
    "Matches",
    "NonexistentTime",
    "NotADraft",
    "PlanInvalid",
    "PlanItemSaved",
    "PlanResult",
    "PlanSaved",
    "PlanVersion",
    "PlanVersions",
    "SearchResult",
    "SiteResult",
    "TagRow",
    "Tagged",
    "TagsResult",
    "WeekHour",
    "add_plan_item",
    "calendar_check",
    "calendar_month",
    "calendar_start",
    "calendar_week",
    "calendar_window",
    "campaign_coverage",
    "change_plan",
    "check_links",
    "coverage_for",
    "current_plan",
    "export_calendar",
    "item_platform",
    "link_coverage",
    "links",
    "make_link",
    "match",
    "match_calendar",
    "move_plan_item",
    "plan",
    "plan_coverage",
    "plan_findings",
    "plan_versions",
    "review_plan_item",
    "save_link",
    "save_plan",
    "save_plan_version",
    "search",
    "search_gaps_for",
    "set_tags",
    "site",
    "site_for",
    "tag",
    "tag_list",
    "tag_rows",
    "tagging_for",
]
