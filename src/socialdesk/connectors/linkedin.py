"""LinkedIn (Community Management API, versioned REST): an organisation's (company Page's)
posts with their lifetime figures; the credential the LinkedIn publisher posts with.

Connect with a member's 3-legged OAuth access token and the Page (its organisation id, its
urn:li:organization:N, its admin address linkedin.com/company/N/admin or its public address
linkedin.com/company/<vanity name>). The token needs the scopes w_organization_social (post
and comment as the Page), r_organization_social (read its posts) and rw_organization_admin
(read the member's role on the Page and the posts' figures), and the member an APPROVED role
ADMINISTRATOR or CONTENT_ADMINISTRATOR on the Page. LinkedIn's access tokens last 60 days;
LinkedIn does not say when a token ends without the app's client secret, so expires_at stays
empty and an expired token is found by a 401 EXPIRED_ACCESS_TOKEN.

Every call goes to https://api.linkedin.com/rest with LinkedIn-Version: API_VERSION (YYYYMM; a
version is served for at least a year, a sunset one answers 426 NONEXISTENT_VERSION) and
X-Restli-Protocol-Version: 2.0.0; URNs in paths and query strings are percent-encoded.
Endpoints (learn.microsoft.com/linkedin/marketing/community-management/...):
  GET /organizations/{id}                           organizations/organization-lookup-api
  GET /organizations?q=vanityName&vanityName=x      the same page: a Page by its address
  GET /organizationAcls?q=roleAssignee&organization={urn}&state=APPROVED
                                                    organizations/organization-access-control
  GET /posts?author={urn}&q=author&count=&start=&sortBy=CREATED   shares/posts-api (find
        posts by author): {"elements": [Post], "paging": {"start", "count", "total"?, "links"}}
  GET /organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={urn}
        &shares=List(...)&ugcPosts=List(...)        organizations/share-statistics: lifetime
        totalShareStatistics per post
Errors are {"status": 4xx, "serviceErrorCode": N, "code": "...", "message": "..."}
(shared/api-guide/concepts/error-handling): 401 EXPIRED_ACCESS_TOKEN (65602) or
REVOKED_ACCESS_TOKEN (65601), 403 ACCESS_DENIED (a scope or a Page role missing), 426 a
version no longer served, 429 a rate limit, 5xx LinkedIn's trouble. Rate limits
(shared/api-guide/concepts/rate-limits) are daily, per application and per member, reset at
midnight UTC, and come without Retry-After: a 429 is retried a few times (LinkedIn also sends
429 briefly to protect its infrastructure), then the next run waits until midnight UTC.

Mapping (as the Page content export, importers/linkedin_page_content_xls.py, so the figures
mean the same): external_id the post's URN (urn:li:share:N or urn:li:ugcPost:N),
published_at its publishedAt (ms, UTC; else createdAt) on the wall clock, text its commentary
read from LinkedIn's "little" text format, permalink https://www.linkedin.com/feed/update/{urn}/,
media_type from its content (media: photo, video or document (carousel, as the export's
Document); multiImage carousel; article link; poll and the rest other; none text). Figures
(lifetime, organic only): impressionCount impressions, uniqueImpressionsCount reach,
clickCount clicks, likeCount reactions (the export's Likes are all reactions), commentCount
comments, shareCount shares, engagement extra:engagement_rate. A member who may post but not
read the figures (no rw_organization_admin) gets the posts without figures.
Not the same post as the export's: the export names a post by its urn:li:activity:N, which
the Posts API does not give; the same post imported from an export and synced from the API
are two posts until that is reconciled.
Paging is by offset (start), newest first: a post deleted during a walk may shift one post
past the walk; the next run's refresh window brings it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any
from urllib.parse import quote

import httpx

from socialdesk.connectors.base import (
    N_,
    Connector,
    Field,
    HttpOptions,
    Identity,
    Page,
    Stream,
    StreamContext,
)
from socialdesk.connectors.errors import ConnectorError, shape_error
from socialdesk.connectors.http import ApiClient
from socialdesk.connectors.records import newest, posts_frame, wall_clock
from socialdesk.importers.base import AccountRef, Chunk

__all__ = [
    "API",
    "API_VERSION",
    "CONNECTOR",
    "classify",
    "client",
    "connect",
    "encoded",
    "little_plain",
    "media_type",
    "ms_time",
    "next_start",
    "organization_urn",
    "permalink",
]

PLATFORM = "linkedin"
API = "https://api.linkedin.com/rest"
API_VERSION = "202607"  # Marketing July 2026; served until July 2027 at least
PAGE = 20  # posts a page; the figures of a page come in one call
POSTING_ROLES = ("ADMINISTRATOR", "CONTENT_ADMINISTRATOR")
_ORG_URN = re.compile(r"urn:li:organization:(\d+)")
_COMPANY = re.compile(r"linkedin\.com/company/([^/?#]+)", re.IGNORECASE)
_VANITY = re.compile(r"[\w-]+")


# -- errors -------------------------------------------------------------------------------
def _next_midnight(response: httpx.Response) -> dt.datetime:
    """Five minutes past the next midnight UTC after the answer's Date (else now): when the
    daily limits have been reset."""
    when: dt.datetime | None = None
    stamp = response.headers.get("date")
    if stamp:
        try:
            when = email.utils.parsedate_to_datetime(stamp)
        except (TypeError, ValueError, IndexError):
            when = None
    if when is None:
        when = dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    day = when.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0, 5), tzinfo=dt.UTC)


def classify(response: httpx.Response) -> ConnectorError | None:
    """LinkedIn's error bodies in plain words; None leaves the status to default_error."""
    try:
        body = response.json()
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    status = response.status_code
    code = str(body.get("code") or "")
    message = str(body.get("message") or "")
    detail = ": ".join(p for p in (code or str(body.get("serviceErrorCode") or ""), message) if p)
    detail = detail or response.text[:200]
    if status == 401:
        if code == "EXPIRED_ACCESS_TOKEN" or body.get("serviceErrorCode") == 65602:
            words = N_(
                "the LinkedIn token has expired (LinkedIn's tokens last 60 days): connect again "
                "with a new token"
            )
        elif code == "REVOKED_ACCESS_TOKEN" or body.get("serviceErrorCode") == 65601:
            words = N_("the LinkedIn token was revoked: connect again with a new token")
        else:
            words = N_("LinkedIn does not accept the token: connect again with a new token")
        return ConnectorError("auth", words, detail=detail, status=status)
    if status == 403:
        return ConnectorError(
            "permission",
            N_(
                "LinkedIn refuses: the token lacks a scope (w_organization_social, "
                "r_organization_social, rw_organization_admin) or its member lost the Page role; "
                "connect again"
            ),
            detail=detail,
            status=status,
        )
    if status == 426:
        return ConnectorError(
            "input",
            N_("LinkedIn no longer serves the API version socialdesk asks for: update socialdesk"),
            detail=detail,  # the version itself is hidden: the client hides every header value
            status=status,
        )
    if status == 429:
        return ConnectorError(
            "rate",
            N_(
                "LinkedIn's daily limit is reached; it resets at midnight UTC, the next run goes on"
            ),
            detail=detail,
            status=status,
            retry_at=_next_midnight(response),
        )
    if status >= 500:
        return ConnectorError(
            "server",
            N_("LinkedIn has a temporary problem; the next run tries again"),
            detail=detail,
            status=status,
        )
    if status in (400, 409, 410, 412, 415, 422):
        return ConnectorError(
            "input", N_("LinkedIn refused the request"), detail=detail, status=status
        )
    return None


# -- the client ---------------------------------------------------------------------------
def encoded(urn: str) -> str:
    """A URN as a path segment or a Rest.li list item: every reserved character encoded."""
    return quote(urn, safe="")


def permalink(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def _client(token: str, http: HttpOptions) -> ApiClient:
    return http.client(
        API,
        headers={
            "Authorization": f"Bearer {token}",
            "LinkedIn-Version": API_VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
        },
        classify=classify,
    )


def client(credentials: dict[str, Any], settings: dict[str, Any], http: HttpOptions) -> ApiClient:
    return _client(credentials["token"], http)


def organization_urn(settings: dict[str, Any], external_id: str | None = None) -> str:
    """The Page's URN from a connection's settings (or its external id, the number)."""
    urn = settings.get("organization")
    if urn:
        return str(urn)
    if external_id:
        return f"urn:li:organization:{external_id}"
    raise ConnectorError(
        "input", N_("the LinkedIn connection does not name its Page: connect it again")
    )


# -- connect ------------------------------------------------------------------------------
def _page(value: str) -> tuple[str | None, str | None]:
    """(organisation id, vanity name) from what the person typed; one of the two is None."""
    value = value.strip().rstrip("/")
    if not value:
        raise ConnectorError(
            "input",
            N_("give the LinkedIn Page: its number (linkedin.com/company/12345/admin) or address"),
            field="page",
        )
    if m := _ORG_URN.fullmatch(value):
        return m.group(1), None
    if value.isdigit():
        return value, None
    if m := _COMPANY.search(value):
        part = m.group(1)
        return (part, None) if part.isdigit() else (None, part)
    if "/" not in value and _VANITY.fullmatch(value):
        return None, value
    raise ConnectorError(
        "input",
        N_("this is not a LinkedIn Page: give its number, urn:li:organization:N or its address"),
        detail=value,
        field="page",
    )


def _organization(api: ApiClient, org_id: str | None, vanity: str | None) -> dict[str, Any]:
    try:
        if org_id is not None:
            org = api.get_json(f"/organizations/{org_id}")
        else:
            found = api.get_json("/organizations", q="vanityName", vanityName=vanity)
            elements = found.get("elements") if isinstance(found, dict) else None
            if not isinstance(elements, list):
                raise shape_error("connect", "organizations.elements", "is missing")
            if not elements:
                raise ConnectorError(
                    "input",
                    N_("LinkedIn knows no Page at this address"),
                    detail=vanity,
                    field="page",
                )
            org = elements[0]
    except ConnectorError as exc:
        if exc.kind == "not_found":
            raise ConnectorError(
                "input",
                N_("LinkedIn knows no Page with this number"),
                detail=org_id or vanity,
                field="page",
                status=exc.status,
            ) from None
        raise
    if not isinstance(org, dict) or org.get("id") in (None, ""):
        raise shape_error("connect", "organization.id", "is missing")
    return org


def _roles(api: ApiClient, urn: str) -> list[str]:
    """The member's APPROVED roles on the Page (GET /organizationAcls, finder roleAssignee)."""
    try:
        body = api.get_json(
            "/organizationAcls", q="roleAssignee", organization=urn, state="APPROVED"
        )
    except ConnectorError as exc:
        if exc.kind == "permission":
            exc.message = N_(
                "LinkedIn does not tell this token the member's role on the Page: make a token "
                "with the scopes w_organization_social, r_organization_social and "
                "rw_organization_admin"
            )
        raise
    elements = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(elements, list):
        raise shape_error("connect", "organizationAcls.elements", "is missing")
    return [
        str(e.get("role"))
        for e in elements
        if isinstance(e, dict)
        and (e.get("organization") or e.get("organizationTarget") or urn) == urn
        and e.get("state", "APPROVED") == "APPROVED"
    ]


def connect(values: dict[str, str], http: HttpOptions) -> Identity:
    token = (values.get("token") or "").strip()
    if not token:
        raise ConnectorError(
            "input",
            N_(
                "give a LinkedIn access token (3-legged OAuth, with the scopes "
                "w_organization_social, r_organization_social and rw_organization_admin)"
            ),
            field="token",
        )
    org_id, vanity = _page(values.get("page") or "")
    with _client(token, http) as api:
        org = _organization(api, org_id, vanity)
        urn = f"urn:li:organization:{org['id']}"
        roles = _roles(api, urn)
        if not any(r in POSTING_ROLES for r in roles):
            raise ConnectorError(
                "permission",
                N_(
                    "the member of this token may not post for this Page: LinkedIn gives posting "
                    "to a Page's ADMINISTRATOR or CONTENT_ADMINISTRATOR; ask a Page admin for "
                    "that role, then connect again"
                ),
                detail=f"roles on {urn}: {', '.join(roles) or 'none'}",
                field="page",
            )
        try:  # reading the posts needs r_organization_social: say so now, not at the first sync
            api.get_json("/posts", q="author", author=urn, count=1)
        except ConnectorError as exc:
            if exc.kind == "permission":
                exc.message = N_(
                    "the token may not read the Page's posts: make a token with the scopes "
                    "w_organization_social, r_organization_social and rw_organization_admin"
                )
            raise
    name = org.get("localizedName") or None
    handle = str(org.get("vanityName") or name or org["id"])
    return Identity(
        handle=handle,
        name=name,
        external_id=str(org["id"]),
        credentials={"token": token},
        settings={
            "organization": urn,
            "vanity_name": org.get("vanityName"),
            "roles": roles,
        },
    )


# -- little text --------------------------------------------------------------------------
_LITTLE = re.compile(
    r"\{hashtag\|\\#\|(?P<tag>(?:[^{}\\]|\\.)*)\}"  # {hashtag|\#|word}
    r"|@\[(?P<name>(?:[^\]\\]|\\.)*)\]\(urn:li:[^)]*\)"  # @[Name](urn:li:...)
    r"|\\(?P<char>.)",  # an escaped character
    re.DOTALL,
)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def _little_part(m: re.Match[str]) -> str:
    if m.group("char") is not None:
        return m.group("char")
    if m.group("tag") is not None:
        return "#" + _ESCAPED.sub(r"\1", m.group("tag"))
    return _ESCAPED.sub(r"\1", m.group("name"))


def little_plain(text: str | None) -> str:
    """LinkedIn's "little" text (shares/little-text-format) as the words a reader sees:
    hashtag templates as #word, mentions as the name, escaped characters as themselves."""
    if not text:
        return ""
    return _LITTLE.sub(_little_part, text)


# -- the posts stream ---------------------------------------------------------------------
def ms_time(value: Any) -> dt.datetime | None:
    """Milliseconds since the epoch as a naive UTC time."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return dt.datetime.fromtimestamp(value / 1000, dt.UTC).replace(tzinfo=None)


def media_type(post: dict[str, Any]) -> str:
    content = post.get("content")
    if not isinstance(content, dict) or not content:
        return "other" if post.get("reshareContext") else "text"
    if "multiImage" in content or "carousel" in content:
        return "carousel"
    if "article" in content:
        return "link"
    media = content.get("media")
    if isinstance(media, dict):
        kind = str(media.get("id") or "").split(":")[2:3]
        return {"image": "photo", "video": "video", "document": "carousel"}.get(
            kind[0] if kind else "", "other"
        )
    return "other"


def next_start(body: dict[str, Any], start: int, got: int, asked: int) -> str | None:
    """The next page's start, or None when this page was the last."""
    paging = body.get("paging")
    if not isinstance(paging, dict):
        paging = {}
    total = paging.get("total")
    if isinstance(total, int) and not isinstance(total, bool):
        return str(start + got) if start + got < total else None
    links = paging.get("links")
    if isinstance(links, list) and links:
        has_next = any(isinstance(x, dict) and x.get("rel") == "next" for x in links)
        return str(start + got) if has_next else None
    return str(start + got) if got >= asked else None


def _start(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        return max(0, int(cursor))
    except ValueError:
        raise shape_error("posts", "cursor", "is not a number") from None


def _figures(ctx: StreamContext, urn: str, posts: list[str]) -> dict[str, dict[str, Any]]:
    """Lifetime figures of these posts by URN ({} when the token may not read them)."""
    shares = [p for p in posts if p.startswith("urn:li:share:")]
    ugc = [p for p in posts if p.startswith("urn:li:ugcPost:")]
    if not shares and not ugc:
        return {}
    query = f"q=organizationalEntity&organizationalEntity={encoded(urn)}"
    for name, items in (("shares", shares), ("ugcPosts", ugc)):
        if items:
            query += f"&{name}=List({','.join(encoded(p) for p in items)})"
    # the query is written out: Rest.li's List(...) keeps its brackets and commas bare, its
    # items encoded (and get_json's params would replace a query in the path)
    path = f"/organizationalEntityShareStatistics?{query}"
    try:
        response = ctx.client.request("GET", path)
    except ConnectorError as exc:
        if exc.kind == "permission":  # may post and read posts, not read figures
            return {}
        raise
    try:
        body = response.json()
    except ValueError:
        raise shape_error(
            ctx.stream, "organizationalEntityShareStatistics", "is not JSON"
        ) from None
    elements = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(elements, list):
        raise shape_error(ctx.stream, "organizationalEntityShareStatistics.elements", "is missing")
    out = {}
    for element in elements:
        if not isinstance(element, dict):
            continue
        key = element.get("share") or element.get("ugcPost")
        stats = element.get("totalShareStatistics")
        if key and isinstance(stats, dict):
            out[str(key)] = stats
    return out


def _count(stats: dict[str, Any], name: str) -> float | None:
    value = stats.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _posts(ctx: StreamContext, cursor: str | None) -> Page:
    urn = organization_urn(ctx.settings, ctx.external_id)
    start = _start(cursor)
    body = ctx.client.get_json(
        "/posts", q="author", author=urn, count=PAGE, start=start, sortBy="CREATED"
    )
    elements = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(elements, list):
        raise shape_error(ctx.stream, "posts.elements", "is missing or not a list")
    following = next_start(body, start, len(elements), PAGE)
    done = following is None
    kept: list[dict[str, Any]] = []
    times: list[dt.datetime | None] = []
    for i, raw in enumerate(elements):
        if not isinstance(raw, dict):
            raise shape_error(ctx.stream, f"elements[{i}]", "is not an object")
        if not raw.get("id"):
            raise shape_error(ctx.stream, f"elements[{i}].id", "is missing")
        created = ms_time(raw.get("createdAt"))
        if created is None:
            raise shape_error(ctx.stream, f"elements[{i}].createdAt", "is not a time")
        if ctx.stop_before and created < ctx.stop_before:
            done = True
            break
        times.append(created)
        if raw.get("lifecycleState", "PUBLISHED") != "PUBLISHED":
            continue
        kept.append(raw)
    figures = _figures(ctx, urn, [str(p["id"]) for p in kept])
    rows = []
    for post in kept:
        post_urn = str(post["id"])
        stats = figures.get(post_urn, {})
        rate = _count(stats, "engagement")
        rows.append(
            {
                "external_id": post_urn,
                "published_at": wall_clock(
                    ms_time(post.get("publishedAt")) or ms_time(post["createdAt"]), ctx.timezone
                ),
                "text": little_plain(post.get("commentary")),
                "media_type": media_type(post),
                "permalink": permalink(post_urn),
                "impressions": _count(stats, "impressionCount"),
                "reach": _count(stats, "uniqueImpressionsCount"),
                "clicks": _count(stats, "clickCount"),
                "reactions": _count(stats, "likeCount"),
                "comments": _count(stats, "commentCount"),
                "shares": _count(stats, "shareCount"),
                "extra:engagement_rate": rate,
            }
        )
    account = AccountRef(PLATFORM, ctx.handle, external_id=ctx.external_id)
    chunks = [Chunk("posts", account, posts_frame(rows, ctx.as_of))] if rows else []
    return Page(chunks, None if done else following, newest(times), items=len(times))


CONNECTOR = Connector(
    name="linkedin",
    platform=PLATFORM,
    title=N_("LinkedIn Page"),
    how_to=N_(
        "In the LinkedIn Developer Portal: an app with the Community Management API; its OAuth "
        "token generator (or your own OAuth flow) gives a member's access token with the scopes "
        "w_organization_social, r_organization_social and rw_organization_admin. The member must "
        "be the Page's ADMINISTRATOR or CONTENT_ADMINISTRATOR. The token lasts 60 days."
    ),
    fields=(
        Field("token", N_("Access token"), secret=True),
        Field(
            "page",
            N_("LinkedIn Page"),
            help=N_(
                "Its number (linkedin.com/company/12345/admin), urn:li:organization:12345 or its "
                "address linkedin.com/company/name"
            ),
        ),
    ),
    connect=connect,
    client=client,
    streams=(
        Stream(
            "posts",
            "posts",
            _posts,
            every_minutes=120,
            refresh_days=14,
            title=N_("Page posts and their figures"),
        ),
    ),
)
