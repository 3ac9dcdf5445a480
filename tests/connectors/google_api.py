"""Recorded Google APIs for tests, replaying the shapes of their public documentation: the
OAuth token endpoint for service accounts (JWT bearer grant; the signature is really checked
with the key's public half), the GA4 Admin and Data APIs (properties.get, runReport with
dimensionHeaders / metricHeaders / rows / rowCount and limit/offset paging) and the Search
Console API (sites.get, searchAnalytics.query with rows of keys, clicks, impressions, ctr,
position and rowLimit/startRow paging); errors {"error": {"code", "message", "status"}}.
Google cannot be reached from here, so this replays it (respx over HTTPX)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import respx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

PROPERTY = "312345678"
PROPERTY_NAME = "voorbeeld.nl - GA4"  # as tests/fixtures/formats/google/ga4_traffic_... names it
SITE = "sc-domain:voorbeeld.nl"
DAYS = [dt.date(2026, 2, 1) + dt.timedelta(days=i) for i in range(28)]
SOURCES = [
    ("google / organic", "(organic)", "Organic Search"),
    ("nieuwsbrief / email", "voorjaar_2026", "Email"),
    ("(direct) / (none)", "(direct)", "Direct"),
    ("facebook.com / referral", "(referral)", "Referral"),
]
PAGES = ["/", "/doneren", "/vrijwilligers", "/nieuws/lente", "/contact"]
QUERIES = [f"zoekterm {i}" for i in range(10)]


def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY = _private_key()


def service_account(key: rsa.RSAPrivateKey = KEY) -> dict[str, Any]:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": "socialdesk-test",
        "private_key_id": "abc123",
        "private_key": pem,
        "client_email": "socialdesk@socialdesk-test.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def gerror(code: int, status: str, message: str) -> httpx.Response:
    return httpx.Response(
        code, json={"error": {"code": code, "message": message, "status": status}}
    )


@dataclass
class FakeGoogle:
    public_key: rsa.RSAPublicKey = field(default_factory=lambda: KEY.public_key())
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> scope
    faults: dict[tuple[str, int], httpx.Response] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def install(self, router: respx.Router) -> None:
        router.post("https://oauth2.googleapis.com/token").mock(side_effect=self._token)
        router.get(f"https://analyticsadmin.googleapis.com/v1beta/properties/{PROPERTY}").mock(
            side_effect=lambda r: (
                self._authorised(r, "analytics")
                or httpx.Response(
                    200,
                    json={
                        "name": f"properties/{PROPERTY}",
                        "displayName": PROPERTY_NAME,
                        "timeZone": "Europe/Amsterdam",
                        "currencyCode": "EUR",
                    },
                )
            )
        )
        router.get(
            url__regex=r"https://analyticsadmin\.googleapis\.com/v1beta/properties/\d+"
        ).mock(return_value=gerror(404, "NOT_FOUND", "Property not found"))
        router.post(
            f"https://analyticsdata.googleapis.com/v1beta/properties/{PROPERTY}:runReport"
        ).mock(side_effect=self._run_report)
        site = "sc-domain%3Avoorbeeld.nl"
        router.get(f"https://www.googleapis.com/webmasters/v3/sites/{site}").mock(
            side_effect=lambda r: (
                self._authorised(r, "webmasters")
                or httpx.Response(
                    200, json={"siteUrl": SITE, "permissionLevel": "siteRestrictedUser"}
                )
            )
        )
        router.post(
            f"https://www.googleapis.com/webmasters/v3/sites/{site}/searchAnalytics/query"
        ).mock(side_effect=self._search)

    def _token(self, request: httpx.Request) -> httpx.Response:
        form = dict(x.split("=", 1) for x in request.content.decode().split("&"))
        from urllib.parse import unquote

        jwt = unquote(form.get("assertion", ""))
        try:
            head, body, sig = jwt.split(".")
            self.public_key.verify(
                _unb64(sig), f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except (ValueError, InvalidSignature):
            return httpx.Response(
                400, json={"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            )
        claims = json.loads(_unb64(body))
        assert claims["aud"] == "https://oauth2.googleapis.com/token"
        assert claims["exp"] - claims["iat"] == 3600
        token = f"ya29.{len(self.tokens)}"
        self.tokens[token] = claims["scope"]
        return httpx.Response(
            200, json={"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        )

    def _authorised(self, request: httpx.Request, scope: str) -> httpx.Response | None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return gerror(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        if scope not in self.tokens[token]:
            return gerror(
                403, "PERMISSION_DENIED", "Request had insufficient authentication scopes."
            )
        return None

    def _fault(self, kind: str, page: int) -> httpx.Response | None:
        return self.faults.pop((kind, page), None)

    def _run_report(self, request: httpx.Request) -> httpx.Response:
        if (bad := self._authorised(request, "analytics")) is not None:
            return bad
        body = json.loads(request.content)
        self.requests.append(body)
        dims = [d["name"] for d in body["dimensions"]]
        metrics = [m["name"] for m in body["metrics"]]
        start = dt.date.fromisoformat(body["dateRanges"][0]["startDate"])
        limit, offset = int(body["limit"]), int(body["offset"])
        fault = self._fault(dims[1], offset // limit + 1)
        if fault is not None:
            return fault
        rows = []
        for day in DAYS:
            if day < start:
                continue
            keys = SOURCES if "sessionSourceMedium" in dims else [(p,) for p in PAGES]
            for n, key in enumerate(keys):
                values = [day.strftime("%Y%m%d"), *key]
                figures = [str(10 * (n + 1) + day.day + j) for j in range(len(metrics))]
                rows.append(
                    {
                        "dimensionValues": [{"value": v} for v in values],
                        "metricValues": [{"value": v} for v in figures],
                    }
                )
        page = rows[offset : offset + limit]
        out: dict[str, Any] = {
            "dimensionHeaders": [{"name": d} for d in dims],
            "metricHeaders": [{"name": m, "type": "TYPE_INTEGER"} for m in metrics],
            "rowCount": len(rows),
            "metadata": {"currencyCode": "EUR", "timeZone": "Europe/Amsterdam"},
            "kind": "analyticsData#runReport",
        }
        if page:
            out["rows"] = page
        return httpx.Response(200, json=out)

    def _search(self, request: httpx.Request) -> httpx.Response:
        if (bad := self._authorised(request, "webmasters")) is not None:
            return bad
        body = json.loads(request.content)
        self.requests.append(body)
        dims = body["dimensions"]
        limit, start_row = body["rowLimit"], body["startRow"]
        fault = self._fault(dims[-1], start_row // limit + 1)
        if fault is not None:
            return fault
        start = dt.date.fromisoformat(body["startDate"])
        values = {
            "date": [None],
            "query": QUERIES,
            "page": [f"https://voorbeeld.nl{p}" for p in PAGES],
        }[dims[-1]]
        rows = []
        for day in DAYS:
            if day < start:
                continue
            for n, value in enumerate(values):
                keys = [day.isoformat()] if value is None else [day.isoformat(), value]
                clicks, impressions = n + day.day, 10 * (n + day.day)
                rows.append(
                    {
                        "keys": keys,
                        "clicks": clicks,
                        "impressions": impressions,
                        "ctr": clicks / impressions,
                        "position": 3.5 + n,
                    }
                )
        page = rows[start_row : start_row + limit]
        out: dict[str, Any] = {"responseAggregationType": "byProperty"}
        if page:
            out["rows"] = page
        return httpx.Response(200, json=out)
