"""Visuals (skill 1): media-type uplift per account with a forest plot, and an image check.

GET /visual, /visual.json       the uplift of each media type, per account/platform/pooled
                                (the twin: what `socialdesk visual uplift --json` prints)
POST /visual/check              upload one image: measured and checked against the specs
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from socialdesk.charts import SCHEMA
from socialdesk.i18n import N_, gettext
from socialdesk.model import MEDIA_TYPES
from socialdesk.overview.definitions import platform_name
from socialdesk.visual import ImageReport, NotAnImage, check_image, run
from socialdesk.visual.specs import PLATFORMS, placements
from socialdesk.visual.uplift import BASES, METRICS, WORDS, UpliftResult
from socialdesk.web.deps import (
    CsrfDep,
    LocaleDep,
    SessionDep,
    Viewer,
    WorkspaceDep,
    is_htmx,
    render,
    render_json,
)
from socialdesk.web.exports import Column, Table, estimate_cells, estimate_columns
from socialdesk.web.labels import LABELS
from socialdesk.web.pages import View, page
from socialdesk.web.routes.imports import safe_filename

router = APIRouter()

MAX_IMAGE_BYTES = 40 * 1024 * 1024


def forest(
    result: UpliftResult,
    reference_label: str,
    labels: dict[str, str],
    description: str | None = None,
) -> dict[str, Any]:
    """A forest plot: each type's ratio against the reference with its 95% interval (log x)."""
    rows = [
        {
            "type": labels.get(e.media_type, e.media_type),
            "ratio": e.ratio.value,
            "low": e.ratio.low,
            "high": e.ratio.high,
            "clear": "yes" if e.clear else "no",
        }
        for e in result.effects
        if e.ratio.ok
    ]
    type_axis = {"field": "type", "type": "nominal", "title": None, "sort": None}
    return {
        "$schema": SCHEMA,
        "description": description or f"ratios against {reference_label}",
        "width": 420,
        "height": {"step": 28},
        "data": {"values": rows},
        # the types on y in the two layers of the rows only: the reference line at 1 (a layer
        # of its own data) then runs across them instead of being a row "undefined"
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 2},
                "encoding": {
                    "y": type_axis,
                    "x": {
                        "field": "low",
                        "type": "quantitative",
                        "scale": {"type": "log"},
                        "title": None,
                    },
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 70},
                "encoding": {
                    "y": type_axis,
                    "x": {"field": "ratio", "type": "quantitative"},
                    "opacity": {
                        "field": "clear",
                        "type": "nominal",
                        "scale": {"domain": ["yes", "no"], "range": [1, 0.4]},
                        "legend": None,
                    },
                    "tooltip": [
                        {"field": "type"},
                        {"field": "ratio", "format": ".2f"},
                        {"field": "low", "format": ".2f"},
                        {"field": "high", "format": ".2f"},
                    ],
                },
            },
            {
                "data": {"values": [{"one": 1}]},
                "mark": {"type": "rule", "strokeDash": [4, 3]},
                "encoding": {"x": {"field": "one", "type": "quantitative"}},
            },
        ],
        "config": {"view": {"stroke": None}, "background": None},
    }


def _labels(locale: str) -> dict[str, str]:
    from socialdesk.web.labels import LABELS

    return {k: gettext(locale, v) for k, v in LABELS["media"].items()}


def _view(
    report: run.UpliftReport | None,
    locale: str,
    *,
    check: ImageReport | None = None,
    check_platform: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> View:
    """The uplift report with what only the page needs: the filter's choices, the forest
    plots, the words of the metrics and the image check's form."""
    platforms: list[str] = []
    charts: dict[str, Any] = {}
    if report is not None:
        platforms = sorted({r.platform for r in report.results if r.platform})
        if report.platform and report.platform not in platforms:
            platforms.append(report.platform)
        labels = _labels(locale)
        for i, r in enumerate(report.results):
            if r.ok:
                reference = labels.get(r.reference or "", r.reference or "")
                against = gettext(locale, "ratios against %(reference)s") % {"reference": reference}
                charts[f"forest-{i}"] = forest(r, reference, labels, against)
    return View(
        report,
        status_code=status_code,
        platforms=platforms,
        metrics=METRICS,
        bases=BASES,
        check_platforms=PLATFORMS,
        check=check,
        check_platform=check_platform,
        error=error,
        charts=charts,
        words=dict(WORDS),
    )


def _uplift(
    session: Session,
    ws: int,
    platform: str | None = None,
    metric: str = "interactions",
    basis: str = "per_exposure",
    reference: str | None = None,
    explain: bool | None = None,
) -> run.UpliftReport:
    return run.uplift_report(
        session,
        ws,
        platform=platform,
        metric=metric,
        basis=basis,
        reference=reference,
        # the totals' explanations fit two more models per result: by default for one platform
        explain_totals=platform is not None if explain is None else explain,
    )


QPlatform = Annotated[str | None, Query(max_length=30)]
QMetric = Annotated[Literal[METRICS], Query()]  # type: ignore[valid-type]
QBasis = Annotated[Literal[BASES], Query()]  # type: ignore[valid-type]
QReference = Annotated[
    Literal[MEDIA_TYPES] | None,  # type: ignore[valid-type]
    Query(description="the media type the others are compared with (default: the most common)"),
]
QExplain = Annotated[
    bool | None,
    Query(description="say how each per-exposure ratio adds up in totals (default: one platform)"),
]


def _uplift_tables(report: run.UpliftReport | None, locale: str) -> list[Table]:
    """The page's tables in one: a row per scope (all accounts, a platform, an account) and
    media type, the reference's ratio left empty."""

    def scope(r: UpliftResult) -> str:
        if r.scope == "pooled":
            return gettext(locale, "All accounts")
        if r.scope == "platform":
            return platform_name(r.platform or "")
        return f"{platform_name(r.platform or '')} · {r.account}"

    def media(key: str) -> str:
        return LABELS.say("media", key, locale, lambda m: gettext(locale, m))

    def rows() -> Any:
        for r in report.results if report is not None else ():
            effects = {e.media_type: e for e in r.effects}
            for raw in r.raw:
                e = effects.get(raw.media_type)
                reference = raw.media_type == r.reference
                yield (
                    scope(r),
                    media(raw.media_type),
                    raw.posts,
                    raw.median_metric,
                    raw.median_exposure,
                    raw.median_per_1000,
                    reference,
                    *estimate_cells(e.ratio if e is not None and not reference else None),
                    e.p_adjusted if e is not None and not reference else None,
                )

    columns = (
        Column("scope", N_("Accounts")),
        Column("media_type", N_("Media type")),
        Column("posts", N_("posts")),
        Column("median", N_("median")),
        Column("median_exposure", N_("median exposure")),
        Column("per_1000", N_("per 1000")),
        Column("reference", N_("reference")),
        *estimate_columns("ratio", N_("ratio (95% interval)")),
        Column("p_holm", N_("p (Holm)")),
    )
    return [Table("uplift", N_("Visuals"), columns, rows())]


@page(router, "/visual", "visual/index.html", name="visual", tables=_uplift_tables)
def visual(
    session: SessionDep,
    ws: WorkspaceDep,
    locale: LocaleDep,
    _who: Viewer,
    platform: QPlatform = None,
    metric: QMetric = "interactions",
    basis: QBasis = "per_exposure",
    reference: QReference = None,
    explain: QExplain = None,
) -> View:
    """The uplift of each media type per account, platform and pooled (/visual, /visual.json;
    POST /visual/check adds an image check)."""
    report = _uplift(session, ws, platform or None, metric, basis, reference or None, explain)
    return _view(report, locale)


@router.post("/visual/check", name="visual_check", dependencies=[CsrfDep])
async def visual_check(
    request: Request, session: SessionDep, ws: WorkspaceDep, locale: LocaleDep, _who: Viewer
) -> Response:
    if int(request.headers.get("content-length") or 0) > MAX_IMAGE_BYTES:
        raise HTTPException(status_code=413, detail=N_("The image is too large."))
    form = await request.form(max_files=1, max_part_size=1024 * 1024)
    upload = form.get("image")
    platform = str(form.get("platform") or "") or None
    if platform not in (None, *PLATFORMS):
        platform = None
    error: str | None = None
    report: ImageReport | None = None
    if not isinstance(upload, UploadFile) or not upload.filename:
        error = N_("Choose an image first.")
    else:
        with tempfile.TemporaryDirectory(prefix="socialdesk-image-") as tmp:
            target = Path(tmp) / safe_filename(upload.filename)
            with target.open("wb") as out:
                while chunk := await upload.read(1 << 20):
                    out.write(chunk)
            try:
                from starlette.concurrency import run_in_threadpool

                report = await run_in_threadpool(check_image, target, placements(platform))
            except NotAnImage:
                error = N_("This file is not an image socialdesk can read.")
    status = 400 if error else 200
    if request.headers.get("accept", "").startswith("application/json"):
        return render_json({"check": report, "error": error}, status_code=status)
    if is_htmx(request):
        view = _view(None, locale, check=report, check_platform=platform, error=error)
        return render(request, "visual/_check.html", view, status_code=status)
    view = _view(_uplift(session, ws), locale, check=report, check_platform=platform, error=error)
    return render(request, "visual/index.html", view, status_code=status)
