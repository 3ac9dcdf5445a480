"""Image files joined to the posts that used them, and which image features go with
engagement on the workspace's own posts.

Matching a file to a post (first rule that applies):
1. a `media.csv` in the folder (columns `file` and `post`: the post's id in its export, or
   its permalink) names it;
2. the file's name without extension is the post's id in the export (e.g. 1234567890.jpg),
   or the last part of the post's permalink.
Files that match no post are still measured and kept (they can be checked and cropped).

`features_vs_engagement` adds the measured features to the uplift model (same exposure,
media type and controls): each continuous feature per standard deviation, faces as yes/no.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from socialdesk.estimates import Estimate, holm
from socialdesk.visual import features as F
from socialdesk.visual.explain import exposure_notes
from socialdesk.visual.explain import method as method_name
from socialdesk.visual.images import IMAGE_SUFFIXES
from socialdesk.visual.uplift import (
    LEVEL,
    MIN_POSTS,
    _controls,
    _exposures,
    _fit,
    _full_rank,
    _variance,
)

MAPPING_FILE = "media.csv"
# name, how it is computed from the stored figures, what one unit is
FEATURES = (
    ("brightness", "per standard deviation"),
    ("contrast", "per standard deviation"),
    ("colourfulness", "per standard deviation"),
    ("sharpness", "per standard deviation of log sharpness"),
    ("face", "a face vs none"),
    ("portrait", "taller than wide vs not"),
)


def image_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")
    )


def _last_segment(url: str | None) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    return url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or None


def match_posts(
    files: Iterable[Path], keys: pd.DataFrame, folder: Path | None = None
) -> dict[Path, int]:
    """Which post each file belongs to (files without a match are left out)."""
    by_id = {str(e): int(p) for e, p in zip(keys["external_id"], keys["post_id"], strict=True)}
    by_link: dict[str, int] = {}
    for link, post in zip(keys["permalink"], keys["post_id"], strict=True):
        if isinstance(link, str) and link:
            by_link[link] = int(post)
            seg = _last_segment(link)
            if seg:
                by_link.setdefault(seg, int(post))
    named: dict[str, str] = {}
    mapping = (folder / MAPPING_FILE) if folder else None
    if mapping and mapping.is_file():
        with mapping.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                if row.get("file") and row.get("post"):
                    named[row["file"].strip()] = row["post"].strip()
    out: dict[Path, int] = {}
    for f in files:
        rel = f.relative_to(folder).as_posix() if folder else f.name
        wanted = named.get(rel) or named.get(f.name)
        candidates = [wanted] if wanted else [f.stem]
        for c in candidates:
            post = by_id.get(c) or by_link.get(c) or by_link.get(_last_segment(c) or "")
            if post is not None:
                out[f] = post
                break
    return out


@dataclass(frozen=True)
class FeatureEffect:
    feature: str
    unit: str
    posts_with: int  # posts with the feature (yes/no features) or with a value
    ratio: Estimate
    p_adjusted: float | None
    clear: bool
    sentence: str


@dataclass(frozen=True)
class FeatureResult:
    metric: str
    exposure: str
    posts: int
    effects: tuple[FeatureEffect, ...]
    method: str
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return any(e.ratio.ok for e in self.effects)


def feature_columns(media: pd.DataFrame) -> pd.DataFrame:
    """One row per post: its image's features (the first file when a post has several)."""
    rows = []
    for post_id, figs in zip(media["post_id"], media["features"], strict=True):
        if post_id is None or (isinstance(post_id, float) and math.isnan(post_id)):
            continue
        sharp = figs.get("sharpness")
        rows.append(
            {
                "post_id": int(post_id),
                "brightness": figs.get("brightness"),
                "contrast": figs.get("contrast"),
                "colourfulness": figs.get("colourfulness"),
                "sharpness": math.log1p(sharp) if isinstance(sharp, int | float) else None,
                "face": float((figs.get("face_count") or 0) > 0),
                "portrait": float((figs.get("aspect") or 1.0) < 0.95),
            }
        )
    cols = ["post_id", *(name for name, _ in FEATURES)]
    return pd.DataFrame(rows, columns=cols).drop_duplicates("post_id")


def features_vs_engagement(
    frame: pd.DataFrame,
    media: pd.DataFrame,
    *,
    metric: str = "interactions",
    level: float = LEVEL,
) -> FeatureResult:
    """Rate ratios of image features on `metric` per unit of exposure, for the posts of
    `frame` (rows of uplift.prepare()) that have an analysed image."""
    from scipy import stats

    feats = feature_columns(media)
    g = frame.merge(feats, on="post_id", how="inner")
    g.index = pd.RangeIndex(len(g))
    exposure, exp_name, exposures = _exposures(g, "per_exposure")
    notes = exposure_notes(exposures, exp_name)
    y = F.metric_values(g, metric)
    keep = y.notna() & (exposure > 0)
    g, y, exposure = g[keep], y[keep], exposure[keep]
    method = f"negative binomial, offset log({exp_name}), media type and controls"
    if len(g) < MIN_POSTS:
        return FeatureResult(
            metric,
            exp_name,
            len(g),
            (),
            method,
            (
                *notes,
                f"not enough data: {len(g)} posts with an analysed image and {metric}, "
                f"at least {MIN_POSTS} needed ('socialdesk visual media FOLDER' adds images)",
            ),
        )
    cols: dict[str, pd.Series] = {}
    units: dict[str, str] = {}
    for name, unit in FEATURES:
        v = g[name].astype("float64")
        spread = v.std()
        if v.notna().mean() < 0.9 or np.isnan(spread) or spread <= 1e-9 * max(1.0, abs(v.mean())):
            notes.append(f"{name}: no variation or too few values")
            continue
        if name in ("face", "portrait"):
            if min(v.sum(), len(v) - v.sum()) < 10:
                notes.append(f"{name}: fewer than 10 posts on one side")
                continue
            cols[name] = v.fillna(0.0)
        else:
            cols[name] = ((v - v.mean()) / v.std()).fillna(0.0)
        units[name] = unit
    if not cols:
        return FeatureResult(metric, exp_name, len(g), (), method, tuple(notes))
    types = [t for t, c in g["media_type"].value_counts().items() if c >= 10][1:]
    media_dummies = pd.DataFrame(
        {f"type_{t}": (g["media_type"] == t).astype(float) for t in types}, index=g.index
    )
    design = _controls(g, 1 + len(types) + len(cols), "per_exposure", exp_name)
    X = pd.concat(
        [pd.DataFrame({"const": 1.0}, index=g.index), pd.DataFrame(cols), media_dummies, design.X],
        axis=1,
    )
    X = _full_rank(X, 1 + len(cols))
    params, cov, _alpha, df, code, _aic = _fit(
        y.to_numpy(float), X, np.log(exposure.to_numpy(float))
    )
    how = method_name(code)
    q = float(stats.t.ppf(0.5 + level / 2, max(df, 1)))
    ests, pvals = [], []
    for name in cols:
        b, se = float(params[name]), float(math.sqrt(max(_variance(cov, name), 0.0)))
        ests.append(
            Estimate(
                math.exp(b),
                math.exp(b - q * se),
                math.exp(b + q * se),
                level,
                len(g),
                f"{how}, Wald interval (t, {df} df)",
            )
        )
        pvals.append(float(2 * stats.t.sf(abs(b / se), max(df, 1))) if se > 0 else 1.0)
    adjusted = holm(pvals)
    effects = []
    for (name, est), pa in zip(zip(cols, ests, strict=True), adjusted, strict=True):
        clear = bool(pa < 1 - level)
        v = g[name]
        n_with = int(v.sum()) if name in ("face", "portrait") else int(v.notna().sum())
        text = (
            f"{name.capitalize()} ({units[name]}): {est.value:.2f}× ({est.low:.2f}–"
            f"{est.high:.2f}) the {metric} per unit of {exp_name}"
            + (
                "."
                if clear
                else f"; not clearly different from 1 after correcting for {len(cols)} features."
            )
        )
        effects.append(FeatureEffect(name, units[name], n_with, est, float(pa), clear, text))
    return FeatureResult(
        metric,
        exp_name,
        len(g),
        tuple(effects),
        f"{how}; {method}; Holm correction over {len(cols)} features",
        (*notes, *design.notes),
    )
