"""The generic ads import (kind = "ads" mapping files), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from socialdesk.ads import queries
from socialdesk.ads.kpis import build_report
from socialdesk.importers.generic_ads_mapped import format_for_mapping
from socialdesk.model import AdDay, Post
from socialdesk.store import session_scope
from tests.conftest import fixture_path

HERE = Path(__file__).parent
SAMPLE = HERE.parent / "ads" / "fixtures" / "kag_layout_sample.csv"
MAPPING = HERE.parents[1] / "benchmarks" / "kag_conversion.mapping.toml"


def _frame(ws):
    with session_scope(ws.engine) as s:
        return queries.ad_delivery(s, ws.workspace_id)


def test_kaggle_layout_campaign_totals_by_hand(ws, importer):
    (rep,) = importer.import_paths([SAMPLE], options={"mapping": str(MAPPING)})
    assert rep.status == "imported", rep.error
    assert rep.format == "generic_ads_mapped" and rep.counts["ad_day"]["added"] == 7
    report = build_report(_frame(ws))
    rows = {r.name: r.figures for r in report.rows}
    c916 = rows["916"]
    assert c916.spend == pytest.approx(1.5 + 0.75 + 0) and c916.currency == "USD"
    assert c916.impressions == 7000 + 3000 + 500 and c916.clicks == 2 + 1 + 0
    assert c916.ctr.value == pytest.approx(3 / 10500)
    assert c916.cpc == pytest.approx(2.25 / 3)
    assert c916.conversions == 2 + 1 + 1
    assert c916.results == {"Approved conversions": 1.0} and c916.cpa == pytest.approx(2.25)
    c1178 = rows["1178"]
    assert c1178.spend == pytest.approx(60.1 + 38.4) and c1178.clicks == 65
    assert c1178.spend / c1178.conversions == pytest.approx(98.5 / 15)  # cost per conversion
    extra = _frame(ws)
    assert set(extra["grain"]) >= {"ad_set:100001|ad:900001"}
    # the same file and mapping again: nothing changes
    (again,) = importer.import_paths([SAMPLE], options={"mapping": str(MAPPING)})
    assert again.status == "unchanged"
    with session_scope(ws.engine) as s:
        assert (
            s.scalar(
                select(func.count()).select_from(AdDay).where(AdDay.import_batch_id == rep.batch_id)
            )
            == 7
        )


def test_the_runner_picks_the_format_from_the_mapping_kind(tmp_path):
    posts = fixture_path("generic", "uci_facebook_metrics.mapping.toml")
    assert format_for_mapping(MAPPING) == "generic_ads_mapped"
    assert format_for_mapping(posts) == "generic_posts_mapped"
    broken = tmp_path / "broken.toml"
    broken.write_text("kind = ")
    assert format_for_mapping(broken) == "generic_posts_mapped"  # the posts import says why


def _mapping(tmp_path, text):
    path = tmp_path / "m.toml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'kind = "ads"\nplatform = "meta_ads"\ndate_start = 2017-01-01\ndate_end = 2017-01-31\n'
            '[columns]\ncampaign_id = "xyz_campaign_id"\n[metrics]\nspend = "Spent"\n',
            "spend needs a currency",
        ),
        (
            'kind = "ads"\nplatform = "meta_ads"\ncurrency = "USD"\n[columns]\ncampaign_id = '
            '"xyz_campaign_id"\n[metrics]\nspend = "Spent"\n',
            "say which period",
        ),
        ('kind = "ads"\nplatform = "tv"\n', "'platform' must be one of"),
        (
            'kind = "ads"\nplatform = "meta_ads"\ncurrency = "USD"\ndate_start = 2017-01-01\n'
            'date_end = 2017-01-31\n[columns]\nad_id = "ad_id"\n[metrics]\nspend = "Spent"\n',
            "needs campaign or campaign_id",
        ),
        (
            'kind = "ads"\nplatform = "meta_ads"\ncurrency = "USD"\ndate_start = 2017-01-01\n'
            'date_end = 2017-01-31\n[columns]\ncampaign_id = "nope"\n[metrics]\nspend = "Spent"\n',
            "'nope'",
        ),
    ],
)
def test_mapping_errors_name_the_fix_and_change_nothing(ws, importer, tmp_path, text, message):
    (rep,) = importer.import_paths([SAMPLE], options={"mapping": _mapping(tmp_path, text)})
    assert rep.status == "failed" and message in rep.error
    assert _frame(ws).empty


def test_a_negative_spend_is_refused_naming_the_cell(ws, importer, tmp_path):
    bad = tmp_path / "bad.csv"
    lines = SAMPLE.read_text().splitlines()
    lines[2] = lines[2].replace(",0.75,", ",-0.75,")
    bad.write_text("\n".join(lines) + "\n")
    (rep,) = importer.import_paths([bad], options={"mapping": str(MAPPING)})
    assert rep.status == "failed" and rep.error_row == 3 and rep.error_column == "Spent"
    assert _frame(ws).empty


def test_posts_mappings_still_import_posts(ws, importer):
    data = fixture_path("generic", "uci_facebook_metrics_excerpt.csv")
    posts = fixture_path("generic", "uci_facebook_metrics.mapping.toml")
    (rep,) = importer.import_paths([data], options={"mapping": str(posts)})
    assert rep.status == "imported" and rep.format == "generic_posts_mapped"
    with session_scope(ws.engine) as s:
        assert s.scalar(select(func.count()).select_from(Post)) > 0
