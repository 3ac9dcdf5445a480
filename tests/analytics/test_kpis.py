"""KPIs recomputed by hand from real-format fixture files, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from scipy import stats

from socialdesk.analytics import Slice, kpi
from socialdesk.analytics.kpis import MIN_UNITS, domain_for, ratio_estimate
from socialdesk.catalogue import get_metric
from tests.conftest import fixture_path

IG = [
    fixture_path("meta", f"meta_business_suite_instagram_posts_{n}.csv")
    for n in ("en", "nl", "other_order")
]
GOOGLE_DAILY = fixture_path("google", "google_ads_campaign_report_daily.csv")
YEAR = Slice(dt.date(2025, 1, 1), dt.date(2026, 12, 31))

# Read off the three Instagram files: (likes, shares, comments, saves, reach); "" / "-" = none.
IG_POSTS = {
    "prinspetfoods": [
        (410, 12, 20, 55, 9800),
        (88, None, 7, 31, 1950),
        (1204, 230, 57, 1010, 88912),
        (301, 8, 14, 9, 3377),
        (512, 25, 33, 140, 4881),
        (998, 77, 41, None, 15002),
    ],
    "stichting.despaak": [(5, 3, 2, 4, 45)],
    "despaak.events": [(140, 22, 9, 17, 2050)],
}


def _interactions(post: tuple) -> float:
    return float(sum(v for v in post[:4] if v is not None))


def _all_posts() -> list[tuple]:
    return [p for posts in IG_POSTS.values() for p in posts]


def _delta_interval(y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """The ratio estimator's interval, written out from its textbook formula."""
    n = len(y)
    r = y.sum() / x.sum()
    se = math.sqrt(((y - r * x) ** 2).sum() / (n * (n - 1))) / x.mean()
    t = stats.t.ppf(0.975, n - 1)
    return r - t * se, r + t * se


def test_engagement_rate_of_instagram_is_interactions_over_reach(importer, ws):
    reports = importer.import_paths(IG)
    assert all(r.status == "imported" for r in reports), reports
    with ws.session() as s:
        result = kpi(s, ws.workspace_id, "engagement_rate", YEAR)
    (value,) = result.values
    posts = _all_posts()
    y = np.array([_interactions(p) for p in posts])
    x = np.array([p[4] for p in posts], dtype=float)
    assert result.domain == "posts" and value.units == 8 and value.value.n == 8
    assert value.numerator == y.sum() == 5484
    assert value.denominator == x.sum() == 126017
    assert value.value.value == pytest.approx(5484 / 126017, rel=1e-12)
    low, high = _delta_interval(y, x)
    assert (value.value.low, value.value.high) == (pytest.approx(low), pytest.approx(high))


def test_per_account_slices_carry_their_own_sample_size(importer, ws):
    importer.import_paths(IG)
    with ws.session() as s:
        result = kpi(s, ws.workspace_id, "engagement_rate", YEAR, ("account",))
        from socialdesk.analytics.queries import accounts

        names = accounts(s, ws.workspace_id).set_index("account_id")["account"].to_dict()
    by_name = {names[v.group["account"]]: v for v in result.values}
    assert set(by_name) == {"Prins Petfoods", "Stichting De Spaak", "De Spaak Events"}
    prins = by_name["Prins Petfoods"]
    posts = IG_POSTS["prinspetfoods"]
    assert prins.value.n == 6
    assert prins.value.value == pytest.approx(
        sum(_interactions(p) for p in posts) / sum(p[4] for p in posts)
    )
    small = by_name["Stichting De Spaak"]  # one post: a sum, but no rate
    assert small.numerator == 14 and small.value.value is None
    assert small.value.method == f"not enough data: 1 posts, at least {MIN_UNITS} needed"


def test_interactions_sum_what_each_post_has(importer, ws):
    importer.import_paths(IG)
    with ws.session() as s:
        total = kpi(s, ws.workspace_id, "interactions", YEAR).values[0]
        reels = kpi(
            s, ws.workspace_id, "interactions", Slice(YEAR.start, YEAR.end, media_type="reel")
        ).values[0]
    assert total.value.value == 5484 and total.value.low == total.value.high == 5484
    # the reels: 1204+230+57+1010, 998+77+41 (no saves), 140+22+9+17
    assert reels.value.value == 2501 + 1116 + 188 and reels.value.n == 3


def test_ad_rates_pair_numerator_and_denominator_row_by_row(importer, ws):
    importer.import_paths([GOOGLE_DAILY])
    with ws.session() as s:
        cpc = kpi(s, ws.workspace_id, "cpc", YEAR).values[0]
        roas = kpi(s, ws.workspace_id, "roas", YEAR).values[0]
        cpm = kpi(s, ws.workspace_id, "cpm", YEAR).values[0]
    assert cpc.group == {"currency": "EUR"}  # money is grouped by currency
    assert cpc.numerator == pytest.approx(52.10 + 49.87 + 0.00 + 3.20)
    assert cpc.denominator == 40 + 38 + 0 + 5
    # Brand Display has no conversion value ("--"): its spend stays out of ROAS
    assert roas.numerator == pytest.approx(180 + 90 + 0)
    assert roas.denominator == pytest.approx(52.10 + 49.87 + 0.00)
    assert cpm.denominator == 1200 + 1150 + 0 + 900
    assert cpc.value.value is None and cpc.value.n == 4  # four rows: too few for a rate


def test_ratio_estimate_matches_the_formula_and_scales():
    rng = np.random.default_rng(3)
    x = rng.integers(100, 1000, 40).astype(float)
    y = rng.binomial(x.astype(int), 0.05).astype(float)
    est = ratio_estimate(
        len(x), y.sum(), x.sum(), (y * y).sum(), (x * x).sum(), (x * y).sum(), scale=1000.0
    )
    low, high = _delta_interval(y, x)
    assert est.value == pytest.approx(1000 * y.sum() / x.sum())
    assert est.low == pytest.approx(1000 * low) and est.high == pytest.approx(1000 * high)


def test_metrics_go_where_their_inputs_are_stored():
    assert domain_for(get_metric("engagement_rate")) == "posts"
    assert domain_for(get_metric("cpc")) == "ads"
    assert domain_for(get_metric("ctr"), "google_ads") == "ads"
    assert domain_for(get_metric("ctr"), "search_console") == "search"
    assert domain_for(get_metric("session_conversion_rate")) == "web"
    with pytest.raises(ValueError, match="cannot be computed from web"):
        domain_for(get_metric("cpc"), asked="web")


def test_unavailable_metrics_say_not_enough_data(ws):
    with ws.session() as s:
        result = kpi(s, ws.workspace_id, "response_rate", YEAR)
    assert result.values == () and result.note.startswith("not enough data")
