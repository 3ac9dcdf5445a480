"""The organisation on the reports: its name, logo and colours (issue #16), from the workspace.

    branding.load(session, ws)                 # Branding(name, logo, logo_type, primary, accent)
    branding.save(session, ws, name="Gemeente Groenstad", logo=png_bytes, primary="#1f4e79")

Stored as one WorkspaceFact ("report.branding"), so it is the same on SQLite and PostgreSQL
and on a team server, with no files beside the database and no migration. Only what was set
is stored: the name defaults to the workspace's name, the colours to the report's own.

A logo is kept only when Pillow reads it as PNG or JPEG (SVG can carry script and is refused,
as is anything else, whatever its name); it is turned upright, shrunk to at most 600x200
pixels and written anew as PNG without its metadata, so what is stored is small and only
pixels. The main colour is the report's headings' text on white, so it must reach WCAG's
4.5:1 contrast against white.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from socialdesk.errors import SocialdeskError
from socialdesk.i18n import N_
from socialdesk.model import Workspace, WorkspaceFact
from socialdesk.phrases import Num, Phrase

__all__ = [
    "DEFAULT_ACCENT",
    "DEFAULT_PRIMARY",
    "KEY",
    "LOGO_BOX",
    "MAX_LOGO_UPLOAD",
    "MIN_CONTRAST",
    "Branding",
    "BrandingError",
    "clean_logo",
    "contrast",
    "load",
    "save",
]

KEY = "report.branding"
DEFAULT_PRIMARY = "#1f4e79"  # the report's headings (reports/templates/report.css)
DEFAULT_ACCENT = "#d9822b"  # the charts' second colour (reports/charts.py PALETTE)
MAX_NAME = 120
MAX_LOGO_UPLOAD = 2 * 1024 * 1024  # what an upload may be, before it is shrunk
MAX_LOGO_STORED = 200 * 1024  # what the stored PNG may be
MAX_LOGO_PIXELS = 25_000_000  # refused before decoding (a decompression bomb: ~100 MB RGBA)
LOGO_BOX = (600, 200)
MIN_CONTRAST = 4.5
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_FORMATS = {"PNG", "JPEG"}


class BrandingError(SocialdeskError):
    """A name, colour or logo that is not kept; `reason` is the English msgid as a Phrase."""

    def __init__(self, reason: Phrase) -> None:
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class Branding:
    """How the reports present the organisation."""

    name: str
    logo: bytes | None  # a PNG, at most 600x200 pixels
    logo_type: str | None  # "image/png" when there is a logo
    primary: str  # "#rrggbb": headings, on white
    accent: str  # "#rrggbb": rules and highlights

    def logo_data_uri(self) -> str | None:
        """The logo as a data: URI for an <img> in a self-contained report, None without."""
        if self.logo is None:
            return None
        encoded = base64.b64encode(self.logo).decode("ascii")
        return f"data:{self.logo_type or 'image/png'};base64,{encoded}"


# -- colours -----------------------------------------------------------------------------------
def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(colour: str, background: str = "#ffffff") -> float:
    """WCAG 2's contrast ratio of two "#rrggbb" colours, 1 to 21."""
    a, b = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _colour(value: str, which: str) -> str:
    text = value.strip()
    if not _COLOUR.match(text):
        raise BrandingError(
            Phrase(
                "%(which)s: %(value)s is not a colour. Write it as # and six hex digits, "
                "e.g. #1f4e79.",
                which=Phrase(which),
                value=text[:20] or '""',
            )
        )
    return text.lower()


def _name(value: str) -> str:
    text = " ".join(value.split())
    if not 1 <= len(text) <= MAX_NAME or not text.isprintable():
        raise BrandingError(
            Phrase(
                "The organisation's name must be 1 to %(max)s characters.",
                max=Num(MAX_NAME, ".0f"),
            )
        )
    return text


# -- the logo ----------------------------------------------------------------------------------
def _not_an_image() -> BrandingError:
    return BrandingError(
        Phrase(
            "The logo is not a PNG or JPEG image socialdesk can read. Save it as PNG or "
            "JPEG (not SVG) and add it again."
        )
    )


def clean_logo(data: bytes) -> bytes:
    """`data` (a PNG or JPEG) shrunk to fit LOGO_BOX and written anew as a PNG without
    metadata; BrandingError for anything else, too large, or too many pixels."""
    if len(data) > MAX_LOGO_UPLOAD:
        raise BrandingError(
            Phrase(
                "The logo is larger than %(max)s MB. Export it smaller and add it again.",
                max=Num(MAX_LOGO_UPLOAD / 1024 / 1024, ".0f"),
            )
        )
    if not data:
        raise _not_an_image()
    try:
        # verify() reads the whole file: a truncated one fails here even though WeasyPrint,
        # once imported, lets Pillow load truncated images (ImageFile.LOAD_TRUNCATED_IMAGES)
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in _FORMATS:
                raise _not_an_image()
            probe.verify()  # checks a PNG's chunks; a JPEG's verify reads nothing
            if probe.format == "JPEG" and not data.rstrip(b"\0").endswith(b"\xff\xd9"):
                raise _not_an_image()  # a JPEG cut off before its end marker
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in _FORMATS:
                raise _not_an_image()
            width, height = img.size
            if width * height > MAX_LOGO_PIXELS:
                raise BrandingError(
                    Phrase("The logo has too many pixels. Export it at a smaller size.")
                )
            img.load()
            upright = ImageOps.exif_transpose(img)
            has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            pixels = upright.convert("RGBA" if has_alpha else "RGB")
    except BrandingError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise _not_an_image() from None
    pixels.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    clean = Image.new(pixels.mode, pixels.size)  # a new image: no metadata comes along
    clean.paste(pixels)
    out = _png(clean)
    if len(out) > MAX_LOGO_STORED:  # a photograph: 256 colours are plenty for a logo
        out = _png(clean.quantize(256, method=Image.Quantize.FASTOCTREE))
    if len(out) > MAX_LOGO_STORED:
        raise BrandingError(
            Phrase("The logo stays larger than 200 KB when shrunk. Use a simpler image.")
        )
    return out


def _png(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


# -- load and save -----------------------------------------------------------------------------
def _fact(session: Session, workspace_id: int) -> WorkspaceFact | None:
    return session.scalar(
        select(WorkspaceFact).where(
            WorkspaceFact.workspace_id == workspace_id, WorkspaceFact.key == KEY
        )
    )


def _branding(stored: dict[str, Any], workspace_name: str) -> Branding:
    logo: bytes | None = None
    if stored.get("logo"):
        try:
            logo = base64.b64decode(stored["logo"], validate=True)
        except (binascii.Error, ValueError, TypeError):
            logo = None
    return Branding(
        name=stored.get("name") or workspace_name,
        logo=logo,
        logo_type="image/png" if logo else None,
        primary=stored.get("primary") or DEFAULT_PRIMARY,
        accent=stored.get("accent") or DEFAULT_ACCENT,
    )


def load(session: Session, workspace_id: int) -> Branding:
    """The workspace's branding: what was saved, the defaults for the rest (one query)."""
    row = session.execute(
        select(Workspace.name, WorkspaceFact.value)
        .outerjoin(
            WorkspaceFact,
            (WorkspaceFact.workspace_id == Workspace.id) & (WorkspaceFact.key == KEY),
        )
        .where(Workspace.id == workspace_id)
    ).first()
    if row is None:
        return _branding({}, "")
    name, value = row
    return _branding(value if isinstance(value, dict) else {}, name or "")


def save(
    session: Session,
    workspace_id: int,
    *,
    name: str | None = None,
    logo: bytes | None = None,
    remove_logo: bool = False,
    primary: str | None = None,
    accent: str | None = None,
) -> Branding:
    """Changes what is given (None keeps it), all checked before anything is stored:
    BrandingError names the first problem. Flushed, not committed."""
    if logo is not None and remove_logo:
        raise BrandingError(Phrase("Either add a new logo or remove the logo, not both."))
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _name(name)
    if primary is not None:
        colour = _colour(primary, N_("Main colour"))
        ratio = contrast(colour)
        if ratio < MIN_CONTRAST:
            raise BrandingError(
                Phrase(
                    "The main colour %(colour)s is too light for text on white: its contrast "
                    "is %(ratio)s:1, and at least 4.5:1 is needed. Choose a darker colour.",
                    colour=colour,
                    ratio=Num(ratio, ".2f"),
                )
            )
        changes["primary"] = colour
    if accent is not None:
        changes["accent"] = _colour(accent, N_("Accent colour"))
    if logo is not None:
        changes["logo"] = base64.b64encode(clean_logo(logo)).decode("ascii")
    elif remove_logo:
        changes["logo"] = None
    fact = _fact(session, workspace_id)
    if fact is None:
        fact = WorkspaceFact(workspace_id=workspace_id, key=KEY, value={})
        session.add(fact)
    value = dict(fact.value or {})
    value.update(changes)
    fact.value = {k: v for k, v in value.items() if v is not None}  # a new dict: JSON change
    session.flush()
    return load(session, workspace_id)
