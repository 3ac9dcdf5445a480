"""Smart crops: the image cut to each placement's ratio, keeping faces and the salient region
(and, where the platform covers part of the picture, keeping them in its safe area).

The crop is the largest window of the target ratio that fits in the image; it slides along
the axis that has room, and the position with the highest score wins:
score = share of the image's saliency inside the window's safe area
        + FACE_WEIGHT × share of the faces wholly inside that safe area
(so keeping every face weighs as much as keeping all the saliency).
The crop is then scaled down to the placement's recommended size (never up: an image too
small for the placement stays at its size and the check says so) and written as a new file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from socialdesk.visual.images import Box, ImageFeatures, _grey, _load, faces, saliency_map
from socialdesk.visual.specs import Placement

FACE_WEIGHT = 1.0
STEPS = 41


@dataclass(frozen=True)
class Crop:
    placement: Placement
    box: Box  # in the original image
    path: Path  # the written file
    width: int
    height: int
    faces_kept: int
    faces_total: int
    upscale_needed: bool  # the crop is smaller than the recommended size


def _window(width: int, height: int, ratio: float) -> tuple[int, int]:
    if width / height > ratio:
        return round(height * ratio), height
    return width, round(width / ratio)


def _score(
    sal: np.ndarray,
    sx: float,
    sy: float,
    x: int,
    y: int,
    w: int,
    h: int,
    p: Placement,
    face_boxes: tuple[Box, ...],
) -> tuple[float, int]:
    s = p.safe
    sx0 = x + (s.left * w if not s.circle else 0.15 * w)
    sx1 = x + w - (s.right * w if not s.circle else 0.15 * w)
    sy0 = y + (s.top * h if not s.circle else 0.15 * h)
    sy1 = y + h - (s.bottom * h if not s.circle else 0.15 * h)
    a0, a1 = int(sx0 / sx), max(int(sx0 / sx) + 1, int(np.ceil(sx1 / sx)))
    b0, b1 = int(sy0 / sy), max(int(sy0 / sy) + 1, int(np.ceil(sy1 / sy)))
    score = float(sal[b0:b1, a0:a1].sum()) / max(float(sal.sum()), 1e-9)
    kept = 0
    for f in face_boxes:
        if f.x >= sx0 and f.y >= sy0 and f.x + f.w <= sx1 and f.y + f.h <= sy1:
            kept += 1
    return score + FACE_WEIGHT * kept / max(1, len(face_boxes)), kept


def best_box(
    width: int,
    height: int,
    ratio: float,
    sal: np.ndarray,
    face_boxes: tuple[Box, ...],
    p: Placement,
) -> tuple[Box, int]:
    """The crop window of `ratio` with the best score, and the faces it keeps."""
    w, h = _window(width, height, ratio)
    sy, sx = height / sal.shape[0], width / sal.shape[1]
    xs = np.linspace(0, width - w, STEPS).round().astype(int) if width > w else np.array([0])
    ys = np.linspace(0, height - h, STEPS).round().astype(int) if height > h else np.array([0])
    best: tuple[float, int, int, int] | None = None
    for x in np.unique(xs):
        for y in np.unique(ys):
            score, kept = _score(sal, sx, sy, int(x), int(y), w, h, p, face_boxes)
            # ties go to the centre
            centred = -abs((x + w / 2) - width / 2) - abs((y + h / 2) - height / 2)
            key = (score, centred)
            if best is None or key > (best[0], best[3]):
                best = (score, int(x), int(y), centred)
                best_kept = kept
    assert best is not None
    return Box(best[1], best[2], w, h), best_kept


def smart_crop(
    path: Path, places: tuple[Placement, ...], out_dir: Path, features: ImageFeatures | None = None
) -> list[Crop]:
    """Write one crop per placement into `out_dir` as <stem>_<platform>_<placement>.jpg."""
    from PIL import Image

    path = Path(path)
    rgb, _fmt = _load(path)
    grey = _grey(rgb)
    height, width = grey.shape
    sal = saliency_map(grey)
    face_boxes = features.faces if features is not None else faces(grey)
    out_dir.mkdir(parents=True, exist_ok=True)
    out: list[Crop] = []
    for p in places:
        if not p.available or p.ratio is None or p.width is None or p.height is None:
            continue
        box, kept = best_box(width, height, p.ratio, sal, face_boxes, p)
        img = Image.fromarray(rgb[box.y : box.y + box.h, box.x : box.x + box.w])
        small = box.w < p.width
        if not small:
            img = img.resize((p.width, p.height), Image.Resampling.LANCZOS)
        target = out_dir / f"{path.stem}_{p.platform}_{p.name}.jpg"
        img.save(target, quality=88, optimize=True)
        out.append(Crop(p, box, target, img.width, img.height, kept, len(face_boxes), small))
    return out
