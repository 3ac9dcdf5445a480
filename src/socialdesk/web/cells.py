"""A figure and its change against the period before, as the overview's cards and tables
show them: "12.345" and "+2,5% t.o.v. 12.045".

Python rather than Jinja macros: the 365-day overview of an agency writes some 1,300 of
these, and a macro call costs several times a function call. Every piece of text is escaped
by `Markup.format`.
"""

from __future__ import annotations

import functools
from typing import Any

from markupsafe import Markup

from socialdesk.charts import localise
from socialdesk.i18n import formats, gettext


class FigureCells:
    """`value` and `change` of a Comparison (`overview.periods.Comparison`) in one language,
    and `chart`: a Vega-Lite spec in that language's number and date formats."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.fmt = formats(locale)
        self._no_data = Markup('<span class="nodata" title="{0}">{0}</span>').format(
            gettext(locale, "no data")
        )
        self._partial = Markup('<span class="chg partial">{}</span>').format(
            gettext(locale, "incomplete period")
        )
        self._no_earlier = Markup('<span class="chg">{}</span>').format(
            gettext(locale, "no earlier data")
        )
        self._before = gettext(locale, "before")
        self._vs = gettext(locale, "vs")

    def _amount(self, value: float, key: str, currency: str | None) -> str:
        return self.fmt.money(value, currency) if key == "spend" else self.fmt.number(value)

    def value(self, c: Any, key: str, currency: str | None = None) -> Markup:
        """The current figure, or "no data"."""
        if c is None or c.current is None:
            return self._no_data
        return Markup("{}").format(self._amount(c.current, key, currency))

    def change(self, c: Any, key: str, currency: str | None = None) -> Markup:
        """The change against the period before, with the earlier figure; empty when
        neither period has the figure."""
        if c is None or (c.current is None and c.previous is None):
            return Markup("")
        if c.partial:
            return self._partial
        if c.change is None:
            if c.previous is None:
                return self._no_earlier
            return Markup('<span class="chg">{}: {}</span>').format(
                self._before, self._amount(c.previous, key, currency)
            )
        direction = "up" if c.change > 0 else ("down" if c.change < 0 else "flat")
        return Markup('<span class="chg {}">{} <span class="muted">{} {}</span></span>').format(
            direction,
            self.fmt.change(c.change),
            self._vs,
            self._amount(c.previous, key, currency),
        )

    def chart(
        self,
        spec: dict[str, Any] | None,
        x: str | None = None,
        y: str | None = None,
        color: str | None = None,
    ) -> dict[str, Any] | None:
        """A chart's spec as Vega should draw it on this page: Dutch numbers and dates on a
        Dutch page, with axis titles (`charts.localise`). In a template:
        `{{ cells.chart(spec, x=_("Daily spend") ~ " (EUR)")|tojson }}`."""
        return localise(spec, self.locale, x=x, y=y, color=color)


@functools.cache
def figure_cells(locale: str) -> FigureCells:
    return FigureCells(locale)
