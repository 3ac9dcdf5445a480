"""The monthly report as HTML and PDF: its language's formats, escaping, a readable PDF."""

from __future__ import annotations

import html as html_lib
import os
import re
import shutil
import subprocess
from dataclasses import replace

import pytest

from socialdesk.i18n import formats, gettext
from socialdesk.reports import run
from socialdesk.reports.monthly import AnomaliesSection
from socialdesk.reports.render import _offline_fetcher, css_string, to_html, to_pdf
from socialdesk.store.session import session_scope
from tests.reports.conftest import OCTOBER

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
HOSTILE_NAME = "</style><script>alert(1)</script> & Co"


@pytest.fixture
def reports(seeded):
    """October, in Dutch and in English (SQLite and PostgreSQL)."""
    with session_scope(seeded.ws.engine) as s:
        return {
            lang: run.monthly(s, seeded.ws.workspace_id, OCTOBER, lang, organisation=HOSTILE_NAME)
            for lang in ("nl", "en")
        }


def _said(report, lang: str) -> list[str]:
    return [p.say(lambda m: gettext(lang, m), formats(lang)) for p in report.headline]


def _text(page: str) -> str:
    """The page's text: tags out, entities decoded, white space collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_dutch_html_has_the_headline_and_dutch_figures(reports):
    page = to_html(reports["nl"])
    assert page.startswith("<!doctype html>") and '<html lang="nl">' in page
    text = _text(page)
    for sentence in _said(reports["nl"], "nl"):
        assert " ".join(sentence.split()) in text
    assert "Maandrapport oktober 2026" in text
    assert "1.564 interacties" in text and "195,1%" in text
    assert "5.704" in text  # Facebook's reach in October, with Dutch grouping
    assert "310,00" in text  # the ads' spend, with a decimal comma
    assert "1 okt 2026" in text
    assert "Inhoud" not in text  # three sections: no table of contents
    assert "Doelen" in text  # named among the areas without data


def test_english_html_has_english_figures(reports):
    page = to_html(reports["en"])
    assert '<html lang="en">' in page
    text = _text(page)
    for sentence in _said(reports["en"], "en"):
        assert " ".join(sentence.split()) in text
    assert "Monthly report October 2026" in text
    assert "1,564 interactions" in text and "195.1%" in text
    assert "5,704" in text and "310.00" in text and "Oct 1, 2026" in text


def test_untrusted_text_is_escaped(reports):
    page = to_html(reports["nl"])
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;report&#39;)&lt;/script&gt; Daken vergroenen" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in page  # an account's name
    assert "javascript:" not in page  # a permalink that is no web address gets no link
    # the organisation's name: escaped in the page, and a CSS string that cannot end the style
    assert "&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert page.count("</style>") == 1
    assert css_string('a"b</style>') == '"a\\000022b\\00003c\\00002fstyle\\00003e"'


def test_charts_are_inline_svg_in_the_reports_language(reports):
    page = to_html(reports["nl"])
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) == 1  # interactions per platform; two currencies: no spend chart
    assert "september 2026" in svgs[0] and "oktober 2026" in svgs[0]
    assert "http://" not in svgs[0].replace("http://www.w3.org/", "")


def test_a_table_of_contents_from_four_sections(reports):
    report = reports["en"]
    assert len(report.sections) == 3 and "Contents" not in to_html(report)
    quiet = AnomaliesSection(days=(), posts=(), days_found=0, posts_found=0)
    page = to_html(replace(report, anomalies=quiet))
    assert "Contents" in page and 'href="#anomalies"' in page


def test_the_pdf_fetches_nothing():
    fetcher = _offline_fetcher()
    for url in ("http://example.org/logo.png", "https://example.org/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="fetches nothing"):
            fetcher.fetch(url)
    pdf = to_pdf(
        '<html><body><img src="http://127.0.0.1:9/x.png"><p>Hallo</p>'
        '<link rel="stylesheet" href="file:///etc/passwd"></body></html>'
    )
    assert pdf.startswith(b"%PDF")


def _pdftotext() -> str:
    found = shutil.which("pdftotext")
    if found is None:
        if IN_CI:
            pytest.fail("pdftotext (poppler-utils) is required in CI to read the PDF back")
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    return found


def test_the_pdf_is_small_readable_text_with_the_headline_figures(reports, tmp_path):
    pdf = run.render(reports["nl"], "pdf")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) < 2 * 1024 * 1024
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        [_pdftotext(), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    text = " ".join(out.split())
    for figure in ("1.564", "195,1%", "(530)", "5.704", "310,00"):
        assert figure in text, figure
    assert "Maandrapport oktober 2026" in text
    assert "Pagina 1 / " in text  # page numbers
    assert "<script>" in text  # the post's text, shown as text
