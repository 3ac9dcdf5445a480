"""Load metrics.toml into typed, frozen Metric objects.

    from socialdesk.catalogue import get_metric, metrics
    er = get_metric("engagement_rate")
    er.numerator, er.denominator          # ("interactions", "reactions|likes"...) -> see terms
    er.definition_in("nl")
    er.formula_in("nl")                   # "interacties / bereik" (er.formula is the English)
    get_metric("shares").short_in("nl")   # "Gedeeld": its name in a table heading or a list
    get_metric("shares").word             # "shares" in an English sentence, "deelacties" on
                                          # a Dutch page (a Phrase: see `Word`)
    figures()["post_reach"]               # a figure of the overview: label, text and kind

A term written "a|b" means "a, else b": the first of the columns that the row has (so
Facebook's reactions and Instagram's likes count as one thing). The catalogue is data: its
names are snake_case, and every stored column of socialdesk.model appears in it.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

from socialdesk.phrases import NumberFormats, Phrase, Translate

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
METRIC_KEYS = frozenset(
    {
        "label",
        "short",
        "noun",
        "definition",
        "unit",
        "direction",
        "kind",
        "tables",
        "aggregate",
        "weight",
        "formula",
        "terms",
        "numerator",
        "denominator",
        "scale",
        "family",
        "available",
        "counted",
        "sources",
    }
)
FIGURE_KEYS = frozenset({"metric", "label", "text", "overview"})
FIGURE_KINDS = ("stock", "flow", "money", "rate")
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


class Word(Phrase):
    """A metric named in a sentence ("the interactions of photos"): the English noun as the
    string (JSON twins, the CLI), and on a page the catalogue's noun in the page's language
    (`say(_, fmt)` reads the language from `fmt`), not a gettext message."""

    texts: dict[str, str]

    def __new__(cls, texts: dict[str, str]) -> Word:
        self = cast("Word", super().__new__(cls, texts["en"]))
        self.texts = dict(texts)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Word, (dict(self.texts),))

    def say(self, translate: Translate | None = None, fmt: NumberFormats | None = None) -> str:
        locale = getattr(fmt, "locale", None)
        if isinstance(locale, str) and locale in self.texts:
            return self.texts[locale]
        return super().say(translate, fmt)


@dataclass(frozen=True)
class Source:
    """Where one platform's export puts a metric."""

    platform: str
    format: str  # importer module name (socialdesk.importers.<format>)
    field: str  # the importer's field: a key of its COLUMNS (or of the named sheet's)
    header: str  # the column header as the export writes it (English)
    table: str  # where the importer stores it
    sheet: str | None = None
    # dataclasses.field: the `field` above names the importer's field in this class
    note: dict[str, str] = dataclasses.field(default_factory=dict)

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
    short: dict[str, str] = field(default_factory=dict)  # {nl, en}; absent: the label
    noun: dict[str, str] = field(default_factory=dict)  # {nl, en}, lower case, in a sentence

    def label_in(self, locale: str) -> str:
        return self.label.get(locale) or self.label["en"]

    def short_in(self, locale: str) -> str:
        """The name in a table heading or a list (the label, unless metrics.toml says
        `short`)."""
        return self.short.get(locale) or self.label_in(locale)

    def noun_in(self, locale: str) -> str:
        """The metric in a sentence, lower case ("the interactions of photos"); the label in
        lower case when metrics.toml gives no `noun`."""
        return self.noun.get(locale) or self.label_in(locale).lower()

    @property
    def word(self) -> Word:
        """`noun` as a Phrase: English as the string, the page's language when shown."""
        return Word({locale: self.noun_in(locale) for locale in ("nl", "en")})

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
    unknown = sorted(set(raw) - METRIC_KEYS)
    if unknown:
        raise CatalogueError(f"metrics.{name}: unknown field {unknown[0]!r}")
    label, definition, formula = need("label"), need("definition"), need("formula")
    if isinstance(formula, str):  # a formula in English only
        formula = {"en": formula}
    texts: list[tuple[str, Any]] = [("label", label), ("definition", definition)]
    texts += [("formula", formula), *((key, raw[key]) for key in ("short", "noun") if key in raw)]
    for what, value in texts:
        _check_text(f"metrics.{name}", what, value, english_only=what == "formula")
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
        short=dict(raw.get("short", {})),
        noun=dict(raw.get("noun", {})),
    )


def _check_text(where: str, what: str, value: Any, *, english_only: bool = False) -> None:
    """A text of the catalogue is {nl, en}, both written (a formula may be English only)."""
    if not isinstance(value, dict) or not all(
        isinstance(v, str) and v.strip() for v in value.values()
    ):
        raise CatalogueError(f"{where}: '{what}' needs nl and en")
    if set(value) != {"nl", "en"} and not (english_only and set(value) == {"en"}):
        raise CatalogueError(f"{where}: '{what}' needs nl and en")


@dataclass(frozen=True)
class Figure:
    """A figure of the overview (the cockpit's cards, and the names other pages give them):
    which metric it shows, its name and what it means over a period, in Dutch and English."""

    key: str
    metric: str | None  # the catalogue metric it shows; None for "posts" (a count of posts)
    label: dict[str, str]
    text: dict[str, str]
    kind: str  # stock (value at the end of a period) | flow (sum over it) | money | rate
    overview: bool = True  # a card on the overview; False: only other pages name it

    def label_in(self, locale: str) -> str:
        return self.label.get(locale) or self.label["en"]

    def text_in(self, locale: str) -> str:
        return self.text.get(locale) or self.text["en"]


def _figure_kind(metric: Metric | None) -> str:
    """How a figure adds up over a period follows from its metric."""
    if metric is None:
        return "flow"  # posts: counted over the period
    if metric.unit == "money":
        return "money"  # per currency, never added across currencies
    if metric.kind in ("ratio", "per_follower", "growth"):
        return "rate"
    return "stock" if metric.aggregate == "last" else "flow"


def _figure(key: str, raw: dict[str, Any], found: dict[str, Metric]) -> Figure:
    where = f"figures.{key}"
    if not _NAME.match(key):
        raise CatalogueError(f"{where}: names are snake_case")
    unknown = sorted(set(raw) - FIGURE_KEYS)
    if unknown:
        raise CatalogueError(f"{where}: unknown field {unknown[0]!r}")
    name = raw.get("metric")
    if name is not None and name not in found:
        raise CatalogueError(f"{where}: metric {name!r} is not in the catalogue")
    metric = found[name] if name is not None else None
    if "label" not in raw and metric is None:
        raise CatalogueError(f"{where}: 'label' is missing (a figure without a metric)")
    label: dict[str, str] = raw["label"] if "label" in raw else metric.label if metric else {}
    _check_text(where, "label", label)
    if "text" not in raw:
        raise CatalogueError(f"{where}: 'text' is missing")
    _check_text(where, "text", raw["text"])
    overview = raw.get("overview", True)
    if not isinstance(overview, bool):
        raise CatalogueError(f"{where}: 'overview' is true or false")
    return Figure(
        key=key,
        metric=name,
        label=dict(label),
        text=dict(raw["text"]),
        kind=_figure_kind(metric),
        overview=overview,
    )


@dataclass(frozen=True)
class Registry:
    """Everything metrics.toml says: the metrics, and the overview's figures of them."""

    metrics: dict[str, Metric]
    figures: dict[str, Figure]


def read_registry(path: Path = CATALOGUE_FILE) -> Registry:
    """Read and check a catalogue file; raises CatalogueError naming what is wrong."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    unknown = sorted(set(raw) - {"version", "metrics", "figures"})
    if unknown:
        raise CatalogueError(f"{unknown[0]}: not a section of the catalogue")
    found = {name: _metric(name, body) for name, body in raw.get("metrics", {}).items()}
    for m in found.values():  # every input of a derived metric is itself in the catalogue
        for part in m.inputs:
            if part not in found and m.available:
                raise CatalogueError(f"metrics.{m.name}: input {part!r} is not in the catalogue")
    shown = {key: _figure(key, body, found) for key, body in raw.get("figures", {}).items()}
    return Registry(metrics=found, figures=shown)


def load_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, Metric]:
    """The metrics of a catalogue file, checked (see `read_registry`)."""
    return read_registry(path).metrics


@cache
def registry() -> Registry:
    """The catalogue socialdesk ships (metrics.toml), read once."""
    return read_registry()


def _catalogue() -> dict[str, Metric]:
    return registry().metrics


def figures() -> dict[str, Figure]:
    """The overview's figures, in the file's order."""
    return registry().figures


def stored_columns(
    table: str, columns: Iterable[str], catalogue: dict[str, Metric] | None = None
) -> tuple[str, ...]:
    """The metric columns of a stored table: the metrics whose `tables` name it, in the
    order of the table's `columns`. A metric that names a table without such a column is a
    CatalogueError (a stored metric needs its column, and a migration, first)."""
    if table not in TABLES:
        raise CatalogueError(f"{table!r} is not a table the catalogue knows ({TABLES})")
    cat = _catalogue() if catalogue is None else catalogue
    have = list(columns)
    wanted = {m.name for m in cat.values() if table in m.tables}
    missing = sorted(wanted - set(have))
    if missing:
        raise CatalogueError(
            f"metrics.{missing[0]}: tables names {table}, which has no column {missing[0]}"
        )
    return tuple(c for c in have if c in wanted)


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
