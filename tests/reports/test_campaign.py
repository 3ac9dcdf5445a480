"""The campaign report (`socialdesk report campaign NAME`): ad delivery with known figures, on
SQLite and PostgreSQL, read back from the report, its HTML and its PDF.

"Lente Actie 2026" (Meta, EUR) runs 28 days from 1 March 2026 with two ad sets:
"Tuinbezitters" with the ads "Video" (a day: 10.00 spend, 1,000 impressions, 20 clicks, 15 link
clicks, 2 Website purchases worth 50.00) and "Foto" (10.00, 1,000, 10, 8, 1 purchase worth
25.00), and "Bereik" with the ad "Reel" (5.00, 2,000 impressions, 4 clicks, 2 link clicks, 500
results of the type Reach). So: 700.00 spent, 84 Website purchases for the 560.00 of the ads
optimised for them (6.67 each), 14,000 Reach for 140.00, 2,100.00 conversion value (ROAS 3.00).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
from sqlalchemy import insert

from socialdesk.i18n import formats, gettext
from socialdesk.marketing import run as marketing_run
from socialdesk.marketing.plan import from_yaml
from socialdesk.model import Account, WebDay
from socialdesk.reports import render
from socialdesk.reports.campaign import (
    NoSuchCampaign,
    campaign_html,
    campaign_names,
    campaign_report,
    halves,
)
from socialdesk.store.session import session_scope
from tests.ads.seeding import write_rows

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
START = dt.date(2026, 3, 1)
DAYS = 28
END = START + dt.timedelta(days=DAYS - 1)
NAME = "Lente Actie 2026"
OTHER = "Herfst Actie 2026"
HOSTILE = "<script>alert('x')</script> & <b>Co</b>"
PLAN = f"""
name: Plan
goals:
  - key: g
    objectives:
      - {{key: verkoop, name: Meer verkoop, metric: conversions, target: 100, due: 2026-12-31,
         audiences: [kopers], channels: [meta_ads]}}
audiences:
  - {{key: kopers, name: Tuinbezitters met een plat dak}}
pillars:
  - {{key: shop, name: Uit de webshop, keywords: ["#shop"], objectives: [verkoop]}}
campaigns:
  - {{name: {NAME}, objective: verkoop, pillar: shop, audience: kopers}}
  - {{name: Zomer 2026, objective: verkoop}}
"""


def _ad(day: dt.date, campaign: str, ad_set: str, ad: str, **figures: object) -> dict:
    return {
        "campaign_name": campaign,
        "ad_set_name": ad_set,
        "ad_name": ad,
        "date_start": day,
        "date_end": day,
        **figures,
    }


def seed(ws) -> None:
    rows = []
    for i in range(DAYS):
        day = START + dt.timedelta(days=i)
        purchases = {"result_type": "Website purchases"}
        rows += [
            _ad(day, NAME, "Tuinbezitters", "Video", spend=10.0, impressions=1000.0,
                clicks=20.0, link_clicks=15.0, results=2.0, conversion_value=50.0, **purchases),
            _ad(day, NAME, "Tuinbezitters", "Foto", spend=10.0, impressions=1000.0,
                clicks=10.0, link_clicks=8.0, results=1.0, conversion_value=25.0, **purchases),
            _ad(day, NAME, "Bereik", "Reel", spend=5.0, impressions=2000.0, clicks=4.0,
                link_clicks=2.0, results=500.0, result_type="Reach"),
            _ad(day, OTHER, "X", "Y", spend=7.0, impressions=700.0, clicks=7.0,
                link_clicks=7.0, results=1.0, **purchases),
        ]  # fmt: skip
    write_rows(ws, rows, account="Ads NL", currency="EUR")
    for account, currency, spend in (("Ads NL", "EUR", 3.0), ("Ads US", "USD", 4.0)):
        write_rows(
            ws,
            [
                _ad(START + dt.timedelta(days=i), HOSTILE, "<i>set</i>", "<img src=x>",
                    spend=spend, impressions=100.0, clicks=2.0, results=1.0, result_type="Leads")
                for i in range(3)
            ],
            account=account,
            currency=currency,
        )  # fmt: skip
    with session_scope(ws.engine) as s:
        marketing_run.save_plan(s, ws.workspace_id, from_yaml(PLAN), "tests")
        ga4 = Account(workspace_id=ws.workspace_id, platform="ga4", handle="properties/1")
        s.add(ga4)
        s.flush()
        s.execute(
            insert(WebDay),
            [
                {
                    "account_id": ga4.id,
                    "report": "traffic",
                    "dimension_key": f"campaign={campaign};source=facebook",
                    "date_start": START + dt.timedelta(days=d),
                    "date_end": START + dt.timedelta(days=d),
                    "source": "facebook",
                    "medium": "paid_social",
                    "campaign": campaign,
                    "sessions": sessions,
                    "engaged_sessions": sessions / 2,
                    "conversions": 1.0,
                    "revenue": 10.0,
                }
                for d, campaign, sessions in (
                    (0, "lente_actie_2026", 100.0),
                    (1, "lente_actie_2026", 50.0),
                    (1, "iets_anders", 70.0),
                )
            ],
        )


@pytest.fixture
def ads(ws):
    seed(ws)
    return ws


def _report(ws, name: str = NAME, lang: str = "en", **kw):
    with session_scope(ws.engine) as s:
        return campaign_report(s, ws.workspace_id, name, lang, today=dt.date(2026, 4, 2), **kw)


def _say(phrase, lang: str) -> str:
    return phrase.say(lambda m: gettext(lang, m), formats(lang))


def test_totals_per_currency_with_results_per_type_never_added_up(ads):
    r = _report(ads, "  lente ACTIE 2026 ")  # trimmed, any case
    assert r.name == NAME and (r.start, r.end) == (START, END)
    (t,) = r.totals
    assert t.currency == "EUR" and t.days == DAYS
    assert t.spend == pytest.approx(700.0)
    assert t.impressions == 112_000 and t.clicks == 952 and t.link_clicks == 700
    assert t.reach is None  # 28 daily rows: reach cannot be added up
    assert t.ctr.value == pytest.approx(952 / 112_000)
    assert t.ctr.low < 952 / 112_000 < t.ctr.high
    by_type = {x.result_type: x for x in t.results}
    assert set(by_type) == {"Website purchases", "Reach"}  # never one "results" figure
    assert by_type["Website purchases"].results == 84
    assert by_type["Website purchases"].cpa == pytest.approx(560.0 / 84)
    assert by_type["Reach"].results == 14_000
    assert by_type["Reach"].cpa == pytest.approx(140.0 / 14_000)
    assert t.result_type == "Website purchases" and t.results[0].result_type == t.result_type
    assert t.cpa == pytest.approx(560.0 / 84)
    assert t.conversion_value == pytest.approx(2100.0) and t.roas == pytest.approx(3.0)
    assert {a.name for a in r.ad_sets} == {"Tuinbezitters", "Bereik"}
    assert [a.name for a in r.ads] == ["Foto", "Video", "Reel"]  # most spend first, then name
    video = next(a for a in r.ads if a.name == "Video")
    assert video.spend == pytest.approx(280.0) and video.cpa == pytest.approx(280.0 / 56)
    assert r.channels == ()  # one platform and account
    # the halves: 3 purchases for 20.00 every day, so the same cost in both
    h = r.halves
    assert h is not None and h.first == (START, START + dt.timedelta(days=13))
    assert h.first_cpa == pytest.approx(20 / 3) and h.second_cpa == pytest.approx(20 / 3)
    assert h.change.low < 0 < h.change.high
    assert r.plan is not None
    assert (r.plan.objective, r.plan.pillar, r.plan.audience) == (
        "Meer verkoop",
        "Uit de webshop",
        "Tuinbezitters met een plat dak",
    )
    assert r.web is not None and r.web.sessions == 150 and r.web.utm_campaign == "lente_actie_2026"
    assert len({d for d, *_x in r.daily}) == DAYS
    assert r.sections[:3] == ("totals", "days", "rows")


def test_creative_test_of_the_campaign_only(ads):
    r = _report(ads)
    creative = [t for t in r.tests if t.level == "ad"]
    assert [t.group for t in creative] == ["Tuinbezitters"]  # "Bereik" has one ad, OTHER none
    (t,) = creative
    assert set(t.variants) == {"Video", "Foto"} and t.leader == "Video"
    assert t.needed_per_variant is not None and t.smallest_variant == 28_000
    assert t.reached == (t.smallest_variant >= t.needed_per_variant)
    assert all(x.group != OTHER for x in r.tests)
    assert r.fatigue == () and r.fatigue_checked == 0  # no frequency in these rows
    assert r.curves == ()  # the same spend every day: no curve


def test_the_headline_in_english_and_dutch(ads):
    r = _report(ads)
    en = [_say(p, "en") for p in r.headline]
    nl = [_say(p, "nl") for p in r.headline]
    assert 3 <= len(r.headline) <= 5
    assert "700.00 EUR" in en[0] and "84 Website purchases" in en[0] and "14,000 Reach" in en[0]
    assert "Mar 1, 2026" in en[0] and "Mar 28, 2026" in en[0]
    assert "700,00 EUR" in nl[0] and "14.000 Reach" in nl[0] and "1 mrt 2026" in nl[0]
    assert "6.67 EUR" in en[1] and "3.00 times" in en[1]
    assert "6,67" in nl[1] and "3,00" in nl[1]
    assert "about the same in both halves" in en[2] and "6.67 EUR in the first half" in en[2]
    advice = " ".join(en[3:])
    t = next(t for t in r.tests if t.group == "Tuinbezitters")
    # 28,000 impressions per ad against the planned size: a leader, no winner yet
    assert t.winner is None and t.reached is False and t.running
    more = f"{t.needed_per_variant - t.smallest_variant:,.0f}"
    assert f"The test in Tuinbezitters needs about {more} more impressions" in advice
    assert "The audience test of this campaign needs about" in advice


def test_halves_rule_by_hand():
    days = [
        (START + dt.timedelta(days=i), "EUR", "Leads", 10.0, 10.0 if i < 14 else 5.0)
        for i in range(28)
    ]
    h = halves(days, "EUR", "Leads")
    assert h is not None
    assert h.first_cpa == pytest.approx(1.0) and h.second_cpa == pytest.approx(2.0)
    assert h.change.value == pytest.approx(1.0)
    assert h.change.low > 0  # 140 against 70 results: a rise beyond chance
    assert halves(days[:13], "EUR", "Leads") is None  # too few days for two halves
    few = [(d, c, k, s, 0.5) for d, c, k, s, _n in days]
    assert halves(few, "EUR", "Leads") is None  # 7 results a half: too few


def test_a_period_narrows_the_figures(ads):
    r = _report(ads, start=dt.date(2026, 3, 15))
    assert (r.start, r.end) == (dt.date(2026, 3, 15), END)
    (t,) = r.totals
    assert t.spend == pytest.approx(14 * 25.0)
    assert {x.result_type: x.results for x in t.results} == {
        "Website purchases": 42,
        "Reach": 7000,
    }


def test_two_currencies_are_never_added_and_hostile_names_are_escaped(ads):
    r = _report(ads, HOSTILE)
    assert r.name == HOSTILE
    assert {t.currency: t.spend for t in r.totals} == {
        "EUR": pytest.approx(9.0),
        "USD": pytest.approx(12.0),
    }
    assert len(r.channels) == 2
    assert all({x.result_type for x in t.results} == {"Leads"} for t in r.totals)
    html = campaign_html(r)
    assert "<script>alert" not in html and "<b>Co</b>" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in html
    assert "&lt;img src=x&gt;" in html


def test_no_such_campaign_names_the_closest(ads):
    with pytest.raises(NoSuchCampaign) as caught:
        _report(ads, "Lente Actie")
    message = str(caught.value)
    assert "'Lente Actie'" in message
    assert caught.value.suggestions[0] == NAME
    assert OTHER in caught.value.suggestions
    with session_scope(ads.engine) as s:
        names = campaign_names(s, ads.workspace_id)
    assert names == tuple(sorted((NAME, OTHER, HOSTILE, "Zomer 2026"), key=str.casefold))


def test_a_plan_campaign_without_ads_has_its_plan_entry_only(ads):
    r = _report(ads, "zomer 2026")
    assert r.totals == () and r.ads == () and r.tests == ()
    assert r.plan is not None and r.plan.objective == "Meer verkoop"
    assert r.sections == ("plan",)
    assert "No ad delivery is stored for Zomer 2026" in r.headline[0]
    assert "Zomer 2026" in campaign_html(r)


def _pdftotext() -> str:
    found = shutil.which("pdftotext")
    if not found:
        if IN_CI:
            pytest.fail("pdftotext (poppler-utils) is required in CI to read the PDF back")
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    return found


def test_dutch_campaign_report_in_html_and_pdf(ads, tmp_path):
    r = _report(ads, lang="nl")
    html = campaign_html(r)
    assert '<html lang="nl">' in html and "700,00" in html and "6,67" in html
    assert "<svg" in html  # the day-by-day charts
    pdf = render.to_pdf(html)
    assert pdf.startswith(b"%PDF") and len(pdf) < 2_000_000
    path = tmp_path / "campaign.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [_pdftotext(), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert NAME in text and "700,00" in text and "Website purchases" in text
    english = campaign_html(r, "en")
    assert '<html lang="en">' in english and "Spend and results" in english
