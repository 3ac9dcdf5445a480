"""Tying posts, ad campaigns and links to the plan (run.set_tags, queries.tag_targets), the
coverage that follows from the ties, and `socialdesk plan tag` (SQLite and PostgreSQL)."""

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from socialdesk.marketing import queries, run
from socialdesk.marketing.coverage import UNTAGGED
from socialdesk.marketing.plan import from_yaml
from socialdesk.model import Account, AdDay, Campaign, Post, PostMetrics
from socialdesk.store import session_scope
from socialdesk.store.rollups import refresh_accounts

PLAN = """
name: Tags
goals:
  - key: g
    objectives:
      - {key: werven, name: Werven, metric: conversions, target: 10, due: 2026-12-31}
      - {key: verkopen, name: Verkopen, metric: conversions, target: 10, due: 2026-12-31}
      - {key: leeg, name: Leeg, metric: reach, target: 10, due: 2026-12-31}
audiences:
  - {key: tuin, name: Tuinbezitters}
pillars:
  - {key: tips, name: Tips, keywords: ["#tips"], objectives: [werven]}
  - {key: shop, name: Shop, keywords: ["#shop"]}
campaigns:
  - {name: voorjaar, objective: verkopen, pillar: shop}
"""


def _seed(ws) -> dict[str, int]:
    """Three posts (10, 20, 30 engagements), two campaigns (one named in the plan), a link."""
    wid = ws.workspace_id
    with session_scope(ws.engine) as s:
        run.save_plan(s, wid, from_yaml(PLAN), "ann")
        acc = Account(workspace_id=wid, platform="instagram", handle="groendak", name="Groen Dak")
        ads = Account(workspace_id=wid, platform="meta_ads", handle="ads")
        s.add_all([acc, ads])
        s.flush()
        posts = []
        for k, (text, eng) in enumerate([("Een #tips", 10.0), ("Zomaar", 20.0), ("Iets", 30.0)]):
            p = Post(
                account_id=acc.id,
                external_id=f"p{k}",
                published_at=dt.datetime(2026, 3, 2 + k, 9),
                text=text,
            )
            s.add(p)
            s.flush()
            s.add(PostMetrics(post_id=p.id, as_of=dt.date(2026, 4, 1), engagements=eng))
            posts.append(p.id)
        s.flush()
        refresh_accounts(s.connection(), [acc.id])  # the store's latest figures, as an import
        camps = []
        for name, spend, clicks in (("voorjaar", 100.0, 40.0), ("najaar", 300.0, 60.0)):
            c = Campaign(account_id=ads.id, key=name, name=name)
            s.add(c)
            s.flush()
            for day in (1, 2):  # two days at campaign grain, plus an ad set row that must not add
                s.add(
                    AdDay(
                        campaign_id=c.id,
                        grain="campaign",
                        date_start=dt.date(2026, 3, day),
                        date_end=dt.date(2026, 3, day),
                        spend=spend / 2,
                        link_clicks=clicks / 2,
                    )
                )
            s.add(
                AdDay(
                    campaign_id=c.id,
                    grain="ad_set:x",
                    date_start=dt.date(2026, 3, 1),
                    date_end=dt.date(2026, 3, 1),
                    spend=999.0,
                    link_clicks=999.0,
                )
            )
            camps.append(c.id)
        link = queries.save_link(
            s,
            wid,
            url="https://x.nl/?utm_source=instagram&utm_medium=social&utm_campaign=voorjaar",
            base_url="https://x.nl/",
            params={"utm_source": "instagram", "utm_medium": "social", "utm_campaign": "voorjaar"},
        )
    return {
        "p0": posts[0],
        "p1": posts[1],
        "p2": posts[2],
        "voorjaar": camps[0],
        "najaar": camps[1],
        "link": link,
    }


def test_ties_are_checked_listed_and_counted(ws):
    ids = _seed(ws)
    wid = ws.workspace_id
    with ws.session() as s:
        rows, total = run.tag_rows(s, wid, "post")
        assert total == 3 and [r.id for r in rows] == [ids["p2"], ids["p1"], ids["p0"]]
        # without a tag, the keyword rule proposes the pillar (and its single objective)
        by_id = {r.id: r for r in rows}
        assert by_id[ids["p0"]].suggested == {"pillar": "tips", "objective": "werven"}
        assert by_id[ids["p0"]].tags == {}
        assert by_id[ids["p1"]].suggested == {}  # nothing to propose: no NaN shows up
        camp_rows, _n = run.tag_rows(s, wid, "campaign")
        assert {r.label: r.suggested.get("objective") for r in camp_rows} == {
            "voorjaar": "verkopen",
            "najaar": None,
        }
        before = run.coverage_for(s, wid)
        # no post serves "verkopen", but the plan names campaign "voorjaar" for it
        assert "verkopen" not in before.objectives_without_content
        assert "leeg" in before.objectives_without_content
    with session_scope(ws.engine) as s:
        run.set_tags(s, wid, "post", ids["p1"], {"objective": "verkopen", "pillar": "shop"}, "ann")
        run.set_tags(s, wid, "post", ids["p2"], {"audience": "tuin"}, "ann")
        run.set_tags(s, wid, "campaign", ids["najaar"], {"objective": "werven"}, "ann")
        run.set_tags(s, wid, "link", ids["link"], {"objective": "leeg", "pillar": "tips"}, "ann")
        with pytest.raises(ValueError, match="not in the plan"):
            run.set_tags(s, wid, "post", ids["p0"], {"objective": "bestaat_niet"}, "ann")
        with pytest.raises(LookupError):
            run.set_tags(s, wid, "post", 987654321, {"objective": "werven"}, "ann")
        with pytest.raises(ValueError):
            run.set_tags(s, wid, "ad", ids["p0"], {"objective": "werven"}, "ann")
    with ws.session() as s:
        rows, total = run.tag_rows(s, wid, "post")
        assert total == 1 and [r.id for r in rows] == [ids["p0"]]  # untagged only
        everything, n_all = run.tag_rows(s, wid, "post", untagged_only=False)
        assert n_all == 3
        assert {r.id: r.tags for r in everything}[ids["p1"]] == {
            "objective": "verkopen",
            "pillar": "shop",
        }
        assert queries.tag_targets(s, wid, "campaign", limit=0)[1] == 1  # voorjaar
        assert queries.tag_targets(s, wid, "link", limit=0)[1] == 0
        c = run.coverage_for(s, wid)
    objectives = {r.key: (r.posts, r.results, r.by_source) for r in c.dimensions["objective"]}
    assert objectives["verkopen"] == (1, 20.0, {"tag": 1})
    assert objectives["werven"] == (1, 10.0, {"rule": 1})
    assert objectives[UNTAGGED] == (1, 30.0, {"none": 1})
    audiences = {r.key: r.posts for r in c.dimensions["audience"]}
    assert audiences == {"tuin": 1, UNTAGGED: 2}
    # a tied link and campaign count as content: no objective is left bare
    assert c.objectives_without_content == ()
    camp = {
        r.key: (r.count, r.effort, r.results, r.by_source)
        for r in c.campaigns.dimensions["objective"]
    }
    # spend and link clicks at campaign grain only (the ad set rows of 999 are not added)
    assert camp == {
        "verkopen": (1, 100.0, 40.0, {"plan": 1}),
        "werven": (1, 300.0, 60.0, {"tag": 1}),
    }
    shares = {r.key: r.share_of_effort.value for r in c.campaigns.dimensions["objective"]}
    assert shares["werven"] == pytest.approx(0.75)
    links = {r.key: r.count for r in c.links.dimensions["pillar"]}
    assert links == {"tips": 1}
    # removing a tie
    with session_scope(ws.engine) as s:
        run.set_tags(s, wid, "post", ids["p1"], {"objective": "", "pillar": None}, "ann")
    with ws.session() as s:
        assert queries.tags_of(s, wid, "post", [ids["p1"]]) == {}


def test_cli_plan_tag(tmp_path):
    from socialdesk.cli import app
    from socialdesk.store import open_workspace

    handle = open_workspace(tmp_path / "ws")
    ids = _seed(handle)
    runner = CliRunner()
    base = ["plan", "tag", "-w", str(handle.folder)]
    out = runner.invoke(
        app,
        [*base, "--post", str(ids["p1"]), "--objective", "werven", "--audience", "tuin", "--json"],
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["tags"] == {"objective": "werven", "audience": "tuin"}
    out = runner.invoke(app, [*base, "--campaign", str(ids["najaar"]), "--pillar", "shop"])
    assert out.exit_code == 0 and "pillar shop" in out.output
    out = runner.invoke(app, [*base, "--post", str(ids["p1"]), "--audience", "none", "--json"])
    assert json.loads(out.output)["tags"] == {"objective": "werven"}
    bad = runner.invoke(app, [*base, "--link", str(ids["link"]), "--objective", "nope"])
    assert bad.exit_code == 2 and "not in the plan" in bad.output
    two = runner.invoke(app, [*base, "--post", "1", "--link", "1", "--pillar", "tips"])
    assert two.exit_code == 2
    missing = runner.invoke(app, [*base, "--post", "999999", "--pillar", "tips"])
    assert missing.exit_code == 2 and "no post 999999" in missing.output
    with handle.session() as s:
        assert queries.tags_of(s, handle.workspace_id, "campaign", [ids["najaar"]]) == {
            ids["najaar"]: {"pillar": "shop"}
        }
