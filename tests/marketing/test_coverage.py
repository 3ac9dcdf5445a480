import numpy as np
import pandas as pd
import pytest

from socialdesk.marketing.coverage import UNTAGGED, coverage, mean_interval
from socialdesk.marketing.plan import from_yaml

PLAN = from_yaml("""
goals:
  - key: g
    objectives:
      - {key: werven, name: Werven, metric: conversions, target: 10, due: 2026-06-01}
      - {key: verkopen, name: Verkopen, metric: conversions, target: 10, due: 2026-06-01}
      - {key: leeg, name: Niets, metric: reach, target: 10, due: 2026-06-01}
pillars:
  - key: vrijwilligers
    name: Vrijwilligers
    keywords: ["#vrijwilligers", vrijwilliger]
    objectives: [werven]
  - {key: shop, name: Shop, keywords: ["#webshop"], objectives: [verkopen]}
""")


def test_effort_and_results_recomputed_by_hand():
    posts = pd.DataFrame(
        {
            "post_id": [1, 2, 3, 4, 5, 6],
            "text": [
                "Dank vrijwilligers! #vrijwilligers",
                "Word vrijwilliger",
                "Nieuw in de #webshop",
                "Bijen",
                "Onze #webshop",
                "Tagged by hand",
            ],
            "title": [None] * 6,
            "engagements": [10.0, 20.0, 5.0, None, 7.0, 100.0],
        }
    )
    tags = pd.DataFrame(
        {
            "target_kind": ["post"],
            "target_id": [6],
            "dimension": ["pillar"],
            "value": ["vrijwilligers"],
            "source": ["person"],
        }
    )
    items = pd.DataFrame(columns=["post_id", "objective", "pillar", "audience"])
    r = coverage(posts, tags, items, PLAN)
    pillars = {s.key: s for s in r.dimensions["pillar"]}
    v = pillars["vrijwilligers"]
    assert v.posts == 3 and v.results == 130.0
    assert v.share_of_posts.value == pytest.approx(3 / 6)
    assert v.share_of_results.value == pytest.approx(130 / 142)
    assert v.by_source == {"rule": 2, "tag": 1}
    assert pillars["shop"].results == 12.0
    assert pillars[UNTAGGED].posts == 1 and not pillars[UNTAGGED].results_per_post.ok
    objectives = {s.key: s.posts for s in r.dimensions["objective"]}
    # the hand-tagged pillar serves one objective, so post 6 counts to it too
    assert objectives == {"verkopen": 2, "werven": 3, UNTAGGED: 1}
    assert r.objectives_without_content == ("leeg",)
    assert r.posts_with_metric == 5 and r.notes


def test_mean_interval_bootstrap_brackets_the_mean():
    rng = np.random.default_rng(1)
    v = rng.poisson(20, 50).astype(float)
    e = mean_interval(v)
    assert e.low < v.mean() < e.high
    assert e.high - e.low < 4


def test_link_sessions_split_over_links_sharing_their_tags():
    from socialdesk.marketing.coverage import link_sessions

    links = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "utm_source": ["instagram", "Instagram", "facebook"],
            "utm_medium": ["social", "social", "social"],
            "utm_campaign": ["voorjaar", "voorjaar", "najaar"],
        }
    )
    web = pd.DataFrame(
        {
            "source": ["instagram", "instagram", "facebook", "google"],
            "medium": ["social", "social", "social", "organic"],
            "campaign": ["voorjaar", "voorjaar", "zomer", "(organic)"],
            "sessions": [30.0, 10.0, 99.0, 500.0],
        }
    )
    got = link_sessions(links, web)
    assert got.to_dict() == {1: 20.0, 2: 20.0, 3: 0.0}


def test_a_campaign_the_plan_ties_by_name_gives_its_objective_content():
    """No post and no tag serve "leeg", but a campaign the plan names for it does."""
    from socialdesk.marketing.coverage import target_coverage

    posts = pd.DataFrame(
        {"post_id": [1], "text": ["#webshop"], "title": [None], "engagements": [1.0]}
    )
    no_tags = pd.DataFrame(columns=["target_kind", "target_id", "dimension", "value", "source"])
    items = pd.DataFrame(columns=["post_id", "objective", "pillar", "audience"])
    ads = pd.DataFrame({"id": [7], "name": ["Zomeractie"], "effort": [120.0], "result": [30.0]})
    by_name = {"Zomeractie": {"objective": "leeg", "audience": None, "pillar": None}}
    camp = target_coverage("campaign", ads, no_tags, PLAN, "spend", "link_clicks", by_name)
    assert "leeg" in coverage(posts, no_tags, items, PLAN).objectives_without_content
    r = coverage(posts, no_tags, items, PLAN, campaigns=camp)
    assert "leeg" not in r.objectives_without_content
    assert "werven" in r.objectives_without_content  # nothing serves it
    idle = pd.DataFrame(columns=["id", "name", "effort", "result"])
    quiet = target_coverage("campaign", idle, no_tags, PLAN, "spend", "link_clicks", by_name)
    assert (
        "leeg" in coverage(posts, no_tags, items, PLAN, campaigns=quiet).objectives_without_content
    )
