"""Words the pages show for values that come from the data (roles, statuses, media types).

Marked with N_() so the gettext catalogue has them; the template helper `label(kind, key)`
(`LABELS.say`) translates them when shown, and shows an unknown value as it is. Metrics are
the exception: their names come from the metrics catalogue (metrics.toml, `short` else
`label`) in the page's language, so `LABELS["metric"]` only lists their English names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from socialdesk.catalogue.catalogue import Metric, registry
from socialdesk.i18n import N_


def metric_labels(catalogue: Mapping[str, Metric] | None = None) -> dict[str, str]:
    """Every catalogue metric's name in English, as a table heading or a list shows it."""
    cat = registry().metrics if catalogue is None else catalogue
    return {name: m.short_in("en") for name, m in cat.items()}


def metric_label(
    name: str, locale: str, catalogue: Mapping[str, Metric] | None = None
) -> str | None:
    """A metric's name in a heading or a list in `locale`; None when it is no metric."""
    cat = registry().metrics if catalogue is None else catalogue
    m = cat.get(name)
    return m.short_in(locale) if m is not None else None


class Labels(dict[str, dict[str, str]]):
    """LABELS: kind -> value -> English word; `say` shows one in the page's language."""

    def say(self, kind: str, key: str | None, locale: str, translate: Callable[[str], str]) -> str:
        if not key:
            return ""
        if kind == "metric":
            name = metric_label(key, locale)
            if name is not None:
                return name
        return translate(self.get(kind, {}).get(key, key))


_WORDS: dict[str, dict[str, str]] = {
    "role": {"viewer": N_("viewer"), "editor": N_("editor"), "admin": N_("admin")},
    "status": {
        "imported": N_("imported"),
        "unchanged": N_("unchanged"),
        "failed": N_("failed"),
        "not-recognised": N_("not recognised"),
        "would-import": N_("would import"),
    },
    "media": {
        "photo": N_("photo"),
        "video": N_("video"),
        "reel": N_("reel"),
        "carousel": N_("carousel"),
        "link": N_("link"),
        "text": N_("text"),
        "story": N_("story"),
        "other": N_("other"),
    },
    "metric": metric_labels(),
    "nav": {
        "overview": N_("Overview"),
        "posts": N_("Posts"),
        "visual": N_("Visuals"),
        "ads": N_("Advertising"),
        "marketing": N_("Marketing"),
        "analytics": N_("Analytics"),
        "inbox": N_("Inbox"),
        "imports": N_("Imports"),
        "connections": N_("Connections"),
        "reports": N_("Reports"),
        "users": N_("Users"),
    },
}
LABELS: Labels = Labels(_WORDS)
