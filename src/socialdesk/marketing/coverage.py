"""Share of effort and of results per objective, audience and pillar; objectives left bare.

Each post is counted to at most one value per dimension, in this order:
  1. a tag a person set on the post (MarketingTag);
  2. the plan item the post was matched to (its pillar, objective and audience);
  3. the pillar whose keywords the post holds most often ("#vrijwilligers", "vrijwilliger":
     hashtags as written, words by their stem); a pillar that serves exactly one objective
     also gives the post that objective.
Posts none of these reach are "(untagged)" and shown as such.

Effort is the number of posts; results are the sum of one metric over the posts that report it
(engagements by default).

Ad campaigns and UTM links are counted the same way, each in its own table (`target_coverage`):
  - a campaign's effort is its spend and its results its link clicks (clicks where a platform
    gives no link clicks), both at the campaign's coarsest daily grain; it gets its values from
    a tag a person set, else from the plan's `campaigns` section (matched by name);
  - a link's effort is one link and its results the GA4 sessions of its source / medium /
    campaign, split evenly over the saved links that share those three values.
An objective tied to a campaign or a link by a tag has content too (it is not "bare").

Both shares are counted, not estimated. The results per post carry a bootstrap interval
(percentile, 2,000 resamples, fixed seed), so a pillar that seems to punch above its weight
on three posts does not look certain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from socialdesk.estimates import Estimate
from socialdesk.marketing.plan import Plan
from socialdesk.marketing.terms import hashtags, stems

UNTAGGED = "(untagged)"
LEVEL = 0.95
MIN_POSTS = 3
DIMENSIONS = ("objective", "audience", "pillar")


@dataclass(frozen=True)
class Share:
    key: str
    name: str
    posts: int
    share_of_posts: Estimate
    results: float
    share_of_results: Estimate
    results_per_post: Estimate
    by_source: dict[str, int]  # tag | plan | rule -> posts


@dataclass(frozen=True)
class TargetShare:
    key: str
    name: str
    count: int  # campaigns or links
    effort: float
    share_of_effort: Estimate
    results: float
    share_of_results: Estimate
    by_source: dict[str, int]  # tag | plan -> campaigns or links


@dataclass(frozen=True)
class TargetCoverage:
    """Shares per dimension for ad campaigns or UTM links (see the module docstring)."""

    kind: str  # campaign | link
    effort: str  # what effort counts: spend | links
    result: str  # what results count: link_clicks | sessions
    n: int
    dimensions: dict[str, tuple[TargetShare, ...]]


@dataclass(frozen=True)
class CoverageResult:
    metric: str
    n_posts: int
    posts_with_metric: int
    dimensions: dict[str, tuple[Share, ...]]
    objectives_without_content: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    campaigns: TargetCoverage | None = None
    links: TargetCoverage | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


LARGE = 20_000  # more posts than this: a t interval instead of the bootstrap
BATCH_VALUES = 1_000_000  # values resampled at a time by the bootstrap


def mean_interval(values: np.ndarray, level: float = LEVEL, seed: int = 0) -> Estimate:
    """The mean with a percentile bootstrap interval (needs MIN_POSTS values)."""
    n = len(values)
    if n < MIN_POSTS:
        return Estimate.not_enough(n, f"{n} posts, at least {MIN_POSTS} needed")
    if np.all(values == values[0]):
        return Estimate(
            float(values[0]),
            float(values[0]),
            float(values[0]),
            level,
            n,
            "mean (all values equal)",
        )
    if n > LARGE:
        # the bootstrap would draw 2,000 x n values (an agency's year: gigabytes and seconds);
        # at this size the mean's sampling distribution is normal (central limit theorem)
        return t_interval(n, float(values.mean()), float(values.std(ddof=1)), level)
    from scipy.stats import bootstrap

    res = bootstrap(
        (values,),
        np.mean,
        confidence_level=level,
        n_resamples=2000,
        method="percentile",
        rng=np.random.default_rng(seed),
        batch=max(1, BATCH_VALUES // n),  # memory bounded: about 8 MB of resamples at a time
    )
    ci = res.confidence_interval
    return Estimate(
        float(values.mean()),
        float(ci.low),
        float(ci.high),
        level,
        n,
        "mean per post, percentile bootstrap",
    )


def t_interval(n: int, mean: float, sd: float, level: float = LEVEL) -> Estimate:
    """The mean of n values with Student's t interval, from the mean and the standard deviation."""
    from scipy.stats import t

    half = float(t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n))
    return Estimate(mean, mean - half, mean + half, level, n, "mean per post, t interval")


class _Group:
    """One value of a dimension, fed batch by batch: the posts counted, their sources, and the
    finite results: kept as values while they are few (the bootstrap needs them), as count,
    mean and sum of squared deviations once past LARGE (Chan et al.'s pairwise update), so
    memory stays bounded however many posts the store holds."""

    def __init__(self) -> None:
        self.posts = 0
        self.sources: Counter[str] = Counter()
        self.values: list[np.ndarray] = []
        self.kept = 0
        self.moments: tuple[int, float, float] | None = None  # n, mean, M2
        self.total = 0.0

    def add(self, posts: int, values: np.ndarray, sources: Iterable[str]) -> None:
        self.posts += posts
        self.sources.update(sources)
        self.total += float(values.sum())
        if self.moments is None:
            self.values.append(values)
            self.kept += len(values)
            if self.kept <= LARGE:
                return
            values = np.concatenate(self.values)
            self.values, self.moments = [], (0, 0.0, 0.0)
        n_a, mean_a, m2_a = self.moments
        n_b = len(values)
        if n_b == 0:
            return
        mean_b = float(values.mean())
        m2_b = float(((values - mean_b) ** 2).sum())
        n = n_a + n_b
        delta = mean_b - mean_a
        self.moments = (n, mean_a + delta * n_b / n, m2_a + m2_b + delta**2 * n_a * n_b / n)

    def per_post(self, level: float = LEVEL) -> Estimate:
        if self.moments is None:
            values = np.concatenate(self.values) if self.values else np.array([], dtype=float)
            return mean_interval(values, level)
        n, mean, m2 = self.moments
        if m2 == 0.0:
            return Estimate(mean, mean, mean, level, n, "mean (all values equal)")
        return t_interval(n, mean, float(np.sqrt(m2 / (n - 1))), level)


def pillar_by_keywords(texts: list[str], plan: Plan) -> list[str | None]:
    """Each text's pillar by its keywords (most hits wins, plan order breaks ties)."""
    rules = []
    for p in plan.pillars:
        tags = {k.lstrip("#").lower() for k in p.keywords if k.startswith("#")}
        words = {s for k in p.keywords if not k.startswith("#") for s in stems(k)}
        rules.append((p.key, tags, words))
    out: list[str | None] = []
    for text in texts:
        tags_in = set(hashtags(text))
        words_in = stems(text)
        best, hits_best = None, 0
        for key, tags, words in rules:
            hits = len(tags & tags_in) + sum(1 for w in words_in if w in words)
            if hits > hits_best:
                best, hits_best = key, hits
        out.append(best)
    return out


def assign(
    posts: pd.DataFrame, tags: pd.DataFrame, items: pd.DataFrame, plan: Plan
) -> pd.DataFrame:
    """post_id plus, per dimension, the value and where it came from (tag | plan | rule)."""
    out = pd.DataFrame({"post_id": posts["post_id"].to_numpy()})
    texts = [
        " ".join(str(v) for v in (t, x) if isinstance(v, str))
        for t, x in zip(posts.get("title", [None] * len(posts)), posts["text"], strict=True)
    ]
    rule_pillar = pillar_by_keywords(texts, plan)
    single = {p.key: p.objectives[0] for p in plan.pillars if len(p.objectives) == 1}
    post_tags = tags[tags["target_kind"] == "post"] if not tags.empty else tags
    matched = items.dropna(subset=["post_id"]) if not items.empty else items
    for dim in ("pillar", "objective", "audience"):  # the pillar first: it gives objectives
        value = pd.Series([None] * len(out), dtype=object)
        source = pd.Series([None] * len(out), dtype=object)
        if not post_tags.empty:
            t = post_tags[post_tags["dimension"] == dim].set_index("target_id")["value"]
            hit = out["post_id"].map(t)
            value, source = value.where(hit.isna(), hit), source.where(hit.isna(), "tag")
        if not matched.empty:
            m = matched.dropna(subset=[dim]).drop_duplicates("post_id").set_index("post_id")[dim]
            hit = out["post_id"].map(m)
            fill = value.isna() & hit.notna()
            value, source = value.where(~fill, hit), source.where(~fill, "plan")
        if dim == "pillar":
            rule = pd.Series(rule_pillar, dtype=object)
            fill = value.isna() & rule.notna()
            value, source = value.where(~fill, rule), source.where(~fill, "rule")
        elif dim == "objective":
            pillar_now = out.get("pillar")
            if pillar_now is not None:
                rule = pillar_now.map(single)
                fill = value.isna() & rule.notna()
                value, source = value.where(~fill, rule), source.where(~fill, "rule")
        out[dim], out[f"{dim}_source"] = value.to_numpy(), source.to_numpy()
    return out


def _names(plan: Plan) -> dict[str, str]:
    names = {o.key: o.name for o in plan.objectives}
    return names | {a.key: a.name for a in plan.audiences} | {p.key: p.name for p in plan.pillars}


def target_coverage(
    kind: str,
    targets: pd.DataFrame,
    tags: pd.DataFrame,
    plan: Plan,
    effort: str,
    result: str,
    by_name: dict[str, dict[str, str | None]] | None = None,
) -> TargetCoverage:
    """Shares of effort and results per dimension for campaigns or links.

    `targets` has the columns id, name, effort, result (one row per campaign or link); `tags`
    is queries.tags; `by_name` gives values per target name (the plan's campaigns), used where
    no tag is set."""
    names = _names(plan)
    mine = tags[tags["target_kind"] == kind] if not tags.empty else tags
    eff = pd.to_numeric(targets["effort"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    res = pd.to_numeric(targets["result"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    total_effort, total_results = float(eff.sum()), float(res.sum())
    n = len(targets)
    dims: dict[str, tuple[TargetShare, ...]] = {}
    for dim in DIMENSIONS:
        tagged: dict[int, str] = {}
        if not mine.empty:
            t = mine[mine["dimension"] == dim]
            tagged = {int(i): str(v) for i, v in zip(t["target_id"], t["value"], strict=True)}
        values, sources = [], []
        for tid, name in zip(targets["id"], targets["name"], strict=True):
            if int(tid) in tagged:
                values.append(tagged[int(tid)])
                sources.append("tag")
            elif by_name and (by_name.get(str(name)) or {}).get(dim):
                values.append(str(by_name[str(name)][dim]))
                sources.append("plan")
            else:
                values.append(UNTAGGED)
                sources.append("none")
        col = np.array(values, dtype=object)
        src = np.array(sources, dtype=object)
        rows = []
        for key in sorted(set(values), key=lambda k: (k == UNTAGGED, k)):
            mask = col == key
            e, r = float(eff[mask].sum()), float(res[mask].sum())
            counts = pd.Series(src[mask]).value_counts().to_dict()
            rows.append(
                TargetShare(
                    key,
                    names.get(key, key),
                    int(mask.sum()),
                    e,
                    Estimate.exact(
                        e / total_effort if total_effort else 0.0, n, f"share of {effort}"
                    ),
                    r,
                    Estimate.exact(
                        r / total_results if total_results else 0.0, n, f"share of {result}"
                    ),
                    {str(a): int(b) for a, b in counts.items()},
                )
            )
        dims[dim] = tuple(rows)
    return TargetCoverage(kind, effort, result, n, dims)


def coverage(
    posts: pd.DataFrame | Iterable[pd.DataFrame],
    tags: pd.DataFrame,
    items: pd.DataFrame,
    plan: Plan,
    metric: str = "engagements",
    campaigns: TargetCoverage | None = None,
    links: TargetCoverage | None = None,
) -> CoverageResult:
    """Shares of effort and results per objective, audience and pillar (posts: queries.posts,
    or its batches from queries.post_batches: memory stays at one batch); `campaigns` and
    `links` (from target_coverage) ride along and count as content."""
    notes: list[str] = []
    names = _names(plan)
    served = set()
    if not tags.empty:
        t = tags[
            (tags["dimension"] == "objective") & tags["target_kind"].isin(("campaign", "link"))
        ]
        served = set(t["value"])
    if not items.empty:
        served |= set(items["objective"].dropna())
    for target in (campaigns, links):  # campaigns and links the plan itself ties (by name)
        if target is not None:
            served |= {
                s.key
                for s in target.dimensions.get("objective", ())
                if s.key != UNTAGGED and s.count
            }
    n = with_metric = 0
    total_results = 0.0
    groups: dict[str, dict[str, _Group]] = {dim: {} for dim in DIMENSIONS}
    with_content: set[str] = set(served)
    for batch in [posts] if isinstance(posts, pd.DataFrame) else posts:
        if batch.empty:
            continue
        given = assign(batch, tags, items, plan)
        values = (
            pd.to_numeric(batch[metric], errors="coerce").to_numpy(dtype=float)
            if metric in batch
            else np.full(len(batch), np.nan)
        )
        finite = np.isfinite(values)
        n += len(batch)
        with_metric += int(finite.sum())
        total_results += float(values[finite].sum())
        with_content |= set(given["objective"].dropna())
        for dim in DIMENSIONS:
            col = given[dim].fillna(UNTAGGED).to_numpy()
            sources = given[f"{dim}_source"].fillna("none").to_numpy()
            for key in set(col):
                mask = col == key
                groups[dim].setdefault(key, _Group()).add(
                    int(mask.sum()), values[mask & finite], sources[mask]
                )
    if n == 0:
        bare = tuple(o.key for o in plan.objectives if o.key not in served)
        return CoverageResult(
            metric,
            0,
            0,
            {},
            bare,
            ("not enough data: no posts in the period",),
            campaigns,
            links,
        )
    if with_metric < n:
        notes.append(
            f"{n - with_metric} of {n} posts do not report {metric}: "
            "they count to effort, not to results"
        )
    dims: dict[str, tuple[Share, ...]] = {}
    for dim in DIMENSIONS:
        rows = []
        for key in sorted(groups[dim], key=lambda k: (k == UNTAGGED, k)):
            g = groups[dim][key]
            rows.append(
                Share(
                    key=key,
                    name=names.get(key, key),
                    posts=g.posts,
                    share_of_posts=Estimate.exact(g.posts / n, n, "share of posts"),
                    results=g.total,
                    share_of_results=Estimate.exact(
                        g.total / total_results if total_results else 0.0,
                        with_metric,
                        f"share of {metric}",
                    ),
                    results_per_post=g.per_post(),
                    by_source={str(a): int(b) for a, b in g.sources.most_common()},
                )
            )
        dims[dim] = tuple(rows)
    bare = tuple(o.key for o in plan.objectives if o.key not in with_content)
    return CoverageResult(metric, n, with_metric, dims, bare, tuple(notes), campaigns, links)


def campaign_totals(ads: pd.DataFrame) -> pd.DataFrame:
    """campaign_id, campaign, spend, clicks per campaign (queries.ad_rows), at each campaign's
    coarsest daily grain (campaign < ad set < ad) so nothing is counted twice; a campaign with
    no daily rows counts its widest row."""
    cols = ["campaign_id", "campaign", "spend", "clicks"]
    if ads.empty:
        return pd.DataFrame(columns=cols)
    a = ads.copy()
    a["level"] = np.where(
        a["grain"] == "campaign", 0, np.where(a["grain"].str.contains("ad:"), 2, 1)
    )
    a = a[a.groupby("campaign_id")["level"].transform("min") == a["level"]]
    a["daily"] = a["date_start"] == a["date_end"]
    has_daily = a.groupby("campaign_id")["daily"].transform("any")
    span = pd.to_datetime(a["date_end"]) - pd.to_datetime(a["date_start"])
    widest = span == span.groupby(a["campaign_id"]).transform("max")
    a = a[(has_daily & a["daily"]) | (~has_daily & widest)]
    a["c"] = a["link_clicks"].where(a["link_clicks"].notna(), a["clicks"])
    out = a.groupby(["campaign_id", "campaign"], as_index=False).agg(
        spend=("spend", "sum"), clicks=("c", "sum")
    )
    return out[cols]


def link_sessions(links: pd.DataFrame, web: pd.DataFrame) -> pd.Series:
    """GA4 sessions per saved link (queries.links, queries.web_rows): the sessions of its
    source / medium / campaign, split evenly over the links sharing them (index: link id)."""
    if links.empty:
        return pd.Series(dtype=float)
    key_cols = ["utm_source", "utm_medium", "utm_campaign"]
    keys = links[key_cols].fillna("").astype(str).apply(lambda c: c.str.lower())
    if web.empty:
        return pd.Series(0.0, index=links["id"].astype(int).to_numpy())
    w = web.copy()
    w["k"] = list(
        zip(
            *(w[c].fillna("").astype(str).str.lower() for c in ("source", "medium", "campaign")),
            strict=True,
        )
    )
    by_key = w.groupby("k")["sessions"].sum()
    k = pd.Series(list(zip(*(keys[c] for c in key_cols), strict=True)))
    sharing = k.map(k.value_counts())
    sessions = k.map(by_key).fillna(0.0).astype(float) / sharing
    return pd.Series(sessions.to_numpy(), index=links["id"].astype(int).to_numpy())


__all__ = [
    "CoverageResult",
    "Share",
    "TargetCoverage",
    "TargetShare",
    "assign",
    "campaign_totals",
    "coverage",
    "link_sessions",
    "mean_interval",
    "pillar_by_keywords",
    "target_coverage",
]
