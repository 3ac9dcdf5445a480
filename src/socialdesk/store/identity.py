"""A workspace folder's identity: `socialdesk-workspace.json`, the key of its data.

The marker sits beside `socialdesk.db` and `secret.key` and holds the workspace's uuid (its
key: `Workspace.uid` in the database), its slug (a readable name, unique in the database)
and the folder's name when it was last written. The uuid is made once, when the folder is
first opened, and the workspace is found by it, never by the folder's name: renaming,
moving or restoring the folder under another name keeps its data, and two folders of one
name on a shared database are two workspaces. The marker is written atomically (a
temporary file, then a rename).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialdesk.errors import ConfigError

log = logging.getLogger("socialdesk.store")

MARKER_FILE = "socialdesk-workspace.json"
FORMAT = 1
_ABOUT = (
    "This folder's workspace in the socialdesk database. Keep this file when you rename, "
    "move or back up the folder: its uuid is the key of the folder's data."
)
_SLUG_MAX = 100  # Workspace.slug is String(100)


class MarkerError(ConfigError):
    """The workspace marker cannot be read; the message names the file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"{path}: {reason}. This file names the folder's workspace in the database (its "
            "uuid); fix it or restore it from a backup. Without it a folder with its own "
            "socialdesk.db finds its data again, but on a shared database it starts a new, "
            "empty workspace."
        )


@dataclass(frozen=True)
class Marker:
    slug: str
    uuid: str
    folder: str | None  # the folder's name when the marker was last written

    @classmethod
    def new(cls, slug: str, folder: Path) -> Marker:
        return cls(slug=slug, uuid=str(uuid.uuid4()), folder=folder.name)

    def as_json(self) -> dict[str, Any]:
        return {
            "about": _ABOUT,
            "format": FORMAT,
            "slug": self.slug,
            "uuid": self.uuid,
            "folder": self.folder,
            "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }


def marker_path(folder: Path) -> Path:
    return folder / MARKER_FILE


def read_marker(folder: Path) -> Marker | None:
    """The folder's marker, None when it has none; MarkerError when it is malformed."""
    path = marker_path(folder)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise MarkerError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise MarkerError(path, "is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise MarkerError(
            path, f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise MarkerError(path, "does not hold a JSON object")
    fmt = data.get("format", FORMAT)
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        raise MarkerError(path, f"has an invalid format {fmt!r} (expected {FORMAT})")
    if fmt > FORMAT:
        raise MarkerError(path, f"was written by a newer socialdesk (format {fmt})")
    slug = data.get("slug")
    if not isinstance(slug, str) or not slug.strip():
        raise MarkerError(path, "has no slug (a non-empty string)")
    if len(slug) > _SLUG_MAX or any(not ch.isprintable() for ch in slug):
        raise MarkerError(path, f"has an invalid slug {slug[:120]!r}")
    ident = data.get("uuid")
    try:
        ident = str(uuid.UUID(ident)) if isinstance(ident, str) else None
    except ValueError:
        ident = None
    if ident is None:
        raise MarkerError(path, f"has no valid uuid ({data.get('uuid')!r})")
    name = data.get("folder")
    return Marker(slug=slug, uuid=ident, folder=name if isinstance(name, str) else None)


def _temp_copy(folder: Path, marker: Marker) -> Path:
    """The marker's text in a temporary file in `folder`, flushed to disk."""
    text = json.dumps(marker.as_json(), indent=2, ensure_ascii=False) + "\n"
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{MARKER_FILE}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _sync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_marker(folder: Path, marker: Marker) -> None:
    """Write (or replace) the folder's marker atomically: readers see the old or the new."""
    tmp = _temp_copy(folder, marker)
    try:
        os.replace(tmp, marker_path(folder))
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _sync_dir(folder)


def publish_marker(folder: Path, marker: Marker) -> Marker:
    """Write the folder's first marker unless another process wrote one meanwhile: the
    marker in force (ours, or theirs)."""
    tmp = _temp_copy(folder, marker)
    path = marker_path(folder)
    try:
        os.link(tmp, path)  # atomic, and refuses to overwrite
    except FileExistsError:
        theirs = read_marker(folder)
        if theirs is not None:
            return theirs
        os.replace(tmp, path)  # vanished in between: ours then
    except OSError:  # a file system without hard links: replace (the last writer wins)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    _sync_dir(folder)
    return marker
