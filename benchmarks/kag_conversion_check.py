"""Check socialdesk's ad arithmetic on the real Kaggle conversion data set.

Imports /work/shared/data/kag_conversion/KAG_conversion_data.csv through the generic ads
import (benchmarks/kag_conversion.mapping.toml) into a temporary SQLite workspace, builds the
campaign report, and compares its campaign totals (spend, impressions, clicks, CTR, CPC,
conversions, cost per conversion) with the same figures summed straight from the CSV with
the standard library (the same-run baseline). The data set is not in the repository (its
licence is unknown); without it the script says so and stops.

    .venv/bin/python benchmarks/kag_conversion_check.py [PATH_TO_CSV]
"""

from __future__ import annotations

import csv
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

DEFAULT = Path("/work/shared/data/kag_conversion/KAG_conversion_data.csv")
MAPPING = Path(__file__).with_name("kag_conversion.mapping.toml")
FIGURES = (
    "spend",
    "impressions",
    "clicks",
    "ctr",
    "cpc",
    "conversions",
    "cost_per_conversion",
    "approved",
    "cost_per_approved",
)


def direct(path: Path) -> dict[str, dict[str, float]]:
    """Campaign totals straight from the CSV (standard library only)."""
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            s = sums[row["xyz_campaign_id"]]
            s["spend"] += float(row["Spent"])
            s["impressions"] += float(row["Impressions"])
            s["clicks"] += float(row["Clicks"])
            s["conversions"] += float(row["Total_Conversion"])
            s["approved"] += float(row["Approved_Conversion"])
    out = {}
    for camp, s in sums.items():
        out[camp] = {
            **s,
            "ctr": s["clicks"] / s["impressions"],
            "cpc": s["spend"] / s["clicks"],
            "cost_per_conversion": s["spend"] / s["conversions"],
            "cost_per_approved": s["spend"] / s["approved"],
        }
    return out


def via_socialdesk(path: Path) -> tuple[dict[str, dict[str, float]], str]:
    from socialdesk.ads import queries
    from socialdesk.ads.kpis import build_report
    from socialdesk.importers.runner import Importer
    from socialdesk.store import open_workspace, session_scope

    with tempfile.TemporaryDirectory(prefix="socialdesk-kag-") as tmp:
        handle = open_workspace(Path(tmp))
        importer = Importer(handle.engine, handle.workspace_id, imported_by="benchmark")
        reports = importer.import_paths([path], options={"mapping": str(MAPPING)})
        if reports[0].status != "imported":
            raise SystemExit(f"import failed: {reports[0].error}")
        with session_scope(handle.engine) as session:
            frame = queries.ad_delivery(session, handle.workspace_id)
        handle.engine.dispose()
    report = build_report(frame, level="campaign")
    out = {}
    for row in report.rows:
        f = row.figures
        approved = f.results.get("Approved conversions", 0.0)
        out[row.name] = {
            "spend": f.spend,
            "impressions": f.impressions,
            "clicks": f.clicks,
            "ctr": f.ctr.value,
            "cpc": f.cpc,
            "conversions": f.conversions,
            "cost_per_conversion": (f.spend / f.conversions) if f.conversions else None,
            "approved": approved,
            "cost_per_approved": f.cpa,
        }
    currency = ", ".join(report.currencies)
    return out, currency


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.is_file():
        print(f"{path} is not here: the Kaggle file is not shipped (licence unknown); skipped.")
        return 0
    base = direct(path)
    ours, currency = via_socialdesk(path)
    print(
        f"Kaggle conversion data ({path.name}): campaign totals, socialdesk vs the CSV summed "
        f"directly ({currency})"
    )
    worst = 0.0
    for camp in sorted(base, key=int):
        print(f"campaign {camp}")
        for fig in FIGURES:
            a, b = ours[camp][fig], base[camp][fig]
            rel = abs(a - b) / abs(b) if b else abs(a - b)
            worst = max(worst, rel)
            print(f"  {fig:<22}{a:>20,.6f}{b:>20,.6f}  rel. diff {rel:.1e}")
    ok = worst < 1e-9
    print(f"largest relative difference: {worst:.1e} -> {'identical' if ok else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
