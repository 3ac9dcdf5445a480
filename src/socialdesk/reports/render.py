"""A report as HTML (Jinja2, autoescaped) and as PDF (WeasyPrint), offline.

`to_html(report, lang)` renders `templates/monthly.html`: the report's sentences and labels
in its language (gettext catalogues, `Phrase.say`), numbers and dates in that language's
formats (i18n.Formats: 1.234,5 and 26 okt 2026 in Dutch), charts as inline SVG (charts.py),
and print CSS: A4, margins, page numbers, the organisation's name on every page, a table of
contents when there are more than three sections. Autoescaping is on for every value: post
texts, campaign names and topics come from outside and are shown as text, never as markup.

`to_pdf(html)` lays the page out with WeasyPrint. It fetches nothing: the CSS and charts are
inline and the URL fetcher refuses every URL but `data:`, so a report renders the same without
a network and an untrusted value cannot make it call out. Fonts are the system's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from socialdesk.catalogue import get_metric
from socialdesk.catalogue.platforms import platform_name
from socialdesk.i18n import DEFAULT_LOCALE, formats, gettext, normalise
from socialdesk.overview.definitions import DEFINITIONS
from socialdesk.reports import charts
from socialdesk.reports.headline import duration

if TYPE_CHECKING:
    import datetime as dt

    from socialdesk.reports.audit import AuditReport
    from socialdesk.reports.care import CareReport
    from socialdesk.reports.monthly import MonthlyReport

TEMPLATES = Path(__file__).parent / "templates"
TOC_FROM = 4  # sections: a table of contents from this many on ("more than three")
SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value, whatever the template's name; never |safe on data
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string, every character but letters, digits and spaces escaped
    (so a workspace name cannot end the string or the style sheet)."""
    out = []
    for ch in str(text):
        if ch.isascii() and (ch.isalnum() or ch == " "):
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x}")
    return Markup('"' + "".join(out) + '"')


def link_host(url: str | None) -> str:
    """The host of a web address ("tiktok.com"), shown as the link to a post; "" for anything
    that is not http(s) (a `javascript:` permalink gets no link)."""
    if not url or not SAFE_URL.match(url):
        return ""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def month_title(day: dt.date, lang: str) -> str:
    """ "oktober 2026", "October 2026"."""
    from babel.dates import format_date

    return format_date(day, "LLLL y", locale=lang)


def _translator(lang: str) -> Callable[..., str]:
    def _(message: str, **values: Any) -> str:
        text = gettext(lang, message)
        return text % values if values else text

    return _


def _charts(report: MonthlyReport, lang: str, _: Callable[..., str]) -> dict[str, Markup]:
    """The report's charts as inline SVG (vl-convert escapes the text it draws)."""
    out: dict[str, Markup] = {}
    this_label = month_title(report.month.start, lang)
    last_label = month_title(report.previous.start, lang)
    reach = report.reach
    if reach is not None:
        key = "post_engagements" if "post_engagements" in reach.keys else "engagements"
        if key in reach.keys:
            rows = [
                (
                    platform_name(p.platform),
                    p.figures[key].current,
                    # a month with figures for some of its days is not set beside a whole one
                    p.figures[key].previous if report.complete else None,
                )
                for p in reach.platforms
                if p.figures[key].current is not None
            ]
            spec = charts.this_and_last_month(
                rows,
                this_label=this_label,
                last_label=last_label,
                value_title=DEFINITIONS[key].label_in(lang),
                description=_("Interactions per platform, this month and last month"),
                locale=lang,
            )
            if spec is not None:
                out["interactions"] = Markup(charts.to_svg(spec))
    ads = report.ads
    if ads is not None and len(ads.totals) == 1:  # currencies are never drawn on one axis
        spec = charts.daily_lines(
            [(day, platform_name(p), spend) for day, p, spend in ads.daily],
            value_title=_("Spend per day (%(currency)s)", currency=ads.totals[0].currency),
            description=_("Ad spend per day and platform"),
            locale=lang,
        )
        if spec is not None:
            out["spend"] = Markup(charts.to_svg(spec))
    return out


DEFAULT_PRIMARY = "#1f4e79"  # report.css's headings
DEFAULT_ACCENT = "#2e6b3a"
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Brand:
    """What the page shows of the organisation: its colours (checked hex) and its logo as a
    `data:` URI (PNG or JPEG re-encoded by the branding seam), or None."""

    primary: str = DEFAULT_PRIMARY
    accent: str = DEFAULT_ACCENT
    logo: str | None = None


def brand_of(report: Any) -> Brand:
    """The report's branding (the workspace settings' colours and logo), or the defaults. A
    colour that is not a 6-digit hex value is never written into the style sheet."""
    found = getattr(report, "branding", None)
    if found is None:
        return Brand()
    primary = getattr(found, "primary", None) or DEFAULT_PRIMARY
    accent = getattr(found, "accent", None) or DEFAULT_ACCENT
    logo = found.logo_data_uri() if hasattr(found, "logo_data_uri") else None
    return Brand(
        primary if HEX.match(primary) else DEFAULT_PRIMARY,
        accent if HEX.match(accent) else DEFAULT_ACCENT,
        logo if logo and logo.startswith(("data:image/png;", "data:image/jpeg;")) else None,
    )


def document_context(report: Any, lang: str) -> dict[str, Any]:
    """What every report's template gets: the words and formats of `lang`, `say` for
    Phrases, the brand, and the helpers for names, durations and links."""
    fmt = formats(lang)
    _ = _translator(lang)

    def say(value: Any) -> str:
        if value is None:
            return ""
        if hasattr(value, "say"):
            return str(value.say(lambda m: gettext(lang, m), fmt))
        return str(value)

    return {
        "report": report,
        "lang": lang,
        "fmt": fmt,
        "_": _,
        "say": say,
        "brand": brand_of(report),
        "css_string": css_string,
        "platform_name": platform_name,
        "figure_label": lambda key: DEFINITIONS[key].label_in(lang),
        "duration": lambda minutes: say(duration(minutes)),
        "link_host": link_host,
        "metric_label": lambda name: get_metric(name).short_in(lang),
        "toc": False,
        "left_out": [],
        "sections": (),
        "titles": {},
    }


def render_document(template: str, report: Any, lang: str | None, **context: Any) -> str:
    """`template` (one extending _document.html) rendered for `report` in `lang`."""
    language = normalise(lang or getattr(report, "lang", None)) or DEFAULT_LOCALE
    values = document_context(report, language)
    values.update(context)
    return _env().get_template(template).render(values)


def to_html(report: MonthlyReport, lang: str | None = None) -> str:
    """The report as one self-contained HTML page (its CSS and charts inline). `lang`: the
    language of the page's words (default: the report's; the labels taken from the metrics
    catalogue are in the language the report was made in)."""
    lang = normalise(lang or report.lang) or DEFAULT_LOCALE
    _ = _translator(lang)
    titles = {
        "reach": _("Reach and engagement"),
        "top_posts": _("Top posts"),
        "goals": _("Goals"),
        "coverage": _("Plan coverage"),
        "care": _("Customer care"),
        "ads": _("Advertising"),
        "anomalies": _("Unusual days and posts"),
    }
    sections = report.sections
    return render_document(
        "monthly.html",
        report,
        lang,
        titles=titles,
        sections=sections,
        toc=len(sections) >= TOC_FROM,
        left_out=[titles[s] for s in report.left_out],
        month_title=month_title(report.month.start, lang),
        previous_title=month_title(report.previous.start, lang),
        charts=_charts(report, lang, _),
    )


def _value_name(lang: str) -> Callable[[str, str], str]:
    from babel import Locale

    from socialdesk.reports.care import VALUE_WORDS

    names = Locale.parse(lang).languages

    def name(kind: str, value: str) -> str:
        if kind == "language":
            return names.get(value, value) if value else gettext(lang, "not read yet")
        word = VALUE_WORDS.get(kind, {}).get(value)
        return gettext(lang, word) if word is not None else value

    return name


def care_html(report: CareReport, lang: str | None = None) -> str:
    """The customer-care report as one self-contained HTML page."""
    lang = normalise(lang or report.lang) or DEFAULT_LOCALE
    _ = _translator(lang)
    titles = {
        "volume": _("What came in"),
        "response": _("Replies against the target"),
        "mood": _("Mood and questions"),
        "alerts": _("Surges of negative messages"),
    }
    charts_: dict[str, Markup] = {}
    spec = charts.daily_lines(
        [(day, platform_name(p), float(n)) for day, p, n in report.daily],
        value_title=_("Messages in per day"),
        description=_("Messages in per day and platform"),
        locale=lang,
    )
    if spec is not None:
        charts_["volume"] = Markup(charts.to_svg(spec))
    sections = report.sections
    return render_document(
        "care.html",
        report,
        lang,
        titles=titles,
        sections=sections,
        toc=len(sections) >= TOC_FROM,
        month_title=month_title(report.month.start, lang),
        previous_title=month_title(report.previous.start, lang),
        charts=charts_,
        value_name=_value_name(lang),
    )


def audit_html(report: AuditReport, lang: str | None = None) -> str:
    """The five-skills audit as one self-contained HTML page: the scores, then a section per
    skill with its checks, their evidence and the next steps."""
    lang = normalise(lang or report.lang) or DEFAULT_LOCALE
    _ = _translator(lang)
    titles = {"scores": _("Scores")}
    say = document_context(report, lang)["say"]
    titles.update({s.skill: say(s.title) for s in report.audit.skills})
    sections = ("scores", *report.sections)
    return render_document("audit.html", report, lang, titles=titles, sections=sections, toc=True)


def _offline_fetcher() -> Any:
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    class OfflineFetcher(URLFetcher):
        """Fetches `data:` URLs only: a report never reaches the network or the disk."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"a socialdesk report fetches nothing (asked for {url[:80]!r})")

    return OfflineFetcher()


def to_pdf(html: str) -> bytes:
    """The HTML laid out as an A4 PDF by WeasyPrint, without fetching anything."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf: bytes = HTML(string=html, url_fetcher=_offline_fetcher()).write_pdf()
    return pdf
