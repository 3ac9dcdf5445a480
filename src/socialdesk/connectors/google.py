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


_QUOTA = ("quotaExceeded", "rateLimitExceeded", "dailyLimitExceeded", "userRateLimitExceeded")


def classify(response: httpx.Response) -> ConnectorError | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    status_code = response.status_code
    if isinstance(error, str):  # the token endpoint: {"error": "invalid_grant", ...}
        if status_code not in (400, 401) or error not in (
            "invalid_grant",
            "invalid_client",
            "unauthorized_client",
        ):
            return None
        return ConnectorError(
            "auth",
            N_(
                "Google does not accept the credential (a key or consent that expired or was "
                "withdrawn): connect again"
            ),
            detail=f"{error}: {body.get('error_description') or ''}",
            status=status_code,
        )
    if not isinstance(error, dict):
        return None
    status = str(error.get("status") or "")
    reasons = [str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)]
    detail = f"{status or status_code}: {error.get('message') or ''}"
    if status == "RESOURCE_EXHAUSTED" or any(r in _QUOTA for r in reasons):
        return ConnectorError(
            "rate",
            N_("Google's quota is used up for now; the next run goes on"),
            detail=detail,
            status=status_code,
        )
    if status == "UNAUTHENTICATED":
        return ConnectorError(
            "auth",
            N_("Google no longer accepts the credential: connect again"),
            detail=detail,
            status=status_code,
        )
    if status == "PERMISSION_DENIED" or status_code == 403:
        return ConnectorError(
            "permission",
            N_(
                "Google refuses access: give the connected account (or the service account's "
                "e-mail address) access to the property or channel"
            ),
            detail=detail,
            status=status_code,
        )
    return None


def _body(response: httpx.Response, field: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not body.get(field):
        raise ConnectorError(
            "shape", N_("Google's token answer is not what its documentation says"), field=field
        )
    return body


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
        "aud": TOKEN_URL,
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
    response = api.request(  # never a key file's own token_uri: the key goes to Google only
        "POST",
        TOKEN_URL,
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": assertion(key, scope),
        },
    )
    api.headers["Authorization"] = f"Bearer {_body(response, 'access_token')['access_token']}"
    return api


# -- a person's consent (YouTube): OAuth for installed apps, with a loopback redirect ---------
AUTH_URL = "https://accounts.google.com/o/oauth2/v2/auth"


def refresh_client(credentials: dict[str, Any], http: HttpOptions) -> ApiClient:
    """A client with an access token from a person's refresh token (OAuth consent)."""
    api = http.client("https://www.googleapis.com", classify=classify)
    try:
        response = api.request(
            "POST",
            TOKEN_URL,
            data={
                "grant_type": "refresh_token",
                "refresh_token": credentials["refresh_token"],
                "client_id": credentials["client_id"],
                "client_secret": credentials["client_secret"],
            },
        )
    except ConnectorError as exc:
        if exc.kind == "auth":
            exc.message = N_(
                "Google withdrew the consent (expired, revoked or a new password): connect again"
            )
        raise
    api.headers["Authorization"] = f"Bearer {_body(response, 'access_token')['access_token']}"
    return api


def read_client_secret(text: str) -> tuple[str, str]:
    """client_id and client_secret from the OAuth client JSON Google Cloud console gives
    (APIs & Services > Credentials > OAuth client ID > Desktop app > Download JSON)."""
    try:
        data = json.loads(text)
    except ValueError:
        raise ConnectorError(
            "input", N_("the OAuth client file is not JSON"), field="client_secret"
        ) from None
    block = data.get("installed") or data.get("web") if isinstance(data, dict) else None
    if not isinstance(block, dict) or not block.get("client_id") or not block.get("client_secret"):
        raise ConnectorError(
            "input",
            N_("this JSON is not an OAuth client of the type Desktop app"),
            field="client_secret",
        )
    return str(block["client_id"]), str(block["client_secret"])


def consent(
    client_id: str,
    client_secret: str,
    scopes: tuple[str, ...],
    open_url: Any,
    http: HttpOptions,
    *,
    timeout: float = 300.0,
) -> str:
    """A refresh token from a person's consent: Google's page opens (`open_url(url)`), the
    answer comes back to a one-time server on 127.0.0.1 (PKCE S256 and a state check), and the
    code is exchanged. developers.google.com/identity/protocols/oauth2/native-app."""
    import hashlib
    import secrets as token_bytes
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from urllib.parse import parse_qs, urlencode, urlparse

    verifier = token_bytes.token_urlsafe(64)
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    state = token_bytes.token_urlsafe(16)
    answer: dict[str, str] = {}
    done = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
            if query.get("state") != state or ("code" not in query and "error" not in query):
                self.send_response(404)
                self.end_headers()
                return
            answer.update(query)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"socialdesk: you can close this window.\n")
            done.set()

        def log_message(self, *args: Any) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Handler)
    redirect = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        open_url(
            AUTH_URL
            + "?"
            + urlencode(
                {
                    "client_id": client_id,
                    "redirect_uri": redirect,
                    "response_type": "code",
                    "scope": " ".join(scopes),
                    "access_type": "offline",
                    "prompt": "consent",
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                    "state": state,
                }
            )
        )
        if not done.wait(timeout):
            raise ConnectorError("input", N_("no answer from Google's consent page in time"))
    finally:
        server.shutdown()
        server.server_close()
    if answer.get("state") != state:  # kept as a second check; the handler waits for it
        raise ConnectorError(
            "input", N_("the answer from Google's consent page does not match this request")
        )
    if "error" in answer:
        raise ConnectorError("auth", N_("consent was not given"), detail=answer["error"])
    with http.client("https://www.googleapis.com", classify=classify) as api:
        body = api.request(
            "POST",
            TOKEN_URL,
            data={
                "grant_type": "authorization_code",
                "code": answer["code"],
                "code_verifier": verifier,
                "redirect_uri": redirect,
                "client_id": client_id,
                "client_secret": client_secret,
            },
        )
    return str(_body(body, "refresh_token")["refresh_token"])
