"""Google's APIs (GA4, Search Console, later YouTube): a service account's access token, and
Google's error bodies in plain words.

A service account key (the JSON file Google Cloud console gives: Service accounts > Keys >
Add key > JSON) signs a JWT (RS256, with cryptography) that Google's token endpoint exchanges
for an hour's access token (developers.google.com/identity/protocols/oauth2/service-account,
"Preparing to make an authorized API call" > HTTP/REST). The service account is then added
to the GA4 property (Viewer) or the Search Console property (a user with Restricted rights).
Errors: {"error": {"code", "message", "status": "UNAUTHENTICATED" | "PERMISSION_DENIED" |
"RESOURCE_EXHAUSTED" | "INVALID_ARGUMENT" | ...}}; the token endpoint says {"error":
"invalid_grant", "error_description"}.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from socialdesk.connectors.base import N_, HttpOptions
from socialdesk.connectors.errors import ConnectorError
from socialdesk.connectors.http import ApiClient

TOKEN_URL = "https://oauth2.googleapis.com/token"


def classify(response: httpx.Response) -> ConnectorError | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, str):  # the token endpoint
        return ConnectorError(
            "auth",
            N_("Google does not accept the service account key: make a new key and connect again"),
            detail=f"{error}: {body.get('error_description') or ''}",
            status=response.status_code,
        )
    if not isinstance(error, dict):
        return None
    status = str(error.get("status") or "")
    detail = f"{status}: {error.get('message') or ''}"
    if status == "UNAUTHENTICATED":
        return ConnectorError(
            "auth",
            N_("Google no longer accepts the credential: connect again"),
            detail=detail,
            status=response.status_code,
        )
    if status == "PERMISSION_DENIED":
        return ConnectorError(
            "permission",
            N_(
                "the service account has no access to this property: add its e-mail address "
                "as a user of the property"
            ),
            detail=detail,
            status=response.status_code,
        )
    if status == "RESOURCE_EXHAUSTED":
        return ConnectorError(
            "rate",
            N_("Google's quota is used up for now; the next run goes on"),
            detail=detail,
            status=response.status_code,
        )
    return None


def read_key(text: str) -> dict[str, Any]:
    """A service account key's JSON, checked for what the token exchange needs."""
    try:
        key = json.loads(text)
    except ValueError:
        raise ConnectorError(
            "input",
            N_("the service account key is not JSON: give the key file Google made"),
            field="service_account",
        ) from None
    if not isinstance(key, dict) or key.get("type") != "service_account":
        raise ConnectorError(
            "input",
            N_('this JSON is not a service account key (type "service_account")'),
            field="service_account",
        )
    for name in ("client_email", "private_key"):
        if not key.get(name):
            raise ConnectorError(
                "input",
                N_("the service account key lacks a field"),
                detail=name,
                field="service_account",
            )
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def assertion(key: dict[str, Any], scope: str, now: float | None = None) -> str:
    """The signed JWT that asks for an access token for `scope`."""
    now = time.time() if now is None else now
    header = {"alg": "RS256", "typ": "JWT"}
    if key.get("private_key_id"):
        header["kid"] = key["private_key_id"]
    claims = {
        "iss": key["client_email"],
        "scope": scope,
        "aud": key.get("token_uri") or TOKEN_URL,
        "iat": int(now),
        "exp": int(now) + 3600,
    }
    signing = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    try:
        private = serialization.load_pem_private_key(key["private_key"].encode(), password=None)
    except (ValueError, TypeError):
        raise ConnectorError(
            "input",
            N_("the service account key's private key cannot be read"),
            field="service_account",
        ) from None
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ConnectorError(
            "input",
            N_("the service account key's private key cannot be read"),
            field="service_account",
        )
    signature = private.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing}.{_b64(signature)}"


def client(key: dict[str, Any], scope: str, http: HttpOptions) -> ApiClient:
    """A client with a fresh access token of the service account (absolute URLs only)."""
    api = http.client("https://www.googleapis.com", classify=classify)
    response = api.request(
        "POST",
        key.get("token_uri") or TOKEN_URL,
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": assertion(key, scope),
        },
    )
    body = response.json()
    token = body.get("access_token") if isinstance(body, dict) else None
    if not token:
        raise ConnectorError("shape", "the token answer has no access_token", field="access_token")
    api.headers["Authorization"] = f"Bearer {token}"
    return api
