from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect
from socialdesk.model import Account, SearchPerformance
from tests.conftest import fixture_path

FORMAT = "google_ads_search_terms_csv"
FILE = ("google", "google_ads_search_terms_report.csv")


def _rows(ws) -> dict[str, SearchPerformance]:
    with ws.session() as s:
        found = s.scalars(
            select(SearchPerformance)
            .join(Account, Account.id == SearchPerformance.account_id)
            .where(Account.workspace_id == ws.workspace_id)
        ).all()
    return {r.value: r for r in found}


def test_detected_as_search_terms_not_as_campaigns():
    assert detect(fixture_path(*FILE), builtin_formats()).format.name == FORMAT


@pytest.mark.parametrize(
    "name", ["google_ads_campaign_report.csv", "google_ads_campaign_report_nl.csv"]
)
def test_campaign_reports_stay_campaign_reports(name):
    assert (
        detect(fixture_path("google", name), builtin_formats()).format.name
        == "google_ads_campaigns_csv"
    )


def test_terms_land_summed_per_term(importer, ws):
    report = importer.import_file(fixture_path(*FILE))
    assert report.status == "imported", report.error
    assert report.format == FORMAT
    # 6 data rows hold 5 distinct terms; the Total row is skipped
    assert (report.rows_read, report.rows_skipped) == (5, 1)
    assert any("summed" in n for n in report.notes)
    rows = _rows(ws)
    assert set(rows) == {
        "groen dak aanleggen",
        "subsidie groen dak",
        "sedumdak kosten",
        "stichting groen dak",
        "regenton kopen",
    }
    sub = rows["subsidie groen dak"]
    assert (sub.clicks, sub.impressions) == (31 + 12, 1204 + 410)
    assert sub.ctr == pytest.approx(43 / 1614)
    assert sub.position is None
    assert (sub.date_start, sub.date_end) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert sub.dimension == "search_term"
    assert sum(r.clicks for r in rows.values()) == 511  # the file's own Total row
    assert sum(r.impressions for r in rows.values()) == 8303
    assert rows["regenton kopen"].ctr == 0
    with ws.session() as s:
        acc = s.scalars(select(Account).where(Account.workspace_id == ws.workspace_id)).one()
    assert (acc.platform, acc.handle, acc.currency) == ("google_ads", "Google Ads account", "EUR")


def test_excel_csv_variant_gives_the_same_rows(importer, ws, tmp_path):
    raw = fixture_path(*FILE).read_text(encoding="utf-8")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(raw)))
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n").writerows(rows)
    path = tmp_path / "Search terms report.csv"
    path.write_bytes(b"\xff\xfe" + out.getvalue().encode("utf-16-le"))
    report = importer.import_file(path)
    assert report.status == "imported", report.error
    assert report.format == FORMAT
    got = {k: (r.clicks, r.impressions) for k, r in _rows(ws).items()}
    assert got["subsidie groen dak"] == (43, 1614)
    assert got["groen dak aanleggen"] == (214, 3980)


def test_missing_period_is_a_clear_error(importer, tmp_path):
    lines = fixture_path(*FILE).read_text(encoding="utf-8").splitlines()
    path = tmp_path / "terms.csv"
    path.write_text("\n".join([lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    report = importer.import_file(path)
    assert report.status != "imported"
    assert "date range" in (report.error or "")
