"""create_app(): the cockpit as an ASGI app over one workspace.

One router per skill (web/routes/<skill>.py) with its templates in templates/<skill>/.
A middleware gives every request its language, its session (signed cookie with the CSRF
token and, in team mode, the user) and the security headers.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from socialdesk.i18n import N_, formats, gettext, negotiate, normalise
from socialdesk.phrases import Phrase
from socialdesk.store.memo import Busy
from socialdesk.web import auth
from socialdesk.web.deps import NotAuthenticated, WebConfig, make_env, render
from socialdesk.web.routes import ROUTERS

STATIC = Path(__file__).parent / "static"

# vega compiles its expressions with Function(), hence 'unsafe-eval'; nothing else runs
# that the package does not ship, and no inline script at all. Images may come over https:
# the thumbnails of the workspace's own posts, on the platforms' servers (fetched without a
# referrer); scripts, styles and connections never leave the cockpit.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'; object-src 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def settle_for_serving() -> None:
    """Before serving: move everything loaded so far (modules, templates, catalogues) out of
    the garbage collector's sight. A page allocates tens of thousands of objects; without
    this every full collection walks the whole program too and a request now and then
    takes twice as long (p95 233 -> 148 ms for the overview on the latency benchmark)."""
    import gc

    gc.collect()
    gc.freeze()


# Requests served at once per process (the threads that run the routes): fewer than the
# database connections a process may hold (store.engine.POOL_SIZE + POOL_OVERFLOW, 20), with
# room for the warmer and the login's bookkeeping, so a request waits for a thread, in order,
# and never times out waiting for a connection.
WEB_THREADS = 16


@contextlib.asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = WEB_THREADS
    yield


def create_app(config: WebConfig) -> FastAPI:
    if not config.secret_key:
        raise ValueError("WebConfig.secret_key is empty: sessions cannot be signed")
    app = FastAPI(
        title="socialdesk", docs_url=None, redoc_url=None, openapi_url=None, lifespan=_lifespan
    )
    app.state.config = config
    app.state.jinja = make_env()
    app.state.signer = auth.SessionSigner(config.secret_key)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _add_middleware(app)
    _add_error_pages(app)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY)
    return app


# The largest request body: a media upload of publishing.media.MAX_BYTES and its form around it
# (an import's files stay far below). A bigger one is refused before it is read.
MAX_BODY = 1024 * 1024 * 1024 + 1024 * 1024


class BodyLimit:
    """Refuses a request whose body is larger than `max_bytes`: by its Content-Length with 413
    before anything is read, and, for a body without one, by counting while it is read (the
    request then ends as if the client had gone). Bounds what anybody, logged in or not, can
    make the server spool to disk."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            response = PlainTextResponse("The request is too large.", status_code=413)
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counted, send)


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.endswith((".json", ".csv", ".xlsx")) or request.headers.get("hx-request") == "true":
        return False
    return request.method in ("GET", "HEAD")


def _add_middleware(app: FastAPI) -> None:
    @app.middleware("http")
    async def per_request(request: Request, call_next: Any) -> Response:
        config: WebConfig = request.app.state.config
        if config.allowed_hosts:
            host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]").lower()
            if host not in config.allowed_hosts:
                return PlainTextResponse(
                    "This cockpit only answers to localhost addresses.", status_code=400
                )
        signer: auth.SessionSigner = request.app.state.signer
        payload = signer.loads(request.cookies.get(auth.SESSION_COOKIE))
        fresh = payload is None or "c" not in payload
        request.state.session = auth.new_session() if fresh else payload
        request.state.session_dirty = fresh
        # local mode: the machine's user from the start, so that pages no route answers (a 404,
        # "busy") show the menu too; team mode: the session's, read below
        request.state.principal = None if config.team else auth.LOCAL_PRINCIPAL
        if config.team and not fresh and "u" in request.state.session:
            # one read by primary keys: the session's row (gone after logging out, a new
            # password or lost access), its user and their role here
            session_payload = dict(request.state.session)

            def whose() -> auth.Principal | None:
                with config.workspace.session() as db:
                    return auth.principal_for(
                        db,
                        config.workspace.workspace_id,
                        int(session_payload["u"]),
                        str(session_payload.get("s", "")),
                        str(session_payload.get("h", "")),
                    )

            # in a worker thread, never on the event loop: a wait for a database connection
            # there would hold up every request of the process
            try:
                request.state.principal = await run_in_threadpool(whose)
            except PoolTimeout:  # outside the app's own error handlers: said here
                return _busy(request, N_("The server is busy; try again in a minute."))
            except OperationalError as exc:
                from socialdesk.store.engine import is_locked

                if not is_locked(exc):
                    raise
                return _busy(request, N_("An import is running; try again in a minute."))
            if request.state.principal is None:  # logged out, removed, disabled, new password
                request.state.session = auth.new_session()
                request.state.session_dirty = True
        asked = normalise(request.query_params.get("lang"))
        request.state.locale = negotiate(
            asked,
            request.cookies.get(auth.LANG_COOKIE),
            request.headers.get("accept-language"),
            config.default_locale,
        )
        response: Response = await call_next(request)
        secure = config.secure_cookies or request.url.scheme == "https"
        if asked and request.cookies.get(auth.LANG_COOKIE) != asked:
            response.set_cookie(
                auth.LANG_COOKIE,
                asked,
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="lax",
                secure=secure,
            )
        if request.state.session_dirty:
            response.set_cookie(
                auth.SESSION_COOKIE,
                signer.dumps(request.state.session),
                max_age=auth.SESSION_MAX_AGE,
                httponly=True,
                samesite="lax",
                secure=secure,
            )
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("cache-control", "no-store")
        response.headers.setdefault("content-language", request.state.locale)
        return response


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, _exc: NotAuthenticated) -> Response:
        if _wants_html(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)
        headers = {"hx-redirect": "/login"} if request.headers.get("hx-request") else None
        return JSONResponse(
            {"error": "log in first", "login": "/login"}, status_code=401, headers=headers
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not _wants_html(request) and request.headers.get("hx-request") != "true":
            detail: Any = exc.detail
            if isinstance(detail, Phrase):  # the API speaks English
                detail = detail.say(lambda m: m, formats("en"))
            return JSONResponse(
                {"error": detail},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        if not hasattr(request.state, "locale"):
            return PlainTextResponse(str(exc.detail), status_code=exc.status_code)
        from socialdesk.web.routes.home import ErrorPage

        if isinstance(exc.detail, Phrase):  # a sentence with values, said in the page's language
            locale = request.state.locale
            detail = exc.detail.say(lambda m: gettext(locale, m), formats(locale))
        else:
            detail = str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = N_("This page does not exist.")
        page = ErrorPage(status=exc.status_code, detail=detail)
        return render(request, "error.html", page, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        from socialdesk.web.labels import validation_problems

        # one plain sentence per problem, in the page's language ("Aantal: geef een getal")
        problems = validation_problems(exc.errors())
        return await http_error(request, StarletteHTTPException(status_code=422, detail=problems))

    @app.exception_handler(PoolTimeout)
    async def too_busy(request: Request, exc: PoolTimeout) -> Response:
        """Every database connection of this process was in use for the pool's whole wait:
        the server is overloaded, not broken. 503 with when to try again."""
        return _busy(request, N_("The server is busy; try again in a minute."))

    @app.exception_handler(Busy)
    async def making_busy(request: Request, exc: Busy) -> Response:
        """Every slot for slow results stayed taken (store.memo.MAKING): 503, try again."""
        return _busy(request, N_("The server is busy; try again in a minute."))

    @app.exception_handler(OperationalError)
    async def database_busy(request: Request, exc: OperationalError) -> Response:
        """SQLite's "database is locked": another writer (an import) held the write lock
        longer than a request waits (store.engine.BUSY_TIMEOUT_MS). Not a fault: 503 with
        what to do, as a page for a browser (a form's POST too), else as JSON."""
        from socialdesk.store.engine import is_locked

        if not is_locked(exc):
            raise exc
        return _busy(request, N_("An import is running; try again in a minute."))


def _busy(request: Request, message: str) -> Response:
    """503 with `message` (what to do): a page for a browser (a form's POST too), else JSON."""
    headers = {"retry-after": "60"}
    accept = request.headers.get("accept", "")
    browser = "text/html" in accept and not request.url.path.endswith((".json", ".csv", ".xlsx"))
    if not browser or not hasattr(request.state, "locale"):
        return JSONResponse({"error": message}, status_code=503, headers=headers)
    from socialdesk.web.routes.home import ErrorPage

    page = ErrorPage(status=503, detail=message)
    return render(request, "error.html", page, status_code=503, headers=headers)


def _quote(target: str) -> str:
    from urllib.parse import quote

    return quote(target, safe="/")
