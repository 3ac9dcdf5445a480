"""The checks before a calendar item may be scheduled, per network: pure functions, no database.

`check_draft` returns every `Problem` of one Draft: the text's length (counted as the network
counts it), hashtags, the number and kind of media, each image (readable, its file size, the
visual skill's feed specs) and video (type, file size), alt text, the link (well-formed: no
network access), its UTM tags (through a callable the caller passes) and the time. Every
message is a Phrase: a whole English sentence that says what is wrong and what to do.

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

Not checked: a video's duration (no declared dependency reads it), Bluesky's 3,000-byte ceiling
under its 300 graphemes, and URLs written without http(s)://.
"""

from __future__ import annotations

import importlib
import ipaddress
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from PIL import Image

from socialdesk.marketing.utm import UtmRules, check_link
from socialdesk.phrases import Join, Num, Phrase
from socialdesk.publishing.base import Draft, MediaFile
from socialdesk.visual.images import NotAnImage, check_image
from socialdesk.visual.specs import placements

__all__ = [
    "DEFAULT_TZ",
    "NETWORKS",
    "Limits",
    "NonexistentTime",
    "Problem",
    "UnknownNetwork",
    "check_draft",
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

    # length, empty, hashtags, media_count, media, image, alt_text, link, utm, time, network
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
    video_seconds: int | None = None  # recorded, not checked (see the module doc)
    # an image's alt text: graphemes where `counting` is "graphemes", else code points
    alt_chars: int | None = None
    video_alt_chars: int | None = None
    hashtags: int | None = None


_JPEG, _PNG, _GIF, _WEBP = "image/jpeg", "image/png", "image/gif", "image/webp"
_MP4, _MOV = "video/mp4", "video/quicktime"

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
        # bsky.app post of 2025-03-12: one video a post, up to 3 minutes, 100 MB
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
        alt_chars=1_000,
    ),
    "linkedin": Limits(
        "LinkedIn",
        # LinkedIn Posts API (learn.microsoft.com, "Posts API"): commentary up to 3,000
        # characters; MultiImage 2-20 images, or one video. Image specs: specs.toml.
        chars=3_000,
        counting="chars",
        image_types=(_JPEG, _PNG, _GIF),
        video_types=(_MP4,),
        media=20,
        videos=1,
        mix=False,
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
    ),
    "facebook": Limits(
        "Facebook",
        # Facebook's composer: a post takes up to 63,206 characters. Image specs: specs.toml.
        chars=63_206,
        counting="chars",
        image_types=(_JPEG, _PNG, _GIF),
        video_types=(_MP4, _MOV),
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
    if spec.videos is not None and videos > spec.videos:
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
    if m.mime in accepted:
        return []
    message = Phrase(
        "%(network)s does not take %(type)s files such as %(file)s. "
        "Convert it to one of these formats: %(types)s.",
        network=spec.name,
        type=_TYPE_NAMES.get(m.mime, m.mime),
        file=m.path.name,
        types=Join.of(_TYPE_NAMES.get(t, t) for t in accepted),
    )
    return [Problem("media", message, field)]


def _too_big(path: Path, most: int | None, spec: Limits, field: str) -> list[Problem]:
    size = path.stat().st_size
    if most is None or size <= most:
        return []
    message = Phrase(
        "%(file)s is %(size)s bytes; %(network)s takes files up to %(max)s bytes. "
        "Make it smaller: export it again at a lower quality or size.",
        file=path.name,
        size=Num(size, ",.0f"),
        network=spec.name,
        max=Num(most, ",.0f"),
    )
    return [Problem("media", message, field)]


def _image_problems(m: MediaFile, network: str, spec: Limits, field: str) -> list[Problem]:
    """The image read and measured by the visual skill, against the network's feed placement
    where specs.toml has one ("problem" findings only), and its file size."""
    try:
        report = check_image(m.path, placements(network, "feed"))
    except (NotAnImage, OSError, SyntaxError, Image.DecompressionBombError):
        message = Phrase(
            "%(file)s is not an image the platforms can read. Export it again as JPEG or PNG.",
            file=m.path.name,
        )
        return [Problem("media", message, field)]
    out = _too_big(m.path, spec.image_bytes, spec, field)
    for check in report.placements:
        for finding in check.findings:
            if finding.status != "problem":
                continue
            message = Phrase(
                "%(file)s (%(value)s) does not meet the %(network)s feed specifications. "
                "%(advice)s",
                file=m.path.name,
                value=finding.value,
                network=spec.name,
                advice=finding.advice,
            )
            out.append(Problem("image", message, field))
    return out


def _alt_problems(m: MediaFile, spec: Limits, field: str) -> list[Problem]:
    alt = m.alt.strip()
    if m.kind == "image" and not alt:
        message = Phrase(
            "%(file)s has no alt text. Describe the image in a sentence or two for people who "
            "cannot see it.",
            file=m.path.name,
        )
        return [Problem("alt_text", message, field)]
    most = spec.video_alt_chars if m.kind == "video" else spec.alt_chars
    n = len(_graphemes(alt)) if spec.counting == "graphemes" else len(alt)
    if most is None or n <= most:
        return []
    message = Phrase(
        "The alt text of %(file)s is %(n)s characters; %(network)s takes %(max)s. "
        "Shorten it by %(over)s.",
        file=m.path.name,
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
            file=m.path.name,
        )
        return [Problem("media", message, field)]
    if m.kind == "video":
        return _too_big(m.path, spec.video_bytes, spec, field)
    return _image_problems(m, network, spec, field)


def _media_problems(draft: Draft, spec: Limits) -> list[Problem]:
    out = _count_problems(draft.media, spec)
    for i, m in enumerate(draft.media):
        field = f"media[{i}]"
        out += _file_problems(m, draft.network, spec, field)
        out += _alt_problems(m, spec, field)
    return out


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
