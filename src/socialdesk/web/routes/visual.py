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

from socialdesk.charts import NUMBER_LOCALES, SCHEMA
from socialdesk.i18n import N_, gettext
from socialdesk.model import MEDIA_TYPES
from socialdesk.overview.definitions import platform_name
from socialdesk.phrases import Num, Phrase
from socialdesk.visual import ImageReport, NotAnImage, check_image, run
from socialdesk.visual.specs import PLATFORMS, placements
from socialdesk.visual.uplift import (
    BASES,
    CONTROLS,
    METRICS,
    WORDS,
    UpliftResult,
    plural,
    word,
)
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
    locale: str = "en",
) -> dict[str, Any]:
    """A forest plot: each type's ratio against the reference with its 95% interval (log x);
    Vega writes the axis and the tooltips' numbers in `locale`'s format (0,5 in Dutch)."""
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
        "config": {
            "view": {"stroke": None},
            "background": None,
            "locale": {"number": NUMBER_LOCALES.get(locale, NUMBER_LOCALES["en"])},
        },
    }


def _labels(locale: str) -> dict[str, str]:
    from socialdesk.web.labels import LABELS

    return {k: gettext(locale, v) for k, v in LABELS["media"].items()}


MAX_ADVICE = 3
# what the ratio of a per-exposure fit is per, in the middle of a sentence
PER_EXPOSURE = {
    "reach": Phrase("per person reached"),
    "impressions": Phrase("per impression"),
    "views": Phrase("per view"),
    "followers": Phrase("per follower"),
    "mixed": Phrase("per unit of exposure"),
}


def _advised(report: run.UpliftReport) -> list[UpliftResult]:
    """The results the advice speaks of: per platform (the platform's own fit when it has
    several accounts, else its one account), or per account when the page shows one
    platform. The pooled fit mixes platforms and gives no advice."""
    fitted = [r for r in report.results if r.ok and r.reference]
    if report.platform:
        return [r for r in fitted if r.scope == "account"]
    platforms = {r.platform for r in fitted if r.scope == "platform"}
    return [
        r
        for r in fitted
        if r.scope == "platform" or (r.scope == "account" and r.platform not in platforms)
    ]


def _place(r: UpliftResult, per_account: bool) -> str:
    name = platform_name(r.platform or "")
    return f"{name} · {r.account}" if per_account and r.account else name


def _spec(value: float) -> str:
    """The precision of a ratio, as the uplift's sentences write it."""
    return ".0f" if value >= 10 else ".1f" if value >= 1 else ".2f"


def uplift_advice(report: run.UpliftReport | None) -> tuple[str, ...]:
    """At most three sentences: per platform (or account) the clearly best media type
    against the reference (the most used type unless another was chosen), the largest
    ratios first; where no type does clearly better, that said."""
    if report is None:
        return ()
    per_account = bool(report.platform)
    wins: list[tuple[float, str]] = []
    none_better: list[str] = []
    for r in _advised(report):
        reference = str(r.reference)
        most_used = max(r.raw, key=lambda x: x.posts).media_type if r.raw else reference
        place = _place(r, per_account)
        better = [
            e
            for e in r.effects
            if e.clear and e.ratio.ok and e.ratio.value is not None and e.ratio.value > 1
        ]
        if not better:
            role = Phrase("the most used") if reference == most_used else Phrase("the reference")
            none_better.append(
                Phrase(
                    "No media type does clearly better on %(place)s than %(reference)s (%(role)s).",
                    place=place,
                    reference=plural(reference),
                    role=role,
                )
            )
            continue
        best = max(better, key=lambda e: e.ratio.value or 0.0)
        ratio = best.ratio
        value = ratio.value or 0.0
        spec = _spec(value)
        values = {
            "types": plural(best.media_type),
            "place": place,
            "ratio": Num(value, spec),
            "low": Num(ratio.low or 0.0, spec),
            "high": Num(ratio.high or 0.0, spec),
            "reference": plural(reference),
        }
        if r.basis == "exposure":
            text = Phrase(
                "Post more %(types)s on %(place)s: %(ratio)s× the %(what)s of %(reference)s "
                "(95%% interval %(low)s–%(high)s).",
                what=word(r.exposure),
                **values,
            )
        else:
            per = (
                PER_EXPOSURE.get(r.exposure, PER_EXPOSURE["mixed"])
                if r.basis == "per_exposure"
                else Phrase("per post")
            )
            text = Phrase(
                "Post more %(types)s on %(place)s: %(ratio)s× the %(what)s %(per)s of "
                "%(reference)s (95%% interval %(low)s–%(high)s).",
                what=word(r.metric),
                per=per,
                **values,
            )
        wins.append((value, text))
    wins.sort(key=lambda w: -w[0])
    return tuple([text for _, text in wins] + none_better)[:MAX_ADVICE]


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
                charts[f"forest-{i}"] = forest(r, reference, labels, against, locale)
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
        controls=dict(CONTROLS),
        advice=uplift_advice(report),
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
