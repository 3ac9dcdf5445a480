"""The analytics skill's seam: (session, workspace, typed parameters) -> a frozen result.

The web pages, their `.json` twins and the CLI call the functions of the seam section at the
end (`catalogue`, `metric_info`, `kpi_report`, `tree_report`, `goals_report`, `platforms`,
`anomaly_report`, `best_times_report`, and `add_goal` / `remove_goal`); each resolves its
period, reads through queries.py, computes with the pure modules and returns a frozen result
that the faces render and serialise with `socialdesk.results.plain`. None of them runs SQL
itself. The building blocks above them take a Slice and serve the seam and the tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

import pandas as pd
from sqlalchemy.orm import Session

from socialdesk.analytics import queries
from socialdesk.analytics.anomalies import (
    HISTORY,
    QUIET_DAYS,
    AnomalyResult,
    DayAnomaly,
    PostAnomaly,
    Skipped,
    anomalies,
)
from socialdesk.analytics.anomalies import (
    account_days as account_days,  # re-exported: the faces count unusual days with it
)
from socialdesk.analytics.best_times import PlatformTimes, best_times
from socialdesk.analytics.goals import Goal, GoalStatus, new_goal, track
from socialdesk.analytics.kpi_tree import TREES, TreeChange, decompose, factor_label
from socialdesk.analytics.kpis import (
    UNIT_NAMES,
    KpiResult,
    KpiValue,
    domain_for,
    domains_for,
    group_label,
    growth_estimate,
    kpi_from_sums,
    pairs_for,
)
from socialdesk.analytics.queries import Slice
from socialdesk.catalogue import Metric, get_metric
from socialdesk.catalogue import metrics as all_metrics
from socialdesk.model import Account, AccountDay, AdDay, Post, PostMetrics
from socialdesk.store.memo import memo


def default_window(
    session: Session, workspace_id: int, days: int, end: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The last `days` days up to `end` (default: the last day with data, else today)."""
    if end is None:
        found = queries.data_window(session, workspace_id)
        end = found[1] if found else dt.date.today()
    return end - dt.timedelta(days=days - 1), end


def kpi(
    session: Session,
    workspace_id: int,
    metric_name: str,
    sl: Slice,
    group_by: Sequence[str] = (),
    domain: str | None = None,
) -> KpiResult:
    """`metric_name` for the slice, per group, with its sample size and interval."""
    metric = get_metric(metric_name)
    if not metric.available:
        return KpiResult(
            metric=metric.name,
            domain="",
            unit_name="",
            formula=metric.formula,
            start=sl.start.isoformat(),
            end=sl.end.isoformat(),
            values=(),
            note="not enough data: this metric needs data socialdesk does not import yet",
        )
    first = domain_for(metric, sl.platform, domain)
    dom = first
    values: list[KpiValue] = []
    # a group key: a value or a tuple of the group columns' values (account_id is an int),
    # which pandas-stubs types as Hashable
    key: Any
    if metric.kind == "growth":
        frame = queries.followers_by_day(session, workspace_id, sl)
        keys = [g for g in group_by if g in ("platform", "account")]
        col = {"account": "account_id", "platform": "platform"}
        parts = frame.groupby([col[k] for k in keys]) if keys else [((), frame)]
        for key, g in parts:
            key = key if isinstance(key, tuple) else (key,)
            by_day = g.groupby("day")["followers"].agg(["sum", "count"])
            total = by_day[by_day["count"] == g["account_id"].nunique()]["sum"]
            est, daily = growth_estimate(list(total.index), list(total.to_numpy()))
            label = {k: (int(v) if k == "account" else v) for k, v in zip(keys, key, strict=True)}
            values.append(
                KpiValue(
                    metric=metric.name,
                    group=label,
                    value=est,
                    domain=dom,
                    numerator=float(total.iloc[-1]) if len(total) else None,
                    denominator=float(total.iloc[0]) if len(total) else None,
                    units=len(total),
                    detail={"daily_rate": daily},
                )
            )
        return KpiResult(
            metric=metric.name,
            domain=dom,
            unit_name="days",
            formula=metric.formula,
            start=sl.start.isoformat(),
            end=sl.end.isoformat(),
            values=tuple(values),
        )
    frame = pd.DataFrame()
    for dom in (first, *(d for d in domains_for(metric) if d != first and not domain)):
        # the preferred domain first; another only when it has nothing for this slice
        grouped = tuple(group_by)
        if dom == "ads" and "currency" not in grouped and _involves_money(metric):
            grouped = (*grouped, "currency")  # currencies are never added up
        frame = queries.pair_sums(session, workspace_id, dom, pairs_for(metric), sl, grouped)
        if len(frame) and (frame["n_0"].fillna(0) > 0).any():
            break
    group_by = grouped
    followers: dict[tuple[object, ...], float] = {}
    if metric.kind == "per_follower":
        f = queries.followers_by_day(session, workspace_id, sl)
        keys = [g for g in group_by if g in ("platform", "account")]
        col = {"account": "account_id", "platform": "platform"}
        per_day = f.groupby(["day", *[col[k] for k in keys]])["followers"].sum().reset_index()
        if keys:
            for key, g in per_day.groupby([col[k] for k in keys]):
                followers[key if isinstance(key, tuple) else (key,)] = float(g["followers"].mean())
        elif len(per_day):
            followers[()] = float(per_day["followers"].mean())
    # the frame's columns are str (pair_sums names them)
    for row in cast(list[dict[str, Any]], frame.to_dict("records")):
        label = group_label(row, group_by)
        key = tuple(label[g] for g in group_by if g in ("platform", "account"))
        est, num, den = kpi_from_sums(metric, row, dom, followers.get(key))
        values.append(
            KpiValue(
                metric=metric.name,
                group=label,
                value=est,
                domain=dom,
                numerator=num,
                denominator=den,
                units=int(row["rows"]),
            )
        )
    note = ""
    if not values:
        note = "not enough data: nothing in this slice"
    return KpiResult(
        metric=metric.name,
        domain=dom,
        unit_name=UNIT_NAMES[dom],
        formula=metric.formula,
        start=sl.start.isoformat(),
        end=sl.end.isoformat(),
        values=tuple(values),
        note=note,
    )


def pick_domain(
    session: Session, workspace_id: int, metric: Metric, sl: Slice, asked: str | None = None
) -> str:
    """The asked domain, else the preferred one for the platform when the slice has figures
    there, else the first other domain that has them (LinkedIn impressions of a period with
    page figures but no posts, say)."""
    first = domain_for(metric, sl.platform, asked)
    if asked or metric.kind == "growth":
        return first
    pair = pairs_for(metric)[0]
    for dom in (first, *(d for d in domains_for(metric) if d != first)):
        found = queries.pair_sums(session, workspace_id, dom, [pair], sl)
        if len(found) and (found["n_0"].fillna(0) > 0).any():
            return dom
    return first


def _involves_money(metric: Metric) -> bool:
    if metric.unit.startswith("money"):
        return True
    return any(get_metric(p).unit == "money" for p in metric.inputs if p != "posts")


@dataclass(frozen=True)
class TreeResult:
    tree: str
    title: str
    domain: str
    before: tuple[str, str]
    after: tuple[str, str]
    group_by: tuple[str, ...]
    changes: tuple[tuple[dict[str, object], TreeChange], ...]  # (group, change); total first


def kpi_tree(
    session: Session,
    workspace_id: int,
    tree_name: str,
    before: Slice,
    after: Slice,
    group_by: Sequence[str] = ("platform",),
) -> TreeResult:
    """The tree's goal in two periods, and each factor's contribution to the change, in total
    and per group (platform, account)."""
    if tree_name not in TREES:
        raise KeyError(f"no KPI tree {tree_name!r}; one of {', '.join(TREES)}")
    tree = TREES[tree_name]
    out: list[tuple[dict[str, object], TreeChange]] = []
    money = tree.domain == "ads" and any(
        get_metric(part).unit == "money"
        for t in tree.chain
        for part in t.split("|")
        if part != "posts"
    )
    extra: tuple[str, ...] = ("currency",) if money else ()  # currencies are never added up
    for i, groups in enumerate((extra, (*group_by, *extra))):
        if i == 1 and groups == extra:
            break
        f0 = queries.chain_sums(session, workspace_id, tree.domain, tree.chain, before, groups)
        f1 = queries.chain_sums(session, workspace_id, tree.domain, tree.chain, after, groups)
        sums = [f"s_{i}" for i in range(len(tree.chain))]
        if not groups:  # the total, a single row
            r0 = f0.iloc[0] if len(f0) and f0["rows"].iloc[0] else None
            r1 = f1.iloc[0] if len(f1) and f1["rows"].iloc[0] else None
            out.append(
                (
                    {},
                    decompose(
                        tree,
                        None if r0 is None else r0[sums].tolist(),
                        None if r1 is None else r1[sums].tolist(),
                        0 if r0 is None else int(r0["rows"]),
                        0 if r1 is None else int(r1["rows"]),
                    ),
                )
            )
            continue
        keyed0 = {tuple(r[g] for g in groups): r for r in f0.to_dict("records")}
        keyed1 = {tuple(r[g] for g in groups): r for r in f1.to_dict("records")}
        for key in sorted(set(keyed0) | set(keyed1), key=str):
            row0, row1 = keyed0.get(key), keyed1.get(key)
            label = {
                g: (v.item() if hasattr(v, "item") else v) for g, v in zip(groups, key, strict=True)
            }
            out.append(
                (
                    label,
                    decompose(
                        tree,
                        None if row0 is None else [row0[s] for s in sums],
                        None if row1 is None else [row1[s] for s in sums],
                        0 if row0 is None else int(row0["rows"]),
                        0 if row1 is None else int(row1["rows"]),
                    ),
                )
            )
    return TreeResult(
        tree=tree.name,
        title=tree.title,
        domain=tree.domain,
        before=(before.start.isoformat(), before.end.isoformat()),
        after=(after.start.isoformat(), after.end.isoformat()),
        group_by=tuple(group_by),
        changes=tuple(out),
    )


# -- goals -----------------------------------------------------------------------------------
def list_goals(session: Session, workspace_id: int) -> list[Goal]:
    return [Goal.from_dict(d) for d in queries.load_goals(session, workspace_id)]


def add_goal(session: Session, workspace_id: int, **kwargs: object) -> Goal:
    goal = new_goal(**kwargs)  # type: ignore[arg-type]
    goals = queries.load_goals(session, workspace_id)
    goals.append(goal.to_dict())
    queries.save_goals(session, workspace_id, goals)
    return goal


def remove_goal(session: Session, workspace_id: int, goal_id: str) -> bool:
    goals = queries.load_goals(session, workspace_id)
    kept = [g for g in goals if g["id"] != goal_id]
    if len(kept) == len(goals):
        return False
    queries.save_goals(session, workspace_id, kept)
    return True


def goal_status(
    session: Session, workspace_id: int, goal: Goal, today: dt.date | None = None
) -> GoalStatus:
    metric = get_metric(goal.metric)
    today = today or dt.date.today()
    sl = Slice(goal.start, goal.end, goal.platform, goal.account_id)
    dom = pick_domain(session, workspace_id, metric, sl)
    pair = pairs_for(metric)[0]
    frame = queries.pair_sums(session, workspace_id, dom, [pair], sl, ["day"])
    daily = pd.DataFrame(
        {"day": frame["day"], "y": frame["sy_0"], "x": frame["sx_0"] if pair[1] else 1.0}
    )
    baseline = None
    if goal.kind == "change":
        b0, b1 = goal.baseline_window
        before = queries.pair_sums(
            session, workspace_id, dom, [pair], Slice(b0, b1, goal.platform, goal.account_id)
        )
        if len(before) and before["n_0"].fillna(0).iloc[0] > 0:
            sy, sx = float(before["sy_0"].iloc[0]), float(before["sx_0"].iloc[0])
            baseline = sy * metric.scale / sx if pair[1] else sy
    found = queries.data_window(session, workspace_id)
    return track(goal, daily, today, baseline, found[1] if found else None)


def all_goal_statuses(
    session: Session, workspace_id: int, today: dt.date | None = None
) -> list[GoalStatus]:
    return [goal_status(session, workspace_id, g, today) for g in list_goals(session, workspace_id)]


# -- anomalies and best times ------------------------------------------------------------------
DAY_METRICS = (
    "impressions",
    "views",
    "reach",
    "engagements",
    "interactions",
    "clicks",
    "followers_gained",
)


def find_anomalies(
    session: Session, workspace_id: int, sl: Slice, threshold: float = 3.5
) -> AnomalyResult:
    names = queries.accounts(session, workspace_id).set_index("account_id")["account"].to_dict()
    # the days before the period are read too (HISTORY of them), to learn what is usual: a
    # weekday pattern and a spread from 13 weeks of small counts are noisy; only the period's
    # days are flagged
    history = replace(sl, start=sl.start - dt.timedelta(days=HISTORY))
    series = []
    for metric in DAY_METRICS:
        f = queries.pair_sums(
            session,
            workspace_id,
            "account_days",
            [(metric, None)],
            history,
            ["platform", "account", "day"],
        )
        f = f[f["n_0"] > 0]
        if f.empty:
            continue
        frame = pd.DataFrame(
            {
                "day": f["day"],
                "account_id": f["account"],
                "platform": f["platform"],
                "account": f["account"].map(names),
                "value": f["sy_0"],
            }
        )
        series.append((metric, frame))
    posts = queries.post_frame(session, workspace_id, sl)
    # posts per day from a few days before the window: a day's reach also comes from the
    # posts of the days before
    lead = dt.timedelta(days=QUIET_DAYS)
    post_days = queries.posts_by_day(session, workspace_id, replace(sl, start=history.start - lead))
    return anomalies(series, posts, threshold, post_days, flag_from=sl.start.isoformat())


def find_best_times(session: Session, workspace_id: int, sl: Slice) -> tuple[PlatformTimes, ...]:
    return best_times(queries.post_frame(session, workspace_id, sl))


# -- the seam: one function per question the faces ask --------------------------------------
# The web pages (and their `.json` twins) and the CLI call these and only these: each resolves
# its period, reads through `queries` and returns a frozen result that both faces serialise
# with `socialdesk.results.plain`, so `/analytics/....json` and `socialdesk ... --json` agree.
GROUPINGS: dict[str, tuple[str, ...]] = {
    "platform": ("platform",),
    "account": ("platform", "account"),
    "": (),
}


def _period(
    session: Session,
    workspace_id: int,
    days: int,
    start: dt.date | None,
    end: dt.date | None,
) -> tuple[dt.date, dt.date]:
    """`start` to `end` as given; an open end is the last day with data, an open start `days`
    days before the end."""
    first, last = default_window(session, workspace_id, days, end)
    return start or first, last


@dataclass(frozen=True)
class SourceInfo:
    """Where one platform's export puts a metric, its note in the asked language."""

    platform: str
    format: str
    field: str
    header: str
    table: str
    sheet: str | None
    note: str


@dataclass(frozen=True)
class MetricInfo:
    """One metric of the catalogue in a language: label, definition, formula and sources."""

    name: str
    label: str
    labels: dict[str, str]  # {nl, en}
    definition: str
    unit: str
    direction: str  # up, down or neutral
    kind: str
    formula: str  # in English
    formula_text: str  # in the asked language
    formulas: dict[str, str]  # {nl, en}
    available: bool
    inputs: tuple[str, ...]  # the base metrics it is computed from
    sources: tuple[SourceInfo, ...]
    counted: dict[str, str]  # platform: what it sums


@dataclass(frozen=True)
class Catalogue:
    """Every metric socialdesk computes, in `lang`."""

    lang: str
    metrics: tuple[MetricInfo, ...]


def _metric_info(m: Metric, lang: str) -> MetricInfo:
    return MetricInfo(
        name=m.name,
        label=m.label_in(lang),
        labels=dict(m.label),
        definition=m.definition_in(lang),
        unit=m.unit,
        direction=m.direction,
        kind=m.kind,
        formula=m.formula,
        formula_text=m.formula_in(lang),
        formulas=dict(m.formulas),
        available=m.available,
        inputs=m.inputs,
        sources=tuple(
            SourceInfo(
                platform=s.platform,
                format=s.format,
                field=s.field,
                header=s.header,
                table=s.table,
                sheet=s.sheet,
                note=s.note_in(lang),
            )
            for s in m.sources
        ),
        counted={p: str(v) for p, v in m.counted.items()},
    )


def catalogue(*, lang: str = "en") -> Catalogue:
    """The metrics catalogue in `lang` (nl or en); it reads no workspace."""
    return Catalogue(lang=lang, metrics=tuple(_metric_info(m, lang) for m in all_metrics()))


def metric_info(name: str, *, lang: str = "en") -> MetricInfo:
    """One metric in `lang`; UnknownMetric (a KeyError) says which names come close."""
    return _metric_info(get_metric(name), lang)


def kpi_report(
    session: Session,
    workspace_id: int,
    metric_name: str,
    *,
    days: int = 30,
    start: dt.date | None = None,
    end: dt.date | None = None,
    platform: str | None = None,
    account: int | None = None,
    media_type: str | None = None,
    group_by: Sequence[str] = ("platform",),
    source: str | None = None,
) -> KpiResult:
    """`metric_name` over the last `days` days up to `end` (or `start` to `end`), per group."""
    first, last = _period(session, workspace_id, days, start, end)
    sl = Slice(first, last, platform, account, media_type)
    return kpi(session, workspace_id, get_metric(metric_name).name, sl, group_by, source)


@dataclass(frozen=True)
class TreeReport:
    """A KPI tree's goal in two periods and each factor's contribution to its change."""

    tree: str
    title: str
    domain: str
    trees: dict[str, str]  # tree name: its formula
    before: tuple[dt.date, dt.date]
    after: tuple[dt.date, dt.date]
    group_by: str  # platform, account or "" (the total only)
    changes: tuple[tuple[dict[str, object], TreeChange], ...]  # (group, change); total first
    labels: dict[str, str]  # factor name: its catalogue label in `lang` (else English words)


def tree_report(
    session: Session,
    workspace_id: int,
    tree: str,
    *,
    days: int = 28,
    after_start: dt.date | None = None,
    after_end: dt.date | None = None,
    before_start: dt.date | None = None,
    before_end: dt.date | None = None,
    group_by: str = "platform",
    lang: str = "en",
) -> TreeReport:
    """`tree` over the last `days` days up to `after_end` (default: the last day with data)
    against as many days before; any of the four days may be given. KeyError names an
    unknown tree, ValueError an unknown grouping."""
    if group_by not in GROUPINGS:
        raise ValueError(f"group by platform, account or nothing (got {group_by!r})")
    a0, a1 = _period(session, workspace_id, days, after_start, after_end)
    length = (a1 - a0).days + 1
    b1 = before_end or (a0 - dt.timedelta(days=1))
    b0 = before_start or (b1 - dt.timedelta(days=length - 1))
    # kept per data version: the sums over a year of an agency's posts take a second
    found = memo(
        session,
        workspace_id,
        "analytics.kpi_tree",
        (tree, b0, b1, a0, a1, group_by),
        (Account, AccountDay, Post, PostMetrics, AdDay),
        lambda: kpi_tree(
            session, workspace_id, tree, Slice(b0, b1), Slice(a0, a1), GROUPINGS[group_by]
        ),
    )
    labels = {f.name: factor_label(f.name, lang) for _g, c in found.changes for f in c.factors}
    return TreeReport(
        tree=found.tree,
        title=found.title,
        domain=found.domain,
        trees={k: t.title for k, t in TREES.items()},
        before=(b0, b1),
        after=(a0, a1),
        group_by=group_by,
        changes=found.changes,
        labels=labels,
    )


@dataclass(frozen=True)
class Platforms:
    """The platforms the workspace has accounts on."""

    platforms: tuple[str, ...]


def platforms(session: Session, workspace_id: int) -> Platforms:
    found = sorted({str(p) for p in queries.accounts(session, workspace_id)["platform"]})
    return Platforms(platforms=tuple(found))


@dataclass(frozen=True)
class GoalsReport:
    """Every goal with its progress, forecast (95% interval) and status, as of `today`."""

    today: dt.date
    goals: tuple[GoalStatus, ...]  # status: on-track, at-risk, off-track or not-enough-data
    metric_choices: dict[str, str]  # metrics a goal can steer on: their labels in `lang`
    platforms: tuple[str, ...]  # platforms with accounts


def goals_report(
    session: Session, workspace_id: int, *, today: dt.date | None = None, lang: str = "en"
) -> GoalsReport:
    day = today or dt.date.today()
    choices = {
        m.name: m.label_in(lang) for m in all_metrics() if m.available and m.kind != "growth"
    }
    return GoalsReport(
        today=day,
        goals=tuple(all_goal_statuses(session, workspace_id, day)),
        metric_choices=choices,
        platforms=platforms(session, workspace_id).platforms,
    )


@dataclass(frozen=True)
class AnomalyReport:
    """Days and posts of `start` to `end` far outside their expected range."""

    start: dt.date
    end: dt.date
    platform: str | None
    days: tuple[DayAnomaly, ...]
    posts: tuple[PostAnomaly, ...]
    skipped: tuple[Skipped, ...]
    threshold: float
    method: str


def anomaly_report(
    session: Session,
    workspace_id: int,
    *,
    days: int = 90,
    start: dt.date | None = None,
    end: dt.date | None = None,
    platform: str | None = None,
    threshold: float = 3.5,
) -> AnomalyReport:
    """The last `days` days up to `end` (default: the last day with data), or `start` to `end`;
    a day is unusual at a score of `threshold` or more and a change of at least 2× (or down to
    1/2) from the usual for its weekday (see analytics/anomalies.py); a post at `threshold`
    robust standard deviations from its peers."""
    first, last = _period(session, workspace_id, days, start, end)
    sl = Slice(first, last, platform)
    # kept per data version: the robust fits over every account's days take most of a second
    found = memo(
        session,
        workspace_id,
        "analytics.anomalies",
        (first, last, platform, threshold),
        (Account, AccountDay, Post, PostMetrics),
        lambda: find_anomalies(session, workspace_id, sl, threshold),
    )
    return AnomalyReport(
        start=first,
        end=last,
        platform=platform,
        days=found.days,
        posts=found.posts,
        skipped=found.skipped,
        threshold=found.threshold,
        method=found.method,
    )


@dataclass(frozen=True)
class BestTimesReport:
    """Per platform: rate ratios per hour and weekday (0: Monday) with 95% intervals."""

    start: dt.date
    end: dt.date
    platform: str | None
    platforms: tuple[PlatformTimes, ...]


def best_times_report(
    session: Session,
    workspace_id: int,
    *,
    days: int = 365,
    start: dt.date | None = None,
    end: dt.date | None = None,
    platform: str | None = None,
) -> BestTimesReport:
    """The last `days` days up to `end` (default: the last day with data), or `start` to `end`."""
    first, last = _period(session, workspace_id, days, start, end)
    # kept per data version: a year of an agency's posts takes seconds to compare hour by hour
    found = memo(
        session,
        workspace_id,
        "analytics.best_times",
        (first, last, platform),
        (Account, Post, PostMetrics),
        lambda: find_best_times(session, workspace_id, Slice(first, last, platform)),
    )
    return BestTimesReport(start=first, end=last, platform=platform, platforms=tuple(found))
