"""Reading a video's facts (visual/video.py) from real H.264 files (tests/fixtures/video, made
with FFmpeg: see its README) and from copies broken on purpose: truncated, cut anywhere,
without a duration, without a video track, or not a video at all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from socialdesk.visual import video
from socialdesk.visual.video import NotAVideo, VideoFacts, read_video

VIDEOS = Path(__file__).resolve().parents[1] / "fixtures" / "video"
LANDSCAPE = VIDEOS / "landscape-2s.mp4"  # 64x36, 2 s, H.264 + AAC
PORTRAIT = VIDEOS / "portrait-rotated.mp4"  # coded 64x36, a 90° matrix: shown 36x64
GRAY_180 = VIDEOS / "gray-180s.mp4"
GRAY_181 = VIDEOS / "gray-181s.mp4"

# An EBML header whose DocType is "webm" and the start of a Segment of unknown size: how every
# WebM file begins (nothing here reads further).
WEBM_HEADER = (
    b"\x1a\x45\xdf\xa3\x9f"
    b"\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02"
    b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"
)


def webm(path: Path) -> Path:
    path.write_bytes(WEBM_HEADER + bytes(64))
    return path


def _patched(src: Path, dst: Path, box: bytes, offset: int, new: bytes) -> Path:
    """A copy of src with `new` written `offset` bytes into the content of its first `box`."""
    data = bytearray(src.read_bytes())
    at = data.index(box) + 4 + offset
    data[at : at + len(new)] = new
    dst.write_bytes(bytes(data))
    return dst


def without_duration(dst: Path, src: Path = GRAY_180) -> Path:
    """A copy of a video without sound whose movie header gives no duration (0), as a file
    recorded live may have."""
    assert src.read_bytes()[src.read_bytes().index(b"mvhd") + 4] == 0  # a version 0 mvhd
    return _patched(src, dst, b"mvhd", 16, bytes(4))


# -- real files --------------------------------------------------------------------------------
def test_the_fixtures_are_read_as_ffmpeg_wrote_them() -> None:
    assert read_video(GRAY_180) == VideoFacts("mp4", 180.0, 16, 16, "avc1")
    assert read_video(GRAY_181) == VideoFacts("mp4", 181.0, 16, 16, "avc1")


def test_sound_and_picture_the_longer_counts() -> None:
    facts = read_video(LANDSCAPE)
    assert (facts.container, facts.width, facts.height, facts.codec) == ("mp4", 64, 36, "avc1")
    # the AAC track runs 2.02 s (its priming samples), the picture 2.0 s
    assert facts.duration == pytest.approx(2.023, abs=0.001)


def test_a_rotated_video_is_measured_as_shown() -> None:
    assert read_video(PORTRAIT) == VideoFacts("mp4", 1.0, 36, 64, "avc1")


def test_a_mov_is_read_like_an_mp4(tmp_path: Path) -> None:
    mov = shutil.copy(LANDSCAPE, tmp_path / "clip.mov")
    assert read_video(Path(mov)) == read_video(LANDSCAPE)


# -- what is unknown, and what is no video -------------------------------------------------------
def test_a_movie_header_without_duration_is_unknown_not_an_error(tmp_path: Path) -> None:
    facts = read_video(without_duration(tmp_path / "live.mp4"))
    assert facts == VideoFacts("mp4", None, 16, 16, "avc1")


def test_a_fragmented_movie_takes_the_fragments_duration(tmp_path: Path) -> None:
    """mvhd says 0, mvex/mehd the fragments' total (in mvhd's time scale)."""
    data = bytearray(without_duration(tmp_path / "frag.mp4").read_bytes())
    at = data.index(b"mvhd") + 4
    timescale = int.from_bytes(data[at + 12 : at + 16], "big")
    mehd = (16).to_bytes(4, "big") + b"mehd" + bytes(4) + (95 * timescale).to_bytes(4, "big")
    mvex = (8 + len(mehd)).to_bytes(4, "big") + b"mvex" + mehd
    moov = data.index(b"moov") - 4
    size = int.from_bytes(data[moov : moov + 4], "big")
    data[moov : moov + 4] = (size + len(mvex)).to_bytes(4, "big")
    data[moov + size : moov + size] = mvex
    (tmp_path / "frag.mp4").write_bytes(bytes(data))
    assert read_video(tmp_path / "frag.mp4").duration == 95.0


def test_a_webm_is_recognised_but_not_measured(tmp_path: Path) -> None:
    assert read_video(webm(tmp_path / "clip.webm")) == VideoFacts("webm", None, None, None, None)


def test_sound_only_is_not_a_video(tmp_path: Path) -> None:
    """The same file with its one track's handler 'soun' instead of 'vide'."""
    sound = _patched(GRAY_180, tmp_path / "sound.mp4", b"hdlr", 8, b"soun")
    with pytest.raises(NotAVideo, match="no video track"):
        read_video(sound)


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, I am not a video\n", b"\x00" * 1000, b"\x00\x00\x00\x18ftypmp42" + bytes(64)],
    ids=["empty", "text", "zeros", "ftyp-only"],
)
def test_files_that_are_no_video(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    with pytest.raises(NotAVideo):
        read_video(path)


def test_an_image_is_not_a_video(tmp_path: Path) -> None:
    Image.new("RGB", (32, 32), "red").save(tmp_path / "still.png")
    with pytest.raises(NotAVideo):
        read_video(tmp_path / "still.png")


def test_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_video(tmp_path / "gone.mp4")


def test_an_oversized_movie_box_still_gives_the_duration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(video, "MAX_MOOV", 100)
    assert read_video(GRAY_181) == VideoFacts("mp4", 181.0, None, None, None)


# -- broken anywhere -----------------------------------------------------------------------------
def test_every_truncation_is_a_video_or_not_a_video(tmp_path: Path) -> None:
    data = LANDSCAPE.read_bytes()
    path = tmp_path / "cut.mp4"
    for end in range(0, len(data), 97):
        path.write_bytes(data[:end])
        try:
            facts = read_video(path)
        except NotAVideo:
            continue
        assert facts.container == "mp4"


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flips=st.lists(st.tuples(st.integers(0, 2_083), st.integers(0, 255)), min_size=1, max_size=12)
)
def test_corrupted_bytes_never_raise_anything_but_not_a_video(
    tmp_path: Path, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(PORTRAIT.read_bytes())
    for at, value in flips:
        data[at % len(data)] = value
    path = tmp_path / "flipped.mp4"
    path.write_bytes(bytes(data))
    try:
        facts = read_video(path)
    except NotAVideo:
        return
    assert facts.duration is None or facts.duration >= 0
    assert (facts.width is None) == (facts.height is None)
