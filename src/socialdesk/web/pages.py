"""One declaration per page: the HTML page and its `.json` twin from one function.

    @page(router, "/ads/tests", "ads/tests.html", name="ads_tests")
    def ads_tests(session: SessionDep, ws: WorkspaceDep, _who: Viewer,
                  metric: QMetric = "ctr") -> View:
        result = run.tests(session, ws, metric=metric)      # the skill's seam
        return View(result, tab="tests")                      # + what only the HTML needs

registers `GET /ads/tests` (the template rendered with `page` = the View) and
`GET /ads/tests.json` (the result through `socialdesk.results.plain`, the serializer the CLI's
`--json` uses too), both with the function's one parameter list, as Datasette answers every
page with a `.json` suffix. The function may also return the result itself (no extras), or a
`Response` (a redirect, a partial) that both routes answer as is.

With `tables=` (a function `(result, locale) -> Sequence[Table]`, socialdesk.web.exports,
declared next to the route) the page's tables come out too: `path + ".csv"` (one table,
`?table=<key>`, default the first) and `path + ".xlsx"` (every table, a sheet each), with the
page's parameter list, so its filters apply the same way. The tables function may also take
any of the page function's parameters by name after those two (`session`, `ws`, a filter),
for a page that exports more than it shows (every matching post, not one page of them).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from socialdesk.i18n import N_
from socialdesk.web import exports
from socialdesk.web.deps import render, render_json

QTable = Annotated[
    str | None, Query(max_length=60, description="the table to export (CSV), by its key")
]


class View:
    """A page's template context: the seam's `result` (what the JSON twin serves) and the
    things only the HTML needs (charts, the active tab, a form's state) as `extra`.

    In a template `page.x` is `extra["x"]` when the page set it, else `result.x`."""

    __slots__ = ("extra", "result", "status_code", "template")

    def __init__(
        self,
        result: Any,
        *,
        template: str | None = None,
        status_code: int = 200,
        **extra: Any,
    ) -> None:
        self.result = result
        self.template = template
        self.status_code = status_code
        self.extra: Mapping[str, Any] = extra

    def __getattr__(self, name: str) -> Any:
        extra = object.__getattribute__(self, "extra")
        if name in extra:
            return extra[name]
        return getattr(object.__getattribute__(self, "result"), name)

    def __repr__(self) -> str:
        return f"View({self.result!r}, extra={sorted(self.extra)})"


def _signature(build: Callable[..., Any]) -> tuple[inspect.Signature, bool]:
    """`build`'s parameters with their annotations resolved in its own module (FastAPI reads
    the wrapper's signature), and a `request` first when `build` does not take one."""
    hints = typing.get_type_hints(build, include_extras=True)
    params = [
        p.replace(annotation=hints.get(p.name, p.annotation), kind=p.KEYWORD_ONLY)
        for p in inspect.signature(build).parameters.values()
    ]
    wants_request = any(p.name == "request" for p in params)
    if not wants_request:
        params.insert(
            0, inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)
        )
    return inspect.Signature(params, return_annotation=Response), wants_request


def page(
    router: APIRouter,
    path: str,
    template: str,
    *,
    name: str,
    json: bool = True,
    tables: exports.Tables | None = None,
    **route: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `path` (HTML) and, unless `json=False`, `path + ".json"` from one function;
    with `tables`, `path + ".csv"` and `path + ".xlsx"` too."""

    def decorate(build: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.iscoroutinefunction(build):
            # FastAPI runs these endpoints in its thread pool; a coroutine would be served as
            # its repr. A page that must await (a form) is a plain route.
            raise TypeError(f"page() takes a plain function, not async {build.__name__}()")
        signature, wants_request = _signature(build)

        def call(request: Request, kwargs: dict[str, Any]) -> Any:
            if wants_request:
                kwargs["request"] = request
            return build(**kwargs)

        def html(request: Request, **kwargs: Any) -> Response:
            out = call(request, kwargs)
            if isinstance(out, Response):
                return out
            view = out if isinstance(out, View) else View(out)
            return render(request, view.template or template, view, status_code=view.status_code)

        def as_json(request: Request, **kwargs: Any) -> Response:
            out = call(request, kwargs)
            if isinstance(out, Response):
                return out
            if isinstance(out, View):
                return render_json(out.result, status_code=out.status_code)
            return render_json(out)

        endpoints: list[tuple[Callable[..., Any], str, inspect.Signature]] = [
            (html, "", signature),
            (as_json, "_json", signature),
        ]
        if tables is not None:
            endpoints += _export_endpoints(build, call, tables, signature, name)
        for endpoint, suffix, sig in endpoints:
            endpoint.__signature__ = sig  # type: ignore[attr-defined]
            endpoint.__name__ = build.__name__ + suffix
            endpoint.__doc__ = build.__doc__
            endpoint.__module__ = build.__module__
            endpoint.__wrapped_build__ = build  # type: ignore[attr-defined]
        # the twin first: a page ending in a path parameter (/metrics/{name}) would also
        # take "cpm.json" as its name
        if json:
            router.add_api_route(
                path + ".json", as_json, methods=["GET"], name=f"{name}_json", **route
            )
        for endpoint, suffix, _sig in endpoints[2:]:
            ext = suffix.removeprefix("_")
            router.add_api_route(
                f"{path}.{ext}", endpoint, methods=["GET"], name=f"{name}_{ext}", **route
            )
        router.add_api_route(path, html, methods=["GET"], name=name, **route)
        build.html = html  # type: ignore[attr-defined]
        build.json = as_json  # type: ignore[attr-defined]
        return build

    return decorate


def _export_endpoints(
    build: Callable[..., Any],
    call: Callable[[Request, dict[str, Any]], Any],
    tables: exports.Tables,
    signature: inspect.Signature,
    name: str,
) -> list[tuple[Callable[..., Any], str, inspect.Signature]]:
    """The `.csv` and `.xlsx` endpoints of a page with tables (see the module's doc)."""
    page_params = set(signature.parameters)
    if "table" in page_params:
        raise TypeError(f"{build.__name__}() takes a 'table' parameter: the exports use it")
    wanted = list(inspect.signature(tables).parameters)[2:]
    unknown = [p for p in wanted if p not in page_params]
    if unknown:
        raise TypeError(f"the tables of {build.__name__}() ask for {unknown}: not page parameters")

    def found(request: Request, kwargs: dict[str, Any]) -> Response | list[exports.Table]:
        given = {p: kwargs[p] for p in wanted if p in kwargs}
        out = call(request, kwargs)
        if isinstance(out, Response):
            return out
        result = out.result if isinstance(out, View) else out
        if "request" in wanted:
            given["request"] = request
        return list(tables(result, request.state.locale, **given))

    def as_csv(request: Request, table: str | None = None, **kwargs: Any) -> Response:
        out = found(request, kwargs)
        if isinstance(out, Response):
            return out
        chosen = next((t for t in out if table in (None, "", t.key)), None)
        if chosen is None:
            raise HTTPException(status_code=404, detail=N_("This page has no such table."))
        return exports.csv_response(
            chosen,
            request.state.locale,
            exports.filename(name, chosen.key if len(out) > 1 else None, "csv"),
        )

    def as_xlsx(request: Request, **kwargs: Any) -> Response:
        out = found(request, kwargs)
        if isinstance(out, Response):
            return out
        return exports.xlsx_response(
            out, request.state.locale, exports.filename(name, None, "xlsx")
        )

    table_param = inspect.Parameter(
        "table", inspect.Parameter.KEYWORD_ONLY, annotation=QTable, default=None
    )
    csv_signature = signature.replace(parameters=[*signature.parameters.values(), table_param])
    return [(as_csv, "_csv", csv_signature), (as_xlsx, "_xlsx", signature)]
