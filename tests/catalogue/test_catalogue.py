"""The catalogue against the model and the importers: nothing canonical is missing from it,
and every platform mapping it states is a column a real importer reads and stores there."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from socialdesk import model
from socialdesk.catalogue import (
    CatalogueError,
    UnknownMetric,
    get_metric,
    load_catalogue,
    metrics,
)
from socialdesk.importers import BUILTIN_FORMATS

IMPORTER_PLATFORMS = (
    "facebook",
    "instagram",
    "linkedin",
    "x",
    "tiktok",
    "youtube",
    "meta_ads",
    "google_ads",
    "linkedin_ads",
    "ga4",
    "search_console",
)
MODEL_COLUMNS = {
    "post_metrics": model.POST_METRICS,
    "account_day": model.ACCOUNT_DAY_METRICS,
    "ad_day": model.AD_METRICS,
    "web_day": model.WEB_METRICS,
    "search_performance": model.SEARCH_METRICS,
}
# Mappings written in a reader's code rather than in a dict (each checked in its module).
CODE_MAPPED = {("tiktok_studio_followers_csv", "value"): {"followers"}}


def _module(fmt: str) -> ModuleType:
    name = f"socialdesk.importers.{fmt}"
    assert name in BUILTIN_FORMATS, f"{fmt} is not a built-in import format"
    return importlib.import_module(name)


def _columns(mod: ModuleType, sheet: str | None) -> dict[str, tuple[str, ...]]:
    if sheet:
        return dict(mod.METRICS_SHEET.columns)
    return dict(mod.FORMAT.columns)


def _mapped_to(mod: ModuleType, fmt: str, field: str, header: str, table: str) -> set[str]:
    """The canonical columns the importer writes `field` to."""
    if (fmt, field) in CODE_MAPPED:
        return CODE_MAPPED[(fmt, field)]
    if fmt.startswith("youtube_studio_"):
        from socialdesk.importers._youtube_studio import METRICS

        spec = METRICS[header.casefold()]
        return {spec.post if table == "post_metrics" else spec.day} - {None}
    found: set[str] = set()
    for name in dir(mod):
        value = getattr(mod, name)
        if not (name.isupper() and isinstance(value, dict)) or field not in value:
            continue
        target = value[field]
        if isinstance(target, str) and not target.startswith("extra:"):
            found.add(target)
        elif isinstance(target, tuple) and name == "METRICS":  # ga4: canonical -> spellings
            found.add(field)
    if not found and fmt.startswith("search_console_") and field in MODEL_COLUMNS[table]:
        found.add(field)  # Search Console's fields carry the canonical names
    return found


def test_every_canonical_column_of_the_model_is_in_the_catalogue() -> None:
    cat = {m.name: m for m in metrics()}
    for table, columns in MODEL_COLUMNS.items():
        for column in columns:
            assert column in cat, f"{table}.{column} is not in metrics.toml"
            assert table in cat[column].tables, f"metrics.{column}.tables lacks {table}"


def test_every_stored_table_a_metric_names_has_that_column() -> None:
    for m in metrics():
        for table in m.tables:
            assert m.name in MODEL_COLUMNS[table], f"{m.name} claims a column in {table}"


@pytest.mark.parametrize("metric", [m.name for m in metrics() if m.sources])
def test_every_platform_mapping_names_a_real_importer_column(metric: str) -> None:
    m = get_metric(metric)
    for src in m.sources:
        mod = _module(src.format)
        assert mod.FORMAT.platform == src.platform, f"{src.format} is not a {src.platform} format"
        columns = _columns(mod, src.sheet)
        assert src.field in columns, f"{src.format} has no field {src.field!r}"
        spellings = {s.casefold() for s in columns[src.field] if not s.startswith("re:")}
        if src.field == "metric":  # YouTube: one field for every metric header
            from socialdesk.importers._youtube_studio import METRICS

            spellings = set(METRICS)
        assert src.header.casefold() in spellings, (
            f"{src.format}.{src.field} is never headed {src.header!r}"
        )
        assert m.name in _mapped_to(mod, src.format, src.field, src.header, src.table), (
            f"{src.format} does not store {src.field!r} as {m.name}"
        )
        assert m.name in MODEL_COLUMNS[src.table], f"{src.table} has no column {m.name}"


def test_every_importer_mapping_onto_a_canonical_column_is_in_the_catalogue() -> None:
    """The other direction: an importer that fills a canonical column is listed as a source."""
    stated = {(s.format, s.field, m.name) for m in metrics() for s in m.sources}
    missing = []
    for name in BUILTIN_FORMATS:
        mod = importlib.import_module(name)
        fmt = name.rsplit(".", 1)[1]
        for attr in ("METRICS", "POST_METRICS", "DAY_METRICS"):
            mapping = getattr(mod, attr, None)
            if not isinstance(mapping, dict):
                continue
            for field, target in mapping.items():
                if isinstance(target, str) and not target.startswith("extra:"):
                    if (fmt, field, target) not in stated:
                        missing.append(f"{fmt}.{field} -> {target}")
    assert not missing, "importer columns missing from metrics.toml: " + ", ".join(missing)


def test_the_catalogue_covers_every_platform_with_an_importer() -> None:
    covered = {p for m in metrics() for p in m.platforms}
    assert set(IMPORTER_PLATFORMS) <= covered


def test_interactions_say_what_they_sum_on_every_organic_platform() -> None:
    inter = get_metric("interactions")
    assert set(inter.counted) == {"facebook", "instagram", "linkedin", "x", "tiktok", "youtube"}
    assert inter.terms == ("reactions|likes", "comments", "shares", "saves")
    assert "clicks" not in inter.inputs


def test_engagement_rates_name_their_denominators() -> None:
    family = {m.name: m.denominator for m in metrics() if m.family == "engagement_rate"}
    assert family == {
        "engagement_rate": "reach",
        "engagement_rate_impressions": "impressions|views",
        "engagement_rate_followers": "followers",
    }


def test_derived_metrics_named_in_the_issue_exist() -> None:
    for name in (
        "ctr",
        "cpc",
        "cpm",
        "cpa",
        "roas",
        "frequency",
        "amplification_rate",
        "applause_rate",
        "conversation_rate",
        "virality_rate",
        "follower_growth",
        "response_rate",
    ):
        m = get_metric(name)
        assert m.kind != "base" and m.definition_in("nl") and m.definition_in("en")


def test_names_are_forgiving_and_unknown_names_say_what_to_do() -> None:
    assert get_metric("Engagement-Rate").name == "engagement_rate"
    with pytest.raises(UnknownMetric, match="socialdesk metrics"):
        get_metric("engagement")


def test_a_broken_catalogue_names_the_metric_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "metrics.toml"
    bad.write_text(
        '[metrics.foo]\nlabel = {nl = "a", en = "b"}\ndefinition = {nl = "a", en = "b"}\n'
        'unit = "count"\ndirection = "sideways"\nkind = "base"\naggregate = "sum"\nformula = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match=r"metrics\.foo: direction"):
        load_catalogue(bad)
    bad.write_text(
        '[metrics.foo]\nlabel = {nl = "a", en = "b"}\ndefinition = {nl = "a", en = "b"}\n'
        'unit = "fraction"\ndirection = "up"\nkind = "ratio"\nnumerator = "bar"\n'
        'denominator = "foo"\nformula = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="'bar' is not in the catalogue"):
        load_catalogue(bad)


def test_every_formula_is_written_in_dutch_and_english(tmp_path: Path) -> None:
    for m in metrics():
        assert set(m.formulas) == {"nl", "en"}, f"metrics.{m.name}: formula needs nl and en"
        assert m.formula == m.formula_in("en") and m.formula_in("nl") != m.formula, m.name
    assert get_metric("engagement_rate").formula_in("nl") == "interacties / bereik"
    one = '[metrics.foo]\nlabel = {nl = "a", en = "b"}\ndefinition = {nl = "a", en = "b"}\n'
    one += 'unit = "count"\ndirection = "up"\nkind = "base"\naggregate = "sum"\n'
    bad = tmp_path / "metrics.toml"
    bad.write_text(one + 'formula = {nl = "zoals geëxporteerd"}\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"metrics\.foo: 'formula' needs nl and en"):
        load_catalogue(bad)
    bad.write_text(one + 'formula = "as exported"\n', encoding="utf-8")  # English only: shown
    assert load_catalogue(bad)["foo"].formula_in("nl") == "as exported"
