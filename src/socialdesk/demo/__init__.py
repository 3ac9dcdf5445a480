"""The demo organisation: a seeded Dutch non-profit with a webshop, written as the platforms'
own export files and imported through the real importers (`socialdesk demo`).

    build_demo(folder, seed=7)  ->  DemoResult(folder, files, reports, truths)

The true effects it used are in the workspace fact "demo.truth" and in exports/TRUTH.json.
"""

from socialdesk.demo.build import DemoImportFailed, DemoResult, build_demo
from socialdesk.demo.organisation import DEFAULT_END
from socialdesk.demo.truth import FACT_KEY

__all__ = ["DEFAULT_END", "FACT_KEY", "DemoImportFailed", "DemoResult", "build_demo"]
