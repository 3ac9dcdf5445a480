"""The visual skill for the faces: read the store (queries), compute (pure modules), return
typed results. The CLI and the web call these, never the SQL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from socialdesk.model import Account, AccountDay, Post, PostMetrics
from socialdesk.phrases import NumberFormats, Translate
from socialdesk.store.memo import memo
from socialdesk.visual import queries
from socialdesk.visual.brief import OBJECTIVES, Brief, make_brief
from socialdesk.visual.images import NotAnImage, measure
from socialdesk.visual.media import (
    FeatureResult,
    features_vs_engagement,
    image_files,
    match_posts,
)
from socialdesk.visual.uplift import (
    BASES,
    METRICS,
    Explanation,
    UpliftResult,
    explain,
    prepare,
    uplift,
    uplift_all,
)


@dataclass(frozen=True)
class UpliftReport:
    metric: str
    basis: str
    platform: str | None
    results: tuple[UpliftResult, ...]
    explanations: dict[str, tuple[Explanation, ...]]  # result label -> per type
    posts: int  # posts read

    @property
    def ok(self) -> bool:
        return any(r.ok for r in self.results)


def load_posts(
    session: Session, workspace_id: int, platform: str | None = None, *, fit: bool = False
) -> pd.DataFrame:
    """The workspace's posts (latest snapshots) with followers and timing, ready to model;
    with `fit`, only what the models read (see `queries.posts`)."""
    posts = queries.posts(session, workspace_id, platform=platform, fit=fit)
    return prepare(posts, queries.followers(session, workspace_id), copy=False)


def uplift_report(
    session: Session,
    workspace_id: int,
    *,
    platform: str | None = None,
    metric: str = "interactions",
    basis: str = "per_exposure",
    reference: str | None = None,
    explain_totals: bool = True,
) -> UpliftReport:
    """Media-type uplift per account, platform and pooled; with `explain_totals`, each
    per-exposure result also says how it combines with distribution into totals."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)} (got {metric!r})")
    if basis not in BASES:
        raise ValueError(f"basis must be one of {', '.join(BASES)} (got {basis!r})")
    # the fits take seconds: kept per data version (a new import or sync fits again, once)
    return memo(
        session,
        workspace_id,
        "visual.uplift_report",
        (platform, metric, basis, reference, explain_totals),
        (Post, PostMetrics, Account, AccountDay),
        lambda: _uplift_report(
            session, workspace_id, platform, metric, basis, reference, explain_totals
        ),
    )


def _uplift_report(
    session: Session,
    workspace_id: int,
    platform: str | None,
    metric: str,
    basis: str,
    reference: str | None,
    explain_totals: bool,
) -> UpliftReport:
    # the fits read no links, ids, titles or texts beyond their hashtags: never held (a
    # million posts' texts, links and ids are a few hundred MB)
    frame = load_posts(session, workspace_id, platform, fit=True)
    if frame.empty:
        return UpliftReport(metric, basis, platform, (), {}, 0)
    results = uplift_all(frame, metric=metric, basis=basis, reference=reference)
    explanations: dict[str, tuple[Explanation, ...]] = {}
    if explain_totals and basis == "per_exposure":
        for r in results:
            if not r.ok:
                continue
            group = _group(frame, r)
            total = uplift(
                group, metric=metric, basis="total", reference=r.reference, scope=r.scope
            )
            dist = uplift(
                group, metric=metric, basis="exposure", reference=r.reference, scope=r.scope
            )
            explanations[r.label] = explain(r, total, dist)
    return UpliftReport(metric, basis, platform, tuple(results), explanations, len(frame))


def _group(frame: pd.DataFrame, r: UpliftResult) -> pd.DataFrame:
    if r.scope == "pooled":
        return frame
    if r.scope == "platform":
        return frame[frame["platform"] == r.platform]
    return frame[(frame["platform"] == r.platform) & (frame["account"] == r.account)]


# -- media -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MediaScan:
    folder: Path
    files: int
    analysed: int
    matched: int
    unreadable: tuple[str, ...]


def scan_media(session: Session, workspace_id: int, folder: Path) -> MediaScan:
    """Measure every image in `folder`, store its features and join it to its post."""
    folder = folder.expanduser().resolve()
    files = image_files(folder)
    matches = match_posts(files, queries.post_keys(session, workspace_id), folder)
    rows, bad = [], []
    for f in files:
        try:
            feats = measure(f)
        except NotAnImage:
            bad.append(f.name)
            continue
        rows.append(
            {
                "path": str(f),
                "sha256": feats.sha256,
                "width": feats.width,
                "height": feats.height,
                "file_size": feats.file_size,
                "format": feats.format,
                "features": feats.figures(),
                "post_id": matches.get(f),
            }
        )
    queries.save_media(session, workspace_id, rows)
    return MediaScan(
        folder, len(files), len(rows), sum(1 for r in rows if r["post_id"]), tuple(bad)
    )


def feature_report(
    session: Session,
    workspace_id: int,
    *,
    platform: str | None = None,
    metric: str = "interactions",
) -> FeatureResult:
    frame = load_posts(session, workspace_id, platform)
    media = queries.media(session, workspace_id, linked_only=True)
    return features_vs_engagement(frame, media, metric=metric)


# -- the designer brief ------------------------------------------------------------------------
def brief_for(
    session: Session,
    workspace_id: int,
    *,
    objective: str,
    platform: str,
    audience: str,
    lang: str = "nl",
    placements_wanted: tuple[str, ...] | None = None,
    translate: Translate | None = None,
    fmt: NumberFormats | None = None,
) -> Brief:
    """The brief for `platform`: its placements, and what performed on its posts. The
    media-type lines are the uplift's sentences, with how per exposure and totals combine;
    `translate` and `fmt` (the face's, for `lang`) say them in the brief's language."""
    from socialdesk.visual.specs import placements

    metric, basis = OBJECTIVES.get(objective.casefold(), ("interactions", "per_exposure"))
    frame = load_posts(session, workspace_id, platform)
    if metric == "link_clicks" and not frame.empty and frame["link_clicks"].notna().mean() < 0.5:
        metric = "clicks"
    result: UpliftResult | None = None
    features: FeatureResult | None = None
    explanations: tuple[Explanation, ...] = ()
    media = queries.media(session, workspace_id, linked_only=True)
    if not frame.empty:
        scope = "account" if frame["account_id"].nunique() == 1 else "platform"
        result = uplift(frame, metric=metric, basis=basis, scope=scope)
        if basis == "per_exposure" and result.ok:
            total = uplift(
                frame, metric=metric, basis="total", reference=result.reference, scope=scope
            )
            dist = uplift(
                frame, metric=metric, basis="exposure", reference=result.reference, scope=scope
            )
            explanations = explain(result, total, dist)
        features = features_vs_engagement(frame, media, metric=metric)
        media = media[media["post_id"].isin(frame["post_id"])]
    places = tuple(
        p for p in placements(platform) if placements_wanted is None or p.name in placements_wanted
    )
    return make_brief(
        objective=objective,
        audience=audience,
        platform=platform,
        lang=lang,
        frame=frame,
        media=media,
        uplift_result=result,
        feature_result=features,
        placements=places,
        explanations=explanations,
        translate=translate,
        fmt=fmt,
    )
