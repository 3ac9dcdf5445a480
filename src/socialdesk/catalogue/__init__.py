"""The metrics catalogue: one list of canonical metrics, their meaning in Dutch and English,
and for each platform the export column it comes from (metrics.toml, loaded by catalogue.py).

Pages, the CLI and reports read definitions from here: `get_metric(name).definition_in(locale)`.
"""

from socialdesk.catalogue.catalogue import (
    CATALOGUE_FILE,
    CatalogueError,
    Metric,
    Source,
    UnknownMetric,
    get_metric,
    load_catalogue,
    metric_names,
    metrics,
)

__all__ = [
    "CATALOGUE_FILE",
    "CatalogueError",
    "Metric",
    "Source",
    "UnknownMetric",
    "get_metric",
    "load_catalogue",
    "metric_names",
    "metrics",
]
