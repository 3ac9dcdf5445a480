"""UTM links: build them by the organisation's naming rules, and check existing ones.

GA4 reads `utm_source`, `utm_medium` and `utm_campaign` (plus `utm_content`, `utm_term`) and
is case-sensitive: "Facebook" and "facebook" become two sources. The rules (from the plan's
`links` section, else the defaults below) say:

- values are lower case, words joined by `separator` ("_"), no spaces;
- the source is one of `sources` and the medium one of `mediums` (GA4 puts "social",
  "paid_social", "email", "cpc" in the right default channel group; "Social" does not);
- the campaign, when the plan names campaigns, is one of them.

`build_utm` normalises what it can (case, spaces) and reports what it cannot (a source not
allowed); `check_link` reports every problem of a link as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
REQUIRED = ("utm_source", "utm_medium", "utm_campaign")
DEFAULT_SOURCES = (
    "facebook",
    "instagram",
    "linkedin",
    "x",
    "tiktok",
    "youtube",
    "pinterest",
    "threads",
    "bluesky",
    "mastodon",
    "whatsapp",
    "nieuwsbrief",
    "newsletter",
    "google",
    "bing",
)
DEFAULT_MEDIUMS = (
    "social",
    "paid_social",
    "email",
    "cpc",
    "display",
    "video",
    "referral",
    "affiliate",
    "qr",
    "print",
    "sms",
)
_BAD = re.compile(r"[^a-z0-9_\-.]")


@dataclass(frozen=True)
class UtmRules:
    sources: tuple[str, ...] = DEFAULT_SOURCES
    mediums: tuple[str, ...] = DEFAULT_MEDIUMS
    campaigns: tuple[str, ...] = ()  # empty: any campaign name that follows the format
    separator: str = "_"

    @classmethod
    def from_dict(cls, d: dict[str, object] | None) -> UtmRules:
        d = d or {}

        def tup(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
            v = d.get(key)
            return (
                tuple(str(x).strip().lower() for x in v)
                if isinstance(v, list | tuple) and v
                else default
            )

        return cls(
            tup("sources", DEFAULT_SOURCES),
            tup("mediums", DEFAULT_MEDIUMS),
            tup("campaigns", ()),
            str(d.get("separator") or "_"),
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "sources": list(self.sources),
            "mediums": list(self.mediums),
            "campaigns": list(self.campaigns),
            "separator": self.separator,
        }


@dataclass(frozen=True)
class Problem:
    field: str
    severity: str  # error | warning
    message: str


@dataclass(frozen=True)
class UtmLink:
    url: str
    base_url: str
    params: dict[str, str | None]
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def normalise(value: str, separator: str = "_") -> str:
    """lower case, trimmed, runs of spaces and separators as one separator."""
    v = re.sub(r"[\s]+", separator, value.strip().lower())
    return re.sub(re.escape(separator) + "+", separator, v).strip(separator)


def _value_problems(key: str, value: str | None, rules: UtmRules) -> list[Problem]:
    out: list[Problem] = []
    if value is None or value == "":
        if key in REQUIRED:
            out.append(
                Problem(key, "error", f"{key} is missing: GA4 files the visit under (not set)")
            )
        return out
    if value != value.lower():
        out.append(
            Problem(
                key,
                "error",
                f"{key} {value!r} has capitals: GA4 counts {value!r} and {value.lower()!r} apart",
            )
        )
    if " " in value or "%20" in value or "+" in value:
        out.append(Problem(key, "error", f"{key} {value!r} has spaces: use {rules.separator!r}"))
    elif _BAD.search(value.lower()):
        out.append(
            Problem(key, "warning", f"{key} {value!r} has characters other than a-z, 0-9, _ - .")
        )
    low = normalise(value, rules.separator)
    if key == "utm_source" and low not in rules.sources:
        out.append(
            Problem(
                key,
                "error",
                f"source {value!r} is not one of the allowed sources: " + ", ".join(rules.sources),
            )
        )
    if key == "utm_medium" and low not in rules.mediums:
        out.append(
            Problem(
                key,
                "error",
                f"medium {value!r} is not one of the allowed mediums: " + ", ".join(rules.mediums),
            )
        )
    if key == "utm_campaign" and rules.campaigns and low not in rules.campaigns:
        out.append(
            Problem(
                key,
                "error",
                f"campaign {value!r} is not a campaign of the plan: " + ", ".join(rules.campaigns),
            )
        )
    return out


def _split(url: str) -> tuple[str, list[tuple[str, str]], str]:
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"{url!r} is not a full link: it needs https:// and a domain")
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return base, parse_qsl(parts.query, keep_blank_values=True), parts.fragment


def build_utm(
    url: str,
    *,
    source: str,
    medium: str,
    campaign: str,
    content: str | None = None,
    term: str | None = None,
    rules: UtmRules | None = None,
) -> UtmLink:
    """The link with its UTM tags (normalised), replacing any it had; problems say what breaks
    the rules even after normalising."""
    rules = rules or UtmRules()
    base, query, fragment = _split(url)
    given = {
        "utm_source": source,
        "utm_medium": medium,
        "utm_campaign": campaign,
        "utm_content": content,
        "utm_term": term,
    }
    params = {k: (normalise(v, rules.separator) if v else None) for k, v in given.items()}
    problems = [p for k in UTM_KEYS for p in _value_problems(k, params[k], rules)]
    kept = [(k, v) for k, v in query if k.lower() not in UTM_KEYS]
    tags = [(k, v) for k, v in params.items() if v]
    parts = urlsplit(url.strip())
    full = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept + tags), fragment))
    return UtmLink(full, base, params, tuple(problems))


def check_link(url: str, rules: UtmRules | None = None) -> UtmLink:
    """Every problem of an existing link's UTM tags, as written."""
    rules = rules or UtmRules()
    try:
        base, query, _fragment = _split(url)
    except ValueError as exc:
        return UtmLink(url, url, {}, (Problem("url", "error", str(exc)),))
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for k, v in query:
        if k.lower() in UTM_KEYS:
            if k != k.lower():
                problems.append(
                    Problem(
                        k.lower(),
                        "error",
                        f"parameter {k!r} has capitals: GA4 only reads lower-case utm_ names",
                    )
                )
            if k.lower() in seen:
                problems.append(Problem(k.lower(), "error", f"{k.lower()} appears twice"))
                problems.extend(_value_problems(k.lower(), v, rules))
            else:
                seen[k.lower()] = v
    params: dict[str, str | None] = {k: seen.get(k) for k in UTM_KEYS}
    for k in UTM_KEYS:
        problems.extend(_value_problems(k, params[k], rules))
    return UtmLink(url.strip(), base, params, tuple(dict.fromkeys(problems)))


__all__ = ["Problem", "UtmLink", "UtmRules", "build_utm", "check_link", "normalise"]
