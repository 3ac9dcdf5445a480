"""Search gaps and untagged campaigns: speed against a same-run baseline, and whether the
planted gap and the planted untagged campaign are found at size.

    python benchmarks/marketing_search_gaps.py                      # 2,000 queries, 20,000 posts
    python benchmarks/marketing_search_gaps.py --queries 10000 --posts 100000

Search: synthetic Dutch queries and captions over 40 topics built from a small vocabulary; one
topic ("subsidie") has demand and never appears in a post. The baseline is the least work any
grouping needs: tokenising and stemming every query and post once (terms.term_sets). Figures:
seconds for the baseline and for search_gaps, their ratio, and whether "subsidie" is the top gap.

Campaigns: a year of daily GA4 rows (30 source / medium pairs) and `--campaigns` Meta
campaigns with daily clicks, one of them untagged and landing in (direct) / (none) at 0.8
sessions per click. The baseline is the daily pivot of sessions per source / medium that the
analysis starts from. Figures: seconds, ratio, and the estimated sessions per click with its
interval against the true 0.8.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from socialdesk.marketing.search import search_gaps
from socialdesk.marketing.site import untagged_campaigns
from socialdesk.marketing.terms import term_sets

HEADS = [
    "sedum",
    "insectenhotel",
    "regenton",
    "bijenhotel",
    "waterberging",
    "hittestress",
    "dakendag",
    "natuurwerkdag",
    "biodiversiteit",
    "zonnepanelen",
    "dakterras",
    "vogelhuisje",
    "compost",
    "moestuin",
    "kruidentuin",
    "vlinderstruik",
    "bloembollen",
    "snoeien",
    "regenwater",
    "tegels",
    "gevelgroen",
    "boomspiegel",
    "wormenbak",
    "egelhuis",
    "nestkast",
    "zaaien",
    "stekken",
    "bodemleven",
    "mulch",
    "vijver",
    "klimop",
    "hagen",
    "grasdak",
    "mos",
    "heide",
    "varens",
    "bessen",
    "fruitboom",
    "wilgen",
    "subsidie",
]
MODS = [
    "kosten",
    "aanleggen",
    "onderhoud",
    "kopen",
    "tips",
    "utrecht",
    "amsterdam",
    "rotterdam",
    "zelf",
    "prijs",
    "plaatsen",
    "beste",
]


def _search_data(
    n_queries: int, n_posts: int, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    heads = rng.choice(HEADS, size=n_queries)
    mods = rng.choice(MODS, size=(n_queries, 2))
    values = [
        f"{h} {a} {b} {i}" if i % 3 else f"{h} {a}"
        for i, (h, (a, b)) in enumerate(zip(heads, mods, strict=True))
    ]
    queries = pd.DataFrame(
        {
            "value": values,
            "clicks": rng.poisson(20, n_queries).astype(float),
            "impressions": rng.poisson(900, n_queries).astype(float),
            "position": rng.uniform(1, 20, n_queries),
        }
    )
    topics = rng.choice([h for h in HEADS if h != "subsidie"], size=n_posts)
    posts = pd.DataFrame(
        {
            "text": [
                f"Vandaag over {t}: zo pak je het aan in de tuin. #{t} #groendak" for t in topics
            ]
        }
    )
    return queries, posts


def _campaign_data(n_campaigns: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    days = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    n = len(days)
    web, ads = [], []
    sources = [("(direct)", "(none)")] + [(f"site{i}.nl", "referral") for i in range(29)]
    untagged = np.zeros(n)
    for c in range(n_campaigns):
        budget = np.repeat(rng.uniform(20, 120, size=n // 10 + 1), 10)[:n]
        clicks = rng.poisson(budget * 3)
        name = f"Campagne {c} | Voorjaar"
        if c == 0:
            untagged = clicks
        else:
            for d, k in zip(days.date, rng.binomial(clicks, 0.85), strict=True):
                web.append(
                    (
                        1,
                        "ta",
                        d,
                        d,
                        "facebook",
                        "paid_social",
                        f"campagne_{c}_voorjaar",
                        None,
                        float(k),
                        0.0,
                        0.0,
                        0.0,
                    )
                )
        for d, k in zip(days.date, clicks, strict=True):
            ads.append((c, name, "meta_ads", "ad_set:a|ad:1", d, d, 10.0, 1000.0, None, float(k)))
    direct = rng.poisson(90, n) + rng.binomial(untagged, 0.8)
    for s, m in sources:
        base = direct if s == "(direct)" else rng.poisson(15, n)
        for d, k in zip(days.date, base, strict=True):
            web.append(
                (
                    1,
                    "ta",
                    d,
                    d,
                    s,
                    m,
                    "(direct)" if s == "(direct)" else "(referral)",
                    None,
                    float(k),
                    0.0,
                    0.0,
                    0.0,
                )
            )
    web_cols = [
        "account_id",
        "report",
        "date_start",
        "date_end",
        "source",
        "medium",
        "campaign",
        "channel_group",
        "sessions",
        "engaged_sessions",
        "conversions",
        "revenue",
    ]
    ad_cols = [
        "campaign_id",
        "campaign",
        "platform",
        "grain",
        "date_start",
        "date_end",
        "spend",
        "impressions",
        "clicks",
        "link_clicks",
    ]
    return pd.DataFrame(web, columns=web_cols), pd.DataFrame(ads, columns=ad_cols)


def _best(fn, repeat: int) -> tuple[float, object]:
    """The fastest of `repeat` runs, each with the word caches emptied first."""
    from socialdesk.marketing import terms

    best, out = float("inf"), None
    for _ in range(repeat):
        terms._stems.cache_clear()
        terms.stem.cache_clear()
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--posts", type=int, default=20000)
    ap.add_argument("--campaigns", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(11)

    queries, posts = _search_data(args.queries, args.posts, rng)
    texts = list(queries["value"]) + list(posts["text"])
    base, _ = _best(lambda: term_sets(texts), args.repeat)
    took, result = _best(lambda: search_gaps(queries, posts), args.repeat)
    gaps = [t.name for t in result.gaps]
    print(f"search gaps: {args.queries:,} queries, {args.posts:,} posts")
    print(f"  baseline (tokenise + stem once): {base:.3f} s")
    print(f"  search_gaps:                     {took:.3f} s  ({took / base:.2f}x the baseline)")
    print(
        f"  topics {len(result.topics)}, gaps {gaps[:3]}; planted 'subsidie' found first: "
        f"{bool(gaps) and gaps[0] == 'subsidie'}"
    )

    web, ads = _campaign_data(args.campaigns, rng)
    base, _ = _best(
        lambda: web.pivot_table(
            index="date_start", columns=["source", "medium"], values="sessions", aggfunc="sum"
        ),
        args.repeat,
    )
    took, found = _best(lambda: untagged_campaigns(web, ads), args.repeat)
    bad = [c for c in found if not c.tagged]
    print(
        f"untagged campaigns: {args.campaigns} campaigns, {len(web):,} GA4 rows, "
        f"{len(ads):,} ad rows"
    )
    print(f"  baseline (daily pivot):          {base:.3f} s")
    print(f"  untagged_campaigns:              {took:.3f} s  ({took / base:.2f}x the baseline)")
    for c in bad:
        e = c.likely_landing.sessions_per_click if c.likely_landing else None
        shown = f"{e.value:.3f} ({e.low:.3f}-{e.high:.3f})" if e else "no landing found"
        print(f"  untagged: {c.campaign}: sessions per click {shown}, truth 0.800")
    print(f"  tagged campaigns matched: {sum(c.tagged for c in found)} of {args.campaigns - 1}")


if __name__ == "__main__":
    main()
