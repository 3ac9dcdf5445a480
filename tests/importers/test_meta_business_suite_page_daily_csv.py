from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from socialdesk.errors import FileUnreadable, FormatNotRecognised
from socialdesk.importers import builtin_formats
from socialdesk.importers.detect import detect, detect_probe
from socialdesk.importers.meta_business_suite_page_daily_csv import FORMAT, resolve
from socialdesk.importers.tabular import probe_file
from socialdesk.model import Account, AccountDay, ImportBatch
from tests.conftest import FORMATS, fixture_path

# the documented shape, written for these tests (see meta/SOURCES.txt)
FOLLOWS = fixture_path("meta", "meta_business_suite_page_daily_facebook_follows.csv")

pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")


def _series(
    tmp_path: Path,
    name: str,
    metric: str,
    rows: list[tuple[str, str]],
    *,
    newline: str = "\n",
    bom: bool = True,
) -> Path:
    """A daily series in the documented shape: UTF-16 LE with a BOM, sep=, the metric's name."""
    lines = ["sep=,", f'"{metric}"', '"Date","Primary"'] + [f'"{d}","{v}"' for d, v in rows]
    data = (newline.join(lines) + newline).encode("utf-16-le")
    path = tmp_path / name
    path.write_bytes((codecs.BOM_UTF16_LE if bom else b"") + data)
    return path


def _days(s, ws) -> dict[dt.date, AccountDay]:
    q = select(AccountDay).join(Account).where(Account.workspace_id == ws.workspace_id)
    return {d.date: d for d in s.scalars(q)}


def _accounts(s, ws) -> list[tuple[str, str]]:
    q = select(Account.platform, Account.handle).where(Account.workspace_id == ws.workspace_id)
    return sorted(tuple(r) for r in s.execute(q))


def test_follows_series_lands_as_daily_followers_gained(importer, ws):
    report = importer.import_file(FOLLOWS)
    assert report.status == "imported", report.error
    assert report.format == "meta_business_suite_page_daily_csv"
    assert (report.rows_read, report.rows_added) == (7, 7)
    assert any("does not name the page" in n for n in report.notes)
    with ws.session() as s:
        assert _accounts(s, ws) == [("facebook", "Facebook page")]
        days = _days(s, ws)
        assert sorted(days) == [dt.date(2025, 8, d) for d in range(1, 8)]
        assert days[dt.date(2025, 8, 1)].followers_gained == 20
        assert days[dt.date(2025, 8, 3)].followers_gained == 0  # a real zero
        assert days[dt.date(2025, 8, 4)].followers_gained == 1234
        first = days[dt.date(2025, 8, 1)]
        assert (first.reach, first.views, first.followers, first.extra) == (None, None, None, None)


def test_several_series_fill_the_same_days_of_the_page(importer, ws, tmp_path):
    assert importer.import_file(FOLLOWS, account="Prins Petfoods").status == "imported"
    reach = _series(
        tmp_path,
        "reach.csv",
        "Facebook reach",
        [("2025-08-01T00:00:00", "1,520"), ("2025-08-08T00:00:00", "990")],
    )
    report = importer.import_file(reach, account="Prins Petfoods")
    assert report.status == "imported", report.error
    assert (report.rows_added, report.rows_updated) == (1, 1)
    clicks = _series(
        tmp_path,
        "clicks.csv",
        "Facebook link clicks",
        [("2025-08-01T00:00:00", "12")],
        newline="\r\n",
    )
    assert importer.import_file(clicks, account="Prins Petfoods").status == "imported"
    with ws.session() as s:
        assert _accounts(s, ws) == [("facebook", "Prins Petfoods")]
        days = _days(s, ws)
        first = days[dt.date(2025, 8, 1)]
        assert (first.followers_gained, first.reach, first.clicks) == (20, 1520, None)
        assert first.extra == {"link_clicks": 12}  # link clicks are not all clicks
        assert (days[dt.date(2025, 8, 8)].reach, days[dt.date(2025, 8, 8)].followers_gained) == (
            990,
            None,
        )


def test_instagram_series_and_an_unknown_metric(importer, ws, tmp_path):
    ig = _series(tmp_path, "ig.csv", "Instagram profile visits", [("2025-08-01T00:00:00", "5")])
    report = importer.import_file(ig)
    assert report.status == "imported", report.error
    odd = _series(tmp_path, "odd.csv", "Facebook minutes viewed", [("2025-08-01T00:00:00", "9")])
    report = importer.import_file(odd)
    assert report.status == "imported", report.error
    assert any(
        "'Facebook minutes viewed' is not one socialdesk knows" in n
        and "facebook_minutes_viewed" in n
        for n in report.notes
    )
    with ws.session() as s:
        assert _accounts(s, ws) == [
            ("facebook", "Facebook page"),
            ("instagram", "Instagram account"),
        ]
        q = (
            select(Account.platform, AccountDay)
            .join(AccountDay)
            .where(Account.workspace_id == ws.workspace_id)
        )
        got = dict(tuple(r) for r in s.execute(q))
        assert got["instagram"].profile_views == 5
        assert got["facebook"].extra == {"facebook_minutes_viewed": 9}
        assert got["facebook"].profile_views is None


@pytest.mark.parametrize(
    ("rows", "row", "column"),
    [
        ([("2025-08-01T00:00:00", "20"), ("2025-08-02T00:00:00", "twintig")], 5, "Primary"),
        ([("01-08-2025", "20")], 4, "Date"),
        ([("2025-08-01T00:00:00", "20"), ("", "3")], 5, "Date"),
    ],
)
def test_bad_cells_name_row_and_column_and_change_nothing(
    importer, ws, tmp_path, rows, row, column
):
    report = importer.import_file(_series(tmp_path, "bad.csv", "Facebook follows", rows))
    assert report.status == "failed"
    assert (report.error_row, report.error_column) == (row, column)
    with ws.session() as s:
        for model in (Account, ImportBatch):
            q = select(func.count()).select_from(model).where(model.workspace_id == ws.workspace_id)
            assert s.scalar(q) == 0


def test_without_the_metric_name_the_file_is_refused(importer, ws, tmp_path):
    path = tmp_path / "nameless.csv"
    path.write_bytes(
        codecs.BOM_UTF16_LE
        + 'sep=,\n"Date","Primary"\n"2025-08-01T00:00:00","1"\n'.encode("utf-16-le")
    )
    report = importer.import_file(path)
    assert report.status == "failed"
    assert "metric's name is missing" in report.error


def test_reimport_changes_nothing(importer, ws):
    assert importer.import_file(FOLLOWS).status == "imported"
    again = importer.import_file(FOLLOWS)
    assert again.status == "unchanged"
    with ws.session() as s:
        assert len(_days(s, ws)) == 7


def test_metric_names():
    assert resolve("Facebook follows") == ("facebook", "followers_gained", True)
    assert resolve("Facebook Page visits") == ("facebook", "profile_views", True)
    assert resolve("Views") == ("facebook", "views", True)
    assert resolve("Instagram reach") == ("instagram", "reach", True)
    assert resolve("Facebook Impressions") == ("facebook", "impressions", True)
    odd = ("facebook", "extra:facebook_minutes_viewed", False)
    assert resolve("Facebook Minutes viewed") == odd


def test_detection_picks_this_format_and_claims_no_other_sample():
    match = detect(FOLLOWS, builtin_formats())
    assert match.format.name == "meta_business_suite_page_daily_csv"
    assert match.table.header_index == 2
    for path in sorted(FORMATS.rglob("*")):
        if not path.is_file() or path.suffix in (".txt", ".toml") or path == FOLLOWS:
            continue
        try:
            probe = probe_file(path)
        except FileUnreadable:
            continue
        with pytest.raises(FormatNotRecognised):
            detect_probe(probe, [FORMAT])
