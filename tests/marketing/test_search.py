import pandas as pd
import pytest

from socialdesk.marketing.search import pick_periods, search_gaps, share_interval

QUERIES = pd.DataFrame(
    {
        "value": [
            "subsidie groen dak",
            "groen dak subsidie 2026",
            "groen dak aanleggen",
            "sedumdak onderhoud",
            "sedum planten dak",
            "groen dak",
            "regenton kopen",
            "insectenhotel kopen",
        ],
        "clicks": [10, 5, 40, 30, 20, 300, 3, 4],
        "impressions": [900, 300, 1000, 800, 500, 3000, 200, 300],
        "position": [14.0, 16.0, 4.0, 3.0, 5.0, 1.5, 12.0, 8.0],
    }
)
POSTS = pd.DataFrame(
    {
        "text": (
            ["Zo leg je een groendak aan: begin met sedum #tuintips"] * 6
            + ["Sedumdak onderhoud in het voorjaar #tuintips"] * 4
            + ["Onze vrijwilligers aan het werk #vrijwilligers groendak.nl/vrijwilligers"] * 5
        )
    }
)
PAGES = pd.DataFrame(
    {
        "value": [
            "https://groendak.nl/",
            "https://groendak.nl/kennisbank/kosten",
            "https://groendak.nl/vrijwilligers",
        ],
        "clicks": [500, 20, 30],
        "impressions": [4000, 2000, 900],
        "position": [1.2, 11.0, 6.0],
    }
)
PAID = pd.DataFrame(
    {
        "value": ["subsidie groen dak", "sedum kopen"],
        "clicks": [43, 12],
        "impressions": [1614, 300],
        "position": [None, None],
    }
)


def test_subsidy_demand_without_posts_is_a_gap():
    r = search_gaps(QUERIES, POSTS, PAGES, PAID, brand=["Stichting Groen Dak"])
    by = {t.name: t for t in r.topics}
    sub = by["subsidie"]
    assert sub.status == "gap"
    assert set(sub.queries) == {"subsidie groen dak", "groen dak subsidie 2026"}
    total = QUERIES["impressions"].sum()
    assert sub.demand_share.value == pytest.approx(1200 / total)  # counted by hand
    assert sub.impressions == 1200 and sub.clicks == 15
    assert sub.position == pytest.approx((900 * 14 + 300 * 16) / 1200)
    assert sub.posts_covering == 0
    # 0 of 15 posts: the exact upper bound is 1 - 0.025^(1/15)
    assert sub.post_share.high == pytest.approx(1 - 0.025 ** (1 / 15))
    assert by["sedum"].status == "covered" and by["sedum"].posts_covering == 10
    assert next(t.name for t in r.gaps) == "subsidie"  # gaps first, biggest first
    # brand words never head a topic
    assert "groen dak" not in [t.name for t in r.topics]
    assert {"groen", "dak"} <= {s[:5] for s in r.shared_terms} | {"groen", "dak"}


def test_pages_paid_terms_and_social_only_terms():
    r = search_gaps(QUERIES, POSTS, PAGES, PAID, brand=["Stichting Groen Dak"])
    pages = [p.page for p in r.pages]
    assert pages == ["https://groendak.nl/kennisbank/kosten"]  # /vrijwilligers is linked, / ranks 1
    assert r.pages[0].ctr.value == pytest.approx(20 / 2000)
    assert r.pages[0].ctr.low < 0.01 < r.pages[0].ctr.high
    assert [p.term for p in r.paid_terms] == ["subsidie groen dak"]  # "sedum" is covered
    assert "vrijwilligers" in [s.name for s in r.social_only]  # a hashtag no query holds
    assert "sedum" not in [s.name for s in r.social_only]


def test_too_few_queries_says_so():
    r = search_gaps(QUERIES.head(3), POSTS)
    assert r.topics == () and "not enough data" in r.notes[0]


def test_overlapping_periods_are_not_added_up():
    rows = pd.DataFrame(
        {
            "account_id": [1, 1, 1],
            "dimension": ["query"] * 3,
            "value": ["a", "a", "a"],
            "date_start": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-04-01"]).date,
            "date_end": pd.to_datetime(["2026-03-31", "2026-02-28", "2026-04-30"]).date,
            "clicks": [9, 3, 1],
            "impressions": [90, 30, 10],
            "position": [1.0, 1.0, 1.0],
        }
    )
    kept, notes = pick_periods(rows)
    assert sorted(kept["impressions"]) == [10, 90]
    assert notes


def test_share_interval_matches_clopper_pearson():
    from scipy.stats import beta

    e = share_interval(3, 40)
    assert e.value == pytest.approx(3 / 40)
    assert e.low == pytest.approx(beta.ppf(0.025, 3, 38))
    assert e.high == pytest.approx(beta.ppf(0.975, 4, 37))


def test_posts_read_in_batches_give_what_one_frame_gives():
    """Issue #18: the page reads an agency's posts in batches (two passes); the answer is the
    one a single frame gives, examples and counts included."""
    whole = search_gaps(QUERIES, POSTS, PAGES, PAID, brand=["Stichting Groen Dak"])

    def batches():
        return (POSTS.iloc[i : i + 2] for i in range(0, len(POSTS), 2))

    batched = search_gaps(QUERIES, batches, PAGES, PAID, brand=["Stichting Groen Dak"])
    assert batched == whole
    assert search_gaps(QUERIES.head(3), batches) == search_gaps(QUERIES.head(3), POSTS)
