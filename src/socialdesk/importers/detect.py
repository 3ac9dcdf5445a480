"""Which export format is this file? Header rows are found by scoring rows against each
format's known column spellings (in every language), so title lines, comment lines and
description rows above the header do not matter."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from socialdesk.errors import Candidate, FormatNotRecognised
from socialdesk.importers.base import ExportFormat
from socialdesk.importers.tabular import Probe, Table, dedupe, normalise_header, probe_file


@dataclass(frozen=True)
class Match:
    format: ExportFormat
    table: Table
    score: float


def _matcher(spellings: Iterable[str]) -> tuple[frozenset[str], list[re.Pattern[str]]]:
    exact = set()
    patterns = []
    for sp in spellings:
        if sp.startswith("re:"):
            patterns.append(re.compile(sp[3:], re.IGNORECASE))
        else:
            exact.add(normalise_header(sp))
    return frozenset(exact), patterns


def map_fields(fmt: ExportFormat, header: Sequence[str]) -> dict[str, str]:
    """canonical field -> the (de-duplicated) header name it has in this file."""
    normal = [normalise_header(h) for h in header]
    out: dict[str, str] = {}
    for canonical, spellings in fmt.columns.items():
        exact, patterns = _matcher(spellings)
        for name, norm in zip(header, normal, strict=True):
            if norm in exact or any(p.fullmatch(norm) for p in patterns):
                if name not in out.values():
                    out[canonical] = name
                    break
    return out


def _score_table(fmt: ExportFormat, probe: Probe) -> tuple[Match | None, Candidate]:
    best: Match | None = None
    best_cand = Candidate(fmt.name, 0.0, tuple(fmt.required))
    if probe.kind == "csv" and ".csv" not in fmt.extensions and ".txt" not in fmt.extensions:
        return None, best_cand
    if probe.kind in ("xlsx", "xls") and f".{probe.kind}" not in fmt.extensions:
        return None, best_cand
    for sheet in probe.sheets:
        if fmt.sheet and probe.kind != "csv" and sheet.name.casefold() != fmt.sheet.casefold():
            continue
        for index, row in enumerate(sheet.rows):
            cells = [c for c in row if str(c).strip()]
            if len(cells) < 2:
                continue
            header = dedupe(row)
            while header and not header[-1]:
                header.pop()  # trailing commas of an Excel re-save
            fields = map_fields(fmt, header)
            missing = tuple(r for r in fmt.required if r not in fields)
            req_score = 1 - len(missing) / max(1, len(fmt.required))
            coverage = len(fields) / max(1, len(fmt.columns))
            score = req_score + 0.5 * coverage
            if fmt.file_pattern and re.search(fmt.file_pattern, probe.display, re.IGNORECASE):
                score += 0.25
            if req_score > best_cand.score:
                shown = [fmt.spellings(m)[0] for m in missing]
                best_cand = Candidate(fmt.name, req_score, tuple(shown))
            if missing or any(f in fields for f in fmt.forbidden):
                continue
            if best is None or score > best.score:
                table = Table(probe, sheet.name, index, header, fields=fields)
                best = Match(fmt, table, score)
    return best, best_cand


def detect(
    path: Path, formats: Sequence[ExportFormat], display: str | None = None
) -> Match:
    """The best-fitting format for a file, or FormatNotRecognised naming the closest ones."""
    probe = probe_file(path, display)
    return detect_probe(probe, formats)


def detect_probe(probe: Probe, formats: Sequence[ExportFormat]) -> Match:
    matches: list[Match] = []
    candidates: list[Candidate] = []
    for fmt in formats:
        match, cand = _score_table(fmt, probe)
        if match:
            matches.append(match)
        candidates.append(cand)
    if matches:
        return max(matches, key=lambda m: m.score)
    candidates.sort(key=lambda c: -c.score)
    columns: list[str] = []
    for sheet in probe.sheets:
        rows = [r for r in sheet.rows if sum(1 for c in r if str(c).strip()) >= 2]
        if rows:
            columns = [c for c in rows[0] if str(c).strip()]
            break
    raise FormatNotRecognised(probe.display, [c for c in candidates if c.score > 0], columns)
