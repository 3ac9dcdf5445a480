"""What each figure on the cockpit means, in Dutch and English.

The metric catalogue says it ([figures.*] in socialdesk/catalogue/metrics.toml: the metric a
figure shows, its name and what it means over a period); the pages read it from here, so a
definition is always one click away from its figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialdesk.catalogue.catalogue import Registry
from socialdesk.catalogue.catalogue import registry as catalogue_registry
from socialdesk.catalogue.platforms import PLATFORM_NAMES, platform_name  # noqa: F401 (the faces')


@dataclass(frozen=True)
class Definition:
    key: str
    label: dict[str, str]
    text: dict[str, str]
    kind: str  # "stock" (value at the end of a period), "flow" (sum over it), "money", "rate"
    metric: str | None = None  # the catalogue metric the figure shows (None: "posts")

    def label_in(self, locale: str) -> str:
        return self.label.get(locale, self.label["en"])

    def text_in(self, locale: str) -> str:
        return self.text.get(locale, self.text["en"])


def definitions(registry: Registry | None = None) -> dict[str, Definition]:
    """The overview's figures as metrics.toml states them ([figures.*]), in its order."""
    shown = (registry or catalogue_registry()).figures
    return {
        k: Definition(k, dict(f.label), dict(f.text), f.kind, f.metric) for k, f in shown.items()
    }


def overview_metrics(registry: Registry | None = None) -> tuple[str, ...]:
    """The overview's cards, in order: the figures not marked `overview = false`."""
    return tuple(k for k, f in (registry or catalogue_registry()).figures.items() if f.overview)


DEFINITIONS: dict[str, Definition] = definitions()
OVERVIEW_METRICS: tuple[str, ...] = overview_metrics()
