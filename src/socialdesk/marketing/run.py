"""The marketing analyses as the faces call them: read through queries.py, compute with the
pure modules. Each function takes a Session and plain values; none runs SQL itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from socialdesk.marketing import queries
from socialdesk.marketing.calendar import Clash, Match, PillarGap, clashes, gaps, match_posts
from socialdesk.marketing.coverage import (
    CoverageResult,
    TargetCoverage,
    assign,
    campaign_totals,
    coverage,
    link_sessions,
    target_coverage,
)
from socialdesk.marketing.plan import Finding, Plan, check_plan, plan_from_dict, plan_to_dict
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
from socialdesk.marketing.utm import UtmLink, UtmRules, build_utm

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
    posts = queries.posts(session, workspace_id, start, end)
    result = search_gaps(
        q, posts, pages, paid, settings, brand=queries.account_names(session, workspace_id)
    )
    if notes:
        from dataclasses import replace

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


def coverage_for(
    session: Session,
    workspace_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    metric: str = "engagements",
) -> CoverageResult:
    _v, plan = current_plan(session, workspace_id)
    tags = queries.tags(session, workspace_id)
    return coverage(
        queries.posts(session, workspace_id, start, end),
        tags,
        queries.plan_items(session, workspace_id),
        plan,
        metric,
        campaigns=campaign_coverage(session, workspace_id, plan, tags, start, end),
        links=link_coverage(session, workspace_id, plan, tags, start, end),
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
    if kind == "post" and ids:
        posts = queries.posts(session, workspace_id)
        posts = posts[posts["post_id"].isin(ids)]
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

    rows = [
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
        for r in frame.itertuples(index=False)
    ]
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
    _v, plan = current_plan(session, workspace_id)
    lo = dt.datetime.combine(start, dt.time())
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    items = queries.plan_items(session, workspace_id, lo, hi)
    posts = queries.posts(session, workspace_id, start, end)
    days: dict[str, list[dt.date]] = {}
    for r in items.dropna(subset=["pillar", "scheduled_at"]).itertuples(index=False):
        if r.status != "idea":
            days.setdefault(str(r.pillar), []).append(pd.Timestamp(r.scheduled_at).date())
    if not posts.empty:
        given = assign(posts, queries.tags(session, workspace_id), items, plan)
        for pid, pillar in zip(given["post_id"], given["pillar"], strict=True):
            if pillar:
                when = posts.loc[posts["post_id"] == pid, "published_at"].iloc[0]
                days.setdefault(str(pillar), []).append(pd.Timestamp(when).date())
    return CalendarCheck(
        start,
        end,
        items,
        clashes(items),
        gaps(days, [p.key for p in plan.pillars], start, end, gap_days),
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


__all__ = [
    "TAG_KINDS",
    "CalendarCheck",
    "TagRow",
    "calendar_check",
    "campaign_coverage",
    "coverage_for",
    "current_plan",
    "link_coverage",
    "make_link",
    "match_calendar",
    "plan_findings",
    "save_plan",
    "search_gaps_for",
    "set_tags",
    "site_for",
    "tag_rows",
    "tagging_for",
]
