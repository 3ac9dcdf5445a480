"""JSON exports (platform API responses) for detection and reading.

Detection scores header rows against each format's column spellings. A JSON file has no
header row, so its probe makes one: the dotted paths of the fields its records hold
("id", "account.acct", "status.content", "from.name"), gathered over the first records, plus
"$<key>" naming the list the records were found in ("$data", "$feed", "$notifications";
"$" for a top-level array). A JSON format module lists those paths as its column spellings
and is detected like any CSV format; its reader re-reads the records with `json_records`.

A JSON file is parsed whole (json.loads), so one larger than `limits.MAX_JSON_BYTES` is refused
before it is read, naming the file and the limit; so is one nested too deeply to parse.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from socialdesk.errors import FileUnreadable
from socialdesk.importers import limits
from socialdesk.importers.tabular import PROBE_ROWS, Probe, Sheet

MAX_DEPTH = 4


def _load(path: Path, display: str) -> Any:
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            problem = limits.json_problem(size)
            if problem is None:
                raw = fh.read(limits.MAX_JSON_BYTES + 1)  # never more, should the file grow
                problem = limits.json_problem(len(raw))
        if problem:
            raise FileUnreadable(display, problem)
        return json.loads(raw.decode("utf-8-sig"))
    except OSError as exc:
        raise FileUnreadable(display, f"cannot be read ({exc.strerror}).") from exc
    except RecursionError as exc:
        raise FileUnreadable(
            display, "this JSON file is nested too deeply to read: it is not an export."
        ) from exc
    except UnicodeDecodeError as exc:
        raise FileUnreadable(display, "this .json file is not UTF-8 text.") from exc
    except json.JSONDecodeError as exc:
        raise FileUnreadable(
            display, f"this is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from exc


def _record_list(doc: Any) -> tuple[str, list[dict[str, Any]]]:
    """The list of records in a document and the key it was under ("" for a top-level list)."""
    if isinstance(doc, list):
        return "", [r for r in doc if isinstance(r, dict)]
    if isinstance(doc, dict):
        lists = [
            (k, [r for r in v if isinstance(r, dict)])
            for k, v in doc.items()
            if isinstance(v, list) and any(isinstance(r, dict) for r in v)
        ]
        if lists:
            return max(lists, key=lambda kv: len(kv[1]))
        return "", [doc]
    return "", []


def flatten(record: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """{"a": {"b": 1}, "c": [{"d": 2}]} -> {"a.b": 1, "c[].d": 2 (the first item)}."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and depth < MAX_DEPTH:
            out.update(flatten(value, f"{path}.", depth + 1))
        elif isinstance(value, list) and value and isinstance(value[0], dict) and depth < MAX_DEPTH:
            out.update(flatten(value[0], f"{path}[].", depth + 1))
        else:
            out[path] = value
    return out


def probe_json(path: Path, display: str) -> Probe:
    doc = _load(path, display)
    container, records = _record_list(doc)
    if not records:
        raise FileUnreadable(display, "this JSON file holds no records (no list of objects).")
    paths: dict[str, None] = {f"${container}": None}
    for record in records[:PROBE_ROWS]:
        paths.update(dict.fromkeys(flatten(record)))
    return Probe(path, display, "json", "utf-8", None, [Sheet("", [list(paths)])])


def json_records(path: Path, display: str) -> tuple[str, list[dict[str, Any]]]:
    """The records of a JSON export (as parsed, not flattened) and their container key."""
    return _record_list(_load(path, display))


__all__ = ["flatten", "json_records", "probe_json"]
