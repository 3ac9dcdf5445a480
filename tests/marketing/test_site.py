import datetime as dt

import numpy as np
import pandas as pd
import pytest

from socialdesk.marketing.site import (
    campaign_daily_clicks,
    is_paid,
    name_match,
    rate_per_session,
    site_contribution,
    social_platform,
    untagged_campaigns,
)


def _web(rows):
    cols = [
        "account_id",
        "report",
        "date_start",
        "date_end",
        "source",
        "medium",
        "campaign",
        "channel_group",
        "sessions",
        "engaged_sessions",
        "conversions",
        "revenue",
    ]
    return pd.DataFrame(rows, columns=cols)


def test_sources_and_mediums_are_read_as_platforms():
    assert social_platform("l.facebook.com") == "facebook"
    assert social_platform("lm.facebook.com") == "facebook"
    assert social_platform("t.co") == "x"
    assert social_platform("nieuwsbrief", "email") is None
    assert social_platform("mastodon.social", "social") == "other social"
    assert is_paid("paid_social") and is_paid("cpc") and not is_paid("referral")
    assert not is_paid("cpc", "Organic Social")  # the channel group wins


def test_contribution_recomputed_by_hand():
    d = dt.date(2026, 2, 1)
    web = _web(
        [
            (
                1,
                "ta",
                d,
                d,
                "l.facebook.com",
                "referral",
                "(referral)",
                "Organic Social",
                100,
                60,
                2,
                80.0,
            ),
            (1, "ta", d, d, "facebook", "paid_social", "kerst", "Paid Social", 300, 120, 9, 400.0),
            (1, "ta", d, d, "google", "organic", "(organic)", "Organic Search", 600, 400, 9, 300.0),
            (
                1,
                "other",
                d,
                d,
                "google",
                "organic",
                "(organic)",
                "Organic Search",
                600,
                400,
                9,
                300.0,
            ),
        ]
    )
    r = site_contribution(web, {"kerst": "webshop"})
    assert r.site_sessions == 1000  # the second report is not added
    assert r.social.sessions == 400
    assert r.social.share_of_sessions.value == pytest.approx(0.4)
    assert r.social.share_of_conversions.value == pytest.approx(11 / 20)
    fb = {(c.label, c.paid): c for c in r.by_platform}
    assert fb[("facebook", True)].revenue == 400.0
    assert [c.label for c in r.by_campaign] == ["kerst"]
    assert [c.label for c in r.by_pillar] == ["webshop"]
    assert any("other" in n for n in r.notes)


def test_rate_per_session_is_the_exact_poisson_interval():
    from scipy.stats import chi2

    e = rate_per_session(9, 300)
    assert e.value == pytest.approx(0.03)
    assert e.low == pytest.approx(chi2.ppf(0.025, 18) / 2 / 300)
    assert e.high == pytest.approx(chi2.ppf(0.975, 20) / 2 / 300)
    assert rate_per_session(0, 100).low == 0


def test_name_match():
    assert name_match("kerstactie_2025", "Kerstactie webshop 2025") == 1.0
    assert name_match("Search - Merk", "Search - Merk") == 1.0
    assert name_match("2026", "Dakendag 2026") == 0.0
    assert name_match("kerstactie_2025", "Kerstactie webshop 2026") == 0.0  # another year
    assert name_match("campagne_10_voorjaar", "Campagne 0 | Voorjaar") == 0.0
    assert name_match("donateurs_najaar_2026", "Vrijwilligers werven | Voorjaar 2026") < 0.5


def _world(seed=3, slope=0.8):
    """A year of daily GA4 rows and two Meta campaigns: one tagged, one sending its visitors
    without UTM tags (they land in (direct) / (none) at `slope` sessions per click)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    n = len(days)
    on = (days >= "2026-03-01") & (days <= "2026-05-19")
    budget = np.repeat(rng.uniform(20, 120, size=n // 10 + 1), 10)[:n]
    untagged_clicks = np.where(on, rng.poisson(budget * 3), 0)
    tagged_clicks = rng.poisson(100, n)
    direct = rng.poisson(90, n) + rng.binomial(untagged_clicks, slope)
    web, ads = [], []
    for i, d in enumerate(days.date):
        web.append((1, "ta", d, d, "(direct)", "(none)", "(direct)", "Direct", direct[i], 0, 0, 0))
        web.append(
            (
                1,
                "ta",
                d,
                d,
                "facebook",
                "paid_social",
                "webshop_altijd_aan",
                "Paid Social",
                rng.binomial(tagged_clicks[i], 0.85),
                0,
                0,
                0,
            )
        )
        web.append(
            (
                1,
                "ta",
                d,
                d,
                "l.facebook.com",
                "referral",
                "(referral)",
                "Organic Social",
                rng.poisson(20),
                0,
                0,
                0,
            )
        )
        ads.append(
            (
                1,
                "Webshop | Altijd aan",
                "meta_ads",
                "ad_set:a|ad:1",
                d,
                d,
                10.0,
                1000,
                None,
                tagged_clicks[i],
            )
        )
        if on[i]:
            half = untagged_clicks[i] // 2
            ads.append(
                (
                    2,
                    "Vrijwilligers werven | Voorjaar 2026",
                    "meta_ads",
                    "ad_set:b|ad:2",
                    d,
                    d,
                    10.0,
                    1000,
                    None,
                    half,
                )
            )
            ads.append(
                (
                    2,
                    "Vrijwilligers werven | Voorjaar 2026",
                    "meta_ads",
                    "ad_set:b|ad:3",
                    d,
                    d,
                    10.0,
                    1000,
                    None,
                    untagged_clicks[i] - half,
                )
            )
    ad_cols = [
        "campaign_id",
        "campaign",
        "platform",
        "grain",
        "date_start",
        "date_end",
        "spend",
        "impressions",
        "clicks",
        "link_clicks",
    ]
    return _web(web), pd.DataFrame(ads, columns=ad_cols), int(untagged_clicks.sum())


def test_ad_level_rows_are_summed_once_per_campaign_day():
    _web_rows, ads, total = _world()
    daily = campaign_daily_clicks(ads)
    assert daily.loc[daily["campaign_id"] == 2, "clicks"].sum() == total


def test_untagged_campaign_is_found_and_its_landing_estimated():
    web, ads, total = _world(slope=0.8)
    found = {c.campaign: c for c in untagged_campaigns(web, ads)}
    assert found["Webshop | Altijd aan"].tagged
    assert found["Webshop | Altijd aan"].ga4_campaign == "webshop_altijd_aan"
    bad = found["Vrijwilligers werven | Voorjaar 2026"]
    assert not bad.tagged and bad.ga4_campaign is None
    assert bad.clicks == total
    assert bad.likely_landing.source_medium == "(direct) / (none)"
    assert bad.likely_landing.sessions_per_click.contains(0.8)


@pytest.mark.slow
def test_landing_interval_covers_the_truth_about_95_percent_of_the_time():
    hits = 0
    for seed in range(40):
        web, ads, _ = _world(seed=seed, slope=0.6)
        bad = next(c for c in untagged_campaigns(web, ads) if not c.tagged)
        landing = next(lnd for lnd in bad.landings if lnd.source_medium == "(direct) / (none)")
        hits += landing.sessions_per_click.contains(0.6)
    assert hits >= 34  # 95% nominal; 34 of 40 is the 1% binomial lower tail
