"""Words the pages show for values that come from the data (roles, statuses, media types).

Marked with N_() so the gettext catalogue has them; the template helper `label(kind, key)`
(`LABELS.say`) translates them when shown, and shows an unknown value as it is. Metrics are
the exception: their names come from the metrics catalogue (metrics.toml, `short` else
`label`) in the page's language, so `LABELS["metric"]` only lists their English names. So
are the metrics' units (`label("unit", m.unit)`), the ads' result types
(`label("result", "Link clicks")`) and attribution settings (`label("attribution", …)`):
catalogue/words.toml has them in both languages, and one it does not know shows as the
export wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from socialdesk.catalogue.catalogue import Metric, registry
from socialdesk.catalogue.platforms import platform_name
from socialdesk.catalogue.words import attribution_name, result_type_name, unit_name
from socialdesk.i18n import N_
from socialdesk.phrases import Join, Num, Phrase


def metric_labels(catalogue: Mapping[str, Metric] | None = None) -> dict[str, str]:
    """Every catalogue metric's name in English, as a table heading or a list shows it."""
    cat = registry().metrics if catalogue is None else catalogue
    return {name: m.short_in("en") for name, m in cat.items()}


def metric_label(
    name: str, locale: str, catalogue: Mapping[str, Metric] | None = None
) -> str | None:
    """A metric's name in a heading or a list in `locale`; None when it is no metric."""
    cat = registry().metrics if catalogue is None else catalogue
    m = cat.get(name)
    return m.short_in(locale) if m is not None else None


class Labels(dict[str, dict[str, str]]):
    """LABELS: kind -> value -> English word; `say` shows one in the page's language."""

    def say(self, kind: str, key: str | None, locale: str, translate: Callable[[str], str]) -> str:
        if not key:
            return ""
        if kind == "metric":
            name = metric_label(key, locale)
            if name is not None:
                return name
        if kind in _CATALOGUE_WORDS:
            return _CATALOGUE_WORDS[kind](key, locale)
        return translate(self.get(kind, {}).get(key, key))


_CATALOGUE_WORDS: dict[str, Callable[[str, str], str]] = {
    "unit": unit_name,
    "result": result_type_name,
    "attribution": attribution_name,
    "platform": platform_name,
}

_WORDS: dict[str, dict[str, str]] = {
    "role": {"viewer": N_("viewer"), "editor": N_("editor"), "admin": N_("admin")},
    "status": {
        "imported": N_("imported"),
        "unchanged": N_("unchanged"),
        "failed": N_("failed"),
        "not-recognised": N_("not recognised"),
        "would-import": N_("would import"),
    },
    "media": {
        "photo": N_("photo"),
        "video": N_("video"),
        "reel": N_("reel"),
        "carousel": N_("carousel"),
        "link": N_("link"),
        "text": N_("text"),
        "story": N_("story"),
        "other": N_("other"),
    },
    "metric": metric_labels(),
    "nav": {
        "overview": N_("Overview"),
        "posts": N_("Posts"),
        "visual": N_("Visuals"),
        "ads": N_("Advertising"),
        "marketing": N_("Marketing"),
        "analytics": N_("Analytics"),
        "inbox": N_("Inbox"),
        "imports": N_("Imports"),
        "connections": N_("Connections"),
        "reports": N_("Reports"),
        "users": N_("Users"),
    },
}
LABELS: Labels = Labels(_WORDS)


# -- form and query problems ------------------------------------------------------------------
# What FastAPI's validation (pydantic) says about a field, as a sentence in the page's
# language: the error's `type` picks the sentence, its `ctx` fills in the limit. A type not
# listed keeps pydantic's own (English) message; our own validators' ValueErrors say their
# message as given.
_PROBLEMS: dict[str, str] = {
    "missing": N_("%(field)s: fill this in"),
    "int_parsing": N_("%(field)s: give a whole number"),
    "int_type": N_("%(field)s: give a whole number"),
    "int_from_float": N_("%(field)s: give a whole number"),
    "float_parsing": N_("%(field)s: give a number"),
    "float_type": N_("%(field)s: give a number"),
    "decimal_parsing": N_("%(field)s: give a number"),
    "bool_parsing": N_("%(field)s: give yes or no"),
    "date_parsing": N_("%(field)s: give a date as YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("%(field)s: give a date as YYYY-MM-DD"),
    "datetime_parsing": N_("%(field)s: give a date and time as YYYY-MM-DD HH:MM"),
    "datetime_from_date_parsing": N_("%(field)s: give a date and time as YYYY-MM-DD HH:MM"),
    "greater_than_equal": N_("%(field)s: give at least %(limit)s"),
    "greater_than": N_("%(field)s: give more than %(limit)s"),
    "less_than_equal": N_("%(field)s: give at most %(limit)s"),
    "less_than": N_("%(field)s: give less than %(limit)s"),
    "string_too_short": N_("%(field)s: write at least %(limit)s characters"),
    "string_too_long": N_("%(field)s: write at most %(limit)s characters"),
    "too_short": N_("%(field)s: give at least %(limit)s"),
    "too_long": N_("%(field)s: give at most %(limit)s"),
    "literal_error": N_("%(field)s: choose one of %(choices)s"),
    "enum": N_("%(field)s: choose one of %(choices)s"),
    "string_pattern_mismatch": N_("%(field)s: not in the expected form"),
}
_LIMITS = ("ge", "gt", "le", "lt", "min_length", "max_length")


def validation_problem(error: Mapping[str, Any]) -> Phrase:
    """One of FastAPI's validation errors (`RequestValidationError.errors()`) as a sentence."""
    loc = tuple(error.get("loc", ()))
    field = ".".join(str(p) for p in (loc[1:] if len(loc) > 1 else loc))
    ctx = error.get("ctx") or {}
    kind = str(error.get("type", ""))
    message = _PROBLEMS.get(kind)
    if kind == "value_error" and ctx.get("error") is not None:
        return Phrase("%(field)s: %(reason)s", field=field, reason=_reason(ctx["error"]))
    if message is None:
        return Phrase("%(field)s: %(reason)s", field=field, reason=str(error.get("msg", "")))
    values: dict[str, Any] = {"field": field}
    if "%(limit)s" in message:
        limit = next((ctx[k] for k in _LIMITS if k in ctx), None)
        if limit is None:
            return Phrase("%(field)s: %(reason)s", field=field, reason=str(error.get("msg", "")))
        values["limit"] = Num(limit) if isinstance(limit, int | float) else str(limit)
    if "%(choices)s" in message:
        expected = re.split(r",\s*(?:or\s+)?|\s+or\s+", str(ctx.get("expected", "")))
        values["choices"] = Join.of(expected, sep=", ")
    return Phrase(message, **values)


def _reason(error: Any) -> Any:
    """A validator's own ValueError: its Phrase when it raised one, else its text."""
    if error.args and isinstance(error.args[0], Phrase):
        return error.args[0]
    return str(error)


def validation_problems(errors: Sequence[Mapping[str, Any]]) -> Phrase:
    """All of a request's validation errors, one sentence each, joined by "; "."""
    return Phrase(
        "%(problems)s", problems=Join.of((validation_problem(e) for e in errors), sep="; ")
    )
