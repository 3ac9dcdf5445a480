"""The analyses as the faces call them: read through queries.py, compute with the pure modules.

Each function takes a Session and plain values and returns the frozen results of the pure
modules; none of them runs SQL itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from socialdesk.analytics import queries
from socialdesk.analytics.anomalies import AnomalyResult, anomalies
from socialdesk.analytics.best_times import PlatformTimes, best_times
from socialdesk.analytics.goals import Goal, GoalStatus, new_goal, track
from socialdesk.analytics.kpi_tree import TREES, TreeChange, decompose
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
            metric.name,
            "",
            "",
            metric.formula,
            sl.start.isoformat(),
            sl.end.isoformat(),
            (),
            "not enough data: this metric needs data socialdesk does not import yet",
        )
    first = domain_for(metric, sl.platform, domain)
    dom = first
    values: list[KpiValue] = []
    if metric.kind == "growth":
        frame = queries.followers_by_day(session, workspace_id, sl)
        keys = [g for g in group_by if g in ("platform", "account")]
        col = {"account": "account_id", "platform": "platform"}
        grouped = frame.groupby([col[k] for k in keys]) if keys else [((), frame)]
        for key, g in grouped:
            key = key if isinstance(key, tuple) else (key,)
            total = g.groupby("day")["followers"].agg(["sum", "count"])
            total = total[total["count"] == g["account_id"].nunique()]["sum"]
            est, daily = growth_estimate(list(total.index), list(total.to_numpy()))
            label = {k: (int(v) if k == "account" else v) for k, v in zip(keys, key, strict=True)}
            values.append(
                KpiValue(
                    metric.name,
                    label,
                    est,
                    dom,
                    float(total.iloc[-1]) if len(total) else None,
                    float(total.iloc[0]) if len(total) else None,
                    len(total),
                    {"daily_rate": daily},
                )
            )
        return KpiResult(
            metric.name,
            dom,
            "days",
            metric.formula,
            sl.start.isoformat(),
            sl.end.isoformat(),
            tuple(values),
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
    for row in frame.to_dict("records"):
        label = group_label(row, group_by)
        key = tuple(label[g] for g in group_by if g in ("platform", "account"))
        est, num, den = kpi_from_sums(metric, row, dom, followers.get(key))
        values.append(KpiValue(metric.name, label, est, dom, num, den, int(row["rows"])))
    note = ""
    if not values:
        note = "not enough data: nothing in this slice"
    return KpiResult(
        metric.name,
        dom,
        UNIT_NAMES[dom],
        metric.formula,
        sl.start.isoformat(),
        sl.end.isoformat(),
        tuple(values),
        note,
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
            r0, r1 = keyed0.get(key), keyed1.get(key)
            label = {
                g: (v.item() if hasattr(v, "item") else v) for g, v in zip(groups, key, strict=True)
            }
            out.append(
                (
                    label,
                    decompose(
                        tree,
                        None if r0 is None else [r0[s] for s in sums],
                        None if r1 is None else [r1[s] for s in sums],
                        0 if r0 is None else int(r0["rows"]),
                        0 if r1 is None else int(r1["rows"]),
                    ),
                )
            )
    return TreeResult(
        tree.name,
        tree.title,
        tree.domain,
        (before.start.isoformat(), before.end.isoformat()),
        (after.start.isoformat(), after.end.isoformat()),
        tuple(group_by),
        tuple(out),
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
    series = []
    for metric in DAY_METRICS:
        f = queries.pair_sums(
            session,
            workspace_id,
            "account_days",
            [(metric, None)],
            sl,
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
    return anomalies(series, posts, threshold)


def find_best_times(session: Session, workspace_id: int, sl: Slice) -> tuple[PlatformTimes, ...]:
    return best_times(queries.post_frame(session, workspace_id, sl))
