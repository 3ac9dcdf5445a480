"""The importers' seam for the faces: the formats socialdesk reads and what was imported.

    formats(translate)                      every built-in export format, titled and explained
    imports(session, workspace, translate)  the last imported files, newest first, + the formats

Titles and how-to texts are English messages of the catalogue; the face passes its `translate`
(gettext in the reader's language), since the skills' layer sits below i18n. Importing itself
is `runner.import_paths`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from socialdesk.importers import builtin_formats
from socialdesk.importers.queries import ImportRow, import_history
from socialdesk.importers.undo import UndoRefused, UndoResult, undo_batch

Translate = Callable[[str], str]


def _english(message: str) -> str:
    return message


@dataclass(frozen=True)
class FormatInfo:
    """An export format socialdesk reads, titled and explained in one language."""

    name: str
    platform: str
    title: str
    how_to: str
    extensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormatsResult:
    """Every export format socialdesk reads, by platform and title."""

    formats: tuple[FormatInfo, ...]


def formats(translate: Translate = _english) -> FormatsResult:
    """The built-in formats, sorted by platform and title; texts through `translate`."""
    return FormatsResult(
        tuple(
            FormatInfo(
                name=f.name,
                platform=f.platform,
                title=translate(f.title),
                how_to=translate(f.how_to),
                extensions=tuple(f.extensions),
            )
            for f in sorted(builtin_formats(), key=lambda f: (f.platform, f.title))
        )
    )


@dataclass(frozen=True)
class ImportsResult:
    """The workspace's last imported files and the formats socialdesk reads (/imports)."""

    history: tuple[ImportRow, ...]  # newest first
    formats: tuple[FormatInfo, ...]

    @property
    def format_titles(self) -> dict[str, str]:
        """Format name -> its title."""
        return {f.name: f.title for f in self.formats}


def imports(
    session: Session, workspace_id: int, *, translate: Translate = _english, limit: int = 100
) -> ImportsResult:
    history = import_history(session, workspace_id, limit=limit)
    return ImportsResult(history=tuple(history), formats=formats(translate).formats)


__all__ = [
    "FormatInfo",
    "FormatsResult",
    "ImportRow",
    "ImportsResult",
    "UndoRefused",
    "UndoResult",
    "formats",
    "imports",
    "undo_batch",
]
