"""Dutch pages speak Dutch (issue #17, "Consistent, Dutch"): every page of the demo
organisation, fetched in Dutch, has no English word from a list in its visible text, and its
charts write numbers the Dutch way with axis titles.

What a page shows of the data itself is left out of the check: the texts of posts, messages,
names of accounts and campaigns, file names (every string the workspace's tables hold), as
are code (`<code>`, `<pre>`), text marked as another language (`lang="en"`: the language
switcher "English", a metric's English name), the platforms' own screen names in quotes
('Export data') and brand names ("Google Ads").
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import String, Text, select

from socialdesk.charts import NUMBER_LOCALES
from socialdesk.i18n import formats, gettext
from socialdesk.model import Base
from socialdesk.store import open_workspace
from tests.conftest import demo_copy
from tests.web.conftest import make_client

# English words that are no Dutch words (so "of", "per", "video", "link", "data", "week" and
# "is" are not in it).
ENGLISH = frozenset(
    """
    unknown count people fraction conversions conversion clicks purchases purchase impressions
    reach views followers spend results the and with without days posts not month months year
    years field required value invalid must should least less than greater input integer valid
    reply replies comments engagement total average from between before after since until none
    today yesterday hours minutes weeks seconds other unchanged failed would campaign campaigns
    are were has have will can please enter number
    """.split()
)
BRANDS = (
    "Google Ads",
    "Meta Ads",
    "LinkedIn Ads",
    "X Ads",
    "Ads Manager",
    "Campaign Manager",
    "Search Console",
    "Google Analytics",
    "Business Suite",
)
# an English date ("Dec 6, 2026"): Dutch writes "6 dec 2026"
ENGLISH_DATE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}")
# a platform's own screen name in quotes ('Export data'); an apostrophe inside a word
# ("LinkedIn's") opens no quote
QUOTED = re.compile(r"(?<![A-Za-z])'[^']*'(?![A-Za-z])|‘[^’]*’|“[^”]*”|\"[^\"]*\"")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# an identifier, a path or an address: pages_read_engagement, /{post-id}/comments, a=b
CODE_LIKE = re.compile(r"\S*[_/{}=@#]\S*")
SKIP_TAGS = {"script", "style", "template", "code", "pre", "textarea", "svg", "kbd"}
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SKIP_PATHS = ("/login", "/logout", "/static", "/audit/card", "/reports/")


class _Visible(HTMLParser):
    """The texts a reader sees (and hears: titles, labels) outside code and other languages."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.stack: list[bool] = []  # per open element: is its content left out?

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang")
        hidden = self._hidden() or tag in SKIP_TAGS or (lang is not None and lang != "nl")
        if not hidden:
            self.texts.extend(v for k, v in attrs if k in SHOWN_ATTRIBUTES and v)
        if tag not in VOID:
            self.stack.append(hidden)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._hidden():
            self.texts.extend(v for k, v in attrs if k in SHOWN_ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden() and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return parser.texts


class UserContent:
    """Every string the workspace's tables hold, found by the English words in it."""

    def __init__(self, values: set[str]) -> None:
        self.by_word: dict[str, list[str]] = defaultdict(list)
        for value in values:
            for w in {w.lower() for w in WORD.findall(value)} & ENGLISH:
                self.by_word[w].append(value)

    def holds(self, text: str, word: str, at: int) -> bool:
        """Whether the word at `at` in `text` is part of a stored value shown there (in full
        or cut short with an ellipsis: a few characters on one side of it suffice)."""
        for value in self.by_word.get(word.lower(), ()):
            for m in re.finditer(re.escape(word), value, re.IGNORECASE):
                left = value[max(0, m.start() - 12) : m.end()]
                right = value[m.start() : m.end() + 12]
                for piece, offset in ((left, m.start() - max(0, m.start() - 12)), (right, 0)):
                    start = at - offset
                    if start >= 0 and text[start : start + len(piece)] == piece:
                        return True
        return False


def english_in(texts: list[str], content: UserContent) -> list[str]:
    found = []
    for text in texts:
        if ENGLISH_DATE.search(text):
            found.append(f"English date: {text[:120]}")
        clean = QUOTED.sub(lambda m: " " * len(m.group()), text)
        clean = CODE_LIKE.sub(lambda m: " " * len(m.group()), clean)
        for brand in BRANDS:
            clean = clean.replace(brand, " " * len(brand))
        for m in WORD.finditer(clean):
            if m.group().lower() in ENGLISH and not content.holds(text, m.group(), m.start()):
                found.append(f"{m.group()!r} in: {text[:160]}")
    return found


def _stored_strings(handle) -> set[str]:
    values: set[str] = set()
    with handle.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            for column in columns:
                for (value,) in conn.execute(select(column).distinct().where(column.is_not(None))):
                    if isinstance(value, str) and value.strip():
                        values.add(value)
                        values.add(" ".join(value.split()))
    return values


# addresses that lead to a page listed anyway (a 307)
REDIRECTS = ("/", "/analytics")


def _pages(app) -> list[str]:
    """Every GET page without a path parameter (no downloads or documents)."""

    def leaves(routes) -> Iterator:
        for route in routes:
            inner = getattr(route, "original_router", None)
            yield from leaves(inner.routes) if inner is not None else (route,)

    return sorted(
        {
            r.path
            for r in leaves(app.routes)
            if "GET" in getattr(r, "methods", set())
            and "{" not in r.path
            and not r.path.endswith((".json", ".csv", ".xlsx", ".ics", ".png", ".pdf", ".html"))
            and not r.path.startswith(SKIP_PATHS)
            and r.path not in REDIRECTS
        }
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo organisation, a client on it in local mode, its pages and stored strings."""

    from socialdesk.model import Account, Campaign, MessageThread, Post

    folder: Path = demo_copy(tmp_path_factory, "dutch")
    handle = open_workspace(folder)
    client = make_client(handle)
    with handle.session() as s:
        post = s.scalar(
            select(Post.id)
            .join(Account, Account.id == Post.account_id)
            .where(Account.workspace_id == handle.workspace_id)
            .order_by(Post.id.desc())
            .limit(1)
        )
        thread = s.scalar(
            select(MessageThread.id)
            .where(MessageThread.workspace_id == handle.workspace_id)
            .limit(1)
        )
        has_campaigns = s.scalar(select(Campaign.id).limit(1)) is not None
    pages = [*_pages(client.app), f"/posts/{post}", "/analytics/metrics/impressions"]
    if thread is not None:
        pages.append(f"/inbox/threads/{thread}")
    assert has_campaigns and len(pages) > 30, pages
    try:
        yield client, pages, UserContent(_stored_strings(handle))
    finally:
        client.close()
        handle.engine.dispose()


def test_no_english_on_dutch_pages(demo) -> None:
    client, pages, content = demo
    problems: list[str] = []
    for path in pages:
        try:
            response = client.get(path, params={"lang": "nl"}, headers={"accept": "text/html"})
        except Exception as exc:  # a page that breaks: named with the others, not alone
            problems.append(f"{path}: fails: {exc!r}"[:300])
            continue
        if response.status_code != 200:
            problems.append(f"{path}: status {response.status_code}")
        problems.extend(f"{path}: {p}" for p in english_in(visible_texts(response.text), content))
    assert not problems, "\n".join(problems)


def _specs(html: str) -> dict[str, dict]:
    found = re.findall(
        r'<script type="application/json" id="chart-([^"]+)">(.*?)</script>', html, re.S
    )
    return {key: json.loads(body) for key, body in found}


def _encodings(spec: dict, channel: str) -> Iterator[dict]:
    enc = spec.get("encoding", {}).get(channel)
    if isinstance(enc, dict) and "field" in enc:
        yield enc
    for layer in spec.get("layer", ()):
        yield from _encodings(layer, channel)


def test_charts_on_dutch_pages_write_dutch_numbers_with_axis_titles(demo) -> None:
    client = demo[0]
    dutch = NUMBER_LOCALES["nl"]
    seen = 0
    for path in ("/ads/curves", "/visual", "/analytics/best-times", "/analytics/kpi-tree"):
        html = client.get(path, params={"lang": "nl"}).text
        for key, spec in _specs(html).items():
            if "$schema" not in spec:
                continue  # a sparkline's data: the page's shared base spec carries the locale
            seen += 1
            number = spec["config"]["locale"]["number"]
            assert (number["decimal"], number["thousands"]) == (",", "."), (path, key)
            assert number == dutch, (path, key)
            assert "dec" in spec["config"]["locale"]["time"]["shortMonths"], (path, key)
            for channel in ("x", "y"):
                for enc in _encodings(spec, channel):
                    if enc.get("type") == "quantitative":
                        assert enc.get("title"), (path, key, channel, enc)
    assert seen >= 4
    curves = _specs(client.get("/ads/curves", params={"lang": "nl"}).text)
    full = [s for s in curves.values() if "$schema" in s]
    assert full
    for spec in full:
        x_titles = {e["title"] for e in _encodings(spec, "x")}
        y_titles = {e["title"] for e in _encodings(spec, "y")}
        assert len(x_titles) == 1 and len(y_titles) == 1, (x_titles, y_titles)
        (x_title,) = x_titles
        (y_title,) = y_titles
        assert x_title.startswith(gettext("nl", "Daily spend")) and "(EUR)" in x_title
        assert y_title.startswith(gettext("nl", "Results per day"))
    english = _specs(client.get("/ads/curves", params={"lang": "en"}).text)
    full_en = [s for s in english.values() if "$schema" in s]
    assert full_en and all(s["config"]["locale"]["number"]["decimal"] == "." for s in full_en)


def test_one_dutch_word_per_metric() -> None:
    """A metric has one Dutch name on every page: the catalogue's, and the gettext catalogue
    translates its English name the same way (impressions are "Vertoningen", never
    "Weergaven", which are views)."""
    from socialdesk.catalogue.catalogue import registry

    for metric in registry().metrics.values():
        for english in {metric.label_in("en"), metric.short_in("en")}:
            translated = gettext("nl", english)
            if translated != english:
                assert translated in (metric.label_in("nl"), metric.short_in("nl")), (
                    metric.name,
                    english,
                    translated,
                )
    assert gettext("nl", "Impressions") == "Vertoningen"
    assert gettext("nl", "Views") == "Weergaven"


def test_dutch_addresses_the_reader_with_je() -> None:
    from babel.messages.pofile import read_po

    from socialdesk.i18n import LOCALE_DIR

    with (LOCALE_DIR / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="nl")
    formal = re.compile(r"\b(u|uw|U|Uw)\b")
    found = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        found.extend(s for s in strings if s and formal.search(s))
    assert not found, found


def test_result_types_and_units_have_words_in_both_languages() -> None:
    from socialdesk.web.labels import LABELS

    nl = lambda m: gettext("nl", m)  # noqa: E731
    assert LABELS.say("result", "Link clicks", "nl", nl) == "Linkklikken"
    assert LABELS.say("result", "Conversions", "nl", nl) == "Conversies"
    assert LABELS.say("result", "Website purchases", "nl", nl) == "Aankopen op de website"
    assert LABELS.say("result", "actions:link_click", "en", nl) == "Link clicks"
    assert LABELS.say("result", "Reach", "nl", nl) == "Bereik"
    assert LABELS.say("result", "Sign-ups via chat", "nl", nl) == "Sign-ups via chat"  # as given
    assert LABELS.say("unit", "people", "nl", nl) == "personen"
    assert LABELS.say("unit", "fraction", "nl", nl) == "breuk (0–1)"
    assert LABELS.say("platform", "other", "nl", nl) == "Overig"
    assert LABELS.say("attribution", "7-day click or 1-day view", "nl", nl) == (
        "7 dagen na klikken of 1 dag na bekijken"
    )
    assert LABELS.say("attribution", "7-day click or 1-day view", "en", nl) == (
        "7-day click or 1-day view"
    )


def test_a_result_type_in_a_sentence_is_said_in_the_page_language() -> None:
    from socialdesk.catalogue.words import result_type_word
    from socialdesk.phrases import Phrase

    phrase = Phrase(
        "an extra 1 a day still buys %(more)s %(unit)s a day",
        more=3,
        unit=result_type_word("Conversions"),
    )
    assert phrase == "an extra 1 a day still buys 3 conversions a day"
    dutch = phrase.say(lambda m: gettext("nl", m), formats("nl"))
    assert "conversies" in dutch and "Conversions" not in dutch
    assert result_type_word("Sign-ups via chat") == "Sign-ups via chat"


def test_validation_problems_name_the_field_and_what_is_wrong() -> None:
    from socialdesk.web.labels import validation_problems

    errors = [
        {"type": "greater_than_equal", "loc": ("query", "days"), "msg": "…", "ctx": {"ge": 1}},
        {"type": "int_parsing", "loc": ("query", "total"), "msg": "…"},
        {"type": "missing", "loc": ("body", "name"), "msg": "Field required"},
        {"type": "literal_error", "loc": ("query", "kind"), "ctx": {"expected": "'a' or 'b'"}},
        {"type": "something_new", "loc": ("query", "x"), "msg": "Something new"},
    ]
    phrase = validation_problems(errors)
    assert phrase == (
        "days: give at least 1; total: give a whole number; name: fill this in; "
        "kind: choose one of 'a', 'b'; x: Something new"
    )
