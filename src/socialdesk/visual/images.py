"""What an image is, measured: size, ratio, brightness, contrast, colourfulness, sharpness,
faces and where the eye goes; and how it fits each platform's placements.

- brightness: mean luma (Rec. 601), 0 black to 1 white.
- contrast: RMS contrast, the standard deviation of luma (0 to 0.5).
- colourfulness: Hasler & Süsstrunk (2003), M = σ_rgyb + 0.3 μ_rgyb on 0-255 values;
  their scale: < 15 not, 15-33 slightly, 33-45 moderately, 45-59 averagely, 59-82 quite,
  > 82 highly colourful.
- sharpness: variance of the Laplacian of the grey image scaled to SHARP_SIDE px on its long
  side (so the figure does not depend on the upload size); below BLURRY it looks soft.
- faces: OpenCV's bundled frontal-face Haar cascade (no download); it misses profiles and
  small faces, so "no face found" is not "no face".
- salient region: the spectral residual saliency map (Hou & Zhang 2007) computed with numpy,
  and the box around its strongest region: where the eye goes first.

The brightness, contrast and sharpness limits are rules of thumb for a phone screen, not
findings about engagement: what goes with engagement on the workspace's own posts is what
`features_vs_engagement` (visual.media) measures.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from socialdesk.phrases import Num, Phrase, number
from socialdesk.visual.specs import Placement

SHARP_SIDE = 512
BLURRY = 100.0
DARK, BRIGHT = 0.25, 0.85
FLAT = 0.12
DULL = 15.0
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff")


class NotAnImage(ValueError):
    """The file is not an image socialdesk can read."""


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels of the original image."""

    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class ImageFeatures:
    path: str
    sha256: str
    width: int
    height: int
    file_size: int
    format: str | None
    aspect: float  # width / height
    brightness: float
    contrast: float
    colourfulness: float
    sharpness: float
    faces: tuple[Box, ...]
    salient: Box

    def figures(self) -> dict[str, Any]:
        """The measured figures as plain values (what the media table stores)."""
        d = asdict(self)
        d.pop("path")
        d.pop("sha256")
        d["face_count"] = len(self.faces)
        d["face_area"] = (
            sum(f.w * f.h for f in self.faces) / (self.width * self.height)
            if self.width and self.height
            else 0.0
        )
        return d


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # "ok", "advice" or "problem"
    value: str
    advice: str


@dataclass(frozen=True)
class PlacementCheck:
    placement: Placement
    findings: tuple[Finding, ...]

    @property
    def status(self) -> str:
        statuses = {f.status for f in self.findings}
        return "problem" if "problem" in statuses else ("advice" if "advice" in statuses else "ok")


@dataclass(frozen=True)
class ImageReport:
    features: ImageFeatures
    general: tuple[Finding, ...]
    placements: tuple[PlacementCheck, ...]


# -- measuring ---------------------------------------------------------------------------------
def _load(path: Path) -> tuple[np.ndarray, str | None]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            fmt = im.format
            im.seek(0)
            rgb = np.asarray(im.convert("RGB"))
    except (UnidentifiedImageError, OSError) as exc:
        raise NotAnImage(f"{path}: not an image socialdesk can read ({exc})") from exc
    return rgb, (fmt.lower() if fmt else None)


def colourfulness(rgb: np.ndarray) -> float:
    r, g, b = (rgb[..., i].astype("float64") for i in range(3))
    rg = r - g
    yb = 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def _grey(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _scaled(img: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    import cv2

    h, w = img.shape[:2]
    scale = side / max(h, w)
    if scale >= 1:
        return img, 1.0
    return cv2.resize(
        img, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
    ), scale


def sharpness(grey: np.ndarray) -> float:
    import cv2

    small, _ = _scaled(grey, SHARP_SIDE)
    return float(cv2.Laplacian(small, cv2.CV_64F).var())


def faces(grey: np.ndarray) -> tuple[Box, ...]:
    import cv2
    import cv2.data  # the folder of the cascade files, which cv2's stubs leave out

    small, scale = _scaled(grey, 800)
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    side = max(24, round(min(small.shape[:2]) * 0.05))
    found = cascade.detectMultiScale(small, scaleFactor=1.1, minNeighbors=5, minSize=(side, side))
    return tuple(Box(*(round(int(v) / scale) for v in f)) for f in found)


def saliency_map(grey: np.ndarray, width: int = 64) -> np.ndarray:
    """Spectral residual saliency (Hou & Zhang 2007), values 0-1, at `width` px wide."""
    import cv2

    h, w = grey.shape
    small = cv2.resize(grey, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    f = np.fft.fft2(small.astype("float64"))
    log_amp = np.log(np.abs(f) + 1e-9)
    phase = np.angle(f)
    residual = log_amp - cv2.blur(log_amp, (3, 3))
    sal = np.abs(np.fft.ifft2(np.exp(residual + 1j * phase))) ** 2
    sal = cv2.GaussianBlur(sal, (0, 0), sigmaX=2.5)
    rng = sal.max() - sal.min()
    return (sal - sal.min()) / rng if rng > 0 else np.zeros_like(sal)


def salient_box(sal: np.ndarray, width: int, height: int, level: float = 0.5) -> Box:
    """The box around the strongest connected region of the saliency map above `level`."""
    import cv2

    mask = (sal >= level).astype("uint8")
    n, labels = cv2.connectedComponents(mask, connectivity=8)
    if n <= 1:
        return Box(0, 0, width, height)
    mass = [float(sal[labels == i].sum()) for i in range(1, n)]
    ys, xs = np.nonzero(labels == 1 + int(np.argmax(mass)))
    sy, sx = height / sal.shape[0], width / sal.shape[1]
    x0, x1 = int(xs.min() * sx), int((xs.max() + 1) * sx)
    y0, y1 = int(ys.min() * sy), int((ys.max() + 1) * sy)
    return Box(x0, y0, min(width, x1) - x0, min(height, y1) - y0)


def measure(path: Path) -> ImageFeatures:
    """Every figure of one image file."""
    path = Path(path)
    data = path.read_bytes()
    rgb, fmt = _load(path)
    grey = _grey(rgb)
    h, w = grey.shape
    luma = grey.astype("float64") / 255.0
    sal = saliency_map(grey)
    return ImageFeatures(
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        width=w,
        height=h,
        file_size=len(data),
        format=fmt,
        aspect=w / h,
        brightness=float(luma.mean()),
        contrast=float(luma.std()),
        colourfulness=colourfulness(rgb),
        sharpness=sharpness(grey),
        faces=faces(grey),
        salient=salient_box(sal, w, h),
    )


# -- checking ----------------------------------------------------------------------------------
def colour_class(m: float) -> str:
    for limit, name in (
        (15, Phrase("not colourful")),
        (33, Phrase("slightly colourful")),
        (45, Phrase("moderately colourful")),
        (59, Phrase("averagely colourful")),
        (82, Phrase("quite colourful")),
    ):
        if m < limit:
            return name
    return Phrase("highly colourful")


def general_findings(f: ImageFeatures) -> tuple[Finding, ...]:
    out = []
    if f.brightness < DARK:
        out.append(
            Finding(
                "brightness",
                "advice",
                number(f.brightness, ".2f"),
                Phrase("Dark on a phone screen: brighten the image or lift the shadows."),
            )
        )
    elif f.brightness > BRIGHT:
        out.append(
            Finding(
                "brightness",
                "advice",
                number(f.brightness, ".2f"),
                Phrase("Very bright: details may wash out; lower the exposure a little."),
            )
        )
    else:
        out.append(Finding("brightness", "ok", number(f.brightness, ".2f"), ""))
    if f.contrast < FLAT:
        out.append(
            Finding(
                "contrast",
                "advice",
                number(f.contrast, ".2f"),
                Phrase("Flat: raise the contrast so the subject stands out in a busy feed."),
            )
        )
    else:
        out.append(Finding("contrast", "ok", number(f.contrast, ".2f"), ""))
    cls = colour_class(f.colourfulness)
    out.append(
        Finding(
            "colourfulness",
            "advice" if f.colourfulness < DULL else "ok",
            Phrase("%(value)s (%(class)s)", value=Num(f.colourfulness, ".0f"), **{"class": cls}),
            Phrase(
                "Almost no colour: fine if deliberate (black and white); "
                "otherwise check the white balance."
            )
            if f.colourfulness < DULL
            else "",
        )
    )
    if f.sharpness < BLURRY:
        out.append(
            Finding(
                "sharpness",
                "advice",
                number(f.sharpness, ".0f"),
                Phrase("Looks soft or blurred: use a sharper shot or a larger original."),
            )
        )
    else:
        out.append(Finding("sharpness", "ok", number(f.sharpness, ".0f"), ""))
    n = len(f.faces)
    out.append(
        Finding(
            "faces",
            "ok",
            str(n),
            "" if n else Phrase("No frontal face found (profiles and small faces are missed)."),
        )
    )
    return tuple(out)


def _visible(f: ImageFeatures, p: Placement) -> tuple[int, int, int, int]:
    """(x0, y0, w, h) of the part the placement shows: the centre crop to its ratio when the
    image's ratio is outside the accepted range, else the whole image."""
    if p.ratio is None or p.ratio_min is None or p.ratio_max is None:
        return 0, 0, f.width, f.height
    if p.ratio_min - 0.01 <= f.aspect <= p.ratio_max + 0.01:
        return 0, 0, f.width, f.height
    target = p.ratio_max if f.aspect > p.ratio_max else p.ratio_min
    if f.aspect > target:  # too wide: cut the sides
        w = round(f.height * target)
        return (f.width - w) // 2, 0, w, f.height
    h = round(f.width / target)
    return 0, (f.height - h) // 2, f.width, h


def _outside_safe(box: Box, p: Placement, view: tuple[int, int, int, int]) -> str | None:
    """Which covered zone `box` reaches into, or None when it stays clear."""
    x0, y0, w, h = view
    s = p.safe
    if s.circle:
        cx, cy, r = x0 + w / 2, y0 + h / 2, min(w, h) / 2
        corners = [
            (box.x, box.y),
            (box.x + box.w, box.y),
            (box.x, box.y + box.h),
            (box.x + box.w, box.y + box.h),
        ]
        if any((x - cx) ** 2 + (y - cy) ** 2 > r * r for x, y in corners):
            return Phrase("the corners")
        return None
    zones: list[str] = []
    if s.top and box.y < y0 + s.top * h:
        zones.append(Phrase("the top %(share)s", share=Num(s.top, ".0%")))
    if s.bottom and box.y + box.h > y0 + (1 - s.bottom) * h:
        zones.append(Phrase("the bottom %(share)s", share=Num(s.bottom, ".0%")))
    if s.left and box.x < x0 + s.left * w:
        zones.append(Phrase("the left %(share)s", share=Num(s.left, ".0%")))
    if s.right and box.x + box.w > x0 + (1 - s.right) * w:
        zones.append(Phrase("the right %(share)s", share=Num(s.right, ".0%")))
    if not zones:
        return None
    joined = zones[0]
    for zone in zones[1:]:
        joined = Phrase("%(first)s and %(second)s", first=joined, second=zone)
    return joined


def check_placement(f: ImageFeatures, p: Placement) -> PlacementCheck:
    out: list[Finding] = []
    size = f"{f.width}×{f.height}"
    recommended = f"{p.width}×{p.height}"
    if p.min_width and f.width < p.min_width:
        out.append(
            Finding(
                "size",
                "problem",
                size,
                Phrase(
                    "Too small: at least %(min)s px wide; upload %(size)s.",
                    min=p.min_width,
                    size=recommended,
                ),
            )
        )
    elif p.width and p.height and (f.width < p.width and f.height < p.height):
        out.append(
            Finding(
                "size",
                "advice",
                size,
                Phrase(
                    "Smaller than the recommended %(size)s: it may look soft on large screens.",
                    size=recommended,
                ),
            )
        )
    else:
        out.append(Finding("size", "ok", size, ""))
    if p.ratio_min is not None and p.ratio_max is not None:
        if p.ratio_min - 0.01 <= f.aspect <= p.ratio_max + 0.01:
            out.append(Finding("aspect ratio", "ok", number(f.aspect, ".2f"), ""))
        else:
            out.append(
                Finding(
                    "aspect ratio",
                    "advice",
                    number(f.aspect, ".2f"),
                    Phrase(
                        "Outside %(ratios)s: the platform crops it. Crop it "
                        "yourself ('socialdesk visual crop') to choose what "
                        "stays.",
                        ratios=p.ratio_text,
                    ),
                )
            )
    mb = f.file_size / 1_000_000
    if p.max_mb and mb > p.max_mb:
        out.append(
            Finding(
                "file size",
                "problem",
                Phrase("%(mb)s MB", mb=Num(mb, ".1f")),
                Phrase(
                    "Over %(max)s MB: export as JPEG (quality about 85) or scale down.",
                    max=Num(p.max_mb, "g"),
                ),
            )
        )
    else:
        out.append(Finding("file size", "ok", Phrase("%(mb)s MB", mb=Num(mb, ".1f")), ""))
    if p.formats and f.format and _fmt(f.format) not in p.formats:
        out.append(
            Finding(
                "format",
                "problem",
                f.format,
                Phrase("Not accepted here: use %(formats)s.", formats=", ".join(p.formats)),
            )
        )
    if p.safe.any:
        view = _visible(f, p)
        hits = [
            (what, z)
            for what, boxes in (
                (Phrase("A face"), f.faces),
                (Phrase("The main subject"), (f.salient,)),
            )
            for b in boxes
            if (z := _outside_safe(b, p, view))
        ]
        if hits:
            what, zone = hits[0]
            why = (
                Phrase("the round crop cuts off")
                if p.safe.circle
                else Phrase("the platform covers with its buttons and captions")
            )
            out.append(
                Finding(
                    "safe zone",
                    "advice",
                    zone,
                    Phrase(
                        "%(what)s reaches into %(zone)s: %(why)s; move it inward.",
                        what=what,
                        zone=zone,
                        why=why,
                    ),
                )
            )
        else:
            out.append(Finding("safe zone", "ok", Phrase("clear"), ""))
    return PlacementCheck(p, tuple(out))


def _fmt(fmt: str) -> str:
    return {"jpeg": "jpg", "mpo": "jpg", "tiff": "tif"}.get(fmt.lower(), fmt.lower())


def check_image(path: Path, places: tuple[Placement, ...]) -> ImageReport:
    """Measure one image and check it against `places`."""
    f = measure(path)
    return ImageReport(f, general_findings(f), tuple(check_placement(f, p) for p in places))
