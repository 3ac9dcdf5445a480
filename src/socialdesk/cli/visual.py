"""socialdesk visual uplift / check / crop / media / features / brief (skill 1, visual)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from socialdesk.cli.console import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    open_handle,
    print_json,
)

if TYPE_CHECKING:
    pass

visual_app = typer.Typer(
    help="Visuals: what media types do for engagement on your own posts, image checks against "
    "each platform's specs, smart crops, and a designer brief.",
    no_args_is_help=True,
)
Platform = Annotated[
    str | None,
    typer.Option(
        "--platform",
        "-p",
        help="Only this platform (facebook, instagram, linkedin, x, tiktok, youtube).",
    ),
]
Placements = Annotated[
    list[str] | None,
    typer.Option("--placement", help="feed, story, reel, link or profile (repeat for more)."),
]
METRIC_HELP = (
    "interactions, engagements, reactions, likes, comments, shares, saves, clicks, "
    "link_clicks or video_views."
)
BASIS_HELP = (
    "per_exposure (per person reached), total, or exposure (how far each type is distributed)."
)
REFERENCE_HELP = "The media type the others are compared with (default: the most common)."
EXPLAIN_HELP = "Say how each per-exposure ratio adds up in totals (fits two more models each)."
OBJECTIVE_HELP = (
    "awareness, engagement or traffic (or your own words: then engagement is measured)."
)


def register(app: typer.Typer) -> None:
    app.add_typer(visual_app, name="visual")


def _fail(message: str, code: int = 2) -> None:
    err_console.print(f"[red]✗[/] {escape(message)}")  # it names what was given: data
    raise typer.Exit(code)


def _num(v: float | None, places: int = 0) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.{places}f}"


# -- uplift ------------------------------------------------------------------------------------
@visual_app.command("uplift")
def uplift_command(
    workspace: WorkspaceOpt = None,
    platform: Platform = None,
    metric: Annotated[str, typer.Option(help=METRIC_HELP)] = "interactions",
    basis: Annotated[str, typer.Option(help=BASIS_HELP)] = "per_exposure",
    reference: Annotated[str | None, typer.Option(help=REFERENCE_HELP)] = None,
    explain: Annotated[bool, typer.Option(help=EXPLAIN_HELP)] = True,
    as_json: JsonOpt = False,
) -> None:
    """What each media type does for engagement, with 95% intervals (negative binomial model).

    `--json` prints what the web's /visual.json answers for the same options."""
    from socialdesk.visual import uplift_report
    from socialdesk.visual.uplift import fmt_interval

    handle = open_handle(workspace)
    with handle.session() as session:
        try:
            report = uplift_report(
                session,
                handle.workspace_id,
                platform=platform,
                metric=metric,
                basis=basis,
                reference=reference,
                explain_totals=explain,
            )
        except ValueError as exc:
            _fail(str(exc))
            return
    if as_json:
        print_json(report)
        return
    if not report.results:
        console.print(
            "No posts in this workspace"
            + (f" on {escape(platform)}" if platform else "")
            + ": import exports first ('socialdesk import FILE')."
        )
        return
    for r in report.results:
        console.rule(f"[bold]{escape(str(r.label))}[/]")
        console.print(  # media types are named as in the exports: data
            f"{r.posts} posts in the model · {escape(str(r.metric))} per post, median · "
            f"exposure: {escape(_exposure_label(r))} · "
            f"reference: {escape(str(r.reference or '–'))}"
        )
        table = Table(show_edge=False)
        for col, justify in (
            ("type", "left"),
            ("posts", "right"),
            ("median", "right"),
            (f"median {escape(str(r.raw_exposure or r.exposure))}", "right"),
            ("per 1000", "right"),
            ("ratio (95%)", "right"),
            ("p (Holm)", "right"),
        ):
            table.add_column(col, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        effects = {e.media_type: e for e in r.effects}
        for raw in r.raw:
            e = effects.get(raw.media_type)
            if raw.media_type == r.reference:
                ratio, p = "1 (ref.)", ""
            elif e is None:
                ratio, p = "–", ""
            elif not e.ratio.ok:
                ratio, p = "not enough data", ""
            else:
                ratio = (
                    fmt_interval(e.ratio) + ("" if e.clear else " ~") + ("" if e.robust else " ‡")
                )
                p = f"{e.p_adjusted:.3f}" if e.p_adjusted is not None else ""
            table.add_row(
                escape(str(raw.media_type)),
                str(raw.posts),
                _num(raw.median_metric),
                _num(raw.median_exposure),
                _num(raw.median_per_1000, 1),
                ratio,
                p,
            )
        console.print(table)
        for e in r.effects:
            console.print(f"• {escape(str(e.sentence))}")
        for x in report.explanations.get(r.label, ()):
            console.print(f"  [dim]↳[/] {escape(str(x.sentence))}")
        for note in r.notes:
            warn = any(w in note for w in ("not enough", "left out", "too few", "only"))
            text = escape(str(note))
            console.print(f"[yellow]![/] {text}" if warn else f"[dim]· {text}[/]")
        if r.method:
            console.print(f"[dim]{escape(str(r.method))}[/]")
    console.print("[dim]~ = not clearly different from the reference after the Holm correction.[/]")
    if any(not e.robust for r in report.results for e in r.effects):
        console.print("[dim]‡ = not robust: the verdict depends on how time is modelled.[/]")


def _exposure_label(r: Any) -> str:
    if r.basis == "total":
        return "none (totals per post)"
    return str(r.exposure)


# -- image checks and crops ----------------------------------------------------------------------
def _places(platform: str | None, placement: list[str] | None) -> tuple[Any, ...]:
    from socialdesk.visual.specs import PLACEMENTS, PLATFORMS, placements

    if platform is not None and platform not in PLATFORMS:
        _fail(f"unknown platform {platform!r}; choose from {', '.join(PLATFORMS)}.")
    for name in placement or ():
        if name not in PLACEMENTS:
            _fail(f"unknown placement {name!r}; choose from {', '.join(PLACEMENTS)}.")
    return tuple(p for p in placements(platform) if not placement or p.name in placement)


@visual_app.command("check")
def check_command(
    images: Annotated[
        list[Path], typer.Argument(help="Image files to check.", exists=True, dir_okay=False)
    ],
    platform: Platform = None,
    placement: Placements = None,
    as_json: JsonOpt = False,
) -> None:
    """Check images against each platform's specs: size, ratio, file size, safe zones, and
    brightness, contrast, colourfulness, sharpness and faces — each with what to change."""
    from socialdesk.visual import NotAnImage, check_image

    places = _places(platform, placement)
    reports = []
    for path in images:
        try:
            reports.append(check_image(path, places))
        except NotAnImage as exc:
            _fail(str(exc))
    if as_json:
        print_json(reports)
        return
    for rep in reports:
        f = rep.features
        console.rule(f"[bold]{escape(Path(f.path).name)}[/]")
        console.print(
            f"{f.width}×{f.height} px · ratio {f.aspect:.2f} · "
            f"{f.file_size / 1_000_000:.2f} MB · {escape(str(f.format or '?'))}"
        )
        for g in rep.general:
            mark = "[green]✓[/]" if g.status == "ok" else "[yellow]![/]"
            line = f"{g.check}: {g.value}" + (f" — {g.advice}" if g.advice else "")
            console.print(f"{mark} {escape(line)}")
        table = Table(show_edge=False)
        for col in ("placement", "spec", "status", "what to change"):
            table.add_column(col)
        for pc in rep.placements:
            todo = " ".join(x.advice for x in pc.findings if x.advice)
            spec = f"{pc.placement.size_text}, {pc.placement.ratio_text}"
            cells = (pc.placement.key, spec, pc.status, todo or "–")
            table.add_row(*(escape(str(c)) for c in cells))
        console.print(table)
    if places:
        console.print(
            f"[dim]Specs as of {places[0].as_of}: platforms change them; sources in "
            "'socialdesk visual specs'.[/]"
        )


@visual_app.command("specs")
def specs_command(platform: Platform = None, as_json: JsonOpt = False) -> None:
    """The image specs socialdesk checks against, with the page each one comes from."""
    from socialdesk.visual.specs import placements

    places = placements(platform, available_only=False)
    if as_json:
        print_json(places)
        return
    table = Table(show_edge=False)
    for col in ("placement", "size", "ratios", "max", "source (as of)"):
        table.add_column(col)
    for p in places:
        if not p.available:
            table.add_row(escape(p.key), "–", "–", "–", escape(str(p.note)))
            continue
        cells = (p.key, p.size_text, p.ratio_text, f"{p.max_mb:g} MB", f"{p.source} ({p.as_of})")
        table.add_row(*(escape(str(c)) for c in cells))
    console.print(table)


@visual_app.command("crop")
def crop_command(
    images: Annotated[
        list[Path], typer.Argument(help="Image files to crop.", exists=True, dir_okay=False)
    ],
    platform: Platform = None,
    placement: Placements = None,
    out: Annotated[Path, typer.Option(help="Folder for the cropped files.")] = Path("crops"),
) -> None:
    """Smart crops for each placement, keeping faces and the salient region (new files)."""
    from socialdesk.visual import NotAnImage, smart_crop

    places = _places(platform, placement)
    for path in images:
        try:
            crops = smart_crop(path, places, out)
        except NotAnImage as exc:
            _fail(str(exc))
            return
        for c in crops:
            faces = (
                f", {c.faces_kept}/{c.faces_total} faces in the safe area" if c.faces_total else ""
            )
            small = " (smaller than recommended: use a larger original)" if c.upscale_needed else ""
            console.print(
                f"{c.path} ← {c.placement.key}: {c.width}×{c.height}{faces}{small}", markup=False
            )


# -- media files and their features -----------------------------------------------------------
@visual_app.command("media")
def media_command(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Folder with the image files of your posts.", exists=True, file_okay=False
        ),
    ],
    workspace: WorkspaceOpt = None,
) -> None:
    """Measure the images in FOLDER and join them to their posts (file name = the post's id in
    its export, or a media.csv with columns file,post)."""
    from socialdesk.visual import scan_media

    handle = open_handle(workspace)
    with handle.session() as session, session.begin():
        result = scan_media(session, handle.workspace_id, folder)
    console.print(
        f"{result.analysed} of {result.files} image files measured, {result.matched} "
        "joined to a post."
    )
    for name in result.unreadable:
        console.print(f"[yellow]![/] {escape(str(name))}: not an image socialdesk can read")


@visual_app.command("features")
def features_command(
    workspace: WorkspaceOpt = None,
    platform: Platform = None,
    metric: Annotated[str, typer.Option(help="The engagement metric.")] = "interactions",
    as_json: JsonOpt = False,
) -> None:
    """Which image features go with engagement on your posts (needs 'visual media' first)."""
    from socialdesk.visual import feature_report

    handle = open_handle(workspace)
    with handle.session() as session:
        result = feature_report(session, handle.workspace_id, platform=platform, metric=metric)
    if as_json:
        print_json(result)
        return
    console.print(
        f"{result.posts} posts with an analysed image · exposure: {result.exposure}", markup=False
    )
    for e in result.effects:
        console.print(f"• {escape(str(e.sentence))}")
    for note in result.notes:
        console.print(f"[yellow]![/] {escape(str(note))}")


# -- the designer brief ----------------------------------------------------------------------------
@visual_app.command("brief")
def brief_command(
    objective: Annotated[str, typer.Option(help=OBJECTIVE_HELP)],
    platform: Annotated[
        str, typer.Option("--platform", "-p", help="The platform the visuals are for.")
    ],
    audience: Annotated[str, typer.Option(help="Who the visuals are for, in your words.")],
    workspace: WorkspaceOpt = None,
    lang: Annotated[str, typer.Option(help="nl or en.")] = "nl",
    placement: Placements = None,
    out: Annotated[Path, typer.Option(help="Folder for brief.md and brief.pdf.")] = Path("."),
) -> None:
    """A one-page designer brief (Markdown and PDF) from your own account's data."""
    from socialdesk.visual import brief_for, to_markdown, write_pdf
    from socialdesk.visual.specs import PLATFORMS

    if platform not in PLATFORMS:
        _fail(f"unknown platform {platform!r}; choose from {', '.join(PLATFORMS)}.")
    if lang not in ("nl", "en"):
        _fail("--lang must be nl or en.")
    from socialdesk import i18n

    handle = open_handle(workspace)
    with handle.session() as session:
        brief = brief_for(
            session,
            handle.workspace_id,
            objective=objective,
            platform=platform,
            audience=audience,
            lang=lang,
            placements_wanted=tuple(placement) if placement else None,
            translate=i18n.translations(lang).gettext,
            fmt=i18n.formats(lang),
        )
    out.mkdir(parents=True, exist_ok=True)
    stem = f"brief-{platform}-{lang}"
    md = out / f"{stem}.md"
    md.write_text(to_markdown(brief), encoding="utf-8")
    pdf = write_pdf(brief, out / f"{stem}.pdf")
    console.print(f"Wrote {md} and {pdf}.", markup=False)
    for line in (*brief.dos[:3], *brief.donts[:2]):  # they quote the audience's words
        console.print(f"• {line}", markup=False)
