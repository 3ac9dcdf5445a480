"""Shared helpers of the TikTok Studio importers (not a format itself).

TikTok Studio's "Download data" CSVs write their dates as a day and a month in the UI
language ("May 16", "16 mei", "18 tháng Tám", "8 Juli", "16 Μαΐου") with no year, and they
never name the account. The helpers here turn such cells into dates, inferring the year as
the latest such date on or before a reference day (the export's date), which also takes care
of the December → January rollover.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd

from socialdesk.errors import RowInvalid
from socialdesk.importers.base import AccountRef, ReadContext
from socialdesk.importers.values import cleaned, file_row

PLATFORM = "tiktok"
DEFAULT_HANDLE = "TikTok account"

_MONTH_WORDS: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "januari",
        "januar",
        "jänner",
        "janvier",
        "janv",
        "enero",
        "ene",
        "janeiro",
        "gennaio",
        "gen",
        "ιανουαρίου",
        "ιανουάριος",
        "ιαν",
        "tháng một",
        "tháng giêng",
    ),
    2: (
        "february",
        "feb",
        "februari",
        "februar",
        "février",
        "févr",
        "febrero",
        "fevereiro",
        "fev",
        "febbraio",
        "φεβρουαρίου",
        "φεβρουάριος",
        "φεβ",
        "tháng hai",
    ),
    3: (
        "march",
        "mar",
        "maart",
        "mrt",
        "märz",
        "mär",
        "mars",
        "marzo",
        "março",
        "maret",
        "μαρτίου",
        "μάρτιος",
        "μαρ",
        "tháng ba",
    ),
    4: (
        "april",
        "apr",
        "avril",
        "avr",
        "abril",
        "abr",
        "aprile",
        "απριλίου",
        "απρίλιος",
        "απρ",
        "tháng tư",
    ),
    5: ("may", "mei", "mai", "mayo", "maio", "maggio", "mag", "μαΐου", "μάιος", "μαΐ", "tháng năm"),
    6: (
        "june",
        "jun",
        "juni",
        "juin",
        "junio",
        "junho",
        "giugno",
        "giu",
        "ιουνίου",
        "ιούνιος",
        "ιουν",
        "tháng sáu",
    ),
    7: (
        "july",
        "jul",
        "juli",
        "juillet",
        "juil",
        "julio",
        "julho",
        "luglio",
        "lug",
        "ιουλίου",
        "ιούλιος",
        "ιουλ",
        "tháng bảy",
    ),
    8: (
        "august",
        "aug",
        "augustus",
        "août",
        "agosto",
        "ago",
        "agustus",
        "agu",
        "agt",
        "αυγούστου",
        "αύγουστος",
        "αυγ",
        "tháng tám",
    ),
    9: (
        "september",
        "sep",
        "sept",
        "septembre",
        "septiembre",
        "setiembre",
        "setembro",
        "set",
        "settembre",
        "σεπτεμβρίου",
        "σεπτέμβριος",
        "σεπ",
        "tháng chín",
    ),
    10: (
        "october",
        "oct",
        "oktober",
        "okt",
        "octobre",
        "octubre",
        "outubro",
        "out",
        "ottobre",
        "ott",
        "οκτωβρίου",
        "οκτώβριος",
        "οκτ",
        "tháng mười",
    ),
    11: (
        "november",
        "nov",
        "novembre",
        "noviembre",
        "novembro",
        "νοεμβρίου",
        "νοέμβριος",
        "νοε",
        "tháng mười một",
    ),
    12: (
        "december",
        "dec",
        "dezember",
        "dez",
        "décembre",
        "déc",
        "diciembre",
        "dic",
        "dezembro",
        "dicembre",
        "desember",
        "des",
        "δεκεμβρίου",
        "δεκέμβριος",
        "δεκ",
        "tháng mười hai",
    ),
}
# Words that sit between the day and the month in some languages ("16 de mayo").
_FILLERS = frozenset({"de", "del", "di"})
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th|e)\b")  # "1er mars", "1st May"
_VI_NUMERIC = re.compile(r"^(\d{1,2}) (?:thang|thg) (\d{1,2})(?: (\d{4}))?$")


def fold(value: str) -> str:
    """Case-folded, accent-free text with dots and commas as spaces, single-spaced."""
    decomposed = unicodedata.normalize("NFD", value.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", re.sub(r"[.,/]", " ", bare)).strip()


MONTHS: dict[str, int] = {
    fold(word): month for month, words in _MONTH_WORDS.items() for word in words
}


def parse_day(value: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of "May 16", "16 mei", "18 tháng Tám", "May 16, 2025",
    "2025-05-16"; None when the cell is not such a date."""
    iso = _ISO.match(value.strip())
    if iso:
        return int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    text = _ORDINAL.sub(r"\1", fold(value))
    vi = _VI_NUMERIC.match(text)
    if vi:
        return (int(vi.group(3)) if vi.group(3) else None), int(vi.group(2)), int(vi.group(1))
    days = [t for t in text.split() if t.isdigit() and len(t) <= 2]
    years = [t for t in text.split() if t.isdigit() and len(t) == 4]
    words = [t for t in text.split() if not t.isdigit() and t not in _FILLERS]
    if len(days) != 1 or len(years) > 1 or not words:
        return None
    month = MONTHS.get(" ".join(words))
    if month is None:
        return None
    return (int(years[0]) if years else None), month, int(days[0])


def latest_on_or_before(month: int, day: int, reference: dt.date) -> dt.date | None:
    """The latest `month`/`day` on or before `reference` (29 February goes back to a leap
    year); None when no such calendar day exists."""
    for year in range(reference.year, reference.year - 9, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= reference:
            return candidate
    return None


def _resolve(value: str, reference: dt.date) -> tuple[dt.date | None, bool]:
    """(date, year_was_inferred) for one cell."""
    parsed = parse_day(value)
    if parsed is None:
        return None, False
    year, month, day = parsed
    if year is not None:
        try:
            return dt.date(year, month, day), False
        except ValueError:
            return None, False
    return latest_on_or_before(month, day, reference), True


def fail(frame: pd.DataFrame, bad: pd.Series, file: str, column: str, message: str) -> None:
    """Raise RowInvalid for the first row where `bad` is true; `{value}` shows the cell."""
    idx = bad[bad].index[0]
    row = file_row(frame, idx)
    raise RowInvalid(file, row, column, message.format(value=frame.at[idx, column]))


def tiktok_dates(
    frame: pd.DataFrame,
    column: str,
    ctx: ReadContext,
    reference: dt.date | pd.Series,
    *,
    required: bool = True,
    note: bool = True,
) -> pd.Series:
    """Dates of a TikTok column (datetime64, NaT for empty cells when not required).

    `reference` is the day the year is inferred against: one date, or one per row (Content's
    publish dates are inferred against each row's snapshot date).
    """
    s = cleaned(frame[column])
    if isinstance(reference, pd.Series):
        refs = [pd.Timestamp(r).date() if pd.notna(r) else ctx.as_of for r in reference]
    else:
        refs = [reference] * len(s)
    out: list[dt.date | None] = []
    inferred = False
    for value, ref in zip(s.tolist(), refs, strict=True):
        if value is pd.NA:
            out.append(None)
            continue
        day, guessed = _resolve(str(value), ref)
        inferred = inferred or guessed
        out.append(day)
    result = pd.Series(pd.to_datetime(pd.Series(out, index=s.index, dtype=object)), index=s.index)
    bad = s.notna() & result.isna()
    if bad.any():
        fail(frame, bad, ctx.file, column, "{value!r} is not a day and month (like 'May 16').")
    if required and s.isna().any():
        fail(frame, s.isna(), ctx.file, column, "the date is empty.")
    if inferred and note:
        ctx.note(
            f"{column!r} has no year: inferred as the latest such day on or before "
            f"{refs[0] if len(set(refs)) == 1 else 'each row’s snapshot date'} "
            "(the export date; pass --as-of to set it). Days more than a year back cannot be "
            "told apart."
        )
    return result.astype("datetime64[ns]")


def account_ref(ctx: ReadContext) -> AccountRef:
    """TikTok Studio files never name the account: the user's --account, else a default."""
    if ctx.account:
        return AccountRef(PLATFORM, ctx.account)
    ctx.note(
        f"TikTok Studio files do not name the account: stored under {DEFAULT_HANDLE!r}. "
        "Import with --account @handle to keep several TikTok accounts apart."
    )
    return AccountRef(PLATFORM, DEFAULT_HANDLE)
