"""The sentences the skills compute speak Dutch on Dutch pages (visuals, ads, analytics).

Each page is rendered in Dutch and in English. The English sentences come from the page's
JSON twin (its machine-readable fields keep the English text): each must be on the English
page and on the Dutch page not at all, and the Dutch page must carry the Dutch sentence,
numbers with a decimal comma.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pytest
from markupsafe import escape

from socialdesk.model import Account
from socialdesk.phrases import Join, Num, Phrase, say
from socialdesk.store import session_scope
from tests.ads.seeding import START, curve_days, write_rows
from tests.visual.images import ASTRONAUT
from tests.visual.seeding import nb_posts, seed
from tests.web.conftest import csrf_of, make_client


def _strings(data: Any, keys: Iterable[str]) -> Iterator[str]:
    """Every string (or string in a list) under one of `keys`, anywhere in a JSON twin but in
    its estimates (whose `method` a page shows only as a tooltip)."""
    wanted = set(keys)
    if isinstance(data, dict) and {"value", "low", "high", "level", "method"} <= data.keys():
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if key in wanted:
                if isinstance(value, str) and value:
                    yield value
                elif isinstance(value, list):
                    yield from (v for v in value if isinstance(v, str) and v)
            yield from _strings(value, wanted)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value, wanted)


def _only_in_english(client, path: str, keys: Iterable[str], *, least: int = 1) -> str:
    """The Dutch page of `path`; its twin's English sentences under `keys` are on the English
    page and not on the Dutch one."""
    sep = "&" if "?" in path else "?"
    twin = path.replace("?", ".json?", 1) if "?" in path else path + ".json"
    english = sorted(set(_strings(client.get(twin).json(), keys)))
    assert len(english) >= least, (path, english)
    en = client.get(f"{path}{sep}lang=en").text
    nl = client.get(f"{path}{sep}lang=nl").text
    for sentence in english:
        shown = str(escape(sentence))
        assert shown in en, (path, sentence)
        assert shown not in nl, (path, sentence)
    return nl


# -- the phrases themselves -----------------------------------------------------------------
def test_a_phrase_is_its_english_text_and_says_dutch():
    from socialdesk.i18n import formats, gettext

    phrase = Phrase(
        "held at %(amount)s a day, the least it spent on any day", amount=Num(1234.5, ",.2f")
    )
    assert phrase == "held at 1,234.50 a day, the least it spent on any day"
    dutch = phrase.say(lambda m: gettext("nl", m), formats("nl"))
    assert dutch == "gehouden op 1.234,50 per dag, het minste dat het op één dag uitgaf"
    nested = Phrase(
        "too few posts to also control for: %(controls)s",
        controls=Join.of([Phrase("hour"), Phrase("weekend")]),
    )
    assert say(nested, lambda m: gettext("nl", m), formats("nl")) == (
        "te weinig berichten om ook te corrigeren voor: uur, weekend"
    )
    assert say("a name <b>", lambda m: gettext("nl", m)) == "a name <b>"  # data stays as is
    import pickle

    again = pickle.loads(pickle.dumps(phrase))
    assert again == phrase and again.say(lambda m: gettext("nl", m), formats("nl")) == dutch


# -- visuals ----------------------------------------------------------------------------------
def test_visual_page_sentences_in_dutch(ws):
    rng = np.random.default_rng(14)
    posts = nb_posts(
        rng, {"photo": 60, "link": 40, "video": 6}, {"photo": 1.0, "link": 0.5, "video": 1.0}
    )
    seed(ws.engine, ws.workspace_id, posts, platform="facebook", handle="Groen")
    client = make_client(ws)
    nl = _only_in_english(
        client, "/visual?platform=facebook", ("sentence", "method", "notes"), least=3
    )
    assert re.search(
        r"Per bereikte persoon krijgen linkberichten \d,\d+× \(\d,\d+–\d,\d+\) de "
        r"interacties van foto&#39;s op dit Facebook-account\.",
        nl,
    )
    assert "Video&#39;s: te weinig gegevens (6 berichten, minstens 10 nodig)." in nl
    assert "Per person reached" not in nl and "negatief binomiaal (NB2)" in nl
    assert 'lang="en"' not in nl.split('id="main"', 1)[1]


def test_image_check_advice_in_dutch(ws):
    client = make_client(ws)
    token = csrf_of(client)
    pages = {}
    for lang in ("nl", "en"):
        client.cookies.set("sd_lang", lang)
        with ASTRONAUT.open("rb") as fh:
            r = client.post(
                "/visual/check",
                data={"csrf_token": token, "platform": "instagram"},
                files={"image": ("a.jpg", fh, "image/jpeg")},
                headers={"hx-request": "true"},
            )
        assert r.status_code == 200
        pages[lang] = r.text
    english = "Smaller than the recommended 1080×1350: it may look soft on large screens."
    assert english in pages["en"] and english not in pages["nl"]
    assert (
        "Kleiner dan de aanbevolen 1080×1350: het kan zacht ogen op grote schermen."
        in (pages["nl"])
    )
    assert "helderheid: 0,45" in pages["nl"] and "brightness: 0.45" in pages["en"]
    assert "Een gezicht komt in de bovenste 14%" in pages["nl"]


# -- advertising ------------------------------------------------------------------------------
def _ad_days(rng: np.random.Generator, ad: str, ctr: float, days: int = 40) -> list[dict]:
    """One ad's daily rows in the ad set "Set" of the campaign "Test": a CTR, a frequency."""
    out = []
    for d in range(days):
        impressions = float(rng.integers(4000, 6000))
        clicks = float(rng.binomial(int(impressions), ctr))
        out.append(
            {
                "campaign_name": "Test",
                "ad_set_name": "Set",
                "ad_name": ad,
                "date_start": START + dt.timedelta(days=d),
                "date_end": START + dt.timedelta(days=d),
                "spend": 20.0,
                "impressions": impressions,
                "reach": impressions / 1.5,
                "frequency": 1.2 + d * 0.05,
                "clicks": clicks,
                "link_clicks": clicks,
                "results": float(rng.poisson(clicks * 0.05)),
                "result_type": "Purchases",
            }
        )
    return out


@pytest.fixture
def ads_client(ws):
    rng = np.random.default_rng(8)
    rows = (
        curve_days(rng, "Small", 12.0, 25.0, 1.2)
        + curve_days(rng, "Big", 30.0, 150.0, 1.1)
        + curve_days(rng, "Narrow", 5.0, 40.0, 1.0, lo=0.95, hi=1.0)
        + _ad_days(rng, "A", 0.010)
        + _ad_days(rng, "B", 0.011)
    )
    write_rows(ws, rows)
    return make_client(ws)


def test_budget_reasons_in_dutch(ads_client):
    nl = _only_in_english(
        ads_client, "/ads/budget?total=3000&days=30", ("reasons", "notes"), least=2
    )
    assert re.search(
        r"(stijgt nog|onder het verzadigingspunt): bij \d+,\d\d per dag levert het "
        r"\d+% van het hoogst haalbare",
        nl,
    )


def test_test_verdicts_and_fatigue_evidence_in_dutch(ads_client):
    nl = _only_in_english(ads_client, "/ads/tests", ("verdict", "peeking_warning"))
    assert re.search(
        r"(A|B) wint|geen variant is 20% of meer beter|nog geen besluit|ligt "
        r"significant voor",
        nl,
    )
    nl = _only_in_english(ads_client, "/ads/fatigue", ("evidence",), least=2)
    assert re.search(r"CTR \d,\d\d% bij frequentie \d,\d\d en \d,\d\d% bij \d,\d\d", nl)


def test_response_curve_reasons_in_dutch(ads_client):
    nl = _only_in_english(ads_client, "/ads/curves", ("reason",))
    assert re.search(
        r"de dagelijkse uitgaven varieerden te weinig om de vorm van de curve te zien "
        r"\(meestal tussen \d+,\d\d en \d+,\d\d\)",
        nl,
    )


# -- analytics ----------------------------------------------------------------------------------
def test_best_times_and_anomalies_in_dutch(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    nl = _only_in_english(client, "/analytics/best-times", ("method", "note"))
    assert "te weinig gegevens" in nl or "negatief binomiaal (NB2) met log-blootstelling" in nl
    nl = _only_in_english(client, "/analytics/anomalies", ("method", "reason", "explanation"))
    assert "dagen: een robuuste basislijn per weekdag" in nl
    assert "|score| ≥ 3,5" in nl


def test_kpi_tree_formula_and_factors_in_dutch(sqlite_seeded):
    client = make_client(sqlite_seeded.ws)
    path = "/analytics/kpi-tree?tree=engagement&after_start=2026-10-22&after_end=2026-11-20"
    en = client.get(path + "&lang=en").text
    nl = client.get(path + "&lang=nl").text
    english = "interactions = posts × reach per post × engagement rate"
    assert english in en and english not in nl
    assert "interacties = berichten × bereik per bericht × interactiegraad" in nl
    assert "reach per post:" not in nl and "bereik per bericht" in nl


def test_goal_note_in_dutch(sqlite_seeded):
    ws = sqlite_seeded.ws
    client = make_client(ws)
    token = csrf_of(client)
    added = client.post(
        "/analytics/goals",
        data={
            "csrf_token": token,
            "name": "Groei",
            "metric": "reach",
            "start": "2020-01-01",
            "end": "2020-01-31",
            "target": "+20%",
        },
    )
    assert added.status_code == 303
    nl = _only_in_english(client, "/analytics/goals", ("note",))
    assert "geen cijfers over de periode vóór het doel, dus een verandering is niet te meten" in nl


# -- marketing: the month a calendar form returns to --------------------------------------------
def test_a_move_returns_to_the_local_month_not_the_utc_one(ws):
    from socialdesk.marketing import queries

    with session_scope(ws.engine) as s:
        s.add(Account(workspace_id=ws.workspace_id, platform="instagram", handle="groen"))
        item = queries.add_item(
            s,
            ws.workspace_id,
            title="Nieuwe maand",
            created_by="local",
            status="draft",
            platform="instagram",
            scheduled_at=dt.datetime(2026, 3, 30, 8),
        )
    client = make_client(ws)
    token = csrf_of(client)
    # 1 April 00:30 in Amsterdam is 31 March 22:30 UTC: the page to go back to is April's
    moved = client.post(
        f"/marketing/calendar/{item}/move",
        data={"date": "2026-04-01", "time": "00:30", "csrf_token": token},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == "/marketing/calendar?month=2026-04"
    added = client.post(
        "/marketing/calendar",
        data={"title": "Ook april", "date": "2026-04-01", "time": "00:15", "csrf_token": token},
        follow_redirects=False,
    )
    assert added.headers["location"] == "/marketing/calendar?month=2026-04"


# -- the metrics catalogue's formulas -------------------------------------------------------------
def test_metric_formulas_in_dutch(ws):
    client = make_client(ws)
    nl = _only_in_english(client, "/analytics/metrics", ("formula",), least=15)
    assert "<code>zoals geëxporteerd</code>" in nl
    assert "<code>interacties / (vertoningen, anders weergaven)</code>" in nl
    nl = _only_in_english(client, "/analytics/metrics/cpm", ("formula",))
    assert "<code>uitgaven / vertoningen × 1000</code>" in nl
    twin = client.get("/analytics/metrics/cpm.json?lang=nl").json()
    assert twin["formula"] == "spend / impressions × 1000"  # the twin keeps its English field
    assert twin["formula_text"] == twin["formulas"]["nl"] == "uitgaven / vertoningen × 1000"


# -- the import formats -------------------------------------------------------------------------
def test_import_formats_in_dutch(ws):
    from socialdesk.i18n import gettext
    from socialdesk.importers import builtin_formats

    client = make_client(ws)
    en = client.get("/imports?lang=en").text
    nl = client.get("/imports?lang=nl").text
    formats = builtin_formats()
    assert len(formats) >= 30
    for f in formats:
        for english in (f.title, f.how_to):
            dutch = gettext("nl", english)
            assert dutch != english, english  # every title and how-to has its Dutch
            assert str(escape(english)) in en and str(escape(english)) not in nl, english
            assert str(escape(dutch)) in nl, dutch
    assert "Meta Business Suite → Inzichten → Content → kies Instagram en een periode → " in nl
    assert "Meta Business Suite – Facebook-berichten (CSV)" in nl
    twin = {f["name"]: f for f in client.get("/imports.json?lang=nl").json()["formats"]}
    assert twin["ga4_report_csv"]["title"] == "Google Analytics 4 – gedownload rapport (CSV)"


# -- the marketing plan's findings --------------------------------------------------------------
GAPPY_PLAN = """name: Gaten
goals:
  - key: bekend
    objectives:
      - {key: groei, name: Groei, metric: reech, audiences: [onbekend], channels: [fax]}
  - key: leeg
audiences:
  - {key: ouders, name: Ouders}
pillars:
  - {key: tips, name: Tips, objectives: [weg]}
campaigns:
  - {name: najaar, pillar: nergens}
"""


def test_plan_findings_in_dutch(ws):
    client = make_client(ws)
    token = csrf_of(client)
    saved = client.post("/marketing/plan", data={"plan_yaml": GAPPY_PLAN, "csrf_token": token})
    assert saved.status_code in (200, 303), saved.text[:500]
    nl = _only_in_english(client, "/marketing/plan", ("message",), least=8)
    for dutch in (
        "doelstelling groei: heeft geen streefwaarde: zeg hoeveel (meetbaar)",
        "doelstelling groei: heeft geen datum: zeg wanneer (tijdgebonden)",
        "doelstelling groei: &#39;reech&#39; is geen maatstaf uit de catalogus",
        "doelstelling groei: doelgroep &#39;onbekend&#39; staat niet in het plan",
        "doelstelling groei: kanaal &#39;fax&#39; is geen bekend kanaal",
        "doel leeg: heeft geen doelstellingen",
        "doelgroep ouders: geen doelstelling bedient deze doelgroep",
        "pijler tips: doelstelling &#39;weg&#39; staat niet in het plan",
        "pijler tips: heeft geen trefwoorden",
        "campagne najaar: pijler &#39;nergens&#39; staat niet in het plan",
    ):
        assert dutch in nl, dutch
    en = client.get("/marketing/plan?lang=en").text
    assert "objective groei: has no target: say how much (measurable)" in en
    assert "objective groei:" not in nl and "pillar tips:" not in nl
