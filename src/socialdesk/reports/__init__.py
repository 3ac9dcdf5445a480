"""Reports for stakeholders: a face, like the cockpit and the CLI (issue #16).

`run.py` is the seam the faces call: `monthly(session, workspace_id, month, lang)` gathers the
month from the skills' seams into a `MonthlyReport` (monthly.py: plain data and `Phrase`
sentences; headline.py: the opening sentences), and `render(report, "html" | "pdf")` makes the
file (render.py: Jinja2 templates, vl-convert charts as SVG, WeasyPrint for the PDF, nothing
fetched). See docs/reports.md.
"""
