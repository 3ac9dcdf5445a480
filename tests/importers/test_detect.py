"""Detection: header rows found by scoring, formats told apart, helpful misses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from socialdesk.errors import FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.base import Chunk, ExportFormat, ReadContext
from socialdesk.importers.detect import detect, map_fields
from socialdesk.importers.generic_posts_mapped import NAME as GENERIC
from socialdesk.importers.tabular import Table
from socialdesk.phrases import Phrase
from tests.conftest import fixture_path


def _never(table: Table, ctx: ReadContext) -> Iterator[Chunk]:
    yield from ()


def _fmt(name: str, columns: dict, required: tuple, **kw) -> ExportFormat:
    return ExportFormat(
        name=name,
        platform="other",
        title=name,
        how_to="-",
        columns=columns,
        required=required,
        read=_never,
        **kw,
    )


POSTS = _fmt(
    "posts_csv",
    {
        "id": ("Post ID", "Bericht-ID"),
        "time": ("Publish time", "Publicatietijdstip"),
        "views": ("Views", "Weergaven"),
        "reach": ("Reach", "Bereik"),
    },
    ("id", "time"),
)
IG_POSTS = _fmt(
    "ig_posts_csv",
    {
        "id": ("Post ID",),
        "time": ("Publish time",),
        "user": ("Account username",),
        "views": ("Views",),
    },
    ("id", "time", "user"),
)
FB_POSTS = _fmt(
    "fb_posts_csv",
    dict(POSTS.columns),
    ("id", "time"),
    forbidden=("user",),
)
FB_POSTS_WITH_USER = _fmt(
    "fb_posts_csv",
    {**POSTS.columns, "user": ("Account username",)},
    ("id", "time"),
    forbidden=("user",),
)
DAILY = _fmt(
    "daily_csv",
    {"date": ("Date",), "views": ("re:(video )?views",), "likes": ("Likes",)},
    ("date", "views"),
    file_pattern=r"overview",
)
NO_REQUIRED = _fmt("anything_csv", {}, (), extensions=(".csv", ".xlsx"))


def _file(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_header_below_title_and_comment_lines(tmp_path):
    text = "# Export\n# Start: 20260101\nRapport\nBericht-ID,Publicatietijdstip,Bereik\n1,x,3\n"
    match = detect(_file(tmp_path, text), [POSTS, DAILY])
    assert match.format is POSTS
    assert match.table.header_index == 3
    fields = {"id": "Bericht-ID", "time": "Publicatietijdstip", "reach": "Bereik"}
    assert match.table.fields == fields
    assert [r[0] for r in match.table.preamble()] == ["# Export", "# Start: 20260101", "Rapport"]


def test_required_columns_decide_and_coverage_breaks_ties(tmp_path):
    path = _file(tmp_path, "Post ID,Publish time,Account username,Views\n1,x,a,2\n")
    assert detect(path, [POSTS, IG_POSTS]).format is IG_POSTS  # more of its columns
    path2 = _file(tmp_path, "Post ID,Publish time,Views\n1,x,2\n", "b.csv")
    assert detect(path2, [POSTS, IG_POSTS]).format is POSTS  # IG misses a required column


def test_forbidden_column_rules_a_format_out(tmp_path):
    path = _file(tmp_path, "Post ID,Publish time,Account username,Views\n1,x,a,2\n")
    assert detect(path, [FB_POSTS_WITH_USER, IG_POSTS]).format is IG_POSTS
    with pytest.raises(FormatNotRecognised):
        detect(path, [FB_POSTS_WITH_USER])


def test_regex_spellings_and_file_pattern(tmp_path):
    path = _file(tmp_path, "Date,Video Views,Likes\n2026-01-01,3,4\n", "Overview.csv")
    match = detect(path, [DAILY])
    assert match.table.fields == {"date": "Date", "views": "Video Views", "likes": "Likes"}
    assert match.score == pytest.approx(1 + 0.5 + 0.25)


def test_map_fields_never_uses_one_column_twice():
    fmt = _fmt("x", {"a": ("Views",), "b": ("Views", "Views [2]")}, ("a",))
    assert map_fields(fmt, ["Views", "Views [2]"]) == {"a": "Views", "b": "Views [2]"}


def test_a_format_without_required_columns_is_only_chosen_by_name(tmp_path):
    path = _file(tmp_path, "Alleen een kolom\nwaarde\n")
    with pytest.raises(FormatNotRecognised) as err:
        detect(path, [POSTS, NO_REQUIRED])
    assert "anything_csv" not in str(err.value)
    match = detect(path, [NO_REQUIRED])  # asked for by name: any first row will do
    assert match.format is NO_REQUIRED and match.table.header == ["Alleen een kolom"]


def test_workbook_sheet_restriction(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Metrics"
    wb.active.append(["Post ID", "Publish time"])
    wb.create_sheet("All posts").append(["Note"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    xlsx = _fmt(
        "posts_xlsx", dict(POSTS.columns), ("id", "time"), extensions=(".xlsx",), sheet="all posts"
    )
    with pytest.raises(FormatNotRecognised):
        detect(path, [xlsx])
    assert detect(path, [_fmt("p", dict(POSTS.columns), ("id", "time"), extensions=(".xlsx",))])


# -- misses --------------------------------------------------------------------------------
def test_a_near_miss_names_the_format_and_its_missing_columns(tmp_path):
    path = _file(tmp_path, "Post ID,Views,Reach\n1,2,3\n")
    with pytest.raises(FormatNotRecognised) as err:
        detect(path, [POSTS, DAILY])
    assert [(c.format, c.missing) for c in err.value.candidates] == [
        ("posts_csv", ("Publish time",)),
        ("daily_csv", ("Date",)),
    ]
    assert "missing 'Publish time'" in str(err.value) and "export.csv" in str(err.value)


def test_when_nothing_scores_the_closest_formats_are_named_by_shared_words(tmp_path):
    text = "# Report\n# Account: x\nPost identifier,Time of publishing,Total reach\n1,2,3\n"
    path = _file(tmp_path, text)
    with pytest.raises(FormatNotRecognised) as err:
        detect(path, [POSTS, DAILY, NO_REQUIRED])
    exc = err.value
    assert exc.columns == ("Post identifier", "Time of publishing", "Total reach")
    assert [c.format for c in exc.candidates] == ["posts_csv"]  # 'post', 'reach' shared
    assert exc.candidates[0].missing == ("Post ID", "Publish time")
    assert "Closest: posts_csv" in str(exc)


def test_no_words_in_common_still_lists_the_columns(tmp_path):
    path = _file(tmp_path, "Alpha,Beta,Gamma\n1,2,3\n")
    with pytest.raises(FormatNotRecognised) as err:
        detect(path, [POSTS, DAILY])
    assert err.value.columns == ("Alpha", "Beta", "Gamma") and not err.value.candidates
    assert "Columns found: 'Alpha', 'Beta', 'Gamma'" in str(err.value)


def test_a_format_ruled_out_by_a_column_says_so_not_missing_nothing(tmp_path):
    """Issue #17: "Closest: youtube_studio_totals_csv (100% of its columns), missing nothing"
    for a file that was still refused. Totals.csv is Date and YouTube metrics only: a column
    that is neither rules the format out, and the message names it."""
    path = _file(tmp_path, "Date,Views,Country,Region\n2024-01-01,5,NL,Utrecht\n", "Totals.csv")
    with pytest.raises(FormatNotRecognised) as err:
        detect(path, builtin_formats())
    closest = err.value.candidates[0]
    assert (closest.format, closest.score, closest.missing) == ("youtube_studio_totals_csv", 1, ())
    assert closest.ruled_out_by == ("Country", "Region")
    message = err.value.message
    assert "missing nothing" not in message
    assert (
        "  Closest: youtube_studio_totals_csv: all its columns are there, "
        "but its files never have 'Country', 'Region'\n"
    ) in message
    assert message.startswith("no supported export format fits this file.\n")
    assert "  Columns found: 'Date', 'Views', 'Country', 'Region'\n" in message


def test_a_near_miss_with_a_ruling_out_column_names_both(tmp_path):
    fmt = _fmt(
        "fb_posts_csv",
        {**POSTS.columns, "user": ("Account username",)},
        ("id", "time", "views"),
        forbidden=("user",),
    )
    path = _file(tmp_path, "Post ID,Publish time,Account username\n1,x,a\n")
    with pytest.raises(FormatNotRecognised) as err:
        detect(path, [fmt])
    [cand] = err.value.candidates
    assert cand.missing == ("Views",) and cand.ruled_out_by == ("Account username",)
    assert (
        "Closest: fb_posts_csv (67% of its columns), missing 'Views'; "
        "its files never have 'Account username'"
    ) in str(err.value)


def test_the_message_is_a_phrase_the_cockpit_translates(tmp_path):
    path = _file(tmp_path, "Post ID,Publish time,Account username,Views\n1,x,a,2\n")
    with pytest.raises(FormatNotRecognised) as err:
        detect(path, [FB_POSTS_WITH_USER])
    message = err.value.message
    assert isinstance(message, Phrase)
    dutch = {
        "no supported export format fits this file.": "geen ondersteund exportformaat past.",
        "Closest: %(format)s: all its columns are there, but its files never have %(never)s": (
            "Dichtstbij: %(format)s: alle kolommen zijn er, maar nooit %(never)s"
        ),
    }
    said = message.say(lambda m: dutch.get(m, m))
    assert said.startswith("geen ondersteund exportformaat past.\n")
    assert (
        "  Dichtstbij: fb_posts_csv: alle kolommen zijn er, maar nooit 'Account username'" in said
    )
    assert message.startswith("no supported export format fits this file.\n")  # English as str


# -- the built-in formats -----------------------------------------------------------------
SEEDS = [
    "seed_gsc_queries.csv",
    "seed_google_ads_utf16_tab.csv",
    "seed_meta_posts_bom.csv",
    "seed_tweet_activity.csv",
    "seed_ga4_crlf.csv",
]


@pytest.mark.parametrize("name", SEEDS)
def test_seeds_are_recognised_by_a_builtin_format_never_the_generic_one(name):
    match = detect(fixture_path("generic", name), builtin_formats())
    assert match.format.name != GENERIC


def test_uci_data_set_is_not_recognised_and_generic_is_never_a_candidate():
    with pytest.raises(FormatNotRecognised) as err:
        detect(fixture_path("generic", "uci_facebook_metrics_excerpt.csv"), builtin_formats())
    assert GENERIC not in {c.format for c in err.value.candidates}
    assert err.value.columns[:2] == ("Page total likes", "Type")
