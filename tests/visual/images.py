"""Test images drawn on the spot (the one real photo is tests/fixtures/images/astronaut.jpg)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from tests.conftest import FIXTURES

ASTRONAUT = FIXTURES / "images" / "astronaut.jpg"  # public domain (NASA), see SOURCES.txt


def solid(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", size, colour).save(path)
    return path


def dot(path: Path, size: tuple[int, int], centre: tuple[int, int], radius: int = 80) -> Path:
    """A red disc on grey: the only salient thing in the picture."""
    im = Image.new("RGB", size, (200, 200, 200))
    x, y = centre
    ImageDraw.Draw(im).ellipse((x - radius, y - radius, x + radius, y + radius), fill=(220, 30, 30))
    im.save(path)
    return path


def noise(path: Path, size: tuple[int, int], seed: int = 0) -> Path:
    """Random pixels: incompressible, so a PNG of it is large."""
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).save(path)
    return path
