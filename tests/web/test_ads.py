"""The advertising pages and their JSON twins (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import numpy as np
import pytest
from markupsafe import escape

from tests.ads.seeding import START, curve_days, write_rows
from tests.web.conftest import make_client

PAGES = ("/ads", "/ads/pacing", "/ads/tests", "/ads/fatigue", "/ads/curves", "/ads/budget")


@pytest.fixture
def client(ws):
    rng = np.random.default_rng(8)
    rows = curve_days(rng, "Small <b>", 12.0, 25.0, 1.2) + curve_days(rng, "Big", 30.0, 150.0, 1.1)
    write_rows(ws, rows)
    return make_client(ws)


def test_every_page_and_twin_answers(client):
    for path in PAGES:
        html = client.get(path + "?lang=en")
        assert html.status_code == 200, (path, html.text[:300])
        assert "Small &lt;b&gt;" in html.text or path in (
            "/ads/tests",
            "/ads/fatigue",
            "/ads/pacing",
        )
        twin = client.get(path + ".json")
        assert twin.status_code == 200 and twin.headers["content-type"] == "application/json"


def test_campaign_table_figures_match_the_skill(client):
    data = client.get("/ads.json?days=0").json()
    rows = {r["name"]: r["figures"] for r in data["report"]["rows"]}
    assert set(rows) == {"Small <b>", "Big"}
    small = rows["Small <b>"]
    assert small["cpa"] == pytest.approx(small["spend"] / small["results"]["Purchases"])
    assert data["report"]["totals"]["EUR"]["spend"] == pytest.approx(
        sum(f["spend"] for f in rows.values())
    )
    html = client.get("/ads?days=0&lang=nl").text
    assert "Small &lt;b&gt;" in html and "<b>" not in html.split('id="main"', 1)[1]
    assert 'data-chart="ad-' in html  # the spend sparkline
    # results first: what is paid, what it brought and at what cost, before reach and clicks
    head = html.split('<table class="data">', 1)[1].split("</thead>", 1)[0]
    columns = [htmllib.unescape(c) for c in re.findall(r"<th[^>]*>([^<]*)</th>", head)]
    assert columns[:5] == ["Naam", "Uitgaven", "Resultaten", "CPA", "ROAS"], columns


def test_unknown_attribution_is_said_once_under_the_table(client):
    """An export without the attribution setting (Google Ads never has it) is told once under
    the table, not in every row's results."""
    html = client.get("/ads?days=0&lang=en").text
    main = html.split('id="main"', 1)[1]
    assert "Attribution setting:" not in main
    assert 'data-unattributed="2"' in main and "not in the export for 2 of 2 rows" in main
    dutch = client.get("/ads?days=0&lang=nl").text
    assert "Attributie-instelling niet in de export voor 2 van 2 rijen" in dutch


def test_budget_page_lists_current_recommended_and_reasons(client):
    data = client.get("/ads/budget.json?total=3000&days=30").json()
    plan = data["plan"]
    assert plan["total"] == 3000 and len(plan["allocations"]) == 2
    assert all(a["reasons"] for a in plan["allocations"])
    assert client.get("/ads/budget.json?total=-5").status_code == 422
    html = client.get("/ads/budget?total=3000&lang=nl").text
    assert "Budgetverdeling" in html


def test_team_mode_needs_a_login(team_clients):
    anonymous = team_clients(None)
    assert anonymous.get("/ads/budget").status_code == 303
    assert anonymous.get("/ads/budget.json").status_code == 401
    assert team_clients("viewer").get("/ads/curves.json").status_code == 200


# -- fatigue: the verdict before the evidence -------------------------------------------------
def _ad_days(rng, ad: str, slope: float, days: int = 40) -> list[dict]:
    """One ad's daily rows: CTR 2% at frequency 1.2, times (frequency / 1.2) ** slope."""
    out = []
    for d in range(days):
        freq = 1.2 + 2.8 * d / max(days - 1, 1)
        impressions = float(rng.integers(4000, 6000))
        clicks = float(rng.binomial(int(impressions), 0.02 * (freq / 1.2) ** slope))
        out.append(
            {
                "campaign_name": "Lente",
                "ad_set_name": "Set",
                "ad_name": ad,
                "date_start": START + dt.timedelta(days=d),
                "date_end": START + dt.timedelta(days=d),
                "spend": impressions / 150,
                "impressions": impressions,
                "reach": impressions / freq,
                "frequency": freq,
                "clicks": clicks,
                "link_clicks": clicks,
            }
        )
    return out


def _verdicts(html: str) -> dict[str, str]:
    """Ad name -> the verdict key of its row (data-tired)."""
    rows = re.findall(
        r"<tr class=\"tired-[^\"]*\">\s*<td>(.*?)<br>.*?data-tired=\"(\w+)\"", html, re.S
    )
    return {name.strip(): verdict for name, verdict in rows}


def test_fatigue_says_tired_yes_no_or_too_little_data_before_the_evidence(sqlite_ws):
    rng = np.random.default_rng(2)
    rows = (
        _ad_days(rng, "Falling", -0.6) + _ad_days(rng, "Flat", 0.0) + _ad_days(rng, "Short", 0.0, 8)
    )
    write_rows(sqlite_ws, rows)
    client = make_client(sqlite_ws)
    html = client.get("/ads/fatigue?lang=en").text
    assert _verdicts(html) == {"Falling": "yes", "Flat": "no", "Short": "unknown"}
    main = html.split('id="main"', 1)[1]
    # the verdict words, then the statistics folded under "How it is calculated"
    for word in (">yes<", ">no<", "too little data"):
        assert word in main
    assert main.count("<summary>How it is calculated</summary>") == 2  # not for "Short"
    folded = main.split("<summary>How it is calculated</summary>", 1)[1]
    assert "odds x" in folded and "after Holm" in folded
    assert main.index('data-tired="yes"') < main.index("How it is calculated")
    # the advice opens the page
    lead = re.search(r'<p class="lead advice">(.*?)</p>', main, re.S).group(1)
    assert "Tired: 1 of the 2 ads checked (Falling)" in lead
    assert "Ads with too little data to judge: 1." in lead
    assert main.index("lead advice") < main.index('class="data"')
    # the export carries the verdict too
    csv = client.get("/ads/fatigue.csv?lang=en").text.splitlines()
    assert "Tired" in csv[0] and any(line.startswith("Falling") and ",yes," in line for line in csv)


def test_fatigue_advice_when_nothing_is_tired(sqlite_ws):
    rng = np.random.default_rng(4)
    write_rows(sqlite_ws, _ad_days(rng, "Flat", 0.0) + _ad_days(rng, "Flat too", 0.0))
    html = make_client(sqlite_ws).get("/ads/fatigue?lang=en").text
    assert "None of the ads checked shows fatigue (2 checked)." in html
    assert set(_verdicts(html).values()) == {"no"}


# -- the budget: a rounded total, a value per result, the expected extra results ---------------
@pytest.fixture
def mixed_client(sqlite_ws):
    """Two campaigns of purchases and a smaller one of link clicks."""
    rng = np.random.default_rng(8)
    clicks = curve_days(rng, "Clicks", 400.0, 20.0, 1.0)
    for r in clicks:
        r["result_type"] = "Link clicks"
    rows = curve_days(rng, "Small", 12.0, 25.0, 1.2) + curve_days(rng, "Big", 30.0, 150.0, 1.1)
    write_rows(sqlite_ws, rows + clicks)
    return make_client(sqlite_ws)


def _lead(html: str) -> str:
    return re.search(r'<p class="lead advice">(.*?)</p>', html, re.S).group(1)


def test_budget_total_is_rounded_in_the_form(client):
    html = client.get("/ads/budget?total=3000.4&lang=en").text
    assert 'name="total" min="1" step="any" value="3000"' in html
    default = client.get("/ads/budget?lang=en").text
    assert re.search(r'name="total" min="1" step="any" value="\d+"', default)


def test_budget_asks_a_value_per_result_and_advises_every_campaign_with_it(mixed_client):
    plain = mixed_client.get("/ads/budget.json?total=3000").json()["plan"]
    assert {a["campaign"] for a in plain["allocations"]} == {"Small", "Big"}
    html = mixed_client.get("/ads/budget?total=3000&lang=en").text
    # an input per kind of result, the campaigns named beside it
    assert '<input type="hidden" name="value_type" value="Link clicks">' in html
    assert '<input type="hidden" name="value_type" value="Purchases">' in html
    lead = _lead(html)
    assert "Left out because their results are of another kind: Clicks." in lead
    assert "Expected extra results" in html and "Expected gain" not in html

    query = "total=3000&value_type=Purchases&value=40&value_type=Link+clicks&value=0.5"
    valued = mixed_client.get(f"/ads/budget.json?{query}").json()["plan"]
    assert valued["objective"] == "value"
    assert {a["campaign"] for a in valued["allocations"]} == {"Small", "Big", "Clicks"}
    html = mixed_client.get(f"/ads/budget?{query}&lang=en").text
    assert _lead(html) != lead and "Left out" not in _lead(html)
    assert "Expected extra value" in html
    assert re.search(r'name="value" min="0.01" step="any" value="40"', html)
    # one type without a value: its campaigns wait for one
    partial = mixed_client.get("/ads/budget?total=3000&value_type=Purchases&value=40&lang=en")
    assert "Left out for want of a value per result: Clicks." in _lead(partial.text)
    # a blank input is no value; a negative one is refused
    blank = mixed_client.get("/ads/budget.json?total=3000&value_type=Purchases&value=").json()
    assert blank["plan"]["objective"] == plain["objective"]
    bad = mixed_client.get("/ads/budget.json?value_type=Purchases&value=-1")
    assert bad.status_code == 422


def test_budget_advice_names_the_move_and_its_gain(client):
    data = client.get("/ads/budget.json?total=3000").json()["plan"]
    lead = _lead(client.get("/ads/budget?total=3000&lang=en").text)
    gain = data["expected_gain"]
    if gain["low"] > 0:
        assert lead.startswith("Move ") and f"more {data['objective'].lower()} in 30 days" in lead
    else:
        assert lead.startswith("Keep the current split")


# -- tests and curves: the advice in words first, the statistics folded ------------------------
def _variant_days(rng, ad_set: str, ad: str, ctr: float, impressions: int, days: int = 20):
    out = []
    for d in range(days):
        clicks = float(rng.binomial(impressions, ctr))
        out.append(
            {
                "campaign_name": "Lente",
                "ad_set_name": ad_set,
                "ad_name": ad,
                "date_start": START + dt.timedelta(days=d),
                "date_end": START + dt.timedelta(days=d),
                "spend": impressions / 150,
                "impressions": float(impressions),
                "clicks": clicks,
                "link_clicks": clicks,
            }
        )
    return out


@pytest.fixture
def tests_client(sqlite_ws):
    """A clear winner, a leader on a small sample, and two equal variants on a large one."""
    rng = np.random.default_rng(5)
    rows = (
        _variant_days(rng, "Clear", "Photo", 0.030, 5000)
        + _variant_days(rng, "Clear", "Text", 0.015, 5000)
        + _variant_days(rng, "Small", "Reel", 0.012, 60)
        + _variant_days(rng, "Small", "Still", 0.010, 60)
        + _variant_days(rng, "Equal", "Left", 0.020, 8000)
        + _variant_days(rng, "Equal", "Right", 0.020, 8000)
    )
    write_rows(sqlite_ws, rows)
    return make_client(sqlite_ws)


def _main(html: str) -> str:
    return html.split('id="main"', 1)[1]


def test_tests_page_says_the_verdict_in_words_before_the_statistics(tests_client):
    tests = {t["group"]: t for t in tests_client.get("/ads/tests.json").json()["tests"]}
    assert set(tests) == {"Clear", "Small", "Equal"}
    main = _main(tests_client.get("/ads/tests?lang=en").text)
    lead = htmllib.unescape(_lead(main))
    sentences = [s for s in re.split(r"(?<=\.) ", lead.strip()) if s]
    assert 1 <= len(sentences) <= 3
    # the winner: its name, the runner-up, the ratio's interval and what to do
    clear = tests["Clear"]
    assert clear["winner"] and clear["winner"] == clear["leader"]
    other = next(v["name"] for v in clear["variants"] if v["name"] != clear["winner"])
    assert re.search(
        rf"{clear['winner']} wins in Clear: \d\.\d\d× the click rate of {other} \(95% interval "
        r"\d\.\d\d× to \d\.\d\d×\); give it the other variants' budget\.",
        sentences[0],
    )
    # the leader without enough data: how many more impressions per variant
    small = tests["Small"]
    assert small["winner"] is None and small["smallest_variant"] < small["needed_per_variant"]
    more = f"{small['needed_per_variant'] - small['smallest_variant']:,.0f}"
    assert (
        f"{small['leader']} leads in Small, but the test needs about {more} more impressions "
        "per variant before it can say." in sentences
    )
    # no difference: the sample is in and no variant wins
    equal = tests["Equal"]
    assert equal["winner"] is None and equal["smallest_variant"] >= equal["needed_per_variant"]
    assert "No variant wins in Equal" in sentences[2]
    # every card: its sentence first, the pairwise statistics folded
    assert main.count("<summary>How it is calculated</summary>") == 3
    for card in main.split('<section class="card')[1:]:
        advice = card.index('class="advice"')
        folded = card.index("<summary>How it is calculated</summary>")
        assert advice < folded
        assert "after Holm correction" in card[folded:] and "p " in card[folded:]
        assert "after Holm correction" not in card[:folded]
    assert main.index("lead advice") < main.index('<section class="card')


def test_curves_page_says_where_each_campaign_stands(client):
    curves = client.get("/ads/curves.json").json()["curves"]
    main = _main(client.get("/ads/curves?lang=en").text)
    lead = _lead(main)
    fitted = [c for c in curves if c["ok"]]
    assert fitted and main.count("<summary>How it is calculated</summary>") == len(fitted)
    for c in fitted:
        name = str(escape(c["campaign"]))
        m = c["current_marginal"]
        cost = 1 / m["value"]
        past = c["saturation_seen"] and c["current_spend"] >= c["k"]["value"]
        sentence = (
            f"{name}: at {c['current_spend']:,.0f} EUR a day the next result costs about "
            f"{cost:,.2f} EUR, past the half-way point: more budget buys fewer results."
            if past
            else f"{name}: room to grow: at {c['current_spend']:,.0f} EUR a day"
        )
        assert sentence in main
        if past:
            assert sentence in lead  # past the half-way point is the most pressing
    # the fit's details folded: parameters, pseudo-R², dispersion
    folded = main.split("<summary>How it is calculated</summary>", 1)[1]
    assert "Pseudo-R²" in folded and "Dispersion" in folded and "Shape" in folded
    assert main.index("lead advice") < main.index("How it is calculated")


def test_curves_without_a_curve_say_why_in_one_line(sqlite_ws):
    rng = np.random.default_rng(3)
    write_rows(sqlite_ws, curve_days(rng, "Steady", 5.0, 40.0, 1.0, lo=0.95, hi=1.0))
    client = make_client(sqlite_ws)
    (curve,) = client.get("/ads/curves.json").json()["curves"]
    assert not curve["ok"]
    main = _main(client.get("/ads/curves?lang=en").text)
    assert _lead(main) == str(escape(f"Steady: no curve, {curve['reason']}."))
    assert "<details>" not in main
