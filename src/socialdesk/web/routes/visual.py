"""Visuals (skill 1): media-type uplift per account with a forest plot, and an image check.

GET /visual, /visual.json       the uplift of each media type, per account/platform/pooled
POST /visual/check              upload one image: measured and checked against the specs
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from socialdesk.charts import SCHEMA
from socialdesk.i18n import N_, gettext
from socialdesk.visual import ImageReport, NotAnImage, UpliftReport, check_image, uplift_report
from socialdesk.visual.specs import PLATFORMS, placements
from socialdesk.visual.uplift import BASES, METRICS, WORDS, UpliftResult
from socialdesk.web.deps import ConfigDep, CsrfDep, SessionDep, Viewer, is_htmx, render, render_json
from socialdesk.web.routes.imports import safe_filename

router = APIRouter()

MAX_IMAGE_BYTES = 40 * 1024 * 1024


@dataclass
class VisualPage:
    """The visuals page (/visual, /visual.json; POST /visual/check adds an image check)."""

    platform: str | None = field(metadata={"help": "Only this platform, or all"})
    metric: str = field(metadata={"help": "The engagement metric compared"})
    basis: str = field(metadata={"help": "per_exposure, total or exposure"})
    platforms: list[str] = field(metadata={"help": "Platforms with posts, for the filter"})
    metrics: tuple[str, ...]
    bases: tuple[str, ...]
    report: UpliftReport | None = field(
        metadata={"help": "Per account, platform and pooled: the ratios with 95% intervals"}
    )
    check_platforms: tuple[str, ...] = PLATFORMS
    check: ImageReport | None = field(
        default=None, metadata={"help": "After an upload: the image's figures and checks"}
    )
    check_platform: str | None = None
    error: str | None = None
    charts: dict[str, Any] = field(default_factory=dict, metadata={"json": False})
    words: dict[str, str] = field(default_factory=lambda: dict(WORDS), metadata={"json": False})


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


def _labels(request: Request) -> dict[str, str]:
    from socialdesk.i18n import gettext
    from socialdesk.web.labels import LABELS

    locale = request.state.locale
    return {k: gettext(locale, v) for k, v in LABELS["media"].items()}


def _page(
    session: Any, workspace_id: int, request: Request, platform: str | None, metric: str, basis: str
) -> VisualPage:
    report = uplift_report(
        session,
        workspace_id,
        platform=platform,
        metric=metric,
        basis=basis,
        explain_totals=platform is not None,
    )
    platforms = sorted({r.platform for r in report.results if r.platform})
    if platform and platform not in platforms:
        platforms.append(platform)
    labels = _labels(request)
    locale = request.state.locale

    def against(reference: str) -> str:
        return gettext(locale, "ratios against %(reference)s") % {"reference": reference}

    charts = {}
    for i, r in enumerate(report.results):
        if r.ok:
            reference = labels.get(r.reference or "", r.reference or "")
            charts[f"forest-{i}"] = forest(r, reference, labels, against(reference))
    return VisualPage(platform, metric, basis, platforms, METRICS, BASES, report, charts=charts)


QPlatform = Annotated[str | None, Query(max_length=30)]
QMetric = Annotated[Literal[METRICS], Query()]  # type: ignore[valid-type]
QBasis = Annotated[Literal[BASES], Query()]  # type: ignore[valid-type]


@router.get("/visual", name="visual")
def visual(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    platform: QPlatform = None,
    metric: QMetric = "interactions",
    basis: QBasis = "per_exposure",
) -> Response:
    page = _page(session, config.workspace.workspace_id, request, platform or None, metric, basis)
    return render(request, "visual/index.html", page)


@router.get("/visual.json", name="visual_json")
def visual_json(
    request: Request,
    session: SessionDep,
    config: ConfigDep,
    _who: Viewer,
    platform: QPlatform = None,
    metric: QMetric = "interactions",
    basis: QBasis = "per_exposure",
) -> Response:
    return render_json(
        _page(session, config.workspace.workspace_id, request, platform or None, metric, basis)
    )


@router.post("/visual/check", name="visual_check", dependencies=[CsrfDep])
async def visual_check(
    request: Request, session: SessionDep, config: ConfigDep, _who: Viewer
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
        page = VisualPage(
            None,
            "interactions",
            "per_exposure",
            [],
            METRICS,
            BASES,
            None,
            check=report,
            check_platform=platform,
            error=error,
        )
        return render(request, "visual/_check.html", page, status_code=status)
    page = _page(
        session, config.workspace.workspace_id, request, None, "interactions", "per_exposure"
    )
    page.check, page.check_platform, page.error = report, platform, error
    return render(request, "visual/index.html", page, status_code=status)
