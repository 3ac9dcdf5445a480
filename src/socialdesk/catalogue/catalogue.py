"""Load metrics.toml into typed, frozen Metric objects.

    from socialdesk.catalogue import get_metric, metrics
    er = get_metric("engagement_rate")
    er.numerator, er.denominator          # ("interactions", "reactions|likes"...) -> see terms
    er.definition_in("nl")
    er.formula_in("nl")                   # "interacties / bereik" (er.formula is the English)

A term written "a|b" means "a, else b": the first of the columns that the row has (so
Facebook's reactions and Instagram's likes count as one thing). The catalogue is data: its
names are snake_case, and every stored column of socialdesk.model appears in it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

CATALOGUE_FILE = Path(__file__).with_name("metrics.toml")

UNITS = (
    "count",
    "people",
    "money",
    "fraction",
    "money_per_click",
    "money_per_mille",
    "ratio",
    "seconds",
    "hours",
    "position",
)
DIRECTIONS = ("up", "down", "neutral")
KINDS = ("base", "sum", "ratio", "per_follower", "growth")
AGGREGATES = ("sum", "last", "weighted_mean")
TABLES = ("post_metrics", "account_day", "ad_day", "web_day", "search_performance")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogueError(ValueError):
    """metrics.toml is inconsistent; the message names the metric and the field."""


class UnknownMetric(KeyError):
    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        close = [k for k in known if name.replace("-", "_") in k or k in name][:5]
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        super().__init__(
            f"no metric named {name!r} in the catalogue.{hint} "
            "Run 'socialdesk metrics' for the list."
        )
        self.name = name


@dataclass(frozen=True)
class Source:
    """Where one platform's export puts a metric."""

    platform: str
    format: str  # importer module name (socialdesk.importers.<format>)
    field: str  # the importer's field: a key of its COLUMNS (or of the named sheet's)
    header: str  # the column header as the export writes it (English)
    table: str  # where the importer stores it
    sheet: str | None = None
    note: dict[str, str] = field(default_factory=dict)

    def note_in(self, locale: str) -> str:
        return self.note.get(locale) or self.note.get("en", "")


@dataclass(frozen=True)
class Metric:
    name: str
    label: dict[str, str]
    definition: dict[str, str]
    unit: str
    direction: str
    kind: str
    formula: str  # in English, as the CLI and the JSON twins show it
    tables: tuple[str, ...] = ()
    aggregate: str | None = None
    weight: str | None = None
    terms: tuple[str, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 1.0
    family: str | None = None
    available: bool = True
    counted: dict[str, str] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()
    formulas: dict[str, str] = field(default_factory=dict)  # {nl, en}

    def label_in(self, locale: str) -> str:
        return self.label.get(locale) or self.label["en"]

    def definition_in(self, locale: str) -> str:
        return self.definition.get(locale) or self.definition["en"]

    def formula_in(self, locale: str) -> str:
        return self.formulas.get(locale) or self.formula

    @property
    def is_base(self) -> bool:
        return self.kind == "base"

    @property
    def platforms(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in self.sources:
            seen.setdefault(s.platform, None)
        for p in self.counted:
            seen.setdefault(p, None)
        return tuple(seen)

    def sources_for(self, platform: str) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.platform == platform)

    @property
    def inputs(self) -> tuple[str, ...]:
        """The base metrics this one is computed from (alternatives 'a|b' split)."""
        parts: list[str] = []
        for term in (*self.terms, self.numerator or "", self.denominator or ""):
            parts += [p for p in term.split("|") if p]
        return tuple(dict.fromkeys(parts))


def _metric(name: str, raw: dict[str, Any]) -> Metric:
    def need(key: str) -> Any:
        if key not in raw:
            raise CatalogueError(f"metrics.{name}: '{key}' is missing")
        return raw[key]

    if not _NAME.match(name):
        raise CatalogueError(f"metrics.{name}: names are snake_case")
    label, definition, formula = need("label"), need("definition"), need("formula")
    if isinstance(formula, str):  # a formula in English only
        formula = {"en": formula}
    texts = (("label", label), ("definition", definition), ("formula", formula))
    for what, value in texts:
        if not isinstance(value, dict) or not all(str(v).strip() for v in value.values()):
            raise CatalogueError(f"metrics.{name}: '{what}' needs nl and en")
        if set(value) != {"nl", "en"} and not (what == "formula" and set(value) == {"en"}):
            raise CatalogueError(f"metrics.{name}: '{what}' needs nl and en")
    checks = (("unit", UNITS), ("direction", DIRECTIONS), ("kind", KINDS))
    for key, allowed in checks:
        if need(key) not in allowed:
            raise CatalogueError(f"metrics.{name}: {key} {raw[key]!r} is not one of {allowed}")
    aggregate = raw.get("aggregate")
    if raw["kind"] == "base" and aggregate not in AGGREGATES:
        raise CatalogueError(f"metrics.{name}: a base metric needs aggregate in {AGGREGATES}")
    if aggregate == "weighted_mean" and not raw.get("weight"):
        raise CatalogueError(f"metrics.{name}: weighted_mean needs 'weight'")
    if raw["kind"] in ("ratio", "per_follower") and not (
        raw.get("numerator") and raw.get("denominator")
    ):
        raise CatalogueError(f"metrics.{name}: a {raw['kind']} needs numerator and denominator")
    if raw["kind"] == "sum" and not raw.get("terms"):
        raise CatalogueError(f"metrics.{name}: a sum needs terms")
    tables = tuple(raw.get("tables", ()))
    for t in tables:
        if t not in TABLES:
            raise CatalogueError(f"metrics.{name}: unknown table {t!r}")
    sources = []
    for i, s in enumerate(raw.get("sources", ())):
        missing = {"platform", "format", "field", "header", "table"} - set(s)
        if missing:
            raise CatalogueError(f"metrics.{name}.sources[{i}]: missing {sorted(missing)}")
        sources.append(
            Source(
                platform=s["platform"],
                format=s["format"],
                field=s["field"],
                header=s["header"],
                table=s["table"],
                sheet=s.get("sheet"),
                note=dict(s.get("note", {})),
            )
        )
    return Metric(
        name=name,
        label=dict(label),
        definition=dict(definition),
        unit=raw["unit"],
        direction=raw["direction"],
        kind=raw["kind"],
        formula=formula["en"],
        tables=tables,
        aggregate=aggregate,
        weight=raw.get("weight"),
        terms=tuple(raw.get("terms", ())),
        numerator=raw.get("numerator"),
        denominator=raw.get("denominator"),
        scale=float(raw.get("scale", 1.0)),
        family=raw.get("family"),
        available=bool(raw.get("available", True)),
        counted=dict(raw.get("counted", {})),
        sources=tuple(sources),
        formulas=dict(formula),
    )


def load_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, Metric]:
    """Read and check a catalogue file; raises CatalogueError naming what is wrong."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    found = {name: _metric(name, body) for name, body in raw.get("metrics", {}).items()}
    for m in found.values():  # every input of a derived metric is itself in the catalogue
        for part in m.inputs:
            if part not in found and m.available:
                raise CatalogueError(f"metrics.{m.name}: input {part!r} is not in the catalogue")
    return found


@cache
def _catalogue() -> dict[str, Metric]:
    return load_catalogue()


def metrics() -> tuple[Metric, ...]:
    """Every metric of the catalogue, in the file's order."""
    return tuple(_catalogue().values())


def metric_names() -> tuple[str, ...]:
    return tuple(_catalogue())


def get_metric(name: str) -> Metric:
    """The metric called `name` (snake_case; '-' is read as '_')."""
    cat = _catalogue()
    key = name.strip().lower().replace("-", "_")
    if key not in cat:
        raise UnknownMetric(name, tuple(cat))
    return cat[key]
