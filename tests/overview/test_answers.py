"""The overview's first answers as pure functions: followers per network (never a missing
figure as 0), the ads block's results rule, the highlights and the top posts' short texts."""

from __future__ import annotations

import datetime as dt

from socialdesk.overview.advertising import ads_block
from socialdesk.overview.followers import followers_block
from socialdesk.overview.highlights import highlights
from socialdesk.overview.periods import Comparison, Window, compare_flow
from socialdesk.overview.queries import AccountRow, AdResultRow, FollowerSums
from socialdesk.overview.summary import FIGURES, PlatformOverview
from socialdesk.overview.top import shorten

W = Window(dt.date(2026, 10, 2), dt.date(2026, 10, 31))
D = dt.date


def acc(i: int, platform: str) -> AccountRow:
    return AccountRow(i, platform, f"h{i}", f"Account {i}", None)


def test_followers_counts_net_and_missing_networks():
    accounts = [acc(1, "tiktok"), acc(2, "tiktok"), acc(3, "x"), acc(4, "facebook"), acc(5, "ga4")]
    now = {1: (D(2026, 10, 31), 1000.0), 2: (D(2026, 10, 30), 200.0)}
    before = {1: (D(2026, 10, 1), 900.0), 2: (D(2026, 9, 30), 150.0)}
    sums = {3: FollowerSums(97.0, 30, 69.0, 30)}
    block = followers_block(W, accounts, now, before, {}, sums)
    plats = {p.platform: p for p in block.platforms}
    assert set(plats) == {"tiktok", "x"}
    tt = plats["tiktok"].followers
    assert (tt.total, tt.base, tt.change, tt.change_from) == (1200.0, 1050.0, 150.0, "counts")
    assert tt.as_of == D(2026, 10, 30) and tt.base_as_of == D(2026, 9, 30)
    x = plats["x"].followers
    assert x.total is None and x.change == 28.0 and x.change_from == "gained_lost" and x.complete
    # facebook has no figure: named, never counted as 0; web analytics is not a network
    assert block.without_figures == ("facebook",)
    assert block.total == 1200.0 and block.total_over == ("tiktok",)
    assert block.total_change == 150.0 and block.change_over == ("tiktok",)
    assert block.only_net == ("x",) and block.change_since == D(2026, 9, 30)


def test_followers_first_count_inside_the_period_and_partial_net():
    accounts = [acc(1, "instagram"), acc(2, "x")]
    now = {1: (D(2026, 10, 31), 530.0)}
    first = {1: (D(2026, 10, 12), 500.0)}
    sums = {2: FollowerSums(10.0, 10, 4.0, 10)}  # 10 of 30 days
    block = followers_block(W, accounts, now, {}, first, sums)
    ig, x = (p.followers for p in block.platforms)
    assert ig.change == 30.0 and ig.base_as_of == D(2026, 10, 12)
    assert x.change == 6.0 and not x.complete  # shown as incomplete, never as the period's


def test_followers_a_network_with_one_account_without_count_is_not_summed_as_zero():
    accounts = [acc(1, "linkedin"), acc(2, "linkedin")]
    now = {1: (D(2026, 10, 31), 800.0)}
    before = {1: (D(2026, 10, 1), 700.0)}
    block = followers_block(W, accounts, now, before, {}, {})
    (li,) = block.platforms
    assert li.followers.total == 800.0 and li.with_total == 1 and not li.all_counted
    assert li.followers.change == 100.0


def _row(account, campaign, level, cur, rtype, spend, **given):
    sums = {k: given.get(k) for k in ("results", "conversions", "link_clicks", "clicks")}
    counts = {k: (1 if v is not None else 0) for k, v in sums.items()}
    return AdResultRow(account, campaign, level, cur, rtype, spend, sums, counts)


def test_ads_results_follow_the_ads_rule_and_the_coarsest_level():
    accounts = [acc(10, "meta_ads"), acc(11, "google_ads")]
    rows = [
        # Meta: Results column with a type; the ad-level rows of campaign 1 never add up
        _row(10, 1, 0, "EUR", "Purchases", 100.0, results=10.0, link_clicks=50.0),
        _row(10, 1, 2, "EUR", "Purchases", 100.0, results=10.0),
        # a Meta campaign without results: no result, not zero
        _row(10, 2, 0, "EUR", None, 40.0, link_clicks=8.0),
        # Google: no Results column: conversions
        _row(11, 3, 0, "EUR", None, 60.0, conversions=3.0, clicks=30.0),
    ]
    spend = {10: {"EUR": (140.0, 100.0)}, 11: {"EUR": (60.0, None)}}
    block = ads_block(accounts, spend, rows)
    (eur,) = block.currencies
    assert eur.spend.current == 200.0 and eur.spend.previous == 100.0
    lines = {line.result_type: line for line in eur.lines}
    assert lines["Purchases"].spend == 100.0 and lines["Purchases"].cost_per_result == 10.0
    assert lines["Conversions"].cost_per_result == 20.0
    assert lines[None].results is None and lines[None].cost_per_result is None
    assert block.platforms == ("google_ads", "meta_ads")


def test_highlights_only_shown_changes_with_a_large_enough_base():
    def plat(name, **figs):
        blank = {k: Comparison(None, None, None) for k in FIGURES}
        return PlatformOverview(name, [], {**blank, **figs}, {}, {})

    p = [
        plat("facebook", reach=compare_flow(1200.0, 1000.0, 30, 30, 30)),  # +20%
        plat("x", clicks=compare_flow(9.0, 3.0, 30, 30, 30)),  # +200% from 3: too small
        plat("instagram", reach=compare_flow(500.0, 1000.0, 20, 30, 30)),  # incomplete
        plat("tiktok", engagements=compare_flow(800.0, 1000.0, 30, 30, 30)),  # -20%
    ]
    h = highlights(p)
    assert h.rise.platform == "facebook" and h.rise.key == "reach"
    assert h.fall.platform == "tiktok" and h.compared == 3 and (h.rose, h.fell) == (2, 1)


def test_shorten_cuts_at_a_word():
    assert shorten("a  b\n c") == "a b c"
    long = "woord " * 40
    out = shorten(long, 50)
    assert out.endswith("…") and len(out) <= 51 and "  " not in out
    assert shorten(None) is None and shorten("   ") is None
