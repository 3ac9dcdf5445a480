"""metrics.toml is the one registry of metrics: the overview's figures, the pages' metric names,
the words of the uplift sentences and the model's metric columns all read it, so a metric
added to the file (and, if stored, its column) shows up everywhere without another list."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from socialdesk import model
from socialdesk.catalogue import (
    CATALOGUE_FILE,
    CatalogueError,
    get_metric,
    read_registry,
    registry,
    stored_columns,
)
from socialdesk.i18n import formats, gettext
from socialdesk.overview.definitions import (
    DEFINITIONS,
    OVERVIEW_METRICS,
    definitions,
    overview_metrics,
)
from socialdesk.visual.uplift import METRICS as UPLIFT_METRICS
from socialdesk.web.labels import LABELS, metric_label, metric_labels

TABLES = {
    model.PostMetrics: model.POST_METRICS,
    model.AccountDay: model.ACCOUNT_DAY_METRICS,
    model.AdDay: model.AD_METRICS,
    model.WebDay: model.WEB_METRICS,
    model.SearchPerformance: model.SEARCH_METRICS,
}
# the exposures the uplift sentences name besides its METRICS ("per person reached")
UPLIFT_EXPOSURES = ("reach", "impressions", "views", "followers")


def _named_by_the_faces() -> dict[str, set[str]]:
    return {
        "overview definitions": {d.metric for d in DEFINITIONS.values() if d.metric},
        "web labels": set(LABELS["metric"]),
        "model columns": {c for columns in TABLES.values() for c in columns},
        "uplift metrics": set(UPLIFT_METRICS) | set(UPLIFT_EXPOSURES),
    }


def test_every_metric_the_faces_name_is_in_the_catalogue_in_dutch_and_english() -> None:
    for who, names in _named_by_the_faces().items():
        assert names, who
        for name in sorted(names):
            m = get_metric(name)  # UnknownMetric when a face names a metric the file lacks
            for locale in ("nl", "en"):
                assert m.label[locale].strip(), f"{who}: {name} has no {locale} label"
                assert m.short_in(locale).strip() and m.noun_in(locale).strip()
    for name in (*UPLIFT_METRICS, *UPLIFT_EXPOSURES):  # sentences need a written noun
        assert set(get_metric(name).noun) == {"nl", "en"}, f"metrics.{name}: 'noun' is missing"


def test_every_overview_figure_is_a_catalogue_figure() -> None:
    figures = registry().figures
    assert list(DEFINITIONS) == list(figures)
    assert OVERVIEW_METRICS == tuple(k for k, f in figures.items() if f.overview)
    assert "engagement_rate" in DEFINITIONS and "engagement_rate" not in OVERVIEW_METRICS
    for key, d in DEFINITIONS.items():
        f = figures[key]
        assert (d.label, d.text, d.kind, d.metric) == (f.label, f.text, f.kind, f.metric)
        if f.metric is not None and key in ("followers", "reach", "clicks", "spend"):
            assert d.label == get_metric(f.metric).label  # no own label: the metric's


def test_the_pages_keep_their_words() -> None:
    """The names moved into metrics.toml; the pages show the same words as before."""
    words = {
        "followers": ("Volgers", "Followers", "stock"),
        "engagements": ("Interacties", "Interactions", "flow"),
        "posts": ("Berichten", "Posts", "flow"),
        "post_reach": ("Bereik berichten", "Post reach", "flow"),
        "spend": ("Uitgaven", "Spend", "money"),
        "engagement_rate": ("Interactiegraad", "Engagement rate", "rate"),
    }
    for key, (nl, en, kind) in words.items():
        d = DEFINITIONS[key]
        assert (d.label_in("nl"), d.label_in("en"), d.kind) == (nl, en, kind)
    names = {
        "views": ("Weergaven", "Views"),
        "reactions": ("Reacties", "Reactions"),
        "likes": ("Vind-ik-leuks", "Likes"),
        "comments": ("Opmerkingen", "Comments"),
        "shares": ("Gedeeld", "Shares"),
        "saves": ("Opgeslagen", "Saves"),
        "video_views": ("Videoweergaven", "Video views"),
    }
    for key, (nl, en) in names.items():
        assert LABELS.say("metric", key, "nl", lambda m: gettext("nl", m)) == nl
        assert LABELS.say("metric", key, "en", lambda m: gettext("en", m)) == en
        # code that still translates LABELS["metric"] with gettext gets the same word
        assert LABELS["metric"][key] == en and gettext("nl", en) == nl, key
    assert LABELS.say("metric", "no_such_metric", "nl", str.upper) == "NO_SUCH_METRIC"
    assert LABELS.say("media", "photo", "nl", lambda m: gettext("nl", m)) == "foto"
    assert LABELS.say("metric", None, "nl", str) == ""


def test_the_uplift_words_come_from_the_catalogue() -> None:
    shares = get_metric("shares").word
    assert shares == "shares"  # English: what JSON twins and the CLI print
    assert shares.say(lambda m: gettext("nl", m), formats("nl")) == "deelacties"
    assert shares.say(lambda m: gettext("en", m), formats("en")) == "shares"
    assert pickle.loads(pickle.dumps(shares)).say(None, formats("nl")) == "deelacties"
    assert get_metric("link_clicks").word == "link clicks"


def test_the_model_lists_are_the_catalogue_tables_in_column_order() -> None:
    for table, columns in TABLES.items():
        name = table.__tablename__
        in_catalogue = {m.name for m in registry().metrics.values() if name in m.tables}
        assert set(columns) == in_catalogue, name
        order = [c for c in table.__table__.columns.keys() if c in in_catalogue]
        assert list(columns) == order, name
    assert model.AD_METRICS[:3] == ("spend", "impressions", "reach")  # the exports' order


def _with_a_new_metric(tmp_path: Path) -> Path:
    copy = tmp_path / "metrics.toml"
    copy.write_text(
        CATALOGUE_FILE.read_text(encoding="utf-8")
        + """
[metrics.story_replies]
label = { nl = "Antwoorden op verhalen", en = "Story replies" }
short = { nl = "Verhaalantwoorden", en = "Replies" }
noun = { nl = "antwoorden op verhalen", en = "story replies" }
definition = { nl = "Berichten als antwoord op een verhaal.", en = "Messages in reply to a story." }
unit = "count"
direction = "up"
kind = "base"
tables = ["post_metrics"]
aggregate = "sum"
formula = { nl = "zoals geëxporteerd", en = "as exported" }

[figures.story_replies]
metric = "story_replies"
text = { nl = "Antwoorden op verhalen, opgeteld.", en = "Story replies, added up." }
""",
        encoding="utf-8",
    )
    return copy


def test_a_metric_added_to_the_file_appears_everywhere(tmp_path: Path) -> None:
    new = "story_replies"
    for who, names in _named_by_the_faces().items():  # not there before: the test can fail
        assert new not in names, who
    assert new not in DEFINITIONS

    reg = read_registry(_with_a_new_metric(tmp_path))
    m = reg.metrics[new]
    assert (m.label_in("nl"), m.label_in("en")) == ("Antwoorden op verhalen", "Story replies")
    # the overview
    d = definitions(reg)[new]
    assert (d.label_in("nl"), d.label_in("en"), d.kind) == (
        m.label_in("nl"),
        "Story replies",
        "flow",
    )
    assert d.text_in("nl") == "Antwoorden op verhalen, opgeteld."
    assert overview_metrics(reg)[-1] == new
    # the pages' names
    assert metric_labels(reg.metrics)[new] == "Replies"
    assert metric_label(new, "nl", reg.metrics) == "Verhaalantwoorden"
    # the uplift sentences
    assert m.word == "story replies"
    assert m.word.say(None, formats("nl")) == "antwoorden op verhalen"
    # the model: once post_metrics has the column (a migration), it is a metric column
    columns = [*model.PostMetrics.__table__.columns.keys(), new]
    assert stored_columns("post_metrics", columns, reg.metrics)[-1] == new
    with pytest.raises(CatalogueError, match=r"metrics\.story_replies: .*post_metrics"):
        stored_columns("post_metrics", model.PostMetrics.__table__.columns.keys(), reg.metrics)


def _metric(extra: str = "") -> str:
    return (
        '[metrics.foo]\nlabel = {nl = "a", en = "b"}\ndefinition = {nl = "a", en = "b"}\n'
        'unit = "count"\ndirection = "up"\nkind = "base"\naggregate = "sum"\n'
        f'formula = "x"\n{extra}'
    )


@pytest.mark.parametrize(
    ("toml", "error"),
    [
        (_metric('short = {nl = "a"}\n'), r"metrics\.foo: 'short' needs nl and en"),
        (_metric('noun = {nl = "a", en = ""}\n'), r"metrics\.foo: 'noun' needs nl and en"),
        (_metric('nuon = {nl = "a", en = "b"}\n'), r"metrics\.foo: unknown field 'nuon'"),
        (
            _metric('[figures.bar]\nmetric = "nope"\ntext = {nl = "a", en = "b"}\n'),
            r"figures\.bar: metric 'nope' is not in the catalogue",
        ),
        (_metric('[figures.bar]\nmetric = "foo"\n'), r"figures\.bar: 'text' is missing"),
        (
            _metric('[figures.bar]\ntext = {nl = "a", en = "b"}\n'),
            r"figures\.bar: 'label' is missing",
        ),
        (
            _metric('[figures.bar]\nmetric = "foo"\ntext = {nl = "a", en = "b"}\noverview = 1\n'),
            r"figures\.bar: 'overview' is true or false",
        ),
        (
            _metric('[figures.bar]\nmetric = "foo"\ntext = {nl = "a", en = "b"}\nkind = "x"\n'),
            r"figures\.bar: unknown field 'kind'",
        ),
        (_metric('[figure.bar]\nmetric = "foo"\n'), "figure: not a section of the catalogue"),
    ],
)
def test_the_new_fields_are_checked(tmp_path: Path, toml: str, error: str) -> None:
    bad = tmp_path / "metrics.toml"
    bad.write_text(toml, encoding="utf-8")
    with pytest.raises(CatalogueError, match=error):
        read_registry(bad)


def test_a_figure_adds_up_as_its_metric() -> None:
    kinds = {k: f.kind for k, f in registry().figures.items()}
    assert kinds["followers"] == "stock" and kinds["spend"] == "money"
    assert kinds["engagement_rate"] == "rate" and kinds["posts"] == "flow"
