"""Which export format is this file? Header rows are found by scoring rows against each
format's known column spellings (in every language), so title lines, comment lines and
description rows above the header do not matter.

A format that requires no columns (the generic mapped import) can only be chosen by name:
detection never picks it for a file on its own. When nothing fits, FormatNotRecognised
names the columns found and the formats whose column names share the most words with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from socialdesk.errors import Candidate, FileUnreadable, FormatNotRecognised
from socialdesk.importers.base import ExportFormat
from socialdesk.importers.tabular import Probe, Table, dedupe, normalise_header, probe_file
from socialdesk.phrases import Join, Num, Phrase

_WORD = re.compile(r"[^\W_]{3,}")  # words of three letters or digits and more
_STOPWORDS = frozenset({"the", "and", "for", "van", "het", "een", "per", "with", "your", "from"})


@dataclass(frozen=True)
class Match:
    format: ExportFormat
    table: Table
    score: float


@cache
def _matcher(spellings: tuple[str, ...]) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    exact = set()
    patterns = []
    for sp in spellings:
        if sp.startswith("re:"):
            patterns.append(re.compile(sp[3:], re.IGNORECASE))
        else:
            exact.add(normalise_header(sp))
    return frozenset(exact), tuple(patterns)


def map_fields(
    fmt: ExportFormat, header: Sequence[str], normal: Sequence[str] | None = None
) -> dict[str, str]:
    """canonical field -> the (de-duplicated) header name it has in this file."""
    if normal is None:
        normal = [normalise_header(h) for h in header]
    present = frozenset(normal)
    out: dict[str, str] = {}
    taken: set[str] = set()
    for canonical, spellings in fmt.columns.items():
        exact, patterns = _matcher(tuple(spellings))
        if not patterns and exact.isdisjoint(present):
            continue  # the common case: none of its spellings is in this row
        for name, norm in zip(header, normal, strict=True):
            if name in taken:
                continue
            if norm in exact or any(p.fullmatch(norm) for p in patterns):
                out[canonical] = name
                taken.add(name)
                break
    return out


@lru_cache(maxsize=4096)
def _prepared(row: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """A candidate header row, de-duplicated and normalised once for all formats."""
    header = _header_of(row)
    return header, [normalise_header(h) for h in header]


def _header_of(row: Sequence[str]) -> list[str]:
    header = dedupe(row)
    while header and not header[-1]:
        header.pop()  # trailing commas of an Excel re-save
    return header


def _kind_fits(fmt: ExportFormat, probe: Probe) -> bool:
    if probe.kind == "csv":
        return ".csv" in fmt.extensions or ".txt" in fmt.extensions
    return f".{probe.kind}" in fmt.extensions


def _score_table(
    fmt: ExportFormat, probe: Probe, *, by_name: bool = False
) -> tuple[Match | None, Candidate]:
    best: Match | None = None
    best_cand = Candidate(fmt.name, 0.0, tuple(fmt.required))
    if not _kind_fits(fmt, probe):
        return None, best_cand
    min_cells = 1 if by_name and not fmt.required else 2
    for sheet in probe.sheets:
        if fmt.sheet and probe.kind != "csv" and sheet.name.casefold() != fmt.sheet.casefold():
            continue
        for index, row in enumerate(sheet.rows):
            cells = [c for c in row if str(c).strip()]
            if len(cells) < min_cells:
                continue
            header, normal = _prepared(tuple(str(c) for c in row))
            header = list(header)
            fields = map_fields(fmt, header, normal)
            missing = tuple(r for r in fmt.required if r not in fields)
            req_score = 1 - len(missing) / max(1, len(fmt.required))
            coverage = len(fields) / max(1, len(fmt.columns))
            score = req_score + 0.5 * coverage
            if fmt.file_pattern and re.search(fmt.file_pattern, probe.display, re.IGNORECASE):
                score += 0.25
            if req_score > best_cand.score and fmt.required:
                shown = [fmt.spellings(m)[0] for m in missing]
                ruling = _ruling_out(fmt, header, normal, fields)
                best_cand = Candidate(fmt.name, req_score, tuple(shown), ruling)
            if missing or any(f in fields for f in fmt.forbidden):
                continue
            if best is None or score > best.score:
                table = Table(probe, sheet.name, index, header, fields=fields)
                best = Match(fmt, table, score)
    return best, best_cand


def _ruling_out(
    fmt: ExportFormat, header: Sequence[str], normal: Sequence[str], fields: dict[str, str]
) -> tuple[str, ...]:
    """The columns of this header row that rule the format out: every column matching one of
    its forbidden fields (not just the first, as map_fields maps), in the file's order."""
    present = [f for f in fmt.forbidden if f in fields]
    if not present:
        return ()
    used = {name for field, name in fields.items() if field not in fmt.forbidden}
    matchers = [_matcher(tuple(fmt.columns[f])) for f in present]
    return tuple(
        name
        for name, norm in zip(header, normal, strict=True)
        if name not in used
        and any(norm in exact or any(p.fullmatch(norm) for p in pats) for exact, pats in matchers)
    )


def detect(path: Path, formats: Sequence[ExportFormat], display: str | None = None) -> Match:
    """The best-fitting format for a file, or FormatNotRecognised naming the closest ones."""
    probe = probe_file(path, display)
    return detect_probe(probe, formats)


def detect_probe(probe: Probe, formats: Sequence[ExportFormat]) -> Match:
    by_name = len(formats) == 1  # one format asked for by name (--format, a mapping)
    matches: list[Match] = []
    candidates: list[Candidate] = []
    for fmt in formats:
        if not fmt.required and not by_name:
            continue  # only ever chosen by name
        match, cand = _score_table(fmt, probe, by_name=by_name)
        if match:
            matches.append(match)
        if cand.score > 0:
            candidates.append(cand)
    if matches:
        best = max(matches, key=lambda m: m.score)
        _refuse_ambiguous_duplicates(best)
        return best
    columns, words = _columns_found(probe, formats)
    if not candidates:
        candidates = _resembling(formats, words)
    candidates.sort(key=lambda c: -c.score)
    raise FormatNotRecognised(
        probe.display, candidates, columns, message=not_recognised(candidates, columns)
    )


def column_letter(index: int) -> str:
    """A 0-based column index as a spreadsheet names it: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _refuse_ambiguous_duplicates(match: Match) -> None:
    """Refuse a header in which a column the format reads has the same name as another column
    that it does not read: which of the two holds the figures cannot be known (reading the
    first would silently drop the other). Formats that know their repeated columns (legacy
    Facebook Insights names both "Lifetime Organic Video Views" and "... [2]") read both."""
    table = match.table
    raw = next((sh.rows for sh in table.probe.sheets if sh.name == table.sheet), [])
    if table.header_index >= len(raw):
        return
    row = raw[table.header_index]
    used = set(table.fields.values())
    groups: dict[str, list[int]] = {}
    for i, cell in enumerate(row[: len(table.header)]):
        key = normalise_header(cell)
        if key:
            groups.setdefault(key, []).append(i)
    for positions in groups.values():
        if len(positions) < 2:
            continue
        read = [i for i in positions if table.header[i] in used]
        unread = [i for i in positions if table.header[i] not in used]
        if read and unread:
            first, second = read[0], unread[0]
            a, b = sorted((first, second))
            exc = FileUnreadable(
                table.display,
                Phrase(
                    "row %(row)s has two columns called %(name)s: column %(a)s (%(a_letter)s) "
                    "and column %(b)s (%(b_letter)s); socialdesk cannot tell which one holds the "
                    "figures. Rename or remove one of them and import the file again.",
                    row=table.header_index + 1,
                    name=repr(str(row[first]).strip()),
                    a=a + 1,
                    a_letter=column_letter(a),
                    b=b + 1,
                    b_letter=column_letter(b),
                ),
            )
            exc.row = table.header_index + 1  # type: ignore[attr-defined]
            exc.column = f"{column_letter(a)} / {column_letter(b)}"  # type: ignore[attr-defined]
            raise exc


_LINES = "%(head)s\n  %(lines)s"  # the first line, then the rest indented: Phrases each


def not_recognised(candidates: Sequence[Candidate], columns: Sequence[str]) -> Phrase:
    """What detection says when no format fits: the columns found, the closest formats and
    what keeps each from fitting (columns it misses, or columns its files never have)."""
    lines: list[Phrase] = []
    if columns:
        shown = Join.of(repr(c) for c in list(columns)[:12])
        if len(columns) > 12:
            lines.append(
                Phrase(
                    "Columns found: %(columns)s (+%(more)s more)",
                    columns=shown,
                    more=len(columns) - 12,
                )
            )
        else:
            lines.append(Phrase("Columns found: %(columns)s", columns=shown))
    for cand in candidates[:3]:
        share = Num(cand.score, ".0%")
        missing = Join.of(repr(m) for m in cand.missing[:8])
        never = Join.of(repr(c) for c in cand.ruled_out_by[:8])
        if cand.ruled_out_by and not cand.missing:
            # every column it needs is there: what rules it out is a column it never has
            lines.append(
                Phrase(
                    "Closest: %(format)s: all its columns are there, "
                    "but its files never have %(never)s",
                    format=cand.format,
                    never=never,
                )
            )
        elif cand.ruled_out_by:
            lines.append(
                Phrase(
                    "Closest: %(format)s (%(share)s of its columns), missing %(missing)s; "
                    "its files never have %(never)s",
                    format=cand.format,
                    share=share,
                    missing=missing,
                    never=never,
                )
            )
        else:
            lines.append(
                Phrase(
                    "Closest: %(format)s (%(share)s of its columns), missing %(missing)s",
                    format=cand.format,
                    share=share,
                    missing=missing if cand.missing else Phrase("nothing"),
                )
            )
    lines.append(Phrase("Run 'socialdesk formats' for the list, or import it with a mapping file."))
    return Phrase(
        _LINES,
        head=Phrase("no supported export format fits this file."),
        lines=Join(tuple(lines), "\n  "),
    )


# -- when nothing fits: what was found, and what it resembles -------------------------------
def _words(texts: Iterable[str]) -> frozenset[str]:
    found: set[str] = set()
    for t in texts:
        found.update(w for w in _WORD.findall(normalise_header(t)) if w not in _STOPWORDS)
    return frozenset(found)


_FORMAT_WORDS: dict[tuple[str, int], list[list[frozenset[str]]]] = {}


def _format_words(fmt: ExportFormat) -> list[list[frozenset[str]]]:
    """Per canonical column, the word sets of its plain spellings."""
    key = (fmt.name, id(fmt.columns))
    if key not in _FORMAT_WORDS:
        _FORMAT_WORDS[key] = [
            [ws for sp in spellings if not sp.startswith("re:") and (ws := _words([sp]))]
            for spellings in fmt.columns.values()
        ]
    return _FORMAT_WORDS[key]


def _resemblance(fmt: ExportFormat, words: frozenset[str]) -> float:
    """The share of a format's columns with a spelling at least half of whose words occur."""
    columns = _format_words(fmt)
    if not columns or not words:
        return 0.0
    close = sum(1 for sets in columns if any(2 * len(ws & words) >= len(ws) for ws in sets))
    return close / len(columns)


def _columns_found(
    probe: Probe, formats: Sequence[ExportFormat]
) -> tuple[list[str], frozenset[str]]:
    """The row most like a header (the most words shared with any format), its cells and words."""
    best: tuple[float, list[str], frozenset[str]] | None = None
    known = [f for f in formats if f.required]
    for sheet in probe.sheets:
        for row in sheet.rows:
            cells = [str(c).strip() for c in row if str(c).strip()]
            if len(cells) < 2:
                continue
            words = _words(cells)
            score = max((_resemblance(f, words) for f in known), default=0.0)
            if best is None or score > best[0]:
                best = (score, cells, words)
    if best is None:
        return [], frozenset()
    return best[1], best[2]


def _resembling(formats: Sequence[ExportFormat], words: frozenset[str]) -> list[Candidate]:
    out = []
    for fmt in formats:
        if not fmt.required:
            continue
        score = _resemblance(fmt, words)
        if score > 0:
            out.append(Candidate(fmt.name, score, tuple(fmt.spellings(r)[0] for r in fmt.required)))
    return out
