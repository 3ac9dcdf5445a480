"""The one door to PyMC-Marketing (the optional `mmm` extra).

from socialdesk.ads._pymc import pymc_marketing_mmm
mmm_module = pymc_marketing_mmm()   # raises MissingExtra when it is not installed
"""

from __future__ import annotations

from types import ModuleType

from socialdesk.errors import MissingExtra

FEATURE = "Full marketing-mix modelling"
INSTALL = "pip install 'socialdesk[mmm]'"


def pymc_marketing_mmm() -> ModuleType:
    """pymc_marketing.mmm, or MissingExtra saying how to install it."""
    try:
        import pymc_marketing.mmm as mmm
    except ImportError as exc:
        raise MissingExtra(FEATURE, INSTALL) from exc
    return mmm


def available() -> bool:
    try:
        pymc_marketing_mmm()
    except MissingExtra:
        return False
    return True


__all__ = ["FEATURE", "INSTALL", "available", "pymc_marketing_mmm"]
