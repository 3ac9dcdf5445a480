"""KPI trees: a goal metric as a product of factors, and what each factor did to a change.

A tree is a chain of sums c0, c1, …, ck over the same rows (the rows where every one is
known). The goal is ck = c0 × (c1/c0) × … × (ck/ck−1), or for a ratio goal (ROAS) ck/c0 =
(c1/c0) × … × (ck/ck−1). Between two periods the change of the goal is split over the
factors with the logarithmic mean Divisia index (LMDI-I, Ang 2004):

    contribution_k = L(Y1, Y0) · ln(f_k,1 / f_k,0),   L(a, b) = (a − b) / (ln a − ln b)

The contributions add up to Y1 − Y0 exactly (the logs of the factors add up to the log of
the goal), whatever the order of the factors. A factor that is zero in either period has no
logarithm: the change is then reported as not decomposable, with the reason.

These are observed figures, not estimates: the decomposition is an identity, so it has no
interval. How firm each factor is can be read from the KPI pages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from socialdesk.catalogue import get_metric, metrics
from socialdesk.phrases import Phrase


@dataclass(frozen=True)
class Tree:
    name: str
    title: str
    chain: tuple[str, ...]
    domain: str
    ratio_goal: bool = False  # goal = last / first (ROAS) instead of the last sum

    @property
    def goal(self) -> str:
        if self.ratio_goal:
            return _ratio_name(self.chain[-1], self.chain[0])
        return self.chain[-1].split("|")[0]

    def factor_names(self) -> tuple[str, ...]:
        names = [] if self.ratio_goal else [self.chain[0].split("|")[0]]
        for prev, cur in pairwise(self.chain):
            names.append(_ratio_name(cur, prev))
        return tuple(names)


TREES: dict[str, Tree] = {
    t.name: t
    for t in (
        Tree(
            "engagement",
            Phrase("interactions = posts × reach per post × engagement rate"),
            ("posts", "reach", "interactions"),
            "posts",
        ),
        Tree(
            "engagement_impressions",
            Phrase(
                "interactions = posts × impressions per post × engagement rate (by impressions)"
            ),
            ("posts", "impressions|views", "interactions"),
            "posts",
        ),
        Tree(
            "conversions",
            Phrase("conversions = impressions × CTR × conversion rate"),
            ("impressions", "clicks", "conversions"),
            "ads",
        ),
        Tree(
            "roas",
            Phrase("ROAS = 1000 / CPM × CTR × conversion rate × value per conversion"),
            ("spend", "impressions", "clicks", "conversions", "conversion_value"),
            "ads",
            ratio_goal=True,
        ),
        Tree(
            "clicks",
            Phrase("clicks = spend × impressions per money unit (1000 / CPM) × CTR"),
            ("spend", "impressions", "clicks"),
            "ads",
        ),
        Tree(
            "web_conversions",
            Phrase("conversions = sessions × session conversion rate"),
            ("sessions", "conversions"),
            "web",
        ),
    )
}

_SPECIAL = {
    ("reach", "posts"): "reach_per_post",
    ("impressions|views", "posts"): "impressions_per_post",
    ("impressions", "spend"): "impressions_per_spend",
    ("interactions", "impressions|views"): "engagement_rate_impressions",
}


def _ratio_name(num: str, den: str) -> str:
    if (num, den) in _SPECIAL:
        return _SPECIAL[(num, den)]
    for m in metrics():
        if m.kind == "ratio" and m.numerator == num and m.denominator == den:
            return m.name
    return f"{num.split('|')[0]}_per_{den.split('|')[0]}"


# factors that are no metric of the catalogue, by name (translated when shown)
FACTOR_WORDS = {
    "posts": Phrase("posts"),
    "reach_per_post": Phrase("reach per post"),
    "impressions_per_post": Phrase("impressions per post"),
    "impressions_per_spend": Phrase("impressions per money unit"),
}


def factor_label(name: str, locale: str = "en") -> str:
    """The catalogue's label of a factor in `locale`; a factor the catalogue does not have is
    a Phrase (English; a page translates it) or its name."""
    try:
        return get_metric(name).label_in(locale)
    except KeyError:
        return FACTOR_WORDS.get(name) or name.replace("_", " ")


@dataclass(frozen=True)
class FactorChange:
    name: str
    before: float
    after: float
    contribution: float  # in units of the goal; the contributions add up to the change
    share: float | None  # contribution / change (None when the goal did not change)


@dataclass(frozen=True)
class TreeChange:
    tree: str
    goal: str
    before: float | None
    after: float | None
    change: float | None
    factors: tuple[FactorChange, ...]
    decomposable: bool
    note: str = ""
    rows_before: int = 0
    rows_after: int = 0


def factors(tree: Tree, sums: Sequence[float]) -> list[float]:
    values = [] if tree.ratio_goal else [float(sums[0])]
    for prev, cur in pairwise(sums):
        values.append(float(cur) / float(prev) if prev else math.nan)
    return values


def goal_value(tree: Tree, sums: Sequence[float]) -> float:
    if tree.ratio_goal:
        return float(sums[-1]) / float(sums[0]) if sums[0] else math.nan
    return float(sums[-1])


def log_mean(a: float, b: float) -> float:
    """The logarithmic mean L(a, b); L(a, a) = a."""
    if a == b:
        return a
    return (a - b) / (math.log(a) - math.log(b))


def decompose(
    tree: Tree,
    before: Sequence[float] | None,
    after: Sequence[float] | None,
    rows_before: int = 0,
    rows_after: int = 0,
) -> TreeChange:
    """Split the change of the tree's goal between two periods over its factors (LMDI-I)."""
    names = tree.factor_names()
    if before is None or after is None or not rows_before or not rows_after:
        which = Phrase("the first period") if not rows_before else Phrase("the second period")
        return TreeChange(
            tree.name,
            tree.goal,
            None,
            None,
            None,
            (),
            False,
            Phrase("not enough data: no rows with every factor in %(which)s", which=which),
            rows_before,
            rows_after,
        )
    y0, y1 = goal_value(tree, before), goal_value(tree, after)
    f0, f1 = factors(tree, before), factors(tree, after)
    bad = [
        n
        for n, a, b in zip(names, f0, f1, strict=True)
        if not (a > 0 and b > 0) or math.isnan(a) or math.isnan(b)
    ]
    if bad or not (y0 > 0 and y1 > 0):
        return TreeChange(
            tree.name,
            tree.goal,
            y0,
            y1,
            y1 - y0,
            tuple(
                FactorChange(n, a, b, math.nan, None) for n, a, b in zip(names, f0, f1, strict=True)
            ),
            False,
            Phrase(
                "not decomposable: %(factors)s is zero in a period",
                factors=", ".join(bad) or tree.goal,
            ),
            rows_before,
            rows_after,
        )
    weight = log_mean(y1, y0)
    change = y1 - y0
    out = []
    for n, a, b in zip(names, f0, f1, strict=True):
        c = weight * math.log(b / a)
        out.append(FactorChange(n, a, b, c, c / change if change else None))
    return TreeChange(
        tree.name, tree.goal, y0, y1, change, tuple(out), True, "", rows_before, rows_after
    )
