"""The visuals pages in process: the uplift page and its JSON twin, and the image check."""

from __future__ import annotations

import json

import numpy as np

from tests.visual.images import ASTRONAUT
from tests.visual.seeding import nb_posts, seed
from tests.web.conftest import csrf_of, make_client


def _seeded(ws):
    rng = np.random.default_rng(14)
    posts = nb_posts(rng, {"photo": 60, "link": 40}, {"photo": 1.0, "link": 0.5})
    seed(ws.engine, ws.workspace_id, posts, platform="facebook", handle="<b>Groen</b>")


def test_uplift_page_and_json_twin(ws):
    _seeded(ws)
    client = make_client(ws)
    data = client.get("/visual.json?platform=facebook").json()
    (result,) = data["results"]
    assert result["reference"] == "photo"
    link = next(e for e in result["effects"] if e["media_type"] == "link")
    assert link["ratio"]["low"] < 0.5 < link["ratio"]["high"] or link["clear"]
    html = client.get("/visual?platform=facebook&lang=en").text
    assert "<b>Groen</b>" not in html and "&lt;b&gt;Groen&lt;/b&gt;" in html  # escaped
    spec = html.split('id="chart-forest-0">', 1)[1].split("</script>", 1)[0]
    values = json.loads(spec)["data"]["values"]
    assert [v["type"] for v in values] == ["link"]
    assert values[0]["ratio"] == link["ratio"]["value"]
    assert json.loads(spec)["config"]["locale"]["number"]["decimal"] == "."
    nl = client.get("/visual?lang=nl").text
    assert "per bereikte persoon" in nl and "Een beeld controleren" in nl
    nl_spec = nl.split('id="chart-forest-0">', 1)[1].split("</script>", 1)[0]
    assert json.loads(nl_spec)["config"]["locale"]["number"]["decimal"] == ","  # 0,5 on the axis
    assert client.get("/visual?metric=nonsense").status_code in (400, 422)


def test_image_check_upload(ws):
    client = make_client(ws)
    token = csrf_of(client)
    with ASTRONAUT.open("rb") as fh:
        r = client.post(
            "/visual/check",
            data={"csrf_token": token, "platform": "instagram"},
            files={"image": ("a.jpg", fh, "image/jpeg")},
            headers={"hx-request": "true", "accept": "text/html"},
        )
    assert r.status_code == 200
    assert 'id="check-result"' in r.text and "512×512" in r.text and "Instagram" in r.text
    with ASTRONAUT.open("rb") as fh:
        r = client.post(
            "/visual/check",
            data={"csrf_token": token},
            files={"image": ("a.jpg", fh, "image/jpeg")},
            headers={"accept": "application/json"},
        )
    check = r.json()["check"]
    assert check["features"]["faces"][0]["w"] > 80
    bad = client.post(
        "/visual/check",
        data={"csrf_token": token},
        files={"image": ("x.jpg", b"nope", "image/jpeg")},
        headers={"accept": "application/json"},
    )
    assert bad.status_code == 400 and "not an image" in bad.json()["error"]
    no_token = client.post("/visual/check", files={"image": ("a.jpg", b"x", "image/jpeg")})
    assert no_token.status_code == 403


def _expected_advice(data: dict, per_account: bool) -> list[str]:
    """The advice computed from the JSON twin: per platform (or account) the clearly best
    type against the reference, the largest ratios first; else "no type does clearly better"."""

    def ok(e: dict) -> bool:
        return e["ratio"]["value"] is not None

    results = [r for r in data["results"] if r["reference"] and any(ok(e) for e in r["effects"])]
    names = {"facebook": "Facebook", "instagram": "Instagram"}
    plural = {"photo": "photos", "link": "link posts", "carousel": "carousels", "reel": "reels"}
    if per_account:
        chosen = [r for r in results if r["scope"] == "account"]
    else:
        multi = {r["platform"] for r in results if r["scope"] == "platform"}
        chosen = [
            r
            for r in results
            if r["scope"] == "platform" or (r["scope"] == "account" and r["platform"] not in multi)
        ]
    wins, none_better = [], []
    for r in chosen:
        place = names[r["platform"]] + (f" · {r['account']}" if per_account else "")
        better = [e for e in r["effects"] if e["clear"] and ok(e) and e["ratio"]["value"] > 1]
        most = max(r["raw"], key=lambda x: x["posts"])["media_type"]
        if not better:
            role = "the most used" if most == r["reference"] else "the reference"
            none_better.append(
                f"No media type does clearly better on {place} than "
                f"{plural[r['reference']]} ({role})."
            )
            continue
        best = max(better, key=lambda e: e["ratio"]["value"])
        ratio = best["ratio"]
        wins.append(
            (
                ratio["value"],
                f"Post more {plural[best['media_type']]} on {place}: {ratio['value']:.1f}× the "
                f"interactions per person reached of {plural[r['reference']]} (95% interval "
                f"{ratio['low']:.1f}–{ratio['high']:.1f}).",
            )
        )
    wins.sort(key=lambda w: -w[0])
    return ([t for _, t in wins] + none_better)[:3]


def _advice_of(html: str) -> str:
    return html.split('<p class="lead advice">', 1)[1].split("</p>", 1)[0]


def test_advice_and_folded_statistics(ws):
    _seeded(ws)
    rng = np.random.default_rng(7)
    posts = nb_posts(rng, {"photo": 70, "carousel": 50}, {"photo": 1.0, "carousel": 2.0})
    seed(ws.engine, ws.workspace_id, posts, platform="instagram", handle="Blauw")
    client = make_client(ws)

    data = client.get("/visual.json").json()
    expected = _expected_advice(data, per_account=False)
    assert any(s.startswith("Post more carousels on Instagram: ") for s in expected)
    html = client.get("/visual?lang=en").text
    advice = _advice_of(html)
    assert advice == " ".join(expected).replace("<", "&lt;").replace(">", "&gt;")
    # the statistics are folded under "How it is calculated"; the main table stays open
    assert html.count("<details") >= len(data["results"])
    assert "How it is calculated</summary>" in html
    before, folded = html.split("<details", 1)
    assert "p (Holm)" not in before.split('class="uplift"', 1)[1]
    assert "p (Holm)" in folded and "negative binomial" in folded
    assert "ratio (95% interval)" in before

    # one platform: per account, the facebook account has no clear win over photos
    fb = client.get("/visual.json?platform=facebook").json()
    expected_fb = _expected_advice(fb, per_account=True)
    html_fb = client.get("/visual?platform=facebook&lang=en").text
    assert _advice_of(html_fb) == " ".join(expected_fb).replace("<", "&lt;").replace(">", "&gt;")

    # Dutch: the numbers with a decimal comma, the types in Dutch
    nl = _advice_of(client.get("/visual?lang=nl").text)
    ig = next(r for r in data["results"] if r["platform"] == "instagram")
    carousel = next(e for e in ig["effects"] if e["media_type"] == "carousel")
    assert f"{carousel['ratio']['value']:.1f}".replace(".", ",") in nl and "carrousels" in nl
    assert "Hoe berekend" in client.get("/visual?lang=nl").text


def test_an_account_that_cannot_be_compared_says_why_outside_the_folded_method(ws):
    # one media type only: no comparison; the reason shows under the account's heading,
    # not folded away behind "How it is calculated" under an empty table
    rng = np.random.default_rng(3)
    seed(ws.engine, ws.workspace_id, nb_posts(rng, {"photo": 40}, {"photo": 1.0}), platform="x")
    client = make_client(ws)
    html = client.get("/visual?basis=total&lang=en").text
    section = html.split('class="uplift"', 1)[1].split("</section>", 1)[0]
    shown = section.split("<details", 1)[0]
    assert "only one media type has enough posts to compare" in shown
    assert "none (totals per post)" in shown
    nl = client.get("/visual?basis=total&lang=nl").text
    assert "geen (totalen per bericht)" in nl
