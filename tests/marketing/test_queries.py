"""The store side, on SQLite and PostgreSQL: plan versions, plan items, links, tags, and the
real GA4 / Search Console / Google Ads samples read back through the marketing queries."""

import datetime as dt

import pytest

from socialdesk.marketing import queries, run
from socialdesk.marketing.plan import from_yaml
from socialdesk.store import session_scope
from tests.conftest import fixture_path

PLAN = """
name: Test
goals:
  - key: g
    objectives:
      - {key: o, name: O, metric: sessions, target: 100, due: 2026-12-31,
         audiences: [a], channels: [instagram]}
audiences:
  - {key: a, name: A}
pillars:
  - {key: p, name: P, keywords: ["#tips"], objectives: [o]}
campaigns:
  - {name: voorjaar_2026, objective: o, pillar: p}
links:
  sources: [instagram, facebook]
  mediums: [social]
"""


def test_plan_versions_items_links_and_tags(ws):
    wid = ws.workspace_id
    with session_scope(ws.engine) as s:
        assert run.current_plan(s, wid)[0] == 0
        assert run.save_plan(s, wid, from_yaml(PLAN), "ann") == 1
        assert (
            run.save_plan(
                s, wid, from_yaml(PLAN.replace("name: Test", "name: Test 2")), "bob", "renamed"
            )
            == 2
        )
    with ws.session() as s:
        version, plan = run.current_plan(s, wid)
        assert (version, plan.name) == (2, "Test 2")
        assert queries.load_plan(s, wid, 1)[1]["name"] == "Test"
        assert list(queries.plan_versions(s, wid)["version"]) == [2, 1]
    with session_scope(ws.engine) as s:
        item = queries.add_item(
            s,
            wid,
            title="Tip",
            created_by="ann",
            status="draft",
            platform="instagram",
            scheduled_at=dt.datetime(2026, 3, 2, 9, 0),
            pillar="p",
        )
        queries.add_comment(s, wid, item, "viewer", "Mooi!", kind="approve")
        queries.update_item(s, wid, item, status="approved", approved_by="viewer")
        with pytest.raises(ValueError):
            queries.update_item(s, wid, item, status="posted")
        link = run.make_link(
            s,
            wid,
            "https://x.nl/tips",
            source="Instagram",
            medium="social",
            campaign="voorjaar_2026",
            save=True,
            created_by="ann",
            plan_item_id=item,
        )
        bad = run.make_link(
            s,
            wid,
            "https://x.nl/tips",
            source="tiktok",
            medium="social",
            campaign="zomer",
            save=True,
        )
        queries.set_tag(s, wid, "post", 123, "pillar", "p", "ann")
        queries.set_tag(s, wid, "post", 123, "pillar", "q", "ann")  # replaces
    assert link.ok and not bad.ok
    with ws.session() as s:
        items = queries.plan_items(s, wid)
        assert list(items["status"]) == ["approved"]
        assert list(queries.comments(s, wid, item)["kind"]) == ["approve"]
        saved = queries.links(s, wid)
        assert list(saved["url"]) == [link.url]  # the bad link was not saved
        assert saved["utm_source"].iloc[0] == "instagram"
        tags = queries.tags(s, wid)
        assert list(tags["value"]) == ["q"]


def test_real_search_console_and_ga4_samples(ws, importer):
    opts = {"date_start": "2024-02-08", "date_end": "2024-05-07"}
    for name in ("gsc_2024_Queries.csv", "gsc_2024_Pages.csv"):
        assert importer.import_file(fixture_path("google", name), options=opts).status == "imported"
    assert (
        importer.import_file(fixture_path("google", "ga4_traffic_acquisition_by_date.csv")).status
        == "imported"
    )
    assert (
        importer.import_file(fixture_path("google", "google_ads_search_terms_report.csv")).status
        == "imported"
    )
    with ws.session() as s:
        rows = queries.search_rows(s, ws.workspace_id, ("query", "page", "search_term"))
        web = queries.web_rows(s, ws.workspace_id)
        assert queries.data_window(s, ws.workspace_id) == (
            dt.date(2024, 2, 8),
            dt.date(2026, 9, 30),
        )
        site = run.site_for(s, ws.workspace_id)
        gaps = run.search_gaps_for(s, ws.workspace_id)
    q = rows[rows["dimension"] == "query"]
    assert q["impressions"].sum() == 33849 + 26504 + 17789 + 809  # the file's four rows
    assert set(rows["dimension"]) == {"query", "page", "search_term"}
    assert web["sessions"].sum() == 120 + 35 + 0 + 98 + 12
    assert site.site_sessions == 265
    assert [c.label for c in site.by_platform] == ["facebook"]
    assert site.social.sessions == 12
    assert site.social.share_of_sessions.value == pytest.approx(12 / 265)
    # four queries are not enough for topics: the analysis says so instead of guessing
    assert gaps.topics == () and "not enough data" in gaps.notes[0]


def test_migration_0006_matches_the_model(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from socialdesk.model import Base

    mine = {
        "marketing_plan_version",
        "plan_item",
        "plan_item_comment",
        "marketing_link",
        "marketing_tag",
    }
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert [d for d in diff if any(t in str(d) for t in mine)] == []
