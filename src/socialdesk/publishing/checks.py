"""The checks before a calendar item may be scheduled, per network: pure functions, no database.

`check_draft` returns every `Problem` of one Draft: the text's length (counted as the network
counts it), hashtags, the number and kind of media, each image (readable, its file size, the
visual skill's feed specs) and video (type, file size, readable as a video, its duration
against the network's longest and shortest), alt text, the link (well-formed: no network
access), its UTM tags (through a callable the caller passes) and the time. Every message is a
Phrase: a whole English sentence that says what is wrong and what to do.

A video is read by the visual skill (visual.video.read_video: its headers, no frame decoded).
A file that is not an MP4, MOV or WebM video, or whose content is another format than its
type says, is a problem. A video whose duration cannot be read (a WebM: nothing here reads
it; an MP4 whose headers give none) does not stand in the way: `check_notes` says so, where
the network has a duration limit, so the user can check it by hand.

How each network counts (`text_length`):
- bluesky: grapheme clusters (what a reader sees as one character: an emoji with its skin tone
  or a letter with its accent counts once);
- mastodon: grapheme clusters, after every http(s) URL is counted as 23 characters and a
  mention @user@domain as @user (Mastodon's StatusLengthValidator);
- x: twitter-text's weighted length: most Latin, Greek and Cyrillic characters count 1, other
  characters (CJK) and every emoji 2, a URL 23;
- linkedin, instagram, facebook: code points (the platforms do not document how they count).

Grapheme clusters come from the `regex` package's \\X where it can be imported (today it is
installed only as a dependency of yake's segtok, not declared in pyproject.toml), else from an
approximation in this module (combining marks, zero-width joiner sequences, variation selectors,
skin tones, flags and tags; Hangul jamo sequences are counted per jamo).

Not checked: a video's aspect ratio, size in pixels, frame rate and codec (visual.video reads
the size and codec; the networks' figures for them are not in NETWORKS yet), Instagram's
shorter limit for a video in a carousel, a Mastodon instance's own video limits, X Premium's
longer videos (the default account's limits are checked), Bluesky's 3,000-byte ceiling under
its 300 graphemes, and URLs written without http(s)://.
"""

from __future__ import annotations

import importlib
import ipaddress
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from PIL import Image

from socialdesk.marketing.utm import UtmRules, check_link
from socialdesk.phrases import Join, Num, Phrase
from socialdesk.publishing.base import Draft, MediaFile
from socialdesk.visual.images import ImageReport, NotAnImage, check_image
from socialdesk.visual.specs import placements
from socialdesk.visual.video import NotAVideo, read_video

__all__ = [
    "DEFAULT_TZ",
    "NETWORKS",
    "Limits",
    "NonexistentTime",
    "Note",
    "Problem",
    "UnknownNetwork",
    "check_draft",
    "check_notes",
    "local_time",
    "remaining",
    "text_length",
    "utm_checker",
]

DEFAULT_TZ = "Europe/Amsterdam"
URL_CHARS = 23  # Mastodon (StatusLengthValidator URL_PLACEHOLDER) and X (t.co) alike


@dataclass(frozen=True)
class Problem:
    """One thing that stands in the way of scheduling: the check that found it, the sentence
    that says what is wrong and what to do, and the compose form's field it is about ("text",
    "media[0]", "link", "time"), or None for the post as a whole."""

    # length, empty, hashtags, media_count, media, image, video, alt_text, link, utm, time,
    # network
    check: str
    message: Phrase
    field: str | None


@dataclass(frozen=True)
class Note:
    """Something the checks could not verify (a video's duration they cannot read): shown
    beside the problems, it never stands in the way of scheduling. Fields as Problem's."""

    check: str
    message: Phrase
    field: str | None


@dataclass(frozen=True)
class Limits:
    """What one network takes. None: no limit checked."""

    name: str  # the network's name in a sentence
    chars: int  # the text's length, counted as `counting` says
    counting: str  # "graphemes", "mastodon", "x" or "chars" (see the module doc)
    image_types: tuple[str, ...]
    video_types: tuple[str, ...]
    media: int | None = None  # images and videos together
    videos: int | None = None
    mix: bool = True  # images and a video in one post
    needs_media: bool = False
    image_bytes: int | None = None  # where the visual skill's specs.toml has no feed placement
    video_bytes: int | None = None
    video_seconds: float | None = None  # the longest video
    video_min_seconds: float | None = None  # the shortest
    # an image's alt text: graphemes where `counting` is "graphemes", else code points
    alt_chars: int | None = None
    video_alt_chars: int | None = None
    hashtags: int | None = None


_JPEG, _PNG, _GIF, _WEBP = "image/jpeg", "image/png", "image/gif", "image/webp"
_MP4, _MOV = "video/mp4", "video/quicktime"

# File sizes in MB and GB are read as 1,000,000 and 1,000,000,000 bytes where a platform does
# not say which it means: the stricter reading.
NETWORKS: dict[str, Limits] = {
    "bluesky": Limits(
        "Bluesky",
        # app.bsky.feed.post lexicon: text maxGraphemes 300
        chars=300,
        counting="graphemes",
        # app.bsky.embed.images lexicon: image accept image/*, maxSize 1,000,000; images
        # maxLength 4. app.bsky.embed.video lexicon: video accept video/mp4, maxSize
        # 100,000,000, alt maxGraphemes 1,000. A post embeds images or a video, not both.
        image_types=(_JPEG, _PNG, _WEBP, _GIF),
        video_types=(_MP4,),
        media=4,
        videos=1,
        mix=False,
        image_bytes=1_000_000,
        video_bytes=100_000_000,
        # Bluesky blog "Video on Bluesky" (bsky.social/about/blog/09-11-2024-video) and the
        # bsky.app post of 2025-03-12: one video a post, up to 3 minutes, 100 MB. Newer
        # releases of bluesky-social/social-app (src/lib/constants.ts: VIDEO_MAX_DURATION_MS
        # 10 minutes, VIDEO_MAX_SIZE 300 MB) send videos through the video service, which
        # transcodes them; socialdesk uploads the file itself (publishing/bluesky.py), where
        # the lexicon's 100,000,000 bytes hold, and keeps the 3 minutes Bluesky announced.
        video_seconds=180,
        # bluesky-social/social-app src/lib/constants.ts: MAX_ALT_TEXT = 2000 (graphemes)
        alt_chars=2_000,
        video_alt_chars=1_000,
    ),
    "mastodon": Limits(
        "Mastodon",
        # mastodon/mastodon app/validators/status_length_validator.rb: MAX_CHARS 500 (an
        # instance may set its own: the `limit` argument), URL_PLACEHOLDER 'x' * 23, mentions
        # counted as @user, each_grapheme_cluster
        chars=500,
        counting="mastodon",
        # docs.joinmastodon.org/user/posting/#media and app/models/media_attachment.rb (4.2+):
        # IMAGE_LIMIT 16.megabytes, VIDEO_LIMIT 99.megabytes (mastodon.social's
        # /api/v2/instance: image_size_limit 16,777,216, video_size_limit 103,809,024);
        # 4 attachments, or 1 video; description maximum 1,500
        image_types=(_JPEG, _PNG, _GIF, _WEBP, "image/heic", "image/heif", "image/avif"),
        video_types=(_MP4, _MOV, "video/webm"),
        media=4,
        videos=1,
        mix=False,
        image_bytes=16 * 1024 * 1024,
        video_bytes=99 * 1024 * 1024,
        # no duration limit: Mastodon limits a video's size, frame rate (120) and pixels
        # (video_matrix_limit 8,294,400, 3840 x 2160), not its length
        alt_chars=1_500,
        video_alt_chars=1_500,
    ),
    "x": Limits(
        "X",
        # twitter-text config v3: maxWeightedTweetLength 280, transformedURLLength 23;
        # developer.x.com "Counting characters"
        chars=280,
        counting="x",
        # X Help Center "How to post photos or GIFs" and "How to share and watch videos": up to
        # 4 photos, GIFs or videos a post; image descriptions up to 1,000 characters. Image
        # file sizes: specs.toml x.feed.
        image_types=(_JPEG, _PNG, _GIF, _WEBP),
        video_types=(_MP4, _MOV),
        media=4,
        # docs.x.com, X API "Media best practices" (xdevplatform/docs
        # x-api/media/quickstart/best-practices.mdx), "Size and duration limits": a video on a
        # Post 0.5 seconds to 20 minutes and 8 GB for default accounts, 125 minutes and 16 GB
        # for X Premium / verified ones; the 140 seconds and 512 MB of earlier versions are now
        # the limits of a video in a direct message
        video_bytes=8_000_000_000,
        video_seconds=20 * 60,
        video_min_seconds=0.5,
        alt_chars=1_000,
    ),
    "linkedin": Limits(
        "LinkedIn",
        # LinkedIn Posts API (learn.microsoft.com, "Posts API"): commentary up to 3,000
        # characters; MultiImage 2-20 images, or one video. Image specs: specs.toml.
        chars=3_000,
        counting="chars",
        image_types=(_JPEG, _PNG, _GIF),
        # LinkedIn takes one MP4 a post, but socialdesk's LinkedIn publisher does not send
        # videos yet (publishing/linkedin.py): none is accepted, so it is refused here, before
        # scheduling, not at the time it should go out
        video_types=(),
        media=20,
        videos=0,
        mix=False,
        # LinkedIn Videos API (learn.microsoft.com, linkedin/marketing/community-management/
        # shares/videos-api), "Video Specifications": 3 seconds to 30 minutes, 75 KB to 500 MB
        video_bytes=500_000_000,
        video_seconds=30 * 60,
        video_min_seconds=3,
    ),
    "instagram": Limits(
        "Instagram",
        # Instagram Platform, Content Publishing (developers.facebook.com): captions up to 2,200
        # characters and 30 hashtags; a post needs an image or a video; carousels up to 10
        # items. Image specs: specs.toml.
        chars=2_200,
        counting="chars",
        image_types=(_JPEG, _PNG),
        video_types=(_MP4, _MOV),
        media=10,
        needs_media=True,
        hashtags=30,
        # Instagram Platform, IG User Media reference: a single video is published as a reel
        # (media_type VIDEO ended 2023-11-09); reel specifications: 3 seconds to 15 minutes,
        # 300 MB. A video in a carousel is held to 60 seconds there (not checked here).
        video_bytes=300_000_000,
        video_seconds=15 * 60,
        video_min_seconds=3,
    ),
    "facebook": Limits(
        "Facebook",
        # Facebook's composer: a post takes up to 63,206 characters. Image specs: specs.toml.
        chars=63_206,
        counting="chars",
        image_types=(_JPEG, _PNG, _GIF),
        video_types=(_MP4, _MOV),
        # one video a post, not together with photos (a Page post carries photos or a video:
        # /{page}/photos with attached_media, or /{page}/videos; publishing/facebook.py)
        videos=1,
        mix=False,
        # Facebook Help Center, video file sizes and lengths (the Graph API reference gives a
        # Page's own limits in video_upload_limits, none in general): up to 240 minutes, 10 GB
        video_bytes=10_000_000_000,
        video_seconds=240 * 60,
    ),
}

_TYPE_NAMES = {
    _JPEG: "JPEG",
    _PNG: "PNG",
    _GIF: "GIF",
    _WEBP: "WebP",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
    "image/avif": "AVIF",
    _MP4: "MP4",
    _MOV: "MOV",
    "video/webm": "WebM",
}


class UnknownNetwork(ValueError):
    """A network socialdesk has no limits for."""


class NonexistentTime(ValueError):
    """A wall-clock time that does not exist in the time zone (the hour the clocks skip)."""

    def __init__(self, message: Phrase) -> None:
        super().__init__(message)
        self.message = message


# -- counting ----------------------------------------------------------------------------------
# An http(s) URL up to white space, without trailing punctuation (",", ".", ")" ...).
_URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\"'.,;:!?)\]}»]", re.IGNORECASE)
# Mastodon's Account::MENTION_RE with a domain: @user@domain counts as @user.
_MENTION = re.compile(r"(?<![=/\w])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)@[\w.-]+\w", re.I)
_HASHTAG = re.compile(r"(?<![\w&#])#\w+")
# twitter-text v3: code points in these ranges weigh 1, all others 2.
_X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
# Emoji blocks (pictographs, symbols, dingbats, flags) and the keycap mark.
_EMOJI = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2300, 0x23FF),
    (0x2B00, 0x2BFF),
    (0x20E3, 0x20E3),
)
_ZWJ = "\u200d"


def _import_regex() -> ModuleType | None:
    try:
        return importlib.import_module("regex")
    except ImportError:
        return None


_REGEX = _import_regex()


def _in(cp: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def _extends(ch: str) -> bool:
    """Whether `ch` joins the cluster before it: a combining mark, a zero-width joiner, a
    variation selector, a skin tone or a tag character."""
    cp = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or ch == _ZWJ
        or 0xFE00 <= cp <= 0xFE0F
        or 0x1F3FB <= cp <= 0x1F3FF
        or 0xE0020 <= cp <= 0xE007F
    )


def _is_flag_half(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _approx_graphemes(text: str) -> list[str]:
    """Grapheme clusters, approximately (see the module doc): the stand-in for regex's \\X."""
    out: list[str] = []
    for ch in text:
        prev = out[-1] if out else ""
        joins = bool(prev) and (
            _extends(ch)
            or (prev.endswith(_ZWJ) and _in(ord(ch), _EMOJI))
            or (len(prev) == 1 and _is_flag_half(prev) and _is_flag_half(ch))
            or (prev == "\r" and ch == "\n")
        )
        if joins:
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _graphemes(text: str) -> list[str]:
    if _REGEX is not None:
        clusters: list[str] = _REGEX.findall(r"\X", text)
        return clusters
    return _approx_graphemes(text)


def _x_weight(cluster: str) -> int:
    """twitter-text's weight of one cluster: an emoji 2, else each code point 1 or 2."""
    if any(_in(ord(c), _EMOJI) for c in cluster):
        return 2
    return sum(1 if _in(ord(c), _X_LIGHT) else 2 for c in cluster)


def _limits(network: str) -> Limits:
    try:
        return NETWORKS[network]
    except KeyError:
        raise UnknownNetwork(
            f"no limits for network {network!r}; networks: {', '.join(NETWORKS)}"
        ) from None


def _count(text: str, counting: str) -> int:
    if counting == "graphemes":
        return len(_graphemes(text))
    if counting == "mastodon":
        return len(_graphemes(_MENTION.sub(r"@\1", _URL.sub("x" * URL_CHARS, text))))
    if counting == "x":
        pieces = _URL.split(unicodedata.normalize("NFC", text))
        weights = sum(_x_weight(c) for piece in pieces for c in _graphemes(piece))
        return URL_CHARS * (len(pieces) - 1) + weights
    return len(text)


def text_length(text: str, network: str) -> int:
    """The length of `text` as `network` counts it (see the module doc); UnknownNetwork for a
    network not in NETWORKS."""
    return _count(text, _limits(network).counting)


def remaining(text: str, network: str, limit: int | None = None) -> int:
    """How many characters are left (negative: how many too many), against `limit` where
    given (a Mastodon instance's own), else the network's."""
    return (limit or _limits(network).chars) - text_length(text, network)


# -- time --------------------------------------------------------------------------------------
def _wall(when: datetime, zone: tzinfo) -> str:
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def local_time(day: date, clock: time, tz: str) -> datetime:
    """The moment (aware, UTC) the wall clock in `tz` shows `clock` on `day` (the clock's own
    tzinfo, if any, is ignored).

    A time the clocks skip (02:30 on the last Sunday of March in Europe/Amsterdam) raises
    NonexistentTime. A time that happens twice (02:30 on the last Sunday of October) is its
    first occurrence (fold=0, still summer time): 2026-10-25 02:30 Amsterdam is 00:30 UTC.
    """
    zone = ZoneInfo(tz)
    wall = datetime.combine(day, clock).replace(tzinfo=None)
    for fold in (0, 1):
        aware = wall.replace(tzinfo=zone, fold=fold)
        if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
            return aware.astimezone(UTC)
    # the same moment on the clock after the change: 02:30 before is 03:30 after
    later = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).strftime("%H:%M")
    raise NonexistentTime(
        Phrase(
            "%(time)s does not exist on %(day)s in %(tz)s: the clocks are put forward that "
            "night. Choose %(later)s or another time.",
            time=wall.strftime("%H:%M"),
            day=day.isoformat(),
            tz=tz,
            later=later,
        )
    )


def _aware(when: datetime) -> datetime:
    """`when` with UTC where it has no time zone (Draft.created_at is meant to be UTC)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _time_problems(when: datetime, now: datetime, tz: str) -> list[Problem]:
    if _aware(when) > _aware(now):
        return []
    zone = ZoneInfo(tz)
    message = Phrase(
        "The time %(time)s (%(tz)s) is in the past: it is now %(now)s. Choose a later time.",
        time=_wall(_aware(when), zone),
        tz=tz,
        now=_wall(_aware(now), zone),
    )
    return [Problem("time", message, "time")]


# -- text --------------------------------------------------------------------------------------
def _text_problems(draft: Draft, spec: Limits, limit: int | None) -> list[Problem]:
    if not draft.text.strip():
        if draft.media:
            return []
        message = Phrase(
            "The post has no text and no image or video. Write a text or add an image or video."
        )
        return [Problem("empty", message, "text")]
    out = []
    n, most = _count(draft.text, spec.counting), limit or spec.chars
    if n > most:
        message = Phrase(
            "The text is %(n)s characters; %(network)s takes %(max)s. Shorten it by %(over)s.",
            n=Num(n, ",.0f"),
            network=spec.name,
            max=Num(most, ",.0f"),
            over=Num(n - most, ",.0f"),
        )
        out.append(Problem("length", message, "text"))
    tags = len(_HASHTAG.findall(_URL.sub(" ", draft.text)))
    if spec.hashtags is not None and tags > spec.hashtags:
        message = Phrase(
            "The text has %(n)s hashtags; %(network)s takes at most %(max)s. "
            "Remove %(over)s of them.",
            n=Num(tags, ",.0f"),
            network=spec.name,
            max=Num(spec.hashtags, ",.0f"),
            over=Num(tags - spec.hashtags, ",.0f"),
        )
        out.append(Problem("hashtags", message, "text"))
    return out


# -- media -------------------------------------------------------------------------------------
def _count_problems(media: tuple[MediaFile, ...], spec: Limits) -> list[Problem]:
    out = []
    videos = sum(m.kind == "video" for m in media)
    if spec.needs_media and not media:
        message = Phrase(
            "%(network)s needs at least one image or video. Add one.", network=spec.name
        )
        out.append(Problem("media_count", message, "media"))
    if spec.media is not None and len(media) > spec.media:
        message = Phrase(
            "The post has %(n)s attachments; %(network)s takes at most %(max)s. "
            "Remove %(over)s of them.",
            n=Num(len(media), ",.0f"),
            network=spec.name,
            max=Num(spec.media, ",.0f"),
            over=Num(len(media) - spec.media, ",.0f"),
        )
        out.append(Problem("media_count", message, "media"))
    if spec.videos == 0 and videos:
        message = Phrase(
            "socialdesk cannot send videos to %(network)s yet. Post the video there yourself, "
            "or use an image here.",
            network=spec.name,
        )
        out.append(Problem("media_count", message, "media"))
    elif spec.videos is not None and videos > spec.videos:
        message = Phrase(
            "The post has %(n)s videos; %(network)s takes at most %(max)s. "
            "Remove %(over)s of them.",
            n=Num(videos, ",.0f"),
            network=spec.name,
            max=Num(spec.videos, ",.0f"),
            over=Num(videos - spec.videos, ",.0f"),
        )
        out.append(Problem("media_count", message, "media"))
    if not spec.mix and videos and len(media) > videos:
        message = Phrase(
            "%(network)s does not take images and a video in one post. "
            "Keep either the images or the video.",
            network=spec.name,
        )
        out.append(Problem("media_count", message, "media"))
    return out


def _type_problems(m: MediaFile, spec: Limits, field: str) -> list[Problem]:
    accepted = spec.video_types if m.kind == "video" else spec.image_types
    if m.mime in accepted or not accepted:  # none accepted: the count check says so
        return []
    message = Phrase(
        "%(network)s does not take %(type)s files such as %(file)s. "
        "Convert it to one of these formats: %(types)s.",
        network=spec.name,
        type=_TYPE_NAMES.get(m.mime, m.mime),
        file=m.shown,
        types=Join.of(_TYPE_NAMES.get(t, t) for t in accepted),
    )
    return [Problem("media", message, field)]


def _too_big(m: MediaFile, most: int | None, spec: Limits, field: str) -> list[Problem]:
    size = m.path.stat().st_size
    if most is None or size <= most:
        return []
    message = Phrase(
        "%(file)s is %(size)s bytes; %(network)s takes files up to %(max)s bytes. "
        "Make it smaller: export it again at a lower quality or size.",
        file=m.shown,
        size=Num(size, ",.0f"),
        network=spec.name,
        max=Num(most, ",.0f"),
    )
    return [Problem("media", message, field)]


def _image_report(path: Path, network: str) -> ImageReport:
    """The visual skill's report of an image for the network's feed, kept per file version:
    the compose page's previews ask again at every keystroke."""
    stat = path.stat()
    return _cached_report(str(path), stat.st_mtime_ns, stat.st_size, network)


@lru_cache(maxsize=256)
def _cached_report(path: str, _mtime: int, _size: int, network: str) -> ImageReport:
    return check_image(Path(path), placements(network, "feed"))


def _image_advice(m: MediaFile, network: str, spec: Limits, field: str) -> list[Note]:
    """The visual skill's advice on an image (a face in the platform's buttons, the safe
    zone, the crop): worth a look, never in the way of scheduling."""
    try:
        report = _image_report(m.path, network)
    except (NotAnImage, OSError, SyntaxError, Image.DecompressionBombError):
        return []  # check_draft says the file is not an image
    out = []
    for check in report.placements:
        for finding in check.findings:
            if finding.status != "advice" or not finding.advice:
                continue
            message = Phrase(
                "%(file)s on %(network)s: %(advice)s",
                file=m.shown,
                network=spec.name,
                advice=finding.advice,
            )
            out.append(Note("image", message, field))
    return out


def _image_problems(m: MediaFile, network: str, spec: Limits, field: str) -> list[Problem]:
    """The image read and measured by the visual skill, against the network's feed placement
    where specs.toml has one ("problem" findings only), and its file size."""
    try:
        report = _image_report(m.path, network)
    except (NotAnImage, OSError, SyntaxError, Image.DecompressionBombError):
        message = Phrase(
            "%(file)s is not an image the platforms can read. Export it again as JPEG or PNG.",
            file=m.shown,
        )
        return [Problem("media", message, field)]
    out = _too_big(m, spec.image_bytes, spec, field)
    for check in report.placements:
        for finding in check.findings:
            if finding.status != "problem":
                continue
            message = Phrase(
                "%(file)s (%(value)s) does not meet the %(network)s feed specifications. "
                "%(advice)s",
                file=m.shown,
                value=finding.value,
                network=spec.name,
                advice=finding.advice,
            )
            out.append(Problem("image", message, field))
    return out


def _duration(seconds: float) -> Phrase:
    """A length in minutes and seconds to the tenth ("3 min", "3 min 0.1 s", "2.5 s"), as the
    caller has rounded it (up for a video too long, down for one too short)."""
    tenths = round(seconds * 10)
    minutes, rest = divmod(tenths, 600)
    secs = Num(rest / 10, ",.0f" if rest % 10 == 0 else ",.1f")
    if not minutes:
        return Phrase("%(seconds)s s", seconds=secs)
    if not rest:
        return Phrase("%(minutes)s min", minutes=Num(minutes, ",.0f"))
    return Phrase("%(minutes)s min %(seconds)s s", minutes=Num(minutes, ",.0f"), seconds=secs)


# what a container is, by the type a file claims
_CONTAINER = {_MP4: "mp4", _MOV: "mp4", "video/webm": "webm"}


def _unreadable_video(m: MediaFile, spec: Limits, field: str) -> Problem:
    message = Phrase(
        "%(file)s is not a video the platforms can read. Export it again as %(type)s.",
        file=m.shown,
        type=_TYPE_NAMES.get(spec.video_types[0], spec.video_types[0]),
    )
    return Problem("video", message, field)


def _video_problems(m: MediaFile, spec: Limits, field: str) -> list[Problem]:
    """The video read by the visual skill: a video at all, of the format its type says, and
    its duration against the network's longest and shortest (an unknown duration is
    check_notes')."""
    try:
        facts = read_video(m.path)
    except (NotAVideo, OSError):
        return [_unreadable_video(m, spec, field)]
    claimed = _CONTAINER.get(m.mime)
    if claimed is not None and facts.container != claimed:
        message = Phrase(
            "%(file)s is a video in the %(found)s format, not %(type)s. Export it again as "
            "%(type)s.",
            file=m.shown,
            found="WebM" if facts.container == "webm" else "MP4",
            type=_TYPE_NAMES.get(m.mime, m.mime),
        )
        return [Problem("video", message, field)]
    seconds = facts.duration
    if seconds is None:
        return []
    most, least = spec.video_seconds, spec.video_min_seconds
    if most is not None and seconds > most:
        message = Phrase(
            "%(file)s is %(length)s long; %(network)s takes videos up to %(max)s. "
            "Trim it to %(max)s or less.",
            file=m.shown,
            length=_duration(math.ceil(seconds * 10 - 1e-6) / 10),
            network=spec.name,
            max=_duration(most),
        )
        return [Problem("video", message, field)]
    if least is not None and seconds < least:
        message = Phrase(
            "%(file)s is %(length)s long; %(network)s takes videos of at least %(min)s. "
            "Use a clip of %(min)s or more.",
            file=m.shown,
            length=_duration(math.floor(seconds * 10 + 1e-6) / 10),
            network=spec.name,
            min=_duration(least),
        )
        return [Problem("video", message, field)]
    return []


def _alt_problems(m: MediaFile, spec: Limits, field: str) -> list[Problem]:
    alt = m.alt.strip()
    if m.kind == "image" and not alt:
        message = Phrase(
            "%(file)s has no alt text. Describe the image in a sentence or two for people who "
            "cannot see it.",
            file=m.shown,
        )
        return [Problem("alt_text", message, field)]
    most = spec.video_alt_chars if m.kind == "video" else spec.alt_chars
    n = len(_graphemes(alt)) if spec.counting == "graphemes" else len(alt)
    if most is None or n <= most:
        return []
    message = Phrase(
        "The alt text of %(file)s is %(n)s characters; %(network)s takes %(max)s. "
        "Shorten it by %(over)s.",
        file=m.shown,
        n=Num(n, ",.0f"),
        network=spec.name,
        max=Num(most, ",.0f"),
        over=Num(n - most, ",.0f"),
    )
    return [Problem("alt_text", message, field)]


def _file_problems(m: MediaFile, network: str, spec: Limits, field: str) -> list[Problem]:
    if wrong := _type_problems(m, spec, field):
        return wrong
    if not m.path.is_file():
        message = Phrase(
            "%(file)s is missing from the media folder. Add the file again or remove it from "
            "the post.",
            file=m.shown,
        )
        return [Problem("media", message, field)]
    if m.kind == "video":
        return _too_big(m, spec.video_bytes, spec, field) + _video_problems(m, spec, field)
    return _image_problems(m, network, spec, field)


def _media_problems(draft: Draft, spec: Limits) -> list[Problem]:
    out = _count_problems(draft.media, spec)
    for i, m in enumerate(draft.media):
        field = f"media[{i}]"
        out += _file_problems(m, draft.network, spec, field)
        out += _alt_problems(m, spec, field)
    return out


def _duration_note(m: MediaFile, spec: Limits, field: str) -> Note | None:
    """A note for a video whose duration cannot be read, where the network limits it."""
    if spec.video_seconds is None and spec.video_min_seconds is None:
        return None
    if m.mime not in spec.video_types or not m.path.is_file():
        return None  # a problem already
    try:
        if read_video(m.path).duration is not None:
            return None
    except (NotAVideo, OSError):
        return None  # a problem already
    if spec.video_seconds is not None and spec.video_min_seconds is not None:
        limit = Phrase(
            "%(network)s takes videos of %(min)s to %(max)s",
            network=spec.name,
            min=_duration(spec.video_min_seconds),
            max=_duration(spec.video_seconds),
        )
    elif spec.video_seconds is not None:
        limit = Phrase(
            "%(network)s takes videos up to %(max)s",
            network=spec.name,
            max=_duration(spec.video_seconds),
        )
    else:
        assert spec.video_min_seconds is not None
        limit = Phrase(
            "%(network)s takes videos of at least %(min)s",
            network=spec.name,
            min=_duration(spec.video_min_seconds),
        )
    message = Phrase(
        "socialdesk cannot read how long %(file)s is; %(limit)s. Check its length before it "
        "goes out.",
        file=m.shown,
        limit=limit,
    )
    return Note("video", message, field)


# -- link --------------------------------------------------------------------------------------
_LABEL = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?")


def _valid_host(host: str) -> bool:
    """A domain name of two or more labels with a non-numeric top level, or an IP address."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    return (
        len(labels) >= 2
        and all(_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()
    )


def _link_problem(link: str) -> Phrase | None:
    """What makes `link` not a well-formed http(s) web address, or None (nothing is fetched)."""
    if any(ch.isspace() for ch in link):
        return Phrase(
            "The link %(link)s has a space in it. Remove the space or write it as %%20.",
            link=link,
        )
    try:
        parts = urlsplit(link)
        host, _port = parts.hostname, parts.port
    except ValueError:
        return Phrase(
            "The link %(link)s is not a valid web address. Copy it again from the browser's "
            "address bar.",
            link=link,
        )
    if parts.scheme.lower() not in ("http", "https"):
        return Phrase(
            "The link %(link)s does not start with https:// or http://. Write the full web "
            "address, for example https://example.com/page.",
            link=link,
        )
    if not host or not _valid_host(host):
        return Phrase(
            "The link %(link)s has no valid domain name. Check the part after https://, for "
            "example example.com.",
            link=link,
        )
    return None


def _link_problems(
    link: str | None, utm_problem: Callable[[str], Phrase | None] | None
) -> list[Problem]:
    if link is None or not link.strip():
        return []
    link = link.strip()
    if (wrong := _link_problem(link)) is not None:
        return [Problem("link", wrong, "link")]
    if utm_problem is not None and (tags := utm_problem(link)) is not None:
        return [Problem("utm", tags, "link")]
    return []


def utm_checker(rules: UtmRules | None = None) -> Callable[[str], Phrase | None]:
    """A `utm_problem` for check_draft: the plan's UTM rules (marketing.utm.check_link) as
    one sentence naming every error, or None when the link's tags follow them."""

    def problem(link: str) -> Phrase | None:
        errors = [p.message for p in check_link(link, rules).problems if p.severity == "error"]
        if not errors:
            return None
        return Phrase(
            "The link's UTM tags do not follow the plan's rules: %(problems)s. Correct the "
            "tags or build the link again on the Links and UTM tags page.",
            problems=Join.of(errors, "; "),
        )

    return problem


# -- all checks --------------------------------------------------------------------------------
def check_draft(
    draft: Draft,
    *,
    now: datetime,
    limit: int | None = None,
    utm_problem: Callable[[str], Phrase | None] | None = None,
    tz: str = DEFAULT_TZ,
) -> tuple[Problem, ...]:
    """Every problem that stands in the way of scheduling `draft`; () when it may go.

    `now` is the present moment (aware; a naive one is read as UTC, as is a naive
    draft.created_at); `limit` replaces the network's text limit (a Mastodon instance's own);
    `utm_problem` says what is wrong with the link's UTM tags (see utm_checker); `tz` is the
    organisation's time zone, in which a time in the past is shown. A draft for a network
    not in NETWORKS gives one "network" problem. Never raises for what is in the files: a
    file that is not an image is a problem.
    """
    spec = NETWORKS.get(draft.network)
    if spec is None:
        message = Phrase(
            "socialdesk cannot check posts for %(network)s. Choose one of %(networks)s.",
            network=draft.network,
            networks=Join.of(NETWORKS),
        )
        return (Problem("network", message, None),)
    return (
        *_text_problems(draft, spec, limit),
        *_media_problems(draft, spec),
        *_link_problems(draft.link, utm_problem),
        *_time_problems(draft.created_at, now, tz),
    )


def check_notes(draft: Draft) -> tuple[Note, ...]:
    """What the user should look at in `draft` that does not stand in the way of scheduling:
    each video whose duration cannot be read (a WebM; an MP4 whose headers give none) on a
    network that limits the duration, and the visual skill's advice on each image for the
    network's feed (a face or the subject in the safe zone the platform covers). () for a
    network not in NETWORKS (check_draft says so)."""
    spec = NETWORKS.get(draft.network)
    if spec is None:
        return ()
    found: list[Note] = []
    for i, m in enumerate(draft.media):
        if m.kind == "video":
            note = _duration_note(m, spec, f"media[{i}]")
            if note is not None:
                found.append(note)
        elif m.mime in spec.image_types:
            found.extend(_image_advice(m, draft.network, spec, f"media[{i}]"))
    return tuple(found)
