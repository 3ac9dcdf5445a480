"""The checks before scheduling (publishing/checks.py), on real image files written with Pillow
and real H.264 videos (tests/fixtures/video): each limit at its edge, the files that are not
what they claim, links, UTM tags, times and the clock changes of Europe/Amsterdam."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from socialdesk.phrases import Phrase
from socialdesk.publishing import checks
from socialdesk.publishing.base import Draft, MediaFile
from socialdesk.publishing.checks import (
    NETWORKS,
    NonexistentTime,
    Note,
    Problem,
    UnknownNetwork,
    check_draft,
    check_notes,
    local_time,
    remaining,
    text_length,
    utm_checker,
)
from tests.visual.test_video import GRAY_180, GRAY_181, LANDSCAPE, PORTRAIT, webm, without_duration

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
THUMBS = "👍🏽"  # thumbs up with a skin tone: 2 code points, 1 grapheme
ACCENT = "e\u0301"  # e with a combining acute accent: 2 code points, 1 grapheme
FAMILY = "👨\u200d👩\u200d👧"  # a ZWJ sequence: 5 code points, 1 grapheme


def _image(path: Path, size: tuple[int, int] = (64, 64), *, noisy: bool = False) -> Path:
    if noisy:
        rng = np.random.default_rng(7)
        pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
        Image.fromarray(pixels).save(path)
    else:
        Image.new("RGB", size, (200, 90, 40)).save(path)
    return path


def _draft(
    network: str,
    text: str = "Hello",
    *,
    created_at: datetime = LATER,
    media: tuple[MediaFile, ...] = (),
    link: str | None = None,
) -> Draft:
    return Draft(network=network, text=text, created_at=created_at, media=media, link=link)


def _check(
    draft: Draft,
    *,
    limit: int | None = None,
    utm_problem: Callable[[str], Phrase | None] | None = None,
    tz: str = checks.DEFAULT_TZ,
) -> tuple[Problem, ...]:
    problems = check_draft(draft, now=NOW, limit=limit, utm_problem=utm_problem, tz=tz)
    for p in problems:
        assert isinstance(p.message, Phrase)
        assert p.message.msgid  # a message for the catalogue, with %(name)s slots
    return problems


def _only(problems: tuple[Problem, ...], check: str) -> Problem:
    found = [p for p in problems if p.check == check]
    assert len(found) == 1, problems
    return found[0]


def _checks(problems: tuple[Problem, ...]) -> list[str]:
    return [p.check for p in problems]


# -- length ------------------------------------------------------------------------------------
@pytest.mark.parametrize("regex", [True, False], ids=["regex", "stand-in"])
def test_bluesky_counts_graphemes_300_passes_301_fails(
    regex: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not regex:
        monkeypatch.setattr(checks, "_REGEX", None)
    text = THUMBS * 100 + ACCENT * 100 + "a" * 100
    assert len(text) == 500  # code points
    assert text_length(text, "bluesky") == 300
    assert remaining(text, "bluesky") == 0
    assert _check(_draft("bluesky", text)) == ()

    longer = text + FAMILY
    assert text_length(longer, "bluesky") == 301
    problem = _only(_check(_draft("bluesky", longer)), "length")
    assert problem.field == "text"
    assert "301" in problem.message and "300" in problem.message
    assert "Bluesky" in problem.message and "by 1." in problem.message


@pytest.mark.parametrize(
    ("text", "n"),
    [(THUMBS, 1), (ACCENT, 1), (FAMILY, 1), ("🇳🇱", 1), ("1\ufe0f\u20e3", 1), ("ab\r\nc", 4)],
)
def test_the_stand_in_for_regex_counts_the_same_graphemes(text: str, n: int) -> None:
    assert len(checks._approx_graphemes(text)) == n
    assert text_length(text, "bluesky") == n


def test_mastodon_counts_a_url_as_23_and_a_mention_without_its_domain() -> None:
    url = "https://example.com/" + "a" * 60  # 80 characters, counted as 23
    assert text_length(url, "mastodon") == 23
    assert text_length("@alice@mastodon.social", "mastodon") == len("@alice")
    text = "b" * 476 + " " + url
    assert text_length(text, "mastodon") == 500
    assert _check(_draft("mastodon", text)) == ()

    problem = _only(_check(_draft("mastodon", text + "!")), "length")
    assert "501" in problem.message and "500" in problem.message and "by 1." in problem.message


def test_mastodon_takes_the_instance_limit() -> None:
    text = "c" * 1_001
    assert remaining(text, "mastodon", 1_000) == -1
    assert _check(_draft("mastodon", "c" * 1_000), limit=1_000) == ()
    problem = _only(_check(_draft("mastodon", text), limit=1_000), "length")
    assert "1,001" in problem.message and "1,000" in problem.message


def test_x_counts_urls_as_23_and_cjk_and_emoji_as_2() -> None:
    assert text_length("https://example.com/" + "x" * 100, "x") == 23
    assert text_length(FAMILY, "x") == 2
    assert _check(_draft("x", "中" * 140)) == ()
    problem = _only(_check(_draft("x", "中" * 141)), "length")
    assert "282" in problem.message and "280" in problem.message and "by 2." in problem.message


@pytest.mark.parametrize(("network", "most"), [("linkedin", 3_000), ("facebook", 63_206)])
def test_linkedin_and_facebook_at_their_limit(network: str, most: int) -> None:
    assert _check(_draft(network, "d" * most)) == ()
    problem = _only(_check(_draft(network, "d" * (most + 1))), "length")
    assert f"{most + 1:,}" in problem.message and f"{most:,}" in problem.message


# -- Instagram ---------------------------------------------------------------------------------
def test_instagram_takes_30_hashtags_not_31(tmp_path: Path) -> None:
    photo = MediaFile(_image(tmp_path / "photo.png", (400, 500)), "image/png", alt="A kettle")
    ok = " ".join(f"#tag{i}" for i in range(30)) + " https://example.com/#anchor"
    assert _check(_draft("instagram", ok, media=(photo,))) == ()
    problem = _only(_check(_draft("instagram", ok + " #one_more", media=(photo,))), "hashtags")
    assert "31" in problem.message and "30" in problem.message and "Remove 1 " in problem.message


def test_instagram_needs_an_image_or_video() -> None:
    problem = _only(_check(_draft("instagram", "Words only")), "media_count")
    assert problem.message == "Instagram needs at least one image or video. Add one."


def test_an_image_below_the_feed_spec_is_a_problem_and_advice_is_not(tmp_path: Path) -> None:
    small = MediaFile(_image(tmp_path / "small.png", (200, 200)), "image/png", alt="A cup")
    problem = _only(_check(_draft("instagram", "Hi", media=(small,))), "image")
    assert problem.field == "media[0]"
    assert "small.png" in problem.message and "200×200" in problem.message
    assert "320" in problem.message and "1080×1350" in problem.message
    # 400×500 is smaller than the recommended 1080×1350: advice, not a problem
    fine = MediaFile(_image(tmp_path / "fine.png", (400, 500)), "image/png", alt="A cup")
    assert _check(_draft("instagram", "Hi", media=(fine,))) == ()


# -- media -------------------------------------------------------------------------------------
def test_missing_alt_text_names_the_file(tmp_path: Path) -> None:
    photo = MediaFile(_image(tmp_path / "team-photo.png"), "image/png", alt="  ")
    problem = _only(_check(_draft("mastodon", media=(photo,))), "alt_text")
    assert problem.field == "media[0]"
    assert problem.message.startswith("team-photo.png has no alt text.")


def test_alt_text_over_the_bluesky_limit(tmp_path: Path) -> None:
    photo = MediaFile(_image(tmp_path / "a.png"), "image/png", alt=THUMBS * 2_001)
    problem = _only(_check(_draft("bluesky", media=(photo,))), "alt_text")
    assert "2,001" in problem.message and "2,000" in problem.message and "by 1." in problem.message
    ok = MediaFile(photo.path, "image/png", alt=THUMBS * 2_000)
    assert _check(_draft("bluesky", media=(ok,))) == ()


def test_a_file_that_is_not_an_image_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    fake = tmp_path / "holiday.jpg"
    fake.write_text("this is a text file, not a JPEG\n")
    for network in ("bluesky", "instagram"):
        media = (MediaFile(fake, "image/jpeg", alt="A beach"),)
        problem = _only(_check(_draft(network, media=media)), "media")
        assert problem.message.startswith("holiday.jpg is not an image the platforms can read.")


def test_a_missing_file_is_a_problem(tmp_path: Path) -> None:
    gone = MediaFile(tmp_path / "gone.png", "image/png", alt="Gone")
    problem = _only(_check(_draft("bluesky", media=(gone,))), "media")
    assert "gone.png is missing" in problem.message


def test_a_bluesky_image_over_1000000_bytes(tmp_path: Path) -> None:
    path = _image(tmp_path / "noise.png", (700, 700), noisy=True)
    size = path.stat().st_size
    assert size > 1_000_000
    photo = MediaFile(path, "image/png", alt="Noise")
    problem = _only(_check(_draft("bluesky", media=(photo,))), "media")
    assert f"{size:,}" in problem.message and "1,000,000" in problem.message
    assert "noise.png" in problem.message
    # Mastodon takes it (16 MB)
    assert _check(_draft("mastodon", media=(photo,))) == ()


def test_a_bluesky_video_over_100_mb_and_of_the_wrong_type(tmp_path: Path) -> None:
    big = tmp_path / "clip.mp4"
    with big.open("wb") as fh:
        fh.truncate(100_000_001)  # sparse: the size is read, the video is not
    problem = _only(_check(_draft("bluesky", media=(MediaFile(big, "video/mp4"),))), "media")
    assert "100,000,001" in problem.message and "100,000,000" in problem.message

    mov = Path(shutil.copy(LANDSCAPE, tmp_path / "clip.mov"))  # QuickTime: the MP4 format
    problem = _only(_check(_draft("bluesky", media=(MediaFile(mov, "video/quicktime"),))), "media")
    assert "MOV" in problem.message and "clip.mov" in problem.message and "MP4" in problem.message
    assert _check(_draft("mastodon", media=(MediaFile(mov, "video/quicktime"),))) == ()


def test_media_counts(tmp_path: Path) -> None:
    photos = tuple(
        MediaFile(_image(tmp_path / f"p{i}.png"), "image/png", alt=f"Photo {i}") for i in range(5)
    )
    problem = _only(_check(_draft("bluesky", media=photos)), "media_count")
    assert "5" in problem.message and "4" in problem.message and "Remove 1 " in problem.message
    assert _check(_draft("bluesky", media=photos[:4])) == ()

    video = tmp_path / "v.mp4"
    video.write_bytes(b"\0" * 100)
    mixed = (photos[0], MediaFile(video, "video/mp4"))
    problem = _only(_check(_draft("mastodon", media=mixed)), "media_count")
    assert "images and a video" in problem.message
    two = (MediaFile(video, "video/mp4"), MediaFile(video, "video/mp4"))
    problem = _only(_check(_draft("bluesky", media=two)), "media_count")
    assert "2 videos" in problem.message and "at most 1." in problem.message


# -- video duration ----------------------------------------------------------------------------
def _video(path: Path, mime: str = "video/mp4") -> tuple[MediaFile, ...]:
    return (MediaFile(path, mime, alt="A short clip"),)


def test_a_video_one_second_too_long_for_bluesky_and_one_at_the_limit() -> None:
    problem = _only(_check(_draft("bluesky", media=_video(GRAY_181))), "video")
    assert problem.field == "media[0]"
    assert problem.message == (
        "gray-181s.mp4 is 3 min 1 s long; Bluesky takes videos up to 3 min. "
        "Trim it to 3 min or less."
    )
    assert problem.message.msgid.startswith("%(file)s is %(length)s long;")
    # exactly 3 minutes goes
    assert _check(_draft("bluesky", media=_video(GRAY_180))) == ()
    # X takes 20 minutes, Mastodon has no duration limit
    assert _check(_draft("x", media=_video(GRAY_181))) == ()
    assert _check(_draft("mastodon", media=_video(GRAY_181))) == ()


def test_a_fraction_over_the_limit_is_shown_as_over(tmp_path: Path) -> None:
    """180.04 s is shown rounded up (3 min 0.1 s), never as the limit itself."""
    data = bytearray(GRAY_180.read_bytes())
    at = data.index(b"mvhd") + 4
    timescale = int.from_bytes(data[at + 12 : at + 16], "big")
    data[at + 16 : at + 20] = (180 * timescale + timescale // 25).to_bytes(4, "big")
    (tmp_path / "long.mp4").write_bytes(bytes(data))
    problem = _only(_check(_draft("bluesky", media=_video(tmp_path / "long.mp4"))), "video")
    assert "is 3 min 0.1 s long" in problem.message


def test_a_video_shorter_than_instagram_takes(tmp_path: Path) -> None:
    media = _video(LANDSCAPE)  # 2.02 s
    problem = _only(_check(_draft("instagram", media=media)), "video")
    assert problem.message == (
        "landscape-2s.mp4 is 2 s long; Instagram takes videos of at least 3 s. "
        "Use a clip of 3 s or more."
    )
    assert _check(_draft("linkedin", media=media)) != ()  # 3 s there too
    assert _check(_draft("instagram", media=_video(GRAY_181))) == ()  # reels: up to 15 min


def test_a_portrait_phone_video_and_a_mov_are_checked_alike(tmp_path: Path) -> None:
    assert _check(_draft("bluesky", media=_video(PORTRAIT))) == ()
    mov = Path(shutil.copy(LANDSCAPE, tmp_path / "clip.mov"))
    problem = _only(_check(_draft("instagram", media=_video(mov, "video/quicktime"))), "video")
    assert "clip.mov is 2 s long" in problem.message
    long_mov = Path(shutil.copy(GRAY_181, tmp_path / "long.mov"))
    assert _check(_draft("x", media=_video(long_mov, "video/quicktime"))) == ()


def test_a_file_named_mp4_that_is_not_a_video(tmp_path: Path) -> None:
    fake = tmp_path / "holiday.mp4"
    fake.write_text("<html>Not found</html>")
    for network in ("bluesky", "x"):
        problem = _only(_check(_draft(network, media=_video(fake))), "video")
        assert problem.field == "media[0]"
        assert problem.message == (
            "holiday.mp4 is not a video the platforms can read. Export it again as MP4."
        )
    # an image renamed .mp4 alike
    _image(tmp_path / "still.png").rename(tmp_path / "still.mp4")
    problem = _only(_check(_draft("mastodon", media=_video(tmp_path / "still.mp4"))), "video")
    assert "still.mp4 is not a video" in problem.message
    assert check_notes(_draft("bluesky", media=_video(fake))) == ()  # a problem, not a note


def test_a_video_of_another_format_than_its_type_says(tmp_path: Path) -> None:
    clip = webm(tmp_path / "clip.mp4")
    problem = _only(_check(_draft("bluesky", media=_video(clip))), "video")
    assert problem.message == (
        "clip.mp4 is a video in the WebM format, not MP4. Export it again as MP4."
    )
    mp4 = Path(shutil.copy(GRAY_180, tmp_path / "clip.webm"))
    problem = _only(_check(_draft("mastodon", media=_video(mp4, "video/webm"))), "video")
    assert "in the MP4 format, not WebM" in problem.message


def test_an_unreadable_duration_is_a_note_not_a_problem(tmp_path: Path) -> None:
    live = without_duration(tmp_path / "live.mp4")
    draft = _draft("bluesky", media=_video(live))
    assert _check(draft) == ()  # it may be scheduled
    assert check_notes(draft) == (
        Note(
            "video",
            Phrase(
                "socialdesk cannot read how long %(file)s is; %(limit)s. Check its length "
                "before it goes out.",
                file="live.mp4",
                limit=Phrase("Bluesky takes videos up to 3 min"),
            ),
            "media[0]",
        ),
    )
    (note,) = check_notes(_draft("instagram", media=_video(live)))
    assert note.message == (
        "socialdesk cannot read how long live.mp4 is; Instagram takes videos of 3 s to 15 min. "
        "Check its length before it goes out."
    )
    # no duration limit, no note: a WebM on Mastodon is read as WebM and goes
    clip = webm(tmp_path / "clip.webm")
    assert _check(_draft("mastodon", media=_video(clip, "video/webm"))) == ()
    assert check_notes(_draft("mastodon", media=_video(clip, "video/webm"))) == ()
    # a video whose duration is read has no note; nor has a network socialdesk does not know
    assert check_notes(_draft("bluesky", media=_video(GRAY_181))) == ()
    assert check_notes(_draft("myspace", media=_video(live))) == ()


def test_the_networks_video_limits() -> None:
    """The figures the module cites (see the comments in NETWORKS for their sources)."""
    limits = {n: (s.video_min_seconds, s.video_seconds, s.video_bytes) for n, s in NETWORKS.items()}
    assert limits == {
        "bluesky": (None, 180, 100_000_000),
        "mastodon": (None, None, 99 * 1024 * 1024),
        "x": (0.5, 1_200, 8_000_000_000),
        "linkedin": (3, 1_800, 500_000_000),
        "instagram": (3, 900, 300_000_000),
        "facebook": (None, 14_400, 10_000_000_000),
    }


def test_an_empty_post(tmp_path: Path) -> None:
    problem = _only(_check(_draft("bluesky", "  \n")), "empty")
    assert problem.field == "text"
    photo = MediaFile(_image(tmp_path / "only.png"), "image/png", alt="A view")
    assert _check(_draft("bluesky", "", media=(photo,))) == ()


# -- link and UTM ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("link", "says"),
    [
        ("htp://example.com/page", "does not start with https://"),
        ("example.com/page", "does not start with https://"),
        ("https://", "no valid domain name"),
        ("https://localhost/page", "no valid domain name"),
        ("https://exa_mple..com/", "no valid domain name"),
        ("https://example.com:99999/", "not a valid web address"),
        ("https://example.com/spring sale", "has a space"),
    ],
)
def test_a_malformed_link(link: str, says: str) -> None:
    problem = _only(_check(_draft("mastodon", link=link)), "link")
    assert problem.field == "link"
    assert link in problem.message and says in problem.message


@pytest.mark.parametrize(
    "link", ["https://example.com", "http://www.voorbeeld.nl/pagina?a=1#b", "https://192.0.2.1/x"]
)
def test_a_well_formed_link(link: str) -> None:
    assert _check(_draft("mastodon", link=link)) == ()


def test_the_utm_problem_becomes_a_utm_problem() -> None:
    seen: list[str] = []

    def utm(link: str) -> Phrase | None:
        seen.append(link)
        return Phrase("The source %(source)s is not allowed.", source="Facebook")

    link = "https://example.com/?utm_source=Facebook"
    problem = _only(_check(_draft("mastodon", link=link), utm_problem=utm), "utm")
    assert seen == [link] and problem.field == "link" and "Facebook" in problem.message
    # a malformed link is reported as such; its tags are not checked
    seen.clear()
    _only(_check(_draft("mastodon", link="example.com"), utm_problem=utm), "link")
    assert seen == []


def test_utm_checker_reads_the_plan_rules() -> None:
    utm: Callable[[str], Phrase | None] = utm_checker()
    good = "https://example.com/?utm_source=mastodon&utm_medium=social&utm_campaign=spring"
    assert utm(good) is None
    bad = "https://example.com/?utm_source=Mastodon&utm_medium=social&utm_campaign=spring"
    problem = _only(_check(_draft("mastodon", link=bad), utm_problem=utm), "utm")
    assert "'Mastodon'" in problem.message and "capitals" in problem.message


# -- time --------------------------------------------------------------------------------------
def test_a_time_in_the_past_is_shown_in_local_time() -> None:
    past = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    problem = _only(_check(_draft("bluesky", created_at=past)), "time")
    assert problem.field == "time"
    assert "2026-01-15 11:00" in problem.message  # CET, UTC+1
    assert "2026-01-15 13:00" in problem.message
    assert "Europe/Amsterdam" in problem.message
    problem = _only(_check(_draft("bluesky", created_at=NOW), tz="UTC"), "time")
    assert "2026-01-15 12:00 (UTC)" in problem.message


def test_local_time_on_an_ordinary_day() -> None:
    assert local_time(date(2026, 7, 1), time(12, 0), "Europe/Amsterdam") == datetime(
        2026, 7, 1, 10, 0, tzinfo=UTC
    )


def test_local_time_that_the_clocks_skip() -> None:
    with pytest.raises(NonexistentTime) as caught:
        local_time(date(2026, 3, 29), time(2, 30), "Europe/Amsterdam")
    assert isinstance(caught.value, ValueError)
    message = caught.value.message
    assert isinstance(message, Phrase)
    assert "02:30" in message and "2026-03-29" in message and "03:30" in message


def test_local_time_that_happens_twice_is_the_first() -> None:
    first = local_time(date(2026, 10, 25), time(2, 30), "Europe/Amsterdam")
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert first.tzinfo is UTC


# -- networks ----------------------------------------------------------------------------------
def test_an_unknown_network() -> None:
    problem = _only(_check(_draft("myspace")), "network")
    assert "myspace" in problem.message and "bluesky" in problem.message
    with pytest.raises(UnknownNetwork):
        text_length("Hi", "myspace")


def test_a_video_for_linkedin_is_refused_before_scheduling() -> None:
    """socialdesk's LinkedIn publisher sends no videos yet: the check says so before an item
    is scheduled, not the worker when it should go out."""
    (problem,) = _check(_draft("linkedin", media=_video(GRAY_181)))
    assert problem.check == "media_count"
    assert problem.message == (
        "socialdesk cannot send videos to LinkedIn yet. Post the video there yourself, or use "
        "an image here."
    )


def test_the_visual_skills_advice_on_an_image_is_a_note(tmp_path: Path) -> None:
    """Advice from the visual skill's feed check (here: a 3:1 banner, outside Instagram's 4:5
    to 1.91:1, which the platform crops) is a note beside the problems, never in the way of
    scheduling; asked again for the same file version, the image is not measured again."""
    wide = tmp_path / "banner.png"
    Image.new("RGB", (1500, 500), (10, 120, 200)).save(wide)
    media = (MediaFile(wide, "image/png", alt="Our banner", width=1500, height=500),)
    draft = _draft("instagram", media=media)
    assert [p.check for p in _check(draft)] == []
    notes = check_notes(draft)
    assert [n.check for n in notes] == ["image"]
    assert "the platform crops it" in notes[0].message and notes[0].field == "media[0]"
    before = checks._cached_report.cache_info().hits
    check_notes(draft)
    assert checks._cached_report.cache_info().hits > before
