"""What changed, in a few plain sentences (pure): the biggest rise and the biggest fall among
the changes the overview shows, and how many of its figures rose and fell.

Only a change the page shows counts: both periods have the figure, and a summed figure has
it on at least 90% of the days of each (`periods.COVERAGE_FOR_CHANGE`). A rise from a small
number says little ("3 to 9 clicks: +200%"), so the biggest rise and fall are chosen among
figures whose earlier value is at least MIN_BASE (posts: MIN_POSTS); the counts take every
shown change. Ad spend has its own block and is left out here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from socialdesk.overview.summary import FIGURES, PlatformOverview

MIN_BASE = 100.0
MIN_POSTS = 5.0


@dataclass(frozen=True)
class Highlight:
    platform: str
    key: str  # the figure (followers, reach, posts...)
    current: float
    previous: float
    change: float  # relative: 0.12 is +12%


@dataclass(frozen=True)
class Highlights:
    rise: Highlight | None  # the largest relative rise among figures with a large enough base
    fall: Highlight | None  # the largest relative fall, likewise
    compared: int  # figures whose change the page shows
    rose: int
    fell: int


def highlights(platforms: Sequence[PlatformOverview]) -> Highlights:
    shown: list[Highlight] = []
    for plat in platforms:
        for key in FIGURES:
            c = plat.figures.get(key)
            if c is None or c.change is None or c.partial:
                continue
            if c.current is None or c.previous is None:
                continue
            shown.append(Highlight(plat.platform, key, c.current, c.previous, c.change))

    def large(h: Highlight) -> bool:
        return h.previous >= (MIN_POSTS if h.key == "posts" else MIN_BASE)

    ups = [h for h in shown if h.change > 0 and large(h)]
    downs = [h for h in shown if h.change < 0 and large(h)]
    rise = max(ups, key=lambda h: (h.change, h.current), default=None)
    fall = min(downs, key=lambda h: (h.change, -h.current), default=None)
    return Highlights(
        rise,
        fall,
        len(shown),
        sum(1 for h in shown if h.change > 0),
        sum(1 for h in shown if h.change < 0),
    )
