"""The metrics catalogue: one list of canonical metrics, their meaning in Dutch and English,
and for each platform the export column it comes from (metrics.toml, loaded by catalogue.py).

Pages, the CLI and reports read definitions from here: `get_metric(name).definition_in(locale)`.
It is the one registry of metrics: the overview's figures ([figures.*], read by
overview/definitions.py), the pages' metric names (`short_in`, read by web/labels.py), the
words of sentences (`noun_in`, `word`) and the model's metric columns (`tables`, read by
model.py through `stored_columns`) all come from metrics.toml.
"""

from socialdesk.catalogue.catalogue import (
    CATALOGUE_FILE,
    CatalogueError,
    Figure,
    Metric,
    Registry,
    Source,
    UnknownMetric,
    Word,
    figures,
    get_metric,
    load_catalogue,
    metric_names,
    metrics,
    read_registry,
    registry,
    stored_columns,
)

__all__ = [
    "CATALOGUE_FILE",
    "CatalogueError",
    "Figure",
    "Metric",
    "Registry",
    "Source",
    "UnknownMetric",
    "Word",
    "figures",
    "get_metric",
    "load_catalogue",
    "metric_names",
    "metrics",
    "read_registry",
    "registry",
    "stored_columns",
]
