"""Every page and its `.json` twin come from one declaration (socialdesk.web.pages.page).

A twin registered by hand drifts from its page: a parameter added to one and not the other,
a role checked on one only. `page()` gives both routes one parameter list; this test holds
every GET route of the app to it, so a twin written by hand fails here.
"""

from __future__ import annotations

from fastapi.routing import APIRoute

from socialdesk.web.pages import View
from socialdesk.web.routes import ROUTERS


def _routes() -> dict[str, APIRoute]:
    """Every GET route of the cockpit's routers (the app includes them without prefixes)."""
    return {
        r.path: r
        for router in ROUTERS
        for r in router.routes
        if isinstance(r, APIRoute) and "GET" in r.methods
    }


def _params(route: APIRoute) -> dict[str, object]:
    flat = route.dependant
    names = {p.name: p.field_info.default for p in flat.query_params + flat.path_params}
    deps = sorted(d.call.__name__ for d in flat.dependencies if d.call is not None)
    return {"params": names, "dependencies": deps}


def test_every_twin_has_its_page_with_the_same_parameters() -> None:
    routes = _routes()
    twins = [p for p in routes if p.endswith(".json")]
    assert len(twins) >= 25  # the cockpit's pages
    for path in twins:
        page = routes.get(path.removesuffix(".json"))
        assert page is not None, f"{path} has no HTML page"
        twin = routes[path]
        assert _params(twin) == _params(page), path
        assert twin.name == f"{page.name}_json", path
        # both endpoints are made by page() from one function
        # the twin is tried first, so a page ending in a parameter cannot take "x.json"
        order = [r.path for router in ROUTERS for r in router.routes]
        assert order.index(path) < order.index(page.path), path
        assert getattr(twin.endpoint, "__wrapped_build__", None) is getattr(
            page.endpoint, "__wrapped_build__", object()
        ), f"{path} is registered by hand, not by page()"


def test_a_view_reads_extras_first_then_the_result() -> None:
    class Result:
        rows = (1, 2)
        tab = "from the result"

    view = View(Result(), tab="report")
    assert view.tab == "report" and view.rows == (1, 2)
    try:
        _ = view.missing
    except AttributeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a missing name must raise AttributeError (Jinja's undefined)")
