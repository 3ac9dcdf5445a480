"""A post's figures next to the account's usual post: pure functions over plain rows.

"The usual post" is the median of the account's last USUAL_WINDOW posts published before
this one (an account is on one platform, so these are posts of the same platform), each
at its latest snapshot, like the post itself. Per figure: the post's value, that median,
their ratio and the share of those posts that this post beats (strictly higher). A figure
that fewer than MIN_COMPARED of those posts have gets no comparison: too few to say what
is usual. Nothing here is an estimate; the median describes the posts compared.

The engagement rate is the catalogue's: interactions per person reached
(`engagement_rate`), and for a post without reach interactions per impression, else per
view (`engagement_rate_impressions`); the earlier posts are rated on the same basis.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

USUAL_WINDOW = 50  # the last this many posts before the post
MIN_COMPARED = 5  # fewer posts with the figure: no comparison

# the figures a post page always lists (a dash where the platform gave none), in order;
# any other figure of the snapshot follows them
MAIN_FIGURES: tuple[str, ...] = (
    "likes",
    "comments",
    "shares",
    "saves",
    "interactions",
    "engagement_rate",
    "reach",
    "impressions",
    "views",
)
# where the other figures of a snapshot go among them (the rest follow in the snapshot's order)
_ORDER: tuple[str, ...] = (
    "likes",
    "reactions",
    "comments",
    "shares",
    "saves",
    "interactions",
    "engagements",
    "engagement_rate",
    "reach",
    "impressions",
    "views",
)


def rate_basis(figures: Mapping[str, float | None]) -> str | None:
    """The denominator of the post's engagement rate: reach where it has one, else
    impressions (or views); None when it has neither or no interactions."""
    if figures.get("interactions") is None:
        return None
    if figures.get("reach"):
        return "reach"
    if figures.get("impressions"):
        return "impressions"
    if figures.get("views"):
        return "views"
    return None


def engagement_rate(figures: Mapping[str, float | None], basis: str | None) -> float | None:
    interactions = figures.get("interactions")
    if interactions is None or basis is None:
        return None
    below = figures.get(basis)
    return interactions / below if below else None


@dataclass(frozen=True)
class Figure:
    """One figure of the post against the account's usual post."""

    key: str  # a snapshot metric, or "engagement_rate"
    value: float | None  # the post's (None: the platform gave none)
    usual: float | None = None  # the median of the earlier posts that have the figure
    compared: int = 0  # how many earlier posts have it
    ratio: float | None = None  # value / usual (None: no comparison, or a usual of 0)
    beats: float | None = None  # share of those posts with a lower figure (0..1)

    @property
    def comparable(self) -> bool:
        return self.value is not None and self.usual is not None


@dataclass(frozen=True)
class UsualPost:
    """What the post's figures are compared with."""

    window: int  # at most this many earlier posts
    posts: int  # earlier posts found
    first: dt.datetime | None  # the oldest of them
    last: dt.datetime | None  # the newest of them
    rate_basis: str | None  # "reach", "impressions" or "views": the first the post has
    figures: tuple[Figure, ...]


def compare(
    key: str, value: float | None, others: Sequence[float | None], *, minimum: int = MIN_COMPARED
) -> Figure:
    """The post's `value` against the same figure of earlier posts (None: not given)."""
    present = [v for v in others if v is not None]
    if value is None or len(present) < minimum:
        return Figure(key, value, compared=len(present))
    usual = float(statistics.median(present))
    ratio = value / usual if usual > 0 else None
    beats = sum(1 for v in present if v < value) / len(present)
    return Figure(key, value, usual, len(present), ratio, beats)


def usual_post(
    latest: Mapping[str, float | None],
    earlier: Sequence[tuple[dt.datetime | None, Mapping[str, float | None]]],
    *,
    window: int = USUAL_WINDOW,
    minimum: int = MIN_COMPARED,
) -> UsualPost:
    """The post's figures (`latest`: its latest snapshot) against `earlier` (the account's
    last posts before it, each with its latest snapshot's figures): the main figures
    always, any other figure the post has after them."""
    basis = rate_basis(latest)
    keys = [k for k in _ORDER if k in MAIN_FIGURES or latest.get(k) is not None]
    keys += [k for k, v in latest.items() if k not in _ORDER and k != "as_of" and v is not None]
    out = []
    for key in keys:
        if key == "engagement_rate":
            value = engagement_rate(latest, basis)
            others = [engagement_rate(f, basis) for _, f in earlier]
        else:
            value = latest.get(key)
            others = [f.get(key) for _, f in earlier]
        out.append(compare(key, value, others, minimum=minimum))
    times = [t for t, _ in earlier if t is not None]
    return UsualPost(
        window=window,
        posts=len(earlier),
        first=min(times, default=None),
        last=max(times, default=None),
        rate_basis=basis,
        figures=tuple(out),
    )
