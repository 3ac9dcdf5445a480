"""The demo organisation's planted gaps are found from its data, then checked against the
truth it recorded (never read before the analysis)."""

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from socialdesk.model import WorkspaceFact
from tests.conftest import demo_copy


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from socialdesk.store import open_workspace

    folder = demo_copy(tmp_path_factory)
    return open_workspace(folder)


def _truth(handle):
    with handle.session() as s:
        return s.scalar(
            select(WorkspaceFact.value).where(
                WorkspaceFact.workspace_id == handle.workspace_id, WorkspaceFact.key == "demo.truth"
            )
        )


def test_the_search_topic_nobody_posts_about_is_found(demo):
    from socialdesk.marketing import run

    with demo.session() as s:
        result = run.search_gaps_for(s, demo.workspace_id)
    top_gap = result.gaps[0]
    truth = _truth(demo)["planted"]["uncovered_search_topic"]
    assert top_gap.name == truth["topic"]
    assert set(top_gap.queries) == set(truth["queries"])
    assert top_gap.impressions == truth["impressions"]
    assert top_gap.posts_covering == truth["posts_covering_it"] == 0
    assert top_gap.demand_share.value == pytest.approx(
        truth["share_of_query_impressions"], abs=1e-4
    )


def test_the_campaign_without_utm_tags_is_found(demo):
    from socialdesk.marketing import run

    with demo.session() as s:
        tagging = run.tagging_for(s, demo.workspace_id)
    untagged = [c for c in tagging if not c.tagged]
    truth = _truth(demo)
    planted = truth["planted"]["untagged_campaign"]
    assert [c.campaign for c in untagged] == [planted["campaign"]]
    landing = untagged[0].likely_landing
    assert f"{landing.source_medium}" == planted["ga4_source_medium"]
    assert landing.sessions.contains(planted["sessions"])
    tagged = {c.campaign: c.ga4_campaign for c in tagging if c.tagged}
    expected = {
        c["name"]: c["ga4"]["campaign"] for c in truth["campaigns"] if not c["ga4"].get("untagged")
    }
    assert tagged == expected


def test_site_contribution_adds_up(demo):
    from socialdesk.marketing import run

    with demo.session() as s:
        site = run.site_for(s, demo.workspace_id)
    assert site.social is not None
    assert site.social.sessions == pytest.approx(sum(c.sessions for c in site.by_platform))
    platforms = {c.label for c in site.by_platform}
    assert {"facebook", "instagram", "linkedin", "x", "tiktok", "youtube"} <= platforms


def test_cli_search_gaps_json_and_utm(demo):
    from socialdesk.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["search-gaps", "--json", "-w", str(demo.folder)])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["gaps"][0] == "subsidi"
    assert data["search"]["topics"][0]["name"] == "subsidie"
    ok = runner.invoke(
        app,
        [
            "utm",
            "https://groendak.nl/vrijwilligers",
            "--source",
            "Facebook",
            "--medium",
            "paid_social",
            "--campaign",
            "Vrijwilligers Voorjaar 2026",
            "-w",
            str(demo.folder),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip() == (
        "https://groendak.nl/vrijwilligers?utm_source=facebook&"
        "utm_medium=paid_social&utm_campaign=vrijwilligers_voorjaar_2026"
    )
    bad = runner.invoke(
        app,
        [
            "utm",
            "https://groendak.nl/",
            "--source",
            "folder",
            "--medium",
            "social",
            "--campaign",
            "x",
            "-w",
            str(demo.folder),
        ],
    )
    assert bad.exit_code == 1
    site = runner.invoke(app, ["site", "-w", str(demo.folder)])
    assert site.exit_code == 0, site.output
    assert "Vrijwilligers werven | Voorjaar 2026" in site.output
