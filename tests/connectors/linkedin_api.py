"""A recorded LinkedIn REST API for tests (respx over HTTPX), replaying the shapes of the
documentation on learn.microsoft.com/linkedin:
- marketing/community-management/organizations/organization-lookup-api: GET
  /rest/organizations/{id}, GET /rest/organizations?q=vanityName (elements);
- .../organizations/organization-access-control: GET /rest/organizationAcls?q=roleAssignee
  (organization, role, state filters; elements {roleAssignee, role, organization, state});
- .../shares/posts-api: find posts by author, GET /rest/posts?author=&q=author&count=&start=
  &sortBy= (LAST_MODIFIED by default, or CREATED; count up to 100; paging {start, count, links,
  total}); the Post schema (id urn:li:share / urn:li:ugcPost, commentary, content, createdAt,
  publishedAt, lastModifiedAt in ms, lifecycleState);
- .../organizations/share-statistics: GET /rest/organizationalEntityShareStatistics
  ?q=organizationalEntity&organizationalEntity=&shares=List(...)&ugcPosts=List(...)
  (totalShareStatistics per post);
- shared/api-guide/concepts/error-handling: {"status", "serviceErrorCode", "code",
  "message"}; 401 EXPIRED_ACCESS_TOKEN (65602) and REVOKED_ACCESS_TOKEN (65601), 403
  ACCESS_DENIED (100) for a missing scope or Page role;
- marketing/versioning: every call carries LinkedIn-Version YYYYMM; one no longer served
  answers 426 NONEXISTENT_VERSION; X-Restli-Protocol-Version 2.0.0;
- shared/api-guide/concepts/rate-limits: 429 without Retry-After, daily limits reset at
  midnight UTC.
LinkedIn cannot be reached from here, so this replays it."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
import respx

API = "https://api.linkedin.com/rest"
ORG_ID = "2414183"
ORG_URN = f"urn:li:organization:{ORG_ID}"
MEMBER = "urn:li:person:Xq7hB2kT9a"
TOKEN = "AQV" + "t" * 60
ACTIVE_VERSIONS = frozenset({"202601", "202602", "202603", "202604", "202605", "202606", "202607"})
ALL_SCOPES = frozenset({"w_organization_social", "r_organization_social", "rw_organization_admin"})
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
ORGANIZATION = {
    "id": int(ORG_ID),
    "localizedName": "GroenFonds",
    "vanityName": "groenfonds",
    "name": {
        "localized": {"nl_NL": "GroenFonds"},
        "preferredLocale": {"country": "NL", "language": "nl"},
    },
    "primaryOrganizationType": "NONE",
    "locations": [],
    "localizedWebsite": "https://groenfonds.example",
}


def ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def error(status: int, code: str, message: str, service: int | None = None) -> httpx.Response:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if service is not None:
        body["serviceErrorCode"] = service
    return httpx.Response(status, json=body)


def expired() -> httpx.Response:
    return error(401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65602)


def revoked() -> httpx.Response:
    return error(
        401,
        "REVOKED_ACCESS_TOKEN",
        "The token used in the request has been revoked by the user",
        65601,
    )


def denied(what: str) -> httpx.Response:
    return error(403, "ACCESS_DENIED", f"Not enough permissions to access: {what}", 100)


def little(text: str) -> str:
    """Plain text as little text (what a post made in LinkedIn itself carries)."""
    out = re.sub(r"([\\|{}@\[\]()<>*_~])", r"\\\1", text)
    return re.sub(r"#(\w+)", r"{hashtag|\\#|\1}", out)


def post(
    i: int,
    *,
    content: dict[str, Any] | None = None,
    text: str | None = None,
    ugc: bool = False,
    edited_minutes_ago: int | None = None,
) -> dict[str, Any]:
    """The Page's i-th newest post (i from 0), every twelve hours back from NOW."""
    created = NOW - dt.timedelta(hours=12 * i)
    number = 7_260_000_000_000_000_000 - i * 1_000_000
    urn = f"urn:li:{'ugcPost' if ugc else 'share'}:{number}"
    modified = NOW - dt.timedelta(minutes=edited_minutes_ago) if edited_minutes_ago else created
    made: dict[str, Any] = {
        "id": urn,
        "author": ORG_URN,
        "commentary": little(text if text is not None else f"Bericht {i} (nieuws) #groen"),
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "lifecycleStateInfo": {"isEditedByAuthor": edited_minutes_ago is not None},
        "isReshareDisabledByAuthor": False,
        "createdAt": ms(created),
        "publishedAt": ms(created),
        "lastModifiedAt": ms(modified),
    }
    if content is not None:
        made["content"] = content
    return made


def stats(i: int) -> dict[str, Any]:
    impressions = 1000 + 37 * i
    clicks, likes, comments, shares = 10 + i, 20 + i % 9, i % 5, i % 3
    return {
        "uniqueImpressionsCount": impressions - 200,
        "shareCount": shares,
        "engagement": (clicks + likes + comments + shares) / impressions,
        "clickCount": clicks,
        "likeCount": likes,
        "impressionCount": impressions,
        "commentCount": comments,
    }


@dataclass
class FakeLinkedIn:
    """The read endpoints for one Page (ORG_URN) and one member (MEMBER), in memory.

    Knobs: `token_state` ("ok", "expired", "revoked"), `scopes` (the token's; 403 outside
    them), `roles` (the member's APPROVED roles on the Page), `with_total` (paging carries
    total, else only links), `faults` (by kind "organization", "acls", "posts", "stats", and
    the publishing fake's kinds: responses or exceptions to answer instead, in turn; None
    answers normally), `sticky` (kinds whose fault never runs out). `now` is LinkedIn's clock
    (the Date header)."""

    posts: list[dict[str, Any]]  # newest first by createdAt
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    token: str = TOKEN
    token_state: str = "ok"
    scopes: set[str] = field(default_factory=lambda: set(ALL_SCOPES))
    roles: list[str] = field(default_factory=lambda: ["ADMINISTRATOR"])
    with_total: bool = False
    faults: dict[str, list[httpx.Response | Exception | None]] = field(default_factory=dict)
    sticky: set[str] = field(default_factory=set)
    now: dt.datetime = NOW
    calls: list[httpx.Request] = field(default_factory=list)

    def install(self, router: respx.Router) -> None:
        base = re.escape(API)
        router.get(url__regex=rf"^{base}/organizations/(?P<org>\d+)$").mock(
            side_effect=self._organization
        )
        router.get(url__regex=rf"^{base}/organizations\?").mock(side_effect=self._vanity)
        router.get(url__regex=rf"^{base}/organizationAcls\?").mock(side_effect=self._acls)
        router.get(url__regex=rf"^{base}/posts\?").mock(side_effect=self._find_posts)
        router.get(url__regex=rf"^{base}/organizationalEntityShareStatistics\?").mock(
            side_effect=self._share_statistics
        )

    # -- the rules every call meets ------------------------------------------------------
    def _answer(self, response: httpx.Response) -> httpx.Response:
        response.headers["date"] = email.utils.format_datetime(self.now, usegmt=True)
        return response

    def check(
        self, request: httpx.Request, kind: str, scope: str | None = None
    ) -> httpx.Response | None:
        """The answer LinkedIn gives instead of the resource, or None."""
        self.calls.append(request)
        version = request.headers.get("linkedin-version")
        if version not in ACTIVE_VERSIONS:
            return error(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
        if request.headers.get("x-restli-protocol-version") != "2.0.0":
            return error(400, "ILLEGAL_ARGUMENT", "Rest.li protocol version 2.0.0 expected")
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)
        if self.token_state == "expired":
            return expired()
        if self.token_state == "revoked":
            return revoked()
        if scope is not None and scope not in self.scopes:
            return denied(f"{kind}.{scope}")
        queue = self.faults.get(kind)
        if queue:
            fault = queue[0] if kind in self.sticky else queue.pop(0)
            if isinstance(fault, Exception):
                raise fault
            if fault is not None:
                return fault
        return None

    def may(self, *roles: str) -> bool:
        return any(r in roles for r in self.roles)

    # -- the endpoints --------------------------------------------------------------------
    def _organization(self, request: httpx.Request, org: str) -> httpx.Response:
        if (answer := self.check(request, "organization")) is not None:
            return self._answer(answer)
        if org != ORG_ID:
            return self._answer(error(404, "NOT_FOUND", f"Organization {org} does not exist"))
        return self._answer(httpx.Response(200, json=ORGANIZATION))

    def _vanity(self, request: httpx.Request) -> httpx.Response:
        if (answer := self.check(request, "organization")) is not None:
            return self._answer(answer)
        if request.url.params.get("q") != "vanityName":
            return self._answer(error(400, "ILLEGAL_ARGUMENT", "unknown finder"))
        name = (request.url.params.get("vanityName") or "").casefold()
        found = [ORGANIZATION] if name == ORGANIZATION["vanityName"] else []
        return self._answer(
            httpx.Response(
                200, json={"elements": found, "paging": {"start": 0, "count": 10, "links": []}}
            )
        )

    def _acls(self, request: httpx.Request) -> httpx.Response:
        if (answer := self.check(request, "acls", "rw_organization_admin")) is not None:
            return self._answer(answer)
        params = request.url.params
        if params.get("q") != "roleAssignee":
            return self._answer(error(400, "ILLEGAL_ARGUMENT", "unknown finder"))
        rows = [
            {"roleAssignee": MEMBER, "state": "APPROVED", "role": r, "organization": ORG_URN}
            for r in self.roles
        ]
        for name in ("organization", "role", "state"):
            if params.get(name):
                rows = [r for r in rows if r[name] == params[name]]
        return self._answer(
            httpx.Response(
                200, json={"elements": rows, "paging": {"start": 0, "count": 10, "links": []}}
            )
        )

    def _find_posts(self, request: httpx.Request) -> httpx.Response:
        if (answer := self.check(request, "posts", "r_organization_social")) is not None:
            return self._answer(answer)
        params = request.url.params
        if params.get("q") != "author":
            return self._answer(error(400, "ILLEGAL_ARGUMENT", "unknown finder"))
        if params.get("author") != ORG_URN or not self.may(
            "ADMINISTRATOR", "CONTENT_ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER"
        ):
            return self._answer(denied(f"posts of {params.get('author')}"))
        count, start = int(params.get("count", 10)), int(params.get("start", 0))
        if count > 100:
            return self._answer(error(400, "ILLEGAL_ARGUMENT", "count must be at most 100"))
        order = "createdAt" if params.get("sortBy") == "CREATED" else "lastModifiedAt"
        ordered = sorted(self.posts, key=lambda p: p.get(order) or p["publishedAt"], reverse=True)
        chunk = ordered[start : start + count]
        links = []
        if start + count < len(ordered):
            nxt = request.url.copy_set_param("start", str(start + count))
            links.append({"type": "application/json", "rel": "next", "href": str(nxt.raw_path)})
        if start > 0:
            prev = request.url.copy_set_param("start", str(max(0, start - count)))
            links.append({"type": "application/json", "rel": "prev", "href": str(prev.raw_path)})
        paging: dict[str, Any] = {"start": start, "count": count, "links": links}
        if self.with_total:
            paging["total"] = len(ordered)
        return self._answer(httpx.Response(200, json={"elements": chunk, "paging": paging}))

    def _share_statistics(self, request: httpx.Request) -> httpx.Response:
        if (answer := self.check(request, "stats", "rw_organization_admin")) is not None:
            return self._answer(answer)
        if not self.may("ADMINISTRATOR"):
            return self._answer(denied("organizationalEntityShareStatistics"))
        query = request.url.query.decode()
        wanted = {}
        for name, key in (("shares", "share"), ("ugcPosts", "ugcPost")):
            m = re.search(rf"(?:^|&){name}=List\(([^)]*)\)", query)
            if m:
                for item in m.group(1).split(","):
                    if ":" in item:  # a List item must be encoded: a bare urn:li:... is refused
                        return self._answer(error(400, "ILLEGAL_ARGUMENT", f"bad list {item}"))
                    wanted[unquote(item)] = key
        org = unquote(re.search(r"organizationalEntity=([^&]*)", query).group(1))  # type: ignore[union-attr]
        if org != ORG_URN:
            return self._answer(denied(f"statistics of {org}"))
        elements = [
            {"totalShareStatistics": self.figures[urn], key: urn, "organizationalEntity": ORG_URN}
            for urn, key in wanted.items()
            if urn in self.figures
        ]
        return self._answer(
            httpx.Response(
                200,
                json={"elements": elements, "paging": {"start": 0, "count": 10, "links": []}},
            )
        )


def sample(n: int = 47, **knobs: Any) -> FakeLinkedIn:
    """The Page with n posts, every twelve hours back from NOW: every 7th an image, every 11th
    several images, every 13th a link, one ugcPost video; figures for all but the newest."""
    items = []
    for i in range(n):
        content = None
        if i % 7 == 3:
            content = {"media": {"id": f"urn:li:image:C4E22AQ{i:05d}", "altText": "Boom"}}
        elif i % 11 == 5:
            content = {
                "multiImage": {
                    "images": [{"id": f"urn:li:image:D{i}{k}", "altText": ""} for k in range(3)]
                }
            }
        elif i % 13 == 7:
            content = {"article": {"source": "https://groenfonds.example/a", "title": "Lees"}}
        items.append(post(i, content=content))
    if n > 9:
        items[9] = post(
            9, content={"media": {"id": "urn:li:video:C5F10AQ9", "title": "Plantdag"}}, ugc=True
        )
    figures = {str(p["id"]): stats(i) for i, p in enumerate(items) if i > 0}
    return FakeLinkedIn(items, figures, **knobs)
