"""The platforms' image specs per placement, read from specs.toml (each figure with its source
and the date it was taken: platforms change them, so the file says "as of")."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from socialdesk.phrases import Phrase

SPECS_FILE = Path(__file__).with_name("specs.toml")
PLACEMENTS = ("feed", "story", "reel", "link", "profile")
PLATFORMS = ("facebook", "instagram", "linkedin", "x", "tiktok", "youtube")


class UnknownPlacement(ValueError):
    pass


@dataclass(frozen=True)
class SafeZone:
    """Share of each side that the platform may cover; `circle` for round profile images."""

    top: float = 0.0
    bottom: float = 0.0
    left: float = 0.0
    right: float = 0.0
    circle: bool = False

    @property
    def any(self) -> bool:
        return self.circle or any(v > 0 for v in (self.top, self.bottom, self.left, self.right))


@dataclass(frozen=True)
class Placement:
    platform: str
    name: str
    available: bool
    width: int | None
    height: int | None
    min_width: int | None
    ratio_min: float | None  # width / height, narrowest accepted
    ratio_max: float | None  # widest accepted
    ratio_text: str
    max_mb: float | None
    formats: tuple[str, ...]
    safe: SafeZone
    note: str
    source: str
    as_of: str

    @property
    def key(self) -> str:
        return f"{self.platform}.{self.name}"

    @property
    def ratio(self) -> float | None:
        """The recommended ratio (width / height)."""
        if self.width and self.height:
            return self.width / self.height
        return None

    @property
    def size_text(self) -> str:
        if not self.available:
            return Phrase("not available")
        return f"{self.width}×{self.height} px"


def parse_ratio(text: str) -> float:
    """ "4:5" -> 0.8, "1.91:1" -> 1.91."""
    w, h = text.split(":")
    return float(w) / float(h)


def _placement(platform: str, name: str, raw: dict[str, Any]) -> Placement:
    available = bool(raw.get("available", True))
    ratios = raw.get("ratios") or []
    values = sorted(parse_ratio(r) for r in ratios) if ratios else []
    safe_raw = raw.get("safe")
    if safe_raw == "circle":
        safe = SafeZone(circle=True)
    elif isinstance(safe_raw, dict):
        # the sides given (top, bottom, left, right), each a share of the image
        sides: dict[str, Any] = {k: float(v) for k, v in safe_raw.items()}
        safe = SafeZone(**sides)
    else:
        safe = SafeZone()
    distinct = list(dict.fromkeys(ratios))
    text = (
        Phrase("%(narrowest)s to %(widest)s", narrowest=distinct[0], widest=distinct[-1])
        if len(distinct) == 2
        else " to ".join(distinct)
    )
    return Placement(
        platform,
        name,
        available,
        raw.get("width"),
        raw.get("height"),
        raw.get("min_width"),
        values[0] if values else None,
        values[-1] if values else None,
        text,
        raw.get("max_mb"),
        tuple(raw.get("formats", ())),
        safe,
        raw.get("note", ""),
        raw["source"],
        str(raw["as_of"]),
    )


@cache
def _load(path: Path = SPECS_FILE) -> tuple[Placement, ...]:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    out = []
    for platform, placements in raw.items():
        for name, spec in placements.items():
            out.append(_placement(platform, name, spec))
    return tuple(out)


def placements(
    platform: str | None = None, name: str | None = None, *, available_only: bool = True
) -> tuple[Placement, ...]:
    """The placements of `platform` (all platforms when None), optionally one `name`."""
    out = [
        p
        for p in _load()
        if (platform is None or p.platform == platform)
        and (name is None or p.name == name)
        and (p.available or not available_only)
    ]
    return tuple(out)


def placement(platform: str, name: str) -> Placement:
    for p in _load():
        if p.platform == platform and p.name == name:
            return p
    raise UnknownPlacement(
        f"no placement {platform}.{name}; platforms: {', '.join(PLATFORMS)}; placements: "
        f"{', '.join(PLACEMENTS)}"
    )
