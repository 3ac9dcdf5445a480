"""Audiences: which topics and content types draw positive and negative reactions from whom.

Segments of authors: language, platform, reach (followers: <100, 100-1k, 1k-10k, 10k+) and
whether they wrote before (first-time or returning). For every segment and every topic or
content type with enough messages, the share negative and the share positive carry Wilson
intervals, and a two-sided test against all other messages of the same topic says whether
the segment reacts differently (Holm-corrected over all cells, so many cells do not make a
false finding likely).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from socialdesk.estimates import Estimate, holm
from socialdesk.inbox.alerts import topics_of
from socialdesk.inbox.sla import share

MIN_CELL = 10
REACH_BINS = [-np.inf, 100, 1_000, 10_000, np.inf]
REACH_LABELS = ["<100", "100-1k", "1k-10k", "10k+"]


@dataclass(frozen=True)
class AudienceCell:
    segment: str  # "language=nl"
    subject: str  # "topic=#zomer" or "content=video"
    n: int
    negative: Estimate
    positive: Estimate
    p_value: float | None  # negative share vs the rest of this subject, Holm-corrected
    differs: bool


def segments(messages: pd.DataFrame) -> pd.DataFrame:
    """One column per segment kind, per message."""
    out = pd.DataFrame(index=messages.index)
    out["language"] = messages["language"].fillna("?")
    out["platform"] = messages["platform"]
    followers = pd.to_numeric(messages["author_followers"], errors="coerce")
    out["reach"] = (
        pd.cut(followers, REACH_BINS, labels=REACH_LABELS).astype(object).fillna("unknown")
    )
    order = pd.to_datetime(messages["received_at"]).rank(method="first")
    first = order.groupby(messages["author_handle"]).transform("min") == order
    out["author"] = np.where(first, "first-time", "returning")
    return out


def audience_reactions(
    messages: pd.DataFrame, posts: pd.DataFrame | None = None
) -> list[AudienceCell]:
    """`messages`: text, sentiment, language, platform, author_handle, author_followers,
    received_at, is_from_org, post_external_id; `posts`: external_id, media_type."""
    from scipy.stats import fisher_exact

    m = messages[~messages["is_from_org"].astype(bool) & messages["sentiment"].notna()].copy()
    if m.empty:
        return []
    seg = segments(m)
    subjects = pd.Series(
        [
            [f"topic={t}" for t in topics_of(text) if not t.startswith("post:")]
            for text in m["text"]
        ],
        index=m.index,
    )
    if posts is not None and not posts.empty and "post_external_id" in m:
        media = m["post_external_id"].map(posts.set_index("external_id")["media_type"].to_dict())
        subjects = subjects + media.map(lambda v: [f"content={v}"] if isinstance(v, str) else [])
    long = m.assign(subject=subjects).explode("subject").dropna(subset=["subject"])
    if long.empty:
        return []
    raw: list[tuple[str, str, int, int, int, float | None]] = []
    for kind in seg.columns:
        long[kind] = seg.loc[long.index, kind].to_numpy()
        for (subject, value), cell in long.groupby(["subject", kind]):
            n = len(cell)
            if n < MIN_CELL:
                continue
            neg = int((cell["sentiment"] == "negative").sum())
            pos = int((cell["sentiment"] == "positive").sum())
            rest = long[(long["subject"] == subject) & (long[kind] != value)]
            p = None
            if len(rest) >= MIN_CELL:
                rneg = int((rest["sentiment"] == "negative").sum())
                p = float(fisher_exact([[neg, n - neg], [rneg, len(rest) - rneg]])[1])
            raw.append((f"{kind}={value}", str(subject), n, neg, pos, p))
    tested = {i: r[5] for i, r in enumerate(raw) if r[5] is not None}
    adjusted = dict(zip(tested, holm(tested.values()), strict=True))
    cells = [
        AudienceCell(
            s,
            subj,
            n,
            share(neg, n, "share negative"),
            share(pos, n, "share positive"),
            adjusted.get(i),
            adjusted.get(i, 1.0) < 0.05,
        )
        for i, (s, subj, n, neg, pos, _p) in enumerate(raw)
    ]
    return sorted(cells, key=lambda c: (not c.differs, -(c.negative.value or 0)))


__all__ = ["AudienceCell", "audience_reactions", "segments"]
