"""Search next to social: where search demand and the organisation's posts meet, and where not.

Queries (Search Console) are grouped into topics by the terms they share (see terms.py for
how words become terms):

- a term found in more than `generic_share` of the queries (the brand, the category: "groen",
  "dak"; judged from 20 queries on) describes everything and heads no topic; it is reported
  as a shared term, as are the words of the organisation's account names;
- a term two queries share is a candidate head, unless it is a modifier ("kopen", "prijs");
- each query joins its most specific candidate: the one that meets the fewest other
  candidates across all queries (a place name or a modifier meets every topic; a topic's own
  term meets few), then the one with the most impressions. So "subsidie groen dak rotterdam"
  joins "subsidie", not "rotterdam";
- a query without a candidate is a topic of its own when it carries `min_single_share` of the
  impressions, else it joins its rarest term;
- the terms some query joins are the topics, and a topic's demand is every query that holds
  its term: "subsidie sedumdak" counts to both "subsidie" and "sedum", so the shares of
  demand of all topics may add up to more than 100%.

A post covers a topic when its text holds the topic's term. For each topic the report gives
its demand (impressions, clicks, share of all query impressions: counted, not estimated), the
posts that cover it, and the share of posts that do, with a Clopper–Pearson interval: "0 of 1078
posts" reads as "at most 0.3% of posts, 95%". A topic is a *gap* when it carries at least
`min_gap_share` of the impressions and no post covers it; *thin* when its share of posts is
credibly (the interval's high end) below a tenth of its share of demand; *unknown* when there
are fewer than MIN_POSTS posts.

The other way round, a *social-only* term is one that at least `min_social_share` of the posts
use (hashtags included) while no query holds it: social pushes what nobody searches for.

Pages that rank on page one's edge (impressions at average positions `striking` 4–20) and that
no post links to deserve social promotion; their click-through carries a Wilson interval.
Paid search terms (Google Ads, imported as dimension "search_term") whose topic no post covers
are terms social could support.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from socialdesk.estimates import Estimate
from socialdesk.marketing.terms import (
    MODIFIERS,
    count_surfaces,
    hashtags,
    names_of,
    stems,
    term_sets,
)

LEVEL = 0.95
MIN_QUERIES = 5
MIN_POSTS = 10
GENERIC_MIN_QUERIES = 20  # below this, "in most queries" says too little to set a term aside


@dataclass(frozen=True)
class SearchGapSettings:
    generic_share: float = 0.3  # a term in more of the queries than this heads no topic
    min_single_share: float = 0.01  # a one-query topic needs this share of impressions
    min_gap_share: float = 0.01  # a gap carries at least this share of the impressions
    min_social_share: float = 0.03  # a social-only term is in at least this share of posts
    striking: tuple[float, float] = (4.0, 20.0)  # average positions worth a push
    min_page_impressions: int = 100
    max_items: int = 25


@dataclass(frozen=True)
class SearchTopic:
    key: str  # the term (stem) heading the topic
    name: str  # the term as people write it
    keyphrase: str  # YAKE's keyphrase of the topic's queries
    queries: tuple[str, ...]
    impressions: float
    clicks: float
    demand_share: Estimate  # share of all query impressions (counted)
    position: float | None  # impression-weighted average position
    posts_covering: int
    post_share: Estimate  # share of posts that cover it, Clopper–Pearson
    paid_impressions: float
    paid_clicks: float
    status: str  # gap | thin | covered | unknown (fewer than MIN_POSTS posts)
    example_posts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SocialOnlyTerm:
    key: str
    name: str
    posts: int
    post_share: Estimate


@dataclass(frozen=True)
class PageToPromote:
    page: str
    impressions: float
    clicks: float
    position: float | None
    ctr: Estimate
    posts_linking: int


@dataclass(frozen=True)
class PaidTermToSupport:
    term: str
    topic: str | None
    impressions: float
    clicks: float
    posts_covering: int


@dataclass(frozen=True)
class SearchGapsResult:
    n_queries: int
    n_posts: int
    query_impressions: float
    shared_terms: tuple[str, ...]
    topics: tuple[SearchTopic, ...]
    social_only: tuple[SocialOnlyTerm, ...]
    pages: tuple[PageToPromote, ...]
    paid_terms: tuple[PaidTermToSupport, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def gaps(self) -> tuple[SearchTopic, ...]:
        return tuple(t for t in self.topics if t.status == "gap")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def share_interval(k: int, n: int, level: float = LEVEL) -> Estimate:
    """k of n with its exact (Clopper–Pearson) interval."""
    if n <= 0:
        return Estimate.not_enough(0, "no units")
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(k, n, alpha=1 - level, method="beta")
    return Estimate(k / n, float(low), float(high), level, n, "share, Clopper–Pearson")


def ctr_interval(clicks: float, impressions: float, level: float = LEVEL) -> Estimate:
    if impressions <= 0:
        return Estimate.not_enough(0, "no impressions")
    from statsmodels.stats.proportion import proportion_confint

    c, n = round(clicks), round(impressions)
    low, high = proportion_confint(c, n, alpha=1 - level, method="wilson")
    return Estimate(c / n, float(low), float(high), level, n, "click-through, Wilson")


def pick_periods(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rows of non-overlapping periods only, per account and dimension: the longest period
    first (the latest on ties), so two exports covering the same days are never added up."""
    notes: list[str] = []
    if rows.empty:
        return rows, notes
    keep = []
    for (acc, dim), part in rows.groupby(["account_id", "dimension"], sort=False):
        periods = part[["date_start", "date_end"]].drop_duplicates()
        periods = periods.assign(
            days=(
                pd.to_datetime(periods["date_end"]) - pd.to_datetime(periods["date_start"])
            ).dt.days
        ).sort_values(["days", "date_end"], ascending=[False, False])
        chosen: list[tuple[dt.date, dt.date]] = []
        r: Any  # a row: its fields have their columns' types, which pandas-stubs can't know
        for r in periods.itertuples(index=False):
            if all(r.date_end < a or r.date_start > b for a, b in chosen):
                chosen.append((r.date_start, r.date_end))
        if len(chosen) < len(periods):
            notes.append(
                f"{dim} rows of account {acc}: {len(periods) - len(chosen)} overlapping "
                "period(s) left out"
            )
        sel = part.set_index(["date_start", "date_end"]).index.isin(chosen)
        keep.append(part[sel])
    return pd.concat(keep, ignore_index=True), notes


def _totals(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per value: clicks and impressions summed, position weighted by impressions."""
    if frame.empty:
        return pd.DataFrame(columns=["value", "clicks", "impressions", "position"])
    f = frame.copy()
    f["clicks"] = pd.to_numeric(f["clicks"], errors="coerce").fillna(0.0).astype(float)
    f["impressions"] = pd.to_numeric(f["impressions"], errors="coerce").fillna(0.0).astype(float)
    pos = (
        pd.to_numeric(f["position"], errors="coerce").astype(float)
        if "position" in f
        else pd.Series(float("nan"), index=f.index)
    )
    f["_wpos"] = pos * f["impressions"]
    f["_wimp"] = f["impressions"].where(pos.notna(), 0.0)
    g = f.groupby("value", as_index=False, sort=False)[
        ["clicks", "impressions", "_wpos", "_wimp"]
    ].sum()
    g["position"] = (g["_wpos"] / g["_wimp"].where(g["_wimp"] > 0)).astype(float)
    return g.drop(columns=["_wpos", "_wimp"]).sort_values("impressions", ascending=False)


def group_queries(
    queries: pd.DataFrame,
    settings: SearchGapSettings,
    vocabulary: set[str],
    brand: frozenset[str] = frozenset(),
) -> tuple[dict[str, list[int]], list[frozenset[str]], set[str]]:
    """topic head -> row positions of the queries that hold it; each query's terms; the
    generic terms (brand terms included: they head no topic either)."""
    sets = term_sets(queries["value"], vocabulary=vocabulary)
    n = len(sets)
    imp = queries["impressions"].to_numpy(dtype=float)
    total = float(imp.sum()) or 1.0
    df: dict[str, int] = defaultdict(int)
    weight: dict[str, float] = defaultdict(float)
    for i, s in enumerate(sets):
        for term in s:
            df[term] += 1
            weight[term] += imp[i]
    generic = {
        t for t, c in df.items() if n >= GENERIC_MIN_QUERIES and c / n > settings.generic_share
    }
    generic |= {t for t in df if t in brand}

    def usable(term: str) -> bool:
        return term not in generic and term not in MODIFIERS

    shared = {t for t in df if usable(t) and df[t] >= 2}
    partners: dict[str, set[str]] = defaultdict(set)
    for s in sets:
        here = s & shared
        for t in here:
            partners[t] |= here - {t}

    topics: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        heads = sorted(s & shared)
        if not heads:  # no shared term: a one-query topic when it carries enough demand
            heads = sorted(
                (t for t in s if usable(t) and weight[t] / total >= settings.min_single_share),
                key=lambda t: (df[t], t),
            )[:1]
        if not heads:  # else its own most specific term
            heads = sorted((t for t in s if usable(t)), key=lambda t: (df[t], t))[:1]
        if not heads:
            continue
        # the most specific shared term: the one that meets the fewest other shared terms (a
        # place or a modifier meets every topic), then the one with the most impressions
        best = min(heads, key=lambda t: (len(partners[t]), -weight[t], t))
        topics[best].append(i)
    # a topic's demand is every query that holds its term (a query may count to two topics)
    for head in topics:
        if head in shared:
            topics[head] = [i for i, s in enumerate(sets) if head in s]
    return dict(topics), sets, generic


Posts = pd.DataFrame | Callable[[], Iterable[pd.DataFrame]]


def _batches(posts: Posts) -> Iterable[pd.DataFrame]:
    return [posts] if isinstance(posts, pd.DataFrame) else posts()


def _texts(batch: pd.DataFrame) -> list[str]:
    if batch.empty:
        return []
    n = len(batch)
    titles = batch["title"] if "title" in batch else [None] * n
    bodies = batch["text"] if "text" in batch else [None] * n
    return [
        " ".join(str(v) for v in (t, x) if isinstance(v, str))
        for t, x in zip(titles, bodies, strict=True)
    ]


def search_gaps(
    queries: pd.DataFrame,
    posts: Posts,
    pages: pd.DataFrame | None = None,
    paid_terms: pd.DataFrame | None = None,
    settings: SearchGapSettings | None = None,
    brand: list[str] | tuple[str, ...] = (),
) -> SearchGapsResult:
    """Topics of search demand set against the posts' topics.

    queries, pages, paid_terms: value, clicks, impressions, position (any rows: summed per
    value). posts: text (and optionally title, language), as one frame or as a function that
    gives its batches (read twice: memory stays at one batch whatever the store holds).
    brand: the organisation's names (its accounts' names): their words are brand demand, not
    topics.
    """
    settings = settings or SearchGapSettings()
    q = _totals(queries)
    enough_queries = len(q) >= MIN_QUERIES
    # first pass: how many posts, their words (compounds are split on the words of queries and
    # posts together), how people write them, and what the posts push (their hashtags)
    n_posts = 0
    vocabulary: set[str] = set()
    surfaces: dict[str, dict[str, int]] = {}
    pushed: set[str] = set()
    if enough_queries:
        vocabulary.update(*term_sets(q["value"], vocabulary=set()))
        count_surfaces(q["value"], surfaces)
    for batch in _batches(posts):
        texts = _texts(batch)
        n_posts += len(texts)
        if enough_queries and texts:
            vocabulary.update(*term_sets(texts, vocabulary=set()))
            count_surfaces(texts, surfaces)
            pushed |= pushed_terms(texts)
    notes: list[str] = []
    if not enough_queries:
        notes.append(f"not enough data: {len(q)} search queries, at least {MIN_QUERIES} needed")
        return SearchGapsResult(
            len(q),
            n_posts,
            float(q["impressions"].sum()) if len(q) else 0.0,
            (),
            (),
            (),
            (),
            (),
            tuple(notes),
        )
    brand_terms = frozenset(t for name in brand for t in stems(name))
    topics_rows, q_sets, generic = group_queries(q, settings, vocabulary, brand_terms)
    total_imp = float(q["impressions"].sum())
    names = names_of(surfaces)
    paid = _totals(paid_terms) if paid_terms is not None and not paid_terms.empty else None
    paid_sets = term_sets(paid["value"], vocabulary=vocabulary) if paid is not None else []
    paid_specific = [t - generic - MODIFIERS for t in paid_sets]
    candidates = _page_candidates(pages, settings) if pages is not None else []

    # second pass: the posts that cover each topic (and the first three as examples), use each
    # pushed term, hold each paid term's words, link each page
    heads = frozenset(topics_rows)
    covering: dict[str, int] = dict.fromkeys(topics_rows, 0)
    examples: dict[str, list[str]] = {h: [] for h in topics_rows}
    uses: dict[str, int] = defaultdict(int)
    paid_covering = [0] * len(paid_specific)
    linking = [0] * len(candidates)
    n_posts = 0  # counted again: the shares are of the posts this pass read
    for batch in _batches(posts):
        texts = _texts(batch)
        if not texts:
            continue
        n_posts += len(texts)
        langs = list(batch["language"]) if "language" in batch else None
        for text, terms in zip(texts, term_sets(texts, langs, vocabulary=vocabulary), strict=True):
            for head in terms & heads:
                covering[head] += 1
                if len(examples[head]) < 3:
                    examples[head].append(text[:140])
            for term in terms & pushed:
                uses[term] += 1
            for j, specific in enumerate(paid_specific):
                if specific and specific <= terms:
                    paid_covering[j] += 1
        for k, (_row, path) in enumerate(candidates):
            linking[k] += sum(1 for t in texts if path in t)

    if n_posts < MIN_POSTS:
        notes.append(f"only {n_posts} posts: coverage shares are wide")
    topics: list[SearchTopic] = []
    for head, rows in topics_rows.items():
        part = q.iloc[rows]
        imp, clicks = float(part["impressions"].sum()), float(part["clicks"].sum())
        wimp = part["impressions"].where(part["position"].notna(), 0.0)
        pos = (
            float((part["position"].fillna(0) * wimp).sum() / wimp.sum())
            if wimp.sum() > 0
            else None
        )
        post_share = share_interval(covering[head], n_posts)
        demand = imp / total_imp if total_imp else 0.0
        if n_posts < MIN_POSTS:
            status = "unknown"  # too few posts to say what social covers
        elif not covering[head] and demand >= settings.min_gap_share:
            status = "gap"
        elif post_share.ok and post_share.high is not None and post_share.high < demand / 10:
            status = "thin"
        else:
            status = "covered"
        p_imp = p_clicks = 0.0
        if paid is not None:
            hit = [i for i, st in enumerate(paid_sets) if head in st]
            p_imp = float(paid["impressions"].iloc[hit].sum())
            p_clicks = float(paid["clicks"].iloc[hit].sum())
        topics.append(
            SearchTopic(
                key=head,
                name=names.get(head, head),
                keyphrase=keyphrase(
                    list(part["value"]), list(part["impressions"].astype(float)), head
                ),
                queries=tuple(part["value"]),
                impressions=imp,
                clicks=clicks,
                demand_share=Estimate.exact(demand, len(rows), "share of query impressions"),
                position=pos,
                posts_covering=covering[head],
                post_share=post_share,
                paid_impressions=p_imp,
                paid_clicks=p_clicks,
                status=status,
                example_posts=tuple(examples[head]),
            )
        )
    topics.sort(key=lambda t: (t.status != "gap", t.status != "thin", -t.impressions))

    query_terms = {t for st in q_sets for t in st}
    social_only = _social_only(uses, n_posts, query_terms | brand_terms, names, settings)
    pages_out = _pages(candidates, linking, settings)
    paid_out = (
        _paid(paid, paid_specific, paid_covering, topics_rows, settings) if paid is not None else ()
    )
    return SearchGapsResult(
        n_queries=len(q),
        n_posts=n_posts,
        query_impressions=total_imp,
        shared_terms=tuple(sorted(names.get(t, t) for t in generic)),
        topics=tuple(topics),
        social_only=social_only,
        pages=pages_out,
        paid_terms=paid_out,
        notes=tuple(notes),
    )


def pushed_terms(texts: list[str]) -> set[str]:
    """What the posts push: the terms of their hashtags."""
    return {t for text in texts for h in hashtags(text) for t in stems(h)}


def keyphrase(queries: list[str], weights: list[float], head: str | None = None) -> str:
    """The topic's keyphrase by YAKE (up to three words) over its queries, most searched
    first, the best one holding the topic's term; the top query when YAKE finds none."""
    import yake

    order = sorted(range(len(queries)), key=lambda i: -weights[i])
    if len(order) == 1:
        return queries[order[0]]
    text = ".\n".join(queries[i] for i in order)
    found = [
        str(p).lower()
        for p, _ in yake.KeywordExtractor(lan="nl", n=3, top=10, dedupLim=0.9).extract_keywords(
            text
        )
    ]
    with_head = [p for p in found if head is None or head in stems(p)]
    return (with_head or found or [queries[order[0]]])[0]


def _social_only(
    uses: dict[str, int],
    n: int,
    query_terms: set[str] | frozenset[str],
    names: dict[str, str],
    settings: SearchGapSettings,
) -> tuple[SocialOnlyTerm, ...]:
    """Pushed terms (hashtags) that `uses[t]` of the `n` posts hold and no query does."""
    if n < MIN_POSTS:
        return ()
    found = [
        SocialOnlyTerm(t, names.get(t, t), c, share_interval(c, n))
        for t, c in uses.items()
        if c / n >= settings.min_social_share and t not in query_terms and t not in MODIFIERS
    ]
    found.sort(key=lambda s: (-s.posts, s.key))
    return tuple(found[: settings.max_items])


def _page_candidates(pages: pd.DataFrame, settings: SearchGapSettings) -> list[tuple[Any, str]]:
    """Pages on page one's edge with enough impressions, and the path a post would link."""
    p = _totals(pages)
    lo, hi = settings.striking
    out = []
    r: Any  # a row of _totals: value, impressions, clicks, position
    for r in p.itertuples(index=False):
        pos = None if r.position is None or math.isnan(r.position) else float(r.position)
        if pos is None or not lo <= pos <= hi or r.impressions < settings.min_page_impressions:
            continue
        page = str(r.value)
        path = urlparse(page).path.rstrip("/") if "://" in page else page.rstrip("/")
        if not path or path == "/":
            path = ""  # the home page: no post "links" it by its path
        out.append((r, path))
    return out


def _pages(
    candidates: list[tuple[Any, str]], linking: list[int], settings: SearchGapSettings
) -> tuple[PageToPromote, ...]:
    out = []
    for (r, path), linked in zip(candidates, linking, strict=True):
        if path and linked:
            continue
        out.append(
            PageToPromote(
                str(r.value),
                float(r.impressions),
                float(r.clicks),
                float(r.position),
                ctr_interval(r.clicks, r.impressions),
                0,
            )
        )
    return tuple(out[: settings.max_items])


def _paid(
    paid: pd.DataFrame,
    paid_specific: list[frozenset[str]],
    paid_covering: list[int],
    topics_rows: dict[str, list[int]],
    settings: SearchGapSettings,
) -> tuple[PaidTermToSupport, ...]:
    """Paid terms whose specific words (not brand, generic or modifier) no post holds."""
    out = []
    heads = set(topics_rows)
    r: Any  # a row of `paid`: value, impressions, clicks
    for r, terms, covering in zip(
        paid.itertuples(index=False), paid_specific, paid_covering, strict=True
    ):
        if not terms or covering or r.clicks <= 0:
            continue
        topic = next((t for t in sorted(terms) if t in heads), None)
        out.append(PaidTermToSupport(str(r.value), topic, float(r.impressions), float(r.clicks), 0))
    out.sort(key=lambda p: -p.clicks)
    return tuple(out[: settings.max_items])


__all__ = [
    "PageToPromote",
    "PaidTermToSupport",
    "SearchGapSettings",
    "SearchGapsResult",
    "SearchTopic",
    "SocialOnlyTerm",
    "ctr_interval",
    "group_queries",
    "pick_periods",
    "search_gaps",
    "share_interval",
]
