"""Importers: one module per export format, a detector, and an atomic runner.

BUILTIN_FORMATS lists the modules the way Datasette lists its default plugins; a new
format is one module and one line here.
"""

from __future__ import annotations

import importlib
from functools import cache

from socialdesk.importers.base import ExportFormat

BUILTIN_FORMATS: tuple[str, ...] = (
    "socialdesk.importers.meta_business_suite_facebook_posts_csv",
)


@cache
def builtin_formats() -> tuple[ExportFormat, ...]:
    return tuple(importlib.import_module(name).FORMAT for name in BUILTIN_FORMATS)


def get_format(name: str) -> ExportFormat:
    for fmt in builtin_formats():
        if fmt.name == name:
            return fmt
    raise KeyError(name)


__all__ = ["BUILTIN_FORMATS", "ExportFormat", "builtin_formats", "get_format"]
