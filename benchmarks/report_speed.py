"""Monthly report speed and size on the demo workspace, against issue #16's targets.

    python benchmarks/report_speed.py                         # builds the demo in a temp folder
    python benchmarks/report_speed.py --workspace ~/sd-demo   # or reuses a workspace folder

Builds the demo organisation (`socialdesk demo --no-serve`, seed 7) unless a workspace is
given, then makes the monthly report of its last whole month `--repeat` times, as the CLI
does: gather the month from the skills' seams, render the HTML (charts drawn by vl-convert)
and lay out the PDF (WeasyPrint). Figures printed: seconds per step (median of the runs; the
first run apart, as it loads the libraries), the PDF's size, each against the issue's target
(a report in under 10 s, a PDF under 2 MB), and the whole report as a ratio of the same-run
baseline: rendering the HTML page alone.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from socialdesk.analytics import run as analytics_run
from socialdesk.reports import run
from socialdesk.reports.monthly import Month
from socialdesk.reports.render import to_html, to_pdf
from socialdesk.store import open_workspace, session_scope

TARGET_SECONDS = 10.0
TARGET_BYTES = 2 * 1024 * 1024


def build_demo(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "socialdesk", "demo", "--workspace", str(folder), "--no-serve"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def last_whole_month(session, workspace_id: int):
    _first, last = analytics_run.default_window(session, workspace_id, 1)
    month = Month.of(last)
    return month if last == month.end else month.previous()


def _pages(pdf: bytes) -> str:
    """The PDF's page count by pdfinfo (poppler-utils), or "?" without it."""
    found = shutil.which("pdfinfo")
    if found is None:
        return "?"
    out = subprocess.run([found, "-"], input=pdf, capture_output=True, check=False).stdout
    match = re.search(rb"^Pages:\s+(\d+)", out, flags=re.M)
    return match.group(1).decode() if match else "?"


def one_run(handle, month, lang: str) -> dict[str, float | int | str]:
    t0 = time.perf_counter()
    with session_scope(handle.engine) as session:
        report = run.monthly(session, handle.workspace_id, month.start, lang)
    t1 = time.perf_counter()
    html = to_html(report)
    t2 = time.perf_counter()
    pdf = to_pdf(html)
    t3 = time.perf_counter()
    return {
        "gather": t1 - t0,
        "html": t2 - t1,
        "pdf": t3 - t2,
        "total": t3 - t0,
        "pdf_bytes": len(pdf),
        "html_bytes": len(html.encode("utf-8")),
        "pages": _pages(pdf),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help="reuse this workspace folder")
    parser.add_argument("--lang", default="nl", choices=("nl", "en"))
    parser.add_argument("--repeat", type=int, default=3, help="runs after the first")
    args = parser.parse_args()

    folder = args.workspace
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="sd-report-bench-")) / "demo"
        print(f"building the demo workspace in {folder} …", flush=True)
        print(f"  demo built in {build_demo(folder):.1f} s")
    handle = open_workspace(folder)
    with session_scope(handle.engine) as session:
        month = last_whole_month(session, handle.workspace_id)
    print(f"monthly report {month.start:%Y-%m} ({args.lang}) of {folder}")

    first = one_run(handle, month, args.lang)
    runs = [one_run(handle, month, args.lang) for _ in range(max(args.repeat, 1))]

    def median(key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)

    print()
    print(f"{'step':<28}{'first run':>12}{'median':>12}")
    for key, label in (
        ("gather", "gather (skills' seams)"),
        ("html", "HTML (with charts)"),
        ("pdf", "PDF (WeasyPrint)"),
        ("total", "whole report"),
    ):
        print(f"{label:<28}{first[key]:>11.2f}s{median(key):>11.2f}s")
    total, size = median("total"), int(runs[-1]["pdf_bytes"])
    baseline = median("html")
    print()
    print(
        f"PDF: {size / 1024:,.0f} KB, {runs[-1]['pages']} pages; HTML: "
        f"{int(runs[-1]['html_bytes']) / 1024:,.0f} KB"
    )
    print(
        f"baseline (HTML alone): {baseline:.2f} s; whole report = {total / baseline:.1f}× baseline"
    )
    print()
    worst = max(float(first["total"]), total)
    ok_time = worst < TARGET_SECONDS
    ok_size = size < TARGET_BYTES
    print(
        f"target: report under {TARGET_SECONDS:.0f} s  -> {worst:.2f} s (slowest run) "
        f"{'OK' if ok_time else 'MISSED'}"
    )
    print(
        f"target: PDF under 2 MB        -> {size / 1024 / 1024:.2f} MB "
        f"{'OK' if ok_size else 'MISSED'}"
    )
    others_ok = other_reports(handle, month, args.lang)
    handle.engine.dispose()
    return 0 if ok_time and ok_size and others_ok else 1


def other_reports(handle, month, lang: str) -> bool:
    """The care, campaign and audit reports once each (first run: nothing cached), with the
    same targets: under 10 s and a PDF under 2 MB."""
    print()
    print(f"{'other reports (first run)':<28}{'seconds':>12}{'PDF':>10}")
    ok = True
    with session_scope(handle.engine) as session:
        names = run.campaign_names(session, handle.workspace_id)
    makers = {
        "care": lambda s: run.care(s, handle.workspace_id, month.start, lang),
        "audit": lambda s: run.audit(s, handle.workspace_id, lang, today=month.end),
    }
    if names:
        makers[f"campaign ({names[0][:14]})"] = lambda s: run.campaign(
            s, handle.workspace_id, names[0], lang
        )
    for label, make in makers.items():
        t0 = time.perf_counter()
        with session_scope(handle.engine) as session:
            report = make(session)
        pdf = run.render(report, "pdf")
        took = time.perf_counter() - t0
        good = took < TARGET_SECONDS and len(pdf) < TARGET_BYTES
        ok = ok and good
        print(f"{label:<28}{took:>11.2f}s{len(pdf) / 1024:>8,.0f} KB {'OK' if good else 'MISSED'}")
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
