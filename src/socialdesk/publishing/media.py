"""The images and videos of calendar items: stored in the workspace's `media/` folder.

An upload is streamed to disk in blocks (bounded memory whatever its size), refused above
MAX_BYTES, and kept only when its content is an image Pillow reads (JPEG, PNG, WebP, GIF) or
an MP4/QuickTime video (an ISO base media file: its first box is `ftyp`); the name it came
with decides nothing. A file is stored once under the first 16 hex digits of its SHA-256, so
the same image added twice is one file, and a name from the browser never becomes a path.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from socialdesk.errors import SocialdeskError
from socialdesk.phrases import Num, Phrase

__all__ = ["MAX_BYTES", "MediaRefused", "StoredMedia", "media_path", "store_upload"]

MAX_BYTES = 1024 * 1024 * 1024  # 1 GiB: above every network's limit but Facebook's and LinkedIn's
BLOCK = 1024 * 1024
_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
_IMAGE_EXT = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}


class MediaRefused(SocialdeskError):
    """An upload that is not kept, with the reason as a Phrase."""

    def __init__(self, reason: Phrase) -> None:
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class StoredMedia:
    path: str  # relative to the media folder
    name: str  # the name it was uploaded with (shown, never used as a path)
    mime: str
    bytes: int
    width: int | None = None
    height: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "name": self.name,
            "mime": self.mime,
            "bytes": self.bytes,
            "width": self.width,
            "height": self.height,
            "alt": "",
        }


def media_path(root: Path, relative: str) -> Path | None:
    """The stored file `relative` inside `root`, or None when it would lead outside it."""
    root = root.resolve()
    path = (root / relative).resolve()
    return path if path.parent == root and path.is_file() else None


def _video_mime(head: bytes) -> str | None:
    """MP4 or QuickTime from the first box: size (4 bytes), 'ftyp', the major brand."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:12] == b"qt  " else "video/mp4"
    return None


def _shown(name: str) -> str:
    name = os.path.basename(name.replace("\\", "/")).strip() or "file"
    return "".join(ch for ch in name if ch.isprintable())[:200]


def store_upload(
    root: Path, name: str, stream: BinaryIO, *, max_bytes: int = MAX_BYTES
) -> StoredMedia:
    """Stream `stream` into `root` (created when missing) and return what was stored, or
    raise MediaRefused (too large, not an image or video) leaving nothing behind."""
    shown = _shown(name)
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=".upload-", dir=root)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while block := stream.read(BLOCK):
                size += len(block)
                if size > max_bytes:
                    raise MediaRefused(
                        Phrase(
                            "%(file)s is larger than %(max)s MB: socialdesk keeps files up to "
                            "that size. Make it smaller and add it again.",
                            file=shown,
                            max=Num(max_bytes / 1024 / 1024, ",.0f"),
                        )
                    )
                digest.update(block)
                out.write(block)
        if size == 0:
            raise MediaRefused(Phrase("%(file)s is empty. Choose the file again.", file=shown))
        with tmp.open("rb") as f:
            head = f.read(16)
        mime, width, height = _video_mime(head), None, None
        if mime is None:
            try:
                with Image.open(tmp) as img:
                    fmt = img.format or ""
                    width, height = img.size
                    img.verify()
            except Image.DecompressionBombError:
                raise MediaRefused(
                    Phrase(
                        "%(file)s has more pixels than any network shows. Export it again "
                        "at a smaller size.",
                        file=shown,
                    )
                ) from None
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
                fmt = ""
            mime = _IMAGE_TYPES.get(fmt)
        if mime is None:
            raise MediaRefused(
                Phrase(
                    "%(file)s is not an image or a video socialdesk can read. Use JPEG, PNG, "
                    "WebP or GIF for images, MP4 or MOV for videos.",
                    file=shown,
                )
            )
        ext = _IMAGE_EXT.get(mime) or (".mov" if mime == "video/quicktime" else ".mp4")
        relative = digest.hexdigest()[:16] + ext
        final = root / relative
        if final.exists():
            tmp.unlink()
        else:
            tmp.replace(final)
        return StoredMedia(relative, shown, mime, size, width, height)
    finally:
        if tmp.exists():
            tmp.unlink()
