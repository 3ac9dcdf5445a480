"""Creative and audience tests: corrected p-values, chance to be best, sample, peeking."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socialdesk.ads.creative_tests import compare_variants

END = dt.date(2026, 3, 31)


def _ads(spec, last=END, campaign_id=1, ad_set_id=10):
    """spec: name -> (impressions, clicks, results, spend); one row per ad over March."""
    rows = []
    for i, (name, (imp, clk, res, spend)) in enumerate(spec.items()):
        rows.append(
            {
                "account_id": 1,
                "platform": "meta_ads",
                "account": "A",
                "account_currency": "EUR",
                "campaign_id": campaign_id,
                "campaign": "Lente",
                "campaign_key": "Lente",
                "objective": None,
                "ad_set_id": ad_set_id,
                "ad_set": "Set",
                "ad_id": 100 + i,
                "ad": name,
                "grain": f"ad_set:Set|ad:{name}",
                "breakdown": None,
                "date_start": dt.date(2026, 3, 1),
                "date_end": last,
                "currency": "EUR",
                "spend": spend,
                "impressions": imp,
                "reach": None,
                "frequency": None,
                "clicks": clk,
                "link_clicks": clk,
                "results": res,
                "conversions": None,
                "conversion_value": None,
                "result_type": "Purchases",
                "attribution_setting": None,
            }
        )
    f = pd.DataFrame(rows)
    for c in ("ad_set_id", "ad_id"):
        f[c] = f[c].astype("Int64")
    return f


def test_pairwise_tests_with_holm_by_hand():
    from statsmodels.stats.proportion import test_proportions_2indep

    spec = {
        "A": (50000, 600, 30, 500.0),
        "B": (50000, 500, 25, 500.0),
        "C": (50000, 480, 24, 500.0),
    }
    (t,) = compare_variants(_ads(spec), metric="ctr", as_of=END + dt.timedelta(days=30))
    raw = {(p.a, p.b): p.p_value for p in t.pairs}
    assert raw[("A", "B")] == pytest.approx(test_proportions_2indep(600, 50000, 500, 50000).pvalue)
    # Holm by hand: sorted p-values times (m, m-1, ...), made monotone, capped at 1
    ordered = sorted(raw.items(), key=lambda kv: kv[1])
    running, expected = 0.0, {}
    for i, (pair, p) in enumerate(ordered):
        running = max(running, min(1.0, (len(ordered) - i) * p))
        expected[pair] = running
    for p in t.pairs:
        assert p.p_adjusted == pytest.approx(expected[(p.a, p.b)])
        assert p.significant == (p.p_adjusted < 0.05)
    ab = next(p for p in t.pairs if (p.a, p.b) == ("A", "B"))
    assert ab.difference.value == pytest.approx(600 / 50000 - 500 / 50000)
    assert sum(v.prob_best for v in t.variants) == pytest.approx(1.0)
    assert max(t.variants, key=lambda v: v.prob_best).name == "A" == t.leader


def test_sample_needed_for_a_ctr_rise_from_one_to_one_point_two_percent():
    # two variants at a pooled 1.0%: detecting +20% (to 1.2%) needs about 43,000 impressions
    spec = {"A": (5000, 50, 1, 10.0), "B": (5000, 50, 1, 10.0)}
    (t,) = compare_variants(_ads(spec), metric="ctr", min_lift=0.20)
    assert 42_000 < t.needed_per_variant < 44_000
    assert "more impressions per variant" in t.verdict


def test_a_running_test_that_leads_early_gets_a_peeking_warning_and_no_winner():
    spec = {"A": (6000, 120, 5, 50.0), "B": (6000, 60, 3, 50.0)}
    (t,) = compare_variants(_ads(spec), metric="ctr", as_of=END)
    assert t.running and t.pairs[0].significant
    assert t.winner is None and "not a decision" in t.verdict
    assert "28%" in t.peeking_warning
    (done,) = compare_variants(_ads(spec), metric="ctr", as_of=END + dt.timedelta(days=10))
    assert not done.running and done.winner == "A" and done.peeking_warning is None


def test_cpa_compares_results_per_euro_and_audience_tests_group_by_campaign():
    spec = {"A": (10000, 100, 40, 200.0), "B": (10000, 100, 10, 200.0)}
    (t,) = compare_variants(_ads(spec), metric="cpa", as_of=END + dt.timedelta(days=10))
    a = next(v for v in t.variants if v.name == "A")
    assert a.cpa == pytest.approx(5.0) and a.rate.value == pytest.approx(40 / 200)
    assert t.leader == "A" and t.pairs[0].difference.value == pytest.approx(4.0)
    sets = pd.concat(
        [
            _ads({"X": (1000, 10, 1, 5.0)}, ad_set_id=10),
            _ads({"Y": (1000, 20, 2, 5.0)}, ad_set_id=11),
        ]
    )
    sets["ad_set"] = ["Set 10", "Set 11"]
    (aud,) = compare_variants(sets, metric="ctr", level="ad_set")
    assert {v.name for v in aud.variants} == {"Set 10", "Set 11"} and aud.group == "Lente"


def test_a_single_ad_is_no_test():
    assert compare_variants(_ads({"A": (1000, 10, 1, 5.0)})) == []


def test_ads_with_the_same_name_are_told_apart():
    # Meta keeps a duplicated ad's name: two "Ad 1" next to "Ad 2" must still be three variants
    # with their own pairs and a leader (before, the pairs merged and the leader search crashed)
    f = _ads({"x": (40000, 600, 6, 100.0), "y": (40000, 400, 4, 100.0), "z": (40000, 300, 3, 100)})
    f["ad"] = ["Ad 1", "Ad 1", "Ad 2"]
    (test,) = compare_variants(f)
    names = [v.name for v in test.variants]
    assert len(set(names)) == 3 and "Ad 2" in names
    assert sorted(n for n in names if n.startswith("Ad 1")) == ["Ad 1 (#100)", "Ad 1 (#101)"]
    assert {(p.a, p.b) for p in test.pairs} >= {("Ad 1 (#100)", "Ad 1 (#101)")}
    assert "Ad 1 (#100)" in test.verdict
