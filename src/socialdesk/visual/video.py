"""What a video file is, read from its headers without decoding a frame: its container, how
long it runs, the size it is shown at and its video codec.

MP4 and QuickTime (.mov) are one format (the ISO base media file format: boxes of a size and
a four-letter type). `read_video` reads them with two readers:
- mutagen (`mutagen.mp4.MP4`) opens the file: a file that is not an MP4 or MOV is refused
  there (NotAVideo), and its `info.length` is the duration of the first sound track, or of
  the whole movie where there is no sound;
- a small bounded reader here walks the movie box (moov, at most MAX_MOOV bytes; mdat, the
  frames, is never read) for what mutagen does not give, as it reads sound only:
  * the movie header's duration (mvhd; in a fragmented MP4 the fragments' total, mvex/mehd).
    The duration is the longer of it and mutagen's: a video whose sound stops before the
    picture runs longer than its sound track;
  * width and height from the video track's header (tkhd: 16.16 fixed-point figures at its
    end). Where its matrix turns the picture a quarter (a phone's portrait video is stored
    landscape with a 90° matrix), they are swapped: the size the video is shown at. A track
    header without a size falls back to the size coded in the sample description (stsd);
  * the codec: the four-letter code of the video track's first sample description (avc1 or
    avc3 H.264, hvc1 or hev1 HEVC, av01 AV1, vp09 VP9, mp4v MPEG-4 Part 2).
A file with a movie but no video track (sound only, renamed .mp4) is not a video.

WebM (and Matroska) is recognised by its EBML header only: mutagen does not read it, so its
duration, width and height are None ("unknown"), not an error.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mutagen import MutagenError
from mutagen.mp4 import MP4

__all__ = ["MAX_MOOV", "NotAVideo", "VideoFacts", "read_video"]

# The movie box of a long video lists every frame: about 10 bytes a frame, so 16 MiB holds
# well over an hour at 60 frames a second. A larger one is not read (no width or codec).
MAX_MOOV = 16 * 1024 * 1024
_EBML = b"\x1a\x45\xdf\xa3"
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"mvex", b"edts"}


class NotAVideo(ValueError):
    """The file is not a video socialdesk can read (not MP4, MOV or WebM, or no video track)."""


@dataclass(frozen=True)
class VideoFacts:
    """What `read_video` found; None where the file does not say."""

    container: str  # "mp4" (MP4 and QuickTime .mov) or "webm" (WebM and Matroska)
    duration: float | None  # seconds
    width: int | None  # pixels, as shown (a rotation applied)
    height: int | None
    codec: str | None  # the video track's sample entry: "avc1", "hvc1", "av01", ...


# -- boxes ---------------------------------------------------------------------------------------
def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, content start, content end) of each box in data[start:end], in order; a box
    whose size does not fit ends the walk."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        head = 8
        if size == 1:
            if pos + 16 > end:
                return
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            head = 16
        elif size == 0:  # to the end of what holds it
            size = end - pos
        if size < head or pos + size > end:
            return
        yield kind, pos + head, pos + size
        pos += size


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for found, lo, hi in _boxes(data, start, end):
        if found == kind:
            return lo, hi
    return None


def _path(data: bytes, start: int, end: int, *kinds: bytes) -> tuple[int, int] | None:
    span: tuple[int, int] | None = (start, end)
    for kind in kinds:
        if span is None:
            return None
        span = _child(data, *span, kind)
    return span


def _movie_box(path: Path) -> bytes | None:
    """The content of the top-level moov box, or None (none, malformed, or over MAX_MOOV)."""
    with path.open("rb") as fh:
        size_of_file = fh.seek(0, 2)
        pos = 0
        while pos + 8 <= size_of_file:
            fh.seek(pos)
            head = fh.read(16)
            if len(head) < 8:
                return None
            size, kind = struct.unpack_from(">I4s", head)
            length = 8
            if size == 1:
                if len(head) < 16:
                    return None
                (size,) = struct.unpack_from(">Q", head, 8)
                length = 16
            elif size == 0:
                size = size_of_file - pos
            if size < length or pos + size > size_of_file:
                return None
            if kind == b"moov":
                if size - length > MAX_MOOV:
                    return None
                fh.seek(pos + length)
                return fh.read(size - length)
            pos += size
    return None


# -- what the boxes say --------------------------------------------------------------------------
def _movie_seconds(moov: bytes) -> float | None:
    """The movie header's duration (mvhd), or the fragments' (mvex/mehd) where it is 0."""
    mvhd = _child(moov, 0, len(moov), b"mvhd")
    if mvhd is None:
        return None
    lo, hi = mvhd
    version = moov[lo]
    if version == 1 and hi - lo >= 32:
        timescale, duration = struct.unpack_from(">IQ", moov, lo + 20)
    elif version == 0 and hi - lo >= 20:
        timescale, duration = struct.unpack_from(">II", moov, lo + 12)
    else:
        return None
    if not timescale:
        return None
    if not duration and (mehd := _path(moov, 0, len(moov), b"mvex", b"mehd")) is not None:
        lo, hi = mehd
        if moov[lo] == 1 and hi - lo >= 12:
            (duration,) = struct.unpack_from(">Q", moov, lo + 4)
        elif hi - lo >= 8:
            (duration,) = struct.unpack_from(">I", moov, lo + 4)
    # 0 and all ones (0xFFFFFFFF: "not known") are no duration
    if not duration or duration in (2**32 - 1, 2**64 - 1):
        return None
    return float(duration / timescale)


def _video_track(moov: bytes) -> tuple[int, int] | None:
    """The span of the first track whose handler is 'vide' (ISO and QuickTime alike: the
    handler type sits 8 bytes into hdlr)."""
    for kind, lo, hi in _boxes(moov, 0, len(moov)):
        if kind != b"trak":
            continue
        hdlr = _path(moov, lo, hi, b"mdia", b"hdlr")
        if hdlr is not None and hdlr[1] - hdlr[0] >= 12:
            if moov[hdlr[0] + 8 : hdlr[0] + 12] == b"vide":
                return lo, hi
    return None


def _shown_size(moov: bytes, trak: tuple[int, int]) -> tuple[int, int] | None:
    """Width and height from tkhd, swapped where its matrix turns the picture a quarter."""
    tkhd = _child(moov, *trak, b"tkhd")
    if tkhd is None:
        return None
    lo, hi = tkhd
    matrix = lo + (52 if moov[lo] == 1 else 40)
    if hi - matrix < 44:
        return None
    a, b, _u, c, d = struct.unpack_from(">iiiii", moov, matrix)
    width, height = struct.unpack_from(">II", moov, matrix + 36)
    width, height = (width + 0x8000) >> 16, (height + 0x8000) >> 16
    if not width or not height:
        return None
    if a == 0 and d == 0 and b != 0 and c != 0:  # 90° or 270°
        width, height = height, width
    return width, height


def _sample_entry(moov: bytes, trak: tuple[int, int]) -> tuple[str | None, int, int]:
    """The first sample description's codec and its coded width and height (0 where absent)."""
    stsd = _path(moov, *trak, b"mdia", b"minf", b"stbl", b"stsd")
    if stsd is None:
        return None, 0, 0
    lo, hi = stsd
    entry = next(_boxes(moov, lo + 8, hi), None)  # after version, flags and the entry count
    if entry is None:
        return None, 0, 0
    kind, start, end = entry
    codec = kind.decode("latin-1").strip() if kind.isascii() and kind.strip() else None
    if end - start < 28:
        return codec, 0, 0
    width, height = struct.unpack_from(">HH", moov, start + 24)
    return codec, width, height


def _mp4(path: Path) -> VideoFacts:
    try:
        info = MP4(path).info
    except MutagenError as exc:
        raise NotAVideo(f"{path.name}: {exc}") from None
    length = float(info.length) if info is not None else 0.0
    moov = _movie_box(path)
    if moov is None:
        return VideoFacts("mp4", length or None, None, None, None)
    try:
        trak = _video_track(moov)
        if trak is None:
            raise NotAVideo(f"{path.name}: no video track")
        movie = _movie_seconds(moov)
        size = _shown_size(moov, trak)
        codec, coded_width, coded_height = _sample_entry(moov, trak)
    except (struct.error, IndexError) as exc:  # a box shorter than its fields
        raise NotAVideo(f"{path.name}: {exc}") from None
    if size is None and coded_width and coded_height:
        size = (coded_width, coded_height)
    seconds = max(length, movie or 0.0) or None
    width, height = size if size else (None, None)
    return VideoFacts("mp4", seconds, width, height, codec)


def read_video(path: Path) -> VideoFacts:
    """The facts of the video at `path` (see the module doc). NotAVideo when it is not an
    MP4, MOV or WebM video; OSError when the file cannot be read."""
    with path.open("rb") as fh:
        start = fh.read(4)
    if start.startswith(_EBML):
        return VideoFacts("webm", None, None, None, None)
    return _mp4(path)
