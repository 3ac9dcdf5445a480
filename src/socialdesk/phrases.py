"""Phrase: a sentence a skill computes, English as a string, translatable when shown.

Skills explain their figures in sentences ("Reels get 1.4× (1.2–1.6) the interactions of
photos on this account."). A Phrase is that English sentence (it *is* a `str`, so JSON twins,
the CLI and comparisons see the same text as before) and it keeps how it was made: an English
message with `%(name)s` slots and the values that fill them. A page shows it in its own
language with

    phrase.say(_, fmt)      # in a template: the page's gettext and i18n.Formats

which translates the message through the gettext catalogue (`Phrase("...")` calls are
extracted like `_("...")`) and fills in the values: numbers (`Num`) in the locale's format
(Dutch decimal comma), nested phrases translated in turn, names and other data as they are.

This module sits beside `estimates`: skills import it, it imports nothing of socialdesk, and
the translation and number formats are passed in by the face that shows the phrase.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

Translate = Callable[[str], str]


class NumberFormats(Protocol):
    """What `say` needs of a locale's number formats (i18n.Formats has these)."""

    def number(self, value: float | None, digits: int = 0) -> str: ...
    def decimal(self, value: float | None, digits: int = 1) -> str: ...
    def percent(self, value: float | None, digits: int = 1) -> str: ...


@dataclass(frozen=True)
class Num:
    """A number in a sentence: `spec` is its Python format spec in English (",.2f", ".1%",
    "+.0%", ".3g", ".0f"); other locales write the same precision in their own format."""

    value: float
    spec: str = ""

    def english(self) -> str:
        return format(self.value, self.spec)

    def local(self, fmt: NumberFormats | None) -> str:
        if fmt is None or getattr(fmt, "locale", "en") == "en":
            return self.english()
        return _local_number(self.value, self.spec, fmt)


_SPEC = re.compile(r"^(?P<sign>[+]?)(?P<group>,?)(?:\.(?P<digits>\d+))?(?P<kind>[fg%d]?)$")


def _local_number(value: float, spec: str, fmt: NumberFormats) -> str:
    m = _SPEC.match(spec)
    if not m:
        return _swap(format(value, spec), fmt)
    kind, digits = m["kind"], int(m["digits"]) if m["digits"] else None
    if kind == "%":
        text = fmt.percent(abs(value) if m["sign"] else value, 6 if digits is None else digits)
    elif kind == "g" or (kind == "" and isinstance(value, float) and digits is None):
        return _swap(format(value, spec), fmt)
    elif not digits:
        text = fmt.number(abs(value) if m["sign"] else value)
    else:
        text = fmt.decimal(abs(value) if m["sign"] else value, digits)
    if m["sign"]:
        text = ("−" if value < 0 else "+") + text
    return text


def _swap(english: str, fmt: NumberFormats) -> str:
    """A number Python wrote in English with the locale's decimal and group symbols."""
    sample = fmt.decimal(1234.5, 1)  # "1.234,5" in Dutch
    group, decimal = sample[1], sample[-2]
    return english.replace(",", "\x00").replace(".", decimal).replace("\x00", group)


@dataclass(frozen=True)
class Cap:
    """A value written with a capital first letter (the start of a sentence)."""

    value: Any


@dataclass(frozen=True)
class Day:
    """A date in a sentence: "14 okt 2026" in Dutch, "Oct 14, 2026" in English (the locale's
    `date` format when it has one, else ISO)."""

    value: dt.date

    def local(self, fmt: Any) -> str:
        writer = getattr(fmt, "date", None)
        return str(writer(self.value)) if writer is not None else self.value.isoformat()


@dataclass(frozen=True)
class Join:
    """Values written one after the other with `sep` between them."""

    values: tuple[Any, ...]
    sep: str = ", "

    @classmethod
    def of(cls, values: Iterable[Any], sep: str = ", ") -> Join:
        return cls(tuple(values), sep)


class Phrase(str):
    """An English sentence that remembers its message and values (see the module doc).

    `Phrase("Per view")`, `Phrase("%(n)s posts, at least %(min)s needed", n=3, min=10)`.
    A message with values uses `%%` for a literal per cent sign; one without values does not.
    """

    msgid: str
    values: Mapping[str, Any]

    def __new__(cls, msgid: str, /, **values: Any) -> Phrase:
        english = msgid % {k: _say(v, None, None) for k, v in values.items()} if values else msgid
        self = super().__new__(cls, english)
        self.msgid = msgid
        self.values = values
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.msgid, dict(self.values)))

    def say(self, translate: Translate | None = None, fmt: NumberFormats | None = None) -> str:
        """The sentence in the language of `translate` (a gettext) and `fmt` (its formats)."""
        text = translate(self.msgid) if translate is not None else self.msgid
        if not self.values:
            return text
        return text % {k: _say(v, translate, fmt) for k, v in self.values.items()}


_NUMBER = "%(value)s"


def number(value: float, spec: str = "") -> Phrase:
    """A number on its own as a Phrase: "0.45" in English, "0,45" in Dutch."""
    return Phrase(_NUMBER, value=Num(value, spec))


def _rebuild(msgid: str, values: dict[str, Any]) -> Phrase:
    return Phrase(msgid, **values)


def _say(value: Any, translate: Translate | None, fmt: NumberFormats | None) -> str:
    if isinstance(value, Phrase):
        return value.say(translate, fmt)
    if isinstance(value, Num):
        return value.local(fmt)
    if isinstance(value, Cap):
        text = _say(value.value, translate, fmt)
        return text[:1].upper() + text[1:]
    if isinstance(value, Day):
        return value.local(fmt)
    if isinstance(value, Join):
        return value.sep.join(_say(v, translate, fmt) for v in value.values)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return Num(value).local(fmt) if fmt is not None else str(value)
    return str(value)


def say(value: Any, translate: Translate | None = None, fmt: NumberFormats | None = None) -> str:
    """Any text a skill returns in the language of `translate`: a Phrase translated, a plain
    string (a name, a value from the data) as it is."""
    return _say(value, translate, fmt)


__all__ = ["Cap", "Day", "Join", "Num", "NumberFormats", "Phrase", "number", "say"]
