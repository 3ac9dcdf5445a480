"""Languages, number and date formats: Babel's, in Dutch (default) and English.

Messages are written in English in the code and the templates (`_("Posts")`) and translated
by the gettext catalogues in `socialdesk/locales/<lang>/LC_MESSAGES/messages.po`. The compiled
`.mo` files are committed next to them; after editing a `.po` file run

    python -m socialdesk.i18n compile

and `tests/web/test_i18n.py` fails when a `.mo` file is older than its `.po` or a message in
the code has no Dutch translation.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time, format_timedelta, get_datetime_format
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import (
    NumberPattern,
    format_compact_decimal,
    format_currency,
    parse_pattern,
)
from babel.support import Translations

LOCALES: tuple[str, ...] = ("nl", "en")
DEFAULT_LOCALE = "nl"
LOCALE_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
NO_DATA = "–"  # shown where a figure is absent; never a zero


# -- choosing the language -----------------------------------------------------------------
def normalise(lang: str | None) -> str | None:
    """'nl-NL', 'NL', 'en_GB' -> 'nl', 'nl', 'en'; anything else -> None."""
    if not lang:
        return None
    base = lang.strip().replace("_", "-").split("-", 1)[0].lower()
    return base if base in LOCALES else None


def parse_accept_language(header: str | None) -> list[str]:
    """The languages of an Accept-Language header, best first ('nl-NL,nl;q=0.9,en;q=0.8')."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        piece = part.strip()
        if not piece:
            continue
        lang, _, params = piece.partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            weighted.append((-q, i, lang.strip()))
    return [lang for _, _, lang in sorted(weighted)]


def negotiate(
    query: str | None,
    cookie: str | None,
    accept_language: str | None,
    default: str = DEFAULT_LOCALE,
) -> str:
    """The language to answer in: ?lang= first, then the cookie, then the browser's wish."""
    for candidate in (query, cookie, *parse_accept_language(accept_language)):
        found = normalise(candidate)
        if found:
            return found
    return normalise(default) or DEFAULT_LOCALE


# -- messages ------------------------------------------------------------------------------
@cache
def translations(locale: str) -> Translations:
    """The compiled catalogue of `locale` (an empty one when it has none)."""
    mo = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.exists():
        with mo.open("rb") as fh:
            return Translations(fh, domain=DOMAIN)
    return Translations()


def gettext(locale: str, message: str) -> str:
    return translations(locale).ugettext(message)


def N_(message: str) -> str:
    """Marks a message for the catalogue without translating it yet (translated when shown)."""
    return message


def compile_po(po_path: Path) -> bytes:
    """The .mo bytes for one .po file (fuzzy entries left out, as msgfmt does)."""
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=po_path.parent.parent.name)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def catalogue_paths() -> list[Path]:
    return sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_catalogues() -> list[Path]:
    """Write every .mo next to its .po; returns the .mo files written."""
    written = []
    for po in catalogue_paths():
        mo = po.with_suffix(".mo")
        mo.write_bytes(compile_po(po))
        written.append(mo)
    translations.cache_clear()
    return written


# -- formats -------------------------------------------------------------------------------
@cache
def _pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


@cache
def _locale(locale: str) -> Locale:
    return Locale.parse(locale)


def _apply(pattern: str, value: float, locale: str) -> str:
    """Babel's number formatting with the pattern parsed once (pages format thousands)."""
    return _pattern(pattern).apply(value, _locale(locale))


@cache
def _separators(locale: str) -> tuple[str, str]:
    symbols = _locale(locale).number_symbols["latn"]
    return symbols["group"], symbols["minusSign"]


def _whole(value: float, locale: str) -> str:
    """A whole number with the locale's grouping: Babel's "#,##0" (half-even rounding, as
    Babel's), written by Python's own formatting because pages show thousands of them."""
    group, minus = _separators(locale)
    text = f"{round(value):,}"
    if text == "-0":
        text = "0"
    return text.replace(",", group).replace("-", minus)


@cache
def _decimal_symbol(locale: str) -> str:
    return str(_locale(locale).number_symbols["latn"]["decimal"])


def _fixed(value: float, digits: int, locale: str, *, scale: int = 1) -> str:
    """Babel's "#,##0.00" (`digits` zeros; `scale` 100 for a percentage, without the sign):
    the same decimal half-even rounding, written by Python's formatting."""
    number = Decimal(str(value)) * scale
    rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    group, minus = _separators(locale)
    text = f"{rounded:,.{digits}f}"
    if rounded == 0:
        text = text.lstrip("-")
    return (
        text.replace(",", "\x00")
        .replace(".", _decimal_symbol(locale))
        .replace("\x00", group)
        .replace("-", minus)
    )


def _absent(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Formats:
    """Number and date formats of one locale. Absent values show as a dash, never 0."""

    locale: str

    @property
    def babel_locale(self) -> Locale:
        return Locale.parse(self.locale)

    def number(self, value: float | None, digits: int = 0) -> str:
        if _absent(value):
            return NO_DATA
        assert value is not None
        if not digits and abs(value) < 1e15:
            return _whole(value, self.locale)
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return _apply(pattern, value, self.locale)

    def decimal(self, value: float | None, digits: int = 1) -> str:
        if _absent(value):
            return NO_DATA
        assert value is not None
        if digits and abs(value) < 1e15:
            return _fixed(value, digits, self.locale)
        pattern = "#,##0." + "0" * digits
        return _apply(pattern, value, self.locale)

    def p_value(self, value: float | None) -> str:
        """A p-value to three decimals; below 0.001 as "< 0,001" (never "0,000")."""
        if _absent(value):
            return NO_DATA
        assert value is not None
        if value < 0.001:
            return "< " + self.decimal(0.001, 3)
        return self.decimal(value, 3)

    def compact(self, value: float | None) -> str:
        if _absent(value):
            return NO_DATA
        assert value is not None
        return format_compact_decimal(
            value, format_type="short", locale=self.locale, fraction_digits=1
        )

    def percent(self, value: float | None, digits: int = 1) -> str:
        if _absent(value):
            return NO_DATA
        assert value is not None
        pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
        return _apply(pattern, value, self.locale)

    def change(self, value: float | None) -> str:
        """A relative change with its sign: +12,3% / −4,0%."""
        if _absent(value):
            return NO_DATA
        assert value is not None
        if abs(value) < 1e12 and self.locale in ("nl", "en"):
            text = _fixed(value, 1, self.locale, scale=100)
            text = text if text.startswith("-") else "+" + text
            return text.replace("-", "−") + "%"
        text = _apply("+#,##0.0%;-#,##0.0%", value, self.locale)
        return text.replace("-", "−")

    def money(self, value: float | None, currency: str | None) -> str:
        if _absent(value):
            return NO_DATA
        assert value is not None
        if not currency:
            return self.decimal(value, 2)
        return format_currency(value, currency, locale=self.locale)

    def duration(self, minutes: float | None) -> str:
        """A waiting time rounded to its largest unit: 45 minuten, 3 uur, 4 dagen."""
        if _absent(minutes):
            return NO_DATA
        assert minutes is not None
        return format_timedelta(dt.timedelta(minutes=minutes), threshold=1.1, locale=self.locale)

    def date(self, value: dt.date | dt.datetime | str | None) -> str:
        """A day as the reader writes it: "6 dec 2026", "Dec 6, 2026" (an ISO date string, as
        the JSON twins carry days, is read first)."""
        if value is None or value == "":
            return NO_DATA
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        return format_date(value, "medium", locale=self.locale)

    def datetime(self, value: dt.datetime | str | None) -> str:
        """A wall-clock time as stored (post times are the account's local time): "6 dec 2026,
        09:05", "Dec 6, 2026, 09:05": the day as `date` writes it and the time on the 24-hour
        clock, joined as the locale joins them (an ISO string is read first). The day was
        "6 Dec 2026" in English beside days written "Dec 6, 2026" on the same page."""
        if value is None or value == "":
            return NO_DATA
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if not isinstance(value, dt.datetime):  # a day alone: its midnight
            value = dt.datetime.combine(value, dt.time())
        # CLDR's "{1}, {0}" (a pattern may quote literal text: unquoted here)
        joined = str(get_datetime_format("medium", locale=self.locale)).replace("'", "")
        when = format_time(value, "HH:mm", locale=self.locale)
        return joined.format(when, format_date(value, "medium", locale=self.locale))

    def post_time(self, value: dt.datetime | str | None) -> str:
        """A post's publish time as `datetime` writes it, or its day alone where the time is
        not known: a date-only export (LinkedIn's Created date) stores its posts at midnight,
        which read as "21 mei 2026, 00:00" (visual.features.timing and the best times take
        midnight as no time too)."""
        if isinstance(value, str) and value:
            value = dt.datetime.fromisoformat(value)
        if isinstance(value, dt.date) and (
            not isinstance(value, dt.datetime) or value.time() == dt.time()
        ):  # a day alone, or its midnight (to the second: the calendar's rule is the minute)
            return self.date(value)
        return self.datetime(value)

    def timestamp(self, value: dt.datetime | None, timezone: str = "Europe/Amsterdam") -> str:
        """A moment stored in UTC (imports, logins), shown in `timezone`."""
        if value is None:
            return NO_DATA
        from zoneinfo import ZoneInfo

        aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
        return self.datetime(aware.astimezone(ZoneInfo(timezone)))


def formats(locale: str) -> Formats:
    return Formats(normalise(locale) or DEFAULT_LOCALE)


# Where messages live: the web face's code and templates. `gettext(locale, "…")` is the
# call in Python code, `_("…")` in templates, `N_("…")` marks a message translated later.
# The skills' sentences are `Phrase("…", **values)` (socialdesk.phrases), translated when shown.
EXTRACT_FROM = Path(__file__).parent / "web"
# The import formats' titles and how-to texts are `N_("…")` in the importers, shown on /imports;
# the connectors' titles, fields and reasons likewise, on /connections; the reports' templates
# use `_("…")` and their sentences are Phrases, as are the five-skills audit's.
PHRASES_FROM = tuple(
    Path(__file__).parent / part
    for part in (
        "visual",
        "ads",
        "analytics",
        "marketing",
        "importers",
        "connectors",
        "worker",
        "publishing",
        "reports",
        "audit",
    )
)
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "gettext": (2,),
    "Phrase": None,
}
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def extract_messages() -> dict[str, list[tuple[str, int]]]:
    """Every message in the code and templates, with where it is used."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, list[tuple[str, int]]] = {}
    for folder in (EXTRACT_FROM, *PHRASES_FROM):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(folder),
            method_map=METHOD_MAP,
            keywords=KEYWORDS,
            options_map={"**/templates/**.html": {"extensions": ""}},
        ):
            if isinstance(message, str):
                found.setdefault(message, []).append((f"{folder.name}/{filename}", lineno))
        for message, place in _nested_calls(folder):
            if place not in found.setdefault(message, []):
                found[message].append(place)
    return found


def _nested_calls(folder: Path) -> Iterator[tuple[str, tuple[str, int]]]:
    """`Phrase("…")` and `N_("…")` inside another marked call's arguments, which Babel's
    extractor takes as part of the outer call (`Phrase("%(units)s …", units=Phrase("months"))`)."""
    import ast

    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("Phrase", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                where = f"{folder.name}/{path.relative_to(folder).as_posix()}"
                yield node.args[0].value, (where, node.lineno)


def _metric_names() -> dict[str, dict[str, str]]:
    """English metric name -> its name per language, from the metric registry."""
    from socialdesk.catalogue.catalogue import registry

    out: dict[str, dict[str, str]] = {}
    for metric in registry().metrics.values():
        out.setdefault(metric.short_in("en"), {lang: metric.short_in(lang) for lang in LOCALES})
    return out


def update_catalogues() -> list[Path]:
    """Add new messages to every .po (translations kept, unused ones marked obsolete)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    template = Catalog(project="socialdesk", msgid_bugs_address="", fuzzy=False)
    found = extract_messages()
    # the metrics' names live in catalogue/metrics.toml with both languages: code that still
    # translates a name with gettext (LABELS["metric"]) finds it in the catalogue too
    names = _metric_names()
    for en in names:
        found.setdefault(en, []).append(("catalogue/metrics.toml", 0))
    for message, places in sorted(found.items()):
        template.add(message, locations=places)
    written = []
    for lang in LOCALES:
        po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
        else:
            po.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, project="socialdesk", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        for en, by_lang in names.items():
            entry = catalog.get(en)
            if entry is None:
                continue
            if lang == "en" and entry.string and entry.string != en:
                entry.string = ""  # English is the source: its name is the message itself
            elif not entry.string and by_lang.get(lang) not in (None, en):
                entry.string = by_lang[lang]
        with po.open("wb") as fh:
            write_po(
                fh, catalog, width=100, omit_header=False, sort_output=True, include_previous=False
            )
        written.append(po)
    return written


def main(argv: Iterable[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["compile"]:
        for mo in compile_catalogues():
            print(f"wrote {mo}")
        return 0
    if args[:1] == ["update"]:
        for po in update_catalogues():
            print(f"updated {po}")
        return 0
    print(
        "usage: python -m socialdesk.i18n update|compile\n"
        "  update   add the messages of the code and templates to every .po file\n"
        "  compile  write the .mo files from the .po files",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
